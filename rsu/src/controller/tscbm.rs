//! TSCBM: the signal controller's 10 Hz broadcast message over UDP (Econolite's
//! "NTCIP-based 100 ms broadcast", byte map version 2, and the DENSO ICD variant).
//!
//! [`TscbmPacket`] is a zero-copy view of one datagram with an accessor per field;
//! [`TscbmPacket::to_state`] (or [`parse`]) turns it into a [`ControllerState`], and [`emit`]
//! writes one back (for tests and the simulated controller of the hardware-in-the-loop
//! path). The layouts differ only after the colour bitmaps, so the tail is chosen by a
//! configured [`Profile`], and the IntersectionStatus bit order, which the vendors' documents
//! disagree on, by a configured [`StatusBitOrder`].
//!
//! Every time in the message is a countdown in deciseconds; it is anchored to the RSU's own
//! receipt time, never to the controller's clock field: that clock is unsynchronised on many
//! controllers (the V2X Hub capture's reads 20:29:21 at a 17:46 UTC capture), and both V2X
//! Hub and CARMA Streets anchor to the local clock by default.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{
    ControllerState, ControllerStatus, EndTime, Indication, Light, MAX_SIGNALS, SignalSource,
    Timing,
};
use crate::clock::UnixMillis;

/// The first byte of every TSCBM (Econolite's "DynObj13 response byte").
pub const HEADER: u8 = 0xCD;

/// The phase/overlap blocks the layout always has room for, used or not.
pub const BLOCKS: usize = 16;

/// Bytes in one phase/overlap block.
pub const BLOCK_LEN: usize = 13;

/// The countdown value meaning "not known" (or "indefinite"); seen in VehMaxTimeToChange.
pub const TIME_UNKNOWN: u16 = 0xFFFF;

/// The largest countdown [`emit`] writes: 0xFFFF would read back as unknown.
pub const TIME_MAX: u16 = 0xFFFE;

/// The byte-map version [`emit`] writes in the upper 5 bits of DiscontinuousChangeFlag.
pub const MESSAGE_VERSION: u8 = 2;

/// Byte offsets shared by every profile.
mod field {
    pub const HEADER: usize = 0;
    pub const NUM_OF_PHASES: usize = 1;
    pub const FIRST_BLOCK: usize = 2;
    pub const PHASE_STATUS_REDS: usize = 210;
    pub const PHASE_STATUS_YELLOWS: usize = 212;
    pub const PHASE_STATUS_GREENS: usize = 214;
    pub const PHASE_STATUS_DONT_WALKS: usize = 216;
    pub const PHASE_STATUS_PED_CLEARS: usize = 218;
    pub const PHASE_STATUS_WALKS: usize = 220;
    pub const OVERLAP_STATUS_REDS: usize = 222;
    pub const OVERLAP_STATUS_YELLOWS: usize = 224;
    pub const OVERLAP_STATUS_GREENS: usize = 226;
    pub const FLASHING_OUTPUT_PHASE_STATUS: usize = 228;
    pub const FLASHING_OUTPUT_OVERLAP_STATUS: usize = 230;
    pub const INTERSECTION_STATUS: usize = 232;

    /// Offsets inside one block.
    pub const PHASE_NUMBER: usize = 0;
    pub const VEH_MIN: usize = 1;
    pub const VEH_MAX: usize = 3;
    pub const PED_MIN: usize = 5;
    pub const PED_MAX: usize = 7;
    pub const OVLP_MIN: usize = 9;
    pub const OVLP_MAX: usize = 11;
}

/// Which vendor layout follows the IntersectionStatus byte (offset 232).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Profile {
    /// Econolite SPaT MIB support document, byte map version 2: 245 bytes, controller clock as
    /// seconds of the day, then the pedestrian call and latched call words.
    #[default]
    #[serde(rename = "econolite-245")]
    Econolite245,
    /// DENSO's reading of the ICD for SPaT (Doc 60606-18A, Table 4): 244 bytes, no action
    /// plan, controller clock as Unix seconds and tenths.
    #[serde(rename = "icd-244")]
    Icd244,
    /// The Econolite layout without the two pedestrian words (241 bytes), as V2X Hub's
    /// sample capture has it.
    #[serde(rename = "econolite-241")]
    Econolite241,
}

