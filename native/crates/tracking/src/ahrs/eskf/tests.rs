//! The block-wise ESKF against the dense 6×6 equations of Solà 2017, and its behaviour on static
//! sensors; accuracy on real recordings is checked from TypeScript (BROAD, EuRoC).

use super::filter::{Eskf, EskfNoise, Update};
use super::*;
use crate::lie::quat::{quat_exp, quat_mul, quat_rotate, quat_to_matrix};
use crate::lie::so3::{exp, hat};
use nalgebra::{Matrix6, SMatrix, Vector6};

/// The default noise with the deviation term on and no gate, so every path of the update runs.
fn noise() -> EskfNoise {
    EskfNoise {
        accel_deviation_gain: 4.0,
        accel_gate: 0.0,
        ..EskfSettings::default().noise
    }
}

/// A filter with a full, non-trivial covariance (a fixed SPD matrix).
fn filter() -> Eskf {
    let l = Matrix6::from_fn(|i, j| {
        if j <= i {
            0.01 * (1.0 + (i * 6 + j) as f64 * 0.37).sin() + if i == j { 0.05 } else { 0.0 }
        } else {
            0.0
        }
    });
    let p = l * l.transpose();
    Eskf {
        q: quat_exp(&Vec3::new(0.3, -0.4, 1.2)),
        bias: Vec3::new(0.01, -0.02, 0.005),
        p_tt: p.fixed_view::<3, 3>(0, 0).into(),
        p_tb: p.fixed_view::<3, 3>(0, 3).into(),
        p_bb: p.fixed_view::<3, 3>(3, 3).into(),
    }
}

fn dense(f: &Eskf) -> Matrix6<f64> {
    let mut p = Matrix6::zeros();
    p.fixed_view_mut::<3, 3>(0, 0).copy_from(&f.p_tt);
    p.fixed_view_mut::<3, 3>(0, 3).copy_from(&f.p_tb);
    p.fixed_view_mut::<3, 3>(3, 0)
        .copy_from(&f.p_tb.transpose());
    p.fixed_view_mut::<3, 3>(3, 3).copy_from(&f.p_bb);
    p
}

fn max_diff(a: &Matrix6<f64>, b: &Matrix6<f64>) -> f64 {
    (a - b).iter().fold(0.0, |m: f64, v| m.max(v.abs()))
}

/// The reset Jacobian G of Solà eq 287 for an error `dx`.
fn reset(dx: &Vector6<f64>) -> Matrix6<f64> {
    let mut g = Matrix6::identity();
    let dt = Vec3::new(dx[0], dx[1], dx[2]);
    g.fixed_view_mut::<3, 3>(0, 0)
        .copy_from(&(Mat3::identity() - hat(&(dt * 0.5))));
    g
}

#[test]
fn propagation_matches_the_dense_equations() {
    let mut f = filter();
    let p0 = dense(&f);
    let (gyro, dt) = (Vec3::new(0.8, -1.5, 2.0), 0.0035);
    f.predict(gyro, dt, &noise());
    let mut fx = Matrix6::identity();
    fx.fixed_view_mut::<3, 3>(0, 0)
        .copy_from(&exp(&((gyro - filter().bias) * dt)).transpose());
    fx.fixed_view_mut::<3, 3>(0, 3)
        .copy_from(&(-Mat3::identity() * dt));
    let n = noise();
    let q = Matrix6::from_diagonal(&Vector6::from_fn(|i, _| {
        if i < 3 {
            n.gyro_noise_density.powi(2) * dt
        } else {
            n.gyro_bias_random_walk.powi(2) * dt
        }
    }));
    assert!(max_diff(&dense(&f), &(fx * p0 * fx.transpose() + q)) < 1e-16);
}

#[test]
fn gravity_update_matches_the_dense_equations() {
    let mut f = filter();
    let before = f;
    let p0 = dense(&f);
    let y = Vec3::new(0.2, -0.3, 0.9).normalize();
    let norm = 10.3;
    assert_eq!(f.update_gravity(y, norm, &noise(), false), Update::Applied);
    let h_pred = quat_to_matrix(&before.q).transpose() * Vec3::z();
    let mut h = SMatrix::<f64, 3, 6>::zeros();
    h.fixed_view_mut::<3, 3>(0, 0).copy_from(&hat(&h_pred));
    let n = noise();
    let sigma = (n.accel_noise_mps2 + n.accel_deviation_gain * (norm - n.gravity_mps2).abs())
        / n.gravity_mps2;
    let z = h * p0 * h.transpose() + Mat3::identity() * sigma * sigma;
    let k = p0 * h.transpose() * z.try_inverse().unwrap();
    let dx = k * (y - h_pred);
    let g = reset(&dx);
    let want = g * (p0 - k * z * k.transpose()) * g.transpose();
    assert!(max_diff(&dense(&f), &want) < 1e-15);
    let q_want = quat_mul(&before.q, &quat_exp(&Vec3::new(dx[0], dx[1], dx[2])));
    assert!((0..4).all(|i| (f.q[i] - q_want[i]).abs() < 1e-15));
    assert!((f.bias - before.bias - Vec3::new(dx[3], dx[4], dx[5])).norm() < 1e-16);
}

