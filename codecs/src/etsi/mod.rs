//! ETSI ITS (EU): the ItsPduHeader envelopes of TS 103 301 (SPATEM, MAPEM, IVIM, SREM, SSEM)
//! and EN 302 637 (CAM, DENM), with the ETSI-ITS-DSRC content (ISO TS 19091 ed. 2) shared with
//! [`crate::j2735`] through the [`Etsi`] dialect, and the Addgrp-C regional extensions.
//!
//! An ETSI message is a SEQUENCE of the 6-octet [`ItsPduHeader`] and one body, with no length
//! wrapper: the BTP payload is the message. Build one with `new(station_id, body)`, which puts
//! the protocol version this codec sends (2) in the header; decode one of unknown type with
//! [`EtsiMessage::decode_uper`], which dispatches on the header's messageID.
//!
//! From the J2735 values the US path already builds (the SPAT is shared as is; the MapData
//! moves to the ETSI dialect, which changes only how longitudes are encoded):
//!
//! ```
//! use rsu_codecs::etsi::{AddGrpC, ExceptionalCondition, Mapem, MovementEventAddGrpC, Redialect, Spatem};
//! use rsu_codecs::j2735::*;
//!
//! let event = MovementEvent::new(MovementPhaseState::StopAndRemain);
//! let state = MovementState::new(SignalGroupID(2), MovementEventList(vec![event]));
//! let id = IntersectionReferenceID { region: None, id: IntersectionID(12110) };
//! let status = IntersectionStatusObject(rasn::types::BitString::repeat(false, 16));
//! let mut intersection = IntersectionState::new(id, MsgCount(1), status, MovementList(vec![state]));
//! // Optional Addgrp-C data: why the first movement's state changed.
//! MovementEventAddGrpC::new(Some(ExceptionalCondition::PublicTransportPriority))
//!     .put(&mut intersection.states.0[0].state_time_speed.0[0].regional)?;
//! let spat = SPAT::new(IntersectionStateList(vec![intersection]));
//!
//! let spatem = Spatem::new(StationID(1001), spat);
//! let mut buf = Vec::new();
//! spatem.encode_uper_into(&mut buf)?; // the hot path; `encode_uper()` gives the same bytes
//! assert_eq!(buf[..6], [0x02, 0x04, 0x00, 0x00, 0x03, 0xe9]);
//!
//! let lane = GenericLane::new(LaneID(1), LaneAttributes {
//!     directional_use: LaneDirection(rasn::types::BitString::repeat(false, 2)),
//!     shared_with: LaneSharing(rasn::types::BitString::repeat(false, 10)),
//!     lane_type: LaneTypeAttributes::Vehicle(LaneAttributesVehicle(rasn::types::BitString::repeat(false, 8))),
//!     regional: None,
//! }, NodeListXY::Computed(ComputedLane::new(
//!     LaneID(2),
//!     ComputedLaneOffsetXaxis::Small(DrivenLineOffsetSm(0)),
//!     ComputedLaneOffsetYaxis::Small(DrivenLineOffsetSm(350)),
//! )));
//! let reference = Position3D::new(Latitude(521_234_567), Longitude(51_234_567));
//! let geometry = IntersectionGeometry::new(id, MsgCount(1), reference, LaneList(vec![lane]));
//! let mut map = MapData::new(MsgCount(1)); // J2735, as the US path builds it
//! map.intersections = Some(IntersectionGeometryList(vec![geometry]));
//! let mapem = Mapem::new(StationID(1001), map.redialect());
//! let bytes = mapem.encode_uper()?;
//! assert_eq!(Mapem::decode_uper(&bytes)?, mapem);
//! # Ok::<(), rsu_codecs::Error>(())
//! ```
#![allow(clippy::upper_case_acronyms, clippy::too_many_arguments)]

mod addgrpc;
mod cam;
mod cdd;
mod denm;
mod ivim;
mod pdu;
pub mod random;

pub use crate::dialect::{Dialect, Etsi, Redialect};
pub use addgrpc::*;
pub use cam::*;
pub use cdd::*;
pub use denm::*;
pub use ivim::*;
pub use pdu::{
    ISO_TIME_MARK_MAX, ItsPdu, ItsPduHeader, Mapem, Spatem, Srem, Ssem, check_time_marks,
};

