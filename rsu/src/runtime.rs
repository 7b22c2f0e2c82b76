//! The running service: sockets, timers and tasks around the pure parts.
//!
//! One task per controller input publishes the latest [`ControllerState`] on a watch
//! channel. The broadcast loop sleeps until the [`Scheduler`]'s next slot, then for each
//! due message reads the freshest state, applies the watchdog, builds, encodes, signs,
//! frames and sends. Nothing on that path waits for a controller or a socket other than the
//! radio's own send.
//!
//! ## Two runtimes: nothing on the input side can stall the broadcast
//!
//! `rsu run` ([`Service::run_threaded`]) runs the broadcast loop (SPaT and MAP timing,
//! building, signing, framing, sending) alone on a dedicated OS thread with its own
//! current-thread tokio runtime ([`BroadcastRuntime`]). Every input path (TSCBM inputs,
//! Immediate Forward, Store-and-Repeat, the receive and forwarding path), the metrics
//! endpoint, the status line, metrics upkeep, signal handling and configuration reloads run
//! on the caller's runtime. The two share only values that are never held across a wait:
//! watch channels (controller state), the status board's mutex, metric atomics and the
//! radio. A blocking call, a hung file system, a verification backlog or an HTTP flood on
//! the input side thus delays its own runtime, never a SPaT. One thread rather than a
//! multi-threaded runtime because a work-stealing pool gives no such guarantee: a task
//! that blocks a worker can hold the broadcast task queued behind it.
//!
//! The radio is created inside [`BroadcastRuntime::enter`], so the sockets of the UDP and
//! raw backends register with the broadcast runtime's I/O driver: a send that has to wait
//! for the socket to become writable is woken by the broadcast thread itself, which is
//! never blocked. Input tasks that receive on, or send through, the same radio are woken
//! by that driver too (tokio lets any runtime poll a resource; only the owning runtime's
//! driver delivers its readiness). Had the radio been created on the input runtime, a send
//! that met a full socket buffer would wait for the input thread to turn its driver. The
//! loopback radio has no I/O registration at all (a mutex and a `Notify`), and the pcap
//! capture only wraps another radio (its file writes are synchronous and short).
//!
//! [`Service::run`] is the same loop as a plain future on the caller's runtime, which the
//! hardware-in-the-loop tests drive on tokio's paused clock.
//!
//! A reload ([`Reloader`], SIGHUP) reads, checks and prepares the new configuration on the
//! input side (file reading, parsing and signer loading on a blocking thread) and hands the
//! broadcast loop a finished set of stations, signer and timetable, which it swaps in
//! between two slots. Unchanged intersections keep their station, input task, SPaT count
//! and place in the timetable, so their SPaT goes on without a gap.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rsu_hw::Radio;
use rsu_security::cert::Certificate;
use rsu_security::sign::{self, InclusionPolicy, Signer};
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio::time::Instant;
use tracing::{debug, info, warn};

use crate::clock::{Clock, UnixMillis};
use crate::config::{
    ControllerInput, IntersectionConfig, MapSource, OnSilence, SecurityConfig, ServiceConfig,
};
use crate::controller::{ControllerState, Light, tscbm};
use crate::intersection::Intersection;
use crate::j2735::map::{self, RevisionStore};
use crate::region::{Content, MessageSet, Output};
use crate::scheduler::{Scheduler, Stream};
use crate::telemetry::metrics::{IntersectionMetrics, MessageMetrics, Metrics};
use crate::telemetry::throttle::{LogLimiter, warn_limited};

mod receive;
mod reload;
#[cfg(test)]
mod tests;
mod thread;
mod tmc;
mod verify_pool;

