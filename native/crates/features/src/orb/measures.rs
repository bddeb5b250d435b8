//! Per-keypoint measures of ORB, as OpenCV `orb.cpp` computes them: the Harris response used to
//! rank FAST corners, the intensity-centroid orientation (Rosin 1999; Rublee et al., ICCV 2011 §3.2)
//! and `retainBest`. Arithmetic follows OpenCV's (f32, same order) so that values match exactly.

use crate::gray::Padded;

/// Harris `k` (OpenCV `HARRIS_K`).
pub const HARRIS_K: f32 = 0.04;
/// Side of the Harris window (OpenCV `HarrisResponses(…, 7, HARRIS_K)`).
pub const HARRIS_BLOCK: usize = 7;

/// Harris corner response at integer pixel `(x, y)` of `img`: over a 7×7 block, Sobel-like
/// gradients `Ix = 2(p₊₁ − p₋₁) + (p₋ₛ₊₁ − p₋ₛ₋₁) + (pₛ₊₁ − pₛ₋₁)` (and `Iy` alike),
/// `a = ΣIx², b = ΣIy², c = ΣIxIy`, response `(ab − c² − k(a + b)²) · (1 / (4 · 7 · 255))⁴`.
/// Reads 4 pixels around the block; the caller keeps `(x, y)` that far inside the padded plane.
pub fn harris_response(img: &Padded<u8>, x: usize, y: usize) -> f32 {
    let s = img.stride as isize;
    let d = img.data();
    let r = HARRIS_BLOCK / 2;
    let (mut a, mut b, mut c) = (0i32, 0i32, 0i32);
    for by in 0..HARRIS_BLOCK {
        let row = img.origin() + (y + by - r) * img.stride + x - r;
        for bx in 0..HARRIS_BLOCK {
            let p = (row + bx) as isize;
            let at = |o: isize| i32::from(d[(p + o) as usize]);
            let ix = (at(1) - at(-1)) * 2 + (at(-s + 1) - at(-s - 1)) + (at(s + 1) - at(s - 1));
            let iy = (at(s) - at(-s)) * 2 + (at(s - 1) - at(-s - 1)) + (at(s + 1) - at(-s + 1));
            a += ix * ix;
            b += iy * iy;
            c += ix * iy;
        }
    }
    let scale = 1.0f32 / ((4 * HARRIS_BLOCK as i32) as f32 * 255.0);
    let scale4 = scale * scale * scale * scale;
    let (fa, fb, fc) = (a as f32, b as f32, c as f32);
    (fa * fb - fc * fc - HARRIS_K * (fa + fb) * (fa + fb)) * scale4
}

/// End of each row of the circular patch of radius `half` (OpenCV's `umax`, made symmetric so that
/// the patch is the same under 90° rotations). Index `v` in `0..=half`.
pub fn circle_row_ends(half: usize) -> Vec<i32> {
    let mut umax = vec![0i32; half + 2];
    let h = half as f32;
    let vmax = (h * std::f32::consts::SQRT_2 / 2.0 + 1.0).floor() as usize;
    let vmin = (h * std::f32::consts::SQRT_2 / 2.0).ceil() as usize;
    for (v, u) in umax.iter_mut().enumerate().take(vmax + 1) {
        *u = ((half * half - v * v) as f64).sqrt().round_ties_even() as i32;
    }
    let mut v0 = 0usize;
    for v in (vmin..=half).rev() {
        while umax[v0] == umax[v0 + 1] {
            v0 += 1;
        }
        umax[v] = v0 as i32;
        v0 += 1;
    }
    umax.truncate(half + 1);
    umax
}

