//! N-API bindings of `karana-image` (see the crate's docs).
