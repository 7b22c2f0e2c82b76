//! UPER bytes from a BTP payload: `EtsiMessage::decode_uper` must never panic, and whatever
//! it types must survive both codecs.
//!
//! Properties (a panic is a finding):
//! - a typed message encodes; its bytes decode to the same message and encode again to the
//!   same bytes (they need not equal the input: a non-canonical input may re-encode
//!   differently); an unknown message re-encodes to exactly the input;
//! - a typed message renders as JER, and that JSON reads back to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsu_codecs::etsi::EtsiMessage;

fuzz_target!(|data: &[u8]| {
    let Ok(message) = EtsiMessage::decode_uper(data) else {
        return;
    };
    let bytes = message
        .encode_uper()
        .unwrap_or_else(|e| panic!("decoded message does not encode: {e}\n{message:?}"));
    if let EtsiMessage::Unknown { .. } = message {
        assert_eq!(bytes, data, "an unknown message must re-encode unchanged");
        return;
    }
    let again = EtsiMessage::decode_uper(&bytes)
        .unwrap_or_else(|e| panic!("re-encoded message does not decode: {e}\n{message:?}"));
    assert_eq!(again, message, "UPER round trip changed the message");
    let twice = again
        .encode_uper()
        .unwrap_or_else(|e| panic!("round-tripped message does not encode: {e}"));
    assert_eq!(twice, bytes, "encoding of the same message is not stable");

    let json = message
        .to_jer()
        .unwrap_or_else(|e| panic!("decoded message does not render as JER: {e}\n{message:?}"));
    let text = json.to_string();
    let from_json =
        EtsiMessage::from_jer(&text).unwrap_or_else(|e| panic!("own JER is refused: {e}\n{text}"));
    assert_eq!(
        from_json, message,
        "JER round trip changed the message\n{text}"
    );
});
