//! N-API bindings of `karana-image` (see the crate's docs): pixel-format conversion, the
//! `Resizer` and `Undistorter` classes, point undistortion. The letterbox bindings are in
//! `letterbox.rs`. Argument conversion and `AsyncTask`s only; no math here.

mod resize;
mod undistort;

pub use resize::*;
pub use undistort::*;

use karana_core::error::{dimension, KaranaResult};
use karana_image::convert::{convert, Target};
use karana_image::format::{FrameLayout, InputFormat};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Where an 8-bit frame's pixels are in its buffer, in any input format of the image kernels.
#[napi(object)]
pub struct PixelLayout {
    /// Width, pixels.
    pub width_px: f64,
    /// Height, pixels.
    pub height_px: f64,
    /// Bytes from one row to the next (of the Y plane for NV12); default: packed rows.
    pub stride_bytes: Option<f64>,
    /// YUYV: `Y0 U Y1 V` per pixel pair (even width); NV12: Y plane then interleaved U V plane
    /// (`heightPx / 2` rows, same stride; even width and height).
    #[napi(ts_type = "'GRAY8' | 'RGB8' | 'BGR8' | 'RGBA8' | 'YUYV' | 'NV12'")]
    pub format: String,
}

pub(crate) fn pixel_layout(l: &PixelLayout) -> KaranaResult<FrameLayout> {
    let format = InputFormat::parse("format", &l.format)?;
    let stride = l
        .stride_bytes
        .map(|s| dimension("strideBytes", s))
        .transpose()?;
    FrameLayout::new(
        dimension("widthPx", l.width_px)?,
        dimension("heightPx", l.height_px)?,
        stride,
        format,
    )
}

/// An optional stride given as a JS number.
pub(crate) fn stride(name: &'static str, v: Option<f64>) -> KaranaResult<Option<usize>> {
    v.map(|s| dimension(name, s)).transpose()
}

/// Converts a frame to GRAY8 or RGB8 on the calling thread, bit-exact with OpenCV
/// `cv::cvtColor` 5.0: RGB/BGR/RGBA → GRAY with the 15-bit BT.601 weights
/// `(9798·R + 19235·G + 3735·B + 2¹⁴) >> 15` (`COLOR_RGB2GRAY`); YUYV / NV12 → RGB with BT.601
/// video-range 20-bit fixed point (`COLOR_YUV2RGB_YUYV`, `COLOR_YUV2RGB_NV12`); YUYV / NV12 →
/// GRAY the Y samples (`COLOR_YUV2GRAY_*`); GRAY → RGB replicated; BGR → RGB swapped; RGBA →
/// RGB without alpha.
///
/// `out`: caller-owned, rows `outStrideBytes` apart (default packed: `widthPx · channels`), not
/// sharing memory with `src`. Throws `Error` naming the bad parameter and value, e.g.
/// `"out" must hold 995328 bytes, got 10`.
#[napi]
pub fn convert_sync(
    src: Uint8ArraySlice<'_>,
    layout: PixelLayout,
    #[napi(ts_arg_type = "'GRAY8' | 'RGB8'")] to: String,
    mut out: Uint8ArraySlice<'_>,
    out_stride_bytes: Option<f64>,
) -> Result<()> {
    let l = pixel_layout(&layout)?;
    let target = Target::parse("to", &to)?;
    let out_stride = stride("outStrideBytes", out_stride_bytes)?;
    // SAFETY: the JS caller owns `out` and does not touch it during this synchronous call.
    convert(&src, &l, target, unsafe { out.as_mut() }, out_stride)?;
    Ok(())
}
