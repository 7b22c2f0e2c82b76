//! CAM (EN 302 637-2 v1.4.1): the cooperative awareness message and the CDD types only it
//! uses. An RSU sends one with stationType 15 and `rsuContainerHighFrequency`.

use rasn::prelude::*;

use super::*;

/// Time of the CAM's position in ms, modulo 65536 (TimestampIts mod 2^16).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=65535"))]
pub struct GenerationDeltaTime(pub u16);
impl GenerationDeltaTime {
    /// The value for a TimestampIts (ms since 2004): its low 16 bits, as the standard says.
    pub fn from_timestamp(t: TimestampIts) -> Self {
        Self((t.0 % 65_536) as u16)
    }
}

/// The CAM body: generation time and containers.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct CoopAwareness {
    #[rasn(identifier = "generationDeltaTime")]
    pub generation_delta_time: GenerationDeltaTime,
    #[rasn(identifier = "camParameters")]
    pub cam_parameters: CamParameters,
}

impl CoopAwareness {
    /// An RSU's CAM body (EN 302 637-2 v1.4.1 §6.1.3: a roadside unit sends the basic container
    /// with stationType 15 and `rsuContainerHighFrequency`, and no low-frequency or special
    /// vehicle container). `zones` are the CEN DSRC tolling zones to protect, if any.
    pub fn rsu(
        generation_delta_time: GenerationDeltaTime,
        reference_position: ReferencePosition,
        zones: Option<ProtectedCommunicationZonesRSU>,
    ) -> Self {
        Self {
            generation_delta_time,
            cam_parameters: CamParameters::new(
                BasicContainer::new(StationType::ROAD_SIDE_UNIT, reference_position),
                HighFrequencyContainer::RsuContainerHighFrequency(RSUContainerHighFrequency {
                    protected_communication_zones_rsu: zones,
                }),
            ),
        }
    }
}

/// The CAM's containers.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CamParameters {
    #[rasn(identifier = "basicContainer")]
    pub basic_container: BasicContainer,
    #[rasn(identifier = "highFrequencyContainer")]
    pub high_frequency_container: HighFrequencyContainer,
    #[rasn(identifier = "lowFrequencyContainer")]
    pub low_frequency_container: Option<LowFrequencyContainer>,
    #[rasn(identifier = "specialVehicleContainer")]
    pub special_vehicle_container: Option<SpecialVehicleContainer>,
}
impl CamParameters {
    /// Containers with only the mandatory two.
    pub fn new(
        basic_container: BasicContainer,
        high_frequency_container: HighFrequencyContainer,
    ) -> Self {
        Self {
            basic_container,
            high_frequency_container,
            low_frequency_container: None,
            special_vehicle_container: None,
        }
    }
}

/// Station type and position of the sender.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct BasicContainer {
    #[rasn(identifier = "stationType")]
    pub station_type: StationType,
    #[rasn(identifier = "referencePosition")]
    pub reference_position: ReferencePosition,
}
impl BasicContainer {
    /// The basic container from its two fields.
    pub fn new(station_type: StationType, reference_position: ReferencePosition) -> Self {
        Self {
            station_type,
            reference_position,
        }
    }
}

/// The container sent in every CAM: a vehicle's motion, or an RSU's.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum HighFrequencyContainer {
    #[rasn(identifier = "basicVehicleContainerHighFrequency")]
    BasicVehicleContainerHighFrequency(BasicVehicleContainerHighFrequency),
    #[rasn(identifier = "rsuContainerHighFrequency")]
    RsuContainerHighFrequency(RSUContainerHighFrequency),
}

/// The container sent at most every 500 ms: a vehicle's role, lights and path.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum LowFrequencyContainer {
    #[rasn(identifier = "basicVehicleContainerLowFrequency")]
    BasicVehicleContainerLowFrequency(BasicVehicleContainerLowFrequency),
}

