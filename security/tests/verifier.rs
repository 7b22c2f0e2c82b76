//! The verifier's outcomes, one test per reason, and sign→verify round trips per algorithm.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rasn_its::ieee1609dot2::base_types::{
    CircularRegion, Duration, GeographicRegion, Latitude, Longitude, NinetyDegreeInt,
    OneEightyDegreeInt, TwoDLocation,
};
use rsu_security::cert::Certificate;
use rsu_security::ecqv::{self, HashToInteger};
use rsu_security::hash::HashAlg;
use rsu_security::keys::{Curve, RawSignature};
use rsu_security::pki::{self, CertSpec};
use rsu_security::sign::{self, RingP256, Signer, SignerBackend, SoftKey};
use rsu_security::spdu::{self, Header, Location, SignerField};
use rsu_security::time;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Reason, Verifier, VerifierConfig};
use std::sync::Arc;

/// 2025-11-15 00:00:00 UTC.
const NOW: i64 = 1_763_164_800;
const NOW_US: i64 = NOW * 1_000_000;

fn key(curve: Curve) -> Box<dyn SignerBackend> {
    sign::backend_from_pem(&sign::generate_pem(curve).unwrap(), "test").unwrap()
}

struct Pki {
    root: Certificate,
    root_key: Box<dyn SignerBackend>,
    ee: Arc<Certificate>,
    ee_key: Box<dyn SignerBackend>,
}

fn pki_with(root_curve: Curve, ee_curve: Curve, ee_spec: CertSpec) -> Pki {
    let c = pki::TestChain::new(
        &CertSpec::ca("root", NOW - 86_400, Duration::Years(5), 1),
        root_curve,
        &ee_spec,
        ee_curve,
    )
    .unwrap();
    Pki {
        root: c.root,
        root_key: c.root_key,
        ee: Arc::new(c.ee),
        ee_key: c.ee_key,
    }
}

fn ee_spec() -> CertSpec {
    CertSpec::end_entity("rsu", NOW - 3_600, Duration::Hours(48), &[0x82, 0x83])
}

fn pki() -> Pki {
    pki_with(Curve::NistP256, Curve::NistP256, ee_spec())
}

fn store(certs: &[&Certificate]) -> TrustStore {
    let mut s = TrustStore::new(TrustConfig::default());
    for c in certs {
        s.add((*c).clone()).unwrap();
    }
    s
}

fn verifier(certs: &[&Certificate]) -> Verifier {
    Verifier::new(store(certs), VerifierConfig::default())
}

/// Signs without any of the signer's own checks, to build SPDUs a correct signer refuses to.
fn raw_sign(p: &Pki, header: &Header, payload: &[u8], signer: SignerField<'_>) -> Vec<u8> {
    let alg = p.ee_key.curve().hash();
    let tbs = spdu::encode_tbs(payload, header).unwrap();
    let message = [
        alg.digest(&tbs).as_bytes(),
        p.ee.digest_with(alg).as_bytes(),
    ]
    .concat();
    let sig = p.ee_key.sign(&message).unwrap();
    spdu::assemble(alg, &tbs, &signer, &sig).unwrap()
}

fn header_at(psid: u64, unix_us: i64) -> Header {
    Header::new(psid, time::time64_from_unix_micros(unix_us))
}

fn reason(v: &mut Verifier, bytes: &[u8], now_us: i64) -> Option<Reason> {
    v.verify(bytes, now_us).unwrap().reason
}

#[test]
fn round_trip_for_every_algorithm() {
    let mut curves = vec![
        Curve::NistP256,
        Curve::NistP384,
        Curve::BrainpoolP256r1,
        Curve::BrainpoolP384r1,
    ];
    if cfg!(feature = "china") {
        curves.push(Curve::Sm2);
    }
    for &root_curve in &[Curve::NistP256, Curve::BrainpoolP384r1] {
        for &ee_curve in &curves {
            let p = pki_with(root_curve, ee_curve, ee_spec());
            let mut v = verifier(&[&p.root]);
            let mut s = Signer::new(p.ee_key, p.ee.clone()).unwrap();
            let full = s.sign(0x82, b"SPaT bytes", NOW_US).unwrap();
            let digest = s.sign(0x82, b"SPaT bytes", NOW_US + 100_000).unwrap();
            for spdu in [&full, &digest] {
                let out = v.verify(spdu, NOW_US + 200_000).unwrap();
                assert_eq!(out.reason, None, "{root_curve:?} → {ee_curve:?}");
                assert_eq!(out.payload(), Some(&b"SPaT bytes"[..]));
            }
            assert!(digest.len() < full.len());
        }
    }
}

