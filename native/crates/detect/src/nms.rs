//! Greedy non-maximum suppression, class-aware or class-agnostic.
//!
//! Candidates are visited by descending score (equal scores: lower anchor first, so the result
//! does not depend on sort stability); a candidate is kept unless it overlaps an already kept box
//! of the same group with IoU strictly greater than the threshold; the group is the class
//! (class-aware, torchvision `batched_nms` as YOLOX `postprocess` uses it) or one group for all
//! (class-agnostic, torchvision `nms`). IoU = intersection / union of the corner boxes, no +1 on
//! widths, 0 when the union is empty; computed in float64 from the candidates' corners. Stops
//! after `max_detections` kept boxes (the first ones of the greedy order: what the full run would
//! keep, truncated).
//!
//! Speed: a kept box can only suppress a candidate it intersects, so each candidate is first
//! screened against the kept boxes of its group, eight at a time, on float32 copies rounded
//! outwards (supersets of the true boxes, so the screen never misses an intersection; see
//! `kept`), and the exact IoU is computed only for the kept boxes that pass.

use super::candidates::Candidates;
use super::kept::Kept;

/// Intersection over union of two corner boxes; 0 when the union is empty.
#[inline(always)]
pub fn iou(a: &[f64; 4], b: &[f64; 4]) -> f64 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = w * h;
    let union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}

/// The largest float32 ≤ `x` (NaN stays NaN).
pub fn f32_down(x: f64) -> f32 {
    let f = x as f32;
    if f64::from(f) > x {
        f.next_down()
    } else {
        f
    }
}

/// The smallest float32 ≥ `x` (NaN stays NaN).
pub fn f32_up(x: f64) -> f32 {
    let f = x as f32;
    if f64::from(f) < x {
        f.next_up()
    } else {
        f
    }
}

/// Sorts the candidates' keys and fills `kept` with the slots the greedy pass keeps, at most
/// `max_detections`; `SIMD`: screen on the platform's vector unit.
#[inline(always)]
pub fn greedy<const SIMD: bool>(
    c: &mut Candidates,
    iou_threshold: f64,
    max_detections: usize,
    class_agnostic: bool,
    kept: &mut Kept,
) {
    c.keys.sort_unstable();
    kept.clear();
    'candidates: for &key in &c.keys {
        if kept.slots.len() >= max_detections {
            break;
        }
        let slot = key as u32;
        let exact = &c.boxes[slot as usize];
        let outer = [
            f32_down(exact[0]),
            f32_down(exact[1]),
            f32_up(exact[2]),
            f32_up(exact[3]),
        ];
        let group = if class_agnostic {
            0
        } else {
            c.classes[slot as usize] as usize
        };
        let mut block = kept.first_block(group);
        while let Some(b) = block {
            let mut mask = kept.screen::<SIMD>(b, outer);
            while mask != 0 {
                let l = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                if iou(&c.boxes[kept.slot(b, l)], exact) > iou_threshold {
                    continue 'candidates;
                }
            }
            block = kept.next_block(b);
        }
        kept.push(slot, outer, group);
    }
}

#[cfg(test)]
mod tests;
