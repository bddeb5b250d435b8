//! NEON kernels (aarch64, where NEON is baseline): the column maximum / argmax of the
//! channels-first pass and the NMS screen. Each computes exactly what its portable twin in
//! `classmax` / `nms` computes, lane by lane: selects are compare + `bsl`, not `fmax`/`fmin`
//! (which propagate NaN); `decoder` tests check that both paths agree.

use super::classmax::COLUMNS;
use std::arch::aarch64::*;

const VECTORS: usize = COLUMNS / 4;

/// Checks that `planes` holds `COLUMNS` floats at `c · stride` for every class.
fn check_planes(planes: &[f32], stride: usize, classes: usize) {
    assert!(classes == 0 || planes.len() >= (classes - 1) * stride + COLUMNS);
}

/// `classmax::column_max` on NEON.
pub fn column_max(planes: &[f32], stride: usize, classes: usize) -> [f32; COLUMNS] {
    column_argmax(planes, stride, classes).0
}

/// `classmax::column_argmax` on NEON.
pub fn column_argmax(
    planes: &[f32],
    stride: usize,
    classes: usize,
) -> ([f32; COLUMNS], [u32; COLUMNS]) {
    check_planes(planes, stride, classes);
    // SAFETY: NEON is baseline on aarch64; every load reads 4 floats at c · stride + 4·k with
    // 4·k + 4 ≤ COLUMNS, inside `planes` (checked above); stores stay inside the arrays.
    unsafe {
        let mut m = [vdupq_n_f32(f32::NEG_INFINITY); VECTORS];
        let mut a = [vdupq_n_u32(0); VECTORS];
        for c in 0..classes {
            let row = planes.as_ptr().add(c * stride);
            let class = vdupq_n_u32(c as u32);
            for k in 0..VECTORS {
                let v = vld1q_f32(row.add(4 * k));
                let better = vcgtq_f32(v, m[k]);
                m[k] = vbslq_f32(better, v, m[k]);
                a[k] = vbslq_u32(better, class, a[k]);
            }
        }
        let (mut max, mut arg) = ([0f32; COLUMNS], [0u32; COLUMNS]);
        for k in 0..VECTORS {
            vst1q_f32(max.as_mut_ptr().add(4 * k), m[k]);
            vst1q_u32(arg.as_mut_ptr().add(4 * k), a[k]);
        }
        (max, arg)
    }
}

/// `kept::Kept::screen` on NEON: bit `l` set when lane `l` of the kept boxes (`x1, y1, x2, y2`,
/// 8 lanes each) intersects `b`.
pub fn screen(k: [&[f32]; 4], b: [f32; 4]) -> u32 {
    assert!(k.iter().all(|s| s.len() >= 8));
    // SAFETY: NEON is baseline on aarch64; every slice holds 8 lanes (checked above).
    unsafe {
        let weights = [[1u32, 2, 4, 8], [16, 32, 64, 128]];
        let [bx1, by1, bx2, by2] = b.map(|v| vdupq_n_f32(v));
        let mut mask = 0u32;
        for (h, w) in weights.iter().enumerate() {
            let [x1, y1, x2, y2] = k.map(|s| vld1q_f32(s.as_ptr().add(4 * h)));
            let lo_x = vbslq_f32(vcgtq_f32(x1, bx1), x1, bx1);
            let hi_x = vbslq_f32(vcltq_f32(x2, bx2), x2, bx2);
            let lo_y = vbslq_f32(vcgtq_f32(y1, by1), y1, by1);
            let hi_y = vbslq_f32(vcltq_f32(y2, by2), y2, by2);
            let hit = vandq_u32(vcgtq_f32(hi_x, lo_x), vcgtq_f32(hi_y, lo_y));
            mask |= vaddvq_u32(vandq_u32(hit, vld1q_u32(w.as_ptr())));
        }
        mask
    }
}
