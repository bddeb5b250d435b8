//! The integration window of Lucas–Kanade at sub-pixel positions, in OpenCV's fixed point
//! (`lkpyramid.cpp`, `LKTrackerInvoker`): bilinear weights `w = round((1 − a)(1 − b) · 2¹⁴)` etc.,
//! intensities kept ×32 (`descale` by 9 bits), derivatives descaled by 14 bits. Sums are exact
//! (`i32` per row, `i64` over rows), so every lane backend gives the same numbers.

use super::lanes::Lanes;
use crate::gray::Padded;
use crate::round::round_even;

/// Bilinear weights `[w00, w01, w10, w11]` (sum 2¹⁴) of the fractional offset `(a, b)`, as OpenCV
/// computes them in f32.
#[inline]
pub fn weights(a: f32, b: f32) -> [i16; 4] {
    let one = (1 << 14) as f32;
    let w00 = round_even((1.0 - a) * (1.0 - b) * one);
    let w01 = round_even(a * (1.0 - b) * one);
    let w10 = round_even((1.0 - a) * b * one);
    [
        w00 as i16,
        w01 as i16,
        w10 as i16,
        ((1 << 14) - w00 - w01 - w10) as i16,
    ]
}

/// The patch of the previous image and its derivatives around one point at one level, padded to
/// whole lane blocks (the padding is zero, so it adds nothing to any sum).
pub struct Window {
    pub side: usize,
    /// Row length of the buffers: `side` rounded up to 8.
    pub padded: usize,
    ival: Vec<i16>,
    ix: Vec<i16>,
    iy: Vec<i16>,
    diff: Vec<i16>,
    /// Rows summed in `i32` lanes before widening: the largest count that cannot overflow.
    flush_a: usize,
    flush_b: usize,
}

/// Largest |derivative| (Scharr of 8-bit data) and |J − I| (×32) in the window sums.
const MAX_GRAD: i64 = 16 * 255;
const MAX_DIFF: i64 = 32 * 255;

impl Window {
    pub fn new(side: usize) -> Self {
        let padded = side.div_ceil(8) * 8;
        let n = padded * side;
        // Each i32 lane gains two products per block of 8, `padded / 8` blocks per row.
        let per_row = |m: i64| 2 * m * (padded / 8) as i64;
        let rows = |m: i64| ((i64::from(i32::MAX) / per_row(m)) as usize).max(1);
        Self {
            flush_a: rows(MAX_GRAD * MAX_GRAD),
            flush_b: rows(MAX_DIFF * MAX_GRAD),
            side,
            padded,
            ival: vec![0; n],
            ix: vec![0; n],
            iy: vec![0; n],
            diff: vec![0; padded],
        }
    }

    /// Samples the window whose top-left corner is `(x0, y0)` (plus the fraction in `w`) from the
    /// image and its derivatives; returns `[ΣIx², ΣIxIy, ΣIy²]`.
    ///
    /// # Safety
    /// Rows `y0 ..= y0 + side` and columns `x0 ..= x0 + padded` must be inside the planes' buffers.
    #[inline(always)]
    pub unsafe fn sample<L: Lanes>(
        &mut self,
        img: &Padded<u8>,
        deriv: (&Padded<i16>, &Padded<i16>),
        (x0, y0): (isize, isize),
        w: [i16; 4],
    ) -> [i64; 3] {
        let (w01, w23) = (L::pair(w[0], w[1]), L::pair(w[2], w[3]));
        let at = |p: usize, s: usize, y: usize| {
            (p as isize + (y0 + y as isize) * s as isize + x0) as usize
        };
        let (ip, dxp, dyp) = (
            img.data().as_ptr(),
            deriv.0.data().as_ptr(),
            deriv.1.data().as_ptr(),
        );
        let (is, ds) = (img.stride, deriv.0.stride);
        for y in 0..self.side {
            let row = y * self.padded;
            let (pi, pdx, pdy) = (
                at(img.origin(), is, y),
                at(deriv.0.origin(), ds, y),
                at(deriv.1.origin(), ds, y),
            );
            for x in (0..self.padded).step_by(8) {
                let v = bilinear_u8::<L>(ip.add(pi + x), is, w01, w23);
                v.store(self.ival.as_mut_ptr().add(row + x));
                let gx = bilinear_i16::<L>(dxp.add(pdx + x), ds, w01, w23);
                gx.store(self.ix.as_mut_ptr().add(row + x));
                let gy = bilinear_i16::<L>(dyp.add(pdy + x), ds, w01, w23);
                gy.store(self.iy.as_mut_ptr().add(row + x));
            }
            for buf in [&mut self.ival, &mut self.ix, &mut self.iy] {
                buf[row + self.side..row + self.padded].fill(0);
            }
        }
        let mut a = [0i64; 3];
        let (mut a11, mut a12, mut a22) = (L::zero(), L::zero(), L::zero());
        for y in 0..self.side {
            for x in (0..self.padded).step_by(8) {
                let gx = L::load_i16(self.ix.as_ptr().add(y * self.padded + x));
                let gy = L::load_i16(self.iy.as_ptr().add(y * self.padded + x));
                a11 = L::add(a11, L::madd(gx, gx));
                a12 = L::add(a12, L::madd(gx, gy));
                a22 = L::add(a22, L::madd(gy, gy));
            }
            if (y + 1) % self.flush_a == 0 || y + 1 == self.side {
                for (s, v) in a.iter_mut().zip([&mut a11, &mut a12, &mut a22]) {
                    *s += i64::from(L::hsum(*v));
                    *v = L::zero();
                }
            }
        }
        a
    }

