//! China's security profile (YD/T 3957 / GB/T 45112): the SM2 signature input on its published
//! known answer, the CAICT TRCLA root certificate, our own SM2 chain and SPDUs, and the legacy
//! YD/T 3594 marker.
//!
//! The KAT and the TRCLA certificate are read at run time from
//! `../shared/reference/cn-csae/sm2_v2x_checks.py` (next to `$RSU_VECTORS`, else beside the
//! workspace), never copied here: absent, the tests say they skipped; with
//! `RSU_VECTORS_REQUIRED=1` an absent file is a failure.
#![cfg(feature = "china")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rasn_its::ieee1609dot2::ToBeSignedData;
use rasn_its::ieee1609dot2::base_types::{Duration, GeographicRegion, IdentifiedRegion};
use rsu_security::cert::{self, Certificate, IssuerRef};
use rsu_security::cn::{self, Sm2Id};
use rsu_security::coer;
use rsu_security::hash::{HashAlg, SigningInput};
use rsu_security::keys::{Curve, RawSignature, VerifyKey};
use rsu_security::pki::{self, CnChain};
use rsu_security::sign::{self, Signer};
use rsu_security::spdu::{self, Spdu, SpduError};
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use std::path::PathBuf;
use std::sync::Arc;

/// 2025-11-15 00:00:00 UTC.
const NOW: i64 = 1_763_164_800;
const NOW_US: i64 = NOW * 1_000_000;

// ---- the reference script, read at run time ---------------------------------------------------

fn reference_script() -> Option<String> {
    let shared = std::env::var_os("RSU_VECTORS")
        .map(|v| PathBuf::from(v).join(".."))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let path = shared.join("reference/cn-csae/sm2_v2x_checks.py");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) => {
            if std::env::var("RSU_VECTORS_REQUIRED").is_ok_and(|v| v == "1") {
                panic!("RSU_VECTORS_REQUIRED=1 but {}: {e}", path.display());
            }
            eprintln!("skipped: {} not readable ({e})", path.display());
            None
        }
    }
}

