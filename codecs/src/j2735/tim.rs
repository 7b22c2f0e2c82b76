//! TravelerInformation (TIM, J2735 messageId 31) and the data frames, regions and lat/lon node
//! paths it carries.

use super::*;
use rasn::prelude::*;

// ---------------------------------------------------------------------------------------------
// The message
// ---------------------------------------------------------------------------------------------

/// Traveler information message: one to eight self-contained advisory or sign frames.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TravelerInformation {
    #[rasn(identifier = "msgCnt")]
    pub msg_cnt: MsgCount,
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<MinuteOfTheYear>,
    #[rasn(identifier = "packetID")]
    pub packet_id: Option<UniqueMSGID>,
    #[rasn(identifier = "urlB")]
    pub url_b: Option<URLBase>,
    #[rasn(identifier = "dataFrames")]
    pub data_frames: TravelerDataFrameList,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}

impl TravelerInformation {
    /// A message with its mandatory fields; the optional ones start absent.
    pub fn new(msg_cnt: MsgCount, data_frames: TravelerDataFrameList) -> Self {
        Self {
            msg_cnt,
            time_stamp: None,
            packet_id: None,
            url_b: None,
            data_frames,
            regional: None,
        }
    }
}

/// The frames of a TIM (1 to 8).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8"))]
pub struct TravelerDataFrameList(pub SequenceOf<TravelerDataFrame>);

/// One traveler information frame: header (what and when), regions where it applies, content.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TravelerDataFrame {
    /// Legacy field kept for compatibility; senders set it to 0.
    #[rasn(identifier = "notUsed")]
    pub not_used: SSPindex,
    #[rasn(identifier = "frameType")]
    pub frame_type: TravelerInfoType,
    #[rasn(identifier = "msgId")]
    pub msg_id: TravelerDataFrameMsgId,
    #[rasn(identifier = "startYear")]
    pub start_year: Option<DYear>,
    #[rasn(identifier = "startTime")]
    pub start_time: MinuteOfTheYear,
    #[rasn(identifier = "durationTime")]
    pub duration_time: MinutesDuration,
    pub priority: SignPrority,
    /// Legacy field; senders set it to 0.
    #[rasn(identifier = "notUsed1")]
    pub not_used1: SSPindex,
    #[rasn(size("1..=16"))]
    pub regions: SequenceOf<GeographicalPath>,
    /// Legacy field; senders set it to 0.
    #[rasn(identifier = "notUsed2")]
    pub not_used2: SSPindex,
    /// Legacy field; senders set it to 0.
    #[rasn(identifier = "notUsed3")]
    pub not_used3: SSPindex,
    pub content: TravelerDataFrameContent,
    pub url: Option<URLShort>,
}

impl TravelerDataFrame {
    /// A frame with its mandatory fields; `startYear` and `url` start absent.
    pub fn new(
        not_used: SSPindex,
        frame_type: TravelerInfoType,
        msg_id: TravelerDataFrameMsgId,
        start_time: MinuteOfTheYear,
        duration_time: MinutesDuration,
        priority: SignPrority,
        not_used1: SSPindex,
        regions: SequenceOf<GeographicalPath>,
        not_used2: SSPindex,
        not_used3: SSPindex,
        content: TravelerDataFrameContent,
    ) -> Self {
        Self {
            not_used,
            frame_type,
            msg_id,
            start_year: None,
            start_time,
            duration_time,
            priority,
            not_used1,
            regions,
            not_used2,
            not_used3,
            content,
            url: None,
        }
    }
}

/// The `msgId` of a [`TravelerDataFrame`]: a link to ATIS data or a sign identity (unnamed
/// CHOICE in the standard).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum TravelerDataFrameMsgId {
    #[rasn(identifier = "furtherInfoID")]
    FurtherInfoID(FurtherInfoID),
    #[rasn(identifier = "roadSignID")]
    RoadSignID(RoadSignID),
}

/// The `content` of a [`TravelerDataFrame`]: what is shown to the driver (unnamed CHOICE in the
/// standard).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum TravelerDataFrameContent {
    #[rasn(identifier = "advisory")]
    Advisory(ITIScodesAndText),
    #[rasn(identifier = "workZone")]
    WorkZone(WorkZone),
    #[rasn(identifier = "genericSign")]
    GenericSign(GenericSignage),
    #[rasn(identifier = "speedLimit")]
    SpeedLimit(SpeedLimit),
    #[rasn(identifier = "exitService")]
    ExitService(ExitService),
}

/// Kind of traveler information carried by a frame.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum TravelerInfoType {
    #[rasn(identifier = "unknown")]
    Unknown = 0,
    #[rasn(identifier = "advisory")]
    Advisory = 1,
    #[rasn(identifier = "roadSignage")]
    RoadSignage = 2,
    #[rasn(identifier = "commercialSignage")]
    CommercialSignage = 3,
}

