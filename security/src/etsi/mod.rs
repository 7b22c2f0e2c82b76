//! The ETSI TS 103 097 v2.1.1 security profile: what an EU RSU puts in the 1609.2 header of
//! each message it signs (§7.1), which signer form it uses, what a receiver checks, and the
//! service specific permissions of [`ssp`].
//!
//! - Signing: [`EtsiPolicy`] chooses the signer form per ITS-AID; the [`crate::sign::Signer`]
//!   applies it when built with [`crate::sign::Profile::Etsi103097`], and
//!   [`crate::sign::Signer::sign_etsi`] is the allocation-light 10 Hz path.
//! - Receiving: [`check_received`] applies the profile to a verified SPDU and returns a typed
//!   [`ProfileViolation`].
//! - Header encoding: [`encode_tbs_into`] writes the COER `ToBeSignedData` of the profile's
//!   headers by hand, proven byte-identical to the generic rasn encoder in the tests.

pub mod ssp;

#[cfg(test)]
mod signing_tests;

use crate::spdu::{Location, SignedSpdu, SignerInfo};
use rasn_its::ieee1609dot2::Ieee1609Dot2Content;

/// ITS-AID of the cooperative awareness basic service (CAM), TS 102 965.
pub const ITS_AID_CAM: u64 = 36;
/// ITS-AID of the decentralized environmental notification service (DENM).
pub const ITS_AID_DENM: u64 = 37;
/// ITS-AID of the traffic light manoeuvre service (SPATEM).
pub const ITS_AID_SPATEM: u64 = 137;
/// ITS-AID of the road and lane topology service (MAPEM).
pub const ITS_AID_MAPEM: u64 = 138;
/// ITS-AID of the infrastructure to vehicle information service (IVIM).
pub const ITS_AID_IVIM: u64 = 139;
/// ITS-AID of the traffic light control service, requests (SREM).
pub const ITS_AID_SREM: u64 = 140;
/// ITS-AID of GeoNetworking management (secured beacons).
pub const ITS_AID_GN_MGMT: u64 = 141;
/// ITS-AID of the traffic light control service, status (SSEM).
pub const ITS_AID_SSEM: u64 = 637;

/// How the signer identifies itself in one message (1609.2 `SignerIdentifier`, as TS 103 097
/// §7.1 restricts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerChoice {
    /// `certificate`: a sequence of exactly one certificate, the authorisation ticket.
    Certificate,
    /// `digest`: the ticket's HashedId8; receivers must have the ticket from elsewhere.
    Digest,
    /// The CAM rule of §7.1.1: `digest`, but the full ticket once per
    /// [`EtsiPolicy::cam_certificate_interval_us`] and after a P2PCD request names it.
    DigestWithPeriodicCertificate,
}

/// The TS 103 097 signing policy: signer form per ITS-AID.
///
/// Defaults (§7.1 and reference/eu-etsi.md §2.2): CAM digest with the certificate at least
/// once a second; DENM always `certificate` (§7.1.2 requires it); every other ITS-AID
/// (SPATEM, MAPEM, IVIM, SSEM, beacons) `certificate`, because a vehicle can only learn an
/// RSU's ticket from CAMs by P2PCD and an RSU need not send CAMs. [`EtsiPolicy::with_digest`]
/// switches an ITS-AID to `digest` where the deployment runs RSU CAMs with the same ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EtsiPolicy {
    /// ITS-AIDs signed with `digest` instead of the default `certificate` (DENM excepted).
    digest_aids: Vec<u64>,
    /// Longest gap between CAMs that carry the full ticket. Vanetza's 1 s − 50 ms, so that a
    /// 1 Hz CAM never misses its second because of scheduling jitter.
    pub cam_certificate_interval_us: i64,
}

impl Default for EtsiPolicy {
    fn default() -> Self {
        EtsiPolicy {
            digest_aids: Vec::new(),
            cam_certificate_interval_us: 950_000,
        }
    }
}

impl EtsiPolicy {
    /// Signs `its_aid` with `digest`. DENM (37) and CAM (36) keep their rules: §7.1.2
    /// requires `certificate` for DENM, and §7.1.1 fixes the CAM behaviour.
    pub fn with_digest(mut self, its_aid: u64) -> Self {
        if its_aid != ITS_AID_DENM && its_aid != ITS_AID_CAM && !self.digest_aids.contains(&its_aid)
        {
            self.digest_aids.push(its_aid);
        }
        self
    }

