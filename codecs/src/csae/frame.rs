//! The CSAE 53 MessageFrame: a CHOICE of the five phase-1 messages, extensible, with the
//! phase-2 (T/CSAE 157) extension alternative `msgFrameExt`; and the entry points for UPER
//! and JER.

use rasn::prelude::*;
use rasn::types::{Class, Constraints, Identifier, TagTree};
use serde_json::Value;

use super::profile::{Profile, with_profile};
use super::*;
use crate::error::{Error, ROOT, unwind, unwind_json};

/// Phase-2 message id carried by `msgFrameExt`, 0..32767 (15 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=32767"))]
pub struct ExtMsgID(pub u16);
impl ExtMsgID {
    /// Test message.
    pub const TEST_MSG: Self = Self(0);
    /// RTCM corrections.
    pub const RTCM_CORRECTIONS: Self = Self(10);
    /// RoadsideCoordination (RSC).
    pub const ROADSIDE_COORDINATION: Self = Self(11);
    /// SensorSharingMsg (SSM).
    pub const SENSOR_SHARING_MSG: Self = Self(12);
    /// VehIntentionAndRequest (VIR).
    pub const VEH_INTENTION_AND_REQUEST: Self = Self(13);
    /// PAMData (parking).
    pub const PAM_DATA: Self = Self(14);
    /// PersonalSafetyMessage (PSM).
    pub const PERSONAL_SAFETY_MESSAGE: Self = Self(15);
    /// CLPMM (platooning).
    pub const CLPMM: Self = Self(16);
    /// VehiclePaymentMessage (VPM).
    pub const VEHICLE_PAYMENT_MESSAGE: Self = Self(17);

    /// The message's short name for the ids of the phase-2 table (cn-csae.md §1.3); `None`
    /// for any other id, which is carried all the same.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "TestMsg",
            10 => "RTCMcorrections",
            11 => "RSC",
            12 => "SSM",
            13 => "VIR",
            14 => "PAMData",
            15 => "PSM",
            16 => "CLPMM",
            17 => "VPM",
            _ => return None,
        })
    }
}

/// The phase-2 envelope: a message id and the message's UPER octets. No phase-2 message is
/// typed here (their ASN.1 is not public), so every value stays opaque and re-encodes as
/// received.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct MessageFrameExt {
    #[rasn(identifier = "messageId")]
    pub message_id: ExtMsgID,
    /// The open type's contents: the phase-2 message in UPER.
    pub value: Any,
}
impl MessageFrameExt {
    /// An envelope for `value` (UPER octets of the message `message_id` names).
    pub fn new(message_id: ExtMsgID, value: Vec<u8>) -> Self {
        Self {
            message_id,
            value: Any::new(value),
        }
    }
}

/// A CSAE 53 MessageFrame.
///
/// UPER starts with the CHOICE's extension bit: a root message follows as a 3-bit index and
/// the message itself; an extension alternative as a normally-small index and an open type.
/// An extension alternative other than `msgFrameExt` (or one whose contents this crate could
/// not re-encode identically) is [`MessageFrame::Unknown`]: index and octets, re-encoded
/// unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MessageFrame {
    /// `bsmFrame`: BasicSafetyMessage.
    Bsm(Box<BasicSafetyMessage>),
    /// `mapFrame`: MapData.
    Map(Box<MapData>),
    /// `rsmFrame`: RoadsideSafetyMessage.
    Rsm(Box<RoadsideSafetyMessage>),
    /// `spatFrame`: SPAT.
    Spat(Box<SPAT>),
    /// `rsiFrame`: RoadSideInformation.
    Rsi(Box<RoadSideInformation>),
    /// `msgFrameExt` (extension alternative 0): a phase-2 message.
    MsgFrameExt(MessageFrameExt),
    /// An extension alternative this crate does not know: its index among the extension
    /// alternatives and the open type's octets.
    Unknown {
        /// Index among the extension alternatives (0 is `msgFrameExt`), below 64.
        index: u8,
        /// The open type's contents as received.
        bytes: Vec<u8>,
    },
}

