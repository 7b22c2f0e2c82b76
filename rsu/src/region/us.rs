//! The US region: SAE J2735 SPaT and MAP in a MessageFrame, signed per IEEE 1609.2 and
//! carried in WSMP (IEEE 1609.3) with the configured PSIDs.

use std::sync::Arc;

use rsu_codecs::j2735::{MapData, MessageFrame};
use rsu_hw::{Psid, TxFrame, TxMeta};
use rsu_security::sign::Signer;

use super::{Carrier, Content, MessageSet, Output, Slot, Target, TmcCarrier};
use crate::config::{RadioConfig, ServiceConfig};
use crate::forward::tmc::Accepted;
use crate::j2735::spat;
use crate::runtime::StartError;
use crate::scheduler::Stream;
use crate::tx::{Outbound, Transmitter, TxError};

/// J2735 SPaT (messageId 19) and MapData (18) in a MessageFrame.
#[derive(Debug, Default)]
pub struct J2735;

impl MessageSet for J2735 {
    fn region(&self) -> rsu_hw::channels::Region {
        rsu_hw::channels::Region::Us
    }

    fn message_types(&self) -> [&'static str; 2] {
        ["spat", "map"]
    }

    fn encode_spat(&self, slot: &Slot<'_>, out: &mut Vec<u8>) -> Result<Content, TxError> {
        let state =
            spat::intersection_state(slot.model, slot.state, slot.now, slot.count, slot.valid);
        let content = spat::content(&state);
        let frame = MessageFrame::SPAT(Box::new(spat::spat([state], slot.now)));
        frame.encode_into(out)?;
        Ok(content)
    }

    fn encode_map(&self, map: &MapData) -> Result<Vec<u8>, TxError> {
        Ok(MessageFrame::MapData(Box::new(map.clone())).encode()?)
    }
}

/// IEEE 1609.2 signing (when configured) and WSMP framing, one PSID per stream.
#[derive(Debug)]
pub struct Wsmp {
    tx: Transmitter,
    spat: Outbound,
    map: Outbound,
}

impl Wsmp {
    /// A carrier for the given PSIDs on the radio's channel, rate and power.
    pub fn new(
        radio: &RadioConfig,
        spat_psid: Psid,
        map_psid: Psid,
        signer: Option<Signer>,
    ) -> Result<Wsmp, StartError> {
        Ok(Wsmp {
            tx: Transmitter::new(signer),
            spat: outbound(radio, spat_psid)?,
            map: outbound(radio, map_psid)?,
        })
    }
}

impl Carrier for Wsmp {
    fn seal(
        &mut self,
        stream: Stream,
        _target: &Target,
        _content: &Content,
        message: &[u8],
        now_unix_us: i64,
    ) -> Result<TxFrame, TxError> {
        let out = match stream {
            Stream::Spat => &self.spat,
            Stream::Map => &self.map,
        };
        self.tx.prepare_encoded(message, out, now_unix_us)
    }

    fn signs(&self) -> bool {
        self.tx.signs()
    }

    fn set_signer(&mut self, signer: Option<Signer>) {
        self.tx = Transmitter::new(signer);
    }
}

/// The TMC's J2735 messages (and opaque payloads): IEEE 1609.2 when the message is to be
/// signed, in WSMP with the message's own PSID, channel and priority.
#[derive(Debug)]
pub struct WsmpTmc {
    tx: Transmitter,
}

impl WsmpTmc {
    /// The carrier, signing with `signer` (or never, with `None`).
    pub fn new(signer: Option<Signer>) -> WsmpTmc {
        WsmpTmc {
            tx: Transmitter::new(signer),
        }
    }
}

impl TmcCarrier for WsmpTmc {
    fn region(&self) -> rsu_hw::channels::Region {
        rsu_hw::channels::Region::Us
    }

    fn signs(&self) -> bool {
        self.tx.signs()
    }

    fn set_signer(&mut self, signer: Option<Signer>) {
        self.tx = Transmitter::new(signer);
    }

    fn seal(&mut self, msg: &Accepted, now_unix_us: i64) -> Result<TxFrame, TxError> {
        let out = Outbound::wsmp(msg.psid, msg.meta)?;
        self.tx
            .prepare_payload(&msg.payload, &out, msg.sign, now_unix_us)
    }
}

/// The US output of a configuration.
pub fn output(config: &ServiceConfig, signer: Option<Signer>) -> Result<Output, StartError> {
    let carrier = Wsmp::new(
        &config.radio,
        config.messages.spat_psid,
        config.messages.map_psid,
        signer,
    )?;
    Ok(Output::new(Arc::new(J2735), Box::new(carrier)))
}

/// A broadcast WSMP stream for `psid` with the radio's channel, rate, power and priority.
pub fn outbound(radio: &RadioConfig, psid: Psid) -> Result<Outbound, StartError> {
    let meta = TxMeta {
        channel: Some(radio.channel),
        rate: Some(radio.rate),
        power_dbm: Some(radio.power_dbm),
        user_priority: radio.user_priority,
        ..TxMeta::default()
    };
    Outbound::wsmp(psid, meta).map_err(|e| StartError::Header {
        psid,
        message: e.to_string(),
    })
}
