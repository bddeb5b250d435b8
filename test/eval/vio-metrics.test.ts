/**
 * ATE/RPE code checked on the real EuRoC MH_01 ground truth against known transforms of itself: a rigid
 * transform (rotation of 40° about a tilted axis, translation (3, −2, 1) m) gives ATE 0 after SE(3) alignment
 * and RPE 0; a yaw-only transform gives ATE 0 after 4-DoF alignment; a scaled copy (×1.2) gives ATE 0 after
 * Sim(3) with scale 1/1.2; a known position offset on one pose gives the expected RMS.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEurocGroundTruth } from '../../hal/mock/euroc-groundtruth.js';
import { alignPosYaw, alignSE3, quatToMatrix } from '../../src/eval/vio/align.js';
import { trajectoryErrors, type Trajectory } from '../../src/eval/vio/metrics.js';
import { HAS_SHARED_DATA, SHARED_DATA } from '../native/data.js';

const GT = join(SHARED_DATA, 'euroc_mh01_excerpt/mav0/state_groundtruth_estimate0');

function quatMul(a: readonly number[], b: readonly number[]): number[] {
  const [aw = 0, ax = 0, ay = 0, az = 0] = a;
  const [bw = 0, bx = 0, by = 0, bz = 0] = b;
  return [aw * bw - ax * bx - ay * by - az * bz, aw * bx + ax * bw + ay * bz - az * by, aw * by - ax * bz + ay * bw + az * bx, aw * bz + ax * by - ay * bx + az * bw];
}

/** `T · traj` for `T = (q, t)` and an optional scale on positions. */
function transform(tr: Trajectory, q: readonly number[], t: readonly number[], scale = 1): Trajectory {
  const R = quatToMatrix(q);
  const n = tr.tNs.length;
  const position = new Float64Array(3 * n);
  const quaternion = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const p = [0, 1, 2].map((k) => tr.position[3 * i + k] ?? 0);
    for (let r = 0; r < 3; r++) position[3 * i + r] = scale * ((R[3 * r] ?? 0) * (p[0] ?? 0) + (R[3 * r + 1] ?? 0) * (p[1] ?? 0) + (R[3 * r + 2] ?? 0) * (p[2] ?? 0)) + (t[r] ?? 0);
    quaternion.set(quatMul(q, Array.from(tr.quaternion.subarray(4 * i, 4 * i + 4))), 4 * i);
  }
  return { tNs: tr.tNs, position, quaternion };
}

const axisAngle = (axis: readonly number[], deg: number): number[] => {
  const n = Math.hypot(...axis);
  const h = (deg * Math.PI) / 360;
  return [Math.cos(h), ...axis.map((v) => (Math.sin(h) * v) / n)];
};

describe.skipIf(!HAS_SHARED_DATA)('VIO trajectory metrics on the EuRoC ground truth', () => {
  let gt: Trajectory;
  beforeAll(async () => {
    const raw = await loadEurocGroundTruth(GT);
    // The excerpt's 30 s at 20 Hz (every 10th row), clock shifted to the first row.
    const idx = Array.from({ length: 600 }, (_, i) => 900 + 10 * i);
    const t0 = raw.tNs[0] ?? 0n;
    gt = {
      tNs: Float64Array.from(idx, (i) => Number((raw.tNs[i] ?? 0n) - t0)),
      position: Float64Array.from(idx.flatMap((i) => Array.from(raw.position.subarray(3 * i, 3 * i + 3)))),
      quaternion: Float64Array.from(idx.flatMap((i) => Array.from(raw.q_world_body.subarray(4 * i, 4 * i + 4)))),
    };
  });

  it('gives ATE 0 and RPE 0 for a rigidly transformed copy (SE(3) alignment)', () => {
    const est = transform(gt, axisAngle([0.3, -0.5, 0.8], 40), [3, -2, 1]);
    const e = trajectoryErrors(est, gt);
    expect(e.poses).toBe(600);
    expect(e.ateSe3RmseM).toBeLessThan(1e-9);
    expect(e.ateSim3RmseM).toBeLessThan(1e-9);
    expect(e.sim3Scale).toBeCloseTo(1, 9);
    for (const r of e.rpe) {
      expect(r.transRmseM).toBeLessThan(1e-9);
      expect(r.rotRmseDeg).toBeLessThan(1e-5);
    }
    // A rotation with roll/pitch cannot be undone by yaw alone.
    expect(e.atePosYawRmseM).toBeGreaterThan(0.05);
    const a = alignSE3(est.position, gt.position);
    const inv = quatToMatrix(axisAngle([0.3, -0.5, 0.8], -40));
    a.R.forEach((v, k) => expect(v).toBeCloseTo(inv[k] ?? NaN, 9));
  });

  it('gives ATE 0 after 4-DoF alignment for a yaw-and-translation copy', () => {
    const est = transform(gt, axisAngle([0, 0, 1], -75), [0.5, 7, -3]);
    const e = trajectoryErrors(est, gt);
    expect(e.atePosYawRmseM).toBeLessThan(1e-9);
    expect(e.ateSe3RmseM).toBeLessThan(1e-9);
    expect(Math.atan2(alignPosYaw(est.position, gt.position).R[3] ?? 0, 1)).not.toBeNaN();
  });

  it('recovers the scale of a scaled copy with Sim(3) and reports the SE(3) error it leaves', () => {
    const est = transform(gt, axisAngle([1, 1, 0], 10), [1, 1, 1], 1.2);
    const e = trajectoryErrors(est, gt);
    expect(e.sim3Scale).toBeCloseTo(1 / 1.2, 9);
    expect(e.ateSim3RmseM).toBeLessThan(1e-9);
    expect(e.ateSe3RmseM).toBeGreaterThan(0.01);
  });

  it('reports the RMS of a known error: one pose of 600 off by 0.6 m gives ~0.6/√600 m after alignment', () => {
    const position = Float64Array.from(gt.position);
    position[3 * 300] = (position[3 * 300] ?? 0) + 0.6;
    const e = trajectoryErrors({ ...gt, position }, gt);
    // Alignment absorbs the mean offset (0.6/600 m): RMS = 0.6·√((1 − 1/600)/600).
    expect(e.ateSe3RmseM).toBeCloseTo(0.6 * Math.sqrt((1 - 1 / 600) / 600), 4);
  });

  it('drops estimates outside the ground-truth span and throws when fewer than 3 overlap', () => {
    const late: Trajectory = { ...gt, tNs: gt.tNs.map((t) => t + 1e12) };
    expect(() => trajectoryErrors(late, gt)).toThrow('trajectoryErrors: 0 estimates fall inside the ground truth');
  });
});
