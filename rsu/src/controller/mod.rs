//! What a traffic signal controller reports, independent of how it reports it and of any
//! V2X message standard.
//!
//! Inputs ([`tscbm`] over UDP, the fixed-time simulator [`sim`]) produce a
//! [`ControllerState`]; the SPaT builders turn it into a message. End times are absolute UTC
//! instants fixed when the state was observed, so a state that waits 90 ms for the next SPaT
//! tick still counts down from the controller's moment, not from the tick's.

pub mod sim;
pub mod tscbm;

use crate::clock::UnixMillis;

/// Phases, overlaps and pedestrian phases are numbered 1..=16 (NTCIP 1202 maxPhases in the
/// broadcast message).
pub const MAX_SIGNALS: usize = 16;

/// What a signal head shows. For a pedestrian head: `Red` is Don't Walk, `Yellow` is the
/// pedestrian clearance (flashing Don't Walk) and `Green` is Walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Light {
    /// No indication (signal off, or a phase not in use).
    Dark,
    /// Stop (Don't Walk).
    Red,
    /// Clearance (pedestrian clearance).
    Yellow,
    /// Go (Walk).
    Green,
}

/// When an indication ends, as far as the controller knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndTime {
    /// At this UTC instant.
    At(UnixMillis),
    /// The controller does not know (TSCBM's 0xFFFF, or a phase resting indefinitely).
    Unknown,
}

/// The time window of an indication's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timing {
    /// The earliest it can end.
    pub min_end: EndTime,
    /// The latest it can end.
    pub max_end: EndTime,
    /// When it will most likely end, if the controller predicts it.
    pub likely: Option<UnixMillis>,
}

impl Timing {
    /// No information at all.
    pub const UNKNOWN: Timing = Timing {
        min_end: EndTime::Unknown,
        max_end: EndTime::Unknown,
        likely: None,
    };

    /// The timing a controller reported, made consistent: the earliest end must not come
    /// after the latest, and the likely end must lie between them.
    ///
    /// A controller contradicting itself is not guessed at: with the minimum after the
    /// maximum there is no telling which is wrong, so both are taken as unknown (a receiver
    /// then shows no countdown, instead of a window that ends before it starts, or one we
    /// invented by clamping); a likely end outside the window is dropped for the same
    /// reason. The fault is returned so the caller can count it.
    pub fn checked(
        min_end: EndTime,
        max_end: EndTime,
        likely: Option<UnixMillis>,
    ) -> (Timing, Option<TimingFault>) {
        if let (EndTime::At(min), EndTime::At(max)) = (min_end, max_end)
            && min > max
        {
            return (Timing::UNKNOWN, Some(TimingFault::MinEndAfterMaxEnd));
        }
        let inside = |at: UnixMillis| {
            !matches!(min_end, EndTime::At(min) if at < min)
                && !matches!(max_end, EndTime::At(max) if at > max)
        };
        match likely {
            Some(at) if !inside(at) => (
                Timing {
                    min_end,
                    max_end,
                    likely: None,
                },
                Some(TimingFault::LikelyOutsideWindow),
            ),
            _ => (
                Timing {
                    min_end,
                    max_end,
                    likely,
                },
                None,
            ),
        }
    }

    /// This timing made consistent as [`Timing::checked`] does, whatever built it.
    pub fn consistent(self) -> Timing {
        Timing::checked(self.min_end, self.max_end, self.likely).0
    }

    /// An end known exactly (a fixed-time plan): earliest, latest and likely agree.
    pub fn exact(at: UnixMillis) -> Timing {
        Timing {
            min_end: EndTime::At(at),
            max_end: EndTime::At(at),
            likely: Some(at),
        }
    }
}

/// Why a controller's timing was not taken as given (see [`Timing::checked`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimingFault {
    /// The earliest end is after the latest: both were taken as unknown.
    MinEndAfterMaxEnd,
    /// The likely end lies outside the window: it was dropped.
    LikelyOutsideWindow,
}

