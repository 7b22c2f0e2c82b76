//! The RSU's hot path for one SPaT, as the service runs it: build the SPaT from the
//! controller state, encode it (UPER), sign it (1609.2, digest signer), frame it (WSMP from
//! the precomputed header) and send it on the loopback radio — against ring's raw P-256
//! signature of the same key in the same run.
//!
//! Goal: `hot_path/spat_build_encode_sign_frame_send ≤ 1.15 × hot_path/ring_raw_sign_p256`.
//! The `parts` group times each step, to show where any excess goes. The SPaT is the demo
//! intersection's (13 signal groups, one event each, with timing), from config/demo.toml.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use elliptic_curve::pkcs8::DecodePrivateKey as _;
use rasn_its::ieee1609dot2::base_types::Duration as ItsDuration;
use ring::signature::{self as rs};
use rsu::clock::UnixMillis;
use rsu::config::{ControllerInput, ServiceConfig};
use rsu::j2735::spat;
use rsu::tx::{Outbound, Transmitter};
use rsu_codecs::j2735::MessageFrame;
use rsu_hw::radio::loopback::LoopbackConfig;
use rsu_hw::{DataRate, LoopbackMedium, MacAddr, Psid, Radio, TxMeta};
use rsu_security::keys::Curve;
use rsu_security::pki::{self, CertSpec};
use rsu_security::sign::{self, Signer};

/// 2026-06-01 11:00:00 UTC.
const NOW_MS: u64 = 1_780_311_600_000;

struct Fixture {
    config: ServiceConfig,
    pem: String,
    cert: Arc<rsu_security::Certificate>,
}

fn fixture() -> Fixture {
    let now_s = (NOW_MS / 1000) as i64;
    let chain = pki::TestChain::new(
        &CertSpec::ca("bench root", now_s - 86_400, ItsDuration::Years(5), 1),
        Curve::NistP256,
        &CertSpec::end_entity(
            "rsu.bench",
            now_s - 3_600,
            ItsDuration::Hours(48),
            &pki::RSU_PSIDS,
        ),
        Curve::NistP256,
    )
    .unwrap();
    // The demo configuration without its PKI files: signing is set up here instead.
    let text = rsu::app::DEMO_CONFIG
        .replace("signing = true", "signing = false")
        .replace("certificate = \"rsu.oer\"\n", "")
        .replace("key = \"rsu-key.pem\"\n", "")
        .replace("trust_store = \".\"\n", "");
    let config = rsu::config::parse(&text, "bench", std::path::Path::new("."))
        .unwrap()
        .config;
    Fixture {
        config,
        pem: chain.ee_pem,
        cert: Arc::new(chain.ee),
    }
}

/// A signer past its first SPDU, signing by digest from now on (the steady state).
fn steady_signer(f: &Fixture) -> Signer {
    let backend = sign::backend_from_pem(&f.pem, "rsu").unwrap();
    let mut signer = Signer::new(backend, f.cert.clone()).unwrap();
    signer.sign(0x82, b"first", (NOW_MS * 1000) as i64).unwrap();
    signer.policy.interval_us = i64::MAX;
    signer
}

fn ring_pair(pem: &str) -> rs::EcdsaKeyPair {
    use elliptic_curve::sec1::ToSec1Point as _;
    let sk = p256::SecretKey::from_pkcs8_pem(pem).unwrap();
    let public = sk.public_key().to_sec1_point(false);
    rs::EcdsaKeyPair::from_private_key_and_public_key(
        &rs::ECDSA_P256_SHA256_FIXED_SIGNING,
        &sk.to_bytes(),
        public.as_bytes(),
        &ring::rand::SystemRandom::new(),
    )
    .unwrap()
}

/// Polls a future that completes at once (the loopback radio's send).
fn now_or_never<F: Future>(f: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the loopback send did not complete at once"),
    }
}

fn meta(config: &ServiceConfig) -> TxMeta {
    TxMeta {
        channel: Some(config.radio.channel),
        rate: Some(DataRate(12)),
        power_dbm: Some(20),
        user_priority: 5,
        ..TxMeta::default()
    }
}

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
    let frame = MessageFrame::SPAT(Box::new(spat::spat(
        [spat::intersection_state(&ix.model, &state, now, 0, true)],
        now,
    )));
    let encoded_len = tx.encode(&frame).unwrap().len();
    eprintln!("SPaT: {encoded_len} bytes UPER, 13 signal groups");

    // Sends `iters` frames on a fresh medium each batch: no receiver, and a transmit queue as
    // long as the batch, since frames are handed over far faster than their airtime.
    let mut send_batch = |iters: u64, tx: &mut Transmitter, build: bool| -> Duration {
        let medium = LoopbackMedium::new(LoopbackConfig {
            tx_queue: usize::try_from(iters).unwrap() + 1,
            ..LoopbackConfig::default()
        });
        let radio = medium.node(MacAddr::local([2, 0, 0, 0, 0, 1]), f.config.radio.channels);
        let started = Instant::now();
        for i in 0..iters {
            let frame = if build {
                let state = sim.state_at(now);
                MessageFrame::SPAT(Box::new(spat::spat(
                    [spat::intersection_state(
                        &ix.model,
                        &state,
                        now,
                        (i % 128) as u8,
                        true,
                    )],
                    now,
                )))
            } else {
                frame.clone()
            };
            let ready = tx.prepare(&frame, &out, (NOW_MS * 1000) as i64).unwrap();
            now_or_never(radio.send(ready)).unwrap();
        }
        started.elapsed()
    };

    let mut g = c.benchmark_group("hot_path");
    g.bench_function("spat_build_encode_sign_frame_send", |b| {
        b.iter_custom(|iters| send_batch(iters, &mut tx, true))
    });
    g.bench_function("spat_encode_sign_frame_send", |b| {
        b.iter_custom(|iters| send_batch(iters, &mut tx, false))
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
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
