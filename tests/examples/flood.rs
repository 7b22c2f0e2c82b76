//! Flood harness: the release `rsu` binary on loopback, under every input at once, measured
//! from outside the process (issue 13, "What must hold").
//!
//! ```sh
//! cargo build --release -p rsu
//! cargo run --release -p rsu-hil --example flood -- --seconds 20
//! ```
//!
//! It writes a configuration (UDP multicast radio on 127.0.0.1, one TSCBM intersection,
//! Immediate Forward with a registered TIM, a Store-and-Repeat folder, a `[[forward]]` rule for
//! BSMs to a UDP backhaul the harness listens on, signing with a fresh test PKI, /metrics),
//! starts `rsu run --config` and then, for `--seconds`, at the same time:
//!
//! - 2,000 validly signed BSMs a second and 5,000 with a flipped signature byte, framed as
//!   WSMP in Ethernet frames on the UDP medium (unicast to the RSU's MAC, so other processes
//!   on the shared medium are not flooded);
//! - 20,000 TSCBM datagrams in total (10 Hz before and after, to keep SPaT alive);
//! - 5,000 Immediate Forward message files;
//! - 50 HTTP clients holding half-sent requests, plus a scrape every 250 ms;
//! - the Store-and-Repeat folder rewritten constantly (files replaced, added, removed) and one
//!   name flipped between a regular file, a FIFO (`--no-fifo` leaves it out) and a symlink to
//!   `/dev/zero` (`--no-symlink`), the race between the scanner's type check and its open.
//!
//! A receiver thread timestamps every frame the RSU sends (SPaT = PSID 0x82). The RSS of the
//! process is sampled from /proc (and the process killed past `--rss-kill-mb`, so a runaway read
//! cannot take the machine down). A final /metrics scrape is checked against what the harness
//! sent: every input is accepted, rejected by a reason, or dropped by a reason (the kernel's
//! socket drop counters from /proc/net/udp included, read by the harness itself).
//!
//! Exit status 1 when SPaT spacing p1/p99 is outside 100 ms ± 5 ms, RSS grows past the bound,
//! or the accounting does not add up; 2 when the harness itself cannot run. The child is
//! stopped on every path (SIGTERM, then SIGKILL; `setpriv --pdeathsig` covers the harness
//! itself being killed).
//!
//! Metric names and labels the harness reads are in [`names`]; the configuration it writes is
//! in [`config_text`]: the two places to adjust when the service changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rasn_its::ieee1609dot2::base_types::Duration as CertDuration;
use rsu::clock::{Clock as _, SystemClock};
use rsu::controller::sim::SimulatedController;
use rsu::controller::tscbm::{self, Profile, StatusBitOrder};
use rsu_codecs::j2735::{BasicSafetyMessage, MessageFrame, TravelerInformation};
use rsu_codecs::random::{RandomOptions, random_value};
use rsu_hw::Psid;
use rsu_hw::wire::{WsmpPacket, WsmpRepr};
use rsu_security::Curve;
use rsu_security::cert::Certificate;
use rsu_security::pki::{self, CertSpec};
use rsu_security::sign::{self, Signer};
use socket2::{Domain, Protocol, Socket, Type};

/// What the service exposes, by the names the harness reads. Adjust here when they change.
mod names {
    pub const MESSAGES_SENT: &str = "rsu_messages_sent_total";
    pub const SEND_FAILURES: &str = "rsu_send_failures_total";
    pub const SIGNING_FAILURES: &str = "rsu_signing_failures_total";
    pub const SCHEDULE_OVERRUNS: &str = "rsu_schedule_overruns_total";
    pub const SPAT_SUPPRESSED: &str = "rsu_spat_suppressed_total";
    pub const CONTROLLER_ACCEPTED: &str = "rsu_controller_packets_total";
    pub const CONTROLLER_REJECTED: &str = "rsu_controller_rejected_total";
    pub const CONTROLLER_TIMEOUTS: &str = "rsu_controller_timeouts_total";
    pub const TMC_ACCEPTED: &str = "rsu_tmc_messages_accepted_total";
    pub const TMC_REJECTED: &str = "rsu_tmc_messages_rejected_total";
    pub const TMC_SENT: &str = "rsu_tmc_messages_sent_total";
    pub const TMC_SEND_FAILURES: &str = "rsu_tmc_send_failures_total";
    pub const SNR_MESSAGES: &str = "rsu_store_and_repeat_messages";
    pub const SNR_SKIPPED: &str = "rsu_store_and_repeat_skipped_total";
    pub const RX_FRAMES: &str = "rsu_received_frames_total";
    pub const RX_DROPPED: &str = "rsu_received_dropped_total";
    pub const RX_VERIFIED: &str = "rsu_received_verification_total";
    pub const FORWARDED: &str = "rsu_forwarded_total";
    pub const FORWARD_SKIPPED: &str = "rsu_forward_skipped_total";
    pub const BACKHAUL_SENT: &str = "rsu_backhaul_sent_total";
    pub const BACKHAUL_DROPPED: &str = "rsu_backhaul_dropped_total";
    pub const HTTP_REQUESTS: &str = "rsu_http_requests_total";
    pub const HTTP_DROPPED: &str = "rsu_http_connections_dropped_total";

    /// Label values.
    pub const TYPE: &str = "type";
    pub const SPAT: &str = "spat";
    pub const SOURCE: &str = "source";
    pub const IFM: &str = "immediate_forward";
    pub const SNR: &str = "store_and_repeat";
    pub const NETWORK: &str = "network";
    pub const WSMP: &str = "wsmp";
    pub const REASON: &str = "reason";
    /// `rsu_received_dropped_total{reason}` for frames whose PSID no rule names.
    pub const NO_RULE: &str = "no_rule";
    pub const OUTCOME: &str = "outcome";
    pub const VERIFIED: &str = "verified";
}

/// The UDP medium (hw/src/radio/udp.rs, the service's defaults).
const GROUP: Ipv4Addr = rsu_hw::radio::udp::DEFAULT_GROUP;
const MEDIUM_PORT: u16 = rsu_hw::radio::udp::DEFAULT_PORT;
const ETHERTYPE_WSMP: [u8; 2] = [0x88, 0xDC];
/// PSIDs heard on the air.
const PSID_SPAT: u32 = 0x82;
const PSID_TIM: u32 = 0x83;
/// Store-and-Repeat messages go out unsigned under their own PSID (p-encoded 0x8004), so the
/// air shows them apart from the Immediate Forward TIMs.
const PSID_SNR: u32 = 0x84;
const PSID_BSM: u32 = 0x20;
/// Vehicle MACs: 02:00:01:00:hi:lo for good senders, 02:00:02:00:hi:lo for bad ones.
const GOOD_PREFIX: [u8; 3] = [0x02, 0x00, 0x01];
const BAD_PREFIX: [u8; 3] = [0x02, 0x00, 0x02];

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Options {
    rsu: PathBuf,
    seconds: f64,
    warmup_s: f64,
    good_bsm_rate: u64,
    bad_bsm_rate: u64,
    good_senders: usize,
    bad_senders: usize,
    tscbm_total: u64,
    ifm_total: u64,
    stallers: usize,
    fifo: bool,
    symlink: bool,
    rss_growth_mb: f64,
    rss_max_mb: f64,
    rss_kill_mb: f64,
    spacing_tolerance_ms: f64,
    keep: bool,
}

impl Default for Options {
    fn default() -> Self {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        Options {
            rsu: root.join("target/release/rsu"),
            seconds: 20.0,
            warmup_s: 3.0,
            good_bsm_rate: 2_000,
            bad_bsm_rate: 5_000,
            good_senders: 200,
            bad_senders: 50,
            tscbm_total: 20_000,
            ifm_total: 5_000,
            stallers: 50,
            fifo: true,
            symlink: true,
            rss_growth_mb: 16.0,
            rss_max_mb: 64.0,
            rss_kill_mb: 256.0,
            spacing_tolerance_ms: 5.0,
            keep: false,
        }
    }
}

