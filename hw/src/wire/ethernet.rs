//! Ethernet II framing (IEEE 802.3 with an EtherType), the form every V2X radio interface
//! converts to and from: a Linux OCB netdev, the UDP medium, the pcap capture.

use std::fmt;
use std::str::FromStr;

use super::{Layer, WireError, field};

/// A 48-bit IEEE MAC address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// ff:ff:ff:ff:ff:ff, where V2X broadcasts go.
    pub const BROADCAST: MacAddr = MacAddr([0xFF; 6]);

    pub const fn is_broadcast(&self) -> bool {
        matches!(self.0, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    /// Group (multicast or broadcast) addresses have the I/G bit set.
    pub const fn is_group(&self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// A locally administered unicast address (U/L bit set, I/G clear), as pseudonymous
    /// stations and simulated nodes use.
    pub const fn local(bytes: [u8; 6]) -> MacAddr {
        let mut b = bytes;
        b[0] = (b[0] | 0x02) & !0x01;
        MacAddr(b)
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

/// Why a MAC address string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("MAC address {0:?}: expected six hex octets separated by ':' or '-'")]
pub struct MacAddrError(pub String);

impl FromStr for MacAddr {
    type Err = MacAddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || MacAddrError(s.into());
        let mut out = [0u8; 6];
        let mut parts = s.trim().split([':', '-']);
        for o in &mut out {
            let p = parts.next().ok_or_else(bad)?;
            if p.len() != 2 {
                return Err(bad());
            }
            *o = u8::from_str_radix(p, 16).map_err(|_| bad())?;
        }
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(MacAddr(out))
    }
}

/// An EtherType. The three a V2X radio carries have names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EtherType(pub u16);

impl EtherType {
    /// IEEE 1609.3 WAVE Short Message Protocol.
    pub const WSMP: EtherType = EtherType(0x88DC);
    /// ETSI GeoNetworking.
    pub const GEONETWORKING: EtherType = EtherType(0x8947);
    /// IPv6, for the IP services 1609.3 allows over the radio link.
    pub const IPV6: EtherType = EtherType(0x86DD);
    /// China's DSMP on this project's Ethernet framing. On the air DSMP rides LTE-V2X PC5
    /// non-IP, where its adaptation-layer octet, not an EtherType, names the protocol; no
    /// EtherType is registered for it. IEEE 802's Local Experimental EtherType 1 keeps such
    /// frames (in a pcap, on the UDP medium) from being read as malformed WSMP by WSMP
    /// receivers and dissectors.
    pub const DSMP: EtherType = EtherType(0x88B5);

    /// A short name for logs and metric labels.
    pub const fn name(self) -> &'static str {
        match self.0 {
            0x88DC => "wsmp",
            0x8947 => "geonetworking",
            0x86DD => "ipv6",
            0x88B5 => "dsmp",
            _ => "other",
        }
    }
}

impl fmt::Display for EtherType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#06x}", self.0)
    }
}

/// A zero-copy view of an Ethernet II frame (no FCS).
#[derive(Debug, Clone)]
pub struct EthernetFrame<T: AsRef<[u8]>> {
    buffer: T,
}

/// Destination, source and EtherType: 14 bytes.
pub const HEADER_LEN: usize = 14;

impl<T: AsRef<[u8]>> EthernetFrame<T> {
    /// Wraps a buffer without checking it; accessors may then panic. Prefer `new_checked`.
    pub const fn new_unchecked(buffer: T) -> Self {
        EthernetFrame { buffer }
    }

    /// Wraps a buffer that holds at least a whole header.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        field(Layer::Ethernet, "header", buffer.as_ref(), 0, HEADER_LEN)?;
        Ok(EthernetFrame { buffer })
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn mac(&self, at: usize) -> MacAddr {
        let mut m = [0u8; 6];
        m.copy_from_slice(&self.buffer.as_ref()[at..at + 6]);
        MacAddr(m)
    }

    pub fn dst(&self) -> MacAddr {
        self.mac(0)
    }

