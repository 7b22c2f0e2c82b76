//! The verifier: an SPDU in, a typed outcome out (1609.2 §5.2, §6.3).
//!
//! Checks, cheapest first, so that a flood of bad traffic costs little: the signer is resolved
//! and its chain validated (cached), then the header's times, the PSID permissions and the
//! generation location, and last the signature over `H(H(tbsData as received) || H(signer))`
//! (SM2 keys, China's YD/T 3957: `SM3(Z_A || tbsData as received)`, Z_A with the signer
//! certificate's SM3 hash as ID; see [`crate::cn`]).
//!
//! Bytes whose first octet is 2 (China's legacy YD/T 3594 `SecuredMessage`) are an `Err`:
//! [`crate::spdu::SpduError::LegacySecuredMessage`], label `legacy_secured_message`.

use crate::cert::Certificate;
use crate::hash::{HashedId3, HashedId8};
use crate::region::{self, Containment};
use crate::spdu::{self, SignedSpdu, SignerInfo, Spdu, SpduError};
use crate::time;
use crate::trust::{self, ChainError, RegionPolicy, TrustStore, ValidatedCert};
use std::fmt;
use std::sync::Arc;

/// Verifier settings. Times in microseconds.
#[derive(Debug, Clone)]
pub struct VerifierConfig {
    /// Oldest acceptable generation time, relative to now.
    pub max_age_us: u64,
    /// How far in the future a generation time may be (clock skew between stations).
    pub max_future_us: u64,
    /// Refuse SPDUs without a generation time (TS 103 097 requires one).
    pub require_generation_time: bool,
    /// PSIDs whose signer must hold an SSP (ETSI CAM 36 and DENM 37 define theirs).
    pub ssp_required: Vec<u64>,
}

impl Default for VerifierConfig {
    fn default() -> Self {
        VerifierConfig {
            max_age_us: 30_000_000,
            max_future_us: 10_000_000,
            require_generation_time: true,
            ssp_required: vec![36, 37],
        }
    }
}

/// Why a signed SPDU is not valid. [`Reason::code`] gives a stable snake_case name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Decodes, but is inconsistent (e.g. a hashId that does not fit the signer's key).
    Malformed(String),
    /// Unsecured data: nothing to verify.
    Unsigned,
    /// Signed with `self` outside a certificate request.
    SelfSigned,
    /// The signer's digest names no known certificate; `p2pcd` is the HashedId3 to ask for.
    UnknownSigner {
        id: HashedId8,
        p2pcd: HashedId3,
    },
    /// An issuer in the chain is not known.
    UnknownIssuer(HashedId8),
    /// The chain ends at a self-signed certificate that is not a trust anchor.
    UntrustedRoot(HashedId8),
    CertificateExpired(HashedId8),
    CertificateNotYetValid(HashedId8),
    /// A certificate in the chain is not properly issued (signature, nested validity or region,
    /// issuer without issuing rights, chain too long).
    BadCertificate(String),
    PsidNotPermitted(String),
    MissingGenerationTime,
    GenerationTimeOutsideCertificate,
    /// Generation time older than the freshness window.
    Stale {
        age_us: u64,
    },
    /// Generation time later than now plus the allowed skew.
    FromFuture {
        ahead_us: u64,
    },
    /// `expiryTime` has passed.
    Expired,
    /// `generationLocation` lies outside the signer's region.
    OutsideRegion,
    BadSignature,
}

