//! The public vectors (../shared/vectors/security/security-vectors.json, read at run time):
//! chains of the ETSI conformance pool, a production vehicle's CAM, the EU trust list, and
//! tampering with every byte of every signed structure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rsu_security::cert::{Certificate, IssuerRef};
use rsu_security::spdu::{self, SignerInfo, Spdu};
use rsu_security::time;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Reason, Verifier, VerifierConfig};
use std::path::PathBuf;
use std::sync::Arc;

fn vectors() -> Option<serde_json::Value> {
    let dir = std::env::var_os("RSU_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    let path = dir.join("security/security-vectors.json");
    if !path.is_file() {
        assert!(
            std::env::var("RSU_VECTORS_REQUIRED").is_err_and(|_| true)
                || std::env::var("RSU_VECTORS_REQUIRED").unwrap() != "1",
            "RSU_VECTORS_REQUIRED=1 but {} is missing",
            path.display()
        );
        eprintln!("skipped: {} not found (set RSU_VECTORS)", path.display());
        return None;
    }
    Some(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

struct Entry {
    name: String,
    bytes: Vec<u8>,
    cert: Certificate,
    good: bool,
}

fn pool(v: &serde_json::Value) -> Vec<Entry> {
    v["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let bytes = hex::decode(c["hex"].as_str().unwrap()).unwrap();
            Entry {
                name: c["name"].as_str().unwrap().into(),
                cert: Certificate::from_coer(&bytes).unwrap(),
                bytes,
                good: c["signature_check_strict_1609_2"]
                    .as_str()
                    .unwrap()
                    .starts_with("OK"),
            }
        })
        .collect()
}

fn spdu_hex(v: &serde_json::Value, prefix: &str) -> Vec<u8> {
    let s = v["spdus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str().unwrap().starts_with(prefix))
        .unwrap();
    hex::decode(s["hex"].as_str().unwrap()).unwrap()
}

fn store_of(entries: &[Entry]) -> TrustStore {
    let mut st = TrustStore::new(TrustConfig::default());
    for e in entries {
        // Self-signed ones become anchors; the anomalous ones are still "known" (and fail).
        st.add(e.cert.clone()).unwrap();
    }
    st
}

#[test]
fn etsi_pool_chains_validate_and_the_anomalous_ones_fail() {
    let Some(v) = vectors() else { return };
    let entries = pool(&v);
    let mut st = store_of(&entries);
    assert_eq!(st.anchors().count(), 3, "A_RCA, C_RCA and the EU TLM");
    let mut failures = Vec::new();
    for e in &entries {
        // Inside the certificate's own validity (and so, for a good chain, its issuers').
        let at = e.cert.valid_from_unix() + 3_600;
        match st.validate(&Arc::new(e.cert.clone()), at) {
            Ok(chain) => {
                assert!(e.good, "{} is anomalous and must fail", e.name);
                assert!(chain.root().cert.is_self_signed());
            }
            Err(err) => failures.push(format!("{}: {err}", e.name)),
        }
    }
    // The five anomalous certificates fail on their issuer signatures (B33_AT's issuer is
    // one of them). C3_AA's rectangle lies north-west of its root's, touching it only at a
    // corner: the ETSI pool's case of a region outside the issuer's, so it and the AT it
    // issued must be refused although their signatures are fine.
    assert_eq!(
        failures,
        [
            "CERT_IUT_A_B33_AT: certificate fc6a1581e8b898c2's issuer signature does not verify",
            "CERT_IUT_A_B3_AA: certificate fc6a1581e8b898c2's issuer signature does not verify",
            "CERT_IUT_A_B3_AT: certificate ee45cfa409fc974c's issuer signature does not verify",
            "CERT_IUT_A_B3_N_AT: certificate 6bd846acf25ffd15's issuer signature does not verify",
            "CERT_IUT_C3_AA: certificate b0bbd1b47a07de55's region is not inside its issuer's",
            "CERT_IUT_CA3_AT: certificate b0bbd1b47a07de55's region is not inside its issuer's",
            "CERT_TS_B1_AT: certificate f4a835d506a1ebf6's issuer signature does not verify",
        ]
    );
    assert_eq!(entries.len() - failures.len(), 52);
}

#[test]
fn etsi_pool_end_entities_hold_only_what_their_issuers_may_grant() {
    // Every PSID an end-entity certificate of the pool lists goes through the per-SPDU
    // permission walk (issuers' certIssuePermissions, SSP ranges with bitmap masks, chain
    // lengths). The pool's CAM range (value 01 FF FC, mask FF 00 03) fixes the version octet
    // and keeps the two reserved low bits at 0, so every AT whose CAM SSP sets them is
    // refused: the "bad SSP" CAM_BO_02/03 and the IUT C/D/E ATs (01 FF FF). DENM ranges fix
    // only the version. The enrolment certificates' PSID 623 is refused for the two "bad
    // input" ECs by their EA's range, and for TS_A_EC because the root grants 623 only one
    // level deep (minChainLength 1, chainLengthRange 0) while the EC sits two below it.
    let Some(v) = vectors() else { return };
    let entries = pool(&v);
    let mut st = store_of(&entries);
    let (mut granted, mut refused) = (0, Vec::new());
    for e in &entries {
        if e.cert.tbs().cert_issue_permissions.is_some() || e.cert.is_self_signed() {
            continue;
        }
        let at = e.cert.valid_from_unix() + 3_600;
        let Ok(chain) = st.validate(&Arc::new(e.cert.clone()), at) else {
            continue;
        };
        for (psid, _) in e.cert.app_permissions() {
            match rsu_security::trust::permits(&chain, psid, false) {
                Ok(_) => granted += 1,
                Err(_) => refused.push(format!("{} {psid}", e.name)),
            }
        }
    }
    assert_eq!(
        refused,
        [
            "CERT_IUT_CAM_BO_02_AT 36",
            "CERT_IUT_CAM_BO_03_AT 36",
            "CERT_IUT_C_AT 36",
            "CERT_IUT_C_AT_8 36",
            "CERT_IUT_D_AT 36",
            "CERT_IUT_D_AT_8 36",
            "CERT_IUT_E_AT 36",
            "CERT_IUT_E_AT_8 36",
            "CERT_TS_A_EC 623",
            "CERT_TS_CAM_BO_02_AT 36",
            "CERT_TS_CAM_BO_03_AT 36",
            "CERT_TS_EC_ENR_RCV_02_BI_02 623",
            "CERT_TS_EC_ENR_RCV_02_BI_03 623",
        ]
    );
    assert!(granted > 60, "{granted}");
}

#[test]
fn production_cam_signature_verifies_with_its_certificate() {
    let Some(v) = vectors() else { return };
    let bytes = spdu_hex(&v, "vanetza VW");
    let Spdu::Signed(s) = spdu::parse(&bytes).unwrap() else {
        panic!()
    };
    let SignerInfo::Certificates(certs) = &s.signer else {
        panic!()
    };
    let at = &certs[0];
    assert_eq!(at.hashed_id8().to_string(), "127cff384ce0b890");
    assert_eq!(
        at.issuer(),
        IssuerRef::Digest(rsu_security::HashAlg::Sha256, hashed("56dfd6d627a362dc"))
    );
    assert!(
        s.signature_verifies_with(at, at.verify_key().unwrap()),
        "rSig compressed-y-0"
    );
    assert_eq!(s.header.psid, 36);
    assert_eq!(s.header.generation_time, Some(501_427_679_447_061));
    // Its issuing AA is not public: the verifier says so, and names it.
    let mut ver = Verifier::new(store_of(&pool(&v)), VerifierConfig::default());
    let now = time::unix_micros_from_time64(501_427_679_447_061);
    let out = ver.verify(&bytes, now).unwrap();
    assert_eq!(
        out.reason,
        Some(Reason::UnknownIssuer(hashed("56dfd6d627a362dc")))
    );
}

#[test]
fn digest_signed_cam_names_the_unknown_signer() {
    let Some(v) = vectors() else { return };
    let bytes = spdu_hex(&v, "vanetza CAM (signer=digest)");
    let mut ver = Verifier::new(store_of(&pool(&v)), VerifierConfig::default());
    let now = time::unix_micros_from_time64(501_427_754_847_055);
    match ver.verify(&bytes, now).unwrap().reason {
        Some(Reason::UnknownSigner { id, p2pcd }) => {
            assert_eq!(id.to_string(), "0ba2d2fb6a0c62d2");
            assert_eq!(p2pcd.to_string(), "0c62d2");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn eu_trust_list_verifies_under_the_brainpool_p384_root() {
    let Some(v) = vectors() else { return };
    let bytes = spdu_hex(&v, "EU ECTL");
    let entries = pool(&v);
    let tlm = entries
        .iter()
        .find(|e| e.name == "E7A4B2B045E7ACF9")
        .unwrap();
    let mut st = TrustStore::new(TrustConfig::default());
    st.add(tlm.cert.clone()).unwrap();
    let mut ver = Verifier::new(st, VerifierConfig::default());
    let now = time::unix_micros_from_time64(669_386_121_999_000);
    let out = ver.verify(&bytes, now).unwrap();
    assert_eq!(out.reason, None);
    assert_eq!(out.signer_id().unwrap().to_string(), "e7a4b2b045e7acf9");
    assert_eq!(out.signed().unwrap().header.psid, 624);
    assert_eq!(
        rsu_security::HashAlg::Sha384
            .digest(&bytes)
            .hashed_id8()
            .to_string(),
        "ce4cf6c19bfed720"
    );
    // Without the TLM as an anchor the same list ends at an untrusted root.
    let mut bare = Verifier::new(
        TrustStore::new(TrustConfig::default()),
        VerifierConfig::default(),
    );
    assert_eq!(
        bare.verify(&bytes, now).unwrap().reason,
        Some(Reason::UntrustedRoot(tlm.cert.hashed_id8()))
    );
}

#[test]
fn synthetic_spdu_signed_by_digest_verifies_with_its_certificate() {
    let Some(v) = vectors() else { return };
    let bytes = spdu_hex(&v, "synthetic");
    let entries = pool(&v);
    let at = entries.iter().find(|e| e.name == "CERT_IUT_A_AT").unwrap();
    let Spdu::Signed(s) = spdu::parse(&bytes).unwrap() else {
        panic!()
    };
    assert!(matches!(s.signer, SignerInfo::Digest(h) if h == at.cert.hashed_id8()));
    assert!(s.signature_verifies_with(&at.cert, at.cert.verify_key().unwrap()));
    assert_eq!(s.payload(), Some(&b"SPaT-bytes-UPER"[..]));
}

#[test]
fn tampering_with_any_byte_of_a_signed_structure_fails() {
    let Some(v) = vectors() else { return };
    let entries = pool(&v);
    // Certificates: every byte of every certificate whose chain validates; the tampered
    // copy must not validate (a changed issuer digest finds no issuer, anything else breaks
    // the issuer's signature or the certificate's own decoding).
    let mut st = store_of(&entries);
    let mut checked = 0;
    for e in &entries {
        let at = e.cert.valid_from_unix() + 3_600;
        if st.validate(&Arc::new(e.cert.clone()), at).is_err() {
            continue;
        }
        for i in 0..e.bytes.len() {
            let mut m = e.bytes.clone();
            m[i] ^= 0x01;
            if let Ok(c) = Certificate::from_coer(&m) {
                assert!(
                    st.validate(&Arc::new(c), at).is_err(),
                    "{} byte {i}",
                    e.name
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 10_000);
    // SPDUs: the CAM against its attached certificate, the ECTL through the verifier.
    let cam = spdu_hex(&v, "vanetza VW");
    for i in 0..cam.len() {
        let mut m = cam.clone();
        m[i] ^= 0x01;
        let Ok(Spdu::Signed(s)) = spdu::parse(&m) else {
            continue;
        };
        let SignerInfo::Certificates(certs) = &s.signer else {
            continue;
        };
        let Some(k) = certs[0].verify_key() else {
            continue;
        };
        // Includes rSig's compressed-y-0 turned into compressed-y-1: the wrong y of R.
        assert!(
            !s.signature_verifies_with(&certs[0], k),
            "CAM byte {i} accepted"
        );
    }
    let tlm = entries
        .iter()
        .find(|e| e.name == "E7A4B2B045E7ACF9")
        .unwrap();
    let ectl = spdu_hex(&v, "EU ECTL");
    let now = time::unix_micros_from_time64(669_386_121_999_000);
    let mut st = TrustStore::new(TrustConfig::default());
    st.add(tlm.cert.clone()).unwrap();
    let mut ver = Verifier::new(st, VerifierConfig::default());
    for i in 0..ectl.len() {
        let mut m = ectl.clone();
        m[i] ^= 0x01;
        if let Ok(out) = ver.verify(&m, now) {
            assert!(!out.is_valid(), "ECTL byte {i} accepted");
        }
    }
}

fn hashed(hex_id: &str) -> rsu_security::HashedId8 {
    rsu_security::HashedId8(hex::decode(hex_id).unwrap().try_into().unwrap())
}
