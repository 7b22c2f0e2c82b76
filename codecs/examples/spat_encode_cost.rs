//! Encodes one SPaT MessageFrame N times, for counting instructions per encode under
//! callgrind (stable, unlike wall-clock timings on a shared machine):
//!
//! ```text
//! cargo build --release -p rsu-codecs --example spat_encode_cost
//! for m in setup fast rasn service_fast service_rasn; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/spat_encode_cost $m 1000
//! done   # cost of one encode = (count(m) - count(setup)) / 1000
//! ```
//!
//! Modes: `fast` encodes with `MessageFrame::encode_into` (the hand-written SPAT encoder);
//! `rasn` as `encode_into` did before it (rasn's UPER encoder for the value, then the frame
//! header spliced in front); the `service_` modes use a SPaT shaped like the RSU's (13
//! movements, one event each with minEndTime, maxEndTime and likelyTime; name, moy,
//! timeStamp, status) instead of the real vector `j2735/spat_asn1codec.hex` from
//! `$RSU_VECTORS` (default `../shared/vectors`); `setup` prepares the vector's frame and
//! encodes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;

use rasn::types::{BitString, Ia5String};
use rsu_codecs::j2735::*;

fn vector_spat() -> MessageFrame {
    let dir = std::env::var_os("RSU_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    let path = dir.join("j2735/spat_asn1codec.hex");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set RSU_VECTORS)", path.display()));
    let digits: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes: Vec<u8> = digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect();
    MessageFrame::decode(&bytes).unwrap().0
}

fn service_spat() -> MessageFrame {
    let movements = (1..=13u8)
        .map(|group| {
            let mut event = MovementEvent::new(MovementPhaseState::StopAndRemain);
            event.timing = Some(TimeChangeDetails {
                start_time: None,
                min_end_time: TimeMark(23_456),
                max_end_time: Some(TimeMark(23_756)),
                likely_time: Some(TimeMark(23_556)),
                confidence: None,
                next_time: None,
            });
            MovementState::new(SignalGroupID(group), MovementEventList(vec![event]))
        })
        .collect();
    let mut status = BitString::repeat(false, 16);
    status.set(IntersectionStatusObject::FIXED_TIME_OPERATION, true);
    let mut intersection = IntersectionState::new(
        IntersectionReferenceID {
            region: Some(RoadRegulatorID(7)),
            id: IntersectionID(12_110),
        },
        MsgCount(5),
        IntersectionStatusObject(status),
        MovementList(movements),
    );
    intersection.name = Some(DescriptiveName(
        Ia5String::from_iso646_bytes(b"Demo Ave & Main St").unwrap(),
    ));
    intersection.moy = Some(MinuteOfTheYear(469_970));
    intersection.time_stamp = Some(DSecond(12_345));
    let mut spat = SPAT::new(IntersectionStateList(vec![intersection]));
    spat.time_stamp = Some(MinuteOfTheYear(469_970));
    MessageFrame::SPAT(Box::new(spat))
}

/// `encode_into` as it was before the hand-written encoder: rasn, then the header spliced in.
fn encode_rasn(frame: &MessageFrame, buf: &mut Vec<u8>) {
    let MessageFrame::SPAT(spat) = frame else {
        unreachable!()
    };
    rasn::uper::encode_buf(&**spat, buf).unwrap();
    let len = buf.len();
    assert!(len < 16_384);
    let [id_high, id_low] = frame.id().0.to_be_bytes();
    let [len_high, len_low] = (0x8000 | len as u16).to_be_bytes();
    let (header, header_len) = if len < 128 {
        ([id_high & 0x7f, id_low, len as u8, 0], 3)
    } else {
        ([id_high & 0x7f, id_low, len_high, len_low], 4)
    };
    buf.splice(0..0, header.iter().take(header_len).copied());
}

fn main() {
    const USAGE: &str = "usage: spat_encode_cost setup|fast|rasn|service_fast|service_rasn N";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().expect(USAGE).as_str();
    let n: usize = args.get(1).map_or(1000, |a| a.parse().expect(USAGE));
    let (service, rasn_path, n) = match mode {
        "setup" => (false, false, 0),
        "fast" => (false, false, n),
        "rasn" => (false, true, n),
        "service_fast" => (true, false, n),
        "service_rasn" => (true, true, n),
        _ => panic!("{USAGE}"),
    };
    // Every mode prepares and checks both frames, so that setup is the baseline of each.
    let mut buf = Vec::with_capacity(2048);
    let mut check = Vec::new();
    let frames = [vector_spat(), service_spat()];
    for f in &frames {
        // Both paths give the same bytes; checked once, outside the counted loop.
        encode_rasn(f, &mut check);
        f.encode_into(&mut buf).unwrap();
        assert_eq!(buf, check);
    }
    let frame = &frames[usize::from(service)];
    for _ in 0..n {
        if rasn_path {
            encode_rasn(black_box(frame), &mut buf);
        } else {
            black_box(frame).encode_into(&mut buf).unwrap();
        }
        black_box(&buf);
    }
    eprintln!(
        "{} octets, {n} encodes via {}",
        buf.len(),
        if rasn_path { "rasn" } else { "fast_spat" }
    );
}
