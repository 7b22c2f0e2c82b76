//! When each message goes out: a sans-IO broadcast scheduler driven by a monotonic clock.
//!
//! Each intersection has a SPaT stream and a MAP stream. Stream `s` fires at
//! `offset(s) + k × period(s)` for k = 0, 1, 2, … — computed from k, never by adding a
//! period to the last firing, so it cannot drift however long it runs or however late the
//! runtime wakes. Intersections are spread evenly inside a period (two intersections' SPaTs
//! are 50 ms apart) and each MAP sits halfway between two SPaT slots, so no two messages are
//! due at the same instant. When the runtime falls more than a period behind, the missed
//! slots are skipped and counted, not sent in a burst: a late SPaT is of no use.

use std::time::Duration;

/// Which message of an intersection is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stream {
    /// Signal phase and timing, every `spat_period`.
    Spat,
    /// Intersection geometry, every `map_period`.
    Map,
}

/// A message that is due now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// Index of the intersection in the order given to [`Scheduler::new`].
    pub intersection: usize,
    /// Which message.
    pub stream: Stream,
    /// The slot's instant (time since the scheduler's start).
    pub slot: Duration,
    /// Earlier slots of this stream that were skipped because the caller was late.
    pub skipped: u64,
}

#[derive(Debug, Clone)]
struct Slot {
    intersection: usize,
    stream: Stream,
    offset_ns: u128,
    period_ns: u128,
    /// Index of the next slot to fire.
    k: u64,
}

impl Slot {
    fn at(&self, k: u64) -> u128 {
        self.offset_ns + self.period_ns * u128::from(k)
    }
}

/// The broadcast timetable of every intersection.
#[derive(Debug, Clone)]
pub struct Scheduler {
    slots: Vec<Slot>,
}

/// Why a timetable cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// A period of zero would fire without end.
    #[error("the {0:?} interval must be greater than zero")]
    ZeroPeriod(Stream),
}

impl Scheduler {
    /// A timetable for `intersections` intersections, with SPaT every `spat_period` and MAP
    /// every `map_period`. Time 0 is the scheduler's start: the first SPaT is due at once.
    pub fn new(
        intersections: usize,
        spat_period: Duration,
        map_period: Duration,
    ) -> Result<Scheduler, ScheduleError> {
        if spat_period.is_zero() {
            return Err(ScheduleError::ZeroPeriod(Stream::Spat));
        }
        if map_period.is_zero() {
            return Err(ScheduleError::ZeroPeriod(Stream::Map));
        }
        let n = intersections.max(1) as u128;
        let spat = spat_period.as_nanos();
        let map = map_period.as_nanos();
        let mut slots = Vec::with_capacity(intersections * 2);
        for i in 0..intersections {
            let spread = i as u128;
            slots.push(Slot {
                intersection: i,
                stream: Stream::Spat,
                offset_ns: spread * spat / n,
                period_ns: spat,
                k: 0,
            });
            slots.push(Slot {
                intersection: i,
                stream: Stream::Map,
                // Halfway between this intersection's SPaT slot and the next intersection's.
                offset_ns: (spread * map / n + spat / (2 * n)) % map,
                period_ns: map,
                k: 0,
            });
        }
        Ok(Scheduler { slots })
    }

    /// When the next message is due (time since the start), or `None` with no intersections.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.slots
            .iter()
            .map(|s| s.at(s.k))
            .min()
            .map(duration_from_nanos)
    }

    /// Continues from `now` (time since the start) without firing or counting the slots
    /// before it: a timetable built for a new set of intersections takes over from the
    /// running one on the same time line, so an intersection whose place is unchanged keeps
    /// its exact slots.
    pub fn resume_at(&mut self, now: Duration) {
        let now_ns = now.as_nanos();
        for s in &mut self.slots {
            let k = now_ns.saturating_sub(s.offset_ns).div_ceil(s.period_ns);
            s.k = u64::try_from(k).unwrap_or(u64::MAX);
        }
    }

    /// When `stream` of `intersection` is next due (time since the start).
    pub fn next_slot(&self, intersection: usize, stream: Stream) -> Option<Duration> {
        self.slots
            .iter()
            .find(|s| s.intersection == intersection && s.stream == stream)
            .map(|s| duration_from_nanos(s.at(s.k)))
    }

    /// The earliest message due at `now` (time since the start), if any; call until `None`.
    pub fn poll(&mut self, now: Duration) -> Option<Due> {
        let now_ns = now.as_nanos();
        let slot = self
            .slots
            .iter_mut()
            .filter(|s| s.at(s.k) <= now_ns)
            .min_by_key(|s| s.at(s.k))?;
        // The latest slot at or before now: skip the ones the caller slept through.
        let latest = ((now_ns - slot.offset_ns) / slot.period_ns) as u64;
        let skipped = latest - slot.k;
        slot.k = latest + 1;
        Some(Due {
            intersection: slot.intersection,
            stream: slot.stream,
            slot: duration_from_nanos(slot.at(latest)),
            skipped,
        })
    }
}