use serde_json::Value;

use crate::error::Error;

/// Any ETSI message, chosen by the header's messageID.
#[derive(Debug, Clone, PartialEq)]
pub enum EtsiMessage {
    /// DENM (1).
    Denm(Box<Denm>),
    /// CAM (2).
    Cam(Box<Cam>),
    /// SPATEM (4).
    Spatem(Box<Spatem>),
    /// MAPEM (5).
    Mapem(Box<Mapem>),
    /// IVIM (6).
    Ivim(Box<Ivim>),
    /// SREM (9).
    Srem(Box<Srem>),
    /// SSEM (10).
    Ssem(Box<Ssem>),
    /// A message this codec does not type (e.g. CPM, 14): its header and all its octets,
    /// which re-encode unchanged.
    Unknown {
        /// The header, read from the first 6 octets.
        header: ItsPduHeader,
        /// The whole message as received, header included.
        bytes: Vec<u8>,
    },
}

// The codec entry points are not inlined, for the reason given on `MessageFrame`'s impl.
impl EtsiMessage {
    /// The message's header.
    pub fn header(&self) -> &ItsPduHeader {
        match self {
            Self::Denm(m) => &m.header,
            Self::Cam(m) => &m.header,
            Self::Spatem(m) => &m.header,
            Self::Mapem(m) => &m.header,
            Self::Ivim(m) => &m.header,
            Self::Srem(m) => &m.header,
            Self::Ssem(m) => &m.header,
            Self::Unknown { header, .. } => header,
        }
    }

    /// Decodes a whole UPER message of any type this codec knows; an unknown messageID is
    /// kept as [`EtsiMessage::Unknown`], a known one with a bad body is an error.
    #[inline(never)]
    pub fn decode_uper(bytes: &[u8]) -> Result<Self, Error> {
        let header = ItsPduHeader::peek(bytes)?;
        Ok(match header.message_id {
            ItsPduHeader::DENM => Self::Denm(Box::new(Denm::decode_uper(bytes)?)),
            ItsPduHeader::CAM => Self::Cam(Box::new(Cam::decode_uper(bytes)?)),
            ItsPduHeader::SPATEM => Self::Spatem(Box::new(Spatem::decode_uper(bytes)?)),
            ItsPduHeader::MAPEM => Self::Mapem(Box::new(Mapem::decode_uper(bytes)?)),
            ItsPduHeader::IVIM => Self::Ivim(Box::new(Ivim::decode_uper(bytes)?)),
            ItsPduHeader::SREM => Self::Srem(Box::new(Srem::decode_uper(bytes)?)),
            ItsPduHeader::SSEM => Self::Ssem(Box::new(Ssem::decode_uper(bytes)?)),
            _ => Self::Unknown {
                header,
                bytes: bytes.to_vec(),
            },
        })
    }

    /// UPER encoding of the message.
    #[inline(never)]
    pub fn encode_uper(&self) -> Result<Vec<u8>, Error> {
        match self {
            Self::Denm(m) => m.encode_uper(),
            Self::Cam(m) => m.encode_uper(),
            Self::Spatem(m) => m.encode_uper(),
            Self::Mapem(m) => m.encode_uper(),
            Self::Ivim(m) => m.encode_uper(),
            Self::Srem(m) => m.encode_uper(),
            Self::Ssem(m) => m.encode_uper(),
            Self::Unknown { bytes, .. } => Ok(bytes.clone()),
        }
    }

    /// The message as X.697 JER; an unknown message has no JER here and is an error.
    #[inline(never)]
    pub fn to_jer(&self) -> Result<Value, Error> {
        match self {
            Self::Denm(m) => m.to_jer(),
            Self::Cam(m) => m.to_jer(),
            Self::Spatem(m) => m.to_jer(),
            Self::Mapem(m) => m.to_jer(),
            Self::Ivim(m) => m.to_jer(),
            Self::Srem(m) => m.to_jer(),
            Self::Ssem(m) => m.to_jer(),
            Self::Unknown { header, .. } => Err(Error::Constraint {
                path: "header.messageID".into(),
                reason: format!("messageID {} has no typed JER here", header.message_id),
            }),
        }
    }