/// The hex value the script assigns to `name` (`name = hx(...)` or `name = int(..., 16)`): the
/// argument is string literals joined with `+`, a literal may be repeated with `* N`.
fn script_hex(src: &str, name: &str) -> Vec<u8> {
    let start = src
        .lines()
        .scan(0usize, |off, l| {
            let here = *off;
            *off += l.len() + 1;
            Some((here, l))
        })
        .find(|(_, l)| {
            l.strip_prefix(name)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|(o, _)| o)
        .unwrap_or_else(|| panic!("{name} not assigned in the reference script"));
    let rest = &src[start..];
    let open = rest.find('(').unwrap();
    let mut s = &rest[open + 1..];
    let mut text = String::new();
    let mut last = String::new();
    loop {
        s = s.trim_start();
        if let Some(r) = s.strip_prefix("\"\"\"") {
            let end = r.find("\"\"\"").unwrap();
            last = r[..end].to_string();
            text.push_str(&last);
            s = &r[end + 3..];
        } else if let Some(r) = s.strip_prefix('"') {
            let end = r.find('"').unwrap();
            last = r[..end].to_string();
            text.push_str(&last);
            s = &r[end + 1..];
        } else if let Some(r) = s.strip_prefix('+') {
            s = r;
        } else if let Some(r) = s.strip_prefix('*') {
            let r = r.trim_start();
            let digits = r.find(|c: char| !c.is_ascii_digit()).unwrap();
            let n: usize = r[..digits].parse().unwrap();
            for _ in 1..n {
                text.push_str(&last);
            }
            s = &r[digits..];
        } else {
            // ')' or ', 16)': the end of the argument.
            break;
        }
    }
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(clean).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn sm2_key_of_scalar(d: &[u8]) -> VerifyKey {
    use elliptic_curve::sec1::ToSec1Point as _;
    let sk = sm2::SecretKey::from_slice(d).unwrap();
    VerifyKey::from_sec1(Curve::Sm2, sk.public_key().to_sec1_point(false).as_bytes()).unwrap()
}

// ---- (a) the YD/T 3957 known answer -------------------------------------------------------------

#[test]
fn ydt3957_known_answer_reproduces_za_e_and_verifies() {
    let Some(src) = reference_script() else {
        return;
    };
    let d = script_hex(&src, "d");
    let cert_hash: [u8; 32] = script_hex(&src, "cert_hash").try_into().unwrap();
    let tbs = script_hex(&src, "tbs");
    let za_expected = script_hex(&src, "ZA_expected");
    let e_expected = script_hex(&src, "e_expected");
    let rs = [script_hex(&src, "R"), script_hex(&src, "S")].concat();
    let key = sm2_key_of_scalar(&d);
    let x_prefix = src
        .split("startswith(\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap();
    assert!(hex::encode(&key.to_sec1(false)[1..33]).starts_with(x_prefix));

    // The signed bytes are 1609.2 COER ToBeSignedData: unsecured 32 octets, PSID 32, a time.
    let parsed: ToBeSignedData = coer::decode_canonical(&tbs).unwrap();
    assert_eq!(parsed.header_info.psid.0, 32.into());
    assert!(parsed.header_info.generation_time.is_some());

    let za = cn::za(&Sm2Id::Certificate(cert_hash), &key).unwrap();
    assert_eq!(
        za.to_vec(),
        za_expected,
        "Z_A with ID = SM3(signer certificate)"
    );
    let e = cn::e(&za, &tbs);
    assert_eq!(e.to_vec(), e_expected, "e = SM3(Z_A || COER(tbs))");
    let sig = RawSignature::new(Curve::Sm2, &rs).unwrap();
    assert!(key.verify(&e, &sig), "the published (r, s) verifies");
    // Our signature path computes the same e.
    assert_eq!(SigningInput::sm2(&za, &tbs).as_bytes(), &e[..]);

    // The GM/T default ID is not YD/T 3957's rule for an SPDU: neither Z_A nor the signature.
    let za_default = cn::za(&Sm2Id::Root, &key).unwrap();
    assert_ne!(za_default.to_vec(), za_expected);
    assert!(!key.verify(&cn::e(&za_default, &tbs), &sig));
    // Nor is 1609.2's double hash SM3(SM3(tbs) || SM3(signer)), with or without Z_A.
    let double = [HashAlg::Sm3.digest(&tbs).as_bytes(), &cert_hash[..]].concat();
    assert!(!key.verify(HashAlg::Sm3.digest(&double).as_bytes(), &sig));
    assert!(!key.verify(&cn::e(&za, &double), &sig));
    // And one changed octet of the signed bytes fails.
    let mut t = tbs.clone();
    t[10] ^= 1;
    assert!(!key.verify(&cn::e(&za, &t), &sig));
}

// ---- (b) the CAICT TRCLA root certificate -------------------------------------------------------

#[test]
fn trcla_root_decodes_round_trips_hashes_and_self_verifies() {
    let Some(src) = reference_script() else {
        return;
    };
    let bytes = script_hex(&src, "cert");
    assert_eq!(bytes.len(), 195);
    let c = Certificate::from_coer(&bytes).unwrap();
    assert_eq!(
        coer::encode(c.its()).unwrap(),
        bytes,
        "re-encodes identically"
    );
    assert_eq!(c.canonical(), &bytes[..]);
    assert_eq!(c.hash_alg(), HashAlg::Sm3);
    assert_eq!(c.hashed_id8().to_string(), "0b2c85a0f3b2622c");
    assert_eq!(c.issuer(), IssuerRef::SelfSigned(HashAlg::Sm3));
    assert_eq!(c.name(), Some("v2x.caict.ac.cn"));
    assert_eq!(c.verify_key().unwrap().curve(), Curve::Sm2);
    assert!(c.permission(3627).is_some() && c.permission(3628).is_some());
    assert!(matches!(
        &c.tbs().region,
        Some(GeographicRegion::IdentifiedRegion(r))
            if matches!(r.0.as_slice(), [IdentifiedRegion::CountryOnly(x)] if **x == 156)
    ));
    let key = c.verify_key().unwrap();
    assert!(cert::verify_certificate_signature(&c, None, key));
    // As a trust anchor (the store checks the self-signature).
    let mut store = TrustStore::new(TrustConfig::default());
    assert_eq!(
        store.add(c.clone()).unwrap().to_string(),
        "0b2c85a0f3b2622c"
    );

    // The root's rule is ID "1234567812345678" over COER(toBeSigned) exactly.
    let sig = c.signature().unwrap();
    let za_root = cn::za(&Sm2Id::Root, key).unwrap();
    assert!(key.verify(&cn::e(&za_root, c.tbs_bytes()), sig));
    let self_hash = Sm2Id::Certificate(c.digest().as_bytes().try_into().unwrap());
    assert!(!key.verify(
        &cn::e(&cn::za(&self_hash, key).unwrap(), c.tbs_bytes()),
        sig
    ));

    // A changed letter of the name still decodes but no longer verifies.
    let at = bytes.windows(3).position(|w| w == b"v2x").unwrap();
    let mut t = bytes.clone();
    t[at] = b'w';
    let forged = Certificate::from_coer(&t).unwrap();
    assert!(!cert::verify_certificate_signature(
        &forged,
        None,
        forged.verify_key().unwrap()
    ));
    assert!(TrustStore::new(TrustConfig::default()).add(forged).is_err());
}

// ---- our own chain and SPDUs ---------------------------------------------------------------------

fn chain() -> CnChain {
    CnChain::new(
        NOW - 86_400,
        &CnChain::rsu_spec(NOW - 3_600, Duration::Hours(48), None),
    )
    .unwrap()
}

fn verifier(c: &CnChain) -> Verifier {
    let mut store = TrustStore::new(TrustConfig::default());
    store.add(c.root.clone()).unwrap();
    store.add(c.aca.clone()).unwrap();
    Verifier::new(store, VerifierConfig::default())
}

fn payload(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn our_chain_uses_sm3_issuers_and_the_issuer_hash_as_sm2_id() {
    let c = chain();
    assert_eq!(c.root.issuer(), IssuerRef::SelfSigned(HashAlg::Sm3));
    assert_eq!(
        c.aca.issuer(),
        IssuerRef::Digest(HashAlg::Sm3, c.root.hashed_id8())
    );
    assert_eq!(
        c.rsu.issuer(),
        IssuerRef::Digest(HashAlg::Sm3, c.aca.hashed_id8())
    );
    // HashedId8 = low 8 octets of SM3(certificate).
    assert_eq!(
        c.rsu.hashed_id8(),
        HashAlg::Sm3.digest(c.rsu.raw()).hashed_id8()
    );
    for (cert, issuer) in [(&c.aca, &c.root), (&c.rsu, &c.aca)] {
        let key = issuer.verify_key().unwrap();
        assert!(cert::verify_certificate_signature(cert, Some(issuer), key));
        // Recomputed by hand: ID = SM3(issuer certificate), M = COER(toBeSigned).
        let id = Sm2Id::Certificate(
            HashAlg::Sm3
                .digest(issuer.raw())
                .as_bytes()
                .try_into()
                .unwrap(),
        );
        let sig = cert.signature().unwrap();
        assert!(key.verify(&cn::e(&cn::za(&id, key).unwrap(), cert.tbs_bytes()), sig));
        let za_root = cn::za(&Sm2Id::Root, key).unwrap();
        assert!(!key.verify(&cn::e(&za_root, cert.tbs_bytes()), sig));
        // The wrong issuer does not verify it.
        assert!(!cert::verify_certificate_signature(
            cert,
            Some(cert),
            cert.verify_key().unwrap()
        ));
    }
    let root_key = c.root.verify_key().unwrap();
    assert!(cert::verify_certificate_signature(&c.root, None, root_key));
    for aid in cn::RSU_AIDS {
        assert_eq!(c.rsu.permission(aid), Some(None));
    }
    assert!(matches!(
        &c.rsu.tbs().region,
        Some(GeographicRegion::IdentifiedRegion(r))
            if matches!(r.0.as_slice(), [IdentifiedRegion::CountryOnly(x)] if **x == 156)
    ));
}

#[test]
fn our_spdus_verify_and_follow_the_ydt3957_rule() {
    let c = chain();
    let mut v = verifier(&c);
    let rsu = Arc::new(c.rsu.clone());
    let mut s = Signer::new(c.rsu_key, rsu.clone()).unwrap();
    let p = payload(200);
    let full = s.sign(cn::AID_SPAT, &p, NOW_US).unwrap();
    let digest = s.sign(cn::AID_SPAT, &p, NOW_US + 100_000).unwrap();
    assert!(digest.len() < full.len());
    for bytes in [&full, &digest] {
        // protocolVersion 3, signedData, hashId sm3; sm2Signature: [4], open type of 64.
        assert_eq!(&bytes[..3], &[3, 0x81, 2]);
        assert_eq!(&bytes[bytes.len() - 66..bytes.len() - 64], &[0x84, 0x40]);
        let out = v.verify(bytes, NOW_US + 200_000).unwrap();
        assert_eq!(out.reason, None);
        assert_eq!(out.payload(), Some(&p[..]));
        let Spdu::Signed(sp) = spdu::parse(bytes).unwrap() else {
            panic!("signed")
        };
        assert_eq!(sp.header.psid, cn::AID_SPAT);
        // By hand: e = SM3(Z_A(ID = SM3(RSU certificate)) || tbsData as sent).
        let key = rsu.verify_key().unwrap();
        let id = Sm2Id::Certificate(
            HashAlg::Sm3
                .digest(rsu.raw())
                .as_bytes()
                .try_into()
                .unwrap(),
        );
        let e = cn::e(&cn::za(&id, key).unwrap(), sp.tbs_bytes);
        assert!(key.verify(&e, &sp.signature));
        let e_default = cn::e(&cn::za(&Sm2Id::Root, key).unwrap(), sp.tbs_bytes);
        assert!(!key.verify(&e_default, &sp.signature));
        // 1609.2's input H(H(tbs) || H(signer)) is not what was signed.
        let double = SigningInput::new(HashAlg::Sm3, sp.tbs_bytes, &rsu.digest());
        assert!(!key.verify(
            HashAlg::Sm3.digest(double.as_bytes()).as_bytes(),
            &sp.signature
        ));
    }
    // Every CN AID may be signed; a US PSID may not.
    for aid in cn::RSU_AIDS {
        let b = s.sign(aid, b"x", NOW_US).unwrap();
        assert_eq!(v.verify(&b, NOW_US).unwrap().reason, None);
    }
    assert!(matches!(
        s.sign(0x82, b"x", NOW_US),
        Err(sign::SignError::PsidNotPermitted(0x82))
    ));
}

// ---- (c) the tamper sweep -----------------------------------------------------------------------

#[test]
fn every_flipped_byte_of_our_sm2_spdus_fails() {
    let c = chain();
    let mut v = verifier(&c);
    let mut s = Signer::new(c.rsu_key, Arc::new(c.rsu.clone())).unwrap();
    let p = payload(200);
    let full = s.sign(cn::AID_MAP, &p, NOW_US).unwrap();
    let digest = s.sign(cn::AID_MAP, &p, NOW_US + 1).unwrap();
    let mut checked = 0;
    for bytes in [&full, &digest] {
        assert!(v.verify(bytes, NOW_US + 1_000).unwrap().is_valid());
        for i in 0..bytes.len() {
            for mask in [0x01u8, 0xff] {
                let mut t = bytes.clone();
                t[i] ^= mask;
                if let Ok(out) = v.verify(&t, NOW_US + 1_000) {
                    assert!(
                        !out.is_valid(),
                        "byte {i} ^ {mask:#04x} of a {}-byte SPDU still verifies",
                        bytes.len()
                    );
                }
                checked += 1;
            }
        }
        // The untouched SPDU still verifies after the sweep (nothing bad was cached).
        assert!(v.verify(bytes, NOW_US + 1_000).unwrap().is_valid());
    }
    assert_eq!(checked, 2 * (full.len() + digest.len()));
}

// ---- (d) legacy YD/T 3594 SecuredMessage ---------------------------------------------------------

#[test]
fn a_legacy_secured_message_is_reported_as_legacy() {
    // SecuredMessage { version 2, payload signedData ... }: whatever follows, it is legacy.
    for bytes in [
        &[0x02u8][..],
        &[0x02, 0x01, 0x00, 0x10],
        &[0x02, 0x81, 0x02, 0x40],
    ] {
        let e = spdu::parse(bytes).unwrap_err();
        assert_eq!(e, SpduError::LegacySecuredMessage);
        assert_eq!(e.code(), "legacy_secured_message");
        let c_err = verifier(&chain()).verify(bytes, NOW_US).unwrap_err();
        assert_eq!(c_err, SpduError::LegacySecuredMessage);
    }
    // Our YD/T 3957 SPDU with its first octet set to 2 is legacy, not a bad version.
    let c = chain();
    let mut s = Signer::new(c.rsu_key, Arc::new(c.rsu.clone())).unwrap();
    let mut b = s.sign(cn::AID_RSM, b"rsm", NOW_US).unwrap();
    b[0] = 2;
    assert_eq!(
        spdu::parse(&b).unwrap_err(),
        SpduError::LegacySecuredMessage
    );
    b[0] = 4;
    assert_eq!(spdu::parse(&b).unwrap_err(), SpduError::Version(4));
}

// ---- init_cn --------------------------------------------------------------------------------------

#[test]
fn init_cn_writes_a_chain_that_signs_and_verifies_from_files() {
    let dir = std::env::temp_dir().join(format!("rsu-cn-pki-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let now = NOW;
    let report = pki::init_cn(&dir, now, &pki::CnInitOptions::default()).unwrap();
    #[cfg(unix)]
    for f in ["root-key.pem", "aca-key.pem", "rsu-key.pem"] {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
    let rsu = Certificate::from_coer(&std::fs::read(dir.join("rsu.oer")).unwrap()).unwrap();
    assert_eq!(rsu.hashed_id8(), report.rsu.hashed_id8());
    assert_eq!(
        rsu.issuer(),
        IssuerRef::Digest(HashAlg::Sm3, report.aca.hashed_id8())
    );
    let mut store = TrustStore::new(TrustConfig::default());
    assert_eq!(store.load_dir(&dir).unwrap(), 3);
    let mut v = Verifier::new(store, VerifierConfig::default());
    let key = sign::load_key_file(&dir.join("rsu-key.pem")).unwrap();
    assert_eq!(key.curve(), Curve::Sm2);
    let mut s = Signer::new(key, Arc::new(rsu)).unwrap();
    let now_us = now * 1_000_000;
    let b = s.sign(cn::AID_SPAT, &payload(200), now_us).unwrap();
    assert_eq!(v.verify(&b, now_us).unwrap().reason, None);
    // The ACA key issued the RSU certificate, not the root's.
    let aca_key = sign::load_key_file(&dir.join("aca-key.pem")).unwrap();
    assert_eq!(
        aca_key.public_key().to_sec1(true),
        report.aca.verify_key().unwrap().to_sec1(true)
    );
    // A second run refuses to overwrite the keys.
    assert!(matches!(
        pki::init_cn(&dir, now, &pki::CnInitOptions::default()),
        Err(pki::PkiError::Exists(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
