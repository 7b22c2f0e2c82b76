//! The `rsu` command line as a user meets it: exit status, stdout, one-line errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn rsu(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = common::rsu_command()
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

/// A fresh scratch folder.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What a script would do: run the demo for a while with a capture and a kept PKI, then
/// check what went on the air with the tool's own `verify` and `decode`.
#[test]
fn demo_runs_for_its_duration_and_what_it_sent_verifies() {
    let dir = scratch("demo");
    let pki = dir.join("pki");
    let pcap = dir.join("air.pcap");
    let o = rsu(
        &[
            "run",
            "--duration",
            // Halfway between slots, so the count does not depend on which timer fires first.
            "2.55",
            "--pki",
            pki.to_str().unwrap(),
            "--pcap",
            pcap.to_str().unwrap(),
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // A status line each second: lights, rates, latency, what the demo's OBU verified.
    let out = stdout(&o);
    let lines: Vec<_> = out.lines().filter(|l| l.starts_with("1001:")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    for l in &lines {
        assert!(
            l.contains(" 2G") || l.contains(" 2Y") || l.contains(" 2r"),
            "{l}"
        );
        // 10 a second (11 when a slot falls on the window's edge); a loaded machine may skip
        // slots it fell behind on, so the floor is generous; above 11 is a defect.
        let rate: u32 = l
            .split("SPaT ")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no SPaT rate in {l}"));
        assert!((5..=11).contains(&rate), "{l}");
        assert!(l.contains("OBU verified 1"), "{l}");
    }
    let err = stderr(&o);
    assert!(err.contains("duration reached: stopping"), "{err}");

    let file = std::fs::File::open(&pcap).unwrap();
    let records: Vec<_> = rsu_hw::PcapReader::new(file)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // 2.55 s holds SPaT slots 0..=2500 ms (26) and MAP slots at 50, 1050 and 2050 ms (3):
    // more than that is a defect (a duplicate, a drifting schedule) whatever the machine's
    // load. A loaded machine may make the service skip slots it fell behind on (logged,
    // counted), so the floors are generous: half the SPaT slots and two of the MAP ones,
    // which a broadcast that stalls or runs at the wrong rate still misses.
    assert!(
        (15..=29).contains(&records.len()),
        "{} records",
        records.len()
    );
    let (mut spat, mut map) = (0, 0);
    for (k, r) in records.iter().enumerate() {
        let eth = rsu_hw::wire::EthernetFrame::new_checked(r.data.as_slice()).unwrap();
        assert_eq!(eth.ethertype(), rsu_hw::EtherType::WSMP);
        let wsmp = rsu_hw::wire::WsmpPacket::new_checked(eth.payload()).unwrap();
        let spdu = hex::encode(wsmp.payload());
        // Verified as at its capture time, against the kept PKI.
        let at = r
            .timestamp
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let v = rsu(
            &[
                "verify",
                "--trust",
                pki.to_str().unwrap(),
                "--at",
                &at,
                "--hex",
                &spdu,
            ],
            b"",
        );
        assert!(v.status.success(), "record {k}: {}", stdout(&v));
        let json: serde_json::Value = serde_json::from_str(&stdout(&v)).unwrap();
        let payload = json["payload"].as_str().unwrap();
        let d = rsu(&["decode", "--hex", payload], b"");
        let frame: serde_json::Value = serde_json::from_str(&stdout(&d)).unwrap();
        match (wsmp.psid().value(), frame["messageId"].as_u64()) {
            (0x82, Some(19)) => spat += 1,
            (0x20_40_97, Some(18)) => map += 1,
            other => panic!("record {k}: PSID and message {other:?}"),
        }
    }
    assert!((13..=26).contains(&spat), "{spat} SPaTs");
    assert!((2..=3).contains(&map), "{map} MAPs");

    // A second run reuses the PKI folder as it is.
    let o = rsu(
        &[
            "run",
            "--duration",
            "0.3",
            "--no-status",
            "--pki",
            pki.to_str().unwrap(),
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

/// A scratch folder with a test PKI, and the demo configuration's text (whose paths are
/// relative to the folder it is written to).
fn demo_with_pki(name: &str) -> (PathBuf, String) {
    let dir = scratch(name);
    assert!(
        rsu(&["pki", "init", dir.to_str().unwrap()], b"")
            .status
            .success()
    );
    let demo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../config/demo.toml"))
        .unwrap();
    (dir, demo)
}

/// The repository's example configuration is complete and valid (with its PKI files in
/// place), and the demo's is too.
#[test]
fn check_config_accepts_the_example() {
    let dir = scratch("example");
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../config/example.toml"
    ))
    .unwrap();
    let file = dir.join("rsu.toml");
    std::fs::write(&file, &example).unwrap();
    // Without the certificate files, the error names the field and its line.
    let o = rsu(&["check-config", file.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let line = example
        .lines()
        .position(|l| l.starts_with("certificate ="))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("line {line}: `security.certificate`")),
        "{err}"
    );
    let o = rsu(&["pki", "init", dir.join("pki").to_str().unwrap()], b"");
    assert!(o.status.success());
    let o = rsu(&["check-config", file.to_str().unwrap()], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("OK: RSU `rsu-main-and-5th`, 1 intersection"),
        "{out}"
    );
    assert!(!out.contains("warning"), "{out}");
}

#[test]
fn check_config_names_field_and_line() {
    let (dir, demo) = demo_with_pki("bad");
    let file = dir.join("bad.toml");
    // (replace, with, the error says, on the line of)
    let cases: [(&str, &str, &str, &str); 5] = [
        // A typo in a field name: toml's own error, with the line.
        (
            "channel = 172",
            "chanel = 172",
            "unknown field `chanel`",
            "chanel",
        ),
        // A value out of range.
        (
            "user_priority = 5",
            "user_priority = 9",
            "`radio.user_priority`: 9 is outside 0..=7",
            "user_priority = 9",
        ),
        // A PSID written as a plain number.
        (
            "spat_psid = \"0x8002\"",
            "spat_psid = \"130\"",
            "`messages.spat_psid`: write the PSID p-encoded",
            "spat_psid",
        ),
        // A signal group a lane's connection names but the mapping lacks: reported where
        // the connection is.
        (
            "id = 9\noverlap = 1",
            "id = 10\noverlap = 1",
            "signal group 9 is not configured",
            "signal_group = 9 }",
        ),
        // A yellow shorter than MUTCD allows.
        (
            "yellow_s = 3.0",
            "yellow_s = 2.5",
            "phase[0].yellow_s",
            "yellow_s = 2.5",
        ),
    ];
    for (from, to, needle, at) in cases {
        assert!(demo.contains(from), "{from}");
        let text = demo.replacen(from, to, 1);
        std::fs::write(&file, &text).unwrap();
        let o = rsu(&["check-config", file.to_str().unwrap()], b"");
        assert_eq!(o.status.code(), Some(2), "{to}");
        let err = stderr(&o);
        assert!(err.contains(needle), "{to}: {err}");
        assert_eq!(err.matches("line ").count(), 1, "one problem: {err}");
        let line = text[..text.find(at).unwrap()].matches('\n').count() + 1;
        assert!(
            err.contains(&format!("line {line}")),
            "{to}: want line {line}: {err}"
        );
    }
    let o = rsu(
        &["check-config", dir.join("missing.toml").to_str().unwrap()],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.toml"));
}

#[test]
fn decode_then_encode_gives_the_frame_back() {
    let Some(text) = vector("ode_spat.mf.hex") else {
        return;
    };
    let hex = String::from_utf8(text).unwrap();
    let o = rsu(&["decode", "--hex", hex.trim()], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    // Without --std, J2735 is assumed and said; this vector also carries one byte after its
    // frame: decoded, and said on stderr.
    assert_eq!(
        stderr(&o).trim(),
        "note: --std j2735 assumed (SAE J2735 MessageFrame); --std etsi for ETSI ITS\n\
         note: the frame used 74 of 75 bytes; 1 byte was left after it"
    );
    let json = stdout(&o);
    assert_eq!(json.lines().count(), 1);
    let o = rsu(&["encode", "--std", "j2735", "-"], json.as_bytes());
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), &hex.trim()[..148]);
}

#[test]
fn etsi_messages_decode_and_encode_with_std_etsi() {
    let dir = std::env::var_os("RSU_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    for name in ["cits_spatem.hex", "cits_mapem.hex"] {
        let Ok(text) = std::fs::read_to_string(dir.join("etsi").join(name)) else {
            assert!(
                !std::env::var("RSU_VECTORS_REQUIRED").is_ok_and(|v| v == "1"),
                "RSU_VECTORS_REQUIRED=1 but {name} is missing"
            );
            eprintln!("skipped: vector {name} not found (set RSU_VECTORS)");
            return;
        };
        let hex: String = text.split_whitespace().collect();
        let o = rsu(&["decode", "--std", "etsi", "--hex", &hex], b"");
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{name}: {}", stderr(&o));
        let json = stdout(&o);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["header"]["protocolVersion"], 2);
        let o = rsu(&["encode", "--std", "etsi", "-"], json.as_bytes());
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert_eq!(stdout(&o).trim(), hex, "{name}");
    }
    assert_refused(
        &rsu(&["decode", "--std", "etsi", "--all", "--hex", "0204"], b""),
        "--all",
    );
    assert_refused(
        &rsu(&["decode", "--std", "etsi", "--hex", "0204000003e9"], b""),
        "spat",
    );
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
    assert_refused(
        &rsu(&["decode", "--std", "j2735", "--hex", "00zz"], b""),
        "not hex",
    );
    assert_refused(
        &rsu(&["decode", "--std", "j2735", "--hex", "001"], b""),
        "odd count",
    );
    assert_refused(
        &rsu(&["decode", "--std", "j2735", "--hex", "0013"], b""),
        "truncated",
    );
    assert_refused(&rsu(&["decode", "--std", "j2735", "-"], b""), "empty input");
    assert_refused(
        &rsu(&["encode", "--std", "j2735", "-"], b"{\"messageId\": 19,"),
        "line 1 column",
    );
    assert_refused(
        &rsu(
            &["encode", "--std", "j2735", "-"],
            br#"{"messageId": 19, "value": {"intersections": []}}"#,
        ),
        "value.intersections: size 0 outside 1..32",
    );
    let out_of_range = br#"{"messageId": 19, "value": {"intersections": [{"id": {"id": 1},
        "revision": 200, "status": "0000", "states": [{"signalGroup": 1,
        "state-time-speed": [{"eventState": "dark"}]}]}]}}"#;
    assert_refused(
        &rsu(&["encode", "--std", "j2735", "-"], out_of_range),
        "value.intersections[0].revision: value 200 outside 0..127",
    );
    let unknown_alternative = br#"{"messageId": 19, "value": {"intersections": [{
        "id": {"id": 1}, "revision": 1, "status": "0000", "states": [{"signalGroup": 1,
        "state-time-speed": [{"eventState": "purple"}]}]}]}}"#;
    assert_refused(
        &rsu(&["encode", "--std", "j2735", "-"], unknown_alternative),
        "eventState",
    );
    assert_refused(
        &rsu(&["decode", "--std", "j2735", "/no/such/file"], b""),
        "/no/such/file",
    );
}

