//! The signer: builds signed SPDUs (1609.2 §5.3.1, §6.3) with a key behind [`SignerBackend`].
//!
//! NIST P-256 keys sign with ring (the hot path); the other curves with RustCrypto
//! (deterministic RFC 6979 nonces). A hardware security module plugs in as another backend.
//!
//! The signer identifies itself by digest, attaching its full certificate once per
//! [`InclusionPolicy::interval_us`] and whenever a received SPDU's P2PCD request names our
//! certificate's HashedId3 (1609.2 §8; TS 103 097 §7.1.1).

use crate::cert::Certificate;
use crate::hash::{Digest, HashAlg, HashedId3, SigningInput};
use crate::keys::{Curve, RawSignature, VerifyKey};
use crate::spdu::{self, Header, SignerField};
use crate::time;
use ecdsa::signature::hazmat::PrehashSigner;
use elliptic_curve::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use std::path::Path;
use std::sync::Arc;

/// Why signing (or loading a key) failed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: the key file is readable by every user; restrict it (chmod 600)")]
    WorldReadable(String),
    #[error("{0}: not a PKCS#8 PEM EC private key on a supported curve")]
    BadKey(String),
    #[error("the key does not belong to the certificate")]
    KeyMismatch,
    #[error("the certificate does not permit PSID {0}")]
    PsidNotPermitted(u64),
    #[error("the certificate is not valid now (valid Unix {from}..{until})")]
    CertificateNotValid { from: i64, until: i64 },
    #[error("signing failed: {0}")]
    Backend(String),
    #[error("{0}")]
    Encode(#[from] crate::coer::CoerError),
}

/// A private key that can sign. `message` is the 1609.2 concatenation `H(data) || H(signer)`;
/// the backend applies the signature scheme's own hash to it (ECDSA: SHA-256/384 by curve;
/// SM2: SM3 with Z_A). A backend that only signs digests (an HSM) computes that hash first.
pub trait SignerBackend: Send + Sync {
    fn curve(&self) -> Curve;
    fn public_key(&self) -> VerifyKey;
    fn sign(&self, message: &[u8]) -> Result<RawSignature, SignError>;
}

/// NIST P-256 with ring: randomised nonces hedged with the key and message.
pub struct RingP256 {
    pair: ring::signature::EcdsaKeyPair,
    rng: ring::rand::SystemRandom,
}

impl RingP256 {
    /// From a 32-byte scalar.
    pub fn from_scalar(scalar: &[u8]) -> Result<Self, SignError> {
        let sk = p256::SecretKey::from_slice(scalar)
            .map_err(|_| SignError::BadKey("P-256 scalar".into()))?;
        Self::from_secret(&sk)
    }

    fn from_secret(sk: &p256::SecretKey) -> Result<Self, SignError> {
        use elliptic_curve::sec1::ToSec1Point as _;
        let rng = ring::rand::SystemRandom::new();
        let public = sk.public_key().to_sec1_point(false);
        let pair = ring::signature::EcdsaKeyPair::from_private_key_and_public_key(
            &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &sk.to_bytes(),
            public.as_bytes(),
            &rng,
        )
        .map_err(|e| SignError::BadKey(e.to_string()))?;
        Ok(RingP256 { pair, rng })
    }
}

impl SignerBackend for RingP256 {
    fn curve(&self) -> Curve {
        Curve::NistP256
    }

    fn public_key(&self) -> VerifyKey {
        use ring::signature::KeyPair as _;
        let mut uncompressed = [0u8; 65];
        uncompressed.copy_from_slice(self.pair.public_key().as_ref());
        VerifyKey::NistP256 { uncompressed }
    }

    fn sign(&self, message: &[u8]) -> Result<RawSignature, SignError> {
        let sig = self
            .pair
            .sign(&self.rng, message)
            .map_err(|e| SignError::Backend(e.to_string()))?;
        RawSignature::new(Curve::NistP256, sig.as_ref())
            .map_err(|e| SignError::Backend(e.to_string()))
    }
}

/// Keys signed with RustCrypto (deterministic RFC 6979 nonces for ECDSA).
pub enum SoftKey {
    NistP256(p256::ecdsa::SigningKey),
    NistP384(p384::ecdsa::SigningKey),
    BrainpoolP256r1(ecdsa::SigningKey<bp256::BrainpoolP256r1>),
    BrainpoolP384r1(ecdsa::SigningKey<bp384::BrainpoolP384r1>),
    #[cfg(feature = "china")]
    Sm2(sm2::dsa::SigningKey),
}

impl SignerBackend for SoftKey {
    fn curve(&self) -> Curve {
        match self {
            SoftKey::NistP256(_) => Curve::NistP256,
            SoftKey::NistP384(_) => Curve::NistP384,
            SoftKey::BrainpoolP256r1(_) => Curve::BrainpoolP256r1,
            SoftKey::BrainpoolP384r1(_) => Curve::BrainpoolP384r1,
            #[cfg(feature = "china")]
            SoftKey::Sm2(_) => Curve::Sm2,
        }
    }

