//! Verifying a received BSM, as the RSU's verification workers do, against ring's bare P-256
//! verification with the same key: verifications per second per core are 1 / the median.
//!
//! - `digest_cached`: the vehicle signs by digest and its chain is cached (the steady state);
//! - `cert_cached`: the SPDU carries the certificate (once a second per vehicle), chain cached:
//!   the certificate is decoded and hashed again to find it;
//! - `cert_cold`: a vehicle heard for the first time: its chain is validated (the root's
//!   signature on its certificate checked) before the BSM's signature;
//! - `ring_raw_p256`: the ECDSA verification alone.
//!
//! Instruction counts of the same operations: `examples/verify_cost.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "bsm/mod.rs"]
mod bsm;

use std::hint::black_box;
use std::time::Duration;

use bsm::*;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let mut f = fixture();
    let mut g = c.benchmark_group("verify_bsm");
    g.bench_function("digest_cached", |b| {
        b.iter(|| {
            f.warm
                .verify(black_box(&f.by_digest), black_box(NOW_US))
                .unwrap()
                .is_valid()
        })
    });
    g.bench_function("cert_cached", |b| {
        b.iter(|| {
            f.warm
                .verify(black_box(&f.with_cert), black_box(NOW_US))
                .unwrap()
                .is_valid()
        })
    });
    g.bench_function("cert_cold", |b| {
        b.iter_batched(
            || f.cold.clone(),
            |mut v| {
                v.verify(black_box(&f.with_cert), black_box(NOW_US))
                    .unwrap()
                    .is_valid()
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("ring_raw_p256", |b| b.iter(|| ring_verify(black_box(&f))));
    g.finish();
    // Every measured verification was a valid one.
    assert!(f.warm.verify(&f.by_digest, NOW_US).unwrap().is_valid());
    assert!(
        f.cold
            .clone()
            .verify(&f.with_cert, NOW_US)
            .unwrap()
            .is_valid()
    );
    assert!(ring_verify(&f));
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
