//! Runs one framing operation N times on a 300-octet SPDU, for instruction counting under
//! valgrind (repeatable, unlike wall-clock time on a shared machine):
//! `valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/frame_cost MODE N`.
//!
//! MODE: `setup` (only the fixtures), `wsmp_prefix` (precomputed `WsmpHeaderPrefix` into a
//! reused `BytesMut`, frozen), `wsmp_fresh` (`WsmpRepr::emit_with_payload` into a new `Vec`),
//! `gn_template` (patched `GnBtpHeaders` into a reused `BytesMut`), `gn_fresh` (new
//! `GeoNetworkingRepr` + `BtpRepr` emitted into a new `Vec`), `demux_wsmp`, `demux_gn`.
//! The cost of one operation is (count(MODE, N) - count(setup, N)) / N. See
//! `benches/framing.rs` for the same operations timed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use bytes::BytesMut;
use rsu_hw::EtherType;
use rsu_hw::demux::demux;
use rsu_hw::wire::GnBtpHeaders;

#[path = "../benches/fixtures/mod.rs"]
mod fixtures;

use fixtures::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("setup", String::as_str);
    let n: u32 = args.get(2).map_or(1000, |s| s.parse().unwrap());

    let spdu = spdu();
    let repr = wsmp_repr(SPDU_LEN);
    let prefix = repr.header_prefix().unwrap();
    let mut headers = GnBtpHeaders::new(&gn_repr(TST_BASE, 0), &btp()).unwrap();
    let mut buf = BytesMut::with_capacity(4096);
    let wsmp_rx = received(EtherType::WSMP, wsmp_fresh(&repr, &spdu));
    let gn_rx = received(EtherType::GEONETWORKING, gn_fresh(TST_BASE, &spdu));

    match mode {
        "setup" => {}
        "wsmp_prefix" => {
            for _ in 0..n {
                black_box(wsmp_prefixed(&prefix, black_box(&spdu[..]), &mut buf));
            }
        }
        "wsmp_fresh" => {
            for _ in 0..n {
                black_box(wsmp_fresh(black_box(&repr), black_box(&spdu)));
            }
        }
        "gn_template" => {
            for i in 0..n {
                let tst = TST_BASE.wrapping_add(i);
                black_box(gn_templated(
                    &mut headers,
                    tst,
                    black_box(&spdu[..]),
                    &mut buf,
                ));
            }
        }
        "gn_fresh" => {
            for i in 0..n {
                black_box(gn_fresh(TST_BASE.wrapping_add(i), black_box(&spdu)));
            }
        }
        "demux_wsmp" => {
            for _ in 0..n {
                black_box(demux(black_box(&wsmp_rx)).unwrap());
            }
        }
        "demux_gn" => {
            for _ in 0..n {
                black_box(demux(black_box(&gn_rx)).unwrap());
            }
        }
        other => panic!("unknown mode {other}"),
    }
}
