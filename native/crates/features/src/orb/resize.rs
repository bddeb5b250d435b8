//! Bilinear downscale with OpenCV `INTER_LINEAR_EXACT` semantics for 8-bit gray
//! (imgproc `resize.cpp`, `resize_bitExact` with `interpolationLinear`), which ORB uses to build its
//! scale pyramid. Bit-identical to `cv2.resize(…, interpolation=cv2.INTER_LINEAR_EXACT)`.
//!
//! Per axis, destination `d` samples `f = (d + 0.5) · (src / dst) − 0.5` (f64); with `i = ⌊f⌋`
//! the weights are `c1 = round_half_even((f − i) · 256)`, `c0 = 256 − c1` (8 fractional bits);
//! positions left of 0 take the first pixel, positions at or past the last take the last one.
//! Each row is first weighted horizontally (`h = c0·p[i] + c1·p[i+1]`, exact in `u16`), then
//! vertically, `out = (cy0·h0 + cy1·h1 + 2¹⁵) >> 16`. The clamped positions are folded into the
//! same formula with weights (256, 0) or (0, 256), which gives OpenCV's values exactly.

use crate::gray::GrayView;

/// Source offset and weights of each destination position along one axis.
#[derive(Default)]
pub struct AxisTaps {
    /// `i`, such that the pair `(i, i + 1)` is inside the source (0 when the source is 1 long).
    pub offset: Vec<u32>,
    /// `(c0, c1)`, summing to 256.
    pub weight: Vec<[u16; 2]>,
}

impl AxisTaps {
    /// Computes the taps of `dst_len` positions over `src_len` source pixels.
    pub fn compute(&mut self, src_len: usize, dst_len: usize) {
        self.offset.clear();
        self.weight.clear();
        let scale = 1.0 / (dst_len as f64 / src_len as f64);
        for d in 0..dst_len {
            let f = scale * (d as f64 + 0.5) - 0.5;
            let i = f.floor();
            let (offset, weight) = if src_len == 1 || i < 0.0 {
                (0, [256, 0])
            } else if (i as usize) < src_len - 1 {
                let c1 = ((f - i) * 256.0).round_ties_even() as u16;
                (i as usize, [256 - c1, c1])
            } else {
                (src_len - 2, [0, 256])
            };
            self.offset.push(offset as u32);
            self.weight.push(weight);
        }
    }
}

/// Reusable taps and row buffers of [`resize_linear_exact`].
#[derive(Default)]
pub struct ResizeScratch {
    x: AxisTaps,
    y: AxisTaps,
    rows: [Vec<u16>; 2],
    /// Source row held by each buffer.
    held: [usize; 2],
}

/// `dst = resize(src, (dst_width, dst_height), INTER_LINEAR_EXACT)`; `dst` rows `dst_stride` apart.
pub fn resize_linear_exact(
    src: &GrayView,
    dst: &mut [u8],
    dst_width: usize,
    dst_height: usize,
    dst_stride: usize,
    s: &mut ResizeScratch,
) {
    s.x.compute(src.width, dst_width);
    s.y.compute(src.height, dst_height);
    for r in &mut s.rows {
        r.resize(dst_width, 0);
    }
    s.held = [usize::MAX; 2];
    let gather =
        gather_available() && src.data.len() >= (src.height - 1) * src.stride + src.width + 2;
    let second = |o: usize| if src.height == 1 { o } else { o + 1 };
    for dy in 0..dst_height {
        let o = s.y.offset[dy] as usize;
        let (r0, r1) = (o, second(o));
        if s.held[0] != r0 {
            if s.held[1] == r0 {
                s.rows.swap(0, 1);
                s.held.swap(0, 1);
            } else {
                horizontal(src, r0, &s.x, &mut s.rows[0], gather);
                s.held[0] = r0;
            }
        }
        if s.held[1] != r1 {
            horizontal(src, r1, &s.x, &mut s.rows[1], gather);
            s.held[1] = r1;
        }
        let [c0, c1] = s.y.weight[dy];
        let out = &mut dst[dy * dst_stride..dy * dst_stride + dst_width];
        vertical(&s.rows[0], &s.rows[1], u32::from(c0), u32::from(c1), out);
    }
}

