//! Mahony's explicit complementary filter with gyroscope bias estimation, over batches of samples.
//!
//! Source: R. Mahony, T. Hamel, J.-M. Pflimlin, "Nonlinear complementary filters on the special
//! orthogonal group", IEEE Trans. Automatic Control 53(5), 2008, §V-C, the explicit complementary
//! filter with bias correction (eq 32 and its quaternion form, eq 47):
//!
//! ```text
//! ω_mes = Σᵢ kᵢ vᵢ × v̂ᵢ,   v̂ᵢ = R̂ᵀ v₀ᵢ                      (measured × estimated directions)
//! q̂̇ = ½ q̂ ⊗ [0, Ω_y − b̂ + k_P ω_mes],   b̂̇ = −k_I ω_mes
//! ```
//!
//! integrated over each dt as `b̂ ← b̂ − k_I ω_mes dt`, then `q̂ ← q̂ ⊗ Exp((Ω_y − b̂ + k_P ω_mes) dt)`
//! (the exact exponential of the constant rate rather than a first-order step), renormalized.
//! `k_P` and `k_I` mean what they mean in the paper and in Madgwick's `MahonyAHRS.c` (`twoKp / 2`,
//! `twoKi / 2`), which is what the BROAD benchmark tunes.
//!
//! Directions, body frame: the accelerometer `v_a = a/‖a‖` against `v̂_a = R̂ᵀ e_z` (world z up,
//! weight 1). The magnetometer enters as one more direction, weight 1: `v_m = (v̂_a × m)/‖v̂_a × m‖`
//! (west, in the frame the estimate takes as level) against `v̂_m = R̂ᵀ e_y`. Both lie in the
//! estimated horizontal plane, so `v_m × v̂_m` is along `v̂_a`: the magnetometer corrects heading
//! only and a disturbed field cannot tilt the estimate. This is a deliberate choice of the
//! direction the paper leaves open (x-io Fusion does the same); `MahonyAHRS.c` uses the whole field
//! direction instead. World frame: z up, x toward magnetic north once a magnetometer is used
//! (north-west-up), as the Madgwick filter.
//!
//! Two additions, both off with `error_scale = 0` and rest detection off (the paper's filter):
//! - each direction error `eᵢ = vᵢ × v̂ᵢ` is weighted by `1 / (1 + (‖eᵢ‖/s)²)` (Cauchy/Lorentzian
//!   M-estimator weight; the paper allows time-varying gains `kᵢ(t) > 0`): a specific force far
//!   from gravity (linear acceleration) pulls the estimate less, without a rejection state that
//!   could lock the accelerometer out. On BROAD trial 16 (fast translation) it takes the
//!   inclination error with the default gains from 7.5° to 1.0° RMS (docs/native-tracking.md);
//! - rest detection (x-io Fusion's `FusionBias`): once the gyroscope has been still for the rest
//!   period, `b̂` follows the raw gyroscope with a time constant (default 8 s).

use super::stream::{
    check_buffers, read_quaternion, run, Accel, AttitudeFilter, BatchInput, BatchReport,
    ClockSettings, Rest, RestSettings, REST_INDEX,
};
use crate::lie::quat::{quat_exp, quat_mul, quat_normalize, Quat};
use crate::lie::so3::Vec3;
use karana_core::error::{in_range, KaranaResult};

/// Filter settings. `Default` is the frozen default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MahonySettings {
    /// Proportional gain `k_P`, rad/s per unit of direction error (1/s).
    pub kp: f64,
    /// Integral gain `k_I` of the bias estimate, 1/s².
    pub ki: f64,
    /// Scale `s` of the Cauchy weight of each direction error (≈ rad: `‖v × v̂‖` is the sine of
    /// the angle between measured and estimated direction); 0 gives every error weight 1 (the
    /// paper's constant gains).
    pub error_scale: f64,
    /// Rate assumed when dt cannot be measured, Hz.
    pub nominal_rate_hz: f64,
    /// Largest dt accepted from the timestamps, s; longer gaps use the nominal dt.
    pub max_dt_s: f64,
    /// Rest detection; at rest `b̂` follows the raw gyroscope with time constant
    /// `rest_bias_time_constant_s` (as x-io Fusion's `FusionBias`).
    pub rest: RestSettings,
    /// Time constant of the bias learned at rest, s.
    pub rest_bias_time_constant_s: f64,
}

impl Default for MahonySettings {
    fn default() -> Self {
        Self {
            kp: 0.2,
            ki: 0.001,
            error_scale: 0.3,
            nominal_rate_hz: 100.0,
            max_dt_s: 1.0,
            rest: RestSettings::FUSION,
            rest_bias_time_constant_s: 8.0,
        }
    }
}

