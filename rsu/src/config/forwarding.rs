//! The configuration of what the RSU sends for the traffic management centre (Immediate
//! Forward, Store-and-Repeat, and the PSIDs registered for them) and of what it passes on
//! from vehicles (the `[[forward]]` rules).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use rsu_hw::Psid;
use serde::Deserialize;
use toml::Spanned;
use toml::value::{Datetime, Offset};

use super::{Checker, check_psid, listener};
use crate::clock::{Civil, UnixMillis};
use crate::forward::MessageKind;
use crate::forward::rules::{AppId, AuthInterval, Content, Format, Rule, Transport, Unverified};
use rsu_hw::channels::Region;

/// The Immediate Forward port of RSU 4.1 (Appendix C).
pub const IMMEDIATE_FORWARD_PORT: u16 = 1516;

/// `[immediate_forward]`: the UDP listener for message files from the TMC.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImmediateForwardSection {
    /// `address:port` (default 0.0.0.0:1516).
    pub listen: Option<Spanned<String>>,
    /// Accept datagrams only from these addresses (default: any, with a warning).
    #[serde(default)]
    pub allowed_sources: Vec<Spanned<String>>,
}

/// `[store_and_repeat]`: a directory of message files sent repeatedly.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreAndRepeatSection {
    /// The directory (relative to the configuration file).
    pub directory: Spanned<PathBuf>,
    /// How often the directory is looked at for changes, in ms (default 1000).
    pub scan_interval_ms: Option<Spanned<u64>>,
    /// At most this many active messages (default 100).
    pub max_messages: Option<Spanned<u32>>,
}

/// `[[tmc_message]]`: a PSID the TMC may have the RSU send (an `rsuIFMStatusTable` row).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TmcMessageSection {
    /// p-encoded hex (`0x8003`).
    pub psid: Spanned<String>,
    /// The message type the payload must be (`TIM`, `MAP`, ...); default: any typed one.
    #[serde(rename = "type")]
    pub msg_type: Option<Spanned<String>>,
    /// `request` (default: the file's `Signature=` line decides), `always` or `never`.
    pub sign: Option<Spanned<String>>,
    /// The payload is sent as given, without checking it is a MessageFrame (e.g. an SPDU the
    /// TMC signed itself).
    #[serde(default)]
    pub opaque: bool,
}

/// `[[forward]]`: a received-message forwarding rule (`rsuDsrcForwardTable` row).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardSection {
    /// WSMP messages of this PSID, p-encoded hex (`0x20` for BSM). Exactly one of `psid` and
    /// `its_aid`.
    pub psid: Option<Spanned<String>>,
    /// GeoNetworking/BTP messages of this ITS-AID, a decimal number as ETSI writes it (36 CAM,
    /// 37 DENM, 137 SPATEM, 138 MAPEM, 139 IVIM, 140 SREM, 637 SSEM, 639 CPM).
    pub its_aid: Option<Spanned<u32>>,
    /// `address:port` of the server.
    pub destination: Spanned<String>,
    /// `udp` or `tcp`.
    pub protocol: Spanned<String>,
    /// Forward only messages received at least this strong, in dBm.
    pub min_rssi_dbm: Option<Spanned<i64>>,
    /// Forward every n-th message (1..=10, default 1).
    pub every: Option<Spanned<u32>>,
    /// Forward from this UTC time (`2026-12-01T06:00:00Z`).
    pub start: Option<Spanned<Datetime>>,
    /// Forward until this UTC time.
    pub stop: Option<Spanned<Datetime>>,
    /// `payload` (default), `spdu` or `wsmp`.
    pub content: Option<Spanned<String>>,
    /// `raw` (default) or `json`.
    pub format: Option<Spanned<String>>,
    /// `drop` (default) or `forward` messages that did not verify.
    pub unverified: Option<Spanned<String>>,
    /// Verify the first message of each sender and then every n-th (0..=10; 0 = none,
    /// default 1 = all): NTCIP 1218 `rsuReceivedMsgAuthMsgInterval`.
    pub auth_interval: Option<Spanned<u8>>,
    /// TCP: messages held while the server is slow or away (default 1024).
    pub queue_len: Option<Spanned<u32>>,
}

/// `[receive]`: how received messages are verified before the forwarding rules see them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiveSection {
    /// Messages waiting for verification; more are dropped and counted (default 256).
    pub verify_queue_len: Option<Spanned<u32>>,
    /// Verification worker threads (default 1).
    pub verify_workers: Option<Spanned<u8>>,
    /// Senders whose policy state and verified chain are remembered (default 4096).
    pub max_senders: Option<Spanned<u32>>,
}