#[test]
fn heading_update_turns_about_world_z_only() {
    // Level, heading off by 0.2 rad: the field's horizontal part is along world x rotated by 0.2.
    let mut f = filter();
    f.q = quat_exp(&Vec3::new(0.0, 0.0, 0.2));
    f.p_tt = Mat3::from_diagonal(&Vec3::new(0.01, 0.01, 0.04));
    f.p_tb = Mat3::zeros();
    let m = Vec3::new(0.5, 0.0, -(0.75f64).sqrt());
    let f0 = f;
    assert_eq!(f.update_heading(m, &noise()), Update::Applied);
    // The correction is a rotation about world z toward heading 0, with no tilt.
    let up = quat_rotate(&f.q, &Vec3::z());
    assert!(up.z > 1.0 - 1e-15, "{up:?}");
    let heading = |q: &Quat| {
        let x = quat_rotate(q, &Vec3::x());
        x.y.atan2(x.x)
    };
    assert!(heading(&f.q).abs() < heading(&f0.q).abs());
    assert!(f.p_tt[(2, 2)] < f0.p_tt[(2, 2)]);
}

fn at_rest(
    n: usize,
    gyro: Vec3,
    accel: Vec3,
    mag: Vec3,
) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let t = (0..n).map(|i| i as f64 * 5e6).collect();
    let rep = |v: Vec3| (0..n).flat_map(|_| [v.x, v.y, v.z]).collect();
    (t, rep(gyro), rep(accel), rep(mag))
}

fn fresh() -> [f64; STATE_LEN] {
    let mut s = [0.0; STATE_LEN];
    init_state(&mut s, [1.0, 0.0, 0.0, 0.0], [0.0; 3], 0.5, 0.05);
    s
}

fn settings() -> EskfSettings {
    let mut s = EskfSettings {
        noise: noise(),
        ..EskfSettings::default()
    };
    s.noise.mag_heading_noise_rad = 0.1;
    s.clock.nominal_rate_hz = 200.0;
    s.noise.gyro_bias_random_walk = 1e-4; // a bias that moves fast enough to settle in minutes
    s.rest = RestSettings::OFF;
    s
}

#[test]
fn static_sensor_converges_to_gravity_and_learns_the_observable_bias() {
    let bias = Vec3::new(0.02, -0.03, 0.01);
    let up = Vec3::new(0.0, 0.6, 0.8);
    let (t, g, a, _) = at_rest(24_000, bias, up * 9.81, Vec3::zeros());
    let input = BatchInput {
        t_ns: &t,
        gyro: &g,
        accel: &a,
        mag: None,
    };
    let mut state = fresh();
    let r = update_batch(&mut state, &input, &settings(), None).unwrap();
    assert_eq!((r.samples, r.accel_gated), (24_000, 0));
    let q = [state[0], state[1], state[2], state[3]];
    assert!((quat_rotate(&q, &up) - Vec3::z()).norm() < 1e-4, "{q:?}");
    let learned = Vec3::new(state[5], state[6], state[7]);
    let horizontal = bias - up * bias.dot(&up);
    assert!(
        (learned - horizontal).norm() < 2e-4,
        "{learned:?} vs {horizontal:?}"
    );
    // The bias about the vertical is unobservable: its variance stays near its prior.
    let p_bb = Mat3::from_fn(|i, j| state[P_OFFSET + 6 * (i + 3) + j + 3]);
    assert!(up.dot(&(p_bb * up)) > 0.5 * 0.05f64.powi(2));
    assert!(p_bb[(0, 0)] < 1e-6);
}

#[test]
fn magnetometer_sets_heading_and_completes_the_bias() {
    let bias = Vec3::new(0.02, -0.03, 0.01);
    let m = Vec3::new(0.0, 20.0, -40.0);
    let (t, g, a, mg) = at_rest(24_000, bias, Vec3::new(0.0, 0.0, 9.81), m);
    let input = BatchInput {
        t_ns: &t,
        gyro: &g,
        accel: &a,
        mag: Some(&mg),
    };
    let mut state = fresh();
    update_batch(&mut state, &input, &settings(), None).unwrap();
    let q = [state[0], state[1], state[2], state[3]];
    assert!(
        (quat_rotate(&q, &Vec3::y()) - Vec3::x()).norm() < 1e-4,
        "{q:?}"
    );
    assert!((Vec3::new(state[5], state[6], state[7]) - bias).norm() < 2e-4);
}

