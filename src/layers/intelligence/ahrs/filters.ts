/**
 * Layer 5's attitude filters behind one shape, chosen by name:
 * - `vqf` (default): the VQF-style filter in TypeScript (`vqf.ts`; Laidig & Seel, Information Fusion 2023) —
 *   accelerometer low-passed in an almost-inertial frame, gyro bias estimated in motion and at rest, magnetometer
 *   heading with norm/dip disturbance rejection;
 * - the native filters (`native/ts/tracking.ts`, docs/native-tracking.md): `madgwick` (Madgwick 2010, §3.4 bias
 *   drift compensation, rest detection), `mahony` (Mahony, Hamel, Pflimlin, IEEE TAC 2008, §V-C, Cauchy-weighted),
 *   `eskf` (Solà 2017: attitude + gyro bias, gated gravity update, zero-rate update at rest).
 *
 * All give `q_world_body` (Hamilton `[w, x, y, z]`, world z up, x toward magnetic north with a magnetometer, else
 * the start heading), the gyro bias estimate (body, rad/s) and the runtime time of the last sample (ns).
 */
import {
  ESKF_COVARIANCE_OFFSET,
  createEskfState,
  createMadgwickState,
  createMahonyState,
  eskfUpdateSync,
  madgwickUpdateSync,
  mahonyUpdateSync,
  type EskfSettings,
  type ImuBatch,
  type MadgwickSettings,
  type MahonySettings,
} from '../../../../native/index.js';
import type { Quat, Vec3 } from '../../../math/quat.js';
import { cloneVqfState, createVqfState, vqfQuatNwu, vqfUpdate, type VqfState } from './vqf.js';
import { DEFAULT_VQF, type VqfSettings } from './vqf-params.js';

export type AhrsFilterKind = 'vqf' | 'madgwick' | 'mahony' | 'eskf';
export const AHRS_FILTER_KINDS: readonly AhrsFilterKind[] = Object.freeze(['vqf', 'madgwick', 'mahony', 'eskf']);

/** Settings of each filter. */
export interface AhrsSettingsByKind {
  readonly vqf: VqfSettings;
  readonly madgwick: MadgwickSettings;
  readonly mahony: MahonySettings;
  readonly eskf: EskfSettings;
}

const REST = Object.freeze({ restGyroThresholdRadps: 0.05236, restPeriodS: 3 });

/**
 * Defaults. `vqf`: VQF's own defaults with a 5 °/s bias clip (`vqf-params.ts`). The native filters: the settings
 * chosen on BROAD 07/16 (docs/native-tracking.md "AHRS acceptance on BROAD"): Madgwick β 0.02 rad/s with rest
 * detection (3 °/s for 3 s, τ 8 s); Mahony the native defaults; ESKF σ_g 5e-4 rad/s/√Hz, σ_bw 2e-6 rad/s²/√Hz,
 * σ_a 0.7 m/s², gate 4, heading σ 2 rad, rest detection. The rate comes from the timestamps; `nominalRateHz` only
 * serves when dt cannot be measured (and is replaced by the measured rate where known).
 */
export const DEFAULT_AHRS_SETTINGS: Readonly<AhrsSettingsByKind> = Object.freeze({
  vqf: DEFAULT_VQF,
  madgwick: Object.freeze({ beta: 0.02, zeta: 0, nominalRateHz: 200, maxDtS: 0.5, ...REST, restBiasTimeConstantS: 8 }),
  mahony: Object.freeze({ nominalRateHz: 200, maxDtS: 0.5 }),
  eskf: Object.freeze({ gyroNoiseDensity: 5e-4, gyroBiasRandomWalk: 2e-6, accelNoiseMps2: 0.7, accelDeviationGain: 0, accelGate: 4, magHeadingNoiseRad: 2, nominalRateHz: 200, maxDtS: 0.5, ...REST }),
});

/** A filter's state: the TypeScript VQF state or a native state vector `[qw, qx, qy, qz, prevTNs, bx, by, bz, stillS, …]`. */
export type AhrsFilterState =
  | { readonly kind: 'vqf'; readonly s: VqfState }
  | { readonly kind: 'madgwick'; readonly s: Float64Array; readonly settings: MadgwickSettings }
  | { readonly kind: 'mahony'; readonly s: Float64Array; readonly settings: MahonySettings }
  | { readonly kind: 'eskf'; readonly s: Float64Array; readonly settings: EskfSettings };