    fn public_key(&self) -> VerifyKey {
        match self {
            SoftKey::NistP256(k) => VerifyKey::from_p256(&p256::PublicKey::from(k.verifying_key())),
            SoftKey::NistP384(k) => VerifyKey::NistP384(*k.verifying_key()),
            SoftKey::BrainpoolP256r1(k) => VerifyKey::BrainpoolP256r1(*k.verifying_key()),
            SoftKey::BrainpoolP384r1(k) => VerifyKey::BrainpoolP384r1(*k.verifying_key()),
            #[cfg(feature = "china")]
            SoftKey::Sm2(k) => VerifyKey::Sm2(k.verifying_key().clone()),
        }
    }

    fn sign(&self, message: &[u8]) -> Result<RawSignature, SignError> {
        let err = |e: ecdsa::Error| SignError::Backend(e.to_string());
        let curve = self.curve();
        let rs: Vec<u8> = match self {
            SoftKey::NistP256(k) => {
                let s: p256::ecdsa::Signature = k
                    .sign_prehash(HashAlg::Sha256.digest(message).as_bytes())
                    .map_err(err)?;
                s.to_bytes().to_vec()
            }
            SoftKey::NistP384(k) => {
                let s: p384::ecdsa::Signature = k
                    .sign_prehash(HashAlg::Sha384.digest(message).as_bytes())
                    .map_err(err)?;
                s.to_bytes().to_vec()
            }
            SoftKey::BrainpoolP256r1(k) => {
                let s: ecdsa::Signature<bp256::BrainpoolP256r1> = k
                    .sign_prehash(HashAlg::Sha256.digest(message).as_bytes())
                    .map_err(err)?;
                s.to_bytes().to_vec()
            }
            SoftKey::BrainpoolP384r1(k) => {
                let s: ecdsa::Signature<bp384::BrainpoolP384r1> = k
                    .sign_prehash(HashAlg::Sha384.digest(message).as_bytes())
                    .map_err(err)?;
                s.to_bytes().to_vec()
            }
            #[cfg(feature = "china")]
            SoftKey::Sm2(k) => {
                use ecdsa::signature::Signer as _;
                let s: sm2::dsa::Signature = k.try_sign(message).map_err(err)?;
                s.to_bytes().to_vec()
            }
        };
        RawSignature::new(curve, &rs).map_err(|e| SignError::Backend(e.to_string()))
    }
}

/// A fresh random private key on `curve`, as PKCS#8 PEM.
pub fn generate_pem(curve: Curve) -> Result<String, SignError> {
    use ring::rand::SecureRandom as _;
    let rng = ring::rand::SystemRandom::new();
    let bad = |e: String| SignError::Backend(e);
    for _ in 0..16 {
        let mut seed = [0u8; 48];
        rng.fill(&mut seed).map_err(|e| bad(e.to_string()))?;
        let s = &seed[..curve.size()];
        let pem = match curve {
            Curve::NistP256 => p256::SecretKey::from_slice(s)
                .ok()
                .map(|k| k.to_pkcs8_pem(LineEnding::LF)),
            Curve::NistP384 => p384::SecretKey::from_slice(s)
                .ok()
                .map(|k| k.to_pkcs8_pem(LineEnding::LF)),
            Curve::BrainpoolP256r1 => bp256::r1::SecretKey::from_slice(s)
                .ok()
                .map(|k| k.to_pkcs8_pem(LineEnding::LF)),
            Curve::BrainpoolP384r1 => bp384::r1::SecretKey::from_slice(s)
                .ok()
                .map(|k| k.to_pkcs8_pem(LineEnding::LF)),
            #[cfg(feature = "china")]
            Curve::Sm2 => sm2::SecretKey::from_slice(s)
                .ok()
                .map(|k| k.to_pkcs8_pem(LineEnding::LF)),
            #[cfg(not(feature = "china"))]
            Curve::Sm2 => return Err(SignError::BadKey("SM2 needs feature `china`".into())),
        };
        if let Some(p) = pem {
            return Ok(p.map_err(|e| bad(e.to_string()))?.to_string());
        }
    }
    Err(bad("no valid scalar after 16 draws".into()))
}

/// A backend from PKCS#8 PEM text: P-256 goes to ring, other curves to RustCrypto.
pub fn backend_from_pem(pem: &str, what: &str) -> Result<Box<dyn SignerBackend>, SignError> {
    if let Ok(k) = p256::SecretKey::from_pkcs8_pem(pem) {
        return Ok(Box::new(RingP256::from_secret(&k)?));
    }
    if let Ok(k) = p384::SecretKey::from_pkcs8_pem(pem) {
        return Ok(Box::new(SoftKey::NistP384(k.into())));
    }
    if let Ok(k) = bp256::r1::SecretKey::from_pkcs8_pem(pem) {
        return Ok(Box::new(SoftKey::BrainpoolP256r1(k.into())));
    }
    if let Ok(k) = bp384::r1::SecretKey::from_pkcs8_pem(pem) {
        return Ok(Box::new(SoftKey::BrainpoolP384r1(k.into())));
    }
    #[cfg(feature = "china")]
    if let Ok(k) = sm2::SecretKey::from_pkcs8_pem(pem) {
        let sk = sm2::dsa::SigningKey::new(crate::keys::SM2_DISTID, &k)
            .map_err(|_| SignError::BadKey(what.into()))?;
        return Ok(Box::new(SoftKey::Sm2(sk)));
    }
    Err(SignError::BadKey(what.into()))
}

