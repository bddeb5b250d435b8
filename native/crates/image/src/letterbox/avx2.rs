//! The general letterbox row kernels with AVX2 + FMA intrinsics (x86-64, chosen at run time), 8
//! resized pixels per step; the same arithmetic as `kernel.rs`, bit for bit (a unit test checks
//! it). Hardware gathers (`vpgatherdq` / `vpgatherdd`) were tried for the tap loads and were
//! slower on the AMD EPYC measured than plain loads.

use super::kernel::Row;
use super::plan::Plan;
use std::arch::x86_64::*;

/// Per source channel (0, 1, 2 of a pixel's bytes): the output plane that reads it.
fn plane_of(order: [usize; 3]) -> [usize; 3] {
    let mut of = [0; 3];
    for (k, &s) in order.iter().enumerate() {
        of[s] = k;
    }
    of
}

/// `vpshufb` control pairing the bytes of the two taps per channel (4th channel zero for RGB).
fn pair_mask(bpp: usize) -> __m128i {
    let z = -1i8;
    let m: [i8; 16] = if bpp == 4 {
        [0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15]
    } else {
        [0, 3, 1, 4, 2, 5, z, z, 8, 11, 9, 12, 10, 13, z, z]
    };
    // SAFETY: reads the 16 bytes of `m`; AVX2 implies SSE2.
    unsafe { _mm_loadu_si128(m.as_ptr().cast()) }
}

/// `[v0, v1, v2, 0]` in both 128-bit lanes.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn per_channel(v: [f32; 3]) -> __m256 {
    _mm256_setr_ps(v[0], v[1], v[2], 0.0, v[0], v[1], v[2], 0.0)
}

/// The columns `0..plan.vector_columns` of a colour row (`BPP` 3 or 4): per pixel pair `k`,
/// `k + 4` of a block of 8, the 8 tap bytes of each (`vmovq` / `vmovhps`) per source row, paired
/// per channel (`vpshufb`), widened (`vpmovzxbw`) and dotted with the 14-bit weights
/// (`vpmaddwd`) into `[c0 c1 c2 c3 | …]`; blended and normalized as floats, then transposed
/// in-lane to the three planes.
#[target_feature(enable = "avx2,fma")]
pub fn color_row<const BPP: usize>(plan: &Plan, row: &mut Row<'_>) {
    let n = plan.vector_columns;
    assert!(plan.offsets.len() >= n && plan.color_weights.len() >= n / 2);
    assert!(row.out.iter().all(|o| o.len() >= n));
    let mask = pair_mask(BPP);
    let of = plane_of(row.order);
    let a = per_channel(of.map(|k| row.k.a[k]));
    let b = per_channel(of.map(|k| row.k.b[k]));
    let bias = per_channel(of.map(|k| row.k.bias[k]));
    let out = of.map(|k| row.out[k].as_mut_ptr());
    let (top, bottom) = (row.top.as_ptr(), row.bottom.as_ptr());
    let (offsets, weights) = (plan.offsets.as_ptr(), plan.color_weights.as_ptr());
    for block in (0..n).step_by(8) {
        let v = [0, 1, 2, 3].map(|k| {
            // SAFETY: `block + k + 4 < n` and `block / 2 + k < n / 2` (asserted lengths);
            // `vector_columns` guarantees `offset + 8 <= row length` for both rows; the weight
            // entry is 32 bytes; all loads are unaligned.
            let (t, u) = unsafe {
                let o0 = *offsets.add(block + k) as usize;
                let o1 = *offsets.add(block + k + 4) as usize;
                let w = _mm256_loadu_si256(weights.add(block / 2 + k).cast());
                (taps(top, o0, o1, mask, w), taps(bottom, o0, o1, mask, w))
            };
            _mm256_fmadd_ps(t, a, _mm256_fmadd_ps(u, b, bias))
        });
        for (s, plane) in planes(v).into_iter().enumerate() {
            // SAFETY: every output row holds at least `n >= block + 8` floats (asserted).
            unsafe { _mm256_storeu_ps(out[s].add(block), plane) };
        }
    }
}

