//! Differential test of the ETSI codec against an independent implementation: pycrate's ETSI
//! ITS modules as published (tools/pycrate_etsi_oracle.py; no range corrections, ETSI is
//! what pycrate compiles).
//!
//! Both directions over a few hundred generated messages with typed Addgrp-C extensions and
//! longitudes at their bounds: what we encode, pycrate decodes (Addgrp-C included, through its
//! REGION tables) to our JSON; what pycrate encodes from our JSON is our bytes and decodes
//! here to the same value. Needs `python3` with `pycrate`; skipped without it unless
//! `RSU_PYCRATE_REQUIRED=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rsu_codecs::etsi::{self, EtsiMessage};
use rsu_codecs::random::RandomOptions;
use serde_json::{Value, json};

mod common;

fn pycrate_available() -> bool {
    common::pycrate_available(
        "import pycrate_asn1dir.ITS_IS, pycrate_asn1dir.ITS_CAM_2, pycrate_asn1dir.ITS_DENM_3",
    )
}

/// Runs the oracle in `mode` over `lines` and returns its output lines.
fn oracle(mode: &str, lines: &[Value]) -> Vec<Value> {
    common::oracle("pycrate_etsi_oracle.py", mode, lines)
}

fn pdu_name(m: &EtsiMessage) -> &'static str {
    match m {
        EtsiMessage::Spatem(_) => "SPATEM",
        EtsiMessage::Mapem(_) => "MAPEM",
        EtsiMessage::Srem(_) => "SREM",
        EtsiMessage::Ssem(_) => "SSEM",
        EtsiMessage::Cam(_) => "CAM",
        EtsiMessage::Denm(_) => "DENM",
        EtsiMessage::Ivim(_) => "IVIM",
        _ => panic!("no oracle PDU for {m:?}"),
    }
}

/// Generated SPATEM, MAPEM, CAM and DENM (100 each), IVIM (300), SREM and SSEM (25 each).
fn messages() -> Vec<EtsiMessage> {
    let options = RandomOptions::default();
    let mut out = Vec::new();
    for seed in 0..100u64 {
        out.push(EtsiMessage::Spatem(Box::new(
            etsi::random::spatem(seed, options).unwrap(),
        )));
        out.push(EtsiMessage::Mapem(Box::new(
            etsi::random::mapem(seed, options).unwrap(),
        )));
        out.push(EtsiMessage::Cam(Box::new(
            etsi::random::cam(seed, options).unwrap(),
        )));
        out.push(EtsiMessage::Denm(Box::new(
            etsi::random::denm(seed, options).unwrap(),
        )));
        for k in 0..3 {
            out.push(EtsiMessage::Ivim(Box::new(
                etsi::random::ivim(seed * 3 + k, options).unwrap(),
            )));
        }
        if seed % 4 == 0 {
            out.push(EtsiMessage::Srem(Box::new(
                etsi::random::srem(seed, options).unwrap(),
            )));
            out.push(EtsiMessage::Ssem(Box::new(
                etsi::random::ssem(seed, options).unwrap(),
            )));
        }
    }
    out
}

fn m_text(ivim: &etsi::Ivim) -> String {
    ivim.to_jer().unwrap().to_string()
}

#[test]
fn pycrate_agrees_in_both_directions() {
    if !pycrate_available() {
        return;
    }
    let messages = messages();
    let ours: Vec<Value> = messages.iter().map(|m| m.to_jer().unwrap()).collect();
    let bytes: Vec<Vec<u8>> = messages.iter().map(|m| m.encode_uper().unwrap()).collect();

    // Our UPER, decoded by pycrate (Addgrp-C through its own tables), gives our JSON.
    let requests: Vec<Value> = messages
        .iter()
        .zip(&bytes)
        .map(|(m, b)| json!({"pdu": pdu_name(m), "uper": rsu_codecs::jer::hex_lower(b)}))
        .collect();
    let decoded = oracle("decode", &requests);
    assert_eq!(decoded.len(), messages.len());
    let mut typed = 0;
    for (i, (theirs, mine)) in decoded.iter().zip(&ours).enumerate() {
        assert!(
            theirs.get("error").is_none(),
            "message {i}: {theirs}\n{}",
            requests[i]
        );
        assert_eq!(
            &theirs["value"], mine,
            "message {i}: pycrate decodes our UPER differently"
        );
        typed += theirs["typed"].as_u64().unwrap();
    }
    assert!(typed > 100, "only {typed} Addgrp-C extensions were checked");

    // pycrate's UPER, encoded from our JSON, is our UPER and decodes to the same value.
    let requests: Vec<Value> = messages
        .iter()
        .zip(&ours)
        .map(|(m, j)| json!({"pdu": pdu_name(m), "value": j}))
        .collect();
    let encoded = oracle("encode", &requests);
    assert_eq!(encoded.len(), messages.len());
    for (i, ((reply, m), mine)) in encoded.iter().zip(&messages).zip(&bytes).enumerate() {
        let hex = reply["uper"]
            .as_str()
            .unwrap_or_else(|| panic!("message {i}: pycrate could not encode: {reply}"));
        let theirs: Vec<u8> = (0..hex.len() / 2)
            .map(|k| u8::from_str_radix(&hex[2 * k..2 * k + 2], 16).unwrap())
            .collect();
        assert_eq!(&theirs, mine, "message {i}: UPER differs");
        let back = EtsiMessage::decode_uper(&theirs).unwrap_or_else(|e| panic!("message {i}: {e}"));
        assert_eq!(&back, m, "message {i}: pycrate's UPER decodes differently");
    }
    // IVI v2's extension containers (AVC, MLC, RSC) and extension addition groups (TcPart,
    // LaneInformation) must be among what was compared, not only the base containers.
    let ivims: Vec<&etsi::Ivim> = messages
        .iter()
        .filter_map(|m| match m {
            EtsiMessage::Ivim(i) => Some(&**i),
            _ => None,
        })
        .collect();
    let text = m_text;
    let with_ext = ivims
        .iter()
        .filter(|i| {
            text(i).contains("\"avc\"")
                || text(i).contains("\"mlc\"")
                || text(i).contains("\"rsc\"")
        })
        .count();
    let with_group = ivims
        .iter()
        .filter(|i| {
            text(i).contains("\"iviType\"") && text(i).contains("\"tc\"")
                || text(i).contains("laneSurface")
                || text(i).contains("laneCharacteristics")
        })
        .count();
    assert!(
        with_ext > 50 && with_group > 20,
        "IVIM coverage: {with_ext} with extension containers, {with_group} with groups"
    );
    eprintln!(
        "pycrate agreed on {} ETSI messages in both directions ({typed} Addgrp-C extensions \
         typed; {} IVIM, {with_ext} with an extension container, {with_group} with an extension \
         addition group)",
        messages.len(),
        ivims.len()
    );
}
