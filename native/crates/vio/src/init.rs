//! Initialisation from the IMU history before the first frame: the direction of gravity from the
//! gyro-compensated mean specific force over the window (each sample rotated into the body frame
//! at the first frame with the integrated gyroscope), and, when the window is still, the
//! gyroscope bias from its mean rate (the static initialiser of OpenVINS `InertialInitializer`).
//! A bias prior (the biases estimated before a tracking loss) is used for the compensation and
//! given a tighter uncertainty.
//!
//! Error of the moving case: the mean specific force is `R(g + Δv/T)`, so the tilt error is at most
//! `‖Δv‖ / (T g)` rad for a velocity change `Δv` over the window `T` (0.3 m/s over 1 s: 1.8°),
//! plus the tilt the uncorrected gyro bias adds while integrating (`‖b_g‖ T / 2`). Both are given
//! to the filter as the initial roll/pitch uncertainty; yaw and position are unobservable and set
//! to zero (the world frame is the gravity-aligned frame of the first body pose).

use crate::propagate::ImuSample;
use crate::state::{ImuState, BA, BG, IMU_DIM, P, TH, V};
use karana_tracking::lie::so3;
use nalgebra::{DMatrix, Matrix3, Vector3};

/// What the initialiser decided, for the status report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InitReport {
    /// The window was still (gyro and accelerometer spread below the thresholds).
    pub is_static: bool,
    /// 1σ roll/pitch uncertainty given to the filter, rad.
    pub tilt_sigma_rad: f64,
}

/// Gyroscope standard deviation below which the window counts as still, rad/s.
const STILL_GYRO_STD: f64 = 0.01;
/// Accelerometer standard deviation below which the window counts as still, m/s².
const STILL_ACCEL_STD: f64 = 0.05;

/// Initial state at `t_ns` from `samples` (the IMU history, sorted; those in `[t − window, t]` are
/// used); None when fewer than 10 samples cover the window.
pub fn initialize(
    samples: &[ImuSample],
    t_ns: i64,
    window_s: f64,
    velocity_sigma: f64,
    bias_prior: Option<(Vector3<f64>, Vector3<f64>)>,
) -> Option<(ImuState, DMatrix<f64>, InitReport)> {
    let from = t_ns - (window_s * 1e9) as i64;
    let win: Vec<&ImuSample> = samples
        .iter()
        .filter(|s| s.t_ns >= from && s.t_ns <= t_ns)
        .collect();
    if win.len() < 10 || win[0].t_ns - from > (0.2 * window_s * 1e9) as i64 {
        return None;
    }
    let n = win.len() as f64;
    let mean_g = win.iter().fold(Vector3::zeros(), |a, s| a + s.gyro) / n;
    let mean_a = win.iter().fold(Vector3::zeros(), |a, s| a + s.accel) / n;
    let std = |f: &dyn Fn(&ImuSample) -> Vector3<f64>, m: &Vector3<f64>| {
        (win.iter().map(|s| (f(s) - m).norm_squared()).sum::<f64>() / n).sqrt()
    };
    let is_static =
        std(&|s| s.gyro, &mean_g) < STILL_GYRO_STD && std(&|s| s.accel, &mean_a) < STILL_ACCEL_STD;
    let (bg, ba) = match (is_static, bias_prior) {
        (true, prior) => (mean_g, prior.map_or(Vector3::zeros(), |p| p.1)),
        (false, Some(prior)) => prior,
        (false, None) => (Vector3::zeros(), Vector3::zeros()),
    };
    // Rotate every sample into the body frame of the window's first sample (R_0k), average, then
    // express the mean in the body frame at the end (R_0T).
    let mut r0k = Matrix3::identity();
    let mut sum = Vector3::zeros();
    for (k, s) in win.iter().enumerate() {
        sum += r0k * (s.accel - ba);
        let next_t = win.get(k + 1).map_or(t_ns, |x| x.t_ns);
        let dt = (next_t - s.t_ns) as f64 * 1e-9;
        r0k *= so3::exp(&((s.gyro - bg) * dt));
    }
    let f_body = r0k.transpose() * (sum / n);
    let r_w_i = gravity_aligned(&f_body)?;
    let tilt_sigma_rad: f64 = if is_static { 0.01 } else { 0.05 };
    let imu = ImuState {
        t_ns,
        r_w_i,
        p_w_i: Vector3::zeros(),
        v_w_i: Vector3::zeros(),
        bg,
        ba,
    };
    let mut cov = DMatrix::<f64>::zeros(IMU_DIM, IMU_DIM);
    let sv = if is_static { 0.01 } else { velocity_sigma };
    let sbg = if is_static {
        0.005
    } else if bias_prior.is_some() {
        0.01
    } else {
        0.05
    };
    let sba: f64 = if bias_prior.is_some() { 0.05 } else { 0.1 };
    let diag = [
        (TH, tilt_sigma_rad.powi(2)),
        (TH + 1, tilt_sigma_rad.powi(2)),
        (TH + 2, 1e-6),
        (P, 1e-6),
        (P + 1, 1e-6),
        (P + 2, 1e-6),
        (V, sv * sv),
        (V + 1, sv * sv),
        (V + 2, sv * sv),
        (BG, sbg * sbg),
        (BG + 1, sbg * sbg),
        (BG + 2, sbg * sbg),
        (BA, sba * sba),
        (BA + 1, sba * sba),
        (BA + 2, sba * sba),
    ];
    for (i, v) in diag {
        cov[(i, i)] = v;
    }
    // The tilt uncertainty is about the world's horizontal axes: rotate it into the body frame.
    let th = cov.fixed_view::<3, 3>(TH, TH).into_owned();
    let rt = r_w_i.transpose();
    let body = rt * th * r_w_i;
    cov.fixed_view_mut::<3, 3>(TH, TH).copy_from(&body);
    Some((
        imu,
        cov,
        InitReport {
            is_static,
            tilt_sigma_rad,
        },
    ))
}

/// The rotation `R_W_I` with zero yaw that maps the measured specific force (`f_body`, pointing
/// up at rest) onto the world `+z`; None when the force is ~0 (free fall).
pub fn gravity_aligned(f_body: &Vector3<f64>) -> Option<Matrix3<f64>> {
    if f_body.norm() < 1.0 {
        return None;
    }
    let z = f_body.normalize();
    // x axis: the body x projected onto the horizontal plane (or body y when x is vertical).
    let mut x = Vector3::x() - z * z.x;
    if x.norm() < 1e-3 {
        x = Vector3::y() - z * z.y;
    }
    let x = x.normalize();
    let y = z.cross(&x);
    // Rows are the world axes in body coordinates: R_I_W = [x y z]ᵀ, so R_W_I = its transpose.
    Some(Matrix3::from_rows(&[
        x.transpose(),
        y.transpose(),
        z.transpose(),
    ]))
}
