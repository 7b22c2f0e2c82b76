//! The radio-side hot path for one signed SPaT SPDU of 300 octets (arbitrary bytes here: the
//! framing never looks inside), from the encoded SPDU to a frame on the medium and back.
//!
//! - `wsmp_frame`: the WSMP header (channel 172, 6 Mb/s, 20 dBm, PSID 0x82) plus the SPDU,
//!   ending as a `Bytes` ready for a `TxFrame`. `prefix_bytesmut` is the broadcaster's way:
//!   a `WsmpHeaderPrefix` computed once writes the header for this length into a reused
//!   `BytesMut`, the SPDU is appended and the frame split off and frozen (no copy; the
//!   allocation is reclaimed once earlier frames are dropped). `prefix_vec_copy` does the
//!   same in a reused `Vec` and copies it into a new `Bytes`. `fresh_emit_with_payload`
//!   is the naive way: `WsmpRepr::emit_with_payload` into a new `Vec` per frame, turned
//!   into `Bytes`.
//! - `gn_frame`: GeoNetworking SHB + BTP-B to port 2004 in front of the SPDU. `template_bytesmut`
//!   patches a `GnBtpHeaders` made once (payload length, TST, position) and copies it and
//!   the SPDU into a reused `BytesMut`; `fresh_emit` builds the `GeoNetworkingRepr` with the
//!   new TST and emits it and the `BtpRepr` into a new `Vec` per frame.
//! - `demux`: `rsu_hw::demux::demux` of a received WSMP frame and of a GN SHB + BTP-B frame
//!   (header parsing and the zero-copy slice of the data; no security).
//! - `loopback_send`: one frame sent by one node of a `LoopbackMedium` (perfect link, no
//!   delay) and received by the only other node, send and recv together. The runtime is a
//!   current-thread tokio runtime with its clock paused: the receiver's wait for the frame's
//!   802.11p airtime (about 0.5 ms) is skipped by auto-advance, so what is timed is the CPU
//!   cost (medium lock, airtime arithmetic, receive heap, timer registration and the
//!   runtime's park and clock advance), not the sleep. One `block_on` per sample, timed with
//!   the real clock around the loop of iterations.
//! - `pcap_write`: `PcapWriter::write_frame` of the WSMP frame as an Ethernet record, into
//!   `io::sink()` (the record's own encoding and allocations) and into a 64 KiB
//!   `BufWriter` over the sink (plus the copy a buffered capture file makes; the writer
//!   cannot be emptied while `PcapWriter` owns it, so a growing `Vec` would grow without end).
//!
//! Wall-clock figures on the shared build machine are noisy; `examples/frame_cost.rs` counts
//! instructions of the framing and demux paths repeatably under valgrind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::io::{self, BufWriter};
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use criterion::{Criterion, criterion_group, criterion_main};
use rsu_hw::channels::{ChannelConfig, ChannelPlan, Region, Technology};
use rsu_hw::demux::demux;
use rsu_hw::radio::loopback::LoopbackConfig;
use rsu_hw::wire::GnBtpHeaders;
use rsu_hw::{
    CapturedFrame, DataRate, EtherType, LinkType, LoopbackMedium, MacAddr, PcapWriter, Radio,
    TxFrame,
};

mod fixtures;

use fixtures::*;

fn wsmp_frame(c: &mut Criterion) {
    let spdu = spdu();
    let repr = wsmp_repr(spdu.len());
    let prefix = repr.header_prefix().unwrap();
    let expected = wsmp_fresh(&repr, &spdu);
    let mut g = c.benchmark_group("wsmp_frame");

    let mut buf = BytesMut::with_capacity(4096);
    g.bench_function("prefix_bytesmut", |b| {
        b.iter(|| black_box(wsmp_prefixed(&prefix, black_box(&spdu[..]), &mut buf)));
    });
    // The bench would be meaningless if the fast path built another frame.
    assert_eq!(wsmp_prefixed(&prefix, &spdu, &mut buf), expected);

    let mut vec = Vec::with_capacity(4096);
    g.bench_function("prefix_vec_copy", |b| {
        b.iter(|| {
            let payload = black_box(&spdu[..]);
            vec.clear();
            vec.resize(prefix.header_len(payload.len()), 0);
            prefix.emit(payload.len(), &mut vec).unwrap();
            vec.extend_from_slice(payload);
            black_box(Bytes::copy_from_slice(&vec))
        });
    });

    g.bench_function("fresh_emit_with_payload", |b| {
        b.iter(|| black_box(wsmp_fresh(black_box(&repr), black_box(&spdu))));
    });
    g.finish();
}

