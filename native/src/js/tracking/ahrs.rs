//! What the attitude-filter bindings share: the result objects, the batch as JS passes it, and one
//! generic `AsyncTask` that runs any filter's batch on the libuv thread pool.

use karana_core::error::KaranaResult;
use karana_tracking::ahrs::stream::{BatchInput, BatchReport, RestSettings};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Counts of what happened in one batch; degraded samples are counted here, never thrown.
#[napi(object)]
pub struct AhrsBatchResult {
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
    /// No magnetometer correction: magnetometer zero or not finite.
    pub mag_rejected: u32,
    /// Not applied (state held, time advanced): gyroscope not finite.
    pub skipped: u32,
}

impl From<BatchReport> for AhrsBatchResult {
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

/// The counts of an error-state Kalman filter batch: those of every filter plus its gates.
#[napi(object)]
pub struct EskfBatchResult {
    pub samples: u32,
    pub no_previous_stamp: u32,
    pub non_positive_dt: u32,
    pub long_dt: u32,
    pub accel_rejected: u32,
    pub mag_rejected: u32,
    pub skipped: u32,
    /// Accelerometer update rejected by the innovation gate (linear acceleration).
    pub accel_gated: u32,
    /// Heading update rejected by its gate, or skipped with the field within ~6° of vertical.
    pub mag_gated: u32,
}

impl From<BatchReport> for EskfBatchResult {
    fn from(r: BatchReport) -> Self {
        Self {
            samples: r.samples,
            no_previous_stamp: r.no_previous_stamp,
            non_positive_dt: r.non_positive_dt,
            long_dt: r.long_dt,
            accel_rejected: r.accel_rejected,
            mag_rejected: r.mag_rejected,
            skipped: r.skipped,
            accel_gated: r.accel_gated,
            mag_gated: r.mag_gated,
        }
    }
}

/// One filter's batch function with its checked settings.
pub trait AhrsKernel: Send + 'static {
    /// The result object JS receives.
    type Js: ToNapiValue + TypeName + From<BatchReport>;

    fn run(
        &self,
        state: &mut [f64],
        input: &BatchInput<'_>,
        out: Option<&mut [f64]>,
    ) -> KaranaResult<BatchReport>;
}

/// Runs `kernel` on the calling thread over caller-owned buffers.
#[allow(clippy::too_many_arguments)]
pub fn run_sync<K: AhrsKernel>(
    kernel: &K,
    mut state: Float64ArraySlice<'_>,
    timestamps_ns: &[f64],
    gyro_radps: &[f64],
    accel_mps2: &[f64],
    mag_ut: Option<&[f64]>,
    mut out: Option<Float64ArraySlice<'_>>,
) -> Result<K::Js> {
    let input = BatchInput {
        t_ns: timestamps_ns,
        gyro: gyro_radps,
        accel: accel_mps2,
        mag: mag_ut,
    };
    // SAFETY: the JS caller owns `state` and `out` and does not touch them during this call.
    let out = out.as_mut().map(|o| unsafe { o.as_mut() });
    Ok(kernel.run(unsafe { state.as_mut() }, &input, out)?.into())
}

/// A batch queued for the libuv thread pool: the kernel and references to the caller's arrays.
pub struct AhrsTask<K: AhrsKernel> {
    pub kernel: K,
    pub state: Float64Array,
    pub timestamps_ns: Float64Array,
    pub gyro_radps: Float64Array,
    pub accel_mps2: Float64Array,
    pub mag_ut: Option<Float64Array>,
    pub out: Option<Float64Array>,
}

impl<K: AhrsKernel> Task for AhrsTask<K> {
    type Output = BatchReport;
    type JsValue = K::Js;

    fn compute(&mut self) -> Result<BatchReport> {
        let input = BatchInput {
            t_ns: &self.timestamps_ns,
            gyro: &self.gyro_radps,
            accel: &self.accel_mps2,
            mag: self.mag_ut.as_deref(),
        };
        // SAFETY: the caller must not touch `state` or `out` until the promise settles (documented).
        let out = self.out.as_mut().map(|o| unsafe { o.as_mut() });
        let state = unsafe { self.state.as_mut() };
        Ok(self.kernel.run(state, &input, out)?)
    }

    fn resolve(&mut self, _env: Env, output: BatchReport) -> Result<K::Js> {
        Ok(output.into())
    }
}

/// Rest-detection settings from the JS fields, over `default`.
pub fn rest_settings(
    threshold_radps: Option<f64>,
    period_s: Option<f64>,
    default: RestSettings,
) -> Result<RestSettings> {
    let r = RestSettings {
        gyro_threshold_radps: threshold_radps.unwrap_or(default.gyro_threshold_radps),
        period_s: period_s.unwrap_or(default.period_s),
    };
    r.validate()?;
    Ok(r)
}
