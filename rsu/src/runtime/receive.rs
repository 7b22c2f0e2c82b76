//! The receive path: radio → demux → policy → verify (worker threads) → forwarding rules →
//! backhaul.
//!
//! The receive task does only constant, cheap work per frame: demux and the PSID filter. Each
//! message a rule wants goes to the bounded queue of [`super::verify_pool`] without waiting
//! (full: dropped and counted); the worker threads parse it, apply the per-sender policy
//! ([`crate::forward::auth`]), verify it if the policy says so and forward it. Not even the
//! SPDU parse runs on the runtime, so a flood costs the runtime a demux per frame. The backhaul
//! destinations take messages without blocking, so a dead server costs nothing but its queue.

use std::sync::Arc;

use rsu_hw::demux::{self, Network};
use rsu_hw::{Psid, Radio, RadioError, RxFrame};
use tracing::{debug, warn};

use super::verify_pool::{Job, Shared, VerifyQueue};
use crate::clock::{Clock, UnixMillis};
use crate::forward::auth::AuthInterval;

/// The receive task's state.
pub(super) struct Receiver<R> {
    pub radio: Arc<R>,
    /// Per PSID with a rule, how often its senders are verified (the strictest of its rules).
    pub policy: Vec<(Psid, AuthInterval)>,
    pub queue: VerifyQueue,
    pub shared: Arc<Shared>,
    pub clock: Arc<dyn Clock>,
}

impl<R: Radio> Receiver<R> {
    pub async fn run(self) {
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

    fn handle(&self, frame: &RxFrame) {
        let metrics = &self.shared.metrics;
        let (header, data) = match demux::demux(frame) {
            Ok(Network::Wsmp { header, data }) => {
                metrics.frames("wsmp").increment(1);
                (header, data)
            }
            Ok(other) => {
                // Forwarding rules are WSMP PSIDs (the US stack); other networks are counted.
                metrics.frames(other.kind()).increment(1);
                return;
            }
            Err(e) => {
                metrics.dropped(e.code()).increment(1);
                return;
            }
        };
        let psid = header.psid;
        let Some(interval) = self
            .policy
            .iter()
            .find_map(|(p, i)| (*p == psid).then_some(*i))
        else {
            metrics.dropped("no_rule").increment(1);
            return;
        };
        let now_us = self.clock.now_micros();
        let job = Job {
            psid,
            interval,
            rssi_dbm: frame.meta.rssi_dbm,
            channel: frame.meta.channel,
            at: UnixMillis(u64::try_from(now_us / 1000).unwrap_or(0)),
            now_us,
            wsmp: frame.payload.clone(),
            spdu: data,
        };
        if let Err(why) = self.queue.offer(job) {
            metrics.dropped(why.code()).increment(1);
        }
    }
}

/// Whether bytes that did not parse were meant as a 1609.2 SPDU (protocolVersion 3 first)
/// rather than a bare J2735 MessageFrame (whose first octet is 0x00 for every message id
/// below 512), so a damaged signed message is not passed off as an unsigned one.
pub(super) fn looks_like_spdu(data: &[u8]) -> bool {
    data.first() == Some(&3)
}
