//! Basic Safety Message (BSM): core vehicle state (Part I), the three registered Part II
//! extensions and every vehicle data element and frame they use.
//!
//! Also holds the four ITIS enumerations used by vehicle classification and disabled-vehicle
//! reports, and the NTCIP weather elements carried in a `WeatherReport` (only the BSM uses them).

use rasn::prelude::*;

use super::*;

// ---------------------------------------------------------------------------------------------
// The message
// ---------------------------------------------------------------------------------------------

/// Basic Safety Message: the vehicle's periodic broadcast of position, motion and status.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct BasicSafetyMessage {
    /// Part I, present in every message.
    #[rasn(identifier = "coreData")]
    pub core_data: BSMcoreData,
    /// Part II extensions, at most one of each kind.
    #[rasn(size("1..=8"), identifier = "partII")]
    pub part_ii: Option<SequenceOf<PartIIcontent>>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}

impl BasicSafetyMessage {
    /// A BSM with only its core data.
    pub fn new(core_data: BSMcoreData) -> Self {
        Self {
            core_data,
            part_ii: None,
            regional: None,
        }
    }
}

/// Which kind of content a Part II entry carries.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=63"))]
pub struct PartIIId(pub u8);

impl PartIIId {
    /// The entry is a [`VehicleSafetyExtensions`].
    pub const VEHICLE_SAFETY_EXT: Self = Self(0);
    /// The entry is a [`SpecialVehicleExtensions`].
    pub const SPECIAL_VEHICLE_EXT: Self = Self(1);
    /// The entry is a [`SupplementalVehicleExtensions`].
    pub const SUPPLEMENTAL_VEHICLE_EXT: Self = Self(2);
}

/// Core data of every BSM: identity, time, position, motion, brakes and size.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct BSMcoreData {
    #[rasn(identifier = "msgCnt")]
    pub msg_cnt: MsgCount,
    pub id: TemporaryID,
    #[rasn(identifier = "secMark")]
    pub sec_mark: DSecond,
    pub lat: Latitude,
    pub long: Longitude,
    pub elev: Elevation,
    pub accuracy: PositionalAccuracy,
    pub transmission: TransmissionState,
    pub speed: Speed,
    pub heading: Heading,
    pub angle: SteeringWheelAngle,
    #[rasn(identifier = "accelSet")]
    pub accel_set: AccelerationSet4Way,
    pub brakes: BrakeSystemStatus,
    pub size: VehicleSize,
}

// ---------------------------------------------------------------------------------------------
// Part II extension 0: vehicle safety
// ---------------------------------------------------------------------------------------------

/// Part II content 0: event flags, path history and prediction, exterior lights.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct VehicleSafetyExtensions {
    pub events: Option<VehicleEventFlags>,
    #[rasn(identifier = "pathHistory")]
    pub path_history: Option<PathHistory>,
    #[rasn(identifier = "pathPrediction")]
    pub path_prediction: Option<PathPrediction>,
    pub lights: Option<ExteriorLights>,
}

impl VehicleSafetyExtensions {
    /// An extension with nothing present.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Vehicle events being reported (hazard lights, hard braking, air bag, ...).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("13", extensible))]
pub struct VehicleEventFlags(pub BitString);

impl VehicleEventFlags {
    pub const EVENT_HAZARD_LIGHTS: usize = 0;
    pub const EVENT_STOP_LINE_VIOLATION: usize = 1;
    pub const EVENT_ABS_ACTIVATED: usize = 2;
    pub const EVENT_TRACTION_CONTROL_LOSS: usize = 3;
    pub const EVENT_STABILITY_CONTROL_ACTIVATED: usize = 4;
    pub const EVENT_HAZARDOUS_MATERIALS: usize = 5;
    pub const EVENT_RESERVED1: usize = 6;
    pub const EVENT_HARD_BRAKING: usize = 7;
    pub const EVENT_LIGHTS_CHANGED: usize = 8;
    pub const EVENT_WIPERS_CHANGED: usize = 9;
    pub const EVENT_FLAT_TIRE: usize = 10;
    pub const EVENT_DISABLED_VEHICLE: usize = 11;
    pub const EVENT_AIR_BAG_DEPLOYMENT: usize = 12;
}

/// Exterior lights that are on (no bit set: all off).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("9", extensible))]
pub struct ExteriorLights(pub BitString);

impl ExteriorLights {
    pub const LOW_BEAM_HEADLIGHTS_ON: usize = 0;
    pub const HIGH_BEAM_HEADLIGHTS_ON: usize = 1;
    pub const LEFT_TURN_SIGNAL_ON: usize = 2;
    pub const RIGHT_TURN_SIGNAL_ON: usize = 3;
    pub const HAZARD_SIGNAL_ON: usize = 4;
    pub const AUTOMATIC_LIGHT_CONTROL_ON: usize = 5;
    pub const DAYTIME_RUNNING_LIGHTS_ON: usize = 6;
    pub const FOG_LIGHT_ON: usize = 7;
    pub const PARKING_LIGHTS_ON: usize = 8;
}

/// Recent path of the vehicle as a list of breadcrumbs relative to the current position.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PathHistory {
    #[rasn(identifier = "initialPosition")]
    pub initial_position: Option<FullPositionVector>,
    #[rasn(identifier = "currGNSSstatus")]
    pub curr_gnss_status: Option<GNSSstatus>,
    #[rasn(identifier = "crumbData")]
    pub crumb_data: PathHistoryPointList,
}

impl PathHistory {
    /// A path history made only of its breadcrumbs.
    pub fn new(crumb_data: PathHistoryPointList) -> Self {
        Self {
            initial_position: None,
            curr_gnss_status: None,
            crumb_data,
        }
    }
}

/// 1 to 23 path history breadcrumbs, newest first.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=23"))]
pub struct PathHistoryPointList(pub SequenceOf<PathHistoryPoint>);

/// One breadcrumb: offsets in position and time from the current state.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PathHistoryPoint {
    #[rasn(identifier = "latOffset")]
    pub lat_offset: OffsetLLB18,
    #[rasn(identifier = "lonOffset")]
    pub lon_offset: OffsetLLB18,
    #[rasn(identifier = "elevationOffset")]
    pub elevation_offset: VertOffsetB12,
    #[rasn(identifier = "timeOffset")]
    pub time_offset: TimeOffset,
    pub speed: Option<Speed>,
    #[rasn(identifier = "posAccuracy")]
    pub pos_accuracy: Option<PositionalAccuracy>,
    pub heading: Option<CoarseHeading>,
}

impl PathHistoryPoint {
    /// A breadcrumb with its mandatory offsets.
    pub fn new(
        lat_offset: OffsetLLB18,
        lon_offset: OffsetLLB18,
        elevation_offset: VertOffsetB12,
        time_offset: TimeOffset,
    ) -> Self {
        Self {
            lat_offset,
            lon_offset,
            elevation_offset,
            time_offset,
            speed: None,
            pos_accuracy: None,
            heading: None,
        }
    }
}

/// Predicted path as a radius of curvature with a confidence.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PathPrediction {
    #[rasn(identifier = "radiusOfCurve")]
    pub radius_of_curve: RadiusOfCurvature,
    pub confidence: Confidence,
}

impl PathPrediction {
    /// A path prediction from its two fields.
    pub fn new(radius_of_curve: RadiusOfCurvature, confidence: Confidence) -> Self {
        Self {
            radius_of_curve,
            confidence,
        }
    }
}

/// Radius of curvature of the predicted path, 10 cm units, signed (32767 = straight ahead).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-32767..=32767"))]
pub struct RadiusOfCurvature(pub i16);

impl RadiusOfCurvature {
    pub const STRAIGHT: Self = Self(32767);
}

/// Confidence, in units of 0.5 percent (0..=100 %).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=200"))]
pub struct Confidence(pub u8);

/// Elevation offset, 10 cm units, about +-204.7 m (-2048 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-2048..=2047"))]
pub struct VertOffsetB12(pub i16);

impl VertOffsetB12 {
    pub const UNAVAILABLE: Self = Self(-2048);
}

/// Elevation offset, 10 cm units, about +-6.3 m (-64 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-64..=63"))]
pub struct VertOffsetB07(pub i8);

impl VertOffsetB07 {
    pub const UNAVAILABLE: Self = Self(-64);
}

/// Time back from now, 10 ms units, 1..=65534 (65535 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=65535"))]
pub struct TimeOffset(pub u16);

impl TimeOffset {
    pub const UNAVAILABLE: Self = Self(65535);
}

/// Heading in 1.5 degree units, 0..=358.5 degrees (240 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=240"))]
pub struct CoarseHeading(pub u8);

impl CoarseHeading {
    pub const UNAVAILABLE: Self = Self(240);
}

/// Health and mode of the GNSS receiver.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("8"))]
pub struct GNSSstatus(pub BitString);

impl GNSSstatus {
    pub const UNAVAILABLE: usize = 0;
    pub const IS_HEALTHY: usize = 1;
    pub const IS_MONITORED: usize = 2;
    pub const BASE_STATION_TYPE: usize = 3;
    pub const A_PDOP_OF_UNDER5: usize = 4;
    pub const IN_VIEW_OF_UNDER5: usize = 5;
    pub const LOCAL_CORRECTIONS_PRESENT: usize = 6;
    pub const NETWORK_CORRECTIONS_PRESENT: usize = 7;
}

// ---------------------------------------------------------------------------------------------
// Part I data elements and frames
// ---------------------------------------------------------------------------------------------

/// Speed in units of 0.02 m/s (8191 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=8191"))]
pub struct Speed(pub u16);

impl Speed {
    pub const UNAVAILABLE: Self = Self(8191);
}

