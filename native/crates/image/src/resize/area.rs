//! `INTER_AREA` shrinking, as OpenCV computes it (`resize.cpp`): box averages over the exact
//! source area of each destination pixel.
//!
//! - Integer factors `kx × ky` ([`AreaFast`], `resizeAreaFast_`): for 2 × 2
//!   `(a + b + c + d + 2) >> 2`; otherwise the integer sum times `1.f / (kx·ky)` in `f32`, rounded
//!   half to even.
//! - Other factors ([`AreaTable`], `computeResizeAreaTab` + `ResizeArea_Invoker`): per axis, each
//!   destination pixel `d` covers `[d·scale, (d + 1)·scale)`; every source pixel it overlaps gets
//!   the weight (overlap / cell width) in `f32` (partial overlaps under 10⁻³ dropped). Per
//!   source row, `buf[d] += S[s]·α` in table order; per destination row `sum = β·buf` for its
//!   first source row, then `sum += β·buf`; output `sum` rounded half to even. Same `f32`
//!   operations in the same order, so the bytes match OpenCV's.

use super::Images;

/// Destination values per strip of the stack scratch.
const STRIP: usize = 1536;

/// Integer shrink factors.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaFast {
    kx: usize,
    ky: usize,
}

impl AreaFast {
    pub fn new(kx: usize, ky: usize) -> Self {
        Self { kx, ky }
    }

    /// With `AVX2` (only from the AVX2-compiled caller) 2 × 2 of RGBA8 runs in `x86.rs`.
    #[inline(always)]
    pub(crate) fn run<const AVX2: bool>(&self, img: Images<'_>, cn: usize, dw: usize, dh: usize) {
        match (cn, self.kx, self.ky) {
            (1, 2, 2) => halve::<1, false>(img, dw, dh),
            (3, 2, 2) => halve::<3, false>(img, dw, dh),
            (4, 2, 2) => halve::<4, AVX2>(img, dw, dh),
            _ => self.average(img, cn, dw, dh),
        }
    }

    /// Integer factors other than 2 × 2: `sum · (1.f / (kx·ky))`, rounded half to even.
    #[inline(always)]
    fn average(&self, img: Images<'_>, cn: usize, dw: usize, dh: usize) {
        let (kx, ky) = (self.kx, self.ky);
        let scale = 1.0f32 / (kx * ky) as f32;
        let mut sums = [0u32; STRIP];
        for dy in 0..dh {
            for v0 in (0..dw * cn).step_by(STRIP) {
                let n = (dw * cn - v0).min(STRIP);
                let sums = &mut sums[..n];
                sums.fill(0);
                for sy in dy * ky..(dy + 1) * ky {
                    let row = &img.src[sy * img.src_stride..];
                    for (i, s) in sums.iter_mut().enumerate() {
                        let (px, c) = ((v0 + i) / cn, (v0 + i) % cn);
                        let at = px * kx * cn + c;
                        *s += (0..kx).map(|k| u32::from(row[at + k * cn])).sum::<u32>();
                    }
                }
                let out = &mut img.dst[dy * img.dst_stride + v0..][..n];
                for (o, &s) in out.iter_mut().zip(sums.iter()) {
                    *o = round_u8(s as f32 * scale);
                }
            }
        }
    }
}

/// 2 × 2: `(a + b + c + d + 2) >> 2` (`ResizeAreaFastVec`).
#[inline(always)]
fn halve<const CN: usize, const AVX2: bool>(img: Images<'_>, dw: usize, dh: usize) {
    for dy in 0..dh {
        let top = &img.src[2 * dy * img.src_stride..][..2 * dw * CN];
        let bottom = &img.src[(2 * dy + 1) * img.src_stride..][..2 * dw * CN];
        let out = &mut img.dst[dy * img.dst_stride..][..dw * CN];
        let done = if AVX2 {
            halve_rgba(top, bottom, out)
        } else {
            0
        };
        let (top, bottom) = (&top[2 * CN * done..], &bottom[2 * CN * done..]);
        let out = &mut out[CN * done..];
        let pairs = top.chunks_exact(2 * CN).zip(bottom.chunks_exact(2 * CN));
        for (o, (t, b)) in out.chunks_exact_mut(CN).zip(pairs) {
            for c in 0..CN {
                let sum =
                    u16::from(t[c]) + u16::from(t[CN + c]) + u16::from(b[c]) + u16::from(b[CN + c]);
                o[c] = ((sum + 2) >> 2) as u8;
            }
        }
    }
}

/// The AVX2 2 × 2 RGBA8 kernel on the leading pixels of a row; returns how many it wrote.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn halve_rgba(top: &[u8], bottom: &[u8], out: &mut [u8]) -> usize {
    // SAFETY: reached only with `AVX2` true, inside the AVX2-compiled run (the CPU has AVX2).
    unsafe { super::x86::halve_rgba(top, bottom, out) }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn halve_rgba(_: &[u8], _: &[u8], _: &mut [u8]) -> usize {
    0
}

