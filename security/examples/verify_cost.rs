//! Instruction counts per verified BSM, which repeat exactly under valgrind whatever else the
//! machine is doing (the criterion benchmark `verify_bsm` gives the times):
//!
//! ```sh
//! cargo build --release -p rsu-security --example verify_cost
//! for m in setup ring_verify digest_cached cert_cached clone cert_cold; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/verify_cost $m 200 2>&1 | grep Collected
//! done   # cost of one op = (count(m) - count(setup)) / 200; cert_cold includes a clone
//! ```
//!
//! `ring_verify` is ring's bare P-256 verification of 64 octets with the vehicle's key, the
//! floor under every mode that checks a BSM's signature.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/bsm/mod.rs"]
mod bsm;

use std::hint::black_box;

use bsm::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "setup".into());
    let n: u64 = args.next().map_or(200, |a| a.parse().unwrap());
    let mut f = fixture();
    for _ in 0..n {
        let ok = match mode.as_str() {
            "setup" => true,
            "ring_verify" => ring_verify(black_box(&f)),
            "digest_cached" => f
                .warm
                .verify(black_box(&f.by_digest), NOW_US)
                .unwrap()
                .is_valid(),
            "cert_cached" => f
                .warm
                .verify(black_box(&f.with_cert), NOW_US)
                .unwrap()
                .is_valid(),
            "clone" => black_box(f.cold.clone()).store.cached_len() == 0,
            "cert_cold" => f
                .cold
                .clone()
                .verify(black_box(&f.with_cert), NOW_US)
                .unwrap()
                .is_valid(),
            other => panic!(
                "unknown mode {other}: setup, ring_verify, digest_cached, cert_cached, clone, cert_cold"
            ),
        };
        assert!(ok, "{mode}: not valid");
    }
}
