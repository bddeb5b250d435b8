use super::map::UndistortMap;
use super::points::{undistort_points, Criteria, Output};
use super::*;

/// EuRoC MH_01 cam0 (`mav0/cam0/sensor.yaml`).
fn euroc_cam0() -> PinholeCamera {
    PinholeCamera::parse(
        &[458.654, 457.296, 367.215, 248.375],
        "radial-tangential",
        &[-0.28340811, 0.07395907, 0.00019359, 1.76187114e-05],
    )
    .unwrap()
}

#[test]
fn undistorted_points_reproject_onto_the_observations() {
    for camera in [
        euroc_cam0(),
        PinholeCamera::parse(
            &[458.654, 457.296, 367.215, 248.375],
            "equidistant",
            &[-0.013, 0.02, -0.01, 0.002],
        )
        .unwrap(),
    ] {
        let px = [0.0, 0.0, 751.0, 479.0, 367.215, 248.375, 100.5, 400.25];
        let mut out = [0.0; 8];
        let criteria = Criteria::default_for(&camera.distortion);
        let bad = undistort_points(&camera, &px, &mut out, criteria, Output::Normalized).unwrap();
        assert_eq!(bad, 0);
        for (p, o) in px.chunks(2).zip(out.chunks(2)) {
            let (u, v) = camera.project(o[0], o[1]);
            assert!(
                (u - p[0]).abs() < 1e-6 && (v - p[1]).abs() < 1e-6,
                "{p:?}: {u}, {v}"
            );
        }
    }
}

#[test]
fn pixel_output_applies_the_new_intrinsics() {
    let camera = euroc_cam0();
    let k = camera.intrinsics;
    let (mut n, mut p) = ([0.0; 2], [0.0; 2]);
    let c = Criteria::default_for(&camera.distortion);
    undistort_points(&camera, &[10.0, 20.0], &mut n, c, Output::Normalized).unwrap();
    undistort_points(&camera, &[10.0, 20.0], &mut p, c, Output::Pixels(k)).unwrap();
    assert_eq!(p, [k.fx * n[0] + k.cx, k.fy * n[1] + k.cy]);
}

#[test]
fn map_of_an_undistorted_camera_is_the_identity() {
    let camera = PinholeCamera::parse(&[400.0, 400.0, 10.0, 7.0], "none", &[]).unwrap();
    let m = UndistortMap::new(&camera, 20, 14, &camera.intrinsics);
    for v in 0..14 {
        for u in 0..20 {
            assert!((m.map_x[v * 20 + u] - u as f32).abs() < 1e-4);
            assert!((m.map_y[v * 20 + u] - v as f32).abs() < 1e-4);
        }
    }
    let src: Vec<u8> = (0..20 * 14).map(|i| (i * 7 % 251) as u8).collect();
    let mut out = vec![0u8; 20 * 14];
    m.apply(&src, (20, 14), 20, 1, &mut out, 20).unwrap();
    assert_eq!(out, src);
}

#[test]
fn remap_reads_zero_outside_the_frame() {
    let camera = PinholeCamera::parse(&[400.0, 400.0, 1.0, 1.0], "none", &[]).unwrap();
    let mut m = UndistortMap::new(&camera, 3, 1, &camera.intrinsics);
    // Half a pixel left of the frame: half of pixel 0; beyond −1: the border value.
    m.map_x = vec![-0.5, -1.5, 1.5];
    m.map_y = vec![0.0, 0.0, 0.0];
    let src = [100u8, 200, 50, 100, 200, 50];
    let mut out = [9u8; 3];
    m.apply(&src, (3, 2), 3, 1, &mut out, 3).unwrap();
    assert_eq!(out, [50, 0, 125]);
}

#[test]
fn errors_name_parameter_and_value() {
    let e = |r: KaranaResult<PinholeCamera>| r.unwrap_err().to_string();
    assert_eq!(
        e(PinholeCamera::parse(&[1.0, 1.0, 0.0], "none", &[])),
        "\"intrinsics\" must be 4 numbers [fu, fv, cu, cv], got 3 numbers"
    );
    assert_eq!(
        e(PinholeCamera::parse(
            &[1.0, 1.0, 0.0, 0.0],
            "radtan",
            &[0.1, 0.2]
        )),
        "\"distortion\" must be 4 finite coefficients for radial-tangential, got [0.1, 0.2]"
    );
    assert_eq!(
        e(PinholeCamera::parse(&[1.0, 1.0, 0.0, 0.0], "fov", &[])),
        "\"distortionModel\" must be \"radial-tangential\", \"radtan\", \"equidistant\" or \"none\", got \"fov\""
    );
    assert_eq!(
        e(PinholeCamera::parse(&[0.0, 1.0, 0.0, 0.0], "none", &[])),
        "\"intrinsics\" must be positive focal lengths, got [0, 1]"
    );
    let mut out = [0.0; 2];
    let c = Criteria::default_for(&Distortion::None);
    let r = undistort_points(
        &euroc_cam0(),
        &[1.0, 2.0, 3.0],
        &mut out,
        c,
        Output::Normalized,
    );
    assert_eq!(
        r.unwrap_err().to_string(),
        "\"points\" must be x, y pairs (an even length), got 3"
    );
    assert_eq!(
        Criteria::new(2.5, 0.0).unwrap_err().to_string(),
        "\"maxIterations\" must be an integer in [0, 1000], got 2.5"
    );
}

/// The AVX2 gray path (when the CPU has it) and the portable one give identical bytes on the
/// EuRoC cam0 map (fast blocks, blocks with a tap outside, and the border).
#[test]
fn dispatched_and_portable_remaps_agree() {
    let camera = euroc_cam0();
    let (w, h) = (752, 480);
    let m = UndistortMap::new(&camera, w, h, &camera.intrinsics);
    let stride = w + 3;
    let src: Vec<u8> = (0..stride * h).map(|i| (i * 7919 % 251) as u8).collect();
    let (mut a, mut b) = (vec![0u8; w * h], vec![0u8; w * h]);
    m.apply(&src, (w, h), stride, 1, &mut a, w).unwrap();
    let s = super::remap::Source::new(&src, w, h, stride);
    super::remap::remap_rows(&m, &s, 1, &mut b, w);
    assert!(a == b);
}
