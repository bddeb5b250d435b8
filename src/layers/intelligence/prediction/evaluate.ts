/**
 * Offline evaluation of pose prediction on a real head trajectory (the Aria MPS trajectory): at every
 * IMU sample time `t` the predictor gets what an IMU-driven tracker would have at `t` — the pose at `t`
 * and the gyro readings up to `t` on the chosen IMU grid — and predicts the pose at `t + Δ`; the error is
 * the angle of `q_pred⁻¹ ⊗ q_true(t + Δ)` (ground truth slerped from the full-rate trajectory), and the
 * position distance when the trajectory has positions. The baseline is `hold` (the last pose, unpredicted).
 *
 * What this isolates: prediction error alone (the pose at `t` is the reference's own); a real tracker adds
 * its own orientation error, the same for all models. The gyro is the trajectory's angular velocity, the
 * bias-free rate a calibrated gyro on the frame reads; optionally with white noise of a MEMS gyro's density
 * added (`gyro-noise.ts`, a simulated physical effect, seeded) — see `docs/prediction.md`.
 */
import type { Quat, Vec3 } from '../../../math/quat.js';
import { slerp } from '../../../eval/orientation-error.js';
import type { HeadTrajectory } from './aria-trajectory.js';
import { GyroNoise } from './gyro-noise.js';
import { EMPTY_GYRO_WINDOW, estimateRate, pushGyro } from './gyro-window.js';
import { predictPose, type PredictionModel } from './predictor.js';
import { angularDistanceRad } from './so3.js';

export interface PredictionEvalOptions {
  /** Prediction horizons, ms. */
  readonly horizonsMs: readonly number[];
  /** IMU rate the trajectory is subsampled to, Hz (the first row at or after each grid time). */
  readonly imuRateHz: number;
  readonly models: readonly PredictionModel[];
  /** Window of the angular-acceleration line fit, s. */
  readonly alphaWindowS: number;
  /** Add white gyro noise of this density (rad/s/√Hz), seeded; default none (`gyro-noise.ts`). */
  readonly gyroNoise?: { readonly densityRadpsPerSqrtHz: number; readonly seed: number };
}

export interface ErrorStats {
  readonly count: number;
  readonly p50Deg: number;
  readonly p95Deg: number;
  readonly p99Deg: number;
  readonly maxDeg: number;
  readonly rmsDeg: number;
  /** Position error, mm (when the trajectory has positions). */
  readonly p50Mm: number;
  readonly p95Mm: number;
  readonly maxMm: number;
}

export interface HorizonResult {
  readonly horizonMs: number;
  readonly byModel: Readonly<Record<string, ErrorStats>>;
}

export interface PredictionEvalResult {
  readonly imuRateHz: number;
  /** IMU samples at which a prediction was made (per horizon, those whose target is inside the trajectory). */
  readonly imuSamples: number;
  readonly horizons: readonly HorizonResult[];
}

/** Nearest-rank percentile of unsorted values (0 for none). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

function quatAt(q: Float64Array, i: number): Quat {
  return [q[4 * i] as number, q[4 * i + 1] as number, q[4 * i + 2] as number, q[4 * i + 3] as number];
}

function vecAt(v: Float64Array, i: number): Vec3 {
  return [v[3 * i] as number, v[3 * i + 1] as number, v[3 * i + 2] as number];
}

/** Rows of the IMU grid: the first row at or after each multiple of the period. */
export function imuGridRows(traj: HeadTrajectory, rateHz: number): number[] {
  const periodNs = 1e9 / rateHz;
  const rows: number[] = [];
  let next = traj.tNs[0] ?? 0;
  for (let i = 0; i < traj.count; i += 1) {
    if ((traj.tNs[i] as number) + 1e-6 < next) continue;
    rows.push(i);
    next += periodNs * Math.max(1, Math.floor(((traj.tNs[i] as number) - next) / periodNs) + 1);
  }
  return rows;
}