/// Identity of a physical or virtual road sign: where it is, which way it faces, its class.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RoadSignID {
    pub position: Position3D,
    /// Headings of vehicles that see the sign's face.
    #[rasn(identifier = "viewAngle")]
    pub view_angle: HeadingSlice,
    #[rasn(identifier = "mutcdCode")]
    pub mutcd_code: Option<MUTCDCode>,
    pub crc: Option<MsgCRC>,
}

/// US MUTCD sign class of a road sign.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum MUTCDCode {
    #[rasn(identifier = "none")]
    None = 0,
    #[rasn(identifier = "regulatory")]
    Regulatory = 1,
    #[rasn(identifier = "warning")]
    Warning = 2,
    #[rasn(identifier = "maintenance")]
    Maintenance = 3,
    #[rasn(identifier = "motoristService")]
    MotoristService = 4,
    #[rasn(identifier = "guide")]
    Guide = 5,
    #[rasn(identifier = "rec")]
    Rec = 6,
}

/// Two-octet check value (CRC-CCITT) over a sign's content.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct MsgCRC(pub FixedOctetString<2>);

/// Two-octet index linking to other (ATIS) incident information.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct FurtherInfoID(pub FixedOctetString<2>);

/// Nine-octet identifier of a TIM packet, unique for its sender.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct UniqueMSGID(pub FixedOctetString<9>);

/// Base URL (1 to 45 characters) that the frames' short URLs are relative to.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=45"))]
pub struct URLBase(pub Ia5String);

/// Short URL (1 to 15 characters), relative to the message's base URL.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=15"))]
pub struct URLShort(pub Ia5String);

/// Short free-text phrase (1 to 16 characters) used in sign content lists.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct ITIStextPhrase(pub Ia5String);

/// How long a frame applies, in minutes (0 to 32000).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=32000"))]
pub struct MinutesDuration(pub u16);

/// Relative importance of a frame, 0 (least) to 7 (most); the standard's spelling is kept.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=7"))]
pub struct SignPrority(pub u8);

// ---------------------------------------------------------------------------------------------
// Sign content lists
// ---------------------------------------------------------------------------------------------

/// Work zone sign content: 1 to 16 ITIS codes or short phrases.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct WorkZone(pub SequenceOf<WorkZoneMember>);

/// One entry of [`WorkZone`] (unnamed element type in the standard).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct WorkZoneMember {
    pub item: WorkZoneMemberItem,
}

/// The `item` of a [`WorkZoneMember`]: an ITIS code or a phrase (unnamed CHOICE).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum WorkZoneMemberItem {
    #[rasn(identifier = "itis")]
    Itis(ITIScodes),
    #[rasn(identifier = "text")]
    Text(ITIStextPhrase),
}

/// Generic (MUTCD) sign content: 1 to 16 ITIS codes or short phrases.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct GenericSignage(pub SequenceOf<GenericSignageMember>);

/// One entry of [`GenericSignage`] (unnamed element type in the standard).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct GenericSignageMember {
    pub item: GenericSignageMemberItem,
}

/// The `item` of a [`GenericSignageMember`]: an ITIS code or a phrase (unnamed CHOICE).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum GenericSignageMemberItem {
    #[rasn(identifier = "itis")]
    Itis(ITIScodes),
    #[rasn(identifier = "text")]
    Text(ITIStextPhrase),
}

/// Speed limit sign content: 1 to 16 ITIS codes or short phrases.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct SpeedLimit(pub SequenceOf<SpeedLimitMember>);

/// One entry of [`SpeedLimit`] (unnamed element type in the standard).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct SpeedLimitMember {
    pub item: SpeedLimitMemberItem,
}

/// The `item` of a [`SpeedLimitMember`]: an ITIS code or a phrase (unnamed CHOICE).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum SpeedLimitMemberItem {
    #[rasn(identifier = "itis")]
    Itis(ITIScodes),
    #[rasn(identifier = "text")]
    Text(ITIStextPhrase),
}

/// Roadside services (exit information) content: 1 to 16 ITIS codes or short phrases.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct ExitService(pub SequenceOf<ExitServiceMember>);

/// One entry of [`ExitService`] (unnamed element type in the standard).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ExitServiceMember {
    pub item: ExitServiceMemberItem,
}

/// The `item` of an [`ExitServiceMember`]: an ITIS code or a phrase (unnamed CHOICE).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum ExitServiceMemberItem {
    #[rasn(identifier = "itis")]
    Itis(ITIScodes),
    #[rasn(identifier = "text")]
    Text(ITIStextPhrase),
}

// ---------------------------------------------------------------------------------------------
// Regions of use
// ---------------------------------------------------------------------------------------------

