//! The one error type of the native core, and the argument checks that produce it.
//!
//! Every kernel returns `Result<_, KaranaError>`; the N-API glue converts it to a JS `Error`
//! (`napi::Error` with status `InvalidArg`) exactly once, at the boundary. Messages name the
//! parameter as the TypeScript API spells it and the value that was given, e.g.
//! `"out" must hold 519168 floats, got 1000`.

use std::fmt::Display;

/// What went wrong, with the parameter name as the JS caller sees it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KaranaError {
    /// A caller-owned buffer is shorter than the call needs.
    #[error("\"{name}\" must hold {needed} {unit}, got {got}")]
    BufferTooSmall {
        name: &'static str,
        needed: usize,
        unit: &'static str,
        got: usize,
    },
    /// Two buffers passed to one call share memory where one of them is written.
    #[error("\"{name}\" must not share memory with \"{other}\"")]
    Aliased {
        name: &'static str,
        other: &'static str,
    },
    /// A value outside its documented domain.
    #[error("\"{name}\" must be {expected}, got {got}")]
    Invalid {
        name: &'static str,
        expected: String,
        got: String,
    },
}

/// Shorthand for kernel results.
pub type KaranaResult<T> = Result<T, KaranaError>;

/// `"name" must be {expected}, got {got}`.
pub fn invalid(name: &'static str, expected: impl Into<String>, got: impl Display) -> KaranaError {
    KaranaError::Invalid {
        name,
        expected: expected.into(),
        got: got.to_string(),
    }
}

/// Checks that `len >= needed`.
pub fn require_len(
    name: &'static str,
    unit: &'static str,
    needed: usize,
    len: usize,
) -> KaranaResult<()> {
    if len < needed {
        return Err(KaranaError::BufferTooSmall {
            name,
            needed,
            unit,
            got: len,
        });
    }
    Ok(())
}

/// A positive integer dimension given as a JS number (e.g. `"widthPx"`), as `usize`.
pub fn dimension(name: &'static str, value: f64) -> KaranaResult<usize> {
    if value.is_finite() && value >= 1.0 && value.fract() == 0.0 && value <= f64::from(u32::MAX) {
        Ok(value as usize)
    } else {
        Err(invalid(name, "a positive integer", value))
    }
}

/// A finite number within `[lo, hi]`.
pub fn in_range(name: &'static str, value: f64, lo: f64, hi: f64) -> KaranaResult<f64> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(value)
    } else {
        Err(invalid(name, format!("a number in [{lo}, {hi}]"), value))
    }
}

/// Fails when the byte ranges of `written` and `other` overlap (JS typed arrays may be views of
/// one `ArrayBuffer`; reading one while writing the other would be undefined behaviour).
pub fn require_disjoint<A, B>(
    name: &'static str,
    written: &[A],
    other_name: &'static str,
    other: &[B],
) -> KaranaResult<()> {
    if written.is_empty() || other.is_empty() {
        return Ok(());
    }
    let a = written.as_ptr_range();
    let b = other.as_ptr_range();
    let (a0, a1) = (a.start as usize, a.end as usize);
    let (b0, b1) = (b.start as usize, b.end as usize);
    if a0 < b1 && b0 < a1 {
        return Err(KaranaError::Aliased {
            name,
            other: other_name,
        });
    }
    Ok(())
}

/// The single conversion to a JS error, used by `?` in the N-API glue (feature `napi`).
#[cfg(feature = "napi")]
impl From<KaranaError> for napi::Error {
    fn from(e: KaranaError) -> Self {
        napi::Error::new(napi::Status::InvalidArg, e.to_string())
    }
}

/// Three numbers (e.g. a per-channel `mean`, an `accelMps2` vector) from a JS array.
pub fn triple(name: &'static str, v: &[f64]) -> KaranaResult<[f64; 3]> {
    match v {
        [a, b, c] => Ok([*a, *b, *c]),
        _ => Err(invalid(name, "3 numbers", format!("{} numbers", v.len()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_parameter_and_value() {
        let e = require_len("out", "floats", 519_168, 1000).unwrap_err();
        assert_eq!(e.to_string(), "\"out\" must hold 519168 floats, got 1000");
        assert_eq!(
            dimension("widthPx", -1.0).unwrap_err().to_string(),
            "\"widthPx\" must be a positive integer, got -1"
        );
        assert_eq!(
            dimension("widthPx", 2.5).unwrap_err().to_string(),
            "\"widthPx\" must be a positive integer, got 2.5"
        );
        assert_eq!(dimension("widthPx", 752.0), Ok(752));
        assert_eq!(
            in_range("beta", f64::NAN, 0.0, 1.0)
                .unwrap_err()
                .to_string(),
            "\"beta\" must be a number in [0, 1], got NaN"
        );
    }

    #[test]
    fn overlapping_views_are_rejected() {
        let buf = [0u8; 16];
        assert!(require_disjoint("out", &buf[4..8], "src", &buf[0..5]).is_err());
        assert!(require_disjoint("out", &buf[5..8], "src", &buf[0..5]).is_ok());
        let empty: [u8; 0] = [];
        assert!(require_disjoint("out", &empty, "src", &buf).is_ok());
        assert!(require_disjoint("out", &buf[3..3], "src", &buf).is_ok());
    }
}
