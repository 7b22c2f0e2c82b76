//! BSM Part II content.
//!
//! TEMPORARY raw form: the entry's id and its value as undecoded bytes (an open type). The lead
//! replaces this with a typed enum keyed by the id; until then decode `part_ii_value.as_bytes()`
//! with UPER as [`VehicleSafetyExtensions`] (id 0), [`SpecialVehicleExtensions`] (id 1) or
//! [`SupplementalVehicleExtensions`] (id 2).

use rasn::prelude::*;

use super::*;

/// One Part II entry of a BSM: which kind it is and its encoded value.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(automatic_tags)]
pub struct PartIIcontent {
    #[rasn(identifier = "partII-Id")]
    pub part_ii_id: PartIIId,
    #[rasn(identifier = "partII-Value")]
    pub part_ii_value: Any,
}
