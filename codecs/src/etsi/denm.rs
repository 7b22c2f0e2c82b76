//! DENM (EN 302 637-3 v1.3.1, protocolVersion 2): the decentralized environmental
//! notification message and the CDD types only it uses.

use rasn::prelude::*;

use super::*;

/// The DENM body: management data and the optional situation, location and other containers.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DecentralizedEnvironmentalNotificationMessage {
    pub management: ManagementContainer,
    pub situation: Option<SituationContainer>,
    pub location: Option<LocationContainer>,
    pub alacarte: Option<AlacarteContainer>,
}

/// Identity, times, position and validity of the event.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ManagementContainer {
    #[rasn(identifier = "actionID")]
    pub action_id: ActionID,
    #[rasn(identifier = "detectionTime")]
    pub detection_time: TimestampIts,
    #[rasn(identifier = "referenceTime")]
    pub reference_time: TimestampIts,
    pub termination: Option<Termination>,
    #[rasn(identifier = "eventPosition")]
    pub event_position: ReferencePosition,
    #[rasn(identifier = "relevanceDistance")]
    pub relevance_distance: Option<RelevanceDistance>,
    #[rasn(identifier = "relevanceTrafficDirection")]
    pub relevance_traffic_direction: Option<RelevanceTrafficDirection>,
    /// DEFAULT 600 s: not encoded when it is 600.
    #[rasn(
        identifier = "validityDuration",
        default = "ValidityDuration::default_validity"
    )]
    pub validity_duration: ValidityDuration,
    #[rasn(identifier = "transmissionInterval")]
    pub transmission_interval: Option<TransmissionInterval>,
    #[rasn(identifier = "stationType")]
    pub station_type: StationType,
}
impl ManagementContainer {
    /// A management container with its mandatory fields and the default validity.
    pub fn new(
        action_id: ActionID,
        detection_time: TimestampIts,
        reference_time: TimestampIts,
        event_position: ReferencePosition,
        station_type: StationType,
    ) -> Self {
        Self {
            action_id,
            detection_time,
            reference_time,
            termination: None,
            event_position,
            relevance_distance: None,
            relevance_traffic_direction: None,
            validity_duration: ValidityDuration::default_validity(),
            transmission_interval: None,
            station_type,
        }
    }
}

/// What happened: cause, quality and history.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SituationContainer {
    #[rasn(identifier = "informationQuality")]
    pub information_quality: InformationQuality,
    #[rasn(identifier = "eventType")]
    pub event_type: CauseCode,
    #[rasn(identifier = "linkedCause")]
    pub linked_cause: Option<CauseCode>,
    #[rasn(identifier = "eventHistory")]
    pub event_history: Option<EventHistory>,
}
impl SituationContainer {
    /// A situation with its quality and cause only.
    pub fn new(information_quality: InformationQuality, event_type: CauseCode) -> Self {
        Self {
            information_quality,
            event_type,
            linked_cause: None,
            event_history: None,
        }
    }
}

/// Where the event is: traces leading to it, its speed and heading, the road type.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct LocationContainer {
    #[rasn(identifier = "eventSpeed")]
    pub event_speed: Option<Speed>,
    #[rasn(identifier = "eventPositionHeading")]
    pub event_position_heading: Option<Heading>,
    pub traces: Traces,
    #[rasn(identifier = "roadType")]
    pub road_type: Option<RoadType>,
}
impl LocationContainer {
    /// A location from its traces only.
    pub fn new(traces: Traces) -> Self {
        Self {
            event_speed: None,
            event_position_heading: None,
            traces,
            road_type: None,
        }
    }
}

/// Further, event-specific containers.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AlacarteContainer {
    #[rasn(identifier = "lanePosition")]
    pub lane_position: Option<LanePosition>,
    #[rasn(identifier = "impactReduction")]
    pub impact_reduction: Option<ImpactReductionContainer>,
    #[rasn(identifier = "externalTemperature")]
    pub external_temperature: Option<Temperature>,
    #[rasn(identifier = "roadWorks")]
    pub road_works: Option<RoadWorksContainerExtended>,
    #[rasn(identifier = "positioningSolution")]
    pub positioning_solution: Option<PositioningSolutionType>,
    #[rasn(identifier = "stationaryVehicle")]
    pub stationary_vehicle: Option<StationaryVehicleContainer>,
}