/// Steering wheel angle in 1.5 degree units, +-189 degrees (127 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-126..=127"))]
pub struct SteeringWheelAngle(pub i8);

impl SteeringWheelAngle {
    pub const UNAVAILABLE: Self = Self(127);
}

/// Accelerations along three axes and the yaw rate.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct AccelerationSet4Way {
    pub long: Acceleration,
    pub lat: Acceleration,
    pub vert: VerticalAcceleration,
    pub yaw: YawRate,
}

/// Acceleration in 0.01 m/s^2 units, +-20 m/s^2 (2001 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-2000..=2001"))]
pub struct Acceleration(pub i16);

impl Acceleration {
    pub const UNAVAILABLE: Self = Self(2001);
}

/// Vertical acceleration in 0.02 g units (-127 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-127..=127"))]
pub struct VerticalAcceleration(pub i8);

impl VerticalAcceleration {
    pub const UNAVAILABLE: Self = Self(-127);
}

/// Yaw rate in 0.01 degree per second units, signed.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-32767..=32767"))]
pub struct YawRate(pub i16);

/// State of the brakes and the driving aids around them.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct BrakeSystemStatus {
    #[rasn(identifier = "wheelBrakes")]
    pub wheel_brakes: BrakeAppliedStatus,
    pub traction: TractionControlStatus,
    pub abs: AntiLockBrakeStatus,
    pub scs: StabilityControlStatus,
    #[rasn(identifier = "brakeBoost")]
    pub brake_boost: BrakeBoostApplied,
    #[rasn(identifier = "auxBrakes")]
    pub aux_brakes: AuxiliaryBrakeStatus,
}

/// Which wheel brakes are applied.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("5"))]
pub struct BrakeAppliedStatus(pub BitString);

impl BrakeAppliedStatus {
    pub const UNAVAILABLE: usize = 0;
    pub const LEFT_FRONT: usize = 1;
    pub const LEFT_REAR: usize = 2;
    pub const RIGHT_FRONT: usize = 3;
    pub const RIGHT_REAR: usize = 4;
}

/// Traction control state.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum TractionControlStatus {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "off")]
    Off = 1,
    #[rasn(identifier = "on")]
    On = 2,
    #[rasn(identifier = "engaged")]
    Engaged = 3,
}

/// Anti-lock brake state.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum AntiLockBrakeStatus {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "off")]
    Off = 1,
    #[rasn(identifier = "on")]
    On = 2,
    #[rasn(identifier = "engaged")]
    Engaged = 3,
}

/// Stability control state.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum StabilityControlStatus {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "off")]
    Off = 1,
    #[rasn(identifier = "on")]
    On = 2,
    #[rasn(identifier = "engaged")]
    Engaged = 3,
}

/// Brake boost state.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum BrakeBoostApplied {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "off")]
    Off = 1,
    #[rasn(identifier = "on")]
    On = 2,
}

/// Auxiliary brake state.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum AuxiliaryBrakeStatus {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "off")]
    Off = 1,
    #[rasn(identifier = "on")]
    On = 2,
    #[rasn(identifier = "reserved")]
    Reserved = 3,
}

/// Vehicle footprint: width and length.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct VehicleSize {
    pub width: VehicleWidth,
    pub length: VehicleLength,
}

/// Vehicle width in cm.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=1023"))]
pub struct VehicleWidth(pub u16);

/// Vehicle length in cm.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=4095"))]
pub struct VehicleLength(pub u16);

/// Vehicle height in 5 cm units, up to 6.35 m.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=127"))]
pub struct VehicleHeight(pub u8);

/// Vehicle mass on a piecewise scale (50 kg, then 500 kg, then 2000 kg steps; 255 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct VehicleMass(pub u8);

impl VehicleMass {
    pub const UNAVAILABLE: Self = Self(255);
}

/// Trailer weight on the hitch (units as in the standard, 0..=64255).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=64255"))]
pub struct TrailerWeight(pub u16);

/// Bumper height above ground in cm.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=127"))]
pub struct BumperHeight(pub u8);

/// Front and rear bumper heights.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct BumperHeights {
    pub front: BumperHeight,
    pub rear: BumperHeight,
}

/// Lateral offset in cm, +-2.55 m.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-256..=255"))]
pub struct OffsetB09(pub i16);

/// Antenna position relative to the vehicle reference point.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct AntennaOffsetSet {
    #[rasn(identifier = "antOffsetX")]
    pub ant_offset_x: OffsetB12,
    #[rasn(identifier = "antOffsetY")]
    pub ant_offset_y: OffsetB09,
    #[rasn(identifier = "antOffsetZ")]
    pub ant_offset_z: OffsetB10,
}

// ---------------------------------------------------------------------------------------------
// Part II extension 1: special vehicles
// ---------------------------------------------------------------------------------------------

/// Part II content 1: emergency vehicle alerts, an event description, trailers.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SpecialVehicleExtensions {
    #[rasn(identifier = "vehicleAlerts")]
    pub vehicle_alerts: Option<EmergencyDetails>,
    pub description: Option<EventDescription>,
    pub trailers: Option<TrailerData>,
}

impl SpecialVehicleExtensions {
    /// An extension with nothing present.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Emergency vehicle state: siren, light bar, response kind.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct EmergencyDetails {
    /// Legacy field, always 0.
    #[rasn(identifier = "notUsed")]
    pub not_used: SSPindex,
    #[rasn(identifier = "sirenUse")]
    pub siren_use: SirenInUse,
    #[rasn(identifier = "lightsUse")]
    pub lights_use: LightbarInUse,
    pub multi: MultiVehicleResponse,
    pub events: Option<PrivilegedEvents>,
    #[rasn(identifier = "responseType")]
    pub response_type: Option<ResponseType>,
}

impl EmergencyDetails {
    /// Emergency details with their mandatory fields.
    pub fn new(
        not_used: SSPindex,
        siren_use: SirenInUse,
        lights_use: LightbarInUse,
        multi: MultiVehicleResponse,
    ) -> Self {
        Self {
            not_used,
            siren_use,
            lights_use,
            multi,
            events: None,
            response_type: None,
        }
    }
}

/// Siren state.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum SirenInUse {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "notInUse")]
    NotInUse = 1,
    #[rasn(identifier = "inUse")]
    InUse = 2,
    #[rasn(identifier = "reserved")]
    Reserved = 3,
}

/// Light bar state.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum LightbarInUse {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "notInUse")]
    NotInUse = 1,
    #[rasn(identifier = "inUse")]
    InUse = 2,
    #[rasn(identifier = "yellowCautionLights")]
    YellowCautionLights = 3,
    #[rasn(identifier = "schooldBusLights")]
    SchooldBusLights = 4,
    #[rasn(identifier = "arrowSignsActive")]
    ArrowSignsActive = 5,
    #[rasn(identifier = "slowMovingVehicle")]
    SlowMovingVehicle = 6,
    #[rasn(identifier = "freqStops")]
    FreqStops = 7,
}

/// Whether one or several vehicles respond together.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum MultiVehicleResponse {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "singleVehicle")]
    SingleVehicle = 1,
    #[rasn(identifier = "multiVehicle")]
    MultiVehicle = 2,
    #[rasn(identifier = "reserved")]
    Reserved = 3,
}

/// Kind of response a service vehicle is on.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum ResponseType {
    #[rasn(identifier = "notInUseOrNotEquipped")]
    NotInUseOrNotEquipped = 0,
    #[rasn(identifier = "emergency")]
    Emergency = 1,
    #[rasn(identifier = "nonEmergency")]
    NonEmergency = 2,
    #[rasn(identifier = "pursuit")]
    Pursuit = 3,
    #[rasn(identifier = "stationary")]
    Stationary = 4,
    #[rasn(identifier = "slowMoving")]
    SlowMoving = 5,
    #[rasn(identifier = "stopAndGoMovement")]
    StopAndGoMovement = 6,
}

/// Privileged (public safety) events under way.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PrivilegedEvents {
    /// Legacy field, always 0.
    #[rasn(identifier = "notUsed")]
    pub not_used: SSPindex,
    pub event: PrivilegedEventFlags,
}

impl PrivilegedEvents {
    /// Privileged events from their two fields.
    pub fn new(not_used: SSPindex, event: PrivilegedEventFlags) -> Self {
        Self { not_used, event }
    }
}

/// Flags of privileged events (emergency response, lights, sound).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct PrivilegedEventFlags(pub BitString);

impl PrivilegedEventFlags {
    pub const PE_UNAVAILABLE: usize = 0;
    pub const PE_EMERGENCY_RESPONSE: usize = 1;
    pub const PE_EMERGENCY_LIGHTS_ACTIVE: usize = 2;
    pub const PE_EMERGENCY_SOUND_ACTIVE: usize = 3;
    pub const PE_NON_EMERGENCY_LIGHTS_ACTIVE: usize = 4;
    pub const PE_NON_EMERGENCY_SOUND_ACTIVE: usize = 5;
}

/// An event described with ITIS codes, with its priority, direction and extent.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct EventDescription {
    #[rasn(identifier = "typeEvent")]
    pub type_event: ITIScodes,
    #[rasn(size("1..=8"))]
    pub description: Option<SequenceOf<ITIScodes>>,
    pub priority: Option<Priority>,
    pub heading: Option<HeadingSlice>,
    pub extent: Option<Extent>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}

impl EventDescription {
    /// An event description with only its type.
    pub fn new(type_event: ITIScodes) -> Self {
        Self {
            type_event,
            description: None,
            priority: None,
            heading: None,
            extent: None,
            regional: None,
        }
    }
}

