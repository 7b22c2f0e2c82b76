//! Differential test against an independent decoder: pycrate's ISO TS 19091 DSRC module,
//! whose SPAT, MapData, SRM and SSM are J2735's structures (corrected at run time for the
//! three ranges where ISO and J2735 differ; see tools/pycrate_oracle.py).
//!
//! Both directions over a few hundred generated messages: what we encode, pycrate decodes
//! to the same JSON; what pycrate encodes from our JSON, we decode to the same value.
//! Needs `python3` with `pycrate`; skipped without it unless `RSU_PYCRATE_REQUIRED=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rsu_codecs::j2735::{MapData, MessageFrame, SPAT, SignalRequestMessage, SignalStatusMessage};
use rsu_codecs::random::{RandomOptions, random_value};
use serde_json::{Value, json};

mod common;

fn pycrate_available() -> bool {
    common::pycrate_available("import pycrate_asn1dir.ITS_IS")
}

/// Runs the oracle in `mode` over `lines` and returns its output lines.
fn oracle(mode: &str, lines: &[Value]) -> Vec<Value> {
    common::oracle("pycrate_oracle.py", mode, lines)
}

/// A mix of generated messages: SPAT, MapData, SRM and SSM.
fn messages() -> Vec<MessageFrame> {
    let options = RandomOptions::default();
    let mut out = Vec::new();
    for seed in 0..100u64 {
        out.push(MessageFrame::SPAT(Box::new(
            random_value::<SPAT>(seed, options).unwrap(),
        )));
        out.push(MessageFrame::SignalRequestMessage(Box::new(
            random_value::<SignalRequestMessage>(seed, options).unwrap(),
        )));
        out.push(MessageFrame::SignalStatusMessage(Box::new(
            random_value::<SignalStatusMessage>(seed, options).unwrap(),
        )));
        if seed % 2 == 0 {
            out.push(MessageFrame::MapData(Box::new(
                random_value::<MapData>(seed, options).unwrap(),
            )));
        }
    }
    out
}

#[test]
fn pycrate_agrees_in_both_directions() {
    if !pycrate_available() {
        return;
    }
    let frames = messages();
    let ours: Vec<Value> = frames.iter().map(|f| f.to_jer().unwrap()).collect();

    // Our UPER, decoded by pycrate, gives our JSON.
    let requests: Vec<Value> = frames
        .iter()
        .map(|f| {
            let uper = rsu_codecs::jer::hex_lower(&f.value_uper().unwrap());
            json!({"messageId": f.id().0, "uper": uper})
        })
        .collect();
    let decoded = oracle("decode", &requests);
    assert_eq!(decoded.len(), frames.len());
    for (i, (theirs, mine)) in decoded.iter().zip(&ours).enumerate() {
        assert_eq!(
            theirs, mine,
            "message {i}: pycrate decodes our UPER differently"
        );
    }

    // pycrate's UPER, encoded from our JSON, decodes here to the same value and bytes.
    let encoded = oracle("encode", &ours);
    assert_eq!(encoded.len(), frames.len());
    for (i, (reply, frame)) in encoded.iter().zip(&frames).enumerate() {
        let hex = reply["uper"]
            .as_str()
            .unwrap_or_else(|| panic!("message {i}: pycrate could not encode: {reply}"));
        let bytes: Vec<u8> = (0..hex.len() / 2)
            .map(|k| u8::from_str_radix(&hex[2 * k..2 * k + 2], 16).unwrap())
            .collect();
        let back = MessageFrame::from_value_uper(frame.id(), &bytes)
            .unwrap_or_else(|e| panic!("message {i}: {e}"));
        assert_eq!(
            &back, frame,
            "message {i}: pycrate's UPER decodes differently"
        );
        assert_eq!(
            bytes,
            frame.value_uper().unwrap(),
            "message {i}: UPER differs"
        );
    }
    eprintln!(
        "pycrate agreed on {} messages in both directions",
        frames.len()
    );
}

/// pycrate's own JER (bare hex for a BIT STRING whose size has an extension marker, such as
/// LaneAttributes-Vehicle's `SIZE(8, ...)`) reads back to the same MapData here.
#[test]
fn pycrate_native_jer_of_generated_maps_reads_back() {
    if !pycrate_available() {
        return;
    }
    let options = RandomOptions::default();
    let frames: Vec<MessageFrame> = (0..400u64)
        .map(|seed| {
            MessageFrame::MapData(Box::new(random_value::<MapData>(seed, options).unwrap()))
        })
        .collect();
    let requests: Vec<Value> = frames
        .iter()
        .map(|f| {
            let uper = rsu_codecs::jer::hex_lower(&f.value_uper().unwrap());
            json!({"messageId": f.id().0, "uper": uper})
        })
        .collect();
    let native = oracle("decode-native", &requests);
    assert_eq!(native.len(), frames.len());
    let mut bare = 0;
    for (i, (reply, frame)) in native.iter().zip(&frames).enumerate() {
        assert!(reply.get("error").is_none(), "message {i}: {reply}");
        let text = reply.to_string();
        if *reply != frame.to_jer().unwrap() {
            bare += 1;
        }
        let back = MessageFrame::from_jer(&text)
            .unwrap_or_else(|e| panic!("message {i}: pycrate's JER refused: {e}\n{text}"));
        assert_eq!(&back, frame, "message {i}: pycrate's JER reads differently");
    }
    // The property is only shown if pycrate's spelling differed from ours somewhere.
    assert!(
        bare > 0,
        "no generated MapData had an extensible-size BIT STRING"
    );
    eprintln!(
        "{bare} of {} MapData in pycrate's own JER spelling read back",
        frames.len()
    );
}