    /// The signer form for `its_aid` (TS 103 097 §7.1.1–7.1.3).
    pub fn signer_for(&self, its_aid: u64) -> SignerChoice {
        match its_aid {
            ITS_AID_CAM => SignerChoice::DigestWithPeriodicCertificate,
            ITS_AID_DENM => SignerChoice::Certificate,
            a if self.digest_aids.contains(&a) => SignerChoice::Digest,
            _ => SignerChoice::Certificate,
        }
    }
}

/// Whether `its_aid` must carry `generationLocation` (TS 103 097 §7.1.2: DENM only; §7.1.1 and
/// §7.1.3 leave it out of CAM, SPATEM and MAPEM).
pub fn location_required(its_aid: u64) -> bool {
    its_aid == ITS_AID_DENM
}

/// A departure from the TS 103 097 profile, found before signing or on receipt.
/// [`ProfileViolation::code`] is a stable metric label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProfileViolation {
    #[error("generationTime is absent (TS 103 097 §7.1 requires it in every signed message)")]
    MissingGenerationTime,
    #[error("p2pcdLearningRequest is present (TS 103 097 §7.1 forbids it)")]
    P2pcdLearningRequest,
    #[error("missingCrlIdentifier is present (TS 103 097 §7.1 forbids it)")]
    MissingCrlIdentifier,
    #[error("ITS-AID {0}: generationLocation is absent (TS 103 097 §7.1.2 requires it for DENM)")]
    MissingGenerationLocation(u64),
    #[error("ITS-AID {0}: generationLocation is present, which this profile sends only with DENM")]
    UnexpectedGenerationLocation(u64),
    #[error(
        "ITS-AID {0}: inline P2PCD fields outside a CAM (TS 103 097 §7.1.1 defines them for CAM only)"
    )]
    P2pcdOutsideCam(u64),
    #[error("signer is a certificate sequence of {0}, not exactly one (TS 103 097 §5.2)")]
    SignerNotOneCertificate(usize),
    #[error("ITS-AID {0}: signed with digest where the profile requires the certificate (§7.1.2)")]
    DigestNotAllowed(u64),
    #[error("signer is `self`, which TS 103 097 allows only in certificate requests")]
    SelfSigned,
    #[error("header psid {found} is not the expected ITS-AID {expected}")]
    PsidMismatch { expected: u64, found: u64 },
    #[error("payload is not unsecuredData inside the signed data")]
    PayloadNotUnsecured,
}

impl ProfileViolation {
    /// A snake_case label for the refusal counter.
    pub fn code(&self) -> &'static str {
        match self {
            ProfileViolation::MissingGenerationTime => "profile_missing_generation_time",
            ProfileViolation::P2pcdLearningRequest => "profile_p2pcd_learning_request",
            ProfileViolation::MissingCrlIdentifier => "profile_missing_crl_identifier",
            ProfileViolation::MissingGenerationLocation(_) => "profile_missing_generation_location",
            ProfileViolation::UnexpectedGenerationLocation(_) => {
                "profile_unexpected_generation_location"
            }
            ProfileViolation::P2pcdOutsideCam(_) => "profile_p2pcd_outside_cam",
            ProfileViolation::SignerNotOneCertificate(_) => "profile_signer_not_one_certificate",
            ProfileViolation::DigestNotAllowed(_) => "profile_digest_not_allowed",
            ProfileViolation::SelfSigned => "profile_self_signed",
            ProfileViolation::PsidMismatch { .. } => "profile_psid_mismatch",
            ProfileViolation::PayloadNotUnsecured => "profile_payload_not_unsecured",
        }
    }
}

/// Checks the header a signer is about to use against the profile (sending side).
pub fn check_header(h: &crate::spdu::Header) -> Result<(), ProfileViolation> {
    if h.generation_time.is_none() {
        return Err(ProfileViolation::MissingGenerationTime);
    }
    if h.p2pcd_learning_request.is_some() {
        return Err(ProfileViolation::P2pcdLearningRequest);
    }
    check_location(h.psid, h.generation_location.as_ref())?;
    if h.psid != ITS_AID_CAM
        && (!h.inline_p2pcd_request.is_empty() || h.requested_certificate.is_some())
    {
        return Err(ProfileViolation::P2pcdOutsideCam(h.psid));
    }
    Ok(())
}

