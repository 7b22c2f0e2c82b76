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
