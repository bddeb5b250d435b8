//! Separable two-tap resize in OpenCV's 11-bit fixed point (`resizeGeneric_` with
//! `HResizeLinear<uchar, int, short, 2048>` and `VResizeLinear` + `VResizeLinearVec_32s8u`).
//!
//! Taps per axis (`resize.cpp`, `cv::hal::resize`), with `scale = 1 / (dst / src)`:
//! - `INTER_LINEAR`: `f = (float)((d + 0.5)·scale − 0.5)`, `s = floor(f)`, `f −= s` (in `f32`);
//! - `INTER_AREA` growing: `s = floor(d·scale)`, `f = (float)((d + 1) − (s + 1)/scale)`,
//!   `f = f ≤ 0 ? 0 : f − floor(f)`;
//! - horizontally, `s < 0` or `s ≥ w − 1` clamps to the edge pixel with `f = 0`; vertically the
//!   weights stay and the rows `s`, `s + 1` are clamped into the image;
//! - weights `round_half_even((1 − f)·2048)`, `round_half_even(f·2048)`.
//!
//! Horizontal pass: `H = S[s]·a0 + S[s + 1]·a1` (exact integers). Vertical pass as OpenCV's SIMD
//! path computes it (`v_mul_hi` on 16-bit lanes): `D = sat_u8((((H0 >> 4)·b0 >> 16) +
//! ((H1 >> 4)·b1 >> 16) + 2) >> 2)`. OpenCV runs its scalar formula
//! `(H0·b0 + H1·b1 + 2²¹) >> 22` on the last `width·cn mod 16` values of a row (AVX2 build); there
//! the two may differ by one grey level.

use super::Images;

/// Values (pixels × channels) per strip of the scratch rows, which live on the stack (plus slack
/// for the AVX2 kernel's overlapping 4-value stores of 3-channel pixels).
const STRIP: usize = 1536;
const ROW: usize = STRIP + 8;
const ONE: f32 = 2048.0;

/// One axis: first source index and the two weights per destination index.
#[derive(Clone, Debug, PartialEq)]
pub struct Taps {
    pub first: Vec<i32>,
    pub weights: Vec<[i32; 2]>,
}

fn weights(f: f32) -> [i32; 2] {
    [
        ((1.0 - f) * ONE).round_ties_even() as i32,
        (f * ONE).round_ties_even() as i32,
    ]
}

/// Taps of `dst` indices over `src` (see the module docs); `clamp` for the horizontal axis.
pub fn taps(src: usize, dst: usize, area_mode: bool, clamp: bool) -> Taps {
    let inv_scale = dst as f64 / src as f64;
    let scale = 1.0 / inv_scale;
    let (mut first, mut w) = (Vec::with_capacity(dst), Vec::with_capacity(dst));
    for d in 0..dst {
        let (mut s, mut f) = if area_mode {
            let s = (d as f64 * scale).floor();
            let f = ((d + 1) as f64 - (s + 1.0) * inv_scale) as f32;
            (s as i64, if f <= 0.0 { 0.0 } else { f - f.floor() })
        } else {
            let f = ((d as f64 + 0.5) * scale - 0.5) as f32;
            let s = f.floor();
            (s as i64, f - s)
        };
        if clamp && s < 0 {
            (s, f) = (0, 0.0);
        }
        if clamp && s >= src as i64 - 1 {
            (s, f) = (src as i64 - 1, 0.0);
        }
        first.push(s as i32);
        w.push(weights(f));
    }
    Taps { first, weights: w }
}

/// Both axes of a separable resize.
#[derive(Clone, Debug, PartialEq)]
pub struct Separable {
    x: Taps,
    y: Taps,
    src_width: usize,
    /// `a0 | a1 << 16` per destination column (the AVX2 horizontal kernels' weights).
    packed: Vec<i32>,
    /// Leading destination columns whose two taps the AVX2 kernels may load with one read (2
    /// bytes for gray, 8 for colour) without leaving the source row.
    vector_columns: usize,
}

impl Separable {
    pub fn new(src: (usize, usize), dst: (usize, usize), cn: usize, area_mode: bool) -> Self {
        let x = taps(src.0, dst.0, area_mode, true);
        let load = if cn == 1 { 2 } else { 8 };
        let vector_columns = x
            .first
            .iter()
            .take_while(|&&s| s as usize * cn + load <= src.0 * cn)
            .count();
        Self {
            packed: x.weights.iter().map(|&[a0, a1]| a0 | (a1 << 16)).collect(),
            x,
            y: taps(src.1, dst.1, area_mode, false),
            src_width: src.0,
            vector_columns,
        }
    }

    /// Runs over vertical strips of the destination, each with a two-row cache of horizontal
    /// results (a source row is interpolated once per strip).
    /// With `AVX2` (only from the AVX2-compiled caller) the horizontal pass of the leading
    /// columns runs in `x86.rs`.
    #[inline(always)]
    pub(crate) fn run<const AVX2: bool>(&self, img: Images<'_>, cn: usize, src_height: usize) {
        match cn {
            1 => self.run_cn::<1, AVX2>(img, src_height),
            3 => self.run_cn::<3, AVX2>(img, src_height),
            _ => self.run_cn::<4, AVX2>(img, src_height),
        }
    }

