//! Undistortion for the pinhole camera models of EuRoC / Kalibr `sensor.yaml`: `intrinsics`
//! `[fu, fv, cu, cv]` (pixels), `distortion_model` `radial-tangential` (`radtan`: `k1, k2, p1, p2`,
//! OpenCV's "plumb bob" without `k3`) or `equidistant` (`k1..k4`, OpenCV's `cv::fisheye`), or
//! `none`. Pixel coordinates have their origin at the centre of the top-left pixel (OpenCV's).
//!
//! - [`points`]: distorted pixels → undistorted normalized or pixel coordinates, iteratively
//!   (`cv::undistortPoints` / `cv::fisheye::undistortPoints`);
//! - [`map`]: the per-pixel source coordinates of an undistorted image
//!   (`cv::initUndistortRectifyMap` / `cv::fisheye::initUndistortRectifyMap`, `CV_32FC1`), built
//!   once, and the bilinear remap of each frame through it (`cv::remap`, `INTER_LINEAR`,
//!   `BORDER_CONSTANT` 0).

pub mod map;
pub mod points;
mod remap;

use karana_core::error::{invalid, KaranaResult};

/// The lens distortion of a pinhole camera.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Distortion {
    None,
    /// Kalibr `radial-tangential`: `x_d = x·(1 + k1·r² + k2·r⁴) + 2·p1·x·y + p2·(r² + 2x²)`,
    /// `y_d = y·(1 + k1·r² + k2·r⁴) + p1·(r² + 2y²) + 2·p2·x·y`.
    RadialTangential {
        k1: f64,
        k2: f64,
        p1: f64,
        p2: f64,
    },
    /// Kalibr `equidistant` (Kannala–Brandt): `θ = atan(r)`,
    /// `θ_d = θ·(1 + k1·θ² + k2·θ⁴ + k3·θ⁶ + k4·θ⁸)`, `(x_d, y_d) = (θ_d / r)·(x, y)`.
    Equidistant {
        k: [f64; 4],
    },
}

/// Focal lengths and principal point, pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Intrinsics {
    pub fx: f64,
    pub fy: f64,
    pub cx: f64,
    pub cy: f64,
}

impl Intrinsics {
    /// From `[fu, fv, cu, cv]`; `name` is the parameter named in errors.
    ///
    /// Errors: not 4 numbers, focal lengths not positive and finite, centre not finite.
    pub fn parse(name: &'static str, v: &[f64]) -> KaranaResult<Self> {
        let [fx, fy, cx, cy] = v else {
            return Err(invalid(
                name,
                "4 numbers [fu, fv, cu, cv]",
                format!("{} numbers", v.len()),
            ));
        };
        if !(fx.is_finite() && *fx > 0.0 && fy.is_finite() && *fy > 0.0) {
            return Err(invalid(
                name,
                "positive focal lengths",
                format!("[{fx}, {fy}]"),
            ));
        }
        if !(cx.is_finite() && cy.is_finite()) {
            return Err(invalid(
                name,
                "a finite principal point",
                format!("[{cx}, {cy}]"),
            ));
        }
        Ok(Self {
            fx: *fx,
            fy: *fy,
            cx: *cx,
            cy: *cy,
        })
    }
}

/// A calibrated pinhole camera.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PinholeCamera {
    pub intrinsics: Intrinsics,
    pub distortion: Distortion,
}

impl PinholeCamera {
    /// From the `sensor.yaml` fields as the HAL reads them (`hal/mock/sensor-yaml.ts`):
    /// `intrinsics`, `distortionModel` (`"radial-tangential"`, `"radtan"`, `"equidistant"`,
    /// `"none"`), `distortion` coefficients.
    ///
    /// Errors name `"intrinsics"`, `"distortionModel"` or `"distortion"` and the value.
    pub fn parse(intrinsics: &[f64], model: &str, coefficients: &[f64]) -> KaranaResult<Self> {
        let intrinsics = Intrinsics::parse("intrinsics", intrinsics)?;
        let four = |model: &str| -> KaranaResult<[f64; 4]> {
            match coefficients {
                [a, b, c, d] if coefficients.iter().all(|v| v.is_finite()) => Ok([*a, *b, *c, *d]),
                _ => Err(invalid(
                    "distortion",
                    format!("4 finite coefficients for {model}"),
                    format!("{coefficients:?}"),
                )),
            }
        };
        let distortion = match model {
            "radial-tangential" | "radtan" => {
                let [k1, k2, p1, p2] = four("radial-tangential")?;
                Distortion::RadialTangential { k1, k2, p1, p2 }
            }
            "equidistant" => Distortion::Equidistant {
                k: four("equidistant")?,
            },
            "none" if coefficients.iter().all(|&c| c == 0.0) => Distortion::None,
            "none" => {
                return Err(invalid(
                    "distortion",
                    "no coefficients (or zeros) for none",
                    format!("{coefficients:?}"),
                ))
            }
            other => {
                return Err(invalid(
                    "distortionModel",
                    "\"radial-tangential\", \"radtan\", \"equidistant\" or \"none\"",
                    format!("\"{other}\""),
                ))
            }
        };
        Ok(Self {
            intrinsics,
            distortion,
        })
    }

    /// Projects normalized undistorted coordinates `(x, y)` (a ray `(x, y, 1)` in the camera
    /// frame) to distorted pixels (`cv::projectPoints` / `cv::fisheye::projectPoints` without
    /// pose).
    pub fn project(&self, x: f64, y: f64) -> (f64, f64) {
        let (xd, yd) = self.distort(x, y);
        let i = &self.intrinsics;
        (i.fx * xd + i.cx, i.fy * yd + i.cy)
    }

    /// Normalized undistorted → normalized distorted coordinates.
    pub fn distort(&self, x: f64, y: f64) -> (f64, f64) {
        match self.distortion {
            Distortion::None => (x, y),
            Distortion::RadialTangential { k1, k2, p1, p2 } => {
                let (x2, y2) = (x * x, y * y);
                let (r2, xy2) = (x2 + y2, 2.0 * x * y);
                let kr = 1.0 + (k2 * r2 + k1) * r2;
                (
                    x * kr + p1 * xy2 + p2 * (r2 + 2.0 * x2),
                    y * kr + p1 * (r2 + 2.0 * y2) + p2 * xy2,
                )
            }
            Distortion::Equidistant { k } => {
                let r = (x * x + y * y).sqrt();
                let theta = r.atan();
                let t2 = theta * theta;
                let (t4, t6) = (t2 * t2, t2 * t2 * t2);
                let t8 = t4 * t4;
                let theta_d = theta * (1.0 + k[0] * t2 + k[1] * t4 + k[2] * t6 + k[3] * t8);
                let scale = if r == 0.0 { 1.0 } else { theta_d / r };
                (x * scale, y * scale)
            }
        }
    }
}

#[cfg(test)]
mod tests;
