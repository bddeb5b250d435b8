//! N-API bindings: argument conversion, `AsyncTask` twins, and the one error conversion
//! (`KaranaError` → `napi::Error`, via `?`). No math lives here. One module per kernel crate.

pub mod detect;
pub mod features;
pub mod image;
pub mod letterbox;
pub mod phase;
pub mod tracking;
pub mod vio;
