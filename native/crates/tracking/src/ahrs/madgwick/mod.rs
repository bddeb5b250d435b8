//! One step of Madgwick's gradient-descent orientation filter.
//!
//! Source: S. O. H. Madgwick, "An efficient orientation filter for inertial and
//! inertial/magnetic sensor arrays", internal report, University of Bristol, 30 April 2010.
//! IMU algorithm: §3 with the gravity objective and Jacobian (eqs 25–26); MARG algorithm: the
//! combined objective (eqs 31–34) with the magnetic distortion compensation of §3.4 (eqs 45–46:
//! `h = q ⊗ m ⊗ q*`, `b = [0, √(hx² + hy²), 0, hz]`); the filter update is eqs 42–44:
//! `q̇ = ½ q ⊗ [0, ω] − β ∇f / ‖∇f‖`, integrated over `dt` and renormalized.
//!
//! Gyroscope bias drift compensation (§3.4, eqs 47–49) is applied when a [`Bias`] is given:
//! `ω_ε = 2 q̂* ⊗ ∇f/‖∇f‖` (the direction of the gyroscope error), `ω_b += ζ ω_ε dt`,
//! `ω_c = ω − ω_b`; the report applies it in the MARG algorithm, and it works unchanged in the IMU
//! algorithm for the bias components about horizontal axes (gravity does not observe the one about
//! the vertical). With ζ = 0 (Madgwick's own `MadgwickAHRS.c`) the bias is not estimated.
//!
//! Differences from the report, all deliberate:
//! - when ‖∇f‖ = 0 (measurement exactly explained) the feedback is skipped instead of dividing
//!   by zero.
//!
//! Unlike the widely copied `MadgwickAHRS.c` (2011) — and the `ahrs` npm package ported from it —
//! the MARG step uses the report's `2·bx`, `2·bz`: that code halves the reference field (its
//! `_2bx = √(hx² + hy²)`), see github.com/RideBeeline/madgwick-investigation.
//!
//! Quaternion convention: Hamilton, `[w, x, y, z]`, `q = q_world_body`: `v_world = q ⊗ v_body ⊗ q*`.
//! Madgwick's `q` is exactly this: his objective compares the sensor-frame measurement with
//! `q* ⊗ d_world ⊗ q`, so the predicted gravity direction in the body frame is the third row of
//! `R(q)`. The world frame is z up (gravity along −z, the accelerometer reads +z at rest) with x
//! toward magnetic north when a magnetometer is used (so y points west).

pub mod batch;

pub use crate::lie::quat::Quat;

/// What the gyroscope integration is corrected with (unit vectors in the body frame).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Feedback {
    /// Gyroscope only: no correction.
    None,
    /// IMU algorithm: unit accelerometer direction (up, in the body frame).
    Gravity([f64; 3]),
    /// MARG algorithm: unit accelerometer and magnetometer directions.
    GravityAndField([f64; 3], [f64; 3]),
}

/// Gyroscope bias estimate of the drift compensation: `rate_radps` (body frame, rad/s), gain
/// `zeta` (rad/s²; report eq 49: `√(3/4)·` the rate of bias drift).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bias {
    pub rate_radps: [f64; 3],
    pub zeta: f64,
}

/// Advances `q` by one sample: `gyro` in rad/s (body frame), `dt_s` in seconds, `beta` in rad/s;
/// updates `bias` and removes it from `gyro` when given.
pub fn step(
    q: &mut Quat,
    gyro: [f64; 3],
    feedback: Feedback,
    beta: f64,
    dt_s: f64,
    bias: Option<&mut Bias>,
) {
    let [q0, q1, q2, q3] = *q;
    let gradient = normalized_gradient(q, feedback);
    let [gx, gy, gz] = match bias {
        None => gyro,
        Some(b) => {
            if let Some(s) = gradient {
                // ω_ε = 2 q̂* ⊗ ŝ (eq 47), vector part; ω_b += ζ ω_ε Δt (eq 48).
                let err = [
                    2.0 * (q0 * s[1] - q1 * s[0] - q2 * s[3] + q3 * s[2]),
                    2.0 * (q0 * s[2] + q1 * s[3] - q2 * s[0] - q3 * s[1]),
                    2.0 * (q0 * s[3] - q1 * s[2] + q2 * s[1] - q3 * s[0]),
                ];
                for (r, e) in b.rate_radps.iter_mut().zip(err) {
                    *r += b.zeta * e * dt_s;
                }
            }
            // ω_c = ω − ω_b (eq 49).
            std::array::from_fn(|i| gyro[i] - b.rate_radps[i])
        }
    };
    // Rate of change from the gyroscope, q̇ = ½ q ⊗ [0, ω] (eq 11).
    let mut dq = [
        0.5 * (-q1 * gx - q2 * gy - q3 * gz),
        0.5 * (q0 * gx + q2 * gz - q3 * gy),
        0.5 * (q0 * gy - q1 * gz + q3 * gx),
        0.5 * (q0 * gz + q1 * gy - q2 * gx),
    ];
    if let Some(s) = gradient {
        for (d, si) in dq.iter_mut().zip(s) {
            *d -= beta * si;
        }
    }
    for (qi, d) in q.iter_mut().zip(dq) {
        *qi += d * dt_s;
    }
    let norm = dot4(q, q).sqrt();
    for qi in q.iter_mut() {
        *qi /= norm;
    }
}