/// Loads a PKCS#8 PEM key file, refusing one that every user can read.
pub fn load_key_file(path: &Path) -> Result<Box<dyn SignerBackend>, SignError> {
    let shown = path.display().to_string();
    let io = |source| SignError::Io {
        path: shown.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if meta.permissions().mode() & 0o004 != 0 {
            return Err(SignError::WorldReadable(shown));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let pem = std::fs::read_to_string(path).map_err(io)?;
    backend_from_pem(&pem, &shown)
}

/// When the full certificate goes with an SPDU instead of its digest.
#[derive(Debug, Clone, Copy)]
pub struct InclusionPolicy {
    /// At least this often (µs); 0 attaches it to every SPDU.
    pub interval_us: i64,
}

impl Default for InclusionPolicy {
    fn default() -> Self {
        InclusionPolicy {
            interval_us: 1_000_000,
        }
    }
}

/// Signs SPDUs with one certificate and key.
pub struct Signer {
    backend: Box<dyn SignerBackend>,
    cert: Arc<Certificate>,
    cert_hash: Digest,
    hash: HashAlg,
    pub policy: InclusionPolicy,
    last_full_us: Option<i64>,
    p2pcd_pending: bool,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Signer({}, {})",
            self.cert.hashed_id8(),
            self.backend.curve().name()
        )
    }
}

impl Signer {
    /// A signer for an explicit certificate; the key must be the certificate's.
    pub fn new(backend: Box<dyn SignerBackend>, cert: Arc<Certificate>) -> Result<Self, SignError> {
        match cert.verify_key() {
            Some(k) if k.to_sec1(true) == backend.public_key().to_sec1(true) => {}
            _ => return Err(SignError::KeyMismatch),
        }
        Ok(Self::with_checked_key(backend, cert))
    }

    /// A signer whose key was checked by the caller (an implicit certificate, whose key is
    /// only known after reconstruction with the issuer).
    pub fn with_checked_key(backend: Box<dyn SignerBackend>, cert: Arc<Certificate>) -> Self {
        let hash = backend.curve().hash();
        Signer {
            cert_hash: cert.digest_with(hash),
            hash,
            backend,
            cert,
            policy: InclusionPolicy::default(),
            last_full_us: None,
            p2pcd_pending: false,
        }
    }

    pub fn certificate(&self) -> &Arc<Certificate> {
        &self.cert
    }

    /// Notes the P2PCD requests of a received SPDU; true if one names our certificate, which
    /// then goes in full with the next SPDU.
    pub fn on_p2pcd_request(&mut self, requested: &[HashedId3]) -> bool {
        let ours = self.cert.hashed_id3();
        let hit = requested.contains(&ours);
        self.p2pcd_pending |= hit;
        hit
    }

    /// Signs `payload` for `psid`, generated now.
    pub fn sign(
        &mut self,
        psid: u64,
        payload: &[u8],
        now_unix_us: i64,
    ) -> Result<Vec<u8>, SignError> {
        let header = Header::new(psid, time::time64_from_unix_micros(now_unix_us));
        self.sign_with_header(&header, payload, now_unix_us)
    }

    /// Signs with a caller-built header (expiry time, location, P2PCD fields).
    pub fn sign_with_header(
        &mut self,
        header: &Header,
        payload: &[u8],
        now_unix_us: i64,
    ) -> Result<Vec<u8>, SignError> {
        if self.cert.permission(header.psid).is_none() {
            return Err(SignError::PsidNotPermitted(header.psid));
        }
        let now_s = now_unix_us.div_euclid(1_000_000);
        let (from, until) = (self.cert.valid_from_unix(), self.cert.valid_until_unix());
        if now_s < from || now_s > until {
            return Err(SignError::CertificateNotValid { from, until });
        }
        let tbs = spdu::encode_tbs(payload, header)?;
        let input = SigningInput::new(self.hash, &tbs, &self.cert_hash);
        let sig = self.backend.sign(input.as_bytes())?;
        let full = self.p2pcd_pending
            || self.last_full_us.is_none_or(|t| {
                now_unix_us.saturating_sub(t) >= self.policy.interval_us || now_unix_us < t
            });
        let signer = if full {
            self.last_full_us = Some(now_unix_us);
            self.p2pcd_pending = false;
            SignerField::Certificate(&self.cert)
        } else {
            SignerField::Digest(self.cert.hashed_id8())
        };
        Ok(spdu::assemble(self.hash, &tbs, &signer, &sig)?)
    }
}
