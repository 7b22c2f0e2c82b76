//! ETSI common data dictionary types (TS 102 894-2, "ITS-Container" v2) used here.

use rasn::prelude::*;

/// Longitude in 0.1 microdegree (TS 102 894-2): -1800000000..1800000001, 1800000001 =
/// unavailable. One lower than J2735's bound, which shifts every encoded value.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-1800000000..=1800000001"))]
pub struct Longitude(pub i32);
impl Longitude {
    pub const UNAVAILABLE: Self = Self(1800000001);
}

/// ISO 3833 vehicle type code (TS 102 894-2): 0..255, where J2735 allows 0..100.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct Iso3833VehicleType(pub u8);

/// Altitude above the WGS84 ellipsoid with its confidence (TS 102 894-2).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Altitude {
    #[rasn(identifier = "altitudeValue")]
    pub altitude_value: AltitudeValue,
    #[rasn(identifier = "altitudeConfidence")]
    pub altitude_confidence: AltitudeConfidence,
}

/// Altitude in cm (-100000..800001, 800001 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-100000..=800001"))]
pub struct AltitudeValue(pub i32);
impl AltitudeValue {
    pub const UNAVAILABLE: Self = Self(800001);
}

/// Accuracy class of an altitude (95 % confidence).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum AltitudeConfidence {
    #[rasn(identifier = "alt-000-01")]
    Alt000_01 = 0,
    #[rasn(identifier = "alt-000-02")]
    Alt000_02 = 1,
    #[rasn(identifier = "alt-000-05")]
    Alt000_05 = 2,
    #[rasn(identifier = "alt-000-10")]
    Alt000_10 = 3,
    #[rasn(identifier = "alt-000-20")]
    Alt000_20 = 4,
    #[rasn(identifier = "alt-000-50")]
    Alt000_50 = 5,
    #[rasn(identifier = "alt-001-00")]
    Alt001_00 = 6,
    #[rasn(identifier = "alt-002-00")]
    Alt002_00 = 7,
    #[rasn(identifier = "alt-005-00")]
    Alt005_00 = 8,
    #[rasn(identifier = "alt-010-00")]
    Alt010_00 = 9,
    #[rasn(identifier = "alt-020-00")]
    Alt020_00 = 10,
    #[rasn(identifier = "alt-050-00")]
    Alt050_00 = 11,
    #[rasn(identifier = "alt-100-00")]
    Alt100_00 = 12,
    #[rasn(identifier = "alt-200-00")]
    Alt200_00 = 13,
    #[rasn(identifier = "outOfRange")]
    OutOfRange = 14,
    #[rasn(identifier = "unavailable")]
    Unavailable = 15,
}

/// Altitude offset in cm (-12700..12800, 12800 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-12700..=12800"))]
pub struct DeltaAltitude(pub i16);

/// Latitude offset in 0.1 microdegree (-131071..131072, 131072 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-131071..=131072"))]
pub struct DeltaLatitude(pub i32);

/// Longitude offset in 0.1 microdegree (-131071..131072, 131072 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-131071..=131072"))]
pub struct DeltaLongitude(pub i32);

/// A position relative to a reference position.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DeltaReferencePosition {
    #[rasn(identifier = "deltaLatitude")]
    pub delta_latitude: DeltaLatitude,
    #[rasn(identifier = "deltaLongitude")]
    pub delta_longitude: DeltaLongitude,
    #[rasn(identifier = "deltaAltitude")]
    pub delta_altitude: DeltaAltitude,
}

/// ITS station identifier (0..4294967295); the same type as J2735's StationID.
pub use crate::j2735::StationID;

/// Latitude in 0.1 microdegree; the same range in the CDD and J2735.
pub use crate::j2735::Latitude;

/// Kind of ITS station (TS 102 894-2): 0..255, named values below.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct StationType(pub u8);
impl StationType {
    pub const UNKNOWN: Self = Self(0);
    pub const PEDESTRIAN: Self = Self(1);
    pub const CYCLIST: Self = Self(2);
    pub const MOPED: Self = Self(3);
    pub const MOTORCYCLE: Self = Self(4);
    pub const PASSENGER_CAR: Self = Self(5);
    pub const BUS: Self = Self(6);
    pub const LIGHT_TRUCK: Self = Self(7);
    pub const HEAVY_TRUCK: Self = Self(8);
    pub const TRAILER: Self = Self(9);
    pub const SPECIAL_VEHICLES: Self = Self(10);
    pub const TRAM: Self = Self(11);
    /// A roadside unit: what the RSU's own CAM carries.
    pub const ROAD_SIDE_UNIT: Self = Self(15);
}

/// Time in ms since 2004-01-01T00:00:00.000 UTC (TAI-based in TS 102 894-2), 42 bits.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=4398046511103"))]
pub struct TimestampIts(pub u64);