fn check_location(its_aid: u64, loc: Option<&Location>) -> Result<(), ProfileViolation> {
    match (location_required(its_aid), loc.is_some()) {
        (true, false) => Err(ProfileViolation::MissingGenerationLocation(its_aid)),
        (false, true) => Err(ProfileViolation::UnexpectedGenerationLocation(its_aid)),
        _ => Ok(()),
    }
}

/// The TS 103 097 profile checks of a received signed SPDU carrying `its_aid` (the ITS-AID
/// the GN/BTP layer expects for its port): generationTime present; p2pcdLearningRequest and
/// missingCrlIdentifier absent; generationLocation present for DENM (§7.1.2) and absent for
/// CAM (§7.1.1), SPATEM and MAPEM (this project's profile, as the issue states it; §7.1.3
/// only says it is not required, so other ITS-AIDs such as IVIM may carry one); inline P2PCD
/// fields only in CAMs; a `certificate` signer of exactly one certificate, and never
/// `digest` for DENM; the payload unsecuredData.
///
/// Run it after [`crate::verify::Verifier`] (which checks signature, chain and permissions);
/// it looks at structure only.
pub fn check_received(s: &SignedSpdu<'_>, its_aid: u64) -> Result<(), ProfileViolation> {
    let h = &s.header;
    if h.psid != its_aid {
        return Err(ProfileViolation::PsidMismatch {
            expected: its_aid,
            found: h.psid,
        });
    }
    if h.generation_time.is_none() {
        return Err(ProfileViolation::MissingGenerationTime);
    }
    if h.p2pcd_learning_request.is_some() {
        return Err(ProfileViolation::P2pcdLearningRequest);
    }
    if s.tbs.header_info.missing_crl_identifier.is_some() {
        return Err(ProfileViolation::MissingCrlIdentifier);
    }
    match (its_aid, h.generation_location.is_some()) {
        (ITS_AID_DENM, false) => return Err(ProfileViolation::MissingGenerationLocation(its_aid)),
        (ITS_AID_CAM | ITS_AID_SPATEM | ITS_AID_MAPEM, true) => {
            return Err(ProfileViolation::UnexpectedGenerationLocation(its_aid));
        }
        _ => {}
    }
    if its_aid != ITS_AID_CAM
        && (!h.inline_p2pcd_request.is_empty() || h.requested_certificate.is_some())
    {
        return Err(ProfileViolation::P2pcdOutsideCam(its_aid));
    }
    match &s.signer {
        SignerInfo::Certificates(c) if c.len() != 1 => {
            return Err(ProfileViolation::SignerNotOneCertificate(c.len()));
        }
        SignerInfo::Certificates(_) => {}
        SignerInfo::Digest(_) if its_aid == ITS_AID_DENM => {
            return Err(ProfileViolation::DigestNotAllowed(its_aid));
        }
        SignerInfo::Digest(_) => {}
        SignerInfo::SelfSigned => return Err(ProfileViolation::SelfSigned),
    }
    match s.tbs.payload.data.as_ref().map(|d| &d.content) {
        Some(Ieee1609Dot2Content::UnsecuredData(_)) => Ok(()),
        _ => Err(ProfileViolation::PayloadNotUnsecured),
    }
}

/// Appends the COER length determinant of `len` (X.696 §8.6: short form below 128, else
/// `0x80 | n` and n big-endian octets).
fn push_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        // Below 128, checked.
        out.push(len as u8);
    } else {
        let be = (len as u64).to_be_bytes();
        let skip = be.iter().take_while(|b| **b == 0).count();
        // At most 8 octets follow.
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&be[skip..]);
    }
}

