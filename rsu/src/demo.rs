//! `rsu run` until the broadcast service exists: one SPaT built from a simulated fixed-time
//! controller at the current UTC time, encoded to UPER, decoded back and shown.

use std::io::Write;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rasn::types::{BitString, Enumerated, Ia5String};
use rsu_codecs::j2735::{
    DSecond, DescriptiveName, IntersectionID, IntersectionReferenceID, IntersectionState,
    IntersectionStateList, IntersectionStatusObject, MessageFrame, MinuteOfTheYear, MovementEvent,
    MovementEventList, MovementList, MovementPhaseState, MovementState, MsgCount, SPAT,
    SignalGroupID, TimeChangeDetails, TimeMark,
};
use rsu_hw::gnss::Date;

/// What can go wrong in the demonstration.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The codec refused the message it was given (a bug: the demo builds valid values).
    #[error(transparent)]
    Codec(#[from] rsu_codecs::Error),
    /// The decoded message differs from the one encoded (a bug).
    #[error("decoding the encoded SPaT gave a different message")]
    RoundTrip,
    /// Writing to the output failed.
    #[error("output: {0}")]
    Io(#[from] std::io::Error),
    /// The system clock is before 1970.
    #[error("the system clock is before 1970")]
    Clock,
}

/// Milliseconds of UTC since 1970 (POSIX time: no leap seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnixMillis(pub u64);

const MS_PER_MINUTE: u64 = 60_000;
const MS_PER_HOUR: u64 = 3_600_000;
const MS_PER_DAY: u64 = 86_400_000;

impl UnixMillis {
    /// J2735 MinuteOfTheYear: minutes since the start of the UTC year.
    pub fn minute_of_year(self) -> MinuteOfTheYear {
        let days = self.0 / MS_PER_DAY;
        // Dates past the year 65535 have no MinuteOfTheYear worth sending; count from the day.
        let year_start = i64::try_from(days)
            .ok()
            .and_then(Date::from_days_since_unix_epoch)
            .and_then(|d| Date::new(d.year, 1, 1))
            .map_or(days, |jan1| jan1.days_since_unix_epoch() as u64);
        let minutes = (days - year_start) * 1440 + (self.0 % MS_PER_DAY) / MS_PER_MINUTE;
        MinuteOfTheYear(minutes as u32)
    }

    /// J2735 DSecond: milliseconds within the UTC minute.
    pub fn dsecond(self) -> DSecond {
        DSecond((self.0 % MS_PER_MINUTE) as u16)
    }

    /// J2735 TimeMark of this instant: tenths of a second within the UTC hour.
    pub fn time_mark(self) -> TimeMark {
        TimeMark(((self.0 % MS_PER_HOUR) / 100) as u16)
    }
}

/// The light a signal group shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Light {
    /// Go.
    Green,
    /// Clearance.
    Yellow,
    /// Stop.
    Red,
}

impl Light {
    /// The SPaT eventState of this light: the demo's movements are all protected.
    pub fn event_state(self) -> MovementPhaseState {
        match self {
            Light::Green => MovementPhaseState::ProtectedMovementAllowed,
            Light::Yellow => MovementPhaseState::ProtectedClearance,
            Light::Red => MovementPhaseState::StopAndRemain,
        }
    }
}

/// The signal groups of the demo intersection.
const GROUPS: [u8; 4] = [2, 4, 6, 8];

/// One stage of the demo's fixed-time plan: the groups that get green, and for how long.
struct Stage {
    groups: &'static [u8],
    green_s: u64,
    yellow_s: u64,
    all_red_s: u64,
}

impl Stage {
    fn length_ms(&self) -> u64 {
        (self.green_s + self.yellow_s + self.all_red_s) * 1000
    }
}

/// Two stages: the main street (groups 2 and 6), then the side street (4 and 8).
const PLAN: [Stage; 2] = [
    Stage {
        groups: &[2, 6],
        green_s: 20,
        yellow_s: 4,
        all_red_s: 2,
    },
    Stage {
        groups: &[4, 8],
        green_s: 15,
        yellow_s: 4,
        all_red_s: 2,
    },
];

/// The light of `group` at `now` and the instant it next changes.
pub fn light_at(group: u8, now: UnixMillis) -> (Light, UnixMillis) {
    let cycle: u64 = PLAN.iter().map(Stage::length_ms).sum();
    let in_cycle = now.0 % cycle;
    let cycle_start = now.0 - in_cycle;
    let mut stage_start = 0;
    let mut own = None;
    for stage in &PLAN {
        if stage.groups.contains(&group) {
            own = Some((stage_start, stage));
        }
        stage_start += stage.length_ms();
    }
    let Some((start, stage)) = own else {
        return (Light::Red, UnixMillis(now.0 + cycle));
    };
    let green_end = start + stage.green_s * 1000;
    let yellow_end = green_end + stage.yellow_s * 1000;
    let at = |offset: u64| UnixMillis(cycle_start + offset);
    if in_cycle < start {
        (Light::Red, at(start))
    } else if in_cycle < green_end {
        (Light::Green, at(green_end))
    } else if in_cycle < yellow_end {
        (Light::Yellow, at(yellow_end))
    } else {
        (Light::Red, at(cycle + start))
    }
}

