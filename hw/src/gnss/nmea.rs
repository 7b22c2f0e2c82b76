//! NMEA 0183 (v4.11) as GNSS receivers speak it: GGA, RMC, GSA and GSV from GPS, GLONASS,
//! Galileo, BeiDou (both the `BD` and the v4.11 `GB` talker), QZSS, NavIC and the combined
//! `GN` talker.
//!
//! [`parse`] checks one line strictly: `$`, address, comma-separated fields, `*hh` checksum
//! (XOR of the bytes between `$` and `*`), field count, and each field's syntax and range.
//! Other sentence types pass the checksum and come back as [`Sentence::Other`], to be
//! counted and ignored. [`FixTracker`] folds sentences into a [`GnssState`] without doing
//! IO; [`NmeaReader`] feeds it from any `AsyncBufRead`, such as a serial device.

use std::path::Path;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufRead, BufReader};
use tokio::sync::watch;

use super::{
    Address, Constellation, Date, FixMode, FixQuality, GnssError, GnssState, Line, LineReader,
    Position, RejectReason, SatelliteCounts, utc_from,
};

/// The longest line accepted, CR/LF excluded. NMEA 0183 allows 82 characters with CR/LF,
/// but receivers exceed it (high-precision GGA, long proprietary sentences); the limit only
/// has to stop merged or runaway lines.
pub const MAX_SENTENCE_LEN: usize = 256;

/// More fields than any sentence parsed here has (GSV: 3 + 4 × 4 + signal ID).
const MAX_FIELDS: usize = 24;

/// Knots to metres per second: one international nautical mile is 1852 m.
const KNOT_MPS: f64 = 1852.0 / 3600.0;

/// A talker identifier: which system the sentence reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Talker {
    /// `GP`: GPS (receivers also put SBAS and QZSS satellites here).
    Gp,
    /// `GL`: GLONASS.
    Gl,
    /// `GA`: Galileo.
    Ga,
    /// `BD`: BeiDou, the talker of NMEA 4.10 and of Chinese receivers.
    Bd,
    /// `GB`: BeiDou, the talker NMEA 4.11 assigns.
    Gb,
    /// `GN`: a solution combining several systems.
    Gn,
    /// `GQ`: QZSS.
    Gq,
    /// `GI`: NavIC (IRNSS).
    Gi,
}

impl Talker {
    /// The talker for a two-character identifier.
    pub fn from_code(code: &[u8]) -> Option<Talker> {
        Some(match code {
            b"GP" => Talker::Gp,
            b"GL" => Talker::Gl,
            b"GA" => Talker::Ga,
            b"BD" => Talker::Bd,
            b"GB" => Talker::Gb,
            b"GN" => Talker::Gn,
            b"GQ" => Talker::Gq,
            b"GI" => Talker::Gi,
            _ => return None,
        })
    }

    /// The two-character identifier.
    pub const fn code(self) -> &'static str {
        match self {
            Talker::Gp => "GP",
            Talker::Gl => "GL",
            Talker::Ga => "GA",
            Talker::Bd => "BD",
            Talker::Gb => "GB",
            Talker::Gn => "GN",
            Talker::Gq => "GQ",
            Talker::Gi => "GI",
        }
    }

    /// The single constellation this talker reports on; `None` for the combined `GN`.
    pub const fn constellation(self) -> Option<Constellation> {
        match self {
            Talker::Gp => Some(Constellation::Gps),
            Talker::Gl => Some(Constellation::Glonass),
            Talker::Ga => Some(Constellation::Galileo),
            Talker::Bd | Talker::Gb => Some(Constellation::BeiDou),
            Talker::Gq => Some(Constellation::Qzss),
            Talker::Gi => Some(Constellation::NavIc),
            Talker::Gn => None,
        }
    }

    const fn index(self) -> u32 {
        self as u32
    }
}

/// A latitude/longitude pair from an NMEA `ddmm.mmmm,N,dddmm.mmmm,E` field group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    /// Degrees, north positive.
    pub latitude_deg: f64,
    /// Degrees, east positive.
    pub longitude_deg: f64,
}

/// GGA: time, position and fix data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gga {
    pub talker: Talker,
    /// UTC time of day of the position.
    pub time: Option<Duration>,
    pub position: Option<LatLon>,
    pub quality: FixQuality,
    pub satellites_in_use: Option<u8>,
    pub hdop: Option<f64>,
    /// Height above mean sea level (the geoid), metres.
    pub altitude_msl_m: Option<f64>,
    /// Geoid height above the WGS-84 ellipsoid, metres (negative: geoid below it).
    pub geoid_separation_m: Option<f64>,
    /// Seconds since the last differential correction.
    pub dgps_age_s: Option<f64>,
    pub dgps_station: Option<u16>,
}

/// RMC field 2: whether the receiver considers its data valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RmcStatus {
    /// `A`: data valid.
    Valid,
    /// `V`: navigation receiver warning.
    Warning,
}

/// Mode indicator (RMC field 12, NMEA 2.3 and later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModeIndicator {
    /// `A`
    Autonomous,
    /// `D`
    Differential,
    /// `E`: dead reckoning.
    Estimated,
    /// `F`: RTK with float ambiguities.
    FloatRtk,
    /// `M`
    Manual,
    /// `N`
    NotValid,
    /// `P`
    Precise,
    /// `R`: RTK with fixed ambiguities.
    RealTimeKinematic,
    /// `S`
    Simulator,
}

impl ModeIndicator {
    const fn from_char(c: u8) -> Option<ModeIndicator> {
        Some(match c {
            b'A' => ModeIndicator::Autonomous,
            b'D' => ModeIndicator::Differential,
            b'E' => ModeIndicator::Estimated,
            b'F' => ModeIndicator::FloatRtk,
            b'M' => ModeIndicator::Manual,
            b'N' => ModeIndicator::NotValid,
            b'P' => ModeIndicator::Precise,
            b'R' => ModeIndicator::RealTimeKinematic,
            b'S' => ModeIndicator::Simulator,
            _ => return None,
        })
    }
}

/// Navigational status (RMC field 13, NMEA 4.10 and later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NavigationalStatus {
    /// `S`
    Safe,
    /// `C`
    Caution,
    /// `U`
    Unsafe,
    /// `V`
    NotValid,
}

/// RMC: recommended minimum data — time, date, position, speed and course.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rmc {
    pub talker: Talker,
    pub time: Option<Duration>,
    pub status: RmcStatus,
    pub position: Option<LatLon>,
    /// Speed over ground, m/s (sent in knots).
    pub speed_mps: Option<f64>,
    /// Course over ground, degrees from true north.
    pub course_deg: Option<f64>,
    pub date: Option<Date>,
    /// Magnetic variation, degrees, east positive.
    pub magnetic_variation_deg: Option<f64>,
    pub mode: Option<ModeIndicator>,
    pub navigational_status: Option<NavigationalStatus>,
}

/// GSA field 1: how the receiver chooses between 2D and 3D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SelectionMode {
    /// `M`: forced.
    Manual,
    /// `A`: automatic.
    Automatic,
}

/// GSA: DOP and the satellites used in the solution (up to 12 per sentence; receivers send
/// one GSA per system, told apart by the NMEA 4.11 system ID or the talker).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gsa {
    pub talker: Talker,
    pub selection: SelectionMode,
    pub mode: FixMode,
    prns: [u16; 12],
    prn_count: u8,
    pub pdop: Option<f64>,
    pub hdop: Option<f64>,
    pub vdop: Option<f64>,
    /// NMEA 4.11 GNSS System ID (field 18), when sent.
    pub system: Option<Constellation>,
}

impl Gsa {
    /// Satellite IDs used in the solution, empty fields left out.
    pub fn prns(&self) -> &[u16] {
        self.prns
            .get(..usize::from(self.prn_count))
            .unwrap_or_default()
    }

    /// The constellation of the listed satellites: the system ID if sent, else the talker's.
    pub fn constellation(&self) -> Option<Constellation> {
        self.system.or(self.talker.constellation())
    }
}

/// One satellite of a GSV sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SatelliteInView {
    pub prn: u16,
    /// Degrees above the horizon, -90..=90.
    pub elevation_deg: Option<i8>,
    /// Degrees from true north, 0..=359.
    pub azimuth_deg: Option<u16>,
    /// C/N0, dB-Hz, 0..=99; empty when not tracked.
    pub snr_dbhz: Option<u8>,
}

/// GSV: satellites in view, up to 4 per sentence in a group of up to 9 sentences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gsv {
    pub talker: Talker,
    pub total_messages: u8,
    pub message_number: u8,
    /// Satellites in view for this talker (and signal), the same in every sentence of the
    /// group.
    pub satellites_in_view: u8,
    satellites: [SatelliteInView; 4],
    satellite_count: u8,
    /// NMEA 4.11 signal ID (a hex digit), when sent.
    pub signal_id: Option<u8>,
}

impl Gsv {
    /// The satellites this sentence describes.
    pub fn satellites(&self) -> &[SatelliteInView] {
        self.satellites
            .get(..usize::from(self.satellite_count))
            .unwrap_or_default()
    }
}

/// One parsed sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sentence {
    Gga(Gga),
    Rmc(Rmc),
    Gsa(Gsa),
    Gsv(Gsv),
    /// A well-formed sentence of another type (VTG, GLL, TXT, ZDA...) or a proprietary one
    /// (`$P...`): checksum verified, contents not used.
    Other(Address),
}

/// The NMEA checksum: XOR of every byte between `$` and `*`.
pub fn checksum(body: &[u8]) -> u8 {
    body.iter().fold(0, |c, &b| c ^ b)
}

