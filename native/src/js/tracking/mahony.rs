//! `mahonyUpdateSync` / `mahonyUpdate`.

use super::ahrs::{rest_settings, run_sync, AhrsBatchResult, AhrsKernel, AhrsTask};
use karana_core::error::KaranaResult;
use karana_tracking::ahrs::mahony::{update_batch, MahonySettings as Settings};
use karana_tracking::ahrs::stream::{BatchInput, BatchReport};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Mahony filter settings. Defaults (chosen on BROAD trials 07 and 16, docs/native-tracking.md):
/// `kp` 0.2, `ki` 0.001, `errorScale` 0.3, `nominalRateHz` 100, `maxDtS` 1, rest detection on
/// (`restGyroThresholdRadps` 0.05236 = 3°/s, `restPeriodS` 3, `restBiasTimeConstantS` 8).
#[napi(object)]
pub struct MahonySettings {
    /// Proportional gain `k_P`, rad/s per unit of direction error (Mahony et al. 2008, eq 32).
    pub kp: Option<f64>,
    /// Integral gain `k_I` of the gyroscope bias estimate, 1/s².
    pub ki: Option<f64>,
    /// Scale of the Cauchy weight `1 / (1 + (‖v × v̂‖ / s)²)` of each direction error (≈ rad);
    /// 0 gives the paper's constant gains.
    pub error_scale: Option<f64>,
    /// Sample rate assumed when dt cannot be measured, Hz.
    pub nominal_rate_hz: Option<f64>,
    /// Longest dt taken from the timestamps, s.
    pub max_dt_s: Option<f64>,
    /// Rest detection: per-axis rate of `gyro − b̂` below which the sensor may be still, rad/s
    /// (0: off); once still for `restPeriodS`, `b̂` follows the raw gyroscope.
    pub rest_gyro_threshold_radps: Option<f64>,
    /// How long the sensor must be still before the bias is learned, s.
    pub rest_period_s: Option<f64>,
    /// Time constant of the bias learned at rest, s.
    pub rest_bias_time_constant_s: Option<f64>,
}

fn to_settings(s: Option<&MahonySettings>) -> Result<Settings> {
    let d = Settings::default();
    let Some(s) = s else { return Ok(d) };
    let settings = Settings {
        kp: s.kp.unwrap_or(d.kp),
        ki: s.ki.unwrap_or(d.ki),
        error_scale: s.error_scale.unwrap_or(d.error_scale),
        nominal_rate_hz: s.nominal_rate_hz.unwrap_or(d.nominal_rate_hz),
        max_dt_s: s.max_dt_s.unwrap_or(d.max_dt_s),
        rest: rest_settings(s.rest_gyro_threshold_radps, s.rest_period_s, d.rest)?,
        rest_bias_time_constant_s: s
            .rest_bias_time_constant_s
            .unwrap_or(d.rest_bias_time_constant_s),
    };
    settings.validate()?;
    Ok(settings)
}

/// Checked Mahony settings, the kernel of the batch task.
pub struct Mahony(Settings);

impl AhrsKernel for Mahony {
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

/// Runs Mahony's explicit complementary filter with gyroscope bias estimation over a batch, on
/// the calling thread (R. Mahony, T. Hamel, J.-M. Pflimlin, "Nonlinear complementary filters on
/// the special orthogonal group", IEEE TAC 2008, §V-C); the magnetometer, when given, corrects
/// heading only (world x toward magnetic north, z up).
///
/// - `state`: `Float64Array(9)` `[qw, qx, qy, qz, prevTNs, bx, by, bz, stillS]`: `q_world_body`,
///   the last sample time (ns, NaN before the first), the bias estimate `b̂` (rad/s, body frame)
///   and the rest timer (s), updated in place.
/// - `timestampsNs`: n times, runtime clock, ns; `gyroRadps`, `accelMps2`, `magUt` (optional):
///   3n values, xyz interleaved, body frame; `out` (optional): 4n values, the quaternion after
///   each sample.
///
/// Throws only on caller errors (sizes, settings, a state without a quaternion, aliasing);
/// degraded samples are counted in the result.
#[napi]
pub fn mahony_update_sync(
    state: Float64ArraySlice<'_>,
    timestamps_ns: Float64ArraySlice<'_>,
    gyro_radps: Float64ArraySlice<'_>,
    accel_mps2: Float64ArraySlice<'_>,
    mag_ut: Option<Float64ArraySlice<'_>>,
    settings: Option<MahonySettings>,
    out: Option<Float64ArraySlice<'_>>,
) -> Result<AhrsBatchResult> {
    let k = Mahony(to_settings(settings.as_ref())?);
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

/// `mahonyUpdateSync` on the libuv thread pool. Settings are checked before queuing; buffer
/// errors reject. Leave `state`, `out` and the inputs alone until the promise settles.
#[napi(ts_return_type = "Promise<AhrsBatchResult>")]
pub fn mahony_update(
    state: Float64Array,
    timestamps_ns: Float64Array,
    gyro_radps: Float64Array,
    accel_mps2: Float64Array,
    mag_ut: Option<Float64Array>,
    settings: Option<MahonySettings>,
    out: Option<Float64Array>,
) -> Result<AsyncTask<AhrsTask<Mahony>>> {
    Ok(AsyncTask::new(AhrsTask {
        kernel: Mahony(to_settings(settings.as_ref())?),
        state,
        timestamps_ns,
        gyro_radps,
        accel_mps2,
        mag_ut,
        out,
    }))
}