/// Horizontal taps of pixels at byte offsets `o0` (low lane) and `o1` (high lane) of `row`:
/// `[c0 c1 c2 c3 | c0' c1' c2' c3']` as floats, of `2¹⁴`.
///
/// # Safety
/// `row + o0 .. row + o0 + 8` and `row + o1 .. row + o1 + 8` must be readable.
#[inline]
#[target_feature(enable = "avx2,fma")]
unsafe fn taps(row: *const u8, o0: usize, o1: usize, mask: __m128i, w: __m256i) -> __m256 {
    // SAFETY: the caller guarantees 8 readable bytes at both offsets.
    let bytes = unsafe {
        let lo = _mm_loadl_epi64(row.add(o0).cast());
        _mm_castpd_si128(_mm_loadh_pd(_mm_castsi128_pd(lo), row.add(o1).cast()))
    };
    let pairs = _mm256_cvtepu8_epi16(_mm_shuffle_epi8(bytes, mask));
    _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, w))
}

/// In-lane 4 × 4 transposes of 4 pixel vectors `[c0 c1 c2 c3 | …]` (pixels `k`, `k + 4`) into
/// the first three channels over 8 consecutive pixels.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn planes(h: [__m256; 4]) -> [__m256; 3] {
    let t0 = _mm256_unpacklo_ps(h[0], h[1]);
    let t1 = _mm256_unpacklo_ps(h[2], h[3]);
    let t2 = _mm256_unpackhi_ps(h[0], h[1]);
    let t3 = _mm256_unpackhi_ps(h[2], h[3]);
    [
        _mm256_shuffle_ps::<0x44>(t0, t1),
        _mm256_shuffle_ps::<0xEE>(t0, t1),
        _mm256_shuffle_ps::<0x44>(t2, t3),
    ]
}

/// The two tap bytes at `row + offset` as one 16-bit lane.
///
/// # Safety
/// `row + offset .. row + offset + 2` must be readable.
#[inline]
unsafe fn pair(row: *const u8, offset: u32) -> i32 {
    // SAFETY: the caller guarantees 2 readable bytes; unaligned read.
    i32::from(unsafe { row.add(offset as usize).cast::<u16>().read_unaligned() })
}

/// The columns `0..plan.vector_columns` of a gray row: the 2 tap bytes of each of 8 pixels per
/// source row (`vpinsrw`; `vpgatherdd` was slower on the AMD EPYC measured), widened, dotted with
/// the 14-bit weights, blended and normalized.
#[target_feature(enable = "avx2,fma")]
pub fn gray_row(plan: &Plan, row: &mut Row<'_>) {
    let n = plan.vector_columns;
    assert!(plan.offsets.len() >= n && plan.gray_weights.len() >= n);
    assert!(row.out.iter().all(|o| o.len() >= n));
    let a = row.k.a.map(|v| _mm256_set1_ps(v));
    let b = row.k.b.map(|v| _mm256_set1_ps(v));
    let bias = row.k.bias.map(|v| _mm256_set1_ps(v));
    let out = [0, 1, 2].map(|k| row.out[k].as_mut_ptr());
    let (top, bottom) = (row.top.as_ptr(), row.bottom.as_ptr());
    let (offsets, weights) = (plan.offsets.as_ptr(), plan.gray_weights.as_ptr());
    for block in (0..n).step_by(8) {
        // SAFETY: `block + 8 <= n` (asserted lengths); `vector_columns` guarantees
        // `offset + 4 <= row length`, so every 2-byte load is inside both rows.
        let (t, u) = unsafe {
            let w = _mm256_loadu_si256(weights.add(block).cast());
            let pairs = |row: *const u8| {
                let mut v = _mm_setzero_si128();
                v = _mm_insert_epi16::<0>(v, pair(row, *offsets.add(block)));
                v = _mm_insert_epi16::<1>(v, pair(row, *offsets.add(block + 1)));
                v = _mm_insert_epi16::<2>(v, pair(row, *offsets.add(block + 2)));
                v = _mm_insert_epi16::<3>(v, pair(row, *offsets.add(block + 3)));
                v = _mm_insert_epi16::<4>(v, pair(row, *offsets.add(block + 4)));
                v = _mm_insert_epi16::<5>(v, pair(row, *offsets.add(block + 5)));
                v = _mm_insert_epi16::<6>(v, pair(row, *offsets.add(block + 6)));
                v = _mm_insert_epi16::<7>(v, pair(row, *offsets.add(block + 7)));
                _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_cvtepu8_epi16(v), w))
            };
            (pairs(top), pairs(bottom))
        };
        for k in 0..3 {
            let v = _mm256_fmadd_ps(t, a[k], _mm256_fmadd_ps(u, b[k], bias[k]));
            // SAFETY: every output row holds at least `n >= block + 8` floats (asserted).
            unsafe { _mm256_storeu_ps(out[k].add(block), v) };
        }
    }
}
