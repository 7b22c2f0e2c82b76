//! Store-and-Repeat timing, sans-IO (RSU 4.1 Req_468/470: a stored message is transmitted
//! only between its DeliveryStart and DeliveryStop, at its TxInterval).
//!
//! A message's slots are `start + k × interval`, computed, never accumulated, so a message
//! does not drift however long it runs. Slots missed while the service was busy are skipped,
//! not sent in a burst.

use std::collections::BTreeMap;

use crate::clock::UnixMillis;

/// One stored message's timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: UnixMillis,
    /// Exclusive.
    pub stop: UnixMillis,
    pub interval_ms: u64,
}

impl Window {
    /// The first slot at or after `now` inside the window, if any is left.
    pub fn next_slot(&self, now: UnixMillis) -> Option<UnixMillis> {
        let interval = self.interval_ms.max(1);
        let slot = if now <= self.start {
            self.start
        } else {
            let k = now.since(self.start).div_ceil(interval);
            self.start.plus_ms(k.saturating_mul(interval))
        };
        (slot < self.stop).then_some(slot)
    }

    /// Whether `now` is inside the window.
    pub fn contains(&self, now: UnixMillis) -> bool {
        self.start <= now && now < self.stop
    }
}

/// Why a message could not be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepeatError {
    #[error("already {0} active messages (store_and_repeat.max_messages)")]
    Full(usize),
}

impl RepeatError {
    pub fn code(&self) -> &'static str {
        match self {
            RepeatError::Full(_) => "too_many_messages",
        }
    }
}

#[derive(Debug, Clone)]
struct Entry<T> {
    window: Window,
    next: Option<UnixMillis>,
    message: T,
}

/// The stored messages, keyed by name (the file name), each with its next slot.
#[derive(Debug, Clone)]
pub struct Repeater<T> {
    entries: BTreeMap<String, Entry<T>>,
    max: usize,
}

/// A message whose slot has come.
#[derive(Debug)]
pub struct DueMessage<'a, T> {
    pub name: &'a str,
    pub message: &'a T,
    /// The slot it was due at.
    pub slot: UnixMillis,
    /// Slots passed over because the service was late.
    pub skipped: u64,
}

impl<T> Repeater<T> {
    /// At most `max` messages.
    pub fn new(max: usize) -> Repeater<T> {
        Repeater {
            entries: BTreeMap::new(),
            max,
        }
    }

    /// Adds or replaces the message called `name`; a replaced message restarts its slots
    /// from its (new) window.
    pub fn upsert(
        &mut self,
        name: &str,
        window: Window,
        message: T,
        now: UnixMillis,
    ) -> Result<(), RepeatError> {
        if !self.entries.contains_key(name) && self.entries.len() >= self.max {
            return Err(RepeatError::Full(self.max));
        }
        self.entries.insert(
            name.to_owned(),
            Entry {
                window,
                next: window.next_slot(now),
                message,
            },
        );
        Ok(())
    }

