//! Per-sample calls of `ClockSync` as plain functions on its handle (an External): the hot path of a
//! live stream, about 0.1 µs of N-API overhead per call instead of 0.3 µs for a class method.

use super::clock::{lock, Shared};
use karana_core::error::require_len;
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Feeds one `(device stamp, host arrival)` pair (ns, f64: exact integers below 2⁵³, fractions
/// rounded) to the estimator behind `handle`; returns the pair's flags.
#[napi(ts_args_type = "handle: ExternalObject<'ClockSyncState'>, deviceNs: number, hostNs: number")]
pub fn clock_sync_update(handle: &External<Shared>, device_ns: f64, host_ns: f64) -> Result<u32> {
    Ok(lock(handle)?.update_f64(device_ns, host_ns))
}

/// Host time of a device time, ns (f64); NaN before the first sample.
#[napi(ts_args_type = "handle: ExternalObject<'ClockSyncState'>, deviceNs: number")]
pub fn clock_sync_to_host_ns(handle: &External<Shared>, device_ns: f64) -> Result<f64> {
    Ok(lock(handle)?.to_host_f64(device_ns))
}

/// Fields of `clockSyncEstimateInto`'s output, in order.
pub const ESTIMATE_FIELDS: usize = 10;

/// Writes the estimate at the latest sample to `out` (≥ 10 numbers): `[stable (0/1), samples,
/// spanNs, atDeviceNs, offsetNs, skewPpm, offsetUncertaintyNs, skewUncertaintyPpm, meanResidualNs,
/// hullVertices]` (the TypeScript wrapper makes the object; N-API objects cost ~2 µs).
#[napi(ts_args_type = "handle: ExternalObject<'ClockSyncState'>, out: Float64Array")]
pub fn clock_sync_estimate_into(
    handle: &External<Shared>,
    mut out: Float64ArraySlice<'_>,
) -> Result<()> {
    // SAFETY: the JS caller owns `out` and does not touch it during this call.
    let out = unsafe { out.as_mut() };
    require_len("out", "numbers", ESTIMATE_FIELDS, out.len())?;
    let e = lock(handle)?.estimate();
    out[..ESTIMATE_FIELDS].copy_from_slice(&[
        f64::from(u8::from(e.stable)),
        e.samples as f64,
        e.span_ns as f64,
        e.at_device_ns as f64,
        e.offset_ns,
        e.skew * 1e6,
        e.spread.offset_ns,
        e.spread.skew * 1e6,
        e.mean_residual_ns,
        f64::from(e.hull_vertices),
    ]);
    Ok(())
}

/// Writes the cumulative counts to `out` (≥ 10 numbers): `[samples, restarts, deviceBackward,
/// stepForward, stepBackward, duplicates, windowSwitches, hullFull, ignored, hostBackward]`.
#[napi(ts_args_type = "handle: ExternalObject<'ClockSyncState'>, out: Float64Array")]
pub fn clock_sync_counters_into(
    handle: &External<Shared>,
    mut out: Float64ArraySlice<'_>,
) -> Result<()> {
    // SAFETY: as in `clockSyncEstimateInto`.
    let out = unsafe { out.as_mut() };
    require_len("out", "numbers", 10, out.len())?;
    let c = lock(handle)?.counters();
    let all = [
        c.samples,
        c.restarts,
        c.device_backward,
        c.step_forward,
        c.step_backward,
        c.duplicates,
        c.window_switches,
        c.hull_full,
        c.ignored,
        c.host_backward,
    ];
    for (o, v) in out.iter_mut().zip(all) {
        *o = v as f64;
    }
    Ok(())
}
