//! The RSU 4.1 message file format v0.7 (Appendix C): one `Key=Value` per line, used by
//! Immediate Forward datagrams (UDP 1516) and Store-and-Repeat files alike.

use rsu_hw::Psid;

use crate::clock::UnixMillis;

/// Largest datagram or file accepted, in bytes. A 2302-byte payload (NTCIP 1218's
/// `rsuIFMPayload` limit) is 4604 hex digits; the other lines and comments fit in the rest.
pub const MAX_FILE_LEN: usize = 8192;

/// Largest payload, in bytes (NTCIP 1218 `rsuIFMPayload` / `rsuMsgRepeatPayload` SIZE).
pub const MAX_PAYLOAD_LEN: usize = 2302;

/// `TxMode=`: IEEE 1609.4 channel access the message asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxMode {
    /// `CONT`: continuous.
    Continuous,
    /// `ALT`: alternating.
    Alternating,
}

/// `TxChannel=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxChannel {
    /// `CCH`: the control channel.
    Cch,
    /// `SCH`: the operator's configured service channel.
    Sch,
    /// `SCH1`..`SCH6`.
    SchN(u8),
    /// A channel number (`172`, `183`).
    Number(u8),
}

/// A parsed message file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFile {
    /// `Type=`, upper-cased (`SPAT`, `MAP`, `TIM`, ...).
    pub msg_type: String,
    /// `PSID=`, given p-encoded in hex.
    pub psid: Psid,
    /// `Priority=` 0..=7.
    pub priority: u8,
    pub tx_mode: TxMode,
    pub tx_channel: TxChannel,
    /// `TxInterval=` in seconds: 0 for Immediate Forward.
    pub tx_interval_s: u32,
    /// `DeliveryStart=`, UTC, minute resolution; `None` when blank.
    pub delivery_start: Option<UnixMillis>,
    /// `DeliveryStop=`, UTC, minute resolution; `None` when blank.
    pub delivery_stop: Option<UnixMillis>,
    /// `Signature=True`: the RSU is asked to sign the payload.
    pub signature: bool,
    /// `Encryption=True`.
    pub encryption: bool,
    /// `Payload=`, decoded from hex.
    pub payload: Vec<u8>,
}
