//! Test helpers: the shared vectors are read at run time from `../shared/vectors/`, never
//! copied into the repository. Where the folder is absent a test says it skipped; with
//! `RSU_VECTORS_REQUIRED=1` (set by CI) an absent folder is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rasn::prelude::*;
use std::path::PathBuf;

/// The vectors folder: `$RSU_VECTORS` or `<workspace>/../shared/vectors`.
pub fn vectors_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("RSU_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("RSU_VECTORS_REQUIRED").is_ok_and(|v| v == "1") {
        panic!(
            "RSU_VECTORS_REQUIRED=1 but the vectors folder {} is missing",
            dir.display()
        );
    }
    eprintln!(
        "skipped: vectors folder {} not found (set RSU_VECTORS)",
        dir.display()
    );
    None
}

/// Bytes of a vector file: `.hex` files hold hex text (whitespace ignored), others raw bytes.
pub fn read_vector(rel: &str) -> Option<Vec<u8>> {
    let path = vectors_dir()?.join(rel);
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if rel.ends_with(".hex") {
        let text: String = String::from_utf8(raw)
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        Some(hex::decode(text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    } else {
        Some(raw)
    }
}

/// A vector's expected JSON.
pub fn read_json(rel: &str) -> Option<serde_json::Value> {
    let path = vectors_dir()?.join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Every file in a vectors subfolder whose name ends with `suffix`, sorted.
pub fn list_vectors(sub: &str, suffix: &str) -> Option<Vec<String>> {
    let dir = vectors_dir()?.join(sub);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(suffix))
        .map(|n| format!("{sub}/{n}"))
        .collect();
    names.sort();
    Some(names)
}

/// A MessageFrame as raw parts, for tests of the message types before the typed frame exists:
/// `messageId` and the open type's bytes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RawFrame {
    #[rasn(value("0..=32767"), identifier = "messageId")]
    pub message_id: u16,
    pub value: Any,
}

/// Splits a UPER MessageFrame into (messageId, inner message bytes, bytes the frame used).
pub fn split_frame(bytes: &[u8]) -> (u16, Vec<u8>, usize) {
    let (frame, rest) = rasn::uper::decode_with_remainder::<RawFrame>(bytes).unwrap();
    (
        frame.message_id,
        frame.value.as_bytes().to_vec(),
        bytes.len() - rest.len(),
    )
}

/// JSON equality where two strings that are both hexadecimal compare case-insensitively
/// (rasn's JER writes upper case, the reference decoder lower case).
pub fn assert_jer_matches(actual: &serde_json::Value, expected: &serde_json::Value, path: &str) {
    use serde_json::Value;
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            let mut ka: Vec<_> = a.keys().collect();
            let mut ke: Vec<_> = e.keys().collect();
            ka.sort();
            ke.sort();
            assert_eq!(ka, ke, "keys differ at {path}");
            for (k, v) in e {
                assert_jer_matches(&a[k], v, &format!("{path}.{k}"));
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "array length differs at {path}");
            for (i, (x, y)) in a.iter().zip(e).enumerate() {
                assert_jer_matches(x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::String(a), Value::String(e))
            if a.chars().all(|c| c.is_ascii_hexdigit())
                && e.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            assert!(a.eq_ignore_ascii_case(e), "at {path}: {a} != {e}");
        }
        _ => assert_eq!(actual, expected, "at {path}"),
    }
}
