//! SM2 SPDUs signed by our code, judged by an independent Python oracle
//! (`tools/cn_sec_oracle.py`: SM3 from PyPI `gmssl`, SM2 verification written from
//! GB/T 32918.2, COER walked by hand). Skipped when python3 cannot import gmssl, unless
//! `RSU_GMSSL_REQUIRED=1`.
#![cfg(feature = "china")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rasn_its::ieee1609dot2::base_types::Duration;
use rsu_security::cn;
use rsu_security::pki::CnChain;
use rsu_security::sign::Signer;
use rsu_security::spdu::Header;
use rsu_security::time;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

const NOW: i64 = 1_763_164_800;
const NOW_US: i64 = NOW * 1_000_000;

fn oracle() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/cn_sec_oracle.py")
}

fn gmssl_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import gmssl.sm3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("RSU_GMSSL_REQUIRED").map_or(true, |v| v != "1"),
            "RSU_GMSSL_REQUIRED=1 but python3 cannot import gmssl (pip install gmssl==3.2.2)"
        );
        eprintln!("skipped: python3 cannot import gmssl (pip install gmssl==3.2.2)");
    }
    ok
}

fn judge(certs: &[&[u8]], spdus: &[Vec<u8>]) -> Vec<serde_json::Value> {
    let req = serde_json::json!({
        "certs": certs.iter().map(hex::encode).collect::<Vec<_>>(),
        "spdus": spdus.iter().map(hex::encode).collect::<Vec<_>>(),
    });
    let mut child = Command::new("python3")
        .arg(oracle())
        .arg("batch")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(req.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "oracle failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.len(), spdus.len());
    v
}

#[test]
fn the_oracle_verifies_our_sm2_spdus_and_refuses_tampered_ones() {
    if !gmssl_available() {
        return;
    }
    let c = CnChain::new(
        NOW - 86_400,
        &CnChain::rsu_spec(NOW - 3_600, Duration::Hours(48), None),
    )
    .unwrap();
    let mut s = Signer::new(c.rsu_key, Arc::new(c.rsu.clone())).unwrap();
    // Payload lengths across the length determinant's short and long forms; every CN AID
    // (one- and two-octet p-encodings alike are INTEGER here); certificate and digest signers.
    let mut good = Vec::new();
    let mut expected = Vec::new();
    for (i, (&aid, len)) in cn::RSU_AIDS
        .iter()
        .cycle()
        .zip([0usize, 1, 127, 128, 200, 255, 256, 1000, 200, 64])
        .enumerate()
    {
        let payload: Vec<u8> = (0..len).map(|k| (k * 7 + i) as u8).collect();
        let t = NOW_US + i as i64 * 100_000;
        let bytes = if i == 9 {
            // With an expiry time in the header.
            let mut h = Header::new(aid, time::time64_from_unix_micros(t));
            h.expiry_time = Some(time::time64_from_unix_micros(t + 60_000_000));
            s.sign_with_header(&h, &payload, t).unwrap()
        } else {
            s.sign(aid, &payload, t).unwrap()
        };
        expected.push((aid, payload));
        good.push(bytes);
    }
    // The first went with the certificate, the rest by digest (once-a-second inclusion).
    let carries = |b: &[u8]| b.windows(c.rsu.raw().len()).any(|w| w == c.rsu.raw());
    assert!(carries(&good[0]) && !good[1..].iter().any(|b| carries(b)));
    let certs: [&[u8]; 3] = [c.root.raw(), c.aca.raw(), c.rsu.raw()];
    let verdicts = judge(&certs, &good);
    let mut with_expiry = std::collections::BTreeSet::new();
    for (v, (aid, payload)) in verdicts.iter().zip(&expected) {
        assert_eq!(v["valid"], true, "{v}");
        assert_eq!(v["psid"].as_u64(), Some(*aid), "{v}");
        assert_eq!(v["payload"].as_str(), Some(hex::encode(payload).as_str()));
        assert_eq!(
            v["signer"].as_str(),
            Some(c.rsu.hashed_id8().to_string().as_str())
        );
        assert_eq!(
            v["chain"],
            serde_json::json!([
                c.rsu.hashed_id8().to_string(),
                c.aca.hashed_id8().to_string(),
                c.root.hashed_id8().to_string()
            ])
        );
        with_expiry.insert(v.get("expiryTime").is_some());
    }
    assert_eq!(
        with_expiry.len(),
        2,
        "one SPDU with and the others without expiryTime"
    );

    // Tampered copies: the oracle must say no (so its "yes" above means something).
    let base = &good[4];
    let n = base.len();
    let mut bad = Vec::new();
    for at in [3, 10, n / 2, n - 66 - 3, n - 40, n - 1] {
        let mut t = base.clone();
        t[at] ^= 0x01;
        bad.push(t);
    }
    let verdicts = judge(&certs, &bad);
    for (v, at) in verdicts.iter().zip([3, 10, n / 2, n - 69, n - 40, n - 1]) {
        assert_eq!(v["valid"], false, "byte {at}: {v}");
    }
    // A chain the oracle cannot complete: without the application CA.
    let v = judge(&[c.root.raw(), c.rsu.raw()], &good[..1]);
    assert_eq!(v[0]["valid"], false);
    assert!(v[0]["reason"].as_str().unwrap().contains("unknown issuer"));
}
