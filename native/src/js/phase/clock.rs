//! `ClockSync`: a reusable estimator object holding all its buffers (allocated in the constructor).

use karana_core::error::{dimension, invalid, require_disjoint, KaranaError};
use karana_phase::clock::{self, ClockSyncSettings, Method, PllSettings};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

/// Settings of the phase-locked loop (`method: 'pll'`). Defaults: `naturalFrequencyRadps` 0.5,
/// `damping` 1/√2, `filterLength` 64.
#[napi(object)]
pub struct PllOptions {
    /// Natural frequency ωn of the loop, rad/s (settling ≈ 4 / (ζ·ωn) s).
    pub natural_frequency_radps: Option<f64>,
    /// Damping ratio ζ.
    pub damping: Option<f64>,
    /// Samples per clock-filter block: the lowest-delay sample of each block drives one correction.
    pub filter_length: Option<f64>,
}

/// `ClockSync` settings. Defaults: `method` `'ticsync'`, `windowS` 60, `maxHullVertices` 256,
/// `minSpanS` 1, `stepThresholdS` 0.02, `stepHoldS` 1.
#[napi(object)]
pub struct ClockSyncOptions {
    /// `'ticsync'` (lower convex hull), `'pll'` (PI loop) or `'leastSquares'` (biased; comparison).
    #[napi(ts_type = "'ticsync' | 'pll' | 'leastSquares'")]
    pub method: Option<String>,
    /// Switching period of the windows, s: the estimate uses the latest one to two periods.
    pub window_s: Option<f64>,
    /// Most hull vertices per window (two windows are kept).
    pub max_hull_vertices: Option<f64>,
    /// The estimate is `stable` once its window spans this long, s.
    pub min_span_s: Option<f64>,
    /// A sample this far below the line, or every sample this far above it for `stepHoldS`, is a
    /// step of the device clock, s: the estimator restarts.
    pub step_threshold_s: Option<f64>,
    /// See `stepThresholdS`, s.
    pub step_hold_s: Option<f64>,
    pub pll: Option<PllOptions>,
}

fn to_settings(o: Option<ClockSyncOptions>) -> Result<ClockSyncSettings> {
    let d = ClockSyncSettings::default();
    let Some(o) = o else { return Ok(d) };
    let p = o.pll.as_ref();
    let filter = p
        .and_then(|p| p.filter_length)
        .map(|v| dimension("pll.filterLength", v))
        .transpose()?;
    let vertices = o
        .max_hull_vertices
        .map(|v| dimension("maxHullVertices", v))
        .transpose()?;
    let s = ClockSyncSettings {
        method: o
            .method
            .as_deref()
            .map(|m| Method::parse("method", m))
            .transpose()?
            .unwrap_or(d.method),
        window_s: o.window_s.unwrap_or(d.window_s),
        max_hull_vertices: vertices
            .map_or(d.max_hull_vertices, |v| v.min(u32::MAX as usize) as u32),
        min_span_s: o.min_span_s.unwrap_or(d.min_span_s),
        step_threshold_s: o.step_threshold_s.unwrap_or(d.step_threshold_s),
        step_hold_s: o.step_hold_s.unwrap_or(d.step_hold_s),
        pll: PllSettings {
            natural_frequency_radps: p
                .and_then(|p| p.natural_frequency_radps)
                .unwrap_or(d.pll.natural_frequency_radps),
            damping: p.and_then(|p| p.damping).unwrap_or(d.pll.damping),
            filter_length: filter.map_or(d.pll.filter_length, |v| v.min(u32::MAX as usize) as u32),
        },
    };
    s.validate()?;
    Ok(s)
}

/// The estimator behind a `ClockSync` and its handle, shared with a pending `updateBatchAsync`;
/// `busy` from that call until it settles.
pub struct State {
    clock: Mutex<clock::ClockSync>,
    busy: AtomicBool,
}

pub type Shared = Arc<State>;

fn busy() -> KaranaError {
    invalid("clockSync", "idle (no updateBatchAsync pending)", "busy")
}