/// Vehicle data that helps rescuers after a collision.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ImpactReductionContainer {
    #[rasn(identifier = "heightLonCarrLeft")]
    pub height_lon_carr_left: HeightLonCarr,
    #[rasn(identifier = "heightLonCarrRight")]
    pub height_lon_carr_right: HeightLonCarr,
    #[rasn(identifier = "posLonCarrLeft")]
    pub pos_lon_carr_left: PosLonCarr,
    #[rasn(identifier = "posLonCarrRight")]
    pub pos_lon_carr_right: PosLonCarr,
    #[rasn(identifier = "positionOfPillars")]
    pub position_of_pillars: PositionOfPillars,
    #[rasn(identifier = "posCentMass")]
    pub pos_cent_mass: PosCentMass,
    #[rasn(identifier = "wheelBaseVehicle")]
    pub wheel_base_vehicle: WheelBaseVehicle,
    #[rasn(identifier = "turningRadius")]
    pub turning_radius: TurningRadius,
    #[rasn(identifier = "posFrontAx")]
    pub pos_front_ax: PosFrontAx,
    #[rasn(identifier = "positionOfOccupants")]
    pub position_of_occupants: PositionOfOccupants,
    #[rasn(identifier = "vehicleMass")]
    pub vehicle_mass: VehicleMass,
    #[rasn(identifier = "requestResponseIndication")]
    pub request_response_indication: RequestResponseIndication,
}

/// Roadworks: closures, restrictions, limits and the recommended path.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct RoadWorksContainerExtended {
    #[rasn(identifier = "lightBarSirenInUse")]
    pub light_bar_siren_in_use: Option<LightBarSirenInUse>,
    #[rasn(identifier = "closedLanes")]
    pub closed_lanes: Option<ClosedLanes>,
    pub restriction: Option<RestrictedTypes>,
    #[rasn(identifier = "speedLimit")]
    pub speed_limit: Option<SpeedLimit>,
    #[rasn(identifier = "incidentIndication")]
    pub incident_indication: Option<CauseCode>,
    #[rasn(identifier = "recommendedPath")]
    pub recommended_path: Option<ItineraryPath>,
    #[rasn(identifier = "startingPointSpeedLimit")]
    pub starting_point_speed_limit: Option<DeltaReferencePosition>,
    #[rasn(identifier = "trafficFlowRule")]
    pub traffic_flow_rule: Option<TrafficRule>,
    #[rasn(identifier = "referenceDenms")]
    pub reference_denms: Option<ReferenceDenms>,
}

/// A stationary vehicle: since when, why, what it carries and who is in it.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct StationaryVehicleContainer {
    #[rasn(identifier = "stationarySince")]
    pub stationary_since: Option<StationarySince>,
    #[rasn(identifier = "stationaryCause")]
    pub stationary_cause: Option<CauseCode>,
    #[rasn(identifier = "carryingDangerousGoods")]
    pub carrying_dangerous_goods: Option<DangerousGoodsExtended>,
    #[rasn(identifier = "numberOfOccupants")]
    pub number_of_occupants: Option<NumberOfOccupants>,
    #[rasn(identifier = "vehicleIdentification")]
    pub vehicle_identification: Option<VehicleIdentification>,
    #[rasn(identifier = "energyStorageType")]
    pub energy_storage_type: Option<EnergyStorageType>,
}

/// Whether a DENM cancels (by its originator) or negates (by another station) an event.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum Termination {
    #[rasn(identifier = "isCancellation")]
    IsCancellation = 0,
    #[rasn(identifier = "isNegation")]
    IsNegation = 1,
}

/// Up to 8 (extensible) other DENMs this one refers to.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct ReferenceDenms(pub SequenceOf<ActionID>);

/// Identity of an event: originating station and its sequence number.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ActionID {
    #[rasn(identifier = "originatingStationID")]
    pub originating_station_id: StationID,
    #[rasn(identifier = "sequenceNumber")]
    pub sequence_number: SequenceNumber,
}

/// Sequence number of an originator's events (0..65535).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=65535"))]
pub struct SequenceNumber(pub u16);

/// Distance within which the event is relevant.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum RelevanceDistance {
    #[rasn(identifier = "lessThan50m")]
    LessThan50m = 0,
    #[rasn(identifier = "lessThan100m")]
    LessThan100m = 1,
    #[rasn(identifier = "lessThan200m")]
    LessThan200m = 2,
    #[rasn(identifier = "lessThan500m")]
    LessThan500m = 3,
    #[rasn(identifier = "lessThan1000m")]
    LessThan1000m = 4,
    #[rasn(identifier = "lessThan5km")]
    LessThan5km = 5,
    #[rasn(identifier = "lessThan10km")]
    LessThan10km = 6,
    #[rasn(identifier = "over10km")]
    Over10km = 7,
}

/// Traffic direction for which the event is relevant.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum RelevanceTrafficDirection {
    #[rasn(identifier = "allTrafficDirections")]
    AllTrafficDirections = 0,
    #[rasn(identifier = "upstreamTraffic")]
    UpstreamTraffic = 1,
    #[rasn(identifier = "downstreamTraffic")]
    DownstreamTraffic = 2,
    #[rasn(identifier = "oppositeTraffic")]
    OppositeTraffic = 3,
}