/// `saturate_cast<uchar>(float)`: round half to even, clamp to 0–255.
#[inline(always)]
fn round_u8(v: f32) -> u8 {
    v.round_ties_even().clamp(0.0, 255.0) as u8
}

/// One coverage weight: destination index, source index, weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AreaTap {
    pub dst: usize,
    pub src: usize,
    pub alpha: f32,
}

/// OpenCV `computeResizeAreaTab` for one axis (sorted by destination index).
pub fn area_taps(src: usize, dst: usize, scale: f64) -> Vec<AreaTap> {
    let mut tab = Vec::with_capacity(2 * src);
    for d in 0..dst {
        let fs1 = d as f64 * scale;
        let fs2 = fs1 + scale;
        let cell = scale.min(src as f64 - fs1);
        let s2 = (fs2.floor() as usize).min(src - 1);
        let s1 = (fs1.ceil() as usize).min(s2);
        let mut push = |s: usize, alpha: f64| {
            tab.push(AreaTap {
                dst: d,
                src: s,
                alpha: alpha as f32,
            })
        };
        if s1 as f64 - fs1 > 1e-3 {
            push(s1 - 1, (s1 as f64 - fs1) / cell);
        }
        for s in s1..s2 {
            push(s, 1.0 / cell);
        }
        if fs2 - s2 as f64 > 1e-3 {
            push(s2, (fs2 - s2 as f64).min(1.0).min(cell) / cell);
        }
    }
    tab
}

/// Fractional-coverage tables of both axes.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaTable {
    x: Vec<AreaTap>,
    /// Index of the first `x` tap of each destination column, and the end.
    x_start: Vec<usize>,
    y: Vec<AreaTap>,
    dst_width: usize,
}

impl AreaTable {
    pub fn new(src: (usize, usize), dst: (usize, usize), _cn: usize, scale: (f64, f64)) -> Self {
        let x = area_taps(src.0, dst.0, scale.0);
        let mut x_start = vec![x.len(); dst.0 + 1];
        for (k, t) in x.iter().enumerate().rev() {
            x_start[t.dst] = k;
        }
        Self {
            x,
            x_start,
            y: area_taps(src.1, dst.1, scale.1),
            dst_width: dst.0,
        }
    }

    #[inline(always)]
    pub(crate) fn run(&self, img: Images<'_>, cn: usize) {
        match cn {
            1 => self.run_cn::<1>(img),
            3 => self.run_cn::<3>(img),
            _ => self.run_cn::<4>(img),
        }
    }

    #[inline(always)]
    fn run_cn<const CN: usize>(&self, img: Images<'_>) {
        let px_per_strip = STRIP / CN;
        for px0 in (0..self.dst_width).step_by(px_per_strip) {
            let px1 = (px0 + px_per_strip).min(self.dst_width);
            self.strip::<CN>(
                img.src,
                img.src_stride,
                &mut *img.dst,
                img.dst_stride,
                (px0, px1),
            );
        }
    }

    #[inline(always)]
    fn strip<const CN: usize>(
        &self,
        src: &[u8],
        src_stride: usize,
        dst: &mut [u8],
        dst_stride: usize,
        (px0, px1): (usize, usize),
    ) {
        let cn = CN;
        let n = (px1 - px0) * cn;
        let (mut buf, mut sum) = ([0f32; STRIP], [0f32; STRIP]);
        let taps = &self.x[self.x_start[px0]..self.x_start[px1]];
        let mut current = usize::MAX;
        for t in &self.y {
            let row = &src[t.src * src_stride..];
            buf[..n].fill(0.0);
            for xt in taps {
                let (b, s) = ((xt.dst - px0) * CN, xt.src * CN);
                let p: &[u8; CN] = row[s..s + CN].try_into().expect("tap inside the row");
                let acc: &mut [f32; CN] = (&mut buf[b..b + CN]).try_into().expect("in the strip");
                for c in 0..CN {
                    acc[c] += f32::from(p[c]) * xt.alpha;
                }
            }
            if t.dst != current {
                if current != usize::MAX {
                    store(&sum[..n], &mut dst[current * dst_stride + px0 * cn..][..n]);
                }
                for (s, &b) in sum[..n].iter_mut().zip(&buf[..n]) {
                    *s = t.alpha * b;
                }
                current = t.dst;
            } else {
                for (s, &b) in sum[..n].iter_mut().zip(&buf[..n]) {
                    *s += t.alpha * b;
                }
            }
        }
        store(&sum[..n], &mut dst[current * dst_stride + px0 * cn..][..n]);
    }
}

#[inline(always)]
fn store(sum: &[f32], out: &mut [u8]) {
    for (o, &s) in out.iter_mut().zip(sum) {
        *o = round_u8(s);
    }
}
