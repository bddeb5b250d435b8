/**
 * Resampling a recording at a chip's output data rate: the emulated chip takes its sample n at
 * `t = n × period` (its own ODR, not the recording's) and reads the recording there by LINEAR INTERPOLATION
 * between the two recorded samples around t (quaternions: normalised linear interpolation on the shorter arc).
 * Past the end the recording loops (`end: 'loop'`, the default: a laptop session may outlast it) or holds its
 * last sample (`end: 'hold'`). Queries must come in non-decreasing time (a cursor walks forward; a loop or an
 * earlier time restarts it), so a sample costs O(1).
 */
import type { ImuRecording, PowerRecording } from './recording.js';

/** One interpolated IMU sample (SI units; `quatWxyz` undefined when the recording has none or it is unknown). */
export interface ImuTruth {
  readonly gyroRadps: [number, number, number];
  readonly accelMps2: [number, number, number];
  readonly magUt?: [number, number, number];
  readonly quatWxyz?: [number, number, number, number];
}

export type RecordingEnd = 'loop' | 'hold';

export class ImuResampler {
  readonly #rec: ImuRecording;
  readonly #end: RecordingEnd;
  readonly #durationNs: number;
  #cursor = 0;
  #lastQuat: [number, number, number, number] | undefined;

  constructor(recording: ImuRecording, end: RecordingEnd = 'loop') {
    this.#rec = recording;
    this.#end = end;
    this.#durationNs = (recording.tNs[recording.count - 1] ?? 0) + recording.periodNs;
  }

  /** The recording at `tNs` ns from its first sample. */
  at(tNs: number): ImuTruth {
    const rec = this.#rec;
    let t = Math.max(0, tNs);
    if (this.#end === 'loop') t %= this.#durationNs;
    else t = Math.min(t, rec.tNs[rec.count - 1] ?? 0);
    if ((rec.tNs[this.#cursor] ?? 0) > t) this.#cursor = 0;
    while (this.#cursor < rec.count - 2 && (rec.tNs[this.#cursor + 1] ?? 0) <= t) this.#cursor += 1;
    const i = this.#cursor;
    const t0 = rec.tNs[i] ?? 0;
    const t1 = rec.tNs[i + 1] ?? t0;
    // Between the last sample and the loop point (one period) the last sample is held.
    const f = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
    const lerp3 = (a: Float64Array): [number, number, number] => [0, 1, 2].map((k) => lerp(a[3 * i + k], a[3 * i + 3 + k], f)) as [number, number, number];
    return {
      gyroRadps: lerp3(rec.gyroRadps),
      accelMps2: lerp3(rec.accelMps2),
      magUt: rec.magUt === undefined ? undefined : lerp3(rec.magUt),
      quatWxyz: rec.quatWxyz === undefined ? undefined : this.#quat(rec.quatWxyz, i, f),
    };
  }

  #quat(q: Float64Array, i: number, f: number): [number, number, number, number] | undefined {
    const a = [0, 1, 2, 3].map((k) => q[4 * i + k] ?? Number.NaN);
    const b = [0, 1, 2, 3].map((k) => q[4 * i + 4 + k] ?? Number.NaN);
    let out: number[] | undefined;
    if (a.every(Number.isFinite) && b.every(Number.isFinite)) {
      const sign = a.reduce((s, v, k) => s + v * (b[k] ?? 0), 0) < 0 ? -1 : 1;
      out = a.map((v, k) => v + (sign * (b[k] ?? 0) - v) * f);
    } else if (a.every(Number.isFinite)) {
      out = a;
    }
    if (out !== undefined) {
      const norm = Math.hypot(...out);
      if (norm > 0) this.#lastQuat = out.map((v) => v / norm) as [number, number, number, number];
    }
    // Optical occlusion (NaN rows): hold the last known attitude.
    return this.#lastQuat;
  }
}

function lerp(a: number | undefined, b: number | undefined, f: number): number {
  const x = a ?? 0;
  return x + ((b ?? x) - x) * f;
}

/** `value / lsb` rounded to the nearest integer and saturated to the signed `bits`-bit range (the chip's ADC). */
export function quantise(value: number, lsb: number, bits = 16): number {
  const max = 2 ** (bits - 1) - 1;
  const q = Math.round(value / lsb);
  return Math.max(-max - 1, Math.min(max, Number.isFinite(q) ? q : 0));
}

/** A UPS trace at `tS` s from its first row: linear interpolation, clamped to the trace (the battery stays flat at the ends). */
export function powerAt(rec: PowerRecording, tS: number): { voltageV: number; powerW: number; socPercent: number; socRatePctPerH: number } {
  const t = Math.max(0, Math.min(tS, rec.tS[rec.count - 1] ?? 0));
  let lo = 0;
  let hi = rec.count - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((rec.tS[mid] ?? 0) <= t) lo = mid;
    else hi = mid;
  }
  const t0 = rec.tS[lo] ?? 0;
  const t1 = rec.tS[hi] ?? t0;
  const f = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
  const at = (a: Float64Array): number => lerp(a[lo], a[hi], f);
  // SOC is logged in whole percent: its rate is the slope over ±10 min around t.
  const span = 600;
  const a = Math.max(0, t - span);
  const b = Math.min(rec.tS[rec.count - 1] ?? 0, t + span);
  const socRatePctPerH = b > a ? ((socAt(rec, b) - socAt(rec, a)) / (b - a)) * 3600 : 0;
  return { voltageV: at(rec.voltageV), powerW: at(rec.powerW), socPercent: at(rec.socPercent), socRatePctPerH };
}

function socAt(rec: PowerRecording, tS: number): number {
  let i = 0;
  while (i < rec.count - 1 && (rec.tS[i + 1] ?? 0) <= tS) i += 1;
  return rec.socPercent[i] ?? 0;
}
