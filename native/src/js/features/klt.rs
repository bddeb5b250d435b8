//! `KltTracker`: pyramidal Lucas–Kanade with OpenCV's semantics and a forward–backward check.

use super::{gray, int_option, FeatureFrameLayout, Pending, Shared};
use karana_core::error::{require_disjoint, KaranaResult};
use karana_features::gray::GrayView;
use karana_features::klt::{KltParams, KltTracker as Tracker, Tracks};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

/// KLT settings. Defaults are `cv2.calcOpticalFlowPyrLK(winSize=(21, 21), maxLevel=2)` with
/// OpenCV's criteria (30 iterations, ε 0.01 px) and `minEigThreshold` 1e-4; no backward check.
#[napi(object)]
pub struct KltOptions {
    /// Side of the square window, pixels (3–63).
    pub window_px: Option<f64>,
    /// Highest pyramid level, 0-based (OpenCV `maxLevel`): 2 means 3 levels (full, ½, ¼).
    pub max_level: Option<f64>,
    /// Newton steps per level at most (1–100).
    pub max_iterations: Option<f64>,
    /// A level stops when a step is at most this long, pixels of that level.
    pub epsilon_px: Option<f64>,
    /// Minimum eigenvalue of the gradient matrix per window pixel (OpenCV's scale).
    pub min_eig_threshold: Option<f64>,
    /// Track every point back and reject it (status 2) when it returns farther than this, pixels.
    pub forward_backward_max_px: Option<f64>,
}

/// Caller-owned per-point outputs for `n` points.
#[napi(object)]
pub struct KltBuffers {
    /// `2n` floats: tracked `(x, y)` in the next frame (the initial guess with `useInitialFlow`).
    pub next_xy: Float32Array,
    /// `n` bytes: 1 tracked, 0 lost, 2 rejected by the forward–backward check.
    pub status: Uint8Array,
    /// `n` floats: OpenCV's error, mean |J − I| over the window at the final position (grey levels).
    pub error: Float32Array,
    /// `n` floats: forward–backward distance, pixels (NaN where not measured, Infinity when the
    /// backward track was lost). Filled when the check is on.
    pub fb_error_px: Option<Float32Array>,
}

fn params(o: Option<KltOptions>) -> KaranaResult<KltParams> {
    let d = KltParams::default();
    let Some(o) = o else { return Ok(d) };
    let p = KltParams {
        window: int_option("windowPx", o.window_px, d.window, 3, 63)?,
        max_level: int_option("maxLevel", o.max_level, d.max_level, 0, 8)?,
        max_iterations: int_option("maxIterations", o.max_iterations, 30, 1, 100)? as u32,
        epsilon: o.epsilon_px.unwrap_or(d.epsilon),
        min_eig_threshold: o.min_eig_threshold.unwrap_or(d.min_eig_threshold),
        fb_threshold: o.forward_backward_max_px.map(|v| v as f32),
    };
    p.validate()?;
    Ok(p)
}

/// Aliasing checks of the outputs against the inputs.
fn check(images: [&[u8]; 2], prev_xy: &[f32], out: &KltBuffers) -> KaranaResult<()> {
    require_disjoint("nextXy", &out.next_xy, "prevXy", prev_xy)?;
    for img in images {
        require_disjoint("nextXy", &out.next_xy, "src", img)?;
        require_disjoint("status", &out.status, "src", img)?;
        require_disjoint("error", &out.error, "src", img)?;
    }
    Ok(())
}

/// Runs one track on the locked tracker; `prev` None means "from the last frame".
fn run(
    t: &mut Tracker,
    prev: Option<&GrayView>,
    next: &GrayView,
    prev_xy: &[f32],
    out: &mut KltBuffers,
    initial: bool,
) -> KaranaResult<u32> {
    // SAFETY: the caller owns the outputs and does not touch them until the call returns or the
    // promise settles (documented).
    let tracks = unsafe {
        Tracks {
            next: out.next_xy.as_mut(),
            status: out.status.as_mut(),
            error: out.error.as_mut(),
            fb_error: out.fb_error_px.as_mut().map(|f| f.as_mut()),
        }
    };
    let n = match prev {
        Some(p) => t.track(p, next, prev_xy, tracks, initial)?,
        None => t.track_from_last(next, prev_xy, tracks, initial)?,
    };
    Ok(n as u32)
}

/// Pyramidal Lucas–Kanade tracker (Bouguet 2000) as `cv2.calcOpticalFlowPyrLK`, plus an optional
/// forward–backward check. Keeps both pyramids: the frame tracked into is reused as the start of
/// `trackFromLast*`.
#[napi]
pub struct KltTracker {
    tracker: Arc<Shared<Tracker>>,
}

