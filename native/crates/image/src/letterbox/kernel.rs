//! The letterbox row kernels, portable version (what aarch64 and x86-64 without AVX2 + FMA run,
//! and the columns the AVX2 kernels leave). Per resized pixel and output plane `k` reading source
//! byte `order[k]` of a pixel:
//!
//! - general: `top = S_top[x0]·(2¹⁴ − w1) + S_top[x1]·w1` (exact integers), `bottom` the same on
//!   the lower row, `out = fma(top, A[k], fma(bottom, B[k], bias[k]))` in `f32`, with
//!   `A = scale·(1 − wy) / 2¹⁴`, `B = scale·wy / 2¹⁴`, `bias = −mean·scale`: the bilinear value
//!   normalized;
//! - exact 2× shrink (source exactly twice the resized size on both axes, e.g. 1280 × 720 →
//!   640 × 360; every tap weight is ½): `out = fma(p00 + p01 + p10 + p11, scale / 4, bias)`.
//!
//! The AVX2 kernels perform the same operations (fused multiply-adds included), so the two agree
//! bit for bit.

use super::plan::{Plan, RowTap, ONE};

/// Per-row float constants, per output plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowConsts {
    pub a: [f32; 3],
    pub b: [f32; 3],
    pub bias: [f32; 3],
}

impl RowConsts {
    /// Constants of an exact-2× row: `a = scale / 4` (`b` unused).
    pub fn half(scale: &[f64; 3], bias: &[f32; 3]) -> Self {
        Self {
            a: scale.map(|s| (s * 0.25) as f32),
            b: [0.0; 3],
            bias: *bias,
        }
    }

    /// Constants of a row with vertical weight `tap.weight`, for per-plane `scale` and `bias`.
    pub fn new(tap: &RowTap, scale: &[f64; 3], bias: &[f32; 3]) -> Self {
        let one = f64::from(ONE);
        Self {
            a: scale.map(|s| (s * (1.0 - tap.weight) / one) as f32),
            b: scale.map(|s| (s * tap.weight / one) as f32),
            bias: *bias,
        }
    }
}

/// One output row of the resized image: the two source rows, the source byte each output plane
/// reads, the constants, and the three output rows (`resized_width` floats each).
pub struct Row<'a> {
    pub top: &'a [u8],
    pub bottom: &'a [u8],
    pub order: [usize; 3],
    pub k: RowConsts,
    pub out: [&'a mut [f32]; 3],
}

/// Columns per chunk of the portable kernel's scratch.
const CHUNK: usize = 256;

/// Float scratch of the portable kernel: the horizontal taps of the top and bottom rows per
/// output plane, one chunk of columns (on the caller's stack, once per letterbox call).
pub struct Scratch {
    top: [[f32; CHUNK]; 3],
    bottom: [[f32; CHUNK]; 3],
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            top: [[0.0; CHUNK]; 3],
            bottom: [[0.0; CHUNK]; 3],
        }
    }
}

/// Columns `from..` of a row, in chunks: the integer horizontal taps of both source rows into
/// float scratch (a gather), then the blend + normalization over contiguous floats (which the
/// compiler vectorizes: NEON `fmla` on aarch64).
#[inline(always)]
pub fn row_tail(plan: &Plan, row: &mut Row<'_>, from: usize, scratch: &mut Scratch) {
    let n = plan.offsets.len();
    let (t, u) = (&mut scratch.top, &mut scratch.bottom);
    for x0 in (from..n).step_by(CHUNK) {
        let m = (n - x0).min(CHUNK);
        for i in 0..m {
            let x = x0 + i;
            let (o0, o1, w1) = (plan.offsets[x] as usize, plan.right[x] as usize, plan.w1[x]);
            let w0 = ONE - w1;
            for k in 0..3 {
                let s = row.order[k];
                t[k][i] =
                    (i32::from(row.top[o0 + s]) * w0 + i32::from(row.top[o1 + s]) * w1) as f32;
                u[k][i] = (i32::from(row.bottom[o0 + s]) * w0 + i32::from(row.bottom[o1 + s]) * w1)
                    as f32;
            }
        }
        for k in 0..3 {
            let (a, b, bias) = (row.k.a[k], row.k.b[k], row.k.bias[k]);
            let out = &mut row.out[k][x0..x0 + m];
            for ((o, &t), &u) in out.iter_mut().zip(&t[k][..m]).zip(&u[k][..m]) {
                *o = t.mul_add(a, u.mul_add(b, bias));
            }
        }
    }
}

/// Columns `from..` of an exact-2× row (`BPP` bytes per pixel).
#[inline(always)]
pub fn half_tail<const BPP: usize>(row: &mut Row<'_>, from: usize) {
    let n = row.out[0].len();
    for x in from..n {
        let o = 2 * BPP * x;
        for k in 0..3 {
            let s = o + row.order[k];
            let sum = u32::from(row.top[s])
                + u32::from(row.top[s + BPP])
                + u32::from(row.bottom[s])
                + u32::from(row.bottom[s + BPP]);
            row.out[k][x] = (sum as f32).mul_add(row.k.a[k], row.k.bias[k]);
        }
    }
}
