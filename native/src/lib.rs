//! Kāraṇa Edge native core (napi-rs). Pure kernels live in their own modules and know nothing of
//! N-API; `js` holds the bindings, which convert arguments and errors at the boundary.

pub mod ahrs;
pub mod detect;
pub mod error;
pub mod image;
pub mod js;
pub mod letterbox;