#[test]
fn ring_and_rustcrypto_p256_signatures_verify_alike() {
    let p = pki();
    let pem = sign::generate_pem(Curve::NistP256).unwrap();
    let _ = pem;
    let scalar = [7u8; 32];
    let ring_key = RingP256::from_scalar(&scalar).unwrap();
    let soft = SoftKey::NistP256(p256::ecdsa::SigningKey::from_slice(&scalar).unwrap());
    assert_eq!(
        ring_key.public_key().to_sec1(true),
        soft.public_key().to_sec1(true)
    );
    let msg = [0x55u8; 64];
    for s in [ring_key.sign(&msg).unwrap(), soft.sign(&msg).unwrap()] {
        assert!(ring_key.public_key().verify(&msg, &s));
        assert!(!ring_key.public_key().verify(&[0u8; 64], &s));
    }
    drop(p);
}

#[test]
fn implicit_certificates_reconstruct_and_verify() {
    let p = pki();
    let ca_secret = p256::NonZeroScalar::from_repr([3u8; 32].into()).unwrap();
    // A root CA whose scalar we know, so it can issue implicit certificates.
    let ca_backend = RingP256::from_scalar(&[3u8; 32]).unwrap();
    let root = pki::issue_explicit(
        &CertSpec::ca("ecqv root", NOW - 86_400, Duration::Years(5), 1),
        &ca_backend.public_key(),
        None,
        Some(&ca_backend),
    )
    .unwrap();
    let k_u = p256::NonZeroScalar::from_repr([5u8; 32].into()).unwrap();
    let request = p256::PublicKey::from_secret_scalar(&k_u);
    let k = p256::NonZeroScalar::from_repr([9u8; 32].into()).unwrap();
    for rule in [HashToInteger::FullDigest, HashToInteger::Sec4Leftmost] {
        let (cert, r) =
            pki::issue_implicit(&ee_spec(), &request, &root, &ca_secret, &k, rule).unwrap();
        let cert = Certificate::from_coer(cert.raw()).unwrap();
        let alg = HashAlg::Sha256;
        let e = alg.digest_parts(&[
            alg.digest(cert.tbs_bytes()).as_bytes(),
            root.digest().as_bytes(),
        ]);
        let d_u = ecqv::reconstruct_private_key(rule, e.as_bytes().try_into().unwrap(), &k_u, &r)
            .unwrap();
        let backend = RingP256::from_scalar(&d_u.to_bytes()).unwrap();
        let mut s = Signer::with_checked_key(Box::new(backend), Arc::new(cert.clone()));
        let spdu = s.sign(0x82, b"implicit", NOW_US).unwrap();
        for verifier_rule in [HashToInteger::FullDigest, HashToInteger::Sec4Leftmost] {
            let mut v = Verifier::new(
                {
                    let mut st = TrustStore::new(TrustConfig {
                        ecqv_rule: verifier_rule,
                        ..TrustConfig::default()
                    });
                    st.add(root.clone()).unwrap();
                    st
                },
                VerifierConfig::default(),
            );
            let expect = if verifier_rule == rule {
                None
            } else {
                Some(Reason::BadSignature)
            };
            assert_eq!(
                reason(&mut v, &spdu, NOW_US),
                expect,
                "issued {rule:?}, verified {verifier_rule:?}"
            );
        }
    }
    drop(p);
}

#[test]
fn reason_unsigned_malformed_and_self_signed() {
    let p = pki();
    let mut v = verifier(&[&p.root]);
    assert_eq!(
        reason(&mut v, &spdu::unsecured(b"x").unwrap(), NOW_US),
        Some(Reason::Unsigned)
    );
    let good = raw_sign(
        &p,
        &header_at(0x82, NOW_US),
        b"x",
        SignerField::Certificate(&p.ee),
    );
    let mut wrong_hash = good.clone();
    wrong_hash[2] = 1; // hashId sha384 with a P-256 key
    assert_eq!(
        reason(&mut v, &wrong_hash, NOW_US).unwrap().code(),
        "malformed"
    );
    let selfie = raw_sign(&p, &header_at(0x82, NOW_US), b"x", SignerField::SelfSigned);
    assert_eq!(reason(&mut v, &selfie, NOW_US), Some(Reason::SelfSigned));
    assert!(
        v.verify(&[0x30, 0x00], NOW_US).is_err(),
        "not an SPDU at all"
    );
}

