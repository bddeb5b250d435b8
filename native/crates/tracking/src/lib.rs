//! Kāraṇa Edge tracking math: SO(3)/SE(3) helpers ([`lie`]), attitude filters ([`ahrs`]: Madgwick,
//! Mahony, error-state Kalman filter) and IMU preintegration between keyframes ([`preint`]).
//! Pure Rust (nalgebra), no N-API: the bindings live in the `karana-native` crate.

pub mod ahrs;
pub mod lie;
pub mod preint;
