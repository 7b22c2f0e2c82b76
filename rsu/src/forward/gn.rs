//! The EU receive side's GeoNetworking and BTP checks, sans-IO: what a received GeoNetworking
//! packet must satisfy before the forwarding rules may select it by ITS-AID, and the reason
//! label of each refusal.
//!
//! A packet's ITS-AID is known two ways, and they must agree: the BTP destination port names
//! the facilities service (EN 302 636-5-1 well-known ports), and a secured packet's 1609.2
//! header names the ITS-AID it was signed for. An unsecured packet has only the port. The
//! facilities PDU's ItsPduHeader then names the message (messageID), which must be the one the
//! port carries. Signature verification is not done here (the verification workers do it);
//! everything here is structure, cheap enough for any input, and fuzzed (`fuzz/gn_receive`).

use rsu_codecs::etsi::EtsiMessage;
use rsu_hw::Psid;
use rsu_hw::demux::{Network, demux};
use rsu_hw::radio::RxFrame;
use rsu_hw::wire::{
    BasicHeader, BtpPacket, BtpPort, BtpRepr, GeoNetworkingRepr, Layer, WireError, btp,
};
use rsu_security::etsi::{self, ProfileViolation};
use rsu_security::spdu::{self, SignedSpdu, Spdu};

/// Per BTP port: the ITS-AID of its service (ISO TS 17419) and the messageID of its PDU.
const PORTS: [(BtpPort, u64, u8); 8] = [
    (BtpPort::CAM, etsi::ITS_AID_CAM, 2),
    (BtpPort::DENM, etsi::ITS_AID_DENM, 1),
    (BtpPort::MAPEM, etsi::ITS_AID_MAPEM, 5),
    (BtpPort::SPATEM, etsi::ITS_AID_SPATEM, 4),
    (BtpPort::IVIM, etsi::ITS_AID_IVIM, 6),
    (BtpPort::SREM, etsi::ITS_AID_SREM, 9),
    (BtpPort::SSEM, etsi::ITS_AID_SSEM, 10),
    // Collective perception (TS 103 324): ITS-AID 639, messageID 14.
    (BtpPort::CPM, 639, 14),
];

/// The ITS-AID and messageID the BTP port `port` carries, if the RSU knows the port.
pub fn port_service(port: BtpPort) -> Option<(u64, u8)> {
    PORTS
        .iter()
        .find(|(p, _, _)| *p == port)
        .map(|(_, aid, id)| (*aid, *id))
}

/// Why a received GeoNetworking packet was not handed to the rules.
/// [`Reject::code`] is the `rsu_received_dropped_total{reason}` label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reject {
    #[error("GeoNetworking version: {0}")]
    Version(WireError),
    #[error("GeoNetworking basic header: {0}")]
    BasicHeader(WireError),
    #[error("GeoNetworking common header: {0}")]
    CommonHeader(WireError),
    #[error("GeoNetworking extended header: {0}")]
    ExtendedHeader(WireError),
    #[error("BTP header: {0}")]
    Btp(WireError),
    /// No BTP header follows (a beacon, IPv6 over GeoNetworking): nothing for the rules.
    #[error("the GeoNetworking packet carries no BTP header")]
    NotBtp,
    #[error("BTP port {0} is not a facilities service the RSU forwards")]
    UnknownPort(u16),
    /// The TS 103 097 secured packet does not parse (truncated, not COER, not signed data
    /// with an unsecuredData payload).
    #[error("secured packet: {0}")]
    Secured(String),
    #[error(
        "secured packet signed for ITS-AID {signed}, but BTP port {port} carries ITS-AID {expected}"
    )]
    ItsAidPortMismatch {
        signed: u64,
        port: u16,
        expected: u64,
    },
    /// No forwarding rule selects the packet's ITS-AID.
    #[error("no forwarding rule selects this ITS-AID")]
    NoRule,
    #[error("facilities PDU does not decode: {0}")]
    Facilities(String),
    #[error("messageID {found} on BTP port {port}, which carries messageID {expected}")]
    MessageIdMismatch { port: u16, expected: u8, found: u8 },
}