pub use reload::{RESTART_ONLY, ReloadError, ReloadReport, Reloader};
pub use thread::BroadcastRuntime;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The certificate, key or trust store is unusable; `field` is the configuration field
    /// to fix (`security.key`).
    #[error("`{field}`: {message}")]
    Security {
        field: &'static str,
        message: String,
    },
    /// A socket could not be bound.
    #[error("{what} {addr}: {source}")]
    Bind {
        what: &'static str,
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The MAP of an intersection cannot be built or encoded.
    #[error("intersection {id}: MAP: {message}")]
    Map { id: u16, message: String },
    /// A WSMP header cannot be built for a configured PSID and channel.
    #[error("WSMP header for PSID {psid}: {message}")]
    Header { psid: rsu_hw::Psid, message: String },
    /// A verification worker thread could not be started.
    #[error("verification worker thread: {0}")]
    Worker(#[source] std::io::Error),
    /// The timetable cannot be built.
    #[error("schedule: {0}")]
    Schedule(#[from] crate::scheduler::ScheduleError),
    /// A configured region cannot be carried; `field` is the configuration field to fix.
    #[error("`{field}`: {message}")]
    Region {
        field: &'static str,
        message: String,
    },
}

/// A controller observation and when it arrived on the monotonic clock.
#[derive(Debug, Clone)]
pub struct Observation {
    pub state: ControllerState,
    pub received: Instant,
}

/// Each signal group's id and light.
pub type Lights = Vec<(u8, Light)>;

/// One intersection on the status line.
#[derive(Debug, Default, Clone)]
pub struct IntersectionStatus {
    pub id: u16,
    /// Each signal group's id and light, as of the last SPaT.
    pub lights: Lights,
    /// Whether the controller's state is fresh.
    pub live: bool,
}

/// What the status line shows, updated by the broadcast loop.
#[derive(Debug, Default, Clone)]
pub struct Status {
    /// Per intersection, in configuration order.
    pub intersections: Vec<IntersectionStatus>,
    /// Signal state and MAP slots sent (in at least one region) since the last
    /// [`Status::take_window`].
    pub spat_sent: u64,
    pub map_sent: u64,
    /// Immediate Forward and Store-and-Repeat messages sent.
    pub tmc_sent: u64,
    /// Encode-sign-frame-send latencies in µs since the last take: the latest
    /// [`Status::LATENCY_SAMPLES`] of them, in no particular order (a ring, so that a board
    /// nobody reads stays the same size however long the RSU runs).
    pub latencies_us: Vec<u32>,
    /// Where the next sample goes once the ring is full.
    latency_next: usize,
    /// An instant halfway between two SPaT slots, set when broadcasting starts: a reader
    /// that takes windows from there (the status line) counts whole slots, however the
    /// broadcast thread's and its own timers jitter.
    pub window_origin: Option<Instant>,
}

impl Status {
    /// Latency samples kept between takes: a second of SPaT and MAP for 46 intersections at
    /// 10 Hz + 1 Hz, more than the status line's one-second window ever needs.
    pub const LATENCY_SAMPLES: usize = 512;

    /// Records one send latency; once the window holds [`Status::LATENCY_SAMPLES`], the
    /// oldest is overwritten (no allocation after the first fill).
    pub fn record_latency(&mut self, us: u32) {
        if self.latencies_us.len() < Self::LATENCY_SAMPLES {
            if self.latencies_us.capacity() == 0 {
                self.latencies_us.reserve_exact(Self::LATENCY_SAMPLES);
            }
            self.latencies_us.push(us);
        } else if let Some(slot) = self.latencies_us.get_mut(self.latency_next) {
            *slot = us;
        }
        self.latency_next = (self.latency_next + 1) % Self::LATENCY_SAMPLES;
    }

    /// Returns the counts and latencies of the window and starts a new one.
    pub fn take_window(&mut self) -> Status {
        let out = self.clone();
        self.spat_sent = 0;
        self.map_sent = 0;
        self.tmc_sent = 0;
        self.latencies_us.clear();
        self.latency_next = 0;
        out
    }
}

/// Handles to a running service for whoever started it.
#[derive(Debug, Clone)]
pub struct ServiceHandle {
    /// The service's metrics.
    pub metrics: Metrics,
    /// The status board.
    pub status: Arc<Mutex<Status>>,
    /// Per intersection (config order): silences a simulated controller while true, as if
    /// its cable were pulled (the watchdog tests).
    pub silence: Vec<watch::Sender<bool>>,
    /// The addresses the TSCBM inputs are bound to (config order; None for simulated ones).
    pub tscbm_addrs: Vec<Option<SocketAddr>>,
    /// The address the Immediate Forward listener is bound to.
    pub immediate_forward_addr: Option<SocketAddr>,
    // `silence`, `tscbm_addrs` and `immediate_forward_addr` describe the configuration the
    // service started with; a reload does not update a handle taken before it.
}

/// The RSU's signers: one per broadcast region (in `regions` order; each keeps its own
/// certificate-inclusion timing), and one shared by Immediate Forward and
/// Store-and-Repeat, so neither path ever waits for the other's signing.
#[derive(Debug)]
pub struct Signers {
    pub broadcast: Vec<Signer>,
    /// One per region too: each region's TMC carrier signs under its own profile.
    pub tmc: Vec<Signer>,
}

/// Builds the signers from the configuration and proves they work: one SPDU per PSID the
/// RSU signs is signed and verified against the trust store (when given) before anything is
/// sent.
pub fn load_signer(config: &ServiceConfig, now_us: i64) -> Result<Option<Signers>, StartError> {
    let ServiceConfig {
        security,
        tmc_messages,
        ..
    } = config;
    let SecurityConfig::Sign {
        certificate,
        key,
        trust_store,
        certificate_interval,
    } = security
    else {
        return Ok(None);
    };
    let fail = |field: &'static str, what: &Path, e: &dyn std::fmt::Display| {
        let (shown, message) = (what.display().to_string(), e.to_string());
        StartError::Security {
            field,
            // Some errors name the file already.
            message: if message.starts_with(&shown) {
                message
            } else {
                format!("{shown}: {message}")
            },
        }
    };
    const CERT: &str = "security.certificate";
    const KEY: &str = "security.key";
    let bytes = std::fs::read(certificate).map_err(|e| fail(CERT, certificate, &e))?;
    let cert = Arc::new(Certificate::from_coer(&bytes).map_err(|e| fail(CERT, certificate, &e))?);
    let make = || -> Result<Signer, StartError> {
        // Unreadable, readable by every user, not a key, or not the certificate's key.
        let backend = sign::load_key_file(key).map_err(|e| fail(KEY, key, &e))?;
        let mut signer = Signer::new(backend, cert.clone()).map_err(|e| fail(KEY, key, &e))?;
        signer.policy = InclusionPolicy {
            interval_us: i64::try_from(certificate_interval.as_micros()).unwrap_or(i64::MAX),
        };
        Ok(signer)
    };
    let mut verifier = match trust_store {
        Some(dir) => {
            let mut store = TrustStore::new(TrustConfig::default());
            store
                .load_dir(dir)
                .map_err(|e| fail("security.trust_store", dir, &e))?;
            Some(Verifier::new(store, VerifierConfig::default()))
        }
        None => None,
    };
    // A throw-away signer for the self-test, so the first message on the air still carries
    // the certificate.
    let mut probe = make()?;
    // Each PSID the RSU signs, with the field that asks for it.
    let mut psids = crate::region::signed_psids(config);
    psids.extend(
        tmc_messages
            .iter()
            .enumerate()
            .filter(|(_, m)| m.sign != crate::config::SignPolicy::Never)
            .map(|(i, m)| (m.psid, format!("tmc_message[{i}].psid"))),
    );
    for (psid, asked_by) in psids {
        let spdu = probe
            .sign(u64::from(psid.value()), b"self-test", now_us)
            .map_err(|e| match e {
                sign::SignError::PsidNotPermitted(_) => fail(
                    CERT,
                    certificate,
                    &format!("does not permit PSID {psid}, which `{asked_by}` signs"),
                ),
                other => fail(
                    CERT,
                    certificate,
                    &format!("cannot sign PSID {psid}: {other}"),
                ),
            })?;
        if let Some(v) = verifier.as_mut() {
            let out = v.verify(&spdu, now_us).map_err(|e| {
                fail(
                    CERT,
                    certificate,
                    &format!("self-test SPDU unreadable: {e}"),
                )
            })?;
            if let Some(reason) = &out.reason {
                return Err(fail(
                    CERT,
                    certificate,
                    &format!(
                        "a message signed with it does not verify against the trust store (`security.trust_store`): {reason}"
                    ),
                ));
            }
        }
    }
    Ok(Some(Signers {
        broadcast: config
            .regions
            .iter()
            .map(|_| make())
            .collect::<Result<_, _>>()?,
        tmc: config
            .regions
            .iter()
            .map(|_| make())
            .collect::<Result<_, _>>()?,
    }))
}

/// Per-intersection state of the broadcast loop.
struct Station {
    model: Intersection,
    watchdog: Duration,
    on_silence: OnSilence,
    feed: watch::Receiver<Option<Observation>>,
    /// The simulated controller, polled at each SPaT slot unless silenced.
    simulated: Option<crate::controller::sim::SimulatedController>,
    silenced: watch::Receiver<bool>,
    /// The simulated controller's last report.
    last: Option<Observation>,
    /// Whether the controller is currently past its watchdog.
    silent: bool,
    /// When the service started: before the first state, the controller gets one watchdog
    /// period of grace.
    started: Instant,
    /// IntersectionState.revision: +1 per SPaT sent, 127 wraps to 0.
    spat_count: u8,
    /// When the last SPaT went out (a reload uses it to keep the spacing).
    last_spat: Option<Instant>,
    /// Per output (in the outputs' order): the MAP encoded for its region and the message
    /// metrics, or `None` where the intersection is not broadcast in that region.
    outputs: Vec<Option<StationOutput>>,
    /// The reference point, for framings that address an area around the intersection.
    target: crate::region::Target,
    metrics: IntersectionMetrics,
}

/// An intersection's share of one output.
struct StationOutput {
    map: Vec<u8>,
    /// The message types (`spat`, `mapem`…) for metrics and logs.
    types: [&'static str; 2],
    spat_metrics: MessageMetrics,
    map_metrics: MessageMetrics,
}

impl Station {
    /// Encodes this slot's SPaT for every output (into each one's buffer; an encoding
    /// failure is that output's result) and returns the lights for the status board, or
    /// `None` when the controller is silent and SPaT stops. Applies the watchdog.
    /// Synchronous, so the watch channel's guard is never held across the send's await, and
    /// only encoding happens under it: signing follows once it is released.
    fn next_spat(
        &mut self,
        now: UnixMillis,
        outputs: &mut [Output],
        encoded: &mut Vec<Option<Result<Content, crate::tx::TxError>>>,
    ) -> Option<Option<Lights>> {
        let mono = Instant::now();
        if let Some(sim) = &self.simulated
            && !*self.silenced.borrow()
        {
            self.metrics.controller_packets.increment(1);
            self.last = Some(Observation {
                state: sim.state_at(now),
                received: mono,
            });
        }
        // Borrowed, not cloned.
        let feed = self.feed.borrow();
        let observed = match &self.simulated {
            Some(_) => self.last.as_ref(),
            None => feed.as_ref(),
        };
        let fresh = observed.filter(|o| mono.duration_since(o.received) <= self.watchdog);
        match (fresh.is_some(), self.silent) {
            (false, false)
                if observed.is_some() || mono.duration_since(self.started) > self.watchdog =>
            {
                self.silent = true;
                self.metrics.controller_timeouts.increment(1);
                self.metrics.controller_silent.set(1.0);
                warn!(
                    intersection = self.model.id,
                    watchdog_ms = self.watchdog.as_millis() as u64,
                    action = ?self.on_silence,
                    "controller silent: no fresh state within the watchdog time"
                );
            }
            (true, true) => {
                self.silent = false;
                self.metrics.controller_silent.set(0.0);
                info!(intersection = self.model.id, "controller data resumed");
            }
            _ => {}
        }
        let empty;
        let (state, valid) = match fresh {
            Some(o) => (&o.state, true),
            // With no state every movement is unavailable, without timing, and the status
            // says noValidSPATisAvailableAtThisTime.
            None if self.on_silence == OnSilence::MarkInvalid && self.silent => {
                empty = ControllerState::empty(now);
                (&empty, false)
            }
            None => {
                self.metrics.spat_suppressed.increment(1);
                return None;
            }
        };
        let slot = crate::region::Slot {
            model: &self.model,
            state,
            valid,
            count: self.spat_count,
            now,
        };
        encoded.clear();
        for (out, carried) in outputs.iter_mut().zip(&self.outputs) {
            encoded.push(
                carried
                    .as_ref()
                    .map(|_| out.messages.encode_spat(&slot, &mut out.encoded)),
            );
        }
        let lights = fresh.map(|o| {
            self.model
                .signal_groups
                .iter()
                .map(|g| {
                    let light = o
                        .state
                        .indication(g.source)
                        .map_or(Light::Dark, |x| x.light);
                    (g.id, light)
                })
                .collect::<Lights>()
        });
        self.spat_count = (self.spat_count + 1) % 128;
        Some(lights)
    }
}

/// Everything the broadcast loop needs, built by [`prepare`].
pub struct Service<R: Radio> {
    broadcast: Broadcast<R>,
    inputs: Arc<tokio::sync::Mutex<reload::Inputs<R>>>,
    handle: ServiceHandle,
}

/// The broadcast loop's own state: all of it moves to the broadcast thread.
struct Broadcast<R: Radio> {
    radio: Arc<R>,
    clock: Arc<dyn Clock>,
    /// The regions this radio carries: every SPaT and MAP goes out on each.
    outputs: Vec<Output>,
    /// Per output, whether this slot's SPaT encoded (`None`: the intersection is not
    /// broadcast there); reused.
    encoded: Vec<Option<Result<Content, crate::tx::TxError>>>,
    /// The metrics of the carriers' own frames (GeoNetworking beacons), per output.
    carrier_metrics: Vec<Vec<(&'static str, MessageMetrics)>>,
    stations: Vec<Station>,
    scheduler: Scheduler,
    spat_interval: Duration,
    status: Arc<Mutex<Status>>,
    /// Prepared reconfigurations, when a [`Reloader`] was made.
    changes: Option<tokio::sync::mpsc::Receiver<reload::Change>>,
    /// Per-frame failures are rate-limited: a full radio queue must not flood the log.
    log: LogLimiter<SendFailure>,
}

/// A started intersection: its station for the broadcast loop and its input task.
struct StartedStation {
    station: Station,
    silence: watch::Sender<bool>,
    addr: Option<SocketAddr>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Whose send failed and why: the key of the broadcast path's rate-limited warnings.
type SendFailure = (Option<u16>, &'static str, &'static str);

/// Binds the inputs, builds the MAPs and the signer: everything that can fail at start.
/// Needs a tokio runtime (it spawns the controller input tasks).
pub async fn prepare<R: Radio + 'static>(
    config: &ServiceConfig,
    radio: R,
    clock: Arc<dyn Clock>,
    metrics: Metrics,
    signers: Option<Signers>,
) -> Result<Service<R>, StartError> {
    let radio = Arc::new(radio);
    let (signers, tmc_signer) = match signers {
        Some(s) => (Some(s.broadcast), Some(s.tmc)),
        None => (None, None),
    };
    // A state_dir that is full, read-only or damaged never keeps the RSU off the air: the
    // revisions live in memory and are saved when the folder recovers.
    let mut state_log = StateLog::default();
    let mut revisions = match &config.state_dir {
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                state_log.report(
                    &metrics,
                    &[map::StateFault {
                        reason: "write",
                        detail: format!("{}: creating the folder: {e}", dir.display()),
                    }],
                );
            }
            RevisionStore::open(&dir.join("map-revisions.json"))
        }
        None => RevisionStore::in_memory(),
    };
    let shared = crate::region::Shared::default();
    let outputs = crate::region::build(config, signers, &shared)?;
    let sets: Vec<Arc<dyn MessageSet>> = outputs.iter().map(|o| o.messages.clone()).collect();
    let mut stations = Vec::new();
    let mut silence = Vec::new();
    let mut tscbm_addrs = Vec::new();
    let mut tasks = Vec::new();
    let mut controllers = Vec::new();
    for ix in &config.intersections {
        let started = start_station(ix, &mut revisions, &sets, &metrics, &clock).await?;
        controllers.push(reload::ControllerSlot::new(ix, started.task));
        tscbm_addrs.push(started.addr);
        silence.push(started.silence);
        stations.push(started.station);
    }
    // Replaces a damaged file even when no intersection needed a new revision.
    revisions.persist();
    let faults = revisions.take_faults();
    state_log.report(&metrics, &faults);
    let persisted = revisions.persisted();
    metrics
        .state_persisted()
        .set(if persisted { 1.0 } else { 0.0 });
    let scheduler = Scheduler::new(
        stations.len(),
        config.messages.spat_interval,
        config.messages.map_interval,
    )?;
    let status = Arc::new(Mutex::new(Status {
        intersections: stations
            .iter()
            .map(|s| IntersectionStatus {
                id: s.model.id,
                ..IntersectionStatus::default()
            })
            .collect(),
        ..Status::default()
    }));
    // Shared with the TMC tasks, so that a reload can hand them a new signer in place.
    let tmc_tx = Arc::new(Mutex::new(crate::region::build_tmc(
        config, tmc_signer, &shared,
    )?));
    let immediate_forward_addr = start_tmc(
        config, &radio, &clock, &metrics, &tmc_tx, &status, &mut tasks,
    )
    .await?;
    if !config.forward.is_empty() {
        tasks.push(start_receive(config, &radio, &clock, &metrics)?);
    }
    let handle = ServiceHandle {
        metrics: metrics.clone(),
        status: status.clone(),
        silence,
        tscbm_addrs,
        immediate_forward_addr,
    };
    let inputs = reload::Inputs {
        config: config.clone(),
        radio: radio.clone(),
        clock: clock.clone(),
        metrics,
        status: status.clone(),
        revisions,
        controllers,
        services: tasks,
        tmc_tx,
        shared,
        sets,
        persist: None,
    };
    let inputs = Arc::new(tokio::sync::Mutex::new(inputs));
    if !persisted {
        let task = tokio::spawn(persist_later(inputs.clone(), state_log));
        inputs.lock().await.persist = Some(task);
    }
    Ok(Service {
        broadcast: Broadcast {
            radio,
            clock,
            encoded: Vec::with_capacity(outputs.len()),
            carrier_metrics: outputs
                .iter()
                .map(|o| {
                    o.carrier
                        .own_types()
                        .into_iter()
                        .map(|kind| (kind, handle.metrics.message(None, kind)))
                        .collect()
                })
                .collect(),
            outputs,
            stations,
            scheduler,
            spat_interval: config.messages.spat_interval,
            status,
            changes: None,
            log: LogLimiter::default(),
        },
        inputs,
        handle,
    })
}

/// Encodes an intersection's MAP, binds its controller input and starts the input's task.
async fn start_station(
    ix: &IntersectionConfig,
    revisions: &mut RevisionStore,
    sets: &[Arc<dyn MessageSet>],
    metrics: &Metrics,
    clock: &Arc<dyn Clock>,
) -> Result<StartedStation, StartError> {
    let mut task = None;
    let addr;
    let id = ix.model.id;
    let m = metrics.intersection(id);
    let (outputs, target) = encode_maps(ix, revisions, sets, &m)?;
    let (feed_tx, feed_rx) = watch::channel(None);
    let (silence_tx, silence_rx) = watch::channel(false);
    let mut simulated = None;
    match &ix.controller {
        ControllerInput::Simulated(sim) => {
            // Polled at each SPaT slot instead of feeding the channel from a task: the
            // state is then exactly the controller's at the SPaT's instant, and a test
            // can predict every SPaT from the plan alone.
            simulated = Some(sim.clone());
            drop(feed_tx);
            addr = None;
        }
        ControllerInput::Tscbm {
            listen,
            allowed_sources,
            profile,
            bit_order,
        } => {
            let socket = UdpSocket::bind(listen)
                .await
                .map_err(|source| StartError::Bind {
                    what: "TSCBM input",
                    addr: *listen,
                    source,
                })?;
            let local = socket.local_addr().ok();
            addr = local;
            info!(intersection = id, addr = ?local, profile = ?profile, "listening for TSCBM");
            let input = TscbmInput {
                socket,
                allowed: allowed_sources.clone(),
                profile: *profile,
                order: *bit_order,
                clock: clock.clone(),
                feed: feed_tx,
                metrics: m.clone(),
                intersection: id,
            };
            task = Some(tokio::spawn(input.run()));
        }
    }
    let station = Station {
        model: ix.model.clone(),
        watchdog: ix.watchdog,
        on_silence: ix.on_silence,
        feed: feed_rx,
        simulated,
        silenced: silence_rx,
        last: None,
        silent: false,
        started: Instant::now(),
        spat_count: 0,
        last_spat: None,
        outputs,
        target,
        metrics: m,
    };
    Ok(StartedStation {
        station,
        silence: silence_tx,
        addr,
        task,
    })
}

/// Binds the Immediate Forward listener and starts it and the Store-and-Repeat task.
async fn start_tmc<R: Radio + 'static>(
    config: &ServiceConfig,
    radio: &Arc<R>,
    clock: &Arc<dyn Clock>,
    metrics: &Metrics,
    tx: &Arc<Mutex<crate::region::TmcCarriers>>,
    status: &Arc<Mutex<Status>>,
    tasks: &mut Vec<tokio::task::JoinHandle<()>>,
) -> Result<Option<SocketAddr>, StartError> {
    if config.immediate_forward.is_none() && config.store_and_repeat.is_none() {
        return Ok(None);
    }
    let path = tmc::TmcPath {
        radio: radio.clone(),
        can_sign: tx.lock().is_ok_and(|t| t.signs()),
        tx: tx.clone(),
        clock: clock.clone(),
        registry: config.tmc_messages.clone().into(),
        radio_config: config.radio.clone(),
        regions: config.regions.clone().into(),
        status: status.clone(),
    };
    let mut bound = None;
    if let Some(ifm) = &config.immediate_forward {
        let socket = UdpSocket::bind(ifm.listen)
            .await
            .map_err(|source| StartError::Bind {
                what: "Immediate Forward",
                addr: ifm.listen,
                source,
            })?;
        bound = socket.local_addr().ok();
        info!(addr = ?bound, allowed = %ifm.allowed_sources, "listening for Immediate Forward");
        let task = tmc::ImmediateForward {
            socket,
            allowed: ifm.allowed_sources.clone(),
            path: path.clone(),
            metrics: metrics.tmc("immediate_forward"),
        };
        tasks.push(tokio::spawn(task.run()));
    }
    if let Some(srm) = &config.store_and_repeat {
        let task = tmc::StoreAndRepeat {
            directory: srm.directory.clone(),
            scan_interval: srm.scan_interval,
            repeater: crate::forward::repeat::Repeater::new(srm.max_messages),
            path,
            metrics: metrics.tmc("store_and_repeat"),
        };
        tasks.push(tokio::spawn(task.run()));
    }
    Ok(bound)
}

