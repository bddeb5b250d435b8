//! `eskfUpdateSync` / `eskfUpdate`.

use super::ahrs::{rest_settings, run_sync, AhrsKernel, AhrsTask, EskfBatchResult};
use karana_core::error::KaranaResult;
use karana_tracking::ahrs::eskf::{update_batch, EskfSettings as Settings};
use karana_tracking::ahrs::stream::{BatchInput, BatchReport};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Error-state Kalman filter settings. Defaults: `gyroNoiseDensity` 1.6968e-4 rad/s/√Hz and
/// `gyroBiasRandomWalk` 1.9393e-5 rad/s²/√Hz (EuRoC ADIS16448 `imu0/sensor.yaml`; put your
/// IMU's datasheet values here), `accelNoiseMps2` 0.7, `accelDeviationGain` 0, `gravityMps2`
/// 9.81, `accelGate` 4, `magHeadingNoiseRad` 2, `magGate` 0 (off), `nominalRateHz` 100,
/// `maxDtS` 1, rest detection on (`restGyroThresholdRadps` 0.05236 = 3°/s, `restPeriodS` 3).
#[napi(object)]
pub struct EskfSettings {
    /// Gyroscope white-noise density σ_g, rad/s/√Hz (propagation: σ_g² Δt per step).
    pub gyro_noise_density: Option<f64>,
    /// Gyroscope bias random walk σ_bw, rad/s²/√Hz (propagation: σ_bw² Δt per step).
    pub gyro_bias_random_walk: Option<f64>,
    /// Standard deviation σ_a of the specific force at rest, m/s²: the gravity-direction noise is
    /// `(σ_a + k·|‖a‖ − g|) / g` rad.
    pub accel_noise_mps2: Option<f64>,
    /// `k`: how much `|‖a‖ − g|` (linear acceleration) adds to σ_a.
    pub accel_deviation_gain: Option<f64>,
    /// `g`, m/s².
    pub gravity_mps2: Option<f64>,
    /// Gate on the squared Mahalanobis distance of the accelerometer innovation (with the noise
    /// at rest); 0: off. Not applied while the sensor is at rest.
    pub accel_gate: Option<f64>,
    /// Standard deviation of one magnetometer heading measurement, rad.
    pub mag_heading_noise_rad: Option<f64>,
    /// Gate on the squared Mahalanobis distance of the heading innovation; 0: off.
    pub mag_gate: Option<f64>,
    /// Sample rate assumed when dt cannot be measured, Hz.
    pub nominal_rate_hz: Option<f64>,
    /// Longest dt taken from the timestamps, s.
    pub max_dt_s: Option<f64>,
    /// Rest detection: per-axis rate of `gyro − bias` below which the sensor may be still, rad/s
    /// (0: off); once still for `restPeriodS`, a zero-angular-rate update measures the bias.
    pub rest_gyro_threshold_radps: Option<f64>,
    /// How long the sensor must be still, s.
    pub rest_period_s: Option<f64>,
}

fn to_settings(s: Option<&EskfSettings>) -> Result<Settings> {
    let d = Settings::default();
    let Some(s) = s else { return Ok(d) };
    let mut r = d;
    let n = &mut r.noise;
    n.gyro_noise_density = s.gyro_noise_density.unwrap_or(n.gyro_noise_density);
    n.gyro_bias_random_walk = s.gyro_bias_random_walk.unwrap_or(n.gyro_bias_random_walk);
    n.accel_noise_mps2 = s.accel_noise_mps2.unwrap_or(n.accel_noise_mps2);
    n.accel_deviation_gain = s.accel_deviation_gain.unwrap_or(n.accel_deviation_gain);
    n.gravity_mps2 = s.gravity_mps2.unwrap_or(n.gravity_mps2);
    n.accel_gate = s.accel_gate.unwrap_or(n.accel_gate);
    n.mag_heading_noise_rad = s.mag_heading_noise_rad.unwrap_or(n.mag_heading_noise_rad);
    n.mag_gate = s.mag_gate.unwrap_or(n.mag_gate);
    r.clock.nominal_rate_hz = s.nominal_rate_hz.unwrap_or(r.clock.nominal_rate_hz);
    r.clock.max_dt_s = s.max_dt_s.unwrap_or(r.clock.max_dt_s);
    r.rest = rest_settings(s.rest_gyro_threshold_radps, s.rest_period_s, d.rest)?;
    r.validate()?;
    Ok(r)
}

