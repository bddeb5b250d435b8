//! Pixel ↔ normalised image coordinates for the pinhole + radial-tangential model (OpenCV's
//! `undistortPoints` fixed-point iteration; distortion as in OpenCV `calib3d`, Brown–Conrady).

use crate::config::CameraModel;

/// Undistorts and normalises pixels: `(u, v)` px → `(x, y)` on the `z = 1` plane of the camera.
#[derive(Clone, Copy, Debug)]
pub struct Undistorter {
    fu: f64,
    fv: f64,
    cu: f64,
    cv: f64,
    k: [f64; 4],
}

impl Undistorter {
    pub fn new(camera: &CameraModel) -> Self {
        let [fu, fv, cu, cv] = camera.intrinsics;
        Self {
            fu,
            fv,
            cu,
            cv,
            k: camera.distortion,
        }
    }

    /// Distorts a normalised point (the forward model): `(x, y)` → distorted normalised `(xd, yd)`.
    pub fn distort(&self, x: f64, y: f64) -> (f64, f64) {
        let [k1, k2, p1, p2] = self.k;
        let r2 = x * x + y * y;
        let radial = 1.0 + k1 * r2 + k2 * r2 * r2;
        (
            x * radial + 2.0 * p1 * x * y + p2 * (r2 + 2.0 * x * x),
            y * radial + p1 * (r2 + 2.0 * y * y) + 2.0 * p2 * x * y,
        )
    }

    /// Pixel → undistorted normalised coordinates (10 fixed-point iterations, as OpenCV's default).
    pub fn undistort(&self, u: f64, v: f64) -> (f64, f64) {
        let xd = (u - self.cu) / self.fu;
        let yd = (v - self.cv) / self.fv;
        let [k1, k2, p1, p2] = self.k;
        let (mut x, mut y) = (xd, yd);
        for _ in 0..10 {
            let r2 = x * x + y * y;
            let icdist = 1.0 / (1.0 + k1 * r2 + k2 * r2 * r2);
            let dx = 2.0 * p1 * x * y + p2 * (r2 + 2.0 * x * x);
            let dy = p1 * (r2 + 2.0 * y * y) + 2.0 * p2 * x * y;
            x = (xd - dx) * icdist;
            y = (yd - dy) * icdist;
        }
        (x, y)
    }

    /// Normalised undistorted `(x, y)` → pixel.
    pub fn project(&self, x: f64, y: f64) -> (f64, f64) {
        let (xd, yd) = self.distort(x, y);
        (self.fu * xd + self.cu, self.fv * yd + self.cv)
    }

    /// Mean focal length, pixels (converts pixel noise to normalised units).
    pub fn focal_px(&self) -> f64 {
        0.5 * (self.fu + self.fv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::VioConfig;

    #[test]
    fn undistort_inverts_the_projection_over_the_euroc_image() {
        let u = Undistorter::new(&VioConfig::euroc_cam0().camera);
        for &(px, py) in &[(10.0, 10.0), (367.0, 248.0), (740.0, 470.0), (100.0, 400.0)] {
            let (x, y) = u.undistort(px, py);
            let (qx, qy) = u.project(x, y);
            assert!(
                (qx - px).abs() < 0.05 && (qy - py).abs() < 0.05,
                "{px},{py} -> {qx},{qy}"
            );
        }
    }
}
