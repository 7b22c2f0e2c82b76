//! IEEE 1609.3 WAVE Short Message Protocol, version 3 (1609.3-2016/2020 §8.3): the header in
//! front of every US V2X message on EtherType 0x88DC.
//!
//! ```text
//! WSMP-N-Header  octet 0   subtype (4 bits) | option indicator (1) | version (3) = 3
//!                [if option indicator]  count, then count × { element ID (1), length, value }
//!                TPID      7-bit ShortMsgTpdus choice index << 1 | T-extensions present
//! WSMP-T-Header  PSID      p-encoded, 1 to 4 octets
//!                [if TPID = 1]  count, then count × { element ID (1), length, value }
//!                WSM length
//! WSM data
//! ```
//!
//! 1609.3-2020 defines the WSM in ASN.1 (`ShortMsgNpdu`) encoded with UPER, arranged so that
//! every field above falls on an octet boundary; counts and lengths are UPER length
//! determinants, which 1609.3 §8.1.3 describes as the Length/Count encoding
//! ([`read_length_count`]). Only subtype 0 (null networking) and TPIDs 0 and 1 (PSID
//! addressing) have a defined layout; anything else is [`WireError::Unsupported`].
//!
//! Strictness: a count or length in the 2-octet form must not fit in 1 octet (UPER is
//! canonical, and it keeps parse→emit byte-identical), and the WSM length must equal the
//! bytes that follow it exactly (tshark does not flag a length shorter than the data; we do).
//! 1609.3-2020's `WsmMaxLength` (2302 octets) is left to the radio: parse accepts any 14-bit
//! length. Two well-formed inputs do not come back byte-identical from parse→emit: an option
//! indicator (or TPID 1) with a count of 0, which emit writes as no extensions at all, and
//! N-extensions in another order than emit's (Channel Number, Data Rate, Transmit Power Used,
//! then the others as received).
//!
//! Hot path: a periodic message keeps its header fixed except for the WSM length, so build a
//! [`WsmpHeaderPrefix`] once ([`WsmpRepr::header_prefix`]) and call
//! [`WsmpHeaderPrefix::emit`] per message; it copies at most [`MAX_PREFIX_LEN`] octets and
//! writes the length, without allocating.

use super::ext::{self, ExtFields, ExtNames, Format, Header, Writer, octets};
pub use super::ext::{Extension, ExtensionElement};
use super::{Layer, WireError};
use crate::psid::{Psid, PsidError};
use crate::radio::DataRate;

const LAYER: Layer = Layer::Wsmp;

/// The WSMP version this module reads and writes (1609.3 `c-shortMsgVersionNo`).
pub const VERSION: u8 = 3;
/// Subtype 0, null networking: the only subtype 1609.3 specifies.
pub const SUBTYPE_NULL_NETWORKING: u8 = 0;
/// TPID 0: PSID addressing, no T-header extensions.
pub const TPID_PSID: u8 = 0;
/// TPID 1: PSID addressing followed by T-header extensions.
pub const TPID_PSID_T_EXTENSIONS: u8 = 1;
/// Element ID of the Transmit Power Used N-extension (`c-TxPowerUsed80211`).
pub const ELEMENT_ID_TX_POWER_USED: u8 = 4;
/// Element ID of the Channel Number N-extension (`c-ChannelNumber80211`).
pub const ELEMENT_ID_CHANNEL_NUMBER: u8 = 15;
/// Element ID of the Data Rate N-extension (`c-DataRate80211`).
pub const ELEMENT_ID_DATA_RATE: u8 = 16;
/// The largest value a Length/Count field holds: 14 bits (1609.3 §8.1.3).
pub const LENGTH_COUNT_MAX: usize = 0x3FFF;
/// 1609.3-2020 `WsmMaxLength`; informative, not enforced here.
pub const WSM_MAX_LENGTH: usize = 2302;
/// Room in a [`WsmpHeaderPrefix`]: the typed extensions need at most 16 octets, the rest is
/// for other extensions.
pub const MAX_PREFIX_LEN: usize = ext::MAX_PREFIX_LEN;
/// The longest header [`WsmpHeaderPrefix::header_bytes`] returns: prefix plus a 2-octet length.
pub const MAX_HEADER_LEN: usize = ext::MAX_HEADER_LEN;

/// Reads a 1609.3 §8.1.3 Length or Count field at `offset`, returning the value and the
/// octets it took (1 or 2). `name` is the field named in errors.
pub fn read_length_count(
    data: &[u8],
    offset: usize,
    name: &'static str,
) -> Result<(usize, usize), WireError> {
    let [first] = octets::<1>(LAYER, data, offset, name)?;
    match first >> 6 {
        0b00 | 0b01 => Ok((usize::from(first), 1)),
        0b10 => {
            let pair = octets::<2>(LAYER, data, offset, name)?;
            let value = usize::from(u16::from_be_bytes(pair) & 0x3FFF);
            if value < 0x80 {
                return Err(WireError::Invalid {
                    layer: LAYER,
                    field: name,
                    offset,
                    value: u64::from(u16::from_be_bytes(pair)),
                    expected: "values below 128 in the 1-octet form (UPER is canonical)",
                });
            }
            Ok((value, 2))
        }
        _ => Err(WireError::Invalid {
            layer: LAYER,
            field: name,
            offset,
            value: u64::from(first),
            expected: "a first octet below 0xc0 (11xxxxxx is not a 1609.3 length or count)",
        }),
    }
}

