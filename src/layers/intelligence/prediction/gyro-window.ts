/**
 * The recent gyroscope history a predictor needs: the newest rate and the angular acceleration, the slope
 * of a least-squares line through the rates of the last `windowS` seconds (a first-order Savitzky–Golay
 * differentiator; A. Savitzky, M. Golay, Anal. Chem. 36(8), 1964). Differentiating a gyro amplifies its
 * noise by ~1/Δt; the line fit over a window trades that noise for lag, and the window is picked on real
 * head motion in `docs/prediction.md`.
 *
 * Immutable: {@link pushGyro} returns a new window (at most `capacity` samples, oldest dropped).
 */
import type { Vec3 } from '../../../math/quat.js';

export interface GyroWindow {
  /** Sample times, runtime clock ns, increasing. */
  readonly tNs: readonly number[];
  /** Body-frame rates, rad/s, one `[x, y, z]` per sample. */
  readonly omegaRadps: readonly Vec3[];
}

export const EMPTY_GYRO_WINDOW: GyroWindow = Object.freeze({ tNs: [], omegaRadps: [] });

/**
 * Appends samples (times ns increasing, rates rad/s body frame). Samples not after the newest held, or
 * not finite, are skipped (an IMU's repeated or corrupt sample must not stop prediction).
 */
export function pushGyro(window: GyroWindow, tNs: ArrayLike<number>, gyroRadpsXyz: ArrayLike<number>, capacity: number): GyroWindow {
  const ts = [...window.tNs];
  const ws = [...window.omegaRadps];
  for (let i = 0; i < tNs.length; i += 1) {
    const t = tNs[i] as number;
    const w: Vec3 = [gyroRadpsXyz[3 * i] as number, gyroRadpsXyz[3 * i + 1] as number, gyroRadpsXyz[3 * i + 2] as number];
    if (!Number.isFinite(t) || !w.every(Number.isFinite)) continue;
    const last = ts.at(-1);
    if (last !== undefined && t <= last) continue;
    ts.push(t);
    ws.push(w);
  }
  const drop = Math.max(0, ts.length - capacity);
  return { tNs: ts.slice(drop), omegaRadps: ws.slice(drop) };
}

export interface RateEstimate {
  /** Time of the newest sample, ns. */
  readonly tNs: number;
  /** The newest rate as measured, rad/s. */
  readonly omegaRadps: Vec3;
  /** Slope of the line fit over the window, rad/s²; zero with fewer than 2 samples in it. */
  readonly alphaRadps2: Vec3;
}

/**
 * Newest rate and angular acceleration over the samples within `windowS` of the newest one;
 * `undefined` for an empty window.
 */
export function estimateRate(window: GyroWindow, windowS: number): RateEstimate | undefined {
  const n = window.tNs.length;
  const tEnd = window.tNs[n - 1];
  const wEnd = window.omegaRadps[n - 1];
  if (tEnd === undefined || wEnd === undefined) return undefined;
  const t0 = tEnd - windowS * 1e9;
  let m = 0;
  let st = 0;
  let stt = 0;
  const sw = [0, 0, 0];
  const stw = [0, 0, 0];
  for (let i = n - 1; i >= 0 && (window.tNs[i] as number) >= t0; i -= 1) {
    const t = ((window.tNs[i] as number) - tEnd) * 1e-9;
    const w = window.omegaRadps[i] as Vec3;
    m += 1;
    st += t;
    stt += t * t;
    for (let k = 0; k < 3; k += 1) {
      const wk = w[k] as number;
      sw[k] = (sw[k] as number) + wk;
      stw[k] = (stw[k] as number) + t * wk;
    }
  }
  const den = m * stt - st * st;
  if (m < 2 || den <= 0) return { tNs: tEnd, omegaRadps: wEnd, alphaRadps2: [0, 0, 0] };
  const slope = (k: number): number => (m * (stw[k] as number) - st * (sw[k] as number)) / den;
  return { tNs: tEnd, omegaRadps: wEnd, alphaRadps2: [slope(0), slope(1), slope(2)] };
}