impl Reject {
    /// A stable label for the counter of dropped frames.
    pub const fn code(&self) -> &'static str {
        match self {
            Reject::Version(_) => "gn_version",
            Reject::BasicHeader(_) => "gn_basic_header",
            Reject::CommonHeader(_) => "gn_common_header",
            Reject::ExtendedHeader(_) => "gn_extended_header",
            Reject::Btp(_) => "btp_header",
            Reject::NotBtp => "gn_not_btp",
            Reject::UnknownPort(_) => "btp_unknown_port",
            Reject::Secured(_) => "gn_secured_malformed",
            Reject::ItsAidPortMismatch { .. } => "its_aid_port_mismatch",
            // The label the WSMP path uses for a PSID without a rule.
            Reject::NoRule => "no_rule",
            Reject::Facilities(_) => "facilities_malformed",
            Reject::MessageIdMismatch { .. } => "message_id_port_mismatch",
        }
    }

    /// Whether this is normal traffic the rules do not ask for (a beacon, a service without a
    /// rule or port) rather than bad input: counted, but not worth a warning.
    pub const fn is_ordinary(&self) -> bool {
        matches!(
            self,
            Reject::NotBtp | Reject::NoRule | Reject::UnknownPort(_)
        )
    }

    /// Sorts a header parser's error by the header at fault.
    pub fn from_wire(e: WireError) -> Reject {
        let field = match &e {
            WireError::Truncated { field, .. }
            | WireError::Invalid { field, .. }
            | WireError::LengthMismatch { field, .. }
            | WireError::Unsupported { field, .. }
            | WireError::Emit { field, .. } => *field,
        };
        match (e.layer(), field) {
            (Layer::Btp, _) => Reject::Btp(e),
            (_, "version") => Reject::Version(e),
            (_, "basic header" | "basic next header") => Reject::BasicHeader(e),
            // The header type and payload length are common-header fields.
            (_, "common header" | "common next header" | "header type" | "payload length") => {
                Reject::CommonHeader(e)
            }
            _ => Reject::ExtendedHeader(e),
        }
    }
}

/// A GeoNetworking packet that passed the structural checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked<'a> {
    pub header: GeoNetworkingRepr,
    pub btp: BtpRepr,
    /// The ITS-AID the port carries (and, if secured, the one the packet was signed for).
    pub its_aid: Psid,
    /// The facilities PDU after the BTP header.
    pub facilities: &'a [u8],
}

/// The ITS-AID of an unsecured packet's BTP header.
pub fn its_aid_of(btp: &BtpRepr) -> Result<Psid, Reject> {
    let port = btp.dst_port();
    port_service(port)
        .and_then(|(aid, _)| u32::try_from(aid).ok())
        .and_then(Psid::new)
        .ok_or(Reject::UnknownPort(port.0))
}

/// Checks that `facilities` decodes as an ETSI message and is the one `port` carries.
pub fn check_facilities(port: BtpPort, facilities: &[u8]) -> Result<(), Reject> {
    let message =
        EtsiMessage::decode_uper(facilities).map_err(|e| Reject::Facilities(e.to_string()))?;
    let found = message.header().message_id;
    match port_service(port) {
        Some((_, expected)) if expected != found => Err(Reject::MessageIdMismatch {
            port: port.0,
            expected,
            found,
        }),
        Some(_) => Ok(()),
        None => Err(Reject::UnknownPort(port.0)),
    }
}

