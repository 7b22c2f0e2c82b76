//! Shared J2735 data elements and frames used by every message (positions, time, lanes, nodes).

#[allow(unused_imports)]
use super::*;
use rasn::prelude::*;

/// Opaque regional extension: a region number and the encoded value as an open type.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RegionalExtension {
    #[rasn(identifier = "regionId")]
    pub region_id: RegionId,
    #[rasn(identifier = "regExtValue")]
    pub reg_ext_value: Any,
}
impl RegionalExtension {
    /// Builds an extension from its region and the already encoded value bytes.
    pub fn new(region_id: RegionId, bytes: Vec<u8>) -> Self {
        Self {
            region_id,
            reg_ext_value: Any::new(bytes),
        }
    }
}

/// ITIS phrase code (traveler advisory vocabulary), any 16-bit value.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=65535"))]
pub struct ITIScodes(pub u16);

/// Free text name, 1 to 63 IA5 characters.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=63"))]
pub struct DescriptiveName(pub Ia5String);

/// Priority byte of a request or message.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct Priority(pub FixedOctetString<1>);

/// Short-lived random identifier of a sender.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct TemporaryID(pub FixedOctetString<4>);

/// Set of 22.5 degree heading sectors, bit 0 starting at north and going clockwise.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct HeadingSlice(pub BitString);
impl HeadingSlice {
    pub const FROM000_0TO022_5DEGREES: usize = 0;
    pub const FROM022_5TO045_0DEGREES: usize = 1;
    pub const FROM045_0TO067_5DEGREES: usize = 2;
    pub const FROM067_5TO090_0DEGREES: usize = 3;
    pub const FROM090_0TO112_5DEGREES: usize = 4;
    pub const FROM112_5TO135_0DEGREES: usize = 5;
    pub const FROM135_0TO157_5DEGREES: usize = 6;
    pub const FROM157_5TO180_0DEGREES: usize = 7;
    pub const FROM180_0TO202_5DEGREES: usize = 8;
    pub const FROM202_5TO225_0DEGREES: usize = 9;
    pub const FROM225_0TO247_5DEGREES: usize = 10;
    pub const FROM247_5TO270_0DEGREES: usize = 11;
    pub const FROM270_0TO292_5DEGREES: usize = 12;
    pub const FROM292_5TO315_0DEGREES: usize = 13;
    pub const FROM315_0TO337_5DEGREES: usize = 14;
    pub const FROM337_5TO360_0DEGREES: usize = 15;
}

/// Date and time split into fields, each optional.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct DDateTime {
    pub year: Option<DYear>,
    pub month: Option<DMonth>,
    pub day: Option<DDay>,
    pub hour: Option<DHour>,
    pub minute: Option<DMinute>,
    pub second: Option<DSecond>,
    pub offset: Option<DOffset>,
}

/// Reference point: latitude, longitude and optional elevation.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct Position3D<S: Dialect = J2735> {
    pub lat: Latitude,
    pub long: S::Longitude,
    pub elevation: Option<Elevation>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl Position3D {
    /// A position with no elevation and no regional data.
    pub fn new(lat: Latitude, long: Longitude) -> Self {
        Self::new_in(lat, long)
    }
}
impl<S: Dialect> Position3D<S> {
    /// A position of dialect `S` with no elevation and no regional data.
    pub fn new_in(lat: Latitude, long: S::Longitude) -> Self {
        Self {
            lat,
            long,
            elevation: None,
            regional: None,
        }
    }
}

/// Position error ellipse: both semi-axes and the orientation of the major one.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PositionalAccuracy {
    #[rasn(identifier = "semiMajor")]
    pub semi_major: SemiMajorAxisAccuracy,
    #[rasn(identifier = "semiMinor")]
    pub semi_minor: SemiMinorAxisAccuracy,
    pub orientation: SemiMajorAxisOrientation,
}

/// Horizontal and vertical position accuracy classes.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PositionConfidenceSet {
    pub pos: PositionConfidence,
    pub elevation: ElevationConfidence,
}

/// Accuracy classes of heading, speed and throttle.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct SpeedandHeadingandThrottleConfidence {
    pub heading: HeadingConfidence,
    pub speed: SpeedConfidence,
    pub throttle: ThrottleConfidence,
}

/// Transmission state together with the vehicle speed.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct TransmissionAndSpeed {
    pub transmisson: TransmissionState,
    pub speed: Velocity,
}

