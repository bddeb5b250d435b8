//! `letterboxSync` / `letterbox`: frame → float32 NCHW detector tensor.

use karana_core::error::{
    dimension, in_range, require_disjoint, require_len, triple, KaranaResult,
};
use karana_core::image::{ImageLayout, PixelFormat};
use karana_image::letterbox::{
    letterbox as run, Align, ChannelOrder, LetterboxGeometry, LetterboxParams,
};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Where an 8-bit frame's pixels are in its buffer (the fields of a HAL `CameraFrame`).
#[napi(object)]
pub struct FrameLayout {
    /// Width, pixels.
    pub width_px: f64,
    /// Height, pixels.
    pub height_px: f64,
    /// Bytes from the start of one row to the next; default `widthPx × bytes per pixel`.
    pub stride_bytes: Option<f64>,
    /// Pixel layout; GRAY8 is replicated to the three channels, RGBA8's alpha is ignored.
    #[napi(ts_type = "'GRAY8' | 'RGB8' | 'BGR8' | 'RGBA8'")]
    pub format: String,
}

/// Letterbox settings. Defaults: `padValue` 114, `channelOrder` `'RGB'`, `mean` `[0, 0, 0]`,
/// `scale` `[1, 1, 1]`, `align` `'center'`.
#[napi(object)]
pub struct LetterboxOptions {
    /// Tensor width, pixels.
    pub target_width: f64,
    /// Tensor height, pixels.
    pub target_height: f64,
    /// Pad value in the pixel domain (0–255); normalized like the pixels.
    pub pad_value: Option<f64>,
    /// Order of the three output planes.
    #[napi(ts_type = "'RGB' | 'BGR'")]
    pub channel_order: Option<String>,
    /// Per output channel (in `channelOrder`), pixel domain: `out = (v - mean[c]) * scale[c]`.
    pub mean: Option<Vec<f64>>,
    /// Per output channel (in `channelOrder`): `out = (v - mean[c]) * scale[c]`.
    pub scale: Option<Vec<f64>>,
    /// `'center'` (equal padding both sides) or `'topLeft'` (YOLOX).
    #[napi(ts_type = "'center' | 'topLeft'")]
    pub align: Option<String>,
}

/// How the source frame sits in the tensor: `x_tensor = x_src · scale + padX` (same for y), so a
/// box maps back with `x_src = (x_tensor − padX) / scale`.
#[napi(object)]
#[derive(Clone, Copy)]
pub struct LetterboxResult {
    /// `r = min(targetWidth / sourceWidth, targetHeight / sourceHeight)`.
    pub scale: f64,
    /// Left padding, tensor pixels.
    pub pad_x: u32,
    /// Top padding, tensor pixels.
    pub pad_y: u32,
    /// `floor(sourceWidth · scale)`, tensor pixels.
    pub resized_width: u32,
    /// `floor(sourceHeight · scale)`, tensor pixels.
    pub resized_height: u32,
    /// Source frame width, pixels (boxes are clipped to it).
    pub source_width: u32,
    /// Source frame height, pixels.
    pub source_height: u32,
    /// Tensor width, pixels (the detector's input width).
    pub target_width: u32,
    /// Tensor height, pixels.
    pub target_height: u32,
}

/// The checked layout of a frame (`"format"`, `"widthPx"`, `"heightPx"`, `"strideBytes"` errors).
pub(crate) fn layout(f: &FrameLayout) -> KaranaResult<ImageLayout> {
    let format = PixelFormat::parse("format", &f.format)?;
    let width = dimension("widthPx", f.width_px)?;
    let height = dimension("heightPx", f.height_px)?;
    let stride = f
        .stride_bytes
        .map(|s| dimension("strideBytes", s))
        .transpose()?;
    ImageLayout::new(width, height, stride, format)
}

fn params(o: &LetterboxOptions) -> KaranaResult<LetterboxParams> {
    let per_channel = |name, v: &Option<Vec<f64>>, default: f64| -> KaranaResult<[f64; 3]> {
        let t = v
            .as_deref()
            .map(|v| triple(name, v))
            .transpose()?
            .unwrap_or([default; 3]);
        for x in t {
            in_range(name, x, -1e9, 1e9)?;
        }
        Ok(t)
    };
    Ok(LetterboxParams {
        target_width: dimension("targetWidth", o.target_width)?,
        target_height: dimension("targetHeight", o.target_height)?,
        pad_value: in_range("padValue", o.pad_value.unwrap_or(114.0), 0.0, 255.0)?,
        order: match &o.channel_order {
            Some(s) => ChannelOrder::parse("channelOrder", s)?,
            None => ChannelOrder::Rgb,
        },
        mean: per_channel("mean", &o.mean, 0.0)?,
        scale: per_channel("scale", &o.scale, 1.0)?,
        align: match &o.align {
            Some(s) => Align::parse("align", s)?,
            None => Align::Center,
        },
    })
}

