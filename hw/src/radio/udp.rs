//! A radio medium over UDP multicast: each datagram carries one whole Ethernet II frame
//! (14-byte header + payload), sent to a multicast group, by default 239.118.122.97:8947 on
//! the loopback interface. This is the layout of Vanetza socktap's UDP link, so a socktap
//! process can be a peer; any number of processes on a host share the medium without
//! privileges, and tshark shows it with `-d udp.port==8947,eth`.
//!
//! - Multicast loopback is on, so processes on one host hear each other whatever interface
//!   the group is on (on `lo` the interface itself loops datagrams back). That makes every
//!   socket hear its own datagrams too; a radio does not hear its own transmissions, so
//!   frames whose source MAC is this radio's are dropped on receive and counted. Two radios
//!   with the same MAC address would therefore not hear each other.
//! - The medium is one channel. The wire carries no channel, rate or power: TX metadata other
//!   than the channel check is not sent, and received frames report none of them
//!   (`RxMeta` channel, RSSI and rate are `None`). The radio's [`ChannelConfig`] still refuses
//!   frames for channels it is not tuned to, as a real radio would.
//! - Datagrams too short for an Ethernet header, and frames addressed to another station,
//!   are dropped and counted; they never end `recv`.
//! - The socket sets SO_REUSEADDR and SO_REUSEPORT so several processes (and several radios
//!   in one process) can bind the same port; Linux gives each a copy of every multicast
//!   datagram. It binds the group address itself, so datagrams to other groups or unicast to
//!   the port are not received; TTL 1 keeps frames off routed networks.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;
use tokio::time::Instant;

use crate::channels::ChannelConfig;
use crate::radio::loopback::MAX_PAYLOAD;
use crate::radio::{Radio, RadioError, RxFrame, RxMeta, TxFrame};
use crate::wire::ethernet::HEADER_LEN;
use crate::wire::{EthernetFrame, EthernetRepr, MacAddr};

/// Vanetza socktap's multicast group.
pub const DEFAULT_GROUP: Ipv4Addr = Ipv4Addr::new(239, 118, 122, 97);
/// Vanetza socktap's port (the GeoNetworking EtherType's value).
pub const DEFAULT_PORT: u16 = 8947;
/// Largest UDP payload over IPv4: room for any datagram a peer may send.
const MAX_DATAGRAM: usize = 65_507;

/// Where the medium is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpConfig {
    /// IPv4 multicast group the frames go to.
    pub group: Ipv4Addr,
    pub port: u16,
    /// Address of the interface to join the group on and send from (127.0.0.1 = loopback).
    pub interface: Ipv4Addr,
}

impl Default for UdpConfig {
    fn default() -> Self {
        UdpConfig {
            group: DEFAULT_GROUP,
            port: DEFAULT_PORT,
            interface: Ipv4Addr::LOCALHOST,
        }
    }
}

/// Counters of a [`UdpMedium`] radio.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UdpStats {
    /// Frames sent.
    pub sent: u64,
    /// Frames handed to `recv`'s caller.
    pub received: u64,
    /// Our own frames, heard back through multicast loopback and dropped.
    pub own: u64,
    /// Datagrams shorter than an Ethernet header, dropped.
    pub malformed: u64,
    /// Frames unicast to another station, dropped.
    pub not_addressed: u64,
}

#[derive(Debug, Default)]
struct Counters {
    sent: AtomicU64,
    received: AtomicU64,
    own: AtomicU64,
    malformed: AtomicU64,
    not_addressed: AtomicU64,
}

/// A radio on the UDP multicast medium.
#[derive(Debug)]
pub struct UdpMedium {
    socket: UdpSocket,
    mac: MacAddr,
    channels: ChannelConfig,
    config: UdpConfig,
    counters: Counters,
}

