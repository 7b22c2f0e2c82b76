//! The ItsPduHeader and the message envelopes it starts, with their UPER and JER entry points.

use rasn::prelude::*;
use serde_json::Value;

use super::*;
use crate::error::{Error, unwind, unwind_json};
use crate::j2735::{
    MapData, SPAT, SignalRequestMessage, SignalStatusMessage, StationID, TimeChangeDetails,
    TimeMark,
};

/// Header of every ETSI ITS facilities message (TS 102 894-2, ItsPduHeader): protocol version,
/// message id and sender. 8 + 8 + 32 bits, so always the first 6 octets in UPER.
///
/// The JER names are those of ITS-Container v2 (`messageID`, `stationID`), which the
/// TS 103 301 v1.3.1 modules and EN 302 637-2 v1.4.1 import; CDD v2 renamed them without
/// changing the wire.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ItsPduHeader {
    #[rasn(identifier = "protocolVersion", value("0..=255"))]
    pub protocol_version: u8,
    #[rasn(identifier = "messageID", value("0..=255"))]
    pub message_id: u8,
    #[rasn(identifier = "stationID")]
    pub station_id: StationID,
}

impl ItsPduHeader {
    /// UPER length of the header: it starts every message octet-aligned.
    pub const UPER_LEN: usize = 6;
    /// messageID of a DENM (EN 302 637-3).
    pub const DENM: u8 = 1;
    /// messageID of a CAM (EN 302 637-2).
    pub const CAM: u8 = 2;
    /// messageID of a POI message.
    pub const POI: u8 = 3;
    /// messageID of a SPATEM (TS 103 301).
    pub const SPATEM: u8 = 4;
    /// messageID of a MAPEM (TS 103 301).
    pub const MAPEM: u8 = 5;
    /// messageID of an IVIM (TS 103 301).
    pub const IVIM: u8 = 6;
    /// messageID of an SREM (TS 103 301).
    pub const SREM: u8 = 9;
    /// messageID of an SSEM (TS 103 301).
    pub const SSEM: u8 = 10;

    /// A header from its three fields.
    pub fn new(protocol_version: u8, message_id: u8, station_id: StationID) -> Self {
        Self {
            protocol_version,
            message_id,
            station_id,
        }
    }

    /// Reads the header from the first 6 octets of a UPER message, without decoding the rest.
    pub fn peek(bytes: &[u8]) -> Result<Self, Error> {
        match bytes.get(..Self::UPER_LEN) {
            Some([pv, id, s0, s1, s2, s3]) => Ok(Self {
                protocol_version: *pv,
                message_id: *id,
                station_id: StationID(u32::from_be_bytes([*s0, *s1, *s2, *s3])),
            }),
            _ => Err(Error::Uper {
                path: "header".into(),
                reason: format!(
                    "truncated: an ItsPduHeader is {} octets, the input has {}",
                    Self::UPER_LEN,
                    bytes.len()
                ),
                offset: 0,
                len: bytes.len(),
            }),
        }
    }
}

/// One ETSI message type: a SEQUENCE of the ItsPduHeader and one body.
///
/// The provided methods are the message's entry points; each envelope type also has them as
/// inherent methods, so callers need not import this trait.
pub trait ItsPdu: Encode + Decode + Sized {
    /// The header's messageID for this message.
    const MESSAGE_ID: u8;
    /// The protocolVersion values this codec reads (and re-encodes unchanged).
    const PROTOCOL_VERSIONS: &'static [u8];
    /// The protocolVersion a message built here carries.
    const PROTOCOL_VERSION: u8;
    /// The JER member holding the body (`spat`, `map`, `cam`, ...).
    const BODY: &'static str;

    /// The message's header.
    fn header(&self) -> &ItsPduHeader;

    /// Range checks of the ETSI dialect that the shared types cannot express (TimeMark).
    fn check_dialect(&self) -> Result<(), Error> {
        Ok(())
    }

