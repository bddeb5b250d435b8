use super::*;
use crate::spec::{Head, Layout};

const C: usize = 3;

fn yolox_spec() -> OutputSpec {
    OutputSpec::new(Head::Yolox, Layout::AnchorsFirst, 64, 32, C).unwrap()
}

fn params(max: usize) -> NmsParams {
    NmsParams {
        score_threshold: 0.3,
        iou_threshold: 0.45,
        max_detections: max,
        class_agnostic: false,
    }
}

fn identity(spec: &OutputSpec) -> SourceMapping {
    SourceMapping {
        scale: 1.0,
        pad_x: 0.0,
        pad_y: 0.0,
        source_width: spec.input_width as f64,
        source_height: spec.input_height as f64,
        target_width: spec.input_width,
        target_height: spec.input_height,
    }
}

/// Raw YOLOX output for a 64×32 input (8·4 + 4·2 + 2·1 = 42 anchors), all scores 0.
fn empty_raw() -> Vec<f32> {
    vec![0.0; yolox_spec().tensor_len()]
}

fn set(raw: &mut [f32], anchor: usize, values: [f32; 5 + C]) {
    raw[anchor * (5 + C)..(anchor + 1) * (5 + C)].copy_from_slice(&values);
}

struct Out {
    boxes: Vec<f32>,
    scores: Vec<f32>,
    ids: Vec<i32>,
    anchors: Vec<i32>,
}

fn run(d: &mut Decoder, raw: &[f32], p: &NmsParams, map: &SourceMapping) -> KaranaResult<Out> {
    let m = p.max_detections;
    let (mut boxes, mut scores, mut ids, mut anchors) =
        (vec![0.0; 4 * m], vec![0.0; m], vec![0; m], vec![0; m]);
    let out = DetectionsOut {
        boxes: &mut boxes,
        scores: &mut scores,
        class_ids: &mut ids,
        anchor_indices: Some(&mut anchors),
    };
    let n = d.decode(raw, p, map, out)?;
    boxes.truncate(4 * n);
    scores.truncate(n);
    ids.truncate(n);
    anchors.truncate(n);
    Ok(Out {
        boxes,
        scores,
        ids,
        anchors,
    })
}

#[test]
fn decodes_grid_cell_and_stride() {
    let mut raw = empty_raw();
    // Stride 16 grid is 4×2 and starts at anchor 32; anchor 32 + 1·4 + 3 is (gx 3, gy 1).
    set(
        &mut raw,
        39,
        [0.5, 0.25, 0.0, 2f32.ln(), 0.9, 0.1, 0.8, 0.2],
    );
    let spec = yolox_spec();
    let mut d = Decoder::new(spec);
    let map = SourceMapping {
        source_height: 100.0,
        ..identity(&spec)
    };
    let o = run(&mut d, &raw, &params(10), &map).unwrap();
    assert_eq!(
        (o.ids.as_slice(), o.anchors.as_slice()),
        (&[1][..], &[39][..])
    );
    assert_eq!(o.scores, [0.9f32 * 0.8f32]);
    let h = 2f32.ln().exp() as f64 * 16.0;
    let want = [
        3.5 * 16.0 - 8.0,
        1.25 * 16.0 - h / 2.0,
        3.5 * 16.0 + 8.0,
        1.25 * 16.0 + h / 2.0,
    ];
    assert_eq!(o.boxes, want.map(|v| v as f32));
    assert_eq!(d.candidate_count(), 1);
}

#[test]
fn maps_back_through_the_letterbox_and_clips() {
    let mut raw = empty_raw();
    set(
        &mut raw,
        0,
        [0.0, 0.0, 4f32.ln(), 4f32.ln(), 1.0, 0.7, 0.0, 0.0],
    );
    set(&mut raw, 9, [0.5, 0.5, 0.0, 0.0, 0.8, 0.0, 0.0, 0.9]);
    let map = SourceMapping {
        scale: 0.5,
        pad_x: 0.0,
        pad_y: 4.0,
        source_width: 100.0,
        source_height: 40.0,
        ..identity(&yolox_spec())
    };
    let mut d = Decoder::new(yolox_spec());
    let o = run(&mut d, &raw, &params(2), &map).unwrap();
    assert_eq!(o.ids, [2, 0]);
    // Anchor 9 = stride 8 (gx 1, gy 1): centre (12, 12), 8×8, net (8..16, 8..16) → source
    // x (8 - 0) / 0.5 .. 16 / 0.5, y (8 - 4) / 0.5 .. (16 - 4) / 0.5.
    assert_eq!(&o.boxes[..4], &[16.0, 8.0, 32.0, 24.0]);
    // Anchor 0: centre (0, 0), 32×32 (exp(ln 4)·8 rounds just below 32), clipped at 0.
    assert_eq!(o.boxes[4], 0.0);
    assert!((o.boxes[6] - 32.0).abs() < 1e-4 && (o.boxes[7] - 24.0).abs() < 1e-4);
    assert_eq!(o.scores, [0.8f32 * 0.9f32, 0.7]);
}