const USAGE: &str = "flood [--rsu PATH] [--seconds S] [--warmup S] [--good-bsm-rate N] \
[--bad-bsm-rate N] [--good-senders N] [--bad-senders N] [--tscbm-total N] [--ifm-total N] \
[--stallers N] [--no-fifo] [--no-symlink] [--rss-growth-mb MB] [--rss-max-mb MB] \
[--rss-kill-mb MB] [--spacing-tolerance-ms MS] [--keep]";

fn parse_args() -> Result<Options, String> {
    let mut o = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\nusage: {USAGE}"))
        };
        fn num<T: std::str::FromStr>(name: &str, v: String) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{name}: `{v}` is not a number"))
        }
        match a.as_str() {
            "--rsu" => o.rsu = PathBuf::from(value(&a)?),
            "--seconds" => o.seconds = num(&a, value(&a)?)?,
            "--warmup" => o.warmup_s = num(&a, value(&a)?)?,
            "--good-bsm-rate" => o.good_bsm_rate = num(&a, value(&a)?)?,
            "--bad-bsm-rate" => o.bad_bsm_rate = num(&a, value(&a)?)?,
            "--good-senders" => o.good_senders = num(&a, value(&a)?)?,
            "--bad-senders" => o.bad_senders = num(&a, value(&a)?)?,
            "--tscbm-total" => o.tscbm_total = num(&a, value(&a)?)?,
            "--ifm-total" => o.ifm_total = num(&a, value(&a)?)?,
            "--stallers" => o.stallers = num(&a, value(&a)?)?,
            "--no-fifo" => o.fifo = false,
            "--no-symlink" => o.symlink = false,
            "--rss-growth-mb" => o.rss_growth_mb = num(&a, value(&a)?)?,
            "--rss-max-mb" => o.rss_max_mb = num(&a, value(&a)?)?,
            "--rss-kill-mb" => o.rss_kill_mb = num(&a, value(&a)?)?,
            "--spacing-tolerance-ms" => o.spacing_tolerance_ms = num(&a, value(&a)?)?,
            "--keep" => o.keep = true,
            "-h" | "--help" => return Err(format!("usage: {USAGE}")),
            other => return Err(format!("unknown argument `{other}`\nusage: {USAGE}")),
        }
    }
    if !(o.seconds > 0.0 && o.seconds <= 3600.0) {
        return Err("--seconds must be in (0, 3600]".into());
    }
    if o.good_senders == 0 || o.bad_senders == 0 || o.good_senders > 65_535 {
        return Err("--good-senders and --bad-senders must be 1..=65535".into());
    }
    Ok(o)
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("flood: {e}");
            ExitCode::from(2)
        }
    }
}

// ---------------------------------------------------------------------------------------
// The service under test
// ---------------------------------------------------------------------------------------

/// Ports and paths of one run.
struct Setup {
    dir: PathBuf,
    mac: [u8; 6],
    tscbm: SocketAddr,
    ifm: SocketAddr,
    metrics: SocketAddr,
    backhaul: UdpSocket,
}

/// Free ports on 127.0.0.1: two UDP, one TCP (bound together, so they differ, then released
/// for the service: the race with another process is accepted).
fn free_ports() -> std::io::Result<(SocketAddr, SocketAddr, SocketAddr)> {
    let a = UdpSocket::bind("127.0.0.1:0")?;
    let b = UdpSocket::bind("127.0.0.1:0")?;
    let c = TcpListener::bind("127.0.0.1:0")?;
    Ok((a.local_addr()?, b.local_addr()?, c.local_addr()?))
}

fn mac_text(mac: &[u8; 6]) -> String {
    mac.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The configuration the service runs with. Keys follow config/example.toml.
fn config_text(s: &Setup) -> String {
    let demo = include_str!("../../config/demo.toml");
    let start = demo
        .find("[[intersection]]")
        .expect("demo has an intersection");
    let sim = demo
        .find("[intersection.simulated]")
        .expect("demo is simulated");
    let groups = demo
        .find("[[intersection.signal_group]]")
        .expect("demo has signal groups");
    let backhaul = s.backhaul.local_addr().expect("backhaul bound");
    format!(
        r#"# Written by the flood harness (tests/examples/flood.rs).
[rsu]
name = "flood"
region = "us"
state_dir = "state"

[radio]
backend = "udp"
channel = 172
mac = "{mac}"

[security]
signing = true
certificate = "pki/rsu.oer"
key = "pki/rsu-key.pem"
trust_store = "pki"

[messages]
spat_psid = "0x8002"
map_psid = "0xE0000017"

[metrics]
listen = "{metrics}"

[log]
format = "text"
level = "info"

[immediate_forward]
listen = "{ifm}"
allowed_sources = ["127.0.0.1"]

[store_and_repeat]
directory = "repeat"
scan_interval_ms = 250
max_messages = 100

[[tmc_message]]
psid = "0x8003"
type = "TIM"
sign = "always"

[[tmc_message]]
psid = "0x8004"
type = "TIM"
sign = "never"

[[forward]]
psid = "0x20"
destination = "{backhaul}"
protocol = "udp"
content = "payload"
format = "raw"
unverified = "drop"

{head}[intersection.tscbm]
listen = "{tscbm}"
allowed_sources = ["127.0.0.1"]
profile = "econolite-245"
status_bit_order = "lsb-first"

{tail}"#,
        mac = mac_text(&s.mac),
        metrics = s.metrics,
        ifm = s.ifm,
        tscbm = s.tscbm,
        head = &demo[start..sim],
        tail = &demo[groups..],
    )
}

/// The running service; stopped (SIGTERM, then SIGKILL) when dropped, on every exit path.
struct Service {
    child: Option<Child>,
    pid: u32,
}

impl Service {
    fn start(opts: &Options, config: &Path, log: &Path) -> Result<Service, String> {
        let log = std::fs::File::create(log).map_err(|e| format!("log file: {e}"))?;
        // setpriv --pdeathsig: the kernel kills the service if the harness dies first (CI's
        // timeout, a panic that aborts), which no destructor could.
        let mut cmd = if Path::new("/usr/bin/setpriv").exists() {
            let mut c = Command::new("/usr/bin/setpriv");
            c.args(["--pdeathsig", "KILL", "--"]).arg(&opts.rsu);
            c
        } else {
            Command::new(&opts.rsu)
        };
        let child = cmd
            .args(["run", "--no-status", "--config"])
            .arg(config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", opts.rsu.display()))?;
        let pid = child.id();
        Ok(Service {
            child: Some(child),
            pid,
        })
    }

    fn alive(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// SIGTERM, then SIGKILL after `patience`; how long the clean stop took, if it happened.
    fn stop(&mut self, patience: Duration) -> Option<Duration> {
        let mut child = self.child.take()?;
        if !matches!(child.try_wait(), Ok(None)) {
            return None;
        }
        let t0 = Instant::now();
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        while t0.elapsed() < patience {
            if let Ok(Some(_)) = child.try_wait() {
                return Some(t0.elapsed());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------

/// A sample's labels.
type Labels = BTreeMap<String, String>;

/// One scrape: samples by name, each with its labels.
#[derive(Debug, Default)]
struct Scrape {
    samples: BTreeMap<String, Vec<(Labels, f64)>>,
    /// Families announced by `# TYPE` (present even with no sample yet).
    declared: std::collections::BTreeSet<String>,
}

impl Scrape {
    fn parse(text: &str) -> Scrape {
        let mut s = Scrape::default();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                if let Some(name) = rest.split_whitespace().next() {
                    s.declared.insert(name.to_owned());
                }
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let Ok(value) = value.parse::<f64>() else {
                continue;
            };
            let (name, labels) = match series.split_once('{') {
                Some((n, l)) => (n, parse_labels(l.trim_end_matches('}'))),
                None => (series, BTreeMap::new()),
            };
            s.samples
                .entry(name.to_owned())
                .or_default()
                .push((labels, value));
        }
        s
    }

    /// Whether the family is exposed at all.
    fn has(&self, name: &str) -> bool {
        self.samples.contains_key(name) || self.declared.contains(name)
    }

    /// The sum of `name`'s samples whose labels include `want`; `None` when the family is not
    /// exposed (so a renamed metric never reads as zero).
    fn sum(&self, name: &str, want: &[(&str, &str)]) -> Option<f64> {
        if !self.has(name) {
            return None;
        }
        Some(
            self.samples
                .get(name)
                .map(|v| {
                    v.iter()
                        .filter(|(l, _)| {
                            want.iter().all(|(k, w)| l.get(*k).is_some_and(|x| x == w))
                        })
                        .map(|(_, x)| x)
                        .sum()
                })
                .unwrap_or(0.0),
        )
    }

    /// `name`'s samples matching `want`, by the value of label `by`.
    fn by(&self, name: &str, want: &[(&str, &str)], by: &str) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        for (l, x) in self.samples.get(name).into_iter().flatten() {
            if want.iter().all(|(k, w)| l.get(*k).is_some_and(|v| v == w)) {
                *out.entry(l.get(by).cloned().unwrap_or_default())
                    .or_insert(0.0) += x;
            }
        }
        out
    }
}

fn parse_labels(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = text;
    while let Some((key, after)) = rest.split_once("=\"") {
        let mut value = String::new();
        let mut chars = after.char_indices();
        let mut end = after.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        value.push(n);
                    }
                }
                '"' => {
                    end = i + 1;
                    break;
                }
                c => value.push(c),
            }
        }
        out.insert(key.trim_start_matches(',').trim().to_owned(), value);
        rest = &after[end..];
    }
    out
}

/// GET /metrics; the body, or why not.
fn scrape(addr: SocketAddr, timeout: Duration) -> Result<String, String> {
    let mut s = TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(timeout)).ok();
    s.set_write_timeout(Some(timeout)).ok();
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .map_err(|e| format!("write: {e}"))?;
    let mut body = Vec::new();
    s.read_to_end(&mut body).map_err(|e| format!("read: {e}"))?;
    let text = String::from_utf8_lossy(&body).into_owned();
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return Err(format!("no response head ({} bytes)", text.len()));
    };
    if !head.starts_with("HTTP/1.1 200") {
        return Err(head.lines().next().unwrap_or_default().to_owned());
    }
    Ok(body.to_owned())
}

