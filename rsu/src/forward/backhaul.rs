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
