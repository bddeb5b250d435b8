/**
 * Tracking math of the native core: attitude filters over batches of IMU samples (Madgwick, Mahony,
 * error-state Kalman filter) and IMU preintegration between keyframes. Conventions: Hamilton `[w, x, y, z]`
 * quaternions `q_world_body`, world z up (x toward magnetic north once a magnetometer is used), SI units,
 * timestamps on the runtime clock in ns. See `docs/native-tracking.md`.
 */
import type { Binding } from './binding.js';
import { native } from './binding.js';

/** Hamilton quaternion `[w, x, y, z]`. */
export type Quaternion = readonly [number, number, number, number];
/** Three numbers, body or world frame as documented where used. */
export type Vec3 = readonly [number, number, number];

/** A batch of IMU samples, body frame, xyz interleaved (sample `i` at `[3i, 3i + 3)`). */
export interface ImuBatch {
  /** n sample times, runtime clock, ns (exact in a float64 up to 2⁵³ ns ≈ 104 days of uptime). */
  readonly timestampsNs: Float64Array;
  /** 3n angular rates, rad/s. */
  readonly gyroRadps: Float64Array;
  /** 3n specific forces, m/s². */
  readonly accelMps2: Float64Array;
  /** 3n magnetic field values, µT (only the direction is used); samples with a zero reading get no magnetometer correction. */
  readonly magUt?: Float64Array;
}

/** Counts of what happened in one batch (degraded samples are counted, never thrown). */
export interface AhrsBatchResult {
  /** Samples processed (the number of timestamps). */
  readonly samples: number;
  /** Integrated with the nominal dt: the state had no previous timestamp (NaN). */
  readonly noPreviousStamp: number;
  /** Integrated with the nominal dt: dt ≤ 0 or not a number. */
  readonly nonPositiveDt: number;
  /** Integrated with the nominal dt: dt > `maxDtS`. */
  readonly longDt: number;
  /** Gyroscope-only step: accelerometer zero or not finite. */
  readonly accelRejected: number;
  /** No magnetometer correction: magnetometer zero or not finite. */
  readonly magRejected: number;
  /** Not applied (state held, time advanced): gyroscope not finite. */
  readonly skipped: number;
}
/** The Madgwick batch result (the same counts as every filter). */
export type MadgwickBatchResult = AhrsBatchResult;

/** Rest detection shared by the filters (after x-io Fusion's `FusionBias`). */
export interface RestSettings {
  /** Per-axis rate of `gyro − bias` below which the sensor may be still, rad/s; 0 switches rest detection off. */
  readonly restGyroThresholdRadps?: number;
  /** How long the rate must stay below the threshold before the bias is learned, s. */
  readonly restPeriodS?: number;
}

/** Madgwick filter settings; omitted fields take {@link MADGWICK_DEFAULTS}. */
export interface MadgwickSettings extends RestSettings {
  /** Gradient-descent gain β, rad/s (Madgwick 2010 eq 50: `√(3/4) ·` gyroscope measurement error). */
  readonly beta?: number;
  /** Sample rate assumed when dt cannot be measured (no previous stamp, dt ≤ 0, dt > `maxDtS`), Hz. */
  readonly nominalRateHz?: number;
  /** Longest dt taken from the timestamps, s; longer gaps use the nominal dt. */
  readonly maxDtS?: number;
  /**
   * Gyroscope bias drift gain ζ, rad/s² (Madgwick 2010 §3.4, eqs 47–49: `√(3/4) ·` the rate of bias
   * drift). > 0 estimates the bias, which needs a state made with `createMadgwickState(q, bias)`.
   * Gravity observes the bias about horizontal axes only.
   */
  readonly zeta?: number;
  /** Time constant with which the bias follows the raw gyroscope at rest, s. */
  readonly restBiasTimeConstantS?: number;
}

export const MADGWICK_DEFAULTS = Object.freeze({ beta: 0.1, nominalRateHz: 100, maxDtS: 1, zeta: 0 });
/** Length of a Madgwick state: `[qw, qx, qy, qz, prevTNs]`. */
export const MADGWICK_STATE_LENGTH = 5;
/** Length of a Madgwick state with a gyroscope bias: `[qw, qx, qy, qz, prevTNs, bx, by, bz]`. */
export const MADGWICK_BIAS_STATE_LENGTH = 8;
/** Length of a Madgwick state for rest detection: `[…, bx, by, bz, stillS]`. */
export const MADGWICK_REST_STATE_LENGTH = 9;

