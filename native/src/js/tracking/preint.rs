//! The `ImuPreintegrator` class: one preintegration between keyframes, reused across intervals.

use karana_core::error::{in_range, require_disjoint, require_len, triple};
use karana_tracking::lie::quat::{matrix_to_quat, quat_normalize, quat_to_matrix};
use karana_tracking::lie::so3::Vec3;
use karana_tracking::preint::{NavState, PreintReport, PreintSettings, Preintegrator};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Noise densities and initial biases. Defaults: the EuRoC ADIS16448 `imu0/sensor.yaml`
/// (`gyroNoiseDensity` 1.6968e-4 rad/s/√Hz, `accelNoiseDensity` 2.0e-3 m/s²/√Hz), `maxDtS` 0.1,
/// zero biases.
#[napi(object)]
pub struct ImuPreintegratorOptions {
    /// Gyroscope white-noise density, rad/s/√Hz.
    pub gyro_noise_density: Option<f64>,
    /// Accelerometer white-noise density, m/s²/√Hz.
    pub accel_noise_density: Option<f64>,
    /// Gaps longer than this are integrated but counted (`longDt`), s.
    pub max_dt_s: Option<f64>,
    /// Gyroscope bias the samples are corrected with, rad/s, body frame (3 numbers).
    pub gyro_bias_radps: Option<Vec<f64>>,
    /// Accelerometer bias, m/s², body frame (3 numbers).
    pub accel_bias_mps2: Option<Vec<f64>>,
}

/// Counts of one `integrate` call (degraded samples are counted, never thrown).
#[napi(object)]
pub struct PreintegrationResult {
    /// Samples given.
    pub samples: u32,
    /// Not integrated: nothing had been fed before (the sample only starts the hold).
    pub no_previous_stamp: u32,
    /// Not integrated: time did not advance.
    pub non_positive_dt: u32,
    /// Integrated over a gap longer than `maxDtS`.
    pub long_dt: u32,
    /// Not held (non-finite gyroscope or accelerometer): the previous sample keeps driving.
    pub skipped: u32,
}

impl From<PreintReport> for PreintegrationResult {
    fn from(r: PreintReport) -> Self {
        Self {
            samples: r.samples,
            no_previous_stamp: r.no_previous_stamp,
            non_positive_dt: r.non_positive_dt,
            long_dt: r.long_dt,
            skipped: r.skipped,
        }
    }
}

/// Options of `predict`: the biases the deltas are corrected to (default: those integrated with)
/// and `g` (default 9.81 m/s²).
#[napi(object)]
pub struct PreintegrationPredictOptions {
    pub gyro_bias_radps: Option<Vec<f64>>,
    pub accel_bias_mps2: Option<Vec<f64>>,
    pub gravity_mps2: Option<f64>,
}

fn vec3(name: &'static str, v: Option<&Vec<f64>>, default: Vec3) -> Result<Vec3> {
    Ok(v.map(|v| triple(name, v).map(Vec3::from))
        .transpose()?
        .unwrap_or(default))
}

/// IMU preintegration between two keyframes (C. Forster, L. Carlone, F. Dellaert,
/// D. Scaramuzza, "On-Manifold Preintegration for Real-Time Visual–Inertial Odometry", IEEE
/// T-RO 2017): `ΔR`, `Δv`, `Δp` with their 9×9 covariance and bias Jacobians, first-order bias
/// correction, and the prediction of the next keyframe's state. Samples are a zero-order hold;
/// after the sample at the keyframe time, `reset` starts the next interval. Calls are short (an
/// interval is tens of samples), so there is no async twin.
#[napi(custom_finalize)]
pub struct ImuPreintegrator {
    inner: Preintegrator,
}

/// Bytes each instance holds outside the JS heap, reported to V8 so that it collects abandoned
/// instances as promptly as it would JS objects of that size.
const EXTERNAL_BYTES: i64 = std::mem::size_of::<Preintegrator>() as i64;

impl ObjectFinalize for ImuPreintegrator {
    fn finalize(self, env: Env) -> Result<()> {
        env.adjust_external_memory(-EXTERNAL_BYTES)?;
        Ok(())
    }
}