    /// Refuses a header of another message, or a protocol version this codec does not know.
    fn check_header(header: &ItsPduHeader) -> Result<(), Error> {
        if header.message_id != Self::MESSAGE_ID {
            return Err(header_error(format!(
                "messageID {} is not {} (expected {})",
                header.message_id,
                Self::BODY,
                Self::MESSAGE_ID
            )));
        }
        if !Self::PROTOCOL_VERSIONS.contains(&header.protocol_version) {
            return Err(header_error(format!(
                "protocolVersion {} of {} is not supported (only {:?})",
                header.protocol_version,
                Self::BODY,
                Self::PROTOCOL_VERSIONS
            )));
        }
        Ok(())
    }
}

fn header_error(reason: String) -> Error {
    Error::Constraint {
        path: "header".into(),
        reason,
    }
}

/// Encodes `pdu` as UPER after checking its header and the dialect's ranges.
pub(crate) fn encode_uper<T: ItsPdu>(pdu: &T) -> Result<Vec<u8>, Error> {
    T::check_header(pdu.header())?;
    pdu.check_dialect()?;
    rasn::uper::encode(pdu).map_err(|e| match crate::jer::check(pdu) {
        Err(c) => c.into(),
        Ok(()) => Error::Encode(e.to_string()),
    })
}

/// Decodes a whole UPER message: the header must be this message's and nothing may follow.
pub(crate) fn decode_uper<T: ItsPdu>(bytes: &[u8]) -> Result<T, Error> {
    let header = ItsPduHeader::peek(bytes)?;
    T::check_header(&header).map_err(|e| Error::Uper {
        path: "header".into(),
        reason: e.to_string(),
        offset: 0,
        len: bytes.len(),
    })?;
    let (pdu, rest) = rasn::uper::decode_with_remainder::<T>(bytes).map_err(|e| {
        let (path, reason) = unwind(&e);
        Error::Uper {
            path,
            reason,
            offset: 0,
            len: bytes.len(),
        }
    })?;
    if !rest.is_empty() {
        return Err(Error::Uper {
            path: crate::error::ROOT.into(),
            reason: format!("{} octet(s) after the {}", rest.len(), T::BODY),
            offset: bytes.len() - rest.len(),
            len: bytes.len(),
        });
    }
    pdu.check_dialect().map_err(|e| {
        let (path, reason) = match e {
            Error::Constraint { path, reason } => (path, reason),
            other => (crate::error::ROOT.into(), other.to_string()),
        };
        Error::Uper {
            path,
            reason,
            offset: 0,
            len: bytes.len(),
        }
    })?;
    Ok(pdu)
}

/// The message as X.697 JER, after the same checks as [`encode_uper`].
pub(crate) fn to_jer<T: ItsPdu>(pdu: &T) -> Result<Value, Error> {
    T::check_header(pdu.header())?;
    pdu.check_dialect()?;
    Ok(crate::jer::to_value(pdu)?)
}

/// Reads a message from JER text, checking every range and refusing unknown members.
pub(crate) fn from_jer<T: ItsPdu>(text: &str) -> Result<T, Error> {
    let json = serde_json::from_str::<Value>(text).map_err(|e| Error::Jer {
        path: format!("line {} column {}", e.line(), e.column()),
        reason: e.to_string(),
    })?;
    from_jer_value(&json)
}

pub(crate) fn from_jer_value<T: ItsPdu>(json: &Value) -> Result<T, Error> {
    let pdu = crate::jer::decode::<T>(json).map_err(|e| {
        let (path, reason) = unwind_json(&e, json);
        Error::Jer { path, reason }
    })?;
    let jer_error = |e: Error| match e {
        Error::Constraint { path, reason } => Error::Jer { path, reason },
        other => other,
    };
    // Writing the value back checks every range and shows members rasn skipped silently.
    let canonical = to_jer(&pdu).map_err(jer_error)?;
    if let Some(path) = crate::j2735::unknown_member(json, &canonical, String::new()) {
        return Err(Error::Jer {
            path,
            reason: "no such member in this type".into(),
        });
    }
    Ok(pdu)
}

