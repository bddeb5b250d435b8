use super::*;

const C: usize = 3;

fn params(max: usize) -> YoloxParams {
    YoloxParams {
        input_width: 64,
        input_height: 32,
        score_threshold: 0.3,
        iou_threshold: 0.45,
        max_detections: max,
    }
}

/// Raw output for a 64×32 input (8·4 + 4·2 + 2·1 = 42 anchors), all scores 0.
fn empty_raw() -> Vec<f32> {
    vec![0.0; anchor_count(64, 32) * (5 + C)]
}

fn set(raw: &mut [f32], index: usize, values: [f32; 5 + C]) {
    raw[index * (5 + C)..(index + 1) * (5 + C)].copy_from_slice(&values);
}

#[test]
fn anchor_count_of_yolox_nano() {
    assert_eq!(anchor_count(416, 416), 3549);
}

#[test]
fn decodes_grid_cell_and_stride() {
    let mut raw = empty_raw();
    // Stride 16 grid is 4×2 and starts at anchor 32; anchor 32 + 1·4 + 3 is (gx 3, gy 1).
    set(
        &mut raw,
        39,
        [0.5, 0.25, 0.0, (2.0f32).ln(), 0.9, 0.1, 0.8, 0.2],
    );
    let c = decode(&raw, &params(10)).unwrap();
    assert_eq!(c.len(), 1);
    let d = c[0];
    assert_eq!((d.class_id, d.index), (1, 39));
    assert!((d.score - 0.9f32 as f64 * 0.8f32 as f64).abs() < 1e-15);
    assert!((d.x1 - (3.5 * 16.0 - 8.0)).abs() < 1e-12 && (d.x2 - (3.5 * 16.0 + 8.0)).abs() < 1e-12);
    assert!(
        (d.y1 - (1.25 * 16.0 - 16.0)).abs() < 1e-5 && (d.y2 - (1.25 * 16.0 + 16.0)).abs() < 1e-5
    );
}

#[test]
fn maps_back_through_the_letterbox_and_clips() {
    let mut raw = empty_raw();
    set(
        &mut raw,
        0,
        [0.0, 0.0, (4.0f32).ln(), (4.0f32).ln(), 1.0, 0.7, 0.0, 0.0],
    );
    set(&mut raw, 9, [0.5, 0.5, 0.0, 0.0, 0.8, 0.0, 0.0, 0.9]);
    let map = SourceMapping {
        scale: 0.5,
        pad_x: 0.0,
        pad_y: 4.0,
        source_width: 100.0,
        source_height: 40.0,
    };
    let (mut boxes, mut scores, mut ids) = ([0f32; 8], [0f32; 2], [0i32; 2]);
    let out = DetectionsOut {
        boxes: &mut boxes,
        scores: &mut scores,
        class_ids: &mut ids,
    };
    let n = detect(&raw, &params(2), &map, out).unwrap();
    assert_eq!(n, 2);
    assert_eq!(ids, [2, 0]);
    // Anchor 9 = stride 8 (gx 1, gy 1): centre (12, 12), 8×8, net (8..16, 8..16) → source
    // x (8 - 0) / 0.5 .. 16 / 0.5, y (8 - 4) / 0.5 .. (16 - 4) / 0.5.
    assert_eq!(&boxes[..4], &[16.0, 8.0, 32.0, 24.0]);
    // Anchor 0: centre (0, 0), 32×32, net (-16..16) → source (-32..32, -40..24), clipped.
    assert_eq!(&boxes[4..], &[0.0, 0.0, 32.0, 24.0]);
    assert_eq!(scores, [(0.8f32 as f64 * 0.9f32 as f64) as f32, 0.7]);
}

#[test]
fn bad_arguments_are_named() {
    let raw = empty_raw();
    let map = SourceMapping {
        scale: 1.0,
        pad_x: 0.0,
        pad_y: 0.0,
        source_width: 64.0,
        source_height: 32.0,
    };
    let run = |raw: &[f32], p: &YoloxParams, boxes: &mut [f32]| {
        let (mut scores, mut ids) = ([0f32; 4], [0i32; 4]);
        let out = DetectionsOut {
            boxes,
            scores: &mut scores,
            class_ids: &mut ids,
        };
        detect(raw, p, &map, out).unwrap_err().to_string()
    };
    assert_eq!(
        run(&raw, &params(4), &mut [0.0; 15]),
        "\"boxes\" must hold 16 floats, got 15"
    );
    assert_eq!(
        run(&raw[..100], &params(4), &mut [0.0; 16]),
        "\"raw\" must be 42 × (5 + classes) floats for a 64×32 input, got 100 floats"
    );
    let p = YoloxParams {
        input_width: 60,
        ..params(4)
    };
    assert_eq!(
        run(&raw, &p, &mut [0.0; 16]),
        "\"inputWidth\" must be a positive multiple of 32, got 60"
    );
    let p = YoloxParams {
        iou_threshold: 1.5,
        ..params(4)
    };
    assert_eq!(
        run(&raw, &p, &mut [0.0; 16]),
        "\"iouThreshold\" must be a number in [0, 1], got 1.5"
    );
}
