//! Undistortion of points: distorted pixel coordinates → undistorted normalized coordinates (a
//! ray `(x, y, 1)` in the camera frame) or pixels of an ideal pinhole camera.
//!
//! Radial-tangential: OpenCV `cvUndistortPointsInternal` (`cv::undistortPoints`): from
//! `(x₀, y₀) = ((u − cx)/fx, (v − cy)/fy)`, the fixed-point iteration
//! `x ← (x₀ − Δx(x, y)) / (1 + k1·r² + k2·r⁴)` (same for y), stopped after `maxIterations` or once
//! the reprojection error in pixels is below `epsilon`; if the radial factor turns negative the
//! point keeps `(x₀, y₀)`. OpenCV's default criteria (5 iterations, no ε) leave up to 0.29 px of
//! reprojection error in the corners of the EuRoC cam0 image; the defaults here (30, 10⁻⁹ px)
//! converge (10⁻¹² px).
//!
//! Equidistant: OpenCV `cv::fisheye::undistortPoints`: `θ_d = ‖(x₀, y₀)‖` clipped to π/2, Newton's
//! method on `θ·(1 + k1θ² + k2θ⁴ + k3θ⁶ + k4θ⁸) = θ_d` (at most `maxIterations`, stopping when the
//! step is below `epsilon` rad; defaults 10 and 10⁻⁸ as OpenCV's), then `(x, y) = (x₀, y₀)·tan θ / θ_d`.
//! A point that does not converge (with `epsilon` > 0) or whose θ changes sign has no
//! undistorted position: where OpenCV writes −1 000 000 this writes NaN, and counts it.

use super::{Distortion, Intrinsics, PinholeCamera};
use karana_core::error::{invalid, require_disjoint, require_len, KaranaResult};

/// When to stop iterating (OpenCV `TermCriteria` COUNT + EPS; `epsilon` 0 means COUNT only).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Criteria {
    pub max_iterations: usize,
    /// Pixels of reprojection error (radial-tangential) or radians of Newton step (equidistant).
    pub epsilon: f64,
}

impl Criteria {
    /// 30 iterations / 10⁻⁹ px for radial-tangential, OpenCV's 10 / 10⁻⁸ rad for equidistant.
    pub fn default_for(d: &Distortion) -> Self {
        match d {
            Distortion::Equidistant { .. } => Self {
                max_iterations: 10,
                epsilon: 1e-8,
            },
            _ => Self {
                max_iterations: 30,
                epsilon: 1e-9,
            },
        }
    }

    /// Errors: `"maxIterations"` not an integer in 0–1000, `"epsilon"` negative or not finite.
    pub fn new(max_iterations: f64, epsilon: f64) -> KaranaResult<Self> {
        if !(max_iterations.fract() == 0.0 && (0.0..=1000.0).contains(&max_iterations)) {
            return Err(invalid(
                "maxIterations",
                "an integer in [0, 1000]",
                max_iterations,
            ));
        }
        if !(epsilon.is_finite() && epsilon >= 0.0) {
            return Err(invalid("epsilon", "a finite number ≥ 0", epsilon));
        }
        Ok(Self {
            max_iterations: max_iterations as usize,
            epsilon,
        })
    }
}

/// Where the undistorted points go.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Output {
    /// `(x, y)` of the ray `(x, y, 1)`.
    Normalized,
    /// `(fx'·x + cx', fy'·y + cy')` of an ideal pinhole camera (OpenCV's `P`).
    Pixels(Intrinsics),
}

/// Undistorts `points` (`x, y` pixel pairs, distorted image) into `out` (same layout).
/// Returns how many points have no undistorted position (NaN; equidistant only).
///
/// Errors: `"points"` of odd length, `"out"` shorter than `"points"` or sharing its memory.
pub fn undistort_points(
    camera: &PinholeCamera,
    points: &[f64],
    out: &mut [f64],
    criteria: Criteria,
    output: Output,
) -> KaranaResult<u32> {
    if !points.len().is_multiple_of(2) {
        return Err(invalid(
            "points",
            "x, y pairs (an even length)",
            points.len(),
        ));
    }
    require_len("out", "numbers", points.len(), out.len())?;
    require_disjoint("out", out, "points", points)?;
    let mut invalid_points = 0;
    for (p, o) in points.chunks_exact(2).zip(out.chunks_exact_mut(2)) {
        let xy = match camera.distortion {
            Distortion::Equidistant { k } => equidistant(&camera.intrinsics, k, p, criteria),
            Distortion::RadialTangential { .. } | Distortion::None => {
                Some(radial_tangential(camera, p, criteria))
            }
        };
        let (x, y) = xy.unwrap_or((f64::NAN, f64::NAN));
        invalid_points += u32::from(xy.is_none());
        (o[0], o[1]) = match output {
            Output::Normalized => (x, y),
            Output::Pixels(n) => (n.fx * x + n.cx, n.fy * y + n.cy),
        };
    }
    Ok(invalid_points)
}

