//! The traffic management centre's messages on the air: the Immediate Forward listener and
//! the Store-and-Repeat directory.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
use crate::region::TmcCarriers;
use crate::telemetry::metrics::TmcMetrics;
use crate::telemetry::throttle::{LogLimiter, warn_limited};
use rsu_hw::channels::Region;

mod folder;

use folder::{Content, Entry, Stamp};

/// What both sources need to check and send a message.
pub(super) struct TmcPath<R> {
    pub radio: Arc<R>,
    /// Each region's framing and signing, shared by both sources; held only while a frame is
    /// sealed, never across an await.
    pub tx: Arc<Mutex<TmcCarriers>>,
    pub can_sign: bool,
    pub clock: Arc<dyn Clock>,
    pub registry: Arc<[TmcMessage]>,
    pub radio_config: RadioConfig,
    /// The regions the RSU broadcasts (`rsu.regions`): a message goes out in its type's.
    pub regions: Arc<[Region]>,
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
            regions: self.regions.clone(),
            status: self.status.clone(),
        }
    }
}

impl<R: Radio> TmcPath<R> {
    /// Checks an Immediate Forward message file against the registrations and the radio.
    fn accept_immediate(&self, text: &[u8]) -> Result<Accepted, Refusal> {
        let file = message_file::parse(text)?;
        file.check_immediate()?;
        tmc::accept(
            file,
            &self.registry,
            &self.radio_config,
            &self.regions,
            self.can_sign,
        )
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
        let msg = tmc::accept(
            file,
            &self.registry,
            &self.radio_config,
            &self.regions,
            self.can_sign,
        )?;
        Ok((msg, window))
    }

    /// Signs (if asked), frames and sends; the reason code when it did not go out.
    async fn send(&self, msg: &Accepted) -> Result<(), &'static str> {
        let now_us = self.clock.now_micros();
        let frame = {
            let mut tx = self.tx.lock().map_err(|_| "internal")?;
            tx.seal(msg, now_us)
        };
        let frame = frame.map_err(|e| e.code())?;
        self.radio.send(frame).await.map_err(|e| e.code())?;
        if let Ok(mut s) = self.status.lock() {
            s.tmc_sent += 1;
        }
        Ok(())
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
        let mut log = LogLimiter::<&'static str>::default();
        // Datagrams the kernel drops never reach a counter of ours: sample its count.
        let _drops = crate::telemetry::udp_drops::watch(
            &self.socket,
            self.metrics.immediate_forward_drops(),
            crate::telemetry::udp_drops::SAMPLE_PERIOD,
        )
        .map_err(
            |e| warn!(error = %e, "Immediate Forward: the kernel's drop count cannot be read"),
        );
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
                    warn_limited!(log, code, arrived.into_std(), %from, reason = code, %message,
                                  "Immediate Forward message rejected");
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
                    warn_limited!(log, code, Instant::now().into_std(), %from, psid = %msg.psid,
                                  reason = code, "Immediate Forward message not sent");
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
    stamp: Stamp,
    /// Of the file's bytes; `None` when it could not be read.
    digest: Option<Digest>,
}

/// What the scanner remembers between scans.
#[derive(Default)]
struct ScanState {
    seen: HashMap<String, Seen>,
    /// Entries refused without being read (not regular files, unopenable), with their
    /// reason and kind: counted and logged once while they stay so.
    refused: HashMap<String, (&'static str, &'static str)>,
    /// Files refused only because the store was full: read again once a message leaves.
    waiting_for_room: HashSet<String>,
    dir_failing: bool,
}

/// What a scan of the folder gives back to the task.
type ScanResult = Result<std::io::Result<Vec<Entry>>, tokio::task::JoinError>;

/// How long the task waits for a scan before it carries on with the stored messages'
/// slots: a quick scan's changes apply to this instant's slots, as they always have; a
/// slow one's apply when it ends.
const SCAN_GRACE: Duration = Duration::from_millis(50);

