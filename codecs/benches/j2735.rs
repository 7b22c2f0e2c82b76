//! UPER encode and decode of real J2735 messages (from `../shared/vectors/j2735/`).
//!
//! Decode is the whole MessageFrame with its typed message; encode is the reverse, into a
//! reused buffer as the broadcast path does it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rsu_codecs::j2735::MessageFrame;

fn vector(name: &str) -> Option<Vec<u8>> {
    let dir = std::env::var_os("RSU_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    let text = std::fs::read_to_string(dir.join("j2735").join(name)).ok()?;
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes: Vec<u8> = (0..digits.len() / 2)
        .map(|i| u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let (_, used) = MessageFrame::decode(&bytes).unwrap();
    Some(bytes[..used].to_vec())
}

fn bench(c: &mut Criterion) {
    let cases = [
        ("spat_114B", "spat_asn1codec.hex"),
        ("map_949B", "ode_map_0.mf.hex"),
        ("bsm_177B_partII", "bsm_asn1codec.hex"),
    ];
    let mut group = c.benchmark_group("j2735");
    for (label, file) in cases {
        let Some(bytes) = vector(file) else {
            eprintln!("skipped {label}: vectors folder not found (set RSU_VECTORS)");
            continue;
        };
        let (frame, _) = MessageFrame::decode(&bytes).unwrap();
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("decode/{label}"), |b| {
            b.iter(|| MessageFrame::decode(black_box(&bytes)).unwrap())
        });
        // The message alone, without the MessageFrame around it: what the frame costs.
        let inner = frame.value_uper().unwrap();
        let id = frame.id();
        group.bench_function(format!("decode_inner/{label}"), |b| {
            b.iter(|| MessageFrame::from_value_uper(id, black_box(&inner)).unwrap())
        });
        let mut buf = Vec::with_capacity(2048);
        group.bench_function(format!("encode/{label}"), |b| {
            b.iter(|| black_box(&frame).encode_into(&mut buf).unwrap())
        });
        // SPAT's `encode` takes the hand-written encoder; this is the rasn path it replaced
        // (rasn's value encoding, then the header spliced in), for comparison.
        if let MessageFrame::SPAT(_) = frame {
            group.bench_function(format!("encode_rasn/{label}"), |b| {
                b.iter(|| {
                    black_box(&frame).value_uper_into(&mut buf).unwrap();
                    let len = buf.len();
                    let [id_high, id_low] = frame.id().0.to_be_bytes();
                    let [len_high, len_low] = (0x8000 | len as u16).to_be_bytes();
                    let (header, header_len) = if len < 128 {
                        ([id_high & 0x7f, id_low, len as u8, 0], 3)
                    } else {
                        ([id_high & 0x7f, id_low, len_high, len_low], 4)
                    };
                    buf.splice(0..0, header.iter().take(header_len).copied());
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
