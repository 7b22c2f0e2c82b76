//! Runs one operation N times, for instruction counting under valgrind (repeatable, unlike
//! wall-clock time on a shared machine): `valgrind --tool=callgrind target/release/examples/op_cost MODE N`.
//! MODE: `setup` (only the fixture), `sign_spdu`, `sign_raw`, `verify_spdu`, `verify_raw`,
//! `sign_etsi` (a TS 103 097 SPATEM of 144 octets, GN headers included, signed with the EU
//! test ticket as `certificate`, SSP checked) and `sign_etsi_digest` (the same as `digest`).
//! The cost of one operation is (count(MODE, N) - count(setup, N)) / N; the 1609.2 overhead
//! is sign_spdu / sign_raw and verify_spdu / verify_raw (target ≤ 1.10), the ETSI one
//! sign_etsi / sign_raw (the hot path's budget is 1.15 for everything, encode included).
//! China (YD/T 3957, SM2 with RustCrypto): `sign_sm2_spdu` (a 200-octet payload, digest
//! signer), `sign_sm2_raw` (the bare SM2 prehash signature on the same key),
//! `verify_sm2_spdu` (signer chain cached) and `verify_sm2_raw`; the overheads are
//! sign_sm2_spdu / sign_sm2_raw and verify_sm2_spdu / verify_sm2_raw.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rasn_its::ieee1609dot2::base_types::Duration;
#[cfg(feature = "china")]
use rsu_security::cn;
use rsu_security::etsi::{self, ssp};
use rsu_security::keys::Curve;
use rsu_security::pki::{self, CertSpec};
use rsu_security::sign::Signer;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use std::hint::black_box;
use std::sync::Arc;

const NOW: i64 = 1_763_164_800;
const NOW_US: i64 = NOW * 1_000_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("setup", String::as_str);
    let n: usize = args.get(2).map_or(1000, |s| s.parse().unwrap());

    let chain = pki::TestChain::new(
        &CertSpec::ca("root", NOW - 86_400, Duration::Years(5), 1),
        Curve::NistP256,
        &CertSpec::end_entity("rsu", NOW - 3_600, Duration::Hours(48), &[0x82]),
        Curve::NistP256,
    )
    .unwrap();
    let (root, pem, ee_key) = (chain.root, chain.ee_pem, chain.ee_key);
    let ee = Arc::new(chain.ee);
    let payload: Vec<u8> = (0..100u8).collect();
    let mut signer = Signer::new(ee_key, ee.clone()).unwrap();
    signer.policy.interval_us = i64::MAX;
    let _first = signer.sign(0x82, &payload, NOW_US).unwrap();
    let spdu = signer.sign(0x82, &payload, NOW_US).unwrap();
    let mut store = TrustStore::new(TrustConfig::default());
    store.add(root.clone()).unwrap();
    store.add((*ee).clone()).unwrap();
    let mut verifier = Verifier::new(store, VerifierConfig::default());
    assert!(verifier.verify(&spdu, NOW_US).unwrap().is_valid());

    // ring on the same key, over the 64-byte message the SPDU path signs.
    use elliptic_curve::pkcs8::DecodePrivateKey as _;
    use elliptic_curve::sec1::ToSec1Point as _;
    let sk = p256::SecretKey::from_pkcs8_pem(&pem).unwrap();
    let public = sk.public_key().to_sec1_point(false);
    let rng = ring::rand::SystemRandom::new();
    let pair = ring::signature::EcdsaKeyPair::from_private_key_and_public_key(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &sk.to_bytes(),
        public.as_bytes(),
        &rng,
    )
    .unwrap();
    let msg = [0x5au8; 64];
    let sig = pair.sign(&rng, &msg).unwrap();

    // The EU ticket (P-256, as ring signs) under TS 103 097: SPATEM with the certificate by
    // default, and a second signer that sends SPATEM by digest.
    let eu = pki::EuChain::demo(NOW - 3_600, Duration::Hours(48), None).unwrap();
    let eu_signer = |policy: etsi::EtsiPolicy| {
        let key = rsu_security::sign::backend_from_pem(&eu.at_pem, "AT").unwrap();
        Signer::etsi(key, Arc::new(eu.at.clone()), policy).unwrap()
    };
    let mut etsi_cert = eu_signer(etsi::EtsiPolicy::default());
    let mut etsi_digest = eu_signer(etsi::EtsiPolicy::default().with_digest(etsi::ITS_AID_SPATEM));
    let gn_payload: Vec<u8> = (0..144u8).collect();
    let need = ssp::spatem_need(ssp::SpatemContent {
        intersection_state: true,
        ..ssp::SpatemContent::default()
    });
    let vk = ring::signature::UnparsedPublicKey::new(
        &ring::signature::ECDSA_P256_SHA256_FIXED,
        public.as_bytes().to_vec(),
    );

    #[cfg(feature = "china")]
    let cn = Sm2Fixture::new();

    match mode {
        "setup" => {}
        #[cfg(feature = "china")]
        "sign_sm2_spdu" => {
            let mut signer = cn.signer;
            for _ in 0..n {
                black_box(
                    signer
                        .sign(cn::AID_SPAT, black_box(&cn.payload), NOW_US)
                        .unwrap(),
                );
            }
        }
        #[cfg(feature = "china")]
        "sign_sm2_raw" => {
            use sm2::dsa::signature::hazmat::PrehashSigner as _;
            for _ in 0..n {
                let s: sm2::dsa::Signature = cn.bare.sign_prehash(black_box(&cn.e)).unwrap();
                black_box(s);
            }
        }
        #[cfg(feature = "china")]
        "verify_sm2_spdu" => {
            let mut v = cn.verifier;
            for _ in 0..n {
                assert!(v.verify(black_box(&cn.spdu), NOW_US).unwrap().is_valid());
            }
        }
        #[cfg(feature = "china")]
        "verify_sm2_raw" => {
            use sm2::dsa::signature::hazmat::PrehashVerifier as _;
            let vk = cn.bare.verifying_key();
            for _ in 0..n {
                vk.verify_prehash(black_box(&cn.e), black_box(&cn.sig))
                    .unwrap();
            }
        }
        "sign_spdu" => {
            for _ in 0..n {
                black_box(signer.sign(0x82, black_box(&payload), NOW_US).unwrap());
            }
        }
        "sign_raw" => {
            for _ in 0..n {
                black_box(pair.sign(&rng, black_box(&msg)).unwrap());
            }
        }
        "verify_spdu" => {
            for _ in 0..n {
                assert!(
                    verifier
                        .verify(black_box(&spdu), NOW_US)
                        .unwrap()
                        .is_valid()
                );
            }
        }
        "verify_raw" => {
            for _ in 0..n {
                vk.verify(black_box(&msg), black_box(sig.as_ref())).unwrap();
            }
        }
        "sign_etsi" | "sign_etsi_digest" => {
            let signer = if mode == "sign_etsi" {
                &mut etsi_cert
            } else {
                &mut etsi_digest
            };
            for _ in 0..n {
                black_box(
                    signer
                        .sign_etsi(
                            etsi::ITS_AID_SPATEM,
                            black_box(&gn_payload),
                            need,
                            None,
                            NOW_US,
                        )
                        .unwrap(),
                );
            }
        }
        other => panic!("unknown mode {other}"),
    }
}

