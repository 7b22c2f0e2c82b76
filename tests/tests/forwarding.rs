//! Received-message forwarding end to end: the service in-process on the loopback radio,
//! configured with `[[forward]]` rules like a deployed RSU, hears BSMs from a simulated vehicle
//! (signed with its own certificate from the test root, framed as WSMP on channel 172) and
//! passes them on to real UDP and TCP backhaul servers on 127.0.0.1.
//!
//! Real time throughout (the sockets are real); nothing asserts on a duration: each check waits
//! for what it expects with a generous deadline and says what did not come.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use rasn_its::ieee1609dot2::base_types::Duration as CertDuration;
use rsu::clock::{Clock, SystemClock};
use rsu::config::ServiceConfig;
use rsu::runtime::ServiceHandle;
use rsu_hw::demux::{Network, demux};
use rsu_hw::radio::loopback::Link;
use rsu_hw::wire::WsmpRepr;
use rsu_hw::{EtherType, LoopbackMedium, LoopbackRadio, MacAddr, Psid, Radio, TxFrame};
use rsu_security::Curve;
use rsu_security::cert::Certificate;
use rsu_security::pki::{self, CertSpec};
use rsu_security::sign::{self, Signer};
use tokio::io::AsyncReadExt as _;
use tokio::net::{TcpListener, TcpSocket, UdpSocket};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The simulated vehicle's radio.
const VEHICLE: MacAddr = MacAddr::local([0x02, 0, 0, 0, 0x0b, 0x01]);
/// US DSRC channel 172, where the RSU listens (its `[radio] channel`).
const CHANNEL: u8 = 172;
/// How long any one expected arrival may take before the test gives up on it.
const PATIENCE: Duration = Duration::from_secs(10);

/// A vehicle: its own BSM certificate, issued by the test root like an enrolment authority
/// would, and a node on the medium.
struct Vehicle {
    radio: LoopbackRadio,
    signer: Signer,
}

impl Vehicle {
    fn new(medium: &LoopbackMedium, config: &ServiceConfig, pki_dir: &Path) -> Vehicle {
        let root =
            Certificate::from_coer(&std::fs::read(pki_dir.join("root.oer")).unwrap()).unwrap();
        let root_key = sign::load_key_file(&pki_dir.join("root-key.pem")).unwrap();
        let key =
            sign::backend_from_pem(&sign::generate_pem(Curve::NistP256).unwrap(), "vehicle key")
                .unwrap();
        let now_s = SystemClock.now_micros() / 1_000_000;
        let spec = CertSpec::end_entity(
            "obu.test.invalid",
            now_s - 60,
            CertDuration::Hours(1),
            &[u64::from(Psid::BSM.value())],
        );
        // Kept in memory only: the RSU's trust store (the PKI folder) must learn it from the
        // air, as it would a real vehicle's.
        let cert = pki::issue_explicit(
            &spec,
            &key.public_key(),
            Some((&root, root_key.as_ref())),
            None,
        )
        .unwrap();
        Vehicle {
            radio: medium.node(VEHICLE, config.radio.channels),
            signer: Signer::new(key, Arc::new(cert)).unwrap(),
        }
    }

    /// `bsm` signed for PSID 0x20, generated now: the first SPDU carries the certificate,
    /// later ones (within a second) its digest.
    fn sign(&mut self, bsm: &[u8]) -> Vec<u8> {
        self.signer
            .sign(u64::from(Psid::BSM.value()), bsm, SystemClock.now_micros())
            .unwrap()
    }

    /// Broadcasts `data` as the WSM data of a WSMP packet for PSID 0x20 on channel 172.
    async fn send(&self, data: &[u8]) {
        let mut packet = Vec::new();
        WsmpRepr::new(Psid::BSM, data.len())
            .emit_with_payload(data, &mut packet)
            .unwrap();
        let mut frame = TxFrame::broadcast(EtherType::WSMP, Bytes::from(packet));
        frame.meta.channel = Some(CHANNEL);
        self.radio.send(frame).await.unwrap();
    }
}

