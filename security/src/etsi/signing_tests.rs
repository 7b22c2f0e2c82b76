//! The TS 103 097 signer and verifier together, on the EU-shaped test PKI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::ssp::{self, SpatemContent, SspNeed};
use super::*;
use crate::pki::EuChain;
use crate::sign::{SignError, Signer};
use crate::spdu::{self, Spdu};
use crate::trust::{TrustConfig, TrustStore};
use crate::verify::{Verifier, VerifierConfig};
use rasn_its::ieee1609dot2::base_types::Duration;
use std::sync::Arc;

const START: i64 = 1_780_000_000;
const NOW_US: i64 = (START + 3_600) * 1_000_000;

fn chain(spatem_ssp: Option<&[u8]>) -> EuChain {
    EuChain::demo(START, Duration::Hours(24), spatem_ssp).unwrap()
}

fn signer(c: &EuChain, policy: EtsiPolicy) -> Signer {
    let key = crate::sign::backend_from_pem(&c.at_pem, "AT").unwrap();
    Signer::etsi(key, Arc::new(c.at.clone()), policy).unwrap()
}

fn verifier(c: &EuChain) -> Verifier {
    let mut store = TrustStore::new(TrustConfig::default());
    store.add(c.root.clone()).unwrap();
    store.add(c.aa.clone()).unwrap();
    Verifier::new(store, VerifierConfig::default())
}

fn intersection_state() -> SspNeed {
    ssp::spatem_need(SpatemContent {
        intersection_state: true,
        ..SpatemContent::default()
    })
}

#[test]
fn spatem_signed_with_the_ticket_verifies_through_the_eu_chain() {
    let c = chain(None);
    let mut s = signer(&c, EtsiPolicy::default());
    let payload = b"common header onward";
    let spdu_bytes = s
        .sign_etsi(ITS_AID_SPATEM, payload, intersection_state(), None, NOW_US)
        .unwrap();
    let mut v = verifier(&c);
    let out = v.verify(&spdu_bytes, NOW_US).unwrap();
    assert!(out.is_valid(), "{:?}", out.reason);
    assert_eq!(out.payload(), Some(&payload[..]));
    let signed = out.signed().unwrap();
    check_received(signed, ITS_AID_SPATEM).unwrap();
    assert!(matches!(&signed.signer, SignerInfo::Certificates(c) if c.len() == 1));
    assert!(signed.header.generation_location.is_none());
    // The chain went root → AA → AT.
    let chain = out.signer.as_ref().unwrap();
    assert_eq!(chain.cert.hashed_id8(), c.at.hashed_id8());
    assert_eq!(chain.root().cert.hashed_id8(), c.root.hashed_id8());
    // Profile checked for a different ITS-AID: the header says 137.
    assert_eq!(
        check_received(signed, ITS_AID_MAPEM).unwrap_err().code(),
        "profile_psid_mismatch"
    );
}

#[test]
fn the_fast_path_gives_what_the_generic_encoder_gives() {
    let c = chain(None);
    let mut s = signer(&c, EtsiPolicy::default());
    let payload: Vec<u8> = (0..300u16).map(|i| i as u8).collect();
    let fast = s
        .sign_etsi(ITS_AID_MAPEM, &payload, SspNeed::NONE, None, NOW_US)
        .unwrap();
    let Spdu::Signed(p) = spdu::parse(&fast).unwrap() else {
        panic!("signed")
    };
    // Re-assembling the parsed parts with the generic encoders gives the same octets.
    let generic_tbs = spdu::encode_tbs(&payload, &p.header).unwrap();
    assert_eq!(p.tbs_bytes, &generic_tbs[..]);
    let again = spdu::assemble(
        p.hash_alg,
        &generic_tbs,
        &spdu::SignerField::Certificate(&c.at),
        &p.signature,
    )
    .unwrap();
    assert_eq!(again, fast);
}

#[test]
fn the_ticket_forbidding_intersection_state_refuses_before_signing() {
    // TP_IS_TLM_SSP_SND_BV_07: TLM SSP 01 78.
    let c = chain(Some(&[0x01, 0x78]));
    let mut s = signer(&c, EtsiPolicy::default());
    let err = s
        .sign_etsi(ITS_AID_SPATEM, b"x", intersection_state(), None, NOW_US)
        .unwrap_err();
    assert!(matches!(err, SignError::Ssp(_)));
    assert_eq!(err.code(), "ssp_forbids_content");
    assert_eq!(
        s.check_ssp(ITS_AID_SPATEM, intersection_state())
            .unwrap_err()
            .code(),
        "ssp_forbids_content"
    );
    // The same ticket still signs a MAPEM.
    s.sign_etsi(ITS_AID_MAPEM, b"x", SspNeed::NONE, None, NOW_US)
        .unwrap();
    // An ITS-AID the ticket lacks.
    assert_eq!(
        s.sign_etsi(999, b"x", SspNeed::NONE, None, NOW_US)
            .unwrap_err()
            .code(),
        "ssp_missing_psid"
    );
}