/// Defines an envelope `{header, body}` with its inherent entry points.
macro_rules! its_pdu {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $field:ident: $body:ty = $ident:literal,
            id: $id:expr,
            versions: [$($v:literal),+],
            send: $send:literal,
        }
        $($check:item)?
    ) => {
        $(#[$meta])*
        #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq)]
        #[rasn(automatic_tags)]
        pub struct $name {
            /// Protocol version, messageID and sender.
            pub header: $crate::etsi::ItsPduHeader,
            #[rasn(identifier = $ident)]
            pub $field: $body,
        }

        impl $name {
            /// A message from `station_id` with the protocol version this codec sends.
            pub fn new(station_id: $crate::j2735::StationID, $field: $body) -> Self {
                Self {
                    header: $crate::etsi::ItsPduHeader::new(
                        <Self as $crate::etsi::ItsPdu>::PROTOCOL_VERSION,
                        <Self as $crate::etsi::ItsPdu>::MESSAGE_ID,
                        station_id,
                    ),
                    $field,
                }
            }
            // Not inlined, for the reason given on `MessageFrame`'s impl: cold entry points
            // into rasn's generic code stay compiled once, in this crate.
            /// UPER encoding; a value outside its range is refused with its field path.
            #[inline(never)]
            pub fn encode_uper(&self) -> Result<Vec<u8>, $crate::Error> {
                $crate::etsi::pdu::encode_uper(self)
            }
            /// Decodes a whole UPER message (header included); trailing octets are an error.
            #[inline(never)]
            pub fn decode_uper(bytes: &[u8]) -> Result<Self, $crate::Error> {
                $crate::etsi::pdu::decode_uper(bytes)
            }
            /// The message as X.697 JER.
            #[inline(never)]
            pub fn to_jer(&self) -> Result<serde_json::Value, $crate::Error> {
                $crate::etsi::pdu::to_jer(self)
            }
            /// Reads the message from X.697 JER text.
            #[inline(never)]
            pub fn from_jer(text: &str) -> Result<Self, $crate::Error> {
                $crate::etsi::pdu::from_jer(text)
            }
        }

        impl $crate::etsi::ItsPdu for $name {
            const MESSAGE_ID: u8 = $id;
            const PROTOCOL_VERSIONS: &'static [u8] = &[$($v),+];
            const PROTOCOL_VERSION: u8 = $send;
            const BODY: &'static str = $ident;
            fn header(&self) -> &$crate::etsi::ItsPduHeader {
                &self.header
            }
            $($check)?
        }
    };
}
pub(crate) use its_pdu;

its_pdu! {
    /// SPATEM (TS 103 301): signal phase and timing. protocolVersion 2 is sent; 1 (TS 103 301
    /// v1.1.1) is read too, the SPAT being the same. The SPAT is the one J2735 uses: it holds
    /// no longitude, and its TimeMark is checked against ISO's narrower 0..36001 here.
    pub struct Spatem {
        spat: SPAT = "spat",
        id: ItsPduHeader::SPATEM,
        versions: [1, 2],
        send: 2,
    }
    fn check_dialect(&self) -> Result<(), Error> {
        check_time_marks(&self.spat)
    }
}

its_pdu! {
    /// MAPEM (TS 103 301): intersection and road geometry, in the ETSI dialect.
    /// protocolVersion 2 is sent; 1 is read too.
    pub struct Mapem {
        map: MapData<Etsi> = "map",
        id: ItsPduHeader::MAPEM,
        versions: [1, 2],
        send: 2,
    }
}

its_pdu! {
    /// SREM (TS 103 301): a vehicle's signal request, in the ETSI dialect.
    pub struct Srem {
        srm: SignalRequestMessage<Etsi> = "srm",
        id: ItsPduHeader::SREM,
        versions: [1, 2],
        send: 2,
    }
}

