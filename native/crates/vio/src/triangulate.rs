//! Triangulation of one feature from its observations in the clone window: the linear
//! least-squares midpoint of the bearing rays, refined by Gauss–Newton on the normalised-plane
//! reprojection error (Hartley & Zisserman, *Multiple View Geometry*, 2nd ed., §12.2 and §12.4–12.5;
//! the same two steps as OpenVINS `FeatureInitializer`).

use nalgebra::{Matrix2x3, Matrix3, Vector2, Vector3};

/// A camera pose `T_W_C` and the undistorted normalised observation in it.
#[derive(Clone, Copy, Debug)]
pub struct View {
    pub r_w_c: Matrix3<f64>,
    pub p_w_c: Vector3<f64>,
    pub xy: Vector2<f64>,
}

/// Acceptance limits of a triangulated point.
#[derive(Clone, Copy, Debug)]
pub struct TriangulationLimits {
    /// Smallest ratio of the smallest to the largest eigenvalue of the ray system (parallax).
    pub min_eigen_ratio: f64,
    /// Depth range in every view, m.
    pub min_depth_m: f64,
    pub max_depth_m: f64,
    /// Largest RMS reprojection error after refinement, normalised units.
    pub max_rms: f64,
}

/// The point in the world frame, or None when the views do not fix it (too little parallax,
/// behind a camera, too far, or inconsistent).
pub fn triangulate(views: &[View], limits: &TriangulationLimits) -> Option<Vector3<f64>> {
    if views.len() < 2 {
        return None;
    }
    let mut a = Matrix3::zeros();
    let mut b = Vector3::zeros();
    for v in views {
        let d = (v.r_w_c * Vector3::new(v.xy.x, v.xy.y, 1.0)).normalize();
        let m = Matrix3::identity() - d * d.transpose();
        a += m;
        b += m * v.p_w_c;
    }
    let eig = a.symmetric_eigenvalues();
    let (lo, hi) = (eig.min(), eig.max());
    let spread = hi > 0.0 && lo / hi >= limits.min_eigen_ratio; // false for NaN too
    if !spread {
        return None;
    }
    let mut p = a.lu().solve(&b)?;
    for _ in 0..5 {
        let mut h = Matrix3::zeros();
        let mut g = Vector3::zeros();
        for v in views {
            let pc = v.r_w_c.transpose() * (p - v.p_w_c);
            if pc.z < limits.min_depth_m {
                return None;
            }
            let (j, r) = projection(&pc, &v.xy);
            let jw = j * v.r_w_c.transpose();
            h += jw.transpose() * jw;
            g += jw.transpose() * r;
        }
        let step = h.lu().solve(&g)?;
        p += step;
        if step.norm() < 1e-6 {
            break;
        }
    }
    let mut sq = 0.0;
    for v in views {
        let pc = v.r_w_c.transpose() * (p - v.p_w_c);
        if !(pc.z >= limits.min_depth_m && pc.z <= limits.max_depth_m) {
            return None;
        }
        sq += projection(&pc, &v.xy).1.norm_squared();
    }
    ((sq / views.len() as f64).sqrt() <= limits.max_rms && p.iter().all(|x| x.is_finite()))
        .then_some(p)
}

/// Jacobian of the projection at `pc` (camera frame) and the residual `xy − π(pc)`.
pub fn projection(pc: &Vector3<f64>, xy: &Vector2<f64>) -> (Matrix2x3<f64>, Vector2<f64>) {
    let iz = 1.0 / pc.z;
    let (x, y) = (pc.x * iz, pc.y * iz);
    let j = Matrix2x3::new(iz, 0.0, -x * iz, 0.0, iz, -y * iz);
    (j, xy - Vector2::new(x, y))
}