/**
 * A new Madgwick state `[qw, qx, qy, qz, NaN]` (no previous timestamp), identity orientation by default;
 * with `biasRadps` (body frame, rad/s) the 8-number state `[…, bx, by, bz]` whose bias is removed from every
 * gyroscope sample and, with `zeta` > 0, estimated; with `{ rest: true }` also the rest timer (9 numbers),
 * needed by rest detection (`restGyroThresholdRadps` > 0).
 */
export function createMadgwickState(q: Quaternion = [1, 0, 0, 0], biasRadps?: Vec3, options?: { readonly rest?: boolean }): Float64Array {
  if (options?.rest === true) return Float64Array.of(q[0], q[1], q[2], q[3], Number.NaN, ...(biasRadps ?? [0, 0, 0]), 0);
  return biasRadps === undefined ? Float64Array.of(q[0], q[1], q[2], q[3], Number.NaN) : Float64Array.of(q[0], q[1], q[2], q[3], Number.NaN, ...biasRadps);
}

/**
 * Runs Madgwick's orientation filter over a batch (S. O. H. Madgwick, "An efficient orientation
 * filter for inertial and inertial/magnetic sensor arrays", University of Bristol, 2010): IMU
 * algorithm, or the MARG algorithm with magnetic distortion compensation for samples with a
 * magnetometer reading, and the gyroscope bias drift compensation (ζ, §3.4) with an 8-number state;
 * the MARG reference field uses the report's `2·bx, 2·bz` (not the halved field of `MadgwickAHRS.c`).
 *
 * @param state `Float64Array(5)` `[qw, qx, qy, qz, prevTNs]` (`q_world_body`), `Float64Array(8)` with a
 *   gyroscope bias `[…, bx, by, bz]` (rad/s, removed from every sample, estimated when `zeta` > 0) or
 *   `Float64Array(9)` with the rest timer, updated in place. dt comes from consecutive stamps, the first
 *   from `prevTNs`.
 * @param out optional, 4n values: the quaternion after each sample.
 * @throws Error on caller errors only (sizes, settings, a state without a quaternion, aliasing).
 */
export function madgwickUpdateSync(state: Float64Array, batch: ImuBatch, settings?: MadgwickSettings, out?: Float64Array): AhrsBatchResult {
  return native().madgwickUpdateSync(state, batch.timestampsNs, batch.gyroRadps, batch.accelMps2, batch.magUt, settings, out);
}

/**
 * {@link madgwickUpdateSync} on the libuv thread pool, for long batches (e.g. a whole recording).
 * `state` and `out` are written on the pool thread: leave them and the batch alone until it settles.
 */
export async function madgwickUpdate(state: Float64Array, batch: ImuBatch, settings?: MadgwickSettings, out?: Float64Array): Promise<AhrsBatchResult> {
  return native().madgwickUpdate(state, batch.timestampsNs, batch.gyroRadps, batch.accelMps2, batch.magUt, settings, out);
}

/**
 * Initial `q_world_body` (w ≥ 0) from one accelerometer reading (roll, pitch) and optionally one
 * magnetometer reading (heading: world x along the horizontal field, as every filter here with a
 * magnetometer); without it yaw is 0. Starts any of the filters.
 *
 * @param accelMps2 3 numbers, body frame, at rest. @param magUt 3 numbers, body frame.
 * @throws Error when `accelMps2` is zero or not finite, or `magUt` is not finite or parallel to gravity.
 */
export function initAttitude(accelMps2: ArrayLike<number>, magUt?: ArrayLike<number>): Quaternion {
  const q = native().madgwickInitFromAccel(Array.from(accelMps2), magUt === undefined ? undefined : Array.from(magUt));
  return [q[0] ?? Number.NaN, q[1] ?? Number.NaN, q[2] ?? Number.NaN, q[3] ?? Number.NaN];
}

/** {@link initAttitude} under the name it first had. */
export const madgwickInitFromAccel = initAttitude;

/** Mahony filter settings; omitted fields take {@link MAHONY_DEFAULTS}. */
export interface MahonySettings extends RestSettings {
  /** Proportional gain `k_P`, rad/s per unit of direction error (Mahony, Hamel, Pflimlin 2008, eq 32). */
  readonly kp?: number;
  /** Integral gain `k_I` of the gyroscope bias estimate, 1/s². */
  readonly ki?: number;
  /** Scale `s` of the Cauchy weight `1 / (1 + (‖v × v̂‖ / s)²)` of each direction error; 0: the paper's constant gains. */
  readonly errorScale?: number;
  /** Sample rate assumed when dt cannot be measured, Hz. */
  readonly nominalRateHz?: number;
  /** Longest dt taken from the timestamps, s. */
  readonly maxDtS?: number;
  /** Time constant with which `b̂` follows the raw gyroscope at rest, s. */
  readonly restBiasTimeConstantS?: number;
}

