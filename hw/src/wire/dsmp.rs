//! China's Dedicated Short Message Protocol (DSMP, YD/T 3707-2020 style): the network header
//! in front of CSAE 53 messages on LTE-V2X PC5.
//!
//! **Where the layout comes from.** No text of YD/T 3707 was available. The layout below is
//! reconstructed from one public C implementation (its `NetLay_Encode`/`NetLay_Decode` and
//! `DSMP.h`; see `reference/radio.md` §2.6). It must be verified against YD/T 3707-2020
//! before this ships.
//!
//! ```text
//! octet 0   adaptation-layer protocol type: 0x04 DSMP (0x00 IPv6, 0x05 IPv4)
//! octet 1   DSMP version (3 bits) = 0 | option indicator (1 bit) | reserved (4 bits)
//! [option]  count (1 octet), then count × { element ID (1), length (1), value }
//! AID       1 octet if ≤ 0x7F, else 2 octets holding AID + 0x7F80
//! length    2 octets, big-endian: the octets of data that follow
//! data      a CSAE 53 message (UPER), possibly inside a security wrapper
//! ```
//!
//! What that implementation shows and what we decided:
//! - Element IDs 4 (Tx power used), 12 (channel number) and 13 (data rate) belong to the
//!   DSMP header; it copies their values as opaque octets, so their value encodings are
//!   **not confirmed**. We use WSMP's (1609.3): a 1-octet channel number, a 1-octet rate in
//!   500 kb/s units, and power as dBm + 128. Other element IDs are kept opaque.
//! - The AID's 2-octet form is read like the 2-octet 1609.3 p-encoding (first octet
//!   `10xxxxxx`, AIDs 0x80..=0x407F). That implementation takes any first octet ≥ 0x80 as the
//!   2-octet form, which would stretch to 0x807F; we refuse a first octet ≥ 0xC0 as invalid.
//! - The length must equal the bytes after it exactly (the implementation tolerates trailing
//!   bytes).
//! - The 4 reserved bits are written as 0 and ignored on parse, so a future use of them does
//!   not make us drop frames; [`DsmpPacket::reserved`] shows them. Like an option indicator
//!   with a count of 0, they are not reproduced by parse→emit.
//!
//! **Sharing EtherType 0x88DC with WSMP.** On our Ethernet-framed radio interface a DSMP
//! packet may arrive under the WSMP EtherType. The first octet tells them apart: a WSMP v3
//! header's low 3 bits are always 3 (`xxxxx011`), and a 1609.3-2010 WSM starts with 0x02,
//! while DSMP's first octet is the adaptation type 0x04 (`00000100`). [`is_dsmp`] is the
//! test for the demultiplexer. A future WSMP version 4 with subtype 0 and no extensions
//! would also start 0x04; revisit this if 1609.3 ever moves past version 3.

use super::ext::{self, ExtFields, ExtNames, Format, Header, Writer, octets};
use super::wsmp::{Extension, ExtensionElement};
use super::{Layer, WireError};
use crate::radio::DataRate;

const LAYER: Layer = Layer::Dsmp;

/// Adaptation-layer protocol type of an IPv6 packet.
pub const PROTOCOL_TYPE_IPV6: u8 = 0x00;
/// Adaptation-layer protocol type of a DSMP packet.
pub const PROTOCOL_TYPE_DSMP: u8 = 0x04;
/// Adaptation-layer protocol type of an IPv4 packet.
pub const PROTOCOL_TYPE_IPV4: u8 = 0x05;
/// The DSMP version this module reads and writes.
pub const VERSION: u8 = 0;
/// Element ID of the Tx power used extension.
pub const ELEMENT_ID_TX_POWER_USED: u8 = 4;
/// Element ID of the channel number extension.
pub const ELEMENT_ID_CHANNEL_NUMBER: u8 = 12;
/// Element ID of the data rate extension.
pub const ELEMENT_ID_DATA_RATE: u8 = 13;
/// Room in a [`DsmpHeaderPrefix`]: the typed extensions need at most 14 octets, the rest is
/// for other extensions.
pub const MAX_PREFIX_LEN: usize = ext::MAX_PREFIX_LEN;
/// The longest header [`DsmpHeaderPrefix::header_bytes`] returns: prefix plus the 2-octet length.
pub const MAX_HEADER_LEN: usize = ext::MAX_HEADER_LEN;
/// The largest data length the 2-octet length field holds.
pub const MAX_PAYLOAD_LEN: usize = 0xFFFF;

/// Whether a packet whose first octet is `first_octet` is DSMP rather than WSMP (see the
/// module documentation on sharing EtherType 0x88DC).
pub const fn is_dsmp(first_octet: u8) -> bool {
    first_octet == PROTOCOL_TYPE_DSMP
}

