//! The service's configuration: a TOML file written by the traffic authority, read strictly
//! (`deny_unknown_fields` everywhere) and checked as a whole before anything starts.
//!
//! Reading happens in two steps. serde turns the text into the `*Section` structs below,
//! which mirror the file; toml reports syntax and type errors with their line. [`check`]
//! then turns the sections into a [`ServiceConfig`] of model types, collecting every
//! semantic error (each naming its field and line) instead of stopping at the first.
//! `rsu check-config FILE` prints exactly these errors and warnings.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rsu_codecs::j2735::MapData;
use rsu_hw::channels::{ChannelAccess, ChannelConfig, ChannelPlan, Region, Technology};
use rsu_hw::{DataRate, MacAddr, Psid};
use serde::Deserialize;
use toml::Spanned;

use crate::controller::SignalSource;
use crate::controller::sim::{SimConfig, SimulatedController};
use crate::controller::tscbm::{Profile, StatusBitOrder};
use crate::intersection::{
    Connection, GeoPoint, Geometry, GreenKind, Intersection, Lane, LaneDirection, LaneKind,
    Maneuver, SignalGroup,
};
use crate::telemetry::logging::LogFormat;

mod etsi;
mod forwarding;
mod sources;

pub use etsi::{EtsiConfig, EtsiSection, GnTransport};
pub use forwarding::{
    ForwardSection, IMMEDIATE_FORWARD_PORT, ImmediateForwardConfig, ImmediateForwardSection,
    ReceiveConfig, ReceiveSection, SignPolicy, StoreAndRepeatConfig, StoreAndRepeatSection,
    TmcMessage, TmcMessageSection,
};
pub use sources::AllowedSources;

/// The default UDP port of the controller's TSCBM broadcast (V2X Hub's `Local_UDP_Port`).
pub const TSCBM_PORT: u16 = 6053;

// ---------------------------------------------------------------------------------------
// The file, as serde reads it.
// ---------------------------------------------------------------------------------------

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub rsu: RsuSection,
    #[serde(default)]
    pub position: Option<PositionSection>,
    pub radio: RadioSection,
    #[serde(default)]
    pub security: SecuritySection,
    #[serde(default)]
    pub messages: MessagesSection,
    #[serde(default)]
    pub metrics: Option<MetricsSection>,
    #[serde(default)]
    pub log: LogSection,
    #[serde(default, rename = "intersection")]
    pub intersections: Vec<IntersectionSection>,
    /// PSIDs the traffic management centre may have the RSU send.
    #[serde(default, rename = "tmc_message")]
    pub tmc_messages: Vec<TmcMessageSection>,
    #[serde(default)]
    pub immediate_forward: Option<ImmediateForwardSection>,
    #[serde(default)]
    pub store_and_repeat: Option<StoreAndRepeatSection>,
    /// Received-message forwarding rules.
    #[serde(default, rename = "forward")]
    pub forward: Vec<ForwardSection>,
    /// Received-message verification.
    #[serde(default)]
    pub receive: ReceiveSection,
    /// The EU region's GeoNetworking settings.
    #[serde(default)]
    pub etsi: Option<Spanned<EtsiSection>>,
}

/// `[rsu]`: who this RSU is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RsuSection {
    /// A name for logs and metrics.
    pub name: Spanned<String>,
    /// The radio's region (`us` or `eu`): its channel plan, and what it broadcasts unless
    /// `regions` says otherwise.
    pub region: Spanned<String>,
    /// The message standards broadcast at once, each as its own stream on the radio
    /// (default: `[region]`); for example `["us", "eu"]`.
    #[serde(default)]
    pub regions: Option<Spanned<Vec<Spanned<String>>>>,
    /// Where state that outlives a restart is kept (MAP revisions).
    #[serde(default)]
    pub state_dir: Option<PathBuf>,
}

/// `[position]`: where the RSU is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionSection {
    /// `static`, `gpsd` or `nmea`.
    pub source: Spanned<String>,
    pub latitude: Option<Spanned<f64>>,
    pub longitude: Option<Spanned<f64>>,
    pub elevation_m: Option<Spanned<f64>>,
    /// gpsd's address, `host:port` (default 127.0.0.1:2947).
    pub gpsd: Option<Spanned<String>>,
    /// An NMEA serial device or file.
    pub nmea_device: Option<Spanned<String>>,
}

/// `[radio]`: the radio backend and channel.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadioSection {
    /// `loopback`, `udp` or `raw`.
    pub backend: Spanned<String>,
    /// The network interface (raw backend).
    pub interface: Option<Spanned<String>>,
    /// `dsrc` (802.11p) or `c-v2x` (LTE-V2X PC5).
    #[serde(default)]
    pub technology: Option<Spanned<String>>,
    /// The channel SPaT and MAP go out on.
    pub channel: Spanned<u8>,
    /// Data rate in Mb/s (default 6).
    pub rate_mbps: Option<Spanned<f64>>,
    /// Transmit power in dBm (default 20).
    pub power_dbm: Option<Spanned<i8>>,
    /// 802.11 user priority 0..=7 (default 5).
    pub user_priority: Option<Spanned<u8>>,
    /// The RSU's MAC address (default 02:00:00:52:53:55).
    pub mac: Option<Spanned<String>>,
    /// The channels a message file's `SCH1`..`SCH6` name (default: the plan's channels other
    /// than the control channel, in frequency order).
    pub service_channels: Option<Spanned<Vec<u8>>>,
}

/// `[security]`: 1609.2 signing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySection {
    /// Sign SPaT and MAP (default true).
    #[serde(default = "yes")]
    pub signing: bool,
    /// The RSU's certificate (COER, `.oer`).
    pub certificate: Option<Spanned<PathBuf>>,
    /// Its private key (PKCS#8 PEM, not readable by every user).
    pub key: Option<Spanned<PathBuf>>,
    /// A directory of trusted certificates (`.oer`): the RSU certificate must chain to them,
    /// and received messages are verified against them.
    pub trust_store: Option<Spanned<PathBuf>>,
    /// How often the full certificate goes with an SPDU instead of its digest, in ms.
    pub certificate_interval_ms: Option<Spanned<u64>>,
}

fn yes() -> bool {
    true
}

impl Default for SecuritySection {
    fn default() -> Self {
        SecuritySection {
            signing: true,
            certificate: None,
            key: None,
            trust_store: None,
            certificate_interval_ms: None,
        }
    }
}

/// `[messages]`: PSIDs and intervals.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessagesSection {
    /// SPaT PSID, p-encoded (default `0x8002`).
    pub spat_psid: Option<Spanned<String>>,
    /// MAP PSID, p-encoded: `0x8002` or `0xE0000017` (default `0xE0000017`).
    pub map_psid: Option<Spanned<String>>,
    /// SPaT interval in ms (default 100).
    pub spat_interval_ms: Option<Spanned<u64>>,
    /// MAP interval in ms (default 1000).
    pub map_interval_ms: Option<Spanned<u64>>,
}

/// `[metrics]`: the Prometheus endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSection {
    /// `address:port` to serve GET /metrics on.
    pub listen: Spanned<String>,
}

/// `[log]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    /// `text` (default) or `json`.
    #[serde(default)]
    pub format: LogFormat,
    /// A tracing filter (`info`, `rsu=debug`); `RUST_LOG` overrides it.
    pub level: Option<String>,
}

/// `[[intersection]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntersectionSection {
    pub id: Spanned<u32>,
    pub region: Option<Spanned<u32>>,
    pub name: Spanned<String>,
    /// A MapData file (JER, UPER binary or hex, with or without the MessageFrame) instead
    /// of `[intersection.geometry]`.
    pub map_file: Option<Spanned<PathBuf>>,
    /// How long the controller may be silent before SPaT stops, in ms (default 300).
    pub watchdog_ms: Option<Spanned<u64>>,
    /// `stop` (default) or `mark-invalid`.
    pub on_silence: Option<Spanned<String>>,
    /// The TSCBM input (`[intersection.tscbm]`), or …
    pub tscbm: Option<Spanned<TscbmSection>>,
    /// … the fixed-time simulator (`[intersection.simulated]`).
    pub simulated: Option<Spanned<SimConfig>>,
    #[serde(default, rename = "signal_group")]
    pub signal_groups: Vec<SignalGroupSection>,
    pub geometry: Option<GeometrySection>,
    /// The regions (`rsu.regions`) this intersection is broadcast in (default: all).
    pub broadcast_regions: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `[intersection.tscbm]`: the controller's broadcast over UDP.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TscbmSection {
    /// `address:port` to listen on (default 0.0.0.0:6053).
    pub listen: Option<Spanned<String>>,
    /// Accept packets only from these addresses (default: any).
    #[serde(default)]
    pub allowed_sources: Vec<Spanned<String>>,
    /// The byte layout.
    #[serde(default)]
    pub profile: Profile,
    /// The IntersectionStatus bit order.
    #[serde(default)]
    pub status_bit_order: StatusBitOrder,
}

/// `[[intersection.signal_group]]`: exactly one of phase, overlap, pedestrian.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalGroupSection {
    pub id: Spanned<u32>,
    pub phase: Option<Spanned<u32>>,
    pub overlap: Option<Spanned<u32>>,
    pub pedestrian: Option<Spanned<u32>>,
    /// `protected` (default) or `permissive`.
    pub green: Option<Spanned<String>>,
    pub name: Option<String>,
}

