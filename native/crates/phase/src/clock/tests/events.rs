//! Clock events on real EuRoC stamps: device counter wraps and resets, steps, duplicates, a full
//! hull, bad numbers; and the caller errors' exact messages.

use super::sim::{euroc_stamps, Link, ACCEPTANCE, MH01_IMU};
use super::{settings, ClockSync, ClockSyncSettings, Method};
use crate::clock::flags;

/// MH_01 imu0 stamps and simulated arrivals, or None without the shared data.
fn stream() -> Option<(Vec<i64>, Vec<i64>)> {
    let dev = euroc_stamps(MH01_IMU)?;
    let host = ACCEPTANCE.arrivals(&dev);
    Some((dev, host))
}

fn feed(cs: &mut ClockSync, dev: &[i64], host: &[i64]) -> Vec<u8> {
    let mut f = vec![0u8; dev.len()];
    cs.update_batch(dev, host, Some(&mut f)).unwrap();
    f
}

#[test]
fn a_device_counter_reset_restarts_and_reconverges() {
    let Some((dev, host)) = stream() else { return };
    for method in [Method::TicSync, Method::Pll, Method::LeastSquares] {
        let mut cs = ClockSync::new(settings(method)).unwrap();
        // The device counter restarts from 0 at sample 3000 (a reset or a wrap): host unchanged.
        let wrapped: Vec<i64> = dev
            .iter()
            .enumerate()
            .map(|(i, &d)| if i < 3000 { d } else { d - dev[3000] })
            .collect();
        let f = feed(&mut cs, &wrapped[..7000], &host[..7000]);
        let flagged: Vec<usize> = (0..7000)
            .filter(|&i| u32::from(f[i]) & flags::RESTARTED != 0)
            .collect();
        assert_eq!(flagged, vec![3000], "{method:?}");
        assert_eq!(u32::from(f[3000]), flags::DEVICE_BACKWARD);
        let e = cs.estimate();
        assert_eq!(e.samples, 4000);
        let truth = ACCEPTANCE.true_offset(dev[0], dev[6999]) + dev[3000] as f64;
        let tol = if method == Method::TicSync {
            5e3
        } else {
            600e3
        };
        assert!(
            (e.offset_ns - truth).abs() < tol,
            "{method:?}: {}",
            e.offset_ns - truth
        );
        assert_eq!(cs.counters().device_backward, 1);
    }
}

#[test]
fn a_forward_step_is_flagged_at_its_sample() {
    let Some((dev, host)) = stream() else { return };
    let mut cs = ClockSync::new(settings(Method::TicSync)).unwrap();
    // The device clock jumps 100 ms ahead at sample 2500.
    let stepped: Vec<i64> = dev
        .iter()
        .enumerate()
        .map(|(i, &d)| d + if i >= 2500 { 100_000_000 } else { 0 })
        .collect();
    let f = feed(&mut cs, &stepped[..6000], &host[..6000]);
    let flagged: Vec<usize> = (0..6000).filter(|&i| f[i] != 0).collect();
    assert_eq!(flagged, vec![2500]);
    assert_eq!(u32::from(f[2500]), flags::STEP_FORWARD);
    let e = cs.estimate();
    let truth = ACCEPTANCE.true_offset(dev[0], dev[5999]) - 100e6;
    assert!((e.offset_ns - truth).abs() < 5e3 && e.samples == 3500);
}

#[test]
fn a_backward_step_smaller_than_the_sample_period_is_flagged_after_the_hold() {
    let Some((dev, host)) = stream() else { return };
    let mut cs = ClockSync::new(settings(Method::TicSync)).unwrap();
    // The device clock falls 3 ms behind at sample 2500 (its stamps still increase: 5 ms period).
    let stepped: Vec<i64> = dev
        .iter()
        .enumerate()
        .map(|(i, &d)| d - if i >= 2500 { 3_000_000 } else { 0 })
        .collect();
    let f = feed(&mut cs, &stepped[..8000], &host[..8000]);
    let flagged: Vec<usize> = (0..8000).filter(|&i| f[i] != 0).collect();
    // 3 ms above the line is below the 20 ms threshold: not a step. With a 2 ms threshold it is.
    assert!(flagged.is_empty(), "{flagged:?}");
    let s = ClockSyncSettings {
        step_threshold_s: 0.002,
        ..settings(Method::TicSync)
    };
    let mut cs = ClockSync::new(s).unwrap();
    let f = feed(&mut cs, &stepped[..8000], &host[..8000]);
    let flagged: Vec<usize> = (0..8000).filter(|&i| f[i] != 0).collect();
    // Flagged once every sample of the following second (200 samples) stayed above.
    assert_eq!(flagged.len(), 1);
    assert!((2700..2702).contains(&flagged[0]), "{flagged:?}");
    assert_eq!(u32::from(f[flagged[0]]), flags::STEP_BACKWARD);
    let e = cs.estimate();
    assert!((e.offset_ns - (ACCEPTANCE.true_offset(dev[0], dev[7999]) + 3e6)).abs() < 5e3);
}