/// The estimator, or the `busy` error while an async update is pending.
pub(super) fn lock(
    inner: &State,
) -> std::result::Result<MutexGuard<'_, clock::ClockSync>, KaranaError> {
    if inner.busy.load(Ordering::Acquire) {
        return Err(busy());
    }
    lock_unchecked(inner)
}

fn lock_unchecked(
    inner: &State,
) -> std::result::Result<MutexGuard<'_, clock::ClockSync>, KaranaError> {
    match inner.clock.try_lock() {
        Ok(g) => Ok(g),
        Err(TryLockError::Poisoned(p)) => Ok(p.into_inner()),
        Err(TryLockError::WouldBlock) => Err(busy()),
    }
}

/// Device clock → host clock from `(device stamp, host arrival)` pairs whose arrival carries a
/// one-sided queueing delay (`arrival = true time + delay`, `delay ≥ 0`).
///
/// `ticsync`: lower convex hull of `(device, host − device)` over switching windows, line = the hull
/// edge spanning the window's centroid (Harrison & Newman, "TICSync", ICRA 2011; Moon, Skelly &
/// Towsley, INFOCOM 1999): amortised O(1) per sample, memory fixed at construction. `pll`: PI loop
/// after a minimum filter (RFC 5905-style). `leastSquares`: comparison only (biased by the delay).
/// Wraps, resets and steps of the device clock are reported as flags and answered by a restart.
#[napi(js_name = "ClockSync", custom_finalize)]
pub struct JsClockSync {
    inner: Shared,
    method: Method,
    /// Bytes reported to V8 as external memory (so that it collects dropped objects in time).
    external_bytes: i64,
}

impl ObjectFinalize for JsClockSync {
    fn finalize(self, env: Env) -> Result<()> {
        env.adjust_external_memory(-self.external_bytes)?;
        Ok(())
    }
}