/// `[intersection.geometry]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeometrySection {
    pub reference: Spanned<PointSection>,
    pub lane_width_cm: Spanned<u32>,
    pub speed_limit_kmh: Option<Spanned<u32>>,
    #[serde(default, rename = "lane")]
    pub lanes: Vec<LaneSection>,
}

/// A WGS-84 point in degrees and metres.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointSection {
    pub latitude: f64,
    pub longitude: f64,
    pub elevation_m: Option<f64>,
}

/// `[[intersection.geometry.lane]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaneSection {
    pub id: Spanned<u32>,
    pub name: Option<String>,
    /// `ingress`, `egress` or `both`.
    pub direction: Spanned<String>,
    /// `vehicle` (default), `crosswalk`, `bike` or `sidewalk`.
    pub kind: Option<Spanned<String>>,
    pub approach: Option<Spanned<u32>>,
    /// `straight`, `left`, `right`, `u-turn`.
    #[serde(default)]
    pub maneuvers: Vec<Spanned<String>>,
    /// Node offsets `[east_cm, north_cm]` from the reference point.
    pub nodes: Spanned<Vec<[i64; 2]>>,
    #[serde(default)]
    pub connections: Vec<Spanned<ConnectionSection>>,
}

/// One entry of a lane's `connections`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionSection {
    pub to_lane: u32,
    pub maneuver: String,
    pub signal_group: Option<u32>,
    pub connection_id: Option<u32>,
}

// ---------------------------------------------------------------------------------------
// The checked configuration.
// ---------------------------------------------------------------------------------------

/// Everything the service needs, checked.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub name: String,
    /// The radio's region (channel plan).
    pub region: Region,
    /// The regions broadcast, in order: one output each.
    pub regions: Vec<Region>,
    /// The EU region's settings (defaults when `[etsi]` is absent).
    pub etsi: EtsiConfig,
    pub state_dir: Option<PathBuf>,
    pub position: PositionConfig,
    pub radio: RadioConfig,
    pub security: SecurityConfig,
    pub messages: MessagesConfig,
    pub metrics_listen: Option<SocketAddr>,
    pub log_format: LogFormat,
    pub log_level: String,
    pub intersections: Vec<IntersectionConfig>,
    /// Received messages are verified against this trust store (with or without signing).
    pub verify_trust_store: Option<PathBuf>,
    /// PSIDs registered for Immediate Forward and Store-and-Repeat.
    pub tmc_messages: Vec<TmcMessage>,
    pub immediate_forward: Option<ImmediateForwardConfig>,
    pub store_and_repeat: Option<StoreAndRepeatConfig>,
    /// Received-message forwarding rules.
    pub forward: Vec<crate::forward::rules::Rule>,
    /// How received messages are verified.
    pub receive: ReceiveConfig,
}

/// Where the RSU's position comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum PositionConfig {
    /// Not configured.
    None,
    /// A surveyed position.
    Static {
        latitude: f64,
        longitude: f64,
        elevation_m: Option<f64>,
    },
    /// gpsd at this address.
    Gpsd(String),
    /// An NMEA device.
    Nmea(PathBuf),
}

/// The radio backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RadioBackend {
    /// The in-process loopback medium (demo, tests).
    Loopback,
    /// Ethernet frames over UDP multicast on lo (two processes on one machine).
    Udp,
    /// An AF_PACKET raw socket on this interface (a real radio's network device).
    Raw(String),
}

/// The radio and how SPaT and MAP are sent on it.
#[derive(Debug, Clone)]
pub struct RadioConfig {
    pub backend: RadioBackend,
    pub channels: ChannelConfig,
    pub channel: u8,
    pub rate: DataRate,
    pub power_dbm: i8,
    pub user_priority: u8,
    pub mac: MacAddr,
    /// What `SCH1`..`SCHn` of a message file name.
    pub service_channels: Vec<u8>,
}

/// 1609.2 signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityConfig {
    /// Messages go out unsigned (the bare MessageFrame in WSMP).
    Off,
    /// Signed with this certificate and key.
    Sign {
        certificate: PathBuf,
        key: PathBuf,
        trust_store: Option<PathBuf>,
        certificate_interval: Duration,
    },
}

/// PSIDs and intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessagesConfig {
    pub spat_psid: Psid,
    pub map_psid: Psid,
    pub spat_interval: Duration,
    pub map_interval: Duration,
}

/// What to do when the controller falls silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnSilence {
    /// Send no SPaT until data returns.
    #[default]
    Stop,
    /// Keep sending, with every movement unavailable and noValidSPATisAvailableAtThisTime.
    MarkInvalid,
}

/// Where an intersection's controller state comes from.
#[derive(Debug, Clone)]
pub enum ControllerInput {
    /// TSCBM over UDP.
    Tscbm {
        listen: SocketAddr,
        allowed_sources: AllowedSources,
        profile: Profile,
        bit_order: StatusBitOrder,
    },
    /// The fixed-time simulator.
    Simulated(SimulatedController),
}

/// Where the MAP comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum MapSource {
    /// Built from the intersection's geometry.
    Model,
    /// Loaded from a file.
    File { path: PathBuf, map: Box<MapData> },
}

/// One intersection, checked.
#[derive(Debug, Clone)]
pub struct IntersectionConfig {
    pub model: Intersection,
    /// The regions this intersection is broadcast in; `None`: all of the RSU's.
    pub regions: Option<Vec<Region>>,
    pub controller: ControllerInput,
    pub watchdog: Duration,
    pub on_silence: OnSilence,
    pub map: MapSource,
}

// ---------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------

/// One problem in the file: the field, its line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field path, `intersection[0].tscbm.listen`.
    pub field: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: `{}`: {}", self.field, self.message),
            None => write!(f, "`{}`: {}", self.field, self.message),
        }
    }
}

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax, an unknown field, a missing field or a wrong type.
    #[error("{path}: {}", .problem)]
    Syntax { path: String, problem: Problem },
    /// The values do not make a working configuration.
    #[error("{path}: {} problem{}:\n{}", .problems.len(), if .problems.len() == 1 { "" } else { "s" },
            .problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        path: String,
        problems: Vec<Problem>,
    },
}

impl ConfigError {
    /// The individual problems.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            ConfigError::Read { .. } => Vec::new(),
            ConfigError::Syntax { problem, .. } => vec![problem.clone()],
            ConfigError::Invalid { problems, .. } => problems.clone(),
        }
    }
}

/// Line numbers of byte offsets in the file.
struct Lines<'a>(&'a str);

impl Lines<'_> {
    fn of(&self, span: Range<usize>) -> usize {
        let end = span.start.min(self.0.len());
        self.0.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }
}

/// Collects problems while checking.
struct Checker<'a> {
    lines: Lines<'a>,
    base: &'a Path,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Checker<'_> {
    fn at<T>(&mut self, field: impl Into<String>, value: &Spanned<T>, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.into(),
            line: Some(self.lines.of(value.span())),
            message: message.into(),
        });
    }

    fn nowhere(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.into(),
            line: None,
            message: message.into(),
        });
    }

    fn warn<T>(
        &mut self,
        field: impl Into<String>,
        value: &Spanned<T>,
        message: impl Into<String>,
    ) {
        self.warnings.push(Problem {
            field: field.into(),
            line: Some(self.lines.of(value.span())),
            message: message.into(),
        });
    }

    /// A path relative to the configuration file's directory.
    fn path(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }

    fn choice<T: Copy>(
        &mut self,
        field: &str,
        value: &Spanned<String>,
        options: &[(&str, T)],
    ) -> Option<T> {
        let text = value.get_ref().as_str();
        match options.iter().find(|(name, _)| *name == text) {
            Some((_, v)) => Some(*v),
            None => {
                let names: Vec<_> = options.iter().map(|(n, _)| format!("`{n}`")).collect();
                self.at(
                    field,
                    value,
                    format!("`{text}` is not one of {}", names.join(", ")),
                );
                None
            }
        }
    }

    fn ranged<T: Copy + PartialOrd + fmt::Display>(
        &mut self,
        field: &str,
        value: &Spanned<T>,
        range: std::ops::RangeInclusive<T>,
        what: &str,
    ) -> Option<T> {
        let v = *value.get_ref();
        if range.contains(&v) {
            Some(v)
        } else {
            self.at(
                field,
                value,
                format!(
                    "{v} is outside {}..={} ({what})",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}

/// A configuration accepted with warnings.
#[derive(Debug)]
pub struct Loaded {
    pub config: ServiceConfig,
    pub warnings: Vec<Problem>,
}

/// Reads and checks a configuration file. Relative paths in it are relative to its folder.
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    let (text, shown, base) = read(path)?;
    parse(&text, &shown, base)
}

/// A configuration file's text, the name errors give it, and the folder its relative paths
/// are relative to.
pub fn read(path: &Path) -> Result<(String, String, &Path), ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: shown.clone(),
        source,
    })?;
    Ok((text, shown, path.parent().unwrap_or(Path::new("."))))
}

/// Checks configuration text; `shown` names it in errors, `base` resolves relative paths.
pub fn parse(text: &str, shown: &str, base: &Path) -> Result<Loaded, ConfigError> {
    let file: ConfigFile = toml::from_str(text).map_err(|e| ConfigError::Syntax {
        path: shown.to_owned(),
        problem: syntax_problem(text, &e),
    })?;
    check(&file, text, base).map_err(|problems| ConfigError::Invalid {
        path: shown.to_owned(),
        problems,
    })
}

