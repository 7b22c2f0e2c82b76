//! JSON text from operators: `MessageFrame::from_jer` must never panic, and whatever it
//! accepts must survive both codecs.
//!
//! Properties (a panic is a finding), for any UTF-8 input that from_jer accepts:
//! - the frame encodes as UPER, and those bytes decode to the same frame, using every octet;
//! - the frame renders as JER, and that JSON reads back to the same frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsu_codecs::j2735::MessageFrame;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(frame) = MessageFrame::from_jer(text) else {
        return;
    };

    let bytes = frame
        .encode()
        .unwrap_or_else(|e| panic!("accepted JER does not encode: {e}\n{frame:?}"));
    let (again, used) = MessageFrame::decode(&bytes)
        .unwrap_or_else(|e| panic!("encoded frame does not decode: {e}\n{frame:?}"));
    assert_eq!(again, frame, "UPER round trip changed the frame");
    assert_eq!(used, bytes.len(), "encoded frame left octets unused");

    let json = frame
        .to_jer()
        .unwrap_or_else(|e| panic!("accepted JER does not render as JER: {e}\n{frame:?}"));
    let rendered = json.to_string();
    let from_json = MessageFrame::from_jer(&rendered)
        .unwrap_or_else(|e| panic!("own JER is refused: {e}\n{rendered}"));
    assert_eq!(
        from_json, frame,
        "JER round trip changed the frame\n{rendered}"
    );
});
