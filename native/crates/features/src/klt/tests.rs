use super::*;
use crate::gray::GrayView;

/// A smooth synthetic scene (sums of sinusoids, corners everywhere) sampled at `(x + dx, y + dy)`,
/// so that the second image is the first moved by `(−dx, −dy)`.
fn scene(w: usize, h: usize, dx: f64, dy: f64) -> Vec<u8> {
    let mut img = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let (u, v) = (x as f64 + dx, y as f64 + dy);
            let s = (u / 7.0).sin() * (v / 9.0).cos()
                + 0.5 * ((u + v) / 13.0).sin()
                + 0.3 * ((u - 2.0 * v) / 5.0).cos();
            img[y * w + x] = (128.0 + 70.0 * s).round().clamp(0.0, 255.0) as u8;
        }
    }
    img
}

fn points() -> Vec<f32> {
    let mut p = Vec::new();
    for y in (40..200).step_by(37) {
        for x in (40..280).step_by(41) {
            p.extend([x as f32 + 0.3, y as f32 + 0.6]);
        }
    }
    p
}

fn run(
    t: &mut KltTracker,
    a: &GrayView,
    b: &GrayView,
    p: &[f32],
) -> (Vec<f32>, Vec<u8>, Vec<f32>, Vec<f32>) {
    let n = p.len() / 2;
    let (mut next, mut status, mut error, mut fb) = (
        vec![0f32; 2 * n],
        vec![0u8; n],
        vec![0f32; n],
        vec![0f32; n],
    );
    let out = Tracks {
        next: &mut next,
        status: &mut status,
        error: &mut error,
        fb_error: Some(&mut fb),
    };
    t.track(a, b, p, out, false).unwrap();
    (next, status, error, fb)
}

#[test]
fn recovers_a_known_sub_pixel_shift_and_the_backends_agree() {
    let (w, h) = (320, 240);
    let (a, b) = (scene(w, h, 0.0, 0.0), scene(w, h, 2.4, -1.7));
    let (va, vb) = (
        GrayView::new("a", &a, w, h, w).unwrap(),
        GrayView::new("b", &b, w, h, w).unwrap(),
    );
    let p = points();
    let params = KltParams {
        fb_threshold: Some(0.1),
        ..Default::default()
    };
    let simd = run(&mut KltTracker::new(params).unwrap(), &va, &vb, &p);
    let portable = run(&mut KltTracker::portable(params).unwrap(), &va, &vb, &p);
    assert_eq!(simd, portable);
    let (next, status, _, fb) = simd;
    for k in 0..p.len() / 2 {
        assert_eq!(status[k], STATUS_TRACKED, "point {k}");
        // The scene moved by (−2.4, +1.7); 8-bit quantization leaves a few hundredths of a pixel.
        assert!(
            (next[2 * k] - (p[2 * k] - 2.4)).abs() < 0.05,
            "x of point {k}: {}",
            next[2 * k]
        );
        assert!(
            (next[2 * k + 1] - (p[2 * k + 1] + 1.7)).abs() < 0.05,
            "y of point {k}: {}",
            next[2 * k + 1]
        );
        assert!(fb[k] < 0.05);
    }
}

#[test]
fn points_outside_are_lost_and_flat_windows_rejected() {
    let (w, h) = (160, 120);
    let a = scene(w, h, 0.0, 0.0);
    let flat = vec![90u8; w * h];
    let va = GrayView::new("a", &a, w, h, w).unwrap();
    let vf = GrayView::new("f", &flat, w, h, w).unwrap();
    let p = [-40.0f32, 10.0, 80.0, 60.0];
    let (_, status, error, _) = run(
        &mut KltTracker::new(KltParams::default()).unwrap(),
        &va,
        &va,
        &p,
    );
    assert_eq!(status, [STATUS_LOST, STATUS_TRACKED]);
    assert_eq!(error[1], 0.0);
    let (_, status, _, _) = run(
        &mut KltTracker::new(KltParams::default()).unwrap(),
        &vf,
        &vf,
        &p[2..],
    );
    assert_eq!(status, [STATUS_LOST]);
}

#[test]
fn top_level_stops_before_the_window() {
    let p = KltParams::default();
    assert_eq!(p.top_level(752, 480), 2);
    // 60 → 30 → 15: the third level would be smaller than 21.
    assert_eq!(p.top_level(120, 60), 1);
    assert_eq!(p.top_level(40, 40), 0);
    let e = KltParams { window: 2, ..p }.validate().unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"windowPx\" must be an integer in [3, 63], got 2"
    );
}