// ---------------------------------------------------------------------------------------
// /proc
// ---------------------------------------------------------------------------------------

/// A `/proc/PID/status` field in kB.
fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|r| r.trim_start_matches(':').split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// utime + stime of a process, in seconds.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(ticks as f64 / 100.0)
}

/// Socket inodes a process holds.
fn socket_inodes(pid: &str) -> Vec<u64> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| std::fs::read_link(e.path()).ok())
        .filter_map(|l| {
            l.to_str()?
                .strip_prefix("socket:[")?
                .strip_suffix(']')?
                .parse()
                .ok()
        })
        .collect()
}

/// Kernel receive-buffer drops of the UDP sockets among `inodes` bound to `port`
/// (/proc/net/udp's last column). `None` when no such socket is found.
fn udp_drops(inodes: &[u64], port: u16) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/net/udp").ok()?;
    let mut found = None;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (Some(local), Some(inode), Some(drops)) = (f.get(1), f.get(9), f.last()) else {
            continue;
        };
        let Some(p) = local
            .rsplit_once(':')
            .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
        else {
            continue;
        };
        let (Ok(inode), Ok(drops)) = (inode.parse::<u64>(), drops.parse::<u64>()) else {
            continue;
        };
        if p == port && inodes.contains(&inode) {
            *found.get_or_insert(0) += drops;
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// Load generators
// ---------------------------------------------------------------------------------------

/// Shared stop flag and the flood's window.
#[derive(Clone)]
struct Clock {
    stop: Arc<AtomicBool>,
    flood_start: Instant,
    flood_end: Instant,
}

impl Clock {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// Calls `send(i)` for i in 0..total, evenly over `from..until` (or until `stop`); returns
/// how many it sent.
fn paced(
    from: Instant,
    until: Instant,
    total: u64,
    stop: &AtomicBool,
    mut send: impl FnMut(u64),
) -> u64 {
    let span = until
        .saturating_duration_since(from)
        .as_secs_f64()
        .max(1e-3);
    let mut sent = 0;
    while sent < total && !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if now >= until {
            break;
        }
        let due = if now < from {
            0
        } else {
            (((now - from).as_secs_f64() / span) * total as f64).ceil() as u64
        };
        let due = due.min(total);
        // At most a few milliseconds' worth per round, so a slow round does not burst.
        let mut burst = 0;
        while sent < due && burst < 200 {
            send(sent);
            sent += 1;
            burst += 1;
        }
        if sent >= due {
            std::thread::sleep(Duration::from_micros(500));
        }
    }
    sent
}

/// A socket that sends on the medium from 127.0.0.1 only (IP_MULTICAST_IF, TTL 1).
fn medium_sender() -> std::io::Result<UdpSocket> {
    let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    s.bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)).into())?;
    s.set_multicast_if_v4(&Ipv4Addr::LOCALHOST)?;
    s.set_multicast_ttl_v4(1)?;
    s.set_multicast_loop_v4(true)?;
    s.set_send_buffer_size(1 << 20)?;
    Ok(s.into())
}

/// The harness's ear on the medium.
fn medium_receiver() -> std::io::Result<UdpSocket> {
    let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    s.set_reuse_address(true)?;
    s.set_reuse_port(true)?;
    s.bind(&SocketAddr::V4(SocketAddrV4::new(GROUP, MEDIUM_PORT)).into())?;
    s.join_multicast_v4(&GROUP, &Ipv4Addr::LOCALHOST)?;
    s.set_recv_buffer_size(8 << 20)?;
    s.set_read_timeout(Some(Duration::from_millis(50)))?;
    Ok(s.into())
}

/// An Ethernet II frame carrying a WSMP packet for `psid` with `data`.
fn wsmp_frame(dst: &[u8; 6], src: &[u8; 6], psid: u32, data: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(14 + 16 + data.len());
    frame.extend_from_slice(dst);
    frame.extend_from_slice(src);
    frame.extend_from_slice(&ETHERTYPE_WSMP);
    let mut packet = Vec::new();
    WsmpRepr::new(Psid::new(psid).expect("valid PSID"), data.len())
        .emit_with_payload(data, &mut packet)
        .expect("WSMP emit");
    frame.extend_from_slice(&packet);
    frame
}

fn random_options() -> RandomOptions {
    RandomOptions {
        presence: 30,
        extra_items: 0,
        regional: false,
        extensions: false,
        max_depth: 8,
    }
}

fn random_bsm(seed: u64) -> Vec<u8> {
    let b: BasicSafetyMessage = random_value(seed, random_options()).expect("random BSM");
    MessageFrame::BasicSafetyMessage(Box::new(b))
        .encode()
        .expect("BSM encodes")
}

fn random_tim(seed: u64) -> Vec<u8> {
    let t: TravelerInformation = random_value(seed, random_options()).expect("random TIM");
    MessageFrame::TravelerInformation(Box::new(t))
        .encode()
        .expect("TIM encodes")
}

/// Vehicles with their own BSM certificates, issued by the test root (as an enrolment
/// authority would); the RSU learns each from the air.
fn vehicles(pki_dir: &Path, n: usize) -> Result<Vec<Signer>, String> {
    let root = Certificate::from_coer(
        &std::fs::read(pki_dir.join("root.oer")).map_err(|e| format!("root.oer: {e}"))?,
    )
    .map_err(|e| format!("root.oer: {e}"))?;
    let root_key =
        sign::load_key_file(&pki_dir.join("root-key.pem")).map_err(|e| format!("root key: {e}"))?;
    let now_s = SystemClock.now_micros() / 1_000_000;
    (0..n)
        .map(|i| {
            let key = sign::backend_from_pem(
                &sign::generate_pem(Curve::NistP256).map_err(|e| e.to_string())?,
                "vehicle key",
            )
            .map_err(|e| e.to_string())?;
            let spec = CertSpec::end_entity(
                &format!("obu{i}.flood.invalid"),
                now_s - 60,
                CertDuration::Hours(2),
                &[u64::from(PSID_BSM)],
            );
            let cert = pki::issue_explicit(
                &spec,
                &key.public_key(),
                Some((&root, root_key.as_ref())),
                None,
            )
            .map_err(|e| e.to_string())?;
            Signer::new(key, Arc::new(cert)).map_err(|e| e.to_string())
        })
        .collect()
}

