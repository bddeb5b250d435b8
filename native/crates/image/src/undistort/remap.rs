//! Bilinear remap through an [`UndistortMap`], as OpenCV 5 computes `cv::remap` with `CV_32FC1`
//! maps, `INTER_LINEAR` and `BORDER_CONSTANT` 0 (`modules/imgproc/src/warp_common.scalar.hpp`):
//! `ix = floor(sx)`, `fx = sx − ix` in `f32` (same for y);
//! - all four taps inside: `v0 = p00 + fx·(p01 − p00)`, `v1 = p10 + fx·(p11 − p10)`,
//!   `v = v0 + fy·(v1 − v0)` in `f32`, rounded half to even;
//! - `ix ≥ w` or `ix < −1` (or the same for y): the pixel is 0;
//! - otherwise the taps outside the frame read 0.

use super::map::UndistortMap;

#[inline(always)]
pub(super) fn remap(
    map: &UndistortMap,
    src: &[u8],
    (sw, sh, stride): (usize, usize, usize),
    cn: usize,
    dst: &mut [u8],
    dst_stride: usize,
) {
    let s = Source::new(src, sw, sh, stride);
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, the only feature the function is compiled for.
        return unsafe { remap_avx2(map, &s, cn, dst, dst_stride) };
    }
    remap_rows(map, &s, cn, dst, dst_stride);
}

/// The distorted frame.
pub(super) struct Source<'a> {
    src: &'a [u8],
    sw: usize,
    sh: usize,
    stride: usize,
}

