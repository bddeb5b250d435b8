//! Image derivatives for Lucas–Kanade: the 3×3 Scharr operator as OpenCV's `calcScharrDeriv`
//! (video `lkpyramid.cpp`): `Ix = [−3 0 3; −10 0 10; −3 0 3]`, `Iy` its transpose, unnormalized
//! (|I| ≤ 4080), edges reflected (`BORDER_REFLECT_101`), the planes bordered with zeros.

use crate::gray::Padded;

/// Reusable rows of the vertical pass.
#[derive(Default)]
pub struct ScharrScratch {
    smooth: Vec<i16>,
    diff: Vec<i16>,
}

/// `(ix, iy)` = Scharr derivatives of the image part of `img` (whose border, ≥ 1, holds its
/// reflection); the planes are reshaped to the image size with a zero border of `border`.
pub fn scharr(
    img: &Padded<u8>,
    ix: &mut Padded<i16>,
    iy: &mut Padded<i16>,
    border: usize,
    s: &mut ScharrScratch,
) {
    let (w, h) = (img.width, img.height);
    for p in [&mut *ix, &mut *iy] {
        p.reshape(w, h, border, 8);
        p.fill_border_constant(0);
    }
    // Columns −1 ..= w of the vertical pass (the reflected border gives OpenCV's edge values).
    s.smooth.resize(w + 2, 0);
    s.diff.resize(w + 2, 0);
    let d = img.data();
    for y in 0..h {
        let row = |dy: isize| {
            let start =
                (img.origin() as isize + (y as isize + dy) * img.stride as isize - 1) as usize;
            &d[start..start + w + 2]
        };
        let (up, mid, down) = (row(-1), row(0), row(1));
        for x in 0..w + 2 {
            let (a, b, c) = (i16::from(up[x]), i16::from(mid[x]), i16::from(down[x]));
            s.smooth[x] = (a + c) * 3 + b * 10;
            s.diff[x] = c - a;
        }
        for (g, t) in ix.row_mut(y).iter_mut().zip(s.smooth.windows(3)) {
            *g = t[2] - t[0];
        }
        for (g, t) in iy.row_mut(y).iter_mut().zip(s.diff.windows(3)) {
            *g = (t[0] + t[2]) * 3 + t[1] * 10;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gray::reflect101;

    #[test]
    fn matches_the_operator_with_reflected_edges() {
        let (w, h) = (9, 6);
        let f = |x: usize, y: usize| ((x * 31 + y * 17 + x * y * 5) % 256) as u8;
        let mut img: Padded<u8> = Padded::new();
        img.reshape(w, h, 2, 16);
        for y in 0..h {
            for x in 0..w {
                img.row_mut(y)[x] = f(x, y);
            }
        }
        img.fill_border_reflect101();
        let (mut ix, mut iy) = (Padded::new(), Padded::new());
        scharr(&img, &mut ix, &mut iy, 3, &mut ScharrScratch::default());
        let p = |x: isize, y: isize| i32::from(f(reflect101(x, w), reflect101(y, h)));
        for y in 0..h as isize {
            for x in 0..w as isize {
                let gx = 3 * (p(x + 1, y - 1) - p(x - 1, y - 1))
                    + 10 * (p(x + 1, y) - p(x - 1, y))
                    + 3 * (p(x + 1, y + 1) - p(x - 1, y + 1));
                let gy = 3 * (p(x - 1, y + 1) - p(x - 1, y - 1))
                    + 10 * (p(x, y + 1) - p(x, y - 1))
                    + 3 * (p(x + 1, y + 1) - p(x + 1, y - 1));
                let at = |q: &Padded<i16>| {
                    i32::from(q.data()[q.origin() + y as usize * q.stride + x as usize])
                };
                assert_eq!((at(&ix), at(&iy)), (gx, gy), "({x}, {y})");
            }
        }
        assert_eq!(ix.data()[0], 0);
    }
}
