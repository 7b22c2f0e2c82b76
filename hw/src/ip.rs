//! IPv6 services over the radio link (IEEE 1609.3 allows IPv6, EtherType 0x86DD, on the same
//! OCB link as WSMP): a smoltcp interface on the station's link-local address that answers
//! neighbour discovery and ICMPv6 echo, and runs a UDP echo service (RFC 862).
//!
//! [`IpServices`] is the sans-IO core: frames go in through [`IpServices::receive`], frames to
//! send come out of [`IpServices::poll`], and [`IpServices::poll_delay`] says when smoltcp's
//! next timer is due. [`run_ip_services`] is the tokio driver that moves frames between the
//! EtherType demultiplexer, the core and the radio.

use std::collections::VecDeque;
use std::future::pending;
use std::net::Ipv6Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{self, Device, DeviceCapabilities, Medium};
use smoltcp::socket::udp;
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{EthernetAddress, IpAddress, IpCidr, IpListenEndpoint};
use tokio::sync::mpsc;

use crate::radio::{Radio, RadioError, RxFrame, TxFrame, TxMeta};
use crate::wire::ethernet::HEADER_LEN;
use crate::wire::{EtherType, EthernetFrame, EthernetRepr, MacAddr};

/// The echo service's well-known port (RFC 862).
pub const ECHO_PORT: u16 = 7;
/// The IP MTU used unless configured otherwise (the Ethernet payload size).
pub const DEFAULT_MTU: usize = 1500;
/// The smallest IP MTU an IPv6 link may have (RFC 8200 §5).
pub const MIN_MTU: usize = 1280;
/// The largest IP MTU accepted: an IPv6 payload length is 16 bits.
pub const MAX_MTU: usize = 65535;
/// Received frames held for smoltcp between two polls unless configured otherwise.
pub const DEFAULT_RX_QUEUE_LEN: usize = 64;

/// Datagrams the echo socket buffers in each direction.
const ECHO_SLOTS: usize = 16;

/// The modified EUI-64 interface identifier of a MAC address (RFC 4291 Appendix A): the
/// U/L bit inverted, and 0xFFFE inserted between the OUI and the rest.
pub const fn modified_eui64(mac: MacAddr) -> [u8; 8] {
    let [a, b, c, d, e, f] = mac.0;
    [a ^ 0x02, b, c, 0xFF, 0xFE, d, e, f]
}

/// The link-local address fe80::/64 a station with this MAC forms (RFC 4291 §2.5.6, App. A).
pub fn link_local_address(mac: MacAddr) -> Ipv6Addr {
    let mut octets = [0u8; 16];
    octets[..2].copy_from_slice(&[0xFE, 0x80]);
    octets[8..].copy_from_slice(&modified_eui64(mac));
    Ipv6Addr::from(octets)
}

/// How the IPv6 services are set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpConfig {
    /// The radio's MAC address: the interface's hardware address and the source of the
    /// link-local address. Must be unicast.
    pub mac: MacAddr,
    /// UDP port of the echo service.
    pub echo_port: u16,
    /// IP MTU: the largest IPv6 packet (Ethernet payload) sent or received, 1280..=65535;
    /// longer received frames are refused.
    pub mtu: usize,
    /// 802.11 user priority (0..=7) of every frame the services send.
    pub user_priority: u8,
    /// Received frames held between two polls; beyond it frames are refused.
    pub rx_queue_len: usize,
    /// Seeds smoltcp's random choices (ephemeral ports, NDP jitter).
    pub random_seed: u64,
}

impl IpConfig {
    /// Echo on port 7, MTU 1500, user priority 0 (best effort), seed from the MAC.
    pub fn new(mac: MacAddr) -> IpConfig {
        let mut seed = [0u8; 8];
        seed[2..].copy_from_slice(&mac.0);
        IpConfig {
            mac,
            echo_port: ECHO_PORT,
            mtu: DEFAULT_MTU,
            user_priority: 0,
            rx_queue_len: DEFAULT_RX_QUEUE_LEN,
            random_seed: u64::from_be_bytes(seed),
        }
    }
}

