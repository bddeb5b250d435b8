/**
 * Trajectory error metrics for VIO (Zhang & Scaramuzza, IROS 2018, §V): the absolute trajectory error
 * (ATE: RMS position error after alignment, SE(3) and 4-DoF posyaw) and the relative pose error (RPE: for
 * every pair of estimates `Δ` seconds apart, the error of the estimated relative motion against the ground
 * truth's, `E = (T_gt,i⁻¹ T_gt,j)⁻¹ (T_est,i⁻¹ T_est,j)`, as translation m and rotation deg). The ground
 * truth is interpolated at the estimate times (positions linearly, orientations by slerp).
 */
import { alignPosYaw, alignSE3, applyAlignment, quatToMatrix, rmsPositionError } from './align.js';

/** Poses as structure-of-arrays: stamps ns (one clock with the ground truth), positions m (3n), `q_world_body` `[w,x,y,z]` (4n). */
export interface Trajectory {
  readonly tNs: Float64Array;
  readonly position: Float64Array;
  readonly quaternion: Float64Array;
}

export interface RpeStats {
  readonly deltaS: number;
  readonly pairs: number;
  readonly transRmseM: number;
  readonly rotRmseDeg: number;
}

export interface TrajectoryErrors {
  readonly poses: number;
  readonly ateSe3RmseM: number;
  readonly atePosYawRmseM: number;
  /** Sim(3) alignment's scale (1 = metric scale right) and its ATE. */
  readonly sim3Scale: number;
  readonly ateSim3RmseM: number;
  readonly rpe: readonly RpeStats[];
}

/** The ground truth at `tNs` (NaN outside its span). */
export function interpolate(gt: Trajectory, tNs: Float64Array): Trajectory {
  const n = tNs.length;
  const out: Trajectory = { tNs: Float64Array.from(tNs), position: new Float64Array(3 * n).fill(NaN), quaternion: new Float64Array(4 * n).fill(NaN) };
  let j = 0;
  for (let i = 0; i < n; i++) {
    const t = tNs[i] ?? NaN;
    while (j + 1 < gt.tNs.length && (gt.tNs[j + 1] ?? Infinity) < t) j++;
    const t0 = gt.tNs[j] ?? NaN;
    const t1 = gt.tNs[j + 1] ?? NaN;
    if (!(t >= t0 && t <= t1)) continue;
    const u = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
    for (let k = 0; k < 3; k++) out.position[3 * i + k] = (gt.position[3 * j + k] ?? 0) * (1 - u) + (gt.position[3 * j + 3 + k] ?? 0) * u;
    const q0 = Array.from(gt.quaternion.subarray(4 * j, 4 * j + 4));
    let q1 = Array.from(gt.quaternion.subarray(4 * j + 4, 4 * j + 8));
    const dot = q0.reduce((s, v, k) => s + v * (q1[k] ?? 0), 0);
    if (dot < 0) q1 = q1.map((v) => -v);
    const q = q0.map((v, k) => v * (1 - u) + (q1[k] ?? 0) * u); // nlerp: within 1e-6 rad of slerp at 200 Hz
    const norm = Math.hypot(...q);
    for (let k = 0; k < 4; k++) out.quaternion[4 * i + k] = (q[k] ?? 0) / norm;
  }
  return out;
}

/** Row-major 3×3 product helpers on plain arrays. */
const mulT = (A: readonly number[], v: readonly number[]): number[] => [0, 1, 2].map((r) => (A[r] ?? 0) * (v[0] ?? 0) + (A[3 + r] ?? 0) * (v[1] ?? 0) + (A[6 + r] ?? 0) * (v[2] ?? 0));
const matTmul = (A: readonly number[], B: readonly number[]): number[] => {
  const out: number[] = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out.push((A[r] ?? 0) * (B[c] ?? 0) + (A[3 + r] ?? 0) * (B[3 + c] ?? 0) + (A[6 + r] ?? 0) * (B[6 + c] ?? 0));
  return out;
};

