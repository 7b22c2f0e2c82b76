//! Backhaul destinations for received messages: UDP datagrams or a TCP stream with a bounded
//! queue and reconnection, so that a slow or dead server never blocks the radio path.
//!
//! A destination is one row of the forwarding table (USDOT RSU 4.1 `rsuDsrcForwardTable`,
//! NTCIP 1218 `rsuReceivedMsgTable`): a server address and a protocol, UDP or TCP. The radio
//! receive path calls [`Destination::offer`] synchronously for each message it forwards; `offer`
//! never blocks, never awaits and never allocates more than one queue slot.
//!
//! # What goes on the wire
//!
//! Exactly the bytes given to `offer`, nothing added: this module does no framing.
//!
//! - **UDP**: each message is one datagram, sent at once from an unconnected, non-blocking
//!   socket bound to the wildcard address of the destination's family (`0.0.0.0:0` or
//!   `[::]:0`). If the send would block or fails (e.g. a message too large for a datagram), the
//!   message is dropped and counted in `dropped_send_error`; nothing is queued or retried.
//! - **TCP**: messages are written back to back in the order offered, so the caller must frame
//!   them (length prefix, newline, ...) for the server to tell them apart. A message is written
//!   whole or counted as lost: if a connection breaks or stalls while a message is being
//!   written, that message is counted in `dropped_send_error` and is not resent; the next
//!   connection starts with the next whole message, so a reconnect never resumes a message
//!   midway (the old connection may have carried a partial message, which the server discards
//!   when the connection closes).
//!
//! # TCP queue and drop policy
//!
//! - The queue holds at most `queue_len` messages. Offering to a full queue drops the oldest
//!   message (`dropped_queue_full`), since newer vehicle data is worth more than older.
//! - A message that has waited longer than `max_age` when the writer takes it is dropped
//!   (`dropped_stale`) instead of sent.
//! - While the connection is down the queue keeps filling (and dropping its oldest); the writer
//!   reconnects with a backoff that starts at `reconnect_min`, doubles per failed attempt up to
//!   `reconnect_max`, and returns to `reconnect_min` after a successful connect. After a
//!   connection is lost the writer waits the (reset) backoff before the first retry, so a server
//!   that accepts and closes at once is not hammered.
//! - A write that makes no progress for `write_timeout` means the server is stuck: the
//!   connection is closed and reopened.
//! - A server that closes the connection while the writer is idle is noticed at once (the
//!   writer watches the stream for end-of-file and discards anything the server sends).
//! - When the destination is closed (last handle dropped, or [`Destination::close`]), messages
//!   still queued are discarded without being counted, and later offers return
//!   [`Offered::Dropped`].
//!
//! Logging: one `warn!` per outage (first failed connect, or a lost connection), `debug!` for
//! each further failed attempt, `info!` when connected with how long the destination was down.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;
use tracing::{debug, info, warn};

/// Transport of a forwarding destination (NTCIP 1218 `rsuReceivedMsgProtocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// One datagram per message.
    Udp,
    /// One stream per destination; messages written back to back.
    Tcp,
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Udp => "udp",
            Protocol::Tcp => "tcp",
        })
    }
}

/// Where and how one forwarding-table row sends its messages, with the TCP queue's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationConfig {
    /// Server address (NTCIP 1218 `rsuReceivedMsgDestIpAddr` and `rsuReceivedMsgDestPort`).
    pub addr: SocketAddr,
    /// Transport.
    pub protocol: Protocol,
    /// TCP: messages held while the connection is down or slow; the oldest is dropped when full.
    pub queue_len: usize,
    /// TCP: a queued message older than this is dropped instead of sent (stale data is worse than none).
    pub max_age: Duration,
    /// TCP: first retry delay after a failed connect, doubling per failure.
    pub reconnect_min: Duration,
    /// TCP: cap of the doubling retry delay.
    pub reconnect_max: Duration,
    /// TCP: how long one connect attempt may take.
    pub connect_timeout: Duration,
    /// TCP: a write that makes no progress for this long means the server is stuck: drop the connection and reconnect.
    pub write_timeout: Duration,
}

impl DestinationConfig {
    /// Default TCP queue length in messages.
    pub const DEFAULT_QUEUE_LEN: usize = 1024;
    /// Default age after which a queued message is dropped.
    pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(30);
    /// Default first reconnect delay.
    pub const DEFAULT_RECONNECT_MIN: Duration = Duration::from_millis(100);
    /// Default cap of the reconnect delay.
    pub const DEFAULT_RECONNECT_MAX: Duration = Duration::from_secs(10);
    /// Default connect timeout.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
    /// Default no-progress write timeout.
    pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(5);

    /// A destination with the default queue and timing limits.
    pub fn new(addr: SocketAddr, protocol: Protocol) -> Self {
        DestinationConfig {
            addr,
            protocol,
            queue_len: Self::DEFAULT_QUEUE_LEN,
            max_age: Self::DEFAULT_MAX_AGE,
            reconnect_min: Self::DEFAULT_RECONNECT_MIN,
            reconnect_max: Self::DEFAULT_RECONNECT_MAX,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            write_timeout: Self::DEFAULT_WRITE_TIMEOUT,
        }
    }

