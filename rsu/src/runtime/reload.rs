//! Configuration reload (SIGHUP): read and check the new file, prepare everything that can
//! fail on the input side, and hand the broadcast loop a finished set of stations, signer
//! and timetable to swap in between two slots.
//!
//! What takes effect: intersections (added, removed, changed: their MAP re-encoded, with a
//! new revision when it differs), the signer (certificate and key files are read again),
//! forwarding rules, Immediate Forward, Store-and-Repeat and the TMC registrations. What
//! needs a restart ([`RESTART_ONLY`]: the radio, the metrics address, the state folder,
//! message PSIDs and intervals, logging, name, region, position) is reported by name and
//! left as it runs. An unreadable or invalid file, a signer that fails its self-test, a MAP
//! that cannot be encoded or a TSCBM port that cannot be bound refuses the whole reload:
//! the running configuration stays, and nothing of the new one is half applied.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rsu_hw::Radio;
use tokio::task::JoinHandle;
use tracing::{error, info, warn};

use super::{Signers, StartError, Station, Status, load_signer, start_station};
use crate::clock::Clock;
use crate::config::{ConfigError, ControllerInput, IntersectionConfig, ServiceConfig};
use crate::j2735::map::RevisionStore;
use crate::scheduler::Scheduler;
use crate::telemetry::metrics::Metrics;

/// The configuration sections that only a restart changes.
pub const RESTART_ONLY: [&str; 11] = [
    "rsu.name",
    "rsu.region",
    "rsu.regions",
    "etsi",
    "rsu.state_dir",
    "position",
    "radio",
    "messages",
    "metrics.listen",
    "log.format",
    "log.level",
];

/// Why a reload was refused; the running configuration is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The file is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The new configuration cannot be started (signer, MAP, a socket).
    #[error(transparent)]
    Start(#[from] StartError),
    /// The service is stopping.
    #[error("the broadcast has stopped")]
    Stopped,
    /// Reading the file did not finish (the blocking task failed).
    #[error("reading the configuration failed: {0}")]
    Read(String),
}

/// What a reload changed, by intersection id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReloadReport {
    pub kept: Vec<u16>,
    pub added: Vec<u16>,
    pub changed: Vec<u16>,
    pub removed: Vec<u16>,
    /// Whether Immediate Forward, Store-and-Repeat and the forwarding path were restarted.
    pub restarted_tmc_and_forwarding: bool,
    /// Changed sections that need a restart (from [`RESTART_ONLY`]); their running values
    /// were kept.
    pub needs_restart: Vec<&'static str>,
}

/// One station of the new set, in order.
pub(super) enum Slot {
    /// The running station of this intersection id, as it is.
    Keep(u16),
    /// A new station.
    New(Box<Station>),
}

/// A prepared reconfiguration for the broadcast loop.
pub(super) struct Change {
    pub stations: Vec<Slot>,
    pub scheduler: Scheduler,
    /// Per output (in the broadcast loop's order), its signer.
    pub signers: Vec<Option<rsu_security::sign::Signer>>,
    /// Answered once the loop runs the new set.
    pub done: tokio::sync::oneshot::Sender<()>,
}

/// A running intersection's input task and what it was started from.
pub(super) struct ControllerSlot {
    id: u16,
    /// The intersection's configuration as text: equal text, equal intersection.
    fingerprint: String,
    /// The TSCBM address it listens on, if any.
    listen: Option<std::net::SocketAddr>,
    task: Option<JoinHandle<()>>,
}

impl ControllerSlot {
    pub(super) fn new(ix: &IntersectionConfig, task: Option<JoinHandle<()>>) -> ControllerSlot {
        ControllerSlot {
            id: ix.model.id,
            fingerprint: fingerprint(ix),
            listen: listen_of(ix),
            task,
        }
    }

    async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            // Awaited so that its socket is closed before a successor binds the address.
            let _ = task.await;
        }
    }
}