/// Checked ESKF settings, the kernel of the batch task.
pub struct Eskf(Settings);

impl AhrsKernel for Eskf {
    type Js = EskfBatchResult;

    fn run(
        &self,
        state: &mut [f64],
        input: &BatchInput<'_>,
        out: Option<&mut [f64]>,
    ) -> KaranaResult<BatchReport> {
        update_batch(state, input, &self.0, out)
    }
}

/// Runs the error-state Kalman filter for attitude and gyroscope bias over a batch, on the
/// calling thread (J. Solà, "Quaternion kinematics for the error-state Kalman filter", 2017:
/// propagation with the gyroscope noise density and bias random walk; the accelerometer as a
/// gravity-direction measurement, gated, with a noise that grows with `|‖a‖ − g|`; the
/// magnetometer as a heading measurement; a zero-angular-rate update at rest; injection and
/// reset of the error state).
///
/// - `state`: `Float64Array(45)` `[qw, qx, qy, qz, prevTNs, bx, by, bz, stillS, P₀₀ … P₅₅]`:
///   `q_world_body` (world z up; x magnetic north with a magnetometer), the last sample time
///   (ns, NaN before the first), the gyroscope bias (rad/s, body frame), the rest timer (s) and
///   the 6×6 error covariance (row-major over δθ rad, δb rad/s), updated in place.
/// - `timestampsNs`: n times, runtime clock, ns; `gyroRadps`, `accelMps2`, `magUt` (optional):
///   3n values, xyz interleaved, body frame; `out` (optional): 4n values, the quaternion after
///   each sample.
///
/// Throws only on caller errors (sizes, settings, a state without a quaternion or with a
/// covariance that has non-finite entries or a negative diagonal, aliasing); degraded samples
/// and gated updates are counted in the result.
#[napi]
pub fn eskf_update_sync(
    state: Float64ArraySlice<'_>,
    timestamps_ns: Float64ArraySlice<'_>,
    gyro_radps: Float64ArraySlice<'_>,
    accel_mps2: Float64ArraySlice<'_>,
    mag_ut: Option<Float64ArraySlice<'_>>,
    settings: Option<EskfSettings>,
    out: Option<Float64ArraySlice<'_>>,
) -> Result<EskfBatchResult> {
    let k = Eskf(to_settings(settings.as_ref())?);
    let mag = mag_ut.as_deref();
    run_sync(
        &k,
        state,
        &timestamps_ns,
        &gyro_radps,
        &accel_mps2,
        mag,
        out,
    )
}

/// `eskfUpdateSync` on the libuv thread pool. Settings are checked before queuing; buffer errors
/// reject. Leave `state`, `out` and the inputs alone until the promise settles.
#[napi(ts_return_type = "Promise<EskfBatchResult>")]
pub fn eskf_update(
    state: Float64Array,
    timestamps_ns: Float64Array,
    gyro_radps: Float64Array,
    accel_mps2: Float64Array,
    mag_ut: Option<Float64Array>,
    settings: Option<EskfSettings>,
    out: Option<Float64Array>,
) -> Result<AsyncTask<AhrsTask<Eskf>>> {
    Ok(AsyncTask::new(AhrsTask {
        kernel: Eskf(to_settings(settings.as_ref())?),
        state,
        timestamps_ns,
        gyro_radps,
        accel_mps2,
        mag_ut,
        out,
    }))
}
