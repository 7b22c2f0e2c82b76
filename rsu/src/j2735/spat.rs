//! J2735 SPaT from controller state: pure functions of the state, the mapping and UTC.
//!
//! Choices made here, each against a defect other systems shipped (rsu-system.md §2.3, §2.6):
//! - Every TimeMark comes from [`time_mark`], which can only yield 0..=36001: an end more
//!   than an hour away is 36000, an unknown end 36001, never a wrapped "plausible" value
//!   (V2X Hub's 0xFFFF max time; carma-streets #233's TimeMark > 36001).
//! - The same `now` gives `moy`, `timeStamp` and every TimeMark's hour, so a receiver that
//!   rebuilds absolute times from the message's own timestamp lands in the right hour
//!   (carma-streets #278). End times are absolute instants fixed when the controller spoke,
//!   so a state waiting for the next tick still counts down from the controller's moment.
//! - Protected and permissive greens and clearances come from the configured [`GreenKind`],
//!   never a fixed guess (V2X Hub #233, #35); flashing comes from the indication alone.
//! - The status bits are set one by one from named conditions, not a copied status byte.

use rasn::types::{BitString, Ia5String};
use rsu_codecs::j2735::{
    ConnectionManeuverAssist, DSecond, DescriptiveName, IntersectionID, IntersectionReferenceID,
    IntersectionState, IntersectionStateList, IntersectionStatusObject, LaneConnectionID,
    ManeuverAssistList, MinuteOfTheYear, MovementEvent, MovementEventList, MovementList,
    MovementPhaseState, MovementState, MsgCount, PedestrianBicycleDetect, RoadRegulatorID, SPAT,
    SignalGroupID, TimeChangeDetails, TimeMark,
};

use crate::clock::{MS_PER_HOUR, UnixMillis};
use crate::controller::{
    ControllerState, ControllerStatus, EndTime, Indication, Light, SignalSource,
};
use crate::intersection::{GreenKind, Intersection, SignalGroup};

/// J2735 TimeMark 36001: the time is unknown.
pub const TIME_MARK_UNKNOWN: u16 = 36001;
/// J2735 TimeMark 36000: more than an hour from now.
pub const TIME_MARK_BEYOND_HOUR: u16 = 36000;

/// Tenths of a second in an hour: TimeMark counts within the UTC hour, 0..=35999.
const TENTHS_PER_HOUR: u64 = 36_000;

/// J2735 DescriptiveName holds at most 63 IA5 characters.
const NAME_MAX: usize = 63;

/// J2735 ManeuverAssistList holds at most 16 entries.
const ASSIST_MAX: usize = 16;

/// How an instant becomes a whole tenth of a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rounding {
    /// Towards the past: for minEndTime, which must never claim an end later than the
    /// earliest possible one.
    Down,
    /// Towards the future: for maxEndTime, which must never claim an end earlier than the
    /// latest possible one.
    Up,
    /// To the nearest tenth (half up): for likelyTime.
    Nearest,
}

/// The J2735 TimeMark of `end` as seen at `now`: tenths of a second within the UTC hour.
///
/// `EndTime::Unknown` is 36001. An end before `now` counts as `now` (a TimeMark in the past
/// would read as the same tenth of the next hour). An end whose rounded tenth is an hour or
/// more after `now`'s tenth is 36000: such a TimeMark would otherwise alias a time within
/// the coming hour, `now` itself included. Otherwise the tenth wraps at the hour, so
/// 59:59.95 rounded up is 0 (the next hour's first tenth). POSIX time has no leap seconds,
/// so the leap-second marks 35991..=35999 of J2735 are never produced specially.
pub fn time_mark(end: EndTime, now: UnixMillis, rounding: Rounding) -> TimeMark {
    let EndTime::At(at) = end else {
        return TimeMark(TIME_MARK_UNKNOWN);
    };
    let at = at.max(now);
    if at.since(now) >= MS_PER_HOUR {
        return TimeMark(TIME_MARK_BEYOND_HOUR);
    }
    let tenths = match rounding {
        Rounding::Down => at.0 / 100,
        Rounding::Up => at.0.div_ceil(100),
        Rounding::Nearest => at.0 / 100 + u64::from(at.0 % 100 >= 50),
    };
    if tenths.saturating_sub(now.0 / 100) >= TENTHS_PER_HOUR {
        return TimeMark(TIME_MARK_BEYOND_HOUR);
    }
    // Below 36000, so it fits a u16.
    TimeMark((tenths % TENTHS_PER_HOUR) as u16)
}

/// The J2735 MovementPhaseState of one indication (J2735 MovementPhaseState; MUTCD meanings).
///
/// Vehicle phases and overlaps: dark → dark; flashing red → stop-Then-Proceed; red →
/// stop-And-Remain; flashing yellow → caution-Conflicting-Traffic; yellow → protected- or
/// permissive-clearance and green (steady or flashing) → protected- or
/// permissive-Movement-Allowed, as the signal group's [`GreenKind`] says.
/// Pedestrian movements: Walk (green) → protected- or permissive-Movement-Allowed;
/// pedestrian clearance (yellow, flashing or not) → protected- or permissive-clearance;
/// Don't Walk (red, flashing or not) → stop-And-Remain; dark → dark.
pub fn event_state(source: SignalSource, green: GreenKind, ind: &Indication) -> MovementPhaseState {
    use MovementPhaseState as S;
    let protected = green == GreenKind::Protected;
    let (allowed, clearance) = if protected {
        (S::ProtectedMovementAllowed, S::ProtectedClearance)
    } else {
        (S::PermissiveMovementAllowed, S::PermissiveClearance)
    };
    match (source, ind.light, ind.flashing) {
        (_, Light::Dark, _) => S::Dark,
        (SignalSource::Pedestrian(_), Light::Red, _) => S::StopAndRemain,
        (SignalSource::Pedestrian(_), Light::Yellow, _) => clearance,
        (_, Light::Red, true) => S::StopThenProceed,
        (_, Light::Red, false) => S::StopAndRemain,
        (_, Light::Yellow, true) => S::CautionConflictingTraffic,
        (_, Light::Yellow, false) => clearance,
        (_, Light::Green, _) => allowed,
    }
}

