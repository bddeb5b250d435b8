//! Attitude and heading reference: Madgwick's filter, its batch driver and initialisation.

pub mod batch;
pub mod init;
pub mod madgwick;
