//! The candidate pass: every anchor whose best class score passes the score threshold, with its
//! class, score and box in network-input pixels.
//!
//! Per head (see `spec`):
//! - YOLOX (`[1, N, 5 + C]`, Ge et al. 2021, `demo_postprocess` / `postprocess`): anchors over
//!   strides 8, 16, 32, each grid row-major; box centre `((x + gx)·s, (y + gy)·s)`, size
//!   `(exp(log w)·s, exp(log h)·s)`; score `obj · max(cls)` in float32 (as YOLOX computes it),
//!   class the argmax of `cls`; kept when `score ≥ threshold` (YOLOX `postprocess`: `>=`).
//!   The class probabilities are sigmoid outputs in [0, 1], so `score ≤ obj` and an anchor whose
//!   objectness is below the threshold is skipped without reading its classes.
//! - YOLOv8 (ultralytics `non_max_suppression`): box `cx, cy, w, h` in input pixels; score
//!   `max(cls)`, class its argmax; kept when `score > threshold` (ultralytics: `>`).
//!
//! Ties between equal class scores go to the lowest class. Boxes are corners in float64
//! (`cx ∓ w/2`), exact for float32 inputs of pixel magnitude.

use super::classmax::{
    column_argmax_on, column_argmax_one, column_max_on, first_index_of, row_max, COLUMNS,
};
use super::nms::{f32_down, f32_up};
use super::spec::{Head, Layout, OutputSpec, STRIDES};

/// The score test: `score ≥ t` (inclusive, YOLOX) or `score > t` (YOLOv8) for a float64 `t`,
/// done exactly in float32: `score ≥ t ⇔ score ≥ (smallest float32 ≥ t)` and
/// `score > t ⇔ score > (largest float32 ≤ t)` for any float32 score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Threshold {
    value: f32,
    inclusive: bool,
}

impl Threshold {
    /// The convention of the head's reference post-processing.
    pub fn for_head(head: Head, value: f64) -> Self {
        let inclusive = head == Head::Yolox;
        Self {
            value: if inclusive {
                f32_up(value)
            } else {
                f32_down(value)
            },
            inclusive,
        }
    }

    /// Whether a score is kept (NaN never is).
    #[inline(always)]
    pub fn passes(self, score: f32) -> bool {
        if self.inclusive {
            score >= self.value
        } else {
            score > self.value
        }
    }

    /// Whether a YOLOX objectness can give a passing score: `obj · cls ≤ obj` for `cls ≤ 1`.
    #[inline(always)]
    fn may_pass(self, objectness: f32) -> bool {
        objectness >= self.value
    }
}

/// Candidate scratch, one slot per candidate in anchor order; capacity N, so a pass never
/// reallocates.
pub struct Candidates {
    /// `(!score_bits) << 32 | slot`: ascending order is score descending, then slot (= anchor
    /// order) ascending. Scores are non-negative (−0 is stored as +0), so their bits order them.
    pub keys: Vec<u64>,
    /// `x1, y1, x2, y2`, network-input pixels.
    pub boxes: Vec<[f64; 4]>,
    pub scores: Vec<f32>,
    pub classes: Vec<u32>,
    pub anchors: Vec<u32>,
}