fn syntax_problem(text: &str, e: &toml::de::Error) -> Problem {
    // toml's Display adds a snippet we do not need on one line.
    let message = e.message().trim().to_owned();
    let span = e.span();
    let mut field = span
        .as_ref()
        .and_then(|s| field_at(text, s.start))
        .unwrap_or_default();
    // A missing field's span is its table: name the field inside it.
    if let Some(missing) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
    {
        if !field.is_empty() {
            field.push('.');
        }
        field.push_str(missing);
    }
    if field.is_empty() {
        // Nothing in the document encloses the error (an empty file, a stray character
        // before any key): say where it is.
        field = "(top level)".to_owned();
    }
    Problem {
        field,
        line: span.map(|s| Lines(text).of(s)),
        message,
    }
}

/// The field path (`intersection[0].tscbm.listen`) of the key or value at byte `at`, or of
/// the innermost table enclosing it; `None` when nothing does.
///
/// The text is parsed again with toml's spanned document parser, recovering from syntax
/// errors, so the path is found for type errors and for most syntax errors alike.
fn field_at(text: &str, at: usize) -> Option<String> {
    // An error in a table header (`[radio`) is about that table; the recovering parser
    // may attach what follows to the table before it.
    let line_start = text
        .get(..at.min(text.len()))
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    if text
        .get(line_start..)
        .is_some_and(|l| l.trim_start().starts_with('['))
    {
        return line_path(text, at);
    }
    let (root, _) = toml::de::DeTable::parse_recoverable(text);
    let mut path = Vec::new();
    if table_path(root.get_ref(), at, &mut path) {
        return Some(path.concat());
    }
    // A syntax error can stop the parse before the key it is in (a broken `[header`, a
    // value the parser gave up on): the table header in force at that line, and the key
    // written there.
    line_path(text, at)
}

/// The 1-based line of the field at `path` (`security.key`, `intersection[0].map_file`) in
/// configuration `text`, when the file writes it: how checks made after [`parse`] (the
/// preflight's certificate, key and state checks) name the line of what they refuse.
pub fn line_of_field(text: &str, path: &str) -> Option<usize> {
    let (root, _) = toml::de::DeTable::parse_recoverable(text);
    let mut table = root.get_ref();
    let mut span = None;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        let (key, mut value) = table.iter().find(|(k, _)| k.get_ref() == name)?;
        span = Some(key.span());
        if let Some(i) = index {
            let item = value.get_ref().as_array()?.get(i)?;
            span = Some(item.span());
            value = item;
        }
        if segments.peek().is_some() {
            table = value.get_ref().as_table()?;
        }
    }
    span.map(|s| Lines(text).of(s))
}

fn contains(span: &Range<usize>, at: usize) -> bool {
    span.start <= at && (at < span.end || span.is_empty() && at == span.start)
}

/// Pushes the path segments to `at` within `table`; whether anything there encloses it.
fn table_path(table: &toml::de::DeTable<'_>, at: usize, path: &mut Vec<String>) -> bool {
    for (key, value) in table {
        let segment = if path.is_empty() {
            key.get_ref().to_string()
        } else {
            format!(".{}", key.get_ref())
        };
        path.push(segment);
        if value_path(value.get_ref(), at, path)
            || contains(&key.span(), at)
            || contains(&value.span(), at)
        {
            return true;
        }
        path.pop();
    }
    false
}

/// Like [`table_path`] for what a key holds: a table, an array (`[i]`) or a scalar.
fn value_path(value: &toml::de::DeValue<'_>, at: usize, path: &mut Vec<String>) -> bool {
    match value {
        toml::de::DeValue::Table(t) => table_path(t, at, path),
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(format!("[{i}]"));
                if value_path(item.get_ref(), at, path) || contains(&item.span(), at) {
                    return true;
                }
                path.pop();
            }
            false
        }
        _ => false,
    }
}

/// The path from the text alone: the last `[table]` or `[[array]]` header before `at`
/// (arrays numbered by how many headers of that name came before) and the key of the line
/// `at` is on.
fn line_path(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at.min(text.len()))?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text
        .get(line_start..)?
        .lines()
        .next()
        .unwrap_or_default()
        .trim();
    let mut header: Option<String> = None;
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for l in before.get(..line_start).unwrap_or_default().lines() {
        let l = l.trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_owned();
            let n = counts.entry(name.clone()).or_insert(0);
            header = Some(format!("{name}[{n}]"));
            *n += 1;
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            header = Some(name.trim().to_owned());
        }
    }
    if let Some(name) = line.strip_prefix('[') {
        // The error is in a header itself (or is about the table it opens).
        let array = name.starts_with('[');
        let name = name.trim_start_matches('[');
        let name = name.split(']').next().unwrap_or(name).trim();
        if name.is_empty() {
            return None;
        }
        return Some(match (array, counts.get(name)) {
            (true, n) => format!("{name}[{}]", n.copied().unwrap_or(0)),
            (false, _) => name.to_owned(),
        });
    }
    let key = line
        .split('=')
        .next()
        .map(str::trim)
        .filter(|k| !k.is_empty() && !k.starts_with('#') && line.contains('='));
    match (header, key) {
        (Some(h), Some(k)) => Some(format!("{h}.{k}")),
        (Some(h), None) => Some(h),
        (None, Some(k)) => Some(k.to_owned()),
        (None, None) => None,
    }
}

/// Turns the file's sections into a [`ServiceConfig`], or every problem found.
pub fn check(file: &ConfigFile, text: &str, base: &Path) -> Result<Loaded, Vec<Problem>> {
    let mut c = Checker {
        lines: Lines(text),
        base,
        problems: Vec::new(),
        warnings: Vec::new(),
    };

    let region = check_region(&mut c, "rsu.region", &file.rsu.region);
    let regions = match (&file.rsu.regions, region) {
        (None, r) => r.map(|r| vec![r]),
        (Some(list), _) => check_regions(&mut c, "rsu.regions", list),
    };
    let etsi = match &file.etsi {
        None => Some(EtsiConfig::default()),
        Some(section) => {
            let checked = etsi::check_etsi(&mut c, section.get_ref());
            if !regions.as_ref().is_some_and(|r| r.contains(&Region::Eu)) {
                c.at(
                    "etsi",
                    section,
                    "[etsi] configures the EU region, which `rsu.region`/`rsu.regions` does not broadcast",
                );
            }
            checked
        }
    };
    if file.rsu.name.get_ref().trim().is_empty() {
        c.at("rsu.name", &file.rsu.name, "must not be empty");
    }
    let position = check_position(&mut c, file.position.as_ref());
    let radio = check_radio(&mut c, &file.radio, region.unwrap_or(Region::Us));
    let security = check_security(&mut c, &file.security);
    let messages = check_messages(&mut c, &file.messages);
    let metrics_listen = file.metrics.as_ref().and_then(|m| {
        m.listen
            .get_ref()
            .parse::<SocketAddr>()
            .map_err(|_| {
                c.at(
                    "metrics.listen",
                    &m.listen,
                    format!("`{}` is not an address:port", m.listen.get_ref()),
                )
            })
            .ok()
    });
    let level = file.log.level.clone().unwrap_or_else(|| "info".to_owned());
    if let Err(e) = crate::telemetry::logging::check_filter(&level) {
        c.nowhere("log.level", format!("`{level}` is not a log filter: {e}"));
    }

    if file.intersections.is_empty()
        && file.immediate_forward.is_none()
        && file.store_and_repeat.is_none()
        && file.forward.is_empty()
    {
        c.nowhere(
            "intersection",
            "nothing to do: configure an [[intersection]], [immediate_forward], [store_and_repeat] or a [[forward]] rule",
        );
    }
    let mut intersections = Vec::new();
    let mut ids = HashSet::new();
    let mut ports = HashSet::new();
    for (i, section) in file.intersections.iter().enumerate() {
        if let Some(mut ix) = check_intersection(&mut c, i, section) {
            if let Some(list) = &section.broadcast_regions {
                let field = format!("intersection[{i}].broadcast_regions");
                ix.regions = check_regions(&mut c, &field, list);
                if let (Some(own), Some(all)) = (&ix.regions, &regions)
                    && let Some(r) = own.iter().find(|r| !all.contains(r))
                {
                    c.at(
                        field,
                        list,
                        format!(
                            "{} is not one of the RSU's regions (`rsu.regions`)",
                            region_name(*r)
                        ),
                    );
                }
            }
            if !ids.insert((ix.model.region, ix.model.id)) {
                c.at(
                    format!("intersection[{i}].id"),
                    &section.id,
                    format!("intersection {} is configured twice", ix.model.id),
                );
            }
            if let ControllerInput::Tscbm { listen, .. } = &ix.controller
                && !ports.insert(*listen)
            {
                c.nowhere(
                    format!("intersection[{i}].tscbm.listen"),
                    format!("{listen} is already the TSCBM input of another intersection"),
                );
            }
            intersections.push(ix);
        }
    }

    let signing = matches!(security, Some(SecurityConfig::Sign { .. }));
    let verify_trust_store = file.security.trust_store.as_ref().and_then(|t| {
        let p = c.path(t.get_ref());
        if p.is_dir() {
            Some(p)
        } else {
            if !signing {
                // With signing on, check_security has reported it already.
                c.at(
                    "security.trust_store",
                    t,
                    format!("{} is not a directory", p.display()),
                );
            }
            None
        }
    });
    let tmc_messages =
        forwarding::check_tmc_messages(&mut c, &file.tmc_messages, signing, regions.as_deref());
    let immediate_forward = file
        .immediate_forward
        .as_ref()
        .and_then(|s| forwarding::check_immediate_forward(&mut c, s));
    if let Some(ifm) = &immediate_forward
        && ports.contains(&ifm.listen)
    {
        c.nowhere(
            "immediate_forward.listen",
            format!("{} is already a TSCBM input", ifm.listen),
        );
    }
    let store_and_repeat = file
        .store_and_repeat
        .as_ref()
        .and_then(|s| forwarding::check_store_and_repeat(&mut c, s));
    if (immediate_forward.is_some() || store_and_repeat.is_some()) && tmc_messages.is_empty() {
        c.nowhere(
            "tmc_message",
            "no [[tmc_message]] registered: every Immediate Forward and Store-and-Repeat message would be refused",
        );
    }
    let can_verify = file.security.trust_store.is_some();
    let forward: Vec<_> = file
        .forward
        .iter()
        .enumerate()
        .filter_map(|(i, s)| forwarding::check_forward(&mut c, i, s, can_verify))
        .collect();
    let receive = forwarding::check_receive(&mut c, &file.receive);
    // Rules to one TCP server share its stream, so they must frame messages alike.
    for (i, r) in forward.iter().enumerate() {
        if r.transport == crate::forward::rules::Transport::Tcp
            && let Some(first) = forward[..i].iter().find(|o| {
                o.transport == r.transport && o.destination == r.destination && o.format != r.format
            })
        {
            c.nowhere(
                format!("forward[{i}].format"),
                format!(
                    "rules for tcp://{} share one stream but mix formats {:?} and {:?}; a server could not split it",
                    r.destination, first.format, r.format
                ),
            );
        }
    }

    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let (
        Some(region),
        Some(regions),
        Some(etsi),
        Some(radio),
        Some(security),
        Some(messages),
        Some(receive),
    ) = (region, regions, etsi, radio, security, messages, receive)
    else {
        // Each None above pushed a problem; this is unreachable in practice.
        return Err(vec![Problem {
            field: "(file)".into(),
            line: None,
            message: "incomplete configuration".into(),
        }]);
    };
    Ok(Loaded {
        config: ServiceConfig {
            name: file.rsu.name.get_ref().clone(),
            region,
            regions,
            etsi,
            state_dir: file.rsu.state_dir.as_ref().map(|p| c.path(p)),
            position,
            radio,
            security,
            messages,
            metrics_listen,
            log_format: file.log.format,
            log_level: level,
            intersections,
            verify_trust_store,
            tmc_messages,
            immediate_forward,
            store_and_repeat,
            forward,
            receive,
        },
        warnings: c.warnings,
    })
}