/// A DSMP Application Identifier: `0..=0x407F`, the range of its 1- and 2-octet forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Aid(u16);

impl Aid {
    /// The largest AID the 2-octet form holds: wire `0xBFFF`.
    pub const MAX: u16 = 0x407F;

    /// An AID from its number; `None` above [`Aid::MAX`].
    pub const fn new(value: u16) -> Option<Aid> {
        if value <= Self::MAX {
            Some(Aid(value))
        } else {
            None
        }
    }

    /// The AID's number.
    pub const fn value(self) -> u16 {
        self.0
    }

    /// Octets on the wire: 1 up to 0x7F, else 2.
    pub const fn encoded_len(self) -> usize {
        if self.0 <= 0x7F { 1 } else { 2 }
    }

    /// Writes the AID at the start of `out`, returning the octets written, or `None` if
    /// `out` is shorter than [`Aid::encoded_len`].
    pub fn write(self, out: &mut [u8]) -> Option<usize> {
        let wire = if self.0 <= 0x7F {
            self.0
        } else {
            self.0 + 0x7F80
        };
        let len = self.encoded_len();
        out.get_mut(..len)?
            .copy_from_slice(wire.to_be_bytes().get(2 - len..)?);
        Some(len)
    }

    /// Reads an AID at `offset` in `data`, returning it and the octets it took.
    pub fn read(data: &[u8], offset: usize) -> Result<(Aid, usize), WireError> {
        let [first] = octets::<1>(LAYER, data, offset, "aid")?;
        match first {
            0x00..=0x7F => Ok((Aid(u16::from(first)), 1)),
            0x80..=0xBF => {
                let wire = u16::from_be_bytes(octets::<2>(LAYER, data, offset, "aid")?);
                Ok((Aid(wire - 0x7F80), 2))
            }
            _ => Err(WireError::Invalid {
                layer: LAYER,
                field: "aid",
                offset,
                value: u64::from(first),
                expected: "a first octet below 0xc0 (1- or 2-octet AID)",
            }),
        }
    }
}

impl From<Aid> for u16 {
    fn from(aid: Aid) -> u16 {
        aid.0
    }
}

/// DSMP's side of the code it shares with WSMP: a 1-octet count and element lengths, a
/// 2-octet data length.
const FORMAT: Format = Format {
    layer: LAYER,
    channel_number: ELEMENT_ID_CHANNEL_NUMBER,
    data_rate: ELEMENT_ID_DATA_RATE,
    tx_power_used: ELEMENT_ID_TX_POWER_USED,
    tx_power_name: "tx power used",
    typed_id_reason: "element IDs 4, 12 and 13 belong in the typed fields",
    length_len: |_| 1,
    read_count: |data, offset, name| {
        let [count] = octets::<1>(LAYER, data, offset, name)?;
        Ok((usize::from(count), 1))
    },
    // ID and length are read as one field, as the implementation the layout comes from does.
    read_element_head: |data, offset, names| {
        let [id, len] = octets::<2>(LAYER, data, offset, names.id)?;
        Ok((id, usize::from(len), 1))
    },
    write_count: |w, count, name| w.put(&[count_octet(count, name)?], name),
    write_element_head: |w, id, len, names| {
        let len =
            u8::try_from(len).map_err(|_| emit_error(names.value, "longer than 255 octets"))?;
        w.put(&[id, len], names.id)
    },
    payload_length_name: "length",
    read_payload_length: |data, offset, name| {
        let length = u16::from_be_bytes(octets::<2>(LAYER, data, offset, name)?);
        Ok((usize::from(length), 2))
    },
    check_payload_len: |len| payload_len_field(len).map(drop),
    payload_length_len: |_| 2,
    write_payload_length: |w, len, name| w.put(&payload_len_field(len)?, name),
};

// An element's ID and length are one field in DSMP's errors, as they are read together.
const EXT: ExtNames = ExtNames {
    count: "extension count",
    id: "extension element",
    length: "extension element",
    value: "extension value",
};

/// Where things are in a scanned header. Offsets count from the protocol type octet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    /// False when `new_unchecked` was given a buffer that does not scan.
    valid: bool,
    n_count: usize,
    n_start: usize,
    aid: Aid,
    length: usize,
    payload_at: usize,
}

impl Layout {
    fn malformed(len: usize) -> Layout {
        Layout {
            valid: false,
            n_count: 0,
            n_start: len,
            aid: Aid(0),
            length: 0,
            payload_at: len,
        }
    }

