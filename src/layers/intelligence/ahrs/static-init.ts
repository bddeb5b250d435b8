/**
 * Static initialisation of an attitude filter: find the first still period of the IMU stream and take from it the
 * gravity direction (mean accelerometer, body frame) and the gyro bias (mean gyro, body frame, rad/s) — the usual
 * VIO/AHRS start-up (e.g. OpenVINS `InertialInitializer`, VQF's rest detection §3.4).
 *
 * Still = over a window of `windowS`, every gyro sample within `gyroDeviationRadps` of the window mean and every
 * accelerometer sample within `accelDeviationMps2` of its mean, and the mean specific force within
 * `gravityToleranceMps2` of g. Deviations from the mean, not absolute rates, so a large gyro bias (EuRoC's ADIS16448:
 * 0.08 rad/s = 4.6 °/s) does not hide rest — which is why this does not reuse the native filters' rest detector
 * (absolute `|gyro − bias|` < 3 °/s with the bias still unknown at start-up).
 *
 * The state is a value: the window is a list of sample-range views of the (immutable) batches.
 */
import type { ImuSamplesEvent } from '../../../bus/topics.js';
import type { Vec3 } from '../../../math/quat.js';

export interface StaticInitSettings {
  /** Length of the still window, s. */
  readonly windowS: number;
  /** Largest gyro deviation from the window mean (norm), rad/s. */
  readonly gyroDeviationRadps: number;
  /** Largest accelerometer deviation from the window mean (norm), m/s². */
  readonly accelDeviationMps2: number;
  /** `|‖mean a‖ − g|` allowed, m/s² (g = 9.81). */
  readonly gravityToleranceMps2: number;
}

/** 1 s; 2 °/s and 0.5 m/s² (VQF's rest thresholds); 0.5 m/s² off g. */
export const DEFAULT_STATIC_INIT: Readonly<StaticInitSettings> = Object.freeze({ windowS: 1, gyroDeviationRadps: (2 * Math.PI) / 180, accelDeviationMps2: 0.5, gravityToleranceMps2: 0.5 });

/** What a still window gives. */
export interface StaticInitResult {
  /** Mean specific force (body frame, m/s²): minus gravity, i.e. "up" × g at rest. */
  readonly accelMeanMps2: Vec3;
  /** Mean gyro = bias (body frame, rad/s). */
  readonly gyroBiasRadps: Vec3;
  /** Mean magnetometer (body, µT) when every sample had one. */
  readonly magMeanUt: Vec3 | null;
  /** Runtime times of the window, ns. */
  readonly startTNs: number;
  readonly endTNs: number;
  readonly samples: number;
  /** Sample rate over the window, Hz. */
  readonly rateHz: number;
}

/** The window so far: batches (views) in time order. */
export interface StaticInitState {
  readonly window: readonly ImuSamplesEvent[];
}

export const INITIAL_STATIC_INIT: StaticInitState = Object.freeze({ window: [] });

const G = 9.81;

function* samplesOf(window: readonly ImuSamplesEvent[]): Generator<{ b: ImuSamplesEvent; i: number }> {
  for (const b of window) for (let i = 0; i < b.count; i++) yield { b, i };
}

/** Drops whole batches that lie before `fromTNs` (keeps a batch that straddles it). */
function trim(window: readonly ImuSamplesEvent[], fromTNs: number): readonly ImuSamplesEvent[] {
  let k = 0;
  while (k < window.length - 1 && (window[k]!.tNs[window[k]!.count - 1] as number) < fromTNs) k++;
  return k === 0 ? window : window.slice(k);
}

/** Statistics of the samples at or after `fromTNs`; null when fewer than 2 or any is not finite. */
function windowStats(window: readonly ImuSamplesEvent[], fromTNs: number, s: StaticInitSettings): StaticInitResult | null {
  const gm = [0, 0, 0];
  const am = [0, 0, 0];
  const mm = [0, 0, 0];
  let n = 0;
  let withMag = 0;
  let start = Number.NaN;
  let end = Number.NaN;
  for (const { b, i } of samplesOf(window)) {
    const t = b.tNs[i] as number;
    if (t < fromTNs) continue;
    if (n === 0) start = t;
    end = t;
    n++;
    for (let k = 0; k < 3; k++) {
      gm[k]! += b.gyroRadps[3 * i + k] as number;
      am[k]! += b.accelMps2[3 * i + k] as number;
      if (b.magUt !== undefined) mm[k]! += b.magUt[3 * i + k] as number;
    }
    if (b.magUt !== undefined) withMag++;
  }
  if (n < 2) return null;
  const mean = (v: number[], c: number): Vec3 => [v[0]! / c, v[1]! / c, v[2]! / c];
  const g = mean(gm, n);
  const a = mean(am, n);
  if (![...g, ...a].every(Number.isFinite) || Math.abs(Math.hypot(...a) - G) > s.gravityToleranceMps2) return null;
  for (const { b, i } of samplesOf(window)) {
    if ((b.tNs[i] as number) < fromTNs) continue;
    const dg = Math.hypot((b.gyroRadps[3 * i] as number) - g[0], (b.gyroRadps[3 * i + 1] as number) - g[1], (b.gyroRadps[3 * i + 2] as number) - g[2]);
    const da = Math.hypot((b.accelMps2[3 * i] as number) - a[0], (b.accelMps2[3 * i + 1] as number) - a[1], (b.accelMps2[3 * i + 2] as number) - a[2]);
    if (!(dg <= s.gyroDeviationRadps && da <= s.accelDeviationMps2)) return null;
  }
  const magMeanUt = withMag === n ? mean(mm, n) : null;
  return { accelMeanMps2: a, gyroBiasRadps: g, magMeanUt: magMeanUt !== null && magMeanUt.every(Number.isFinite) ? magMeanUt : null, startTNs: start, endTNs: end, samples: n, rateHz: (n - 1) / ((end - start) * 1e-9) };
}

/**
 * Adds `batch` to the window and tests the last `windowS`; returns the new state and, once still, the result.
 * Never throws: non-finite samples make the window not still.
 */
export function stepStaticInit(state: StaticInitState, batch: ImuSamplesEvent, s: StaticInitSettings = DEFAULT_STATIC_INIT): { state: StaticInitState; result: StaticInitResult | null } {
  if (batch.count === 0) return { state, result: null };
  const endTNs = batch.tNs[batch.count - 1] as number;
  const fromTNs = endTNs - s.windowS * 1e9;
  const window = trim([...state.window, batch], fromTNs);
  const firstTNs = window[0]!.tNs[0] as number;
  // A full window: the oldest sample kept reaches back to its start (within one sample period).
  if (firstTNs > fromTNs) return { state: { window }, result: null };
  return { state: { window }, result: windowStats(window, fromTNs, s) };
}
