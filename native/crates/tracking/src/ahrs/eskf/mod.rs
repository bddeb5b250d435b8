//! Error-state Kalman filter for attitude with gyroscope bias estimation, over batches of samples
//! (the equations, after Solà 2017, are in [`filter`]).
//!
//! The state buffer holds the nominal state and the 6×6 error covariance, so that a stream can be
//! fed in batches (a split batch gives bit-identical results) and the uncertainty can be read.

pub mod filter;

use super::stream::{
    check_buffers, read_quaternion, run, Accel, AttitudeFilter, BatchInput, BatchReport,
    ClockSettings, Rest, RestSettings, REST_INDEX,
};
use crate::lie::quat::Quat;
use crate::lie::so3::{Mat3, Vec3};
use filter::{Eskf, EskfNoise, Update};
use karana_core::error::{in_range, invalid, KaranaResult};

/// State layout: `[qw, qx, qy, qz, prevTNs, bx, by, bz, stillS, P₀₀ … P₅₅]`: `q_world_body`, the
/// time of the last sample (ns, NaN before the first), the gyroscope bias (rad/s, body frame), the
/// rest timer (s the gyroscope has been still) and the error covariance, 6×6 row-major over
/// `(δθx, δθy, δθz, δbx, δby, δbz)` (rad², rad²/s, rad²/s²).
pub const STATE_LEN: usize = 45;
/// Index of `P₀₀` in the state.
pub const P_OFFSET: usize = 9;

/// Filter settings. `Default` is the frozen default: the EuRoC ADIS16448 `imu0/sensor.yaml` gyro
/// noise (1.6968e-4 rad/s/√Hz, random walk 1.9393e-5 rad/s²/√Hz) and accelerometer terms tuned on
/// BROAD (docs/native-tracking.md).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EskfSettings {
    pub noise: EskfNoise,
    pub clock: ClockSettings,
    /// Rest detection; at rest a zero-angular-rate update measures the bias.
    pub rest: RestSettings,
}

impl Default for EskfSettings {
    fn default() -> Self {
        Self {
            noise: EskfNoise {
                gyro_noise_density: 1.6968e-4,
                gyro_bias_random_walk: 1.9393e-5,
                accel_noise_mps2: 0.7,
                accel_deviation_gain: 0.0,
                gravity_mps2: 9.81,
                accel_gate: 4.0,
                mag_heading_noise_rad: 2.0,
                mag_gate: 0.0,
            },
            clock: ClockSettings {
                nominal_rate_hz: 100.0,
                max_dt_s: 1.0,
            },
            rest: RestSettings::FUSION,
        }
    }
}

impl EskfSettings {
    /// Checks every field (names as in the JS settings object).
    pub fn validate(&self) -> KaranaResult<()> {
        let n = &self.noise;
        in_range("gyroNoiseDensity", n.gyro_noise_density, 0.0, 1e3)?;
        in_range("gyroBiasRandomWalk", n.gyro_bias_random_walk, 0.0, 1e3)?;
        in_range("accelNoiseMps2", n.accel_noise_mps2, 1e-9, 1e3)?;
        in_range("accelDeviationGain", n.accel_deviation_gain, 0.0, 1e6)?;
        in_range("gravityMps2", n.gravity_mps2, 1e-3, 1e3)?;
        in_range("accelGate", n.accel_gate, 0.0, 1e12)?;
        in_range("magHeadingNoiseRad", n.mag_heading_noise_rad, 1e-9, 1e3)?;
        in_range("magGate", n.mag_gate, 0.0, 1e12)?;
        self.clock.validate()?;
        self.rest.validate()
    }
}

/// The filter as the batch driver runs it: the noise model and whether this sample is at rest.
struct Driven {
    filter: Eskf,
    noise: EskfNoise,
    at_rest: bool,
}

impl AttitudeFilter for Driven {
    fn step(
        &mut self,
        dt_s: f64,
        gyro: [f64; 3],
        accel: Option<Accel>,
        mag: Option<[f64; 3]>,
        report: &mut BatchReport,
    ) {
        let (f, noise) = (&mut self.filter, &self.noise);
        f.predict(Vec3::from(gyro), dt_s, noise);
        if let Some(a) = accel {
            let unit = Vec3::from(a.unit);
            if f.update_gravity(unit, a.norm, noise, self.at_rest) == Update::Gated {
                report.accel_gated += 1;
            }
        }
        if let Some(m) = mag {
            if f.update_heading(Vec3::from(m), noise) == Update::Gated {
                report.mag_gated += 1;
            }
        }
        self.at_rest = false;
    }

