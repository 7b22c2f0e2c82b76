//! UPER encode and decode of CSAE 53 SPAT frames (China region): the real 261-byte capture
//! (`../shared/vectors/csae/csae53_spatFrame.hex`, when present) and a generated SPAT that
//! needs no files, under both profiles (SPAT's encoding does not differ between them, so
//! the pair shows what the profile machinery itself costs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rsu_codecs::csae::{MessageFrame, Profile, SPAT};
use rsu_codecs::random::{RandomOptions, random_value};

fn capture() -> Option<Vec<u8>> {
    let dir = std::env::var_os("RSU_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    let text = std::fs::read_to_string(dir.join("csae/csae53_spatFrame.hex")).ok()?;
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    Some(
        (0..digits.len() / 2)
            .map(|i| u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).unwrap())
            .collect(),
    )
}

fn generated() -> Vec<u8> {
    let options = RandomOptions {
        presence: 80,
        ..RandomOptions::default()
    };
    let spat: SPAT = random_value(7, options).unwrap();
    MessageFrame::Spat(Box::new(spat))
        .encode(Profile::Csae53_2020)
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let mut cases = vec![("generated", generated())];
    match capture() {
        Some(bytes) => cases.insert(0, ("capture", bytes)),
        None => eprintln!("skipped the capture: vectors folder not found (set RSU_VECTORS)"),
    }
    let mut group = c.benchmark_group("csae_spat");
    for (source, bytes) in cases {
        for profile in [Profile::Csae53_2020, Profile::Ydt3709_2020] {
            let label = format!("{source}_{}B/{}", bytes.len(), profile.name());
            let (frame, used) = MessageFrame::decode(&bytes, profile).unwrap();
            assert_eq!(used, bytes.len());
            assert!(matches!(frame, MessageFrame::Spat(_)));
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_function(format!("decode/{label}"), |b| {
                b.iter(|| MessageFrame::decode(black_box(&bytes), profile).unwrap())
            });
            group.bench_function(format!("encode/{label}"), |b| {
                b.iter(|| black_box(&frame).encode(profile).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
