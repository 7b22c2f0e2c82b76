//! SPDUs: `Ieee1609Dot2Data` carrying unsecured or signed data (1609.2 §6.3).
//!
//! Parsing keeps the exact received bytes of `tbsData`, which is what the signature covers
//! (hashing a re-encoding would let a decoder's blind spot change the hash).

use crate::cert::{CertError, Certificate};
use crate::coer::{self, CoerError};
use crate::guard::{self, GuardError};
use crate::hash::{HashAlg, HashedId3, HashedId8};
use crate::keys::{KeyError, RawSignature};
use rasn::types::{Integer, OctetString};
use rasn_its::ieee1609dot2::base_types::{
    Elevation, Latitude, Longitude, NinetyDegreeInt, OneEightyDegreeInt, Opaque, Psid,
    SequenceOfHashedId3, Signature, ThreeDLocation, Time64,
};
use rasn_its::ieee1609dot2::{
    Certificate as ItsCertificate, HeaderInfo, Ieee1609Dot2Content, Ieee1609Dot2Data,
    SequenceOfCertificate, SignedDataPayload, SignerIdentifier, ToBeSignedData,
};

/// Why bytes are not a usable SPDU.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpduError {
    #[error("empty or truncated input")]
    Truncated,
    #[error("protocolVersion {0} (only 3 is defined)")]
    Version(u8),
    /// First octet 2: a YD/T 3594-2019 `SecuredMessage` (China's pre-YD/T 3957 format), whose
    /// layout is not 1609.2's; recognised, not parsed (no specification to parse it by).
    #[error("legacy YD/T 3594 SecuredMessage (version 2), not supported")]
    LegacySecuredMessage,
    #[error("content type {0:#04x} is not unsecuredData or signedData")]
    UnsupportedContent(u8),
    #[error("hashId {0} is not sha256, sha384 or sm3")]
    UnknownHash(u8),
    #[error("{0}")]
    Coer(#[from] CoerError),
    #[error("signer {0}")]
    Cert(#[from] CertError),
    #[error("signature: {0}")]
    Key(#[from] KeyError),
    #[error("PSID does not fit in 64 bits")]
    PsidTooLarge,
    /// Refused by [`guard::check_spdu`] before rasn saw it (e.g. a SEQUENCE OF quantity larger
    /// than the input, which would make rasn try to allocate it).
    #[error("{0}")]
    Guard(GuardError),
}

impl SpduError {
    /// A stable snake_case label for a refusal counter.
    pub fn code(&self) -> &'static str {
        match self {
            SpduError::Truncated => "truncated",
            SpduError::Version(_) => "version",
            SpduError::LegacySecuredMessage => "legacy_secured_message",
            SpduError::UnsupportedContent(_) => "unsupported_content",
            SpduError::UnknownHash(_) => "unknown_hash",
            SpduError::Coer(_) => "coer",
            SpduError::Cert(_) => "certificate",
            SpduError::Key(_) => "key",
            SpduError::PsidTooLarge => "psid_too_large",
            SpduError::Guard(_) => "guard",
        }
    }
}

/// The location in `generationLocation`: latitude and longitude in 1e-7 degrees, elevation in
/// the 1609.2 `Elevation` units (decimetres, offset as defined there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub lat_e7: i32,
    pub lon_e7: i32,
    pub elevation: u16,
}

/// The header fields an RSU uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub psid: u64,
    /// `Time64`, TAI microseconds since 2004.
    pub generation_time: Option<u64>,
    pub expiry_time: Option<u64>,
    pub generation_location: Option<Location>,
    /// 1609.2 P2PCD: the sender asks for the certificate with this HashedId3.
    pub p2pcd_learning_request: Option<HashedId3>,
    /// ETSI inline P2PCD requests.
    pub inline_p2pcd_request: Vec<HashedId3>,
    /// A certificate answering an inline P2PCD request.
    pub requested_certificate: Option<ItsCertificate>,
}

impl Header {
    /// A header with only the PSID and generation time (what SPaT/MAP/TIM carry).
    pub fn new(psid: u64, generation_time: u64) -> Self {
        Header {
            psid,
            generation_time: Some(generation_time),
            ..Header::default()
        }
    }

