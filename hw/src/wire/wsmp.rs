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

use super::{Layer, WireError, field};
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
pub const MAX_PREFIX_LEN: usize = 64;
/// The longest header [`WsmpHeaderPrefix::header_bytes`] returns: prefix plus a 2-octet length.
pub const MAX_HEADER_LEN: usize = MAX_PREFIX_LEN + 2;

/// Reads `N` octets at `offset`, or says which field is truncated.
fn octets<const N: usize>(
    data: &[u8],
    offset: usize,
    name: &'static str,
) -> Result<[u8; N], WireError> {
    let slice = field(LAYER, name, data, offset, N)?;
    <[u8; N]>::try_from(slice).map_err(|_| WireError::Truncated {
        layer: LAYER,
        field: name,
        offset,
        needed: N,
        available: slice.len(),
    })
}

/// Reads a 1609.3 §8.1.3 Length or Count field at `offset`, returning the value and the
/// octets it took (1 or 2). `name` is the field named in errors.
pub fn read_length_count(
    data: &[u8],
    offset: usize,
    name: &'static str,
) -> Result<(usize, usize), WireError> {
    let [first] = octets::<1>(data, offset, name)?;
    match first >> 6 {
        0b00 | 0b01 => Ok((usize::from(first), 1)),
        0b10 => {
            let pair = octets::<2>(data, offset, name)?;
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
    let mut w = Writer { buf: out, at: 0 };
    w.length_count(value, name)?;
    Ok(w.at)
}

/// Appends octets to a buffer, failing with [`WireError::Emit`] where it would overflow.
struct Writer<'a> {
    buf: &'a mut [u8],
    at: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8], name: &'static str) -> Result<(), WireError> {
        let end = self.at + bytes.len();
        self.buf
            .get_mut(self.at..end)
            .ok_or(WireError::Emit {
                layer: LAYER,
                field: name,
                reason: "buffer too short for the header",
            })?
            .copy_from_slice(bytes);
        self.at = end;
        Ok(())
    }

    fn length_count(&mut self, value: usize, name: &'static str) -> Result<(), WireError> {
        match u16::try_from(value) {
            Ok(v) if value < 0x80 => self.put(&[v as u8], name),
            Ok(v) if value <= LENGTH_COUNT_MAX => self.put(&(0x8000 | v).to_be_bytes(), name),
            _ => Err(WireError::Emit {
                layer: LAYER,
                field: name,
                reason: "above 16383, the largest 1609.3 length or count",
            }),
        }
    }

    fn element(&mut self, id: u8, value: &[u8], names: &ExtNames) -> Result<(), WireError> {
        self.put(&[id], names.id)?;
        self.length_count(value.len(), names.length)?;
        self.put(value, names.value)
    }
}

/// Field names for errors in one extension list (N-header or T-header).
struct ExtNames {
    count: &'static str,
    id: &'static str,
    length: &'static str,
    value: &'static str,
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
        let [first] = octets::<1>(data, 0, "version")?;
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
        let (n_count, n_start) = if first & 0x08 != 0 {
            let (count, start, end) = scan_extensions(data, at, &N_EXT)?;
            at = end;
            (count, start)
        } else {
            (0, at)
        };
        let [tpid] = octets::<1>(data, at, "tpid")?;
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
        let (t_count, t_start) = if tpid == TPID_PSID_T_EXTENSIONS {
            let (count, start, end) = scan_extensions(data, at, &T_EXT)?;
            at = end;
            (count, start)
        } else {
            (0, at)
        };
        let (wsm_length, len_octets) = read_length_count(data, at, "wsm length")?;
        let payload_at = at + len_octets;
        let actual = data.len() - payload_at;
        if wsm_length != actual {
            return Err(WireError::LengthMismatch {
                layer: LAYER,
                field: "wsm length",
                declared: wsm_length,
                actual,
            });
        }
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

/// Walks a count and its extension elements at `offset`, returning the count and the byte
/// range of the elements.
fn scan_extensions(
    data: &[u8],
    offset: usize,
    names: &ExtNames,
) -> Result<(usize, usize, usize), WireError> {
    let (count, n) = read_length_count(data, offset, names.count)?;
    let start = offset + n;
    let mut at = start;
    // Each element takes at least 2 octets, so a large count runs out of data quickly.
    for _ in 0..count {
        octets::<1>(data, at, names.id)?;
        let (len, n) = read_length_count(data, at + 1, names.length)?;
        field(LAYER, names.value, data, at + 1 + n, len)?;
        at += 1 + n + len;
    }
    Ok((count, start, at))
}

/// One extension element as it sits in a received header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    /// WAVE Element ID.
    pub id: u8,
    /// The value octets (for the typed N-extensions, one octet).
    pub value: &'a [u8],
    /// Offset of the element ID from the first WSMP octet.
    pub offset: usize,
    /// How many octets the element's length field took.
    pub length_octets: usize,
}

