//! Signal Phase and Timing (SPAT, messageId 19): the current state of each signal group of one or
//! more intersections, with timing and speed advice.

use rasn::prelude::*;

use super::*;

/// Signal phase and timing message: live signal states for a list of intersections.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SPAT {
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<MinuteOfTheYear>,
    pub name: Option<DescriptiveName>,
    pub intersections: IntersectionStateList,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl SPAT {
    /// A SPAT with only its mandatory intersection list.
    pub fn new(intersections: IntersectionStateList) -> Self {
        Self {
            time_stamp: None,
            name: None,
            intersections,
            regional: None,
        }
    }
}

/// One speed recommendation for a movement, with its kind, zone and user class.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AdvisorySpeed {
    #[rasn(identifier = "type")]
    pub type_: AdvisorySpeedType,
    pub speed: Option<SpeedAdvice>,
    pub confidence: Option<SpeedConfidence>,
    pub distance: Option<ZoneLength>,
    pub class: Option<RestrictionClassID>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl AdvisorySpeed {
    /// An advisory of the given kind with no optional data.
    pub fn new(type_: AdvisorySpeedType) -> Self {
        Self {
            type_,
            speed: None,
            confidence: None,
            distance: None,
            class: None,
            regional: None,
        }
    }
}

/// 1 to 16 speed advisories.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct AdvisorySpeedList(pub SequenceOf<AdvisorySpeed>);

/// Kind of speed advice (green wave, eco-driving, transit).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum AdvisorySpeedType {
    #[rasn(identifier = "none")]
    None = 0,
    #[rasn(identifier = "greenwave")]
    Greenwave = 1,
    #[rasn(identifier = "ecoDrive")]
    EcoDrive = 2,
    #[rasn(identifier = "transit")]
    Transit = 3,
}

/// Dynamic clearance data for one lane connection: queue, free storage, stop and detection flags.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ConnectionManeuverAssist {
    #[rasn(identifier = "connectionID")]
    pub connection_id: LaneConnectionID,
    #[rasn(identifier = "queueLength")]
    pub queue_length: Option<ZoneLength>,
    #[rasn(identifier = "availableStorageLength")]
    pub available_storage_length: Option<ZoneLength>,
    #[rasn(identifier = "waitOnStop")]
    pub wait_on_stop: Option<WaitOnStopline>,
    #[rasn(identifier = "pedBicycleDetect")]
    pub ped_bicycle_detect: Option<PedestrianBicycleDetect>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl ConnectionManeuverAssist {
    /// Assist data for a connection with no optional data.
    pub fn new(connection_id: LaneConnectionID) -> Self {
        Self {
            connection_id,
            queue_length: None,
            available_storage_length: None,
            wait_on_stop: None,
            ped_bicycle_detect: None,
            regional: None,
        }
    }
}

/// 1 to 16 revocable lanes currently enabled.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct EnabledLaneList(pub SequenceOf<LaneID>);

/// Signal state of one intersection: status flags, time and the state of every movement.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct IntersectionState {
    pub name: Option<DescriptiveName>,
    pub id: IntersectionReferenceID,
    pub revision: MsgCount,
    pub status: IntersectionStatusObject,
    pub moy: Option<MinuteOfTheYear>,
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<DSecond>,
    #[rasn(identifier = "enabledLanes")]
    pub enabled_lanes: Option<EnabledLaneList>,
    pub states: MovementList,
    #[rasn(identifier = "maneuverAssistList")]
    pub maneuver_assist_list: Option<ManeuverAssistList>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl IntersectionState {
    /// An intersection state with its mandatory fields only.
    pub fn new(
        id: IntersectionReferenceID,
        revision: MsgCount,
        status: IntersectionStatusObject,
        states: MovementList,
    ) -> Self {
        Self {
            name: None,
            id,
            revision,
            status,
            moy: None,
            time_stamp: None,
            enabled_lanes: None,
            states,
            maneuver_assist_list: None,
            regional: None,
        }
    }
}

/// 1 to 32 intersection states.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct IntersectionStateList(pub SequenceOf<IntersectionState>);

/// Controller status flags of an intersection (16 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("16"))]
pub struct IntersectionStatusObject(pub BitString);
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
}

/// 1 to 16 connection maneuver assists.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct ManeuverAssistList(pub SequenceOf<ConnectionManeuverAssist>);

/// 1 to 16 movement events (the present phase first, then the ones that follow).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct MovementEventList(pub SequenceOf<MovementEvent>);