    #[inline(always)]
    fn run_cn<const CN: usize, const AVX2: bool>(&self, img: Images<'_>, src_height: usize) {
        let cn = CN;
        let Images {
            src,
            src_stride,
            dst,
            dst_stride,
        } = img;
        let source = Source {
            src,
            stride: src_stride,
        };
        let px_per_strip = STRIP / cn;
        let mut rows = [[0i32; ROW]; 2];
        for px0 in (0..self.x.first.len()).step_by(px_per_strip) {
            let px1 = (px0 + px_per_strip).min(self.x.first.len());
            let n = (px1 - px0) * cn;
            let mut held = [usize::MAX; 2];
            for (dy, (&sy, &[b0, b1])) in self.y.first.iter().zip(&self.y.weights).enumerate() {
                let clamp = |r: i32| r.clamp(0, src_height as i32 - 1) as usize;
                let (r0, r1) = (clamp(sy), clamp(sy + 1));
                let s0 = self.slot::<CN, AVX2>(&mut rows, &mut held, (r0, r1), &source, (px0, px1));
                let s1 = self.slot::<CN, AVX2>(&mut rows, &mut held, (r1, r0), &source, (px0, px1));
                let out = &mut dst[dy * dst_stride + px0 * cn..][..n];
                vertical(&rows[s0][..n], &rows[s1][..n], b0, b1, out);
            }
        }
    }

    /// The cache slot holding the horizontal pass of source row `row`, computing it into the
    /// slot not holding `keep` when absent.
    #[inline(always)]
    fn slot<const CN: usize, const AVX2: bool>(
        &self,
        rows: &mut [[i32; ROW]; 2],
        held: &mut [usize; 2],
        (row, keep): (usize, usize),
        s: &Source<'_>,
        (px0, px1): (usize, usize),
    ) -> usize {
        if let Some(i) = held.iter().position(|&h| h == row) {
            return i;
        }
        let i = usize::from(held[0] == keep);
        let src = &s.src[row * s.stride..][..self.src_width * CN];
        self.horizontal::<CN, AVX2>(src, px0..px1, &mut rows[i]);
        held[i] = row;
        i
    }

    /// `H = S[s]·a0 + S[s + 1]·a1` per value of the strip (`s + 1` kept inside the row: its
    /// weight is 0 at the clamped right edge), into `out` from its start.
    #[inline(always)]
    fn horizontal<const CN: usize, const AVX2: bool>(
        &self,
        src: &[u8],
        px: std::ops::Range<usize>,
        out: &mut [i32; ROW],
    ) {
        let done = if AVX2 {
            self.vector_horizontal::<CN>(src, px.clone(), out)
        } else {
            0
        };
        let last = self.src_width - 1;
        let px = px.start + done..px.end;
        let taps = self.x.first[px.clone()]
            .iter()
            .zip(&self.x.weights[px.clone()]);
        let out = &mut out[done * CN..px.len() * CN + done * CN];
        for ((&s, &[a0, a1]), o) in taps.zip(out.chunks_exact_mut(CN)) {
            let i0 = s as usize * CN;
            let i1 = (s as usize + 1).min(last) * CN;
            let (p0, p1): (&[u8; CN], &[u8; CN]) = (
                src[i0..i0 + CN].try_into().expect("tap inside the row"),
                src[i1..i1 + CN].try_into().expect("tap inside the row"),
            );
            for c in 0..CN {
                o[c] = i32::from(p0[c]) * a0 + i32::from(p1[c]) * a1;
            }
        }
    }
}

impl Separable {
    /// The AVX2 horizontal kernel on the leading columns of the strip; returns how many it wrote.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn vector_horizontal<const CN: usize>(
        &self,
        src: &[u8],
        px: std::ops::Range<usize>,
        out: &mut [i32; ROW],
    ) -> usize {
        let end = px.end.min(self.vector_columns).max(px.start);
        let (first, packed) = (&self.x.first[px.start..end], &self.packed[px.start..end]);
        // SAFETY: reached only with `AVX2` true, inside the AVX2-compiled run (the CPU has it);
        // the columns before `vector_columns` have both taps loadable inside the row.
        unsafe { super::x86::horizontal::<CN>(src, first, packed, out) }
    }

    #[cfg(not(target_arch = "x86_64"))]
    #[inline(always)]
    fn vector_horizontal<const CN: usize>(
        &self,
        _: &[u8],
        _: std::ops::Range<usize>,
        _: &mut [i32; ROW],
    ) -> usize {
        0
    }
}

/// The source image as the horizontal pass reads it.
struct Source<'a> {
    src: &'a [u8],
    stride: usize,
}

/// OpenCV's vectorized vertical step (`VResizeLinearVec_32s8u`).
#[inline(always)]
fn vertical(h0: &[i32], h1: &[i32], b0: i32, b1: i32, out: &mut [u8]) {
    for ((o, &a), &b) in out.iter_mut().zip(h0).zip(h1) {
        let v = (((a >> 4) * b0) >> 16) + (((b >> 4) * b1) >> 16);
        *o = ((v + 2) >> 2).clamp(0, 255) as u8;
    }
}
