//! IPv6 services end to end: station A runs `IpServices` through `run_ip_services` behind a
//! demultiplexer; station B is a plain smoltcp stack. They share an in-memory medium, so
//! neighbour discovery, the UDP echo and ICMPv6 echo all cross it as Ethernet frames.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::net::Ipv6Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use rsu_hw::ip::{IpConfig, IpCounters, IpServices, link_local_address, run_ip_services};
use rsu_hw::wire::EthernetFrame;
use rsu_hw::{EtherType, MacAddr, Radio, RadioError, RxFrame, RxMeta, TxFrame, TxMeta};
use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{self, Device, DeviceCapabilities, Medium as PhyMedium};
use smoltcp::socket::{icmp, udp};
use smoltcp::time::Instant as SmolInstant;
use smoltcp::wire::{
    EthernetAddress, Icmpv6Packet, Icmpv6Repr, IpAddress, IpCidr, IpProtocol, Ipv6Packet, Ipv6Repr,
    UdpPacket, UdpRepr,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::timeout;

const A: MacAddr = MacAddr([0x02, 0x00, 0x00, 0xC0, 0xFF, 0xEE]);
const B: MacAddr = MacAddr([0x02, 0x00, 0x00, 0x00, 0x00, 0x0B]);
/// Liveness bound only: paused time makes a hang fail fast instead of stalling the suite.
const GUARD: Duration = Duration::from_secs(5);

/// One frame as it crossed the medium.
#[derive(Debug, Clone)]
struct OnAir {
    src: MacAddr,
    dst: MacAddr,
    ethertype: EtherType,
    payload: Bytes,
}

/// Nodes joined by channels; a frame goes to every other node for a group destination and
/// to the one node with that address otherwise. Everything sent is logged.
#[derive(Default)]
struct Medium {
    nodes: Mutex<Vec<(MacAddr, mpsc::UnboundedSender<RxFrame>)>>,
    log: Mutex<Vec<OnAir>>,
    /// Group-addressed frames from this station still to be lost (logged, not delivered).
    lose_group_from: Mutex<Option<(MacAddr, usize)>>,
}

impl Medium {
    fn join(self: &Arc<Self>, mac: MacAddr) -> MemRadio {
        let (tx, rx) = mpsc::unbounded_channel();
        self.nodes.lock().unwrap().push((mac, tx));
        MemRadio {
            mac,
            medium: Arc::clone(self),
            inbox: tokio::sync::Mutex::new(rx),
        }
    }

    fn on_air(&self) -> Vec<OnAir> {
        self.log.lock().unwrap().clone()
    }
}

struct MemRadio {
    mac: MacAddr,
    medium: Arc<Medium>,
    inbox: tokio::sync::Mutex<mpsc::UnboundedReceiver<RxFrame>>,
}

impl MemRadio {
    fn deliver(&self, frame: TxFrame) {
        self.medium.log.lock().unwrap().push(OnAir {
            src: self.mac,
            dst: frame.dst,
            ethertype: frame.ethertype,
            payload: frame.payload.clone(),
        });
        if frame.dst.is_group()
            && let Some((from, n)) = self.medium.lose_group_from.lock().unwrap().as_mut()
            && *from == self.mac
            && *n > 0
        {
            *n -= 1;
            return;
        }
        for (mac, tx) in self.medium.nodes.lock().unwrap().iter() {
            if *mac != self.mac && (frame.dst.is_group() || frame.dst == *mac) {
                let _ = tx.send(RxFrame {
                    src: self.mac,
                    dst: frame.dst,
                    ethertype: frame.ethertype,
                    payload: frame.payload.clone(),
                    meta: RxMeta {
                        channel: None,
                        rssi_dbm: None,
                        rate: None,
                        timestamp: tokio::time::Instant::now(),
                    },
                });
            }
        }
    }
}

impl Radio for MemRadio {
    fn address(&self) -> MacAddr {
        self.mac
    }

    async fn send(&self, frame: TxFrame) -> Result<(), RadioError> {
        self.deliver(frame);
        Ok(())
    }

    async fn recv(&self) -> Result<RxFrame, RadioError> {
        self.inbox
            .lock()
            .await
            .recv()
            .await
            .ok_or_else(|| RadioError::Closed("medium gone".into()))
    }
}

/// Station A: the demultiplexer forwards IPv6 to the driver; the driver task hands the
/// services back when its channel closes.
struct StationA {
    counters: Arc<IpCounters>,
    link_local: Ipv6Addr,
    to_driver: mpsc::Sender<RxFrame>,
    demux: JoinHandle<()>,
    driver: JoinHandle<(IpServices, Result<(), RadioError>)>,
}

fn start_a(medium: &Arc<Medium>) -> StationA {
    let radio = Arc::new(medium.join(A));
    let mut services = IpServices::new(IpConfig::new(radio.address())).unwrap();
    let counters = services.counters();
    let link_local = services.link_local();
    let (to_driver, frames) = mpsc::channel(16);
    let demux_radio = Arc::clone(&radio);
    let demux_tx = to_driver.clone();
    let demux = tokio::spawn(async move {
        while let Ok(frame) = demux_radio.recv().await {
            if frame.ethertype == EtherType::IPV6 && demux_tx.send(frame).await.is_err() {
                break;
            }
        }
    });
    let driver = tokio::spawn(async move {
        let r = run_ip_services(&mut services, &*radio, frames).await;
        (services, r)
    });
    StationA {
        counters,
        link_local,
        to_driver,
        demux,
        driver,
    }
}

/// Station B's smoltcp device: Ethernet frames queued in each direction.
#[derive(Default)]
struct QueueDevice {
    rx: VecDeque<Vec<u8>>,
    tx: VecDeque<Vec<u8>>,
}

struct QueueRx(Vec<u8>);
struct QueueTx<'a>(&'a mut VecDeque<Vec<u8>>);

