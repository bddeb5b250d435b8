/**
 * SO(3) on unit quaternions for pose prediction: the exponential and logarithm maps and body-frame
 * integration of an angular velocity. Hamilton `[w, x, y, z]`, `q_A_B` maps frame-B vectors into frame A
 * (`ARCHITECTURE.md#conventions`). Source: J. Solà, "Quaternion kinematics for the error-state Kalman
 * filter" (2017), §4.4 (exp/log of unit quaternions, eqs. 101 and 105) and §4.6 (`q(t+Δ) = q ⊗ Exp(ω Δ)`
 * for a body-frame rate).
 */
import { multiply, normalize, type Quat, type Vec3 } from '../../../math/quat.js';

/**
 * `Exp(φ)`: the unit quaternion of the rotation vector `φ` (axis × angle, rad). Uses the Taylor series below
 * 1e-8 rad so a zero rate gives the identity exactly.
 */
export function expSo3(phi: Vec3): Quat {
  const angle = Math.hypot(phi[0], phi[1], phi[2]);
  const half = 0.5 * angle;
  // sin(θ/2)/θ, with its series 1/2 − θ²/48 near 0.
  const k = angle < 1e-8 ? 0.5 - (angle * angle) / 48 : Math.sin(half) / angle;
  return [Math.cos(half), k * phi[0], k * phi[1], k * phi[2]];
}

/** `Log(q)`: the rotation vector (rad, in [0, π] about its axis) of a unit quaternion; the shorter way round. */
export function logSo3(q: Quat): Vec3 {
  const s = q[0] < 0 ? -1 : 1; // q and −q are the same rotation: take w ≥ 0
  const w = s * q[0];
  const v: Vec3 = [s * q[1], s * q[2], s * q[3]];
  const n = Math.hypot(v[0], v[1], v[2]);
  if (n < 1e-12) return [2 * v[0], 2 * v[1], 2 * v[2]];
  const k = (2 * Math.atan2(n, w)) / n;
  return [k * v[0], k * v[1], k * v[2]];
}

/** `q ⊗ Exp(φ)`: apply a body-frame rotation vector `φ` (rad) to `q_world_body`, renormalised. */
export function boxPlus(q_world_body: Quat, phiBody: Vec3): Quat {
  return normalize(multiply(q_world_body, expSo3(phiBody)));
}

/** Angle of the relative rotation `a⁻¹ ⊗ b`, rad in [0, π]: the geodesic distance on SO(3). */
export function angularDistanceRad(a: Quat, b: Quat): number {
  // |⟨a, b⟩| = cos(θ/2) for unit quaternions; atan2 form keeps precision at small angles.
  const dw = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  const sign = dw < 0 ? -1 : 1;
  const ex = sign * (a[0] * b[1] - a[1] * b[0] - a[2] * b[3] + a[3] * b[2]);
  const ey = sign * (a[0] * b[2] + a[1] * b[3] - a[2] * b[0] - a[3] * b[1]);
  const ez = sign * (a[0] * b[3] - a[1] * b[2] + a[2] * b[1] - a[3] * b[0]);
  return 2 * Math.atan2(Math.hypot(ex, ey, ez), Math.abs(dw));
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
