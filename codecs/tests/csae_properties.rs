//! Property tests of the CSAE 53 codec: generated values of every message round-trip in
//! UPER and JER under both profiles, and no input, however malformed, panics the decoders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rasn::Decode;
use rsu_codecs::csae::{
    BasicSafetyMessage, MapData, MessageFrame, Profile, RoadSideInformation, RoadsideSafetyMessage,
    SPAT, with_profile,
};
use rsu_codecs::random::{RandomOptions, random_value};

const PROFILES: [Profile; 2] = [Profile::Csae53_2020, Profile::Ydt3709_2020];

/// A value of `T` drawn under `profile` (so its lists and fields fit that profile).
fn draw<T: Decode>(profile: Profile, seed: u64) -> T {
    with_profile(profile, || random_value(seed, RandomOptions::default())).unwrap()
}

fn round_trip(frame: &MessageFrame, profile: Profile) -> Result<(), TestCaseError> {
    let fail = |e: rsu_codecs::Error| TestCaseError::fail(format!("{}: {e}", profile.name()));
    let bytes = frame.encode(profile).map_err(fail)?;
    let (back, used) = MessageFrame::decode(&bytes, profile).map_err(fail)?;
    prop_assert_eq!(used, bytes.len());
    prop_assert_eq!(&back, frame);
    let json = frame.to_jer(profile).map_err(fail)?;
    let from_json = MessageFrame::from_jer(&json.to_string(), profile).map_err(fail)?;
    prop_assert_eq!(&from_json, frame);
    Ok(())
}

fn frame_of(kind: u8, profile: Profile, seed: u64) -> MessageFrame {
    match kind % 5 {
        0 => MessageFrame::Bsm(Box::new(draw::<BasicSafetyMessage>(profile, seed))),
        1 => MessageFrame::Map(Box::new(draw::<MapData>(profile, seed))),
        2 => MessageFrame::Rsm(Box::new(draw::<RoadsideSafetyMessage>(profile, seed))),
        3 => MessageFrame::Spat(Box::new(draw::<SPAT>(profile, seed))),
        _ => MessageFrame::Rsi(Box::new(draw::<RoadSideInformation>(profile, seed))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_frames_round_trip_in_both_profiles(kind in 0u8..5, seed in any::<u64>()) {
        for profile in PROFILES {
            round_trip(&frame_of(kind, profile, seed), profile)?;
        }
    }

    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        for profile in PROFILES {
            if let Ok((frame, used)) = MessageFrame::decode(&bytes, profile) {
                prop_assert!(used <= bytes.len());
                let _ = frame.encode(profile);
                let _ = frame.to_jer(profile);
            }
        }
    }

    /// Real-looking input: a generated frame with one octet changed and a random cut.
    #[test]
    fn damaged_frames_never_panic(
        kind in 0u8..5,
        seed in any::<u64>(),
        at in any::<usize>(),
        xor in 1u8..=255,
        cut in any::<usize>(),
    ) {
        for profile in PROFILES {
            let mut bytes = frame_of(kind, profile, seed).encode(profile).unwrap();
            let i = at % bytes.len();
            bytes[i] ^= xor;
            bytes.truncate(1 + cut % bytes.len());
            for p in PROFILES {
                if let Ok((frame, _)) = MessageFrame::decode(&bytes, p) {
                    let _ = frame.encode(p);
                    let _ = frame.to_jer(p);
                }
            }
        }
    }

    #[test]
    fn from_jer_never_panics(text in "\\PC{0,200}") {
        for profile in PROFILES {
            let _ = MessageFrame::from_jer(&text, profile);
        }
    }
}

/// BSMs drawn under ydt3709-2020 may carry an hour above 24 or a time zone beyond
/// -720..721 in their path history: csae53-2020 refuses those with the field's path instead
/// of writing other bits.
#[test]
fn ydt3709_hours_and_zones_are_refused_under_csae53() {
    let mut refused = 0;
    for seed in 0..300 {
        let frame = frame_of(0, Profile::Ydt3709_2020, seed);
        if let Err(e) = frame.encode(Profile::Csae53_2020) {
            let text = e.to_string();
            assert!(
                text.contains("utcTime.hour: value") || text.contains("utcTime.offset: value"),
                "seed {seed}: {text}"
            );
            refused += 1;
        }
    }
    assert!(
        refused > 0,
        "no generated ydt3709-2020 BSM broke a csae53-2020 range"
    );
    eprintln!("{refused} of 300 refused");
}
