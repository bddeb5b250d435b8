//! Ordinary least squares of `host − device` on device time over one window: the estimator a user
//! would write first. Kept for comparison: one-sided delays bias its offset by the mean delay (it
//! fits the middle of the delay distribution, not its floor) and add their variance to its skew.
//!
//! Welford's running means and co-moments (B. P. Welford, Technometrics 1962), so long windows of
//! large stamps lose no precision; coordinates relative to the window's first sample.

use super::hull::HullFull;
use super::line::{Envelope, Line, Spread};

#[derive(Clone, Debug, Default)]
pub struct LeastSquares {
    anchor: Option<(i64, i64)>,
    count: u64,
    mean_x: f64,
    mean_y: f64,
    cxx: f64,
    cxy: f64,
    cyy: f64,
    last: Option<(i64, i64)>,
}

impl LeastSquares {
    fn push(&mut self, x: f64, y: f64) {
        self.count += 1;
        let n = self.count as f64;
        let dx = x - self.mean_x;
        let dy = y - self.mean_y;
        self.mean_x += dx / n;
        self.mean_y += dy / n;
        self.cxx += dx * (x - self.mean_x);
        self.cxy += dx * (y - self.mean_y);
        self.cyy += dy * (y - self.mean_y);
    }

    /// Removes the sample `(x, y)` that was the last one pushed (Welford's update run backwards).
    fn pop(&mut self, x: f64, y: f64) {
        if self.count <= 1 {
            (self.count, self.mean_x, self.mean_y) = (0, 0.0, 0.0);
            (self.cxx, self.cxy, self.cyy) = (0.0, 0.0, 0.0);
            return;
        }
        let n = self.count as f64;
        let mx = (n * self.mean_x - x) / (n - 1.0);
        let my = (n * self.mean_y - y) / (n - 1.0);
        self.cxx -= (x - mx) * (x - self.mean_x);
        self.cxy -= (x - mx) * (y - self.mean_y);
        self.cyy -= (y - my) * (y - self.mean_y);
        (self.count, self.mean_x, self.mean_y) = (self.count - 1, mx, my);
    }

    fn slope(&self) -> f64 {
        if self.count >= 2 && self.cxx > 0.0 {
            self.cxy / self.cxx
        } else {
            0.0
        }
    }
}

impl Envelope for LeastSquares {
    fn clear(&mut self) {
        *self = Self::default();
    }

    fn add(&mut self, x: i64, y: i64) -> Result<(), HullFull> {
        let (x0, y0) = *self.anchor.get_or_insert((x, y));
        let (px, py) = ((x - x0) as f64, (y - y0) as f64);
        if let Some((lx, ly)) = self.last {
            if lx == x {
                if y >= ly {
                    return Ok(());
                }
                self.pop(px, (ly - y0) as f64);
            }
        }
        self.push(px, py);
        self.last = Some((x, y));
        Ok(())
    }

    fn count(&self) -> u64 {
        self.count
    }

    fn span_ns(&self) -> i64 {
        match (self.anchor, self.last) {
            (Some((x0, _)), Some((x, _))) => x - x0,
            _ => 0,
        }
    }

    fn line(&self) -> Option<Line> {
        let (x0, y0) = self.anchor?;
        let slope = self.slope();
        Some(Line {
            x0,
            y0,
            at_x0: self.mean_y - slope * self.mean_x,
            slope,
        })
    }

    /// One standard error of the skew and of the line at the latest sample, from the residual
    /// variance (which here is the variance of the delays).
    fn spread(&self) -> Spread {
        if self.count < 3 || self.cxx <= 0.0 {
            return Spread {
                offset_ns: f64::INFINITY,
                skew: f64::INFINITY,
            };
        }
        let n = self.count as f64;
        let s2 = ((self.cyy - self.cxy * self.cxy / self.cxx) / (n - 2.0)).max(0.0);
        let dx_last = self.span_ns() as f64 - self.mean_x;
        Spread {
            offset_ns: (s2 * (1.0 / n + dx_last * dx_last / self.cxx)).sqrt(),
            skew: (s2 / self.cxx).sqrt(),
        }
    }

    /// Zero by construction.
    fn mean_residual_ns(&self) -> f64 {
        0.0
    }
}