/// The shape of the CHOICE (five root alternatives, one extension alternative), from
/// which the hand-written impls take rasn's tag tables.
#[derive(AsnType)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
#[allow(dead_code)]
enum Shape {
    A(()),
    B(()),
    C(()),
    D(()),
    E(()),
    #[rasn(extension_addition)]
    F(()),
}

const IDENTIFIERS: [&str; 6] = [
    "bsmFrame",
    "mapFrame",
    "rsmFrame",
    "spatFrame",
    "rsiFrame",
    "msgFrameExt",
];

const fn alternative(n: u32) -> Tag {
    Tag::new(Class::Context, n)
}

impl AsnType for MessageFrame {
    const TAG: Tag = <Shape as AsnType>::TAG;
    const TAG_TREE: TagTree = <Shape as AsnType>::TAG_TREE;
    const CONSTRAINTS: Constraints = <Shape as AsnType>::CONSTRAINTS;
    const IDENTIFIER: Identifier = Identifier(Some("MessageFrame"));
    const IS_CHOICE: bool = true;
}

impl rasn::types::Choice for MessageFrame {
    const VARIANTS: &'static [TagTree] = <Shape as rasn::types::Choice>::VARIANTS;
    const VARIANCE_CONSTRAINT: Constraints = <Shape as rasn::types::Choice>::VARIANCE_CONSTRAINT;
    const EXTENDED_VARIANTS: Option<&'static [TagTree]> =
        <Shape as rasn::types::Choice>::EXTENDED_VARIANTS;
    const IDENTIFIERS: &'static [&'static str] = &IDENTIFIERS;
}

impl MessageFrame {
    /// The alternative's identifier (`spatFrame`, ... ; `unknown` for [`Self::Unknown`]).
    pub fn name(&self) -> &'static str {
        match self.position() {
            Some(i) => IDENTIFIERS.get(i).copied().unwrap_or("unknown"),
            None => "unknown",
        }
    }

    fn position(&self) -> Option<usize> {
        Some(match self {
            Self::Bsm(_) => 0,
            Self::Map(_) => 1,
            Self::Rsm(_) => 2,
            Self::Spat(_) => 3,
            Self::Rsi(_) => 4,
            Self::MsgFrameExt(_) => 5,
            Self::Unknown { .. } => return None,
        })
    }

    fn encode_choice<'e, E: rasn::Encoder<'e>>(
        &self,
        encoder: &mut E,
        identifier: Identifier,
    ) -> Result<(), E::Error> {
        use rasn::enc::Error as _;
        let Some(position) = self.position() else {
            return Err(E::Error::custom(
                "an unknown extension alternative has no typed form",
                encoder.codec(),
            ));
        };
        let tag = alternative(position as u32);
        let id = Identifier(IDENTIFIERS.get(position).copied());
        encoder
            .encode_choice::<Self>(
                &Self::CONSTRAINTS,
                tag,
                |enc| {
                    match self {
                        Self::Bsm(v) => v.encode_with_tag_and_identifier(enc, tag, id),
                        Self::Map(v) => v.encode_with_tag_and_identifier(enc, tag, id),
                        Self::Rsm(v) => v.encode_with_tag_and_identifier(enc, tag, id),
                        Self::Spat(v) => v.encode_with_tag_and_identifier(enc, tag, id),
                        Self::Rsi(v) => v.encode_with_tag_and_identifier(enc, tag, id),
                        Self::MsgFrameExt(v) => v.encode_with_tag_and_identifier(enc, tag, id),
                        Self::Unknown { .. } => Ok(()),
                    }?;
                    Ok(tag)
                },
                identifier,
            )
            .map(drop)
    }
}

impl Encode for MessageFrame {
    fn encode<'e, E: rasn::Encoder<'e>>(&self, encoder: &mut E) -> Result<(), E::Error> {
        self.encode_choice(encoder, Self::IDENTIFIER)
    }

