//! BasicSafetyMessage (BSM): a vehicle's position, motion, brakes, size and class, with
//! optional safety (path history and prediction, events, lights) and emergency extensions.

use rasn::prelude::*;

use super::profile::{Mirrored, mirrored_codec};
use super::*;

/// The BSM message.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct BasicSafetyMessage {
    #[rasn(identifier = "msgCnt")]
    pub msg_cnt: MsgCount,
    /// The vehicle's temporary id.
    pub id: FixedOctetString<8>,
    #[rasn(identifier = "secMark")]
    pub sec_mark: DSecond,
    #[rasn(identifier = "timeConfidence")]
    pub time_confidence: Option<TimeConfidence>,
    pub pos: Position3D,
    #[rasn(identifier = "posAccuracy")]
    pub pos_accuracy: Option<PositionalAccuracy>,
    #[rasn(identifier = "posConfidence")]
    pub pos_confidence: Option<PositionConfidenceSet>,
    pub transmission: TransmissionState,
    pub speed: Speed,
    pub heading: Heading,
    pub angle: Option<SteeringWheelAngle>,
    #[rasn(identifier = "motionCfd")]
    pub motion_cfd: Option<MotionConfidenceSet>,
    #[rasn(identifier = "accelSet")]
    pub accel_set: AccelerationSet4Way,
    pub brakes: BrakeSystemStatus,
    pub size: VehicleSize,
    #[rasn(identifier = "vehicleClass")]
    pub vehicle_class: VehicleClassification,
    #[rasn(identifier = "safetyExt")]
    pub safety_ext: Option<VehicleSafetyExtensions>,
    #[rasn(identifier = "emergencyExt")]
    pub emergency_ext: Option<VehicleEmergencyExtensions>,
}
impl BasicSafetyMessage {
    /// A BSM with its mandatory fields.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        msg_cnt: MsgCount,
        id: [u8; 8],
        sec_mark: DSecond,
        pos: Position3D,
        transmission: TransmissionState,
        speed: Speed,
        heading: Heading,
        accel_set: AccelerationSet4Way,
        brakes: BrakeSystemStatus,
        size: VehicleSize,
        vehicle_class: VehicleClassification,
    ) -> Self {
        Self {
            msg_cnt,
            id: FixedOctetString::from(id),
            sec_mark,
            time_confidence: None,
            pos,
            pos_accuracy: None,
            pos_confidence: None,
            transmission,
            speed,
            heading,
            angle: None,
            motion_cfd: None,
            accel_set,
            brakes,
            size,
            vehicle_class,
            safety_ext: None,
            emergency_ext: None,
        }
    }
}

/// State of the brake system, each part optional.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct BrakeSystemStatus {
    /// Brake pedal (the standard's identifier is spelt `brakePadel`).
    #[rasn(identifier = "brakePadel")]
    pub brake_padel: Option<BrakePedalStatus>,
    #[rasn(identifier = "wheelBrakes")]
    pub wheel_brakes: Option<BrakeAppliedStatus>,
    pub traction: Option<TractionControlStatus>,
    pub abs: Option<AntiLockBrakeStatus>,
    pub scs: Option<StabilityControlStatus>,
    #[rasn(identifier = "brakeBoost")]
    pub brake_boost: Option<BrakeBoostApplied>,
    #[rasn(identifier = "auxBrakes")]
    pub aux_brakes: Option<AuxiliaryBrakeStatus>,
}

