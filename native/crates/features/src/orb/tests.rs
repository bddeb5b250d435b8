use super::*;
use crate::fast::tests::test_card;

#[test]
fn compute_at_detected_keypoints_reproduces_their_descriptors() {
    let (w, h) = (320, 240);
    let img = test_card(w, h, w);
    let view = GrayView::new("src", &img, w, h, w).unwrap();
    let params = OrbParams {
        max_features: 200,
        ..OrbParams::default()
    };
    let mut orb = OrbExtractor::new(params).unwrap();
    let (mut kps, mut desc) = (Vec::new(), Vec::new());
    orb.detect_and_compute(&view, &mut kps, &mut desc);
    // A synthetic card repeats its corners, so Harris responses tie and levels keep more (as
    // OpenCV's retainBest does).
    assert!(kps.len() >= 50, "{}", kps.len());
    assert_eq!(kps.len(), desc.len());
    assert!(kps.iter().any(|k| k.octave > 0));
    for k in &kps {
        assert!((0.0..360.0).contains(&k.angle));
        assert_eq!(k.size, 31.0 * params.level_scale(k.octave as usize));
    }
    let mut again = Vec::new();
    orb.compute(&view, &kps, &mut again).unwrap();
    assert_eq!(again, desc);
}

#[test]
fn per_level_shares_and_settings() {
    let p = OrbParams::default();
    let per = p.features_per_level();
    // OpenCV's split of 500 over 8 levels at 1.2.
    assert_eq!(per, [109, 90, 75, 63, 52, 44, 36, 31]);
    assert_eq!(per.iter().sum::<usize>(), 500);
    let e = OrbParams {
        scale_factor: 1.0,
        ..p
    }
    .validate()
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"scaleFactor\" must be a number in (1, 4], got 1"
    );
}

#[test]
fn compute_rejects_keypoints_outside_or_beyond_the_levels() {
    let img = test_card(100, 80, 100);
    let view = GrayView::new("src", &img, 100, 80, 100).unwrap();
    let mut orb = OrbExtractor::new(OrbParams::default()).unwrap();
    let kp = |x, y, octave| OrbKeypoint {
        x,
        y,
        size: 31.0,
        angle: 0.0,
        response: 0.0,
        octave,
    };
    let mut d = Vec::new();
    let e = orb
        .compute(&view, &[kp(10.0, 10.0, 0), kp(10.0, 10.0, 8)], &mut d)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"octave\" must be in [0, 7] (levels − 1), got 8 at keypoint 1"
    );
    let e = orb
        .compute(&view, &[kp(120.0, 10.0, 0)], &mut d)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"keypoints\" must be inside the 100×80 frame at its octave's scale, got (120, 10) at octave 0 (keypoint 0)"
    );
    // Near the edge is fine (the reflected border is read).
    orb.compute(&view, &[kp(0.0, 0.0, 0), kp(98.0, 78.0, 2)], &mut d)
        .unwrap();
    assert_eq!(d.len(), 2);
}