/// Full position report: time, position, motion and their accuracies.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct FullPositionVector {
    #[rasn(identifier = "utcTime")]
    pub utc_time: Option<DDateTime>,
    pub long: Longitude,
    pub lat: Latitude,
    pub elevation: Option<Elevation>,
    pub heading: Option<Heading>,
    pub speed: Option<TransmissionAndSpeed>,
    #[rasn(identifier = "posAccuracy")]
    pub pos_accuracy: Option<PositionalAccuracy>,
    #[rasn(identifier = "timeConfidence")]
    pub time_confidence: Option<TimeConfidence>,
    #[rasn(identifier = "posConfidence")]
    pub pos_confidence: Option<PositionConfidenceSet>,
    #[rasn(identifier = "speedConfidence")]
    pub speed_confidence: Option<SpeedandHeadingandThrottleConfidence>,
}
impl FullPositionVector {
    /// A position report with only longitude and latitude set.
    pub fn new(long: Longitude, lat: Latitude) -> Self {
        Self {
            utc_time: None,
            long,
            lat,
            elevation: None,
            heading: None,
            speed: None,
            pos_accuracy: None,
            time_confidence: None,
            pos_confidence: None,
            speed_confidence: None,
        }
    }
}

/// Road segment identity: optional regulator region and segment number.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RoadSegmentReferenceID {
    pub region: Option<RoadRegulatorID>,
    pub id: RoadSegmentID,
}

/// One speed limit: its kind and value.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RegulatorySpeedLimit {
    #[rasn(identifier = "type")]
    pub type_: SpeedLimitType,
    pub speed: Velocity,
}

/// One to nine speed limits.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=9"))]
pub struct SpeedLimitList(pub SequenceOf<RegulatorySpeedLimit>);

/// Lane data that applies from a node onwards (angles, crown, speed limits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum LaneDataAttribute {
    #[rasn(identifier = "pathEndPointAngle")]
    PathEndPointAngle(DeltaAngle),
    #[rasn(identifier = "laneCrownPointCenter")]
    LaneCrownPointCenter(RoadwayCrownAngle),
    #[rasn(identifier = "laneCrownPointLeft")]
    LaneCrownPointLeft(RoadwayCrownAngle),
    #[rasn(identifier = "laneCrownPointRight")]
    LaneCrownPointRight(RoadwayCrownAngle),
    #[rasn(identifier = "laneAngle")]
    LaneAngle(MergeDivergeNodeAngle),
    #[rasn(identifier = "speedLimits")]
    SpeedLimits(SpeedLimitList),
    #[rasn(identifier = "regional", size("1..=4"))]
    Regional(SequenceOf<RegionalExtension>),
}

/// One to eight lane data attributes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8"))]
pub struct LaneDataAttributeList(pub SequenceOf<LaneDataAttribute>);

/// One to eight node attributes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8"))]
pub struct NodeAttributeXYList(pub SequenceOf<NodeAttributeXY>);

/// One to eight segment attributes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8"))]
pub struct SegmentAttributeXYList(pub SequenceOf<SegmentAttributeXY>);

/// Attributes attached to a node: node flags, segment flags turned off and on, lane data,
/// and width and elevation changes (cm).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct NodeAttributeSetXY {
    #[rasn(identifier = "localNode")]
    pub local_node: Option<NodeAttributeXYList>,
    pub disabled: Option<SegmentAttributeXYList>,
    pub enabled: Option<SegmentAttributeXYList>,
    pub data: Option<LaneDataAttributeList>,
    #[rasn(identifier = "dWidth")]
    pub d_width: Option<OffsetB10>,
    #[rasn(identifier = "dElevation")]
    pub d_elevation: Option<OffsetB10>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl NodeAttributeSetXY {
    /// An attribute set with every member absent.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Node offset in cm, 10-bit components.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeXY20b {
    pub x: OffsetB10,
    pub y: OffsetB10,
}

/// Node offset in cm, 11-bit components.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeXY22b {
    pub x: OffsetB11,
    pub y: OffsetB11,
}

/// Node offset in cm, 12-bit components.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeXY24b {
    pub x: OffsetB12,
    pub y: OffsetB12,
}

/// Node offset in cm, 13-bit components.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeXY26b {
    pub x: OffsetB13,
    pub y: OffsetB13,
}

/// Node offset in cm, 14-bit components.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeXY28b {
    pub x: OffsetB14,
    pub y: OffsetB14,
}

/// Node offset in cm, 16-bit components.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeXY32b {
    pub x: OffsetB16,
    pub y: OffsetB16,
}

/// Node given as an absolute longitude and latitude.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NodeLLmD64b<S: Dialect = J2735> {
    pub lon: S::Longitude,
    pub lat: Latitude,
}

/// Position of a node relative to the previous one (or absolute, or regional).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum NodeOffsetPointXY<S: Dialect = J2735> {
    #[rasn(identifier = "node-XY1")]
    NodeXY1(NodeXY20b),
    #[rasn(identifier = "node-XY2")]
    NodeXY2(NodeXY22b),
    #[rasn(identifier = "node-XY3")]
    NodeXY3(NodeXY24b),
    #[rasn(identifier = "node-XY4")]
    NodeXY4(NodeXY26b),
    #[rasn(identifier = "node-XY5")]
    NodeXY5(NodeXY28b),
    #[rasn(identifier = "node-XY6")]
    NodeXY6(NodeXY32b),
    #[rasn(identifier = "node-LatLon")]
    NodeLatLon(NodeLLmD64b<S>),
    #[rasn(identifier = "regional")]
    Regional(RegionalExtension),
}

