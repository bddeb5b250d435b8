//! AVX2 versions of the byte-shuffling row kernels the compiler does not vectorize (x86-64; the
//! portable versions are in `rgb.rs`, and a test checks that both give the same bytes).

use std::arch::x86_64::*;

/// RGBA8 → RGB8, 16 source bytes (4 pixels) per step.
#[target_feature(enable = "avx2")]
pub fn drop_alpha_row(src: &[u8], dst: &mut [u8]) {
    let keep = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    // Each step stores 16 bytes of which 12 are pixels: only while 16 fit in `dst`.
    let steps = (src.len() / 16).min(dst.len().saturating_sub(4) / 12);
    let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
    for k in 0..steps {
        // SAFETY: `16·k + 16 <= src.len()` and `12·k + 16 <= dst.len()` (`steps`); unaligned.
        unsafe {
            let v = _mm_loadu_si128(s.add(16 * k).cast());
            _mm_storeu_si128(d.add(12 * k).cast(), _mm_shuffle_epi8(v, keep));
        }
    }
    super::rgb::drop_alpha_row(&src[16 * steps..], &mut dst[12 * steps..]);
}

/// GRAY8 → RGB8, 16 pixels per step.
#[target_feature(enable = "avx2")]
pub fn replicate_row(src: &[u8], dst: &mut [u8]) {
    let masks = [
        _mm_setr_epi8(0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5),
        _mm_setr_epi8(5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10),
        _mm_setr_epi8(
            10, 11, 11, 11, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15,
        ),
    ];
    let mut i = 0;
    while i + 16 <= src.len() {
        let s = &src[i..i + 16];
        let d = &mut dst[3 * i..3 * i + 48];
        // SAFETY: `s` holds 16 bytes and `d` 48; unaligned loads and stores.
        unsafe {
            let v = _mm_loadu_si128(s.as_ptr().cast());
            for (k, m) in masks.iter().enumerate() {
                _mm_storeu_si128(d[16 * k..].as_mut_ptr().cast(), _mm_shuffle_epi8(v, *m));
            }
        }
        i += 16;
    }
    super::rgb::replicate_row(&src[i..], &mut dst[3 * i..]);
}
