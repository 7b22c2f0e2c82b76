//! An in-process radio medium for tests and hardware-in-the-loop runs: any number of nodes,
//! each with its own MAC address and channel configuration, with seeded per-link loss,
//! delay, jitter and duplication, and 802.11p airtime.
//!
//! Model, and what it leaves out:
//! - A frame goes out when its channel is free: frames on one channel serialise, each holding
//!   the channel for its airtime ([`airtime`]), whoever sends them. There are no collisions,
//!   no EDCA (AIFS, backoff) and no hidden stations: a perfect MAC.
//! - Every other node tuned to the frame's channel at that moment, and addressed (its own
//!   address or a group address), gets the frame after airtime + link delay ± jitter, unless
//!   the link loses it. A sender never hears itself. Jitter may reorder frames on a link.
//! - With alternating access (IEEE 1609.4) a frame waits for its channel's interval, past the
//!   guard, and for room to finish before the interval ends; a receiver that alternates hears
//!   a channel only during that channel's intervals. The medium's creation instant counts as
//!   a UTC second boundary, so intervals are aligned to it, not to the wall clock.
//! - A frame whose wait for the channel (its queueing delay) would exceed `meta.expiry` is
//!   dropped and counted, and `send` says so ([`RadioError::Expired`]).
//! - Each node's receive queue is bounded: a frame that arrives when it is full is dropped and
//!   counted; senders never block. Each node may have a bounded number of frames waiting for
//!   or on the air; past that `send` returns [`RadioError::QueueFull`].
//!
//! Time is tokio's: under `#[tokio::test(start_paused = true)]` delays are exact and tests
//! with thousands of frames take milliseconds. Create the medium inside the runtime.
//! Payloads are [`Bytes`](bytes::Bytes): every receiver gets the sender's buffer, not a copy.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::channels::ChannelConfig;
use crate::radio::{DataRate, Radio, RadioError, RxFrame, RxMeta, TxFrame};
use crate::wire::MacAddr;

/// OFDM PLCP preamble on a 10 MHz channel (IEEE 802.11-2020 Table 17-5: 16 + 16 µs).
pub const PREAMBLE: Duration = Duration::from_micros(32);
/// The SIGNAL field: one OFDM symbol.
pub const SIGNAL: Duration = Duration::from_micros(8);
/// One OFDM symbol on a 10 MHz channel (6.4 µs + 1.6 µs guard interval).
pub const SYMBOL: Duration = Duration::from_micros(8);
/// What the MPDU adds to the payload: 802.11 QoS Data header 26, LLC/SNAP 8, FCS 4.
pub const MPDU_OVERHEAD: usize = 26 + 8 + 4;
/// Largest payload a frame may carry: the 802.11 MSDU limit of 2304 bytes, less LLC/SNAP.
pub const MAX_PAYLOAD: usize = 2304 - 8;
/// PLCP SERVICE field bits before the data, and tail bits after it (802.11-2020 §17.3.5).
const SERVICE_BITS: u64 = 16;
const TAIL_BITS: u64 = 6;

/// Data bits per OFDM symbol (N_DBPS) at an 802.11p rate on a 10 MHz channel
/// (802.11-2020 Table 17-4 with half-rate clocking), or `None` if it is not such a rate.
pub const fn n_dbps(rate: DataRate) -> Option<u32> {
    match rate.0 {
        6 => Some(24),
        9 => Some(36),
        12 => Some(48),
        18 => Some(72),
        24 => Some(96),
        36 => Some(144),
        48 => Some(192),
        54 => Some(216),
        _ => None,
    }
}

/// How long a frame of `payload_len` network-layer bytes occupies a 10 MHz channel at
/// `rate`: preamble + SIGNAL + ⌈(16 + 8 × MPDU length + 6) / N_DBPS⌉ symbols.
pub fn airtime(payload_len: usize, rate: DataRate) -> Option<Duration> {
    ppdu_airtime(payload_len.checked_add(MPDU_OVERHEAD)?, rate)
}

/// How long a PPDU carrying an MPDU of `mpdu_len` bytes (header to FCS) lasts at `rate`.
pub fn ppdu_airtime(mpdu_len: usize, rate: DataRate) -> Option<Duration> {
    let n_dbps = u64::from(n_dbps(rate)?);
    let bits = SERVICE_BITS + 8 * u64::try_from(mpdu_len).ok()? + TAIL_BITS;
    let symbols = u32::try_from(bits.div_ceil(n_dbps)).ok()?;
    Some(PREAMBLE + SIGNAL + SYMBOL * symbols)
}

/// The impairments of a link from one node to another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// Probability that a frame is lost, 0.0..=1.0.
    pub loss: f64,
    /// Fixed propagation and processing delay after the airtime.
    pub delay: Duration,
    /// Each frame's delay varies uniformly within ±`jitter` (never below zero).
    pub jitter: Duration,
    /// Probability that a frame that got through arrives a second time, 0.0..=1.0.
    pub duplicate: f64,
    /// The received signal strength the receiver reports.
    pub rssi_dbm: i8,
}

