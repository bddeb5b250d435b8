//! Rotated BRIEF (steered by the keypoint angle), 256 bits, as OpenCV `computeOrbDescriptors` with
//! `WTA_K = 2` and the learned 31×31 pattern (Rublee et al., ICCV 2011 §4).

use super::pattern::BIT_PATTERN_31;
use crate::gray::Padded;
use crate::round::round_even;

/// Descriptor length, bytes.
pub const DESCRIPTOR_BYTES: usize = 32;

/// Descriptor of the keypoint at integer pixel `(cx, cy)` of the smoothed level `img`, oriented by
/// `angle_deg`: each pattern point `(px, py)` is rotated to `(px·cos − py·sin, px·sin + py·cos)` (f32,
/// OpenCV's order), rounded half to even, and bit `j` of byte `i` is set when the intensity at the
/// first point of pair `8i + j` is below the one at the second. Reads up to 22 pixels around the
/// centre (the rotated pattern's reach); the padded border covers that for any centre in the image.
pub fn describe(
    img: &Padded<u8>,
    cx: usize,
    cy: usize,
    angle_deg: f32,
    out: &mut [u8; DESCRIPTOR_BYTES],
) {
    let rad = angle_deg * (std::f64::consts::PI / 180.0) as f32;
    let (a, b) = (rad.cos(), rad.sin());
    let d = img.data();
    let s = img.stride as isize;
    let center = (img.origin() + cy * img.stride + cx) as isize;
    let at = |px: i8, py: i8| {
        let (px, py) = (f32::from(px), f32::from(py));
        let x = px * a - py * b;
        let y = px * b + py * a;
        let (ix, iy) = (round_even(x) as isize, round_even(y) as isize);
        d[(center + iy * s + ix) as usize]
    };
    for (byte, pairs) in out.iter_mut().zip(BIT_PATTERN_31.chunks_exact(8)) {
        let mut val = 0u8;
        for (bit, &[x0, y0, x1, y1]) in pairs.iter().enumerate() {
            val |= u8::from(at(x0, y0) < at(x1, y1)) << bit;
        }
        *byte = val;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotating_the_image_by_90_degrees_and_the_angle_gives_the_same_descriptor() {
        // A patch and the same patch turned by 90°: (x, y) ↦ (−y, x) in image coordinates.
        let n = 61;
        let c = 30;
        let f = |x: usize, y: usize| ((x * 7 + y * 13 + (x * y) % 11) % 256) as u8;
        let mut a: Padded<u8> = Padded::new();
        a.reshape(n, n, 0, 1);
        let mut b: Padded<u8> = Padded::new();
        b.reshape(n, n, 0, 1);
        for y in 0..n {
            for x in 0..n {
                a.row_mut(y)[x] = f(x, y);
                // b(c − (y − c), c + (x − c)) = a(x, y)
                b.row_mut(c + x - c)[2 * c - y] = f(x, y);
            }
        }
        let mut da = [0u8; 32];
        let mut db = [0u8; 32];
        describe(&a, c, c, 0.0, &mut da);
        describe(&b, c, c, 90.0, &mut db);
        let differing: u32 = da.iter().zip(&db).map(|(x, y)| (x ^ y).count_ones()).sum();
        // cos(90°) in f32 is −4.4e-8, far too small to move a rounding of integer coordinates.
        assert_eq!(differing, 0);
        assert!(da.iter().any(|&v| v != 0));
    }
}
