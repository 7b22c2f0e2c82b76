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
use rsu_hw::wire::{BasicHeader, BtpPort};
use rsu_security::etsi;
use rsu_security::spdu::{self, SignedSpdu, SignerInfo, Spdu};
use rsu_security::trust::CacheStats;
use rsu_security::verify::{Reason, Verifier};
use tracing::debug;

use super::receive::looks_like_spdu;
use crate::clock::UnixMillis;
use crate::forward::auth::{AuthInterval, Check, Senders};
use crate::forward::backhaul::Destination;
use crate::forward::gn::{self, Reject};
use crate::forward::rules::{self, AppId, Outcome, Received, Rules};
use crate::telemetry::metrics::{ReceiveMetrics, RuleMetrics};
use crate::telemetry::throttle::{LogLimiter, warn_limited};

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
    /// Per identifier with a rule, how often its senders are verified (the strictest of its
    /// rules). Fixed at start.
    policy: Vec<(AppId, AuthInterval)>,
    pub metrics: ReceiveMetrics,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not stop the receive path; the data is counters and tables.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub fn new(forwarder: Forwarder, max_senders: usize, metrics: ReceiveMetrics) -> Shared {
        let mut policy: Vec<(AppId, AuthInterval)> = Vec::new();
        for rule in forwarder.rules.rules() {
            match policy.iter_mut().find(|(a, _)| *a == rule.app) {
                Some((_, i)) => *i = i.stricter(rule.auth),
                None => policy.push((rule.app, rule.auth)),
            }
        }
        Shared {
            forwarder: Mutex::new(forwarder),
            senders: Mutex::new(Senders::new(max_senders)),
            policy,
            metrics,
        }
    }

    /// The verification policy of `app`, if a rule forwards it.
    pub fn policy(&self, app: AppId) -> Option<AuthInterval> {
        self.policy
            .iter()
            .find_map(|(a, i)| (*a == app).then_some(*i))
    }

    /// Whether any rule selects by ITS-AID (otherwise secured GeoNetworking packets, whose
    /// ITS-AID only a full parse reveals, need not be queued at all).
    pub fn wants_geonetworking(&self) -> bool {
        self.policy
            .iter()
            .any(|(a, _)| matches!(a, AppId::ItsAid(_)))
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
    pub carried: Carried,
    pub rssi_dbm: Option<i8>,
    pub channel: Option<u8>,
    pub at: UnixMillis,
    pub now_us: i64,
    /// The network packet as received (WSMP, or GeoNetworking from the basic header).
    pub packet: Bytes,
}