    fn scan(data: &[u8]) -> Result<Layout, WireError> {
        let [ptype] = octets::<1>(LAYER, data, 0, "protocol type")?;
        if !is_dsmp(ptype) {
            return Err(WireError::Unsupported {
                layer: LAYER,
                field: "protocol type",
                value: u64::from(ptype),
                supported: "0x04 (DSMP)",
            });
        }
        let [second] = octets::<1>(LAYER, data, 1, "version")?;
        if second >> 5 != VERSION {
            return Err(WireError::Unsupported {
                layer: LAYER,
                field: "version",
                value: u64::from(second >> 5),
                supported: "DSMP version 0",
            });
        }
        let mut at = 2;
        let (n_count, n_start) = ext::scan(&FORMAT, second & 0x10 != 0, data, &mut at, &EXT)?;
        let (aid, aid_len) = Aid::read(data, at)?;
        at += aid_len;
        let (length, payload_at) = ext::read_payload_length(&FORMAT, data, at)?;
        Ok(Layout {
            valid: true,
            n_count,
            n_start,
            aid,
            length,
            payload_at,
        })
    }
}

/// The extension elements of a checked DSMP header, in wire order.
#[derive(Debug, Clone)]
pub struct DsmpExtensions<'a>(ext::Elements<'a>);

impl<'a> Iterator for DsmpExtensions<'a> {
    type Item = Extension<'a>;

    fn next(&mut self) -> Option<Extension<'a>> {
        self.0.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

/// A zero-copy view of a DSMP packet (header and data).
#[derive(Debug, Clone)]
pub struct DsmpPacket<T: AsRef<[u8]>> {
    buffer: T,
    layout: Layout,
}

impl<T: AsRef<[u8]>> DsmpPacket<T> {
    /// Wraps a buffer this process built. The header has no fixed layout, so it is scanned
    /// all the same; if that fails the view shows no extensions and an empty payload (it
    /// never panics) and [`DsmpRepr::parse`] returns the scan's error.
    pub fn new_unchecked(buffer: T) -> Self {
        let layout = Layout::scan(buffer.as_ref())
            .unwrap_or_else(|_| Layout::malformed(buffer.as_ref().len()));
        DsmpPacket { buffer, layout }
    }

    /// Wraps a buffer holding exactly one well-formed DSMP packet: protocol type 0x04,
    /// version 0, every extension element whole, a valid AID and a length equal to the bytes
    /// after it.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let layout = Layout::scan(buffer.as_ref())?;
        Ok(DsmpPacket { buffer, layout })
    }

    /// The scan's error, if this view came from `new_unchecked` on a malformed buffer.
    pub fn check(&self) -> Result<(), WireError> {
        if self.layout.valid {
            Ok(())
        } else {
            Layout::scan(self.buffer.as_ref()).map(|_| ())
        }
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn second(&self) -> u8 {
        self.buffer.as_ref().get(1).copied().unwrap_or(0)
    }

    /// The adaptation-layer protocol type (0x04 for a checked packet).
    pub fn protocol_type(&self) -> u8 {
        self.buffer.as_ref().first().copied().unwrap_or(0)
    }

    /// The DSMP version (top 3 bits of octet 1).
    pub fn version(&self) -> u8 {
        self.second() >> 5
    }

    /// Whether an extension count follows octet 1 (the count may be 0).
    pub fn option_indicator(&self) -> bool {
        self.second() & 0x10 != 0
    }

    /// The 4 reserved bits of octet 1, as received.
    pub fn reserved(&self) -> u8 {
        self.second() & 0x0F
    }

    /// The Application Identifier.
    pub fn aid(&self) -> Aid {
        self.layout.aid
    }

    /// The length field: the number of data octets.
    pub fn length(&self) -> usize {
        self.layout.length
    }

    /// Octets from the protocol type to the data.
    pub fn header_len(&self) -> usize {
        self.layout.payload_at
    }

    /// The data after the header.
    pub fn payload(&self) -> &[u8] {
        let at = self.layout.payload_at;
        self.buffer
            .as_ref()
            .get(at..at + self.layout.length)
            .unwrap_or_default()
    }

    /// The header extension elements, in wire order.
    pub fn extensions(&self) -> DsmpExtensions<'_> {
        let data = self.buffer.as_ref();
        let (at, count) = (self.layout.n_start, self.layout.n_count);
        DsmpExtensions(ext::Elements::new(&FORMAT, &EXT, data, at, count))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> DsmpPacket<T> {
    /// The data, writable in place.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let at = self.layout.payload_at;
        let end = at + self.layout.length;
        self.buffer.as_mut().get_mut(at..end).unwrap_or_default()
    }
}

/// The high-level form of a DSMP header. As in [`super::WsmpRepr`], empty extension lists
/// cost no allocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DsmpRepr {
    /// Application Identifier.
    pub aid: Aid,
    /// Channel number extension (element 12); value encoding unconfirmed, see module docs.
    pub channel: Option<u8>,
    /// Data rate extension (element 13), taken to be in 500 kb/s units as in WSMP.
    pub rate: Option<DataRate>,
    /// Tx power used extension (element 4), taken to be dBm + 128 on the wire as in WSMP.
    pub tx_power_dbm: Option<i8>,
    /// Other extensions, emitted after the typed ones. IDs 4, 12 and 13 are refused by
    /// `emit`: they belong in the typed fields.
    pub other_extensions: Vec<ExtensionElement>,
    /// Octets of data.
    pub payload_len: usize,
}

