//! The receive-side demultiplexer: EtherType first, then the network header of the frame's
//! protocol family, handing each upper layer its data as a slice of the received buffer.
//!
//! - `0x88DC`: WSMP (IEEE 1609.3), or DSMP (China) when the first octet is DSMP's
//!   adaptation-layer type: a WSMP v3 first octet always carries version bits 3, DSMP's is 4
//!   (accepted from stacks that put DSMP under the WSMP EtherType; we send it as below).
//! - `0x88B5` ([`EtherType::DSMP`]): DSMP as this project frames it.
//! - `0x8947`: GeoNetworking, then BTP-A/B when the common header says so. A secured packet
//!   (basic next header 2) goes up undissected: its common header is inside the signed data.
//! - `0x86DD`: IPv6, for [`crate::ip::IpServices`]: smoltcp would drop the other EtherTypes,
//!   so only these frames are handed to it.
//!
//! Sans-IO and stateless: the caller counts outcomes with [`Network::kind`] and
//! [`DemuxError::code`] / [`DemuxError::layer`] as labels.

use bytes::Bytes;

use crate::radio::RxFrame;
use crate::wire::{
    BasicHeader, BasicNextHeader, BtpPacket, BtpRepr, DsmpPacket, DsmpRepr, EtherType,
    GeoNetworkingPacket, GeoNetworkingRepr, Layer, WireError, WsmpPacket, WsmpRepr, btp, is_dsmp,
};

/// A received frame's network layer, parsed, with the data it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Network {
    /// A WAVE Short Message: usually an IEEE 1609.2 SPDU around a J2735 MessageFrame.
    Wsmp { header: WsmpRepr, data: Bytes },
    /// A DSMP message: a T/CSAE 53 message frame.
    Dsmp { header: DsmpRepr, data: Bytes },
    /// An unsecured GeoNetworking packet; `transport` is its BTP header when it has one, and
    /// `data` what follows (a facilities message such as a CAM or SPATEM, or IPv6).
    GeoNetworking {
        header: GeoNetworkingRepr,
        transport: Option<BtpRepr>,
        data: Bytes,
    },
    /// A secured GeoNetworking packet: the basic header and the TS 103 097 secured packet
    /// after it, for the security layer to verify before the rest is parsed
    /// ([`GeoNetworkingRepr::parse_inner`]).
    GeoNetworkingSecured { basic: BasicHeader, secured: Bytes },
    /// An IPv6 packet, for the IP services.
    Ipv6 { packet: Bytes },
}

impl Network {
    /// A stable label: `wsmp`, `dsmp`, `geonetworking`, `geonetworking_secured` or `ipv6`.
    pub const fn kind(&self) -> &'static str {
        match self {
            Network::Wsmp { .. } => "wsmp",
            Network::Dsmp { .. } => "dsmp",
            Network::GeoNetworking { .. } => "geonetworking",
            Network::GeoNetworkingSecured { .. } => "geonetworking_secured",
            Network::Ipv6 { .. } => "ipv6",
        }
    }
}

/// Why a received frame was dropped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemuxError {
    /// An EtherType the RSU does not handle.
    #[error("EtherType {0} is not WSMP, GeoNetworking or IPv6")]
    EtherType(EtherType),
    /// The network or transport header is malformed.
    #[error(transparent)]
    Wire(#[from] WireError),
}

impl DemuxError {
    /// A stable reason code for the counter of dropped frames.
    pub const fn code(&self) -> &'static str {
        match self {
            DemuxError::EtherType(_) => "ethertype",
            DemuxError::Wire(e) => e.code(),
        }
    }

    /// The layer at fault (Ethernet for an unknown EtherType).
    pub const fn layer(&self) -> Layer {
        match self {
            DemuxError::EtherType(_) => Layer::Ethernet,
            DemuxError::Wire(e) => e.layer(),
        }
    }
}

/// Parses a received frame's network (and, for GeoNetworking, transport) header.
pub fn demux(frame: &RxFrame) -> Result<Network, DemuxError> {
    let payload = &frame.payload;
    match frame.ethertype {
        EtherType::DSMP => dsmp(payload),
        EtherType::WSMP if payload.first().copied().is_some_and(is_dsmp) => dsmp(payload),
        EtherType::WSMP => {
            let packet = WsmpPacket::new_checked(payload.as_ref())?;
            Ok(Network::Wsmp {
                header: WsmpRepr::parse(&packet)?,
                data: payload.slice_ref(packet.payload()),
            })
        }
        EtherType::GEONETWORKING => geonetworking(payload),
        EtherType::IPV6 => Ok(Network::Ipv6 {
            packet: payload.clone(),
        }),
        other => Err(DemuxError::EtherType(other)),
    }
}