/// One node of a lane path: its offset and optional attributes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct NodeXY<S: Dialect = J2735> {
    pub delta: NodeOffsetPointXY<S>,
    pub attributes: Option<NodeAttributeSetXY>,
}
impl<S: Dialect> NodeXY<S> {
    /// A node with no attributes.
    pub fn new(delta: NodeOffsetPointXY<S>) -> Self {
        Self {
            delta,
            attributes: None,
        }
    }
}

/// Two to 63 nodes describing a lane path.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("2..=63"))]
pub struct NodeSetXY<S: Dialect = J2735>(pub SequenceOf<NodeXY<S>>);

/// X offset of a computed lane (inline choice of `ComputedLane.offsetXaxis`), in cm.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum ComputedLaneOffsetXaxis {
    #[rasn(identifier = "small")]
    Small(DrivenLineOffsetSm),
    #[rasn(identifier = "large")]
    Large(DrivenLineOffsetLg),
}

/// Y offset of a computed lane (inline choice of `ComputedLane.offsetYaxis`), in cm.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum ComputedLaneOffsetYaxis {
    #[rasn(identifier = "small")]
    Small(DrivenLineOffsetSm),
    #[rasn(identifier = "large")]
    Large(DrivenLineOffsetLg),
}

/// Lane derived from a reference lane by translation, rotation and scaling.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ComputedLane {
    #[rasn(identifier = "referenceLaneId")]
    pub reference_lane_id: LaneID,
    #[rasn(identifier = "offsetXaxis")]
    pub offset_xaxis: ComputedLaneOffsetXaxis,
    #[rasn(identifier = "offsetYaxis")]
    pub offset_yaxis: ComputedLaneOffsetYaxis,
    #[rasn(identifier = "rotateXY")]
    pub rotate_xy: Option<Angle>,
    #[rasn(identifier = "scaleXaxis")]
    pub scale_xaxis: Option<ScaleB12>,
    #[rasn(identifier = "scaleYaxis")]
    pub scale_yaxis: Option<ScaleB12>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl ComputedLane {
    /// A computed lane with only its reference lane and offsets.
    pub fn new(
        reference_lane_id: LaneID,
        offset_xaxis: ComputedLaneOffsetXaxis,
        offset_yaxis: ComputedLaneOffsetYaxis,
    ) -> Self {
        Self {
            reference_lane_id,
            offset_xaxis,
            offset_yaxis,
            rotate_xy: None,
            scale_xaxis: None,
            scale_yaxis: None,
            regional: None,
        }
    }
}

/// Lane path: an explicit node list or a lane computed from another.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum NodeListXY<S: Dialect = J2735> {
    #[rasn(identifier = "nodes")]
    Nodes(NodeSetXY<S>),
    #[rasn(identifier = "computed")]
    Computed(ComputedLane),
}

/// Angle from north in units of 0.0125 degree (28800 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=28800"))]
pub struct Angle(pub u16);
impl Angle {
    pub const UNAVAILABLE: Self = Self(28800);
}

/// Day of the month.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=31"))]
pub struct DDay(pub u8);

/// Hour of the day (UTC).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=31"))]
pub struct DHour(pub u8);

/// Minute of the hour.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=60"))]
pub struct DMinute(pub u8);

/// Month of the year.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=12"))]
pub struct DMonth(pub u8);

/// Local time offset from UTC in minutes.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-840..=840"))]
pub struct DOffset(pub i16);

/// Milliseconds within the minute (60000..=60999 leap second, 65535 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=65535"))]
pub struct DSecond(pub u16);
impl DSecond {
    pub const UNAVAILABLE: Self = Self(65535);
}

/// Calendar year.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=4095"))]
pub struct DYear(pub u16);

/// Angle relative to the lane direction in whole degrees.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-150..=150"))]
pub struct DeltaAngle(pub i16);

/// Large lateral offset of a computed lane, in cm.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-32767..=32767"))]
pub struct DrivenLineOffsetLg(pub i16);

/// Small lateral offset of a computed lane, in cm.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-2047..=2047"))]
pub struct DrivenLineOffsetSm(pub i16);

/// Height above the reference ellipsoid in 10 cm steps (-4096 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-4096..=61439"))]
pub struct Elevation(pub i32);
impl Elevation {
    pub const UNAVAILABLE: Self = Self(-4096);
}

/// Heading from true north in units of 0.0125 degree (28800 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=28800"))]
pub struct Heading(pub u16);
impl Heading {
    pub const UNAVAILABLE: Self = Self(28800);
}

/// Vehicle type code from ISO 3833.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=100"))]
pub struct Iso3833VehicleType(pub u8);

/// Lane number unique within an intersection (0 = unknown, 255 reserved).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct LaneID(pub u8);

/// Lane width in cm.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=32767"))]
pub struct LaneWidth(pub u16);

