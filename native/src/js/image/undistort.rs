//! `undistortPointsSync` and the `Undistorter` class (undistortion map built once, bilinear
//! remap per frame).

use super::stride;
use crate::js::letterbox::{layout, FrameLayout};
use karana_core::error::{dimension, invalid, require_disjoint, require_len, KaranaResult};
use karana_image::format::output_bytes;
use karana_image::undistort::map::UndistortMap;
use karana_image::undistort::points::{undistort_points, Criteria, Output};
use karana_image::undistort::{Intrinsics, PinholeCamera};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

/// A calibrated pinhole camera as EuRoC / Kalibr `sensor.yaml` gives it (the HAL's
/// `CameraCalibration`).
#[napi(object)]
pub struct CameraModel {
    /// `[fu, fv, cu, cv]`, pixels.
    pub intrinsics: Vec<f64>,
    /// `radial-tangential` (`k1, k2, p1, p2`) or `equidistant` (`k1..k4`).
    #[napi(ts_type = "'radial-tangential' | 'radtan' | 'equidistant' | 'none'")]
    pub distortion_model: String,
    /// The model's 4 coefficients (none for `'none'`).
    pub distortion: Vec<f64>,
}

pub(crate) fn camera(c: &CameraModel) -> KaranaResult<PinholeCamera> {
    PinholeCamera::parse(&c.intrinsics, &c.distortion_model, &c.distortion)
}

/// Options of `undistortPointsSync`. Defaults: `output` `'normalized'`; radial-tangential
/// `maxIterations` 30, `epsilon` 1e-9 px (reprojection error); equidistant 10 and 1e-8 rad
/// (Newton step), OpenCV's. `epsilon` 0: iterate exactly `maxIterations` times (OpenCV's
/// `cv::undistortPoints` default is 5, without ε).
#[napi(object)]
pub struct UndistortPointsOptions {
    /// `'normalized'`: `(x, y)` of the ray `(x, y, 1)`; `'pixel'`: `(fx'·x + cx', fy'·y + cy')`.
    #[napi(ts_type = "'normalized' | 'pixel'")]
    pub output: Option<String>,
    /// `[fu, fv, cu, cv]` of the ideal camera for `'pixel'` (OpenCV's `P`); default the
    /// calibration's.
    pub new_intrinsics: Option<Vec<f64>>,
    pub max_iterations: Option<f64>,
    pub epsilon: Option<f64>,
}

fn points_call(
    cam: &PinholeCamera,
    o: Option<&UndistortPointsOptions>,
) -> KaranaResult<(Criteria, Output)> {
    let d = Criteria::default_for(&cam.distortion);
    let criteria = Criteria::new(
        o.and_then(|o| o.max_iterations)
            .unwrap_or(d.max_iterations as f64),
        o.and_then(|o| o.epsilon).unwrap_or(d.epsilon),
    )?;
    let new = match o.and_then(|o| o.new_intrinsics.as_deref()) {
        Some(v) => Intrinsics::parse("newIntrinsics", v)?,
        None => cam.intrinsics,
    };
    let output = match o.and_then(|o| o.output.as_deref()) {
        None | Some("normalized") => Output::Normalized,
        Some("pixel") => Output::Pixels(new),
        Some(other) => {
            return Err(invalid(
                "output",
                "\"normalized\" or \"pixel\"",
                format!("\"{other}\""),
            ))
        }
    };
    Ok((criteria, output))
}

/// Undistorts points on the calling thread, as OpenCV `cv::undistortPoints` (radial-tangential)
/// or `cv::fisheye::undistortPoints` (equidistant) with the same operations: `points` are
/// `x, y` pairs in pixels of the distorted image (origin at the centre of the top-left pixel);
/// `out` (caller-owned, at least as long, not sharing memory) receives the undistorted pairs.
/// Returns how many points have no undistorted position (equidistant only; written as NaN where
/// OpenCV writes −1e6). Throws `Error` naming the bad parameter and value.
#[napi]
pub fn undistort_points_sync(
    camera: CameraModel,
    points: Float64ArraySlice<'_>,
    mut out: Float64ArraySlice<'_>,
    options: Option<UndistortPointsOptions>,
) -> Result<u32> {
    let cam = self::camera(&camera)?;
    let (criteria, output) = points_call(&cam, options.as_ref())?;
    // SAFETY: the JS caller owns `out` and does not touch it during this synchronous call.
    Ok(undistort_points(
        &cam,
        &points,
        unsafe { out.as_mut() },
        criteria,
        output,
    )?)
}

