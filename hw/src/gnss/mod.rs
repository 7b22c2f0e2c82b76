//! The RSU's position and time: NMEA 0183 from a receiver on a serial line ([`nmea`]), the
//! gpsd JSON protocol ([`gpsd`]), or a surveyed position for boxes without a receiver
//! ([`StaticPosition`]).
//!
//! Every source ends in the same [`GnssState`] snapshot. Live sources run as a task that
//! publishes into a `tokio::sync::watch` channel; [`PositionSource::current`] copies the
//! latest snapshot out, cheap enough for a 100 ms SPaT/MAP tick.
//!
//! The parsers take bytes from outside the process: they never panic, and each rejected line
//! is counted by its [`RejectReason`].

pub mod gpsd;
pub mod nmea;

pub use gpsd::{GpsdClient, GpsdTracker};
pub use nmea::{FixTracker, NmeaReader, Sentence, Talker};

use std::fmt;
use std::io;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A satellite navigation system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Constellation {
    Gps,
    Glonass,
    Galileo,
    /// BeiDou Navigation Satellite System (BDS).
    BeiDou,
    /// Quasi-Zenith Satellite System (Japan).
    Qzss,
    /// Navigation with Indian Constellation (IRNSS).
    NavIc,
}

impl Constellation {
    /// Every constellation, in [`SatelliteCounts`] order.
    pub const ALL: [Constellation; 6] = [
        Constellation::Gps,
        Constellation::Glonass,
        Constellation::Galileo,
        Constellation::BeiDou,
        Constellation::Qzss,
        Constellation::NavIc,
    ];

    /// A stable lower-case name, for metric labels.
    pub const fn name(self) -> &'static str {
        match self {
            Constellation::Gps => "gps",
            Constellation::Glonass => "glonass",
            Constellation::Galileo => "galileo",
            Constellation::BeiDou => "beidou",
            Constellation::Qzss => "qzss",
            Constellation::NavIc => "navic",
        }
    }

    /// The NMEA 0183 v4.11 GNSS System ID (GSA field 18, GSV signal groups): 1 GPS,
    /// 2 GLONASS, 3 Galileo, 4 BeiDou, 5 QZSS, 6 NavIC.
    pub const fn from_nmea_system_id(id: u8) -> Option<Constellation> {
        match id {
            1 => Some(Constellation::Gps),
            2 => Some(Constellation::Glonass),
            3 => Some(Constellation::Galileo),
            4 => Some(Constellation::BeiDou),
            5 => Some(Constellation::Qzss),
            6 => Some(Constellation::NavIc),
            _ => None,
        }
    }

    /// gpsd's `gnssid` (the u-blox numbering): 0 GPS, 2 Galileo, 3 BeiDou, 5 QZSS,
    /// 6 GLONASS, 7 NavIC; SBAS (1) and IMES (4) are not navigation constellations here.
    pub const fn from_gpsd_gnssid(id: u8) -> Option<Constellation> {
        match id {
            0 => Some(Constellation::Gps),
            2 => Some(Constellation::Galileo),
            3 => Some(Constellation::BeiDou),
            5 => Some(Constellation::Qzss),
            6 => Some(Constellation::Glonass),
            7 => Some(Constellation::NavIc),
            _ => None,
        }
    }

    const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Constellation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A number of satellites per [`Constellation`].
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct SatelliteCounts([u8; 6]);

impl SatelliteCounts {
    /// The count for one constellation.
    pub const fn get(&self, c: Constellation) -> u8 {
        self.0[c.index()]
    }

    /// Sets the count for one constellation.
    pub fn set(&mut self, c: Constellation, n: u8) {
        self.0[c.index()] = n;
    }

    /// The sum over all constellations.
    pub fn total(&self) -> u16 {
        self.0.iter().map(|&n| u16::from(n)).sum()
    }

    /// (constellation, count) for every constellation.
    pub fn iter(&self) -> impl Iterator<Item = (Constellation, u8)> + '_ {
        Constellation::ALL.iter().map(|&c| (c, self.get(c)))
    }
}

impl fmt::Debug for SatelliteCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.iter()
                    .filter(|&(_, n)| n > 0)
                    .map(|(c, n)| (c.name(), n)),
            )
            .finish()
    }
}