impl Default for Link {
    /// A perfect link at -60 dBm.
    fn default() -> Self {
        Link {
            loss: 0.0,
            delay: Duration::ZERO,
            jitter: Duration::ZERO,
            duplicate: 0.0,
            rssi_dbm: -60,
        }
    }
}

/// How a medium starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoopbackConfig {
    /// Seed of the ChaCha8 generator behind loss, jitter and duplication: the same seed and
    /// the same sends give the same deliveries.
    pub seed: u64,
    /// The link between any two nodes, unless [`LoopbackMedium::set_link`] says otherwise.
    pub link: Link,
    /// Frames a node's receive queue holds before it drops arrivals.
    pub rx_queue: usize,
    /// Frames a node may have waiting for or on the air before `send` refuses more.
    pub tx_queue: usize,
    /// The rate of frames that name none.
    pub rate: DataRate,
}

impl Default for LoopbackConfig {
    fn default() -> Self {
        LoopbackConfig {
            seed: 0,
            link: Link::default(),
            rx_queue: 1024,
            tx_queue: 1024,
            rate: DataRate::DEFAULT,
        }
    }
}

/// Counters of one directed link (from, to).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Frames sent that the receiver was tuned to and addressed by.
    pub offered: u64,
    /// Copies that reached the receive queue (duplicates included).
    pub delivered: u64,
    /// Frames the link lost.
    pub lost: u64,
    /// Frames the link sent twice.
    pub duplicated: u64,
    /// Copies dropped because the receive queue was full.
    pub overflowed: u64,
}

/// Counters of the whole medium; the totals are sums over the links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediumStats {
    /// Frames that went on the air.
    pub sent: u64,
    /// Frames dropped because their queueing delay would exceed their expiry.
    pub expired: u64,
    /// Frames refused because the sender's transmit queue was full.
    pub queue_full: u64,
    /// Frames refused for a channel the sender is not tuned to, a rate or a size.
    pub refused: u64,
    pub delivered: u64,
    pub lost: u64,
    pub duplicated: u64,
    pub overflowed: u64,
    /// Per directed link (from, to).
    pub links: BTreeMap<(MacAddr, MacAddr), LinkStats>,
}

/// The shared medium. Cloning gives another handle to the same medium.
#[derive(Clone)]
pub struct LoopbackMedium {
    state: Arc<Mutex<State>>,
}

struct State {
    origin: Instant,
    rng: ChaCha8Rng,
    config: LoopbackConfig,
    links: HashMap<(MacAddr, MacAddr), Link>,
    busy_until: HashMap<u8, Instant>,
    nodes: Vec<Node>,
    next_node: u64,
    next_seq: u64,
    stats: MediumStats,
}

struct Node {
    id: u64,
    mac: MacAddr,
    channels: ChannelConfig,
    notify: Arc<Notify>,
    /// Copies on their way, by arrival time.
    pending: BinaryHeap<Reverse<Pending>>,
    /// Copies that have arrived and wait for `recv`.
    ready: VecDeque<RxFrame>,
    /// When each of this node's frames still queued or on the air finishes.
    tx_ends: VecDeque<Instant>,
}

/// A copy on its way; `seq` keeps copies due at the same instant in sending order.
struct Pending {
    at: Instant,
    seq: u64,
    frame: RxFrame,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // The state stays consistent between statements, so a panic elsewhere cannot leave it
    // half-updated in a way that matters more than losing the medium.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Moves the copies due by `now` into the receive queue, dropping those that find it full.
fn settle(node: &mut Node, now: Instant, rx_queue: usize, stats: &mut MediumStats) {
    while let Some(Reverse(next)) = node.pending.peek() {
        if next.at > now {
            break;
        }
        let Some(Reverse(p)) = node.pending.pop() else {
            break;
        };
        let link = stats.links.entry((p.frame.src, node.mac)).or_default();
        if node.ready.len() >= rx_queue {
            link.overflowed += 1;
            stats.overflowed += 1;
        } else {
            link.delivered += 1;
            stats.delivered += 1;
            node.ready.push_back(p.frame);
        }
    }
}

impl State {
    /// The node `id`, with the frames due by `now` moved to its ready queue; `None` once the
    /// node has left the medium.
    fn settled(&mut self, id: u64, now: Instant) -> Option<&mut Node> {
        let State {
            nodes,
            stats,
            config,
            ..
        } = self;
        let node = nodes.iter_mut().find(|n| n.id == id)?;
        settle(node, now, config.rx_queue, stats);
        Some(node)
    }
}

impl LoopbackMedium {
    /// A medium whose time origin (a UTC second boundary for 1609.4 intervals) is now.
    pub fn new(config: LoopbackConfig) -> LoopbackMedium {
        LoopbackMedium {
            state: Arc::new(Mutex::new(State {
                origin: Instant::now(),
                rng: ChaCha8Rng::seed_from_u64(config.seed),
                config,
                links: HashMap::new(),
                busy_until: HashMap::new(),
                nodes: Vec::new(),
                next_node: 0,
                next_seq: 0,
                stats: MediumStats::default(),
            })),
        }
    }

