//! The service's metrics, registered once as handles.
//!
//! Each [`Metrics`] owns its own Prometheus recorder instead of installing a global one, so
//! several services (tests, the hardware-in-the-loop suite) can run in one process without
//! sharing counters. Every series is registered up front (or on the first use of a label value,
//! off the hot path); the hot path only touches the returned [`Counter`], [`Gauge`] and
//! [`Histogram`] handles, which are atomics behind an `Arc`: no label formatting, no lookups.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Label, Level, Metadata, Recorder, Unit};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

/// Messages handed to the radio, by message type.
const MESSAGES_SENT: &str = "rsu_messages_sent_total";
/// SPaT ticks that sent nothing because the controller is silent.
const SPAT_SUPPRESSED: &str = "rsu_spat_suppressed_total";
/// Messages that could not be signed.
const SIGNING_FAILURES: &str = "rsu_signing_failures_total";
/// Messages that could not be encoded.
const ENCODE_FAILURES: &str = "rsu_encode_failures_total";
/// Messages the radio refused.
const SEND_FAILURES: &str = "rsu_send_failures_total";
/// Encode, sign, frame and send, per message.
const TX_LATENCY: &str = "rsu_tx_latency_seconds";
/// Controller packets accepted.
const CONTROLLER_PACKETS: &str = "rsu_controller_packets_total";
/// Controller packets rejected, by reason.
const CONTROLLER_REJECTED: &str = "rsu_controller_rejected_total";
/// Times the controller went silent past the watchdog.
const CONTROLLER_TIMEOUTS: &str = "rsu_controller_timeouts_total";
/// Whether the controller is silent now.
const CONTROLLER_SILENT: &str = "rsu_controller_silent";
/// The MsgCount revision of the MAP being broadcast.
const MAP_REVISION: &str = "rsu_map_revision";
/// Broadcast ticks skipped because the service fell behind.
const SCHEDULE_OVERRUNS: &str = "rsu_schedule_overruns_total";
/// Configuration inputs rejected, by reason.
const CONFIG_REJECTED: &str = "rsu_config_rejected_total";
/// State file faults (MAP revisions), by reason.
const STATE_ERRORS: &str = "rsu_state_errors_total";
/// Whether every MAP revision handed out is on disk.
const STATE_PERSISTED: &str = "rsu_state_persisted";
/// Scrape endpoint requests, by HTTP status code.
const HTTP_REQUESTS: &str = "rsu_http_requests_total";
/// Scrape endpoint connections closed without a response, by reason.
const HTTP_DROPPED: &str = "rsu_http_connections_dropped_total";
/// Configuration reloads (SIGHUP), by result.
const CONFIG_RELOADS: &str = "rsu_config_reloads_total";

/// Messages from the traffic management centre accepted, by source.
const TMC_ACCEPTED: &str = "rsu_tmc_messages_accepted_total";
/// Messages from the traffic management centre rejected, by source and reason.
const TMC_REJECTED: &str = "rsu_tmc_messages_rejected_total";
/// Datagrams the kernel dropped on an input socket (receive buffer full).
const UDP_DROPS: &str = "rsu_udp_receive_drops_total";
/// Messages from the traffic management centre handed to the radio, by source.
const TMC_SENT: &str = "rsu_tmc_messages_sent_total";
/// Messages from the traffic management centre not sent after acceptance, by reason.
const TMC_SEND_FAILURES: &str = "rsu_tmc_send_failures_total";
/// Immediate Forward: datagram arrival to radio hand-over.
const IFM_LATENCY: &str = "rsu_immediate_forward_latency_seconds";
/// Store-and-Repeat messages stored, and inside their delivery window.
const SRM_STORED: &str = "rsu_store_and_repeat_messages";
/// Store-and-Repeat slots skipped because the service was late.
const SRM_SKIPPED: &str = "rsu_store_and_repeat_skipped_total";
/// Frames received from the radio, by network layer.
const RX_FRAMES: &str = "rsu_received_frames_total";
/// Received frames dropped before the forwarding rules, by reason.
const RX_DROPPED: &str = "rsu_received_dropped_total";
/// Received messages a rule wanted, by verification outcome.
const RX_VERIFIED: &str = "rsu_received_verification_total";
/// Received messages waiting for verification.
const RX_VERIFY_QUEUE: &str = "rsu_received_verify_queue_depth";
/// Senders the verification policy remembers.
const RX_SENDERS: &str = "rsu_received_verify_senders";
/// Senders dropped from the policy table to keep it bounded.
const RX_SENDER_EVICTIONS: &str = "rsu_received_verify_sender_evictions_total";
/// Signer chain lookups in the verifiers' caches, by result.
const RX_VERIFY_CACHE: &str = "rsu_received_verify_cache_total";
/// Received messages forwarded, by rule.
const FORWARDED: &str = "rsu_forwarded_total";
/// Received messages a rule with their PSID did not forward, by rule and reason.
const FORWARD_SKIPPED: &str = "rsu_forward_skipped_total";
/// Backhaul: messages written, by destination.
const BACKHAUL_SENT: &str = "rsu_backhaul_sent_total";
/// Backhaul: messages dropped, by destination and reason.
const BACKHAUL_DROPPED: &str = "rsu_backhaul_dropped_total";
/// Backhaul: TCP connections made and failed, by destination.
const BACKHAUL_CONNECTS: &str = "rsu_backhaul_connects_total";
const BACKHAUL_CONNECT_FAILURES: &str = "rsu_backhaul_connect_failures_total";
/// Backhaul: messages queued, by destination.
const BACKHAUL_QUEUE: &str = "rsu_backhaul_queue_depth";
/// Backhaul: whether the destination is connected.
const BACKHAUL_CONNECTED: &str = "rsu_backhaul_connected";

