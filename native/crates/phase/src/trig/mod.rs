//! `sin` and `cos` of f64 angles without calls or lane-dependent branches, so that they run four at
//! a time in vector registers ([`avx2`]). Accuracy within 2 ulp of the correctly rounded result
//! for |x| < 2¹⁹ rad (checked against the C library in the tests); larger or non-finite angles
//! take the C library's `sin_cos`.
//!
//! Method (fdlibm, Sun Microsystems 1993: `e_rem_pio2.c` medium case, `k_sin.c`, `k_cos.c`):
//! `n = round(x · 2/π)`, `r = x − n·(π/2)` with π/2 split in three parts (Cody & Waite) so that the
//! first two products are exact for |n| < 2²⁰; then fdlibm's minimax polynomials on |r| ≤ π/4, and
//! the quadrant `n mod 4` picks and signs them. Rounding by adding and subtracting 1.5·2⁵² keeps `n`
//! in the low mantissa bits, from which the quadrant is read as an integer.

/// 1.5·2⁵²: `(q + ROUND) − ROUND` rounds `q` (|q| < 2⁵¹) to the nearest integer, ties to even.
pub(crate) const ROUND: f64 = 6_755_399_441_055_744.0;
pub(crate) const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
/// π/2 = PIO2_1 + PIO2_2 + PIO2_3 (fdlibm `pio2_1`, `pio2_2`, `pio2_2t`, by their bit patterns; the
/// first two have 33 significant bits). The polynomial coefficients below are fdlibm's, likewise.
pub(crate) const PIO2_1: f64 = f64::from_bits(0x3FF9_21FB_5440_0000);
pub(crate) const PIO2_2: f64 = f64::from_bits(0x3DD0_B461_1A60_0000);
pub(crate) const PIO2_3: f64 = f64::from_bits(0x3BA3_198A_2E03_7073);
/// The fast path's domain, rad.
pub const FAST_LIMIT: f64 = 524_288.0;

pub(crate) const S1: f64 = f64::from_bits(0xBFC5_5555_5555_5549);
pub(crate) const S2: f64 = f64::from_bits(0x3F81_1111_1110_F8A6);
pub(crate) const S3: f64 = f64::from_bits(0xBF2A_01A0_19C1_61D5);
pub(crate) const S4: f64 = f64::from_bits(0x3EC7_1DE3_57B1_FE7D);
pub(crate) const S5: f64 = f64::from_bits(0xBE5A_E5E6_8A2B_9CEB);
pub(crate) const S6: f64 = f64::from_bits(0x3DE5_D93A_5ACF_D57C);
pub(crate) const C1: f64 = f64::from_bits(0x3FA5_5555_5555_554C);
pub(crate) const C2: f64 = f64::from_bits(0xBF56_C16C_16C1_5177);
pub(crate) const C3: f64 = f64::from_bits(0x3EFA_01A0_19CB_1590);
pub(crate) const C4: f64 = f64::from_bits(0xBE92_7E4F_809C_52AD);
pub(crate) const C5: f64 = f64::from_bits(0x3E21_EE9E_BDB4_B1C4);
pub(crate) const C6: f64 = f64::from_bits(0xBDA8_FAE9_BE88_38D4);

/// `(sin x, cos x)` for |x| < [`FAST_LIMIT`] (no checks: the caller routes other angles).
#[inline(always)]
pub fn sin_cos_reduced(x: f64) -> (f64, f64) {
    let shifted = x * TWO_OVER_PI + ROUND;
    let n = shifted - ROUND;
    let quadrant = shifted.to_bits();
    let r = ((x - n * PIO2_1) - n * PIO2_2) - n * PIO2_3;
    let z = r * r;
    let sin_r = r + z * r * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))));
    let w = z * z;
    let tail = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    let one_minus_hz = 1.0 - hz;
    let cos_r = one_minus_hz + (((1.0 - one_minus_hz) - hz) + z * tail);
    // Quadrant q: (sin, cos) = (s, c), (c, −s), (−s, −c), (−c, s).
    let swap = quadrant & 1 == 1;
    let (s, c) = if swap { (cos_r, sin_r) } else { (sin_r, cos_r) };
    let sin_sign = (quadrant & 2) << 62;
    let cos_sign = ((quadrant + 1) & 2) << 62;
    (
        f64::from_bits(s.to_bits() ^ sin_sign),
        f64::from_bits(c.to_bits() ^ cos_sign),
    )
}

/// `(sin x, cos x)` for any f64 (the C library beyond [`FAST_LIMIT`] and for NaN / ±∞).
#[inline(always)]
pub fn sin_cos(x: f64) -> (f64, f64) {
    if x.abs() < FAST_LIMIT {
        sin_cos_reduced(x)
    } else {
        x.sin_cos()
    }
}

/// `sin x` for any f64.
#[inline(always)]
pub fn sin(x: f64) -> f64 {
    sin_cos(x).0
}

/// Four `(sin, cos)` at once for angles all below [`FAST_LIMIT`] (straight-line code the compiler
/// turns into vector instructions: 2 lanes with SSE2/NEON, 4 with AVX2).
#[inline(always)]
pub fn sin_cos4(x: &[f64; 4]) -> ([f64; 4], [f64; 4]) {
    let mut s = [0.0; 4];
    let mut c = [0.0; 4];
    for k in 0..4 {
        (s[k], c[k]) = sin_cos_reduced(x[k]);
    }
    (s, c)
}

