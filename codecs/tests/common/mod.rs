//! What the differential tests share: whether pycrate is installed, and running an oracle
//! script over JSON lines.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Whether `python3` can run `imports` (pycrate's modules). Without them the test is skipped,
/// unless `RSU_PYCRATE_REQUIRED=1` (CI) makes that a failure.
pub fn pycrate_available(imports: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", imports])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("RSU_PYCRATE_REQUIRED").is_ok_and(|v| v == "1") {
            panic!("RSU_PYCRATE_REQUIRED=1 but python3 cannot import pycrate");
        }
        eprintln!("skipped: python3 with pycrate not found (pip install pycrate)");
    }
    ok
}

/// Runs `tools/<script>` in `mode` over `lines` (one JSON object each) and returns its
/// answers, one per line.
pub fn oracle(script: &str, mode: &str, lines: &[Value]) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tools")
        .join(script);
    let mut child = Command::new("python3")
        .arg(path)
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the oracle");
    let mut input = String::new();
    for line in lines {
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{script} {mode} failed (its self-check?)"
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Whether `python3` can import asn1tools. Without it the test is skipped, unless
/// `RSU_ASN1TOOLS_REQUIRED=1` (CI) makes that a failure.
pub fn asn1tools_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import asn1tools"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("RSU_ASN1TOOLS_REQUIRED").is_ok_and(|v| v == "1") {
            panic!("RSU_ASN1TOOLS_REQUIRED=1 but python3 cannot import asn1tools");
        }
        eprintln!("skipped: python3 with asn1tools not found (pip install asn1tools)");
    }
    ok
}

/// The folder of an oracle's ASN.1 (`$RSU_ORACLES/<name>` or `<workspace>/../shared/oracles/
/// <name>`), or `None` (with a message) when absent; with `RSU_ASN1TOOLS_REQUIRED=1` an
/// absent folder is a failure.
pub fn oracle_dir(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("RSU_ORACLES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/oracles"),
        PathBuf::from,
    );
    let dir = base.join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("RSU_ASN1TOOLS_REQUIRED").is_ok_and(|v| v == "1") {
        panic!(
            "RSU_ASN1TOOLS_REQUIRED=1 but the oracle folder {} is missing",
            dir.display()
        );
    }
    eprintln!(
        "skipped: oracle folder {} not found (set RSU_ORACLES)",
        dir.display()
    );
    None
}

/// Like [`oracle`], with arguments before the mode (`tools/<script> <args..> <mode>`).
pub fn oracle_with_args(
    script: &str,
    args: &[&std::ffi::OsStr],
    mode: &str,
    lines: &[Value],
) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tools")
        .join(script);
    let mut child = Command::new("python3")
        .arg(path)
        .args(args)
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the oracle");
    let mut input = String::new();
    for line in lines {
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{script} {mode} failed (its self-check?)"
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
