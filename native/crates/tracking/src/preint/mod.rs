//! IMU preintegration between keyframes, with its covariance and bias Jacobians.
//!
//! Source: C. Forster, L. Carlone, F. Dellaert, D. Scaramuzza, "On-Manifold Preintegration for
//! Real-Time Visual–Inertial Odometry", IEEE Trans. Robotics 33(1), 2017:
//!
//! - deltas, from the bias-corrected samples `ω̂ = ω − b̄_g`, `â = a − b̄_a` over `Δt` (eqs 35–37,
//!   in their iterative form): `Δp ← Δp + Δv Δt + ½ ΔR â Δt²`, `Δv ← Δv + ΔR â Δt`,
//!   `ΔR ← ΔR Exp(ω̂ Δt)`;
//! - covariance of `(δφ, δv, δp)` (9×9, eq 63 and appendix A): `Σ ← A Σ Aᵀ + B Σ_η Bᵀ` with
//!   `A = [[ΔR_kᵀ, 0, 0], [−ΔR[â]×Δt, I, 0], [−½ΔR[â]×Δt², IΔt, I]]`, `B_g = [Jr(ω̂Δt)Δt; 0; 0]`,
//!   `B_a = [0; ΔRΔt; ½ΔRΔt²]`, and the discrete noise `σ²/Δt` of the continuous densities
//!   `σ_g` (rad/s/√Hz) and `σ_a` (m/s²/√Hz);
//! - bias Jacobians (appendix B, eq 69), updated with the values before the step:
//!   `∂ΔR/∂b_g ← ΔR_kᵀ ∂ΔR/∂b_g − Jr Δt`, `∂Δv/∂b_a ← ∂Δv/∂b_a − ΔR Δt`,
//!   `∂Δv/∂b_g ← ∂Δv/∂b_g − ΔR[â]× ∂ΔR/∂b_g Δt`, `∂Δp/∂b_a ← ∂Δp/∂b_a + ∂Δv/∂b_a Δt − ½ΔRΔt²`,
//!   `∂Δp/∂b_g ← ∂Δp/∂b_g + ∂Δv/∂b_g Δt − ½ΔR[â]× ∂ΔR/∂b_g Δt²`;
//! - first-order bias correction (eq 44): `ΔR(b) = ΔR Exp(∂ΔR/∂b_g δb_g)`,
//!   `Δv(b) = Δv + ∂Δv/∂b_g δb_g + ∂Δv/∂b_a δb_a`, likewise `Δp`;
//! - prediction (eq 38): `R_j = R_i ΔR`, `v_j = v_i + g Δt_ij + R_i Δv`,
//!   `p_j = p_i + v_i Δt_ij + ½ g Δt_ij² + R_i Δp`, `g = (0, 0, −g)` (world z up).
//!
//! Samples are a zero-order hold: the sample at `t_k` drives `[t_k, t_{k+1})`. A keyframe at an
//! IMU timestamp `t_j` ends one interval once the sample at `t_j` has been fed; [`Preintegrator::reset`]
//! starts the next and keeps that sample as the one driving it.

mod batch;

pub use batch::{PreintReport, PreintSettings};

use crate::lie::so3::{exp, exp_and_right_jacobian, hat, Mat3, Vec3};
use nalgebra::SMatrix;

/// 9×9 covariance over `(δφ, δv, δp)`: rad², (m/s)², m².
pub type Cov9 = SMatrix<f64, 9, 9>;

