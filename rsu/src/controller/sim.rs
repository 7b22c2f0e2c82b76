//! A fixed-time signal controller simulator: NEMA ring-and-barrier operation with phases,
//! pedestrian movements and "normal" overlaps (NTCIP 1202 §2.10.2.2), as a pure function of
//! UTC time.
//!
//! The plan is laid out once, at validation, as a cycle of integer milliseconds: barrier groups
//! one after another; within a group each ring runs its phases back to back (green, yellow
//! change, red clearance); a group lasts as long as its longest ring, and the last phase of a
//! shorter ring keeps its green for the difference, so every ring crosses the barrier at the
//! same instant. Each signal's indication is then a cyclic list of changes, and
//! [`SimulatedController::state_at`] only looks up where `now` falls in it: the end time it
//! reports is the next change in that list, so it is exactly when the light changes.
//!
//! Configuration fields hold plain values, not `toml::Spanned`: the section sits in a
//! `#[serde(tag = "kind")]` enum, and serde buffers an internally tagged enum's content, which
//! drops the span handshake (`Spanned` fields then fail to deserialise at all, toml-rs/toml
//! #535). Instead every [`SimError`] names its field by path and [`SimError::span_in`] finds
//! that field in the parsed document, so the caller can still give a line.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;

use crate::clock::UnixMillis;
use crate::controller::{
    ControllerState, ControllerStatus, Indication, Light, MAX_SIGNALS, SignalSource, Timing,
};

/// Phases and overlaps are numbered 1..=16 (NTCIP 1202 maxPhases / maxOverlaps as broadcast).
const MAX_NUMBER: i64 = MAX_SIGNALS as i64;
/// A NEMA controller runs at most four concurrent rings.
const MAX_RINGS: usize = 4;
/// Minimum green, walk and pedestrian clearance, in tenths of a second.
const MIN_INTERVAL_TENTHS: u64 = 10;
/// The longest interval accepted, in tenths: beyond an hour a J2735 TimeMark cannot express
/// the end (36000 means "more than an hour"), and the bound keeps cycle arithmetic small.
const MAX_INTERVAL_TENTHS: u64 = 36_000;
/// MUTCD §4D.26: a yellow change interval lasts about 3 to 6 seconds.
const YELLOW_TENTHS: Range<u64> = 30..61;
/// MUTCD §4D.26: a red clearance interval, where used, should not exceed 6 seconds.
const RED_CLEARANCE_TENTHS: Range<u64> = 0..61;
/// How far a configured time may be from a whole number of tenths (f64 rounding of "0.3").
const TENTHS_TOLERANCE: f64 = 1e-6;

/// The simulator's configuration: the `[intersection.controller]` section whose
/// `kind = "simulated"` the caller's tagged enum consumes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    /// The cycle starts whenever (UTC ms since 1970 − offset) is a multiple of the cycle;
    /// negative or longer than a cycle is reduced modulo the cycle.
    #[serde(default)]
    pub offset_s: f64,
    /// Barrier groups in the order they run (`[[barrier]]`).
    #[serde(rename = "barrier")]
    pub barriers: Vec<BarrierConfig>,
    /// Phase timings (`[[phase]]`).
    #[serde(rename = "phase")]
    pub phases: Vec<PhaseConfig>,
    /// Overlaps (`[[overlap]]`).
    #[serde(rename = "overlap", default)]
    pub overlaps: Vec<OverlapConfig>,
}

/// One barrier group: the phase sequence of each ring between two barriers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BarrierConfig {
    /// Ring 1's phases in order, then ring 2's, …; every group has the same number of rings.
    pub rings: Vec<Vec<i64>>,
}

/// One phase's fixed timing, in seconds with at most one decimal.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseConfig {
    /// Phase number, 1..=16.
    pub number: i64,
    /// Green, at least 1.0 s (a shorter ring's last phase before a barrier gets more).
    pub green_s: f64,
    /// Yellow change interval, 3.0..=6.0 s (MUTCD §4D.26).
    pub yellow_s: f64,
    /// Red clearance interval, 0.0..=6.0 s (MUTCD §4D.26).
    pub red_clearance_s: f64,
    /// Walk, from the start of green, if the phase has a pedestrian movement.
    pub walk_s: Option<f64>,
    /// Pedestrian clearance (flashing Don't Walk) after Walk; required with `walk_s`.
    pub ped_clearance_s: Option<f64>,
}

/// One overlap (NTCIP 1202 §2.10, type "normal").
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlapConfig {
    /// Overlap number, 1..=16 (1 is overlap A).
    pub number: i64,
    /// The parent (included) phases.
    pub parents: Vec<i64>,
}

/// Why a [`SimConfig`] was rejected; `field` is the TOML path within the controller section,
/// array positions 0-based as in the file (`phase[1]` is the second `[[phase]]`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// No barrier group at all.
    #[error("{field}: no barrier group; a plan needs at least one")]
    NoBarrier {
        /// Where.
        field: String,
    },
    /// A barrier group without rings.
    #[error("{field}: a barrier group needs at least one ring")]
    NoRing {
        /// Where.
        field: String,
    },
    /// More rings than a NEMA controller runs.
    #[error("{field}: {rings} rings; a controller runs at most 4")]
    TooManyRings {
        /// Where.
        field: String,
        /// How many were given.
        rings: usize,
    },
    /// Barrier groups with different numbers of rings.
    #[error(
        "{field}: {rings} rings, but barrier[0] has {expected}; every barrier group has the same rings"
    )]
    RingCountMismatch {
        /// Where.
        field: String,
        /// This group's ring count.
        rings: usize,
        /// The first group's ring count.
        expected: usize,
    },
    /// A ring with no phase between two barriers.
    #[error("{field}: a ring needs at least one phase in each barrier group")]
    EmptyRing {
        /// Where.
        field: String,
    },
    /// A phase number outside 1..=16.
    #[error("{field}: phase number {number} is outside 1..=16")]
    PhaseNumber {
        /// Where.
        field: String,
        /// The number given.
        number: i64,
    },
    /// Two `[[phase]]` tables with the same number.
    #[error("{field}: phase {number} is defined twice (also in {other})")]
    PhaseDefinedTwice {
        /// Where.
        field: String,
        /// The phase.
        number: u8,
        /// The earlier definition.
        other: String,
    },
    /// A phase in a ring without a `[[phase]]` table.
    #[error("{field}: phase {number} has no [[phase]] timing")]
    PhaseNotDefined {
        /// Where.
        field: String,
        /// The phase.
        number: u8,
    },
    /// A `[[phase]]` table for a phase in no ring.
    #[error("{field}: phase {number} is in no ring")]
    PhaseInNoRing {
        /// Where.
        field: String,
        /// The phase.
        number: u8,
    },
    /// A phase placed twice in the ring structure.
    #[error("{field}: phase {number} is also at {other}; a phase runs once a cycle")]
    PhaseInTwoPlaces {
        /// Where.
        field: String,
        /// The phase.
        number: u8,
        /// Its first place.
        other: String,
    },
    /// A time that is not a finite number.
    #[error("{field}: {value} is not a time")]
    NotFinite {
        /// Where.
        field: String,
        /// The value given.
        value: f64,
    },
    /// A time finer than tenths of a second.
    #[error("{field}: {value} s has more than one decimal; times are in tenths of a second")]
    MoreThanOneDecimal {
        /// Where.
        field: String,
        /// The value given.
        value: f64,
    },
    /// A time outside its allowed range.
    #[error("{field}: {value} s is outside {min:.1}..={max:.1} s")]
    OutOfRange {
        /// Where.
        field: String,
        /// The value given.
        value: f64,
        /// The least allowed.
        min: f64,
        /// The most allowed.
        max: f64,
    },
    /// `walk_s` without `ped_clearance_s`.
    #[error("{field}: walk_s without ped_clearance_s; a pedestrian movement needs both")]
    WalkWithoutPedClearance {
        /// Where.
        field: String,
    },
    /// `ped_clearance_s` without `walk_s`.
    #[error("{field}: ped_clearance_s without walk_s; a pedestrian movement needs both")]
    PedClearanceWithoutWalk {
        /// Where.
        field: String,
    },
    /// Walk and pedestrian clearance together outlast the green.
    #[error(
        "{field}: walk {walk_s} s + pedestrian clearance {ped_clearance_s} s is longer than the green {green_s} s"
    )]
    PedLongerThanGreen {
        /// Where.
        field: String,
        /// The walk.
        walk_s: f64,
        /// The pedestrian clearance.
        ped_clearance_s: f64,
        /// The phase's green.
        green_s: f64,
    },
    /// An overlap number outside 1..=16.
    #[error("{field}: overlap number {number} is outside 1..=16")]
    OverlapNumber {
        /// Where.
        field: String,
        /// The number given.
        number: i64,
    },
    /// Two `[[overlap]]` tables with the same number.
    #[error("{field}: overlap {number} is defined twice (also in {other})")]
    OverlapDefinedTwice {
        /// Where.
        field: String,
        /// The overlap.
        number: u8,
        /// The earlier definition.
        other: String,
    },
    /// An overlap without parents.
    #[error("{field}: an overlap needs at least one parent phase")]
    OverlapWithoutParent {
        /// Where.
        field: String,
    },
    /// An overlap parent that is not a phase of the plan.
    #[error("{field}: parent {parent} is not a phase of this plan")]
    OverlapParentNotPhase {
        /// Where.
        field: String,
        /// The parent given.
        parent: i64,
    },
    /// An overlap parent listed twice.
    #[error("{field}: parent {parent} is listed twice")]
    OverlapParentTwice {
        /// Where.
        field: String,
        /// The parent.
        parent: u8,
    },
    /// An overlap whose parents follow one another all round the cycle, so it never changes.
    #[error("{field}: overlap {number} would be green for the whole cycle")]
    OverlapAlwaysGreen {
        /// Where.
        field: String,
        /// The overlap.
        number: u8,
    },
}