#[test]
fn reason_unknown_signer_then_learnt_from_a_full_certificate() {
    let p = pki();
    let mut v = verifier(&[&p.root]);
    let by_digest = raw_sign(
        &p,
        &header_at(0x82, NOW_US),
        b"x",
        SignerField::Digest(p.ee.hashed_id8()),
    );
    match reason(&mut v, &by_digest, NOW_US) {
        Some(Reason::UnknownSigner { id, p2pcd }) => {
            assert_eq!(id, p.ee.hashed_id8());
            assert_eq!(
                p2pcd,
                p.ee.hashed_id3(),
                "the P2PCD request names the missing certificate"
            );
        }
        other => panic!("{other:?}"),
    }
    let full = raw_sign(
        &p,
        &header_at(0x82, NOW_US),
        b"x",
        SignerField::Certificate(&p.ee),
    );
    assert_eq!(reason(&mut v, &full, NOW_US), None);
    assert_eq!(
        reason(&mut v, &by_digest, NOW_US),
        None,
        "the certificate was learnt"
    );
}

#[test]
fn reason_unknown_issuer_and_untrusted_root() {
    let p = pki();
    let mut v = verifier(&[]);
    let full = raw_sign(
        &p,
        &header_at(0x82, NOW_US),
        b"x",
        SignerField::Certificate(&p.ee),
    );
    assert_eq!(
        reason(&mut v, &full, NOW_US),
        Some(Reason::UnknownIssuer(p.root.hashed_id8()))
    );
    // A self-signed signer that is not an anchor.
    let mut s;
    let other = pki_with(Curve::NistP256, Curve::NistP256, ee_spec());
    let mut v = verifier(&[&other.root]);
    let root_signed = {
        let root_ee = pki::issue_explicit(
            &CertSpec {
                issue_permissions: Some(vec![pki::issue_all(1)]),
                ..CertSpec::end_entity("self", NOW - 60, Duration::Hours(1), &[0x82])
            },
            &p.ee_key.public_key(),
            None,
            Some(p.ee_key.as_ref()),
        )
        .unwrap();
        s = Signer::new(p.ee_key, Arc::new(root_ee.clone()));
        s.as_mut().unwrap().sign(0x82, b"x", NOW_US).unwrap()
    };
    let Some(Reason::UntrustedRoot(_)) = reason(&mut v, &root_signed, NOW_US) else {
        panic!("untrusted root expected");
    };
}

#[test]
fn reason_certificate_expired_and_not_yet_valid() {
    let p = pki();
    let mut v = verifier(&[&p.root]);
    let later = NOW_US + 49 * 3_600 * 1_000_000;
    let spdu = raw_sign(
        &p,
        &header_at(0x82, later),
        b"x",
        SignerField::Certificate(&p.ee),
    );
    assert_eq!(
        reason(&mut v, &spdu, later),
        Some(Reason::CertificateExpired(p.ee.hashed_id8()))
    );
    let earlier = NOW_US - 2 * 3_600 * 1_000_000;
    let spdu = raw_sign(
        &p,
        &header_at(0x82, earlier),
        b"x",
        SignerField::Certificate(&p.ee),
    );
    assert_eq!(
        reason(&mut v, &spdu, earlier),
        Some(Reason::CertificateNotYetValid(p.ee.hashed_id8()))
    );
}

#[test]
fn reason_bad_certificate() {
    let p = pki();
    let impostor = key(Curve::NistP256);
    let ee_key = key(Curve::NistP256);
    // Names the real root as issuer but is signed by another key.
    let forged = pki::issue_explicit(
        &ee_spec(),
        &ee_key.public_key(),
        Some((&p.root, impostor.as_ref())),
        None,
    )
    .unwrap();
    let f = Pki {
        root: p.root.clone(),
        root_key: p.root_key,
        ee: Arc::new(forged),
        ee_key,
    };
    let mut v = verifier(&[&f.root]);
    let spdu = raw_sign(
        &f,
        &header_at(0x82, NOW_US),
        b"x",
        SignerField::Certificate(&f.ee),
    );
    assert_eq!(
        reason(&mut v, &spdu, NOW_US).unwrap().code(),
        "bad_certificate"
    );
    // A certificate valid longer than its issuer.
    let long = pki::issue_explicit(
        &CertSpec::end_entity("long", NOW - 60, Duration::Years(50), &[0x82]),
        &f.ee_key.public_key(),
        Some((&f.root, f.root_key.as_ref())),
        None,
    )
    .unwrap();
    let g = Pki {
        ee: Arc::new(long),
        ..f
    };
    let spdu = raw_sign(
        &g,
        &header_at(0x82, NOW_US),
        b"x",
        SignerField::Certificate(&g.ee),
    );
    let r = reason(&mut v, &spdu, NOW_US).unwrap();
    assert_eq!(r.code(), "bad_certificate", "{r}");
}