/// The service running on its own task until dropped or stopped.
struct Running {
    handle: ServiceHandle,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Running {
    async fn start(config: &ServiceConfig, medium: &LoopbackMedium) -> Running {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let radio = medium.node(support::RSU, config.radio.channels);
        let service = support::service(config, radio, clock).await;
        let handle = service.handle();
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(service.run(async {
            let _ = stopped.await;
        }));
        Running {
            handle,
            stop: Some(stop),
            task: Some(task),
        }
    }

    fn metrics(&self) -> String {
        self.handle.metrics.render()
    }

    /// The sample of `name` with `labels`; the test fails naming it when it is not exported.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        support::metric_value(&self.metrics(), name, labels)
    }

    /// The sample, or `None` while it is not exported yet (for waiting on it).
    fn value_opt(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        support::metric(&self.metrics(), name, labels)
    }

    /// The sample, or 0 while a labelled series has had no event yet (label caches register
    /// on first use); the family itself must be one the service describes.
    fn value_or_zero(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        support::metric_or_zero(&self.metrics(), name, labels)
    }

    /// Waits until `done` holds for the rendered metrics; fails naming `what`.
    async fn until(&self, what: &str, mut done: impl FnMut(&Running) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "waited {PATIENCE:?} for {what}; metrics:\n{}",
                self.metrics()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // A failing test must not leave the service running into the next one.
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// The link from the vehicle to the RSU, at this signal strength.
fn link(rssi_dbm: i8) -> Link {
    Link {
        rssi_dbm,
        ..Link::default()
    }
}

/// A listener that may take over the port of one just closed (its connections in TIME_WAIT).
fn listen(addr: SocketAddr) -> TcpListener {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind(addr).unwrap();
    socket.listen(16).unwrap()
}

/// A backhaul TCP server: accepts one connection and passes on each frame (two-octet
/// big-endian length, then that many octets). Aborting the task closes the listener and the
/// connection.
fn tcp_server(listener: TcpListener) -> (JoinHandle<()>, mpsc::UnboundedReceiver<Vec<u8>>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let Ok((mut conn, _)) = listener.accept().await else {
            return;
        };
        loop {
            let Ok(len) = conn.read_u16().await else {
                return;
            };
            let mut frame = vec![0u8; usize::from(len)];
            if conn.read_exact(&mut frame).await.is_err() || tx.send(frame).is_err() {
                return;
            }
        }
    });
    (task, rx)
}

/// The next frame the TCP server got, or a failure naming `what`.
async fn next_frame(rx: &mut mpsc::UnboundedReceiver<Vec<u8>>, what: &str) -> Vec<u8> {
    tokio::time::timeout(PATIENCE, rx.recv())
        .await
        .unwrap_or_else(|_| panic!("no {what} within {PATIENCE:?}"))
        .unwrap_or_else(|| panic!("{what}: the server's connection ended"))
}

/// Exactly `n` datagrams from `socket`, then nothing more.
async fn datagrams(socket: &UdpSocket, n: usize, what: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::with_capacity(n);
    let mut buf = vec![0u8; 65_536];
    for k in 0..n {
        let len = tokio::time::timeout(PATIENCE, socket.recv(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("{what}: datagram {k} of {n} not there within {PATIENCE:?}"))
            .unwrap();
        out.push(buf[..len].to_vec());
    }
    // Loopback datagrams are queued by the sender's send call, which the service has made
    // (its counters said so) before the caller asks: anything more would be here already.
    if let Ok(len) = socket.try_recv(&mut buf) {
        panic!(
            "{what}: more than {n} datagrams; an extra one of {len} bytes: {}",
            hex::encode_upper(&buf[..len])
        );
    }
    out
}

/// The raw JSON text of `key`'s value in a flat object whose values hold no commas.
fn json_field<'a>(object: &'a str, key: &str) -> Option<&'a str> {
    let at = object.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = object.get(at..)?;
    let end = rest.find([',', '}'])?;
    rest.get(..end)
}

/// What the vehicle sent, in order.
struct Sent {
    /// The BSM MessageFrame (UPER).
    bsm: Vec<u8>,
    /// The SPDU, when signed.
    spdu: Option<Vec<u8>>,
    rssi_dbm: i8,
}