#[napi]
impl JsClockSync {
    /// Throws when an option is out of range (the message names it and its value).
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<ClockSyncOptions>) -> Result<Self> {
        let s = to_settings(options)?;
        let clock = clock::ClockSync::new(s)?;
        let external_bytes = (clock.heap_bytes() + std::mem::size_of::<State>()) as i64;
        env.adjust_external_memory(external_bytes)?;
        Ok(Self {
            inner: Arc::new(State {
                clock: Mutex::new(clock),
                busy: AtomicBool::new(false),
            }),
            method: s.method,
            external_bytes,
        })
    }

    /// The estimator in use.
    #[napi(getter, ts_return_type = "'ticsync' | 'pll' | 'leastSquares'")]
    pub fn method(&self) -> &'static str {
        self.method.as_str()
    }

    /// A handle on this estimator for the per-sample functions (`clockSyncUpdate`, …): a plain
    /// function call with an External costs about a third of a class-method call in napi-rs.
    #[napi(ts_return_type = "ExternalObject<'ClockSyncState'>")]
    pub fn handle(&self) -> External<Shared> {
        External::new(Arc::clone(&self.inner))
    }

    /// Feeds pairs in order; per-pair flags to `flagsOut` (optional, ≥ n); returns their OR.
    #[napi]
    pub fn update_batch(
        &self,
        device_ns: Float64ArraySlice<'_>,
        host_ns: Float64ArraySlice<'_>,
        mut flags_out: Option<Uint8ArraySlice<'_>>,
    ) -> Result<u32> {
        // SAFETY: the JS caller owns `flagsOut` and does not touch it during this call.
        let out = flags_out.as_mut().map(|o| unsafe { o.as_mut() });
        if let Some(o) = out.as_deref() {
            require_disjoint("flagsOut", o, "deviceNs", &device_ns)?;
            require_disjoint("flagsOut", o, "hostNs", &host_ns)?;
        }
        Ok(lock(&self.inner)?.update_batch_f64(&device_ns, &host_ns, out)?)
    }

    /// `updateBatch` with exact int64 stamps (e.g. absolute `CLOCK_MONOTONIC` or UNIX ns).
    #[napi]
    pub fn update_batch_big_int(
        &self,
        device_ns: BigInt64ArraySlice<'_>,
        host_ns: BigInt64ArraySlice<'_>,
        mut flags_out: Option<Uint8ArraySlice<'_>>,
    ) -> Result<u32> {
        // SAFETY: as in `updateBatch`.
        let out = flags_out.as_mut().map(|o| unsafe { o.as_mut() });
        if let Some(o) = out.as_deref() {
            require_disjoint("flagsOut", o, "deviceNs", &device_ns)?;
            require_disjoint("flagsOut", o, "hostNs", &host_ns)?;
        }
        Ok(lock(&self.inner)?.update_batch(&device_ns, &host_ns, out)?)
    }

    /// `updateBatch` / `updateBatchBigInt` on the libuv thread pool (for long recordings). Every
    /// other call on this object throws (`"clockSync" must be idle …`) until the promise settles;
    /// the arrays must not be touched meanwhile.
    #[napi(
        ts_args_type = "deviceNs: Float64Array | BigInt64Array, hostNs: Float64Array | BigInt64Array",
        ts_return_type = "Promise<number>"
    )]
    pub fn update_batch_async(
        &self,
        device_ns: Either<Float64Array, BigInt64Array>,
        host_ns: Either<Float64Array, BigInt64Array>,
    ) -> Result<AsyncTask<UpdateTask>> {
        let stamps = match (device_ns, host_ns) {
            (Either::A(d), Either::A(h)) => Stamps::F64(d, h),
            (Either::B(d), Either::B(h)) => Stamps::I64(d, h),
            _ => {
                return Err(invalid(
                    "hostNs",
                    "the same array type as deviceNs",
                    "a different one",
                )
                .into())
            }
        };
        if self.inner.busy.swap(true, Ordering::AcqRel) {
            return Err(busy().into());
        }
        Ok(AsyncTask::new(UpdateTask {
            inner: Arc::clone(&self.inner),
            stamps,
        }))
    }

    /// Forgets every sample and count.
    #[napi]
    pub fn reset(&self) -> Result<()> {
        lock(&self.inner)?.reset();
        Ok(())
    }

    /// Host times of device times, ns (f64; NaN before the first sample) into `out` (may be longer;
    /// must not share memory with `deviceNs`).
    #[napi]
    pub fn to_host_batch(
        &self,
        device_ns: Float64ArraySlice<'_>,
        mut out: Float64ArraySlice<'_>,
    ) -> Result<()> {
        // SAFETY: the JS caller owns `out` and does not touch it during this call.
        let out = unsafe { out.as_mut() };
        require_disjoint("out", out, "deviceNs", &device_ns)?;
        Ok(lock(&self.inner)?.to_host_batch_f64(&device_ns, out)?)
    }

    /// `toHostBatch` with exact int64 ns (rounded to whole ns). Throws before the first sample.
    #[napi]
    pub fn to_host_batch_big_int(
        &self,
        device_ns: BigInt64ArraySlice<'_>,
        mut out: BigInt64ArraySlice<'_>,
    ) -> Result<()> {
        // SAFETY: as in `toHostBatch`.
        let out = unsafe { out.as_mut() };
        require_disjoint("out", out, "deviceNs", &device_ns)?;
        Ok(lock(&self.inner)?.to_host_batch(&device_ns, out)?)
    }
}

/// Stamps held by an async update.
pub enum Stamps {
    F64(Float64Array, Float64Array),
    I64(BigInt64Array, BigInt64Array),
}

/// The work of `updateBatchAsync` on the libuv thread pool.
pub struct UpdateTask {
    inner: Shared,
    stamps: Stamps,
}

#[napi]
impl Task for UpdateTask {
    type Output = u32;
    type JsValue = u32;

    fn compute(&mut self) -> Result<u32> {
        let mut cs = lock_unchecked(&self.inner)?;
        Ok(match &self.stamps {
            Stamps::F64(d, h) => cs.update_batch_f64(d, h, None)?,
            Stamps::I64(d, h) => cs.update_batch(d, h, None)?,
        })
    }

    fn resolve(&mut self, _env: Env, output: u32) -> Result<u32> {
        Ok(output)
    }

    fn finally(self, _env: Env) -> Result<()> {
        self.inner.busy.store(false, Ordering::Release);
        Ok(())
    }
}