/// Whether `name` is a metric family the service describes (and so may export): tests that
/// assert a series is absent or zero check this first, so a renamed metric cannot pass them.
pub fn is_described(name: &str) -> bool {
    DESCRIPTIONS.iter().any(|(n, ..)| *n == name)
}

/// Every metric with its kind, unit and `# HELP` text, so each is described exactly once.
const DESCRIPTIONS: &[(&str, Kind, Option<Unit>, &str)] = &[
    (
        MESSAGES_SENT,
        Kind::Counter,
        Some(Unit::Count),
        "Messages handed to the radio, by message type and intersection.",
    ),
    (
        SPAT_SUPPRESSED,
        Kind::Counter,
        Some(Unit::Count),
        "SPaT broadcasts not sent because the signal controller is silent.",
    ),
    (
        SIGNING_FAILURES,
        Kind::Counter,
        Some(Unit::Count),
        "Messages dropped because IEEE 1609.2 signing failed.",
    ),
    (
        ENCODE_FAILURES,
        Kind::Counter,
        Some(Unit::Count),
        "Messages dropped because UPER encoding failed.",
    ),
    (
        SEND_FAILURES,
        Kind::Counter,
        Some(Unit::Count),
        "Messages the radio did not accept for transmission.",
    ),
    (
        TX_LATENCY,
        Kind::Histogram,
        Some(Unit::Seconds),
        "Time to encode, sign, frame and send one message.",
    ),
    (
        CONTROLLER_PACKETS,
        Kind::Counter,
        Some(Unit::Count),
        "Signal controller packets accepted.",
    ),
    (
        CONTROLLER_REJECTED,
        Kind::Counter,
        Some(Unit::Count),
        "Signal controller packets rejected, by reason.",
    ),
    (
        CONTROLLER_TIMEOUTS,
        Kind::Counter,
        Some(Unit::Count),
        "Times the signal controller went silent past the watchdog.",
    ),
    (
        CONTROLLER_SILENT,
        Kind::Gauge,
        None,
        "1 while the signal controller is silent past the watchdog, else 0.",
    ),
    (
        MAP_REVISION,
        Kind::Gauge,
        None,
        "Revision (MsgCount) of the MAP being broadcast.",
    ),
    (
        SCHEDULE_OVERRUNS,
        Kind::Counter,
        Some(Unit::Count),
        "Broadcast ticks skipped because the service fell behind.",
    ),
    (
        CONFIG_REJECTED,
        Kind::Counter,
        Some(Unit::Count),
        "Configuration inputs rejected, by reason.",
    ),
    (
        STATE_ERRORS,
        Kind::Counter,
        Some(Unit::Count),
        "MAP revision state file faults (read, damaged, write), by reason; the RSU keeps broadcasting with revisions in memory.",
    ),
    (
        STATE_PERSISTED,
        Kind::Gauge,
        None,
        "1 when every MAP revision in use is saved in state_dir, 0 while only in memory.",
    ),
    (
        HTTP_REQUESTS,
        Kind::Counter,
        Some(Unit::Count),
        "Requests to the metrics endpoint, by HTTP status code.",
    ),
    (
        TMC_ACCEPTED,
        Kind::Counter,
        Some(Unit::Count),
        "Immediate Forward and Store-and-Repeat messages accepted, by source.",
    ),
    (
        UDP_DROPS,
        Kind::Counter,
        Some(Unit::Count),
        "Datagrams the kernel dropped before the service read them (receive buffer full), by input socket; sampled every few seconds.",
    ),
    (
        TMC_REJECTED,
        Kind::Counter,
        Some(Unit::Count),
        "Immediate Forward and Store-and-Repeat messages rejected, by source and reason.",
    ),
    (
        TMC_SENT,
        Kind::Counter,
        Some(Unit::Count),
        "Immediate Forward and Store-and-Repeat messages handed to the radio, by source.",
    ),
    (
        TMC_SEND_FAILURES,
        Kind::Counter,
        Some(Unit::Count),
        "Accepted Immediate Forward and Store-and-Repeat messages not sent, by source and reason.",
    ),
    (
        IFM_LATENCY,
        Kind::Histogram,
        Some(Unit::Seconds),
        "Immediate Forward: from the datagram's arrival to the frame's hand-over to the radio.",
    ),
    (
        SRM_STORED,
        Kind::Gauge,
        None,
        "Store-and-Repeat messages stored (state=stored) and inside their window (state=active).",
    ),
    (
        SRM_SKIPPED,
        Kind::Counter,
        Some(Unit::Count),
        "Store-and-Repeat transmissions skipped because the service fell behind.",
    ),
    (
        RX_FRAMES,
        Kind::Counter,
        Some(Unit::Count),
        "Frames received from the radio, by network layer.",
    ),
    (
        RX_DROPPED,
        Kind::Counter,
        Some(Unit::Count),
        "Received frames dropped before the forwarding rules, by reason (demux errors, no_rule, verify_queue_full, and for GeoNetworking gn_version, gn_basic_header, gn_common_header, gn_extended_header, btp_header, gn_not_btp, btp_unknown_port, gn_secured_malformed, its_aid_port_mismatch, message_id_port_mismatch, facilities_malformed).",
    ),
    (
        RX_VERIFIED,
        Kind::Counter,
        Some(Unit::Count),
        "Received messages wanted by a forwarding rule, by verification outcome.",
    ),
    (
        RX_VERIFY_QUEUE,
        Kind::Gauge,
        None,
        "Received messages waiting for verification.",
    ),
    (
        RX_SENDERS,
        Kind::Gauge,
        None,
        "Senders whose verification policy state is remembered.",
    ),
    (
        RX_SENDER_EVICTIONS,
        Kind::Counter,
        Some(Unit::Count),
        "Senders dropped from the verification policy table to keep it bounded.",
    ),
    (
        RX_VERIFY_CACHE,
        Kind::Counter,
        Some(Unit::Count),
        "Signer certificate chains looked up in the verifiers' caches, by result (hit, miss).",
    ),
    (
        FORWARDED,
        Kind::Counter,
        Some(Unit::Count),
        "Received messages forwarded, by rule.",
    ),
    (
        FORWARD_SKIPPED,
        Kind::Counter,
        Some(Unit::Count),
        "Received messages a rule for their PSID did not forward, by rule and reason.",
    ),
    (
        BACKHAUL_SENT,
        Kind::Counter,
        Some(Unit::Count),
        "Messages sent to a backhaul destination.",
    ),
    (
        BACKHAUL_DROPPED,
        Kind::Counter,
        Some(Unit::Count),
        "Messages for a backhaul destination dropped, by reason.",
    ),
    (
        BACKHAUL_CONNECTS,
        Kind::Counter,
        Some(Unit::Count),
        "TCP connections made to a backhaul destination.",
    ),
    (
        BACKHAUL_CONNECT_FAILURES,
        Kind::Counter,
        Some(Unit::Count),
        "Failed TCP connection attempts to a backhaul destination.",
    ),
    (
        BACKHAUL_QUEUE,
        Kind::Gauge,
        None,
        "Messages waiting for a backhaul destination.",
    ),
    (
        BACKHAUL_CONNECTED,
        Kind::Gauge,
        None,
        "1 while the backhaul destination is connected (UDP: always), else 0.",
    ),
    (
        HTTP_DROPPED,
        Kind::Counter,
        Some(Unit::Count),
        "Metrics endpoint connections closed without a response, by reason.",
    ),
    (
        CONFIG_RELOADS,
        Kind::Counter,
        Some(Unit::Count),
        "Configuration reloads (SIGHUP), by result: ok, or refused (the running configuration kept).",
    ),
];

