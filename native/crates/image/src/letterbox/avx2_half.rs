//! The exact-2× letterbox kernels with AVX2 + FMA (source exactly twice the resized size on both
//! axes: every output pixel is the mean of a 2 × 2 block), 8 resized pixels per step, bit for bit
//! the arithmetic of `kernel::half_tail`: `fma(p00 + p01 + p10 + p11, scale / 4, bias)`.
//!
//! Colour: per source row two 16-byte loads per 4 source pixels (`4·bpp` apart), bytes of
//! horizontal neighbours paired per channel (`vpshufb`) and summed (`vpmaddubsw` by 1), the two
//! rows added: 16-bit 4-sums `[c0 c1 c2 c3]` per pixel, widened, converted, normalized and
//! transposed to the planes. Gray: 16 source bytes per row, the same pairing.

use super::kernel::Row;
use super::plan::Plan;
use std::arch::x86_64::*;

/// `vpshufb` control putting each channel's two horizontal neighbours side by side, per 128-bit
/// lane of 4 source pixels (4th channel zero for RGB).
fn pair_mask(bpp: usize) -> __m256i {
    let z = -1i8;
    let m: [i8; 16] = if bpp == 4 {
        [0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15]
    } else {
        [0, 3, 1, 4, 2, 5, z, z, 6, 9, 7, 10, 8, 11, z, z]
    };
    // SAFETY: reads the 16 bytes of `m`.
    unsafe { _mm256_broadcastsi128_si256(_mm_loadu_si128(m.as_ptr().cast())) }
}

/// `[v0, v1, v2, 0]` in both 128-bit lanes.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn per_channel(v: [f32; 3]) -> __m256 {
    _mm256_setr_ps(v[0], v[1], v[2], 0.0, v[0], v[1], v[2], 0.0)
}

/// Horizontal pair sums of 8 source pixels at `p` (lanes: pixels 0–3 at `p`, 4–7 at
/// `p + 4·bpp`): `[s0 s1 s2 s3 s0' s1' s2' s3' | …]` as 16-bit, output pixels 0, 1 | 2, 3.
///
/// # Safety
/// 16 bytes at `p` and at `p + 4·bpp` must be readable.
#[inline]
#[target_feature(enable = "avx2,fma")]
unsafe fn pair_sums(p: *const u8, bpp: usize, mask: __m256i) -> __m256i {
    // SAFETY: the caller guarantees both 16-byte loads.
    let v = unsafe { _mm256_loadu2_m128i(p.add(4 * bpp).cast(), p.cast()) };
    _mm256_maddubs_epi16(_mm256_shuffle_epi8(v, mask), _mm256_set1_epi8(1))
}

/// Columns `0..plan.half_vector_columns` of an exact-2× colour row (`BPP` 3 or 4).
#[target_feature(enable = "avx2,fma")]
pub fn color_row<const BPP: usize>(plan: &Plan, row: &mut Row<'_>) {
    let n = plan.half_vector_columns;
    let last_load_end = |len: usize| n == 0 || 2 * BPP * (n - 8) + 12 * BPP + 16 <= len;
    assert!(last_load_end(row.top.len()) && last_load_end(row.bottom.len()));
    assert!(row.out.iter().all(|o| o.len() >= n));
    let mask = pair_mask(BPP);
    let mut of = [0; 3];
    for (k, &s) in row.order.iter().enumerate() {
        of[s] = k;
    }
    let q = per_channel(of.map(|k| row.k.a[k]));
    let bias = per_channel(of.map(|k| row.k.bias[k]));
    let out = of.map(|k| row.out[k].as_mut_ptr());
    let (top, bottom) = (row.top.as_ptr(), row.bottom.as_ptr());
    let zero = _mm256_setzero_si256();
    for block in (0..n).step_by(8) {
        let base = 2 * BPP * block;
        // SAFETY: `half_vector_columns` guarantees every 16-byte load of the block (up to
        // `base + 12·bpp + 16`) is inside both rows.
        let [s0, s1] = unsafe {
            [0, 8 * BPP].map(|o| {
                let t = pair_sums(top.add(base + o), BPP, mask);
                _mm256_add_epi16(t, pair_sums(bottom.add(base + o), BPP, mask))
            })
        };
        // Pixels [0 | 2], [1 | 3], [4 | 6], [5 | 7] as floats, normalized.
        let v = [
            _mm256_unpacklo_epi16(s0, zero),
            _mm256_unpackhi_epi16(s0, zero),
            _mm256_unpacklo_epi16(s1, zero),
            _mm256_unpackhi_epi16(s1, zero),
        ]
        .map(|x| _mm256_fmadd_ps(_mm256_cvtepi32_ps(x), q, bias));
        let t0 = _mm256_unpacklo_ps(v[0], v[1]);
        let t1 = _mm256_unpacklo_ps(v[2], v[3]);
        let t2 = _mm256_unpackhi_ps(v[0], v[1]);
        let t3 = _mm256_unpackhi_ps(v[2], v[3]);
        // Lanes hold pixels [0 1 4 5 | 2 3 6 7]: reorder the 64-bit pairs to 0 1 2 3 4 5 6 7.
        let planes = [
            _mm256_shuffle_ps::<0x44>(t0, t1),
            _mm256_shuffle_ps::<0xEE>(t0, t1),
            _mm256_shuffle_ps::<0x44>(t2, t3),
        ]
        .map(|p| _mm256_castpd_ps(_mm256_permute4x64_pd::<0xD8>(_mm256_castps_pd(p))));
        for (s, p) in planes.into_iter().enumerate() {
            // SAFETY: every output row holds at least `n >= block + 8` floats (asserted).
            unsafe { _mm256_storeu_ps(out[s].add(block), p) };
        }
    }
}

/// Columns `0..plan.half_vector_columns` of an exact-2× gray row.
#[target_feature(enable = "avx2,fma")]
pub fn gray_row(plan: &Plan, row: &mut Row<'_>) {
    let n = plan.half_vector_columns;
    assert!(2 * n <= row.top.len() && 2 * n <= row.bottom.len());
    assert!(row.out.iter().all(|o| o.len() >= n));
    let q = row.k.a.map(|v| _mm256_set1_ps(v));
    let bias = row.k.bias.map(|v| _mm256_set1_ps(v));
    let out = [0, 1, 2].map(|k| row.out[k].as_mut_ptr());
    let ones = _mm_set1_epi8(1);
    let (top, bottom) = (row.top.as_ptr(), row.bottom.as_ptr());
    for block in (0..n).step_by(8) {
        // SAFETY: `2·(block + 8) <= 2n <= row length` (asserted): 16 bytes in each row.
        let sum = unsafe {
            let t = _mm_maddubs_epi16(_mm_loadu_si128(top.add(2 * block).cast()), ones);
            let b = _mm_maddubs_epi16(_mm_loadu_si128(bottom.add(2 * block).cast()), ones);
            _mm256_cvtepi32_ps(_mm256_cvtepu16_epi32(_mm_add_epi16(t, b)))
        };
        for k in 0..3 {
            // SAFETY: every output row holds at least `n >= block + 8` floats (asserted).
            unsafe { _mm256_storeu_ps(out[k].add(block), _mm256_fmadd_ps(sum, q[k], bias[k])) };
        }
    }
}