/// The input side's state: what a reload compares against and replaces.
pub(super) struct Inputs<R: Radio> {
    pub config: ServiceConfig,
    pub radio: Arc<R>,
    pub clock: Arc<dyn Clock>,
    pub metrics: Metrics,
    pub status: Arc<Mutex<Status>>,
    pub revisions: RevisionStore,
    /// Per station, in the broadcast loop's order.
    pub controllers: Vec<ControllerSlot>,
    /// Immediate Forward, Store-and-Repeat and receive tasks.
    pub services: Vec<JoinHandle<()>>,
    /// The TMC tasks' transmitter (and signer), replaced in place by a reload.
    pub tmc_tx: Arc<Mutex<crate::region::TmcCarriers>>,
    /// What the regions share between the broadcast and the TMC carriers (restart-only).
    pub shared: crate::region::Shared,
    /// Each output's message set, in the broadcast loop's order: a new intersection's MAP
    /// is encoded for every region here, on the input side.
    pub sets: Vec<Arc<dyn crate::region::MessageSet>>,
    /// Saves the MAP revisions while the state folder refuses them.
    pub persist: Option<JoinHandle<()>>,
}

impl<R: Radio> Inputs<R> {
    /// Aborts every input task.
    pub(super) fn stop(&mut self) {
        for c in &mut self.controllers {
            if let Some(t) = c.task.take() {
                t.abort();
            }
        }
        if let Some(t) = self.persist.take() {
            t.abort();
        }
        for t in self.services.drain(..) {
            t.abort();
        }
    }
}

fn fingerprint(ix: &IntersectionConfig) -> String {
    format!("{ix:?}")
}

fn listen_of(ix: &IntersectionConfig) -> Option<std::net::SocketAddr> {
    match &ix.controller {
        ControllerInput::Tscbm { listen, .. } => Some(*listen),
        ControllerInput::Simulated(_) => None,
    }
}

/// Keeps the running value of every restart-only section in `new`; names those that differ.
fn keep_restart_only(old: &ServiceConfig, new: &mut ServiceConfig) -> Vec<&'static str> {
    let mut differ = Vec::new();
    macro_rules! keep {
        ($name:expr, $($field:ident).+) => {
            if format!("{:?}", old.$($field).+) != format!("{:?}", new.$($field).+) {
                differ.push($name);
                new.$($field).+ = old.$($field).+.clone();
            }
        };
    }
    keep!("rsu.name", name);
    keep!("rsu.region", region);
    keep!("rsu.regions", regions);
    keep!("etsi", etsi);
    keep!("rsu.state_dir", state_dir);
    keep!("position", position);
    keep!("radio", radio);
    keep!("messages", messages);
    keep!("metrics.listen", metrics_listen);
    keep!("log.format", log_format);
    keep!("log.level", log_level);
    differ
}

/// Whether the TMC and forwarding tasks must restart for `new`.
fn services_differ(old: &ServiceConfig, new: &ServiceConfig) -> bool {
    format!(
        "{:?}{:?}{:?}{:?}{:?}{:?}",
        old.security,
        old.tmc_messages,
        old.immediate_forward,
        old.store_and_repeat,
        old.forward,
        old.verify_trust_store
    ) != format!(
        "{:?}{:?}{:?}{:?}{:?}{:?}",
        new.security,
        new.tmc_messages,
        new.immediate_forward,
        new.store_and_repeat,
        new.forward,
        new.verify_trust_store
    )
}

/// Reloads the configuration into a running service; see the module documentation.
pub struct Reloader<R: Radio> {
    inputs: Arc<tokio::sync::Mutex<Inputs<R>>>,
    changes: tokio::sync::mpsc::Sender<Change>,
    metrics: Metrics,
}

impl<R: Radio> std::fmt::Debug for Reloader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reloader").finish_non_exhaustive()
    }
}

impl<R: Radio> Reloader<R> {
    pub(super) fn new(
        inputs: Arc<tokio::sync::Mutex<Inputs<R>>>,
        changes: tokio::sync::mpsc::Sender<Change>,
        metrics: Metrics,
    ) -> Reloader<R> {
        Reloader {
            inputs,
            changes,
            metrics,
        }
    }
}

