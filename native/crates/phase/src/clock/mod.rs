//! Device clock ↔ host clock: offset and skew from `(device stamp, host arrival)` pairs whose
//! arrival carries a one-sided queueing delay (`arrival = true time + delay`, `delay ≥ 0`).
//!
//! [`ClockSync`] runs one of three estimators behind one interface ([`Method`]): the lower convex
//! hull of TICSync (A. Harrison, P. Newman, "TICSync: Knowing when things happened", ICRA 2011),
//! a PI phase-locked loop, and ordinary least squares for comparison.

pub mod batch;
pub mod envelope;
pub mod hull;
pub mod line;
pub mod lsq;
pub mod pll;
pub mod settings;
pub mod sync;
pub mod window;

pub use line::{Line, Spread};
pub use pll::PllSettings;
pub use settings::{flags, ClockSyncSettings, Method};
pub use sync::{ClockCounters, ClockEstimate, ClockSync};

#[cfg(test)]
mod tests;