#[napi]
impl ImuPreintegrator {
    /// Throws on settings out of range or a bias that is not 3 numbers.
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<ImuPreintegratorOptions>) -> Result<Self> {
        let d = PreintSettings::default();
        let o = options.as_ref();
        let settings = PreintSettings {
            gyro_noise_density: o
                .and_then(|o| o.gyro_noise_density)
                .unwrap_or(d.gyro_noise_density),
            accel_noise_density: o
                .and_then(|o| o.accel_noise_density)
                .unwrap_or(d.accel_noise_density),
            max_dt_s: o.and_then(|o| o.max_dt_s).unwrap_or(d.max_dt_s),
        };
        settings.validate()?;
        let bg = vec3(
            "gyroBiasRadps",
            o.and_then(|o| o.gyro_bias_radps.as_ref()),
            Vec3::zeros(),
        )?;
        let ba = vec3(
            "accelBiasMps2",
            o.and_then(|o| o.accel_bias_mps2.as_ref()),
            Vec3::zeros(),
        )?;
        env.adjust_external_memory(EXTERNAL_BYTES)?;
        Ok(Self {
            inner: Preintegrator::new(settings, bg, ba),
        })
    }

    /// Feeds n samples: `timestampsNs` (runtime clock, ns), `gyroRadps` and `accelMps2` (3n,
    /// xyz interleaved, body frame). Each integrates the held sample over the time since it.
    /// Throws when an input is shorter than 3n.
    #[napi]
    pub fn integrate(
        &mut self,
        timestamps_ns: Float64ArraySlice<'_>,
        gyro_radps: Float64ArraySlice<'_>,
        accel_mps2: Float64ArraySlice<'_>,
    ) -> Result<PreintegrationResult> {
        Ok(self
            .inner
            .integrate_batch(&timestamps_ns, &gyro_radps, &accel_mps2)?
            .into())
    }

    /// Starts the next interval (a keyframe at the last sample fed), optionally with new bias
    /// estimates (3 numbers each; default: the current ones).
    #[napi]
    pub fn reset(
        &mut self,
        gyro_bias_radps: Option<Vec<f64>>,
        accel_bias_mps2: Option<Vec<f64>>,
    ) -> Result<()> {
        let bg = vec3(
            "gyroBiasRadps",
            gyro_bias_radps.as_ref(),
            self.inner.bias_gyro,
        )?;
        let ba = vec3(
            "accelBiasMps2",
            accel_bias_mps2.as_ref(),
            self.inner.bias_accel,
        )?;
        self.inner.reset(bg, ba);
        Ok(())
    }

    /// `Δt_ij`, s: the time integrated since the last reset.
    #[napi(getter)]
    pub fn delta_time_s(&self) -> f64 {
        self.inner.dt_sum
    }

    /// Writes `[ΔRw, ΔRx, ΔRy, ΔRz, Δvx, Δvy, Δvz, Δpx, Δpy, Δpz]` (quaternion of `ΔR_ij`, m/s, m;
    /// frame of keyframe i's body) to `out` (≥ 10 numbers).
    #[napi]
    pub fn read_deltas(&self, mut out: Float64ArraySlice<'_>) -> Result<()> {
        require_len("out", "numbers", 10, out.len())?;
        // SAFETY: the JS caller owns `out` and does not touch it during this call.
        let o = unsafe { out.as_mut() };
        let p = &self.inner;
        o[..4].copy_from_slice(&matrix_to_quat(&p.delta_r));
        o[4..7].copy_from_slice(p.delta_v.as_slice());
        o[7..10].copy_from_slice(p.delta_p.as_slice());
        Ok(())
    }

    /// Writes the 9×9 covariance of `(δφ, δv, δp)` (row-major; rad², (m/s)², m²) to `out` (≥ 81).
    #[napi]
    pub fn read_covariance(&self, mut out: Float64ArraySlice<'_>) -> Result<()> {
        require_len("out", "numbers", 81, out.len())?;
        // SAFETY: the JS caller owns `out` and does not touch it during this call.
        let o = unsafe { out.as_mut() };
        for (k, v) in o.iter_mut().take(81).enumerate() {
            *v = self.inner.cov[(k / 9, k % 9)];
        }
        Ok(())
    }

    /// Writes the bias Jacobians `∂ΔR/∂b_g, ∂Δv/∂b_g, ∂Δv/∂b_a, ∂Δp/∂b_g, ∂Δp/∂b_a`, each 3×3
    /// row-major (s, s, s, s², s²), to `out` (≥ 45).
    #[napi]
    pub fn read_bias_jacobians(&self, mut out: Float64ArraySlice<'_>) -> Result<()> {
        require_len("out", "numbers", 45, out.len())?;
        // SAFETY: the JS caller owns `out` and does not touch it during this call.
        let o = unsafe { out.as_mut() };
        let p = &self.inner;
        for (j, m) in [p.dr_dbg, p.dv_dbg, p.dv_dba, p.dp_dbg, p.dp_dba]
            .iter()
            .enumerate()
        {
            for k in 0..9 {
                o[9 * j + k] = m[(k / 3, k % 3)];
            }
        }
        Ok(())
    }

    /// The state at the end of the interval from the state at its start (Forster eq 38, with
    /// the first-order bias correction of eq 44): `start` and `out` are `[qw, qx, qy, qz, vx, vy,
    /// vz, px, py, pz]` (`q_world_body`, world velocity m/s, position m; world z up), ≥ 10 each.
    #[napi]
    pub fn predict(
        &self,
        start: Float64ArraySlice<'_>,
        mut out: Float64ArraySlice<'_>,
        options: Option<PreintegrationPredictOptions>,
    ) -> Result<()> {
        require_len("start", "numbers", 10, start.len())?;
        require_len("out", "numbers", 10, out.len())?;
        require_disjoint("out", &out, "start", &start)?;
        let o = options.as_ref();
        let bg = vec3(
            "gyroBiasRadps",
            o.and_then(|o| o.gyro_bias_radps.as_ref()),
            self.inner.bias_gyro,
        )?;
        let ba = vec3(
            "accelBiasMps2",
            o.and_then(|o| o.accel_bias_mps2.as_ref()),
            self.inner.bias_accel,
        )?;
        let g = in_range(
            "gravityMps2",
            o.and_then(|o| o.gravity_mps2).unwrap_or(9.81),
            0.0,
            1e3,
        )?;
        let q = quat_normalize(&[start[0], start[1], start[2], start[3]]);
        let s = NavState {
            rotation: quat_to_matrix(&q),
            velocity: Vec3::new(start[4], start[5], start[6]),
            position: Vec3::new(start[7], start[8], start[9]),
        };
        let e = self.inner.predict(&s, &bg, &ba, g);
        // SAFETY: the JS caller owns `out` and does not touch it during this call.
        let o = unsafe { out.as_mut() };
        o[..4].copy_from_slice(&matrix_to_quat(&e.rotation));
        o[4..7].copy_from_slice(e.velocity.as_slice());
        o[7..10].copy_from_slice(e.position.as_slice());
        Ok(())
    }
}
