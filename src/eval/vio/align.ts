/**
 * Trajectory alignment for VIO evaluation (Zhang & Scaramuzza, "A Tutorial on Quantitative Trajectory
 * Evaluation for Visual(-Inertial) Odometry", IROS 2018, §IV): the rigid SE(3) alignment minimising the
 * squared position error in closed form (Horn, "Closed-form solution of absolute orientation using unit
 * quaternions", JOSA A 1987 — the same optimum as Umeyama 1991 without scale; with `withScale`, Umeyama's
 * scale, Sim(3)), and the 4-DoF position+yaw alignment that is the right one for VIO, whose roll and pitch
 * are observable (the tutorial's `posyaw`). Positions are `n × 3` interleaved, metres.
 */

/** `p_gt ≈ s · R · p_est + t`: row-major 3×3 `R`, translation m, scale. */
export interface Alignment {
  readonly R: readonly number[];
  readonly t: readonly [number, number, number];
  readonly scale: number;
}

function centroid(p: Float64Array): number[] {
  const n = p.length / 3;
  const c = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c[k] = (c[k] ?? 0) + (p[3 * i + k] ?? 0) / n;
  return c;
}

function checkPair(est: Float64Array, gt: Float64Array): void {
  if (est.length !== gt.length || est.length % 3 !== 0 || est.length < 9) {
    throw new Error(`alignment: "est" and "gt" must hold the same number (≥ 3) of xyz positions, got ${est.length} and ${gt.length} numbers`);
  }
}

/** Largest-eigenvalue eigenvector of a symmetric 4×4 matrix (cyclic Jacobi). */
function principalEigenvector(m: number[][]): number[] {
  const a = m.map((r) => [...r]);
  const v = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)));
  const at = (i: number, j: number): number => a[i]?.[j] ?? 0;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < 4; p++) for (let q = p + 1; q < 4; q++) off += at(p, q) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < 4; p++) {
      for (let q = p + 1; q < 4; q++) {
        if (Math.abs(at(p, q)) < 1e-300) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * at(p, q));
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = at(k, p);
          const akq = at(k, q);
          (a[k] as number[])[p] = c * akp - s * akq;
          (a[k] as number[])[q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          (a[p] as number[])[k] = c * apk - s * aqk;
          (a[q] as number[])[k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[k]?.[p] ?? 0;
          const vkq = v[k]?.[q] ?? 0;
          (v[k] as number[])[p] = c * vkp - s * vkq;
          (v[k] as number[])[q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < 4; i++) if (at(i, i) > at(best, best)) best = i;
  return [0, 1, 2, 3].map((k) => v[k]?.[best] ?? 0);
}

/** Row-major rotation matrix of a quaternion `[w, x, y, z]` (normalised first). */
export function quatToMatrix(q: readonly number[]): number[] {
  const n = Math.hypot(...q) || 1;
  const [w = 1, x = 0, y = 0, z = 0] = q.map((v) => v / n);
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

/** SE(3) (or Sim(3) with `withScale`) alignment of `est` onto `gt` (Horn 1987; scale: Umeyama 1991 eq 42). */
export function alignSE3(est: Float64Array, gt: Float64Array, withScale = false): Alignment {
  checkPair(est, gt);
  const n = est.length / 3;
  const ce = centroid(est);
  const cg = centroid(gt);
  const S = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  let varE = 0;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const ea = (est[3 * i + a] ?? 0) - (ce[a] ?? 0);
      varE += ea * ea;
      for (let b = 0; b < 3; b++) S[3 * a + b] = (S[3 * a + b] ?? 0) + ea * ((gt[3 * i + b] ?? 0) - (cg[b] ?? 0));
    }
  }
  const s = (a: number, b: number): number => S[3 * a + b] ?? 0;
  const [xx, xy, xz, yx, yy, yz, zx, zy, zz] = [s(0, 0), s(0, 1), s(0, 2), s(1, 0), s(1, 1), s(1, 2), s(2, 0), s(2, 1), s(2, 2)];
  const N = [
    [xx + yy + zz, yz - zy, zx - xz, xy - yx],
    [yz - zy, xx - yy - zz, xy + yx, zx + xz],
    [zx - xz, xy + yx, -xx + yy - zz, yz + zy],
    [xy - yx, zx + xz, yz + zy, -xx - yy + zz],
  ];
  const R = quatToMatrix(principalEigenvector(N));
  let scale = 1;
  if (withScale) {
    let num = 0;
    for (let i = 0; i < n; i++) {
      const e = [0, 1, 2].map((k) => (est[3 * i + k] ?? 0) - (ce[k] ?? 0));
      const g = [0, 1, 2].map((k) => (gt[3 * i + k] ?? 0) - (cg[k] ?? 0));
      for (let a = 0; a < 3; a++) num += (g[a] ?? 0) * ((R[3 * a] ?? 0) * (e[0] ?? 0) + (R[3 * a + 1] ?? 0) * (e[1] ?? 0) + (R[3 * a + 2] ?? 0) * (e[2] ?? 0));
    }
    scale = num / varE;
  }
  return { R, t: translation(R, scale, ce, cg), scale };
}

/** 4-DoF alignment: rotation about world z (yaw) and translation, no scale (Zhang & Scaramuzza 2018, posyaw). */
export function alignPosYaw(est: Float64Array, gt: Float64Array): Alignment {
  checkPair(est, gt);
  const n = est.length / 3;
  const ce = centroid(est);
  const cg = centroid(gt);
  let sin = 0;
  let cos = 0;
  for (let i = 0; i < n; i++) {
    const ex = (est[3 * i] ?? 0) - (ce[0] ?? 0);
    const ey = (est[3 * i + 1] ?? 0) - (ce[1] ?? 0);
    const gx = (gt[3 * i] ?? 0) - (cg[0] ?? 0);
    const gy = (gt[3 * i + 1] ?? 0) - (cg[1] ?? 0);
    cos += ex * gx + ey * gy;
    sin += ex * gy - ey * gx;
  }
  const yaw = Math.atan2(sin, cos);
  const R = [Math.cos(yaw), -Math.sin(yaw), 0, Math.sin(yaw), Math.cos(yaw), 0, 0, 0, 1];
  return { R, t: translation(R, 1, ce, cg), scale: 1 };
}

function translation(R: readonly number[], s: number, ce: readonly number[], cg: readonly number[]): [number, number, number] {
  const r = (a: number): number => s * ((R[3 * a] ?? 0) * (ce[0] ?? 0) + (R[3 * a + 1] ?? 0) * (ce[1] ?? 0) + (R[3 * a + 2] ?? 0) * (ce[2] ?? 0));
  return [(cg[0] ?? 0) - r(0), (cg[1] ?? 0) - r(1), (cg[2] ?? 0) - r(2)];
}

/** Applies `a` to positions (`s · R · p + t`). */
export function applyAlignment(a: Alignment, p: Float64Array): Float64Array {
  const out = new Float64Array(p.length);
  const R = a.R;
  for (let i = 0; i < p.length / 3; i++) {
    const [x = 0, y = 0, z = 0] = [p[3 * i], p[3 * i + 1], p[3 * i + 2]];
    for (let k = 0; k < 3; k++) out[3 * i + k] = a.scale * ((R[3 * k] ?? 0) * x + (R[3 * k + 1] ?? 0) * y + (R[3 * k + 2] ?? 0) * z) + (a.t[k] ?? 0);
  }
  return out;
}

/** RMS of the position differences, m. */
export function rmsPositionError(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  const n = a.length / 3;
  for (let i = 0; i < a.length; i++) sum += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return Math.sqrt(sum / n);
}
