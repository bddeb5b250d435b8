/**
 * Triangulation of a scene point from two or more calibrated views: the camera poses `T_world_camera` and
 * the point's undistorted normalised image coordinates `(x, y)` (the ray `(x, y, 1)` in each camera frame,
 * e.g. from `undistortPointsSync` of KLT-tracked pixels).
 *
 * - {@link triangulateMidpoint}: the point nearest all rays in the least-squares sense,
 *   `Σ (I − dᵢdᵢᵀ)(X − cᵢ) = 0` (the N-view midpoint method; R. Hartley, P. Sturm, "Triangulation",
 *   CVIU 68(2), 1997, §5.3);
 * - {@link triangulateDlt}: the homogeneous linear method, `x·P₃ − P₁ = 0`, `y·P₃ − P₂ = 0` per view,
 *   solved for the unit `X` minimising `‖A X‖` (Hartley & Zisserman, "Multiple View Geometry", 2nd ed.,
 *   §12.2), here as the smallest eigenvector of `AᵀA` (Jacobi eigenvalue iteration).
 *
 * - {@link refineTriangulation}: Gauss–Newton on the sum of squared reprojection errors in normalised
 *   coordinates from a linear estimate (the "gold standard" cost of Hartley & Zisserman §12.1, with the
 *   point as the only unknown; the linear methods minimise an algebraic or 3-D distance instead, which
 *   weights views unequally).
 *
 * All report the parallax (largest angle between two rays: below ~1° depth is poorly observed),
 * whether the point lies in front of every camera, and the RMS reprojection residual in normalised units
 * (× focal length ≈ pixels).
 *
 * Errors: fewer than two views, non-finite input, or rays so parallel that the system is singular →
 * `Error` naming the cause.
 */
import type { Vec3 } from '../../../math/quat.js';
import { inverse, transformPoint, type Transform } from './geometry.js';
import { rotate } from '../../../math/quat.js';

export interface RayObservation {
  /** Pose of the camera in the world, `T_world_camera`. */
  readonly T_world_camera: Transform;
  /** Undistorted normalised image coordinates (the ray `(x, y, 1)` in the camera frame). */
  readonly xy: readonly [number, number];
}

export interface Triangulation {
  /** The point in the world frame, m. */
  readonly p_world_m: Vec3;
  /** Largest angle between two of the rays, rad. */
  readonly parallaxRad: number;
  /** Positive depth in every view. */
  readonly inFrontOfAll: boolean;
  /** RMS of the reprojection residual, normalised image units. */
  readonly residualRms: number;
}

function check(views: readonly RayObservation[]): void {
  if (views.length < 2) throw new Error(`triangulation needs at least 2 views, got ${views.length}`);
  views.forEach((v, i) => {
    if (![...v.xy, ...v.T_world_camera.p, ...v.T_world_camera.q].every(Number.isFinite)) {
      throw new Error(`triangulation: view ${i} has a non-finite pose or image coordinate`);
    }
  });
}

function unit(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Solves the 3×3 system `M x = b` (row-major) by Cramer's rule; `undefined` when |det| ≤ eps·‖M‖³. */
function solve3(m: readonly number[], b: Vec3): Vec3 | undefined {
  const [a, bb, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * i - f * h) - bb * (d * i - f * g) + c * (d * h - e * g);
  const scale = Math.max(...m.map(Math.abs));
  if (!(Math.abs(det) > 1e-12 * scale * scale * scale)) return undefined;
  const x = (b[0] * (e * i - f * h) - bb * (b[1] * i - f * b[2]) + c * (b[1] * h - e * b[2])) / det;
  const y = (a * (b[1] * i - f * b[2]) - b[0] * (d * i - f * g) + c * (d * b[2] - b[1] * g)) / det;
  const z = (a * (e * b[2] - b[1] * h) - bb * (d * b[2] - b[1] * g) + b[0] * (d * h - e * g)) / det;
  return [x, y, z];
}

function summarise(views: readonly RayObservation[], X: Vec3): Triangulation {
  const dirs = views.map((v) => unit(rotate(v.T_world_camera.q, [v.xy[0], v.xy[1], 1])));
  let parallax = 0;
  for (let i = 0; i < dirs.length; i += 1) {
    for (let j = i + 1; j < dirs.length; j += 1) {
      const a = dirs[i] as Vec3;
      const b = dirs[j] as Vec3;
      const c = Math.hypot(a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]);
      parallax = Math.max(parallax, Math.atan2(c, a[0] * b[0] + a[1] * b[1] + a[2] * b[2]));
    }
  }
  let inFront = true;
  let sq = 0;
  for (const v of views) {
    const pc = transformPoint(inverse(v.T_world_camera), X);
    if (!(pc[2] > 0)) inFront = false;
    sq += (pc[0] / pc[2] - v.xy[0]) ** 2 + (pc[1] / pc[2] - v.xy[1]) ** 2;
  }
  return { p_world_m: X, parallaxRad: parallax, inFrontOfAll: inFront, residualRms: Math.sqrt(sq / views.length) };
}

/** N-view midpoint triangulation (see the module documentation). */
export function triangulateMidpoint(views: readonly RayObservation[]): Triangulation {
  check(views);
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const b = [0, 0, 0];
  for (const v of views) {
    const d = unit(rotate(v.T_world_camera.q, [v.xy[0], v.xy[1], 1]));
    const c = v.T_world_camera.p;
    for (let r = 0; r < 3; r += 1) {
      for (let k = 0; k < 3; k += 1) {
        const a = (r === k ? 1 : 0) - (d[r] as number) * (d[k] as number);
        m[3 * r + k] = (m[3 * r + k] as number) + a;
        b[r] = (b[r] as number) + a * (c[k] as number);
      }
    }
  }
  const X = solve3(m, b as unknown as Vec3);
  if (X === undefined) throw new Error('triangulation: the rays are parallel (no parallax between the views)');
  return summarise(views, X);
}

