//! China's profile: the bare SM2 signature (prehash, the RSU's key) against our full YD/T 3957
//! SPDU signing of a 200-byte payload (COER tbsData, e = SM3(Z_A || tbs) with the signer's
//! precomputed Z_A, the SM2 signature, assembly), and the same for verification (bare
//! `verify_prehash` against `Verifier::verify` with the signer's chain cached).
//!
//! `cargo bench -p rsu-security --bench sm2`; `-- --test` runs each once.
//!
//! Instruction counts (x86-64, `op_cost` under callgrind, 200 operations, setup subtracted,
//! 2026-12-08): bare SM2 prehash sign 1,241,383 per signature, SPDU sign 1,260,907 (x 1.016);
//! bare verify_prehash 2,924,829, SPDU verify with the chain cached 2,963,994 (x 1.013). Wall
//! time on the shared 2-core machine was too noisy to rank sign (bare 137 us, SPDU 103 us in
//! one run); verify 237 us bare, 236 us SPDU. Z_A costs about 1 us, e over the tbsData 1 us.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use elliptic_curve::pkcs8::DecodePrivateKey as _;
use rasn_its::ieee1609dot2::base_types::Duration as ItsDuration;
use rsu_security::cn;
use rsu_security::hash::SigningInput;
use rsu_security::keys::{Curve, RawSignature, VerifyKey};
use rsu_security::pki::CnChain;
use rsu_security::sign::Signer;
use rsu_security::spdu::{self, Header, Spdu};
use rsu_security::time;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use sm2::dsa::signature::hazmat::{PrehashSigner as _, PrehashVerifier as _};

/// 2025-11-15 00:00:00 UTC.
const NOW: i64 = 1_763_164_800;
const NOW_US: i64 = NOW * 1_000_000;

fn bench(c: &mut Criterion) {
    let chain = CnChain::new(
        NOW - 86_400,
        &CnChain::rsu_spec(NOW - 3_600, ItsDuration::Hours(48), None),
    )
    .unwrap();
    let payload: Vec<u8> = (0..200u32).map(|i| (i * 37 % 256) as u8).collect();
    let rsu = Arc::new(chain.rsu.clone());
    let sk = sm2::SecretKey::from_pkcs8_pem(&chain.rsu_pem).unwrap();
    let bare = sm2::dsa::SigningKey::new(rsu_security::keys::SM2_DISTID, &sk).unwrap();
    let mut signer = Signer::new(chain.rsu_key, rsu.clone()).unwrap();
    // Steady state: the certificate went with the first SPDU; the measured ones go by digest.
    let _first = signer.sign(cn::AID_SPAT, &payload, NOW_US).unwrap();
    signer.policy.interval_us = i64::MAX;
    let spdu_bytes = signer.sign(cn::AID_SPAT, &payload, NOW_US).unwrap();

    // The e the SPDU path signs, so both sides sign the same kind of 32-byte digest.
    let Spdu::Signed(parsed) = spdu::parse(&spdu_bytes).unwrap() else {
        panic!("signed")
    };
    let key: VerifyKey = rsu.verify_key().unwrap().clone();
    let id = cn::Sm2Id::of_certificate(&rsu.digest()).unwrap();
    let za = cn::za(&id, &key).unwrap();
    let e = SigningInput::sm2(&za, parsed.tbs_bytes);
    let header = Header::new(cn::AID_SPAT, time::time64_from_unix_micros(NOW_US));
    assert_eq!(
        spdu::encode_tbs(&payload, &header).unwrap(),
        parsed.tbs_bytes
    );
    let bare_sig: sm2::dsa::Signature = bare.sign_prehash(e.as_bytes()).unwrap();
    assert!(key.verify(
        e.as_bytes(),
        &RawSignature::new(Curve::Sm2, &bare_sig.to_bytes()).unwrap()
    ));
    let bare_vk = bare.verifying_key().clone();

    let mut store = TrustStore::new(TrustConfig::default());
    store.add(chain.root.clone()).unwrap();
    store.add(chain.aca.clone()).unwrap();
    store.add(chain.rsu.clone()).unwrap();
    let mut verifier = Verifier::new(store, VerifierConfig::default());
    assert!(verifier.verify(&spdu_bytes, NOW_US).unwrap().is_valid());

    let mut g = c.benchmark_group("sm2_sign");
    g.bench_function("bare_prehash", |b| {
        b.iter(|| -> sm2::dsa::Signature { bare.sign_prehash(black_box(e.as_bytes())).unwrap() })
    });
    g.bench_function("spdu_200B", |b| {
        b.iter(|| {
            signer
                .sign(
                    black_box(cn::AID_SPAT),
                    black_box(&payload),
                    black_box(NOW_US),
                )
                .unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("sm2_verify");
    g.bench_function("bare_prehash", |b| {
        b.iter(|| {
            bare_vk
                .verify_prehash(black_box(e.as_bytes()), black_box(&bare_sig))
                .is_ok()
        })
    });
    g.bench_function("spdu_200B_cached_signer", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(&spdu_bytes), black_box(NOW_US))
                .unwrap()
                .is_valid()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("sm2_parts");
    g.bench_function("za", |b| {
        b.iter(|| cn::za(black_box(&id), black_box(&key)).unwrap())
    });
    g.bench_function("e_of_tbs", |b| {
        b.iter(|| SigningInput::sm2(black_box(&za), black_box(parsed.tbs_bytes)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
