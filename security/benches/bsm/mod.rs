//! What the verification benchmark and its cost example share: a throw-away PKI, a vehicle's
//! signed BSMs (digest signer and full certificate) and verifiers warm and cold.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::sync::Arc;

use elliptic_curve::pkcs8::DecodePrivateKey as _;
use rasn_its::ieee1609dot2::base_types::Duration as ItsDuration;
use rsu_security::Curve;
use rsu_security::pki::{self, CertSpec};
use rsu_security::sign::{self, Signer};
use rsu_security::spdu::{self, SignerInfo, Spdu};
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};

/// 2025-11-15 00:00:00 UTC, inside the certificates' validity.
pub const NOW: i64 = 1_763_164_800;
pub const NOW_US: i64 = NOW * 1_000_000;
/// PSID 0x20: BSM.
pub const PSID: u64 = 0x20;

pub struct Fixture {
    /// Signed by digest (the vehicle's usual form).
    pub by_digest: Vec<u8>,
    /// Carrying the vehicle's certificate.
    pub with_cert: Vec<u8>,
    /// Knows the root only: a certificate signer's chain is validated on first sight.
    pub cold: Verifier,
    /// Has the vehicle's chain validated and cached.
    pub warm: Verifier,
    /// ring's raw P-256 verification of 64 octets with the vehicle's key, for comparison.
    pub raw_key: Vec<u8>,
    pub raw_msg: [u8; 64],
    pub raw_sig: Vec<u8>,
}

fn ring_pair(pem: &str) -> ring::signature::EcdsaKeyPair {
    use elliptic_curve::sec1::ToSec1Point as _;
    let sk = p256::SecretKey::from_pkcs8_pem(pem).unwrap();
    let public = sk.public_key().to_sec1_point(false);
    ring::signature::EcdsaKeyPair::from_private_key_and_public_key(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &sk.to_bytes(),
        public.as_bytes(),
        &ring::rand::SystemRandom::new(),
    )
    .unwrap()
}

pub fn fixture() -> Fixture {
    use ring::signature::KeyPair as _;
    let chain = pki::TestChain::new(
        &CertSpec::ca("bench root", NOW - 86_400, ItsDuration::Years(5), 1),
        Curve::NistP256,
        &CertSpec::end_entity("obu.bench", NOW - 3_600, ItsDuration::Hours(48), &[PSID]),
        Curve::NistP256,
    )
    .unwrap();
    // About the size of a BSM core (BSMcoreData is 38 octets in UPER) in a MessageFrame.
    let bsm: Vec<u8> = (0..42u8).map(|i| i.wrapping_mul(29)).collect();
    let pair = ring_pair(&chain.ee_pem);
    let mut signer = Signer::new(
        sign::backend_from_pem(&chain.ee_pem, "obu").unwrap(),
        Arc::new(chain.ee.clone()),
    )
    .unwrap();
    signer.policy.interval_us = 0;
    let with_cert = signer.sign(PSID, &bsm, NOW_US).unwrap();
    signer.policy.interval_us = i64::MAX;
    let by_digest = signer.sign(PSID, &bsm, NOW_US).unwrap();
    let signer_of = |b: &[u8]| match spdu::parse(b).unwrap() {
        Spdu::Signed(s) => s.signer,
        Spdu::Unsecured(_) => panic!("unsigned"),
    };
    assert!(matches!(signer_of(&with_cert), SignerInfo::Certificates(_)));
    assert!(matches!(signer_of(&by_digest), SignerInfo::Digest(_)));

    let mut store = TrustStore::new(TrustConfig::default());
    store.add(chain.root.clone()).unwrap();
    let cold = Verifier::new(store, VerifierConfig::default());
    let mut warm = cold.clone();
    assert!(warm.verify(&with_cert, NOW_US).unwrap().is_valid());
    assert!(warm.verify(&by_digest, NOW_US).unwrap().is_valid());

    let raw_msg = [0xa5u8; 64];
    let raw_sig = pair
        .sign(&ring::rand::SystemRandom::new(), &raw_msg)
        .unwrap()
        .as_ref()
        .to_vec();
    Fixture {
        by_digest,
        with_cert,
        cold,
        warm,
        raw_key: pair.public_key().as_ref().to_vec(),
        raw_msg,
        raw_sig,
    }
}

/// ring's bare P-256 verification of the fixture's 64 octets.
pub fn ring_verify(f: &Fixture) -> bool {
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, &f.raw_key)
        .verify(&f.raw_msg, &f.raw_sig)
        .is_ok()
}
