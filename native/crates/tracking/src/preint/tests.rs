//! Preintegration: closed-form cases, the covariance step against a numerical linearization, and
//! the bias Jacobians against re-integration with perturbed biases on the real EuRoC MH_01 IMU.
//! (The prediction of the ground-truth motion is checked from TypeScript.)

use super::*;
use crate::lie::so3::log;
use nalgebra::SMatrix;

fn settings() -> PreintSettings {
    PreintSettings::default()
}

#[test]
fn constant_rate_and_force_have_closed_forms() {
    let mut p = Preintegrator::new(settings(), Vec3::new(0.01, 0.0, 0.0), Vec3::zeros());
    // Gyro reads the bias plus 0.5 rad/s about z; no specific force.
    for _ in 0..200 {
        p.integrate(Vec3::new(0.01, 0.0, 0.5), Vec3::zeros(), 0.005);
    }
    assert!((log(&p.delta_r) - Vec3::new(0.0, 0.0, 0.5)).norm() < 1e-14);
    assert!((p.dt_sum - 1.0).abs() < 1e-12);
    // No rotation, constant specific force: Δv = a T, Δp = ½ a T².
    let mut q = Preintegrator::new(settings(), Vec3::zeros(), Vec3::new(0.0, 0.0, 0.1));
    let a = Vec3::new(1.0, -2.0, 9.91);
    for _ in 0..400 {
        q.integrate(Vec3::zeros(), a, 0.005);
    }
    let a = a - Vec3::new(0.0, 0.0, 0.1);
    assert!((q.delta_v - a * 2.0).norm() < 1e-12);
    assert!((q.delta_p - a * 2.0).norm() < 1e-11);
}

#[test]
fn at_rest_the_prediction_stays_put() {
    let mut p = Preintegrator::new(settings(), Vec3::zeros(), Vec3::zeros());
    let r = exp(&Vec3::new(0.3, -0.2, 1.0));
    // A tilted sensor at rest reads R_world_bodyᵀ (0, 0, g).
    let f = r.transpose() * Vec3::new(0.0, 0.0, 9.81);
    for _ in 0..1000 {
        p.integrate(Vec3::zeros(), f, 0.005);
    }
    let start = NavState {
        rotation: r,
        velocity: Vec3::zeros(),
        position: Vec3::new(1.0, 2.0, 3.0),
    };
    let end = p.predict(&start, &Vec3::zeros(), &Vec3::zeros(), 9.81);
    // Measured: 1.6e-12 m/s and 5e-12 m after 5 s (rounding of 49 m/s of gravity cancelling).
    assert!(end.velocity.norm() < 1e-10 && (end.position - start.position).norm() < 1e-10);
}

/// One step as a function of the error state and the noise: `(δφ, δv, δp)` of
/// `step(x ⊕ δx, ω + η_g, a + η_a)` relative to `step(x, ω, a)`.
fn perturbed_step(
    p: &Preintegrator,
    dx: &SMatrix<f64, 9, 1>,
    eta: &SMatrix<f64, 6, 1>,
    w: Vec3,
    a: Vec3,
    dt: f64,
) -> SMatrix<f64, 9, 1> {
    let step = |q: &mut Preintegrator, dx: &SMatrix<f64, 9, 1>, eta: &SMatrix<f64, 6, 1>| {
        q.delta_r *= exp(&Vec3::new(dx[0], dx[1], dx[2]));
        q.delta_v += Vec3::new(dx[3], dx[4], dx[5]);
        q.delta_p += Vec3::new(dx[6], dx[7], dx[8]);
        q.integrate(
            w + Vec3::new(eta[0], eta[1], eta[2]),
            a + Vec3::new(eta[3], eta[4], eta[5]),
            dt,
        );
    };
    let (mut nominal, mut perturbed) = (p.clone(), p.clone());
    step(&mut nominal, &SMatrix::zeros(), &SMatrix::zeros());
    step(&mut perturbed, dx, eta);
    let phi = log(&(nominal.delta_r.transpose() * perturbed.delta_r));
    let dv = perturbed.delta_v - nominal.delta_v;
    let dp = perturbed.delta_p - nominal.delta_p;
    SMatrix::<f64, 9, 1>::from_iterator(phi.iter().chain(dv.iter()).chain(dp.iter()).copied())
}

