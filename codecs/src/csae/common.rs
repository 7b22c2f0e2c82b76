//! Data elements shared by the CSAE 53 messages: time, position, offsets, motion and the
//! node references that tie MAP, SPAT and RSI together.

use rasn::prelude::*;

use super::profile::{DHour, DTimeOffset};

/// Message sequence number, 0..127, incremented per message of a kind.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=127"))]
pub struct MsgCount(pub u8);

/// Milliseconds within the current UTC minute, 0..65535 (60000+ is used for leap seconds and
/// "unknown").
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=65535"))]
pub struct DSecond(pub u16);

/// Calendar year, 0..4095 (0 = unknown).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=4095"))]
pub struct DYear(pub u16);

/// Month, 1..12 (0 = unknown).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=12"))]
pub struct DMonth(pub u8);

/// Day of the month, 1..31 (0 = unknown).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=31"))]
pub struct DDay(pub u8);

/// Minute of the hour, 0..59 (60 = unknown).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=60"))]
pub struct DMinute(pub u8);

/// A UTC date and time whose parts may each be left out (used in a path history's start).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct DDateTime {
    pub year: Option<DYear>,
    pub month: Option<DMonth>,
    pub day: Option<DDay>,
    /// Hour; its range is one of the profile differences (see [`DHour`]).
    pub hour: Option<DHour>,
    pub minute: Option<DMinute>,
    pub second: Option<DSecond>,
    /// Time zone offset in minutes; its range is a profile difference (see [`DTimeOffset`]).
    pub offset: Option<DTimeOffset>,
}

/// Minute of the UTC year, 0..527039 (527040 = invalid).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=527040"))]
pub struct MinuteOfTheYear(pub u32);
impl MinuteOfTheYear {
    /// The value that says "not valid".
    pub const INVALID: Self = Self(527040);
}

/// A time in tenths of a second: relative in `counting`, within the UTC hour in `utcTiming`.
/// 36000 means more than an hour, 36001 unknown.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=36001"))]
pub struct TimeMark(pub u16);
impl TimeMark {
    /// More than an hour away.
    pub const MORE_THAN_AN_HOUR: Self = Self(36000);
    /// Not known.
    pub const UNKNOWN: Self = Self(36001);
}

/// Time since a path history point, in 10 ms units, 1..65535.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=65535"))]
pub struct TimeOffset(pub u16);

/// Accuracy of a time value, from unavailable (0) down to better than 10 ps (39): the same
/// type as J2735's, so one definition serves both.
pub use crate::j2735::TimeConfidence;

/// Latitude in 0.1 microdegree, -900000000..900000000 (900000001 = unavailable).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-900000000..=900000001"))]
pub struct Latitude(pub i32);

/// Longitude in 0.1 microdegree, -1799999999..1800000000 (1800000001 = unavailable).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-1799999999..=1800000001"))]
pub struct Longitude(pub i32);

/// Elevation in 0.1 m, -4095..61439 (-4096 = unknown).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-4096..=61439"))]
pub struct Elevation(pub i32);

/// An absolute position: latitude, longitude and, optionally, elevation.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct Position3D {
    pub lat: Latitude,
    pub long: Longitude,
    pub elevation: Option<Elevation>,
}

/// Horizontal position accuracy class (0 unavailable, then 500 m down to 1 cm): J2735's type.
pub use crate::j2735::PositionConfidence;

/// Vertical position accuracy class (0 unavailable, then 500 m down to 1 cm): J2735's type.
pub use crate::j2735::ElevationConfidence;

/// Position accuracy as two classes: horizontal and, optionally, vertical.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PositionConfidenceSet {
    pub pos: PositionConfidence,
    pub elevation: Option<ElevationConfidence>,
}

/// Semi-major axis of the error ellipse, 0.05 m steps (255 = unavailable).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=255"))]
pub struct SemiMajorAxisAccuracy(pub u8);

/// Semi-minor axis of the error ellipse, 0.05 m steps (255 = unavailable).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=255"))]
pub struct SemiMinorAxisAccuracy(pub u8);

/// Orientation of the semi-major axis from north, 360/65535 degree steps.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=65535"))]
pub struct SemiMajorAxisOrientation(pub u16);

/// Position accuracy as an error ellipse (one standard deviation).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PositionalAccuracy {
    #[rasn(identifier = "semiMajor")]
    pub semi_major: SemiMajorAxisAccuracy,
    #[rasn(identifier = "semiMinor")]
    pub semi_minor: SemiMinorAxisAccuracy,
    pub orientation: SemiMajorAxisOrientation,
}

/// A 12-bit lat/lon offset in 0.1 microdegree.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-2048..=2047"))]
pub struct OffsetLLB12(pub i16);

/// A 14-bit lat/lon offset in 0.1 microdegree.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-8192..=8191"))]
pub struct OffsetLLB14(pub i16);

