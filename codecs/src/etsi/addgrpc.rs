//! Addgrp-C (regionId 3, Europe): the ISO TS 19091 ed. 2 regional extensions that ETSI
//! TS 103 301 instantiates, as typed views of the opaque [`RegionalExtension`] open types.
//!
//! The shared structure keeps every `regional` entry opaque (region and octets), so a decoder
//! accepts any region's data, used or not, and re-encodes it unchanged. A typed view is packed
//! into such an entry with [`AddGrpC::to_regional`] / [`AddGrpC::put`] and read back with
//! [`AddGrpC::find`]. Which view belongs to which host (ETSI-ITS-DSRC-REGION):
//!
//! | host | view |
//! |---|---|
//! | MovementEvent | [`MovementEventAddGrpC`] |
//! | IntersectionState | [`IntersectionStateAddGrpC`] |
//! | ConnectionManeuverAssist | [`ConnectionManeuverAssistAddGrpC`] |
//! | MapData | [`MapDataAddGrpC`] |
//! | Position3D | [`Position3DAddGrpC`] |
//! | LaneAttributes | [`LaneAttributesAddGrpC`] |
//! | GenericLane | [`ConnectionTrajectoryAddGrpC`] |
//! | NodeAttributeSetXY | [`NodeAttributeSetAddGrpC`] |
//! | RestrictionUserType | [`RestrictionUserTypeAddGrpC`] |
//! | RequestorDescription | [`RequestorDescriptionAddGrpC`] |
//! | SignalStatusPackage | [`SignalStatusPackageAddGrpC`] |

use rasn::prelude::*;

use super::{Altitude, DeltaAltitude, Etsi, VehicleMass};
use crate::error::{Error, unwind};
use crate::j2735::{
    DeltaTime, IntersectionID, LaneConnectionID, LaneID, NodeOffsetPointXY, NodeSetXY,
    PrioritizationResponseStatus, RegionId, RegionalExtension, SignalGroupID, StationID,
};

/// A typed Addgrp-C extension of one host type.
pub trait AddGrpC: Encode + Decode + Sized {
    /// The ASN.1 name of the extension, for error messages.
    const NAME: &'static str;

    /// The extension as a `regional` entry: regionId 3 and the value's UPER octets.
    fn to_regional(&self) -> Result<RegionalExtension, Error> {
        rasn::uper::encode(self)
            .map(|bytes| RegionalExtension::new(RegionId::ADD_GRP_C, bytes))
            .map_err(|e| match crate::jer::check(self) {
                Err(c) => Error::Constraint {
                    path: format!("{}.{}", Self::NAME, c.path),
                    reason: c.reason,
                },
                Ok(()) => Error::Encode(e.to_string()),
            })
    }

    /// The view of `ext`: `None` for another region's entry, an error for regionId 3 octets
    /// that are not a valid encoding (or have octets left over).
    fn from_regional(ext: &RegionalExtension) -> Option<Result<Self, Error>> {
        if ext.region_id != RegionId::ADD_GRP_C {
            return None;
        }
        let bytes = ext.reg_ext_value.as_bytes();
        let uper_error = |path: String, reason: String, offset: usize| Error::Uper {
            path: format!("{}.{path}", Self::NAME),
            reason,
            offset,
            len: bytes.len(),
        };
        Some(match rasn::uper::decode_with_remainder::<Self>(bytes) {
            Ok((value, [])) => Ok(value),
            Ok((_, rest)) => Err(uper_error(
                crate::error::ROOT.into(),
                format!("{} octet(s) after the value", rest.len()),
                bytes.len() - rest.len(),
            )),
            Err(e) => {
                let (path, reason) = unwind(&e);
                Err(uper_error(path, reason, 0))
            }
        })
    }

    /// The first Addgrp-C entry of a host's `regional` list, typed.
    fn find(regional: &[RegionalExtension]) -> Option<Result<Self, Error>> {
        regional.iter().find_map(Self::from_regional)
    }

