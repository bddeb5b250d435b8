/**
 * Recordings the AHRS evaluation reads: an EuRoC MAV folder (ASL layout; Burri et al., "The EuRoC micro aerial
 * vehicle datasets", IJRR 2016) or a BROAD trial CSV (Laidig et al., "BROAD — A Benchmark for Robust Inertial
 * Orientation Estimation", Data 2021). Both become one {@link AhrsRecording}: IMU samples on a clock relative to
 * the first sample (ns) and the reference orientation `q_world_body` on the same clock.
 *
 * EuRoC ground truth, whichever of these spans longer: `mav0/state_groundtruth_estimate0/data.csv` (body = IMU pose)
 * or a DROID-SLAM `groundtruth_*_tum.txt` beside `mav0` (V1_01's copy holds 5 s of the first and the whole flight in
 * the second) (the cam0 pose `t x y z q0 q1 q2 q3`, quaternion = `q_W_C0`
 * with its vector part negated, as `../shared/data/euroc_v1_01_imu_gt/PROVENANCE.md` verified), converted to the
 * body with `T_B_C0` of `mav0/cam0/sensor.yaml`: `q_W_B = q_W_C0 ⊗ q_B_C0*`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { conjugate, fromTransform4x4, multiply, type Quat } from '../../math/quat.js';

/** IMU samples and a reference orientation, times relative to the first IMU sample. */
export interface AhrsRecording {
  readonly name: string;
  readonly kind: 'euroc' | 'broad';
  /** Nominal IMU rate, Hz (EuRoC 200, BROAD 285.714). */
  readonly rateHz: number;
  /** n sample times, ns from the first sample. */
  readonly timestampsNs: Float64Array;
  /** 3n, rad/s, body frame. */
  readonly gyroRadps: Float64Array;
  /** 3n, m/s², body frame. */
  readonly accelMps2: Float64Array;
  /** 3n, µT, body frame (BROAD only). */
  readonly magUt?: Float64Array;
  /** Reference `q_world_body` `[w, x, y, z]`: BROAD per IMU sample (ENU, NaN when occluded); EuRoC on its own times. */
  readonly reference: { readonly tNs: Float64Array; readonly q: Float64Array };
  /** BROAD: 1 for the samples BROAD scores (`movement`). */
  readonly scored?: Uint8Array;
}

const BROAD_COLUMNS = ['time_s', 'gyr_x_rad_s', 'gyr_y_rad_s', 'gyr_z_rad_s', 'acc_x_m_s2', 'acc_y_m_s2', 'acc_z_m_s2', 'mag_x_uT', 'mag_y_uT', 'mag_z_uT', 'opt_quat_w', 'opt_quat_x', 'opt_quat_y', 'opt_quat_z'] as const;

/** Opens `path`: a folder with `mav0/imu0/data.csv` (EuRoC) or a `.csv` with BROAD's columns. @throws Error naming the path and what is missing. */
export function loadAhrsRecording(path: string): AhrsRecording {
  if (!existsSync(path)) throw new Error(`"path" ${path} does not exist`);
  if (statSync(path).isDirectory()) return loadEuroc(path);
  if (path.toLowerCase().endsWith('.csv')) return loadBroadCsv(path);
  throw new Error(`"path" ${path} is neither an EuRoC folder (mav0/imu0/data.csv) nor a BROAD .csv`);
}

function numbersOf(line: string, path: string, lineNo: number, count: number, sep: RegExp): number[] {
  const f = line.trim().split(sep);
  if (f.length < count) throw new Error(`${path}:${lineNo}: expected ${count} fields, got ${f.length}`);
  return f.slice(0, count).map((s, i) => {
    const v = s.trim().toLowerCase() === 'nan' ? Number.NaN : Number(s);
    if (s.trim() === '' || (Number.isNaN(v) && s.trim().toLowerCase() !== 'nan')) throw new Error(`${path}:${lineNo}: field ${i + 1} is not a number: "${s}"`);
    return v;
  });
}