    /// Checks the limits that would otherwise make the writer drop everything or spin.
    pub fn validate(&self) -> Result<(), BackhaulError> {
        let zero = |field: &'static str, value: Duration| {
            if value.is_zero() {
                Err(BackhaulError::ZeroDuration { field })
            } else {
                Ok(())
            }
        };
        if self.queue_len == 0 {
            return Err(BackhaulError::ZeroQueueLen);
        }
        zero("max_age", self.max_age)?;
        zero("reconnect_min", self.reconnect_min)?;
        zero("connect_timeout", self.connect_timeout)?;
        zero("write_timeout", self.write_timeout)?;
        if self.reconnect_max < self.reconnect_min {
            return Err(BackhaulError::ReconnectMaxBelowMin {
                min: self.reconnect_min,
                max: self.reconnect_max,
            });
        }
        Ok(())
    }
}

/// Why a destination could not be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackhaulError {
    /// `queue_len` is 0: a TCP destination could never hold a message to send.
    #[error("queue_len must be at least 1")]
    ZeroQueueLen,
    /// A duration that must be positive is zero.
    #[error("{field} must be greater than zero")]
    ZeroDuration {
        /// Name of the configuration field.
        field: &'static str,
    },
    /// `reconnect_max` is shorter than `reconnect_min`.
    #[error("reconnect_max ({max:?}) must not be below reconnect_min ({min:?})")]
    ReconnectMaxBelowMin {
        /// Configured `reconnect_min`.
        min: Duration,
        /// Configured `reconnect_max`.
        max: Duration,
    },
    /// A TCP destination was started outside a tokio runtime.
    #[error("a TCP destination needs a tokio runtime to run its connection task")]
    NoRuntime,
}

impl From<BackhaulError> for io::Error {
    fn from(e: BackhaulError) -> Self {
        let kind = match e {
            BackhaulError::NoRuntime => io::ErrorKind::Other,
            _ => io::ErrorKind::InvalidInput,
        };
        io::Error::new(kind, e)
    }
}

/// Metric handles of one destination (metrics 0.24), created and labelled by the caller.
#[derive(Debug, Clone)]
pub struct DestinationMetrics {
    /// Messages written (TCP) or sent (UDP).
    pub sent: metrics::Counter,
    /// TCP: oldest messages dropped because the queue was full.
    pub dropped_queue_full: metrics::Counter,
    /// TCP: messages dropped because they waited longer than `max_age`.
    pub dropped_stale: metrics::Counter,
    /// UDP send error or WouldBlock; TCP message lost with a broken or stuck connection.
    pub dropped_send_error: metrics::Counter,
    /// TCP connections established.
    pub connects: metrics::Counter,
    /// TCP connect attempts that failed or timed out.
    pub connect_failures: metrics::Counter,
    /// TCP: messages waiting in the queue.
    pub queue_depth: metrics::Gauge,
    /// 1 while a TCP connection is up (UDP: always 1).
    pub connected: metrics::Gauge,
}

impl DestinationMetrics {
    /// Handles that record nothing, for tests and tools.
    pub fn noop() -> Self {
        DestinationMetrics {
            sent: metrics::Counter::noop(),
            dropped_queue_full: metrics::Counter::noop(),
            dropped_stale: metrics::Counter::noop(),
            dropped_send_error: metrics::Counter::noop(),
            connects: metrics::Counter::noop(),
            connect_failures: metrics::Counter::noop(),
            queue_depth: metrics::Gauge::noop(),
            connected: metrics::Gauge::noop(),
        }
    }
}

/// A snapshot of one destination's counters since it started (same meanings as [`DestinationMetrics`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DestinationStats {
    /// Messages written (TCP) or sent (UDP).
    pub sent: u64,
    /// TCP: oldest messages dropped because the queue was full.
    pub dropped_queue_full: u64,
    /// TCP: messages dropped because they waited longer than `max_age`.
    pub dropped_stale: u64,
    /// UDP send error or WouldBlock; TCP message lost with a broken or stuck connection.
    pub dropped_send_error: u64,
    /// TCP connections established.
    pub connects: u64,
    /// TCP connect attempts that failed or timed out.
    pub connect_failures: u64,
    /// TCP: messages waiting in the queue.
    pub queue_depth: usize,
    /// Whether a TCP connection is up (UDP: always true until closed).
    pub connected: bool,
}

/// What [`Destination::offer`] did with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered {
    /// UDP: the datagram was handed to the kernel.
    Sent,
    /// TCP: the message waits in the queue.
    Queued,
    /// TCP: the message waits in the queue, and the oldest queued message was dropped for it.
    QueuedDroppingOldest,
    /// The message was dropped (UDP send error or WouldBlock, or the destination is closed).
    Dropped,
}

/// Counters kept both in the caller's metric handles and in atomics that `stats()` reads.
#[derive(Debug)]
struct Tally {
    metrics: DestinationMetrics,
    sent: AtomicU64,
    dropped_queue_full: AtomicU64,
    dropped_stale: AtomicU64,
    dropped_send_error: AtomicU64,
    connects: AtomicU64,
    connect_failures: AtomicU64,
    connected: AtomicBool,
}

impl Tally {
    fn new(metrics: DestinationMetrics) -> Self {
        Tally {
            metrics,
            sent: AtomicU64::new(0),
            dropped_queue_full: AtomicU64::new(0),
            dropped_stale: AtomicU64::new(0),
            dropped_send_error: AtomicU64::new(0),
            connects: AtomicU64::new(0),
            connect_failures: AtomicU64::new(0),
            connected: AtomicBool::new(false),
        }
    }