impl SimError {
    /// The TOML path of the offending field within the controller section.
    pub fn field(&self) -> &str {
        match self {
            SimError::NoBarrier { field }
            | SimError::NoRing { field }
            | SimError::TooManyRings { field, .. }
            | SimError::RingCountMismatch { field, .. }
            | SimError::EmptyRing { field }
            | SimError::PhaseNumber { field, .. }
            | SimError::PhaseDefinedTwice { field, .. }
            | SimError::PhaseNotDefined { field, .. }
            | SimError::PhaseInNoRing { field, .. }
            | SimError::PhaseInTwoPlaces { field, .. }
            | SimError::NotFinite { field, .. }
            | SimError::MoreThanOneDecimal { field, .. }
            | SimError::OutOfRange { field, .. }
            | SimError::WalkWithoutPedClearance { field }
            | SimError::PedClearanceWithoutWalk { field }
            | SimError::PedLongerThanGreen { field, .. }
            | SimError::OverlapNumber { field, .. }
            | SimError::OverlapDefinedTwice { field, .. }
            | SimError::OverlapWithoutParent { field }
            | SimError::OverlapParentNotPhase { field, .. }
            | SimError::OverlapParentTwice { field, .. }
            | SimError::OverlapAlwaysGreen { field, .. } => field,
        }
    }

    /// The byte range of the offending value in the source, given the controller section as
    /// parsed by `toml::de::DeTable::parse` (the caller turns it into a line).
    pub fn span_in(&self, controller: &toml::de::DeTable<'_>) -> Option<Range<usize>> {
        let mut segments = path_segments(self.field())?.into_iter();
        let Some(Segment::Key(first)) = segments.next() else {
            return None;
        };
        let mut value = controller.get(first)?;
        for segment in segments {
            value = match segment {
                Segment::Key(key) => value.get_ref().get(key)?,
                Segment::Index(i) => value.get_ref().get(i)?,
            };
        }
        Some(value.span())
    }
}

/// One step of a field path.
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// `barrier[0].rings[1][0]` → barrier, 0, rings, 1, 0.
fn path_segments(field: &str) -> Option<Vec<Segment<'_>>> {
    let mut segments = Vec::new();
    for part in field.split('.') {
        let mut pieces = part.split('[');
        let key = pieces.next()?;
        if key.is_empty() {
            return None;
        }
        segments.push(Segment::Key(key));
        for index in pieces {
            segments.push(Segment::Index(index.strip_suffix(']')?.parse().ok()?));
        }
    }
    Some(segments)
}

/// The pedestrian movement of a phase, in milliseconds from the start of its green.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PedestrianTiming {
    /// Walk, from the start of green.
    pub walk_ms: u64,
    /// Pedestrian clearance, right after Walk.
    pub clearance_ms: u64,
}

/// A phase as laid out in the cycle, in milliseconds from the cycle's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedPhase {
    /// Phase number, 1..=16.
    pub number: u8,
    /// Its barrier group, 0-based.
    pub barrier: usize,
    /// Its ring, 0-based.
    pub ring: usize,
    /// When its green starts.
    pub green_start_ms: u64,
    /// Its green, including any slack before the barrier.
    pub green_ms: u64,
    /// Its yellow change interval.
    pub yellow_ms: u64,
    /// Its red clearance interval.
    pub red_clearance_ms: u64,
    /// Its pedestrian movement, if any.
    pub pedestrian: Option<PedestrianTiming>,
}

impl PlannedPhase {
    /// When its green ends and its yellow starts.
    pub fn green_end_ms(&self) -> u64 {
        self.green_start_ms + self.green_ms
    }

    /// When its yellow ends and its red clearance starts.
    pub fn yellow_end_ms(&self) -> u64 {
        self.green_end_ms() + self.yellow_ms
    }

    /// When its red clearance ends and the next phase of its ring starts.
    pub fn clearance_end_ms(&self) -> u64 {
        self.yellow_end_ms() + self.red_clearance_ms
    }

    /// Whether the two phases may never show green at once: they are in different barrier
    /// groups, or in the same ring.
    pub fn conflicts_with(&self, other: &PlannedPhase) -> bool {
        self.number != other.number && (self.barrier != other.barrier || self.ring == other.ring)
    }

    fn light_at(&self, t: u64) -> Light {
        if (self.green_start_ms..self.green_end_ms()).contains(&t) {
            Light::Green
        } else if (self.green_end_ms()..self.yellow_end_ms()).contains(&t) {
            Light::Yellow
        } else {
            Light::Red
        }
    }

    fn pedestrian_light_at(&self, ped: PedestrianTiming, t: u64) -> Light {
        let walk_end = self.green_start_ms + ped.walk_ms;
        if (self.green_start_ms..walk_end).contains(&t) {
            Light::Green
        } else if (walk_end..walk_end + ped.clearance_ms).contains(&t) {
            Light::Yellow
        } else {
            Light::Red
        }
    }
}

/// An overlap and its parent phases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedOverlap {
    /// Overlap number, 1..=16.
    pub number: u8,
    /// Its parent phases, as configured.
    pub parents: Vec<u8>,
    /// The parents' intervals, and whether each hands over to another parent.
    timing: Vec<ParentTiming>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ParentTiming {
    phase: PlannedPhase,
    /// The next phase of the parent's ring is also a parent: the overlap stays green through
    /// this parent's yellow and red clearance (NTCIP 1202 §2.10.2.2, "normal"). A ring's
    /// sequence runs on across barriers and round the cycle (ring 1 of 1,2 | 3,4 times 3
    /// after 2), so a hand-over can cross a barrier, as a right-turn overlap's usually does.
    hands_over: bool,
}

impl PlannedOverlap {
    fn light_at(&self, t: u64) -> Light {
        let green = self.timing.iter().any(|p| {
            let end = if p.hands_over {
                p.phase.clearance_end_ms()
            } else {
                p.phase.green_end_ms()
            };
            (p.phase.green_start_ms..end).contains(&t)
        });
        if green {
            Light::Green
        } else if self
            .timing
            .iter()
            .any(|p| p.phase.light_at(t) == Light::Yellow)
        {
            Light::Yellow
        } else {
            Light::Red
        }
    }
}

/// One signal's indications over the cycle: the instants its light changes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signal {
    source: SignalSource,
    /// Ascending, each light different from the one before it (cyclically); never empty.
    changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    at_ms: u64,
    light: Light,
}

/// The changes of a light that is constant between `points`; `None` if it never changes.
fn changes(
    cycle_ms: u64,
    mut points: Vec<u64>,
    light: impl Fn(u64) -> Light,
) -> Option<Vec<Change>> {
    points.push(0);
    points.retain(|&p| p < cycle_ms);
    points.sort_unstable();
    points.dedup();
    let sampled: Vec<Change> = points
        .into_iter()
        .map(|at_ms| Change {
            at_ms,
            light: light(at_ms),
        })
        .collect();
    let mut previous = sampled.last()?.light;
    let mut kept = Vec::with_capacity(sampled.len());
    for change in sampled {
        if change.light != previous {
            kept.push(change);
        }
        previous = change.light;
    }
    (!kept.is_empty()).then_some(kept)
}

/// A fixed-time controller running a validated plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedController {
    cycle_ms: u64,
    /// Reduced into 0..cycle_ms.
    offset_ms: u64,
    phases: Vec<PlannedPhase>,
    overlaps: Vec<PlannedOverlap>,
    signals: Vec<Signal>,
}

/// A phase's configured times, in milliseconds.
#[derive(Debug, Clone, Copy)]
struct PhaseTimes {
    green_ms: u64,
    yellow_ms: u64,
    red_clearance_ms: u64,
    pedestrian: Option<PedestrianTiming>,
}

