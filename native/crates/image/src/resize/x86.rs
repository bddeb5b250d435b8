//! The horizontal pass of the separable resize with AVX2 (x86-64): `H = S[s]·a0 + S[s + 1]·a1`
//! per value, exact integers (`vpmaddwd` of the two tap bytes, widened, with the 11-bit weight
//! pair), the same values as the scalar loop of `linear.rs` (a unit test checks it).

use std::arch::x86_64::*;

/// The two bytes at `row + offset` as one 16-bit lane.
///
/// # Safety
/// `row + offset .. row + offset + 2` must be readable.
#[inline]
unsafe fn pair(row: *const u8, offset: i32) -> i32 {
    // SAFETY: the caller guarantees 2 readable bytes; unaligned read.
    i32::from(unsafe { row.add(offset as usize).cast::<u16>().read_unaligned() })
}

/// Horizontal taps of the columns in `first` (left tap pixel) with weights `packed`
/// (`a0 | a1 << 16`) into `out` (`CN` values per column), as many leading columns as whole steps
/// allow (8 for gray, 2 for colour); returns that count.
///
/// # Safety
/// Every column's two taps must be loadable as 2 (gray) or 8 (colour) bytes at `first · CN`
/// inside `src` (the plan's `vector_columns` guarantee it, checked once when it is built).
#[target_feature(enable = "avx2")]
pub unsafe fn horizontal<const CN: usize>(
    src: &[u8],
    first: &[i32],
    packed: &[i32],
    out: &mut [i32],
) -> usize {
    let n = first.len().min(packed.len());
    assert!(out.len() > CN * n);
    let (row, o) = (src.as_ptr(), out.as_mut_ptr());
    if CN == 1 {
        let steps = n / 8;
        for k in 0..steps {
            let i = 8 * k;
            // SAFETY: the caller guarantees every 2-byte load; the assert bounds the 8 `i32` at
            // `out + i`.
            unsafe {
                let mut v = _mm_setzero_si128();
                v = _mm_insert_epi16::<0>(v, pair(row, first[i]));
                v = _mm_insert_epi16::<1>(v, pair(row, first[i + 1]));
                v = _mm_insert_epi16::<2>(v, pair(row, first[i + 2]));
                v = _mm_insert_epi16::<3>(v, pair(row, first[i + 3]));
                v = _mm_insert_epi16::<4>(v, pair(row, first[i + 4]));
                v = _mm_insert_epi16::<5>(v, pair(row, first[i + 5]));
                v = _mm_insert_epi16::<6>(v, pair(row, first[i + 6]));
                v = _mm_insert_epi16::<7>(v, pair(row, first[i + 7]));
                let w = _mm256_loadu_si256(packed.as_ptr().add(i).cast());
                let h = _mm256_madd_epi16(_mm256_cvtepu8_epi16(v), w);
                _mm256_storeu_si256(o.add(i).cast(), h);
            }
        }
        return 8 * steps;
    }
    let z = -1i8;
    let m: [i8; 16] = if CN == 4 {
        [0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15]
    } else {
        [0, 3, 1, 4, 2, 5, z, z, 8, 11, 9, 12, 10, 13, z, z]
    };
    // SAFETY: reads the 16 bytes of `m`.
    let mask = unsafe { _mm_loadu_si128(m.as_ptr().cast()) };
    let steps = n / 2;
    for k in 0..steps {
        let i = 2 * k;
        // SAFETY: the caller guarantees both 8-byte loads; the assert bounds the stores:
        // `4i + 8 ≤ 4n < len` for CN 4, and the two 4-value stores at `3i` and `3i + 3` end
        // before `3i + 7 ≤ 3n + 1 ≤ len`.
        unsafe {
            let lo = _mm_loadl_epi64(row.add(first[i] as usize * CN).cast());
            let bytes = _mm_castpd_si128(_mm_loadh_pd(
                _mm_castsi128_pd(lo),
                row.add(first[i + 1] as usize * CN).cast(),
            ));
            let w = _mm256_set_m128i(_mm_set1_epi32(packed[i + 1]), _mm_set1_epi32(packed[i]));
            let h = _mm256_madd_epi16(_mm256_cvtepu8_epi16(_mm_shuffle_epi8(bytes, mask)), w);
            if CN == 4 {
                _mm256_storeu_si256(o.add(4 * i).cast(), h);
            } else {
                _mm_storeu_si128(o.add(3 * i).cast(), _mm256_castsi256_si128(h));
                _mm_storeu_si128(o.add(3 * i + 3).cast(), _mm256_extracti128_si256::<1>(h));
            }
        }
    }
    2 * steps
}

/// 2 × 2 box average of RGBA8 (`(a + b + c + d + 2) >> 2`, OpenCV `ResizeAreaFastVec`) for as
/// many leading output pixels as whole steps of 8 allow; returns that count. `top` and `bottom`
/// are the two source rows, `out` the output row.
#[target_feature(enable = "avx2")]
pub fn halve_rgba(top: &[u8], bottom: &[u8], out: &mut [u8]) -> usize {
    let steps = (out.len() / 32).min(top.len() / 64).min(bottom.len() / 64);
    let m: [i8; 16] = [0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15];
    // SAFETY: reads the 16 bytes of `m`.
    let mask = unsafe { _mm256_broadcastsi128_si256(_mm_loadu_si128(m.as_ptr().cast())) };
    let (ones, two) = (_mm256_set1_epi8(1), _mm256_set1_epi16(2));
    let sums = |p: *const u8| {
        // SAFETY (at the call sites): 32 readable bytes at `p`.
        let v = unsafe { _mm256_loadu_si256(p.cast()) };
        _mm256_maddubs_epi16(_mm256_shuffle_epi8(v, mask), ones)
    };
    for k in 0..steps {
        // SAFETY: `64k + 64 ≤` both row lengths and `32k + 32 ≤ out.len()` (`steps`).
        unsafe {
            let (t, b) = (top.as_ptr().add(64 * k), bottom.as_ptr().add(64 * k));
            // Output pixels [0 1 | 2 3] and [4 5 | 6 7] as 16-bit sums.
            let lo = _mm256_add_epi16(_mm256_add_epi16(sums(t), sums(b)), two);
            let hi = _mm256_add_epi16(_mm256_add_epi16(sums(t.add(32)), sums(b.add(32))), two);
            let packed =
                _mm256_packus_epi16(_mm256_srli_epi16::<2>(lo), _mm256_srli_epi16::<2>(hi));
            let ordered = _mm256_permute4x64_epi64::<0xD8>(packed);
            _mm256_storeu_si256(out.as_mut_ptr().add(32 * k).cast(), ordered);
        }
    }
    8 * steps
}
