//! SO(3): the hat/vee maps, the exponential and logarithm, and the right Jacobian.
//!
//! Conventions (J. Solà, J. Deray, D. Atchuthan, "A micro Lie theory for state estimation in
//! robotics", 2018, and C. Forster et al., "On-Manifold Preintegration", IEEE T-RO 2017, §III):
//! `Exp(φ) = I + sin θ/θ [φ]× + (1 − cos θ)/θ² [φ]×²` with `θ = ‖φ‖` (Rodrigues); `Log` is its
//! inverse with `θ ∈ [0, π]`; the right Jacobian satisfies `Exp(φ + δφ) ≈ Exp(φ) Exp(Jr(φ) δφ)`
//! and `Log(Exp(φ) Exp(δφ)) ≈ φ + Jr⁻¹(φ) δφ` (Forster eqs 7–9). Below `θ = 1e-2` every
//! coefficient is evaluated from its Taylor series to `θ⁴` (truncation < 1e-15 relative), so
//! nothing divides by a vanishing angle.

use super::quat::{matrix_to_quat, quat_log};
use nalgebra::{Matrix3, Vector3};

/// A 3-vector (rad for rotation vectors).
pub type Vec3 = Vector3<f64>;
/// A 3×3 matrix (rotation matrices are `R_world_body`: `v_world = R v_body`).
pub type Mat3 = Matrix3<f64>;

/// Angle below which the series expansions are used.
pub const SMALL_ANGLE_RAD: f64 = 1e-2;

/// `[v]×`, the skew-symmetric matrix with `[v]× w = v × w`.
pub fn hat(v: &Vec3) -> Mat3 {
    Mat3::new(0.0, -v.z, v.y, v.z, 0.0, -v.x, -v.y, v.x, 0.0)
}

/// The vector of a skew-symmetric matrix, the inverse of [`hat`]; of a general matrix, the vector
/// of its skew-symmetric part `½(M − Mᵀ)`.
pub fn vee(m: &Mat3) -> Vec3 {
    Vec3::new(
        0.5 * (m[(2, 1)] - m[(1, 2)]),
        0.5 * (m[(0, 2)] - m[(2, 0)]),
        0.5 * (m[(1, 0)] - m[(0, 1)]),
    )
}

/// `sin θ / θ` and `(1 − cos θ) / θ²`.
fn rodrigues_coefficients(theta: f64) -> (f64, f64) {
    if theta < SMALL_ANGLE_RAD {
        let t2 = theta * theta;
        (
            1.0 - t2 / 6.0 * (1.0 - t2 / 20.0),
            0.5 - t2 / 24.0 * (1.0 - t2 / 30.0),
        )
    } else {
        (theta.sin() / theta, (1.0 - theta.cos()) / (theta * theta))
    }
}

/// `Exp(φ)`: the rotation by `‖φ‖` rad about `φ / ‖φ‖` (Rodrigues' formula).
pub fn exp(phi: &Vec3) -> Mat3 {
    let (a, b) = rodrigues_coefficients(phi.norm());
    let k = hat(phi);
    Mat3::identity() + k * a + k * k * b
}

/// `Log(R)`: the rotation vector of a rotation matrix, angle in `[0, π]`. Computed through the
/// quaternion (Shepperd's method, then `2 atan2(‖v‖, w)`), which is accurate near 0 and near π.
/// `r` must be a rotation matrix (orthonormal, det +1).
pub fn log(r: &Mat3) -> Vec3 {
    let q = quat_log(&matrix_to_quat(r));
    Vec3::new(q[0], q[1], q[2])
}

/// `(θ − sin θ) / θ³`, given `sin θ / θ` as `a`.
fn jacobian_coefficient(theta: f64, a: f64) -> f64 {
    if theta < SMALL_ANGLE_RAD {
        let t2 = theta * theta;
        1.0 / 6.0 - t2 / 120.0 * (1.0 - t2 / 42.0)
    } else {
        (1.0 - a) / (theta * theta)
    }
}

/// Right Jacobian `Jr(φ) = I − (1 − cos θ)/θ² [φ]× + (θ − sin θ)/θ³ [φ]×²` (Forster eq 8).
pub fn right_jacobian(phi: &Vec3) -> Mat3 {
    exp_and_right_jacobian(phi).1
}

/// `(Exp(φ), Jr(φ))`, sharing the trigonometry (the preintegration step needs both).
pub fn exp_and_right_jacobian(phi: &Vec3) -> (Mat3, Mat3) {
    let theta = phi.norm();
    let (a, b) = rodrigues_coefficients(theta);
    let c = jacobian_coefficient(theta, a);
    let k = hat(phi);
    let k2 = k * k;
    (
        Mat3::identity() + k * a + k2 * b,
        Mat3::identity() - k * b + k2 * c,
    )
}

/// `Jr⁻¹(φ) = I + ½[φ]× + (1/θ² − (1 + cos θ)/(2θ sin θ)) [φ]×²` (Forster eq 9); valid for
/// `θ < 2π` (singular at 2π).
pub fn right_jacobian_inv(phi: &Vec3) -> Mat3 {
    let theta = phi.norm();
    let d = if theta < SMALL_ANGLE_RAD {
        let t2 = theta * theta;
        1.0 / 12.0 + t2 / 720.0 * (1.0 + t2 / 42.0)
    } else {
        1.0 / (theta * theta) - (1.0 + theta.cos()) / (2.0 * theta * theta.sin())
    };
    let k = hat(phi);
    Mat3::identity() + k * 0.5 + k * k * d
}

/// Left Jacobian `Jl(φ) = Jr(−φ)`: `Exp(φ + δφ) ≈ Exp(Jl(φ) δφ) Exp(φ)`; it is also the `V`
/// matrix of the SE(3) exponential.
pub fn left_jacobian(phi: &Vec3) -> Mat3 {
    right_jacobian(&-phi)
}

/// `Jl⁻¹(φ) = Jr⁻¹(−φ)`.
pub fn left_jacobian_inv(phi: &Vec3) -> Mat3 {
    right_jacobian_inv(&-phi)
}