/// Floods the medium with BSMs from `signers` at `rate` a second over the flood window;
/// `corrupt` flips the last byte of every SPDU (inside the signature's `s`).
fn bsm_flood(
    clock: Clock,
    rsu_mac: [u8; 6],
    prefix: [u8; 3],
    mut signers: Vec<Signer>,
    rate: u64,
    corrupt: bool,
) -> JoinHandle<(u64, u64)> {
    std::thread::spawn(move || {
        let socket = medium_sender().expect("medium sender");
        let to = SocketAddr::V4(SocketAddrV4::new(GROUP, MEDIUM_PORT));
        let bsms: Vec<Vec<u8>> = (0..32).map(|s| random_bsm(1000 + s)).collect();
        let total = (rate as f64 * (clock.flood_end - clock.flood_start).as_secs_f64()) as u64;
        let mut errors = 0;
        let n = signers.len();
        let sent = paced(
            clock.flood_start,
            clock.flood_end,
            total,
            &clock.stop,
            |i| {
                let v = (i as usize) % n;
                let bsm = &bsms[(i as usize / n) % bsms.len()];
                let Ok(mut spdu) =
                    signers[v].sign(u64::from(PSID_BSM), bsm, SystemClock.now_micros())
                else {
                    errors += 1;
                    return;
                };
                if corrupt && let Some(last) = spdu.last_mut() {
                    *last ^= 0x5A;
                }
                let src = [prefix[0], prefix[1], prefix[2], 0, (v >> 8) as u8, v as u8];
                if socket
                    .send_to(&wsmp_frame(&rsu_mac, &src, PSID_BSM, &spdu), to)
                    .is_err()
                {
                    errors += 1;
                }
            },
        );
        (sent - errors, errors)
    })
}