/// Parses one sentence. Trailing CR/LF are allowed; anything else outside `$...*hh` is not.
pub fn parse(line: &[u8]) -> Result<Sentence, GnssError> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() > MAX_SENTENCE_LEN {
        return Err(GnssError::TooLong {
            len: line.len(),
            max: MAX_SENTENCE_LEN,
        });
    }
    if let Some((offset, &byte)) = line
        .iter()
        .enumerate()
        .find(|&(_, &b)| !(0x20..=0x7E).contains(&b))
    {
        return Err(GnssError::NotAscii { offset, byte });
    }
    let text = std::str::from_utf8(line).map_err(|e| GnssError::NotAscii {
        offset: e.valid_up_to(),
        byte: line.get(e.valid_up_to()).copied().unwrap_or(0),
    })?;
    let rest = text.strip_prefix('$').ok_or(GnssError::Framing {
        reason: "line does not start with '$'",
    })?;
    let address_end = rest.find([',', '*']).unwrap_or(rest.len());
    let address = Address::new(rest.get(..address_end).unwrap_or(""));
    let Some((body, hh)) = rest.split_once('*') else {
        return Err(GnssError::MissingChecksum { sentence: address });
    };
    let received = match hh.as_bytes() {
        [a, b] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() => u8::from_str_radix(hh, 16)
            .map_err(|_| GnssError::BadChecksumField { sentence: address })?,
        _ => return Err(GnssError::BadChecksumField { sentence: address }),
    };
    let computed = checksum(body.as_bytes());
    if received != computed {
        return Err(GnssError::ChecksumMismatch {
            sentence: address,
            received,
            computed,
        });
    }
    // Reserved characters inside a sentence: most often two sentences run together after a
    // lost line end, which a checksum can happen to accept.
    if body.contains(['$', '!', '\\', '~']) {
        return Err(GnssError::Framing {
            reason: "reserved character inside the sentence",
        });
    }
    let (addr, data) = match body.split_once(',') {
        Some((a, d)) => (a, Some(d)),
        None => (body, None),
    };
    let ab = addr.as_bytes();
    if ab.first() == Some(&b'P') && (2..=8).contains(&ab.len()) && is_alnum_upper(ab) {
        return Ok(Sentence::Other(address));
    }
    let [t1, t2, f1, f2, f3] = *ab else {
        return Err(GnssError::Framing {
            reason: "address is not a 2-character talker and 3-character sentence formatter",
        });
    };
    if !is_alnum_upper(ab) {
        return Err(GnssError::Framing {
            reason: "address is not upper-case letters and digits",
        });
    }
    let talker =
        Talker::from_code(&[t1, t2]).ok_or(GnssError::UnknownTalker { sentence: address })?;
    match &[f1, f2, f3] {
        b"GGA" => {
            parse_gga(talker, &Fields::new(address, data, &GGA_FIELDS, 12, 14)?).map(Sentence::Gga)
        }
        b"RMC" => {
            parse_rmc(talker, &Fields::new(address, data, &RMC_FIELDS, 11, 13)?).map(Sentence::Rmc)
        }
        b"GSA" => {
            parse_gsa(talker, &Fields::new(address, data, &GSA_FIELDS, 17, 18)?).map(Sentence::Gsa)
        }
        b"GSV" => {
            parse_gsv(talker, &Fields::new(address, data, &GSV_FIELDS, 3, 20)?).map(Sentence::Gsv)
        }
        _ => Ok(Sentence::Other(address)),
    }
}

fn is_alnum_upper(b: &[u8]) -> bool {
    b.iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

const GGA_FIELDS: [&str; 14] = [
    "UTC time",
    "latitude",
    "N/S indicator",
    "longitude",
    "E/W indicator",
    "quality indicator",
    "satellites in use",
    "HDOP",
    "altitude",
    "altitude units",
    "geoid separation",
    "geoid separation units",
    "age of differential data",
    "differential station ID",
];

const RMC_FIELDS: [&str; 13] = [
    "UTC time",
    "status",
    "latitude",
    "N/S indicator",
    "longitude",
    "E/W indicator",
    "speed over ground",
    "course over ground",
    "date",
    "magnetic variation",
    "magnetic variation E/W",
    "mode indicator",
    "navigational status",
];

const GSA_FIELDS: [&str; 18] = [
    "selection mode",
    "fix mode",
    "satellite ID 1",
    "satellite ID 2",
    "satellite ID 3",
    "satellite ID 4",
    "satellite ID 5",
    "satellite ID 6",
    "satellite ID 7",
    "satellite ID 8",
    "satellite ID 9",
    "satellite ID 10",
    "satellite ID 11",
    "satellite ID 12",
    "PDOP",
    "HDOP",
    "VDOP",
    "GNSS system ID",
];

/// The last name is a placeholder: GSV's optional signal ID follows the last satellite,
/// wherever that is, and is named explicitly.
const GSV_FIELDS: [&str; 20] = [
    "number of messages",
    "message number",
    "satellites in view",
    "satellite ID",
    "elevation",
    "azimuth",
    "SNR",
    "satellite ID",
    "elevation",
    "azimuth",
    "SNR",
    "satellite ID",
    "elevation",
    "azimuth",
    "SNR",
    "satellite ID",
    "elevation",
    "azimuth",
    "SNR",
    "signal ID",
];

/// A sentence's data fields (after the address), with the names its errors use.
struct Fields<'a> {
    sentence: Address,
    items: [&'a str; MAX_FIELDS],
    len: usize,
    names: &'static [&'static str],
}

impl<'a> Fields<'a> {
    fn new(
        sentence: Address,
        data: Option<&'a str>,
        names: &'static [&'static str],
        min: usize,
        max: usize,
    ) -> Result<Self, GnssError> {
        let mut items = [""; MAX_FIELDS];
        let mut len = 0;
        if let Some(data) = data {
            let mut split = data.split(',');
            for (slot, f) in items.iter_mut().take(max).zip(&mut split) {
                *slot = f;
                len += 1;
            }
            let extra = split.count();
            if extra > 0 {
                return Err(GnssError::TooManyFields {
                    sentence,
                    count: len + extra,
                    max,
                });
            }
        }
        let fields = Fields {
            sentence,
            items,
            len,
            names,
        };
        if len < min {
            return Err(fields.missing(len));
        }
        Ok(fields)
    }

    fn name(&self, i: usize) -> &'static str {
        self.names.get(i).copied().unwrap_or("field")
    }

    fn get(&self, i: usize) -> &'a str {
        if i < self.len {
            self.items.get(i).copied().unwrap_or("")
        } else {
            ""
        }
    }

    fn missing(&self, i: usize) -> GnssError {
        GnssError::MissingField {
            sentence: self.sentence,
            field: self.name(i),
        }
    }

    fn invalid(&self, i: usize, reason: &'static str) -> GnssError {
        self.invalid_named(self.name(i), reason)
    }

    fn invalid_named(&self, field: &'static str, reason: &'static str) -> GnssError {
        GnssError::InvalidField {
            sentence: self.sentence,
            field,
            reason,
        }
    }

    /// An unsigned decimal integer of 1..=`digits` digits, at most `max`; empty is `None`.
    fn opt_uint(&self, i: usize, digits: usize, max: u32) -> Result<Option<u32>, GnssError> {
        let f = self.get(i);
        if f.is_empty() {
            return Ok(None);
        }
        let v = parse_uint(f, digits).ok_or(self.invalid(i, "not an unsigned integer"))?;
        if v > max {
            return Err(self.invalid(i, "out of range"));
        }
        Ok(Some(v))
    }

    fn uint(&self, i: usize, digits: usize, max: u32) -> Result<u32, GnssError> {
        self.opt_uint(i, digits, max)?.ok_or(self.missing(i))
    }

    /// A decimal number `[-]d+[.d+]` within `min..=max`; empty is `None`.
    fn opt_decimal(&self, i: usize, min: f64, max: f64) -> Result<Option<f64>, GnssError> {
        let f = self.get(i);
        if f.is_empty() {
            return Ok(None);
        }
        let v = parse_decimal(f).ok_or(self.invalid(i, "not a decimal number"))?;
        if !(min..=max).contains(&v) {
            return Err(self.invalid(i, "out of range"));
        }
        Ok(Some(v))
    }

    /// One character from `allowed`; empty is `None`.
    fn opt_char(&self, i: usize, allowed: &[u8]) -> Result<Option<u8>, GnssError> {
        match self.get(i).as_bytes() {
            [] => Ok(None),
            [c] if allowed.contains(c) => Ok(Some(*c)),
            _ => Err(self.invalid(i, "not one of the allowed letters")),
        }
    }

    /// `hhmmss[.s]`; empty is `None`.
    fn opt_time(&self, i: usize) -> Result<Option<Duration>, GnssError> {
        let f = self.get(i);
        if f.is_empty() {
            return Ok(None);
        }
        let (hms, fraction) = match f.split_once('.') {
            Some((a, b)) => (a, Some(b.as_bytes())),
            None => (f, None),
        };
        super::parse_time_of_day(hms.as_bytes(), fraction)
            .map(Some)
            .ok_or(self.invalid(i, "not hhmmss[.s] with hh ≤ 23, mm ≤ 59, ss ≤ 60"))
    }

    /// `ddmmyy`; years 80..=99 are 1980..=1999 (GPS began in 1980), others 2000..=2079.
    fn opt_date(&self, i: usize) -> Result<Option<Date>, GnssError> {
        let f = self.get(i).as_bytes();
        if f.is_empty() {
            return Ok(None);
        }
        let bad = || self.invalid(i, "not a calendar date ddmmyy");
        let [d1, d2, m1, m2, y1, y2] = *f else {
            return Err(bad());
        };
        if !f.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let two = |a: u8, b: u8| (a - b'0') * 10 + (b - b'0');
        let yy = u16::from(two(y1, y2));
        let year = if yy >= 80 { 1900 + yy } else { 2000 + yy };
        Date::new(year, two(m1, m2), two(d1, d2))
            .map(Some)
            .ok_or_else(bad)
    }

    /// Latitude, N/S, longitude, E/W at `i..i + 4`: all four or none.
    fn opt_lat_lon(&self, i: usize) -> Result<Option<LatLon>, GnssError> {
        let (lat, ns, lon, ew) = (
            self.get(i),
            self.get(i + 1),
            self.get(i + 2),
            self.get(i + 3),
        );
        if [lat, ns, lon, ew].iter().all(|f| f.is_empty()) {
            return Ok(None);
        }
        for (k, f) in [lat, ns, lon, ew].iter().enumerate() {
            if f.is_empty() {
                return Err(self.missing(i + k));
            }
        }
        let lat_abs = parse_angle(lat, 2, 90).map_err(|r| self.invalid(i, r))?;
        let lon_abs = parse_angle(lon, 3, 180).map_err(|r| self.invalid(i + 2, r))?;
        let latitude_deg = match ns {
            "N" => lat_abs,
            "S" => -lat_abs,
            _ => return Err(self.invalid(i + 1, "not N or S")),
        };
        let longitude_deg = match ew {
            "E" => lon_abs,
            "W" => -lon_abs,
            _ => return Err(self.invalid(i + 3, "not E or W")),
        };
        Ok(Some(LatLon {
            latitude_deg,
            longitude_deg,
        }))
    }
}