/// Upper bounds of the transmit latency buckets, in seconds: 10 µs to 50 ms in 1-2.5-5 steps.
/// Signing alone takes ~20 µs with ring on a fast core and an order of magnitude more on a
/// small ARM box; 50 ms is half a SPaT period, past which the tick is late anyway.
pub const TX_LATENCY_BUCKETS: [f64; 12] = [
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025,
    0.05,
];

/// How [`Metrics::upkeep`] paces itself when the caller has no better idea.
pub const DEFAULT_UPKEEP_PERIOD: Duration = Duration::from_secs(5);

/// Registration metadata; the Prometheus recorder ignores it, but the API requires one.
static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

#[derive(Clone, Copy)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// The service's metrics: one Prometheus recorder, rendered on demand. Cloning is cheap and
/// shares the recorder.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    config_rejected: LabelCache<&'static str>,
    state_errors: LabelCache<&'static str>,
    http_requests: LabelCache<u16>,
    http_dropped: LabelCache<&'static str>,
    config_reloads: LabelCache<&'static str>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Metrics without labels common to every series.
    pub fn new() -> Metrics {
        Metrics::with_labels(std::iter::empty())
    }

    /// Metrics whose every series carries these labels (e.g. `("rsu", "rsu-17")`), printed
    /// before the series' own. Invalid characters in a label name are replaced by `_`.
    pub fn with_labels<'a>(labels: impl IntoIterator<Item = (&'a str, &'a str)>) -> Metrics {
        let mut builder = PrometheusBuilder::new();
        for (key, value) in labels {
            builder = builder.add_global_label(key, value);
        }
        // The only error is an empty bucket list, and ours is a non-empty constant; should that
        // ever change, a summary in place of a histogram beats failing to start.
        let builder = match builder
            .set_buckets_for_metric(Matcher::Full(TX_LATENCY.to_owned()), &TX_LATENCY_BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(IFM_LATENCY.to_owned()), &TX_LATENCY_BUCKETS)
            }) {
            Ok(builder) => builder,
            Err(_) => PrometheusBuilder::new(),
        };
        let recorder = builder.build_recorder();
        for &(name, kind, unit, help) in DESCRIPTIONS {
            let name = KeyName::from(name);
            let help = help.into();
            match kind {
                Kind::Counter => recorder.describe_counter(name, unit, help),
                Kind::Gauge => recorder.describe_gauge(name, unit, help),
                Kind::Histogram => recorder.describe_histogram(name, unit, help),
            }
        }
        let handle = recorder.handle();
        Metrics {
            inner: Arc::new(Inner {
                recorder,
                handle,
                config_rejected: LabelCache::new(CONFIG_REJECTED, Vec::new(), "reason"),
                state_errors: LabelCache::new(STATE_ERRORS, Vec::new(), "reason"),
                http_requests: LabelCache::new(HTTP_REQUESTS, Vec::new(), "code"),
                http_dropped: LabelCache::new(HTTP_DROPPED, Vec::new(), "reason"),
                config_reloads: LabelCache::new(CONFIG_RELOADS, Vec::new(), "result"),
            }),
        }
    }

    /// Every series in the Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        self.inner.handle.render()
    }

    /// Moves buffered histogram samples into their buckets. Rendering does this too; call it
    /// (or run [`Metrics::upkeep`]) periodically so samples do not pile up between scrapes,
    /// or forever when nobody scrapes.
    pub fn run_upkeep(&self) {
        self.inner.handle.run_upkeep();
    }

    /// Runs [`Metrics::run_upkeep`] every `period` until `shutdown` completes.
    pub async fn upkeep(&self, period: Duration, shutdown: impl Future<Output = ()>) {
        let mut ticks = tokio::time::interval(period.max(Duration::from_millis(1)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return,
                _ = ticks.tick() => self.run_upkeep(),
            }
        }
    }

    /// The handles for one intersection (J2735 IntersectionReferenceID `id`), labelled
    /// `intersection="<id>"`. Asking twice for the same id gives handles to the same series.
    pub fn intersection(&self, id: u16) -> IntersectionMetrics {
        let id_number = id;
        let id = id.to_string();
        let labels = |extra: &[(&'static str, &'static str)]| {
            let mut labels = Vec::with_capacity(1 + extra.len());
            labels.push(Label::new("intersection", id.clone()));
            labels.extend(extra.iter().map(|&(k, v)| Label::new(k, v)));
            labels
        };
        IntersectionMetrics {
            spat: self.message(Some(id_number), "spat"),
            map: self.message(Some(id_number), "map"),
            id: id_number,
            spat_suppressed: self.counter(SPAT_SUPPRESSED, labels(&[])),
            controller_packets: self.counter(CONTROLLER_PACKETS, labels(&[])),
            controller_timeouts: self.counter(CONTROLLER_TIMEOUTS, labels(&[])),
            controller_silent: self.gauge(CONTROLLER_SILENT, labels(&[])),
            map_revision: self.gauge(MAP_REVISION, labels(&[])),
            schedule_overruns: self.counter(SCHEDULE_OVERRUNS, labels(&[])),
            rejected: Arc::new(LabelCache::new(CONTROLLER_REJECTED, labels(&[]), "reason")),
            metrics: self.clone(),
        }
    }

    /// The handles for one message type (label `type`: `spat`, `map`, `spatem`, `mapem`,
    /// `gn_beacon`), of one intersection (label `intersection`) or of none (a carrier's own
    /// frames, such as GeoNetworking beacons).
    pub fn message(&self, intersection: Option<u16>, kind: &'static str) -> MessageMetrics {
        let mut l = Vec::with_capacity(2);
        if let Some(id) = intersection {
            l.push(Label::new("intersection", id.to_string()));
        }
        l.push(Label::new("type", kind));
        MessageMetrics {
            sent: self.counter(MESSAGES_SENT, l.clone()),
            encode_failures: self.counter(ENCODE_FAILURES, l.clone()),
            sign_failures: self.counter(SIGNING_FAILURES, l.clone()),
            send_failures: self.counter(SEND_FAILURES, l.clone()),
            tx_latency: self.histogram(TX_LATENCY, l),
        }
    }

    /// `rsu_udp_receive_drops_total{socket, intersection}`: the kernel's drop count of an
    /// input socket (`intersection` for a controller input).
    pub fn udp_drops(&self, socket: &'static str, intersection: Option<u16>) -> Counter {
        let mut labels = Vec::with_capacity(2);
        if let Some(id) = intersection {
            labels.push(Label::new("intersection", id.to_string()));
        }
        labels.push(Label::new("socket", socket));
        self.counter(UDP_DROPS, labels)
    }

    /// `rsu_config_rejected_total{reason}`: the handle for one reason, registered on first use.
    pub fn config_rejected(&self, reason: &'static str) -> Counter {
        self.inner.config_rejected.get(&self.inner.recorder, reason)
    }

    /// `rsu_state_errors_total{reason}`: the handle for one reason, registered on first use.
    pub fn state_errors(&self, reason: &'static str) -> Counter {
        self.inner.state_errors.get(&self.inner.recorder, reason)
    }

    /// `rsu_state_persisted`: 1 when the MAP revisions in use are on disk, 0 otherwise.
    pub fn state_persisted(&self) -> Gauge {
        self.gauge(STATE_PERSISTED, Vec::new())
    }

    /// `rsu_http_requests_total{code}`: scrape endpoint requests answered with this status.
    pub fn http_requests(&self, code: u16) -> Counter {
        self.inner.http_requests.get(&self.inner.recorder, code)
    }

    /// `rsu_http_connections_dropped_total{reason}`: scrape endpoint connections closed
    /// without a response (`"limit"`: too many at once, all being answered; `"evicted"`:
    /// replaced, at the limit, by a newer one while still sending its request head or
    /// lingering after its response;
    /// `"timeout"`: no request in time).
    pub fn http_connections_dropped(&self, reason: &'static str) -> Counter {
        self.inner.http_dropped.get(&self.inner.recorder, reason)
    }

    /// `rsu_config_reloads_total{result}`: configuration reloads, `"ok"` or `"refused"` (the
    /// running configuration was kept).
    pub fn config_reloads(&self, result: &'static str) -> Counter {
        self.inner.config_reloads.get(&self.inner.recorder, result)
    }

    /// The handles for messages from the TMC through one `source` (`immediate_forward` or
    /// `store_and_repeat`).
    pub fn tmc(&self, source: &'static str) -> TmcMetrics {
        let l = vec![Label::new("source", source)];
        TmcMetrics {
            accepted: self.counter(TMC_ACCEPTED, l.clone()),
            sent: self.counter(TMC_SENT, l.clone()),
            latency: self.histogram(IFM_LATENCY, Vec::new()),
            stored: self.gauge(SRM_STORED, vec![Label::new("state", "stored")]),
            active: self.gauge(SRM_STORED, vec![Label::new("state", "active")]),
            skipped: self.counter(SRM_SKIPPED, Vec::new()),
            rejected: Arc::new(LabelCache::new(TMC_REJECTED, l.clone(), "reason")),
            send_failures: Arc::new(LabelCache::new(TMC_SEND_FAILURES, l, "reason")),
            metrics: self.clone(),
        }
    }

    /// The handles of the receive path.
    pub fn receive(&self) -> ReceiveMetrics {
        ReceiveMetrics {
            frames: Arc::new(LabelCache::new(RX_FRAMES, Vec::new(), "network")),
            dropped: Arc::new(LabelCache::new(RX_DROPPED, Vec::new(), "reason")),
            verification: Arc::new(LabelCache::new(RX_VERIFIED, Vec::new(), "outcome")),
            queue_depth: self.gauge(RX_VERIFY_QUEUE, Vec::new()),
            senders: self.gauge(RX_SENDERS, Vec::new()),
            sender_evictions: self.counter(RX_SENDER_EVICTIONS, Vec::new()),
            cache_hits: self.counter(RX_VERIFY_CACHE, vec![Label::new("result", "hit")]),
            cache_misses: self.counter(RX_VERIFY_CACHE, vec![Label::new("result", "miss")]),
            metrics: self.clone(),
        }
    }

    /// The handles of one forwarding rule, labelled `rule="<index>"` and `psid`.
    pub fn forward_rule(&self, index: usize, psid: &str) -> RuleMetrics {
        let l = vec![
            Label::new("rule", index.to_string()),
            Label::new("psid", psid.to_owned()),
        ];
        RuleMetrics {
            forwarded: self.counter(FORWARDED, l.clone()),
            skipped: Arc::new(LabelCache::new(FORWARD_SKIPPED, l, "reason")),
            metrics: self.clone(),
        }
    }

    /// The handles of one backhaul destination, labelled `destination="udp://host:port"`.
    pub fn destination(&self, destination: &str) -> crate::forward::backhaul::DestinationMetrics {
        let l = || vec![Label::new("destination", destination.to_owned())];
        let dropped = |reason: &'static str| {
            let mut labels = l();
            labels.push(Label::new("reason", reason));
            self.counter(BACKHAUL_DROPPED, labels)
        };
        crate::forward::backhaul::DestinationMetrics {
            sent: self.counter(BACKHAUL_SENT, l()),
            dropped_queue_full: dropped("queue_full"),
            dropped_stale: dropped("stale"),
            dropped_send_error: dropped("send_error"),
            connects: self.counter(BACKHAUL_CONNECTS, l()),
            connect_failures: self.counter(BACKHAUL_CONNECT_FAILURES, l()),
            queue_depth: self.gauge(BACKHAUL_QUEUE, l()),
            connected: self.gauge(BACKHAUL_CONNECTED, l()),
        }
    }

    fn counter(&self, name: &'static str, labels: Vec<Label>) -> Counter {
        self.inner
            .recorder
            .register_counter(&Key::from_parts(name, labels), &METADATA)
    }

    fn gauge(&self, name: &'static str, labels: Vec<Label>) -> Gauge {
        self.inner
            .recorder
            .register_gauge(&Key::from_parts(name, labels), &METADATA)
    }

    fn histogram(&self, name: &'static str, labels: Vec<Label>) -> Histogram {
        self.inner
            .recorder
            .register_histogram(&Key::from_parts(name, labels), &METADATA)
    }
}

