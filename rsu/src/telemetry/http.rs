//! The Prometheus scrape endpoint: GET /metrics.
//!
//! A deliberately small HTTP/1.0 and 1.1 server (RFC 9112) on tokio: one request per
//! connection, a bounded request head read under a deadline, a bounded number of connections.
//! Scrapers (Prometheus, curl) need nothing more, and it spares the service the exporter's
//! hyper stack. Anything it does not understand gets a 4xx and the connection closes.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use thiserror::Error;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinSet};

use super::metrics::Metrics;

/// Connections served at once; beyond this a new connection replaces the oldest one still
/// sending its request head, or is closed at once if every one is being answered.
pub const MAX_CONNECTIONS: usize = 16;
/// The longest request head (request line and header fields) accepted, in bytes.
pub const MAX_HEAD_BYTES: usize = 8 * 1024;
/// How long a client may take to send its request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// `Content-Type` of the Prometheus text exposition format.
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";
/// `Content-Type` of everything else this server says.
const PLAIN_TEXT: &str = "text/plain; charset=utf-8";
/// The body of `GET /`.
const INDEX: &str = "RSU service. Prometheus metrics: /metrics\n";
/// A client that stops reading cannot hold a connection longer than this per response.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to drain unread request bytes after responding (see [`linger_close`]).
const LINGER_TIMEOUT: Duration = Duration::from_secs(1);
/// Unread request bytes drained after responding, at most.
const LINGER_BYTES: usize = 64 * 1024;
/// Pause after a failed accept, so a persistent failure (no file descriptors left) does not
/// spin a core.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Why the scrape endpoint could not start.
#[derive(Debug, Error)]
pub enum HttpError {
    /// The listening socket could not be bound.
    #[error("cannot listen for metrics scrapes on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
}

/// The endpoint's limits; [`Limits::default`] is what the service uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once.
    pub max_connections: usize,
    /// Longest request head, in bytes; longer gets 431.
    pub max_head_bytes: usize,
    /// Time allowed to send the request head; slower clients are disconnected.
    pub head_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: MAX_CONNECTIONS,
            max_head_bytes: MAX_HEAD_BYTES,
            head_timeout: HEAD_TIMEOUT,
        }
    }
}

/// Binds the scrape endpoint's listening socket.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, HttpError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| HttpError::Bind { addr, source })
}

/// Serves `metrics` on `listener` with the default [`Limits`] until `shutdown` completes.
pub async fn serve(listener: TcpListener, metrics: Metrics, shutdown: impl Future<Output = ()>) {
    serve_with(listener, metrics, Limits::default(), shutdown).await;
}

/// Serves `metrics` on `listener` within `limits` until `shutdown` completes; connections
/// still open then are cut.
///
/// At the connection limit a new connection takes the place of the oldest one still sending
/// its request head (counted as `evicted`): a scraper sends its head at once, so whoever has
/// been sending one longest is stalled or slow, and stalled clients can then never keep a
/// scrape from being answered, however many there are. Failing that, it takes the place of
/// the oldest one lingering after its response (whose bytes are all written: a client that
/// asks and never closes). Connections being written to are never evicted (the write has
/// its own deadline); only when every slot is writing is a new connection closed (`limit`).
pub async fn serve_with(
    listener: TcpListener,
    metrics: Metrics,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let dropped_limit = metrics.http_connections_dropped("limit");
    let evicted = metrics.http_connections_dropped("evicted");
    let mut connections = JoinSet::new();
    // Live connections in accept order (oldest first); at most `max_connections`.
    let mut live: VecDeque<Slot> = VecDeque::with_capacity(limits.max_connections);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            // Reap finished connections so the set does not grow with every scrape.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    live.retain(|slot| !slot.task.is_finished());
                    if live.len() >= limits.max_connections {
                        let in_phase = |phase: u8| {
                            live.iter()
                                .position(|slot| slot.phase.load(Ordering::Relaxed) == phase)
                        };
                        let stalled = in_phase(READING_HEAD).or_else(|| in_phase(LINGERING));
                        match stalled.and_then(|i| live.remove(i)) {
                            Some(oldest) => {
                                oldest.task.abort();
                                evicted.increment(1);
                                tracing::debug!(%peer, "metrics endpoint full: the oldest unfinished request head was dropped");
                            }
                            None => {
                                dropped_limit.increment(1);
                                tracing::debug!(%peer, "metrics endpoint busy, connection closed");
                                drop(stream);
                                continue;
                            }
                        }
                    }
                    let metrics = metrics.clone();
                    let phase = Arc::new(AtomicU8::new(READING_HEAD));
                    let flag = phase.clone();
                    let task = connections.spawn(async move {
                        connection(stream, peer, &metrics, &limits, &flag).await;
                    });
                    live.push_back(Slot { task, phase });
                }
                Err(error) => {
                    tracing::warn!(%error, "metrics endpoint cannot accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
        }
    }
    connections.shutdown().await;
}