    /// Adds a node. Links are keyed by MAC address, so give each node its own.
    pub fn node(&self, mac: MacAddr, channels: ChannelConfig) -> LoopbackRadio {
        let notify = Arc::new(Notify::new());
        let mut st = lock(&self.state);
        let id = st.next_node;
        st.next_node += 1;
        st.nodes.push(Node {
            id,
            mac,
            channels,
            notify: notify.clone(),
            pending: BinaryHeap::new(),
            ready: VecDeque::new(),
            tx_ends: VecDeque::new(),
        });
        LoopbackRadio {
            state: self.state.clone(),
            id,
            mac,
            notify,
        }
    }

    /// Sets the link from `from` to `to` (one direction).
    pub fn set_link(&self, from: MacAddr, to: MacAddr, link: Link) {
        lock(&self.state).links.insert((from, to), link);
    }

    /// Sets the link of every pair that has none of its own.
    pub fn set_default_link(&self, link: Link) {
        lock(&self.state).config.link = link;
    }

    /// The link from `from` to `to`.
    pub fn link(&self, from: MacAddr, to: MacAddr) -> Link {
        let st = lock(&self.state);
        st.links.get(&(from, to)).copied().unwrap_or(st.config.link)
    }

    /// The instant the medium counts as a UTC second boundary.
    pub fn origin(&self) -> Instant {
        lock(&self.state).origin
    }

    /// Counters up to now (copies due by now count as delivered or overflowed).
    pub fn stats(&self) -> MediumStats {
        let now = Instant::now();
        let mut st = lock(&self.state);
        let State {
            nodes,
            stats,
            config,
            ..
        } = &mut *st;
        for node in nodes.iter_mut() {
            settle(node, now, config.rx_queue, stats);
        }
        stats.clone()
    }

    /// Counters of the link from `from` to `to` up to now.
    pub fn link_stats(&self, from: MacAddr, to: MacAddr) -> LinkStats {
        self.stats()
            .links
            .get(&(from, to))
            .copied()
            .unwrap_or_default()
    }
}

/// A node of a [`LoopbackMedium`]. Dropping it takes the node off the medium.
pub struct LoopbackRadio {
    state: Arc<Mutex<State>>,
    id: u64,
    mac: MacAddr,
    notify: Arc<Notify>,
}

impl LoopbackRadio {
    /// The next frame that has arrived, without waiting.
    pub fn try_recv(&self) -> Option<RxFrame> {
        let now = Instant::now();
        lock(&self.state).settled(self.id, now)?.ready.pop_front()
    }

