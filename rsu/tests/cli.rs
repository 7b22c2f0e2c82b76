//! The `rsu` command line as a user meets it: exit status, stdout, one-line errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn rsu(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rsu"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A bad input exits 2 with exactly one line on stderr that contains `needle`.
fn assert_refused(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "one line expected: {err}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    assert!(o.stdout.is_empty());
}

fn vector(name: &str) -> Option<Vec<u8>> {
    let dir = std::env::var_os("RSU_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    match std::fs::read(dir.join("j2735").join(name)) {
        Ok(bytes) => Some(bytes),
        Err(_) if std::env::var("RSU_VECTORS_REQUIRED").is_ok_and(|v| v == "1") => {
            panic!("RSU_VECTORS_REQUIRED=1 but {name} is missing")
        }
        Err(_) => {
            eprintln!("skipped: vector {name} not found (set RSU_VECTORS)");
            None
        }
    }
}

#[test]
fn demo_runs_and_round_trips() {
    let o = rsu(&[], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("identical to what was encoded"), "{out}");
    // The printed hex decodes with the tool itself.
    let hex = out
        .lines()
        .find_map(|l| l.strip_prefix("Try: rsu decode --hex "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap();
    let o = rsu(&["decode", "--hex", hex], b"");
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["messageId"], 19);
}

#[test]
fn decode_then_encode_gives_the_frame_back() {
    let Some(text) = vector("ode_spat.mf.hex") else {
        return;
    };
    let hex = String::from_utf8(text).unwrap();
    let o = rsu(&["decode", "--hex", hex.trim()], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    // This vector carries one byte after its frame: decoded, and said on stderr.
    assert_eq!(
        stderr(&o).trim(),
        "note: the frame used 74 of 75 bytes; 1 byte was left after it"
    );
    let json = stdout(&o);
    assert_eq!(json.lines().count(), 1);
    let o = rsu(&["encode", "-"], json.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), &hex.trim()[..148]);
}

#[test]
fn binary_capture_with_all_gives_one_line_per_frame() {
    let Some(bytes) = vector("bsm128.uper") else {
        return;
    };
    let o = rsu(&["decode", "--all", "-"], &bytes);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 128);
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["messageId"], 20);
    }
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    assert_refused(&rsu(&["decode", "--hex", "00zz"], b""), "not hex");
    assert_refused(&rsu(&["decode", "--hex", "001"], b""), "odd count");
    assert_refused(&rsu(&["decode", "--hex", "0013"], b""), "truncated");
    assert_refused(&rsu(&["decode", "-"], b""), "empty input");
    assert_refused(
        &rsu(&["encode", "-"], b"{\"messageId\": 19,"),
        "line 1 column",
    );
    assert_refused(
        &rsu(
            &["encode", "-"],
            br#"{"messageId": 19, "value": {"intersections": []}}"#,
        ),
        "value.intersections: size 0 outside 1..32",
    );
    let out_of_range = br#"{"messageId": 19, "value": {"intersections": [{"id": {"id": 1},
        "revision": 200, "status": "0000", "states": [{"signalGroup": 1,
        "state-time-speed": [{"eventState": "dark"}]}]}]}}"#;
    assert_refused(
        &rsu(&["encode", "-"], out_of_range),
        "value.intersections[0].revision: value 200 outside 0..127",
    );
    let unknown_alternative = br#"{"messageId": 19, "value": {"intersections": [{
        "id": {"id": 1}, "revision": 1, "status": "0000", "states": [{"signalGroup": 1,
        "state-time-speed": [{"eventState": "purple"}]}]}]}}"#;
    assert_refused(&rsu(&["encode", "-"], unknown_alternative), "eventState");
    assert_refused(&rsu(&["decode", "/no/such/file"], b""), "/no/such/file");
}