/// A connection's phases, as far as eviction is concerned.
const READING_HEAD: u8 = 0;
const WRITING: u8 = 1;
const LINGERING: u8 = 2;

/// A connection being served.
struct Slot {
    task: AbortHandle,
    /// [`READING_HEAD`], [`WRITING`] or [`LINGERING`]: what it may be evicted in.
    phase: Arc<AtomicU8>,
}

/// Reads one request, answers it and closes.
async fn connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    metrics: &Metrics,
    limits: &Limits,
    phase: &AtomicU8,
) {
    let read = tokio::time::timeout(
        limits.head_timeout,
        read_head(&mut stream, limits.max_head_bytes),
    )
    .await;
    phase.store(WRITING, Ordering::Relaxed);
    let answer = match read {
        Err(_elapsed) => {
            metrics.http_connections_dropped("timeout").increment(1);
            tracing::debug!(%peer, "metrics client sent no request in time, connection closed");
            return;
        }
        Ok(Err(_)) | Ok(Ok(Head::Eof { partial: false })) => return,
        Ok(Ok(Head::Eof { partial: true })) => {
            Answer::error(Status::BadRequest, "incomplete request head")
        }
        Ok(Ok(Head::TooLarge)) => {
            Answer::error(Status::HeaderFieldsTooLarge, "request head too long")
        }
        Ok(Ok(Head::Complete(head))) => answer(&head),
    };
    let code = answer.status.code();
    metrics.http_requests(code).increment(1);
    tracing::debug!(%peer, code, "metrics request answered");
    let response = response(&answer, metrics);
    if let Ok(Ok(())) = tokio::time::timeout(WRITE_TIMEOUT, stream.write_all(&response)).await {
        phase.store(LINGERING, Ordering::Relaxed);
        linger_close(&mut stream).await;
    }
}

/// Closes our side, then reads and discards what the client still sends for a moment before
/// the socket is dropped: closing with unread bytes makes the kernel send a reset, which can
/// destroy the response before the client reads it (a 431 leaves most of the head unread).
async fn linger_close(stream: &mut TcpStream) {
    if stream.shutdown().await.is_err() {
        return;
    }
    let drain = async {
        let mut scratch = [0u8; 1024];
        let mut drained = 0usize;
        while drained < LINGER_BYTES {
            match stream.read(&mut scratch).await {
                Ok(0) | Err(_) => break,
                Ok(n) => drained = drained.saturating_add(n),
            }
        }
    };
    let _ = tokio::time::timeout(LINGER_TIMEOUT, drain).await;
}

/// How reading a request head ended.
#[derive(Debug, PartialEq, Eq)]
enum Head {
    /// The head, from the request line to its last header line, without the blank line.
    Complete(Vec<u8>),
    /// More than the limit arrived without the blank line that ends a head.
    TooLarge,
    /// The client closed first; `partial` if it had sent something.
    Eof { partial: bool },
}

/// Reads until the blank line that ends a request head (RFC 9112 §2.1).
async fn read_head<R: AsyncRead + Unpin>(reader: &mut R, max: usize) -> io::Result<Head> {
    let mut buf = HeadBuf::new(max);
    let mut chunk = [0u8; 1024];
    loop {
        let room = buf.room().min(chunk.len());
        if room == 0 {
            return Ok(Head::TooLarge);
        }
        let Some(into) = chunk.get_mut(..room) else {
            return Ok(Head::TooLarge);
        };
        let n = reader.read(into).await?;
        if n == 0 {
            return Ok(Head::Eof {
                partial: !buf.bytes.is_empty(),
            });
        }
        if let Some(head) = buf.push(chunk.get(..n).unwrap_or_default()) {
            return Ok(Head::Complete(head.to_vec()));
        }
    }
}