/// Preintegrated measurements between keyframe `i` and the last sample fed.
#[derive(Clone, Debug, PartialEq)]
pub struct Preintegrator {
    pub settings: PreintSettings,
    /// Biases the samples are corrected with (`b̄_g` rad/s, `b̄_a` m/s²), body frame.
    pub bias_gyro: Vec3,
    pub bias_accel: Vec3,
    /// `Δt_ij`, s.
    pub dt_sum: f64,
    pub delta_r: Mat3,
    pub delta_v: Vec3,
    pub delta_p: Vec3,
    pub cov: Cov9,
    pub dr_dbg: Mat3,
    pub dv_dbg: Mat3,
    pub dv_dba: Mat3,
    pub dp_dbg: Mat3,
    pub dp_dba: Mat3,
    /// The held sample: time (ns, NaN before the first), gyroscope, accelerometer.
    pub(crate) held_t_ns: f64,
    pub(crate) held_gyro: Vec3,
    pub(crate) held_accel: Vec3,
}

/// A state `(R, v, p)` in the world frame: `R_world_body`, velocity m/s, position m.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NavState {
    pub rotation: Mat3,
    pub velocity: Vec3,
    pub position: Vec3,
}

impl Preintegrator {
    /// An empty preintegration with the given noise settings and bias estimates.
    pub fn new(settings: PreintSettings, bias_gyro: Vec3, bias_accel: Vec3) -> Self {
        Self {
            settings,
            bias_gyro,
            bias_accel,
            dt_sum: 0.0,
            delta_r: Mat3::identity(),
            delta_v: Vec3::zeros(),
            delta_p: Vec3::zeros(),
            cov: Cov9::zeros(),
            dr_dbg: Mat3::zeros(),
            dv_dbg: Mat3::zeros(),
            dv_dba: Mat3::zeros(),
            dp_dbg: Mat3::zeros(),
            dp_dba: Mat3::zeros(),
            held_t_ns: f64::NAN,
            held_gyro: Vec3::zeros(),
            held_accel: Vec3::zeros(),
        }
    }

    /// Starts a new interval at the last sample fed (a keyframe), with new bias estimates; the
    /// held sample stays and drives the new interval.
    pub fn reset(&mut self, bias_gyro: Vec3, bias_accel: Vec3) {
        let (t, g, a) = (self.held_t_ns, self.held_gyro, self.held_accel);
        *self = Self::new(self.settings, bias_gyro, bias_accel);
        (self.held_t_ns, self.held_gyro, self.held_accel) = (t, g, a);
    }

    /// Integrates one measurement `gyro` (rad/s), `accel` (m/s²) held for `dt_s`.
    pub fn integrate(&mut self, gyro: Vec3, accel: Vec3, dt_s: f64) {
        let w = gyro - self.bias_gyro;
        let a = accel - self.bias_accel;
        let dt2 = dt_s * dt_s;
        let (dr_k, jr) = exp_and_right_jacobian(&(w * dt_s));
        let r_ax = self.delta_r * hat(&a);
        self.propagate_covariance(&dr_k, &jr, &r_ax, dt_s);
        // Bias Jacobians, from the values before this step.
        self.dp_dba += self.dv_dba * dt_s - self.delta_r * (0.5 * dt2);
        self.dp_dbg += self.dv_dbg * dt_s - r_ax * self.dr_dbg * (0.5 * dt2);
        self.dv_dba -= self.delta_r * dt_s;
        self.dv_dbg -= r_ax * self.dr_dbg * dt_s;
        self.dr_dbg = dr_k.transpose() * self.dr_dbg - jr * dt_s;
        // Deltas.
        let ra = self.delta_r * a;
        self.delta_p += self.delta_v * dt_s + ra * (0.5 * dt2);
        self.delta_v += ra * dt_s;
        self.delta_r *= dr_k;
        self.dt_sum += dt_s;
    }