/// 1..=`digits` ASCII digits.
fn parse_uint(f: &str, digits: usize) -> Option<u32> {
    if f.is_empty() || f.len() > digits || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    f.parse().ok()
}

/// `[-]d+[.d+]`, at most 16 characters: no exponent, no `inf`/`nan`, no `+`.
fn parse_decimal(f: &str) -> Option<f64> {
    if f.len() > 16 {
        return None;
    }
    let unsigned = f.strip_prefix('-').unwrap_or(f);
    let (int, frac) = match unsigned.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|s| !digits(s)) {
        return None;
    }
    f.parse().ok()
}

/// An angle as NMEA writes it: `deg_digits` digits of degrees, two of whole minutes, an
/// optional fraction of a minute (1..=10 digits). Minutes must be below 60 and the angle at
/// most `max_deg`.
fn parse_angle(f: &str, deg_digits: usize, max_deg: u32) -> Result<f64, &'static str> {
    const SYNTAX: &str = "not degrees and minutes (ddmm.mmmm / dddmm.mmmm)";
    let (int, frac) = match f.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (f, None),
    };
    if int.len() != deg_digits + 2 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SYNTAX);
    }
    if let Some(fr) = frac
        && (fr.is_empty() || fr.len() > 10 || !fr.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(SYNTAX);
    }
    let (deg, _) = int.split_at_checked(deg_digits).ok_or(SYNTAX)?;
    let deg: u32 = deg.parse().map_err(|_| SYNTAX)?;
    let minutes: f64 = f
        .get(deg_digits..)
        .ok_or(SYNTAX)?
        .parse()
        .map_err(|_| SYNTAX)?;
    if minutes >= 60.0 {
        return Err("minutes ≥ 60");
    }
    if deg > max_deg || (deg == max_deg && minutes > 0.0) {
        return Err("beyond ±90° latitude or ±180° longitude");
    }
    Ok(f64::from(deg) + minutes / 60.0)
}

fn parse_gga(talker: Talker, f: &Fields<'_>) -> Result<Gga, GnssError> {
    let time = f.opt_time(0)?;
    let position = f.opt_lat_lon(1)?;
    let q = f.uint(5, 1, 8)?;
    let quality = u8::try_from(q)
        .ok()
        .and_then(FixQuality::from_digit)
        .ok_or(f.invalid(5, "not 0..=8"))?;
    let satellites_in_use = f.opt_uint(6, 3, 255)?.and_then(|n| u8::try_from(n).ok());
    let hdop = f.opt_decimal(7, 0.0, 9999.0)?;
    let altitude_msl_m = f.opt_decimal(8, -100_000.0, 1_000_000.0)?;
    metres_unit(f, 8, 9)?;
    let geoid_separation_m = f.opt_decimal(10, -1000.0, 1000.0)?;
    metres_unit(f, 10, 11)?;
    let dgps_age_s = f.opt_decimal(12, 0.0, 1_000_000.0)?;
    let dgps_station = f.opt_uint(13, 4, 1023)?.and_then(|n| u16::try_from(n).ok());
    Ok(Gga {
        talker,
        time,
        position,
        quality,
        satellites_in_use,
        hdop,
        altitude_msl_m,
        geoid_separation_m,
        dgps_age_s,
        dgps_station,
    })
}

/// A length's unit field: `M`, or empty when the length is.
fn metres_unit(f: &Fields<'_>, value: usize, unit: usize) -> Result<(), GnssError> {
    match (f.get(value).is_empty(), f.get(unit)) {
        (_, "M") | (true, "") => Ok(()),
        (false, "") => Err(f.missing(unit)),
        _ => Err(f.invalid(unit, "not M (metres)")),
    }
}

fn parse_rmc(talker: Talker, f: &Fields<'_>) -> Result<Rmc, GnssError> {
    let time = f.opt_time(0)?;
    let status = match f.opt_char(1, b"AV")? {
        Some(b'A') => RmcStatus::Valid,
        Some(_) => RmcStatus::Warning,
        None => return Err(f.missing(1)),
    };
    let position = f.opt_lat_lon(2)?;
    let speed_mps = f.opt_decimal(6, 0.0, 100_000.0)?.map(|kn| kn * KNOT_MPS);
    let course_deg = f.opt_decimal(7, 0.0, 360.0)?;
    let date = f.opt_date(8)?;
    let variation = f.opt_decimal(9, 0.0, 180.0)?;
    let magnetic_variation_deg = match (variation, f.opt_char(10, b"EW")?) {
        (None, None) => None,
        (Some(v), Some(b'E')) => Some(v),
        (Some(v), Some(_)) => Some(-v),
        (Some(_), None) => return Err(f.missing(10)),
        (None, Some(_)) => return Err(f.missing(9)),
    };
    let mode = f
        .opt_char(11, b"ADEFMNPRS")?
        .and_then(ModeIndicator::from_char);
    let navigational_status = f.opt_char(12, b"SCUV")?.map(|c| match c {
        b'S' => NavigationalStatus::Safe,
        b'C' => NavigationalStatus::Caution,
        b'U' => NavigationalStatus::Unsafe,
        _ => NavigationalStatus::NotValid,
    });
    Ok(Rmc {
        talker,
        time,
        status,
        position,
        speed_mps,
        course_deg,
        date,
        magnetic_variation_deg,
        mode,
        navigational_status,
    })
}

fn parse_gsa(talker: Talker, f: &Fields<'_>) -> Result<Gsa, GnssError> {
    let selection = match f.opt_char(0, b"MA")? {
        Some(b'M') => SelectionMode::Manual,
        Some(_) => SelectionMode::Automatic,
        None => return Err(f.missing(0)),
    };
    let mode = match f.opt_char(1, b"123")? {
        Some(b'1') => FixMode::NoFix,
        Some(b'2') => FixMode::TwoDimensional,
        Some(_) => FixMode::ThreeDimensional,
        None => return Err(f.missing(1)),
    };
    let mut prns = [0u16; 12];
    let mut prn_count = 0u8;
    for i in 2..14 {
        if let Some(prn) = f.opt_uint(i, 3, 999)? {
            let prn = u16::try_from(prn).map_err(|_| f.invalid(i, "out of range"))?;
            if prn == 0 {
                return Err(f.invalid(i, "satellite ID 0"));
            }
            if let Some(slot) = prns.get_mut(usize::from(prn_count)) {
                *slot = prn;
                prn_count += 1;
            }
        }
    }
    let pdop = f.opt_decimal(14, 0.0, 9999.0)?;
    let hdop = f.opt_decimal(15, 0.0, 9999.0)?;
    let vdop = f.opt_decimal(16, 0.0, 9999.0)?;
    let system = match f.opt_uint(17, 1, 9)? {
        None => None,
        Some(id) => Some(
            u8::try_from(id)
                .ok()
                .and_then(Constellation::from_nmea_system_id)
                .ok_or(f.invalid(17, "not a GNSS system ID 1..=6"))?,
        ),
    };
    Ok(Gsa {
        talker,
        selection,
        mode,
        prns,
        prn_count,
        pdop,
        hdop,
        vdop,
        system,
    })
}

fn parse_gsv(talker: Talker, f: &Fields<'_>) -> Result<Gsv, GnssError> {
    let total = f.uint(0, 1, 9)?;
    if total == 0 {
        return Err(f.invalid(0, "not 1..=9"));
    }
    let number = f.uint(1, 1, 9)?;
    if number == 0 || number > total {
        return Err(f.invalid(1, "not 1..=number of messages"));
    }
    let in_view = f.uint(2, 3, 255)?;
    let rest = f.len - 3;
    let (blocks, signal_at) = match rest % 4 {
        0 => (rest / 4, None),
        1 => (rest / 4, Some(f.len - 1)),
        _ => {
            return Err(f.invalid_named(
                "satellite ID",
                "satellite blocks need 4 fields (ID, elevation, azimuth, SNR)",
            ));
        }
    };
    if blocks > 4 {
        return Err(GnssError::TooManyFields {
            sentence: f.sentence,
            count: f.len,
            max: 3 + 16 + 1,
        });
    }
    let mut satellites = [SatelliteInView::default(); 4];
    let mut satellite_count = 0u8;
    for b in 0..blocks {
        let i = 3 + 4 * b;
        // Receivers pad the last sentence of a group with empty blocks.
        if (i..i + 4).all(|k| f.get(k).is_empty()) {
            continue;
        }
        let prn = f.opt_uint(i, 3, 999)?.ok_or(f.missing(i))?;
        if prn == 0 {
            return Err(f.invalid(i, "satellite ID 0"));
        }
        let elevation = f.opt_decimal(i + 1, -90.0, 90.0)?;
        if elevation.is_some_and(|e| e.fract() != 0.0 || f.get(i + 1).contains('.')) {
            return Err(f.invalid(i + 1, "not whole degrees"));
        }
        let azimuth = f.opt_uint(i + 2, 3, 359)?;
        let snr = f.opt_uint(i + 3, 3, 99)?;
        if let Some(slot) = satellites.get_mut(usize::from(satellite_count)) {
            *slot = SatelliteInView {
                prn: u16::try_from(prn).unwrap_or(u16::MAX),
                elevation_deg: elevation.map(|e| e as i8),
                azimuth_deg: azimuth.and_then(|a| u16::try_from(a).ok()),
                snr_dbhz: snr.and_then(|s| u8::try_from(s).ok()),
            };
            satellite_count += 1;
        }
    }
    let signal_id = match signal_at.map(|i| f.get(i).as_bytes()) {
        None | Some([]) => None,
        Some([c]) if c.is_ascii_hexdigit() && !c.is_ascii_lowercase() => char::from(*c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok()),
        Some(_) => return Err(f.invalid_named("signal ID", "not a hex digit")),
    };
    Ok(Gsv {
        talker,
        total_messages: u8::try_from(total).unwrap_or(0),
        message_number: u8::try_from(number).unwrap_or(0),
        satellites_in_view: u8::try_from(in_view).unwrap_or(u8::MAX),
        satellites,
        satellite_count,
        signal_id,
    })
}