/// Geodetic latitude in 0.1 microdegree (900000001 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-900000000..=900000001"))]
pub struct Latitude(pub i32);
impl Latitude {
    pub const UNAVAILABLE: Self = Self(900000001);
}

/// Geodetic longitude in 0.1 microdegree (1800000001 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-1799999999..=1800000001"))]
pub struct Longitude(pub i32);
impl Longitude {
    pub const UNAVAILABLE: Self = Self(1800000001);
}

/// Angle of a merge or diverge point in 1.5 degree steps (-180 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-180..=180"))]
pub struct MergeDivergeNodeAngle(pub i16);
impl MergeDivergeNodeAngle {
    pub const UNAVAILABLE: Self = Self(-180);
}

/// Minutes elapsed since the start of the UTC year (527040 = invalid).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=527040"))]
pub struct MinuteOfTheYear(pub u32);
impl MinuteOfTheYear {
    pub const INVALID: Self = Self(527040);
}

/// Rolling message sequence number.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=127"))]
pub struct MsgCount(pub u8);

/// Signed offset in cm, 10-bit range.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-512..=511"))]
pub struct OffsetB10(pub i16);

/// Signed offset in cm, 11-bit range.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-1024..=1023"))]
pub struct OffsetB11(pub i16);

/// Signed offset in cm, 12-bit range.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-2048..=2047"))]
pub struct OffsetB12(pub i16);

/// Signed offset in cm, 13-bit range.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-4096..=4095"))]
pub struct OffsetB13(pub i16);

/// Signed offset in cm, 14-bit range.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-8192..=8191"))]
pub struct OffsetB14(pub i16);

/// Signed offset in cm, 16-bit range.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-32768..=32767"))]
pub struct OffsetB16(pub i16);

/// Signed latitude or longitude offset in 0.1 microdegree, 18-bit range (-131072 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-131072..=131071"))]
pub struct OffsetLLB18(pub i32);
impl OffsetLLB18 {
    pub const UNAVAILABLE: Self = Self(-131072);
}

/// Identifier of the regional extension set (0 = none).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct RegionId(pub u8);
impl RegionId {
    pub const NO_REGION: Self = Self(0);
    pub const ADD_GRP_A: Self = Self(1);
    pub const ADD_GRP_B: Self = Self(2);
    pub const ADD_GRP_C: Self = Self(3);
}

/// Identifier of the agency that assigns road and intersection IDs (0 = testing).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=65535"))]
pub struct RoadRegulatorID(pub u16);

/// Road segment number unique within a regulator region.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=65535"))]
pub struct RoadSegmentID(pub u16);

/// Road cross slope in units of 0.3 degree (-128 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-128..=127"))]
pub struct RoadwayCrownAngle(pub i8);
impl RoadwayCrownAngle {
    pub const UNAVAILABLE: Self = Self(-128);
}

/// Index into the service specific permissions of the signing certificate.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=31"))]
pub struct SSPindex(pub u8);

/// Scale factor change in steps of 0.05 percent.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-2048..=2047"))]
pub struct ScaleB12(pub i16);

/// Semi-major axis of the position error ellipse, 0.05 m steps (255 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct SemiMajorAxisAccuracy(pub u8);
impl SemiMajorAxisAccuracy {
    pub const UNAVAILABLE: Self = Self(255);
}

/// Orientation of the error ellipse from true north in 360/65535 degree steps (65535 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=65535"))]
pub struct SemiMajorAxisOrientation(pub u16);
impl SemiMajorAxisOrientation {
    pub const UNAVAILABLE: Self = Self(65535);
}

/// Semi-minor axis of the position error ellipse, 0.05 m steps (255 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct SemiMinorAxisAccuracy(pub u8);
impl SemiMinorAxisAccuracy {
    pub const UNAVAILABLE: Self = Self(255);
}

/// Speed in units of 0.02 m/s (8191 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=8191"))]
pub struct Velocity(pub u16);
impl Velocity {
    pub const UNAVAILABLE: Self = Self(8191);
}
/// Role a vehicle is playing on the road (public transport, emergency, police, ...).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum BasicVehicleRole {
    #[rasn(identifier = "basicVehicle")]
    BasicVehicle = 0,
    #[rasn(identifier = "publicTransport")]
    PublicTransport = 1,
    #[rasn(identifier = "specialTransport")]
    SpecialTransport = 2,
    #[rasn(identifier = "dangerousGoods")]
    DangerousGoods = 3,
    #[rasn(identifier = "roadWork")]
    RoadWork = 4,
    #[rasn(identifier = "roadRescue")]
    RoadRescue = 5,
    #[rasn(identifier = "emergency")]
    Emergency = 6,
    #[rasn(identifier = "safetyCar")]
    SafetyCar = 7,
    #[rasn(identifier = "none-unknown")]
    NoneUnknown = 8,
    #[rasn(identifier = "truck")]
    Truck = 9,
    #[rasn(identifier = "motorcycle")]
    Motorcycle = 10,
    #[rasn(identifier = "roadSideSource")]
    RoadSideSource = 11,
    #[rasn(identifier = "police")]
    Police = 12,
    #[rasn(identifier = "fire")]
    Fire = 13,
    #[rasn(identifier = "ambulance")]
    Ambulance = 14,
    #[rasn(identifier = "dot")]
    Dot = 15,
    #[rasn(identifier = "transit")]
    Transit = 16,
    #[rasn(identifier = "slowMoving")]
    SlowMoving = 17,
    #[rasn(identifier = "stopNgo")]
    StopNgo = 18,
    #[rasn(identifier = "cyclist")]
    Cyclist = 19,
    #[rasn(identifier = "pedestrian")]
    Pedestrian = 20,
    #[rasn(identifier = "nonMotorized")]
    NonMotorized = 21,
    #[rasn(identifier = "military")]
    Military = 22,
}