/// Reads the inside of a secured packet's unsecuredData (common header, extended header,
/// BTP header, facilities PDU) under the outer basic header.
pub fn open_inner(basic: BasicHeader, inner: &[u8]) -> Result<Checked<'_>, Reject> {
    let (header, rest) = GeoNetworkingRepr::parse_inner(basic, inner).map_err(Reject::from_wire)?;
    let kind = header.common.next_header.btp_kind().ok_or(Reject::NotBtp)?;
    let packet = BtpPacket::new_checked(rest).map_err(Reject::from_wire)?;
    let btp = BtpRepr::parse(&packet, kind);
    let its_aid = its_aid_of(&btp)?;
    Ok(Checked {
        header,
        btp,
        its_aid,
        facilities: rest.get(btp::HEADER_LEN..).unwrap_or(&[]),
    })
}

/// A secured packet's signed data and what it carries, checked for structure, before any
/// signature work.
pub struct Secured<'a> {
    pub spdu: Box<SignedSpdu<'a>>,
    /// The unsecuredData the SPDU signs (common header onward).
    pub inner: Vec<u8>,
}

/// Parses a TS 103 097 secured packet (the octets after the basic header) as signed data
/// carrying unsecuredData. Trailing octets after the SPDU are refused by the parser.
pub fn parse_secured(secured: &[u8]) -> Result<Secured<'_>, Reject> {
    match spdu::parse(secured) {
        Ok(Spdu::Signed(s)) => {
            let inner = s
                .payload()
                .ok_or_else(|| Reject::Secured(ProfileViolation::PayloadNotUnsecured.to_string()))?
                .to_vec();
            Ok(Secured { spdu: s, inner })
        }
        // TS 103 097 sends every GeoNetworking packet of a secured station signed; an
        // unsigned wrapper is not what the basic header announced.
        Ok(Spdu::Unsecured(_)) => Err(Reject::Secured("unsecuredData, not signed".into())),
        Err(e) => Err(Reject::Secured(e.to_string())),
    }
}

/// The ITS-AID a secured packet was signed for must be the one its BTP port carries.
pub fn check_signed_for(spdu: &SignedSpdu<'_>, checked: &Checked<'_>) -> Result<(), Reject> {
    let signed = spdu.header.psid;
    let expected = u64::from(checked.its_aid.value());
    if signed == expected {
        Ok(())
    } else {
        Err(Reject::ItsAidPortMismatch {
            signed,
            port: checked.btp.dst_port().0,
            expected,
        })
    }
}

