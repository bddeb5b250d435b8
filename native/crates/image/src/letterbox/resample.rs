//! Bilinear resampling of 8-bit rows straight into normalized float planes (the inner loops of
//! the letterbox).
//!
//! Pixel-centre convention of OpenCV `cv::resize(..., INTER_LINEAR)` (`modules/imgproc/src/resize.cpp`):
//! destination pixel `d` samples the source at `s = (d + 0.5) * (src_len / dst_len) - 0.5`; the
//! two taps are `floor(s)` and `floor(s) + 1` with weight `s - floor(s)` on the second; when
//! `s < 0` or `floor(s) >= src_len - 1` the coordinate is clamped to the edge pixel (weight 0).
//! Unlike OpenCV on 8-bit input, the weights are not quantized to 11 bits and the result is not
//! rounded back to 8 bits: the output is the exact bilinear value (it differs from OpenCV's by at
//! most about half a grey level).
//!
//! Per output row: the two source rows are blended vertically over their whole width (contiguous,
//! vectorized), then each output pixel interpolates two neighbours of that blended row. The
//! per-channel affine `v * scale + bias` is applied in the vertical pass for colour (it commutes
//! with interpolation, the weights summing to 1) and in a vectorized pass per plane for gray.

/// One interpolation tap along an axis: the first neighbour and the weight of the second one
/// (`value = a + (b - a) * w`). At a clamped edge `w` is 0 and the second neighbour is not used.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tap {
    pub index: usize,
    pub w: f32,
}

/// Taps mapping `dst_len` output pixels onto `src_len` input pixels, computed in `f64`.
pub fn taps(src_len: usize, dst_len: usize) -> Vec<Tap> {
    let ratio = src_len as f64 / dst_len as f64;
    let last = src_len - 1;
    (0..dst_len)
        .map(|d| {
            let s = (d as f64 + 0.5) * ratio - 0.5;
            let i = s.floor();
            if s < 0.0 {
                Tap { index: 0, w: 0.0 }
            } else if i as usize >= last {
                Tap {
                    index: last,
                    w: 0.0,
                }
            } else {
                Tap {
                    index: i as usize,
                    w: (s - i) as f32,
                }
            }
        })
        .collect()
}

/// Per output channel: `out = value * scale + bias` (bias = -mean * scale).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Affine {
    pub scale: f32,
    pub bias: f32,
}

/// Source pixel layout as the row kernels see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Gray,
    /// 3 bytes per pixel; `swap`: output channel k reads byte 2 - k.
    Color3 {
        swap: bool,
    },
    /// 4 bytes per pixel (the 4th ignored).
    Color4 {
        swap: bool,
    },
}

impl Kind {
    fn bytes_per_pixel(self) -> usize {
        match self {
            Kind::Gray => 1,
            Kind::Color3 { .. } => 3,
            Kind::Color4 { .. } => 4,
        }
    }
}

/// Everything one resample needs.
pub struct Job<'a> {
    pub src: &'a [u8],
    pub width: usize,
    pub height: usize,
    /// Bytes from one source row to the next.
    pub stride: usize,
    pub xt: &'a [Tap],
    pub yt: &'a [Tap],
    pub norm: [Affine; 3],
    /// The three output planes, each `tensor_width` wide.
    pub planes: [&'a mut [f32]; 3],
    pub tensor_width: usize,
    /// Plane offset of the resized image's top-left pixel.
    pub origin: usize,
    pub kind: Kind,
}

/// Runs the resample, with AVX2 + FMA code generation when the CPU has them (x86-64; the portable
/// build targets SSE2). Both paths run the same Rust code; results agree to float rounding.
pub fn resample(job: Job<'_>) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports the features the function is compiled for.
        unsafe { resample_avx2(job) };
        return;
    }
    resample_portable(job);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn resample_avx2(job: Job<'_>) {
    resample_portable(job);
}

