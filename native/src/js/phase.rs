//! N-API bindings of `karana-phase` (see the crate's docs).
