//! Received-message verification off the async runtime: a bounded queue and worker threads.
//!
//! The receive task demuxes, filters by PSID and offers each message a rule wants to the queue
//! without waiting; a full queue drops the message and counts it
//! (`rsu_received_dropped_total{reason="verify_queue_full"}`). A worker parses it, asks the
//! per-sender policy whether to check it, verifies it with its own clone of the verifier
//! (trust store and chain cache) if so, and forwards it with what was actually checked. A
//! flood of signed messages thus costs queue slots and worker time, never the runtime's: SPaT,
//! MAP and every other input keep their pace.
//!
//! Messages the policy skips pass through the queue too: they cost a worker a parse (a few µs)
//! instead of a signature check, and keeping every SPDU parse off the runtime matters more
//! than letting them overtake a backlog. With several workers, the forwarding rules (their
//! "every n-th" counters) and the sender table are shared behind short locks, never held
//! across each other or across a wait; messages may then leave in another order than they
//! came.

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use rsu_hw::Psid;
use rsu_security::spdu::{self, SignerInfo, Spdu};
use rsu_security::trust::CacheStats;
use rsu_security::verify::{Reason, Verifier};
use tracing::debug;

use super::receive::looks_like_spdu;
use crate::clock::UnixMillis;
use crate::forward::auth::{AuthInterval, Check, Senders};
use crate::forward::backhaul::Destination;
use crate::forward::rules::{self, Outcome, Received, Rules};
use crate::telemetry::metrics::{ReceiveMetrics, RuleMetrics};

/// The forwarding rules with their destinations and counters.
pub(super) struct Forwarder {
    pub rules: Rules,
    pub rule_metrics: Vec<RuleMetrics>,
    /// Per rule, its destination (rules to the same server share one).
    pub destinations: Vec<Arc<Destination>>,
}

impl Forwarder {
    fn forward(&mut self, msg: &Received) {
        for verdict in self.rules.decide(msg) {
            match verdict {
                Ok(i) => {
                    let (Some(rule), Some(dest)) =
                        (self.rules.rules().get(i), self.destinations.get(i))
                    else {
                        continue;
                    };
                    dest.offer(rules::render(rule, msg));
                    if let Some(m) = self.rule_metrics.get(i) {
                        m.forwarded.increment(1);
                    }
                }
                Err((i, why)) => {
                    if let Some(m) = self.rule_metrics.get(i) {
                        m.skipped(why.code()).increment(1);
                    }
                }
            }
        }
    }
}

/// What the receive task and the workers share.
pub(super) struct Shared {
    forwarder: Mutex<Forwarder>,
    senders: Mutex<Senders>,
    pub metrics: ReceiveMetrics,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not stop the receive path; the data is counters and tables.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub fn new(forwarder: Forwarder, max_senders: usize, metrics: ReceiveMetrics) -> Shared {
        Shared {
            forwarder: Mutex::new(forwarder),
            senders: Mutex::new(Senders::new(max_senders)),
            metrics,
        }
    }

    /// Counts `msg`'s outcome and hands it to the rules.
    pub fn deliver(&self, msg: &Received) {
        self.metrics.verification(msg.outcome.code()).increment(1);
        lock(&self.forwarder).forward(msg);
    }

    /// Runs `f` on the sender table and publishes its size and evictions.
    pub fn senders<T>(&self, f: impl FnOnce(&mut Senders) -> T) -> T {
        let mut s = lock(&self.senders);
        let evicted = s.evicted();
        let out = f(&mut s);
        self.metrics.senders.set(s.len() as f64);
        self.metrics
            .sender_evictions
            .increment(s.evicted().saturating_sub(evicted));
        out
    }
}

/// A received message waiting for verification.
pub(super) struct Job {
    pub psid: Psid,
    /// The policy of the message's PSID.
    pub interval: AuthInterval,
    pub rssi_dbm: Option<i8>,
    pub channel: Option<u8>,
    pub at: UnixMillis,
    pub now_us: i64,
    pub wsmp: Bytes,
    pub spdu: Bytes,
}

/// Why a job was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refused {
    Full,
    /// Every worker has ended (only if one panicked).
    NoWorker,
}

impl Refused {
    pub fn code(self) -> &'static str {
        match self {
            Refused::Full => "verify_queue_full",
            Refused::NoWorker => "verify_worker_gone",
        }
    }
}

/// The sending side of the queue; the workers end when it is dropped.
pub(super) struct VerifyQueue {
    tx: SyncSender<Job>,
    shared: Arc<Shared>,
}

