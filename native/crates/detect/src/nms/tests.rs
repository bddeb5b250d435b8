use super::*;

/// A 10×10 box at `x1`, as a candidate (`anchor` doubles as its slot order).
fn push(c: &mut Candidates, x1: f64, score: f32, class: usize, anchor: usize) {
    c.push(anchor, class, score, [x1 + 5.0, 5.0, 10.0, 10.0]);
}

fn kept_anchors(c: &Candidates, kept: &Kept) -> Vec<u32> {
    kept.slots.iter().map(|&s| c.anchors[s as usize]).collect()
}

#[test]
fn iou_of_half_overlap_and_of_empty_boxes() {
    let a = [0.0, 0.0, 10.0, 10.0];
    assert!((iou(&a, &[5.0, 0.0, 15.0, 10.0]) - 1.0 / 3.0).abs() < 1e-15);
    assert_eq!(iou(&a, &[20.0, 0.0, 30.0, 10.0]), 0.0);
    assert_eq!(iou(&a, &[10.0, 0.0, 20.0, 10.0]), 0.0);
    // Two empty boxes: union 0 → IoU 0 (OpenCV's jaccardDistance says 1 here).
    assert_eq!(iou(&[1.0, 1.0, 1.0, 1.0], &[1.0, 1.0, 1.0, 1.0]), 0.0);
}

#[test]
fn suppresses_within_a_class_only_unless_agnostic() {
    let mut c = Candidates::with_capacity(4);
    push(&mut c, 1.0, 0.8, 0, 0);
    push(&mut c, 0.0, 0.9, 0, 1);
    push(&mut c, 0.5, 0.85, 1, 2);
    push(&mut c, 40.0, 0.3, 0, 3);
    let mut kept = Kept::with_capacity(4, 2);
    greedy::<false>(&mut c, 0.45, 10, false, &mut kept);
    assert_eq!(kept_anchors(&c, &kept), [1, 2, 3]);
    greedy::<false>(&mut c, 0.45, 10, true, &mut kept);
    assert_eq!(kept_anchors(&c, &kept), [1, 3]);
}

#[test]
fn equal_scores_keep_the_lower_anchor_and_max_is_honoured() {
    let mut c = Candidates::with_capacity(3);
    push(&mut c, 0.0, 0.5, 0, 3);
    push(&mut c, 0.0, 0.5, 0, 7);
    push(&mut c, 50.0, 0.5, 0, 9);
    let mut kept = Kept::with_capacity(3, 1);
    greedy::<false>(&mut c, 0.45, 1, false, &mut kept);
    assert_eq!(kept_anchors(&c, &kept), [3]);
    greedy::<false>(&mut c, 0.45, 5, false, &mut kept);
    assert_eq!(kept_anchors(&c, &kept), [3, 9]);
}

#[test]
fn threshold_is_strict() {
    // IoU exactly 1/3 is not above a 1/3 threshold.
    let mut c = Candidates::with_capacity(2);
    push(&mut c, 0.0, 0.9, 0, 0);
    push(&mut c, 5.0, 0.8, 0, 1);
    let mut kept = Kept::with_capacity(2, 1);
    greedy::<false>(&mut c, 1.0 / 3.0, 5, false, &mut kept);
    assert_eq!(kept.slots.len(), 2);
    greedy::<false>(&mut c, 0.33, 5, false, &mut kept);
    assert_eq!(kept.slots.len(), 1);
}

#[test]
fn a_sliver_of_overlap_below_float32_resolution_still_counts_at_threshold_zero() {
    // Overlap 1e-9 px wide: the float32 screen must not lose it (outward rounding).
    let mut c = Candidates::with_capacity(2);
    push(&mut c, 0.0, 0.9, 0, 0);
    push(&mut c, 10.0 - 1e-9, 0.8, 0, 1);
    let mut kept = Kept::with_capacity(2, 1);
    greedy::<false>(&mut c, 0.0, 5, false, &mut kept);
    assert_eq!(kept_anchors(&c, &kept), [0]);
}

#[test]
fn screening_spans_several_steps_of_kept_boxes() {
    // 20 disjoint boxes kept (three screening steps), then one overlapping the 19th.
    let mut c = Candidates::with_capacity(21);
    for i in 0..20 {
        push(&mut c, 20.0 * i as f64, 0.9 - 0.01 * i as f32, 0, i);
    }
    push(&mut c, 20.0 * 18.0 + 1.0, 0.1, 0, 20);
    let mut kept = Kept::with_capacity(21, 1);
    greedy::<false>(&mut c, 0.5, 100, false, &mut kept);
    assert_eq!(kept.slots.len(), 20);
    assert!(!kept_anchors(&c, &kept).contains(&20));
}

#[test]
fn outward_rounding_brackets_the_value() {
    for x in [
        0.1,
        -0.1,
        1e-9,
        416.000001,
        -3.3e38,
        f64::from(f32::MAX) * 2.0,
    ] {
        assert!(
            f64::from(f32_down(x)) <= x && f64::from(f32_up(x)) >= x,
            "{x}"
        );
    }
    assert!(f32_down(f64::NAN).is_nan());
}