/// Role-specific data of a special vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum SpecialVehicleContainer {
    #[rasn(identifier = "publicTransportContainer")]
    PublicTransportContainer(PublicTransportContainer),
    #[rasn(identifier = "specialTransportContainer")]
    SpecialTransportContainer(SpecialTransportContainer),
    #[rasn(identifier = "dangerousGoodsContainer")]
    DangerousGoodsContainer(DangerousGoodsContainer),
    #[rasn(identifier = "roadWorksContainerBasic")]
    RoadWorksContainerBasic(RoadWorksContainerBasic),
    #[rasn(identifier = "rescueContainer")]
    RescueContainer(RescueContainer),
    #[rasn(identifier = "emergencyContainer")]
    EmergencyContainer(EmergencyContainer),
    #[rasn(identifier = "safetyCarContainer")]
    SafetyCarContainer(SafetyCarContainer),
}

/// A vehicle's motion state.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct BasicVehicleContainerHighFrequency {
    pub heading: Heading,
    pub speed: Speed,
    #[rasn(identifier = "driveDirection")]
    pub drive_direction: DriveDirection,
    #[rasn(identifier = "vehicleLength")]
    pub vehicle_length: VehicleLength,
    #[rasn(identifier = "vehicleWidth")]
    pub vehicle_width: VehicleWidth,
    #[rasn(identifier = "longitudinalAcceleration")]
    pub longitudinal_acceleration: LongitudinalAcceleration,
    pub curvature: Curvature,
    #[rasn(identifier = "curvatureCalculationMode")]
    pub curvature_calculation_mode: CurvatureCalculationMode,
    #[rasn(identifier = "yawRate")]
    pub yaw_rate: YawRate,
    #[rasn(identifier = "accelerationControl")]
    pub acceleration_control: Option<AccelerationControl>,
    #[rasn(identifier = "lanePosition")]
    pub lane_position: Option<LanePosition>,
    #[rasn(identifier = "steeringWheelAngle")]
    pub steering_wheel_angle: Option<SteeringWheelAngle>,
    #[rasn(identifier = "lateralAcceleration")]
    pub lateral_acceleration: Option<LateralAcceleration>,
    #[rasn(identifier = "verticalAcceleration")]
    pub vertical_acceleration: Option<VerticalAcceleration>,
    #[rasn(identifier = "performanceClass")]
    pub performance_class: Option<PerformanceClass>,
    #[rasn(identifier = "cenDsrcTollingZone")]
    pub cen_dsrc_tolling_zone: Option<CenDsrcTollingZone>,
}

/// An RSU's high-frequency container: the CEN DSRC tolling zones around it, if any.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RSUContainerHighFrequency {
    #[rasn(identifier = "protectedCommunicationZonesRSU")]
    pub protected_communication_zones_rsu: Option<ProtectedCommunicationZonesRSU>,
}
impl RSUContainerHighFrequency {
    /// An RSU container with no protected zones.
    pub fn new() -> Self {
        Self::default()
    }
}

/// A vehicle's role, exterior lights and path history.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct BasicVehicleContainerLowFrequency {
    #[rasn(identifier = "vehicleRole")]
    pub vehicle_role: VehicleRole,
    #[rasn(identifier = "exteriorLights")]
    pub exterior_lights: ExteriorLights,
    #[rasn(identifier = "pathHistory")]
    pub path_history: PathHistory,
}

/// Public transport: doors and traffic light activation data.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PublicTransportContainer {
    #[rasn(identifier = "embarkationStatus")]
    pub embarkation_status: bool,
    #[rasn(identifier = "ptActivation")]
    pub pt_activation: Option<PtActivation>,
}

/// Special transport: load kind and light bar.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct SpecialTransportContainer {
    #[rasn(identifier = "specialTransportType")]
    pub special_transport_type: SpecialTransportType,
    #[rasn(identifier = "lightBarSirenInUse")]
    pub light_bar_siren_in_use: LightBarSirenInUse,
}

/// Dangerous goods carried.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DangerousGoodsContainer {
    #[rasn(identifier = "dangerousGoodsBasic")]
    pub dangerous_goods_basic: DangerousGoodsBasic,
}

/// A roadworks vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RoadWorksContainerBasic {
    #[rasn(identifier = "roadworksSubCauseCode")]
    pub roadworks_sub_cause_code: Option<RoadworksSubCauseCode>,
    #[rasn(identifier = "lightBarSirenInUse")]
    pub light_bar_siren_in_use: LightBarSirenInUse,
    #[rasn(identifier = "closedLanes")]
    pub closed_lanes: Option<ClosedLanes>,
}