/// Trailers towed by the vehicle: hitch point and each unit.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TrailerData {
    /// Legacy field, always 0.
    #[rasn(identifier = "notUsed")]
    pub not_used: SSPindex,
    pub connection: PivotPointDescription,
    pub units: TrailerUnitDescriptionList,
}

impl TrailerData {
    /// Trailer data from its three fields.
    pub fn new(
        not_used: SSPindex,
        connection: PivotPointDescription,
        units: TrailerUnitDescriptionList,
    ) -> Self {
        Self {
            not_used,
            connection,
            units,
        }
    }
}

/// A pivot point (hitch) between two units: offset, angle, whether it rotates.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PivotPointDescription {
    #[rasn(identifier = "pivotOffset")]
    pub pivot_offset: OffsetB11,
    #[rasn(identifier = "pivotAngle")]
    pub pivot_angle: Angle,
    pub pivots: PivotingAllowed,
}

impl PivotPointDescription {
    /// A pivot point from its three fields.
    pub fn new(pivot_offset: OffsetB11, pivot_angle: Angle, pivots: PivotingAllowed) -> Self {
        Self {
            pivot_offset,
            pivot_angle,
            pivots,
        }
    }
}

/// Whether a unit can rotate about its pivot point.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct PivotingAllowed(pub bool);

/// 1 to 8 trailer or dolly units, from the hauling vehicle backwards.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8"))]
pub struct TrailerUnitDescriptionList(pub SequenceOf<TrailerUnitDescription>);

/// One trailer or dolly: size, mass, pivots, position and its own path history.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TrailerUnitDescription {
    #[rasn(identifier = "isDolly")]
    pub is_dolly: IsDolly,
    pub width: VehicleWidth,
    pub length: VehicleLength,
    pub height: Option<VehicleHeight>,
    pub mass: Option<TrailerMass>,
    #[rasn(identifier = "bumperHeights")]
    pub bumper_heights: Option<BumperHeights>,
    #[rasn(identifier = "centerOfGravity")]
    pub center_of_gravity: Option<VehicleHeight>,
    #[rasn(identifier = "frontPivot")]
    pub front_pivot: PivotPointDescription,
    #[rasn(identifier = "rearPivot")]
    pub rear_pivot: Option<PivotPointDescription>,
    #[rasn(identifier = "rearWheelOffset")]
    pub rear_wheel_offset: Option<OffsetB12>,
    #[rasn(identifier = "positionOffset")]
    pub position_offset: NodeXY24b,
    #[rasn(identifier = "elevationOffset")]
    pub elevation_offset: Option<VertOffsetB07>,
    #[rasn(identifier = "crumbData")]
    pub crumb_data: Option<TrailerHistoryPointList>,
}

impl TrailerUnitDescription {
    /// A unit with its mandatory fields.
    pub fn new(
        is_dolly: IsDolly,
        width: VehicleWidth,
        length: VehicleLength,
        front_pivot: PivotPointDescription,
        position_offset: NodeXY24b,
    ) -> Self {
        Self {
            is_dolly,
            width,
            length,
            height: None,
            mass: None,
            bumper_heights: None,
            center_of_gravity: None,
            front_pivot,
            rear_pivot: None,
            rear_wheel_offset: None,
            position_offset,
            elevation_offset: None,
            crumb_data: None,
        }
    }
}

/// True for a dolly, false for a trailer.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct IsDolly(pub bool);

/// Trailer mass in 500 kg units (0 = unknown, 255 = over 127.5 t).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct TrailerMass(pub u8);

impl TrailerMass {
    pub const UNKNOWN: Self = Self(0);
}

/// 1 to 23 past positions of a trailer unit.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=23"))]
pub struct TrailerHistoryPointList(pub SequenceOf<TrailerHistoryPoint>);

/// A past position of a trailer unit relative to the hauling vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TrailerHistoryPoint {
    #[rasn(identifier = "pivotAngle")]
    pub pivot_angle: Angle,
    #[rasn(identifier = "timeOffset")]
    pub time_offset: TimeOffset,
    #[rasn(identifier = "positionOffset")]
    pub position_offset: NodeXY24b,
    #[rasn(identifier = "elevationOffset")]
    pub elevation_offset: Option<VertOffsetB07>,
    pub heading: Option<CoarseHeading>,
}