/// Accuracy class of an elevation value (95% confidence).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum ElevationConfidence {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "elev-500-00")]
    Elev50000 = 1,
    #[rasn(identifier = "elev-200-00")]
    Elev20000 = 2,
    #[rasn(identifier = "elev-100-00")]
    Elev10000 = 3,
    #[rasn(identifier = "elev-050-00")]
    Elev05000 = 4,
    #[rasn(identifier = "elev-020-00")]
    Elev02000 = 5,
    #[rasn(identifier = "elev-010-00")]
    Elev01000 = 6,
    #[rasn(identifier = "elev-005-00")]
    Elev00500 = 7,
    #[rasn(identifier = "elev-002-00")]
    Elev00200 = 8,
    #[rasn(identifier = "elev-001-00")]
    Elev00100 = 9,
    #[rasn(identifier = "elev-000-50")]
    Elev00050 = 10,
    #[rasn(identifier = "elev-000-20")]
    Elev00020 = 11,
    #[rasn(identifier = "elev-000-10")]
    Elev00010 = 12,
    #[rasn(identifier = "elev-000-05")]
    Elev00005 = 13,
    #[rasn(identifier = "elev-000-02")]
    Elev00002 = 14,
    #[rasn(identifier = "elev-000-01")]
    Elev00001 = 15,
}

/// Distance over which a piece of data remains valid.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum Extent {
    #[rasn(identifier = "useInstantlyOnly")]
    UseInstantlyOnly = 0,
    #[rasn(identifier = "useFor3meters")]
    UseFor3meters = 1,
    #[rasn(identifier = "useFor10meters")]
    UseFor10meters = 2,
    #[rasn(identifier = "useFor50meters")]
    UseFor50meters = 3,
    #[rasn(identifier = "useFor100meters")]
    UseFor100meters = 4,
    #[rasn(identifier = "useFor500meters")]
    UseFor500meters = 5,
    #[rasn(identifier = "useFor1000meters")]
    UseFor1000meters = 6,
    #[rasn(identifier = "useFor5000meters")]
    UseFor5000meters = 7,
    #[rasn(identifier = "useFor10000meters")]
    UseFor10000meters = 8,
    #[rasn(identifier = "useFor50000meters")]
    UseFor50000meters = 9,
    #[rasn(identifier = "useFor100000meters")]
    UseFor100000meters = 10,
    #[rasn(identifier = "useFor500000meters")]
    UseFor500000meters = 11,
    #[rasn(identifier = "useFor1000000meters")]
    UseFor1000000meters = 12,
    #[rasn(identifier = "useFor5000000meters")]
    UseFor5000000meters = 13,
    #[rasn(identifier = "useFor10000000meters")]
    UseFor10000000meters = 14,
    #[rasn(identifier = "forever")]
    Forever = 15,
}

/// Accuracy class of a heading value.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum HeadingConfidence {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "prec10deg")]
    Prec10deg = 1,
    #[rasn(identifier = "prec05deg")]
    Prec05deg = 2,
    #[rasn(identifier = "prec01deg")]
    Prec01deg = 3,
    #[rasn(identifier = "prec0-1deg")]
    Prec0_1deg = 4,
    #[rasn(identifier = "prec0-05deg")]
    Prec0_05deg = 5,
    #[rasn(identifier = "prec0-01deg")]
    Prec0_01deg = 6,
    #[rasn(identifier = "prec0-0125deg")]
    Prec0_0125deg = 7,
}

/// Attribute that applies at a single node of a lane path.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum NodeAttributeXY {
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

/// Accuracy class of a horizontal position (95% confidence).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum PositionConfidence {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "a500m")]
    A500m = 1,
    #[rasn(identifier = "a200m")]
    A200m = 2,
    #[rasn(identifier = "a100m")]
    A100m = 3,
    #[rasn(identifier = "a50m")]
    A50m = 4,
    #[rasn(identifier = "a20m")]
    A20m = 5,
    #[rasn(identifier = "a10m")]
    A10m = 6,
    #[rasn(identifier = "a5m")]
    A5m = 7,
    #[rasn(identifier = "a2m")]
    A2m = 8,
    #[rasn(identifier = "a1m")]
    A1m = 9,
    #[rasn(identifier = "a50cm")]
    A50cm = 10,
    #[rasn(identifier = "a20cm")]
    A20cm = 11,
    #[rasn(identifier = "a10cm")]
    A10cm = 12,
    #[rasn(identifier = "a5cm")]
    A5cm = 13,
    #[rasn(identifier = "a2cm")]
    A2cm = 14,
    #[rasn(identifier = "a1cm")]
    A1cm = 15,
}

