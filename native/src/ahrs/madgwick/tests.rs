use super::*;

fn close(a: [f64; 3], b: [f64; 3], tol: f64) -> bool {
    a.iter().zip(&b).all(|(x, y)| (x - y).abs() < tol)
}

#[test]
fn gyro_integration_rotates_body_into_world() {
    // +1 rad/s about body z for 0.5 s: body x turns toward world +y.
    let mut q = [1.0, 0.0, 0.0, 0.0];
    for _ in 0..5000 {
        step(&mut q, [0.0, 0.0, 1.0], Feedback::None, 0.1, 1e-4);
    }
    let x = rotate(&q, [1.0, 0.0, 0.0]);
    assert!(close(x, [0.5f64.cos(), 0.5f64.sin(), 0.0], 1e-6), "{x:?}");
}

#[test]
fn imu_step_converges_to_measured_gravity() {
    // Body rolled: the accelerometer (up direction) reads along body +y/+z.
    let up_body = [0.0, 0.6, 0.8];
    // The normalized gradient makes a fixed-size step (β·dt), so the estimate settles within
    // about that of the minimum.
    let mut q = [1.0, 0.0, 0.0, 0.0];
    for _ in 0..20_000 {
        step(&mut q, [0.0; 3], Feedback::Gravity(up_body), 0.1, 0.005);
    }
    assert!(close(rotate(&q, up_body), [0.0, 0.0, 1.0], 2e-3));
}

#[test]
fn marg_step_points_world_x_at_magnetic_north() {
    let up_body = [0.0, 0.0, 1.0];
    // Field with 60° inclination, horizontal part along body y: world x must end up along body y.
    let m = [0.0, 0.5, -(0.75f64).sqrt()];
    let mut q = [1.0, 0.0, 0.0, 0.0];
    for _ in 0..20_000 {
        step(
            &mut q,
            [0.0; 3],
            Feedback::GravityAndField(up_body, m),
            0.1,
            0.005,
        );
    }
    assert!(
        close(rotate(&q, [0.0, 1.0, 0.0]), [1.0, 0.0, 0.0], 2e-3),
        "{q:?}"
    );
    assert!(close(rotate(&q, up_body), [0.0, 0.0, 1.0], 2e-3));
}

#[test]
fn gravity_gradient_equals_the_expanded_reference_code() {
    // The expanded form of J_gᵀ f_g in MadgwickAHRS.c (MadgwickAHRSupdateIMU), for comparison.
    let q = [0.9, 0.1, -0.3, 0.2];
    let n = dot4(&q, &q).sqrt();
    let [q0, q1, q2, q3] = q.map(|v| v / n);
    let [ax, ay, az] = [0.1, -0.2, 0.97];
    let expanded = [
        4.0 * q0 * q2 * q2 + 2.0 * q2 * ax + 4.0 * q0 * q1 * q1 - 2.0 * q1 * ay,
        4.0 * q1 * q3 * q3 - 2.0 * q3 * ax + 4.0 * q0 * q0 * q1 - 2.0 * q0 * ay - 4.0 * q1
            + 8.0 * q1 * q1 * q1
            + 8.0 * q1 * q2 * q2
            + 4.0 * q1 * az,
        4.0 * q0 * q0 * q2 + 2.0 * q0 * ax + 4.0 * q2 * q3 * q3 - 2.0 * q3 * ay - 4.0 * q2
            + 8.0 * q2 * q1 * q1
            + 8.0 * q2 * q2 * q2
            + 4.0 * q2 * az,
        4.0 * q1 * q1 * q3 - 2.0 * q1 * ax + 4.0 * q2 * q2 * q3 - 2.0 * q2 * ay,
    ];
    let g = gravity_gradient(&[q0, q1, q2, q3], [ax, ay, az]);
    for (a, b) in g.iter().zip(expanded) {
        assert!((a - b).abs() < 1e-14, "{g:?} vs {expanded:?}");
    }
}

#[test]
fn exact_measurement_skips_feedback_instead_of_nan() {
    let mut q = [1.0, 0.0, 0.0, 0.0];
    step(
        &mut q,
        [0.0; 3],
        Feedback::Gravity([0.0, 0.0, 1.0]),
        0.1,
        0.01,
    );
    assert_eq!(q, [1.0, 0.0, 0.0, 0.0]);
}