#[test]
fn denm_carries_a_location_and_the_certificate() {
    let c = chain(None);
    let mut s = signer(&c, EtsiPolicy::default().with_digest(ITS_AID_DENM));
    let loc = Location {
        lat_e7: 507_000_000,
        lon_e7: 43_000_000,
        elevation: 1_000,
    };
    let need = ssp::denm_need(ssp::DENM_CAUSE_ROADWORKS).unwrap();
    assert_eq!(
        s.sign_etsi(ITS_AID_DENM, b"denm", need, None, NOW_US)
            .unwrap_err()
            .code(),
        "profile_missing_generation_location"
    );
    assert_eq!(
        s.sign_etsi(ITS_AID_SPATEM, b"x", SspNeed::NONE, Some(&loc), NOW_US)
            .unwrap_err()
            .code(),
        "profile_unexpected_generation_location"
    );
    let bytes = s
        .sign_etsi(ITS_AID_DENM, b"denm", need, Some(&loc), NOW_US)
        .unwrap();
    let mut v = verifier(&c);
    let out = v.verify(&bytes, NOW_US).unwrap();
    assert!(out.is_valid(), "{:?}", out.reason);
    let signed = out.signed().unwrap();
    assert_eq!(signed.header.generation_location, Some(loc));
    check_received(signed, ITS_AID_DENM).unwrap();
    // An accident DENM is not what the demo ticket permits.
    assert_eq!(
        s.sign_etsi(
            ITS_AID_DENM,
            b"d",
            ssp::denm_need(2).unwrap(),
            Some(&loc),
            NOW_US
        )
        .unwrap_err()
        .code(),
        "ssp_forbids_content"
    );
}

#[test]
fn signer_forms_follow_the_policy() {
    let c = chain(None);
    let form = |bytes: &[u8]| match spdu::parse(bytes).unwrap() {
        Spdu::Signed(p) => match p.signer {
            SignerInfo::Digest(_) => "digest",
            SignerInfo::Certificates(_) => "certificate",
            SignerInfo::SelfSigned => "self",
        },
        Spdu::Unsecured(_) => "unsecured",
    };
    let mut s = signer(&c, EtsiPolicy::default().with_digest(ITS_AID_MAPEM));
    let mut sign = |aid: u64, t: i64| {
        s.sign_etsi(aid, b"p", SspNeed::NONE, None, NOW_US + t)
            .unwrap()
    };
    // SPATEM: the certificate every time, and it does not count as the CAM's.
    assert_eq!(form(&sign(ITS_AID_SPATEM, 0)), "certificate");
    assert_eq!(form(&sign(ITS_AID_SPATEM, 100_000)), "certificate");
    // MAPEM configured to digest.
    assert_eq!(form(&sign(ITS_AID_MAPEM, 0)), "digest");
    // CAM: the first carries the ticket, then digest until 950 ms have passed.
    assert_eq!(form(&sign(ITS_AID_CAM, 0)), "certificate");
    assert_eq!(form(&sign(ITS_AID_CAM, 100_000)), "digest");
    assert_eq!(form(&sign(ITS_AID_CAM, 949_999)), "digest");
    assert_eq!(form(&sign(ITS_AID_CAM, 950_000)), "certificate");
    assert_eq!(form(&sign(ITS_AID_CAM, 1_000_000)), "digest");
    // A P2PCD request naming the ticket puts it in the next CAM.
    assert!(s.on_p2pcd_request(&[c.at.hashed_id3()]));
    assert_eq!(
        form(
            &s.sign_etsi(ITS_AID_CAM, b"p", SspNeed::NONE, None, NOW_US + 1_100_000)
                .unwrap()
        ),
        "certificate"
    );
}

#[test]
fn the_generic_entry_points_apply_the_profile_too() {
    let c = chain(None);
    let mut s = signer(&c, EtsiPolicy::default());
    let mut h = spdu::Header::new(ITS_AID_SPATEM, crate::time::time64_from_unix_micros(NOW_US));
    h.p2pcd_learning_request = Some(crate::HashedId3([1, 2, 3]));
    assert_eq!(
        s.sign_with_header(&h, b"x", NOW_US).unwrap_err().code(),
        "profile_p2pcd_learning_request"
    );
    let bytes = s.sign(ITS_AID_SPATEM, b"x", NOW_US).unwrap();
    let Spdu::Signed(p) = spdu::parse(&bytes).unwrap() else {
        panic!("signed")
    };
    check_received(&p, ITS_AID_SPATEM).unwrap();
    // A 1609.2 signer has no ETSI path.
    let key = crate::sign::backend_from_pem(&c.at_pem, "AT").unwrap();
    let mut us = Signer::new(key, Arc::new(c.at.clone())).unwrap();
    assert_eq!(
        us.sign_etsi(ITS_AID_SPATEM, b"x", SspNeed::NONE, None, NOW_US)
            .unwrap_err()
            .code(),
        "not_etsi"
    );
}