impl TrailerHistoryPoint {
    /// A trailer history point with its mandatory fields.
    pub fn new(pivot_angle: Angle, time_offset: TimeOffset, position_offset: NodeXY24b) -> Self {
        Self {
            pivot_angle,
            time_offset,
            position_offset,
            elevation_offset: None,
            heading: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Part II extension 2: supplemental vehicle data
// ---------------------------------------------------------------------------------------------

/// Part II content 2: classification, vehicle data, weather, obstacles, status, RTCM.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SupplementalVehicleExtensions {
    pub classification: Option<BasicVehicleClass>,
    #[rasn(identifier = "classDetails")]
    pub class_details: Option<VehicleClassification>,
    #[rasn(identifier = "vehicleData")]
    pub vehicle_data: Option<VehicleData>,
    #[rasn(identifier = "weatherReport")]
    pub weather_report: Option<WeatherReport>,
    #[rasn(identifier = "weatherProbe")]
    pub weather_probe: Option<WeatherProbe>,
    pub obstacle: Option<ObstacleDetection>,
    pub status: Option<DisabledVehicle>,
    #[rasn(identifier = "speedProfile")]
    pub speed_profile: Option<SpeedProfile>,
    #[rasn(identifier = "theRTCM")]
    pub the_rtcm: Option<RTCMPackage>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}

impl SupplementalVehicleExtensions {
    /// An extension with nothing present.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Broad vehicle class (passenger, truck, transit, emergency, ...); see the constants.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct BasicVehicleClass(pub u8);

impl BasicVehicleClass {
    pub const UNKNOWN_VEHICLE_CLASS: Self = Self(0);
    pub const SPECIAL_VEHICLE_CLASS: Self = Self(1);
    pub const PASSENGER_VEHICLE_TYPE_UNKNOWN: Self = Self(10);
    pub const PASSENGER_VEHICLE_TYPE_OTHER: Self = Self(11);
    pub const LIGHT_TRUCK_VEHICLE_TYPE_UNKNOWN: Self = Self(20);
    pub const LIGHT_TRUCK_VEHICLE_TYPE_OTHER: Self = Self(21);
    pub const TRUCK_VEHICLE_TYPE_UNKNOWN: Self = Self(25);
    pub const TRUCK_VEHICLE_TYPE_OTHER: Self = Self(26);
    pub const TRUCK_AXLE_CNT2: Self = Self(27);
    pub const TRUCK_AXLE_CNT3: Self = Self(28);
    pub const TRUCK_AXLE_CNT4: Self = Self(29);
    pub const TRUCK_AXLE_CNT4_TRAILER: Self = Self(30);
    pub const TRUCK_AXLE_CNT5_TRAILER: Self = Self(31);
    pub const TRUCK_AXLE_CNT6_TRAILER: Self = Self(32);
    pub const TRUCK_AXLE_CNT5_MULTI_TRAILER: Self = Self(33);
    pub const TRUCK_AXLE_CNT6_MULTI_TRAILER: Self = Self(34);
    pub const TRUCK_AXLE_CNT7_MULTI_TRAILER: Self = Self(35);
    pub const MOTORCYCLE_TYPE_UNKNOWN: Self = Self(40);
    pub const MOTORCYCLE_TYPE_OTHER: Self = Self(41);
    pub const MOTORCYCLE_CRUISER_STANDARD: Self = Self(42);
    pub const MOTORCYCLE_SPORT_UNCLAD: Self = Self(43);
    pub const MOTORCYCLE_SPORT_TOURING: Self = Self(44);
    pub const MOTORCYCLE_SUPER_SPORT: Self = Self(45);
    pub const MOTORCYCLE_TOURING: Self = Self(46);
    pub const MOTORCYCLE_TRIKE: Self = Self(47);
    pub const MOTORCYCLE_W_PASSENGERS: Self = Self(48);
    pub const TRANSIT_TYPE_UNKNOWN: Self = Self(50);
    pub const TRANSIT_TYPE_OTHER: Self = Self(51);
    pub const TRANSIT_BRT: Self = Self(52);
    pub const TRANSIT_EXPRESS_BUS: Self = Self(53);
    pub const TRANSIT_LOCAL_BUS: Self = Self(54);
    pub const TRANSIT_SCHOOL_BUS: Self = Self(55);
    pub const TRANSIT_FIXED_GUIDEWAY: Self = Self(56);
    pub const TRANSIT_PARATRANSIT: Self = Self(57);
    pub const TRANSIT_PARATRANSIT_AMBULANCE: Self = Self(58);
    pub const EMERGENCY_TYPE_UNKNOWN: Self = Self(60);
    pub const EMERGENCY_TYPE_OTHER: Self = Self(61);
    pub const EMERGENCY_FIRE_LIGHT_VEHICLE: Self = Self(62);
    pub const EMERGENCY_FIRE_HEAVY_VEHICLE: Self = Self(63);
    pub const EMERGENCY_FIRE_PARAMEDIC_VEHICLE: Self = Self(64);
    pub const EMERGENCY_FIRE_AMBULANCE_VEHICLE: Self = Self(65);
    pub const EMERGENCY_POLICE_LIGHT_VEHICLE: Self = Self(66);
    pub const EMERGENCY_POLICE_HEAVY_VEHICLE: Self = Self(67);
    pub const EMERGENCY_OTHER_RESPONDER: Self = Self(68);
    pub const EMERGENCY_OTHER_AMBULANCE: Self = Self(69);
    pub const OTHER_TRAVELER_TYPE_UNKNOWN: Self = Self(80);
    pub const OTHER_TRAVELER_TYPE_OTHER: Self = Self(81);
    pub const OTHER_TRAVELER_PEDESTRIAN: Self = Self(82);
    pub const OTHER_TRAVELER_VISUALLY_DISABLED: Self = Self(83);
    pub const OTHER_TRAVELER_PHYSICALLY_DISABLED: Self = Self(84);
    pub const OTHER_TRAVELER_BICYCLE: Self = Self(85);
    pub const OTHER_TRAVELER_VULNERABLE_ROADWORKER: Self = Self(86);
    pub const INFRASTRUCTURE_TYPE_UNKNOWN: Self = Self(90);
    pub const INFRASTRUCTURE_FIXED: Self = Self(91);
    pub const INFRASTRUCTURE_MOVABLE: Self = Self(92);
    pub const EQUIPPED_CARGO_TRAILER: Self = Self(93);
}

/// Detailed vehicle classification in several schemes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct VehicleClassification {
    #[rasn(identifier = "keyType")]
    pub key_type: Option<BasicVehicleClass>,
    pub role: Option<BasicVehicleRole>,
    pub iso3883: Option<Iso3833VehicleType>,
    #[rasn(identifier = "hpmsType")]
    pub hpms_type: Option<VehicleType>,
    #[rasn(identifier = "vehicleType")]
    pub vehicle_type: Option<VehicleGroupAffected>,
    #[rasn(identifier = "responseEquip")]
    pub response_equip: Option<IncidentResponseEquipment>,
    #[rasn(identifier = "responderType")]
    pub responder_type: Option<ResponderGroupAffected>,
    #[rasn(identifier = "fuelType")]
    pub fuel_type: Option<FuelType>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}

impl VehicleClassification {
    /// A classification with nothing present.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Fuel or energy type; see the constants.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=15"))]
pub struct FuelType(pub u8);

impl FuelType {
    pub const UNKNOWN_FUEL: Self = Self(0);
    pub const GASOLINE: Self = Self(1);
    pub const ETHANOL: Self = Self(2);
    pub const DIESEL: Self = Self(3);
    pub const ELECTRIC: Self = Self(4);
    pub const HYBRID: Self = Self(5);
    pub const HYDROGEN: Self = Self(6);
    pub const NAT_GAS_LIQUID: Self = Self(7);
    pub const NAT_GAS_COMP: Self = Self(8);
    pub const PROPANE: Self = Self(9);
}

/// Height, bumpers, mass and trailer weight of the vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct VehicleData {
    pub height: Option<VehicleHeight>,
    pub bumpers: Option<BumperHeights>,
    pub mass: Option<VehicleMass>,
    #[rasn(identifier = "trailerWeight")]
    pub trailer_weight: Option<TrailerWeight>,
}

impl VehicleData {
    /// Vehicle data with nothing present.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Precipitation and friction as reported by road weather sensors of the vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct WeatherReport {
    #[rasn(identifier = "isRaining")]
    pub is_raining: EssPrecipYesNo,
    #[rasn(identifier = "rainRate")]
    pub rain_rate: Option<EssPrecipRate>,
    #[rasn(identifier = "precipSituation")]
    pub precip_situation: Option<EssPrecipSituation>,
    #[rasn(identifier = "solarRadiation")]
    pub solar_radiation: Option<EssSolarRadiation>,
    pub friction: Option<EssMobileFriction>,
    #[rasn(identifier = "roadFriction")]
    pub road_friction: Option<CoefficientOfFriction>,
}

impl WeatherReport {
    /// A weather report with only its precipitation flag.
    pub fn new(is_raining: EssPrecipYesNo) -> Self {
        Self {
            is_raining,
            rain_rate: None,
            precip_situation: None,
            solar_radiation: None,
            friction: None,
            road_friction: None,
        }
    }
}

/// Air temperature, air pressure and wiper use measured by the vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct WeatherProbe {
    #[rasn(identifier = "airTemp")]
    pub air_temp: Option<AmbientAirTemperature>,
    #[rasn(identifier = "airPressure")]
    pub air_pressure: Option<AmbientAirPressure>,
    #[rasn(identifier = "rainRates")]
    pub rain_rates: Option<WiperSet>,
}

impl WeatherProbe {
    /// A weather probe with nothing present.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Air temperature in degrees C plus 40 (191 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=191"))]
pub struct AmbientAirTemperature(pub u8);

impl AmbientAirTemperature {
    pub const UNKNOWN: Self = Self(191);
}

/// Air pressure: 580 hPa plus 2 hPa per unit.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct AmbientAirPressure(pub u8);

/// Front (and optionally rear) wiper state and rate.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct WiperSet {
    #[rasn(identifier = "statusFront")]
    pub status_front: WiperStatus,
    #[rasn(identifier = "rateFront")]
    pub rate_front: WiperRate,
    #[rasn(identifier = "statusRear")]
    pub status_rear: Option<WiperStatus>,
    #[rasn(identifier = "rateRear")]
    pub rate_rear: Option<WiperRate>,
}

/// Wiper state.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum WiperStatus {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "off")]
    Off = 1,
    #[rasn(identifier = "intermittent")]
    Intermittent = 2,
    #[rasn(identifier = "low")]
    Low = 3,
    #[rasn(identifier = "high")]
    High = 4,
    #[rasn(identifier = "washerInUse")]
    WasherInUse = 5,
    #[rasn(identifier = "automaticPresent")]
    AutomaticPresent = 6,
}

/// Wiper sweeps per minute.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=127"))]
pub struct WiperRate(pub u8);

/// Coefficient of friction in steps of 0.02 (0 also means unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=50"))]
pub struct CoefficientOfFriction(pub u8);

/// An obstacle seen by the vehicle: distance, direction, kind and when.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ObstacleDetection {
    #[rasn(identifier = "obDist")]
    pub ob_dist: ObstacleDistance,
    #[rasn(identifier = "obDirect")]
    pub ob_direct: ObstacleDirection,
    /// An ITIS code restricted to 523..=541.
    #[rasn(value("523..=541"))]
    pub description: Option<ITIScodes>,
    #[rasn(identifier = "locationDetails")]
    pub location_details: Option<GenericLocations>,
    #[rasn(identifier = "dateTime")]
    pub date_time: DDateTime,
    #[rasn(identifier = "vertEvent")]
    pub vert_event: Option<VerticalAccelerationThreshold>,
}

impl ObstacleDetection {
    /// An obstacle detection with its mandatory fields.
    pub fn new(
        ob_dist: ObstacleDistance,
        ob_direct: ObstacleDirection,
        date_time: DDateTime,
    ) -> Self {
        Self {
            ob_dist,
            ob_direct,
            description: None,
            location_details: None,
            date_time,
            vert_event: None,
        }
    }
}

/// Distance to an obstacle in meters.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=32767"))]
pub struct ObstacleDistance(pub u16);

/// Direction of an obstacle, as an angle.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate)]
pub struct ObstacleDirection(pub Angle);

/// Wheels that exceeded the vertical acceleration threshold.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("5"))]
pub struct VerticalAccelerationThreshold(pub BitString);

impl VerticalAccelerationThreshold {
    pub const NOT_EQUIPPED: usize = 0;
    pub const LEFT_FRONT: usize = 1;
    pub const LEFT_REAR: usize = 2;
    pub const RIGHT_FRONT: usize = 3;
    pub const RIGHT_REAR: usize = 4;
}

/// A disabled-vehicle report: an ITIS status code and where.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct DisabledVehicle {
    /// An ITIS code restricted to 523..=541 (stalled, abandoned, on fire, ...).
    #[rasn(value("523..=541"), identifier = "statusDetails")]
    pub status_details: ITIScodes,
    #[rasn(identifier = "locationDetails")]
    pub location_details: Option<GenericLocations>,
}

impl DisabledVehicle {
    /// A disabled-vehicle report with only its status code.
    pub fn new(status_details: ITIScodes) -> Self {
        Self {
            status_details,
            location_details: None,
        }
    }
}

/// Average speeds measured on the oncoming lanes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SpeedProfile {
    #[rasn(identifier = "speedReports")]
    pub speed_reports: SpeedProfileMeasurementList,
}

impl SpeedProfile {
    /// A speed profile from its reports.
    pub fn new(speed_reports: SpeedProfileMeasurementList) -> Self {
        Self { speed_reports }
    }
}

/// 1 to 20 measured average speeds.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=20"))]
pub struct SpeedProfileMeasurementList(pub SequenceOf<SpeedProfileMeasurement>);

/// One measured average speed.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate)]
pub struct SpeedProfileMeasurement(pub GrossSpeed);

/// Speed in whole m/s (30 = 30 or more, 31 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=31"))]
pub struct GrossSpeed(pub u8);

impl GrossSpeed {
    pub const UNAVAILABLE: Self = Self(31);
}

/// Raw GNSS corrections from the vehicle: an optional header and 1 to 5 RTCM messages.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RTCMPackage {
    #[rasn(identifier = "rtcmHeader")]
    pub rtcm_header: Option<RTCMheader>,
    pub msgs: RTCMmessageList,
}

impl RTCMPackage {
    /// An RTCM package without header.
    pub fn new(msgs: RTCMmessageList) -> Self {
        Self {
            rtcm_header: None,
            msgs,
        }
    }
}

/// GNSS status and antenna offsets accompanying RTCM messages.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RTCMheader {
    pub status: GNSSstatus,
    #[rasn(identifier = "offsetSet")]
    pub offset_set: AntennaOffsetSet,
}

