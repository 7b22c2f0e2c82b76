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

/// Leap seconds already counted at a 1609.2 instant, given in seconds since the epoch on the
/// TAI scale (what `Time32` counts).
///
/// The count is taken in the TAI domain: the n-th leap second starts counting at the `Time32`
/// of the UTC instant it took effect, which is that instant's UTC seconds since the epoch plus
/// n. Converting first to an approximate UTC time and looking the count up there is off by one
/// for the seconds just after a leap (the approximation is ahead by the very offset it looks
/// for). The inserted second itself (23:59:60, `Time32` one below the boundary) still has the
/// old count and so reads as the following Unix second, as POSIX time repeats it.
fn leap_seconds_at_tai(tai_seconds: i64) -> i64 {
    let mut count = 0;
    for (n, &unix) in (1_i64..).zip(LEAP_SECONDS.iter()) {
        if tai_seconds >= unix - EPOCH_UNIX + n {
            count = n;
        }
    }
    count
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
    let leaps = leap_seconds_at_tai(tai.div_euclid(1_000_000));
    tai + EPOCH_UNIX * 1_000_000 - leaps * 1_000_000
}

/// Unix seconds → `Time32` (saturating at the ends of the range).
pub fn time32_from_unix(unix_seconds: i64) -> u32 {
    let tai = unix_seconds - EPOCH_UNIX + leap_seconds_at(unix_seconds);
    u32::try_from(tai.max(0)).unwrap_or(u32::MAX)
}

/// `Time32` → Unix seconds.
pub fn unix_from_time32(time32: u32) -> i64 {
    let tai = i64::from(time32);
    tai + EPOCH_UNIX - leap_seconds_at_tai(tai)
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
#[allow(clippy::unwrap_used)]
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

    /// The five leap seconds since the epoch, as (Unix second at which it took effect, leap
    /// count from then on), written out independently of the module's tables.
    const LEAPS: [(i64, i64); 5] = [
        (1_136_073_600, 1), // 2006-01-01 00:00:00 UTC
        (1_230_768_000, 2), // 2009-01-01
        (1_341_100_800, 3), // 2012-07-01
        (1_435_708_800, 4), // 2015-07-01
        (1_483_228_800, 5), // 2017-01-01
    ];

    #[test]
    fn first_leap_second_in_known_numbers() {
        // 2006-01-01 00:00:00 UTC is 63,158,400 UTC seconds after the epoch, plus one leap.
        assert_eq!(time32_from_unix(1_136_073_600), 63_158_401);
        assert_eq!(unix_from_time32(63_158_401), 1_136_073_600);
        // 2005-12-31 23:59:59 UTC has no offset yet.
        assert_eq!(time32_from_unix(1_136_073_599), 63_158_399);
        assert_eq!(unix_from_time32(63_158_399), 1_136_073_599);
        // 63,158,400 is the inserted second 23:59:60; Unix time repeats 00:00:00 for it.
        assert_eq!(unix_from_time32(63_158_400), 1_136_073_600);
    }

    #[test]
    fn time32_at_every_leap_second_boundary_both_ways() {
        for (unix, n) in LEAPS {
            let before = unix - 1;
            let t_before = before - EPOCH_UNIX + (n - 1);
            let t_at = unix - EPOCH_UNIX + n;
            for (u, t) in [(before, t_before), (unix, t_at), (unix + 1, t_at + 1)] {
                let t = u32::try_from(t).unwrap();
                assert_eq!(time32_from_unix(u), t, "Unix {u} -> Time32 (leap {n})");
                assert_eq!(unix_from_time32(t), u, "Time32 {t} -> Unix (leap {n})");
            }
            // The inserted second itself (23:59:60) lies between the two and reads as the
            // Unix second that follows it.
            let leap = u32::try_from(t_at - 1).unwrap();
            assert_eq!(unix_from_time32(leap), unix, "inserted second of leap {n}");
        }
    }

    #[test]
    fn time64_at_every_leap_second_boundary_both_ways() {
        const S: i64 = 1_000_000;
        for (unix, n) in LEAPS {
            let cases = [
                (unix * S - 1, (unix - EPOCH_UNIX + n - 1) * S - 1),
                ((unix - 1) * S, (unix - 1 - EPOCH_UNIX + n - 1) * S),
                (unix * S, (unix - EPOCH_UNIX + n) * S),
                (unix * S + 1, (unix - EPOCH_UNIX + n) * S + 1),
                ((unix + 1) * S, (unix + 1 - EPOCH_UNIX + n) * S),
            ];
            for (u, t) in cases {
                let t = u64::try_from(t).unwrap();
                assert_eq!(
                    time64_from_unix_micros(u),
                    t,
                    "Unix us {u} -> Time64 (leap {n})"
                );
                assert_eq!(
                    unix_micros_from_time64(t),
                    u,
                    "Time64 {t} -> Unix us (leap {n})"
                );
            }
            // Within the inserted second Unix time repeats the second that follows it.
            let leap_start = u64::try_from((unix - EPOCH_UNIX + n - 1) * S).unwrap();
            assert_eq!(unix_micros_from_time64(leap_start), unix * S);
            assert_eq!(
                unix_micros_from_time64(leap_start + 500_000),
                unix * S + 500_000
            );
        }
    }

    #[test]
    fn round_trips_over_a_range_around_every_leap_second() {
        for (unix, n) in LEAPS {
            for u in unix - 20..unix + 20 {
                let t = time32_from_unix(u);
                assert_eq!(unix_from_time32(t), u, "Time32 round trip at Unix {u}");
                let us = u * 1_000_000 + 123_457;
                let t64 = time64_from_unix_micros(us);
                assert_eq!(
                    unix_micros_from_time64(t64),
                    us,
                    "Time64 round trip at {us}"
                );
            }
            // Every Time32 second around the boundary except the inserted one maps back to
            // itself; the inserted second maps onto the next one.
            let inserted = u32::try_from(unix - EPOCH_UNIX + n - 1).unwrap();
            for t in inserted - 20..inserted + 20 {
                let back = time32_from_unix(unix_from_time32(t));
                if t == inserted {
                    assert_eq!(back, t + 1);
                } else {
                    assert_eq!(back, t, "Time32 {t} round trip (leap {n})");
                }
            }
        }
    }
}
