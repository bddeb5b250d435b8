//! N-API bindings of `karana-phase`: the `ClockSync` class (device clock → host clock), circular
//! statistics, and the Kuramoto order parameter and coupling steps. Argument conversion only.

pub mod circular;
pub mod clock;
pub mod kuramoto;
pub mod sample;
