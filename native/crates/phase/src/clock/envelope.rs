//! TICSync's one-way estimator over one window: the lower convex hull of the points
//! `(device, host − device)` and the hull edge that spans the window's centroid.
//!
//! Sources: A. Harrison, P. Newman, "TICSync: Knowing when things happened", ICRA 2011 (the true
//! line lies below every point because delays are ≥ 0, so only the lower convex hull matters);
//! S. B. Moon, P. Skelly, D. Towsley, "Estimation and removal of clock skew from network delay
//! measurements", INFOCOM 1999 (the linear program `max Σ (line(xᵢ))` subject to `line ≤ every
//! point` — the maximum-likelihood line for exponential delays — is solved by the hull edge that
//! spans the centroid `x̄`). TICSync's library (`TimingEnvelope`) offers this centroid edge and the
//! edge at the middle of the span; they coincide for evenly spaced samples.

use super::hull::{Cursor, HullFull, LowerHull, Point};
use super::line::{Envelope, Line, Spread};

/// Hull envelope of one window, with running sums for the centroid and the mean residual.
#[derive(Clone, Debug)]
pub struct HullEnvelope {
    hull: LowerHull,
    /// The first sample `(device, host − device)`; points are stored relative to it.
    anchor: Option<(i64, i64)>,
    count: u64,
    /// Σ x and Σ y of the window, ns (f64: exact integers below 2⁵³, relative error 10⁻¹⁶ beyond —
    /// they only place the centroid and give the mean residual).
    sum_x: f64,
    sum_y: f64,
    centroid: Cursor,
    /// The hull edge spanning the centroid (`None` below two vertices), its two vertices and its line
    /// (recomputed only when the edge changes: most samples leave it alone).
    edge: Option<(usize, Point, Point, Line)>,
}

impl HullEnvelope {
    /// An envelope whose hull never holds more than `max_vertices` vertices.
    pub fn new(max_vertices: usize) -> Self {
        Self {
            hull: LowerHull::with_capacity(max_vertices),
            anchor: None,
            count: 0,
            sum_x: 0.0,
            sum_y: 0.0,
            centroid: Cursor::default(),
            edge: None,
        }
    }

    /// Hull vertices held now.
    pub fn vertices(&self) -> usize {
        self.hull.len()
    }

    /// The mean device time of the window's samples, ns from the anchor.
    fn centroid_x(&self) -> f64 {
        self.sum_x / self.count as f64
    }

    /// The line through hull edge `k` (vertices `k − 1`, `k`).
    fn edge_line(&self, k: usize) -> Line {
        let (x0, y0) = self.anchor.unwrap_or_default();
        let v = self.hull.vertices();
        let (a, b) = (v[k - 1], v[k]);
        let slope = (b.y - a.y) as f64 / (b.x - a.x) as f64;
        Line {
            x0,
            y0,
            at_x0: a.y as f64 - slope * a.x as f64,
            slope,
        }
    }

    /// Moves the cursor to the edge spanning the centroid (compared as `x·n ≤ Σx`: no division) and
    /// recomputes the edge's line only if the edge changed.
    fn follow_centroid(&mut self) {
        let (sum_x, n) = (self.sum_x, self.count as f64);
        self.edge = match self.centroid.seek(&self.hull, |x| x as f64 * n <= sum_x) {
            None => None,
            Some(k) => {
                let (a, b) = (self.hull.vertices()[k - 1], self.hull.vertices()[k]);
                match self.edge {
                    Some(e) if e.0 == k && e.1 == a && e.2 == b => Some(e),
                    _ => Some((k, a, b, self.edge_line(k))),
                }
            }
        };
    }

    /// The edge spanning `x` found by bisection (for the occasional query; updates use the cursor).
    fn edge_at(&self, x: f64) -> usize {
        let v = self.hull.vertices();
        let k = v.partition_point(|p| p.x as f64 <= x);
        k.clamp(1, v.len() - 1)
    }
}

impl Envelope for HullEnvelope {
    fn clear(&mut self) {
        self.hull.clear();
        self.anchor = None;
        self.count = 0;
        self.sum_x = 0.0;
        self.sum_y = 0.0;
        self.centroid.reset();
        self.edge = None;
    }

    fn add(&mut self, x: i64, y: i64) -> Result<(), HullFull> {
        let (x0, y0) = *self.anchor.get_or_insert((x, y));
        let p = Point {
            x: x - x0,
            y: y - y0,
        };
        let last = self.hull.last();
        self.hull.push(p)?;
        match last {
            Some(l) if l.x == p.x => {
                // Same device stamp: the hull kept the lower arrival; the sums follow it.
                self.sum_y += (p.y.min(l.y) - l.y) as f64;
            }
            _ => {
                self.count += 1;
                self.sum_x += p.x as f64;
                self.sum_y += p.y as f64;
            }
        }
        self.follow_centroid();
        Ok(())
    }

    fn count(&self) -> u64 {
        self.count
    }

    fn span_ns(&self) -> i64 {
        self.hull.last().map_or(0, |p| p.x)
    }

    /// The supporting line at the centroid (one sample: a flat line through it).
    fn line(&self) -> Option<Line> {
        let (x0, y0) = self.anchor?;
        match self.edge {
            Some((_, _, _, line)) => Some(line),
            None => Some(Line {
                x0,
                y0,
                at_x0: self.hull.last().map_or(0.0, |p| p.y as f64),
                slope: 0.0,
            }),
        }
    }

    /// How uncertain the line is, as the larger of two scales (neither is a statistical bound):
    /// - the spread of the hull's supporting lines over the middle half of the window: the slopes of
    ///   the edges at ¼ and ¾ of the span, and how far those lines are from the estimate at the
    ///   latest sample (a curved envelope — drift within the window — widens it);
    /// - the error expected for exponential delays of mean `μ` (estimated by the mean residual) over
    ///   `n` samples spanning `T`: the lowest of `n/2` delays is `2μ/n` on average, so the skew
    ///   `6μ / (n·T)` and the offset `2μ/n + skew scale · |x − x̄|` at the latest sample `x`.
    fn spread(&self) -> Spread {
        let Some((c, _, _, mid)) = self.edge else {
            return Spread {
                offset_ns: f64::INFINITY,
                skew: f64::INFINITY,
            };
        };
        let span = self.span_ns();
        let (q1, q3) = (
            self.edge_at(0.25 * span as f64),
            self.edge_at(0.75 * span as f64),
        );
        debug_assert_eq!(mid, self.edge_line(c));
        let (lo, hi) = (self.edge_line(q1), self.edge_line(q3));
        let x_last = mid.x0 + span;
        let at = |l: &Line| l.relative(x_last);
        let hull_offset = (at(&lo) - at(&mid)).abs().max((at(&hi) - at(&mid)).abs());
        let n = self.count as f64;
        let mu = self.mean_residual_ns().max(0.0);
        let skew_model = 6.0 * mu / (n * span as f64);
        let lever = span as f64 - self.centroid_x();
        Spread {
            offset_ns: hull_offset.max(2.0 * mu / n + skew_model * lever),
            skew: (hi.slope - lo.slope).max(skew_model),
        }
    }

    /// The mean queueing delay implied by the line (≥ 0: the line lies below every point).
    fn mean_residual_ns(&self) -> f64 {
        match self.line() {
            Some(l) if self.count > 0 => {
                let mean_y = self.sum_y / self.count as f64;
                mean_y - (l.at_x0 + l.slope * self.centroid_x())
            }
            _ => 0.0,
        }
    }
}
