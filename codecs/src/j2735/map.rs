//! Map data (MAP, messageId 18): intersection and road segment geometry, lanes, their attributes
//! and connections, with the identifiers shared with SPAT and the signal request messages.

use rasn::prelude::*;

use super::*;

/// Map message: geometry of intersections and road segments, with metadata and user classes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct MapData<S: Dialect = J2735> {
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<MinuteOfTheYear>,
    #[rasn(identifier = "msgIssueRevision")]
    pub msg_issue_revision: MsgCount,
    #[rasn(identifier = "layerType")]
    pub layer_type: Option<LayerType>,
    #[rasn(identifier = "layerID")]
    pub layer_id: Option<LayerID>,
    pub intersections: Option<IntersectionGeometryList<S>>,
    #[rasn(identifier = "roadSegments")]
    pub road_segments: Option<RoadSegmentList<S>>,
    #[rasn(identifier = "dataParameters")]
    pub data_parameters: Option<DataParameters>,
    #[rasn(identifier = "restrictionList")]
    pub restriction_list: Option<RestrictionClassList>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl MapData {
    /// A map message with only its revision counter.
    pub fn new(msg_issue_revision: MsgCount) -> Self {
        Self::new_in(msg_issue_revision)
    }

    // The bare MapData's codecs, as functions of this crate: callers in other crates use
    // these instead of instantiating rasn's generic encoders and decoders for MapData
    // themselves, which would compile the largest J2735 structure a second time, at their
    // own optimisation level (the service's, 3, instead of this crate's size setting).

    /// Decodes a bare UPER MapData from the start of `bytes`; returns it and the rest.
    #[inline(never)]
    pub fn decode_uper_prefix(bytes: &[u8]) -> Result<(Self, &[u8]), rasn::error::DecodeError> {
        rasn::uper::decode_with_remainder::<Self>(bytes)
    }

    /// The bare MapData as UPER.
    #[inline(never)]
    pub fn encode_uper(&self) -> Result<Vec<u8>, rasn::error::EncodeError> {
        rasn::uper::encode(self)
    }

    /// Reads a bare MapData from its JER value (see [`crate::jer::decode`]).
    #[inline(never)]
    pub fn from_jer_value(json: &serde_json::Value) -> Result<Self, rasn::error::DecodeError> {
        crate::jer::decode::<Self>(json)
    }

    /// The bare MapData as X.697 JER; a value outside its range is refused with its path.
    #[inline(never)]
    pub fn to_jer_value(&self) -> Result<serde_json::Value, crate::jer::JerEncodeError> {
        crate::jer::to_value(self)
    }
}
impl<S: Dialect> MapData<S> {
    /// A map message of dialect `S` with only its revision counter.
    pub fn new_in(msg_issue_revision: MsgCount) -> Self {
        Self {
            time_stamp: None,
            msg_issue_revision,
            layer_type: None,
            layer_id: None,
            intersections: None,
            road_segments: None,
            data_parameters: None,
            restriction_list: None,
            regional: None,
        }
    }
}

/// Maneuvers allowed from a lane at its stop line (12 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("12"))]
pub struct AllowedManeuvers(pub BitString);
impl AllowedManeuvers {
    pub const MANEUVER_STRAIGHT_ALLOWED: usize = 0;
    pub const MANEUVER_LEFT_ALLOWED: usize = 1;
    pub const MANEUVER_RIGHT_ALLOWED: usize = 2;
    pub const MANEUVER_U_TURN_ALLOWED: usize = 3;
    pub const MANEUVER_LEFT_TURN_ON_RED_ALLOWED: usize = 4;
    pub const MANEUVER_RIGHT_TURN_ON_RED_ALLOWED: usize = 5;
    pub const MANEUVER_LANE_CHANGE_ALLOWED: usize = 6;
    pub const MANEUVER_NO_STOPPING_ALLOWED: usize = 7;
    pub const YIELD_ALLWAYS_REQUIRED: usize = 8;
    pub const GO_WITH_HALT: usize = 9;
    pub const CAUTION: usize = 10;
    pub const RESERVED1: usize = 11;
}