    /// Puts the frame on the medium's schedule; see the module documentation for the model.
    fn transmit(&self, frame: TxFrame) -> Result<(), RadioError> {
        let now = Instant::now();
        let mut guard = lock(&self.state);
        let st = &mut *guard;
        let Some(me) = st.nodes.iter().position(|n| n.id == self.id) else {
            return Err(RadioError::Closed("node is no longer on the medium".into()));
        };
        let channels = st.nodes[me].channels;
        let channel = match channels.check_tx(frame.meta.channel) {
            Ok(c) => c,
            Err(e) => {
                st.stats.refused += 1;
                return Err(e.into());
            }
        };
        if frame.payload.len() > MAX_PAYLOAD {
            st.stats.refused += 1;
            return Err(RadioError::Refused(format!(
                "payload of {} bytes exceeds the {MAX_PAYLOAD}-byte MSDU limit",
                frame.payload.len()
            )));
        }
        let rate = frame.meta.rate.unwrap_or(st.config.rate);
        let Some(air) = airtime(frame.payload.len(), rate) else {
            st.stats.refused += 1;
            return Err(RadioError::Refused(format!(
                "{} kb/s is not an OFDM rate of a 10 MHz channel (3, 4.5, 6, 9, 12, 18, 24, 27 Mb/s)",
                rate.kbps()
            )));
        };
        let tx_ends = &mut st.nodes[me].tx_ends;
        while tx_ends.front().is_some_and(|end| *end <= now) {
            tx_ends.pop_front();
        }
        if tx_ends.len() >= st.config.tx_queue {
            st.stats.queue_full += 1;
            return Err(RadioError::QueueFull);
        }
        let free = st.busy_until.get(&channel).copied().unwrap_or(now).max(now);
        let start = channel_opening(&channels, channel, free, st.origin, air);
        let queued = start - now;
        if let Some(expiry) = frame.meta.expiry
            && queued > expiry
        {
            st.stats.expired += 1;
            return Err(RadioError::Expired(expiry));
        }
        let end = start + air;
        st.busy_until.insert(channel, end);
        st.nodes[me].tx_ends.push_back(end);
        st.stats.sent += 1;

        let since_origin = start - st.origin;
        for node in st.nodes.iter_mut() {
            if node.id == self.id
                || !(frame.dst == node.mac || frame.dst.is_group())
                || node.channels.check_tx(Some(channel)).is_err()
                || node.channels.wait_for(channel, since_origin) != Duration::ZERO
            {
                continue;
            }
            let link = st
                .links
                .get(&(self.mac, node.mac))
                .copied()
                .unwrap_or(st.config.link);
            let counters = st.stats.links.entry((self.mac, node.mac)).or_default();
            counters.offered += 1;
            if st.rng.random::<f64>() < link.loss {
                counters.lost += 1;
                st.stats.lost += 1;
                continue;
            }
            let copies = if st.rng.random::<f64>() < link.duplicate {
                counters.duplicated += 1;
                st.stats.duplicated += 1;
                2
            } else {
                1
            };
            for _ in 0..copies {
                let at = end + link_delay(&link, &mut st.rng);
                node.pending.push(Reverse(Pending {
                    at,
                    seq: st.next_seq,
                    frame: RxFrame {
                        src: self.mac,
                        dst: frame.dst,
                        ethertype: frame.ethertype,
                        payload: frame.payload.clone(),
                        meta: RxMeta {
                            channel: Some(channel),
                            rssi_dbm: Some(link.rssi_dbm),
                            rate: Some(rate),
                            timestamp: at,
                        },
                    },
                }));
                st.next_seq += 1;
            }
            node.notify.notify_waiters();
        }
        Ok(())
    }
}

/// When a frame for `channel`, with the medium free from `free`, can start: at once with
/// continuous access; with alternating access inside the channel's interval, past its guard,
/// and early enough to end within it.
fn channel_opening(
    channels: &ChannelConfig,
    channel: u8,
    free: Instant,
    origin: Instant,
    air: Duration,
) -> Instant {
    let mut start = free;
    // Two tries suffice: a frame that does not fit the rest of this interval fits the next
    // one, since an interval (46 ms usable) outlasts the longest frame (about 6 ms).
    for _ in 0..3 {
        start += channels.wait_for(channel, start - origin);
        let last = start + air.saturating_sub(Duration::from_nanos(1));
        let wait = channels.wait_for(channel, last - origin);
        if wait == Duration::ZERO {
            return start;
        }
        start = last + wait;
    }
    start
}

/// Delay plus a uniform draw in ±jitter, at nanosecond resolution, never negative.
fn link_delay(link: &Link, rng: &mut ChaCha8Rng) -> Duration {
    if link.jitter.is_zero() {
        return link.delay;
    }
    let j = i64::try_from(link.jitter.as_nanos()).unwrap_or(i64::MAX);
    let offset = rng.random_range(-j..=j);
    let total = i128::try_from(link.delay.as_nanos())
        .unwrap_or(i128::MAX)
        .saturating_add(i128::from(offset))
        .max(0);
    Duration::from_nanos(u64::try_from(total).unwrap_or(u64::MAX))
}

impl Radio for LoopbackRadio {
    fn address(&self) -> MacAddr {
        self.mac
    }

    async fn send(&self, frame: TxFrame) -> Result<(), RadioError> {
        self.transmit(frame)
    }

    async fn recv(&self) -> Result<RxFrame, RadioError> {
        loop {
            // Registered before looking at the queue, so a frame sent in between still
            // wakes us.
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let next = {
                let now = Instant::now();
                let mut st = lock(&self.state);
                let Some(node) = st.settled(self.id, now) else {
                    return Err(RadioError::Closed("node is no longer on the medium".into()));
                };
                if let Some(frame) = node.ready.pop_front() {
                    return Ok(frame);
                }
                node.pending.peek().map(|Reverse(p)| p.at)
            };
            match next {
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = &mut notified => {}
                    }
                }
                None => notified.await,
            }
        }
    }
}

impl Drop for LoopbackRadio {
    fn drop(&mut self) {
        lock(&self.state).nodes.retain(|n| n.id != self.id);
    }
}

