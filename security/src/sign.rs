//! The signer: builds signed SPDUs (1609.2 §5.3.1, §6.3) with a key behind [`SignerBackend`].
//!
//! NIST P-256 keys sign with ring (the hot path); the other curves with RustCrypto
//! (deterministic RFC 6979 nonces). A hardware security module plugs in as another backend.
//!
//! The signer identifies itself by digest, attaching its full certificate once per
//! [`InclusionPolicy::interval_us`] and whenever a received SPDU's P2PCD request names our
//! certificate's HashedId3 (1609.2 §8; TS 103 097 §7.1.1).
//!
//! Built with [`Profile::Etsi103097`] it follows TS 103 097 v2.1.1 §7.1 instead: header rules
//! checked before signing, the signer form per ITS-AID from [`EtsiPolicy`], and the
//! authorisation ticket's SSPs checked by [`Signer::sign_etsi`] before anything is signed.

use crate::cert::Certificate;
use crate::etsi::ssp::{SspNeed, SspRefusal, SspTable};
use crate::etsi::{self, EtsiPolicy, ProfileViolation, SignerChoice};
use crate::hash::{Digest, HashAlg, HashedId3, SigningInput};
use crate::keys::{Curve, RawSignature, VerifyKey};
use crate::spdu::{self, Header, Location, SignerField};
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
    /// The header breaks the TS 103 097 profile the signer was built with.
    #[error("TS 103 097 profile: {0}")]
    Profile(#[from] ProfileViolation),
    /// The authorisation ticket's SSP does not allow the content (refused before signing).
    #[error("{0}")]
    Ssp(#[from] SspRefusal),
    /// An ETSI-only call on a signer built for IEEE 1609.2.
    #[error("the signer was not built with the ETSI TS 103 097 profile")]
    NotEtsi,
}

impl SignError {
    /// A snake_case label for the refusal counter: the SSP and profile reasons keep their
    /// own labels ([`SspRefusal::code`], [`ProfileViolation::code`]).
    pub fn code(&self) -> &'static str {
        match self {
            SignError::Ssp(r) => r.code(),
            SignError::Profile(v) => v.code(),
            SignError::PsidNotPermitted(_) => "psid_not_permitted",
            SignError::CertificateNotValid { .. } => "certificate_not_valid",
            SignError::NotEtsi => "not_etsi",
            SignError::Io { .. }
            | SignError::WorldReadable(_)
            | SignError::BadKey(_)
            | SignError::KeyMismatch => "key",
            SignError::Backend(_) => "backend",
            SignError::Encode(_) => "encode",
        }
    }
}

/// A private key that can sign. `message` is a [`SigningInput`]: for ECDSA the 1609.2
/// concatenation `H(data) || H(signer)`, to which the backend applies the scheme's own hash
/// (SHA-256/384 by curve; a backend that only signs digests, an HSM, computes that hash
/// first); for SM2 the 32-octet digest `e = SM3(Z_A || M)` of YD/T 3957, signed as it is
/// (GB/T 32918.2 §6.1 from step A3).
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
                use sm2::dsa::signature::hazmat::PrehashSigner as _;
                if message.len() != 32 {
                    return Err(SignError::Backend(
                        "SM2 signs a 32-octet digest e = SM3(Z_A || M)".into(),
                    ));
                }
                let s: sm2::dsa::Signature = k.sign_prehash(message).map_err(err)?;
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

/// The header profile a [`Signer`] applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Profile {
    /// IEEE 1609.2 as US deployments use it: digest signer, the certificate per
    /// [`InclusionPolicy`] and on P2PCD request; headers as the caller builds them.
    #[default]
    Ieee1609_2,
    /// ETSI TS 103 097 v2.1.1 §7.1: generationTime always, no p2pcdLearningRequest or
    /// missingCrlIdentifier, generationLocation only (and always) for DENM, the signer form
    /// per ITS-AID from the policy, and the ticket's SSPs checked by [`Signer::sign_etsi`].
    /// [`Signer::sign`] and [`Signer::sign_with_header`] apply the header rules and signer
    /// form too, but cannot check SSPs (they are not told what the content needs).
    Etsi103097(EtsiPolicy),
}

