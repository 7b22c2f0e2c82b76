//! `rsu run`: the service as a process, with its embedded demo default.
//!
//! Without `--config` it runs the demo: config/demo.toml (compiled in), a test PKI made in
//! a temporary folder (or `--pki DIR`), the loopback radio with one listening OBU that
//! verifies what it hears, and a status line once a second.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rsu_hw::radio::udp::UdpConfig;
use rsu_hw::{AnyRadio, Backend, LinkType, LoopbackMedium, Radio, RadioError, UdpMedium};
use tracing::{info, warn};

use crate::clock::{Clock, SystemClock};
use crate::config::{self, RadioBackend, ServiceConfig};
use crate::controller::Light;
use crate::preflight;
use crate::runtime::{self, Status};
use crate::telemetry::{http, logging, metrics::Metrics};

mod signals;

/// The embedded demo configuration.
pub const DEMO_CONFIG: &str = include_str!("../../config/demo.toml");

/// The EU demo's own sections; its intersection is the US demo's.
pub const DEMO_EU_HEAD: &str = include_str!("../../config/demo-eu.toml");

/// The embedded demo of `region`: the US one, or the EU head with the US demo's
/// intersection (everything from its first `[[intersection]]` on).
pub fn demo_text(region: DemoRegion) -> std::borrow::Cow<'static, str> {
    match region {
        DemoRegion::Us => DEMO_CONFIG.into(),
        DemoRegion::Eu => {
            let at = DEMO_CONFIG.find("\n[[intersection]]").unwrap_or(0);
            format!("{DEMO_EU_HEAD}{}", &DEMO_CONFIG[at..]).into()
        }
    }
}

/// Which standards the embedded demo speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DemoRegion {
    /// J2735 over WSMP on DSRC channel 172.
    #[default]
    Us,
    /// SPATEM and MAPEM over GeoNetworking on ITS-G5 channel 180.
    Eu,
}

/// What `rsu run` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// A configuration file; `None` runs the demo.
    pub config: Option<PathBuf>,
    /// Capture what goes on the air to this pcap file.
    pub pcap: Option<PathBuf>,
    /// The demo's test PKI folder (created if empty, reused if present).
    pub pki: Option<PathBuf>,
    /// The demo's region (only without `config`).
    pub region: DemoRegion,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Log as JSON lines instead of text (overrides the configuration).
    pub json_logs: bool,
    /// Print the status line (default: on for the demo, off with a configuration).
    pub status: Option<bool>,
}

/// Why `rsu run` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Start(#[from] runtime::StartError),
    #[error("test PKI in {dir}: {message}")]
    Pki { dir: String, message: String },
    #[error("radio: {0}")]
    Radio(#[from] RadioError),
    #[error("pcap {path}: {source}")]
    Pcap {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("metrics endpoint: {0}")]
    Metrics(String),
    #[error("logging: {0}")]
    Log(String),
    #[error("tokio runtime: {0}")]
    Runtime(std::io::Error),
}

/// A folder removed when dropped (the demo's temporary PKI).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Loads the demo configuration of `region` over a test PKI in `dir`, creating the PKI (US
/// or EU-shaped) if absent.
pub fn demo_config(
    dir: &Path,
    now_unix: i64,
    region: DemoRegion,
) -> Result<ServiceConfig, RunError> {
    let pki_err = |message: String| RunError::Pki {
        dir: dir.display().to_string(),
        message,
    };
    let have = ["root.oer", "rsu.oer", "rsu-key.pem"]
        .iter()
        .filter(|f| dir.join(f).exists())
        .count();
    match have {
        3 => {}
        0 => match region {
            DemoRegion::Us => {
                rsu_security::pki::init(dir, now_unix, &rsu_security::pki::InitOptions::default())
                    .map(drop)
                    .map_err(|e| pki_err(e.to_string()))?;
            }
            DemoRegion::Eu => {
                rsu_security::pki::init_eu(
                    dir,
                    now_unix,
                    &rsu_security::pki::EuInitOptions::default(),
                )
                .map(drop)
                .map_err(|e| pki_err(e.to_string()))?;
            }
        },
        _ => {
            return Err(pki_err(
                "holds part of a test PKI (root.oer, rsu.oer, rsu-key.pem): use an empty or complete folder"
                    .into(),
            ));
        }
    }
    Ok(config::parse(&demo_text(region), "embedded demo configuration", dir)?.config)
}

