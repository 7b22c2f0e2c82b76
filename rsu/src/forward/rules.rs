//! Received-message forwarding rules (RSU 4.1 `rsuDsrcForwardTable`, NTCIP 1218
//! `rsuReceivedMsgTable`), sans-IO: a received message's application identifier, signal
//! strength, time and verification outcome in, the rules that forward it out, and the bytes
//! each one sends.
//!
//! A rule selects either WSMP messages by PSID (the US stack) or GeoNetworking/BTP messages by
//! ITS-AID (the EU stack, [`AppId`]); a PSID rule never sees a GeoNetworking message and an
//! ITS-AID rule never sees a WSMP one, even where the numbers coincide, because what each
//! forwards (payload, SPDU, packet) is laid out differently.
//!
//! A rule's filters apply in this order: identifier, delivery window, minimum RSSI,
//! verification policy, then "every n-th", which counts only the messages that passed the
//! others, so `every = 2` halves what the rule would otherwise send.

use std::fmt::Write as _;
use std::net::SocketAddr;

use bytes::{BufMut, Bytes, BytesMut};
use rsu_hw::Psid;

use crate::clock::UnixMillis;
pub use crate::forward::auth::AuthInterval;

/// How a rule's messages travel to the backhaul.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// One datagram per message.
    Udp,
    /// A stream; each message is framed (length prefix or line).
    Tcp,
}

/// What a rule selects on: the application identifier, and with it the stack the message
/// came over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppId {
    /// An IEEE 1609.3 PSID: WSMP messages.
    Psid(Psid),
    /// An ETSI ITS-AID: GeoNetworking/BTP messages. ITS-AIDs are numbered in the same
    /// ISO TS 17419 registry as PSIDs, so the same type holds the number.
    ItsAid(Psid),
}

impl AppId {
    /// The number, whichever stack it names.
    pub const fn number(self) -> Psid {
        match self {
            AppId::Psid(p) | AppId::ItsAid(p) => p,
        }
    }

    /// How configurations and metric labels write it: a PSID p-encoded in hex (`0x20`), an
    /// ITS-AID in decimal as ETSI writes it (`its_aid:36`).
    pub fn text(self) -> String {
        match self {
            AppId::Psid(p) => psid_text(p),
            AppId::ItsAid(a) => format!("its_aid:{}", a.value()),
        }
    }
}

/// What of a received message is forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// The application payload: the MessageFrame inside the SPDU's unsecuredData (NTCIP 1218
    /// `rsuReceivedMsgSecure` = 0), or the WSMP data itself when it is not an SPDU. For
    /// GeoNetworking: the facilities PDU after the BTP header (the CAM, DENM, ... in UPER,
    /// ItsPduHeader first), whether the packet was secured or not.
    Payload,
    /// The whole IEEE 1609.2 `Ieee1609Dot2Data` as received, in COER (`Secure` = 1). For
    /// GeoNetworking: the TS 103 097 secured packet (`EtsiTs103097Data`, the octets after the
    /// basic header), or the facilities PDU when the packet was not secured.
    Spdu,
    /// The network packet as received, header included (the RSU 4.1 FAQ's recommendation):
    /// the WSMP packet, or the GeoNetworking packet from its basic header on.
    Wsmp,
}

/// How forwarded messages are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The bytes themselves: one UDP datagram each, or over TCP each preceded by its length
    /// as two big-endian octets.
    Raw,
    /// One JSON object per datagram or per line (TCP), with the reception metadata and
    /// verification outcome; the bytes as upper-case hex.
    Json,
}

/// What to do with a message that could not be verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unverified {
    /// Forward only verified messages.
    Drop,
    /// Forward them too, with their verification outcome (only JSON can carry it).
    Forward,
}

/// One forwarding rule, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The PSID (WSMP) or ITS-AID (GeoNetworking) the rule forwards.
    pub app: AppId,
    pub destination: SocketAddr,
    pub transport: Transport,
    /// Messages received weaker than this are not forwarded. A radio that reports no RSSI
    /// cannot be filtered on it; its messages pass.
    pub min_rssi_dbm: Option<i8>,
    /// Forward every n-th message (1 = all).
    pub every: u32,
    /// Forward from this UTC instant (inclusive).
    pub start: Option<UnixMillis>,
    /// Forward until this UTC instant (exclusive).
    pub stop: Option<UnixMillis>,
    pub content: Content,
    pub format: Format,
    pub unverified: Unverified,
    /// Which messages of one sender are verified (NTCIP 1218 `rsuReceivedMsgAuthMsgInterval`).
    pub auth: AuthInterval,
    /// TCP: messages held while the server is slow or away.
    pub queue_len: usize,
}

