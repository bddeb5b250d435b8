/**
 * Readers of the real IMU recordings the serial emulators encode (`../shared/data`, see each folder's
 * PROVENANCE.md): plain CSV with a header row, parsed with csv-parse; values converted to SI units.
 *
 * - `imu_fusion_xio/sensor_data.csv` (x-IMU3, 100 Hz, MIT): time s, gyro °/s, accel g, mag µT.
 * - `imu_broad/NN_*.csv` (BROAD, 285.714 Hz, CC BY 4.0): time s, gyro rad/s, accel m/s², mag µT, optical
 *   reference quaternion `opt_quat_w..z` (NaN when the markers were occluded).
 * - EuRoC `mav0/imu0/data.csv` (ADIS16448, 200 Hz): ns, gyro rad/s, accel m/s².
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';

/** Standard gravity, m/s² (the x-IMU3 reports in g). */
export const STANDARD_GRAVITY = 9.80665;
const DEG = Math.PI / 180;

/** A recording as columns: `n` samples. */
export interface ImuRecording {
  readonly path: string;
  readonly n: number;
  /** Sample times, s from the first sample. */
  readonly tS: Float64Array;
  /** xyz interleaved, rad/s. */
  readonly gyroRadps: Float64Array;
  /** xyz interleaved, m/s². */
  readonly accelMps2: Float64Array;
  /** xyz interleaved, µT, when recorded. */
  readonly magUt?: Float64Array;
  /** Reference attitude `[w, x, y, z]` interleaved (NaN where unknown), when recorded. */
  readonly refWxyz?: Float64Array;
  readonly rateHz: number;
}

async function rows(path: string): Promise<{ header: string[]; data: number[][]; text: string[][] }> {
  const records: string[][] = parse(await readFile(path, 'utf8'), { skip_empty_lines: true, trim: true });
  const [header, ...text] = records;
  if (header === undefined) throw new Error(`${path}: empty file`);
  return { header, text, data: text.map((r) => r.map((f) => (f === 'nan' ? Number.NaN : Number(f)))) };
}

function column(data: number[][], index: number, scale = 1): Float64Array {
  return Float64Array.from(data, (r) => (r[index] ?? Number.NaN) * scale);
}

function interleave(data: number[][], first: number, scale = 1): Float64Array {
  const out = new Float64Array(data.length * 3);
  data.forEach((r, i) => {
    for (let k = 0; k < 3; k++) out[3 * i + k] = (r[first + k] ?? Number.NaN) * scale;
  });
  return out;
}

function medianRate(tS: Float64Array): number {
  const d: number[] = [];
  for (let i = 1; i < tS.length; i++) d.push((tS[i] as number) - (tS[i - 1] as number));
  d.sort((a, b) => a - b);
  return 1 / (d[d.length >> 1] ?? 1);
}

/** x-IMU3 `sensor_data.csv`: deg/s → rad/s, g → m/s², µT. */
export async function readXioRecording(path: string): Promise<ImuRecording> {
  const { data } = await rows(path);
  const tS = column(data, 0);
  return { path, n: data.length, tS, gyroRadps: interleave(data, 1, DEG), accelMps2: interleave(data, 4, STANDARD_GRAVITY), magUt: interleave(data, 7), rateHz: medianRate(tS) };
}

/** BROAD trial CSV: rad/s, m/s², µT, reference quaternion. */
export async function readBroadRecording(path: string): Promise<ImuRecording> {
  const { header, data } = await rows(path);
  const q = header.indexOf('opt_quat_w');
  if (q < 0) throw new Error(`${path}: no opt_quat_w column (not a BROAD trial CSV)`);
  const refWxyz = new Float64Array(data.length * 4);
  data.forEach((r, i) => {
    for (let k = 0; k < 4; k++) refWxyz[4 * i + k] = r[q + k] ?? Number.NaN;
  });
  const tS = column(data, 0);
  return { path, n: data.length, tS, gyroRadps: interleave(data, 1), accelMps2: interleave(data, 4), magUt: interleave(data, 7), refWxyz, rateHz: medianRate(tS) };
}

/** EuRoC/ASL `imu0/data.csv` (or its folder): ns, rad/s, m/s². */
export async function readEurocImuRecording(path: string): Promise<ImuRecording> {
  const file = path.endsWith('.csv') ? path : `${path}/data.csv`;
  const { data, text } = await rows(file);
  const t0 = BigInt(text[0]?.[0] ?? '0');
  const tS = Float64Array.from(text, (r) => Number(BigInt(r[0] ?? '0') - t0) / 1e9);
  return { path: file, n: data.length, tS, gyroRadps: interleave(data, 1), accelMps2: interleave(data, 4), rateHz: medianRate(tS) };
}
