//! The receive path: radio → demux → verify → forwarding rules → backhaul.
//!
//! Everything here is synchronous per frame except waiting for the next one: the backhaul
//! destinations take messages without blocking, so a dead server costs nothing but its queue.

use std::sync::Arc;

use bytes::Bytes;
use rsu_hw::demux::{self, Network};
use rsu_hw::{Radio, RadioError, RxFrame};
use rsu_security::spdu::Spdu;
use rsu_security::verify::{Reason, Verifier};
use tracing::{debug, warn};

use crate::clock::Clock;
use crate::forward::backhaul::Destination;
use crate::forward::rules::{self, Outcome, Received, Rules};
use crate::telemetry::metrics::{ReceiveMetrics, RuleMetrics};

/// The receive task's state.
pub(super) struct Receiver<R> {
    pub radio: Arc<R>,
    pub rules: Rules,
    pub rule_metrics: Vec<RuleMetrics>,
    /// Per rule, its destination (rules to the same server share one).
    pub destinations: Vec<Arc<Destination>>,
    pub verifier: Option<Verifier>,
    pub clock: Arc<dyn Clock>,
    pub metrics: ReceiveMetrics,
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
                    self.metrics.dropped(e.code()).increment(1);
                    debug!(error = %e, "radio receive error");
                }
            }
        }
    }

    fn handle(&mut self, frame: &RxFrame) {
        let (header, data) = match demux::demux(frame) {
            Ok(Network::Wsmp { header, data }) => {
                self.metrics.frames("wsmp").increment(1);
                (header, data)
            }
            Ok(other) => {
                // Forwarding rules are WSMP PSIDs (the US stack); other networks are counted.
                self.metrics.frames(other.kind()).increment(1);
                return;
            }
            Err(e) => {
                self.metrics.dropped(e.code()).increment(1);
                return;
            }
        };
        let psid = header.psid;
        if !self.rules.wants(psid) {
            self.metrics.dropped("no_rule").increment(1);
            return;
        }
        let now_us = self.clock.now_micros();
        let (outcome, payload) = self.verify(&data, psid, now_us);
        self.metrics.verification(outcome.code()).increment(1);
        let msg = Received {
            psid,
            rssi_dbm: frame.meta.rssi_dbm,
            channel: frame.meta.channel,
            at: crate::clock::UnixMillis(u64::try_from(now_us / 1000).unwrap_or(0)),
            outcome,
            wsmp: frame.payload.clone(),
            spdu: data,
            payload,
        };
        for verdict in self.rules.decide(&msg) {
            match verdict {
                Ok(i) => {
                    let (Some(rule), Some(dest)) =
                        (self.rules.rules().get(i), self.destinations.get(i))
                    else {
                        continue;
                    };
                    dest.offer(rules::render(rule, &msg));
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

    /// The verification outcome and the application payload.
    fn verify(&mut self, data: &Bytes, psid: rsu_hw::Psid, now_us: i64) -> (Outcome, Bytes) {
        let Some(verifier) = self.verifier.as_mut() else {
            // No trust store: a signed message cannot be verified.
            return match rsu_security::spdu::parse(data) {
                Ok(Spdu::Signed(s)) => (
                    Outcome::Failed("no_trust_store"),
                    s.payload()
                        .map_or_else(|| data.clone(), Bytes::copy_from_slice),
                ),
                Ok(Spdu::Unsecured(p)) => (Outcome::Unsigned, Bytes::from(p)),
                Err(_) if looks_like_spdu(data) => (Outcome::Failed("malformed"), data.clone()),
                Err(_) => (Outcome::Unsigned, data.clone()),
            };
        };
        match verifier.verify(data, now_us) {
            Err(_) if looks_like_spdu(data) => (Outcome::Failed("malformed"), data.clone()),
            // Not an SPDU: a bare MessageFrame, as stations without 1609.2 send it.
            Err(_) => (Outcome::Unsigned, data.clone()),
            Ok(v) => {
                // The decoder copies the payload out, so it is not a slice of `data`.
                let payload = v
                    .payload()
                    .map_or_else(|| data.clone(), Bytes::copy_from_slice);
                let outcome = match &v.reason {
                    None => match v.signed() {
                        // The SPDU must be for the PSID it travelled under.
                        Some(s) if s.header.psid != u64::from(psid.value()) => {
                            Outcome::Failed("psid_mismatch")
                        }
                        _ => Outcome::Verified,
                    },
                    Some(Reason::Unsigned) => Outcome::Unsigned,
                    Some(r) => Outcome::Failed(r.code()),
                };
                (outcome, payload)
            }
        }
    }
}

/// Whether bytes that did not parse were meant as a 1609.2 SPDU (protocolVersion 3 first)
/// rather than a bare J2735 MessageFrame (whose first octet is 0x00 for every message id
/// below 512), so a damaged signed message is not passed off as an unsigned one.
fn looks_like_spdu(data: &[u8]) -> bool {
    data.first() == Some(&3)
}