/// Approach number within an intersection (0 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=15"))]
pub struct ApproachID(pub u8);

/// The lane a connection leads to and the maneuver that reaches it.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ConnectingLane {
    pub lane: LaneID,
    pub maneuver: Option<AllowedManeuvers>,
}

/// One connection from a lane to another lane, with its signal group and user class.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Connection {
    #[rasn(identifier = "connectingLane")]
    pub connecting_lane: ConnectingLane,
    #[rasn(identifier = "remoteIntersection")]
    pub remote_intersection: Option<IntersectionReferenceID>,
    #[rasn(identifier = "signalGroup")]
    pub signal_group: Option<SignalGroupID>,
    #[rasn(identifier = "userClass")]
    pub user_class: Option<RestrictionClassID>,
    #[rasn(identifier = "connectionID")]
    pub connection_id: Option<LaneConnectionID>,
}

/// 1 to 16 connections of a lane.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct ConnectsToList(pub SequenceOf<Connection>);

/// Free-text metadata about how and by whom the map was produced.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct DataParameters {
    #[rasn(size("1..=255"), identifier = "processMethod")]
    pub process_method: Option<Ia5String>,
    #[rasn(size("1..=255"), identifier = "processAgency")]
    pub process_agency: Option<Ia5String>,
    #[rasn(size("1..=255"), identifier = "lastCheckedDate")]
    pub last_checked_date: Option<Ia5String>,
    #[rasn(size("1..=255"), identifier = "geoidUsed")]
    pub geoid_used: Option<Ia5String>,
}
impl DataParameters {
    /// Empty metadata.
    pub fn new() -> Self {
        Self {
            process_method: None,
            process_agency: None,
            last_checked_date: None,
            geoid_used: None,
        }
    }
}
impl Default for DataParameters {
    fn default() -> Self {
        Self::new()
    }
}

/// One lane of an intersection or road segment: attributes, path and connections.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GenericLane<S: Dialect = J2735> {
    #[rasn(identifier = "laneID")]
    pub lane_id: LaneID,
    pub name: Option<DescriptiveName>,
    #[rasn(identifier = "ingressApproach")]
    pub ingress_approach: Option<ApproachID>,
    #[rasn(identifier = "egressApproach")]
    pub egress_approach: Option<ApproachID>,
    #[rasn(identifier = "laneAttributes")]
    pub lane_attributes: LaneAttributes,
    pub maneuvers: Option<AllowedManeuvers>,
    #[rasn(identifier = "nodeList")]
    pub node_list: NodeListXY<S>,
    #[rasn(identifier = "connectsTo")]
    pub connects_to: Option<ConnectsToList>,
    pub overlays: Option<OverlayLaneList>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl<S: Dialect> GenericLane<S> {
    /// A lane with its id, attributes and path only.
    pub fn new(lane_id: LaneID, lane_attributes: LaneAttributes, node_list: NodeListXY<S>) -> Self {
        Self {
            lane_id,
            name: None,
            ingress_approach: None,
            egress_approach: None,
            lane_attributes,
            maneuvers: None,
            node_list,
            connects_to: None,
            overlays: None,
            regional: None,
        }
    }
}

/// Intersection number, unique within its road regulator region.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=65535"))]
pub struct IntersectionID(pub u16);

/// Geometry of one intersection: reference point, default width and speed limits, and lanes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct IntersectionGeometry<S: Dialect = J2735> {
    pub name: Option<DescriptiveName>,
    pub id: IntersectionReferenceID,
    pub revision: MsgCount,
    #[rasn(identifier = "refPoint")]
    pub ref_point: Position3D<S>,
    #[rasn(identifier = "laneWidth")]
    pub lane_width: Option<LaneWidth>,
    #[rasn(identifier = "speedLimits")]
    pub speed_limits: Option<SpeedLimitList>,
    #[rasn(identifier = "laneSet")]
    pub lane_set: LaneList<S>,
    #[rasn(identifier = "preemptPriorityData")]
    pub preempt_priority_data: Option<PreemptPriorityList>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl<S: Dialect> IntersectionGeometry<S> {
    /// An intersection geometry with its mandatory fields only.
    pub fn new(
        id: IntersectionReferenceID,
        revision: MsgCount,
        ref_point: Position3D<S>,
        lane_set: LaneList<S>,
    ) -> Self {
        Self {
            name: None,
            id,
            revision,
            ref_point,
            lane_width: None,
            speed_limits: None,
            lane_set,
            preempt_priority_data: None,
            regional: None,
        }
    }
}