/// Where a profile keeps its tail fields.
struct Tail {
    len: usize,
    action: Option<usize>,
    discontinuous: usize,
    sequence: usize,
    clock: usize,
    pedestrian_call: Option<usize>,
    pedestrian_detect: Option<usize>,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 3] = [
        Profile::Econolite245,
        Profile::Icd244,
        Profile::Econolite241,
    ];

    /// The exact datagram length of this profile.
    #[allow(clippy::len_without_is_empty)]
    pub const fn len(self) -> usize {
        self.tail().len
    }

    /// The configuration name (`econolite-245`, `icd-244`, `econolite-241`).
    pub const fn name(self) -> &'static str {
        match self {
            Profile::Econolite245 => "econolite-245",
            Profile::Icd244 => "icd-244",
            Profile::Econolite241 => "econolite-241",
        }
    }

    const fn tail(self) -> Tail {
        match self {
            Profile::Econolite245 => Tail {
                len: 245,
                action: Some(233),
                discontinuous: 234,
                sequence: 235,
                clock: 236,
                pedestrian_call: Some(241),
                pedestrian_detect: Some(243),
            },
            Profile::Econolite241 => Tail {
                len: 241,
                action: Some(233),
                discontinuous: 234,
                sequence: 235,
                clock: 236,
                pedestrian_call: None,
                pedestrian_detect: None,
            },
            Profile::Icd244 => Tail {
                len: 244,
                action: None,
                discontinuous: 233,
                sequence: 234,
                clock: 235,
                pedestrian_call: Some(240),
                pedestrian_detect: Some(242),
            },
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How the IntersectionStatus byte's bits are numbered. Both vendors list the same eight
/// conditions in the same order (manual control … programmed flash) but disagree on the end
/// they start from; which one a controller uses has to be checked on the controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusBitOrder {
    /// Econolite's document: bit 0 (0x01) is manual control, bit 7 (0x80) programmed flash.
    #[default]
    LsbFirst,
    /// DENSO's decoder masks: 0x80 is manual control, 0x01 programmed flash.
    MsbFirst,
}

impl StatusBitOrder {
    /// The mask of the condition at position `i` (0 = manual control) of the documents' list.
    const fn mask(self, i: u8) -> u8 {
        match self {
            StatusBitOrder::LsbFirst => 1 << i,
            StatusBitOrder::MsbFirst => 0x80 >> i,
        }
    }

    /// The conditions an IntersectionStatus byte reports (`fixed_time` stays false: TSCBM
    /// does not say).
    pub fn decode(self, byte: u8) -> ControllerStatus {
        let bit = |i| byte & self.mask(i) != 0;
        ControllerStatus {
            manual_control: bit(0),
            stop_time: bit(1),
            fault_flash: bit(2),
            preempt: bit(3),
            priority: bit(4),
            coordination: bit(5),
            coordination_transition: bit(6),
            programmed_flash: bit(7),
            fixed_time: false,
        }
    }

    /// The IntersectionStatus byte for `status` (`fixed_time` has no bit and is dropped).
    pub fn encode(self, status: &ControllerStatus) -> u8 {
        [
            status.manual_control,
            status.stop_time,
            status.fault_flash,
            status.preempt,
            status.priority,
            status.coordination,
            status.coordination_transition,
            status.programmed_flash,
        ]
        .iter()
        .zip(0u8..)
        .filter(|(set, _)| **set)
        .fold(0, |byte, (_, i)| byte | self.mask(i))
    }
}

/// The controller's own clock as the tail reports it (shown for diagnosis, never used).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ControllerTime {
    /// Econolite SystemSeconds (24 bits, seconds of the controller's day) and
    /// SystemMilliSeconds.
    SecondsOfDay {
        /// Seconds since the controller's midnight (0..=86400 when valid).
        seconds: u32,
        /// Milliseconds within the second (0..=999 when valid).
        millis: u16,
    },
    /// ICD timestamp: seconds since 1970 and tenths of a second.
    Unix {
        /// Seconds since 1970-01-01.
        seconds: u32,
        /// Tenths of a second (0..=9 when valid).
        tenths: u8,
    },
}

