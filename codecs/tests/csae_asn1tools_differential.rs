//! Differential test of the CSAE 53 codec against an independent implementation: PyPI
//! `asn1tools` compiling the public 2020-generation ASN.1 (`../shared/oracles/csae53-2020`)
//! at run time, driven by `tools/csae_oracle.py`.
//!
//! Generated SPAT, MapData, RSI, RSM and BSM frames go both ways: our UPER decoded by
//! asn1tools gives our JSON and re-encodes (from asn1tools' own value) to our bytes; our JER
//! read and encoded by asn1tools gives our bytes, which decode here to the same value.
//! Needs `python3` with `asn1tools` and the oracle folder; skipped without them unless
//! `RSU_ASN1TOOLS_REQUIRED=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::path::PathBuf;

use rsu_codecs::csae::{
    BasicSafetyMessage, MapData, MessageFrame, Profile, RoadSideInformation, RoadsideSafetyMessage,
    SPAT,
};
use rsu_codecs::random::{RandomOptions, random_value};
use serde_json::{Value, json};

mod common;

const CSAE: Profile = Profile::Csae53_2020;

fn oracle_ready() -> Option<PathBuf> {
    if !common::asn1tools_available() {
        return None;
    }
    common::oracle_dir("csae53-2020")
}

fn oracle(dir: &PathBuf, mode: &str, lines: &[Value]) -> Vec<Value> {
    common::oracle_with_args("csae_oracle.py", &[OsStr::new(dir)], mode, lines)
}

/// Per kind, this many generated frames.
const PER_KIND: u64 = 60;

fn frames() -> Vec<MessageFrame> {
    let options = RandomOptions::default();
    let mut out = Vec::new();
    for seed in 0..PER_KIND {
        out.push(MessageFrame::Spat(Box::new(
            random_value::<SPAT>(seed, options).unwrap(),
        )));
        out.push(MessageFrame::Map(Box::new(
            random_value::<MapData>(seed, options).unwrap(),
        )));
        out.push(MessageFrame::Rsi(Box::new(
            random_value::<RoadSideInformation>(seed, options).unwrap(),
        )));
        out.push(MessageFrame::Rsm(Box::new(
            random_value::<RoadsideSafetyMessage>(seed, options).unwrap(),
        )));
        out.push(MessageFrame::Bsm(Box::new(
            random_value::<BasicSafetyMessage>(seed, options).unwrap(),
        )));
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    rsu_codecs::jer::hex_lower(bytes)
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|k| u8::from_str_radix(&text[2 * k..2 * k + 2], 16).unwrap())
        .collect()
}

/// The oracle writes every BIT STRING as `{"value", "length"}`; where ours is bare hex (a
/// fixed size) and the bits agree, its form becomes ours. Then the first difference's path.
fn difference(ours: &Value, theirs: &Value, path: &str) -> Option<String> {
    match (ours, theirs) {
        (Value::String(a), Value::Object(b)) if b.len() == 2 && b.contains_key("length") => {
            let bits = b["length"].as_u64().unwrap_or(0) as usize;
            let same = b["value"].as_str() == Some(a.as_str()) && a.len() == bits.div_ceil(8) * 2;
            (!same).then(|| format!("{path}: {ours} vs {theirs}"))
        }
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => difference(x, y, &format!("{path}.{k}")),
                (x, y) => Some(format!("{path}.{k}: {x:?} vs {y:?}")),
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| difference(x, y, &format!("{path}[{i}]"))),
        _ if ours == theirs => None,
        _ => Some(format!("{path}: {ours} vs {theirs}")),
    }
}