/// GPS quality indicator, NMEA 0183 GGA field 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FixQuality {
    /// 0: fix not available or invalid.
    Invalid = 0,
    /// 1: autonomous GNSS fix.
    Autonomous = 1,
    /// 2: differential (SBAS or DGPS).
    Differential = 2,
    /// 3: PPS / precise positioning service.
    Pps = 3,
    /// 4: real-time kinematic, integer ambiguities fixed.
    RtkFixed = 4,
    /// 5: real-time kinematic, float ambiguities.
    RtkFloat = 5,
    /// 6: estimated (dead reckoning).
    Estimated = 6,
    /// 7: manual input (a surveyed position).
    Manual = 7,
    /// 8: simulator.
    Simulation = 8,
}

impl FixQuality {
    /// The indicator for a GGA digit 0..=8.
    pub const fn from_digit(d: u8) -> Option<FixQuality> {
        Some(match d {
            0 => FixQuality::Invalid,
            1 => FixQuality::Autonomous,
            2 => FixQuality::Differential,
            3 => FixQuality::Pps,
            4 => FixQuality::RtkFixed,
            5 => FixQuality::RtkFloat,
            6 => FixQuality::Estimated,
            7 => FixQuality::Manual,
            8 => FixQuality::Simulation,
            _ => return None,
        })
    }

    /// Whether the receiver reports a position at all (quality > 0).
    pub const fn is_fix(self) -> bool {
        !matches!(self, FixQuality::Invalid)
    }
}

/// Fix dimension, NMEA GSA field 2 and gpsd TPV `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FixMode {
    NoFix,
    TwoDimensional,
    ThreeDimensional,
}

/// A WGS-84 position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    /// Degrees, north positive.
    pub latitude_deg: f64,
    /// Degrees, east positive.
    pub longitude_deg: f64,
    /// Height above mean sea level (the geoid), metres.
    pub altitude_msl_m: Option<f64>,
    /// Height above the WGS-84 ellipsoid, metres: what J2735 `Elevation` and ETSI
    /// `Altitude` carry.
    pub altitude_hae_m: Option<f64>,
}

impl Position {
    /// A position with no altitude, if the coordinates are in range.
    pub fn new(latitude_deg: f64, longitude_deg: f64) -> Option<Position> {
        ((-90.0..=90.0).contains(&latitude_deg) && (-180.0..=180.0).contains(&longitude_deg))
            .then_some(Position {
                latitude_deg,
                longitude_deg,
                altitude_msl_m: None,
                altitude_hae_m: None,
            })
    }
}

/// A snapshot of everything a position source knows, copied out for each use.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GnssState {
    /// A fix is valid only if the latest epoch's GGA quality is above 0, its RMC status is
    /// `A`, or gpsd reports a 2D/3D mode.
    pub valid: bool,
    /// The latest reported position, kept (with `valid` false) when the fix is lost.
    pub position: Option<Position>,
    /// UTC of the latest epoch, from the receiver (date from RMC, time from GGA/RMC).
    pub utc: Option<SystemTime>,
    /// When the latest epoch (position or time) was received, on this host's monotonic clock.
    pub received_at: Option<Instant>,
    pub fix_quality: Option<FixQuality>,
    pub fix_mode: Option<FixMode>,
    /// Satellites used in the solution, all constellations (GGA field 7, gpsd `uSat`).
    pub satellites_in_use: Option<u8>,
    /// Satellites used, per constellation (GSA system IDs or talkers, gpsd `used`).
    pub used: SatelliteCounts,
    /// Satellites in view, per constellation (GSV per talker, gpsd SKY).
    pub in_view: SatelliteCounts,
    pub hdop: Option<f64>,
    pub pdop: Option<f64>,
    pub vdop: Option<f64>,
    /// Speed over ground, m/s.
    pub speed_mps: Option<f64>,
    /// Course over ground, degrees from true north.
    pub course_deg: Option<f64>,
    /// Estimated latitude error, metres (gpsd `epy`, 95 % confidence).
    pub latitude_error_m: Option<f64>,
    /// Estimated longitude error, metres (gpsd `epx`, 95 % confidence).
    pub longitude_error_m: Option<f64>,
    pub stats: SourceStats,
}

impl GnssState {
    /// How long ago the latest epoch arrived, if one has.
    pub fn age(&self, now: Instant) -> Option<Duration> {
        self.received_at.map(|t| now.saturating_duration_since(t))
    }

