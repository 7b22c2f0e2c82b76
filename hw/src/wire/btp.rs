//! ETSI Basic Transport Protocol (EN 302 636-5-1 §7): the 4-octet header between a
//! GeoNetworking packet and the facilities message it carries, and the well-known ports
//! (TS 103 248).
//!
//! BTP has no type field of its own: the GeoNetworking common header's next header says
//! whether BTP-A (interactive: destination and source port) or BTP-B (non-interactive:
//! destination port and destination port info) follows, so parsing takes a [`BtpKind`].

use std::fmt;

use super::{Layer, WireError, field};

/// Both BTP headers are 4 octets.
pub const HEADER_LEN: usize = 4;

/// A BTP port number. The well-known ones (TS 103 248) have names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BtpPort(pub u16);

impl BtpPort {
    /// Cooperative awareness basic service: CAM (EN 302 637-2).
    pub const CAM: BtpPort = BtpPort(2001);
    /// Decentralized environmental notification basic service: DENM (EN 302 637-3).
    pub const DENM: BtpPort = BtpPort(2002);
    /// Road and lane topology service: MAPEM (TS 103 301).
    pub const MAPEM: BtpPort = BtpPort(2003);
    /// Traffic light manoeuvre service: SPATEM (TS 103 301).
    pub const SPATEM: BtpPort = BtpPort(2004);
    /// Infrastructure to vehicle information service: IVIM (TS 103 301).
    pub const IVIM: BtpPort = BtpPort(2006);
    /// Traffic light control service, request: SREM (TS 103 301).
    pub const SREM: BtpPort = BtpPort(2007);
    /// Traffic light control service, status: SSEM (TS 103 301).
    pub const SSEM: BtpPort = BtpPort(2008);
    /// Collective perception service: CPM (TS 103 324).
    pub const CPM: BtpPort = BtpPort(2009);
    /// GNSS positioning correction service: RTCMEM (TS 103 301).
    pub const RTCMEM: BtpPort = BtpPort(2013);

    /// The message the port carries, for logs and metric labels.
    pub const fn name(self) -> &'static str {
        match self.0 {
            2001 => "cam",
            2002 => "denm",
            2003 => "mapem",
            2004 => "spatem",
            2006 => "ivim",
            2007 => "srem",
            2008 => "ssem",
            2009 => "cpm",
            2013 => "rtcmem",
            _ => "other",
        }
    }
}

impl fmt::Display for BtpPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Which of the two BTP headers follows, as the GeoNetworking common header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BtpKind {
    /// BTP-A, for interactive transport: destination port, source port.
    A,
    /// BTP-B, for non-interactive transport (what broadcasts use): destination port,
    /// destination port info.
    B,
}

/// A zero-copy view of a BTP header and the facilities message after it.
#[derive(Debug, Clone)]
pub struct BtpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> BtpPacket<T> {
    /// Wraps a buffer without checking it; accessors may then panic. Prefer `new_checked`.
    pub const fn new_unchecked(buffer: T) -> Self {
        BtpPacket { buffer }
    }

    /// Wraps a buffer that holds at least the 4-octet header.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        field(Layer::Btp, "header", buffer.as_ref(), 0, HEADER_LEN)?;
        Ok(BtpPacket { buffer })
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn u16_at(&self, at: usize) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_be_bytes([b[at], b[at + 1]])
    }

    /// Octets 0–1, in both kinds.
    pub fn destination_port(&self) -> BtpPort {
        BtpPort(self.u16_at(0))
    }

    /// Octets 2–3 read as BTP-A's source port.
    pub fn source_port(&self) -> BtpPort {
        BtpPort(self.u16_at(2))
    }

    /// Octets 2–3 read as BTP-B's destination port info (0 unless a service defines it).
    pub fn destination_port_info(&self) -> u16 {
        self.u16_at(2)
    }

    /// The facilities message.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> BtpPacket<T> {
    pub fn set_destination_port(&mut self, port: BtpPort) {
        self.buffer.as_mut()[0..2].copy_from_slice(&port.0.to_be_bytes());
    }

    pub fn set_source_port(&mut self, port: BtpPort) {
        self.buffer.as_mut()[2..4].copy_from_slice(&port.0.to_be_bytes());
    }

    pub fn set_destination_port_info(&mut self, info: u16) {
        self.buffer.as_mut()[2..4].copy_from_slice(&info.to_be_bytes());
    }

    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[HEADER_LEN..]
    }
}

/// The high-level form of a BTP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BtpRepr {
    /// BTP-A (EN 302 636-5-1 §7.2).
    A {
        dst_port: BtpPort,
        src_port: BtpPort,
    },
    /// BTP-B (EN 302 636-5-1 §7.3).
    B {
        dst_port: BtpPort,
        dst_port_info: u16,
    },
}

impl BtpRepr {
    /// Reads the header as `kind`, which the GeoNetworking common header names.
    pub fn parse<T: AsRef<[u8]>>(packet: &BtpPacket<T>, kind: BtpKind) -> BtpRepr {
        match kind {
            BtpKind::A => BtpRepr::A {
                dst_port: packet.destination_port(),
                src_port: packet.source_port(),
            },
            BtpKind::B => BtpRepr::B {
                dst_port: packet.destination_port(),
                dst_port_info: packet.destination_port_info(),
            },
        }
    }

    pub const fn kind(&self) -> BtpKind {
        match self {
            BtpRepr::A { .. } => BtpKind::A,
            BtpRepr::B { .. } => BtpKind::B,
        }
    }

    /// The port the receiver demultiplexes on.
    pub const fn dst_port(&self) -> BtpPort {
        match self {
            BtpRepr::A { dst_port, .. } | BtpRepr::B { dst_port, .. } => *dst_port,
        }
    }