    fn from_its(h: &HeaderInfo) -> Result<Self, SpduError> {
        Ok(Header {
            psid: u64::try_from(&h.psid.0).map_err(|_| SpduError::PsidTooLarge)?,
            generation_time: h.generation_time.as_ref().map(|t| t.0),
            expiry_time: h.expiry_time.as_ref().map(|t| t.0),
            generation_location: h.generation_location.as_ref().map(|l| Location {
                lat_e7: *l.latitude.0,
                lon_e7: l.longitude.0.0,
                elevation: l.elevation.0,
            }),
            p2pcd_learning_request: h.p2pcd_learning_request.as_ref().map(HashedId3::from),
            inline_p2pcd_request: h
                .inline_p2pcd_request
                .as_ref()
                .map(|s| s.0.iter().map(HashedId3::from).collect())
                .unwrap_or_default(),
            requested_certificate: h.requested_certificate.clone(),
        })
    }

    fn to_its(&self) -> HeaderInfo {
        HeaderInfo::builder()
            .psid(Psid(Integer::from(self.psid)))
            .maybe_generation_time(self.generation_time.map(Time64))
            .maybe_expiry_time(self.expiry_time.map(Time64))
            .maybe_generation_location(self.generation_location.map(|l| ThreeDLocation {
                latitude: Latitude(NinetyDegreeInt::from(l.lat_e7)),
                longitude: Longitude(OneEightyDegreeInt(l.lon_e7)),
                elevation: Elevation(l.elevation),
            }))
            .maybe_p2pcd_learning_request(self.p2pcd_learning_request.map(Into::into))
            .maybe_inline_p2pcd_request((!self.inline_p2pcd_request.is_empty()).then(|| {
                SequenceOfHashedId3(
                    self.inline_p2pcd_request
                        .iter()
                        .map(|&h| h.into())
                        .collect(),
                )
            }))
            .maybe_requested_certificate(self.requested_certificate.clone())
            .build()
    }
}

/// Who signed, as the SPDU says.
#[derive(Debug, Clone)]
pub enum SignerInfo {
    Digest(HashedId8),
    /// The signer's certificate first, then (1609.2 only) its issuers.
    Certificates(Vec<Certificate>),
    SelfSigned,
}

/// A parsed signed SPDU.
#[derive(Debug, Clone)]
pub struct SignedSpdu<'a> {
    /// The whole SPDU.
    pub raw: &'a [u8],
    pub hash_alg: HashAlg,
    /// `tbsData` exactly as received.
    pub tbs_bytes: &'a [u8],
    pub tbs: ToBeSignedData,
    pub header: Header,
    pub signer: SignerInfo,
    pub signature: RawSignature,
}

impl SignedSpdu<'_> {
    /// Checks the signature alone with `signer`'s key: `H(H(tbsData) || H(signer))` with the
    /// SPDU's hashId; for SM2 (YD/T 3957) `SM3(Z_A || tbsData)` with ID = SM3(signer). (No
    /// chain, time or permission checks: see the verifier for those.)
    pub fn signature_verifies_with(
        &self,
        signer: &Certificate,
        key: &crate::keys::VerifyKey,
    ) -> bool {
        let alg = self.hash_alg;
        if alg != key.curve().hash() {
            return false;
        }
        match crate::hash::SigningInput::for_key(
            key,
            self.tbs_bytes,
            Some(&signer.digest_with(alg)),
        ) {
            Ok(input) => key.verify(input.as_bytes(), &self.signature),
            Err(_) => false,
        }
    }

    /// The payload carried as `data` → `unsecuredData`, if any.
    pub fn payload(&self) -> Option<&[u8]> {
        match &self.tbs.payload.data.as_ref()?.content {
            Ieee1609Dot2Content::UnsecuredData(o) => Some(&o.0[..]),
            _ => None,
        }
    }
}

/// A parsed SPDU.
#[derive(Debug, Clone)]
pub enum Spdu<'a> {
    Unsecured(Vec<u8>),
    Signed(Box<SignedSpdu<'a>>),
}

const TAG_UNSECURED: u8 = 0x80;
pub(crate) const TAG_SIGNED: u8 = 0x81;