/// A request head arriving in pieces, scanned once for its end however it is split.
struct HeadBuf {
    bytes: Vec<u8>,
    max: usize,
    /// Where the request line starts: RFC 9112 §2.2 asks servers to skip empty lines first.
    start: usize,
    /// Bytes before this cannot start the end of the head.
    scanned: usize,
}

impl HeadBuf {
    fn new(max: usize) -> Self {
        HeadBuf {
            bytes: Vec::with_capacity(max.min(1024)),
            max,
            start: 0,
            scanned: 0,
        }
    }

    /// Bytes that may still arrive before the head is too long.
    fn room(&self) -> usize {
        self.max.saturating_sub(self.bytes.len())
    }

    /// Appends `data`; gives the head (request line to last header line, line ends included)
    /// once the blank line that ends it has arrived.
    fn push(&mut self, data: &[u8]) -> Option<&[u8]> {
        self.bytes.extend_from_slice(data);
        while matches!(self.bytes.get(self.start), Some(b'\r' | b'\n')) {
            self.start += 1;
        }
        self.scanned = self.scanned.max(self.start);
        // The end is a line feed followed by an empty line: "\n\n" or "\n\r\n".
        let mut i = self.scanned;
        while let Some(&byte) = self.bytes.get(i) {
            if byte == b'\n' {
                match (self.bytes.get(i + 1), self.bytes.get(i + 2)) {
                    (Some(b'\n'), _) | (Some(b'\r'), Some(b'\n')) => {
                        return self.bytes.get(self.start..=i);
                    }
                    // The line feed's follower has not arrived yet: look again next time.
                    (None, _) | (Some(b'\r'), None) => break,
                    _ => {}
                }
            }
            i += 1;
        }
        self.scanned = i;
        None
    }
}

/// The response statuses this server gives (RFC 9110 §15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    BadRequest,
    NotFound,
    MethodNotAllowed,
    HeaderFieldsTooLarge,
    VersionNotSupported,
}

impl Status {
    fn code(self) -> u16 {
        match self {
            Status::Ok => 200,
            Status::BadRequest => 400,
            Status::NotFound => 404,
            Status::MethodNotAllowed => 405,
            Status::HeaderFieldsTooLarge => 431,
            Status::VersionNotSupported => 505,
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::BadRequest => "Bad Request",
            Status::NotFound => "Not Found",
            Status::MethodNotAllowed => "Method Not Allowed",
            Status::HeaderFieldsTooLarge => "Request Header Fields Too Large",
            Status::VersionNotSupported => "HTTP Version Not Supported",
        }
    }
}

/// What to send back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// The rendered metrics.
    Metrics,
    /// [`INDEX`].
    Index,
    /// Why the request failed.
    Error(&'static str),
}

/// The decision on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Answer {
    status: Status,
    body: Body,
    /// A HEAD request: headers as for GET, no body (RFC 9110 §9.3.2).
    head_only: bool,
}

impl Answer {
    fn error(status: Status, why: &'static str) -> Answer {
        Answer {
            status,
            body: Body::Error(why),
            head_only: false,
        }
    }
}

/// RFC 9110 §5.6.2 token characters (method and field names).
fn is_tchar(b: &u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b)
}

