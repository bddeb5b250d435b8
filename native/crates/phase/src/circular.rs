//! Circular statistics of angles in radians (K. V. Mardia, P. E. Jupp, "Directional Statistics",
//! Wiley 2000, §2.2–2.3; the definitions of SciPy's `circmean`, `circvar` and `circstd`):
//! mean direction `θ̄ = atan2(Σ wᵢ sin θᵢ, Σ wᵢ cos θᵢ)`, mean resultant length
//! `R = |Σ wᵢ e^{iθᵢ}| / Σ wᵢ` ∈ [0, 1], circular variance `V = 1 − R`, circular standard deviation
//! `σ = √(−2 ln R)` (the σ of the wrapped normal with that R; ∞ at R = 0).

use crate::trig;
use karana_core::error::{invalid, require_len, KaranaResult};
use std::f64::consts::{PI, TAU};

/// 1.5·2⁵²: `(q + ROUND) − ROUND` rounds `q` (|q| < 2⁵¹) to the nearest integer, ties to even.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// Largest |a| the branch-free wrap handles (|a / 2π| < 2⁵¹), rad.
pub const WRAP_LIMIT: f64 = 2_251_799_813_685_248.0 * TAU;

/// Wraps an angle to (−π, π], rad: `a − 2π·k` with `k` the nearest integer to `a / 2π` (2π in
/// f64, as NumPy's `mod`), then one correction into the half-open interval. Angles already in range
/// come back unchanged (bit for bit: `k` = 0); others lose about one ulp of `|a|`. NaN and ±∞ give
/// NaN. Branch-free below [`WRAP_LIMIT`] (loops over arrays vectorize); beyond, `rem_euclid`.
#[inline(always)]
pub fn wrap_angle(a: f64) -> f64 {
    if a.abs() < WRAP_LIMIT {
        wrap_small(a)
    } else {
        let r = (a + PI).rem_euclid(TAU) - PI;
        if r <= -PI {
            PI
        } else {
            r
        }
    }
}

/// [`wrap_angle`] for |a| < [`WRAP_LIMIT`] (not checked).
#[inline(always)]
pub fn wrap_small(a: f64) -> f64 {
    let r = a - ((a * (1.0 / TAU) + ROUND) - ROUND) * TAU;
    let r = if r > PI { r - TAU } else { r };
    if r <= -PI {
        r + TAU
    } else {
        r
    }
}

/// The signed angle from `b` to `a`, wrapped to (−π, π], rad.
#[inline]
pub fn angular_difference(a: f64, b: f64) -> f64 {
    wrap_angle(a - b)
}

/// Summary of a set of angles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CircularStats {
    /// Angles counted (all of them; weights only scale).
    pub count: usize,
    /// Mean direction θ̄, rad in (−π, π]; 0 when `R` = 0 exactly, NaN for no angles.
    pub mean_rad: f64,
    /// Mean resultant length `R` ∈ [0, 1] (NaN for no angles or zero total weight).
    pub resultant_length: f64,
    /// Circular variance `1 − R`.
    pub variance: f64,
    /// Circular standard deviation `√(−2 ln R)`, rad.
    pub std_rad: f64,
}

impl CircularStats {
    /// From the sums `Σ w cos θ`, `Σ w sin θ` and `Σ w`.
    pub fn from_sums(count: usize, sum_cos: f64, sum_sin: f64, sum_w: f64) -> Self {
        if sum_w.is_nan() || sum_w <= 0.0 {
            return Self {
                count,
                mean_rad: f64::NAN,
                resultant_length: f64::NAN,
                variance: f64::NAN,
                std_rad: f64::NAN,
            };
        }
        let r = (sum_cos.hypot(sum_sin) / sum_w).min(1.0);
        let mean = sum_sin.atan2(sum_cos);
        Self {
            count,
            mean_rad: if mean == -PI { PI } else { mean },
            resultant_length: r,
            variance: 1.0 - r,
            std_rad: (-2.0 * r.ln()).sqrt(),
        }
    }
}