/// Why a TSCBM was refused (or could not be written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum TscbmError {
    /// The datagram is not the length its profile has.
    #[error("a {profile} TSCBM is {expected} bytes, this one is {got}")]
    WrongLength {
        /// The configured profile.
        profile: Profile,
        /// Its length.
        expected: usize,
        /// The datagram's length.
        got: usize,
    },
    /// Byte 0 is not 0xCD.
    #[error("TSCBM header (byte 0) is {got:#04x}, expected 0xcd")]
    BadHeader {
        /// The byte found.
        got: u8,
    },
    /// numOfPhases (byte 1) exceeds the 16 blocks of the layout.
    #[error("TSCBM numOfPhases (byte 1) is {count}, at most 16")]
    BadPhaseCount {
        /// The count found.
        count: u8,
    },
    /// A used block names a phase outside 1..=16.
    #[error("TSCBM block {block} (byte {}) has phaseNumber {number}, outside 1..=16", field::FIRST_BLOCK + BLOCK_LEN * .block)]
    BadPhaseNumber {
        /// 0-based block index.
        block: usize,
        /// The phase number found.
        number: u8,
    },
    /// Two used blocks name the same phase.
    #[error("TSCBM block {block} (byte {}) repeats phaseNumber {number} of block {first}", field::FIRST_BLOCK + BLOCK_LEN * .block)]
    DuplicatePhaseNumber {
        /// 0-based index of the repeating block.
        block: usize,
        /// 0-based index of the block that named the phase first.
        first: usize,
        /// The phase number.
        number: u8,
    },
    /// The colour bitmaps show a signal in more than one colour at once.
    #[error("TSCBM shows {signal} in more than one colour")]
    ConflictingColours {
        /// The phase, pedestrian phase or overlap.
        signal: SignalSource,
    },
    /// [`emit`]'s buffer is shorter than the profile.
    #[error("a {profile} TSCBM needs {needed} bytes, the buffer has {got}")]
    BufferTooSmall {
        /// The profile asked for.
        profile: Profile,
        /// Its length.
        needed: usize,
        /// The buffer's length.
        got: usize,
    },
}

impl TscbmError {
    /// A short snake_case reason, for a metrics label.
    pub fn code(&self) -> &'static str {
        match self {
            TscbmError::WrongLength { .. } => "wrong_length",
            TscbmError::BadHeader { .. } => "bad_header",
            TscbmError::BadPhaseCount { .. } => "bad_phase_count",
            TscbmError::BadPhaseNumber { .. } => "bad_phase_number",
            TscbmError::DuplicatePhaseNumber { .. } => "duplicate_phase_number",
            TscbmError::ConflictingColours { .. } => "conflicting_colours",
            TscbmError::BufferTooSmall { .. } => "buffer_too_small",
        }
    }
}

/// Reads a big-endian u16 at `at`; 0 past the end (only an unchecked view can get there).
fn be16(bytes: &[u8], at: usize) -> u16 {
    match bytes.get(at..at + 2) {
        Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
        _ => 0,
    }
}

/// Reads the byte at `at`; 0 past the end (only an unchecked view can get there).
fn byte(bytes: &[u8], at: usize) -> u8 {
    bytes.get(at).copied().unwrap_or(0)
}

/// One 13-byte phase/overlap block of a [`TscbmPacket`].
#[derive(Debug, Clone, Copy)]
pub struct PhaseBlock<'a> {
    bytes: &'a [u8],
}

