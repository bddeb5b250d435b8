//! The per-anchor maximum over class scores, which is most of the decode time (`N · C` floats:
//! 672,000 for an 8400×84 output), written so that it vectorizes: the NaN-ignoring
//! `if v > m { v } else { m }` is exactly `maxps(v, m)` on x86 (SSE, AVX) and a compare and
//! select on NEON. The row functions are `#[inline(always)]` so that the candidate passes that
//! call them are compiled once portable and once for AVX2 (see `decoder`); the column functions
//! have intrinsic twins (`simd_x86`, `simd_neon`), chosen by `column_max_on` / `column_argmax_on`.
//!
//! NaN handling (all functions): a NaN score never wins, so the maximum is over the non-NaN
//! scores, and `-inf` when there are none.

/// Lanes of the row reduction: two AVX registers, four SSE/NEON registers.
const LANES: usize = 16;

/// `v` when it is greater than `m`, else `m` (NaN `v` ignored).
#[inline(always)]
fn max_keep(m: f32, v: f32) -> f32 {
    if v > m {
        v
    } else {
        m
    }
}

/// Largest element of a contiguous run of scores (one anchor's classes, anchors-first layout).
#[inline(always)]
pub fn row_max(v: &[f32]) -> f32 {
    let mut lanes = [f32::NEG_INFINITY; LANES];
    let chunks = v.chunks_exact(LANES);
    let tail = chunks.remainder();
    for c in chunks {
        for (l, &x) in lanes.iter_mut().zip(c) {
            *l = max_keep(*l, x);
        }
    }
    let m = tail.iter().fold(f32::NEG_INFINITY, |m, &x| max_keep(m, x));
    lanes.iter().fold(m, |m, &x| max_keep(m, x))
}

/// Index of the first element equal to `max` (the argmax, lowest class on ties), for a `max`
/// that `row_max` returned for `v`; 0 when none is (all NaN). `LANES` compares at a time, folded
/// into a bit mask (vector compares), since a candidate's classes are scanned whole.
#[inline(always)]
pub fn first_index_of(v: &[f32], max: f32) -> usize {
    let chunks = v.chunks_exact(LANES);
    let tail = chunks.remainder();
    for (k, c) in chunks.enumerate() {
        let mut bits = [0u32; LANES];
        for (l, (b, &x)) in bits.iter_mut().zip(c).enumerate() {
            *b = u32::from(x == max) << l;
        }
        let mask = bits.iter().fold(0, |m, &b| m | b);
        if mask != 0 {
            return k * LANES + mask.trailing_zeros() as usize;
        }
    }
    let whole = v.len() - tail.len();
    tail.iter().position(|&x| x == max).map_or(0, |p| whole + p)
}

/// Anchors per step of the channels-first pass, their maxima held in registers while the class
/// planes stream past: four AVX registers, eight NEON.
pub const COLUMNS: usize = 32;

/// Column maxima of `COLUMNS` anchors over class planes (channels-first layout):
/// `max over c < classes of planes[c · stride + j]` for `j < COLUMNS`, planes read one after the
/// other (each as one contiguous run). Portable; the vector twins are in `simd_x86` / `simd_neon`.
#[inline(always)]
pub fn column_max(planes: &[f32], stride: usize, classes: usize) -> [f32; COLUMNS] {
    let mut acc = [f32::NEG_INFINITY; COLUMNS];
    for c in 0..classes {
        let row = &planes[c * stride..][..COLUMNS];
        for (m, &v) in acc.iter_mut().zip(row) {
            *m = max_keep(*m, v);
        }
    }
    acc
}

/// `column_max` with the argmax (first plane holding the maximum; 0 when all are NaN), for the
/// blocks where some anchor passes the threshold (re-read from L1). Portable.
#[inline(always)]
pub fn column_argmax(
    planes: &[f32],
    stride: usize,
    classes: usize,
) -> ([f32; COLUMNS], [u32; COLUMNS]) {
    let mut acc = [f32::NEG_INFINITY; COLUMNS];
    let mut arg = [0u32; COLUMNS];
    for c in 0..classes {
        let row = &planes[c * stride..][..COLUMNS];
        for ((m, a), &v) in acc.iter_mut().zip(arg.iter_mut()).zip(row) {
            let better = v > *m;
            *m = if better { v } else { *m };
            *a = if better { c as u32 } else { *a };
        }
    }
    (acc, arg)
}

