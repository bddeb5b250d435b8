//! YUYV (4:2:2) and NV12 (4:2:0) to RGB8 and GRAY8 with OpenCV's integer arithmetic.
//!
//! Source: OpenCV `modules/imgproc/src/color_yuv.simd.hpp` (`YUV422toRGB8Invoker`,
//! `YUV420sp2RGB8Invoker`), ITU-R BT.601 in "video range": with `Y' = max(0, Y − 16)`,
//! `u = U − 128`, `v = V − 128` and 20-bit constants `CY = 1220542` (1.164), `CVR = 1673527`
//! (1.596), `CVG = −852492` (−0.813), `CUG = −409993` (−0.391), `CUB = 2116026` (2.018):
//! `R = sat((Y'·CY + CVR·v + 2¹⁹) >> 20)`, `G = sat((Y'·CY + CVG·v + CUG·u + 2¹⁹) >> 20)`,
//! `B = sat((Y'·CY + CUB·u + 2¹⁹) >> 20)` (arithmetic shift; `sat` clamps to 0–255). In NV12
//! each U V pair serves a 2 × 2 block; in YUYV a horizontal pair.

use super::Target;
use crate::format::FrameLayout;

pub const CY: i32 = 1_220_542;
pub const CUB: i32 = 2_116_026;
pub const CUG: i32 = -409_993;
pub const CVG: i32 = -852_492;
pub const CVR: i32 = 1_673_527;
const SHIFT: u32 = 20;
const HALF: i32 = 1 << (SHIFT - 1);

/// The chroma terms of one U V pair (each with the rounding half added).
#[derive(Clone, Copy)]
struct Chroma {
    r: i32,
    g: i32,
    b: i32,
}

#[inline(always)]
fn chroma(u: u8, v: u8) -> Chroma {
    let (u, v) = (i32::from(u) - 128, i32::from(v) - 128);
    Chroma {
        r: HALF + CVR * v,
        g: HALF + CVG * v + CUG * u,
        b: HALF + CUB * u,
    }
}

#[inline(always)]
fn sat(x: i32) -> u8 {
    (x >> SHIFT).clamp(0, 255) as u8
}

/// One RGB pixel from a luma sample and its chroma terms.
#[inline(always)]
fn rgb(y: u8, c: Chroma, out: &mut [u8]) {
    let y = (i32::from(y) - 16).max(0) * CY;
    out[0] = sat(y + c.r);
    out[1] = sat(y + c.g);
    out[2] = sat(y + c.b);
}

/// One RGB pixel in an exact function form (for tests): `(Y, U, V)` → `[R, G, B]`.
pub fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let mut out = [0; 3];
    rgb(y, chroma(u, v), &mut out);
    out
}

/// A YUYV row (`Y0 U Y1 V` per pixel pair) to RGB8.
#[inline(always)]
pub fn yuyv_rgb_row(src: &[u8], dst: &mut [u8]) {
    for (d, s) in dst.chunks_exact_mut(6).zip(src.chunks_exact(4)) {
        let c = chroma(s[1], s[3]);
        rgb(s[0], c, &mut d[..3]);
        rgb(s[2], c, &mut d[3..]);
    }
}

/// A YUYV row to GRAY8: the Y samples.
#[inline(always)]
pub fn yuyv_gray_row(src: &[u8], dst: &mut [u8]) {
    for (d, s) in dst.iter_mut().zip(src.chunks_exact(2)) {
        *d = s[0];
    }
}

/// Pixels per block of the NV12 → YUYV staging buffer.
const BLOCK: usize = 1024;

/// One NV12 luma row with its `U V` row, to RGB8: staged as YUYV in blocks (on the stack), which
/// the compiler vectorizes better than the two-source loop.
#[inline(always)]
fn nv12_rgb_row(luma: &[u8], uv: &[u8], dst: &mut [u8]) {
    let mut staged = [0u8; 2 * BLOCK];
    let blocks = luma.chunks(BLOCK).zip(uv.chunks(BLOCK));
    for ((y, c), d) in blocks.zip(dst.chunks_mut(3 * BLOCK)) {
        let staged = &mut staged[..2 * y.len()];
        for ((s, y), c) in staged
            .chunks_exact_mut(4)
            .zip(y.chunks_exact(2))
            .zip(c.chunks_exact(2))
        {
            s.copy_from_slice(&[y[0], c[0], y[1], c[1]]);
        }
        yuyv_rgb_row(staged, d);
    }
}

/// The whole NV12 frame: luma copied for GRAY8; for RGB8 each luma row with its chroma row
/// (`y / 2`).
#[inline(always)]
pub fn nv12_rows(src: &[u8], l: &FrameLayout, target: Target, dst: &mut [u8], stride: usize) {
    let w = l.width;
    let row = |y: usize| &src[y * l.stride..y * l.stride + w];
    if target == Target::Gray8 {
        for y in 0..l.height {
            dst[y * stride..y * stride + w].copy_from_slice(row(y));
        }
        return;
    }
    for y in 0..l.height {
        let uv = row(l.height + y / 2);
        nv12_rgb_row(row(y), uv, &mut dst[y * stride..][..3 * w]);
    }
}