/// Parses an SPDU. Trailing bytes and non-canonical encodings are refused.
///
/// The first three octets (version, content tag, hashId) are looked at by hand; then
/// [`guard::check_spdu`] walks the whole structure before anything reaches rasn, whose decoder
/// would otherwise abort the process on a forged SEQUENCE OF quantity.
pub fn parse(bytes: &[u8]) -> Result<Spdu<'_>, SpduError> {
    let (&version, rest) = bytes.split_first().ok_or(SpduError::Truncated)?;
    if version == crate::cn::LEGACY_SECURED_MESSAGE_VERSION {
        return Err(SpduError::LegacySecuredMessage);
    }
    if version != 3 {
        return Err(SpduError::Version(version));
    }
    let &tag = rest.first().ok_or(SpduError::Truncated)?;
    if tag == TAG_SIGNED {
        // Keeps the specific error for an unknown hashId ahead of the structure walk.
        hash_alg_of(bytes)?;
    }
    if tag == TAG_UNSECURED || tag == TAG_SIGNED {
        guard::check_spdu(bytes).map_err(SpduError::Guard)?;
    }
    match tag {
        TAG_UNSECURED => {
            let d: Ieee1609Dot2Data = coer::decode_canonical(bytes)?;
            match d.content {
                Ieee1609Dot2Content::UnsecuredData(o) => Ok(Spdu::Unsecured(o.0.to_vec())),
                _ => Err(SpduError::UnsupportedContent(tag)),
            }
        }
        TAG_SIGNED => parse_signed(bytes).map(|s| Spdu::Signed(Box::new(s))),
        other => Err(SpduError::UnsupportedContent(other)),
    }
}

fn hash_alg_of(bytes: &[u8]) -> Result<HashAlg, SpduError> {
    let &hash_byte = bytes.get(2).ok_or(SpduError::Truncated)?;
    match hash_byte {
        0 => Ok(HashAlg::Sha256),
        1 => Ok(HashAlg::Sha384),
        2 => Ok(HashAlg::Sm3),
        other => Err(SpduError::UnknownHash(other)),
    }
}

fn parse_signed(bytes: &[u8]) -> Result<SignedSpdu<'_>, SpduError> {
    let hash_alg = hash_alg_of(bytes)?;
    let body = &bytes[3..];
    let (tbs, rest) = coer::decode_prefix::<ToBeSignedData>(body)?;
    let tbs_bytes = &body[..body.len() - rest.len()];
    let (signer, rest2) = coer::decode_prefix::<SignerIdentifier>(rest)?;
    let signer_bytes = &rest[..rest.len() - rest2.len()];
    let (signature, rest3) = coer::decode_prefix::<Signature>(rest2)?;
    if !rest3.is_empty() {
        return Err(CoerError::Trailing {
            what: "Ieee1609Dot2Data",
            count: rest3.len(),
        }
        .into());
    }
    let sig_bytes = &rest2[..rest2.len() - rest3.len()];
    if coer::encode(&tbs)? != tbs_bytes {
        return Err(CoerError::NonCanonical {
            what: "ToBeSignedData",
        }
        .into());
    }
    if coer::encode(&signer)? != signer_bytes {
        return Err(CoerError::NonCanonical {
            what: "SignerIdentifier",
        }
        .into());
    }
    if coer::encode(&signature)? != sig_bytes {
        return Err(CoerError::NonCanonical { what: "Signature" }.into());
    }
    let header = Header::from_its(&tbs.header_info)?;
    let signer = match signer {
        SignerIdentifier::Digest(h) => SignerInfo::Digest((&h).into()),
        SignerIdentifier::Certificate(certs) => SignerInfo::Certificates(
            certs
                .0
                .into_iter()
                .map(Certificate::from_its)
                .collect::<Result<_, _>>()?,
        ),
        SignerIdentifier::SelfSigned(()) => SignerInfo::SelfSigned,
        #[allow(unreachable_patterns)]
        _ => return Err(SpduError::UnsupportedContent(TAG_SIGNED)),
    };
    let signature = RawSignature::from_its(&signature)?;
    Ok(SignedSpdu {
        raw: bytes,
        hash_alg,
        tbs_bytes,
        tbs,
        header,
        signer,
        signature,
    })
}

/// An unsecured SPDU around `payload`.
pub fn unsecured(payload: &[u8]) -> Result<Vec<u8>, CoerError> {
    coer::encode(&unsecured_data(payload))
}

fn unsecured_data(payload: &[u8]) -> Ieee1609Dot2Data {
    Ieee1609Dot2Data {
        protocol_version: Ieee1609Dot2Data::VERSION,
        content: Ieee1609Dot2Content::UnsecuredData(Opaque(OctetString::from_slice(payload))),
    }
}