/// `column_max` on the platform's vector unit when `SIMD` (AVX2 on x86-64, NEON on aarch64),
/// else portable.
#[inline(always)]
pub fn column_max_on<const SIMD: bool>(
    planes: &[f32],
    stride: usize,
    classes: usize,
) -> [f32; COLUMNS] {
    #[cfg(target_arch = "x86_64")]
    if SIMD {
        // SAFETY: `SIMD` code is only reached through `Decoder::run_avx2`, after AVX2 detection.
        return unsafe { super::simd_x86::column_max(planes, stride, classes) };
    }
    #[cfg(target_arch = "aarch64")]
    if SIMD {
        return super::simd_neon::column_max(planes, stride, classes);
    }
    column_max(planes, stride, classes)
}

/// `column_argmax` on the platform's vector unit when `SIMD`, else portable.
#[inline(always)]
pub fn column_argmax_on<const SIMD: bool>(
    planes: &[f32],
    stride: usize,
    classes: usize,
) -> ([f32; COLUMNS], [u32; COLUMNS]) {
    #[cfg(target_arch = "x86_64")]
    if SIMD {
        // SAFETY: `SIMD` code is only reached through `Decoder::run_avx2`, after AVX2 detection.
        return unsafe { super::simd_x86::column_argmax(planes, stride, classes) };
    }
    #[cfg(target_arch = "aarch64")]
    if SIMD {
        return super::simd_neon::column_argmax(planes, stride, classes);
    }
    column_argmax(planes, stride, classes)
}

/// Maximum and argmax of anchor `j` over class planes, one scalar column (the last anchors when
/// `N` is not a multiple of `COLUMNS`).
#[inline(always)]
pub fn column_argmax_one(planes: &[f32], stride: usize, classes: usize, j: usize) -> (f32, u32) {
    let (mut m, mut arg) = (f32::NEG_INFINITY, 0u32);
    for c in 0..classes {
        let v = planes[c * stride + j];
        if v > m {
            (m, arg) = (v, c as u32);
        }
    }
    (m, arg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_max_ignores_nan_and_keeps_the_first_of_equal_maxima() {
        let mut v: Vec<f32> = (0..83).map(|i| ((i * 37) % 83) as f32 / 83.0).collect();
        v[5] = f32::NAN;
        v[40] = 2.0;
        v[70] = 2.0;
        let m = row_max(&v);
        assert_eq!((m, first_index_of(&v, m)), (2.0, 40));
        assert_eq!(row_max(&[f32::NAN; 20]), f32::NEG_INFINITY);
        assert_eq!(row_max(&[]), f32::NEG_INFINITY);
    }

    #[test]
    fn column_max_and_argmax_match_the_per_anchor_scan() {
        // 7 classes × 40 anchors in planes of stride 43 (3 floats of padding per plane).
        let (classes, stride) = (7usize, 43usize);
        let planes: Vec<f32> = (0..classes * stride)
            .map(|i| {
                if i % 11 == 3 {
                    f32::NAN
                } else {
                    ((i * 29) % 17) as f32
                }
            })
            .collect();
        let m = column_max(&planes, stride, classes);
        let (m2, arg) = column_argmax(&planes, stride, classes);
        for j in 0..COLUMNS {
            let column: Vec<f32> = (0..classes).map(|c| planes[c * stride + j]).collect();
            let want = row_max(&column);
            assert_eq!((m[j], m2[j]), (want, want), "anchor {j}");
            assert_eq!(arg[j] as usize, first_index_of(&column, want));
            assert_eq!(
                column_argmax_one(&planes, stride, classes, j),
                (want, arg[j])
            );
        }
    }
}
