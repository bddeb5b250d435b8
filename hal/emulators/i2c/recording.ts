/**
 * The real recordings that feed the I²C chip emulators, loaded into columns (SI units, time from 0):
 *
 * | format | file | columns used | rate |
 * |---|---|---|---|
 * | `euroc` | ASL `mav0/imu0/` folder or its `data.csv` | `#timestamp [ns]`, ω rad/s, a m/s² | 200 Hz |
 * | `broad` | BROAD trial CSV (`imu_broad/*.csv`) | `time_s`, ω rad/s, a m/s², B µT, `opt_quat_wxyz` (NaN = occluded) | 285.714 Hz |
 * | `xio` | x-IMU3 `sensor_data.csv` (Fusion examples) | time s, ω °/s, a g, B µT | 100 Hz |
 *
 * Conversions: °/s × π/180 → rad/s; g × 9.80665 m/s² (standard gravity) → m/s². Provenance and licences of
 * the files: `../shared/data/<folder>/PROVENANCE.md` (BROAD: CC BY 4.0, Laidig et al. 2021; Fusion: MIT;
 * EuRoC: see its licence file) — keep them with any copy.
 *
 * Errors: a missing file or a row that is not numbers → `Error` naming the file and line (the drivers turn it
 * into a `DeviceError` of the device whose emulator needed it).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

/** Recording formats an IMU chip emulator can replay. */
export type ImuRecordingFormat = 'euroc' | 'broad' | 'xio';

/** An IMU recording as columns; sample i is at `tNs[i]` ns from the first row. */
export interface ImuRecording {
  readonly path: string;
  readonly format: ImuRecordingFormat;
  readonly count: number;
  readonly tNs: Float64Array;
  /** ω x,y,z interleaved, rad/s. */
  readonly gyroRadps: Float64Array;
  /** a x,y,z interleaved, m/s². */
  readonly accelMps2: Float64Array;
  /** B x,y,z interleaved, µT (broad, xio). */
  readonly magUt?: Float64Array;
  /** Reference attitude w,x,y,z interleaved, NaN where unknown (broad). */
  readonly quatWxyz?: Float64Array;
  /** Median sample period, ns. */
  readonly periodNs: number;
}

/** Standard gravity, m/s² (CGPM 1901), for recordings in g. */
export const STANDARD_GRAVITY_MPS2 = 9.80665;
const DEG = Math.PI / 180;

const cache = new Map<string, Promise<ImuRecording>>();

/** Loads (once per path and format) an IMU recording; see the module table for the formats. */
export function loadImuRecording(path: string, format: ImuRecordingFormat): Promise<ImuRecording> {
  const key = `${format}:${path}`;
  let loaded = cache.get(key);
  if (loaded === undefined) {
    loaded = readImuRecording(path, format);
    loaded.catch(() => cache.delete(key));
    cache.set(key, loaded);
  }
  return loaded;
}

async function readImuRecording(path: string, format: ImuRecordingFormat): Promise<ImuRecording> {
  const file = format === 'euroc' && (await stat(path)).isDirectory() ? join(path, 'data.csv') : path;
  const rows = await readRows(file);
  const n = rows.length;
  const tNs = new Float64Array(n);
  const gyro = new Float64Array(3 * n);
  const accel = new Float64Array(3 * n);
  const mag = format === 'euroc' ? undefined : new Float64Array(3 * n);
  const quat = format === 'broad' ? new Float64Array(4 * n) : undefined;
  const gyroScale = format === 'xio' ? DEG : 1;
  const accelScale = format === 'xio' ? STANDARD_GRAVITY_MPS2 : 1;
  let t0 = 0;
  let t0Ns = 0n;
  rows.forEach(({ line, fields }, i) => {
    const num = (k: number): number => {
      const v = Number(fields[k]);
      if (fields[k] === undefined || (Number.isNaN(v) && fields[k]?.toLowerCase() !== 'nan')) {
        throw new Error(`${file}:${line}: field ${k + 1} is not a number (${JSON.stringify(fields[k] ?? '')})`);
      }
      return v;
    };
    if (format === 'euroc') {
      // EuRoC stamps are UNIX ns (≈1.4e18 > 2^53): subtract the first one exactly, as bigints.
      const ns = BigInt(fields[0] ?? '0');
      if (i === 0) t0Ns = ns;
      tNs[i] = Number(ns - t0Ns);
    } else {
      const t = num(0) * 1e9;
      if (i === 0) t0 = t;
      tNs[i] = t - t0;
    }
    for (let a = 0; a < 3; a++) {
      gyro[3 * i + a] = num(1 + a) * gyroScale;
      accel[3 * i + a] = num(4 + a) * accelScale;
      if (mag !== undefined) mag[3 * i + a] = num(7 + a);
    }
    if (quat !== undefined) for (let a = 0; a < 4; a++) quat[4 * i + a] = num(10 + a);
  });
  if (n < 2) throw new Error(`${file}: fewer than 2 samples`);
  const gaps = Array.from({ length: Math.min(n - 1, 1000) }, (_, i) => (tNs[i + 1] ?? 0) - (tNs[i] ?? 0)).sort((a, b) => a - b);
  const periodNs = gaps[gaps.length >> 1] ?? 1;
  return { path: file, format, count: n, tNs, gyroRadps: gyro, accelMps2: accel, magUt: mag, quatWxyz: quat, periodNs };
}

/** A UPS battery trace (`traces/rpi4_ups_battery`): time s, battery V, power drawn W, state of charge %. */
export interface PowerRecording {
  readonly path: string;
  readonly count: number;
  /** Time from the first row, s. */
  readonly tS: Float64Array;
  readonly voltageV: Float64Array;
  readonly powerW: Float64Array;
  readonly socPercent: Float64Array;
}

/** Loads the UPSplus battery log: `"Time (s)","Volts (mV)","Power (mW)","Remaining %"` (Unlicense). */
export async function loadUpsTrace(path: string): Promise<PowerRecording> {
  const rows = await readRows(path);
  const n = rows.length;
  const rec = { path, count: n, tS: new Float64Array(n), voltageV: new Float64Array(n), powerW: new Float64Array(n), socPercent: new Float64Array(n) };
  let t0 = 0;
  rows.forEach(({ line, fields }, i) => {
    const v = fields.slice(0, 4).map(Number);
    if (v.length < 4 || v.some((x) => !Number.isFinite(x))) throw new Error(`${path}:${line}: expected 4 numbers, got ${JSON.stringify(fields)}`);
    const [t = 0, mV = 0, mW = 0, soc = 0] = v;
    if (i === 0) t0 = t;
    rec.tS[i] = t - t0;
    rec.voltageV[i] = mV / 1000;
    rec.powerW[i] = mW / 1000;
    rec.socPercent[i] = soc;
  });
  if (n < 2) throw new Error(`${path}: fewer than 2 rows`);
  return rec;
}

/** Data rows (after a header row when the first field is not a number) with 1-based line numbers. */
async function readRows(file: string): Promise<{ line: number; fields: string[] }[]> {
  const text = await readFile(file, 'utf8');
  const records = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  return records
    .map((r) => ({ line: r.info.lines, fields: r.record.map((f) => f.trim()) }))
    .filter((r) => !(r.fields[0] ?? '').startsWith('#') && r.fields[0] !== '' && !Number.isNaN(Number(r.fields[0])));
}
