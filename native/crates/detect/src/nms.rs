//! Greedy class-aware non-maximum suppression.
//!
//! Candidates are visited by descending score (equal scores: lower `index` first, so the result
//! does not depend on sort stability); a candidate is kept unless it overlaps an already kept box
//! of the same class with IoU strictly greater than the threshold. Boxes of different classes
//! never suppress each other. This is torchvision's `batched_nms` (used by YOLOX `postprocess`)
//! with its IoU (no +1 on widths), stopped after `max_detections` boxes.

use super::Candidate;
use std::cmp::Ordering;

/// Intersection over union of two boxes; 0 when the union is empty.
pub fn iou(a: &Candidate, b: &Candidate) -> f64 {
    let w = (a.x2.min(b.x2) - a.x1.max(b.x1)).max(0.0);
    let h = (a.y2.min(b.y2) - a.y1.max(b.y1)).max(0.0);
    let inter = w * h;
    let union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}

/// Sorts `candidates` (score descending, then index ascending) and appends the kept ones to `kept`
/// (which is cleared first), at most `max_detections`.
pub fn class_aware_nms(
    candidates: &mut [Candidate],
    iou_threshold: f64,
    max_detections: usize,
    kept: &mut Vec<Candidate>,
) {
    candidates.sort_unstable_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(Ordering::Equal)
            .then(a.index.cmp(&b.index))
    });
    kept.clear();
    for c in candidates.iter() {
        if kept.len() >= max_detections {
            break;
        }
        let suppressed = kept
            .iter()
            .any(|k| k.class_id == c.class_id && iou(k, c) > iou_threshold);
        if !suppressed {
            kept.push(*c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(x1: f64, score: f64, class_id: u32, index: u32) -> Candidate {
        Candidate {
            x1,
            y1: 0.0,
            x2: x1 + 10.0,
            y2: 10.0,
            score,
            class_id,
            index,
        }
    }

    #[test]
    fn iou_of_half_overlap() {
        assert!((iou(&cand(0.0, 1.0, 0, 0), &cand(5.0, 1.0, 0, 1)) - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(iou(&cand(0.0, 1.0, 0, 0), &cand(20.0, 1.0, 0, 1)), 0.0);
    }

    #[test]
    fn suppresses_within_a_class_only() {
        let mut c = vec![
            cand(1.0, 0.8, 0, 0),
            cand(0.0, 0.9, 0, 1),
            cand(0.5, 0.85, 1, 2),
            cand(40.0, 0.3, 0, 3),
        ];
        let mut kept = Vec::new();
        class_aware_nms(&mut c, 0.45, 10, &mut kept);
        let ids: Vec<u32> = kept.iter().map(|k| k.index).collect();
        assert_eq!(ids, [1, 2, 3]);
    }

    #[test]
    fn equal_scores_keep_the_lower_index_and_max_is_honoured() {
        let mut c = vec![
            cand(0.0, 0.5, 0, 7),
            cand(0.0, 0.5, 0, 3),
            cand(50.0, 0.5, 0, 9),
        ];
        let mut kept = Vec::new();
        class_aware_nms(&mut c, 0.45, 1, &mut kept);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].index, 3);
        class_aware_nms(&mut c, 0.45, 5, &mut kept);
        assert_eq!(kept.iter().map(|k| k.index).collect::<Vec<_>>(), [3, 9]);
    }

    #[test]
    fn threshold_is_strict() {
        // IoU exactly 1/3 is not above a 1/3 threshold.
        let mut c = vec![cand(0.0, 0.9, 0, 0), cand(5.0, 0.8, 0, 1)];
        let mut kept = Vec::new();
        class_aware_nms(&mut c, 1.0 / 3.0, 5, &mut kept);
        assert_eq!(kept.len(), 2);
    }
}