/// `∇f / ‖∇f‖` for the feedback (eq 44), or `None` without feedback or when ‖∇f‖ = 0.
fn normalized_gradient(q: &Quat, feedback: Feedback) -> Option<Quat> {
    let gradient = match feedback {
        Feedback::None => None,
        Feedback::Gravity(a) => Some(gravity_gradient(q, a)),
        Feedback::GravityAndField(a, m) => {
            let g = gravity_gradient(q, a);
            let b = field_gradient(q, m);
            Some(std::array::from_fn(|i| g[i] + b[i]))
        }
    };
    let s = gradient?;
    let norm = dot4(&s, &s).sqrt();
    (norm > 0.0).then(|| s.map(|si| si / norm))
}

/// `J_gᵀ f_g` (eqs 25–26): gradient of the gravity objective for the unit measurement `a`.
fn gravity_gradient(q: &Quat, a: [f64; 3]) -> Quat {
    let [q0, q1, q2, q3] = *q;
    let f = [
        2.0 * (q1 * q3 - q0 * q2) - a[0],
        2.0 * (q0 * q1 + q2 * q3) - a[1],
        2.0 * (0.5 - q1 * q1 - q2 * q2) - a[2],
    ];
    [
        -2.0 * q2 * f[0] + 2.0 * q1 * f[1],
        2.0 * q3 * f[0] + 2.0 * q0 * f[1] - 4.0 * q1 * f[2],
        -2.0 * q0 * f[0] + 2.0 * q3 * f[1] - 4.0 * q2 * f[2],
        2.0 * q1 * f[0] + 2.0 * q2 * f[1],
    ]
}

/// `J_bᵀ f_b` (eqs 29–30) with the reference field `b` taken from the measurement (eqs 45–46).
fn field_gradient(q: &Quat, m: [f64; 3]) -> Quat {
    let [q0, q1, q2, q3] = *q;
    let h = rotate(q, m);
    let bx2 = 2.0 * (h[0] * h[0] + h[1] * h[1]).sqrt();
    let bz2 = 2.0 * h[2];
    let f = [
        bx2 * (0.5 - q2 * q2 - q3 * q3) + bz2 * (q1 * q3 - q0 * q2) - m[0],
        bx2 * (q1 * q2 - q0 * q3) + bz2 * (q0 * q1 + q2 * q3) - m[1],
        bx2 * (q0 * q2 + q1 * q3) + bz2 * (0.5 - q1 * q1 - q2 * q2) - m[2],
    ];
    let j = [
        [
            -bz2 * q2,
            bz2 * q3,
            -2.0 * bx2 * q2 - bz2 * q0,
            -2.0 * bx2 * q3 + bz2 * q1,
        ],
        [
            -bx2 * q3 + bz2 * q1,
            bx2 * q2 + bz2 * q0,
            bx2 * q1 + bz2 * q3,
            -bx2 * q0 + bz2 * q2,
        ],
        [
            bx2 * q2,
            bx2 * q3 - 2.0 * bz2 * q1,
            bx2 * q0 - 2.0 * bz2 * q2,
            bx2 * q1,
        ],
    ];
    std::array::from_fn(|i| j[0][i] * f[0] + j[1][i] * f[1] + j[2][i] * f[2])
}

/// `q ⊗ [0, v] ⊗ q*` for a unit `q`: a body vector expressed in the world frame.
pub fn rotate(q: &Quat, v: [f64; 3]) -> [f64; 3] {
    let [w, x, y, z] = *q;
    [
        v[0] * (1.0 - 2.0 * (y * y + z * z))
            + v[1] * 2.0 * (x * y - w * z)
            + v[2] * 2.0 * (x * z + w * y),
        v[0] * 2.0 * (x * y + w * z)
            + v[1] * (1.0 - 2.0 * (x * x + z * z))
            + v[2] * 2.0 * (y * z - w * x),
        v[0] * 2.0 * (x * z - w * y)
            + v[1] * 2.0 * (y * z + w * x)
            + v[2] * (1.0 - 2.0 * (x * x + y * y)),
    ]
}

fn dot4(a: &Quat, b: &Quat) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]
}

#[cfg(test)]
mod tests;
