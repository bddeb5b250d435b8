//! Decoding of YOLOX's raw head output (exported with `decode_in_inference=False`) and the full
//! post-processing to source-image boxes.
//!
//! Source: Z. Ge et al., "YOLOX: Exceeding YOLO Series in 2021" (arXiv:2107.08430) and its
//! reference code (`yolox/models/yolo_head.py` `decode_outputs`, `yolox/utils/demo_utils.py`
//! `demo_postprocess`, `yolox/utils/boxes.py` `postprocess`). The raw output is `[1, N, 5 + C]`:
//! per anchor `x, y, log w, log h` (grid units), objectness and `C` class probabilities (both
//! already through the sigmoid). Anchors run over strides 8, 16, 32, each grid row-major
//! (`N = Σ (W/s)·(H/s)`, 3549 for 416×416). Decoded box: centre `((x + gx)·s, (y + gy)·s)`, size
//! `(exp(log w)·s, exp(log h)·s)`; score `obj · max(cls)` with the class its argmax (lowest id on
//! ties, NaN class scores ignored); kept when `score ≥ scoreThreshold`.

use super::nms::class_aware_nms;
use super::Candidate;
use karana_core::error::{in_range, invalid, require_disjoint, require_len, KaranaResult};

/// Output strides of the three YOLOX heads, pixels.
pub const STRIDES: [usize; 3] = [8, 16, 32];

/// Validated decode settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YoloxParams {
    /// Network input size, pixels (multiples of 32).
    pub input_width: usize,
    pub input_height: usize,
    /// Minimum `obj · cls` kept, in [0, 1].
    pub score_threshold: f64,
    /// IoU above which a lower-scored box of the same class is suppressed, in [0, 1].
    pub iou_threshold: f64,
    pub max_detections: usize,
}

/// How network-input pixels map back to the source image: `x_src = (x_net - pad_x) / scale`,
/// then clipped to `[0, source_width] × [0, source_height]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SourceMapping {
    pub scale: f64,
    pub pad_x: f64,
    pub pad_y: f64,
    pub source_width: f64,
    pub source_height: f64,
}

/// Caller-owned outputs, row `k` for detection `k`.
pub struct DetectionsOut<'a> {
    /// `x1, y1, x2, y2` per detection, source pixels.
    pub boxes: &'a mut [f32],
    pub scores: &'a mut [f32],
    pub class_ids: &'a mut [i32],
}

/// Number of anchors for an input size.
pub fn anchor_count(width: usize, height: usize) -> usize {
    STRIDES.iter().map(|s| (width / s) * (height / s)).sum()
}

/// All anchors scoring at least the threshold, as boxes in network-input pixels.
pub fn decode(raw: &[f32], p: &YoloxParams) -> KaranaResult<Vec<Candidate>> {
    for (name, v) in [
        ("inputWidth", p.input_width),
        ("inputHeight", p.input_height),
    ] {
        if v == 0 || !v.is_multiple_of(32) {
            return Err(invalid(name, "a positive multiple of 32", v));
        }
    }
    let n = anchor_count(p.input_width, p.input_height);
    let row = raw.len() / n;
    if row < 6 || !raw.len().is_multiple_of(n) {
        return Err(invalid(
            "raw",
            format!(
                "{n} × (5 + classes) floats for a {}×{} input",
                p.input_width, p.input_height
            ),
            format!("{} floats", raw.len()),
        ));
    }
    let mut out = Vec::new();
    let mut rows = raw.chunks_exact(row).enumerate();
    for s in STRIDES {
        let (gw, gh) = (p.input_width / s, p.input_height / s);
        for (gy, gx) in (0..gh).flat_map(|gy| (0..gw).map(move |gx| (gy, gx))) {
            let Some((index, r)) = rows.next() else { break };
            let cls = max_value(&r[5..]);
            let score = f64::from(r[4]) * f64::from(cls);
            if score.is_nan() || score < p.score_threshold {
                continue;
            }
            let class_id = r[5..].iter().position(|&v| v == cls).unwrap_or(0);
            let s = s as f64;
            let cx = (f64::from(r[0]) + gx as f64) * s;
            let cy = (f64::from(r[1]) + gy as f64) * s;
            let w = f64::from(r[2]).exp() * s;
            let h = f64::from(r[3]).exp() * s;
            out.push(Candidate {
                x1: cx - 0.5 * w,
                y1: cy - 0.5 * h,
                x2: cx + 0.5 * w,
                y2: cy + 0.5 * h,
                score,
                class_id: class_id as u32,
                index: index as u32,
            });
        }
    }
    Ok(out)
}

/// Decode, class-aware NMS (in network pixels), map to the source image and clip. Returns the
/// number of detections written (≤ `max_detections`), best score first.
///
/// Errors: thresholds outside [0, 1], `scale` not positive, `raw` of the wrong size, outputs
/// shorter than `max_detections` rows or sharing memory with `raw` or each other.
pub fn detect(
    raw: &[f32],
    p: &YoloxParams,
    map: &SourceMapping,
    out: DetectionsOut<'_>,
) -> KaranaResult<usize> {
    in_range("scoreThreshold", p.score_threshold, 0.0, 1.0)?;
    in_range("iouThreshold", p.iou_threshold, 0.0, 1.0)?;
    if !(map.scale.is_finite() && map.scale > 0.0) {
        return Err(invalid("letterbox.scale", "a positive number", map.scale));
    }
    let max = p.max_detections;
    require_len("boxes", "floats", 4 * max, out.boxes.len())?;
    require_len("scores", "floats", max, out.scores.len())?;
    require_len("classIds", "integers", max, out.class_ids.len())?;
    require_disjoint("boxes", out.boxes, "raw", raw)?;
    require_disjoint("scores", out.scores, "raw", raw)?;
    require_disjoint("classIds", out.class_ids, "raw", raw)?;
    require_disjoint("boxes", out.boxes, "scores", out.scores)?;
    require_disjoint("classIds", out.class_ids, "boxes", out.boxes)?;
    require_disjoint("classIds", out.class_ids, "scores", out.scores)?;

    let mut candidates = decode(raw, p)?;
    let mut kept = Vec::with_capacity(max.min(candidates.len()));
    class_aware_nms(&mut candidates, p.iou_threshold, max, &mut kept);
    let to_x = |x: f64| ((x - map.pad_x) / map.scale).clamp(0.0, map.source_width);
    let to_y = |y: f64| ((y - map.pad_y) / map.scale).clamp(0.0, map.source_height);
    for (k, c) in kept.iter().enumerate() {
        let b = [to_x(c.x1), to_y(c.y1), to_x(c.x2), to_y(c.y2)];
        for (o, v) in out.boxes[4 * k..4 * k + 4].iter_mut().zip(b) {
            *o = v as f32;
        }
        out.scores[k] = c.score as f32;
        out.class_ids[k] = c.class_id as i32;
    }
    Ok(kept.len())
}

/// Largest element, NaN ignored (NaN only when all are NaN). Eight independent lanes so that
/// the reduction vectorizes; this is most of the decode time (N · C values).
fn max_value(v: &[f32]) -> f32 {
    let mut lanes = [f32::NEG_INFINITY; 8];
    let chunks = v.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for (l, &x) in lanes.iter_mut().zip(c) {
            *l = l.max(x);
        }
    }
    let m = tail.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x));
    lanes.iter().fold(m, |m, &x| m.max(x))
}

#[cfg(test)]
mod tests;