/// COER of the `ToBeSignedData` carrying `payload` with `header`.
pub fn encode_tbs(payload: &[u8], header: &Header) -> Result<Vec<u8>, CoerError> {
    let payload = SignedDataPayload::builder()
        .data(unsecured_data(payload))
        .build()
        .map_err(|e| CoerError::Encode(e.to_string()))?;
    let tbs = ToBeSignedData {
        payload,
        header_info: header.to_its(),
    };
    let bytes = coer::encode(&tbs)?;
    if header.requested_certificate.is_some() || !header.inline_p2pcd_request.is_empty() {
        // rasn 0.30 has been seen to encode `requestedCertificate` into bytes that do not
        // decode; extension additions are rare, so they are proven to round-trip before use.
        match coer::decode_prefix::<ToBeSignedData>(&bytes) {
            Ok((back, rest)) if rest.is_empty() && back == tbs => {}
            _ => {
                return Err(CoerError::Encode(
                    "header extension (requestedCertificate / inlineP2pcdRequest) does not round-trip in this COER encoder".into(),
                ));
            }
        }
    }
    Ok(bytes)
}

/// The signer field as it goes on the air.
#[derive(Debug, Clone)]
pub enum SignerField<'a> {
    Digest(HashedId8),
    Certificate(&'a Certificate),
    SelfSigned,
}

/// Appends the COER `SignerIdentifier` to `out`.
pub fn encode_signer(signer: &SignerField<'_>, out: &mut Vec<u8>) -> Result<(), CoerError> {
    match signer {
        SignerField::Digest(h) => {
            out.push(0x80);
            out.extend_from_slice(&h.0);
        }
        SignerField::Certificate(c) => {
            // CHOICE index 1, then SEQUENCE OF: quantity as a length-prefixed unsigned integer.
            out.extend_from_slice(&[0x81, 0x01, 0x01]);
            out.extend_from_slice(c.raw());
        }
        SignerField::SelfSigned => out.push(0x82),
    }
    Ok(())
}

/// Appends the COER `Signature`. NIST P-256 and brainpoolP256r1 (root alternatives 0 and 1
/// of the CHOICE, x-only r) are written by hand, as the signer's hot path needs; the other
/// curves are extension alternatives and go through the generic encoder.
pub fn encode_signature_into(sig: &RawSignature, out: &mut Vec<u8>) -> Result<(), CoerError> {
    use crate::keys::Curve;
    let tag = match sig.curve {
        Curve::NistP256 => 0x80,
        Curve::BrainpoolP256r1 => 0x81,
        _ => {
            out.extend_from_slice(&coer::encode(&sig.to_its())?);
            return Ok(());
        }
    };
    // EcdsaP256Signature: rSig as EccP256CurvePoint x-only (CHOICE index 0), then sSig.
    out.extend_from_slice(&[tag, 0x80]);
    out.extend_from_slice(sig.r());
    out.extend_from_slice(sig.s());
    Ok(())
}

/// Assembles a signed SPDU from its encoded parts.
pub fn assemble(
    hash_alg: HashAlg,
    tbs_bytes: &[u8],
    signer: &SignerField<'_>,
    signature: &RawSignature,
) -> Result<Vec<u8>, CoerError> {
    let sig = coer::encode(&signature.to_its())?;
    let signer_len = match signer {
        SignerField::Certificate(c) => c.raw().len() + 3,
        _ => 9,
    };
    let mut out = Vec::with_capacity(3 + tbs_bytes.len() + signer_len + sig.len());
    out.extend_from_slice(&[3, TAG_SIGNED, hash_id_byte(hash_alg)]);
    out.extend_from_slice(tbs_bytes);
    encode_signer(signer, &mut out)?;
    out.extend_from_slice(&sig);
    Ok(out)
}

pub(crate) fn hash_id_byte(h: HashAlg) -> u8 {
    match h {
        HashAlg::Sha256 => 0,
        HashAlg::Sha384 => 1,
        HashAlg::Sm3 => 2,
    }
}

