//! The receive path: radio → demux → policy → verify (worker threads) → forwarding rules →
//! backhaul.
//!
//! The receive task does only constant, cheap work per frame: demux and the PSID (or, for
//! unsecured GeoNetworking, BTP port to ITS-AID) filter. A secured GeoNetworking packet's
//! ITS-AID is inside its signed data, so it is queued whenever any rule selects by ITS-AID
//! and the worker parses and filters it ([`crate::forward::gn`] has the checks). Each
//! message a rule wants goes to the bounded queue of [`super::verify_pool`] without waiting
//! (full: dropped and counted); the worker threads parse it, apply the per-sender policy
//! ([`crate::forward::auth`]), verify it if the policy says so and forward it. Not even the
//! SPDU parse runs on the runtime, so a flood costs the runtime a demux per frame. The backhaul
//! destinations take messages without blocking, so a dead server costs nothing but its queue.

use std::sync::Arc;
use std::time::Instant;

use rsu_hw::demux::{self, DemuxError, Network};
use rsu_hw::{EtherType, Radio, RadioError, RxFrame};
use tracing::{debug, warn};

use super::verify_pool::{Carried, Job, Shared, VerifyQueue};
use crate::clock::{Clock, UnixMillis};
use crate::forward::gn::{self, Reject};
use crate::forward::rules::AppId;
use crate::telemetry::throttle::{LogLimiter, warn_limited};

/// The receive task's state.
pub(super) struct Receiver<R> {
    pub radio: Arc<R>,
    pub queue: VerifyQueue,
    pub shared: Arc<Shared>,
    pub clock: Arc<dyn Clock>,
    /// Rejected GeoNetworking frames are logged once per reason (then summarised).
    pub log: LogLimiter<&'static str>,
}

impl<R: Radio> Receiver<R> {
    pub async fn run(mut self) {
        loop {
            match self.radio.recv().await {
                Ok(frame) => self.handle(&frame),
                Err(RadioError::Closed(why)) => {
                    warn!(%why, "radio closed; received-message forwarding stops");
                    return;
                }
                Err(e) => {
                    self.shared.metrics.dropped(e.code()).increment(1);
                    debug!(error = %e, "radio receive error");
                }
            }
        }
    }

    fn handle(&mut self, frame: &RxFrame) {
        let metrics = &self.shared.metrics;
        let carried = match demux::demux(frame) {
            Ok(Network::Wsmp { header, data }) => {
                metrics.frames("wsmp").increment(1);
                let psid = header.psid;
                let Some(interval) = self.shared.policy(AppId::Psid(psid)) else {
                    metrics.dropped("no_rule").increment(1);
                    return;
                };
                Carried::Wsmp {
                    psid,
                    interval,
                    spdu: data,
                }
            }
            Ok(Network::GeoNetworking {
                transport, data, ..
            }) => {
                metrics.frames("geonetworking").increment(1);
                // The port names the ITS-AID; the facilities PDU is decoded on a worker.
                let its_aid = match transport
                    .ok_or(Reject::NotBtp)
                    .and_then(|btp| gn::its_aid_of(&btp).map(|aid| (aid, btp.dst_port())))
                {
                    Ok(a) => a,
                    Err(why) => return self.reject(&why),
                };
                if self.shared.policy(AppId::ItsAid(its_aid.0)).is_none() {
                    return self.reject(&Reject::NoRule);
                }
                Carried::Gn {
                    its_aid: its_aid.0,
                    port: its_aid.1,
                    facilities: data,
                }
            }
            Ok(Network::GeoNetworkingSecured { basic, secured }) => {
                metrics.frames("geonetworking_secured").increment(1);
                // The ITS-AID is inside the signed data: finding it is a parse, which the
                // workers do. Without any ITS-AID rule nothing could select the packet.
                if !self.shared.wants_geonetworking() {
                    return self.reject(&Reject::NoRule);
                }
                Carried::GnSecured { basic, secured }
            }
            Ok(other) => {
                // DSMP and IPv6 have no forwarding rules; they are counted.
                metrics.frames(other.kind()).increment(1);
                return;
            }
            Err(DemuxError::Wire(e)) if frame.ethertype == EtherType::GEONETWORKING => {
                return self.reject(&Reject::from_wire(e));
            }
            Err(e) => {
                metrics.dropped(e.code()).increment(1);
                return;
            }
        };
        let now_us = self.clock.now_micros();
        let job = Job {
            carried,
            rssi_dbm: frame.meta.rssi_dbm,
            channel: frame.meta.channel,
            at: UnixMillis(u64::try_from(now_us / 1000).unwrap_or(0)),
            now_us,
            packet: frame.payload.clone(),
        };
        if let Err(why) = self.queue.offer(job) {
            metrics.dropped(why.code()).increment(1);
        }
    }

