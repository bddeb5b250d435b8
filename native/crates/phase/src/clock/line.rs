//! The clock model every estimator produces, and the contract they share.
//!
//! Model: a sample stamped `x` ns by the device clock arrives at host time `h = x + y` with
//! `y = offset + skew · x + delay`, `delay ≥ 0` (queueing, transport, scheduling). An estimator
//! fits the line `y(x) = offset + skew · x` (the host clock as a function of the device clock is
//! `h(x) = (1 + skew) · x + offset`) from the points `(x, y = h − x)`.

/// The fitted line, anchored at an exact point so that large absolute stamps keep ns precision:
/// `y(x) = y0 + at_x0 + slope · (x − x0)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    /// Device time of the anchor, ns (the window's first sample).
    pub x0: i64,
    /// `host − device` of the anchor sample, ns.
    pub y0: i64,
    /// The line's value at `x0`, relative to `y0`, ns.
    pub at_x0: f64,
    /// `d(host − device) / d device`: the skew (dimensionless; ×10⁶ for ppm).
    pub slope: f64,
}

impl Line {
    /// `y(x) − y0`, ns.
    pub fn relative(&self, x: i64) -> f64 {
        self.at_x0 + self.slope * (x.wrapping_sub(self.x0)) as f64
    }

    /// How far the point `(x, y)` lies above the line, ns (its queueing delay if the line is true).
    pub fn residual(&self, x: i64, y: i64) -> f64 {
        y.wrapping_sub(self.y0) as f64 - self.relative(x)
    }

    /// The line's `host − device` at device time `x`, ns.
    pub fn offset_at(&self, x: i64) -> f64 {
        self.y0 as f64 + self.relative(x)
    }

    /// Host time of device time `x`, ns, as f64 (exact integer part while `x + y0` < 2⁵³). `x` and
    /// `y0` are within ±2⁶² (the estimator's input range), so their sum fits an `i64`.
    pub fn host_f64(&self, x: i64) -> f64 {
        x.saturating_add(self.y0) as f64 + self.relative(x)
    }

    /// Host time of device time `x`, rounded to the nearest ns, saturating at the i64 range.
    pub fn host_i64(&self, x: i64) -> i64 {
        let base = i128::from(x) + i128::from(self.y0);
        let total = base + self.relative(x).round() as i128;
        total.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }
}

/// How well the data pin the line (each estimator defines it; see its docs).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    /// Offset uncertainty at the latest sample, ns.
    pub offset_ns: f64,
    /// Skew uncertainty (dimensionless).
    pub skew: f64,
}

/// The hull is full: the envelope could not take the point (see [`super::hull::HullFull`]).
pub use super::hull::HullFull;

/// One window of samples (a TICSync hull envelope or least-squares sums).
pub trait Envelope {
    /// Forgets every sample.
    fn clear(&mut self);
    /// Adds a sample with `x` ≥ the last one's; an equal `x` keeps the lower `y`.
    fn add(&mut self, x: i64, y: i64) -> Result<(), HullFull>;
    /// Samples in the window.
    fn count(&self) -> u64;
    /// Device time from the first to the last sample, ns.
    fn span_ns(&self) -> i64;
    /// The fitted line; `None` when empty.
    fn line(&self) -> Option<Line>;
    fn spread(&self) -> Spread;
    /// Mean of `y − line(x)` over the window, ns.
    fn mean_residual_ns(&self) -> f64;
}