/// A 16-bit lat/lon offset in 0.1 microdegree.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-32768..=32767"))]
pub struct OffsetLLB16(pub i16);

/// An 18-bit lat/lon offset in 0.1 microdegree.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-131072..=131071"))]
pub struct OffsetLLB18(pub i32);

/// A 22-bit lat/lon offset in 0.1 microdegree.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-2097152..=2097151"))]
pub struct OffsetLLB22(pub i32);

/// A 24-bit lat/lon offset in 0.1 microdegree.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-8388608..=8388607"))]
pub struct OffsetLLB24(pub i32);

/// Generates the six lat/lon offset pairs, which differ only in their offset type.
macro_rules! offset_pairs {
    ($($(#[$m:meta])* $name:ident($off:ident);)*) => {$(
        $(#[$m])*
        #[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[rasn(automatic_tags)]
        pub struct $name {
            pub lon: $off,
            pub lat: $off,
        }
    )*};
}

offset_pairs! {
    /// Lon/lat offset of 2 x 12 bits (about ±22 m).
    PositionLL24B(OffsetLLB12);
    /// Lon/lat offset of 2 x 14 bits (about ±90 m).
    PositionLL28B(OffsetLLB14);
    /// Lon/lat offset of 2 x 16 bits (about ±357 m).
    PositionLL32B(OffsetLLB16);
    /// Lon/lat offset of 2 x 18 bits (about ±1.4 km).
    PositionLL36B(OffsetLLB18);
    /// Lon/lat offset of 2 x 22 bits (about ±23 km).
    PositionLL44B(OffsetLLB22);
    /// Lon/lat offset of 2 x 24 bits (about ±92 km).
    PositionLL48B(OffsetLLB24);
}

/// An absolute longitude and latitude where an offset would not fit.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct PositionLLmD64b {
    pub lon: Longitude,
    pub lat: Latitude,
}

/// A horizontal position relative to a reference point, in the smallest form that fits, or
/// absolute.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[allow(missing_docs)]
pub enum PositionOffsetLL {
    #[rasn(identifier = "position-LL1")]
    PositionLL1(PositionLL24B),
    #[rasn(identifier = "position-LL2")]
    PositionLL2(PositionLL28B),
    #[rasn(identifier = "position-LL3")]
    PositionLL3(PositionLL32B),
    #[rasn(identifier = "position-LL4")]
    PositionLL4(PositionLL36B),
    #[rasn(identifier = "position-LL5")]
    PositionLL5(PositionLL44B),
    #[rasn(identifier = "position-LL6")]
    PositionLL6(PositionLL48B),
    #[rasn(identifier = "position-LatLon")]
    PositionLatLon(PositionLLmD64b),
}

/// A 7-bit vertical offset in 0.1 m.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-64..=63"))]
pub struct VertOffsetB07(pub i8);

/// An 8-bit vertical offset in 0.1 m.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-128..=127"))]
pub struct VertOffsetB08(pub i8);

/// A 9-bit vertical offset in 0.1 m.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-256..=255"))]
pub struct VertOffsetB09(pub i16);

/// A 10-bit vertical offset in 0.1 m.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-512..=511"))]
pub struct VertOffsetB10(pub i16);

/// An 11-bit vertical offset in 0.1 m.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-1024..=1023"))]
pub struct VertOffsetB11(pub i16);

/// A 12-bit vertical offset in 0.1 m.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-2048..=2047"))]
pub struct VertOffsetB12(pub i16);

/// A vertical position relative to a reference point, in the smallest form that fits, or an
/// absolute elevation.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[allow(missing_docs)]
pub enum VerticalOffset {
    #[rasn(identifier = "offset1")]
    Offset1(VertOffsetB07),
    #[rasn(identifier = "offset2")]
    Offset2(VertOffsetB08),
    #[rasn(identifier = "offset3")]
    Offset3(VertOffsetB09),
    #[rasn(identifier = "offset4")]
    Offset4(VertOffsetB10),
    #[rasn(identifier = "offset5")]
    Offset5(VertOffsetB11),
    #[rasn(identifier = "offset6")]
    Offset6(VertOffsetB12),
    #[rasn(identifier = "elevation")]
    Elevation(Elevation),
}

/// A position relative to a reference point: horizontal offset and optional vertical offset.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PositionOffsetLLV {
    #[rasn(identifier = "offsetLL")]
    pub offset_ll: PositionOffsetLL,
    #[rasn(identifier = "offsetV")]
    pub offset_v: Option<VerticalOffset>,
}

/// Speed in 0.02 m/s, 0..8190 (8191 = unavailable).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=8191"))]
pub struct Speed(pub u16);

/// Heading from north, clockwise, in 0.0125 degree (28800 = unavailable).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=28800"))]
pub struct Heading(pub u16);

