/**
 * `euroc-groundtruth` (not a device): the EuRoC/ASL ground-truth body pose,
 * `state_groundtruth_estimate0/data.csv` with rows `#timestamp [ns], p_RS_R_x, p_RS_R_y, p_RS_R_z [m],
 * q_RS_w, q_RS_x, q_RS_y, q_RS_z []` (further columns, velocity and biases, are ignored). Source format:
 * EuRoC MAV dataset (Burri et al., IJRR 2016). R is the gravity-aligned world frame (z up), S the body (IMU)
 * frame, so `p_RS_R` is the body position in the world and `q_RS` = q_world_body (Hamilton, w first).
 *
 * Rows that cannot be read (short, non-numeric, stamp not after the previous row's) are skipped and listed in
 * `skipped` as {@link SampleError}s naming file and line; the rest load. A missing file → {@link DeviceError}.
 */
import { join } from 'node:path';
import { SampleError } from '../types.js';
import { openCsvRows } from './csv-rows.js';
import { FieldError, expectAtLeastFields, finiteNumber, integerNs } from './csv-fields.js';
import { isDirectory } from './files.js';
import { isAfterWindow, isBeforeWindow } from './time-window.js';
import type { TimeWindow } from './time-window.js';

/** Ground-truth poses as structure-of-arrays, in file order. */
export interface GroundTruth {
  /** The data.csv read. */
  readonly source: string;
  /** Number of poses. */
  readonly count: number;
  /** Stamps, recording clock (UNIX ns for EuRoC), length `count`. */
  readonly tNs: BigInt64Array;
  /** Body position in the world frame, m, xyz interleaved, length 3·`count`. */
  readonly position: Float64Array;
  /** Body orientation q_world_body, Hamilton `[w, x, y, z]` interleaved, length 4·`count` (as recorded). */
  readonly q_world_body: Float64Array;
  /** Rows that were skipped, in file order. */
  readonly skipped: readonly SampleError[];
}

export interface GroundTruthOptions {
  /** Id used in error messages; default `groundtruth`. */
  readonly id?: string;
  /** Only rows stamped inside this window are kept. */
  readonly window?: TimeWindow;
}

const COLUMNS = 'timestamp, p xyz, q wxyz';

/**
 * Loads the ground truth from `path`: a `state_groundtruth_estimate0` folder or its data.csv.
 * Raises `DeviceError` when the file cannot be opened.
 */
export async function loadEurocGroundTruth(path: string, options: GroundTruthOptions = {}): Promise<GroundTruth> {
  const id = options.id ?? 'groundtruth';
  const source = (await isDirectory(path)) ? join(path, 'data.csv') : path;
  const rows = await openCsvRows(id, source);
  const stamps: bigint[] = [];
  const position: number[] = [];
  const quaternion: number[] = [];
  const skipped: SampleError[] = [];
  try {
    for (let row = await rows.next(); row !== undefined; row = await rows.next()) {
      const { fields, line } = row;
      try {
        expectAtLeastFields(fields, 8, COLUMNS);
        const t = integerNs(fields[0] ?? '', 'timestamp');
        const v = (i: number, name: string): number => finiteNumber(fields[i] ?? '', name);
        const p = [v(1, 'p_RS_R_x'), v(2, 'p_RS_R_y'), v(3, 'p_RS_R_z')];
        const q = [v(4, 'q_RS_w'), v(5, 'q_RS_x'), v(6, 'q_RS_y'), v(7, 'q_RS_z')];
        const previous = stamps.at(-1);
        if (previous !== undefined && t <= previous) {
          throw new FieldError(`timestamp ${t} ns is not after the previous row's ${previous} ns`);
        }
        if (isBeforeWindow(t, options.window)) continue;
        if (isAfterWindow(t, options.window)) break;
        stamps.push(t);
        position.push(...p);
        quaternion.push(...q);
      } catch (err) {
        if (!(err instanceof FieldError)) throw err;
        skipped.push(new SampleError(id, { file: source, line }, err.message));
      }
    }
  } finally {
    await rows.close();
  }
  return {
    source,
    count: stamps.length,
    tNs: BigInt64Array.from(stamps),
    position: Float64Array.from(position),
    q_world_body: Float64Array.from(quaternion),
    skipped,
  };
}
