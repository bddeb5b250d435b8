//! x86-64 backends of the FAST row scan: SSE2 (baseline, 16 pixels) and AVX2 (32, run-time).

use super::{scan_row_with, ByteLanes, RowArgs};
use std::arch::x86_64::*;

#[derive(Clone, Copy)]
pub struct Sse2(__m128i);
#[derive(Clone, Copy)]
pub struct Avx2(__m256i);

impl ByteLanes for Sse2 {
    const LANES: usize = 16;
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        Self(_mm_loadu_si128(p.cast()))
    }
    #[inline(always)]
    unsafe fn splat(v: u8) -> Self {
        Self(_mm_set1_epi8(v as i8))
    }
    #[inline(always)]
    unsafe fn adds(a: Self, b: Self) -> Self {
        Self(_mm_adds_epu8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn subs(a: Self, b: Self) -> Self {
        Self(_mm_subs_epu8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn ordered(a: Self) -> Self {
        Self(_mm_xor_si128(a.0, _mm_set1_epi8(i8::MIN)))
    }
    #[inline(always)]
    unsafe fn gt(a: Self, b: Self) -> Self {
        Self(_mm_cmpgt_epi8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn and(a: Self, b: Self) -> Self {
        Self(_mm_and_si128(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn or(a: Self, b: Self) -> Self {
        Self(_mm_or_si128(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn sub_wrap(a: Self, b: Self) -> Self {
        Self(_mm_sub_epi8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn max_u8(a: Self, b: Self) -> Self {
        Self(_mm_max_epu8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn min_u8(a: Self, b: Self) -> Self {
        Self(_mm_min_epu8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn store(a: Self, p: *mut u8) {
        _mm_storeu_si128(p.cast(), a.0)
    }
    #[inline(always)]
    unsafe fn mask(a: Self) -> u32 {
        _mm_movemask_epi8(a.0) as u32
    }
}

impl ByteLanes for Avx2 {
    const LANES: usize = 32;
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        Self(_mm256_loadu_si256(p.cast()))
    }
    #[inline(always)]
    unsafe fn splat(v: u8) -> Self {
        Self(_mm256_set1_epi8(v as i8))
    }
    #[inline(always)]
    unsafe fn adds(a: Self, b: Self) -> Self {
        Self(_mm256_adds_epu8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn subs(a: Self, b: Self) -> Self {
        Self(_mm256_subs_epu8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn ordered(a: Self) -> Self {
        Self(_mm256_xor_si256(a.0, _mm256_set1_epi8(i8::MIN)))
    }
    #[inline(always)]
    unsafe fn gt(a: Self, b: Self) -> Self {
        Self(_mm256_cmpgt_epi8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn and(a: Self, b: Self) -> Self {
        Self(_mm256_and_si256(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn or(a: Self, b: Self) -> Self {
        Self(_mm256_or_si256(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn sub_wrap(a: Self, b: Self) -> Self {
        Self(_mm256_sub_epi8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn max_u8(a: Self, b: Self) -> Self {
        Self(_mm256_max_epu8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn min_u8(a: Self, b: Self) -> Self {
        Self(_mm256_min_epu8(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn store(a: Self, p: *mut u8) {
        _mm256_storeu_si256(p.cast(), a.0)
    }
    #[inline(always)]
    unsafe fn mask(a: Self) -> u32 {
        _mm256_movemask_epi8(a.0) as u32
    }
}

/// SSE2 (x86-64 baseline) row scan.
///
/// # Safety
/// As [`super::scan_row_scalar`].
pub unsafe fn scan_row_sse2(row: RowArgs<'_>, hits: &mut Vec<u32>, scores: &mut [u8]) {
    scan_row_with::<Sse2>(row, hits, scores)
}

/// AVX2 row scan.
///
/// # Safety
/// As [`super::scan_row_scalar`]; the CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub unsafe fn scan_row_avx2(row: RowArgs<'_>, hits: &mut Vec<u32>, scores: &mut [u8]) {
    scan_row_with::<Avx2>(row, hits, scores)
}
