//! The lower convex hull of timestamp points, built incrementally as points arrive in device-time
//! order (the lower half of Andrew's monotone chain, A. M. Andrew, "Another efficient algorithm for
//! convex hulls in two dimensions", IPL 1979): each point is pushed once and popped at most once, so
//! an update costs amortised O(1). Coordinates are exact `i64` ns; orientation tests use exact
//! `i128` cross products, so no rounding can make the hull non-convex.
//!
//! Edge cursors ([`Cursor`]) follow the hull edge that spans a target device time that only moves
//! forward (the window's centroid, a fraction of its span), as in TICSync's `TimingEnvelope`
//! (A. Harrison, TICSync library, University of Oxford 2012): also amortised O(1).

/// A point of the envelope: `x` = device time, `y` = host − device, both ns relative to the window's
/// anchor (its first sample).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub x: i64,
    pub y: i64,
}

/// The hull already holds `capacity` vertices and the new point would need one more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HullFull;

/// Lower convex hull of points with increasing `x`, in a buffer allocated once.
#[derive(Clone, Debug)]
pub struct LowerHull {
    vertices: Vec<Point>,
}

/// Twice the signed area of the triangle `o, a, b` (> 0: counter-clockwise, a left turn).
fn cross(o: Point, a: Point, b: Point) -> i128 {
    let (ax, ay) = (i128::from(a.x - o.x), i128::from(a.y - o.y));
    let (bx, by) = (i128::from(b.x - o.x), i128::from(b.y - o.y));
    ax * by - ay * bx
}

impl LowerHull {
    /// An empty hull that will never hold more than `capacity` (≥ 2) vertices.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            vertices: Vec::with_capacity(capacity.max(2)),
        }
    }

    pub fn clear(&mut self) {
        self.vertices.clear();
    }

    pub fn len(&self) -> usize {
        self.vertices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vertices.is_empty()
    }

    pub fn vertices(&self) -> &[Point] {
        &self.vertices
    }

    /// The most recent point (always a vertex of the lower hull).
    pub fn last(&self) -> Option<Point> {
        self.vertices.last().copied()
    }

    /// Adds `p`, whose `x` must be ≥ the last vertex's `x`. With an equal `x` the lower of the two
    /// points is kept (two arrivals of one device stamp: the earlier arrival is the tighter bound).
    /// Vertices on or above the segment from their predecessor to `p` are removed (collinear points
    /// are not kept). Fails, leaving the hull unchanged, when it is full.
    pub fn push(&mut self, p: Point) -> Result<(), HullFull> {
        let mut keep = self.vertices.len();
        if let Some(last) = self.vertices.last() {
            debug_assert!(p.x >= last.x, "hull points must arrive in x order");
            if p.x == last.x {
                if p.y >= last.y {
                    return Ok(());
                }
                keep -= 1;
            }
        }
        while keep >= 2 && cross(self.vertices[keep - 2], self.vertices[keep - 1], p) <= 0 {
            keep -= 1;
        }
        if keep == self.vertices.capacity() {
            return Err(HullFull);
        }
        self.vertices.truncate(keep);
        self.vertices.push(p);
        Ok(())
    }
}

/// The hull edge `(index − 1, index)` spanning a target `x` that never decreases while the hull
/// grows (reset it with the hull).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    index: usize,
}

impl Cursor {
    pub fn reset(&mut self) {
        self.index = 0;
    }

    /// Moves to the edge whose end vertex is the first after the target (the last edge when there
    /// is none) and returns its index; `None` while the hull has fewer than two vertices. Call it
    /// after every push: a push that removed the cursor's end vertex leaves the target on the new
    /// last edge or after it (the vertices before it did not move and the target did not go back).
    /// `at_or_before(x)` tells whether a vertex at `x` is at or before the target (a closure, so that
    /// a target such as the centroid `Σx / n` can be compared as `x·n ≤ Σx`, without a division).
    pub fn seek(&mut self, hull: &LowerHull, at_or_before: impl Fn(i64) -> bool) -> Option<usize> {
        let v = hull.vertices();
        if v.len() < 2 {
            return None;
        }
        if self.index == 0 || self.index >= v.len() {
            self.index = v.len() - 1;
        }
        while self.index + 1 < v.len() && at_or_before(v[self.index].x) {
            self.index += 1;
        }
        Some(self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(xy: &[(i64, i64)]) -> Vec<Point> {
        xy.iter().map(|&(x, y)| Point { x, y }).collect()
    }

    #[test]
    fn keeps_the_lower_envelope() {
        let mut h = LowerHull::with_capacity(16);
        for p in pts(&[(0, 5), (1, 1), (2, 4), (3, 0), (4, 3), (5, 2), (6, 6)]) {
            h.push(p).unwrap();
        }
        assert_eq!(h.vertices(), pts(&[(0, 5), (1, 1), (3, 0), (5, 2), (6, 6)]));
    }

    #[test]
    fn drops_collinear_points_and_keeps_the_lower_duplicate() {
        let mut h = LowerHull::with_capacity(16);
        for p in pts(&[(0, 0), (1, 1), (2, 2), (2, 1), (2, 3)]) {
            h.push(p).unwrap();
        }
        assert_eq!(h.vertices(), pts(&[(0, 0), (2, 1)]));
    }

    #[test]
    fn a_full_hull_refuses_and_stays_unchanged() {
        let mut h = LowerHull::with_capacity(3);
        // A convex curve: every point is a vertex.
        for p in pts(&[(0, 0), (1, -3), (2, -5)]) {
            h.push(p).unwrap();
        }
        assert_eq!(h.push(Point { x: 3, y: -6 }), Err(HullFull));
        assert_eq!(h.len(), 3);
        // A point that removes a vertex still fits.
        h.push(Point { x: 3, y: -20 }).unwrap();
        assert_eq!(h.vertices(), pts(&[(0, 0), (3, -20)]));
    }

    #[test]
    fn exact_for_nanosecond_coordinates_over_days() {
        // Three nearly collinear points a day apart: f64 cross products would round to zero.
        let day = 86_400_000_000_000_i64;
        let mut h = LowerHull::with_capacity(8);
        h.push(Point { x: 0, y: 0 }).unwrap();
        h.push(Point {
            x: day,
            y: 4_320_000_001,
        })
        .unwrap();
        h.push(Point {
            x: 2 * day,
            y: 8_640_000_000,
        })
        .unwrap();
        assert_eq!(h.len(), 2, "the middle point lies 1 ns above the chord");
    }

    #[test]
    fn cursor_tracks_the_spanning_edge() {
        let mut h = LowerHull::with_capacity(16);
        let mut c = Cursor::default();
        let all = pts(&[
            (0, 5),
            (1, 1),
            (2, 4),
            (3, 0),
            (4, 3),
            (5, 2),
            (6, 6),
            (7, -10),
        ]);
        for (i, p) in all.iter().enumerate() {
            h.push(*p).unwrap();
            let target = p.x as f64 * 0.5;
            if let Some(k) = c.seek(&h, |x| x as f64 <= target) {
                let v = h.vertices();
                let brute = (1..v.len())
                    .find(|&k| v[k].x as f64 > target)
                    .unwrap_or(v.len() - 1);
                assert_eq!(k, brute, "after point {i}");
            }
        }
    }
}
