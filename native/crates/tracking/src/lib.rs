//! Tracking math: AHRS filters.

pub mod ahrs;