impl MahonySettings {
    /// Checks every field (names as in the JS settings object).
    pub fn validate(&self) -> KaranaResult<()> {
        in_range("kp", self.kp, 0.0, 1e6)?;
        in_range("ki", self.ki, 0.0, 1e6)?;
        in_range("errorScale", self.error_scale, 0.0, 2.0)?;
        self.clock().validate()?;
        self.rest.validate()?;
        in_range(
            "restBiasTimeConstantS",
            self.rest_bias_time_constant_s,
            1e-6,
            1e9,
        )?;
        Ok(())
    }

    fn clock(&self) -> ClockSettings {
        ClockSettings {
            nominal_rate_hz: self.nominal_rate_hz,
            max_dt_s: self.max_dt_s,
        }
    }
}

/// State layout: `[qw, qx, qy, qz, prevTNs, bx, by, bz, stillS]`: `q_world_body`, the time of
/// the last sample (ns, NaN before the first), the gyroscope bias estimate `b̂` (rad/s, body
/// frame) and the rest timer (s the gyroscope has been still).
pub const STATE_LEN: usize = 9;

struct Mahony {
    q: Quat,
    bias: Vec3,
    kp: f64,
    ki: f64,
    error_scale: f64,
    rest_time_constant_s: f64,
}

impl Mahony {
    /// One direction's error `vᵢ × v̂ᵢ` times its Cauchy weight `1 / (1 + (‖vᵢ × v̂ᵢ‖ / s)²)`.
    fn weighted(&self, e: Vec3) -> Vec3 {
        if self.error_scale > 0.0 {
            let x = e.norm() / self.error_scale;
            e / (1.0 + x * x)
        } else {
            e
        }
    }

    /// `ω_mes` for this sample (zero without an accelerometer).
    fn correction(&self, accel: Option<Accel>, mag: Option<[f64; 3]>) -> Vec3 {
        let Some(a) = accel else {
            return Vec3::zeros();
        };
        let [w, x, y, z] = self.q;
        // Third and second rows of R(q̂): R̂ᵀ e_z and R̂ᵀ e_y.
        let up = Vec3::new(
            2.0 * (x * z - w * y),
            2.0 * (y * z + w * x),
            1.0 - 2.0 * (x * x + y * y),
        );
        let mut e = self.weighted(Vec3::from(a.unit).cross(&up));
        if let Some(m) = mag {
            let west = up.cross(&Vec3::from(m));
            let n = west.norm();
            if n > 1e-9 {
                let west_est = Vec3::new(
                    2.0 * (x * y + w * z),
                    1.0 - 2.0 * (x * x + z * z),
                    2.0 * (y * z - w * x),
                );
                e += self.weighted((west / n).cross(&west_est));
            }
        }
        e
    }
}

impl AttitudeFilter for Mahony {
    fn step(
        &mut self,
        dt_s: f64,
        gyro: [f64; 3],
        accel: Option<Accel>,
        mag: Option<[f64; 3]>,
        _report: &mut BatchReport,
    ) {
        let e = self.correction(accel, mag);
        self.bias -= e * (self.ki * dt_s);
        let omega = Vec3::from(gyro) - self.bias + e * self.kp;
        self.q = quat_normalize(&quat_mul(&self.q, &quat_exp(&(omega * dt_s))));
    }

    fn quaternion(&self) -> Quat {
        self.q
    }

    fn gyro_bias(&self) -> [f64; 3] {
        self.bias.into()
    }

    fn at_rest(&mut self, gyro: [f64; 3], dt_s: f64) {
        let k = (dt_s / self.rest_time_constant_s).min(1.0);
        self.bias += (Vec3::from(gyro) - self.bias) * k;
    }
}

/// Runs the filter over `input`, updating `state` (see [`STATE_LEN`]) in place and writing the
/// quaternion after each sample to `out[4i..4i+4]` when given. Fails only on caller errors.
pub fn update_batch(
    state: &mut [f64],
    input: &BatchInput<'_>,
    settings: &MahonySettings,
    out: Option<&mut [f64]>,
) -> KaranaResult<BatchReport> {
    settings.validate()?;
    check_buffers(state, STATE_LEN, input, out.as_deref())?;
    let mut filter = Mahony {
        q: read_quaternion(state)?,
        bias: Vec3::new(state[5], state[6], state[7]),
        kp: settings.kp,
        ki: settings.ki,
        error_scale: settings.error_scale,
        rest_time_constant_s: settings.rest_bias_time_constant_s,
    };
    let mut prev = state[4];
    let mut still_s = state[REST_INDEX];
    let rest = settings.rest.enabled().then_some(Rest {
        settings: settings.rest,
        still_s: &mut still_s,
    });
    let report = run(&mut filter, &mut prev, rest, input, &settings.clock(), out);
    state[..4].copy_from_slice(&filter.q);
    state[4] = prev;
    state[5..8].copy_from_slice(filter.bias.as_slice());
    state[REST_INDEX] = still_s;
    Ok(report)
}

#[cfg(test)]
mod tests;