impl DsmpRepr {
    /// A header with no extensions.
    pub fn new(aid: Aid, payload_len: usize) -> DsmpRepr {
        DsmpRepr {
            aid,
            channel: None,
            rate: None,
            tx_power_dbm: None,
            other_extensions: Vec::new(),
            payload_len,
        }
    }

    /// Reads a checked packet. Fails on a typed extension whose value is not one octet or
    /// that appears twice.
    pub fn parse<T: AsRef<[u8]>>(packet: &DsmpPacket<T>) -> Result<DsmpRepr, WireError> {
        packet.check()?;
        let fields = ExtFields::parse(&FORMAT, packet.extensions())?;
        Ok(DsmpRepr {
            aid: packet.aid(),
            channel: fields.channel,
            rate: fields.rate,
            tx_power_dbm: fields.tx_power_dbm,
            other_extensions: fields.other,
            payload_len: packet.length(),
        })
    }

    fn fields(&self) -> ExtFields<&[ExtensionElement]> {
        ExtFields {
            channel: self.channel,
            rate: self.rate,
            tx_power_dbm: self.tx_power_dbm,
            other: &self.other_extensions,
        }
    }

    /// Header octets `emit` writes (everything before the data).
    pub fn header_len(&self) -> usize {
        ext::header_len(self)
    }

    /// Header plus data.
    pub fn buffer_len(&self) -> usize {
        self.header_len() + self.payload_len
    }

    /// The header without its length field, for emitting many messages that differ only in
    /// their data. Fails if the repr cannot be encoded or its prefix exceeds
    /// [`MAX_PREFIX_LEN`] octets (only possible with large other extensions).
    pub fn header_prefix(&self) -> Result<DsmpHeaderPrefix, WireError> {
        ext::Prefix::of(self).map(DsmpHeaderPrefix)
    }

    /// The whole header for `payload_len` octets of data, on the stack; the first `.1`
    /// octets of `.0` are the header.
    pub fn header_bytes(&self) -> Result<([u8; MAX_HEADER_LEN], usize), WireError> {
        self.header_prefix()?.header_bytes(self.payload_len)
    }

    /// Writes the header into the start of `buf` and returns its length; the caller puts
    /// `payload_len` octets of data right after it (smoltcp style).
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        ext::emit(self, buf)
    }

    /// Appends the header and `payload` to `out`, returning the octets appended.
    /// `payload.len()` must equal `payload_len`.
    pub fn emit_with_payload(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<usize, WireError> {
        ext::emit_with_payload(self, payload, out)
    }
}

impl Header for DsmpRepr {
    const FORMAT: &'static Format = &FORMAT;

    fn payload_len(&self) -> usize {
        self.payload_len
    }

    /// Octets before the length field.
    fn prefix_len(&self) -> usize {
        2 + self.fields().encoded_len(&FORMAT) + self.aid.encoded_len()
    }

    /// Writes everything before the length field into `out`, returning the octets written.
    fn emit_prefix(&self, out: &mut [u8]) -> Result<usize, WireError> {
        let fields = self.fields();
        fields.check_other(&FORMAT)?;
        // Refused before anything is written, unlike the errors of the writes below.
        let n_count = count_octet(fields.count(), EXT.count)?;
        let mut w = Writer::new(LAYER, out);
        let option = if n_count > 0 { 0x10 } else { 0 };
        w.put(&[PROTOCOL_TYPE_DSMP, (VERSION << 5) | option], "version")?;
        fields.emit(&FORMAT, &mut w, &EXT)?;
        let mut aid = [0u8; 2];
        let aid_len = self.aid.write(&mut aid).unwrap_or(0);
        w.put(aid.get(..aid_len).unwrap_or_default(), "aid")?;
        Ok(w.written())
    }
}

const fn emit_error(field: &'static str, reason: &'static str) -> WireError {
    WireError::Emit {
        layer: LAYER,
        field,
        reason,
    }
}

/// The count octet for `count` extensions.
fn count_octet(count: usize, name: &'static str) -> Result<u8, WireError> {
    u8::try_from(count).map_err(|_| emit_error(name, "more than 255 extensions"))
}

