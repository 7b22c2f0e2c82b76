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

use bytes::{Bytes, BytesMut};
use rsu_hw::demux::demux;
use rsu_hw::wire::{
    BtpPort, BtpRepr, CommonNextHeader, GeoNetworkingRepr, GnBtpHeaders, LongPositionVector,
    Timestamp, TrafficClass, WsmpRepr,
};
use rsu_hw::{DataRate, EtherType, MacAddr, Psid, RxFrame, RxMeta};

const SPDU_LEN: usize = 300;
const LATITUDE: i32 = 476_957_100;
const LONGITUDE: i32 = 85_413_000;
const TST_BASE: u32 = 0x5a3c_0000;

fn mac() -> MacAddr {
    MacAddr::local([0x02, 0, 0, 0x52, 0x53, 0x55])
}

fn btp() -> BtpRepr {
    BtpRepr::B {
        dst_port: BtpPort::SPATEM,
        dst_port_info: 0,
    }
}

fn gn_repr(tst: u32, message_len: usize) -> GeoNetworkingRepr {
    let source = LongPositionVector::rsu(mac(), Timestamp(tst), LATITUDE, LONGITUDE);
    GeoNetworkingRepr::shb(
        source,
        CommonNextHeader::for_btp(btp().kind()),
        TrafficClass::from_raw(0x02),
    )
    .with_payload_len((btp().header_len() + message_len) as u16)
}

fn gn_fresh(tst: u32, spdu: &[u8]) -> Bytes {
    let gn = gn_repr(tst, spdu.len());
    let btp = btp();
    let mut out = vec![0u8; gn.buffer_len()];
    let n = gn.emit(&mut out).unwrap();
    btp.emit(&mut out[n..]).unwrap();
    out[n + btp.header_len()..].copy_from_slice(spdu);
    Bytes::from(out)
}

fn wsmp_fresh(repr: &WsmpRepr, spdu: &[u8]) -> Bytes {
    let mut out = Vec::new();
    repr.emit_with_payload(spdu, &mut out).unwrap();
    Bytes::from(out)
}

fn received(ethertype: EtherType, payload: Bytes) -> RxFrame {
    RxFrame {
        src: mac(),
        dst: MacAddr::BROADCAST,
        ethertype,
        payload,
        meta: RxMeta {
            channel: Some(172),
            rssi_dbm: Some(-70),
            rate: Some(DataRate(12)),
            timestamp: tokio::time::Instant::now(),
        },
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("setup", String::as_str);
    let n: u32 = args.get(2).map_or(1000, |s| s.parse().unwrap());

    let spdu: Bytes = (0..SPDU_LEN)
        .map(|i| (i as u8).wrapping_mul(37).wrapping_add(11))
        .collect::<Vec<u8>>()
        .into();
    let repr = WsmpRepr {
        channel: Some(172),
        rate: Some(DataRate(12)),
        tx_power_dbm: Some(20),
        ..WsmpRepr::new(Psid::INTERSECTION, SPDU_LEN)
    };
    let prefix = repr.header_prefix().unwrap();
    let mut headers = GnBtpHeaders::new(&gn_repr(TST_BASE, 0), &btp()).unwrap();
    let mut buf = BytesMut::with_capacity(4096);
    let wsmp_rx = received(EtherType::WSMP, wsmp_fresh(&repr, &spdu));
    let gn_rx = received(EtherType::GEONETWORKING, gn_fresh(TST_BASE, &spdu));

    match mode {
        "setup" => {}
        "wsmp_prefix" => {
            for _ in 0..n {
                let payload = black_box(&spdu[..]);
                buf.resize(prefix.header_len(payload.len()), 0);
                prefix.emit(payload.len(), &mut buf).unwrap();
                buf.extend_from_slice(payload);
                black_box(buf.split().freeze());
            }
        }
        "wsmp_fresh" => {
            for _ in 0..n {
                black_box(wsmp_fresh(black_box(&repr), black_box(&spdu)));
            }
        }
        "gn_template" => {
            for i in 0..n {
                let payload = black_box(&spdu[..]);
                headers.set_message_len(payload.len()).unwrap();
                headers.set_timestamp(Timestamp(TST_BASE.wrapping_add(i)));
                headers
                    .set_source_position(black_box(LATITUDE), black_box(LONGITUDE))
                    .unwrap();
                buf.extend_from_slice(headers.as_bytes());
                buf.extend_from_slice(payload);
                black_box(buf.split().freeze());
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
