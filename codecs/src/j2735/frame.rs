//! The J2735 MessageFrame: `messageId` and the message it selects, and the entry points
//! for UPER and JER.

use rasn::prelude::*;
use serde_json::Value;

use super::*;
use crate::error::{Error, ROOT, unwind, unwind_json};

/// DSRCmsgID: which message a MessageFrame carries.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=32767"))]
pub struct DSRCmsgID(pub u16);

impl DSRCmsgID {
    /// MapData.
    pub const MAP_DATA: Self = Self(18);
    /// SignalPhaseAndTiming (SPAT).
    pub const SIGNAL_PHASE_AND_TIMING: Self = Self(19);
    /// BasicSafetyMessage.
    pub const BASIC_SAFETY_MESSAGE: Self = Self(20);
    /// RoadSideAlert.
    pub const ROAD_SIDE_ALERT: Self = Self(27);
    /// SignalRequestMessage.
    pub const SIGNAL_REQUEST_MESSAGE: Self = Self(29);
    /// SignalStatusMessage.
    pub const SIGNAL_STATUS_MESSAGE: Self = Self(30);
    /// TravelerInformation.
    pub const TRAVELER_INFORMATION: Self = Self(31);
    /// PersonalSafetyMessage.
    pub const PERSONAL_SAFETY_MESSAGE: Self = Self(32);
}

crate::open_type! {
    /// A J2735 MessageFrame: the message and, implied by it, its `messageId`.
    ///
    /// Messages outside the 2020 set this crate types (e.g. SDSM, 41, from J2735-2024) are
    /// [`MessageFrame::Unknown`]: id and octets, re-encoded unchanged.
    pub enum MessageFrame {
        extensible: true,
        id: "messageId" => DSRCmsgID,
        value: "value",
        /// MapData (18): intersection and road geometry.
        MapData(Box<MapData>) = 18,
        /// SPAT (19): signal phase and timing.
        SPAT(Box<SPAT>) = 19,
        /// BasicSafetyMessage (20).
        BasicSafetyMessage(Box<BasicSafetyMessage>) = 20,
        /// RoadSideAlert (27).
        RoadSideAlert(Box<RoadSideAlert>) = 27,
        /// SignalRequestMessage (29).
        SignalRequestMessage(Box<SignalRequestMessage>) = 29,
        /// SignalStatusMessage (30).
        SignalStatusMessage(Box<SignalStatusMessage>) = 30,
        /// TravelerInformation (31).
        TravelerInformation(Box<TravelerInformation>) = 31,
        /// PersonalSafetyMessage (32).
        PersonalSafetyMessage(Box<PersonalSafetyMessage>) = 32,
    }
}

// The entry points that decode, write JER or explain a refusal are `#[inline(never)]`: they
// reach rasn's generic code for every message type, and inlined into a caller built for speed
// (the service, at opt-level 3, with fat LTO) they were compiled a second time there, about
// a megabyte of the binary between this type, the ETSI messages and MapData, for calls made
// per command, per TMC message or per received frame, never per SPaT. `encode_into`'s fast
// SPAT path, the hot path's, is left to the inliner.
impl MessageFrame {
    /// Decodes one UPER MessageFrame from the start of `bytes`; returns it and how many
    /// bytes it used. Bytes after the frame are the caller's to report or use.
    #[inline(never)]
    pub fn decode(bytes: &[u8]) -> Result<(Self, usize), Error> {
        Self::decode_at(bytes, 0)
    }

    #[inline(never)]
    fn decode_at(all: &[u8], offset: usize) -> Result<(Self, usize), Error> {
        let input = all.get(offset..).unwrap_or_default();
        if let Some((id, start, len)) = frame_header(input)
            && let Some(body) = input.get(start..start + len)
        {
            // The message's own errors are inside the frame's `value`, as rasn reports them.
            return Self::from_value_uper(id, body)
                .map(|frame| (frame, start + len))
                .map_err(|e| uper_error(&e, Some("value"), offset, all.len()));
        }
        // Extension additions, fragmented lengths and truncated input: rasn reads (or
        // explains) those.
        rasn::uper::decode_with_remainder::<Self>(input)
            .map(|(frame, rest)| (frame, input.len() - rest.len()))
            .map_err(|e| uper_error(&e, None, offset, all.len()))
    }