impl PhaseBlock<'_> {
    /// phaseNumber: 1..=16, 0 for an unused block.
    pub fn phase_number(&self) -> u8 {
        byte(self.bytes, field::PHASE_NUMBER)
    }

    /// VehMinTimeToChange, deciseconds.
    pub fn veh_min_time_to_change(&self) -> u16 {
        be16(self.bytes, field::VEH_MIN)
    }

    /// VehMaxTimeToChange, deciseconds (0xFFFF: unknown).
    pub fn veh_max_time_to_change(&self) -> u16 {
        be16(self.bytes, field::VEH_MAX)
    }

    /// PedMinTimeToChange, deciseconds.
    pub fn ped_min_time_to_change(&self) -> u16 {
        be16(self.bytes, field::PED_MIN)
    }

    /// PedMaxTimeToChange, deciseconds (0xFFFF: unknown).
    pub fn ped_max_time_to_change(&self) -> u16 {
        be16(self.bytes, field::PED_MAX)
    }

    /// OvlpMinTimeToChange of the overlap with this block's index, deciseconds.
    pub fn ovlp_min_time_to_change(&self) -> u16 {
        be16(self.bytes, field::OVLP_MIN)
    }

    /// OvlpMaxTimeToChange of the overlap with this block's index, deciseconds (0xFFFF:
    /// unknown).
    pub fn ovlp_max_time_to_change(&self) -> u16 {
        be16(self.bytes, field::OVLP_MAX)
    }
}

/// A zero-copy view of one TSCBM datagram laid out as `profile`.
#[derive(Debug, Clone)]
pub struct TscbmPacket<T: AsRef<[u8]>> {
    buffer: T,
    profile: Profile,
}

impl<T: AsRef<[u8]>> TscbmPacket<T> {
    /// A view without checks: accessors read 0 for bytes the buffer lacks.
    pub fn new_unchecked(buffer: T, profile: Profile) -> TscbmPacket<T> {
        TscbmPacket { buffer, profile }
    }

    /// A view of a datagram of exactly the profile's length, header 0xCD and at most 16
    /// blocks in use. Phase numbers and colours are checked by [`TscbmPacket::to_state`].
    pub fn new_checked(buffer: T, profile: Profile) -> Result<TscbmPacket<T>, TscbmError> {
        let packet = TscbmPacket::new_unchecked(buffer, profile);
        packet.check()?;
        Ok(packet)
    }

    /// The checks of [`TscbmPacket::new_checked`].
    pub fn check(&self) -> Result<(), TscbmError> {
        let got = self.buffer.as_ref().len();
        if got != self.profile.len() {
            return Err(TscbmError::WrongLength {
                profile: self.profile,
                expected: self.profile.len(),
                got,
            });
        }
        if self.header() != HEADER {
            return Err(TscbmError::BadHeader { got: self.header() });
        }
        if usize::from(self.num_of_phases()) > BLOCKS {
            return Err(TscbmError::BadPhaseCount {
                count: self.num_of_phases(),
            });
        }
        Ok(())
    }

    /// The profile the view reads.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// Byte 0 (0xCD in a valid message).
    pub fn header(&self) -> u8 {
        byte(self.bytes(), field::HEADER)
    }

    /// numOfPhases: how many of the 16 blocks are in use.
    pub fn num_of_phases(&self) -> u8 {
        byte(self.bytes(), field::NUM_OF_PHASES)
    }

