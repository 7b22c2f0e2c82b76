//! CSAE 53 input (China region): `csae::MessageFrame::decode` (UPER from the radio) and
//! `from_jer` (JSON from a platform) must never panic, and whatever they accept must
//! survive both codecs.
//!
//! The first octet chooses the case: bit 0 the profile (csae53-2020 / ydt3709-2020), bit 1
//! the codec (UPER / JER); the rest is the input. Properties (a panic is a finding):
//! - a decoded frame encodes; those bytes decode to the same frame, use every octet, and
//!   encode again to the same bytes;
//! - a decoded frame (other than an unknown extension alternative, which has no JER form)
//!   renders as JER, and that JSON reads back to the same frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsu_codecs::csae::{MessageFrame, Profile};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, input)) = data.split_first() else {
        return;
    };
    let profile = if mode & 1 == 0 {
        Profile::Csae53_2020
    } else {
        Profile::Ydt3709_2020
    };
    let frame = if mode & 2 == 0 {
        let Ok((frame, used)) = MessageFrame::decode(input, profile) else {
            return;
        };
        assert!(used <= input.len(), "decode used {used} of {}", input.len());
        frame
    } else {
        let Ok(text) = std::str::from_utf8(input) else {
            return;
        };
        let Ok(frame) = MessageFrame::from_jer(text, profile) else {
            return;
        };
        frame
    };

    let bytes = frame
        .encode(profile)
        .unwrap_or_else(|e| panic!("accepted frame does not encode: {e}\n{frame:?}"));
    let (again, used) = MessageFrame::decode(&bytes, profile)
        .unwrap_or_else(|e| panic!("encoded frame does not decode: {e}\n{frame:?}"));
    assert_eq!(again, frame, "UPER round trip changed the frame");
    assert_eq!(used, bytes.len(), "encoded frame left octets unused");
    let twice = again
        .encode(profile)
        .unwrap_or_else(|e| panic!("round-tripped frame does not encode: {e}"));
    assert_eq!(twice, bytes, "encoding of the same frame is not stable");

    if matches!(frame, MessageFrame::Unknown { .. }) {
        assert!(frame.to_jer(profile).is_err());
        return;
    }
    let json = frame
        .to_jer(profile)
        .unwrap_or_else(|e| panic!("accepted frame does not render as JER: {e}\n{frame:?}"));
    let text = json.to_string();
    let from_json = MessageFrame::from_jer(&text, profile)
        .unwrap_or_else(|e| panic!("own JER is refused: {e}\n{text}"));
    assert_eq!(from_json, frame, "JER round trip changed the frame\n{text}");
});
