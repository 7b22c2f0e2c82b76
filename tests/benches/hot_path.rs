//! The RSU's hot path for one SPaT, as the service runs it: build the SPaT from the
//! controller state, encode it (UPER), sign it (1609.2, digest signer), frame it (WSMP from
//! the precomputed header) and send it on the loopback radio — against ring's raw P-256
//! signature of the same key in the same run.
//!
//! Goal: `hot_path/spat_build_encode_sign_frame_send ≤ 1.15 × hot_path/ring_raw_sign_p256`.
//! The `parts` group times each step, to show where any excess goes. The SPaT is the demo
//! intersection's (13 signal groups, one event each, with timing), from config/demo.toml.
//! The `eu_hot_path` group does the same for the EU region's SPATEM (GeoNetworking, TS 103
//! 097 with the ticket's SSP checked, certificate signer) against ring with the ticket's key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use rsu::clock::UnixMillis;
use rsu::config::ControllerInput;
use rsu::j2735::spat;
use rsu::tx::{Outbound, Transmitter};
use rsu_hw::radio::loopback::LoopbackConfig;
use rsu_hw::{LoopbackMedium, MacAddr, Psid, Radio};

mod fixtures;
use fixtures::*;

fn bench(c: &mut Criterion) {
    let f = fixture();
    let ix = &f.config.intersections[0];
    let ControllerInput::Simulated(sim) = &ix.controller else {
        panic!("the demo runs the simulated controller")
    };
    let now = UnixMillis(NOW_MS);
    let state = sim.state_at(now);
    let out = Outbound::wsmp(Psid::INTERSECTION, meta(&f.config)).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let _guard = runtime.enter();
    let ring_key = ring_pair(&f.pem);
    let rng = ring::rand::SystemRandom::new();
    let mut tx = Transmitter::new(Some(steady_signer(&f)));
    let frame = demo_spat(&f.config, now, 0);
    let encoded_len = tx.encode(&frame).unwrap().len();
    eprintln!("SPaT: {encoded_len} bytes UPER, 13 signal groups");

    // Sends `iters` frames on a fresh medium each batch: no receiver, and a transmit queue as
    // long as the batch, since frames are handed over far faster than their airtime.
    let send_batch = |iters: u64, tx: &mut Transmitter| -> Duration {
        let medium = LoopbackMedium::new(LoopbackConfig {
            tx_queue: usize::try_from(iters).unwrap() + 1,
            ..LoopbackConfig::default()
        });
        let radio = medium.node(MacAddr::local([2, 0, 0, 0, 0, 1]), f.config.radio.channels);
        let started = Instant::now();
        for i in 0..iters {
            let frame = demo_spat(&f.config, now, i);
            let ready = tx.prepare(&frame, &out, (NOW_MS * 1000) as i64).unwrap();
            now_or_never(radio.send(ready)).unwrap();
        }
        started.elapsed()
    };

    let mut g = c.benchmark_group("hot_path");
    g.bench_function("spat_build_encode_sign_frame_send", |b| {
        b.iter_custom(|iters| send_batch(iters, &mut tx))
    });
    g.bench_function("ring_raw_sign_p256", |b| {
        b.iter(|| ring_key.sign(&rng, black_box(&[0x5a; 64])).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("parts");
    g.bench_function("state_at", |b| b.iter(|| sim.state_at(black_box(now))));
    g.bench_function("spat_build", |b| {
        b.iter(|| {
            spat::spat(
                [spat::intersection_state(
                    &ix.model,
                    black_box(&state),
                    now,
                    0,
                    true,
                )],
                now,
            )
        })
    });
    let mut plain = Transmitter::new(None);
    g.bench_function("spat_encode", |b| {
        b.iter(|| plain.encode(black_box(&frame)).unwrap().len())
    });
    g.bench_function("encode_frame_unsigned", |b| {
        b.iter(|| plain.prepare(black_box(&frame), &out, 0).unwrap())
    });
    let mut signer = steady_signer(&f);
    let payload = frame.encode().unwrap();
    g.bench_function("sign_spdu", |b| {
        b.iter(|| {
            signer
                .sign(0x82, black_box(&payload), (NOW_MS * 1000) as i64)
                .unwrap()
        })
    });
    g.finish();
    eu_hot_path(c, &f);
}

/// The EU region's hot path for the same intersection: SPATEM build and encode, GeoNetworking
/// SHB + BTP-B headers, TS 103 097 signing (SSP check, certificate signer), secured packet and
/// send, against ring's raw signature with the ticket's key in the same run.
fn eu_hot_path(c: &mut Criterion, f: &Fixture) {
    let mut eu = eu_fixture(f);
    let ring_key = ring_pair(&eu.pem);
    let rng = ring::rand::SystemRandom::new();
    let mut buf = Vec::with_capacity(1024);
    let mut send_batch = |iters: u64| -> Duration {
        let medium = LoopbackMedium::new(LoopbackConfig {
            tx_queue: usize::try_from(iters).unwrap() + 1,
            ..LoopbackConfig::default()
        });
        let radio = medium.node(MacAddr::local([2, 0, 0, 0, 0, 1]), f.config.radio.channels);
        let started = Instant::now();
        for i in 0..iters {
            let ready = eu.spatem(&f.config, i, &mut buf);
            now_or_never(radio.send(ready)).unwrap();
        }
        started.elapsed()
    };
    let mut g = c.benchmark_group("eu_hot_path");
    g.bench_function("spatem_build_encode_gn_sign_send", |b| {
        b.iter_custom(&mut send_batch)
    });
    g.bench_function("ring_raw_sign_p256", |b| {
        b.iter(|| ring_key.sign(&rng, black_box(&[0x5a; 64])).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