#[test]
fn a_large_linear_acceleration_barely_tilts_the_estimate_and_the_gate_rejects_it() {
    let run = |accel: Vec3, gate: f64| {
        let (t, g, a, _) = at_rest(1, Vec3::zeros(), accel, Vec3::zeros());
        let input = BatchInput {
            t_ns: &t,
            gyro: &g,
            accel: &a,
            mag: None,
        };
        let mut s = settings();
        s.noise.accel_gate = gate;
        let mut state = fresh();
        let r = update_batch(&mut state, &input, &s, None).unwrap();
        let q = [state[0], state[1], state[2], state[3]];
        (quat_rotate(&q, &Vec3::z()).z.acos(), r.accel_gated)
    };
    // The same 45° direction error, once at ‖a‖ = g and once at ‖a‖ = 2g.
    let dir = Vec3::new(1.0, 0.0, 1.0).normalize();
    let (tilt_g, _) = run(dir * 9.81, 0.0);
    let (tilt_2g, _) = run(dir * 19.62, 0.0);
    assert!(tilt_2g < 0.05 * tilt_g, "{tilt_2g} vs {tilt_g}");
    assert_eq!(run(dir * 9.81, 1e-3).1, 1);
}

#[test]
fn a_gated_filter_recovers_from_a_large_error_at_rest() {
    // Start 37° off with the default gate: every accelerometer sample fails the gate until rest
    // detection (3 s still) lets the updates through.
    let up = Vec3::new(0.0, 0.6, 0.8);
    let (t, g, a, _) = at_rest(2_000, Vec3::zeros(), up * 9.81, Vec3::zeros());
    let input = BatchInput {
        t_ns: &t,
        gyro: &g,
        accel: &a,
        mag: None,
    };
    let mut s = EskfSettings::default();
    s.clock.nominal_rate_hz = 200.0;
    let mut state = fresh();
    let r = update_batch(&mut state, &input, &s, None).unwrap();
    assert_eq!(r.accel_gated, 600); // 3 s at 200 Hz (600 × 5 ms sums to just under 3 s in f64)
    let q = [state[0], state[1], state[2], state[3]];
    assert!((quat_rotate(&q, &up) - Vec3::z()).norm() < 1e-3, "{q:?}");
}

#[test]
fn a_split_batch_gives_the_same_state() {
    let (t, g, a, m) = at_rest(
        300,
        Vec3::new(0.1, -0.2, 0.3),
        Vec3::new(0.5, 0.2, 9.7),
        Vec3::new(20.0, 5.0, -40.0),
    );
    let mut whole = fresh();
    let input = BatchInput {
        t_ns: &t,
        gyro: &g,
        accel: &a,
        mag: Some(&m),
    };
    update_batch(&mut whole, &input, &settings(), None).unwrap();
    let mut parts = fresh();
    for k in [0..120, 120..121, 121..300] {
        let part = BatchInput {
            t_ns: &t[k.clone()],
            gyro: &g[3 * k.start..3 * k.end],
            accel: &a[3 * k.start..3 * k.end],
            mag: Some(&m[3 * k.start..3 * k.end]),
        };
        update_batch(&mut parts, &part, &settings(), None).unwrap();
    }
    assert_eq!(whole, parts);
    // The covariance stays symmetric.
    assert!(
        (0..6).all(|i| (0..6).all(|j| whole[P_OFFSET + 6 * i + j] == whole[P_OFFSET + 6 * j + i]))
    );
}

#[test]
fn caller_errors_name_the_parameter() {
    let (t, g, a, _) = at_rest(2, Vec3::zeros(), Vec3::z(), Vec3::zeros());
    let input = BatchInput {
        t_ns: &t,
        gyro: &g,
        accel: &a,
        mag: None,
    };
    let e = update_batch(&mut fresh()[..44], &input, &settings(), None).unwrap_err();
    assert_eq!(e.to_string(), "\"state\" must hold 45 numbers, got 44");
    let mut bad = fresh();
    bad[16] = -1.0;
    let e = update_batch(&mut bad, &input, &settings(), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"state\" must be a covariance with finite entries and a non-negative diagonal in [9..45], got state[16] = -1"
    );
    let mut s = settings();
    s.noise.accel_noise_mps2 = 0.0;
    let e = update_batch(&mut fresh(), &input, &s, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"accelNoiseMps2\" must be a number in [0.000000001, 1000], got 0"
    );
}