/// Signs SPDUs with one certificate and key.
pub struct Signer {
    backend: Box<dyn SignerBackend>,
    cert: Arc<Certificate>,
    cert_hash: Digest,
    hash: HashAlg,
    /// SM2 only: Z_A of the key with ID = SM3(certificate) (YD/T 3957), fixed per signer.
    sm2_za: Option<[u8; 32]>,
    pub policy: InclusionPolicy,
    profile: Profile,
    /// The ticket's SSPs, read once (ETSI profile only; empty otherwise).
    ssps: SspTable,
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
        let cert_hash = cert.digest_with(hash);
        // Cannot fail for an SM2 backend (an SM2 key and a 32-octet SM3 hash); `None` for
        // every other curve.
        let sm2_za = (backend.curve() == Curve::Sm2)
            .then(|| {
                let id = crate::cn::Sm2Id::of_certificate(&cert_hash).ok()?;
                crate::cn::za(&id, &backend.public_key()).ok()
            })
            .flatten();
        Signer {
            cert_hash,
            sm2_za,
            hash,
            backend,
            cert,
            policy: InclusionPolicy::default(),
            profile: Profile::Ieee1609_2,
            ssps: SspTable::default(),
            last_full_us: None,
            p2pcd_pending: false,
        }
    }

    /// A signer for an ETSI authorisation ticket (explicit certificate) and its key, applying
    /// TS 103 097 with `policy`.
    pub fn etsi(
        backend: Box<dyn SignerBackend>,
        ticket: Arc<Certificate>,
        policy: EtsiPolicy,
    ) -> Result<Self, SignError> {
        Ok(Self::new(backend, ticket)?.with_profile(Profile::Etsi103097(policy)))
    }

    /// Switches the header profile (reading the ticket's SSPs for ETSI).
    pub fn with_profile(mut self, profile: Profile) -> Self {
        self.ssps = match profile {
            Profile::Etsi103097(_) => SspTable::from_certificate(&self.cert),
            Profile::Ieee1609_2 => SspTable::default(),
        };
        self.profile = profile;
        self
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The ticket's SSPs as read for the ETSI profile (empty for IEEE 1609.2).
    pub fn ssps(&self) -> &SspTable {
        &self.ssps
    }

    /// Whether content of `its_aid` needing `need` may be signed under the ticket's SSPs,
    /// without signing anything (ETSI profile).
    pub fn check_ssp(&self, its_aid: u64, need: SspNeed) -> Result<(), SignError> {
        if !matches!(self.profile, Profile::Etsi103097(_)) {
            return Err(SignError::NotEtsi);
        }
        Ok(self.ssps.check(its_aid, need)?)
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
        if matches!(self.profile, Profile::Etsi103097(_)) {
            etsi::check_header(header)?;
        }
        self.check_validity(now_unix_us)?;
        let tbs = spdu::encode_tbs(payload, header)?;
        let sig = self.backend.sign(self.signing_input(&tbs)?.as_bytes())?;
        let full = self.takes_certificate(header.psid, now_unix_us);
        self.note_sent(header.psid, full, now_unix_us);
        let signer = if full {
            SignerField::Certificate(&self.cert)
        } else {
            SignerField::Digest(self.cert.hashed_id8())
        };
        Ok(spdu::assemble(self.hash, &tbs, &signer, &sig)?)
    }

    /// Signs a message of `its_aid` under TS 103 097 (the EU hot path: SPATEM at 10 Hz).
    ///
    /// `payload` is what goes into `unsecuredData`; for GeoNetworking that is the common
    /// header onward (common and extended header, BTP, facilities PDU), finished before this
    /// call. `need` is the SSP bits the content needs (from [`crate::etsi::ssp`]'s content
    /// rules); content the ticket does not allow is refused with [`SignError::Ssp`] before
    /// anything is signed, for the caller to count. `location` is the generationLocation:
    /// required for DENM, refused for every other ITS-AID. The header carries psid and
    /// generationTime (now); the signer form follows the [`EtsiPolicy`].
    ///
    /// One allocation (the returned SPDU): the header is encoded by hand into it, the
    /// certificate's hash was computed when the signer was built.
    pub fn sign_etsi(
        &mut self,
        its_aid: u64,
        payload: &[u8],
        need: SspNeed,
        location: Option<&Location>,
        now_unix_us: i64,
    ) -> Result<Vec<u8>, SignError> {
        if !matches!(self.profile, Profile::Etsi103097(_)) {
            return Err(SignError::NotEtsi);
        }
        self.ssps.check(its_aid, need)?;
        if etsi::location_required(its_aid) != location.is_some() {
            return Err(SignError::Profile(if location.is_some() {
                ProfileViolation::UnexpectedGenerationLocation(its_aid)
            } else {
                ProfileViolation::MissingGenerationLocation(its_aid)
            }));
        }
        self.check_validity(now_unix_us)?;
        let full = self.takes_certificate(its_aid, now_unix_us);
        let signer_len = if full { self.cert.raw().len() + 3 } else { 9 };
        // 3 (version, signedData, hashId) + at most 34 of header around the payload's length
        // determinant + signer + signature (at most 1 + 1 + 2 x 48 + open-type length).
        let mut out = Vec::with_capacity(3 + payload.len() + 40 + signer_len + 104);
        out.extend_from_slice(&[3, spdu::TAG_SIGNED, spdu::hash_id_byte(self.hash)]);
        let time64 = time::time64_from_unix_micros(now_unix_us);
        etsi::encode_tbs_into(&mut out, payload, its_aid, time64, location);
        let input = self.signing_input(out.get(3..).unwrap_or(&[]))?;
        let sig = self.backend.sign(input.as_bytes())?;
        self.note_sent(its_aid, full, now_unix_us);
        let signer = if full {
            SignerField::Certificate(&self.cert)
        } else {
            SignerField::Digest(self.cert.hashed_id8())
        };
        spdu::encode_signer(&signer, &mut out)?;
        spdu::encode_signature_into(&sig, &mut out)?;
        Ok(out)
    }

    /// What the key signs for the COER `tbsData`: 1609.2's `H(tbs) || H(certificate)`, or for
    /// SM2 YD/T 3957's `SM3(Z_A || tbs)` with the Z_A computed when the signer was built.
    fn signing_input(&self, tbs: &[u8]) -> Result<SigningInput, SignError> {
        // No call into the backend here: the ECDSA hot path stays as it was. SM3 is the hash
        // of SM2 keys and of no other curve.
        match &self.sm2_za {
            Some(za) => Ok(SigningInput::sm2(za, tbs)),
            None if self.hash == HashAlg::Sm3 => Err(SignError::Backend(
                "no SM2 Z_A for this key (not an SM2 point?)".into(),
            )),
            None => Ok(SigningInput::new(self.hash, tbs, &self.cert_hash)),
        }
    }

    fn check_validity(&self, now_unix_us: i64) -> Result<(), SignError> {
        let now_s = now_unix_us.div_euclid(1_000_000);
        let (from, until) = (self.cert.valid_from_unix(), self.cert.valid_until_unix());
        if now_s < from || now_s > until {
            return Err(SignError::CertificateNotValid { from, until });
        }
        Ok(())
    }

    /// Whether the next SPDU for `psid` carries the full certificate.
    fn takes_certificate(&self, psid: u64, now_unix_us: i64) -> bool {
        let periodic = |interval_us: i64| {
            self.p2pcd_pending
                || self
                    .last_full_us
                    .is_none_or(|t| now_unix_us.saturating_sub(t) >= interval_us || now_unix_us < t)
        };
        match &self.profile {
            Profile::Ieee1609_2 => periodic(self.policy.interval_us),
            Profile::Etsi103097(p) => match p.signer_for(psid) {
                SignerChoice::Certificate => true,
                SignerChoice::Digest => false,
                SignerChoice::DigestWithPeriodicCertificate => {
                    periodic(p.cam_certificate_interval_us)
                }
            },
        }
    }

    /// Records that an SPDU went out. Under ETSI only CAMs count for the once-a-second rule
    /// and answer P2PCD requests (§7.1.1): a SPATEM carrying the ticket does not reset it.
    fn note_sent(&mut self, psid: u64, full: bool, now_unix_us: i64) {
        let counts = match &self.profile {
            Profile::Ieee1609_2 => true,
            Profile::Etsi103097(p) => {
                p.signer_for(psid) == SignerChoice::DigestWithPeriodicCertificate
            }
        };
        if full && counts {
            self.last_full_us = Some(now_unix_us);
            self.p2pcd_pending = false;
        }
    }
}