    /// UTC now, extrapolated from the latest epoch by the host's monotonic clock. The serial
    /// or socket latency (typically tens of ms) is not removed: use PPS for finer time.
    pub fn utc_at(&self, now: Instant) -> Option<SystemTime> {
        self.utc?.checked_add(self.age(now)?)
    }
}

/// Why a line or message was rejected: the label of the rejection counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectReason {
    TooLong,
    NotAscii,
    Framing,
    Checksum,
    UnknownTalker,
    MissingField,
    InvalidField,
    TooManyFields,
    Gpsd,
    Io,
}

impl RejectReason {
    /// Every reason, in [`RejectCounts`] order.
    pub const ALL: [RejectReason; 10] = [
        RejectReason::TooLong,
        RejectReason::NotAscii,
        RejectReason::Framing,
        RejectReason::Checksum,
        RejectReason::UnknownTalker,
        RejectReason::MissingField,
        RejectReason::InvalidField,
        RejectReason::TooManyFields,
        RejectReason::Gpsd,
        RejectReason::Io,
    ];

    /// A stable lower-case name, for metric labels.
    pub const fn name(self) -> &'static str {
        match self {
            RejectReason::TooLong => "too_long",
            RejectReason::NotAscii => "not_ascii",
            RejectReason::Framing => "framing",
            RejectReason::Checksum => "checksum",
            RejectReason::UnknownTalker => "unknown_talker",
            RejectReason::MissingField => "missing_field",
            RejectReason::InvalidField => "invalid_field",
            RejectReason::TooManyFields => "too_many_fields",
            RejectReason::Gpsd => "gpsd",
            RejectReason::Io => "io",
        }
    }
}

/// Rejected inputs, counted per [`RejectReason`].
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct RejectCounts([u64; 10]);

impl RejectCounts {
    /// The count for one reason.
    pub const fn get(&self, reason: RejectReason) -> u64 {
        self.0[reason as usize]
    }

    /// Counts one more rejection.
    pub fn add(&mut self, reason: RejectReason) {
        let n = &mut self.0[reason as usize];
        *n = n.saturating_add(1);
    }

    /// The sum over all reasons.
    pub fn total(&self) -> u64 {
        self.0.iter().fold(0, |a, &n| a.saturating_add(n))
    }

    /// (reason, count) for every reason.
    pub fn iter(&self) -> impl Iterator<Item = (RejectReason, u64)> + '_ {
        RejectReason::ALL.iter().map(|&r| (r, self.get(r)))
    }
}

impl fmt::Debug for RejectCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.iter()
                    .filter(|&(_, n)| n > 0)
                    .map(|(r, n)| (r.name(), n)),
            )
            .finish()
    }
}

/// What a source has read so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SourceStats {
    /// Sentences or messages that updated the state.
    pub accepted: u64,
    /// Well-formed input of a kind this module does not use (other NMEA sentences,
    /// proprietary sentences, gpsd VERSION/DEVICES/WATCH).
    pub ignored: u64,
    pub rejected: RejectCounts,
}

impl SourceStats {
    pub(crate) fn count<T>(&mut self, r: &Result<T, GnssError>) {
        match r {
            Ok(_) => self.accepted = self.accepted.saturating_add(1),
            Err(e) => self.rejected.add(e.reason()),
        }
    }

    pub(crate) fn ignore(&mut self) {
        self.ignored = self.ignored.saturating_add(1);
    }
}

/// The NMEA address field as received: talker identifier and sentence formatter (`GNGGA`),
/// or a proprietary address (`PUBX`). At most 8 characters are kept.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Address {
    bytes: [u8; 8],
    len: u8,
}

impl Address {
    pub(crate) fn new(raw: &str) -> Address {
        let mut bytes = [0u8; 8];
        let mut len = 0u8;
        for (dst, src) in bytes.iter_mut().zip(raw.bytes()) {
            *dst = src;
            len += 1;
        }
        Address { bytes, len }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        self.bytes
            .get(..usize::from(self.len))
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({:?})", self.as_str())
    }
}