/// Appends the COER of `ToBeSignedData { payload { data unsecuredData(payload) }, headerInfo
/// { psid, generationTime, generationLocation? } }`, the only headers this profile sends
/// outside CAM P2PCD. Hand-written because it runs for every SPATEM; the generic encoder
/// ([`crate::spdu::encode_tbs`]) gives the same octets (tested).
pub fn encode_tbs_into(
    out: &mut Vec<u8>,
    payload: &[u8],
    psid: u64,
    generation_time: u64,
    location: Option<&Location>,
) {
    // SignedDataPayload: extension bit 0, `data` present, `extDataHash` absent.
    out.push(0x40);
    // Ieee1609Dot2Data: protocolVersion 3, content CHOICE index 0 (unsecuredData).
    out.extend_from_slice(&[3, 0x80]);
    push_length(out, payload.len());
    out.extend_from_slice(payload);
    // HeaderInfo preamble: extension bit 0, then the six root OPTIONALs in order
    // (generationTime, expiryTime, generationLocation, p2pcdLearningRequest,
    // missingCrlIdentifier, encryptionKey), one padding bit.
    out.push(if location.is_some() { 0x50 } else { 0x40 });
    // Psid: an unconstrained INTEGER, length-prefixed minimal unsigned octets.
    let be = psid.to_be_bytes();
    let skip = be.iter().take_while(|b| **b == 0).count().min(7);
    push_length(out, 8 - skip);
    out.extend_from_slice(&be[skip..]);
    out.extend_from_slice(&generation_time.to_be_bytes());
    if let Some(l) = location {
        out.extend_from_slice(&l.lat_e7.to_be_bytes());
        out.extend_from_slice(&l.lon_e7.to_be_bytes());
        out.extend_from_slice(&l.elevation.to_be_bytes());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::spdu::{self, Header};

    #[test]
    fn hand_encoder_matches_rasn() {
        let loc = Location {
            lat_e7: -436_163_000,
            lon_e7: 70_553_000,
            elevation: 1_200,
        };
        for len in [0usize, 1, 127, 128, 255, 256, 1400, 70_000] {
            let payload: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            for psid in [0u64, 36, 37, 127, 128, 137, 141, 255, 256, 637, 0x20_40_97] {
                for l in [None, Some(&loc)] {
                    let mut h = Header::new(psid, 0x0102_0304_0506_0708);
                    h.generation_location = l.copied();
                    let want = spdu::encode_tbs(&payload, &h).unwrap();
                    let mut got = Vec::new();
                    encode_tbs_into(&mut got, &payload, psid, 0x0102_0304_0506_0708, l);
                    assert_eq!(got, want, "len {len} psid {psid} location {l:?}");
                }
            }
        }
    }

    #[test]
    fn policy_defaults_follow_the_profile() {
        let p = EtsiPolicy::default();
        assert_eq!(p.signer_for(ITS_AID_SPATEM), SignerChoice::Certificate);
        assert_eq!(p.signer_for(ITS_AID_MAPEM), SignerChoice::Certificate);
        assert_eq!(p.signer_for(ITS_AID_DENM), SignerChoice::Certificate);
        assert_eq!(
            p.signer_for(ITS_AID_CAM),
            SignerChoice::DigestWithPeriodicCertificate
        );
        let p = p
            .with_digest(ITS_AID_SPATEM)
            .with_digest(ITS_AID_DENM)
            .with_digest(ITS_AID_CAM);
        assert_eq!(p.signer_for(ITS_AID_SPATEM), SignerChoice::Digest);
        assert_eq!(p.signer_for(ITS_AID_MAPEM), SignerChoice::Certificate);
        assert_eq!(p.signer_for(ITS_AID_DENM), SignerChoice::Certificate);
        assert_eq!(
            p.signer_for(ITS_AID_CAM),
            SignerChoice::DigestWithPeriodicCertificate
        );
    }

    #[test]
    fn header_checks() {
        let ok = Header::new(ITS_AID_SPATEM, 1);
        check_header(&ok).unwrap();
        let mut h = ok.clone();
        h.generation_time = None;
        assert_eq!(
            check_header(&h),
            Err(ProfileViolation::MissingGenerationTime)
        );
        let mut h = ok.clone();
        h.p2pcd_learning_request = Some(crate::HashedId3([1, 2, 3]));
        assert_eq!(
            check_header(&h).unwrap_err().code(),
            "profile_p2pcd_learning_request"
        );
        let mut h = ok.clone();
        h.generation_location = Some(Location {
            lat_e7: 0,
            lon_e7: 0,
            elevation: 0,
        });
        assert_eq!(
            check_header(&h),
            Err(ProfileViolation::UnexpectedGenerationLocation(137))
        );
        h.psid = ITS_AID_DENM;
        check_header(&h).unwrap();
        h.generation_location = None;
        assert_eq!(
            check_header(&h),
            Err(ProfileViolation::MissingGenerationLocation(37))
        );
        let mut h = ok;
        h.inline_p2pcd_request = vec![crate::HashedId3([1, 2, 3])];
        assert_eq!(
            check_header(&h),
            Err(ProfileViolation::P2pcdOutsideCam(137))
        );
        h.psid = ITS_AID_CAM;
        check_header(&h).unwrap();
    }
}