/// One phase of a movement: its light state, timing and optional speed advice.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct MovementEvent {
    #[rasn(identifier = "eventState")]
    pub event_state: MovementPhaseState,
    pub timing: Option<TimeChangeDetails>,
    pub speeds: Option<AdvisorySpeedList>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl MovementEvent {
    /// An event with only its phase state.
    pub fn new(event_state: MovementPhaseState) -> Self {
        Self {
            event_state,
            timing: None,
            speeds: None,
            regional: None,
        }
    }
}

/// 1 to 255 movement states.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=255"))]
pub struct MovementList(pub SequenceOf<MovementState>);

/// Light state of a movement (signal head colour and meaning).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum MovementPhaseState {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "dark")]
    Dark = 1,
    #[rasn(identifier = "stop-Then-Proceed")]
    StopThenProceed = 2,
    #[rasn(identifier = "stop-And-Remain")]
    StopAndRemain = 3,
    #[rasn(identifier = "pre-Movement")]
    PreMovement = 4,
    #[rasn(identifier = "permissive-Movement-Allowed")]
    PermissiveMovementAllowed = 5,
    #[rasn(identifier = "protected-Movement-Allowed")]
    ProtectedMovementAllowed = 6,
    #[rasn(identifier = "permissive-clearance")]
    PermissiveClearance = 7,
    #[rasn(identifier = "protected-clearance")]
    ProtectedClearance = 8,
    #[rasn(identifier = "caution-Conflicting-Traffic")]
    CautionConflictingTraffic = 9,
}

/// State of one signal group: its current and upcoming phases and assist data.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct MovementState {
    #[rasn(identifier = "movementName")]
    pub movement_name: Option<DescriptiveName>,
    #[rasn(identifier = "signalGroup")]
    pub signal_group: SignalGroupID,
    #[rasn(identifier = "state-time-speed")]
    pub state_time_speed: MovementEventList,
    #[rasn(identifier = "maneuverAssistList")]
    pub maneuver_assist_list: Option<ManeuverAssistList>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl MovementState {
    /// A movement state with its signal group and events only.
    pub fn new(signal_group: SignalGroupID, state_time_speed: MovementEventList) -> Self {
        Self {
            movement_name: None,
            signal_group,
            state_time_speed,
            maneuver_assist_list: None,
            regional: None,
        }
    }
}

/// Whether pedestrians or cyclists are detected in the conflict area of a connection.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct PedestrianBicycleDetect(pub bool);

/// Signal group number linking MAP lane connections to SPAT movements (0 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct SignalGroupID(pub u8);

/// Advised speed in 0.1 m/s steps (499 = 49.9 m/s or more, 500 = unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=500"))]
pub struct SpeedAdvice(pub u16);

/// Timing of a phase change: earliest, latest and most likely end, with confidence.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct TimeChangeDetails {
    #[rasn(identifier = "startTime")]
    pub start_time: Option<TimeMark>,
    #[rasn(identifier = "minEndTime")]
    pub min_end_time: TimeMark,
    #[rasn(identifier = "maxEndTime")]
    pub max_end_time: Option<TimeMark>,
    #[rasn(identifier = "likelyTime")]
    pub likely_time: Option<TimeMark>,
    pub confidence: Option<TimeIntervalConfidence>,
    #[rasn(identifier = "nextTime")]
    pub next_time: Option<TimeMark>,
}

/// Coded statistical confidence of the likely time (table index 0 to 15).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=15"))]
pub struct TimeIntervalConfidence(pub u8);

/// Time mark: tenths of a second after the start of the UTC hour (36111 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=36111"))]
pub struct TimeMark(pub u16);

/// Whether a vehicle must stop at the stop line even when the signal allows the movement.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct WaitOnStopline(pub bool);