/// TSCBM: 10 Hz outside the flood (SPaT needs a fresh controller), `total` during it.
fn tscbm_sender(clock: Clock, to: SocketAddr, total: u64) -> JoinHandle<(u64, u64)> {
    std::thread::spawn(move || {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("tscbm socket");
        let sim = SimulatedController::demo_four_leg();
        let mut seq: u8 = 0;
        let mut sent = 0u64;
        let mut errors = 0u64;
        let mut send = || {
            let state = sim.state_at(SystemClock.now());
            let bytes =
                tscbm::emit_vec(&state, Profile::Econolite245, StatusBitOrder::LsbFirst, seq);
            seq = seq.wrapping_add(1);
            match socket.send_to(&bytes, to) {
                Ok(_) => sent += 1,
                Err(_) => errors += 1,
            }
        };
        // Before the flood.
        while Instant::now() < clock.flood_start && !clock.stopped() {
            send();
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut during = 0;
        paced(
            clock.flood_start,
            clock.flood_end,
            total,
            &clock.stop,
            |_| {
                send();
                during += 1;
            },
        );
        // Keep SPaT alive until told to stop (the rest of the window, settling, final scrape).
        while !clock.stopped() {
            send();
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = during;
        (sent, errors)
    })
}

/// An Immediate Forward message file (RSU 4.1 Appendix C v0.7) for a TIM.
fn message_file(
    psid: &str,
    interval_s: u32,
    window: (&str, &str),
    sign: bool,
    payload: &[u8],
) -> String {
    format!(
        "Version=0.7\r\nType=TIM\r\nPSID={psid}\r\nPriority=5\r\nTxMode=CONT\r\nTxChannel=SCH\r\n\
         TxInterval={interval_s}\r\nDeliveryStart={}\r\nDeliveryStop={}\r\nSignature={}\r\n\
         Encryption=False\r\nPayload={}\r\n",
        window.0,
        window.1,
        if sign { "True" } else { "False" },
        hex::encode_upper(payload)
    )
}

fn ifm_sender(clock: Clock, to: SocketAddr, total: u64) -> JoinHandle<(u64, u64)> {
    std::thread::spawn(move || {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("ifm socket");
        let files: Vec<String> = (0..16)
            .map(|s| message_file("0x8003", 0, ("", ""), true, &random_tim(500 + s)))
            .collect();
        let mut errors = 0;
        let sent = paced(
            clock.flood_start,
            clock.flood_end,
            total,
            &clock.stop,
            |i| {
                if socket
                    .send_to(files[i as usize % files.len()].as_bytes(), to)
                    .is_err()
                {
                    errors += 1;
                }
            },
        );
        (sent - errors, errors)
    })
}

#[derive(Debug, Default)]
struct HttpFigures {
    staller_connects: u64,
    staller_closed_by_server: u64,
    staller_answered: u64,
    staller_connect_failures: u64,
    scrapes_ok: u64,
    scrapes_failed: u64,
    scrape_ms: Vec<f64>,
    first_failure: Option<String>,
}

/// `n` clients that connect and stop halfway through a request, reconnecting when the server
/// lets go of them; and a scrape every 250 ms.
fn http_load(
    clock: Clock,
    addr: SocketAddr,
    n: usize,
) -> (JoinHandle<HttpFigures>, JoinHandle<HttpFigures>) {
    let c2 = clock.clone();
    let stallers = std::thread::spawn(move || {
        let mut f = HttpFigures::default();
        let mut held: Vec<Option<TcpStream>> = (0..n).map(|_| None).collect();
        // A client the server let go of tries again 250 ms later.
        let mut next: Vec<Instant> = vec![Instant::now(); n];
        while Instant::now() < clock.flood_start && !clock.stopped() {
            std::thread::sleep(Duration::from_millis(10));
        }
        while Instant::now() < clock.flood_end && !clock.stopped() {
            for (slot, next) in held.iter_mut().zip(&mut next) {
                match slot {
                    None if Instant::now() < *next => {}
                    None => match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
                        Ok(mut s) => {
                            let _ =
                                s.write_all(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag");
                            let _ = s.set_nonblocking(true);
                            f.staller_connects += 1;
                            *slot = Some(s);
                        }
                        Err(_) => {
                            f.staller_connect_failures += 1;
                            *next = Instant::now() + Duration::from_millis(250);
                        }
                    },
                    Some(s) => {
                        let mut buf = [0u8; 4096];
                        match s.read(&mut buf) {
                            Ok(0) => {
                                f.staller_closed_by_server += 1;
                                *slot = None;
                                *next = Instant::now() + Duration::from_millis(250);
                            }
                            Ok(_) => {
                                f.staller_answered += 1;
                                *slot = None;
                                *next = Instant::now() + Duration::from_millis(250);
                            }
                            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                            Err(_) => {
                                f.staller_closed_by_server += 1;
                                *slot = None;
                                *next = Instant::now() + Duration::from_millis(250);
                            }
                        }
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        f
    });
    let clock = c2;
    let scraper = std::thread::spawn(move || {
        let mut f = HttpFigures::default();
        while Instant::now() < clock.flood_start && !clock.stopped() {
            std::thread::sleep(Duration::from_millis(10));
        }
        while Instant::now() < clock.flood_end && !clock.stopped() {
            let t0 = Instant::now();
            match scrape(addr, Duration::from_secs(3)) {
                Ok(_) => {
                    f.scrapes_ok += 1;
                    f.scrape_ms.push(t0.elapsed().as_secs_f64() * 1e3);
                }
                Err(e) => {
                    f.scrapes_failed += 1;
                    f.first_failure.get_or_insert(e);
                }
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        f
    });
    (stallers, scraper)
}

#[derive(Debug, Default)]
struct FolderFigures {
    writes: u64,
    removals: u64,
    flips_file: u64,
    flips_fifo: u64,
    flips_symlink: u64,
    errors: u64,
    first_error: Option<String>,
}

/// Rewrites the Store-and-Repeat folder constantly: 40 names written (`.tmp` then rename, as
/// the README asks), replaced and removed at 50 Hz; and one name, `race.txt`, flipped every
/// millisecond between a valid file, a FIFO and a symlink to /dev/zero by renaming hard links
/// of prepared entries over it, so the scanner meets each kind between its type check and its
/// open.
fn folder_churn(
    clock: Clock,
    dir: PathBuf,
    fifo: bool,
    symlink: bool,
) -> JoinHandle<FolderFigures> {
    std::thread::spawn(move || {
        let mut f = FolderFigures::default();
        let note = |f: &mut FolderFigures, what: &str, e: std::io::Error| {
            f.errors += 1;
            f.first_error.get_or_insert_with(|| format!("{what}: {e}"));
        };
        let window = ("01/01/2026, 00:00", "12/31/2035, 23:59");
        let files: Vec<String> = (0..8)
            .map(|s| message_file("0x8004", 1, window, false, &random_tim(900 + s)))
            .collect();
        // Prepared entries (dotfiles: the scanner ignores them).
        let file_src = dir.join(".src-file");
        let fifo_src = dir.join(".src-fifo");
        let link_src = dir.join(".src-link");
        std::fs::write(&file_src, &files[0]).expect("prepared file");
        let mut kinds: Vec<(&Path, u8)> = vec![(&file_src, 0)];
        if fifo {
            let ok = Command::new("mkfifo")
                .arg(&fifo_src)
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                kinds.push((&fifo_src, 1));
            } else {
                f.first_error.get_or_insert("mkfifo failed".into());
                f.errors += 1;
            }
        }
        if symlink {
            match std::os::unix::fs::symlink("/dev/zero", &link_src) {
                Ok(()) => kinds.push((&link_src, 2)),
                Err(e) => note(&mut f, "symlink", e),
            }
        }
        let race = dir.join("race.txt");
        let race_tmp = dir.join(".race.tmp");
        while Instant::now() < clock.flood_start && !clock.stopped() {
            std::thread::sleep(Duration::from_millis(10));
        }
        let mut k: u64 = 0;
        let mut next_churn = Instant::now();
        while Instant::now() < clock.flood_end && !clock.stopped() {
            // The race name, every millisecond.
            let (src, kind) = kinds[(k as usize) % kinds.len()];
            let _ = std::fs::remove_file(&race_tmp);
            // Linux's link(2) does not follow a symlink: the link itself is linked.
            match std::fs::hard_link(src, &race_tmp)
                .and_then(|()| std::fs::rename(&race_tmp, &race))
            {
                Ok(()) => match kind {
                    0 => f.flips_file += 1,
                    1 => f.flips_fifo += 1,
                    _ => f.flips_symlink += 1,
                },
                Err(e) => note(&mut f, "flip", e),
            }
            if Instant::now() >= next_churn {
                next_churn += Duration::from_millis(20);
                let i = k % 40;
                let name = dir.join(format!("m{i:02}.txt"));
                let tmp = dir.join(format!("m{i:02}.tmp"));
                let body = &files[(k as usize / 40) % files.len()];
                match std::fs::write(&tmp, body).and_then(|()| std::fs::rename(&tmp, &name)) {
                    Ok(()) => f.writes += 1,
                    Err(e) => note(&mut f, "write", e),
                }
                if k.is_multiple_of(3) {
                    let victim = dir.join(format!("m{:02}.txt", (k * 7 + 13) % 40));
                    match std::fs::remove_file(&victim) {
                        Ok(()) => f.removals += 1,
                        Err(e) if e.kind() == ErrorKind::NotFound => {}
                        Err(e) => note(&mut f, "remove", e),
                    }
                }
            }
            k += 1;
            std::thread::sleep(Duration::from_millis(1));
        }
        f
    })
}

// ---------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Heard {
    /// Reception instants of the RSU's SPaT frames.
    spat: Vec<Instant>,
    /// Frames from the RSU by PSID.
    by_psid: BTreeMap<u32, u64>,
    /// WSMP frames from neither the RSU nor the harness, addressed so the RSU takes them.
    foreign_wsmp: u64,
    /// Harness frames heard back (sanity: the medium works).
    own_good: u64,
    own_bad: u64,
    /// The receiver socket's kernel drops.
    kernel_drops: Option<u64>,
}

fn receiver(stop: Arc<AtomicBool>, socket: UdpSocket, rsu_mac: [u8; 6]) -> JoinHandle<Heard> {
    std::thread::spawn(move || {
        let mut h = Heard::default();
        let mut buf = vec![0u8; 65_536];
        let inode = std::fs::read_link(format!("/proc/self/fd/{}", socket.as_raw_fd()))
            .ok()
            .and_then(|l| {
                l.to_str()?
                    .strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .parse::<u64>()
                    .ok()
            });
        while !stop.load(Ordering::Relaxed) {
            let n = match socket.recv(&mut buf) {
                Ok(n) => n,
                Err(_) => continue,
            };
            let at = Instant::now();
            let Some(frame) = buf.get(..n) else { continue };
            if frame.len() < 14 || frame[12..14] != ETHERTYPE_WSMP {
                continue;
            }
            let (dst, src) = (&frame[0..6], &frame[6..12]);
            if src == rsu_mac {
                let Ok(p) = WsmpPacket::new_checked(&frame[14..]) else {
                    continue;
                };
                let psid = p.psid().value();
                *h.by_psid.entry(psid).or_default() += 1;
                if psid == PSID_SPAT {
                    h.spat.push(at);
                }
            } else if src[..3] == GOOD_PREFIX {
                h.own_good += 1;
            } else if src[..3] == BAD_PREFIX {
                h.own_bad += 1;
            } else if dst == rsu_mac || dst[0] & 1 == 1 {
                h.foreign_wsmp += 1;
            }
        }
        h.kernel_drops = inode.and_then(|i| udp_drops(&[i], MEDIUM_PORT));
        h
    })
}

/// Datagrams the harness's backhaul server received.
fn backhaul_server(stop: Arc<AtomicBool>, socket: UdpSocket) -> JoinHandle<(u64, Option<u64>)> {
    std::thread::spawn(move || {
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .ok();
        let port = socket.local_addr().map(|a| a.port()).unwrap_or(0);
        let inode = std::fs::read_link(format!("/proc/self/fd/{}", socket.as_raw_fd()))
            .ok()
            .and_then(|l| {
                l.to_str()?
                    .strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .parse::<u64>()
                    .ok()
            });
        let mut buf = vec![0u8; 65_536];
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            if socket.recv(&mut buf).is_ok() {
                n += 1;
            }
        }
        (n, inode.and_then(|i| udp_drops(&[i], port)))
    })
}

#[derive(Debug, Default)]
struct RssTrace {
    /// (seconds since the flood started, kB)
    samples: Vec<(f64, u64)>,
    killed_at_kb: Option<u64>,
}

/// Samples VmRSS every 50 ms; kills the service past `kill_kb`.
fn rss_sampler(stop: Arc<AtomicBool>, pid: u32, t0: Instant, kill_kb: u64) -> JoinHandle<RssTrace> {
    std::thread::spawn(move || {
        let mut t = RssTrace::default();
        while !stop.load(Ordering::Relaxed) {
            let Some(kb) = status_kb(pid, "VmRSS") else {
                break;
            };
            let since = Instant::now()
                .checked_duration_since(t0)
                .map_or_else(|| -(t0 - Instant::now()).as_secs_f64(), |d| d.as_secs_f64());
            t.samples.push((since, kb));
            if kb > kill_kb {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
                t.killed_at_kb = Some(kb);
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        t
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

// ---------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------

/// One line of the accounting table.
struct Check {
    what: String,
    detail: String,
    ok: bool,
}

fn run(opts: &Options) -> Result<bool, String> {
    if !opts.rsu.is_file() {
        return Err(format!(
            "{} not found: cargo build --release -p rsu (or pass --rsu)",
            opts.rsu.display()
        ));
    }
    let dir = std::env::temp_dir().join(format!("rsu-flood-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("repeat")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = run_in(opts, &dir);
    if opts.keep {
        eprintln!("flood: kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

fn run_in(opts: &Options, dir: &Path) -> Result<bool, String> {
    let pid = std::process::id();
    let (tscbm, ifm, metrics) = free_ports().map_err(|e| e.to_string())?;
    let setup = Setup {
        dir: dir.to_owned(),
        // Locally administered and unique per run: the medium may be shared.
        mac: [0x02, 0x00, 0x00, 0xf1, (pid >> 8) as u8, pid as u8],
        tscbm,
        ifm,
        metrics,
        backhaul: UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?,
    };
    setup
        .backhaul
        .set_read_timeout(Some(Duration::from_millis(50)))
        .ok();
    {
        let s = Socket::from(setup.backhaul.try_clone().map_err(|e| e.to_string())?);
        let _ = s.set_recv_buffer_size(8 << 20);
    }
    let pki_dir = setup.dir.join("pki");
    let out = Command::new(&opts.rsu)
        .args(["pki", "init"])
        .arg(&pki_dir)
        .output()
        .map_err(|e| format!("rsu pki init: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rsu pki init: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let config = setup.dir.join("flood.toml");
    std::fs::write(&config, config_text(&setup)).map_err(|e| e.to_string())?;
    let out = Command::new(&opts.rsu)
        .arg("check-config")
        .arg(&config)
        .output()
        .map_err(|e| format!("rsu check-config: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rsu check-config refuses the generated configuration:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }

    eprintln!(
        "flood: issuing {} + {} vehicle certificates",
        opts.good_senders, opts.bad_senders
    );
    let good = vehicles(&pki_dir, opts.good_senders)?;
    let bad = vehicles(&pki_dir, opts.bad_senders)?;

    // The ear first, so nothing the service sends is missed.
    let rx_stop = Arc::new(AtomicBool::new(false));
    let ear = medium_receiver().map_err(|e| format!("medium receiver: {e}"))?;
    let heard = receiver(rx_stop.clone(), ear, setup.mac);
    let backhaul = backhaul_server(
        rx_stop.clone(),
        setup.backhaul.try_clone().map_err(|e| e.to_string())?,
    );

    let log = setup.dir.join("rsu.log");
    let mut service = Service::start(opts, &config, &log)?;
    let started = Instant::now();
    // Ready when /metrics answers.
    loop {
        if !service.alive() {
            rx_stop.store(true, Ordering::Relaxed);
            return Err(format!(
                "rsu exited at start:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            ));
        }
        if scrape(setup.metrics, Duration::from_secs(1)).is_ok() {
            break;
        }
        if started.elapsed() > Duration::from_secs(30) {
            rx_stop.store(true, Ordering::Relaxed);
            return Err("rsu did not answer /metrics within 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let ready_after = started.elapsed();

    let flood_start = Instant::now() + Duration::from_secs_f64(opts.warmup_s);
    let flood_end = flood_start + Duration::from_secs_f64(opts.seconds);
    let clock = Clock {
        stop: Arc::new(AtomicBool::new(false)),
        flood_start,
        flood_end,
    };
    let rss_stop = Arc::new(AtomicBool::new(false));
    let rss = rss_sampler(
        rss_stop.clone(),
        service.pid,
        flood_start,
        (opts.rss_kill_mb * 1024.0) as u64,
    );
    let cpu_before = cpu_seconds(service.pid);
    let tscbm = tscbm_sender(clock.clone(), setup.tscbm, opts.tscbm_total);
    let good_h = bsm_flood(
        clock.clone(),
        setup.mac,
        GOOD_PREFIX,
        good,
        opts.good_bsm_rate,
        false,
    );
    let bad_h = bsm_flood(
        clock.clone(),
        setup.mac,
        BAD_PREFIX,
        bad,
        opts.bad_bsm_rate,
        true,
    );
    let ifm = ifm_sender(clock.clone(), setup.ifm, opts.ifm_total);
    let (stallers, scraper) = http_load(clock.clone(), setup.metrics, opts.stallers);
    let folder = folder_churn(
        clock.clone(),
        setup.dir.join("repeat"),
        opts.fifo,
        opts.symlink,
    );
    eprintln!(
        "flood: rsu pid {} ready after {:.0} ms; warm-up {:.1} s, flood {:.1} s",
        service.pid,
        ready_after.as_secs_f64() * 1e3,
        opts.warmup_s,
        opts.seconds
    );

    // Wait out the window (the threads pace themselves), watching the service.
    let mut died_at = None;
    while Instant::now() < flood_end {
        if died_at.is_none() && !service.alive() {
            died_at = Some(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let (good_sent, good_err) = good_h.join().map_err(|_| "good BSM thread panicked")?;
    let (bad_sent, bad_err) = bad_h.join().map_err(|_| "bad BSM thread panicked")?;
    let (ifm_sent, ifm_err) = ifm.join().map_err(|_| "IFM thread panicked")?;
    let stall = stallers.join().map_err(|_| "staller thread panicked")?;
    let scrapes = scraper.join().map_err(|_| "scraper thread panicked")?;
    let folder = folder.join().map_err(|_| "folder thread panicked")?;
    let flood_done = Instant::now();
    // Settle: queues drain, the last IFMs go out; TSCBM keeps SPaT alive meanwhile.
    std::thread::sleep(Duration::from_secs(2));
    // The controller stops before the final scrape, so that every datagram it counts as sent
    // has had time to be counted by the service: a datagram sent between the scrape and the
    // stop would be missing from the accounting (it happened, one in 20,052). The wait stays
    // well inside the 300 ms controller watchdog.
    clock.stop.store(true, Ordering::Relaxed);
    let (tscbm_sent, tscbm_err) = tscbm.join().map_err(|_| "TSCBM thread panicked")?;
    std::thread::sleep(Duration::from_millis(50));
    let cpu_after = cpu_seconds(service.pid);
    let scraped_at = Instant::now();
    let final_text = scrape(setup.metrics, Duration::from_secs(5));
    // Kernel drops on the service's sockets, read while it is still running.
    let inodes = socket_inodes(&service.pid.to_string());
    let drops_tscbm = udp_drops(&inodes, setup.tscbm.port());
    let drops_ifm = udp_drops(&inodes, setup.ifm.port());
    let drops_medium = udp_drops(&inodes, MEDIUM_PORT);
    let alive_at_end = service.alive();
    let hwm = status_kb(service.pid, "VmHWM");
    std::thread::sleep(Duration::from_millis(300));
    rss_stop.store(true, Ordering::Relaxed);
    let rss = rss.join().map_err(|_| "RSS thread panicked")?;
    let stopped = service.stop(Duration::from_secs(5));
    rx_stop.store(true, Ordering::Relaxed);
    let heard = heard.join().map_err(|_| "receiver thread panicked")?;
    let (backhaul_got, backhaul_drops) = backhaul.join().map_err(|_| "backhaul thread panicked")?;
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();

    // ---- figures ----
    let mut ok = true;
    println!();
    println!(
        "== flood: {:.1} s (warm-up {:.1} s) ==",
        opts.seconds, opts.warmup_s
    );
    println!("{:<44} {:>14}", "input", "sent");
    let rate = |n: u64| n as f64 / opts.seconds;
    println!(
        "{:<44} {:>14}  ({:.0}/s, {} send errors)",
        "BSMs, valid signature",
        good_sent,
        rate(good_sent),
        good_err
    );
    println!(
        "{:<44} {:>14}  ({:.0}/s, {} send errors)",
        "BSMs, bad signature",
        bad_sent,
        rate(bad_sent),
        bad_err
    );
    println!(
        "{:<44} {:>14}  ({} send errors; 10 Hz outside the window)",
        "TSCBM datagrams (whole run)", tscbm_sent, tscbm_err
    );
    println!(
        "{:<44} {:>14}  ({} send errors)",
        "Immediate Forward datagrams", ifm_sent, ifm_err
    );
    println!(
        "{:<44} {:>14}  (server closed {}, answered {}, connect failures {})",
        "stalled HTTP connections opened",
        stall.staller_connects,
        stall.staller_closed_by_server,
        stall.staller_answered,
        stall.staller_connect_failures
    );
    let mut sms = scrapes.scrape_ms.clone();
    sms.sort_by(f64::total_cmp);
    println!(
        "{:<44} {:>14}  (failed {}, p50 {:.1} ms, max {:.1} ms{})",
        "scrapes during the flood",
        scrapes.scrapes_ok,
        scrapes.scrapes_failed,
        percentile(&sms, 50.0),
        sms.last().copied().unwrap_or(f64::NAN),
        scrapes
            .first_failure
            .as_deref()
            .map(|e| format!("; first failure: {e}"))
            .unwrap_or_default()
    );
    println!(
        "{:<44} {:>14}  (removed {}; race.txt flips: file {}, fifo {}, symlink {}; errors {}{})",
        "Store-and-Repeat files written",
        folder.writes,
        folder.removals,
        folder.flips_file,
        folder.flips_fifo,
        folder.flips_symlink,
        folder.errors,
        folder
            .first_error
            .as_deref()
            .map(|e| format!(": {e}"))
            .unwrap_or_default()
    );

    // SPaT spacing within the flood window.
    let in_window: Vec<Instant> = heard
        .spat
        .iter()
        .copied()
        .filter(|t| *t >= flood_start && *t <= flood_done)
        .collect();
    let mut gaps: Vec<f64> = in_window
        .windows(2)
        .map(|w| (w[1] - w[0]).as_secs_f64() * 1e3)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let expected_spats = opts.seconds * 10.0;
    let (p1, p50, p99) = (
        percentile(&gaps, 1.0),
        percentile(&gaps, 50.0),
        percentile(&gaps, 99.0),
    );
    let max_gap = gaps.last().copied().unwrap_or(f64::NAN);
    let missed = gaps.iter().filter(|g| **g > 150.0).count();
    let bunched = gaps.iter().filter(|g| **g < 50.0).count();
    println!();
    println!("== SPaT on the air (PSID 0x82, harness receiver) ==");
    println!(
        "frames in window {} (expected ~{:.0}); spacing p1 {:.2} ms, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        in_window.len(),
        expected_spats,
        p1,
        p50,
        p99,
        max_gap
    );
    println!(
        "gaps > 150 ms: {missed}; spacings < 50 ms: {bunched}; harness receiver kernel drops: {}",
        heard
            .kernel_drops
            .map_or("unknown".into(), |d| d.to_string())
    );
    let tol = opts.spacing_tolerance_ms;
    let spacing_ok = gaps.len() as f64 >= expected_spats * 0.5
        && (100.0 - tol..=100.0 + tol).contains(&p99)
        && (100.0 - tol..=100.0 + tol).contains(&p1);
    if !spacing_ok {
        ok = false;
        println!(
            "FAIL: SPaT spacing p1/p99 must be within 100 ± {tol} ms (and SPaT must be on the air)"
        );
    }
    println!(
        "other frames from the RSU by PSID: {}",
        heard
            .by_psid
            .iter()
            .filter(|(p, _)| **p != PSID_SPAT)
            .map(|(p, n)| format!("0x{p:X}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    // RSS.
    let kb = |v: u64| v as f64 / 1024.0;
    let start_kb = rss.samples.iter().find(|(t, _)| *t >= 0.0).map(|(_, v)| *v);
    let max_kb = rss.samples.iter().map(|(_, v)| *v).max();
    let end_kb = rss.samples.last().map(|(_, v)| *v);
    println!();
    println!("== memory and CPU of the rsu process ==");
    match (start_kb, max_kb, end_kb) {
        (Some(s), Some(m), Some(e)) => {
            println!(
                "RSS at flood start {:.1} MiB, max {:.1} MiB, end {:.1} MiB; VmHWM {} ({} samples)",
                kb(s),
                kb(m),
                kb(e),
                hwm.map_or("unknown".into(), |h| format!("{:.1} MiB", kb(h))),
                rss.samples.len()
            );
            if kb(m) - kb(s) > opts.rss_growth_mb || kb(m) > opts.rss_max_mb {
                ok = false;
                println!(
                    "FAIL: RSS grew by {:.1} MiB (bound {} MiB) or peaked over {} MiB",
                    kb(m) - kb(s),
                    opts.rss_growth_mb,
                    opts.rss_max_mb
                );
            }
        }
        _ => {
            ok = false;
            println!("FAIL: no RSS samples");
        }
    }
    if let Some(k) = rss.killed_at_kb {
        ok = false;
        println!(
            "FAIL: killed at {:.0} MiB RSS (--rss-kill-mb {})",
            kb(k),
            opts.rss_kill_mb
        );
    }
    if let (Some(a), Some(b)) = (cpu_before, cpu_after) {
        println!(
            "CPU {:.2} s over {:.1} s of flood and settling ({:.0}% of one core)",
            b - a,
            (flood_done - flood_start).as_secs_f64() + 2.0,
            100.0 * (b - a) / ((flood_done - flood_start).as_secs_f64() + 2.0)
        );
    }
    let warn_lines = log_text.lines().filter(|l| l.contains("WARN")).count();
    println!(
        "log: {} lines ({} WARN) over the run, {} bytes",
        log_text.lines().count(),
        warn_lines,
        log_text.len()
    );

    // Liveness.
    println!();
    println!("== liveness ==");
    if let Some(t) = died_at {
        ok = false;
        println!(
            "FAIL: rsu exited {:.1} s into the flood",
            (t - flood_start).as_secs_f64()
        );
    }
    println!(
        "alive at the end: {alive_at_end}; stop on SIGTERM: {}",
        stopped.map_or("did not stop within 5 s (killed)".into(), |d| format!(
            "{:.0} ms",
            d.as_secs_f64() * 1e3
        ))
    );
    if stopped.is_none() {
        ok = false;
        println!("FAIL: SIGTERM did not stop the service");
    }

    // Accounting.
    println!();
    println!("== accounting (final /metrics scrape) ==");
    let m = match &final_text {
        Ok(t) => Scrape::parse(t),
        Err(e) => {
            println!("FAIL: final scrape failed: {e}");
            if !log_text.is_empty() {
                println!("log tail:");
                for l in log_text
                    .lines()
                    .rev()
                    .take(10)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                {
                    println!("  {l}");
                }
            }
            return Ok(false);
        }
    };
    let checks = accounting(
        &m,
        &Sent {
            good: good_sent,
            bad: bad_sent,
            foreign: heard.foreign_wsmp,
            tscbm: tscbm_sent,
            ifm: ifm_sent,
        },
        &Drops {
            medium: drops_medium,
            tscbm: drops_tscbm,
            ifm: drops_ifm,
            backhaul_harness: backhaul_drops,
        },
        backhaul_got,
        &heard,
    );
    for c in &checks {
        println!(
            "{} {:<40} {}",
            if c.ok { "ok  " } else { "FAIL" },
            c.what,
            c.detail
        );
        ok &= c.ok;
    }
    println!();
    println!("== not countable, for the record ==");
    let show = |name: &str, want: &[(&str, &str)], by: &str| {
        let v = m.by(name, want, by);
        if m.has(name) {
            format!("{v:?}")
        } else {
            "no sample (family absent)".into()
        }
    };
    println!(
        "{}: {}",
        names::HTTP_REQUESTS,
        show(names::HTTP_REQUESTS, &[], "code")
    );
    println!(
        "{}: {}",
        names::HTTP_DROPPED,
        show(names::HTTP_DROPPED, &[], names::REASON)
    );
    println!(
        "TMC messages from Store-and-Repeat: accepted {:?}, rejected {}, sent {:?}",
        m.sum(names::TMC_ACCEPTED, &[(names::SOURCE, names::SNR)]),
        show(
            names::TMC_REJECTED,
            &[(names::SOURCE, names::SNR)],
            names::REASON
        ),
        m.sum(names::TMC_SENT, &[(names::SOURCE, names::SNR)])
    );
    println!(
        "{}: {}",
        names::SNR_MESSAGES,
        show(names::SNR_MESSAGES, &[], "state")
    );
    println!(
        "Store-and-Repeat frames heard (PSID 0x84): {}",
        heard.by_psid.get(&PSID_SNR).copied().unwrap_or(0)
    );
    println!(
        "{}: {:?}",
        names::SNR_SKIPPED,
        m.sum(names::SNR_SKIPPED, &[])
    );
    println!(
        "{}: {:?}, {}: {:?}, {}: {:?}, {}: {:?}, {}: {:?}",
        names::SCHEDULE_OVERRUNS,
        m.sum(names::SCHEDULE_OVERRUNS, &[]),
        names::SPAT_SUPPRESSED,
        m.sum(names::SPAT_SUPPRESSED, &[]),
        names::CONTROLLER_TIMEOUTS,
        m.sum(names::CONTROLLER_TIMEOUTS, &[]),
        names::SEND_FAILURES,
        m.sum(names::SEND_FAILURES, &[]),
        names::SIGNING_FAILURES,
        m.sum(names::SIGNING_FAILURES, &[]),
    );
    println!(
        "SPaT: {} sent by the service, {} heard by the harness before the final scrape",
        m.sum(names::MESSAGES_SENT, &[(names::TYPE, names::SPAT)])
            .map_or("not exposed".into(), |v| v.to_string()),
        heard.spat.iter().filter(|t| **t <= scraped_at).count()
    );
    println!(
        "the service's own UDP-medium drops (own echoes, malformed, not addressed) are not exposed; \
         stalled HTTP clients are visible only as dropped connections; Store-and-Repeat churn \
         cannot be matched file for file (the scan samples the folder)"
    );
    println!();
    println!("flood: {}", if ok { "PASS" } else { "FAIL" });
    Ok(ok)
}

struct Sent {
    good: u64,
    bad: u64,
    foreign: u64,
    tscbm: u64,
    ifm: u64,
}

struct Drops {
    medium: Option<u64>,
    tscbm: Option<u64>,
    ifm: Option<u64>,
    backhaul_harness: Option<u64>,
}

/// Every input either accepted, rejected by a reason or dropped by a reason.
fn accounting(
    m: &Scrape,
    sent: &Sent,
    drops: &Drops,
    backhaul_got: u64,
    heard: &Heard,
) -> Vec<Check> {
    let mut out = Vec::new();
    let mut check = |what: &str, detail: String, ok: bool| {
        out.push(Check {
            what: what.to_owned(),
            detail,
            ok,
        })
    };
    let missing = |families: &[&str]| -> Option<String> {
        let gone: Vec<&str> = families.iter().copied().filter(|n| !m.has(n)).collect();
        (!gone.is_empty()).then(|| format!("not exposed: {}", gone.join(", ")))
    };
    let v = |name: &str, want: &[(&str, &str)]| m.sum(name, want).unwrap_or(0.0) as u64;
    let rejected_by = |name: &str, want: &[(&str, &str)]| {
        let r = m.by(name, want, names::REASON);
        let total: f64 = r.values().sum();
        (total as u64, r)
    };
    let kd = |d: Option<u64>| d.map_or("?".into(), |d| d.to_string());

    // TSCBM: sent = accepted + rejected{reason} + kernel drops.
    match missing(&[names::CONTROLLER_ACCEPTED]) {
        Some(why) => check("controller (TSCBM)", why, false),
        None => {
            let acc = v(names::CONTROLLER_ACCEPTED, &[]);
            let (rej, reasons) = rejected_by(names::CONTROLLER_REJECTED, &[]);
            let k = drops.tscbm.unwrap_or(0);
            check(
                "controller (TSCBM)",
                format!(
                    "sent {} = accepted {acc} + rejected {rej} {reasons:?} + kernel drops {}",
                    sent.tscbm,
                    kd(drops.tscbm)
                ),
                acc + rej + k == sent.tscbm,
            );
        }
    }

    // Immediate Forward.
    match missing(&[names::TMC_ACCEPTED, names::TMC_SENT]) {
        Some(why) => check("immediate forward", why, false),
        None => {
            let src = [(names::SOURCE, names::IFM)];
            let acc = v(names::TMC_ACCEPTED, &src);
            let (rej, reasons) = rejected_by(names::TMC_REJECTED, &src);
            let k = drops.ifm.unwrap_or(0);
            check(
                "immediate forward: received",
                format!(
                    "sent {} = accepted {acc} + rejected {rej} {reasons:?} + kernel drops {}",
                    sent.ifm,
                    kd(drops.ifm)
                ),
                acc + rej + k == sent.ifm,
            );
            let on_air = v(names::TMC_SENT, &src);
            let (fail, reasons) = rejected_by(names::TMC_SEND_FAILURES, &src);
            check(
                "immediate forward: sent",
                format!("accepted {acc} = sent {on_air} + send failures {fail} {reasons:?}"),
                on_air + fail == acc,
            );
            let tims = heard.by_psid.get(&PSID_TIM).copied().unwrap_or(0);
            let rd = heard.kernel_drops.unwrap_or(0);
            check(
                "immediate forward: on the air",
                format!(
                    "heard {tims} TIMs (PSID 0x83) of {on_air} sent (harness receiver drops {})",
                    kd(heard.kernel_drops)
                ),
                tims <= on_air && on_air - tims <= rd,
            );
        }
    }

    // The radio: harness frames (+ foreign ones) = frames the service counted + kernel drops.
    match missing(&[names::RX_FRAMES, names::RX_VERIFIED]) {
        Some(why) => check("radio receive", why, false),
        None => {
            let wsmp = v(names::RX_FRAMES, &[(names::NETWORK, names::WSMP)]);
            let offered = sent.good + sent.bad + sent.foreign;
            let k = drops.medium.unwrap_or(0);
            check(
                "radio: frames received",
                format!(
                    "offered {offered} (valid {} + bad {} + foreign {}) = wsmp frames {wsmp} + at most kernel drops {} (which include the service's own echoes)",
                    sent.good,
                    sent.bad,
                    sent.foreign,
                    kd(drops.medium)
                ),
                wsmp <= offered && offered - wsmp <= k,
            );
            let (rx_drop, reasons) = rejected_by(names::RX_DROPPED, &[]);
            let outcomes = m.by(names::RX_VERIFIED, &[], names::OUTCOME);
            let verified = outcomes.get(names::VERIFIED).copied().unwrap_or(0.0) as u64;
            let decided: u64 = outcomes.values().sum::<f64>() as u64;
            check(
                "radio: every frame decided",
                format!(
                    "wsmp frames {wsmp} = verification outcomes {decided} + dropped {rx_drop} {reasons:?}"
                ),
                decided + rx_drop == wsmp,
            );
            let no_rule = reasons.get(names::NO_RULE).copied().unwrap_or(0.0) as u64;
            let lost = (sent.good + sent.bad + sent.foreign).saturating_sub(wsmp);
            // Frames the service dropped before deciding (a full verification queue), each
            // counted by its reason.
            let undecided = rx_drop - no_rule;
            let failed = decided - verified;
            check(
                "verification",
                format!(
                    "valid {} -> verified {verified}; bad {} -> not verified {failed} {outcomes:?}; kernel-lost {lost}; dropped undecided {undecided}; no rule {no_rule}",
                    sent.good, sent.bad
                ),
                verified <= sent.good
                    && failed <= sent.bad
                    && (sent.good - verified) + (sent.bad - failed) <= lost + undecided
                    && no_rule <= sent.foreign,
            );
            let fwd = v(names::FORWARDED, &[]);
            let (skipped, why) = rejected_by(names::FORWARD_SKIPPED, &[]);
            check(
                "forwarding rule",
                format!("decided {decided} = forwarded {fwd} + skipped {skipped} {why:?}"),
                fwd + skipped == decided && fwd == verified,
            );
            let bs = v(names::BACKHAUL_SENT, &[]);
            let (bd, why) = rejected_by(names::BACKHAUL_DROPPED, &[]);
            check(
                "backhaul",
                format!(
                    "forwarded {fwd} = sent {bs} + dropped {bd} {why:?}; harness server got {backhaul_got} (its kernel drops {})",
                    kd(drops.backhaul_harness)
                ),
                bs + bd == fwd && backhaul_got + drops.backhaul_harness.unwrap_or(0) == bs,
            );
        }
    }
    out
}