    /// Block `index` (0..16), in use or not; `None` past the layout.
    pub fn block(&self, index: usize) -> Option<PhaseBlock<'_>> {
        if index >= BLOCKS {
            return None;
        }
        let start = field::FIRST_BLOCK + BLOCK_LEN * index;
        let bytes = self.bytes().get(start..start + BLOCK_LEN).unwrap_or(&[]);
        Some(PhaseBlock { bytes })
    }

    /// The blocks in use: the first numOfPhases, without those numbered 0, with their index.
    pub fn used_blocks(&self) -> impl Iterator<Item = (usize, PhaseBlock<'_>)> {
        (0..usize::from(self.num_of_phases()).min(BLOCKS))
            .filter_map(|k| Some((k, self.block(k)?)))
            .filter(|(_, b)| b.phase_number() != 0)
    }

    /// PhaseStatusReds: bit 0 is phase 1.
    pub fn phase_status_reds(&self) -> u16 {
        be16(self.bytes(), field::PHASE_STATUS_REDS)
    }

    /// PhaseStatusYellows: bit 0 is phase 1.
    pub fn phase_status_yellows(&self) -> u16 {
        be16(self.bytes(), field::PHASE_STATUS_YELLOWS)
    }

    /// PhaseStatusGreens: bit 0 is phase 1.
    pub fn phase_status_greens(&self) -> u16 {
        be16(self.bytes(), field::PHASE_STATUS_GREENS)
    }

    /// PhaseStatusDontWalks: bit 0 is phase 1.
    pub fn phase_status_dont_walks(&self) -> u16 {
        be16(self.bytes(), field::PHASE_STATUS_DONT_WALKS)
    }

    /// PhaseStatusPedClears: bit 0 is phase 1.
    pub fn phase_status_ped_clears(&self) -> u16 {
        be16(self.bytes(), field::PHASE_STATUS_PED_CLEARS)
    }

    /// PhaseStatusWalks: bit 0 is phase 1.
    pub fn phase_status_walks(&self) -> u16 {
        be16(self.bytes(), field::PHASE_STATUS_WALKS)
    }

    /// OverlapStatusReds: bit 0 is overlap 1 (A).
    pub fn overlap_status_reds(&self) -> u16 {
        be16(self.bytes(), field::OVERLAP_STATUS_REDS)
    }

    /// OverlapStatusYellows: bit 0 is overlap 1 (A).
    pub fn overlap_status_yellows(&self) -> u16 {
        be16(self.bytes(), field::OVERLAP_STATUS_YELLOWS)
    }

    /// OverlapStatusGreens: bit 0 is overlap 1 (A).
    pub fn overlap_status_greens(&self) -> u16 {
        be16(self.bytes(), field::OVERLAP_STATUS_GREENS)
    }

    /// FlashingOutputPhaseStatus: phases flashing now (bit 0 is phase 1).
    pub fn flashing_output_phase_status(&self) -> u16 {
        be16(self.bytes(), field::FLASHING_OUTPUT_PHASE_STATUS)
    }

    /// FlashingOutputOverlapStatus: overlaps flashing now (bit 0 is overlap 1).
    pub fn flashing_output_overlap_status(&self) -> u16 {
        be16(self.bytes(), field::FLASHING_OUTPUT_OVERLAP_STATUS)
    }

    /// IntersectionStatus, raw (decode with [`StatusBitOrder::decode`]).
    pub fn intersection_status(&self) -> u8 {
        byte(self.bytes(), field::INTERSECTION_STATUS)
    }

    /// TimebaseAscActionStatus, the controller's current action plan (Econolite profiles
    /// only).
    pub fn timebase_asc_action_status(&self) -> Option<u8> {
        Some(byte(self.bytes(), self.profile.tail().action?))
    }

    /// DiscontinuousChangeFlag, raw: the upper 5 bits are the byte-map version.
    pub fn discontinuous_change_flag(&self) -> u8 {
        byte(self.bytes(), self.profile.tail().discontinuous)
    }

    /// The byte-map version (upper 5 bits of DiscontinuousChangeFlag).
    pub fn message_version(&self) -> u8 {
        self.discontinuous_change_flag() >> 3
    }

    /// MessageSequenceCounter (the low byte of the controller's uptime in deciseconds).
    pub fn message_sequence_counter(&self) -> u8 {
        byte(self.bytes(), self.profile.tail().sequence)
    }

    /// The controller's clock, as sent; never used for times (see the module docs).
    pub fn controller_time(&self) -> ControllerTime {
        let at = self.profile.tail().clock;
        let b = self.bytes();
        match self.profile {
            Profile::Econolite245 | Profile::Econolite241 => ControllerTime::SecondsOfDay {
                seconds: u32::from_be_bytes([0, byte(b, at), byte(b, at + 1), byte(b, at + 2)]),
                millis: be16(b, at + 3),
            },
            Profile::Icd244 => ControllerTime::Unix {
                seconds: u32::from_be_bytes([
                    byte(b, at),
                    byte(b, at + 1),
                    byte(b, at + 2),
                    byte(b, at + 3),
                ]),
                tenths: byte(b, at + 4),
            },
        }
    }

    /// PedestrianDirectCallStatus (Econolite) or ped call (ICD): bit 0 is phase 1;
    /// `None` in econolite-241.
    pub fn pedestrian_call_status(&self) -> Option<u16> {
        Some(be16(self.bytes(), self.profile.tail().pedestrian_call?))
    }

    /// PedestrianLatchedCallStatus (Econolite) or ped detect (ICD): bit 0 is phase 1;
    /// `None` in econolite-241.
    pub fn pedestrian_detect_status(&self) -> Option<u16> {
        Some(be16(self.bytes(), self.profile.tail().pedestrian_detect?))
    }

    /// The controller's state, with every countdown anchored at `received_at` (the RSU's
    /// clock when the datagram arrived). Refuses phase numbers outside 1..=16, repeated phase
    /// numbers and signals shown in more than one colour: a controller contradicting itself
    /// is not guessed at.
    pub fn to_state(
        &self,
        received_at: UnixMillis,
        order: StatusBitOrder,
    ) -> Result<ControllerState, TscbmError> {
        let mut state = ControllerState::empty(received_at);
        state.status = order.decode(self.intersection_status());
        state.pedestrian_detect = self.pedestrian_detect_status().unwrap_or(0);

        let (reds, yellows, greens) = (
            self.phase_status_reds(),
            self.phase_status_yellows(),
            self.phase_status_greens(),
        );
        let (dont_walks, ped_clears, walks) = (
            self.phase_status_dont_walks(),
            self.phase_status_ped_clears(),
            self.phase_status_walks(),
        );
        let flashing = self.flashing_output_phase_status();
        let mut first_block: [Option<usize>; MAX_SIGNALS] = [None; MAX_SIGNALS];
        for (block, b) in self.used_blocks() {
            let number = b.phase_number();
            let bad = TscbmError::BadPhaseNumber { block, number };
            let index = usize::from(number).checked_sub(1).ok_or(bad)?;
            let seen = first_block.get_mut(index).ok_or(bad)?;
            if let Some(first) = *seen {
                return Err(TscbmError::DuplicatePhaseNumber {
                    block,
                    first,
                    number,
                });
            }
            *seen = Some(block);

            let light = colour(reds, yellows, greens, index, SignalSource::Phase(number))?;
            let vehicle = Indication {
                light: light.unwrap_or(Light::Dark),
                flashing: bit(flashing, index),
                timing: timing(
                    received_at,
                    b.veh_min_time_to_change(),
                    b.veh_max_time_to_change(),
                ),
            };
            // Walk is the pedestrian's go, ped clear its clearance, don't walk its stop.
            let walker = colour(
                dont_walks,
                ped_clears,
                walks,
                index,
                SignalSource::Pedestrian(number),
            )?
            .map(|light| Indication {
                light,
                flashing: false,
                timing: timing(
                    received_at,
                    b.ped_min_time_to_change(),
                    b.ped_max_time_to_change(),
                ),
            });
            if let Some(slot) = state.phases.get_mut(index) {
                *slot = Some(vehicle);
            }
            if let Some(slot) = state.pedestrians.get_mut(index) {
                *slot = walker;
            }
        }

        let (reds, yellows, greens) = (
            self.overlap_status_reds(),
            self.overlap_status_yellows(),
            self.overlap_status_greens(),
        );
        let flashing = self.flashing_output_overlap_status();
        let used = usize::from(self.num_of_phases()).min(BLOCKS);
        for (index, (slot, number)) in state.overlaps.iter_mut().zip(1u8..).enumerate() {
            let Some(light) = colour(reds, yellows, greens, index, SignalSource::Overlap(number))?
            else {
                continue;
            };
            // Overlap times sit in the block with the overlap's index whatever that block's
            // phaseNumber; a block past numOfPhases carries nothing.
            let timing = match self.block(index) {
                Some(b) if index < used => timing(
                    received_at,
                    b.ovlp_min_time_to_change(),
                    b.ovlp_max_time_to_change(),
                ),
                _ => Timing::UNKNOWN,
            };
            *slot = Some(Indication {
                light,
                flashing: bit(flashing, index),
                timing,
            });
        }
        Ok(state)
    }
}