    /// Removes the message called `name`; true if there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        self.entries.remove(name).is_some()
    }

    /// The names stored.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Messages inside their window at `now`.
    pub fn active(&self, now: UnixMillis) -> usize {
        self.entries
            .values()
            .filter(|e| e.window.contains(now))
            .count()
    }

    /// The earliest slot of any message.
    pub fn next_deadline(&self) -> Option<UnixMillis> {
        self.entries.values().filter_map(|e| e.next).min()
    }

    /// The next message due at or before `now`, advancing its slot past `now`. Call until
    /// `None`.
    pub fn poll(&mut self, now: UnixMillis) -> Option<DueMessage<'_, T>> {
        let (name, entry) = self
            .entries
            .iter_mut()
            .filter(|(_, e)| e.next.is_some_and(|t| t <= now))
            .min_by_key(|(_, e)| e.next)?;
        let slot = entry.next?;
        // The slot after now; every slot in between was missed.
        let after = entry.window.next_slot(now.plus_ms(1));
        let interval = entry.window.interval_ms.max(1);
        let until = after.unwrap_or(entry.window.stop).min(now.plus_ms(1));
        let skipped = until.since(slot).saturating_sub(1) / interval;
        entry.next = after;
        Some(DueMessage {
            name,
            message: &entry.message,
            slot,
            skipped,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const T0: UnixMillis = UnixMillis(1_795_000_000_000);

    fn window(start_s: u64, stop_s: u64, interval_s: u64) -> Window {
        Window {
            start: T0.plus_ms(start_s * 1000),
            stop: T0.plus_ms(stop_s * 1000),
            interval_ms: interval_s * 1000,
        }
    }

    /// Runs the repeater from T0 to `end_s` in 100 ms steps; returns (name, slot s) sent.
    fn run(r: &mut Repeater<()>, end_s: u64) -> Vec<(String, u64)> {
        let mut sent = Vec::new();
        let mut t = T0;
        while t <= T0.plus_ms(end_s * 1000) {
            while let Some(d) = r.poll(t) {
                sent.push((d.name.to_owned(), d.slot.since(T0) / 1000));
            }
            t = t.plus_ms(100);
        }
        sent
    }

    #[test]
    fn sends_at_its_interval_only_inside_its_window() {
        let mut r = Repeater::new(10);
        r.upsert("tim", window(10, 20, 3), (), T0).unwrap();
        let sent: Vec<u64> = run(&mut r, 60).into_iter().map(|(_, s)| s).collect();
        // 10, 13, 16, 19; 22 is past the stop at 20.
        assert_eq!(sent, [10, 13, 16, 19]);
        assert_eq!(r.next_deadline(), None);
        assert_eq!(
            r.len(),
            1,
            "an expired message stays stored until its file goes"
        );
        assert_eq!(r.active(T0.plus_ms(15_000)), 1);
        assert_eq!(r.active(T0.plus_ms(20_000)), 0);
    }

    #[test]
    fn a_message_added_inside_its_window_keeps_the_windows_phase() {
        let mut r = Repeater::new(10);
        // Window from T0, every 5 s; stored at T0 + 7 s: next slot 10, not 7 or 12.
        r.upsert("a", window(0, 30, 5), (), T0.plus_ms(7000))
            .unwrap();
        assert_eq!(r.next_deadline(), Some(T0.plus_ms(10_000)));
    }

    #[test]
    fn replacing_and_removing() {
        let mut r = Repeater::new(2);
        r.upsert("a", window(0, 100, 1), (), T0).unwrap();
        r.upsert("b", window(0, 100, 2), (), T0).unwrap();
        assert_eq!(
            r.upsert("c", window(0, 100, 1), (), T0),
            Err(RepeatError::Full(2))
        );
        // Replacing an existing name is not an addition.
        r.upsert("b", window(50, 100, 2), (), T0).unwrap();
        assert!(r.remove("a"));
        assert!(!r.remove("a"));
        assert_eq!(run(&mut r, 53), [("b".into(), 50), ("b".into(), 52)]);
    }

    #[test]
    fn missed_slots_are_skipped_and_counted() {
        let mut r = Repeater::new(1);
        r.upsert("a", window(0, 100, 1), (), T0).unwrap();
        assert_eq!(r.poll(T0).unwrap().skipped, 0);
        // Asleep until 4.5 s: slots 1, 2, 3, 4 are due; one goes, three are skipped.
        let d = r.poll(T0.plus_ms(4500)).unwrap();
        assert_eq!((d.slot, d.skipped), (T0.plus_ms(1000), 3));
        assert!(r.poll(T0.plus_ms(4500)).is_none());
        assert_eq!(r.next_deadline(), Some(T0.plus_ms(5000)));
    }

    #[test]
    fn two_messages_interleave_in_time_order() {
        let mut r = Repeater::new(5);
        r.upsert("x", window(0, 4, 2), (), T0).unwrap();
        r.upsert("y", window(1, 4, 2), (), T0).unwrap();
        let sent = run(&mut r, 10);
        assert_eq!(
            sent,
            [
                ("x".into(), 0),
                ("y".into(), 1),
                ("x".into(), 2),
                ("y".into(), 3)
            ]
        );
    }
}
