//! MapData: the road network around an RSU as nodes (intersections), their incoming links,
//! the links' lanes and where each lane and movement leads (with the SPAT phase that controls
//! it).

use rasn::prelude::*;

use super::profile::{ConnectsToList, Mirrored, NodeList, mirrored_codec};
use super::*;

/// The MAP message: a list of nodes with their incoming links.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct MapData {
    #[rasn(identifier = "msgCnt")]
    pub msg_cnt: MsgCount,
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<MinuteOfTheYear>,
    pub nodes: NodeList,
}
impl MapData {
    /// A MAP with its mandatory fields.
    pub fn new(msg_cnt: MsgCount, nodes: NodeList) -> Self {
        Self {
            msg_cnt,
            time_stamp: None,
            nodes,
        }
    }
}

/// A node (intersection or road end): its id, reference position and incoming links.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct Node {
    pub name: Option<DescriptiveName>,
    pub id: NodeReferenceID,
    #[rasn(identifier = "refPos")]
    pub ref_pos: Position3D,
    #[rasn(identifier = "inLinks")]
    pub in_links: Option<LinkList>,
}
impl Node {
    /// A node without name or links.
    pub fn new(id: NodeReferenceID, ref_pos: Position3D) -> Self {
        Self {
            name: None,
            id,
            ref_pos,
            in_links: None,
        }
    }
}

/// 1 to 32 links entering a node.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct LinkList(pub SequenceOf<Link>);

/// A directed road section from `upstream_node_id` to the node that lists it, with its lanes.
///
/// `link_width` is OPTIONAL in csae53-2020 and mandatory in ydt3709-2020: a link without it
/// is refused when encoded under the latter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Link {
    pub name: Option<DescriptiveName>,
    pub upstream_node_id: NodeReferenceID,
    pub speed_limits: Option<SpeedLimitList>,
    pub link_width: Option<LaneWidth>,
    pub points: Option<PointList>,
    pub movements: Option<MovementList>,
    pub lanes: LaneList,
}
impl Link {
    /// A link with its mandatory fields (and no width: set one for ydt3709-2020).
    pub fn new(upstream_node_id: NodeReferenceID, lanes: LaneList) -> Self {
        Self {
            name: None,
            upstream_node_id,
            speed_limits: None,
            link_width: None,
            points: None,
            movements: None,
            lanes,
        }
    }
}

/// Link on the wire in csae53-2020: `linkWidth` OPTIONAL.
#[derive(AsnType, Encode, Decode)]
#[rasn(automatic_tags, identifier = "Link")]
#[non_exhaustive]
pub(crate) struct LinkCsae {
    name: Option<DescriptiveName>,
    #[rasn(identifier = "upstreamNodeId")]
    upstream_node_id: NodeReferenceID,
    #[rasn(identifier = "speedLimits")]
    speed_limits: Option<SpeedLimitList>,
    #[rasn(identifier = "linkWidth")]
    link_width: Option<LaneWidth>,
    points: Option<PointList>,
    movements: Option<MovementList>,
    lanes: LaneList,
}

/// Link on the wire in ydt3709-2020: `linkWidth` mandatory.
#[derive(AsnType, Encode, Decode)]
#[rasn(automatic_tags, identifier = "Link")]
#[non_exhaustive]
pub(crate) struct LinkYdt {
    name: Option<DescriptiveName>,
    #[rasn(identifier = "upstreamNodeId")]
    upstream_node_id: NodeReferenceID,
    #[rasn(identifier = "speedLimits")]
    speed_limits: Option<SpeedLimitList>,
    #[rasn(identifier = "linkWidth")]
    link_width: LaneWidth,
    points: Option<PointList>,
    movements: Option<MovementList>,
    lanes: LaneList,
}

impl Mirrored for Link {
    type Csae = LinkCsae;
    type Ydt = LinkYdt;
    fn to_csae(&self) -> Result<LinkCsae, &'static str> {
        Ok(LinkCsae {
            name: self.name.clone(),
            upstream_node_id: self.upstream_node_id,
            speed_limits: self.speed_limits.clone(),
            link_width: self.link_width,
            points: self.points.clone(),
            movements: self.movements.clone(),
            lanes: self.lanes.clone(),
        })
    }
    fn to_ydt(&self) -> Result<LinkYdt, &'static str> {
        Ok(LinkYdt {
            name: self.name.clone(),
            upstream_node_id: self.upstream_node_id,
            speed_limits: self.speed_limits.clone(),
            link_width: self.link_width.ok_or("Link.linkWidth is mandatory")?,
            points: self.points.clone(),
            movements: self.movements.clone(),
            lanes: self.lanes.clone(),
        })
    }
    fn from_csae(m: LinkCsae) -> Self {
        Self {
            name: m.name,
            upstream_node_id: m.upstream_node_id,
            speed_limits: m.speed_limits,
            link_width: m.link_width,
            points: m.points,
            movements: m.movements,
            lanes: m.lanes,
        }
    }
    fn from_ydt(m: LinkYdt) -> Self {
        Self {
            name: m.name,
            upstream_node_id: m.upstream_node_id,
            speed_limits: m.speed_limits,
            link_width: Some(m.link_width),
            points: m.points,
            movements: m.movements,
            lanes: m.lanes,
        }
    }
}
mirrored_codec!(Link);