/// `(Σ cos θᵢ, Σ sin θᵢ)`: [`trig`] sines and cosines four at a time into four accumulators (a
/// pairwise flavour of summation for accuracy); AVX2 when the CPU has it ([`trig::avx2`]).
pub fn sum_unit_vectors(angles: &[f64]) -> (f64, f64) {
    #[cfg(target_arch = "x86_64")]
    if trig::avx2_available() {
        // SAFETY: the CPU has AVX2.
        return unsafe { trig::avx2::sum_unit_vectors(angles) };
    }
    sum_unit_vectors_portable(angles)
}

/// The portable [`sum_unit_vectors`] (bit-identical to the AVX2 one).
pub fn sum_unit_vectors_portable(angles: &[f64]) -> (f64, f64) {
    let mut c = [0.0; 4];
    let mut s = [0.0; 4];
    let chunks = angles.chunks_exact(4);
    let tail = chunks.remainder();
    for q in chunks {
        let q: &[f64; 4] = q.try_into().unwrap_or(&[0.0; 4]);
        let (sq, cq) = if trig::all_below(q, trig::FAST_LIMIT) {
            trig::sin_cos4(q)
        } else {
            let v = q.map(trig::sin_cos);
            (v.map(|p| p.0), v.map(|p| p.1))
        };
        for k in 0..4 {
            c[k] += cq[k];
            s[k] += sq[k];
        }
    }
    for &a in tail {
        let (sa, ca) = trig::sin_cos(a);
        c[0] += ca;
        s[0] += sa;
    }
    ((c[0] + c[1]) + (c[2] + c[3]), (s[0] + s[1]) + (s[2] + s[3]))
}

/// Circular statistics of `angles` (rad), optionally weighted (`weights`: one per angle, ≥ 0).
/// Fails when `weights` is shorter than `angles`.
pub fn circular_stats(angles: &[f64], weights: Option<&[f64]>) -> KaranaResult<CircularStats> {
    let n = angles.len();
    let Some(w) = weights else {
        let (c, s) = sum_unit_vectors(angles);
        return Ok(CircularStats::from_sums(n, c, s, n as f64));
    };
    require_len("weights", "weights", n, w.len())?;
    let (mut c, mut s, mut sw) = (0.0, 0.0, 0.0);
    for (&a, &wi) in angles.iter().zip(w) {
        let (sa, ca) = trig::sin_cos(a);
        c += wi * ca;
        s += wi * sa;
        sw += wi;
    }
    Ok(CircularStats::from_sums(n, c, s, sw))
}

/// Wraps every angle of `angles` to (−π, π], in place (AVX2 when the CPU has it).
pub fn wrap_angles(angles: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if trig::avx2_available() {
        // SAFETY: the CPU has AVX2.
        return unsafe { trig::avx2::wrap_angles(angles) };
    }
    wrap_angles_portable(angles)
}

/// The portable [`wrap_angles`] (bit-identical to the AVX2 one).
pub fn wrap_angles_portable(angles: &mut [f64]) {
    let mut chunks = angles.chunks_exact_mut(4);
    for q in &mut chunks {
        let q: &mut [f64; 4] = q.try_into().unwrap_or_else(|_| unreachable!());
        if trig::all_below(q, WRAP_LIMIT) {
            *q = q.map(wrap_small);
        } else {
            *q = q.map(wrap_angle);
        }
    }
    chunks
        .into_remainder()
        .iter_mut()
        .for_each(|a| *a = wrap_angle(*a));
}