/// The extension elements of a checked header, in wire order.
#[derive(Debug, Clone)]
pub struct Extensions<'a> {
    data: &'a [u8],
    at: usize,
    remaining: usize,
}

impl<'a> Iterator for Extensions<'a> {
    type Item = Extension<'a>;

    fn next(&mut self) -> Option<Extension<'a>> {
        if self.remaining == 0 {
            return None;
        }
        let id = *self.data.get(self.at)?;
        let (len, n) = read_length_count(self.data, self.at + 1, "extension length").ok()?;
        let value_at = self.at + 1 + n;
        let value = self.data.get(value_at..value_at + len)?;
        let ext = Extension {
            id,
            value,
            offset: self.at,
            length_octets: n,
        };
        self.at = value_at + len;
        self.remaining -= 1;
        Some(ext)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining))
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
        Extensions {
            data: self.buffer.as_ref(),
            at: self.layout.n_start,
            remaining: self.layout.n_count,
        }
    }

    /// The WSMP-T-Header extension elements (present with TPID 1; 1609.3 defines none).
    pub fn t_extensions(&self) -> Extensions<'_> {
        Extensions {
            data: self.buffer.as_ref(),
            at: self.layout.t_start,
            remaining: self.layout.t_count,
        }
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

/// An extension element other than the typed ones, kept so that it round trips.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtensionElement {
    /// Element ID.
    pub id: u8,
    /// Value octets, as received.
    pub value: Vec<u8>,
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
        let mut repr = WsmpRepr::new(packet.psid(), packet.wsm_length());
        for ext in packet.n_extensions() {
            match ext.id {
                ELEMENT_ID_CHANNEL_NUMBER => {
                    let v = typed_octet(&ext, repr.channel.is_some(), "channel number")?;
                    repr.channel = Some(v);
                }
                ELEMENT_ID_DATA_RATE => {
                    let v = typed_octet(&ext, repr.rate.is_some(), "data rate")?;
                    repr.rate = Some(DataRate(v));
                }
                ELEMENT_ID_TX_POWER_USED => {
                    let v = typed_octet(&ext, repr.tx_power_dbm.is_some(), "transmit power used")?;
                    repr.tx_power_dbm = Some(tx_power_from_octet(v));
                }
                id => repr.other_extensions.push(ExtensionElement {
                    id,
                    value: ext.value.to_vec(),
                }),
            }
        }
        repr.t_extensions = packet
            .t_extensions()
            .map(|ext| ExtensionElement {
                id: ext.id,
                value: ext.value.to_vec(),
            })
            .collect();
        Ok(repr)
    }

    fn n_count(&self) -> usize {
        usize::from(self.channel.is_some())
            + usize::from(self.rate.is_some())
            + usize::from(self.tx_power_dbm.is_some())
            + self.other_extensions.len()
    }

    /// Octets before the WSM length field.
    fn prefix_len(&self) -> usize {
        let elements = |list: &[ExtensionElement]| -> usize {
            list.iter()
                .map(|e| 1 + length_count_len(e.value.len()) + e.value.len())
                .sum()
        };
        let n_count = self.n_count();
        let n_ext = if n_count == 0 {
            0
        } else {
            // Each typed extension is ID, 1-octet length, 1-octet value.
            length_count_len(n_count)
                + 3 * (n_count - self.other_extensions.len())
                + elements(&self.other_extensions)
        };
        let t_ext = if self.t_extensions.is_empty() {
            0
        } else {
            length_count_len(self.t_extensions.len()) + elements(&self.t_extensions)
        };
        1 + n_ext + 1 + self.psid.encoded_len() + t_ext
    }

    /// Header octets `emit` writes (everything before the WSM data).
    pub fn header_len(&self) -> usize {
        self.prefix_len() + length_count_len(self.payload_len)
    }

    /// Header plus WSM data.
    pub fn buffer_len(&self) -> usize {
        self.header_len() + self.payload_len
    }

    /// Writes everything before the WSM length into `out`, returning the octets written.
    fn emit_prefix(&self, out: &mut [u8]) -> Result<usize, WireError> {
        let typed = [
            ELEMENT_ID_TX_POWER_USED,
            ELEMENT_ID_CHANNEL_NUMBER,
            ELEMENT_ID_DATA_RATE,
        ];
        if self.other_extensions.iter().any(|e| typed.contains(&e.id)) {
            return Err(WireError::Emit {
                layer: LAYER,
                field: "other_extensions",
                reason: "element IDs 4, 15 and 16 belong in the typed fields",
            });
        }
        let n_count = self.n_count();
        let mut w = Writer { buf: out, at: 0 };
        let option = if n_count > 0 { 0x08 } else { 0 };
        w.put(
            &[(SUBTYPE_NULL_NETWORKING << 4) | option | VERSION],
            "version",
        )?;
        if n_count > 0 {
            w.length_count(n_count, N_EXT.count)?;
            if let Some(channel) = self.channel {
                w.element(ELEMENT_ID_CHANNEL_NUMBER, &[channel], &N_EXT)?;
            }
            if let Some(rate) = self.rate {
                w.element(ELEMENT_ID_DATA_RATE, &[rate.0], &N_EXT)?;
            }
            if let Some(dbm) = self.tx_power_dbm {
                w.element(ELEMENT_ID_TX_POWER_USED, &[tx_power_to_octet(dbm)], &N_EXT)?;
            }
            for e in &self.other_extensions {
                w.element(e.id, &e.value, &N_EXT)?;
            }
        }
        let tpid = if self.t_extensions.is_empty() {
            TPID_PSID
        } else {
            TPID_PSID_T_EXTENSIONS
        };
        w.put(&[tpid], "tpid")?;
        let mut psid = [0u8; 4];
        let psid_len = self.psid.write_p_encoded(&mut psid).unwrap_or(0);
        w.put(psid.get(..psid_len).unwrap_or_default(), "psid")?;
        if !self.t_extensions.is_empty() {
            w.length_count(self.t_extensions.len(), T_EXT.count)?;
            for e in &self.t_extensions {
                w.element(e.id, &e.value, &T_EXT)?;
            }
        }
        Ok(w.at)
    }

    /// The header without its WSM length, for emitting many messages that differ only in
    /// their data. Fails if the repr cannot be encoded or its prefix exceeds
    /// [`MAX_PREFIX_LEN`] octets (only possible with large other extensions).
    pub fn header_prefix(&self) -> Result<WsmpHeaderPrefix, WireError> {
        let mut bytes = [0u8; MAX_PREFIX_LEN];
        if self.prefix_len() > MAX_PREFIX_LEN {
            return Err(WireError::Emit {
                layer: LAYER,
                field: "header",
                reason: "extensions make the header prefix longer than MAX_PREFIX_LEN",
            });
        }
        let len = self.emit_prefix(&mut bytes)?;
        Ok(WsmpHeaderPrefix { bytes, len })
    }

    /// The whole header for `payload_len` octets of data, on the stack; the first
    /// `.1` octets of `.0` are the header.
    pub fn header_bytes(&self) -> Result<([u8; MAX_HEADER_LEN], usize), WireError> {
        self.header_prefix()?.header_bytes(self.payload_len)
    }

    /// Writes the header into the start of `buf` and returns its length; the caller puts
    /// `payload_len` octets of WSM data right after it (smoltcp style).
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        check_payload_len(self.payload_len)?;
        let at = self.emit_prefix(buf)?;
        let rest = buf.get_mut(at..).unwrap_or_default();
        Ok(at + write_length_count(self.payload_len, rest, "wsm length")?)
    }

    /// Appends the header and `payload` to `out`, returning the octets appended.
    /// `payload.len()` must equal `payload_len`.
    pub fn emit_with_payload(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<usize, WireError> {
        if payload.len() != self.payload_len {
            return Err(WireError::Emit {
                layer: LAYER,
                field: "payload",
                reason: "payload length differs from payload_len",
            });
        }
        let start = out.len();
        out.resize(start + self.header_len(), 0);
        match self.emit(out.get_mut(start..).unwrap_or_default()) {
            Ok(n) => {
                out.truncate(start + n);
                out.extend_from_slice(payload);
                Ok(n + payload.len())
            }
            Err(e) => {
                out.truncate(start);
                Err(e)
            }
        }
    }
}

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

