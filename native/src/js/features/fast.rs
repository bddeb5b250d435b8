//! `FastDetector`: FAST-9 corners with OpenCV's score, suppression and an optional grid spread.

use super::{gray, int_option, FeatureFrameLayout, Pending, Shared};
use karana_core::error::{invalid, require_disjoint, KaranaResult};
use karana_features::fast::grid::{keep_strongest, GridSelector, GridSpread};
use karana_features::fast::{Corner, FastDetector as Detector};
use karana_features::gray::GrayView;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

/// Keep the `perCell` strongest corners of each `cellWidthPx × cellHeightPx` cell (for tracking).
#[napi(object)]
#[derive(Clone, Copy)]
pub struct FastGrid {
    pub cell_width_px: f64,
    pub cell_height_px: f64,
    pub per_cell: f64,
}

/// FAST settings. Defaults: `threshold` 20, `nonmaxSuppression` true, no grid.
#[napi(object)]
pub struct FastOptions {
    /// A circle pixel counts when it is brighter than `v + threshold` or darker than
    /// `v − threshold` (grey levels, 0–255).
    pub threshold: Option<f64>,
    /// OpenCV's non-maximum suppression (3×3, strict); without it every corner has score 0.
    pub nonmax_suppression: Option<bool>,
    /// Spread the corners over a grid.
    pub grid: Option<FastGrid>,
}

#[derive(Clone, Copy)]
struct Settings {
    threshold: u8,
    nonmax: bool,
    grid: Option<GridSpread>,
}

fn settings(o: Option<FastOptions>) -> KaranaResult<Settings> {
    let o = o.unwrap_or(FastOptions {
        threshold: None,
        nonmax_suppression: None,
        grid: None,
    });
    let grid = o
        .grid
        .map(|g| -> KaranaResult<GridSpread> {
            Ok(GridSpread {
                cell_width: int_option("cellWidthPx", Some(g.cell_width_px), 1, 1, 1 << 16)?,
                cell_height: int_option("cellHeightPx", Some(g.cell_height_px), 1, 1, 1 << 16)?,
                per_cell: int_option("perCell", Some(g.per_cell), 1, 1, 1 << 16)?,
            })
        })
        .transpose()?;
    Ok(Settings {
        threshold: int_option("threshold", o.threshold, 20, 0, 255)? as u8,
        nonmax: o.nonmax_suppression.unwrap_or(true),
        grid,
    })
}

struct Scratch {
    detector: Detector,
    corners: Vec<Corner>,
    spread: Vec<Corner>,
    grid: GridSelector,
}

impl Scratch {
    /// Detects, spreads, keeps the strongest `capacity`, writes `xy` / `score`; returns the count.
    fn run(&mut self, s: &Settings, view: &GrayView, xy: &mut [f32], score: &mut [f32]) -> u32 {
        self.detector
            .detect(view, s.threshold, s.nonmax, &mut self.corners);
        let list = match &s.grid {
            Some(g) => {
                self.grid
                    .select(&self.corners, view.width, view.height, g, &mut self.spread);
                &mut self.spread
            }
            None => &mut self.corners,
        };
        keep_strongest(list, (xy.len() / 2).min(score.len()));
        for (k, c) in list.iter().enumerate() {
            xy[2 * k] = c.x as f32;
            xy[2 * k + 1] = c.y as f32;
            score[k] = f32::from(c.score);
        }
        list.len() as u32
    }
}

/// FAST-9 corner detector (16-pixel circle, 9 contiguous), as `cv2.FastFeatureDetector_create(
/// threshold, nonmaxSuppression, TYPE_9_16)`: the same corners and scores on the same frame, in
/// OpenCV's order (row-major), or cell by cell with a grid. Keeps its buffers between calls.
#[napi]
pub struct FastDetector {
    settings: Settings,
    scratch: Arc<Shared<Scratch>>,
}

/// Output checks shared by the sync and async paths.
fn check_out(src: &[u8], xy: &[f32], score: &[f32]) -> KaranaResult<()> {
    if xy.len() / 2 != score.len() {
        return Err(invalid(
            "xy",
            format!("2 floats per score ({} floats)", 2 * score.len()),
            xy.len(),
        ));
    }
    require_disjoint("xy", xy, "src", src)?;
    require_disjoint("score", score, "src", src)?;
    require_disjoint("score", score, "xy", xy)
}

#[napi]
impl FastDetector {
    /// Throws on bad options, e.g. `"threshold" must be an integer in [0, 255], got 300`.
    #[napi(constructor)]
    pub fn new(options: Option<FastOptions>) -> Result<Self> {
        Ok(Self {
            settings: settings(options)?,
            scratch: Shared::new(Scratch {
                detector: Detector::new(),
                corners: Vec::new(),
                spread: Vec::new(),
                grid: GridSelector::new(),
            }),
        })
    }

    /// Detects corners in a GRAY8 frame on the calling thread. Writes `(x, y)` pixel pairs to `xy`
    /// and scores to `score` (caller-owned; capacity `score.length`, `xy` twice that); when more
    /// corners are found than fit, the strongest are kept (ties: the earlier). Returns the count.
    #[napi]
    pub fn detect_sync(
        &self,
        src: Uint8ArraySlice<'_>,
        frame: FeatureFrameLayout,
        mut xy: Float32ArraySlice<'_>,
        mut score: Float32ArraySlice<'_>,
    ) -> Result<u32> {
        let view = gray("src", &src, &frame)?;
        // SAFETY: the JS caller owns the outputs and does not touch them during this call.
        let (xy, score) = unsafe { (xy.as_mut(), score.as_mut()) };
        check_out(&src, xy, score)?;
        let mut s = self.scratch.lock_sync("FastDetector")?;
        Ok(s.run(&self.settings, &view, xy, score))
    }

    /// `detectSync` on the libuv thread pool; the buffers must not be touched until it settles.
    #[napi(ts_return_type = "Promise<number>")]
    pub fn detect(
        &self,
        src: Uint8Array,
        frame: FeatureFrameLayout,
        xy: Float32Array,
        score: Float32Array,
    ) -> Result<AsyncTask<FastTask>> {
        gray("src", &src, &frame)?;
        check_out(&src, &xy, &score)?;
        Ok(AsyncTask::new(FastTask {
            settings: self.settings,
            scratch: Pending::new(&self.scratch),
            src,
            frame,
            xy,
            score,
        }))
    }
}

/// The work of `FastDetector.detect`.
pub struct FastTask {
    settings: Settings,
    scratch: Pending<Scratch>,
    src: Uint8Array,
    frame: FeatureFrameLayout,
    xy: Float32Array,
    score: Float32Array,
}

impl Task for FastTask {
    type Output = u32;
    type JsValue = u32;

    fn compute(&mut self) -> Result<u32> {
        let view = gray("src", &self.src, &self.frame)?;
        // SAFETY: the caller must not touch the outputs until the promise settles (documented).
        let (xy, score) = unsafe { (self.xy.as_mut(), self.score.as_mut()) };
        let mut s = self.scratch.lock("FastDetector")?;
        Ok(s.run(&self.settings, &view, xy, score))
    }

    fn resolve(&mut self, _env: Env, n: u32) -> Result<u32> {
        Ok(n)
    }
}