/// The Store-and-Repeat directory.
pub(super) struct StoreAndRepeat<R> {
    pub directory: PathBuf,
    pub scan_interval: Duration,
    pub repeater: Repeater<Accepted>,
    pub path: TmcPath<R>,
    pub metrics: TmcMetrics,
}

impl<R: Radio> StoreAndRepeat<R> {
    pub async fn run(self) {
        self.run_with(folder::read).await
    }

    /// The task, reading the folder with `reader` (tests give one that hangs).
    ///
    /// The folder is read on tokio's blocking pool: its calls can block (a hung network
    /// filesystem) and must never hold the runtime thread. The task never waits for a scan
    /// longer than [`SCAN_GRACE`]: the stored messages keep their slots whatever the
    /// folder does. At most one scan runs; one that outlives a scan interval is counted
    /// (`reason="scan_stalled"`) and logged once, and no other starts behind it.
    async fn run_with<F>(mut self, reader: F)
    where
        F: Fn(&Path, &HashMap<String, Stamp>) -> std::io::Result<Vec<Entry>>
            + Send
            + Sync
            + 'static,
    {
        let reader = Arc::new(reader);
        let mut state = ScanState::default();
        let mut log = LogLimiter::<&'static str>::default();
        let mut next_scan = Instant::now();
        let mut running: Option<(
            tokio::task::JoinHandle<std::io::Result<Vec<Entry>>>,
            Instant,
        )> = None;
        let mut stalled = false;
        let stall_after = self.scan_interval.max(Duration::from_secs(1));
        info!(directory = %self.directory.display(), "Store-and-Repeat watching");
        loop {
            if Instant::now() >= next_scan {
                next_scan = Instant::now() + self.scan_interval;
                match &running {
                    Some((_, started)) => {
                        if !stalled && started.elapsed() >= stall_after {
                            stalled = true;
                            self.metrics.rejected("scan_stalled").increment(1);
                            error!(directory = %self.directory.display(),
                                   running_s = started.elapsed().as_secs(),
                                   "Store-and-Repeat folder scan is not finishing (hung filesystem?); stored messages keep repeating, no new scan starts until it ends");
                        }
                    }
                    None => loop {
                        let known: HashMap<String, Stamp> = state
                            .seen
                            .iter()
                            .map(|(n, s)| (n.clone(), s.stamp))
                            .collect();
                        let (dir, reader) = (self.directory.clone(), reader.clone());
                        let started = Instant::now();
                        let mut handle = tokio::task::spawn_blocking(move || reader(&dir, &known));
                        match tokio::time::timeout(SCAN_GRACE, &mut handle).await {
                            Ok(done) => {
                                let now = self.path.clock.now();
                                if self.apply(&mut state, &mut log, done, now) {
                                    // Room was made for a file that was refused for lack of
                                    // it: read again, now.
                                    continue;
                                }
                            }
                            Err(_) => running = Some((handle, started)),
                        }
                        break;
                    },
                }
            }
            let now = self.path.clock.now();
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
                        warn_limited!(log, code, Instant::now().into_std(), file = %name,
                                      reason = code, "Store-and-Repeat message not sent");
                    }
                }
            }
            for (reason, suppressed) in log.due(Instant::now().into_std()) {
                warn!(
                    reason,
                    suppressed,
                    "Store-and-Repeat: more of the same since the last line (counted in the metrics)"
                );
            }
            self.metrics
                .active
                .set(self.repeater.active(self.path.clock.now()) as f64);
            let until_scan = next_scan.saturating_duration_since(Instant::now());
            let wait = match self.repeater.next_deadline() {
                Some(t) => Duration::from_millis(t.since(self.path.clock.now())).min(until_scan),
                None => until_scan,
            };
            let Some((handle, started)) = running.as_mut() else {
                tokio::time::sleep(wait).await;
                continue;
            };
            tokio::select! {
                done = handle => {
                    if stalled {
                        info!(directory = %self.directory.display(),
                              after_s = started.elapsed().as_secs(),
                              "Store-and-Repeat folder scan finished");
                        stalled = false;
                    }
                    running = None;
                    let now = self.path.clock.now();
                    if self.apply(&mut state, &mut log, done, now) {
                        next_scan = Instant::now();
                    }
                }
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Applies a scan: new and changed files are checked and stored, removed ones
    /// withdrawn. A bad entry is logged and counted; the others carry on. True when a file
    /// refused for lack of room should be read again now.
    fn apply(
        &mut self,
        state: &mut ScanState,
        log: &mut LogLimiter<&'static str>,
        scan: ScanResult,
        now: UnixMillis,
    ) -> bool {
        let ScanState {
            seen,
            refused,
            waiting_for_room,
            dir_failing,
        } = state;
        let mono = Instant::now().into_std();
        let before = self.repeater.len();
        let mut freed = false;
        let entries = match scan {
            Ok(Ok(e)) => {
                if *dir_failing {
                    info!(directory = %self.directory.display(), "Store-and-Repeat directory readable again");
                    *dir_failing = false;
                }
                e
            }
            Ok(Err(e)) => {
                // Keep sending what is stored: a briefly unmounted directory is no reason to
                // go silent.
                if !*dir_failing {
                    self.metrics.rejected("directory").increment(1);
                    error!(directory = %self.directory.display(), error = %e, "Store-and-Repeat directory unreadable");
                    *dir_failing = true;
                }
                return false;
            }
            Err(e) => {
                self.metrics.rejected("scan_failed").increment(1);
                error!(directory = %self.directory.display(), error = %e, "Store-and-Repeat folder scan failed");
                return false;
            }
        };
        let mut present = HashSet::new();
        let mut refused_now = HashSet::new();
        for entry in entries {
            let (name, stamp, content) = match entry {
                Entry::Refused { name, code, kind } => {
                    if refused.get(&name) != Some(&(code, kind)) {
                        self.metrics.rejected(code).increment(1);
                        warn_limited!(log, code, mono, file = %name, reason = code, kind,
                                      "Store-and-Repeat entry refused unread");
                        refused.insert(name.clone(), (code, kind));
                    }
                    refused_now.insert(name);
                    continue;
                }
                Entry::File {
                    name,
                    stamp,
                    content,
                } => (name, stamp, content),
            };
            present.insert(name.clone());
            let bytes = match content {
                Content::Unchanged => {
                    if let Some(s) = seen.get_mut(&name) {
                        s.stamp = stamp;
                    }
                    continue;
                }
                Content::Read(b) => Ok(b),
                Content::Refused { code, detail } => Err((code, detail)),
            };
            let digest = bytes.as_ref().ok().map(|b| HashAlg::Sha256.digest(b));
            let fresh = Seen { stamp, digest };
            if seen.get(&name).is_some_and(|s| s.digest == fresh.digest) {
                seen.insert(name, fresh);
                continue;
            }
            seen.insert(name.clone(), fresh);
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
                    warn_limited!(log, code, mono, file = %name, reason = code, %message,
                                  withdrawn, "Store-and-Repeat file rejected");
                }
            }
        }
        refused.retain(|name, _| refused_now.contains(name));
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
                info!(file = %name, "Store-and-Repeat file removed (or no longer a regular file); message withdrawn");
            }
        }
        self.metrics.stored.set(self.repeater.len() as f64);
        if (freed || self.repeater.len() < before) && !waiting_for_room.is_empty() {
            // Room was made: files refused for lack of it are read again. Each round needs
            // a message to have left, so this ends.
            for name in waiting_for_room.drain() {
                seen.remove(&name);
            }
            return true;
        }
        false
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use rsu_hw::{LoopbackMedium, MacAddr};

    use super::*;
    use crate::clock::TokioClock;
    use crate::telemetry::metrics::Metrics;

    /// A scan that never returns (a hung network filesystem) must not stop the stored
    /// messages, must be counted and logged once, and must not have a second scan queued
    /// behind it; once it returns, scans resume. Real time, since the blocked scan would
    /// also hold tokio's paused clock (it waits for blocking tasks): generous bounds.
    #[tokio::test]
    async fn a_hung_scan_does_not_stop_the_stored_messages() {
        let dir = std::env::temp_dir().join(format!("rsu-hung-scan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = "[rsu]\nname = \"t\"\nregion = \"us\"\n[radio]\nbackend = \"loopback\"\n\
                    channel = 172\n[security]\nsigning = false\n[store_and_repeat]\ndirectory = \".\"\nscan_interval_ms = 100\n\
                    [[tmc_message]]\npsid = \"0x8003\"\nsign = \"never\"\nopaque = true\n";
        let config = crate::config::parse(text, "test", &dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .config;
        let medium = LoopbackMedium::new(Default::default());
        let radio = medium.node(MacAddr::local([2, 0, 0, 0, 0, 1]), config.radio.channels);
        let status = Arc::new(Mutex::new(Status::default()));
        // 2026-06-01 10:59:30 UTC.
        let clock: Arc<dyn Clock> = Arc::new(TokioClock::starting_at(1_780_311_570_000_000));
        let metrics = Metrics::new();
        let task = StoreAndRepeat {
            directory: dir.clone(),
            scan_interval: Duration::from_millis(100),
            repeater: Repeater::new(4),
            path: TmcPath {
                radio: Arc::new(radio),
                tx: Arc::new(Mutex::new(
                    crate::region::build_tmc(&config, None, &Default::default()).unwrap(),
                )),
                can_sign: false,
                clock,
                registry: config.tmc_messages.clone().into(),
                radio_config: config.radio.clone(),
                regions: config.regions.clone().into(),
                status: status.clone(),
            },
            metrics: metrics.tmc("store_and_repeat"),
        };
        let file = "Version=0.7\nType=TIM\nPSID=0x8003\nPriority=5\nTxMode=CONT\nTxChannel=172\n\
                    TxInterval=1\nDeliveryStart=06/01/2026, 10:59\nDeliveryStop=06/01/2026, 11:10\n\
                    Signature=False\nEncryption=False\nPayload=0011AA\n";
        let calls = Arc::new(AtomicUsize::new(0));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = Mutex::new(hold);
        let reader = {
            let calls = calls.clone();
            move |_: &Path, _: &HashMap<String, Stamp>| {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                // The second scan hangs until released.
                if n == 1 {
                    let _ = hold.lock().unwrap().recv();
                }
                Ok(vec![Entry::File {
                    name: "a.txt".into(),
                    stamp: Stamp {
                        len: file.len() as u64,
                        modified: None,
                    },
                    content: if n == 0 {
                        Content::Read(file.as_bytes().to_vec())
                    } else {
                        Content::Unchanged
                    },
                }])
            }
        };
        let running = tokio::spawn(task.run_with(reader));
        let sent = || status.lock().unwrap().tmc_sent;
        // The scan at 100 ms hangs; the message (every whole second) keeps going out.
        tokio::time::sleep(Duration::from_millis(3500)).await;
        // Slots at 0, 1, 2 and 3 s; awaiting the hung scan would leave only the first.
        assert!(sent() >= 2, "{} sent while the scan hung", sent());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "a scan started behind the hung one"
        );
        let text = metrics.render();
        let stalled = text
            .lines()
            .find(|l| {
                l.starts_with("rsu_tmc_messages_rejected_total{")
                    && l.contains("reason=\"scan_stalled\"")
            })
            .unwrap_or_else(|| panic!("no scan_stalled count in\n{text}"));
        assert!(stalled.ends_with(" 1"), "{stalled}");
        // Released, the scans resume.
        release.send(()).unwrap();
        for _ in 0..100 {
            if calls.load(Ordering::SeqCst) >= 4 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(calls.load(Ordering::SeqCst) >= 4);
        running.abort();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