    fn quaternion(&self) -> Quat {
        self.filter.q
    }

    fn gyro_bias(&self) -> [f64; 3] {
        self.filter.bias.into()
    }

    fn at_rest(&mut self, gyro: [f64; 3], dt_s: f64) {
        self.filter
            .update_zero_rate(Vec3::from(gyro), dt_s, &self.noise);
        self.at_rest = true;
    }
}

/// Writes a fresh state: `q`, no previous stamp, `bias` (rad/s) and a diagonal covariance with
/// standard deviations `attitude_sigma_rad` and `bias_sigma_radps`.
pub fn init_state(
    state: &mut [f64; STATE_LEN],
    q: Quat,
    bias: [f64; 3],
    attitude_sigma_rad: f64,
    bias_sigma_radps: f64,
) {
    state.fill(0.0);
    state[..4].copy_from_slice(&q);
    state[4] = f64::NAN;
    state[5..8].copy_from_slice(&bias);
    state[REST_INDEX] = 0.0;
    for i in 0..6 {
        let s = if i < 3 {
            attitude_sigma_rad
        } else {
            bias_sigma_radps
        };
        state[P_OFFSET + 7 * i] = s * s;
    }
}

fn read_filter(state: &[f64]) -> KaranaResult<Eskf> {
    let q = read_quaternion(state)?;
    let p = &state[P_OFFSET..P_OFFSET + 36];
    if let Some(k) = (0..36).find(|&k| !p[k].is_finite() || (k % 7 == 0 && p[k] < 0.0)) {
        return Err(invalid(
            "state",
            "a covariance with finite entries and a non-negative diagonal in [9..45]",
            format!("state[{}] = {}", P_OFFSET + k, p[k]),
        ));
    }
    // The upper-right block is read; the lower-left is written as its transpose.
    let block = |r: usize, c: usize| Mat3::from_fn(|i, j| p[6 * (r + i) + c + j]);
    Ok(Eskf {
        q,
        bias: Vec3::new(state[5], state[6], state[7]),
        p_tt: block(0, 0),
        p_tb: block(0, 3),
        p_bb: block(3, 3),
    })
}

fn write_filter(f: &Eskf, state: &mut [f64]) {
    state[..4].copy_from_slice(&f.q);
    state[5..8].copy_from_slice(f.bias.as_slice());
    let p = &mut state[P_OFFSET..P_OFFSET + 36];
    for i in 0..3 {
        for j in 0..3 {
            p[6 * i + j] = f.p_tt[(i, j)];
            p[6 * i + j + 3] = f.p_tb[(i, j)];
            p[6 * (i + 3) + j] = f.p_tb[(j, i)];
            p[6 * (i + 3) + j + 3] = f.p_bb[(i, j)];
        }
    }
}

/// Runs the filter over `input`, updating `state` (see [`STATE_LEN`]) in place and writing the
/// quaternion after each sample to `out[4i..4i+4]` when given. Fails only on caller errors.
pub fn update_batch(
    state: &mut [f64],
    input: &BatchInput<'_>,
    settings: &EskfSettings,
    out: Option<&mut [f64]>,
) -> KaranaResult<BatchReport> {
    settings.validate()?;
    check_buffers(state, STATE_LEN, input, out.as_deref())?;
    let mut filter = Driven {
        filter: read_filter(state)?,
        noise: settings.noise,
        at_rest: false,
    };
    let mut prev = state[4];
    let mut still_s = state[REST_INDEX];
    let rest = settings.rest.enabled().then_some(Rest {
        settings: settings.rest,
        still_s: &mut still_s,
    });
    let report = run(&mut filter, &mut prev, rest, input, &settings.clock, out);
    write_filter(&filter.filter, state);
    state[4] = prev;
    state[REST_INDEX] = still_s;
    Ok(report)
}

#[cfg(test)]
mod tests;
