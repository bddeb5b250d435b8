//! Pyramidal Lucas–Kanade point tracking (KLT) with the semantics of `cv::calcOpticalFlowPyrLK`
//! (Bouguet 2000): both frames' Gaussian pyramids (`pyrDown`, levels `0..=maxLevel`, fewer when a
//! level would be no larger than the window), Scharr derivatives of the previous frame, per level
//! up to `maxIterations` Newton steps stopped when a step is within `epsilon` px, OpenCV's
//! minimum-eigenvalue test, and OpenCV's per-point status and error (mean |J − I| over the window at
//! the final position, grey levels). Optionally a forward–backward check (Kalal, Mikolajczyk &
//! Matas, "Forward-Backward Error", ICPR 2010): each point is tracked back from the next frame and
//! rejected when it does not come back to within `fb_threshold` px of where it started.

pub(crate) mod lanes;
pub(crate) mod point;
pub mod scharr;
pub(crate) mod window;

mod tracker;
pub use tracker::{KltTracker, Tracks};

use karana_core::error::{invalid, KaranaResult};

/// The point could not be tracked (left the image, flat window, or lost on the way back).
pub const STATUS_LOST: u8 = 0;
/// Tracked (and, with the check on, came back within the forward–backward threshold).
pub const STATUS_TRACKED: u8 = 1;
/// Tracked forward, but the backward track missed its start by more than the threshold.
pub const STATUS_FB_REJECTED: u8 = 2;

/// KLT settings; [`Default`] is `calcOpticalFlowPyrLK(winSize=(21, 21), maxLevel=2)` with
/// OpenCV's default criteria (30 iterations, ε 0.01 px), `minEigThreshold` 1e-4, no backward check.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KltParams {
    /// Side of the square integration window, pixels (OpenCV `winSize`).
    pub window: usize,
    /// Highest pyramid level, 0-based: 2 means three levels, full, half and quarter resolution
    /// (OpenCV `maxLevel`).
    pub max_level: usize,
    /// Newton steps per level at most.
    pub max_iterations: u32,
    /// A level stops when a step is at most this long, pixels of that level.
    pub epsilon: f64,
    /// Minimum eigenvalue of the window's gradient matrix divided by its pixel count (OpenCV's
    /// `minEigThreshold`, gradients scaled as OpenCV's: Scharr / 32).
    pub min_eig_threshold: f64,
    /// Forward–backward threshold, pixels; None turns the check off.
    pub fb_threshold: Option<f32>,
}

impl Default for KltParams {
    fn default() -> Self {
        Self {
            window: 21,
            max_level: 2,
            max_iterations: 30,
            epsilon: 0.01,
            min_eig_threshold: 1e-4,
            fb_threshold: None,
        }
    }
}

impl KltParams {
    /// Checks every field; errors name the JS option, e.g. `"windowPx" must be an integer in [3, 63], got 2`.
    pub fn validate(&self) -> KaranaResult<()> {
        let int = |name, v: usize, lo: usize, hi: usize| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(invalid(name, format!("an integer in [{lo}, {hi}]"), v))
            }
        };
        int("windowPx", self.window, 3, 63)?;
        int("maxLevel", self.max_level, 0, 8)?;
        int("maxIterations", self.max_iterations as usize, 1, 100)?;
        if !(self.epsilon.is_finite() && (0.0..=10.0).contains(&self.epsilon)) {
            return Err(invalid("epsilonPx", "a number in [0, 10]", self.epsilon));
        }
        if !(self.min_eig_threshold.is_finite() && self.min_eig_threshold >= 0.0) {
            return Err(invalid(
                "minEigThreshold",
                "a number ≥ 0",
                self.min_eig_threshold,
            ));
        }
        if let Some(t) = self.fb_threshold {
            if !(t.is_finite() && t > 0.0) {
                return Err(invalid("forwardBackwardMaxPx", "a number > 0", t));
            }
        }
        Ok(())
    }

    /// The highest level used for a `width × height` frame: `max_level`, or lower when the next
    /// level would be no larger than the window (OpenCV `buildOpticalFlowPyramid`).
    pub fn top_level(&self, width: usize, height: usize) -> usize {
        let (mut w, mut h, mut top) = (width, height, 0);
        while top < self.max_level {
            let (nw, nh) = crate::pyramid::pyr_down_size(w, h);
            if nw <= self.window || nh <= self.window {
                break;
            }
            (w, h, top) = (nw, nh, top + 1);
        }
        top
    }

    /// Border of the pyramid planes: the window rounded up to whole lane blocks, plus the bilinear
    /// neighbour and one spare.
    pub(crate) fn border(&self) -> usize {
        self.window.div_ceil(8) * 8 + 2
    }
}

#[cfg(test)]
mod tests;
