//! Kuramoto order parameter and the two coupling steps of cluster phase (seed 003), on phases in
//! radians.
//!
//! - Order parameter (Y. Kuramoto, "Chemical Oscillations, Waves, and Turbulence", Springer 1984;
//!   S. H. Strogatz, Physica D 143, 2000, eq. 2.2): `r·e^{iψ} = (1/N) Σⱼ e^{iθⱼ}`.
//! - Cluster-phase nudge (seed 003 §1, "Θ_local ← Θ_local + α · phaseError"): every node moves toward
//!   the cluster phase, `θᵢ ← θᵢ + α · sin(ψ − θᵢ)`. On a circle the phase error has to be an angle
//!   difference; `sin` makes the nudge smooth across ±π and equals the seed's linear `α · (ψ − θᵢ)` to
//!   O((ψ − θᵢ)³) — it is the mean-field Kuramoto coupling without the factor `r`.
//! - Standard Kuramoto model, forward Euler: `θᵢ ← θᵢ + dt · (ωᵢ + (K/N) Σⱼ sin(θⱼ − θᵢ))`, evaluated
//!   in O(N) through the mean-field identity `(1/N) Σⱼ sin(θⱼ − θᵢ) = r · sin(ψ − θᵢ)` (Strogatz eq. 2.4).
//! - Coherence (seed 003 §5, "C = exp(−variance(θ) · 5)"): `C = exp(−5 · V)` with `V = 1 − r` the
//!   circular variance (Mardia & Jupp 2000 §2.3.1), so `C` ∈ [e⁻⁵ ≈ 0.0067, 1]; the seed's migration
//!   threshold `C > 0.65` is `r > 1 + ln(0.65)/5 ≈ 0.914`.
//!
//! Steps update all nodes synchronously (ψ from the phases before the step) and wrap the phases to
//! (−π, π].

use crate::circular::{sum_unit_vectors, wrap_angle, wrap_small, WRAP_LIMIT};
use crate::trig;
use karana_core::error::{in_range, invalid, KaranaResult};

/// `θᵢ ← wrap(θᵢ + gain · sin(ψ − θᵢ) + dt · ωᵢ)` for every phase (ω empty: no drift term); AVX2
/// when the CPU has it.
fn nudge(theta: &mut [f64], omega: &[f64], psi: f64, gain: f64, dt: f64) {
    #[cfg(target_arch = "x86_64")]
    if trig::avx2_available() {
        // SAFETY: the CPU has AVX2.
        let done = unsafe { trig::avx2::nudge_blocks(theta, omega, psi, gain, dt) };
        let rest = omega.get(done..).unwrap_or(&[]);
        return nudge_portable(&mut theta[done..], rest, psi, gain, dt);
    }
    nudge_portable(theta, omega, psi, gain, dt)
}

/// The portable [`nudge`], four phases at a time (the general `sin` and wrap for blocks beyond the
/// fast range); bit-identical to the AVX2 one.
pub fn nudge_portable(theta: &mut [f64], omega: &[f64], psi: f64, gain: f64, dt: f64) {
    let drift = |i: usize| omega.get(i).map_or(0.0, |w| dt * w);
    let mut chunks = theta.chunks_exact_mut(4);
    let mut i = 0;
    for q in &mut chunks {
        let q: &mut [f64; 4] = q.try_into().unwrap_or_else(|_| unreachable!());
        let x = q.map(|t| psi - t);
        let d = [drift(i), drift(i + 1), drift(i + 2), drift(i + 3)];
        let v = if trig::all_below(&x, trig::FAST_LIMIT) {
            let (s, _) = trig::sin_cos4(&x);
            [0, 1, 2, 3].map(|k| q[k] + gain * s[k] + d[k])
        } else {
            [0, 1, 2, 3].map(|k| q[k] + gain * trig::sin(x[k]) + d[k])
        };
        *q = if trig::all_below(&v, WRAP_LIMIT) {
            v.map(wrap_small)
        } else {
            v.map(wrap_angle)
        };
        i += 4;
    }
    for t in chunks.into_remainder() {
        *t = wrap_angle(*t + gain * trig::sin(psi - *t) + drift(i));
        i += 1;
    }
}