    /// Puts the extension in a host's `regional` list, replacing an Addgrp-C entry already
    /// there and leaving other regions' entries as they are.
    fn put(&self, regional: &mut Option<SequenceOf<RegionalExtension>>) -> Result<(), Error> {
        let ext = self.to_regional()?;
        let list = regional.get_or_insert_with(Vec::new);
        match list.iter_mut().find(|e| e.region_id == RegionId::ADD_GRP_C) {
            Some(slot) => *slot = ext,
            None => list.push(ext),
        }
        Ok(())
    }
}

macro_rules! addgrpc {
    ($($ty:ident = $name:literal),* $(,)?) => {$(
        impl AddGrpC for $ty {
            const NAME: &'static str = $name;
        }
    )*};
}

addgrpc! {
    ConnectionManeuverAssistAddGrpC = "ConnectionManeuverAssist-addGrpC",
    ConnectionTrajectoryAddGrpC = "ConnectionTrajectory-addGrpC",
    IntersectionStateAddGrpC = "IntersectionState-addGrpC",
    LaneAttributesAddGrpC = "LaneAttributes-addGrpC",
    MapDataAddGrpC = "MapData-addGrpC",
    MovementEventAddGrpC = "MovementEvent-addGrpC",
    NodeAttributeSetAddGrpC = "NodeAttributeSet-addGrpC",
    Position3DAddGrpC = "Position3D-addGrpC",
    RestrictionUserTypeAddGrpC = "RestrictionUserType-addGrpC",
    RequestorDescriptionAddGrpC = "RequestorDescription-addGrpC",
    SignalStatusPackageAddGrpC = "SignalStatusPackage-addGrpC",
}

/// Positions of ITS stations on a connection (ConnectionManeuverAssist's extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ConnectionManeuverAssistAddGrpC {
    #[rasn(identifier = "itsStationPosition")]
    pub its_station_position: Option<ItsStationPositionList>,
}

/// The trajectory of a connection through the intersection (GenericLane's extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ConnectionTrajectoryAddGrpC {
    pub nodes: NodeSetXY<Etsi>,
    #[rasn(identifier = "connectionID")]
    pub connection_id: LaneConnectionID,
}
impl ConnectionTrajectoryAddGrpC {
    /// A trajectory from its nodes and the connection it follows.
    pub fn new(nodes: NodeSetXY<Etsi>, connection_id: LaneConnectionID) -> Self {
        Self {
            nodes,
            connection_id,
        }
    }
}

/// Priorities the controller is serving (IntersectionState's extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct IntersectionStateAddGrpC {
    #[rasn(identifier = "activePrioritizations")]
    pub active_prioritizations: Option<PrioritizationResponseList>,
}

/// Height and weight limits of a lane (LaneAttributes' extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct LaneAttributesAddGrpC {
    #[rasn(identifier = "maxVehicleHeight")]
    pub max_vehicle_height: Option<VehicleHeight>,
    #[rasn(identifier = "maxVehicleWeight")]
    pub max_vehicle_weight: Option<VehicleMass>,
}

/// Where the signal heads are (MapData's extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct MapDataAddGrpC {
    #[rasn(identifier = "signalHeadLocations")]
    pub signal_head_locations: Option<SignalHeadLocationList>,
}

/// Why a movement's state changed (MovementEvent's extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct MovementEventAddGrpC {
    #[rasn(identifier = "stateChangeReason")]
    pub state_change_reason: Option<ExceptionalCondition>,
}
impl MovementEventAddGrpC {
    /// The extension giving a state change's reason.
    pub fn new(state_change_reason: Option<ExceptionalCondition>) -> Self {
        Self {
            state_change_reason,
        }
    }
}

/// Public transport requests and links at a node (NodeAttributeSetXY's extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct NodeAttributeSetAddGrpC {
    #[rasn(identifier = "ptvRequest")]
    pub ptv_request: Option<PtvRequestType>,
    #[rasn(identifier = "nodeLink")]
    pub node_link: Option<NodeLink>,
    pub node: Option<Node>,
}