    fn encode_with_tag_and_constraints<'e, E: rasn::Encoder<'e>>(
        &self,
        encoder: &mut E,
        _: Tag,
        _: &Constraints,
        identifier: Identifier,
    ) -> Result<(), E::Error> {
        self.encode_choice(encoder, identifier.or(Self::IDENTIFIER))
    }
}

impl Decode for MessageFrame {
    fn decode<D: rasn::Decoder>(decoder: &mut D) -> Result<Self, D::Error> {
        decoder.decode_choice(&Self::CONSTRAINTS)
    }

    fn decode_with_tag_and_constraints<D: rasn::Decoder>(
        decoder: &mut D,
        _: Tag,
        _: &Constraints,
    ) -> Result<Self, D::Error> {
        decoder.decode_choice(&Self::CONSTRAINTS)
    }
}

impl rasn::types::DecodeChoice for MessageFrame {
    fn from_tag<D: rasn::Decoder>(decoder: &mut D, tag: Tag) -> Result<Self, D::Error> {
        match tag {
            t if t == alternative(0) => Box::decode_with_tag(decoder, t).map(Self::Bsm),
            t if t == alternative(1) => Box::decode_with_tag(decoder, t).map(Self::Map),
            t if t == alternative(2) => Box::decode_with_tag(decoder, t).map(Self::Rsm),
            t if t == alternative(3) => Box::decode_with_tag(decoder, t).map(Self::Spat),
            t if t == alternative(4) => Box::decode_with_tag(decoder, t).map(Self::Rsi),
            t if t == alternative(5) => {
                MessageFrameExt::decode_with_tag(decoder, t).map(Self::MsgFrameExt)
            }
            _ => Err(rasn::de::Error::no_valid_choice(
                "MessageFrame",
                decoder.codec(),
            )),
        }
    }
}

/// Open types of this many octets or more are fragmented in UPER (X.691 11.9.3.8); no CSAE
/// frame comes near (a PC5 PDU carries at most about 1.4 kB), so they are refused.
const FRAGMENT: usize = 16384;

// The entry points are `#[inline(never)]`: each reaches rasn's generic code for every message
// type, and inlined into callers built for speed it would be compiled again there (see the
// J2735 MessageFrame).
impl MessageFrame {
    /// Decodes one UPER MessageFrame from the start of `bytes` under `profile`; returns it and
    /// how many bytes it used. Bytes after the frame are the caller's.
    #[inline(never)]
    pub fn decode(bytes: &[u8], profile: Profile) -> Result<(Self, usize), Error> {
        with_profile(profile, || Self::decode_uper(bytes))
    }

    fn decode_uper(bytes: &[u8]) -> Result<(Self, usize), Error> {
        let fail = |path: &str, reason: String| Error::Uper {
            path: path.to_owned(),
            reason,
            offset: 0,
            len: bytes.len(),
        };
        let Some(&first) = bytes.first() else {
            return Err(fail(ROOT, "truncated: empty input".into()));
        };
        if first & 0x80 == 0 {
            // A root alternative: rasn reads the index and the message.
            return rasn::uper::decode_with_remainder::<Self>(bytes)
                .map(|(frame, rest)| (frame, bytes.len() - rest.len()))
                .map_err(|e| {
                    let (path, reason) = unwind(&e);
                    fail(&path, reason)
                });
        }
        // An extension alternative: ext bit, 7-bit normally small index, then an open type,
        // all on octet boundaries.
        if first & 0x40 != 0 {
            return Err(fail(
                ROOT,
                "extension alternative index 64 or above is not supported".into(),
            ));
        }
        let index = first & 0x3f;
        let (start, len) = match bytes.get(1) {
            None => return Err(fail(ROOT, "truncated: no open type length".into())),
            Some(&l) if l & 0x80 == 0 => (2, usize::from(l)),
            Some(&l) if l & 0xc0 == 0x80 => match bytes.get(2) {
                Some(&low) => (3, usize::from(l & 0x3f) << 8 | usize::from(low)),
                None => return Err(fail(ROOT, "truncated: no open type length".into())),
            },
            Some(_) => {
                return Err(fail(
                    ROOT,
                    "fragmented open type (16K octets or more) is not supported".into(),
                ));
            }
        };
        let Some(content) = bytes.get(start..start + len) else {
            return Err(fail(
                ROOT,
                format!(
                    "truncated: open type of {len} octets, {} present",
                    bytes.len().saturating_sub(start)
                ),
            ));
        };
        let frame = if index == 0 {
            match rasn::uper::decode_with_remainder::<MessageFrameExt>(content) {
                // Typed only when it gives back exactly these octets (no unknown additions).
                Ok((ext, rest))
                    if rest.is_empty()
                        && rasn::uper::encode(&ext).is_ok_and(|again| again == content) =>
                {
                    Self::MsgFrameExt(ext)
                }
                _ => Self::Unknown {
                    index,
                    bytes: content.to_vec(),
                },
            }
        } else {
            Self::Unknown {
                index,
                bytes: content.to_vec(),
            }
        };
        Ok((frame, start + len))
    }