/// 1 to 32 movements from a link to downstream nodes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct MovementList(pub SequenceOf<Movement>);

/// A movement from a link to a downstream node and the SPAT phase that controls it.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Movement {
    #[rasn(identifier = "remoteIntersection")]
    pub remote_intersection: NodeReferenceID,
    #[rasn(identifier = "phaseId")]
    pub phase_id: Option<PhaseID>,
}

/// 1 to 32 lanes of a link.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct LaneList(pub SequenceOf<Lane>);

/// Lane number within a link, 0..255 (0 = unknown, 255 reserved).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=255"))]
pub struct LaneID(pub u8);

/// Lane or link width in cm, 0..32767.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=32767"))]
pub struct LaneWidth(pub u16);

/// One lane: id, kind, allowed maneuvers and its connections downstream.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct Lane {
    #[rasn(identifier = "laneID")]
    pub lane_id: LaneID,
    #[rasn(identifier = "laneWidth")]
    pub lane_width: Option<LaneWidth>,
    #[rasn(identifier = "laneAttributes")]
    pub lane_attributes: Option<LaneAttributes>,
    pub maneuvers: Option<AllowedManeuvers>,
    #[rasn(identifier = "connectsTo")]
    pub connects_to: Option<ConnectsToList>,
    #[rasn(identifier = "speedLimits")]
    pub speed_limits: Option<SpeedLimitList>,
    pub points: Option<PointList>,
}
impl Lane {
    /// A lane with only its id.
    pub fn new(lane_id: LaneID) -> Self {
        Self {
            lane_id,
            lane_width: None,
            lane_attributes: None,
            maneuvers: None,
            connects_to: None,
            speed_limits: None,
            points: None,
        }
    }
}

/// Where a lane leads: the downstream node, optionally its lane, and the controlling phase
/// (overriding the link's Movement).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Connection {
    #[rasn(identifier = "remoteIntersection")]
    pub remote_intersection: NodeReferenceID,
    #[rasn(identifier = "connectingLane")]
    pub connecting_lane: Option<ConnectingLane>,
    #[rasn(identifier = "phaseId")]
    pub phase_id: Option<PhaseID>,
}

/// The downstream lane of a connection and the maneuver that reaches it.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ConnectingLane {
    pub lane: LaneID,
    pub maneuver: Option<AllowedManeuvers>,
}

/// Maneuvers allowed from a lane (12 bits, J2735 bit order).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("12"))]
pub struct AllowedManeuvers(pub BitString);
#[allow(missing_docs)]
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

/// What a lane is and who shares it.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct LaneAttributes {
    #[rasn(identifier = "shareWith")]
    pub share_with: Option<LaneSharing>,
    #[rasn(identifier = "laneType")]
    pub lane_type: LaneTypeAttributes,
}

/// Traffic kinds sharing a lane (10 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("10"))]
pub struct LaneSharing(pub BitString);
#[allow(missing_docs)]
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
    pub const PEDESTRIAN_TRAFFIC: usize = 9;
}

/// The kind of a lane with that kind's flags.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
#[allow(missing_docs)]
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

/// Flags of a motor vehicle lane (8 bits, size extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("8", extensible))]
pub struct LaneAttributesVehicle(pub BitString);
#[allow(missing_docs)]
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

/// Flags of a crosswalk (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesCrosswalk(pub BitString);

/// Flags of a bicycle lane (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesBike(pub BitString);

/// Flags of a sidewalk (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesSidewalk(pub BitString);

/// Flags of a median or channelisation (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesBarrier(pub BitString);

/// Flags of road markings (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesStriping(pub BitString);

/// Flags of a rail track (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesTrackedVehicle(pub BitString);

/// Flags of a parking lane (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct LaneAttributesParking(pub BitString);

/// 2 to 31 points of a link's or lane's centre line, upstream to downstream.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("2..=31"))]
pub struct PointList(pub SequenceOf<RoadPoint>);

/// One point of a centre line, relative to the node's reference position.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RoadPoint {
    #[rasn(identifier = "posOffset")]
    pub pos_offset: PositionOffsetLLV,
}
impl RoadPoint {
    /// A point at `pos_offset`.
    pub fn new(pos_offset: PositionOffsetLLV) -> Self {
        Self { pos_offset }
    }
}

/// 1 to 9 speed limits.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=9"))]
pub struct SpeedLimitList(pub SequenceOf<RegulatorySpeedLimit>);

/// One speed limit and what it applies to.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RegulatorySpeedLimit {
    #[rasn(identifier = "type")]
    pub type_: SpeedLimitType,
    pub speed: Speed,
}

/// What a speed limit applies to: the same type as J2735's, so one definition serves both.
pub use crate::j2735::SpeedLimitType;