/// Why an NMEA line or gpsd message was rejected, or a source stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GnssError {
    /// NMEA 0183 allows 82 characters; receivers exceed that, so the limit is looser
    /// ([`nmea::MAX_SENTENCE_LEN`]), but merged or runaway lines are dropped.
    #[error("NMEA: line of {len} bytes is longer than {max}")]
    TooLong { len: usize, max: usize },
    /// NMEA is printable ASCII; this also catches non-UTF-8 input.
    #[error("NMEA: byte {byte:#04x} at offset {offset} is not printable ASCII")]
    NotAscii { offset: usize, byte: u8 },
    #[error("NMEA: {reason}")]
    Framing { reason: &'static str },
    #[error("NMEA {sentence}: no '*hh' checksum")]
    MissingChecksum { sentence: Address },
    #[error("NMEA {sentence}: checksum field is not two hex digits ending the line")]
    BadChecksumField { sentence: Address },
    #[error("NMEA {sentence}: checksum {received:02X}, computed {computed:02X}")]
    ChecksumMismatch {
        sentence: Address,
        received: u8,
        computed: u8,
    },
    #[error("NMEA {sentence}: talker identifier not GP, GL, GA, BD, GB, GN, GQ or GI")]
    UnknownTalker { sentence: Address },
    #[error("NMEA {sentence}: {field} missing")]
    MissingField {
        sentence: Address,
        field: &'static str,
    },
    #[error("NMEA {sentence}: {field}: {reason}")]
    InvalidField {
        sentence: Address,
        field: &'static str,
        reason: &'static str,
    },
    #[error("NMEA {sentence}: {count} fields, at most {max} allowed")]
    TooManyFields {
        sentence: Address,
        count: usize,
        max: usize,
    },
    /// A gpsd message that is not the JSON its class requires, or a gpsd ERROR.
    #[error("gpsd {class}: {reason}")]
    Gpsd { class: &'static str, reason: String },
    #[error("{context}: {kind}: {message}")]
    Io {
        context: &'static str,
        kind: io::ErrorKind,
        message: String,
    },
}

impl GnssError {
    /// The label of the rejection counter this error increments.
    pub const fn reason(&self) -> RejectReason {
        match self {
            GnssError::TooLong { .. } => RejectReason::TooLong,
            GnssError::NotAscii { .. } => RejectReason::NotAscii,
            GnssError::Framing { .. } => RejectReason::Framing,
            GnssError::MissingChecksum { .. }
            | GnssError::BadChecksumField { .. }
            | GnssError::ChecksumMismatch { .. } => RejectReason::Checksum,
            GnssError::UnknownTalker { .. } => RejectReason::UnknownTalker,
            GnssError::MissingField { .. } => RejectReason::MissingField,
            GnssError::InvalidField { .. } => RejectReason::InvalidField,
            GnssError::TooManyFields { .. } => RejectReason::TooManyFields,
            GnssError::Gpsd { .. } => RejectReason::Gpsd,
            GnssError::Io { .. } => RejectReason::Io,
        }
    }

    pub(crate) fn io(context: &'static str, e: &io::Error) -> GnssError {
        GnssError::Io {
            context,
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

/// A surveyed position for a box without a receiver; time comes from the system clock
/// (which should itself be disciplined, e.g. by NTP or PTP).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaticPosition {
    pub position: Position,
}

impl StaticPosition {
    /// The snapshot now: the configured position, valid, quality "manual input", UTC from
    /// the system clock.
    pub fn current(&self) -> GnssState {
        GnssState {
            valid: true,
            position: Some(self.position),
            utc: Some(SystemTime::now()),
            received_at: Some(Instant::now()),
            fix_quality: Some(FixQuality::Manual),
            fix_mode: Some(if self.position.altitude_hae_m.is_some() {
                FixMode::ThreeDimensional
            } else {
                FixMode::TwoDimensional
            }),
            ..GnssState::default()
        }
    }
}

/// Where the RSU's position and time come from. Cloning is cheap; every clone sees the same
/// live source.
#[derive(Debug, Clone)]
pub enum PositionSource {
    Static(StaticPosition),
    /// Published by a task running an [`NmeaReader`] or a [`GpsdClient`].
    Live(watch::Receiver<GnssState>),
}

impl PositionSource {
    /// The latest snapshot. Cheap (a read lock and a copy). Once the task feeding a live
    /// source has ended, the last snapshot is returned with `valid` false.
    pub fn current(&self) -> GnssState {
        match self {
            PositionSource::Static(s) => s.current(),
            PositionSource::Live(rx) => {
                let mut s = *rx.borrow();
                if rx.has_changed().is_err() {
                    s.valid = false;
                }
                s
            }
        }
    }

    /// Runs an [`NmeaReader`] over `reader` in a new task (needs a tokio runtime). The task
    /// ends at end of input, on a read error, or when every receiver is dropped.
    pub fn spawn_nmea<R>(reader: R) -> (PositionSource, JoinHandle<Result<(), GnssError>>)
    where
        R: AsyncBufRead + Unpin + Send + 'static,
    {
        let (tx, rx) = watch::channel(GnssState::default());
        let mut nmea = NmeaReader::new(reader);
        let task = tokio::spawn(async move { nmea.run(&tx).await });
        (PositionSource::Live(rx), task)
    }

    /// Runs a [`GpsdClient`] in a new task, reconnecting whenever gpsd goes away. The task
    /// ends when every receiver is dropped.
    pub fn spawn_gpsd(client: GpsdClient) -> (PositionSource, JoinHandle<Result<(), GnssError>>) {
        let (tx, rx) = watch::channel(GnssState::default());
        let task = tokio::spawn(async move { client.run(&tx).await });
        (PositionSource::Live(rx), task)
    }
}

/// One line from a [`LineReader`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// The line without its CR/LF.
    Complete(&'a [u8]),
    /// A line longer than the limit, dropped; its full length.
    TooLong(usize),
}

/// Splits a byte stream into lines, LF- or CRLF-terminated, without ever buffering more than
/// `max` bytes: an overlong line is skipped to its end and reported once.
pub(crate) struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    max: usize,
    /// Length so far of an overlong line being skipped.
    skipping: Option<usize>,
    /// Whether the skipped line's last byte so far is a CR (not counted in its length).
    skipped_cr: bool,
}

impl<R: AsyncBufRead + Unpin> LineReader<R> {
    pub(crate) fn new(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            buf: Vec::with_capacity(max.min(4096)),
            max,
            skipping: None,
            skipped_cr: false,
        }
    }

    pub(crate) fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The next non-empty line; `None` at end of input. A last line without a newline counts.
    pub(crate) async fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.buf.clear();
        loop {
            let chunk = self.inner.fill_buf().await?;
            if chunk.is_empty() {
                if let Some(len) = self.skipping.take() {
                    return Ok(Some(Line::TooLong(
                        len.saturating_sub(usize::from(self.skipped_cr)),
                    )));
                }
                if self.buf.is_empty() {
                    return Ok(None);
                }
                break;
            }
            let (part, found) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (chunk.get(..i).unwrap_or_default(), i + 1),
                None => (chunk, chunk.len()),
            };
            let newline = found > part.len();
            if let Some(len) = self.skipping.as_mut() {
                *len = len.saturating_add(part.len());
                if let Some(&last) = part.last() {
                    self.skipped_cr = last == b'\r';
                }
            } else if self.buf.len() + part.len() > self.max + 1 {
                // +1: a CR before the LF does not count towards the limit.
                self.skipping = Some(self.buf.len() + part.len());
                self.skipped_cr = part.last().or(self.buf.last()) == Some(&b'\r');
                self.buf.clear();
            } else {
                self.buf.extend_from_slice(part);
            }
            self.inner.consume(found);
            if newline {
                if let Some(len) = self.skipping.take() {
                    return Ok(Some(Line::TooLong(
                        len.saturating_sub(usize::from(self.skipped_cr)),
                    )));
                }
                if self.buf.last() == Some(&b'\r') {
                    self.buf.pop();
                }
                if self.buf.is_empty() {
                    continue;
                }
                break;
            }
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        if self.buf.len() > self.max {
            return Ok(Some(Line::TooLong(self.buf.len())));
        }
        Ok(Some(Line::Complete(&self.buf)))
    }
}