/** A BROAD trial CSV (as converted in `../shared/data/imu_broad`): IMU, magnetometer, optical `q_ENU_body`, `movement`. */
export function loadBroadCsv(path: string): AhrsRecording {
  const lines = readFileSync(path, 'utf8').split('\n');
  const header = (lines[0] ?? '').trim().split(',');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${path}: BROAD column "${name}" missing from the header`);
    return i;
  };
  const idx = [...BROAD_COLUMNS, 'movement'].map(col);
  const rows = lines.slice(1).filter((l) => l.trim().length > 0);
  const n = rows.length;
  if (n < 2) throw new Error(`${path}: needs at least 2 samples, got ${n}`);
  const t = new Float64Array(n);
  const gyro = new Float64Array(3 * n);
  const accel = new Float64Array(3 * n);
  const mag = new Float64Array(3 * n);
  const q = new Float64Array(4 * n);
  const scored = new Uint8Array(n);
  const width = Math.max(...idx) + 1;
  rows.forEach((line, i) => {
    const f = numbersOf(line, path, i + 2, width, /,/);
    const v = (k: number): number => f[idx[k] as number] as number;
    t[i] = Math.round(v(0) * 1e9);
    for (let k = 0; k < 3; k++) {
      gyro[3 * i + k] = v(1 + k);
      accel[3 * i + k] = v(4 + k);
      mag[3 * i + k] = v(7 + k);
    }
    for (let k = 0; k < 4; k++) q[4 * i + k] = v(10 + k);
    scored[i] = v(14) === 1 ? 1 : 0;
  });
  const rateHz = (n - 1) / ((t[n - 1]! - t[0]!) * 1e-9);
  return { name: basename(path, '.csv'), kind: 'broad', rateHz, timestampsNs: t, gyroRadps: gyro, accelMps2: accel, magUt: mag, reference: { tNs: t, q }, scored };
}

/** Lines of a CSV/text file without comments and blank lines, with their 1-based numbers. */
function dataLines(path: string): { line: string; no: number }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, no: i + 1 }))
    .filter(({ line }) => line.trim().length > 0 && !line.startsWith('#'));
}

/** Integer ns of a timestamp field (`1403715274312143104` or `1403715274312143104.000`). */
function stampNs(field: string, path: string, no: number): bigint {
  const s = field.trim().split('.')[0] ?? '';
  if (!/^\d+$/.test(s)) throw new Error(`${path}:${no}: timestamp is not an integer number of ns: "${field}"`);
  return BigInt(s);
}

/** An EuRoC MAV folder: `mav0/imu0/data.csv` and its ground truth (see the module docs). */
export function loadEuroc(dir: string): AhrsRecording {
  const imuPath = join(dir, 'mav0/imu0/data.csv');
  if (!existsSync(imuPath)) throw new Error(`"path" ${dir}: no mav0/imu0/data.csv (not an EuRoC folder)`);
  const rows = dataLines(imuPath);
  const n = rows.length;
  if (n < 2) throw new Error(`${imuPath}: needs at least 2 samples, got ${n}`);
  const t0 = stampNs(rows[0]!.line.split(',')[0]!, imuPath, rows[0]!.no);
  const t = new Float64Array(n);
  const gyro = new Float64Array(3 * n);
  const accel = new Float64Array(3 * n);
  rows.forEach(({ line, no }, i) => {
    const f = line.split(',');
    t[i] = Number(stampNs(f[0] ?? '', imuPath, no) - t0);
    const v = numbersOf(f.slice(1).join(','), imuPath, no, 6, /,/);
    gyro.set(v.slice(0, 3), 3 * i);
    accel.set(v.slice(3, 6), 3 * i);
  });
  const rateHz = (n - 1) / ((t[n - 1]! - t[0]!) * 1e-9);
  const name = basename(dir.replace(/\/+$/, ''));
  return { name, kind: 'euroc', rateHz, timestampsNs: t, gyroRadps: gyro, accelMps2: accel, reference: eurocGroundTruth(dir, t0) };
}

function eurocGroundTruth(dir: string, t0: bigint): { tNs: Float64Array; q: Float64Array } {
  const state = join(dir, 'mav0/state_groundtruth_estimate0/data.csv');
  const tum = existsSync(dir) ? readdirSync(dir).find((f) => /^groundtruth_.*_tum\.txt$/.test(f)) : undefined;
  type Truth = { tNs: Float64Array; q: Float64Array };
  const candidates = [existsSync(state) ? stateGroundTruth(state, t0) : null, tum === undefined ? null : tumGroundTruth(dir, join(dir, tum), t0)].filter(
    (g): g is Truth => g !== null && g.tNs.length > 0,
  );
  if (candidates.length === 0) throw new Error(`"path" ${dir}: no ground truth (mav0/state_groundtruth_estimate0/data.csv or groundtruth_*_tum.txt)`);
  const span = (g: { tNs: Float64Array }): number => (g.tNs[g.tNs.length - 1] as number) - (g.tNs[0] as number);
  return candidates.reduce((a, b) => (span(b) > span(a) ? b : a));
}

/** EuRoC `state_groundtruth_estimate0/data.csv`: the body (IMU) orientation, times in ns after `t0` (ns). */
export function stateGroundTruth(path: string, t0: bigint): { tNs: Float64Array; q: Float64Array } {
  const rows = dataLines(path);
  const tNs = new Float64Array(rows.length);
  const q = new Float64Array(4 * rows.length);
  rows.forEach(({ line, no }, i) => {
    const f = line.split(',');
    tNs[i] = Number(stampNs(f[0] ?? '', path, no) - t0);
    q.set(numbersOf(f.slice(4, 8).join(','), path, no, 4, /,/), 4 * i);
  });
  return { tNs, q };
}

/** A DROID-SLAM TUM file of EuRoC folder `dir`: the cam0 pose converted to the body orientation (module docs), times in ns after `t0`. */
export function tumGroundTruth(dir: string, path: string, t0: bigint): { tNs: Float64Array; q: Float64Array } {
  const q_B_C0 = cam0Extrinsics(dir);
  const rows = dataLines(path);
  const tNs = new Float64Array(rows.length);
  const q = new Float64Array(4 * rows.length);
  rows.forEach(({ line, no }, i) => {
    const f = line.trim().split(/\s+/);
    tNs[i] = Number(stampNs(f[0] ?? '', path, no) - t0);
    const [w, x, y, z] = numbersOf(f.slice(4, 8).join(' '), path, no, 4, /\s+/) as [number, number, number, number];
    const q_W_C0: Quat = [w, -x, -y, -z];
    q.set(multiply(q_W_C0, conjugate(q_B_C0)), 4 * i);
  });
  return { tNs, q };
}

/** `q_B_C0` from `T_BS` of `mav0/cam0/sensor.yaml`. */
function cam0Extrinsics(dir: string): Quat {
  const path = join(dir, 'mav0/cam0/sensor.yaml');
  if (!existsSync(path)) throw new Error(`"path" ${dir}: the TUM ground truth is the cam0 pose and needs mav0/cam0/sensor.yaml`);
  const m = /T_BS:[\s\S]*?data:\s*\[([^\]]*)\]/.exec(readFileSync(path, 'utf8'));
  const values = (m?.[1] ?? '').split(',').map(Number);
  if (values.length !== 16 || values.some((v) => !Number.isFinite(v))) throw new Error(`${path}: T_BS.data must hold 16 numbers`);
  return fromTransform4x4(values);
}