    /// The mismatch vector `[Σ(J − I)·Ix, Σ(J − I)·Iy]` with `J` sampled from the next image at
    /// `(x0, y0)` plus the fraction in `w`.
    ///
    /// # Safety
    /// As [`Window::sample`], for `next`.
    #[inline(always)]
    pub unsafe fn mismatch<L: Lanes>(
        &self,
        next: &Padded<u8>,
        (x0, y0): (isize, isize),
        w: [i16; 4],
    ) -> [i64; 2] {
        let (w01, w23) = (L::pair(w[0], w[1]), L::pair(w[2], w[3]));
        let mut b = [0i64; 2];
        let (mut b1, mut b2) = (L::zero(), L::zero());
        for y in 0..self.side {
            let p = next
                .data()
                .as_ptr()
                .offset(next.origin() as isize + (y0 + y as isize) * next.stride as isize + x0);
            for x in (0..self.padded).step_by(8) {
                let k = y * self.padded + x;
                let j = bilinear_u8::<L>(p.add(x), next.stride, w01, w23);
                let d = L::subs(j, L::load_i16(self.ival.as_ptr().add(k)));
                b1 = L::add(b1, L::madd(d, L::load_i16(self.ix.as_ptr().add(k))));
                b2 = L::add(b2, L::madd(d, L::load_i16(self.iy.as_ptr().add(k))));
            }
            if (y + 1) % self.flush_b == 0 || y + 1 == self.side {
                b[0] += i64::from(L::hsum(b1));
                b[1] += i64::from(L::hsum(b2));
                (b1, b2) = (L::zero(), L::zero());
            }
        }
        b
    }

    /// `Σ|J − I|` over the window (OpenCV's error numerator, intensities ×32).
    ///
    /// # Safety
    /// As [`Window::mismatch`].
    #[inline(always)]
    pub unsafe fn abs_error<L: Lanes>(
        &mut self,
        next: &Padded<u8>,
        (x0, y0): (isize, isize),
        w: [i16; 4],
    ) -> i64 {
        let (w01, w23) = (L::pair(w[0], w[1]), L::pair(w[2], w[3]));
        let mut total = 0i64;
        for y in 0..self.side {
            let p = next
                .data()
                .as_ptr()
                .offset(next.origin() as isize + (y0 + y as isize) * next.stride as isize + x0);
            for x in (0..self.padded).step_by(8) {
                let j = bilinear_u8::<L>(p.add(x), next.stride, w01, w23);
                let d = L::subs(j, L::load_i16(self.ival.as_ptr().add(y * self.padded + x)));
                d.store(self.diff.as_mut_ptr().add(x));
            }
            total += self.diff[..self.side]
                .iter()
                .map(|&d| i64::from(d).abs())
                .sum::<i64>();
        }
        total
    }
}

/// Eight bilinear samples of a `u8` plane at `p` (row below at `p + stride`), ×32 (`descale` 9).
#[inline(always)]
unsafe fn bilinear_u8<L: Lanes>(p: *const u8, stride: usize, w01: L, w23: L) -> L {
    let (a, a1) = (L::load_u8(p), L::load_u8(p.add(1)));
    let (b, b1) = (L::load_u8(p.add(stride)), L::load_u8(p.add(stride + 1)));
    let lo = L::add(
        L::madd(L::zip_lo(a, a1), w01),
        L::madd(L::zip_lo(b, b1), w23),
    );
    let hi = L::add(
        L::madd(L::zip_hi(a, a1), w01),
        L::madd(L::zip_hi(b, b1), w23),
    );
    L::pack(L::descale::<9>(lo), L::descale::<9>(hi))
}

/// Eight bilinear samples of an `i16` plane (`descale` 14).
#[inline(always)]
unsafe fn bilinear_i16<L: Lanes>(p: *const i16, stride: usize, w01: L, w23: L) -> L {
    let (a, a1) = (L::load_i16(p), L::load_i16(p.add(1)));
    let (b, b1) = (L::load_i16(p.add(stride)), L::load_i16(p.add(stride + 1)));
    let lo = L::add(
        L::madd(L::zip_lo(a, a1), w01),
        L::madd(L::zip_lo(b, b1), w23),
    );
    let hi = L::add(
        L::madd(L::zip_hi(a, a1), w01),
        L::madd(L::zip_hi(b, b1), w23),
    );
    L::pack(L::descale::<14>(lo), L::descale::<14>(hi))
}
