//! Signing and verifying a P-256 SPDU, against ring's raw ECDSA on the same key.
//!
//! The target is that the 1609.2 layer (COER, the two SHA-256 of `H(H(tbs) || H(signer))`,
//! the signer and chain checks) adds at most 10% to the bare ECDSA operation:
//! `sign/spdu_p256 ≤ 1.10 × sign/ring_raw_p256` and
//! `verify/spdu_cached_signer ≤ 1.10 × verify/ring_raw_p256`.
//!
//! Steady state only: the signer identifies itself by digest and the verifier has the signer's
//! chain validated in its cache. The "parts" group times the pieces of both paths separately,
//! to show where any excess goes. A throw-away PKI is made per run; time is a fixed argument.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use elliptic_curve::pkcs8::DecodePrivateKey as _;
use rasn_its::ieee1609dot2::ToBeSignedData;
use rasn_its::ieee1609dot2::base_types::Duration as ItsDuration;
use ring::signature::{self as rs, KeyPair as _};
use rsu_security::cert::Certificate;
use rsu_security::coer;
use rsu_security::hash::HashAlg;
use rsu_security::keys::{Curve, RawSignature, VerifyKey};
use rsu_security::pki::{self, CertSpec};
use rsu_security::sign::{self, Signer};
use rsu_security::spdu::{self, Header, SignerField, SignerInfo, Spdu};
use rsu_security::time;
use rsu_security::trust::{self, TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};

/// 2025-11-15 00:00:00 UTC, inside the validity of the certificates made below.
const NOW: i64 = 1_763_164_800;
const NOW_US: i64 = NOW * 1_000_000;
const PSID: u64 = 0x82;

/// Everything both paths need, built once.
struct Fixture {
    root: Certificate,
    ee: Arc<Certificate>,
    /// PKCS#8 PEM of the end-entity key, so that ring's raw key pair is the same key.
    ee_pem: String,
    payload: Vec<u8>,
}

fn fixture() -> Fixture {
    let chain = pki::TestChain::new(
        &CertSpec::ca("bench root", NOW - 86_400, ItsDuration::Years(5), 1),
        Curve::NistP256,
        &CertSpec::end_entity("rsu.bench", NOW - 3_600, ItsDuration::Hours(48), &[PSID]),
        Curve::NistP256,
    )
    .unwrap();
    // About the size of a small SPaT.
    let payload = (0..100u8).map(|i| i.wrapping_mul(37)).collect();
    Fixture {
        root: chain.root,
        ee: Arc::new(chain.ee),
        ee_pem: chain.ee_pem,
        payload,
    }
}

fn ring_pair(pem: &str) -> rs::EcdsaKeyPair {
    use elliptic_curve::sec1::ToSec1Point as _;
    let sk = p256::SecretKey::from_pkcs8_pem(pem).unwrap();
    let public = sk.public_key().to_sec1_point(false);
    rs::EcdsaKeyPair::from_private_key_and_public_key(
        &rs::ECDSA_P256_SHA256_FIXED_SIGNING,
        &sk.to_bytes(),
        public.as_bytes(),
        &ring::rand::SystemRandom::new(),
    )
    .unwrap()
}

fn signer_info(spdu_bytes: &[u8]) -> SignerInfo {
    match spdu::parse(spdu_bytes).unwrap() {
        Spdu::Signed(s) => s.signer,
        Spdu::Unsecured(_) => panic!("unsigned SPDU"),
    }
}

/// A signer past its first SPDU (which carried the full certificate) that will sign by digest
/// from now on, and that first SPDU.
fn steady_signer(f: &Fixture) -> (Signer, Vec<u8>) {
    let backend = sign::backend_from_pem(&f.ee_pem, "rsu").unwrap();
    let mut signer = Signer::new(backend, f.ee.clone()).unwrap();
    let first = signer.sign(PSID, &f.payload, NOW_US).unwrap();
    assert!(matches!(signer_info(&first), SignerInfo::Certificates(_)));
    signer.policy.interval_us = i64::MAX;
    let next = signer.sign(PSID, &f.payload, NOW_US).unwrap();
    assert!(
        matches!(signer_info(&next), SignerInfo::Digest(h) if h == f.ee.hashed_id8()),
        "the measured SPDUs must be digest-signed"
    );
    (signer, first)
}

/// A verifier that knows the root and the RSU certificate, with the RSU chain validated and
/// cached (by verifying `warm` once).
fn warm_verifier(f: &Fixture, warm: &[u8]) -> Verifier {
    let mut store = TrustStore::new(TrustConfig::default());
    store.add(f.root.clone()).unwrap();
    store.add((*f.ee).clone()).unwrap();
    let mut v = Verifier::new(store, VerifierConfig::default());
    assert!(v.verify(warm, NOW_US).unwrap().is_valid());
    assert_eq!(v.store.cached_len(), 2, "root and RSU certificate cached");
    v
}

fn bench_sign(c: &mut Criterion, f: &Fixture) {
    let (mut signer, _) = steady_signer(f);
    let pair = ring_pair(&f.ee_pem);
    let rng = ring::rand::SystemRandom::new();
    let msg64 = [0x5au8; 64];

    let mut g = c.benchmark_group("sign");
    g.bench_function("spdu_p256", |b| {
        b.iter(|| {
            signer
                .sign(black_box(PSID), black_box(&f.payload), black_box(NOW_US))
                .unwrap()
        })
    });
    g.bench_function("ring_raw_p256", |b| {
        b.iter(|| pair.sign(&rng, black_box(&msg64)).unwrap())
    });
    g.finish();
    // Still in steady state after the loop: every timed SPDU was digest-signed.
    let after = signer.sign(PSID, &f.payload, NOW_US).unwrap();
    assert!(matches!(signer_info(&after), SignerInfo::Digest(_)));
}