impl Reason {
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Malformed(_) => "malformed",
            Reason::Unsigned => "unsigned",
            Reason::SelfSigned => "self_signed",
            Reason::UnknownSigner { .. } => "unknown_signer",
            Reason::UnknownIssuer(_) => "unknown_issuer",
            Reason::UntrustedRoot(_) => "untrusted_root",
            Reason::CertificateExpired(_) => "certificate_expired",
            Reason::CertificateNotYetValid(_) => "certificate_not_yet_valid",
            Reason::BadCertificate(_) => "bad_certificate",
            Reason::PsidNotPermitted(_) => "psid_not_permitted",
            Reason::MissingGenerationTime => "missing_generation_time",
            Reason::GenerationTimeOutsideCertificate => "generation_time_outside_certificate",
            Reason::Stale { .. } => "stale",
            Reason::FromFuture { .. } => "from_future",
            Reason::Expired => "expired",
            Reason::OutsideRegion => "outside_region",
            Reason::BadSignature => "bad_signature",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Malformed(s) => write!(f, "malformed: {s}"),
            Reason::Unsigned => f.write_str("unsecured data, no signature"),
            Reason::SelfSigned => f.write_str("self-signed SPDU"),
            Reason::UnknownSigner { id, .. } => write!(f, "unknown signer {id}"),
            Reason::UnknownIssuer(id) => write!(f, "unknown issuer {id}"),
            Reason::UntrustedRoot(id) => write!(f, "chain ends at untrusted root {id}"),
            Reason::CertificateExpired(id) => write!(f, "certificate {id} expired"),
            Reason::CertificateNotYetValid(id) => write!(f, "certificate {id} not yet valid"),
            Reason::BadCertificate(s) => write!(f, "bad certificate: {s}"),
            Reason::PsidNotPermitted(s) => f.write_str(s),
            Reason::MissingGenerationTime => f.write_str("no generation time"),
            Reason::GenerationTimeOutsideCertificate => {
                f.write_str("generation time outside the signer certificate's validity")
            }
            Reason::Stale { age_us } => write!(f, "generated {} ms ago", age_us / 1000),
            Reason::FromFuture { ahead_us } => {
                write!(f, "generated {} ms in the future", ahead_us / 1000)
            }
            Reason::Expired => f.write_str("expiry time has passed"),
            Reason::OutsideRegion => f.write_str("generation location outside the signer's region"),
            Reason::BadSignature => f.write_str("signature does not verify"),
        }
    }
}

/// The result of verifying one SPDU that parsed.
#[derive(Debug)]
pub struct Verification<'a> {
    /// `None` when valid.
    pub reason: Option<Reason>,
    /// The parsed SPDU.
    pub spdu: Spdu<'a>,
    /// The signer's validated chain, when it was established.
    pub signer: Option<Arc<ValidatedCert>>,
}

impl Verification<'_> {
    pub fn is_valid(&self) -> bool {
        self.reason.is_none()
    }

    pub fn signed(&self) -> Option<&SignedSpdu<'_>> {
        match &self.spdu {
            Spdu::Signed(s) => Some(s),
            Spdu::Unsecured(_) => None,
        }
    }

    /// The signer's HashedId8 as the SPDU names it.
    pub fn signer_id(&self) -> Option<HashedId8> {
        match &self.signed()?.signer {
            SignerInfo::Digest(h) => Some(*h),
            SignerInfo::Certificates(c) => c.first().map(Certificate::hashed_id8),
            SignerInfo::SelfSigned => None,
        }
    }

    /// The payload carried.
    pub fn payload(&self) -> Option<&[u8]> {
        match &self.spdu {
            Spdu::Signed(s) => s.payload(),
            Spdu::Unsecured(p) => Some(p),
        }
    }
}

/// Verifies SPDUs against a trust store. `Clone` gives an independent verifier (one per
/// worker thread).
#[derive(Debug, Clone)]
pub struct Verifier {
    pub config: VerifierConfig,
    pub store: TrustStore,
}

impl Verifier {
    pub fn new(store: TrustStore, config: VerifierConfig) -> Self {
        Verifier { config, store }
    }

