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
