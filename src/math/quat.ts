/**
 * Unit-quaternion helpers, Hamilton convention `[w, x, y, z]`; `q_A_B` rotates vectors from frame B to
 * frame A (so `q_A_C = q_A_B ⊗ q_B_C`). Source: J. Solà, "Quaternion kinematics for the error-state
 * Kalman filter" (2017), §2–3. The hot-path versions live in the native core; these serve the HUD and
 * evaluation.
 */
export type Quat = readonly [number, number, number, number];
export type Vec3 = readonly [number, number, number];

export const IDENTITY: Quat = [1, 0, 0, 0];

export function multiply(a: Quat, b: Quat): Quat {
  const [aw, ax, ay, az] = a;
  const [bw, bx, by, bz] = b;
  return [
    aw * bw - ax * bx - ay * by - az * bz,
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
  ];
}

export function conjugate(q: Quat): Quat {
  return [q[0], -q[1], -q[2], -q[3]];
}

export function normalize(q: Quat): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  return n > 0 ? [q[0] / n, q[1] / n, q[2] / n, q[3] / n] : IDENTITY;
}

/** `q ⊗ [0, v] ⊗ q*`: vector `v` in frame B expressed in frame A, for `q = q_A_B`. */
export function rotate(q: Quat, v: Vec3): Vec3 {
  const [w, x, y, z] = q;
  // v + 2w(u × v) + 2u × (u × v), u = (x, y, z)
  const cx = y * v[2] - z * v[1];
  const cy = z * v[0] - x * v[2];
  const cz = x * v[1] - y * v[0];
  return [
    v[0] + 2 * (w * cx + y * cz - z * cy),
    v[1] + 2 * (w * cy + z * cx - x * cz),
    v[2] + 2 * (w * cz + x * cy - y * cx),
  ];
}

/** Rotation angle of `q`, radians in [0, π]. */
export function angleRad(q: Quat): number {
  const v = Math.hypot(q[1], q[2], q[3]);
  return 2 * Math.atan2(v, Math.abs(q[0]));
}

/** Quaternion about world z by `yawRad`. */
export function fromYaw(yawRad: number): Quat {
  return [Math.cos(yawRad / 2), 0, 0, Math.sin(yawRad / 2)];
}

/** Quaternion of a row-major 3×3 rotation matrix (Shepperd's method, numerically safe for all angles). */
export function fromRotationMatrix(m: readonly number[]): Quat {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = m as [number, number, number, number, number, number, number, number, number];
  const trace = m00 + m11 + m22;
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2;
    return normalize([0.25 * s, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s]);
  }
  if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    return normalize([(m21 - m12) / s, 0.25 * s, (m01 + m10) / s, (m02 + m20) / s]);
  }
  if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    return normalize([(m02 - m20) / s, (m01 + m10) / s, 0.25 * s, (m12 + m21) / s]);
  }
  const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
  return normalize([(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, 0.25 * s]);
}

/** Rotation part of a row-major 4×4 transform `T_A_B` as `q_A_B`. */
export function fromTransform4x4(t: readonly number[]): Quat {
  return fromRotationMatrix([t[0], t[1], t[2], t[4], t[5], t[6], t[8], t[9], t[10]] as number[]);
}

/**
 * Heading, elevation and roll of a view frame (camera convention: x right, y down, z forward) in a
 * z-up world frame, degrees. Pitch > 0 looking up; roll > 0 when the right side goes down; yaw is the
 * heading of the forward axis, counter-clockwise from world x.
 */
export function viewAttitudeDeg(q_world_view: Quat): { rollDeg: number; pitchDeg: number; yawDeg: number } {
  const forward = rotate(q_world_view, [0, 0, 1]);
  const right = rotate(q_world_view, [1, 0, 0]);
  const down = rotate(q_world_view, [0, 1, 0]);
  const deg = 180 / Math.PI;
  return {
    pitchDeg: Math.asin(Math.max(-1, Math.min(1, forward[2]))) * deg,
    rollDeg: Math.atan2(-right[2], -down[2]) * deg,
    yawDeg: Math.atan2(forward[1], forward[0]) * deg,
  };
}

/**
 * `q_body_view` for a body frame drawn x forward, y left, z up (ROS REP 103), used when a session has no
 * camera calibration: view z = body x, view x = −body y, view y = −body z.
 */
export const Q_BODY_VIEW_FLU: Quat = fromRotationMatrix([0, 0, 1, -1, 0, 0, 0, -1, 0]);