/// Why [`IpServices::new`] refused a configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IpConfigError {
    /// An interface's own address must be unicast (smoltcp would panic on a group one).
    #[error("hardware address {0} is a group address; the IP interface needs a unicast one")]
    GroupAddress(MacAddr),
    #[error("MTU {0} is outside {MIN_MTU}..={MAX_MTU} (RFC 8200 §5 minimum)")]
    Mtu(usize),
    #[error("user priority {0} is not an 802.11 user priority (0..=7)")]
    UserPriority(u8),
    #[error("echo port 0 cannot be bound")]
    EchoPort,
    #[error("receive queue length must be at least 1")]
    RxQueueLen,
}

/// Why [`IpServices::receive`] refused a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiveError {
    /// The demultiplexer handed over a frame that is not IPv6: a programming error upstream.
    #[error("EtherType {0} is not IPv6 (0x86dd): the demultiplexer must hand over only IPv6")]
    NotIpv6(EtherType),
    /// The IPv6 packet is longer than the configured MTU.
    #[error("IPv6 packet of {len} bytes exceeds the MTU of {mtu}")]
    TooLong { len: usize, mtu: usize },
    /// More frames arrived than the queue holds between two polls.
    #[error("receive queue full ({0} frames): frame dropped")]
    QueueFull(usize),
}

impl ReceiveError {
    /// A stable reason code, for the counter of refused frames.
    pub const fn code(&self) -> &'static str {
        match self {
            ReceiveError::NotIpv6(_) => "not_ipv6",
            ReceiveError::TooLong { .. } => "too_long",
            ReceiveError::QueueFull(_) => "queue_full",
        }
    }
}

/// Counters of the IPv6 services, shared so they can be read while the driver runs.
#[derive(Debug, Default)]
pub struct IpCounters {
    frames_in: AtomicU64,
    frames_out: AtomicU64,
    echoes_served: AtomicU64,
    echoes_dropped: AtomicU64,
    refused_not_ipv6: AtomicU64,
    refused_too_long: AtomicU64,
    refused_queue_full: AtomicU64,
    send_failures: AtomicU64,
}

/// A snapshot of [`IpCounters`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IpCounts {
    /// IPv6 frames accepted and handed to smoltcp (which may still drop them).
    pub frames_in: u64,
    /// Frames smoltcp emitted, handed to the caller of `poll`.
    pub frames_out: u64,
    /// UDP datagrams echoed back to their source.
    pub echoes_served: u64,
    /// UDP datagrams not echoed: from a port below 1024 or the echo port itself (a loop
    /// between two such services), or not addressable.
    pub echoes_dropped: u64,
    /// Frames refused because their EtherType was not IPv6.
    pub refused_not_ipv6: u64,
    /// Frames refused because their IPv6 packet exceeded the MTU.
    pub refused_too_long: u64,
    /// Frames refused because the receive queue was full.
    pub refused_queue_full: u64,
    /// Frames the radio would not send (the driver counts these).
    pub send_failures: u64,
}

impl IpCounts {
    /// Every frame refused, whatever the reason.
    pub const fn frames_refused(&self) -> u64 {
        self.refused_not_ipv6 + self.refused_too_long + self.refused_queue_full
    }
}

impl IpCounters {
    /// The current values.
    pub fn snapshot(&self) -> IpCounts {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        IpCounts {
            frames_in: get(&self.frames_in),
            frames_out: get(&self.frames_out),
            echoes_served: get(&self.echoes_served),
            echoes_dropped: get(&self.echoes_dropped),
            refused_not_ipv6: get(&self.refused_not_ipv6),
            refused_too_long: get(&self.refused_too_long),
            refused_queue_full: get(&self.refused_queue_full),
            send_failures: get(&self.send_failures),
        }
    }
}

fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

/// The smoltcp device between the core and its caller: whole Ethernet frames queued in
/// each direction, no IO.
#[derive(Debug)]
struct LinkDevice {
    rx: VecDeque<Vec<u8>>,
    tx: VecDeque<Vec<u8>>,
    /// IP MTU; smoltcp's device MTU for Ethernet counts the 14-byte header too.
    mtu: usize,
}

impl Device for LinkDevice {
    type RxToken<'a> = LinkRxToken;
    type TxToken<'a> = LinkTxToken<'a>;

    fn receive(&mut self, _timestamp: Instant) -> Option<(Self::RxToken<'_>, Self::TxToken<'_>)> {
        let frame = self.rx.pop_front()?;
        Some((LinkRxToken(frame), LinkTxToken(&mut self.tx)))
    }