/// The verification outcome of a received message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A signed SPDU that verified against the trust store.
    Verified,
    /// Unsecured: `unsecuredData`, or not a 1609.2 SPDU at all (a bare MessageFrame).
    Unsigned,
    /// A signed SPDU that the per-sender policy let through without checking it (see
    /// [`AuthInterval`]): neither verified nor known to be bad.
    NotChecked,
    /// A signed SPDU that did not verify; the verifier's reason code.
    Failed(&'static str),
}

impl Outcome {
    /// The label for logs, metrics and the JSON `verification` field.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Verified => "verified",
            Outcome::Unsigned => "unsigned",
            Outcome::NotChecked => "not_checked",
            Outcome::Failed(code) => code,
        }
    }
}

/// Why a rule with the message's identifier did not forward it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Skip {
    OutsideWindow,
    WeakSignal,
    /// Checked, and not verified (or unsigned).
    Unverified,
    /// Signed but not checked (the sender policy skipped it), and the rule wants verified ones.
    NotChecked,
    /// Not this rule's n-th message.
    Interval,
}

impl Skip {
    /// A stable label for counters.
    pub const fn code(self) -> &'static str {
        match self {
            Skip::OutsideWindow => "outside_window",
            Skip::WeakSignal => "rssi",
            Skip::Unverified => "unverified",
            Skip::NotChecked => "not_checked",
            Skip::Interval => "interval",
        }
    }
}

/// A received message as the rules see it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its PSID (WSMP) or ITS-AID (GeoNetworking).
    pub app: AppId,
    pub rssi_dbm: Option<i8>,
    pub channel: Option<u8>,
    /// When it was received, UTC.
    pub at: UnixMillis,
    pub outcome: Outcome,
    /// The network packet as received: WSMP, or GeoNetworking from the basic header on.
    pub packet: Bytes,
    /// The WSMP data: the SPDU (or bare MessageFrame); for GeoNetworking the secured packet
    /// after the basic header, or the facilities PDU when it was not secured.
    pub spdu: Bytes,
    /// The application payload (for GeoNetworking the facilities PDU); equal to `spdu` when
    /// that is not an SPDU.
    pub payload: Bytes,
}

/// The rules with their counters.
#[derive(Debug, Clone)]
pub struct Rules {
    rules: Vec<Rule>,
    /// Per rule: messages that passed every filter but "every n-th".
    eligible: Vec<u64>,
}

impl Rules {
    pub fn new(rules: Vec<Rule>) -> Rules {
        let eligible = vec![0; rules.len()];
        Rules { rules, eligible }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether any rule forwards this identifier (otherwise the message need not be verified).
    pub fn wants(&self, app: AppId) -> bool {
        self.rules.iter().any(|r| r.app == app)
    }

    /// Applies every rule with the message's identifier: `Ok(i)` for each rule `i` that
    /// forwards it, `Err((i, why))` for each that does not.
    pub fn decide(&mut self, msg: &Received) -> Vec<Result<usize, (usize, Skip)>> {
        let mut out = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.app != msg.app {
                continue;
            }
            let verdict = if rule.start.is_some_and(|s| msg.at < s)
                || rule.stop.is_some_and(|s| msg.at >= s)
            {
                Err(Skip::OutsideWindow)
            } else if let (Some(min), Some(rssi)) = (rule.min_rssi_dbm, msg.rssi_dbm)
                && rssi < min
            {
                Err(Skip::WeakSignal)
            } else if msg.outcome != Outcome::Verified && rule.unverified == Unverified::Drop {
                // A message the policy did not check is not a verified one.
                Err(if msg.outcome == Outcome::NotChecked {
                    Skip::NotChecked
                } else {
                    Skip::Unverified
                })
            } else {
                let seen = self.eligible.get_mut(i).map_or(0, |n| {
                    *n += 1;
                    *n
                });
                if seen % u64::from(rule.every.max(1)) == 0 {
                    Ok(())
                } else {
                    Err(Skip::Interval)
                }
            };
            out.push(verdict.map(|()| i).map_err(|why| (i, why)));
        }
        out
    }
}

