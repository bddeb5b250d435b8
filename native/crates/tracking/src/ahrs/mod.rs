//! Attitude and heading reference: Madgwick's, Mahony's and an error-state Kalman filter, the
//! batch driver they share, and initialisation from gravity (and the magnetic field).

pub mod eskf;
pub mod init;
pub mod madgwick;
pub mod mahony;
pub mod stream;