/// Received-message verification settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiveConfig {
    pub verify_queue_len: usize,
    pub verify_workers: usize,
    pub max_senders: usize,
}

impl Default for ReceiveConfig {
    fn default() -> Self {
        ReceiveConfig {
            verify_queue_len: 256,
            verify_workers: 1,
            max_senders: 4096,
        }
    }
}

pub(super) fn check_receive(c: &mut Checker<'_>, s: &ReceiveSection) -> Option<ReceiveConfig> {
    let d = ReceiveConfig::default();
    let verify_queue_len = match &s.verify_queue_len {
        None => Some(d.verify_queue_len),
        Some(v) => c
            .ranged("receive.verify_queue_len", v, 1..=65_536, "messages")
            .map(|n| n as usize),
    };
    let verify_workers = match &s.verify_workers {
        None => Some(d.verify_workers),
        Some(v) => c
            .ranged("receive.verify_workers", v, 1..=16, "threads")
            .map(usize::from),
    };
    let max_senders = match &s.max_senders {
        None => Some(d.max_senders),
        Some(v) => c
            .ranged("receive.max_senders", v, 16..=1_000_000, "senders")
            .map(|n| n as usize),
    };
    Some(ReceiveConfig {
        verify_queue_len: verify_queue_len?,
        verify_workers: verify_workers?,
        max_senders: max_senders?,
    })
}

/// How a registered PSID's messages are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignPolicy {
    /// As the message file's `Signature=` line asks.
    Request,
    Always,
    Never,
}

/// A registered PSID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmcMessage {
    pub psid: Psid,
    /// The type the payload must decode as, if restricted.
    pub kind: Option<MessageKind>,
    pub sign: SignPolicy,
    pub opaque: bool,
}

/// The Immediate Forward listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImmediateForwardConfig {
    pub listen: SocketAddr,
    /// Who may send; compared in canonical form (dual-stack listeners).
    pub allowed_sources: super::AllowedSources,
}

/// The Store-and-Repeat directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreAndRepeatConfig {
    pub directory: PathBuf,
    pub scan_interval: Duration,
    pub max_messages: usize,
}

/// Checks `[[tmc_message]]`; `regions` are the regions the RSU broadcasts (`None` when they
/// are themselves wrong, so nothing more is said about them here).
pub(super) fn check_tmc_messages(
    c: &mut Checker<'_>,
    sections: &[TmcMessageSection],
    signing: bool,
    regions: Option<&[Region]>,
) -> Vec<TmcMessage> {
    let mut out: Vec<TmcMessage> = Vec::new();
    for (i, s) in sections.iter().enumerate() {
        let field = |f: &str| format!("tmc_message[{i}].{f}");
        let Some(psid) = check_psid(c, &field("psid"), &s.psid) else {
            continue;
        };
        if out.iter().any(|m| m.psid == psid) {
            c.at(
                field("psid"),
                &s.psid,
                format!("PSID {} is registered twice", s.psid.get_ref()),
            );
        }
        let kind = match &s.msg_type {
            None => None,
            Some(t) => match MessageKind::from_name(t.get_ref()) {
                Some(k) => Some(k),
                None => {
                    let names: Vec<_> = MessageKind::ALL.iter().map(|(_, n, _)| *n).collect();
                    c.at(
                        field("type"),
                        t,
                        format!(
                            "`{}` is not a message type the RSU decodes ({}); register it with opaque = true to send it unchecked",
                            t.get_ref(),
                            names.join(", ")
                        ),
                    );
                    continue;
                }
            },
        };
        // Where it goes out: its type's region; an opaque payload without a type in WSMP
        // (US); without either, each file's `Type=` decides.
        let region = match (kind, s.opaque) {
            (Some(k), _) => Some(k.region()),
            (None, true) => Some(Region::Us),
            (None, false) => None,
        };
        if let Some(region) = region
            && regions.is_some_and(|r| !r.contains(&region))
        {
            let what = kind.map_or("an opaque payload (WSMP)", MessageKind::name);
            let message = format!(
                "{what} goes out in the {} region, which `rsu.region`/`rsu.regions` does not broadcast",
                super::region_name(region)
            );
            match &s.msg_type {
                Some(t) => c.at(field("type"), t, message),
                None => c.at(field("psid"), &s.psid, message),
            }
        }
        if let (Some(t), Some(k)) = (&s.msg_type, kind)
            && k.region() != Region::Us
        {
            if s.opaque {
                c.at(
                    field("opaque"),
                    t,
                    format!(
                        "a {} is framed from its content (where it goes, what it needs permission for): it cannot be opaque",
                        k.name()
                    ),
                );
            }
        } else if let (Some(t), true) = (&s.msg_type, s.opaque) {
            c.warn(
                field("type"),
                t,
                "an opaque payload is not decoded, so its type is not checked",
            );
        }
        let sign = match &s.sign {
            None => SignPolicy::Request,
            Some(v) => {
                let Some(p) = c.choice(
                    &field("sign"),
                    v,
                    &[
                        ("request", SignPolicy::Request),
                        ("always", SignPolicy::Always),
                        ("never", SignPolicy::Never),
                    ],
                ) else {
                    continue;
                };
                if p == SignPolicy::Always && !signing {
                    c.at(
                        field("sign"),
                        v,
                        "`always` needs signing on in [security] (certificate and key)",
                    );
                }
                p
            }
        };
        out.push(TmcMessage {
            psid,
            kind,
            sign,
            opaque: s.opaque,
        });
    }
    out
}