fn duration_from_nanos(ns: u128) -> Duration {
    let secs = (ns / 1_000_000_000) as u64;
    Duration::new(secs, (ns % 1_000_000_000) as u32)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    const MS: Duration = Duration::from_millis(1);

    fn drain(s: &mut Scheduler, now: Duration) -> Vec<Due> {
        std::iter::from_fn(|| s.poll(now)).collect()
    }

    #[test]
    fn resuming_keeps_the_grid_and_skips_nothing() {
        let mut s = Scheduler::new(2, 100 * MS, 1000 * MS).unwrap();
        s.resume_at(1234 * MS);
        assert_eq!(s.next_slot(0, Stream::Spat), Some(1300 * MS));
        assert_eq!(s.next_slot(1, Stream::Spat), Some(1250 * MS));
        // Exactly on a slot: that slot is still to fire.
        s.resume_at(1300 * MS);
        assert_eq!(s.next_slot(0, Stream::Spat), Some(1300 * MS));
        let due = drain(&mut s, 1300 * MS);
        assert!(due.iter().all(|d| d.skipped == 0), "{due:?}");
        assert_eq!(s.next_slot(0, Stream::Spat), Some(1400 * MS));
        assert_eq!(s.next_slot(2, Stream::Spat), None);
    }

    #[test]
    fn two_intersections_are_spread() {
        let mut s = Scheduler::new(2, 100 * MS, 1000 * MS).unwrap();
        // SPaT offsets 0 and 50 ms; MAP offsets 0 + 100/4 = 25 ms and 500 + 25 = 525 ms.
        let mut fired = Vec::new();
        let mut now = Duration::ZERO;
        while now < 1000 * MS {
            for d in drain(&mut s, now) {
                assert_eq!(d.skipped, 0);
                assert_eq!(d.slot, now, "fired at its slot when polled at its deadline");
                fired.push((d.slot.as_millis(), d.intersection, d.stream));
            }
            now = s.next_deadline().unwrap();
        }
        assert_eq!(fired.len(), 20 + 2);
        assert_eq!(fired[0], (0, 0, Stream::Spat));
        assert_eq!(fired[1], (25, 0, Stream::Map));
        assert_eq!(fired[2], (50, 1, Stream::Spat));
        assert_eq!(fired[3], (100, 0, Stream::Spat));
        assert!(fired.contains(&(525, 1, Stream::Map)));
        // No two messages share an instant.
        let mut instants: Vec<_> = fired.iter().map(|f| f.0).collect();
        instants.dedup();
        assert_eq!(instants.len(), fired.len());
    }

    #[test]
    fn no_drift_over_a_day() {
        let mut s = Scheduler::new(1, 100 * MS, 1000 * MS).unwrap();
        // Wake 3 ms late every time, as a loaded box might: slots stay on the 100 ms grid.
        let mut now = Duration::ZERO;
        let mut spats = 0u64;
        let day = Duration::from_secs(86_400);
        while now < day {
            for d in drain(&mut s, now) {
                assert_eq!(d.skipped, 0);
                if d.stream == Stream::Spat {
                    assert_eq!(d.slot, 100 * MS * (spats as u32));
                    spats += 1;
                }
            }
            now = s.next_deadline().unwrap() + 3 * MS;
        }
        assert_eq!(spats, 864_000);
    }

    #[test]
    fn late_wakeups_skip_instead_of_bursting() {
        let mut s = Scheduler::new(1, 100 * MS, 1000 * MS).unwrap();
        assert_eq!(drain(&mut s, Duration::ZERO).len(), 1);
        // Asleep until 1234 ms: SPaT slots 100..=1200 (12) are due; one fires, 11 skipped.
        let due = drain(&mut s, 1234 * MS);
        let spat = due.iter().find(|d| d.stream == Stream::Spat).unwrap();
        assert_eq!(spat.slot, 1200 * MS);
        assert_eq!(spat.skipped, 11);
        let map = due.iter().find(|d| d.stream == Stream::Map).unwrap();
        // MAP slots at 50 and 1050: 1050 fires, 50 is skipped.
        assert_eq!((map.slot, map.skipped), (1050 * MS, 1));
        assert_eq!(s.next_deadline(), Some(1300 * MS));
    }

    #[test]
    fn zero_periods_are_refused() {
        assert_eq!(
            Scheduler::new(1, Duration::ZERO, MS).unwrap_err(),
            ScheduleError::ZeroPeriod(Stream::Spat)
        );
        assert_eq!(
            Scheduler::new(1, MS, Duration::ZERO).unwrap_err(),
            ScheduleError::ZeroPeriod(Stream::Map)
        );
        assert_eq!(Scheduler::new(0, MS, MS).unwrap().next_deadline(), None);
    }

    proptest! {
        /// However the caller wakes, every slot is either fired or counted as skipped,
        /// exactly once, in order, and a fired slot is never in the future.
        #[test]
        fn every_slot_accounted(n in 1usize..5, spat_ms in 1u64..200, map_ms in 1u64..3000,
                                lateness in proptest::collection::vec(0u64..500, 1..200)) {
            let mut s = Scheduler::new(n, Duration::from_millis(spat_ms), Duration::from_millis(map_ms)).unwrap();
            let mut seen: std::collections::HashMap<(usize, Stream), u64> = Default::default();
            let mut now = Duration::ZERO;
            let mut polled = Duration::ZERO;
            for late in lateness {
                while let Some(d) = s.poll(now) {
                    prop_assert!(d.slot <= now);
                    let count = seen.entry((d.intersection, d.stream)).or_default();
                    *count += d.skipped + 1;
                }
                polled = now;
                now = s.next_deadline().unwrap() + Duration::from_millis(late);
            }
            for slot in &s.slots {
                let fired = seen.get(&(slot.intersection, slot.stream)).copied().unwrap_or(0);
                prop_assert_eq!(fired, slot.k);
                // Exactly the slots at or before the last poll were accounted for.
                let expected = if polled.as_nanos() < slot.offset_ns {
                    0
                } else {
                    ((polled.as_nanos() - slot.offset_ns) / slot.period_ns) as u64 + 1
                };
                prop_assert_eq!(slot.k, expected);
            }
        }
    }
}
