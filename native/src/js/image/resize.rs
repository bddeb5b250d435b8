//! The `Resizer` class: `cv::resize` (`INTER_LINEAR`, `INTER_AREA`) with its tap tables planned once.

use super::stride;
use crate::js::letterbox::{layout, FrameLayout};
use karana_core::error::{dimension, invalid, require_disjoint, require_len, KaranaResult};
use karana_core::image::PixelFormat;
use karana_image::format::output_bytes;
use karana_image::resize::{Interpolation, ResizePlan};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

/// What a `Resizer` resizes. `interpolation` defaults to `'linear'`.
#[napi(object)]
pub struct ResizeSpec {
    /// Source width, pixels.
    pub src_width_px: f64,
    /// Source height, pixels.
    pub src_height_px: f64,
    /// Output width, pixels.
    pub dst_width_px: f64,
    /// Output height, pixels.
    pub dst_height_px: f64,
    /// Pixel format of source and output (every channel is resized, alpha included).
    #[napi(ts_type = "'GRAY8' | 'RGB8' | 'BGR8' | 'RGBA8'")]
    pub format: String,
    /// `'linear'` (`INTER_LINEAR`) or `'area'` (`INTER_AREA`).
    #[napi(ts_type = "'linear' | 'area'")]
    pub interpolation: Option<String>,
}

/// Resizes 8-bit frames of one shape, byte-exact with OpenCV 5 `cv::resize` on the real frames
/// tested (see `docs/native-image.md`): `INTER_LINEAR` in 11-bit fixed point with OpenCV's pixel
/// centres and its exact-2× shortcut to `INTER_AREA`; `INTER_AREA` as exact box averages when
/// shrinking and OpenCV's bilinear variant when growing. The tap tables are built once by the
/// constructor; calls allocate nothing.
#[napi]
pub struct Resizer {
    plan: Arc<ResizePlan>,
    format: PixelFormat,
}

/// Source and output strides of a call on `frame`, checked against the plan.
fn strides(
    plan: &ResizePlan,
    format: PixelFormat,
    frame: &FrameLayout,
    out_stride: Option<f64>,
) -> KaranaResult<(usize, usize)> {
    let l = layout(frame)?;
    let expect = |name: &'static str, got: usize, want: usize, what: &str| {
        if got == want {
            Ok(())
        } else {
            Err(invalid(name, format!("{want} (the Resizer's {what})"), got))
        }
    };
    expect("frame.widthPx", l.width, plan.src_width, "srcWidthPx")?;
    expect("frame.heightPx", l.height, plan.src_height, "srcHeightPx")?;
    if l.format != format {
        let want = format!("\"{}\" (the Resizer's format)", format.as_str());
        return Err(invalid(
            "frame.format",
            want,
            format!("\"{}\"", l.format.as_str()),
        ));
    }
    let row = plan.dst_width * plan.channels;
    let out = stride("outStrideBytes", out_stride)?.unwrap_or(row);
    if out < row {
        return Err(invalid("outStrideBytes", format!("at least {row}"), out));
    }
    Ok((l.stride, out))
}

#[napi]
impl Resizer {
    /// Plans the resize. Throws on sizes that are not positive integers, an unknown format or
    /// interpolation.
    #[napi(constructor)]
    pub fn new(spec: ResizeSpec) -> Result<Self> {
        let format = PixelFormat::parse("format", &spec.format)?;
        let interpolation = match &spec.interpolation {
            Some(s) => Interpolation::parse("interpolation", s)?,
            None => Interpolation::Linear,
        };
        let plan = ResizePlan::new(
            (
                dimension("srcWidthPx", spec.src_width_px)?,
                dimension("srcHeightPx", spec.src_height_px)?,
            ),
            (
                dimension("dstWidthPx", spec.dst_width_px)?,
                dimension("dstHeightPx", spec.dst_height_px)?,
            ),
            format.bytes_per_pixel(),
            interpolation,
        )?;
        Ok(Self {
            plan: Arc::new(plan),
            format,
        })
    }

    /// Resizes `src` (laid out as `frame`, which must have the spec's size and format) into
    /// `out` (caller-owned, rows `outStrideBytes` apart, default packed, not sharing memory with
    /// `src`) on the calling thread. Throws on a frame of another shape, short or overlapping
    /// buffers, strides shorter than a row.
    #[napi]
    pub fn resize_sync(
        &self,
        src: Uint8ArraySlice<'_>,
        frame: FrameLayout,
        mut out: Uint8ArraySlice<'_>,
        out_stride_bytes: Option<f64>,
    ) -> Result<()> {
        let (s, o) = strides(&self.plan, self.format, &frame, out_stride_bytes)?;
        // SAFETY: the JS caller owns `out` and does not touch it during this synchronous call.
        self.plan.run(&src, s, unsafe { out.as_mut() }, o)?;
        Ok(())
    }

    /// `resizeSync` on the libuv thread pool. Checks the arguments before queuing; `src` and
    /// `out` must not be touched until the promise settles.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn resize(
        &self,
        src: Uint8Array,
        frame: FrameLayout,
        out: Uint8Array,
        out_stride_bytes: Option<f64>,
    ) -> Result<AsyncTask<ResizeTask>> {
        let (s, o) = strides(&self.plan, self.format, &frame, out_stride_bytes)?;
        let task = ResizeTask {
            plan: Arc::clone(&self.plan),
            src,
            out,
            strides: (s, o),
        };
        task.check()?;
        Ok(AsyncTask::new(task))
    }
}

/// The work of `Resizer.resize` on the libuv thread pool.
pub struct ResizeTask {
    plan: Arc<ResizePlan>,
    src: Uint8Array,
    out: Uint8Array,
    strides: (usize, usize),
}

impl ResizeTask {
    /// The buffer checks of `ResizePlan::run`, on the JS thread before queuing.
    fn check(&self) -> KaranaResult<()> {
        let p = &self.plan;
        let (s, o) = self.strides;
        let cn = p.channels;
        require_len(
            "src",
            "bytes",
            output_bytes(p.src_width, p.src_height, cn, s),
            self.src.len(),
        )?;
        require_len(
            "out",
            "bytes",
            output_bytes(p.dst_width, p.dst_height, cn, o),
            self.out.len(),
        )?;
        require_disjoint("out", &self.out, "src", &self.src)
    }
}

#[napi]
impl Task for ResizeTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> Result<()> {
        // SAFETY: the caller must not touch `out` until the promise settles (documented).
        let out = unsafe { self.out.as_mut() };
        self.plan
            .run(&self.src, self.strides.0, out, self.strides.1)?;
        Ok(())
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> Result<()> {
        Ok(())
    }
}