/// Generates an ENUMERATED of the brake family: the same first three items, more after.
macro_rules! status_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $n:literal $id:literal),* }) => {
        $(#[$m])*
        #[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[rasn(enumerated)]
        #[allow(missing_docs)]
        pub enum $name {
            $( #[rasn(identifier = $id)] $variant = $n, )*
        }
    };
}

status_enum! {
    /// Brake pedal state.
    BrakePedalStatus { Unavailable = 0 "unavailable", Off = 1 "off", On = 2 "on" }
}
status_enum! {
    /// Brake boost state.
    BrakeBoostApplied { Unavailable = 0 "unavailable", Off = 1 "off", On = 2 "on" }
}
status_enum! {
    /// Traction control state.
    TractionControlStatus {
        Unavailable = 0 "unavailable", Off = 1 "off", On = 2 "on", Engaged = 3 "engaged"
    }
}
status_enum! {
    /// Anti-lock brake state.
    AntiLockBrakeStatus {
        Unavailable = 0 "unavailable", Off = 1 "off", On = 2 "on", Engaged = 3 "engaged"
    }
}
status_enum! {
    /// Stability control state.
    StabilityControlStatus {
        Unavailable = 0 "unavailable", Off = 1 "off", On = 2 "on", Engaged = 3 "engaged"
    }
}
status_enum! {
    /// Auxiliary brake state.
    AuxiliaryBrakeStatus {
        Unavailable = 0 "unavailable", Off = 1 "off", On = 2 "on", Reserved = 3 "reserved"
    }
}

/// Which wheels brake (5 bits: unavailable, left front, left rear, right front, right rear).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("5"))]
pub struct BrakeAppliedStatus(pub BitString);

/// Safety extensions: event flags, path history, path prediction and exterior lights.
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

/// Vehicle events (13 bits, size extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("13", extensible))]
pub struct VehicleEventFlags(pub BitString);

/// Exterior lights that are on (9 bits, size extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("9", extensible))]
pub struct ExteriorLights(pub BitString);

/// Where the vehicle has been: an optional full start position and 1..23 recent points.
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
    /// A path history of `crumb_data` only.
    pub fn new(crumb_data: PathHistoryPointList) -> Self {
        Self {
            initial_position: None,
            curr_gnss_status: None,
            crumb_data,
        }
    }
}

/// A complete position report.
///
/// The profiles differ here: csae53-2020 has `posAccuracy` (a [`PositionalAccuracy`]
/// ellipse) and `posConficence` (a [`PositionConfidenceSet`], the standard's spelling);
/// ydt3709-2020 has only `posAccuracy`, of type [`PositionConfidenceSet`]. The confidence set
/// is `pos_confidence` under both; `pos_accuracy` exists only in csae53-2020 and is refused
/// when encoded under ydt3709-2020.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FullPositionVector {
    pub utc_time: Option<DDateTime>,
    pub pos: Position3D,
    pub heading: Option<Heading>,
    pub transmission: Option<TransmissionState>,
    pub speed: Option<Speed>,
    pub pos_accuracy: Option<PositionalAccuracy>,
    pub pos_confidence: Option<PositionConfidenceSet>,
    pub time_confidence: Option<TimeConfidence>,
    pub motion_cfd: Option<MotionConfidenceSet>,
}
impl FullPositionVector {
    /// A position report of `pos` alone.
    pub fn new(pos: Position3D) -> Self {
        Self {
            utc_time: None,
            pos,
            heading: None,
            transmission: None,
            speed: None,
            pos_accuracy: None,
            pos_confidence: None,
            time_confidence: None,
            motion_cfd: None,
        }
    }
}

/// FullPositionVector on the wire in csae53-2020.
#[derive(AsnType, Encode, Decode)]
#[rasn(automatic_tags, identifier = "FullPositionVector")]
#[non_exhaustive]
pub(crate) struct FullPositionVectorCsae {
    #[rasn(identifier = "utcTime")]
    utc_time: Option<DDateTime>,
    pos: Position3D,
    heading: Option<Heading>,
    transmission: Option<TransmissionState>,
    speed: Option<Speed>,
    #[rasn(identifier = "posAccuracy")]
    pos_accuracy: Option<PositionalAccuracy>,
    #[rasn(identifier = "posConficence")]
    pos_confidence: Option<PositionConfidenceSet>,
    #[rasn(identifier = "timeConfidence")]
    time_confidence: Option<TimeConfidence>,
    #[rasn(identifier = "motionCfd")]
    motion_cfd: Option<MotionConfidenceSet>,
}

/// FullPositionVector on the wire in ydt3709-2020.
#[derive(AsnType, Encode, Decode)]
#[rasn(automatic_tags, identifier = "FullPositionVector")]
#[non_exhaustive]
pub(crate) struct FullPositionVectorYdt {
    #[rasn(identifier = "utcTime")]
    utc_time: Option<DDateTime>,
    pos: Position3D,
    heading: Option<Heading>,
    transmission: Option<TransmissionState>,
    speed: Option<Speed>,
    #[rasn(identifier = "posAccuracy")]
    pos_confidence: Option<PositionConfidenceSet>,
    #[rasn(identifier = "timeConfidence")]
    time_confidence: Option<TimeConfidence>,
    #[rasn(identifier = "motionCfd")]
    motion_cfd: Option<MotionConfidenceSet>,
}