/// The handles for one message type at one intersection (label `type`).
#[derive(Clone, Debug)]
pub struct MessageMetrics {
    /// `rsu_messages_sent_total`: handed to the radio.
    pub sent: Counter,
    /// `rsu_encode_failures_total`: UPER encoding failed.
    pub encode_failures: Counter,
    /// `rsu_signing_failures_total`: IEEE 1609.2 signing failed.
    pub sign_failures: Counter,
    /// `rsu_send_failures_total`: the radio did not accept the frame.
    pub send_failures: Counter,
    /// `rsu_tx_latency_seconds`: encode, sign, frame and send; record seconds.
    pub tx_latency: Histogram,
}

/// The handles for one intersection; clone freely (clones share the series).
#[derive(Clone)]
pub struct IntersectionMetrics {
    /// SPaT (`type="spat"`).
    pub spat: MessageMetrics,
    /// MAP (`type="map"`).
    pub map: MessageMetrics,
    /// `rsu_spat_suppressed_total`: SPaT not sent because the controller is silent.
    pub spat_suppressed: Counter,
    /// `rsu_controller_packets_total`: controller packets accepted.
    pub controller_packets: Counter,
    /// `rsu_controller_timeouts_total`: times the controller went silent past the watchdog.
    pub controller_timeouts: Counter,
    /// `rsu_controller_silent`: 1 while the controller is silent, else 0.
    pub controller_silent: Gauge,
    /// `rsu_map_revision`: the MsgCount of the MAP being broadcast.
    pub map_revision: Gauge,
    /// `rsu_schedule_overruns_total`: broadcast ticks skipped because the service fell behind.
    pub schedule_overruns: Counter,
    rejected: Arc<LabelCache<&'static str>>,
    metrics: Metrics,
    id: u16,
}

