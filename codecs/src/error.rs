//! The codec's errors: what was wrong and where.

use rasn::error::{DecodeError, DecodeErrorKind};

/// Why a message could not be decoded or encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// UPER input that is not a valid encoding.
    #[error("UPER: {path}: {reason} (frame at byte {offset} of {len})")]
    Uper {
        /// Field path inside the message (Rust field names, outermost first).
        path: String,
        /// What is wrong.
        reason: String,
        /// Byte offset of the frame in the input.
        offset: usize,
        /// Length of the input in bytes.
        len: usize,
    },
    /// A value outside its type's range or size: refused, never truncated.
    #[error("{path}: {reason}")]
    Constraint {
        /// Field path with the standard's identifiers, e.g. `value.intersections[0].moy`.
        path: String,
        /// What is wrong, e.g. `value 600000 outside 0..527040`.
        reason: String,
    },
    /// JSON that is not JER of the expected type.
    #[error("JER: {path}: {reason}")]
    Jer {
        /// Where in the JSON (field names), or the line and column of a syntax error.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The encoder refused the value for a reason other than a range (rare).
    #[error("UPER encode: {0}")]
    Encode(String),
}

/// Splits a rasn error chain into the fields it passed through and the root cause.
pub(crate) fn unwind(err: &DecodeError) -> (String, String) {
    let mut names = Vec::new();
    let mut e = err;
    while let DecodeErrorKind::FieldError { name, nested } = &*e.kind {
        // rasn names fields `Type.rust_field`; the field alone reads as a path.
        names.push(name.rsplit('.').next().unwrap_or(name));
        e = nested;
    }
    let reason = match &*e.kind {
        DecodeErrorKind::Incomplete { needed } => {
            // `nom::Needed` is not re-exported by rasn; its Debug form is `Size(n)` in bits.
            let shown = format!("{needed:?}");
            match shown
                .strip_prefix("Size(")
                .and_then(|s| s.strip_suffix(')'))
            {
                Some(bits) => format!("truncated: input ends {bits} bits too early"),
                None => "truncated: input ends too early".to_owned(),
            }
        }
        other => other.to_string(),
    };
    let path = if names.is_empty() {
        "(root)".to_owned()
    } else {
        names.join(".")
    };
    (path, reason)
}