#[test]
fn covariance_step_matches_a_numerical_linearization() {
    let mut p = Preintegrator::new(
        settings(),
        Vec3::new(0.01, -0.02, 0.03),
        Vec3::new(0.1, 0.0, -0.1),
    );
    for k in 0..50 {
        let s = k as f64 * 0.1;
        p.integrate(
            Vec3::new(0.5 * s.sin(), 0.3, -0.8),
            Vec3::new(1.0, s.cos(), 9.5),
            0.005,
        );
    }
    let (w, a, dt) = (Vec3::new(0.4, -1.1, 0.7), Vec3::new(-0.5, 2.0, 9.0), 0.005);
    let h = 1e-6;
    let a_num = SMatrix::<f64, 9, 9>::from_fn(|r, c| {
        let mut e = SMatrix::<f64, 9, 1>::zeros();
        e[c] = h;
        (perturbed_step(&p, &e, &SMatrix::zeros(), w, a, dt)[r]
            - perturbed_step(&p, &-e, &SMatrix::zeros(), w, a, dt)[r])
            / (2.0 * h)
    });
    let b_num = SMatrix::<f64, 9, 6>::from_fn(|r, c| {
        let mut e = SMatrix::<f64, 6, 1>::zeros();
        e[c] = h;
        (perturbed_step(&p, &SMatrix::zeros(), &e, w, a, dt)[r]
            - perturbed_step(&p, &SMatrix::zeros(), &-e, w, a, dt)[r])
            / (2.0 * h)
    });
    // A non-trivial prior covariance, then one step each way.
    let l = SMatrix::<f64, 9, 9>::from_fn(|r, c| {
        if c <= r {
            1e-3 * (1.0 + ((r * 9 + c) as f64).sin())
        } else {
            0.0
        }
    });
    p.cov = l * l.transpose();
    let s = p.settings;
    let q = SMatrix::<f64, 6, 6>::from_diagonal(&SMatrix::<f64, 6, 1>::from_fn(|i, _| {
        if i < 3 {
            s.gyro_noise_density.powi(2) / dt
        } else {
            s.accel_noise_density.powi(2) / dt
        }
    }));
    let want = a_num * p.cov * a_num.transpose() + b_num * q * b_num.transpose();
    p.integrate(w, a, dt);
    let scale = want.amax();
    assert!(
        (p.cov - want).amax() < 1e-7 * scale,
        "{}",
        (p.cov - want).amax() / scale
    );
}

/// EuRoC MH_01 `imu0/data.csv` rows from `from_s` to `to_s` after the first row, if present.
fn euroc(from_s: f64, to_s: f64) -> Option<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../../shared/data/euroc_mh01_excerpt/mav0/imu0/data.csv"
    );
    let text = std::fs::read_to_string(path).ok()?;
    let (mut t, mut g, mut a) = (Vec::new(), Vec::new(), Vec::new());
    let mut t0 = None;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split(',').collect();
        let ns: i64 = f[0].parse().ok()?;
        let rel = (ns - *t0.get_or_insert(ns)) as f64;
        if rel >= from_s * 1e9 && rel <= to_s * 1e9 {
            t.push(rel);
            g.extend(f[1..4].iter().map(|v| v.parse::<f64>().unwrap()));
            a.extend(f[4..7].iter().map(|v| v.parse::<f64>().unwrap()));
        }
    }
    Some((t, g, a))
}