/// The China fixture: an SM2 chain, a steady-state signer (digest) of a 200-octet payload,
/// a verifier with the chain cached, and the bare SM2 key with the e the SPDU path signs.
#[cfg(feature = "china")]
struct Sm2Fixture {
    signer: Signer,
    payload: Vec<u8>,
    spdu: Vec<u8>,
    verifier: Verifier,
    bare: sm2::dsa::SigningKey,
    e: [u8; 32],
    sig: sm2::dsa::Signature,
}

#[cfg(feature = "china")]
impl Sm2Fixture {
    fn new() -> Self {
        use elliptic_curve::pkcs8::DecodePrivateKey as _;
        use sm2::dsa::signature::hazmat::PrehashSigner as _;
        let chain = pki::CnChain::new(
            NOW - 86_400,
            &pki::CnChain::rsu_spec(NOW - 3_600, Duration::Hours(48), None),
        )
        .unwrap();
        let payload: Vec<u8> = (0..200u32).map(|i| (i * 37 % 256) as u8).collect();
        let rsu = Arc::new(chain.rsu.clone());
        let bare = sm2::dsa::SigningKey::new(
            rsu_security::keys::SM2_DISTID,
            &sm2::SecretKey::from_pkcs8_pem(&chain.rsu_pem).unwrap(),
        )
        .unwrap();
        let mut signer = Signer::new(chain.rsu_key, rsu.clone()).unwrap();
        let _first = signer.sign(cn::AID_SPAT, &payload, NOW_US).unwrap();
        signer.policy.interval_us = i64::MAX;
        let spdu = signer.sign(cn::AID_SPAT, &payload, NOW_US).unwrap();
        let mut store = TrustStore::new(TrustConfig::default());
        store.add(chain.root.clone()).unwrap();
        store.add(chain.aca.clone()).unwrap();
        store.add(chain.rsu.clone()).unwrap();
        let mut verifier = Verifier::new(store, VerifierConfig::default());
        assert!(verifier.verify(&spdu, NOW_US).unwrap().is_valid());
        let Ok(rsu_security::Spdu::Signed(parsed)) = rsu_security::spdu::parse(&spdu) else {
            panic!("signed")
        };
        let key = rsu.verify_key().unwrap();
        let id = cn::Sm2Id::of_certificate(&rsu.digest()).unwrap();
        let e: [u8; 32] = cn::e(&cn::za(&id, key).unwrap(), parsed.tbs_bytes);
        let sig: sm2::dsa::Signature = bare.sign_prehash(&e).unwrap();
        Sm2Fixture {
            signer,
            payload,
            spdu,
            verifier,
            bare,
            e,
            sig,
        }
    }
}