#[napi]
impl KltTracker {
    /// Throws on bad options, e.g. `"windowPx" must be an integer in [3, 63], got 2`.
    #[napi(constructor)]
    pub fn new(options: Option<KltOptions>) -> Result<Self> {
        Ok(Self {
            tracker: Shared::new(Tracker::new(params(options)?)?),
        })
    }

    /// Tracks `prevXy` (`(x, y)` pixel pairs in the previous frame) into the next frame on the
    /// calling thread; both GRAY8 frames of one size. Returns how many points have status 1.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn track_sync(
        &self,
        prev_src: Uint8ArraySlice<'_>,
        prev: FeatureFrameLayout,
        next_src: Uint8ArraySlice<'_>,
        next: FeatureFrameLayout,
        prev_xy: Float32ArraySlice<'_>,
        mut out: KltBuffers,
        use_initial_flow: Option<bool>,
    ) -> Result<u32> {
        let (p, n) = (
            gray("prevSrc", &prev_src, &prev)?,
            gray("nextSrc", &next_src, &next)?,
        );
        check([&prev_src, &next_src], &prev_xy, &out)?;
        let mut t = self.tracker.lock_sync("KltTracker")?;
        Ok(run(
            &mut t,
            Some(&p),
            &n,
            &prev_xy,
            &mut out,
            use_initial_flow.unwrap_or(false),
        )?)
    }

    /// `trackSync` on the libuv thread pool; do not touch the buffers until it settles.
    #[napi(ts_return_type = "Promise<number>")]
    #[allow(clippy::too_many_arguments)]
    pub fn track(
        &self,
        prev_src: Uint8Array,
        prev: FeatureFrameLayout,
        next_src: Uint8Array,
        next: FeatureFrameLayout,
        prev_xy: Float32Array,
        out: KltBuffers,
        use_initial_flow: Option<bool>,
    ) -> Result<AsyncTask<KltTask>> {
        gray("prevSrc", &prev_src, &prev)?;
        gray("nextSrc", &next_src, &next)?;
        check([&prev_src, &next_src], &prev_xy, &out)?;
        let prev = Some((prev_src, prev));
        Ok(AsyncTask::new(KltTask {
            tracker: Pending::new(&self.tracker),
            prev,
            next_src,
            next,
            prev_xy,
            out,
            initial: use_initial_flow.unwrap_or(false),
        }))
    }

    /// Tracks from the frame the previous call tracked into, to `next`, reusing its pyramid.
    /// Throws when there was no previous call or the frame size changed.
    #[napi]
    pub fn track_from_last_sync(
        &self,
        next_src: Uint8ArraySlice<'_>,
        next: FeatureFrameLayout,
        prev_xy: Float32ArraySlice<'_>,
        mut out: KltBuffers,
        use_initial_flow: Option<bool>,
    ) -> Result<u32> {
        let n = gray("nextSrc", &next_src, &next)?;
        check([&next_src, &[]], &prev_xy, &out)?;
        let mut t = self.tracker.lock_sync("KltTracker")?;
        Ok(run(
            &mut t,
            None,
            &n,
            &prev_xy,
            &mut out,
            use_initial_flow.unwrap_or(false),
        )?)
    }

    /// `trackFromLastSync` on the libuv thread pool.
    #[napi(ts_return_type = "Promise<number>")]
    pub fn track_from_last(
        &self,
        next_src: Uint8Array,
        next: FeatureFrameLayout,
        prev_xy: Float32Array,
        out: KltBuffers,
        use_initial_flow: Option<bool>,
    ) -> Result<AsyncTask<KltTask>> {
        gray("nextSrc", &next_src, &next)?;
        check([&next_src, &[]], &prev_xy, &out)?;
        Ok(AsyncTask::new(KltTask {
            tracker: Pending::new(&self.tracker),
            prev: None,
            next_src,
            next,
            prev_xy,
            out,
            initial: use_initial_flow.unwrap_or(false),
        }))
    }
}

/// The work of `KltTracker.track` / `trackFromLast`.
pub struct KltTask {
    tracker: Pending<Tracker>,
    prev: Option<(Uint8Array, FeatureFrameLayout)>,
    next_src: Uint8Array,
    next: FeatureFrameLayout,
    prev_xy: Float32Array,
    out: KltBuffers,
    initial: bool,
}

impl Task for KltTask {
    type Output = u32;
    type JsValue = u32;

    fn compute(&mut self) -> Result<u32> {
        let next = gray("nextSrc", &self.next_src, &self.next)?;
        let prev = match &self.prev {
            Some((src, layout)) => Some(gray("prevSrc", src, layout)?),
            None => None,
        };
        let mut t = self.tracker.lock("KltTracker")?;
        Ok(run(
            &mut t,
            prev.as_ref(),
            &next,
            &self.prev_xy,
            &mut self.out,
            self.initial,
        )?)
    }

    fn resolve(&mut self, _env: Env, n: u32) -> Result<u32> {
        Ok(n)
    }
}