pub(super) fn check_immediate_forward(
    c: &mut Checker<'_>,
    s: &ImmediateForwardSection,
) -> Option<ImmediateForwardConfig> {
    let (listen, allowed) = listener(
        c,
        "immediate_forward",
        s.listen.as_ref(),
        IMMEDIATE_FORWARD_PORT,
        &s.allowed_sources,
    )?;
    if allowed.is_any()
        && !listen.ip().is_loopback()
        && let Some(l) = &s.listen
    {
        c.warn(
            "immediate_forward.allowed_sources",
            l,
            "no allowed sources: any host that reaches this port can have the RSU broadcast",
        );
    }
    Some(ImmediateForwardConfig {
        listen,
        allowed_sources: allowed,
    })
}

pub(super) fn check_store_and_repeat(
    c: &mut Checker<'_>,
    s: &StoreAndRepeatSection,
) -> Option<StoreAndRepeatConfig> {
    let directory = c.path(s.directory.get_ref());
    if !directory.is_dir() {
        c.at(
            "store_and_repeat.directory",
            &s.directory,
            format!("{} is not a directory", directory.display()),
        );
    }
    let scan_interval = match &s.scan_interval_ms {
        None => Duration::from_secs(1),
        Some(v) => Duration::from_millis(c.ranged(
            "store_and_repeat.scan_interval_ms",
            v,
            100..=60_000,
            "ms",
        )?),
    };
    let max_messages = match &s.max_messages {
        None => 100,
        Some(v) => c.ranged(
            "store_and_repeat.max_messages",
            v,
            1..=1000,
            "active messages",
        )? as usize,
    };
    Some(StoreAndRepeatConfig {
        directory,
        scan_interval,
        max_messages,
    })
}