/// Length of a semi-axis of a position confidence ellipse in cm (4095 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=4095"))]
pub struct SemiAxisLength(pub u16);
impl SemiAxisLength {
    pub const UNAVAILABLE: Self = Self(4095);
}

/// Heading from north in 0.1 degree (3601 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=3601"))]
pub struct HeadingValue(pub u16);
impl HeadingValue {
    pub const UNAVAILABLE: Self = Self(3601);
}

/// Position confidence ellipse.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PosConfidenceEllipse {
    #[rasn(identifier = "semiMajorConfidence")]
    pub semi_major_confidence: SemiAxisLength,
    #[rasn(identifier = "semiMinorConfidence")]
    pub semi_minor_confidence: SemiAxisLength,
    #[rasn(identifier = "semiMajorOrientation")]
    pub semi_major_orientation: HeadingValue,
}

/// Position of an ITS station or event, with its confidence and altitude.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ReferencePosition {
    pub latitude: Latitude,
    pub longitude: Longitude,
    #[rasn(identifier = "positionConfidenceEllipse")]
    pub position_confidence_ellipse: PosConfidenceEllipse,
    pub altitude: Altitude,
}

impl ReferencePosition {
    /// A position without a confidence or altitude the sender can state: both ellipse axes
    /// and the orientation, and the altitude with its confidence, "unavailable".
    pub fn unknown_accuracy(latitude: Latitude, longitude: Longitude) -> Self {
        Self {
            latitude,
            longitude,
            position_confidence_ellipse: PosConfidenceEllipse {
                semi_major_confidence: SemiAxisLength::UNAVAILABLE,
                semi_minor_confidence: SemiAxisLength::UNAVAILABLE,
                semi_major_orientation: HeadingValue::UNAVAILABLE,
            },
            altitude: Altitude {
                altitude_value: AltitudeValue::UNAVAILABLE,
                altitude_confidence: AltitudeConfidence::Unavailable,
            },
        }
    }
}

/// Heading with its confidence (0.1 degree).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Heading {
    #[rasn(identifier = "headingValue")]
    pub heading_value: HeadingValue,
    #[rasn(identifier = "headingConfidence")]
    pub heading_confidence: HeadingConfidence,
}

/// Heading accuracy in 0.1 degree (1..127; 126 out of range, 127 unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=127"))]
pub struct HeadingConfidence(pub u8);

/// Speed with its confidence (cm/s).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Speed {
    #[rasn(identifier = "speedValue")]
    pub speed_value: SpeedValue,
    #[rasn(identifier = "speedConfidence")]
    pub speed_confidence: SpeedConfidence,
}

/// Speed in cm/s (16383 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=16383"))]
pub struct SpeedValue(pub u16);

/// Speed accuracy in cm/s (1..127; 126 out of range, 127 unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=127"))]
pub struct SpeedConfidence(pub u8);

/// Time between two path points in 10 ms (1..65535, extensible).
///
/// The inner type is an unconstrained [`Integer`] because rasn 0.30 intersects a delegate's
/// constraint with its inner type's, and the intersection with `u16`'s own 0..65535 drops the
/// extension marker (the value would then be encoded without its extension bit).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=65535", extensible))]
pub struct PathDeltaTime(pub Integer);
impl PathDeltaTime {
    /// A delta time in 10 ms steps.
    pub fn new(tens_of_ms: u16) -> Self {
        Self(Integer::from(tens_of_ms))
    }
}

/// Refuses an extensible INTEGER's value that no 64-bit integer holds, naming `path`.
///
/// X.691 carries a value outside the root range `lo..=hi` as an unconstrained integer of any
/// length. Real stacks do send small ones (the DENM vector has a pathDeltaTime outside
/// 1..65535), so those are kept; one beyond 64 bits has no meaning in these standards and
/// could not even be written as JER here, so the message is refused, as a value outside a
/// non-extensible range is.
pub(crate) fn check_root(
    value: &Integer,
    lo: i64,
    hi: i64,
    path: String,
) -> Result<(), crate::Error> {
    if i64::try_from(value.clone()).is_ok() {
        Ok(())
    } else {
        Err(crate::Error::Constraint {
            path,
            reason: format!("value beyond 64 bits (root range {lo}..={hi}, extensible)"),
        })
    }
}

/// [`check_root`] for every point of a path history at `path`.
pub(crate) fn check_path_history(history: &PathHistory, path: &str) -> Result<(), crate::Error> {
    for (i, point) in history.0.iter().enumerate() {
        if let Some(t) = &point.path_delta_time {
            check_root(&t.0, 1, 65_535, format!("{path}[{i}].pathDeltaTime"))?;
        }
    }
    Ok(())
}

/// One point of a path: its offset and, optionally, the time to the next.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PathPoint {
    #[rasn(identifier = "pathPosition")]
    pub path_position: DeltaReferencePosition,
    #[rasn(identifier = "pathDeltaTime")]
    pub path_delta_time: Option<PathDeltaTime>,
}

