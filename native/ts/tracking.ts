/** Tracking math of the native core: the Madgwick AHRS. */
import { native } from './binding.js';

/** Hamilton quaternion `[w, x, y, z]`. */
export type Quaternion = readonly [number, number, number, number];

/** Madgwick filter settings; omitted fields take {@link MADGWICK_DEFAULTS}. */
export interface MadgwickSettings {
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
}

export const MADGWICK_DEFAULTS: Readonly<Required<MadgwickSettings>> = Object.freeze({ beta: 0.1, nominalRateHz: 100, maxDtS: 1, zeta: 0 });

/** Length of a Madgwick state: `[qw, qx, qy, qz, prevTNs]`. */
export const MADGWICK_STATE_LENGTH = 5;
/** Length of a Madgwick state with a gyroscope bias: `[qw, qx, qy, qz, prevTNs, bx, by, bz]`. */
export const MADGWICK_BIAS_STATE_LENGTH = 8;

/** A batch of IMU samples, body frame, xyz interleaved (sample `i` at `[3i, 3i + 3)`). */
export interface ImuBatch {
  /** n sample times, runtime clock, ns (exact in a float64 up to 2⁵³ ns ≈ 104 days of uptime). */
  readonly timestampsNs: Float64Array;
  /** 3n angular rates, rad/s. */
  readonly gyroRadps: Float64Array;
  /** 3n specific forces, m/s² (only the direction is used). */
  readonly accelMps2: Float64Array;
  /** 3n magnetic field values, µT (only the direction is used); samples with a zero reading use the IMU step. */
  readonly magUt?: Float64Array;
}

/** Counts of what happened in one batch (degraded samples are counted, never thrown). */
export interface MadgwickBatchResult {
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
  /** IMU step instead of MARG: magnetometer zero or not finite. */
  readonly magRejected: number;
  /** Not applied (state held, time advanced): gyroscope not finite. */
  readonly skipped: number;
}

/**
 * A new state `[qw, qx, qy, qz, NaN]` (no previous timestamp), identity orientation by default; with
 * `biasRadps` (body frame, rad/s) the 8-number state `[…, bx, by, bz]` whose bias is removed from every
 * gyroscope sample and, with `zeta` > 0, estimated.
 */
export function createMadgwickState(q: Quaternion = [1, 0, 0, 0], biasRadps?: readonly [number, number, number]): Float64Array {
  return biasRadps === undefined ? Float64Array.of(q[0], q[1], q[2], q[3], Number.NaN) : Float64Array.of(q[0], q[1], q[2], q[3], Number.NaN, ...biasRadps);
}

/**
 * Runs Madgwick's orientation filter over a batch (S. O. H. Madgwick, "An efficient orientation
 * filter for inertial and inertial/magnetic sensor arrays", University of Bristol, 2010): IMU
 * algorithm, or the MARG algorithm with magnetic distortion compensation for samples with a
 * magnetometer reading, and the gyroscope bias drift compensation (ζ, §3.4) with an 8-number state;
 * the MARG reference field uses the report's `2·bx, 2·bz` (not the halved field of `MadgwickAHRS.c`).
 *
 * @param state `Float64Array(5)` `[qw, qx, qy, qz, prevTNs]` (`q_world_body`; x toward magnetic north
 *   once a magnetometer is used), or `Float64Array(8)` with a gyroscope bias `[…, bx, by, bz]` (rad/s,
 *   removed from every sample, estimated when `zeta` > 0), updated in place. dt comes from
 *   consecutive stamps, the first from `prevTNs`.
 * @param out optional, 4n values: the quaternion after each sample.
 * @throws Error on caller errors only (sizes, settings, a state without a quaternion, aliasing).
 */
export function madgwickUpdateSync(state: Float64Array, batch: ImuBatch, settings?: MadgwickSettings, out?: Float64Array): MadgwickBatchResult {
  return native().madgwickUpdateSync(state, batch.timestampsNs, batch.gyroRadps, batch.accelMps2, batch.magUt, settings, out);
}

/**
 * {@link madgwickUpdateSync} on the libuv thread pool, for long batches (e.g. a whole recording).
 * `state` and `out` are written on the pool thread: leave them and the batch alone until it settles.
 */
export async function madgwickUpdate(state: Float64Array, batch: ImuBatch, settings?: MadgwickSettings, out?: Float64Array): Promise<MadgwickBatchResult> {
  return native().madgwickUpdate(state, batch.timestampsNs, batch.gyroRadps, batch.accelMps2, batch.magUt, settings, out);
}

/**
 * Initial `q_world_body` (w ≥ 0) from one accelerometer reading (roll, pitch) and optionally one
 * magnetometer reading (heading: world x along the horizontal field); without it yaw is 0.
 *
 * @param accelMps2 3 numbers, body frame, at rest. @param magUt 3 numbers, body frame.
 * @throws Error when `accelMps2` is zero or not finite, or `magUt` is not finite or parallel to gravity.
 */
export function madgwickInitFromAccel(accelMps2: ArrayLike<number>, magUt?: ArrayLike<number>): Quaternion {
  const q = native().madgwickInitFromAccel(Array.from(accelMps2), magUt === undefined ? undefined : Array.from(magUt));
  return [q[0] ?? Number.NaN, q[1] ?? Number.NaN, q[2] ?? Number.NaN, q[3] ?? Number.NaN];
}