/// A rescue vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RescueContainer {
    #[rasn(identifier = "lightBarSirenInUse")]
    pub light_bar_siren_in_use: LightBarSirenInUse,
}

/// An emergency vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct EmergencyContainer {
    #[rasn(identifier = "lightBarSirenInUse")]
    pub light_bar_siren_in_use: LightBarSirenInUse,
    #[rasn(identifier = "incidentIndication")]
    pub incident_indication: Option<CauseCode>,
    #[rasn(identifier = "emergencyPriority")]
    pub emergency_priority: Option<EmergencyPriority>,
}

/// A safety car.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct SafetyCarContainer {
    #[rasn(identifier = "lightBarSirenInUse")]
    pub light_bar_siren_in_use: LightBarSirenInUse,
    #[rasn(identifier = "incidentIndication")]
    pub incident_indication: Option<CauseCode>,
    #[rasn(identifier = "trafficRule")]
    pub traffic_rule: Option<TrafficRule>,
    #[rasn(identifier = "speedLimit")]
    pub speed_limit: Option<SpeedLimit>,
}

/// Direction of travel relative to the vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum DriveDirection {
    #[rasn(identifier = "forward")]
    Forward = 0,
    #[rasn(identifier = "backward")]
    Backward = 1,
    #[rasn(identifier = "unavailable")]
    Unavailable = 2,
}

/// Vehicle length and whether a trailer makes it uncertain.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct VehicleLength {
    #[rasn(identifier = "vehicleLengthValue")]
    pub vehicle_length_value: VehicleLengthValue,
    #[rasn(identifier = "vehicleLengthConfidenceIndication")]
    pub vehicle_length_confidence_indication: VehicleLengthConfidenceIndication,
}

/// Vehicle length in 10 cm (1..1023, 1023 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=1023"))]
pub struct VehicleLengthValue(pub u16);

/// Trailer presence as it affects the vehicle length.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum VehicleLengthConfidenceIndication {
    #[rasn(identifier = "noTrailerPresent")]
    NoTrailerPresent = 0,
    #[rasn(identifier = "trailerPresentWithKnownLength")]
    TrailerPresentWithKnownLength = 1,
    #[rasn(identifier = "trailerPresentWithUnknownLength")]
    TrailerPresentWithUnknownLength = 2,
    #[rasn(identifier = "trailerPresenceIsUnknown")]
    TrailerPresenceIsUnknown = 3,
    #[rasn(identifier = "unavailable")]
    Unavailable = 4,
}

/// Vehicle width in 10 cm (1..62, 62 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=62"))]
pub struct VehicleWidth(pub u8);

/// Acceleration in 0.1 m/s² (-160..161, 161 = unavailable); the CDD defines the same range
/// three times (longitudinal, lateral, vertical), one type serves all three.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-160..=161"))]
pub struct AccelerationValue(pub i16);
/// LongitudinalAccelerationValue: the CDD's name for [`AccelerationValue`] in that field.
pub type LongitudinalAccelerationValue = AccelerationValue;
/// LateralAccelerationValue: the CDD's name for [`AccelerationValue`] in that field.
pub type LateralAccelerationValue = AccelerationValue;
/// VerticalAccelerationValue: the CDD's name for [`AccelerationValue`] in that field.
pub type VerticalAccelerationValue = AccelerationValue;

/// Acceleration accuracy in 0.1 m/s² (0..102, 102 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=102"))]
pub struct AccelerationConfidence(pub u8);

/// Longitudinal acceleration with its confidence.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct LongitudinalAcceleration {
    #[rasn(identifier = "longitudinalAccelerationValue")]
    pub longitudinal_acceleration_value: AccelerationValue,
    #[rasn(identifier = "longitudinalAccelerationConfidence")]
    pub longitudinal_acceleration_confidence: AccelerationConfidence,
}

/// Lateral acceleration with its confidence.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct LateralAcceleration {
    #[rasn(identifier = "lateralAccelerationValue")]
    pub lateral_acceleration_value: AccelerationValue,
    #[rasn(identifier = "lateralAccelerationConfidence")]
    pub lateral_acceleration_confidence: AccelerationConfidence,
}

