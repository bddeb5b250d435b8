//! The error-state Kalman filter's steps: propagation, the gravity-direction and heading updates,
//! and the injection and reset of the error state.
//!
//! Source: J. Solà, "Quaternion kinematics for the error-state Kalman filter", arXiv:1711.02508,
//! 2017, restricted to attitude and gyroscope bias. Nominal state `x = (q, b)`; error state
//! `δx = (δθ, δb)` (6), local attitude error `q_true = q ⊗ Exp(δθ)`; the covariance `P` (6×6) is
//! kept as its blocks `P_θθ, P_θb, P_bb`.
//!
//! - Propagation (§5.3.3, eqs 260, 269–270; §7.2 for the discrete noise): with `ω = ω_m − b`,
//!   `q ← q ⊗ Exp(ω Δt)`, `b ← b`, `F = [[A, −I Δt], [0, I]]` with `A = Exp(ω Δt)ᵀ`,
//!   `P ← F P Fᵀ + diag(σ_g² Δt I, σ_bw² Δt I)`, `σ_g` the gyroscope noise density (rad/s/√Hz),
//!   `σ_bw` the bias random walk (rad/s²/√Hz).
//! - Gravity-direction update (§6.1–6.2): `y = a/‖a‖`, `h(x) = Rᵀ e_z` (world z up),
//!   `H = [[h]×, 0]` (from `Exp(δθ)ᵀ Rᵀ e_z ≈ h + [h]× δθ`), `V = σ² I` with
//!   `σ = (σ_a + k |‖a‖ − g|) / g`, so that a specific force far from gravity (linear acceleration)
//!   counts for little. `Z = H P Hᵀ + V`, `K = P Hᵀ Z⁻¹`, `δx = K (y − h)`, `P ← P − K Z Kᵀ`
//!   (eq 276, symmetric form). Rejected when the squared Mahalanobis distance of the innovation
//!   with the noise at rest, `(y − h)ᵀ (H P Hᵀ + (σ_a/g)² I)⁻¹ (y − h)`, exceeds the gate, except
//!   while the sensor is at rest (rest detection), so a large error can always be recovered.
//! - Heading update (magnetometer): the field in the world frame `f = R m` must point to magnetic
//!   north (world x), so the innovation is `−atan2(f_y, f_x)`; the Jacobian is the rotation about
//!   world z, `H = [e_zᵀ R, 0] = [hᵀ, 0]`, leaving the tilt to the accelerometer so a disturbed
//!   field cannot tilt the estimate. Skipped when the field is within ~6° of vertical.
//! - Zero-angular-rate update, while rest detection says the sensor is still: the raw gyroscope
//!   measures the bias, `y = ω_m`, `h = b`, `H = [0, I]`, `V = σ_g²/Δt I` (one sample's white
//!   noise).
//! - Injection and reset (§6.2–6.3, eqs 282–287): `q ← q ⊗ Exp(δθ)`, `b ← b + δb`,
//!   `P ← G P Gᵀ` with `G = diag(I − [½ δθ]×, I)`.

use crate::lie::quat::{quat_exp, quat_mul, quat_normalize, quat_to_matrix, Quat};
use crate::lie::so3::{hat, Mat3, Vec3};

/// Noise model and gates, SI units (see the module documentation for where each enters).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EskfNoise {
    /// Gyroscope white-noise density `σ_g`, rad/s/√Hz.
    pub gyro_noise_density: f64,
    /// Gyroscope bias random walk `σ_bw`, rad/s²/√Hz.
    pub gyro_bias_random_walk: f64,
    /// Standard deviation `σ_a` of the specific force at rest, m/s².
    pub accel_noise_mps2: f64,
    /// Gain `k` by which `|‖a‖ − g|` adds to `σ_a`.
    pub accel_deviation_gain: f64,
    /// `g`, m/s².
    pub gravity_mps2: f64,
    /// Gate on the squared Mahalanobis distance of the accelerometer innovation (3 degrees of
    /// freedom); 0 disables it.
    pub accel_gate: f64,
    /// Standard deviation of the magnetometer heading, rad.
    pub mag_heading_noise_rad: f64,
    /// Gate on the squared Mahalanobis distance of the heading innovation (1 degree of
    /// freedom); 0 disables it.
    pub mag_gate: f64,
}

/// Nominal state and error covariance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Eskf {
    /// `q_world_body`.
    pub q: Quat,
    /// Gyroscope bias, rad/s, body frame.
    pub bias: Vec3,
    pub p_tt: Mat3,
    pub p_tb: Mat3,
    pub p_bb: Mat3,
}

/// Outcome of one measurement update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    Applied,
    /// The innovation failed the gate (or the geometry made it uninformative).
    Gated,
}

impl Eskf {
    /// Propagates by `dt_s` with the gyroscope reading `gyro` (rad/s).
    pub fn predict(&mut self, gyro: Vec3, dt_s: f64, noise: &EskfNoise) {
        let dq = quat_exp(&((gyro - self.bias) * dt_s));
        self.q = quat_normalize(&quat_mul(&self.q, &dq));
        let a = quat_to_matrix(&dq).transpose();
        let a_ptb = a * self.p_tb;
        let q_theta = noise.gyro_noise_density.powi(2) * dt_s;
        let q_bias = noise.gyro_bias_random_walk.powi(2) * dt_s;
        self.p_tt = a * self.p_tt * a.transpose() - (a_ptb + a_ptb.transpose()) * dt_s
            + self.p_bb * (dt_s * dt_s)
            + Mat3::from_diagonal_element(q_theta);
        self.p_tb = a_ptb - self.p_bb * dt_s;
        self.p_bb += Mat3::from_diagonal_element(q_bias);
    }