/// Attribute that applies to the lane segment that follows a node.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum SegmentAttributeXY {
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

/// Accuracy class of a speed value.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum SpeedConfidence {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "prec100ms")]
    Prec100ms = 1,
    #[rasn(identifier = "prec10ms")]
    Prec10ms = 2,
    #[rasn(identifier = "prec5ms")]
    Prec5ms = 3,
    #[rasn(identifier = "prec1ms")]
    Prec1ms = 4,
    #[rasn(identifier = "prec0-1ms")]
    Prec01ms = 5,
    #[rasn(identifier = "prec0-05ms")]
    Prec005ms = 6,
    #[rasn(identifier = "prec0-01ms")]
    Prec001ms = 7,
}

/// Kind of regulatory speed limit (school zone, truck maximum, ...).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum SpeedLimitType {
    #[rasn(identifier = "unknown")]
    Unknown = 0,
    #[rasn(identifier = "maxSpeedInSchoolZone")]
    MaxSpeedInSchoolZone = 1,
    #[rasn(identifier = "maxSpeedInSchoolZoneWhenChildrenArePresent")]
    MaxSpeedInSchoolZoneWhenChildrenArePresent = 2,
    #[rasn(identifier = "maxSpeedInConstructionZone")]
    MaxSpeedInConstructionZone = 3,
    #[rasn(identifier = "vehicleMinSpeed")]
    VehicleMinSpeed = 4,
    #[rasn(identifier = "vehicleMaxSpeed")]
    VehicleMaxSpeed = 5,
    #[rasn(identifier = "vehicleNightMaxSpeed")]
    VehicleNightMaxSpeed = 6,
    #[rasn(identifier = "truckMinSpeed")]
    TruckMinSpeed = 7,
    #[rasn(identifier = "truckMaxSpeed")]
    TruckMaxSpeed = 8,
    #[rasn(identifier = "truckNightMaxSpeed")]
    TruckNightMaxSpeed = 9,
    #[rasn(identifier = "vehiclesWithTrailersMinSpeed")]
    VehiclesWithTrailersMinSpeed = 10,
    #[rasn(identifier = "vehiclesWithTrailersMaxSpeed")]
    VehiclesWithTrailersMaxSpeed = 11,
    #[rasn(identifier = "vehiclesWithTrailersNightMaxSpeed")]
    VehiclesWithTrailersNightMaxSpeed = 12,
}

/// Accuracy class of a throttle position.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum ThrottleConfidence {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "prec10percent")]
    Prec10percent = 1,
    #[rasn(identifier = "prec1percent")]
    Prec1percent = 2,
    #[rasn(identifier = "prec0-5percent")]
    Prec05percent = 3,
}

/// Accuracy class of a time value.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum TimeConfidence {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "time-100-000")]
    Time100000 = 1,
    #[rasn(identifier = "time-050-000")]
    Time050000 = 2,
    #[rasn(identifier = "time-020-000")]
    Time020000 = 3,
    #[rasn(identifier = "time-010-000")]
    Time010000 = 4,
    #[rasn(identifier = "time-002-000")]
    Time002000 = 5,
    #[rasn(identifier = "time-001-000")]
    Time001000 = 6,
    #[rasn(identifier = "time-000-500")]
    Time000500 = 7,
    #[rasn(identifier = "time-000-200")]
    Time000200 = 8,
    #[rasn(identifier = "time-000-100")]
    Time000100 = 9,
    #[rasn(identifier = "time-000-050")]
    Time000050 = 10,
    #[rasn(identifier = "time-000-020")]
    Time000020 = 11,
    #[rasn(identifier = "time-000-010")]
    Time000010 = 12,
    #[rasn(identifier = "time-000-005")]
    Time000005 = 13,
    #[rasn(identifier = "time-000-002")]
    Time000002 = 14,
    #[rasn(identifier = "time-000-001")]
    Time000001 = 15,
    #[rasn(identifier = "time-000-000-5")]
    Time0000005 = 16,
    #[rasn(identifier = "time-000-000-2")]
    Time0000002 = 17,
    #[rasn(identifier = "time-000-000-1")]
    Time0000001 = 18,
    #[rasn(identifier = "time-000-000-05")]
    Time00000005 = 19,
    #[rasn(identifier = "time-000-000-02")]
    Time00000002 = 20,
    #[rasn(identifier = "time-000-000-01")]
    Time00000001 = 21,
    #[rasn(identifier = "time-000-000-005")]
    Time000000005 = 22,
    #[rasn(identifier = "time-000-000-002")]
    Time000000002 = 23,
    #[rasn(identifier = "time-000-000-001")]
    Time000000001 = 24,
    #[rasn(identifier = "time-000-000-000-5")]
    Time0000000005 = 25,
    #[rasn(identifier = "time-000-000-000-2")]
    Time0000000002 = 26,
    #[rasn(identifier = "time-000-000-000-1")]
    Time0000000001 = 27,
    #[rasn(identifier = "time-000-000-000-05")]
    Time00000000005 = 28,
    #[rasn(identifier = "time-000-000-000-02")]
    Time00000000002 = 29,
    #[rasn(identifier = "time-000-000-000-01")]
    Time00000000001 = 30,
    #[rasn(identifier = "time-000-000-000-005")]
    Time000000000005 = 31,
    #[rasn(identifier = "time-000-000-000-002")]
    Time000000000002 = 32,
    #[rasn(identifier = "time-000-000-000-001")]
    Time000000000001 = 33,
    #[rasn(identifier = "time-000-000-000-000-5")]
    Time0000000000005 = 34,
    #[rasn(identifier = "time-000-000-000-000-2")]
    Time0000000000002 = 35,
    #[rasn(identifier = "time-000-000-000-000-1")]
    Time0000000000001 = 36,
    #[rasn(identifier = "time-000-000-000-000-05")]
    Time00000000000005 = 37,
    #[rasn(identifier = "time-000-000-000-000-02")]
    Time00000000000002 = 38,
    #[rasn(identifier = "time-000-000-000-000-01")]
    Time00000000000001 = 39,
}