/// 1 to 5 RTCM messages.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=5"))]
pub struct RTCMmessageList(pub SequenceOf<RTCMmessage>);

/// One RTCM message, 1 to 1023 bytes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=1023"))]
pub struct RTCMmessage(pub OctetString);

// ---------------------------------------------------------------------------------------------
// NTCIP road weather elements (used only by WeatherReport)
// ---------------------------------------------------------------------------------------------

/// Whether precipitation is detected.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum EssPrecipYesNo {
    #[rasn(identifier = "precip")]
    Precip = 1,
    #[rasn(identifier = "noPrecip")]
    NoPrecip = 2,
    #[rasn(identifier = "error")]
    Error = 3,
}

/// Precipitation rate (NTCIP 1204 units, 0..=65535).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=65535"))]
pub struct EssPrecipRate(pub u16);

/// Kind and intensity of precipitation.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum EssPrecipSituation {
    #[rasn(identifier = "other")]
    Other = 1,
    #[rasn(identifier = "unknown")]
    Unknown = 2,
    #[rasn(identifier = "noPrecipitation")]
    NoPrecipitation = 3,
    #[rasn(identifier = "unidentifiedSlight")]
    UnidentifiedSlight = 4,
    #[rasn(identifier = "unidentifiedModerate")]
    UnidentifiedModerate = 5,
    #[rasn(identifier = "unidentifiedHeavy")]
    UnidentifiedHeavy = 6,
    #[rasn(identifier = "snowSlight")]
    SnowSlight = 7,
    #[rasn(identifier = "snowModerate")]
    SnowModerate = 8,
    #[rasn(identifier = "snowHeavy")]
    SnowHeavy = 9,
    #[rasn(identifier = "rainSlight")]
    RainSlight = 10,
    #[rasn(identifier = "rainModerate")]
    RainModerate = 11,
    #[rasn(identifier = "rainHeavy")]
    RainHeavy = 12,
    #[rasn(identifier = "frozenPrecipitationSlight")]
    FrozenPrecipitationSlight = 13,
    #[rasn(identifier = "frozenPrecipitationModerate")]
    FrozenPrecipitationModerate = 14,
    #[rasn(identifier = "frozenPrecipitationHeavy")]
    FrozenPrecipitationHeavy = 15,
}

/// Solar radiation (NTCIP 1204 units, 0..=65535).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=65535"))]
pub struct EssSolarRadiation(pub u16);

/// Road surface friction measured by the vehicle, percent (101 = error).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=101"))]
pub struct EssMobileFriction(pub u8);

// ---------------------------------------------------------------------------------------------
// ITIS enumerations used by BSM data (variants are in ascending code order, as PER requires)
// ---------------------------------------------------------------------------------------------

/// ITIS generic locations (on bridges, in tunnels, northbound, ...).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum GenericLocations {
    #[rasn(identifier = "on-bridges")]
    OnBridges = 7937,
    #[rasn(identifier = "in-tunnels")]
    InTunnels = 7938,
    #[rasn(identifier = "entering-or-leaving-tunnels")]
    EnteringOrLeavingTunnels = 7939,
    #[rasn(identifier = "on-ramps")]
    OnRamps = 7940,
    #[rasn(identifier = "in-road-construction-area")]
    InRoadConstructionArea = 7941,
    #[rasn(identifier = "around-a-curve")]
    AroundACurve = 7942,
    #[rasn(identifier = "on-minor-roads")]
    OnMinorRoads = 7943,
    #[rasn(identifier = "in-the-opposing-lanes")]
    InTheOpposingLanes = 7944,
    #[rasn(identifier = "adjacent-to-roadway")]
    AdjacentToRoadway = 7945,
    #[rasn(identifier = "on-bend")]
    OnBend = 7946,
    #[rasn(identifier = "entire-intersection")]
    EntireIntersection = 7947,
    #[rasn(identifier = "in-the-median")]
    InTheMedian = 7948,
    #[rasn(identifier = "moved-to-side-of-road")]
    MovedToSideOfRoad = 7949,
    #[rasn(identifier = "moved-to-shoulder")]
    MovedToShoulder = 7950,
    #[rasn(identifier = "on-the-roadway")]
    OnTheRoadway = 7951,
    #[rasn(identifier = "in-shaded-areas")]
    InShadedAreas = 7952,
    #[rasn(identifier = "in-low-lying-areas")]
    InLowLyingAreas = 7953,
    #[rasn(identifier = "in-the-downtown-area")]
    InTheDowntownArea = 7954,
    #[rasn(identifier = "in-the-inner-city-area")]
    InTheInnerCityArea = 7955,
    #[rasn(identifier = "in-parts")]
    InParts = 7956,
    #[rasn(identifier = "in-some-places")]
    InSomePlaces = 7957,
    #[rasn(identifier = "in-the-ditch")]
    InTheDitch = 7958,
    #[rasn(identifier = "in-the-valley")]
    InTheValley = 7959,
    #[rasn(identifier = "on-hill-top")]
    OnHillTop = 7960,
    #[rasn(identifier = "near-the-foothills")]
    NearTheFoothills = 7961,
    #[rasn(identifier = "at-high-altitudes")]
    AtHighAltitudes = 7962,
    #[rasn(identifier = "near-the-lake")]
    NearTheLake = 7963,
    #[rasn(identifier = "near-the-shore")]
    NearTheShore = 7964,
    #[rasn(identifier = "over-the-crest-of-a-hill")]
    OverTheCrestOfAHill = 7965,
    #[rasn(identifier = "other-than-on-the-roadway")]
    OtherThanOnTheRoadway = 7966,
    #[rasn(identifier = "near-the-beach")]
    NearTheBeach = 7967,
    #[rasn(identifier = "near-beach-access-point")]
    NearBeachAccessPoint = 7968,
    #[rasn(identifier = "lower-level")]
    LowerLevel = 7969,
    #[rasn(identifier = "upper-level")]
    UpperLevel = 7970,
    #[rasn(identifier = "airport")]
    Airport = 7971,
    #[rasn(identifier = "concourse")]
    Concourse = 7972,
    #[rasn(identifier = "gate")]
    Gate = 7973,
    #[rasn(identifier = "baggage-claim")]
    BaggageClaim = 7974,
    #[rasn(identifier = "customs-point")]
    CustomsPoint = 7975,
    #[rasn(identifier = "station")]
    Station = 7976,
    #[rasn(identifier = "platform")]
    Platform = 7977,
    #[rasn(identifier = "dock")]
    Dock = 7978,
    #[rasn(identifier = "depot")]
    Depot = 7979,
    #[rasn(identifier = "ev-charging-point")]
    EvChargingPoint = 7980,
    #[rasn(identifier = "information-welcome-point")]
    InformationWelcomePoint = 7981,
    #[rasn(identifier = "at-rest-area")]
    AtRestArea = 7982,
    #[rasn(identifier = "at-service-area")]
    AtServiceArea = 7983,
    #[rasn(identifier = "at-weigh-station")]
    AtWeighStation = 7984,
    #[rasn(identifier = "picnic-areas")]
    PicnicAreas = 7985,
    #[rasn(identifier = "rest-area")]
    RestArea = 7986,
    #[rasn(identifier = "service-stations")]
    ServiceStations = 7987,
    #[rasn(identifier = "toilets")]
    Toilets = 7988,
    #[rasn(identifier = "on-the-right")]
    OnTheRight = 7989,
    #[rasn(identifier = "on-the-left")]
    OnTheLeft = 7990,
    #[rasn(identifier = "in-the-center")]
    InTheCenter = 7991,
    #[rasn(identifier = "in-the-opposite-direction")]
    InTheOppositeDirection = 7992,
    #[rasn(identifier = "cross-traffic")]
    CrossTraffic = 7993,
    #[rasn(identifier = "northbound-traffic")]
    NorthboundTraffic = 7994,
    #[rasn(identifier = "eastbound-traffic")]
    EastboundTraffic = 7995,
    #[rasn(identifier = "southbound-traffic")]
    SouthboundTraffic = 7996,
    #[rasn(identifier = "westbound-traffic")]
    WestboundTraffic = 7997,
    #[rasn(identifier = "north")]
    North = 7998,
    #[rasn(identifier = "south")]
    South = 7999,
    #[rasn(identifier = "east")]
    East = 8000,
    #[rasn(identifier = "west")]
    West = 8001,
    #[rasn(identifier = "northeast")]
    Northeast = 8002,
    #[rasn(identifier = "northwest")]
    Northwest = 8003,
    #[rasn(identifier = "southeast")]
    Southeast = 8004,
    #[rasn(identifier = "southwest")]
    Southwest = 8005,
    #[rasn(identifier = "mountain-pass")]
    MountainPass = 8006,
    #[rasn(identifier = "reservation-center")]
    ReservationCenter = 8007,
    #[rasn(identifier = "nearby-basin")]
    NearbyBasin = 8008,
    #[rasn(identifier = "on-tracks")]
    OnTracks = 8009,
    #[rasn(identifier = "dip")]
    Dip = 8010,
    #[rasn(identifier = "traffic-circle")]
    TrafficCircle = 8011,
    #[rasn(identifier = "park-and-ride-lot")]
    ParkAndRideLot = 8012,
    #[rasn(identifier = "to")]
    To = 8014,
    #[rasn(identifier = "by")]
    By = 8015,
    #[rasn(identifier = "through")]
    Through = 8016,
    #[rasn(identifier = "area-of")]
    AreaOf = 8017,
    #[rasn(identifier = "under")]
    Under = 8018,
    #[rasn(identifier = "over")]
    Over = 8019,
    #[rasn(identifier = "from")]
    From = 8020,
    #[rasn(identifier = "approaching")]
    Approaching = 8021,
    #[rasn(identifier = "entering-at")]
    EnteringAt = 8022,
    #[rasn(identifier = "exiting-at")]
    ExitingAt = 8023,
    #[rasn(identifier = "across-tracks")]
    AcrossTracks = 8024,
    #[rasn(identifier = "in-street")]
    InStreet = 8025,
    #[rasn(identifier = "on-curve")]
    OnCurve = 8026,
    #[rasn(identifier = "shoulder")]
    Shoulder = 8027,
    #[rasn(identifier = "crossover")]
    Crossover = 8028,
    #[rasn(identifier = "cross-road")]
    CrossRoad = 8029,
    #[rasn(identifier = "side-road")]
    SideRoad = 8030,
    #[rasn(identifier = "bus-stop")]
    BusStop = 8031,
    #[rasn(identifier = "intersection")]
    Intersection = 8032,
    #[rasn(identifier = "roadside-park")]
    RoadsidePark = 8033,
}

