//! The traffic management centre's messages on the air: the Immediate Forward listener and
//! the Store-and-Repeat directory.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rsu_hw::Radio;
use rsu_security::HashAlg;
use rsu_security::hash::Digest;
use tokio::net::UdpSocket;
use tokio::time::Instant;
use tracing::{debug, error, info, warn};

use super::Status;
use crate::clock::{Clock, UnixMillis};
use crate::config::{RadioConfig, TmcMessage};
use crate::forward::message_file::{self, MAX_FILE_LEN};
use crate::forward::repeat::{Repeater, Window};
use crate::forward::tmc::{self, Accepted, Refusal};
use crate::telemetry::metrics::TmcMetrics;
use crate::tx::{Outbound, Transmitter};

/// What both sources need to check and send a message.
pub(super) struct TmcPath<R> {
    pub radio: Arc<R>,
    /// Shared by both sources; held only while a frame is signed, never across an await.
    pub tx: Arc<Mutex<Transmitter>>,
    pub can_sign: bool,
    pub clock: Arc<dyn Clock>,
    pub registry: Arc<[TmcMessage]>,
    pub radio_config: RadioConfig,
    pub status: Arc<Mutex<Status>>,
}

impl<R> Clone for TmcPath<R> {
    fn clone(&self) -> Self {
        TmcPath {
            radio: self.radio.clone(),
            tx: self.tx.clone(),
            can_sign: self.can_sign,
            clock: self.clock.clone(),
            registry: self.registry.clone(),
            radio_config: self.radio_config.clone(),
            status: self.status.clone(),
        }
    }
}

impl<R: Radio> TmcPath<R> {
    /// Checks an Immediate Forward message file against the registrations and the radio.
    fn accept_immediate(&self, text: &[u8]) -> Result<Accepted, Refusal> {
        let file = message_file::parse(text)?;
        file.check_immediate()?;
        tmc::accept(file, &self.registry, &self.radio_config, self.can_sign)
    }

    /// Checks a Store-and-Repeat file the same way, and gives its window.
    fn accept_repeat(&self, text: &[u8]) -> Result<(Accepted, Window), Refusal> {
        let file = message_file::parse(text)?;
        file.check_repeat()?;
        // check_repeat guarantees both times.
        let window = Window {
            start: file.delivery_start.unwrap_or_default(),
            stop: file.delivery_stop.unwrap_or_default(),
            interval_ms: u64::from(file.tx_interval_s) * 1000,
        };
        let msg = tmc::accept(file, &self.registry, &self.radio_config, self.can_sign)?;
        Ok((msg, window))
    }

    /// Signs (if asked), frames and sends; the reason code when it did not go out.
    async fn send(&self, msg: &Accepted) -> Result<(), &'static str> {
        let out = Outbound::wsmp(msg.psid, msg.meta).map_err(|_| "frame")?;
        let now_us = self.clock.now_micros();
        let frame = {
            let mut tx = self.tx.lock().map_err(|_| "internal")?;
            tx.prepare_payload(&msg.payload, &out, msg.sign, now_us)
        };
        let frame = frame.map_err(|e| e.code())?;
        self.radio.send(frame).await.map_err(|e| e.code())?;
        if let Ok(mut s) = self.status.lock() {
            s.tmc_sent += 1;
        }
        Ok(())
    }
}