impl VerifyQueue {
    /// Starts `workers` threads, each with its own clone of `verifier` (`None` without a trust
    /// store: signed messages then fail as `no_trust_store`), behind a queue of `capacity`
    /// messages.
    pub fn start(
        verifier: Option<&Verifier>,
        capacity: usize,
        workers: usize,
        shared: Arc<Shared>,
    ) -> std::io::Result<VerifyQueue> {
        let (tx, rx) = mpsc::sync_channel(capacity);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..workers.max(1) {
            let worker = Worker {
                rx: rx.clone(),
                verifier: verifier.cloned(),
                shared: shared.clone(),
                seen: verifier.map(|v| v.store.cache_stats()).unwrap_or_default(),
            };
            std::thread::Builder::new()
                .name(format!("rsu-verify-{i}"))
                .spawn(move || worker.run())?;
        }
        Ok(VerifyQueue { tx, shared })
    }

    /// Queues `job` without waiting.
    pub fn offer(&self, job: Job) -> Result<(), Refused> {
        // Counted before the send, so a worker's decrement never comes first.
        self.shared.metrics.queue_depth.increment(1.0);
        match self.tx.try_send(job) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.shared.metrics.queue_depth.decrement(1.0);
                Err(match e {
                    TrySendError::Full(_) => Refused::Full,
                    TrySendError::Disconnected(_) => Refused::NoWorker,
                })
            }
        }
    }
}

struct Worker {
    rx: Arc<Mutex<Receiver<Job>>>,
    verifier: Option<Verifier>,
    shared: Arc<Shared>,
    /// The cache counters already published.
    seen: CacheStats,
}

impl Worker {
    fn run(mut self) {
        loop {
            // One worker waits on the queue at a time; the others wait for the lock.
            let job = lock(&self.rx).recv();
            let Ok(job) = job else {
                debug!("verification queue closed; worker ends");
                return;
            };
            self.shared.metrics.queue_depth.decrement(1.0);
            self.handle(job);
        }
    }

    fn handle(&mut self, job: Job) {
        let (outcome, payload) = self.judge(&job);
        self.shared.deliver(&Received {
            psid: job.psid,
            rssi_dbm: job.rssi_dbm,
            channel: job.channel,
            at: job.at,
            outcome,
            wsmp: job.wsmp,
            spdu: job.spdu,
            payload,
        });
    }

    /// What was checked of `job`, and its application payload.
    fn judge(&mut self, job: &Job) -> (Outcome, Bytes) {
        let data = &job.spdu;
        let signed = match spdu::parse(data) {
            Ok(Spdu::Signed(s)) => s,
            Ok(Spdu::Unsecured(p)) => return (Outcome::Unsigned, Bytes::from(p)),
            Err(_) if looks_like_spdu(data) => return (Outcome::Failed("malformed"), data.clone()),
            // Not an SPDU: a bare MessageFrame, as stations without 1609.2 send it.
            Err(_) => return (Outcome::Unsigned, data.clone()),
        };
        // The decoder copies the payload out, so it is not a slice of `data`.
        let payload = signed
            .payload()
            .map_or_else(|| data.clone(), Bytes::copy_from_slice);
        let Some(verifier) = self.verifier.as_mut() else {
            return (Outcome::Failed("no_trust_store"), payload);
        };
        let sender = match &signed.signer {
            SignerInfo::Digest(id) => Some((job.psid, *id)),
            SignerInfo::Certificates(c) => c.first().map(|c| (job.psid, c.hashed_id8())),
            SignerInfo::SelfSigned => None,
        };
        let check = match sender {
            Some(s) => self.shared.senders(|t| t.check(s, job.interval)),
            // No identity to keep state for: checked unless the policy checks nothing.
            None if job.interval == AuthInterval::NONE => Check::Skip,
            None => Check::Verify,
        };
        if check == Check::Skip {
            return (Outcome::NotChecked, payload);
        }
        let v = verifier.verify_parsed(Spdu::Signed(signed), job.now_us);
        let outcome = match &v.reason {
            None => match v.signed() {
                // The SPDU must be for the PSID it travelled under.
                Some(s) if s.header.psid != u64::from(job.psid.value()) => {
                    Outcome::Failed("psid_mismatch")
                }
                _ => Outcome::Verified,
            },
            Some(Reason::Unsigned) => Outcome::Unsigned,
            Some(r) => Outcome::Failed(r.code()),
        };
        let stats = verifier.store.cache_stats();
        let m = &self.shared.metrics;
        m.cache_hits
            .increment(stats.hits.saturating_sub(self.seen.hits));
        m.cache_misses
            .increment(stats.misses.saturating_sub(self.seen.misses));
        self.seen = stats;
        if outcome != Outcome::Verified
            && let Some(sender) = &sender
        {
            // An unverified sender earns no skipped checks: its next message is checked.
            self.shared.senders(|s| s.forget(sender));
        }
        (outcome, payload)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::telemetry::metrics::Metrics;
    use rasn_its::ieee1609dot2::base_types::Duration as CertDuration;
    use rsu_security::Curve;
    use rsu_security::pki::{CertSpec, TestChain};
    use rsu_security::sign::Signer;
    use rsu_security::trust::{TrustConfig, TrustStore};
    use rsu_security::verify::VerifierConfig;

    const NOW: i64 = 1_763_164_800;

    /// The sample of `name` whose label set contains `label` (empty: any), if exposed.
    fn sample(text: &str, name: &str, label: &str) -> Option<f64> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .find(|l| {
                l.strip_prefix(name).is_some_and(|rest| {
                    (rest.starts_with(' ') || rest.starts_with('{')) && rest.contains(label)
                })
            })
            .and_then(|l| l.rsplit(' ').next()?.parse().ok())
    }