fn bench_verify(c: &mut Criterion, f: &Fixture) {
    let (mut signer, _) = steady_signer(f);
    let by_digest = signer.sign(PSID, &f.payload, NOW_US).unwrap();
    let mut v = warm_verifier(f, &by_digest);

    let pair = ring_pair(&f.ee_pem);
    let uncompressed = pair.public_key().as_ref().to_vec();
    assert_eq!(uncompressed.len(), 65);
    let msg64 = [0xa5u8; 64];
    let sig = pair
        .sign(&ring::rand::SystemRandom::new(), &msg64)
        .unwrap()
        .as_ref()
        .to_vec();
    let raw_key = rs::UnparsedPublicKey::new(&rs::ECDSA_P256_SHA256_FIXED, &uncompressed);
    raw_key.verify(&msg64, &sig).unwrap();

    let mut g = c.benchmark_group("verify");
    g.bench_function("spdu_cached_signer", |b| {
        b.iter(|| {
            v.verify(black_box(&by_digest), black_box(NOW_US))
                .unwrap()
                .is_valid()
        })
    });
    g.bench_function("ring_raw_p256", |b| {
        b.iter(|| {
            rs::UnparsedPublicKey::new(&rs::ECDSA_P256_SHA256_FIXED, black_box(&uncompressed))
                .verify(black_box(&msg64), black_box(&sig))
                .is_ok()
        })
    });
    g.finish();
    assert!(v.verify(&by_digest, NOW_US).unwrap().is_valid());
}

/// The pieces of both paths, to attribute the overhead over raw ECDSA.
fn bench_parts(c: &mut Criterion, f: &Fixture) {
    let (mut signer, with_cert) = steady_signer(f);
    let by_digest = signer.sign(PSID, &f.payload, NOW_US).unwrap();
    let mut v = warm_verifier(f, &by_digest);
    assert!(v.verify(&with_cert, NOW_US).unwrap().is_valid());
    assert_eq!(
        v.store.cached_len(),
        2,
        "the attached certificate is the cached one"
    );

    let header = Header::new(PSID, time::time64_from_unix_micros(NOW_US));
    let tbs = spdu::encode_tbs(&f.payload, &header).unwrap();
    let Spdu::Signed(parsed) = spdu::parse(&by_digest).unwrap() else {
        panic!("signed")
    };
    assert_eq!(parsed.tbs_bytes, &tbs[..], "the SPDU carries this tbsData");
    let sig: RawSignature = parsed.signature.clone();
    let id = f.ee.hashed_id8();
    let now_s = NOW;
    let validated = v.store.validate_id(&id, now_s).unwrap();
    let key: VerifyKey = validated.key.clone();
    assert!(parsed.signature_verifies_with(&f.ee, &key));

    let mut g = c.benchmark_group("parts");
    // Signing path, besides the ECDSA signature itself.
    g.bench_function("encode_tbs", |b| {
        b.iter(|| spdu::encode_tbs(black_box(&f.payload), black_box(&header)).unwrap())
    });
    g.bench_function("sha256_tbs", |b| {
        b.iter(|| HashAlg::Sha256.digest(black_box(&tbs)))
    });
    // The same hash with ring's assembly SHA-256 (what `hash::HashAlg::digest` could use).
    g.bench_function("sha256_tbs_ring", |b| {
        b.iter(|| ring::digest::digest(&ring::digest::SHA256, black_box(&tbs)))
    });
    g.bench_function("cert_permission", |b| {
        b.iter(|| f.ee.permission(black_box(PSID)).is_some())
    });
    g.bench_function("assemble_digest_signer", |b| {
        b.iter(|| {
            spdu::assemble(
                HashAlg::Sha256,
                black_box(&tbs),
                &SignerField::Digest(id),
                black_box(&sig),
            )
            .unwrap()
        })
    });
    // Verifying path. The structural guard first: it runs on every received SPDU before
    // anything is decoded, so it must stay a small fraction of parse_spdu.
    g.bench_function("guard_check_spdu_digest_signer", |b| {
        b.iter(|| rsu_security::guard::check_spdu(black_box(&by_digest)).unwrap())
    });
    g.bench_function("guard_check_spdu_full_cert", |b| {
        b.iter(|| rsu_security::guard::check_spdu(black_box(&with_cert)).unwrap())
    });
    g.bench_function("parse_spdu", |b| {
        b.iter(|| spdu::parse(black_box(&by_digest)).unwrap())
    });
    g.bench_function("decode_tbs", |b| {
        b.iter(|| coer::decode_prefix::<ToBeSignedData>(black_box(&tbs)).unwrap())
    });
    g.bench_function("reencode_tbs", |b| {
        b.iter(|| coer::encode(black_box(&parsed.tbs)).unwrap())
    });
    g.bench_function("validate_id_cached", |b| {
        b.iter(|| {
            v.store
                .validate_id(black_box(&id), black_box(now_s))
                .unwrap()
        })
    });
    g.bench_function("permits", |b| {
        b.iter(|| trust::permits(black_box(&validated), black_box(PSID), false).is_ok())
    });
    g.bench_function("signature_verifies_with", |b| {
        b.iter(|| parsed.signature_verifies_with(black_box(&f.ee), black_box(&key)))
    });
    // A signer that attached its (already cached) certificate: parse decodes and re-hashes it.
    g.bench_function("verify_spdu_full_cert_cached", |b| {
        b.iter(|| {
            v.verify(black_box(&with_cert), black_box(NOW_US))
                .unwrap()
                .is_valid()
        })
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    bench_sign(c, &f);
    bench_verify(c, &f);
    bench_parts(c, &f);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