/** Defaults of the Mahony filter, chosen on BROAD trials 07 and 16 (docs/native-tracking.md). */
export const MAHONY_DEFAULTS = Object.freeze({ kp: 0.2, ki: 0.001, errorScale: 0.3, nominalRateHz: 100, maxDtS: 1, restGyroThresholdRadps: 0.05236, restPeriodS: 3, restBiasTimeConstantS: 8 });
/** Length of a Mahony state: `[qw, qx, qy, qz, prevTNs, bx, by, bz, stillS]`. */
export const MAHONY_STATE_LENGTH = 9;

/** A new Mahony state: `q` (identity by default), no previous timestamp, bias estimate `biasRadps` (zero by default), rest timer 0. */
export function createMahonyState(q: Quaternion = [1, 0, 0, 0], biasRadps: Vec3 = [0, 0, 0]): Float64Array {
  return Float64Array.of(q[0], q[1], q[2], q[3], Number.NaN, biasRadps[0], biasRadps[1], biasRadps[2], 0);
}

/**
 * Runs Mahony's explicit complementary filter with bias estimation over a batch (R. Mahony, T. Hamel,
 * J.-M. Pflimlin, "Nonlinear complementary filters on the special orthogonal group", IEEE TAC 2008, §V-C),
 * with Cauchy-weighted direction errors, heading-only magnetometer feedback and rest detection.
 *
 * @param state `Float64Array(9)` from {@link createMahonyState}, updated in place.
 * @param out optional, 4n values: the quaternion after each sample.
 * @throws Error on caller errors only (sizes, settings, a state without a quaternion, aliasing).
 */
export function mahonyUpdateSync(state: Float64Array, batch: ImuBatch, settings?: MahonySettings, out?: Float64Array): AhrsBatchResult {
  return native().mahonyUpdateSync(state, batch.timestampsNs, batch.gyroRadps, batch.accelMps2, batch.magUt, settings, out);
}

/** {@link mahonyUpdateSync} on the libuv thread pool; leave `state`, `out` and the batch alone until it settles. */
export async function mahonyUpdate(state: Float64Array, batch: ImuBatch, settings?: MahonySettings, out?: Float64Array): Promise<AhrsBatchResult> {
  return native().mahonyUpdate(state, batch.timestampsNs, batch.gyroRadps, batch.accelMps2, batch.magUt, settings, out);
}

/** Error-state Kalman filter settings; omitted fields take {@link ESKF_DEFAULTS}. */
export interface EskfSettings extends RestSettings {
  /** Gyroscope white-noise density σ_g, rad/s/√Hz (the IMU's datasheet or Kalibr `imu.yaml`). */
  readonly gyroNoiseDensity?: number;
  /** Gyroscope bias random walk σ_bw, rad/s²/√Hz. */
  readonly gyroBiasRandomWalk?: number;
  /** Specific-force noise at rest σ_a, m/s²: the gravity direction's noise is `(σ_a + k·|‖a‖ − g|) / g` rad. */
  readonly accelNoiseMps2?: number;
  /** `k`: how much `|‖a‖ − g|` (linear acceleration) adds to σ_a. */
  readonly accelDeviationGain?: number;
  /** `g`, m/s². */
  readonly gravityMps2?: number;
  /** Gate on the squared Mahalanobis distance of the accelerometer innovation (noise at rest); 0: off; not applied at rest. */
  readonly accelGate?: number;
  /** Standard deviation of one magnetometer heading measurement, rad. */
  readonly magHeadingNoiseRad?: number;
  /** Gate on the squared Mahalanobis distance of the heading innovation; 0: off. */
  readonly magGate?: number;
  /** Sample rate assumed when dt cannot be measured, Hz. */
  readonly nominalRateHz?: number;
  /** Longest dt taken from the timestamps, s. */
  readonly maxDtS?: number;
}

