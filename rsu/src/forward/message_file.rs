//! The RSU 4.1 message file format v0.7 (Appendix C): one `Key=Value` per line, used by
//! Immediate Forward datagrams (UDP 1516) and Store-and-Repeat files alike.

use std::fmt;

use rsu_hw::gnss::Date;
use rsu_hw::{Psid, PsidError};

use crate::clock::{Civil, UnixMillis};

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
    /// `TxMode=`.
    pub tx_mode: TxMode,
    /// `TxChannel=`.
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

/// Longest `Type=` accepted: the names in use are short, and the type labels metrics.
const MAX_TYPE_LEN: usize = 32;

/// Every [`FileError::code`], for counters that are registered up front.
pub const ERROR_CODES: [&str; 15] = [
    "oversized",
    "not_utf8",
    "malformed_line",
    "unknown_key",
    "duplicate_key",
    "missing_key",
    "bad_version",
    "bad_psid",
    "bad_value",
    "bad_time",
    "bad_hex",
    "payload_too_long",
    "empty_payload",
    "not_immediate",
    "bad_window",
];

/// Why a message file was refused, and on which line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// 1-based line the problem is on; `None` for the file as a whole (size, a missing key,
    /// the Immediate Forward and Store-and-Repeat checks).
    pub line: Option<usize>,
    /// What was wrong.
    pub kind: FileErrorKind,
}

impl FileError {
    /// A stable snake_case reason, for counters (one of [`ERROR_CODES`]).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    fn at(line: usize, kind: FileErrorKind) -> FileError {
        FileError {
            line: Some(line),
            kind,
        }
    }
}

impl From<FileErrorKind> for FileError {
    fn from(kind: FileErrorKind) -> FileError {
        FileError { line: None, kind }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

// No `source()`: the kind is already part of the message.
impl std::error::Error for FileError {}

/// What was wrong with a message file. Nothing of the file's text is ever part of an error
/// (it names the key, the line and the rule instead): a Store-and-Repeat entry may be a link
/// to a file the RSU can read and the sender cannot, and errors end up in logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileErrorKind {
    #[error("{len} bytes, more than the {MAX_FILE_LEN} a message file may have")]
    Oversized { len: usize },
    #[error("not UTF-8 text")]
    NotUtf8,
    #[error("not a Key=Value line")]
    MalformedLine,
    #[error(
        "unknown key (v0.7 has Version, Type, PSID, Priority, TxMode, TxChannel, \
         TxInterval, DeliveryStart, DeliveryStop, Signature, Encryption, Payload)"
    )]
    UnknownKey,
    #[error("{key} given again (first on line {first_line})")]
    DuplicateKey {
        key: &'static str,
        first_line: usize,
    },
    #[error("{key} missing (v0.7 needs every key; DeliveryStart and DeliveryStop may be blank)")]
    MissingKey { key: &'static str },
    #[error("Version is not supported: only 0.7 is")]
    BadVersion,
    #[error("PSID: {why}")]
    BadPsid { why: &'static str },
    #[error("{key}: expected {expected}")]
    BadValue {
        key: &'static str,
        expected: &'static str,
    },
    #[error("{key}: {why}")]
    BadTime {
        key: &'static str,
        why: &'static str,
    },
    #[error("Payload: odd number of hex digits")]
    OddHex,
    #[error("Payload: digit {offset} is not a hex digit")]
    NotHex {
        /// Character offset in the value, from 0.
        offset: usize,
    },
    #[error("Payload: {len} bytes, more than the {MAX_PAYLOAD_LEN} allowed")]
    PayloadTooLong { len: usize },
    #[error("Payload: empty")]
    EmptyPayload,
    #[error("TxInterval={interval_s}: Immediate Forward needs TxInterval=0")]
    IntervalNotZero { interval_s: u32 },
    #[error("{key} is set: Immediate Forward needs it blank")]
    DeliveryTimeSet { key: &'static str },
    #[error("TxInterval=0 is Immediate Forward: Store-and-Repeat needs 1 s or more")]
    IntervalZero,
    #[error("{key} is blank: Store-and-Repeat needs a delivery window")]
    DeliveryTimeMissing { key: &'static str },
    #[error(
        "DeliveryStop ({}) is not after DeliveryStart ({})",
        format_time(*stop),
        format_time(*start)
    )]
    WindowNotAfter { start: UnixMillis, stop: UnixMillis },
}

impl FileErrorKind {
    /// A stable snake_case reason, for counters (one of [`ERROR_CODES`]).
    pub fn code(&self) -> &'static str {
        use FileErrorKind as K;
        match self {
            K::Oversized { .. } => "oversized",
            K::NotUtf8 => "not_utf8",
            K::MalformedLine => "malformed_line",
            K::UnknownKey => "unknown_key",
            K::DuplicateKey { .. } => "duplicate_key",
            K::MissingKey { .. } => "missing_key",
            K::BadVersion => "bad_version",
            K::BadPsid { .. } => "bad_psid",
            K::BadValue { .. } => "bad_value",
            K::BadTime { .. } => "bad_time",
            K::OddHex | K::NotHex { .. } => "bad_hex",
            K::PayloadTooLong { .. } => "payload_too_long",
            K::EmptyPayload => "empty_payload",
            K::IntervalNotZero { .. } | K::DeliveryTimeSet { .. } => "not_immediate",
            K::IntervalZero | K::DeliveryTimeMissing { .. } | K::WindowNotAfter { .. } => {
                "bad_window"
            }
        }
    }
}

/// The v0.7 keys, in the order the template (and [`MessageFile::emit`]) writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Version,
    Type,
    Psid,
    Priority,
    TxMode,
    TxChannel,
    TxInterval,
    DeliveryStart,
    DeliveryStop,
    Signature,
    Encryption,
    Payload,
}

const KEYS: [Key; 12] = [
    Key::Version,
    Key::Type,
    Key::Psid,
    Key::Priority,
    Key::TxMode,
    Key::TxChannel,
    Key::TxInterval,
    Key::DeliveryStart,
    Key::DeliveryStop,
    Key::Signature,
    Key::Encryption,
    Key::Payload,
];

