//! Differential check of the 1609.2 signer and verifier against an independent
//! implementation, `tools/its_sec_oracle.py` (pycrate's 1609.2 COER + Python `cryptography`):
//! SPDUs from `rsu sign` must verify there, and SPDUs it signs must verify with `rsu verify`.
//! Skipped when Python lacks pycrate or cryptography, unless `RSU_PYCRATE_REQUIRED=1` (CI).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::process::Command;

fn oracle_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import pycrate_asn1dir.ITS_IEEE1609_2, cryptography"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("RSU_PYCRATE_REQUIRED").map_or(true, |v| v != "1"),
            "RSU_PYCRATE_REQUIRED=1 but python3 cannot import pycrate's ITS_IEEE1609_2 and cryptography"
        );
        eprintln!("skipped: python3 with pycrate and cryptography not available");
    }
    ok
}

fn oracle() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/its_sec_oracle.py")
}

fn run(cmd: &mut Command) -> (String, String, i32) {
    let o = cmd.output().unwrap();
    (
        String::from_utf8(o.stdout).unwrap().trim().to_string(),
        String::from_utf8(o.stderr).unwrap(),
        o.status.code().unwrap(),
    )
}

#[test]
fn rsu_and_the_independent_oracle_agree_both_ways() {
    if !oracle_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("rsu-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_str().unwrap();
    let (_, err, code) = run(common::rsu_command().args(["pki", "init", d]));
    assert_eq!(code, 0, "{err}");
    let (cert, root, key) = (
        format!("{d}/rsu.oer"),
        format!("{d}/root.oer"),
        format!("{d}/rsu-key.pem"),
    );

    let payloads: Vec<String> = [0usize, 1, 15, 100, 127, 128, 300, 1400]
        .iter()
        .map(|&n| {
            (0..n)
                .map(|i| format!("{:02x}", (i * 37 + n) % 256))
                .collect()
        })
        .collect();
    let mut checked = 0;
    for (i, payload) in payloads.iter().enumerate() {
        let psid = ["0x8002", "131", "0x8000"][i % 3];
        let mut args: Vec<String> = ["sign", "--cert", &cert, "--key", &key, "--psid", psid]
            .map(String::from)
            .to_vec();
        if i % 2 == 1 {
            args.push("--digest".into());
        }
        if payload.is_empty() {
            // Through a file: the CLI refuses empty input (there is nothing to sign).
            let f = dir.join("empty.bin");
            std::fs::write(&f, b"").unwrap();
            args.push(f.display().to_string());
        } else {
            args.extend(["--hex".to_string(), payload.clone()]);
        }
        let (spdu, err, code) = run(common::rsu_command().args(&args));
        if payload.is_empty() {
            assert_eq!(code, 2, "{err}");
            continue;
        }
        assert_eq!(code, 0, "{err}");
        // rsu sign → oracle verify.
        let (out, err, code) = run(Command::new("python3").arg(oracle()).args([
            "verify",
            "--cert",
            &cert,
            "--cert",
            &root,
            "--require-root",
            "--hex",
            &spdu,
        ]));
        assert_eq!(code, 0, "oracle refused rsu's SPDU {spdu}: {out} {err}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["payload"], payload.as_str());

        // oracle sign → rsu verify.
        let signer = if i % 2 == 1 { "digest" } else { "certificate" };
        let (spdu, err, code) = run(Command::new("python3").arg(oracle()).args([
            "sign",
            "--cert",
            &cert,
            "--key",
            &key,
            "--psid",
            &psid_decimal(psid),
            "--signer",
            signer,
            "--hex",
            payload,
        ]));
        assert_eq!(code, 0, "{err}");
        let (out, err, code) =
            run(common::rsu_command().args(["verify", "--trust", d, "--hex", &spdu]));
        assert_eq!(code, 0, "rsu refused the oracle's SPDU {spdu}: {out} {err}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["payload"], payload.as_str());
        assert_eq!(json["signerForm"], signer);
        checked += 1;
    }
    assert_eq!(checked, 7);
    // And a tampered oracle SPDU is refused by rsu, a tampered rsu SPDU by the oracle.
    let (spdu, _, _) = run(common::rsu_command().args([
        "sign", "--cert", &cert, "--key", &key, "--psid", "130", "--hex", "aabbcc",
    ]));
    let bad = spdu.replacen("aabbcc", "aabbcd", 1);
    let (_, _, code) = run(Command::new("python3")
        .arg(oracle())
        .args(["verify", "--cert", &cert, "--cert", &root, "--hex", &bad]));
    assert_eq!(code, 1);
    let (_, _, code) = run(common::rsu_command().args(["verify", "--trust", d, "--hex", &bad]));
    assert_eq!(code, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn psid_decimal(p: &str) -> String {
    rsu_hw::Psid::parse(p).unwrap().value().to_string()
}
