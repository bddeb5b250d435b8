//! N-API bindings: argument conversion, `AsyncTask` twins, and the one error conversion
//! (`KaranaError` → `napi::Error`, via `?`). No math lives here.

pub mod ahrs;
pub mod detect;
pub mod letterbox;