    pub fn src(&self) -> MacAddr {
        self.mac(6)
    }

    pub fn ethertype(&self) -> EtherType {
        let b = self.buffer.as_ref();
        EtherType(u16::from_be_bytes([b[12], b[13]]))
    }

    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> EthernetFrame<T> {
    pub fn set_dst(&mut self, m: MacAddr) {
        self.buffer.as_mut()[0..6].copy_from_slice(&m.0);
    }

    pub fn set_src(&mut self, m: MacAddr) {
        self.buffer.as_mut()[6..12].copy_from_slice(&m.0);
    }

    pub fn set_ethertype(&mut self, t: EtherType) {
        self.buffer.as_mut()[12..14].copy_from_slice(&t.0.to_be_bytes());
    }

    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[HEADER_LEN..]
    }
}

/// The high-level form of an Ethernet II header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EthernetRepr {
    pub dst: MacAddr,
    pub src: MacAddr,
    pub ethertype: EtherType,
}

impl EthernetRepr {
    pub fn parse<T: AsRef<[u8]>>(frame: &EthernetFrame<T>) -> EthernetRepr {
        EthernetRepr {
            dst: frame.dst(),
            src: frame.src(),
            ethertype: frame.ethertype(),
        }
    }

    pub const fn header_len(&self) -> usize {
        HEADER_LEN
    }

    /// The 14 header bytes, for senders that put them in front of a payload.
    pub fn header_bytes(&self) -> [u8; HEADER_LEN] {
        let mut header = [0u8; HEADER_LEN];
        let mut frame = EthernetFrame::new_unchecked(&mut header[..]);
        frame.set_dst(self.dst);
        frame.set_src(self.src);
        frame.set_ethertype(self.ethertype);
        header
    }

    /// Writes the header into the first 14 bytes of `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let header = buf.get_mut(..HEADER_LEN).ok_or(WireError::Emit {
            layer: Layer::Ethernet,
            field: "header",
            reason: "buffer shorter than 14 bytes",
        })?;
        header.copy_from_slice(&self.header_bytes());
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_on_hand_checked_bytes() {
        let bytes = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0xc0, 0xff, 0xee, 0x88, 0xdc,
            0x0b,
        ];
        let frame = EthernetFrame::new_checked(&bytes[..]).unwrap();
        let repr = EthernetRepr::parse(&frame);
        assert_eq!(repr.dst, MacAddr::BROADCAST);
        assert_eq!(repr.src.to_string(), "02:00:00:c0:ff:ee");
        assert_eq!(repr.ethertype, EtherType::WSMP);
        assert_eq!(frame.payload(), &[0x0b]);
        let mut out = [0u8; 14];
        repr.emit(&mut out).unwrap();
        assert_eq!(out, bytes[..14]);
    }

    #[test]
    fn short_buffers_are_refused() {
        assert!(matches!(
            EthernetFrame::new_checked(&[0u8; 13][..]),
            Err(WireError::Truncated {
                needed: 14,
                available: 13,
                ..
            })
        ));
        let repr = EthernetRepr {
            dst: MacAddr::BROADCAST,
            src: MacAddr::default(),
            ethertype: EtherType::IPV6,
        };
        assert!(repr.emit(&mut [0u8; 10]).is_err());
    }

    #[test]
    fn mac_text_forms() {
        let m: MacAddr = "02-00-00-C0-FF-EE".parse().unwrap();
        assert_eq!(m.to_string(), "02:00:00:c0:ff:ee");
        for bad in [
            "",
            "02:00:00:c0:ff",
            "02:00:00:c0:ff:ee:01",
            "2:00:00:c0:ff:ee",
            "zz:00:00:00:00:00",
        ] {
            assert!(bad.parse::<MacAddr>().is_err(), "{bad}");
        }
        assert!(MacAddr::BROADCAST.is_broadcast() && MacAddr::BROADCAST.is_group());
        let l = MacAddr::local([0x01, 1, 2, 3, 4, 5]);
        assert_eq!(l.0[0], 0x02);
        assert!(!l.is_group());
    }
}
