//! One image row of FAST-9 corner tests, many pixels at once (after OpenCV `FAST_t`'s SIMD loop):
//! a pre-test on the four compass pixels (0, 4, 8, 12) — an arc of 9 always covers two adjacent
//! ones, so a pixel with no adjacent pair brighter (or darker) together cannot be a corner — then,
//! for blocks with a candidate, the run length of brighter and darker pixels along the 25-long
//! unrolled circle. AVX2 (32 pixels) or SSE2 (16) on x86-64, chosen at run time; NEON (16) on
//! aarch64; a scalar path elsewhere and for the row ends. All paths give the same corners (tested).

use super::score::{circle_offsets, corner_score, is_corner};

/// Byte vectors as the block test needs them; `ordered` maps `u8` to a domain where `gt` compares
/// as unsigned (x86 has only signed byte compares, so it flips the top bit there).
pub(crate) trait ByteLanes: Copy {
    const LANES: usize;
    unsafe fn load(p: *const u8) -> Self;
    unsafe fn splat(v: u8) -> Self;
    unsafe fn adds(a: Self, b: Self) -> Self;
    unsafe fn subs(a: Self, b: Self) -> Self;
    unsafe fn ordered(a: Self) -> Self;
    /// `a > b` on ordered values (all ones / zero per lane).
    unsafe fn gt(a: Self, b: Self) -> Self;
    unsafe fn and(a: Self, b: Self) -> Self;
    unsafe fn or(a: Self, b: Self) -> Self;
    unsafe fn sub_wrap(a: Self, b: Self) -> Self;
    unsafe fn max_u8(a: Self, b: Self) -> Self;
    unsafe fn min_u8(a: Self, b: Self) -> Self;
    unsafe fn store(a: Self, p: *mut u8);
    /// Bit `i` set when lane `i` is all ones.
    unsafe fn mask(a: Self) -> u32;
}

/// Corner test of `LANES` consecutive pixels starting at `p`; bit `i` set for a corner at `p + i`.
#[inline(always)]
unsafe fn block<V: ByteLanes>(p: *const u8, off: &[isize; 25], t: V) -> u32 {
    let v = V::load(p);
    let hi = V::ordered(V::adds(v, t));
    let lo = V::ordered(V::subs(v, t));
    let at = |k: usize| V::ordered(V::load(p.offset(off[k])));
    let (c0, c4, c8, c12) = (at(0), at(4), at(8), at(12));
    let (b0, b4, b8, b12) = (V::gt(c0, hi), V::gt(c4, hi), V::gt(c8, hi), V::gt(c12, hi));
    let (d0, d4, d8, d12) = (V::gt(lo, c0), V::gt(lo, c4), V::gt(lo, c8), V::gt(lo, c12));
    let pair = |a, b, c, d| {
        V::or(
            V::or(V::and(a, b), V::and(b, c)),
            V::or(V::and(c, d), V::and(d, a)),
        )
    };
    let candidates = V::or(pair(b0, b4, b8, b12), pair(d0, d4, d8, d12));
    if V::mask(candidates) == 0 {
        return 0;
    }
    let zero = V::splat(0);
    let (mut run_b, mut run_d, mut max_b, mut max_d) = (zero, zero, zero, zero);
    for k in 0..25 {
        let x = at(k);
        let b = V::gt(x, hi);
        let d = V::gt(lo, x);
        run_b = V::and(V::sub_wrap(run_b, b), b);
        run_d = V::and(V::sub_wrap(run_d, d), d);
        max_b = V::max_u8(max_b, run_b);
        max_d = V::max_u8(max_d, run_d);
    }
    // Run lengths are at most 25, so a signed compare against 8 is exact on every backend.
    V::mask(V::gt(V::max_u8(max_b, max_d), V::splat(8)))
}

/// `max over the 16 arcs of 9 of (min over the arc of m)`, per lane (sliding minima 2, 4, 8, 9).
#[inline(always)]
unsafe fn best_arc<V: ByteLanes>(m: &[V; 16]) -> V {
    let mut m2 = *m;
    for k in 0..16 {
        m2[k] = V::min_u8(m[k], m[(k + 1) % 16]);
    }
    let mut m4 = m2;
    for k in 0..16 {
        m4[k] = V::min_u8(m2[k], m2[(k + 2) % 16]);
    }
    let mut best = V::splat(0);
    for k in 0..16 {
        let m8 = V::min_u8(m4[k], m4[(k + 4) % 16]);
        best = V::max_u8(best, V::min_u8(m8, m[(k + 8) % 16]));
    }
    best
}