/// `h[x] = c0·p[i] + c1·p[i + 1]` (8 fractional bits; ≤ 65 280) for row `y`. With `gather`, the
/// caller has checked that 2 bytes past the row end are readable.
#[inline]
fn horizontal(src: &GrayView, y: usize, taps: &AxisTaps, h: &mut [u16], gather: bool) {
    let p = &src.data[y * src.stride..];
    if src.width == 1 {
        h.fill(u16::from(p[0]) << 8);
        return;
    }
    // SAFETY (x86): AVX2 checked by the caller; every 4-byte read at p + i (i ≤ width − 2) stays
    // within `src.data`, which extends 2 bytes past the last row (checked by the caller).
    #[cfg(target_arch = "x86_64")]
    let done = if gather {
        unsafe { x86::horizontal(p.as_ptr(), &taps.offset, &taps.weight, h) }
    } else {
        0
    };
    #[cfg(not(target_arch = "x86_64"))]
    let done = {
        let _ = gather;
        0
    };
    let rest = h.iter_mut().zip(&taps.offset).zip(&taps.weight).skip(done);
    for ((hx, &o), &[c0, c1]) in rest {
        let o = o as usize;
        *hx = c0 * u16::from(p[o]) + c1 * u16::from(p[o + 1]);
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// Eight outputs at a time: gather 4 bytes at each `p + i`, keep the pair `(p[i], p[i + 1])` as
    /// two 16-bit lanes and multiply-add with `(c0, c1)`. Returns the number of outputs done.
    #[target_feature(enable = "avx2")]
    pub unsafe fn horizontal(
        p: *const u8,
        offset: &[u32],
        weight: &[[u16; 2]],
        h: &mut [u16],
    ) -> usize {
        let n = h.len() / 8 * 8;
        let (lo, hi) = (_mm256_set1_epi32(0xFF), _mm256_set1_epi32(0xFF00));
        for x in (0..n).step_by(8) {
            let idx = _mm256_loadu_si256(offset.as_ptr().add(x).cast());
            let g = _mm256_i32gather_epi32::<1>(p.cast(), idx);
            let pairs = _mm256_or_si256(
                _mm256_and_si256(g, lo),
                _mm256_slli_epi32::<8>(_mm256_and_si256(g, hi)),
            );
            let w = _mm256_loadu_si256(weight.as_ptr().add(x).cast());
            let s = _mm256_madd_epi16(pairs, w);
            let packed = _mm256_permute4x64_epi64::<0b1000>(_mm256_packus_epi32(s, s));
            _mm_storeu_si128(h.as_mut_ptr().add(x).cast(), _mm256_castsi256_si128(packed));
        }
        n
    }
}

fn gather_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `out[x] = (c0·h0[x] + c1·h1[x] + 2¹⁵) >> 16` (OpenCV's `ufixedpoint32` → `uint8_t` cast).
#[inline]
fn vertical(h0: &[u16], h1: &[u16], c0: u32, c1: u32, out: &mut [u8]) {
    for ((o, &a), &b) in out.iter_mut().zip(h0).zip(h1) {
        *o = ((u32::from(a) * c0 + u32::from(b) * c1 + (1 << 15)) >> 16) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taps_fold_the_clamped_ends() {
        let mut t = AxisTaps::default();
        t.compute(5, 3);
        // scale 5/3: f = 0.3333, 2, 3.6667.
        assert_eq!(t.offset, [0, 2, 3]);
        assert_eq!(t.weight, [[171, 85], [256, 0], [85, 171]]);
        t.compute(2, 5);
        // Upscale: f = −0.3 (clamped left), 0.1, 0.5, 0.9, 1.3 (clamped right).
        assert_eq!(t.offset, [0, 0, 0, 0, 0]);
        assert_eq!(
            t.weight,
            [[256, 0], [230, 26], [128, 128], [26, 230], [0, 256]]
        );
    }

    #[test]
    fn constant_image_stays_constant_and_one_pixel_sources_work() {
        let data = vec![77u8; 23 * 17];
        let src = GrayView::new("src", &data, 23, 17, 23).unwrap();
        let mut dst = vec![0u8; 19 * 14];
        resize_linear_exact(&src, &mut dst, 19, 14, 19, &mut ResizeScratch::default());
        assert!(dst.iter().all(|&v| v == 77));
        let one = [200u8];
        let src = GrayView::new("src", &one, 1, 1, 1).unwrap();
        let mut dst = [0u8; 6];
        resize_linear_exact(&src, &mut dst, 3, 2, 3, &mut ResizeScratch::default());
        assert_eq!(dst, [200; 6]);
    }
}
