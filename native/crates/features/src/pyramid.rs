//! Gaussian pyramid with OpenCV `cv::pyrDown` semantics (imgproc `pyramids.cpp`): a 5×5 kernel
//! `[1 4 6 4 1]ᵀ·[1 4 6 4 1] / 256`, `BORDER_REFLECT_101`, output `((w + 1) / 2) × ((h + 1) / 2)`,
//! destination pixel `(x, y)` centred on source pixel `(2x, 2y)`, rounded as `(Σ + 128) >> 8`.
//!
//! The sums are exact integers (≤ 65 280, so they fit `u16`), hence the result does not depend on
//! the order of the two passes: this kernel sums each output row's five source rows first
//! (contiguous, vectorized by the compiler), then filters that row horizontally at even columns.
//! Bit-identical to `cv2.pyrDown` on real frames (tested in `test/native/features-pyramid.test.ts`).

use crate::gray::{reflect101, GrayView, Padded};

/// Size of `pyrDown(src)`: `((w + 1) / 2, (h + 1) / 2)`.
pub fn pyr_down_size(width: usize, height: usize) -> (usize, usize) {
    (width.div_ceil(2), height.div_ceil(2))
}

/// `dst = pyrDown(src)`; `dst` holds `pyr_down_size` pixels with rows `dst_stride` bytes apart.
/// `scratch` is resized to `width + 4` (allocates only when it grows).
pub fn pyr_down(src: &GrayView, dst: &mut [u8], dst_stride: usize, scratch: &mut Vec<u16>) {
    let (w, h) = (src.width, src.height);
    let (dw, dh) = pyr_down_size(w, h);
    if scratch.len() < w + 4 {
        scratch.resize(w + 4, 0);
    }
    let vb = &mut scratch[..w + 4];
    for dy in 0..dh {
        let sy = |k: isize| src.row(reflect101(2 * dy as isize + k, h));
        vertical_sum(sy(-2), sy(-1), sy(0), sy(1), sy(2), &mut vb[2..w + 2]);
        vb[0] = vb[2 + reflect101(-2, w)];
        vb[1] = vb[2 + reflect101(-1, w)];
        vb[w + 2] = vb[2 + reflect101(w as isize, w)];
        vb[w + 3] = vb[2 + reflect101(w as isize + 1, w)];
        horizontal_even(vb, &mut dst[dy * dst_stride..dy * dst_stride + dw]);
    }
}

/// `out[x] = r0[x] + 4·r1[x] + 6·r2[x] + 4·r3[x] + r4[x]` (≤ 4080).
#[inline]
fn vertical_sum(r0: &[u8], r1: &[u8], r2: &[u8], r3: &[u8], r4: &[u8], out: &mut [u16]) {
    let n = out.len();
    let (r0, r1, r2, r3, r4) = (&r0[..n], &r1[..n], &r2[..n], &r3[..n], &r4[..n]);
    for x in 0..n {
        let outer = u16::from(r0[x]) + u16::from(r4[x]);
        let inner = u16::from(r1[x]) + u16::from(r3[x]);
        out[x] = outer + 4 * inner + 6 * u16::from(r2[x]);
    }
}

/// `out[x] = (vb[2x] + 4·vb[2x+1] + 6·vb[2x+2] + 4·vb[2x+3] + vb[2x+4] + 128) >> 8`.
#[inline]
fn horizontal_even(vb: &[u16], out: &mut [u8]) {
    // SAFETY: `vb` holds 2·out.len() + 3 values or more (w + 4 ≥ 2·⌈w/2⌉ + 3), as the blocks read.
    let done = unsafe { simd::horizontal_even(vb, out) };
    for (x, o) in out.iter_mut().enumerate().skip(done) {
        *o = horizontal_tap(&vb[2 * x..2 * x + 5]);
    }
}

#[inline(always)]
fn horizontal_tap(t: &[u16]) -> u8 {
    let s = t[0] + t[4] + 4 * (t[1] + t[3]) + 6 * t[2];
    ((u32::from(s) + 128) >> 8) as u8
}

/// The horizontal pass eight outputs at a time: even and odd taps de-interleaved from three
/// overlapping loads, summed in 16 bits (≤ 65 280, so no overflow), rounded and narrowed.
mod simd {
    /// Returns the number of outputs done (a multiple of 8, leaving the last block to the caller).
    ///
    /// # Safety
    /// `vb.len() ≥ 2·out.len() + 4`.
    #[cfg(target_arch = "x86_64")]
    pub unsafe fn horizontal_even(vb: &[u16], out: &mut [u8]) -> usize {
        use std::arch::x86_64::*;
        let n = out.len().saturating_sub(1) / 8 * 8;
        let low = _mm_set1_epi32(0xFFFF);
        let evens =
            |a: __m128i, b: __m128i| _mm_packs_epi32(_mm_and_si128(a, low), _mm_and_si128(b, low));
        let odds = |a: __m128i, b: __m128i| {
            _mm_packs_epi32(_mm_srli_epi32::<16>(a), _mm_srli_epi32::<16>(b))
        };
        for x in (0..n).step_by(8) {
            let p = vb.as_ptr().add(2 * x);
            let ld = |k: usize| _mm_loadu_si128(p.add(k).cast());
            let (a0, a1, b0, b1, c0, c1) = (ld(0), ld(8), ld(2), ld(10), ld(4), ld(12));
            let (e0, o0, e1, o1, e2) = (
                evens(a0, a1),
                odds(a0, a1),
                evens(b0, b1),
                odds(b0, b1),
                evens(c0, c1),
            );
            let four = _mm_slli_epi16::<2>(_mm_add_epi16(o0, o1));
            let six = _mm_add_epi16(_mm_slli_epi16::<2>(e1), _mm_slli_epi16::<1>(e1));
            let s = _mm_add_epi16(_mm_add_epi16(e0, e2), _mm_add_epi16(four, six));
            let r = _mm_srli_epi16::<8>(_mm_add_epi16(s, _mm_set1_epi16(128)));
            _mm_storel_epi64(out.as_mut_ptr().add(x).cast(), _mm_packus_epi16(r, r));
        }
        n
    }