    /// Encodes the frame as UPER under `profile`. Values outside their ranges (in that
    /// profile) are refused with the field path.
    #[inline(never)]
    pub fn encode(&self, profile: Profile) -> Result<Vec<u8>, Error> {
        with_profile(profile, || self.encode_uper())
    }

    fn encode_uper(&self) -> Result<Vec<u8>, Error> {
        let (index, content) = match self {
            Self::Unknown { index, bytes } => (*index, bytes.clone()),
            Self::MsgFrameExt(ext) => (0, rasn::uper::encode(ext).map_err(|e| self.explain(&e))?),
            _ => return rasn::uper::encode(self).map_err(|e| self.explain(&e)),
        };
        if index >= 64 {
            return Err(Error::Encode(format!(
                "extension alternative index {index} is not below 64"
            )));
        }
        let len = content.len();
        let mut out = Vec::with_capacity(len + 3);
        out.push(0x80 | index);
        if len < 128 {
            out.push(len as u8);
        } else if len < FRAGMENT {
            let [high, low] = (len as u16).to_be_bytes();
            out.extend_from_slice(&[0x80 | high, low]);
        } else {
            return Err(Error::Encode(format!(
                "open type of {len} octets would be fragmented"
            )));
        }
        out.extend_from_slice(&content);
        Ok(out)
    }

    /// Names the field behind an encoder refusal by walking the value with the checker.
    fn explain(&self, e: &rasn::error::EncodeError) -> Error {
        match crate::jer::check(self) {
            Err(c) => c.into(),
            Ok(()) => Error::Encode(e.to_string()),
        }
    }

    /// The frame as X.697 JER under `profile`: `{"spatFrame": {...}}`. An unknown extension
    /// alternative has no JER form and is refused.
    #[inline(never)]
    pub fn to_jer(&self, profile: Profile) -> Result<Value, Error> {
        if let Self::Unknown { index, .. } = self {
            return Err(Error::Encode(format!(
                "unknown extension alternative {index} has no JER form"
            )));
        }
        with_profile(profile, || Ok(crate::jer::to_value(self)?))
    }

