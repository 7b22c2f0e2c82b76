//! What the RSU accepts to send for the traffic management centre: a message file whose PSID
//! is registered (`rsuIFMStatusTable`), whose payload is what the registration says, and
//! whose channel the radio is on. Shared by Immediate Forward and Store-and-Repeat.

use rsu_codecs::etsi::EtsiMessage;
use rsu_codecs::j2735::MessageFrame;
use rsu_hw::channels::Region;
use rsu_hw::{Psid, TxMeta};
use rsu_security::HashAlg;
use rsu_security::hash::Digest;

use crate::config::{RadioConfig, SignPolicy, TmcMessage};
use crate::forward::MessageKind;
use crate::forward::message_file::{FileError, MessageFile, TxChannel};

/// Why a message from the TMC is not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The text is not a valid message file.
    #[error(transparent)]
    File(#[from] FileError),
    /// The PSID is not registered in `[[tmc_message]]`.
    #[error("PSID {0} is not registered for Immediate Forward or Store-and-Repeat")]
    Unregistered(String),
    #[error("Encryption=True is not supported: the RSU does not encrypt broadcasts")]
    Encryption,
    /// Signing was asked for (or the registration says always) but the RSU has no certificate.
    #[error("the message is to be signed, but signing is off in [security]")]
    SigningUnavailable,
    /// The payload is not one decodable message (a J2735 MessageFrame, or an ETSI message
    /// for an ETSI type).
    #[error("payload: {0}")]
    Payload(String),
    /// The payload is another message type than `Type=` or the registration names.
    #[error("payload is a {found} message, but {expected} was expected")]
    TypeMismatch {
        expected: &'static str,
        found: String,
    },
    /// The file's `Type=` is not the type its PSID is registered for. (Only known type names
    /// are shown: nothing of a refused file's text is echoed.)
    #[error("Type= names {found}, but the PSID is registered for {registered}")]
    TypeConflict {
        registered: &'static str,
        found: &'static str,
    },
    /// The channel is not one the radio transmits on.
    #[error("TxChannel: {0}")]
    Channel(String),
    /// The message's standard is not one the RSU broadcasts (`rsu.regions`).
    #[error("a {kind} goes out in the {region} region, which rsu.regions does not list")]
    Region {
        kind: &'static str,
        region: &'static str,
    },
}

impl Refusal {
    /// A stable label for the rejection counters.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::File(e) => e.code(),
            Refusal::Unregistered(_) => "unregistered_psid",
            Refusal::Encryption => "encryption_unsupported",
            Refusal::SigningUnavailable => "signing_unavailable",
            Refusal::Payload(_) => "bad_payload",
            Refusal::TypeMismatch { .. } => "type_mismatch",
            Refusal::TypeConflict { .. } => "type_conflict",
            Refusal::Channel(_) => "channel",
            Refusal::Region { .. } => "region_not_served",
        }
    }
}

/// A message ready to be signed (or not) and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub psid: Psid,
    /// The payload's type; `None` for an opaque registration.
    pub kind: Option<MessageKind>,
    /// The region whose framing it goes out in: its type's, or the US for an opaque one.
    pub region: Region,
    pub sign: bool,
    /// Channel, rate, power and user priority for the radio.
    pub meta: TxMeta,
    pub payload: Vec<u8>,
    /// SHA-256 of the payload when accepted, checked again before each signing.
    pub digest: Digest,
}

impl Accepted {
    /// Whether the payload is still the one that was checked (RSU 4.1 Req_607/609: the
    /// integrity of a stored message is checked before it is signed).
    pub fn intact(&self) -> bool {
        HashAlg::Sha256.digest(&self.payload) == self.digest
    }
}

/// Checks a parsed message file against the registrations, the radio and the regions the
/// RSU broadcasts.
pub fn accept(
    file: MessageFile,
    registry: &[TmcMessage],
    radio: &RadioConfig,
    regions: &[Region],
    can_sign: bool,
) -> Result<Accepted, Refusal> {
    let Some(reg) = registry.iter().find(|r| r.psid == file.psid) else {
        return Err(Refusal::Unregistered(crate::forward::rules::psid_text(
            file.psid,
        )));
    };
    if file.encryption {
        return Err(Refusal::Encryption);
    }
    // A registration that names a type makes `Type=` a claim to check, not a line to
    // ignore: a TMC that means one message and sends another is refused.
    if let Some(registered) = reg.kind
        && !file.msg_type.eq_ignore_ascii_case(registered.name())
    {
        return Err(Refusal::TypeConflict {
            registered: registered.name(),
            found: MessageKind::from_name(&file.msg_type)
                .map_or("a type the RSU does not know", MessageKind::name),
        });
    }
    let sign = match reg.sign {
        SignPolicy::Request => file.signature,
        SignPolicy::Always => true,
        SignPolicy::Never => false,
    };
    if sign && !can_sign {
        return Err(Refusal::SigningUnavailable);
    }
    let kind = if reg.opaque {
        None
    } else {
        Some(check_payload(&file, reg)?)
    };
    // An opaque payload goes out as the US standard frames it (WSMP), as it always has.
    let region = kind.map_or(Region::Us, MessageKind::region);
    if !regions.contains(&region) {
        return Err(Refusal::Region {
            kind: kind.map_or("opaque payload", MessageKind::name),
            region: crate::config::region_name(region),
        });
    }
    let channel = channel(file.tx_channel, radio)?;
    let meta = TxMeta {
        channel: Some(channel),
        rate: Some(radio.rate),
        power_dbm: Some(radio.power_dbm),
        user_priority: file.priority.min(7),
        ..TxMeta::default()
    };
    let digest = HashAlg::Sha256.digest(&file.payload);
    Ok(Accepted {
        psid: file.psid,
        kind,
        region,
        sign,
        meta,
        payload: file.payload,
        digest,
    })
}