/// A region where a frame applies: an optional anchor, width and heading filter, and a path,
/// projected circle or legacy region description.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GeographicalPath {
    pub name: Option<DescriptiveName>,
    pub id: Option<RoadSegmentReferenceID>,
    pub anchor: Option<Position3D>,
    #[rasn(identifier = "laneWidth")]
    pub lane_width: Option<LaneWidth>,
    pub directionality: Option<DirectionOfUse>,
    /// When true the last point joins back to the first.
    #[rasn(identifier = "closedPath")]
    pub closed_path: Option<bool>,
    /// Headings of vehicles to which the region applies.
    pub direction: Option<HeadingSlice>,
    pub description: Option<GeographicalPathDescription>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}

impl GeographicalPath {
    /// A path with every (optional) field absent.
    pub fn new() -> Self {
        Self::default()
    }
}

/// The `description` of a [`GeographicalPath`] (unnamed CHOICE in the standard).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum GeographicalPathDescription {
    /// Node path in XY (cm) or lat/lon (0.1 microdegree) offsets.
    #[rasn(identifier = "path")]
    Path(OffsetSystem),
    /// Circle projected from a point.
    #[rasn(identifier = "geometry")]
    Geometry(GeometricProjection),
    /// Legacy region form, not recommended for new messages.
    #[rasn(identifier = "oldRegion")]
    OldRegion(ValidRegion),
}

/// A node path with an optional zoom, in XY or lat/lon offsets.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct OffsetSystem {
    pub scale: Option<Zoom>,
    pub offset: OffsetSystemOffset,
}

/// The `offset` of an [`OffsetSystem`]: XY or lat/lon node list (unnamed CHOICE).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum OffsetSystemOffset {
    /// Offsets in centimetres.
    #[rasn(identifier = "xy")]
    Xy(NodeListXY),
    /// Offsets in 0.1 microdegrees.
    #[rasn(identifier = "ll")]
    Ll(NodeListLL),
}

/// Scale factor 2^N applied to offsets (0 = 1:1).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=15"))]
pub struct Zoom(pub u8);

/// A circle projected from a point, with a heading filter and optional extent and width.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GeometricProjection {
    pub direction: HeadingSlice,
    pub extent: Option<Extent>,
    #[rasn(identifier = "laneWidth")]
    pub lane_width: Option<LaneWidth>,
    pub circle: Circle,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}

impl GeometricProjection {
    /// A projection with its mandatory fields; the optional ones start absent.
    pub fn new(direction: HeadingSlice, circle: Circle) -> Self {
        Self {
            direction,
            extent: None,
            lane_width: None,
            circle,
            regional: None,
        }
    }
}

/// A circle: centre, radius and the unit the radius is in.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Circle {
    pub center: Position3D,
    pub radius: RadiusB12,
    pub units: DistanceUnits,
}

/// Radius in the units given beside it (4095 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=4095"))]
pub struct RadiusB12(pub u16);

impl RadiusB12 {
    /// Radius not known.
    pub const UNKNOWN: Self = Self(4095);
}

/// Unit of a distance value.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum DistanceUnits {
    #[rasn(identifier = "centimeter")]
    Centimeter = 0,
    /// Steps of 2.5 cm.
    #[rasn(identifier = "cm2-5")]
    Cm25 = 1,
    #[rasn(identifier = "decimeter")]
    Decimeter = 2,
    #[rasn(identifier = "meter")]
    Meter = 3,
    #[rasn(identifier = "kilometer")]
    Kilometer = 4,
    /// US foot (0.3048 m).
    #[rasn(identifier = "foot")]
    Foot = 5,
    #[rasn(identifier = "yard")]
    Yard = 6,
    #[rasn(identifier = "mile")]
    Mile = 7,
}

/// Travel direction allowed along a path relative to its node order.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum DirectionOfUse {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "forward")]
    Forward = 1,
    #[rasn(identifier = "reverse")]
    Reverse = 2,
    #[rasn(identifier = "both")]
    Both = 3,
}

/// Legacy region description: heading filter, optional extent, and an area.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ValidRegion {
    pub direction: HeadingSlice,
    pub extent: Option<Extent>,
    pub area: ValidRegionArea,
}

/// The `area` of a [`ValidRegion`] (unnamed CHOICE in the standard).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum ValidRegionArea {
    /// A short road segment.
    #[rasn(identifier = "shapePointSet")]
    ShapePointSet(ShapePointSet),
    #[rasn(identifier = "circle")]
    Circle(Circle),
    /// A wide enclosed area.
    #[rasn(identifier = "regionPointSet")]
    RegionPointSet(RegionPointSet),
}

/// A short road segment as an XY node list with optional anchor, width and direction.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ShapePointSet {
    pub anchor: Option<Position3D>,
    #[rasn(identifier = "laneWidth")]
    pub lane_width: Option<LaneWidth>,
    pub directionality: Option<DirectionOfUse>,
    #[rasn(identifier = "nodeList")]
    pub node_list: NodeListXY,
}

impl ShapePointSet {
    /// A shape with its node list; the optional fields start absent.
    pub fn new(node_list: NodeListXY) -> Self {
        Self {
            anchor: None,
            lane_width: None,
            directionality: None,
            node_list,
        }
    }
}