    /// Counts a GeoNetworking frame the rules will not see, and logs the first of each reason.
    fn reject(&mut self, why: &Reject) {
        let code = why.code();
        self.shared.metrics.dropped(code).increment(1);
        if why.is_ordinary() {
            debug!(reason = code, error = %why, "received GeoNetworking packet not forwarded");
        } else {
            warn_limited!(self.log, code, Instant::now(),
                          reason = code, error = %why, "received GeoNetworking packet dropped");
        }
    }
}

/// Whether bytes that did not parse were meant as a 1609.2 SPDU (protocolVersion 3 first)
/// rather than a bare J2735 MessageFrame (whose first octet is 0x00 for every message id
/// below 512), so a damaged signed message is not passed off as an unsigned one.
pub(super) fn looks_like_spdu(data: &[u8]) -> bool {
    data.first() == Some(&3)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::clock::SystemClock;
    use crate::forward::gn::tests as g;
    use crate::forward::rules::{
        AuthInterval, Content, Format, Rule, Rules, Transport, Unverified,
    };
    use crate::runtime::verify_pool::Forwarder;
    use crate::telemetry::metrics::Metrics;
    use rsu_hw::channels::{ChannelConfig, ChannelPlan, Region, Technology};
    use rsu_hw::wire::BtpPort;
    use rsu_hw::{LoopbackMedium, MacAddr, Psid};

    fn dropped(metrics: &Metrics, reason: &str) -> f64 {
        let want = format!("rsu_received_dropped_total{{reason=\"{reason}\"}} ");
        metrics
            .render()
            .lines()
            .find_map(|l| l.strip_prefix(&want)?.parse().ok())
            .unwrap_or(0.0)
    }

    /// The receive task's own refusals, before anything is queued: every header fault by its
    /// reason, an unsecured packet whose port has no rule, and no panic on any prefix.
    #[test]
    fn the_receive_task_counts_bad_geonetworking_frames_by_reason() {
        let rule = Rule {
            app: AppId::ItsAid(Psid::new(37).unwrap()),
            destination: "127.0.0.1:46800".parse().unwrap(),
            transport: Transport::Udp,
            min_rssi_dbm: None,
            every: 1,
            start: None,
            stop: None,
            content: Content::Payload,
            format: Format::Json,
            unverified: Unverified::Forward,
            auth: AuthInterval::ALL,
            queue_len: 16,
        };
        let metrics = Metrics::new();
        let forwarder = Forwarder {
            rules: Rules::new(vec![rule]),
            rule_metrics: Vec::new(),
            destinations: Vec::new(),
        };
        let shared = Arc::new(Shared::new(forwarder, 64, metrics.receive()));
        let queue = VerifyQueue::start(None, 64, 1, shared.clone()).unwrap();
        let plan = ChannelPlan::new(Region::Eu, Technology::Ofdm80211p).unwrap();
        let medium = LoopbackMedium::new(Default::default());
        let mut receiver = Receiver {
            radio: Arc::new(medium.node(
                MacAddr([2, 0, 0, 0, 0, 1]),
                ChannelConfig::default_for(plan),
            )),
            queue,
            shared,
            clock: Arc::new(SystemClock),
            log: LogLimiter::default(),
        };
        let cam = g::unsecured(BtpPort::CAM, &g::cam());
        let mut v2 = cam.clone();
        v2[0] = 0x21;
        receiver.handle(&g::frame(v2));
        assert_eq!(dropped(&metrics, "gn_version"), 1.0);
        // CAM has no rule here (the rule is for DENM); port 9999 is no service.
        receiver.handle(&g::frame(cam.clone()));
        assert_eq!(dropped(&metrics, "no_rule"), 1.0);
        receiver.handle(&g::frame(g::unsecured(BtpPort(9999), &g::cam())));
        assert_eq!(dropped(&metrics, "btp_unknown_port"), 1.0);
        for cut in 0..cam.len() {
            receiver.handle(&g::frame(cam[..cut].to_vec()));
        }
        // 0..4 octets: no basic header; then the common and extended headers; from 40 the
        // payload length no longer matches (a common-header field).
        assert_eq!(dropped(&metrics, "gn_basic_header"), 4.0);
        assert_eq!(
            dropped(&metrics, "gn_common_header") + dropped(&metrics, "gn_extended_header"),
            (cam.len() - 4) as f64
        );
    }
}
