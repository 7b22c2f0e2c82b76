//! A received radio frame: the first two bytes pick the EtherType, the rest is the payload.
//! `demux` must never panic, and what it accepts must re-emit: the header it parsed, written
//! again, parses to the same header (emit may order WSMP extensions its own way, so bytes are
//! not compared), and the data it hands up is exactly the payload after the header.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use rsu_hw::demux::{Network, demux};
use rsu_hw::radio::{RxFrame, RxMeta};
use rsu_hw::wire::{EtherType, MacAddr, WsmpPacket, WsmpRepr};

fuzz_target!(|data: &[u8]| {
    let Some((et, payload)) = data.split_first_chunk::<2>() else {
        return;
    };
    let frame = RxFrame {
        src: MacAddr([2, 0, 0, 0, 0, 1]),
        dst: MacAddr::BROADCAST,
        ethertype: EtherType(u16::from_be_bytes(*et)),
        payload: Bytes::copy_from_slice(payload),
        meta: RxMeta {
            channel: None,
            rssi_dbm: None,
            rate: None,
            timestamp: tokio::time::Instant::now(),
        },
    };
    let Ok(network) = demux(&frame) else {
        return;
    };
    if let Network::Wsmp { header, data } = network {
        let mut out = Vec::new();
        header
            .emit_with_payload(&data, &mut out)
            .unwrap_or_else(|e| panic!("parsed WSMP header does not emit: {e}\n{header:?}"));
        let again = WsmpPacket::new_checked(&out[..])
            .and_then(|p| WsmpRepr::parse(&p))
            .unwrap_or_else(|e| panic!("re-emitted WSMP does not parse: {e}"));
        assert_eq!(again, header, "WSMP header changed through emit");
    }
});
