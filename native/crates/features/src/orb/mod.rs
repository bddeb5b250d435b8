//! ORB: oriented FAST keypoints and rotated BRIEF descriptors (E. Rublee, V. Rabaud, K. Konolige,
//! G. Bradski, "ORB: an efficient alternative to SIFT or SURF", ICCV 2011), with the semantics of
//! OpenCV's `cv::ORB` (`ORB_create(nfeatures)` defaults: scale factor 1.2, 8 levels, edge threshold
//! 31, first level 0, `WTA_K` 2, `HARRIS_SCORE`, patch 31, FAST threshold 20), so that keypoints and
//! descriptors can be compared with OpenCV's:
//!
//! 1. Pyramid: level `l` has scale `s = (f32) 1.2ˡ` and size `round(w / s) × round(h / s)`, resized
//!    from level `l − 1` with `INTER_LINEAR_EXACT` ([`resize`]), with a reflected border.
//! 2. Per level, FAST-9 with suppression; corners within `edgeThreshold` of the level's edges are
//!    dropped; the level keeps its share `nₗ` of `maxFeatures` (a geometric series in 1 / 1.2):
//!    with Harris ranking, the `2nₗ` best by FAST score, then the `nₗ` best by Harris response
//!    ([`measures::harris_response`]); ties at a cut are kept (OpenCV `retainBest`).
//! 3. Orientation: intensity centroid over the radius-15 disc ([`measures::ic_angle`]).
//! 4. Descriptor: rotated BRIEF on the level smoothed by a 7×7, σ = 2 Gaussian ([`blur`],
//!    [`descriptor`]).
//!
//! Keypoints are listed level by level, each level in row-major order (OpenCV's order within a level
//! depends on its `nth_element`; compare sets).

pub mod blur;
pub mod descriptor;
pub mod measures;
pub mod pattern;
pub mod resize;

use crate::fast::{Corner, FastDetector};
use crate::gray::{GrayView, Padded};
use blur::{blur7, gaussian_kernel7, BlurScratch};
use descriptor::{describe, DESCRIPTOR_BYTES};
use karana_core::error::{invalid, KaranaResult};
use measures::{circle_row_ends, harris_response, ic_angle, retain_best};
use resize::{resize_linear_exact, ResizeScratch};

/// Side of the BRIEF patch (OpenCV `patchSize`; only the learned 31×31 pattern is supported).
pub const PATCH_SIZE: usize = 31;

/// How FAST corners are ranked within a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrbScore {
    /// Harris response over a 7×7 block (OpenCV `ORB::HARRIS_SCORE`, the default).
    Harris,
    /// The FAST score itself (OpenCV `ORB::FAST_SCORE`).
    Fast,
}

/// ORB settings; [`Default`] is OpenCV's `ORB_create(500)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrbParams {
    /// Keypoints wanted over all levels (OpenCV `nfeatures`).
    pub max_features: usize,
    /// Ratio between consecutive levels, > 1; used as an f32, as OpenCV does.
    pub scale_factor: f64,
    /// Pyramid levels.
    pub levels: usize,
    /// Corners nearer than this to a level's edge are dropped, pixels of that level.
    pub edge_threshold: usize,
    /// FAST threshold, grey levels.
    pub fast_threshold: u8,
    pub score: OrbScore,
}

impl Default for OrbParams {
    fn default() -> Self {
        Self {
            max_features: 500,
            scale_factor: 1.2,
            levels: 8,
            edge_threshold: 31,
            fast_threshold: 20,
            score: OrbScore::Harris,
        }
    }
}

impl OrbParams {
    /// Checks every field; errors name the JS option, e.g. `"levels" must be an integer in [1, 32], got 0`.
    pub fn validate(&self) -> KaranaResult<()> {
        let int = |name, v: usize, lo: usize, hi: usize| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(invalid(name, format!("an integer in [{lo}, {hi}]"), v))
            }
        };
        int("maxFeatures", self.max_features, 1, 100_000)?;
        int("levels", self.levels, 1, 32)?;
        int("edgeThresholdPx", self.edge_threshold, 0, 255)?;
        let sf = self.scale_factor;
        if !(sf.is_finite() && sf > 1.0 && sf <= 4.0) {
            return Err(invalid("scaleFactor", "a number in (1, 4]", sf));
        }
        Ok(())
    }

    /// Scale of level `l` (OpenCV `getScale`: `(float) pow((double)(float) scaleFactor, l)`).
    pub fn level_scale(&self, l: usize) -> f32 {
        f64::from(self.scale_factor as f32).powf(l as f64) as f32
    }

    /// Keypoints wanted from each level (OpenCV `nfeaturesPerLevel`).
    pub fn features_per_level(&self) -> Vec<usize> {
        let factor = (1.0 / f64::from(self.scale_factor as f32)) as f32;
        let total = self.max_features as f32;
        let mut desired =
            total * (1.0 - factor) / (1.0 - f64::from(factor).powf(self.levels as f64) as f32);
        let mut per = Vec::with_capacity(self.levels);
        let mut sum = 0usize;
        for _ in 0..self.levels - 1 {
            let n = desired.round_ties_even() as usize;
            per.push(n);
            sum += n;
            desired *= factor;
        }
        per.push(self.max_features.saturating_sub(sum));
        per
    }
}

/// An ORB keypoint, OpenCV `KeyPoint` fields.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrbKeypoint {
    /// Position in the input image, pixels (the level position times the level scale).
    pub x: f32,
    pub y: f32,
    /// Patch diameter in the input image, pixels (`31 · scale`).
    pub size: f32,
    /// Orientation, degrees in [0, 360), image axes (x right, y down).
    pub angle: f32,
    /// Harris response (or FAST score with [`OrbScore::Fast`]).
    pub response: f32,
    /// Pyramid level.
    pub octave: u32,
}

/// One pyramid level: the image, its smoothed copy, and its scale.
#[derive(Default)]
struct Level {
    img: Padded<u8>,
    smooth: Padded<u8>,
    scale: f32,
    empty: bool,
}

/// A FAST corner kept on a level, before orientation.
#[derive(Clone, Copy)]
struct Candidate {
    x: u32,
    y: u32,
    response: f32,
}

mod extractor;
pub use extractor::OrbExtractor;

#[cfg(test)]
mod tests;