impl fmt::Debug for IntersectionMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntersectionMetrics")
            .finish_non_exhaustive()
    }
}

impl IntersectionMetrics {
    /// The handles of another message type of this intersection (`spatem`, `mapem`).
    pub fn message(&self, kind: &'static str) -> MessageMetrics {
        self.metrics.message(Some(self.id), kind)
    }

    /// `rsu_controller_rejected_total{reason}`: registered on the first use of `reason` and
    /// cached, so keep the returned handle where packets are rejected often.
    pub fn controller_rejected(&self, reason: &'static str) -> Counter {
        self.rejected.get(&self.metrics.inner.recorder, reason)
    }

    /// `rsu_udp_receive_drops_total{intersection, socket="tscbm"}`: of this intersection's
    /// controller input (`id` is its id).
    pub fn tscbm_drops(&self, id: u16) -> Counter {
        self.metrics.udp_drops("tscbm", Some(id))
    }
}

/// The handles for messages from the TMC through one source.
#[derive(Clone)]
pub struct TmcMetrics {
    /// `rsu_tmc_messages_accepted_total`.
    pub accepted: Counter,
    /// `rsu_tmc_messages_sent_total`.
    pub sent: Counter,
    /// `rsu_immediate_forward_latency_seconds`: arrival to radio hand-over.
    pub latency: Histogram,
    /// `rsu_store_and_repeat_messages{state="stored"}`.
    pub stored: Gauge,
    /// `rsu_store_and_repeat_messages{state="active"}`.
    pub active: Gauge,
    /// `rsu_store_and_repeat_skipped_total`.
    pub skipped: Counter,
    rejected: Arc<LabelCache<&'static str>>,
    send_failures: Arc<LabelCache<&'static str>>,
    metrics: Metrics,
}