/// Satellite IDs 0..=1023 as a bit set, to count each used satellite once per epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct PrnSet([u64; 16]);

impl PrnSet {
    fn insert(&mut self, prn: u16) {
        if let Some(w) = self.0.get_mut(usize::from(prn / 64)) {
            *w |= 1 << (prn % 64);
        }
    }

    fn len(&self) -> u8 {
        let n: u32 = self.0.iter().map(|w| w.count_ones()).sum();
        u8::try_from(n).unwrap_or(u8::MAX)
    }
}

/// Folds NMEA sentences into a [`GnssState`], without IO.
///
/// An epoch is the set of sentences sharing one UTC time of day. The fix is valid if the
/// latest epoch's GGA has quality > 0 or its RMC status `A`. GGA carries no date: the date
/// is the latest RMC's, moved a day forward (or back) when GGA's time has crossed midnight
/// relative to that RMC's time, so a GGA that opens a new day before its RMC arrives still
/// gets the right date.
///
/// Satellites used (GSA) and in view (GSV) are collected per epoch: the first GSA (GSV) of
/// a new epoch clears the previous epoch's counts, so a system that stops reporting drops
/// out. GSA satellites count under the NMEA 4.11 system ID, else under the talker; a `GNGSA`
/// without a system ID cannot be attributed and only GGA's total counts them. GSV counts
/// are the "satellites in view" field per talker (the largest over signal IDs); `GNGSV` is
/// not attributed. Between the first and last GSA/GSV line of one epoch (a few ms on the
/// wire) a snapshot may show the later systems at 0.
#[derive(Debug, Clone, Default)]
pub struct FixTracker {
    state: GnssState,
    /// Time of day of the latest GGA or RMC.
    epoch: Option<Duration>,
    gga: Option<(Option<Duration>, FixQuality)>,
    rmc: Option<(Option<Duration>, RmcStatus)>,
    /// The latest RMC date and the time of day it came with.
    date: Option<(Date, Option<Duration>)>,
    gsa_epoch: Option<Option<Duration>>,
    used: [PrnSet; 6],
    gsv_epoch: Option<Option<Duration>>,
    /// (talker, signal ID) groups whose first message has been seen since the last reset:
    /// a group starting again means a new GSV cycle even when the time does not change
    /// (receivers without a fix often send no time).
    gsv_groups: u128,
    in_view: SatelliteCounts,
}

impl FixTracker {
    /// A tracker that has seen nothing.
    pub fn new() -> FixTracker {
        FixTracker::default()
    }

    /// Parses a line and folds it in, counting it as accepted, ignored or rejected.
    pub fn feed_line(&mut self, line: &[u8], now: Instant) -> Result<Sentence, GnssError> {
        let r = parse(line);
        match &r {
            Ok(s) => self.feed(s, now),
            Err(e) => self.reject(e),
        }
        r
    }

    /// Counts a rejected line (one that [`FixTracker::feed_line`] did not see, such as an
    /// overlong line dropped by the reader).
    pub fn reject(&mut self, e: &GnssError) {
        self.state.stats.rejected.add(e.reason());
    }

    /// Folds in one sentence; `now` is when it was received.
    pub fn feed(&mut self, sentence: &Sentence, now: Instant) {
        let stats = &mut self.state.stats;
        match sentence {
            Sentence::Other(_) => {
                stats.ignore();
                return;
            }
            _ => stats.accepted = stats.accepted.saturating_add(1),
        }
        match sentence {
            Sentence::Gga(g) => self.feed_gga(g, now),
            Sentence::Rmc(r) => self.feed_rmc(r, now),
            Sentence::Gsa(g) => self.feed_gsa(g),
            Sentence::Gsv(g) => self.feed_gsv(g),
            Sentence::Other(_) => {}
        }
    }

    fn feed_gga(&mut self, g: &Gga, now: Instant) {
        self.epoch = g.time;
        self.gga = Some((g.time, g.quality));
        let s = &mut self.state;
        s.received_at = Some(now);
        s.fix_quality = Some(g.quality);
        s.satellites_in_use = g.satellites_in_use;
        s.hdop = g.hdop;
        if let Some(p) = g.position {
            s.position = Some(Position {
                latitude_deg: p.latitude_deg,
                longitude_deg: p.longitude_deg,
                altitude_msl_m: g.altitude_msl_m,
                altitude_hae_m: g
                    .altitude_msl_m
                    .zip(g.geoid_separation_m)
                    .map(|(h, n)| h + n),
            });
        }
    }

    fn feed_rmc(&mut self, r: &Rmc, now: Instant) {
        self.epoch = r.time;
        self.rmc = Some((r.time, r.status));
        if let Some(d) = r.date {
            self.date = Some((d, r.time));
        }
        let s = &mut self.state;
        s.received_at = Some(now);
        s.speed_mps = r.speed_mps;
        s.course_deg = r.course_deg;
        if let Some(p) = r.position {
            // RMC has no altitude: keep GGA's, which describes the same epoch.
            let (msl, hae) = s
                .position
                .map_or((None, None), |o| (o.altitude_msl_m, o.altitude_hae_m));
            s.position = Some(Position {
                latitude_deg: p.latitude_deg,
                longitude_deg: p.longitude_deg,
                altitude_msl_m: msl,
                altitude_hae_m: hae,
            });
        }
    }

    fn feed_gsa(&mut self, g: &Gsa) {
        if self.gsa_epoch != Some(self.epoch) {
            self.gsa_epoch = Some(self.epoch);
            self.used = [PrnSet::default(); 6];
        }
        if let Some(set) = g
            .constellation()
            .and_then(|c| self.used.get_mut(c as usize))
        {
            for &prn in g.prns() {
                set.insert(prn);
            }
        }
        let s = &mut self.state;
        s.fix_mode = Some(g.mode);
        s.pdop = g.pdop;
        s.vdop = g.vdop;
        if g.hdop.is_some() {
            s.hdop = g.hdop;
        }
    }

    fn feed_gsv(&mut self, g: &Gsv) {
        let group = 1u128 << (g.talker.index() * 16 + u32::from(g.signal_id.unwrap_or(0) & 15));
        let restarted = g.message_number == 1 && self.gsv_groups & group != 0;
        if self.gsv_epoch != Some(self.epoch) || restarted {
            self.gsv_epoch = Some(self.epoch);
            self.gsv_groups = 0;
            self.in_view = SatelliteCounts::default();
        }
        if g.message_number == 1 {
            self.gsv_groups |= group;
        }
        if let Some(c) = g.talker.constellation() {
            let n = self.in_view.get(c).max(g.satellites_in_view);
            self.in_view.set(c, n);
        }
    }

    /// UTC of the latest epoch, if a date and a time are known.
    fn utc(&self) -> Option<std::time::SystemTime> {
        let time = self.epoch?;
        let (date, date_time) = self.date?;
        let half_day = Duration::from_secs(12 * 3600);
        let mut t = utc_from(date, time)?;
        if let Some(dt) = date_time {
            if time + half_day < dt {
                t = t.checked_add(super::DAY)?;
            } else if time > dt + half_day {
                t = t.checked_sub(super::DAY)?;
            }
        }
        Some(t)
    }

    /// The current snapshot.
    pub fn state(&self) -> GnssState {
        let mut s = self.state;
        let now = self.epoch;
        s.valid = matches!(self.gga, Some((t, q)) if t == now && q.is_fix())
            || matches!(self.rmc, Some((t, RmcStatus::Valid)) if t == now);
        s.utc = self.utc();
        for c in Constellation::ALL {
            if let Some(set) = self.used.get(c as usize) {
                s.used.set(c, set.len());
            }
        }
        s.in_view = self.in_view;
        s
    }
}

/// Reads NMEA lines from a byte stream and folds them into a [`FixTracker`].
///
/// The stream is anything `AsyncBufRead`: a serial device ([`NmeaReader::open_serial`]), a
/// TCP or UDP relay, or a recording in memory. Lines end in LF or CRLF; lines longer than
/// [`MAX_SENTENCE_LEN`] are dropped whole and counted.
pub struct NmeaReader<R> {
    lines: LineReader<R>,
    tracker: FixTracker,
    ended: bool,
}

impl<R: AsyncBufRead + Unpin> NmeaReader<R> {
    /// A reader over `inner`.
    pub fn new(inner: R) -> Self {
        NmeaReader {
            lines: LineReader::new(inner, MAX_SENTENCE_LEN),
            tracker: FixTracker::new(),
            ended: false,
        }
    }

    /// The tracker fed so far.
    pub fn tracker(&self) -> &FixTracker {
        &self.tracker
    }

    /// The current snapshot.
    pub fn state(&self) -> GnssState {
        self.tracker.state()
    }

