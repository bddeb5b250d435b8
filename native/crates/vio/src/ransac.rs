//! Outlier rejection of frame-to-frame tracks with the gyroscope's rotation known: 2-point RANSAC on
//! the translation direction (Troiani, Martinelli, Laugier & Scaramuzza, "2-Point-based Outlier
//! Rejection for Camera-IMU Systems with Applications to Micro Aerial Vehicles", ICRA 2014).
//!
//! With `R = R_Cn_Cp` known, the epipolar constraint of a correspondence `(a, b)` (normalised
//! bearings in the previous and current camera) is `tᵀ ((R a) × b) = 0`: each gives a plane
//! normal `n = (R a) × b`, and two of them fix `t ∝ n₁ × n₂`. A track is an inlier when its
//! constraint residual `|n · t̂|` (≈ the angle, rad, between `b` and the epipolar plane) is within
//! `threshold`; tracks whose rotation-only residual `‖n‖` is already within it (far points, or no
//! translation) are inliers whatever `t` is. Hypotheses come from a fixed, deterministic sweep of
//! pairs (no random sampling), so runs are repeatable; they are scored by MSAC.

use nalgebra::{Matrix3, Vector3};

/// Pair hypotheses tried at most.
const HYPOTHESES: usize = 64;

/// Marks `inlier[k]` for each correspondence `(prev[k], cur[k])` (normalised `z = 1` coordinates);
/// returns the inlier count. With fewer than 8 correspondences every one is an inlier.
pub fn two_point_inliers(
    r_cur_prev: &Matrix3<f64>,
    prev: &[[f64; 2]],
    cur: &[[f64; 2]],
    threshold: f64,
    normals: &mut Vec<Vector3<f64>>,
    inlier: &mut Vec<bool>,
) -> usize {
    let n = prev.len().min(cur.len());
    inlier.clear();
    inlier.resize(n, true);
    if n < 8 {
        return n;
    }
    normals.clear();
    normals.extend((0..n).map(|k| {
        let a = (r_cur_prev * Vector3::new(prev[k][0], prev[k][1], 1.0)).normalize();
        let b = Vector3::new(cur[k][0], cur[k][1], 1.0).normalize();
        a.cross(&b)
    }));
    // Score: most inliers, ties broken by the lower MSAC cost (truncated squared residuals, Torr &
    // Zisserman, CVIU 2000), so that among equal consensus sets the best-fitting hypothesis wins.
    let t2 = threshold * threshold;
    let score = |t: &Vector3<f64>| -> (usize, f64) {
        let (mut inliers, mut cost) = (0, 0.0);
        for m in normals.iter() {
            let r2 = if m.norm() <= threshold {
                0.0
            } else {
                m.dot(t).powi(2)
            };
            inliers += (r2 <= t2) as usize;
            cost += r2.min(t2);
        }
        (inliers, cost)
    };
    let (mut best_t, mut best) = (None, (0usize, f64::INFINITY));
    // Pairs (i, i + n/2 + j) over a prime stride: spread over the image, each point used ≈ equally.
    let stride = [7usize, 11, 13, 17]
        .into_iter()
        .find(|p| !n.is_multiple_of(*p))
        .unwrap_or(1);
    for h in 0..HYPOTHESES.min(n) {
        let i = (h * stride) % n;
        let j = (i + n / 2 + h / 2) % n;
        let t = normals[i].cross(&normals[j]);
        if t.norm() < 1e-12 {
            continue;
        }
        let t = t.normalize();
        let c = score(&t);
        if c.0 > best.0 || (c.0 == best.0 && c.1 < best.1) {
            (best_t, best) = (Some(t), c);
        }
    }
    let Some(t) = best_t else { return n };
    let mut kept = 0;
    for (k, m) in normals.iter().enumerate() {
        inlier[k] = m.norm() <= threshold || m.dot(&t).abs() <= threshold;
        kept += inlier[k] as usize;
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact correspondences of fixed points seen before and after a known motion.
    #[test]
    fn keeps_the_rigid_scene_and_rejects_a_point_that_moved_on_its_own() {
        let r = karana_tracking::lie::so3::exp(&Vector3::new(0.02, -0.03, 0.01));
        let t = Vector3::new(0.15, 0.02, 0.03); // camera motion: p_cur = R p_prev + t
        let mut prev = Vec::new();
        let mut cur = Vec::new();
        for k in 0..40 {
            let p = Vector3::new(
                -1.5 + 0.08 * k as f64,
                -0.8 + 0.04 * (k % 7) as f64,
                3.0 + 0.1 * (k % 5) as f64,
            );
            let q = r * p + t;
            prev.push([p.x / p.z, p.y / p.z]);
            cur.push([q.x / q.z, q.y / q.z]);
        }
        cur[9] = [cur[9][0] + 0.01, cur[9][1] - 0.02]; // ≈ 10 px at f = 458, off its epipolar line
        let (mut normals, mut inlier) = (Vec::new(), Vec::new());
        let kept = two_point_inliers(&r, &prev, &cur, 1.5 / 458.0, &mut normals, &mut inlier);
        assert_eq!(kept, 39);
        assert!(!inlier[9]);
    }
}
