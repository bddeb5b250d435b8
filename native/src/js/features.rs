//! N-API bindings of `karana-features` (see the crate's docs): the Gaussian pyramid
//! (`pyrDownSync`, `buildPyramidSync`) here, and one class per pipeline in the submodules —
//! `FastDetector`, `OrbExtractor`, `HammingMatcher`, `KltTracker`. Each class keeps its scratch
//! buffers behind a mutex so that its async twin can use them on the libuv thread pool; a sync call
//! made while an async one is in flight fails fast instead of blocking the event loop.

mod fast;
mod klt;
mod matching;
mod orb;

use karana_core::error::{dimension, invalid, require_disjoint, require_len, KaranaResult};
use karana_features::gray::GrayView;
use karana_features::pyramid::{pyr_down, pyr_down_size};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Where a GRAY8 frame's pixels are in its buffer: row `y` starts at byte `y · strideBytes`.
#[napi(object)]
#[derive(Clone, Copy)]
pub struct FeatureFrameLayout {
    /// Width, pixels.
    pub width_px: f64,
    /// Height, pixels.
    pub height_px: f64,
    /// Bytes from the start of one row to the next; default `widthPx`.
    pub stride_bytes: Option<f64>,
}

/// `(width, height, stride)` of a layout, checked.
fn dims(l: &FeatureFrameLayout) -> KaranaResult<(usize, usize, usize)> {
    let w = dimension("widthPx", l.width_px)?;
    let h = dimension("heightPx", l.height_px)?;
    let s = l
        .stride_bytes
        .map(|s| dimension("strideBytes", s))
        .transpose()?
        .unwrap_or(w);
    Ok((w, h, s))
}

/// A checked view of a caller's GRAY8 frame (`name` is the buffer's parameter name).
fn gray<'a>(
    name: &'static str,
    data: &'a [u8],
    l: &FeatureFrameLayout,
) -> KaranaResult<GrayView<'a>> {
    let (w, h, s) = dims(l)?;
    GrayView::new(name, data, w, h, s)
}

/// A pipeline's scratch, shared by its sync calls and the async calls on the thread pool, with the
/// number of async calls not yet settled.
pub(crate) struct Shared<T> {
    scratch: Mutex<T>,
    pending: AtomicUsize,
}

impl<T> Shared<T> {
    pub(crate) fn new(scratch: T) -> Arc<Self> {
        Arc::new(Self {
            scratch: Mutex::new(scratch),
            pending: AtomicUsize::new(0),
        })
    }

    /// The scratch for a sync call: fails fast (naming `class`) while an async call is pending.
    pub(crate) fn lock_sync(&self, class: &'static str) -> KaranaResult<MutexGuard<'_, T>> {
        let busy = || invalid(class, "idle (no unsettled async call using it)", "busy");
        if self.pending.load(Ordering::Acquire) > 0 {
            return Err(busy());
        }
        self.scratch.try_lock().map_err(|_| busy())
    }
}

/// An async call's hold on a pipeline: counts as pending from creation (on the JS thread, before
/// the promise is returned) until the task is dropped after it settles.
pub(crate) struct Pending<T>(Arc<Shared<T>>);

impl<T> Pending<T> {
    pub(crate) fn new(shared: &Arc<Shared<T>>) -> Self {
        shared.pending.fetch_add(1, Ordering::AcqRel);
        Self(shared.clone())
    }

