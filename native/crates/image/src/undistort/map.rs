//! The undistortion map of an image: for each pixel `(u, v)` of the undistorted image (an ideal
//! pinhole camera with intrinsics `K'`, by default the calibration's own), where to sample the
//! distorted frame. OpenCV `cv::initUndistortRectifyMap` (radial-tangential) and
//! `cv::fisheye::initUndistortRectifyMap` (equidistant) with `R = I`, `m1type = CV_32FC1`:
//! `(x, y) = ((u − cx')/fx', (v − cy')/fy')`, distorted and projected with `K`, computed in `f64`
//! along each row (`x += 1/fx'`, as OpenCV accumulates it) and stored as `f32`.

use super::remap::remap;
use super::{Distortion, Intrinsics, PinholeCamera};
use crate::format::output_bytes;
use karana_core::error::{require_disjoint, require_len, KaranaResult};

/// Source coordinates of every pixel of an undistorted image, built once per camera and size.
#[derive(Clone, Debug, PartialEq)]
pub struct UndistortMap {
    pub width: usize,
    pub height: usize,
    /// Source x of each pixel, row-major, pixels of the distorted frame.
    pub map_x: Vec<f32>,
    /// Source y of each pixel.
    pub map_y: Vec<f32>,
}

impl UndistortMap {
    /// The map of a `width × height` undistorted image seen by a pinhole camera with
    /// `new_intrinsics` (OpenCV's `newCameraMatrix`).
    pub fn new(
        camera: &PinholeCamera,
        width: usize,
        height: usize,
        new_intrinsics: &Intrinsics,
    ) -> Self {
        let n = new_intrinsics;
        let (step, x_start) = (1.0 / n.fx, -n.cx / n.fx);
        let (mut map_x, mut map_y) = (Vec::with_capacity(width * height), Vec::new());
        map_y.reserve_exact(width * height);
        for row in 0..height {
            let y = (row as f64) * (1.0 / n.fy) + (-n.cy / n.fy);
            let mut x = x_start;
            for _ in 0..width {
                let (u, v) = source_pixel(camera, x, y);
                map_x.push(u as f32);
                map_y.push(v as f32);
                x += step;
            }
        }
        Self {
            width,
            height,
            map_x,
            map_y,
        }
    }

    /// Undistorts one frame: `dst[v][u] = src(map_x[v][u], map_y[v][u])`, bilinear, 0 outside
    /// the source (OpenCV `cv::remap`, `INTER_LINEAR`, `BORDER_CONSTANT`; see `remap.rs`).
    /// `channels` interleaved 8-bit values per pixel (1, 3, 4), the same layout in and out.
    ///
    /// Errors: `"src"` / `"out"` too short, `"out"` sharing memory with `"src"`.
    pub fn apply(
        &self,
        src: &[u8],
        src_size: (usize, usize),
        src_stride: usize,
        channels: usize,
        dst: &mut [u8],
        dst_stride: usize,
    ) -> KaranaResult<()> {
        let (sw, sh) = src_size;
        require_len(
            "src",
            "bytes",
            output_bytes(sw, sh, channels, src_stride),
            src.len(),
        )?;
        let needed = output_bytes(self.width, self.height, channels, dst_stride);
        require_len("out", "bytes", needed, dst.len())?;
        require_disjoint("out", dst, "src", src)?;
        remap(self, src, (sw, sh, src_stride), channels, dst, dst_stride);
        Ok(())
    }
}

/// Where the ray `(x, y, 1)` lands in the distorted image, with OpenCV's operation order.
fn source_pixel(camera: &PinholeCamera, x: f64, y: f64) -> (f64, f64) {
    let i = &camera.intrinsics;
    match camera.distortion {
        Distortion::Equidistant { k } => {
            let r = (x * x + y * y).sqrt();
            let theta = r.atan();
            let t2 = theta * theta;
            let t4 = t2 * t2;
            let (t6, t8) = (t4 * t2, t4 * t4);
            let theta_d = theta * (1.0 + k[0] * t2 + k[1] * t4 + k[2] * t6 + k[3] * t8);
            let scale = if r == 0.0 { 1.0 } else { theta_d / r };
            (i.fx * x * scale + i.cx, i.fy * y * scale + i.cy)
        }
        _ => camera.project(x, y),
    }
}