/// Runs the service until SIGINT, SIGTERM or the duration; blocks the calling thread.
pub fn run(opts: RunOptions) -> Result<(), RunError> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let now_unix = clock.now_micros() / 1_000_000;
    let demo = opts.config.is_none();
    let mut _temp = None;
    // The same preflight as check-config: everything that can refuse the configuration is
    // checked before anything starts.
    let ready = match &opts.config {
        Some(path) => preflight::preflight(path, clock.now_micros())?,
        None => {
            let dir = match &opts.pki {
                Some(d) => d.clone(),
                None => {
                    let d =
                        std::env::temp_dir().join(format!("rsu-demo-pki-{}", std::process::id()));
                    _temp = Some(TempDir(d.clone()));
                    d
                }
            };
            demo_config(&dir, now_unix, opts.region)?;
            preflight::preflight_text(
                &demo_text(opts.region),
                "embedded demo configuration",
                &dir,
                clock.now_micros(),
            )?
        }
    };
    let preflight::Ready {
        config,
        warnings,
        signers,
    } = ready;
    let format = if opts.json_logs {
        logging::LogFormat::Json
    } else {
        config.log_format
    };
    logging::init(format, &config.log_level).map_err(|e| RunError::Log(e.to_string()))?;
    for w in &warnings {
        warn!(field = %w.field, line = ?w.line, "{}", w.message);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(RunError::Runtime)?;
    let status = opts.status.unwrap_or(demo);
    let result = runtime.block_on(serve(config, signers, opts, clock, demo, status));
    // A Store-and-Repeat scan stuck in a hung filesystem, or a reload stuck reading a file (a
    // FIFO, a hung network file system), must not keep the process from exiting: blocking
    // tasks get a moment, then are left behind.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

/// Everything a radio backend needs to start broadcasting, whichever it is.
struct Launch {
    config: ServiceConfig,
    opts: RunOptions,
    clock: Arc<dyn Clock>,
    metrics: Metrics,
    signer: Option<runtime::Signers>,
    status_line: bool,
    obu: Option<Arc<Mutex<ObuCount>>>,
    /// The broadcast thread's runtime; the radio is created inside it (see `runtime`).
    broadcast_rt: runtime::BroadcastRuntime,
}

async fn serve(
    mut config: ServiceConfig,
    signer: Option<runtime::Signers>,
    opts: RunOptions,
    clock: Arc<dyn Clock>,
    demo: bool,
    status_line: bool,
) -> Result<(), RunError> {
    let metrics = Metrics::new();
    if let Some(addr) = config.metrics_listen {
        let listener = http::bind(addr)
            .await
            .map_err(|e| RunError::Metrics(e.to_string()))?;
        // The bound address: with port 0 the system picks one.
        let addr = listener.local_addr().unwrap_or(addr);
        info!(%addr, "metrics at http://{addr}/metrics");
        tokio::spawn(http::serve(
            listener,
            metrics.clone(),
            std::future::pending(),
        ));
    }
    if demo
        && let Some(ifm) = &config.immediate_forward
        && let Err(e) = std::net::UdpSocket::bind(ifm.listen)
    {
        // Another demo (or an RSU) has the port: the demo still broadcasts.
        warn!(addr = %ifm.listen, error = %e, "demo: Immediate Forward disabled, its port is taken");
        config.immediate_forward = None;
    }
    let radio = config.radio.clone();
    let broadcast_rt = runtime::BroadcastRuntime::new().map_err(RunError::Runtime)?;
    let mut launch = Launch {
        config,
        opts,
        clock,
        metrics,
        signer,
        status_line,
        obu: None,
        broadcast_rt,
    };
    let backend = match &radio.backend {
        RadioBackend::Loopback => {
            // No I/O registration: the loopback medium is a mutex and a Notify.
            let medium = LoopbackMedium::new(Default::default());
            let node = medium.node(radio.mac, radio.channels);
            launch.obu = demo.then(|| demo_obu(&medium, &launch.config));
            Backend::Loopback(node)
        }
        RadioBackend::Udp => {
            let _broadcast = launch.broadcast_rt.enter();
            Backend::Udp(UdpMedium::open(
                radio.mac,
                radio.channels,
                UdpConfig::default(),
            )?)
        }
        RadioBackend::Raw(iface) => raw(iface, &launch)?,
    };
    // One concrete radio type, so the service is compiled once, not once per backend.
    let radio = match &launch.opts.pcap {
        Some(path) => {
            let radio =
                AnyRadio::captured(backend, path, LinkType::Ethernet).map_err(|source| {
                    RunError::Pcap {
                        path: path.display().to_string(),
                        source,
                    }
                })?;
            info!(path = %path.display(), "capturing what goes on the air");
            radio
        }
        None => AnyRadio::new(backend),
    };
    broadcast(radio, launch).await
}

#[cfg(target_os = "linux")]
fn raw(iface: &str, launch: &Launch) -> Result<Backend, RunError> {
    let _broadcast = launch.broadcast_rt.enter();
    Ok(Backend::Raw(rsu_hw::radio::RawSocketRadio::open(
        iface,
        launch.config.radio.channels,
    )?))
}

#[cfg(not(target_os = "linux"))]
fn raw(_iface: &str, _launch: &Launch) -> Result<Backend, RunError> {
    Err(RunError::Radio(RadioError::Refused(
        "the raw-socket radio needs Linux (AF_PACKET)".into(),
    )))
}

async fn broadcast(radio: AnyRadio, launch: Launch) -> Result<(), RunError> {
    let Launch {
        config,
        opts,
        clock,
        metrics,
        signer,
        status_line,
        obu,
        broadcast_rt,
    } = launch;
    let mut service = runtime::prepare(&config, radio, clock, metrics, signer).await?;
    let handle = service.handle();
    let reloader = service.reloader();
    if status_line {
        tokio::spawn(print_status(handle.status.clone(), obu));
    }
    let duration = opts.duration;
    let shutdown = async move {
        match duration {
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending().await,
        }
    };
    let signals = signals::Signals::new(opts.config.clone(), reloader);
    service
        .run_threaded(broadcast_rt, signals.until_stop(shutdown))
        .await
        .map_err(RunError::Runtime)
}

/// What the demo's OBU heard in the last second.
#[derive(Debug, Default)]
pub struct ObuCount {
    pub verified: u64,
    pub failed: u64,
}

/// A vehicle on the loopback medium that verifies every frame against the demo's root CA.
fn demo_obu(medium: &LoopbackMedium, config: &ServiceConfig) -> Arc<Mutex<ObuCount>> {
    use rsu_hw::demux::{Network, demux};
    use rsu_security::trust::{TrustConfig, TrustStore};
    use rsu_security::verify::{Verifier, VerifierConfig};
    let count = Arc::new(Mutex::new(ObuCount::default()));
    let obu = medium.node(
        rsu_hw::MacAddr::local([0x02, 0, 0, 0, 0x0b, 0x01]),
        config.radio.channels,
    );
    let mut store = TrustStore::new(TrustConfig::default());
    if let config::SecurityConfig::Sign {
        trust_store: Some(dir),
        ..
    } = &config.security
        && let Err(e) = store.load_dir(dir)
    {
        warn!(error = %e, "demo OBU: no trust store");
    }
    let mut verifier = Verifier::new(store, VerifierConfig::default());
    let out = count.clone();
    tokio::spawn(async move {
        while let Ok(frame) = obu.recv().await {
            let ok = match demux(&frame) {
                Ok(
                    Network::Wsmp { data, .. }
                    | Network::GeoNetworkingSecured { secured: data, .. },
                ) => {
                    let now = SystemClock.now_micros();
                    verifier
                        .verify(&data, now)
                        .map(|o| o.is_valid())
                        .unwrap_or(false)
                }
                _ => false,
            };
            if let Ok(mut c) = out.lock() {
                if ok {
                    c.verified += 1;
                } else {
                    c.failed += 1;
                }
            }
        }
    });
    count
}

/// Prints one status line a second: lights, rates, latency, and what the OBU verified.
async fn print_status(status: Arc<Mutex<Status>>, obu: Option<Arc<Mutex<ObuCount>>>) {
    // Windows start halfway between two SPaT slots, so each holds whole slots although the
    // broadcast runs on another thread with its own timers.
    let origin = loop {
        let origin = match status.lock() {
            Ok(s) => s.window_origin,
            Err(_) => return,
        };
        match origin {
            Some(origin) => break origin,
            None => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    };
    let period = Duration::from_secs(1);
    let mut tick = tokio::time::interval_at(origin + period, period);
    if let Ok(mut s) = status.lock() {
        // What went before the first window is not part of it.
        s.take_window();
    }
    loop {
        tick.tick().await;
        let Ok(window) = status.lock().map(|mut s| s.take_window()) else {
            return;
        };
        let heard = obu
            .as_ref()
            .and_then(|o| o.lock().ok().map(|mut c| std::mem::take(&mut *c)));
        let line = status_line(&window, heard.as_ref());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
    }
}

/// The status line for one second's window.
pub fn status_line(window: &Status, obu: Option<&ObuCount>) -> String {
    let mut line = String::new();
    for ix in &window.intersections {
        line.push_str(&format!("{}", ix.id));
        if !ix.live {
            line.push_str(" [controller silent]");
        }
        line.push(':');
        for (group, light) in &ix.lights {
            let c = match light {
                Light::Green => 'G',
                Light::Yellow => 'Y',
                Light::Red => 'r',
                Light::Dark => '-',
            };
            line.push_str(&format!(" {group}{c}"));
        }
        line.push_str(" | ");
    }
    let mut lat = window.latencies_us.clone();
    lat.sort_unstable();
    let pct = |p: f64| -> Option<u32> {
        let n = lat.len();
        (n > 0).then(|| lat[((n as f64 * p).ceil() as usize).clamp(1, n) - 1])
    };
    line.push_str(&format!(
        "SPaT {}/s MAP {}/s",
        window.spat_sent, window.map_sent
    ));
    match (pct(0.5), pct(0.99)) {
        (Some(p50), Some(p99)) => line.push_str(&format!(" | latency p50 {p50} µs p99 {p99} µs")),
        _ => line.push_str(" | latency -"),
    }
    if window.tmc_sent > 0 {
        line.push_str(&format!(" | IFM/S&R {}", window.tmc_sent));
    }
    if let Some(o) = obu {
        line.push_str(&format!(" | OBU verified {}", o.verified));
        if o.failed > 0 {
            line.push_str(&format!(" failed {}", o.failed));
        }
    }
    line
}

/// `rsu check-config FILE`: the report, and whether the file is usable. Runs the same
/// [`preflight`] as `rsu run`, so it refuses whatever the start would.
pub fn check_config(path: &Path) -> (String, bool) {
    match preflight::preflight(path, SystemClock.now_micros()) {
        Ok(loaded) => {
            let c = &loaded.config;
            let mut out = format!(
                "{}: OK: RSU `{}`, {} intersection{}, radio {:?} channel {}, signing {}",
                path.display(),
                c.name,
                c.intersections.len(),
                if c.intersections.len() == 1 { "" } else { "s" },
                c.radio.backend,
                c.radio.channel,
                if matches!(c.security, config::SecurityConfig::Off) {
                    "off"
                } else {
                    "on"
                },
            );
            for w in &loaded.warnings {
                out.push_str(&format!("\nwarning: {w}"));
            }
            (out, true)
        }
        Err(e) => (format!("{e}"), false),
    }
}