    fn sent(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
        self.metrics.sent.increment(1);
    }

    fn dropped_queue_full(&self) {
        self.dropped_queue_full.fetch_add(1, Ordering::Relaxed);
        self.metrics.dropped_queue_full.increment(1);
    }

    fn dropped_stale(&self, n: u64) {
        if n > 0 {
            self.dropped_stale.fetch_add(n, Ordering::Relaxed);
            self.metrics.dropped_stale.increment(n);
        }
    }

    fn dropped_send_error(&self) {
        self.dropped_send_error.fetch_add(1, Ordering::Relaxed);
        self.metrics.dropped_send_error.increment(1);
    }

    fn connect_failure(&self) {
        self.connect_failures.fetch_add(1, Ordering::Relaxed);
        self.metrics.connect_failures.increment(1);
    }

    fn set_connected(&self, up: bool) {
        if up {
            self.connects.fetch_add(1, Ordering::Relaxed);
            self.metrics.connects.increment(1);
        }
        self.connected.store(up, Ordering::Relaxed);
        self.metrics.connected.set(if up { 1.0 } else { 0.0 });
    }

    fn queue_depth(&self, depth: usize) {
        // Precision loss above 2^53 messages cannot happen with a bounded queue.
        self.metrics.queue_depth.set(depth as f64);
    }
}

type Queue = VecDeque<(Instant, Bytes)>;

/// State shared by the TCP handle and its connection task.
#[derive(Debug)]
struct TcpShared {
    addr: SocketAddr,
    queue_len: usize,
    max_age: Duration,
    reconnect_min: Duration,
    reconnect_max: Duration,
    connect_timeout: Duration,
    write_timeout: Duration,
    queue: Mutex<Queue>,
    wake: Notify,
    tally: Arc<Tally>,
}

impl TcpShared {
    /// Locks the queue; a panic elsewhere while holding it cannot leave a `VecDeque` invalid, so
    /// a poisoned lock is used as is.
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn push(&self, message: Bytes) -> Offered {
        let now = Instant::now();
        let (dropped_oldest, depth) = {
            let mut queue = self.lock();
            let dropped = if queue.len() >= self.queue_len {
                queue.pop_front().is_some()
            } else {
                false
            };
            queue.push_back((now, message));
            (dropped, queue.len())
        };
        self.tally.queue_depth(depth);
        self.wake.notify_one();
        if dropped_oldest {
            self.tally.dropped_queue_full();
            Offered::QueuedDroppingOldest
        } else {
            Offered::Queued
        }
    }

    fn pop(&self) -> Option<Bytes> {
        let (next, stale, depth) = {
            let mut queue = self.lock();
            let (next, stale) = pop_fresh(&mut queue, Instant::now(), self.max_age);
            (next, stale, queue.len())
        };
        self.tally.dropped_stale(stale);
        self.tally.queue_depth(depth);
        next
    }

    fn clear(&self) {
        self.lock().clear();
        self.tally.queue_depth(0);
    }
}

/// Takes the oldest message that has waited at most `max_age` at `now`, discarding older ones;
/// returns it with how many were discarded.
fn pop_fresh(queue: &mut Queue, now: Instant, max_age: Duration) -> (Option<Bytes>, u64) {
    let mut stale = 0;
    while let Some((queued_at, message)) = queue.pop_front() {
        if now.saturating_duration_since(queued_at) > max_age {
            stale += 1;
        } else {
            return (Some(message), stale);
        }
    }
    (None, stale)
}

/// The delay after `current` in the doubling reconnect backoff, capped at `max`.
fn next_backoff(current: Duration, max: Duration) -> Duration {
    current.saturating_mul(2).min(max)
}

#[derive(Debug)]
enum Transport {
    Udp(UdpSocket),
    Tcp {
        shared: Arc<TcpShared>,
        /// Dropping the sender (with the last handle) or sending `true` stops the task.
        stop: watch::Sender<bool>,
    },
}

#[derive(Debug)]
struct Inner {
    addr: SocketAddr,
    protocol: Protocol,
    closed: AtomicBool,
    transport: Transport,
    tally: Arc<Tally>,
}

/// A handle to one backhaul destination; clones share it, and dropping the last one (or calling
/// [`Destination::close`]) stops its connection task.
#[derive(Debug, Clone)]
pub struct Destination {
    inner: Arc<Inner>,
}

