//! The receive path: radio → demux → policy → verify (worker threads) → forwarding rules →
//! backhaul.
//!
//! The receive task does only cheap work per frame: demux, the PSID filter, parsing the SPDU
//! far enough to name its signer, and the per-sender policy ([`crate::forward::auth`]).
//! Messages to verify go to the bounded queue of [`super::verify_pool`] without waiting; the
//! rest (unsigned, malformed, not checked by the policy) are forwarded here at once. The
//! backhaul destinations take messages without blocking, so a dead server costs nothing but
//! its queue.

use std::sync::Arc;

use bytes::Bytes;
use rsu_hw::demux::{self, Network};
use rsu_hw::{Psid, Radio, RadioError, RxFrame};
use rsu_security::spdu::{self, SignerInfo, Spdu};
use tracing::{debug, warn};

use super::verify_pool::{Job, Shared, VerifyQueue};
use crate::clock::{Clock, UnixMillis};
use crate::forward::auth::{AuthInterval, Check};
use crate::forward::rules::{Outcome, Received};

/// The receive task's state.
pub(super) struct Receiver<R> {
    pub radio: Arc<R>,
    /// Per PSID with a rule, how often its senders are verified (the strictest of its rules).
    pub policy: Vec<(Psid, AuthInterval)>,
    /// `None` without a trust store: signed messages cannot be verified.
    pub queue: Option<VerifyQueue>,
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
        let at = UnixMillis(u64::try_from(now_us / 1000).unwrap_or(0));
        let received = |outcome, payload| Received {
            psid,
            rssi_dbm: frame.meta.rssi_dbm,
            channel: frame.meta.channel,
            at,
            outcome,
            wsmp: frame.payload.clone(),
            spdu: data.clone(),
            payload,
        };
        let signed = match spdu::parse(&data) {
            Ok(Spdu::Signed(s)) => s,
            Ok(Spdu::Unsecured(p)) => {
                return self
                    .shared
                    .deliver(&received(Outcome::Unsigned, Bytes::from(p)));
            }
            Err(_) if looks_like_spdu(&data) => {
                return self
                    .shared
                    .deliver(&received(Outcome::Failed("malformed"), data.clone()));
            }
            // Not an SPDU: a bare MessageFrame, as stations without 1609.2 send it.
            Err(_) => {
                return self
                    .shared
                    .deliver(&received(Outcome::Unsigned, data.clone()));
            }
        };
        let Some(queue) = &self.queue else {
            let payload = signed
                .payload()
                .map_or_else(|| data.clone(), Bytes::copy_from_slice);
            return self
                .shared
                .deliver(&received(Outcome::Failed("no_trust_store"), payload));
        };
        let sender = match &signed.signer {
            SignerInfo::Digest(id) => Some((psid, *id)),
            SignerInfo::Certificates(c) => c.first().map(|c| (psid, c.hashed_id8())),
            SignerInfo::SelfSigned => None,
        };
        let check = match sender {
            Some(s) => self.shared.senders(|t| t.check(s, interval)),
            // No identity to keep state for: checked unless the policy checks nothing.
            None if interval == AuthInterval::NONE => Check::Skip,
            None => Check::Verify,
        };
        if check == Check::Skip {
            let payload = signed
                .payload()
                .map_or_else(|| data.clone(), Bytes::copy_from_slice);
            return self.shared.deliver(&received(Outcome::NotChecked, payload));
        }
        drop(signed);
        let job = Job {
            psid,
            sender,
            rssi_dbm: frame.meta.rssi_dbm,
            channel: frame.meta.channel,
            at,
            now_us,
            wsmp: frame.payload.clone(),
            spdu: data.clone(),
        };
        if let Err(why) = queue.offer(job) {
            metrics.dropped(why.code()).increment(1);
            if let Some(s) = &sender {
                // Nothing of this sender was checked: its next message counts as a first.
                self.shared.senders(|t| t.forget(s));
            }
        }
    }
}

/// Whether bytes that did not parse were meant as a 1609.2 SPDU (protocolVersion 3 first)
/// rather than a bare J2735 MessageFrame (whose first octet is 0x00 for every message id
/// below 512), so a damaged signed message is not passed off as an unsigned one.
pub(super) fn looks_like_spdu(data: &[u8]) -> bool {
    data.first() == Some(&3)
}