fn result(g: LetterboxGeometry, l: &ImageLayout, p: &LetterboxParams) -> LetterboxResult {
    LetterboxResult {
        scale: g.scale,
        pad_x: g.pad_x as u32,
        pad_y: g.pad_y as u32,
        resized_width: g.resized_width as u32,
        resized_height: g.resized_height as u32,
        source_width: l.width as u32,
        source_height: l.height as u32,
        target_width: p.target_width as u32,
        target_height: p.target_height as u32,
    }
}

/// Buffer checks, done before queuing the async twin so that it fails fast.
fn check_buffers(
    src: &[u8],
    l: &ImageLayout,
    p: &LetterboxParams,
    out: &[f32],
) -> KaranaResult<()> {
    l.check_buffer("src", src)?;
    require_len(
        "out",
        "floats",
        3 * p.target_width * p.target_height,
        out.len(),
    )?;
    require_disjoint("out", out, "src", src)
}

fn letterbox_into(
    src: &[u8],
    l: &ImageLayout,
    p: &LetterboxParams,
    out: &mut [f32],
) -> Result<LetterboxResult> {
    check_buffers(src, l, p, out)?;
    let g = run(src, l, p, out)?;
    Ok(result(g, l, p))
}

/// Letterboxes an 8-bit frame into a float32 NCHW tensor `[1, 3, targetHeight, targetWidth]`
/// (planes in `channelOrder`), on the calling thread.
///
/// Resize: bilinear, OpenCV `INTER_LINEAR` pixel centres (`src = (dst + 0.5) · srcLen / dstLen − 0.5`,
/// clamped at the edges) to `floor(w·r) × floor(h·r)`, `r = min(tw / w, th / h)` (YOLOX
/// `preproc`); values are not rounded to 8 bits. Padding and pixels alike get
/// `(v − mean[c]) · scale[c]`.
///
/// `src`: the frame's bytes; `out`: caller-owned, at least `3 · targetWidth · targetHeight` floats
/// (written in place, not shared with `src`). Throws `Error` naming the bad parameter and value,
/// e.g. `"out" must hold 519168 floats, got 1000`.
#[napi]
pub fn letterbox_sync(
    src: Uint8ArraySlice<'_>,
    frame: FrameLayout,
    options: LetterboxOptions,
    mut out: Float32ArraySlice<'_>,
) -> Result<LetterboxResult> {
    let (l, p) = (layout(&frame)?, params(&options)?);
    // SAFETY: the JS caller owns `out` and does not touch it during this synchronous call.
    letterbox_into(&src, &l, &p, unsafe { out.as_mut() })
}

/// The work of `letterbox` on the libuv thread pool.
pub struct LetterboxTask {
    src: Uint8Array,
    out: Float32Array,
    layout: ImageLayout,
    params: LetterboxParams,
}

#[napi]
impl Task for LetterboxTask {
    type Output = LetterboxResult;
    type JsValue = LetterboxResult;

    fn compute(&mut self) -> Result<LetterboxResult> {
        // SAFETY: the caller must not touch `out` until the promise settles (documented).
        let out = unsafe { self.out.as_mut() };
        letterbox_into(&self.src, &self.layout, &self.params, out)
    }

    fn resolve(&mut self, _env: Env, output: LetterboxResult) -> Result<LetterboxResult> {
        Ok(output)
    }
}

/// `letterboxSync` on the libuv thread pool: same arguments, resolves to the same result.
/// Arguments are checked before the work is queued; `src` and `out` must not be modified until
/// the promise settles.
#[napi(ts_return_type = "Promise<LetterboxResult>")]
pub fn letterbox(
    src: Uint8Array,
    frame: FrameLayout,
    options: LetterboxOptions,
    out: Float32Array,
) -> Result<AsyncTask<LetterboxTask>> {
    let (layout, params) = (layout(&frame)?, params(&options)?);
    check_buffers(&src, &layout, &params, &out)?;
    Ok(AsyncTask::new(LetterboxTask {
        src,
        out,
        layout,
        params,
    }))
}