    /// Reads a frame from its JER text under `profile`, checking every value's range.
    #[inline(never)]
    pub fn from_jer(text: &str, profile: Profile) -> Result<Self, Error> {
        let json = serde_json::from_str::<Value>(text).map_err(|e| Error::Jer {
            path: format!("line {} column {}", e.line(), e.column()),
            reason: e.to_string(),
        })?;
        with_profile(profile, || {
            let frame = crate::jer::decode::<Self>(&json).map_err(|e| {
                let (path, reason) = unwind_json(&e, &json);
                Error::Jer { path, reason }
            })?;
            // Writing it back checks every range and shows members rasn skipped silently.
            let canonical = crate::jer::to_value(&frame)?;
            if let Some(path) = crate::j2735::unknown_member(&json, &canonical, String::new()) {
                return Err(Error::Jer {
                    path,
                    reason: "no such member in this type".into(),
                });
            }
            Ok(frame)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::testutil::{
        json_difference, list_vectors, read_json, read_vector, reconcile_extensible_bit_strings,
    };

    const CSAE: Profile = Profile::Csae53_2020;

    /// Every CSAE 53 vector decodes, gives the reference decoder's JSON, and re-encodes to
    /// exactly the bytes it occupied; its JER (as the reference wrote it) reads back to the
    /// same value.
    #[test]
    fn every_csae_vector_is_bit_exact() {
        let Some(files) = list_vectors("csae", ".hex") else {
            return;
        };
        let mut checked = 0;
        for file in files {
            let bytes = read_vector(&file).unwrap();
            let (frame, used) =
                MessageFrame::decode(&bytes, CSAE).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(used, bytes.len(), "{file}: frame does not fill the file");
            let again = frame.encode(CSAE).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(again, bytes, "{file}: re-encoding differs");
            let mut expected = read_json(&file.replace(".hex", ".jer.json")).unwrap();
            let as_written = MessageFrame::from_jer(&expected.to_string(), CSAE)
                .unwrap_or_else(|e| panic!("{file} as written: {e}"));
            assert_eq!(
                as_written, frame,
                "{file}: JER as written decodes differently"
            );
            let actual = frame.to_jer(CSAE).unwrap_or_else(|e| panic!("{file}: {e}"));
            reconcile_extensible_bit_strings(&actual, &mut expected);
            if let Some(diff) = json_difference(&actual, &expected, "") {
                panic!("{file}: JER differs at {diff}");
            }
            let from_json = MessageFrame::from_jer(&actual.to_string(), CSAE).unwrap();
            assert_eq!(from_json, frame, "{file}: our JER decodes differently");
            checked += 1;
        }
        assert_eq!(checked, 9, "expected the nine CSAE 53 frames");
    }
}

#[cfg(test)]
mod edge_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::testutil::{list_vectors, read_vector};

    const CSAE: Profile = Profile::Csae53_2020;
    const YDT: Profile = Profile::Ydt3709_2020;

    /// cn-csae.md §1.2: under the ydt3709-2020 schema the BSM, SPAT and RSM captures read
    /// the same, the MAP reads as another (shorter) value and the RSI runs out of data.
    #[test]
    fn captures_under_ydt3709_differ_as_the_reference_says() {
        let Some(files) = list_vectors("csae", ".hex") else {
            return;
        };
        let (mut same, mut map, mut rsi) = (0, 0, 0);
        for file in files {
            let bytes = read_vector(&file).unwrap();
            let (csae, _) = MessageFrame::decode(&bytes, CSAE).unwrap();
            let ydt = MessageFrame::decode(&bytes, YDT);
            match &csae {
                MessageFrame::Map(_) => {
                    let (value, used) = ydt.unwrap();
                    assert_ne!(value, csae, "{file}");
                    assert!(used < bytes.len(), "{file}: {used}");
                    map += 1;
                }
                MessageFrame::Rsi(_) => {
                    let err = ydt.unwrap_err().to_string();
                    assert!(err.contains("truncated"), "{file}: {err}");
                    rsi += 1;
                }
                _ => {
                    let (value, used) = ydt.unwrap();
                    assert_eq!(value, csae, "{file}");
                    assert_eq!(used, bytes.len(), "{file}");
                    assert_eq!(value.encode(YDT).unwrap(), bytes, "{file}");
                    same += 1;
                }
            }
        }
        assert_eq!((same, map, rsi), (7, 1, 1));
    }

    /// A phase-2 frame of the CLPMM sample's shape (cn-csae.md §1.3, `802a0010274c...`, 44
    /// octets): extension bit and index 0, open type of 42 octets holding a MessageFrameExt
    /// with messageId 16 and a 39-octet value.
    fn clpmm() -> Vec<u8> {
        let mut bytes = vec![0x80, 0x2a, 0x00, 0x10, 0x27, 0x4c];
        bytes.extend((1..39u8).map(|i| i.wrapping_mul(37)));
        bytes
    }

    #[test]
    fn clpmm_frame_decodes_to_msg_frame_ext_16() {
        let bytes = clpmm();
        assert_eq!(bytes.len(), 44);
        for profile in [CSAE, YDT] {
            let (frame, used) = MessageFrame::decode(&bytes, profile).unwrap();
            assert_eq!(used, 44);
            let MessageFrame::MsgFrameExt(ext) = &frame else {
                panic!("{frame:?}");
            };
            assert_eq!(ext.message_id, ExtMsgID::CLPMM);
            assert_eq!(ext.value.as_bytes().len(), 39);
            assert_eq!(ext.value.as_bytes().first(), Some(&0x4c));
            assert_eq!(frame.name(), "msgFrameExt");
            assert_eq!(frame.encode(profile).unwrap(), bytes);
            // rasn's own CHOICE encoder writes the same header the entry point writes by hand.
            assert_eq!(rasn::uper::encode(&frame).unwrap(), bytes);
            let json = frame.to_jer(profile).unwrap();
            assert_eq!(json["msgFrameExt"]["messageId"], 16);
            assert_eq!(
                json["msgFrameExt"]["value"].as_str().map(str::len),
                Some(78)
            );
            assert_eq!(
                MessageFrame::from_jer(&json.to_string(), profile).unwrap(),
                frame
            );
        }
        // An id outside the table is carried the same way, without error.
        let mut other = bytes.clone();
        other[3] = 99;
        let (frame, _) = MessageFrame::decode(&other, CSAE).unwrap();
        let MessageFrame::MsgFrameExt(ext) = &frame else {
            panic!("{frame:?}");
        };
        assert_eq!(
            (ext.message_id, ext.message_id.name()),
            (ExtMsgID(99), None)
        );
        assert_eq!(ExtMsgID::CLPMM.name(), Some("CLPMM"));
        assert_eq!(frame.encode(CSAE).unwrap(), other);
        // Bytes after the frame are left to the caller.
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0xff, 0x00]);
        assert_eq!(MessageFrame::decode(&longer, CSAE).unwrap().1, 44);
    }