/// Vertical acceleration with its confidence.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct VerticalAcceleration {
    #[rasn(identifier = "verticalAccelerationValue")]
    pub vertical_acceleration_value: AccelerationValue,
    #[rasn(identifier = "verticalAccelerationConfidence")]
    pub vertical_acceleration_confidence: AccelerationConfidence,
}

/// Path curvature with its confidence.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Curvature {
    #[rasn(identifier = "curvatureValue")]
    pub curvature_value: CurvatureValue,
    #[rasn(identifier = "curvatureConfidence")]
    pub curvature_confidence: CurvatureConfidence,
}

/// Curvature in 1/10000 m⁻¹ (-1023..1023, 1023 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-1023..=1023"))]
pub struct CurvatureValue(pub i16);

/// Accuracy class of a curvature.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum CurvatureConfidence {
    #[rasn(identifier = "onePerMeter-0-00002")]
    OnePerMeter0_00002 = 0,
    #[rasn(identifier = "onePerMeter-0-0001")]
    OnePerMeter0_0001 = 1,
    #[rasn(identifier = "onePerMeter-0-0005")]
    OnePerMeter0_0005 = 2,
    #[rasn(identifier = "onePerMeter-0-002")]
    OnePerMeter0_002 = 3,
    #[rasn(identifier = "onePerMeter-0-01")]
    OnePerMeter0_01 = 4,
    #[rasn(identifier = "onePerMeter-0-1")]
    OnePerMeter0_1 = 5,
    #[rasn(identifier = "outOfRange")]
    OutOfRange = 6,
    #[rasn(identifier = "unavailable")]
    Unavailable = 7,
}

/// Whether the yaw rate was used to compute the curvature.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum CurvatureCalculationMode {
    #[rasn(identifier = "yawRateUsed")]
    YawRateUsed = 0,
    #[rasn(identifier = "yawRateNotUsed")]
    YawRateNotUsed = 1,
    #[rasn(identifier = "unavailable")]
    Unavailable = 2,
}

/// Yaw rate with its confidence.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct YawRate {
    #[rasn(identifier = "yawRateValue")]
    pub yaw_rate_value: YawRateValue,
    #[rasn(identifier = "yawRateConfidence")]
    pub yaw_rate_confidence: YawRateConfidence,
}

/// Yaw rate in 0.01 degree/s (-32766..32767, 32767 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-32766..=32767"))]
pub struct YawRateValue(pub i16);

/// Accuracy class of a yaw rate.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum YawRateConfidence {
    #[rasn(identifier = "degSec-000-01")]
    DegSec000_01 = 0,
    #[rasn(identifier = "degSec-000-05")]
    DegSec000_05 = 1,
    #[rasn(identifier = "degSec-000-10")]
    DegSec000_10 = 2,
    #[rasn(identifier = "degSec-001-00")]
    DegSec001_00 = 3,
    #[rasn(identifier = "degSec-005-00")]
    DegSec005_00 = 4,
    #[rasn(identifier = "degSec-010-00")]
    DegSec010_00 = 5,
    #[rasn(identifier = "degSec-100-00")]
    DegSec100_00 = 6,
    #[rasn(identifier = "outOfRange")]
    OutOfRange = 7,
    #[rasn(identifier = "unavailable")]
    Unavailable = 8,
}

/// Driver assistance and pedal state (7 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("7"))]
pub struct AccelerationControl(pub BitString);
impl AccelerationControl {
    pub const BRAKE_PEDAL_ENGAGED: usize = 0;
    pub const GAS_PEDAL_ENGAGED: usize = 1;
    pub const EMERGENCY_BRAKE_ENGAGED: usize = 2;
    pub const COLLISION_WARNING_ENGAGED: usize = 3;
    pub const ACC_ENGAGED: usize = 4;
    pub const CRUISE_CONTROL_ENGAGED: usize = 5;
    pub const SPEED_LIMITER_ENGAGED: usize = 6;
}

/// Steering wheel angle with its confidence.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct SteeringWheelAngle {
    #[rasn(identifier = "steeringWheelAngleValue")]
    pub steering_wheel_angle_value: SteeringWheelAngleValue,
    #[rasn(identifier = "steeringWheelAngleConfidence")]
    pub steering_wheel_angle_confidence: SteeringWheelAngleConfidence,
}

