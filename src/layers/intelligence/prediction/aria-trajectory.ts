/**
 * Project Aria MPS trajectory (`closed_loop_trajectory.csv`) as real head motion for evaluating pose
 * prediction. Columns used (Project Aria docs, "MPS output – trajectory", projectaria_tools
 * `mps/trajectory`): `tracking_timestamp_us` (device clock, µs), `tx/ty/tz_world_device` (m),
 * `qx/qy/qz/qw_world_device` (q_world_device, Hamilton, scalar last in the file),
 * `device_linear_velocity_{x,y,z}_device` (m/s, device frame), `angular_velocity_{x,y,z}_device`
 * (rad/s, device frame). The device frame is the glasses' rig (the left SLAM camera), so its angular
 * velocity is what a gyro on the frame reads, bias-free. Rows ~1 kHz (irregular: 1–1179 µs apart).
 *
 * Errors: a missing column or a non-numeric field is an `Error` naming the file, line and column; rows
 * whose stamp is not after the previous row's are skipped and counted.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { rotate, type Quat } from '../../../math/quat.js';

/** A real head trajectory, structure of arrays, times increasing. */
export interface HeadTrajectory {
  readonly source: string;
  readonly count: number;
  /** Sample times, ns (device clock, from 0 at the first row). */
  readonly tNs: Float64Array;
  /** q_world_body `[w, x, y, z]`, 4 per sample. */
  readonly q_world_body: Float64Array;
  /** Body-frame angular velocity, rad/s, 3 per sample. */
  readonly omegaBodyRadps: Float64Array;
  /** Body position in the world, m, 3 per sample. */
  readonly p_world_body_m: Float64Array;
  /** Body velocity in the world frame, m/s, 3 per sample. */
  readonly v_world_mps: Float64Array;
  /** Rows skipped because their stamp was not after the previous one. */
  readonly skippedRows: number;
}

const COLUMNS = [
  'tracking_timestamp_us',
  'tx_world_device', 'ty_world_device', 'tz_world_device',
  'qw_world_device', 'qx_world_device', 'qy_world_device', 'qz_world_device',
  'device_linear_velocity_x_device', 'device_linear_velocity_y_device', 'device_linear_velocity_z_device',
  'angular_velocity_x_device', 'angular_velocity_y_device', 'angular_velocity_z_device',
] as const;

/** Parses the text of an Aria `closed_loop_trajectory.csv` (`file` names it in errors). */
export function parseAriaTrajectory(file: string, text: string): HeadTrajectory {
  const rows: string[][] = parse(text, { skip_empty_lines: true });
  const header = rows[0];
  if (header === undefined) throw new Error(`${file}: empty, expected an Aria trajectory CSV header`);
  const index = COLUMNS.map((name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: missing column "${name}"`);
    return i;
  });
  const n = rows.length - 1;
  const t = new Float64Array(n);
  const q = new Float64Array(4 * n);
  const w = new Float64Array(3 * n);
  const p = new Float64Array(3 * n);
  const v = new Float64Array(3 * n);
  let count = 0;
  let skipped = 0;
  let t0Us: number | undefined;
  for (let r = 1; r < rows.length; r += 1) {
    const row = rows[r] as string[];
    const f = index.map((i, k) => {
      const x = Number(row[i]);
      if (row[i] === undefined || row[i] === '' || !Number.isFinite(x)) {
        throw new Error(`${file}:${r + 1}: column "${COLUMNS[k] ?? ''}" must be a number, got "${row[i] ?? ''}"`);
      }
      return x;
    });
    t0Us ??= f[0] as number;
    const tNs = ((f[0] as number) - t0Us) * 1e3;
    if (count > 0 && tNs <= (t[count - 1] as number)) {
      skipped += 1;
      continue;
    }
    const qwb: Quat = [f[4] as number, f[5] as number, f[6] as number, f[7] as number];
    const vWorld = rotate(qwb, [f[8] as number, f[9] as number, f[10] as number]);
    t[count] = tNs;
    q.set(qwb, 4 * count);
    p.set([f[1] as number, f[2] as number, f[3] as number], 3 * count);
    v.set(vWorld, 3 * count);
    w.set([f[11] as number, f[12] as number, f[13] as number], 3 * count);
    count += 1;
  }
  return {
    source: file,
    count,
    tNs: t.subarray(0, count),
    q_world_body: q.subarray(0, 4 * count),
    omegaBodyRadps: w.subarray(0, 3 * count),
    p_world_body_m: p.subarray(0, 3 * count),
    v_world_mps: v.subarray(0, 3 * count),
    skippedRows: skipped,
  };
}

/** Reads and parses `path` (see {@link parseAriaTrajectory}); file errors name the path. */
export async function loadAriaTrajectory(path: string): Promise<HeadTrajectory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read the Aria trajectory: ${(err as Error).message}`);
  }
  return parseAriaTrajectory(path, text);
}