    fn transmit(&mut self, _timestamp: Instant) -> Option<Self::TxToken<'_>> {
        Some(LinkTxToken(&mut self.tx))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        caps.max_transmission_unit = self.mtu + HEADER_LEN;
        caps
    }
}

struct LinkRxToken(Vec<u8>);

impl phy::RxToken for LinkRxToken {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

struct LinkTxToken<'a>(&'a mut VecDeque<Vec<u8>>);

impl phy::TxToken for LinkTxToken<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut frame = vec![0; len];
        let r = f(&mut frame);
        self.0.push_back(frame);
        r
    }
}

/// The station's IPv6 services: a smoltcp interface on its link-local address (NDP and
/// ICMPv6 echo handled by smoltcp) with a UDP echo service. Sans-IO: see the module doc.
pub struct IpServices {
    config: IpConfig,
    link_local: Ipv6Addr,
    iface: Interface,
    device: LinkDevice,
    sockets: SocketSet<'static>,
    echo: SocketHandle,
    /// Holds a datagram between peeking it and queueing its echo.
    scratch: Vec<u8>,
    /// The latest time seen, so a restarted driver can carry the clock on from it.
    last_now: Instant,
    counters: Arc<IpCounters>,
}

impl std::fmt::Debug for IpServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IpServices")
            .field("config", &self.config)
            .field("link_local", &self.link_local)
            .field("counters", &self.counters.snapshot())
            .finish_non_exhaustive()
    }
}

