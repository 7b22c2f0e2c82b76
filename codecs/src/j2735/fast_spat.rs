//! A hand-written UPER (X.691 unaligned) encoder for the SPAT value, for the broadcast hot
//! path: rasn's generic encoder spends most of a SPaT's encode time on bookkeeping (preamble
//! buffers, constraint lookups, per-field bit vectors), a fifth of the P-256 signature that
//! follows it. This writes the same bits straight into the output with a 64-bit accumulator
//! and allocates nothing beyond the output's own growth.
//!
//! The same bits serve the ETSI SPATEM, whose UPER is its 6-octet header followed by the SPAT
//! value (`SPAT::encode_value_into`, `etsi::Spatem::encode_uper_into`).
//!
//! It covers what the RSU sends: every root field of SPAT, IntersectionState, MovementState,
//! MovementEvent, TimeChangeDetails, AdvisorySpeed and ConnectionManeuverAssist. Anything
//! else — a `regional` extension (an open type), a value outside its constraint — is
//! [`Unsupported`], and the caller hands the value to rasn, which encodes it or reports the
//! error with its field path exactly as before. The field order, presence bits and bit widths
//! below follow the rasn types in `spat.rs`, `common.rs` and `map.rs`, which are the source of
//! truth; the differential tests compare every bit with rasn.
//!
//! Facts taken from those types:
//! - SPAT, IntersectionState, MovementState, MovementEvent, AdvisorySpeed and
//!   ConnectionManeuverAssist are `#[non_exhaustive]`, which rasn's derive treats as an
//!   extension marker: one extension bit first. None of them has an extension addition, so
//!   no value can carry one and the bit is always 0.
//! - TimeChangeDetails and IntersectionReferenceID are not extensible: no extension bit.
//! - MovementPhaseState (10 items) and SpeedConfidence (8) are not extensible;
//!   AdvisorySpeedType (4 items) is, so an extension bit precedes its 2-bit index.
//! - IntersectionStatusObject is a BIT STRING of fixed SIZE(16), not extensible: 16 bits
//!   with no length.
//! - DescriptiveName is IA5String SIZE(1..63) with no permitted-alphabet constraint: a 6-bit
//!   length, then 7 bits per character (IA5's 128 characters, written by value).

use super::*;

/// The fast encoder declined the value; the reason names the field, for tests and logs.
/// The caller encodes the value with rasn instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsupported(pub(crate) &'static str);

type Result<T = ()> = core::result::Result<T, Unsupported>;

/// Bits needed for a constrained whole number whose range spans `span + 1` values
/// (X.691 11.6.3: the minimum number of bits; a single value takes none).
const fn width(span: u64) -> u32 {
    u64::BITS - span.leading_zeros()
}

/// Octets collected before they are appended to the output: one `Vec` call per 128 octets
/// instead of one per 32 bits (a call each at opt-level "s", where the service is built).
const STAGE: usize = 128;

/// Appends bits, most significant first, to a byte vector.
struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    /// The `pending` lowest bits are not yet written; bits above them are stale.
    acc: u64,
    pending: u32,
    /// Whole octets not yet appended to `out`: the first `staged` of `stage`.
    stage: [u8; STAGE],
    staged: usize,
}

impl<'a> BitWriter<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        Self {
            out,
            acc: 0,
            pending: 0,
            stage: [0; STAGE],
            staged: 0,
        }
    }

    /// Appends the staged octets to the output.
    fn flush(&mut self) {
        self.out.extend_from_slice(&self.stage[..self.staged]);
        self.staged = 0;
    }

    /// Writes the `bits` low bits of `value` (`bits` at most 32).
    #[inline(always)]
    fn write_bits(&mut self, value: u64, bits: u32) {
        debug_assert!(bits <= 32 && self.pending < 32);
        let mask = (1u64 << bits) - 1;
        // `pending` < 32 and `bits` <= 32: the shifted accumulator keeps every pending bit.
        self.acc = (self.acc << bits) | (value & mask);
        self.pending += bits;
        if self.pending >= 32 {
            self.pending -= 32;
            let word = (self.acc >> self.pending) as u32;
            if self.staged > STAGE - 4 {
                self.flush();
            }
            if let Some(slot) = self.stage.get_mut(self.staged..self.staged + 4) {
                slot.copy_from_slice(&word.to_be_bytes());
                self.staged += 4;
            }
        }
    }

    #[inline(always)]
    fn bit(&mut self, set: bool) {
        self.write_bits(u64::from(set), 1);
    }

    /// Writes the last bits, padded with zeros to a whole octet (a UPER encoding is octets).
    fn finish(mut self) {
        self.flush();
        while self.pending >= 8 {
            self.pending -= 8;
            self.out.push((self.acc >> self.pending) as u8);
        }
        if self.pending > 0 {
            self.out.push((self.acc << (8 - self.pending)) as u8);
        }
    }

    /// A constrained whole number in `lo..=hi`, as its offset from `lo`.
    #[inline(always)]
    fn constrained(&mut self, value: u64, lo: u64, hi: u64, field: &'static str) -> Result {
        if value < lo || value > hi {
            return Err(Unsupported(field));
        }
        self.write_bits(value - lo, width(hi - lo));
        Ok(())
    }

    /// The length of a SIZE(lo..hi) list or string (hi below 64K: a constrained whole number).
    #[inline(always)]
    fn length(&mut self, len: usize, lo: u64, hi: u64, field: &'static str) -> Result {
        let len = u64::try_from(len).map_err(|_| Unsupported(field))?;
        self.constrained(len, lo, hi, field)
    }
}