fn gn_frame(c: &mut Criterion) {
    let spdu = spdu();
    let mut headers = GnBtpHeaders::new(&gn_repr(TST_BASE, 0), &btp()).unwrap();
    let mut g = c.benchmark_group("gn_frame");

    let mut buf = BytesMut::with_capacity(4096);
    let mut template =
        |tst: u32, payload: &[u8]| gn_templated(&mut headers, tst, payload, &mut buf);
    assert_eq!(template(TST_BASE + 7, &spdu), gn_fresh(TST_BASE + 7, &spdu));

    let mut tst = TST_BASE;
    g.bench_function("template_bytesmut", |b| {
        b.iter(|| {
            tst = tst.wrapping_add(100);
            black_box(template(tst, black_box(&spdu)))
        });
    });
    g.bench_function("fresh_emit", |b| {
        b.iter(|| {
            tst = tst.wrapping_add(100);
            black_box(gn_fresh(tst, black_box(&spdu)))
        });
    });
    g.finish();
}

fn demux_frames(c: &mut Criterion) {
    let spdu = spdu();
    let wsmp = received(EtherType::WSMP, wsmp_fresh(&wsmp_repr(spdu.len()), &spdu));
    let gn = received(EtherType::GEONETWORKING, gn_fresh(TST_BASE, &spdu));
    assert_eq!(demux(&wsmp).unwrap().kind(), "wsmp");
    assert_eq!(demux(&gn).unwrap().kind(), "geonetworking");

    let mut g = c.benchmark_group("demux");
    g.bench_function("wsmp", |b| b.iter(|| black_box(demux(black_box(&wsmp)))));
    g.bench_function("gn_shb_btp_b", |b| {
        b.iter(|| black_box(demux(black_box(&gn))))
    });
    g.finish();
}

fn loopback_send(c: &mut Criterion) {
    let frame = wsmp_fresh(&wsmp_repr(SPDU_LEN), &spdu());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    // The medium reads tokio's clock when made, so it is made inside the runtime.
    let (_medium, tx, rx) = rt.block_on(async {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let channels = ChannelConfig::default_for(
            ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap(),
        );
        let tx = medium.node(mac(), channels);
        let rx = medium.node(MacAddr::local([0, 0, 0, 0, 0, 2]), channels);
        (medium, tx, rx)
    });
    let mut tx_frame = TxFrame::broadcast(EtherType::WSMP, frame);
    tx_frame.meta.channel = Some(CHANNEL);
    tx_frame.meta.rate = Some(DataRate(12));
    tx_frame.meta.power_dbm = Some(20);

    let mut g = c.benchmark_group("loopback_send");
    g.bench_function("send_recv_paused_clock", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    tx.send(black_box(tx_frame.clone())).await.unwrap();
                    black_box(rx.recv().await.unwrap());
                }
                start.elapsed()
            })
        });
    });
    g.finish();
    // Every frame went to the receiver and none is left over.
    assert!(rx.try_recv().is_none());
}

fn pcap_write(c: &mut Criterion) {
    let frame = CapturedFrame::ethernet(
        MacAddr::BROADCAST,
        mac(),
        EtherType::WSMP,
        wsmp_fresh(&wsmp_repr(SPDU_LEN), &spdu()),
    );
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_763_164_800);
    let mut g = c.benchmark_group("pcap_write");

    let mut sink = PcapWriter::new(io::sink(), LinkType::Ethernet).unwrap();
    g.bench_function("ethernet_sink", |b| {
        b.iter(|| sink.write_frame(at, black_box(&frame)).unwrap());
    });
    let writer = BufWriter::with_capacity(64 * 1024, io::sink());
    let mut buffered = PcapWriter::new(writer, LinkType::Ethernet).unwrap();
    g.bench_function("ethernet_bufwriter", |b| {
        b.iter(|| buffered.write_frame(at, black_box(&frame)).unwrap());
    });
    g.finish();
}

criterion_group!(
    benches,
    wsmp_frame,
    gn_frame,
    demux_frames,
    loopback_send,
    pcap_write
);
criterion_main!(benches);