pub(super) fn check_forward(
    c: &mut Checker<'_>,
    i: usize,
    s: &ForwardSection,
    can_verify: bool,
) -> Option<Rule> {
    let field = |f: &str| format!("forward[{i}].{f}");
    let app = match (&s.psid, &s.its_aid) {
        (Some(p), None) => check_psid(c, &field("psid"), p).map(AppId::Psid),
        (None, Some(a)) => check_its_aid(c, &field("its_aid"), a),
        (Some(_), Some(a)) => {
            c.at(
                field("its_aid"),
                a,
                "a rule selects WSMP messages by psid or GeoNetworking messages by its_aid, not both; write two rules",
            );
            None
        }
        (None, None) => {
            c.at(
                field("psid"),
                &s.destination,
                "say what the rule forwards: psid = \"0x20\" (WSMP) or its_aid = 36 (GeoNetworking)",
            );
            None
        }
    };
    let destination = match s.destination.get_ref().parse::<SocketAddr>() {
        Ok(a) if a.port() != 0 && !a.ip().is_unspecified() => Some(a),
        _ => {
            c.at(
                field("destination"),
                &s.destination,
                format!("`{}` is not a server address:port", s.destination.get_ref()),
            );
            None
        }
    };
    let transport = c.choice(
        &field("protocol"),
        &s.protocol,
        &[("udp", Transport::Udp), ("tcp", Transport::Tcp)],
    );
    let min_rssi_dbm = match &s.min_rssi_dbm {
        None => Some(None),
        Some(v) => c
            .ranged(&field("min_rssi_dbm"), v, -128..=0, "dBm")
            .map(|x| i8::try_from(x).ok()),
    };
    let every = match &s.every {
        None => Some(1),
        Some(v) => c.ranged(
            &field("every"),
            v,
            1..=10,
            "forward every n-th message (NTCIP 1218 rsuReceivedMsgInterval)",
        ),
    };
    let start = s.start.as_ref().map(|t| utc_instant(c, &field("start"), t));
    let stop = s.stop.as_ref().map(|t| utc_instant(c, &field("stop"), t));
    if let (Some(Some(a)), Some(Some(b)), Some(t)) = (start, stop, &s.stop)
        && b <= a
    {
        c.at(field("stop"), t, "the window ends before it starts");
    }
    let content = match &s.content {
        None => Some(Content::Payload),
        Some(v) => c.choice(
            &field("content"),
            v,
            &[
                ("payload", Content::Payload),
                ("spdu", Content::Spdu),
                ("wsmp", Content::Wsmp),
            ],
        ),
    };
    let format = match &s.format {
        None => Some(Format::Raw),
        Some(v) => c.choice(
            &field("format"),
            v,
            &[("raw", Format::Raw), ("json", Format::Json)],
        ),
    };
    let unverified = match &s.unverified {
        None => Some(Unverified::Drop),
        Some(v) => c.choice(
            &field("unverified"),
            v,
            &[("drop", Unverified::Drop), ("forward", Unverified::Forward)],
        ),
    };
    if unverified == Some(Unverified::Drop) && !can_verify {
        let why = "forwards only verified messages, but [security] has no trust_store to verify them against (set one, or unverified = \"forward\")";
        match (&s.psid, &s.its_aid) {
            (Some(p), _) => c.at(field("psid"), p, why),
            (None, Some(a)) => c.at(field("its_aid"), a, why),
            (None, None) => {}
        }
    }
    if let (Some(Unverified::Forward), Some(Format::Raw), Some(v)) =
        (unverified, format, &s.unverified)
    {
        c.warn(
            field("unverified"),
            v,
            "raw format cannot carry the verification outcome; use format = \"json\" to tell verified from unverified messages",
        );
    }
    let auth = match &s.auth_interval {
        None => Some(AuthInterval::ALL),
        Some(v) => c
            .ranged(
                &field("auth_interval"),
                v,
                0..=AuthInterval::MAX,
                "verify the first message of a sender and every n-th; 0 = none (NTCIP 1218 rsuReceivedMsgAuthMsgInterval)",
            )
            .and_then(AuthInterval::new),
    };
    if let (Some(AuthInterval::NONE), Some(Unverified::Drop), Some(v)) =
        (auth, unverified, &s.auth_interval)
    {
        c.at(
            field("auth_interval"),
            v,
            "0 verifies nothing, and this rule forwards only verified messages (unverified = \"drop\"): it would forward no signed message; set unverified = \"forward\" or an interval of 1 or more",
        );
    }
    let queue_len = match &s.queue_len {
        None => 1024,
        Some(v) => c.ranged(&field("queue_len"), v, 1..=100_000, "messages")? as usize,
    };
    Some(Rule {
        app: app?,
        destination: destination?,
        transport: transport?,
        min_rssi_dbm: min_rssi_dbm?,
        every: every?,
        start: start.flatten(),
        stop: stop.flatten(),
        content: content?,
        format: format?,
        unverified: unverified?,
        auth: auth?,
        queue_len,
    })
}

/// An ITS-AID (ISO TS 17419), a number in the range the p-encoding can carry.
fn check_its_aid(c: &mut Checker<'_>, field: &str, v: &Spanned<u32>) -> Option<AppId> {
    match Psid::new(*v.get_ref()) {
        Some(a) => Some(AppId::ItsAid(a)),
        None => {
            c.at(
                field,
                v,
                format!("{} is not an ITS-AID (0..={})", v.get_ref(), Psid::MAX),
            );
            None
        }
    }
}

/// A TOML offset date-time as a UTC instant.
fn utc_instant(c: &mut Checker<'_>, field: &str, t: &Spanned<Datetime>) -> Option<UnixMillis> {
    let dt = t.get_ref();
    let (Some(date), Some(time), Some(offset)) = (dt.date, dt.time, dt.offset) else {
        c.at(
            field,
            t,
            "give a full date and time with its offset, e.g. 2026-12-01T06:00:00Z",
        );
        return None;
    };
    let Some(day) = rsu_hw::gnss::Date::new(date.year, date.month, date.day) else {
        c.at(field, t, "not a calendar date");
        return None;
    };
    let offset_ms = match offset {
        Offset::Z => 0,
        Offset::Custom { minutes } => i64::from(minutes) * 60_000,
    };
    let local = Civil {
        date: day,
        hour: time.hour,
        minute: time.minute,
        second: time.second.unwrap_or(0),
        millisecond: (time.nanosecond.unwrap_or(0) / 1_000_000) as u16,
    }
    .to_unix()
    .and_then(|t| i64::try_from(t.0).ok());
    let ms = local.map_or(-1, |t| t - offset_ms);
    match u64::try_from(ms) {
        Ok(ms) => Some(UnixMillis(ms)),
        Err(_) => {
            c.at(
                field,
                t,
                "not a time of day after 1970 (leap second 60 is not accepted)",
            );
            None
        }
    }
}
