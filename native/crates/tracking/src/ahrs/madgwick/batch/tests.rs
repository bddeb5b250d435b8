use super::*;
use crate::ahrs::stream::{BatchInput, BatchReport};

struct Samples {
    t: Vec<f64>,
    gyro: Vec<f64>,
    accel: Vec<f64>,
}

/// A slow yaw with the sensor tilted, 200 Hz, `n` samples from t = 1 s.
fn samples(n: usize) -> Samples {
    let mut s = Samples {
        t: Vec::new(),
        gyro: Vec::new(),
        accel: Vec::new(),
    };
    for i in 0..n {
        s.t.push(1e9 + i as f64 * 5e6);
        s.gyro.extend([0.01, -0.02, 0.3]);
        s.accel.extend([0.5, 1.0, 9.7]);
    }
    s
}

fn input(s: &Samples) -> BatchInput<'_> {
    BatchInput {
        t_ns: &s.t,
        gyro: &s.gyro,
        accel: &s.accel,
        mag: None,
    }
}

fn fresh_state() -> Vec<f64> {
    vec![1.0, 0.0, 0.0, 0.0, f64::NAN]
}

#[test]
fn splitting_a_batch_gives_the_same_result() {
    let s = samples(400);
    let settings = MadgwickSettings::default();
    let mut whole = fresh_state();
    let mut out = vec![0.0; 4 * 400];
    update_batch(&mut whole, &input(&s), &settings, Some(&mut out)).unwrap();
    let mut parts = fresh_state();
    for k in [0..150, 150..151, 151..400] {
        let part = BatchInput {
            t_ns: &s.t[k.clone()],
            gyro: &s.gyro[3 * k.start..3 * k.end],
            accel: &s.accel[3 * k.start..3 * k.end],
            mag: None,
        };
        update_batch(&mut parts, &part, &settings, None).unwrap();
    }
    assert_eq!(whole, parts);
    assert_eq!(&out[4 * 399..], &whole[..4]);
    assert_eq!(whole[4], s.t[399]);
}

#[test]
fn degraded_samples_are_counted_not_thrown() {
    let mut s = samples(6);
    s.t[2] = s.t[1]; // dt = 0
    s.t[4] = s.t[3] + 5e9; // 5 s gap
    s.t[5] = s.t[4] + 5e6;
    s.accel[3..6].fill(0.0); // sample 1: no accelerometer
    s.gyro[15] = f64::NAN; // sample 5: broken gyro
    let mag = vec![
        20.0, 0.0, -40.0, 0.0, 0.0, 0.0, 20.0, 0.0, -40.0, 20.0, 0.0, -40.0, 20.0, 0.0, -40.0,
        20.0, 0.0, -40.0,
    ];
    let batch = BatchInput {
        mag: Some(&mag),
        ..input(&s)
    };
    let mut state = fresh_state();
    let mut out = vec![0.0; 24];
    let r = update_batch(
        &mut state,
        &batch,
        &MadgwickSettings::default(),
        Some(&mut out),
    )
    .unwrap();
    let want = BatchReport {
        samples: 6,
        no_previous_stamp: 1,
        non_positive_dt: 1,
        long_dt: 1,
        accel_rejected: 1,
        mag_rejected: 0,
        skipped: 1,
        ..BatchReport::default()
    };
    assert_eq!(r, want);
    assert_eq!(
        &out[16..20],
        &out[20..24],
        "a skipped sample holds the state"
    );
    assert!(state.iter().all(|v| v.is_finite()));
}

#[test]
fn zero_magnetometer_falls_back_to_imu_step() {
    let s = samples(3);
    let mag = vec![0.0; 9];
    let batch = BatchInput {
        mag: Some(&mag),
        ..input(&s)
    };
    let mut with_zero_mag = fresh_state();
    let r = update_batch(
        &mut with_zero_mag,
        &batch,
        &MadgwickSettings::default(),
        None,
    )
    .unwrap();
    assert_eq!(r.mag_rejected, 3);
    let mut imu = fresh_state();
    update_batch(&mut imu, &input(&s), &MadgwickSettings::default(), None).unwrap();
    assert_eq!(with_zero_mag, imu);
}

#[test]
fn caller_errors_name_the_parameter() {
    let s = samples(10);
    let settings = MadgwickSettings::default();
    let mut state = fresh_state();
    let short = BatchInput {
        gyro: &s.gyro[..29],
        ..input(&s)
    };
    let e = update_batch(&mut state, &short, &settings, None).unwrap_err();
    assert_eq!(e.to_string(), "\"gyroRadps\" must hold 30 numbers, got 29");
    let e = update_batch(&mut state, &input(&s), &settings, Some(&mut [0.0; 39])).unwrap_err();
    assert_eq!(e.to_string(), "\"out\" must hold 40 numbers, got 39");
    let e = update_batch(&mut [0.0; 4], &input(&s), &settings, None).unwrap_err();
    assert_eq!(e.to_string(), "\"state\" must hold 5 numbers, got 4");
    let e = update_batch(
        &mut [0.0, 0.0, 0.0, 0.0, f64::NAN],
        &input(&s),
        &settings,
        None,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"state\" must be a finite non-zero quaternion in [0..4], got [0, 0, 0, 0]"
    );
    let bad = MadgwickSettings {
        nominal_rate_hz: 0.0,
        ..settings
    };
    let e = update_batch(&mut state, &input(&s), &bad, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"nominalRateHz\" must be a number in [0.001, 1000000000], got 0"
    );
}

#[test]
fn disjoint_parts_of_one_buffer_are_accepted() {
    // (Overlap itself is covered in `error` and by the JS tests, where views of one ArrayBuffer
    // are how it happens.)
    let s = samples(2);
    let mut shared = [0.0; 16];
    shared[..6].copy_from_slice(&s.accel);
    let (accel, out) = shared.split_at_mut(6);
    let batch = BatchInput { accel, ..input(&s) };
    let mut state = fresh_state();
    update_batch(&mut state, &batch, &MadgwickSettings::default(), Some(out)).unwrap();
    assert_eq!(&shared[10..14], &state[..4]);
}