/// Starts the backhaul destinations and the receive task.
fn start_receive<R: Radio + 'static>(
    config: &ServiceConfig,
    radio: &Arc<R>,
    clock: &Arc<dyn Clock>,
    metrics: &Metrics,
) -> Result<tokio::task::JoinHandle<()>, StartError> {
    use crate::forward::backhaul::{Destination, DestinationConfig, Protocol};
    use crate::forward::rules::{Rules, Transport};
    let verifier = match &config.verify_trust_store {
        Some(dir) => {
            // The chain cache remembers as many signers as the policy's sender table, so a
            // remembered sender's later messages skip the chain work.
            let mut store = TrustStore::new(TrustConfig {
                cache_capacity: config.receive.max_senders,
                ..TrustConfig::default()
            });
            store.load_dir(dir).map_err(|e| StartError::Security {
                field: "security.trust_store",
                message: format!("{}: {e}", dir.display()),
            })?;
            Some(Verifier::new(store, VerifierConfig::default()))
        }
        None => None,
    };
    // Rules to the same server and protocol share one destination (one socket, one queue).
    let mut shared: Vec<((SocketAddr, Transport), Arc<Destination>)> = Vec::new();
    let mut destinations = Vec::new();
    let mut rule_metrics = Vec::new();
    for (i, rule) in config.forward.iter().enumerate() {
        let key = (rule.destination, rule.transport);
        let dest = match shared.iter().find(|(k, _)| *k == key) {
            Some((_, d)) => d.clone(),
            None => {
                let (protocol, scheme) = match rule.transport {
                    Transport::Udp => (Protocol::Udp, "udp"),
                    Transport::Tcp => (Protocol::Tcp, "tcp"),
                };
                let mut dc = DestinationConfig::new(rule.destination, protocol);
                dc.queue_len = config
                    .forward
                    .iter()
                    .filter(|r| (r.destination, r.transport) == key)
                    .map(|r| r.queue_len)
                    .max()
                    .unwrap_or(rule.queue_len);
                let label = format!("{scheme}://{}", rule.destination);
                let d = Destination::start(dc, metrics.destination(&label)).map_err(|source| {
                    StartError::Bind {
                        what: "backhaul destination",
                        addr: rule.destination,
                        source,
                    }
                })?;
                info!(destination = %label, "forwarding to backhaul");
                let d = Arc::new(d);
                shared.push((key, d.clone()));
                d
            }
        };
        destinations.push(dest);
        rule_metrics.push(metrics.forward_rule(i, &rule.app.text()));
    }
    let shared = Arc::new(verify_pool::Shared::new(
        verify_pool::Forwarder {
            rules: Rules::new(config.forward.clone()),
            rule_metrics,
            destinations,
        },
        config.receive.max_senders,
        metrics.receive(),
    ));
    let queue = verify_pool::VerifyQueue::start(
        verifier.as_ref(),
        config.receive.verify_queue_len,
        config.receive.verify_workers,
        shared.clone(),
    )
    .map_err(StartError::Worker)?;
    let receiver = receive::Receiver {
        radio: radio.clone(),
        queue,
        shared,
        clock: clock.clone(),
        log: Default::default(),
    };
    Ok(tokio::spawn(receiver.run()))
}