    #[test]
    fn msg_frame_ext_header_matches_rasn_at_length_boundaries() {
        for len in [0, 1, 124, 125, 126, 127, 128, 1000, 16000] {
            let frame =
                MessageFrame::MsgFrameExt(MessageFrameExt::new(ExtMsgID(32767), vec![0x5a; len]));
            let bytes = frame.encode(CSAE).unwrap();
            assert_eq!(bytes, rasn::uper::encode(&frame).unwrap(), "value of {len}");
            assert_eq!(
                MessageFrame::decode(&bytes, CSAE).unwrap(),
                (frame, bytes.len())
            );
        }
    }

    #[test]
    fn unknown_extension_alternatives_stay_opaque() {
        // Alternative 5 (unknown), 3 octets.
        let bytes = [0x85, 0x03, 0xde, 0xad, 0x01];
        let (frame, used) = MessageFrame::decode(&bytes, CSAE).unwrap();
        assert_eq!(
            frame,
            MessageFrame::Unknown {
                index: 5,
                bytes: vec![0xde, 0xad, 0x01]
            }
        );
        assert_eq!(used, 5);
        assert_eq!(frame.name(), "unknown");
        assert_eq!(frame.encode(CSAE).unwrap(), bytes);
        assert!(frame.to_jer(CSAE).is_err());
        // A msgFrameExt with its own extension bit set (additions this crate does not know)
        // stays opaque too, so it re-encodes as received.
        let mut bytes = clpmm();
        bytes[2] |= 0x80;
        let (frame, _) = MessageFrame::decode(&bytes, CSAE).unwrap();
        assert!(
            matches!(frame, MessageFrame::Unknown { index: 0, .. }),
            "{frame:?}"
        );
        assert_eq!(frame.encode(CSAE).unwrap(), bytes);
        // An index of 64 or more cannot be written in one octet: refused, not truncated.
        let too_far = MessageFrame::Unknown {
            index: 64,
            bytes: vec![1],
        };
        assert!(too_far.encode(CSAE).is_err());
    }