/// Heading in 1.5 degree steps (240 = unavailable).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=240"))]
pub struct CoarseHeading(pub u8);

/// Steering wheel angle in 1.5 degree steps, positive to the right (127 = unavailable).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-126..=127"))]
pub struct SteeringWheelAngle(pub i8);

/// Accuracy class of a speed: J2735's type.
pub use crate::j2735::SpeedConfidence;

/// Accuracy class of a heading.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[allow(missing_docs)]
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
    Prec01Deg = 4,
    #[rasn(identifier = "prec0-05deg")]
    Prec005deg = 5,
    #[rasn(identifier = "prec0-01deg")]
    Prec001deg = 6,
    #[rasn(identifier = "prec0-0125deg")]
    Prec00125deg = 7,
}

/// Accuracy class of a steering wheel angle.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[allow(missing_docs)]
pub enum SteeringWheelAngleConfidence {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "prec2deg")]
    Prec2deg = 1,
    #[rasn(identifier = "prec1deg")]
    Prec1deg = 2,
    #[rasn(identifier = "prec0-02deg")]
    Prec002deg = 3,
}

/// Accuracy of speed, heading and steering angle, each optional.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct MotionConfidenceSet {
    #[rasn(identifier = "speedCfd")]
    pub speed_cfd: Option<SpeedConfidence>,
    #[rasn(identifier = "headingCfd")]
    pub heading_cfd: Option<HeadingConfidence>,
    #[rasn(identifier = "steerCfd")]
    pub steer_cfd: Option<SteeringWheelAngleConfidence>,
}

/// Acceleration in 0.01 m/s², -2000..2000 (2001 = unavailable).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-2000..=2001"))]
pub struct Acceleration(pub i16);

/// Vertical acceleration in 0.02 g, -127..127 (-127 = unavailable).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-127..=127"))]
pub struct VerticalAcceleration(pub i8);

/// Yaw rate in 0.01 degree/s, positive clockwise.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("-32767..=32767"))]
pub struct YawRate(pub i16);

/// Accelerations along the three axes and the yaw rate.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct AccelerationSet4Way {
    pub long: Acceleration,
    pub lat: Acceleration,
    pub vert: VerticalAcceleration,
    pub yaw: YawRate,
}

/// Free text name, 1 to 63 IA5 characters.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=63"))]
pub struct DescriptiveName(pub Ia5String);

/// Road regulator (region) id, 0..65535.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=65535"))]
pub struct RoadRegulatorID(pub u16);

/// Node (intersection or road end) id within its region, 0..65535.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=65535"))]
pub struct NodeID(pub u16);

/// A node's id, globally unique with its optional region: the SPAT intersectionId and the
/// MAP node id name the same intersection.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct NodeReferenceID {
    pub region: Option<RoadRegulatorID>,
    pub id: NodeID,
}

/// A confidence in 0.5 % steps, 0..200.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=200"))]
pub struct Confidence(pub u8);

/// Signal phase id, 0..255 (0 = unknown); links MAP movements to SPAT phases.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=255"))]
pub struct PhaseID(pub u8);

/// Vehicle gear state: J2735's type.
pub use crate::j2735::TransmissionState;

/// Vehicle width in cm, 0..1023.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=1023"))]
pub struct VehicleWidth(pub u16);

/// Vehicle length in cm, 0..4095.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=4095"))]
pub struct VehicleLength(pub u16);

/// Vehicle height in 5 cm steps, 0..127.
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=127"))]
pub struct VehicleHeight(pub u8);

/// Size of a vehicle or other participant.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct VehicleSize {
    pub width: VehicleWidth,
    pub length: VehicleLength,
    pub height: Option<VehicleHeight>,
}

/// Basic vehicle class code, 0..255 (10 passenger car, 60..69 emergency, 82 pedestrian ...).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=255"))]
pub struct BasicVehicleClass(pub u8);
impl BasicVehicleClass {
    /// Unknown.
    pub const UNKNOWN: Self = Self(0);
    /// Passenger vehicle, type unknown.
    pub const PASSENGER_VEHICLE_TYPE_UNKNOWN: Self = Self(10);
    /// Pedestrian.
    pub const OTHER_TRAVELER_PEDESTRIAN: Self = Self(82);
}

/// Fuel type code, 0..15 (0 unknown, 1 gasoline, 3 diesel, 4 electric, 5 hybrid ...).
#[derive(
    AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[rasn(delegate, value("0..=15"))]
pub struct FuelType(pub u8);

/// Vehicle classification: class and optionally fuel type.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct VehicleClassification {
    pub classification: BasicVehicleClass,
    #[rasn(identifier = "fuelType")]
    pub fuel_type: Option<FuelType>,
}
impl VehicleClassification {
    /// A classification without fuel type.
    pub fn new(classification: BasicVehicleClass) -> Self {
        Self {
            classification,
            fuel_type: None,
        }
    }
}