    /// Verifies `bytes` at `now_unix_us`. `Err` means the bytes are not an SPDU at all.
    pub fn verify<'a>(
        &mut self,
        bytes: &'a [u8],
        now_unix_us: i64,
    ) -> Result<Verification<'a>, SpduError> {
        Ok(self.verify_parsed(spdu::parse(bytes)?, now_unix_us))
    }

    /// As [`Verifier::verify`] for an SPDU the caller has parsed already (to look at its
    /// signer first, say), so it is not parsed twice.
    pub fn verify_parsed<'a>(&mut self, parsed: Spdu<'a>, now_unix_us: i64) -> Verification<'a> {
        let (reason, signer) = match &parsed {
            Spdu::Unsecured(_) => (Some(Reason::Unsigned), None),
            Spdu::Signed(s) => match self.check(s, now_unix_us) {
                Ok(v) => (None, Some(v)),
                Err((r, v)) => (Some(r), v),
            },
        };
        Verification {
            reason,
            spdu: parsed,
            signer,
        }
    }

    #[allow(clippy::type_complexity)]
    fn check(
        &mut self,
        s: &SignedSpdu<'_>,
        now_us: i64,
    ) -> Result<Arc<ValidatedCert>, (Reason, Option<Arc<ValidatedCert>>)> {
        let now_s = now_us.div_euclid(1_000_000);
        let signer = match &s.signer {
            SignerInfo::Digest(id) => self.store.validate_id(id, now_s).map_err(|e| match e {
                ChainError::UnknownIssuer(x) if x == *id => Reason::UnknownSigner {
                    id: *id,
                    p2pcd: HashedId3([id.0[5], id.0[6], id.0[7]]),
                },
                e => chain_reason(e),
            }),
            SignerInfo::Certificates(certs) => {
                let Some(first) = certs.first() else {
                    return Err((Reason::Malformed("empty certificate signer".into()), None));
                };
                for c in &certs[1..] {
                    self.store.learn(c);
                }
                let r = self
                    .store
                    .validate_received(first, now_s)
                    .map_err(chain_reason);
                if r.is_ok() {
                    self.store.learn(first);
                }
                r
            }
            SignerInfo::SelfSigned => Err(Reason::SelfSigned),
        }
        .map_err(|r| (r, None))?;
        let fail = |r: Reason| Err((r, Some(signer.clone())));

        if s.hash_alg != signer.key.curve().hash() {
            return fail(Reason::Malformed(format!(
                "hashId {} does not fit a {} key",
                s.hash_alg.name(),
                signer.key.curve().name()
            )));
        }
        let h = &s.header;
        match h.generation_time {
            None if self.config.require_generation_time => {
                return fail(Reason::MissingGenerationTime);
            }
            None => {}
            Some(generated) => {
                let now_t64 = time::time64_from_unix_micros(now_us);
                if generated > now_t64.saturating_add(self.config.max_future_us) {
                    return fail(Reason::FromFuture {
                        ahead_us: generated - now_t64,
                    });
                }
                if generated.saturating_add(self.config.max_age_us) < now_t64 {
                    return fail(Reason::Stale {
                        age_us: now_t64 - generated,
                    });
                }
                let gen_unix = time::unix_micros_from_time64(generated).div_euclid(1_000_000);
                let tol = self.store.config().time_tolerance_s;
                if gen_unix + tol < signer.cert.valid_from_unix()
                    || gen_unix - tol > signer.cert.valid_until_unix()
                {
                    return fail(Reason::GenerationTimeOutsideCertificate);
                }
                if let Some(exp) = h.expiry_time
                    && exp <= generated
                {
                    return fail(Reason::Malformed(
                        "expiryTime not after generationTime".into(),
                    ));
                }
            }
        }
        if let Some(exp) = h.expiry_time
            && exp < time::time64_from_unix_micros(now_us)
        {
            return fail(Reason::Expired);
        }
        let ssp_required = self.config.ssp_required.contains(&h.psid);
        if let Err(e) = trust::permits(&signer, h.psid, ssp_required) {
            return fail(Reason::PsidNotPermitted(e.to_string()));
        }
        if let (Some(loc), Some(region)) = (h.generation_location, &signer.region) {
            match region::contains_point(region, loc.lat_e7, loc.lon_e7) {
                Ok(Containment::Inside) => {}
                Ok(Containment::Undecidable)
                    if self.store.config().region_policy == RegionPolicy::Lenient => {}
                Ok(_) => return fail(Reason::OutsideRegion),
                Err(e) => return fail(Reason::Malformed(format!("generationLocation: {e}"))),
            }
        }
        if !s.signature_verifies_with(&signer.cert, &signer.key) {
            return fail(Reason::BadSignature);
        }
        Ok(signer)
    }
}

fn chain_reason(e: ChainError) -> Reason {
    match e {
        ChainError::UnknownIssuer(id) => Reason::UnknownIssuer(id),
        ChainError::UntrustedRoot(id) => Reason::UntrustedRoot(id),
        ChainError::Expired { id, .. } => Reason::CertificateExpired(id),
        ChainError::NotYetValid { id, .. } => Reason::CertificateNotYetValid(id),
        e @ (ChainError::ValidityOutsideIssuer(_)
        | ChainError::RegionOutsideIssuer(_)
        | ChainError::BadCertificateSignature(_)
        | ChainError::IssuerNotAuthorized(_)
        | ChainError::TooLong(_)) => Reason::BadCertificate(e.to_string()),
        e @ ChainError::Malformed(..) => Reason::Malformed(e.to_string()),
    }
}