#[test]
fn reason_psid_not_permitted() {
    let p = pki();
    let mut v = verifier(&[&p.root]);
    let spdu = raw_sign(
        &p,
        &header_at(0x20, NOW_US),
        b"x",
        SignerField::Certificate(&p.ee),
    );
    assert_eq!(
        reason(&mut v, &spdu, NOW_US).unwrap().code(),
        "psid_not_permitted"
    );
    // The signer refuses to sign it in the first place.
    let mut s = Signer::new(p.ee_key, p.ee.clone()).unwrap();
    assert!(matches!(
        s.sign(0x20, b"x", NOW_US),
        Err(sign::SignError::PsidNotPermitted(0x20))
    ));
    // PSID in the certificate but not issuable by the root.
    let root_key = key(Curve::NistP256);
    let narrow = rasn_its::ieee1609dot2::PsidGroupPermissions::builder()
        .subject_permissions(rasn_its::ieee1609dot2::SubjectPermissions::Explicit(
            rasn_its::ieee1609dot2::base_types::SequenceOfPsidSspRange(vec![
                rasn_its::ieee1609dot2::base_types::PsidSspRange {
                    psid: rasn_its::ieee1609dot2::base_types::Psid(0x82.into()),
                    ssp_range: None,
                },
            ]),
        ))
        .build();
    let root = pki::issue_explicit(
        &CertSpec {
            issue_permissions: Some(vec![narrow]),
            ..CertSpec::ca("narrow root", NOW - 86_400, Duration::Years(5), 0)
        },
        &root_key.public_key(),
        None,
        Some(root_key.as_ref()),
    )
    .unwrap();
    let ee_key = key(Curve::NistP256);
    let ee = pki::issue_explicit(
        &ee_spec(),
        &ee_key.public_key(),
        Some((&root, root_key.as_ref())),
        None,
    )
    .unwrap();
    let n = Pki {
        root,
        root_key,
        ee: Arc::new(ee),
        ee_key,
    };
    let mut v = verifier(&[&n.root]);
    let ok = raw_sign(
        &n,
        &header_at(0x82, NOW_US),
        b"x",
        SignerField::Certificate(&n.ee),
    );
    assert_eq!(reason(&mut v, &ok, NOW_US), None);
    let tim = raw_sign(
        &n,
        &header_at(0x83, NOW_US),
        b"x",
        SignerField::Certificate(&n.ee),
    );
    let r = reason(&mut v, &tim, NOW_US).unwrap();
    assert_eq!(r.code(), "psid_not_permitted");
    assert!(r.to_string().contains("may not issue PSID 131"), "{r}");
}

#[test]
fn reason_times() {
    let p = pki();
    let mut v = verifier(&[&p.root]);
    let sign_at = |gen_us: i64| {
        raw_sign(
            &p,
            &header_at(0x82, gen_us),
            b"x",
            SignerField::Certificate(&p.ee),
        )
    };
    assert_eq!(reason(&mut v, &sign_at(NOW_US), NOW_US), None);
    assert_eq!(
        reason(&mut v, &sign_at(NOW_US - 31_000_000), NOW_US)
            .unwrap()
            .code(),
        "stale"
    );
    assert_eq!(
        reason(&mut v, &sign_at(NOW_US + 11_000_000), NOW_US)
            .unwrap()
            .code(),
        "from_future"
    );
    let no_time = raw_sign(
        &p,
        &Header {
            generation_time: None,
            ..Header::new(0x82, 0)
        },
        b"x",
        SignerField::Certificate(&p.ee),
    );
    assert_eq!(
        reason(&mut v, &no_time, NOW_US),
        Some(Reason::MissingGenerationTime)
    );
    let mut h = header_at(0x82, NOW_US - 2_000_000);
    h.expiry_time = Some(time::time64_from_unix_micros(NOW_US - 1_000_000));
    let expired = raw_sign(&p, &h, b"x", SignerField::Certificate(&p.ee));
    assert_eq!(reason(&mut v, &expired, NOW_US), Some(Reason::Expired));
    // Generated 20 s before the certificate started, received 5 s after it started.
    let start_us = (NOW - 3_600) * 1_000_000;
    let early = sign_at(start_us - 20_000_000);
    assert_eq!(
        reason(&mut v, &early, start_us + 5_000_000),
        Some(Reason::GenerationTimeOutsideCertificate)
    );
}

