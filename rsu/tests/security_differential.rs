//! Differential check of the 1609.2 signer and verifier against an independent
//! implementation, `tools/its_sec_oracle.py` (pycrate's 1609.2 COER + Python `cryptography`):
//! SPDUs from `rsu sign` must verify there, and SPDUs it signs must verify with `rsu verify`;
//! GeoNetworking packets secured under ETSI TS 103 097 with the EU test PKI must pass its
//! `verify-gn`, and a tampered copy must not. Skipped when Python lacks pycrate or cryptography, unless `RSU_PYCRATE_REQUIRED=1` (CI).
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

/// A SPATEM-like GeoNetworking packet, secured as the EU region sends it: basic header with
/// NH = 2, then the EtsiTs103097Data signed with the authorisation ticket, whose unsecuredData
/// is common header + SHB extended header + BTP-B (port 2004) + the facilities message.
#[test]
fn gn_secured_spatem_from_the_eu_ticket_verifies_with_the_oracle() {
    use rsu_hw::MacAddr;
    use rsu_hw::wire::btp::{BtpPort, BtpRepr};
    use rsu_hw::wire::geonet::{
        BasicHeader, BasicNextHeader, CommonNextHeader, GeoNetworkingRepr, GnBtpHeaders,
        LongPositionVector, Timestamp, TrafficClass,
    };
    use rsu_security::etsi::ssp::{self, SpatemContent};
    use rsu_security::etsi::{self, EtsiPolicy, ITS_AID_MAPEM, ITS_AID_SPATEM};
    use rsu_security::sign::Signer;
    use rsu_security::trust::{TrustConfig, TrustStore};
    use rsu_security::verify::{Verifier, VerifierConfig};
    use rsu_security::{Certificate, pki, sign, spdu, time};
    use std::sync::Arc;

    if !oracle_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("rsu-diff-gn-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let now_us = time::now_unix_micros();
    pki::init_eu(&dir, now_us / 1_000_000, &pki::EuInitOptions::default()).unwrap();
    let path = |f: &str| dir.join(f).display().to_string();
    let at = Certificate::from_coer(&std::fs::read(dir.join("rsu.oer")).unwrap()).unwrap();
    let key = sign::load_key_file(&dir.join("rsu-key.pem")).unwrap();
    let mut signer = Signer::etsi(
        key,
        Arc::new(at),
        EtsiPolicy::default().with_digest(ITS_AID_MAPEM),
    )
    .unwrap();

    let headers_for = |port: BtpPort, message_len: usize| {
        let source = LongPositionVector::rsu(
            MacAddr::local([2, 0, 0, 0, 0, 1]),
            Timestamp::from_tai_millis(700_000_000_000),
            508_466_000,
            43_522_000,
        );
        let repr = GeoNetworkingRepr::shb(
            source,
            CommonNextHeader::BtpB,
            TrafficClass {
                store_carry_forward: false,
                channel_offload: false,
                id: 0,
            },
        );
        let btp = BtpRepr::B {
            dst_port: port,
            dst_port_info: 0,
        };
        let mut h = GnBtpHeaders::new(&repr, &btp).unwrap();
        h.set_message_len(message_len).unwrap();
        h
    };
    // ItsPduHeader (protocolVersion 2, messageId 4 = SPATEM, stationId 1001), then a body.
    let message: Vec<u8> = [&[0x02, 0x04, 0x00, 0x00, 0x03, 0xe9][..], &[0x5a; 40]].concat();
    let headers = headers_for(BtpPort::SPATEM, message.len());
    // The GN header is finished before signing: its octets are inside the signature.
    let inner = [headers.secured_inner_prefix(), &message].concat();
    let need = ssp::spatem_need(SpatemContent {
        intersection_state: true,
        ..SpatemContent::default()
    });
    let secured = signer
        .sign_etsi(ITS_AID_SPATEM, &inner, need, None, now_us)
        .unwrap();
    let mut frame = Vec::new();
    rsu_hw::wire::geonet::secured_packet(headers.basic_header().unwrap(), &secured, &mut frame)
        .unwrap();

    let oracle_verify = |frame: &[u8], extra: &[&str]| {
        let mut args = vec![
            "verify-gn".to_string(),
            "--cert".into(),
            path("root.oer"),
            "--cert".into(),
            path("aa.oer"),
            "--require-root".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(["--hex".to_string(), hex::encode(frame)]);
        let (out, err, code) = run(Command::new("python3").arg(oracle()).args(&args));
        let json: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        (json, code, err)
    };
    let (json, code, err) = oracle_verify(&frame, &["--psid", "137"]);
    assert_eq!(code, 0, "oracle refused the secured SPATEM: {json} {err}");
    assert_eq!(json["inner"], hex::encode(&inner));
    assert_eq!(json["psid"], 137);
    assert_eq!(json["signerForm"], "certificate");

    // Our own receive path agrees: NH = 2, signature and chain, profile, inner GN header.
    let basic = BasicHeader::parse(&frame).unwrap();
    assert_eq!(basic.next_header, BasicNextHeader::SecuredPacket);
    let mut store = TrustStore::new(TrustConfig::default());
    store.load_dir(&dir).unwrap();
    let mut verifier = Verifier::new(store, VerifierConfig::default());
    let out = verifier.verify(&frame[4..], now_us).unwrap();
    assert!(out.is_valid(), "{:?}", out.reason);
    etsi::check_received(out.signed().unwrap(), ITS_AID_SPATEM).unwrap();
    let (repr, payload) = GeoNetworkingRepr::parse_inner(basic, out.payload().unwrap()).unwrap();
    assert_eq!(repr.common.next_header, CommonNextHeader::BtpB);
    assert_eq!(&payload[4..], &message[..]);

    // Any changed octet after the basic header fails in the oracle: one in the message, one in
    // the GN common header, one in the signature.
    let inner_at = frame
        .windows(inner.len())
        .position(|w| w == &inner[..])
        .unwrap();
    for at in [inner_at + inner.len() - 1, inner_at + 5, frame.len() - 1] {
        let mut bad = frame.clone();
        bad[at] ^= 0x01;
        let (json, code, err) = oracle_verify(&bad, &[]);
        assert_ne!(code, 0, "octet {at} flipped and still valid: {json} {err}");
    }

    // A digest-signed MAPEM resolves through the ticket given as --cert.
    let map: Vec<u8> = [&[0x02, 0x05, 0x00, 0x00, 0x03, 0xe9][..], &[0x33; 20]].concat();
    let headers = headers_for(BtpPort::MAPEM, map.len());
    let inner = [headers.secured_inner_prefix(), &map].concat();
    let secured = signer
        .sign_etsi(ITS_AID_MAPEM, &inner, ssp::mapem_need(), None, now_us)
        .unwrap();
    assert!(matches!(
        spdu::parse(&secured).unwrap(),
        spdu::Spdu::Signed(s) if matches!(s.signer, spdu::SignerInfo::Digest(_))
    ));
    let mut frame = Vec::new();
    rsu_hw::wire::geonet::secured_packet(headers.basic_header().unwrap(), &secured, &mut frame)
        .unwrap();
    let (json, code, _) = oracle_verify(&frame, &[]);
    assert_eq!(code, 1, "digest without the ticket: {json}");
    let (json, code, err) = oracle_verify(&frame, &["--cert", &path("rsu.oer")]);
    assert_eq!(code, 0, "{json} {err}");
    assert_eq!(json["signerForm"], "digest");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A ticket whose SPATEM SSP forbids IntersectionState (ETSI TP_IS_TLM_SSP_SND_BV_07) makes
/// the signer refuse, with a label to count, and nothing to send.
#[test]
fn a_ticket_forbidding_intersection_state_signs_no_spatem() {
    use rsu_security::etsi::ssp::{self, SpatemContent};
    use rsu_security::etsi::{EtsiPolicy, ITS_AID_SPATEM};
    use rsu_security::sign::{SignError, Signer};
    use rsu_security::{Certificate, pki, sign, time};
    use std::sync::Arc;

    let dir = std::env::temp_dir().join(format!("rsu-ssp-0178-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let now_us = time::now_unix_micros();
    pki::init_eu(
        &dir,
        now_us / 1_000_000,
        &pki::EuInitOptions {
            spatem_ssp: Some(vec![0x01, 0x78]),
            ..pki::EuInitOptions::default()
        },
    )
    .unwrap();
    let at = Certificate::from_coer(&std::fs::read(dir.join("rsu.oer")).unwrap()).unwrap();
    let key = sign::load_key_file(&dir.join("rsu-key.pem")).unwrap();
    let mut signer = Signer::etsi(key, Arc::new(at), EtsiPolicy::default()).unwrap();
    let need = ssp::spatem_need(SpatemContent {
        intersection_state: true,
        ..SpatemContent::default()
    });
    let err = signer
        .sign_etsi(ITS_AID_SPATEM, b"spatem", need, None, now_us)
        .unwrap_err();
    assert!(matches!(err, SignError::Ssp(_)), "{err}");
    assert_eq!(err.code(), "ssp_forbids_content");
    std::fs::remove_dir_all(&dir).unwrap();
}
