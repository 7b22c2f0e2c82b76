//! Regions: one intersection, several message standards.
//!
//! The intersection model ([`crate::intersection`]), the controller state
//! ([`crate::controller`]), the watchdog and the scheduler know no message standard. A
//! **region** is what turns them into frames on the air, chosen once at start:
//!
//! - a [`MessageSet`] builds and encodes the messages (US: J2735 SPaT and MAP in a
//!   MessageFrame; EU: SPATEM and MAPEM behind an ItsPduHeader; China: CSAE 53);
//! - a [`Carrier`] secures and frames them (US: IEEE 1609.2 inside WSMP; EU: TS 103 097
//!   around the GeoNetworking common header, BTP and message; China: YD/T 3957 inside DSMP).
//!
//! The two halves are separate because they live in different places: a message set is
//! pure and shared (`Arc`), so the input side can encode a reloaded intersection's MAP for
//! every region without touching the broadcast thread; a carrier holds the per-stream state
//! the broadcast loop owns (the signer, sequence numbers, the beacon timer). Security sits in
//! the carrier, not between the two, because the regions nest it differently: 1609.2 signs
//! the message and WSMP wraps the signature, while TS 103 097 signs the GeoNetworking
//! headers and the message together and only the basic header stays outside.
//!
//! A region is bound to a radio as an [`Output`]; the broadcast loop sends every due SPaT and
//! MAP on every output that carries the intersection. The messages the traffic management
//! centre hands over (Immediate Forward, Store-and-Repeat) go out through the region of their
//! type, framed and secured by its [`TmcCarrier`] on the input side. Adding a region means a
//! module here with its implementations and one arm in [`build`] and [`build_tmc`]; the
//! runtime does not change.

use std::sync::Arc;
use std::sync::atomic::AtomicU16;

use rsu_codecs::j2735::MapData;
use rsu_hw::channels::Region;
use rsu_hw::{Psid, TxFrame};
use rsu_security::sign::Signer;

use crate::clock::UnixMillis;
use crate::config::ServiceConfig;
use crate::controller::ControllerState;
use crate::forward::tmc::Accepted;
use crate::intersection::Intersection;
use crate::runtime::StartError;
use crate::scheduler::Stream;
use crate::tx::TxError;

pub mod eu;
pub mod us;

/// What one SPaT slot of one intersection says, whatever the standard: the model, the
/// controller's state (the empty state when the controller is silent and the SPaT is to
/// say so), whether that state is valid, the message count and the instant.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    /// The intersection.
    pub model: &'a Intersection,
    /// The controller's state at `now`.
    pub state: &'a ControllerState,
    /// False when the state is a stand-in for a silent controller.
    pub valid: bool,
    /// The intersection's message count, 0..=127, one more per SPaT slot.
    pub count: u8,
    /// The slot's instant (UTC).
    pub now: UnixMillis,
}

/// What an encoded signal state message contains that a certificate's permissions (an ETSI
/// authorisation ticket's SSP) may have to allow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Content {
    /// Any movement carries a maneuver assist list (pedestrian detection).
    pub maneuver_assist: bool,
    /// Any movement event carries advisory speeds.
    pub advisory_speed: bool,
}

/// A region's message standard: builds and encodes SPaT and MAP from the model. Pure, so
/// one value serves the broadcast thread and the input side at once.
pub trait MessageSet: Send + Sync + std::fmt::Debug {
    /// The region whose standard this is.
    fn region(&self) -> Region;

    /// The `type` label of its signal state and MAP messages on the metrics (`spat`/`map`,
    /// `spatem`/`mapem`).
    fn message_types(&self) -> [&'static str; 2];

    /// Encodes this slot's signal state message (J2735 SPaT, SPATEM, CSAE SPAT) into `out`,
    /// replacing its contents; says what it holds that needs a permission.
    fn encode_spat(&self, slot: &Slot<'_>, out: &mut Vec<u8>) -> Result<Content, TxError>;

    /// Encodes an intersection's MAP (once per revision), given as the J2735 MapData the
    /// model or the operator's map file describes.
    fn encode_map(&self, map: &MapData) -> Result<Vec<u8>, TxError>;
}

/// What a message is about, for framings that address an area (a GeoNetworking GBC is a
/// circle around the intersection).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target {
    /// The intersection's reference point (latitude, longitude in 1e-7 degree), if known.
    pub reference: Option<(i32, i32)>,
}

/// A region's security profile and network framing, owned by the broadcast loop.
pub trait Carrier: Send + std::fmt::Debug {
    /// Secures (when signing) and frames an encoded message of `stream` about `target`,
    /// refusing content the certificate does not permit.
    fn seal(
        &mut self,
        stream: Stream,
        target: &Target,
        content: &Content,
        message: &[u8],
        now_unix_us: i64,
    ) -> Result<TxFrame, TxError>;

    /// Whether messages are signed.
    fn signs(&self) -> bool;

    /// Replaces the signer (a reload with a renewed certificate).
    fn set_signer(&mut self, signer: Option<Signer>);

    /// When the carrier next has a frame of its own to send (a GeoNetworking beacon), in
    /// Unix µs; `None` if never.
    fn next_due_us(&mut self, _now_unix_us: i64) -> Option<i64> {
        None
    }

    /// The carrier's own frame that is due at `now_unix_us`, if any, with its type (one of
    /// [`Carrier::own_types`]); call again until `None`.
    fn due(&mut self, _now_unix_us: i64) -> Option<(&'static str, Result<TxFrame, TxError>)> {
        None
    }