/// One radial-tangential point, with OpenCV's operation order.
fn radial_tangential(camera: &PinholeCamera, p: &[f64], criteria: Criteria) -> (f64, f64) {
    let i = &camera.intrinsics;
    let (u, v) = (p[0], p[1]);
    let (x0, y0) = ((u - i.cx) * (1.0 / i.fx), (v - i.cy) * (1.0 / i.fy));
    let Distortion::RadialTangential { k1, k2, p1, p2 } = camera.distortion else {
        return (x0, y0);
    };
    let (mut x, mut y) = (x0, y0);
    let mut error = f64::MAX;
    for j in 0.. {
        if j >= criteria.max_iterations || (criteria.epsilon > 0.0 && error < criteria.epsilon) {
            break;
        }
        let r2 = x * x + y * y;
        let icdist = 1.0 / (1.0 + (k2 * r2 + k1) * r2);
        if icdist < 0.0 {
            return (x0, y0);
        }
        let dx = 2.0 * p1 * x * y + p2 * (r2 + 2.0 * x * x);
        let dy = p1 * (r2 + 2.0 * y * y) + 2.0 * p2 * x * y;
        (x, y) = ((x0 - dx) * icdist, (y0 - dy) * icdist);
        if criteria.epsilon > 0.0 {
            error = reprojection_error(i, [k1, k2, p1, p2], (x, y), (u, v));
        }
    }
    (x, y)
}

/// Distance in pixels between `(x, y)` projected and the observed `(u, v)`, with the operation
/// order of OpenCV's convergence test (`cvUndistortPointsInternal`).
fn reprojection_error(i: &Intrinsics, k: [f64; 4], (x, y): (f64, f64), (u, v): (f64, f64)) -> f64 {
    let [k1, k2, p1, p2] = k;
    let r2 = x * x + y * y;
    let r4 = r2 * r2;
    let (a1, a2, a3) = (2.0 * x * y, r2 + 2.0 * x * x, r2 + 2.0 * y * y);
    let cdist = 1.0 + k1 * r2 + k2 * r4;
    let xd = x * cdist + p1 * a1 + p2 * a2;
    let yd = y * cdist + p1 * a3 + p2 * a1;
    let (pu, pv) = (xd * i.fx + i.cx, yd * i.fy + i.cy);
    ((pu - u).powi(2) + (pv - v).powi(2)).sqrt()
}

/// One equidistant point (Newton on θ), `None` when it has no undistorted position.
fn equidistant(i: &Intrinsics, k: [f64; 4], p: &[f64], criteria: Criteria) -> Option<(f64, f64)> {
    let (x0, y0) = ((p[0] - i.cx) / i.fx, (p[1] - i.cy) / i.fy);
    let half_pi = std::f64::consts::FRAC_PI_2;
    let theta_d = (x0 * x0 + y0 * y0).sqrt().clamp(-half_pi, half_pi);
    let eps = criteria.epsilon > 0.0;
    if eps && theta_d <= criteria.epsilon {
        return Some((x0, y0));
    }
    let (mut theta, mut converged) = (theta_d, false);
    for _ in 0..criteria.max_iterations {
        let t2 = theta * theta;
        let (t4, t6) = (t2 * t2, t2 * t2 * t2);
        let t8 = t6 * t2;
        let (a, b, c, d) = (k[0] * t2, k[1] * t4, k[2] * t6, k[3] * t8);
        let fix = (theta * (1.0 + a + b + c + d) - theta_d)
            / (1.0 + 3.0 * a + 5.0 * b + 7.0 * c + 9.0 * d);
        theta -= fix;
        if eps && fix.abs() < criteria.epsilon {
            converged = true;
            break;
        }
    }
    let flipped = (theta_d < 0.0 && theta > 0.0) || (theta_d > 0.0 && theta < 0.0);
    if (converged || !eps) && !flipped {
        let scale = theta.tan() / theta_d;
        Some((x0 * scale, y0 * scale))
    } else {
        None
    }
}