/// ITIS incident response equipment (fire engines, tow trucks, snowplows, ...).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum IncidentResponseEquipment {
    #[rasn(identifier = "ground-fire-suppression")]
    GroundFireSuppression = 9985,
    #[rasn(identifier = "heavy-ground-equipment")]
    HeavyGroundEquipment = 9986,
    #[rasn(identifier = "aircraft")]
    Aircraft = 9988,
    #[rasn(identifier = "marine-equipment")]
    MarineEquipment = 9989,
    #[rasn(identifier = "support-equipment")]
    SupportEquipment = 9990,
    #[rasn(identifier = "medical-rescue-unit")]
    MedicalRescueUnit = 9991,
    #[rasn(identifier = "other")]
    Other = 9993,
    #[rasn(identifier = "ground-fire-suppression-other")]
    GroundFireSuppressionOther = 9994,
    #[rasn(identifier = "engine")]
    Engine = 9995,
    #[rasn(identifier = "truck-or-aerial")]
    TruckOrAerial = 9996,
    #[rasn(identifier = "quint")]
    Quint = 9997,
    #[rasn(identifier = "tanker-pumper-combination")]
    TankerPumperCombination = 9998,
    #[rasn(identifier = "brush-truck")]
    BrushTruck = 10000,
    #[rasn(identifier = "aircraft-rescue-firefighting")]
    AircraftRescueFirefighting = 10001,
    #[rasn(identifier = "heavy-ground-equipment-other")]
    HeavyGroundEquipmentOther = 10004,
    #[rasn(identifier = "dozer-or-plow")]
    DozerOrPlow = 10005,
    #[rasn(identifier = "tractor")]
    Tractor = 10006,
    #[rasn(identifier = "tanker-or-tender")]
    TankerOrTender = 10008,
    #[rasn(identifier = "aircraft-other")]
    AircraftOther = 10024,
    #[rasn(identifier = "aircraft-fixed-wing-tanker")]
    AircraftFixedWingTanker = 10025,
    #[rasn(identifier = "helitanker")]
    Helitanker = 10026,
    #[rasn(identifier = "helicopter")]
    Helicopter = 10027,
    #[rasn(identifier = "marine-equipment-other")]
    MarineEquipmentOther = 10034,
    #[rasn(identifier = "fire-boat-with-pump")]
    FireBoatWithPump = 10035,
    #[rasn(identifier = "boat-no-pump")]
    BoatNoPump = 10036,
    #[rasn(identifier = "support-apparatus-other")]
    SupportApparatusOther = 10044,
    #[rasn(identifier = "breathing-apparatus-support")]
    BreathingApparatusSupport = 10045,
    #[rasn(identifier = "light-and-air-unit")]
    LightAndAirUnit = 10046,
    #[rasn(identifier = "medical-rescue-unit-other")]
    MedicalRescueUnitOther = 10054,
    #[rasn(identifier = "rescue-unit")]
    RescueUnit = 10055,
    #[rasn(identifier = "urban-search-rescue-unit")]
    UrbanSearchRescueUnit = 10056,
    #[rasn(identifier = "high-angle-rescue")]
    HighAngleRescue = 10057,
    #[rasn(identifier = "crash-fire-rescue")]
    CrashFireRescue = 10058,
    #[rasn(identifier = "bLS-unit")]
    BLSUnit = 10059,
    #[rasn(identifier = "aLS-unit")]
    ALSUnit = 10060,
    #[rasn(identifier = "mobile-command-post")]
    MobileCommandPost = 10075,
    #[rasn(identifier = "chief-officer-car")]
    ChiefOfficerCar = 10076,
    #[rasn(identifier = "hAZMAT-unit")]
    HAZMATUnit = 10077,
    #[rasn(identifier = "type-i-hand-crew")]
    TypeIHandCrew = 10078,
    #[rasn(identifier = "type-ii-hand-crew")]
    TypeIiHandCrew = 10079,
    #[rasn(identifier = "privately-owned-vehicle")]
    PrivatelyOwnedVehicle = 10083,
    #[rasn(identifier = "other-apparatus-resource")]
    OtherApparatusResource = 10084,
    #[rasn(identifier = "ambulance")]
    Ambulance = 10085,
    #[rasn(identifier = "bomb-squad-van")]
    BombSquadVan = 10086,
    #[rasn(identifier = "combine-harvester")]
    CombineHarvester = 10087,
    #[rasn(identifier = "construction-vehicle")]
    ConstructionVehicle = 10088,
    #[rasn(identifier = "farm-tractor")]
    FarmTractor = 10089,
    #[rasn(identifier = "grass-cutting-machines")]
    GrassCuttingMachines = 10090,
    #[rasn(identifier = "hAZMAT-containment-tow")]
    HAZMATContainmentTow = 10091,
    #[rasn(identifier = "heavy-tow")]
    HeavyTow = 10092,
    #[rasn(identifier = "hedge-cutting-machines")]
    HedgeCuttingMachines = 10093,
    #[rasn(identifier = "light-tow")]
    LightTow = 10094,
    #[rasn(identifier = "mobile-crane")]
    MobileCrane = 10095,
    #[rasn(identifier = "refuse-collection-vehicle")]
    RefuseCollectionVehicle = 10096,
    #[rasn(identifier = "resurfacing-vehicle")]
    ResurfacingVehicle = 10097,
    #[rasn(identifier = "road-sweeper")]
    RoadSweeper = 10098,
    #[rasn(identifier = "roadside-litter-collection-crews")]
    RoadsideLitterCollectionCrews = 10099,
    #[rasn(identifier = "salvage-vehicle")]
    SalvageVehicle = 10100,
    #[rasn(identifier = "sand-truck")]
    SandTruck = 10101,
    #[rasn(identifier = "snowplow")]
    Snowplow = 10102,
    #[rasn(identifier = "steam-roller")]
    SteamRoller = 10103,
    #[rasn(identifier = "swat-team-van")]
    SwatTeamVan = 10104,
    #[rasn(identifier = "track-laying-vehicle")]
    TrackLayingVehicle = 10105,
    #[rasn(identifier = "unknown-vehicle")]
    UnknownVehicle = 10106,
    #[rasn(identifier = "white-lining-vehicle")]
    WhiteLiningVehicle = 10107,
    #[rasn(identifier = "dump-truck")]
    DumpTruck = 10108,
    #[rasn(identifier = "supervisor-vehicle")]
    SupervisorVehicle = 10109,
    #[rasn(identifier = "snow-blower")]
    SnowBlower = 10110,
    #[rasn(identifier = "rotary-snow-blower")]
    RotarySnowBlower = 10111,
    #[rasn(identifier = "road-grader")]
    RoadGrader = 10112,
    #[rasn(identifier = "steam-truck")]
    SteamTruck = 10113,
    #[rasn(identifier = "flatbed-tow")]
    FlatbedTow = 10114,
}

/// ITIS responder groups (police, ambulance, fire, tow units, ...).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum ResponderGroupAffected {
    #[rasn(identifier = "emergency-vehicle-units")]
    EmergencyVehicleUnits = 9729,
    #[rasn(identifier = "federal-law-enforcement-units")]
    FederalLawEnforcementUnits = 9730,
    #[rasn(identifier = "state-police-units")]
    StatePoliceUnits = 9731,
    #[rasn(identifier = "county-police-units")]
    CountyPoliceUnits = 9732,
    #[rasn(identifier = "local-police-units")]
    LocalPoliceUnits = 9733,
    #[rasn(identifier = "ambulance-units")]
    AmbulanceUnits = 9734,
    #[rasn(identifier = "rescue-units")]
    RescueUnits = 9735,
    #[rasn(identifier = "fire-units")]
    FireUnits = 9736,
    #[rasn(identifier = "hAZMAT-units")]
    HAZMATUnits = 9737,
    #[rasn(identifier = "light-tow-unit")]
    LightTowUnit = 9738,
    #[rasn(identifier = "heavy-tow-unit")]
    HeavyTowUnit = 9739,
    #[rasn(identifier = "freeway-service-patrols")]
    FreewayServicePatrols = 9740,
    #[rasn(identifier = "transportation-response-units")]
    TransportationResponseUnits = 9741,
    #[rasn(identifier = "private-contractor-response-units")]
    PrivateContractorResponseUnits = 9742,
}