#[test]
fn reason_outside_region() {
    let region = GeographicRegion::CircularRegion(CircularRegion {
        center: TwoDLocation {
            latitude: Latitude(NinetyDegreeInt::from(436_163_000)),
            longitude: Longitude(OneEightyDegreeInt(70_553_000)),
        },
        radius: 2_000,
    });
    let p = pki_with(
        Curve::NistP256,
        Curve::NistP256,
        CertSpec {
            region: Some(region),
            ..ee_spec()
        },
    );
    let mut v = verifier(&[&p.root]);
    let at = |lat_e7, lon_e7| {
        let mut h = header_at(0x82, NOW_US);
        h.generation_location = Some(Location {
            lat_e7,
            lon_e7,
            elevation: 0,
        });
        raw_sign(&p, &h, b"x", SignerField::Certificate(&p.ee))
    };
    assert_eq!(reason(&mut v, &at(436_170_000, 70_560_000), NOW_US), None);
    assert_eq!(
        reason(&mut v, &at(488_566_000, 23_522_000), NOW_US),
        Some(Reason::OutsideRegion)
    );
}

#[test]
fn reason_bad_signature_for_any_flipped_bit_of_the_tbs() {
    let p = pki();
    let mut v = verifier(&[&p.root]);
    let good = raw_sign(
        &p,
        &header_at(0x82, NOW_US),
        b"payload bytes",
        SignerField::Digest(p.ee.hashed_id8()),
    );
    v.store.add((*p.ee).clone()).unwrap();
    assert_eq!(reason(&mut v, &good, NOW_US), None);
    let tbs_len = spdu::encode_tbs(b"payload bytes", &header_at(0x82, NOW_US))
        .unwrap()
        .len();
    let mut r_forms_accepted = 0;
    for i in 0..good.len() {
        for bit in 0..8 {
            let mut m = good.clone();
            m[i] ^= 1 << bit;
            match v.verify(&m, NOW_US) {
                Err(_) => {}
                Ok(out) => {
                    // rSig's CHOICE tag (x-only 0x80) turned into compressed-y-0/1 (0x82/0x83)
                    // still names the same r; it is accepted only if the y parity is R's.
                    let r_tag = good.len() - 65;
                    if i == r_tag && (m[i] == 0x82 || m[i] == 0x83) {
                        r_forms_accepted += usize::from(out.is_valid());
                        continue;
                    }
                    assert!(!out.is_valid(), "byte {i} bit {bit} accepted");
                    if (3 + 4..3 + tbs_len - 12).contains(&i)
                        && out.signed().is_some_and(|s| s.header.psid == 0x82)
                    {
                        // Payload bytes: nothing but the signature can catch these.
                        assert_eq!(out.reason, Some(Reason::BadSignature), "byte {i}");
                    }
                }
            }
        }
    }
    assert!(r_forms_accepted <= 1, "the wrong y parity of R must fail");
}

#[test]
fn certificate_inclusion_policy_and_p2pcd() {
    let p = pki();
    let mut s = Signer::new(p.ee_key, p.ee.clone()).unwrap();
    let is_full = |b: &[u8]| match spdu::parse(b).unwrap() {
        spdu::Spdu::Signed(x) => matches!(x.signer, spdu::SignerInfo::Certificates(_)),
        _ => unreachable!(),
    };
    let t = NOW_US;
    assert!(
        is_full(&s.sign(0x82, b"a", t).unwrap()),
        "first SPDU carries the certificate"
    );
    assert!(!is_full(&s.sign(0x82, b"a", t + 100_000).unwrap()));
    assert!(!is_full(&s.sign(0x82, b"a", t + 900_000).unwrap()));
    assert!(
        is_full(&s.sign(0x82, b"a", t + 1_000_000).unwrap()),
        "once per second"
    );
    assert!(!s.on_p2pcd_request(&[rsu_security::HashedId3([1, 2, 3])]));
    assert!(!is_full(&s.sign(0x82, b"a", t + 1_100_000).unwrap()));
    assert!(s.on_p2pcd_request(&[p.ee.hashed_id3()]));
    assert!(
        is_full(&s.sign(0x82, b"a", t + 1_200_000).unwrap()),
        "answers a learning request"
    );
    assert!(!is_full(&s.sign(0x82, b"a", t + 1_300_000).unwrap()));
    s.policy.interval_us = 0;
    assert!(is_full(&s.sign(0x82, b"a", t + 1_300_001).unwrap()));
}