/// An area outline as offsets (metres) from an optional anchor, with optional zoom.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RegionPointSet {
    pub anchor: Option<Position3D>,
    pub scale: Option<Zoom>,
    #[rasn(identifier = "nodeList")]
    pub node_list: RegionList,
}

impl RegionPointSet {
    /// A region with its outline; anchor and zoom start absent.
    pub fn new(node_list: RegionList) -> Self {
        Self {
            anchor: None,
            scale: None,
            node_list,
        }
    }
}

/// Outline points of a [`RegionPointSet`] (1 to 64).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=64"))]
pub struct RegionList(pub SequenceOf<RegionOffsets>);

/// One outline point: signed offsets in metres.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RegionOffsets {
    #[rasn(identifier = "xOffset")]
    pub x_offset: OffsetLLB16,
    #[rasn(identifier = "yOffset")]
    pub y_offset: OffsetLLB16,
    #[rasn(identifier = "zOffset")]
    pub z_offset: Option<OffsetLLB16>,
}

// ---------------------------------------------------------------------------------------------
// Lat/lon node paths
// ---------------------------------------------------------------------------------------------

/// A path of lat/lon offset nodes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum NodeListLL {
    #[rasn(identifier = "nodes")]
    Nodes(NodeSetLL),
}

/// Two to 63 lat/lon nodes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("2..=63"))]
pub struct NodeSetLL(pub SequenceOf<NodeLL>);

/// One lat/lon node: its offset from the previous node and optional attributes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct NodeLL {
    pub delta: NodeOffsetPointLL,
    pub attributes: Option<NodeAttributeSetLL>,
}

impl NodeLL {
    /// A node with its offset; no attributes.
    pub fn new(delta: NodeOffsetPointLL) -> Self {
        Self {
            delta,
            attributes: None,
        }
    }
}

/// Offset of a node from the previous one, in the smallest size that holds it, or a full
/// position, or a regional form.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum NodeOffsetPointLL {
    #[rasn(identifier = "node-LL1")]
    NodeLL1(NodeLL24B),
    #[rasn(identifier = "node-LL2")]
    NodeLL2(NodeLL28B),
    #[rasn(identifier = "node-LL3")]
    NodeLL3(NodeLL32B),
    #[rasn(identifier = "node-LL4")]
    NodeLL4(NodeLL36B),
    #[rasn(identifier = "node-LL5")]
    NodeLL5(NodeLL44B),
    #[rasn(identifier = "node-LL6")]
    NodeLL6(NodeLL48B),
    #[rasn(identifier = "node-LatLon")]
    NodeLatLon(NodeLLmD64b),
    #[rasn(identifier = "regional")]
    Regional(RegionalExtension),
}

/// Lat/lon offset pair of 12-bit values (about +-22 m at the equator).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeLL24B {
    pub lon: OffsetLLB12,
    pub lat: OffsetLLB12,
}

/// Lat/lon offset pair of 14-bit values (about +-90 m at the equator).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeLL28B {
    pub lon: OffsetLLB14,
    pub lat: OffsetLLB14,
}

/// Lat/lon offset pair of 16-bit values (about +-362 m at the equator).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeLL32B {
    pub lon: OffsetLLB16,
    pub lat: OffsetLLB16,
}

/// Lat/lon offset pair of 18-bit values (about +-1.4 km at the equator).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeLL36B {
    pub lon: OffsetLLB18,
    pub lat: OffsetLLB18,
}

/// Lat/lon offset pair of 22-bit values (about +-23 km at the equator).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeLL44B {
    pub lon: OffsetLLB22,
    pub lat: OffsetLLB22,
}

/// Lat/lon offset pair of 24-bit values (about +-93 km at the equator).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeLL48B {
    pub lon: OffsetLLB24,
    pub lat: OffsetLLB24,
}

/// Lat or lon offset in 0.1 microdegrees (before zoom), 12-bit range.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-2048..=2047"))]
pub struct OffsetLLB12(pub i16);

/// Lat or lon offset in 0.1 microdegrees (before zoom), 14-bit range.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-8192..=8191"))]
pub struct OffsetLLB14(pub i16);

/// Lat or lon offset in 0.1 microdegrees (before zoom), 16-bit range; metres in region outlines.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-32768..=32767"))]
pub struct OffsetLLB16(pub i16);

/// Lat or lon offset in 0.1 microdegrees (before zoom), 22-bit range.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-2097152..=2097151"))]
pub struct OffsetLLB22(pub i32);

/// Lat or lon offset in 0.1 microdegrees (before zoom), 24-bit range.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-8388608..=8388607"))]
pub struct OffsetLLB24(pub i32);

