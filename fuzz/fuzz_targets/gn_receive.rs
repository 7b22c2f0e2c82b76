//! The EU receive path's structural checks on one GeoNetworking frame (the payload after the
//! EtherType 0x8947): demux, the TS 103 097 secured packet, the inner GeoNetworking and BTP
//! headers, ITS-AID against the BTP port, the facilities messageID against the port, and the
//! TS 103 097 receive profile (`rsu::forward::gn::check_frame`, what the receive task and the
//! verification workers apply before the signature check). It must never panic; a refusal
//! has a reason label; an accepted packet names an ITS-AID the port table knows.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use rsu::forward::gn::{check_frame, port_service};
use rsu_hw::radio::{RxFrame, RxMeta};
use rsu_hw::wire::{BtpPort, EtherType, MacAddr};

fuzz_target!(|data: &[u8]| {
    let frame = RxFrame {
        src: MacAddr([2, 0, 0, 0, 0, 1]),
        dst: MacAddr::BROADCAST,
        ethertype: EtherType::GEONETWORKING,
        payload: Bytes::copy_from_slice(data),
        meta: RxMeta {
            channel: None,
            rssi_dbm: None,
            rate: None,
            timestamp: tokio::time::Instant::now(),
        },
    };
    match check_frame(&frame) {
        Ok(Some((its_aid, _profile))) => {
            let known = [2001u16, 2002, 2003, 2004, 2006, 2007, 2008, 2009]
                .iter()
                .filter_map(|p| port_service(BtpPort(*p)))
                .any(|(aid, _)| aid == u64::from(its_aid.value()));
            assert!(known, "accepted an ITS-AID no port carries: {its_aid:?}");
        }
        Ok(None) => panic!("a GeoNetworking frame was not judged as one"),
        Err(e) => {
            assert!(!e.code().is_empty());
            let _ = e.to_string();
        }
    }
});
