//! `madgwickUpdateSync` / `madgwickUpdate` / `madgwickInitFromAccel`.

use super::ahrs::{rest_settings, run_sync, AhrsBatchResult, AhrsKernel, AhrsTask};
use karana_core::error::{triple, KaranaResult};
use karana_tracking::ahrs::init::init_from_accel;
use karana_tracking::ahrs::madgwick::batch::{update_batch, MadgwickSettings as Settings};
use karana_tracking::ahrs::stream::{BatchInput, BatchReport};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Madgwick filter settings. Defaults: `beta` 0.1, `nominalRateHz` 100, `maxDtS` 1, `zeta` 0,
/// rest detection off (`restGyroThresholdRadps` 0, `restPeriodS` 3, `restBiasTimeConstantS` 8).
#[napi(object)]
pub struct MadgwickSettings {
    /// Gyroscope bias drift gain ζ, rad/s² (Madgwick 2010 §3.4, eqs 47–49); > 0 needs an 8-number
    /// state `[qw, qx, qy, qz, prevTNs, bx, by, bz]`, whose bias (rad/s, body frame) it estimates.
    pub zeta: Option<f64>,
    /// Gradient-descent gain β, rad/s (Madgwick 2010 eq 50: `√(3/4) ·` gyroscope error).
    pub beta: Option<f64>,
    /// Sample rate assumed when dt cannot be measured (no previous stamp, dt ≤ 0, dt > maxDtS), Hz.
    pub nominal_rate_hz: Option<f64>,
    /// Longest dt taken from the timestamps, s.
    pub max_dt_s: Option<f64>,
    /// Rest detection: per-axis rate of `gyro − bias` below which the sensor may be still, rad/s
    /// (0: off). On, it needs the 9-number state `[…, bx, by, bz, stillS]`; once still for
    /// `restPeriodS` the bias follows the raw gyroscope (x-io Fusion's `FusionBias`).
    pub rest_gyro_threshold_radps: Option<f64>,
    /// How long the sensor must be still before the bias is learned, s.
    pub rest_period_s: Option<f64>,
    /// Time constant of the bias learned at rest, s.
    pub rest_bias_time_constant_s: Option<f64>,
}

fn to_settings(s: Option<&MadgwickSettings>) -> Result<Settings> {
    let d = Settings::default();
    let Some(s) = s else { return Ok(d) };
    let settings = Settings {
        beta: s.beta.unwrap_or(d.beta),
        nominal_rate_hz: s.nominal_rate_hz.unwrap_or(d.nominal_rate_hz),
        max_dt_s: s.max_dt_s.unwrap_or(d.max_dt_s),
        zeta: s.zeta.unwrap_or(d.zeta),
        rest: rest_settings(s.rest_gyro_threshold_radps, s.rest_period_s, d.rest)?,
        rest_bias_time_constant_s: s
            .rest_bias_time_constant_s
            .unwrap_or(d.rest_bias_time_constant_s),
    };
    settings.validate()?;
    Ok(settings)
}

/// Checked Madgwick settings, the kernel of the batch task.
pub struct Madgwick(Settings);

impl AhrsKernel for Madgwick {
    type Js = AhrsBatchResult;

    fn run(
        &self,
        state: &mut [f64],
        input: &BatchInput<'_>,
        out: Option<&mut [f64]>,
    ) -> KaranaResult<BatchReport> {
        update_batch(state, input, &self.0, out)
    }
}

/// Runs Madgwick's orientation filter over a batch of IMU samples, on the calling thread.
///
/// Source: S. O. H. Madgwick, "An efficient orientation filter for inertial and
/// inertial/magnetic sensor arrays", University of Bristol, 2010: IMU algorithm, or MARG
/// algorithm (with magnetic distortion compensation) for samples with a non-zero magnetometer
/// reading; gyroscope bias drift compensation (§3.4) with an 8-number state.
///
/// - `state`: `Float64Array(5)` `[qw, qx, qy, qz, prevTNs]`, `Float64Array(8)` with a gyroscope
///   bias `[…, bx, by, bz]` (rad/s, body frame; removed from every sample, estimated when
///   `zeta` > 0) or `Float64Array(9)` with the rest timer `[…, stillS]` (rest detection), updated
///   in place; the quaternion is Hamilton `q_world_body` (world z up; x magnetic north once a
///   magnetometer is used); `prevTNs` NaN before the first sample.
/// - `timestampsNs`: n sample times, runtime clock, ns; dt comes from consecutive stamps (the first
///   from `prevTNs`).
/// - `gyroRadps`, `accelMps2`, `magUt` (optional): 3n values, xyz interleaved, body frame.
/// - `out` (optional): 4n values, the quaternion after each sample.
///
/// Throws only on caller errors (sizes, settings, a state without a quaternion, `out`/`state`
/// sharing memory with an input); degraded samples are counted in the result.
#[napi]
pub fn madgwick_update_sync(
    state: Float64ArraySlice<'_>,
    timestamps_ns: Float64ArraySlice<'_>,
    gyro_radps: Float64ArraySlice<'_>,
    accel_mps2: Float64ArraySlice<'_>,
    mag_ut: Option<Float64ArraySlice<'_>>,
    settings: Option<MadgwickSettings>,
    out: Option<Float64ArraySlice<'_>>,
) -> Result<AhrsBatchResult> {
    let k = Madgwick(to_settings(settings.as_ref())?);
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

/// `madgwickUpdateSync` on the libuv thread pool (for long batches, e.g. a whole recording).
/// Settings are checked before the work is queued; buffer errors reject the promise. `state` and
/// `out` are written on the pool thread: do not read or modify them, or the inputs, until the
/// promise settles.
#[napi(ts_return_type = "Promise<AhrsBatchResult>")]
pub fn madgwick_update(
    state: Float64Array,
    timestamps_ns: Float64Array,
    gyro_radps: Float64Array,
    accel_mps2: Float64Array,
    mag_ut: Option<Float64Array>,
    settings: Option<MadgwickSettings>,
    out: Option<Float64Array>,
) -> Result<AsyncTask<AhrsTask<Madgwick>>> {
    Ok(AsyncTask::new(AhrsTask {
        kernel: Madgwick(to_settings(settings.as_ref())?),
        state,
        timestamps_ns,
        gyro_radps,
        accel_mps2,
        mag_ut,
        out,
    }))
}

/// Initial `q_world_body` `[w, x, y, z]` (w ≥ 0) from one accelerometer reading (roll and pitch:
/// world z along the measured up direction) and, optionally, a magnetometer reading (heading:
/// world x along the horizontal field, the frame the filters converge to with a magnetometer);
/// without it yaw is 0 (world x along the horizontal part of body x, or of body −z/+z at ±90°
/// pitch).
///
/// `accelMps2`, `magUt`: 3 numbers, body frame (only directions matter). Throws when `accelMps2`
/// is zero or not finite, or `magUt` is not finite or parallel to gravity.
#[napi]
pub fn madgwick_init_from_accel(
    accel_mps2: Vec<f64>,
    mag_ut: Option<Vec<f64>>,
) -> Result<Vec<f64>> {
    let a = triple("accelMps2", &accel_mps2)?;
    let m = mag_ut.as_deref().map(|m| triple("magUt", m)).transpose()?;
    Ok(init_from_accel(a, m)?.to_vec())
}
