//! Rate-limited warnings: one reusable limiter for every per-event warning (a refused
//! frame, a rejected datagram or file), so a flood of events writes a bounded log.
//!
//! Per key (a reason code, or a small tuple naming where and why), the first occurrence is
//! logged at warn; then for one interval every further occurrence goes to debug only and
//! is counted; the next warn line for the key (the next occurrence after the interval, or
//! a summary from [`LogLimiter::due`]) carries `suppressed=N`, how many were left out since
//! its previous line. The counters say how many happened in total; the log says what kind
//! and roughly when. Time is an argument, so the rules are testable without a clock.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// How long a key stays quiet after one of its warn lines.
pub const SUMMARY_INTERVAL: Duration = Duration::from_secs(30);

/// What to do with one occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Log it at warn, with how many occurrences of its key went to debug since the key's
    /// previous warn line (0 for the first).
    Log { suppressed: u64 },
    /// Log it at debug only: it is counted for the key's next warn line.
    Quiet,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    /// When the key's last warn line was written.
    since: Instant,
    /// Occurrences sent to debug since.
    suppressed: u64,
}

/// Decides which occurrences of a warning are written at warn. Keys must come from a
/// bounded set (reason codes, configured intersections), since each is remembered.
#[derive(Debug)]
pub struct LogLimiter<K> {
    interval: Duration,
    keys: HashMap<K, Window>,
}

impl<K: Eq + Hash + Clone> Default for LogLimiter<K> {
    fn default() -> Self {
        LogLimiter::new(SUMMARY_INTERVAL)
    }
}

impl<K: Eq + Hash + Clone> LogLimiter<K> {
    /// At most one warn line per key per `interval` (plus the first).
    pub fn new(interval: Duration) -> LogLimiter<K> {
        LogLimiter {
            interval,
            keys: HashMap::new(),
        }
    }

    /// One occurrence of `key` at `now`.
    pub fn check(&mut self, key: K, now: Instant) -> Verdict {
        match self.keys.get_mut(&key) {
            None => {
                self.keys.insert(
                    key,
                    Window {
                        since: now,
                        suppressed: 0,
                    },
                );
                Verdict::Log { suppressed: 0 }
            }
            Some(w) if now.saturating_duration_since(w.since) >= self.interval => {
                let suppressed = w.suppressed;
                *w = Window {
                    since: now,
                    suppressed: 0,
                };
                Verdict::Log { suppressed }
            }
            Some(w) => {
                w.suppressed = w.suppressed.saturating_add(1);
                Verdict::Quiet
            }
        }
    }

    /// The keys whose interval has passed with occurrences left out, and how many: the
    /// caller writes one summary line for each. Each such key starts a new interval. For
    /// callers with a periodic wake-up; the others summarise at the key's next occurrence.
    pub fn due(&mut self, now: Instant) -> Vec<(K, u64)> {
        let mut out = Vec::new();
        for (key, w) in &mut self.keys {
            if w.suppressed > 0 && now.saturating_duration_since(w.since) >= self.interval {
                out.push((key.clone(), w.suppressed));
                *w = Window {
                    since: now,
                    suppressed: 0,
                };
            }
        }
        out
    }
}