/// How often unsaved MAP revisions are written again.
const STATE_RETRY: Duration = Duration::from_secs(30);

/// Counts state faults by reason and logs the first of each reason as an error; the rest,
/// a retry every 30 s on a read-only disk, go to debug.
#[derive(Default)]
struct StateLog(std::collections::HashSet<&'static str>);

impl StateLog {
    fn report(&mut self, metrics: &Metrics, faults: &[map::StateFault]) {
        for f in faults {
            metrics.state_errors(f.reason).increment(1);
            if self.0.insert(f.reason) {
                tracing::error!(reason = f.reason, detail = %f.detail,
                    "MAP revision state not persisted; broadcasting with revisions in memory (further faults of this kind are logged at debug)");
            } else {
                debug!(reason = f.reason, detail = %f.detail, "MAP revision state fault");
            }
        }
    }
}

/// Saves the revisions in use until the state folder takes them. The store is the one a
/// reload updates, so it is saved under the inputs' lock, on the input runtime like a
/// reload's own saves: never on the broadcast thread.
async fn persist_later<R: Radio>(
    inputs: Arc<tokio::sync::Mutex<reload::Inputs<R>>>,
    mut log: StateLog,
) {
    loop {
        tokio::time::sleep(STATE_RETRY).await;
        let mut guard = inputs.lock().await;
        let saved = guard.revisions.persist();
        let faults = guard.revisions.take_faults();
        let metrics = guard.metrics.clone();
        drop(guard);
        log.report(&metrics, &faults);
        if saved {
            metrics.state_persisted().set(1.0);
            info!("MAP revision state saved");
            return;
        }
    }
}

/// The intersection's MAP with its revision from the store, encoded for every region it is
/// broadcast in, and its reference point.
fn encode_maps(
    ix: &IntersectionConfig,
    revisions: &mut RevisionStore,
    sets: &[Arc<dyn MessageSet>],
    m: &IntersectionMetrics,
) -> Result<(Vec<Option<StationOutput>>, crate::region::Target), StartError> {
    let id = ix.model.id;
    let err = |message: String| StartError::Map { id, message };
    let mut data = match &ix.map {
        MapSource::Model => map::build_map(&ix.model, 0).map_err(|e| err(e.to_string()))?,
        MapSource::File { map, .. } => map.as_ref().clone(),
    };
    let revision = revisions
        .revision_for(id, &data)
        .map_err(|e| err(e.to_string()))?;
    map::set_revision(&mut data, revision);
    m.map_revision.set(f64::from(revision));
    info!(intersection = id, revision, "MAP ready");
    let target = crate::region::Target {
        reference: map::reference_point_of(&data),
    };
    let outputs = sets
        .iter()
        .map(|set| {
            if ix
                .regions
                .as_ref()
                .is_some_and(|r| !r.contains(&set.region()))
            {
                return Ok(None);
            }
            let [spat, map] = set.message_types();
            Ok(Some(StationOutput {
                map: set.encode_map(&data).map_err(|e| err(e.to_string()))?,
                types: [spat, map],
                spat_metrics: m.message(spat),
                map_metrics: m.message(map),
            }))
        })
        .collect::<Result<_, StartError>>()?;
    Ok((outputs, target))
}

impl<R: Radio> Service<R> {
    /// Handles for the caller: metrics, status, controls.
    pub fn handle(&self) -> ServiceHandle {
        self.handle.clone()
    }

    /// A handle that reloads the configuration into this service while it runs (at most
    /// one: a second call replaces the first, whose reloads then fail as stopped).
    pub fn reloader(&mut self) -> Reloader<R> {
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        self.broadcast.changes = Some(rx);
        Reloader::new(self.inputs.clone(), tx, self.handle.metrics.clone())
    }

    /// Broadcasts until `shutdown` completes, on the caller's runtime: the input tasks and
    /// the broadcast loop share it (tests on the paused clock; `rsu run` uses
    /// [`Service::run_threaded`]).
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let Service {
            broadcast,
            inputs,
            handle,
        } = self;
        let upkeep = start_upkeep(handle.metrics);
        broadcast.run(shutdown).await;
        drop(upkeep);
        inputs.lock().await.stop();
        info!("stopped broadcasting");
    }
}

