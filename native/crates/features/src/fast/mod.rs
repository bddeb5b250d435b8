//! FAST-9 corners (16-pixel circle, 9 contiguous) with OpenCV's score and non-maximum suppression:
//! the semantics of `cv::FAST(img, kps, threshold, nonmax, TYPE_9_16)` (features2d `fast.cpp`;
//! Rosten & Drummond, "Machine learning for high-speed corner detection", ECCV 2006).
//!
//! - A pixel is a corner when 9 contiguous circle pixels are all `> v + t` or all `< v − t`
//!   (strict), tested for `3 ≤ x ≤ w − 4`, `3 ≤ y ≤ h − 4`.
//! - Score: the largest `t` that keeps it a corner ([`score::corner_score`]).
//! - Non-maximum suppression: a corner is kept when its score is strictly greater than each of its
//!   8 neighbours' (non-corners count 0). Without suppression every corner is kept, score 0.
//! - Output order: rows top to bottom, columns left to right (OpenCV's order).

pub mod grid;
pub mod scan;
pub mod score;

use crate::gray::GrayView;
use scan::{best_row_scan, RowArgs, RowScan};

/// Names of the row scanners this CPU runs, portable first.
pub fn backends() -> Vec<&'static str> {
    scan::available_row_scans()
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

/// A FAST corner: pixel position and score (OpenCV `KeyPoint.response`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corner {
    pub x: u32,
    pub y: u32,
    pub score: u8,
}

/// Reusable FAST-9 detector: holds the three score rows and corner lists of the suppression window
/// and the row scanner chosen for this CPU; after the first frame of a size it allocates nothing.
pub struct FastDetector {
    scores: [Vec<u8>; 3],
    hits: [Vec<u32>; 3],
    scan: RowScan,
}

impl Default for FastDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl FastDetector {
    /// A detector using the fastest row scanner of this CPU (AVX2, SSE2, NEON or scalar).
    pub fn new() -> Self {
        Self::with_scan(best_row_scan())
    }

    /// A detector on a named row scanner (`"scalar"`, `"sse2"`, `"avx2"`, `"neon"`; see
    /// [`backends`]), for tests and benchmarks; None when this CPU lacks it.
    pub fn with_backend(name: &str) -> Option<Self> {
        scan::available_row_scans()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| Self::with_scan(s))
    }

    pub(crate) fn with_scan(scan: RowScan) -> Self {
        Self {
            scores: Default::default(),
            hits: Default::default(),
            scan,
        }
    }

    /// Appends the corners of `img` to `out` (cleared first), in OpenCV's order.
    pub fn detect(&mut self, img: &GrayView, threshold: u8, nonmax: bool, out: &mut Vec<Corner>) {
        out.clear();
        let (w, h) = (img.width, img.height);
        if w < 7 || h < 7 {
            return;
        }
        for k in 0..3 {
            self.scores[k].clear();
            self.scores[k].resize(w, 0);
            self.hits[k].clear();
        }
        for y in 3..h - 2 {
            let cur = (y - 3) % 3;
            self.scores[cur].fill(0);
            self.hits[cur].clear();
            if y < h - 3 {
                let row = RowArgs {
                    data: img.data,
                    width: w,
                    stride: img.stride,
                    y,
                    threshold,
                    with_scores: nonmax,
                };
                // SAFETY: 3 ≤ y ≤ h − 4, so rows y ± 3 are inside `img`; a score row holds `w`.
                unsafe { (self.scan)(row, &mut self.hits[cur], &mut self.scores[cur]) };
            }
            if y > 3 {
                self.suppress(y - 1, nonmax, out);
            }
        }
    }

    /// Emits the corners of row `y` (whose scores are in the ring with the rows around it).
    fn suppress(&self, y: usize, nonmax: bool, out: &mut Vec<Corner>) {
        let prev = &self.scores[(y - 3) % 3];
        let pprev = &self.scores[(y + 2) % 3];
        let curr = &self.scores[(y + 1) % 3];
        for &x in &self.hits[(y - 3) % 3] {
            let j = x as usize;
            let s = prev[j];
            let keep = !nonmax
                || (s > prev[j - 1]
                    && s > prev[j + 1]
                    && s > pprev[j - 1]
                    && s > pprev[j]
                    && s > pprev[j + 1]
                    && s > curr[j - 1]
                    && s > curr[j]
                    && s > curr[j + 1]);
            if keep {
                out.push(Corner {
                    x,
                    y: y as u32,
                    score: s,
                });
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