#[inline(always)]
fn resample_portable(job: Job<'_>) {
    let bpp = job.kind.bytes_per_pixel();
    let row_len = job.width * bpp;
    // Horizontal taps as offsets into the blended row; that row carries one extra copy of its
    // last pixel so that `off + 2·bpp <= tmp.len()` for every tap.
    let xs: Vec<(usize, f32)> = job.xt.iter().map(|t| (t.index * bpp, t.w)).collect();
    let mut tmp = vec![0f32; row_len + bpp];
    let [s0, s1, s2] = job.norm;
    let (scale, bias) = position_affine(job.kind, &job.norm, row_len);
    let mut hrow = vec![0f32; if job.kind == Kind::Gray { xs.len() } else { 0 }];
    let mut planes = job.planes;
    let last_row = (job.height - 1) * job.stride;
    for (y, ty) in job.yt.iter().enumerate() {
        let lo = ty.index * job.stride;
        let hi = (lo + job.stride).min(last_row);
        let (r0, r1) = (&job.src[lo..lo + row_len], &job.src[hi..hi + row_len]);
        let start = job.origin + y * job.tensor_width;
        let range = start..start + xs.len();
        let [a, b, c] = &mut planes;
        let out = [&mut a[range.clone()], &mut b[range.clone()], &mut c[range]];
        if job.kind == Kind::Gray {
            blend(r0, r1, ty.w, &mut tmp[..row_len]);
            tmp[row_len] = tmp[row_len - 1];
            gray_taps(&tmp, &xs, &mut hrow);
            for (o, n) in out.into_iter().zip([s0, s1, s2]) {
                apply(&hrow, n, o);
            }
        } else {
            blend_affine(r0, r1, ty.w, &scale, &bias, &mut tmp[..row_len]);
            tmp.copy_within(row_len - bpp..row_len, row_len);
            match job.kind {
                Kind::Color3 { swap } => color_taps::<3>(&tmp, &xs, swap, out),
                _ => color_taps::<4>(&tmp, &xs, swap_of(job.kind), out),
            }
        }
    }
}

fn swap_of(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Color3 { swap: true } | Kind::Color4 { swap: true }
    )
}

/// For colour, the affine of the output channel that reads each byte of a row (alpha: identity).
fn position_affine(kind: Kind, norm: &[Affine; 3], row_len: usize) -> (Vec<f32>, Vec<f32>) {
    if kind == Kind::Gray {
        return (Vec::new(), Vec::new());
    }
    let bpp = kind.bytes_per_pixel();
    let of = |j: usize| match j {
        0..=2 if swap_of(kind) => norm[2 - j],
        0..=2 => norm[j],
        _ => Affine {
            scale: 1.0,
            bias: 0.0,
        },
    };
    (0..row_len)
        .map(|i| (of(i % bpp).scale, of(i % bpp).bias))
        .unzip()
}

/// `tmp[i] = r0[i] + (r1[i] - r0[i]) * fy`.
#[inline(always)]
fn blend(r0: &[u8], r1: &[u8], fy: f32, tmp: &mut [f32]) {
    for ((t, &a), &b) in tmp.iter_mut().zip(r0).zip(r1) {
        *t = lerp(f32::from(a), f32::from(b), fy);
    }
}

/// `tmp[i] = (r0[i] + (r1[i] - r0[i]) * fy) * scale[i] + bias[i]`.
#[inline(always)]
fn blend_affine(r0: &[u8], r1: &[u8], fy: f32, scale: &[f32], bias: &[f32], tmp: &mut [f32]) {
    let it = tmp
        .iter_mut()
        .zip(r0.iter().zip(r1))
        .zip(scale.iter().zip(bias));
    for ((t, (&a, &b)), (&s, &o)) in it {
        *t = lerp(f32::from(a), f32::from(b), fy) * s + o;
    }
}

/// Horizontal interpolation of a blended gray row.
#[inline(always)]
fn gray_taps(tmp: &[f32], xs: &[(usize, f32)], hrow: &mut [f32]) {
    for (h, &(off, w)) in hrow.iter_mut().zip(xs) {
        let p: &[f32; 2] = tmp[off..off + 2]
            .try_into()
            .expect("tap inside the padded row");
        *h = lerp(p[0], p[1], w);
    }
}