/// ITIS groups of vehicles (cars, trucks, buses, hazardous loads, ...).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum VehicleGroupAffected {
    #[rasn(identifier = "all-vehicles")]
    AllVehicles = 9217,
    #[rasn(identifier = "bicycles")]
    Bicycles = 9218,
    #[rasn(identifier = "motorcycles")]
    Motorcycles = 9219,
    #[rasn(identifier = "cars")]
    Cars = 9220,
    #[rasn(identifier = "light-vehicles")]
    LightVehicles = 9221,
    #[rasn(identifier = "cars-and-light-vehicles")]
    CarsAndLightVehicles = 9222,
    #[rasn(identifier = "cars-with-trailers")]
    CarsWithTrailers = 9223,
    #[rasn(identifier = "cars-with-recreational-trailers")]
    CarsWithRecreationalTrailers = 9224,
    #[rasn(identifier = "vehicles-with-trailers")]
    VehiclesWithTrailers = 9225,
    #[rasn(identifier = "heavy-vehicles")]
    HeavyVehicles = 9226,
    #[rasn(identifier = "trucks")]
    Trucks = 9227,
    #[rasn(identifier = "buses")]
    Buses = 9228,
    #[rasn(identifier = "articulated-buses")]
    ArticulatedBuses = 9229,
    #[rasn(identifier = "school-buses")]
    SchoolBuses = 9230,
    #[rasn(identifier = "vehicles-with-semi-trailers")]
    VehiclesWithSemiTrailers = 9231,
    #[rasn(identifier = "vehicles-with-double-trailers")]
    VehiclesWithDoubleTrailers = 9232,
    #[rasn(identifier = "high-profile-vehicles")]
    HighProfileVehicles = 9233,
    #[rasn(identifier = "wide-vehicles")]
    WideVehicles = 9234,
    #[rasn(identifier = "long-vehicles")]
    LongVehicles = 9235,
    #[rasn(identifier = "hazardous-loads")]
    HazardousLoads = 9236,
    #[rasn(identifier = "exceptional-loads")]
    ExceptionalLoads = 9237,
    #[rasn(identifier = "abnormal-loads")]
    AbnormalLoads = 9238,
    #[rasn(identifier = "convoys")]
    Convoys = 9239,
    #[rasn(identifier = "maintenance-vehicles")]
    MaintenanceVehicles = 9240,
    #[rasn(identifier = "delivery-vehicles")]
    DeliveryVehicles = 9241,
    #[rasn(identifier = "vehicles-with-even-numbered-license-plates")]
    VehiclesWithEvenNumberedLicensePlates = 9242,
    #[rasn(identifier = "vehicles-with-odd-numbered-license-plates")]
    VehiclesWithOddNumberedLicensePlates = 9243,
    #[rasn(identifier = "vehicles-with-parking-permits")]
    VehiclesWithParkingPermits = 9244,
    #[rasn(identifier = "vehicles-with-catalytic-converters")]
    VehiclesWithCatalyticConverters = 9245,
    #[rasn(identifier = "vehicles-without-catalytic-converters")]
    VehiclesWithoutCatalyticConverters = 9246,
    #[rasn(identifier = "gas-powered-vehicles")]
    GasPoweredVehicles = 9247,
    #[rasn(identifier = "diesel-powered-vehicles")]
    DieselPoweredVehicles = 9248,
    #[rasn(identifier = "lPG-vehicles")]
    LPGVehicles = 9249,
    #[rasn(identifier = "military-convoys")]
    MilitaryConvoys = 9250,
    #[rasn(identifier = "military-vehicles")]
    MilitaryVehicles = 9251,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn sample_core() -> BSMcoreData {
        let mut wheel_brakes = BitString::repeat(false, 5);
        wheel_brakes.set(BrakeAppliedStatus::LEFT_FRONT, true);
        wheel_brakes.set(BrakeAppliedStatus::RIGHT_FRONT, true);
        BSMcoreData {
            msg_cnt: MsgCount(127),
            id: TemporaryID(FixedOctetString::from([0xde, 0xad, 0xbe, 0xef])),
            sec_mark: DSecond(59_999),
            lat: Latitude(-900_000_000),
            long: Longitude(1_800_000_001),
            elev: Elevation(-4095),
            accuracy: PositionalAccuracy {
                semi_major: SemiMajorAxisAccuracy(12),
                semi_minor: SemiMinorAxisAccuracy(7),
                orientation: SemiMajorAxisOrientation(1234),
            },
            transmission: TransmissionState::ForwardGears,
            speed: Speed(8191),
            heading: Heading(28_799),
            angle: SteeringWheelAngle(-126),
            accel_set: AccelerationSet4Way {
                long: Acceleration(-2000),
                lat: Acceleration::UNAVAILABLE,
                vert: VerticalAcceleration(127),
                yaw: YawRate(-32_767),
            },
            brakes: BrakeSystemStatus {
                wheel_brakes: BrakeAppliedStatus(wheel_brakes),
                traction: TractionControlStatus::Engaged,
                abs: AntiLockBrakeStatus::On,
                scs: StabilityControlStatus::Off,
                brake_boost: BrakeBoostApplied::On,
                aux_brakes: AuxiliaryBrakeStatus::Reserved,
            },
            size: VehicleSize {
                width: VehicleWidth(1023),
                length: VehicleLength(4095),
            },
        }
    }

    fn bits(len: usize, set: &[usize]) -> BitString {
        let mut b = BitString::repeat(false, len);
        for &i in set {
            b.set(i, true);
        }
        b
    }

    fn sample_safety() -> VehicleSafetyExtensions {
        let mut initial = FullPositionVector::new(Longitude(-1_050_000_000), Latitude(405_000_000));
        initial.heading = Some(Heading(100));
        let mut p1 = PathHistoryPoint::new(
            OffsetLLB18(-131_072),
            OffsetLLB18(131_071),
            VertOffsetB12::UNAVAILABLE,
            TimeOffset(1),
        );
        p1.speed = Some(Speed(500));
        p1.pos_accuracy = Some(PositionalAccuracy {
            semi_major: SemiMajorAxisAccuracy(255),
            semi_minor: SemiMinorAxisAccuracy(0),
            orientation: SemiMajorAxisOrientation(65_535),
        });
        p1.heading = Some(CoarseHeading::UNAVAILABLE);
        let p2 = PathHistoryPoint::new(
            OffsetLLB18(12),
            OffsetLLB18(-34),
            VertOffsetB12(2047),
            TimeOffset::UNAVAILABLE,
        );
        let mut history = PathHistory::new(PathHistoryPointList(vec![p1, p2]));
        history.initial_position = Some(initial);
        history.curr_gnss_status = Some(GNSSstatus(bits(8, &[GNSSstatus::IS_HEALTHY])));
        let mut ext = VehicleSafetyExtensions::new();
        ext.events = Some(VehicleEventFlags(bits(
            13,
            &[
                VehicleEventFlags::EVENT_HARD_BRAKING,
                VehicleEventFlags::EVENT_AIR_BAG_DEPLOYMENT,
            ],
        )));
        ext.path_history = Some(history);
        ext.path_prediction = Some(PathPrediction::new(
            RadiusOfCurvature::STRAIGHT,
            Confidence(200),
        ));
        ext.lights = Some(ExteriorLights(bits(
            9,
            &[
                ExteriorLights::LOW_BEAM_HEADLIGHTS_ON,
                ExteriorLights::PARKING_LIGHTS_ON,
            ],
        )));
        ext
    }

    fn sample_special() -> SpecialVehicleExtensions {
        let mut alerts = EmergencyDetails::new(
            SSPindex(0),
            SirenInUse::InUse,
            LightbarInUse::FreqStops,
            MultiVehicleResponse::MultiVehicle,
        );
        alerts.events = Some(PrivilegedEvents::new(
            SSPindex(0),
            PrivilegedEventFlags(bits(16, &[PrivilegedEventFlags::PE_EMERGENCY_RESPONSE])),
        ));
        alerts.response_type = Some(ResponseType::StopAndGoMovement);
        let mut description = EventDescription::new(ITIScodes(531));
        description.description = Some(vec![ITIScodes(0), ITIScodes(65_535)]);
        description.priority = Some(Priority(FixedOctetString::from([0x21])));
        description.heading = Some(HeadingSlice(bits(16, &[0, 15])));
        description.extent = Some(Extent::UseFor100meters);
        description.regional = Some(vec![RegionalExtension::new(RegionId(1), vec![0x00])]);
        let pivot =
            PivotPointDescription::new(OffsetB11(-1024), Angle(28_800), PivotingAllowed(true));
        let mut unit = TrailerUnitDescription::new(
            IsDolly(false),
            VehicleWidth(250),
            VehicleLength(1200),
            pivot,
            NodeXY24b {
                x: OffsetB12(-2048),
                y: OffsetB12(2047),
            },
        );
        unit.height = Some(VehicleHeight(80));
        unit.mass = Some(TrailerMass(255));
        unit.bumper_heights = Some(BumperHeights {
            front: BumperHeight(50),
            rear: BumperHeight(127),
        });
        unit.center_of_gravity = Some(VehicleHeight(30));
        unit.rear_pivot = Some(PivotPointDescription::new(
            OffsetB11(1023),
            Angle(0),
            PivotingAllowed(false),
        ));
        unit.rear_wheel_offset = Some(OffsetB12(-5));
        unit.elevation_offset = Some(VertOffsetB07::UNAVAILABLE);
        let mut crumb = TrailerHistoryPoint::new(
            Angle(14_400),
            TimeOffset(65_534),
            NodeXY24b {
                x: OffsetB12(1),
                y: OffsetB12(-1),
            },
        );
        crumb.elevation_offset = Some(VertOffsetB07(63));
        crumb.heading = Some(CoarseHeading(239));
        unit.crumb_data = Some(TrailerHistoryPointList(vec![crumb]));
        let mut ext = SpecialVehicleExtensions::new();
        ext.vehicle_alerts = Some(alerts);
        ext.description = Some(description);
        ext.trailers = Some(TrailerData::new(
            SSPindex(0),
            pivot,
            TrailerUnitDescriptionList(vec![unit]),
        ));
        ext
    }

    fn sample_supplemental() -> SupplementalVehicleExtensions {
        let mut class = VehicleClassification::new();
        class.key_type = Some(BasicVehicleClass::EMERGENCY_FIRE_HEAVY_VEHICLE);
        class.role = Some(BasicVehicleRole::Emergency);
        class.iso3883 = Some(Iso3833VehicleType(100));
        class.hpms_type = Some(VehicleType::Car);
        class.vehicle_type = Some(VehicleGroupAffected::LPGVehicles);
        class.response_equip = Some(IncidentResponseEquipment::FlatbedTow);
        class.responder_type = Some(ResponderGroupAffected::FireUnits);
        class.fuel_type = Some(FuelType::HYDROGEN);
        class.regional = Some(vec![RegionalExtension::new(RegionId(2), vec![0xab, 0xcd])]);
        let mut data = VehicleData::new();
        data.height = Some(VehicleHeight(38));
        data.bumpers = Some(BumperHeights {
            front: BumperHeight(0),
            rear: BumperHeight(1),
        });
        data.mass = Some(VehicleMass::UNAVAILABLE);
        data.trailer_weight = Some(TrailerWeight(64_255));
        let mut report = WeatherReport::new(EssPrecipYesNo::Precip);
        report.rain_rate = Some(EssPrecipRate(65_535));
        report.precip_situation = Some(EssPrecipSituation::FrozenPrecipitationHeavy);
        report.solar_radiation = Some(EssSolarRadiation(0));
        report.friction = Some(EssMobileFriction(101));
        report.road_friction = Some(CoefficientOfFriction(50));
        let mut probe = WeatherProbe::new();
        probe.air_temp = Some(AmbientAirTemperature::UNKNOWN);
        probe.air_pressure = Some(AmbientAirPressure(255));
        probe.rain_rates = Some(WiperSet {
            status_front: WiperStatus::AutomaticPresent,
            rate_front: WiperRate(127),
            status_rear: Some(WiperStatus::Unavailable),
            rate_rear: Some(WiperRate(0)),
        });
        let mut obstacle = ObstacleDetection::new(
            ObstacleDistance(32_767),
            ObstacleDirection(Angle(7200)),
            DDateTime {
                year: Some(DYear(2024)),
                second: Some(DSecond(1000)),
                ..Default::default()
            },
        );
        obstacle.description = Some(ITIScodes(523));
        obstacle.location_details = Some(GenericLocations::OnBridges);
        obstacle.vert_event = Some(VerticalAccelerationThreshold(bits(
            5,
            &[VerticalAccelerationThreshold::RIGHT_REAR],
        )));
        let mut status = DisabledVehicle::new(ITIScodes(541));
        status.location_details = Some(GenericLocations::InTheMedian);
        let mut rtcm = RTCMPackage::new(RTCMmessageList(vec![
            RTCMmessage(OctetString::from_static(&[0xd3, 0x00, 0x13])),
            RTCMmessage(OctetString::from(vec![0x55; 1023])),
        ]));
        rtcm.rtcm_header = Some(RTCMheader {
            status: GNSSstatus(bits(8, &[GNSSstatus::NETWORK_CORRECTIONS_PRESENT])),
            offset_set: AntennaOffsetSet {
                ant_offset_x: OffsetB12(-2048),
                ant_offset_y: OffsetB09(255),
                ant_offset_z: OffsetB10(-512),
            },
        });
        let mut ext = SupplementalVehicleExtensions::new();
        ext.classification = Some(BasicVehicleClass::TRANSIT_SCHOOL_BUS);
        ext.class_details = Some(class);
        ext.vehicle_data = Some(data);
        ext.weather_report = Some(report);
        ext.weather_probe = Some(probe);
        ext.obstacle = Some(obstacle);
        ext.status = Some(status);
        ext.speed_profile = Some(SpeedProfile::new(SpeedProfileMeasurementList(vec![
            SpeedProfileMeasurement(GrossSpeed(0)),
            SpeedProfileMeasurement(GrossSpeed::UNAVAILABLE),
        ])));
        ext.the_rtcm = Some(rtcm);
        ext.regional = Some(vec![RegionalExtension::new(
            RegionId(255),
            vec![0x01, 0x02],
        )]);
        ext
    }

    /// UPER and JER round trips of one value; returns its UPER bytes.
    fn round_trip<T: Encode + Decode + PartialEq + std::fmt::Debug>(value: &T) -> Vec<u8> {
        let bytes = rasn::uper::encode(value).unwrap();
        let back: T = rasn::uper::decode(&bytes).unwrap();
        assert_eq!(&back, value);
        assert_eq!(rasn::uper::encode(&back).unwrap(), bytes);
        let jer = rasn::jer::encode(value).unwrap();
        let back: T = rasn::jer::decode(&jer).unwrap();
        assert_eq!(&back, value, "JER round trip: {jer}");
        bytes
    }

    #[test]
    fn hand_made_bsm_with_all_part_ii_kinds() {
        let safety = sample_safety();
        let special = sample_special();
        let supplemental = sample_supplemental();
        let entries = vec![
            PartIIcontent::VehicleSafety(safety.clone()),
            PartIIcontent::SpecialVehicle(special.clone()),
            PartIIcontent::SupplementalVehicle(supplemental.clone()),
        ];
        for (entry, id) in entries.iter().zip(0u8..) {
            assert_eq!(entry.id(), PartIIId(id));
        }
        round_trip(&safety);
        round_trip(&special);
        round_trip(&supplemental);
        let mut bsm = BasicSafetyMessage::new(sample_core());
        bsm.part_ii = Some(entries);
        bsm.regional = Some(vec![RegionalExtension::new(RegionId(0), vec![0x80])]);
        let bytes = rasn::uper::encode(&bsm).unwrap();
        let back: BasicSafetyMessage = rasn::uper::decode(&bytes).unwrap();
        assert_eq!(back, bsm);
        let json = crate::jer::to_value(&bsm).unwrap();
        assert_eq!(json["partII"][1]["partII-Id"], 1);
        assert!(json["partII"][1]["partII-Value"].is_object());
        let back: BasicSafetyMessage = rasn::jer::decode(&json.to_string()).unwrap();
        assert_eq!(back, bsm);
        round_trip(&sample_core());
    }

    #[test]
    fn minimal_bsm_round_trip() {
        let bsm = BasicSafetyMessage::new(sample_core());
        let bytes = round_trip(&bsm);
        // No Part II, no regional: extension bit, two presence bits, then the core data.
        let core = rasn::uper::encode(&sample_core()).unwrap();
        assert_eq!(bytes.len(), core.len());
    }

    #[test]
    fn out_of_range_speed_is_refused() {
        assert!(rasn::uper::encode(&Speed(8192)).is_err());
        let mut core = sample_core();
        core.speed = Speed(8192);
        assert!(rasn::uper::encode(&BasicSafetyMessage::new(core)).is_err());
        assert!(rasn::uper::encode(&Speed(8191)).is_ok());
    }

    #[test]
    fn other_out_of_range_values_are_refused() {
        assert!(rasn::uper::encode(&TimeOffset(0)).is_err());
        assert!(rasn::uper::encode(&SteeringWheelAngle(-127)).is_err());
        assert!(rasn::uper::encode(&PathHistoryPointList(vec![])).is_err());
        assert!(rasn::uper::encode(&RTCMmessage(OctetString::from(vec![0; 1024]))).is_err());
        assert!(rasn::uper::encode(&BrakeAppliedStatus(BitString::repeat(false, 4))).is_err());
    }

    #[test]
    fn itis_subrange_of_disabled_vehicle() {
        // statusDetails is restricted to 523..=541: 19 values, 5 bits, offset from 523.
        let bytes = rasn::uper::encode(&DisabledVehicle::new(ITIScodes(523))).unwrap();
        assert_eq!(bytes, [0x00]);
        let bytes = rasn::uper::encode(&DisabledVehicle::new(ITIScodes(541))).unwrap();
        // extension bit 0, presence bit 0, then 18 in 5 bits.
        assert_eq!(bytes, [0b0010_0100]);
        assert!(rasn::uper::encode(&DisabledVehicle::new(ITIScodes(522))).is_err());
        assert!(rasn::uper::encode(&DisabledVehicle::new(ITIScodes(542))).is_err());
        let mut obstacle = ObstacleDetection::new(
            ObstacleDistance(1),
            ObstacleDirection(Angle(0)),
            DDateTime::default(),
        );
        obstacle.description = Some(ITIScodes(600));
        assert!(rasn::uper::encode(&obstacle).is_err());
    }

    #[test]
    fn itis_enumerations_are_indexed_in_value_order() {
        // PER numbers the root enumerations in ascending value order, not in the order the
        // standard lists them: on-bridges (7937) has index 0, roadside-park (8033, listed in
        // the middle) has the last index, 95.
        let encode = |g: GenericLocations| {
            let mut d = DisabledVehicle::new(ITIScodes(523));
            d.location_details = Some(g);
            rasn::uper::encode(&d).unwrap()
        };
        // ext bit, presence bit, 5 bits of status, the enum's ext bit, then a 7-bit index.
        assert_eq!(encode(GenericLocations::OnBridges), [0x40, 0x00]);
        assert_eq!(encode(GenericLocations::RoadsidePark), [0x40, 0b1011_1110]);
        let d: DisabledVehicle = rasn::uper::decode(&[0x40, 0b1011_1110]).unwrap();
        assert_eq!(d.location_details, Some(GenericLocations::RoadsidePark));
    }
}
