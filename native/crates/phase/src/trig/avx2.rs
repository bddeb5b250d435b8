//! The phase kernels in explicit AVX2 (x86-64, chosen at run time by [`super::avx2_available`]):
//! four f64 lanes, the same operations in the same order as the portable kernels, so the results
//! are bit-identical (no FMA). Blocks with an angle outside the fast range, and the tails, use the
//! portable scalar code.

use super::{
    sin_cos, C1, C2, C3, C4, C5, C6, FAST_LIMIT, PIO2_1, PIO2_2, PIO2_3, ROUND, S1, S2, S3, S4, S5,
    S6, TWO_OVER_PI,
};
use crate::circular::{wrap_angle, WRAP_LIMIT};
use std::arch::x86_64::*;
use std::f64::consts::{PI, TAU};

#[inline(always)]
unsafe fn splat(v: f64) -> __m256d {
    _mm256_set1_pd(v)
}

/// Every lane's |x| < `limit`.
#[inline(always)]
unsafe fn all_below(x: __m256d, limit: f64) -> bool {
    let abs = _mm256_andnot_pd(splat(-0.0), x);
    _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(abs, splat(limit))) == 0b1111
}

/// [`super::sin_cos_reduced`] on four lanes.
#[inline(always)]
unsafe fn sin_cos4(x: __m256d) -> (__m256d, __m256d) {
    let (add, sub, mul) = (_mm256_add_pd, _mm256_sub_pd, _mm256_mul_pd);
    let shifted = add(mul(x, splat(TWO_OVER_PI)), splat(ROUND));
    let n = sub(shifted, splat(ROUND));
    let quadrant = _mm256_castpd_si256(shifted);
    let r = sub(
        sub(sub(x, mul(n, splat(PIO2_1))), mul(n, splat(PIO2_2))),
        mul(n, splat(PIO2_3)),
    );
    let z = mul(r, r);
    let p = add(splat(S5), mul(z, splat(S6)));
    let p = add(
        splat(S2),
        mul(z, add(splat(S3), mul(z, add(splat(S4), mul(z, p))))),
    );
    let sin_r = add(r, mul(mul(z, r), add(splat(S1), mul(z, p))));
    let w = mul(z, z);
    let head = mul(z, add(splat(C1), mul(z, add(splat(C2), mul(z, splat(C3))))));
    let tail = add(
        head,
        mul(
            mul(w, w),
            add(splat(C4), mul(z, add(splat(C5), mul(z, splat(C6))))),
        ),
    );
    let hz = mul(splat(0.5), z);
    let one_minus_hz = sub(splat(1.0), hz);
    let cos_r = add(
        one_minus_hz,
        add(sub(sub(splat(1.0), one_minus_hz), hz), mul(z, tail)),
    );
    let one = _mm256_set1_epi64x(1);
    let two = _mm256_set1_epi64x(2);
    let swap = _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(quadrant, one), one));
    let s = _mm256_blendv_pd(sin_r, cos_r, swap);
    let c = _mm256_blendv_pd(cos_r, sin_r, swap);
    let sin_sign = _mm256_slli_epi64::<62>(_mm256_and_si256(quadrant, two));
    let cos_sign = _mm256_slli_epi64::<62>(_mm256_and_si256(_mm256_add_epi64(quadrant, one), two));
    (
        _mm256_xor_pd(s, _mm256_castsi256_pd(sin_sign)),
        _mm256_xor_pd(c, _mm256_castsi256_pd(cos_sign)),
    )
}

/// [`crate::circular::wrap_small`] on four lanes.
#[inline(always)]
unsafe fn wrap4(a: __m256d) -> __m256d {
    let k = _mm256_sub_pd(
        _mm256_add_pd(_mm256_mul_pd(a, splat(1.0 / TAU)), splat(ROUND)),
        splat(ROUND),
    );
    let r = _mm256_sub_pd(a, _mm256_mul_pd(k, splat(TAU)));
    let r = _mm256_blendv_pd(
        r,
        _mm256_sub_pd(r, splat(TAU)),
        _mm256_cmp_pd::<_CMP_GT_OQ>(r, splat(PI)),
    );
    _mm256_blendv_pd(
        r,
        _mm256_add_pd(r, splat(TAU)),
        _mm256_cmp_pd::<_CMP_LE_OQ>(r, splat(-PI)),
    )
}

