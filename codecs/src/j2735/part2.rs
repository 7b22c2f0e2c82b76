//! BSM Part II: the extension content keyed by `partII-Id`.

use super::*;

crate::open_type! {
    /// One Part II entry of a BSM; its `partII-Id` follows from the variant.
    ///
    /// Ids other than the three J2735 defines stay opaque (id and octets) and re-encode
    /// unchanged.
    pub enum PartIIcontent {
        extensible: false,
        id: "partII-Id" => PartIIId,
        value: "partII-Value",
        /// Id 0: path history and prediction, lights, event flags.
        VehicleSafety(VehicleSafetyExtensions) = 0,
        /// Id 1: emergency, transit and work-zone vehicle data.
        SpecialVehicle(SpecialVehicleExtensions) = 1,
        /// Id 2: classification, vehicle data, weather, obstacles.
        SupplementalVehicle(SupplementalVehicleExtensions) = 2,
    }
}
