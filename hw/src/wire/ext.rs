//! What the WSMP (IEEE 1609.3) and DSMP (YD/T 3707) headers share: an optional list of
//! extension elements `{ element ID, length, value }` behind a count, three of them typed
//! (channel number, data rate, transmit power used, each one octet) and the others kept
//! opaque, then a data length field last, which is why a precomputed header prefix pays.
//!
//! The two formats were written to the same plan but differ in their encodings: WSMP's
//! counts, lengths and data length are 1609.3 Length/Count fields, DSMP's counts and element
//! lengths are single octets and its data length is 2 octets; their element IDs differ too.
//! A [`Format`] says how one format does each of these, so the walking, sorting and writing
//! below is written once.

use super::{Layer, WireError, field};
use crate::radio::DataRate;

/// Room in a header prefix, in both formats.
pub(crate) const MAX_PREFIX_LEN: usize = 64;
/// A prefix plus the longest data length field (2 octets in both formats).
pub(crate) const MAX_HEADER_LEN: usize = MAX_PREFIX_LEN + 2;

/// How one header format encodes what the shared code reads and writes: the element IDs of
/// the typed extensions, and the count, element length and data length fields. Each format
/// has one, as a `const`; the functions are where the two formats' errors differ, so they
/// name the fields and offsets exactly as before the code was shared.
#[derive(Debug)]
pub(crate) struct Format {
    pub(crate) layer: Layer,
    pub(crate) channel_number: u8,
    pub(crate) data_rate: u8,
    pub(crate) tx_power_used: u8,
    /// The transmit power extension's field name in errors.
    pub(crate) tx_power_name: &'static str,
    /// Why `emit` refuses a typed element ID among the other extensions.
    pub(crate) typed_id_reason: &'static str,
    /// Octets a count or an element length holding a value takes.
    pub(crate) length_len: fn(usize) -> usize,
    /// Reads a count: its value and the octets it took.
    pub(crate) read_count: ReadLength,
    /// Reads an element's ID and length: the ID, the value's length and the octets the
    /// length field took.
    pub(crate) read_element_head: ReadElementHead,
    /// Writes a count.
    pub(crate) write_count: fn(&mut Writer<'_>, usize, &'static str) -> Result<(), WireError>,
    /// Writes an element's ID and the length of its value.
    pub(crate) write_element_head:
        fn(&mut Writer<'_>, u8, usize, &ExtNames) -> Result<(), WireError>,
    /// The data length field's name in errors.
    pub(crate) payload_length_name: &'static str,
    /// Reads the data length field: its value and the octets it took.
    pub(crate) read_payload_length: ReadLength,
    /// Refuses a data length the data length field cannot hold.
    pub(crate) check_payload_len: fn(usize) -> Result<(), WireError>,
    /// Octets the data length field takes for a data length.
    pub(crate) payload_length_len: fn(usize) -> usize,
    /// Writes the data length field (after `check_payload_len` passed).
    pub(crate) write_payload_length:
        fn(&mut Writer<'_>, usize, &'static str) -> Result<(), WireError>,
}

/// `(data, offset, field name) -> (value, octets)`.
type ReadLength = fn(&[u8], usize, &'static str) -> Result<(usize, usize), WireError>;
/// `(data, offset, names) -> (element ID, value length, length octets)`.
type ReadElementHead = fn(&[u8], usize, &ExtNames) -> Result<(u8, usize, usize), WireError>;

/// Reads `N` octets at `offset`, or says which field is truncated.
pub(crate) fn octets<const N: usize>(
    layer: Layer,
    data: &[u8],
    offset: usize,
    name: &'static str,
) -> Result<[u8; N], WireError> {
    let slice = field(layer, name, data, offset, N)?;
    <[u8; N]>::try_from(slice).map_err(|_| WireError::Truncated {
        layer,
        field: name,
        offset,
        needed: N,
        available: slice.len(),
    })
}

/// Appends octets to a buffer, failing with [`WireError::Emit`] where it would overflow.
pub(crate) struct Writer<'a> {
    layer: Layer,
    buf: &'a mut [u8],
    at: usize,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(layer: Layer, buf: &'a mut [u8]) -> Self {
        Writer { layer, buf, at: 0 }
    }

    /// Octets written so far.
    pub(crate) fn written(&self) -> usize {
        self.at
    }

    pub(crate) fn put(&mut self, bytes: &[u8], name: &'static str) -> Result<(), WireError> {
        let end = self.at + bytes.len();
        self.buf
            .get_mut(self.at..end)
            .ok_or(WireError::Emit {
                layer: self.layer,
                field: name,
                reason: "buffer too short for the header",
            })?
            .copy_from_slice(bytes);
        self.at = end;
        Ok(())
    }

    fn element(
        &mut self,
        f: &Format,
        id: u8,
        value: &[u8],
        names: &ExtNames,
    ) -> Result<(), WireError> {
        (f.write_element_head)(self, id, value.len(), names)?;
        self.put(value, names.value)
    }
}

/// Field names for errors in one extension list.
#[derive(Debug)]
pub(crate) struct ExtNames {
    pub(crate) count: &'static str,
    pub(crate) id: &'static str,
    pub(crate) length: &'static str,
    pub(crate) value: &'static str,
}

/// Walks an extension list at `*at` (a count and its elements; nothing unless `present`),
/// moving `*at` past it. Returns the count and where the elements start.
pub(crate) fn scan(
    f: &Format,
    present: bool,
    data: &[u8],
    at: &mut usize,
    names: &ExtNames,
) -> Result<(usize, usize), WireError> {
    if !present {
        return Ok((0, *at));
    }
    let (count, n) = (f.read_count)(data, *at, names.count)?;
    let start = *at + n;
    *at = start;
    // Each element takes at least 2 octets, so a large count runs out of data quickly.
    for _ in 0..count {
        let (_, len, n) = (f.read_element_head)(data, *at, names)?;
        field(f.layer, names.value, data, *at + 1 + n, len)?;
        *at += 1 + n + len;
    }
    Ok((count, start))
}

/// Reads the data length field at `offset`, which must count exactly the octets after it.
/// Returns the length and where the data starts.
pub(crate) fn read_payload_length(
    f: &Format,
    data: &[u8],
    offset: usize,
) -> Result<(usize, usize), WireError> {
    let name = f.payload_length_name;
    let (declared, n) = (f.read_payload_length)(data, offset, name)?;
    let payload_at = offset + n;
    let actual = data.len() - payload_at;
    if declared != actual {
        return Err(WireError::LengthMismatch {
            layer: f.layer,
            field: name,
            declared,
            actual,
        });
    }
    Ok((declared, payload_at))
}

/// One extension element as it sits in a received header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    /// Element ID.
    pub id: u8,
    /// The value octets (for the typed extensions, one octet).
    pub value: &'a [u8],
    /// Offset of the element ID from the start of the header (WSMP's first octet, DSMP's
    /// protocol type).
    pub offset: usize,
    /// How many octets the element's length field took.
    pub length_octets: usize,
}