#[test]
fn asn1tools_agrees_in_both_directions() {
    let Some(dir) = oracle_ready() else {
        return;
    };
    let frames = frames();
    let uper: Vec<Vec<u8>> = frames.iter().map(|f| f.encode(CSAE).unwrap()).collect();
    let jer: Vec<Value> = frames.iter().map(|f| f.to_jer(CSAE).unwrap()).collect();
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    for f in &frames {
        *kinds.entry(f.name()).or_default() += 1;
    }
    // The profile-dependent types must be among what asn1tools judges.
    let text: Vec<String> = jer.iter().map(Value::to_string).collect();
    for member in [
        "\"posConficence\"",
        "\"linkWidth\"",
        "\"connectsTo\"",
        "\"activePath\"",
        "\"hour\"",
        "\"offset\"",
    ] {
        let n = text.iter().filter(|t| t.contains(member)).count();
        assert!(n > 0, "no generated frame has {member}");
    }

    // Our UPER, decoded by asn1tools: our JSON; re-encoded from its value: our bytes.
    let requests: Vec<Value> = uper.iter().map(|u| json!({"uper": hex(u)})).collect();
    let decoded = oracle(&dir, "decode", &requests);
    assert_eq!(decoded.len(), frames.len());
    for (i, ((reply, ours), bytes)) in decoded.iter().zip(&jer).zip(&uper).enumerate() {
        assert!(reply.get("error").is_none(), "frame {i}: {reply}\n{ours}");
        if let Some(diff) = difference(ours, &reply["value"], "") {
            panic!("frame {i}: asn1tools decodes our UPER differently at {diff}");
        }
        assert_eq!(
            reply["uper"].as_str(),
            Some(hex(bytes).as_str()),
            "frame {i}: asn1tools re-encodes its reading of our UPER differently"
        );
    }

    // Our JER, read and encoded by asn1tools: our bytes, which decode here to the value.
    let requests: Vec<Value> = jer.iter().map(|j| json!({"value": j})).collect();
    let encoded = oracle(&dir, "encode", &requests);
    assert_eq!(encoded.len(), frames.len());
    for (i, ((reply, frame), bytes)) in encoded.iter().zip(&frames).zip(&uper).enumerate() {
        let theirs = unhex(
            reply["uper"]
                .as_str()
                .unwrap_or_else(|| panic!("frame {i}: asn1tools could not encode: {reply}")),
        );
        assert_eq!(
            &theirs, bytes,
            "frame {i}: asn1tools encodes our JER differently"
        );
        let (back, used) = MessageFrame::decode(&theirs, CSAE).unwrap();
        assert_eq!(used, theirs.len());
        assert_eq!(
            &back, frame,
            "frame {i}: asn1tools' UPER decodes differently here"
        );
    }
    eprintln!(
        "asn1tools agreed on {} generated frames in both directions ({kinds:?})",
        frames.len()
    );
}

/// The public captures, read by asn1tools, give the JSON we give them.
#[test]
fn asn1tools_reads_the_vectors_as_we_do() {
    let Some(dir) = oracle_ready() else {
        return;
    };
    let vectors = std::env::var_os("RSU_VECTORS")
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
            PathBuf::from,
        )
        .join("csae");
    if !vectors.is_dir() {
        assert!(
            std::env::var("RSU_VECTORS_REQUIRED").as_deref() != Ok("1"),
            "RSU_VECTORS_REQUIRED=1 but {} is missing",
            vectors.display()
        );
        eprintln!("skipped: {} not found", vectors.display());
        return;
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(&vectors)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension() == Some(OsStr::new("hex")))
        .collect();
    names.sort();
    let bytes: Vec<Vec<u8>> = names
        .iter()
        .map(|p| {
            let text: String = std::fs::read_to_string(p)
                .unwrap()
                .split_whitespace()
                .collect();
            unhex(&text)
        })
        .collect();
    let requests: Vec<Value> = bytes.iter().map(|b| json!({"uper": hex(b)})).collect();
    let decoded = oracle(&dir, "decode", &requests);
    for ((reply, b), name) in decoded.iter().zip(&bytes).zip(&names) {
        let ours = MessageFrame::decode(b, CSAE)
            .unwrap()
            .0
            .to_jer(CSAE)
            .unwrap();
        if let Some(diff) = difference(&ours, &reply["value"], "") {
            panic!("{}: differs at {diff}", name.display());
        }
    }
    assert_eq!(decoded.len(), 9);
}