fn dsmp(payload: &Bytes) -> Result<Network, DemuxError> {
    let packet = DsmpPacket::new_checked(payload.as_ref())?;
    Ok(Network::Dsmp {
        header: DsmpRepr::parse(&packet)?,
        data: payload.slice_ref(packet.payload()),
    })
}

fn geonetworking(payload: &Bytes) -> Result<Network, DemuxError> {
    let basic = BasicHeader::parse(payload)?;
    if basic.next_header == BasicNextHeader::SecuredPacket {
        return Ok(Network::GeoNetworkingSecured {
            basic,
            secured: payload.slice(basic.header_len()..),
        });
    }
    let packet = GeoNetworkingPacket::new_checked(payload.as_ref())?;
    let header = GeoNetworkingRepr::parse(&packet)?;
    let data = payload.slice_ref(packet.payload());
    let Some(kind) = header.common.next_header.btp_kind() else {
        return Ok(Network::GeoNetworking {
            header,
            transport: None,
            data,
        });
    };
    let btp =
        BtpPacket::new_checked(data.as_ref()).map_err(|e| offset_by(e, packet.header_len()))?;
    let transport = BtpRepr::parse(&btp, kind);
    Ok(Network::GeoNetworking {
        header,
        transport: Some(transport),
        data: data.slice(btp::HEADER_LEN..),
    })
}