/// The rasn-its form of a signer field (for tests that compare with the generic encoder).
pub fn signer_to_its(signer: &SignerField<'_>) -> SignerIdentifier {
    match signer {
        SignerField::Digest(h) => SignerIdentifier::Digest((*h).into()),
        SignerField::Certificate(c) => {
            SignerIdentifier::Certificate(SequenceOfCertificate(vec![c.its().clone()]))
        }
        SignerField::SelfSigned => SignerIdentifier::SelfSigned(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::testutil;

    #[test]
    fn vector_spdus_parse_and_keep_their_bytes() {
        let Some(v) = testutil::vectors() else { return };
        for s in v["spdus"].as_array().unwrap() {
            let bytes = hex::decode(s["hex"].as_str().unwrap()).unwrap();
            let Spdu::Signed(p) = parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", s["name"]))
            else {
                panic!("{} is signed", s["name"]);
            };
            assert_eq!(p.header.psid, s["expected"]["psid"].as_u64().unwrap());
            assert_eq!(
                p.header.generation_time,
                s["expected"]["generationTime_Time64"].as_u64()
            );
            // Re-encoding the parts gives the received bytes back.
            let d: Ieee1609Dot2Data = coer::decode_canonical(&bytes).unwrap();
            assert_eq!(coer::encode(&d).unwrap(), bytes);
        }
    }

    #[test]
    fn hand_assembled_signer_matches_the_generic_encoder() {
        let Some(v) = testutil::vectors() else { return };
        let c = Certificate::from_coer(&testutil::cert_bytes(&v, "CERT_IUT_A_AT")).unwrap();
        for s in [
            SignerField::Digest(c.hashed_id8()),
            SignerField::Certificate(&c),
            SignerField::SelfSigned,
        ] {
            let mut out = Vec::new();
            encode_signer(&s, &mut out).unwrap();
            assert_eq!(out, coer::encode(&signer_to_its(&s)).unwrap());
        }
    }

    #[test]
    fn header_round_trips_with_every_field() {
        let h = Header {
            psid: 0x20_40_95,
            generation_time: Some(693_000_000_000_000),
            expiry_time: Some(693_000_001_000_000),
            generation_location: Some(Location {
                lat_e7: 436_163_000,
                lon_e7: 70_553_000,
                elevation: 1_200,
            }),
            p2pcd_learning_request: Some(HashedId3([1, 2, 3])),
            inline_p2pcd_request: vec![HashedId3([4, 5, 6])],
            requested_certificate: None,
        };
        assert_eq!(Header::from_its(&h.to_its()).unwrap(), h);
    }

    #[test]
    fn header_extensions_are_refused_rather_than_sent_broken() {
        let Some(v) = testutil::vectors() else { return };
        let c = Certificate::from_coer(&testutil::cert_bytes(&v, "CERT_IUT_A_AT")).unwrap();
        let mut h = Header::new(0x82, 693_000_000_000_000);
        h.inline_p2pcd_request = vec![HashedId3([1, 2, 3])];
        let with_request = encode_tbs(b"x", &h).unwrap();
        assert_eq!(
            coer::decode_canonical::<ToBeSignedData>(&with_request)
                .unwrap()
                .header_info
                .psid
                .0,
            0x82.into()
        );
        h.requested_certificate = Some(c.its().clone());
        // Either it encodes to bytes that decode back, or it is refused: never broken bytes.
        if let Ok(b) = encode_tbs(b"x", &h) {
            let back: ToBeSignedData = coer::decode_canonical(&b).unwrap();
            assert_eq!(Header::from_its(&back.header_info).unwrap(), h);
        }
    }

    #[test]
    fn garbage_is_refused_without_panicking() {
        assert_eq!(parse(&[]).unwrap_err(), SpduError::Truncated);
        assert_eq!(parse(&[4, 0x80]).unwrap_err(), SpduError::Version(4));
        assert_eq!(parse(&[1, 0x80]).unwrap_err(), SpduError::Version(1));
        assert_eq!(
            parse(&[3, 0x82, 0]).unwrap_err(),
            SpduError::UnsupportedContent(0x82)
        );
        assert_eq!(parse(&[3, 0x81, 7]).unwrap_err(), SpduError::UnknownHash(7));
        assert!(parse(&[3, 0x81, 0, 0x40]).is_err());
        let u = unsecured(b"abc").unwrap();
        assert_eq!(u, [3, 0x80, 3, b'a', b'b', b'c']);
        let mut t = u.clone();
        t.push(0);
        assert!(matches!(
            parse(&t),
            Err(SpduError::Coer(CoerError::Trailing { .. }))
        ));
        // Every prefix and every single-byte corruption of a real SPDU is handled.
        let Some(v) = testutil::vectors() else { return };
        let bytes = testutil::spdu_bytes(&v, "vanetza VW");
        for n in 0..bytes.len() {
            let _ = parse(&bytes[..n]);
            let mut m = bytes.clone();
            m[n] ^= 0xff;
            let _ = parse(&m);
        }
    }
}