/// How many octets the Length/Count encoding of `value` takes: 1 below 128, else 2.
pub const fn length_count_len(value: usize) -> usize {
    if value < 0x80 { 1 } else { 2 }
}

/// Writes `value` in the 1609.3 §8.1.3 Length/Count encoding at the start of `out`,
/// returning the octets written. Values above [`LENGTH_COUNT_MAX`] cannot be encoded.
pub fn write_length_count(
    value: usize,
    out: &mut [u8],
    name: &'static str,
) -> Result<usize, WireError> {
    let mut w = Writer::new(LAYER, out);
    put_length_count(&mut w, value, name)?;
    Ok(w.written())
}

/// Appends `value` as a Length/Count field.
fn put_length_count(w: &mut Writer<'_>, value: usize, name: &'static str) -> Result<(), WireError> {
    match u16::try_from(value) {
        Ok(v) if value < 0x80 => w.put(&[v as u8], name),
        Ok(v) if value <= LENGTH_COUNT_MAX => w.put(&(0x8000 | v).to_be_bytes(), name),
        _ => Err(WireError::Emit {
            layer: LAYER,
            field: name,
            reason: "above 16383, the largest 1609.3 length or count",
        }),
    }
}

/// WSMP's side of the code it shares with DSMP: Length/Count fields throughout.
const FORMAT: Format = Format {
    layer: LAYER,
    channel_number: ELEMENT_ID_CHANNEL_NUMBER,
    data_rate: ELEMENT_ID_DATA_RATE,
    tx_power_used: ELEMENT_ID_TX_POWER_USED,
    tx_power_name: "transmit power used",
    typed_id_reason: "element IDs 4, 15 and 16 belong in the typed fields",
    length_len: length_count_len,
    read_count: read_length_count,
    read_element_head: |data, offset, names| {
        let [id] = octets::<1>(LAYER, data, offset, names.id)?;
        let (len, n) = read_length_count(data, offset + 1, names.length)?;
        Ok((id, len, n))
    },
    write_count: put_length_count,
    write_element_head: |w, id, len, names| {
        w.put(&[id], names.id)?;
        put_length_count(w, len, names.length)
    },
    payload_length_name: "wsm length",
    read_payload_length: read_length_count,
    check_payload_len,
    payload_length_len: length_count_len,
    write_payload_length: put_length_count,
};

/// Refuses WSM data the 14-bit WSM length cannot count.
fn check_payload_len(len: usize) -> Result<(), WireError> {
    if len > LENGTH_COUNT_MAX {
        return Err(WireError::Emit {
            layer: LAYER,
            field: "wsm length",
            reason: "WSM data above 16383 octets, the largest 1609.3 length",
        });
    }
    Ok(())
}

const N_EXT: ExtNames = ExtNames {
    count: "n-extension count",
    id: "n-extension element id",
    length: "n-extension length",
    value: "n-extension value",
};

const T_EXT: ExtNames = ExtNames {
    count: "t-extension count",
    id: "t-extension element id",
    length: "t-extension length",
    value: "t-extension value",
};

/// Where things are in a scanned header. Offsets count from the first WSMP octet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    /// False when `new_unchecked` was given a buffer that does not scan.
    valid: bool,
    n_count: usize,
    n_start: usize,
    tpid: u8,
    psid: Psid,
    t_count: usize,
    t_start: usize,
    wsm_length: usize,
    payload_at: usize,
}

impl Layout {
    /// What a view of a malformed buffer shows: no extensions and an empty payload.
    fn malformed(len: usize) -> Layout {
        Layout {
            valid: false,
            n_count: 0,
            n_start: len,
            tpid: 0,
            psid: Psid::new(0).unwrap_or(Psid::BSM),
            t_count: 0,
            t_start: len,
            wsm_length: 0,
            payload_at: len,
        }
    }

    fn scan(data: &[u8]) -> Result<Layout, WireError> {
        let [first] = octets::<1>(LAYER, data, 0, "version")?;
        // The version decides what the other bits mean (a 1609.3-2010 WSM starts with a
        // whole-octet version 2), so it is checked first.
        if first & 0x07 != VERSION {
            return Err(WireError::Unsupported {
                layer: LAYER,
                field: "version",
                value: u64::from(first & 0x07),
                supported: "WSMP version 3",
            });
        }
        if first >> 4 != SUBTYPE_NULL_NETWORKING {
            return Err(WireError::Unsupported {
                layer: LAYER,
                field: "subtype",
                value: u64::from(first >> 4),
                supported: "subtype 0 (null networking)",
            });
        }
        let mut at = 1;
        let (n_count, n_start) = ext::scan(&FORMAT, first & 0x08 != 0, data, &mut at, &N_EXT)?;
        let [tpid] = octets::<1>(LAYER, data, at, "tpid")?;
        if tpid > TPID_PSID_T_EXTENSIONS {
            return Err(WireError::Unsupported {
                layer: LAYER,
                field: "tpid",
                value: u64::from(tpid),
                supported: "TPID 0 or 1 (PSID addressing)",
            });
        }
        at += 1;
        let (psid, psid_len) = read_psid(data, at)?;
        at += psid_len;
        let t_present = tpid == TPID_PSID_T_EXTENSIONS;
        let (t_count, t_start) = ext::scan(&FORMAT, t_present, data, &mut at, &T_EXT)?;
        let (wsm_length, payload_at) = ext::read_payload_length(&FORMAT, data, at)?;
        Ok(Layout {
            valid: true,
            n_count,
            n_start,
            tpid,
            psid,
            t_count,
            t_start,
            wsm_length,
            payload_at,
        })
    }
}