impl PhaseTimes {
    fn total_ms(&self) -> u64 {
        self.green_ms + self.yellow_ms + self.red_clearance_ms
    }
}

/// A time in seconds as whole tenths, checked against `tenths`, in milliseconds.
fn time_ms(field: String, value: f64, tenths: Range<u64>) -> Result<u64, SimError> {
    if !value.is_finite() {
        return Err(SimError::NotFinite { field, value });
    }
    let scaled = value * 10.0;
    let rounded = scaled.round();
    if (scaled - rounded).abs() > TENTHS_TOLERANCE {
        return Err(SimError::MoreThanOneDecimal { field, value });
    }
    let allowed = tenths.start as f64..tenths.end as f64;
    if !allowed.contains(&rounded) {
        return Err(SimError::OutOfRange {
            field,
            value,
            min: tenths.start as f64 / 10.0,
            max: tenths.end.saturating_sub(1) as f64 / 10.0,
        });
    }
    // In range, so a non-negative integer below MAX_INTERVAL_TENTHS: the cast is exact.
    Ok(rounded as u64 * 100)
}

/// A phase number, 1..=16.
fn phase_number(field: String, number: i64) -> Result<u8, SimError> {
    match u8::try_from(number) {
        Ok(n) if (1..=MAX_NUMBER).contains(&number) => Ok(n),
        _ => Err(SimError::PhaseNumber { field, number }),
    }
}

impl PhaseConfig {
    fn times(&self, i: usize) -> Result<PhaseTimes, SimError> {
        let field = |name: &str| format!("phase[{i}].{name}");
        let green_ms = time_ms(
            field("green_s"),
            self.green_s,
            MIN_INTERVAL_TENTHS..MAX_INTERVAL_TENTHS + 1,
        )?;
        let yellow_ms = time_ms(field("yellow_s"), self.yellow_s, YELLOW_TENTHS)?;
        let red_clearance_ms = time_ms(
            field("red_clearance_s"),
            self.red_clearance_s,
            RED_CLEARANCE_TENTHS,
        )?;
        let pedestrian = match (self.walk_s, self.ped_clearance_s) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(SimError::WalkWithoutPedClearance {
                    field: field("walk_s"),
                });
            }
            (None, Some(_)) => {
                return Err(SimError::PedClearanceWithoutWalk {
                    field: field("ped_clearance_s"),
                });
            }
            (Some(walk_s), Some(ped_clearance_s)) => {
                let interval = MIN_INTERVAL_TENTHS..MAX_INTERVAL_TENTHS + 1;
                let walk_ms = time_ms(field("walk_s"), walk_s, interval.clone())?;
                let clearance_ms = time_ms(field("ped_clearance_s"), ped_clearance_s, interval)?;
                if walk_ms + clearance_ms > green_ms {
                    return Err(SimError::PedLongerThanGreen {
                        field: field("ped_clearance_s"),
                        walk_s,
                        ped_clearance_s,
                        green_s: self.green_s,
                    });
                }
                Some(PedestrianTiming {
                    walk_ms,
                    clearance_ms,
                })
            }
        };
        Ok(PhaseTimes {
            green_ms,
            yellow_ms,
            red_clearance_ms,
            pedestrian,
        })
    }
}

impl SimConfig {
    /// Check the plan and lay it out as a running controller.
    pub fn validate(&self) -> Result<SimulatedController, SimError> {
        // Checked before the structure so that errors come in the order of the fields.
        let offset_tenths = self.offset_tenths()?;
        let rings = self.ring_structure()?;
        let times = self.phase_times(&rings)?;
        let phases = lay_out(&rings, &times)?;
        let cycle_ms = phases
            .iter()
            .map(PlannedPhase::clearance_end_ms)
            .max()
            .unwrap_or(0);
        // Every ring's phases in running order, across barriers, for "the next phase".
        let ring_count = rings.first().map_or(0, Vec::len);
        let sequences: Vec<Vec<u8>> = (0..ring_count)
            .map(|r| {
                rings
                    .iter()
                    .filter_map(|group| group.get(r))
                    .flatten()
                    .copied()
                    .collect()
            })
            .collect();
        let overlaps = self.overlap_plans(&phases, &sequences)?;

        let mut signals = Vec::new();
        let mut by_number: Vec<&PlannedPhase> = phases.iter().collect();
        by_number.sort_by_key(|p| p.number);
        for phase in &by_number {
            let points = vec![
                phase.green_start_ms,
                phase.green_end_ms(),
                phase.yellow_end_ms(),
            ];
            if let Some(changes) = changes(cycle_ms, points, |t| phase.light_at(t)) {
                signals.push(Signal {
                    source: SignalSource::Phase(phase.number),
                    changes,
                });
            }
            if let Some(ped) = phase.pedestrian {
                let walk_end = phase.green_start_ms + ped.walk_ms;
                let points = vec![phase.green_start_ms, walk_end, walk_end + ped.clearance_ms];
                if let Some(changes) =
                    changes(cycle_ms, points, |t| phase.pedestrian_light_at(ped, t))
                {
                    signals.push(Signal {
                        source: SignalSource::Pedestrian(phase.number),
                        changes,
                    });
                }
            }
        }
        for (i, overlap) in overlaps.iter().enumerate() {
            let points = overlap
                .timing
                .iter()
                .flat_map(|p| {
                    let p = p.phase;
                    [
                        p.green_start_ms,
                        p.green_end_ms(),
                        p.yellow_end_ms(),
                        p.clearance_end_ms(),
                    ]
                })
                .collect();
            let Some(changes) = changes(cycle_ms, points, |t| overlap.light_at(t)) else {
                return Err(SimError::OverlapAlwaysGreen {
                    field: format!("overlap[{i}].parents"),
                    number: overlap.number,
                });
            };
            signals.push(Signal {
                source: SignalSource::Overlap(overlap.number),
                changes,
            });
        }

        let offset_ms = offset_tenths
            .saturating_mul(100)
            .rem_euclid(i64::try_from(cycle_ms).unwrap_or(i64::MAX).max(1));
        Ok(SimulatedController {
            cycle_ms,
            offset_ms: u64::try_from(offset_ms).unwrap_or(0),
            phases: by_number.into_iter().copied().collect(),
            overlaps,
            signals,
        })
    }

    /// The offset in whole tenths of a second, of any sign and size.
    fn offset_tenths(&self) -> Result<i64, SimError> {
        let field = "offset_s".to_string();
        let value = self.offset_s;
        if !value.is_finite() {
            return Err(SimError::NotFinite { field, value });
        }
        let scaled = value * 10.0;
        let rounded = scaled.round();
        if (scaled - rounded).abs() > TENTHS_TOLERANCE {
            return Err(SimError::MoreThanOneDecimal { field, value });
        }
        // Saturates for absurd offsets, which still reduce to some instant of the cycle.
        Ok(rounded as i64)
    }

    /// The phase numbers of each barrier group's rings, checked for shape and uniqueness.
    fn ring_structure(&self) -> Result<Vec<Vec<Vec<u8>>>, SimError> {
        let Some(first) = self.barriers.first() else {
            return Err(SimError::NoBarrier {
                field: "barrier".to_string(),
            });
        };
        let expected = first.rings.len();
        let mut placed: BTreeMap<u8, String> = BTreeMap::new();
        let mut groups = Vec::with_capacity(self.barriers.len());
        for (b, barrier) in self.barriers.iter().enumerate() {
            let field = format!("barrier[{b}].rings");
            let rings = barrier.rings.len();
            if rings == 0 {
                return Err(SimError::NoRing { field });
            }
            if rings > MAX_RINGS {
                return Err(SimError::TooManyRings { field, rings });
            }
            if rings != expected {
                return Err(SimError::RingCountMismatch {
                    field,
                    rings,
                    expected,
                });
            }
            let mut group = Vec::with_capacity(rings);
            for (r, sequence) in barrier.rings.iter().enumerate() {
                if sequence.is_empty() {
                    return Err(SimError::EmptyRing {
                        field: format!("{field}[{r}]"),
                    });
                }
                let mut ring = Vec::with_capacity(sequence.len());
                for (k, &n) in sequence.iter().enumerate() {
                    let here = format!("{field}[{r}][{k}]");
                    let number = phase_number(here.clone(), n)?;
                    if let Some(other) = placed.get(&number) {
                        return Err(SimError::PhaseInTwoPlaces {
                            field: here,
                            number,
                            other: other.clone(),
                        });
                    }
                    placed.insert(number, here);
                    ring.push(number);
                }
                group.push(ring);
            }
            groups.push(group);
        }
        Ok(groups)
    }