/// Writes the UPER encoding of `spat` (the SPAT value alone, not its MessageFrame),
/// octet-padded, after whatever `out` already holds. On `Err` `out` is left as it was.
pub(crate) fn encode_spat_value(spat: &SPAT, out: &mut Vec<u8>) -> Result {
    let start = out.len();
    let mut w = BitWriter::new(out);
    match spat_value(&mut w, spat) {
        Ok(()) => {
            w.finish();
            Ok(())
        }
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

#[inline(always)]
fn no_regional<T>(regional: &Option<T>, field: &'static str) -> Result {
    match regional {
        None => Ok(()),
        Some(_) => Err(Unsupported(field)),
    }
}

fn spat_value(w: &mut BitWriter<'_>, spat: &SPAT) -> Result {
    no_regional(&spat.regional, "regional")?;
    w.bit(false); // extension bit: SPAT has no extension additions
    w.bit(spat.time_stamp.is_some());
    w.bit(spat.name.is_some());
    w.bit(false); // regional
    if let Some(moy) = spat.time_stamp {
        minute_of_the_year(w, moy, "timeStamp")?;
    }
    if let Some(name) = &spat.name {
        descriptive_name(w, name, "name")?;
    }
    let list = &spat.intersections.0;
    w.length(list.len(), 1, 32, "intersections")?;
    for intersection in list {
        intersection_state(w, intersection)?;
    }
    Ok(())
}

#[inline(always)]
fn minute_of_the_year(w: &mut BitWriter<'_>, moy: MinuteOfTheYear, field: &'static str) -> Result {
    w.constrained(u64::from(moy.0), 0, 527_040, field)
}

#[inline(always)]
fn time_mark(w: &mut BitWriter<'_>, mark: TimeMark, field: &'static str) -> Result {
    w.constrained(u64::from(mark.0), 0, 36_111, field)
}

#[inline(always)]
fn zone_length(w: &mut BitWriter<'_>, length: ZoneLength, field: &'static str) -> Result {
    w.constrained(u64::from(length.0), 0, 10_000, field)
}

#[inline(always)]
fn descriptive_name(w: &mut BitWriter<'_>, name: &DescriptiveName, field: &'static str) -> Result {
    let bytes = name.0.as_iso646_bytes();
    w.length(bytes.len(), 1, 63, field)?;
    for &byte in bytes {
        if byte > 0x7f {
            return Err(Unsupported(field));
        }
        w.write_bits(u64::from(byte), 7);
    }
    Ok(())
}

fn intersection_state(w: &mut BitWriter<'_>, s: &IntersectionState) -> Result {
    no_regional(&s.regional, "intersections.regional")?;
    w.bit(false); // extension bit
    w.bit(s.name.is_some());
    w.bit(s.moy.is_some());
    w.bit(s.time_stamp.is_some());
    w.bit(s.enabled_lanes.is_some());
    w.bit(s.maneuver_assist_list.is_some());
    w.bit(false); // regional
    if let Some(name) = &s.name {
        descriptive_name(w, name, "intersections.name")?;
    }
    // IntersectionReferenceID: not extensible, one OPTIONAL.
    w.bit(s.id.region.is_some());
    if let Some(region) = s.id.region {
        w.write_bits(u64::from(region.0), 16);
    }
    w.write_bits(u64::from(s.id.id.0), 16);
    w.constrained(u64::from(s.revision.0), 0, 127, "intersections.revision")?;
    let status = &s.status.0;
    if status.len() != 16 {
        return Err(Unsupported("intersections.status"));
    }
    let mut bits = 0u64;
    for set in status.iter().by_vals() {
        bits = bits << 1 | u64::from(set);
    }
    w.write_bits(bits, 16);
    if let Some(moy) = s.moy {
        minute_of_the_year(w, moy, "intersections.moy")?;
    }
    if let Some(second) = s.time_stamp {
        w.write_bits(u64::from(second.0), 16);
    }
    if let Some(lanes) = &s.enabled_lanes {
        w.length(lanes.0.len(), 1, 16, "intersections.enabledLanes")?;
        for lane in &lanes.0 {
            w.write_bits(u64::from(lane.0), 8);
        }
    }
    let states = &s.states.0;
    w.length(states.len(), 1, 255, "intersections.states")?;
    for state in states {
        movement_state(w, state)?;
    }
    if let Some(list) = &s.maneuver_assist_list {
        maneuver_assist_list(w, list, "intersections.maneuverAssistList")?;
    }
    Ok(())
}

fn movement_state(w: &mut BitWriter<'_>, m: &MovementState) -> Result {
    no_regional(&m.regional, "states.regional")?;
    w.bit(false); // extension bit
    w.bit(m.movement_name.is_some());
    w.bit(m.maneuver_assist_list.is_some());
    w.bit(false); // regional
    if let Some(name) = &m.movement_name {
        descriptive_name(w, name, "states.movementName")?;
    }
    w.write_bits(u64::from(m.signal_group.0), 8);
    let events = &m.state_time_speed.0;
    w.length(events.len(), 1, 16, "states.state-time-speed")?;
    for event in events {
        movement_event(w, event)?;
    }
    if let Some(list) = &m.maneuver_assist_list {
        maneuver_assist_list(w, list, "states.maneuverAssistList")?;
    }
    Ok(())
}

fn movement_event(w: &mut BitWriter<'_>, e: &MovementEvent) -> Result {
    no_regional(&e.regional, "state-time-speed.regional")?;
    w.bit(false); // extension bit
    w.bit(e.timing.is_some());
    w.bit(e.speeds.is_some());
    w.bit(false); // regional
    // Not extensible, 10 items numbered 0..9 in order: the index is the discriminant.
    w.write_bits(e.event_state as u64, 4);
    if let Some(timing) = &e.timing {
        time_change_details(w, timing)?;
    }
    if let Some(speeds) = &e.speeds {
        w.length(speeds.0.len(), 1, 16, "state-time-speed.speeds")?;
        for advice in &speeds.0 {
            advisory_speed(w, advice)?;
        }
    }
    Ok(())
}

fn time_change_details(w: &mut BitWriter<'_>, t: &TimeChangeDetails) -> Result {
    // Not extensible: the five presence bits come first.
    w.bit(t.start_time.is_some());
    w.bit(t.max_end_time.is_some());
    w.bit(t.likely_time.is_some());
    w.bit(t.confidence.is_some());
    w.bit(t.next_time.is_some());
    if let Some(mark) = t.start_time {
        time_mark(w, mark, "timing.startTime")?;
    }
    time_mark(w, t.min_end_time, "timing.minEndTime")?;
    if let Some(mark) = t.max_end_time {
        time_mark(w, mark, "timing.maxEndTime")?;
    }
    if let Some(mark) = t.likely_time {
        time_mark(w, mark, "timing.likelyTime")?;
    }
    if let Some(confidence) = t.confidence {
        w.constrained(u64::from(confidence.0), 0, 15, "timing.confidence")?;
    }
    if let Some(mark) = t.next_time {
        time_mark(w, mark, "timing.nextTime")?;
    }
    Ok(())
}

fn advisory_speed(w: &mut BitWriter<'_>, a: &AdvisorySpeed) -> Result {
    no_regional(&a.regional, "speeds.regional")?;
    w.bit(false); // extension bit
    w.bit(a.speed.is_some());
    w.bit(a.confidence.is_some());
    w.bit(a.distance.is_some());
    w.bit(a.class.is_some());
    w.bit(false); // regional
    // Extensible ENUMERATED of 4 root items (numbered 0..3 in order), none beyond the root
    // in our type: extension bit 0, then a 2-bit index.
    w.bit(false);
    w.write_bits(a.type_ as u64, 2);
    if let Some(speed) = a.speed {
        w.constrained(u64::from(speed.0), 0, 500, "speeds.speed")?;
    }
    if let Some(confidence) = a.confidence {
        // Not extensible, 8 items numbered 0..7 in order.
        w.write_bits(confidence as u64, 3);
    }
    if let Some(distance) = a.distance {
        zone_length(w, distance, "speeds.distance")?;
    }
    if let Some(class) = a.class {
        w.write_bits(u64::from(class.0), 8);
    }
    Ok(())
}

fn maneuver_assist_list(
    w: &mut BitWriter<'_>,
    list: &ManeuverAssistList,
    field: &'static str,
) -> Result {
    w.length(list.0.len(), 1, 16, field)?;
    for assist in &list.0 {
        connection_maneuver_assist(w, assist)?;
    }
    Ok(())
}

fn connection_maneuver_assist(w: &mut BitWriter<'_>, c: &ConnectionManeuverAssist) -> Result {
    no_regional(&c.regional, "maneuverAssistList.regional")?;
    w.bit(false); // extension bit
    w.bit(c.queue_length.is_some());
    w.bit(c.available_storage_length.is_some());
    w.bit(c.wait_on_stop.is_some());
    w.bit(c.ped_bicycle_detect.is_some());
    w.bit(false); // regional
    w.write_bits(u64::from(c.connection_id.0), 8);
    if let Some(length) = c.queue_length {
        zone_length(w, length, "maneuverAssistList.queueLength")?;
    }
    if let Some(length) = c.available_storage_length {
        zone_length(w, length, "maneuverAssistList.availableStorageLength")?;
    }
    if let Some(wait) = c.wait_on_stop {
        w.bit(wait.0);
    }
    if let Some(detect) = c.ped_bicycle_detect {
        w.bit(detect.0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::random::{RandomOptions, random_value};
    use crate::testutil::read_vector;
    use proptest::prelude::*;
    use rasn::prelude::*;

    fn fast(spat: &SPAT) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        encode_spat_value(spat, &mut out)?;
        Ok(out)
    }

    /// The fast encoding equals rasn's whenever the fast encoder accepts; `true` if it did.
    fn same_as_rasn(spat: &SPAT) -> bool {
        let Ok(bytes) = fast(spat) else {
            return false;
        };
        assert_eq!(bytes, rasn::uper::encode(spat).unwrap(), "{spat:?}");
        // The whole frame too: header, length form and the value behind it.
        let frame = MessageFrame::SPAT(Box::new(spat.clone()));
        let encoded = frame.encode().unwrap();
        assert_eq!(encoded, rasn::uper::encode(&frame).unwrap(), "{spat:?}");
        true
    }

    fn has_regional(spat: &SPAT) -> bool {
        spat.regional.is_some()
            || spat.intersections.0.iter().any(|i| {
                let assists = |l: &Option<ManeuverAssistList>| {
                    l.iter().flat_map(|l| &l.0).any(|c| c.regional.is_some())
                };
                i.regional.is_some()
                    || assists(&i.maneuver_assist_list)
                    || i.states.0.iter().any(|m| {
                        m.regional.is_some()
                            || assists(&m.maneuver_assist_list)
                            || m.state_time_speed.0.iter().any(|e| {
                                e.regional.is_some()
                                    || e.speeds
                                        .iter()
                                        .flat_map(|s| &s.0)
                                        .any(|a| a.regional.is_some())
                            })
                    })
            })
    }

    /// Random valid SPATs from the generator that drives the derived decoders: with regional
    /// extensions drawn, the fast encoder declines exactly the values that carry one; without,
    /// it accepts every value; and every accepted value encodes to rasn's bits.
    #[test]
    fn random_spats_encode_as_rasn_does() {
        let mut accepted = 0;
        let mut declined = 0;
        // Regional extensions are drawn at every level; with fewer optional fields present,
        // some values come out without any.
        let with_regional = RandomOptions {
            presence: 20,
            ..RandomOptions::default()
        };
        for seed in 0..1500 {
            let spat: SPAT = random_value(seed, with_regional).unwrap();
            let took = same_as_rasn(&spat);
            assert_eq!(took, !has_regional(&spat), "seed {seed}: {spat:?}");
            if took {
                accepted += 1;
            } else {
                declined += 1;
            }
        }
        // Regional extensions are drawn at every level, so most of these are declined (34 of
        // these seeds are accepted); what is checked here is that exactly those are declined.
        // The runs below, without regional data, require every value to be accepted.
        assert!(accepted >= 20, "accepted {accepted}, declined {declined}");

        let plain = RandomOptions {
            regional: false,
            ..RandomOptions::default()
        };
        for seed in 0..3000 {
            let spat: SPAT = random_value(seed, plain).unwrap();
            assert!(
                same_as_rasn(&spat),
                "seed {seed} declined: {:?}",
                fast(&spat)
            );
        }
        // Longer lists and names (up to 13 items beyond the minimum), sparser options.
        let long = RandomOptions {
            regional: false,
            extra_items: 12,
            presence: 35,
            ..RandomOptions::default()
        };
        for seed in 0..150 {
            let spat: SPAT = random_value(seed, long).unwrap();
            assert!(
                same_as_rasn(&spat),
                "seed {seed} declined: {:?}",
                fast(&spat)
            );
        }
        eprintln!(
            "random SPATs: with regional {accepted} fast / {declined} declined; \
             without regional 3000 + 150 of 3150 fast"
        );
    }

    fn name_strategy() -> impl Strategy<Value = Option<DescriptiveName>> {
        proptest::option::of(
            proptest::collection::vec(0u8..=0x7f, 1..=63)
                .prop_map(|b| DescriptiveName(Ia5String::from_iso646_bytes(&b).unwrap())),
        )
    }

    fn mark() -> impl Strategy<Value = TimeMark> {
        prop_oneof![
            Just(0u16),
            Just(36_111),
            Just(36_000),
            Just(36_001),
            0..=36_111u16
        ]
        .prop_map(TimeMark)
    }

    fn timing_strategy() -> impl Strategy<Value = TimeChangeDetails> {
        (
            proptest::option::of(mark()),
            mark(),
            proptest::option::of(mark()),
            proptest::option::of(mark()),
            proptest::option::of(0..=15u8),
            proptest::option::of(mark()),
        )
            .prop_map(
                |(start, min, max, likely, confidence, next)| TimeChangeDetails {
                    start_time: start,
                    min_end_time: min,
                    max_end_time: max,
                    likely_time: likely,
                    confidence: confidence.map(TimeIntervalConfidence),
                    next_time: next,
                },
            )
    }

    const PHASES: [MovementPhaseState; 10] = [
        MovementPhaseState::Unavailable,
        MovementPhaseState::Dark,
        MovementPhaseState::StopThenProceed,
        MovementPhaseState::StopAndRemain,
        MovementPhaseState::PreMovement,
        MovementPhaseState::PermissiveMovementAllowed,
        MovementPhaseState::ProtectedMovementAllowed,
        MovementPhaseState::PermissiveClearance,
        MovementPhaseState::ProtectedClearance,
        MovementPhaseState::CautionConflictingTraffic,
    ];

    fn advisory_strategy() -> impl Strategy<Value = AdvisorySpeed> {
        const TYPES: [AdvisorySpeedType; 4] = [
            AdvisorySpeedType::None,
            AdvisorySpeedType::Greenwave,
            AdvisorySpeedType::EcoDrive,
            AdvisorySpeedType::Transit,
        ];
        (
            0..4usize,
            proptest::option::of(0..=500u16),
            proptest::option::of(0..8usize),
            proptest::option::of(0..=10_000u16),
            proptest::option::of(any::<u8>()),
        )
            .prop_map(|(kind, speed, confidence, distance, class)| {
                let mut a = AdvisorySpeed::new(TYPES[kind]);
                a.speed = speed.map(SpeedAdvice);
                a.confidence = confidence.map(|i| {
                    [
                        SpeedConfidence::Unavailable,
                        SpeedConfidence::Prec100ms,
                        SpeedConfidence::Prec10ms,
                        SpeedConfidence::Prec5ms,
                        SpeedConfidence::Prec1ms,
                        SpeedConfidence::Prec01ms,
                        SpeedConfidence::Prec005ms,
                        SpeedConfidence::Prec001ms,
                    ][i]
                });
                a.distance = distance.map(ZoneLength);
                a.class = class.map(RestrictionClassID);
                a
            })
    }

    fn event_strategy() -> impl Strategy<Value = MovementEvent> {
        (
            0..10usize,
            proptest::option::of(timing_strategy()),
            proptest::option::weighted(0.15, proptest::collection::vec(advisory_strategy(), 1..=3)),
        )
            .prop_map(|(phase, timing, speeds)| {
                let mut e = MovementEvent::new(PHASES[phase]);
                e.timing = timing;
                e.speeds = speeds.map(AdvisorySpeedList);
                e
            })
    }

    fn assist_list_strategy() -> impl Strategy<Value = Option<ManeuverAssistList>> {
        proptest::option::weighted(
            0.2,
            proptest::collection::vec(
                (
                    any::<u8>(),
                    proptest::option::of(0..=10_000u16),
                    proptest::option::of(0..=10_000u16),
                    proptest::option::of(any::<bool>()),
                    proptest::option::of(any::<bool>()),
                )
                    .prop_map(|(id, queue, storage, wait, detect)| {
                        let mut c = ConnectionManeuverAssist::new(LaneConnectionID(id));
                        c.queue_length = queue.map(ZoneLength);
                        c.available_storage_length = storage.map(ZoneLength);
                        c.wait_on_stop = wait.map(WaitOnStopline);
                        c.ped_bicycle_detect = detect.map(PedestrianBicycleDetect);
                        c
                    }),
                1..=4,
            )
            .prop_map(ManeuverAssistList),
        )
    }

    fn movement_strategy() -> impl Strategy<Value = MovementState> {
        (
            proptest::option::weighted(0.3, name_strategy().prop_filter_map("name", |n| n)),
            any::<u8>(),
            proptest::collection::vec(event_strategy(), 1..=3),
            assist_list_strategy(),
        )
            .prop_map(|(name, group, events, assists)| {
                let mut m = MovementState::new(SignalGroupID(group), MovementEventList(events));
                m.movement_name = name;
                m.maneuver_assist_list = assists;
                m
            })
    }

    fn intersection_strategy() -> impl Strategy<Value = IntersectionState> {
        (
            (
                name_strategy(),
                proptest::option::of(any::<u16>()),
                any::<u16>(),
                0..=127u8,
                any::<u16>(),
            ),
            (
                proptest::option::of(0..=527_040u32),
                proptest::option::of(any::<u16>()),
                proptest::option::of(proptest::collection::vec(any::<u8>(), 1..=16)),
                proptest::collection::vec(movement_strategy(), 1..=32),
                assist_list_strategy(),
            ),
        )
            .prop_map(
                |((name, region, id, revision, status), (moy, second, lanes, states, assists))| {
                    let bits = (0..16).map(|i| status >> (15 - i) & 1 == 1).collect();
                    let mut s = IntersectionState::new(
                        IntersectionReferenceID {
                            region: region.map(RoadRegulatorID),
                            id: IntersectionID(id),
                        },
                        MsgCount(revision),
                        IntersectionStatusObject(bits),
                        MovementList(states),
                    );
                    s.name = name;
                    s.moy = moy.map(MinuteOfTheYear);
                    s.time_stamp = second.map(DSecond);
                    s.enabled_lanes =
                        lanes.map(|l| EnabledLaneList(l.into_iter().map(LaneID).collect()));
                    s.maneuver_assist_list = assists;
                    s
                },
            )
    }

    /// SPATs shaped like the service's: 1 to 4 intersections of 1 to 32 movements.
    fn service_spat_strategy() -> impl Strategy<Value = SPAT> {
        (
            proptest::option::of(0..=527_040u32),
            name_strategy(),
            proptest::collection::vec(intersection_strategy(), 1..=4),
        )
            .prop_map(|(moy, name, intersections)| {
                let mut spat = SPAT::new(IntersectionStateList(intersections));
                spat.time_stamp = moy.map(MinuteOfTheYear);
                spat.name = name;
                spat
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Every service-shaped SPAT takes the fast path and gives rasn's bits.
        #[test]
        fn service_shaped_spats_encode_as_rasn_does(spat in service_spat_strategy()) {
            prop_assert!(same_as_rasn(&spat), "declined: {:?}", fast(&spat));
        }
    }

    /// The real SPaT vectors: decoded, re-encoded through `encode_into` to their exact bytes,
    /// and each one's path stated: all three carry no regional data and take the fast path.
    #[test]
    fn real_spat_vectors_take_the_fast_path_bit_exact() {
        let files = [
            "j2735/spat_asn1codec.hex",
            "j2735/ode_spat.mf.hex",
            "j2735/odegen_spat.mf.hex",
        ];
        for file in files {
            let Some(bytes) = read_vector(file) else {
                return;
            };
            let (frame, used) = MessageFrame::decode(&bytes).unwrap();
            let MessageFrame::SPAT(spat) = &frame else {
                panic!("{file}: not a SPAT");
            };
            let fast = fast(spat);
            eprintln!(
                "{file}: {} octets, fast path: {:?}",
                used,
                fast.as_ref().map(Vec::len)
            );
            assert_eq!(fast, Ok(frame.value_uper().unwrap()), "{file}");
            let mut buf = vec![0xee; 7]; // stale content must not survive
            frame.encode_into(&mut buf).unwrap();
            assert_eq!(buf, bytes[..used], "{file}");
        }
    }

    fn events_at(count: usize, min: u16, max: u16, likely: u16) -> MovementEventList {
        let mut e = MovementEvent::new(MovementPhaseState::CautionConflictingTraffic);
        e.timing = Some(TimeChangeDetails {
            start_time: Some(TimeMark(min)),
            min_end_time: TimeMark(min),
            max_end_time: Some(TimeMark(max)),
            likely_time: Some(TimeMark(likely)),
            confidence: Some(TimeIntervalConfidence(15)),
            next_time: Some(TimeMark(max)),
        });
        MovementEventList(vec![e; count])
    }

    fn ia5(text: &[u8]) -> DescriptiveName {
        DescriptiveName(Ia5String::from_iso646_bytes(text).unwrap())
    }

    /// A SPAT at every bound: TimeMark 0 and 36111, MsgCount 127, names of 1 and 63
    /// characters (NUL and DEL included), 255 movements of 16 events, status all ones,
    /// MinuteOfTheYear 527040, full lists; and a small one for the one-octet length form.
    fn boundary_spat() -> SPAT {
        // 16 events and a name on the first two movements only: 255 of those would pass the
        // 16K octets where the frame is fragmented (tested separately below).
        let movements: Vec<MovementState> = (0..255u16)
            .map(|i| {
                let count = if i < 2 { 16 } else { 1 };
                let events = if i % 2 == 0 {
                    events_at(count, 0, 36_111, 36_111)
                } else {
                    events_at(count, 36_111, 0, 0)
                };
                let mut m = MovementState::new(SignalGroupID(i as u8), events);
                m.movement_name = match i {
                    0 => Some(ia5(b"\x00")),
                    1 => Some(ia5(&[0x7f; 63])),
                    _ => None,
                };
                m
            })
            .collect();
        let mut assist = ConnectionManeuverAssist::new(LaneConnectionID(255));
        assist.queue_length = Some(ZoneLength(10_000));
        assist.available_storage_length = Some(ZoneLength(0));
        assist.wait_on_stop = Some(WaitOnStopline(true));
        assist.ped_bicycle_detect = Some(PedestrianBicycleDetect(true));
        let mut s = IntersectionState::new(
            IntersectionReferenceID {
                region: Some(RoadRegulatorID(65_535)),
                id: IntersectionID(65_535),
            },
            MsgCount(127),
            IntersectionStatusObject(BitString::repeat(true, 16)),
            MovementList(movements),
        );
        s.name = Some(ia5(&[b'Z'; 63]));
        s.moy = Some(MinuteOfTheYear(527_040));
        s.time_stamp = Some(DSecond(65_535));
        s.enabled_lanes = Some(EnabledLaneList(vec![LaneID(255); 16]));
        s.maneuver_assist_list = Some(ManeuverAssistList(vec![assist; 16]));
        let mut spat = SPAT::new(IntersectionStateList(vec![s]));
        spat.time_stamp = Some(MinuteOfTheYear(0));
        spat.name = Some(ia5(b"A"));
        spat
    }

    fn small_spat() -> SPAT {
        let mut e = MovementEvent::new(MovementPhaseState::StopAndRemain);
        e.timing = Some(TimeChangeDetails {
            start_time: None,
            min_end_time: TimeMark(0),
            max_end_time: None,
            likely_time: None,
            confidence: None,
            next_time: None,
        });
        let s = IntersectionState::new(
            IntersectionReferenceID {
                region: None,
                id: IntersectionID(0),
            },
            MsgCount(0),
            IntersectionStatusObject(BitString::repeat(false, 16)),
            MovementList(vec![MovementState::new(
                SignalGroupID(0),
                MovementEventList(vec![e]),
            )]),
        );
        SPAT::new(IntersectionStateList(vec![s]))
    }

    #[test]
    fn boundary_values_encode_as_rasn_does() {
        let spat = boundary_spat();
        assert!(same_as_rasn(&spat));
        let frame = MessageFrame::SPAT(Box::new(spat));
        let len = frame.encode().unwrap().len();
        // Long enough for the two-octet length, short of the fragmented form.
        assert!((128 + 4..16_384).contains(&len), "{len}");

        let small = small_spat();
        assert!(same_as_rasn(&small));
        let bytes = MessageFrame::SPAT(Box::new(small)).encode().unwrap();
        assert!(bytes.len() < 128 && bytes[2] as usize == bytes.len() - 3);

        // 32 intersections of 255 movements: over 16K octets, so the frame is fragmented
        // and left to rasn, while the value itself still encodes fast and exactly.
        let mut huge = boundary_spat();
        let one = huge.intersections.0[0].clone();
        huge.intersections.0 = vec![one; 32];
        let value = fast(&huge).unwrap();
        assert!(value.len() >= 16_384);
        assert_eq!(value, rasn::uper::encode(&huge).unwrap());
        let frame = MessageFrame::SPAT(Box::new(huge));
        assert_eq!(frame.encode().unwrap(), rasn::uper::encode(&frame).unwrap());
    }

    /// A value the fast encoder declines is encoded or refused by rasn exactly as before the
    /// fast path existed: same bytes, or the same error with the field path.
    #[test]
    fn declined_values_fall_back_to_rasn() {
        type Edit = fn(&mut SPAT);
        let cases: [(&str, Edit, &str); 13] = [
            (
                "timing.minEndTime",
                |s| {
                    s.intersections.0[0].states.0[0].state_time_speed.0[0]
                        .timing
                        .as_mut()
                        .unwrap()
                        .min_end_time = TimeMark(36_112)
                },
                "value.intersections[0].states[0].state-time-speed[0].timing.minEndTime: \
                 value 36112 outside 0..36111",
            ),
            (
                "timing.nextTime",
                |s| {
                    s.intersections.0[0].states.0[0].state_time_speed.0[0]
                        .timing
                        .as_mut()
                        .unwrap()
                        .next_time = Some(TimeMark(u16::MAX))
                },
                "",
            ),
            (
                "intersections.revision",
                |s| s.intersections.0[0].revision = MsgCount(128),
                "value.intersections[0].revision: value 128 outside 0..127",
            ),
            (
                "timeStamp",
                |s| s.time_stamp = Some(MinuteOfTheYear(527_041)),
                "",
            ),
            (
                "intersections.moy",
                |s| s.intersections.0[0].moy = Some(MinuteOfTheYear(u32::MAX)),
                "",
            ),
            (
                "intersections.status",
                |s| {
                    s.intersections.0[0].status =
                        IntersectionStatusObject(BitString::repeat(true, 15))
                },
                "",
            ),
            ("name", |s| s.name = Some(ia5(b"")), ""),
            ("name", |s| s.name = Some(ia5(&[b'x'; 64])), ""),
            (
                "intersections.states",
                |s| s.intersections.0[0].states.0.clear(),
                "",
            ),
            ("intersections", |s| s.intersections.0.clear(), ""),
            (
                "states.state-time-speed",
                |s| {
                    let events = &mut s.intersections.0[0].states.0[0].state_time_speed.0;
                    let e = events[0].clone();
                    events.resize(17, e);
                },
                "",
            ),
            (
                "timing.confidence",
                |s| {
                    s.intersections.0[0].states.0[0].state_time_speed.0[0]
                        .timing
                        .as_mut()
                        .unwrap()
                        .confidence = Some(TimeIntervalConfidence(16))
                },
                "",
            ),
            (
                "speeds.speed",
                |s| {
                    let mut a = AdvisorySpeed::new(AdvisorySpeedType::Transit);
                    a.speed = Some(SpeedAdvice(501));
                    s.intersections.0[0].states.0[0].state_time_speed.0[0].speeds =
                        Some(AdvisorySpeedList(vec![a]));
                },
                "",
            ),
        ];
        for (field, edit, message) in cases {
            let mut spat = small_spat();
            edit(&mut spat);
            assert_eq!(fast(&spat), Err(Unsupported(field)));
            assert!(rasn::uper::encode(&spat).is_err(), "{field}");
            let frame = MessageFrame::SPAT(Box::new(spat));
            let err = frame.encode().unwrap_err();
            // The error the rasn path has always given: the checker's, naming the field.
            let expected = crate::Error::from(crate::jer::check(&frame).unwrap_err());
            assert_eq!(err.to_string(), expected.to_string(), "{field}");
            if !message.is_empty() {
                assert_eq!(err.to_string(), message);
            }
        }

        // Regional extensions are open types: declined, then encoded by rasn.
        let mut spat = small_spat();
        spat.intersections.0[0].states.0[0].state_time_speed.0[0].regional =
            Some(vec![RegionalExtension::new(
                RegionId::ADD_GRP_C,
                vec![1, 2],
            )]);
        assert_eq!(fast(&spat), Err(Unsupported("state-time-speed.regional")));
        let frame = MessageFrame::SPAT(Box::new(spat));
        assert_eq!(frame.encode().unwrap(), rasn::uper::encode(&frame).unwrap());

        // A failed attempt leaves what the output held before.
        let mut spat = small_spat();
        spat.intersections.0[0].revision = MsgCount(200);
        let mut out = vec![1, 2, 3];
        assert!(encode_spat_value(&spat, &mut out).is_err());
        assert_eq!(out, [1, 2, 3]);
    }

    /// The bit writer against hand-worked bytes: widths, flushes across the 32-bit word and
    /// the final zero padding.
    #[test]
    fn bit_writer_packs_msb_first_and_pads() {
        assert_eq!(
            [0, 1, 2, 255, 256, 36_111, 527_040].map(width),
            [0, 1, 2, 8, 9, 16, 20]
        );
        let mut out = Vec::new();
        let mut w = BitWriter::new(&mut out);
        w.bit(true);
        w.write_bits(0, 0);
        w.write_bits(0x1234_5678, 32);
        w.write_bits(0b101, 3);
        w.write_bits(0xffff_ffff_ffff, 8); // only the low 8 bits count
        w.finish();
        // 1 | 0001 0010 0011 0100 0101 0110 0111 1000 | 101 | 1111 1111, then 0 padding.
        assert_eq!(out, [0x89, 0x1a, 0x2b, 0x3c, 0x5f, 0xf0]);
    }
}
