//! Identities and finite-difference checks of the SO(3)/SE(3) helpers, on a fixed set of rotation
//! vectors that covers the series branch (θ < 1e-2), its boundary, large angles and angles near π.

use super::quat::*;
use super::se3::{Se3, Twist};
use super::so3::*;
use nalgebra::Matrix4;
use std::f64::consts::PI;

/// Rotation vectors: zero, tiny, both sides of the series threshold, moderate, large, near π.
fn rotation_vectors() -> Vec<Vec3> {
    let axis = Vec3::new(0.36, -0.48, 0.8); // unit
    let mut v: Vec<Vec3> = [
        0.0,
        1e-12,
        1e-7,
        9.9e-3,
        1.01e-2,
        0.3,
        1.2,
        2.5,
        3.0,
        PI - 3e-6,
    ]
    .iter()
    .map(|t| axis * *t)
    .collect();
    v.push(Vec3::new(0.0, 0.0, 1.0));
    v.push(Vec3::new(-2.0, 0.5, 0.1));
    v
}

/// `exp` of a square matrix by its power series with scaling and squaring (an independent check).
fn expm4(m: &Matrix4<f64>) -> Matrix4<f64> {
    let scaled = m / 16.0;
    let mut term = Matrix4::identity();
    let mut sum = Matrix4::identity();
    for k in 1..30 {
        term = term * scaled / k as f64;
        sum += term;
    }
    (0..4).fold(sum, |acc, _| acc * acc)
}

fn twist_matrix(xi: &Twist) -> Matrix4<f64> {
    let phi = Vec3::new(xi[3], xi[4], xi[5]);
    let mut m = Matrix4::zeros();
    m.fixed_view_mut::<3, 3>(0, 0).copy_from(&hat(&phi));
    m[(0, 3)] = xi[0];
    m[(1, 3)] = xi[1];
    m[(2, 3)] = xi[2];
    m
}

fn max_abs(m: &Mat3) -> f64 {
    m.iter().fold(0.0, |a: f64, v| a.max(v.abs()))
}

#[test]
fn hat_is_the_cross_product_and_vee_inverts_it() {
    let v = Vec3::new(1.0, -2.0, 3.0);
    let w = Vec3::new(0.5, 0.25, -4.0);
    assert_eq!(hat(&v) * w, v.cross(&w));
    assert_eq!(vee(&hat(&v)), v);
}

#[test]
fn exp_matches_the_power_series_and_is_a_rotation() {
    for phi in rotation_vectors() {
        let r = exp(&phi);
        let mut m = Matrix4::zeros();
        m.fixed_view_mut::<3, 3>(0, 0).copy_from(&hat(&phi));
        let reference = expm4(&m).fixed_view::<3, 3>(0, 0).into_owned();
        assert!(max_abs(&(r - reference)) < 1e-13, "{phi:?}");
        assert!(max_abs(&(r * r.transpose() - Mat3::identity())) < 1e-14);
        assert!((r.determinant() - 1.0).abs() < 1e-14);
    }
}

#[test]
fn log_inverts_exp_up_to_pi() {
    for phi in rotation_vectors() {
        let back = log(&exp(&phi));
        // Near π, Log returns φ or the equivalent −φ·(2π − θ)/θ; compare the rotations then.
        let err = (back - phi).norm();
        assert!(
            err < 1e-12 * (1.0 + phi.norm()) || phi.norm() > PI - 0.01,
            "{phi:?} → {back:?}"
        );
        assert!(max_abs(&(exp(&back) - exp(&phi))) < 1e-12);
    }
}

#[test]
fn quaternion_and_matrix_agree() {
    for phi in rotation_vectors() {
        let q = quat_exp(&phi);
        let r = exp(&phi);
        assert!(max_abs(&(quat_to_matrix(&q) - r)) < 1e-14, "{phi:?}");
        let back = matrix_to_quat(&r);
        let sign = if q[0] < 0.0 { -1.0 } else { 1.0 };
        for k in 0..4 {
            assert!((back[k] - sign * q[k]).abs() < 1e-14, "{phi:?}");
        }
        assert!((quat_log(&q) - phi).norm() < 1e-12 * (1.0 + phi.norm()));
        let v = Vec3::new(0.3, -1.0, 2.0);
        assert!((quat_rotate(&q, &v) - r * v).norm() < 1e-14);
    }
    let a = quat_exp(&Vec3::new(0.3, 0.2, -0.1));
    let b = quat_exp(&Vec3::new(-1.0, 0.4, 2.0));
    let ab = quat_to_matrix(&quat_mul(&a, &b));
    assert!(max_abs(&(ab - quat_to_matrix(&a) * quat_to_matrix(&b))) < 1e-14);
    assert!(max_abs(&(quat_to_matrix(&quat_conj(&a)) - quat_to_matrix(&a).transpose())) < 1e-15);
    assert!((quat_angle_between(&a, &a)).abs() < 1e-15);
}