#[tokio::test]
async fn bsms_reach_udp_and_tcp_servers_per_the_rules() {
    let dir = support::scratch("forwarding-rules");
    let payload_server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let json_server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let tcp_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (payload_addr, json_addr, tcp_addr) = (
        payload_server.local_addr().unwrap(),
        json_server.local_addr().unwrap(),
        tcp_listener.local_addr().unwrap(),
    );
    let rules = format!(
        r#"
[[forward]]
psid = "0x20"
destination = "{payload_addr}"
protocol = "udp"
format = "raw"
content = "payload"
every = 2
min_rssi_dbm = -80

[[forward]]
psid = "0x20"
destination = "{tcp_addr}"
protocol = "tcp"
format = "raw"
content = "spdu"
every = 1

[[forward]]
psid = "0x20"
destination = "{json_addr}"
protocol = "udp"
format = "json"
unverified = "forward"
"#
    );
    let now_s = SystemClock.now_micros() / 1_000_000;
    let config = support::config(&dir, &rules, now_s);
    assert_eq!(config.forward.len(), 3);
    let (tcp_task, mut tcp_frames) = tcp_server(tcp_listener);

    let medium = LoopbackMedium::new(Default::default());
    let rsu = Running::start(&config, &medium).await;
    let mut vehicle = Vehicle::new(&medium, &config, &dir);

    // 20 signed BSMs at -70 dBm with three unsigned ones among them (two bare MessageFrames,
    // one 1609.2 unsecuredData), then 10 signed at -90 dBm.
    let mut sent: Vec<Sent> = Vec::new();
    medium.set_link(VEHICLE, support::RSU, link(-70));
    for k in 0..30u64 {
        if k == 20 {
            medium.set_link(VEHICLE, support::RSU, link(-90));
        }
        let rssi_dbm = if k < 20 { -70 } else { -90 };
        let bsm = support::bsm(k);
        let spdu = vehicle.sign(&bsm);
        vehicle.send(&spdu).await;
        sent.push(Sent {
            bsm,
            spdu: Some(spdu),
            rssi_dbm,
        });
        if matches!(k, 4 | 9 | 14) {
            let bsm = support::bsm(1000 + k);
            let wsm_data = if k == 9 {
                rsu_security::spdu::unsecured(&bsm).unwrap()
            } else {
                bsm.clone()
            };
            vehicle.send(&wsm_data).await;
            sent.push(Sent {
                bsm,
                spdu: None,
                rssi_dbm,
            });
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(sent.len(), 33);

    let payload_dest = format!("udp://{payload_addr}");
    let tcp_dest = format!("tcp://{tcp_addr}");
    let json_dest = format!("udp://{json_addr}");
    rsu.until(
        "all 33 BSMs verified or found unsigned and forwarded",
        |r| {
            r.value_or_zero(
                "rsu_received_verification_total",
                &[("outcome", "verified")],
            ) + r.value_or_zero(
                "rsu_received_verification_total",
                &[("outcome", "unsigned")],
            ) >= 33.0
                && r.value_or_zero("rsu_backhaul_sent_total", &[("destination", &tcp_dest)]) >= 30.0
                && r.value_or_zero("rsu_backhaul_sent_total", &[("destination", &json_dest)])
                    >= 33.0
        },
    )
    .await;

    // Rule 0: every 2nd of the strong verified BSMs (the 2nd, 4th, ... 20th signed one), the
    // MessageFrame the vehicle signed; the unsigned ones in between do not count.
    let strong_verified: Vec<&Sent> = sent
        .iter()
        .filter(|s| s.spdu.is_some() && s.rssi_dbm == -70)
        .collect();
    assert_eq!(strong_verified.len(), 20);
    let expected: Vec<&[u8]> = strong_verified
        .iter()
        .skip(1)
        .step_by(2)
        .map(|s| &s.bsm[..])
        .collect();
    let got = datagrams(&payload_server, 10, "UDP payload server").await;
    for (k, (got, want)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(
            hex::encode_upper(got),
            hex::encode_upper(want),
            "UDP payload datagram {k}"
        );
    }

    // Rule 1: every verified SPDU, strong or weak, byte for byte as the vehicle sent it.
    let spdus: Vec<&[u8]> = sent.iter().filter_map(|s| s.spdu.as_deref()).collect();
    assert_eq!(spdus.len(), 30);
    for (k, want) in spdus.iter().enumerate() {
        let got = next_frame(&mut tcp_frames, &format!("TCP frame {k} of 30")).await;
        assert_eq!(
            hex::encode_upper(&got),
            hex::encode_upper(want),
            "TCP frame {k}"
        );
    }

    // Rule 2: all 33 as JSON, with their signal strength and verification outcome. A message
    // that needs no check (unsigned) may overtake one the verification worker still holds, so
    // each object is matched to what was sent by its data.
    let objects = datagrams(&json_server, 33, "UDP JSON server").await;
    let mut matched = vec![false; sent.len()];
    for (k, object) in objects.iter().enumerate() {
        let text = std::str::from_utf8(object).unwrap();
        let data = json_field(text, "data").unwrap_or_else(|| panic!("JSON {k}: {text}"));
        let i = sent
            .iter()
            .position(|s| format!("\"{}\"", hex::encode_upper(&s.bsm)) == data)
            .unwrap_or_else(|| panic!("JSON {k} is no BSM the vehicle sent: {text}"));
        assert!(!matched[i], "JSON {k}: BSM {i} forwarded twice");
        matched[i] = true;
        let want = &sent[i];
        assert!(
            text.starts_with('{') && text.ends_with('}') && !text.contains('\n'),
            "JSON {k}: {text}"
        );
        let field = |key: &str| {
            json_field(text, key).unwrap_or_else(|| panic!("JSON {k} has no {key}: {text}"))
        };
        assert_eq!(field("psid"), "\"0x20\"", "JSON {k}: {text}");
        assert_eq!(
            field("rssi_dbm"),
            want.rssi_dbm.to_string(),
            "JSON {k}: {text}"
        );
        assert_eq!(field("channel"), CHANNEL.to_string(), "JSON {k}: {text}");
        let verification = if want.spdu.is_some() {
            "\"verified\""
        } else {
            "\"unsigned\""
        };
        assert_eq!(field("verification"), verification, "JSON {k}: {text}");
        assert_eq!(field("content"), "\"payload\"", "JSON {k}: {text}");
        assert_eq!(
            field("data"),
            format!("\"{}\"", hex::encode_upper(&want.bsm)),
            "JSON {k}: {text}"
        );
        let received = field("received");
        assert!(
            received.len() == 26 && received.ends_with("Z\""),
            "JSON {k}: received {received}"
        );
    }

    let text = rsu.metrics();
    // A count of zero may be a series never registered (no event of that label yet), but
    // only of a family the service describes; any other count must be exported.
    let check = |name: &str, labels: &[(&str, &str)], want: f64| {
        let got = if want == 0.0 {
            support::metric_or_zero(&text, name, labels)
        } else {
            support::metric_value(&text, name, labels)
        };
        assert_eq!(got, want, "{name} {labels:?}\n{text}");
    };
    let rule = |i: &'static str| [("rule", i), ("psid", "0x20")];
    check("rsu_forwarded_total", &rule("0"), 10.0);
    check("rsu_forwarded_total", &rule("1"), 30.0);
    check("rsu_forwarded_total", &rule("2"), 33.0);
    let skipped =
        |i: &'static str, reason: &'static str| [("rule", i), ("psid", "0x20"), ("reason", reason)];
    // Rule 0: 10 weak; 3 unsigned among the strong; of the 20 strong verified, 10 between.
    check("rsu_forward_skipped_total", &skipped("0", "rssi"), 10.0);
    check(
        "rsu_forward_skipped_total",
        &skipped("0", "unverified"),
        3.0,
    );
    check("rsu_forward_skipped_total", &skipped("0", "interval"), 10.0);
    check(
        "rsu_forward_skipped_total",
        &skipped("1", "unverified"),
        3.0,
    );
    for (i, reason) in [
        ("1", "rssi"),
        ("1", "interval"),
        ("2", "rssi"),
        ("2", "unverified"),
        ("2", "interval"),
    ] {
        check("rsu_forward_skipped_total", &skipped(i, reason), 0.0);
    }
    check(
        "rsu_received_verification_total",
        &[("outcome", "verified")],
        30.0,
    );
    check(
        "rsu_received_verification_total",
        &[("outcome", "unsigned")],
        3.0,
    );
    let outcomes: f64 = text
        .lines()
        .filter(|l| l.starts_with("rsu_received_verification_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(outcomes, 33.0, "no other verification outcome\n{text}");
    check("rsu_received_frames_total", &[("network", "wsmp")], 33.0);
    for (dest, n) in [(&payload_dest, 10.0), (&tcp_dest, 30.0), (&json_dest, 33.0)] {
        check("rsu_backhaul_sent_total", &[("destination", dest)], n);
        for reason in ["queue_full", "stale", "send_error"] {
            check(
                "rsu_backhaul_dropped_total",
                &[("destination", dest), ("reason", reason)],
                0.0,
            );
        }
    }
    check(
        "rsu_backhaul_connects_total",
        &[("destination", &tcp_dest)],
        1.0,
    );

    rsu.stop().await;
    tcp_task.abort();
}

#[tokio::test]
async fn a_stopped_tcp_server_blocks_nothing_and_delivery_resumes() {
    let dir = support::scratch("forwarding-outage");
    let listener = listen("127.0.0.1:0".parse().unwrap());
    let addr = listener.local_addr().unwrap();
    let rules = format!(
        r#"
[[forward]]
psid = "0x20"
destination = "{addr}"
protocol = "tcp"
format = "raw"
content = "payload"

{}"#,
        support::demo_intersection()
    );
    let now_s = SystemClock.now_micros() / 1_000_000;
    let config = support::config(&dir, &rules, now_s);
    assert_eq!(config.intersections.len(), 1);
    let dest = format!("tcp://{addr}");
    let dest_label = [("destination", dest.as_str())];
    let (server, mut frames) = tcp_server(listener);

    let medium = LoopbackMedium::new(Default::default());
    // An OBU counting the SPaTs on the air.
    let spats = Arc::new(AtomicUsize::new(0));
    let obu = {
        let radio = medium.node(support::OBU, config.radio.channels);
        let spats = spats.clone();
        tokio::spawn(async move {
            while let Ok(frame) = radio.recv().await {
                if let Ok(Network::Wsmp { header, .. }) = demux(&frame)
                    && header.psid == Psid::INTERSECTION
                {
                    spats.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let rsu = Running::start(&config, &medium).await;

    // The vehicle: a signed BSM every 50 ms until the end; `bsms[k]` is the k-th one sent.
    let bsms: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let vehicle = {
        let mut vehicle = Vehicle::new(&medium, &config, &dir);
        let bsms = bsms.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            for k in 0u64.. {
                tick.tick().await;
                let bsm = support::bsm(k);
                let spdu = vehicle.sign(&bsm);
                bsms.lock().unwrap().push(bsm);
                vehicle.send(&spdu).await;
            }
        })
    };
    let sent_so_far = || bsms.lock().unwrap().len();
    // Which BSM a forwarded payload is; fails on anything else (a torn or foreign frame).
    let index_of = |payload: &[u8], what: &str| -> usize {
        bsms.lock()
            .unwrap()
            .iter()
            .position(|b| b == payload)
            .unwrap_or_else(|| {
                panic!(
                    "{what}: not a BSM the vehicle sent: {}",
                    hex::encode_upper(payload)
                )
            })
    };

    // Phase 1: the server gets the BSMs, in order, from the first one on.
    let mut phase1 = Vec::new();
    for k in 0..5 {
        let f = next_frame(&mut frames, &format!("phase 1 BSM {k}")).await;
        phase1.push(index_of(&f, "phase 1"));
    }
    assert_eq!(phase1, [0, 1, 2, 3, 4], "phase 1 delivery");

    // Phase 2: the server stops (listener and connection closed) for about 2 s.
    server.abort();
    let _ = server.await;
    while let Ok(f) = frames.try_recv() {
        phase1.push(index_of(&f, "phase 1"));
    }
    assert!(
        phase1.iter().copied().eq(0..phase1.len()),
        "phase 1 delivery: {phase1:?}"
    );
    let outage = Instant::now();
    let spats_before = spats.load(Ordering::Relaxed);
    let status_before = rsu.handle.status.lock().unwrap().spat_sent;
    let verified_before = rsu.value_or_zero(
        "rsu_received_verification_total",
        &[("outcome", "verified")],
    );
    rsu.until("the backhaul to notice the server is gone", |r| {
        r.value_opt("rsu_backhaul_connected", &dest_label) == Some(0.0)
    })
    .await;
    // Every BSM sent from now on was offered to a destination known to be down.
    let down_from = sent_so_far();
    tokio::time::sleep_until(outage + Duration::from_secs(2)).await;
    let spats_during = spats.load(Ordering::Relaxed) - spats_before;
    let status_during = rsu.handle.status.lock().unwrap().spat_sent - status_before;
    // 10 Hz for 2 s is 20; the margin is for scheduling on a busy machine, not a timing claim.
    assert!(
        spats_during >= 15,
        "SPaTs on the air during the outage: {spats_during}"
    );
    assert!(
        status_during >= 15,
        "SPaTs sent during the outage (status): {status_during}"
    );
    assert!(
        rsu.value(
            "rsu_received_verification_total",
            &[("outcome", "verified")]
        ) >= verified_before + 15.0,
        "the receive path kept verifying BSMs during the outage\n{}",
        rsu.metrics()
    );
    let depth = rsu.value("rsu_backhaul_queue_depth", &dest_label);
    let dropped: f64 = ["queue_full", "stale", "send_error"]
        .iter()
        .map(|reason| {
            rsu.value_or_zero(
                "rsu_backhaul_dropped_total",
                &[("destination", dest.as_str()), ("reason", reason)],
            )
        })
        .sum();
    assert!(
        depth > 0.0 || dropped > 0.0,
        "nothing queued or dropped while the server was away\n{}",
        rsu.metrics()
    );
    assert_eq!(
        rsu.value("rsu_backhaul_connected", &dest_label),
        0.0,
        "{}",
        rsu.metrics()
    );

    // Phase 3: a server on the same port again.
    let listener = listen(addr);
    let restarted_at = sent_so_far();
    let (server, mut frames) = tcp_server(listener);
    let mut phase3 = Vec::new();
    while phase3.last().is_none_or(|&k| k < restarted_at + 2) {
        let f = next_frame(
            &mut frames,
            &format!(
                "BSM after the restart (got {} so far, waiting for #{})",
                phase3.len(),
                restarted_at + 2
            ),
        )
        .await;
        phase3.push(index_of(&f, "phase 3"));
    }
    assert!(
        phase3.windows(2).all(|w| w[0] < w[1]),
        "phase 3 out of order: {phase3:?}"
    );
    assert!(
        phase3[0] > *phase1.last().unwrap(),
        "a BSM delivered twice: phase 1 {phase1:?}, phase 3 {phase3:?}"
    );
    // What was queued while the destination was down is delivered, none lost.
    let from_down: Vec<usize> = phase3.iter().copied().filter(|&k| k >= down_from).collect();
    let want: Vec<usize> = (down_from..=*phase3.last().unwrap()).collect();
    assert_eq!(
        from_down, want,
        "BSMs sent while the server was away (from #{down_from}) missing after the restart"
    );
    rsu.until("the backhaul to count its reconnection", |r| {
        r.value_or_zero("rsu_backhaul_connects_total", &dest_label) >= 2.0
            && r.value_opt("rsu_backhaul_connected", &dest_label) == Some(1.0)
    })
    .await;

    vehicle.abort();
    rsu.stop().await;
    server.abort();
    obu.abort();
}