/// Reads a p-encoded PSID at `offset`.
fn read_psid(data: &[u8], offset: usize) -> Result<(Psid, usize), WireError> {
    Psid::read_p_encoded(data.get(offset..).unwrap_or_default()).map_err(|e| match e {
        PsidError::Truncated { needed, available } => WireError::Truncated {
            layer: LAYER,
            field: "psid",
            offset,
            needed,
            available,
        },
        PsidError::BadFirstOctet(octet) => WireError::Invalid {
            layer: LAYER,
            field: "psid",
            offset,
            value: u64::from(octet),
            expected: "a first octet below 0xf0 (p-encoding has 1 to 4 octets)",
        },
        _ => WireError::Invalid {
            layer: LAYER,
            field: "psid",
            offset,
            value: 0,
            expected: "a p-encoded PSID",
        },
    })
}

/// The extension elements of a checked header, in wire order.
#[derive(Debug, Clone)]
pub struct Extensions<'a>(ext::Elements<'a>);

impl<'a> Iterator for Extensions<'a> {
    type Item = Extension<'a>;

    fn next(&mut self) -> Option<Extension<'a>> {
        self.0.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

/// A zero-copy view of a WSMP version 3 packet (header and WSM data).
#[derive(Debug, Clone)]
pub struct WsmpPacket<T: AsRef<[u8]>> {
    buffer: T,
    layout: Layout,
}

impl<T: AsRef<[u8]>> WsmpPacket<T> {
    /// Wraps a buffer this process built. The header has no fixed layout, so it is scanned
    /// all the same; if that fails the view shows no extensions and an empty payload (it
    /// never panics) and [`WsmpRepr::parse`] returns the scan's error.
    pub fn new_unchecked(buffer: T) -> Self {
        let layout = Layout::scan(buffer.as_ref())
            .unwrap_or_else(|_| Layout::malformed(buffer.as_ref().len()));
        WsmpPacket { buffer, layout }
    }

    /// Wraps a buffer holding exactly one well-formed WSM: version 3, subtype 0, TPID 0 or
    /// 1, every extension element whole, and a WSM length equal to the bytes after it.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let layout = Layout::scan(buffer.as_ref())?;
        Ok(WsmpPacket { buffer, layout })
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

    fn first(&self) -> u8 {
        self.buffer.as_ref().first().copied().unwrap_or(0)
    }

    /// The WSMP version (3 bits of octet 0).
    pub fn version(&self) -> u8 {
        self.first() & 0x07
    }

    /// The subtype (top 4 bits of octet 0).
    pub fn subtype(&self) -> u8 {
        self.first() >> 4
    }

    /// Whether the WSMP-N-Header carries an extension count (which may be 0).
    pub fn option_indicator(&self) -> bool {
        self.first() & 0x08 != 0
    }

    /// The Transport Protocol Identifier octet: 0 or 1.
    pub fn tpid(&self) -> u8 {
        self.layout.tpid
    }

    /// The destination PSID.
    pub fn psid(&self) -> Psid {
        self.layout.psid
    }

    /// The WSM length field: the number of WSM data octets.
    pub fn wsm_length(&self) -> usize {
        self.layout.wsm_length
    }

    /// Octets from the start of the WSMP-N-Header to the WSM data.
    pub fn header_len(&self) -> usize {
        self.layout.payload_at
    }

    /// The WSM data (usually an IEEE 1609.2 `Ieee1609Dot2Data`).
    pub fn payload(&self) -> &[u8] {
        let at = self.layout.payload_at;
        self.buffer
            .as_ref()
            .get(at..at + self.layout.wsm_length)
            .unwrap_or_default()
    }

    /// The WSMP-N-Header extension elements, in wire order.
    pub fn n_extensions(&self) -> Extensions<'_> {
        let data = self.buffer.as_ref();
        let (at, count) = (self.layout.n_start, self.layout.n_count);
        Extensions(ext::Elements::new(&FORMAT, &N_EXT, data, at, count))
    }

    /// The WSMP-T-Header extension elements (present with TPID 1; 1609.3 defines none).
    pub fn t_extensions(&self) -> Extensions<'_> {
        let data = self.buffer.as_ref();
        let (at, count) = (self.layout.t_start, self.layout.t_count);
        Extensions(ext::Elements::new(&FORMAT, &T_EXT, data, at, count))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> WsmpPacket<T> {
    /// The WSM data, writable in place.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let at = self.layout.payload_at;
        let end = at + self.layout.wsm_length;
        self.buffer.as_mut().get_mut(at..end).unwrap_or_default()
    }
}