/// Logs the first rejection of each reason as a warning and the rest at debug, so a sender
/// with a systematic mistake does not flood the log.
#[derive(Default)]
struct RejectLog(HashMap<&'static str, u64>);

impl RejectLog {
    fn note(&mut self, source: &str, from: &str, code: &'static str, message: &str) {
        let seen = self.0.entry(code).or_insert(0);
        *seen += 1;
        if *seen == 1 {
            warn!(source, from, reason = code, %message,
                  "message rejected (further ones for this reason are logged at debug)");
        } else {
            debug!(source, from, reason = code, %message, "message rejected");
        }
    }
}

/// The Immediate Forward listener (RSU 4.1 Appendix C over UDP).
pub(super) struct ImmediateForward<R> {
    pub socket: UdpSocket,
    pub allowed: crate::config::AllowedSources,
    pub path: TmcPath<R>,
    pub metrics: TmcMetrics,
}

impl<R: Radio> ImmediateForward<R> {
    pub async fn run(self) {
        // One byte more than the largest accepted datagram, so a longer one shows as such
        // instead of being silently cut to size.
        let mut buf = vec![0u8; MAX_FILE_LEN + 1];
        let mut log = RejectLog::default();
        loop {
            let (len, from) = match self.socket.recv_from(&mut buf).await {
                Ok(x) => x,
                Err(e) => {
                    debug!(error = %e, "Immediate Forward receive error");
                    continue;
                }
            };
            let arrived = Instant::now();
            let verdict = self.check(buf.get(..len).unwrap_or_default(), len, from);
            let msg = match verdict {
                Ok(msg) => msg,
                Err((code, message)) => {
                    self.metrics.rejected(code).increment(1);
                    log.note("immediate_forward", &from.to_string(), code, &message);
                    continue;
                }
            };
            self.metrics.accepted.increment(1);
            match self.path.send(&msg).await {
                Ok(()) => {
                    self.metrics.sent.increment(1);
                    self.metrics.latency.record(arrived.elapsed().as_secs_f64());
                    debug!(%from, psid = %msg.psid, signed = msg.sign, "Immediate Forward sent");
                }
                Err(code) => {
                    self.metrics.send_failure(code).increment(1);
                    warn!(%from, psid = %msg.psid, reason = code, "Immediate Forward message not sent");
                }
            }
        }
    }

    fn check(
        &self,
        data: &[u8],
        len: usize,
        from: SocketAddr,
    ) -> Result<Accepted, (&'static str, String)> {
        if !self.allowed.permits(from.ip()) {
            return Err((
                "source_not_allowed",
                format!("sender {} is not an allowed source", from.ip()),
            ));
        }
        if len > MAX_FILE_LEN {
            return Err(("oversized", format!("datagram over {MAX_FILE_LEN} bytes")));
        }
        self.path
            .accept_immediate(data)
            .map_err(|e| (e.code(), e.to_string()))
    }
}

/// What was last seen of a file, so unchanged files are not read again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    len: u64,
    modified: Option<SystemTime>,
    /// Of the file's bytes; `None` when it could not be read.
    digest: Option<Digest>,
}

/// What the scanner remembers between scans.
#[derive(Default)]
struct ScanState {
    seen: HashMap<String, Seen>,
    /// Files refused only because the store was full: read again once a message leaves.
    waiting_for_room: HashSet<String>,
    dir_failing: bool,
}

/// The Store-and-Repeat directory.
pub(super) struct StoreAndRepeat<R> {
    pub directory: PathBuf,
    pub scan_interval: Duration,
    pub repeater: Repeater<Accepted>,
    pub path: TmcPath<R>,
    pub metrics: TmcMetrics,
}