/// A calendar date (proleptic Gregorian, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The date, if it exists in the calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Days from 1970-01-01 (negative before it).
    pub fn days_since_unix_epoch(&self) -> i64 {
        // Shift the year to start in March so the leap day is the year's last day; then
        // every 400-year era has the same 146 097 days.
        let m = i64::from(self.month);
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let month_from_march = (m + 9) % 12;
        let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        // 719 468 days from 0000-03-01 to 1970-01-01.
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` after 1970-01-01 (before it if negative): the inverse of
    /// [`Date::days_since_unix_epoch`]. `None` outside the years 0..=65535.
    pub fn from_days_since_unix_epoch(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date::new(
            u16::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }
}

/// Seconds in a UTC day without a leap second.
pub(crate) const DAY: Duration = Duration::from_secs(86_400);

/// UTC as a `SystemTime`, from a date and the time since that date's midnight. A leap second
/// (23:59:60.x, a time of day ≥ 86 400 s) lands on the next day's 00:00:00.x, as POSIX time
/// does; dates before 1970 give `None`.
pub(crate) fn utc_from(date: Date, time_of_day: Duration) -> Option<SystemTime> {
    let days = u64::try_from(date.days_since_unix_epoch()).ok()?;
    UNIX_EPOCH
        .checked_add(DAY.checked_mul(u32::try_from(days).ok()?)?)?
        .checked_add(time_of_day)
}

/// Parses `hh`, `mm`, `ss` two-digit fields and an optional `.f` fraction of 1..=9 digits:
/// the time of day. Hours ≤ 23, minutes ≤ 59, seconds ≤ 60 (a leap second).
pub(crate) fn parse_time_of_day(hhmmss: &[u8], fraction: Option<&[u8]>) -> Option<Duration> {
    let [h1, h2, m1, m2, s1, s2] = *hhmmss else {
        return None;
    };
    let two = |a: u8, b: u8| {
        (a.is_ascii_digit() && b.is_ascii_digit()).then(|| u64::from((a - b'0') * 10 + (b - b'0')))
    };
    let (h, m, s) = (two(h1, h2)?, two(m1, m2)?, two(s1, s2)?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let nanos = match fraction {
        None => 0,
        Some(f) => parse_fraction_nanos(f)?,
    };
    Some(Duration::new(h * 3600 + m * 60 + s, nanos))
}

/// `1..=9` decimal digits after the point, as nanoseconds.
fn parse_fraction_nanos(f: &[u8]) -> Option<u32> {
    if f.is_empty() || f.len() > 9 || !f.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n = 0u32;
    for i in 0..9 {
        n = n * 10 + f.get(i).map_or(0, |d| u32::from(d - b'0'));
    }
    Some(n)
}

/// Parses an ISO 8601 UTC timestamp as gpsd writes it: `YYYY-MM-DDTHH:MM:SS[.f]Z`, the
/// fraction 1..=9 digits. Nothing else (no offsets, no lower-case, no week dates).
pub fn parse_iso8601_utc(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    let (date, rest) = b.split_at_checked(10)?;
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *date else {
        return None;
    };
    let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = |d: u8| u16::from(d - b'0');
    let year = v(y1) * 1000 + v(y2) * 100 + v(y3) * 10 + v(y4);
    let month = u8::try_from(v(m1) * 10 + v(m2)).ok()?;
    let day = u8::try_from(v(d1) * 10 + v(d2)).ok()?;
    let date = Date::new(year, month, day)?;
    let rest = rest.strip_prefix(b"T")?.strip_suffix(b"Z")?;
    let (hms, fraction) = match rest.iter().position(|&c| c == b'.') {
        Some(i) => (rest.get(..i)?, Some(rest.get(i + 1..)?)),
        None => (rest, None),
    };
    let [h1, h2, b':', mi1, mi2, b':', s1, s2] = *hms else {
        return None;
    };
    let time = parse_time_of_day(&[h1, h2, mi1, mi2, s1, s2], fraction)?;
    utc_from(date, time)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unix(secs: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(secs, nanos)
    }

    #[test]
    fn civil_days() {
        let d = |y, m, dd| Date::new(y, m, dd).unwrap().days_since_unix_epoch();
        assert_eq!(d(1970, 1, 1), 0);
        assert_eq!(d(1969, 12, 31), -1);
        assert_eq!(d(2000, 3, 1), 11_017);
        // 2024-12-31: 54 years of which 13 leap (1972..=2020 step 4) plus 2024 itself up to
        // Dec 31 (a leap year): 54*365 + 13 = 19 723 days to 2024-01-01, +365.
        assert_eq!(d(2024, 1, 1), 19_723);
        assert_eq!(d(2024, 12, 31), 19_723 + 365);
        assert_eq!(d(2025, 1, 1), 19_723 + 366);
        for days in (-719_528..800_000)
            .step_by(997)
            .chain([-1, 0, 59, 19_723 + 365])
        {
            let date = Date::from_days_since_unix_epoch(days).unwrap();
            assert_eq!(date.days_since_unix_epoch(), days, "{date:?}");
        }
        assert_eq!(
            Date::from_days_since_unix_epoch(19_723 + 59),
            Date::new(2024, 2, 29)
        );
        assert_eq!(Date::from_days_since_unix_epoch(-719_529), None); // year -1
        assert_eq!(Date::new(2024, 2, 29).map(|x| x.day), Some(29));
        assert_eq!(Date::new(2025, 2, 29), None);
        assert_eq!(Date::new(1900, 2, 29), None);
        assert_eq!(Date::new(2000, 2, 29).map(|x| x.day), Some(29));
        assert_eq!(Date::new(2025, 4, 31), None);
        assert_eq!(Date::new(2025, 13, 1), None);
        assert_eq!(Date::new(2025, 0, 1), None);
        assert_eq!(Date::new(2025, 1, 0), None);
    }

    #[test]
    fn iso8601_times() {
        // 2025-01-01T00:00:00Z = 20 089 days * 86 400 s = 1 735 689 600 s.
        assert_eq!(
            parse_iso8601_utc("2025-01-01T00:00:00Z"),
            Some(unix(1_735_689_600, 0))
        );
        assert_eq!(
            parse_iso8601_utc("2024-12-31T23:59:59.5Z"),
            Some(unix(1_735_689_599, 500_000_000))
        );
        assert_eq!(
            parse_iso8601_utc("2024-12-31T23:59:59.123Z"),
            Some(unix(1_735_689_599, 123_000_000))
        );
        assert_eq!(
            parse_iso8601_utc("2024-12-31T23:59:59.123456789Z"),
            Some(unix(1_735_689_599, 123_456_789))
        );
        // Leap second 2016-12-31T23:59:60 folds onto 2017-01-01T00:00:00 (1 483 228 800).
        assert_eq!(
            parse_iso8601_utc("2016-12-31T23:59:60.250Z"),
            Some(unix(1_483_228_800, 250_000_000))
        );
        for bad in [
            "",
            "2024-12-31T23:59:59",
            "2024-12-31 23:59:59Z",
            "2024-12-31T23:59:59.Z",
            "2024-12-31T23:59:59.1234567890Z",
            "2024-12-31T24:00:00Z",
            "2024-12-31T23:60:00Z",
            "2024-12-31T23:59:61Z",
            "2024-02-30T00:00:00Z",
            "2024-12-31T23:59:59+00:00",
            "2024-12-31t23:59:59z",
            "1969-12-31T23:59:59Z",
            "２０２４-12-31T23:59:59Z",
            "2024-12-31T23:59:5xZ",
            "+024-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_iso8601_utc(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn static_source_is_valid_with_system_time() {
        let p = Position::new(39.9087, 116.3975).unwrap();
        let src = PositionSource::Static(StaticPosition { position: p });
        let before = SystemTime::now();
        let s = src.current();
        assert!(s.valid);
        assert_eq!(s.position, Some(p));
        assert_eq!(s.fix_quality, Some(FixQuality::Manual));
        assert_eq!(s.fix_mode, Some(FixMode::TwoDimensional));
        assert!(s.utc.unwrap() >= before);
        assert_eq!(Position::new(90.5, 0.0), None);
        assert_eq!(Position::new(0.0, -180.5), None);
    }

    #[test]
    fn live_source_turns_invalid_when_its_task_ends() {
        let (tx, rx) = watch::channel(GnssState::default());
        tx.send_replace(GnssState {
            valid: true,
            ..GnssState::default()
        });
        let src = PositionSource::Live(rx);
        assert!(src.current().valid);
        drop(tx);
        assert!(!src.current().valid);
    }

    #[test]
    fn counts_and_labels() {
        let mut c = SatelliteCounts::default();
        c.set(Constellation::BeiDou, 12);
        c.set(Constellation::Gps, 9);
        assert_eq!(c.get(Constellation::BeiDou), 12);
        assert_eq!(c.total(), 21);
        assert_eq!(format!("{c:?}"), r#"{"gps": 9, "beidou": 12}"#);
        let mut r = RejectCounts::default();
        r.add(RejectReason::Checksum);
        r.add(RejectReason::Checksum);
        assert_eq!(r.get(RejectReason::Checksum), 2);
        assert_eq!(r.total(), 2);
        assert_eq!(format!("{r:?}"), r#"{"checksum": 2}"#);
        for (i, r) in RejectReason::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i);
        }
        for (i, c) in Constellation::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(Constellation::from_nmea_system_id(i as u8 + 1), Some(*c));
        }
        assert_eq!(Constellation::from_nmea_system_id(0), None);
        assert_eq!(Constellation::from_nmea_system_id(7), None);
        assert_eq!(
            Constellation::from_gpsd_gnssid(6),
            Some(Constellation::Glonass)
        );
        assert_eq!(Constellation::from_gpsd_gnssid(1), None);
    }

    async fn lines(input: &[u8], max: usize) -> Vec<Result<Vec<u8>, usize>> {
        let mut r = LineReader::new(input, max);
        let mut out = Vec::new();
        while let Some(l) = r.next_line().await.unwrap() {
            out.push(match l {
                Line::Complete(b) => Ok(b.to_vec()),
                Line::TooLong(n) => Err(n),
            });
        }
        out
    }

    #[tokio::test]
    async fn line_splitting() {
        let ok = |s: &str| Ok(s.as_bytes().to_vec());
        assert_eq!(
            lines(b"ab\r\ncd\n\n\r\nef", 8).await,
            vec![ok("ab"), ok("cd"), ok("ef")]
        );
        // 8 bytes fit, also with a CR; 9 do not, and the reader resumes after them.
        assert_eq!(
            lines(b"12345678\r\n123456789\nx\n", 8).await,
            vec![ok("12345678"), Err(9), ok("x")]
        );
        assert_eq!(lines(b"123456789", 8).await, vec![Err(9)]);
        assert_eq!(lines(b"12345678\r", 8).await, vec![ok("12345678")]);
        assert_eq!(lines(b"", 8).await, vec![]);
    }

    #[tokio::test]
    async fn line_splitting_across_small_reads() {
        // A one-byte buffer makes every line arrive in pieces.
        let data: &[u8] = b"abc\r\n0123456789abcdef\r\nxyz";
        let r = tokio::io::BufReader::with_capacity(1, data);
        let mut lr = LineReader::new(r, 8);
        let mut out = Vec::new();
        while let Some(l) = lr.next_line().await.unwrap() {
            out.push(match l {
                Line::Complete(b) => Ok(b.to_vec()),
                Line::TooLong(n) => Err(n),
            });
        }
        assert_eq!(out, vec![Ok(b"abc".to_vec()), Err(16), Ok(b"xyz".to_vec())]);
    }

    proptest! {
        #[test]
        fn iso8601_round_trip(secs in 0u64..4_102_444_800, nanos in 0u32..1_000_000_000) {
            let t = unix(secs, nanos);
            let days = secs / 86_400;
            let tod = secs % 86_400;
            // Civil date back from the day count, by walking years and months.
            let mut y = 1970u16;
            let mut d = days;
            loop {
                let len = if Date::new(y, 2, 29).is_some() { 366 } else { 365 };
                if d < len { break; }
                d -= len;
                y += 1;
            }
            let mut m = 1u8;
            loop {
                let len = (28..=31).rev().find(|&n| Date::new(y, m, n).is_some()).unwrap();
                if d < u64::from(len) { break; }
                d -= u64::from(len);
                m += 1;
            }
            let s = format!(
                "{y:04}-{m:02}-{:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
                d + 1, tod / 3600, tod / 60 % 60, tod % 60
            );
            prop_assert_eq!(parse_iso8601_utc(&s), Some(t));
        }

        #[test]
        fn iso8601_never_panics(s in "\\PC{0,40}") {
            let _ = parse_iso8601_utc(&s);
        }

        #[test]
        fn line_reader_never_exceeds_limit(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let out = rt.block_on(lines(&data, 16));
            for l in out {
                match l {
                    Ok(b) => {
                        prop_assert!(!b.is_empty() && b.len() <= 16);
                        prop_assert!(!b.contains(&b'\n'));
                    }
                    Err(n) => prop_assert!(n > 16),
                }
            }
        }
    }
}