/// The length field for `len` octets of data.
fn payload_len_field(len: usize) -> Result<[u8; 2], WireError> {
    u16::try_from(len)
        .map(u16::to_be_bytes)
        .map_err(|_| emit_error("length", "data above 65535 octets"))
}

/// A DSMP header minus its length field: what stays the same from one message to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DsmpHeaderPrefix(ext::Prefix);

impl DsmpHeaderPrefix {
    /// The prefix octets.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Header length: the prefix and the fixed 2-octet length field.
    pub fn header_len(&self) -> usize {
        // Any data length will do: the field is always 2 octets.
        self.0.header_len(&FORMAT, 0)
    }

    /// Writes the header for `payload_len` octets of data into the start of `buf` and
    /// returns its length; the data goes right after it.
    pub fn emit(&self, payload_len: usize, buf: &mut [u8]) -> Result<usize, WireError> {
        self.0.emit(&FORMAT, payload_len, buf)
    }

    /// The header for `payload_len` octets of data, on the stack.
    pub fn header_bytes(
        &self,
        payload_len: usize,
    ) -> Result<([u8; MAX_HEADER_LEN], usize), WireError> {
        self.0.header_bytes(&FORMAT, payload_len)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::wire::wsmp::{WsmpPacket, WsmpRepr};
    use proptest::prelude::*;

    /// A DSMP header with all three typed extensions, derived by hand:
    /// `04`: adaptation type DSMP;
    /// `10`: version 0 (000), option indicator 1, reserved 0000 → 0001_0000;
    /// `03`: 3 extensions (1 octet);
    /// `0c 01 ac`: element 12 channel number, length 1, 172 = 0xac;
    /// `0d 01 0c`: element 13 data rate, length 1, 12 (× 500 kb/s = 6 Mb/s, WSMP's unit);
    /// `04 01 94`: element 4 Tx power used, length 1, 20 dBm + 128 = 0x94;
    /// `91 b4`: AID 0x1234 > 0x7f, so 2 octets: 0x1234 + 0x7f80 = 0x91b4;
    /// `00 2e`: length 46, big-endian.
    const HEADER: [u8; 16] = [
        0x04, 0x10, 0x03, 0x0c, 0x01, 0xac, 0x0d, 0x01, 0x0c, 0x04, 0x01, 0x94, 0x91, 0xb4, 0x00,
        0x2e,
    ];

    fn frame() -> Vec<u8> {
        let mut f = HEADER.to_vec();
        f.extend((0..46).map(|i| i as u8));
        f
    }

    fn repr() -> DsmpRepr {
        DsmpRepr {
            channel: Some(172),
            rate: Some(DataRate(12)),
            tx_power_dbm: Some(20),
            ..DsmpRepr::new(Aid::new(0x1234).unwrap(), 46)
        }
    }

    #[test]
    fn hand_checked_header_parses_and_emits_byte_for_byte() {
        let f = frame();
        let packet = DsmpPacket::new_checked(&f[..]).unwrap();
        assert_eq!(packet.protocol_type(), PROTOCOL_TYPE_DSMP);
        assert_eq!(packet.version(), 0);
        assert!(packet.option_indicator());
        assert_eq!(packet.reserved(), 0);
        assert_eq!(packet.aid().value(), 0x1234);
        assert_eq!(packet.length(), 46);
        assert_eq!(packet.header_len(), 16);
        assert_eq!(packet.payload(), &f[16..]);
        let ids: Vec<(u8, usize)> = packet.extensions().map(|e| (e.id, e.offset)).collect();
        assert_eq!(ids, [(12, 3), (13, 6), (4, 9)]);

        let parsed = DsmpRepr::parse(&packet).unwrap();
        assert_eq!(parsed, repr());
        assert_eq!(parsed.header_len(), 16);
        assert_eq!(parsed.buffer_len(), 62);
        let mut out = Vec::new();
        assert_eq!(parsed.emit_with_payload(&f[16..], &mut out).unwrap(), 62);
        assert_eq!(out, f);
        let (bytes, n) = parsed.header_bytes().unwrap();
        assert_eq!(&bytes[..n], &HEADER);
        assert_eq!(parsed.header_prefix().unwrap().as_bytes(), &HEADER[..14]);
    }

    #[test]
    fn short_form_with_one_octet_aid() {
        // 04 DSMP; 00 version 0, no option; 11 AID 17 (≤ 0x7f, 1 octet); 00 03 length 3.
        let f = [0x04, 0x00, 0x11, 0x00, 0x03, 0xaa, 0xbb, 0xcc];
        let packet = DsmpPacket::new_checked(&f[..]).unwrap();
        let parsed = DsmpRepr::parse(&packet).unwrap();
        assert_eq!(parsed, DsmpRepr::new(Aid::new(17).unwrap(), 3));
        let mut out = Vec::new();
        parsed
            .emit_with_payload(&[0xaa, 0xbb, 0xcc], &mut out)
            .unwrap();
        assert_eq!(out, f);
    }

    #[test]
    fn truncation_at_every_offset() {
        let f = frame();
        for cut in 0..f.len() {
            let err = DsmpPacket::new_checked(&f[..cut]).unwrap_err();
            if cut < HEADER.len() {
                assert!(
                    matches!(err, WireError::Truncated { layer: Layer::Dsmp, offset, .. } if offset <= cut),
                    "cut {cut}: {err:?}"
                );
            } else {
                assert_eq!(
                    err,
                    WireError::LengthMismatch {
                        layer: Layer::Dsmp,
                        field: "length",
                        declared: 46,
                        actual: cut - 16
                    }
                );
            }
        }
        let trunc = |cut: usize| DsmpPacket::new_checked(&f[..cut]).unwrap_err();
        assert!(matches!(
            trunc(0),
            WireError::Truncated {
                field: "protocol type",
                ..
            }
        ));
        assert!(matches!(
            trunc(1),
            WireError::Truncated {
                field: "version",
                ..
            }
        ));
        assert!(matches!(
            trunc(13),
            WireError::Truncated {
                field: "aid",
                offset: 12,
                needed: 2,
                ..
            }
        ));
        assert!(matches!(
            trunc(15),
            WireError::Truncated {
                field: "length",
                offset: 14,
                ..
            }
        ));
    }

    #[test]
    fn length_must_match_exactly() {
        // 01 2c = 300 declared, 10 octets present.
        let mut long = vec![0x04, 0x00, 0x11, 0x01, 0x2c];
        long.extend([0u8; 10]);
        assert_eq!(
            DsmpPacket::new_checked(&long[..]).unwrap_err(),
            WireError::LengthMismatch {
                layer: Layer::Dsmp,
                field: "length",
                declared: 300,
                actual: 10
            }
        );
        let short = [0x04, 0x00, 0x11, 0x00, 0x02, 1, 2, 3, 4, 5];
        assert_eq!(
            DsmpPacket::new_checked(&short[..]).unwrap_err(),
            WireError::LengthMismatch {
                layer: Layer::Dsmp,
                field: "length",
                declared: 2,
                actual: 5
            }
        );
    }

    #[test]
    fn bad_fields_are_refused_with_their_names() {
        let check = |bytes: &[u8]| DsmpPacket::new_checked(bytes).map(|_| ()).unwrap_err();
        // AID first octet 11xxxxxx: beyond the 2-octet form.
        assert_eq!(
            check(&[0x04, 0x00, 0xc0, 0x00, 0x00, 0x00]),
            WireError::Invalid {
                layer: Layer::Dsmp,
                field: "aid",
                offset: 2,
                value: 0xc0,
                expected: "a first octet below 0xc0 (1- or 2-octet AID)"
            }
        );
        // Version 1: 001 in the top bits.
        assert!(matches!(
            check(&[0x04, 0x20, 0x11, 0x00, 0x00]),
            WireError::Unsupported {
                field: "version",
                value: 1,
                ..
            }
        ));
        for ptype in [PROTOCOL_TYPE_IPV6, PROTOCOL_TYPE_IPV4, 0x0b] {
            assert!(matches!(
                check(&[ptype, 0x00, 0x11, 0x00, 0x00]),
                WireError::Unsupported { field: "protocol type", value, .. } if value == u64::from(ptype)
            ));
        }
        // Extension element whose length runs past the end.
        assert!(matches!(
            check(&[0x04, 0x10, 0x01, 0x0e, 0x05, 0x01]),
            WireError::Truncated {
                field: "extension value",
                offset: 5,
                needed: 5,
                available: 1,
                ..
            }
        ));
    }

    #[test]
    fn reserved_bits_and_empty_option_are_accepted_not_reproduced() {
        // 0f: version 0, no option, reserved 1111; ignored on parse, written as 0.
        let f = [0x04, 0x0f, 0x11, 0x00, 0x00];
        let packet = DsmpPacket::new_checked(&f[..]).unwrap();
        assert_eq!(packet.reserved(), 0x0f);
        let mut out = Vec::new();
        DsmpRepr::parse(&packet)
            .unwrap()
            .emit_with_payload(&[], &mut out)
            .unwrap();
        assert_eq!(out, [0x04, 0x00, 0x11, 0x00, 0x00]);
        // Option indicator with count 0.
        let f = [0x04, 0x10, 0x00, 0x11, 0x00, 0x00];
        let parsed = DsmpRepr::parse(&DsmpPacket::new_checked(&f[..]).unwrap()).unwrap();
        assert_eq!(parsed, DsmpRepr::new(Aid::new(17).unwrap(), 0));
    }

    #[test]
    fn typed_extension_rules_and_opaque_ones() {
        // Channel number with 2 octets.
        let bad_len = [0x04, 0x10, 0x01, 0x0c, 0x02, 0xac, 0x00, 0x11, 0x00, 0x00];
        let packet = DsmpPacket::new_checked(&bad_len[..]).unwrap();
        assert_eq!(
            DsmpRepr::parse(&packet).unwrap_err(),
            WireError::Invalid {
                layer: Layer::Dsmp,
                field: "channel number",
                offset: 4,
                value: 2,
                expected: "a 1-octet value"
            }
        );
        // Data rate twice.
        let dup = [
            0x04, 0x10, 0x02, 0x0d, 0x01, 0x0c, 0x0d, 0x01, 0x0c, 0x11, 0x00, 0x00,
        ];
        let packet = DsmpPacket::new_checked(&dup[..]).unwrap();
        assert!(matches!(
            DsmpRepr::parse(&packet).unwrap_err(),
            WireError::Invalid {
                field: "data rate",
                offset: 6,
                value: 13,
                ..
            }
        ));
        // Element 14 (broadcast frequency in that implementation) with 2 octets: kept opaque.
        let other = [
            0x04, 0x10, 0x01, 0x0e, 0x02, 0x01, 0x02, 0x11, 0x00, 0x01, 0x77,
        ];
        let packet = DsmpPacket::new_checked(&other[..]).unwrap();
        let parsed = DsmpRepr::parse(&packet).unwrap();
        assert_eq!(
            parsed.other_extensions,
            [ExtensionElement {
                id: 14,
                value: vec![1, 2]
            }]
        );
        let mut out = Vec::new();
        parsed.emit_with_payload(&[0x77], &mut out).unwrap();
        assert_eq!(out, other);
    }

    #[test]
    fn aid_boundaries() {
        // (AID, wire): 1 octet to 0x7f; then AID + 0x7f80, from 80 00 to bf ff.
        let cases: [(u16, &[u8]); 5] = [
            (0, &[0x00]),
            (0x7f, &[0x7f]),
            (0x80, &[0x80, 0x00]),
            (0x1234, &[0x91, 0xb4]),
            (0x407f, &[0xbf, 0xff]),
        ];
        for (value, wire) in cases {
            let aid = Aid::new(value).unwrap();
            let mut out = [0u8; 2];
            let n = aid.write(&mut out).unwrap();
            assert_eq!(&out[..n], wire);
            assert_eq!(Aid::read(wire, 0).unwrap(), (aid, n));
        }
        assert_eq!(Aid::new(0x4080), None);
        assert_eq!(Aid::new(0x80).unwrap().write(&mut [0u8; 1]), None);
        assert!(matches!(
            Aid::read(&[0x80], 0),
            Err(WireError::Truncated {
                needed: 2,
                available: 1,
                ..
            })
        ));
    }

    #[test]
    fn emit_refusals() {
        let aid = Aid::new(17).unwrap();
        let mut buf = [0u8; 32];
        assert!(matches!(
            DsmpRepr::new(aid, MAX_PAYLOAD_LEN + 1).emit(&mut buf),
            Err(WireError::Emit {
                field: "length",
                ..
            })
        ));
        let mut typed = DsmpRepr::new(aid, 0);
        typed.other_extensions.push(ExtensionElement {
            id: 12,
            value: vec![1],
        });
        assert!(matches!(
            typed.emit(&mut buf),
            Err(WireError::Emit {
                field: "other_extensions",
                ..
            })
        ));
        let mut long_value = DsmpRepr::new(aid, 0);
        long_value.other_extensions.push(ExtensionElement {
            id: 99,
            value: vec![0; 256],
        });
        assert!(long_value.emit(&mut [0u8; 300]).is_err());
        let mut many = DsmpRepr::new(aid, 0);
        many.other_extensions = vec![
            ExtensionElement {
                id: 99,
                value: vec![]
            };
            256
        ];
        assert!(many.emit(&mut [0u8; 1024]).is_err());
        assert!(repr().emit(&mut buf[..15]).is_err());
        assert!(repr().emit_with_payload(&[0; 3], &mut Vec::new()).is_err());
        let prefix = repr().header_prefix().unwrap();
        assert_eq!(prefix.header_len(), 16);
        assert!(prefix.header_bytes(MAX_PAYLOAD_LEN + 1).is_err());
        let (b, n) = prefix.header_bytes(MAX_PAYLOAD_LEN).unwrap();
        assert_eq!(&b[n - 2..n], &[0xff, 0xff]);
    }

    #[test]
    fn demux_on_the_first_octet() {
        // Every WSMP v3 first octet has version bits 011; none is DSMP.
        for octet in 0..=255u8 {
            if octet & 0x07 == 3 {
                assert!(!is_dsmp(octet), "{octet:#04x}");
            }
        }
        assert!(is_dsmp(0x04));
        assert!(!is_dsmp(0x02)); // 1609.3-2010 WSMP version 2
        // Each parser refuses the other's packets.
        let dsmp = frame();
        assert!(matches!(
            WsmpPacket::new_checked(&dsmp[..]),
            Err(WireError::Unsupported {
                layer: Layer::Wsmp,
                field: "version",
                value: 4,
                ..
            })
        ));
        let mut wsmp = Vec::new();
        WsmpRepr::new(crate::Psid::BSM, 1)
            .emit_with_payload(&[0], &mut wsmp)
            .unwrap();
        assert!(!is_dsmp(wsmp[0]));
        assert!(matches!(
            DsmpPacket::new_checked(&wsmp[..]),
            Err(WireError::Unsupported {
                field: "protocol type",
                value: 3,
                ..
            })
        ));
    }

    #[test]
    fn unchecked_view_of_garbage_is_harmless() {
        let bad = [0x04, 0x00, 0x11, 0x00, 0x09, 1];
        let packet = DsmpPacket::new_unchecked(&bad[..]);
        assert!(packet.payload().is_empty());
        assert_eq!(packet.extensions().count(), 0);
        assert!(matches!(
            DsmpRepr::parse(&packet),
            Err(WireError::LengthMismatch {
                declared: 9,
                actual: 1,
                ..
            })
        ));
        let mut good = frame();
        let mut packet = DsmpPacket::new_checked(&mut good[..]).unwrap();
        packet.payload_mut()[0] = 0xee;
        assert_eq!(good[16], 0xee);
    }

    fn element() -> impl Strategy<Value = ExtensionElement> {
        (
            any::<u8>().prop_filter("typed id", |id| ![4, 12, 13].contains(id)),
            proptest::collection::vec(any::<u8>(), 0..=255),
        )
            .prop_map(|(id, value)| ExtensionElement { id, value })
    }

    prop_compose! {
        fn any_repr()(
            aid in 0..=Aid::MAX,
            channel in any::<Option<u8>>(),
            rate in any::<Option<u8>>(),
            tx_power_dbm in any::<Option<i8>>(),
            other_extensions in proptest::collection::vec(element(), 0..=3),
            payload in proptest::collection::vec(any::<u8>(), 0..=3000),
        ) -> (DsmpRepr, Vec<u8>) {
            let repr = DsmpRepr {
                aid: Aid::new(aid).unwrap(),
                channel,
                rate: rate.map(DataRate),
                tx_power_dbm,
                other_extensions,
                payload_len: payload.len(),
            };
            (repr, payload)
        }
    }

    proptest! {
        #[test]
        fn emit_then_parse_is_identity((repr, payload) in any_repr()) {
            let mut out = Vec::new();
            let n = repr.emit_with_payload(&payload, &mut out).unwrap();
            prop_assert_eq!(n, repr.buffer_len());
            let packet = DsmpPacket::new_checked(&out[..]).unwrap();
            prop_assert_eq!(packet.header_len(), repr.header_len());
            prop_assert_eq!(packet.payload(), &payload[..]);
            prop_assert_eq!(&DsmpRepr::parse(&packet).unwrap(), &repr);
            if let Ok((bytes, len)) = repr.header_bytes() {
                prop_assert_eq!(&bytes[..len], &out[..repr.header_len()]);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..80), dsmp in any::<bool>()) {
            // Half the inputs start like DSMP so the parser gets past the first octet.
            if dsmp && !bytes.is_empty() {
                bytes[0] = PROTOCOL_TYPE_DSMP;
            }
            let unchecked = DsmpPacket::new_unchecked(&bytes[..]);
            let _ = (unchecked.payload(), unchecked.extensions().count(), unchecked.aid());
            let _ = DsmpRepr::parse(&unchecked);
            if let Ok(packet) = DsmpPacket::new_checked(&bytes[..]) {
                prop_assert_eq!(packet.header_len() + packet.payload().len(), bytes.len());
                let _ = DsmpRepr::parse(&packet);
            }
        }

        #[test]
        fn mutated_valid_frames_never_panic(at in 0usize..62, byte in any::<u8>(), cut in 0usize..=62) {
            let mut f = frame();
            f[at] = byte;
            f.truncate(cut);
            if let Ok(packet) = DsmpPacket::new_checked(&f[..]) {
                let _ = DsmpRepr::parse(&packet);
            }
        }
    }
}
