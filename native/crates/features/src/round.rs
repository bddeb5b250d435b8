//! OpenCV's `cvRound` for f32: to the nearest integer, ties to even (the SSE conversion in the
//! default rounding mode). `f32::round_ties_even` is a library call on baseline x86-64 (no SSE4.1),
//! so x86-64 uses `cvtss2si` directly; other targets have a rounding instruction.

/// `x` rounded to the nearest integer, ties to even, as i32 (|x| < 2³¹).
#[inline(always)]
pub fn round_even(x: f32) -> i32 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE is part of the x86-64 baseline; the MXCSR rounding mode is round-to-nearest-
        // even unless a caller changed it (Node and Rust never do).
        unsafe { std::arch::x86_64::_mm_cvtss_si32(std::arch::x86_64::_mm_set_ss(x)) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        x.round_ties_even() as i32
    }
}

/// OpenCV's `cvFloor` for f32: the largest integer ≤ `x`, as i32 (|x| < 2³¹). Truncate, then step
/// down for negative non-integers (`f32::floor` is a library call on baseline x86-64).
#[inline(always)]
pub fn floor_i32(x: f32) -> i32 {
    let i = x as i32;
    i - i32::from((i as f32) > x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_even() {
        let cases = [
            (0.5f32, 0),
            (1.5, 2),
            (2.5, 2),
            (-0.5, 0),
            (-1.5, -2),
            (2.4999998, 2),
            (7.0, 7),
            (-3.7, -4),
        ];
        for (x, want) in cases {
            assert_eq!(round_even(x), want, "{x}");
            assert_eq!(x.round_ties_even() as i32, want, "{x}");
        }
    }

    #[test]
    fn floor_of_negative_and_positive_values() {
        for x in [-2.5f32, -2.0, -0.1, 0.0, 0.9, 3.0, 3.999, -21.0001] {
            assert_eq!(floor_i32(x), x.floor() as i32, "{x}");
        }
    }
}