impl Extension<'_> {
    pub(crate) fn to_element(self) -> ExtensionElement {
        ExtensionElement {
            id: self.id,
            value: self.value.to_vec(),
        }
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

/// The extension elements of a checked header, in wire order (the public iterators wrap it).
#[derive(Debug, Clone)]
pub(crate) struct Elements<'a> {
    format: &'static Format,
    names: &'static ExtNames,
    data: &'a [u8],
    at: usize,
    remaining: usize,
}

impl<'a> Elements<'a> {
    /// The `count` elements from `at` in `data`, which a scan with `names` has checked.
    pub(crate) fn new(
        format: &'static Format,
        names: &'static ExtNames,
        data: &'a [u8],
        at: usize,
        count: usize,
    ) -> Self {
        Elements {
            format,
            names,
            data,
            at,
            remaining: count,
        }
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = Extension<'a>;

    fn next(&mut self) -> Option<Extension<'a>> {
        if self.remaining == 0 {
            return None;
        }
        let (id, len, n) = (self.format.read_element_head)(self.data, self.at, self.names).ok()?;
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

/// A repr's extension fields: the typed ones, then the others in `other` (owned after
/// parse, borrowed for emit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExtFields<O> {
    pub(crate) channel: Option<u8>,
    pub(crate) rate: Option<DataRate>,
    pub(crate) tx_power_dbm: Option<i8>,
    pub(crate) other: O,
}

impl ExtFields<Vec<ExtensionElement>> {
    /// Sorts received elements into the typed fields and the others. Fails on a typed
    /// element whose value is not one octet or that appears twice.
    pub(crate) fn parse<'a>(
        f: &Format,
        elements: impl Iterator<Item = Extension<'a>>,
    ) -> Result<Self, WireError> {
        let mut fields = ExtFields::opaque(Vec::new());
        for ext in elements {
            if ext.id == f.channel_number {
                let v = typed_octet(f, &ext, fields.channel.is_some(), "channel number")?;
                fields.channel = Some(v);
            } else if ext.id == f.data_rate {
                let v = typed_octet(f, &ext, fields.rate.is_some(), "data rate")?;
                fields.rate = Some(DataRate(v));
            } else if ext.id == f.tx_power_used {
                let seen = fields.tx_power_dbm.is_some();
                let v = typed_octet(f, &ext, seen, f.tx_power_name)?;
                fields.tx_power_dbm = Some(tx_power_from_octet(v));
            } else {
                fields.other.push(ext.to_element());
            }
        }
        Ok(fields)
    }
}