    #[test]
    fn malformed_frames_are_errors() {
        for (bytes, why) in [
            (&[][..], "empty"),
            (&[0x80][..], "no open type length"),
            (&[0x80, 0x81][..], "no open type length"),
            (&[0x80, 0x05, 0x00][..], "open type of 5 octets, 1 present"),
            (&[0x80, 0xc1, 0x00][..], "fragmented"),
            (&[0xc0, 0x01, 0x00][..], "64 or above"),
            // Root index 5..7 does not exist.
            (&[0x50, 0x00, 0x00, 0x00][..], "index 5"),
            (&[0x70][..], "index 7"),
        ] {
            let err = MessageFrame::decode(bytes, CSAE).unwrap_err();
            assert!(matches!(err, Error::Uper { .. }), "{bytes:02x?}: {err:?}");
            assert!(err.to_string().contains(why), "{bytes:02x?}: {err}");
        }
    }

    #[test]
    fn truncated_captures_are_errors_with_a_reason() {
        let Some(bytes) = read_vector("csae/csae53_spatFrame.hex") else {
            return;
        };
        for cut in [1, 2, 10, 100, bytes.len() - 1] {
            let err = MessageFrame::decode(&bytes[..cut], CSAE).unwrap_err();
            let Error::Uper { reason, len, .. } = &err else {
                panic!("{err:?}");
            };
            assert!(reason.contains("truncated"), "{cut}: {err}");
            assert_eq!(*len, cut);
        }
    }

    #[test]
    fn jer_errors_name_the_field() {
        let spat = r#"{"spatFrame": {"msgCnt": 1, "intersections": [{"intersectionId": {"id": 7},
            "status": "0000", "phases": [{"id": 1, "phaseStates": [{"light": "red",
            "timing": {"counting": {"startTime": 0, "likelyEndTime": 36002}}}]}]}]}}"#;
        let err = MessageFrame::from_jer(spat, CSAE).unwrap_err();
        assert_eq!(
            err.to_string(),
            "spatFrame.intersections[0].phases[0].phaseStates[0].timing.counting.likelyEndTime: \
             value 36002 outside 0..36001"
        );
        let fixed = spat.replace("36002", "36001");
        let frame = MessageFrame::from_jer(&fixed, CSAE).unwrap();
        assert!(matches!(frame, MessageFrame::Spat(_)));
        let misspelt = fixed.replace("likelyEndTime", "likelyEndTme");
        assert!(MessageFrame::from_jer(&misspelt, CSAE).is_err());
        let extra = fixed.replace("\"startTime\"", "\"nextDur\": 1, \"startTime\"");
        let err = MessageFrame::from_jer(&extra, CSAE).unwrap_err();
        assert!(err.to_string().contains("no such member"), "{err}");
        let err = MessageFrame::from_jer("{\"spatFrame\": ", CSAE).unwrap_err();
        assert!(err.to_string().starts_with("JER: line 1 column"), "{err}");
    }

    /// Outside input never panics the decoder: every capture with bits flipped, cut short or
    /// with octets inserted decodes to a value or an error under both profiles, and any value
    /// it yields encodes and renders as JSON without panicking.
    #[test]
    fn mutated_captures_never_panic() {
        let Some(files) = list_vectors("csae", ".hex") else {
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
            for round in 0..600 {
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
                let profile = if round % 2 == 0 { CSAE } else { YDT };
                if let Ok((frame, _)) = MessageFrame::decode(&bytes, profile) {
                    decoded += 1;
                    let _ = frame.encode(profile);
                    let _ = frame.to_jer(profile);
                }
            }
        }
        assert!(decoded > 0);
    }
}
