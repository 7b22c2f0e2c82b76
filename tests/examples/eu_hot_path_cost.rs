//! Instruction counts for the EU hot path, which repeat exactly under valgrind whatever else
//! the machine is doing:
//!
//! ```sh
//! cargo build --release -p rsu-hil --example eu_hot_path_cost
//! for m in setup hot_path ring_sign encode seal; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/eu_hot_path_cost $m 200 2>&1 | grep Collected
//! done   # cost of one op = (count(m) - count(setup)) / 200
//! ```
//!
//! `hot_path` is what the broadcast loop does for one demo SPATEM: build from the controller
//! state, encode (ItsPduHeader + SPAT), GeoNetworking SHB + BTP-B headers, TS 103 097 signing
//! with the SSP check (certificate signer), the secured packet, and the send on the loopback
//! radio; `ring_sign` is ring's raw P-256 signature of 64 octets with the ticket's key;
//! `encode` is build + encode alone, `seal` headers + signing + framing of a fixed SPATEM.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/fixtures/mod.rs"]
mod fixtures;

use std::hint::black_box;

use fixtures::*;
use rsu::clock::UnixMillis;
use rsu::region::{Carrier, Content, MessageSet, Slot, Target};
use rsu::scheduler::Stream;
use rsu_hw::radio::loopback::LoopbackConfig;
use rsu_hw::{LoopbackMedium, MacAddr, Radio};

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "setup".into());
    let n: u64 = args.next().map_or(200, |a| a.parse().unwrap());
    let f = fixture();
    let mut eu = eu_fixture(&f);
    let now = UnixMillis(NOW_MS);
    let now_us = (NOW_MS * 1000) as i64;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let _guard = runtime.enter();
    let medium = LoopbackMedium::new(LoopbackConfig {
        tx_queue: usize::try_from(n).unwrap() + 1,
        ..LoopbackConfig::default()
    });
    let radio = medium.node(MacAddr::local([2, 0, 0, 0, 0, 1]), f.config.radio.channels);
    let ring_key = ring_pair(&eu.pem);
    let rng = ring::rand::SystemRandom::new();
    let model = &f.config.intersections[0].model;
    let target = Target {
        reference: Some(EU_POSITION),
    };
    let state = demo_state(&f.config, now);
    let mut buf = Vec::with_capacity(1024);
    let slot = |count: u64| Slot {
        model,
        state: &state,
        valid: true,
        count: (count % 128) as u8,
        now,
    };
    let fixed_content = eu.messages.encode_spat(&slot(0), &mut buf).unwrap();
    let fixed = buf.clone();
    for i in 0..n {
        match mode.as_str() {
            "setup" => {}
            "hot_path" => {
                let ready = eu.spatem(&f.config, i, &mut buf);
                now_or_never(radio.send(ready)).unwrap();
            }
            "ring_sign" => {
                black_box(ring_key.sign(&rng, black_box(&[0x5a; 64])).unwrap());
            }
            "encode" => {
                black_box(eu.messages.encode_spat(&slot(i), &mut buf).unwrap());
            }
            "seal" => {
                black_box(
                    eu.carrier
                        .seal(Stream::Spat, &target, &fixed_content, &fixed, now_us)
                        .unwrap(),
                );
            }
            other => panic!("unknown mode {other}: setup, hot_path, ring_sign, encode, seal"),
        }
    }
    let _: Content = fixed_content;
}