/// The timing of one indication: minEndTime rounded down, maxEndTime up, likelyTime to the
/// nearest tenth, each a [`time_mark`], after [`Timing::consistent`] (so min <= likely <= max).
///
/// A flashing vehicle or overlap indication (flash mode, flashing red, flashing yellow
/// arrow) is sent with every time unknown (36001): in flash the controller times no
/// interval, so whatever end it reports is meaningless, and a countdown that runs out while
/// the head keeps flashing misleads more than no countdown. The price is that a flashing
/// yellow arrow carries no countdown either. A pedestrian clearance flashes by nature and
/// keeps its times. An unknown maximum is sent as 36001 rather than left out, so a receiver
/// cannot mistake it for "no information sent".
pub fn timing(source: SignalSource, ind: &Indication, now: UnixMillis) -> TimeChangeDetails {
    let pedestrian = matches!(source, SignalSource::Pedestrian(_));
    if ind.flashing && !pedestrian {
        return TimeChangeDetails {
            start_time: None,
            min_end_time: TimeMark(TIME_MARK_UNKNOWN),
            max_end_time: Some(TimeMark(TIME_MARK_UNKNOWN)),
            likely_time: None,
            confidence: None,
            next_time: None,
        };
    }
    // Whatever source built the timing, an inverted window or a likely end outside it never
    // reaches the air. Given min <= likely <= max, the roundings (down, nearest, up) and the
    // clamps of `time_mark` (past to now, beyond the hour to 36000) keep that order.
    let timing = ind.timing.consistent();
    TimeChangeDetails {
        start_time: None,
        min_end_time: time_mark(timing.min_end, now, Rounding::Down),
        max_end_time: Some(time_mark(timing.max_end, now, Rounding::Up)),
        likely_time: timing
            .likely
            .map(|at| time_mark(EndTime::At(at), now, Rounding::Nearest)),
        confidence: None,
        next_time: None,
    }
}

/// The one MovementEvent of a signal group now (J2735 MovementEvent).
///
/// A group whose source the controller does not report is `unavailable` with no timing:
/// J2735 keeps that state for "unknown or error", whereas `dark` would assert an unlit head,
/// which drivers treat as an all-way stop; nothing is known about a head nobody reported.
pub fn movement_event(
    group: &SignalGroup,
    state: &ControllerState,
    now: UnixMillis,
) -> MovementEvent {
    match state.indication(group.source) {
        Some(ind) => {
            let mut event = MovementEvent::new(event_state(group.source, group.green, ind));
            event.timing = Some(timing(group.source, ind, now));
            event
        }
        None => MovementEvent::new(MovementPhaseState::Unavailable),
    }
}

/// The J2735 IntersectionStatusObject of a controller's status; `valid` false sets
/// noValidSPATisAvailableAtThisTime.
///
/// Mapping: manual_control → manualControlIsEnabled, stop_time → stopTimeIsActivated,
/// fault_flash → failureFlash, preempt → preemptIsActive, priority → signalPriorityIsActive,
/// fixed_time → fixedTimeOperation. Left out, because J2735 has no bit that means the same:
/// coordination and coordination_transition (no coordination bit), programmed_flash
/// (standbyOperation describes a partly switched-off or partly flashing controller, not a
/// scheduled flash plan; the flashing heads show per movement anyway).
/// trafficDependentOperation is not inferred from `!fixed_time`: TSCBM does not say how the
/// controller runs, and a bit we cannot vouch for is worse than a bit left clear.
pub fn intersection_status(status: &ControllerStatus, valid: bool) -> IntersectionStatusObject {
    type O = IntersectionStatusObject;
    let mut bits = BitString::repeat(false, 16);
    for (on, bit) in [
        (status.manual_control, O::MANUAL_CONTROL_IS_ENABLED),
        (status.stop_time, O::STOP_TIME_IS_ACTIVATED),
        (status.fault_flash, O::FAILURE_FLASH),
        (status.preempt, O::PREEMPT_IS_ACTIVE),
        (status.priority, O::SIGNAL_PRIORITY_IS_ACTIVE),
        (status.fixed_time, O::FIXED_TIME_OPERATION),
        (!valid, O::NO_VALID_SPAT_IS_AVAILABLE_AT_THIS_TIME),
    ] {
        if on {
            bits.set(bit, true);
        }
    }
    IntersectionStatusObject(bits)
}

/// A J2735 DescriptiveName from free text: characters outside printable ASCII become `?`
/// and the result is cut to 63 characters; `None` for an empty name.
pub fn descriptive_name(text: &str) -> Option<DescriptiveName> {
    let ascii: Vec<u8> = text
        .chars()
        .take(NAME_MAX)
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c as u8
            } else {
                b'?'
            }
        })
        .collect();
    if ascii.is_empty() {
        return None;
    }
    Ia5String::from_iso646_bytes(&ascii)
        .ok()
        .map(DescriptiveName)
}

/// The J2735 IntersectionReferenceID of an intersection (region only if assigned).
pub fn intersection_reference(intersection: &Intersection) -> IntersectionReferenceID {
    IntersectionReferenceID {
        region: intersection.region.map(RoadRegulatorID),
        id: IntersectionID(intersection.id),
    }
}