/// How long the event is valid, in s (0..86400).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=86400"))]
pub struct ValidityDuration(pub u32);
impl ValidityDuration {
    /// The DEFAULT of ManagementContainer.validityDuration: 600 s.
    pub fn default_validity() -> Self {
        Self(600)
    }
}

/// Repetition interval in ms (1..10000).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=10000"))]
pub struct TransmissionInterval(pub u16);

/// Quality of the event information (0 unavailable .. 7 highest).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=7"))]
pub struct InformationQuality(pub u8);

/// Up to 23 earlier positions of the event.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=23"))]
pub struct EventHistory(pub SequenceOf<EventPoint>);

/// One earlier position of the event.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct EventPoint {
    #[rasn(identifier = "eventPosition")]
    pub event_position: DeltaReferencePosition,
    #[rasn(identifier = "eventDeltaTime")]
    pub event_delta_time: Option<PathDeltaTime>,
    #[rasn(identifier = "informationQuality")]
    pub information_quality: InformationQuality,
}

/// One to seven paths leading to the event.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=7"))]
pub struct Traces(pub SequenceOf<PathHistory>);

/// Kind of road, urban or not, with or without separation.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum RoadType {
    #[rasn(identifier = "urban-NoStructuralSeparationToOppositeLanes")]
    UrbanNoStructuralSeparationToOppositeLanes = 0,
    #[rasn(identifier = "urban-WithStructuralSeparationToOppositeLanes")]
    UrbanWithStructuralSeparationToOppositeLanes = 1,
    #[rasn(identifier = "nonUrban-NoStructuralSeparationToOppositeLanes")]
    NonUrbanNoStructuralSeparationToOppositeLanes = 2,
    #[rasn(identifier = "nonUrban-WithStructuralSeparationToOppositeLanes")]
    NonUrbanWithStructuralSeparationToOppositeLanes = 3,
}

/// Height of the longitudinal carrier in cm (1..100).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=100"))]
pub struct HeightLonCarr(pub u8);

/// Position of the longitudinal carrier in cm (1..127).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=127"))]
pub struct PosLonCarr(pub u8);

/// Position of a pillar in 10 cm (1..30).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=30"))]
pub struct PosPillar(pub u8);

/// Positions of up to 3 (extensible) pillars.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=3", extensible))]
pub struct PositionOfPillars(pub SequenceOf<PosPillar>);

/// Position of the centre of mass in 10 cm (1..63).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=63"))]
pub struct PosCentMass(pub u8);

/// Wheel base in 10 cm (1..127).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=127"))]
pub struct WheelBaseVehicle(pub u8);

/// Turning radius in 40 cm (1..255).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=255"))]
pub struct TurningRadius(pub u8);

/// Position of the front axle in 10 cm (1..20).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=20"))]
pub struct PosFrontAx(pub u8);

/// Seat occupancy, five bits per row of four (20 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("20"))]
pub struct PositionOfOccupants(pub BitString);
impl PositionOfOccupants {
    pub const ROW1_LEFT_OCCUPIED: usize = 0;
    pub const ROW1_RIGHT_OCCUPIED: usize = 1;
    pub const ROW1_MID_OCCUPIED: usize = 2;
    pub const ROW1_NOT_DETECTABLE: usize = 3;
    pub const ROW1_NOT_PRESENT: usize = 4;
    pub const ROW2_LEFT_OCCUPIED: usize = 5;
    pub const ROW2_RIGHT_OCCUPIED: usize = 6;
    pub const ROW2_MID_OCCUPIED: usize = 7;
    pub const ROW2_NOT_DETECTABLE: usize = 8;
    pub const ROW2_NOT_PRESENT: usize = 9;
    pub const ROW3_LEFT_OCCUPIED: usize = 10;
    pub const ROW3_RIGHT_OCCUPIED: usize = 11;
    pub const ROW3_MID_OCCUPIED: usize = 12;
    pub const ROW3_NOT_DETECTABLE: usize = 13;
    pub const ROW3_NOT_PRESENT: usize = 14;
    pub const ROW4_LEFT_OCCUPIED: usize = 15;
    pub const ROW4_RIGHT_OCCUPIED: usize = 16;
    pub const ROW4_MID_OCCUPIED: usize = 17;
    pub const ROW4_NOT_DETECTABLE: usize = 18;
    pub const ROW4_NOT_PRESENT: usize = 19;
}

/// Whether the impact reduction data is a request or a response.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum RequestResponseIndication {
    #[rasn(identifier = "request")]
    Request = 0,
    #[rasn(identifier = "response")]
    Response = 1,
}