/// `(sin, cos)` of four angles: vector code when all are in the fast range, else lane by lane.
#[inline(always)]
unsafe fn sin_cos_block(x: __m256d) -> (__m256d, __m256d) {
    if all_below(x, FAST_LIMIT) {
        return sin_cos4(x);
    }
    let mut lanes = [0.0; 4];
    _mm256_storeu_pd(lanes.as_mut_ptr(), x);
    let v = lanes.map(sin_cos);
    (
        _mm256_loadu_pd(v.map(|p| p.0).as_ptr()),
        _mm256_loadu_pd(v.map(|p| p.1).as_ptr()),
    )
}

/// Wraps four angles: vector code when all are below [`WRAP_LIMIT`], else lane by lane.
#[inline(always)]
unsafe fn wrap_block(a: __m256d) -> __m256d {
    if all_below(a, WRAP_LIMIT) {
        return wrap4(a);
    }
    let mut lanes = [0.0; 4];
    _mm256_storeu_pd(lanes.as_mut_ptr(), a);
    _mm256_loadu_pd(lanes.map(wrap_angle).as_ptr())
}

/// [`crate::circular::sum_unit_vectors`].
///
/// # Safety
/// The CPU must have AVX2 ([`super::avx2_available`]).
#[target_feature(enable = "avx2")]
pub unsafe fn sum_unit_vectors(angles: &[f64]) -> (f64, f64) {
    let (mut c, mut s) = (_mm256_setzero_pd(), _mm256_setzero_pd());
    let chunks = angles.chunks_exact(4);
    let tail = chunks.remainder();
    for q in chunks {
        let (sq, cq) = sin_cos_block(_mm256_loadu_pd(q.as_ptr()));
        c = _mm256_add_pd(c, cq);
        s = _mm256_add_pd(s, sq);
    }
    let (mut cl, mut sl) = ([0.0; 4], [0.0; 4]);
    _mm256_storeu_pd(cl.as_mut_ptr(), c);
    _mm256_storeu_pd(sl.as_mut_ptr(), s);
    for &a in tail {
        let (sa, ca) = sin_cos(a);
        cl[0] += ca;
        sl[0] += sa;
    }
    (
        (cl[0] + cl[1]) + (cl[2] + cl[3]),
        (sl[0] + sl[1]) + (sl[2] + sl[3]),
    )
}

/// [`crate::circular::wrap_angles`].
///
/// # Safety
/// The CPU must have AVX2 ([`super::avx2_available`]).
#[target_feature(enable = "avx2")]
pub unsafe fn wrap_angles(angles: &mut [f64]) {
    let mut chunks = angles.chunks_exact_mut(4);
    for q in &mut chunks {
        _mm256_storeu_pd(q.as_mut_ptr(), wrap_block(_mm256_loadu_pd(q.as_ptr())));
    }
    chunks
        .into_remainder()
        .iter_mut()
        .for_each(|a| *a = wrap_angle(*a));
}

/// `θᵢ ← wrap(θᵢ + gain · sin(ψ − θᵢ) + dt · ωᵢ)` (ω empty: no drift term) for whole blocks of
/// four; returns how many phases it did (the caller does the tail).
///
/// # Safety
/// The CPU must have AVX2 ([`super::avx2_available`]). `omega` is empty or as long as `theta`
/// (checked: panics otherwise).
#[target_feature(enable = "avx2")]
pub unsafe fn nudge_blocks(
    theta: &mut [f64],
    omega: &[f64],
    psi: f64,
    gain: f64,
    dt: f64,
) -> usize {
    assert!(
        omega.is_empty() || omega.len() >= theta.len(),
        "omega must match theta"
    );
    let blocks = theta.len() / 4;
    for b in 0..blocks {
        let t = _mm256_loadu_pd(theta.as_ptr().add(4 * b));
        let (s, _) = sin_cos_block(_mm256_sub_pd(splat(psi), t));
        let d = if omega.is_empty() {
            _mm256_setzero_pd()
        } else {
            _mm256_mul_pd(splat(dt), _mm256_loadu_pd(omega.as_ptr().add(4 * b)))
        };
        let v = _mm256_add_pd(_mm256_add_pd(t, _mm256_mul_pd(splat(gain), s)), d);
        _mm256_storeu_pd(theta.as_mut_ptr().add(4 * b), wrap_block(v));
    }
    4 * blocks
}
