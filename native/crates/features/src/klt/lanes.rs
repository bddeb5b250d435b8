//! Eight 16-bit lanes, as the Lucas–Kanade window kernels need them: fixed-point bilinear
//! interpolation by multiply-add of neighbour pairs (OpenCV's `_mm_madd_epi16` scheme in
//! `lkpyramid.cpp`) and exact integer dot products. SSE2 (x86-64 baseline), NEON (aarch64 baseline)
//! and a portable array version give identical integers.

/// Eight `i16` lanes with a four-`i32` companion type for multiply-add results.
pub(crate) trait Lanes: Copy {
    type Wide: Copy;
    /// Eight bytes at `p`, zero-extended.
    unsafe fn load_u8(p: *const u8) -> Self;
    unsafe fn load_i16(p: *const i16) -> Self;
    unsafe fn store(self, p: *mut i16);
    /// `(w0, w1)` repeated: the weights of a neighbour pair.
    unsafe fn pair(w0: i16, w1: i16) -> Self;
    /// `(a0, b0, a1, b1, a2, b2, a3, b3)`.
    unsafe fn zip_lo(a: Self, b: Self) -> Self;
    /// `(a4, b4, …, a7, b7)`.
    unsafe fn zip_hi(a: Self, b: Self) -> Self;
    /// Lane k of the result: `a[2k]·b[2k] + a[2k+1]·b[2k+1]`.
    unsafe fn madd(a: Self, b: Self) -> Self::Wide;
    unsafe fn add(a: Self::Wide, b: Self::Wide) -> Self::Wide;
    /// `(a + 2^(N−1)) >> N`, arithmetic (OpenCV `CV_DESCALE`).
    unsafe fn descale<const N: i32>(a: Self::Wide) -> Self::Wide;
    /// Narrowing with signed saturation: lanes of `a`, then of `b`.
    unsafe fn pack(a: Self::Wide, b: Self::Wide) -> Self;
    /// `a − b` with signed saturation.
    unsafe fn subs(a: Self, b: Self) -> Self;
    unsafe fn zero() -> Self::Wide;
    /// Sum of the four lanes (the caller keeps it below 2³¹).
    unsafe fn hsum(a: Self::Wide) -> i32;
}

/// The portable lanes: plain arrays, the same integer operations.
#[derive(Clone, Copy)]
pub(crate) struct Portable([i16; 8]);

impl Lanes for Portable {
    type Wide = [i32; 4];
    #[inline(always)]
    unsafe fn load_u8(p: *const u8) -> Self {
        Self(std::array::from_fn(|i| i16::from(*p.add(i))))
    }
    #[inline(always)]
    unsafe fn load_i16(p: *const i16) -> Self {
        Self(std::array::from_fn(|i| *p.add(i)))
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut i16) {
        for (i, v) in self.0.iter().enumerate() {
            *p.add(i) = *v;
        }
    }
    #[inline(always)]
    unsafe fn pair(w0: i16, w1: i16) -> Self {
        Self(std::array::from_fn(|i| if i % 2 == 0 { w0 } else { w1 }))
    }
    #[inline(always)]
    unsafe fn zip_lo(a: Self, b: Self) -> Self {
        Self(std::array::from_fn(|i| {
            if i % 2 == 0 {
                a.0[i / 2]
            } else {
                b.0[i / 2]
            }
        }))
    }
    #[inline(always)]
    unsafe fn zip_hi(a: Self, b: Self) -> Self {
        Self(std::array::from_fn(|i| {
            if i % 2 == 0 {
                a.0[4 + i / 2]
            } else {
                b.0[4 + i / 2]
            }
        }))
    }
    #[inline(always)]
    unsafe fn madd(a: Self, b: Self) -> [i32; 4] {
        let m = |i: usize| i32::from(a.0[i]) * i32::from(b.0[i]);
        std::array::from_fn(|k| m(2 * k).wrapping_add(m(2 * k + 1)))
    }
    #[inline(always)]
    unsafe fn add(a: [i32; 4], b: [i32; 4]) -> [i32; 4] {
        std::array::from_fn(|k| a[k].wrapping_add(b[k]))
    }
    #[inline(always)]
    unsafe fn descale<const N: i32>(a: [i32; 4]) -> [i32; 4] {
        a.map(|v| v.wrapping_add(1 << (N - 1)) >> N)
    }
    #[inline(always)]
    unsafe fn pack(a: [i32; 4], b: [i32; 4]) -> Self {
        let sat = |v: i32| v.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
        Self(std::array::from_fn(|i| {
            if i < 4 {
                sat(a[i])
            } else {
                sat(b[i - 4])
            }
        }))
    }
    #[inline(always)]
    unsafe fn subs(a: Self, b: Self) -> Self {
        Self(std::array::from_fn(|i| a.0[i].saturating_sub(b.0[i])))
    }
    #[inline(always)]
    unsafe fn zero() -> [i32; 4] {
        [0; 4]
    }
    #[inline(always)]
    unsafe fn hsum(a: [i32; 4]) -> i32 {
        a[0].wrapping_add(a[1])
            .wrapping_add(a[2])
            .wrapping_add(a[3])
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) use x86::Sse2;

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::Lanes;
    use std::arch::x86_64::*;

    #[derive(Clone, Copy)]
    pub(crate) struct Sse2(__m128i);