    /// NEON: `vld2q_u16` de-interleaves the taps.
    ///
    /// # Safety
    /// `vb.len() ≥ 2·out.len() + 4`.
    #[cfg(target_arch = "aarch64")]
    pub unsafe fn horizontal_even(vb: &[u16], out: &mut [u8]) -> usize {
        use std::arch::aarch64::*;
        let n = out.len().saturating_sub(1) / 8 * 8;
        for x in (0..n).step_by(8) {
            let p = vb.as_ptr().add(2 * x);
            let (a, b, c) = (vld2q_u16(p), vld2q_u16(p.add(2)), vld2q_u16(p.add(4)));
            let s = vaddq_u16(a.0, c.0);
            let s = vaddq_u16(s, vshlq_n_u16::<2>(vaddq_u16(a.1, b.1)));
            let s = vaddq_u16(s, vmulq_n_u16(b.0, 6));
            vst1_u8(out.as_mut_ptr().add(x), vrshrn_n_u16::<8>(s));
        }
        n
    }

    /// Portable targets: no blocks.
    ///
    /// # Safety
    /// None needed.
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    pub unsafe fn horizontal_even(_vb: &[u16], _out: &mut [u8]) -> usize {
        0
    }
}

/// Levels `0..n` of a pyramid kept in padded planes, level 0 a copy of the source; each level has a
/// `BORDER_REFLECT_101` border of `border` pixels (as `cv::buildOpticalFlowPyramid` makes them).
#[derive(Default)]
pub struct GaussianPyramid {
    levels: Vec<Padded<u8>>,
    count: usize,
    scratch: Vec<u16>,
}

impl GaussianPyramid {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds `count` levels from `src` (each the `pyrDown` of the one before).
    pub fn build(&mut self, src: &GrayView, count: usize, border: usize) {
        while self.levels.len() < count {
            self.levels.push(Padded::new());
        }
        self.count = count;
        let (mut w, mut h) = (src.width, src.height);
        for level in 0..count {
            let (prev, rest) = self.levels.split_at_mut(level);
            let this = &mut rest[0];
            this.reshape(w, h, border, 16);
            if level == 0 {
                this.copy_from(src);
            } else {
                let below = prev[level - 1].view();
                let start = this.origin();
                let stride = this.stride;
                pyr_down(
                    &below,
                    &mut this.data_mut()[start..],
                    stride,
                    &mut self.scratch,
                );
            }
            this.fill_border_reflect101();
            (w, h) = pyr_down_size(w, h);
        }
    }

    /// Number of levels built.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no level was built.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Level `i` with its border.
    pub fn level(&self, i: usize) -> &Padded<u8> {
        &self.levels[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct transcription of the definition: 25 taps, reflect-101 on both axes.
    fn reference(src: &GrayView) -> Vec<u8> {
        let k = [1u32, 4, 6, 4, 1];
        let (dw, dh) = pyr_down_size(src.width, src.height);
        let mut out = vec![0u8; dw * dh];
        for y in 0..dh {
            for x in 0..dw {
                let mut s = 0u32;
                for (j, kj) in k.iter().enumerate() {
                    let sy = reflect101(2 * y as isize + j as isize - 2, src.height);
                    for (i, ki) in k.iter().enumerate() {
                        let sx = reflect101(2 * x as isize + i as isize - 2, src.width);
                        s += kj * ki * u32::from(src.at(sx, sy));
                    }
                }
                out[y * dw + x] = ((s + 128) >> 8) as u8;
            }
        }
        out
    }

    #[test]
    fn matches_the_definition_on_odd_and_tiny_sizes() {
        for (w, h) in [(1, 1), (2, 3), (7, 5), (33, 17), (64, 9)] {
            let data: Vec<u8> = (0..w * h)
                .map(|i| ((i * 37 + i / 7 * 11) % 256) as u8)
                .collect();
            let src = GrayView::new("src", &data, w, h, w).unwrap();
            let (dw, dh) = pyr_down_size(w, h);
            let mut dst = vec![0u8; dw * dh];
            pyr_down(&src, &mut dst, dw, &mut Vec::new());
            assert_eq!(dst, reference(&src), "{w}×{h}");
        }
    }

    #[test]
    fn pyramid_levels_have_reflected_borders() {
        let data: Vec<u8> = (0..40 * 30).map(|i| (i % 251) as u8).collect();
        let src = GrayView::new("src", &data, 40, 30, 40).unwrap();
        let mut p = GaussianPyramid::new();
        p.build(&src, 3, 4);
        assert_eq!(p.len(), 3);
        let l2 = p.level(2);
        assert_eq!((l2.width, l2.height), (10, 8));
        let d = l2.data();
        let o = l2.origin();
        assert_eq!(d[o - 1], d[o + 1]);
        assert_eq!(d[o - l2.stride], d[o + l2.stride]);
    }
}
