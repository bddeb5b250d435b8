//! Mahony filter behaviour on static sensors (the cases the paper's convergence analysis covers);
//! the accuracy on real recordings is checked from TypeScript (BROAD, EuRoC).

use super::*;
use crate::ahrs::stream::RestSettings;
use crate::lie::quat::{quat_exp, quat_rotate};

struct Static {
    t: Vec<f64>,
    gyro: Vec<f64>,
    accel: Vec<f64>,
    mag: Vec<f64>,
}

/// `n` samples at 200 Hz of a sensor at rest: constant gyro, accel and mag readings.
fn at_rest(n: usize, gyro: [f64; 3], accel: [f64; 3], mag: [f64; 3]) -> Static {
    let mut s = Static {
        t: Vec::new(),
        gyro: Vec::new(),
        accel: Vec::new(),
        mag: Vec::new(),
    };
    for i in 0..n {
        s.t.push(i as f64 * 5e6);
        s.gyro.extend(gyro);
        s.accel.extend(accel);
        s.mag.extend(mag);
    }
    s
}

fn input(s: &Static, with_mag: bool) -> BatchInput<'_> {
    BatchInput {
        t_ns: &s.t,
        gyro: &s.gyro,
        accel: &s.accel,
        mag: with_mag.then_some(&s.mag[..]),
    }
}

fn settings(kp: f64, ki: f64) -> MahonySettings {
    MahonySettings {
        kp,
        ki,
        nominal_rate_hz: 200.0,
        error_scale: 0.0,
        rest: RestSettings::OFF,
        ..MahonySettings::default()
    }
}

fn fresh() -> Vec<f64> {
    vec![1.0, 0.0, 0.0, 0.0, f64::NAN, 0.0, 0.0, 0.0, 0.0]
}

fn rotate(q: &[f64], v: [f64; 3]) -> Vec3 {
    quat_rotate(&[q[0], q[1], q[2], q[3]], &Vec3::from(v))
}

#[test]
fn without_feedback_it_integrates_the_gyroscope_exactly() {
    let omega = [0.3, -0.2, 1.1];
    let s = at_rest(1000, omega, [0.0; 3], [0.0; 3]);
    let mut state = fresh();
    let r = update_batch(&mut state, &input(&s, false), &settings(1.0, 0.1), None).unwrap();
    assert_eq!(r.accel_rejected, 1000);
    // 1000 samples of 5 ms (the first with the nominal dt) = 5 s at a constant rate.
    let want = quat_exp(&(Vec3::from(omega) * 5.0));
    for k in 0..4 {
        assert!((state[k] - want[k]).abs() < 1e-12, "{state:?} vs {want:?}");
    }
}

#[test]
fn converges_to_gravity_and_learns_the_horizontal_bias() {
    // Rolled by 36.87° (up along body [0, 0.6, 0.8]) with a gyro bias: gravity observes the bias
    // components about horizontal axes, b − (b·v)v, and nothing about the vertical.
    let bias = Vec3::new(0.02, -0.03, 0.01);
    let up = Vec3::new(0.0, 0.6, 0.8);
    let s = at_rest(60_000, bias.into(), (up * 9.81).into(), [0.0; 3]);
    let mut state = fresh();
    update_batch(&mut state, &input(&s, false), &settings(1.0, 0.05), None).unwrap();
    assert!(
        (rotate(&state, up.into()) - Vec3::z()).norm() < 1e-6,
        "{state:?}"
    );
    let learned = Vec3::new(state[5], state[6], state[7]);
    let horizontal = bias - up * bias.dot(&up);
    assert!(
        (learned - horizontal).norm() < 1e-6,
        "{learned:?} vs {horizontal:?}"
    );
}

#[test]
fn magnetometer_sets_heading_and_completes_the_bias() {
    // Level, the field's horizontal part along body y with 60° dip: world x (north) must end up
    // along body y, and with heading observed the whole bias is learned.
    let bias = Vec3::new(0.02, -0.03, 0.01);
    let m = [0.0, 0.5, -(0.75f64).sqrt()];
    let s = at_rest(60_000, bias.into(), [0.0, 0.0, 9.81], m);
    let mut state = fresh();
    let r = update_batch(&mut state, &input(&s, true), &settings(1.0, 0.05), None).unwrap();
    assert_eq!(r.mag_rejected, 0);
    assert!(
        (rotate(&state, [0.0, 1.0, 0.0]) - Vec3::x()).norm() < 1e-6,
        "{state:?}"
    );
    let learned = Vec3::new(state[5], state[6], state[7]);
    assert!((learned - bias).norm() < 1e-6, "{learned:?}");
}

#[test]
fn a_tilted_magnetic_field_does_not_tilt_the_estimate() {
    // Level sensor; the field's vertical component is the wrong way round (a disturbance): the
    // magnetometer feedback acts about the vertical only, so up stays up exactly.
    let s = at_rest(2_000, [0.0; 3], [0.0, 0.0, 9.81], [20.0, 5.0, 40.0]);
    let mut state = fresh();
    update_batch(&mut state, &input(&s, true), &settings(2.0, 0.0), None).unwrap();
    assert!((rotate(&state, [0.0, 0.0, 1.0]) - Vec3::z()).norm() < 1e-12);
}

#[test]
fn a_split_batch_gives_the_same_state() {
    let s = at_rest(500, [0.01, 0.02, -0.5], [0.3, 0.5, 9.7], [20.0, 3.0, -40.0]);
    let mut whole = fresh();
    update_batch(&mut whole, &input(&s, true), &settings(0.7, 0.01), None).unwrap();
    let mut parts = fresh();
    for k in [0..100, 100..101, 101..500] {
        let part = BatchInput {
            t_ns: &s.t[k.clone()],
            gyro: &s.gyro[3 * k.start..3 * k.end],
            accel: &s.accel[3 * k.start..3 * k.end],
            mag: Some(&s.mag[3 * k.start..3 * k.end]),
        };
        update_batch(&mut parts, &part, &settings(0.7, 0.01), None).unwrap();
    }
    assert_eq!(whole, parts);
}

#[test]
fn caller_errors_name_the_parameter() {
    let s = at_rest(4, [0.0; 3], [0.0, 0.0, 9.81], [0.0; 3]);
    let e = update_batch(
        &mut fresh()[..5],
        &input(&s, false),
        &settings(1.0, 0.0),
        None,
    );
    assert_eq!(
        e.unwrap_err().to_string(),
        "\"state\" must hold 9 numbers, got 5"
    );
    let e = update_batch(&mut fresh(), &input(&s, false), &settings(-1.0, 0.0), None);
    assert_eq!(
        e.unwrap_err().to_string(),
        "\"kp\" must be a number in [0, 1000000], got -1"
    );
    let e = update_batch(
        &mut fresh(),
        &input(&s, false),
        &settings(1.0, f64::NAN),
        None,
    );
    assert_eq!(
        e.unwrap_err().to_string(),
        "\"ki\" must be a number in [0, 1000000], got NaN"
    );
}