    /// The `type` labels of the carrier's own frames on the metrics (`gn_beacon`, `cam`).
    fn own_types(&self) -> Vec<&'static str> {
        Vec::new()
    }
}

/// A region bound to a radio: what the broadcast loop sends SPaT and MAP through.
#[derive(Debug)]
pub struct Output {
    /// Builds and encodes the messages.
    pub messages: Arc<dyn MessageSet>,
    /// Secures and frames them.
    pub carrier: Box<dyn Carrier>,
    /// The encoded SPaT of the slot, reused.
    pub encoded: Vec<u8>,
}

impl Output {
    /// An output of the message set's region with its carrier.
    pub fn new(messages: Arc<dyn MessageSet>, carrier: Box<dyn Carrier>) -> Output {
        Output {
            messages,
            carrier,
            encoded: Vec::with_capacity(1024),
        }
    }

    /// The region's name as the configuration writes it: `us`, `eu`, `cn`.
    pub fn region(&self) -> &'static str {
        crate::config::region_name(self.messages.region())
    }
}

/// What a radio's regions share between the broadcast loop and the input side: the
/// GeoNetworking sequence number, one counter per source address (EN 302 636-4-1 §8.3), on
/// which the broadcast's GBCs and the TMC's DENMs and IVIMs all count. One per service; the
/// runtime passes it along without looking inside.
#[derive(Debug, Clone, Default)]
pub struct Shared {
    gn_sequence: Arc<AtomicU16>,
}

/// A region's framing and security for the messages the TMC hands over, on the input side:
/// one per region, behind the mutex Immediate Forward and Store-and-Repeat share, held while
/// one message is sealed.
pub trait TmcCarrier: Send + std::fmt::Debug {
    /// The region whose messages it frames.
    fn region(&self) -> Region;

    /// Whether it can sign.
    fn signs(&self) -> bool;

    /// Replaces the signer (a reload with a renewed certificate).
    fn set_signer(&mut self, signer: Option<Signer>);

    /// Secures (when the message is to be signed) and frames an accepted message, refusing
    /// content the certificate does not permit.
    fn seal(&mut self, msg: &Accepted, now_unix_us: i64) -> Result<TxFrame, TxError>;
}

/// The TMC carriers of every configured region, in `rsu.regions` order.
#[derive(Debug)]
pub struct TmcCarriers(Vec<Box<dyn TmcCarrier>>);

impl TmcCarriers {
    /// Whether every region signs (they share one `[security]`, so all do or none does).
    pub fn signs(&self) -> bool {
        !self.0.is_empty() && self.0.iter().all(|c| c.signs())
    }

    /// Replaces the signers, one per region in order (`None` each when signing is off).
    pub fn set_signers(&mut self, signers: Vec<Option<Signer>>) {
        for (carrier, signer) in self.0.iter_mut().zip(signers) {
            carrier.set_signer(signer);
        }
    }

    /// Seals `msg` with its region's carrier.
    pub fn seal(&mut self, msg: &Accepted, now_unix_us: i64) -> Result<TxFrame, TxError> {
        self.0
            .iter_mut()
            .find(|c| c.region() == msg.region)
            .ok_or(TxError::NoRegion)?
            .seal(msg, now_unix_us)
    }
}

/// Builds the TMC carrier of each configured region, each with its signer (`None` each when
/// signing is off), sharing `shared` with the broadcast's outputs.
pub fn build_tmc(
    config: &ServiceConfig,
    signers: Option<Vec<Signer>>,
    shared: &Shared,
) -> Result<TmcCarriers, StartError> {
    config
        .regions
        .iter()
        .zip(per_output(config, signers))
        .map(|(region, signer)| match region {
            Region::Us => Ok(Box::new(us::WsmpTmc::new(signer)) as Box<dyn TmcCarrier>),
            Region::Eu => eu::tmc(config, signer, shared).map(|c| Box::new(c) as _),
            Region::Cn => Err(StartError::Region {
                field: "rsu.regions",
                message: "cn: no message set for this region yet".into(),
            }),
        })
        .collect::<Result<_, _>>()
        .map(TmcCarriers)
}

/// Builds one output per configured region (`rsu.regions`, in order), each with its signer
/// (or none when signing is off).
pub fn build(
    config: &ServiceConfig,
    signers: Option<Vec<Signer>>,
    shared: &Shared,
) -> Result<Vec<Output>, StartError> {
    config
        .regions
        .iter()
        .zip(per_output(config, signers))
        .map(|(region, signer)| match region {
            Region::Us => us::output(config, signer),
            Region::Eu => eu::output(config, signer, shared),
            Region::Cn => Err(StartError::Region {
                field: "rsu.regions",
                message: "cn: no message set for this region yet".into(),
            }),
        })
        .collect()
}

/// The signers in output order: one each, or `None` each when signing is off.
pub fn per_output(config: &ServiceConfig, signers: Option<Vec<Signer>>) -> Vec<Option<Signer>> {
    match signers {
        Some(list) => list.into_iter().map(Some).collect(),
        None => config.regions.iter().map(|_| None).collect(),
    }
}

/// Every PSID (ITS-AID) the broadcast signs, with the configuration field that asks for it:
/// the certificate must permit each one.
pub fn signed_psids(config: &ServiceConfig) -> Vec<(Psid, String)> {
    let mut out = Vec::new();
    for region in &config.regions {
        match region {
            Region::Us => {
                out.push((config.messages.spat_psid, "messages.spat_psid".to_owned()));
                out.push((config.messages.map_psid, "messages.map_psid".to_owned()));
            }
            Region::Eu => out.extend(eu::signed_psids(&config.etsi)),
            Region::Cn => {}
        }
    }
    out
}
