//! N-API bindings of `karana-tracking`: the attitude filters over batches (Madgwick, Mahony,
//! error-state Kalman filter; `…Sync` and async twins) and the `ImuPreintegrator` class.
//! Argument conversion only; the math is in the crate.

pub mod ahrs;
pub mod eskf;
pub mod madgwick;
pub mod mahony;
pub mod preint;