#[test]
fn signer_refuses_an_expired_certificate_and_a_foreign_key() {
    let p = pki();
    assert!(matches!(
        Signer::new(key(Curve::NistP256), p.ee.clone()),
        Err(sign::SignError::KeyMismatch)
    ));
    let mut s = Signer::new(p.ee_key, p.ee.clone()).unwrap();
    assert!(matches!(
        s.sign(0x82, b"x", NOW_US + 72 * 3_600 * 1_000_000),
        Err(sign::SignError::CertificateNotValid { .. })
    ));
}

#[test]
fn validated_certificates_cache_is_bounded() {
    let p = pki();
    let mut st = TrustStore::new(TrustConfig {
        cache_capacity: 2,
        ..TrustConfig::default()
    });
    st.add(p.root.clone()).unwrap();
    for i in 0..5 {
        let k = key(Curve::NistP256);
        let c = pki::issue_explicit(
            &CertSpec::end_entity(&format!("ee{i}"), NOW - 60, Duration::Hours(1), &[0x82]),
            &k.public_key(),
            Some((&p.root, p.root_key.as_ref())),
            None,
        )
        .unwrap();
        st.validate(&Arc::new(c), NOW).unwrap();
        assert!(st.cached_len() <= 2);
    }
}

#[test]
fn pki_init_writes_private_keys_0600_and_refuses_to_overwrite() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(format!("rsu-pki-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let report = pki::init(&dir, NOW, &pki::InitOptions::default()).unwrap();
    for f in ["root-key.pem", "rsu-key.pem"] {
        let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
    assert!(matches!(
        pki::init(&dir, NOW, &pki::InitOptions::default()),
        Err(pki::PkiError::Exists(_))
    ));
    let backend = sign::load_key_file(&dir.join("rsu-key.pem")).unwrap();
    let mut s = Signer::new(backend, Arc::new(report.rsu.clone())).unwrap();
    let spdu = s.sign(0x82, b"spat", NOW_US).unwrap();
    let mut st = TrustStore::new(TrustConfig::default());
    assert_eq!(st.load_dir(&dir).unwrap(), 2);
    let mut v = Verifier::new(st, VerifierConfig::default());
    assert_eq!(reason(&mut v, &spdu, NOW_US), None);
    // A world-readable key is refused.
    std::fs::set_permissions(
        dir.join("rsu-key.pem"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    assert!(matches!(
        sign::load_key_file(&dir.join("rsu-key.pem")),
        Err(sign::SignError::WorldReadable(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
    let _ = RawSignature::new(Curve::NistP256, &[0u8; 64]);
}

#[test]
fn the_signer_cache_counts_hits_and_misses_and_a_clone_keeps_its_own() {
    use rsu_security::trust::CacheStats;
    let p = pki();
    let mut v = verifier(&[&p.root]);
    let full = raw_sign(
        &p,
        &header_at(0x82, NOW_US),
        b"x",
        SignerField::Certificate(&p.ee),
    );
    let by_digest = raw_sign(
        &p,
        &header_at(0x82, NOW_US),
        b"y",
        SignerField::Digest(p.ee.hashed_id8()),
    );
    assert_eq!(v.store.cache_stats(), CacheStats::default());
    // First sight of the signer: its chain is validated (a miss), then cached.
    assert_eq!(reason(&mut v, &full, NOW_US), None);
    assert_eq!(v.store.cache_stats(), CacheStats { hits: 0, misses: 1 });
    let mut twin = v.clone();
    assert_eq!(reason(&mut v, &by_digest, NOW_US), None);
    assert_eq!(reason(&mut v, &full, NOW_US), None);
    assert_eq!(v.store.cache_stats(), CacheStats { hits: 2, misses: 1 });
    // The clone carries the cache as it was and counts on its own.
    assert_eq!(reason(&mut twin, &by_digest, NOW_US), None);
    assert_eq!(twin.store.cache_stats(), CacheStats { hits: 1, misses: 1 });
    assert_eq!(v.store.cache_stats(), CacheStats { hits: 2, misses: 1 });
}