impl<'a> Source<'a> {
    /// `src` of `sw × sh` pixels, rows `stride` bytes apart.
    pub(super) fn new(src: &'a [u8], sw: usize, sh: usize, stride: usize) -> Self {
        Self {
            src,
            sw,
            sh,
            stride,
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn remap_avx2(map: &UndistortMap, s: &Source<'_>, cn: usize, dst: &mut [u8], dst_stride: usize) {
    if cn != 1 || s.sw < 4 || s.sh < 2 {
        return remap_rows(map, s, cn, dst, dst_stride);
    }
    let w = map.width;
    for v in 0..map.height {
        let xs = &map.map_x[v * w..(v + 1) * w];
        let ys = &map.map_y[v * w..(v + 1) * w];
        let out = &mut dst[v * dst_stride..][..w];
        let mut u = 0;
        while u + 8 <= w {
            if !x86::gray8(s, &xs[u..u + 8], &ys[u..u + 8], &mut out[u..u + 8]) {
                for k in u..u + 8 {
                    out[k] = sample::<1>(s, xs[k], ys[k])[0];
                }
            }
            u += 8;
        }
        for k in u..w {
            out[k] = sample::<1>(s, xs[k], ys[k])[0];
        }
    }
}

/// Eight gray pixels at a time with AVX2: taken only when every tap pair of the eight lies
/// inside the frame with room for a 4-byte gather (`0 ≤ ix < w − 3`, `0 ≤ iy < h − 1`); the same
/// `f32` operations as [`sample`], so the bytes are identical.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::Source;
    use std::arch::x86_64::*;

    /// Writes 8 pixels and returns true, or returns false (nothing written) when a tap pair
    /// falls outside the fast-path region.
    #[target_feature(enable = "avx2")]
    pub fn gray8(s: &Source<'_>, xs: &[f32], ys: &[f32], out: &mut [u8]) -> bool {
        assert!(xs.len() == 8 && ys.len() == 8 && out.len() == 8);
        // SAFETY: 8 floats in each map slice (asserted); unaligned loads.
        let (sx, sy) = unsafe { (_mm256_loadu_ps(xs.as_ptr()), _mm256_loadu_ps(ys.as_ptr())) };
        let (fx0, fy0) = (_mm256_floor_ps(sx), _mm256_floor_ps(sy));
        let (fx, fy) = (_mm256_sub_ps(sx, fx0), _mm256_sub_ps(sy, fy0));
        let (ix, iy) = (_mm256_cvttps_epi32(fx0), _mm256_cvttps_epi32(fy0));
        let minus1 = _mm256_set1_epi32(-1);
        let ok = _mm256_and_si256(
            _mm256_and_si256(
                _mm256_cmpgt_epi32(ix, minus1),
                _mm256_cmpgt_epi32(_mm256_set1_epi32(s.sw as i32 - 3), ix),
            ),
            _mm256_and_si256(
                _mm256_cmpgt_epi32(iy, minus1),
                _mm256_cmpgt_epi32(_mm256_set1_epi32(s.sh as i32 - 1), iy),
            ),
        );
        if _mm256_movemask_epi8(ok) != -1 {
            return false;
        }
        let offset = _mm256_add_epi32(
            _mm256_mullo_epi32(iy, _mm256_set1_epi32(s.stride as i32)),
            ix,
        );
        let base = s.src.as_ptr();
        // SAFETY: every lane has 0 ≤ ix ≤ w − 4 and 0 ≤ iy ≤ h − 2 (checked above), so both
        // 4-byte loads at `iy·stride + ix` and one row below are inside `src`, whose length the
        // caller checked against the layout.
        let (top, bottom) = unsafe {
            (
                _mm256_i32gather_epi32::<1>(base.cast(), offset),
                _mm256_i32gather_epi32::<1>(base.add(s.stride).cast(), offset),
            )
        };
        let byte = _mm256_set1_epi32(0xff);
        let px = |g: __m256i, shift: i32| {
            _mm256_cvtepi32_ps(_mm256_and_si256(
                _mm256_srlv_epi32(g, _mm256_set1_epi32(shift)),
                byte,
            ))
        };
        let (p00, p01, p10, p11) = (px(top, 0), px(top, 8), px(bottom, 0), px(bottom, 8));
        let v0 = _mm256_add_ps(p00, _mm256_mul_ps(fx, _mm256_sub_ps(p01, p00)));
        let v1 = _mm256_add_ps(p10, _mm256_mul_ps(fx, _mm256_sub_ps(p11, p10)));
        let v = _mm256_add_ps(v0, _mm256_mul_ps(fy, _mm256_sub_ps(v1, v0)));
        let i = _mm256_cvtps_epi32(v);
        let words = _mm_packs_epi32(_mm256_castsi256_si128(i), _mm256_extracti128_si256::<1>(i));
        let bytes = _mm_packus_epi16(words, words);
        // SAFETY: `out` holds 8 bytes (asserted); unaligned 8-byte store.
        unsafe { _mm_storel_epi64(out.as_mut_ptr().cast(), bytes) };
        true
    }
}

#[inline(always)]
pub(super) fn remap_rows(
    map: &UndistortMap,
    s: &Source<'_>,
    cn: usize,
    dst: &mut [u8],
    dst_stride: usize,
) {
    match cn {
        1 => rows::<1>(map, s, dst, dst_stride),
        3 => rows::<3>(map, s, dst, dst_stride),
        _ => rows::<4>(map, s, dst, dst_stride),
    }
}

#[inline(always)]
fn rows<const CN: usize>(map: &UndistortMap, s: &Source<'_>, dst: &mut [u8], dst_stride: usize) {
    let w = map.width;
    for v in 0..map.height {
        let xs = &map.map_x[v * w..(v + 1) * w];
        let ys = &map.map_y[v * w..(v + 1) * w];
        let out = &mut dst[v * dst_stride..][..w * CN];
        for ((o, &sx), &sy) in out.chunks_exact_mut(CN).zip(xs).zip(ys) {
            let o: &mut [u8; CN] = o.try_into().expect("CN bytes");
            *o = sample::<CN>(s, sx, sy);
        }
    }
}

/// One output pixel (module docs).
#[inline(always)]
fn sample<const CN: usize>(s: &Source<'_>, sx: f32, sy: f32) -> [u8; CN] {
    let (fx0, fy0) = (sx.floor(), sy.floor());
    let (fx, fy) = (sx - fx0, sy - fy0);
    let (ix, iy) = (fx0 as i32, fy0 as i32);
    let inside = (ix as u32) < (s.sw as u32 - 1) && (iy as u32) < (s.sh as u32 - 1);
    let at = |x: i32, y: i32, c: usize| -> i32 {
        if (x as u32) < s.sw as u32 && (y as u32) < s.sh as u32 {
            i32::from(s.src[y as usize * s.stride + x as usize * CN + c])
        } else {
            0
        }
    };
    let mut out = [0u8; CN];
    if !inside
        && ((ix.wrapping_add(1) as u32) > s.sw as u32 || (iy.wrapping_add(1) as u32) > s.sh as u32)
    {
        return out;
    }
    for (c, o) in out.iter_mut().enumerate() {
        let (p00, p01, p10, p11) = if inside {
            let i = iy as usize * s.stride + ix as usize * CN + c;
            let j = i + s.stride;
            (
                i32::from(s.src[i]),
                i32::from(s.src[i + CN]),
                i32::from(s.src[j]),
                i32::from(s.src[j + CN]),
            )
        } else {
            (
                at(ix, iy, c),
                at(ix + 1, iy, c),
                at(ix, iy + 1, c),
                at(ix + 1, iy + 1, c),
            )
        };
        let v0 = p00 as f32 + fx * (p01 - p00) as f32;
        let v1 = p10 as f32 + fx * (p11 - p10) as f32;
        let v = v0 + fy * (v1 - v0);
        *o = v.round_ties_even().clamp(0.0, 255.0) as u8;
    }
    out
}