    fn metric(m: &Metrics, name: &str, label: &str) -> f64 {
        let text = m.render();
        sample(&text, name, label).unwrap_or_else(|| panic!("{name}{{{label}}} not in\n{text}"))
    }

    #[test]
    fn a_full_queue_drops_and_counts_and_nothing_is_lost_otherwise() {
        let chain = TestChain::new(
            &CertSpec::ca("root", NOW - 86_400, CertDuration::Years(1), 1),
            Curve::NistP256,
            &CertSpec::end_entity("obu", NOW - 60, CertDuration::Hours(1), &[0x20]),
            Curve::NistP256,
        )
        .unwrap();
        let mut store = TrustStore::new(TrustConfig::default());
        store.add(chain.root.clone()).unwrap();
        let verifier = Verifier::new(store, VerifierConfig::default());
        let mut signer = Signer::new(chain.ee_key, Arc::new(chain.ee)).unwrap();
        let spdu = Bytes::from(signer.sign(0x20, &[0, 20, 1], NOW * 1_000_000).unwrap());

        let metrics = Metrics::new();
        let forwarder = Forwarder {
            rules: Rules::new(Vec::new()),
            rule_metrics: Vec::new(),
            destinations: Vec::new(),
        };
        let shared = Arc::new(Shared::new(forwarder, 64, metrics.receive()));
        let capacity = 3;
        let queue = VerifyQueue::start(Some(&verifier), capacity, 1, shared.clone()).unwrap();
        let job = || Job {
            psid: Psid::BSM,
            interval: AuthInterval::ALL,
            rssi_dbm: None,
            channel: None,
            at: UnixMillis(0),
            now_us: NOW * 1_000_000,
            wsmp: Bytes::new(),
            spdu: spdu.clone(),
        };
        let depth = || metric(&metrics, "rsu_received_verify_queue_depth", "");
        // The worker will block handing its first result over while the rules are held.
        let held = lock(&shared.forwarder);
        queue.offer(job()).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while depth() != 0.0 {
            assert!(
                std::time::Instant::now() < deadline,
                "the worker took nothing"
            );
            std::thread::yield_now();
        }
        for _ in 0..capacity {
            queue.offer(job()).unwrap();
        }
        assert_eq!(depth(), capacity as f64);
        assert_eq!(queue.offer(job()).unwrap_err(), Refused::Full);
        assert_eq!(queue.offer(job()).unwrap_err(), Refused::Full);
        assert_eq!(
            depth(),
            capacity as f64,
            "a refused job is not counted as queued"
        );
        drop(held);
        // Everything queued is verified and delivered; nothing else.
        let verified = || {
            sample(
                &metrics.render(),
                "rsu_received_verification_total",
                "outcome=\"verified\"",
            )
        };
        while verified() != Some((capacity + 1) as f64) {
            assert!(std::time::Instant::now() < deadline, "{}", metrics.render());
            std::thread::yield_now();
        }
        assert_eq!(depth(), 0.0);
        // The first signer lookup validated the chain; the rest found it cached.
        assert_eq!(
            metric(
                &metrics,
                "rsu_received_verify_cache_total",
                "result=\"miss\""
            ),
            1.0
        );
        assert_eq!(
            metric(
                &metrics,
                "rsu_received_verify_cache_total",
                "result=\"hit\""
            ),
            capacity as f64
        );
        // The workers end with the queue.
        drop(queue);
    }
}