/// Temperature in degrees Celsius (-60..67).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-60..=67"))]
pub struct Temperature(pub i8);

/// Up to 3 (extensible) station types a restriction applies to.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=3", extensible))]
pub struct RestrictedTypes(pub SequenceOf<StationType>);

/// A path of 1 to 40 positions.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=40"))]
pub struct ItineraryPath(pub SequenceOf<ReferencePosition>);

/// How the position was obtained.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum PositioningSolutionType {
    #[rasn(identifier = "noPositioningSolution")]
    NoPositioningSolution = 0,
    #[rasn(identifier = "sGNSS")]
    SGnss = 1,
    #[rasn(identifier = "dGNSS")]
    DGnss = 2,
    #[rasn(identifier = "sGNSSplusDR")]
    SGnssPlusDr = 3,
    #[rasn(identifier = "dGNSSplusDR")]
    DGnssPlusDr = 4,
    #[rasn(identifier = "dR")]
    Dr = 5,
}

/// How long a vehicle has been stationary.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum StationarySince {
    #[rasn(identifier = "lessThan1Minute")]
    LessThan1Minute = 0,
    #[rasn(identifier = "lessThan2Minutes")]
    LessThan2Minutes = 1,
    #[rasn(identifier = "lessThan15Minutes")]
    LessThan15Minutes = 2,
    #[rasn(identifier = "equalOrGreater15Minutes")]
    EqualOrGreater15Minutes = 3,
}

/// Dangerous goods in detail: class, UN number, conditions and contacts.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct DangerousGoodsExtended {
    #[rasn(identifier = "dangerousGoodsType")]
    pub dangerous_goods_type: DangerousGoodsBasic,
    #[rasn(identifier = "unNumber", value("0..=9999"))]
    pub un_number: u16,
    #[rasn(identifier = "elevatedTemperature")]
    pub elevated_temperature: bool,
    #[rasn(identifier = "tunnelsRestricted")]
    pub tunnels_restricted: bool,
    #[rasn(identifier = "limitedQuantity")]
    pub limited_quantity: bool,
    #[rasn(identifier = "emergencyActionCode", size("1..=24"))]
    pub emergency_action_code: Option<Ia5String>,
    #[rasn(identifier = "phoneNumber")]
    pub phone_number: Option<PhoneNumber>,
    #[rasn(identifier = "companyName", size("1..=24"))]
    pub company_name: Option<Utf8String>,
}

/// A phone number of 1 to 16 digits.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct PhoneNumber(pub NumericString);

/// Number of occupants (0..127, 127 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=127"))]
pub struct NumberOfOccupants(pub u8);

/// Manufacturer and descriptor parts of the VIN.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct VehicleIdentification {
    #[rasn(identifier = "wMInumber")]
    pub w_m_inumber: Option<WMInumber>,
    #[rasn(identifier = "vDS")]
    pub v_ds: Option<VDS>,
}

/// World manufacturer identifier, 1 to 3 characters.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=3"))]
pub struct WMInumber(pub Ia5String);

/// Vehicle descriptor section, 6 characters.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("6"))]
pub struct VDS(pub Ia5String);

/// Kinds of energy storage on board (7 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("7"))]
pub struct EnergyStorageType(pub BitString);
impl EnergyStorageType {
    pub const HYDROGEN_STORAGE: usize = 0;
    pub const ELECTRIC_ENERGY_STORAGE: usize = 1;
    pub const LIQUID_PROPANE_GAS: usize = 2;
    pub const COMPRESSED_NATURAL_GAS: usize = 3;
    pub const DIESEL: usize = 4;
    pub const GASOLINE: usize = 5;
    pub const AMMONIA: usize = 6;
}

super::pdu::its_pdu! {
    /// DENM (EN 302 637-3 v1.3.1, protocolVersion 2).
    pub struct Denm {
        denm: DecentralizedEnvironmentalNotificationMessage = "denm",
        id: ItsPduHeader::DENM,
        versions: [2],
        send: 2,
    }
    fn check_dialect(&self) -> Result<(), Error> {
        let d = &self.denm;
        if let Some(history) = d.situation.as_ref().and_then(|s| s.event_history.as_ref()) {
            for (i, point) in history.0.iter().enumerate() {
                if let Some(t) = &point.event_delta_time {
                    let path = format!("denm.situation.eventHistory[{i}].eventDeltaTime");
                    super::cdd::check_root(&t.0, 1, 65_535, path)?;
                }
            }
        }
        if let Some(location) = &d.location {
            for (i, trace) in location.traces.0.iter().enumerate() {
                super::cdd::check_path_history(trace, &format!("denm.location.traces[{i}]"))?;
            }
        }
        Ok(())
    }
}