    /// Decodes every frame of a stream of concatenated UPER frames (a capture file).
    /// Each item is the frame and the byte range it came from; iteration ends at the end of
    /// the input or after the first error.
    pub fn decode_all(bytes: &[u8]) -> DecodeAll<'_> {
        DecodeAll {
            bytes,
            offset: 0,
            failed: false,
        }
    }

    /// Encodes the frame as UPER. Values outside their ranges are refused with the field path.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.encode_into(&mut out)?;
        Ok(out)
    }

    /// Encodes into `buf` (cleared first), reusing its allocation: the hot path's form.
    ///
    /// The message is encoded straight into `buf` and the frame header put in front of it,
    /// instead of encoding the message into an open type's own buffer and copying that.
    /// SPAT, sent ten times a second per intersection, goes through a hand-written encoder
    /// (`fast_spat`) that writes the same bits several times faster; what it declines
    /// (regional extensions, out-of-range values) is encoded, or refused, by rasn as before.
    pub fn encode_into(&self, buf: &mut Vec<u8>) -> Result<(), Error> {
        if let Self::SPAT(spat) = self
            && Self::encode_spat_fast(spat, buf)
        {
            return Ok(());
        }
        self.encode_with_rasn(buf)
    }

    /// [`Self::encode_into`] for every frame the fast SPAT path does not write.
    #[inline(never)]
    fn encode_with_rasn(&self, buf: &mut Vec<u8>) -> Result<(), Error> {
        self.value_uper_into(buf).map_err(|e| self.explain(&e))?;
        let len = buf.len();
        if len >= FRAGMENT {
            return rasn::uper::encode_buf(self, buf).map_err(|e| self.explain(&e));
        }
        let (header, header_len) = self.header(len);
        buf.splice(0..0, header.iter().take(header_len).copied());
        Ok(())
    }

    /// The fast SPAT path of [`Self::encode_into`]: `true` when `buf` holds the whole frame.
    /// The value is written after room for the longest header, so the header goes in front
    /// without moving the value, or with one short move when the value is under 128 octets.
    fn encode_spat_fast(spat: &SPAT, buf: &mut Vec<u8>) -> bool {
        const ROOM: usize = 4;
        buf.clear();
        buf.extend_from_slice(&[0; ROOM]);
        if fast_spat::encode_spat_value(spat, buf).is_err() {
            return false;
        }
        let len = buf.len() - ROOM;
        if len >= FRAGMENT {
            return false; // fragmented open type: rasn writes it
        }
        let (header, header_len) = Self::header_for(DSRCmsgID::SIGNAL_PHASE_AND_TIMING, len);
        let start = ROOM - header_len;
        match (buf.get_mut(start..ROOM), header.get(..header_len)) {
            (Some(room), Some(header)) => room.copy_from_slice(header),
            _ => return false,
        }
        if start > 0 {
            // `start` <= ROOM <= buf.len(): the range is in bounds.
            buf.copy_within(start.., 0);
            buf.truncate(header_len + len);
        }
        true
    }

    /// The frame header for a value of `len` octets (below [`FRAGMENT`]) and its length.
    fn header(&self, len: usize) -> ([u8; 4], usize) {
        Self::header_for(self.id(), len)
    }

    fn header_for(id: DSRCmsgID, len: usize) -> ([u8; 4], usize) {
        let [id_high, id_low] = id.0.to_be_bytes();
        // Extension bit 0, then the 15-bit messageId: two octets.
        let mut header = [id_high & 0x7f, id_low, 0, 0];
        let header_len = if len < 128 {
            header[2] = len as u8;
            3
        } else {
            let [high, low] = (len as u16).to_be_bytes();
            header[2] = 0x80 | high;
            header[3] = low;
            4
        };
        (header, header_len)
    }

    /// Names the field behind an encoder refusal by walking the value with the checker.
    #[inline(never)]
    fn explain(&self, e: &rasn::error::EncodeError) -> Error {
        match crate::jer::check(self) {
            Err(c) => c.into(),
            Ok(()) => Error::Encode(e.to_string()),
        }
    }

    /// The frame as X.697 JER: `{"messageId": N, "value": {...}}`.
    #[inline(never)]
    pub fn to_jer(&self) -> Result<Value, Error> {
        Ok(crate::jer::to_value(self)?)
    }

    /// Reads a frame from its JER text, checking every value's range.
    #[inline(never)]
    pub fn from_jer(text: &str) -> Result<Self, Error> {
        // Report JSON syntax errors with line and column before rasn sees the text.
        let json = serde_json::from_str::<Value>(text).map_err(|e| Error::Jer {
            path: format!("line {} column {}", e.line(), e.column()),
            reason: e.to_string(),
        })?;
        // X.697's spelling, and the bare hex other tools write for an extensible-size BIT
        // STRING (see `jer::decode`).
        let frame = crate::jer::decode::<Self>(&json).map_err(|e| {
            let (path, reason) = unwind_json(&e, &json);
            Error::Jer { path, reason }
        })?;
        // Writing the frame back checks every range, and shows members the decoder skipped:
        // rasn ignores JSON members a type does not have, which would let a misspelt
        // OPTIONAL field vanish without a word.
        let canonical = frame.to_jer()?;
        if let Some(path) = unknown_member(&json, &canonical, String::new()) {
            return Err(Error::Jer {
                path,
                reason: "no such member in this type".into(),
            });
        }
        Ok(frame)
    }
}

