/**
 * Real head motion for the XREAL emulator: the Project Aria glasses trajectory
 * (`../shared/data/aria_head_trajectory/trajectory/closed_loop_trajectory.csv`, ~1 kHz, 12.3 s, Apache-2.0
 * projectaria_tools sample; see its PROVENANCE.md) turned into what an IMU riding on it measures.
 *
 * Derivation (per row i, Aria device frame "A"):
 * - angular rate ω_A: the trajectory's `angular_velocity_*_device` (rad/s), as recorded;
 * - specific force f_A = R_world_Aᵀ (a_world − g_world): `a_world` is the trajectory's second derivative,
 *   taken as the derivative of its first (the recorded `device_linear_velocity_*_device` rotated to world,
 *   v_world = R v_A) by a central difference over ±2 rows (≈ 4 ms; raw positions at 1 µm resolution would
 *   make a direct second difference noisy by ~1 m/s²); g_world is the recorded `gravity_*_world`
 *   (0, 0, −9.81), so at rest f = +9.81 m/s² "up";
 * - magnetic field B_A = R_world_Aᵀ B_world with a fixed illustrative field B_world = (0, 20, −43) µT
 *   (48 µT, 65° dip: a mid-latitude field; Aria's world frame has no known north, so this is a stand-in).
 *
 * Frame conversion: the Aria device frame is taken as x down, y left, z forward (the specific force in this
 * recording lies along −x); the XREAL chip frame is x left, y back, z up (ar-drivers-rs maps it to RUB as
 * (−x, z, y)). So v_chip = M v_A with M = [[0,1,0],[0,0,−1],[−1,0,0]] (a proper rotation).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';

export interface HeadImuTrack {
  readonly path: string;
  readonly n: number;
  /** Device time of each row, ns from the first row (the trajectory's `tracking_timestamp_us`). */
  readonly tNs: Float64Array;
  /** Chip frame, xyz interleaved: rad/s, m/s², µT. */
  readonly gyroRadps: Float64Array;
  readonly accelMps2: Float64Array;
  readonly magUt: Float64Array;
}

const B_WORLD_UT = [0, 20, -43] as const;

/** R(q)ᵀ v for q = (x, y, z, w) rotating A into world. */
function rotT(q: readonly number[], v: readonly number[]): [number, number, number] {
  const [x, y, z, w] = q as [number, number, number, number];
  const [v0, v1, v2] = v as [number, number, number];
  return [
    (1 - 2 * (y * y + z * z)) * v0 + 2 * (x * y + z * w) * v1 + 2 * (x * z - y * w) * v2,
    2 * (x * y - z * w) * v0 + (1 - 2 * (x * x + z * z)) * v1 + 2 * (y * z + x * w) * v2,
    2 * (x * z + y * w) * v0 + 2 * (y * z - x * w) * v1 + (1 - 2 * (x * x + y * y)) * v2,
  ];
}

function rot(q: readonly number[], v: readonly number[]): [number, number, number] {
  const [x, y, z, w] = q as [number, number, number, number];
  return rotT([-x, -y, -z, w], v);
}

/** Aria device frame → XREAL chip frame. */
export function ariaToChip(v: readonly number[]): [number, number, number] {
  return [v[1] as number, -(v[2] as number), -(v[0] as number)];
}

export async function readAriaHeadImu(path: string): Promise<HeadImuTrack> {
  const records: string[][] = parse(await readFile(path, 'utf8'), { skip_empty_lines: true, trim: true });
  const [header, ...rows] = records;
  if (header === undefined) throw new Error(`${path}: empty file`);
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${path}: no column ${name} (not an Aria closed_loop_trajectory.csv)`);
    return i;
  };
  const [ti, qx, vx, wx, gx] = ['tracking_timestamp_us', 'qx_world_device', 'device_linear_velocity_x_device', 'angular_velocity_x_device', 'gravity_x_world'].map(col) as [number, number, number, number, number];
  const num = (r: string[], i: number): number => Number(r[i]);
  const n = rows.length;
  const t0 = num(rows[0] ?? [], ti);
  const tNs = Float64Array.from(rows, (r) => (num(r, ti) - t0) * 1000);
  const q = rows.map((r) => [num(r, qx), num(r, qx + 1), num(r, qx + 2), num(r, qx + 3)]);
  const vWorld = rows.map((r, i) => rot(q[i] as number[], [num(r, vx), num(r, vx + 1), num(r, vx + 2)]));
  const gyroRadps = new Float64Array(3 * n);
  const accelMps2 = new Float64Array(3 * n);
  const magUt = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const r = rows[i] as string[];
    const lo = Math.max(0, i - 2);
    const hi = Math.min(n - 1, i + 2);
    const dtS = ((tNs[hi] as number) - (tNs[lo] as number)) / 1e9;
    const a = [0, 1, 2].map((k) => (((vWorld[hi] as number[])[k] as number) - ((vWorld[lo] as number[])[k] as number)) / dtS);
    const g = [num(r, gx), num(r, gx + 1), num(r, gx + 2)];
    const f = rotT(q[i] as number[], [(a[0] as number) - (g[0] as number), (a[1] as number) - (g[1] as number), (a[2] as number) - (g[2] as number)]);
    const w = [num(r, wx), num(r, wx + 1), num(r, wx + 2)];
    const b = rotT(q[i] as number[], B_WORLD_UT);
    gyroRadps.set(ariaToChip(w), 3 * i);
    accelMps2.set(ariaToChip(f), 3 * i);
    magUt.set(ariaToChip(b), 3 * i);
  }
  return { path, n, tNs, gyroRadps, accelMps2, magUt };
}
