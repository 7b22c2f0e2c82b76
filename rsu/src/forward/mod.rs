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

use rsu_codecs::j2735::MessageFrame;

/// A J2735 message type, as the message file's `Type=` names it and the MessageFrame's
/// DSRCmsgID numbers it (J2735 §5.1).
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
}

impl MessageKind {
    /// Every kind the codecs decode, with its `Type=` name and DSRCmsgID.
    pub const ALL: [(MessageKind, &'static str, u8); 8] = [
        (MessageKind::Map, "MAP", 18),
        (MessageKind::Spat, "SPAT", 19),
        (MessageKind::Bsm, "BSM", 20),
        (MessageKind::Rsa, "RSA", 27),
        (MessageKind::Srm, "SRM", 29),
        (MessageKind::Ssm, "SSM", 30),
        (MessageKind::Tim, "TIM", 31),
        (MessageKind::Psm, "PSM", 32),
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

    /// The DSRCmsgID.
    pub fn id(self) -> u8 {
        Self::ALL
            .iter()
            .find(|(k, _, _)| *k == self)
            .map_or(0, |(_, _, id)| *id)
    }

    /// The kind of a decoded frame; `None` for a message id the codecs do not type.
    pub fn of(frame: &MessageFrame) -> Option<MessageKind> {
        let id = frame.id().0;
        Self::ALL
            .iter()
            .find(|(_, _, i)| u16::from(*i) == id)
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
    }
}