/// A YOLOv8 tensor (channels-first) for a 64×32 input with structured boxes and scores: a row of
/// overlapping boxes per class, NaNs and ties among the class scores.
fn yolov8_planes(spec: &OutputSpec) -> Vec<f32> {
    let (n, ch) = (spec.anchors(), spec.channels());
    let mut t = vec![0f32; n * ch];
    for a in 0..n {
        let [cx, cy, w, h] = [(a % 16) as f32 * 4.0, (a / 16) as f32 * 6.0, 12.0, 10.0];
        for (k, v) in [cx, cy, w, h].into_iter().enumerate() {
            t[k * n + a] = v;
        }
        for c in 0..spec.classes {
            let v = ((a * 7 + c * 13) % 19) as f32 / 19.0;
            t[(4 + c) * n + a] = if (a + c) % 23 == 0 { f32::NAN } else { v };
        }
    }
    t
}

fn transpose(planes: &[f32], n: usize, ch: usize) -> Vec<f32> {
    (0..n * ch).map(|i| planes[(i % ch) * n + i / ch]).collect()
}

#[test]
fn yolov8_layouts_agree_and_agnostic_keeps_fewer() {
    let first = OutputSpec::new(Head::Yolov8, Layout::ChannelsFirst, 64, 32, 5).unwrap();
    let rows = OutputSpec {
        layout: Layout::AnchorsFirst,
        ..first
    };
    let planes = yolov8_planes(&first);
    let t = transpose(&planes, first.anchors(), first.channels());
    let map = identity(&first);
    for agnostic in [false, true] {
        let p = NmsParams {
            class_agnostic: agnostic,
            ..params(42)
        };
        let a = run(&mut Decoder::new(first), &planes, &p, &map).unwrap();
        let b = run(&mut Decoder::new(rows), &t, &p, &map).unwrap();
        assert_eq!(
            (&a.anchors, &a.ids, &a.scores),
            (&b.anchors, &b.ids, &b.scores)
        );
        assert_eq!(a.boxes, b.boxes);
        assert!(!a.anchors.is_empty());
    }
    let p = |agnostic| NmsParams {
        class_agnostic: agnostic,
        ..params(42)
    };
    let aware = run(&mut Decoder::new(first), &planes, &p(false), &map).unwrap();
    let agnostic = run(&mut Decoder::new(first), &planes, &p(true), &map).unwrap();
    assert!(agnostic.anchors.len() < aware.anchors.len());
}

/// Runs the vector path of this platform (AVX2 when detected, NEON), if any.
fn run_simd(d: &mut Decoder, raw: &[f32], p: &NmsParams) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 detected just above.
        unsafe { d.run_avx2(raw, p) };
        return true;
    }
    #[cfg(target_arch = "aarch64")]
    {
        d.run_body::<true>(raw, p);
        return true;
    }
    #[allow(unreachable_code)]
    false
}

#[test]
fn vector_and_portable_paths_agree() {
    // 128×96: 252 anchors, 7 full column steps of 32 and 28 anchors of tail.
    let v8 = OutputSpec::new(Head::Yolov8, Layout::ChannelsFirst, 128, 96, 7).unwrap();
    let planes = yolov8_planes(&v8);
    let rows = transpose(&planes, v8.anchors(), v8.channels());
    let v8_rows = OutputSpec {
        layout: Layout::AnchorsFirst,
        ..v8
    };
    for (spec, raw) in [(v8, &planes), (v8_rows, &rows)] {
        for agnostic in [false, true] {
            let p = NmsParams {
                class_agnostic: agnostic,
                score_threshold: 0.1,
                ..params(42)
            };
            let (mut a, mut b) = (Decoder::new(spec), Decoder::new(spec));
            a.run_body::<false>(raw, &p);
            if !run_simd(&mut b, raw, &p) {
                return;
            }
            assert_eq!(a.kept.slots, b.kept.slots);
            assert_eq!(a.candidates.keys, b.candidates.keys);
            assert_eq!(a.candidates.classes, b.candidates.classes);
            assert!(a.kept.slots.len() > 3);
        }
    }
}

#[test]
fn bad_arguments_are_named() {
    let raw = empty_raw();
    let spec = yolox_spec();
    let d = Decoder::new(spec);
    let check = |raw: &[f32], p: &NmsParams, map: &SourceMapping, boxes: &mut [f32]| {
        let (mut scores, mut ids) = ([0f32; 4], [0i32; 4]);
        let out = DetectionsOut {
            boxes,
            scores: &mut scores,
            class_ids: &mut ids,
            anchor_indices: None,
        };
        d.check(raw, p, map, &out).unwrap_err().to_string()
    };
    let map = identity(&spec);
    assert_eq!(
        check(&raw, &params(4), &map, &mut [0.0; 15]),
        "\"boxes\" must hold 16 floats, got 15"
    );
    assert_eq!(
        check(&raw[..100], &params(4), &map, &mut [0.0; 16]),
        "\"raw\" must be 336 floats ([1, 42, 8]: yolox at 64×32, 3 classes), got 100 floats"
    );
    let wrong = SourceMapping {
        target_width: 96,
        ..map
    };
    assert_eq!(
        check(&raw, &params(4), &wrong, &mut [0.0; 16]),
        "\"letterbox.targetWidth\" must be 64 (the decoder's inputWidth), got 96"
    );
    let p = NmsParams {
        iou_threshold: 1.5,
        ..params(4)
    };
    assert_eq!(
        check(&raw, &p, &map, &mut [0.0; 16]),
        "\"iouThreshold\" must be a number in [0, 1], got 1.5"
    );
    assert_eq!(
        check(&raw, &params(0), &map, &mut [0.0; 16]),
        "\"maxDetections\" must be a positive integer, got 0"
    );
}