impl Key {
    fn name(self) -> &'static str {
        match self {
            Key::Version => "Version",
            Key::Type => "Type",
            Key::Psid => "PSID",
            Key::Priority => "Priority",
            Key::TxMode => "TxMode",
            Key::TxChannel => "TxChannel",
            Key::TxInterval => "TxInterval",
            Key::DeliveryStart => "DeliveryStart",
            Key::DeliveryStop => "DeliveryStop",
            Key::Signature => "Signature",
            Key::Encryption => "Encryption",
            Key::Payload => "Payload",
        }
    }

    fn lookup(text: &str) -> Option<Key> {
        KEYS.into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(text))
    }
}

/// The values read so far; each is `Some` once its line has been read.
#[derive(Default)]
struct Partial {
    first_line: [Option<usize>; KEYS.len()],
    msg_type: Option<String>,
    psid: Option<Psid>,
    priority: Option<u8>,
    tx_mode: Option<TxMode>,
    tx_channel: Option<TxChannel>,
    tx_interval_s: Option<u32>,
    delivery_start: Option<Option<UnixMillis>>,
    delivery_stop: Option<Option<UnixMillis>>,
    signature: Option<bool>,
    encryption: Option<bool>,
    payload: Option<Vec<u8>>,
}

impl Partial {
    fn set(&mut self, key: Key, value: &str) -> Result<(), FileErrorKind> {
        let bad = |expected| FileErrorKind::BadValue {
            key: key.name(),
            expected,
        };
        match key {
            Key::Version => {
                if value != "0.7" {
                    return Err(FileErrorKind::BadVersion);
                }
            }
            Key::Type => {
                if value.is_empty()
                    || value.len() > MAX_TYPE_LEN
                    || !value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    return Err(bad(
                        "a message type of 1 to 32 letters, digits or _ (SPAT, MAP, TIM, ...)",
                    ));
                }
                self.msg_type = Some(value.to_ascii_uppercase());
            }
            Key::Psid => self.psid = Some(parse_psid(value)?),
            Key::Priority => {
                self.priority = Some(
                    decimal(value)
                        .filter(|p| *p <= 7)
                        .and_then(|p| u8::try_from(p).ok())
                        .ok_or_else(|| bad("an integer 0..=7"))?,
                );
            }
            Key::TxMode => {
                self.tx_mode = Some(if value.eq_ignore_ascii_case("CONT") {
                    TxMode::Continuous
                } else if value.eq_ignore_ascii_case("ALT") {
                    TxMode::Alternating
                } else {
                    return Err(bad("CONT or ALT"));
                });
            }
            Key::TxChannel => {
                self.tx_channel = Some(
                    parse_channel(value)
                        .ok_or_else(|| bad("CCH, SCH, SCH1..SCH6 or a channel number 1..=255"))?,
                );
            }
            Key::TxInterval => {
                self.tx_interval_s = Some(
                    decimal(value)
                        .filter(|s| *s <= 3600)
                        .ok_or_else(|| bad("whole seconds 0..=3600 (0 = Immediate Forward)"))?,
                );
            }
            Key::DeliveryStart | Key::DeliveryStop => {
                let time = if value.is_empty() {
                    None
                } else {
                    Some(parse_time(value).map_err(|why| FileErrorKind::BadTime {
                        key: key.name(),
                        why,
                    })?)
                };
                if key == Key::DeliveryStart {
                    self.delivery_start = Some(time);
                } else {
                    self.delivery_stop = Some(time);
                }
            }
            Key::Signature | Key::Encryption => {
                let flag = if value.eq_ignore_ascii_case("true") {
                    true
                } else if value.eq_ignore_ascii_case("false") {
                    false
                } else {
                    return Err(bad("True or False"));
                };
                if key == Key::Signature {
                    self.signature = Some(flag);
                } else {
                    self.encryption = Some(flag);
                }
            }
            Key::Payload => self.payload = Some(parse_payload(value)?),
        }
        Ok(())
    }

    fn finish(self) -> Result<MessageFile, FileErrorKind> {
        if let Some(key) = KEYS
            .iter()
            .zip(self.first_line)
            .find_map(|(key, line)| line.is_none().then_some(*key))
        {
            return Err(FileErrorKind::MissingKey { key: key.name() });
        }
        // Every key has been seen, so every field is set; the error is unreachable.
        let missing = |key: Key| FileErrorKind::MissingKey { key: key.name() };
        Ok(MessageFile {
            msg_type: self.msg_type.ok_or(missing(Key::Type))?,
            psid: self.psid.ok_or(missing(Key::Psid))?,
            priority: self.priority.ok_or(missing(Key::Priority))?,
            tx_mode: self.tx_mode.ok_or(missing(Key::TxMode))?,
            tx_channel: self.tx_channel.ok_or(missing(Key::TxChannel))?,
            tx_interval_s: self.tx_interval_s.ok_or(missing(Key::TxInterval))?,
            delivery_start: self.delivery_start.ok_or(missing(Key::DeliveryStart))?,
            delivery_stop: self.delivery_stop.ok_or(missing(Key::DeliveryStop))?,
            signature: self.signature.ok_or(missing(Key::Signature))?,
            encryption: self.encryption.ok_or(missing(Key::Encryption))?,
            payload: self.payload.ok_or(missing(Key::Payload))?,
        })
    }
}

/// Reads a message file (RSU 4.1 Appendix C, v0.7): an Immediate Forward datagram or a
/// Store-and-Repeat file. Checks the form only; see [`MessageFile::check_immediate`] and
/// [`MessageFile::check_repeat`] for what each use needs.
pub fn parse(bytes: &[u8]) -> Result<MessageFile, FileError> {
    if bytes.len() > MAX_FILE_LEN {
        return Err(FileErrorKind::Oversized { len: bytes.len() }.into());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let bad_line = bytes
            .get(..e.valid_up_to())
            .map_or(0, |ok| ok.iter().filter(|b| **b == b'\n').count());
        FileError::at(bad_line + 1, FileErrorKind::NotUtf8)
    })?;
    // Windows editors may start a Store-and-Repeat file with a byte order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut partial = Partial::default();
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key_text, value)) = line.split_once('=') else {
            return Err(FileError::at(line_no, FileErrorKind::MalformedLine));
        };
        let key_text = key_text.trim();
        let key = Key::lookup(key_text)
            .ok_or_else(|| FileError::at(line_no, FileErrorKind::UnknownKey))?;
        let slot = &mut partial.first_line[key as usize];
        if let Some(first_line) = *slot {
            return Err(FileError::at(
                line_no,
                FileErrorKind::DuplicateKey {
                    key: key.name(),
                    first_line,
                },
            ));
        }
        *slot = Some(line_no);
        partial
            .set(key, value.trim())
            .map_err(|kind| FileError::at(line_no, kind))?;
    }
    partial.finish().map_err(FileError::from)
}

