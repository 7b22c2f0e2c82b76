//! Test helpers: the shared vectors file is read at run time from `../shared/vectors/`, never
//! copied into the repository. Where the folder is absent a test says it skipped; with
//! `RSU_VECTORS_REQUIRED=1` (set by CI) an absent folder is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::PathBuf;

/// `security/security-vectors.json` from `$RSU_VECTORS` or `<workspace>/../shared/vectors`.
pub fn vectors() -> Option<serde_json::Value> {
    let dir = std::env::var_os("RSU_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    let path = dir.join("security/security-vectors.json");
    if !path.is_file() {
        if std::env::var("RSU_VECTORS_REQUIRED").is_ok_and(|v| v == "1") {
            panic!("RSU_VECTORS_REQUIRED=1 but {} is missing", path.display());
        }
        eprintln!("skipped: {} not found (set RSU_VECTORS)", path.display());
        return None;
    }
    let text = std::fs::read_to_string(&path).unwrap();
    Some(serde_json::from_str(&text).unwrap())
}

/// The certificate entry with this name.
pub fn cert_entry<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no certificate {name} in the vectors"))
}

/// Bytes of a certificate by name.
pub fn cert_bytes(v: &serde_json::Value, name: &str) -> Vec<u8> {
    hex::decode(cert_entry(v, name)["hex"].as_str().unwrap()).unwrap()
}

/// Bytes of an SPDU whose name starts with `prefix`.
pub fn spdu_bytes(v: &serde_json::Value, prefix: &str) -> Vec<u8> {
    let s = v["spdus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no SPDU {prefix}"));
    hex::decode(s["hex"].as_str().unwrap()).unwrap()
}
