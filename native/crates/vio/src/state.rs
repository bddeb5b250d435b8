//! The MSCKF state: the IMU navigation state (nominal values) with its error-state covariance, and
//! the sliding window of camera-time IMU pose clones.
//!
//! Error state (Mourikis & Roumeliotis, ICRA 2007, §III, in the error-state form of Solà 2017):
//! `[δθ, δp, δv, δb_g, δb_a]` (15) then `[δθ_i, δp_i]` per clone (6 each). Rotation errors are
//! local, in the body frame: `R_W_I = R̂_W_I · Exp(δθ)`; positions and velocities are world-frame
//! additive; then `δp_f` (3, world frame, additive) per SLAM feature — a long-lived landmark kept in
//! the state (OpenVINS' "SLAM features", Geneva et al. ICRA 2020 §IV; Li & Mourikis IJRR 2013 §III-E
//! for the hybrid MSCKF/EKF-SLAM filter). World frame: z up, gravity `(0, 0, −g)`.
//!
//! Layout: `[IMU 15 | clone 0 … clone n−1 (6 each) | SLAM feature 0 … m−1 (3 each)]`.

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

impl ImuState {
    /// At the world origin, level, still, with zero biases, at `t_ns`.
    pub fn at_rest(t_ns: i64) -> Self {
        Self {
            t_ns,
            r_w_i: Matrix3::identity(),
            p_w_i: Vector3::zeros(),
            v_w_i: Vector3::zeros(),
            bg: Vector3::zeros(),
            ba: Vector3::zeros(),
        }
    }
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

/// A landmark kept in the state: the front end's track id and its world position, m.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlamFeature {
    pub id: u64,
    pub p_w: Vector3<f64>,
}

/// Size of a SLAM feature's error block.
pub const SLAM_DIM: usize = 3;

/// IMU state, clones (oldest first), SLAM features and the joint error covariance.
#[derive(Clone, Debug)]
pub struct FilterState {
    pub imu: ImuState,
    pub clones: Vec<Clone>,
    pub slam: Vec<SlamFeature>,
    pub cov: DMatrix<f64>,
}

impl FilterState {
    /// A state with no clones and covariance `cov15` (15×15).
    pub fn new(imu: ImuState, cov15: DMatrix<f64>) -> Self {
        Self {
            imu,
            clones: Vec::new(),
            slam: Vec::new(),
            cov: cov15,
        }
    }

    /// Dimension of the error state.
    pub fn dim(&self) -> usize {
        IMU_DIM + CLONE_DIM * self.clones.len() + SLAM_DIM * self.slam.len()
    }

    /// Column of SLAM feature `j`'s error block.
    pub fn slam_col(&self, j: usize) -> usize {
        IMU_DIM + CLONE_DIM * self.clones.len() + SLAM_DIM * j
    }

    /// Column of clone `i`'s error block.
    pub fn clone_col(i: usize) -> usize {
        IMU_DIM + CLONE_DIM * i
    }

    /// Appends a clone of the current IMU pose (stochastic cloning: the new block's error equals the
    /// IMU `[δθ, δp]`, so its rows and columns are copies of those). The block goes after the last
    /// clone, before the SLAM features.
    pub fn augment(&mut self, frame: u64) {
        let n = self.dim();
        let at = Self::clone_col(self.clones.len());
        // Old index → new index (the SLAM blocks move down by one clone block).
        let map = |j: usize| if j < at { j } else { j + CLONE_DIM };
        let src = |k: usize| if k < 3 { TH + k } else { P + k - 3 };
        let mut cov = DMatrix::<f64>::zeros(n + CLONE_DIM, n + CLONE_DIM);
        for a in 0..n {
            for b in 0..n {
                cov[(map(a), map(b))] = self.cov[(a, b)];
            }
        }
        for k in 0..CLONE_DIM {
            for j in 0..n {
                let v = self.cov[(src(k), j)];
                cov[(at + k, map(j))] = v;
                cov[(map(j), at + k)] = v;
            }
            for b in 0..CLONE_DIM {
                cov[(at + k, at + b)] = self.cov[(src(k), src(b))];
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

    /// Removes SLAM feature `j` and its rows and columns (marginalisation).
    pub fn remove_slam(&mut self, j: usize) {
        let c = self.slam_col(j);
        let cov = std::mem::replace(&mut self.cov, DMatrix::zeros(0, 0));
        self.cov = cov.remove_rows(c, SLAM_DIM).remove_columns(c, SLAM_DIM);
        self.slam.remove(j);
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
        let first = Self::clone_col(self.clones.len());
        for (j, f) in self.slam.iter_mut().enumerate() {
            f.p_w += v3(first + SLAM_DIM * j);
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