impl Destination {
    /// UDP: binds an unconnected non-blocking socket of the destination's family; TCP: spawns the
    /// connection task on the current tokio runtime.
    pub fn start(
        config: DestinationConfig,
        metrics: DestinationMetrics,
    ) -> io::Result<Destination> {
        config.validate()?;
        let addr = config.addr;
        let inner = match config.protocol {
            Protocol::Udp => {
                let local: SocketAddr = match addr {
                    SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
                    SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
                };
                let socket = UdpSocket::bind(local)?;
                socket.set_nonblocking(true)?;
                let tally = Arc::new(Tally::new(metrics));
                tally.connected.store(true, Ordering::Relaxed);
                tally.metrics.connected.set(1.0);
                tally.queue_depth(0);
                Inner {
                    addr,
                    protocol: Protocol::Udp,
                    closed: AtomicBool::new(false),
                    transport: Transport::Udp(socket),
                    tally,
                }
            }
            Protocol::Tcp => {
                let runtime = tokio::runtime::Handle::try_current()
                    .map_err(|_| io::Error::from(BackhaulError::NoRuntime))?;
                let tally = Arc::new(Tally::new(metrics));
                tally.metrics.connected.set(0.0);
                tally.queue_depth(0);
                let shared = Arc::new(TcpShared {
                    addr,
                    queue_len: config.queue_len,
                    max_age: config.max_age,
                    reconnect_min: config.reconnect_min,
                    reconnect_max: config.reconnect_max,
                    connect_timeout: config.connect_timeout,
                    write_timeout: config.write_timeout,
                    queue: Mutex::new(VecDeque::with_capacity(config.queue_len.min(4096))),
                    wake: Notify::new(),
                    tally: Arc::clone(&tally),
                });
                let (stop, stop_rx) = watch::channel(false);
                runtime.spawn(run_tcp(Arc::clone(&shared), stop_rx));
                Inner {
                    addr,
                    protocol: Protocol::Tcp,
                    closed: AtomicBool::new(false),
                    transport: Transport::Tcp { shared, stop },
                    tally,
                }
            }
        };
        Ok(Destination {
            inner: Arc::new(inner),
        })
    }

    /// Hands one already-framed message over without blocking (see the module doc for the policy).
    pub fn offer(&self, message: Bytes) -> Offered {
        if self.inner.closed.load(Ordering::Relaxed) {
            return Offered::Dropped;
        }
        match &self.inner.transport {
            Transport::Udp(socket) => {
                let tally = &self.inner.tally;
                match socket.send_to(&message, self.inner.addr) {
                    Ok(_) => {
                        tally.sent();
                        Offered::Sent
                    }
                    Err(e) => {
                        // Per message and possibly thousands a second: debug only; the counter
                        // is what operators watch.
                        debug!(destination = %self.inner.addr, error = %e, "backhaul datagram dropped");
                        tally.dropped_send_error();
                        Offered::Dropped
                    }
                }
            }
            Transport::Tcp { shared, .. } => shared.push(message),
        }
    }

    /// Stops the destination for every handle: the TCP task ends and later offers are dropped.
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::Relaxed);
        match &self.inner.transport {
            Transport::Udp(_) => {
                self.inner.tally.connected.store(false, Ordering::Relaxed);
                self.inner.tally.metrics.connected.set(0.0);
            }
            Transport::Tcp { stop, .. } => {
                stop.send_replace(true);
            }
        }
    }

    /// TCP: messages waiting in the queue (UDP: always 0).
    pub fn queue_depth(&self) -> usize {
        match &self.inner.transport {
            Transport::Udp(_) => 0,
            Transport::Tcp { shared, .. } => shared.lock().len(),
        }
    }

    /// Whether a TCP connection is up (UDP: true until closed).
    pub fn is_connected(&self) -> bool {
        self.tally().connected.load(Ordering::Relaxed)
    }

    /// The server address.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The transport.
    pub fn protocol(&self) -> Protocol {
        self.inner.protocol
    }

    /// The counters since start.
    pub fn stats(&self) -> DestinationStats {
        let t = self.tally();
        DestinationStats {
            sent: t.sent.load(Ordering::Relaxed),
            dropped_queue_full: t.dropped_queue_full.load(Ordering::Relaxed),
            dropped_stale: t.dropped_stale.load(Ordering::Relaxed),
            dropped_send_error: t.dropped_send_error.load(Ordering::Relaxed),
            connects: t.connects.load(Ordering::Relaxed),
            connect_failures: t.connect_failures.load(Ordering::Relaxed),
            queue_depth: self.queue_depth(),
            connected: t.connected.load(Ordering::Relaxed),
        }
    }

    fn tally(&self) -> &Tally {
        &self.inner.tally
    }
}

/// Resolves once the destination is closed or its last handle is dropped.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // `Err` means the sender (the last handle) is gone: that is a stop too.
    let _ = stop.wait_for(|closed| *closed).await;
}

/// How a connection ended.
enum Ended {
    Stopped,
    Lost(String),
}

/// The TCP connection task: connect, drain the queue, reconnect with backoff, until stopped.
async fn run_tcp(shared: Arc<TcpShared>, mut stop: watch::Receiver<bool>) {
    let addr = shared.addr;
    let mut backoff = shared.reconnect_min;
    let mut down_since = Instant::now();
    // Whether this outage has been warned about: later failures of the same outage log at debug.
    let mut warned = false;
    loop {
        let attempt = tokio::select! {
            () = stopped(&mut stop) => break,
            r = tokio::time::timeout(shared.connect_timeout, TcpStream::connect(addr)) => r,
        };
        let failure = match attempt {
            Ok(Ok(stream)) => {
                if let Err(e) = stream.set_nodelay(true) {
                    debug!(destination = %addr, error = %e, "backhaul could not set TCP_NODELAY");
                }
                shared.tally.set_connected(true);
                info!(destination = %addr, down_for = ?down_since.elapsed(), "backhaul connected");
                backoff = shared.reconnect_min;
                let ended = serve(&shared, stream, &mut stop).await;
                shared.tally.set_connected(false);
                down_since = Instant::now();
                match ended {
                    Ended::Stopped => break,
                    Ended::Lost(reason) => {
                        warn!(destination = %addr, reason = %reason, "backhaul connection lost; reconnecting");
                        warned = true;
                    }
                }
                None
            }
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some(format!(
                "connect timed out after {:?}",
                shared.connect_timeout
            )),
        };
        if let Some(reason) = failure {
            shared.tally.connect_failure();
            if warned {
                debug!(destination = %addr, reason = %reason, retry_in = ?backoff, "backhaul connect failed");
            } else {
                warn!(destination = %addr, reason = %reason, retry_in = ?backoff, "backhaul connect failed; retrying with backoff");
                warned = true;
            }
        }
        tokio::select! {
            () = stopped(&mut stop) => break,
            () = tokio::time::sleep(backoff) => {}
        }
        // Every wait doubles the next one; only a successful connect resets it.
        backoff = next_backoff(backoff, shared.reconnect_max);
    }
    shared.tally.set_connected(false);
    shared.clear();
}