impl UdpMedium {
    /// Joins the medium. Must run inside a tokio runtime (the socket registers with it).
    ///
    /// `send` and `recv` may be polled from any runtime, but only the registering runtime's
    /// I/O driver reports the socket ready: open it on a runtime whose thread is never
    /// blocked, or a send that meets a full socket buffer waits for that thread (`rsu run`
    /// opens it on its broadcast runtime).
    pub fn open(
        mac: MacAddr,
        channels: ChannelConfig,
        config: UdpConfig,
    ) -> Result<UdpMedium, RadioError> {
        let where_ = format!(
            "UDP medium {}:{} on interface {}",
            config.group, config.port, config.interface
        );
        let io = |what: &str| {
            let context = format!("{where_}: {what}");
            move |source| RadioError::Io { context, source }
        };
        if !config.group.is_multicast() {
            return Err(RadioError::Io {
                context: where_.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the group must be an IPv4 multicast address (224.0.0.0/4)",
                ),
            });
        }
        let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))
            .map_err(io("create the socket"))?;
        socket
            .set_reuse_address(true)
            .map_err(io("set SO_REUSEADDR"))?;
        socket
            .set_reuse_port(true)
            .map_err(io("set SO_REUSEPORT"))?;
        socket
            .bind(&SocketAddr::V4(SocketAddrV4::new(config.group, config.port)).into())
            .map_err(io("bind the group address and port"))?;
        socket
            .join_multicast_v4(&config.group, &config.interface)
            .map_err(io(
                "join the multicast group (is multicast permitted on that interface?)",
            ))?;
        socket
            .set_multicast_if_v4(&config.interface)
            .map_err(io("send multicast on the interface (IP_MULTICAST_IF)"))?;
        socket
            .set_multicast_loop_v4(true)
            .map_err(io("enable multicast loopback"))?;
        socket
            .set_multicast_ttl_v4(1)
            .map_err(io("set the multicast TTL"))?;
        socket
            .set_nonblocking(true)
            .map_err(io("make the socket non-blocking"))?;
        let socket = UdpSocket::from_std(socket.into())
            .map_err(io("register the socket with the tokio runtime"))?;
        Ok(UdpMedium {
            socket,
            mac,
            channels,
            config,
            counters: Counters::default(),
        })
    }

    pub fn config(&self) -> UdpConfig {
        self.config
    }

    pub fn stats(&self) -> UdpStats {
        let c = &self.counters;
        UdpStats {
            sent: c.sent.load(Ordering::Relaxed),
            received: c.received.load(Ordering::Relaxed),
            own: c.own.load(Ordering::Relaxed),
            malformed: c.malformed.load(Ordering::Relaxed),
            not_addressed: c.not_addressed.load(Ordering::Relaxed),
        }
    }

    /// The frame a datagram carries, if it is one for us.
    fn accept(&self, datagram: &[u8]) -> Option<RxFrame> {
        let Ok(frame) = EthernetFrame::new_checked(datagram) else {
            self.counters.malformed.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let header = EthernetRepr::parse(&frame);
        if header.src == self.mac {
            self.counters.own.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        if header.dst != self.mac && !header.dst.is_group() {
            self.counters.not_addressed.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        self.counters.received.fetch_add(1, Ordering::Relaxed);
        Some(RxFrame {
            src: header.src,
            dst: header.dst,
            ethertype: header.ethertype,
            payload: Bytes::copy_from_slice(frame.payload()),
            meta: RxMeta {
                channel: None,
                rssi_dbm: None,
                rate: None,
                timestamp: Instant::now(),
            },
        })
    }
}

impl Radio for UdpMedium {
    fn address(&self) -> MacAddr {
        self.mac
    }

    async fn send(&self, frame: TxFrame) -> Result<(), RadioError> {
        self.channels.check_tx(frame.meta.channel)?;
        if frame.payload.len() > MAX_PAYLOAD {
            return Err(RadioError::Refused(format!(
                "payload of {} bytes exceeds the {MAX_PAYLOAD}-byte MSDU limit",
                frame.payload.len()
            )));
        }
        let mut datagram = Vec::with_capacity(HEADER_LEN + frame.payload.len());
        let header = EthernetRepr {
            dst: frame.dst,
            src: self.mac,
            ethertype: frame.ethertype,
        };
        datagram.extend_from_slice(&header.header_bytes());
        datagram.extend_from_slice(&frame.payload);
        let to = SocketAddrV4::new(self.config.group, self.config.port);
        self.socket
            .send_to(&datagram, to)
            .await
            .map_err(|source| RadioError::Io {
                context: format!("UDP medium: send to {to}"),
                source,
            })?;
        self.counters.sent.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    async fn recv(&self) -> Result<RxFrame, RadioError> {
        let mut buf = vec![0u8; MAX_DATAGRAM];
        loop {
            let (n, _) =
                self.socket
                    .recv_from(&mut buf)
                    .await
                    .map_err(|source| RadioError::Io {
                        context: format!(
                            "UDP medium: receive on {}:{}",
                            self.config.group, self.config.port
                        ),
                        source,
                    })?;
            if let Some(frame) = buf.get(..n).and_then(|d| self.accept(d)) {
                return Ok(frame);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::channels::{ChannelAccess, ChannelError, ChannelPlan, Region, Technology};
    use crate::wire::EtherType;
    use std::process::{Child, Command, Output, Stdio};
    use std::time::Duration;

    /// Environment variable that makes the two-process test act as the sending peer.
    const PEER_PORT_VAR: &str = "RSU_HW_UDP_PEER_PORT";
    const PEER_FRAMES: u32 = 200;
    /// Failsafe only: how long to wait before declaring the medium broken.
    const PATIENCE: Duration = Duration::from_secs(20);

    fn on_172() -> ChannelConfig {
        let us = ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap();
        ChannelConfig::new(us, ChannelAccess::Continuous { channel: 172 }).unwrap()
    }

    fn mac(n: u8) -> MacAddr {
        MacAddr::local([0, 0, 0, 0, 0x88, n])
    }

    /// A port of this test process's own, so parallel test runs do not share a medium;
    /// below Linux's ephemeral range (32768–60999), where no client socket can hold it.
    fn port(slot: u16) -> u16 {
        10_000 + (std::process::id() % 5_000) as u16 * 4 + slot
    }

    fn config(port: u16) -> UdpConfig {
        UdpConfig {
            port,
            ..UdpConfig::default()
        }
    }

    fn open(n: u8, port: u16) -> UdpMedium {
        UdpMedium::open(mac(n), on_172(), config(port)).unwrap_or_else(|e| {
            panic!("cannot open the UDP medium (multicast on the loopback interface): {e}")
        })
    }

    async fn recv(radio: &UdpMedium) -> RxFrame {
        tokio::time::timeout(PATIENCE, radio.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "no frame within {PATIENCE:?}: is multicast on the loopback interface \
                     permitted here? ({:?})",
                    radio.stats()
                )
            })
            .unwrap()
    }

    fn frame(payload: &'static [u8]) -> TxFrame {
        TxFrame::broadcast(EtherType::WSMP, Bytes::from_static(payload))
    }

    #[tokio::test]
    async fn two_radios_in_one_process_hear_each_other_and_not_themselves() {
        let port = port(0);
        let a = open(1, port);
        let b = open(2, port);

        a.send(frame(b"a1")).await.unwrap();
        let f = recv(&b).await;
        assert_eq!(
            (f.src, f.dst, f.ethertype),
            (mac(1), MacAddr::BROADCAST, EtherType::WSMP)
        );
        assert_eq!(f.payload, Bytes::from_static(b"a1"));
        assert_eq!(f.meta.channel, None);

        // b answers by unicast; a's own a1 reached a's socket first and is skipped.
        let mut reply = frame(b"b1");
        reply.dst = mac(1);
        reply.ethertype = EtherType::GEONETWORKING;
        b.send(reply).await.unwrap();
        let f = recv(&a).await;
        assert_eq!((f.src, f.dst), (mac(2), mac(1)));
        assert_eq!(f.ethertype, EtherType::GEONETWORKING);
        assert_eq!(f.payload, Bytes::from_static(b"b1"));
        assert_eq!(a.stats().own, 1);

        // A unicast to a third station, and a datagram too short to be a frame, are
        // skipped; the next good frame still arrives.
        let mut elsewhere = frame(b"not for b");
        elsewhere.dst = mac(9);
        a.send(elsewhere).await.unwrap();
        let junk = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let junk = Socket::from(junk);
        junk.set_multicast_if_v4(&Ipv4Addr::LOCALHOST).unwrap();
        junk.send_to(
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
            &SocketAddr::V4(SocketAddrV4::new(DEFAULT_GROUP, port)).into(),
        )
        .unwrap();
        a.send(frame(b"a2")).await.unwrap();
        assert_eq!(recv(&b).await.payload, Bytes::from_static(b"a2"));
        let stats = b.stats();
        assert_eq!(
            (
                stats.received,
                stats.own,
                stats.not_addressed,
                stats.malformed
            ),
            (2, 1, 1, 1)
        );
        assert_eq!(a.stats().sent, 3);

        // The radio's channel configuration still applies.
        let mut wrong = frame(b"x");
        wrong.meta.channel = Some(178);
        assert!(matches!(
            a.send(wrong).await,
            Err(RadioError::Channel(ChannelError::NotTuned {
                requested: 178,
                ..
            }))
        ));
        let big = TxFrame::broadcast(EtherType::WSMP, Bytes::from(vec![0; MAX_PAYLOAD + 1]));
        assert!(matches!(a.send(big).await, Err(RadioError::Refused(_))));
    }

    #[tokio::test]
    async fn a_group_must_be_multicast() {
        let err = UdpMedium::open(
            mac(1),
            on_172(),
            UdpConfig {
                group: Ipv4Addr::new(10, 0, 0, 1),
                port: port(1),
                ..UdpConfig::default()
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("multicast"), "{err}");
    }

    /// Kills the peer process if the test fails before waiting for it.
    struct Peer(Option<Child>);

    impl Drop for Peer {
        fn drop(&mut self) {
            if let Some(mut child) = self.0.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    /// One process sends numbered frames, the other receives them all and acknowledges
    /// with a frame of its own. The test binary runs itself as the peer: the same test,
    /// told so by an environment variable.
    #[tokio::test]
    async fn two_processes_exchange_frames() {
        if let Ok(port) = std::env::var(PEER_PORT_VAR) {
            return peer(port.parse().unwrap()).await;
        }
        let port = port(2);
        // Joined before the peer starts, so none of its frames can be missed.
        let radio = open(1, port);
        let name = concat!(module_path!(), "::two_processes_exchange_frames");
        let name = name.split_once("::").map_or(name, |(_, rest)| rest);
        let child = Command::new(std::env::current_exe().unwrap())
            .args([name, "--exact", "--nocapture", "--test-threads=1"])
            .env(PEER_PORT_VAR, port.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut peer = Peer(Some(child));

        let mut seen = vec![false; PEER_FRAMES as usize];
        let mut count = 0;
        while count < PEER_FRAMES {
            let f = recv(&radio).await;
            assert_eq!(f.src, mac(2));
            let i = u32::from_be_bytes(f.payload[..4].try_into().unwrap());
            assert!(!seen[i as usize], "frame {i} twice");
            seen[i as usize] = true;
            count += 1;
        }
        let mut ack = frame(b"ack");
        ack.dst = mac(2);
        radio.send(ack).await.unwrap();

        let child = peer.0.take().unwrap();
        let waited = tokio::time::timeout(
            PATIENCE,
            tokio::task::spawn_blocking(move || child.wait_with_output()),
        )
        .await;
        let Ok(Ok(Ok(Output {
            status,
            stdout,
            stderr,
        }))) = waited
        else {
            panic!("the peer process did not finish within {PATIENCE:?}");
        };
        assert!(
            status.success(),
            "peer failed ({status}):\n{}\n{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        );
        assert_eq!(radio.stats().received, u64::from(PEER_FRAMES));
    }

    /// The peer's side: send the numbered frames, then wait for the acknowledgement.
    async fn peer(port: u16) {
        let radio = open(2, port);
        for i in 0..PEER_FRAMES {
            radio
                .send(TxFrame::broadcast(
                    EtherType::WSMP,
                    Bytes::copy_from_slice(&i.to_be_bytes()),
                ))
                .await
                .unwrap();
            // Pace the sender so the receiver's socket buffer never overflows.
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let f = recv(&radio).await;
        assert_eq!((f.src, f.dst), (mac(1), mac(2)));
        assert_eq!(f.payload, Bytes::from_static(b"ack"));
        assert_eq!(radio.stats().own, u64::from(PEER_FRAMES));
    }
}