/// `PSID=`: only the p-encoded hex form, unlike configuration files, which also take decimal.
fn parse_psid(value: &str) -> Result<Psid, FileErrorKind> {
    let bad = |why| FileErrorKind::BadPsid { why };
    if !(value.starts_with("0x") || value.starts_with("0X")) {
        return Err(bad("the PSID is written p-encoded in hex, e.g. 0x8003"));
    }
    Psid::parse(value).map_err(|e| {
        bad(match e {
            PsidError::BadPEncoding(_) => {
                "not a valid p-encoding: the first octet does not fit the length \
                 (PSID 0x83 is written 0x8003)"
            }
            _ => "not p-encoded hex of 1 to 4 octets, e.g. 0x8003",
        })
    })
}

/// A plain decimal number (no sign, no spaces), short enough not to overflow.
fn decimal(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_channel(value: &str) -> Option<TxChannel> {
    if value.eq_ignore_ascii_case("CCH") {
        return Some(TxChannel::Cch);
    }
    if value.eq_ignore_ascii_case("SCH") {
        return Some(TxChannel::Sch);
    }
    if let Some(prefix) = value.get(..3)
        && prefix.eq_ignore_ascii_case("SCH")
    {
        let n = value.get(3..).filter(|n| n.len() == 1).and_then(decimal)?;
        return (1..=6).contains(&n).then_some(TxChannel::SchN(n as u8));
    }
    decimal(value)
        .filter(|n| (1..=255).contains(n))
        .map(|n| TxChannel::Number(n as u8))
}

/// Digits only, `min..=max` of them.
fn digits(text: &str, min: usize, max: usize) -> Option<u32> {
    (min..=max).contains(&text.len()).then(|| decimal(text))?
}

/// `mm/dd/yyyy, hh:mm` in UTC (any spaces, or none, after the comma).
fn parse_time(value: &str) -> Result<UnixMillis, &'static str> {
    const FORMAT: &str = "expected a UTC time mm/dd/yyyy, hh:mm";
    let (date, time) = value.split_once(',').ok_or(FORMAT)?;
    let mut parts = date.trim().split('/');
    let (Some(month), Some(day), Some(year), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(FORMAT);
    };
    let (hour, minute) = time.trim().split_once(':').ok_or(FORMAT)?;
    let (Some(month), Some(day), Some(year), Some(hour), Some(minute)) = (
        digits(month, 1, 2),
        digits(day, 1, 2),
        digits(year, 4, 4),
        digits(hour, 1, 2),
        digits(minute, 1, 2),
    ) else {
        return Err(FORMAT);
    };
    if !(1970..=9999).contains(&year) {
        return Err("year outside 1970..=9999");
    }
    if hour > 23 {
        return Err("hour above 23");
    }
    if minute > 59 {
        return Err("minute above 59");
    }
    let date = Date::new(year as u16, month as u8, day as u8).ok_or("no such date")?;
    Civil {
        date,
        hour: hour as u8,
        minute: minute as u8,
        second: 0,
        millisecond: 0,
    }
    .to_unix()
    .ok_or("before 1970")
}

/// A time as `mm/dd/yyyy, hh:mm`, cut to the minute. Past the year 65535 it writes text that
/// [`parse`] refuses, rather than a different time.
fn format_time(t: UnixMillis) -> String {
    match t.civil() {
        Some(c) => format!(
            "{:02}/{:02}/{:04}, {:02}:{:02}",
            c.date.month, c.date.day, c.date.year, c.hour, c.minute
        ),
        None => format!("beyond the year 65535 (Unix ms {})", t.0),
    }
}

fn parse_payload(value: &str) -> Result<Vec<u8>, FileErrorKind> {
    if value.is_empty() {
        return Err(FileErrorKind::EmptyPayload);
    }
    let len = value.len().div_ceil(2);
    if len > MAX_PAYLOAD_LEN {
        return Err(FileErrorKind::PayloadTooLong { len });
    }
    // A stray character says more than the odd count it may cause, so it is reported first.
    if let Some(offset) = value.chars().position(|c| !c.is_ascii_hexdigit()) {
        return Err(FileErrorKind::NotHex { offset });
    }
    hex::decode(value).map_err(|_| FileErrorKind::OddHex)
}

impl MessageFile {
    /// Checks what an Immediate Forward datagram needs: `TxInterval=0` and no delivery window.
    pub fn check_immediate(&self) -> Result<(), FileError> {
        if self.tx_interval_s != 0 {
            return Err(FileErrorKind::IntervalNotZero {
                interval_s: self.tx_interval_s,
            }
            .into());
        }
        for (key, time) in [
            (Key::DeliveryStart, self.delivery_start),
            (Key::DeliveryStop, self.delivery_stop),
        ] {
            if time.is_some() {
                return Err(FileErrorKind::DeliveryTimeSet { key: key.name() }.into());
            }
        }
        Ok(())
    }

    /// Checks what a Store-and-Repeat file needs: `TxInterval` of 1 s or more and a delivery
    /// window whose stop is after its start.
    pub fn check_repeat(&self) -> Result<(), FileError> {
        if self.tx_interval_s == 0 {
            return Err(FileErrorKind::IntervalZero.into());
        }
        let start = self
            .delivery_start
            .ok_or(FileErrorKind::DeliveryTimeMissing {
                key: Key::DeliveryStart.name(),
            })?;
        let stop = self
            .delivery_stop
            .ok_or(FileErrorKind::DeliveryTimeMissing {
                key: Key::DeliveryStop.name(),
            })?;
        if stop <= start {
            return Err(FileErrorKind::WindowNotAfter { start, stop }.into());
        }
        Ok(())
    }