impl Candidates {
    /// Scratch for up to `anchors` candidates.
    pub fn with_capacity(anchors: usize) -> Self {
        Self {
            keys: Vec::with_capacity(anchors),
            boxes: Vec::with_capacity(anchors),
            scores: Vec::with_capacity(anchors),
            classes: Vec::with_capacity(anchors),
            anchors: Vec::with_capacity(anchors),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    fn clear(&mut self) {
        self.keys.clear();
        self.boxes.clear();
        self.scores.clear();
        self.classes.clear();
        self.anchors.clear();
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, anchor: usize, class: usize, score: f32, centre_size: [f64; 4]) {
        let [cx, cy, w, h] = centre_size;
        let slot = self.keys.len() as u64;
        let score = score + 0.0;
        self.keys.push((u64::from(!score.to_bits()) << 32) | slot);
        self.boxes
            .push([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h]);
        self.scores.push(score);
        self.classes.push(class as u32);
        self.anchors.push(anchor as u32);
    }
}

/// Fills `out` with the candidates of `raw` (a tensor of `spec.tensor_len()` floats, checked by the
/// caller), in anchor order; `SIMD`: use the platform's vector kernels (see `classmax`).
#[inline(always)]
pub fn collect<const SIMD: bool>(
    raw: &[f32],
    spec: &OutputSpec,
    threshold: Threshold,
    out: &mut Candidates,
) {
    out.clear();
    match (spec.head, spec.layout) {
        (Head::Yolox, _) => yolox_rows(raw, spec, threshold, out),
        (Head::Yolov8, Layout::AnchorsFirst) => yolov8_rows(raw, spec, threshold, out),
        (Head::Yolov8, Layout::ChannelsFirst) => yolov8_planes::<SIMD>(raw, spec, threshold, out),
    }
}

#[inline(always)]
fn yolox_rows(raw: &[f32], spec: &OutputSpec, t: Threshold, out: &mut Candidates) {
    let mut rows = raw.chunks_exact(spec.channels()).enumerate();
    for s in STRIDES {
        let (gw, gh) = (spec.input_width / s, spec.input_height / s);
        let s = s as f64;
        for gy in 0..gh {
            for gx in 0..gw {
                let Some((anchor, r)) = rows.next() else {
                    return;
                };
                let obj = r[4];
                if !t.may_pass(obj) {
                    continue;
                }
                let cls = &r[5..];
                let m = row_max(cls);
                let score = obj * m;
                if !t.passes(score) {
                    continue;
                }
                let centre_size = [
                    (f64::from(r[0]) + gx as f64) * s,
                    (f64::from(r[1]) + gy as f64) * s,
                    f64::from(r[2]).exp() * s,
                    f64::from(r[3]).exp() * s,
                ];
                out.push(anchor, first_index_of(cls, m), score, centre_size);
            }
        }
    }
}

#[inline(always)]
fn yolov8_rows(raw: &[f32], spec: &OutputSpec, t: Threshold, out: &mut Candidates) {
    for (anchor, r) in raw.chunks_exact(spec.channels()).enumerate() {
        let cls = &r[4..];
        let m = row_max(cls);
        if t.passes(m) {
            let centre_size = [r[0], r[1], r[2], r[3]].map(f64::from);
            out.push(anchor, first_index_of(cls, m), m, centre_size);
        }
    }
}

#[inline(always)]
fn yolov8_planes<const SIMD: bool>(
    raw: &[f32],
    spec: &OutputSpec,
    t: Threshold,
    out: &mut Candidates,
) {
    let (n, classes) = (spec.anchors(), spec.classes);
    let planes = &raw[4 * n..];
    let mut push = |a: usize, m: f32, class: u32| {
        let centre_size = [raw[a], raw[n + a], raw[2 * n + a], raw[3 * n + a]].map(f64::from);
        out.push(a, class as usize, m, centre_size);
    };
    let whole = n / COLUMNS * COLUMNS;
    for a0 in (0..whole).step_by(COLUMNS) {
        let best = column_max_on::<SIMD>(&planes[a0..], n, classes);
        if !best.iter().any(|&m| t.passes(m)) {
            continue;
        }
        let (best, arg) = column_argmax_on::<SIMD>(&planes[a0..], n, classes);
        for (j, (&m, &class)) in best.iter().zip(&arg).enumerate() {
            if t.passes(m) {
                push(a0 + j, m, class);
            }
        }
    }
    for a in whole..n {
        let (m, class) = column_argmax_one(planes, n, classes, a);
        if t.passes(m) {
            push(a, m, class);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_follow_each_head() {
        let x = Threshold::for_head(Head::Yolox, 0.5);
        let v8 = Threshold::for_head(Head::Yolov8, 0.5);
        assert!(x.passes(0.5) && !v8.passes(0.5));
        assert!(x.passes(0.75) && v8.passes(0.75));
        assert!(!x.passes(f32::NAN) && !v8.passes(f32::NAN));
        // 0.3 is not a float32: ≥ 0.3 starts at the float32 above it, > 0.3 too.
        let above = 0.3f32;
        assert!(f64::from(above) > 0.3);
        let below = above.next_down();
        let (x, v8) = (
            Threshold::for_head(Head::Yolox, 0.3),
            Threshold::for_head(Head::Yolov8, 0.3),
        );
        assert!(x.passes(above) && !x.passes(below) && v8.passes(above) && !v8.passes(below));
    }

    #[test]
    fn keys_order_by_score_then_anchor() {
        let mut c = Candidates::with_capacity(4);
        for (anchor, score) in [(3, 0.5f32), (5, 0.9), (7, 0.5), (9, -0.0)] {
            c.push(anchor, 0, score, [0.0; 4]);
        }
        let mut keys = c.keys.clone();
        keys.sort_unstable();
        let order: Vec<u32> = keys.iter().map(|k| c.anchors[*k as u32 as usize]).collect();
        assert_eq!(order, [5, 3, 7, 9]);
        assert_eq!(c.scores[3].to_bits(), 0);
    }
}