impl TmcMetrics {
    /// `rsu_tmc_messages_rejected_total{reason}`.
    pub fn rejected(&self, reason: &'static str) -> Counter {
        self.rejected.get(&self.metrics.inner.recorder, reason)
    }

    /// `rsu_tmc_send_failures_total{reason}`.
    pub fn send_failure(&self, reason: &'static str) -> Counter {
        self.send_failures.get(&self.metrics.inner.recorder, reason)
    }

    /// `rsu_udp_receive_drops_total{socket="immediate_forward"}`.
    pub fn immediate_forward_drops(&self) -> Counter {
        self.metrics.udp_drops("immediate_forward", None)
    }
}

impl fmt::Debug for TmcMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TmcMetrics").finish_non_exhaustive()
    }
}

/// The handles of the receive path.
#[derive(Clone)]
pub struct ReceiveMetrics {
    frames: Arc<LabelCache<&'static str>>,
    dropped: Arc<LabelCache<&'static str>>,
    verification: Arc<LabelCache<&'static str>>,
    /// `rsu_received_verify_queue_depth`.
    pub queue_depth: Gauge,
    /// `rsu_received_verify_senders`.
    pub senders: Gauge,
    /// `rsu_received_verify_sender_evictions_total`.
    pub sender_evictions: Counter,
    /// `rsu_received_verify_cache_total{result="hit"}`.
    pub cache_hits: Counter,
    /// `rsu_received_verify_cache_total{result="miss"}`.
    pub cache_misses: Counter,
    metrics: Metrics,
}

impl ReceiveMetrics {
    /// `rsu_received_frames_total{network}`.
    pub fn frames(&self, network: &'static str) -> Counter {
        self.frames.get(&self.metrics.inner.recorder, network)
    }

    /// `rsu_received_dropped_total{reason}`.
    pub fn dropped(&self, reason: &'static str) -> Counter {
        self.dropped.get(&self.metrics.inner.recorder, reason)
    }

    /// `rsu_received_verification_total{outcome}`.
    pub fn verification(&self, outcome: &'static str) -> Counter {
        self.verification.get(&self.metrics.inner.recorder, outcome)
    }
}

impl fmt::Debug for ReceiveMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiveMetrics").finish_non_exhaustive()
    }
}

/// The handles of one forwarding rule.
#[derive(Clone)]
pub struct RuleMetrics {
    /// `rsu_forwarded_total`.
    pub forwarded: Counter,
    skipped: Arc<LabelCache<&'static str>>,
    metrics: Metrics,
}

impl RuleMetrics {
    /// `rsu_forward_skipped_total{reason}`.
    pub fn skipped(&self, reason: &'static str) -> Counter {
        self.skipped.get(&self.metrics.inner.recorder, reason)
    }
}

impl fmt::Debug for RuleMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleMetrics").finish_non_exhaustive()
    }
}

