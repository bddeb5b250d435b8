use super::scan::{available_row_scans, scan_row_scalar};
use super::*;

/// A synthetic test card: blocks of different grey levels with sharp corners and a smooth ramp,
/// so that every code path (pre-test rejects, bright and dark arcs, row tails) is exercised.
pub(crate) fn test_card(w: usize, h: usize, stride: usize) -> Vec<u8> {
    let mut img = vec![0u8; stride * h];
    for y in 0..h {
        for x in 0..w {
            let block = ((x / 9) * 7 + (y / 11) * 13) % 5;
            let ramp = (x + 2 * y) % 64;
            img[y * stride + x] = (block * 50 + ramp / 4) as u8;
        }
    }
    img
}

#[test]
fn every_row_scanner_finds_the_scalar_corners() {
    let (w, h, stride) = (203, 61, 211);
    let img = test_card(w, h, stride);
    let view = GrayView::new("src", &img, w, h, stride).unwrap();
    for threshold in [0u8, 10, 20, 60] {
        let mut reference = Vec::new();
        let mut d = FastDetector::with_scan(scan_row_scalar);
        d.detect(&view, threshold, true, &mut reference);
        assert!(!reference.is_empty());
        for (name, scan) in available_row_scans() {
            let mut got = Vec::new();
            FastDetector::with_scan(scan).detect(&view, threshold, true, &mut got);
            assert_eq!(got, reference, "{name} at threshold {threshold}");
        }
    }
}

#[test]
fn suppression_keeps_strict_local_maxima_only() {
    let (w, h) = (120, 80);
    let img = test_card(w, h, w);
    let view = GrayView::new("src", &img, w, h, w).unwrap();
    let mut all = Vec::new();
    let mut kept = Vec::new();
    let mut d = FastDetector::new();
    d.detect(&view, 15, false, &mut all);
    d.detect(&view, 15, true, &mut kept);
    assert!(kept.len() < all.len());
    assert!(all.iter().all(|c| c.score == 0));
    // Every kept corner is a corner, with a score at least the threshold.
    for k in &kept {
        assert!(all.iter().any(|c| c.x == k.x && c.y == k.y));
        assert!(k.score >= 15);
    }
    // Row-major order.
    assert!(kept.windows(2).all(|p| (p[0].y, p[0].x) < (p[1].y, p[1].x)));
}

#[test]
fn tiny_images_have_no_corners() {
    let img = [
        0u8, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255,
        0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255,
    ];
    let view = GrayView::new("src", &img, 6, 6, 6).unwrap();
    let mut out = vec![Corner {
        x: 1,
        y: 1,
        score: 1,
    }];
    FastDetector::new().detect(&view, 10, true, &mut out);
    assert!(out.is_empty());
}