/// Attributes of a lat/lon node: point attributes, segment attributes switched off and on,
/// attribute data, and width and elevation changes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct NodeAttributeSetLL {
    #[rasn(identifier = "localNode")]
    pub local_node: Option<NodeAttributeLLList>,
    pub disabled: Option<SegmentAttributeLLList>,
    pub enabled: Option<SegmentAttributeLLList>,
    pub data: Option<LaneDataAttributeList>,
    /// Width change from this node on, in cm (never 0).
    #[rasn(identifier = "dWidth")]
    pub d_width: Option<OffsetB10>,
    /// Elevation change from this node on, in 10 cm (never 0).
    #[rasn(identifier = "dElevation")]
    pub d_elevation: Option<OffsetB10>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}

impl NodeAttributeSetLL {
    /// An attribute set with every (optional) field absent.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Point attributes of one lat/lon node (1 to 8).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8"))]
pub struct NodeAttributeLLList(pub SequenceOf<NodeAttributeLL>);

/// An attribute that holds at a single lat/lon node.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum NodeAttributeLL {
    #[rasn(identifier = "reserved")]
    Reserved = 0,
    #[rasn(identifier = "stopLine")]
    StopLine = 1,
    #[rasn(identifier = "roundedCapStyleA")]
    RoundedCapStyleA = 2,
    #[rasn(identifier = "roundedCapStyleB")]
    RoundedCapStyleB = 3,
    #[rasn(identifier = "mergePoint")]
    MergePoint = 4,
    #[rasn(identifier = "divergePoint")]
    DivergePoint = 5,
    #[rasn(identifier = "downstreamStopLine")]
    DownstreamStopLine = 6,
    #[rasn(identifier = "downstreamStartNode")]
    DownstreamStartNode = 7,
    #[rasn(identifier = "closedToTraffic")]
    ClosedToTraffic = 8,
    #[rasn(identifier = "safeIsland")]
    SafeIsland = 9,
    #[rasn(identifier = "curbPresentAtStepOff")]
    CurbPresentAtStepOff = 10,
    #[rasn(identifier = "hydrantPresent")]
    HydrantPresent = 11,
}

/// Segment attributes switched at one lat/lon node (1 to 8).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8"))]
pub struct SegmentAttributeLLList(pub SequenceOf<SegmentAttributeLL>);