/// The bytes a rule sends for a message, framed for its transport.
pub fn render(rule: &Rule, msg: &Received) -> Bytes {
    let data = match rule.content {
        Content::Payload => &msg.payload,
        Content::Spdu => &msg.spdu,
        Content::Wsmp => &msg.packet,
    };
    match (rule.format, rule.transport) {
        (Format::Raw, Transport::Udp) => data.clone(),
        (Format::Raw, Transport::Tcp) => {
            // A WSMP packet is far below 64 KiB; anything longer is cut off by the radio first.
            let len = u16::try_from(data.len()).unwrap_or(u16::MAX);
            let mut out = BytesMut::with_capacity(2 + usize::from(len));
            out.put_u16(len);
            out.put_slice(data.get(..usize::from(len)).unwrap_or(data));
            out.freeze()
        }
        (Format::Json, transport) => {
            let mut line = json(rule, msg, data);
            if transport == Transport::Tcp {
                line.push('\n');
            }
            Bytes::from(line)
        }
    }
}

fn json(rule: &Rule, msg: &Received, data: &[u8]) -> String {
    let mut s = String::with_capacity(200 + 2 * data.len());
    // The identifier's key says the stack: "psid" (p-encoded hex, as RSU 4.1 writes it) for
    // WSMP, "its_aid" (a number, as ETSI writes it) for GeoNetworking.
    let _ = match msg.app {
        AppId::Psid(p) => write!(s, "{{\"psid\":\"{}\",", psid_text(p)),
        AppId::ItsAid(a) => write!(s, "{{\"its_aid\":{},", a.value()),
    };
    let _ = write!(s, "\"received\":\"{}\",", msg.at.iso8601());
    match msg.rssi_dbm {
        Some(r) => {
            let _ = write!(s, "\"rssi_dbm\":{r},");
        }
        None => s.push_str("\"rssi_dbm\":null,"),
    }
    match msg.channel {
        Some(c) => {
            let _ = write!(s, "\"channel\":{c},");
        }
        None => s.push_str("\"channel\":null,"),
    }
    let content = match (rule.content, msg.app) {
        (Content::Payload, _) => "payload",
        (Content::Spdu, _) => "spdu",
        (Content::Wsmp, AppId::Psid(_)) => "wsmp",
        (Content::Wsmp, AppId::ItsAid(_)) => "geonetworking",
    };
    let _ = write!(
        s,
        "\"verification\":\"{}\",\"content\":\"{content}\",\"data\":\"",
        msg.outcome.code()
    );
    for b in data {
        let _ = write!(s, "{b:02X}");
    }
    s.push_str("\"}");
    s
}