impl std::fmt::Debug for LoopbackRadio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoopbackRadio")
            .field("mac", &self.mac)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for LoopbackMedium {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = lock(&self.state);
        f.debug_struct("LoopbackMedium")
            .field("nodes", &st.nodes.len())
            .field("config", &st.config)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::channels::{ChannelAccess, ChannelError, ChannelPlan, Region, Technology};
    use crate::wire::EtherType;
    use bytes::Bytes;

    fn us() -> ChannelPlan {
        ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap()
    }

    fn on(channel: u8) -> ChannelConfig {
        ChannelConfig::new(us(), ChannelAccess::Continuous { channel }).unwrap()
    }

    fn alternating() -> ChannelConfig {
        ChannelConfig::new(us(), ChannelAccess::Alternating { cch: 178, sch: 182 }).unwrap()
    }

    fn mac(n: u8) -> MacAddr {
        MacAddr::local([0, 0, 0, 0, 0, n])
    }

    fn frame(payload: &'static [u8]) -> TxFrame {
        TxFrame::broadcast(EtherType::WSMP, Bytes::from_static(payload))
    }

    fn numbered(i: u32) -> TxFrame {
        TxFrame::broadcast(EtherType::WSMP, Bytes::copy_from_slice(&i.to_be_bytes()))
    }

    fn number(f: &RxFrame) -> u32 {
        u32::from_be_bytes(f.payload[..4].try_into().unwrap())
    }

    fn us_(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn airtime_matches_hand_computed_cases() {
        // The 200-byte SPaT of reference/radio.md §6: a 259-byte MPDU = 26 + 8 + 221 + 4.
        // 16 + 8 * 259 + 6 = 2094 bits; at 6 Mb/s N_DBPS = 48: ceil(2094 / 48) = 44
        // symbols; 32 + 8 + 44 * 8 = 392 µs. At 12 Mb/s N_DBPS = 96: 22 symbols, 216 µs.
        assert_eq!(airtime(221, DataRate(12)), Some(us_(392)));
        assert_eq!(airtime(221, DataRate(24)), Some(us_(216)));
        assert_eq!(ppdu_airtime(259, DataRate(12)), Some(us_(392)));
        // A 200-byte MPDU: 1622 bits, 34 symbols at 6 Mb/s (312 µs), 17 at 12 Mb/s (176 µs).
        assert_eq!(ppdu_airtime(200, DataRate(12)), Some(us_(312)));
        assert_eq!(ppdu_airtime(200, DataRate(24)), Some(us_(176)));
        // Empty payload at 27 Mb/s: 16 + 304 + 6 = 326 bits, N_DBPS 216: 2 symbols, 56 µs.
        assert_eq!(airtime(0, DataRate(54)), Some(us_(56)));
        // 3 Mb/s, 2000 bytes: 16 + 8 * 2038 + 6 = 16326 bits / 24 = 680.25 -> 681
        // symbols: 40 + 5448 = 5488 µs.
        assert_eq!(airtime(2000, DataRate(6)), Some(us_(5488)));
        assert_eq!(airtime(100, DataRate(11)), None);
        assert_eq!(airtime(100, DataRate(108)), None);
        assert_eq!(airtime(usize::MAX, DataRate(12)), None);
        for rate in DataRate::OFDM_10MHZ {
            assert!(n_dbps(rate).is_some());
        }
    }

    #[tokio::test(start_paused = true)]
    async fn frames_serialise_on_their_channel_and_arrive_after_their_airtime() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let a = medium.node(mac(1), on(172));
        let b = medium.node(mac(2), on(172));
        let c = medium.node(mac(3), on(172));
        let air = airtime(221, DataRate(12)).unwrap();
        let t0 = Instant::now();
        let payload = Bytes::from(vec![0x5a; 221]);
        for _ in 0..2 {
            a.send(TxFrame::broadcast(EtherType::WSMP, payload.clone()))
                .await
                .unwrap();
        }
        // Another sender on the same channel waits for both.
        b.send(TxFrame::broadcast(EtherType::WSMP, payload.clone()))
            .await
            .unwrap();
        assert!(c.try_recv().is_none(), "nothing arrives before its airtime");
        let mut at = Vec::new();
        for _ in 0..3 {
            let f = c.recv().await.unwrap();
            // recv wakes on tokio's 1 ms timer tick; the timestamp is the exact arrival.
            assert!(Instant::now() >= f.meta.timestamp);
            assert!(Instant::now() - f.meta.timestamp < ms(1));
            assert_eq!(f.meta.channel, Some(172));
            assert_eq!(f.meta.rate, Some(DataRate(12)));
            assert_eq!(f.meta.rssi_dbm, Some(-60));
            assert_eq!(f.payload.as_ptr(), payload.as_ptr(), "shared, not copied");
            at.push(f.meta.timestamp - t0);
        }
        assert_eq!(at, [air, air * 2, air * 3]);
        // b hears a's two frames, a hears b's one.
        assert_eq!(b.recv().await.unwrap().meta.timestamp - t0, air);
        assert_eq!(a.recv().await.unwrap().src, mac(2));
    }

    #[tokio::test(start_paused = true)]
    async fn different_channels_do_not_share_airtime_or_frames() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let a = medium.node(mac(1), on(172));
        let b = medium.node(mac(2), on(172));
        let x = medium.node(mac(3), on(174));
        let y = medium.node(mac(4), on(174));
        let t0 = Instant::now();
        a.send(frame(b"on 172")).await.unwrap();
        x.send(frame(b"on 174")).await.unwrap();
        let fb = b.recv().await.unwrap();
        let fy = y.recv().await.unwrap();
        assert_eq!(fb.payload, Bytes::from_static(b"on 172"));
        assert_eq!(fy.payload, Bytes::from_static(b"on 174"));
        assert_eq!(fy.meta.channel, Some(174));
        assert_eq!(fb.meta.timestamp - t0, fy.meta.timestamp - t0);
        tokio::time::sleep(ms(10)).await;
        assert!(b.try_recv().is_none() && y.try_recv().is_none());
        assert!(a.try_recv().is_none() && x.try_recv().is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn frames_for_an_untuned_channel_are_refused() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let a = medium.node(mac(1), on(172));
        let b = medium.node(mac(2), on(172));
        let mut f = frame(b"x");
        f.meta.channel = Some(178);
        let err = a.send(f).await.unwrap_err();
        assert!(matches!(
            err,
            RadioError::Channel(ChannelError::NotTuned { requested: 178, .. })
        ));
        assert_eq!(err.code(), "channel");
        let mut f = frame(b"x");
        f.meta.rate = Some(DataRate(11));
        assert!(matches!(a.send(f).await, Err(RadioError::Refused(_))));
        let big = TxFrame::broadcast(EtherType::WSMP, Bytes::from(vec![0; MAX_PAYLOAD + 1]));
        assert!(matches!(a.send(big).await, Err(RadioError::Refused(_))));
        let mut f = frame(b"ok");
        f.meta.channel = Some(172);
        a.send(f).await.unwrap();
        assert_eq!(b.recv().await.unwrap().payload, Bytes::from_static(b"ok"));
        let stats = medium.stats();
        assert_eq!((stats.refused, stats.sent, stats.delivered), (3, 1, 1));
    }

    /// Sends `n` numbered frames from a to b, 1 ms apart, and says which arrived.
    async fn delivery_pattern(seed: u64, n: u32) -> (Vec<bool>, MediumStats) {
        let medium = LoopbackMedium::new(LoopbackConfig {
            seed,
            link: Link {
                loss: 0.1,
                ..Link::default()
            },
            ..LoopbackConfig::default()
        });
        let a = medium.node(mac(1), on(172));
        let b = medium.node(mac(2), on(172));
        let mut got = vec![false; n as usize];
        for i in 0..n {
            a.send(numbered(i)).await.unwrap();
            tokio::time::sleep(ms(1)).await;
            while let Some(f) = b.try_recv() {
                got[number(&f) as usize] = true;
            }
        }
        (got, medium.stats())
    }

    #[tokio::test(start_paused = true)]
    async fn loss_rate_is_within_four_sigma_and_seeded() {
        const N: u32 = 20_000;
        let (pattern, stats) = delivery_pattern(7, N).await;
        let delivered = pattern.iter().filter(|d| **d).count() as f64 / f64::from(N);
        // Binomial: sigma = sqrt(p (1 - p) / n) = sqrt(0.09 / 20000) ≈ 0.00212.
        let bound = 4.0 * (0.09f64 / f64::from(N)).sqrt();
        assert!(
            (delivered - 0.9).abs() <= bound,
            "delivered {delivered}, expected 0.9 ± {bound}"
        );
        assert_eq!(stats.sent, u64::from(N));
        assert_eq!(stats.lost + stats.delivered, u64::from(N));
        let link = stats.links[&(mac(1), mac(2))];
        assert_eq!(link.offered, u64::from(N));
        assert_eq!(
            link.delivered,
            pattern.iter().filter(|d| **d).count() as u64
        );
        let (again, _) = delivery_pattern(7, N).await;
        assert_eq!(pattern, again, "same seed, same deliveries");
        let (other, _) = delivery_pattern(8, N).await;
        assert_ne!(pattern, other, "another seed, other deliveries");
    }

    #[tokio::test(start_paused = true)]
    async fn delay_and_jitter_bound_every_frame_and_average_out() {
        const N: u32 = 4_000;
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let a = medium.node(mac(1), on(172));
        let b = medium.node(mac(2), on(172));
        medium.set_link(
            mac(1),
            mac(2),
            Link {
                delay: ms(5),
                jitter: ms(2),
                ..Link::default()
            },
        );
        let air = airtime(4, DataRate::DEFAULT).unwrap();
        let (mut sum, mut min, mut max) = (Duration::ZERO, Duration::MAX, Duration::ZERO);
        for i in 0..N {
            let sent = Instant::now();
            a.send(numbered(i)).await.unwrap();
            let f = b.recv().await.unwrap();
            assert_eq!(number(&f), i);
            let d = f.meta.timestamp - sent;
            assert!(
                d >= air + ms(3) && d <= air + ms(7),
                "frame {i}: delay {d:?} outside airtime {air:?} + 5 ms ± 2 ms"
            );
            sum += d;
            min = min.min(d);
            max = max.max(d);
        }
        let mean = sum.as_secs_f64() / f64::from(N);
        let expected = (air + ms(5)).as_secs_f64();
        // Uniform on ±2 ms: sigma = 2 ms / sqrt(3); of the mean: that / sqrt(N) ≈ 18 µs.
        let bound = 4.0 * 0.002 / 3f64.sqrt() / f64::from(N).sqrt();
        assert!(
            (mean - expected).abs() <= bound,
            "mean {mean} vs {expected} ± {bound}"
        );
        // The jitter really spreads: both ends of the range are reached.
        assert!(
            min < air + us_(3_100) && max > air + us_(6_900),
            "{min:?} {max:?}"
        );
        // The reverse link keeps the default: airtime only.
        let sent = Instant::now();
        b.send(numbered(0)).await.unwrap();
        assert_eq!(a.recv().await.unwrap().meta.timestamp - sent, air);
    }

    #[tokio::test(start_paused = true)]
    async fn duplication_sends_frames_twice() {
        let medium = LoopbackMedium::new(LoopbackConfig {
            link: Link {
                duplicate: 1.0,
                ..Link::default()
            },
            ..LoopbackConfig::default()
        });
        let a = medium.node(mac(1), on(172));
        let b = medium.node(mac(2), on(172));
        for i in 0..3 {
            a.send(numbered(i)).await.unwrap();
        }
        let mut got = Vec::new();
        for _ in 0..6 {
            got.push(number(&b.recv().await.unwrap()));
        }
        assert_eq!(got, [0, 0, 1, 1, 2, 2]);
        tokio::time::sleep(ms(10)).await;
        assert!(b.try_recv().is_none());
        let stats = medium.stats();
        assert_eq!((stats.duplicated, stats.delivered), (3, 6));

        const N: u32 = 8_000;
        medium.set_default_link(Link {
            duplicate: 0.25,
            ..Link::default()
        });
        let mut copies = 0u32;
        for i in 0..N {
            a.send(numbered(i)).await.unwrap();
            tokio::time::sleep(ms(1)).await;
            while b.try_recv().is_some() {
                copies += 1;
            }
        }
        let extra = f64::from(copies - N) / f64::from(N);
        let bound = 4.0 * (0.25f64 * 0.75 / f64::from(N)).sqrt();
        assert!((extra - 0.25).abs() <= bound, "{extra} ± {bound}");
        assert_eq!(medium.stats().duplicated, 3 + u64::from(copies - N));
    }

    #[tokio::test(start_paused = true)]
    async fn frames_that_would_wait_past_their_expiry_are_dropped() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let a = medium.node(mac(1), on(172));
        let b = medium.node(mac(2), on(172));
        let mut long = TxFrame::broadcast(EtherType::WSMP, Bytes::from(vec![0; 2000]));
        long.meta.rate = Some(DataRate(6));
        a.send(long).await.unwrap();
        // The channel is busy for 5488 µs: a frame that may wait 1 ms is dropped, one that
        // may wait 10 ms goes out after it.
        let mut hurried = frame(b"hurried");
        hurried.meta.expiry = Some(ms(1));
        assert!(matches!(
            a.send(hurried).await,
            Err(RadioError::Expired(d)) if d == ms(1)
        ));
        let mut patient = frame(b"patient");
        patient.meta.expiry = Some(ms(10));
        a.send(patient).await.unwrap();
        assert_eq!(b.recv().await.unwrap().payload.len(), 2000);
        assert_eq!(
            b.recv().await.unwrap().payload,
            Bytes::from_static(b"patient")
        );
        let stats = medium.stats();
        assert_eq!((stats.sent, stats.expired), (2, 1));
    }

    #[tokio::test(start_paused = true)]
    async fn alternating_access_holds_frames_for_their_interval() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let origin = medium.origin();
        let a = medium.node(mac(1), alternating());
        let sch_listener = medium.node(mac(2), on(182));
        let cch_listener = medium.node(mac(3), on(178));
        let alternating_listener = medium.node(mac(4), alternating());
        let air = airtime(3, DataRate::DEFAULT).unwrap();

        // At the origin (a UTC second) the CCH interval's guard runs to 4 ms; the SCH
        // interval opens at 54 ms.
        a.send(frame(b"sch")).await.unwrap();
        let mut cch = frame(b"cch");
        cch.meta.channel = Some(178);
        a.send(cch).await.unwrap();
        let f = sch_listener.recv().await.unwrap();
        assert_eq!(f.meta.timestamp - origin, ms(54) + air);
        assert_eq!(f.meta.channel, Some(182));
        let f = cch_listener.recv().await.unwrap();
        assert_eq!(f.meta.timestamp - origin, ms(4) + air);
        let mut got = [
            alternating_listener.recv().await.unwrap(),
            alternating_listener.recv().await.unwrap(),
        ];
        got.sort_by_key(|f| f.meta.timestamp);
        assert_eq!(got[0].payload, Bytes::from_static(b"cch"));
        assert_eq!(got[1].payload, Bytes::from_static(b"sch"));
        assert!(sch_listener.try_recv().is_none() && cch_listener.try_recv().is_none());

        // A frame that would run past the end of a CCH interval (150 ms) waits for the
        // next one (204 ms). `advance` moves the paused clock exactly (timers round up to
        // whole milliseconds).
        tokio::time::advance(origin + ms(150) - us_(100) - Instant::now()).await;
        assert_eq!(Instant::now() - origin, ms(150) - us_(100));
        let mut late = frame(b"late");
        late.meta.channel = Some(178);
        a.send(late).await.unwrap();
        let f = cch_listener.recv().await.unwrap();
        assert_eq!(f.meta.timestamp - origin, ms(204) + air);
        let f = alternating_listener.recv().await.unwrap();
        assert_eq!(f.meta.timestamp - origin, ms(204) + air);

        // An alternating receiver does not hear 178 while it is on its SCH.
        let b = medium.node(mac(5), on(178));
        tokio::time::sleep_until(origin + ms(260)).await;
        b.send(frame(b"in the SCH interval")).await.unwrap();
        assert!(cch_listener.recv().await.is_ok());
        tokio::time::sleep(ms(1)).await;
        assert!(alternating_listener.try_recv().is_none());

        // Waiting for the interval counts as queueing delay for expiry: at 300 ms the SCH
        // opens 54 ms later.
        tokio::time::sleep_until(origin + ms(300)).await;
        let mut hurried = frame(b"sch, hurried");
        hurried.meta.expiry = Some(ms(20));
        assert!(matches!(a.send(hurried).await, Err(RadioError::Expired(_))));
    }

    #[tokio::test(start_paused = true)]
    async fn broadcasts_fan_out_and_unicasts_reach_their_station_only() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let a = medium.node(mac(1), on(172));
        let b = medium.node(mac(2), on(172));
        let c = medium.node(mac(3), on(172));
        a.send(frame(b"to all")).await.unwrap();
        for n in [&b, &c] {
            let f = n.recv().await.unwrap();
            assert_eq!((f.src, f.dst), (mac(1), MacAddr::BROADCAST));
        }
        let mut unicast = frame(b"to b");
        unicast.dst = mac(2);
        a.send(unicast).await.unwrap();
        assert_eq!(b.recv().await.unwrap().dst, mac(2));
        // A multicast (group) address reaches everyone too.
        let mut group = frame(b"group");
        group.dst = MacAddr([0x01, 0, 0x5e, 0, 0, 1]);
        a.send(group).await.unwrap();
        assert!(b.recv().await.is_ok() && c.recv().await.is_ok());
        tokio::time::sleep(ms(5)).await;
        assert!(a.try_recv().is_none() && b.try_recv().is_none() && c.try_recv().is_none());

        // A dead link to c; b is untouched.
        medium.set_link(
            mac(1),
            mac(3),
            Link {
                loss: 1.0,
                rssi_dbm: -90,
                ..Link::default()
            },
        );
        assert_eq!(medium.link(mac(1), mac(3)).rssi_dbm, -90);
        assert_eq!(medium.link(mac(1), mac(2)), Link::default());
        for i in 0..10 {
            a.send(numbered(i)).await.unwrap();
        }
        for i in 0..10 {
            assert_eq!(number(&b.recv().await.unwrap()), i);
        }
        assert!(c.try_recv().is_none());
        let ab = medium.link_stats(mac(1), mac(2));
        let ac = medium.link_stats(mac(1), mac(3));
        assert_eq!((ab.offered, ab.delivered, ab.lost), (13, 13, 0));
        assert_eq!((ac.offered, ac.delivered, ac.lost), (12, 2, 10));
        assert_eq!(medium.link_stats(mac(2), mac(1)), LinkStats::default());
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_receiver_wakes_when_a_frame_is_sent() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let a = medium.node(mac(1), on(172));
        let b = Arc::new(medium.node(mac(2), on(172)));
        let waiter = {
            let b = b.clone();
            tokio::spawn(async move { b.recv().await })
        };
        tokio::time::sleep(ms(100)).await;
        let sent = Instant::now();
        a.send(frame(b"wake up")).await.unwrap();
        let f = waiter.await.unwrap().unwrap();
        assert_eq!(
            f.meta.timestamp - sent,
            airtime(7, DataRate::DEFAULT).unwrap()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn full_queues_drop_and_count_without_blocking() {
        let medium = LoopbackMedium::new(LoopbackConfig {
            rx_queue: 4,
            tx_queue: 8,
            ..LoopbackConfig::default()
        });
        let a = medium.node(mac(1), on(172));
        let b = medium.node(mac(2), on(172));
        for i in 0..8 {
            a.send(numbered(i)).await.unwrap();
        }
        assert!(matches!(
            a.send(numbered(8)).await,
            Err(RadioError::QueueFull)
        ));
        tokio::time::sleep(ms(10)).await;
        // The transmit queue has drained; the receive queue kept the first four.
        a.send(numbered(9)).await.unwrap();
        let got: Vec<u32> = std::iter::from_fn(|| b.try_recv())
            .map(|f| number(&f))
            .collect();
        assert_eq!(got, [0, 1, 2, 3]);
        assert_eq!(number(&b.recv().await.unwrap()), 9);
        let stats = medium.stats();
        assert_eq!(
            (
                stats.sent,
                stats.queue_full,
                stats.delivered,
                stats.overflowed
            ),
            (9, 1, 5, 4)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_node_leaves_the_medium() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let a = medium.node(mac(1), on(172));
        let b = medium.node(mac(2), on(172));
        drop(b);
        a.send(frame(b"anyone?")).await.unwrap();
        let stats = medium.stats();
        assert_eq!((stats.sent, stats.delivered), (1, 0));
        assert!(stats.links.is_empty());
        assert!(format!("{medium:?}").contains("nodes: 1"));
    }

    #[test]
    fn jitter_never_makes_a_delay_negative() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let link = Link {
            delay: us_(1),
            jitter: ms(1),
            ..Link::default()
        };
        let draws: Vec<Duration> = (0..1000).map(|_| link_delay(&link, &mut rng)).collect();
        assert!(draws.iter().all(|d| *d <= us_(1001)));
        assert!(draws.contains(&Duration::ZERO));
    }
}