impl TimingFault {
    /// A short snake_case reason, for a metrics label.
    pub fn code(self) -> &'static str {
        match self {
            TimingFault::MinEndAfterMaxEnd => "min_end_after_max_end",
            TimingFault::LikelyOutsideWindow => "likely_outside_window",
        }
    }
}

/// One signal's indication now, and when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Indication {
    /// The colour shown.
    pub light: Light,
    /// Whether it flashes (flashing red, flashing yellow arrow, flash mode).
    pub flashing: bool,
    /// When the indication ends.
    pub timing: Timing,
}

/// Which controller output drives a signal group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignalSource {
    /// A vehicle phase, 1..=16.
    Phase(u8),
    /// An overlap, 1..=16 (1 is overlap A).
    Overlap(u8),
    /// The pedestrian movement of a phase, 1..=16.
    Pedestrian(u8),
}

impl SignalSource {
    /// The 1-based number of the phase, overlap or pedestrian phase.
    pub fn number(self) -> u8 {
        match self {
            SignalSource::Phase(n) | SignalSource::Overlap(n) | SignalSource::Pedestrian(n) => n,
        }
    }
}

impl std::fmt::Display for SignalSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignalSource::Phase(n) => write!(f, "phase {n}"),
            SignalSource::Overlap(n) => write!(f, "overlap {n}"),
            SignalSource::Pedestrian(n) => write!(f, "pedestrian phase {n}"),
        }
    }
}

/// Intersection-wide conditions the controller reports (the TSCBM IntersectionStatus byte,
/// plus how the simulator runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ControllerStatus {
    /// Manual control is enabled.
    pub manual_control: bool,
    /// Stop time is active in all rings.
    pub stop_time: bool,
    /// Fault (failure) flash.
    pub fault_flash: bool,
    /// A preemption is active.
    pub preempt: bool,
    /// Transit signal priority is active.
    pub priority: bool,
    /// Coordination is active and in step.
    pub coordination: bool,
    /// Coordination is in transition.
    pub coordination_transition: bool,
    /// Programmed (scheduled) flash.
    pub programmed_flash: bool,
    /// The controller runs a fixed-time plan (the simulator does; TSCBM does not say).
    pub fixed_time: bool,
}

/// Everything a controller reported at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ControllerState {
    /// When the report was made (for TSCBM: when it was received, on the RSU's clock).
    pub observed_at: UnixMillis,
    /// Vehicle phases 1..=16 at index 0..=15; `None` for a phase the controller does not run.
    pub phases: [Option<Indication>; MAX_SIGNALS],
    /// Overlaps 1..=16.
    pub overlaps: [Option<Indication>; MAX_SIGNALS],
    /// Pedestrian movements of phases 1..=16.
    pub pedestrians: [Option<Indication>; MAX_SIGNALS],
    /// Pedestrians detected (a call is latched) per phase: bit 0 is phase 1.
    pub pedestrian_detect: u16,
    /// Intersection-wide conditions.
    pub status: ControllerStatus,
}

impl ControllerState {
    /// A state with every signal absent, observed at `at`.
    pub fn empty(observed_at: UnixMillis) -> ControllerState {
        ControllerState {
            observed_at,
            phases: [None; MAX_SIGNALS],
            overlaps: [None; MAX_SIGNALS],
            pedestrians: [None; MAX_SIGNALS],
            pedestrian_detect: 0,
            status: ControllerStatus::default(),
        }
    }

    /// The indication of one source, if the controller reports it.
    pub fn indication(&self, source: SignalSource) -> Option<&Indication> {
        let n = usize::from(source.number()).checked_sub(1)?;
        match source {
            SignalSource::Phase(_) => self.phases.get(n)?.as_ref(),
            SignalSource::Overlap(_) => self.overlaps.get(n)?.as_ref(),
            SignalSource::Pedestrian(_) => self.pedestrians.get(n)?.as_ref(),
        }
    }

    /// Whether pedestrians are detected at the pedestrian movement of `phase` (1..=16).
    pub fn pedestrian_detected(&self, phase: u8) -> bool {
        (1..=16).contains(&phase) && self.pedestrian_detect & (1 << (phase - 1)) != 0
    }
}
