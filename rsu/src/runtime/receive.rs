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