/// Size and ideal camera of an `Undistorter`'s output.
#[napi(object)]
pub struct UndistortSpec {
    /// Output width, pixels (usually the calibration's `resolution[0]`).
    pub width_px: f64,
    /// Output height, pixels.
    pub height_px: f64,
    /// `[fu, fv, cu, cv]` of the undistorted image (OpenCV's `newCameraMatrix`); default the
    /// calibration's.
    pub new_intrinsics: Option<Vec<f64>>,
}

/// Undistorts images of one camera: the map (OpenCV `cv::initUndistortRectifyMap` /
/// `cv::fisheye::initUndistortRectifyMap`, `R = I`, `CV_32FC1`) is built once by the
/// constructor; each frame is remapped through it (OpenCV 5 `cv::remap`, `INTER_LINEAR`,
/// `BORDER_CONSTANT` 0), byte-exact with OpenCV on the real EuRoC frames tested.
#[napi]
pub struct Undistorter {
    map: Arc<UndistortMap>,
}

/// A checked remap call.
struct RemapCall {
    size: (usize, usize),
    stride: usize,
    channels: usize,
    out_stride: usize,
}

impl Undistorter {
    fn call(&self, f: &FrameLayout, out_stride: Option<f64>) -> KaranaResult<RemapCall> {
        let l = layout(f)?;
        let channels = l.format.bytes_per_pixel();
        let row = self.map.width * channels;
        let out_stride = stride("outStrideBytes", out_stride)?.unwrap_or(row);
        if out_stride < row {
            return Err(invalid(
                "outStrideBytes",
                format!("at least {row}"),
                out_stride,
            ));
        }
        Ok(RemapCall {
            size: (l.width, l.height),
            stride: l.stride,
            channels,
            out_stride,
        })
    }

    fn check(&self, c: &RemapCall, src: &[u8], out: &[u8]) -> KaranaResult<()> {
        let (w, h) = c.size;
        require_len(
            "src",
            "bytes",
            output_bytes(w, h, c.channels, c.stride),
            src.len(),
        )?;
        let needed = output_bytes(self.map.width, self.map.height, c.channels, c.out_stride);
        require_len("out", "bytes", needed, out.len())?;
        require_disjoint("out", out, "src", src)
    }
}

/// The checked arguments of a map build.
pub struct MapSpec {
    camera: PinholeCamera,
    size: (usize, usize),
    new: Intrinsics,
}

fn map_spec(camera: &CameraModel, spec: &UndistortSpec) -> KaranaResult<MapSpec> {
    let cam = self::camera(camera)?;
    let new = match spec.new_intrinsics.as_deref() {
        Some(v) => Intrinsics::parse("newIntrinsics", v)?,
        None => cam.intrinsics,
    };
    Ok(MapSpec {
        camera: cam,
        size: (
            dimension("widthPx", spec.width_px)?,
            dimension("heightPx", spec.height_px)?,
        ),
        new,
    })
}

impl MapSpec {
    fn build(&self) -> UndistortMap {
        UndistortMap::new(&self.camera, self.size.0, self.size.1, &self.new)
    }
}

/// Builds an `Undistorter` on the libuv thread pool (the map takes 3–20 ms for 752 × 480).
/// Rejects on a bad camera or size, with the constructor's messages.
#[napi(ts_return_type = "Promise<Undistorter>")]
pub fn create_undistorter(
    camera: CameraModel,
    spec: UndistortSpec,
) -> Result<AsyncTask<BuildMapTask>> {
    Ok(AsyncTask::new(BuildMapTask {
        spec: map_spec(&camera, &spec)?,
    }))
}