/// Decides the answer to a request head (request line and header lines, as [`HeadBuf::push`]
/// gives it).
fn answer(head: &[u8]) -> Answer {
    let bad = |why| Answer::error(Status::BadRequest, why);
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line));

    // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return bad("malformed request line");
    };
    if method.is_empty() || !method.iter().all(is_tchar) {
        return bad("malformed method");
    }
    let minor = match version {
        b"HTTP/1.0" => 0,
        b"HTTP/1.1" => 1,
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            return Answer::error(Status::VersionNotSupported, "only HTTP/1.0 and HTTP/1.1");
        }
        _ => return bad("malformed HTTP version"),
    };

    // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5)
    let mut hosts = 0u32;
    for line in lines {
        if line.is_empty() {
            break;
        }
        if matches!(line.first(), Some(b' ' | b'\t')) {
            return bad("obsolete header line folding");
        }
        let Some((name, value)) = line
            .iter()
            .position(|&b| b == b':')
            .and_then(|colon| Some((line.get(..colon)?, line.get(colon + 1..)?)))
        else {
            return bad("header line without a colon");
        };
        if name.is_empty() || !name.iter().all(is_tchar) {
            return bad("malformed header name");
        }
        // Field values may hold any byte but controls other than tab (RFC 9110 §5.5); a bare
        // CR is one of them.
        if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return bad("control character in a header value");
        }
        if name.eq_ignore_ascii_case(b"host") {
            hosts += 1;
        }
    }
    // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host; HTTP/1.0 at most one.
    if hosts > 1 || (minor == 1 && hosts == 0) {
        return bad("an HTTP/1.1 request needs exactly one Host header");
    }

    let Some(path) = request_path(target) else {
        return bad("malformed request target");
    };
    let body = match path {
        b"/metrics" => Body::Metrics,
        b"/" => Body::Index,
        _ => Body::Error("no such path; metrics are at /metrics"),
    };
    let head_only = match method {
        b"GET" => false,
        b"HEAD" => true,
        _ if body == Body::Metrics || body == Body::Index => {
            return Answer::error(Status::MethodNotAllowed, "only GET and HEAD");
        }
        _ => false,
    };
    let status = match body {
        Body::Error(_) => Status::NotFound,
        Body::Metrics | Body::Index => Status::Ok,
    };
    Answer {
        status,
        body,
        head_only,
    }
}

/// The path of a request target in origin form (`/metrics?x`) or absolute form
/// (`http://host/metrics`), without its query (RFC 9112 §3.2).
fn request_path(target: &[u8]) -> Option<&[u8]> {
    if target.is_empty() || !target.iter().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let path = if target.starts_with(b"/") {
        target
    } else {
        let scheme_end = target.windows(3).position(|w| w == b"://")?;
        let scheme = target.get(..scheme_end)?;
        if !scheme.eq_ignore_ascii_case(b"http") && !scheme.eq_ignore_ascii_case(b"https") {
            return None;
        }
        let after = target.get(scheme_end + 3..)?;
        match after.iter().position(|&b| b == b'/' || b == b'?') {
            Some(i) if after.get(i) == Some(&b'/') => after.get(i..)?,
            _ => b"/",
        }
    };
    let end = path
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .unwrap_or(path.len());
    path.get(..end)
}