/// Altitude of a reference point (Position3D's extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct Position3DAddGrpC {
    pub altitude: Altitude,
}
impl Position3DAddGrpC {
    /// The extension from its altitude.
    pub fn new(altitude: Altitude) -> Self {
        Self { altitude }
    }
}

/// Emission class and fuel of a restricted user type (RestrictionUserType's extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RestrictionUserTypeAddGrpC {
    pub emission: Option<EmissionType>,
    pub fuel: Option<FuelType>,
}

/// Fuel and battery of a requester (RequestorDescription's extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RequestorDescriptionAddGrpC {
    pub fuel: Option<FuelType>,
    #[rasn(identifier = "batteryStatus")]
    pub battery_status: Option<BatteryStatus>,
}

/// Schedule offset and rejection reason of a request's status (SignalStatusPackage's
/// extension).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SignalStatusPackageAddGrpC {
    #[rasn(identifier = "synchToSchedule")]
    pub synch_to_schedule: Option<DeltaTime>,
    #[rasn(identifier = "rejectedReason")]
    pub rejected_reason: Option<RejectedReason>,
}

/// One ITS station's position on a connection.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ItsStationPosition {
    #[rasn(identifier = "stationID")]
    pub station_id: StationID,
    #[rasn(identifier = "laneID")]
    pub lane_id: Option<LaneID>,
    #[rasn(identifier = "nodeXY")]
    pub node_xy: Option<NodeOffsetPointXY<Etsi>>,
    #[rasn(identifier = "timeReference")]
    pub time_reference: Option<TimeReference>,
}
impl ItsStationPosition {
    /// A station known by its id only.
    pub fn new(station_id: StationID) -> Self {
        Self {
            station_id,
            lane_id: None,
            node_xy: None,
            time_reference: None,
        }
    }
}

/// One to five ITS station positions.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=5"))]
pub struct ItsStationPositionList(pub SequenceOf<ItsStationPosition>);

/// A node of another lane, connection or intersection that a node links to.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct Node {
    pub id: Integer,
    pub lane: Option<LaneID>,
    #[rasn(identifier = "connectionID")]
    pub connection_id: Option<LaneConnectionID>,
    #[rasn(identifier = "intersectionID")]
    pub intersection_id: Option<IntersectionID>,
}
impl Node {
    /// A node known by its id only (an unconstrained INTEGER).
    pub fn new(id: Integer) -> Self {
        Self {
            id,
            lane: None,
            connection_id: None,
            intersection_id: None,
        }
    }
}

/// One to five linked nodes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=5"))]
pub struct NodeLink(pub SequenceOf<Node>);

/// A priority the controller grants or refuses: who, how far, for which signal group.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PrioritizationResponse {
    #[rasn(identifier = "stationID")]
    pub station_id: StationID,
    #[rasn(identifier = "priorState")]
    pub prior_state: PrioritizationResponseStatus,
    #[rasn(identifier = "signalGroup")]
    pub signal_group: SignalGroupID,
}
impl PrioritizationResponse {
    /// A response from its three fields.
    pub fn new(
        station_id: StationID,
        prior_state: PrioritizationResponseStatus,
        signal_group: SignalGroupID,
    ) -> Self {
        Self {
            station_id,
            prior_state,
            signal_group,
        }
    }
}

/// One to ten prioritisation responses.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=10"))]
pub struct PrioritizationResponseList(pub SequenceOf<PrioritizationResponse>);

/// A signal head: its position relative to the reference point and its signal group.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SignalHeadLocation {
    #[rasn(identifier = "nodeXY")]
    pub node_xy: NodeOffsetPointXY<Etsi>,
    #[rasn(identifier = "nodeZ")]
    pub node_z: DeltaAltitude,
    #[rasn(identifier = "signalGroupID")]
    pub signal_group_id: SignalGroupID,
}
impl SignalHeadLocation {
    /// A signal head from its three fields.
    pub fn new(
        node_xy: NodeOffsetPointXY<Etsi>,
        node_z: DeltaAltitude,
        signal_group_id: SignalGroupID,
    ) -> Self {
        Self {
            node_xy,
            node_z,
            signal_group_id,
        }
    }
}

