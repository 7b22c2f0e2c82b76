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

impl From<crate::jer::JerEncodeError> for Error {
    fn from(c: crate::jer::JerEncodeError) -> Self {
        Error::Constraint {
            path: c.path,
            reason: c.reason,
        }
    }
}

/// How a path reads when the error is in the outermost value itself.
pub(crate) const ROOT: &str = "(root)";

fn join_path<S: AsRef<str>>(names: &[S]) -> String {
    if names.is_empty() {
        ROOT.to_owned()
    } else {
        names
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// Splits a rasn error chain into the fields it passed through and the root cause.
pub(crate) fn unwind(err: &DecodeError) -> (String, String) {
    let (names, reason) = unwind_names(err);
    (join_path(&names), reason)
}

/// Like [`unwind`] for JER input: each Rust field name is given back as the JSON member it
/// came from (`layer_type` is `layerType`, `state_time_speed` is `state-time-speed`), found
/// by walking `json` along the path.
pub(crate) fn unwind_json(err: &DecodeError, json: &serde_json::Value) -> (String, String) {
    let (names, reason) = unwind_names(err);
    let mut level = vec![json];
    let mut out = Vec::new();
    for name in names {
        let mut next = Vec::new();
        let mut shown = name.trim_end_matches('_').to_owned();
        for value in level {
            let members = match value {
                serde_json::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for member in members.into_iter().filter_map(serde_json::Value::as_object) {
                if let Some((key, inner)) = member.iter().find(|(k, _)| snake(k) == shown) {
                    next.push(inner);
                    shown.clone_from(key);
                }
            }
        }
        out.push(shown);
        level = next;
    }
    (join_path(&out), reason)
}

/// The snake_case Rust field name the project gives an ASN.1 identifier.
pub(crate) fn snake(identifier: &str) -> String {
    let mut out = String::with_capacity(identifier.len() + 4);
    let mut prev_lower = false;
    for c in identifier.chars() {
        if c == '-' {
            out.push('_');
            prev_lower = false;
        } else if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

pub(crate) fn unwind_names(err: &DecodeError) -> (Vec<&'static str>, String) {
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
    (names, reason)
}

#[cfg(test)]
mod tests {
    use super::snake;

    #[test]
    fn identifiers_map_to_the_rust_field_names() {
        assert_eq!(snake("layerType"), "layer_type");
        assert_eq!(snake("state-time-speed"), "state_time_speed");
        assert_eq!(snake("partII-Id"), "part_ii_id");
        assert_eq!(snake("laneID"), "lane_id");
        assert_eq!(snake("msgCnt"), "msg_cnt");
    }
}