impl phy::RxToken for QueueRx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

impl phy::TxToken for QueueTx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut buf = vec![0; len];
        let r = f(&mut buf);
        self.0.push_back(buf);
        r
    }
}

impl Device for QueueDevice {
    type RxToken<'a> = QueueRx;
    type TxToken<'a> = QueueTx<'a>;

    fn receive(&mut self, _: SmolInstant) -> Option<(QueueRx, QueueTx<'_>)> {
        let frame = self.rx.pop_front()?;
        Some((QueueRx(frame), QueueTx(&mut self.tx)))
    }

    fn transmit(&mut self, _: SmolInstant) -> Option<QueueTx<'_>> {
        Some(QueueTx(&mut self.tx))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = PhyMedium::Ethernet;
        caps.max_transmission_unit = 1514;
        caps
    }
}

/// Station B: a smoltcp client with a UDP and an ICMP socket, driven by the test.
struct Client {
    radio: MemRadio,
    iface: Interface,
    device: QueueDevice,
    sockets: SocketSet<'static>,
    udp: SocketHandle,
    icmp: SocketHandle,
    epoch: tokio::time::Instant,
}

const CLIENT_PORT: u16 = 40000;
const PING_IDENT: u16 = 0x1234;

impl Client {
    fn new(medium: &Arc<Medium>) -> Client {
        let radio = medium.join(B);
        let mut device = QueueDevice::default();
        let mut iface = Interface::new(
            Config::new(EthernetAddress(B.0).into()),
            &mut device,
            SmolInstant::ZERO,
        );
        iface.update_ip_addrs(|a| {
            a.push(IpCidr::new(IpAddress::Ipv6(link_local_address(B)), 64))
                .unwrap();
        });
        let mut sockets = SocketSet::new(Vec::new());
        let mut u = udp::Socket::new(
            udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 8], vec![0; 8192]),
            udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 8], vec![0; 8192]),
        );
        u.bind(CLIENT_PORT).unwrap();
        let udp = sockets.add(u);
        let mut i = icmp::Socket::new(
            icmp::PacketBuffer::new(vec![icmp::PacketMetadata::EMPTY; 4], vec![0; 2048]),
            icmp::PacketBuffer::new(vec![icmp::PacketMetadata::EMPTY; 4], vec![0; 2048]),
        );
        i.bind(icmp::Endpoint::Ident(PING_IDENT)).unwrap();
        let icmp = sockets.add(i);
        Client {
            radio,
            iface,
            device,
            sockets,
            udp,
            icmp,
            epoch: tokio::time::Instant::now(),
        }
    }

    fn now(&self) -> SmolInstant {
        SmolInstant::ZERO + smoltcp::time::Duration::from(self.epoch.elapsed())
    }

    /// Polls the stack, puts what it emits on the medium, then waits for a frame or the
    /// stack's next timer.
    async fn step(&mut self) {
        let now = self.now();
        self.iface.poll(now, &mut self.device, &mut self.sockets);
        while let Some(bytes) = self.device.tx.pop_front() {
            let eth = EthernetFrame::new_checked(&bytes[..]).unwrap();
            let frame = TxFrame {
                dst: eth.dst(),
                ethertype: eth.ethertype(),
                payload: Bytes::copy_from_slice(eth.payload()),
                meta: TxMeta::default(),
            };
            self.radio.send(frame).await.unwrap();
        }
        let delay = self
            .iface
            .poll_delay(self.now(), &self.sockets)
            .map_or(Duration::from_millis(100), Duration::from);
        tokio::select! {
            frame = self.radio.recv() => {
                let frame = frame.unwrap();
                let mut bytes = vec![0u8; 14 + frame.payload.len()];
                let mut eth = EthernetFrame::new_unchecked(&mut bytes[..]);
                eth.set_dst(frame.dst);
                eth.set_src(frame.src);
                eth.set_ethertype(frame.ethertype);
                eth.payload_mut().copy_from_slice(&frame.payload);
                self.device.rx.push_back(bytes);
            }
            () = tokio::time::sleep(delay) => {}
        }
    }

    /// Sends each datagram to `to`, port 7, and collects one datagram back per datagram sent.
    async fn echo(
        &mut self,
        to: Ipv6Addr,
        datagrams: &[Vec<u8>],
    ) -> Vec<(Vec<u8>, IpAddress, u16)> {
        let socket = self.sockets.get_mut::<udp::Socket>(self.udp);
        for d in datagrams {
            socket.send_slice(d, (IpAddress::Ipv6(to), 7)).unwrap();
        }
        let mut got = Vec::new();
        while got.len() < datagrams.len() {
            self.step().await;
            let socket = self.sockets.get_mut::<udp::Socket>(self.udp);
            while let Ok((data, meta)) = socket.recv() {
                got.push((data.to_vec(), meta.endpoint.addr, meta.endpoint.port));
            }
        }
        got
    }

    /// Pings `to` once and returns the echo reply's (ident, seq_no, data) and its source.
    async fn ping(
        &mut self,
        to: Ipv6Addr,
        seq_no: u16,
        data: &[u8],
    ) -> (u16, u16, Vec<u8>, IpAddress) {
        let src = self.iface.get_source_address_ipv6(&to);
        let request = Icmpv6Repr::EchoRequest {
            ident: PING_IDENT,
            seq_no,
            data,
        };
        let socket = self.sockets.get_mut::<icmp::Socket>(self.icmp);
        let buf = socket
            .send(request.buffer_len(), IpAddress::Ipv6(to))
            .unwrap();
        request.emit(
            &src,
            &to,
            &mut Icmpv6Packet::new_unchecked(buf),
            &Default::default(),
        );
        loop {
            self.step().await;
            let socket = self.sockets.get_mut::<icmp::Socket>(self.icmp);
            if let Ok((bytes, from)) = socket.recv() {
                let packet = Icmpv6Packet::new_checked(bytes).unwrap();
                // The checksum covers the addresses, so this also checks the reply came
                // from `to`.
                let repr = Icmpv6Repr::parse(&to, &src, &packet, &Default::default()).unwrap();
                if let Icmpv6Repr::EchoReply {
                    ident,
                    seq_no,
                    data,
                } = repr
                {
                    return (ident, seq_no, data.to_vec(), from);
                }
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn udp_echo_crosses_the_medium_after_neighbour_discovery() {
    let medium = Arc::new(Medium::default());
    let a = start_a(&medium);
    let mut b = Client::new(&medium);
    assert_eq!(a.link_local.to_string(), "fe80::ff:fec0:ffee");

    // Sizes from empty to the largest a 1500-byte MTU carries (1500 - 40 IPv6 - 8 UDP).
    let datagrams: Vec<Vec<u8>> = [0usize, 1, 100, 1452]
        .iter()
        .map(|&n| (0..n).map(|i| (i * 7 + n) as u8).collect())
        .collect();
    let got = timeout(GUARD, b.echo(a.link_local, &datagrams))
        .await
        .expect("echoes within the guard");
    for (sent, (data, from, port)) in datagrams.iter().zip(&got) {
        assert_eq!(data, sent);
        assert_eq!(*from, IpAddress::Ipv6(a.link_local));
        assert_eq!(*port, 7);
    }

    // B solicited A at A's solicited-node group: ff02::1:ffc0:ffee (the last 24 bits of
    // fe80::ff:fec0:ffee behind ff02::1:ff), whose MAC is 33:33 and the group's last four
    // octets ff c0 ff ee. A answered B by unicast.
    let air = medium.on_air();
    let solicited = MacAddr([0x33, 0x33, 0xFF, 0xC0, 0xFF, 0xEE]);
    let ns = air
        .iter()
        .find(|f| f.src == B && f.dst == solicited)
        .expect("B's neighbour solicitation for A");
    assert_eq!(ns.ethertype, EtherType::IPV6);
    let ip = Ipv6Packet::new_checked(&ns.payload[..]).unwrap();
    assert_eq!(ip.dst_addr().to_string(), "ff02::1:ffc0:ffee");
    assert!(air.iter().any(|f| f.src == A && f.dst == B));
    assert!(air.iter().all(|f| f.ethertype == EtherType::IPV6));

    let counts = a.counters.snapshot();
    assert_eq!(counts.echoes_served, 4);
    assert_eq!(counts.frames_refused(), 0);
    // At least the solicitation and four datagrams in; the advertisement and four echoes out.
    assert!(counts.frames_in >= 5, "{counts:?}");
    assert!(counts.frames_out >= 5, "{counts:?}");

    // Sent to all nodes (ff02::1), the echo still comes from A's own address: a reply never
    // has a group source.
    let all_nodes: Ipv6Addr = "ff02::1".parse().unwrap();
    let got = timeout(GUARD, b.echo(all_nodes, &[b"anyone?".to_vec()]))
        .await
        .expect("echo within the guard");
    assert_eq!(got[0].0, b"anyone?");
    assert_eq!(got[0].1, IpAddress::Ipv6(a.link_local));
    // The datagram went out on the all-nodes MAC 33:33:00:00:00:01.
    assert!(
        medium
            .on_air()
            .iter()
            .any(|f| f.src == B && f.dst == MacAddr([0x33, 0x33, 0, 0, 0, 1]))
    );

    drop(a.to_driver);
    a.demux.abort();
    let (services, result) = timeout(GUARD, a.driver).await.unwrap().unwrap();
    result.unwrap();
    assert_eq!(services.counters().snapshot().echoes_served, 5);
}

#[tokio::test(start_paused = true)]
async fn ping_to_the_link_local_address_is_answered() {
    let medium = Arc::new(Medium::default());
    let a = start_a(&medium);
    let mut b = Client::new(&medium);
    for seq in 1..=3u16 {
        let payload = [seq as u8; 32];
        let (ident, seq_no, data, from) = timeout(GUARD, b.ping(a.link_local, seq, &payload))
            .await
            .expect("echo reply within the guard");
        assert_eq!((ident, seq_no), (PING_IDENT, seq));
        assert_eq!(data, payload);
        assert_eq!(from, IpAddress::Ipv6(a.link_local));
    }
    assert_eq!(a.counters.snapshot().echoes_served, 0);
}

#[tokio::test(start_paused = true)]
async fn a_frame_that_is_not_ipv6_is_refused_and_counted() {
    let medium = Arc::new(Medium::default());
    let a = start_a(&medium);
    // A demultiplexer bug: a WSMP frame reaches the IP driver.
    let wsmp = RxFrame {
        src: B,
        dst: MacAddr::BROADCAST,
        ethertype: EtherType::WSMP,
        payload: Bytes::from_static(&[0x03, 0x00, 0x20, 0x01, 0x00]),
        meta: RxMeta {
            channel: None,
            rssi_dbm: None,
            rate: None,
            timestamp: tokio::time::Instant::now(),
        },
    };
    a.to_driver.send(wsmp).await.unwrap();
    drop(a.to_driver);
    a.demux.abort();
    let (services, result) = timeout(GUARD, a.driver).await.unwrap().unwrap();
    result.unwrap();
    let counts = services.counters().snapshot();
    assert_eq!(counts.refused_not_ipv6, 1);
    assert_eq!(counts.frames_refused(), 1);
    assert_eq!((counts.frames_in, counts.frames_out), (0, 0));
    assert!(medium.on_air().is_empty());
}

#[tokio::test(start_paused = true)]
async fn malformed_ipv6_is_dropped_without_harm() {
    let medium = Arc::new(Medium::default());
    let a = start_a(&medium);
    let mut b = Client::new(&medium);
    // Straight onto the medium, past B's stack: a truncated header, a header whose payload
    // length runs past the frame, and a version-4 nibble under the IPv6 EtherType.
    let mut long = vec![0x60, 0, 0, 0, 0x01, 0x00, 17, 64];
    long.extend_from_slice(&link_local_address(B).octets());
    long.extend_from_slice(&a.link_local.octets());
    let mut version4 = long.clone();
    version4[0] = 0x45;
    for payload in [vec![0x60; 20], long, version4] {
        b.radio
            .send(TxFrame {
                dst: A,
                ethertype: EtherType::IPV6,
                payload: payload.into(),
                meta: TxMeta::default(),
            })
            .await
            .unwrap();
    }
    // A still serves a good datagram afterwards.
    let got = timeout(GUARD, b.echo(a.link_local, &[b"still here".to_vec()]))
        .await
        .expect("echo within the guard");
    assert_eq!(got[0].0, b"still here");
    let counts = a.counters.snapshot();
    assert_eq!(counts.echoes_served, 1);
    assert!(counts.frames_in >= 5, "{counts:?}");
    assert!(!a.driver.is_finished());
}

#[tokio::test(start_paused = true)]
async fn a_lost_solicitation_is_retried_on_the_stack_timer() {
    let medium = Arc::new(Medium::default());
    let a = start_a(&medium);
    let mut b = Client::new(&medium);
    // A datagram put on the medium past B's stack, so A has not heard B's MAC in a
    // solicitation and must solicit B itself; the medium loses that first solicitation.
    *medium.lose_group_from.lock().unwrap() = Some((A, 1));
    let (src, dst) = (link_local_address(B), a.link_local);
    let data = b"retry";
    let ip = Ipv6Repr {
        src_addr: src,
        dst_addr: dst,
        next_header: IpProtocol::Udp,
        payload_len: 8 + data.len(),
        hop_limit: 64,
    };
    let mut packet = vec![0u8; ip.buffer_len() + ip.payload_len];
    let mut ip_packet = Ipv6Packet::new_unchecked(&mut packet[..]);
    ip.emit(&mut ip_packet);
    UdpRepr {
        src_port: CLIENT_PORT,
        dst_port: 7,
    }
    .emit(
        &mut UdpPacket::new_unchecked(ip_packet.payload_mut()),
        &src.into(),
        &dst.into(),
        data.len(),
        |p| p.copy_from_slice(data),
        &Default::default(),
    );
    b.radio
        .send(TxFrame {
            dst: A,
            ethertype: EtherType::IPV6,
            payload: packet.into(),
            meta: TxMeta::default(),
        })
        .await
        .unwrap();

    // Only the driver's timer can bring the second solicitation: nothing else reaches A.
    let echo = timeout(GUARD, async {
        loop {
            b.step().await;
            let socket = b.sockets.get_mut::<udp::Socket>(b.udp);
            if let Ok((data, meta)) = socket.recv() {
                return (data.to_vec(), meta.endpoint);
            }
        }
    })
    .await
    .expect("echo within the guard");
    assert_eq!(echo.0, data);
    assert_eq!(echo.1.addr, IpAddress::Ipv6(a.link_local));
    let solicitations = medium
        .on_air()
        .iter()
        .filter(|f| f.src == A && f.dst == MacAddr([0x33, 0x33, 0xFF, 0x00, 0x00, 0x0B]))
        .count();
    assert_eq!(solicitations, 2);
    assert_eq!(a.counters.snapshot().echoes_served, 1);
}