impl IpServices {
    /// Brings the interface up on the link-local address of `config.mac`, with the echo
    /// service listening on `config.echo_port`.
    pub fn new(config: IpConfig) -> Result<IpServices, IpConfigError> {
        if config.mac.is_group() {
            return Err(IpConfigError::GroupAddress(config.mac));
        }
        if !(MIN_MTU..=MAX_MTU).contains(&config.mtu) {
            return Err(IpConfigError::Mtu(config.mtu));
        }
        if config.user_priority > 7 {
            return Err(IpConfigError::UserPriority(config.user_priority));
        }
        if config.echo_port == 0 {
            return Err(IpConfigError::EchoPort);
        }
        if config.rx_queue_len == 0 {
            return Err(IpConfigError::RxQueueLen);
        }

        let mut device = LinkDevice {
            rx: VecDeque::new(),
            tx: VecDeque::new(),
            mtu: config.mtu,
        };
        let mut iface_config = Config::new(EthernetAddress(config.mac.0).into());
        iface_config.random_seed = config.random_seed;
        let mut iface = Interface::new(iface_config, &mut device, Instant::ZERO);
        let link_local = link_local_address(config.mac);
        // smoltcp listens on ff02::1 and on the solicited-node group of each of its
        // addresses without the `multicast` feature, which is all NDP needs here.
        iface.update_ip_addrs(|addrs| {
            // A fresh interface has room for the one address.
            let _ = addrs.push(IpCidr::new(IpAddress::Ipv6(link_local), 64));
        });

        // Room for ECHO_SLOTS datagrams of the largest size the MTU lets in, so any datagram
        // received fits the transmit side once it has drained.
        let buffer = || {
            udp::PacketBuffer::new(
                vec![udp::PacketMetadata::EMPTY; ECHO_SLOTS],
                vec![0u8; ECHO_SLOTS * config.mtu],
            )
        };
        let mut socket = udp::Socket::new(buffer(), buffer());
        socket
            .bind(IpListenEndpoint {
                addr: None,
                port: config.echo_port,
            })
            .map_err(|_| IpConfigError::EchoPort)?;
        let mut sockets = SocketSet::new(Vec::new());
        let echo = sockets.add(socket);

        Ok(IpServices {
            config,
            link_local,
            iface,
            device,
            sockets,
            echo,
            scratch: Vec::new(),
            last_now: Instant::ZERO,
            counters: Arc::default(),
        })
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &IpConfig {
        &self.config
    }

    /// The station's link-local address, where the services answer.
    pub fn link_local(&self) -> Ipv6Addr {
        self.link_local
    }

    /// The counters, shared: keep the handle to read them while the driver runs.
    pub fn counters(&self) -> Arc<IpCounters> {
        Arc::clone(&self.counters)
    }

    /// The latest `now` given to [`poll`](Self::poll) or [`poll_delay`](Self::poll_delay).
    pub fn last_now(&self) -> Instant {
        self.last_now
    }

    /// Queues a received IPv6 frame for the next [`poll`](Self::poll). Only EtherType 0x86DD
    /// is accepted; smoltcp itself drops malformed packets and those not addressed to the
    /// station.
    pub fn receive(&mut self, frame: &RxFrame) -> Result<(), ReceiveError> {
        if frame.ethertype != EtherType::IPV6 {
            bump(&self.counters.refused_not_ipv6, 1);
            return Err(ReceiveError::NotIpv6(frame.ethertype));
        }
        if frame.payload.len() > self.config.mtu {
            bump(&self.counters.refused_too_long, 1);
            return Err(ReceiveError::TooLong {
                len: frame.payload.len(),
                mtu: self.config.mtu,
            });
        }
        if self.device.rx.len() >= self.config.rx_queue_len {
            bump(&self.counters.refused_queue_full, 1);
            return Err(ReceiveError::QueueFull(self.config.rx_queue_len));
        }
        // smoltcp's Ethernet medium takes whole frames: put back the header the radio took off.
        let header = EthernetRepr {
            dst: frame.dst,
            src: frame.src,
            ethertype: frame.ethertype,
        };
        let mut bytes = Vec::with_capacity(HEADER_LEN + frame.payload.len());
        bytes.extend_from_slice(&header.header_bytes());
        bytes.extend_from_slice(&frame.payload);
        self.device.rx.push_back(bytes);
        bump(&self.counters.frames_in, 1);
        Ok(())
    }

    /// Frames queued by [`receive`](Self::receive) and not yet polled.
    pub fn rx_pending(&self) -> usize {
        self.device.rx.len()
    }

    /// Processes every queued frame, serves the echo, runs smoltcp's timers, and returns the
    /// frames to send, in order.
    pub fn poll(&mut self, now: Instant) -> Vec<TxFrame> {
        self.advance(now);
        let now = self.last_now;
        // Each round either echoes at least one datagram or ends; the receive buffer is
        // finite and nothing new arrives meanwhile, so this terminates.
        loop {
            self.iface.poll(now, &mut self.device, &mut self.sockets);
            if self.serve_echo() == 0 {
                break;
            }
        }
        let mut out = Vec::with_capacity(self.device.tx.len());
        while let Some(frame) = self.device.tx.pop_front() {
            if let Some(tx) = self.to_tx_frame(frame) {
                out.push(tx);
            }
        }
        bump(&self.counters.frames_out, out.len() as u64);
        out
    }

    /// How long until smoltcp next needs a [`poll`](Self::poll) with no frame arriving
    /// (neighbour solicitation retries, a reply waiting on its neighbour); `None` means only
    /// a received frame can give it work.
    pub fn poll_delay(&mut self, now: Instant) -> Option<Duration> {
        self.advance(now);
        if !self.device.rx.is_empty() {
            return Some(Duration::ZERO);
        }
        self.iface.poll_delay(self.last_now, &self.sockets)
    }

    fn advance(&mut self, now: Instant) {
        // smoltcp's timers assume time never runs backwards.
        if now > self.last_now {
            self.last_now = now;
        }
    }

    /// Echoes what the UDP socket holds, as far as its transmit buffer has room. Returns
    /// how many datagrams it took off the receive buffer.
    fn serve_echo(&mut self) -> usize {
        let socket = self.sockets.get_mut::<udp::Socket>(self.echo);
        let mut taken = 0;
        while let Ok((data, meta)) = socket.peek() {
            self.scratch.clear();
            self.scratch.extend_from_slice(data);
            let mut meta = *meta;
            let port = meta.endpoint.port;
            // Echoing to another always-answering service (echo, chargen, daytime, all below
            // 1024) would bounce datagrams between the two for ever.
            if port < 1024 || port == self.config.echo_port {
                let _ = socket.recv();
                taken += 1;
                bump(&self.counters.echoes_dropped, 1);
                continue;
            }
            // Answer from the address the datagram was sent to, unless that was a group.
            if meta
                .local_address
                .is_some_and(|a| a.is_multicast() || a.is_unspecified())
            {
                meta.local_address = None;
            }
            match socket.send_slice(&self.scratch, meta) {
                Ok(()) => {
                    bump(&self.counters.echoes_served, 1);
                }
                Err(udp::SendError::BufferFull)
                    if self.scratch.len() <= socket.payload_send_capacity() =>
                {
                    // Room comes back once egress drains; the datagram waits for it.
                    break;
                }
                Err(_) => {
                    bump(&self.counters.echoes_dropped, 1);
                }
            }
            let _ = socket.recv();
            taken += 1;
        }
        taken
    }

    fn to_tx_frame(&self, frame: Vec<u8>) -> Option<TxFrame> {
        let (dst, ethertype) = {
            let eth = EthernetFrame::new_checked(&frame[..]).ok()?;
            (eth.dst(), eth.ethertype())
        };
        // With proto-ipv6 alone smoltcp writes nothing but IPv6.
        if ethertype != EtherType::IPV6 {
            return None;
        }
        Some(TxFrame {
            dst,
            ethertype,
            payload: Bytes::from(frame).slice(HEADER_LEN..),
            meta: TxMeta {
                user_priority: self.config.user_priority,
                ..TxMeta::default()
            },
        })
    }
}

/// Runs the IPv6 services on a radio: polls the core for every frame the demultiplexer sends
/// on `frames` and whenever smoltcp's timer is due, and sends what it emits through `radio`.
/// It never calls `radio.recv()`; the demultiplexer owns that.
///
/// Returns `Ok` when the demultiplexer closes the channel, or the error when the radio is
/// closed. Other send errors are counted (`send_failures`) and the frame is lost, as on air.
pub async fn run_ip_services<R: Radio>(
    services: &mut IpServices,
    radio: &R,
    mut frames: mpsc::Receiver<RxFrame>,
) -> Result<(), RadioError> {
    // Carry the core's clock on from where it was, so time never runs backwards for smoltcp
    // if the driver is restarted.
    let base = services.last_now();
    let start = tokio::time::Instant::now();
    let now = || base + Duration::from(start.elapsed());
    loop {
        for frame in services.poll(now()) {
            match radio.send(frame).await {
                Ok(()) => {}
                Err(e @ RadioError::Closed(_)) => return Err(e),
                Err(_) => bump(&services.counters.send_failures, 1),
            }
        }
        let delay = services.poll_delay(now());
        let timer = async {
            match delay {
                Some(d) => tokio::time::sleep(d.into()).await,
                None => pending().await,
            }
        };
        tokio::select! {
            received = frames.recv() => {
                let Some(frame) = received else { return Ok(()) };
                // Refusals are counted by the core.
                let _ = services.receive(&frame);
                // Take what else is waiting, up to the queue's room, before polling once.
                while services.rx_pending() < services.config.rx_queue_len {
                    match frames.try_recv() {
                        Ok(frame) => {
                            let _ = services.receive(&frame);
                        }
                        Err(_) => break,
                    }
                }
            }
            () = timer => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::radio::RxMeta;
    use proptest::prelude::*;
    use smoltcp::phy::ChecksumCapabilities;
    use smoltcp::wire::{
        EthernetAddress, Icmpv6Packet, Icmpv6Repr, IpProtocol, Ipv6Packet, Ipv6Repr,
        NdiscNeighborFlags, NdiscRepr, RawHardwareAddress, UdpPacket, UdpRepr,
    };

    const A: MacAddr = MacAddr([0x02, 0x00, 0x00, 0xC0, 0xFF, 0xEE]);
    const B: MacAddr = MacAddr([0x02, 0x00, 0x00, 0x00, 0x00, 0x0B]);

    fn rx(src: MacAddr, dst: MacAddr, ethertype: EtherType, payload: Vec<u8>) -> RxFrame {
        RxFrame {
            src,
            dst,
            ethertype,
            payload: payload.into(),
            meta: RxMeta {
                channel: None,
                rssi_dbm: None,
                rate: None,
                timestamp: tokio::time::Instant::now(),
            },
        }
    }

    /// An IPv6 packet carrying `next` with payload written by `body` (which gets src, dst).
    fn ipv6(
        src: Ipv6Addr,
        dst: Ipv6Addr,
        next: IpProtocol,
        hop_limit: u8,
        len: usize,
        body: impl FnOnce(&mut [u8]),
    ) -> Vec<u8> {
        let repr = Ipv6Repr {
            src_addr: src,
            dst_addr: dst,
            next_header: next,
            payload_len: len,
            hop_limit,
        };
        let mut buf = vec![0u8; repr.buffer_len() + len];
        let mut packet = Ipv6Packet::new_unchecked(&mut buf[..]);
        repr.emit(&mut packet);
        body(packet.payload_mut());
        buf
    }

    fn udp(src: Ipv6Addr, src_port: u16, dst: Ipv6Addr, data: &[u8]) -> Vec<u8> {
        let repr = UdpRepr {
            src_port,
            dst_port: ECHO_PORT,
        };
        ipv6(src, dst, IpProtocol::Udp, 64, 8 + data.len(), |buf| {
            repr.emit(
                &mut UdpPacket::new_unchecked(buf),
                &src.into(),
                &dst.into(),
                data.len(),
                |p| p.copy_from_slice(data),
                &ChecksumCapabilities::default(),
            );
        })
    }

    fn icmp(src: Ipv6Addr, dst: Ipv6Addr, repr: Icmpv6Repr) -> Vec<u8> {
        ipv6(
            src,
            dst,
            IpProtocol::Icmpv6,
            255,
            repr.buffer_len(),
            |buf| {
                repr.emit(
                    &src,
                    &dst,
                    &mut Icmpv6Packet::new_unchecked(buf),
                    &ChecksumCapabilities::default(),
                );
            },
        )
    }

    fn services() -> IpServices {
        IpServices::new(IpConfig::new(A)).unwrap()
    }

    #[test]
    fn modified_eui64_on_hand_checked_examples() {
        // 02:00:00:c0:ff:ee: 0x02 with U/L (0x02) inverted is 0x00; ff:fe goes between the
        // third and fourth octets: 00 00 00 ff fe c0 ff ee, so fe80::ff:fec0:ffee.
        assert_eq!(
            modified_eui64(A),
            [0x00, 0x00, 0x00, 0xFF, 0xFE, 0xC0, 0xFF, 0xEE]
        );
        assert_eq!(link_local_address(A).to_string(), "fe80::ff:fec0:ffee");
        // A universal address 00:1b:21:3a:4f:5c: 0x00 becomes 0x02, giving
        // 02 1b 21 ff fe 3a 4f 5c, so fe80::21b:21ff:fe3a:4f5c.
        let universal = MacAddr([0x00, 0x1B, 0x21, 0x3A, 0x4F, 0x5C]);
        assert_eq!(
            link_local_address(universal).to_string(),
            "fe80::21b:21ff:fe3a:4f5c"
        );
        assert_eq!(services().link_local(), link_local_address(A));
    }

    #[test]
    fn bad_configurations_are_refused() {
        let bad = |f: fn(&mut IpConfig)| {
            let mut c = IpConfig::new(A);
            f(&mut c);
            IpServices::new(c).unwrap_err()
        };
        assert_eq!(
            bad(|c| c.mac = MacAddr::BROADCAST),
            IpConfigError::GroupAddress(MacAddr::BROADCAST)
        );
        assert_eq!(
            bad(|c| c.mac = MacAddr([0x33, 0x33, 0, 0, 0, 1])),
            IpConfigError::GroupAddress(MacAddr([0x33, 0x33, 0, 0, 0, 1]))
        );
        assert_eq!(bad(|c| c.mtu = 1279), IpConfigError::Mtu(1279));
        assert_eq!(bad(|c| c.mtu = 65536), IpConfigError::Mtu(65536));
        assert_eq!(bad(|c| c.user_priority = 8), IpConfigError::UserPriority(8));
        assert_eq!(bad(|c| c.echo_port = 0), IpConfigError::EchoPort);
        assert_eq!(bad(|c| c.rx_queue_len = 0), IpConfigError::RxQueueLen);
        let mut c = IpConfig::new(A);
        c.mtu = MIN_MTU;
        assert!(IpServices::new(c).is_ok());
    }

    #[test]
    fn frames_other_than_ipv6_are_refused_and_counted() {
        let mut s = services();
        let err = s
            .receive(&rx(B, A, EtherType::WSMP, vec![0; 40]))
            .unwrap_err();
        assert_eq!(err, ReceiveError::NotIpv6(EtherType::WSMP));
        assert_eq!(err.code(), "not_ipv6");
        assert_eq!(s.rx_pending(), 0);
        assert!(s.poll(Instant::ZERO).is_empty());
        let counts = s.counters().snapshot();
        assert_eq!(counts.refused_not_ipv6, 1);
        assert_eq!(counts.frames_refused(), 1);
        assert_eq!(counts.frames_in, 0);
    }

    #[test]
    fn a_full_receive_queue_refuses_and_counts() {
        let mut c = IpConfig::new(A);
        c.rx_queue_len = 2;
        let mut s = IpServices::new(c).unwrap();
        let frame = rx(B, A, EtherType::IPV6, vec![0x60; 40]);
        s.receive(&frame).unwrap();
        s.receive(&frame).unwrap();
        assert_eq!(s.receive(&frame), Err(ReceiveError::QueueFull(2)));
        let _ = s.poll(Instant::ZERO);
        s.receive(&frame).unwrap();
        let counts = s.counters().snapshot();
        assert_eq!((counts.frames_in, counts.refused_queue_full), (3, 1));
    }

    #[test]
    fn packets_over_the_mtu_are_refused_and_counted() {
        let mut c = IpConfig::new(A);
        c.mtu = MIN_MTU;
        let mut s = IpServices::new(c).unwrap();
        s.receive(&rx(B, A, EtherType::IPV6, vec![0x60; MIN_MTU]))
            .unwrap();
        let err = s
            .receive(&rx(B, A, EtherType::IPV6, vec![0x60; MIN_MTU + 1]))
            .unwrap_err();
        assert_eq!(
            err,
            ReceiveError::TooLong {
                len: 1281,
                mtu: 1280
            }
        );
        assert_eq!(err.code(), "too_long");
        let counts = s.counters().snapshot();
        assert_eq!((counts.frames_in, counts.refused_too_long), (1, 1));
        assert_eq!(counts.frames_refused(), 1);
    }

    #[test]
    fn idle_services_have_no_timer() {
        let mut s = services();
        assert!(s.poll(Instant::from_secs(1)).is_empty());
        assert_eq!(s.poll_delay(Instant::from_secs(1)), None);
    }

    /// The whole exchange by hand: a datagram from B, whose MAC A does not know yet, makes A
    /// solicit B; B's advertisement releases the echo.
    #[test]
    fn echo_waits_for_neighbour_discovery_then_goes_to_the_source() {
        let mut c = IpConfig::new(A);
        c.user_priority = 5;
        let mut s = IpServices::new(c).unwrap();
        let (a_ip, b_ip) = (link_local_address(A), link_local_address(B));
        let data = b"hello over OCB";

        s.receive(&rx(B, A, EtherType::IPV6, udp(b_ip, 40000, a_ip, data)))
            .unwrap();
        let out = s.poll(Instant::from_millis(10));
        assert_eq!(out.len(), 1, "{out:?}");
        let ns = &out[0];
        // B's link-local ends 00:00:0b, so its solicited-node group is ff02::1:ff00:b and
        // that group's MAC is 33:33 followed by the group's last four octets ff 00 00 0b.
        assert_eq!(ns.dst, MacAddr([0x33, 0x33, 0xFF, 0x00, 0x00, 0x0B]));
        assert_eq!(ns.ethertype, EtherType::IPV6);
        assert_eq!(ns.meta.user_priority, 5);
        let ip = Ipv6Packet::new_checked(&ns.payload[..]).unwrap();
        assert_eq!(ip.src_addr(), a_ip);
        assert_eq!(ip.dst_addr().to_string(), "ff02::1:ff00:b");
        let icmp_repr = Icmpv6Repr::parse(
            &ip.src_addr(),
            &ip.dst_addr(),
            &Icmpv6Packet::new_checked(ip.payload()).unwrap(),
            &ChecksumCapabilities::default(),
        )
        .unwrap();
        assert!(matches!(
            icmp_repr,
            Icmpv6Repr::Ndisc(NdiscRepr::NeighborSolicit { target_addr, .. }) if target_addr == b_ip
        ));
        // The reply waits on its neighbour, so smoltcp has a timer for the retry.
        assert!(s.poll_delay(Instant::from_millis(10)).is_some());

        let na = Icmpv6Repr::Ndisc(NdiscRepr::NeighborAdvert {
            flags: NdiscNeighborFlags::SOLICITED | NdiscNeighborFlags::OVERRIDE,
            target_addr: b_ip,
            lladdr: Some(RawHardwareAddress::from(EthernetAddress(B.0))),
        });
        s.receive(&rx(B, A, EtherType::IPV6, icmp(b_ip, a_ip, na)))
            .unwrap();
        let out = s.poll(Instant::from_millis(20));
        assert_eq!(out.len(), 1, "{out:?}");
        let echo = &out[0];
        assert_eq!(echo.dst, B);
        assert_eq!(echo.meta.user_priority, 5);
        let ip = Ipv6Packet::new_checked(&echo.payload[..]).unwrap();
        assert_eq!((ip.src_addr(), ip.dst_addr()), (a_ip, b_ip));
        assert_eq!(ip.next_header(), IpProtocol::Udp);
        let udp = UdpPacket::new_checked(ip.payload()).unwrap();
        assert_eq!((udp.src_port(), udp.dst_port()), (ECHO_PORT, 40000));
        assert_eq!(udp.payload(), data);

        let counts = s.counters().snapshot();
        assert_eq!(counts.frames_in, 2);
        assert_eq!(counts.frames_out, 2);
        assert_eq!(counts.echoes_served, 1);
        assert_eq!(s.poll_delay(Instant::from_millis(20)), None);
    }

    #[test]
    fn datagrams_from_well_known_ports_are_not_echoed() {
        let mut s = services();
        let (a_ip, b_ip) = (link_local_address(A), link_local_address(B));
        for port in [ECHO_PORT, 19, 1023] {
            s.receive(&rx(B, A, EtherType::IPV6, udp(b_ip, port, a_ip, b"x")))
                .unwrap();
        }
        assert!(s.poll(Instant::ZERO).is_empty());
        let counts = s.counters().snapshot();
        assert_eq!((counts.echoes_served, counts.echoes_dropped), (0, 3));
    }

    #[test]
    fn malformed_ipv6_is_dropped_and_service_goes_on() {
        let mut s = services();
        let (a_ip, b_ip) = (link_local_address(A), link_local_address(B));
        let good = udp(b_ip, 40000, a_ip, b"ok");
        let mut bad_checksum = good.clone();
        let last = bad_checksum.len() - 1;
        bad_checksum[last] ^= 0xFF;
        let mut long_length = good.clone();
        long_length[5] += 1; // payload length one more than follows
        let mut version4 = good.clone();
        version4[0] = 0x40;
        for payload in [vec![], vec![0x60; 39], bad_checksum, long_length, version4] {
            s.receive(&rx(B, A, EtherType::IPV6, payload)).unwrap();
        }
        assert!(s.poll(Instant::ZERO).is_empty());
        assert_eq!(s.counters().snapshot().echoes_served, 0);
        // A good datagram is still served (its echo first needs B's MAC: a solicitation).
        s.receive(&rx(B, A, EtherType::IPV6, good)).unwrap();
        assert_eq!(s.poll(Instant::ZERO).len(), 1);
        assert_eq!(s.counters().snapshot().frames_in, 6);
    }

    proptest! {
        #[test]
        fn arbitrary_payloads_never_panic(payload in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut s = services();
            s.receive(&rx(B, A, EtherType::IPV6, payload)).unwrap();
            let _ = s.poll(Instant::ZERO);
            let _ = s.poll_delay(Instant::ZERO);
        }

        #[test]
        fn arbitrary_bodies_behind_a_valid_header_never_panic(
            next in prop_oneof![Just(IpProtocol::Udp), Just(IpProtocol::Icmpv6), Just(IpProtocol::HopByHop), any::<u8>().prop_map(IpProtocol::from)],
            hop_limit in any::<u8>(),
            body in proptest::collection::vec(any::<u8>(), 0..120),
        ) {
            let mut s = services();
            let (a_ip, b_ip) = (link_local_address(A), link_local_address(B));
            let packet = ipv6(b_ip, a_ip, next, hop_limit, body.len(), |b| b.copy_from_slice(&body));
            s.receive(&rx(B, A, EtherType::IPV6, packet)).unwrap();
            for frame in s.poll(Instant::ZERO) {
                prop_assert_eq!(frame.ethertype, EtherType::IPV6);
            }
        }
    }
}