    pub const fn header_len(&self) -> usize {
        HEADER_LEN
    }

    /// The header plus a facilities message of `payload_len` octets.
    pub const fn buffer_len(&self, payload_len: usize) -> usize {
        HEADER_LEN + payload_len
    }

    /// Writes the header into the first 4 bytes of `buf`; returns 4.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let header = buf.get_mut(..HEADER_LEN).ok_or(WireError::Emit {
            layer: Layer::Btp,
            field: "header",
            reason: "buffer shorter than 4 bytes",
        })?;
        let mut packet = BtpPacket::new_unchecked(header);
        match *self {
            BtpRepr::A { dst_port, src_port } => {
                packet.set_destination_port(dst_port);
                packet.set_source_port(src_port);
            }
            BtpRepr::B {
                dst_port,
                dst_port_info,
            } => {
                packet.set_destination_port(dst_port);
                packet.set_destination_port_info(dst_port_info);
            }
        }
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn btp_b_to_cam_on_hand_checked_bytes() {
        // From the CAM-over-SHB example in radio.md §3: 07 d1 = 2001 (CAM), 00 00 = no
        // destination port info; then the CAM's ItsPduHeader (version 2, messageID 2).
        let bytes = [0x07, 0xd1, 0x00, 0x00, 0x02, 0x02];
        let packet = BtpPacket::new_checked(&bytes[..]).unwrap();
        let repr = BtpRepr::parse(&packet, BtpKind::B);
        assert_eq!(
            repr,
            BtpRepr::B {
                dst_port: BtpPort::CAM,
                dst_port_info: 0
            }
        );
        assert_eq!(repr.dst_port().name(), "cam");
        assert_eq!(packet.payload(), &[0x02, 0x02]);
        let mut out = [0u8; 4];
        assert_eq!(repr.emit(&mut out), Ok(4));
        assert_eq!(out, bytes[..4]);
    }

    #[test]
    fn btp_a_carries_a_source_port() {
        // 07 d4 = 2004 (SPATEM) destination, 80 01 = 32769 source.
        let bytes = [0x07, 0xd4, 0x80, 0x01];
        let packet = BtpPacket::new_checked(&bytes[..]).unwrap();
        let repr = BtpRepr::parse(&packet, BtpKind::A);
        assert_eq!(
            repr,
            BtpRepr::A {
                dst_port: BtpPort::SPATEM,
                src_port: BtpPort(0x8001)
            }
        );
        assert_eq!(repr.kind(), BtpKind::A);
        assert!(packet.payload().is_empty());
        let mut out = [0u8; 4];
        repr.emit(&mut out).unwrap();
        assert_eq!(out, bytes);
    }

    #[test]
    fn short_buffers_are_refused() {
        for n in 0..HEADER_LEN {
            assert_eq!(
                BtpPacket::new_checked(&[0u8; 4][..n]).err(),
                Some(WireError::Truncated {
                    layer: Layer::Btp,
                    field: "header",
                    offset: 0,
                    needed: 4,
                    available: n,
                })
            );
        }
        let repr = BtpRepr::B {
            dst_port: BtpPort::DENM,
            dst_port_info: 0,
        };
        assert!(matches!(
            repr.emit(&mut [0u8; 3]),
            Err(WireError::Emit {
                layer: Layer::Btp,
                ..
            })
        ));
    }

    #[test]
    fn port_numbers_per_ts_103_248() {
        let ports = [
            (BtpPort::CAM, 2001, "cam"),
            (BtpPort::DENM, 2002, "denm"),
            (BtpPort::MAPEM, 2003, "mapem"),
            (BtpPort::SPATEM, 2004, "spatem"),
            (BtpPort::IVIM, 2006, "ivim"),
            (BtpPort::SREM, 2007, "srem"),
            (BtpPort::SSEM, 2008, "ssem"),
            (BtpPort::CPM, 2009, "cpm"),
            (BtpPort::RTCMEM, 2013, "rtcmem"),
        ];
        for (port, number, name) in ports {
            assert_eq!(port.0, number);
            assert_eq!(port.name(), name);
            assert_eq!(port.to_string(), number.to_string());
        }
        assert_eq!(BtpPort(2005).name(), "other");
    }

    fn any_repr() -> impl Strategy<Value = BtpRepr> {
        prop_oneof![
            (any::<u16>(), any::<u16>()).prop_map(|(d, s)| BtpRepr::A {
                dst_port: BtpPort(d),
                src_port: BtpPort(s)
            }),
            (any::<u16>(), any::<u16>()).prop_map(|(d, i)| BtpRepr::B {
                dst_port: BtpPort(d),
                dst_port_info: i
            }),
        ]
    }

    proptest! {
        #[test]
        fn any_repr_round_trips(repr in any_repr(), payload in proptest::collection::vec(any::<u8>(), 0..8)) {
            let mut buf = vec![0u8; repr.buffer_len(payload.len())];
            prop_assert_eq!(repr.emit(&mut buf), Ok(HEADER_LEN));
            buf[HEADER_LEN..].copy_from_slice(&payload);
            let packet = BtpPacket::new_checked(&buf[..]).unwrap();
            prop_assert_eq!(BtpRepr::parse(&packet, repr.kind()), repr);
            prop_assert_eq!(packet.payload(), &payload[..]);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..12)) {
            if let Ok(packet) = BtpPacket::new_checked(&bytes[..]) {
                let _ = BtpRepr::parse(&packet, BtpKind::A);
                let _ = BtpRepr::parse(&packet, BtpKind::B);
                prop_assert_eq!(packet.payload().len(), bytes.len() - HEADER_LEN);
            } else {
                prop_assert!(bytes.len() < HEADER_LEN);
            }
        }
    }
}
