//! RoadSideInformation (RSI, 2020 generation): traffic events and traffic signs an RSU
//! announces, each with the area and paths or links it applies to.

use rasn::prelude::*;

use super::profile::PathPointList;
use super::*;

/// The RSI message.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RoadSideInformation {
    #[rasn(identifier = "msgCnt")]
    pub msg_cnt: MsgCount,
    pub moy: Option<MinuteOfTheYear>,
    /// The sending RSU's id.
    pub id: FixedOctetString<8>,
    #[rasn(identifier = "refPos")]
    pub ref_pos: Position3D,
    pub rtes: Option<RTEList>,
    pub rtss: Option<RTSList>,
}
impl RoadSideInformation {
    /// An RSI without events or signs.
    pub fn new(msg_cnt: MsgCount, id: [u8; 8], ref_pos: Position3D) -> Self {
        Self {
            msg_cnt,
            moy: None,
            id: FixedOctetString::from(id),
            ref_pos,
            rtes: None,
            rtss: None,
        }
    }
}

/// 1 to 8 road traffic events.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8"))]
pub struct RTEList(pub SequenceOf<RTEData>);

/// A road traffic event: its GB/T 29100 type, source, place and extent.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RTEData {
    #[rasn(identifier = "rteId", value("0..=255"))]
    pub rte_id: u8,
    #[rasn(identifier = "eventType")]
    pub event_type: EventType,
    #[rasn(identifier = "eventSource")]
    pub event_source: EventSource,
    #[rasn(identifier = "eventPos")]
    pub event_pos: Option<PositionOffsetLLV>,
    #[rasn(identifier = "eventRadius")]
    pub event_radius: Option<Radius>,
    pub description: Option<Description>,
    #[rasn(identifier = "timeDetails")]
    pub time_details: Option<RSITimeDetails>,
    pub priority: Option<RSIPriority>,
    #[rasn(identifier = "referencePaths")]
    pub reference_paths: Option<ReferencePathList>,
    #[rasn(identifier = "referenceLinks")]
    pub reference_links: Option<ReferenceLinkList>,
    #[rasn(identifier = "eventConfidence")]
    pub event_confidence: Option<Confidence>,
}
impl RTEData {
    /// An event with its mandatory fields.
    pub fn new(rte_id: u8, event_type: EventType, event_source: EventSource) -> Self {
        Self {
            rte_id,
            event_type,
            event_source,
            event_pos: None,
            event_radius: None,
            description: None,
            time_details: None,
            priority: None,
            reference_paths: None,
            reference_links: None,
            event_confidence: None,
        }
    }
}

/// Who reported an event.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum EventSource {
    #[rasn(identifier = "unknown")]
    Unknown = 0,
    #[rasn(identifier = "police")]
    Police = 1,
    #[rasn(identifier = "government")]
    Government = 2,
    #[rasn(identifier = "meteorological")]
    Meteorological = 3,
    #[rasn(identifier = "internet")]
    Internet = 4,
    #[rasn(identifier = "detection")]
    Detection = 5,
}

/// Event type code (GB/T 29100-2012), 0..65535.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=65535"))]
pub struct EventType(pub u16);

/// Sign type code (GB 5768.2), 0..65535.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=65535"))]
pub struct SignType(pub u16);

/// When an event or sign applies (minutes of the year).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct RSITimeDetails {
    #[rasn(identifier = "startTime")]
    pub start_time: Option<MinuteOfTheYear>,
    #[rasn(identifier = "endTime")]
    pub end_time: Option<MinuteOfTheYear>,
    #[rasn(identifier = "endTimeConfidence")]
    pub end_time_confidence: Option<TimeConfidence>,
}

/// 1 to 8 reference paths.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8"))]
pub struct ReferencePathList(pub SequenceOf<ReferencePath>);

/// A path an event or sign concerns, and its half-width.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ReferencePath {
    #[rasn(identifier = "activePath")]
    pub active_path: PathPointList,
    #[rasn(identifier = "pathRadius")]
    pub path_radius: Radius,
}

/// 1 to 16 traffic signs.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct RTSList(pub SequenceOf<RTSData>);

/// A traffic sign: its GB 5768.2 type, place and extent.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RTSData {
    #[rasn(identifier = "rtsId", value("0..=255"))]
    pub rts_id: u8,
    #[rasn(identifier = "signType")]
    pub sign_type: SignType,
    #[rasn(identifier = "signPos")]
    pub sign_pos: Option<PositionOffsetLLV>,
    pub description: Option<Description>,
    #[rasn(identifier = "timeDetails")]
    pub time_details: Option<RSITimeDetails>,
    pub priority: Option<RSIPriority>,
    #[rasn(identifier = "referencePaths")]
    pub reference_paths: Option<ReferencePathList>,
    #[rasn(identifier = "referenceLinks")]
    pub reference_links: Option<ReferenceLinkList>,
}
impl RTSData {
    /// A sign with its mandatory fields.
    pub fn new(rts_id: u8, sign_type: SignType) -> Self {
        Self {
            rts_id,
            sign_type,
            sign_pos: None,
            description: None,
            time_details: None,
            priority: None,
            reference_paths: None,
            reference_links: None,
        }
    }
}

/// Text of an event or sign: IA5 or GB2312 octets.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum Description {
    /// 1 to 512 IA5 characters.
    #[rasn(identifier = "textString", size("1..=512"))]
    TextString(Ia5String),
    /// 2 to 512 octets of GB2312 text.
    #[rasn(identifier = "textGB2312", size("2..=512"))]
    TextGB2312(OctetString),
}

/// 1 to 16 reference links.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct ReferenceLinkList(pub SequenceOf<ReferenceLink>);

/// A MAP link an event or sign concerns, optionally only some of its lanes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ReferenceLink {
    #[rasn(identifier = "upstreamNodeId")]
    pub upstream_node_id: NodeReferenceID,
    #[rasn(identifier = "downstreamNodeId")]
    pub downstream_node_id: NodeReferenceID,
    #[rasn(identifier = "referenceLanes")]
    pub reference_lanes: Option<ReferenceLanes>,
}

/// Lanes of a link: bit n is lane n (bit 0 reserved).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct ReferenceLanes(pub BitString);

/// A radius or half-width in 0.1 m, 0..65535.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=65535"))]
pub struct Radius(pub u16);

/// Priority of an event or sign: the top three bits carry the level (0x00 lowest .. 0xE0
/// highest); senders set the low five to zero, receivers ignore them.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct RSIPriority(pub FixedOctetString<1>);
impl RSIPriority {
    /// Priority `level` 0..7 (7 highest) in the top three bits; `None` above 7.
    pub fn from_level(level: u8) -> Option<Self> {
        (level < 8).then(|| Self(FixedOctetString::from([level << 5])))
    }

    /// The level 0..7 carried in the top three bits.
    pub fn level(&self) -> u8 {
        self.0[0] >> 5
    }
}
