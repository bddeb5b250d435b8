//! Madgwick filter over a batch of timestamped IMU samples, with a caller-owned state.
//!
//! Never fails on data: degraded samples are counted in [`BatchReport`]. It fails only on caller
//! errors (buffer sizes, aliasing, settings, a state that holds no quaternion).
//!
//! Optional rest detection (not in the report; x-io Fusion's `FusionBias`): once the gyroscope
//! has been still for the rest period, the bias follows the raw gyroscope with a time constant,
//! which gives the full bias (the vertical component too, which ζ cannot see).

use super::{step, Bias, Feedback};
use crate::ahrs::stream::{
    check_buffers, read_quaternion, run, Accel, AttitudeFilter, BatchInput, BatchReport,
    ClockSettings, Rest, RestSettings, REST_INDEX,
};
use crate::lie::quat::Quat;
use karana_core::error::{in_range, KaranaResult};

/// Filter settings. `Default` is the frozen default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MadgwickSettings {
    /// Gradient-descent gain β, rad/s (report eq 50: √(3/4)·gyro error).
    pub beta: f64,
    /// Rate assumed when dt cannot be measured, Hz.
    pub nominal_rate_hz: f64,
    /// Largest dt accepted from the timestamps, s; longer gaps use the nominal dt.
    pub max_dt_s: f64,
    /// Gyroscope bias drift gain ζ, rad/s² (report eq 49); > 0 needs a state with a bias.
    pub zeta: f64,
    /// Rest detection (off by default); when on, the bias follows the raw gyroscope at rest with
    /// time constant `rest_bias_time_constant_s`, and the state needs the rest timer.
    pub rest: RestSettings,
    /// Time constant of the bias learned at rest, s (Fusion: 1/(2π·0.02 Hz) ≈ 8 s).
    pub rest_bias_time_constant_s: f64,
}

impl Default for MadgwickSettings {
    fn default() -> Self {
        Self {
            beta: 0.1,
            nominal_rate_hz: 100.0,
            max_dt_s: 1.0,
            zeta: 0.0,
            rest: RestSettings::OFF,
            rest_bias_time_constant_s: 8.0,
        }
    }
}

impl MadgwickSettings {
    /// Checks every field (names as in the JS settings object).
    pub fn validate(&self) -> KaranaResult<()> {
        in_range("beta", self.beta, 0.0, 1e6)?;
        self.clock().validate()?;
        in_range("zeta", self.zeta, 0.0, 1e6)?;
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

/// State layout: `[qw, qx, qy, qz, prevTNs]`; `prevTNs` is NaN before the first sample.
pub const STATE_LEN: usize = 5;
/// State layout with a gyroscope bias: `[qw, qx, qy, qz, prevTNs, bx, by, bz]` (rad/s, body frame);
/// the bias is removed from every gyroscope sample and, with ζ > 0, estimated (report §3.4).
pub const STATE_LEN_WITH_BIAS: usize = 8;
/// State layout with a bias and the rest timer (s the gyroscope has been still), needed by rest
/// detection: `[qw, qx, qy, qz, prevTNs, bx, by, bz, stillS]`.
pub const STATE_LEN_WITH_REST: usize = 9;

struct Madgwick {
    q: Quat,
    beta: f64,
    bias: Option<Bias>,
    rest_time_constant_s: f64,
}

impl AttitudeFilter for Madgwick {
    fn step(
        &mut self,
        dt_s: f64,
        gyro: [f64; 3],
        accel: Option<Accel>,
        mag: Option<[f64; 3]>,
        _report: &mut BatchReport,
    ) {
        let feedback = match (accel, mag) {
            (None, _) => Feedback::None,
            (Some(a), None) => Feedback::Gravity(a.unit),
            (Some(a), Some(m)) => Feedback::GravityAndField(a.unit, m),
        };
        step(
            &mut self.q,
            gyro,
            feedback,
            self.beta,
            dt_s,
            self.bias.as_mut(),
        );
    }

    fn quaternion(&self) -> Quat {
        self.q
    }

    fn gyro_bias(&self) -> [f64; 3] {
        self.bias.map_or([0.0; 3], |b| b.rate_radps)
    }

    fn at_rest(&mut self, gyro: [f64; 3], dt_s: f64) {
        if let Some(b) = self.bias.as_mut() {
            let k = (dt_s / self.rest_time_constant_s).min(1.0);
            for (r, g) in b.rate_radps.iter_mut().zip(gyro) {
                *r += k * (g - *r);
            }
        }
    }
}

/// Runs the filter over `input`, updating `state` in place and writing the quaternion after each
/// sample to `out[4i..4i+4]` when given.
pub fn update_batch(
    state: &mut [f64],
    input: &BatchInput<'_>,
    settings: &MadgwickSettings,
    out: Option<&mut [f64]>,
) -> KaranaResult<BatchReport> {
    settings.validate()?;
    let state_len = if settings.rest.enabled() {
        STATE_LEN_WITH_REST
    } else if settings.zeta > 0.0 {
        STATE_LEN_WITH_BIAS
    } else {
        STATE_LEN
    };
    check_buffers(state, state_len, input, out.as_deref())?;
    let mut filter = Madgwick {
        q: read_quaternion(state)?,
        beta: settings.beta,
        bias: (state.len() >= STATE_LEN_WITH_BIAS).then(|| Bias {
            rate_radps: [state[5], state[6], state[7]],
            zeta: settings.zeta,
        }),
        rest_time_constant_s: settings.rest_bias_time_constant_s,
    };
    let mut prev = state[4];
    let mut still_s = state.get(REST_INDEX).copied().unwrap_or(0.0);
    let rest = settings.rest.enabled().then_some(Rest {
        settings: settings.rest,
        still_s: &mut still_s,
    });
    let report = run(&mut filter, &mut prev, rest, input, &settings.clock(), out);
    state[..4].copy_from_slice(&filter.q);
    state[4] = prev;
    if let Some(b) = filter.bias {
        state[5..8].copy_from_slice(&b.rate_radps);
    }
    if settings.rest.enabled() {
        state[REST_INDEX] = still_s;
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
