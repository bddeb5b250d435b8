//! The general colour letterbox kernel with AVX-512 (F + BW; x86-64 CPUs that have it, chosen at
//! run time), 16 resized pixels per step: the AVX2 kernel's data flow (`avx2.rs`) with the four
//! pixels `k, k + 4, k + 8, k + 12` of a block in the four 128-bit lanes, so each shuffle, widen,
//! dot product, conversion and blend handles twice the pixels. Same operations per value, so the
//! results are bit for bit those of `kernel.rs` (a unit test checks it).

use super::kernel::Row;
use super::plan::Plan;
use std::arch::x86_64::*;

/// `[v0, v1, v2, 0]` in each 128-bit lane.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx2,fma")]
fn per_channel(v: [f32; 3]) -> __m512 {
    _mm512_broadcast_f32x4(_mm_setr_ps(v[0], v[1], v[2], 0.0))
}

/// The 8 tap bytes of pixels at `o[0..4]` of `row` widened per channel and dotted with the
/// weights `w`: `[c0 c1 c2 c3]` of each pixel in its lane, as floats.
///
/// # Safety
/// 8 bytes at `row + o[i]` must be readable for each `i`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx2,fma")]
unsafe fn taps(row: *const u8, o: [usize; 4], mask: __m256i, w: __m512i) -> __m512 {
    // SAFETY: the caller guarantees 8 readable bytes at each offset.
    let bytes = unsafe {
        let pair = |a: usize, b: usize| {
            let lo = _mm_loadl_epi64(row.add(a).cast());
            _mm_castpd_si128(_mm_loadh_pd(_mm_castsi128_pd(lo), row.add(b).cast()))
        };
        _mm256_set_m128i(pair(o[2], o[3]), pair(o[0], o[1]))
    };
    let pairs = _mm512_cvtepu8_epi16(_mm256_shuffle_epi8(bytes, mask));
    _mm512_cvtepi32_ps(_mm512_madd_epi16(pairs, w))
}

/// The columns `0..16·⌊vector_columns / 16⌋` of a general (not exact-2×) colour row; returns
/// how many it wrote.
#[target_feature(enable = "avx512f,avx512bw,avx2,fma")]
pub fn color_row<const BPP: usize>(plan: &Plan, row: &mut Row<'_>) -> usize {
    let n = plan.vector_columns / 16 * 16;
    assert!(plan.offsets.len() >= n && plan.color_weights.len() >= n / 2);
    assert!(row.out.iter().all(|o| o.len() >= n));
    let z = -1i8;
    let m: [i8; 16] = if BPP == 4 {
        [0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15]
    } else {
        [0, 3, 1, 4, 2, 5, z, z, 8, 11, 9, 12, 10, 13, z, z]
    };
    // SAFETY: reads the 16 bytes of `m`.
    let mask = unsafe { _mm256_broadcastsi128_si256(_mm_loadu_si128(m.as_ptr().cast())) };
    let mut of = [0; 3];
    for (k, &s) in row.order.iter().enumerate() {
        of[s] = k;
    }
    let a = per_channel(of.map(|k| row.k.a[k]));
    let b = per_channel(of.map(|k| row.k.b[k]));
    let bias = per_channel(of.map(|k| row.k.bias[k]));
    let out = of.map(|k| row.out[k].as_mut_ptr());
    let (top, bottom) = (row.top.as_ptr(), row.bottom.as_ptr());
    let (offsets, weights) = (plan.offsets.as_ptr(), plan.color_weights.as_ptr());
    for block in (0..n).step_by(16) {
        let v = [0, 1, 2, 3].map(|k| {
            // SAFETY: `block + 15 < n` and `block / 2 + k + 4 < n / 2` (asserted lengths);
            // `vector_columns` guarantees `offset + 8 <= row length` in both rows; each weight
            // entry is 32 bytes (pixels `k`, `k + 4` of an 8-block: here the two 8-blocks).
            let (t, u) = unsafe {
                let o = [0, 4, 8, 12].map(|d| *offsets.add(block + k + d) as usize);
                let w0 = _mm256_loadu_si256(weights.add(block / 2 + k).cast());
                let w1 = _mm256_loadu_si256(weights.add(block / 2 + 4 + k).cast());
                let w = _mm512_inserti64x4::<1>(_mm512_castsi256_si512(w0), w1);
                (taps(top, o, mask, w), taps(bottom, o, mask, w))
            };
            _mm512_fmadd_ps(t, a, _mm512_fmadd_ps(u, b, bias))
        });
        let t0 = _mm512_unpacklo_ps(v[0], v[1]);
        let t1 = _mm512_unpacklo_ps(v[2], v[3]);
        let t2 = _mm512_unpackhi_ps(v[0], v[1]);
        let t3 = _mm512_unpackhi_ps(v[2], v[3]);
        let planes = [
            _mm512_shuffle_ps::<0x44>(t0, t1),
            _mm512_shuffle_ps::<0xEE>(t0, t1),
            _mm512_shuffle_ps::<0x44>(t2, t3),
        ];
        for (s, p) in planes.into_iter().enumerate() {
            // SAFETY: every output row holds at least `n >= block + 16` floats (asserted).
            unsafe { _mm512_storeu_ps(out[s].add(block), p) };
        }
    }
    n
}
