//! Certificates (1609.2 §6.4): decoded once, with what every later check needs precomputed:
//! the canonical encoding and its hash, HashedId8/HashedId3, the issuer reference and the
//! decompressed verification key.

use crate::coer;
use crate::guard::{self, GuardError};
use crate::hash::{Digest, HashAlg, HashedId3, HashedId8, SigningInput};
use crate::keys::{self, Curve, KeyError, RawSignature, VerifyKey};
use rasn_its::ieee1609dot2::base_types::{
    Duration, EccP256CurvePoint, EccP384CurvePoint, PsidSsp, PublicVerificationKey,
    ServiceSpecificPermissions, Signature,
};
use rasn_its::ieee1609dot2::{
    Certificate as ItsCertificate, CertificateType, IssuerIdentifier, ToBeSignedCertificate,
    VerificationKeyIndicator,
};

/// Why a certificate could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("certificate: {0}")]
    Decode(#[from] coer::CoerError),
    #[error("certificate: {0}")]
    Key(#[from] KeyError),
    #[error("certificate: {0}")]
    Invalid(&'static str),
    /// Refused by [`guard::check_certificate`] before rasn saw it.
    #[error("{0}")]
    Guard(GuardError),
}

/// Who issued a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuerRef {
    /// Self-signed; the signature uses this hash.
    SelfSigned(HashAlg),
    /// Issued by the certificate with this HashedId8, computed (and signed) with this hash.
    Digest(HashAlg, HashedId8),
}

/// How the subject's key is given.
#[derive(Debug, Clone)]
pub enum KeyIndicator {
    /// Explicit certificate: the key itself.
    Explicit(VerifyKey),
    /// Implicit (ECQV) certificate: the reconstruction value; the key needs the issuer.
    Implicit(p256::PublicKey),
}

/// A decoded certificate.
#[derive(Debug, Clone)]
pub struct Certificate {
    raw: Vec<u8>,
    canonical: Vec<u8>,
    tbs: Vec<u8>,
    /// The received `ToBeSignedCertificate` when it differs from the canonical one.
    raw_tbs: Option<Vec<u8>>,
    inner: ItsCertificate,
    own_hash: HashAlg,
    digest: Digest,
    issuer: IssuerRef,
    /// Decompressed on first use: a certificate that arrives with every SPDU of a known
    /// signer is matched by its hash and never needs its key again.
    key: std::sync::OnceLock<Result<KeyIndicator, KeyError>>,
    signature: Option<RawSignature>,
}

impl Certificate {
    /// Decodes a COER certificate. Trailing bytes and non-canonical encodings are rejected.
    pub fn from_coer(bytes: &[u8]) -> Result<Self, CertError> {
        let c = Self::from_coer_lazy(bytes)?;
        c.key()?;
        Ok(c)
    }

    /// As [`Certificate::from_coer`], but the key is only decompressed (and checked to be on
    /// its curve) when first used.
    pub fn from_coer_lazy(bytes: &[u8]) -> Result<Self, CertError> {
        // rasn would abort the process on a forged SEQUENCE OF quantity: walk the bytes first.
        guard::check_certificate(bytes).map_err(CertError::Guard)?;
        let inner: ItsCertificate = coer::decode_canonical(bytes)?;
        Self::build(bytes.to_vec(), inner)
    }

    /// Wraps a certificate built in memory (for example by the test PKI).
    pub fn from_its(inner: ItsCertificate) -> Result<Self, CertError> {
        let raw = coer::encode(&inner)?;
        Self::build(raw, inner)
    }

    fn build(raw: Vec<u8>, inner: ItsCertificate) -> Result<Self, CertError> {
        let base = &*inner;
        let tbs_in = &base.to_be_signed;
        let (explicit, own_curve) = match &tbs_in.verify_key_indicator {
            VerificationKeyIndicator::VerificationKey(k) => (true, curve_of(k)?),
            VerificationKeyIndicator::ReconstructionValue(_) => (false, Curve::NistP256),
            #[allow(unreachable_patterns)]
            _ => return Err(CertError::Invalid("unknown verifyKeyIndicator")),
        };
        match (base.r#type, explicit, &base.signature) {
            (CertificateType::Explicit, true, Some(_)) => {}
            (CertificateType::Implicit, false, None) => {}
            _ => {
                return Err(CertError::Invalid(
                    "type, key indicator and signature disagree (explicit needs a key and a signature, implicit a reconstruction value and none)",
                ));
            }
        }
        let issuer = match &base.issuer {
            IssuerIdentifier::Sha256AndDigest(h) => IssuerRef::Digest(HashAlg::Sha256, h.into()),
            IssuerIdentifier::Sha384AndDigest(h) => IssuerRef::Digest(HashAlg::Sha384, h.into()),
            IssuerIdentifier::Sm3AndDigest(h) => IssuerRef::Digest(HashAlg::Sm3, h.into()),
            IssuerIdentifier::VSelf(a) => IssuerRef::SelfSigned(
                HashAlg::from_its(a).ok_or(CertError::Invalid("unknown self hash algorithm"))?,
            ),
            #[allow(unreachable_patterns)]
            _ => return Err(CertError::Invalid("unknown IssuerIdentifier")),
        };
        if matches!(issuer, IssuerRef::SelfSigned(_)) && !explicit {
            return Err(CertError::Invalid(
                "an implicit certificate cannot be self-signed",
            ));
        }
        let signature = base
            .signature
            .as_ref()
            .map(RawSignature::from_its)
            .transpose()?;
        let canonical_inner = canonicalize(&inner);
        let (canonical, tbs, raw_tbs) = match &canonical_inner {
            None => (raw.clone(), coer::encode(&base.to_be_signed)?, None),
            Some(c) => {
                let tbs = coer::encode(&c.to_be_signed)?;
                let received = coer::encode(&base.to_be_signed)?;
                let raw_tbs = (received != tbs).then_some(received);
                (coer::encode(c)?, tbs, raw_tbs)
            }
        };
        let own_hash = own_curve.hash();
        let digest = own_hash.digest(&canonical);
        Ok(Certificate {
            raw,
            canonical,
            tbs,
            raw_tbs,
            inner,
            own_hash,
            digest,
            issuer,
            key: std::sync::OnceLock::new(),
            signature,
        })
    }

    /// The encoding as received (or as built).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The canonical encoding (compressed points, x-only r) that hashes are computed over.
    pub fn canonical(&self) -> &[u8] {
        &self.canonical
    }

    /// COER of the canonical `ToBeSignedCertificate`: the data input of its signature.
    pub fn tbs_bytes(&self) -> &[u8] {
        &self.tbs
    }

    /// The decoded structure.
    pub fn its(&self) -> &ItsCertificate {
        &self.inner
    }

    pub fn tbs(&self) -> &ToBeSignedCertificate {
        &self.inner.to_be_signed
    }

    /// The hash that fits the certificate's own key size (SHA-256 for 256-bit keys, SHA-384 for
    /// 384-bit ones, SM3 for SM2).
    pub fn hash_alg(&self) -> HashAlg {
        self.own_hash
    }

    /// Hash of the canonical encoding with the certificate's own hash.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// Hash of the canonical encoding with a given hash (the signer input of an SPDU whose
    /// `hashId` differs from the key's natural hash).
    pub fn digest_with(&self, alg: HashAlg) -> Digest {
        if alg == self.own_hash {
            self.digest
        } else {
            alg.digest(&self.canonical)
        }
    }

    pub fn hashed_id8(&self) -> HashedId8 {
        self.digest.hashed_id8()
    }

    pub fn hashed_id3(&self) -> HashedId3 {
        self.digest.hashed_id3()
    }

    pub fn issuer(&self) -> IssuerRef {
        self.issuer
    }

    pub fn is_self_signed(&self) -> bool {
        matches!(self.issuer, IssuerRef::SelfSigned(_))
    }

    /// The key or reconstruction value, decompressed (once).
    pub fn key(&self) -> Result<&KeyIndicator, KeyError> {
        self.key
            .get_or_init(|| decompress(&self.inner.to_be_signed.verify_key_indicator))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The explicit key, if the certificate carries one (and it is a valid point).
    pub fn verify_key(&self) -> Option<&VerifyKey> {
        match self.key() {
            Ok(KeyIndicator::Explicit(k)) => Some(k),
            _ => None,
        }
    }

    pub fn signature(&self) -> Option<&RawSignature> {
        self.signature.as_ref()
    }

    /// Start of validity, `Time32`.
    pub fn start_time32(&self) -> u32 {
        self.tbs().validity_period.start.0
    }

    /// Validity length in seconds (1609.2 §6.4.14; a year is 31556952 s).
    pub fn duration_seconds(&self) -> u64 {
        duration_seconds(&self.tbs().validity_period.duration)
    }

    /// Start of validity, Unix seconds.
    pub fn valid_from_unix(&self) -> i64 {
        crate::time::unix_from_time32(self.start_time32())
    }

    /// End of validity, Unix seconds.
    pub fn valid_until_unix(&self) -> i64 {
        self.valid_from_unix()
            .saturating_add(i64::try_from(self.duration_seconds()).unwrap_or(i64::MAX))
    }

    /// The name in `id`, if it is a name.
    pub fn name(&self) -> Option<&str> {
        match &self.tbs().id {
            rasn_its::ieee1609dot2::CertificateId::Name(h) => Some(h.0.as_str()),
            _ => None,
        }
    }

    /// `appPermissions` as (PSID, SSP) pairs; PSIDs too large for u64 are skipped.
    pub fn app_permissions(&self) -> Vec<(u64, Option<&ServiceSpecificPermissions>)> {
        self.app_permission_iter().collect()
    }

    fn app_permission_iter(
        &self,
    ) -> impl Iterator<Item = (u64, Option<&ServiceSpecificPermissions>)> {
        self.tbs()
            .app_permissions
            .iter()
            .flat_map(|s| s.0.iter())
            .filter_map(|p: &PsidSsp| Some((u64::try_from(&p.psid.0).ok()?, p.ssp.as_ref())))
    }

    /// The SSP for `psid` if the certificate permits it: `Some(None)` is permitted without SSP.
    /// (No allocation: the signer asks this for every SPDU.)
    pub fn permission(&self, psid: u64) -> Option<Option<&ServiceSpecificPermissions>> {
        self.app_permission_iter()
            .find(|(p, _)| *p == psid)
            .map(|(_, s)| s)
    }
}

fn curve_of(k: &PublicVerificationKey) -> Result<Curve, CertError> {
    Ok(match k {
        PublicVerificationKey::EcdsaNistP256(_) => Curve::NistP256,
        PublicVerificationKey::EcdsaBrainpoolP256r1(_) => Curve::BrainpoolP256r1,
        PublicVerificationKey::EcdsaBrainpoolP384r1(_) => Curve::BrainpoolP384r1,
        PublicVerificationKey::EcdsaNistP384(_) => Curve::NistP384,
        PublicVerificationKey::EcsigSm2(_) => Curve::Sm2,
        #[allow(unreachable_patterns)]
        _ => return Err(CertError::Invalid("unknown PublicVerificationKey")),
    })
}

fn decompress(k: &VerificationKeyIndicator) -> Result<KeyIndicator, KeyError> {
    match k {
        VerificationKeyIndicator::VerificationKey(k) => {
            Ok(KeyIndicator::Explicit(VerifyKey::from_its(k)?))
        }
        VerificationKeyIndicator::ReconstructionValue(p) => crate::ecqv::point_from_its(p)
            .map(KeyIndicator::Implicit)
            .map_err(|_| KeyError::OffCurve("reconstructionValue")),
        #[allow(unreachable_patterns)]
        _ => Err(KeyError::Unsupported("verifyKeyIndicator alternative")),
    }
}

/// Seconds in a `Duration`.
pub fn duration_seconds(d: &Duration) -> u64 {
    match d {
        Duration::Microseconds(v) => u64::from(*v) / 1_000_000,
        Duration::Milliseconds(v) => u64::from(*v) / 1_000,
        Duration::Seconds(v) => u64::from(*v),
        Duration::Minutes(v) => u64::from(*v) * 60,
        Duration::Hours(v) => u64::from(*v) * 3_600,
        Duration::SixtyHours(v) => u64::from(*v) * 216_000,
        Duration::Years(v) => u64::from(*v) * 31_556_952,
    }
}

/// The canonical form of a certificate (1609.2 §6.4.3): keys and reconstruction values
/// compressed, signature r x-only. `None` when it is canonical already (the usual case).
fn canonicalize(c: &ItsCertificate) -> Option<rasn_its::ieee1609dot2::CertificateBase> {
    let mut base = (**c).clone();
    let mut changed = false;
    match &mut base.to_be_signed.verify_key_indicator {
        VerificationKeyIndicator::VerificationKey(k) => {
            let new =
                match k {
                    PublicVerificationKey::EcdsaNistP256(p) => {
                        keys::canonical_p256_point(p).map(PublicVerificationKey::EcdsaNistP256)
                    }
                    PublicVerificationKey::EcdsaBrainpoolP256r1(p) => keys::canonical_p256_point(p)
                        .map(PublicVerificationKey::EcdsaBrainpoolP256r1),
                    PublicVerificationKey::EcsigSm2(p) => {
                        keys::canonical_p256_point(p).map(PublicVerificationKey::EcsigSm2)
                    }
                    PublicVerificationKey::EcdsaBrainpoolP384r1(p) => keys::canonical_p384_point(p)
                        .map(PublicVerificationKey::EcdsaBrainpoolP384r1),
                    PublicVerificationKey::EcdsaNistP384(p) => {
                        keys::canonical_p384_point(p).map(PublicVerificationKey::EcdsaNistP384)
                    }
                    #[allow(unreachable_patterns)]
                    _ => None,
                };
            if let Some(n) = new {
                *k = n;
                changed = true;
            }
        }
        VerificationKeyIndicator::ReconstructionValue(p) => {
            if let Some(n) = keys::canonical_p256_point(p) {
                *p = n;
                changed = true;
            }
        }
        #[allow(unreachable_patterns)]
        _ => {}
    }
    if let Some(sig) = &mut base.signature {
        changed |= x_only_r(sig);
    }
    changed.then_some(base)
}

/// Rewrites a point-form r into x-only; true if it changed anything.
fn x_only_r(sig: &mut Signature) -> bool {
    fn p256(r: &mut EccP256CurvePoint) -> bool {
        let x = match r {
            EccP256CurvePoint::CompressedY0(x) | EccP256CurvePoint::CompressedY1(x) => *x,
            EccP256CurvePoint::Uncompressed(u) => u.x,
            _ => return false,
        };
        *r = EccP256CurvePoint::XOnly(x);
        true
    }
    fn p384(r: &mut EccP384CurvePoint) -> bool {
        let x = match r {
            EccP384CurvePoint::CompressedY0(x) | EccP384CurvePoint::CompressedY1(x) => *x,
            EccP384CurvePoint::Uncompressed(u) => u.x,
            _ => return false,
        };
        *r = EccP384CurvePoint::XOnly(x);
        true
    }
    match sig {
        Signature::EcdsaNistP256(s) | Signature::EcdsaBrainpoolP256r1(s) => p256(&mut s.r_sig),
        Signature::EcdsaBrainpoolP384r1(s) | Signature::EcdsaNistP384(s) => p384(&mut s.r_sig),
        _ => false,
    }
}

/// Verifies `cert`'s signature with `issuer_key`, under the 1609.2 rule
/// `H(H(tbs) || H(issuer certificate))` (`H("")` for self-signed), or for an SM2 issuer key
/// YD/T 3957's `SM3(Z_A || tbs)` (ID = SM3(issuer certificate), "1234567812345678" for
/// self-signed). H is the one the `IssuerIdentifier` names. `issuer` is `None` for a
/// self-signed certificate.
pub fn verify_certificate_signature(
    cert: &Certificate,
    issuer: Option<&Certificate>,
    issuer_key: &VerifyKey,
) -> bool {
    let Some(sig) = cert.signature() else {
        return false;
    };
    let alg = match cert.issuer() {
        IssuerRef::SelfSigned(a) | IssuerRef::Digest(a, _) => a,
    };
    if alg != issuer_key.curve().hash() {
        // e.g. a P-384 issuer named with sha256AndDigest: the standard ties the hash to the key.
        return false;
    }
    let signer_hash = issuer.map(|i| i.digest_with(alg));
    // ECDSA: H(H(tbs) || H(issuer)); SM2 (YD/T 3957): SM3(Z_A || tbs), ID = SM3(issuer) or
    // "1234567812345678" when self-signed.
    let check = |tbs: &[u8]| match SigningInput::for_key(issuer_key, tbs, signer_hash.as_ref()) {
        Ok(input) => issuer_key.verify(input.as_bytes(), sig),
        Err(_) => false,
    };
    // 1609.2 signs the canonical form; issuers that signed a certificate with an uncompressed
    // key as it stands (the ETSI test pool's *_N_* certificates) are accepted too: both forms
    // carry the same key, so nothing an attacker could choose differs.
    check(cert.tbs_bytes()) || cert.raw_tbs.as_deref().is_some_and(check)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::testutil;

    #[test]
    fn every_vector_certificate_round_trips_and_has_its_hashed_id8() {
        let Some(v) = testutil::vectors() else { return };
        let certs = v["certificates"].as_array().unwrap();
        assert_eq!(certs.len(), 59);
        let mut non_canonical = Vec::new();
        for c in certs {
            let bytes = hex::decode(c["hex"].as_str().unwrap()).unwrap();
            let cert =
                Certificate::from_coer(&bytes).unwrap_or_else(|e| panic!("{}: {e}", c["name"]));
            assert_eq!(coer::encode(cert.its()).unwrap(), bytes, "{}", c["name"]);
            if cert.canonical() == &bytes[..] {
                assert_eq!(
                    cert.hashed_id8().to_string(),
                    c["hashedId8"].as_str().unwrap(),
                    "{}",
                    c["name"]
                );
            } else {
                // A certificate with an uncompressed key: 1609.2 §6.4.3 hashes its canonical
                // (compressed) form, the vectors file hashed the bytes as they are.
                non_canonical.push(c["name"].as_str().unwrap());
                let raw_id = cert.hash_alg().digest(&bytes).hashed_id8();
                assert_eq!(
                    raw_id.to_string(),
                    c["hashedId8"].as_str().unwrap(),
                    "{}",
                    c["name"]
                );
                assert_ne!(cert.hashed_id8(), raw_id);
            }
        }
        assert_eq!(non_canonical.len(), 12, "{non_canonical:?}");
    }

    #[test]
    fn issuer_signatures_of_the_pool_follow_the_strict_rule() {
        let Some(v) = testutil::vectors() else { return };
        let certs: Vec<(String, Certificate, bool)> = v["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let cert =
                    Certificate::from_coer(&hex::decode(c["hex"].as_str().unwrap()).unwrap())
                        .unwrap();
                let ok = c["signature_check_strict_1609_2"]
                    .as_str()
                    .unwrap()
                    .starts_with("OK");
                (c["name"].as_str().unwrap().to_string(), cert, ok)
            })
            .collect();
        let (mut valid, mut invalid, mut orphan) = (0, 0, 0);
        for (name, cert, expected) in &certs {
            let verdict = match cert.issuer() {
                IssuerRef::SelfSigned(_) => {
                    verify_certificate_signature(cert, None, cert.verify_key().unwrap())
                }
                IssuerRef::Digest(_, id) => {
                    let Some((_, issuer, _)) = certs.iter().find(|(_, c, _)| c.hashed_id8() == id)
                    else {
                        orphan += 1;
                        continue;
                    };
                    verify_certificate_signature(cert, Some(issuer), issuer.verify_key().unwrap())
                }
            };
            assert_eq!(verdict, *expected, "{name}");
            if verdict { valid += 1 } else { invalid += 1 }
        }
        // 58 pool certificates (53 good, 5 anomalous) and the EU TLM, every issuer present.
        assert_eq!((valid, invalid, orphan), (54, 5, 0));
    }

    #[test]
    fn known_digests_and_validity() {
        let Some(v) = testutil::vectors() else { return };
        let tlm = Certificate::from_coer(&testutil::cert_bytes(&v, "E7A4B2B045E7ACF9")).unwrap();
        assert_eq!(tlm.hash_alg(), HashAlg::Sha384);
        assert_eq!(tlm.hashed_id8().to_string(), "e7a4b2b045e7acf9");
        assert_eq!(tlm.issuer(), IssuerRef::SelfSigned(HashAlg::Sha384));
        assert!(tlm.permission(624).unwrap().is_some());
        let rca = Certificate::from_coer(&testutil::cert_bytes(&v, "CERT_IUT_A_RCA")).unwrap();
        assert_eq!(rca.hashed_id8().to_string(), "c6f1125e19b175ee");
        assert_eq!(rca.start_time32(), 0x1A56_1700);
    }

    #[test]
    fn trailing_and_non_canonical_bytes_are_rejected() {
        let Some(v) = testutil::vectors() else { return };
        let mut bytes = testutil::cert_bytes(&v, "CERT_IUT_A_AT");
        bytes.push(0);
        assert!(matches!(
            Certificate::from_coer(&bytes),
            Err(CertError::Decode(_))
        ));
        // The TLM's hostname length 0x09 written in long form 0x81 0x09.
        let tlm = testutil::cert_bytes(&v, "E7A4B2B045E7ACF9");
        let pos = tlm
            .windows(2)
            .position(|w| w == [0x09, b'E'])
            .expect("hostname length");
        let mut long = tlm[..pos].to_vec();
        long.extend_from_slice(&[0x81, 0x09]);
        long.extend_from_slice(&tlm[pos + 1..]);
        assert!(matches!(
            Certificate::from_coer(&long),
            Err(CertError::Decode(_))
        ));
    }

    #[test]
    fn uncompressed_keys_are_compressed_before_hashing() {
        let Some(v) = testutil::vectors() else { return };
        let c = Certificate::from_coer(&testutil::cert_bytes(&v, "CERT_IUT_A_AT")).unwrap();
        let mut base = (**c.its()).clone();
        let k = c.verify_key().unwrap().to_sec1(false);
        base.to_be_signed.verify_key_indicator = VerificationKeyIndicator::VerificationKey(
            PublicVerificationKey::EcdsaNistP256(EccP256CurvePoint::Uncompressed(
                rasn_its::ieee1609dot2::base_types::EccP256CurvePointUncompressedP256 {
                    x: <[u8; 32]>::try_from(&k[1..33]).unwrap().into(),
                    y: <[u8; 32]>::try_from(&k[33..]).unwrap().into(),
                },
            )),
        );
        let u = Certificate::from_its(
            rasn_its::ieee1609dot2::ExplicitCertificate::new(base)
                .unwrap()
                .into(),
        )
        .unwrap();
        assert_ne!(u.raw(), c.raw());
        assert_eq!(u.canonical(), c.raw());
        assert_eq!(u.hashed_id8(), c.hashed_id8());
    }
}
