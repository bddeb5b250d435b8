//! IMU propagation of the nominal state and of the error covariance between camera frames.
//!
//! Nominal: zero-order hold of each sample over `[t_k, t_k+1)`, `R ← R Exp((ω − b_g) Δt)`,
//! `p ← p + v Δt + ½ (R(a − b_a) + g) Δt²`, `v ← v + (R(a − b_a) + g) Δt` (Forster et al., T-RO
//! 2017, eq 31 in its discrete form). Error: the discrete transition of the local-rotation error
//! state (Solà, "Quaternion kinematics for the error-state Kalman filter", 2017, §5.4.3 with the
//! local-angle convention), `Φ_θθ = Exp(−ω̂Δt)`, `Φ_θbg = −Jr(ω̂Δt) Δt`, `Φ_vθ = −R[â]×Δt`,
//! `Φ_vba = −RΔt`, `Φ_pv = IΔt`, and the discrete noise `Q = diag(σ_g²Δt, –, σ_a²Δt, σ_wg²Δt,
//! σ_wa²Δt)` from the continuous densities. The 15×15 transition and noise of a whole camera
//! interval are accumulated first and applied to the clone cross-covariances once.

use crate::config::ImuNoise;
use crate::state::{FilterState, ImuState, BA, BG, IMU_DIM, P, TH, V};
use karana_tracking::lie::so3;
use nalgebra::{DMatrix, SMatrix, Vector3};

pub type Mat15 = SMatrix<f64, IMU_DIM, IMU_DIM>;

/// One IMU sample: stamp (ns, runtime clock), gyroscope (rad/s) and specific force (m/s²), body frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImuSample {
    pub t_ns: i64,
    pub gyro: Vector3<f64>,
    pub accel: Vector3<f64>,
}

/// Accumulated transition `Φ` and noise `Q` of the IMU block over an interval.
pub struct IntervalJacobian {
    pub phi: Mat15,
    pub q: Mat15,
}

impl IntervalJacobian {
    pub fn identity() -> Self {
        Self {
            phi: Mat15::identity(),
            q: Mat15::zeros(),
        }
    }
}

/// Propagates the nominal values of `imu` over `dt` seconds with the held sample `s` (the caller
/// advances `t_ns`), accumulating the error transition into `acc`.
pub fn step(
    imu: &mut ImuState,
    s: &ImuSample,
    dt: f64,
    gravity: f64,
    noise: &ImuNoise,
    acc: &mut IntervalJacobian,
) {
    let w = s.gyro - imu.bg;
    let a = s.accel - imu.ba;
    let g = Vector3::new(0.0, 0.0, -gravity);
    let (dr, jr) = so3::exp_and_right_jacobian(&(w * dt));
    let r = imu.r_w_i;
    let acc_w = r * a + g;
    let mut f = Mat15::identity();
    f.fixed_view_mut::<3, 3>(TH, TH).copy_from(&dr.transpose());
    f.fixed_view_mut::<3, 3>(TH, BG).copy_from(&(-jr * dt));
    let ra = r * so3::hat(&a);
    f.fixed_view_mut::<3, 3>(V, TH).copy_from(&(-ra * dt));
    f.fixed_view_mut::<3, 3>(V, BA).copy_from(&(-r * dt));
    f.fixed_view_mut::<3, 3>(P, V)
        .copy_from(&(nalgebra::Matrix3::identity() * dt));
    f.fixed_view_mut::<3, 3>(P, TH)
        .copy_from(&(-ra * (0.5 * dt * dt)));
    f.fixed_view_mut::<3, 3>(P, BA)
        .copy_from(&(-r * (0.5 * dt * dt)));
    imu.p_w_i += imu.v_w_i * dt + acc_w * (0.5 * dt * dt);
    imu.v_w_i += acc_w * dt;
    imu.r_w_i *= dr;
    let mut q = Mat15::zeros();
    let (sg, sa) = (
        noise.gyro_noise_density.powi(2) * dt,
        noise.accel_noise_density.powi(2) * dt,
    );
    let (swg, swa) = (
        noise.gyro_random_walk.powi(2) * dt,
        noise.accel_random_walk.powi(2) * dt,
    );
    for k in 0..3 {
        q[(TH + k, TH + k)] = sg;
        q[(V + k, V + k)] = sa;
        q[(P + k, P + k)] = 0.25 * sa * dt * dt;
        q[(P + k, V + k)] = 0.5 * sa * dt;
        q[(V + k, P + k)] = 0.5 * sa * dt;
        q[(BG + k, BG + k)] = swg;
        q[(BA + k, BA + k)] = swa;
    }
    acc.phi = f * acc.phi;
    acc.q = f * acc.q * f.transpose() + q;
}

/// Propagates the nominal state through `samples` (sorted by time) to `t_end_ns` and the
/// covariance with it. The sample at or before the state's time drives the first piece.
/// Returns the number of samples used.
pub fn propagate(
    state: &mut FilterState,
    samples: &[ImuSample],
    t_end_ns: i64,
    gravity: f64,
    noise: &ImuNoise,
) -> usize {
    let mut acc = IntervalJacobian::identity();
    let used = propagate_nominal(&mut state.imu, samples, t_end_ns, gravity, noise, &mut acc);
    apply(&mut state.cov, &acc);
    used
}

/// The nominal part of [`propagate`], accumulating the transition into `acc`.
pub fn propagate_nominal(
    imu: &mut ImuState,
    samples: &[ImuSample],
    t_end_ns: i64,
    gravity: f64,
    noise: &ImuNoise,
    acc: &mut IntervalJacobian,
) -> usize {
    if samples.is_empty() || t_end_ns <= imu.t_ns {
        return 0;
    }
    // The sample holding at the state's time: the last one stamped at or before it.
    let first = samples
        .partition_point(|s| s.t_ns <= imu.t_ns)
        .saturating_sub(1);
    let mut used = 0;
    for k in first..samples.len() {
        let seg_end = samples
            .get(k + 1)
            .map_or(t_end_ns, |n| n.t_ns.min(t_end_ns));
        if seg_end > imu.t_ns {
            let dt = (seg_end - imu.t_ns) as f64 * 1e-9;
            step(imu, &samples[k], dt, gravity, noise, acc);
            imu.t_ns = seg_end;
            used += 1;
        }
        if seg_end >= t_end_ns {
            break;
        }
    }
    used
}

/// `P ← Φ P Φᵀ + Q` on the IMU block and `Φ P` on the cross-covariances with the clones.
pub fn apply(cov: &mut DMatrix<f64>, acc: &IntervalJacobian) {
    let n = cov.nrows();
    let pii: Mat15 = cov.fixed_view::<IMU_DIM, IMU_DIM>(0, 0).into_owned();
    let new_ii = acc.phi * pii * acc.phi.transpose() + acc.q;
    cov.fixed_view_mut::<IMU_DIM, IMU_DIM>(0, 0)
        .copy_from(&new_ii);
    if n > IMU_DIM {
        let pic = cov.view((0, IMU_DIM), (IMU_DIM, n - IMU_DIM)).into_owned();
        let new_ic = acc.phi * pic;
        cov.view_mut((0, IMU_DIM), (IMU_DIM, n - IMU_DIM))
            .copy_from(&new_ic);
        cov.view_mut((IMU_DIM, 0), (n - IMU_DIM, IMU_DIM))
            .copy_from(&new_ic.transpose());
    }
}