/// Starts the metrics upkeep task on the current runtime; it stops when the sender drops.
fn start_upkeep(metrics: Metrics) -> tokio::sync::oneshot::Sender<()> {
    // The exporter keeps histogram samples until a scrape or an upkeep folds them in.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        metrics
            .upkeep(crate::telemetry::metrics::DEFAULT_UPKEEP_PERIOD, async {
                let _ = stopped.await;
            })
            .await;
    });
    stop
}

impl<R: Radio> Broadcast<R> {
    /// The broadcast loop: sleeps until the next slot, sends what is due, and swaps in
    /// prepared reconfigurations between slots, until `shutdown` completes.
    async fn run(mut self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let start = Instant::now();
        if let Ok(mut status) = self.status.lock() {
            let n = u32::try_from(self.stations.len().max(1)).unwrap_or(u32::MAX);
            status.window_origin = Some(start + self.spat_interval / n / 2);
        }
        info!(
            intersections = self.stations.len(),
            regions = ?self.outputs.iter().map(Output::region).collect::<Vec<_>>(),
            signed = self.outputs.iter().any(|o| o.carrier.signs()),
            "broadcasting"
        );
        loop {
            let next = self.scheduler.next_deadline().map(|next| start + next);
            // A carrier's own frame (a beacon) may fall due between two slots.
            let now_us = self.clock.now_micros();
            let own = self
                .outputs
                .iter_mut()
                .filter_map(|o| o.carrier.next_due_us(now_us))
                .min()
                .map(|due| {
                    let wait = u64::try_from(due.saturating_sub(now_us)).unwrap_or(0);
                    Instant::now() + Duration::from_micros(wait)
                });
            let wake = match (next, own) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let slot = async {
                match wake {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                () = shutdown.as_mut() => break,
                change = next_change(&mut self.changes) => {
                    self.install(change, start).await;
                    continue;
                }
                () = slot => {}
            }
            self.send_own().await;
            let now = Instant::now().duration_since(start);
            while let Some(due) = self.scheduler.poll(now) {
                if due.skipped > 0
                    && let Some(st) = self.stations.get(due.intersection)
                {
                    st.metrics.schedule_overruns.increment(due.skipped);
                    debug!(skipped = due.skipped, stream = ?due.stream, "fell behind; slots skipped");
                }
                match due.stream {
                    Stream::Spat => self.send_spat(due.intersection).await,
                    Stream::Map => self.send_map(due.intersection).await,
                }
            }
        }
    }

    /// Swaps in a prepared reconfiguration. Kept stations keep their state; the new
    /// timetable continues on the running one's time line, and a kept intersection whose
    /// next slot there would leave more than a SPaT period since its last SPaT sends one now.
    async fn install(&mut self, change: reload::Change, start: Instant) {
        let reload::Change {
            stations,
            mut scheduler,
            signers,
            done,
        } = change;
        let mut old: Vec<Option<Station>> = std::mem::take(&mut self.stations)
            .into_iter()
            .map(Some)
            .collect();
        for slot in stations {
            let station = match slot {
                reload::Slot::New(station) => Some(*station),
                reload::Slot::Keep(id) => old
                    .iter_mut()
                    .find(|s| s.as_ref().is_some_and(|s| s.model.id == id))
                    .and_then(Option::take),
            };
            if let Some(station) = station {
                self.stations.push(station);
            }
        }
        let now = Instant::now();
        scheduler.resume_at(now.duration_since(start));
        self.scheduler = scheduler;
        for (out, signer) in self.outputs.iter_mut().zip(signers) {
            out.carrier.set_signer(signer);
        }
        if let Ok(mut status) = self.status.lock() {
            status.intersections = self
                .stations
                .iter()
                .map(|s| IntersectionStatus {
                    id: s.model.id,
                    ..IntersectionStatus::default()
                })
                .collect();
        }
        let _ = done.send(());
        info!(
            intersections = self.stations.len(),
            "new configuration on the air"
        );
        for i in 0..self.stations.len() {
            let late = match (
                self.stations.get(i).and_then(|s| s.last_spat),
                self.scheduler.next_slot(i, Stream::Spat),
            ) {
                (Some(last), Some(next)) => {
                    (start + next).duration_since(last) > self.spat_interval
                }
                _ => false,
            };
            if late {
                self.send_spat(i).await;
            }
        }
    }

    async fn send_spat(&mut self, i: usize) {
        let Some(st) = self.stations.get_mut(i) else {
            return;
        };
        let now_us = self.clock.now_micros();
        let now = UnixMillis(u64::try_from(now_us / 1000).unwrap_or(0));
        let Some(lights) = st.next_spat(now, &mut self.outputs, &mut self.encoded) else {
            return;
        };
        let mut sent = 0;
        let outputs = self.outputs.iter_mut().zip(&st.outputs);
        for ((out, mine), encoded) in outputs.zip(self.encoded.drain(..)) {
            let (Some(mine), Some(encoded)) = (mine, encoded) else {
                continue;
            };
            let started = std::time::Instant::now();
            let prepared = encoded.and_then(|content| {
                out.carrier
                    .seal(Stream::Spat, &st.target, &content, &out.encoded, now_us)
            });
            sent += u64::from(
                send(
                    &self.radio,
                    prepared,
                    &mine.spat_metrics,
                    Some(st.model.id),
                    mine.types[0],
                    started,
                    &self.status,
                    &mut self.log,
                )
                .await,
            );
        }
        if sent > 0 {
            st.last_spat = Some(Instant::now());
        }
        if let Ok(mut status) = self.status.lock() {
            // A slot counts once however many regions it went out in: the status line's rate
            // is the intersection's, and each region's sends are on the metrics.
            status.spat_sent += u64::from(sent > 0);
            if let Some(entry) = status.intersections.get_mut(i) {
                entry.live = lights.is_some();
                if let Some(l) = lights {
                    entry.lights = l;
                }
            }
        }
    }

    /// Sends the carriers' own frames that are due (GeoNetworking beacons).
    async fn send_own(&mut self) {
        let now_us = self.clock.now_micros();
        for (out, metrics) in self.outputs.iter_mut().zip(&self.carrier_metrics) {
            while let Some((kind, prepared)) = out.carrier.due(now_us) {
                let Some((_, m)) = metrics.iter().find(|(k, _)| *k == kind) else {
                    continue;
                };
                let started = std::time::Instant::now();
                send(
                    &self.radio,
                    prepared,
                    m,
                    None,
                    kind,
                    started,
                    &self.status,
                    &mut self.log,
                )
                .await;
            }
        }
    }

    async fn send_map(&mut self, i: usize) {
        let Some(st) = self.stations.get(i) else {
            return;
        };
        let now_us = self.clock.now_micros();
        let mut sent = 0;
        for (out, mine) in self.outputs.iter_mut().zip(&st.outputs) {
            let Some(mine) = mine else {
                continue;
            };
            let started = std::time::Instant::now();
            let prepared = out.carrier.seal(
                Stream::Map,
                &st.target,
                &Content::default(),
                &mine.map,
                now_us,
            );
            sent += u64::from(
                send(
                    &self.radio,
                    prepared,
                    &mine.map_metrics,
                    Some(st.model.id),
                    mine.types[1],
                    started,
                    &self.status,
                    &mut self.log,
                )
                .await,
            );
        }
        if let Ok(mut status) = self.status.lock() {
            status.map_sent += u64::from(sent > 0);
        }
    }
}

/// The next prepared reconfiguration; pending for ever without a reloader or once it is gone.
async fn next_change(
    changes: &mut Option<tokio::sync::mpsc::Receiver<reload::Change>>,
) -> reload::Change {
    if let Some(rx) = changes.as_mut()
        && let Some(change) = rx.recv().await
    {
        return change;
    }
    *changes = None;
    std::future::pending().await
}

/// Sends a prepared frame and accounts for it; true if it went out.
#[allow(clippy::too_many_arguments)]
async fn send<R: Radio>(
    radio: &Arc<R>,
    prepared: Result<rsu_hw::TxFrame, crate::tx::TxError>,
    m: &MessageMetrics,
    intersection: Option<u16>,
    kind: &'static str,
    started: std::time::Instant,
    status: &Mutex<Status>,
    log: &mut LogLimiter<SendFailure>,
) -> bool {
    let frame = match prepared {
        Ok(f) => f,
        Err(e) => {
            match e {
                crate::tx::TxError::Sign(_) | crate::tx::TxError::NoSigner => {
                    m.sign_failures.increment(1)
                }
                _ => m.encode_failures.increment(1),
            }
            warn_limited!(log, (intersection, kind, e.code()), Instant::now().into_std(),
                          intersection, kind, error = %e, "message not sent");
            return false;
        }
    };
    match radio.send(frame).await {
        Ok(()) => {
            let elapsed = started.elapsed();
            m.sent.increment(1);
            m.tx_latency.record(elapsed.as_secs_f64());
            if let Ok(mut s) = status.lock() {
                s.record_latency(u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX));
            }
            true
        }
        Err(e) => {
            m.send_failures.increment(1);
            warn_limited!(log, (intersection, kind, e.code()), Instant::now().into_std(),
                          intersection, kind, error = %e, "radio refused the frame");
            false
        }
    }
}