    /// The canonical file: the 12 keys in the template's order, LF line ends, upper-case hex,
    /// times cut to the minute. [`parse`] reads it back to `self` when the fields are in the
    /// ranges `parse` accepts (delivery times at whole minutes within 1970..=9999).
    pub fn emit(&self) -> String {
        let time = |t: Option<UnixMillis>| t.map(format_time).unwrap_or_default();
        let flag = |b: bool| if b { "True" } else { "False" };
        let mode = match self.tx_mode {
            TxMode::Continuous => "CONT",
            TxMode::Alternating => "ALT",
        };
        let channel = match self.tx_channel {
            TxChannel::Cch => "CCH".to_owned(),
            TxChannel::Sch => "SCH".to_owned(),
            TxChannel::SchN(n) => format!("SCH{n}"),
            TxChannel::Number(n) => n.to_string(),
        };
        format!(
            "Version=0.7\nType={}\nPSID=0x{:0width$X}\nPriority={}\nTxMode={mode}\n\
             TxChannel={channel}\nTxInterval={}\nDeliveryStart={}\nDeliveryStop={}\n\
             Signature={}\nEncryption={}\nPayload={}\n",
            self.msg_type,
            self.psid.p_encoded(),
            self.priority,
            self.tx_interval_s,
            time(self.delivery_start),
            time(self.delivery_stop),
            flag(self.signature),
            flag(self.encryption),
            hex::encode_upper(&self.payload),
            width = self.psid.encoded_len() * 2,
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    /// A hand-written Immediate Forward TIM as a TMC tool on Windows would send it: CRLF line
    /// ends, comments (one indented), a blank line, an empty delivery window. The payload is a
    /// stand-in: `00 1F` is how UPER starts a MessageFrame with messageId 31 (TIM); the rest is
    /// filler, not a decodable TIM.
    const EXAMPLE: &str = "# Immediate Forward: work zone TIM, Main St & 3rd Ave\r\n\
        # Modified Date: 03/02/2025, Version 0.7\r\n\
        Version=0.7\r\n\
        Type=TIM\r\n\
        PSID=0x8003\r\n\
        Priority=5\r\n\
        TxMode=ALT\r\n\
        TxChannel=SCH1\r\n\
        TxInterval=0\r\n\
        DeliveryStart=\r\n\
        DeliveryStop=\r\n\
        \r\n\
        \x20  # the RSU signs it\r\n\
        Signature=True\r\n\
        Encryption=False\r\n\
        Payload=001F05a1b2c3d4e5\r\n";

    fn example() -> MessageFile {
        MessageFile {
            msg_type: "TIM".into(),
            psid: Psid::TRAVELLER_INFORMATION,
            priority: 5,
            tx_mode: TxMode::Alternating,
            tx_channel: TxChannel::SchN(1),
            tx_interval_s: 0,
            delivery_start: None,
            delivery_stop: None,
            signature: true,
            encryption: false,
            payload: vec![0x00, 0x1F, 0x05, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5],
        }
    }

    /// The canonical lines of a valid Immediate Forward SPaT: line n of the file is `BASE[n-1]`.
    const BASE: [&str; 12] = [
        "Version=0.7",
        "Type=SPAT",
        "PSID=0x8002",
        "Priority=7",
        "TxMode=CONT",
        "TxChannel=183",
        "TxInterval=0",
        "DeliveryStart=",
        "DeliveryStop=",
        "Signature=False",
        "Encryption=False",
        "Payload=00136D",
    ];

    /// `BASE` with line `line` (1-based) replaced.
    fn with(line: usize, text: &str) -> String {
        let mut lines = BASE.map(str::to_owned).to_vec();
        lines[line - 1] = text.to_owned();
        lines.join("\n")
    }

    fn err(text: &str) -> FileError {
        parse(text.as_bytes()).unwrap_err()
    }

    fn at(line: usize, kind: FileErrorKind) -> FileError {
        FileError::at(line, kind)
    }

    fn bad_value(key: &'static str, expected: &'static str) -> FileErrorKind {
        FileErrorKind::BadValue { key, expected }
    }

    fn expect_bytes(bytes: &[u8], want: FileError, codes: &mut BTreeSet<&'static str>) {
        let got = parse(bytes).unwrap_err();
        assert_eq!(got, want);
        codes.insert(got.code());
    }

    fn repeat_file() -> MessageFile {
        MessageFile {
            tx_interval_s: 1,
            // 01/01/2025 00:00 and 01/02/2025 00:00 (1 735 689 600 s is 2025-01-01).
            delivery_start: Some(UnixMillis(1_735_689_600_000)),
            delivery_stop: Some(UnixMillis(1_735_776_000_000)),
            ..example()
        }
    }

    #[test]
    fn the_example_parses_checks_and_emits() {
        let f = parse(EXAMPLE.as_bytes()).unwrap();
        assert_eq!(f, example());
        assert_eq!(f.check_immediate(), Ok(()));
        assert_eq!(f.check_repeat(), Err(FileErrorKind::IntervalZero.into()));
        assert_eq!(
            f.emit(),
            "Version=0.7\nType=TIM\nPSID=0x8003\nPriority=5\nTxMode=ALT\nTxChannel=SCH1\n\
             TxInterval=0\nDeliveryStart=\nDeliveryStop=\nSignature=True\nEncryption=False\n\
             Payload=001F05A1B2C3D4E5\n"
        );
        assert_eq!(parse(f.emit().as_bytes()), Ok(f));
        // The base file: LF only, no final newline.
        let base = parse(BASE.join("\n").as_bytes()).unwrap();
        assert_eq!(base.psid, Psid::INTERSECTION);
        assert_eq!(base.tx_channel, TxChannel::Number(183));
        assert_eq!(base.payload, [0x00, 0x13, 0x6D]);
    }

    #[test]
    fn every_error_code_with_its_line() {
        let mut codes = BTreeSet::new();
        let mut codes_seen = Vec::new();
        let mut expect = |text: &str, want: FileError| {
            let got = err(text);
            assert_eq!(got, want, "{text}");
            codes_seen.push(got.code());
        };
        let base = BASE.join("\n");

        let huge = format!("{base}\n#{}", "x".repeat(MAX_FILE_LEN));
        expect(&huge, FileErrorKind::Oversized { len: huge.len() }.into());
        // Size comes first: an oversized file of invalid UTF-8 is reported as oversized.
        assert_eq!(
            parse(&[0xFF; MAX_FILE_LEN + 1]).unwrap_err().code(),
            "oversized"
        );
        let mut bytes = base.clone().into_bytes();
        bytes.insert(base.find("0x8002").unwrap() + 6, 0xFF);
        expect_bytes(&bytes, at(3, FileErrorKind::NotUtf8), &mut codes);

        expect(&with(4, "Priority 5"), at(4, FileErrorKind::MalformedLine));
        expect(&with(6, "Channel=172"), at(6, FileErrorKind::UnknownKey));
        expect(
            &format!("{base}\n\n psid = 0x20"),
            at(
                14,
                FileErrorKind::DuplicateKey {
                    key: "PSID",
                    first_line: 3,
                },
            ),
        );
        expect(
            &with(9, "# DeliveryStop="),
            FileErrorKind::MissingKey {
                key: "DeliveryStop",
            }
            .into(),
        );
        expect(&with(1, "Version=0.6"), at(1, FileErrorKind::BadVersion));
        expect(
            &with(3, "PSID=130"),
            at(
                3,
                FileErrorKind::BadPsid {
                    why: "the PSID is written p-encoded in hex, e.g. 0x8003",
                },
            ),
        );
        expect(
            &with(4, "Priority=8"),
            at(4, bad_value("Priority", "an integer 0..=7")),
        );
        expect(
            &with(8, "DeliveryStart=02/29/2023, 10:00"),
            at(
                8,
                FileErrorKind::BadTime {
                    key: "DeliveryStart",
                    why: "no such date",
                },
            ),
        );
        expect(&with(12, "Payload=00136"), at(12, FileErrorKind::OddHex));
        let too_long = "00".repeat(MAX_PAYLOAD_LEN + 1);
        expect(
            &with(12, &format!("Payload={too_long}")),
            at(
                12,
                FileErrorKind::PayloadTooLong {
                    len: MAX_PAYLOAD_LEN + 1,
                },
            ),
        );
        expect(&with(12, "Payload= "), at(12, FileErrorKind::EmptyPayload));

        codes.extend(codes_seen);
        let repeat = repeat_file();
        let got = repeat.check_immediate().unwrap_err();
        assert_eq!(got, FileErrorKind::IntervalNotZero { interval_s: 1 }.into());
        codes.insert(got.code());
        let got = example().check_repeat().unwrap_err();
        assert_eq!(got, FileErrorKind::IntervalZero.into());
        codes.insert(got.code());

        assert_eq!(codes, ERROR_CODES.into_iter().collect());
    }

    /// A Store-and-Repeat entry can be a hard link to a file the sender may not read (a
    /// password hash appeared in the log): no error, displayed or debugged, carries any of
    /// the text, whichever line or key it is on.
    #[test]
    fn errors_never_echo_the_text() {
        const SECRET: &str = "Zq7$Xw9Kp/4hash";
        let mut texts = vec![
            format!("root:{SECRET}:19000:0:99999:7:::\n"),
            format!("{SECRET}\n"),
            format!("{SECRET}=1\n"),
            format!("password={SECRET}\n"),
        ];
        for line in 1..=BASE.len() {
            let key = BASE[line - 1].split_once('=').unwrap().0;
            texts.push(with(line, &format!("{key}={SECRET}")));
            texts.push(with(line, &format!("{key}=0x{SECRET}")));
            texts.push(with(line, &format!("{key}=01/01/2025, {SECRET}")));
            texts.push(with(line, SECRET));
        }
        for text in &texts {
            let got = err(text);
            for shown in [got.to_string(), format!("{got:?}")] {
                for part in [SECRET, "Zq7", "Xw9Kp", "4hash"] {
                    assert!(!shown.contains(part), "{shown:?} echoes {text:?}");
                }
            }
        }
    }

    #[test]
    fn errors_display_their_line() {
        assert_eq!(
            err(&with(12, "Payload=00136")).to_string(),
            "line 12: Payload: odd number of hex digits"
        );
        assert_eq!(
            err(&with(1, "Version=1.0")).to_string(),
            "line 1: Version is not supported: only 0.7 is"
        );
        assert_eq!(
            FileError::from(FileErrorKind::MissingKey { key: "Payload" }).to_string(),
            "Payload missing (v0.7 needs every key; DeliveryStart and DeliveryStop may be blank)"
        );
        let hostile = "é".repeat(1000);
        let got = err(&with(2, &format!("Type={hostile}")));
        assert_eq!(got, at(2, bad_value("Type", TYPE_EXPECTED)));
        assert!(!got.to_string().contains('é'), "{got}");
        let got = err(&format!("{}\n{hostile}", BASE.join("\n")));
        assert_eq!(got, at(13, FileErrorKind::MalformedLine));
        assert_eq!(
            err(&with(8, "DeliveryStop=01/01/2025, 00:00")).to_string(),
            "line 9: DeliveryStop given again (first on line 8)"
        );
    }

    #[test]
    fn structure_errors() {
        // A duplicate is reported on its second line, whatever the case of either.
        assert_eq!(
            err(&with(8, "DELIVERYSTOP=")),
            at(
                9,
                FileErrorKind::DuplicateKey {
                    key: "DeliveryStop",
                    first_line: 8
                }
            )
        );
        // Missing keys are reported in the template's order.
        assert_eq!(err(""), FileErrorKind::MissingKey { key: "Version" }.into());
        assert_eq!(
            err("# only a comment\r\n\r\n"),
            FileErrorKind::MissingKey { key: "Version" }.into()
        );
        assert_eq!(
            err(&with(2, "")),
            FileErrorKind::MissingKey { key: "Type" }.into()
        );
        assert_eq!(err(&with(7, "=0")), at(7, FileErrorKind::UnknownKey));
        // A comment must start the line: `#` after a value is part of the value.
        assert_eq!(
            err(&with(4, "Priority=5 # high")),
            at(4, bad_value("Priority", "an integer 0..=7"))
        );
        // Only the first `=` splits.
        assert_eq!(
            err(&with(12, "Payload=00=1")),
            at(12, FileErrorKind::NotHex { offset: 2 })
        );
        // A lone CR does not end a line.
        assert_eq!(err(&BASE.join("\r")), at(1, FileErrorKind::BadVersion));
        // Invalid UTF-8 on the last line of a CRLF file.
        let mut bytes = BASE.join("\r\n").into_bytes();
        bytes.push(0xC3);
        assert_eq!(parse(&bytes), Err(at(12, FileErrorKind::NotUtf8)));
        // Exactly MAX_FILE_LEN bytes is allowed.
        let mut padded = BASE.join("\n");
        padded.push_str("\n#");
        padded.push_str(&"-".repeat(MAX_FILE_LEN - padded.len()));
        assert_eq!(padded.len(), MAX_FILE_LEN);
        assert!(parse(padded.as_bytes()).is_ok());
    }

    #[test]
    fn value_errors() {
        let cases: [(usize, &str, &'static str, &str, &'static str); 24] = [
            (2, "Type=", "Type", "", TYPE_EXPECTED),
            (2, "Type=S-PAT", "Type", "S-PAT", TYPE_EXPECTED),
            (2, "Type=SPaT 2", "Type", "SPaT 2", TYPE_EXPECTED),
            (4, "Priority=-1", "Priority", "-1", "an integer 0..=7"),
            (4, "Priority=+5", "Priority", "+5", "an integer 0..=7"),
            (4, "Priority=", "Priority", "", "an integer 0..=7"),
            (
                4,
                "Priority=99999999999",
                "Priority",
                "99999999999",
                "an integer 0..=7",
            ),
            (
                5,
                "TxMode=CONTINUOUS",
                "TxMode",
                "CONTINUOUS",
                "CONT or ALT",
            ),
            (5, "TxMode=", "TxMode", "", "CONT or ALT"),
            (6, "TxChannel=SCH7", "TxChannel", "SCH7", CHANNEL_EXPECTED),
            (6, "TxChannel=SCH0", "TxChannel", "SCH0", CHANNEL_EXPECTED),
            (6, "TxChannel=SCH01", "TxChannel", "SCH01", CHANNEL_EXPECTED),
            (6, "TxChannel=SCH 1", "TxChannel", "SCH 1", CHANNEL_EXPECTED),
            (6, "TxChannel=0", "TxChannel", "0", CHANNEL_EXPECTED),
            (6, "TxChannel=256", "TxChannel", "256", CHANNEL_EXPECTED),
            (6, "TxChannel=CCH1", "TxChannel", "CCH1", CHANNEL_EXPECTED),
            (6, "TxChannel=SCHé", "TxChannel", "SCHé", CHANNEL_EXPECTED),
            (
                7,
                "TxInterval=3601",
                "TxInterval",
                "3601",
                INTERVAL_EXPECTED,
            ),
            (7, "TxInterval=1.5", "TxInterval", "1.5", INTERVAL_EXPECTED),
            (7, "TxInterval=-1", "TxInterval", "-1", INTERVAL_EXPECTED),
            (10, "Signature=1", "Signature", "1", "True or False"),
            (10, "Signature=yes", "Signature", "yes", "True or False"),
            (11, "Encryption=0", "Encryption", "0", "True or False"),
            (11, "Encryption=", "Encryption", "", "True or False"),
        ];
        for (line, text, key, value, expected) in cases {
            let got = err(&with(line, text));
            assert_eq!(got, at(line, bad_value(key, expected)), "{text}");
            assert!(!got.to_string().contains(&format!("{value:?}")), "{got}");
            assert_eq!(got.code(), "bad_value");
        }
        let psid = |value: &str| match err(&with(3, &format!("PSID={value}"))) {
            FileError {
                line: Some(3),
                kind: FileErrorKind::BadPsid { why },
            } => why,
            other => panic!("{other:?}"),
        };
        assert!(psid("0x82").contains("0x8003"), "{}", psid("0x82"));
        assert!(psid("0x82").starts_with("not a valid p-encoding"));
        for syntax in ["0x", "0x8", "0x80020", "0xG0", "0x0000000000", "0xF0000000"] {
            let why = psid(syntax);
            assert!(!why.is_empty());
        }
        assert!(psid("8002").contains("p-encoded in hex, e.g. 0x8003"));
        assert!(psid("").contains("p-encoded in hex"));
        for (text, offset) in [
            ("Payload=0x00", 1),
            ("Payload=ABCG", 3),
            ("Payload=AB CD", 2),
        ] {
            assert_eq!(
                err(&with(12, text)),
                at(12, FileErrorKind::NotHex { offset })
            );
        }
        // The largest payload is allowed.
        let largest = "ab".repeat(MAX_PAYLOAD_LEN);
        let f = parse(with(12, &format!("Payload={largest}")).as_bytes()).unwrap();
        assert_eq!(f.payload, vec![0xAB; MAX_PAYLOAD_LEN]);
        assert_eq!(parse(f.emit().as_bytes()), Ok(f));
    }

    const TYPE_EXPECTED: &str =
        "a message type of 1 to 32 letters, digits or _ (SPAT, MAP, TIM, ...)";
    const CHANNEL_EXPECTED: &str = "CCH, SCH, SCH1..SCH6 or a channel number 1..=255";
    const INTERVAL_EXPECTED: &str = "whole seconds 0..=3600 (0 = Immediate Forward)";

    fn start(value: &str) -> Result<Option<UnixMillis>, FileError> {
        parse(with(8, &format!("DeliveryStart={value}")).as_bytes()).map(|f| f.delivery_start)
    }

    fn time_error(value: &str) -> &'static str {
        match start(value) {
            Err(FileError {
                line: Some(8),
                kind:
                    FileErrorKind::BadTime {
                        key: "DeliveryStart",
                        why,
                    },
            }) => why,
            other => panic!("{value}: {other:?}"),
        }
    }

    #[test]
    fn delivery_times() {
        // 2000-01-01 00:00 UTC is day 30 * 365 + 7 = 10 957 since 1970 (the leap years 1972,
        // 1976, ..., 1996 are 7), so 12/31/1999 23:59 is 10 957 * 86 400 000 ms - 60 000 ms
        // = 946 684 800 000 - 60 000 = 946 684 740 000.
        let y2k_eve = Some(UnixMillis(946_684_740_000));
        assert_eq!(start("12/31/1999, 23:59"), Ok(y2k_eve));
        assert_eq!(start("12/31/1999,23:59"), Ok(y2k_eve));
        assert_eq!(start("12/31/1999,    23:59"), Ok(y2k_eve));
        assert_eq!(start("12/31/1999,\t23:59"), Ok(y2k_eve));
        assert_eq!(start(" 12/31/1999, 23:59 "), Ok(y2k_eve));
        // 2024-01-01 is 19 723 days after 1970 (54 years, 13 leap days: 1972..=2020), and
        // 02/29 is 31 + 28 days later: (19 723 + 59) * 86 400 000 = 1 709 164 800 000.
        assert_eq!(
            start("02/29/2024, 00:00"),
            Ok(Some(UnixMillis(1_709_164_800_000)))
        );
        assert_eq!(
            start("2/29/2024, 0:00"),
            Ok(Some(UnixMillis(1_709_164_800_000)))
        );
        assert_eq!(start("01/01/1970, 00:00"), Ok(Some(UnixMillis(0))));
        assert_eq!(start("1/1/1970, 0:1"), Ok(Some(UnixMillis(60_000))));
        // 12/31/9999 23:59:59 is 253 402 300 799 s, the largest four-digit-year time.
        assert_eq!(
            start("12/31/9999, 23:59"),
            Ok(Some(UnixMillis(253_402_300_740_000)))
        );
        // 2000 is a leap year (divisible by 400), 1900 and 2100 are not.
        assert!(start("02/29/2000, 12:00").is_ok());
        assert_eq!(time_error("02/29/2023, 10:00"), "no such date");
        assert_eq!(time_error("02/29/2100, 10:00"), "no such date");
        assert_eq!(time_error("04/31/2025, 10:00"), "no such date");
        assert_eq!(time_error("13/01/2025, 10:00"), "no such date");
        assert_eq!(time_error("00/10/2025, 10:00"), "no such date");
        assert_eq!(time_error("01/00/2025, 10:00"), "no such date");
        assert_eq!(time_error("01/01/2025, 24:00"), "hour above 23");
        assert_eq!(time_error("01/01/2025, 23:60"), "minute above 59");
        assert_eq!(time_error("12/31/1969, 23:59"), "year outside 1970..=9999");
        let format = "expected a UTC time mm/dd/yyyy, hh:mm";
        for bad in [
            "01/01/2025 10:00",
            "01/01/25, 10:00",
            "01/01/10000, 10:00",
            "2025-01-01, 10:00",
            "01/01/2025, 10:00:00",
            "01/01/2025, 1000",
            "001/01/2025, 10:00",
            "01/01/2025, 100:00",
            "01/01/2025/1, 10:00",
            "01 /01/2025, 10:00",
            "01/01/2025, +1:00",
            "01/01/2025,",
            "now",
            "2025-01-01T10:00:00Z",
        ] {
            assert_eq!(time_error(bad), format, "{bad}");
        }
        assert_eq!(
            err(&with(9, "DeliveryStop=now")).kind,
            FileErrorKind::BadTime {
                key: "DeliveryStop",
                why: format
            }
        );
        assert_eq!(
            format_time(UnixMillis(946_684_740_000)),
            "12/31/1999, 23:59"
        );
        // Seconds are cut off.
        assert_eq!(
            format_time(UnixMillis(946_684_799_999)),
            "12/31/1999, 23:59"
        );
        assert_eq!(format_time(UnixMillis(0)), "01/01/1970, 00:00");
        assert!(start(&format_time(UnixMillis(u64::MAX))).is_err());
    }

    #[test]
    fn channels() {
        let channel = |value: &str| {
            parse(with(6, &format!("TxChannel={value}")).as_bytes()).map(|f| f.tx_channel)
        };
        assert_eq!(channel("CCH"), Ok(TxChannel::Cch));
        assert_eq!(channel("cch"), Ok(TxChannel::Cch));
        assert_eq!(channel("SCH"), Ok(TxChannel::Sch));
        assert_eq!(channel("Sch"), Ok(TxChannel::Sch));
        for n in 1..=6u8 {
            assert_eq!(channel(&format!("SCH{n}")), Ok(TxChannel::SchN(n)));
            assert_eq!(channel(&format!("sch{n}")), Ok(TxChannel::SchN(n)));
        }
        for n in [1u8, 172, 178, 180, 183, 184, 255] {
            assert_eq!(channel(&n.to_string()), Ok(TxChannel::Number(n)));
        }
        assert_eq!(channel("0172"), Ok(TxChannel::Number(172)));
    }

    #[test]
    fn keys_and_values_are_case_insensitive_and_trimmed() {
        let text = "\u{feff}VERSION=0.7\n\
            type = spat \n\
            \tpsid=0X8002\n\
            PRIORITY=7\n\
            txmode=cont\n\
            TXCHANNEL=cch\n\
            txInterval=0\n\
            deliverystart =\n\
            DELIVERYSTOP=   \n\
            \n\
            \t# tab-indented comment\n\
            signature=TRUE\n\
            encryption=false\n\
            payload=00136d\n\n";
        let f = parse(text.as_bytes()).unwrap();
        assert_eq!(
            f,
            MessageFile {
                msg_type: "SPAT".into(),
                psid: Psid::INTERSECTION,
                priority: 7,
                tx_mode: TxMode::Continuous,
                tx_channel: TxChannel::Cch,
                tx_interval_s: 0,
                delivery_start: None,
                delivery_stop: None,
                signature: true,
                encryption: false,
                payload: vec![0x00, 0x13, 0x6D],
            }
        );
        let alt = parse(with(5, "TxMode=Alt").as_bytes()).unwrap();
        assert_eq!(alt.tx_mode, TxMode::Alternating);
        let t = parse(with(2, "Type=tmsg03").as_bytes()).unwrap();
        assert_eq!(t.msg_type, "TMSG03");
        let t = parse(with(2, "Type=My_Type_2").as_bytes()).unwrap();
        assert_eq!(t.msg_type, "MY_TYPE_2");
        // The largest PSID, written with upper-case digits, and emitted the same way.
        let p = parse(with(3, "PSID=0xEFFFFFFF").as_bytes()).unwrap();
        assert_eq!(p.psid.value(), Psid::MAX);
        assert!(p.emit().contains("\nPSID=0xEFFFFFFF\n"));
        let p = parse(with(3, "PSID=0x20").as_bytes()).unwrap();
        assert_eq!(p.psid, Psid::BSM);
        assert!(p.emit().contains("\nPSID=0x20\n"));
    }

    #[test]
    fn immediate_and_repeat_checks() {
        let immediate = example();
        assert_eq!(immediate.check_immediate(), Ok(()));
        let repeat = repeat_file();
        assert_eq!(repeat.check_repeat(), Ok(()));
        assert_eq!(
            parse(repeat.emit().as_bytes()).as_ref(),
            Ok(&repeat),
            "{}",
            repeat.emit()
        );
        assert!(
            repeat
                .emit()
                .contains("\nDeliveryStart=01/01/2025, 00:00\nDeliveryStop=01/02/2025, 00:00\n")
        );

        let kind = |r: Result<(), FileError>| r.unwrap_err().kind;
        assert_eq!(
            kind(
                MessageFile {
                    delivery_start: repeat.delivery_start,
                    ..example()
                }
                .check_immediate()
            ),
            FileErrorKind::DeliveryTimeSet {
                key: "DeliveryStart"
            }
        );
        assert_eq!(
            kind(
                MessageFile {
                    delivery_stop: repeat.delivery_stop,
                    ..example()
                }
                .check_immediate()
            ),
            FileErrorKind::DeliveryTimeSet {
                key: "DeliveryStop"
            }
        );
        assert_eq!(
            kind(
                MessageFile {
                    delivery_start: None,
                    ..repeat.clone()
                }
                .check_repeat()
            ),
            FileErrorKind::DeliveryTimeMissing {
                key: "DeliveryStart"
            }
        );
        assert_eq!(
            kind(
                MessageFile {
                    delivery_stop: None,
                    ..repeat.clone()
                }
                .check_repeat()
            ),
            FileErrorKind::DeliveryTimeMissing {
                key: "DeliveryStop"
            }
        );
        let same = MessageFile {
            delivery_stop: repeat.delivery_start,
            ..repeat.clone()
        };
        let e = same.check_repeat().unwrap_err();
        assert_eq!(e.code(), "bad_window");
        assert_eq!(
            e.to_string(),
            "DeliveryStop (01/01/2025, 00:00) is not after DeliveryStart (01/01/2025, 00:00)"
        );
        let reversed = MessageFile {
            delivery_start: repeat.delivery_stop,
            delivery_stop: repeat.delivery_start,
            ..repeat.clone()
        };
        assert_eq!(reversed.check_repeat().unwrap_err().code(), "bad_window");
        for e in [
            immediate.check_repeat().unwrap_err(),
            repeat.check_immediate().unwrap_err(),
        ] {
            assert_eq!(e.line, None);
        }
        assert_eq!(
            repeat.check_immediate().unwrap_err().code(),
            "not_immediate"
        );
        assert_eq!(
            MessageFile {
                tx_interval_s: 3600,
                ..repeat.clone()
            }
            .check_repeat(),
            Ok(())
        );
    }

    /// The last minute with a four-digit year, in minutes since 1970.
    const LAST_MINUTE: u64 = 253_402_300_740_000 / 60_000;

    fn message_file() -> impl Strategy<Value = MessageFile> {
        let channel = prop_oneof![
            Just(TxChannel::Cch),
            Just(TxChannel::Sch),
            (1..=6u8).prop_map(TxChannel::SchN),
            (1..=255u8).prop_map(TxChannel::Number),
        ];
        let time = proptest::option::of((0..=LAST_MINUTE).prop_map(|m| UnixMillis(m * 60_000)));
        (
            "[A-Z0-9_]{1,32}",
            (0..=Psid::MAX).prop_map(|p| Psid::new(p).unwrap()),
            0..=7u8,
            prop_oneof![Just(TxMode::Continuous), Just(TxMode::Alternating)],
            channel,
            0..=3600u32,
            (time.clone(), time),
            (any::<bool>(), any::<bool>()),
            proptest::collection::vec(any::<u8>(), 1..=MAX_PAYLOAD_LEN),
        )
            .prop_map(
                |(
                    msg_type,
                    psid,
                    priority,
                    tx_mode,
                    tx_channel,
                    tx_interval_s,
                    (delivery_start, delivery_stop),
                    (signature, encryption),
                    payload,
                )| MessageFile {
                    msg_type,
                    psid,
                    priority,
                    tx_mode,
                    tx_channel,
                    tx_interval_s,
                    delivery_start,
                    delivery_stop,
                    signature,
                    encryption,
                    payload,
                },
            )
    }

    /// One edit of a byte string: overwrite, insert or delete at a position (taken modulo the
    /// length, so every generated edit applies).
    #[derive(Debug, Clone)]
    enum Edit {
        Set(usize, u8),
        Insert(usize, u8),
        Delete(usize),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        // Bytes that matter to the syntax come up often; any other byte sometimes.
        let byte = prop_oneof![
            prop::sample::select(b"=#\r\n \t,/:0123456789abcdefxXGST".to_vec()),
            any::<u8>(),
        ];
        prop_oneof![
            (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
            (any::<usize>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
            any::<usize>().prop_map(Edit::Delete),
        ]
    }

    fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
        let len = bytes.len();
        match *edit {
            Edit::Set(i, b) if len > 0 => bytes[i % len] = b,
            Edit::Insert(i, b) => bytes.insert(i % (len + 1), b),
            Edit::Delete(i) if len > 0 => {
                bytes.remove(i % len);
            }
            _ => {}
        }
    }

    /// What every caller relies on: a parsed file passes its own round trip, and its checks
    /// and error codes never panic.
    fn check_total(bytes: &[u8]) -> Result<(), TestCaseError> {
        match parse(bytes) {
            Ok(f) => {
                let _ = (f.check_immediate(), f.check_repeat());
                prop_assert_eq!(parse(f.emit().as_bytes()), Ok(f));
            }
            Err(e) => {
                prop_assert!(ERROR_CODES.contains(&e.code()));
                prop_assert!(e.to_string().len() < 400, "{}", e);
            }
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn emit_then_parse_gives_the_file_back(f in message_file()) {
            let text = f.emit();
            prop_assert!(text.len() <= MAX_FILE_LEN);
            prop_assert_eq!(parse(text.as_bytes()), Ok(f));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..=MAX_FILE_LEN + 8)) {
            check_total(&bytes)?;
        }

        #[test]
        fn edited_valid_files_never_panic(
            f in message_file(),
            crlf in any::<bool>(),
            edits in proptest::collection::vec(edit(), 1..8),
        ) {
            let mut bytes = if crlf { f.emit().replace('\n', "\r\n") } else { f.emit() }.into_bytes();
            for e in &edits {
                apply(&mut bytes, e);
            }
            check_total(&bytes)?;
        }

        #[test]
        fn shuffled_and_dropped_lines(f in message_file(), order in Just((0..12usize).collect::<Vec<_>>()).prop_shuffle(), drop in 0..13usize) {
            // Any order of the 12 lines parses to the same file; dropping one is a missing key.
            let text = f.emit();
            let lines: Vec<&str> = text.lines().collect();
            let shuffled: Vec<&str> = order.iter().map(|&i| lines[i]).collect();
            prop_assert_eq!(parse(shuffled.join("\r\n").as_bytes()), Ok(f.clone()));
            if drop < 12 {
                let kept: Vec<&str> = shuffled.iter().enumerate().filter(|(i, _)| *i != drop).map(|(_, l)| *l).collect();
                let e = parse(kept.join("\n").as_bytes()).unwrap_err();
                prop_assert_eq!(e.code(), "missing_key");
                prop_assert_eq!(e.line, None);
            }
        }
    }
}