/// Makes a BTP error's offset count from the start of the GeoNetworking packet.
fn offset_by(e: WireError, by: usize) -> WireError {
    match e {
        WireError::Truncated {
            layer,
            field,
            offset,
            needed,
            available,
        } => WireError::Truncated {
            layer,
            field,
            offset: offset + by,
            needed,
            available,
        },
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Psid;
    use crate::radio::RxMeta;
    use crate::wire::{
        Aid, BtpPort, CommonNextHeader, LongPositionVector, MacAddr, Timestamp, TrafficClass,
    };

    fn rx(ethertype: EtherType, payload: Vec<u8>) -> RxFrame {
        RxFrame {
            src: MacAddr::local([0, 0, 0, 0, 0, 1]),
            dst: MacAddr::BROADCAST,
            ethertype,
            payload: Bytes::from(payload),
            meta: RxMeta {
                channel: Some(172),
                rssi_dbm: None,
                rate: None,
                timestamp: tokio::time::Instant::now(),
            },
        }
    }

    #[test]
    fn wsmp_gives_its_data_as_a_slice_of_the_frame() {
        // radio.md §1.1: channel 172, 6 Mb/s, 20 dBm, PSID 0x82, 3 octets of data.
        let frame = rx(
            EtherType::WSMP,
            vec![
                0x0b, 0x03, 0x0f, 0x01, 0xac, 0x10, 0x01, 0x0c, 0x04, 0x01, 0x94, 0x00, 0x80, 0x02,
                0x03, 0x03, 0x80, 0x00,
            ],
        );
        let Ok(Network::Wsmp { header, data }) = demux(&frame) else {
            panic!("not WSMP: {:?}", demux(&frame));
        };
        assert_eq!(header.psid, Psid::INTERSECTION);
        assert_eq!(header.channel, Some(172));
        assert_eq!(&data[..], &[0x03, 0x80, 0x00]);
        // Zero copy: the data points into the received buffer.
        assert_eq!(data.as_ptr(), frame.payload[15..].as_ptr());
    }

    #[test]
    fn dsmp_under_its_own_ethertype_or_the_wsmp_one() {
        let repr = DsmpRepr::new(Aid::new(0x1234).unwrap(), 2);
        let mut buf = vec![0u8; repr.buffer_len()];
        let n = repr.emit(&mut buf).unwrap();
        buf[n..].copy_from_slice(&[0xAA, 0xBB]);
        for ethertype in [EtherType::DSMP, EtherType::WSMP] {
            let Ok(Network::Dsmp { header, data }) = demux(&rx(ethertype, buf.clone())) else {
                panic!("not DSMP under {ethertype}");
            };
            assert_eq!(header.aid, Aid::new(0x1234).unwrap());
            assert_eq!(&data[..], &[0xAA, 0xBB]);
        }
        // Under its own EtherType a frame must be DSMP: WSMP there is refused.
        let wsmp = [0x03, 0x00, 0x20, 0x00];
        let err = demux(&rx(EtherType::DSMP, wsmp.to_vec())).unwrap_err();
        assert_eq!(err.layer(), Layer::Dsmp);
    }

    fn gn_shb(port: u16, message: &[u8]) -> Vec<u8> {
        let source = LongPositionVector::rsu(
            MacAddr::local([0, 0, 0, 0, 0, 1]),
            Timestamp(7),
            476_957_100,
            85_413_000,
        );
        let btp = BtpRepr::B {
            dst_port: BtpPort(port),
            dst_port_info: 0,
        };
        let gn = GeoNetworkingRepr::shb(
            source,
            CommonNextHeader::for_btp(btp.kind()),
            TrafficClass::from_raw(0x02),
        )
        .with_payload_len((btp.header_len() + message.len()) as u16);
        let mut out = vec![0u8; gn.buffer_len()];
        let n = gn.emit(&mut out).unwrap();
        btp.emit(&mut out[n..]).unwrap();
        out[n + 4..].copy_from_slice(message);
        out
    }

    #[test]
    fn geonetworking_then_btp() {
        let frame = rx(EtherType::GEONETWORKING, gn_shb(2004, &[1, 2, 3]));
        let Ok(Network::GeoNetworking {
            header,
            transport: Some(transport),
            data,
        }) = demux(&frame)
        else {
            panic!("not GN+BTP: {:?}", demux(&frame));
        };
        assert_eq!(header.payload_len, 7);
        assert_eq!(transport.dst_port(), BtpPort(2004));
        assert_eq!(&data[..], &[1, 2, 3]);
    }

    #[test]
    fn a_gn_payload_too_short_for_btp_is_refused() {
        // Common header says BTP-B with a 2-octet payload: no room for the 4-octet header.
        let mut bytes = gn_shb(2004, &[]);
        bytes.truncate(bytes.len() - 2);
        let pl = bytes.len() - 40;
        bytes[8..10].copy_from_slice(&(pl as u16).to_be_bytes());
        let err = demux(&rx(EtherType::GEONETWORKING, bytes)).unwrap_err();
        assert_eq!(err.layer(), Layer::Btp);
        assert_eq!(err.code(), "truncated");
        assert!(matches!(
            err,
            DemuxError::Wire(WireError::Truncated { offset: 40, .. })
        ));
    }

    #[test]
    fn secured_geonetworking_goes_up_whole() {
        // Basic header with NH 2 (secured packet), then the start of a TS 103 097 SPDU.
        let frame = rx(
            EtherType::GEONETWORKING,
            vec![0x12, 0x00, 0x1a, 0x01, 0x03, 0x81],
        );
        let Ok(Network::GeoNetworkingSecured { basic, secured }) = demux(&frame) else {
            panic!("not secured GN");
        };
        assert_eq!(basic.remaining_hop_limit, 1);
        assert_eq!(&secured[..], &[0x03, 0x81]);
    }

    #[test]
    fn rejections_carry_layer_and_reason() {
        let err = demux(&rx(EtherType(0x0800), vec![0x45])).unwrap_err();
        assert_eq!((err.layer(), err.code()), (Layer::Ethernet, "ethertype"));
        let err = demux(&rx(EtherType::WSMP, vec![0x0b])).unwrap_err();
        assert_eq!((err.layer(), err.code()), (Layer::Wsmp, "truncated"));
        let err = demux(&rx(EtherType::GEONETWORKING, vec![0x31, 0, 0, 1])).unwrap_err();
        assert_eq!(
            (err.layer(), err.code()),
            (Layer::GeoNetworking, "unsupported")
        );
        let Ok(Network::Ipv6 { packet }) = demux(&rx(EtherType::IPV6, vec![0x60])) else {
            panic!("not IPv6");
        };
        assert_eq!(&packet[..], &[0x60]);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_frames_never_panic(
            ethertype in proptest::prop_oneof![
                proptest::strategy::Just(0x88DCu16),
                proptest::strategy::Just(0x8947u16),
                proptest::prelude::any::<u16>(),
            ],
            payload in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
        ) {
            let _ = demux(&rx(EtherType(ethertype), payload));
        }
    }
}
