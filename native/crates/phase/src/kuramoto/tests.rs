//! Analytic cases of the order parameter and the two coupling steps.

use super::*;
use std::f64::consts::{PI, TAU};

#[test]
fn order_parameter_of_identical_and_evenly_spread_phases() {
    let p = order_parameter(&[1.25; 7]);
    assert!((p.r - 1.0).abs() < 1e-15 && (p.psi - 1.25).abs() < 1e-15);
    assert!((p.coherence - 1.0).abs() < 1e-14);
    let even: Vec<f64> = (0..10).map(|k| wrap_angle(k as f64 * TAU / 10.0)).collect();
    let p = order_parameter(&even);
    assert!(p.r < 1e-15);
    assert!((p.coherence - (-5.0_f64).exp()).abs() < 1e-15);
    assert!(order_parameter(&[]).r.is_nan());
}

#[test]
fn seed_003_two_nodes_nudge_toward_the_cluster_phase() {
    // Seed 003 §7: node A at Θ = 0.24 cycles, node B at 0.81 cycles, α = 0.01.
    let (a, b) = (0.24 * TAU, wrap_angle(0.81 * TAU));
    let mut theta = [a, b];
    let before = order_parameter(&theta);
    // The circular midpoint of 0.24 and 0.81 cycles is 0.025 cycles (the short way round, 0.43 apart).
    assert!(
        (before.psi - 0.025 * TAU).abs() < 1e-12,
        "{}",
        before.psi / TAU
    );
    let after = cluster_phase_step(&mut theta, 0.01, None, 1).unwrap();
    assert!((theta[0] - (a + 0.01 * (before.psi - a).sin())).abs() < 1e-15);
    assert!((theta[1] - (b + 0.01 * (before.psi - b).sin())).abs() < 1e-15);
    assert!(after.r > before.r && after.coherence > before.coherence);
    assert!(
        (after.psi - before.psi).abs() < 1e-12,
        "a symmetric pair keeps its mean phase"
    );
}

#[test]
fn symmetric_pair_contracts_as_delta_minus_alpha_sin_delta() {
    let (mu, alpha) = (-2.0, 0.01);
    let mut delta: f64 = 1.2;
    let mut theta = [mu + delta, mu - delta];
    for _ in 0..500 {
        cluster_phase_step(&mut theta, alpha, None, 1).unwrap();
        delta -= alpha * delta.sin();
    }
    assert!((angular(theta[0], mu) - delta).abs() < 1e-12);
    assert!((angular(mu, theta[1]) - delta).abs() < 1e-12);
    // The same 500 steps in one call.
    let mut batch = [mu + 1.2, mu - 1.2];
    cluster_phase_step(&mut batch, alpha, None, 500).unwrap();
    assert_eq!(batch, theta);
}

fn angular(a: f64, b: f64) -> f64 {
    crate::circular::angular_difference(a, b)
}

#[test]
fn nudging_toward_a_received_cluster_phase() {
    let mut theta = [3.0, -3.0, 0.5];
    let psi = PI;
    cluster_phase_step(&mut theta, 0.5, Some(psi), 200).unwrap();
    // Every node converges to ψ = π; the ones near the seam cross it without a jump.
    for t in theta {
        assert!(angular(t, psi).abs() < 1e-9, "{t}");
    }
}

#[test]
fn uncoupled_oscillators_advance_at_their_natural_frequency() {
    let mut theta = [0.0, 1.0, -2.0];
    let omega = [1.0, -0.5, 2.0];
    kuramoto_step(&mut theta, &omega, 0.0, 0.01, 300).unwrap();
    for (k, t) in theta.iter().enumerate() {
        let expect = wrap_angle([0.0, 1.0, -2.0][k] + omega[k] * 3.0);
        assert!(angular(*t, expect).abs() < 1e-12, "{k}");
    }
}

#[test]
fn two_oscillators_lock_at_asin_of_detuning_over_coupling() {
    // dφ/dt = Δω − K sin φ for φ = θ₂ − θ₁ (K/N with N = 2): locked at φ* = asin(Δω/K).
    let (dw, k) = (0.5, 2.0);
    let mut theta = [0.0, 0.0];
    kuramoto_step(&mut theta, &[-dw / 2.0, dw / 2.0], k, 1e-3, 50_000).unwrap();
    assert!((angular(theta[1], theta[0]) - (dw / k).asin()).abs() < 1e-9);
}

#[test]
fn lorentzian_population_reaches_the_mean_field_coherence() {
    // Strogatz 2000 eq. 3.9: for Lorentzian frequencies of half-width γ, r∞ = √(1 − 2γ/K) above
    // K_c = 2γ. Frequencies at the Lorentzian's quantiles, phases on a golden-angle spiral.
    let (n, gamma, k) = (2000, 0.5, 2.0);
    let omega: Vec<f64> = (0..n)
        .map(|i| gamma * (PI * (i as f64 + 0.5) / n as f64 - PI / 2.0).tan())
        .collect();
    let golden = (5.0_f64.sqrt() - 1.0) / 2.0;
    let mut theta: Vec<f64> = (0..n)
        .map(|i| wrap_angle(TAU * golden * i as f64))
        .collect();
    assert!(order_parameter(&theta).r < 0.01);
    let p = kuramoto_step(&mut theta, &omega, k, 0.01, 4000).unwrap();
    let expect = (1.0 - 2.0 * gamma / k).sqrt();
    assert!((p.r - expect).abs() < 0.03, "r = {}, theory {expect}", p.r);
    // Below K_c the population stays incoherent.
    let mut theta: Vec<f64> = (0..n)
        .map(|i| wrap_angle(TAU * golden * i as f64))
        .collect();
    assert!(
        kuramoto_step(&mut theta, &omega, 0.5, 0.01, 4000)
            .unwrap()
            .r
            < 0.1
    );
}

#[test]
fn errors_name_the_parameter_and_value() {
    let mut theta = [0.0; 3];
    let msg = |e: karana_core::error::KaranaError| e.to_string();
    assert_eq!(
        msg(cluster_phase_step(&mut theta, 2.0, None, 1).unwrap_err()),
        "\"alpha\" must be a number in [0, 1], got 2"
    );
    assert_eq!(
        msg(kuramoto_step(&mut theta, &[0.0; 2], 1.0, 0.01, 1).unwrap_err()),
        "\"omega\" must be 3 frequencies (one per phase), got 2"
    );
    assert_eq!(
        msg(kuramoto_step(&mut theta, &[0.0; 3], 1.0, -0.01, 1).unwrap_err()),
        "\"dtS\" must be a number in [0, 1000000], got -0.01"
    );
}