    /// `Σ ← A Σ Aᵀ + B Σ_η Bᵀ` for one step, by 3×3 blocks: `A`'s zero and identity blocks and
    /// `A₃₁ = ½Δt A₂₁` make it about a quarter of the dense 9×9 product's work.
    fn propagate_covariance(&mut self, dr_k: &Mat3, jr: &Mat3, r_ax: &Mat3, dt: f64) {
        let s =
            |i: usize, j: usize| -> Mat3 { self.cov.fixed_view::<3, 3>(3 * i, 3 * j).into_owned() };
        let (rk, mv) = (dr_k.transpose(), -r_ax * dt);
        let half_dt = 0.5 * dt;
        // B = A Σ, by block rows: B₁ⱼ = Rₖ S₁ⱼ, B₂ⱼ = Mᵥ S₁ⱼ + S₂ⱼ, B₃ⱼ = ½Δt Mᵥ S₁ⱼ + Δt S₂ⱼ + S₃ⱼ
        // (kept by column: `col[j][i]` is Bᵢⱼ).
        let col: [[Mat3; 3]; 3] = std::array::from_fn(|j| {
            let (s1, s2) = (s(0, j), s(1, j));
            let mv_s1 = mv * s1;
            [rk * s1, mv_s1 + s2, mv_s1 * half_dt + s2 * dt + s(2, j)]
        });
        // Σ' = B Aᵀ, upper block triangle: Σ'ᵢ₁ = Bᵢ₁ Rₖᵀ, Σ'ᵢ₂ = Bᵢ₁ Mᵥᵀ + Bᵢ₂,
        // Σ'ᵢ₃ = ½Δt Bᵢ₁ Mᵥᵀ + Δt Bᵢ₂ + Bᵢ₃.
        let (rkt, mvt) = (rk.transpose(), mv.transpose());
        let sg2 = self.settings.gyro_noise_density.powi(2);
        let sa2 = self.settings.accel_noise_density.powi(2);
        let q_aa = [sa2 * dt, 0.5 * sa2 * dt * dt, 0.25 * sa2 * dt * dt * dt];
        for i in 0..3 {
            let (b1, b2, b3) = (col[0][i], col[1][i], col[2][i]);
            let bm = b1 * mvt;
            let mut blocks = [b1 * rkt, bm + b2, bm * half_dt + b2 * dt + b3];
            if i == 0 {
                blocks[0] += jr * jr.transpose() * (sg2 * dt);
            }
            for (j, block) in blocks.iter_mut().enumerate().skip(i) {
                if i > 0 {
                    *block += Mat3::from_diagonal_element(q_aa[i + j - 2]);
                }
                self.cov
                    .fixed_view_mut::<3, 3>(3 * i, 3 * j)
                    .copy_from(block);
                if j > i {
                    self.cov
                        .fixed_view_mut::<3, 3>(3 * j, 3 * i)
                        .copy_from(&block.transpose());
                }
            }
        }
    }

    /// The deltas corrected to first order for new bias estimates (eq 44):
    /// `(ΔR, Δv, Δp)` for `b_g = bias_gyro`, `b_a = bias_accel`.
    pub fn corrected(&self, bias_gyro: &Vec3, bias_accel: &Vec3) -> (Mat3, Vec3, Vec3) {
        let dbg = bias_gyro - self.bias_gyro;
        let dba = bias_accel - self.bias_accel;
        (
            self.delta_r * exp(&(self.dr_dbg * dbg)),
            self.delta_v + self.dv_dbg * dbg + self.dv_dba * dba,
            self.delta_p + self.dp_dbg * dbg + self.dp_dba * dba,
        )
    }

    /// The state at the end of the interval from the state at its start (eq 38), with the
    /// deltas corrected for the given biases; `gravity_mps2` is `g` (world z up).
    pub fn predict(
        &self,
        start: &NavState,
        bias_gyro: &Vec3,
        bias_accel: &Vec3,
        gravity_mps2: f64,
    ) -> NavState {
        let (dr, dv, dp) = self.corrected(bias_gyro, bias_accel);
        let g = Vec3::new(0.0, 0.0, -gravity_mps2);
        let t = self.dt_sum;
        NavState {
            rotation: start.rotation * dr,
            velocity: start.velocity + g * t + start.rotation * dv,
            position: start.position + start.velocity * t + g * (0.5 * t * t) + start.rotation * dp,
        }
    }
}

#[cfg(test)]
mod tests;
