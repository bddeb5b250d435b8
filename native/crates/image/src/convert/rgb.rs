//! Row kernels between the 8-bit RGB family and gray (OpenCV `cvtColor` arithmetic).

/// OpenCV's 15-bit BT.601 luma weights (`color.hpp`: `RY15`, `GY15`, `BY15`; 0.299, 0.587,
/// 0.114 · 32768 rounded, summing to 32768).
pub const RY15: u32 = 9798;
pub const GY15: u32 = 19235;
pub const BY15: u32 = 3735;

/// Luma of one R, G, B triple: `(9798·R + 19235·G + 3735·B + 2¹⁴) >> 15` (`COLOR_RGB2GRAY`).
#[inline(always)]
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * RY15 + u32::from(g) * GY15 + u32::from(b) * BY15 + (1 << 14)) >> 15) as u8
}

/// Gray from `BPP`-byte pixels with red at byte `R` and blue at byte `B` (green at 1).
#[inline(always)]
pub fn gray_row<const BPP: usize, const R: usize, const B: usize>(src: &[u8], dst: &mut [u8]) {
    for (d, p) in dst.iter_mut().zip(src.chunks_exact(BPP)) {
        *d = luma(p[R], p[1], p[B]);
    }
}

/// GRAY8 → RGB8: the value in all three channels.
#[inline(always)]
pub fn replicate_row(src: &[u8], dst: &mut [u8]) {
    for (d, &v) in dst.chunks_exact_mut(3).zip(src) {
        d.fill(v);
    }
}

/// BGR8 → RGB8.
#[inline(always)]
pub fn swap_row(src: &[u8], dst: &mut [u8]) {
    for (d, s) in dst.chunks_exact_mut(3).zip(src.chunks_exact(3)) {
        d.copy_from_slice(&[s[2], s[1], s[0]]);
    }
}

/// RGBA8 → RGB8.
#[inline(always)]
pub fn drop_alpha_row(src: &[u8], dst: &mut [u8]) {
    for (d, s) in dst.chunks_exact_mut(3).zip(src.chunks_exact(4)) {
        d.copy_from_slice(&s[..3]);
    }
}