/// The payload must be exactly one message of a type the codecs know, matching the
/// registration's type (which `Type=` agrees with, see [`accept`]), or the file's `Type=`
/// line when the registration names none and that names a known type. An ETSI type's payload
/// is an ETSI message (ItsPduHeader and body), any other a J2735 MessageFrame.
fn check_payload(file: &MessageFile, reg: &TmcMessage) -> Result<MessageKind, Refusal> {
    let expected = reg.kind.or_else(|| MessageKind::from_name(&file.msg_type));
    let found = match expected.map(MessageKind::region) {
        Some(Region::Eu) => etsi_kind(&file.payload)?,
        _ => j2735_kind(&file.payload)?,
    };
    match expected {
        Some(e) if e != found => Err(Refusal::TypeMismatch {
            expected: e.name(),
            found: found.name().to_owned(),
        }),
        _ => Ok(found),
    }
}

/// The kind of a payload that must be exactly one J2735 MessageFrame.
fn j2735_kind(payload: &[u8]) -> Result<MessageKind, Refusal> {
    let (frame, used) =
        MessageFrame::decode(payload).map_err(|e| Refusal::Payload(e.to_string()))?;
    if used != payload.len() {
        return Err(Refusal::Payload(format!(
            "{} bytes follow the {}-byte MessageFrame",
            payload.len() - used,
            used
        )));
    }
    MessageKind::of(&frame).ok_or_else(|| {
        Refusal::Payload(format!(
            "message id {} is not a type the RSU decodes; register the PSID with opaque = true to send it unchecked",
            frame.id().0
        ))
    })
}

/// The kind of a payload that must be exactly one ETSI message the TMC may hand over.
fn etsi_kind(payload: &[u8]) -> Result<MessageKind, Refusal> {
    let message = EtsiMessage::decode_uper(payload).map_err(|e| Refusal::Payload(e.to_string()))?;
    MessageKind::of_etsi(&message).ok_or_else(|| {
        Refusal::Payload(format!(
            "ETSI messageID {} is not a message the TMC may hand over (DENM 1, IVIM 6)",
            message.header().message_id
        ))
    })
}