/// The connection ids (LaneConnectionID) of the lanes' connections `signal_group` controls,
/// ascending and without repeats.
fn connection_ids(intersection: &Intersection, signal_group: u8) -> Vec<u8> {
    let mut ids: Vec<u8> = intersection
        .geometry
        .iter()
        .flat_map(|g| &g.lanes)
        .flat_map(|lane| &lane.connections)
        .filter(|c| c.signal_group == Some(signal_group))
        .filter_map(|c| c.connection_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The J2735 IntersectionState of one intersection at `now` (J2735 IntersectionState).
///
/// `revision` is the MsgCount the caller keeps: the service increments it with every SPaT
/// of the intersection (each one differs, if only in its timeStamp) and wraps 127 → 0; a
/// value above 127 is taken modulo 128 so the message always encodes. Movements follow the configured
/// signal groups in id order. Pedestrian detection (the controller's latched calls) is sent
/// as pedBicycleDetect on the pedestrian group's movement, one assist entry per connection
/// id the group controls in the geometry (at most 16); a group without connection ids has
/// nothing to attach it to and sends none. Only a detection is sent: a missing call does not
/// prove the crosswalk empty, so "false" is never claimed. J2735 needs 1..=255 movements:
/// an intersection without signal groups gives a state the encoder refuses by field path.
pub fn intersection_state(
    intersection: &Intersection,
    state: &ControllerState,
    now: UnixMillis,
    revision: u8,
    valid: bool,
) -> IntersectionState {
    // Movements go out in signal-group order. The configuration lists them that way, so the
    // per-SPaT path allocates and sorts only for a model built in another order.
    let mut sorted: Vec<&SignalGroup> = Vec::new();
    let groups: &[SignalGroup] = &intersection.signal_groups;
    let in_order = groups.is_sorted_by_key(|g| g.id);
    if !in_order {
        sorted = groups.iter().collect();
        sorted.sort_by_key(|g| g.id);
    }
    let ordered = groups
        .iter()
        .filter(|_| in_order)
        .chain(sorted.iter().copied());
    let states = ordered
        .map(|group| {
            let event = movement_event(group, state, now);
            let mut movement =
                MovementState::new(SignalGroupID(group.id), MovementEventList(vec![event]));
            movement.movement_name = group.name.as_deref().and_then(descriptive_name);
            if let SignalSource::Pedestrian(phase) = group.source
                && state.pedestrian_detected(phase)
            {
                let assists: Vec<ConnectionManeuverAssist> = connection_ids(intersection, group.id)
                    .into_iter()
                    .take(ASSIST_MAX)
                    .map(|id| {
                        let mut assist = ConnectionManeuverAssist::new(LaneConnectionID(id));
                        assist.ped_bicycle_detect = Some(PedestrianBicycleDetect(true));
                        assist
                    })
                    .collect();
                if !assists.is_empty() {
                    movement.maneuver_assist_list = Some(ManeuverAssistList(assists));
                }
            }
            movement
        })
        .collect();
    let mut out = IntersectionState::new(
        intersection_reference(intersection),
        MsgCount(revision % 128),
        intersection_status(&state.status, valid),
        MovementList(states),
    );
    out.name = descriptive_name(&intersection.name);
    out.moy = Some(MinuteOfTheYear(now.minute_of_year()));
    out.time_stamp = Some(DSecond(now.ms_of_minute()));
    out
}

/// What an intersection state holds that a certificate's permissions may have to allow
/// (an ETSI authorisation ticket's TLM SSP gates maneuver assist and advisory speeds).
pub fn content(state: &IntersectionState) -> crate::region::Content {
    let movements = &state.states.0;
    crate::region::Content {
        maneuver_assist: movements.iter().any(|m| m.maneuver_assist_list.is_some())
            || state.maneuver_assist_list.is_some(),
        advisory_speed: movements
            .iter()
            .flat_map(|m| &m.state_time_speed.0)
            .any(|e| e.speeds.is_some()),
    }
}

/// A J2735 SPAT of the given intersection states, stamped with `now`'s minute of the year.
///
/// J2735 carries 1..=32 intersections: the list is passed on whole, so an empty or longer
/// list is refused by the encoder with the field path rather than cut here.
pub fn spat(intersections: impl IntoIterator<Item = IntersectionState>, now: UnixMillis) -> SPAT {
    let mut spat = SPAT::new(IntersectionStateList(intersections.into_iter().collect()));
    spat.time_stamp = Some(MinuteOfTheYear(now.minute_of_year()));
    spat
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::controller::{MAX_SIGNALS, Timing};
    use crate::intersection::{
        Connection, GeoPoint, Geometry, Lane, LaneDirection, LaneKind, Maneuver,
    };
    use proptest::prelude::*;
    use rsu_codecs::j2735::MessageFrame;

    /// 2026-11-22T20:50:00.000Z: 50 minutes into the hour, so its TimeMark is 30000.
    const NOW: UnixMillis = UnixMillis(1_795_380_600_000);
    /// 2026-11-22T20:59:59.000Z: TimeMark 35990, one second before the hour.
    const LAST_SECOND: UnixMillis = UnixMillis(1_795_380_600_000 + 599_000);

    fn at(ms: u64) -> EndTime {
        EndTime::At(NOW.plus_ms(ms))
    }

    #[test]
    fn time_mark_within_the_hour_for_each_rounding() {
        // NOW + 12.34 s: 30000 + 123.4 tenths.
        assert_eq!(time_mark(at(12_340), NOW, Rounding::Down), TimeMark(30123));
        assert_eq!(time_mark(at(12_340), NOW, Rounding::Up), TimeMark(30124));
        assert_eq!(
            time_mark(at(12_340), NOW, Rounding::Nearest),
            TimeMark(30123)
        );
        // .35 → Nearest rounds half up to .4; an exact tenth stays put in every mode.
        assert_eq!(
            time_mark(at(12_350), NOW, Rounding::Nearest),
            TimeMark(30124)
        );
        for r in [Rounding::Down, Rounding::Up, Rounding::Nearest] {
            assert_eq!(time_mark(at(12_300), NOW, r), TimeMark(30123));
        }
    }

    #[test]
    fn time_mark_at_the_hour_boundary() {
        // LAST_SECOND is 20:59:59.000 (mark 35990).
        let end = |ms| EndTime::At(LAST_SECOND.plus_ms(ms));
        // 20:59:59.950: down 35999; up reaches 21:00:00.0, the next hour's mark 0;
        // nearest (.95 ≥ .05 over) also 0.
        assert_eq!(
            time_mark(end(950), LAST_SECOND, Rounding::Down),
            TimeMark(35999)
        );
        assert_eq!(time_mark(end(950), LAST_SECOND, Rounding::Up), TimeMark(0));
        assert_eq!(
            time_mark(end(950), LAST_SECOND, Rounding::Nearest),
            TimeMark(0)
        );
        // 21:00:00.950: 9.5 tenths into the next hour.
        assert_eq!(
            time_mark(end(1_950), LAST_SECOND, Rounding::Down),
            TimeMark(9)
        );
        assert_eq!(
            time_mark(end(1_950), LAST_SECOND, Rounding::Up),
            TimeMark(10)
        );
        // 21:00:00.000 exactly: mark 0 in every mode.
        assert_eq!(
            time_mark(end(1_000), LAST_SECOND, Rounding::Down),
            TimeMark(0)
        );
    }

    #[test]
    fn time_mark_unknown_beyond_an_hour_and_past() {
        for r in [Rounding::Down, Rounding::Up, Rounding::Nearest] {
            assert_eq!(time_mark(EndTime::Unknown, NOW, r), TimeMark(36001));
            // Exactly 3600 s and more: "more than an hour".
            assert_eq!(time_mark(at(3_600_000), NOW, r), TimeMark(36000));
            assert_eq!(time_mark(at(6_553_500), NOW, r), TimeMark(36000));
            // 5 s in the past counts as now: mark 30000.
            let past = EndTime::At(UnixMillis(NOW.0 - 5_000));
            assert_eq!(time_mark(past, NOW, r), TimeMark(30000));
        }
        // 3599.9 s ahead: 30000 + 35999 = 65999, wrapped into the hour: 29999.
        assert_eq!(
            time_mark(at(3_599_900), NOW, Rounding::Down),
            TimeMark(29999)
        );
        // 3599.95 s ahead rounds up to 3600.0 s, a whole hour after now's tenth: its mark
        // would alias now, so it is "more than an hour".
        assert_eq!(time_mark(at(3_599_950), NOW, Rounding::Up), TimeMark(36000));
        assert_eq!(
            time_mark(at(3_599_950), NOW, Rounding::Down),
            TimeMark(29999)
        );
        // now 30 ms into its tenth: an end in the past counts as now; down gives now's
        // tenth (30000), up the next (30001).
        let now = NOW.plus_ms(30);
        let past = EndTime::At(NOW);
        assert_eq!(time_mark(past, now, Rounding::Down), TimeMark(30000));
        assert_eq!(time_mark(past, now, Rounding::Up), TimeMark(30001));
        // The far end of time neither overflows nor panics.
        let max = UnixMillis(u64::MAX);
        assert!(time_mark(EndTime::At(max), max, Rounding::Nearest).0 < 36000);
    }

    fn ind(light: Light, flashing: bool) -> Indication {
        Indication {
            light,
            flashing,
            timing: Timing::exact(NOW.plus_ms(5_000)),
        }
    }

    #[test]
    fn every_event_state_row() {
        use GreenKind::{Permissive as Pm, Protected as Pr};
        use MovementPhaseState as S;
        let veh = SignalSource::Phase(2);
        let ovl = SignalSource::Overlap(1);
        let ped = SignalSource::Pedestrian(2);
        let rows = [
            (veh, Pr, Light::Dark, false, S::Dark),
            (veh, Pr, Light::Red, true, S::StopThenProceed),
            (veh, Pr, Light::Red, false, S::StopAndRemain),
            (veh, Pr, Light::Yellow, true, S::CautionConflictingTraffic),
            (veh, Pm, Light::Yellow, true, S::CautionConflictingTraffic),
            (veh, Pr, Light::Yellow, false, S::ProtectedClearance),
            (veh, Pm, Light::Yellow, false, S::PermissiveClearance),
            (veh, Pr, Light::Green, false, S::ProtectedMovementAllowed),
            (veh, Pm, Light::Green, false, S::PermissiveMovementAllowed),
            (veh, Pr, Light::Green, true, S::ProtectedMovementAllowed),
            (veh, Pm, Light::Green, true, S::PermissiveMovementAllowed),
            (ovl, Pr, Light::Dark, false, S::Dark),
            (ovl, Pr, Light::Red, true, S::StopThenProceed),
            (ovl, Pr, Light::Red, false, S::StopAndRemain),
            (ovl, Pm, Light::Yellow, true, S::CautionConflictingTraffic),
            (ovl, Pr, Light::Yellow, false, S::ProtectedClearance),
            (ovl, Pm, Light::Yellow, false, S::PermissiveClearance),
            (ovl, Pr, Light::Green, false, S::ProtectedMovementAllowed),
            (ovl, Pm, Light::Green, false, S::PermissiveMovementAllowed),
            (ped, Pr, Light::Green, false, S::ProtectedMovementAllowed),
            (ped, Pm, Light::Green, false, S::PermissiveMovementAllowed),
            (ped, Pr, Light::Yellow, false, S::ProtectedClearance),
            (ped, Pr, Light::Yellow, true, S::ProtectedClearance),
            (ped, Pm, Light::Yellow, true, S::PermissiveClearance),
            (ped, Pr, Light::Red, false, S::StopAndRemain),
            (ped, Pr, Light::Red, true, S::StopAndRemain),
            (ped, Pr, Light::Dark, false, S::Dark),
        ];
        for (source, green, light, flashing, expected) in rows {
            assert_eq!(
                event_state(source, green, &ind(light, flashing)),
                expected,
                "{source} {green:?} {light:?} flashing {flashing}"
            );
        }
    }

    #[test]
    fn flashing_vehicle_timing_is_unknown_but_pedestrian_clearance_keeps_it() {
        let flashing = ind(Light::Yellow, true);
        let t = timing(SignalSource::Overlap(1), &flashing, NOW);
        assert_eq!(t.min_end_time, TimeMark(36001));
        assert_eq!(t.max_end_time, Some(TimeMark(36001)));
        assert_eq!(t.likely_time, None);
        // Ends 5.0 s after NOW: 30050 in all three.
        let t = timing(SignalSource::Pedestrian(2), &flashing, NOW);
        assert_eq!(t.min_end_time, TimeMark(30050));
        assert_eq!(t.max_end_time, Some(TimeMark(30050)));
        assert_eq!(t.likely_time, Some(TimeMark(30050)));
    }

    fn bits_set(status: &IntersectionStatusObject) -> Vec<usize> {
        status.0.iter_ones().collect()
    }

    #[test]
    fn status_bits() {
        type O = IntersectionStatusObject;
        type Setter = fn(&mut ControllerStatus);
        assert!(bits_set(&intersection_status(&ControllerStatus::default(), true)).is_empty());
        let cases: [(Setter, usize); 6] = [
            (|s| s.manual_control = true, O::MANUAL_CONTROL_IS_ENABLED),
            (|s| s.stop_time = true, O::STOP_TIME_IS_ACTIVATED),
            (|s| s.fault_flash = true, O::FAILURE_FLASH),
            (|s| s.preempt = true, O::PREEMPT_IS_ACTIVE),
            (|s| s.priority = true, O::SIGNAL_PRIORITY_IS_ACTIVE),
            (|s| s.fixed_time = true, O::FIXED_TIME_OPERATION),
        ];
        for (set, bit) in cases {
            let mut status = ControllerStatus::default();
            set(&mut status);
            assert_eq!(bits_set(&intersection_status(&status, true)), [bit]);
        }
        let unexpressed = ControllerStatus {
            coordination: true,
            coordination_transition: true,
            programmed_flash: true,
            ..ControllerStatus::default()
        };
        assert!(bits_set(&intersection_status(&unexpressed, true)).is_empty());
        let status = intersection_status(&ControllerStatus::default(), false);
        assert_eq!(
            bits_set(&status),
            [O::NO_VALID_SPAT_IS_AVAILABLE_AT_THIS_TIME]
        );
        assert_eq!(status.0.len(), 16);
        // manualControlIsEnabled is the first (most significant) bit on the air.
        let manual = ControllerStatus {
            manual_control: true,
            ..ControllerStatus::default()
        };
        assert_eq!(
            rasn::uper::encode(&intersection_status(&manual, true)).unwrap(),
            [0x80, 0x00]
        );
    }

    #[test]
    fn names_are_made_ia5_and_cut() {
        let name = |s: &str| descriptive_name(s).map(|n| n.0.to_string());
        assert_eq!(
            name("Main St & 1st Ave").as_deref(),
            Some("Main St & 1st Ave")
        );
        assert_eq!(name("Straße\tNord").as_deref(), Some("Stra?e?Nord"));
        assert_eq!(name(""), None);
        let long = "é".repeat(100);
        assert_eq!(name(&long).unwrap(), "?".repeat(63));
    }

    fn group(id: u8, source: SignalSource, green: GreenKind, name: Option<&str>) -> SignalGroup {
        SignalGroup {
            id,
            source,
            green,
            name: name.map(str::to_owned),
        }
    }

    fn lane(id: u8, direction: LaneDirection, connections: Vec<Connection>) -> Lane {
        Lane {
            id,
            name: None,
            direction,
            approach: None,
            kind: LaneKind::Vehicle,
            maneuvers: Vec::new(),
            nodes_cm: vec![(0, 0), (0, 1000)],
            connections,
        }
    }

    /// Four groups: 2 (phase 2, protected through), 4 (phase 4), 5 (overlap A, a permissive
    /// right turn) and 12 (pedestrian of phase 2, crosswalk connection id 7). Listed out
    /// of order to show the movements come out sorted.
    fn four_groups() -> Intersection {
        let crosswalk = Lane {
            kind: LaneKind::Crosswalk,
            ..lane(
                30,
                LaneDirection::Both,
                vec![Connection {
                    to_lane: 30,
                    maneuver: Maneuver::Straight,
                    signal_group: Some(12),
                    connection_id: Some(7),
                }],
            )
        };
        Intersection {
            id: 1001,
            region: Some(7),
            name: "Demo Ave & Main St".into(),
            signal_groups: vec![
                group(
                    12,
                    SignalSource::Pedestrian(2),
                    GreenKind::Protected,
                    Some("north crosswalk"),
                ),
                group(
                    2,
                    SignalSource::Phase(2),
                    GreenKind::Protected,
                    Some("NB through"),
                ),
                group(5, SignalSource::Overlap(1), GreenKind::Permissive, None),
                group(4, SignalSource::Phase(4), GreenKind::Protected, None),
            ],
            geometry: Some(Geometry {
                reference: GeoPoint {
                    lat_1e7: 389_000_000,
                    lon_1e7: -771_000_000,
                    elevation_dm: None,
                },
                lane_width_cm: 350,
                speed_limit_kmh: None,
                lanes: vec![crosswalk],
            }),
        }
    }

    fn four_group_state() -> ControllerState {
        let mut state = ControllerState::empty(NOW);
        // Phase 2 green, may end 10 s from now, must end by 30 s, likely at 20.04 s.
        state.phases[1] = Some(Indication {
            light: Light::Green,
            flashing: false,
            timing: Timing {
                min_end: at(10_000),
                max_end: at(30_000),
                likely: Some(NOW.plus_ms(20_040)),
            },
        });
        // Phase 4 red for 32.5 s exactly.
        state.phases[3] = Some(Indication {
            light: Light::Red,
            flashing: false,
            timing: Timing::exact(NOW.plus_ms(32_500)),
        });
        // Overlap A yellow, 3.05 s left.
        state.overlaps[0] = Some(Indication {
            light: Light::Yellow,
            flashing: false,
            timing: Timing::exact(NOW.plus_ms(3_050)),
        });
        // Walk on phase 2 until 7 s, end of walk unknown beyond that.
        state.pedestrians[1] = Some(Indication {
            light: Light::Green,
            flashing: false,
            timing: Timing {
                min_end: at(7_000),
                max_end: EndTime::Unknown,
                likely: None,
            },
        });
        state.pedestrian_detect = 0b10; // phase 2
        state.status.fixed_time = true;
        state
    }

    fn event_of(state: &IntersectionState, i: usize) -> &MovementEvent {
        &state.states.0[i].state_time_speed.0[0]
    }

    #[test]
    fn four_group_spat_round_trips_with_hand_derived_values() {
        let intersection = four_groups();
        let built = intersection_state(&intersection, &four_group_state(), NOW, 5, true);
        let ids: Vec<u8> = built.states.0.iter().map(|m| m.signal_group.0).collect();
        assert_eq!(ids, [2, 4, 5, 12]);
        assert_eq!(built.id.region, Some(RoadRegulatorID(7)));
        assert_eq!(built.id.id, IntersectionID(1001));
        assert_eq!(built.revision, MsgCount(5));
        // 2026-11-22 20:50: day 325 of the year, minute 1250 of the day.
        assert_eq!(built.moy, Some(MinuteOfTheYear(325 * 1440 + 1250)));
        assert_eq!(built.time_stamp, Some(DSecond(0)));
        assert_eq!(
            bits_set(&built.status),
            [IntersectionStatusObject::FIXED_TIME_OPERATION]
        );
        assert_eq!(
            built.name.as_ref().unwrap().0.to_string(),
            "Demo Ave & Main St"
        );

        let g2 = event_of(&built, 0);
        assert_eq!(g2.event_state, MovementPhaseState::ProtectedMovementAllowed);
        let t = g2.timing.as_ref().unwrap();
        // 10 s → 30100, 30 s → 30300, 20.04 s → 200.4 tenths → nearest 30200.
        assert_eq!(
            (t.min_end_time, t.max_end_time, t.likely_time),
            (
                TimeMark(30100),
                Some(TimeMark(30300)),
                Some(TimeMark(30200))
            )
        );
        assert_eq!(
            built.states.0[0]
                .movement_name
                .as_ref()
                .unwrap()
                .0
                .to_string(),
            "NB through"
        );
        let g4 = event_of(&built, 1);
        assert_eq!(g4.event_state, MovementPhaseState::StopAndRemain);
        assert_eq!(g4.timing.as_ref().unwrap().min_end_time, TimeMark(30325));
        // 3.05 s: min rounds down to 30030, max up to 30031, likely half up to 30031.
        let g5 = event_of(&built, 2);
        assert_eq!(g5.event_state, MovementPhaseState::PermissiveClearance);
        let t = g5.timing.as_ref().unwrap();
        assert_eq!(
            (t.min_end_time, t.max_end_time, t.likely_time),
            (
                TimeMark(30030),
                Some(TimeMark(30031)),
                Some(TimeMark(30031))
            )
        );
        let g12 = &built.states.0[3];
        assert_eq!(
            g12.state_time_speed.0[0].event_state,
            MovementPhaseState::ProtectedMovementAllowed
        );
        let assist = &g12.maneuver_assist_list.as_ref().unwrap().0;
        assert_eq!(assist.len(), 1);
        assert_eq!(assist[0].connection_id, LaneConnectionID(7));
        assert_eq!(
            assist[0].ped_bicycle_detect,
            Some(PedestrianBicycleDetect(true))
        );
        assert!(
            built.states.0[..3]
                .iter()
                .all(|m| m.maneuver_assist_list.is_none())
        );

        let message = spat([built], NOW);
        assert_eq!(message.time_stamp, Some(MinuteOfTheYear(325 * 1440 + 1250)));
        let frame = MessageFrame::SPAT(Box::new(message));
        let bytes = frame.encode().unwrap();
        assert_eq!(&bytes[..2], [0x00, 0x13]);
        assert_eq!(MessageFrame::decode(&bytes).unwrap(), (frame, bytes.len()));
    }

    #[test]
    fn no_detection_no_connection_absent_source_and_invalid() {
        let mut intersection = four_groups();
        let mut state = four_group_state();
        state.pedestrian_detect = 0;
        state.overlaps[0] = None;
        let built = intersection_state(&intersection, &state, NOW, 200, false);
        // 200 mod 128 = 72.
        assert_eq!(built.revision, MsgCount(72));
        assert!(built.states.0[3].maneuver_assist_list.is_none());
        // Overlap A not reported: unavailable, nothing about its timing.
        assert_eq!(
            event_of(&built, 2).event_state,
            MovementPhaseState::Unavailable
        );
        assert_eq!(event_of(&built, 2).timing, None);
        assert_eq!(
            bits_set(&built.status),
            [
                IntersectionStatusObject::FIXED_TIME_OPERATION,
                IntersectionStatusObject::NO_VALID_SPAT_IS_AVAILABLE_AT_THIS_TIME
            ]
        );
        // Detected, but no geometry to name a connection: nothing attached.
        intersection.geometry = None;
        let built = intersection_state(&intersection, &four_group_state(), NOW, 0, true);
        assert!(built.states.0[3].maneuver_assist_list.is_none());
    }

    /// The real controller capture's state (vectors/tscbm, rsu-system.md §2.2): phases 2 and
    /// 6 green with VehMin 0 and VehMax 0xFFFF, the others red with VehMin 4.0 s and VehMax
    /// 0xFFFF, received 30 ms before the SPaT tick.
    #[test]
    fn tscbm_like_rest_in_green() {
        let observed = NOW;
        let now = NOW.plus_ms(30);
        let mut state = ControllerState::empty(observed);
        for phase in 1..=8usize {
            let green = phase == 2 || phase == 6;
            state.phases[phase - 1] = Some(Indication {
                light: if green { Light::Green } else { Light::Red },
                flashing: false,
                timing: Timing {
                    min_end: EndTime::At(observed.plus_ms(if green { 0 } else { 4_000 })),
                    max_end: EndTime::Unknown,
                    likely: None,
                },
            });
        }
        let intersection = Intersection {
            id: 9,
            region: None,
            name: "capture".into(),
            signal_groups: (1..=8)
                .map(|p| group(p, SignalSource::Phase(p), GreenKind::Protected, None))
                .collect(),
            geometry: None,
        };
        let built = intersection_state(&intersection, &state, now, 1, true);
        for (i, movement) in built.states.0.iter().enumerate() {
            let event = &movement.state_time_speed.0[0];
            let t = event.timing.as_ref().unwrap();
            assert_eq!(t.max_end_time, Some(TimeMark(36001)), "group {}", i + 1);
            assert_eq!(t.likely_time, None);
            if i == 1 || i == 5 {
                assert_eq!(
                    event.event_state,
                    MovementPhaseState::ProtectedMovementAllowed
                );
                // The end (observed + 0) is 30 ms in the past: now's tenth, 30000.
                assert_eq!(t.min_end_time, TimeMark(30000));
            } else {
                assert_eq!(event.event_state, MovementPhaseState::StopAndRemain);
                // observed + 4.0 s: 30040.
                assert_eq!(t.min_end_time, TimeMark(30040));
            }
        }
        let frame = MessageFrame::SPAT(Box::new(spat([built], now)));
        assert!(frame.encode().is_ok());
    }

    fn end_time(now: u64) -> impl Strategy<Value = EndTime> {
        prop_oneof![
            Just(EndTime::Unknown),
            // Two hours either side of now, and anywhere at all.
            (0..14_400_000u64).prop_map(move |d| EndTime::At(UnixMillis(
                (now.saturating_sub(7_200_000)).saturating_add(d)
            ))),
            any::<u64>().prop_map(|t| EndTime::At(UnixMillis(t))),
        ]
    }

    fn indication(now: u64) -> impl Strategy<Value = Option<Indication>> {
        let light = prop_oneof![
            Just(Light::Dark),
            Just(Light::Red),
            Just(Light::Yellow),
            Just(Light::Green)
        ];
        let likely = proptest::option::of(end_time(now).prop_map(move |e| match e {
            EndTime::At(t) => t,
            EndTime::Unknown => UnixMillis(now),
        }));
        proptest::option::of(
            (light, any::<bool>(), end_time(now), end_time(now), likely).prop_map(
                |(light, flashing, min_end, max_end, likely)| Indication {
                    light,
                    flashing,
                    timing: Timing {
                        min_end,
                        max_end,
                        likely,
                    },
                },
            ),
        )
    }

    fn signals(now: u64) -> impl Strategy<Value = [Option<Indication>; MAX_SIGNALS]> {
        proptest::collection::vec(indication(now), MAX_SIGNALS)
            .prop_map(|v| std::array::from_fn(|i| v.get(i).copied().flatten()))
    }

    fn scenario() -> impl Strategy<Value = (u64, ControllerState, Intersection)> {
        prop_oneof![0..4_102_444_800_000u64, any::<u64>()].prop_flat_map(|now| {
            let source = prop_oneof![
                (0..=20u8).prop_map(SignalSource::Phase),
                (0..=20u8).prop_map(SignalSource::Overlap),
                (0..=20u8).prop_map(SignalSource::Pedestrian),
            ];
            let green = prop_oneof![Just(GreenKind::Protected), Just(GreenKind::Permissive)];
            let groups = proptest::collection::btree_map(
                1..=254u8,
                (source, green, proptest::option::of(".{0,80}")),
                1..=20,
            );
            let connections =
                proptest::collection::vec((1..=254u8, proptest::option::of(any::<u8>())), 0..=20);
            (
                Just(now),
                signals(now),
                signals(now),
                signals(now),
                any::<u16>(),
                groups,
                ".{0,100}",
                connections,
            )
                .prop_map(
                    |(now, phases, overlaps, pedestrians, detect, groups, name, connections)| {
                        let mut state = ControllerState::empty(UnixMillis(now));
                        state.phases = phases;
                        state.overlaps = overlaps;
                        state.pedestrians = pedestrians;
                        state.pedestrian_detect = detect;
                        let lanes = vec![lane(
                            1,
                            LaneDirection::Both,
                            connections
                                .into_iter()
                                .map(|(group, id)| Connection {
                                    to_lane: 1,
                                    maneuver: Maneuver::Straight,
                                    signal_group: Some(group),
                                    connection_id: id,
                                })
                                .collect(),
                        )];
                        let intersection = Intersection {
                            id: 1,
                            region: None,
                            name,
                            signal_groups: groups
                                .into_iter()
                                .map(|(id, (source, green, name))| SignalGroup {
                                    id,
                                    source,
                                    green,
                                    name,
                                })
                                .collect(),
                            geometry: Some(Geometry {
                                reference: GeoPoint {
                                    lat_1e7: 0,
                                    lon_1e7: 0,
                                    elevation_dm: None,
                                },
                                lane_width_cm: 300,
                                speed_limit_kmh: None,
                                lanes,
                            }),
                        };
                        (now, state, intersection)
                    },
                )
        })
    }

    proptest! {
        /// One controller state gives the US SPaT and the EU SPATEM the same content field by
        /// field (signal groups, event states, every TimeMark): both message sets build the
        /// one ISO TS 19091 SPAT, and only the envelope differs. Where the US one encodes, the
        /// EU one does too (TimeMarks stay within ISO's 0..=36001).
        #[test]
        fn us_spat_and_eu_spatem_agree((now, state, intersection) in scenario(), count in 0..128u8, valid in any::<bool>()) {
            use crate::region::{MessageSet, Slot};
            let slot = Slot { model: &intersection, state: &state, valid, count, now: UnixMillis(now) };
            let (mut us, mut eu) = (Vec::new(), Vec::new());
            let us_content = crate::region::us::J2735.encode_spat(&slot, &mut us).unwrap();
            let eu_content = crate::region::eu::EtsiDsrc::new(4242).encode_spat(&slot, &mut eu).unwrap();
            prop_assert_eq!(us_content, eu_content);
            let (MessageFrame::SPAT(us_spat), _) = MessageFrame::decode(&us).unwrap() else {
                panic!("not a SPaT");
            };
            let spatem = rsu_codecs::etsi::Spatem::decode_uper(&eu).unwrap();
            prop_assert_eq!((spatem.header.protocol_version, spatem.header.message_id), (2, 4));
            prop_assert_eq!(spatem.header.station_id.0, 4242);
            prop_assert_eq!(&spatem.spat, us_spat.as_ref());
            // And the SPATEM's octets are the generic encoder's (the hot path's own writer).
            prop_assert_eq!(spatem.encode_uper().unwrap(), eu);
        }

        /// Whatever the controller says and whenever it says it, the SPaT encodes: every
        /// TimeMark is in 0..=36001 and every name is valid IA5 (carma-streets #233).
        #[test]
        fn built_spat_always_encodes((now, state, intersection) in scenario(), revision in any::<u8>(), valid in any::<bool>()) {
            let now = UnixMillis(now);
            let built = intersection_state(&intersection, &state, now, revision, valid);
            for movement in &built.states.0 {
                for event in &movement.state_time_speed.0 {
                    if let Some(t) = &event.timing {
                        let marks = [Some(t.min_end_time), t.max_end_time, t.likely_time];
                        for mark in marks.into_iter().flatten() {
                            prop_assert!(mark.0 <= TIME_MARK_UNKNOWN, "{mark:?}");
                        }
                    }
                }
            }
            let frame = MessageFrame::SPAT(Box::new(spat([built], now)));
            let bytes = frame.encode();
            prop_assert!(bytes.is_ok(), "{:?}", bytes);
            let bytes = bytes.unwrap();
            prop_assert_eq!(MessageFrame::decode(&bytes).unwrap(), (frame, bytes.len()));
        }

        /// Whatever timing the controller claims, what goes on the air is ordered in time:
        /// minEndTime <= likelyTime <= maxEndTime, each compared where present (36001 is
        /// absent, 36000 is later than anything within the hour).
        #[test]
        fn sent_timing_is_ordered(now in prop_oneof![0..4_102_444_800_000u64, any::<u64>()].prop_flat_map(|now| (Just(now), indication(now)))) {
            let (now, ind) = now;
            let Some(ind) = ind else { return Ok(()) };
            let now = UnixMillis(now);
            for source in [SignalSource::Phase(1), SignalSource::Pedestrian(1), SignalSource::Overlap(1)] {
                let t = timing(source, &ind, now);
                let ahead = |m: u16| match m {
                    TIME_MARK_UNKNOWN => None,
                    TIME_MARK_BEYOND_HOUR => Some(TENTHS_PER_HOUR),
                    m => Some((u64::from(m) + TENTHS_PER_HOUR - (now.0 / 100) % TENTHS_PER_HOUR) % TENTHS_PER_HOUR),
                };
                let min = ahead(t.min_end_time.0);
                let max = t.max_end_time.and_then(|m| ahead(m.0));
                let likely = t.likely_time.and_then(|m| ahead(m.0));
                if let (Some(a), Some(b)) = (min, max) {
                    prop_assert!(a <= b, "min {:?} after max {:?} from {:?}", t.min_end_time, t.max_end_time, ind.timing);
                }
                if let (Some(a), Some(b)) = (min, likely) {
                    prop_assert!(a <= b, "min {:?} after likely {:?} from {:?}", t.min_end_time, t.likely_time, ind.timing);
                }
                if let (Some(a), Some(b)) = (likely, max) {
                    prop_assert!(a <= b, "likely {:?} after max {:?} from {:?}", t.likely_time, t.max_end_time, ind.timing);
                }
            }
        }

        /// Rounding order holds: down ≤ nearest ≤ up, all within a tenth of each other,
        /// unless the hour mark intervenes.
        #[test]
        fn roundings_agree_within_a_tenth(now in 0..4_102_444_800_000u64, ahead in 0..3_500_000u64) {
            let now = UnixMillis(now);
            let end = EndTime::At(now.plus_ms(ahead));
            let down = time_mark(end, now, Rounding::Down).0;
            let up = time_mark(end, now, Rounding::Up).0;
            let nearest = time_mark(end, now, Rounding::Nearest).0;
            let next = |m: u16| (m + 1) % 36000;
            prop_assert!(up == down || up == next(down));
            prop_assert!(nearest == down || nearest == up);
        }
    }
}