    /// `Rᵀ e_z`: the world's up direction in the body frame (third row of `R`).
    fn up_in_body(&self) -> Vec3 {
        let [w, x, y, z] = self.q;
        Vec3::new(
            2.0 * (x * z - w * y),
            2.0 * (y * z + w * x),
            1.0 - 2.0 * (x * x + y * y),
        )
    }

    /// Gravity-direction update from an accelerometer direction `unit` whose norm was `norm` m/s².
    /// `at_rest` (rest detection) skips the gate: at rest the accelerometer measures gravity only,
    /// which lets the filter recover from an error larger than the gate admits.
    pub fn update_gravity(
        &mut self,
        unit: Vec3,
        norm: f64,
        noise: &EskfNoise,
        at_rest: bool,
    ) -> Update {
        let h = self.up_in_body();
        let hx = hat(&h);
        // P Hᵀ, in blocks: [P_θθ Hθᵀ; P_bθ Hθᵀ].
        let top = self.p_tt * hx.transpose();
        let bottom = self.p_tb.transpose() * hx.transpose();
        let hph = hx * top;
        let r = unit - h;
        let sigma_rest = noise.accel_noise_mps2 / noise.gravity_mps2;
        if noise.accel_gate > 0.0 && !at_rest {
            let z_rest = hph + Mat3::from_diagonal_element(sigma_rest * sigma_rest);
            match z_rest.try_inverse() {
                Some(zi) if r.dot(&(zi * r)) <= noise.accel_gate => {}
                _ => return Update::Gated,
            }
        }
        let sigma = sigma_rest
            + noise.accel_deviation_gain * (norm - noise.gravity_mps2).abs() / noise.gravity_mps2;
        let z = hph + Mat3::from_diagonal_element(sigma * sigma);
        let Some(z_inv) = z.try_inverse() else {
            return Update::Gated;
        };
        let k_t = top * z_inv;
        let k_b = bottom * z_inv;
        self.p_tt -= top * k_t.transpose();
        self.p_tb -= top * k_b.transpose();
        self.p_bb -= bottom * k_b.transpose();
        self.inject(k_t * r, k_b * r);
        Update::Applied
    }

    /// Heading update from a magnetometer direction `m` (unit, body frame).
    pub fn update_heading(&mut self, m: Vec3, noise: &EskfNoise) -> Update {
        let f = quat_to_matrix(&self.q) * m;
        let horizontal2 = f.x * f.x + f.y * f.y;
        if horizontal2 < 0.01 {
            return Update::Gated;
        }
        let r = -f.y.atan2(f.x);
        let h = self.up_in_body();
        let top = self.p_tt * h;
        let bottom = self.p_tb.transpose() * h;
        let s = h.dot(&top) + noise.mag_heading_noise_rad.powi(2);
        if s.is_nan() || s <= 0.0 || (noise.mag_gate > 0.0 && r * r / s > noise.mag_gate) {
            return Update::Gated;
        }
        self.p_tt -= top * top.transpose() / s;
        self.p_tb -= top * bottom.transpose() / s;
        self.p_bb -= bottom * bottom.transpose() / s;
        self.inject(top * (r / s), bottom * (r / s));
        Update::Applied
    }

    /// Zero-angular-rate update from the raw gyroscope `gyro` (rad/s) of a sample at rest.
    pub fn update_zero_rate(&mut self, gyro: Vec3, dt_s: f64, noise: &EskfNoise) {
        let v = noise.gyro_noise_density.powi(2) / dt_s;
        let top = self.p_tb;
        let bottom = self.p_bb;
        let Some(z_inv) = (bottom + Mat3::from_diagonal_element(v)).try_inverse() else {
            return;
        };
        let r = gyro - self.bias;
        let k_t = top * z_inv;
        let k_b = bottom * z_inv;
        self.p_tt -= top * k_t.transpose();
        self.p_tb -= top * k_b.transpose();
        self.p_bb -= bottom * k_b.transpose();
        self.inject(k_t * r, k_b * r);
    }

    /// Adds the error-state mean to the nominal state and resets it (with the covariance's
    /// reset Jacobian); keeps the covariance blocks symmetric.
    fn inject(&mut self, d_theta: Vec3, d_bias: Vec3) {
        self.q = quat_normalize(&quat_mul(&self.q, &quat_exp(&d_theta)));
        self.bias += d_bias;
        let g = Mat3::identity() - hat(&(d_theta * 0.5));
        self.p_tt = g * self.p_tt * g.transpose();
        self.p_tt = (self.p_tt + self.p_tt.transpose()) * 0.5;
        self.p_tb = g * self.p_tb;
        self.p_bb = (self.p_bb + self.p_bb.transpose()) * 0.5;
    }
}
