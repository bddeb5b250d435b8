/**
 * Orientation error of an estimate against ground truth, degrees.
 *
 * Ground truth is interpolated (slerp) at each estimate's time. IMU-only AHRS cannot observe heading, so
 * the estimate is first rotated about world z by the mean heading offset over its first `alignS` seconds
 * (circular mean), as is usual for AHRS evaluation (e.g. the BROAD benchmark, Laidig et al. 2021, removes
 * the heading offset). Reported: the full orientation error after alignment, and the tilt error (angle
 * between the gravity directions in the body frame), which no heading alignment can hide.
 */
import { angleRad, conjugate, fromYaw, multiply, normalize, rotate, type Quat } from '../math/quat.js';

export interface TimedQuats {
  /** Runtime clock, ns, increasing. */
  readonly tNs: ArrayLike<number>;
  /** `q_world_body` `[w, x, y, z]` per time, 4n values. */
  readonly q: ArrayLike<number>;
}

export interface OrientationErrorStats {
  /** Estimates compared (those inside the ground-truth span). */
  readonly count: number;
  readonly rmsDeg: number;
  readonly maxDeg: number;
  readonly tiltRmsDeg: number;
  readonly tiltMaxDeg: number;
  /** Heading offset removed, degrees. */
  readonly headingOffsetDeg: number;
}

const DEG = 180 / Math.PI;

function quatAt(q: ArrayLike<number>, i: number): Quat {
  return [q[4 * i] as number, q[4 * i + 1] as number, q[4 * i + 2] as number, q[4 * i + 3] as number];
}

/** Spherical linear interpolation, shortest path. */
export function slerp(a: Quat, b: Quat, u: number): Quat {
  let d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  const bb: Quat = d < 0 ? [-b[0], -b[1], -b[2], -b[3]] : b;
  d = Math.abs(d);
  if (d > 0.9995) return normalize([a[0] + u * (bb[0] - a[0]), a[1] + u * (bb[1] - a[1]), a[2] + u * (bb[2] - a[2]), a[3] + u * (bb[3] - a[3])]);
  const th = Math.acos(d);
  const s = Math.sin(th);
  const wa = Math.sin((1 - u) * th) / s;
  const wb = Math.sin(u * th) / s;
  return [wa * a[0] + wb * bb[0], wa * a[1] + wb * bb[1], wa * a[2] + wb * bb[2], wa * a[3] + wb * bb[3]];
}

/** Ground truth slerped at each estimate time (null outside its span). */
export function interpolateTruth(gt: TimedQuats, tNs: ArrayLike<number>): (Quat | null)[] {
  const out: (Quat | null)[] = [];
  let j = 0;
  const n = gt.tNs.length;
  for (let i = 0; i < tNs.length; i += 1) {
    const t = tNs[i] as number;
    while (j + 1 < n && (gt.tNs[j + 1] as number) < t) j += 1;
    const t0 = gt.tNs[j] as number;
    const t1 = gt.tNs[Math.min(j + 1, n - 1)] as number;
    if (n === 0 || t < (gt.tNs[0] as number) || t > (gt.tNs[n - 1] as number)) {
      out.push(null);
    } else {
      out.push(t1 > t0 ? slerp(quatAt(gt.q, j), quatAt(gt.q, Math.min(j + 1, n - 1)), (t - t0) / (t1 - t0)) : quatAt(gt.q, j));
    }
  }
  return out;
}

function yawOf(q: Quat): number {
  return Math.atan2(2 * (q[0] * q[3] + q[1] * q[2]), 1 - 2 * (q[2] * q[2] + q[3] * q[3]));
}

/** Errors of `estimate` against `truth`; `null` when no estimate falls inside the ground-truth span. */
/**
 * Circular mean of the heading (rotation about world z) of `truth ⊗ estimate*` over the estimate's first `alignS`
 * seconds inside the truth's span, rad; 0 when none overlap. `truth` is {@link interpolateTruth} at `estimate.tNs`.
 */
export function headingOffsetRad(estimate: TimedQuats, truth: readonly (Quat | null)[], alignS: number): number {
  const first = truth.findIndex((q) => q !== null);
  if (first < 0) return 0;
  const t0 = estimate.tNs[first] as number;
  let sx = 0;
  let sy = 0;
  for (let i = first; i < truth.length && (estimate.tNs[i] as number) - t0 <= alignS * 1e9; i += 1) {
    const g = truth[i];
    if (g === null || g === undefined) continue;
    const yaw = yawOf(multiply(g, conjugate(quatAt(estimate.q, i))));
    sx += Math.cos(yaw);
    sy += Math.sin(yaw);
  }
  return Math.atan2(sy, sx);
}

/** Errors of `estimate` against `truth`; `null` when no estimate falls inside the ground-truth span. */
export function orientationError(estimate: TimedQuats, truth: TimedQuats, alignS = 1): OrientationErrorStats | null {
  const gt = interpolateTruth(truth, estimate.tNs);
  const first = gt.findIndex((q) => q !== null);
  if (first < 0) return null;
  const offset = headingOffsetRad(estimate, gt, alignS);
  const align = fromYaw(offset);
  let sum = 0;
  let sumTilt = 0;
  let max = 0;
  let maxTilt = 0;
  let count = 0;
  for (let i = first; i < gt.length; i += 1) {
    const g = gt[i];
    if (g === null || g === undefined) continue;
    const est = multiply(align, quatAt(estimate.q, i));
    const err = angleRad(multiply(conjugate(g), est)) * DEG;
    const upEst = rotate(conjugate(est), [0, 0, 1]);
    const upGt = rotate(conjugate(g), [0, 0, 1]);
    const dot = Math.max(-1, Math.min(1, upEst[0] * upGt[0] + upEst[1] * upGt[1] + upEst[2] * upGt[2]));
    const tilt = Math.acos(dot) * DEG;
    sum += err * err;
    sumTilt += tilt * tilt;
    max = Math.max(max, err);
    maxTilt = Math.max(maxTilt, tilt);
    count += 1;
  }
  return {
    count,
    rmsDeg: Math.sqrt(sum / count),
    maxDeg: max,
    tiltRmsDeg: Math.sqrt(sumTilt / count),
    tiltMaxDeg: maxTilt,
    headingOffsetDeg: offset * DEG,
  };
}