/// The channel number a `TxChannel=` names, if the radio transmits on it.
pub fn channel(requested: TxChannel, radio: &RadioConfig) -> Result<u8, Refusal> {
    let plan = radio.channels.plan();
    let number = match requested {
        TxChannel::Number(n) => n,
        TxChannel::Sch => radio.channel,
        TxChannel::Cch => plan.control_channel().ok_or_else(|| {
            Refusal::Channel(format!("CCH: the {plan} plan has no control channel"))
        })?,
        TxChannel::SchN(n) => usize::from(n)
            .checked_sub(1)
            .and_then(|i| radio.service_channels.get(i))
            .copied()
            .ok_or_else(|| {
                Refusal::Channel(format!(
                    "SCH{n}: only {} service channels are configured (radio.service_channels)",
                    radio.service_channels.len()
                ))
            })?,
    };
    radio
        .channels
        .check_tx(Some(number))
        .map_err(|e| Refusal::Channel(e.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::forward::message_file;
    use rsu_codecs::j2735::TravelerInformation;
    use rsu_codecs::random::{RandomOptions, random_value};

    fn tim() -> Vec<u8> {
        let options = RandomOptions {
            presence: 30,
            extra_items: 0,
            regional: false,
            extensions: false,
            max_depth: 8,
        };
        let t: TravelerInformation = random_value(7, options).unwrap();
        MessageFrame::TravelerInformation(Box::new(t))
            .encode()
            .unwrap()
    }

    fn radio() -> RadioConfig {
        let text = "[rsu]\nname = \"t\"\nregion = \"us\"\n[radio]\nbackend = \"loopback\"\n\
                    channel = 172\n[security]\nsigning = false\n\
                    [immediate_forward]\nlisten = \"127.0.0.1:0\"\n\
                    [[tmc_message]]\npsid = \"0x8003\"\n";
        crate::config::parse(text, "test", std::path::Path::new("."))
            .unwrap_or_else(|e| panic!("{e}"))
            .config
            .radio
    }

    fn file(msg_type: &str, payload: &[u8]) -> MessageFile {
        let text = format!(
            "Version=0.7\nType={msg_type}\nPSID=0x8003\nPriority=5\nTxMode=CONT\nTxChannel=172\n\
             TxInterval=0\nDeliveryStart=\nDeliveryStop=\nSignature=False\nEncryption=False\n\
             Payload={}\n",
            hex::encode(payload)
        );
        message_file::parse(text.as_bytes()).unwrap()
    }

    fn registry(kind: Option<MessageKind>, opaque: bool) -> [TmcMessage; 1] {
        [TmcMessage {
            psid: Psid::TRAVELLER_INFORMATION,
            kind,
            sign: SignPolicy::Never,
            opaque,
        }]
    }

    /// A file whose `Type=` contradicts the registration's type is refused, whatever its
    /// payload; one that names the registration's type (in any case) is sent. Before, the
    /// registration's type silently won and `Type=` was never looked at.
    #[test]
    fn a_type_line_that_contradicts_the_registration_is_refused() {
        let (radio, payload) = (radio(), tim());
        let tim_only = registry(Some(MessageKind::Tim), false);
        for t in ["TIM", "tim"] {
            let got = accept(file(t, &payload), &tim_only, &radio, &[Region::Us], false);
            assert_eq!(got.map(|a| a.kind), Ok(Some(MessageKind::Tim)), "Type={t}");
        }
        for t in ["MAP", "SPAT", "RTCM"] {
            let got =
                accept(file(t, &payload), &tim_only, &radio, &[Region::Us], false).unwrap_err();
            assert_eq!(got.code(), "type_conflict", "Type={t}: {got}");
            assert!(got.to_string().contains("TIM"), "{got}");
        }
        // The same for an opaque registration that names a type.
        let opaque_tim = registry(Some(MessageKind::Tim), true);
        assert!(
            accept(
                file("TIM", &payload),
                &opaque_tim,
                &radio,
                &[Region::Us],
                false
            )
            .is_ok()
        );
        let got = accept(
            file("MAP", &payload),
            &opaque_tim,
            &radio,
            &[Region::Us],
            false,
        )
        .unwrap_err();
        assert_eq!(got.code(), "type_conflict");
        // A registration without a type: Type= names what the payload must be.
        let any = registry(None, false);
        assert!(accept(file("TIM", &payload), &any, &radio, &[Region::Us], false).is_ok());
        let got = accept(file("MAP", &payload), &any, &radio, &[Region::Us], false).unwrap_err();
        assert_eq!(got.code(), "type_mismatch");
    }

    fn etsi_payload(denm: bool) -> Vec<u8> {
        let options = RandomOptions {
            presence: 50,
            extra_items: 1,
            regional: false,
            extensions: false,
            max_depth: 6,
        };
        if denm {
            rsu_codecs::etsi::random::denm(3, options)
                .unwrap()
                .encode_uper()
                .unwrap()
        } else {
            rsu_codecs::etsi::random::cam(3, options)
                .unwrap()
                .encode_uper()
                .unwrap()
        }
    }

    /// A DENM is checked as an ETSI message and goes out in the EU region, if the RSU
    /// broadcasts there; a J2735 payload, a CAM or an EU type on a US-only RSU is refused.
    #[test]
    fn an_etsi_type_is_checked_as_etsi_and_goes_out_in_the_eu() {
        let (radio, denm) = (radio(), etsi_payload(true));
        let both = [Region::Us, Region::Eu];
        for reg in [
            registry(Some(MessageKind::Denm), false),
            registry(None, false),
        ] {
            let got = accept(file("DENM", &denm), &reg, &radio, &both, false).unwrap();
            assert_eq!(
                (got.kind, got.region),
                (Some(MessageKind::Denm), Region::Eu)
            );
            let got = accept(file("DENM", &denm), &reg, &radio, &[Region::Us], false);
            let refused = got.unwrap_err();
            assert_eq!(refused.code(), "region_not_served", "{refused}");
            assert!(refused.to_string().contains("eu region"), "{refused}");
        }
        let reg = registry(Some(MessageKind::Denm), false);
        for (what, payload) in [("a TIM", tim()), ("a CAM", etsi_payload(false))] {
            let got = accept(file("DENM", &payload), &reg, &radio, &both, false);
            assert_eq!(
                got.map(|a| a.kind).unwrap_err().code(),
                "bad_payload",
                "{what}"
            );
        }
        let mut trailing = denm.clone();
        trailing.push(0);
        let got = accept(file("DENM", &trailing), &reg, &radio, &both, false);
        assert_eq!(got.unwrap_err().code(), "bad_payload");
        // A TIM still goes out in the US region.
        let tim_reg = registry(Some(MessageKind::Tim), false);
        let got = accept(file("TIM", &tim()), &tim_reg, &radio, &both, false).unwrap();
        assert_eq!(got.region, Region::Us);
    }
}