/// Whether every angle of the block is within the fast path (no early exit: vectorizes).
#[inline(always)]
pub fn all_below(x: &[f64; 4], limit: f64) -> bool {
    x.iter().fold(true, |ok, v| ok & (v.abs() < limit))
}

/// Whether the explicit AVX2 kernels ([`avx2`]) run: x86-64 with AVX2 (std caches the detection).
/// Elsewhere — the SSE2 baseline, aarch64 (NEON baseline) — the portable kernels run; the tests check
/// that both give bit-identical results (same operations in the same order, no FMA).
#[inline(always)]
pub fn avx2_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
pub mod avx2;

#[cfg(test)]
mod tests {
    use super::*;

    /// Error in units in the last place of the exact result (the C library's, within 1 ulp of it).
    fn ulps(got: f64, want: f64) -> f64 {
        if got == want {
            return 0.0;
        }
        let ulp = f64::from_bits(want.abs().max(f64::MIN_POSITIVE).to_bits() + 1)
            - want.abs().max(f64::MIN_POSITIVE);
        ((got - want) / ulp).abs()
    }

    #[test]
    fn within_two_ulp_of_the_c_library() {
        let mut worst: f64 = 0.0;
        // A dense grid over several turns, large angles up to the fast limit, and quadrant seams.
        let mut xs: Vec<f64> = (0..200_000)
            .map(|i| (i as f64 - 100_000.0) * 1e-4 * 3.1)
            .collect();
        xs.extend((0..20_000).map(|i| i as f64 * 26.2139 + 0.37));
        xs.extend((-64..=64).flat_map(|k| {
            let b = k as f64 * std::f64::consts::FRAC_PI_4;
            [
                b,
                f64::from_bits(b.to_bits() + 1),
                f64::from_bits(b.to_bits().saturating_sub(1)),
            ]
        }));
        for x in xs {
            let (s, c) = sin_cos(x);
            let (ws, wc) = x.sin_cos();
            // Near zeros of the result, ulps of tiny values are meaningless: compare absolutely.
            let es = if ws.abs() < 1e-8 {
                (s - ws).abs() / f64::EPSILON
            } else {
                ulps(s, ws)
            };
            let ec = if wc.abs() < 1e-8 {
                (c - wc).abs() / f64::EPSILON
            } else {
                ulps(c, wc)
            };
            worst = worst.max(es).max(ec);
            assert!(
                es <= 2.0 && ec <= 2.0,
                "x = {x}: sin {s} vs {ws}, cos {c} vs {wc}"
            );
        }
        assert!(worst >= 0.0);
    }

    #[test]
    fn large_and_special_angles_take_the_library() {
        for x in [FAST_LIMIT, -1e9, 1e300] {
            assert_eq!(sin_cos(x), x.sin_cos());
        }
        assert!(sin_cos(f64::NAN).0.is_nan() && sin_cos(f64::INFINITY).1.is_nan());
        assert_eq!(sin_cos(0.0), (0.0, 1.0));
    }

    /// Angles that exercise every path: small and unwrapped phases, seams, huge values, NaN, ±∞;
    /// 1,003 of them so that the tails are used too.
    #[cfg(target_arch = "x86_64")]
    fn mixed_angles() -> Vec<f64> {
        let mut v: Vec<f64> = (0..1000)
            .map(|i| (i as f64 * 0.618_033_988_7).sin() * 40.0 + i as f64 * 37.1)
            .collect();
        v[17] = std::f64::consts::PI;
        v[18] = -std::f64::consts::PI;
        v[99] = 1e7;
        v[500] = f64::NAN;
        v[501] = f64::INFINITY;
        v[733] = 3e16;
        v.extend([0.5, -2.0, 7.0]);
        v
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn avx2_kernels_agree_with_the_portable_ones_bit_for_bit() {
        use crate::{circular, kuramoto};
        if !avx2_available() {
            eprintln!("skipped: no AVX2 on this CPU");
            return;
        }
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let a = mixed_angles();
        let finite: Vec<f64> = a.iter().copied().filter(|x| x.is_finite()).collect();
        // SAFETY: AVX2 checked above.
        let (c, s) = unsafe { avx2::sum_unit_vectors(&finite) };
        let (pc, ps) = circular::sum_unit_vectors_portable(&finite);
        assert_eq!((c.to_bits(), s.to_bits()), (pc.to_bits(), ps.to_bits()));
        let (mut x, mut y) = (a.clone(), a.clone());
        unsafe { avx2::wrap_angles(&mut x) };
        circular::wrap_angles_portable(&mut y);
        assert_eq!(bits(&x), bits(&y));
        let omega: Vec<f64> = (0..a.len()).map(|i| (i % 13) as f64 * 0.1 - 0.6).collect();
        for om in [&omega[..], &[]] {
            let (mut x, mut y) = (a.clone(), a.clone());
            let done = unsafe { avx2::nudge_blocks(&mut x, om, 0.3, 0.05, 1e-3) };
            kuramoto::nudge_portable(
                &mut x[done..],
                om.get(done..).unwrap_or(&[]),
                0.3,
                0.05,
                1e-3,
            );
            kuramoto::nudge_portable(&mut y, om, 0.3, 0.05, 1e-3);
            assert_eq!(bits(&x), bits(&y));
        }
    }
}
