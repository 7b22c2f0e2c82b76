//! Time as the service sees it: UTC for what goes on the air, a monotonic clock for when.
//!
//! Logic never reads the system clock itself: it is handed a [`UnixMillis`] (or asks a
//! [`Clock`]), so every rule is testable at any instant, an hour boundary included.

use std::time::{SystemTime, UNIX_EPOCH};

use rsu_hw::gnss::Date;

/// Milliseconds of UTC since 1970 (POSIX time: no leap seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixMillis(pub u64);

pub(crate) const MS_PER_MINUTE: u64 = 60_000;
pub(crate) const MS_PER_HOUR: u64 = 3_600_000;
pub(crate) const MS_PER_DAY: u64 = 86_400_000;

impl UnixMillis {
    /// This instant plus `ms` milliseconds (saturating).
    pub fn plus_ms(self, ms: u64) -> UnixMillis {
        UnixMillis(self.0.saturating_add(ms))
    }

    /// Milliseconds from `earlier` to `self`, 0 if `earlier` is later.
    pub fn since(self, earlier: UnixMillis) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Minutes since the start of this instant's UTC year (J2735 MinuteOfTheYear).
    pub fn minute_of_year(self) -> u32 {
        let days = self.0 / MS_PER_DAY;
        // Dates past the year 65535 have no minute of the year worth sending; count from the day.
        let year_start = i64::try_from(days)
            .ok()
            .and_then(Date::from_days_since_unix_epoch)
            .and_then(|d| Date::new(d.year, 1, 1))
            .map_or(days, |jan1| jan1.days_since_unix_epoch() as u64);
        let minutes = (days - year_start) * 1440 + (self.0 % MS_PER_DAY) / MS_PER_MINUTE;
        minutes as u32
    }

    /// Milliseconds within the UTC minute (J2735 DSecond).
    pub fn ms_of_minute(self) -> u16 {
        (self.0 % MS_PER_MINUTE) as u16
    }

    /// Microseconds since 1970, as the signer takes them.
    pub fn as_micros(self) -> i64 {
        i64::try_from(self.0.saturating_mul(1000)).unwrap_or(i64::MAX)
    }
}

/// A UTC instant as a calendar date and time of day, as people and file formats write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub millisecond: u16,
}

impl Civil {
    /// The instant, if the fields are in range and it is not before 1970.
    pub fn to_unix(self) -> Option<UnixMillis> {
        if self.hour > 23 || self.minute > 59 || self.second > 59 || self.millisecond > 999 {
            return None;
        }
        let days = u64::try_from(self.date.days_since_unix_epoch()).ok()?;
        Some(UnixMillis(
            days * MS_PER_DAY
                + u64::from(self.hour) * MS_PER_HOUR
                + u64::from(self.minute) * MS_PER_MINUTE
                + u64::from(self.second) * 1000
                + u64::from(self.millisecond),
        ))
    }
}

impl UnixMillis {
    /// The calendar date and time of day; `None` past the year 65535.
    pub fn civil(self) -> Option<Civil> {
        let date = i64::try_from(self.0 / MS_PER_DAY)
            .ok()
            .and_then(Date::from_days_since_unix_epoch)?;
        let ms = self.0 % MS_PER_DAY;
        Some(Civil {
            date,
            hour: (ms / MS_PER_HOUR) as u8,
            minute: (ms % MS_PER_HOUR / MS_PER_MINUTE) as u8,
            second: (ms % MS_PER_MINUTE / 1000) as u8,
            millisecond: (ms % 1000) as u16,
        })
    }

    /// ISO 8601 with milliseconds, `2026-11-23T10:15:30.123Z`.
    pub fn iso8601(self) -> String {
        match self.civil() {
            Some(c) => format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                c.date.year, c.date.month, c.date.day, c.hour, c.minute, c.second, c.millisecond
            ),
            None => format!("beyond the year 65535 (Unix ms {})", self.0),
        }
    }
}

/// Where the service gets UTC from.
pub trait Clock: Send + Sync {
    /// Now, in UTC microseconds since 1970.
    fn now_micros(&self) -> i64;

    /// Now, in UTC milliseconds since 1970.
    fn now(&self) -> UnixMillis {
        UnixMillis(u64::try_from(self.now_micros().div_euclid(1000)).unwrap_or(0))
    }
}

/// The system clock (disciplined by NTP or GNSS on a deployed RSU).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_micros(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
            // A clock before 1970 is broken; 0 makes every time check fail visibly.
            Err(_) => 0,
        }
    }
}

/// UTC that follows tokio's clock from a chosen start: with a paused tokio runtime, tests
/// advance UTC and the scheduler's monotonic clock together, to any instant they like.
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    start_utc_micros: i64,
    start: tokio::time::Instant,
}

impl TokioClock {
    /// UTC is `start_utc_micros` now and advances with `tokio::time::Instant`.
    pub fn starting_at(start_utc_micros: i64) -> TokioClock {
        TokioClock {
            start_utc_micros,
            start: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now_micros(&self) -> i64 {
        let elapsed = tokio::time::Instant::now().duration_since(self.start);
        self.start_utc_micros
            .saturating_add(i64::try_from(elapsed.as_micros()).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // 2026-11-22T20:50:00.000Z
    const NOW: UnixMillis = UnixMillis(1_795_380_600_000);

    #[test]
    fn j2735_calendar() {
        // 2026-11-22 is day 325 of the year (0-based), 20:50 is minute 1250 of the day.
        assert_eq!(NOW.minute_of_year(), 325 * 1440 + 1250);
        assert_eq!(NOW.ms_of_minute(), 0);
        assert_eq!(NOW.plus_ms(59_999).ms_of_minute(), 59_999);
        // 2024-12-31 23:59 is the last minute of a leap year: 366 * 1440 - 1.
        assert_eq!(UnixMillis(1_735_689_599_000).minute_of_year(), 527_039);
        assert_eq!(UnixMillis(1_735_689_600_000).minute_of_year(), 0);
        assert_eq!(NOW.as_micros(), 1_795_380_600_000_000);
    }

    #[test]
    fn civil_round_trip() {
        let c = NOW.plus_ms(59_123).civil().unwrap();
        assert_eq!((c.date.year, c.date.month, c.date.day), (2026, 11, 22));
        assert_eq!(
            (c.hour, c.minute, c.second, c.millisecond),
            (20, 50, 59, 123)
        );
        assert_eq!(c.to_unix(), Some(NOW.plus_ms(59_123)));
        assert_eq!(NOW.iso8601(), "2026-11-22T20:50:00.000Z");
        let before_1970 = Civil {
            date: Date::new(1969, 12, 31).unwrap(),
            ..c
        };
        assert_eq!(before_1970.to_unix(), None);
        assert_eq!(Civil { hour: 24, ..c }.to_unix(), None);
    }
}