/// An attribute of a path segment, enabled or disabled at a node.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum SegmentAttributeLL {
    #[rasn(identifier = "reserved")]
    Reserved = 0,
    #[rasn(identifier = "doNotBlock")]
    DoNotBlock = 1,
    #[rasn(identifier = "whiteLine")]
    WhiteLine = 2,
    #[rasn(identifier = "mergingLaneLeft")]
    MergingLaneLeft = 3,
    #[rasn(identifier = "mergingLaneRight")]
    MergingLaneRight = 4,
    #[rasn(identifier = "curbOnLeft")]
    CurbOnLeft = 5,
    #[rasn(identifier = "curbOnRight")]
    CurbOnRight = 6,
    #[rasn(identifier = "loadingzoneOnLeft")]
    LoadingzoneOnLeft = 7,
    #[rasn(identifier = "loadingzoneOnRight")]
    LoadingzoneOnRight = 8,
    #[rasn(identifier = "turnOutPointOnLeft")]
    TurnOutPointOnLeft = 9,
    #[rasn(identifier = "turnOutPointOnRight")]
    TurnOutPointOnRight = 10,
    #[rasn(identifier = "adjacentParkingOnLeft")]
    AdjacentParkingOnLeft = 11,
    #[rasn(identifier = "adjacentParkingOnRight")]
    AdjacentParkingOnRight = 12,
    #[rasn(identifier = "adjacentBikeLaneOnLeft")]
    AdjacentBikeLaneOnLeft = 13,
    #[rasn(identifier = "adjacentBikeLaneOnRight")]
    AdjacentBikeLaneOnRight = 14,
    #[rasn(identifier = "sharedBikeLane")]
    SharedBikeLane = 15,
    #[rasn(identifier = "bikeBoxInFront")]
    BikeBoxInFront = 16,
    #[rasn(identifier = "transitStopOnLeft")]
    TransitStopOnLeft = 17,
    #[rasn(identifier = "transitStopOnRight")]
    TransitStopOnRight = 18,
    #[rasn(identifier = "transitStopInLane")]
    TransitStopInLane = 19,
    #[rasn(identifier = "sharedWithTrackedVehicle")]
    SharedWithTrackedVehicle = 20,
    #[rasn(identifier = "safeIsland")]
    SafeIsland = 21,
    #[rasn(identifier = "lowCurbsPresent")]
    LowCurbsPresent = 22,
    #[rasn(identifier = "rumbleStripPresent")]
    RumbleStripPresent = 23,
    #[rasn(identifier = "audibleSignalingPresent")]
    AudibleSignalingPresent = 24,
    #[rasn(identifier = "adaptiveTimingPresent")]
    AdaptiveTimingPresent = 25,
    #[rasn(identifier = "rfSignalRequestPresent")]
    RfSignalRequestPresent = 26,
    #[rasn(identifier = "partialCurbIntrusion")]
    PartialCurbIntrusion = 27,
    #[rasn(identifier = "taperToLeft")]
    TaperToLeft = 28,
    #[rasn(identifier = "taperToRight")]
    TaperToRight = 29,
    #[rasn(identifier = "taperToCenterLine")]
    TaperToCenterLine = 30,
    #[rasn(identifier = "parallelParking")]
    ParallelParking = 31,
    #[rasn(identifier = "headInParking")]
    HeadInParking = 32,
    #[rasn(identifier = "freeParking")]
    FreeParking = 33,
    #[rasn(identifier = "timeRestrictionsOnParking")]
    TimeRestrictionsOnParking = 34,
    #[rasn(identifier = "costToPark")]
    CostToPark = 35,
    #[rasn(identifier = "midBlockCurbPresent")]
    MidBlockCurbPresent = 36,
    #[rasn(identifier = "unEvenPavementPresent")]
    UnEvenPavementPresent = 37,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn ia5(s: &str) -> Ia5String {
        Ia5String::from_iso646_bytes(s.as_bytes()).unwrap()
    }

    fn anchor() -> Position3D {
        let mut p = Position3D::new(Latitude(404_740_844), Longitude(-1_049_694_862));
        p.elevation = Some(Elevation(1580));
        p
    }

    fn all_headings() -> HeadingSlice {
        HeadingSlice(BitString::from_slice(&[0xFF, 0xFF]))
    }

    fn round_trip(tim: &TravelerInformation) {
        let bytes = rasn::uper::encode(tim).unwrap();
        let back: TravelerInformation = rasn::uper::decode(&bytes).unwrap();
        assert_eq!(&back, tim);
        let text = rasn::jer::encode(tim).unwrap();
        let back: TravelerInformation = rasn::jer::decode(&text).unwrap();
        assert_eq!(&back, tim, "JER: {text}");
    }

    fn frame(
        regions: Vec<GeographicalPath>,
        content: TravelerDataFrameContent,
    ) -> TravelerDataFrame {
        let mut sign = RoadSignID {
            position: anchor(),
            view_angle: all_headings(),
            mutcd_code: Some(MUTCDCode::Warning),
            crc: None,
        };
        sign.crc = Some(MsgCRC(FixedOctetString::from([0xBE, 0xEF])));
        let mut f = TravelerDataFrame::new(
            SSPindex(0),
            TravelerInfoType::Advisory,
            TravelerDataFrameMsgId::RoadSignID(sign),
            MinuteOfTheYear(2220),
            MinutesDuration(32_000),
            SignPrority(7),
            SSPindex(0),
            regions,
            SSPindex(0),
            SSPindex(0),
            content,
        );
        f.start_year = Some(DYear(2024));
        f.url = Some(URLShort(ia5("x/1")));
        f
    }

    fn advisory() -> TravelerDataFrameContent {
        TravelerDataFrameContent::Advisory(ITIScodesAndText(vec![
            ITIScodesAndTextMember::itis(ITIScodes(4885)),
            ITIScodesAndTextMember::text(ITIStext(ia5("Lane closed ahead"))),
        ]))
    }

    fn tim(frames: Vec<TravelerDataFrame>) -> TravelerInformation {
        let mut t = TravelerInformation::new(MsgCount(3), TravelerDataFrameList(frames));
        t.time_stamp = Some(MinuteOfTheYear(449_089));
        t.packet_id = Some(UniqueMSGID(FixedOctetString::from([
            1, 2, 3, 4, 5, 6, 7, 8, 9,
        ])));
        t.url_b = Some(URLBase(ia5("https://example.org/tim")));
        t
    }

    fn xy_path() -> GeographicalPath {
        let mut second = NodeXY::new(NodeOffsetPointXY::NodeXY1(NodeXY20b {
            x: OffsetB10(-512),
            y: OffsetB10(511),
        }));
        second.attributes = Some(NodeAttributeSetXY {
            d_elevation: Some(OffsetB10(-20)),
            ..Default::default()
        });
        let nodes = NodeSetXY(vec![
            NodeXY::new(NodeOffsetPointXY::NodeLatLon(NodeLLmD64b {
                lon: Longitude(-1_049_671_259),
                lat: Latitude(404_754_637),
            })),
            second,
        ]);
        let mut path = GeographicalPath::new();
        path.name = Some(DescriptiveName(ia5("I-80 WB")));
        path.id = Some(RoadSegmentReferenceID {
            region: Some(RoadRegulatorID(0)),
            id: RoadSegmentID(33),
        });
        path.anchor = Some(anchor());
        path.lane_width = Some(LaneWidth(366));
        path.directionality = Some(DirectionOfUse::Forward);
        path.closed_path = Some(false);
        path.direction = Some(HeadingSlice(BitString::from_slice(&[0x00, 0x10])));
        path.description = Some(GeographicalPathDescription::Path(OffsetSystem {
            scale: Some(Zoom(2)),
            offset: OffsetSystemOffset::Xy(NodeListXY::Nodes(nodes)),
        }));
        path
    }

    fn ll_node(delta: NodeOffsetPointLL) -> NodeLL {
        NodeLL::new(delta)
    }

    /// A lat/lon path with every node size, attributes, and no zoom.
    fn ll_path() -> GeographicalPath {
        let mut attributed = ll_node(NodeOffsetPointLL::NodeLL3(NodeLL32B {
            lon: OffsetLLB16(14_506),
            lat: OffsetLLB16(-32_768),
        }));
        let mut attrs = NodeAttributeSetLL::new();
        attrs.local_node = Some(NodeAttributeLLList(vec![
            NodeAttributeLL::StopLine,
            NodeAttributeLL::HydrantPresent,
        ]));
        attrs.disabled = Some(SegmentAttributeLLList(vec![SegmentAttributeLL::DoNotBlock]));
        attrs.enabled = Some(SegmentAttributeLLList(vec![
            SegmentAttributeLL::UnEvenPavementPresent,
            SegmentAttributeLL::Reserved,
        ]));
        attrs.d_width = Some(OffsetB10(50));
        attrs.d_elevation = Some(OffsetB10(-1));
        attributed.attributes = Some(attrs);
        let nodes = NodeSetLL(vec![
            ll_node(NodeOffsetPointLL::NodeLL1(NodeLL24B {
                lon: OffsetLLB12(-2048),
                lat: OffsetLLB12(2047),
            })),
            ll_node(NodeOffsetPointLL::NodeLL2(NodeLL28B {
                lon: OffsetLLB14(-8192),
                lat: OffsetLLB14(8191),
            })),
            attributed,
            ll_node(NodeOffsetPointLL::NodeLL4(NodeLL36B {
                lon: OffsetLLB18(-131_072),
                lat: OffsetLLB18(131_071),
            })),
            ll_node(NodeOffsetPointLL::NodeLL5(NodeLL44B {
                lon: OffsetLLB22(-2_097_152),
                lat: OffsetLLB22(2_097_151),
            })),
            ll_node(NodeOffsetPointLL::NodeLL6(NodeLL48B {
                lon: OffsetLLB24(-8_388_608),
                lat: OffsetLLB24(8_388_607),
            })),
            ll_node(NodeOffsetPointLL::NodeLatLon(NodeLLmD64b {
                lon: Longitude(1_800_000_001),
                lat: Latitude(-900_000_000),
            })),
        ]);
        let mut path = GeographicalPath::new();
        path.anchor = Some(anchor());
        path.description = Some(GeographicalPathDescription::Path(OffsetSystem {
            scale: None,
            offset: OffsetSystemOffset::Ll(NodeListLL::Nodes(nodes)),
        }));
        path
    }

    fn circle() -> Circle {
        Circle {
            center: anchor(),
            radius: RadiusB12::UNKNOWN,
            units: DistanceUnits::Cm25,
        }
    }

    /// Projected circle and the three legacy region forms.
    fn other_paths() -> Vec<GeographicalPath> {
        let mut geometry = GeometricProjection::new(all_headings(), circle());
        geometry.extent = Some(Extent::UseFor500meters);
        geometry.lane_width = Some(LaneWidth(32_767));
        let mut g = GeographicalPath::new();
        g.description = Some(GeographicalPathDescription::Geometry(geometry));

        let mut shape = ShapePointSet::new(NodeListXY::Nodes(NodeSetXY(vec![
            NodeXY::new(NodeOffsetPointXY::NodeXY1(NodeXY20b {
                x: OffsetB10(1),
                y: OffsetB10(2),
            })),
            NodeXY::new(NodeOffsetPointXY::NodeXY1(NodeXY20b {
                x: OffsetB10(3),
                y: OffsetB10(4),
            })),
        ])));
        shape.directionality = Some(DirectionOfUse::Both);
        let old_shape = ValidRegion {
            direction: all_headings(),
            extent: None,
            area: ValidRegionArea::ShapePointSet(shape),
        };
        let old_circle = ValidRegion {
            direction: all_headings(),
            extent: Some(Extent::Forever),
            area: ValidRegionArea::Circle(circle()),
        };
        let mut outline = RegionPointSet::new(RegionList(vec![
            RegionOffsets {
                x_offset: OffsetLLB16(100),
                y_offset: OffsetLLB16(-100),
                z_offset: None,
            },
            RegionOffsets {
                x_offset: OffsetLLB16(-32_768),
                y_offset: OffsetLLB16(32_767),
                z_offset: Some(OffsetLLB16(0)),
            },
        ]));
        outline.scale = Some(Zoom(15));
        let old_points = ValidRegion {
            direction: all_headings(),
            extent: None,
            area: ValidRegionArea::RegionPointSet(outline),
        };
        let mut out = vec![g];
        for region in [old_shape, old_circle, old_points] {
            let mut p = GeographicalPath::new();
            p.description = Some(GeographicalPathDescription::OldRegion(region));
            out.push(p);
        }
        // A region with no description at all.
        let mut bare = GeographicalPath::new();
        bare.anchor = Some(anchor());
        out.push(bare);
        out
    }

    #[test]
    fn hand_made_xy_path_round_trips() {
        round_trip(&tim(vec![frame(vec![xy_path()], advisory())]));
    }

    #[test]
    fn hand_made_ll_path_without_zoom_round_trips() {
        let t = tim(vec![frame(vec![ll_path()], advisory())]);
        round_trip(&t);
        let json: serde_json::Value =
            serde_json::from_str(&rasn::jer::encode(&t).unwrap()).unwrap();
        let path = &json["dataFrames"][0]["regions"][0]["description"]["path"];
        assert!(path.get("scale").is_none());
        assert_eq!(
            path["offset"]["ll"]["nodes"][0]["delta"]["node-LL1"]["lon"],
            -2048
        );
    }

    #[test]
    fn hand_made_other_regions_and_contents_round_trip() {
        let phrase = |s: &str| ITIStextPhrase(ia5(s));
        let contents = vec![
            TravelerDataFrameContent::WorkZone(WorkZone(vec![
                WorkZoneMember {
                    item: WorkZoneMemberItem::Itis(ITIScodes(1025)),
                },
                WorkZoneMember {
                    item: WorkZoneMemberItem::Text(phrase("sixteen chars ok")),
                },
            ])),
            TravelerDataFrameContent::GenericSign(GenericSignage(vec![GenericSignageMember {
                item: GenericSignageMemberItem::Text(phrase("STOP")),
            }])),
            TravelerDataFrameContent::SpeedLimit(SpeedLimit(vec![SpeedLimitMember {
                item: SpeedLimitMemberItem::Itis(ITIScodes(2569)),
            }])),
            TravelerDataFrameContent::ExitService(ExitService(vec![ExitServiceMember {
                item: ExitServiceMemberItem::Itis(ITIScodes(65_535)),
            }])),
        ];
        let mut frames: Vec<TravelerDataFrame> = contents
            .into_iter()
            .map(|c| frame(other_paths(), c))
            .collect();
        frames[0].msg_id =
            TravelerDataFrameMsgId::FurtherInfoID(FurtherInfoID(FixedOctetString::from([0, 1])));
        frames[1].frame_type = TravelerInfoType::CommercialSignage;
        round_trip(&tim(frames));
    }

    #[test]
    fn out_of_range_tim_refused() {
        let good = tim(vec![frame(vec![ll_path()], advisory())]);
        assert!(rasn::uper::encode(&good).is_ok());

        let mut t = good.clone();
        t.data_frames.0[0].duration_time = MinutesDuration(32_001);
        assert!(rasn::uper::encode(&t).is_err());

        let mut t = good.clone();
        t.data_frames.0[0].priority = SignPrority(8);
        assert!(rasn::uper::encode(&t).is_err());

        let mut t = good.clone();
        t.data_frames.0[0].url = Some(URLShort(ia5("sixteen chars!!!")));
        assert!(rasn::uper::encode(&t).is_err());

        let mut t = good.clone();
        t.data_frames.0[0].regions = vec![];
        assert!(rasn::uper::encode(&t).is_err());

        let mut t = good.clone();
        t.data_frames = TravelerDataFrameList(vec![t.data_frames.0[0].clone(); 9]);
        assert!(rasn::uper::encode(&t).is_err());

        let mut one_node = ll_path();
        if let Some(GeographicalPathDescription::Path(OffsetSystem {
            offset: OffsetSystemOffset::Ll(NodeListLL::Nodes(nodes)),
            ..
        })) = &mut one_node.description
        {
            nodes.0.truncate(1);
        }
        let t = tim(vec![frame(vec![one_node], advisory())]);
        assert!(rasn::uper::encode(&t).is_err());

        let mut bad_offset = ll_path();
        if let Some(GeographicalPathDescription::Path(OffsetSystem {
            offset: OffsetSystemOffset::Ll(NodeListLL::Nodes(nodes)),
            ..
        })) = &mut bad_offset.description
        {
            nodes.0[0].delta = NodeOffsetPointLL::NodeLL1(NodeLL24B {
                lon: OffsetLLB12(2048),
                lat: OffsetLLB12(0),
            });
        }
        let t = tim(vec![frame(vec![bad_offset], advisory())]);
        assert!(rasn::uper::encode(&t).is_err());

        let t = tim(vec![frame(
            vec![xy_path()],
            TravelerDataFrameContent::GenericSign(GenericSignage(vec![GenericSignageMember {
                item: GenericSignageMemberItem::Text(ITIStextPhrase(ia5("seventeen chars!!"))),
            }])),
        )]);
        assert!(rasn::uper::encode(&t).is_err());
    }
}
