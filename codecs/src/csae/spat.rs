//! SPAT (2020 generation): the light state and timing of each signal phase of one or more
//! intersections. Phases are identified by [`PhaseID`], the same ids MAP movements and
//! connections name.

use rasn::prelude::*;

use super::*;

/// The SPAT message.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SPAT {
    #[rasn(identifier = "msgCnt")]
    pub msg_cnt: MsgCount,
    /// UTC minute of the year.
    pub moy: Option<MinuteOfTheYear>,
    /// Milliseconds within the minute.
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<DSecond>,
    pub name: Option<DescriptiveName>,
    pub intersections: IntersectionStateList,
}
impl SPAT {
    /// A SPAT with its mandatory fields.
    pub fn new(msg_cnt: MsgCount, intersections: IntersectionStateList) -> Self {
        Self {
            msg_cnt,
            moy: None,
            time_stamp: None,
            name: None,
            intersections,
        }
    }
}

/// 1 to 32 intersection states.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct IntersectionStateList(pub SequenceOf<IntersectionState>);

/// The signal state of one intersection.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct IntersectionState {
    /// Equal to the MAP node's id.
    #[rasn(identifier = "intersectionId")]
    pub intersection_id: NodeReferenceID,
    pub status: IntersectionStatusObject,
    pub moy: Option<MinuteOfTheYear>,
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<DSecond>,
    #[rasn(identifier = "timeConfidence")]
    pub time_confidence: Option<TimeConfidence>,
    pub phases: PhaseList,
}
impl IntersectionState {
    /// An intersection state with its mandatory fields.
    pub fn new(
        intersection_id: NodeReferenceID,
        status: IntersectionStatusObject,
        phases: PhaseList,
    ) -> Self {
        Self {
            intersection_id,
            status,
            moy: None,
            time_stamp: None,
            time_confidence: None,
            phases,
        }
    }
}

/// Controller status flags (16 bits, J2735 bit names).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct IntersectionStatusObject(pub BitString);
#[allow(missing_docs)]
impl IntersectionStatusObject {
    pub const MANUAL_CONTROL_IS_ENABLED: usize = 0;
    pub const STOP_TIME_IS_ACTIVATED: usize = 1;
    pub const FAILURE_FLASH: usize = 2;
    pub const PREEMPT_IS_ACTIVE: usize = 3;
    pub const SIGNAL_PRIORITY_IS_ACTIVE: usize = 4;
    pub const FIXED_TIME_OPERATION: usize = 5;
    pub const TRAFFIC_DEPENDENT_OPERATION: usize = 6;
    pub const STANDBY_OPERATION: usize = 7;
    pub const FAILURE_MODE: usize = 8;
    pub const OFF: usize = 9;
    pub const RECENT_MAP_MESSAGE_UPDATE: usize = 10;
    pub const RECENT_CHANGE_IN_MAP_ASSIGNED_LANES_IDS_USED: usize = 11;
    pub const NO_VALID_MAP_IS_AVAILABLE_AT_THIS_TIME: usize = 12;
    pub const NO_VALID_SPAT_IS_AVAILABLE_AT_THIS_TIME: usize = 13;

    /// All flags clear.
    pub fn empty() -> Self {
        Self(BitString::repeat(false, 16))
    }
}

/// 1 to 16 phases.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct PhaseList(pub SequenceOf<Phase>);

/// One signal phase and its sequence of states.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Phase {
    pub id: PhaseID,
    #[rasn(identifier = "phaseStates")]
    pub phase_states: PhaseStateList,
}

/// 1 to 16 states of a phase, current first.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct PhaseStateList(pub SequenceOf<PhaseState>);

/// A light state and when it starts and ends.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PhaseState {
    pub light: LightState,
    pub timing: Option<TimeChangeDetails>,
}
impl PhaseState {
    /// A state with its timing.
    pub fn new(light: LightState, timing: Option<TimeChangeDetails>) -> Self {
        Self { light, timing }
    }
}

/// The 2020 light states. Not the J2735 numbering: 4 is flashing green here (J2735
/// pre-movement), and J2735's two clearance states both map to 7 (cn-csae.md §1.4).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum LightState {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "dark")]
    Dark = 1,
    #[rasn(identifier = "flashing-red")]
    FlashingRed = 2,
    #[rasn(identifier = "red")]
    Red = 3,
    #[rasn(identifier = "flashing-green")]
    FlashingGreen = 4,
    #[rasn(identifier = "permissive-green")]
    PermissiveGreen = 5,
    #[rasn(identifier = "protected-green")]
    ProtectedGreen = 6,
    #[rasn(identifier = "yellow")]
    Yellow = 7,
    #[rasn(identifier = "flashing-yellow")]
    FlashingYellow = 8,
}

/// When a state starts and ends: relative to now (`counting`) or as UTC time marks.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum TimeChangeDetails {
    /// Tenths of a second from now.
    #[rasn(identifier = "counting")]
    Counting(TimeCountingDown),
    /// Tenths of a second in the current (or next) UTC hour.
    #[rasn(identifier = "utcTiming")]
    UtcTiming(UTCTiming),
}

/// State timing relative to now, in tenths of a second.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct TimeCountingDown {
    /// 0 when the state is already active.
    #[rasn(identifier = "startTime")]
    pub start_time: TimeMark,
    #[rasn(identifier = "minEndTime")]
    pub min_end_time: Option<TimeMark>,
    #[rasn(identifier = "maxEndTime")]
    pub max_end_time: Option<TimeMark>,
    /// Remaining time until the state most likely ends.
    #[rasn(identifier = "likelyEndTime")]
    pub likely_end_time: TimeMark,
    #[rasn(identifier = "timeConfidence")]
    pub time_confidence: Option<Confidence>,
    #[rasn(identifier = "nextStartTime")]
    pub next_start_time: Option<TimeMark>,
    #[rasn(identifier = "nextDuration")]
    pub next_duration: Option<TimeMark>,
}

/// State timing as absolute time marks in the UTC hour.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct UTCTiming {
    #[rasn(identifier = "startUTCTime")]
    pub start_utc_time: TimeMark,
    #[rasn(identifier = "minEndUTCTime")]
    pub min_end_utc_time: Option<TimeMark>,
    #[rasn(identifier = "maxEndUTCTime")]
    pub max_end_utc_time: Option<TimeMark>,
    #[rasn(identifier = "likelyEndUTCTime")]
    pub likely_end_utc_time: TimeMark,
    #[rasn(identifier = "timeConfidence")]
    pub time_confidence: Option<Confidence>,
    #[rasn(identifier = "nextStartUTCTime")]
    pub next_start_utc_time: Option<TimeMark>,
    #[rasn(identifier = "nextEndUTCTime")]
    pub next_end_utc_time: Option<TimeMark>,
}