impl<O> ExtFields<O> {
    /// A list of `other` elements only.
    pub(crate) const fn opaque(other: O) -> Self {
        ExtFields {
            channel: None,
            rate: None,
            tx_power_dbm: None,
            other,
        }
    }
}

impl<O: AsRef<[ExtensionElement]>> ExtFields<O> {
    /// How many elements `emit` writes.
    pub(crate) fn count(&self) -> usize {
        usize::from(self.channel.is_some())
            + usize::from(self.rate.is_some())
            + usize::from(self.tx_power_dbm.is_some())
            + self.other.as_ref().len()
    }

    /// Octets `emit` writes: the count and the elements, or nothing when there are none.
    pub(crate) fn encoded_len(&self, f: &Format) -> usize {
        let count = self.count();
        if count == 0 {
            return 0;
        }
        let other = self.other.as_ref();
        let other_len: usize = other
            .iter()
            .map(|e| 1 + (f.length_len)(e.value.len()) + e.value.len())
            .sum();
        // Each typed extension is ID, 1-octet length, 1-octet value.
        (f.length_len)(count) + 3 * (count - other.len()) + other_len
    }

    /// Refuses a typed element ID among the others: it belongs in its typed field.
    pub(crate) fn check_other(&self, f: &Format) -> Result<(), WireError> {
        let typed = [f.tx_power_used, f.channel_number, f.data_rate];
        if self.other.as_ref().iter().any(|e| typed.contains(&e.id)) {
            return Err(WireError::Emit {
                layer: f.layer,
                field: "other_extensions",
                reason: f.typed_id_reason,
            });
        }
        Ok(())
    }

    /// Writes the count and the elements, typed ones first; nothing when there are none.
    pub(crate) fn emit(
        &self,
        f: &Format,
        w: &mut Writer<'_>,
        names: &ExtNames,
    ) -> Result<(), WireError> {
        let count = self.count();
        if count == 0 {
            return Ok(());
        }
        (f.write_count)(w, count, names.count)?;
        if let Some(channel) = self.channel {
            w.element(f, f.channel_number, &[channel], names)?;
        }
        if let Some(rate) = self.rate {
            w.element(f, f.data_rate, &[rate.0], names)?;
        }
        if let Some(dbm) = self.tx_power_dbm {
            w.element(f, f.tx_power_used, &[tx_power_to_octet(dbm)], names)?;
        }
        for e in self.other.as_ref() {
            w.element(f, e.id, &e.value, names)?;
        }
        Ok(())
    }
}

/// The one-octet value of a typed extension, refusing a second copy or another length.
fn typed_octet(
    f: &Format,
    ext: &Extension<'_>,
    seen: bool,
    name: &'static str,
) -> Result<u8, WireError> {
    if seen {
        return Err(WireError::Invalid {
            layer: f.layer,
            field: name,
            offset: ext.offset,
            value: u64::from(ext.id),
            expected: "at most one such extension per header",
        });
    }
    match ext.value {
        [v] => Ok(*v),
        other => Err(WireError::Invalid {
            layer: f.layer,
            field: name,
            offset: ext.offset + 1,
            value: other.len() as u64,
            expected: "a 1-octet value",
        }),
    }
}

/// `TXpower80211 ::= INTEGER (-128..127)` in UPER: the offset from -128 in one octet. DSMP
/// is taken to encode it the same way (see its module documentation).
const fn tx_power_from_octet(octet: u8) -> i8 {
    (octet ^ 0x80) as i8
}