    /// Each phase's configured times, for phases that are in a ring and defined once.
    fn phase_times(&self, rings: &[Vec<Vec<u8>>]) -> Result<BTreeMap<u8, PhaseTimes>, SimError> {
        let in_ring = |n: u8| rings.iter().flatten().flatten().any(|&p| p == n);
        let mut defined: BTreeMap<u8, (usize, PhaseTimes)> = BTreeMap::new();
        for (i, phase) in self.phases.iter().enumerate() {
            let field = format!("phase[{i}].number");
            let number = phase_number(field.clone(), phase.number)?;
            if let Some((j, _)) = defined.get(&number) {
                return Err(SimError::PhaseDefinedTwice {
                    field,
                    number,
                    other: format!("phase[{j}]"),
                });
            }
            if !in_ring(number) {
                return Err(SimError::PhaseInNoRing { field, number });
            }
            defined.insert(number, (i, phase.times(i)?));
        }
        Ok(defined.into_iter().map(|(n, (_, t))| (n, t)).collect())
    }

    fn overlap_plans(
        &self,
        phases: &[PlannedPhase],
        sequences: &[Vec<u8>],
    ) -> Result<Vec<PlannedOverlap>, SimError> {
        let phase = |n: u8| phases.iter().find(|p| p.number == n);
        let next_in_ring = |p: &PlannedPhase| {
            let sequence = sequences.get(p.ring)?;
            let k = sequence.iter().position(|&n| n == p.number)?;
            sequence.get((k + 1) % sequence.len()).copied()
        };
        let mut seen: BTreeMap<u8, usize> = BTreeMap::new();
        let mut overlaps = Vec::with_capacity(self.overlaps.len());
        for (i, overlap) in self.overlaps.iter().enumerate() {
            let field = format!("overlap[{i}].number");
            let number = match u8::try_from(overlap.number) {
                Ok(n) if (1..=MAX_NUMBER).contains(&overlap.number) => n,
                _ => {
                    return Err(SimError::OverlapNumber {
                        field,
                        number: overlap.number,
                    });
                }
            };
            if let Some(j) = seen.get(&number) {
                return Err(SimError::OverlapDefinedTwice {
                    field,
                    number,
                    other: format!("overlap[{j}]"),
                });
            }
            seen.insert(number, i);
            if overlap.parents.is_empty() {
                return Err(SimError::OverlapWithoutParent {
                    field: format!("overlap[{i}].parents"),
                });
            }
            let mut parents: Vec<u8> = Vec::with_capacity(overlap.parents.len());
            let mut planned = Vec::with_capacity(overlap.parents.len());
            for (j, &parent) in overlap.parents.iter().enumerate() {
                let field = format!("overlap[{i}].parents[{j}]");
                let found = u8::try_from(parent).ok().and_then(phase);
                let Some(found) = found else {
                    return Err(SimError::OverlapParentNotPhase { field, parent });
                };
                if parents.contains(&found.number) {
                    return Err(SimError::OverlapParentTwice {
                        field,
                        parent: found.number,
                    });
                }
                parents.push(found.number);
                planned.push(*found);
            }
            let timing = planned
                .into_iter()
                .map(|p| ParentTiming {
                    phase: p,
                    hands_over: next_in_ring(&p).is_some_and(|n| parents.contains(&n)),
                })
                .collect();
            overlaps.push(PlannedOverlap {
                number,
                parents,
                timing,
            });
        }
        Ok(overlaps)
    }

    /// The demo's classic eight-phase four-leg plan (the same as [`DEMO_TOML`]).
    pub fn demo_four_leg() -> SimConfig {
        let phase = |number, green_s, yellow_s, ped: Option<(f64, f64)>| PhaseConfig {
            number,
            green_s,
            yellow_s,
            red_clearance_s: 2.0,
            walk_s: ped.map(|p| p.0),
            ped_clearance_s: ped.map(|p| p.1),
        };
        SimConfig {
            offset_s: 0.0,
            barriers: vec![
                BarrierConfig {
                    rings: vec![vec![1, 2], vec![5, 6]],
                },
                BarrierConfig {
                    rings: vec![vec![3, 4], vec![7, 8]],
                },
            ],
            phases: vec![
                phase(1, 8.0, 3.0, None),
                phase(2, 24.0, 4.0, Some((7.0, 11.0))),
                phase(3, 8.0, 3.0, None),
                phase(4, 16.0, 4.0, Some((4.0, 12.0))),
                phase(5, 8.0, 3.0, None),
                phase(6, 24.0, 4.0, Some((7.0, 11.0))),
                phase(7, 8.0, 3.0, None),
                phase(8, 16.0, 4.0, Some((4.0, 12.0))),
            ],
            overlaps: vec![OverlapConfig {
                number: 1,
                parents: vec![2, 3],
            }],
        }
    }
}

/// Place every phase in the cycle: barrier groups back to back, each as long as its longest
/// ring, the slack of a shorter ring added to its last green before the barrier.
fn lay_out(
    rings: &[Vec<Vec<u8>>],
    times: &BTreeMap<u8, PhaseTimes>,
) -> Result<Vec<PlannedPhase>, SimError> {
    let mut phases = Vec::new();
    let mut group_start = 0;
    for (b, group) in rings.iter().enumerate() {
        let mut ring_times = Vec::with_capacity(group.len());
        for (r, ring) in group.iter().enumerate() {
            let mut sequence = Vec::with_capacity(ring.len());
            for (k, &number) in ring.iter().enumerate() {
                let Some(t) = times.get(&number) else {
                    return Err(SimError::PhaseNotDefined {
                        field: format!("barrier[{b}].rings[{r}][{k}]"),
                        number,
                    });
                };
                sequence.push((number, *t));
            }
            ring_times.push(sequence);
        }
        let ring_total = |s: &Vec<(u8, PhaseTimes)>| s.iter().map(|(_, t)| t.total_ms()).sum();
        let group_ms: u64 = ring_times.iter().map(ring_total).max().unwrap_or(0);
        for (r, sequence) in ring_times.iter().enumerate() {
            let slack = group_ms - ring_total(sequence);
            let mut start = group_start;
            for (k, (number, t)) in sequence.iter().enumerate() {
                let last = k + 1 == sequence.len();
                let phase = PlannedPhase {
                    number: *number,
                    barrier: b,
                    ring: r,
                    green_start_ms: start,
                    green_ms: t.green_ms + if last { slack } else { 0 },
                    yellow_ms: t.yellow_ms,
                    red_clearance_ms: t.red_clearance_ms,
                    pedestrian: t.pedestrian,
                };
                start = phase.clearance_end_ms();
                phases.push(phase);
            }
        }
        group_start += group_ms;
    }
    Ok(phases)
}

impl SimulatedController {
    /// The demo's classic eight-phase four-leg plan (see [`DEMO_TOML`]); cycle 78 s.
    pub fn demo_four_leg() -> SimulatedController {
        match SimConfig::demo_four_leg().validate() {
            Ok(controller) => controller,
            // A constant plan, checked by the tests; no input reaches here.
            Err(e) => unreachable!("the demo plan is valid: {e}"),
        }
    }

    /// The cycle length in milliseconds.
    pub fn cycle_ms(&self) -> u64 {
        self.cycle_ms
    }

    /// The phases as laid out in the cycle, by phase number.
    pub fn phases(&self) -> &[PlannedPhase] {
        &self.phases
    }

    /// The overlaps, in configuration order.
    pub fn overlaps(&self) -> &[PlannedOverlap] {
        &self.overlaps
    }

    /// What the controller shows at `now`: every phase, pedestrian movement and overlap, each
    /// ending exactly at its next change.
    pub fn state_at(&self, now: UnixMillis) -> ControllerState {
        let mut state = ControllerState::empty(now);
        state.status = ControllerStatus {
            fixed_time: true,
            ..ControllerStatus::default()
        };
        let cycle = self.cycle_ms.max(1);
        let t = (now.0 % cycle + cycle - self.offset_ms % cycle) % cycle;
        for signal in &self.signals {
            let after = signal.changes.partition_point(|c| c.at_ms <= t);
            let current = match after.checked_sub(1) {
                Some(i) => signal.changes.get(i),
                None => signal.changes.last(),
            };
            let next_at = match signal.changes.get(after) {
                Some(next) => next.at_ms,
                None => signal.changes.first().map_or(cycle, |c| c.at_ms + cycle),
            };
            let Some(current) = current else { continue };
            let indication = Indication {
                light: current.light,
                flashing: false,
                timing: Timing::exact(now.plus_ms(next_at - t)),
            };
            let index = usize::from(signal.source.number()).saturating_sub(1);
            let slots = match signal.source {
                SignalSource::Phase(_) => &mut state.phases,
                SignalSource::Overlap(_) => &mut state.overlaps,
                SignalSource::Pedestrian(_) => &mut state.pedestrians,
            };
            if let Some(slot) = slots.get_mut(index) {
                *slot = Some(indication);
            }
        }
        state
    }
}