/// What a queued message is, as far as the receive task looked.
pub(super) enum Carried {
    /// WSMP data (an SPDU or a bare MessageFrame) of a PSID with a rule.
    Wsmp {
        psid: Psid,
        /// The policy of the message's PSID.
        interval: AuthInterval,
        spdu: Bytes,
    },
    /// An unsecured GeoNetworking packet's facilities PDU, of an ITS-AID with a rule.
    Gn {
        its_aid: Psid,
        port: BtpPort,
        facilities: Bytes,
    },
    /// A secured GeoNetworking packet: its ITS-AID is only known once the worker parses it.
    GnSecured { basic: BasicHeader, secured: Bytes },
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
                log: LogLimiter::default(),
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
    /// Rejected GeoNetworking packets are logged once per reason (then summarised).
    log: LogLimiter<&'static str>,
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
        let judged = match &job.carried {
            Carried::Wsmp {
                psid,
                interval,
                spdu,
            } => {
                let (outcome, payload) = self.judge_wsmp(*psid, *interval, spdu, job.now_us);
                Ok((AppId::Psid(*psid), outcome, spdu.clone(), payload))
            }
            Carried::Gn {
                its_aid,
                port,
                facilities,
            } => gn::check_facilities(*port, facilities).map(|()| {
                (
                    AppId::ItsAid(*its_aid),
                    Outcome::Unsigned,
                    facilities.clone(),
                    facilities.clone(),
                )
            }),
            Carried::GnSecured { basic, secured } => self
                .judge_gn_secured(*basic, secured, job.now_us)
                .map(|(app, outcome, payload)| (app, outcome, secured.clone(), payload)),
        };
        let (app, outcome, spdu, payload) = match judged {
            Ok(j) => j,
            Err(why) => {
                let code = why.code();
                self.shared.metrics.dropped(code).increment(1);
                if why.is_ordinary() {
                    debug!(reason = code, error = %why, "received GeoNetworking packet not forwarded");
                } else {
                    warn_limited!(self.log, code, std::time::Instant::now(),
                                  reason = code, error = %why, "received GeoNetworking packet dropped");
                }
                return;
            }
        };
        self.shared.deliver(&Received {
            app,
            rssi_dbm: job.rssi_dbm,
            channel: job.channel,
            at: job.at,
            outcome,
            packet: job.packet,
            spdu,
            payload,
        });
    }

    /// What was checked of WSMP data, and its application payload.
    fn judge_wsmp(
        &mut self,
        psid: Psid,
        interval: AuthInterval,
        data: &Bytes,
        now_us: i64,
    ) -> (Outcome, Bytes) {
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
        let outcome = self.check_signed(psid, interval, signed, now_us);
        (outcome, payload)
    }

    /// A secured GeoNetworking packet: structure first (secured packet, inner headers, BTP,
    /// ITS-AID against port, a rule for it, messageID against port), then the TS 103 097
    /// profile, then the per-sender policy and verification as for WSMP. Structural faults
    /// drop the packet (no rule can select what has no trustworthy ITS-AID); a profile
    /// violation is an outcome, like a bad signature.
    fn judge_gn_secured(
        &mut self,
        basic: BasicHeader,
        secured: &[u8],
        now_us: i64,
    ) -> Result<(AppId, Outcome, Bytes), Reject> {
        let parsed = gn::parse_secured(secured)?;
        let checked = gn::open_inner(basic, &parsed.inner)?;
        gn::check_signed_for(&parsed.spdu, &checked)?;
        let app = AppId::ItsAid(checked.its_aid);
        let Some(interval) = self.shared.policy(app) else {
            return Err(Reject::NoRule);
        };
        gn::check_facilities(checked.btp.dst_port(), checked.facilities)?;
        let payload = Bytes::copy_from_slice(checked.facilities);
        let its_aid = checked.its_aid;
        if let Err(v) = etsi::check_received(&parsed.spdu, u64::from(its_aid.value())) {
            return Ok((app, Outcome::Failed(v.code()), payload));
        }
        let outcome = self.check_signed(its_aid, interval, parsed.spdu, now_us);
        Ok((app, outcome, payload))
    }

    /// Applies the per-sender policy to a signed SPDU and verifies it if the policy says so.
    /// `number` is its PSID or ITS-AID (one registry), the sender table's key with the signer.
    fn check_signed(
        &mut self,
        number: Psid,
        interval: AuthInterval,
        signed: Box<SignedSpdu<'_>>,
        now_us: i64,
    ) -> Outcome {
        let Some(verifier) = self.verifier.as_mut() else {
            return Outcome::Failed("no_trust_store");
        };
        let sender = match &signed.signer {
            SignerInfo::Digest(id) => Some((number, *id)),
            SignerInfo::Certificates(c) => c.first().map(|c| (number, c.hashed_id8())),
            SignerInfo::SelfSigned => None,
        };
        let check = match sender {
            Some(s) => self.shared.senders(|t| t.check(s, interval)),
            // No identity to keep state for: checked unless the policy checks nothing.
            None if interval == AuthInterval::NONE => Check::Skip,
            None => Check::Verify,
        };
        if check == Check::Skip {
            return Outcome::NotChecked;
        }
        let v = verifier.verify_parsed(Spdu::Signed(signed), now_us);
        let outcome = match &v.reason {
            None => match v.signed() {
                // The SPDU must be for the PSID (ITS-AID) it travelled under.
                Some(s) if s.header.psid != u64::from(number.value()) => {
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
        outcome
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
            carried: Carried::Wsmp {
                psid: Psid::BSM,
                interval: AuthInterval::ALL,
                spdu: spdu.clone(),
            },
            rssi_dbm: None,
            channel: None,
            at: UnixMillis(0),
            now_us: NOW * 1_000_000,
            packet: Bytes::new(),
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

    #[test]
    fn geonetworking_packets_are_judged_by_its_aid_and_bad_ones_counted_by_reason() {
        use crate::forward::gn::tests as g;
        use crate::forward::rules::{Content, Format, Rule, Transport, Unverified};
        use rsu_hw::wire::BtpPort;

        let chain = g::chain();
        let mut store = TrustStore::new(TrustConfig::default());
        store.add(chain.root.clone()).unwrap();
        store.add(chain.aa.clone()).unwrap();
        let verifier = Verifier::new(store, VerifierConfig::default());
        let cam_aid = Psid::new(36).unwrap();
        let rule = Rule {
            app: AppId::ItsAid(cam_aid),
            destination: "127.0.0.1:46800".parse().unwrap(),
            transport: Transport::Udp,
            min_rssi_dbm: None,
            every: 1,
            start: None,
            stop: None,
            content: Content::Payload,
            format: Format::Json,
            unverified: Unverified::Drop,
            auth: AuthInterval::ALL,
            queue_len: 16,
        };
        let metrics = Metrics::new();
        let forwarder = Forwarder {
            rules: Rules::new(vec![rule]),
            rule_metrics: vec![metrics.forward_rule(0, "its_aid:36")],
            destinations: Vec::new(),
        };
        let shared = Arc::new(Shared::new(forwarder, 64, metrics.receive()));
        assert!(shared.wants_geonetworking());
        let (_tx, rx) = mpsc::sync_channel(1);
        let mut worker = Worker {
            rx: Arc::new(Mutex::new(rx)),
            verifier: Some(verifier),
            shared: shared.clone(),
            seen: CacheStats::default(),
            log: LogLimiter::default(),
        };
        let job = |packet: Vec<u8>| {
            let packet = Bytes::from(packet);
            let carried = match BasicHeader::parse(&packet) {
                Ok(basic) => Carried::GnSecured {
                    basic,
                    secured: packet.slice(4..),
                },
                Err(e) => panic!("{e}"),
            };
            Job {
                carried,
                rssi_dbm: Some(-60),
                channel: Some(180),
                at: UnixMillis(0),
                now_us: g::NOW * 1_000_000,
                packet,
            }
        };
        let mut signer = g::etsi_signer(&chain);
        let cam = g::secured(&mut signer, 36, BtpPort::CAM, &g::cam(), None);
        worker.handle(job(cam.clone()));
        assert_eq!(
            metric(
                &metrics,
                "rsu_received_verification_total",
                "outcome=\"verified\""
            ),
            1.0
        );
        // A bad signature (the last octet of s) is an outcome the strict rule skips.
        let mut bad = cam.clone();
        if let Some(b) = bad.last_mut() {
            *b ^= 1;
        }
        worker.handle(job(bad));
        assert_eq!(
            metric(
                &metrics,
                "rsu_forward_skipped_total",
                "reason=\"unverified\""
            ),
            1.0
        );
        // An unsecured CAM goes through the same rule as unsigned.
        worker.handle(Job {
            carried: Carried::Gn {
                its_aid: cam_aid,
                port: BtpPort::CAM,
                facilities: Bytes::from(g::cam()),
            },
            ..job(cam.clone())
        });
        assert_eq!(
            metric(
                &metrics,
                "rsu_received_verification_total",
                "outcome=\"unsigned\""
            ),
            1.0
        );
        // No rule for DENM; a truncated packet; the wrong port for the ITS-AID.
        worker.handle(job(g::secured(
            &mut signer,
            37,
            BtpPort::DENM,
            &g::denm(),
            Some(&g::HERE),
        )));
        worker.handle(job(cam[..cam.len() - 7].to_vec()));
        worker.handle(job(g::secured(
            &mut signer,
            37,
            BtpPort::CAM,
            &g::cam(),
            Some(&g::HERE),
        )));
        for reason in ["no_rule", "gn_secured_malformed", "its_aid_port_mismatch"] {
            assert_eq!(
                metric(
                    &metrics,
                    "rsu_received_dropped_total",
                    &format!("reason=\"{reason}\"")
                ),
                1.0,
                "{reason}"
            );
        }
        assert_eq!(
            metric(
                &metrics,
                "rsu_received_verification_total",
                "outcome=\"verified\""
            ),
            1.0
        );
    }
}
