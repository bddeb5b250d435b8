//! The MSCKF state: the IMU navigation state (nominal values) with its error-state covariance, and
//! the sliding window of camera-time IMU pose clones.
//!
//! Error state (Mourikis & Roumeliotis, ICRA 2007, §III, in the error-state form of Solà 2017):
//! `[δθ, δp, δv, δb_g, δb_a]` (15) then `[δθ_i, δp_i]` per clone (6 each). Rotation errors are
//! local, in the body frame: `R_W_I = R̂_W_I · Exp(δθ)`; positions and velocities are world-frame
//! additive. World frame: z up, gravity `(0, 0, −g)`.

use karana_tracking::lie::so3;
use nalgebra::{DMatrix, DVector, Matrix3, Vector3};

/// Size of the IMU error state.
pub const IMU_DIM: usize = 15;
/// Offsets of the IMU error blocks.
pub const TH: usize = 0;
pub const P: usize = 3;
pub const V: usize = 6;
pub const BG: usize = 9;
pub const BA: usize = 12;
/// Size of a clone's error block `[δθ, δp]`.
pub const CLONE_DIM: usize = 6;

/// Nominal IMU state at `t_ns` (runtime clock).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImuState {
    pub t_ns: i64,
    /// Orientation of the body (IMU) in the world, `R_W_I`.
    pub r_w_i: Matrix3<f64>,
    /// Body position in the world, m.
    pub p_w_i: Vector3<f64>,
    /// Body velocity in the world, m/s.
    pub v_w_i: Vector3<f64>,
    /// Gyroscope bias, rad/s, body frame.
    pub bg: Vector3<f64>,
    /// Accelerometer bias, m/s², body frame.
    pub ba: Vector3<f64>,
}

/// A stochastic clone of the IMU pose at a camera frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clone {
    /// Frame sequence number the clone was taken at.
    pub frame: u64,
    pub t_ns: i64,
    pub r_w_i: Matrix3<f64>,
    pub p_w_i: Vector3<f64>,
}

/// IMU state, clones (oldest first) and the joint error covariance.
#[derive(Clone, Debug)]
pub struct FilterState {
    pub imu: ImuState,
    pub clones: Vec<Clone>,
    pub cov: DMatrix<f64>,
}

impl FilterState {
    /// A state with no clones and covariance `cov15` (15×15).
    pub fn new(imu: ImuState, cov15: DMatrix<f64>) -> Self {
        Self {
            imu,
            clones: Vec::new(),
            cov: cov15,
        }
    }

    /// Dimension of the error state.
    pub fn dim(&self) -> usize {
        IMU_DIM + CLONE_DIM * self.clones.len()
    }

    /// Column of clone `i`'s error block.
    pub fn clone_col(i: usize) -> usize {
        IMU_DIM + CLONE_DIM * i
    }

    /// Appends a clone of the current IMU pose (stochastic cloning: the new block's error equals the
    /// IMU `[δθ, δp]`, so its rows and columns are copies of those).
    pub fn augment(&mut self, frame: u64) {
        let n = self.dim();
        let mut cov = DMatrix::<f64>::zeros(n + CLONE_DIM, n + CLONE_DIM);
        cov.view_mut((0, 0), (n, n)).copy_from(&self.cov);
        for k in 0..CLONE_DIM {
            let src = if k < 3 { TH + k } else { P + k - 3 };
            for j in 0..n {
                let v = self.cov[(src, j)];
                cov[(n + k, j)] = v;
                cov[(j, n + k)] = v;
            }
        }
        for a in 0..CLONE_DIM {
            let sa = if a < 3 { TH + a } else { P + a - 3 };
            for b in 0..CLONE_DIM {
                let sb = if b < 3 { TH + b } else { P + b - 3 };
                cov[(n + a, n + b)] = self.cov[(sa, sb)];
            }
        }
        self.cov = cov;
        self.clones.push(Clone {
            frame,
            t_ns: self.imu.t_ns,
            r_w_i: self.imu.r_w_i,
            p_w_i: self.imu.p_w_i,
        });
    }

    /// Removes clone `i` and its rows and columns (marginalisation of a clone is deletion).
    pub fn marginalize(&mut self, i: usize) {
        let c = Self::clone_col(i);
        let cov = std::mem::replace(&mut self.cov, DMatrix::zeros(0, 0));
        self.cov = cov.remove_rows(c, CLONE_DIM).remove_columns(c, CLONE_DIM);
        self.clones.remove(i);
    }

    /// Applies an error-state correction `dx` (length [`FilterState::dim`]) to the nominal values.
    pub fn correct(&mut self, dx: &DVector<f64>) {
        let v3 = |o: usize| Vector3::new(dx[o], dx[o + 1], dx[o + 2]);
        let imu = &mut self.imu;
        imu.r_w_i = orthonormalize(&(imu.r_w_i * so3::exp(&v3(TH))));
        imu.p_w_i += v3(P);
        imu.v_w_i += v3(V);
        imu.bg += v3(BG);
        imu.ba += v3(BA);
        for (i, c) in self.clones.iter_mut().enumerate() {
            let o = Self::clone_col(i);
            c.r_w_i = orthonormalize(&(c.r_w_i * so3::exp(&v3(o))));
            c.p_w_i += v3(o + 3);
        }
    }
}

/// The nearest rotation (one Gram–Schmidt pass; keeps long runs from drifting off SO(3)).
pub fn orthonormalize(r: &Matrix3<f64>) -> Matrix3<f64> {
    let x = r.column(0).normalize();
    let y = (r.column(1) - x * x.dot(&r.column(1))).normalize();
    let z = x.cross(&y);
    Matrix3::from_columns(&[x, y, z])
}