/// The demo plan as it is written in the service's configuration, under
/// `[intersection.controller]` after `kind = "simulated"`.
pub const DEMO_TOML: &str = r#"# Classic eight-phase plan for a four-leg intersection, cycle 78 s: protected left turns
# 1, 3, 5, 7; main-street throughs 2 and 6, side-street throughs 4 and 8, each with its
# crosswalk; a right-turn overlap A that follows phases 2 and 3.
offset_s = 0.0
barrier = [
    { rings = [[1, 2], [5, 6]] },
    { rings = [[3, 4], [7, 8]] },
]
phase = [
    { number = 1, green_s = 8.0, yellow_s = 3.0, red_clearance_s = 2.0 },
    { number = 2, green_s = 24.0, yellow_s = 4.0, red_clearance_s = 2.0, walk_s = 7.0, ped_clearance_s = 11.0 },
    { number = 3, green_s = 8.0, yellow_s = 3.0, red_clearance_s = 2.0 },
    { number = 4, green_s = 16.0, yellow_s = 4.0, red_clearance_s = 2.0, walk_s = 4.0, ped_clearance_s = 12.0 },
    { number = 5, green_s = 8.0, yellow_s = 3.0, red_clearance_s = 2.0 },
    { number = 6, green_s = 24.0, yellow_s = 4.0, red_clearance_s = 2.0, walk_s = 7.0, ped_clearance_s = 11.0 },
    { number = 7, green_s = 8.0, yellow_s = 3.0, red_clearance_s = 2.0 },
    { number = 8, green_s = 16.0, yellow_s = 4.0, red_clearance_s = 2.0, walk_s = 4.0, ped_clearance_s = 12.0 },
]
overlap = [
    { number = 1, parents = [2, 3] },
]
"#;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use proptest::prelude::*;
    use serde::Deserialize;

    use super::*;
    use crate::controller::EndTime;
    use SignalSource::{Overlap, Pedestrian, Phase};

    /// 2026-11-22T20:50:00Z; 1_795_380_600_000 = 78_000 × 23_017_700, so the demo's cycle
    /// (78 s, offset 0) starts exactly here.
    const T0: UnixMillis = UnixMillis(1_795_380_600_000);

    fn plan(text: &str) -> SimulatedController {
        toml::from_str::<SimConfig>(text)
            .unwrap()
            .validate()
            .unwrap()
    }

    /// Every signal the state reports.
    fn signals(state: &ControllerState) -> Vec<(SignalSource, Indication)> {
        let mut all = Vec::new();
        for n in 1..=16u8 {
            for source in [Phase(n), Pedestrian(n), Overlap(n)] {
                if let Some(i) = state.indication(source) {
                    all.push((source, *i));
                }
            }
        }
        all
    }

    fn end(indication: &Indication) -> UnixMillis {
        match indication.timing.min_end {
            EndTime::At(at) => at,
            EndTime::Unknown => panic!("a fixed-time plan knows every end"),
        }
    }

    /// The start of the plan's cycle that holds T0.
    fn cycle_start(c: &SimulatedController) -> UnixMillis {
        UnixMillis(T0.0 - (T0.0 + c.cycle_ms - c.offset_ms) % c.cycle_ms)
    }

    /// The light of `source` at `ms` into a cycle, and its end in ms from that cycle's start.
    fn show(c: &SimulatedController, ms: u64, source: SignalSource) -> (Light, u64) {
        let start = cycle_start(c);
        let state = c.state_at(start.plus_ms(ms));
        let i = state.indication(source).unwrap();
        (i.light, end(i).since(start))
    }

    /// No two conflicting phases show anything but red at `now`.
    fn check_conflicts(c: &SimulatedController, now: UnixMillis) {
        let state = c.state_at(now);
        for a in c.phases() {
            for b in c.phases().iter().filter(|b| a.conflicts_with(b)) {
                let la = state.indication(Phase(a.number)).unwrap().light;
                let lb = state.indication(Phase(b.number)).unwrap().light;
                assert!(
                    la == Light::Red || lb == Light::Red,
                    "phases {} ({la:?}) and {} ({lb:?}) conflict at {now:?}",
                    a.number,
                    b.number
                );
            }
        }
    }

    /// Every signal's end is after `now`, the same indication holds until 1 ms before it, and
    /// the light differs at it.
    fn check_ends(c: &SimulatedController, now: UnixMillis) {
        let state = c.state_at(now);
        assert_eq!(state.observed_at, now);
        assert!(state.status.fixed_time);
        for (source, indication) in signals(&state) {
            let at = end(&indication);
            assert!(at > now, "{source} ends at {at:?}, not after {now:?}");
            assert_eq!(indication.timing, Timing::exact(at));
            assert!(!indication.flashing);
            let before = c.state_at(UnixMillis(at.0 - 1));
            assert_eq!(
                before.indication(source),
                Some(&indication),
                "{source} changed before its end"
            );
            let after = c.state_at(at);
            assert_ne!(
                after.indication(source).unwrap().light,
                indication.light,
                "{source} did not change at its end {at:?}"
            );
        }
    }

    /// The demo plan laid out by hand (ms from the cycle start):
    /// barrier group 1 lasts max(ring 1: 1 = 8+3+2 = 13 s, 2 = 24+4+2 = 30 s; ring 2 the same)
    /// = 43 s; group 2 lasts 3 = 13 s + 4 = 16+4+2 = 22 s = 35 s; cycle 43 + 35 = 78 s.
    #[test]
    fn demo_cycle_and_layout_by_hand() {
        let c = SimulatedController::demo_four_leg();
        assert_eq!(c.cycle_ms(), 78_000);
        assert_eq!(T0.0 % 78_000, 0);
        let starts: Vec<(u8, u64, u64)> = c
            .phases()
            .iter()
            .map(|p| (p.number, p.green_start_ms, p.clearance_end_ms()))
            .collect();
        assert_eq!(
            starts,
            [
                (1, 0, 13_000),
                (2, 13_000, 43_000),
                (3, 43_000, 56_000),
                (4, 56_000, 78_000),
                (5, 0, 13_000),
                (6, 13_000, 43_000),
                (7, 43_000, 56_000),
                (8, 56_000, 78_000),
            ]
        );
        let p2 = c.phases().get(1).unwrap();
        assert_eq!((p2.barrier, p2.ring), (0, 0));
        assert_eq!(
            p2.pedestrian,
            Some(PedestrianTiming {
                walk_ms: 7_000,
                clearance_ms: 11_000
            })
        );
        assert_eq!(c.overlaps().len(), 1);
        assert_eq!(c.overlaps().first().unwrap().parents, [2, 3]);
    }

    #[test]
    fn demo_toml_is_the_demo_plan() {
        let parsed: SimConfig = toml::from_str(DEMO_TOML).unwrap();
        assert_eq!(parsed, SimConfig::demo_four_leg());
        assert_eq!(
            parsed.validate().unwrap(),
            SimulatedController::demo_four_leg()
        );
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum ControllerConfig {
        Simulated(SimConfig),
    }

    #[derive(Debug, Deserialize)]
    struct Document {
        intersection: IntersectionSection,
    }

    #[derive(Debug, Deserialize)]
    struct IntersectionSection {
        controller: ControllerConfig,
    }

    #[test]
    fn deserialises_as_a_kind_tagged_enum_variant() {
        let text = format!("[intersection.controller]\nkind = \"simulated\"\n{DEMO_TOML}");
        let doc: Document = toml::from_str(&text).unwrap();
        assert_eq!(
            doc.intersection.controller,
            ControllerConfig::Simulated(SimConfig::demo_four_leg())
        );

        // The array-of-tables form, with whole seconds written as integers.
        let text = "[intersection.controller]\nkind = \"simulated\"\n\
            [[intersection.controller.barrier]]\nrings = [[1], [2]]\n\
            [[intersection.controller.phase]]\nnumber = 1\ngreen_s = 20\nyellow_s = 4\nred_clearance_s = 2\n\
            [[intersection.controller.phase]]\nnumber = 2\ngreen_s = 20.0\nyellow_s = 4.0\nred_clearance_s = 2.0\n";
        let doc: Document = toml::from_str(text).unwrap();
        let ControllerConfig::Simulated(sim) = doc.intersection.controller;
        assert_eq!(sim.offset_s, 0.0);
        assert_eq!(sim.phases.first().unwrap().green_s, 20.0);
        assert_eq!(sim.validate().unwrap().cycle_ms(), 26_000);

        // deny_unknown_fields still holds inside the tagged enum.
        let text =
            format!("[intersection.controller]\nkind = \"simulated\"\ncolour = 1\n{DEMO_TOML}");
        let err = toml::from_str::<Document>(&text).unwrap_err();
        assert!(err.message().contains("unknown field `colour`"), "{err}");
        // The struct itself has no `kind`: that belongs to the caller's enum.
        let err =
            toml::from_str::<SimConfig>(&format!("kind = \"simulated\"\n{DEMO_TOML}")).unwrap_err();
        assert!(err.message().contains("unknown field `kind`"), "{err}");
    }

    /// Hand-derived from the layout above: 1/5 G 0–8 Y 8–11 R; 2/6 G 13–37 Y 37–41 R;
    /// 3/7 G 43–51 Y 51–54 R; 4/8 G 56–72 Y 72–76 R (s). Walk 2/6 13–20, clearance 20–31;
    /// walk 4/8 56–60, clearance 60–72. Overlap A (2, 3): 3 follows 2 in ring 1 (across the
    /// barrier), so it is green 13–51 without a break, yellow with 3 at 51–54, then red.
    #[test]
    fn demo_states_at_chosen_instants() {
        let c = SimulatedController::demo_four_leg();
        use Light::{Green, Red, Yellow};
        let expect = |ms: u64, cases: &[(SignalSource, Light, u64)]| {
            for &(source, light, end) in cases {
                assert_eq!(show(&c, ms, source), (light, end), "{source} at {ms} ms");
            }
        };
        expect(
            0,
            &[
                (Phase(1), Green, 8_000),
                (Phase(2), Red, 13_000),
                (Phase(3), Red, 43_000),
                (Phase(4), Red, 56_000),
                (Phase(5), Green, 8_000),
                (Phase(6), Red, 13_000),
                (Phase(7), Red, 43_000),
                (Phase(8), Red, 56_000),
                (Pedestrian(2), Red, 13_000),
                (Pedestrian(4), Red, 56_000),
                (Overlap(1), Red, 13_000),
            ],
        );
        expect(
            9_500,
            &[(Phase(1), Yellow, 11_000), (Phase(5), Yellow, 11_000)],
        );
        // Red clearance is red; the next green is the next cycle's.
        expect(12_000, &[(Phase(1), Red, 78_000), (Phase(2), Red, 13_000)]);
        expect(
            13_000,
            &[
                (Phase(2), Green, 37_000),
                (Pedestrian(2), Green, 20_000),
                (Pedestrian(6), Green, 20_000),
                (Overlap(1), Green, 51_000),
            ],
        );
        expect(
            20_000,
            &[(Pedestrian(2), Yellow, 31_000), (Phase(2), Green, 37_000)],
        );
        expect(31_000, &[(Pedestrian(2), Red, 78_000 + 13_000)]);
        expect(
            38_000,
            &[(Phase(2), Yellow, 41_000), (Overlap(1), Green, 51_000)],
        );
        expect(
            42_000,
            &[
                (Phase(2), Red, 78_000 + 13_000),
                (Phase(3), Red, 43_000),
                (Overlap(1), Green, 51_000),
            ],
        );
        expect(
            52_000,
            &[
                (Phase(3), Yellow, 54_000),
                (Phase(7), Yellow, 54_000),
                (Overlap(1), Yellow, 54_000),
                (Phase(4), Red, 56_000),
            ],
        );
        expect(
            55_000,
            &[
                (Phase(3), Red, 78_000 + 43_000),
                (Overlap(1), Red, 78_000 + 13_000),
            ],
        );
        expect(
            60_000,
            &[
                (Phase(4), Green, 72_000),
                (Pedestrian(4), Yellow, 72_000),
                (Pedestrian(8), Yellow, 72_000),
            ],
        );
        expect(
            77_999,
            &[(Phase(4), Red, 78_000 + 56_000), (Phase(1), Red, 78_000)],
        );
        // The next cycle repeats the first: 78 s later, the same lights and ends 78 s later.
        expect(
            78_000,
            &[(Phase(1), Green, 86_000), (Overlap(1), Red, 91_000)],
        );

        let state = c.state_at(T0);
        assert_eq!(state.phases.iter().flatten().count(), 8);
        assert_eq!(state.pedestrians.iter().flatten().count(), 4);
        assert_eq!(state.overlaps.iter().flatten().count(), 1);
        assert!(
            state.pedestrians.first().unwrap().is_none(),
            "phase 1 has no crosswalk"
        );
        assert_eq!(
            state.status,
            ControllerStatus {
                fixed_time: true,
                ..Default::default()
            }
        );
    }

    /// Ring 1: 1 = 8+3+2 = 13 s, 2 = 24+4+2 = 30 s, 43 s. Ring 2: 5 = 7+3+0 = 10 s,
    /// 6 = 20+3.5+1.5 = 25 s, 35 s. The barrier comes at 43 s, so phase 6 gets the 8 s of
    /// slack: green 10–38 s (28 s), yellow to 41.5 s, red clearance to 43 s.
    const SLACK_PLAN: &str = r#"
        barrier = [{ rings = [[1, 2], [5, 6]] }]
        phase = [
            { number = 1, green_s = 8.0, yellow_s = 3.0, red_clearance_s = 2.0 },
            { number = 2, green_s = 24.0, yellow_s = 4.0, red_clearance_s = 2.0 },
            { number = 5, green_s = 7.0, yellow_s = 3.0, red_clearance_s = 0.0 },
            { number = 6, green_s = 20.0, yellow_s = 3.5, red_clearance_s = 1.5 },
        ]
    "#;

    #[test]
    fn ring_slack_goes_to_the_last_green_before_the_barrier() {
        let c = plan(SLACK_PLAN);
        assert_eq!(c.cycle_ms(), 43_000);
        let p = |n: u8| *c.phases().iter().find(|p| p.number == n).unwrap();
        assert_eq!((p(5).green_start_ms, p(5).green_ms), (0, 7_000));
        assert_eq!((p(6).green_start_ms, p(6).green_ms), (10_000, 28_000));
        assert_eq!(p(6).clearance_end_ms(), 43_000);
        assert_eq!(p(2).green_ms, 24_000);
        assert_eq!(p(2).clearance_end_ms(), 43_000);
        assert_eq!(show(&c, 37_999, Phase(6)), (Light::Green, 38_000));
        assert_eq!(show(&c, 38_000, Phase(6)), (Light::Yellow, 41_500));
        assert_eq!(show(&c, 41_500, Phase(6)), (Light::Red, 43_000 + 10_000));
        // With no red clearance, 5's yellow hands straight to 6's green.
        assert_eq!(show(&c, 9_999, Phase(5)), (Light::Yellow, 10_000));
        assert_eq!(show(&c, 10_000, Phase(5)), (Light::Red, 43_000));
    }

    /// The demo's structure and times, with overlaps chosen for each hand-over case.
    const OVERLAP_PLAN: &str = r#"
        barrier = [{ rings = [[1, 2], [5, 6]] }, { rings = [[3, 4], [7, 8]] }]
        phase = [
            { number = 1, green_s = 8.0, yellow_s = 3.0, red_clearance_s = 2.0 },
            { number = 2, green_s = 24.0, yellow_s = 4.0, red_clearance_s = 2.0 },
            { number = 3, green_s = 8.0, yellow_s = 3.0, red_clearance_s = 2.0 },
            { number = 4, green_s = 16.0, yellow_s = 4.0, red_clearance_s = 2.0 },
            { number = 5, green_s = 8.0, yellow_s = 3.0, red_clearance_s = 2.0 },
            { number = 6, green_s = 24.0, yellow_s = 4.0, red_clearance_s = 2.0 },
            { number = 7, green_s = 8.0, yellow_s = 3.0, red_clearance_s = 2.0 },
            { number = 8, green_s = 16.0, yellow_s = 4.0, red_clearance_s = 2.0 },
        ]
        overlap = [
            { number = 1, parents = [1, 2] },
            { number = 2, parents = [1, 6] },
            { number = 4, parents = [4, 1] },
        ]
    "#;

    #[test]
    fn overlaps_follow_their_parents() {
        let c = plan(OVERLAP_PLAN);
        use Light::{Green, Red, Yellow};
        // Overlap 1: 2 follows 1 in ring 1, so green through 1's yellow and red clearance
        // (0–37 s); 2 hands over to 3, not a parent: yellow with 2 (37–41 s), then red.
        for (ms, expected) in [
            (0, (Green, 37_000)),
            (8_000, (Green, 37_000)),
            (12_000, (Green, 37_000)),
            (37_000, (Yellow, 41_000)),
            (41_000, (Red, 78_000)),
        ] {
            assert_eq!(show(&c, ms, Overlap(1)), expected, "overlap 1 at {ms}");
        }
        // Overlap 2: 1 (ring 1) is followed by 2, not a parent, and 6 (ring 2) starts only at
        // 13 s: green 0–8, yellow 8–11, red 11–13, green with 6 13–37, yellow 37–41, red.
        for (ms, expected) in [
            (0, (Green, 8_000)),
            (8_000, (Yellow, 11_000)),
            (11_000, (Red, 13_000)),
            (13_000, (Green, 37_000)),
            (37_000, (Yellow, 41_000)),
            (41_000, (Red, 78_000)),
        ] {
            assert_eq!(show(&c, ms, Overlap(2)), expected, "overlap 2 at {ms}");
        }
        // Overlap 4: 1 follows 4 across the barrier and the cycle's end: green 56 s to 8 s
        // of the next cycle, yellow with 1 to 11 s, red until 4 starts again.
        for (ms, expected) in [
            (56_000, (Green, 78_000 + 8_000)),
            (77_000, (Green, 78_000 + 8_000)),
            (0, (Green, 8_000)),
            (8_000, (Yellow, 11_000)),
            (11_000, (Red, 56_000)),
        ] {
            assert_eq!(show(&c, ms, Overlap(4)), expected, "overlap 4 at {ms}");
        }
        let state = c.state_at(T0);
        assert!(
            state.indication(Overlap(3)).is_none(),
            "overlap 3 is not configured"
        );
    }

    #[test]
    fn pedestrian_walks_only_in_its_green_then_clears() {
        let c = SimulatedController::demo_four_leg();
        for phase in c.phases() {
            let Some(ped) = phase.pedestrian else {
                continue;
            };
            // The sequence from the green's start: Walk, clearance, Don't Walk, each once.
            let mut sequence: Vec<(Light, u64)> = Vec::new();
            for step in 0..c.cycle_ms() / 100 {
                let ms = (phase.green_start_ms + step * 100) % c.cycle_ms();
                let state = c.state_at(T0.plus_ms(ms));
                let walk = state.indication(Pedestrian(phase.number)).unwrap().light;
                let vehicle = state.indication(Phase(phase.number)).unwrap().light;
                if walk != Light::Red {
                    assert_eq!(vehicle, Light::Green, "pedestrian {} at {ms}", phase.number);
                }
                match sequence.last_mut() {
                    Some((light, duration)) if *light == walk => *duration += 100,
                    _ => sequence.push((walk, 100)),
                }
            }
            let dont_walk = c.cycle_ms() - ped.walk_ms - ped.clearance_ms;
            assert_eq!(
                sequence,
                [
                    (Light::Green, ped.walk_ms),
                    (Light::Yellow, ped.clearance_ms),
                    (Light::Red, dont_walk)
                ]
            );
        }
        // Phase 4: walk 4 s + clearance 12 s fill its 16 s green exactly.
        assert_eq!(show(&c, 71_999, Pedestrian(4)), (Light::Yellow, 72_000));
        assert_eq!(
            show(&c, 72_000, Pedestrian(4)),
            (Light::Red, 78_000 + 56_000)
        );
    }

    #[test]
    fn offset_shifts_the_plan() {
        let base = SimulatedController::demo_four_leg();
        let shifted = |offset_s| {
            let mut config = SimConfig::demo_four_leg();
            config.offset_s = offset_s;
            config.validate().unwrap()
        };
        let c = shifted(10.5);
        // Negative offsets and offsets beyond a cycle reduce modulo the 78 s cycle.
        assert_eq!(shifted(-67.5), c);
        assert_eq!(shifted(88.5), c);
        assert_ne!(base, c);
        // The cycle now starts 10.5 s after T0: phase 1 turns green there, for 8 s.
        assert_eq!(cycle_start(&c).plus_ms(78_000), T0.plus_ms(10_500));
        let phase_1 = |ms| {
            let state = c.state_at(T0.plus_ms(ms));
            let i = *state.indication(Phase(1)).unwrap();
            (i.light, end(&i).since(T0))
        };
        assert_eq!(phase_1(10_500), (Light::Green, 18_500));
        assert_eq!(phase_1(10_499), (Light::Red, 10_500));
        for step in 0..780 {
            let plain = base.state_at(T0.plus_ms(step * 100));
            let moved = c.state_at(T0.plus_ms(step * 100 + 10_500));
            for ((source, a), (other, b)) in signals(&plain).into_iter().zip(signals(&moved)) {
                assert_eq!(source, other);
                assert_eq!(a.light, b.light, "{source}");
                assert_eq!(end(&a).0 + 10_500, end(&b).0, "{source}");
            }
        }
    }

    fn exhaustive_plans() -> Vec<SimulatedController> {
        let mut offset = SimConfig::demo_four_leg();
        offset.offset_s = 0.3;
        vec![
            SimulatedController::demo_four_leg(),
            plan(SLACK_PLAN),
            plan(OVERLAP_PLAN),
            offset.validate().unwrap(),
        ]
    }

    #[test]
    fn conflicting_phases_are_never_both_shown() {
        for c in exhaustive_plans() {
            for step in 0..2 * c.cycle_ms() / 100 {
                check_conflicts(&c, T0.plus_ms(step * 100));
            }
        }
    }

    #[test]
    fn every_end_is_exactly_the_next_change() {
        for c in exhaustive_plans() {
            for step in 0..c.cycle_ms() / 100 {
                check_ends(&c, T0.plus_ms(step * 100));
                // Between the tenths too.
                check_ends(&c, T0.plus_ms(step * 100 + 37));
            }
        }
        // Before the offset in absolute time: the subtraction wraps within the cycle.
        let mut config = SimConfig::demo_four_leg();
        config.offset_s = 50.0;
        let c = config.validate().unwrap();
        check_ends(&c, UnixMillis(0));
        assert_eq!(
            c.state_at(UnixMillis(0))
                .indication(Phase(4))
                .map(|i| (i.light, end(i))),
            // 0 is 28 s into the cycle (−50 ≡ 28 mod 78): phase 4 red until 56 s, 28 s away.
            Some((Light::Red, UnixMillis(28_000)))
        );
    }

    /// A change to the demo plan and the error it must cause.
    type Case = (Box<dyn FnOnce(&mut SimConfig)>, SimError);

    fn demo_with(change: impl FnOnce(&mut SimConfig)) -> Result<SimulatedController, SimError> {
        let mut config = SimConfig::demo_four_leg();
        change(&mut config);
        config.validate()
    }

    fn field(f: &str) -> String {
        f.to_string()
    }

    #[test]
    fn structure_errors_name_the_field() {
        let cases: Vec<Case> = vec![
            (
                Box::new(|c| c.barriers.clear()),
                SimError::NoBarrier {
                    field: field("barrier"),
                },
            ),
            (
                Box::new(|c| c.barriers[1].rings.clear()),
                SimError::NoRing {
                    field: field("barrier[1].rings"),
                },
            ),
            (
                Box::new(|c| {
                    c.barriers = vec![BarrierConfig {
                        rings: vec![vec![1], vec![2], vec![3], vec![4], vec![5, 6, 7, 8]],
                    }]
                }),
                SimError::TooManyRings {
                    field: field("barrier[0].rings"),
                    rings: 5,
                },
            ),
            (
                Box::new(|c| c.barriers[1].rings = vec![vec![3, 4, 7, 8]]),
                SimError::RingCountMismatch {
                    field: field("barrier[1].rings"),
                    rings: 1,
                    expected: 2,
                },
            ),
            (
                Box::new(|c| c.barriers[0].rings[1].clear()),
                SimError::EmptyRing {
                    field: field("barrier[0].rings[1]"),
                },
            ),
            (
                Box::new(|c| c.barriers[0].rings[1][0] = 0),
                SimError::PhaseNumber {
                    field: field("barrier[0].rings[1][0]"),
                    number: 0,
                },
            ),
            (
                Box::new(|c| c.phases[0].number = 17),
                SimError::PhaseNumber {
                    field: field("phase[0].number"),
                    number: 17,
                },
            ),
            (
                Box::new(|c| c.phases[2].number = 1),
                SimError::PhaseDefinedTwice {
                    field: field("phase[2].number"),
                    number: 1,
                    other: field("phase[0]"),
                },
            ),
            (
                Box::new(|c| {
                    c.phases.remove(7);
                }),
                SimError::PhaseNotDefined {
                    field: field("barrier[1].rings[1][1]"),
                    number: 8,
                },
            ),
            (
                Box::new(|c| c.barriers[1].rings[1] = vec![7]),
                SimError::PhaseInNoRing {
                    field: field("phase[7].number"),
                    number: 8,
                },
            ),
            (
                Box::new(|c| c.barriers[1].rings[1] = vec![7, 2]),
                SimError::PhaseInTwoPlaces {
                    field: field("barrier[1].rings[1][1]"),
                    number: 2,
                    other: field("barrier[0].rings[0][1]"),
                },
            ),
        ];
        for (change, expected) in cases {
            assert_eq!(demo_with(change).unwrap_err(), expected);
        }
    }

    #[test]
    fn time_errors_name_the_field() {
        let range = |f: &str, value, min, max| SimError::OutOfRange {
            field: field(f),
            value,
            min,
            max,
        };
        let cases: Vec<Case> = vec![
            (
                Box::new(|c| c.phases[1].yellow_s = 2.9),
                range("phase[1].yellow_s", 2.9, 3.0, 6.0),
            ),
            (
                Box::new(|c| c.phases[1].yellow_s = 6.1),
                range("phase[1].yellow_s", 6.1, 3.0, 6.0),
            ),
            (
                Box::new(|c| c.phases[0].red_clearance_s = -0.1),
                range("phase[0].red_clearance_s", -0.1, 0.0, 6.0),
            ),
            (
                Box::new(|c| c.phases[0].red_clearance_s = 6.5),
                range("phase[0].red_clearance_s", 6.5, 0.0, 6.0),
            ),
            (
                Box::new(|c| c.phases[4].green_s = 0.9),
                range("phase[4].green_s", 0.9, 1.0, 3600.0),
            ),
            (
                Box::new(|c| c.phases[4].green_s = 3600.1),
                range("phase[4].green_s", 3600.1, 1.0, 3600.0),
            ),
            (
                Box::new(|c| c.phases[1].walk_s = Some(0.5)),
                range("phase[1].walk_s", 0.5, 1.0, 3600.0),
            ),
            (
                Box::new(|c| c.phases[1].yellow_s = 3.25),
                SimError::MoreThanOneDecimal {
                    field: field("phase[1].yellow_s"),
                    value: 3.25,
                },
            ),
            (
                Box::new(|c| c.offset_s = 0.05),
                SimError::MoreThanOneDecimal {
                    field: field("offset_s"),
                    value: 0.05,
                },
            ),
            (
                Box::new(|c| c.phases[3].green_s = f64::INFINITY),
                SimError::NotFinite {
                    field: field("phase[3].green_s"),
                    value: f64::INFINITY,
                },
            ),
            (
                Box::new(|c| c.phases[1].ped_clearance_s = None),
                SimError::WalkWithoutPedClearance {
                    field: field("phase[1].walk_s"),
                },
            ),
            (
                Box::new(|c| c.phases[1].walk_s = None),
                SimError::PedClearanceWithoutWalk {
                    field: field("phase[1].ped_clearance_s"),
                },
            ),
            (
                Box::new(|c| c.phases[3].ped_clearance_s = Some(12.1)),
                SimError::PedLongerThanGreen {
                    field: field("phase[3].ped_clearance_s"),
                    walk_s: 4.0,
                    ped_clearance_s: 12.1,
                    green_s: 16.0,
                },
            ),
        ];
        for (change, expected) in cases {
            assert_eq!(demo_with(change).unwrap_err(), expected);
        }
        // The limits themselves are allowed; the demo's phase 4 ped timing fills its green.
        demo_with(|c| {
            c.phases[1].yellow_s = 3.0;
            c.phases[2].yellow_s = 6.0;
            c.phases[0].red_clearance_s = 0.0;
            c.phases[5].red_clearance_s = 6.0;
            c.phases[4].green_s = 1.0;
            c.offset_s = -0.3;
        })
        .unwrap();
        assert_eq!(
            range("phase[1].yellow_s", 2.5, 3.0, 6.0).to_string(),
            "phase[1].yellow_s: 2.5 s is outside 3.0..=6.0 s"
        );
    }

    #[test]
    fn overlap_errors_name_the_field() {
        let overlaps = |parents: Vec<i64>| vec![OverlapConfig { number: 1, parents }];
        let cases: Vec<Case> = vec![
            (
                Box::new(|c| c.overlaps[0].number = 0),
                SimError::OverlapNumber {
                    field: field("overlap[0].number"),
                    number: 0,
                },
            ),
            (
                Box::new(|c| c.overlaps[0].number = 17),
                SimError::OverlapNumber {
                    field: field("overlap[0].number"),
                    number: 17,
                },
            ),
            (
                Box::new(|c| c.overlaps.push(c.overlaps[0].clone())),
                SimError::OverlapDefinedTwice {
                    field: field("overlap[1].number"),
                    number: 1,
                    other: field("overlap[0]"),
                },
            ),
            (
                Box::new(move |c| c.overlaps = overlaps(vec![])),
                SimError::OverlapWithoutParent {
                    field: field("overlap[0].parents"),
                },
            ),
            (
                Box::new(move |c| c.overlaps = overlaps(vec![2, 9])),
                SimError::OverlapParentNotPhase {
                    field: field("overlap[0].parents[1]"),
                    parent: 9,
                },
            ),
            (
                Box::new(move |c| c.overlaps = overlaps(vec![-2])),
                SimError::OverlapParentNotPhase {
                    field: field("overlap[0].parents[0]"),
                    parent: -2,
                },
            ),
            (
                Box::new(move |c| c.overlaps = overlaps(vec![2, 2])),
                SimError::OverlapParentTwice {
                    field: field("overlap[0].parents[1]"),
                    parent: 2,
                },
            ),
            (
                // Ring 1 runs 1, 2, 3, 4 and round again: each hands over to the next.
                Box::new(move |c| c.overlaps = overlaps(vec![1, 2, 3, 4])),
                SimError::OverlapAlwaysGreen {
                    field: field("overlap[0].parents"),
                    number: 1,
                },
            ),
        ];
        for (change, expected) in cases {
            assert_eq!(demo_with(change).unwrap_err(), expected);
        }
    }

    /// The caller finds the offending value in its document, here under
    /// `[intersection.controller]`.
    #[test]
    fn errors_locate_their_field_in_the_source() {
        let bad = DEMO_TOML.replace(
            "number = 2, green_s = 24.0, yellow_s = 4.0",
            "number = 2, green_s = 24.0, yellow_s = 2.5",
        );
        let text = format!("[intersection.controller]\nkind = \"simulated\"\n{bad}");
        let doc: Document = toml::from_str(&text).unwrap();
        let ControllerConfig::Simulated(sim) = doc.intersection.controller;
        let err = sim.validate().unwrap_err();
        assert_eq!(err.field(), "phase[1].yellow_s");

        let root = toml::de::DeTable::parse(&text).unwrap();
        let controller = root
            .get_ref()
            .get("intersection")
            .and_then(|v| v.get_ref().get("controller"))
            .and_then(|v| v.get_ref().as_table())
            .unwrap();
        let span = err.span_in(controller).unwrap();
        assert_eq!(&text[span.clone()], "2.5");
        // Line 13 of the document: two header lines, three comment lines, offset, four for
        // the barriers, `phase = [`, then phase 1 and phase 2.
        assert_eq!(text[..span.start].lines().count(), 13);

        let err = SimError::PhaseInTwoPlaces {
            field: field("barrier[1].rings[1][0]"),
            number: 7,
            other: field("x"),
        };
        let span = err.span_in(controller).unwrap();
        assert_eq!(&text[span], "7");
        let missing = SimError::NoRing {
            field: field("barrier[5].rings"),
        };
        assert_eq!(missing.span_in(controller), None);
    }

    /// A plan on the eight-phase structure with random times, pedestrian movements, offset
    /// and one overlap of up to three parents (too few to be green all round a ring of four).
    fn arbitrary_plan() -> impl Strategy<Value = SimConfig> {
        let phase = (
            10u32..=600,
            30u32..=60,
            0u32..=60,
            proptest::option::of((10u32..=300, 10u32..=300)),
        );
        (
            proptest::collection::vec(phase, 8),
            -2_000_000i32..=2_000_000,
            proptest::sample::subsequence((1..=8i64).collect::<Vec<_>>(), 1..=3),
            any::<bool>(),
        )
            .prop_map(|(times, offset, parents, with_overlap)| {
                let s = |tenths: u32| f64::from(tenths) / 10.0;
                let phases = (1..=8)
                    .zip(times)
                    .map(|(number, (green, yellow, red, ped))| {
                        let ped = ped.filter(|(walk, clear)| walk + clear <= green);
                        PhaseConfig {
                            number,
                            green_s: s(green),
                            yellow_s: s(yellow),
                            red_clearance_s: s(red),
                            walk_s: ped.map(|p| s(p.0)),
                            ped_clearance_s: ped.map(|p| s(p.1)),
                        }
                    })
                    .collect();
                let mut config = SimConfig::demo_four_leg();
                config.phases = phases;
                config.offset_s = f64::from(offset) / 10.0;
                config.overlaps = if with_overlap {
                    vec![OverlapConfig { number: 3, parents }]
                } else {
                    Vec::new()
                };
                config
            })
    }

    proptest! {
        #[test]
        fn random_plans_never_conflict_and_end_exactly(
            config in arbitrary_plan(),
            instants in proptest::collection::vec(0u64..=4_102_444_800_000, 1..16),
        ) {
            let c = config.validate().unwrap();
            for now in instants {
                check_conflicts(&c, UnixMillis(now));
                check_ends(&c, UnixMillis(now));
            }
        }
    }
}