/// A deployment-like run: --config with a metrics endpoint and JSON logs, scraped while it
/// runs, then stopped with SIGTERM.
#[cfg(unix)]
#[test]
fn configured_service_serves_metrics_logs_json_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader, Read};
    let (dir, demo) = demo_with_pki("sigterm");
    let text = demo.replacen("[log]", "[metrics]\nlisten = \"127.0.0.1:0\"\n\n[log]", 1);
    let file = dir.join("rsu.toml");
    std::fs::write(&file, text).unwrap();
    let mut child = common::rsu_command()
        .args(["run", "--config", file.to_str().unwrap(), "--json-logs"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut logs = BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    let mut addr = None;
    let mut line = String::new();
    while addr.is_none() {
        line.clear();
        assert!(
            logs.read_line(&mut line).unwrap() > 0,
            "exited early: {seen:?}"
        );
        let event: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        addr = event["fields"]["addr"].as_str().map(str::to_owned);
        seen.push(event);
    }
    // Let a second of broadcasting pass, then scrape.
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let mut conn = std::net::TcpStream::connect(addr.unwrap()).unwrap();
    conn.write_all(b"GET /metrics HTTP/1.0\r\n\r\n").unwrap();
    let mut body = String::new();
    conn.read_to_string(&mut body).unwrap();
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    let sent = body
        .lines()
        .find(|l| l.starts_with("rsu_messages_sent_total{") && l.contains("type=\"spat\""))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap();
    assert!(sent >= 10.0, "{sent} SPaTs after 1.2 s");
    assert!(body.contains("rsu_tx_latency_seconds_bucket{"), "{body}");

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    logs.read_to_string(&mut rest).unwrap();
    let events: Vec<serde_json::Value> = rest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let messages: Vec<&str> = events
        .iter()
        .filter_map(|e| e["fields"]["message"].as_str())
        .collect();
    assert!(messages.contains(&"SIGTERM: stopping"), "{messages:?}");
    assert!(messages.contains(&"stopped broadcasting"), "{messages:?}");
    // With --config the status line is off unless asked for.
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(out.is_empty(), "{out}");
}