/// Length along a lane or zone, in metres (0 = unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=10000"))]
pub struct ZoneLength(pub u16);

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn event(state: MovementPhaseState, min_end: u16, max_end: Option<u16>) -> MovementEvent {
        let mut e = MovementEvent::new(state);
        e.timing = Some(TimeChangeDetails {
            start_time: None,
            min_end_time: TimeMark(min_end),
            max_end_time: max_end.map(TimeMark),
            likely_time: None,
            confidence: None,
            next_time: None,
        });
        e
    }

    fn sample_spat() -> SPAT {
        let mut status = BitString::repeat(false, 16);
        status.set(IntersectionStatusObject::FIXED_TIME_OPERATION, true);

        let mut advice = AdvisorySpeed::new(AdvisorySpeedType::Greenwave);
        advice.speed = Some(SpeedAdvice(139));
        advice.distance = Some(ZoneLength(250));
        let mut green = event(
            MovementPhaseState::ProtectedMovementAllowed,
            1200,
            Some(1500),
        );
        green.speeds = Some(AdvisorySpeedList(vec![advice]));
        if let Some(timing) = green.timing.as_mut() {
            timing.likely_time = Some(TimeMark(1350));
            timing.confidence = Some(TimeIntervalConfidence(12));
            timing.next_time = Some(TimeMark(2400));
        }

        let mut assist = ConnectionManeuverAssist::new(LaneConnectionID(3));
        assist.queue_length = Some(ZoneLength(42));
        assist.wait_on_stop = Some(WaitOnStopline(false));
        assist.ped_bicycle_detect = Some(PedestrianBicycleDetect(true));

        let mut through = MovementState::new(
            SignalGroupID(2),
            MovementEventList(vec![
                green,
                event(MovementPhaseState::PermissiveClearance, 1500, None),
                event(MovementPhaseState::StopAndRemain, 1540, Some(2400)),
            ]),
        );
        through.movement_name = Some(DescriptiveName(
            Ia5String::from_iso646_bytes(b"northbound through").unwrap(),
        ));
        through.maneuver_assist_list = Some(ManeuverAssistList(vec![assist]));

        let states = MovementList(vec![
            through,
            MovementState::new(
                SignalGroupID(4),
                MovementEventList(vec![event(MovementPhaseState::StopAndRemain, 2400, None)]),
            ),
            MovementState::new(
                SignalGroupID(6),
                MovementEventList(vec![event(
                    MovementPhaseState::PermissiveMovementAllowed,
                    36111,
                    Some(36111),
                )]),
            ),
            MovementState::new(
                SignalGroupID(255),
                MovementEventList(vec![MovementEvent::new(MovementPhaseState::Dark)]),
            ),
        ]);

        let mut intersection = IntersectionState::new(
            IntersectionReferenceID {
                region: Some(RoadRegulatorID(7)),
                id: IntersectionID(12110),
            },
            MsgCount(5),
            IntersectionStatusObject(status),
            states,
        );
        intersection.moy = Some(MinuteOfTheYear(177069));
        intersection.time_stamp = Some(DSecond(59366));
        intersection.enabled_lanes = Some(EnabledLaneList(vec![LaneID(1), LaneID(9)]));

        let mut spat = SPAT::new(IntersectionStateList(vec![intersection]));
        spat.time_stamp = Some(MinuteOfTheYear(177069));
        spat
    }

    #[test]
    fn hand_made_spat_round_trip() {
        let spat = sample_spat();
        let bytes = rasn::uper::encode(&spat).unwrap();
        let back: SPAT = rasn::uper::decode(&bytes).unwrap();
        assert_eq!(back, spat);
        assert_eq!(back.intersections.0[0].states.0.len(), 4);

        let json = rasn::jer::encode(&spat).unwrap();
        let from_json: SPAT = rasn::jer::decode(&json).unwrap();
        assert_eq!(from_json, spat);
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        let first = &parsed["intersections"][0]["states"][0];
        assert_eq!(first["signalGroup"], 2);
        assert_eq!(
            first["state-time-speed"][0]["eventState"],
            "protected-Movement-Allowed"
        );
        assert_eq!(
            first["state-time-speed"][1]["eventState"],
            "permissive-clearance"
        );
    }

    #[test]
    fn time_mark_out_of_range_is_refused() {
        assert!(rasn::uper::encode(&TimeMark(36111)).is_ok());
        assert!(rasn::uper::encode(&TimeMark(36112)).is_err());

        let mut spat = sample_spat();
        let timing = spat.intersections.0[0].states.0[1].state_time_speed.0[0]
            .timing
            .as_mut()
            .unwrap();
        timing.min_end_time = TimeMark(40000);
        assert!(rasn::uper::encode(&spat).is_err());
    }

    #[test]
    fn other_out_of_range_values_are_refused() {
        assert!(rasn::uper::encode(&SpeedAdvice(501)).is_err());
        assert!(rasn::uper::encode(&ZoneLength(10001)).is_err());
        assert!(rasn::uper::encode(&TimeIntervalConfidence(16)).is_err());
        assert!(
            rasn::uper::encode(&IntersectionStatusObject(BitString::repeat(false, 15))).is_err()
        );
        assert!(rasn::uper::encode(&EnabledLaneList(Vec::new())).is_err());
    }
}