    /// Reads a message from JER text, choosing its type by `header.messageID`.
    #[inline(never)]
    pub fn from_jer(text: &str) -> Result<Self, Error> {
        let json = serde_json::from_str::<Value>(text).map_err(|e| Error::Jer {
            path: format!("line {} column {}", e.line(), e.column()),
            reason: e.to_string(),
        })?;
        let id = json
            .get("header")
            .and_then(|h| h.get("messageID"))
            .and_then(Value::as_u64)
            .ok_or_else(|| Error::Jer {
                path: "header.messageID".into(),
                reason: "missing or not an integer".into(),
            })?;
        Ok(match u8::try_from(id).unwrap_or(u8::MAX) {
            ItsPduHeader::DENM => Self::Denm(Box::new(pdu::from_jer_value(&json)?)),
            ItsPduHeader::CAM => Self::Cam(Box::new(pdu::from_jer_value(&json)?)),
            ItsPduHeader::SPATEM => Self::Spatem(Box::new(pdu::from_jer_value(&json)?)),
            ItsPduHeader::MAPEM => Self::Mapem(Box::new(pdu::from_jer_value(&json)?)),
            ItsPduHeader::IVIM => Self::Ivim(Box::new(pdu::from_jer_value(&json)?)),
            ItsPduHeader::SREM => Self::Srem(Box::new(pdu::from_jer_value(&json)?)),
            ItsPduHeader::SSEM => Self::Ssem(Box::new(pdu::from_jer_value(&json)?)),
            other => {
                return Err(Error::Jer {
                    path: "header.messageID".into(),
                    reason: format!("messageID {other} has no typed JER here"),
                });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::j2735::{J2735, Latitude, Position3D, TimeMark};
    use crate::testutil::{
        json_difference, read_json, read_vector, reconcile_extensible_bit_strings,
    };

    /// Decodes an ETSI vector, compares it with the reference decoder's JSON, and checks that
    /// it re-encodes to the same bytes and that the JSON reads back to the same value.
    fn check_vector(name: &str) -> Option<EtsiMessage> {
        let bytes = read_vector(&format!("etsi/{name}.hex"))?;
        let message = EtsiMessage::decode_uper(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !matches!(message, EtsiMessage::Unknown { .. }),
            "{name}: not typed"
        );
        let mut expected = read_json(&format!("etsi/{name}.jer.json"))?;
        let as_written = EtsiMessage::from_jer(&expected.to_string())
            .unwrap_or_else(|e| panic!("{name} as written: {e}"));
        assert_eq!(
            as_written, message,
            "{name}: JER as written decodes differently"
        );
        let actual = message.to_jer().unwrap_or_else(|e| panic!("{name}: {e}"));
        reconcile_extensible_bit_strings(&actual, &mut expected);
        if let Some(diff) = json_difference(&actual, &expected, "") {
            panic!("{name}: JER differs at {diff}");
        }
        assert_eq!(
            message.encode_uper().unwrap(),
            bytes,
            "{name}: re-encoding differs"
        );
        Some(message)
    }

    #[test]
    fn spatem_vector_is_bit_exact() {
        let Some(m) = check_vector("cits_spatem") else {
            return;
        };
        assert_eq!(m.header().protocol_version, 2);
        assert!(matches!(m, EtsiMessage::Spatem(_)));
    }

    #[test]
    fn mapem_vector_is_bit_exact() {
        let Some(m) = check_vector("cits_mapem") else {
            return;
        };
        assert!(matches!(m, EtsiMessage::Mapem(_)));
    }

    #[test]
    fn srem_vector_is_bit_exact() {
        let Some(m) = check_vector("cits_srem_pre_ocit") else {
            return;
        };
        assert!(matches!(m, EtsiMessage::Srem(_)));
    }

    #[test]
    fn cam_vectors_are_bit_exact() {
        for name in ["cits_cam", "issue156_cam", "issue179_cam"] {
            let Some(m) = check_vector(name) else {
                return;
            };
            assert!(matches!(m, EtsiMessage::Cam(_)), "{name}");
        }
    }

    /// The DENM vector is DENM v2.2.1 data whose JSON was written by a v1 decoder
    /// (vectors/README.md): only its bytes are authoritative. They decode with the
    /// EN 302 637-3 v1.3.1 structure and re-encode unchanged.
    /// A DENM whose event history holds an extension value of PathDeltaTime (the fuzzer
    /// found one of hundreds of digits, which UPER can carry and JSON cannot) is refused at
    /// its field path, decoding and encoding.
    #[test]
    fn extension_values_of_extensible_integers_are_refused() {
        let at = TimestampIts(721_000_000_000);
        let position =
            ReferencePosition::unknown_accuracy(Latitude(481_000_000), Longitude(116_000_000));
        let action = ActionID {
            originating_station_id: StationID(7),
            sequence_number: SequenceNumber(1),
        };
        let mut situation = SituationContainer::new(
            InformationQuality(0),
            CauseCode::new(CauseCodeType(3), SubCauseCodeType(0)),
        );
        let huge = rasn::types::Integer::from(i128::MAX);
        let point = |t: PathDeltaTime| EventPoint {
            event_position: DeltaReferencePosition {
                delta_latitude: DeltaLatitude(0),
                delta_longitude: DeltaLongitude(0),
                delta_altitude: DeltaAltitude(0),
            },
            event_delta_time: Some(t),
            information_quality: InformationQuality(0),
        };
        // A small value outside the root range (1..65535) is kept, as real stacks send them.
        situation.event_history = Some(EventHistory(vec![
            point(PathDeltaTime(0.into())),
            point(PathDeltaTime(huge)),
        ]));
        let body = DecentralizedEnvironmentalNotificationMessage {
            management: ManagementContainer::new(action, at, at, position, StationType(5)),
            situation: Some(situation),
            location: None,
            alacarte: None,
        };
        let denm = Denm::new(StationID(7), body);
        let path = "denm.situation.eventHistory[1].eventDeltaTime";
        let refused = |e: Error| match e {
            Error::Constraint { path: p, .. } | Error::Uper { path: p, .. } => p == path,
            _ => false,
        };
        assert!(refused(denm.encode_uper().unwrap_err()));
        // The same octets written past the check are refused when read.
        let bytes = rasn::uper::encode(&denm).unwrap();
        assert!(refused(Denm::decode_uper(&bytes).unwrap_err()));
        assert!(refused(EtsiMessage::decode_uper(&bytes).unwrap_err()));
    }

    #[test]
    fn denm_vector_bytes_round_trip() {
        let Some(bytes) = read_vector("etsi/cits_denm.hex") else {
            return;
        };
        let m = EtsiMessage::decode_uper(&bytes).unwrap();
        assert!(matches!(m, EtsiMessage::Denm(_)), "{m:?}");
        assert_eq!(m.encode_uper().unwrap(), bytes);
        let back = EtsiMessage::from_jer(&m.to_jer().unwrap().to_string()).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn ivim_vector_is_bit_exact() {
        let Some(m) = check_vector("cits_ivim") else {
            return;
        };
        let EtsiMessage::Ivim(ivim) = &m else {
            panic!("not an IVIM: {m:?}");
        };
        assert_eq!(ivim.header.protocol_version, 2);
        let containers = &ivim.ivi.optional.as_ref().unwrap().0;
        assert!(matches!(containers[0], IviContainer::Glc(_)));
        assert!(matches!(containers[1], IviContainer::Giv(_)));
    }

    /// Damaged IVIMs (every truncation, every single-bit flip, garbage after the header)
    /// decode to an error or to a message that survives both codecs, never a panic.
    #[test]
    fn damaged_ivims_are_errors_not_panics() {
        let Some(bytes) = read_vector("etsi/cits_ivim.hex") else {
            return;
        };
        let check = |input: &[u8]| {
            if let Ok(m) = EtsiMessage::decode_uper(input)
                && !matches!(m, EtsiMessage::Unknown { .. })
            {
                let again = m.encode_uper().unwrap();
                assert_eq!(EtsiMessage::decode_uper(&again).unwrap(), m);
                let text = m.to_jer().unwrap().to_string();
                assert_eq!(EtsiMessage::from_jer(&text).unwrap(), m);
            }
        };
        for n in 0..bytes.len() {
            check(&bytes[..n]);
        }
        for bit in 0..bytes.len() * 8 {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 0x80 >> (bit % 8);
            check(&flipped);
        }
        let mut state = 0x1234_5678_u32;
        for len in 0..200 {
            let mut garbage = bytes[..6].to_vec();
            for _ in 0..len {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                garbage.push((state >> 16) as u8);
            }
            check(&garbage);
        }
    }

    #[test]
    fn cpm_is_kept_opaque() {
        let Some(bytes) = read_vector("etsi/cits_cpm.hex") else {
            return;
        };
        let m = EtsiMessage::decode_uper(&bytes).unwrap();
        assert!(matches!(m, EtsiMessage::Unknown { .. }), "{m:?}");
        assert_eq!(m.encode_uper().unwrap(), bytes);
    }

    /// The one Longitude difference, on the example of eu-etsi.md §3.2: the same position
    /// ends in e641c0 in ETSI (checked with pycrate) and e64180 in J2735; -1800000000 exists
    /// only in ETSI.
    #[test]
    fn longitude_lower_bound_differs_by_one() {
        let etsi = Position3D::<Etsi>::new_in(Latitude(521_234_567), Longitude(51_234_567));
        let us = Position3D::new(Latitude(521_234_567), crate::j2735::Longitude(51_234_567));
        let etsi_bytes = rasn::uper::encode(&etsi).unwrap();
        let us_bytes = rasn::uper::encode(&us).unwrap();
        assert!(
            etsi_bytes.ends_with(&[0xe6, 0x41, 0xc0]),
            "{etsi_bytes:02x?}"
        );
        assert!(us_bytes.ends_with(&[0xe6, 0x41, 0x80]), "{us_bytes:02x?}");
        assert_eq!(us.clone().redialect::<Etsi>(), etsi);
        assert_eq!(etsi.redialect::<J2735>(), us);

        let west = Position3D::<Etsi>::new_in(Latitude(0), Longitude(-1_800_000_000));
        let bytes = rasn::uper::encode(&west).unwrap();
        // -1800000000 is the offset: 32 zero bits after the 1-bit presence map and latitude.
        assert_eq!(
            rasn::uper::decode::<Position3D<Etsi>>(&bytes).unwrap(),
            west
        );
        assert!(rasn::uper::encode(&west.clone().redialect::<J2735>()).is_err());
        let beyond = Position3D::<Etsi>::new_in(Latitude(0), Longitude(-1_800_000_001));
        assert!(rasn::uper::encode(&beyond).is_err());
    }

    fn spat(seed: u64) -> crate::j2735::SPAT {
        let options = crate::random::RandomOptions {
            regional: false,
            ..Default::default()
        };
        let mut spat: crate::j2735::SPAT = crate::random::random_value(seed, options).unwrap();
        // Random TimeMarks go up to J2735's 36111; keep them inside ISO's range here.
        for i in &mut spat.intersections.0 {
            for s in &mut i.states.0 {
                for e in &mut s.state_time_speed.0 {
                    if let Some(t) = &mut e.timing {
                        t.start_time = t.start_time.map(|m| TimeMark(m.0 % 36002));
                        t.min_end_time = TimeMark(t.min_end_time.0 % 36002);
                        t.max_end_time = t.max_end_time.map(|m| TimeMark(m.0 % 36002));
                        t.likely_time = t.likely_time.map(|m| TimeMark(m.0 % 36002));
                        t.next_time = t.next_time.map(|m| TimeMark(m.0 % 36002));
                    }
                }
            }
        }
        spat
    }

    #[test]
    fn header_is_six_octets_and_checked() {
        let mut m = Spatem::new(crate::j2735::StationID(1001), spat(7));
        let bytes = m.encode_uper().unwrap();
        // eu-etsi.md §1.1, checked with pycrate: SPATEM v2 from station 1001.
        assert_eq!(bytes[..6], [0x02, 0x04, 0x00, 0x00, 0x03, 0xe9]);
        assert_eq!(Spatem::decode_uper(&bytes).unwrap(), m);

        let mut longer = bytes.clone();
        longer.push(0);
        let e = Spatem::decode_uper(&longer).unwrap_err().to_string();
        assert!(e.contains("1 octet(s) after the spat"), "{e}");
        assert!(Spatem::decode_uper(&bytes[..bytes.len() - 1]).is_err());
        assert!(Spatem::decode_uper(&bytes[..3]).is_err());

        // Version 1 (TS 103 301 v1.1.1) is read and re-encoded as it came; 3 is refused.
        m.header.protocol_version = 1;
        let v1 = m.encode_uper().unwrap();
        assert_eq!(v1[0], 1);
        assert_eq!(Spatem::decode_uper(&v1).unwrap(), m);
        let mut v3 = v1.clone();
        v3[0] = 3;
        let e = Spatem::decode_uper(&v3).unwrap_err().to_string();
        assert!(e.contains("protocolVersion 3"), "{e}");
        m.header.protocol_version = 3;
        assert!(m.encode_uper().is_err());

        // A MAPEM header on a SPATEM body is refused both ways.
        let mut wrong = v1.clone();
        wrong[1] = ItsPduHeader::MAPEM;
        assert!(Spatem::decode_uper(&wrong).is_err());
        assert!(EtsiMessage::decode_uper(&wrong).is_err());
        m.header = ItsPduHeader::new(2, ItsPduHeader::MAPEM, crate::j2735::StationID(1));
        assert!(m.encode_uper().is_err());
    }

    /// TimeMark 36002..36111 is J2735-2020 only: a SPATEM refuses it with the field path.
    #[test]
    fn spatem_refuses_j2735_only_time_marks() {
        let mut spat = spat(3);
        let event = spat
            .intersections
            .0
            .iter_mut()
            .flat_map(|i| i.states.0.iter_mut())
            .flat_map(|s| s.state_time_speed.0.iter_mut())
            .next()
            .unwrap();
        event.timing = Some(crate::j2735::TimeChangeDetails {
            start_time: None,
            min_end_time: TimeMark(0),
            max_end_time: None,
            likely_time: Some(TimeMark(36_050)),
            confidence: None,
            next_time: None,
        });
        assert!(rasn::uper::encode(&spat).is_ok());
        let m = Spatem::new(crate::j2735::StationID(5), spat);
        let e = m.encode_uper().unwrap_err().to_string();
        assert!(e.contains("timing.likelyTime"), "{e}");
        assert!(e.contains("36050"), "{e}");
        let bytes = rasn::uper::encode(&m).unwrap();
        let e = Spatem::decode_uper(&bytes).unwrap_err().to_string();
        assert!(e.starts_with("UPER: spat.intersections[0]"), "{e}");
        assert!(
            e.contains("value 36050 outside ISO TS 19091's 0..36001"),
            "{e}"
        );
    }

    /// Addgrp-C views pack into regionId 3 entries, read back, replace an earlier entry and
    /// leave other regions alone. Bytes checked with pycrate's AddGrpC module.
    #[test]
    fn addgrpc_views_round_trip() {
        use crate::j2735::{RegionId, RegionalExtension};
        let reason = MovementEventAddGrpC::new(Some(ExceptionalCondition::PublicTransportPriority));
        let ext = reason.to_regional().unwrap();
        assert_eq!(ext.region_id, RegionId::ADD_GRP_C);
        assert_eq!(ext.reg_ext_value.as_bytes(), [0x42]);
        let altitude = Position3DAddGrpC::new(Altitude {
            altitude_value: AltitudeValue(12345),
            altitude_confidence: AltitudeConfidence::Alt001_00,
        });
        assert_eq!(
            altitude.to_regional().unwrap().reg_ext_value.as_bytes(),
            [0x0d, 0xb6, 0xcb, 0x00]
        );

        let other = RegionalExtension::new(RegionId::ADD_GRP_B, vec![1, 2, 3]);
        let mut regional = Some(vec![other.clone()]);
        MovementEventAddGrpC::new(None).put(&mut regional).unwrap();
        reason.put(&mut regional).unwrap();
        let list = regional.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0], other);
        assert_eq!(MovementEventAddGrpC::find(&list).unwrap().unwrap(), reason);
        assert!(MovementEventAddGrpC::from_regional(&other).is_none());

        // Region 3 octets that are not the view's type are an error, not a guess.
        let bad = RegionalExtension::new(RegionId::ADD_GRP_C, vec![0x42, 0x00]);
        let e = MovementEventAddGrpC::from_regional(&bad)
            .unwrap()
            .unwrap_err();
        assert!(e.to_string().contains("after the value"), "{e}");
        let out_of_range = LaneAttributesAddGrpC {
            max_vehicle_height: None,
            max_vehicle_weight: Some(VehicleMass(0)),
        };
        let e = out_of_range.to_regional().unwrap_err().to_string();
        assert!(e.contains("LaneAttributes-addGrpC.maxVehicleWeight"), "{e}");
    }

    /// Generated messages of every ETSI type round-trip through UPER and JER.
    #[test]
    fn generated_messages_round_trip() {
        let options = crate::random::RandomOptions::default();
        for seed in 0..40 {
            let messages = [
                EtsiMessage::Spatem(Box::new(random::spatem(seed, options).unwrap())),
                EtsiMessage::Mapem(Box::new(random::mapem(seed, options).unwrap())),
                EtsiMessage::Srem(Box::new(random::srem(seed, options).unwrap())),
                EtsiMessage::Ssem(Box::new(random::ssem(seed, options).unwrap())),
                EtsiMessage::Cam(Box::new(random::cam(seed, options).unwrap())),
                EtsiMessage::Denm(Box::new(random::denm(seed, options).unwrap())),
                EtsiMessage::Ivim(Box::new(random::ivim(seed, options).unwrap())),
            ];
            for m in messages {
                let bytes = m.encode_uper().unwrap();
                assert_eq!(EtsiMessage::decode_uper(&bytes).unwrap(), m, "seed {seed}");
                let text = m.to_jer().unwrap().to_string();
                assert_eq!(EtsiMessage::from_jer(&text).unwrap(), m, "seed {seed}");
            }
        }
    }

    /// The SPATEM hot path (header octets + the hand-written SPAT encoder) gives rasn's bytes,
    /// for SPATs the fast encoder takes and for those it hands back (Addgrp-C extensions).
    #[test]
    fn spatem_fast_path_matches_rasn() {
        let options = crate::random::RandomOptions::default();
        let mut buf = Vec::new();
        let mut fast = 0;
        for seed in 0..300 {
            let m = if seed % 2 == 0 {
                Spatem::new(crate::j2735::StationID(seed as u32), spat(seed))
            } else {
                random::spatem(seed, options).unwrap()
            };
            m.encode_uper_into(&mut buf).unwrap();
            assert_eq!(buf, rasn::uper::encode(&m).unwrap(), "seed {seed}");
            assert_eq!(buf, m.encode_uper().unwrap(), "seed {seed}");
            let mut bare = Vec::new();
            if crate::j2735::fast_spat::encode_spat_value(&m.spat, &mut bare).is_ok() {
                fast += 1;
            }
        }
        assert!(fast > 100, "the fast encoder took only {fast} SPATs");
        // Its checks stay: a J2735-only TimeMark is refused with the SPATEM's field path.
        let mut m = Spatem::new(crate::j2735::StationID(1), spat(1));
        m.header.message_id = ItsPduHeader::MAPEM;
        assert!(m.encode_uper_into(&mut buf).is_err());
    }

    /// The RSU's own CAM, bytes checked with pycrate (ITS_CAM_2): station 1001,
    /// generationDeltaTime 12345, the Position3D example's coordinates, confidences and
    /// altitude unavailable, no protected zones.
    #[test]
    fn rsu_cam_known_answer() {
        let position =
            ReferencePosition::unknown_accuracy(Latitude(521_234_567), Longitude(51_234_567));
        let cam = Cam::new(
            StationID(1001),
            CoopAwareness::rsu(GenerationDeltaTime(12345), position, None),
        );
        let bytes = cam.encode_uper().unwrap();
        assert_eq!(
            crate::jer::hex_lower(&bytes),
            "0202000003e9303900fa96ca30edcaf320fffffffc23b7743e80"
        );
        assert_eq!(Cam::decode_uper(&bytes).unwrap(), cam);
        assert_eq!(
            GenerationDeltaTime::from_timestamp(TimestampIts(65_536 * 7 + 12345)),
            GenerationDeltaTime(12345)
        );
    }
}