/// 1 to 32 intersection geometries.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct IntersectionGeometryList<S: Dialect = J2735>(pub SequenceOf<IntersectionGeometry<S>>);

/// Globally unique intersection reference: optional road regulator and intersection number.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct IntersectionReferenceID {
    pub region: Option<RoadRegulatorID>,
    pub id: IntersectionID,
}

/// Attributes valid along a whole lane: allowed directions, co-users and type-specific flags.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct LaneAttributes {
    #[rasn(identifier = "directionalUse")]
    pub directional_use: LaneDirection,
    #[rasn(identifier = "sharedWith")]
    pub shared_with: LaneSharing,
    #[rasn(identifier = "laneType")]
    pub lane_type: LaneTypeAttributes,
    pub regional: Option<RegionalExtension>,
}

/// Flags of a median or channelisation lane (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesBarrier(pub BitString);
impl LaneAttributesBarrier {
    pub const MEDIAN_REVOCABLE_LANE: usize = 0;
    pub const MEDIAN: usize = 1;
    pub const WHITE_LINE_HASHING: usize = 2;
    pub const STRIPED_LINES: usize = 3;
    pub const DOUBLE_STRIPED_LINES: usize = 4;
    pub const TRAFFIC_CONES: usize = 5;
    pub const CONSTRUCTION_BARRIER: usize = 6;
    pub const TRAFFIC_CHANNELS: usize = 7;
    pub const LOW_CURBS: usize = 8;
    pub const HIGH_CURBS: usize = 9;
}

/// Flags of a bicycle lane (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesBike(pub BitString);
impl LaneAttributesBike {
    pub const BIKE_REVOCABLE_LANE: usize = 0;
    pub const PEDESTRIAN_USE_ALLOWED: usize = 1;
    pub const IS_BIKE_FLY_OVER_LANE: usize = 2;
    pub const FIXED_CYCLE_TIME: usize = 3;
    pub const BI_DIRECTIONAL_CYCLE_TIMES: usize = 4;
    pub const ISOLATED_BY_BARRIER: usize = 5;
    pub const UNSIGNALIZED_SEGMENTS_PRESENT: usize = 6;
}

/// Flags of a pedestrian crosswalk (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesCrosswalk(pub BitString);
impl LaneAttributesCrosswalk {
    pub const CROSSWALK_REVOCABLE_LANE: usize = 0;
    pub const BICYLE_USE_ALLOWED: usize = 1;
    pub const IS_XWALK_FLY_OVER_LANE: usize = 2;
    pub const FIXED_CYCLE_TIME: usize = 3;
    pub const BI_DIRECTIONAL_CYCLE_TIMES: usize = 4;
    pub const HAS_PUSH_TO_WALK_BUTTON: usize = 5;
    pub const AUDIO_SUPPORT: usize = 6;
    pub const RF_SIGNAL_REQUEST_PRESENT: usize = 7;
    pub const UNSIGNALIZED_SEGMENTS_PRESENT: usize = 8;
}

/// Flags of a parking lane (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesParking(pub BitString);
impl LaneAttributesParking {
    pub const PARKING_REVOCABLE_LANE: usize = 0;
    pub const PARALLEL_PARKING_IN_USE: usize = 1;
    pub const HEAD_IN_PARKING_IN_USE: usize = 2;
    pub const DO_NOT_PARK_ZONE: usize = 3;
    pub const PARKING_FOR_BUS_USE: usize = 4;
    pub const PARKING_FOR_TAXI_USE: usize = 5;
    pub const NO_PUBLIC_PARKING_USE: usize = 6;
}

/// Flags of a sidewalk (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesSidewalk(pub BitString);
impl LaneAttributesSidewalk {
    pub const SIDEWALK_REVOCABLE_LANE: usize = 0;
    pub const BICYLE_USE_ALLOWED: usize = 1;
    pub const IS_SIDEWALK_FLY_OVER_LANE: usize = 2;
    pub const WALK_BIKES: usize = 3;
}