/// One to 64 signal heads.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=64"))]
pub struct SignalHeadLocationList(pub SequenceOf<SignalHeadLocation>);

/// Fuel type code (0..15; 0 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=15"))]
pub struct FuelType(pub u8);

/// Time of a position in ms after the last full second (0..60000).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=60000"))]
pub struct TimeReference(pub u16);

/// Maximum vehicle height in 5 cm steps (0..127).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=127"))]
pub struct VehicleHeight(pub u8);

/// State of charge class of an electric vehicle's battery.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum BatteryStatus {
    #[rasn(identifier = "unknown")]
    Unknown = 0,
    #[rasn(identifier = "critical")]
    Critical = 1,
    #[rasn(identifier = "low")]
    Low = 2,
    #[rasn(identifier = "good")]
    Good = 3,
}

/// Euro emission class.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum EmissionType {
    #[rasn(identifier = "euro1")]
    Euro1 = 0,
    #[rasn(identifier = "euro2")]
    Euro2 = 1,
    #[rasn(identifier = "euro3")]
    Euro3 = 2,
    #[rasn(identifier = "euro4")]
    Euro4 = 3,
    #[rasn(identifier = "euro5")]
    Euro5 = 4,
    #[rasn(identifier = "euro6")]
    Euro6 = 5,
}

/// Why the controller departed from its plan.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum ExceptionalCondition {
    #[rasn(identifier = "unknown")]
    Unknown = 0,
    #[rasn(identifier = "publicTransportPriority")]
    PublicTransportPriority = 1,
    #[rasn(identifier = "emergencyVehiclePriority")]
    EmergencyVehiclePriority = 2,
    #[rasn(identifier = "trainPriority")]
    TrainPriority = 3,
    #[rasn(identifier = "bridgeOpen")]
    BridgeOpen = 4,
    #[rasn(identifier = "vehicleHeight")]
    VehicleHeight = 5,
    #[rasn(identifier = "weather")]
    Weather = 6,
    #[rasn(identifier = "trafficJam")]
    TrafficJam = 7,
    #[rasn(identifier = "tunnelClosure")]
    TunnelClosure = 8,
    #[rasn(identifier = "meteringActive")]
    MeteringActive = 9,
    #[rasn(identifier = "truckPriority")]
    TruckPriority = 10,
    #[rasn(identifier = "bicyclePlatoonPriority")]
    BicyclePlatoonPriority = 11,
    #[rasn(identifier = "vehiclePlatoonPriority")]
    VehiclePlatoonPriority = 12,
}

/// Kind of a public transport vehicle's request at a node.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum PtvRequestType {
    #[rasn(identifier = "preRequest")]
    PreRequest = 0,
    #[rasn(identifier = "mainRequest")]
    MainRequest = 1,
    #[rasn(identifier = "doorCloseRequest")]
    DoorCloseRequest = 2,
    #[rasn(identifier = "cancelRequest")]
    CancelRequest = 3,
    #[rasn(identifier = "emergencyRequest")]
    EmergencyRequest = 4,
}

/// Why a request was rejected.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum RejectedReason {
    #[rasn(identifier = "unknown")]
    Unknown = 0,
    #[rasn(identifier = "exceptionalCondition")]
    ExceptionalCondition = 1,
    #[rasn(identifier = "maxWaitingTimeExceeded")]
    MaxWaitingTimeExceeded = 2,
    #[rasn(identifier = "ptPriorityDisabled")]
    PtPriorityDisabled = 3,
    #[rasn(identifier = "higherPTPriorityGranted")]
    HigherPTPriorityGranted = 4,
    #[rasn(identifier = "vehicleTrackingUnknown")]
    VehicleTrackingUnknown = 5,
}
