//! The FAST-9 circle and corner score, as OpenCV's `makeOffsets` and `cornerScore<16>`
//! (features2d `fast_score.cpp`; Rosten & Drummond, ECCV 2006).

/// Circle of 16 pixels at radius 3, as `(dx, dy)`, starting below the centre and turning
/// counter-clockwise in image coordinates (OpenCV `offsets16`).
pub const CIRCLE: [(isize, isize); 16] = [
    (0, 3),
    (1, 3),
    (2, 2),
    (3, 1),
    (3, 0),
    (3, -1),
    (2, -2),
    (1, -3),
    (0, -3),
    (-1, -3),
    (-2, -2),
    (-3, -1),
    (-3, 0),
    (-3, 1),
    (-2, 2),
    (-1, 3),
];

/// Arc length that makes a corner.
pub const ARC: usize = 9;

/// Byte offsets of the circle for rows `stride` bytes apart, the first 9 repeated after the 16 so
/// that an arc can be read without wrapping (25 entries, as OpenCV's `pixel[25]`).
pub fn circle_offsets(stride: usize) -> [isize; 25] {
    let mut off = [0isize; 25];
    for (k, o) in off.iter_mut().enumerate() {
        let (dx, dy) = CIRCLE[k % 16];
        *o = dx + dy * stride as isize;
    }
    off
}

/// OpenCV's FAST score: the largest `t` for which the pixel is still a corner at threshold `t`
/// (some arc of 9 all brighter than `v + t` or all darker than `v − t`), at least `threshold`.
/// Equals `max(threshold, A, B) − 1` with `A = max over arcs of min(v − p)` and
/// `B = max over arcs of min(p − v)`; the two loops skip arcs that cannot raise the maximum.
///
/// # Safety
/// `center + off[k]` must be inside `img` for every k.
pub unsafe fn corner_score(img: *const u8, off: &[isize; 25], threshold: i32) -> u8 {
    let v = i16::from(*img);
    let mut d = [0i16; 25];
    for (dk, &o) in d.iter_mut().zip(off.iter()) {
        *dk = v - i16::from(*img.offset(o));
    }
    let mut a0 = threshold as i16;
    for k in (0..16).step_by(2) {
        let mut a = d[k + 1].min(d[k + 2]).min(d[k + 3]);
        if a <= a0 {
            continue;
        }
        a = a
            .min(d[k + 4])
            .min(d[k + 5])
            .min(d[k + 6])
            .min(d[k + 7])
            .min(d[k + 8]);
        a0 = a0.max(a.min(d[k])).max(a.min(d[k + 9]));
    }
    let mut b0 = -a0;
    for k in (0..16).step_by(2) {
        let mut b = d[k + 1]
            .max(d[k + 2])
            .max(d[k + 3])
            .max(d[k + 4])
            .max(d[k + 5]);
        if b >= b0 {
            continue;
        }
        b = b.max(d[k + 6]).max(d[k + 7]).max(d[k + 8]);
        b0 = b0.min(b.max(d[k])).min(b.max(d[k + 9]));
    }
    (-b0 - 1) as u8
}

/// OpenCV's scalar FAST-9 test of one pixel (threshold table, opposite-pair pre-tests, then the
/// arc count): whether 9 contiguous circle pixels are all `> v + t` or all `< v − t`.
///
/// # Safety
/// `center + off[k]` must be inside the image for every k.
#[inline]
pub unsafe fn is_corner(p: *const u8, off: &[isize; 25], t: i32) -> bool {
    let v = i32::from(*p);
    let class = |k: usize| -> u8 {
        let x = i32::from(*p.offset(off[k]));
        if x < v - t {
            1
        } else if x > v + t {
            2
        } else {
            0
        }
    };
    let mut d = class(0) | class(8);
    if d == 0 {
        return false;
    }
    d &= class(2) | class(10);
    d &= class(4) | class(12);
    d &= class(6) | class(14);
    if d == 0 {
        return false;
    }
    d &= class(1) | class(9);
    d &= class(3) | class(11);
    d &= class(5) | class(13);
    d &= class(7) | class(15);
    (d & 1 != 0 && run_of(p, off, |x| x < v - t)) || (d & 2 != 0 && run_of(p, off, |x| x > v + t))
}

/// Whether more than 8 consecutive circle pixels (over the 25-long unrolled circle) pass `test`.
#[inline]
unsafe fn run_of(p: *const u8, off: &[isize; 25], test: impl Fn(i32) -> bool) -> bool {
    let mut count = 0;
    for &o in off {
        if test(i32::from(*p.offset(o))) {
            count += 1;
            if count >= ARC {
                return true;
            }
        } else {
            count = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The score by its definition: the largest t that keeps the pixel a corner.
    fn score_by_definition(img: &[u8], c: usize, off: &[isize; 25]) -> i32 {
        let p = unsafe { img.as_ptr().add(c) };
        let mut best = -1;
        for t in 0..256 {
            if unsafe { is_corner(p, off, t) } {
                best = t;
            }
        }
        best
    }

    #[test]
    fn score_is_the_largest_threshold_that_keeps_the_corner() {
        let stride = 7;
        let off = circle_offsets(stride);
        let c = 3 * stride + 3;
        let mut checked = 0;
        // A deterministic sweep: an arc of 7–12 pixels at one level, the other circle pixels at one
        // of five levels around the centre (100) picked by base-5 digits of n.
        for k in 0..4000u64 {
            let (start, len) = ((k % 16) as usize, 7 + ((k / 16) % 6) as usize);
            let arc_level = [170u8, 140, 30, 62][((k / 96) % 4) as usize];
            let mut n = k * 7919 * 104_729;
            let mut img = vec![100u8; 49];
            for (i, &(dx, dy)) in CIRCLE.iter().enumerate() {
                let level = if (i + 16 - start) % 16 < len {
                    arc_level
                } else {
                    [40u8, 75, 100, 125, 160][(n % 5) as usize]
                };
                n /= 5;
                img[((3 + dy) * 7 + 3 + dx) as usize] = level;
            }
            let best = score_by_definition(&img, c, &off);
            if best >= 0 {
                let s = unsafe { corner_score(img.as_ptr().add(c), &off, 0) };
                assert_eq!(i32::from(s), best);
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