/// OpenCV's FAST score of `LANES` pixels at `p` (only meaningful for corners): with margins clamped
/// at 0 (`v ⊖ p` darker, `p ⊖ v` brighter), `max(best darker arc, best brighter arc) − 1`. Clamping
/// does not change the score of a corner, whose best arc margin is at least threshold + 1.
#[inline(always)]
unsafe fn block_scores<V: ByteLanes>(p: *const u8, off: &[isize; 25], out: *mut u8) {
    let v = V::load(p);
    let zero = V::splat(0);
    let (mut darker, mut brighter) = ([zero; 16], [zero; 16]);
    for k in 0..16 {
        let x = V::load(p.offset(off[k]));
        darker[k] = V::subs(v, x);
        brighter[k] = V::subs(x, v);
    }
    let best = V::max_u8(best_arc(&darker), best_arc(&brighter));
    V::store(V::sub_wrap(best, V::splat(1)), out);
}

/// Corners of row `y` (columns 3 ..= width − 4) appended to `hits` as x, ascending; with
/// `with_scores`, each corner's score is written to `scores[x]` (a row of `width`).
///
/// # Safety
/// `data` must hold the image rows `y − 3 ..= y + 3` at `stride`; `3 ≤ y`; `scores.len() ≥ width`.
#[inline(always)]
unsafe fn scan_row_with<V: ByteLanes>(row: RowArgs<'_>, hits: &mut Vec<u32>, scores: &mut [u8]) {
    let off = circle_offsets(row.stride);
    let p = row.data.as_ptr().add(row.y * row.stride);
    let t = V::splat(row.threshold);
    let mut lane_scores = [0u8; 32];
    let mut x = 3;
    while x + V::LANES + 3 <= row.width {
        let mut bits = block::<V>(p.add(x), &off, t);
        if bits != 0 && row.with_scores {
            block_scores::<V>(p.add(x), &off, lane_scores.as_mut_ptr());
        }
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            hits.push((x + i) as u32);
            scores[x + i] = lane_scores[i];
            bits &= bits - 1;
        }
        x += V::LANES;
    }
    scan_tail(p, &off, x, &row, hits, scores);
}

/// What a row scanner needs besides its outputs.
#[derive(Clone, Copy)]
pub(crate) struct RowArgs<'a> {
    pub data: &'a [u8],
    pub width: usize,
    pub stride: usize,
    pub y: usize,
    pub threshold: u8,
    pub with_scores: bool,
}

/// The scalar test (and score) for columns `x0 .. width − 3`.
#[inline(always)]
unsafe fn scan_tail(
    p: *const u8,
    off: &[isize; 25],
    x0: usize,
    row: &RowArgs<'_>,
    hits: &mut Vec<u32>,
    scores: &mut [u8],
) {
    let t = i32::from(row.threshold);
    let end = row.width.saturating_sub(3);
    for (x, score) in scores.iter_mut().enumerate().take(end).skip(x0) {
        if is_corner(p.add(x), off, t) {
            hits.push(x as u32);
            if row.with_scores {
                *score = corner_score(p.add(x), off, t);
            }
        }
    }
}

/// A row scanner: appends the corners of one row to `hits` (and their scores to the score row).
pub(crate) type RowScan = unsafe fn(RowArgs<'_>, &mut Vec<u32>, &mut [u8]);

/// The portable path: OpenCV's scalar test on every pixel.
///
/// # Safety
/// As [`scan_row_with`].
pub(crate) unsafe fn scan_row_scalar(row: RowArgs<'_>, hits: &mut Vec<u32>, scores: &mut [u8]) {
    let off = circle_offsets(row.stride);
    scan_tail(
        row.data.as_ptr().add(row.y * row.stride),
        &off,
        3,
        &row,
        hits,
        scores,
    );
}

#[cfg(target_arch = "x86_64")]
mod x86;

#[cfg(target_arch = "aarch64")]
mod arm;

/// The fastest row scanner this CPU runs.
pub(crate) fn best_row_scan() -> RowScan {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            return x86::scan_row_avx2;
        }
        x86::scan_row_sse2
    }
    #[cfg(target_arch = "aarch64")]
    {
        arm::scan_row_neon
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        scan_row_scalar
    }
}

/// Every row scanner compiled for this CPU, with its name (for tests and benchmarks).
pub(crate) fn available_row_scans() -> Vec<(&'static str, RowScan)> {
    let mut v: Vec<(&'static str, RowScan)> = vec![("scalar", scan_row_scalar)];
    #[cfg(target_arch = "x86_64")]
    {
        v.push(("sse2", x86::scan_row_sse2));
        if std::arch::is_x86_feature_detected!("avx2") {
            v.push(("avx2", x86::scan_row_avx2));
        }
    }
    #[cfg(target_arch = "aarch64")]
    v.push(("neon", arm::scan_row_neon));
    v
}
