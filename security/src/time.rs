//! IEEE 1609.2 time: `Time32` (seconds) and `Time64` (microseconds) counted from
//! 2004-01-01 00:00:00 UTC **in TAI**, so they run ahead of UTC by the leap seconds inserted
//! since 2004 (five so far: the last was at the end of 2016).
//!
//! Real issuers disagree on whether they apply the offset (reference/security.md §1.3), which is
//! why every validity check takes a tolerance rather than relying on exact seconds.

/// Unix time of the 1609.2 epoch, 2004-01-01 00:00:00 UTC.
pub const EPOCH_UNIX: i64 = 1_072_915_200;

/// Leap seconds inserted after the epoch: the Unix time at which each took effect.
const LEAP_SECONDS: [i64; 5] = [
    1_136_073_600, // 2006-01-01
    1_230_768_000, // 2009-01-01
    1_341_100_800, // 2012-07-01
    1_435_708_800, // 2015-07-01
    1_483_228_800, // 2017-01-01
];

/// Leap seconds between the epoch and the given Unix second.
pub fn leap_seconds_at(unix_seconds: i64) -> i64 {
    LEAP_SECONDS.iter().filter(|&&t| unix_seconds >= t).count() as i64
}

/// Unix microseconds → `Time64`. Times before the epoch give 0.
pub fn time64_from_unix_micros(unix_micros: i64) -> u64 {
    let secs = unix_micros.div_euclid(1_000_000);
    let tai = unix_micros - EPOCH_UNIX * 1_000_000 + leap_seconds_at(secs) * 1_000_000;
    u64::try_from(tai).unwrap_or(0)
}

/// `Time64` → Unix microseconds.
pub fn unix_micros_from_time64(time64: u64) -> i64 {
    let tai = i64::try_from(time64).unwrap_or(i64::MAX / 2);
    let approx = tai + EPOCH_UNIX * 1_000_000;
    // The offset at the resulting UTC time; one step converges except within a leap second.
    let leaps = leap_seconds_at((approx / 1_000_000) - 5);
    approx - leaps * 1_000_000
}

/// Unix seconds → `Time32` (saturating at the ends of the range).
pub fn time32_from_unix(unix_seconds: i64) -> u32 {
    let tai = unix_seconds - EPOCH_UNIX + leap_seconds_at(unix_seconds);
    u32::try_from(tai.max(0)).unwrap_or(u32::MAX)
}

/// `Time32` → Unix seconds.
pub fn unix_from_time32(time32: u32) -> i64 {
    let approx = i64::from(time32) + EPOCH_UNIX;
    approx - leap_seconds_at(approx - 5)
}

/// Current Unix time in microseconds from the system clock (for the CLI and the service; the
/// library itself always takes time as an argument).
pub fn now_unix_micros() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vw_certificate_start_is_three_o_clock_utc_with_the_tai_offset() {
        // reference/security.md §1.3: Time32 501217205 is 2019-11-19 03:00:00 UTC in TAI.
        assert_eq!(unix_from_time32(501_217_205), 1_574_132_400);
        assert_eq!(time32_from_unix(1_574_132_400), 501_217_205);
    }

    #[test]
    fn time64_round_trips_and_counts_five_leap_seconds_today() {
        let now = 1_795_000_000_123_456; // 2026
        let t = time64_from_unix_micros(now);
        assert_eq!(t, (now - EPOCH_UNIX * 1_000_000 + 5_000_000) as u64);
        assert_eq!(unix_micros_from_time64(t), now);
        // Before the first leap second there is no offset.
        assert_eq!(time64_from_unix_micros(EPOCH_UNIX * 1_000_000), 0);
        assert_eq!(time32_from_unix(0), 0);
    }
}