#[test]
fn bias_jacobians_match_reintegration_on_real_euroc_imu() {
    // 0.5 s of the hand-held excitation of MH_01 (gyro up to 0.8 rad/s), from PROVENANCE's biases.
    let Some((t, g, a)) = euroc(14.0, 14.5) else {
        eprintln!("skipped: ../shared/data not present");
        return;
    };
    let bg = Vec3::new(-0.0032, 0.0209, 0.0798);
    let ba = Vec3::new(-0.03, 0.13, 0.08);
    let run = |bg: Vec3, ba: Vec3| {
        let mut p = Preintegrator::new(settings(), bg, ba);
        p.integrate_batch(&t, &g, &a).unwrap();
        p
    };
    let base = run(bg, ba);
    assert!(log(&base.delta_r).norm() > 0.05, "the segment must rotate");
    let h = 1e-6;
    for k in 0..3 {
        let mut e = Vec3::zeros();
        e[k] = h;
        let (pg, mg) = (run(bg + e, ba), run(bg - e, ba));
        let d_r = (log(&(base.delta_r.transpose() * pg.delta_r))
            - log(&(base.delta_r.transpose() * mg.delta_r)))
            / (2.0 * h);
        assert!(
            (d_r - base.dr_dbg.column(k)).norm() < 1e-7,
            "∂ΔR/∂bg col {k}"
        );
        assert!(((pg.delta_v - mg.delta_v) / (2.0 * h) - base.dv_dbg.column(k)).norm() < 1e-6);
        assert!(((pg.delta_p - mg.delta_p) / (2.0 * h) - base.dp_dbg.column(k)).norm() < 1e-7);
        let (pa, ma) = (run(bg, ba + e), run(bg, ba - e));
        assert!(((pa.delta_v - ma.delta_v) / (2.0 * h) - base.dv_dba.column(k)).norm() < 1e-8);
        assert!(((pa.delta_p - ma.delta_p) / (2.0 * h) - base.dp_dba.column(k)).norm() < 1e-8);
    }
    // First-order correction for a 0.01 rad/s, 0.05 m/s² bias change vs re-integration.
    let (dbg, dba) = (Vec3::new(0.01, -0.01, 0.005), Vec3::new(0.05, -0.05, 0.02));
    let again = run(bg + dbg, ba + dba);
    let (r, v, p) = base.corrected(&(bg + dbg), &(ba + dba));
    // Measured: 1.5e-6 rad, 5.0e-5 m/s, 6.2e-6 m (second-order terms), against 7.5e-3 rad,
    // 4.0e-2 m/s, 9.5e-3 m without the correction.
    assert!(log(&(base.delta_r.transpose() * again.delta_r)).norm() > 5e-3);
    assert!(log(&(r.transpose() * again.delta_r)).norm() < 5e-6);
    assert!((v - again.delta_v).norm() < 2e-4 && (p - again.delta_p).norm() < 2e-5);
}

#[test]
fn batches_split_anywhere_and_reset_keeps_the_held_sample() {
    let Some((t, g, a)) = euroc(10.0, 11.0) else {
        eprintln!("skipped: ../shared/data not present");
        return;
    };
    let mut whole = Preintegrator::new(settings(), Vec3::zeros(), Vec3::zeros());
    let r = whole.integrate_batch(&t, &g, &a).unwrap();
    assert_eq!(
        (r.samples, r.no_previous_stamp, r.non_positive_dt),
        (t.len() as u32, 1, 0)
    );
    let mut parts = Preintegrator::new(settings(), Vec3::zeros(), Vec3::zeros());
    let cut = 77;
    parts
        .integrate_batch(&t[..cut], &g[..3 * cut], &a[..3 * cut])
        .unwrap();
    parts
        .integrate_batch(&t[cut..], &g[3 * cut..], &a[3 * cut..])
        .unwrap();
    assert_eq!(whole, parts);
    assert!((whole.dt_sum - (t[t.len() - 1] - t[0]) * 1e-9).abs() < 1e-12);
    // Two keyframe intervals chained with a reset equal one long interval's rotation.
    let mut first = Preintegrator::new(settings(), Vec3::zeros(), Vec3::zeros());
    first
        .integrate_batch(&t[..=cut], &g[..3 * cut + 3], &a[..3 * cut + 3])
        .unwrap();
    let mut second = first.clone();
    second.reset(Vec3::zeros(), Vec3::zeros());
    second
        .integrate_batch(&t[cut + 1..], &g[3 * cut + 3..], &a[3 * cut + 3..])
        .unwrap();
    assert!(log(&((first.delta_r * second.delta_r).transpose() * whole.delta_r)).norm() < 1e-12);
    assert!((first.dt_sum + second.dt_sum - whole.dt_sum).abs() < 1e-12);
}

#[test]
fn degraded_samples_are_counted() {
    let mut p = Preintegrator::new(settings(), Vec3::zeros(), Vec3::zeros());
    let t = [0.0, 5e6, 5e6, 2e9, 2.005e9];
    let mut g = vec![0.1; 15];
    g[7] = f64::NAN; // sample 2
    let a = vec![9.81; 15];
    let r = p.integrate_batch(&t, &g, &a).unwrap();
    assert_eq!(
        r,
        PreintReport {
            samples: 5,
            no_previous_stamp: 1,
            non_positive_dt: 1,
            long_dt: 1,
            skipped: 1
        }
    );
    assert!((p.dt_sum - 2.005).abs() < 1e-12);
    let e = p.integrate_batch(&t, &g[..14], &a).unwrap_err();
    assert_eq!(e.to_string(), "\"gyroRadps\" must hold 15 numbers, got 14");
}
