//! Kāraṇa Edge phase and clock math: device-clock → host-clock mapping robust to one-sided queueing
//! delay ([`clock`]: TICSync lower hull, PI phase-locked loop, least squares), circular statistics
//! ([`circular`]) and the Kuramoto order parameter and coupling steps of cluster phase
//! ([`kuramoto`], seed 003). Pure Rust, no N-API: the bindings live in the `karana-native` crate.

pub mod circular;
pub mod clock;
pub mod kuramoto;
pub mod trig;