/// The high-level form of a WSMP version 3 header (subtype 0, PSID addressing).
///
/// The extension lists are `Vec`s; an empty `Vec` does not allocate, so a header with only
/// the typed extensions (what an RSU sends and what the field carries) costs no allocation
/// to parse or emit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WsmpRepr {
    /// Channel Number N-extension (element 15).
    pub channel: Option<u8>,
    /// Data Rate N-extension (element 16), in 500 kb/s units.
    pub rate: Option<DataRate>,
    /// Transmit Power Used N-extension (element 4), in dBm; on the wire as dBm + 128.
    pub tx_power_dbm: Option<i8>,
    /// Other N-extensions, emitted after the typed ones. IDs 4, 15 and 16 are refused
    /// by `emit`: they belong in the typed fields.
    pub other_extensions: Vec<ExtensionElement>,
    /// T-header extensions; non-empty makes `emit` write TPID 1.
    pub t_extensions: Vec<ExtensionElement>,
    /// Destination PSID.
    pub psid: Psid,
    /// Octets of WSM data.
    pub payload_len: usize,
}

impl WsmpRepr {
    /// A header with no extensions: the short form BSMs use.
    pub fn new(psid: Psid, payload_len: usize) -> WsmpRepr {
        WsmpRepr {
            channel: None,
            rate: None,
            tx_power_dbm: None,
            other_extensions: Vec::new(),
            t_extensions: Vec::new(),
            psid,
            payload_len,
        }
    }

    /// Reads a checked packet. Fails on a typed N-extension whose value is not one octet or
    /// that appears twice.
    pub fn parse<T: AsRef<[u8]>>(packet: &WsmpPacket<T>) -> Result<WsmpRepr, WireError> {
        packet.check()?;
        let n = ExtFields::parse(&FORMAT, packet.n_extensions())?;
        Ok(WsmpRepr {
            channel: n.channel,
            rate: n.rate,
            tx_power_dbm: n.tx_power_dbm,
            other_extensions: n.other,
            t_extensions: packet.t_extensions().map(Extension::to_element).collect(),
            psid: packet.psid(),
            payload_len: packet.wsm_length(),
        })
    }

    fn n_fields(&self) -> ExtFields<&[ExtensionElement]> {
        ExtFields {
            channel: self.channel,
            rate: self.rate,
            tx_power_dbm: self.tx_power_dbm,
            other: &self.other_extensions,
        }
    }

    fn t_fields(&self) -> ExtFields<&[ExtensionElement]> {
        ExtFields::opaque(&self.t_extensions)
    }

    /// Header octets `emit` writes (everything before the WSM data).
    pub fn header_len(&self) -> usize {
        ext::header_len(self)
    }

    /// Header plus WSM data.
    pub fn buffer_len(&self) -> usize {
        self.header_len() + self.payload_len
    }

    /// The header without its WSM length, for emitting many messages that differ only in
    /// their data. Fails if the repr cannot be encoded or its prefix exceeds
    /// [`MAX_PREFIX_LEN`] octets (only possible with large other extensions).
    pub fn header_prefix(&self) -> Result<WsmpHeaderPrefix, WireError> {
        ext::Prefix::of(self).map(WsmpHeaderPrefix)
    }

    /// The whole header for `payload_len` octets of data, on the stack; the first
    /// `.1` octets of `.0` are the header.
    pub fn header_bytes(&self) -> Result<([u8; MAX_HEADER_LEN], usize), WireError> {
        self.header_prefix()?.header_bytes(self.payload_len)
    }

    /// Writes the header into the start of `buf` and returns its length; the caller puts
    /// `payload_len` octets of WSM data right after it (smoltcp style).
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        ext::emit(self, buf)
    }

    /// Appends the header and `payload` to `out`, returning the octets appended.
    /// `payload.len()` must equal `payload_len`.
    pub fn emit_with_payload(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<usize, WireError> {
        ext::emit_with_payload(self, payload, out)
    }
}

impl Header for WsmpRepr {
    const FORMAT: &'static Format = &FORMAT;

    fn payload_len(&self) -> usize {
        self.payload_len
    }

    /// Octets before the WSM length field.
    fn prefix_len(&self) -> usize {
        let n_ext = self.n_fields().encoded_len(&FORMAT);
        let t_ext = self.t_fields().encoded_len(&FORMAT);
        1 + n_ext + 1 + self.psid.encoded_len() + t_ext
    }

    /// Writes everything before the WSM length into `out`, returning the octets written.
    fn emit_prefix(&self, out: &mut [u8]) -> Result<usize, WireError> {
        let n_fields = self.n_fields();
        n_fields.check_other(&FORMAT)?;
        let mut w = Writer::new(LAYER, out);
        let option = if n_fields.count() > 0 { 0x08 } else { 0 };
        w.put(
            &[(SUBTYPE_NULL_NETWORKING << 4) | option | VERSION],
            "version",
        )?;
        n_fields.emit(&FORMAT, &mut w, &N_EXT)?;
        let tpid = if self.t_extensions.is_empty() {
            TPID_PSID
        } else {
            TPID_PSID_T_EXTENSIONS
        };
        w.put(&[tpid], "tpid")?;
        let mut psid = [0u8; 4];
        let psid_len = self.psid.write_p_encoded(&mut psid).unwrap_or(0);
        w.put(psid.get(..psid_len).unwrap_or_default(), "psid")?;
        self.t_fields().emit(&FORMAT, &mut w, &T_EXT)?;
        Ok(w.written())
    }
}