/// `out[i] = wrap(a[i] − b[i])` (`out` may be longer). Fails when `b` or `out` is shorter than `a`.
pub fn angular_differences(a: &[f64], b: &[f64], out: &mut [f64]) -> KaranaResult<()> {
    if b.len() != a.len() {
        return Err(invalid(
            "b",
            format!("{} angles (as many as a)", a.len()),
            b.len(),
        ));
    }
    require_len("out", "angles", a.len(), out.len())?;
    let out = &mut out[..a.len()];
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = x - y;
    }
    wrap_angles(out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_into_the_half_open_interval() {
        assert_eq!(wrap_angle(PI), PI);
        assert_eq!(wrap_angle(-PI), PI);
        assert_eq!(wrap_angle(0.1), 0.1);
        assert_eq!(wrap_angle(-3.0), -3.0);
        assert!((wrap_angle(3.0 * PI) - PI).abs() < 1e-15);
        assert!((wrap_angle(-3.0 * PI) - PI).abs() < 1e-15);
        assert!((wrap_angle(7.0) - (7.0 - TAU)).abs() < 1e-15);
        assert!((wrap_angle(-1e6) - (-1e6_f64).sin().atan2((-1e6_f64).cos())).abs() < 1e-9);
        assert!((wrap_angle(1e17) - (1e17_f64).sin().atan2((1e17_f64).cos())).abs() < 1.0);
        for k in -40..=40 {
            // Multiples of π land on π (odd) or 0 (even), never on −π.
            let w = wrap_angle(k as f64 * PI);
            assert!(w > -PI && w <= PI, "{k}: {w}");
        }
        assert!(wrap_angle(f64::NAN).is_nan() && wrap_angle(f64::INFINITY).is_nan());
        assert_eq!(angular_difference(-3.0, 3.0), TAU - 6.0);
    }

    #[test]
    fn analytic_cases() {
        // Identical angles: R = 1, σ = 0.
        let s = circular_stats(&[0.7; 9], None).unwrap();
        assert!((s.mean_rad - 0.7).abs() < 1e-15 && (s.resultant_length - 1.0).abs() < 1e-15);
        assert!(s.std_rad < 1e-7);
        // N evenly spread angles: R = 0.
        let even: Vec<f64> = (0..12).map(|k| wrap_angle(k as f64 * TAU / 12.0)).collect();
        assert!(circular_stats(&even, None).unwrap().resultant_length < 1e-15);
        // Two angles ±δ about μ across the ±π seam: mean μ, R = cos δ.
        let (mu, d) = (PI - 0.05, 0.3);
        let s = circular_stats(&[wrap_angle(mu + d), mu - d], None).unwrap();
        assert!((s.mean_rad - mu).abs() < 1e-14, "{}", s.mean_rad);
        assert!((s.resultant_length - d.cos()).abs() < 1e-15);
        assert!((s.std_rad - (-2.0 * d.cos().ln()).sqrt()).abs() < 1e-14);
        // Weights: zero weight removes an angle.
        let s = circular_stats(&[0.2, 2.0], Some(&[1.0, 0.0])).unwrap();
        assert!((s.mean_rad - 0.2).abs() < 1e-15 && (s.resultant_length - 1.0).abs() < 1e-15);
        let empty = circular_stats(&[], None).unwrap();
        assert!(empty.mean_rad.is_nan() && empty.resultant_length.is_nan() && empty.count == 0);
    }

    #[test]
    fn errors_name_the_parameter() {
        let mut out = [0.0; 1];
        assert_eq!(
            angular_differences(&[0.0, 1.0], &[0.0], &mut out)
                .unwrap_err()
                .to_string(),
            "\"b\" must be 2 angles (as many as a), got 1"
        );
        assert_eq!(
            angular_differences(&[0.0, 1.0], &[0.0, 1.0], &mut out)
                .unwrap_err()
                .to_string(),
            "\"out\" must hold 2 angles, got 1"
        );
        assert_eq!(
            circular_stats(&[0.0, 1.0], Some(&[1.0]))
                .unwrap_err()
                .to_string(),
            "\"weights\" must hold 2 weights, got 1"
        );
    }
}
