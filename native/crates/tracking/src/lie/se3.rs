//! SE(3): rigid transforms `T_a_b = (R_a_b, t_a_b)` with `p_a = R p_b + t`, their composition,
//! inverse, action on points, and the exponential and logarithm.
//!
//! Tangent vectors are `ξ = [ρ; φ]` (translation part first, as Sophus and Solà et al., "A micro
//! Lie theory for state estimation in robotics", 2018, appendix D): `Exp(ξ) = (Exp(φ), Jl(φ) ρ)`
//! with `Jl` the SO(3) left Jacobian (Solà et al. eqs 172–174), and `Log` its inverse.

use super::so3::{self, Mat3, Vec3};
use nalgebra::Vector6;

/// A 6-vector `[ρx, ρy, ρz, φx, φy, φz]` of se(3) (m, rad).
pub type Twist = Vector6<f64>;

/// A rigid transform `T_a_b`: maps points from frame b to frame a.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Se3 {
    /// `R_a_b`.
    pub rotation: Mat3,
    /// `t_a_b`, the origin of b expressed in a, m.
    pub translation: Vec3,
}

impl Se3 {
    /// The identity transform.
    pub fn identity() -> Self {
        Self {
            rotation: Mat3::identity(),
            translation: Vec3::zeros(),
        }
    }

    /// `T_a_c = T_a_b · T_b_c`.
    pub fn compose(&self, other: &Se3) -> Se3 {
        Se3 {
            rotation: self.rotation * other.rotation,
            translation: self.rotation * other.translation + self.translation,
        }
    }

    /// `T_b_a = T_a_b⁻¹ = (Rᵀ, −Rᵀ t)`.
    pub fn inverse(&self) -> Se3 {
        let rt = self.rotation.transpose();
        Se3 {
            rotation: rt,
            translation: -(rt * self.translation),
        }
    }

    /// `p_a = R p_b + t`.
    pub fn act(&self, p: &Vec3) -> Vec3 {
        self.rotation * p + self.translation
    }

    /// `Exp(ξ)`, `ξ = [ρ; φ]`.
    pub fn exp(xi: &Twist) -> Se3 {
        let rho = Vec3::new(xi[0], xi[1], xi[2]);
        let phi = Vec3::new(xi[3], xi[4], xi[5]);
        Se3 {
            rotation: so3::exp(&phi),
            translation: so3::left_jacobian(&phi) * rho,
        }
    }

    /// `Log(T)`: `φ = Log(R)` (angle in `[0, π]`), `ρ = Jl⁻¹(φ) t`.
    pub fn log(&self) -> Twist {
        let phi = so3::log(&self.rotation);
        let rho = so3::left_jacobian_inv(&phi) * self.translation;
        Twist::new(rho.x, rho.y, rho.z, phi.x, phi.y, phi.z)
    }
}