/** Defaults of the ESKF: EuRoC ADIS16448 gyro noise; accelerometer, magnetometer and gate terms chosen on BROAD. */
export const ESKF_DEFAULTS = Object.freeze({
  gyroNoiseDensity: 1.6968e-4,
  gyroBiasRandomWalk: 1.9393e-5,
  accelNoiseMps2: 0.7,
  accelDeviationGain: 0,
  gravityMps2: 9.81,
  accelGate: 4,
  magHeadingNoiseRad: 2,
  magGate: 0,
  nominalRateHz: 100,
  maxDtS: 1,
  restGyroThresholdRadps: 0.05236,
  restPeriodS: 3,
});
/** Length of an ESKF state: `[qw, qx, qy, qz, prevTNs, bx, by, bz, stillS, P₀₀ … P₅₅]`. */
export const ESKF_STATE_LENGTH = 45;
/** Index of the 6×6 covariance (row-major over δθ rad, δb rad/s) in an ESKF state. */
export const ESKF_COVARIANCE_OFFSET = 9;

/** Counts of an ESKF batch: those of every filter plus the gated updates. */
export interface EskfBatchResult extends AhrsBatchResult {
  /** Accelerometer updates rejected by the innovation gate (linear acceleration). */
  readonly accelGated: number;
  /** Heading updates rejected by their gate or skipped with the field within ~6° of vertical. */
  readonly magGated: number;
}

/**
 * A new ESKF state: `q` (identity by default), no previous timestamp, gyroscope bias `biasRadps` (zero), rest
 * timer 0, and a diagonal covariance with standard deviations `attitudeSigmaRad` (0.1) and `biasSigmaRadps` (0.01).
 */
export function createEskfState(
  q: Quaternion = [1, 0, 0, 0],
  options: { readonly biasRadps?: Vec3; readonly attitudeSigmaRad?: number; readonly biasSigmaRadps?: number } = {},
): Float64Array {
  const s = new Float64Array(ESKF_STATE_LENGTH);
  s.set(q, 0);
  s[4] = Number.NaN;
  s.set(options.biasRadps ?? [0, 0, 0], 5);
  for (let i = 0; i < 6; i++) s[ESKF_COVARIANCE_OFFSET + 7 * i] = (i < 3 ? (options.attitudeSigmaRad ?? 0.1) : (options.biasSigmaRadps ?? 0.01)) ** 2;
  return s;
}

/**
 * Runs the error-state Kalman filter for attitude and gyroscope bias over a batch (J. Solà, "Quaternion
 * kinematics for the error-state Kalman filter", 2017): propagation with the gyroscope noise density and bias
 * random walk; the accelerometer as a gated gravity-direction measurement; the magnetometer as a heading
 * measurement; a zero-angular-rate update at rest; injection and reset of the error state.
 *
 * @param state `Float64Array(45)` from {@link createEskfState}, updated in place (its covariance too).
 * @param out optional, 4n values: the quaternion after each sample.
 * @throws Error on caller errors only (sizes, settings, a state without a quaternion or a valid covariance, aliasing).
 */
export function eskfUpdateSync(state: Float64Array, batch: ImuBatch, settings?: EskfSettings, out?: Float64Array): EskfBatchResult {
  return native().eskfUpdateSync(state, batch.timestampsNs, batch.gyroRadps, batch.accelMps2, batch.magUt, settings, out);
}

/** {@link eskfUpdateSync} on the libuv thread pool; leave `state`, `out` and the batch alone until it settles. */
export async function eskfUpdate(state: Float64Array, batch: ImuBatch, settings?: EskfSettings, out?: Float64Array): Promise<EskfBatchResult> {
  return native().eskfUpdate(state, batch.timestampsNs, batch.gyroRadps, batch.accelMps2, batch.magUt, settings, out);
}

/** Options of {@link ImuPreintegrator}: noise densities (datasheet / Kalibr), the gap counted as long, initial biases. */
export interface ImuPreintegratorOptions {
  /** Gyroscope white-noise density, rad/s/√Hz (default 1.6968e-4, EuRoC ADIS16448). */
  readonly gyroNoiseDensity?: number;
  /** Accelerometer white-noise density, m/s²/√Hz (default 2.0e-3). */
  readonly accelNoiseDensity?: number;
  /** Gaps longer than this are integrated but counted, s (default 0.1). */
  readonly maxDtS?: number;
  /** Gyroscope bias the samples are corrected with, rad/s, body frame (default zero). */
  readonly gyroBiasRadps?: Vec3;
  /** Accelerometer bias, m/s², body frame (default zero). */
  readonly accelBiasMps2?: Vec3;
}

