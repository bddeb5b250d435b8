/**
 * Head-pose prediction to display time: extrapolate the newest pose estimate `Δ` seconds ahead so the
 * frame drawn for photon time shows the world where it will be, not where it was (motion-to-photon
 * latency compensation; S. M. LaValle et al., "Head tracking for the Oculus Rift", ICRA 2014, §IV, and
 * R. Azuma, G. Bishop, "Improving static and dynamic registration in an optical see-through HMD",
 * SIGGRAPH 1994, §5).
 *
 * Models (rotation in the body frame, on SO(3); Solà 2017 §4.6):
 * - `hold`: the last pose unpredicted (the baseline);
 * - `constant-velocity`: `q ⊗ Exp(ω Δ)`, `p + v Δ`;
 * - `constant-acceleration`: `ω(t) = ω + α t` integrated to second order in the Magnus expansion,
 *   `q ⊗ Exp(ω Δ + ½ α Δ² + (Δ³/12) ω × α)` (W. Magnus 1954; the commutator term is exact to O(Δ³) for a
 *   linearly varying rate), `p + v Δ + ½ a Δ²`.
 * The default is chosen by the Aria evaluation (`docs/prediction.md`): `constant-velocity`.
 */
import type { Quat, Vec3 } from '../../../math/quat.js';
import { boxPlus, cross } from './so3.js';

export const PREDICTION_MODELS = ['hold', 'constant-velocity', 'constant-acceleration'] as const;
export type PredictionModel = (typeof PREDICTION_MODELS)[number];

/** The newest motion estimate a prediction starts from. */
export interface MotionState {
  /** Orientation of the body (IMU) frame in the world frame, Hamilton `[w, x, y, z]`. */
  readonly q_world_body: Quat;
  /** Angular velocity of the body, body frame, rad/s (gyro reading, bias removed). */
  readonly omegaBodyRadps: Vec3;
  /** Angular acceleration, body frame, rad/s²; zero when absent. */
  readonly alphaBodyRadps2?: Vec3;
  /** 6-DoF sources: body position in the world frame, m. */
  readonly p_world_body_m?: Vec3;
  /** 6-DoF sources: body velocity in the world frame, m/s. */
  readonly v_world_mps?: Vec3;
  /** Body acceleration in the world frame, gravity removed, m/s²; zero when absent. */
  readonly a_world_mps2?: Vec3;
}

export interface PredictedPose {
  readonly q_world_body: Quat;
  /** Present when the state has a position. */
  readonly p_world_body_m?: Vec3;
}

const ZERO: Vec3 = [0, 0, 0];

/**
 * Rotation vector (body frame, rad) swept in `horizonS` seconds by the model. `hold`: zero.
 */
export function rotationIncrement(state: MotionState, horizonS: number, model: PredictionModel): Vec3 {
  const w = state.omegaBodyRadps;
  const d = horizonS;
  if (model === 'hold') return ZERO;
  if (model === 'constant-velocity') return [w[0] * d, w[1] * d, w[2] * d];
  const a = state.alphaBodyRadps2 ?? ZERO;
  const c = cross(w, a);
  const h = 0.5 * d * d;
  const k = (d * d * d) / 12;
  return [w[0] * d + a[0] * h + c[0] * k, w[1] * d + a[1] * h + c[1] * k, w[2] * d + a[2] * h + c[2] * k];
}

/**
 * The pose `horizonS` seconds after `state` under `model`. Pure; a non-finite or negative horizon is a
 * caller bug and yields the unpredicted pose (never throws: it runs inside layer steps).
 */
export function predictPose(state: MotionState, horizonS: number, model: PredictionModel): PredictedPose {
  const d = Number.isFinite(horizonS) && horizonS > 0 ? horizonS : 0;
  const q = d === 0 || model === 'hold' ? state.q_world_body : boxPlus(state.q_world_body, rotationIncrement(state, d, model));
  const p = state.p_world_body_m;
  if (p === undefined) return { q_world_body: q };
  if (d === 0 || model === 'hold') return { q_world_body: q, p_world_body_m: p };
  const v = state.v_world_mps ?? ZERO;
  const a = model === 'constant-acceleration' ? (state.a_world_mps2 ?? ZERO) : ZERO;
  const h = 0.5 * d * d;
  return { q_world_body: q, p_world_body_m: [p[0] + v[0] * d + a[0] * h, p[1] + v[1] * d + a[1] * h, p[2] + v[2] * d + a[2] * h] };
}