/// Current state of the vehicle's transmission.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum TransmissionState {
    #[rasn(identifier = "neutral")]
    Neutral = 0,
    #[rasn(identifier = "park")]
    Park = 1,
    #[rasn(identifier = "forwardGears")]
    ForwardGears = 2,
    #[rasn(identifier = "reverseGears")]
    ReverseGears = 3,
    #[rasn(identifier = "reserved1")]
    Reserved1 = 4,
    #[rasn(identifier = "reserved2")]
    Reserved2 = 5,
    #[rasn(identifier = "reserved3")]
    Reserved3 = 6,
    #[rasn(identifier = "unavailable")]
    Unavailable = 7,
}

/// Vehicle class by axle count and body type (HPMS-style).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum VehicleType {
    #[rasn(identifier = "none")]
    None = 0,
    #[rasn(identifier = "unknown")]
    Unknown = 1,
    #[rasn(identifier = "special")]
    Special = 2,
    #[rasn(identifier = "moto")]
    Moto = 3,
    #[rasn(identifier = "car")]
    Car = 4,
    #[rasn(identifier = "carOther")]
    CarOther = 5,
    #[rasn(identifier = "bus")]
    Bus = 6,
    #[rasn(identifier = "axleCnt2")]
    AxleCnt2 = 7,
    #[rasn(identifier = "axleCnt3")]
    AxleCnt3 = 8,
    #[rasn(identifier = "axleCnt4")]
    AxleCnt4 = 9,
    #[rasn(identifier = "axleCnt4Trailer")]
    AxleCnt4Trailer = 10,
    #[rasn(identifier = "axleCnt5Trailer")]
    AxleCnt5Trailer = 11,
    #[rasn(identifier = "axleCnt6Trailer")]
    AxleCnt6Trailer = 12,
    #[rasn(identifier = "axleCnt5MultiTrailer")]
    AxleCnt5MultiTrailer = 13,
    #[rasn(identifier = "axleCnt6MultiTrailer")]
    AxleCnt6MultiTrailer = 14,
    #[rasn(identifier = "axleCnt7MultiTrailer")]
    AxleCnt7MultiTrailer = 15,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn round_trip<T: Encode + Decode + PartialEq + core::fmt::Debug>(value: &T) -> Vec<u8> {
        let bytes = rasn::uper::encode(value).unwrap();
        let back: T = rasn::uper::decode(&bytes).unwrap();
        assert_eq!(&back, value);
        bytes
    }

    #[test]
    fn position3d_round_trip() {
        let mut p = Position3D::new(Latitude(423_456_789), Longitude(-833_456_789));
        round_trip(&p);
        p.elevation = Some(Elevation(1234));
        p.regional = Some(vec![RegionalExtension::new(
            RegionId::ADD_GRP_C,
            vec![0x12, 0x34],
        )]);
        round_trip(&p);
        let limits = Position3D::new(Latitude::UNAVAILABLE, Longitude::UNAVAILABLE);
        round_trip(&limits);
    }

    #[test]
    fn full_position_vector_round_trip() {
        let mut v = FullPositionVector::new(Longitude(-1_799_999_999), Latitude(-900_000_000));
        round_trip(&v);
        v.utc_time = Some(DDateTime {
            year: Some(DYear(2024)),
            month: Some(DMonth(5)),
            day: Some(DDay(17)),
            hour: Some(DHour(13)),
            minute: Some(DMinute(45)),
            second: Some(DSecond(59_999)),
            offset: Some(DOffset(-300)),
        });
        v.elevation = Some(Elevation::UNAVAILABLE);
        v.heading = Some(Heading(14_400));
        v.speed = Some(TransmissionAndSpeed {
            transmisson: TransmissionState::ForwardGears,
            speed: Velocity(1500),
        });
        v.pos_accuracy = Some(PositionalAccuracy {
            semi_major: SemiMajorAxisAccuracy(40),
            semi_minor: SemiMinorAxisAccuracy(20),
            orientation: SemiMajorAxisOrientation::UNAVAILABLE,
        });
        v.time_confidence = Some(TimeConfidence::Time000010);
        v.pos_confidence = Some(PositionConfidenceSet {
            pos: PositionConfidence::A1m,
            elevation: ElevationConfidence::Elev00100,
        });
        v.speed_confidence = Some(SpeedandHeadingandThrottleConfidence {
            heading: HeadingConfidence::Prec0_1deg,
            speed: SpeedConfidence::Prec01ms,
            throttle: ThrottleConfidence::Unavailable,
        });
        round_trip(&v);
    }

    #[test]
    fn node_list_round_trip() {
        let mut attrs = NodeAttributeSetXY::new();
        attrs.local_node = Some(NodeAttributeXYList(vec![NodeAttributeXY::StopLine]));
        attrs.enabled = Some(SegmentAttributeXYList(vec![
            SegmentAttributeXY::WhiteLine,
            SegmentAttributeXY::UnEvenPavementPresent,
        ]));
        attrs.data = Some(LaneDataAttributeList(vec![
            LaneDataAttribute::SpeedLimits(SpeedLimitList(vec![RegulatorySpeedLimit {
                type_: SpeedLimitType::VehicleMaxSpeed,
                speed: Velocity(625),
            }])),
            LaneDataAttribute::LaneAngle(MergeDivergeNodeAngle::UNAVAILABLE),
        ]));
        attrs.d_width = Some(OffsetB10(-20));
        let mut first: NodeXY = NodeXY::new(NodeOffsetPointXY::NodeXY1(NodeXY20b {
            x: OffsetB10(511),
            y: OffsetB10(-512),
        }));
        first.attributes = Some(attrs);
        let second = NodeXY::new(NodeOffsetPointXY::NodeLatLon(NodeLLmD64b {
            lon: Longitude(-833_456_789),
            lat: Latitude(423_456_789),
        }));
        let list = NodeListXY::Nodes(NodeSetXY(vec![first, second]));
        round_trip(&list);

        let computed: NodeListXY = NodeListXY::Computed(ComputedLane::new(
            LaneID(3),
            ComputedLaneOffsetXaxis::Small(DrivenLineOffsetSm(-2047)),
            ComputedLaneOffsetYaxis::Large(DrivenLineOffsetLg(32_767)),
        ));
        round_trip(&computed);
    }

    #[test]
    fn out_of_range_refused() {
        assert!(rasn::uper::encode(&Latitude(900_000_002)).is_err());
        assert!(rasn::uper::encode(&Latitude(-900_000_001)).is_err());
        assert!(rasn::uper::encode(&Longitude(-1_800_000_000)).is_err());
        assert!(rasn::uper::encode(&Position3D::new(Latitude(900_000_002), Longitude(0))).is_err());
        assert!(rasn::uper::encode(&Heading(28_801)).is_err());
        // A node set needs at least two nodes.
        let one: NodeSetXY = NodeSetXY(vec![NodeXY::new(NodeOffsetPointXY::NodeXY1(NodeXY20b {
            x: OffsetB10(0),
            y: OffsetB10(0),
        }))]);
        assert!(rasn::uper::encode(&one).is_err());
    }

    #[test]
    fn hand_checked_uper_bytes() {
        // x = 0 -> 0 + 512 in 10 bits = 10_0000_0000; y = -1 -> 511 = 01_1111_1111;
        // 20 bits padded to 3 bytes: 1000_0000 0001_1111 1111_0000.
        let node = NodeXY20b {
            x: OffsetB10(0),
            y: OffsetB10(-1),
        };
        assert_eq!(round_trip(&node), [0x80, 0x1F, 0xF0]);
        // Same node behind the 3-bit index 000 of alternative 0 of 8: 0001_0000 0000_0011 1111_1110.
        let point: NodeOffsetPointXY = NodeOffsetPointXY::NodeXY1(node);
        assert_eq!(round_trip(&point), [0x10, 0x03, 0xFE]);
        // Extensible enumeration, 23 root values: extension bit 0, index 12 in 5 bits 01100.
        assert_eq!(round_trip(&BasicVehicleRole::Police), [0x30]);
        // Latitude 0: 0 + 900000000 = 0x35A4_E900 in 31 bits, then one pad bit.
        assert_eq!(round_trip(&Latitude(0)), [0x6B, 0x49, 0xD2, 0x00]);
    }
}