/** Eigenvector of the smallest eigenvalue of a symmetric 4×4 matrix (row-major), by cyclic Jacobi rotations. */
function smallestEigenvector4(input: readonly number[]): number[] {
  const a = [...input];
  const v = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep += 1) {
    let off = 0;
    for (let p = 0; p < 4; p += 1) for (let q = p + 1; q < 4; q += 1) off += (a[4 * p + q] as number) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < 4; p += 1) {
      for (let q = p + 1; q < 4; q += 1) {
        const apq = a[4 * p + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = ((a[4 * q + q] as number) - (a[4 * p + p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k += 1) {
          const akp = a[4 * k + p] as number;
          const akq = a[4 * k + q] as number;
          a[4 * k + p] = c * akp - s * akq;
          a[4 * k + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k += 1) {
          const apk = a[4 * p + k] as number;
          const aqk = a[4 * q + k] as number;
          a[4 * p + k] = c * apk - s * aqk;
          a[4 * q + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k += 1) {
          const vkp = v[4 * k + p] as number;
          const vkq = v[4 * k + q] as number;
          v[4 * k + p] = c * vkp - s * vkq;
          v[4 * k + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < 4; i += 1) if ((a[5 * i] as number) < (a[5 * best] as number)) best = i;
  return [v[best] as number, v[4 + best] as number, v[8 + best] as number, v[12 + best] as number];
}

/** Linear (DLT) triangulation (see the module documentation). World coordinates are centred on the mean camera position for conditioning. */
export function triangulateDlt(views: readonly RayObservation[]): Triangulation {
  check(views);
  const o = [0, 1, 2].map((k) => views.reduce((s, v) => s + (v.T_world_camera.p[k] as number), 0) / views.length) as unknown as Vec3;
  const ata = new Array<number>(16).fill(0);
  for (const v of views) {
    // P = [R_cw | t_cw] with the world origin moved to o: x_c = R_cw (X − o) + R_cw (o − c).
    const T_c_w = inverse(v.T_world_camera);
    const col = (e: Vec3): Vec3 => rotate(T_c_w.q, e);
    const r0 = col([1, 0, 0]);
    const r1 = col([0, 1, 0]);
    const r2 = col([0, 0, 1]);
    const t = transformPoint(T_c_w, o);
    const P = [0, 1, 2].map((row) => [r0[row] as number, r1[row] as number, r2[row] as number, t[row] as number]);
    const rows = ([0, 1] as const).map((k) => (P[2] as number[]).map((p3, j) => v.xy[k] * p3 - ((P[k] as number[])[j] as number)));
    for (const r of rows) for (let i = 0; i < 4; i += 1) for (let j = 0; j < 4; j += 1) ata[4 * i + j] = (ata[4 * i + j] as number) + (r[i] as number) * (r[j] as number);
  }
  const h = smallestEigenvector4(ata);
  const w = h[3] as number;
  if (!(Math.abs(w) > 1e-12)) throw new Error('triangulation: the point is at infinity (no parallax between the views)');
  return summarise(views, [(h[0] as number) / w + o[0], (h[1] as number) / w + o[1], (h[2] as number) / w + o[2]]);
}

/**
 * Gauss–Newton refinement of `X0` minimising `Σ ‖π(T_camera_world X) − xy‖²` (π: `(X/Z, Y/Z)`), at most
 * `iterations` steps, stopping when a step is below 1e-9 m; keeps `X0` if a step fails (singular normal
 * equations or a point behind a camera).
 */
export function refineTriangulation(views: readonly RayObservation[], X0: Vec3, iterations = 10): Triangulation {
  check(views);
  const T_c_w = views.map((v) => inverse(v.T_world_camera));
  let X = X0;
  for (let it = 0; it < iterations; it += 1) {
    const H = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    const g = [0, 0, 0];
    let ok = true;
    views.forEach((v, i) => {
      const T = T_c_w[i] as Transform;
      const pc = transformPoint(T, X);
      if (!(pc[2] > 1e-6)) {
        ok = false;
        return;
      }
      const iz = 1 / pc[2];
      const r = [pc[0] * iz - v.xy[0], pc[1] * iz - v.xy[1]];
      // d(x, y)/d p_c, then × R_c_w (d p_c / d X): rows of R_c_w are the rotated world axes' components.
      const dpdc = [
        [iz, 0, -pc[0] * iz * iz],
        [0, iz, -pc[1] * iz * iz],
      ];
      const cols = [rotate(T.q, [1, 0, 0]), rotate(T.q, [0, 1, 0]), rotate(T.q, [0, 0, 1])];
      const J = dpdc.map((row) => cols.map((c) => row[0]! * c[0] + row[1]! * c[1] + row[2]! * c[2]));
      for (let a = 0; a < 3; a += 1) {
        for (let b = 0; b < 3; b += 1) H[3 * a + b] = H[3 * a + b]! + J[0]![a]! * J[0]![b]! + J[1]![a]! * J[1]![b]!;
        g[a] = g[a]! + J[0]![a]! * r[0]! + J[1]![a]! * r[1]!;
      }
    });
    if (!ok) break;
    const step = solve3(H, [-g[0]!, -g[1]!, -g[2]!]);
    if (step === undefined) break;
    X = [X[0] + step[0], X[1] + step[1], X[2] + step[2]];
    if (Math.hypot(...step) < 1e-9) break;
  }
  return summarise(views, X);
}