    /// The scratch, on the pool thread (waits for another async call of the same object).
    pub(crate) fn lock(&self, class: &'static str) -> KaranaResult<MutexGuard<'_, T>> {
        self.0
            .scratch
            .lock()
            .map_err(|_| invalid(class, "usable", "poisoned by a panic"))
    }
}

impl<T> Drop for Pending<T> {
    fn drop(&mut self) {
        self.0.pending.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A non-negative integer option (e.g. `"threshold"`), within `[lo, hi]`.
fn int_option(
    name: &'static str,
    v: Option<f64>,
    default: usize,
    lo: usize,
    hi: usize,
) -> KaranaResult<usize> {
    match v {
        None => Ok(default),
        Some(x) if x.is_finite() && x.fract() == 0.0 && x >= lo as f64 && x <= hi as f64 => {
            Ok(x as usize)
        }
        Some(x) => Err(invalid(name, format!("an integer in [{lo}, {hi}]"), x)),
    }
}

thread_local! {
    /// Row scratch of the pyramid functions (one per thread; grows to the widest frame seen).
    static PYR_SCRATCH: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
}

/// `cv2.pyrDown`: blurs a GRAY8 frame with the 5×5 `[1 4 6 4 1]ᵀ[1 4 6 4 1] / 256` kernel
/// (`BORDER_REFLECT_101`) and keeps every other pixel; bit-identical to OpenCV.
///
/// `out`: caller-owned, at least `⌈w/2⌉ · ⌈h/2⌉` bytes, written as packed rows (stride `⌈w/2⌉`);
/// it must not share memory with `src`. Throws naming the bad parameter, e.g.
/// `"out" must hold 90240 bytes, got 100`.
#[napi]
pub fn pyr_down_sync(
    src: Uint8ArraySlice<'_>,
    frame: FeatureFrameLayout,
    mut out: Uint8ArraySlice<'_>,
) -> Result<()> {
    let view = gray("src", &src, &frame)?;
    let (dw, dh) = pyr_down_size(view.width, view.height);
    require_len("out", "bytes", dw * dh, out.len())?;
    // SAFETY: the JS caller owns `out` and does not touch it during this synchronous call.
    let out = unsafe { out.as_mut() };
    require_disjoint("out", out, "src", &src)?;
    PYR_SCRATCH.with_borrow_mut(|scratch| pyr_down(&view, out, dw, scratch));
    Ok(())
}

/// Bytes that levels `1..levels` of a pyramid of a `width × height` frame take packed one after the
/// other (level `l` is `pyrDown` of level `l − 1`).
#[napi]
pub fn pyramid_bytes(width_px: f64, height_px: f64, levels: f64) -> Result<f64> {
    let (mut w, mut h) = (
        dimension("widthPx", width_px)?,
        dimension("heightPx", height_px)?,
    );
    let levels = int_option("levels", Some(levels), 1, 1, 16)?;
    let mut total = 0;
    for _ in 1..levels {
        (w, h) = pyr_down_size(w, h);
        total += w * h;
    }
    Ok(total as f64)
}

/// Builds levels `1..levels` of the Gaussian pyramid of a GRAY8 frame (each `cv2.pyrDown` of the
/// one before; level 0 is the frame itself) into `out`, packed one after the other, each with
/// stride = its width. `out` holds at least `pyramidBytes(w, h, levels)` bytes and does not share
/// memory with `src`.
#[napi]
pub fn build_pyramid_sync(
    src: Uint8ArraySlice<'_>,
    frame: FeatureFrameLayout,
    levels: f64,
    mut out: Uint8ArraySlice<'_>,
) -> Result<()> {
    let view = gray("src", &src, &frame)?;
    let needed = pyramid_bytes(frame.width_px, frame.height_px, levels)? as usize;
    require_len("out", "bytes", needed, out.len())?;
    // SAFETY: as in `pyrDownSync`.
    let out = unsafe { out.as_mut() };
    require_disjoint("out", out, "src", &src)?;
    let levels = int_option("levels", Some(levels), 1, 1, 16)?;
    if levels < 2 {
        return Ok(());
    }
    PYR_SCRATCH.with_borrow_mut(|scratch| {
        let (mut w, mut h) = pyr_down_size(view.width, view.height);
        pyr_down(&view, &mut out[..w * h], w, scratch);
        let mut start = 0;
        for _ in 2..levels {
            let below_len = w * h;
            let (head, tail) = out.split_at_mut(start + below_len);
            let below = GrayView {
                data: &head[start..],
                width: w,
                height: h,
                stride: w,
            };
            (w, h) = pyr_down_size(w, h);
            pyr_down(&below, &mut tail[..w * h], w, scratch);
            start += below_len;
        }
    });
    Ok(())
}