/// Flags of a road marking (striping) lane (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesStriping(pub BitString);
impl LaneAttributesStriping {
    pub const STRIPE_TO_CONNECTING_LANES_REVOCABLE_LANE: usize = 0;
    pub const STRIPE_DRAW_ON_LEFT: usize = 1;
    pub const STRIPE_DRAW_ON_RIGHT: usize = 2;
    pub const STRIPE_TO_CONNECTING_LANES_LEFT: usize = 3;
    pub const STRIPE_TO_CONNECTING_LANES_RIGHT: usize = 4;
    pub const STRIPE_TO_CONNECTING_LANES_AHEAD: usize = 5;
}

/// Flags of a rail track lane (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesTrackedVehicle(pub BitString);
impl LaneAttributesTrackedVehicle {
    pub const SPEC_REVOCABLE_LANE: usize = 0;
    pub const SPEC_COMMUTER_RAIL_ROAD_TRACK: usize = 1;
    pub const SPEC_LIGHT_RAIL_ROAD_TRACK: usize = 2;
    pub const SPEC_HEAVY_RAIL_ROAD_TRACK: usize = 3;
    pub const SPEC_OTHER_RAIL_TYPE: usize = 4;
}

/// Flags of a motor vehicle lane (8 bits, extensible size).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("8", extensible))]
pub struct LaneAttributesVehicle(pub BitString);
impl LaneAttributesVehicle {
    pub const IS_VEHICLE_REVOCABLE_LANE: usize = 0;
    pub const IS_VEHICLE_FLY_OVER_LANE: usize = 1;
    pub const HOV_LANE_USE_ONLY: usize = 2;
    pub const RESTRICTED_TO_BUS_USE: usize = 3;
    pub const RESTRICTED_TO_TAXI_USE: usize = 4;
    pub const RESTRICTED_FROM_PUBLIC_USE: usize = 5;
    pub const HAS_IR_BEACON_COVERAGE: usize = 6;
    pub const PERMISSION_ON_REQUEST: usize = 7;
}

/// Lane connection number, used to link MAP connections to SPAT assist data.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct LaneConnectionID(pub u8);

/// Allowed travel directions of a lane relative to its node path (2 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("2"))]
pub struct LaneDirection(pub BitString);
impl LaneDirection {
    pub const INGRESS_PATH: usize = 0;
    pub const EGRESS_PATH: usize = 1;
}

/// 1 to 255 lanes of an intersection.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=255"))]
pub struct LaneList<S: Dialect = J2735>(pub SequenceOf<GenericLane<S>>);

/// Traffic kinds that share a lane's path (10 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("10"))]
pub struct LaneSharing(pub BitString);
impl LaneSharing {
    pub const OVERLAPPING_LANE_DESCRIPTION_PROVIDED: usize = 0;
    pub const MULTIPLE_LANES_TREATED_AS_ONE_LANE: usize = 1;
    pub const OTHER_NON_MOTORIZED_TRAFFIC_TYPES: usize = 2;
    pub const INDIVIDUAL_MOTORIZED_VEHICLE_TRAFFIC: usize = 3;
    pub const BUS_VEHICLE_TRAFFIC: usize = 4;
    pub const TAXI_VEHICLE_TRAFFIC: usize = 5;
    pub const PEDESTRIANS_TRAFFIC: usize = 6;
    pub const CYCLIST_VEHICLE_TRAFFIC: usize = 7;
    pub const TRACKED_VEHICLE_TRAFFIC: usize = 8;
    pub const RESERVED: usize = 9;
}