/// Counters of one metric that differ in one label whose values are known only when first
/// used (rejection reasons, status codes). A linear search suffices: a handful of values,
/// looked up off the hot path.
struct LabelCache<V> {
    name: &'static str,
    base: Vec<Label>,
    label: &'static str,
    entries: Mutex<Vec<(V, Counter)>>,
}

impl<V: Copy + PartialEq + ToString> LabelCache<V> {
    fn new(name: &'static str, base: Vec<Label>, label: &'static str) -> Self {
        LabelCache {
            name,
            base,
            label,
            entries: Mutex::new(Vec::new()),
        }
    }

    fn get(&self, recorder: &PrometheusRecorder, value: V) -> Counter {
        // A poisoned lock only means another thread panicked while pushing; the Vec is intact.
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, counter)) = entries.iter().find(|(v, _)| *v == value) {
            return counter.clone();
        }
        let mut labels = self.base.clone();
        labels.push(Label::new(self.label, value.to_string()));
        let counter = recorder.register_counter(&Key::from_parts(self.name, labels), &METADATA);
        entries.push((value, counter.clone()));
        counter
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The lines of `text` that are samples (not `#` comments or blank).
    fn samples(text: &str) -> Vec<&str> {
        text.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    }

    fn has_line(text: &str, line: &str) -> bool {
        text.lines().any(|l| l == line)
    }

    #[test]
    fn increments_render_as_exact_lines() {
        let metrics = Metrics::new();
        let m = metrics.intersection(1001);
        for _ in 0..3 {
            m.spat.sent.increment(1);
        }
        m.map.sent.increment(1);
        m.spat_suppressed.increment(2);
        m.map.sign_failures.increment(1);
        m.controller_silent.set(1.0);
        m.map_revision.set(7.0);
        let text = metrics.render();
        // Key labels print in the order given at registration (intersection, then type),
        // after any global labels; counters print as integers, gauges as f64 Display.
        for line in [
            r#"rsu_messages_sent_total{intersection="1001",type="spat"} 3"#,
            r#"rsu_messages_sent_total{intersection="1001",type="map"} 1"#,
            r#"rsu_spat_suppressed_total{intersection="1001"} 2"#,
            r#"rsu_signing_failures_total{intersection="1001",type="map"} 1"#,
            r#"rsu_signing_failures_total{intersection="1001",type="spat"} 0"#,
            r#"rsu_controller_silent{intersection="1001"} 1"#,
            r#"rsu_map_revision{intersection="1001"} 7"#,
            r#"rsu_schedule_overruns_total{intersection="1001"} 0"#,
            "# TYPE rsu_messages_sent_total counter",
            "# HELP rsu_messages_sent_total Messages handed to the radio, by message type and intersection.",
            "# TYPE rsu_controller_silent gauge",
        ] {
            assert!(has_line(&text, line), "missing {line:?} in:\n{text}");
        }
    }

    #[test]
    fn registered_series_render_as_zero_before_use() {
        // Prometheus rate() needs the zero sample before the first increment.
        let metrics = Metrics::new();
        let _m = metrics.intersection(7);
        let text = metrics.render();
        assert!(has_line(
            &text,
            r#"rsu_send_failures_total{intersection="7",type="spat"} 0"#
        ));
        assert!(has_line(
            &text,
            r#"rsu_controller_timeouts_total{intersection="7"} 0"#
        ));
    }

    #[test]
    fn every_series_has_help_and_type() {
        let metrics = Metrics::new();
        let m = metrics.intersection(1);
        m.controller_rejected("short").increment(1);
        metrics.config_rejected("bad").increment(1);
        metrics.state_errors("write").increment(1);
        metrics.state_persisted().set(1.0);
        metrics.http_requests(200).increment(1);
        metrics.http_connections_dropped("limit").increment(1);
        metrics.config_reloads("ok").increment(1);
        let tmc = metrics.tmc("immediate_forward");
        tmc.rejected("bad_hex").increment(1);
        tmc.send_failure("radio").increment(1);
        tmc.latency.record(0.0001);
        let rx = metrics.receive();
        rx.frames("wsmp").increment(1);
        rx.dropped("no_rule").increment(1);
        rx.verification("verified").increment(1);
        metrics.forward_rule(0, "0x20").skipped("rssi").increment(1);
        let _d = metrics.destination("udp://127.0.0.1:9");
        let _drops = (m.tscbm_drops(1), tmc.immediate_forward_drops());
        let text = metrics.render();
        for &(name, _, _, help) in DESCRIPTIONS {
            assert!(
                has_line(&text, &format!("# HELP {name} {help}")),
                "no HELP for {name}"
            );
            assert!(
                text.contains(&format!("# TYPE {name} ")),
                "no TYPE for {name}"
            );
        }
    }

    #[test]
    fn instances_are_independent() {
        let a = Metrics::new();
        let b = Metrics::new();
        a.intersection(1001).spat.sent.increment(5);
        b.intersection(1001).spat.sent.increment(2);
        assert!(has_line(
            &a.render(),
            r#"rsu_messages_sent_total{intersection="1001",type="spat"} 5"#
        ));
        assert!(has_line(
            &b.render(),
            r#"rsu_messages_sent_total{intersection="1001",type="spat"} 2"#
        ));
    }

    #[test]
    fn same_intersection_twice_shares_series() {
        let metrics = Metrics::new();
        metrics.intersection(3).controller_packets.increment(1);
        metrics.intersection(3).controller_packets.increment(1);
        let text = metrics.render();
        assert!(has_line(
            &text,
            r#"rsu_controller_packets_total{intersection="3"} 2"#
        ));
        let series = samples(&text)
            .into_iter()
            .filter(|l| l.starts_with("rsu_controller_packets_total"))
            .count();
        assert_eq!(series, 1);
    }

    #[test]
    fn global_labels_come_first() {
        let metrics = Metrics::with_labels([("rsu", "rsu-17")]);
        metrics.intersection(1001).map.sent.increment(1);
        let text = metrics.render();
        assert!(
            has_line(
                &text,
                r#"rsu_messages_sent_total{rsu="rsu-17",intersection="1001",type="map"} 1"#
            ),
            "{text}"
        );
    }

    #[test]
    fn latency_renders_as_histogram_with_configured_bounds() {
        let metrics = Metrics::new();
        let m = metrics.intersection(1001);
        // 30 µs falls in (25 µs, 50 µs], so the buckets from le=0.00005 up count it; 2 ms in
        // (1 ms, 2.5 ms]; 1 s is above every bound, so only +Inf counts it.
        m.spat.tx_latency.record(0.000_03);
        m.spat.tx_latency.record(0.002);
        m.spat.tx_latency.record(1.0);
        let text = metrics.render();
        assert!(
            has_line(&text, "# TYPE rsu_tx_latency_seconds histogram"),
            "{text}"
        );
        let expected = [
            ("0.00001", 0),
            ("0.000025", 0),
            ("0.00005", 1),
            ("0.0001", 1),
            ("0.00025", 1),
            ("0.0005", 1),
            ("0.001", 1),
            ("0.0025", 2),
            ("0.005", 2),
            ("0.01", 2),
            ("0.025", 2),
            ("0.05", 2),
            ("+Inf", 3),
        ];
        for (le, count) in expected {
            let line = format!(
                r#"rsu_tx_latency_seconds_bucket{{intersection="1001",type="spat",le="{le}"}} {count}"#
            );
            assert!(has_line(&text, &line), "missing {line:?} in:\n{text}");
        }
        assert!(has_line(
            &text,
            r#"rsu_tx_latency_seconds_count{intersection="1001",type="spat"} 3"#
        ));
        let buckets = samples(&text)
            .into_iter()
            .filter(|l| {
                l.starts_with(r#"rsu_tx_latency_seconds_bucket{intersection="1001",type="spat""#)
            })
            .count();
        assert_eq!(buckets, TX_LATENCY_BUCKETS.len() + 1);
        // The MAP series exists, empty.
        assert!(has_line(
            &text,
            r#"rsu_tx_latency_seconds_count{intersection="1001",type="map"} 0"#
        ));
    }

    #[test]
    fn upkeep_keeps_samples() {
        let metrics = Metrics::new();
        let m = metrics.intersection(2);
        m.map.tx_latency.record(0.001);
        metrics.run_upkeep();
        m.map.tx_latency.record(0.001);
        let text = metrics.render();
        assert!(has_line(
            &text,
            r#"rsu_tx_latency_seconds_count{intersection="2",type="map"} 2"#
        ));
    }

    #[test]
    fn reason_counter_is_cached() {
        let metrics = Metrics::new();
        let m = metrics.intersection(1001);
        m.controller_rejected("bad_length").increment(1);
        m.controller_rejected("bad_length").increment(1);
        m.controller_rejected("bad_type").increment(1);
        assert_eq!(m.rejected.len(), 2);
        // A clone shares the cache.
        m.clone().controller_rejected("bad_type").increment(1);
        assert_eq!(m.rejected.len(), 2);
        let text = metrics.render();
        for line in [
            r#"rsu_controller_rejected_total{intersection="1001",reason="bad_length"} 2"#,
            r#"rsu_controller_rejected_total{intersection="1001",reason="bad_type"} 2"#,
        ] {
            assert!(has_line(&text, line), "missing {line:?} in:\n{text}");
        }
    }

    #[test]
    fn service_wide_counters() {
        let metrics = Metrics::new();
        metrics.config_rejected("unknown_field").increment(1);
        metrics.config_rejected("unknown_field").increment(1);
        metrics.http_requests(404).increment(1);
        metrics.http_connections_dropped("timeout").increment(1);
        assert_eq!(metrics.inner.config_rejected.len(), 1);
        let text = metrics.render();
        for line in [
            r#"rsu_config_rejected_total{reason="unknown_field"} 2"#,
            r#"rsu_http_requests_total{code="404"} 1"#,
            r#"rsu_http_connections_dropped_total{reason="timeout"} 1"#,
        ] {
            assert!(has_line(&text, line), "missing {line:?} in:\n{text}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn upkeep_task_stops_on_shutdown() {
        let metrics = Metrics::new();
        metrics.intersection(1).spat.tx_latency.record(0.001);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn({
            let metrics = metrics.clone();
            async move {
                metrics
                    .upkeep(Duration::from_secs(1), async {
                        let _ = rx.await;
                    })
                    .await;
            }
        });
        tokio::time::sleep(Duration::from_secs(3)).await;
        tx.send(()).unwrap();
        task.await.unwrap();
        assert!(has_line(
            &metrics.render(),
            r#"rsu_tx_latency_seconds_count{intersection="1",type="spat"} 1"#
        ));
    }
}