    /// The underlying stream.
    pub fn get_mut(&mut self) -> &mut R {
        self.lines.get_mut()
    }

    /// Reads, parses and folds in the next line: the sentence, or why the line was rejected.
    /// A read error is returned once as [`GnssError::Io`]; `None` after it and at end of
    /// input.
    pub async fn next_sentence(&mut self) -> Option<Result<Sentence, GnssError>> {
        if self.ended {
            return None;
        }
        let now = Instant::now();
        match self.lines.next_line().await {
            Ok(Some(Line::Complete(line))) => Some(self.tracker.feed_line(line, now)),
            Ok(Some(Line::TooLong(len))) => {
                let e = GnssError::TooLong {
                    len,
                    max: MAX_SENTENCE_LEN,
                };
                self.tracker.reject(&e);
                Some(Err(e))
            }
            Ok(None) => {
                self.ended = true;
                None
            }
            Err(e) => {
                self.ended = true;
                let e = GnssError::io("reading NMEA", &e);
                self.tracker.reject(&e);
                Some(Err(e))
            }
        }
    }

    /// Publishes the snapshot after every line until end of input (`Ok`), a read error
    /// (`Err`), or until no receiver is left (`Ok`).
    pub async fn run(&mut self, tx: &watch::Sender<GnssState>) -> Result<(), GnssError> {
        while let Some(r) = self.next_sentence().await {
            if tx.send(self.state()).is_err() {
                return Ok(());
            }
            if let Err(e) = r
                && e.reason() == RejectReason::Io
            {
                return Err(e);
            }
        }
        Ok(())
    }
}