    impl Lanes for Sse2 {
        type Wide = __m128i;
        #[inline(always)]
        unsafe fn load_u8(p: *const u8) -> Self {
            Self(_mm_unpacklo_epi8(
                _mm_loadl_epi64(p.cast()),
                _mm_setzero_si128(),
            ))
        }
        #[inline(always)]
        unsafe fn load_i16(p: *const i16) -> Self {
            Self(_mm_loadu_si128(p.cast()))
        }
        #[inline(always)]
        unsafe fn store(self, p: *mut i16) {
            _mm_storeu_si128(p.cast(), self.0)
        }
        #[inline(always)]
        unsafe fn pair(w0: i16, w1: i16) -> Self {
            Self(_mm_set1_epi32(
                (i32::from(w0) & 0xFFFF) | (i32::from(w1) << 16),
            ))
        }
        #[inline(always)]
        unsafe fn zip_lo(a: Self, b: Self) -> Self {
            Self(_mm_unpacklo_epi16(a.0, b.0))
        }
        #[inline(always)]
        unsafe fn zip_hi(a: Self, b: Self) -> Self {
            Self(_mm_unpackhi_epi16(a.0, b.0))
        }
        #[inline(always)]
        unsafe fn madd(a: Self, b: Self) -> __m128i {
            _mm_madd_epi16(a.0, b.0)
        }
        #[inline(always)]
        unsafe fn add(a: __m128i, b: __m128i) -> __m128i {
            _mm_add_epi32(a, b)
        }
        #[inline(always)]
        unsafe fn descale<const N: i32>(a: __m128i) -> __m128i {
            _mm_srai_epi32::<N>(_mm_add_epi32(a, _mm_set1_epi32(1 << (N - 1))))
        }
        #[inline(always)]
        unsafe fn pack(a: __m128i, b: __m128i) -> Self {
            Self(_mm_packs_epi32(a, b))
        }
        #[inline(always)]
        unsafe fn subs(a: Self, b: Self) -> Self {
            Self(_mm_subs_epi16(a.0, b.0))
        }
        #[inline(always)]
        unsafe fn zero() -> __m128i {
            _mm_setzero_si128()
        }
        #[inline(always)]
        unsafe fn hsum(a: __m128i) -> i32 {
            let s = _mm_add_epi32(a, _mm_shuffle_epi32::<0b01_00_11_10>(a));
            let s = _mm_add_epi32(s, _mm_shuffle_epi32::<0b10_11_00_01>(s));
            _mm_cvtsi128_si32(s)
        }
    }
}

#[cfg(target_arch = "aarch64")]
pub(crate) use arm::Neon;

#[cfg(target_arch = "aarch64")]
mod arm {
    use super::Lanes;
    use std::arch::aarch64::*;

    #[derive(Clone, Copy)]
    pub(crate) struct Neon(int16x8_t);

    impl Lanes for Neon {
        type Wide = int32x4_t;
        #[inline(always)]
        unsafe fn load_u8(p: *const u8) -> Self {
            Self(vreinterpretq_s16_u16(vmovl_u8(vld1_u8(p))))
        }
        #[inline(always)]
        unsafe fn load_i16(p: *const i16) -> Self {
            Self(vld1q_s16(p))
        }
        #[inline(always)]
        unsafe fn store(self, p: *mut i16) {
            vst1q_s16(p, self.0)
        }
        #[inline(always)]
        unsafe fn pair(w0: i16, w1: i16) -> Self {
            let v = (i32::from(w0) & 0xFFFF) | (i32::from(w1) << 16);
            Self(vreinterpretq_s16_s32(vdupq_n_s32(v)))
        }
        #[inline(always)]
        unsafe fn zip_lo(a: Self, b: Self) -> Self {
            Self(vzip1q_s16(a.0, b.0))
        }
        #[inline(always)]
        unsafe fn zip_hi(a: Self, b: Self) -> Self {
            Self(vzip2q_s16(a.0, b.0))
        }
        #[inline(always)]
        unsafe fn madd(a: Self, b: Self) -> int32x4_t {
            let lo = vmull_s16(vget_low_s16(a.0), vget_low_s16(b.0));
            let hi = vmull_high_s16(a.0, b.0);
            vpaddq_s32(lo, hi)
        }
        #[inline(always)]
        unsafe fn add(a: int32x4_t, b: int32x4_t) -> int32x4_t {
            vaddq_s32(a, b)
        }
        #[inline(always)]
        unsafe fn descale<const N: i32>(a: int32x4_t) -> int32x4_t {
            vshrq_n_s32::<N>(vaddq_s32(a, vdupq_n_s32(1 << (N - 1))))
        }
        #[inline(always)]
        unsafe fn pack(a: int32x4_t, b: int32x4_t) -> Self {
            Self(vcombine_s16(vqmovn_s32(a), vqmovn_s32(b)))
        }
        #[inline(always)]
        unsafe fn subs(a: Self, b: Self) -> Self {
            Self(vqsubq_s16(a.0, b.0))
        }
        #[inline(always)]
        unsafe fn zero() -> int32x4_t {
            vdupq_n_s32(0)
        }
        #[inline(always)]
        unsafe fn hsum(a: int32x4_t) -> i32 {
            vaddvq_s32(a)
        }
    }
}