/// Every structural check of the GeoNetworking receive path on one radio frame, as the
/// receive task and a verification worker apply them in turn (demux, secured-packet parse,
/// inner headers, BTP, ITS-AID against port, messageID against port, then the TS 103 097
/// profile), without verification. For the fuzz target and tests; the runtime calls the
/// pieces where they belong. `Ok(None)`: not a GeoNetworking frame.
pub fn check_frame(frame: &RxFrame) -> Result<Option<(Psid, Option<ProfileViolation>)>, Reject> {
    match demux(frame) {
        Ok(Network::GeoNetworking {
            transport: Some(btp),
            data,
            ..
        }) => {
            let its_aid = its_aid_of(&btp)?;
            check_facilities(btp.dst_port(), &data)?;
            Ok(Some((its_aid, None)))
        }
        Ok(Network::GeoNetworking {
            transport: None, ..
        }) => Err(Reject::NotBtp),
        Ok(Network::GeoNetworkingSecured { basic, secured }) => {
            let s = parse_secured(&secured)?;
            let checked = open_inner(basic, &s.inner)?;
            check_signed_for(&s.spdu, &checked)?;
            check_facilities(checked.btp.dst_port(), checked.facilities)?;
            let profile = etsi::check_received(&s.spdu, u64::from(checked.its_aid.value())).err();
            Ok(Some((checked.its_aid, profile)))
        }
        Ok(_) => Ok(None),
        Err(rsu_hw::demux::DemuxError::Wire(e))
            if frame.ethertype == rsu_hw::EtherType::GEONETWORKING =>
        {
            Err(Reject::from_wire(e))
        }
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use bytes::Bytes;
    use rasn_its::ieee1609dot2::base_types::Duration as CertDuration;
    use rsu_codecs::etsi as etsi_codec;
    use rsu_hw::radio::RxMeta;
    use rsu_hw::wire::{
        CommonNextHeader, GnBtpHeaders, LongPositionVector, MacAddr, StationType, Timestamp,
        TrafficClass, secured_packet,
    };
    use rsu_security::etsi::{EtsiPolicy, ssp::SspNeed};
    use rsu_security::pki::EuChain;
    use rsu_security::sign::Signer;
    use rsu_security::spdu::Location;
    use std::sync::Arc;

    pub const NOW: i64 = 1_763_164_800;
    /// Where the test vehicle is.
    fn reference() -> etsi_codec::ReferencePosition {
        use etsi_codec::*;
        ReferencePosition::unknown_accuracy(
            rsu_codecs::j2735::Latitude(481_000_000),
            Longitude(116_000_000),
        )
    }

    /// A valid CAM of station 0x01020304 (ItsPduHeader protocol version 2, messageID 2).
    pub fn cam() -> Vec<u8> {
        use etsi_codec::*;
        let body = CoopAwareness::rsu(GenerationDeltaTime(1234), reference(), None);
        Cam::new(StationID(0x0102_0304), body)
            .encode_uper()
            .unwrap()
    }

    /// A valid DENM of the same station (messageID 1), with only its management container.
    pub fn denm() -> Vec<u8> {
        use etsi_codec::*;
        let action = ActionID {
            originating_station_id: StationID(0x0102_0304),
            sequence_number: SequenceNumber(1),
        };
        let at = TimestampIts(721_000_000_000);
        let management =
            ManagementContainer::new(action, at, at, reference(), StationType::PASSENGER_CAR);
        let body = DecentralizedEnvironmentalNotificationMessage {
            management,
            situation: None,
            location: None,
            alacarte: None,
        };
        Denm::new(StationID(0x0102_0304), body)
            .encode_uper()
            .unwrap()
    }

    pub const HERE: Location = Location {
        lat_e7: 481_000_000,
        lon_e7: 116_000_000,
        elevation: 5000,
    };

    /// A passenger car's single-hop broadcast headers, BTP-B to `port`.
    fn headers(port: BtpPort, next: CommonNextHeader, message_len: usize) -> GnBtpHeaders {
        let btp = BtpRepr::B {
            dst_port: port,
            dst_port_info: 0,
        };
        let mut h = GnBtpHeaders::new(&repr(next), &btp).unwrap();
        h.set_message_len(message_len).unwrap();
        h
    }

    /// A passenger car's single-hop broadcast header.
    fn repr(next: CommonNextHeader) -> GeoNetworkingRepr {
        let mut source = LongPositionVector::rsu(
            MacAddr([0x02, 0, 0, 0, 0x0b, 0x01]),
            Timestamp(1234),
            481_000_000,
            116_000_000,
        );
        source.address.station_type = StationType::PASSENGER_CAR;
        source.speed = 1389;
        source.heading = 900;
        GeoNetworkingRepr::shb(source, next, TrafficClass::from_raw(2))
    }

    pub fn unsecured(port: BtpPort, facilities: &[u8]) -> Vec<u8> {
        let h = headers(port, CommonNextHeader::BtpB, facilities.len());
        let mut out = h.as_bytes().to_vec();
        out.extend_from_slice(facilities);
        out
    }

    /// A vehicle's signing key and ticket for CAM and &denm(), from an EU-shaped test chain.
    pub fn chain() -> EuChain {
        EuChain::demo(NOW - 60, CertDuration::Hours(1), None).unwrap()
    }

    pub fn etsi_signer(chain: &EuChain) -> Signer {
        let key = rsu_security::sign::backend_from_pem(&chain.at_pem, "AT key").unwrap();
        Signer::etsi(key, Arc::new(chain.at.clone()), EtsiPolicy::default()).unwrap()
    }

    /// A secured packet signed for `its_aid` carrying `facilities` on `port`.
    pub fn secured(
        signer: &mut Signer,
        its_aid: u64,
        port: BtpPort,
        facilities: &[u8],
        location: Option<&Location>,
    ) -> Vec<u8> {
        let h = headers(port, CommonNextHeader::BtpB, facilities.len());
        let mut inner = h.secured_inner_prefix().to_vec();
        inner.extend_from_slice(facilities);
        let spdu = signer
            .sign_etsi(its_aid, &inner, SspNeed::NONE, location, NOW * 1_000_000)
            .unwrap();
        let mut out = Vec::new();
        secured_packet(h.basic_header().unwrap(), &spdu, &mut out).unwrap();
        out
    }

    pub fn frame(payload: Vec<u8>) -> RxFrame {
        RxFrame {
            src: MacAddr([0x02, 0, 0, 0, 0x0b, 0x01]),
            dst: MacAddr::BROADCAST,
            ethertype: rsu_hw::EtherType::GEONETWORKING,
            payload: Bytes::from(payload),
            meta: RxMeta {
                channel: Some(180),
                rssi_dbm: Some(-60),
                rate: None,
                timestamp: tokio::time::Instant::now(),
            },
        }
    }

    fn reason(payload: Vec<u8>) -> &'static str {
        match check_frame(&frame(payload)) {
            Err(e) => e.code(),
            Ok(v) => panic!("accepted: {v:?}"),
        }
    }

    #[test]
    fn an_unsecured_cam_names_its_its_aid_by_port() {
        let ok = check_frame(&frame(unsecured(BtpPort::CAM, &cam()))).unwrap();
        assert_eq!(ok, Some((Psid::new(36).unwrap(), None)));
    }

    #[test]
    fn each_malformed_header_has_its_reason() {
        let good = unsecured(BtpPort::CAM, &cam());
        let mut v = good.clone();
        v[0] = 0x21; // version 2
        assert_eq!(reason(v), "gn_version");
        assert_eq!(reason(good[..3].to_vec()), "gn_basic_header");
        let mut v = good.clone();
        v[0] = 0x15; // basic next header 5
        assert_eq!(reason(v), "gn_basic_header");
        assert_eq!(reason(good[..9].to_vec()), "gn_common_header");
        let mut v = good.clone();
        v[5] = 0x77; // header type 7/7
        assert_eq!(reason(v), "gn_common_header");
        let mut v = good.clone();
        v.push(0); // one octet more than the payload length says
        assert_eq!(reason(v), "gn_common_header");
        let mut v = good[..20].to_vec();
        v[8..10].copy_from_slice(&[0, 0]);
        assert_eq!(reason(v), "gn_extended_header");
        let mut v = good.clone();
        v[24..28].copy_from_slice(&i32::MAX.to_be_bytes()); // source latitude off the globe
        assert_eq!(reason(v), "gn_extended_header");
        // Two octets of a BTP header, and a payload length that says so.
        let mut v = good[..42].to_vec();
        v[8..10].copy_from_slice(&[0, 2]);
        assert_eq!(reason(v), "btp_header");
        let mut v = vec![0; 40];
        repr(CommonNextHeader::Any).emit(&mut v).unwrap();
        assert_eq!(reason(v), "gn_not_btp");
    }

    #[test]
    fn ports_and_message_ids_must_agree() {
        assert_eq!(reason(unsecured(BtpPort(9999), &cam())), "btp_unknown_port");
        assert_eq!(
            reason(unsecured(BtpPort::CAM, &denm())),
            "message_id_port_mismatch"
        );
        assert_eq!(
            reason(unsecured(BtpPort::CAM, &cam()[..3])),
            "facilities_malformed"
        );
        assert_eq!(port_service(BtpPort::SPATEM), Some((137, 4)));
        assert_eq!(port_service(BtpPort::SSEM), Some((637, 10)));
    }

    #[test]
    fn secured_packets_are_opened_and_checked() {
        let chain = chain();
        let mut signer = etsi_signer(&chain);
        let (cam_pdu, denm_pdu) = (cam(), denm());
        let cam = secured(&mut signer, 36, BtpPort::CAM, &cam_pdu, None);
        assert_eq!(
            check_frame(&frame(cam.clone())).unwrap(),
            Some((Psid::new(36).unwrap(), None))
        );
        let denm = secured(&mut signer, 37, BtpPort::DENM, &denm_pdu, Some(&HERE));
        assert_eq!(
            check_frame(&frame(denm.clone())).unwrap(),
            Some((Psid::new(37).unwrap(), None))
        );
        // A DENM signed as such but sent on the CAM port.
        let wrong = secured(&mut signer, 37, BtpPort::CAM, &cam_pdu, Some(&HERE));
        assert_eq!(reason(wrong), "its_aid_port_mismatch");
        let wrong_id = secured(&mut signer, 36, BtpPort::CAM, &denm_pdu, None);
        assert_eq!(reason(wrong_id), "message_id_port_mismatch");
        // Truncated anywhere inside the signed data, or garbage after the basic header.
        for cut in [5, 20, cam.len() / 2, cam.len() - 1] {
            assert_eq!(
                reason(cam[..cut].to_vec()),
                "gn_secured_malformed",
                "cut at {cut}"
            );
        }
        let mut garbage = cam[..4].to_vec();
        garbage.extend_from_slice(&[0xff; 40]);
        assert_eq!(reason(garbage), "gn_secured_malformed");
        let mut trailing = cam.clone();
        trailing.push(0);
        assert_eq!(reason(trailing), "gn_secured_malformed");
    }

    #[test]
    fn a_profile_violation_is_reported_with_its_code() {
        let chain = chain();
        // The IEEE 1609.2 profile signs a DENM without generationLocation.
        let key = rsu_security::sign::backend_from_pem(&chain.at_pem, "AT key").unwrap();
        let mut signer = Signer::new(key, Arc::new(chain.at.clone())).unwrap();
        let denm = denm();
        let h = headers(BtpPort::DENM, CommonNextHeader::BtpB, denm.len());
        let mut inner = h.secured_inner_prefix().to_vec();
        inner.extend_from_slice(&denm);
        let spdu = signer.sign(37, &inner, NOW * 1_000_000).unwrap();
        let mut out = Vec::new();
        secured_packet(h.basic_header().unwrap(), &spdu, &mut out).unwrap();
        let (aid, profile) = check_frame(&frame(out)).unwrap().unwrap();
        assert_eq!(aid.value(), 37);
        assert_eq!(
            profile.map(|p| p.code()),
            Some("profile_missing_generation_location")
        );
    }

    /// Vanetza's recorded CAM from a production vehicle (shared security vectors, read at run
    /// time): another implementation's secured packet passes every structural check.
    #[test]
    fn a_recorded_secured_cam_from_another_stack_is_accepted() {
        let dir = std::env::var_os("RSU_VECTORS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors")
            });
        let path = dir.join("security/security-vectors.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            assert!(
                std::env::var("RSU_VECTORS_REQUIRED").as_deref() != Ok("1"),
                "RSU_VECTORS_REQUIRED=1 but {} is missing",
                path.display()
            );
            eprintln!("skipped: {} not found (set RSU_VECTORS)", path.display());
            return;
        };
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let cam = json["spdus"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"].as_str().is_some_and(|n| n.contains("Golf 8 CAM")))
            .expect("the recorded CAM");
        let mut packet = vec![0x12, 0, 0x1a, 1]; // version 1, secured packet, 60 s, RHL 1
        packet.extend(hex::decode(cam["hex"].as_str().unwrap()).unwrap());
        assert_eq!(
            check_frame(&frame(packet)).unwrap(),
            Some((Psid::new(36).unwrap(), None))
        );
    }
}