/// Steering wheel angle in 1.5 degree (-511..512, 512 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-511..=512"))]
pub struct SteeringWheelAngleValue(pub i16);

/// Steering wheel angle accuracy in 1.5 degree (1..127, 127 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=127"))]
pub struct SteeringWheelAngleConfidence(pub u8);

/// Performance class of the position data (0..7, 0 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=7"))]
pub struct PerformanceClass(pub u8);

/// Identifier of a protected zone (0..134217727).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=134217727"))]
pub struct ProtectedZoneID(pub u32);

/// A CEN DSRC tolling station a vehicle is near.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CenDsrcTollingZone {
    #[rasn(identifier = "protectedZoneLatitude")]
    pub protected_zone_latitude: Latitude,
    #[rasn(identifier = "protectedZoneLongitude")]
    pub protected_zone_longitude: Longitude,
    #[rasn(identifier = "cenDsrcTollingZoneID")]
    pub cen_dsrc_tolling_zone_id: Option<ProtectedZoneID>,
}
impl CenDsrcTollingZone {
    /// A tolling zone at a position, without an id.
    pub fn new(latitude: Latitude, longitude: Longitude) -> Self {
        Self {
            protected_zone_latitude: latitude,
            protected_zone_longitude: longitude,
            cen_dsrc_tolling_zone_id: None,
        }
    }
}

/// One to 16 protected zones.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct ProtectedCommunicationZonesRSU(pub SequenceOf<ProtectedCommunicationZone>);

/// A zone where 5.8 GHz CEN DSRC tolling needs protection from ITS-G5.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ProtectedCommunicationZone {
    #[rasn(identifier = "protectedZoneType")]
    pub protected_zone_type: ProtectedZoneType,
    #[rasn(identifier = "expiryTime")]
    pub expiry_time: Option<TimestampIts>,
    #[rasn(identifier = "protectedZoneLatitude")]
    pub protected_zone_latitude: Latitude,
    #[rasn(identifier = "protectedZoneLongitude")]
    pub protected_zone_longitude: Longitude,
    #[rasn(identifier = "protectedZoneRadius")]
    pub protected_zone_radius: Option<ProtectedZoneRadius>,
    #[rasn(identifier = "protectedZoneID")]
    pub protected_zone_id: Option<ProtectedZoneID>,
}
impl ProtectedCommunicationZone {
    /// A zone of a type at a position, with no expiry, radius or id.
    pub fn new(
        protected_zone_type: ProtectedZoneType,
        latitude: Latitude,
        longitude: Longitude,
    ) -> Self {
        Self {
            protected_zone_type,
            expiry_time: None,
            protected_zone_latitude: latitude,
            protected_zone_longitude: longitude,
            protected_zone_radius: None,
            protected_zone_id: None,
        }
    }
}

/// Kind of protected zone.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum ProtectedZoneType {
    #[rasn(identifier = "permanentCenDsrcTolling")]
    PermanentCenDsrcTolling = 0,
    #[rasn(extension_addition, identifier = "temporaryCenDsrcTolling")]
    TemporaryCenDsrcTolling = 1,
}

/// Radius of a protected zone in m (1..255, extensible). An unconstrained [`Integer`] inside
/// for the reason given at [`PathDeltaTime`].
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=255", extensible))]
pub struct ProtectedZoneRadius(pub Integer);
impl ProtectedZoneRadius {
    /// A radius in metres.
    pub fn new(metres: u16) -> Self {
        Self(Integer::from(metres))
    }
}