/// A UPER decode failure of the frame at `offset` of an input of `len` bytes; `within` names
/// the field the failing bytes belong to when rasn's own path starts below it.
fn uper_error(
    e: &rasn::error::DecodeError,
    within: Option<&str>,
    offset: usize,
    len: usize,
) -> Error {
    let (path, reason) = unwind(e);
    let path = match within {
        Some(field) if path == ROOT => field.to_owned(),
        Some(field) => format!("{field}.{path}"),
        None => path,
    };
    Error::Uper {
        path,
        reason,
        offset,
        len,
    }
}

/// Open types of this many octets or more are fragmented in UPER (X.691 11.9.3.8).
const FRAGMENT: usize = 16384;

/// The header of a MessageFrame in its common form: extension bit clear, the 15-bit
/// messageId, and a one- or two-octet length below [`FRAGMENT`]. These make whole octets, so
/// the message follows octet-aligned and can be decoded in place. Returns the id, where the
/// message starts and its length; `None` for any other form.
fn frame_header(input: &[u8]) -> Option<(DSRCmsgID, usize, usize)> {
    let (&first, &second, &length) = (input.first()?, input.get(1)?, input.get(2)?);
    if first & 0x80 != 0 {
        return None; // extension additions follow the value
    }
    let id = DSRCmsgID(u16::from_be_bytes([first, second]));
    match length {
        l if l & 0x80 == 0 => Some((id, 3, usize::from(l))),
        l if l & 0xc0 == 0x80 => {
            let low = *input.get(3)?;
            Some((id, 4, usize::from(l & 0x3f) << 8 | usize::from(low)))
        }
        _ => None, // fragmented
    }
}

/// The path of the first member of `input` that the decoded value does not have.
pub(crate) fn unknown_member(input: &Value, canonical: &Value, path: String) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (input, canonical) {
        (Value::Object(given), Value::Object(known)) => {
            given.iter().find_map(|(k, v)| match known.get(k) {
                Some(c) => unknown_member(v, c, join(k)),
                None => Some(join(k)),
            })
        }
        (Value::Array(given), Value::Array(known)) => given
            .iter()
            .zip(known)
            .enumerate()
            .find_map(|(i, (v, c))| unknown_member(v, c, format!("{path}[{i}]"))),
        _ => None,
    }
}

/// Iterator of [`MessageFrame::decode_all`].
pub struct DecodeAll<'a> {
    bytes: &'a [u8],
    offset: usize,
    failed: bool,
}

impl SPAT {
    /// Appends the UPER encoding of the SPAT value alone (no MessageFrame) to `out`: what an
    /// ETSI SPATEM carries after its 6-octet ItsPduHeader. The hand-written encoder of the
    /// J2735 hot path writes it where it can; what it declines is encoded, or refused, by rasn.
    pub fn encode_value_into(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        if fast_spat::encode_spat_value(self, out).is_ok() {
            return Ok(());
        }
        let bytes = rasn::uper::encode(self).map_err(|e| match crate::jer::check(self) {
            Err(c) => c.into(),
            Ok(()) => Error::Encode(e.to_string()),
        })?;
        out.extend_from_slice(&bytes);
        Ok(())
    }
}

