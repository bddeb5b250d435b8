//! Unit quaternions as `[w, x, y, z]` arrays (Hamilton product, the project's convention).
//!
//! `q = q_world_body` rotates body vectors into the world frame: `v_world = q ⊗ [0, v] ⊗ q*`,
//! and its matrix is `R_world_body` (J. Solà, "Quaternion kinematics for the error-state Kalman
//! filter", 2017, §2–3: Hamilton convention, eq 115 for the matrix). Composition follows the
//! frames: `q_a_c = q_a_b ⊗ q_b_c`.

use super::so3::{Mat3, Vec3, SMALL_ANGLE_RAD};

/// Hamilton quaternion `[w, x, y, z]`.
pub type Quat = [f64; 4];

/// The identity rotation.
pub const QUAT_IDENTITY: Quat = [1.0, 0.0, 0.0, 0.0];

/// Hamilton product `a ⊗ b`.
pub fn quat_mul(a: &Quat, b: &Quat) -> Quat {
    [
        a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
        a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
        a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
        a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0],
    ]
}

/// Conjugate `q*`, the inverse of a unit quaternion (`q_body_world` from `q_world_body`).
pub fn quat_conj(q: &Quat) -> Quat {
    [q[0], -q[1], -q[2], -q[3]]
}

/// `q / ‖q‖`.
pub fn quat_normalize(q: &Quat) -> Quat {
    let n = (q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]).sqrt();
    q.map(|c| c / n)
}

/// `q ⊗ [0, v] ⊗ q*` for a unit `q`: the action of the rotation on a vector (`R v`).
pub fn quat_rotate(q: &Quat, v: &Vec3) -> Vec3 {
    // v + 2w (u × v) + 2 u × (u × v), u the vector part.
    let u = Vec3::new(q[1], q[2], q[3]);
    let t = u.cross(v) * 2.0;
    v + t * q[0] + u.cross(&t)
}

/// The rotation matrix of a unit quaternion (Solà eq 115).
pub fn quat_to_matrix(q: &Quat) -> Mat3 {
    let [w, x, y, z] = *q;
    Mat3::new(
        1.0 - 2.0 * (y * y + z * z),
        2.0 * (x * y - w * z),
        2.0 * (x * z + w * y),
        2.0 * (x * y + w * z),
        1.0 - 2.0 * (x * x + z * z),
        2.0 * (y * z - w * x),
        2.0 * (x * z - w * y),
        2.0 * (y * z + w * x),
        1.0 - 2.0 * (x * x + y * y),
    )
}

/// The unit quaternion (`w ≥ 0`) of a rotation matrix, by Shepperd's method (the largest of
/// `w, x, y, z` is taken from the diagonal, the others from off-diagonal sums), then normalized.
pub fn matrix_to_quat(r: &Mat3) -> Quat {
    let m = |i: usize, j: usize| r[(i, j)];
    let trace = m(0, 0) + m(1, 1) + m(2, 2);
    let q = if trace > 0.0 {
        let s = 2.0 * (trace + 1.0).sqrt();
        [
            0.25 * s,
            (m(2, 1) - m(1, 2)) / s,
            (m(0, 2) - m(2, 0)) / s,
            (m(1, 0) - m(0, 1)) / s,
        ]
    } else if m(0, 0) > m(1, 1) && m(0, 0) > m(2, 2) {
        let s = 2.0 * (1.0 + m(0, 0) - m(1, 1) - m(2, 2)).sqrt();
        [
            (m(2, 1) - m(1, 2)) / s,
            0.25 * s,
            (m(0, 1) + m(1, 0)) / s,
            (m(0, 2) + m(2, 0)) / s,
        ]
    } else if m(1, 1) > m(2, 2) {
        let s = 2.0 * (1.0 + m(1, 1) - m(0, 0) - m(2, 2)).sqrt();
        [
            (m(0, 2) - m(2, 0)) / s,
            (m(0, 1) + m(1, 0)) / s,
            0.25 * s,
            (m(1, 2) + m(2, 1)) / s,
        ]
    } else {
        let s = 2.0 * (1.0 + m(2, 2) - m(0, 0) - m(1, 1)).sqrt();
        [
            (m(1, 0) - m(0, 1)) / s,
            (m(0, 2) + m(2, 0)) / s,
            (m(1, 2) + m(2, 1)) / s,
            0.25 * s,
        ]
    };
    let q = quat_normalize(&q);
    if q[0] < 0.0 {
        q.map(|c| -c)
    } else {
        q
    }
}

/// `Exp(φ)` as a quaternion: `[cos(θ/2), sin(θ/2) φ/θ]` (Solà eq 101).
pub fn quat_exp(phi: &Vec3) -> Quat {
    let theta = phi.norm();
    let (c, s) = if theta < SMALL_ANGLE_RAD {
        let t2 = theta * theta;
        (
            1.0 - t2 / 8.0 * (1.0 - t2 / 48.0),
            0.5 - t2 / 48.0 * (1.0 - t2 / 80.0),
        )
    } else {
        let h = 0.5 * theta;
        (h.cos(), h.sin() / theta)
    };
    [c, s * phi.x, s * phi.y, s * phi.z]
}

/// `Log(q)`: the rotation vector `2 atan2(‖v‖, w) v/‖v‖` of a unit quaternion, taken with `w ≥ 0`
/// so that the angle is in `[0, π]` (Solà eq 105).
pub fn quat_log(q: &Quat) -> Vec3 {
    let (w, v) = if q[0] < 0.0 {
        (-q[0], Vec3::new(-q[1], -q[2], -q[3]))
    } else {
        (q[0], Vec3::new(q[1], q[2], q[3]))
    };
    let n = v.norm();
    // 2 atan2(n, w) / n, with its series when n ≪ w (atan(x) = x − x³/3 + x⁵/5; at x < 1e-4 the
    // truncation is below 1e-24; above it the direct form has no cancellation).
    let k = if n < 1e-4 * w {
        let x2 = (n / w) * (n / w);
        2.0 / w * (1.0 - x2 / 3.0 + x2 * x2 / 5.0)
    } else {
        2.0 * n.atan2(w) / n
    };
    v * k
}

/// Rotation angle between two unit quaternions, rad in `[0, π]`.
pub fn quat_angle_between(a: &Quat, b: &Quat) -> f64 {
    quat_log(&quat_mul(&quat_conj(a), b)).norm()
}
