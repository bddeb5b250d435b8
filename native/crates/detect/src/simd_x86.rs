//! AVX2 kernels (x86-64, chosen at run time by `Decoder`): the column maximum / argmax of the
//! channels-first pass and the NMS screen. Each computes exactly what its portable twin in
//! `classmax` / `nms` computes, lane by lane (`maxps(v, m)` is `v > m ? v : m`, `minps(a, b)`
//! is `a < b ? a : b`, NaN included); `decoder` tests check that both paths agree.
//!
//! Intrinsics rather than auto-vectorization: LLVM turns the accumulator update into a masked
//! store (`vmaskmovps`, microcoded on AMD CPUs: 7× slower here) or leaves the screen scalar.

use super::classmax::COLUMNS;
use std::arch::x86_64::*;

const VECTORS: usize = COLUMNS / 8;

/// Checks that `planes` holds `COLUMNS` floats at `c · stride` for every class.
fn check_planes(planes: &[f32], stride: usize, classes: usize) {
    assert!(classes == 0 || planes.len() >= (classes - 1) * stride + COLUMNS);
}

/// `classmax::column_max` on AVX2.
#[target_feature(enable = "avx2")]
pub fn column_max(planes: &[f32], stride: usize, classes: usize) -> [f32; COLUMNS] {
    check_planes(planes, stride, classes);
    let mut m = [_mm256_set1_ps(f32::NEG_INFINITY); VECTORS];
    for c in 0..classes {
        // SAFETY: c · stride + COLUMNS ≤ planes.len() (checked above).
        let row = unsafe { planes.as_ptr().add(c * stride) };
        for (k, mk) in m.iter_mut().enumerate() {
            // SAFETY: within the row checked above; unaligned load.
            let v = unsafe { _mm256_loadu_ps(row.add(8 * k)) };
            *mk = _mm256_max_ps(v, *mk);
        }
    }
    let mut out = [0f32; COLUMNS];
    for (k, mk) in m.iter().enumerate() {
        // SAFETY: 8 floats at 8·k < COLUMNS.
        unsafe { _mm256_storeu_ps(out.as_mut_ptr().add(8 * k), *mk) };
    }
    out
}

/// `classmax::column_argmax` on AVX2.
#[target_feature(enable = "avx2")]
pub fn column_argmax(
    planes: &[f32],
    stride: usize,
    classes: usize,
) -> ([f32; COLUMNS], [u32; COLUMNS]) {
    check_planes(planes, stride, classes);
    let mut m = [_mm256_set1_ps(f32::NEG_INFINITY); VECTORS];
    let mut a = [_mm256_setzero_ps(); VECTORS];
    for c in 0..classes {
        // SAFETY: c · stride + COLUMNS ≤ planes.len() (checked above).
        let row = unsafe { planes.as_ptr().add(c * stride) };
        let class = _mm256_castsi256_ps(_mm256_set1_epi32(c as i32));
        for k in 0..VECTORS {
            // SAFETY: within the row checked above; unaligned load.
            let v = unsafe { _mm256_loadu_ps(row.add(8 * k)) };
            let better = _mm256_cmp_ps::<_CMP_GT_OQ>(v, m[k]);
            m[k] = _mm256_blendv_ps(m[k], v, better);
            a[k] = _mm256_blendv_ps(a[k], class, better);
        }
    }
    let (mut max, mut arg) = ([0f32; COLUMNS], [0u32; COLUMNS]);
    for k in 0..VECTORS {
        // SAFETY: 8 lanes at 8·k < COLUMNS in both arrays.
        unsafe {
            _mm256_storeu_ps(max.as_mut_ptr().add(8 * k), m[k]);
            _mm256_storeu_ps(arg.as_mut_ptr().add(8 * k).cast(), a[k]);
        }
    }
    (max, arg)
}

/// `kept::Kept::screen` on AVX2: bit `l` set when lane `l` of the kept boxes (`x1, y1, x2, y2`,
/// 8 lanes each) intersects `b`.
#[target_feature(enable = "avx2")]
pub fn screen(k: [&[f32]; 4], b: [f32; 4]) -> u32 {
    assert!(k.iter().all(|s| s.len() >= 8));
    // SAFETY: every slice holds at least 8 lanes (checked above); unaligned loads.
    let [x1, y1, x2, y2] = k.map(|s| unsafe { _mm256_loadu_ps(s.as_ptr()) });
    let ix = _mm256_cmp_ps::<_CMP_GT_OQ>(
        _mm256_min_ps(x2, _mm256_set1_ps(b[2])),
        _mm256_max_ps(x1, _mm256_set1_ps(b[0])),
    );
    let iy = _mm256_cmp_ps::<_CMP_GT_OQ>(
        _mm256_min_ps(y2, _mm256_set1_ps(b[3])),
        _mm256_max_ps(y1, _mm256_set1_ps(b[1])),
    );
    _mm256_movemask_ps(_mm256_and_ps(ix, iy)) as u32
}