/// The regions a configuration may name, and what each is called there.
const REGIONS: [(&str, Region); 3] = [("us", Region::Us), ("eu", Region::Eu), ("cn", Region::Cn)];

/// A region's name in the configuration file.
pub fn region_name(region: Region) -> &'static str {
    REGIONS
        .iter()
        .find(|(_, r)| *r == region)
        .map_or("?", |(name, _)| *name)
}

/// One region; China is refused until its message set exists.
fn check_region(c: &mut Checker<'_>, field: &str, value: &Spanned<String>) -> Option<Region> {
    let region = c.choice(field, value, &REGIONS)?;
    if region == Region::Cn {
        c.at(
            field,
            value,
            "region `cn` is not supported yet: its message set (CSAE 53) arrives in a later release; use `us` or `eu`",
        );
        return None;
    }
    Some(region)
}

/// A non-empty list of distinct regions.
fn check_regions(
    c: &mut Checker<'_>,
    field: &str,
    list: &Spanned<Vec<Spanned<String>>>,
) -> Option<Vec<Region>> {
    if list.get_ref().is_empty() {
        c.at(field, list, "must name at least one region");
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for (k, v) in list.get_ref().iter().enumerate() {
        match check_region(c, &format!("{field}[{k}]"), v) {
            Some(r) if out.contains(&r) => {
                c.at(format!("{field}[{k}]"), v, "named twice");
                ok = false;
            }
            Some(r) => out.push(r),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn check_position(c: &mut Checker<'_>, section: Option<&PositionSection>) -> PositionConfig {
    let Some(p) = section else {
        return PositionConfig::None;
    };
    let Some(source) = c.choice(
        "position.source",
        &p.source,
        &[("static", 0u8), ("gpsd", 1), ("nmea", 2)],
    ) else {
        return PositionConfig::None;
    };
    match source {
        0 => {
            let (Some(lat), Some(lon)) = (&p.latitude, &p.longitude) else {
                c.at(
                    "position.latitude",
                    &p.source,
                    "a static position needs latitude and longitude",
                );
                return PositionConfig::None;
            };
            let latitude = c.ranged("position.latitude", lat, -90.0..=90.0, "degrees");
            let longitude = c.ranged("position.longitude", lon, -180.0..=180.0, "degrees");
            match (latitude, longitude) {
                (Some(latitude), Some(longitude)) => PositionConfig::Static {
                    latitude,
                    longitude,
                    elevation_m: p.elevation_m.as_ref().map(|e| *e.get_ref()),
                },
                _ => PositionConfig::None,
            }
        }
        1 => PositionConfig::Gpsd(
            p.gpsd
                .as_ref()
                .map_or_else(|| "127.0.0.1:2947".to_owned(), |g| g.get_ref().clone()),
        ),
        _ => match &p.nmea_device {
            Some(d) => PositionConfig::Nmea(PathBuf::from(d.get_ref())),
            None => {
                c.at(
                    "position.nmea_device",
                    &p.source,
                    "source `nmea` needs nmea_device",
                );
                PositionConfig::None
            }
        },
    }
}

fn check_radio(c: &mut Checker<'_>, r: &RadioSection, region: Region) -> Option<RadioConfig> {
    let backend = match c.choice(
        "radio.backend",
        &r.backend,
        &[("loopback", 0u8), ("udp", 1), ("raw", 2)],
    )? {
        0 => RadioBackend::Loopback,
        1 => RadioBackend::Udp,
        _ => match &r.interface {
            Some(i) if !i.get_ref().is_empty() => RadioBackend::Raw(i.get_ref().clone()),
            _ => {
                c.at(
                    "radio.interface",
                    &r.backend,
                    "backend `raw` needs the network interface of the radio",
                );
                return None;
            }
        },
    };
    if !matches!(backend, RadioBackend::Raw(_))
        && let Some(i) = &r.interface
    {
        c.warn(
            "radio.interface",
            i,
            "only the `raw` backend uses an interface; ignored",
        );
    }
    let technology = match &r.technology {
        None => Technology::Ofdm80211p,
        Some(t) => c.choice(
            "radio.technology",
            t,
            &[
                ("dsrc", Technology::Ofdm80211p),
                ("c-v2x", Technology::LteV2x),
            ],
        )?,
    };
    let plan = match ChannelPlan::new(region, technology) {
        Ok(p) => p,
        Err(e) => {
            c.at("radio.technology", &r.backend, e.to_string());
            return None;
        }
    };
    let channel = *r.channel.get_ref();
    let channels = match ChannelConfig::new(plan, ChannelAccess::Continuous { channel }) {
        Ok(cfg) => cfg,
        Err(e) => {
            c.at("radio.channel", &r.channel, e.to_string());
            return None;
        }
    };
    let rate = match &r.rate_mbps {
        None => DataRate(12),
        Some(m) => match DataRate::from_mbps(*m.get_ref()) {
            Some(rate) => rate,
            None => {
                c.at(
                    "radio.rate_mbps",
                    m,
                    format!(
                        "{} Mb/s is not a 500 kb/s multiple in 0.5..=127.5",
                        m.get_ref()
                    ),
                );
                return None;
            }
        },
    };
    let power_dbm = match &r.power_dbm {
        None => 20,
        Some(p) => c.ranged("radio.power_dbm", p, -20..=33, "dBm")?,
    };
    let user_priority = match &r.user_priority {
        None => 5,
        Some(u) => c.ranged("radio.user_priority", u, 0..=7, "802.11 user priority")?,
    };
    let mac = match &r.mac {
        None => MacAddr::local([0x02, 0, 0, 0x52, 0x53, 0x55]),
        Some(m) => match m.get_ref().parse::<MacAddr>() {
            Ok(mac) => mac,
            Err(e) => {
                c.at("radio.mac", m, e.to_string());
                return None;
            }
        },
    };
    let service_channels = match &r.service_channels {
        None => plan
            .channels()
            .iter()
            .map(|d| d.number)
            .filter(|n| Some(*n) != plan.control_channel())
            .collect(),
        Some(list) => {
            for n in list.get_ref() {
                if let Err(e) = plan.get(*n) {
                    c.at("radio.service_channels", list, e.to_string());
                    return None;
                }
            }
            if list.get_ref().is_empty() || list.get_ref().len() > 6 {
                c.at(
                    "radio.service_channels",
                    list,
                    "list one to six channels: SCH1, SCH2, ... in order",
                );
                return None;
            }
            list.get_ref().clone()
        }
    };
    Some(RadioConfig {
        backend,
        channels,
        channel,
        rate,
        power_dbm,
        user_priority,
        mac,
        service_channels,
    })
}

fn check_security(c: &mut Checker<'_>, s: &SecuritySection) -> Option<SecurityConfig> {
    if !s.signing {
        return Some(SecurityConfig::Off);
    }
    let interval = match &s.certificate_interval_ms {
        None => Duration::from_secs(1),
        Some(ms) => Duration::from_millis(c.ranged(
            "security.certificate_interval_ms",
            ms,
            0..=60_000,
            "ms; 0 attaches the certificate to every message",
        )?),
    };
    let (Some(cert), Some(key)) = (&s.certificate, &s.key) else {
        c.nowhere(
            "security.certificate",
            "signing is on: certificate and key are needed (or set signing = false)",
        );
        return None;
    };
    let certificate = c.path(cert.get_ref());
    let key_path = c.path(key.get_ref());
    if !certificate.is_file() {
        c.at(
            "security.certificate",
            cert,
            format!("{} does not exist", certificate.display()),
        );
    }
    if !key_path.is_file() {
        c.at(
            "security.key",
            key,
            format!("{} does not exist", key_path.display()),
        );
    }
    let trust_store = s.trust_store.as_ref().and_then(|t| {
        let p = c.path(t.get_ref());
        if p.is_dir() {
            Some(p)
        } else {
            c.at(
                "security.trust_store",
                t,
                format!("{} is not a directory", p.display()),
            );
            None
        }
    });
    Some(SecurityConfig::Sign {
        certificate,
        key: key_path,
        trust_store,
        certificate_interval: interval,
    })
}

/// A PSID written p-encoded in hex, as RSU configurations write it.
fn check_psid(c: &mut Checker<'_>, field: &str, v: &Spanned<String>) -> Option<Psid> {
    match Psid::parse(v.get_ref()) {
        Ok(p) if v.get_ref().trim().starts_with("0x") || v.get_ref().trim().starts_with("0X") => {
            Some(p)
        }
        Ok(_) => {
            c.at(
                field,
                v,
                "write the PSID p-encoded in hex, as RSU configurations do (`0x8002` is PSID 0x82)",
            );
            None
        }
        Err(e) => {
            c.at(field, v, e.to_string());
            None
        }
    }
}

fn check_messages(c: &mut Checker<'_>, m: &MessagesSection) -> Option<MessagesConfig> {
    let mut psid = |field: &str, value: &Option<Spanned<String>>, default: Psid| match value {
        None => Some(default),
        Some(v) => check_psid(c, field, v),
    };
    let spat_psid = psid("messages.spat_psid", &m.spat_psid, Psid::INTERSECTION);
    let map_psid = psid(
        "messages.map_psid",
        &m.map_psid,
        Psid::new(0x20_40_97).unwrap_or(Psid::INTERSECTION),
    );
    let mut interval =
        |field: &str, value: &Option<Spanned<u64>>, default: u64, max: u64| match value {
            None => Some(Duration::from_millis(default)),
            Some(v) => c
                .ranged(field, v, 10..=max, "ms")
                .map(Duration::from_millis),
        };
    let spat_interval = interval(
        "messages.spat_interval_ms",
        &m.spat_interval_ms,
        100,
        10_000,
    );
    let map_interval = interval("messages.map_interval_ms", &m.map_interval_ms, 1000, 60_000);
    Some(MessagesConfig {
        spat_psid: spat_psid?,
        map_psid: map_psid?,
        spat_interval: spat_interval?,
        map_interval: map_interval?,
    })
}

fn check_intersection(
    c: &mut Checker<'_>,
    i: usize,
    s: &IntersectionSection,
) -> Option<IntersectionConfig> {
    let f = |name: &str| format!("intersection[{i}].{name}");
    let before = c.problems.len();
    let id = c.ranged(&f("id"), &s.id, 0..=65_535, "IntersectionID")?;
    let region = match &s.region {
        None => None,
        Some(r) => Some(c.ranged(&f("region"), r, 0..=65_535, "RoadRegulatorID")? as u16),
    };
    let name = s.name.get_ref().clone();
    if name.is_empty() || name.len() > 63 || !name.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        c.at(
            f("name"),
            &s.name,
            "must be 1..=63 printable ASCII characters (J2735 DescriptiveName)",
        );
    }
    let watchdog = match &s.watchdog_ms {
        None => Duration::from_millis(300),
        Some(w) => Duration::from_millis(c.ranged(&f("watchdog_ms"), w, 50..=10_000, "ms")?),
    };
    let on_silence = match &s.on_silence {
        None => OnSilence::Stop,
        Some(o) => c.choice(
            &f("on_silence"),
            o,
            &[
                ("stop", OnSilence::Stop),
                ("mark-invalid", OnSilence::MarkInvalid),
            ],
        )?,
    };
    let controller = match (&s.tscbm, &s.simulated) {
        (Some(t), None) => check_tscbm(c, i, t),
        (None, Some(sim)) => match sim.get_ref().validate() {
            Ok(ctl) => Some(ControllerInput::Simulated(ctl)),
            Err(e) => {
                // The simulator names its own field; find its line in the document.
                let span = toml::de::DeTable::parse(c.lines.0)
                    .ok()
                    .and_then(|doc| {
                        let table = doc
                            .get_ref()
                            .get("intersection")?
                            .get_ref()
                            .get(i)?
                            .get_ref()
                            .get("simulated")?
                            .get_ref()
                            .as_table()?
                            .clone();
                        e.span_in(&table)
                    })
                    .unwrap_or_else(|| sim.span());
                // The simulator's message starts with its own field path; ours names it.
                let message = e.to_string();
                let message = message
                    .strip_prefix(&format!("{}: ", e.field()))
                    .unwrap_or(&message)
                    .to_owned();
                c.at(
                    format!("intersection[{i}].simulated.{}", e.field()),
                    &Spanned::new(span, ()),
                    message,
                );
                None
            }
        },
        (Some(t), Some(_)) => {
            c.at(
                f("tscbm"),
                t,
                "give either [intersection.tscbm] or [intersection.simulated], not both",
            );
            None
        }
        (None, None) => {
            c.at(
                f("name"),
                &s.name,
                "a controller input is needed: [intersection.tscbm] or [intersection.simulated]",
            );
            None
        }
    };

    let mut groups: Vec<SignalGroup> = Vec::new();
    let mut sources = HashSet::new();
    for (g, gs) in s.signal_groups.iter().enumerate() {
        let gf = |name: &str| format!("intersection[{i}].signal_group[{g}].{name}");
        let Some(gid) = c.ranged(&gf("id"), &gs.id, 1..=254, "SignalGroupID") else {
            continue;
        };
        let source = match (&gs.phase, &gs.overlap, &gs.pedestrian) {
            (Some(p), None, None) => c
                .ranged(&gf("phase"), p, 1..=16, "phase")
                .map(|n| SignalSource::Phase(n as u8)),
            (None, Some(o), None) => c
                .ranged(&gf("overlap"), o, 1..=16, "overlap")
                .map(|n| SignalSource::Overlap(n as u8)),
            (None, None, Some(p)) => c
                .ranged(&gf("pedestrian"), p, 1..=16, "pedestrian phase")
                .map(|n| SignalSource::Pedestrian(n as u8)),
            _ => {
                c.at(
                    gf("id"),
                    &gs.id,
                    "give exactly one of phase, overlap or pedestrian",
                );
                None
            }
        };
        let green = match &gs.green {
            None => Some(GreenKind::Protected),
            Some(v) => c.choice(
                &gf("green"),
                v,
                &[
                    ("protected", GreenKind::Protected),
                    ("permissive", GreenKind::Permissive),
                ],
            ),
        };
        let (Some(source), Some(green)) = (source, green) else {
            continue;
        };
        if groups.iter().any(|x| x.id == gid as u8) {
            c.at(
                gf("id"),
                &gs.id,
                format!("signal group {gid} is defined twice"),
            );
            continue;
        }
        if !sources.insert(source) {
            c.warn(
                gf("id"),
                &gs.id,
                format!("{source} already drives another signal group"),
            );
        }
        groups.push(SignalGroup {
            id: gid as u8,
            source,
            green,
            name: gs.name.clone(),
        });
    }
    groups.sort_by_key(|g| g.id);
    if groups.is_empty() && s.signal_groups.is_empty() {
        c.at(
            f("signal_group"),
            &s.name,
            "no [[intersection.signal_group]]: SPaT would carry no movements",
        );
    }
    // Signal groups whose source the simulator does not run.
    if let Some(ControllerInput::Simulated(sim)) = &controller {
        let state = sim.state_at(crate::clock::UnixMillis(0));
        for (g, gs) in s.signal_groups.iter().enumerate() {
            if let Some(group) = groups.iter().find(|x| u32::from(x.id) == *gs.id.get_ref())
                && state.indication(group.source).is_none()
            {
                c.at(
                    format!("intersection[{i}].signal_group[{g}]"),
                    &gs.id,
                    format!("the simulated controller has no {}", group.source),
                );
            }
        }
    }

    // Every signal group a lane's connection names must be driven by the controller.
    if let Some(g) = &s.geometry {
        for (l, lane) in g.lanes.iter().enumerate() {
            for (k, conn) in lane.connections.iter().enumerate() {
                if let Some(sg) = conn.get_ref().signal_group
                    && !groups.iter().any(|x| u32::from(x.id) == sg)
                {
                    c.at(
                        format!("intersection[{i}].geometry.lane[{l}].connections[{k}].signal_group"),
                        conn,
                        format!(
                            "signal group {sg} is not configured in [[intersection.signal_group]]: its SPaT state would be unknown"
                        ),
                    );
                }
            }
        }
    }
    let geometry = s.geometry.as_ref().and_then(|g| check_geometry(c, i, g));
    let mut model = Intersection {
        id: id as u16,
        region,
        name,
        signal_groups: groups,
        geometry,
    };
    let map = match (&s.map_file, &s.geometry) {
        (Some(file), None) => {
            let path = c.path(file.get_ref());
            match crate::j2735::map::load_map_file(&path) {
                Ok(map) => MapSource::File {
                    path,
                    map: Box::new(map),
                },
                Err(e) => {
                    c.at(f("map_file"), file, e.to_string());
                    return None;
                }
            }
        }
        (None, Some(_)) => MapSource::Model,
        (Some(file), Some(_)) => {
            c.at(
                f("map_file"),
                file,
                "give either map_file or [intersection.geometry], not both",
            );
            return None;
        }
        (None, None) => {
            c.at(
                f("name"),
                &s.name,
                "a MAP is needed: map_file or [intersection.geometry]",
            );
            return None;
        }
    };
    if c.problems.len() > before {
        return None;
    }
    // The MAP and the signal-group mapping must agree.
    let built;
    let map_data = match &map {
        MapSource::File { map, .. } => map.as_ref(),
        MapSource::Model => match crate::j2735::map::build_map(&model, 0) {
            Ok(m) => {
                built = m;
                &built
            }
            Err(e) => {
                c.at(f("geometry"), &s.name, e.to_string());
                return None;
            }
        },
    };
    let consistency = crate::j2735::map::check_consistency(&model, map_data);
    for e in consistency.errors {
        c.at(f("signal_group"), &s.name, e);
    }
    for w in consistency.warnings {
        c.warn(f("signal_group"), &s.name, w);
    }
    if c.problems.len() > before {
        return None;
    }
    if let MapSource::File { .. } = map {
        model.geometry = None;
    }
    Some(IntersectionConfig {
        model,
        regions: None,
        controller: controller?,
        watchdog,
        on_silence,
        map,
    })
}

fn check_tscbm(
    c: &mut Checker<'_>,
    i: usize,
    t: &Spanned<TscbmSection>,
) -> Option<ControllerInput> {
    let s = t.get_ref();
    let (listen, allowed) = listener(
        c,
        &format!("intersection[{i}].tscbm"),
        s.listen.as_ref(),
        TSCBM_PORT,
        &s.allowed_sources,
    )?;
    Some(ControllerInput::Tscbm {
        listen,
        allowed_sources: allowed,
        profile: s.profile,
        bit_order: s.status_bit_order,
    })
}

/// A UDP input's `listen` address (default: any address, `port`) and `allowed_sources`.
fn listener(
    c: &mut Checker<'_>,
    section: &str,
    listen: Option<&Spanned<String>>,
    port: u16,
    sources: &[Spanned<String>],
) -> Option<(SocketAddr, AllowedSources)> {
    let listen = match listen {
        None => SocketAddr::from(([0, 0, 0, 0], port)),
        Some(l) => match l.get_ref().parse::<SocketAddr>() {
            Ok(a) => a,
            Err(_) => {
                c.at(
                    format!("{section}.listen"),
                    l,
                    format!("`{}` is not an address:port", l.get_ref()),
                );
                return None;
            }
        },
    };
    let mut allowed = Vec::new();
    for (k, a) in sources.iter().enumerate() {
        match a.get_ref().parse::<IpAddr>() {
            // A source the socket can never report would silently refuse the sender the
            // operator meant: an error, so neither check-config nor run accepts it.
            Ok(ip) => match sources::unreachable_source(listen, ip) {
                Some(why) => c.at(
                    format!("{section}.allowed_sources[{k}]"),
                    a,
                    format!("`{}` {why} ({listen})", a.get_ref()),
                ),
                None => allowed.push(ip),
            },
            Err(_) => c.at(
                format!("{section}.allowed_sources[{k}]"),
                a,
                format!("`{}` is not an IP address", a.get_ref()),
            ),
        }
    }
    Some((listen, AllowedSources::new(allowed)))
}

fn check_geometry(c: &mut Checker<'_>, i: usize, g: &GeometrySection) -> Option<Geometry> {
    let f = |name: &str| format!("intersection[{i}].geometry.{name}");
    let r = g.reference.get_ref();
    let mut ok = true;
    if !(-90.0..=90.0).contains(&r.latitude) || !(-180.0..=180.0).contains(&r.longitude) {
        c.at(
            f("reference"),
            &g.reference,
            "latitude must be within ±90° and longitude within ±180°",
        );
        ok = false;
    }
    let elevation_dm = match r.elevation_m {
        Some(e) if !(-409.5..=6143.9).contains(&e) => {
            c.at(
                f("reference.elevation_m"),
                &g.reference,
                format!("{e} m is outside -409.5..=6143.9 (J2735 Elevation)"),
            );
            ok = false;
            None
        }
        e => e.map(|m| (m * 10.0).round() as i32),
    };
    let lane_width_cm = c.ranged(&f("lane_width_cm"), &g.lane_width_cm, 1..=32_767, "cm");
    let speed_limit_kmh = match &g.speed_limit_kmh {
        None => None,
        Some(s) => Some(c.ranged(&f("speed_limit_kmh"), s, 1..=250, "km/h")? as u16),
    };
    let mut lanes = Vec::new();
    let mut ids = BTreeSet::new();
    for (l, ls) in g.lanes.iter().enumerate() {
        let lf = |name: &str| format!("intersection[{i}].geometry.lane[{l}].{name}");
        let Some(id) = c.ranged(&lf("id"), &ls.id, 1..=255, "LaneID") else {
            ok = false;
            continue;
        };
        if !ids.insert(id) {
            c.at(lf("id"), &ls.id, format!("lane {id} is defined twice"));
            ok = false;
        }
        let direction = c.choice(
            &lf("direction"),
            &ls.direction,
            &[
                ("ingress", LaneDirection::Ingress),
                ("egress", LaneDirection::Egress),
                ("both", LaneDirection::Both),
            ],
        );
        let kind = match &ls.kind {
            None => Some(LaneKind::Vehicle),
            Some(k) => c.choice(
                &lf("kind"),
                k,
                &[
                    ("vehicle", LaneKind::Vehicle),
                    ("crosswalk", LaneKind::Crosswalk),
                    ("bike", LaneKind::Bike),
                    ("sidewalk", LaneKind::Sidewalk),
                ],
            ),
        };
        let approach = match &ls.approach {
            None => None,
            Some(a) => c
                .ranged(&lf("approach"), a, 1..=15, "ApproachID")
                .map(|a| a as u8),
        };
        let mut maneuvers = Vec::new();
        for m in &ls.maneuvers {
            if let Some(m) = maneuver(c, &lf("maneuvers"), m) {
                maneuvers.push(m);
            }
        }
        let mut nodes = Vec::new();
        for [x, y] in ls.nodes.get_ref() {
            match (i32::try_from(*x), i32::try_from(*y)) {
                (Ok(x), Ok(y)) => nodes.push((x, y)),
                _ => {
                    c.at(
                        lf("nodes"),
                        &ls.nodes,
                        format!("[{x}, {y}] is out of range"),
                    );
                    ok = false;
                }
            }
        }
        if nodes.len() < 2 {
            c.at(
                lf("nodes"),
                &ls.nodes,
                "a lane needs at least two nodes (J2735 NodeSetXY is 2..=63)",
            );
            ok = false;
        }
        let mut connections = Vec::new();
        for (k, cs) in ls.connections.iter().enumerate() {
            let cf = format!("intersection[{i}].geometry.lane[{l}].connections[{k}]");
            let v = cs.get_ref();
            let (Ok(to_lane), Ok(signal_group), Ok(connection_id)) = (
                u8::try_from(v.to_lane),
                v.signal_group.map(u8::try_from).transpose(),
                v.connection_id.map(u8::try_from).transpose(),
            ) else {
                c.at(
                    cf,
                    cs,
                    "to_lane, signal_group and connection_id are 0..=255",
                );
                ok = false;
                continue;
            };
            let Some(m) = maneuver(c, &cf, &Spanned::new(cs.span(), v.maneuver.clone())) else {
                ok = false;
                continue;
            };
            connections.push(Connection {
                to_lane,
                maneuver: m,
                signal_group,
                connection_id,
            });
        }
        let (Some(direction), Some(kind)) = (direction, kind) else {
            ok = false;
            continue;
        };
        lanes.push(Lane {
            id: id as u8,
            name: ls.name.clone(),
            direction,
            approach,
            kind,
            maneuvers,
            nodes_cm: nodes,
            connections,
        });
    }
    let latitude = (r.latitude * 1e7).round() as i32;
    let longitude = (r.longitude * 1e7).round() as i32;
    if !ok {
        return None;
    }
    Some(Geometry {
        reference: GeoPoint {
            lat_1e7: latitude,
            lon_1e7: longitude,
            elevation_dm,
        },
        lane_width_cm: lane_width_cm? as u16,
        speed_limit_kmh,
        lanes,
    })
}

fn maneuver(c: &mut Checker<'_>, field: &str, m: &Spanned<String>) -> Option<Maneuver> {
    c.choice(
        field,
        m,
        &[
            ("straight", Maneuver::Straight),
            ("left", Maneuver::Left),
            ("right", Maneuver::Right),
            ("u-turn", Maneuver::UTurn),
        ],
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const DEMO: &str = include_str!("../../config/demo.toml");

    fn unsigned(text: &str) -> String {
        text.replace("signing = true", "signing = false")
            .replace("sign = \"always\"", "sign = \"request\"")
    }

    fn problems(text: &str) -> Vec<Problem> {
        match parse(text, "t.toml", Path::new(".")) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems(),
        }
    }

    #[test]
    fn demo_is_valid_and_its_plan_is_the_simulators_demo() {
        let loaded = parse(&unsigned(DEMO), "demo", Path::new(".")).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let c = &loaded.config;
        assert_eq!(c.security, SecurityConfig::Off);
        assert_eq!(c.messages.spat_psid, Psid::INTERSECTION);
        assert_eq!(c.messages.map_psid.value(), 0x20_40_97);
        assert_eq!(c.messages.spat_interval, Duration::from_millis(100));
        let ix = &c.intersections[0];
        assert_eq!(ix.model.signal_groups.len(), 13);
        assert_eq!(ix.watchdog, Duration::from_millis(300));
        let ControllerInput::Simulated(sim) = &ix.controller else {
            panic!("simulated expected")
        };
        // The demo file and the simulator's own demo plan are the same plan.
        let reference = crate::controller::sim::SimulatedController::demo_four_leg();
        for t in (0..78_000).step_by(100) {
            let at = crate::clock::UnixMillis(1_795_380_600_000 + t);
            assert_eq!(sim.state_at(at), reference.state_at(at), "at +{t} ms");
        }
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_line() {
        let text = unsigned(DEMO)
            .replacen("channel = 172", "channel = 99", 1)
            .replacen("power_dbm = 20", "power_dbm = 40", 1)
            .replacen("on_silence = \"stop\"", "on_silence = \"pause\"", 1);
        let found = problems(&text);
        let fields: Vec<_> = found.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["radio.channel", "intersection[0].on_silence"],
            "{found:?}"
        );
        // The radio section stops at its first bad value; power is not reached.
        let line_of = |needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;
        assert_eq!(found[0].line, Some(line_of("channel = 99")));
        assert_eq!(found[1].line, Some(line_of("on_silence = \"pause\"")));
        assert!(
            found[1].message.contains("`stop`, `mark-invalid`"),
            "{}",
            found[1]
        );
    }

    #[test]
    fn syntax_errors_name_the_field_and_line() {
        let text = unsigned(DEMO).replacen("[radio]\n", "[radio]\nantenna = 2\n", 1);
        let err = parse(&text, "t.toml", Path::new(".")).unwrap_err();
        let p = &err.problems()[0];
        assert_eq!(p.field, "radio.antenna");
        assert_eq!(
            p.line,
            Some(
                text.find("antenna")
                    .map(|i| text[..i].matches('\n').count() + 1)
                    .unwrap()
            )
        );
        let text = unsigned(DEMO).replacen("channel = 172", "channel = \"172\"", 1);
        let p = &parse(&text, "t.toml", Path::new("."))
            .unwrap_err()
            .problems()[0];
        assert!(p.message.contains("invalid type"), "{p}");
    }

    /// The problem a TOML or type error in `text` gives, and the 1-based line of `needle`.
    fn syntax(text: &str, needle: &str) -> (Problem, usize) {
        let p = parse(text, "t.toml", Path::new("."))
            .unwrap_err()
            .problems()
            .remove(0);
        let line = text[..text.find(needle).unwrap()].matches('\n').count() + 1;
        (p, line)
    }

    #[test]
    fn type_errors_name_the_field_path_and_line() {
        // A string where a number is expected.
        let text = unsigned(DEMO).replacen("channel = 172", "channel = \"172\"", 1);
        let (p, line) = syntax(&text, "channel = \"172\"");
        assert_eq!(
            (p.field.as_str(), p.line),
            ("radio.channel", Some(line)),
            "{p}"
        );
        // A number out of its type's range, deep in an array of tables.
        let text = unsigned(DEMO).replacen("id = 1001", "id = -4", 1);
        let (p, line) = syntax(&text, "id = -4");
        assert_eq!(
            (p.field.as_str(), p.line),
            ("intersection[0].id", Some(line)),
            "{p}"
        );
        // A bad enum variant names the field, not the value.
        let text = unsigned(DEMO).replacen("format = \"text\"", "format = \"xml\"", 1);
        let (p, line) = syntax(&text, "format = \"xml\"");
        assert_eq!(
            (p.field.as_str(), p.line),
            ("log.format", Some(line)),
            "{p}"
        );
        assert!(p.message.contains("xml"), "{p}");
        // An unknown field in a nested table.
        let text = unsigned(DEMO).replacen("offset_s = 0.0", "offset_s = 0.0\nphase_s = 1", 1);
        let (p, line) = syntax(&text, "phase_s = 1");
        assert_eq!(
            (p.field.as_str(), p.line),
            ("intersection[0].simulated.phase_s", Some(line)),
            "{p}"
        );
        // A missing field: its table's path and the field's name.
        let text = unsigned(DEMO).replacen("name = \"Demo Ave & Main St\"\n", "", 1);
        let (p, line) = syntax(&text, "[[intersection]]");
        assert_eq!(
            (p.field.as_str(), p.line),
            ("intersection[0].name", Some(line)),
            "{p}"
        );
    }

    #[test]
    fn toml_syntax_errors_name_the_field_and_line() {
        // A value that is not TOML.
        let text = unsigned(DEMO).replacen("channel = 172", "channel = 17 2", 1);
        let (p, line) = syntax(&text, "channel = 17 2");
        assert_eq!(
            (p.field.as_str(), p.line),
            ("radio.channel", Some(line)),
            "{p}"
        );
        // An unclosed string inside an array of tables.
        let text = unsigned(DEMO).replacen("on_silence = \"stop\"", "on_silence = \"stop", 1);
        let (p, line) = syntax(&text, "on_silence = \"stop");
        assert_eq!(
            (p.field.as_str(), p.line),
            ("intersection[0].on_silence", Some(line)),
            "{p}"
        );
        // A broken table header.
        let text = unsigned(DEMO).replacen("[radio]", "[radio", 1);
        let (p, line) = syntax(&text, "[radio");
        assert_eq!((p.field.as_str(), p.line), ("radio", Some(line)), "{p}");
    }

    #[test]
    fn controller_and_map_are_each_exactly_one() {
        let text = unsigned(DEMO).replacen(
            "[intersection.simulated]",
            "[intersection.tscbm]\n[intersection.simulated]",
            1,
        );
        assert!(problems(&text)[0].message.contains("not both"));
        let text = unsigned(DEMO).replacen("id = 1001", "id = 1001\nmap_file = \"x.uper\"", 1);
        assert!(
            problems(&text)
                .iter()
                .any(|p| p.message.contains("not both"))
        );
    }

    #[test]
    fn psids_and_addresses() {
        let text = unsigned(DEMO).replacen("map_psid = \"0xE0000017\"", "map_psid = \"0xF0\"", 1);
        assert_eq!(problems(&text)[0].field, "messages.map_psid");
        let text = unsigned(DEMO).replacen("[log]", "[metrics]\nlisten = \"localhost\"\n[log]", 1);
        assert_eq!(problems(&text)[0].field, "metrics.listen");
        let mut text = unsigned(DEMO);
        text.push_str("\n[[intersection]]\nid = 1001\nname = \"Twin\"\n");
        let found = problems(&text);
        assert!(
            found.iter().any(|p| p.field == "intersection[1].name"),
            "{found:?}"
        );
    }

    #[test]
    fn forwarding_sections() {
        let base = unsigned(DEMO);
        let rules = r#"
[[forward]]
psid = "0x20"
destination = "127.0.0.1:46800"
protocol = "udp"
min_rssi_dbm = -80
every = 2
start = 2026-12-01T06:00:00Z
stop = 2026-12-01T08:00:00+01:00
unverified = "forward"
format = "json"

[[forward]]
psid = "0x20"
destination = "127.0.0.1:46801"
protocol = "tcp"
content = "spdu"
unverified = "forward"
"#;
        let loaded = parse(&format!("{base}{rules}"), "t.toml", Path::new(".")).unwrap();
        let r = &loaded.config.forward[0];
        assert_eq!((r.every, r.min_rssi_dbm), (2, Some(-80)));
        // 2026-12-01T06:00Z: 20788 days after 1970-01-01 (56 years, 14 leap days, then 334
        // days of 2026); the stop, 08:00 at +01:00, is an hour later.
        assert_eq!(
            r.start,
            Some(crate::clock::UnixMillis(
                20_788 * 86_400_000 + 6 * 3_600_000
            ))
        );
        assert_eq!(r.stop, r.start.map(|t| t.plus_ms(3_600_000)));
        let err = problems(&format!("{base}{rules}"));
        assert!(err.is_empty(), "{err:?}");
        let bad = rules
            .replacen(
                "stop = 2026-12-01T08:00:00+01:00",
                "stop = 2026-12-01T05:00:00Z",
                1,
            )
            .replacen("psid = \"0x20\"", "psid = \"32\"", 1)
            .replacen(
                "content = \"spdu\"",
                "content = \"spdu\"\nformat = \"json\"",
                1,
            )
            .replace("unverified = \"forward\"\n", "");
        let no_trust = base.replace("trust_store = \".\"\n", "");
        let found = problems(&format!("{no_trust}{bad}"));
        let fields: Vec<_> = found.iter().map(|p| p.field.as_str()).collect();
        // psid in decimal; window reversed; rules that drop unverified messages without a
        // trust store.
        assert!(fields.contains(&"forward[0].psid"), "{found:?}");
        assert!(fields.contains(&"forward[0].stop"), "{found:?}");
        assert!(fields.contains(&"forward[1].psid"), "{found:?}");
        assert!(found.iter().all(|p| p.line.is_some()), "{found:?}");
        let mixed = format!(
            "{base}{rules}\n[[forward]]\npsid = \"0x20\"\ndestination = \"127.0.0.1:46801\"\nprotocol = \"tcp\"\nformat = \"json\"\nunverified = \"forward\"\n"
        );
        assert_eq!(problems(&mixed)[0].field, "forward[2].format");
        // The raw format cannot carry the verification outcome: a warning, not an error.
        let loaded = parse(&format!("{base}{rules}"), "t.toml", Path::new(".")).unwrap();
        assert!(
            loaded
                .warnings
                .iter()
                .any(|w| w.field == "forward[1].unverified"),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn forwarding_by_its_aid() {
        use crate::forward::rules::AppId;
        let base = unsigned(DEMO);
        let rule = |id: &str| {
            format!(
                "\n[[forward]]\n{id}\ndestination = \"127.0.0.1:46800\"\nprotocol = \"udp\"\nformat = \"json\"\n"
            )
        };
        let text = format!("{base}{}{}", rule("its_aid = 36"), rule("its_aid = 37"));
        let loaded = parse(&text, "t.toml", Path::new(".")).unwrap();
        assert_eq!(
            loaded.config.forward[0].app,
            AppId::ItsAid(Psid::new(36).unwrap())
        );
        assert_eq!(
            loaded.config.forward[1].app,
            AppId::ItsAid(Psid::new(37).unwrap())
        );
        // Both, neither, out of range: each named with its line.
        let text = format!(
            "{base}{}{}{}",
            rule("psid = \"0x20\"\nits_aid = 36"),
            rule(""),
            rule("its_aid = 4294967295")
        );
        let found = problems(&text);
        let fields: Vec<_> = found.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"forward[0].its_aid"), "{found:?}");
        assert!(fields.contains(&"forward[1].psid"), "{found:?}");
        assert!(fields.contains(&"forward[2].its_aid"), "{found:?}");
        assert!(found.iter().all(|p| p.line.is_some()), "{found:?}");
    }

    #[test]
    fn verification_policy_and_queue() {
        use crate::forward::rules::AuthInterval;
        let base = unsigned(DEMO);
        let rule = |extra: &str| {
            format!(
                "\n[[forward]]\npsid = \"0x20\"\ndestination = \"127.0.0.1:46800\"\nprotocol = \"udp\"\nformat = \"json\"\n{extra}\n"
            )
        };
        let loaded = parse(&format!("{base}{}", rule("")), "t.toml", Path::new(".")).unwrap();
        assert_eq!(loaded.config.forward[0].auth, AuthInterval::ALL);
        assert_eq!(loaded.config.receive, ReceiveConfig::default());
        let text = format!(
            "{base}{}\n[receive]\nverify_queue_len = 64\nverify_workers = 2\nmax_senders = 100\n",
            rule("auth_interval = 5")
        );
        let loaded = parse(&text, "t.toml", Path::new(".")).unwrap();
        assert_eq!(loaded.config.forward[0].auth, AuthInterval::new(5).unwrap());
        assert_eq!(
            loaded.config.receive,
            ReceiveConfig {
                verify_queue_len: 64,
                verify_workers: 2,
                max_senders: 100
            }
        );
        // Out of range, each named with its line.
        let text = format!(
            "{base}{}\n[receive]\nverify_queue_len = 0\nverify_workers = 17\nmax_senders = 1\n",
            rule("auth_interval = 11")
        );
        let found = problems(&text);
        let fields: Vec<_> = found.iter().map(|p| p.field.as_str()).collect();
        for f in [
            "forward[0].auth_interval",
            "receive.verify_queue_len",
            "receive.verify_workers",
            "receive.max_senders",
        ] {
            assert!(fields.contains(&f), "{f}: {found:?}");
        }
        assert!(found.iter().all(|p| p.line.is_some()), "{found:?}");
        // None verified and only verified forwarded: the rule would forward nothing signed.
        let text = format!("{base}{}", rule("auth_interval = 0"));
        assert_eq!(problems(&text)[0].field, "forward[0].auth_interval");
        let text = format!(
            "{base}{}",
            rule("auth_interval = 0\nunverified = \"forward\"")
        );
        assert!(problems(&text).is_empty());
        let text = format!("{base}\n[receive]\nverify_threads = 2\n");
        assert!(!problems(&text).is_empty(), "unknown keys are refused");
    }

    #[test]
    fn tmc_registrations() {
        let text = unsigned(DEMO).replace("sign = \"request\"", "sign = \"always\"");
        let found = problems(&text);
        assert_eq!(found[0].field, "tmc_message[0].sign");
        let text = unsigned(DEMO).replace("type = \"TIM\"", "type = \"SDSM\"");
        assert_eq!(problems(&text)[0].field, "tmc_message[0].type");
        let text = unsigned(DEMO).replace(
            "[[tmc_message]]",
            "[[tmc_message]]\npsid = \"0x8003\"\n[[tmc_message]]",
        );
        assert!(
            problems(&text)
                .iter()
                .any(|p| p.message.contains("registered twice"))
        );
        let loaded = parse(&unsigned(DEMO), "demo", Path::new(".")).unwrap();
        let ifm = loaded.config.immediate_forward.unwrap();
        assert_eq!(ifm.listen, "127.0.0.1:1516".parse().unwrap());
        assert_eq!(
            loaded.config.radio.service_channels,
            [172, 174, 176, 180, 182, 184]
        );
    }

    /// A DENM or IVIM registration needs the EU region, and cannot be opaque; an opaque
    /// payload needs the US region (it goes out in WSMP).
    #[test]
    fn tmc_registrations_follow_the_regions() {
        let denm = |extra: &str| {
            unsigned(DEMO).replace(
                "[[tmc_message]]",
                &format!(
                    "[[tmc_message]]\npsid = \"0x25\"\ntype = \"DENM\"\n{extra}[[tmc_message]]"
                ),
            )
        };
        let found = problems(&denm(""));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "tmc_message[0].type");
        assert!(found[0].line.is_some());
        assert!(found[0].message.contains("eu region"), "{found:?}");
        let both = |text: String| {
            text.replacen(
                "region = \"us\"",
                "region = \"us\"\nregions = [\"us\", \"eu\"]",
                1,
            )
        };
        assert_eq!(problems(&both(denm(""))), Vec::new());
        let found = problems(&both(denm("opaque = true\n")));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "tmc_message[0].opaque");
        let eu_only = unsigned(DEMO)
            .replacen("region = \"us\"", "region = \"us\"\nregions = [\"eu\"]", 1)
            .replace(
                "[[tmc_message]]",
                "[[tmc_message]]\npsid = \"0x8004\"\nopaque = true\n[[tmc_message]]",
            );
        let found = problems(&eu_only);
        assert!(
            found
                .iter()
                .any(|p| p.field == "tmc_message[0].psid" && p.message.contains("us region")),
            "{found:?}"
        );
    }

    #[test]
    fn an_allowed_source_the_listener_can_never_hear_is_refused() {
        let text = unsigned(DEMO).replace(
            "allowed_sources = [\"127.0.0.1\"]",
            "allowed_sources = [\"127.0.0.1\", \"::1\"]",
        );
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "immediate_forward.allowed_sources[1]");
        assert!(found[0].message.contains("IPv6"), "{}", found[0]);
        assert!(found[0].line.is_some());
        // On a dual-stack listener both families are heard: accepted.
        let text = text.replace("listen = \"127.0.0.1:1516\"", "listen = \"[::]:1516\"");
        assert_eq!(problems(&text), []);
    }

    #[test]
    fn region_cn_is_refused_until_its_message_set_exists() {
        let text = unsigned(DEMO).replacen("region = \"us\"", "region = \"cn\"", 1);
        let found = problems(&text);
        assert_eq!(found[0].field, "rsu.region");
        assert!(
            found[0].message.contains("not supported yet"),
            "{}",
            found[0]
        );
        // The EU region is accepted, with its channel plan (ITS-G5 channel 180).
        let text = unsigned(DEMO)
            .replacen("region = \"us\"", "region = \"eu\"", 1)
            .replacen("channel = 172 ", "channel = 180 ", 1);
        // Its TIM registration is a US message: refused, as `rsu run` could never send it.
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "tmc_message[0].type");
        let text = text
            .replacen("psid = \"0x8003\"", "psid = \"0x25\"", 1)
            .replacen("type = \"TIM\"", "type = \"DENM\"", 1);
        let loaded = parse(&text, "eu", Path::new("/")).unwrap();
        assert_eq!(loaded.config.regions, [Region::Eu]);
    }
}