impl<R: Radio> StoreAndRepeat<R> {
    pub async fn run(mut self) {
        let mut state = ScanState::default();
        let mut next_scan = Instant::now();
        info!(directory = %self.directory.display(), "Store-and-Repeat watching");
        loop {
            let now = self.path.clock.now();
            if Instant::now() >= next_scan {
                self.scan(&mut state, now);
                next_scan = Instant::now() + self.scan_interval;
            }
            while let Some(due) = self.repeater.poll(now) {
                let name = due.name.to_owned();
                let msg = due.message.clone();
                if due.skipped > 0 {
                    self.metrics.skipped.increment(due.skipped);
                }
                if !msg.intact() {
                    // The stored payload no longer matches what was checked: never sign it.
                    self.metrics.send_failure("integrity").increment(1);
                    error!(file = %name, "Store-and-Repeat payload failed its integrity check; withdrawn until the file changes");
                    self.repeater.remove(&name);
                    continue;
                }
                match self.path.send(&msg).await {
                    Ok(()) => self.metrics.sent.increment(1),
                    Err(code) => {
                        self.metrics.send_failure(code).increment(1);
                        warn!(file = %name, reason = code, "Store-and-Repeat message not sent");
                    }
                }
            }
            self.metrics
                .active
                .set(self.repeater.active(self.path.clock.now()) as f64);
            let until_scan = next_scan.saturating_duration_since(Instant::now());
            let wait = match self.repeater.next_deadline() {
                Some(t) => Duration::from_millis(t.since(self.path.clock.now())).min(until_scan),
                None => until_scan,
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Reads the directory: new and changed files are checked and stored, removed ones
    /// withdrawn. A bad file is logged and counted; the others carry on.
    fn scan(&mut self, state: &mut ScanState, now: UnixMillis) {
        let ScanState {
            seen,
            waiting_for_room,
            dir_failing,
        } = state;
        let before = self.repeater.len();
        let mut freed = false;
        let entries = match std::fs::read_dir(&self.directory) {
            Ok(e) => {
                if *dir_failing {
                    info!(directory = %self.directory.display(), "Store-and-Repeat directory readable again");
                    *dir_failing = false;
                }
                e
            }
            Err(e) => {
                // Keep sending what is stored: a briefly unmounted directory is no reason to
                // go silent.
                if !*dir_failing {
                    self.metrics.rejected("directory").increment(1);
                    error!(directory = %self.directory.display(), error = %e, "Store-and-Repeat directory unreadable");
                    *dir_failing = true;
                }
                return;
            }
        };
        let mut present = HashSet::new();
        for entry in entries.flatten() {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            // Editors' and copy tools' temporary files.
            if name.starts_with('.') || name.ends_with('~') || name.ends_with(".tmp") {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            present.insert(name.clone());
            let modified = meta.modified().ok();
            let recent = modified
                .and_then(|m| SystemTime::now().duration_since(m).ok())
                .is_none_or(|age| age < Duration::from_secs(3));
            if let Some(s) = seen.get(&name)
                && s.len == meta.len()
                && s.modified == modified
                && !recent
            {
                continue;
            }
            let bytes = if meta.len() > MAX_FILE_LEN as u64 {
                Err(("oversized", format!("over {MAX_FILE_LEN} bytes")))
            } else {
                std::fs::read(entry.path()).map_err(|e| ("unreadable", e.to_string()))
            };
            let digest = bytes.as_ref().ok().map(|b| HashAlg::Sha256.digest(b));
            let stamp = Seen {
                len: meta.len(),
                modified,
                digest,
            };
            if seen.get(&name).is_some_and(|s| s.digest == stamp.digest) {
                seen.insert(name, stamp);
                continue;
            }
            seen.insert(name.clone(), stamp);
            let verdict = bytes.and_then(|b| {
                let (msg, window) = self
                    .path
                    .accept_repeat(&b)
                    .map_err(|e| (e.code(), e.to_string()))?;
                self.repeater
                    .upsert(&name, window, msg, now)
                    .map_err(|e| (e.code(), e.to_string()))?;
                Ok(window)
            });
            match verdict {
                Ok(w) => {
                    waiting_for_room.remove(&name);
                    self.metrics.accepted.increment(1);
                    info!(file = %name, start = %w.start.iso8601(),
                          stop = %w.stop.iso8601(),
                          interval_s = w.interval_ms / 1000, "Store-and-Repeat message stored");
                }
                Err((code, message)) => {
                    self.metrics.rejected(code).increment(1);
                    if code == "too_many_messages" {
                        waiting_for_room.insert(name.clone());
                    }
                    let withdrawn = self.repeater.remove(&name);
                    freed |= withdrawn;
                    warn!(file = %name, reason = code, %message, withdrawn,
                          "Store-and-Repeat file rejected");
                }
            }
        }
        let gone: Vec<String> = seen
            .keys()
            .filter(|n| !present.contains(*n))
            .cloned()
            .collect();
        for name in gone {
            seen.remove(&name);
            waiting_for_room.remove(&name);
            if self.repeater.remove(&name) {
                freed = true;
                info!(file = %name, "Store-and-Repeat file removed; message withdrawn");
            }
        }
        self.metrics.stored.set(self.repeater.len() as f64);
        if (freed || self.repeater.len() < before) && !waiting_for_room.is_empty() {
            // Room was made: files refused for lack of it are read again, now. Each round
            // needs a message to have left, so this ends.
            for name in waiting_for_room.drain() {
                seen.remove(&name);
            }
            self.scan(state, now);
        }
    }
}
