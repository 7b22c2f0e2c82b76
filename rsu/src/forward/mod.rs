//! What the RSU sends for others and passes on (USDOT RSU 4.1 §3.3, NTCIP 1218 `rsuIFM`,
//! `rsuMsgRepeat`, `rsuReceivedMsg`).
//!
//! - [`message_file`]: the RSU 4.1 message file format v0.7 (`Key=Value` lines) that both
//!   Immediate Forward datagrams and Store-and-Repeat files use.
//! - [`backhaul`]: UDP and TCP destinations for received messages: bounded queues, reconnect
//!   with backoff, never blocking the caller.

pub mod auth;
pub mod backhaul;
pub mod gn;
pub mod message_file;
pub mod repeat;
pub mod rules;
pub mod tmc;

use rsu_codecs::etsi::EtsiMessage;
use rsu_codecs::j2735::MessageFrame;
use rsu_hw::channels::Region;

/// A message type the TMC may hand over, as the message file's `Type=` names it: a J2735
/// type, numbered by its MessageFrame's DSRCmsgID (J2735 §5.1), or an ETSI one, numbered by
/// its ItsPduHeader's messageID (TS 102 894-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Map,
    Spat,
    Bsm,
    Rsa,
    Srm,
    Ssm,
    Tim,
    Psm,
    /// ETSI DENM (EN 302 637-3).
    Denm,
    /// ETSI IVIM (TS 103 301).
    Ivim,
}

/// How a kind is numbered on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindId {
    /// A J2735 MessageFrame's DSRCmsgID.
    J2735(u8),
    /// An ETSI ItsPduHeader's messageID.
    Etsi(u8),
}

impl MessageKind {
    /// Every kind the codecs decode, with its `Type=` name and number.
    pub const ALL: [(MessageKind, &'static str, KindId); 10] = [
        (MessageKind::Map, "MAP", KindId::J2735(18)),
        (MessageKind::Spat, "SPAT", KindId::J2735(19)),
        (MessageKind::Bsm, "BSM", KindId::J2735(20)),
        (MessageKind::Rsa, "RSA", KindId::J2735(27)),
        (MessageKind::Srm, "SRM", KindId::J2735(29)),
        (MessageKind::Ssm, "SSM", KindId::J2735(30)),
        (MessageKind::Tim, "TIM", KindId::J2735(31)),
        (MessageKind::Psm, "PSM", KindId::J2735(32)),
        (MessageKind::Denm, "DENM", KindId::Etsi(1)),
        (MessageKind::Ivim, "IVIM", KindId::Etsi(6)),
    ];

    /// The kind a `Type=` value names (case-insensitive).
    pub fn from_name(name: &str) -> Option<MessageKind> {
        Self::ALL
            .iter()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(name))
            .map(|(k, _, _)| *k)
    }

    /// The `Type=` name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _, _)| *k == self)
            .map_or("?", |(_, n, _)| n)
    }

    /// The number on the wire.
    pub fn id(self) -> KindId {
        Self::ALL
            .iter()
            .find(|(k, _, _)| *k == self)
            .map_or(KindId::J2735(0), |(_, _, id)| *id)
    }

    /// The region whose standard the kind belongs to: where a TMC message of it goes out.
    pub fn region(self) -> Region {
        match self.id() {
            KindId::J2735(_) => Region::Us,
            KindId::Etsi(_) => Region::Eu,
        }
    }

    /// The kind of a decoded frame; `None` for a message id the codecs do not type.
    pub fn of(frame: &MessageFrame) -> Option<MessageKind> {
        let id = frame.id().0;
        Self::ALL
            .iter()
            .find(|(_, _, i)| matches!(i, KindId::J2735(n) if u16::from(*n) == id))
            .map(|(k, _, _)| *k)
    }

    /// The kind of a decoded ETSI message; `None` for one the TMC may not hand over.
    pub fn of_etsi(message: &EtsiMessage) -> Option<MessageKind> {
        let id = message.header().message_id;
        Self::ALL
            .iter()
            .find(|(_, _, i)| *i == KindId::Etsi(id))
            .map(|(k, _, _)| *k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_names_and_ids() {
        for (kind, name, id) in MessageKind::ALL {
            assert_eq!(MessageKind::from_name(name), Some(kind));
            assert_eq!(MessageKind::from_name(&name.to_lowercase()), Some(kind));
            assert_eq!(kind.name(), name);
            assert_eq!(kind.id(), id);
        }
        assert_eq!(MessageKind::from_name("SDSM"), None);
        assert_eq!(MessageKind::Denm.region(), Region::Eu);
        assert_eq!(MessageKind::Tim.region(), Region::Us);
    }
}