#[test]
fn duplicates_keep_the_earlier_arrival() {
    let Some((dev, host)) = stream() else { return };
    let n = 2000;
    let mut plain = ClockSync::new(settings(Method::TicSync)).unwrap();
    feed(&mut plain, &dev[..n], &host[..n]);
    // Every device stamp delivered twice, the copy 1 ms later: nothing changes but the flags.
    let mut twice = ClockSync::new(settings(Method::TicSync)).unwrap();
    for i in 0..n {
        assert_eq!(twice.update(dev[i], host[i]) & flags::DUPLICATE, 0);
        assert_eq!(twice.update(dev[i], host[i] + 1_000_000), flags::DUPLICATE);
    }
    assert_eq!(twice.estimate(), plain.estimate());
    assert_eq!(twice.counters().duplicates, n as u64);
    // A copy that arrived earlier replaces the sample (here: every one by 0.4 ms).
    let mut earlier = ClockSync::new(settings(Method::TicSync)).unwrap();
    let mut shifted = ClockSync::new(settings(Method::TicSync)).unwrap();
    for i in 0..n {
        earlier.update(dev[i], host[i]);
        earlier.update(dev[i], host[i] - 400_000);
        shifted.update(dev[i], host[i] - 400_000);
    }
    // Equal up to rounding: the two windows are anchored on different arrivals of the first stamp.
    let (a, b) = (earlier.estimate(), shifted.estimate());
    assert!((a.offset_ns - b.offset_ns).abs() < 1e-6 && (a.skew - b.skew).abs() < 1e-18);
    assert_eq!((a.samples, a.hull_vertices), (b.samples, b.hull_vertices));
}

#[test]
fn a_full_hull_is_replaced_not_grown() {
    // A device clock whose rate drifts quickly (offset quadratic in time) puts every sample on the
    // lower hull; with 8 vertices allowed, windows are replaced early and flagged.
    let Some(dev) = euroc_stamps(MH01_IMU) else {
        return;
    };
    let host: Vec<i64> = dev[..3000]
        .iter()
        .map(|&d| d + ((d - dev[0]) as f64 * 1e-9).powi(2) as i64 * 1000 + 2_000_000)
        .collect();
    let s = ClockSyncSettings {
        max_hull_vertices: 8,
        ..settings(Method::TicSync)
    };
    let mut cs = ClockSync::new(s).unwrap();
    let f = feed(&mut cs, &dev[..3000], &host);
    assert!(cs.counters().hull_full > 0);
    assert!(f.iter().any(|&x| u32::from(x) & flags::HULL_FULL != 0));
    assert!(cs.estimate().hull_vertices <= 8);
}

#[test]
fn bad_numbers_are_ignored_and_host_reordering_is_reported() {
    let mut cs = ClockSync::new(settings(Method::TicSync)).unwrap();
    assert_eq!(cs.update_f64(f64::NAN, 0.0), flags::IGNORED);
    assert_eq!(cs.update_f64(0.0, f64::INFINITY), flags::IGNORED);
    assert_eq!(cs.update(i64::MAX, 0), flags::IGNORED);
    assert_eq!(cs.update(0, i64::MIN), flags::IGNORED);
    assert!(cs.line().is_none() && cs.estimate().offset_ns.is_nan());
    assert!(cs.to_host_f64(1.0).is_nan() && cs.to_host_i64(1).is_none());
    assert_eq!(cs.update(1_000, 5_000), 0);
    assert_eq!(cs.update(2_000, 4_000), flags::HOST_BACKWARD);
    assert_eq!(cs.counters().ignored, 4);
    assert_eq!(cs.counters().samples, 2);
    cs.reset();
    assert_eq!(cs.counters(), Default::default());
}

#[test]
fn caller_errors_name_the_parameter_and_value() {
    let msg = |s: ClockSyncSettings| ClockSync::new(s).unwrap_err().to_string();
    let d = settings(Method::TicSync);
    assert_eq!(
        msg(ClockSyncSettings { window_s: 0.0, ..d }),
        "\"windowS\" must be a number in [0.001, 1000000], got 0"
    );
    assert_eq!(
        msg(ClockSyncSettings {
            max_hull_vertices: 2,
            ..d
        }),
        "\"maxHullVertices\" must be a number in [8, 1048576], got 2"
    );
    assert_eq!(
        Method::parse("method", "kalman").unwrap_err().to_string(),
        "\"method\" must be one of ticsync, pll, leastSquares, got \"kalman\""
    );
    let mut cs = ClockSync::new(d).unwrap();
    assert_eq!(
        cs.update_batch(&[1, 2], &[1], None)
            .unwrap_err()
            .to_string(),
        "\"hostNs\" must be 2 timestamps (as many as deviceNs), got 1"
    );
    assert_eq!(
        cs.update_batch(&[1, 2], &[1, 2], Some(&mut [0u8; 1]))
            .unwrap_err()
            .to_string(),
        "\"flagsOut\" must hold 2 flags, got 1"
    );
    assert_eq!(
        cs.to_host_batch(&[1], &mut [0]).unwrap_err().to_string(),
        "\"clockSync\" must be fed at least one sample before mapping, got no sample since the last restart"
    );
    cs.update(0, 10);
    assert_eq!(
        cs.to_host_batch(&[1, 2], &mut [0]).unwrap_err().to_string(),
        "\"out\" must hold 2 timestamps, got 1"
    );
    let mut out = [0; 2];
    cs.to_host_batch(&[1, 2], &mut out).unwrap();
    assert_eq!(out, [11, 12]);
    let _ = Link {
        seed: 0,
        ..ACCEPTANCE
    };
}