/// Lane type with the flags specific to that type.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum LaneTypeAttributes {
    #[rasn(identifier = "vehicle")]
    Vehicle(LaneAttributesVehicle),
    #[rasn(identifier = "crosswalk")]
    Crosswalk(LaneAttributesCrosswalk),
    #[rasn(identifier = "bikeLane")]
    BikeLane(LaneAttributesBike),
    #[rasn(identifier = "sidewalk")]
    Sidewalk(LaneAttributesSidewalk),
    #[rasn(identifier = "median")]
    Median(LaneAttributesBarrier),
    #[rasn(identifier = "striping")]
    Striping(LaneAttributesStriping),
    #[rasn(identifier = "trackedVehicle")]
    TrackedVehicle(LaneAttributesTrackedVehicle),
    #[rasn(identifier = "parking")]
    Parking(LaneAttributesParking),
}

/// Layer number of a map message split into several layers (0 to 100).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=100"))]
pub struct LayerID(pub u8);

/// Kind of content a map message layer carries.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum LayerType {
    #[rasn(identifier = "none")]
    None = 0,
    #[rasn(identifier = "mixedContent")]
    MixedContent = 1,
    #[rasn(identifier = "generalMapData")]
    GeneralMapData = 2,
    #[rasn(identifier = "intersectionData")]
    IntersectionData = 3,
    #[rasn(identifier = "curveData")]
    CurveData = 4,
    #[rasn(identifier = "roadwaySectionData")]
    RoadwaySectionData = 5,
    #[rasn(identifier = "parkingAreaData")]
    ParkingAreaData = 6,
    #[rasn(identifier = "sharedLaneData")]
    SharedLaneData = 7,
}

/// 1 to 5 lanes whose paths lie on top of the current lane's path.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=5"))]
pub struct OverlayLaneList(pub SequenceOf<LaneID>);

/// 1 to 32 preemption or priority zones.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct PreemptPriorityList(pub SequenceOf<SignalControlZone>);

/// Basic user class a restriction applies to.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum RestrictionAppliesTo {
    #[rasn(identifier = "none")]
    None = 0,
    #[rasn(identifier = "equippedTransit")]
    EquippedTransit = 1,
    #[rasn(identifier = "equippedTaxis")]
    EquippedTaxis = 2,
    #[rasn(identifier = "equippedOther")]
    EquippedOther = 3,
    #[rasn(identifier = "emissionCompliant")]
    EmissionCompliant = 4,
    #[rasn(identifier = "equippedBicycle")]
    EquippedBicycle = 5,
    #[rasn(identifier = "weightCompliant")]
    WeightCompliant = 6,
    #[rasn(identifier = "heightCompliant")]
    HeightCompliant = 7,
    #[rasn(identifier = "pedestrians")]
    Pedestrians = 8,
    #[rasn(identifier = "slowMovingPersons")]
    SlowMovingPersons = 9,
    #[rasn(identifier = "wheelchairUsers")]
    WheelchairUsers = 10,
    #[rasn(identifier = "visualDisabilities")]
    VisualDisabilities = 11,
    #[rasn(identifier = "audioDisabilities")]
    AudioDisabilities = 12,
    #[rasn(identifier = "otherUnknownDisabilities")]
    OtherUnknownDisabilities = 13,
}

/// A restriction class number and the user types it stands for.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RestrictionClassAssignment {
    pub id: RestrictionClassID,
    pub users: RestrictionUserTypeList,
}

/// Restriction class number, defined per map in its restriction list.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct RestrictionClassID(pub u8);

/// 1 to 254 restriction class assignments.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=254"))]
pub struct RestrictionClassList(pub SequenceOf<RestrictionClassAssignment>);

/// 1 to 16 restricted user types.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct RestrictionUserTypeList(pub SequenceOf<RestrictionUserType>);

/// A restricted user type: a basic class or regional definitions.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum RestrictionUserType {
    #[rasn(identifier = "basicType")]
    BasicType(RestrictionAppliesTo),
    #[rasn(size("1..=4"), identifier = "regional")]
    Regional(SequenceOf<RegionalExtension>),
}

/// 1 to 255 lanes of a road segment.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=255"))]
pub struct RoadLaneSetList<S: Dialect = J2735>(pub SequenceOf<GenericLane<S>>);