/// A WSMP header minus its WSM length: what stays the same from one message to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WsmpHeaderPrefix(ext::Prefix);

impl WsmpHeaderPrefix {
    /// The prefix octets.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Header length for `payload_len` octets of data: the length field grows to 2 octets
    /// from 128 on.
    pub fn header_len(&self, payload_len: usize) -> usize {
        self.0.header_len(&FORMAT, payload_len)
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
    use proptest::prelude::*;

    /// radio.md §1.1's worked example, decoded by tshark there. Each header octet:
    /// `0b`: subtype 0 (0000), option indicator 1 (1), version 3 (011) → 0000_1011;
    /// `03`: count 3 (1 octet, < 128);
    /// `0f 01 ac`: element 15 Channel Number, length 1, 172 = 0xac;
    /// `10 01 0c`: element 16 Data Rate, length 1, 12 × 500 kb/s = 6 Mb/s;
    /// `04 01 94`: element 4 Transmit Power Used, length 1, 20 dBm + 128 = 148 = 0x94;
    /// `00`: TPID 0 (choice index 0 = PSID, no T-extensions);
    /// `80 02`: PSID 0x82 p-encoded: 0x8000 + (0x82 − 0x80);
    /// `2e`: WSM length 46.
    const SPAT_HEADER: [u8; 15] = [
        0x0b, 0x03, 0x0f, 0x01, 0xac, 0x10, 0x01, 0x0c, 0x04, 0x01, 0x94, 0x00, 0x80, 0x02, 0x2e,
    ];

    fn spat_frame() -> Vec<u8> {
        let mut frame = SPAT_HEADER.to_vec();
        // Ieee1609Dot2Data unsecured (03 80 2b), then a SPaT-like MessageFrame (00 13 28 …).
        frame.extend_from_slice(&[0x03, 0x80, 0x2b, 0x00, 0x13, 0x28]);
        frame.extend((0..40).map(|i| i as u8));
        assert_eq!(frame.len(), 61);
        frame
    }

    fn spat_repr() -> WsmpRepr {
        WsmpRepr {
            channel: Some(172),
            rate: Some(DataRate(12)),
            tx_power_dbm: Some(20),
            ..WsmpRepr::new(Psid::INTERSECTION, 46)
        }
    }

    #[test]
    fn worked_example_parses_and_emits_byte_for_byte() {
        let frame = spat_frame();
        let packet = WsmpPacket::new_checked(&frame[..]).unwrap();
        assert_eq!(packet.version(), 3);
        assert_eq!(packet.subtype(), 0);
        assert!(packet.option_indicator());
        assert_eq!(packet.tpid(), 0);
        assert_eq!(packet.psid(), Psid::INTERSECTION);
        assert_eq!(packet.wsm_length(), 46);
        assert_eq!(packet.header_len(), 15);
        assert_eq!(packet.payload(), &frame[15..]);
        let ids: Vec<(u8, usize)> = packet.n_extensions().map(|e| (e.id, e.offset)).collect();
        assert_eq!(ids, [(15, 2), (16, 5), (4, 8)]);
        assert_eq!(packet.t_extensions().count(), 0);

        let repr = WsmpRepr::parse(&packet).unwrap();
        assert_eq!(repr, spat_repr());
        assert_eq!(repr.rate.unwrap().kbps(), 6000);
        assert_eq!(repr.header_len(), 15);
        assert_eq!(repr.buffer_len(), 61);

        let mut out = vec![0u8; repr.buffer_len()];
        assert_eq!(repr.emit(&mut out).unwrap(), 15);
        out[15..].copy_from_slice(&frame[15..]);
        assert_eq!(out, frame);

        let mut appended = vec![0xAA];
        let n = repr.emit_with_payload(&frame[15..], &mut appended).unwrap();
        assert_eq!(n, 61);
        assert_eq!(&appended[1..], &frame[..]);

        let (bytes, len) = repr.header_bytes().unwrap();
        assert_eq!(&bytes[..len], &SPAT_HEADER);
        let prefix = repr.header_prefix().unwrap();
        assert_eq!(prefix.as_bytes(), &SPAT_HEADER[..14]);
    }

    #[test]
    fn bsm_short_form() {
        // 03: subtype 0, no option, version 3; 00: TPID 0; 20: PSID 0x20 (1 octet, < 0x80);
        // 05: WSM length 5.
        let frame = [0x03, 0x00, 0x20, 0x05, 1, 2, 3, 4, 5];
        let packet = WsmpPacket::new_checked(&frame[..]).unwrap();
        assert!(!packet.option_indicator());
        assert_eq!(packet.n_extensions().count(), 0);
        let repr = WsmpRepr::parse(&packet).unwrap();
        assert_eq!(repr, WsmpRepr::new(Psid::BSM, 5));
        let mut out = Vec::new();
        repr.emit_with_payload(&frame[4..], &mut out).unwrap();
        assert_eq!(out, frame);
    }

    #[test]
    fn four_octet_psid_and_two_octet_length() {
        // e0 00 00 17: PSID 0x204097 = 0x204080 + 0x17 in the 4-octet form 1110xxxx;
        // 80 d0: 208 ≥ 128 so 2 octets, 10 then 14 bits: 0x8000 | 0xd0.
        let mut frame = vec![0x03, 0x00, 0xe0, 0x00, 0x00, 0x17, 0x80, 0xd0];
        frame.extend(std::iter::repeat_n(0x5a, 208));
        let packet = WsmpPacket::new_checked(&frame[..]).unwrap();
        assert_eq!(packet.psid().value(), 0x20_4097);
        assert_eq!(packet.header_len(), 8);
        assert_eq!(packet.payload().len(), 208);
        let repr = WsmpRepr::parse(&packet).unwrap();
        assert_eq!(repr, WsmpRepr::new(Psid::new(0x20_4097).unwrap(), 208));
        let mut out = Vec::new();
        repr.emit_with_payload(packet.payload(), &mut out).unwrap();
        assert_eq!(out, frame);
    }

    #[test]
    fn truncation_at_every_offset() {
        let frame = spat_frame();
        for cut in 0..frame.len() {
            let err = WsmpPacket::new_checked(&frame[..cut]).unwrap_err();
            if cut < SPAT_HEADER.len() {
                assert!(
                    matches!(err, WireError::Truncated { layer: Layer::Wsmp, offset, .. } if offset <= cut),
                    "cut {cut}: {err:?}"
                );
            } else {
                assert_eq!(
                    err,
                    WireError::LengthMismatch {
                        layer: Layer::Wsmp,
                        field: "wsm length",
                        declared: 46,
                        actual: cut - 15,
                    },
                    "cut {cut}"
                );
            }
        }
        // A few by name: inside the Data Rate element's value, at the TPID, inside the PSID.
        let trunc = |cut: usize| WsmpPacket::new_checked(&frame[..cut]).unwrap_err();
        assert!(matches!(
            trunc(7),
            WireError::Truncated {
                field: "n-extension value",
                offset: 7,
                needed: 1,
                available: 0,
                ..
            }
        ));
        assert!(matches!(
            trunc(11),
            WireError::Truncated {
                field: "tpid",
                offset: 11,
                ..
            }
        ));
        assert!(matches!(
            trunc(13),
            WireError::Truncated {
                field: "psid",
                offset: 12,
                needed: 2,
                available: 1,
                ..
            }
        ));
        assert!(matches!(
            trunc(14),
            WireError::Truncated {
                field: "wsm length",
                offset: 14,
                ..
            }
        ));
    }

    #[test]
    fn wsm_length_must_match_exactly() {
        // 81 2c: 2-octet length 0x012c = 300, with only 10 octets following.
        let mut long = vec![0x03, 0x00, 0x20, 0x81, 0x2c];
        long.extend([0u8; 10]);
        assert_eq!(
            WsmpPacket::new_checked(&long[..]).unwrap_err(),
            WireError::LengthMismatch {
                layer: Layer::Wsmp,
                field: "wsm length",
                declared: 300,
                actual: 10
            }
        );
        // Length 2 with 5 octets following: trailing bytes are refused too.
        let short = [0x03, 0x00, 0x20, 0x02, 1, 2, 3, 4, 5];
        assert_eq!(
            WsmpPacket::new_checked(&short[..]).unwrap_err(),
            WireError::LengthMismatch {
                layer: Layer::Wsmp,
                field: "wsm length",
                declared: 2,
                actual: 5
            }
        );
    }

    #[test]
    fn bad_fields_are_refused_with_their_names() {
        let check = |bytes: &[u8]| WsmpPacket::new_checked(bytes).map(|_| ()).unwrap_err();
        // PSID first octet 1111xxxx.
        assert_eq!(
            check(&[0x03, 0x00, 0xf0, 0, 0, 0, 0, 0]),
            WireError::Invalid {
                layer: Layer::Wsmp,
                field: "psid",
                offset: 2,
                value: 0xf0,
                expected: "a first octet below 0xf0 (p-encoding has 1 to 4 octets)"
            }
        );
        // 1609.3-2010 version 2 (octet 0 is the whole version).
        assert!(matches!(
            check(&[0x02, 0x20, 0x80, 0x00, 0x00]),
            WireError::Unsupported {
                field: "version",
                value: 2,
                ..
            }
        ));
        // Subtype 1 (0001), version 3.
        assert!(matches!(
            check(&[0x13, 0x00, 0x20, 0x00]),
            WireError::Unsupported {
                field: "subtype",
                value: 1,
                ..
            }
        ));
        // WSM length first octet 11xxxxxx.
        assert!(matches!(
            check(&[0x03, 0x00, 0x20, 0xc0, 0x00]),
            WireError::Invalid {
                field: "wsm length",
                offset: 3,
                value: 0xc0,
                ..
            }
        ));
        // 2-octet form of a value below 128 (80 05 = 5).
        assert!(matches!(
            check(&[0x03, 0x00, 0x20, 0x80, 0x05, 1, 2, 3, 4, 5]),
            WireError::Invalid {
                field: "wsm length",
                offset: 3,
                value: 0x8005,
                ..
            }
        ));
        // Extension count first octet 11xxxxxx.
        assert!(matches!(
            check(&[0x0b, 0xc1, 0x00, 0x20, 0x00]),
            WireError::Invalid {
                field: "n-extension count",
                offset: 1,
                ..
            }
        ));
        // TPID 2: choice index 1, reserved for ISO.
        assert!(matches!(
            check(&[0x03, 0x02, 0x20, 0x00]),
            WireError::Unsupported {
                field: "tpid",
                value: 2,
                ..
            }
        ));
        assert!(matches!(
            check(&[]),
            WireError::Truncated {
                field: "version",
                offset: 0,
                ..
            }
        ));
    }

    #[test]
    fn typed_extension_rules() {
        // Channel Number with a 2-octet value: structurally fine, refused by parse.
        let bad_len = [0x0b, 0x01, 0x0f, 0x02, 0xac, 0x00, 0x00, 0x20, 0x00];
        let packet = WsmpPacket::new_checked(&bad_len[..]).unwrap();
        assert_eq!(
            WsmpRepr::parse(&packet).unwrap_err(),
            WireError::Invalid {
                layer: Layer::Wsmp,
                field: "channel number",
                offset: 3,
                value: 2,
                expected: "a 1-octet value"
            }
        );
        // Channel Number twice (172, then 178 = 0xb2).
        let dup = [
            0x0b, 0x02, 0x0f, 0x01, 0xac, 0x0f, 0x01, 0xb2, 0x00, 0x20, 0x00,
        ];
        let packet = WsmpPacket::new_checked(&dup[..]).unwrap();
        assert_eq!(
            WsmpRepr::parse(&packet).unwrap_err(),
            WireError::Invalid {
                layer: Layer::Wsmp,
                field: "channel number",
                offset: 5,
                value: 15,
                expected: "at most one such extension per header"
            }
        );
        // Transmit power below zero: 0x76 = 118 → 118 − 128 = −10 dBm.
        let neg = [0x0b, 0x01, 0x04, 0x01, 0x76, 0x00, 0x20, 0x00];
        let repr = WsmpRepr::parse(&WsmpPacket::new_checked(&neg[..]).unwrap()).unwrap();
        assert_eq!(repr.tx_power_dbm, Some(-10));
    }

    #[test]
    fn unknown_extensions_round_trip() {
        // Channel 172, then element 23 (Channel Load) with one octet 0x42, kept opaque;
        // TPID 1 with one T-extension: element 7, length 2, aa bb; PSID 0x20; length 1.
        let frame = [
            0x0b, 0x02, 0x0f, 0x01, 0xac, 0x17, 0x01, 0x42, 0x01, 0x20, 0x01, 0x07, 0x02, 0xaa,
            0xbb, 0x01, 0x99,
        ];
        let packet = WsmpPacket::new_checked(&frame[..]).unwrap();
        assert_eq!(packet.tpid(), 1);
        assert_eq!(packet.payload(), &[0x99]);
        let repr = WsmpRepr::parse(&packet).unwrap();
        assert_eq!(repr.channel, Some(172));
        assert_eq!(
            repr.other_extensions,
            [ExtensionElement {
                id: 23,
                value: vec![0x42]
            }]
        );
        assert_eq!(
            repr.t_extensions,
            [ExtensionElement {
                id: 7,
                value: vec![0xaa, 0xbb]
            }]
        );
        let mut out = Vec::new();
        repr.emit_with_payload(&[0x99], &mut out).unwrap();
        assert_eq!(out, frame);
    }

    #[test]
    fn empty_option_is_accepted_but_not_reproduced() {
        // Option indicator set with count 0; emit drops the empty list (documented).
        let frame = [0x0b, 0x00, 0x00, 0x20, 0x00];
        let repr = WsmpRepr::parse(&WsmpPacket::new_checked(&frame[..]).unwrap()).unwrap();
        assert_eq!(repr, WsmpRepr::new(Psid::BSM, 0));
        let mut out = Vec::new();
        repr.emit_with_payload(&[], &mut out).unwrap();
        assert_eq!(out, [0x03, 0x00, 0x20, 0x00]);
    }

    #[test]
    fn emit_refusals() {
        let mut buf = [0u8; 32];
        let too_long = WsmpRepr::new(Psid::BSM, LENGTH_COUNT_MAX + 1);
        assert!(matches!(
            too_long.emit(&mut buf),
            Err(WireError::Emit {
                field: "wsm length",
                ..
            })
        ));
        let mut typed_as_other = WsmpRepr::new(Psid::BSM, 0);
        typed_as_other.other_extensions.push(ExtensionElement {
            id: 15,
            value: vec![172],
        });
        assert!(matches!(
            typed_as_other.emit(&mut buf),
            Err(WireError::Emit {
                field: "other_extensions",
                ..
            })
        ));
        assert!(matches!(
            spat_repr().emit(&mut buf[..14]),
            Err(WireError::Emit { .. })
        ));
        let mut out = Vec::new();
        assert!(spat_repr().emit_with_payload(&[0; 3], &mut out).is_err());
        assert!(out.is_empty());
        let mut big = WsmpRepr::new(Psid::BSM, 0);
        big.other_extensions.push(ExtensionElement {
            id: 200,
            value: vec![0; 70],
        });
        assert!(big.header_prefix().is_err());
        assert!(big.emit_with_payload(&[], &mut out).is_ok());
    }

    #[test]
    fn prefix_matches_emit_across_the_length_boundary() {
        let repr = spat_repr();
        let prefix = repr.header_prefix().unwrap();
        for len in [0, 1, 127, 128, 2302, LENGTH_COUNT_MAX] {
            let repr = WsmpRepr {
                payload_len: len,
                ..repr.clone()
            };
            let mut a = [0u8; MAX_HEADER_LEN];
            let n = repr.emit(&mut a).unwrap();
            assert_eq!(n, repr.header_len());
            assert_eq!(prefix.header_len(len), n);
            let (b, m) = prefix.header_bytes(len).unwrap();
            assert_eq!(&a[..n], &b[..m], "{len}");
        }
        assert!(prefix.header_bytes(LENGTH_COUNT_MAX + 1).is_err());
    }

    #[test]
    fn length_count_boundaries() {
        // (value, wire) checked against §8.1.3: 1 octet to 127, then 10 + 14 bits.
        let cases: [(usize, &[u8]); 4] = [
            (0, &[0x00]),
            (127, &[0x7f]),
            (128, &[0x80, 0x80]),
            (16383, &[0xbf, 0xff]),
        ];
        for (value, wire) in cases {
            let mut out = [0u8; 2];
            let n = write_length_count(value, &mut out, "x").unwrap();
            assert_eq!(&out[..n], wire);
            assert_eq!(length_count_len(value), n);
            assert_eq!(read_length_count(wire, 0, "x").unwrap(), (value, n));
        }
        assert!(write_length_count(16384, &mut [0u8; 2], "x").is_err());
        assert!(write_length_count(128, &mut [0u8; 1], "x").is_err());
        assert!(matches!(
            read_length_count(&[0x80], 0, "x"),
            Err(WireError::Truncated {
                needed: 2,
                available: 1,
                ..
            })
        ));
    }

    #[test]
    fn unchecked_view_of_garbage_is_harmless() {
        let bad = [0x03, 0x00, 0x20, 0x09, 1];
        let packet = WsmpPacket::new_unchecked(&bad[..]);
        assert!(packet.payload().is_empty());
        assert_eq!(packet.n_extensions().count(), 0);
        assert!(matches!(
            WsmpRepr::parse(&packet),
            Err(WireError::LengthMismatch {
                declared: 9,
                actual: 1,
                ..
            })
        ));
        let good = spat_frame();
        assert_eq!(WsmpPacket::new_unchecked(&good[..]).payload().len(), 46);
    }

    #[test]
    fn payload_mut_writes_in_place() {
        let mut frame = spat_frame();
        let mut packet = WsmpPacket::new_checked(&mut frame[..]).unwrap();
        packet.payload_mut()[0] = 0xEE;
        assert_eq!(frame[15], 0xEE);
    }

    fn element(excluded: &'static [u8]) -> impl Strategy<Value = ExtensionElement> {
        (
            any::<u8>().prop_filter("typed id", move |id| !excluded.contains(id)),
            proptest::collection::vec(any::<u8>(), 0..=200),
        )
            .prop_map(|(id, value)| ExtensionElement { id, value })
    }

    prop_compose! {
        fn any_repr()(
            channel in any::<Option<u8>>(),
            rate in any::<Option<u8>>(),
            tx_power_dbm in any::<Option<i8>>(),
            other_extensions in proptest::collection::vec(element(&[4, 15, 16]), 0..=3),
            t_extensions in proptest::collection::vec(element(&[]), 0..=2),
            psid in 0..=Psid::MAX,
            payload in proptest::collection::vec(any::<u8>(), 0..=3000),
        ) -> (WsmpRepr, Vec<u8>) {
            let repr = WsmpRepr {
                channel,
                rate: rate.map(DataRate),
                tx_power_dbm,
                other_extensions,
                t_extensions,
                psid: Psid::new(psid).unwrap(),
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
            let packet = WsmpPacket::new_checked(&out[..]).unwrap();
            prop_assert_eq!(packet.header_len(), repr.header_len());
            prop_assert_eq!(packet.payload(), &payload[..]);
            prop_assert_eq!(&WsmpRepr::parse(&packet).unwrap(), &repr);
            if let Ok((bytes, len)) = repr.header_bytes() {
                prop_assert_eq!(&bytes[..len], &out[..repr.header_len()]);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(
            mut bytes in proptest::collection::vec(any::<u8>(), 0..80),
            first in prop_oneof![Just(None), Just(Some(0x03u8)), Just(Some(0x0bu8))],
        ) {
            // Two thirds of the inputs start like WSMP v3 so the parser gets past octet 0.
            if let (Some(first), Some(b)) = (first, bytes.first_mut()) {
                *b = first;
            }
            let unchecked = WsmpPacket::new_unchecked(&bytes[..]);
            let _ = (unchecked.payload(), unchecked.n_extensions().count(), unchecked.psid());
            let _ = WsmpRepr::parse(&unchecked);
            if let Ok(packet) = WsmpPacket::new_checked(&bytes[..]) {
                let _ = packet.n_extensions().count() + packet.t_extensions().count();
                prop_assert_eq!(packet.header_len() + packet.payload().len(), bytes.len());
                let _ = WsmpRepr::parse(&packet);
            }
        }

        #[test]
        fn mutated_valid_frames_never_panic(at in 0usize..61, byte in any::<u8>(), cut in 0usize..=61) {
            let mut frame = spat_frame();
            frame[at] = byte;
            frame.truncate(cut);
            if let Ok(packet) = WsmpPacket::new_checked(&frame[..]) {
                let _ = WsmpRepr::parse(&packet);
                let _ = packet.n_extensions().count();
            }
        }
    }
}