its_pdu! {
    /// SSEM (TS 103 301): the signal controller's answer to requests, in the ETSI dialect.
    pub struct Ssem {
        ssm: SignalStatusMessage<Etsi> = "ssm",
        id: ItsPduHeader::SSEM,
        versions: [1, 2],
        send: 2,
    }
}

impl ItsPduHeader {
    /// The header's 6 UPER octets: three whole-octet fields, so the body that follows starts
    /// octet-aligned.
    pub fn to_uper(&self) -> [u8; Self::UPER_LEN] {
        let [s0, s1, s2, s3] = self.station_id.0.to_be_bytes();
        [self.protocol_version, self.message_id, s0, s1, s2, s3]
    }
}

impl Spatem {
    /// Encodes into `buf` (cleared first), reusing its allocation: the hot path's form.
    ///
    /// A SPATEM is a SEQUENCE without extension marker or optional fields, so its UPER is the
    /// 6 header octets followed by the SPAT's own UPER; the SPAT goes through
    /// [`SPAT::encode_value_into`], the J2735 hot path's hand-written encoder (proven against
    /// rasn bit for bit), after the ETSI header and TimeMark checks. Same bytes as
    /// [`Spatem::encode_uper`].
    pub fn encode_uper_into(&self, buf: &mut Vec<u8>) -> Result<(), Error> {
        Self::check_header(&self.header)?;
        check_time_marks(&self.spat)?;
        buf.clear();
        buf.extend_from_slice(&self.header.to_uper());
        self.spat.encode_value_into(buf).map_err(|e| match e {
            Error::Constraint { path, reason } => Error::Constraint {
                path: format!("spat.{path}"),
                reason,
            },
            other => other,
        })
    }
}

/// ISO TS 19091's TimeMark is 0..36001; J2735-2020's 0..36111 is wider with the same 16 bits,
/// so the shared SPAT type accepts values a SPATEM must not carry.
pub const ISO_TIME_MARK_MAX: u16 = 36001;

/// Refuses any TimeMark of `spat` above [`ISO_TIME_MARK_MAX`], naming the field.
pub fn check_time_marks(spat: &SPAT) -> Result<(), Error> {
    // Every SPATEM passes this check: the common case scans the marks without building the
    // table of names that only an error needs.
    let within = |t: &TimeChangeDetails| {
        [
            t.start_time,
            Some(t.min_end_time),
            t.max_end_time,
            t.likely_time,
            t.next_time,
        ]
        .into_iter()
        .flatten()
        .all(|TimeMark(v)| v <= ISO_TIME_MARK_MAX)
    };
    let all_within = spat.intersections.0.iter().all(|intersection| {
        intersection.states.0.iter().all(|state| {
            state
                .state_time_speed
                .0
                .iter()
                .all(|event| event.timing.as_ref().is_none_or(within))
        })
    });
    if all_within {
        return Ok(());
    }
    for (i, intersection) in spat.intersections.0.iter().enumerate() {
        for (s, state) in intersection.states.0.iter().enumerate() {
            for (e, event) in state.state_time_speed.0.iter().enumerate() {
                let Some(t) = &event.timing else { continue };
                let marks: [(&str, Option<TimeMark>); 5] = [
                    ("startTime", t.start_time),
                    ("minEndTime", Some(t.min_end_time)),
                    ("maxEndTime", t.max_end_time),
                    ("likelyTime", t.likely_time),
                    ("nextTime", t.next_time),
                ];
                for (name, mark) in marks {
                    if let Some(TimeMark(v)) = mark
                        && v > ISO_TIME_MARK_MAX
                    {
                        return Err(Error::Constraint {
                            path: format!(
                                "spat.intersections[{i}].states[{s}].state-time-speed[{e}].timing.{name}"
                            ),
                            reason: format!(
                                "value {v} outside ISO TS 19091's 0..{ISO_TIME_MARK_MAX}"
                            ),
                        });
                    }
                }
            }
        }
    }
    Ok(())
}