/// The work of `createUndistorter` on the libuv thread pool.
pub struct BuildMapTask {
    spec: MapSpec,
}

#[napi]
impl Task for BuildMapTask {
    type Output = UndistortMap;
    type JsValue = Undistorter;

    fn compute(&mut self) -> Result<UndistortMap> {
        Ok(self.spec.build())
    }

    fn resolve(&mut self, _env: Env, map: UndistortMap) -> Result<Undistorter> {
        Ok(Undistorter { map: Arc::new(map) })
    }
}

#[napi]
impl Undistorter {
    /// Builds the map on the calling thread (3–20 ms for 752 × 480; `createUndistorter` builds
    /// it on the pool). Throws on a bad camera or size.
    #[napi(constructor)]
    pub fn new(camera: CameraModel, spec: UndistortSpec) -> Result<Self> {
        Ok(Self {
            map: Arc::new(map_spec(&camera, &spec)?.build()),
        })
    }

    /// Output width, pixels.
    #[napi(getter)]
    pub fn width_px(&self) -> u32 {
        self.map.width as u32
    }

    /// Output height, pixels.
    #[napi(getter)]
    pub fn height_px(&self) -> u32 {
        self.map.height as u32
    }

    /// Copies the map into `mapX` and `mapY` (`widthPx · heightPx` floats each, row-major:
    /// source pixel coordinates of each output pixel), as `cv::initUndistortRectifyMap` returns it.
    #[napi]
    pub fn map_into(
        &self,
        mut map_x: Float32ArraySlice<'_>,
        mut map_y: Float32ArraySlice<'_>,
    ) -> Result<()> {
        let n = self.map.map_x.len();
        require_len("mapX", "floats", n, map_x.len())?;
        require_len("mapY", "floats", n, map_y.len())?;
        // SAFETY: the JS caller owns the arrays and does not touch them during this call.
        unsafe {
            map_x.as_mut()[..n].copy_from_slice(&self.map.map_x);
            map_y.as_mut()[..n].copy_from_slice(&self.map.map_y);
        }
        Ok(())
    }

    /// Undistorts one frame into `out` (caller-owned, `widthPx × heightPx` of the same format,
    /// rows `outStrideBytes` apart, default packed) on the calling thread.
    #[napi]
    pub fn remap_sync(
        &self,
        src: Uint8ArraySlice<'_>,
        frame: FrameLayout,
        mut out: Uint8ArraySlice<'_>,
        out_stride_bytes: Option<f64>,
    ) -> Result<()> {
        let c = self.call(&frame, out_stride_bytes)?;
        // SAFETY: the JS caller owns `out` and does not touch it during this synchronous call.
        let out = unsafe { out.as_mut() };
        self.map
            .apply(&src, c.size, c.stride, c.channels, out, c.out_stride)?;
        Ok(())
    }

    /// `remapSync` on the libuv thread pool. Checks the arguments before queuing; `src` and
    /// `out` must not be touched until the promise settles.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn remap(
        &self,
        src: Uint8Array,
        frame: FrameLayout,
        out: Uint8Array,
        out_stride_bytes: Option<f64>,
    ) -> Result<AsyncTask<RemapTask>> {
        let call = self.call(&frame, out_stride_bytes)?;
        self.check(&call, &src, &out)?;
        Ok(AsyncTask::new(RemapTask {
            map: Arc::clone(&self.map),
            src,
            out,
            call,
        }))
    }
}

/// The work of `Undistorter.remap` on the libuv thread pool.
pub struct RemapTask {
    map: Arc<UndistortMap>,
    src: Uint8Array,
    out: Uint8Array,
    call: RemapCall,
}

#[napi]
impl Task for RemapTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> Result<()> {
        let c = &self.call;
        // SAFETY: the caller must not touch `out` until the promise settles (documented).
        let out = unsafe { self.out.as_mut() };
        self.map
            .apply(&self.src, c.size, c.stride, c.channels, out, c.out_stride)?;
        Ok(())
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> Result<()> {
        Ok(())
    }
}