impl NmeaReader<BufReader<tokio::net::unix::pipe::Receiver>> {
    /// Opens a serial device (`/dev/ttyUSB0`, `/dev/ttyAMA0`) or FIFO for reading, without
    /// making it the controlling terminal. The line settings are the operator's, set before
    /// the service starts, e.g. `stty -F /dev/ttyUSB0 115200 raw -echo`; this only reads.
    /// Must be called within a tokio runtime with IO enabled.
    pub fn open_serial(path: impl AsRef<Path>) -> Result<Self, GnssError> {
        use std::os::unix::fs::OpenOptionsExt;
        tokio::runtime::Handle::try_current().map_err(|_| GnssError::Io {
            context: "opening NMEA device",
            kind: std::io::ErrorKind::Other,
            message: "not within a tokio runtime".into(),
        })?;
        // Non-blocking: so the open does not wait for a modem carrier and tokio's reactor
        // can poll the descriptor.
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(path)
            .map_err(|e| GnssError::io("opening NMEA device", &e))?;
        let rx = tokio::net::unix::pipe::Receiver::from_file_unchecked(file)
            .map_err(|e| GnssError::io("registering NMEA device", &e))?;
        Ok(NmeaReader::new(BufReader::new(rx)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{SystemTime, UNIX_EPOCH};

    /// `$body*hh` with the checksum computed here.
    fn s(body: &str) -> String {
        format!("${body}*{:02X}", checksum(body.as_bytes()))
    }

    fn p(body: &str) -> Result<Sentence, GnssError> {
        parse(s(body).as_bytes())
    }

    fn addr(a: &str) -> Address {
        Address::new(a)
    }

    fn gga(body: &str) -> Gga {
        match p(body).unwrap() {
            Sentence::Gga(g) => g,
            other => panic!("{other:?}"),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn checksum_by_hand() {
        // "GPGLL" = 0x47^0x50^0x47^0x4C^0x4C = 0x50: G and G cancel, L and L cancel.
        assert_eq!(checksum(b"GPGLL"), 0x50);
        // A well-known sentence from receiver manuals, with its published checksum 0x47.
        let line = b"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47";
        let g = match parse(line).unwrap() {
            Sentence::Gga(g) => g,
            o => panic!("{o:?}"),
        };
        assert_eq!(g.time, Some(Duration::from_secs(12 * 3600 + 35 * 60 + 19)));
        let ll = g.position.unwrap();
        // 48° + 7.038'/60 = 48.1173°; 11° + 31.000'/60 = 11.516666...°
        assert!(close(ll.latitude_deg, 48.1173));
        assert!(close(ll.longitude_deg, 11.0 + 31.0 / 60.0));
        assert_eq!(g.quality, FixQuality::Autonomous);
        assert_eq!(g.satellites_in_use, Some(8));
        assert_eq!(g.hdop, Some(0.9));
        assert_eq!(g.altitude_msl_m, Some(545.4));
        assert_eq!(g.geoid_separation_m, Some(46.9));
        assert_eq!(g.dgps_age_s, None);
        // CRLF or LF is stripped.
        assert!(parse(&[&line[..], b"\r\n"].concat()).is_ok());
        assert!(parse(&[&line[..], b"\n"].concat()).is_ok());
        // Lower-case hex is accepted. "GPTXT,Y": 0x47^0x50 = 0x17, ^0x54 (T) = 0x43,
        // ^0x58 (X) = 0x1B, ^0x54 (T) = 0x4F, ^0x2C (,) = 0x63, ^0x59 (Y) = 0x3A.
        assert_eq!(checksum(b"GPTXT,Y"), 0x3A);
        assert!(parse(b"$GPTXT,Y*3a").is_ok());
        assert!(parse(b"$GPTXT,Y*3A").is_ok());
    }

    #[test]
    fn checksum_rejections() {
        let good = s("GNGGA,235959.00,3954.5220,N,11623.8500,E,1,16,0.7,44.5,M,-8.0,M,,");
        let (body, hh) = good.split_once('*').unwrap();
        let received = u8::from_str_radix(hh, 16).unwrap() ^ 0x01;
        let bad = format!("{body}*{received:02X}");
        assert_eq!(
            parse(bad.as_bytes()),
            Err(GnssError::ChecksumMismatch {
                sentence: addr("GNGGA"),
                received,
                computed: received ^ 0x01,
            })
        );
        assert_eq!(
            parse(body.as_bytes()),
            Err(GnssError::MissingChecksum {
                sentence: addr("GNGGA")
            })
        );
        for tail in ["*4", "*4G", "*123", "*+F", "* 1", "*", "*47garbage"] {
            let line = format!("{body}{tail}");
            assert_eq!(
                parse(line.as_bytes()),
                Err(GnssError::BadChecksumField {
                    sentence: addr("GNGGA")
                }),
                "{line}"
            );
        }
        // A flipped data byte.
        let flipped = good.replace("3954.5220", "3954.5221");
        assert!(matches!(
            parse(flipped.as_bytes()),
            Err(GnssError::ChecksumMismatch { .. })
        ));
    }

    #[test]
    fn framing_rejections() {
        assert_eq!(
            parse(b"GPGGA,1*00"),
            Err(GnssError::Framing {
                reason: "line does not start with '$'"
            })
        );
        assert_eq!(
            parse("$GPGGA,\u{e9}*00".as_bytes()),
            Err(GnssError::NotAscii {
                offset: 7,
                byte: 0xC3
            })
        );
        assert_eq!(
            parse(b"$GPGGA,\xff\xfe*00"),
            Err(GnssError::NotAscii {
                offset: 7,
                byte: 0xFF
            })
        );
        assert_eq!(
            parse(b"$GPGGA,\t*00"),
            Err(GnssError::NotAscii {
                offset: 7,
                byte: 0x09
            })
        );
        let long = s(&format!("GPTXT,{}", "A".repeat(MAX_SENTENCE_LEN)));
        assert_eq!(
            parse(long.as_bytes()),
            Err(GnssError::TooLong {
                len: long.len(),
                max: MAX_SENTENCE_LEN
            })
        );
        assert_eq!(
            p("XXGGA,1"),
            Err(GnssError::UnknownTalker {
                sentence: addr("XXGGA")
            })
        );
        assert!(matches!(p("GPGG,1"), Err(GnssError::Framing { .. })));
        assert!(matches!(p("GPGGAA,1"), Err(GnssError::Framing { .. })));
        assert!(matches!(p("gpgga,1"), Err(GnssError::Framing { .. })));
        assert!(matches!(p(""), Err(GnssError::Framing { .. })));
        // Two sentences run together, the first cut short: a '$' inside.
        assert!(matches!(
            p("GPGGA,1234$GPRMC,1"),
            Err(GnssError::Framing { .. })
        ));
        assert!(matches!(
            parse(b"$"),
            Err(GnssError::MissingChecksum { .. })
        ));
        assert!(matches!(parse(b""), Err(GnssError::Framing { .. })));
    }

    #[test]
    fn unsupported_and_proprietary_are_other() {
        assert_eq!(
            p("GNVTG,0.0,T,,M,0.02,N,0.04,K,A"),
            Ok(Sentence::Other(addr("GNVTG")))
        );
        assert_eq!(
            p("GNTXT,01,01,02,ANTSTATUS=OK"),
            Ok(Sentence::Other(addr("GNTXT")))
        );
        assert_eq!(
            p("PUBX,00,081350.00,4717.113210,N"),
            Ok(Sentence::Other(addr("PUBX")))
        );
        assert_eq!(p("PMTK001,604,3"), Ok(Sentence::Other(addr("PMTK001"))));
        // The checksum still matters.
        assert!(matches!(
            parse(b"$GNVTG,0.0,T,,M*00"),
            Err(GnssError::ChecksumMismatch { .. })
        ));
    }

    #[test]
    fn gga_beijing_and_southern_western() {
        let g = gga("GNGGA,235959.50,3954.5220,N,11623.8500,E,1,16,0.7,44.5,M,-8.0,M,,");
        assert_eq!(g.talker, Talker::Gn);
        assert_eq!(
            g.time,
            Some(Duration::from_millis(
                ((23 * 60 + 59) * 60 + 59) * 1000 + 500
            ))
        );
        let ll = g.position.unwrap();
        // 54.5220'/60 = 0.9087°, 23.8500'/60 = 0.3975°
        assert!((ll.latitude_deg - 39.9087).abs() < 1e-10);
        assert!((ll.longitude_deg - 116.3975).abs() < 1e-10);
        assert_eq!(g.altitude_msl_m, Some(44.5));
        assert_eq!(g.geoid_separation_m, Some(-8.0));

        let g = gga("BDGGA,000000.000,3351.8412,S,07037.6810,W,4,30,0.45,10.25,M,25.1,M,1.2,0123");
        let ll = g.position.unwrap();
        assert!(close(ll.latitude_deg, -(33.0 + 51.8412 / 60.0)));
        assert!(close(ll.longitude_deg, -(70.0 + 37.681 / 60.0)));
        assert_eq!(g.quality, FixQuality::RtkFixed);
        assert_eq!(g.dgps_age_s, Some(1.2));
        assert_eq!(g.dgps_station, Some(123));
        assert_eq!(g.time, Some(Duration::ZERO));

        // No fix yet: almost everything empty. Some receivers stop after the units.
        let g = gga("GPGGA,,,,,,0,00,99.99,,,,,,");
        assert_eq!(g.position, None);
        assert_eq!(g.time, None);
        assert_eq!(g.quality, FixQuality::Invalid);
        assert_eq!(g.satellites_in_use, Some(0));
        let g = gga("GPGGA,120000,,,,,0,,,,M,,M");
        assert_eq!(g.altitude_msl_m, None);
        // Extremes of the ranges.
        let g = gga("GAGGA,120000,9000.0000,N,18000.0000,W,8,,,0,M,0,M,,");
        let ll = g.position.unwrap();
        assert_eq!((ll.latitude_deg, ll.longitude_deg), (90.0, -180.0));
        assert_eq!(g.quality, FixQuality::Simulation);
    }

    #[test]
    fn gga_rejections() {
        let e = |body: &str| p(body).unwrap_err();
        let inv = |field, reason| GnssError::InvalidField {
            sentence: addr("GPGGA"),
            field,
            reason,
        };
        let miss = |field| GnssError::MissingField {
            sentence: addr("GPGGA"),
            field,
        };
        assert_eq!(
            e("GPGGA,120000,3960.0000,N,11623.8500,E,1,08,0.9,10.0,M,0.0,M,,"),
            inv("latitude", "minutes ≥ 60")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11675.0000,E,1,08,0.9,10.0,M,0.0,M,,"),
            inv("longitude", "minutes ≥ 60")
        );
        assert_eq!(
            e("GPGGA,120000,9100.0000,N,11623.8500,E,1,08,0.9,10.0,M,0.0,M,,"),
            inv("latitude", "beyond ±90° latitude or ±180° longitude")
        );
        assert_eq!(
            e("GPGGA,120000,9000.0001,N,11623.8500,E,1,08,0.9,10.0,M,0.0,M,,"),
            inv("latitude", "beyond ±90° latitude or ±180° longitude")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,18100.0000,E,1,08,0.9,10.0,M,0.0,M,,"),
            inv("longitude", "beyond ±90° latitude or ±180° longitude")
        );
        let syntax = "not degrees and minutes (ddmm.mmmm / dddmm.mmmm)";
        for lat in [
            "395.5220",
            "39-5.0000",
            "3954.",
            "39545.220",
            "3954.5e20",
            "+954.5220",
            "3954.12345678901",
        ] {
            assert_eq!(
                e(&format!(
                    "GPGGA,120000,{lat},N,11623.8500,E,1,08,0.9,10.0,M,0.0,M,,"
                )),
                inv("latitude", syntax),
                "{lat}"
            );
        }
        assert_eq!(
            e("GPGGA,120000,3954.5220,X,11623.8500,E,1,08,0.9,10.0,M,0.0,M,,"),
            inv("N/S indicator", "not N or S")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11623.8500,N,1,08,0.9,10.0,M,0.0,M,,"),
            inv("E/W indicator", "not E or W")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,,11623.8500,E,1,08,0.9,10.0,M,0.0,M,,"),
            miss("N/S indicator")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,,,1,08,0.9,10.0,M,0.0,M,,"),
            miss("longitude")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11623.8500,E,9,08,0.9,10.0,M,0.0,M,,"),
            inv("quality indicator", "out of range")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11623.8500,E,,08,0.9,10.0,M,0.0,M,,"),
            miss("quality indicator")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11623.8500,E,1,08,inf,10.0,M,0.0,M,,"),
            inv("HDOP", "not a decimal number")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11623.8500,E,1,08,0.9,NaN,M,0.0,M,,"),
            inv("altitude", "not a decimal number")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11623.8500,E,1,08,0.9,1e3,M,0.0,M,,"),
            inv("altitude", "not a decimal number")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11623.8500,E,1,08,0.9,10.0,F,0.0,M,,"),
            inv("altitude units", "not M (metres)")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11623.8500,E,1,08,0.9,10.0,,0.0,M,,"),
            miss("altitude units")
        );
        assert_eq!(
            e("GPGGA,240000,3954.5220,N,11623.8500,E,1,08,0.9,10.0,M,0.0,M,,"),
            inv("UTC time", "not hhmmss[.s] with hh ≤ 23, mm ≤ 59, ss ≤ 60")
        );
        assert_eq!(
            e("GPGGA,12000,3954.5220,N,11623.8500,E,1,08,0.9,10.0,M,0.0,M,,"),
            inv("UTC time", "not hhmmss[.s] with hh ≤ 23, mm ≤ 59, ss ≤ 60")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11623.8500,E,1,08,0.9,10.0,M"),
            miss("geoid separation")
        );
        assert_eq!(
            e("GPGGA,120000,3954.5220,N,11623.8500,E,1,08,0.9,10.0,M,0.0,M,,,,"),
            GnssError::TooManyFields {
                sentence: addr("GPGGA"),
                count: 16,
                max: 14
            }
        );
        assert_eq!(e("GPGGA"), miss("UTC time"));
    }

    #[test]
    fn rmc_fields() {
        let r = match p("GNRMC,235959.50,A,3954.5220,N,11623.8500,E,10.0,271.5,311224,5.5,W,D,S")
            .unwrap()
        {
            Sentence::Rmc(r) => r,
            o => panic!("{o:?}"),
        };
        assert_eq!(r.status, RmcStatus::Valid);
        // 10 kn = 18 520 m / 3600 s = 5.1444... m/s
        assert!(close(r.speed_mps.unwrap(), 18_520.0 / 3600.0));
        assert_eq!(r.course_deg, Some(271.5));
        assert_eq!(r.date, Date::new(2024, 12, 31));
        assert_eq!(r.magnetic_variation_deg, Some(-5.5));
        assert_eq!(r.mode, Some(ModeIndicator::Differential));
        assert_eq!(r.navigational_status, Some(NavigationalStatus::Safe));
        // NMEA 2.x: no mode; 1999 and 2079 at the two ends of the 2-digit year.
        let r = match p("GPRMC,000000,V,,,,,,,010199,,").unwrap() {
            Sentence::Rmc(r) => r,
            o => panic!("{o:?}"),
        };
        assert_eq!(r.status, RmcStatus::Warning);
        assert_eq!(r.date, Date::new(1999, 1, 1));
        assert_eq!(r.position, None);
        assert_eq!(r.mode, None);
        let r = match p("GBRMC,000000,V,,,,,,,311279,,,N,V").unwrap() {
            Sentence::Rmc(r) => r,
            o => panic!("{o:?}"),
        };
        assert_eq!(r.date, Date::new(2079, 12, 31));
        assert_eq!(r.mode, Some(ModeIndicator::NotValid));
        assert_eq!(r.navigational_status, Some(NavigationalStatus::NotValid));

        let inv = |field, reason| {
            Err(GnssError::InvalidField {
                sentence: addr("GNRMC"),
                field,
                reason,
            })
        };
        assert_eq!(
            p("GNRMC,120000,X,,,,,,,311224,,"),
            inv("status", "not one of the allowed letters")
        );
        assert_eq!(
            p("GNRMC,120000,A,,,,,,,310224,,"),
            inv("date", "not a calendar date ddmmyy")
        );
        assert_eq!(
            p("GNRMC,120000,A,,,,,,,3112245,,"),
            inv("date", "not a calendar date ddmmyy")
        );
        assert_eq!(
            p("GNRMC,120000,A,,,,,-1.0,,311224,,"),
            inv("speed over ground", "out of range")
        );
        assert_eq!(
            p("GNRMC,120000,A,,,,,,360.5,311224,,"),
            inv("course over ground", "out of range")
        );
        assert_eq!(
            p("GNRMC,120000,A,,,,,,,311224,,,Q"),
            inv("mode indicator", "not one of the allowed letters")
        );
        assert_eq!(
            p("GNRMC,120000,A,,,,,,,311224,,,AA"),
            inv("mode indicator", "not one of the allowed letters")
        );
        assert_eq!(
            p("GNRMC,120000,A,,,,,,,311224,3.0,"),
            Err(GnssError::MissingField {
                sentence: addr("GNRMC"),
                field: "magnetic variation E/W"
            })
        );
        assert_eq!(
            p("GNRMC,120000,,,,,,,,311224,,"),
            Err(GnssError::MissingField {
                sentence: addr("GNRMC"),
                field: "status"
            })
        );
        assert_eq!(
            p("GNRMC,120000,A,,,,,,,311224"),
            Err(GnssError::MissingField {
                sentence: addr("GNRMC"),
                field: "magnetic variation"
            })
        );
    }

    #[test]
    fn gsa_with_and_without_system_id() {
        let g = |body| match p(body).unwrap() {
            Sentence::Gsa(g) => g,
            o => panic!("{o:?}"),
        };
        let a = g("GNGSA,A,3,05,13,15,18,20,24,29,,,,,,1.2,0.7,1.0,1");
        assert_eq!(a.prns(), &[5, 13, 15, 18, 20, 24, 29]);
        assert_eq!(a.system, Some(Constellation::Gps));
        assert_eq!(a.constellation(), Some(Constellation::Gps));
        assert_eq!(a.mode, FixMode::ThreeDimensional);
        assert_eq!(a.selection, SelectionMode::Automatic);
        assert_eq!((a.pdop, a.hdop, a.vdop), (Some(1.2), Some(0.7), Some(1.0)));
        let b = g("GNGSA,A,3,01,03,06,08,09,13,16,19,22,,,,1.2,0.7,1.0,4");
        assert_eq!(b.prns().len(), 9);
        assert_eq!(b.constellation(), Some(Constellation::BeiDou));
        assert_eq!(
            g("GNGSA,A,3,193,,,,,,,,,,,,1.2,0.7,1.0,5").system,
            Some(Constellation::Qzss)
        );
        assert_eq!(
            g("GNGSA,A,3,02,,,,,,,,,,,,1.2,0.7,1.0,6").system,
            Some(Constellation::NavIc)
        );
        // NMEA 4.10 and older: no system ID; the talker decides.
        let c = g("BDGSA,M,2,,,,,,214,,,217,,,,3.6,2.1,2.2");
        assert_eq!(c.prns(), &[214, 217]);
        assert_eq!(c.system, None);
        assert_eq!(c.constellation(), Some(Constellation::BeiDou));
        assert_eq!(c.selection, SelectionMode::Manual);
        assert_eq!(c.mode, FixMode::TwoDimensional);
        assert_eq!(
            g("GNGSA,A,3,01,,,,,,,,,,,,1.2,0.7,1.0").constellation(),
            None
        );
        let d = g("GPGSA,A,1,,,,,,,,,,,,,,,,");
        assert_eq!((d.mode, d.prns().len(), d.pdop), (FixMode::NoFix, 0, None));

        let inv = |field, reason| {
            Err(GnssError::InvalidField {
                sentence: addr("GNGSA"),
                field,
                reason,
            })
        };
        assert_eq!(
            p("GNGSA,A,3,01,,,,,,,,,,,,1.2,0.7,1.0,7"),
            inv("GNSS system ID", "not a GNSS system ID 1..=6")
        );
        assert_eq!(
            p("GNGSA,A,3,01,,,,,,,,,,,,1.2,0.7,1.0,0"),
            inv("GNSS system ID", "not a GNSS system ID 1..=6")
        );
        assert_eq!(
            p("GNGSA,A,4,01,,,,,,,,,,,,1.2,0.7,1.0,1"),
            inv("fix mode", "not one of the allowed letters")
        );
        assert_eq!(
            p("GNGSA,A,3,01,,,,,1000,,,,,,,1.2,0.7,1.0,1"),
            inv("satellite ID 6", "not an unsigned integer")
        );
        assert_eq!(
            p("GNGSA,A,3,00,,,,,,,,,,,,1.2,0.7,1.0,1"),
            inv("satellite ID 1", "satellite ID 0")
        );
        assert_eq!(
            p("GNGSA,A,3,01,,,,,,,,,,,,1.2,0.7"),
            Err(GnssError::MissingField {
                sentence: addr("GNGSA"),
                field: "VDOP"
            })
        );
        // 24 satellite fields (a receiver that ignores the 12-field limit).
        assert_eq!(
            p(&format!("GNGSA,A,3{},1.2,0.7,1.0", ",01".repeat(24))),
            Err(GnssError::TooManyFields {
                sentence: addr("GNGSA"),
                count: 29,
                max: 18
            })
        );
    }

    #[test]
    fn gsv_groups() {
        let g = |body| match p(body).unwrap() {
            Sentence::Gsv(g) => g,
            o => panic!("{o:?}"),
        };
        let a = g("GPGSV,3,1,10,05,45,123,42,13,60,045,44,15,30,300,38,18,10,200,");
        assert_eq!(a.talker.constellation(), Some(Constellation::Gps));
        assert_eq!(
            (a.total_messages, a.message_number, a.satellites_in_view),
            (3, 1, 10)
        );
        assert_eq!(a.satellites().len(), 4);
        assert_eq!(
            a.satellites()[3],
            SatelliteInView {
                prn: 18,
                elevation_deg: Some(10),
                azimuth_deg: Some(200),
                snr_dbhz: None
            }
        );
        assert_eq!(a.signal_id, None);
        let b = g("GBGSV,3,3,12,27,05,020,,30,,,,,,,,,,,,1");
        assert_eq!(b.talker, Talker::Gb);
        assert_eq!(b.talker.constellation(), Some(Constellation::BeiDou));
        assert_eq!(b.satellites().len(), 2);
        assert_eq!(b.satellites()[1].elevation_deg, None);
        assert_eq!(b.signal_id, Some(1));
        let c = g("BDGSV,1,1,02,01,-5,123,30,02,90,000,00,B");
        assert_eq!(c.talker.constellation(), Some(Constellation::BeiDou));
        assert_eq!(c.satellites()[0].elevation_deg, Some(-5));
        assert_eq!(c.signal_id, Some(11));
        let d = g("GLGSV,1,1,00");
        assert_eq!((d.satellites_in_view, d.satellites().len()), (0, 0));
        let e = g("GQGSV,1,1,01,193,40,083,46,1");
        assert_eq!(e.talker.constellation(), Some(Constellation::Qzss));
        let f = g("GIGSV,1,1,01,02,40,083,46");
        assert_eq!(f.talker.constellation(), Some(Constellation::NavIc));
        assert_eq!(g("GNGSV,1,1,01,02,40,083,46").talker.constellation(), None);

        let inv = |field, reason| {
            Err(GnssError::InvalidField {
                sentence: addr("GPGSV"),
                field,
                reason,
            })
        };
        let blocks = "satellite blocks need 4 fields (ID, elevation, azimuth, SNR)";
        assert_eq!(
            p("GLGSV,3,3,09,88,07,028").map(|_| ()),
            Err(GnssError::InvalidField {
                sentence: addr("GLGSV"),
                field: "satellite ID",
                reason: blocks,
            })
        );
        assert_eq!(
            p("GPGSV,2,3,09"),
            inv("message number", "not 1..=number of messages")
        );
        assert_eq!(p("GPGSV,0,0,09"), inv("number of messages", "not 1..=9"));
        assert_eq!(
            p("GPGSV,1,1,09,05,91,123,42"),
            inv("elevation", "out of range")
        );
        assert_eq!(
            p("GPGSV,1,1,09,05,45.5,123,42"),
            inv("elevation", "not whole degrees")
        );
        assert_eq!(
            p("GPGSV,1,1,09,05,45,360,42"),
            inv("azimuth", "out of range")
        );
        assert_eq!(p("GPGSV,1,1,09,05,45,123,100"), inv("SNR", "out of range"));
        assert_eq!(
            p("GPGSV,1,1,09,05,45,123,42,G"),
            inv("signal ID", "not a hex digit")
        );
        assert_eq!(
            p("GPGSV,1,1,09,,45,123,42"),
            Err(GnssError::MissingField {
                sentence: addr("GPGSV"),
                field: "satellite ID"
            })
        );
        assert_eq!(
            p(&format!("GPGSV,1,1,09{}", ",05,45,123,42".repeat(5))),
            Err(GnssError::TooManyFields {
                sentence: addr("GPGSV"),
                count: 23,
                max: 20
            })
        );
        assert_eq!(
            p("GPGSV,1,1"),
            Err(GnssError::MissingField {
                sentence: addr("GPGSV"),
                field: "satellites in view"
            })
        );
    }

    fn feed(t: &mut FixTracker, body: &str) {
        t.feed_line(s(body).as_bytes(), Instant::now()).unwrap();
    }

    fn utc_ms(ms: u64) -> Option<SystemTime> {
        Some(UNIX_EPOCH + Duration::from_millis(ms))
    }

    /// 2024-12-31T00:00:00Z: 20 088 days since 1970-01-01.
    const DEC31_MS: u64 = 20_088 * 86_400_000;

    #[test]
    fn tracker_midnight_with_gga_before_rmc() {
        let mut t = FixTracker::new();
        feed(
            &mut t,
            "GNGGA,235959.80,3954.5220,N,11623.8500,E,1,16,0.7,44.5,M,-8.0,M,,",
        );
        // No date yet: no UTC, but the fix is valid.
        assert_eq!(t.state().utc, None);
        assert!(t.state().valid);
        feed(
            &mut t,
            "GNRMC,235959.80,A,3954.5220,N,11623.8500,E,0.0,,311224,,,A,V",
        );
        assert_eq!(t.state().utc, utc_ms(DEC31_MS + 86_399_800));
        // The next epoch's GGA crosses midnight before its RMC brings the new date.
        feed(
            &mut t,
            "GNGGA,000000.00,3954.5220,N,11623.8500,E,1,16,0.7,44.5,M,-8.0,M,,",
        );
        assert_eq!(t.state().utc, utc_ms(DEC31_MS + 86_400_000));
        feed(
            &mut t,
            "GNRMC,000000.00,A,3954.5220,N,11623.8500,E,0.0,,010125,,,A,V",
        );
        assert_eq!(t.state().utc, utc_ms(DEC31_MS + 86_400_000));
        feed(
            &mut t,
            "GNGGA,000000.20,3954.5220,N,11623.8500,E,1,16,0.7,44.5,M,-8.0,M,,",
        );
        assert_eq!(t.state().utc, utc_ms(DEC31_MS + 86_400_200));
        // A late GGA from before midnight after the new date: a day back, not forward.
        feed(
            &mut t,
            "GNGGA,235959.90,3954.5220,N,11623.8500,E,1,16,0.7,44.5,M,-8.0,M,,",
        );
        assert_eq!(t.state().utc, utc_ms(DEC31_MS + 86_399_900));
    }

    #[test]
    fn tracker_leap_second() {
        let mut t = FixTracker::new();
        feed(
            &mut t,
            "GPRMC,235960.00,A,3954.5220,N,11623.8500,E,0.0,,311216,,,A",
        );
        // 2017-01-01T00:00:00Z = 1 483 228 800 s, as POSIX time has it.
        assert_eq!(t.state().utc, utc_ms(1_483_228_800_000));
    }

    #[test]
    fn tracker_validity_follows_latest_epoch() {
        let mut t = FixTracker::new();
        feed(
            &mut t,
            "GPGGA,120000,3954.5220,N,11623.8500,E,1,08,0.9,44.5,M,-8.0,M,,",
        );
        let st = t.state();
        assert!(st.valid);
        assert_eq!(st.fix_quality, Some(FixQuality::Autonomous));
        assert_eq!(st.position.unwrap().altitude_hae_m, Some(36.5));
        // Next epoch: RMC says V; the previous GGA does not make it valid.
        feed(&mut t, "GPRMC,120001,V,,,,,,,311224,,,N");
        assert!(!t.state().valid);
        // Position kept, marked invalid.
        assert!(t.state().position.is_some());
        // RMC A alone is enough.
        feed(
            &mut t,
            "GPRMC,120002,A,3954.5220,N,11623.8500,E,0.0,,311224,,,A",
        );
        assert!(t.state().valid);
        // RMC keeps GGA's altitude.
        assert_eq!(t.state().position.unwrap().altitude_msl_m, Some(44.5));
        // GGA quality 0 in the same epoch as a valid RMC: still valid (either is enough).
        feed(&mut t, "GPGGA,120002,,,,,0,00,,,,,,,");
        assert!(t.state().valid);
        feed(&mut t, "GPGGA,120003,,,,,0,00,,,,,,,");
        assert!(!t.state().valid);
        assert_eq!(t.state().stats.accepted, 5);
    }

    #[test]
    fn tracker_satellites_per_constellation() {
        let mut t = FixTracker::new();
        feed(
            &mut t,
            "GNGGA,120000,3954.5220,N,11623.8500,E,1,16,0.7,44.5,M,-8.0,M,,",
        );
        feed(&mut t, "GNGSA,A,3,05,13,15,18,20,24,29,,,,,,1.2,0.7,1.0,1");
        feed(
            &mut t,
            "GNGSA,A,3,01,03,06,08,09,13,16,19,22,,,,1.2,0.7,1.0,4",
        );
        // More than 12 BeiDou satellites: a second GSA with the same system ID adds to it,
        // and a repeated ID counts once.
        feed(&mut t, "GNGSA,A,3,09,24,25,,,,,,,,,,1.2,0.7,1.0,4");
        feed(
            &mut t,
            "GPGSV,2,1,08,05,45,123,42,13,60,045,44,15,30,300,38,18,10,200,31,1",
        );
        feed(
            &mut t,
            "GPGSV,2,2,08,20,20,100,30,24,35,010,41,29,70,250,45,31,05,330,,1",
        );
        feed(
            &mut t,
            "GPGSV,1,1,03,05,45,123,40,13,60,045,41,15,30,300,35,6",
        );
        feed(
            &mut t,
            "BDGSV,3,1,12,01,45,123,42,03,60,045,44,06,30,300,38,08,10,200,31",
        );
        let st = t.state();
        assert_eq!(st.satellites_in_use, Some(16));
        assert_eq!(st.used.get(Constellation::Gps), 7);
        assert_eq!(st.used.get(Constellation::BeiDou), 11);
        assert_eq!(st.in_view.get(Constellation::Gps), 8);
        assert_eq!(st.in_view.get(Constellation::BeiDou), 12);
        assert_eq!(st.fix_mode, Some(FixMode::ThreeDimensional));
        assert_eq!((st.pdop, st.vdop), (Some(1.2), Some(1.0)));
        // Next epoch: only GPS reported; BeiDou drops out.
        feed(
            &mut t,
            "GNGGA,120001,3954.5220,N,11623.8500,E,1,07,0.9,44.5,M,-8.0,M,,",
        );
        feed(&mut t, "GNGSA,A,3,05,13,15,18,20,24,29,,,,,,1.4,0.9,1.1,1");
        feed(&mut t, "GPGSV,1,1,01,05,45,123,42");
        let st = t.state();
        assert_eq!(st.used.get(Constellation::BeiDou), 0);
        assert_eq!(st.used.get(Constellation::Gps), 7);
        assert_eq!(st.in_view.get(Constellation::Gps), 1);
        assert_eq!(st.in_view.get(Constellation::BeiDou), 0);
        // Without time (no fix), a GSV group starting again starts a new count.
        let mut t = FixTracker::new();
        feed(&mut t, "GBGSV,1,1,05,01,45,123,");
        feed(&mut t, "GPGSV,1,1,03,05,45,123,");
        assert_eq!(t.state().in_view.get(Constellation::BeiDou), 5);
        feed(&mut t, "GBGSV,1,1,04,01,45,123,");
        assert_eq!(t.state().in_view.get(Constellation::BeiDou), 4);
        assert_eq!(t.state().in_view.get(Constellation::Gps), 0);
    }

    #[test]
    fn tracker_counts_rejections() {
        let mut t = FixTracker::new();
        let now = Instant::now();
        assert!(t.feed_line(b"$GPGGA,1*00", now).is_err());
        assert!(t.feed_line(b"garbage", now).is_err());
        assert!(t.feed_line(s("GNVTG,,,,,,,,,N").as_bytes(), now).is_ok());
        let st = t.state().stats;
        assert_eq!(st.rejected.get(RejectReason::Checksum), 1);
        assert_eq!(st.rejected.get(RejectReason::Framing), 1);
        assert_eq!((st.accepted, st.ignored), (0, 1));
    }

    #[tokio::test]
    async fn reader_over_bytes() {
        let mut data = Vec::new();
        data.extend_from_slice(
            s("GNRMC,120000.00,A,3954.5220,N,11623.8500,E,0.0,,311224,,,A").as_bytes(),
        );
        data.extend_from_slice(b"\r\n");
        data.extend_from_slice(b"\xff\xfe garbage\n");
        data.extend_from_slice(&[b'A'; 300]);
        data.extend_from_slice(b"\n");
        data.extend_from_slice(
            s("GNGGA,120000.00,3954.5220,N,11623.8500,E,1,16,0.7,44.5,M,-8.0,M,,").as_bytes(),
        );
        let mut r = NmeaReader::new(&data[..]);
        let mut results = Vec::new();
        while let Some(x) = r.next_sentence().await {
            results.push(x.map(|_| ()).map_err(|e| e.reason()));
        }
        assert_eq!(
            results,
            vec![
                Ok(()),
                Err(RejectReason::NotAscii),
                Err(RejectReason::TooLong),
                Ok(())
            ]
        );
        let st = r.state();
        assert!(st.valid);
        assert_eq!(st.stats.accepted, 2);
        assert_eq!(st.stats.rejected.total(), 2);
        assert_eq!(st.utc, utc_ms(DEC31_MS + 12 * 3_600_000));
    }

    #[tokio::test]
    async fn open_serial_reports_missing_device() {
        let e = match NmeaReader::open_serial("/nonexistent/ttyUSB9") {
            Err(e) => e,
            Ok(_) => panic!("opened a missing device"),
        };
        assert!(matches!(
            e,
            GnssError::Io {
                kind: std::io::ErrorKind::NotFound,
                ..
            }
        ));
    }

    /// A GGA written from a position, as a receiver would (4 and 5 decimals of minutes).
    fn gga_for(lat: f64, lon: f64, ms: u64) -> String {
        let dm = |v: f64, deg_w: usize| {
            let a = v.abs();
            let mut d = a.trunc();
            let mut m = ((a - d) * 60.0 * 100_000.0).round() / 100_000.0;
            if m >= 60.0 {
                d += 1.0;
                m = 0.0;
            }
            format!("{:0dw$}{:08.5}", d as u32, m, dw = deg_w)
        };
        let t = ms / 1000;
        s(&format!(
            "GNGGA,{:02}{:02}{:02}.{:03},{},{},{},{},1,12,0.8,50.0,M,-8.0,M,,",
            t / 3600,
            t / 60 % 60,
            t % 60,
            ms % 1000,
            dm(lat, 2),
            if lat < 0.0 { "S" } else { "N" },
            dm(lon, 3),
            if lon < 0.0 { "W" } else { "E" },
        ))
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse(&data);
            let mut t = FixTracker::new();
            let _ = t.feed_line(&data, Instant::now());
            let _ = t.state();
        }

        /// Printable text with a correct checksum gets past the checksum, into the field
        /// parsers.
        #[test]
        fn checksummed_garbage_never_panics(
            talker in prop::sample::select(vec!["GP", "GL", "GA", "BD", "GB", "GN", "GQ", "GI"]),
            kind in prop::sample::select(vec!["GGA", "RMC", "GSA", "GSV", "VTG"]),
            fields in proptest::collection::vec("[0-9A-Z.\\-]{0,12}", 0..26),
        ) {
            let line = s(&format!("{talker}{kind},{}", fields.join(",")));
            let mut t = FixTracker::new();
            let _ = t.feed_line(line.as_bytes(), Instant::now());
            let _ = t.state();
        }

        #[test]
        fn gga_position_round_trip(
            lat in -90.0f64..=90.0,
            lon in -180.0f64..=180.0,
            ms in 0u64..86_400_000,
        ) {
            let line = gga_for(lat, lon, ms);
            let g = match parse(line.as_bytes()) {
                Ok(Sentence::Gga(g)) => g,
                other => return Err(TestCaseError::fail(format!("{line}: {other:?}"))),
            };
            let ll = g.position.unwrap();
            // 5 decimals of a minute: within 0.5e-5 / 60 degrees, plus float noise.
            prop_assert!((ll.latitude_deg - lat).abs() < 1e-7, "{} {}", line, lat);
            prop_assert!((ll.longitude_deg - lon).abs() < 1e-7, "{} {}", line, lon);
            prop_assert_eq!(g.time, Some(Duration::from_millis(ms)));
        }
    }
}
