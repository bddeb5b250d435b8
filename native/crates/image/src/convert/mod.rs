//! Pixel-format conversion to GRAY8 or RGB8, bit-exact with OpenCV `cv::cvtColor` (5.0):
//!
//! - RGB8 / BGR8 / RGBA8 → GRAY8: `COLOR_RGB2GRAY` (`BGR2GRAY`, `RGBA2GRAY`): BT.601 luma with
//!   OpenCV's 15-bit fixed-point weights, `Y = (9798·R + 19235·G + 3735·B + 2¹⁴) >> 15`
//!   (0.299, 0.587, 0.114 rounded to 1/32768);
//! - YUYV / NV12 → RGB8: `COLOR_YUV2RGB_YUYV` / `COLOR_YUV2RGB_NV12`: BT.601 "video range"
//!   (Y 16–235, U/V 16–240) with OpenCV's 20-bit constants (see [`yuv`]);
//! - YUYV / NV12 → GRAY8: `COLOR_YUV2GRAY_YUYV` / `COLOR_YUV2GRAY_NV12`: the Y samples as they
//!   are (no range expansion);
//! - GRAY8 → RGB8: the value replicated (`COLOR_GRAY2RGB`); RGB8 → RGB8 a copy; BGR8 → RGB8 a
//!   swap; RGBA8 → RGB8 drops alpha.
//!
//! Checked against OpenCV on every input value (all 2²⁴ RGB triples and Y, U, V triples, in
//! `test/native/image-convert.test.ts`), and on real frames.

mod rgb;
#[cfg(target_arch = "x86_64")]
mod x86;
pub mod yuv;

use crate::format::{output_bytes, FrameLayout, InputFormat};
use karana_core::error::{invalid, require_disjoint, require_len, KaranaResult};

/// What to convert to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Gray8,
    Rgb8,
}

impl Target {
    /// Parses `"GRAY8"` / `"RGB8"`.
    pub fn parse(name: &'static str, value: &str) -> KaranaResult<Self> {
        match value {
            "GRAY8" => Ok(Self::Gray8),
            "RGB8" => Ok(Self::Rgb8),
            other => Err(invalid(
                name,
                "\"GRAY8\" or \"RGB8\"",
                format!("\"{other}\""),
            )),
        }
    }

    /// The JS name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gray8 => "GRAY8",
            Self::Rgb8 => "RGB8",
        }
    }

    /// Bytes per output pixel.
    pub fn channels(self) -> usize {
        match self {
            Self::Gray8 => 1,
            Self::Rgb8 => 3,
        }
    }
}

/// Checks `dst` for a `layout`-sized image of `target` pixels with rows `dst_stride` apart
/// (`None`: packed), returning the stride.
///
/// Errors: `"outStrideBytes"` shorter than a row, `"out"` too short or sharing memory with `"src"`.
pub fn check_output(
    src: &[u8],
    layout: &FrameLayout,
    target: Target,
    dst: &[u8],
    dst_stride: Option<usize>,
) -> KaranaResult<usize> {
    let row = layout.width * target.channels();
    let stride = dst_stride.unwrap_or(row);
    if stride < row {
        return Err(invalid(
            "outStrideBytes",
            format!(
                "at least {row} ({} {} pixels)",
                layout.width,
                target.as_str()
            ),
            stride,
        ));
    }
    let needed = output_bytes(layout.width, layout.height, target.channels(), stride);
    require_len("out", "bytes", needed, dst.len())?;
    require_disjoint("out", dst, "src", src)?;
    Ok(stride)
}

/// Converts `src` (laid out as `layout`) to `target` pixels in `dst`, rows `dst_stride` bytes
/// apart (`None`: packed), with OpenCV `cvtColor` arithmetic (module docs).
///
/// Errors: `"src"` too short, `"out"` too short or sharing memory with `"src"`,
/// `"outStrideBytes"` shorter than a row.
pub fn convert(
    src: &[u8],
    layout: &FrameLayout,
    target: Target,
    dst: &mut [u8],
    dst_stride: Option<usize>,
) -> KaranaResult<()> {
    layout.check_buffer("src", src)?;
    let stride = check_output(src, layout, target, dst, dst_stride)?;
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, the only feature the function is compiled for.
        unsafe { convert_avx2(src, layout, target, dst, stride) };
        return Ok(());
    }
    convert_rows::<false>(src, layout, target, dst, stride);
    Ok(())
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn convert_avx2(src: &[u8], l: &FrameLayout, target: Target, dst: &mut [u8], stride: usize) {
    convert_rows::<true>(src, l, target, dst, stride);
}

/// The row loop; the row kernels are written for the compiler to vectorize (SSE2 / NEON
/// baseline, AVX2 through [`convert_avx2`]); with `AVX2` (only from [`convert_avx2`]) the byte
/// shuffles use the intrinsics of `x86.rs`.
#[inline(always)]
pub(crate) fn convert_rows<const AVX2: bool>(
    src: &[u8],
    l: &FrameLayout,
    target: Target,
    dst: &mut [u8],
    stride: usize,
) {
    let out_row = l.width * target.channels();
    if l.format == InputFormat::Nv12 {
        return yuv::nv12_rows(src, l, target, dst, stride);
    }
    for y in 0..l.height {
        let s = &src[y * l.stride..y * l.stride + l.row_bytes()];
        let d = &mut dst[y * stride..y * stride + out_row];
        match (l.format, target) {
            (InputFormat::Yuyv, Target::Rgb8) => yuv::yuyv_rgb_row(s, d),
            (InputFormat::Yuyv, Target::Gray8) => yuv::yuyv_gray_row(s, d),
            (InputFormat::Gray8, Target::Gray8) | (InputFormat::Rgb8, Target::Rgb8) => {
                d.copy_from_slice(s)
            }
            (InputFormat::Gray8, Target::Rgb8) => replicate_row::<AVX2>(s, d),
            (InputFormat::Rgb8, Target::Gray8) => rgb::gray_row::<3, 0, 2>(s, d),
            (InputFormat::Bgr8, Target::Gray8) => rgb::gray_row::<3, 2, 0>(s, d),
            (InputFormat::Rgba8, Target::Gray8) => rgb::gray_row::<4, 0, 2>(s, d),
            (InputFormat::Bgr8, Target::Rgb8) => rgb::swap_row(s, d),
            (InputFormat::Rgba8, Target::Rgb8) => drop_alpha_row::<AVX2>(s, d),
            (InputFormat::Nv12, _) => unreachable!("NV12 handled above"),
        }
    }
}

#[inline(always)]
fn replicate_row<const AVX2: bool>(s: &[u8], d: &mut [u8]) {
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        // SAFETY: `AVX2` is true only inside `convert_avx2`, reached when the CPU has AVX2.
        return unsafe { x86::replicate_row(s, d) };
    }
    rgb::replicate_row(s, d)
}

#[inline(always)]
fn drop_alpha_row<const AVX2: bool>(s: &[u8], d: &mut [u8]) {
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        // SAFETY: as in `replicate_row`.
        return unsafe { x86::drop_alpha_row(s, d) };
    }
    rgb::drop_alpha_row(s, d)
}

#[cfg(test)]
mod tests;