/// A TSCBM UDP input.
struct TscbmInput {
    socket: UdpSocket,
    allowed: crate::config::AllowedSources,
    profile: tscbm::Profile,
    order: tscbm::StatusBitOrder,
    clock: Arc<dyn Clock>,
    feed: watch::Sender<Option<Observation>>,
    metrics: IntersectionMetrics,
    intersection: u16,
}

impl TscbmInput {
    async fn run(self) {
        // Larger than any profile, so an oversized datagram is seen whole and refused.
        let mut buf = vec![0u8; 2048];
        // A controller sending the wrong profile at 10 Hz must not flood the log.
        let mut log = LogLimiter::<&'static str>::default();
        // Datagrams the kernel drops never reach a counter of ours: sample its count.
        let _drops = crate::telemetry::udp_drops::watch(
            &self.socket,
            self.metrics.tscbm_drops(self.intersection),
            crate::telemetry::udp_drops::SAMPLE_PERIOD,
        )
        .map_err(|e| {
            warn!(intersection = self.intersection, error = %e,
                           "TSCBM: the kernel's drop count cannot be read")
        });
        loop {
            let (len, from) = match self.socket.recv_from(&mut buf).await {
                Ok(x) => x,
                Err(e) => {
                    // ICMP errors surface here on some systems; the socket stays usable.
                    debug!(intersection = self.intersection, error = %e, "TSCBM receive error");
                    continue;
                }
            };
            let received = Instant::now();
            let now = self.clock.now();
            let reason = if !self.allowed.permits(from.ip()) {
                Some((
                    "source_not_allowed",
                    format!("sender {from} is not an allowed source"),
                ))
            } else {
                match tscbm::convert(
                    buf.get(..len).unwrap_or_default(),
                    self.profile,
                    self.order,
                    now,
                ) {
                    Ok(tscbm::Converted {
                        state,
                        inconsistent_timings,
                    }) => {
                        self.metrics.controller_packets.increment(1);
                        self.feed
                            .send_replace(Some(Observation { state, received }));
                        // Accepted, but a countdown whose minimum follows its maximum was
                        // sent as unknown: counted and logged as a rejection of its own.
                        (inconsistent_timings > 0).then(|| {
                            let fault = crate::controller::TimingFault::MinEndAfterMaxEnd;
                            let n = inconsistent_timings;
                            (
                                fault.code(),
                                format!(
                                    "{n} countdown(s) with minimum after maximum sent as unknown"
                                ),
                            )
                        })
                    }
                    Err(e) => Some((e.code(), e.to_string())),
                }
            };
            if let Some((code, message)) = reason {
                self.metrics.controller_rejected(code).increment(1);
                warn_limited!(log, code, received.into_std(),
                              intersection = self.intersection, %from, reason = code, %message,
                              "TSCBM packet rejected");
            }
        }
    }
}