/// Geometry of a road segment outside intersections: reference point, defaults and lanes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RoadSegment<S: Dialect = J2735> {
    pub name: Option<DescriptiveName>,
    pub id: RoadSegmentReferenceID,
    pub revision: MsgCount,
    #[rasn(identifier = "refPoint")]
    pub ref_point: Position3D<S>,
    #[rasn(identifier = "laneWidth")]
    pub lane_width: Option<LaneWidth>,
    #[rasn(identifier = "speedLimits")]
    pub speed_limits: Option<SpeedLimitList>,
    #[rasn(identifier = "roadLaneSet")]
    pub road_lane_set: RoadLaneSetList<S>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl<S: Dialect> RoadSegment<S> {
    /// A road segment with its mandatory fields only.
    pub fn new(
        id: RoadSegmentReferenceID,
        revision: MsgCount,
        ref_point: Position3D<S>,
        road_lane_set: RoadLaneSetList<S>,
    ) -> Self {
        Self {
            name: None,
            id,
            revision,
            ref_point,
            lane_width: None,
            speed_limits: None,
            road_lane_set,
            regional: None,
        }
    }
}

/// 1 to 32 road segments.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct RoadSegmentList<S: Dialect = J2735>(pub SequenceOf<RoadSegment<S>>);

/// A preemption or priority zone, defined only by a regional extension.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SignalControlZone {
    pub zone: RegionalExtension,
}
impl SignalControlZone {
    /// A zone from its regional definition.
    pub fn new(zone: RegionalExtension) -> Self {
        Self { zone }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn hand_made_lane_attributes_round_trip() {
        let mut vehicle = BitString::repeat(false, 8);
        vehicle.set(LaneAttributesVehicle::RESTRICTED_TO_BUS_USE, true);
        let mut direction = BitString::repeat(false, 2);
        direction.set(LaneDirection::INGRESS_PATH, true);
        let attributes = LaneAttributes {
            directional_use: LaneDirection(direction),
            shared_with: LaneSharing(BitString::repeat(false, 10)),
            lane_type: LaneTypeAttributes::Vehicle(LaneAttributesVehicle(vehicle)),
            regional: None,
        };
        let bytes = rasn::uper::encode(&attributes).unwrap();
        assert_eq!(
            rasn::uper::decode::<LaneAttributes>(&bytes).unwrap(),
            attributes
        );

        let mut restriction = RestrictionClassAssignment {
            id: RestrictionClassID(1),
            users: RestrictionUserTypeList(vec![RestrictionUserType::BasicType(
                RestrictionAppliesTo::EquippedTransit,
            )]),
        };
        let list = RestrictionClassList(vec![restriction.clone()]);
        let bytes = rasn::uper::encode(&list).unwrap();
        assert_eq!(
            rasn::uper::decode::<RestrictionClassList>(&bytes).unwrap(),
            list
        );

        restriction.users = RestrictionUserTypeList(Vec::new());
        assert!(rasn::uper::encode(&restriction).is_err());
        assert!(rasn::uper::encode(&LayerID(101)).is_err());
        assert!(rasn::uper::encode(&ApproachID(16)).is_err());
        assert!(rasn::uper::encode(&RestrictionUserType::Regional(Vec::new())).is_err());
        let mut params = DataParameters::new();
        params.geoid_used = Some(Ia5String::from_iso646_bytes(b"").unwrap());
        assert!(rasn::uper::encode(&params).is_err());
        params.geoid_used = Some(Ia5String::from_iso646_bytes(b"EGM2008").unwrap());
        let bytes = rasn::uper::encode(&params).unwrap();
        assert_eq!(
            rasn::uper::decode::<DataParameters>(&bytes).unwrap(),
            params
        );
    }

    #[test]
    fn vehicle_lane_attributes_take_the_extension_size() {
        // SIZE(8, ...): a ninth bit is legal and goes through the extension branch.
        let nine = LaneAttributesVehicle(BitString::repeat(true, 9));
        let bytes = rasn::uper::encode(&nine).unwrap();
        assert_eq!(
            rasn::uper::decode::<LaneAttributesVehicle>(&bytes).unwrap(),
            nine
        );
        let eight = LaneAttributesVehicle(BitString::repeat(true, 8));
        // root size: extension bit 0, then the 8 bits, nothing else
        assert_eq!(rasn::uper::encode(&eight).unwrap(), vec![0x7F, 0x80]);
    }
}