/// The inverse of [`tx_power_from_octet`]: dBm + 128.
const fn tx_power_to_octet(dbm: i8) -> u8 {
    (dbm as u8) ^ 0x80
}

/// A header repr as the shared emit code sees it: a prefix, then the data length field.
pub(crate) trait Header {
    /// How the header's format encodes its fields.
    const FORMAT: &'static Format;
    /// Octets of data after the header.
    fn payload_len(&self) -> usize;
    /// Octets before the data length field.
    fn prefix_len(&self) -> usize;
    /// Writes everything before the data length field into `out`, returning the octets
    /// written.
    fn emit_prefix(&self, out: &mut [u8]) -> Result<usize, WireError>;
}

/// Header octets [`emit`] writes.
pub(crate) fn header_len<H: Header>(header: &H) -> usize {
    header.prefix_len() + (H::FORMAT.payload_length_len)(header.payload_len())
}

/// Writes the header into the start of `buf` and returns its length.
pub(crate) fn emit<H: Header>(header: &H, buf: &mut [u8]) -> Result<usize, WireError> {
    let f = H::FORMAT;
    (f.check_payload_len)(header.payload_len())?;
    let at = header.emit_prefix(buf)?;
    let mut w = Writer {
        layer: f.layer,
        buf,
        at,
    };
    (f.write_payload_length)(&mut w, header.payload_len(), f.payload_length_name)?;
    Ok(w.at)
}

/// Appends the header and `payload` to `out`, returning the octets appended; on failure
/// `out` is left as it was.
pub(crate) fn emit_with_payload<H: Header>(
    header: &H,
    payload: &[u8],
    out: &mut Vec<u8>,
) -> Result<usize, WireError> {
    if payload.len() != header.payload_len() {
        return Err(WireError::Emit {
            layer: H::FORMAT.layer,
            field: "payload",
            reason: "payload length differs from payload_len",
        });
    }
    let start = out.len();
    out.resize(start + header_len(header), 0);
    match emit(header, out.get_mut(start..).unwrap_or_default()) {
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

/// A header minus its data length field (the public header prefix types wrap it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prefix {
    bytes: [u8; MAX_PREFIX_LEN],
    len: usize,
}

impl Prefix {
    /// The header's prefix, for emitting many messages that differ only in their data.
    pub(crate) fn of<H: Header>(header: &H) -> Result<Prefix, WireError> {
        if header.prefix_len() > MAX_PREFIX_LEN {
            return Err(WireError::Emit {
                layer: H::FORMAT.layer,
                field: "header",
                reason: "extensions make the header prefix longer than MAX_PREFIX_LEN",
            });
        }
        let mut bytes = [0u8; MAX_PREFIX_LEN];
        let len = header.emit_prefix(&mut bytes)?;
        Ok(Prefix { bytes, len })
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    pub(crate) fn header_len(&self, f: &Format, payload_len: usize) -> usize {
        self.len + (f.payload_length_len)(payload_len)
    }

    pub(crate) fn emit(
        &self,
        f: &Format,
        payload_len: usize,
        buf: &mut [u8],
    ) -> Result<usize, WireError> {
        (f.check_payload_len)(payload_len)?;
        let mut w = Writer::new(f.layer, buf);
        w.put(self.as_bytes(), "header")?;
        (f.write_payload_length)(&mut w, payload_len, f.payload_length_name)?;
        Ok(w.at)
    }

    pub(crate) fn header_bytes(
        &self,
        f: &Format,
        payload_len: usize,
    ) -> Result<([u8; MAX_HEADER_LEN], usize), WireError> {
        let mut out = [0u8; MAX_HEADER_LEN];
        let n = self.emit(f, payload_len, &mut out)?;
        Ok((out, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tx_power_octet_is_dbm_plus_128() {
        // 20 dBm + 128 = 148 = 0x94; -10 dBm + 128 = 118 = 0x76; the ends of the range.
        for (dbm, octet) in [
            (20, 0x94),
            (-10, 0x76),
            (-128, 0x00),
            (127, 0xff),
            (0, 0x80),
        ] {
            assert_eq!(tx_power_to_octet(dbm), octet, "{dbm} dBm");
            assert_eq!(tx_power_from_octet(octet), dbm, "{octet:#04x}");
        }
        for octet in 0..=u8::MAX {
            assert_eq!(tx_power_to_octet(tx_power_from_octet(octet)), octet);
        }
    }
}
