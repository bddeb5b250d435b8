//! Feeding the preintegrator a batch of timestamped samples, with degraded samples counted.

use super::Preintegrator;
use crate::lie::so3::Vec3;
use karana_core::error::{in_range, require_len, KaranaResult};

/// Noise densities (from the IMU's datasheet or Kalibr `imu.yaml`) and the gap counted as long.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PreintSettings {
    /// Gyroscope white-noise density, rad/s/√Hz.
    pub gyro_noise_density: f64,
    /// Accelerometer white-noise density, m/s²/√Hz.
    pub accel_noise_density: f64,
    /// Gaps longer than this are still integrated (the time passed is real) but counted, s.
    pub max_dt_s: f64,
}

impl Default for PreintSettings {
    /// The EuRoC ADIS16448 (`imu0/sensor.yaml`): 1.6968e-4 rad/s/√Hz, 2.0e-3 m/s²/√Hz.
    fn default() -> Self {
        Self {
            gyro_noise_density: 1.6968e-4,
            accel_noise_density: 2.0e-3,
            max_dt_s: 0.1,
        }
    }
}

impl PreintSettings {
    /// Checks every field (names as in the JS options object).
    pub fn validate(&self) -> KaranaResult<()> {
        in_range("gyroNoiseDensity", self.gyro_noise_density, 0.0, 1e3)?;
        in_range("accelNoiseDensity", self.accel_noise_density, 0.0, 1e3)?;
        in_range("maxDtS", self.max_dt_s, 1e-9, 1e6)?;
        Ok(())
    }
}

/// What happened to one batch, as counts of samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PreintReport {
    /// Samples given.
    pub samples: u32,
    /// Not integrated: no sample had been fed before (it only starts the hold).
    pub no_previous_stamp: u32,
    /// Not integrated: time did not advance (dt ≤ 0 or not a number).
    pub non_positive_dt: u32,
    /// Integrated over a gap longer than `max_dt_s` (with the held sample).
    pub long_dt: u32,
    /// Not held (gyroscope or accelerometer not finite): the previous sample keeps driving.
    pub skipped: u32,
}

impl Preintegrator {
    /// Feeds samples `t_ns[i]` (ns), `gyro[3i..3i+3]` (rad/s), `accel[3i..3i+3]` (m/s²): each
    /// integrates the held sample over the time since it, then becomes the held sample.
    /// Fails only when `gyro` or `accel` hold fewer than `3 · t_ns.len()` numbers.
    pub fn integrate_batch(
        &mut self,
        t_ns: &[f64],
        gyro: &[f64],
        accel: &[f64],
    ) -> KaranaResult<PreintReport> {
        let n = t_ns.len();
        require_len("gyroRadps", "numbers", 3 * n, gyro.len())?;
        require_len("accelMps2", "numbers", 3 * n, accel.len())?;
        let mut report = PreintReport {
            samples: n as u32,
            ..PreintReport::default()
        };
        for (i, &t) in t_ns.iter().enumerate() {
            if self.held_t_ns.is_nan() {
                report.no_previous_stamp += 1;
            } else {
                let dt = (t - self.held_t_ns) * 1e-9;
                if dt.is_nan() || dt <= 0.0 {
                    report.non_positive_dt += 1;
                } else {
                    report.long_dt += u32::from(dt > self.settings.max_dt_s);
                    self.integrate(self.held_gyro, self.held_accel, dt);
                }
            }
            let g = Vec3::new(gyro[3 * i], gyro[3 * i + 1], gyro[3 * i + 2]);
            let a = Vec3::new(accel[3 * i], accel[3 * i + 1], accel[3 * i + 2]);
            if g.iter().chain(a.iter()).all(|v| v.is_finite()) {
                (self.held_gyro, self.held_accel) = (g, a);
            } else {
                report.skipped += 1;
            }
            if t.is_finite() && (self.held_t_ns.is_nan() || t >= self.held_t_ns) {
                self.held_t_ns = t;
            }
        }
        Ok(report)
    }
}