/// `out = v * scale + bias` over a row (vectorized).
#[inline(always)]
fn apply(v: &[f32], n: Affine, out: &mut [f32]) {
    for (o, &x) in out.iter_mut().zip(v) {
        *o = x * n.scale + n.bias;
    }
}

/// Horizontal interpolation of a blended, normalized colour row into the three planes. Output
/// channel `k` reads value `k` of each pixel, or `2 - k` when `swap`.
#[inline(always)]
fn color_taps<const BPP: usize>(
    tmp: &[f32],
    xs: &[(usize, f32)],
    swap: bool,
    out: [&mut [f32]; 3],
) {
    let [o0, o1, o2] = out;
    let (i0, i2) = if swap { (2, 0) } else { (0, 2) };
    let it = xs
        .iter()
        .zip(o0.iter_mut().zip(o1.iter_mut().zip(o2.iter_mut())));
    for (&(off, w), (a, (b, c))) in it {
        let p = &tmp[off..off + 2 * BPP];
        *a = lerp(p[i0], p[BPP + i0], w);
        *b = lerp(p[1], p[BPP + 1], w);
        *c = lerp(p[i2], p[BPP + i2], w);
    }
}

#[inline(always)]
fn lerp(a: f32, b: f32, w: f32) -> f32 {
    a + (b - a) * w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_scale_samples_pixel_centres() {
        let t = taps(4, 4);
        assert!(t
            .iter()
            .enumerate()
            .all(|(i, tap)| tap.index == i && tap.w == 0.0));
    }

    #[test]
    fn downscale_by_two_averages_pairs() {
        // s = (d + 0.5) * 2 - 0.5 = 2d + 0.5: halfway between pixels 2d and 2d + 1.
        assert_eq!(taps(8, 4)[1], Tap { index: 2, w: 0.5 });
    }

    /// The runtime-dispatched path (AVX2 + FMA here when the CPU has them) and the portable path
    /// (what aarch64 and older x86-64 run) agree.
    #[test]
    fn dispatched_and_portable_paths_agree() {
        let (w, h, tw, th) = (53, 31, 40, 40);
        for kind in [
            Kind::Gray,
            Kind::Color3 { swap: true },
            Kind::Color4 { swap: false },
        ] {
            let stride = w * kind.bytes_per_pixel() + 3;
            let src: Vec<u8> = (0..stride * h).map(|i| (i * 7919 % 251) as u8).collect();
            let norm = [
                Affine {
                    scale: 0.5,
                    bias: -3.0,
                },
                Affine {
                    scale: 1.0,
                    bias: 0.0,
                },
                Affine {
                    scale: 2.0,
                    bias: 1.0,
                },
            ];
            let (xt, yt) = (taps(w, tw), taps(h, 23));
            let run = |dispatched: bool| {
                let mut out = vec![0f32; 3 * tw * th];
                let (p0, rest) = out.split_at_mut(tw * th);
                let (p1, p2) = rest.split_at_mut(tw * th);
                let job = Job {
                    src: &src,
                    width: w,
                    height: h,
                    stride,
                    xt: &xt,
                    yt: &yt,
                    norm,
                    planes: [p0, p1, p2],
                    tensor_width: tw,
                    origin: 5 * tw,
                    kind,
                };
                if dispatched {
                    resample(job)
                } else {
                    resample_portable(job)
                }
                out
            };
            let (a, b) = (run(true), run(false));
            assert!(
                a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-4),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn upscale_clamps_both_edges() {
        // ratio 0.25: d = 0 gives s = -0.375 (clamped), d = 7 gives s = 1.375 >= last (clamped).
        let t = taps(2, 8);
        assert_eq!(t[0], Tap { index: 0, w: 0.0 });
        assert_eq!(t[7], Tap { index: 1, w: 0.0 });
        assert_eq!(t[3], Tap { index: 0, w: 0.375 });
    }
}
