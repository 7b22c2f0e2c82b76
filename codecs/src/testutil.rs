//! Test helpers: the shared vectors are read at run time from `../shared/vectors/`, never
//! copied into the repository. Where the folder is absent a test says it skipped; with
//! `RSU_VECTORS_REQUIRED=1` (set by CI) an absent folder is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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

/// The reference decoder (pycrate) writes a `BIT STRING (SIZE(n, ...))` value as bare hex.
/// X.697 makes a size with an extension marker not fix the length, so this crate (like rasn)
/// writes `{"value": hex, "length": bits}`. Where ours has that object and the reference has
/// bare hex of the same bits, the reference is rewritten to our form: the value and its bit
/// count are still compared, only the reference's spelling is corrected.
pub fn reconcile_extensible_bit_strings(
    ours: &serde_json::Value,
    reference: &mut serde_json::Value,
) {
    use serde_json::Value;
    match (ours, reference) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, v) in e.iter_mut() {
                if let Some(x) = a.get(k) {
                    reconcile_extensible_bit_strings(x, v);
                }
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            for (x, v) in a.iter().zip(e.iter_mut()) {
                reconcile_extensible_bit_strings(x, v);
            }
        }
        (Value::Object(a), e @ Value::String(_)) if a.len() == 2 => {
            let hex = e.as_str().unwrap_or_default();
            let same_bits = a.get("value").and_then(Value::as_str) == Some(hex)
                && a.get("length")
                    .and_then(Value::as_u64)
                    .is_some_and(|n| n as usize <= hex.len() * 4 && n as usize + 8 > hex.len() * 4);
            if same_bits {
                *e = Value::Object(a.clone());
            }
        }
        _ => {}
    }
}

/// The path of the first difference between two JSON values, or `None` if equal.
pub fn json_difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(p), Some(q)) => json_difference(p, q, &format!("{path}.{k}")),
                (p, q) => Some(format!("{path}.{k}: {p:?} vs {q:?}")),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| json_difference(p, q, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} vs {b}")),
    }
}
