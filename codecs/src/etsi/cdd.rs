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