/// `warn!` through a [`LogLimiter`]: `warn_limited!(limiter, key, now, fields..., "text")`
/// writes the event at warn with `suppressed = N` when the limiter says so, else at debug.
macro_rules! warn_limited {
    ($limiter:expr, $key:expr, $now:expr, $($rest:tt)+) => {
        match $limiter.check($key, $now) {
            $crate::telemetry::throttle::Verdict::Log { suppressed } => {
                ::tracing::warn!(suppressed, $($rest)+)
            }
            $crate::telemetry::throttle::Verdict::Quiet => ::tracing::debug!($($rest)+),
        }
    };
}
pub(crate) use warn_limited;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn at(t0: Instant, ms: u64) -> Instant {
        t0 + Duration::from_millis(ms)
    }

    /// The flood the hostile test saw: 3,580 refused frames in 0.5 s.
    #[test]
    fn a_flood_gives_one_line_then_one_with_its_count() {
        let t0 = Instant::now();
        let mut limiter = LogLimiter::new(Duration::from_secs(30));
        let verdicts: Vec<Verdict> = (0..3580u64)
            .map(|i| limiter.check("queue_full", at(t0, i * 500 / 3580)))
            .collect();
        let logged: Vec<&Verdict> = verdicts
            .iter()
            .filter(|v| matches!(v, Verdict::Log { .. }))
            .collect();
        assert_eq!(logged, [&Verdict::Log { suppressed: 0 }]);
        assert_eq!(verdicts[0], Verdict::Log { suppressed: 0 });
        // Still inside the interval: quiet, counted.
        assert_eq!(limiter.check("queue_full", at(t0, 29_999)), Verdict::Quiet);
        // The next line after the interval carries every left-out one.
        assert_eq!(
            limiter.check("queue_full", at(t0, 30_000)),
            Verdict::Log { suppressed: 3580 }
        );
        assert_eq!(limiter.check("queue_full", at(t0, 30_001)), Verdict::Quiet);
    }

    #[test]
    fn keys_are_independent() {
        let t0 = Instant::now();
        let mut limiter = LogLimiter::new(Duration::from_secs(10));
        assert_eq!(
            limiter.check((1u16, "a"), t0),
            Verdict::Log { suppressed: 0 }
        );
        assert_eq!(limiter.check((1u16, "a"), t0), Verdict::Quiet);
        assert_eq!(
            limiter.check((2u16, "a"), t0),
            Verdict::Log { suppressed: 0 }
        );
        assert_eq!(
            limiter.check((1u16, "b"), t0),
            Verdict::Log { suppressed: 0 }
        );
        assert_eq!(
            limiter.check((1u16, "a"), at(t0, 10_000)),
            Verdict::Log { suppressed: 1 }
        );
    }

    #[test]
    fn due_summarises_once_per_interval_and_only_what_was_left_out() {
        let t0 = Instant::now();
        let mut limiter = LogLimiter::new(Duration::from_secs(30));
        for i in 0..1000 {
            limiter.check("bad_hex", at(t0, i));
        }
        limiter.check("quiet_key", t0);
        assert_eq!(limiter.due(at(t0, 29_999)), []);
        assert_eq!(limiter.due(at(t0, 30_000)), [("bad_hex", 999)]);
        // Nothing new: nothing to say, now or later.
        assert_eq!(limiter.due(at(t0, 30_001)), []);
        assert_eq!(limiter.due(at(t0, 120_000)), []);
        // A summary starts an interval: the next occurrence is quiet until it ends.
        assert_eq!(limiter.check("bad_hex", at(t0, 30_002)), Verdict::Quiet);
        assert_eq!(limiter.due(at(t0, 59_999)), []);
        assert_eq!(limiter.due(at(t0, 60_000)), [("bad_hex", 1)]);
    }

    /// The macro writes one warn line per interval, carrying the count, and the rest at
    /// debug.
    #[test]
    fn the_macro_writes_warn_then_debug() {
        #[derive(Clone, Default)]
        struct Out(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Out {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let out = Out::default();
        let writer = out.clone();
        let dispatch = crate::telemetry::logging::dispatch(
            crate::telemetry::logging::LogFormat::Text,
            "debug",
            move || writer.clone(),
        )
        .unwrap();
        let t0 = Instant::now();
        let mut limiter = LogLimiter::new(Duration::from_secs(30));
        tracing::dispatcher::with_default(&dispatch, || {
            for i in 0..3580u64 {
                warn_limited!(
                    limiter,
                    "queue_full",
                    at(t0, i / 8),
                    reason = "queue_full",
                    "refused"
                );
            }
            warn_limited!(
                limiter,
                "queue_full",
                at(t0, 31_000),
                reason = "queue_full",
                "refused"
            );
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let warns: Vec<&str> = text.lines().filter(|l| l.contains("WARN")).collect();
        assert_eq!(warns.len(), 2, "{text}");
        assert!(warns[0].contains("suppressed=0"), "{}", warns[0]);
        assert!(warns[1].contains("suppressed=3579"), "{}", warns[1]);
        assert_eq!(text.lines().filter(|l| l.contains("DEBUG")).count(), 3579);
    }
}
