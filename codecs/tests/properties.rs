//! Property tests: any value the encoder accepts decodes to itself, in UPER and in JER.
//!
//! Values come from `rsu_codecs::random`, which draws every field within its type's
//! constraints; proptest supplies the seeds and keeps failing ones for regression.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rsu_codecs::j2735::{BasicSafetyMessage, MapData, MessageFrame, PartIIcontent, SPAT};
use rsu_codecs::random::{RandomOptions, random_value};

fn round_trip(frame: MessageFrame) -> Result<(), TestCaseError> {
    let bytes = frame
        .encode()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let (back, used) =
        MessageFrame::decode(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(used, bytes.len());
    prop_assert_eq!(&back, &frame);
    let json = frame
        .to_jer()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let from_json = MessageFrame::from_jer(&json.to_string())
        .map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
    prop_assert_eq!(&from_json, &frame);
    Ok(())
}

fn options() -> RandomOptions {
    RandomOptions::default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn spat_round_trips(seed in any::<u64>()) {
        let spat: SPAT = random_value(seed, options()).unwrap();
        round_trip(MessageFrame::SPAT(Box::new(spat)))?;
    }

    #[test]
    fn map_round_trips(seed in any::<u64>()) {
        let map: MapData = random_value(seed, options()).unwrap();
        round_trip(MessageFrame::MapData(Box::new(map)))?;
    }

    #[test]
    fn bsm_with_typed_part_ii_round_trips(seed in any::<u64>()) {
        let mut bsm: BasicSafetyMessage = random_value(seed, options()).unwrap();
        // The generator picks Part II ids at random (mostly unknown ones); put one of each
        // known extension in too, so the typed open type is exercised every time.
        let mut part_ii = bsm.part_ii.take().unwrap_or_default();
        part_ii.truncate(5);
        part_ii.push(PartIIcontent::VehicleSafety(random_value(seed ^ 1, options()).unwrap()));
        part_ii.push(PartIIcontent::SpecialVehicle(random_value(seed ^ 2, options()).unwrap()));
        part_ii.push(PartIIcontent::SupplementalVehicle(random_value(seed ^ 3, options()).unwrap()));
        bsm.part_ii = Some(part_ii);
        round_trip(MessageFrame::BasicSafetyMessage(Box::new(bsm)))?;
    }
}

/// The same property for ETSI messages: header included, UPER and JER.
fn etsi_round_trip(message: rsu_codecs::etsi::EtsiMessage) -> Result<(), TestCaseError> {
    use rsu_codecs::etsi::EtsiMessage;
    let bytes = message
        .encode_uper()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back = EtsiMessage::decode_uper(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, &message);
    let json = message
        .to_jer()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let from_json = EtsiMessage::from_jer(&json.to_string())
        .map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
    prop_assert_eq!(&from_json, &message);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// SPATEM with Addgrp-C extensions, or the MAPEM of the same seed.
    #[test]
    fn etsi_spatem_and_mapem_round_trip(seed in any::<u64>()) {
        use rsu_codecs::etsi::{EtsiMessage, random};
        etsi_round_trip(EtsiMessage::Spatem(Box::new(random::spatem(seed, options()).unwrap())))?;
        etsi_round_trip(EtsiMessage::Mapem(Box::new(random::mapem(seed, options()).unwrap())))?;
    }

    #[test]
    fn etsi_cam_denm_srem_ssem_round_trip(seed in any::<u64>()) {
        use rsu_codecs::etsi::{EtsiMessage, random};
        etsi_round_trip(EtsiMessage::Cam(Box::new(random::cam(seed, options()).unwrap())))?;
        etsi_round_trip(EtsiMessage::Denm(Box::new(random::denm(seed, options()).unwrap())))?;
        etsi_round_trip(EtsiMessage::Srem(Box::new(random::srem(seed, options()).unwrap())))?;
        etsi_round_trip(EtsiMessage::Ssem(Box::new(random::ssem(seed, options()).unwrap())))?;
    }

    /// A J2735 MapData moved to the ETSI dialect encodes (every J2735 longitude is an ETSI
    /// one), decodes to itself, and moves back to the same J2735 value.
    #[test]
    fn j2735_map_redialects_to_etsi(seed in any::<u64>()) {
        use rsu_codecs::dialect::{Etsi, J2735, Redialect};
        let map: MapData = random_value(seed, options()).unwrap();
        let etsi: MapData<Etsi> = map.clone().redialect::<Etsi>();
        let bytes = rasn::uper::encode(&etsi).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: MapData<Etsi> = rasn::uper::decode(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &etsi);
        prop_assert_eq!(back.redialect::<J2735>(), map);
    }
}