/** Counts of one batch (degraded samples are counted, never thrown). */
export interface AhrsCounts {
  readonly samples: number;
  readonly accelRejected: number;
  readonly magRejected: number;
  readonly skipped: number;
}

/**
 * A new state of `kind` at `q_world_body` with gyro bias `biasRadps` (body, rad/s), for samples at `rateHz`.
 * `biasSigmaRadps`: the initial bias standard deviation of `vqf` (default its `biasSigmaInitDps`) and the ESKF
 * (default 0.01 rad/s); smaller after a static initialisation. Madgwick and Mahony have no bias covariance.
 * @throws Error when a setting or the rate is out of range (named).
 */
export function createAhrsState<K extends AhrsFilterKind>(
  kind: K,
  q: Quat,
  options: { readonly biasRadps?: Vec3; readonly rateHz: number; readonly settings?: AhrsSettingsByKind[K]; readonly biasSigmaRadps?: number },
): AhrsFilterState {
  const bias = options.biasRadps ?? [0, 0, 0];
  if (!(options.rateHz > 0 && options.rateHz < 1e6)) throw new Error(`"rateHz" must be a number in (0, 1000000), got ${options.rateHz}`);
  if (kind === 'vqf') return { kind, s: createVqfState(options.rateHz, (options.settings as VqfSettings | undefined) ?? DEFAULT_VQF, q, bias, options.biasSigmaRadps) };
  const settings = { ...DEFAULT_AHRS_SETTINGS[kind], ...(options.settings ?? {}), nominalRateHz: options.rateHz };
  if (kind === 'madgwick') return { kind, s: createMadgwickState(q, bias, { rest: true }), settings };
  if (kind === 'mahony') return { kind, s: createMahonyState(q, bias), settings };
  return { kind: 'eskf', s: createEskfState(q, { biasRadps: bias, biasSigmaRadps: options.biasSigmaRadps ?? 0.01 }), settings };
}

/** A copy that shares nothing mutable with `st`. */
export function cloneAhrsState(st: AhrsFilterState): AhrsFilterState {
  return st.kind === 'vqf' ? { kind: 'vqf', s: cloneVqfState(st.s) } : { ...st, s: Float64Array.from(st.s) };
}

/**
 * Runs the filter over `batch` in place; `out` (4n) gets `q_world_body` after each sample.
 * @throws Error on caller errors only (array sizes), never on sample values.
 */
export function updateAhrsState(st: AhrsFilterState, batch: ImuBatch, out?: Float64Array): AhrsCounts {
  switch (st.kind) {
    case 'vqf':
      return vqfUpdate(st.s, batch, out);
    case 'madgwick':
      return madgwickUpdateSync(st.s, batch, st.settings, out);
    case 'mahony':
      return mahonyUpdateSync(st.s, batch, st.settings, out);
    case 'eskf':
      return eskfUpdateSync(st.s, batch, st.settings, out);
  }
}

/** `q_world_body` of a state. */
export function ahrsQuat(st: AhrsFilterState): Quat {
  if (st.kind === 'vqf') return vqfQuatNwu(st.s);
  return [st.s[0] as number, st.s[1] as number, st.s[2] as number, st.s[3] as number];
}

/** Gyro bias estimate, body frame, rad/s. */
export function ahrsBias(st: AhrsFilterState): Vec3 {
  const b = st.kind === 'vqf' ? st.s.bias : st.s.subarray(5, 8);
  return [b[0] as number, b[1] as number, b[2] as number];
}

/** Runtime time of the last sample used, ns (NaN before the first). */
export function ahrsPrevTNs(st: AhrsFilterState): number {
  return st.kind === 'vqf' ? st.s.prevTNs : (st.s[4] as number);
}

/** The ESKF's 3×3 attitude covariance (rad², body frame δθ), row-major; null for the other filters. */
export function ahrsAttitudeCovariance(st: AhrsFilterState): number[] | null {
  if (st.kind !== 'eskf') return null;
  const p: number[] = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) p.push(st.s[ESKF_COVARIANCE_OFFSET + 6 * r + c] as number);
  return p;
}

/** Parses a filter name (CLI, config). @throws Error naming the value and the choices. */
export function parseAhrsFilterKind(name: string): AhrsFilterKind {
  if ((AHRS_FILTER_KINDS as readonly string[]).includes(name)) return name as AhrsFilterKind;
  throw new Error(`"filter" must be one of ${AHRS_FILTER_KINDS.join(', ')}, got "${name}"`);
}