/// Up to 40 path points, newest first.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("0..=40"))]
pub struct PathHistory(pub SequenceOf<PathPoint>);

/// Cause and sub-cause of an event (TS 102 894-2 CauseCode).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CauseCode {
    #[rasn(identifier = "causeCode")]
    pub cause_code: CauseCodeType,
    #[rasn(identifier = "subCauseCode")]
    pub sub_cause_code: SubCauseCodeType,
}
impl CauseCode {
    /// A cause code from its two numbers.
    pub fn new(cause_code: CauseCodeType, sub_cause_code: SubCauseCodeType) -> Self {
        Self {
            cause_code,
            sub_cause_code,
        }
    }
}

/// Event cause (0..255; e.g. 3 roadworks, 99 dangerous situation).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct CauseCodeType(pub u8);
impl CauseCodeType {
    pub const ROADWORKS: Self = Self(3);
}

/// Event sub-cause, meaning per cause (0..255).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct SubCauseCodeType(pub u8);

/// Lane counted from the hard shoulder outwards (-1 off the road, 0 hard shoulder, 1..14).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-1..=14"))]
pub struct LanePosition(pub i8);

/// Light bar and siren activation (2 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("2"))]
pub struct LightBarSirenInUse(pub BitString);
impl LightBarSirenInUse {
    pub const LIGHT_BAR_ACTIVATED: usize = 0;
    pub const SIREN_ACTIVATED: usize = 1;
}

/// State of a hard shoulder.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum HardShoulderStatus {
    #[rasn(identifier = "availableForStopping")]
    AvailableForStopping = 0,
    #[rasn(identifier = "closed")]
    Closed = 1,
    #[rasn(identifier = "availableForDriving")]
    AvailableForDriving = 2,
}

/// Closed driving lanes, bit n for lane n (1..13 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=13"))]
pub struct DrivingLaneStatus(pub BitString);

/// Which lanes and hard shoulders are closed.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ClosedLanes {
    #[rasn(identifier = "innerhardShoulderStatus")]
    pub innerhard_shoulder_status: Option<HardShoulderStatus>,
    #[rasn(identifier = "outerhardShoulderStatus")]
    pub outerhard_shoulder_status: Option<HardShoulderStatus>,
    #[rasn(identifier = "drivingLaneStatus")]
    pub driving_lane_status: Option<DrivingLaneStatus>,
}

/// Speed limit in km/h (1..255).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=255"))]
pub struct SpeedLimit(pub u8);

/// Overtaking and lane rule in force.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum TrafficRule {
    #[rasn(identifier = "noPassing")]
    NoPassing = 0,
    #[rasn(identifier = "noPassingForTrucks")]
    NoPassingForTrucks = 1,
    #[rasn(identifier = "passToRight")]
    PassToRight = 2,
    #[rasn(identifier = "passToLeft")]
    PassToLeft = 3,
}

/// Dangerous goods class (ADR).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum DangerousGoodsBasic {
    #[rasn(identifier = "explosives1")]
    Explosives1 = 0,
    #[rasn(identifier = "explosives2")]
    Explosives2 = 1,
    #[rasn(identifier = "explosives3")]
    Explosives3 = 2,
    #[rasn(identifier = "explosives4")]
    Explosives4 = 3,
    #[rasn(identifier = "explosives5")]
    Explosives5 = 4,
    #[rasn(identifier = "explosives6")]
    Explosives6 = 5,
    #[rasn(identifier = "flammableGases")]
    FlammableGases = 6,
    #[rasn(identifier = "nonFlammableGases")]
    NonFlammableGases = 7,
    #[rasn(identifier = "toxicGases")]
    ToxicGases = 8,
    #[rasn(identifier = "flammableLiquids")]
    FlammableLiquids = 9,
    #[rasn(identifier = "flammableSolids")]
    FlammableSolids = 10,
    #[rasn(identifier = "substancesLiableToSpontaneousCombustion")]
    SubstancesLiableToSpontaneousCombustion = 11,
    #[rasn(identifier = "substancesEmittingFlammableGasesUponContactWithWater")]
    SubstancesEmittingFlammableGasesUponContactWithWater = 12,
    #[rasn(identifier = "oxidizingSubstances")]
    OxidizingSubstances = 13,
    #[rasn(identifier = "organicPeroxides")]
    OrganicPeroxides = 14,
    #[rasn(identifier = "toxicSubstances")]
    ToxicSubstances = 15,
    #[rasn(identifier = "infectiousSubstances")]
    InfectiousSubstances = 16,
    #[rasn(identifier = "radioactiveMaterial")]
    RadioactiveMaterial = 17,
    #[rasn(identifier = "corrosiveSubstances")]
    CorrosiveSubstances = 18,
    #[rasn(identifier = "miscellaneousDangerousSubstances")]
    MiscellaneousDangerousSubstances = 19,
}

/// Vehicle mass in 100 kg steps (1..1024, 1024 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=1024"))]
pub struct VehicleMass(pub u16);