/** Relative motion `T_i⁻¹ T_j` of pose pair (i, j): rotation (row-major) and translation. */
function relative(tr: Trajectory, i: number, j: number): { R: number[]; t: number[] } {
  const Ri = quatToMatrix(Array.from(tr.quaternion.subarray(4 * i, 4 * i + 4)));
  const Rj = quatToMatrix(Array.from(tr.quaternion.subarray(4 * j, 4 * j + 4)));
  const d = [0, 1, 2].map((k) => (tr.position[3 * j + k] ?? 0) - (tr.position[3 * i + k] ?? 0));
  return { R: matTmul(Ri, Rj), t: mulT(Ri, d) };
}

/** RPE over pairs `deltaS` apart (the first estimate at or after `t_i + Δ`). */
export function relativePoseError(est: Trajectory, gt: Trajectory, deltaS: number): RpeStats {
  let st = 0;
  let sr = 0;
  let pairs = 0;
  let j = 0;
  const n = est.tNs.length;
  for (let i = 0; i < n; i++) {
    const target = (est.tNs[i] ?? 0) + deltaS * 1e9;
    j = Math.max(j, i + 1);
    while (j < n && (est.tNs[j] ?? 0) < target) j++;
    if (j >= n) break;
    if ((est.tNs[j] ?? 0) - target > 0.5 * deltaS * 1e9) continue;
    const e = relative(est, i, j);
    const g = relative(gt, i, j);
    if (!g.t.every(Number.isFinite)) continue;
    // E = G⁻¹ Ê: rotation Gᵀ Ê_R, translation Gᵀ (ê_t − g_t).
    const ER = matTmul(g.R, e.R);
    const Et = mulT(g.R, e.t.map((v, k) => v - (g.t[k] ?? 0)));
    const cos = Math.min(1, Math.max(-1, ((ER[0] ?? 1) + (ER[4] ?? 1) + (ER[8] ?? 1) - 1) / 2));
    st += Et.reduce((s, v) => s + v * v, 0);
    sr += (Math.acos(cos) * 180 / Math.PI) ** 2;
    pairs++;
  }
  return { deltaS, pairs, transRmseM: Math.sqrt(st / pairs), rotRmseDeg: Math.sqrt(sr / pairs) };
}

/**
 * ATE (SE(3), posyaw, Sim(3)) and RPE at `deltasS` of `est` against `gt` (interpolated at the estimate times;
 * estimates outside the ground truth's span are dropped). Throws when fewer than 3 estimates overlap it.
 */
export function trajectoryErrors(est: Trajectory, gt: Trajectory, deltasS: readonly number[] = [1, 5]): TrajectoryErrors {
  const g = interpolate(gt, est.tNs);
  const keep: number[] = [];
  for (let i = 0; i < est.tNs.length; i++) if (Number.isFinite(g.position[3 * i])) keep.push(i);
  if (keep.length < 3) throw new Error(`trajectoryErrors: ${keep.length} estimates fall inside the ground truth's time span; at least 3 are needed`);
  const pick = (a: Float64Array, w: number): Float64Array => Float64Array.from(keep.flatMap((i) => Array.from(a.subarray(w * i, w * i + w))));
  const e: Trajectory = { tNs: pick(est.tNs, 1), position: pick(est.position, 3), quaternion: pick(est.quaternion, 4) };
  const G: Trajectory = { tNs: pick(g.tNs, 1), position: pick(g.position, 3), quaternion: pick(g.quaternion, 4) };
  const se3 = alignSE3(e.position, G.position);
  const sim3 = alignSE3(e.position, G.position, true);
  const posyaw = alignPosYaw(e.position, G.position);
  return {
    poses: keep.length,
    ateSe3RmseM: rmsPositionError(applyAlignment(se3, e.position), G.position),
    atePosYawRmseM: rmsPositionError(applyAlignment(posyaw, e.position), G.position),
    sim3Scale: sim3.scale,
    ateSim3RmseM: rmsPositionError(applyAlignment(sim3, e.position), G.position),
    rpe: deltasS.map((d) => relativePoseError(e, G, d)),
  };
}
