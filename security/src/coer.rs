//! Strict COER (ITU-T X.696 canonical OER) on top of rasn: 1609.2 hashes encodings, so input
//! that is not exactly the canonical encoding of what it decodes to is refused, as are trailing
//! bytes (which `rasn::coer::decode` alone would accept; reference/security.md §1.1).

use rasn::{Decode, Encode};

/// A COER decoding or encoding failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoerError {
    #[error("COER decode of {what} failed: {reason}")]
    Decode { what: &'static str, reason: String },
    #[error("{what}: {count} trailing byte(s) after the structure")]
    Trailing { what: &'static str, count: usize },
    #[error(
        "{what}: not the canonical COER encoding (or carries extensions this build does not know)"
    )]
    NonCanonical { what: &'static str },
    #[error("COER encode failed: {0}")]
    Encode(String),
}

fn short_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// Decodes `T` from the front of `bytes`, returning it and the rest.
pub fn decode_prefix<T: Decode>(bytes: &[u8]) -> Result<(T, &[u8]), CoerError> {
    rasn::coer::decode_with_remainder::<T>(bytes).map_err(|e| CoerError::Decode {
        what: short_name::<T>(),
        reason: first_line(&e.to_string()),
    })
}

/// Decodes `T` from all of `bytes`, which must be its canonical encoding.
pub fn decode_canonical<T: Decode + Encode>(bytes: &[u8]) -> Result<T, CoerError> {
    let (v, rest) = decode_prefix::<T>(bytes)?;
    if !rest.is_empty() {
        return Err(CoerError::Trailing {
            what: short_name::<T>(),
            count: rest.len(),
        });
    }
    if encode(&v)? != bytes {
        return Err(CoerError::NonCanonical {
            what: short_name::<T>(),
        });
    }
    Ok(v)
}

/// Encodes `v` in COER.
pub fn encode<T: Encode>(v: &T) -> Result<Vec<u8>, CoerError> {
    rasn::coer::encode(v).map_err(|e| CoerError::Encode(first_line(&e.to_string())))
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}
