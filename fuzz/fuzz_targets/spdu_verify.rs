//! SPDU parsing and verification (`rsu_security::verify::Verifier::verify`), China's SM2/SM3
//! profile included, with no seed corpus needed: a throw-away SM2 PKI (root, application CA,
//! RSU certificate) is made once, and each input is both verified as it is and used to mutate
//! two valid SM2 SPDUs (one carrying the certificate, one by digest), so the fuzzer reaches the
//! signature checks from the first run. Never panics; a verified SPDU is one of the two signed
//! here, byte for byte (anything else verifying would be a forgery); a first octet 2 is always
//! reported as the legacy YD/T 3594 SecuredMessage.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasn_its::ieee1609dot2::base_types::Duration;
use rsu_security::cn;
use rsu_security::pki::CnChain;
use rsu_security::sign::Signer;
use rsu_security::spdu::{self, SpduError};
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use std::sync::{Arc, OnceLock};

const NOW: i64 = 1_763_164_800;
const NOW_US: i64 = NOW * 1_000_000;

struct Fixture {
    verifier: Verifier,
    signed: [Vec<u8>; 2],
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let c = CnChain::new(
            NOW - 86_400,
            &CnChain::rsu_spec(NOW - 3_600, Duration::Hours(48), None),
        )
        .expect("CN test PKI");
        let mut store = TrustStore::new(TrustConfig::default());
        store.add(c.root.clone()).expect("root");
        store.add(c.aca.clone()).expect("ACA");
        let mut s = Signer::new(c.rsu_key, Arc::new(c.rsu.clone())).expect("signer");
        let payload: Vec<u8> = (0..200u8).collect();
        let full = s.sign(cn::AID_SPAT, &payload, NOW_US).expect("sign");
        let digest = s.sign(cn::AID_SPAT, &payload, NOW_US + 1).expect("sign");
        let mut verifier = Verifier::new(store, VerifierConfig::default());
        for b in [&full, &digest] {
            assert!(
                verifier
                    .verify(b, NOW_US + 1_000)
                    .expect("parses")
                    .is_valid()
            );
        }
        Fixture {
            verifier,
            signed: [full, digest],
        }
    })
}

fn check(f: &Fixture, bytes: &[u8]) {
    let mut v = f.verifier.clone();
    match v.verify(bytes, NOW_US + 1_000) {
        Ok(out) => {
            if out.is_valid() {
                assert!(
                    f.signed.iter().any(|s| s == bytes),
                    "an SPDU not signed here verifies: {}",
                    hex(bytes)
                );
            } else {
                let _ = out.reason.as_ref().map(|r| r.code());
            }
        }
        Err(e) => {
            let _ = e.code();
            if bytes.first() == Some(&cn::LEGACY_SECURED_MESSAGE_VERSION) {
                assert_eq!(e, SpduError::LegacySecuredMessage);
            }
        }
    }
    let _ = spdu::parse(bytes);
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    check(f, data);
    // data[0] picks the SPDU; then (offset high, offset low, xor) triples mutate it; a final
    // short tail (fewer than 3 bytes) truncates it by that many bytes plus one.
    let Some((&pick, ops)) = data.split_first() else {
        return;
    };
    let mut m = f.signed[usize::from(pick & 1)].clone();
    let mut chunks = ops.chunks_exact(3);
    for op in &mut chunks {
        let at = usize::from(u16::from_be_bytes([op[0], op[1]])) % m.len();
        m[at] ^= op[2];
    }
    let tail = chunks.remainder().len();
    if tail > 0 && pick & 2 != 0 {
        let cut = (usize::from(ops[ops.len() - 1]) + 1).min(m.len());
        m.truncate(m.len() - cut);
    }
    check(f, &m);
});