/// Checks and converts one datagram: [`TscbmPacket::new_checked`] then
/// [`TscbmPacket::to_state`].
pub fn parse(
    bytes: &[u8],
    profile: Profile,
    order: StatusBitOrder,
    received_at: UnixMillis,
) -> Result<ControllerState, TscbmError> {
    TscbmPacket::new_checked(bytes, profile)?.to_state(received_at, order)
}

fn bit(map: u16, index: usize) -> bool {
    index < 16 && map & (1 << index) != 0
}

/// The one colour bit set for signal `index` among three bitmaps (stop, clearance, go), or
/// `None` when none is.
fn colour(
    stop: u16,
    clearance: u16,
    go: u16,
    index: usize,
    signal: SignalSource,
) -> Result<Option<Light>, TscbmError> {
    match (bit(stop, index), bit(clearance, index), bit(go, index)) {
        (false, false, false) => Ok(None),
        (true, false, false) => Ok(Some(Light::Red)),
        (false, true, false) => Ok(Some(Light::Yellow)),
        (false, false, true) => Ok(Some(Light::Green)),
        _ => Err(TscbmError::ConflictingColours { signal }),
    }
}

/// A countdown in deciseconds from `at`, 0xFFFF meaning unknown. The sentinel is honoured
/// for the minimum too: reading it as 6553.5 s is the V2X Hub defect of §2.3.
fn end_time(at: UnixMillis, deciseconds: u16) -> EndTime {
    if deciseconds == TIME_UNKNOWN {
        EndTime::Unknown
    } else {
        EndTime::At(at.plus_ms(u64::from(deciseconds) * 100))
    }
}

