//! Kāraṇa Edge native core (napi-rs): the N-API bindings over the pure kernel crates in `crates/`
//! (`karana-image`, `karana-features`, `karana-detect`, `karana-tracking`, `karana-phase`, with the shared
//! `karana-core`). The bindings convert arguments and errors at the boundary; no math lives here.

pub mod js;