impl<R: Radio + 'static> Reloader<R> {
    /// Reads `path` and applies it, or keeps the running configuration and says why.
    /// Counted in `rsu_config_reloads_total{result}`, logged once either way.
    pub async fn reload(&self, path: &Path) -> Result<ReloadReport, ReloadError> {
        let result = self.try_reload(path.to_owned()).await;
        let metrics = &self.metrics;
        match &result {
            Ok(report) => {
                metrics.config_reloads("ok").increment(1);
                info!(
                    path = %path.display(),
                    kept = ?report.kept,
                    added = ?report.added,
                    changed = ?report.changed,
                    removed = ?report.removed,
                    tmc_and_forwarding_restarted = report.restarted_tmc_and_forwarding,
                    "configuration reloaded"
                );
                for section in &report.needs_restart {
                    warn!(
                        section,
                        "configuration reload: this section changed but takes effect only after a restart; the running value is kept"
                    );
                }
            }
            Err(e) => {
                metrics.config_reloads("refused").increment(1);
                error!(path = %path.display(), error = %e, "configuration reload refused; the running configuration is kept");
            }
        }
        result
    }

    async fn try_reload(&self, path: PathBuf) -> Result<ReloadReport, ReloadError> {
        let (old, now_us) = {
            let inputs = self.inputs.lock().await;
            (inputs.config.clone(), inputs.clock.now_micros())
        };
        // File reading, parsing and the signer's self-test are blocking work: a thread of
        // the blocking pool, never the broadcast thread. No lock is held meanwhile, so a read
        // that hangs (a FIFO, a dead network file system) holds up nothing else; the
        // restart-only sections it keeps are the same in every configuration since start.
        let (new, warnings, needs_restart, signers) =
            tokio::task::spawn_blocking(move || -> Result<_, ReloadError> {
                // The same preflight as check-config and the start: a reload refuses
                // whatever they would refuse.
                let ready = crate::preflight::preflight(&path, now_us)?;
                let mut new = ready.config;
                let asked = crate::region::signed_psids(&new);
                let needs_restart = keep_restart_only(&old, &mut new);
                // The preflight tested the signer with the file's PSIDs; where those need a
                // restart the running ones stay, and the signer must permit them.
                let signers = if crate::region::signed_psids(&new) == asked {
                    ready.signers
                } else {
                    load_signer(&new, now_us)?
                };
                Ok((new, ready.warnings, needs_restart, signers))
            })
            .await
            .map_err(|e| ReloadError::Read(e.to_string()))??;
        // One reload applies at a time; a later one applies on top of an earlier one.
        let mut inputs = self.inputs.lock().await;
        for w in &warnings {
            warn!(field = %w.field, line = ?w.line, "{}", w.message);
        }
        let scheduler = Scheduler::new(
            new.intersections.len(),
            new.messages.spat_interval,
            new.messages.map_interval,
        )
        .map_err(StartError::from)?;
        let (broadcast_signer, tmc_signer) = match signers {
            Some(Signers { broadcast, tmc }) => (Some(broadcast), Some(tmc)),
            None => (None, None),
        };

        // Which running stations stay as they are, and which go.
        let mut report = ReloadReport {
            needs_restart,
            ..ReloadReport::default()
        };
        let keep: Vec<bool> = new
            .intersections
            .iter()
            .map(|ix| {
                let f = fingerprint(ix);
                inputs
                    .controllers
                    .iter()
                    .any(|c| c.id == ix.model.id && c.fingerprint == f)
            })
            .collect();
        let going: Vec<usize> = inputs
            .controllers
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !new.intersections
                    .iter()
                    .zip(&keep)
                    .any(|(ix, k)| *k && ix.model.id == c.id)
            })
            .map(|(i, _)| i)
            .collect();
        let going_addrs: Vec<std::net::SocketAddr> = going
            .iter()
            .filter_map(|&i| inputs.controllers.get(i).and_then(|c| c.listen))
            .collect();
        let held_by_going =
            |addr: Option<std::net::SocketAddr>| addr.is_some_and(|a| going_addrs.contains(&a));

        // Start the new stations. First those that need no address a going station holds:
        // any failure then leaves the running configuration untouched.
        let Inputs {
            revisions,
            sets,
            metrics,
            clock,
            ..
        } = &mut *inputs;
        let mut started: Vec<Option<super::StartedStation>> = Vec::new();
        let mut late = Vec::new();
        for (i, (ix, kept)) in new.intersections.iter().zip(&keep).enumerate() {
            if *kept {
                started.push(None);
            } else if held_by_going(listen_of(ix)) {
                started.push(None);
                late.push(i);
            } else {
                match start_station(ix, revisions, sets, metrics, clock).await {
                    Ok(s) => started.push(Some(s)),
                    Err(e) => {
                        for s in started.iter_mut().flatten() {
                            if let Some(t) = s.task.take() {
                                t.abort();
                            }
                        }
                        return Err(e.into());
                    }
                }
            }
        }
        // Then those that take over a going station's address: its input stops first.
        if !late.is_empty() {
            for &i in &going {
                if let Some(c) = inputs.controllers.get_mut(i) {
                    c.stop().await;
                }
            }
            let Inputs {
                revisions,
                sets,
                metrics,
                clock,
                ..
            } = &mut *inputs;
            for &i in &late {
                let Some(ix) = new.intersections.get(i) else {
                    continue;
                };
                match start_station(ix, revisions, sets, metrics, clock).await {
                    Ok(s) => {
                        if let Some(slot) = started.get_mut(i) {
                            *slot = Some(s);
                        }
                    }
                    Err(e) => {
                        // The old input is gone already: its intersection goes silent (the
                        // watchdog says so) until a reload that works.
                        for s in started.iter_mut().flatten() {
                            if let Some(t) = s.task.take() {
                                t.abort();
                            }
                        }
                        return Err(e.into());
                    }
                }
            }
        }

        // The new set for the broadcast loop, and the input side's new bookkeeping.
        let mut slots = Vec::new();
        let mut controllers = Vec::new();
        for ((ix, kept), s) in new.intersections.iter().zip(&keep).zip(started) {
            let id = ix.model.id;
            let was = inputs.controllers.iter().position(|c| c.id == id);
            match (kept, s) {
                (true, _) => {
                    report.kept.push(id);
                    slots.push(Slot::Keep(id));
                    let task = was
                        .and_then(|w| inputs.controllers.get_mut(w))
                        .and_then(|c| c.task.take());
                    controllers.push(ControllerSlot::new(ix, task));
                }
                (false, Some(s)) => {
                    if was.is_some() {
                        report.changed.push(id);
                    } else {
                        report.added.push(id);
                    }
                    controllers.push(ControllerSlot::new(ix, s.task));
                    slots.push(Slot::New(Box::new(s.station)));
                }
                (false, None) => {}
            }
        }
        report.removed = inputs
            .controllers
            .iter()
            .map(|c| c.id)
            .filter(|id| !new.intersections.iter().any(|ix| ix.model.id == *id))
            .collect();

        // TMC and forwarding restart with the new sections and signer when they changed.
        let restart = services_differ(&inputs.config, &new);
        let (done, installed) = tokio::sync::oneshot::channel();
        let change = Change {
            stations: slots,
            scheduler,
            signers: crate::region::per_output(&new, broadcast_signer),
            done,
        };
        if self.changes.send(change).await.is_err() || installed.await.is_err() {
            for c in &mut controllers {
                if let Some(t) = c.task.take() {
                    t.abort();
                }
            }
            return Err(ReloadError::Stopped);
        }
        // The loop runs the new set: the replaced and removed inputs can stop.
        for c in &mut inputs.controllers {
            c.stop().await;
        }
        inputs.controllers = controllers;
        if restart {
            for t in inputs.services.drain(..) {
                t.abort();
                let _ = t.await;
            }
            let mut services = Vec::new();
            let started = match crate::region::build_tmc(&new, tmc_signer, &inputs.shared) {
                Ok(carriers) => {
                    let tmc_tx = Arc::new(Mutex::new(carriers));
                    inputs.tmc_tx = tmc_tx.clone();
                    let Inputs {
                        radio,
                        clock,
                        metrics,
                        status,
                        ..
                    } = &*inputs;
                    let started = super::start_tmc(
                        &new,
                        radio,
                        clock,
                        metrics,
                        &tmc_tx,
                        status,
                        &mut services,
                    )
                    .await;
                    match started {
                        Ok(_) if !new.forward.is_empty() => {
                            super::start_receive(&new, radio, clock, metrics)
                                .map(|t| services.push(t))
                        }
                        Ok(_) => Ok(()),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            if let Err(e) = started {
                // The intersections are on the air already; TMC and forwarding are not.
                for t in services.drain(..) {
                    t.abort();
                }
                inputs.config = new;
                error!(error = %e, "configuration reload: Immediate Forward, Store-and-Repeat or forwarding could not start; they stay off until a reload that works");
                return Err(e.into());
            }
            inputs.services = services;
            report.restarted_tmc_and_forwarding = true;
        } else if let Ok(mut tx) = inputs.tmc_tx.lock() {
            // Same sections: the running tasks sign with the certificate and key just read.
            tx.set_signers(crate::region::per_output(&new, tmc_signer));
        }
        inputs.config = new;
        Ok(report)
    }
}
