use super::*;

/// A `w × h` image of `cn` channels with distinct bytes (a ramp), rows `stride` apart.
fn ramp(w: usize, h: usize, cn: usize, stride: usize) -> Vec<u8> {
    (0..stride * h)
        .map(|i| (i * 41 % 253) as u8)
        .collect::<Vec<_>>()[..stride * (h - 1) + w * cn]
        .to_vec()
}

fn run(src: &[u8], s: (usize, usize), d: (usize, usize), cn: usize, i: Interpolation) -> Vec<u8> {
    let plan = ResizePlan::new(s, d, cn, i).unwrap();
    let mut out = vec![0u8; d.0 * d.1 * cn];
    plan.run(src, s.0 * cn, &mut out, d.0 * cn).unwrap();
    out
}

#[test]
fn dispatch_follows_opencv() {
    let plan = |s, d, i| ResizePlan::new(s, d, 1, i).unwrap().kind;
    assert_eq!(plan((8, 8), (8, 8), Interpolation::Linear), Kind::Copy);
    // INTER_LINEAR by exactly 2 is INTER_AREA (fast).
    assert!(matches!(
        plan((8, 6), (4, 3), Interpolation::Linear),
        Kind::AreaFast(_)
    ));
    assert!(matches!(
        plan((9, 6), (3, 3), Interpolation::Area),
        Kind::AreaFast(_)
    ));
    assert!(matches!(
        plan((10, 6), (4, 3), Interpolation::Area),
        Kind::Area(_)
    ));
    // INTER_AREA growing on one axis: the bilinear "area" variant.
    assert!(matches!(
        plan((10, 6), (4, 9), Interpolation::Area),
        Kind::Separable(_)
    ));
}

#[test]
fn area_by_two_rounds_half_up() {
    // (1 + 2 + 2 + 2 + 2) / 4 = 1.75 → 2; (0 + 0 + 1 + 1 + 2) / 4 = 0.5 → 1.
    let src = [1, 2, 0, 0, 2, 2, 1, 1];
    assert_eq!(run(&src, (4, 2), (2, 1), 1, Interpolation::Area), [2, 1]);
}

#[test]
fn area_by_three_rounds_half_to_even() {
    // Sum 9·0.5 is not possible with integers; sum 13 / 9 = 1.44 → 1, sum 14 / 9 = 1.56 → 2.
    let mut src = [0u8; 9];
    src[..4].fill(3);
    src[4] = 1;
    assert_eq!(run(&src, (3, 3), (1, 1), 1, Interpolation::Area), [1]);
    src[5] = 1;
    assert_eq!(run(&src, (3, 3), (1, 1), 1, Interpolation::Area), [2]);
}

#[test]
fn linear_taps_use_opencv_pixel_centres() {
    // 752 → 416: f = (0 + 0.5)·(752/416) − 0.5 = 0.4038…; weights 1221 / 827 of 2048.
    let t = linear::taps(752, 416, false, true);
    assert_eq!((t.first[0], t.weights[0]), (0, [1221, 827]));
    // Upscale: the left edge clamps (s < 0) to pixel 0 with all the weight.
    let t = linear::taps(4, 10, false, true);
    assert_eq!((t.first[0], t.weights[0]), (0, [2048, 0]));
    assert_eq!((t.first[9], t.weights[9]), (3, [2048, 0]));
    // Vertically the weights are kept and the rows clamped at run time.
    let t = linear::taps(4, 10, false, false);
    // f = 0.5·0.4 − 0.5 = −0.3: s = −1, f = 0.7.
    assert_eq!((t.first[0], t.weights[0]), (-1, [614, 1434]));
}

#[test]
fn area_taps_cover_each_cell_once() {
    for (s, d) in [(752, 300), (480, 191), (10, 4)] {
        let scale = 1.0 / (d as f64 / s as f64);
        let tab = area::area_taps(s, d, scale);
        for dst in 0..d {
            let total: f32 = tab.iter().filter(|t| t.dst == dst).map(|t| t.alpha).sum();
            assert!((total - 1.0).abs() < 1e-5, "{s}→{d} cell {dst}: {total}");
        }
    }
}

/// The AVX2-compiled run (when the CPU has it) and the portable one give identical bytes, on
/// every path, with strided rows and strips.
#[test]
fn dispatched_and_portable_paths_agree() {
    let cases = [
        ((2000, 7), (701, 5), Interpolation::Linear),
        ((53, 31), (120, 77), Interpolation::Linear),
        ((53, 31), (20, 11), Interpolation::Area),
        ((60, 30), (20, 10), Interpolation::Area),
        ((53, 31), (20, 70), Interpolation::Area),
        ((206, 8), (103, 4), Interpolation::Area),
    ];
    for (s, d, i) in cases {
        for cn in [1, 3, 4] {
            let stride = s.0 * cn + 5;
            let src = ramp(s.0, s.1, cn, stride);
            let plan = ResizePlan::new(s, d, cn, i).unwrap();
            let (mut a, mut b) = (vec![0u8; d.0 * d.1 * cn], vec![0u8; d.0 * d.1 * cn]);
            plan.run(&src, stride, &mut a, d.0 * cn).unwrap();
            let img = Images {
                src: &src,
                src_stride: stride,
                dst: &mut b,
                dst_stride: d.0 * cn,
            };
            run_with::<false>(&plan, img);
            assert_eq!(a, b, "{s:?} → {d:?} {i:?} cn {cn}");
        }
    }
}

#[test]
fn errors_name_parameter_and_value() {
    assert_eq!(
        ResizePlan::new((4, 4), (2, 2), 2, Interpolation::Linear)
            .unwrap_err()
            .to_string(),
        "\"channels\" must be 1, 3 or 4, got 2"
    );
    let plan = ResizePlan::new((4, 4), (2, 2), 1, Interpolation::Linear).unwrap();
    let mut out = [0u8; 3];
    assert_eq!(
        plan.run(&[0; 16], 4, &mut out, 2).unwrap_err().to_string(),
        "\"out\" must hold 4 bytes, got 3"
    );
    assert_eq!(
        Interpolation::parse("interpolation", "cubic")
            .unwrap_err()
            .to_string(),
        "\"interpolation\" must be \"linear\" or \"area\", got \"cubic\""
    );
}