/// `r·e^{iψ}`, the Kuramoto order parameter, with the seed's coherence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrderParameter {
    /// Phase coherence `r` ∈ [0, 1] (NaN for no phases).
    pub r: f64,
    /// Mean phase ψ, rad in (−π, π] (0 when `r` = 0 exactly).
    pub psi: f64,
    /// `exp(−5 · (1 − r))`.
    pub coherence: f64,
}

/// Seed 003's coherence of a set of phases with order parameter `r`: `exp(−5 · (1 − r))`.
pub fn coherence_of(r: f64) -> f64 {
    (-5.0 * (1.0 - r)).exp()
}

/// The order parameter of `theta` (rad).
pub fn order_parameter(theta: &[f64]) -> OrderParameter {
    let (c, s) = sum_unit_vectors(theta);
    from_sums(theta.len(), c, s)
}

fn from_sums(n: usize, c: f64, s: f64) -> OrderParameter {
    let r = if n == 0 {
        f64::NAN
    } else {
        (c.hypot(s) / n as f64).min(1.0)
    };
    let psi = s.atan2(c);
    OrderParameter {
        r,
        psi: if psi == -std::f64::consts::PI {
            std::f64::consts::PI
        } else {
            psi
        },
        coherence: coherence_of(r),
    }
}

/// The argument checks of [`cluster_phase_step`] (for callers that queue the work).
pub fn check_cluster_phase(alpha: f64, cluster_psi: Option<f64>) -> KaranaResult<()> {
    in_range("alpha", alpha, 0.0, 1.0)?;
    if let Some(p) = cluster_psi {
        in_range("clusterPsi", p, -1e9, 1e9)?;
    }
    Ok(())
}

/// The argument checks of [`kuramoto_step`] for `n_theta` phases and `n_omega` frequencies.
pub fn check_kuramoto(
    n_theta: usize,
    n_omega: usize,
    coupling_k: f64,
    dt_s: f64,
) -> KaranaResult<()> {
    if n_omega != n_theta {
        return Err(invalid(
            "omega",
            format!("{n_theta} frequencies (one per phase)"),
            n_omega,
        ));
    }
    in_range("couplingK", coupling_k, -1e9, 1e9)?;
    in_range("dtS", dt_s, 0.0, 1e6)?;
    Ok(())
}

/// `steps` cluster-phase nudges `θᵢ ← θᵢ + α · sin(ψ − θᵢ)`, in place. ψ is `cluster_psi` when given
/// (a cluster phase received from elsewhere, held for all steps), else each step's own mean phase.
/// Returns the order parameter after the last step. Fails when `alpha` ∉ [0, 1] or `cluster_psi`
/// is not finite.
pub fn cluster_phase_step(
    theta: &mut [f64],
    alpha: f64,
    cluster_psi: Option<f64>,
    steps: u32,
) -> KaranaResult<OrderParameter> {
    check_cluster_phase(alpha, cluster_psi)?;
    for _ in 0..steps {
        let psi = match cluster_psi {
            Some(p) => p,
            None => {
                let (c, s) = sum_unit_vectors(theta);
                s.atan2(c)
            }
        };
        nudge(theta, &[], psi, alpha, 0.0);
    }
    Ok(order_parameter(theta))
}

/// `steps` forward-Euler steps of the Kuramoto model `dθᵢ/dt = ωᵢ + K·r·sin(ψ − θᵢ)`, in place.
/// `omega`: natural frequencies, rad/s, one per phase; `coupling_k`: K, rad/s; `dt_s`: step, s.
/// Returns the order parameter after the last step. Fails when `omega` does not match `theta`, or
/// `coupling_k` / `dt_s` are out of range.
pub fn kuramoto_step(
    theta: &mut [f64],
    omega: &[f64],
    coupling_k: f64,
    dt_s: f64,
    steps: u32,
) -> KaranaResult<OrderParameter> {
    check_kuramoto(theta.len(), omega.len(), coupling_k, dt_s)?;
    let n = theta.len() as f64;
    for _ in 0..steps {
        let (c, s) = sum_unit_vectors(theta);
        let (r, psi) = (c.hypot(s) / n, s.atan2(c));
        let kr = coupling_k * r;
        nudge(theta, omega, psi, dt_s * kr, dt_s);
    }
    Ok(order_parameter(theta))
}

#[cfg(test)]
mod tests;