/// Role of a vehicle in traffic.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum VehicleRole {
    #[rasn(identifier = "default")]
    Default = 0,
    #[rasn(identifier = "publicTransport")]
    PublicTransport = 1,
    #[rasn(identifier = "specialTransport")]
    SpecialTransport = 2,
    #[rasn(identifier = "dangerousGoods")]
    DangerousGoods = 3,
    #[rasn(identifier = "roadWork")]
    RoadWork = 4,
    #[rasn(identifier = "rescue")]
    Rescue = 5,
    #[rasn(identifier = "emergency")]
    Emergency = 6,
    #[rasn(identifier = "safetyCar")]
    SafetyCar = 7,
    #[rasn(identifier = "agriculture")]
    Agriculture = 8,
    #[rasn(identifier = "commercial")]
    Commercial = 9,
    #[rasn(identifier = "military")]
    Military = 10,
    #[rasn(identifier = "roadOperator")]
    RoadOperator = 11,
    #[rasn(identifier = "taxi")]
    Taxi = 12,
    #[rasn(identifier = "reserved1")]
    Reserved1 = 13,
    #[rasn(identifier = "reserved2")]
    Reserved2 = 14,
    #[rasn(identifier = "reserved3")]
    Reserved3 = 15,
}

/// Exterior lights switched on (8 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("8"))]
pub struct ExteriorLights(pub BitString);
impl ExteriorLights {
    pub const LOW_BEAM_HEADLIGHTS_ON: usize = 0;
    pub const HIGH_BEAM_HEADLIGHTS_ON: usize = 1;
    pub const LEFT_TURN_SIGNAL_ON: usize = 2;
    pub const RIGHT_TURN_SIGNAL_ON: usize = 3;
    pub const DAYTIME_RUNNING_LIGHTS_ON: usize = 4;
    pub const REVERSE_LIGHT_ON: usize = 5;
    pub const FOG_LIGHT_ON: usize = 6;
    pub const PARKING_LIGHTS_ON: usize = 7;
}

/// Data a public transport vehicle sends to a traffic light controller.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PtActivation {
    #[rasn(identifier = "ptActivationType")]
    pub pt_activation_type: PtActivationType,
    #[rasn(identifier = "ptActivationData")]
    pub pt_activation_data: PtActivationData,
}

/// Format of the activation data (0 undefined, 1 R09.16, 2 VDV-420).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct PtActivationType(pub u8);

/// Activation data, 1 to 20 octets.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=20"))]
pub struct PtActivationData(pub OctetString);

/// Kind of special transport (4 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("4"))]
pub struct SpecialTransportType(pub BitString);
impl SpecialTransportType {
    pub const HEAVY_LOAD: usize = 0;
    pub const EXCESS_WIDTH: usize = 1;
    pub const EXCESS_LENGTH: usize = 2;
    pub const EXCESS_HEIGHT: usize = 3;
}

/// Sub-cause of roadworks (0..255).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct RoadworksSubCauseCode(pub u8);

/// Right-of-way an emergency vehicle asks for (2 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("2"))]
pub struct EmergencyPriority(pub BitString);
impl EmergencyPriority {
    pub const REQUEST_FOR_RIGHT_OF_WAY: usize = 0;
    pub const REQUEST_FOR_FREE_CROSSING_AT_A_TRAFFIC_LIGHT: usize = 1;
}

super::pdu::its_pdu! {
    /// CAM (EN 302 637-2 v1.4.1, protocolVersion 2). The RSU's own CAM: stationType
    /// [`StationType::ROAD_SIDE_UNIT`] with [`HighFrequencyContainer::RsuContainerHighFrequency`].
    pub struct Cam {
        cam: CoopAwareness = "cam",
        id: ItsPduHeader::CAM,
        versions: [2],
        send: 2,
    }
    fn check_dialect(&self) -> Result<(), Error> {
        let p = &self.cam.cam_parameters;
        if let Some(LowFrequencyContainer::BasicVehicleContainerLowFrequency(lf)) =
            &p.low_frequency_container
        {
            super::cdd::check_path_history(
                &lf.path_history,
                "cam.camParameters.lowFrequencyContainer.pathHistory",
            )?;
        }
        if let HighFrequencyContainer::RsuContainerHighFrequency(rsu) = &p.high_frequency_container
            && let Some(zones) = &rsu.protected_communication_zones_rsu
        {
            for (i, zone) in zones.0.iter().enumerate() {
                if let Some(r) = &zone.protected_zone_radius {
                    let path = format!(
                        "cam.camParameters.highFrequencyContainer.protectedCommunicationZonesRSU[{i}].protectedZoneRadius"
                    );
                    super::cdd::check_root(&r.0, 1, 255, path)?;
                }
            }
        }
        Ok(())
    }
}