/// The SPaT of the demo intersection at `now`.
pub fn spat_at(now: UnixMillis) -> SPAT {
    let mut states = Vec::new();
    for group in GROUPS {
        let (light, change) = light_at(group, now);
        let state = light.event_state();
        let end = change.time_mark();
        let mut event = MovementEvent::new(state);
        // A fixed-time plan knows its changes exactly: earliest, latest and likely agree.
        event.timing = Some(TimeChangeDetails {
            start_time: None,
            min_end_time: end,
            max_end_time: Some(end),
            likely_time: Some(end),
            confidence: None,
            next_time: None,
        });
        states.push(MovementState::new(
            SignalGroupID(group),
            MovementEventList(vec![event]),
        ));
    }
    let mut status = BitString::repeat(false, 16);
    status.set(IntersectionStatusObject::FIXED_TIME_OPERATION, true);
    let mut intersection = IntersectionState::new(
        IntersectionReferenceID {
            region: None,
            id: IntersectionID(1001),
        },
        MsgCount(1),
        IntersectionStatusObject(status),
        MovementList(states),
    );
    intersection.name = Ia5String::try_from("Demo Ave & Main St".to_owned())
        .ok()
        .map(DescriptiveName);
    intersection.moy = Some(now.minute_of_year());
    intersection.time_stamp = Some(now.dsecond());
    let mut spat = SPAT::new(IntersectionStateList(vec![intersection]));
    spat.time_stamp = Some(now.minute_of_year());
    spat
}

/// Builds, encodes, decodes and prints one SPaT at the current time.
pub fn run(out: &mut impl Write) -> Result<(), DemoError> {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| DemoError::Clock)?;
    let now = UnixMillis(since.as_millis() as u64);
    let spat = spat_at(now);
    let frame = MessageFrame::SPAT(Box::new(spat));

    writeln!(
        out,
        "RSU demo: one SPaT (SAE J2735 MessageFrame, UPER) from a simulated fixed-time controller"
    )?;
    writeln!(
        out,
        "intersection 1001 \"Demo Ave & Main St\", UTC minute of year {}, ms in minute {}",
        now.minute_of_year().0,
        now.dsecond().0
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "  group  light   eventState                   ends at (TimeMark)   in"
    )?;
    for group in GROUPS {
        let (light, change) = light_at(group, now);
        let state = light.event_state().identifier();
        writeln!(
            out,
            "  {group:>5}  {:<6}  {state:<27}  {:>18}   {:>5.1} s",
            format!("{light:?}").to_lowercase(),
            change.time_mark().0,
            (change.0 - now.0) as f64 / 1000.0
        )?;
    }

    let bytes = frame.encode()?;
    let (decoded, used) = MessageFrame::decode(&bytes)?;
    if decoded != frame || used != bytes.len() {
        return Err(DemoError::RoundTrip);
    }
    // A rough figure for the curious; the benchmarks (cargo bench) are the real measure.
    const ROUNDS: u32 = 1000;
    let mut buf = Vec::with_capacity(bytes.len());
    let started = Instant::now();
    for _ in 0..ROUNDS {
        frame.encode_into(&mut buf)?;
    }
    let encode_time = started.elapsed() / ROUNDS;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        MessageFrame::decode(&buf)?;
    }
    let decode_time = started.elapsed() / ROUNDS;
    writeln!(out)?;
    writeln!(out, "UPER, {} bytes:", bytes.len())?;
    writeln!(out, "  {}", rsu_codecs::jer::hex_lower(&bytes))?;
    writeln!(
        out,
        "decoded back: identical to what was encoded (encode {:.1} µs, decode {:.1} µs, mean of {ROUNDS}{}). As X.697 JER:",
        encode_time.as_secs_f64() * 1e6,
        decode_time.as_secs_f64() * 1e6,
        if cfg!(debug_assertions) {
            ", debug build"
        } else {
            ""
        }
    )?;
    let json = decoded.to_jer()?;
    let text = serde_json::to_string_pretty(&json).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")?;
    writeln!(out)?;
    writeln!(
        out,
        "Try: rsu decode --hex {} | rsu encode -",
        rsu_codecs::jer::hex_lower(&bytes)
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // 2026-11-22T20:50:00.000Z
    const NOW: UnixMillis = UnixMillis(1_795_380_600_000);

    #[test]
    fn calendar_helpers_agree() {
        for days in [-1, 0, 59, 365, 11_016, 20_414, 20_780] {
            let date = Date::from_days_since_unix_epoch(days).unwrap();
            assert_eq!(date.days_since_unix_epoch(), days);
        }
        assert_eq!(
            Date::from_days_since_unix_epoch(20_414),
            Date::new(2025, 11, 22)
        );
    }

    #[test]
    fn j2735_times() {
        // 2026-11-22 is day 325 of the year (0-based), 20:50 is minute 1250 of the day.
        assert_eq!(NOW.minute_of_year().0, 325 * 1440 + 1250);
        assert_eq!(NOW.dsecond().0, 0);
        assert_eq!(NOW.time_mark().0, 50 * 600);
        // 59:59.95 is the last tenth of the hour; the next instant wraps to 0.
        assert_eq!(
            UnixMillis(NOW.0 + 9 * 60_000 + 59_950).time_mark().0,
            35_999
        );
        assert_eq!(UnixMillis(NOW.0 + 10 * 60_000).time_mark().0, 0);
    }

    #[test]
    fn plan_never_gives_conflicting_greens() {
        for s in 0..200 {
            let t = UnixMillis(NOW.0 + s * 250);
            let main = light_at(2, t).0 != Light::Red;
            let side = light_at(4, t).0 != Light::Red;
            assert!(!(main && side), "conflict at {s}");
            let (_, change) = light_at(2, t);
            assert!(change > t);
        }
    }

    #[test]
    fn demo_prints_and_round_trips() {
        let mut out = Vec::new();
        run(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("identical to what was encoded"));
        let spat = spat_at(NOW);
        let frame = MessageFrame::SPAT(Box::new(spat));
        let bytes = frame.encode().unwrap();
        assert_eq!(MessageFrame::decode(&bytes).unwrap(), (frame, bytes.len()));
    }
}
