/**
 * Rigid transforms `T_A_B` (maps points from frame B to frame A: `x_A = R_A_B x_B + p_A_B`) as a unit
 * quaternion and a translation in metres, and the pinhole + radial-tangential projection of the tracking
 * camera. Conventions: `ARCHITECTURE.md#conventions` (Hamilton `[w, x, y, z]`; camera x right, y down,
 * z forward). Sources: J. Solà 2017 §2 (quaternion rotation); OpenCV `cv::projectPoints` for the
 * radial-tangential ("plumb bob") model without k3, as Kalibr / EuRoC `sensor.yaml` give it
 * (Brown–Conrady: D. C. Brown, "Decentering distortion of lenses", 1966).
 */
import { conjugate, fromTransform4x4, multiply, normalize, rotate, type Quat, type Vec3 } from '../../../math/quat.js';

export interface Transform {
  /** Rotation `q_A_B`. */
  readonly q: Quat;
  /** Origin of B in A, m. */
  readonly p: Vec3;
}

/** `T_A_C = T_A_B · T_B_C`. */
export function compose(a_b: Transform, b_c: Transform): Transform {
  const r = rotate(a_b.q, b_c.p);
  return { q: normalize(multiply(a_b.q, b_c.q)), p: [r[0] + a_b.p[0], r[1] + a_b.p[1], r[2] + a_b.p[2]] };
}

/** `T_B_A` of `T_A_B`. */
export function inverse(a_b: Transform): Transform {
  const qi = conjugate(a_b.q);
  const r = rotate(qi, a_b.p);
  return { q: qi, p: [-r[0], -r[1], -r[2]] };
}

/** `x_A = T_A_B · x_B`. */
export function transformPoint(a_b: Transform, x_b: Vec3): Vec3 {
  const r = rotate(a_b.q, x_b);
  return [r[0] + a_b.p[0], r[1] + a_b.p[1], r[2] + a_b.p[2]];
}

/** A row-major 4×4 homogeneous transform (e.g. `sensor.yaml` `T_BS`) as a {@link Transform}. */
export function fromMatrix4x4(m: readonly number[], name = 'transform'): Transform {
  if (m.length !== 16 || !m.every(Number.isFinite)) throw new Error(`"${name}" must be 16 finite numbers (row-major 4×4), got ${m.length}`);
  return { q: fromTransform4x4(m), p: [m[3] as number, m[7] as number, m[11] as number] };
}

/** The tracking camera's calibration: a HAL `CameraCalibration` (and native `CameraModel`) is one. */
export interface PinholeCamera {
  /** `[fx, fy, cx, cy]`, px. */
  readonly intrinsics: readonly [number, number, number, number];
  readonly distortionModel: 'radial-tangential' | 'radtan' | 'equidistant' | 'none';
  /** radial-tangential: `[k1, k2, p1, p2]`. */
  readonly distortion: readonly number[];
}

/** Points nearer than this in front of the camera are not projected, m. */
export const MIN_DEPTH_M = 0.05;

/**
 * Pixel of a point in the camera frame (m): `x = X/Z, y = Y/Z`, radial-tangential distortion
 * (`k1, k2, p1, p2`), then `u = fx·x_d + cx`, `v = fy·y_d + cy` (origin at the centre of the top-left pixel,
 * as OpenCV). `undefined` when the point is less than {@link MIN_DEPTH_M} in front of the camera.
 * `equidistant` is not supported here (throws: the session's camera is radial-tangential).
 */
export function projectPoint(camera: PinholeCamera, p_cam: Vec3): readonly [number, number] | undefined {
  const [X, Y, Z] = p_cam;
  if (!(Z > MIN_DEPTH_M)) return undefined;
  const x = X / Z;
  const y = Y / Z;
  const [fx, fy, cx, cy] = camera.intrinsics;
  if (camera.distortionModel === 'none') return [fx * x + cx, fy * y + cy];
  if (camera.distortionModel === 'equidistant') throw new Error('projectPoint: distortion model "equidistant" is not supported (radial-tangential or none)');
  const [k1 = 0, k2 = 0, p1 = 0, p2 = 0] = camera.distortion;
  const r2 = x * x + y * y;
  const radial = 1 + k1 * r2 + k2 * r2 * r2;
  const xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
  const yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
  return [fx * xd + cx, fy * yd + cy];
}
