//! `madgwickUpdateSync` / `madgwickUpdate` / `madgwickInitFromAccel`.

use karana_core::error::triple;
use karana_tracking::ahrs::batch::{
    update_batch, BatchInput, BatchReport, MadgwickSettings as Settings,
};
use karana_tracking::ahrs::init::init_from_accel;
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Madgwick filter settings. Defaults: `beta` 0.1, `nominalRateHz` 100, `maxDtS` 1, `zeta` 0.
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
}

/// Counts of what happened in one batch; degraded samples are counted here, never thrown.
#[napi(object)]
pub struct MadgwickBatchResult {
    /// Samples processed (the number of timestamps).
    pub samples: u32,
    /// Integrated with the nominal dt: the state had no previous timestamp (NaN).
    pub no_previous_stamp: u32,
    /// Integrated with the nominal dt: dt ≤ 0 or not a number (clock went back, repeated stamp).
    pub non_positive_dt: u32,
    /// Integrated with the nominal dt: dt > maxDtS (a gap in the stream).
    pub long_dt: u32,
    /// Gyroscope-only step: accelerometer zero or not finite.
    pub accel_rejected: u32,
    /// IMU step instead of MARG: magnetometer zero or not finite.
    pub mag_rejected: u32,
    /// Not applied (state held, time advanced): gyroscope not finite.
    pub skipped: u32,
}

impl From<BatchReport> for MadgwickBatchResult {
    fn from(r: BatchReport) -> Self {
        Self {
            samples: r.samples,
            no_previous_stamp: r.no_previous_stamp,
            non_positive_dt: r.non_positive_dt,
            long_dt: r.long_dt,
            accel_rejected: r.accel_rejected,
            mag_rejected: r.mag_rejected,
            skipped: r.skipped,
        }
    }
}

fn to_settings(s: Option<&MadgwickSettings>) -> Result<Settings> {
    let d = Settings::default();
    let s = Settings {
        beta: s.and_then(|s| s.beta).unwrap_or(d.beta),
        nominal_rate_hz: s
            .and_then(|s| s.nominal_rate_hz)
            .unwrap_or(d.nominal_rate_hz),
        max_dt_s: s.and_then(|s| s.max_dt_s).unwrap_or(d.max_dt_s),
        zeta: s.and_then(|s| s.zeta).unwrap_or(d.zeta),
    };
    s.validate()?;
    Ok(s)
}

/// Runs Madgwick's orientation filter over a batch of IMU samples, on the calling thread.
///
/// Source: S. O. H. Madgwick, "An efficient orientation filter for inertial and
/// inertial/magnetic sensor arrays", University of Bristol, 2010: IMU algorithm, or MARG
/// algorithm (with magnetic distortion compensation) for samples with a non-zero magnetometer
/// reading; gyroscope bias drift compensation (§3.4) with an 8-number state.
///
/// - `state`: `Float64Array(5)` `[qw, qx, qy, qz, prevTNs]` or `Float64Array(8)` with a gyroscope
///   bias `[…, bx, by, bz]` (rad/s, body frame; removed from every sample, estimated when
///   `zeta` > 0), updated in place; the quaternion is Hamilton `q_world_body` (world z up; x
///   magnetic north once a magnetometer is used); `prevTNs` NaN before the first sample.
/// - `timestampsNs`: n sample times, runtime clock, ns; dt comes from consecutive stamps (the first
///   from `prevTNs`).
/// - `gyroRadps`, `accelMps2`, `magUt` (optional): 3n values, xyz interleaved, body frame.
/// - `out` (optional): 4n values, the quaternion after each sample.
///
/// Throws only on caller errors (sizes, settings, a state without a quaternion, `out`/`state`
/// sharing memory with an input); degraded samples are counted in the result.
#[napi]
pub fn madgwick_update_sync(
    mut state: Float64ArraySlice<'_>,
    timestamps_ns: Float64ArraySlice<'_>,
    gyro_radps: Float64ArraySlice<'_>,
    accel_mps2: Float64ArraySlice<'_>,
    mag_ut: Option<Float64ArraySlice<'_>>,
    settings: Option<MadgwickSettings>,
    mut out: Option<Float64ArraySlice<'_>>,
) -> Result<MadgwickBatchResult> {
    let s = to_settings(settings.as_ref())?;
    let input = BatchInput {
        t_ns: &timestamps_ns,
        gyro: &gyro_radps,
        accel: &accel_mps2,
        mag: mag_ut.as_deref(),
    };
    // SAFETY: the JS caller owns `state` and `out` and does not touch them during this call.
    let out = out.as_mut().map(|o| unsafe { o.as_mut() });
    Ok(update_batch(unsafe { state.as_mut() }, &input, &s, out)?.into())
}

/// The work of `madgwickUpdate` on the libuv thread pool.
pub struct MadgwickTask {
    state: Float64Array,
    timestamps_ns: Float64Array,
    gyro_radps: Float64Array,
    accel_mps2: Float64Array,
    mag_ut: Option<Float64Array>,
    out: Option<Float64Array>,
    settings: Settings,
}

#[napi]
impl Task for MadgwickTask {
    type Output = MadgwickBatchResult;
    type JsValue = MadgwickBatchResult;

    fn compute(&mut self) -> Result<MadgwickBatchResult> {
        let input = BatchInput {
            t_ns: &self.timestamps_ns,
            gyro: &self.gyro_radps,
            accel: &self.accel_mps2,
            mag: self.mag_ut.as_deref(),
        };
        // SAFETY: the caller must not touch `state` or `out` until the promise settles (documented).
        let out = self.out.as_mut().map(|o| unsafe { o.as_mut() });
        let state = unsafe { self.state.as_mut() };
        Ok(update_batch(state, &input, &self.settings, out)?.into())
    }

    fn resolve(&mut self, _env: Env, output: MadgwickBatchResult) -> Result<MadgwickBatchResult> {
        Ok(output)
    }
}

/// `madgwickUpdateSync` on the libuv thread pool (for long batches, e.g. a whole recording).
/// Settings are checked before the work is queued; buffer errors reject the promise. `state` and
/// `out` are written on the pool thread: do not read or modify them, or the inputs, until the
/// promise settles.
#[napi(ts_return_type = "Promise<MadgwickBatchResult>")]
pub fn madgwick_update(
    state: Float64Array,
    timestamps_ns: Float64Array,
    gyro_radps: Float64Array,
    accel_mps2: Float64Array,
    mag_ut: Option<Float64Array>,
    settings: Option<MadgwickSettings>,
    out: Option<Float64Array>,
) -> Result<AsyncTask<MadgwickTask>> {
    let settings = to_settings(settings.as_ref())?;
    Ok(AsyncTask::new(MadgwickTask {
        state,
        timestamps_ns,
        gyro_radps,
        accel_mps2,
        mag_ut,
        out,
        settings,
    }))
}

/// Initial `q_world_body` `[w, x, y, z]` (w ≥ 0) from one accelerometer reading (roll and pitch:
/// world z along the measured up direction) and, optionally, a magnetometer reading (heading:
/// world x along the horizontal field, the frame Madgwick's MARG filter converges to); without
/// it yaw is 0 (world x along the horizontal part of body x, or of body −z/+z at ±90° pitch).
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