#[test]
fn received_profile_violations_are_named() {
    let c = chain(None);
    // A 1609.2 signer can produce what the ETSI profile forbids; the receiver names it.
    let key = crate::sign::backend_from_pem(&c.at_pem, "AT").unwrap();
    let mut us = Signer::new(key, Arc::new(c.at.clone())).unwrap();
    let t = crate::time::time64_from_unix_micros(NOW_US);
    let parse_and_check = |bytes: &[u8], aid: u64| -> Result<(), ProfileViolation> {
        let Spdu::Signed(p) = spdu::parse(bytes).unwrap() else {
            panic!("signed")
        };
        check_received(&p, aid)
    };
    let mut h = spdu::Header::new(ITS_AID_SPATEM, t);
    h.generation_time = None;
    let b = us.sign_with_header(&h, b"x", NOW_US).unwrap();
    assert_eq!(
        parse_and_check(&b, ITS_AID_SPATEM),
        Err(ProfileViolation::MissingGenerationTime)
    );
    let mut h = spdu::Header::new(ITS_AID_SPATEM, t);
    h.p2pcd_learning_request = Some(crate::HashedId3([9, 9, 9]));
    let b = us.sign_with_header(&h, b"x", NOW_US).unwrap();
    assert_eq!(
        parse_and_check(&b, ITS_AID_SPATEM),
        Err(ProfileViolation::P2pcdLearningRequest)
    );
    let mut h = spdu::Header::new(ITS_AID_MAPEM, t);
    h.generation_location = Some(Location {
        lat_e7: 1,
        lon_e7: 2,
        elevation: 3,
    });
    let b = us.sign_with_header(&h, b"x", NOW_US).unwrap();
    assert_eq!(
        parse_and_check(&b, ITS_AID_MAPEM),
        Err(ProfileViolation::UnexpectedGenerationLocation(138))
    );
    // IVIM may carry one (§7.1.3 does not forbid it).
    let mut h = spdu::Header::new(ITS_AID_IVIM, t);
    h.generation_location = Some(Location {
        lat_e7: 1,
        lon_e7: 2,
        elevation: 3,
    });
    let b = us.sign_with_header(&h, b"x", NOW_US).unwrap();
    assert_eq!(parse_and_check(&b, ITS_AID_IVIM), Ok(()));
    // DENM: no location, then digest-signed (the second SPDU of a 1609.2 signer).
    let h = spdu::Header::new(ITS_AID_DENM, t);
    let b = us.sign_with_header(&h, b"x", NOW_US).unwrap();
    assert_eq!(
        parse_and_check(&b, ITS_AID_DENM),
        Err(ProfileViolation::MissingGenerationLocation(37))
    );
    let mut h = spdu::Header::new(ITS_AID_DENM, t);
    h.generation_location = Some(Location {
        lat_e7: 1,
        lon_e7: 2,
        elevation: 3,
    });
    let b = us.sign_with_header(&h, b"x", NOW_US + 1).unwrap();
    assert_eq!(
        parse_and_check(&b, ITS_AID_DENM),
        Err(ProfileViolation::DigestNotAllowed(37))
    );
}

/// hashId follows the ticket's key: sha384 for a brainpoolP384r1 ticket, sha256 for
/// brainpoolP256r1, and the signature encodings of those curves verify.
#[test]
fn hash_and_signature_follow_the_ticket_curve() {
    use crate::keys::Curve;
    use crate::pki::{CertSpec, TestChain, bitmap_ssp};
    for (curve, hash) in [
        (Curve::BrainpoolP384r1, crate::HashAlg::Sha384),
        (Curve::BrainpoolP256r1, crate::HashAlg::Sha256),
        (Curve::NistP384, crate::HashAlg::Sha384),
    ] {
        let mut ee = CertSpec::end_entity("", START, Duration::Hours(24), &[]);
        ee.name = None;
        ee.app_permissions = vec![(ITS_AID_SPATEM, Some(bitmap_ssp(&[0x01, 0xff])))];
        let chain = TestChain::new(
            &CertSpec::ca("root", START, Duration::Years(1), 1),
            Curve::NistP256,
            &ee,
            curve,
        )
        .unwrap();
        let key = crate::sign::backend_from_pem(&chain.ee_pem, "AT").unwrap();
        let mut s = Signer::etsi(key, Arc::new(chain.ee.clone()), EtsiPolicy::default()).unwrap();
        let bytes = s
            .sign_etsi(ITS_AID_SPATEM, b"p", intersection_state(), None, NOW_US)
            .unwrap();
        let mut store = TrustStore::new(TrustConfig::default());
        store.add(chain.root.clone()).unwrap();
        let mut v = Verifier::new(store, VerifierConfig::default());
        let out = v.verify(&bytes, NOW_US).unwrap();
        assert!(out.is_valid(), "{curve:?}: {:?}", out.reason);
        assert_eq!(out.signed().unwrap().hash_alg, hash, "{curve:?}");
    }
}
