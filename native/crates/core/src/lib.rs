//! Shared types of the Kāraṇa Edge native crates: the one error type ([`error::KaranaError`]) with the
//! argument checks that produce it, and the layout of 8-bit images in caller buffers ([`image`]).
//! With the `napi` feature, `KaranaError` converts to `napi::Error` — the single conversion at the
//! N-API boundary.

pub mod error;
pub mod image;