fn timing(at: UnixMillis, min: u16, max: u16) -> Timing {
    Timing {
        min_end: end_time(at, min),
        max_end: end_time(at, max),
        // TSCBM has no likely time.
        likely: None,
    }
}

/// Deciseconds from `from` to `end`: rounded down for a minimum, up for a maximum (so the
/// window written never claims more certainty than the state had), 0 for an end already
/// past, at most [`TIME_MAX`], [`TIME_UNKNOWN`] when unknown.
fn deciseconds(end: EndTime, from: UnixMillis, round_up: bool) -> u16 {
    match end {
        EndTime::Unknown => TIME_UNKNOWN,
        EndTime::At(t) => {
            let ms = t.since(from);
            let ds = if round_up { ms.div_ceil(100) } else { ms / 100 };
            u16::try_from(ds).map_or(TIME_MAX, |d| d.min(TIME_MAX))
        }
    }
}

/// Writes the 16-bit value at `at` (big-endian); `buf` is known to hold the profile.
fn put16(buf: &mut [u8], at: usize, value: u16) {
    if let Some(dst) = buf.get_mut(at..at + 2) {
        dst.copy_from_slice(&value.to_be_bytes());
    }
}

fn put8(buf: &mut [u8], at: usize, value: u8) {
    if let Some(dst) = buf.get_mut(at) {
        *dst = value;
    }
}

fn put_timing(buf: &mut [u8], at: usize, timing: &Timing, from: UnixMillis) {
    put16(buf, at, deciseconds(timing.min_end, from, false));
    put16(buf, at + 2, deciseconds(timing.max_end, from, true));
}