impl Iterator for DecodeAll<'_> {
    type Item = Result<(MessageFrame, core::ops::Range<usize>), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.offset >= self.bytes.len() {
            return None;
        }
        match MessageFrame::decode_at(self.bytes, self.offset) {
            Ok((frame, used)) => {
                let range = self.offset..self.offset + used;
                self.offset += used.max(1);
                Some(Ok((frame, range)))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::testutil::{
        json_difference, list_vectors, read_json, read_vector, reconcile_extensible_bit_strings,
    };

    /// Every J2735 MessageFrame vector decodes, gives the reference decoder's JSON, and
    /// re-encodes to exactly the bytes the frame occupied.
    #[test]
    fn every_j2735_vector_is_bit_exact() {
        let Some(files) = list_vectors("j2735", ".hex") else {
            return;
        };
        let mut checked = 0;
        for file in files {
            let bytes = read_vector(&file).unwrap();
            if bytes.first() != Some(&0x00) {
                continue; // 1609.2-wrapped (03 81 ...): for the security layer
            }
            let (frame, used) =
                MessageFrame::decode(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
            let json_file = file.replace(".hex", ".jer.json");
            let mut expected = read_json(&json_file).unwrap();
            // As the reference decoder wrote it: bare hex for extensible-size BIT STRINGs.
            let as_written = MessageFrame::from_jer(&expected.to_string())
                .unwrap_or_else(|e| panic!("{file} as written: {e}"));
            assert_eq!(
                as_written, frame,
                "{file}: JER as written decodes differently"
            );
            let actual = frame.to_jer().unwrap_or_else(|e| panic!("{file}: {e}"));
            reconcile_extensible_bit_strings(&actual, &mut expected);
            if let Some(diff) = json_difference(&actual, &expected, "") {
                panic!("{file}: JER differs at {diff}");
            }
            let again = frame.encode().unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(again, bytes[..used], "{file}: re-encoding differs");
            let from_json = MessageFrame::from_jer(&expected.to_string())
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(from_json, frame, "{file}: JER decode differs");
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} vectors checked");
    }

    #[test]
    fn bsm128_capture_yields_128_frames() {
        let Some(bytes) = read_vector("j2735/bsm128.uper") else {
            return;
        };
        let mut count = 0;
        let mut end = 0;
        for item in MessageFrame::decode_all(&bytes) {
            let (frame, range) = item.unwrap();
            assert_eq!(frame.id(), DSRCmsgID::BASIC_SAFETY_MESSAGE);
            assert!(matches!(frame, MessageFrame::BasicSafetyMessage(_)));
            assert_eq!(frame.encode().unwrap(), bytes[range.clone()]);
            end = range.end;
            count += 1;
        }
        assert_eq!(count, 128);
        assert_eq!(end, bytes.len());
    }

    #[test]
    fn unknown_message_stays_opaque() {
        let Some(bytes) = read_vector("j2735/odegen_sdsm.mf.hex") else {
            return;
        };
        let (frame, used) = MessageFrame::decode(&bytes).unwrap();
        let MessageFrame::Unknown { id, bytes: inner } = &frame else {
            panic!("SDSM should be opaque: {frame:?}");
        };
        assert_eq!(*id, DSRCmsgID(41));
        assert_eq!(inner.len(), 37);
        assert_eq!(frame.encode().unwrap(), bytes[..used]);
    }

    #[test]
    fn trailing_bytes_are_reported_not_dropped() {
        let Some(bytes) = read_vector("j2735/ode_spat.mf.hex") else {
            return;
        };
        let (_, used) = MessageFrame::decode(&bytes).unwrap();
        assert!(
            used < bytes.len(),
            "this vector carries bytes after its frame"
        );
    }

    #[test]
    fn truncated_input_is_an_error_with_a_path() {
        let Some(bytes) = read_vector("j2735/spat_asn1codec.hex") else {
            return;
        };
        for cut in [1, 3, 10, bytes.len() - 1] {
            let err = MessageFrame::decode(&bytes[..cut]).unwrap_err();
            let Error::Uper { reason, len, .. } = &err else {
                panic!("{err:?}");
            };
            assert!(reason.contains("truncated"), "{err}");
            assert_eq!(*len, cut);
        }
    }

    #[test]
    fn out_of_range_is_refused_with_the_field_path() {
        let mut json = serde_json::json!({"messageId": 19, "value": {"intersections": [{
            "id": {"id": 1}, "revision": 0, "status": "0000",
            "states": [{"signalGroup": 2, "state-time-speed": [
                {"eventState": "stop-And-Remain", "timing": {"minEndTime": 36112}}]}]}]}});
        let err = MessageFrame::from_jer(&json.to_string()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "value.intersections[0].states[0].state-time-speed[0].timing.minEndTime: \
             value 36112 outside 0..36111"
        );
        json["value"]["intersections"][0]["states"][0]["state-time-speed"][0]["timing"]["minEndTime"] =
            36111.into();
        let frame = MessageFrame::from_jer(&json.to_string()).unwrap();
        let MessageFrame::SPAT(mut spat) = frame else {
            panic!()
        };
        spat.intersections.0[0].revision = MsgCount(128);
        let err = MessageFrame::SPAT(spat).encode().unwrap_err();
        assert_eq!(
            err.to_string(),
            "value.intersections[0].revision: value 128 outside 0..127"
        );
    }

    #[test]
    fn unknown_choice_alternative_and_bad_json_are_errors() {
        let bad_choice = r#"{"messageId": 18, "value": {"msgIssueRevision": 0,
            "intersections": [{"id": {"id": 1}, "revision": 0,
            "refPoint": {"lat": 0, "long": 0}, "laneSet": [{"laneID": 1,
            "laneAttributes": {"directionalUse": "80", "sharedWith": "0000",
            "laneType": {"no-such-lane": "0000"}},
            "nodeList": {"nodes": []}}]}]}}"#;
        assert!(matches!(
            MessageFrame::from_jer(bad_choice),
            Err(Error::Jer { .. })
        ));
        let misspelt = r#"{"messageId": 19, "value": {"intersections": [{"id": {"id": 1},
            "revision": 0, "status": "0000", "states": [{"signalGroup": 2,
            "state-time-speed": [{"eventState": "dark", "timing": {"minEndTime": 1,
            "maxEndTim": 5}}]}]}]}}"#;
        let err = MessageFrame::from_jer(misspelt).unwrap_err();
        assert_eq!(
            err.to_string(),
            "JER: value.intersections[0].states[0].state-time-speed[0].timing.maxEndTim: \
             no such member in this type"
        );
        let err = MessageFrame::from_jer("{\"messageId\": 19,").unwrap_err();
        assert!(err.to_string().starts_with("JER: line 1 column"), "{err}");
    }

    /// Outside input never panics the decoder: every vector, with bits flipped, cut short
    /// or with octets inserted, decodes to a value or an error, and any value it yields
    /// encodes and renders as JSON without panicking.
    #[test]
    fn mutated_vectors_never_panic() {
        let Some(files) = list_vectors("j2735", ".hex") else {
            return;
        };
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut decoded = 0;
        for file in files {
            let original = read_vector(&file).unwrap();
            for _ in 0..400 {
                let mut bytes = original.clone();
                match next() % 3 {
                    0 => {
                        for _ in 0..1 + next() % 4 {
                            let bit = (next() as usize) % (bytes.len() * 8);
                            bytes[bit / 8] ^= 0x80 >> (bit % 8);
                        }
                    }
                    1 => bytes.truncate((next() as usize) % bytes.len()),
                    _ => {
                        let at = (next() as usize) % bytes.len();
                        bytes.insert(at, next() as u8);
                    }
                }
                if let Ok((frame, _)) = MessageFrame::decode(&bytes) {
                    decoded += 1;
                    let _ = frame.encode();
                    let _ = frame.to_jer();
                }
            }
        }
        assert!(decoded > 0);
    }

    /// The hand-written frame header agrees with rasn at every length boundary, including
    /// the fragmented form (16K octets and more) that is left to rasn.
    #[test]
    fn frame_header_matches_rasn_at_length_boundaries() {
        for len in [1, 127, 128, 16383, 16384, 40000] {
            let frame = MessageFrame::Unknown {
                id: DSRCmsgID(32767),
                bytes: vec![0x5a; len],
            };
            let bytes = frame.encode().unwrap();
            assert_eq!(bytes, rasn::uper::encode(&frame).unwrap(), "length {len}");
            assert_eq!(MessageFrame::decode(&bytes).unwrap(), (frame, bytes.len()));
        }
    }
}
