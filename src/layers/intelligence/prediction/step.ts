/**
 * Layer-5 adapter: turns the newest pose estimate (`pose.updated` from `ahrs`, `vio` or `tracker`) and the gyro
 * samples (`imu.samples`) into a pose predicted to display time, published as `pose.updated` with
 * `source: 'predicted'` and `horizonNs`.
 *
 * Each step: (1) the gyro window takes the new samples of the followed IMU; (2) the newest base pose is
 * carried forward through the gyro samples stamped after it (body-frame integration, `q ⊗ Exp(ω δt)`),
 * so a VIO pose that lags by a camera period still ends at the newest measurement; (3) from there the
 * model extrapolates to `tick time + displayLatencyNs`. `horizonNs` is that target minus the newest
 * measurement (pose or gyro sample), capped at `maxHorizonNs` (a stalled IMU must not fling the view).
 * Position (6-DoF sources) is extrapolated from the pose time with its velocity.
 *
 * Clock: all times runtime ns. Pure; never throws (bad samples are skipped by the gyro window).
 */
import type { ImuSamplesEvent, PoseEvent } from '../../../bus/topics.js';
import type { Quat, Vec3 } from '../../../math/quat.js';
import { EMPTY_GYRO_WINDOW, estimateRate, pushGyro, type GyroWindow } from './gyro-window.js';
import { predictPose, type PredictionModel } from './predictor.js';
import { boxPlus } from './so3.js';

export interface PredictionSettings {
  /** Display pipeline latency: how far past the tick time the pose is wanted, ns. */
  readonly displayLatencyNs: number;
  readonly model: PredictionModel;
  /** Window of the angular-acceleration fit, s (`constant-acceleration`). */
  readonly alphaWindowS: number;
  /** Largest extrapolation, ns. */
  readonly maxHorizonNs: number;
}

/** Defaults picked on the Aria head trajectory (`docs/prediction.md`). */
export const PREDICTION_DEFAULTS: PredictionSettings = Object.freeze({
  displayLatencyNs: 20e6,
  model: 'constant-velocity',
  alphaWindowS: 0.01,
  maxHorizonNs: 100e6,
});

export interface PredictionState {
  /** IMU followed (the first one heard from). */
  readonly deviceId: string | null;
  readonly gyro: GyroWindow;
  /** Newest non-predicted pose of the best source heard from (`tracker` over `vio` over `ahrs`). */
  readonly base: PoseEvent | null;
  /** The base orientation carried through the gyro up to `tNs` (so each step integrates only new samples). */
  readonly carried: { readonly q_world_body: Quat; readonly tNs: number } | null;
}

export const INITIAL_PREDICTION: PredictionState = Object.freeze({ deviceId: null, gyro: EMPTY_GYRO_WINDOW, base: null, carried: null });

/** Gyro samples kept: 128 ms at 1 kHz, enough for the α window and a VIO pose that lags a few camera frames. */
const GYRO_CAPACITY = 128;

/** Preference among base poses: an external tracker over the VIO over the AHRS (the newest pose of the best source wins). */
const BASE_RANK: Readonly<Record<PoseEvent['source'], number>> = { predicted: -1, ahrs: 0, vio: 1, tracker: 2 };

function newerBase(current: PoseEvent | null, poses: readonly PoseEvent[]): PoseEvent | null {
  let base = current;
  for (const p of poses) {
    const rank = BASE_RANK[p.source];
    if (rank < 0) continue;
    const baseRank = base === null ? -1 : BASE_RANK[base.source];
    if (rank < baseRank) continue;
    if (base === null || rank > baseRank || p.tNs >= base.tNs) base = p;
  }
  return base;
}

/** Carries `q` from `fromNs` through the window's samples after it (each rate held until the next sample). */
function integrateGyro(q: Quat, fromNs: number, gyro: GyroWindow): Quat {
  let out = q;
  let t = fromNs;
  for (let i = 0; i < gyro.tNs.length; i += 1) {
    const ti = gyro.tNs[i] as number;
    if (ti <= t) continue;
    const w = (gyro.omegaRadps[i - 1] ?? gyro.omegaRadps[i]) as Vec3;
    const dt = (ti - t) * 1e-9;
    out = boxPlus(out, [w[0] * dt, w[1] * dt, w[2] * dt]);
    t = ti;
  }
  return out;
}

/**
 * One step: new IMU batches and poses since the last step, tick time `nowNs`. Returns the new state and
 * the predicted pose (null until a base pose exists).
 */
export function stepPrediction(
  state: PredictionState,
  imu: readonly ImuSamplesEvent[],
  poses: readonly PoseEvent[],
  nowNs: number,
  settings: PredictionSettings = PREDICTION_DEFAULTS,
): { state: PredictionState; pose: PoseEvent | null } {
  let { deviceId, gyro } = state;
  for (const batch of imu) {
    if (batch.count === 0) continue;
    deviceId ??= batch.deviceId;
    if (batch.deviceId !== deviceId) continue;
    gyro = pushGyro(gyro, batch.tNs.subarray(0, batch.count), batch.gyroRadps.subarray(0, 3 * batch.count), GYRO_CAPACITY);
  }
  const base = newerBase(state.base, poses);
  if (base === null) return { state: { deviceId, gyro, base, carried: null }, pose: null };
  const rate = estimateRate(gyro, settings.alphaWindowS);
  const useGyro = rate !== undefined && rate.tNs > base.tNs;
  const from = base === state.base && state.carried !== null ? state.carried : { q_world_body: base.q_world_body, tNs: base.tNs };
  const q0 = useGyro ? integrateGyro(from.q_world_body, from.tNs, gyro) : base.q_world_body;
  const t0 = useGyro ? rate.tNs : base.tNs;
  const next: PredictionState = { deviceId, gyro, base, carried: { q_world_body: q0, tNs: t0 } };
  const targetNs = nowNs + settings.displayLatencyNs;
  const horizonNs = Math.min(settings.maxHorizonNs, Math.max(0, targetNs - t0));
  const rotation = predictPose(
    { q_world_body: q0, omegaBodyRadps: rate?.omegaRadps ?? [0, 0, 0], alphaBodyRadps2: rate?.alphaRadps2 ?? [0, 0, 0] },
    rate === undefined ? 0 : horizonNs * 1e-9,
    settings.model,
  );
  const omega = rate === undefined || settings.model === 'hold' ? undefined : rate.omegaRadps;
  const pose: PoseEvent = { tNs: t0 + horizonNs, source: 'predicted', q_world_body: rotation.q_world_body, horizonNs, ...(omega === undefined ? {} : { omega_body_radps: [omega[0], omega[1], omega[2]] as const }) };
  const p = base.p_world_body_m;
  if (p === undefined) return { state: next, pose };
  const positionHorizonS = Math.min(settings.maxHorizonNs, Math.max(0, t0 + horizonNs - base.tNs)) * 1e-9;
  const moved = predictPose({ q_world_body: base.q_world_body, omegaBodyRadps: [0, 0, 0], p_world_body_m: p, ...(base.v_world_mps === undefined ? {} : { v_world_mps: base.v_world_mps }) }, positionHorizonS, settings.model === 'hold' ? 'hold' : 'constant-velocity');
  return { state: next, pose: { ...pose, ...(moved.p_world_body_m === undefined ? {} : { p_world_body_m: moved.p_world_body_m }), ...(base.v_world_mps === undefined ? {} : { v_world_mps: base.v_world_mps }) } };
}