/** Pose of the trajectory at `tNs` (slerp / lerp between rows); `undefined` outside it. `hint`: a row ≤ the answer's. */
function poseAt(traj: HeadTrajectory, tNs: number, hint: number): { q: Quat; p: Vec3; row: number } | undefined {
  if (tNs > (traj.tNs[traj.count - 1] as number)) return undefined;
  let j = hint;
  while (j + 1 < traj.count && (traj.tNs[j + 1] as number) < tNs) j += 1;
  const k = Math.min(j + 1, traj.count - 1);
  const t0 = traj.tNs[j] as number;
  const t1 = traj.tNs[k] as number;
  const u = t1 > t0 ? Math.min(1, Math.max(0, (tNs - t0) / (t1 - t0))) : 0;
  const a = vecAt(traj.p_world_body_m, j);
  const b = vecAt(traj.p_world_body_m, k);
  return { q: slerp(quatAt(traj.q_world_body, j), quatAt(traj.q_world_body, k), u), p: [a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1]), a[2] + u * (b[2] - a[2])], row: j };
}

function stats(angles: number[], distances: number[]): ErrorStats {
  const deg = 180 / Math.PI;
  const rms = Math.sqrt(angles.reduce((s, x) => s + x * x, 0) / Math.max(1, angles.length));
  return {
    count: angles.length,
    p50Deg: percentile(angles, 50) * deg,
    p95Deg: percentile(angles, 95) * deg,
    p99Deg: percentile(angles, 99) * deg,
    maxDeg: percentile(angles, 100) * deg,
    rmsDeg: rms * deg,
    p50Mm: percentile(distances, 50) * 1e3,
    p95Mm: percentile(distances, 95) * 1e3,
    maxMm: percentile(distances, 100) * 1e3,
  };
}

/** Runs every model at every horizon over the trajectory. */
export function evaluatePrediction(traj: HeadTrajectory, options: PredictionEvalOptions): PredictionEvalResult {
  const rows = imuGridRows(traj, options.imuRateHz);
  const errors = options.horizonsMs.map(() => options.models.map(() => ({ ang: [] as number[], pos: [] as number[] })));
  const hints = options.horizonsMs.map(() => 0);
  let window = EMPTY_GYRO_WINDOW;
  const noise = options.gyroNoise === undefined ? undefined : new GyroNoise(options.gyroNoise.densityRadpsPerSqrtHz, options.imuRateHz, options.gyroNoise.seed);
  const capacity = Math.max(4, Math.ceil(options.alphaWindowS * options.imuRateHz) + 2);
  for (const i of rows) {
    const t = traj.tNs[i] as number;
    const w = vecAt(traj.omegaBodyRadps, i);
    const reading = noise === undefined ? w : [w[0] + noise.next(), w[1] + noise.next(), w[2] + noise.next()];
    window = pushGyro(window, [t], reading, capacity);
    const rate = estimateRate(window, options.alphaWindowS);
    if (rate === undefined) continue;
    const state = {
      q_world_body: quatAt(traj.q_world_body, i),
      omegaBodyRadps: rate.omegaRadps,
      alphaBodyRadps2: rate.alphaRadps2,
      p_world_body_m: vecAt(traj.p_world_body_m, i),
      v_world_mps: vecAt(traj.v_world_mps, i),
    };
    options.horizonsMs.forEach((h, hi) => {
      const truth = poseAt(traj, t + h * 1e6, hints[hi] as number);
      if (truth === undefined) return;
      hints[hi] = truth.row;
      options.models.forEach((model, mi) => {
        const pred = predictPose(state, h * 1e-3, model);
        const e = errors[hi]?.[mi];
        if (e === undefined) return;
        e.ang.push(angularDistanceRad(pred.q_world_body, truth.q));
        const p = pred.p_world_body_m ?? state.p_world_body_m;
        e.pos.push(Math.hypot(p[0] - truth.p[0], p[1] - truth.p[1], p[2] - truth.p[2]));
      });
    });
  }
  return {
    imuRateHz: options.imuRateHz,
    imuSamples: rows.length,
    horizons: options.horizonsMs.map((horizonMs, hi) => ({
      horizonMs,
      byModel: Object.fromEntries(options.models.map((m, mi) => [m, stats(errors[hi]?.[mi]?.ang ?? [], errors[hi]?.[mi]?.pos ?? [])])),
    })),
  };
}