/** Counts of one {@link ImuPreintegrator.integrate} call. */
export type PreintegrationResult = ReturnType<Binding.ImuPreintegrator['integrate']>;

/** `[ΔRw, ΔRx, ΔRy, ΔRz, Δvx, Δvy, Δvz, Δpx, Δpy, Δpz]`, as written by {@link ImuPreintegrator.readDeltas}. */
export const PREINTEGRATION_DELTAS_LENGTH = 10;
/** The 9×9 covariance of `(δφ, δv, δp)`, row-major. */
export const PREINTEGRATION_COVARIANCE_LENGTH = 81;
/** `∂ΔR/∂b_g, ∂Δv/∂b_g, ∂Δv/∂b_a, ∂Δp/∂b_g, ∂Δp/∂b_a`, each 3×3 row-major. */
export const PREINTEGRATION_JACOBIANS_LENGTH = 45;
/** A navigation state `[qw, qx, qy, qz, vx, vy, vz, px, py, pz]` (`q_world_body`, m/s, m; world z up). */
export const NAV_STATE_LENGTH = 10;

/**
 * IMU preintegration between keyframes (C. Forster, L. Carlone, F. Dellaert, D. Scaramuzza, "On-Manifold
 * Preintegration for Real-Time Visual–Inertial Odometry", IEEE T-RO 2017): `ΔR`, `Δv`, `Δp`, their 9×9
 * covariance and bias Jacobians, first-order bias correction and the prediction of the next keyframe. Samples
 * are a zero-order hold: feed samples up to and including the one at the keyframe time, read, then `reset`.
 * Calls are synchronous (an interval is tens of samples).
 */
export class ImuPreintegrator {
  readonly #native: Binding.ImuPreintegrator;

  /** @throws Error on options out of range or a bias that is not 3 numbers. */
  constructor(options?: ImuPreintegratorOptions) {
    const o = options === undefined ? undefined : { ...options, gyroBiasRadps: options.gyroBiasRadps?.slice(), accelBiasMps2: options.accelBiasMps2?.slice() };
    this.#native = new (native().ImuPreintegrator)(o);
  }

  /** Feeds n samples (`timestampsNs` ns, `gyroRadps` and `accelMps2` 3n, body frame). @throws Error when an input is shorter than 3n. */
  integrate(batch: Pick<ImuBatch, 'timestampsNs' | 'gyroRadps' | 'accelMps2'>): PreintegrationResult {
    return this.#native.integrate(batch.timestampsNs, batch.gyroRadps, batch.accelMps2);
  }

  /** Starts the next interval at the last sample fed, optionally with new bias estimates. */
  reset(gyroBiasRadps?: Vec3, accelBiasMps2?: Vec3): void {
    this.#native.reset(gyroBiasRadps?.slice(), accelBiasMps2?.slice());
  }

  /** `Δt_ij`, s, integrated since the last reset. */
  get deltaTimeS(): number {
    return this.#native.deltaTimeS;
  }

  /** Writes {@link PREINTEGRATION_DELTAS_LENGTH} numbers: `ΔR_ij` as a quaternion, `Δv` (m/s), `Δp` (m), in keyframe i's body frame. */
  readDeltas(out: Float64Array): void {
    this.#native.readDeltas(out);
  }

  /** Writes the 9×9 covariance of `(δφ, δv, δp)` (rad², (m/s)², m²). */
  readCovariance(out: Float64Array): void {
    this.#native.readCovariance(out);
  }

  /** Writes the five 3×3 bias Jacobians (see {@link PREINTEGRATION_JACOBIANS_LENGTH}). */
  readBiasJacobians(out: Float64Array): void {
    this.#native.readBiasJacobians(out);
  }

  /**
   * The state at the end of the interval (`out`, {@link NAV_STATE_LENGTH}) from the one at its start (`start`),
   * with the deltas corrected to first order for `gyroBiasRadps` / `accelBiasMps2` (default: the biases integrated
   * with); `gravityMps2` default 9.81.
   */
  predict(start: Float64Array, out: Float64Array, options?: { readonly gyroBiasRadps?: Vec3; readonly accelBiasMps2?: Vec3; readonly gravityMps2?: number }): void {
    const o = options === undefined ? undefined : { gyroBiasRadps: options.gyroBiasRadps?.slice(), accelBiasMps2: options.accelBiasMps2?.slice(), gravityMps2: options.gravityMps2 };
    this.#native.predict(start, out, o);
  }
}