/// A PSID the way RSU configurations write it: p-encoded hex (`0x20`, `0x8002`).
pub fn psid_text(psid: Psid) -> String {
    format!("0x{:X}", psid.p_encoded())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn rule(psid: u32) -> Rule {
        Rule {
            app: AppId::Psid(Psid::new(psid).unwrap()),
            destination: "127.0.0.1:46800".parse().unwrap(),
            transport: Transport::Udp,
            min_rssi_dbm: None,
            every: 1,
            start: None,
            stop: None,
            content: Content::Payload,
            format: Format::Raw,
            unverified: Unverified::Drop,
            auth: AuthInterval::ALL,
            queue_len: 16,
        }
    }

    fn bsm(rssi: i8, outcome: Outcome) -> Received {
        Received {
            app: AppId::Psid(Psid::BSM),
            rssi_dbm: Some(rssi),
            channel: Some(172),
            // 2025-11-23T10:15:30.123Z: 55 years of 365 days plus 14 leap days (1972..=2024) is
            // 20089 days to 2025-01-01, plus 326 days to 23 November; then 10:15:30.123.
            at: UnixMillis(20_415 * 86_400_000 + 36_930_123),
            outcome,
            packet: Bytes::from_static(&[0x03, 0x00, 0x20, 0x05, 0x03, 0x81, 0x00, 0x00, 0x14]),
            spdu: Bytes::from_static(&[0x03, 0x81, 0x00, 0x00, 0x14]),
            payload: Bytes::from_static(&[0x00, 0x14]),
        }
    }

    #[test]
    fn each_filter_in_order() {
        let mut weak = rule(0x20);
        weak.min_rssi_dbm = Some(-80);
        let mut windowed = rule(0x20);
        windowed.start = Some(UnixMillis(0));
        windowed.stop = Some(bsm(-50, Outcome::Verified).at);
        let other = rule(0x27);
        let mut rules = Rules::new(vec![weak, windowed, other]);
        assert!(rules.wants(AppId::Psid(Psid::BSM)));
        assert!(!rules.wants(AppId::Psid(Psid::INTERSECTION)));
        assert!(!rules.wants(AppId::ItsAid(Psid::BSM)));
        // The stop instant itself is outside the window; the PSID 0x27 rule is not consulted.
        assert_eq!(
            rules.decide(&bsm(-81, Outcome::Verified)),
            vec![Err((0, Skip::WeakSignal)), Err((1, Skip::OutsideWindow))]
        );
        assert_eq!(
            rules.decide(&bsm(-80, Outcome::Unsigned)),
            vec![Err((0, Skip::Unverified)), Err((1, Skip::OutsideWindow))]
        );
        assert_eq!(rules.decide(&bsm(-80, Outcome::Verified))[0], Ok(0));
        let mut unknown_rssi = bsm(-120, Outcome::Verified);
        unknown_rssi.rssi_dbm = None;
        assert_eq!(rules.decide(&unknown_rssi)[0], Ok(0));
    }

    #[test]
    fn every_nth_counts_only_messages_that_passed_the_other_filters() {
        let mut r = rule(0x20);
        r.every = 3;
        r.min_rssi_dbm = Some(-80);
        let mut rules = Rules::new(vec![r]);
        let mut sent = Vec::new();
        for k in 0..12 {
            // Every other message is too weak; of the six strong ones, the 3rd and 6th go.
            let rssi = if k % 2 == 0 { -70 } else { -90 };
            if rules.decide(&bsm(rssi, Outcome::Verified)) == vec![Ok(0)] {
                sent.push(k);
            }
        }
        assert_eq!(sent, [4, 10]);
    }

    #[test]
    fn a_rule_for_verified_messages_does_not_forward_unchecked_ones() {
        let strict = rule(0x20);
        let mut lax = rule(0x20);
        lax.unverified = Unverified::Forward;
        let mut rules = Rules::new(vec![strict, lax]);
        assert_eq!(
            rules.decide(&bsm(-60, Outcome::NotChecked)),
            vec![Err((0, Skip::NotChecked)), Ok(1)]
        );
        assert_eq!(Outcome::NotChecked.code(), "not_checked");
    }

    #[test]
    fn forwarding_unverified_messages_is_a_choice() {
        let mut r = rule(0x20);
        r.unverified = Unverified::Forward;
        let mut rules = Rules::new(vec![r]);
        assert_eq!(
            rules.decide(&bsm(-60, Outcome::Failed("bad_signature"))),
            vec![Ok(0)]
        );
    }

    #[test]
    fn rendering() {
        let msg = bsm(-71, Outcome::Failed("unknown_signer"));
        let mut r = rule(0x20);
        assert_eq!(&render(&r, &msg)[..], [0x00, 0x14]);
        r.content = Content::Spdu;
        r.transport = Transport::Tcp;
        assert_eq!(&render(&r, &msg)[..], [0, 5, 0x03, 0x81, 0x00, 0x00, 0x14]);
        r.content = Content::Wsmp;
        r.format = Format::Json;
        let line = render(&r, &msg);
        assert_eq!(
            std::str::from_utf8(&line).unwrap(),
            "{\"psid\":\"0x20\",\"received\":\"2025-11-23T10:15:30.123Z\",\"rssi_dbm\":-71,\
             \"channel\":172,\"verification\":\"unknown_signer\",\"content\":\"wsmp\",\
             \"data\":\"030020050381000014\"}\n"
        );
        let parsed: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(parsed["rssi_dbm"], -71);
    }

    #[test]
    fn its_aid_rules_see_only_geonetworking_messages_and_say_so_in_json() {
        let cam = Psid::new(36).unwrap();
        let mut r = rule(0x24);
        r.app = AppId::ItsAid(cam);
        r.format = Format::Json;
        r.content = Content::Wsmp;
        let mut rules = Rules::new(vec![rule(0x24), r.clone()]);
        let mut msg = bsm(-60, Outcome::Verified);
        msg.app = AppId::ItsAid(cam);
        // PSID 0x24 is the same number, but a WSMP rule: only rule 1 applies.
        assert_eq!(rules.decide(&msg), vec![Ok(1)]);
        let line = render(&r, &msg);
        let parsed: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(parsed["its_aid"], 36);
        assert!(parsed.get("psid").is_none());
        assert_eq!(parsed["content"], "geonetworking");
        assert_eq!(AppId::ItsAid(cam).text(), "its_aid:36");
    }

    #[test]
    fn psids_are_written_p_encoded() {
        assert_eq!(psid_text(Psid::BSM), "0x20");
        assert_eq!(psid_text(Psid::INTERSECTION), "0x8002");
    }
}
