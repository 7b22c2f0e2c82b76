//! Instruction counts for the hot-path benchmark's operations, which repeat exactly under
//! valgrind whatever else the machine is doing (wall-clock timings here are noisy):
//!
//! ```sh
//! cargo build --release -p rsu-hil --example hot_path_cost
//! for m in setup hot_path ring_sign encode sign; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/hot_path_cost $m 200 2>&1 | grep Collected
//! done   # cost of one op = (count(m) - count(setup)) / 200
//! ```
//!
//! `hot_path` is build + encode + sign + frame + send of one demo SPaT on the loopback radio;
//! `ring_sign` is ring's raw P-256 signature of 64 octets with the same key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/fixtures/mod.rs"]
mod fixtures;

use std::hint::black_box;

use fixtures::*;
use rsu::clock::UnixMillis;
use rsu::tx::{Outbound, Transmitter};
use rsu_hw::radio::loopback::LoopbackConfig;
use rsu_hw::{LoopbackMedium, MacAddr, Psid, Radio};

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "setup".into());
    let n: u64 = args.next().map_or(200, |a| a.parse().unwrap());
    let f = fixture();
    let now = UnixMillis(NOW_MS);
    let now_us = (NOW_MS * 1000) as i64;
    let out = Outbound::wsmp(Psid::INTERSECTION, meta(&f.config)).unwrap();
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
    let ring_key = ring_pair(&f.pem);
    let rng = ring::rand::SystemRandom::new();
    let mut tx = Transmitter::new(Some(steady_signer(&f)));
    let frame = |count: u64| demo_spat(&f.config, now, count);
    let fixed = frame(0);
    let payload = fixed.encode().unwrap();
    let mut signer = steady_signer(&f);
    let mut plain = Transmitter::new(None);
    for i in 0..n {
        match mode.as_str() {
            "setup" => {}
            "hot_path" => {
                let ready = tx.prepare(&frame(i), &out, now_us).unwrap();
                now_or_never(radio.send(ready)).unwrap();
            }
            "ring_sign" => {
                black_box(ring_key.sign(&rng, black_box(&[0x5a; 64])).unwrap());
            }
            "build" => {
                black_box(frame(i));
            }
            "encode" => {
                black_box(plain.encode(black_box(&fixed)).unwrap().len());
            }
            "sign" => {
                black_box(signer.sign(0x82, black_box(&payload), now_us).unwrap());
            }
            other => {
                panic!("unknown mode {other}: setup, hot_path, ring_sign, build, encode, sign")
            }
        }
    }
}
