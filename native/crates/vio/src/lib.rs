//! Kāraṇa Edge monocular visual-inertial odometry: a Multi-State Constraint Kalman Filter
//! (Mourikis & Roumeliotis, ICRA 2007) over a sliding window of camera-pose clones, on KLT tracks
//! of FAST corners (karana-features), with IMU propagation on SO(3) (karana-tracking), null-space
//! projection, chi-square gating, QR measurement compression, zero-velocity updates, gravity-aligned
//! initialisation from the IMU history, and tracking-loss recovery. See `docs/vio.md`.
//!
//! Conventions: world frame z up (gravity `(0, 0, −g)`), body = IMU frame, `T_B_C` the camera in
//! the body frame (EuRoC `T_BS`), rotation errors local (body frame), timestamps in ns on one clock
//! shared by the camera and the IMU.

pub mod camera;
pub mod chi2;
pub mod config;
pub mod frontend;
pub mod init;
pub mod msckf;
pub mod propagate;
pub mod ransac;
pub mod slam;
pub mod state;
pub mod triangulate;
pub mod vio;

pub use config::{CameraModel, ImuNoise, VioConfig};
pub use nalgebra;
pub use propagate::ImuSample;
pub use vio::{FrameReport, ImuFeedReport, LossReason, Status, Vio};

#[cfg(test)]
mod slam_tests;
#[cfg(test)]
mod tests;
