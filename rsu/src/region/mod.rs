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
//! MAP on every output that carries the intersection. Adding a region means a module here
//! with its two implementations and one arm in [`build`]; the runtime does not change.

use std::sync::Arc;

use rsu_codecs::j2735::MapData;
use rsu_hw::TxFrame;
use rsu_security::sign::Signer;

use crate::clock::UnixMillis;
use crate::controller::ControllerState;
use crate::intersection::Intersection;
use crate::scheduler::Stream;
use crate::tx::TxError;

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

/// A region's message standard: builds and encodes SPaT and MAP from the model. Pure, so
/// one value serves the broadcast thread and the input side at once.
pub trait MessageSet: Send + Sync + std::fmt::Debug {
    /// Encodes this slot's signal state message (J2735 SPaT, SPATEM, CSAE SPAT) into `out`,
    /// replacing its contents.
    fn encode_spat(&self, slot: &Slot<'_>, out: &mut Vec<u8>) -> Result<(), TxError>;

    /// Encodes an intersection's MAP (once per revision), given as the J2735 MapData the
    /// model or the operator's map file describes.
    fn encode_map(&self, map: &MapData) -> Result<Vec<u8>, TxError>;
}

/// A region's security profile and network framing, owned by the broadcast loop.
pub trait Carrier: Send + std::fmt::Debug {
    /// Secures (when signing) and frames an encoded message of `stream`.
    fn seal(
        &mut self,
        stream: Stream,
        message: &[u8],
        now_unix_us: i64,
    ) -> Result<TxFrame, TxError>;

    /// Whether messages are signed.
    fn signs(&self) -> bool;

    /// Replaces the signer (a reload with a renewed certificate).
    fn set_signer(&mut self, signer: Option<Signer>);
}

/// A region bound to a radio: what the broadcast loop sends SPaT and MAP through.
#[derive(Debug)]
pub struct Output {
    /// The region's name on logs and metrics: `us`, `eu`, `cn`.
    pub region: &'static str,
    /// Builds and encodes the messages.
    pub messages: Arc<dyn MessageSet>,
    /// Secures and frames them.
    pub carrier: Box<dyn Carrier>,
    /// The encoded SPaT of the slot, reused.
    pub encoded: Vec<u8>,
}

impl Output {
    /// An output of `region` with its message set and carrier.
    pub fn new(
        region: &'static str,
        messages: Arc<dyn MessageSet>,
        carrier: Box<dyn Carrier>,
    ) -> Output {
        Output {
            region,
            messages,
            carrier,
            encoded: Vec::with_capacity(1024),
        }
    }
}

/// Builds the outputs the configuration asks for, each with its signer (or none).
pub fn build(
    config: &crate::config::ServiceConfig,
    signer: Option<Signer>,
) -> Result<Vec<Output>, crate::runtime::StartError> {
    match config.region {
        rsu_hw::channels::Region::Us => Ok(vec![us::output(config, signer)?]),
        other => Err(crate::runtime::StartError::Region(format!(
            "{other:?}: no message set for this region yet"
        ))),
    }
}