/// Central difference of `f` along each axis, step `h`.
fn numeric_jacobian(f: impl Fn(&Vec3) -> Vec3, h: f64) -> Mat3 {
    let mut j = Mat3::zeros();
    for i in 0..3 {
        let mut e = Vec3::zeros();
        e[i] = h;
        j.set_column(i, &((f(&e) - f(&-e)) / (2.0 * h)));
    }
    j
}

#[test]
fn right_jacobian_matches_finite_differences() {
    for phi in rotation_vectors().into_iter().filter(|p| p.norm() < 3.0) {
        let r = exp(&phi);
        // Exp(φ + δ) ≈ Exp(φ) Exp(Jr δ)  ⇒  Jr = ∂ Log(Exp(φ)ᵀ Exp(φ + δ)) / ∂δ.
        let jr = numeric_jacobian(|d| log(&(r.transpose() * exp(&(phi + d)))), 1e-6);
        assert!(max_abs(&(jr - right_jacobian(&phi))) < 1e-8, "{phi:?}");
        // Log(Exp(φ) Exp(δ)) ≈ φ + Jr⁻¹ δ.
        let jr_inv = numeric_jacobian(|d| log(&(r * exp(d))), 1e-6);
        assert!(
            max_abs(&(jr_inv - right_jacobian_inv(&phi))) < 1e-7,
            "{phi:?}"
        );
        assert!(
            max_abs(&(right_jacobian_inv(&phi) * right_jacobian(&phi) - Mat3::identity())) < 1e-12
        );
        // Exp(φ + δ) ≈ Exp(Jl δ) Exp(φ).
        let jl = numeric_jacobian(|d| log(&(exp(&(phi + d)) * r.transpose())), 1e-6);
        assert!(max_abs(&(jl - left_jacobian(&phi))) < 1e-8, "{phi:?}");
        assert!(
            max_abs(&(left_jacobian_inv(&phi) * left_jacobian(&phi) - Mat3::identity())) < 1e-12
        );
    }
}

fn twists() -> Vec<Twist> {
    rotation_vectors()
        .into_iter()
        .filter(|p| p.norm() < 3.0)
        .map(|p| Twist::new(0.4, -1.5, 2.0, p.x, p.y, p.z))
        .collect()
}

#[test]
fn se3_exp_matches_the_matrix_exponential_and_log_inverts_it() {
    for xi in twists() {
        let t = Se3::exp(&xi);
        let m = expm4(&twist_matrix(&xi));
        assert!(
            max_abs(&(t.rotation - m.fixed_view::<3, 3>(0, 0))) < 1e-13,
            "{xi:?}"
        );
        let tm = Vec3::new(m[(0, 3)], m[(1, 3)], m[(2, 3)]);
        assert!((t.translation - tm).norm() < 1e-12, "{xi:?}");
        assert!((t.log() - xi).norm() < 1e-11, "{xi:?}");
    }
}

#[test]
fn se3_compose_inverse_and_act_are_consistent() {
    let a = Se3::exp(&Twist::new(1.0, 2.0, -0.5, 0.2, -0.7, 1.1));
    let b = Se3::exp(&Twist::new(-0.3, 0.1, 0.9, 1.5, 0.3, -0.2));
    let p = Vec3::new(0.25, -4.0, 1.5);
    assert!((a.compose(&b).act(&p) - a.act(&b.act(&p))).norm() < 1e-13);
    let id = a.compose(&a.inverse());
    assert!(max_abs(&(id.rotation - Mat3::identity())) < 1e-14);
    assert!(id.translation.norm() < 1e-14);
    assert!((a.inverse().act(&a.act(&p)) - p).norm() < 1e-13);
    assert_eq!(Se3::identity().act(&p), p);
}