/// Writes `state` as a `profile` TSCBM into the start of `buf`, returning its length.
///
/// The layout: header 0xCD, numOfPhases 16, block k numbered k+1 when phase k+1 or its
/// pedestrian movement is present and 0 otherwise (all blocks are written, since overlap
/// k+1's times live in block k whatever its number); countdowns from `state.observed_at`,
/// minimum rounded down and maximum up, unknown as 0xFFFF, saturating at 0xFFFE; action plan
/// 0; DiscontinuousChangeFlag version 2 (0x10); the controller clock from `observed_at`
/// (UTC); `pedestrian_detect` in both pedestrian words.
///
/// Lossy, so parsing the result can differ from `state`: `likely` times, pedestrian
/// flashing and `fixed_time` have no field; a dark pedestrian or dark overlap reads back as
/// absent; a pedestrian movement whose vehicle phase is absent reads back with a dark
/// vehicle phase of unknown times; `pedestrian_detect` is dropped by econolite-241; times
/// off the 100 ms grid or beyond 0xFFFE deciseconds move as above.
pub fn emit(
    state: &ControllerState,
    profile: Profile,
    order: StatusBitOrder,
    sequence: u8,
    buf: &mut [u8],
) -> Result<usize, TscbmError> {
    let len = profile.len();
    let got = buf.len();
    let buf = buf.get_mut(..len).ok_or(TscbmError::BufferTooSmall {
        profile,
        needed: len,
        got,
    })?;
    buf.fill(0);
    let from = state.observed_at;
    put8(buf, field::HEADER, HEADER);
    put8(buf, field::NUM_OF_PHASES, BLOCKS as u8);

    let mut maps = [0u16; 11];
    let [
        reds,
        yellows,
        greens,
        dont_walks,
        ped_clears,
        walks,
        o_reds,
        o_yellows,
        o_greens,
        flashing,
        o_flashing,
    ] = &mut maps;
    for (k, number) in (0..BLOCKS).zip(1u8..) {
        let at = field::FIRST_BLOCK + BLOCK_LEN * k;
        let mask = 1u16 << k;
        let phase = state.phases.get(k).copied().flatten();
        let walker = state.pedestrians.get(k).copied().flatten();
        let overlap = state.overlaps.get(k).copied().flatten();
        if phase.is_some() || walker.is_some() {
            put8(buf, at + field::PHASE_NUMBER, number);
            let veh = phase.map_or(Timing::UNKNOWN, |p| p.timing);
            put_timing(buf, at + field::VEH_MIN, &veh, from);
        }
        if let Some(p) = phase {
            set_colour(p.light, mask, [&mut *reds, &mut *yellows, &mut *greens]);
            if p.flashing {
                *flashing |= mask;
            }
        }
        if let Some(w) = walker {
            set_colour(
                w.light,
                mask,
                [&mut *dont_walks, &mut *ped_clears, &mut *walks],
            );
            put_timing(buf, at + field::PED_MIN, &w.timing, from);
        }
        if let Some(o) = overlap {
            set_colour(
                o.light,
                mask,
                [&mut *o_reds, &mut *o_yellows, &mut *o_greens],
            );
            if o.flashing {
                *o_flashing |= mask;
            }
            put_timing(buf, at + field::OVLP_MIN, &o.timing, from);
        }
    }
    for (i, map) in maps.iter().enumerate() {
        put16(buf, field::PHASE_STATUS_REDS + 2 * i, *map);
    }
    put8(buf, field::INTERSECTION_STATUS, order.encode(&state.status));

    let tail = profile.tail();
    if let Some(at) = tail.action {
        put8(buf, at, 0);
    }
    put8(buf, tail.discontinuous, MESSAGE_VERSION << 3);
    put8(buf, tail.sequence, sequence);
    match profile {
        Profile::Econolite245 | Profile::Econolite241 => {
            let of_day = from.0 % 86_400_000;
            let seconds = (of_day / 1000) as u32;
            put8(buf, tail.clock, (seconds >> 16) as u8);
            put16(buf, tail.clock + 1, seconds as u16);
            put16(buf, tail.clock + 3, (of_day % 1000) as u16);
        }
        Profile::Icd244 => {
            let seconds = u32::try_from(from.0 / 1000).unwrap_or(u32::MAX);
            put16(buf, tail.clock, (seconds >> 16) as u16);
            put16(buf, tail.clock + 2, seconds as u16);
            put8(buf, tail.clock + 4, (from.0 % 1000 / 100) as u8);
        }
    }
    // A simulated controller has no button separate from its detector: a detected
    // pedestrian is both a call and a latched call.
    for at in [tail.pedestrian_call, tail.pedestrian_detect]
        .into_iter()
        .flatten()
    {
        put16(buf, at, state.pedestrian_detect);
    }
    Ok(len)
}

/// [`emit`] into a new vector of the profile's length.
pub fn emit_vec(
    state: &ControllerState,
    profile: Profile,
    order: StatusBitOrder,
    sequence: u8,
) -> Vec<u8> {
    let mut buf = vec![0; profile.len()];
    // The buffer is the profile's length, the one thing emit can refuse.
    let _ = emit(state, profile, order, sequence, &mut buf);
    buf
}

/// Sets `mask` in the stop, clearance or go bitmap for `light`; dark sets none.
fn set_colour(light: Light, mask: u16, [stop, clearance, go]: [&mut u16; 3]) {
    match light {
        Light::Dark => {}
        Light::Red => *stop |= mask,
        Light::Yellow => *clearance |= mask,
        Light::Green => *go |= mask,
    }
}
