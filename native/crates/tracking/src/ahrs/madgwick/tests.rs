use super::*;

fn close(a: [f64; 3], b: [f64; 3], tol: f64) -> bool {
    a.iter().zip(&b).all(|(x, y)| (x - y).abs() < tol)
}

#[test]
fn gyro_integration_rotates_body_into_world() {
    // +1 rad/s about body z for 0.5 s: body x turns toward world +y.
    let mut q = [1.0, 0.0, 0.0, 0.0];
    for _ in 0..5000 {
        step(&mut q, [0.0, 0.0, 1.0], Feedback::None, 0.1, 1e-4, None);
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
        step(
            &mut q,
            [0.0; 3],
            Feedback::Gravity(up_body),
            0.1,
            0.005,
            None,
        );
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
            None,
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
        None,
    );
    assert_eq!(q, [1.0, 0.0, 0.0, 0.0]);
}

#[test]
fn bias_compensation_learns_a_horizontal_gyro_bias_at_rest() {
    // At rest, level, with a constant 0.05 rad/s bias about body x (horizontal): the integral of the
    // gyroscope error direction converges to the bias, and the tilt it causes goes back to zero.
    let up_body = [0.0, 0.0, 1.0];
    let mut q = [1.0, 0.0, 0.0, 0.0];
    let mut bias = Bias {
        rate_radps: [0.0; 3],
        zeta: 0.02,
    };
    for _ in 0..60_000 {
        step(
            &mut q,
            [0.05, 0.0, 0.0],
            Feedback::Gravity(up_body),
            0.05,
            0.005,
            Some(&mut bias),
        );
    }
    assert!((bias.rate_radps[0] - 0.05).abs() < 1e-3, "{bias:?}");
    assert!(
        bias.rate_radps[1].abs() < 1e-3 && bias.rate_radps[2].abs() < 1e-9,
        "{bias:?}"
    );
    assert!(close(rotate(&q, up_body), [0.0, 0.0, 1.0], 1e-3), "{q:?}");
}

#[test]
fn zero_zeta_with_a_known_bias_only_removes_it() {
    let mut with_bias = [1.0, 0.0, 0.0, 0.0];
    let mut reference = with_bias;
    let mut bias = Bias {
        rate_radps: [0.01, -0.02, 0.03],
        zeta: 0.0,
    };
    for _ in 0..100 {
        step(
            &mut with_bias,
            [0.11, 0.18, 0.33],
            Feedback::Gravity([0.0, 0.1, 0.99]),
            0.1,
            0.005,
            Some(&mut bias),
        );
        step(
            &mut reference,
            [0.1, 0.2, 0.3],
            Feedback::Gravity([0.0, 0.1, 0.99]),
            0.1,
            0.005,
            None,
        );
    }
    assert_eq!(bias.rate_radps, [0.01, -0.02, 0.03]);
    assert!(
        (0..4).all(|i| (with_bias[i] - reference[i]).abs() < 1e-12),
        "{with_bias:?} vs {reference:?}"
    );
}