impl Mirrored for FullPositionVector {
    type Csae = FullPositionVectorCsae;
    type Ydt = FullPositionVectorYdt;
    fn to_csae(&self) -> Result<FullPositionVectorCsae, &'static str> {
        Ok(FullPositionVectorCsae {
            utc_time: self.utc_time,
            pos: self.pos,
            heading: self.heading,
            transmission: self.transmission,
            speed: self.speed,
            pos_accuracy: self.pos_accuracy,
            pos_confidence: self.pos_confidence,
            time_confidence: self.time_confidence,
            motion_cfd: self.motion_cfd,
        })
    }
    fn to_ydt(&self) -> Result<FullPositionVectorYdt, &'static str> {
        if self.pos_accuracy.is_some() {
            return Err("FullPositionVector has no PositionalAccuracy ellipse");
        }
        Ok(FullPositionVectorYdt {
            utc_time: self.utc_time,
            pos: self.pos,
            heading: self.heading,
            transmission: self.transmission,
            speed: self.speed,
            pos_confidence: self.pos_confidence,
            time_confidence: self.time_confidence,
            motion_cfd: self.motion_cfd,
        })
    }
    fn from_csae(m: FullPositionVectorCsae) -> Self {
        Self {
            utc_time: m.utc_time,
            pos: m.pos,
            heading: m.heading,
            transmission: m.transmission,
            speed: m.speed,
            pos_accuracy: m.pos_accuracy,
            pos_confidence: m.pos_confidence,
            time_confidence: m.time_confidence,
            motion_cfd: m.motion_cfd,
        }
    }
    fn from_ydt(m: FullPositionVectorYdt) -> Self {
        Self {
            utc_time: m.utc_time,
            pos: m.pos,
            heading: m.heading,
            transmission: m.transmission,
            speed: m.speed,
            pos_accuracy: None,
            pos_confidence: m.pos_confidence,
            time_confidence: m.time_confidence,
            motion_cfd: m.motion_cfd,
        }
    }
}
mirrored_codec!(FullPositionVector);

/// GNSS receiver status flags (8 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("8"))]
pub struct GNSSstatus(pub BitString);

/// 1 to 23 path history points, newest first.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=23"))]
pub struct PathHistoryPointList(pub SequenceOf<PathHistoryPoint>);

/// One path history point relative to the current position and time.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PathHistoryPoint {
    #[rasn(identifier = "llvOffset")]
    pub llv_offset: PositionOffsetLLV,
    #[rasn(identifier = "timeOffset")]
    pub time_offset: TimeOffset,
    pub speed: Option<Speed>,
    #[rasn(identifier = "posAccuracy")]
    pub pos_accuracy: Option<PositionConfidenceSet>,
    pub heading: Option<CoarseHeading>,
}
impl PathHistoryPoint {
    /// A point with offset and time only.
    pub fn new(llv_offset: PositionOffsetLLV, time_offset: TimeOffset) -> Self {
        Self {
            llv_offset,
            time_offset,
            speed: None,
            pos_accuracy: None,
            heading: None,
        }
    }
}

/// Predicted path: radius of curvature and confidence.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PathPrediction {
    #[rasn(identifier = "radiusOfCurve")]
    pub radius_of_curve: RadiusOfCurvature,
    pub confidence: Confidence,
}
impl PathPrediction {
    /// A prediction.
    pub fn new(radius_of_curve: RadiusOfCurvature, confidence: Confidence) -> Self {
        Self {
            radius_of_curve,
            confidence,
        }
    }
}

/// Radius of curvature in 10 cm, positive to the right (32767 = straight).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-32767..=32767"))]
pub struct RadiusOfCurvature(pub i16);

/// Emergency vehicle extensions: response type, siren and light bar.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct VehicleEmergencyExtensions {
    #[rasn(identifier = "responseType")]
    pub response_type: Option<ResponseType>,
    #[rasn(identifier = "sirenUse")]
    pub siren_use: Option<SirenInUse>,
    #[rasn(identifier = "lightsUse")]
    pub lights_use: Option<LightbarInUse>,
}

/// Kind of emergency response: J2735's type.
pub use crate::j2735::ResponseType;

status_enum! {
    /// Siren state.
    SirenInUse {
        Unavailable = 0 "unavailable", NotInUse = 1 "notInUse", InUse = 2 "inUse",
        Reserved = 3 "reserved"
    }
}

status_enum! {
    /// Light bar state.
    LightbarInUse {
        Unavailable = 0 "unavailable", NotInUse = 1 "notInUse", InUse = 2 "inUse",
        YellowCautionLights = 3 "yellowCautionLights", SchooldBusLights = 4 "schooldBusLights",
        ArrowSignsActive = 5 "arrowSignsActive", SlowMovingVehicle = 6 "slowMovingVehicle",
        FreqStops = 7 "freqStops"
    }
}