/// The bytes of the response to `answer`.
fn response(answer: &Answer, metrics: &Metrics) -> Vec<u8> {
    let (content_type, body) = match answer.body {
        Body::Metrics => (PROMETHEUS_TEXT, metrics.render()),
        Body::Index => (PLAIN_TEXT, INDEX.to_owned()),
        Body::Error(why) => (
            PLAIN_TEXT,
            format!(
                "{} {}: {why}\n",
                answer.status.code(),
                answer.status.reason()
            ),
        ),
    };
    let mut head = String::with_capacity(160);
    // Writing to a String cannot fail.
    let _ = write!(
        head,
        "HTTP/1.1 {} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.status.code(),
        answer.status.reason(),
        body.len(),
    );
    if answer.status == Status::MethodNotAllowed {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if !answer.head_only {
        bytes.extend_from_slice(body.as_bytes());
    }
    bytes
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tokio::sync::oneshot;

    /// A running endpoint on 127.0.0.1 and what to stop it with.
    struct Server {
        addr: SocketAddr,
        metrics: Metrics,
        stop: Option<oneshot::Sender<()>>,
        task: tokio::task::JoinHandle<()>,
    }

    impl Server {
        async fn start(limits: Limits) -> Server {
            let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
            let addr = listener.local_addr().unwrap();
            let metrics = Metrics::new();
            metrics.intersection(1001).spat.sent.increment(3);
            let (stop, stopped) = oneshot::channel::<()>();
            let task = tokio::spawn(serve_with(listener, metrics.clone(), limits, async {
                let _ = stopped.await;
            }));
            Server {
                addr,
                metrics,
                stop: Some(stop),
                task,
            }
        }

        async fn stop(mut self) {
            let _ = self.stop.take().unwrap().send(());
            self.task.await.unwrap();
        }
    }

    /// A parsed response: status code, header lines, body.
    #[derive(Debug)]
    struct Reply {
        code: u16,
        headers: Vec<String>,
        body: String,
    }

    impl Reply {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find_map(|h| {
                let (n, v) = h.split_once(": ")?;
                n.eq_ignore_ascii_case(name).then_some(v)
            })
        }
    }

    fn parse_reply(raw: &[u8]) -> Reply {
        let text = std::str::from_utf8(raw).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap();
        let code = status
            .strip_prefix("HTTP/1.1 ")
            .unwrap()
            .get(..3)
            .unwrap()
            .parse()
            .unwrap();
        Reply {
            code,
            headers: lines.map(str::to_owned).collect(),
            body: body.to_owned(),
        }
    }

    /// Sends `request` in one write and reads until the server closes. A server that closes
    /// without reading (over the connection limit) may reset the connection: what was
    /// received until then is the answer.
    async fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let _ = stream.write_all(request).await;
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw).await;
        raw
    }

    async fn ask(addr: SocketAddr, request: &str) -> Reply {
        parse_reply(&exchange(addr, request.as_bytes()).await)
    }

    const SCRAPE: &str = "GET /metrics HTTP/1.1\r\nHost: rsu\r\nUser-Agent: test\r\n\r\n";
    const SPAT_LINE: &str = r#"rsu_messages_sent_total{intersection="1001",type="spat"} 3"#;

    #[tokio::test]
    async fn scrape_returns_rendered_metrics() {
        let server = Server::start(Limits::default()).await;
        let reply = ask(server.addr, SCRAPE).await;
        assert_eq!(reply.code, 200);
        assert_eq!(
            reply.header("Content-Type"),
            Some("text/plain; version=0.0.4; charset=utf-8")
        );
        assert_eq!(reply.header("Connection"), Some("close"));
        let length: usize = reply.header("Content-Length").unwrap().parse().unwrap();
        assert_eq!(length, reply.body.len());
        assert!(reply.body.lines().any(|l| l == SPAT_LINE), "{}", reply.body);
        // The request is counted before the body is rendered, so a scrape sees itself.
        assert!(
            reply
                .body
                .lines()
                .any(|l| l == r#"rsu_http_requests_total{code="200"} 1"#),
            "{}",
            reply.body
        );
        server.stop().await;
    }

    #[tokio::test]
    async fn head_has_the_headers_of_get_and_no_body() {
        let server = Server::start(Limits::default()).await;
        let reply = ask(server.addr, "HEAD /metrics HTTP/1.1\r\nHost: rsu\r\n\r\n").await;
        assert_eq!(reply.code, 200);
        assert!(reply.body.is_empty());
        let length: usize = reply.header("Content-Length").unwrap().parse().unwrap();
        assert!(length > SPAT_LINE.len());
        server.stop().await;
    }

    #[tokio::test]
    async fn http_1_0_query_string_and_index() {
        let server = Server::start(Limits::default()).await;
        // HTTP/1.0 needs no Host; bare LF line ends are tolerated (RFC 9112 §2.2).
        let reply = ask(server.addr, "GET /metrics?name[]=x HTTP/1.0\n\n").await;
        assert_eq!(reply.code, 200);
        assert!(reply.body.lines().any(|l| l == SPAT_LINE));
        let reply = ask(server.addr, "GET / HTTP/1.1\r\nHost: rsu\r\n\r\n").await;
        assert_eq!(reply.code, 200);
        assert_eq!(reply.body, INDEX);
        assert_eq!(reply.header("Content-Type"), Some(PLAIN_TEXT));
        server.stop().await;
    }

    #[tokio::test]
    async fn error_statuses() {
        let server = Server::start(Limits::default()).await;
        let reply = ask(server.addr, "GET /metricz HTTP/1.1\r\nHost: rsu\r\n\r\n").await;
        assert_eq!(reply.code, 404);
        assert_eq!(
            reply.body,
            "404 Not Found: no such path; metrics are at /metrics\n"
        );

        let reply = ask(server.addr, "POST /metrics HTTP/1.1\r\nHost: rsu\r\n\r\n").await;
        assert_eq!(reply.code, 405);
        assert_eq!(reply.header("Allow"), Some("GET, HEAD"));

        let reply = ask(server.addr, "GET /metrics\r\n\r\n").await;
        assert_eq!(reply.code, 400);
        assert_eq!(reply.body, "400 Bad Request: malformed request line\n");

        let reply = ask(server.addr, "GET /metrics HTTP/2.0\r\n\r\n").await;
        assert_eq!(reply.code, 505);

        // A head of 9000 bytes without its end: the first 8 KiB are read, then 431.
        let mut long = b"GET /metrics HTTP/1.1\r\nHost: rsu\r\nX-Pad: ".to_vec();
        long.resize(9000, b'a');
        let reply = parse_reply(&exchange(server.addr, &long).await);
        assert_eq!(reply.code, 431);

        let text = server.metrics.render();
        for code in [404, 405, 400, 505, 431] {
            let line = format!(r#"rsu_http_requests_total{{code="{code}"}} 1"#);
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in:\n{text}"
            );
        }
        server.stop().await;
    }

    #[tokio::test]
    async fn request_split_across_writes() {
        let server = Server::start(Limits::default()).await;
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        // Splits fall inside the method, the path, a header name and the final CRLF CRLF.
        for piece in [
            "GE",
            "T /metr",
            "ics HTTP/1.1\r\nHo",
            "st: rsu\r\n",
            "\r",
            "\n",
        ] {
            stream.write_all(piece.as_bytes()).await.unwrap();
            stream.flush().await.unwrap();
            tokio::task::yield_now().await;
        }
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let reply = parse_reply(&raw);
        assert_eq!(reply.code, 200);
        assert!(reply.body.lines().any(|l| l == SPAT_LINE));
        server.stop().await;
    }

    #[tokio::test]
    async fn silent_client_does_not_block_others() {
        let server = Server::start(Limits::default()).await;
        // Holds its connection open without a byte, well within the 5 s head timeout.
        let silent = TcpStream::connect(server.addr).await.unwrap();
        let reply = ask(server.addr, SCRAPE).await;
        assert_eq!(reply.code, 200);
        // The silent client is still connected: nothing has been sent to it.
        let mut byte = [0u8; 1];
        assert!(matches!(
            silent.try_read(&mut byte),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock
        ));
        server.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn silent_client_is_disconnected_after_the_head_timeout() {
        // Time is paused: the runtime jumps to the 5 s deadline once everything waits.
        let server = Server::start(Limits::default()).await;
        let mut slow = TcpStream::connect(server.addr).await.unwrap();
        slow.write_all(b"GET /met").await.unwrap();
        let mut raw = Vec::new();
        // The server closes without a response.
        let _ = slow.read_to_end(&mut raw).await;
        assert!(raw.is_empty());
        let text = server.metrics.render();
        assert!(
            text.lines()
                .any(|l| l == r#"rsu_http_connections_dropped_total{reason="timeout"} 1"#),
            "{text}"
        );
        server.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn at_the_limit_a_stalled_head_makes_room_then_a_lingering_one() {
        let server = Server::start(Limits {
            max_connections: 2,
            ..Limits::default()
        })
        .await;
        // Two silent clients hold both slots; a scrape replaces the older one.
        let mut first = TcpStream::connect(server.addr).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1)).await;
        let second = TcpStream::connect(server.addr).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1)).await;
        let reply = ask(server.addr, SCRAPE).await;
        assert_eq!(reply.code, 200);
        let mut raw = Vec::new();
        let _ = first.read_to_end(&mut raw).await;
        assert!(raw.is_empty(), "the evicted client got {raw:?}");
        drop(second);
        tokio::time::sleep(Duration::from_millis(10)).await;

        // Two clients that were answered and hold on (the server lingers, draining, for up
        // to a second after the response) make room too, oldest first.
        let mut holders = Vec::new();
        for _ in 0..2 {
            let mut h = TcpStream::connect(server.addr).await.unwrap();
            h.write_all(SCRAPE.as_bytes()).await.unwrap();
            let mut raw = Vec::new();
            h.read_to_end(&mut raw).await.unwrap();
            assert_eq!(parse_reply(&raw).code, 200);
            holders.push(h);
        }
        let reply = ask(server.addr, SCRAPE).await;
        assert_eq!(reply.code, 200);
        let text = server.metrics.render();
        let line = r#"rsu_http_connections_dropped_total{reason="evicted"} 2"#;
        assert!(text.lines().any(|l| l == line), "missing {line} in {text}");
        drop(holders);
        server.stop().await;
    }

    /// Defect 9: clients holding half-sent request heads filled every connection slot until
    /// their 5 s head deadline, and each scrape meanwhile was closed unanswered.
    #[tokio::test(start_paused = true)]
    async fn stalled_clients_never_keep_a_scrape_waiting() {
        let server = Server::start(Limits::default()).await;
        let mut stalled = Vec::new();
        for _ in 0..50 {
            let mut s = TcpStream::connect(server.addr).await.unwrap();
            s.write_all(b"GET /metrics HTTP/1.1\r\nHost: rs")
                .await
                .unwrap();
            stalled.push(s);
            // Let the server accept it (paused time: a millisecond passes, no more).
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let started = tokio::time::Instant::now();
        // Well under the head deadline: the scrape must not wait for stalled clients to time
        // out (on the paused clock the runtime jumps to whichever timer comes first).
        let raw = tokio::time::timeout(
            Duration::from_millis(500),
            exchange(server.addr, SCRAPE.as_bytes()),
        )
        .await
        .expect("scrape not answered within 500 ms");
        assert!(!raw.is_empty(), "the scrape was closed unanswered");
        let reply = parse_reply(&raw);
        assert_eq!(reply.code, 200);
        assert!(reply.body.lines().any(|l| l == SPAT_LINE));
        assert!(started.elapsed() < Duration::from_millis(500));
        let text = server.metrics.render();
        assert!(
            text.lines()
                .any(|l| l.starts_with(r#"rsu_http_connections_dropped_total{reason="evicted"} "#)),
            "{text}"
        );
        drop(stalled);
        server.stop().await;
    }

    #[tokio::test]
    async fn random_bytes_never_break_the_server() {
        let server = Server::start(Limits::default()).await;
        // xorshift64: a fixed, reproducible stream of inputs, some biased towards HTTP-ish
        // bytes so that they get past the first checks.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"GETHADPOS /metrics?HTTP/1.0\r\n:Host \t\x00\xff";
        for round in 0..64 {
            let len = (next() % 600) as usize;
            let mut input: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if round % 2 == 0 {
                        r as u8
                    } else {
                        alphabet[(r % alphabet.len() as u64) as usize]
                    }
                })
                .collect();
            input.extend_from_slice(b"\r\n\r\n");
            let raw = exchange(server.addr, &input).await;
            let reply = parse_reply(&raw);
            assert!([200, 400, 404, 405, 505].contains(&reply.code), "{input:?}");
        }
        assert_eq!(ask(server.addr, SCRAPE).await.code, 200);
        server.stop().await;
    }

    #[tokio::test]
    async fn bind_error_names_the_address() {
        let taken = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = taken.local_addr().unwrap();
        let err = bind(addr).await.unwrap_err();
        assert!(matches!(err, HttpError::Bind { addr: a, .. } if a == addr));
        assert!(err.to_string().contains(&addr.to_string()), "{err}");
    }

    #[tokio::test]
    async fn shutdown_stops_serving() {
        let server = Server::start(Limits::default()).await;
        let addr = server.addr;
        server.stop().await;
        // The listener is gone with the task.
        assert!(TcpStream::connect(addr).await.is_err());
    }

    fn status_of(head: &str) -> u16 {
        answer(head.as_bytes()).status.code()
    }

    #[test]
    fn answers_by_request() {
        let cases: &[(&str, u16)] = &[
            ("GET /metrics HTTP/1.1\r\nHost: a\r\n", 200),
            ("GET /metrics HTTP/1.0\r\n", 200),
            (
                "GET http://rsu:9100/metrics?x HTTP/1.1\r\nHost: rsu:9100\r\n",
                200,
            ),
            ("GET HTTP://rsu HTTP/1.1\r\nHost: rsu\r\n", 200),
            ("GET /metrics#frag HTTP/1.0\r\n", 200),
            ("HEAD / HTTP/1.0\r\n", 200),
            ("GET /metrics/ HTTP/1.0\r\n", 404),
            ("DELETE /nothing HTTP/1.0\r\n", 404),
            ("PUT / HTTP/1.0\r\n", 405),
            ("get /metrics HTTP/1.0\r\n", 405), // methods are case-sensitive
            ("GET /metrics HTTP/1.1\r\n", 400), // no Host
            ("GET /metrics HTTP/1.1\r\nHost: a\r\nhost: b\r\n", 400),
            ("GET /metrics HTTP/1.0\r\n folded\r\n", 400),
            ("GET /metrics HTTP/1.0\r\nNoColon\r\n", 400),
            ("GET /metrics HTTP/1.0\r\nBad Name: x\r\n", 400),
            ("GET /metrics HTTP/1.0\r\nX: a\rb\r\n", 400),
            ("GET  /metrics HTTP/1.0\r\n", 400),
            ("GET /metrics HTTP/1.0 \r\n", 400),
            ("GET /metrics http/1.0\r\n", 400),
            ("GET metrics HTTP/1.0\r\n", 400),
            ("GET ftp://x/metrics HTTP/1.0\r\n", 400),
            ("G(T /metrics HTTP/1.0\r\n", 400),
            ("GET /metrics HTTP/3.0\r\n", 505),
            ("", 400),
        ];
        for &(head, code) in cases {
            assert_eq!(status_of(head), code, "{head:?}");
        }
        assert!(answer(b"HEAD /metrics HTTP/1.0\r\n").head_only);
        assert!(!answer(b"GET /metrics HTTP/1.0\r\n").head_only);
    }

    #[test]
    fn head_end_is_found_after_leading_blank_lines() {
        let mut buf = HeadBuf::new(MAX_HEAD_BYTES);
        let head = buf
            .push(b"\r\n\r\nGET / HTTP/1.0\r\nA: b\r\n\r\nbody")
            .unwrap();
        assert_eq!(head, b"GET / HTTP/1.0\r\nA: b\r\n");
        let mut buf = HeadBuf::new(MAX_HEAD_BYTES);
        assert_eq!(
            buf.push(b"GET / HTTP/1.0\n\n").unwrap(),
            b"GET / HTTP/1.0\n"
        );
        let mut buf = HeadBuf::new(MAX_HEAD_BYTES);
        assert!(buf.push(b"GET / HTTP/1.0\r\nA: b\r\n").is_none());
    }

    #[test]
    fn response_bytes() {
        let metrics = Metrics::new();
        let bytes = response(
            &Answer::error(Status::MethodNotAllowed, "only GET and HEAD"),
            &metrics,
        );
        // 405 body: "405 Method Not Allowed: only GET and HEAD\n" is 42 bytes.
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Length: 42\r\nConnection: close\r\nAllow: GET, HEAD\r\n\r\n\
             405 Method Not Allowed: only GET and HEAD\n"
        );
    }

    #[tokio::test]
    async fn read_head_limits() {
        // Exactly at the limit with its end: accepted. One byte over without: 431.
        let mut exact = b"GET / HTTP/1.0\r\nX: ".to_vec();
        exact.resize(100 - 4, b'a');
        exact.extend_from_slice(b"\r\n\r\n");
        assert!(matches!(
            read_head(&mut exact.as_slice(), 100).await.unwrap(),
            Head::Complete(_)
        ));
        let over = vec![b'a'; 101];
        assert_eq!(
            read_head(&mut over.as_slice(), 100).await.unwrap(),
            Head::TooLarge
        );
        assert_eq!(
            read_head(&mut &b"GET /"[..], 100).await.unwrap(),
            Head::Eof { partial: true }
        );
        assert_eq!(
            read_head(&mut &b""[..], 100).await.unwrap(),
            Head::Eof { partial: false }
        );
    }

    proptest! {
        #[test]
        fn any_head_gets_an_answer(head in proptest::collection::vec(any::<u8>(), 0..512)) {
            let a = answer(&head);
            prop_assert!([200, 400, 404, 405, 505].contains(&a.status.code()));
            // Only a well-formed GET or HEAD of a known path succeeds.
            if a.status == Status::Ok {
                prop_assert!(head.starts_with(b"GET ") || head.starts_with(b"HEAD "));
            }
        }

        #[test]
        fn any_split_finds_the_same_head(
            cuts in proptest::collection::vec(0usize..60, 0..8),
            pad in "[a-z]{0,20}",
        ) {
            let request = format!("\r\nGET /metrics HTTP/1.1\r\nHost: {pad}\r\nX: y\r\n\r\ntrailing");
            let expected = format!("GET /metrics HTTP/1.1\r\nHost: {pad}\r\nX: y\r\n");
            let bytes = request.as_bytes();
            let mut cuts = cuts;
            cuts.push(bytes.len());
            cuts.sort_unstable();
            let mut buf = HeadBuf::new(MAX_HEAD_BYTES);
            let mut from = 0;
            let mut found = None;
            for cut in cuts {
                let cut = cut.min(bytes.len()).max(from);
                if let Some(head) = buf.push(&bytes[from..cut]) {
                    found = Some(head.to_vec());
                    break;
                }
                from = cut;
            }
            prop_assert_eq!(found, Some(expected.into_bytes()));
        }
    }
}