/// The one-octet value of a typed extension, refusing a second copy or another length.
fn typed_octet(ext: &Extension<'_>, seen: bool, name: &'static str) -> Result<u8, WireError> {
    if seen {
        return Err(WireError::Invalid {
            layer: LAYER,
            field: name,
            offset: ext.offset,
            value: u64::from(ext.id),
            expected: "at most one such extension per header",
        });
    }
    match ext.value {
        [v] => Ok(*v),
        other => Err(WireError::Invalid {
            layer: LAYER,
            field: name,
            offset: ext.offset + 1,
            value: other.len() as u64,
            expected: "a 1-octet value",
        }),
    }
}

/// `TXpower80211 ::= INTEGER (-128..127)` in UPER: the offset from -128 in one octet.
pub(crate) const fn tx_power_from_octet(octet: u8) -> i8 {
    (octet ^ 0x80) as i8
}

/// The inverse of [`tx_power_from_octet`]: dBm + 128.
pub(crate) const fn tx_power_to_octet(dbm: i8) -> u8 {
    (dbm as u8) ^ 0x80
}

/// A WSMP header minus its WSM length: what stays the same from one message to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WsmpHeaderPrefix {
    bytes: [u8; MAX_PREFIX_LEN],
    len: usize,
}

impl WsmpHeaderPrefix {
    /// The prefix octets.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    /// Header length for `payload_len` octets of data: the length field grows to 2 octets
    /// from 128 on.
    pub fn header_len(&self, payload_len: usize) -> usize {
        self.len + length_count_len(payload_len)
    }

    /// Writes the header for `payload_len` octets of data into the start of `buf` and
    /// returns its length; the data goes right after it.
    pub fn emit(&self, payload_len: usize, buf: &mut [u8]) -> Result<usize, WireError> {
        check_payload_len(payload_len)?;
        let mut w = Writer { buf, at: 0 };
        w.put(self.as_bytes(), "header")?;
        w.length_count(payload_len, "wsm length")?;
        Ok(w.at)
    }

    /// The header for `payload_len` octets of data, on the stack.
    pub fn header_bytes(
        &self,
        payload_len: usize,
    ) -> Result<([u8; MAX_HEADER_LEN], usize), WireError> {
        let mut out = [0u8; MAX_HEADER_LEN];
        let n = self.emit(payload_len, &mut out)?;
        Ok((out, n))
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
