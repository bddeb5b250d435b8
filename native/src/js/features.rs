//! N-API bindings of `karana-features` (see the crate's docs).
