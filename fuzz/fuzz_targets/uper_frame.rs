//! UPER bytes from the radio: `MessageFrame::decode` must never panic, and whatever it
//! accepts must survive both codecs.
//!
//! Properties (a panic is a finding):
//! - a decoded frame encodes; the bytes need not be the input's (a non-canonical input may
//!   re-encode differently) but decode to the same frame, use every octet, and encode
//!   again to the same bytes (the encoding of a value is canonical);
//! - a decoded frame renders as JER, and that JSON reads back to the same frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsu_codecs::j2735::MessageFrame;

fuzz_target!(|data: &[u8]| {
    let Ok((frame, used)) = MessageFrame::decode(data) else {
        return;
    };
    assert!(
        used <= data.len(),
        "decode used {used} of {} bytes",
        data.len()
    );

    let bytes = frame
        .encode()
        .unwrap_or_else(|e| panic!("decoded frame does not encode: {e}\n{frame:?}"));
    let (again, again_used) = MessageFrame::decode(&bytes)
        .unwrap_or_else(|e| panic!("re-encoded frame does not decode: {e}\n{frame:?}"));
    assert_eq!(again, frame, "UPER round trip changed the frame");
    assert_eq!(
        again_used,
        bytes.len(),
        "re-encoded frame left octets unused"
    );
    let twice = again
        .encode()
        .unwrap_or_else(|e| panic!("round-tripped frame does not encode: {e}"));
    assert_eq!(twice, bytes, "encoding of the same frame is not stable");

    let json = frame
        .to_jer()
        .unwrap_or_else(|e| panic!("decoded frame does not render as JER: {e}\n{frame:?}"));
    let text = json.to_string();
    let from_json =
        MessageFrame::from_jer(&text).unwrap_or_else(|e| panic!("own JER is refused: {e}\n{text}"));
    assert_eq!(from_json, frame, "JER round trip changed the frame\n{text}");
});