/// Writes queued messages on one connection until it breaks, stalls, or the destination stops.
async fn serve(
    shared: &TcpShared,
    mut stream: TcpStream,
    stop: &mut watch::Receiver<bool>,
) -> Ended {
    // Servers are not expected to send anything; reading only detects their closing the stream.
    let mut discard = [0u8; 512];
    loop {
        let Some(message) = shared.pop() else {
            tokio::select! {
                () = stopped(stop) => return Ended::Stopped,
                () = shared.wake.notified() => continue,
                r = stream.read(&mut discard) => match r {
                    Ok(0) => return Ended::Lost("closed by the server".into()),
                    Ok(_) => continue,
                    Err(e) => return Ended::Lost(e.to_string()),
                },
            }
        };
        let written = tokio::select! {
            () = stopped(stop) => return Ended::Stopped,
            r = write_message(&mut stream, &message, shared.write_timeout) => r,
        };
        match written {
            Ok(()) => shared.tally.sent(),
            Err(e) => {
                shared.tally.dropped_send_error();
                return Ended::Lost(format!("{e}; 1 message lost"));
            }
        }
    }
}

/// Writes a whole message, failing if a single write makes no progress for `write_timeout`.
async fn write_message(
    stream: &mut TcpStream,
    message: &[u8],
    write_timeout: Duration,
) -> io::Result<()> {
    let mut rest = message;
    while !rest.is_empty() {
        match tokio::time::timeout(write_timeout, stream.write(rest)).await {
            Ok(Ok(0)) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(Ok(n)) => rest = rest.get(n..).unwrap_or_default(),
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("no write progress for {write_timeout:?}"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::net::TcpListener as StdTcpListener;
    use tokio::io::AsyncReadExt;
    use tokio::net::{TcpListener, TcpSocket};

    /// Generous bound for something expected to happen soon; never a measured duration.
    const PATIENCE: Duration = Duration::from_secs(10);

    /// Polls `done` until it holds or `PATIENCE` runs out; returns whether it held.
    async fn eventually(mut done: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if done() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        done()
    }

    /// A loopback address that nothing listens on (bound then released).
    fn free_addr() -> SocketAddr {
        let listener = StdTcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    }

    /// TCP config with short reconnect delays so tests need not wait for the defaults.
    fn quick_tcp(addr: SocketAddr) -> DestinationConfig {
        DestinationConfig {
            reconnect_min: Duration::from_millis(10),
            reconnect_max: Duration::from_millis(50),
            ..DestinationConfig::new(addr, Protocol::Tcp)
        }
    }

    /// Caller-side framing as a real forwarder would do it: 2-byte big-endian length, payload.
    fn framed(payload: &[u8]) -> Bytes {
        let mut v = (payload.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(payload);
        Bytes::from(v)
    }

    async fn read_exactly(stream: &mut TcpStream, len: usize) -> Vec<u8> {
        let mut buf = vec![0u8; len];
        tokio::time::timeout(PATIENCE, stream.read_exact(&mut buf))
            .await
            .expect("server received the bytes in time")
            .unwrap();
        buf
    }

    async fn accept(listener: &TcpListener) -> TcpStream {
        tokio::time::timeout(PATIENCE, listener.accept())
            .await
            .expect("destination connected in time")
            .unwrap()
            .0
    }

    /// Metric handles backed by atomics the test can read.
    struct Recorded {
        sent: Arc<AtomicU64>,
        dropped_queue_full: Arc<AtomicU64>,
        connects: Arc<AtomicU64>,
        connected: Arc<AtomicU64>,
        queue_depth: Arc<AtomicU64>,
    }

    impl Recorded {
        fn new() -> (Self, DestinationMetrics) {
            let r = Recorded {
                sent: Arc::default(),
                dropped_queue_full: Arc::default(),
                connects: Arc::default(),
                connected: Arc::default(),
                queue_depth: Arc::default(),
            };
            let m = DestinationMetrics {
                sent: metrics::Counter::from_arc(Arc::clone(&r.sent)),
                dropped_queue_full: metrics::Counter::from_arc(Arc::clone(&r.dropped_queue_full)),
                connects: metrics::Counter::from_arc(Arc::clone(&r.connects)),
                queue_depth: metrics::Gauge::from_arc(Arc::clone(&r.queue_depth)),
                connected: metrics::Gauge::from_arc(Arc::clone(&r.connected)),
                ..DestinationMetrics::noop()
            };
            (r, m)
        }

        fn gauge(g: &AtomicU64) -> f64 {
            // metrics' GaugeFn for AtomicU64 stores the f64's bits.
            f64::from_bits(g.load(Ordering::Relaxed))
        }
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = DestinationConfig::new("192.0.2.1:5000".parse().unwrap(), Protocol::Tcp);
        assert_eq!(c.queue_len, 1024);
        assert_eq!(c.max_age, Duration::from_secs(30));
        assert_eq!(c.reconnect_min, Duration::from_millis(100));
        assert_eq!(c.reconnect_max, Duration::from_secs(10));
        assert_eq!(c.connect_timeout, Duration::from_secs(3));
        assert_eq!(c.write_timeout, Duration::from_secs(5));
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn bad_limits_are_rejected_naming_the_field() {
        let base = DestinationConfig::new("192.0.2.1:5000".parse().unwrap(), Protocol::Udp);
        let c = DestinationConfig {
            queue_len: 0,
            ..base.clone()
        };
        assert_eq!(c.validate(), Err(BackhaulError::ZeroQueueLen));
        let c = DestinationConfig {
            write_timeout: Duration::ZERO,
            ..base.clone()
        };
        assert_eq!(
            c.validate(),
            Err(BackhaulError::ZeroDuration {
                field: "write_timeout"
            })
        );
        let c = DestinationConfig {
            reconnect_min: Duration::ZERO,
            ..base.clone()
        };
        assert_eq!(
            c.validate(),
            Err(BackhaulError::ZeroDuration {
                field: "reconnect_min"
            })
        );
        let c = DestinationConfig {
            reconnect_min: Duration::from_secs(2),
            reconnect_max: Duration::from_secs(1),
            ..base.clone()
        };
        assert_eq!(
            c.validate(),
            Err(BackhaulError::ReconnectMaxBelowMin {
                min: Duration::from_secs(2),
                max: Duration::from_secs(1)
            })
        );
        // start() reports the same typed error inside an InvalidInput io::Error.
        let e = Destination::start(
            DestinationConfig {
                max_age: Duration::ZERO,
                ..base
            },
            DestinationMetrics::noop(),
        )
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(
            e.get_ref()
                .and_then(|inner| inner.downcast_ref::<BackhaulError>()),
            Some(&BackhaulError::ZeroDuration { field: "max_age" })
        );
    }

    #[test]
    fn tcp_outside_a_runtime_is_an_error_not_a_panic() {
        let e = Destination::start(quick_tcp(free_addr()), DestinationMetrics::noop()).unwrap_err();
        assert_eq!(
            e.get_ref()
                .and_then(|inner| inner.downcast_ref::<BackhaulError>()),
            Some(&BackhaulError::NoRuntime)
        );
    }

    #[test]
    fn backoff_doubles_from_min_to_the_cap() {
        // Defaults 100 ms and 10 s: 100, 200, 400, ... 6400, then 12800 is capped to 10000.
        let mut d = Duration::from_millis(100);
        let mut seen = vec![d.as_millis()];
        for _ in 0..8 {
            d = next_backoff(d, Duration::from_secs(10));
            seen.push(d.as_millis());
        }
        assert_eq!(seen, [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
    }

    #[test]
    fn pop_fresh_drops_only_messages_older_than_max_age() {
        let t0 = Instant::now();
        let max_age = Duration::from_secs(1);
        let mut q: Queue = VecDeque::new();
        q.push_back((t0, Bytes::from_static(b"a")));
        q.push_back((t0 + Duration::from_millis(1500), Bytes::from_static(b"b")));
        q.push_back((t0 + Duration::from_millis(2000), Bytes::from_static(b"c")));
        q.push_back((t0 + Duration::from_millis(2500), Bytes::from_static(b"d")));
        // At t0+2.5 s the ages are 2.5 s, 1.0 s, 0.5 s, 0 s: only "a" is over 1 s; "b" is exactly
        // at the limit and still sent.
        let now = t0 + Duration::from_millis(2500);
        assert_eq!(
            pop_fresh(&mut q, now, max_age),
            (Some(Bytes::from_static(b"b")), 1)
        );
        assert_eq!(q.len(), 2);
        // At t0+3.5 s "c" (1.5 s) is stale and "d" (1.0 s) is not.
        let now = t0 + Duration::from_millis(3500);
        assert_eq!(
            pop_fresh(&mut q, now, max_age),
            (Some(Bytes::from_static(b"d")), 1)
        );
        assert_eq!(pop_fresh(&mut q, now, max_age), (None, 0));
        q.push_back((t0, Bytes::from_static(b"e")));
        q.push_back((t0, Bytes::from_static(b"f")));
        assert_eq!(pop_fresh(&mut q, now, max_age), (None, 2));
        assert!(q.is_empty());
    }

    #[test]
    fn udp_sends_each_message_as_one_intact_datagram() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        server.set_read_timeout(Some(PATIENCE)).unwrap();
        let (rec, metrics) = Recorded::new();
        let dest = Destination::start(
            DestinationConfig::new(server.local_addr().unwrap(), Protocol::Udp),
            metrics,
        )
        .unwrap();
        assert_eq!(dest.protocol(), Protocol::Udp);
        assert_eq!(dest.addr(), server.local_addr().unwrap());
        assert!(dest.is_connected());
        assert_eq!(Recorded::gauge(&rec.connected), 1.0);

        let messages: Vec<Bytes> = [0usize, 1, 1400, 9000]
            .iter()
            .map(|&n| Bytes::from((0..n).map(|i| (i % 251) as u8).collect::<Vec<u8>>()))
            .collect();
        for m in &messages {
            assert_eq!(dest.offer(m.clone()), Offered::Sent);
        }
        let mut buf = vec![0u8; 65536];
        for m in &messages {
            let (n, from) = server.recv_from(&mut buf).unwrap();
            assert_eq!(
                buf.get(..n),
                Some(&m[..]),
                "datagram of {} bytes arrived intact",
                m.len()
            );
            assert!(from.ip().is_unspecified() || from.ip().is_loopback());
        }
        let s = dest.stats();
        assert_eq!((s.sent, s.dropped_send_error, s.queue_depth), (4, 0, 0));
        assert_eq!(rec.sent.load(Ordering::Relaxed), 4);
    }

    #[test]
    fn udp_send_error_is_counted_and_dropped() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let dest = Destination::start(
            DestinationConfig::new(server.local_addr().unwrap(), Protocol::Udp),
            DestinationMetrics::noop(),
        )
        .unwrap();
        // 65_508 bytes is one more than the IPv4 UDP payload limit (65_535 - 20 - 8): EMSGSIZE.
        assert_eq!(dest.offer(Bytes::from(vec![0u8; 65_508])), Offered::Dropped);
        let s = dest.stats();
        assert_eq!((s.sent, s.dropped_send_error), (0, 1));
        // After close nothing is sent, from any handle.
        let other = dest.clone();
        dest.close();
        assert_eq!(other.offer(Bytes::from_static(b"x")), Offered::Dropped);
        assert!(!other.is_connected());
        assert_eq!(other.stats().sent, 0);
    }

    #[tokio::test]
    async fn tcp_delivers_messages_in_order_as_given() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (rec, metrics) = Recorded::new();
        let dest = Destination::start(quick_tcp(listener.local_addr().unwrap()), metrics).unwrap();
        let mut conn = accept(&listener).await;

        let mut expected = Vec::new();
        for i in 0..1000 {
            let m = framed(format!("message {i}").as_bytes());
            expected.extend_from_slice(&m);
            assert!(matches!(
                dest.offer(m),
                Offered::Queued | Offered::QueuedDroppingOldest
            ));
        }
        assert_eq!(read_exactly(&mut conn, expected.len()).await, expected);
        assert!(eventually(|| dest.stats().sent == 1000).await);
        let s = dest.stats();
        assert_eq!(
            (s.dropped_queue_full, s.dropped_stale, s.dropped_send_error),
            (0, 0, 0)
        );
        assert_eq!((s.connects, s.connected, s.queue_depth), (1, true, 0));
        assert_eq!(rec.sent.load(Ordering::Relaxed), 1000);
        assert_eq!(rec.connects.load(Ordering::Relaxed), 1);
        assert_eq!(Recorded::gauge(&rec.connected), 1.0);
        assert_eq!(Recorded::gauge(&rec.queue_depth), 0.0);
    }

    #[tokio::test]
    async fn tcp_queues_while_the_server_is_down_and_drops_the_oldest() {
        let addr = free_addr();
        let (rec, metrics) = Recorded::new();
        let dest = Destination::start(
            DestinationConfig {
                queue_len: 8,
                ..quick_tcp(addr)
            },
            metrics,
        )
        .unwrap();
        assert!(eventually(|| dest.stats().connect_failures >= 1).await);
        assert!(!dest.is_connected());

        // 12 offers into 8 slots: the first 8 fit, each of the last 4 pushes out the oldest, so
        // messages 4..12 remain.
        let offered: Vec<Offered> = (0..12)
            .map(|i| dest.offer(framed(format!("m{i}").as_bytes())))
            .collect();
        assert_eq!(offered.get(..8), Some(&[Offered::Queued; 8][..]));
        assert_eq!(
            offered.get(8..),
            Some(&[Offered::QueuedDroppingOldest; 4][..])
        );
        assert_eq!(dest.queue_depth(), 8);
        assert_eq!(dest.stats().dropped_queue_full, 4);
        assert_eq!(rec.dropped_queue_full.load(Ordering::Relaxed), 4);
        assert_eq!(Recorded::gauge(&rec.queue_depth), 8.0);

        let listener = TcpListener::bind(addr).await.unwrap();
        let mut conn = accept(&listener).await;
        let expected: Vec<u8> = (4..12)
            .flat_map(|i| framed(format!("m{i}").as_bytes()).to_vec())
            .collect();
        assert_eq!(read_exactly(&mut conn, expected.len()).await, expected);
        assert!(eventually(|| dest.stats().sent == 8).await);
        let s = dest.stats();
        assert_eq!((s.connects, s.queue_depth, s.dropped_send_error), (1, 0, 0));
    }

    #[tokio::test]
    async fn tcp_reconnects_after_the_server_closes() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let dest = Destination::start(
            quick_tcp(listener.local_addr().unwrap()),
            DestinationMetrics::noop(),
        )
        .unwrap();
        let mut first = accept(&listener).await;
        dest.offer(Bytes::from_static(b"before\n"));
        assert_eq!(read_exactly(&mut first, 7).await, b"before\n");
        drop(first);

        let mut second = accept(&listener).await;
        assert!(eventually(|| dest.stats().connects == 2 && dest.is_connected()).await);
        dest.offer(Bytes::from_static(b"after\n"));
        assert_eq!(read_exactly(&mut second, 6).await, b"after\n");
        let s = dest.stats();
        // The close was seen while idle, so no message was written into the dead connection.
        assert_eq!((s.sent, s.dropped_send_error), (2, 0));
    }

    /// Polls `done` from a plain thread, as the radio thread would, until it holds or
    /// `PATIENCE` runs out.
    fn eventually_blocking(mut done: impl FnMut() -> bool) -> bool {
        let deadline = std::time::Instant::now() + PATIENCE;
        while std::time::Instant::now() < deadline {
            if done() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        done()
    }

    #[test]
    fn stuck_server_never_blocks_offer_and_the_write_timeout_reconnects() {
        // As in the service: the destination's task runs on a current_thread runtime of its own
        // thread while a plain thread (the radio path) offers synchronously.
        let queue_len = 64;
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let runtime = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                // A server that accepts and never reads, with a small receive buffer so the
                // stream stalls soon.
                let socket = TcpSocket::new_v4().unwrap();
                socket.set_recv_buffer_size(4096).unwrap();
                socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
                let listener = socket.listen(16).unwrap();
                let addr = listener.local_addr().unwrap();
                tokio::spawn(async move {
                    let mut held = Vec::new();
                    while let Ok((conn, _)) = listener.accept().await {
                        held.push(conn);
                    }
                });
                let config = DestinationConfig {
                    queue_len,
                    write_timeout: Duration::from_millis(200),
                    ..quick_tcp(addr)
                };
                let dest = Destination::start(config, DestinationMetrics::noop()).unwrap();
                handle_tx.send(dest).unwrap();
                let _ = stop_rx.await;
            });
        });
        let dest: Destination = handle_rx.recv_timeout(PATIENCE).unwrap();
        assert!(eventually_blocking(|| dest.is_connected()));

        let kib = Bytes::from(vec![0x55u8; 1024]);
        for _ in 0..100_000 {
            assert_ne!(dest.offer(kib.clone()), Offered::Dropped);
            assert!(dest.queue_depth() <= queue_len);
        }
        assert!(dest.stats().dropped_queue_full > 0);

        // Keep offering until the writer gives up on the stalled connection.
        assert!(eventually_blocking(|| {
            for _ in 0..queue_len {
                dest.offer(kib.clone());
            }
            dest.stats().dropped_send_error >= 1
        }));
        assert!(dest.queue_depth() <= queue_len);
        // The server still accepts, so the writer connects again.
        assert!(eventually_blocking(|| dest.stats().connects >= 2));
        let s = dest.stats();
        assert!(s.sent > 0 && s.dropped_queue_full > 0, "{s:?}");
        drop(dest);
        stop_tx.send(()).unwrap();
        runtime.join().unwrap();
    }

    #[tokio::test]
    async fn tcp_drops_stale_messages_instead_of_sending_them() {
        let addr = free_addr();
        let max_age = Duration::from_secs(1);
        let dest = Destination::start(
            DestinationConfig {
                max_age,
                ..quick_tcp(addr)
            },
            DestinationMetrics::noop(),
        )
        .unwrap();
        for i in 0..3 {
            dest.offer(Bytes::from(format!("old {i}\n")));
        }
        // Wait well past max_age with no server, so the three are stale when the writer sees them.
        tokio::time::sleep(max_age * 2).await;
        let listener = TcpListener::bind(addr).await.unwrap();
        let mut conn = accept(&listener).await;
        assert!(eventually(|| dest.is_connected() && dest.queue_depth() == 0).await);
        assert_eq!(dest.stats().dropped_stale, 3);

        dest.offer(Bytes::from_static(b"new 0\n"));
        dest.offer(Bytes::from_static(b"new 1\n"));
        // The stream starts with the fresh messages: none of the stale ones was written.
        assert_eq!(read_exactly(&mut conn, 12).await, b"new 0\nnew 1\n");
        let s = dest.stats();
        assert_eq!((s.dropped_stale, s.dropped_send_error), (3, 0));
        assert!(eventually(|| dest.stats().sent == 2).await);
    }

    #[tokio::test]
    async fn dropping_the_last_handle_stops_the_task() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let dest = Destination::start(
            quick_tcp(listener.local_addr().unwrap()),
            DestinationMetrics::noop(),
        )
        .unwrap();
        let mut conn = accept(&listener).await;
        let clone = dest.clone();
        drop(dest);
        clone.offer(Bytes::from_static(b"still here\n"));
        assert_eq!(read_exactly(&mut conn, 11).await, b"still here\n");
        drop(clone);
        // The task closes its connection: the server reads end-of-file.
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(PATIENCE, conn.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(n, 0);
    }

    #[tokio::test]
    async fn close_stops_the_task_and_later_offers_are_dropped() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let dest = Destination::start(
            quick_tcp(listener.local_addr().unwrap()),
            DestinationMetrics::noop(),
        )
        .unwrap();
        let mut conn = accept(&listener).await;
        assert!(eventually(|| dest.is_connected()).await);
        dest.close();
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(PATIENCE, conn.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(n, 0);
        assert!(eventually(|| !dest.is_connected()).await);
        assert_eq!(dest.offer(Bytes::from_static(b"late")), Offered::Dropped);
        assert_eq!(dest.queue_depth(), 0);
    }
}
