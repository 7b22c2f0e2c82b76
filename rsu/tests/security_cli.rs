//! `rsu pki init`, `rsu sign` and `rsu verify` as a user meets them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

fn rsu(args: &[&str]) -> Output {
    common::rsu_command().args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

struct TempDir(PathBuf);
impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("rsu-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        TempDir(p)
    }
    fn path(&self, f: &str) -> String {
        self.0.join(f).display().to_string()
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn init(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    let o = rsu(&["pki", "init", d.0.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("not for deployment"));
    d
}

fn sign(d: &TempDir, extra: &[&str]) -> Output {
    let (cert, key) = (d.path("rsu.oer"), d.path("rsu-key.pem"));
    let mut args = vec!["sign", "--cert", &cert, "--key", &key];
    args.extend_from_slice(extra);
    rsu(&args)
}

fn verify(d: &TempDir, spdu: &str, extra: &[&str]) -> (serde_json::Value, i32) {
    let trust = d.0.to_str().unwrap();
    let mut args = vec!["verify", "--trust", trust, "--hex", spdu];
    args.extend_from_slice(extra);
    let o = rsu(&args);
    let json = serde_json::from_str(text(&o.stdout).trim()).unwrap_or(serde_json::Value::Null);
    (json, o.status.code().unwrap())
}

#[test]
fn sign_then_verify_with_p_encoded_and_decimal_psids() {
    let d = init("roundtrip");
    for (psid, expect) in [("0x8002", 130), ("130", 130), ("0x8003", 131)] {
        let o = sign(&d, &["--psid", psid, "--hex", "0011 2233"]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let spdu = text(&o.stdout).trim().to_string();
        assert!(spdu.starts_with("0381"));
        let (json, code) = verify(&d, &spdu, &[]);
        assert_eq!(code, 0, "{json}");
        assert_eq!(json["valid"], true);
        assert_eq!(json["reason"], "valid");
        assert_eq!(json["psid"], expect);
        assert_eq!(json["payload"], "00112233");
        assert_eq!(json["signer"].as_str().unwrap().len(), 16);
        assert!(json["generationTime"].as_u64().unwrap() > 600_000_000_000_000);
    }
    // Signed by digest: resolvable because rsu.oer is in the trust directory.
    let o = sign(&d, &["--psid", "130", "--digest", "--hex", "00"]);
    let (json, code) = verify(&d, text(&o.stdout).trim(), &[]);
    assert_eq!((code, json["signerForm"].as_str()), (0, Some("digest")));
}

#[test]
fn invalid_spdus_exit_1_and_name_the_reason() {
    let d = init("invalid");
    let o = sign(
        &d,
        &["--psid", "130", "--hex", "cafe", "--at", "1800000000"],
    );
    let spdu = text(&o.stdout).trim().to_string();
    let (json, code) = verify(&d, &spdu, &["--at", "1800000000"]);
    assert_eq!((code, json["valid"].as_bool()), (0, Some(true)));
    // Payload tampered.
    let tampered = spdu.replacen("cafe", "cafd", 1);
    let (json, code) = verify(&d, &tampered, &["--at", "1800000000"]);
    assert_eq!((code, json["reason"].as_str()), (1, Some("bad_signature")));
    // Too old, and after the certificate expired.
    let (json, code) = verify(&d, &spdu, &["--at", "1800000100"]);
    assert_eq!((code, json["reason"].as_str()), (1, Some("stale")));
    let (json, code) = verify(&d, &spdu, &["--at", "2000000000"]);
    assert_eq!(
        (code, json["reason"].as_str()),
        (1, Some("certificate_expired"))
    );
    // Trust directory without the root: the chain ends nowhere known.
    std::fs::remove_file(d.path("root.oer")).unwrap();
    let o = rsu(&["verify", "--trust", d.0.to_str().unwrap(), "--hex", &spdu]);
    assert_eq!(o.status.code(), Some(2), "no trust anchor is a usage error");
}

#[test]
fn input_that_is_not_an_spdu_exits_2() {
    let d = init("notspdu");
    for bad in ["00", "0381", "0380ff", "zz"] {
        let o = rsu(&["verify", "--trust", d.0.to_str().unwrap(), "--hex", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", text(&o.stdout));
        assert_eq!(text(&o.stderr).lines().count(), 1);
    }
    // Unsecured data is an SPDU, but not a valid signed one.
    let o = rsu(&[
        "verify",
        "--trust",
        d.0.to_str().unwrap(),
        "--hex",
        "038003616263",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("\"unsigned\""));
}

#[test]
fn key_and_psid_mistakes_are_refused_with_one_line() {
    use std::os::unix::fs::PermissionsExt as _;
    let d = init("mistakes");
    let o = sign(&d, &["--psid", "0x82", "--hex", "00"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("0x8002"), "{}", text(&o.stderr));
    let o = sign(&d, &["--psid", "32", "--hex", "00"]);
    assert!(text(&o.stderr).contains("does not permit PSID 32"));
    // Another key for the same certificate.
    let o = rsu(&[
        "sign",
        "--cert",
        &d.path("rsu.oer"),
        "--key",
        &d.path("root-key.pem"),
        "--psid",
        "130",
        "--hex",
        "00",
    ]);
    assert!(
        text(&o.stderr).contains("does not belong"),
        "{}",
        text(&o.stderr)
    );
    std::fs::set_permissions(
        Path::new(&d.path("rsu-key.pem")),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let o = sign(&d, &["--psid", "130", "--hex", "00"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("readable by every user"));
    // pki init never overwrites keys.
    let o = rsu(&["pki", "init", d.0.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("exists already"));
}

#[test]
fn pki_init_eu_makes_a_ticket_chain_that_signs_and_verifies() {
    use std::os::unix::fs::PermissionsExt as _;
    let d = TempDir::new("eu");
    let o = rsu(&["pki", "init", "--region", "eu", d.0.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("authorization ticket"), "{out}");
    assert!(
        out.contains("137:01ff") && out.contains("36:018000"),
        "{out}"
    );
    for f in ["root-key.pem", "aa-key.pem", "rsu-key.pem"] {
        let mode = std::fs::metadata(d.path(f)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
    // The ticket signs a SPATEM payload (ITS-AID 137) that verifies through AA and root,
    // with the full ticket attached (the first SPDU of a signer) and by digest (the AT is
    // in the trust folder).
    for extra in [&[][..], &["--digest"][..]] {
        let mut args = vec!["--psid", "137", "--hex", "0204000003e9"];
        args.extend_from_slice(extra);
        let o = sign(&d, &args);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let (json, code) = verify(&d, text(&o.stdout).trim(), &[]);
        assert_eq!(code, 0, "{json}");
        assert_eq!(json["psid"], 137);
    }
    // A PSID the ticket does not list is refused.
    let o = sign(&d, &["--psid", "130", "--hex", "00"]);
    assert_eq!(o.status.code(), Some(2));
    // Never overwrites, and a bad region or SSP is a usage error.
    let o = rsu(&["pki", "init", "--region", "eu", d.0.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let other = TempDir::new("eu-bad");
    let p = other.0.to_str().unwrap();
    for args in [
        &["pki", "init", "--region", "cn", p][..],
        &["pki", "init", "--region", "eu", "--spatem-ssp", "zz", p][..],
        &["pki", "init", "--region", "eu", "--spatem-ssp", "", p][..],
        &["pki", "init", "--spatem-ssp", "0178", p][..],
    ] {
        let o = rsu(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stdout));
    }
}

#[test]
fn pki_init_eu_can_make_a_ticket_that_forbids_intersection_state() {
    let d = TempDir::new("eu-0178");
    let o = rsu(&[
        "pki",
        "init",
        "--region",
        "eu",
        "--spatem-ssp",
        "0178",
        "--area",
        "50.8,4.35,2000",
        d.0.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("137:0178"));
    let at =
        rsu_security::Certificate::from_coer(&std::fs::read(d.path("rsu.oer")).unwrap()).unwrap();
    let table = rsu_security::etsi::ssp::SspTable::from_certificate(&at);
    let need = rsu_security::etsi::ssp::spatem_need(rsu_security::etsi::ssp::SpatemContent {
        intersection_state: true,
        ..Default::default()
    });
    assert_eq!(
        table.check(137, need).unwrap_err().code(),
        "ssp_forbids_content"
    );
    assert!(at.tbs().region.is_some());
    // The legacy spelling of the circle still works for the US PKI.
    let us = TempDir::new("us-legacy-region");
    let o = rsu(&[
        "pki",
        "init",
        "--region",
        "50.8,4.35,2000",
        us.0.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

fn verify_in(trust: &str, input: &str) -> (serde_json::Value, i32) {
    let o = rsu(&["verify", "--trust", trust, "--hex", input]);
    let json = serde_json::from_str(text(&o.stdout).trim()).unwrap_or(serde_json::Value::Null);
    (json, o.status.code().unwrap())
}

/// `rsu verify --trust DIR` accepts what `rsu run --region eu --pki DIR --pcap` sent: whole
/// secured GeoNetworking packets, profile included; a flipped bit is refused.
#[test]
fn verify_accepts_the_eu_demos_secured_geonetworking_packets() {
    let d = TempDir::new("eu-demo");
    let pcap = d.path("eu.pcap");
    let o = rsu(&[
        "run",
        "--region",
        "eu",
        "--duration",
        "1.2",
        "--no-status",
        "--pki",
        &d.path("pki"),
        "--pcap",
        &pcap,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut reader = rsu_hw::PcapReader::new(std::fs::File::open(&pcap).unwrap()).unwrap();
    let mut checked = 0;
    while let Some(record) = reader.next_record().unwrap() {
        // Ethernet: the GeoNetworking packet follows the 14-octet header.
        let gn = hex::encode(&record.data[14..]);
        let (json, status) = verify_in(&d.path("pki"), &gn);
        assert_eq!(status, 0, "{json}");
        assert_eq!(json["network"], "geonetworking");
        assert_eq!(json["profile"], "ok");
        // SPATEM and MAPEM name the ticket in full; the RSU's CAM by digest (the ticket is
        // in the trust folder) with the full ticket once a second.
        match json["psid"].as_u64() {
            Some(137 | 138) => assert_eq!(json["signerForm"], "certificate", "{json}"),
            Some(36) => assert!(json["signerForm"].is_string(), "{json}"),
            _ => panic!("{json}"),
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked} frames");
    let mut bad = std::fs::read(&pcap).unwrap();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let mut reader = rsu_hw::PcapReader::new(&bad[..]).unwrap();
    let mut last_frame = None;
    while let Some(record) = reader.next_record().unwrap() {
        last_frame = Some(record.data[14..].to_vec());
    }
    let (json, status) = verify_in(&d.path("pki"), &hex::encode(last_frame.unwrap()));
    assert_eq!(status, 1, "{json}");
    assert_eq!(json["valid"], false);
}