/// Orientation of the patch at `(x, y)`, degrees in [0, 360): the angle of the intensity centroid
/// `(m10, m01)` over the circular patch, by OpenCV's `fastAtan2`.
pub fn ic_angle(img: &Padded<u8>, x: usize, y: usize, umax: &[i32]) -> f32 {
    let half = (umax.len() - 1) as isize;
    let s = img.stride as isize;
    let d = img.data();
    let c = (img.origin() + y * img.stride + x) as isize;
    let at = |o: isize| i32::from(d[(c + o) as usize]);
    let (mut m01, mut m10) = (0i32, 0i32);
    for u in -half..=half {
        m10 += u as i32 * at(u);
    }
    for v in 1..=half {
        let mut v_sum = 0i32;
        let e = umax[v as usize] as isize;
        for u in -e..=e {
            let (plus, minus) = (at(u + v * s), at(u - v * s));
            v_sum += plus - minus;
            m10 += u as i32 * (plus + minus);
        }
        m01 += v as i32 * v_sum;
    }
    fast_atan2(m01 as f32, m10 as f32)
}

/// OpenCV `cv::fastAtan2(y, x)`: a degree-7 polynomial approximation of `atan2`, in degrees
/// [0, 360), about 0.01° accurate (core `mathfuncs_core`, `atan_f32`).
#[allow(clippy::excessive_precision)] // OpenCV's coefficients, verbatim.
pub fn fast_atan2(y: f32, x: f32) -> f32 {
    let deg = (180.0 / std::f64::consts::PI) as f32;
    let p1 = 0.999_787_841_279_480_7_f32 * deg;
    let p3 = -0.325_808_397_464_097_5_f32 * deg;
    let p5 = 0.155_578_651_846_328_1_f32 * deg;
    let p7 = -0.044_326_555_547_921_28_f32 * deg;
    let (ax, ay) = (x.abs(), y.abs());
    let eps = f64::EPSILON as f32;
    let mut a = if ax >= ay {
        let c = ay / (ax + eps);
        let c2 = c * c;
        (((p7 * c2 + p5) * c2 + p3) * c2 + p1) * c
    } else {
        let c = ax / (ay + eps);
        let c2 = c * c;
        90.0 - (((p7 * c2 + p5) * c2 + p3) * c2 + p1) * c
    };
    if x < 0.0 {
        a = 180.0 - a;
    }
    if y < 0.0 {
        a = 360.0 - a;
    }
    a
}

/// OpenCV `KeyPointsFilter::retainBest`: when there are more than `n` items, keeps those whose
/// `response` is at least the n-th largest (so ties at the cut are all kept), in their order.
/// `scratch` holds a copy of the responses for the selection.
pub fn retain_best<T>(
    items: &mut Vec<T>,
    n: usize,
    response: impl Fn(&T) -> f32,
    scratch: &mut Vec<f32>,
) {
    if items.len() <= n {
        return;
    }
    if n == 0 {
        items.clear();
        return;
    }
    scratch.clear();
    scratch.extend(items.iter().map(&response));
    let (_, cut, _) = scratch.select_nth_unstable_by(n - 1, |a, b| b.total_cmp(a));
    let cut = *cut;
    items.retain(|it| response(it) >= cut);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umax_of_the_31_patch() {
        // OpenCV's umax for halfPatchSize 15.
        assert_eq!(
            circle_row_ends(15),
            [15, 15, 15, 15, 14, 14, 14, 13, 13, 12, 11, 10, 9, 8, 6, 3]
        );
    }

    #[test]
    fn fast_atan2_is_close_to_atan2_and_in_range() {
        for i in 0..360 {
            let t = (i as f64 + 0.37).to_radians();
            let (y, x) = ((t.sin() * 100.0) as f32, (t.cos() * 100.0) as f32);
            let a = fast_atan2(y, x);
            let exact = (f64::from(y).atan2(f64::from(x)).to_degrees() + 360.0) % 360.0;
            let diff = (f64::from(a) - exact).abs();
            assert!(diff.min(360.0 - diff) < 0.02, "{i}: {a} vs {exact}");
        }
        assert_eq!(fast_atan2(0.0, 0.0), 0.0);
    }

    #[test]
    fn retain_best_keeps_ties_at_the_cut() {
        let mut v = vec![3.0f32, 9.0, 5.0, 5.0, 1.0, 5.0];
        retain_best(&mut v, 3, |x| *x, &mut Vec::new());
        assert_eq!(v, [9.0, 5.0, 5.0, 5.0]);
        retain_best(&mut v, 0, |x| *x, &mut Vec::new());
        assert!(v.is_empty());
    }
}
