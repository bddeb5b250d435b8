//! aarch64 backend of the FAST row scan: NEON (baseline, 16 pixels).

use super::{scan_row_with, ByteLanes, RowArgs};
use std::arch::aarch64::*;

#[derive(Clone, Copy)]
pub struct Neon(uint8x16_t);

impl ByteLanes for Neon {
    const LANES: usize = 16;
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        Self(vld1q_u8(p))
    }
    #[inline(always)]
    unsafe fn splat(v: u8) -> Self {
        Self(vdupq_n_u8(v))
    }
    #[inline(always)]
    unsafe fn adds(a: Self, b: Self) -> Self {
        Self(vqaddq_u8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn subs(a: Self, b: Self) -> Self {
        Self(vqsubq_u8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn ordered(a: Self) -> Self {
        a
    }
    #[inline(always)]
    unsafe fn gt(a: Self, b: Self) -> Self {
        Self(vcgtq_u8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn and(a: Self, b: Self) -> Self {
        Self(vandq_u8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn or(a: Self, b: Self) -> Self {
        Self(vorrq_u8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn sub_wrap(a: Self, b: Self) -> Self {
        Self(vsubq_u8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn max_u8(a: Self, b: Self) -> Self {
        Self(vmaxq_u8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn min_u8(a: Self, b: Self) -> Self {
        Self(vminq_u8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn store(a: Self, p: *mut u8) {
        vst1q_u8(p, a.0)
    }
    #[inline(always)]
    unsafe fn mask(a: Self) -> u32 {
        const BITS: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];
        let m = vandq_u8(a.0, vld1q_u8(BITS.as_ptr()));
        let m = vpaddq_u8(m, m);
        let m = vpaddq_u8(m, m);
        let m = vpaddq_u8(m, m);
        u32::from(vgetq_lane_u8(m, 0)) | (u32::from(vgetq_lane_u8(m, 1)) << 8)
    }
}

/// NEON row scan (aarch64 baseline).
///
/// # Safety
/// As [`super::scan_row_scalar`].
pub unsafe fn scan_row_neon(row: RowArgs<'_>, hits: &mut Vec<u32>, scores: &mut [u8]) {
    scan_row_with::<Neon>(row, hits, scores)
}
