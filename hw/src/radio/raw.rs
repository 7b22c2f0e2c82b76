//! A radio on a Linux network interface through AF_PACKET raw sockets: on the RSU an 802.11p
//! OCB netdev, where mac80211 turns each Ethernet II frame into an 802.11 QoS data frame with
//! an LLC/SNAP header (`reference/radio.md` §2.1); in tests a veth.
//!
//! # Sockets
//!
//! - **Receive: one socket for every EtherType (`ETH_P_ALL`), filtered here.** A socket per
//!   EtherType would let the kernel filter, but `recv` would then wait on three descriptors with
//!   three buffers, and what else the link carries (ARP, LLDP: signs of a misconfigured link)
//!   could not even be counted. The price of `ETH_P_ALL` is that every frame on the interface
//!   crosses into user space, including the frames this host sends (the kernel hands
//!   outgoing frames to every `ETH_P_ALL` socket as `PACKET_OUTGOING`). An OCB netdev carries
//!   V2X traffic only, so that is a few frames per 100 ms. Our own frames are dropped by source
//!   MAC rather than by `sll_pkttype`: reading the pkttype means viewing the kernel's
//!   `sockaddr_ll` through another unsafe cast, and the source MAC is ours on every frame we
//!   build. `PACKET_IGNORE_OUTGOING` (Linux 4.20) would spare those copies but needs an
//!   unsafe `setsockopt` too. The MAC is read once, at open: after changing the interface's
//!   address (a pseudonym change), open the radio again.
//! - **Send: one socket per 802.11 user priority.** mac80211 takes `SO_PRIORITY` 256..=263 as
//!   UP 0..=7 (`reference/radio.md` §2.1). Fixing the priority once per socket saves a
//!   `setsockopt` per frame, and, because [`Radio::send`] takes `&self`, it rules out a
//!   concurrent sender changing the priority between another's `setsockopt` and `sendto`
//!   (which a shared socket would need a lock to prevent). These sockets are bound with
//!   protocol 0, so the kernel never queues received frames on them. Each frame goes out with
//!   `sendto` naming its EtherType, so kernels that do not parse `skb->protocol` from the
//!   header still see the right protocol, and the payload goes out from its [`Bytes`] without
//!   being copied, as a second I/O slice after the 14-byte header. `send` takes any EtherType
//!   (the netdev carries any); only `recv` is limited to [`RX_ETHERTYPES`].
//!
//! # Channel, rate and power
//!
//! The process does not tune a Linux OCB netdev: `iw dev <if> ocb join <MHz> 10MHZ` does, before
//! the RSU starts, as do `iw dev <if> set bitrates legacy-5 <rate>` and
//! `iw dev <if> set txpower fixed <mBm>`. The [`ChannelConfig`] given to
//! [`RawSocketRadio::open`] must name the channel `iw` joined: frames asking for another channel
//! are refused, and received frames report that channel. Per-frame rate, power and MCS are not
//! applied (a packet socket cannot pass them to mac80211). Alternating 1609.4 access is refused
//! because the netdev stays on one frequency, and C-V2X SPS flows are refused.
//!
//! # Receive metadata
//!
//! The OCB netdev delivers Ethernet frames without PHY data, so [`RxMeta`] carries the
//! configured channel and no RSSI or rate. A monitor vif would report them in radiotap, but
//! then its frames are 802.11 frames, not Ethernet frames, and need another backend.

use std::fmt;
use std::io::{self, IoSlice, Read};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use socket2::{Domain, SockAddr, SockAddrStorage, Socket, Type, socklen_t};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use super::{Radio, RadioError, RxFrame, RxMeta, TxFrame};
use crate::channels::{ChannelAccess, ChannelConfig};
use crate::wire::ethernet::HEADER_LEN;
use crate::wire::{EtherType, EthernetFrame, EthernetRepr, MacAddr};

/// The EtherTypes [`Radio::recv`] returns: WSMP, GeoNetworking and IPv6.
pub const RX_ETHERTYPES: [EtherType; 3] =
    [EtherType::WSMP, EtherType::GEONETWORKING, EtherType::IPV6];

/// The `SO_PRIORITY` that mac80211 maps to 802.11 user priority `up` (0..=7): 256 + `up`.
pub const fn so_priority(up: u8) -> u32 {
    256 + up as u32
}

/// Where Linux lists network interfaces.
const SYSFS_NET: &str = "/sys/class/net";
/// `ARPHRD_ETHER` and `ARPHRD_LOOPBACK`: the device types whose frames start with an
/// Ethernet II header (an 802.11 monitor vif is `ARPHRD_IEEE80211_RADIOTAP`, 803).
const ETHERNET_FRAMED: [u16; 2] = [1, 772];

/// Why a received frame was not returned by [`Radio::recv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RawDropReason {
    /// A frame this station sent (source MAC is ours): the kernel shows outgoing frames to
    /// `ETH_P_ALL` sockets.
    Own,
    /// An EtherType other than WSMP, GeoNetworking and IPv6.
    OtherEtherType,
    /// Unicast to another station (a promiscuous or bridged interface passes those on).
    OtherHost,
    /// Shorter than an Ethernet header.
    Truncated,
    /// Longer than the interface MTU allows, so possibly cut short by the receive buffer.
    Oversize,
}

impl RawDropReason {
    /// Every reason, for exporting counters.
    pub const ALL: [RawDropReason; 5] = [
        RawDropReason::Own,
        RawDropReason::OtherEtherType,
        RawDropReason::OtherHost,
        RawDropReason::Truncated,
        RawDropReason::Oversize,
    ];

    /// A stable reason code, for metric labels.
    pub const fn code(self) -> &'static str {
        match self {
            RawDropReason::Own => "own",
            RawDropReason::OtherEtherType => "other_ethertype",
            RawDropReason::OtherHost => "other_host",
            RawDropReason::Truncated => "truncated",
            RawDropReason::Oversize => "oversize",
        }
    }
}

/// A snapshot of a [`RawSocketRadio`]'s counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RawSocketCounters {
    /// Frames handed to the kernel.
    pub sent: u64,
    /// Frames [`Radio::send`] returned an error for.
    pub send_failed: u64,
    /// Frames [`Radio::recv`] returned.
    pub received: u64,
    /// Frames received and dropped, by reason, in the order of [`RawDropReason::ALL`].
    pub dropped: [u64; 5],
}

impl RawSocketCounters {
    /// Frames dropped for `reason`.
    pub fn dropped(&self, reason: RawDropReason) -> u64 {
        self.dropped[reason as usize]
    }
}

#[derive(Default)]
struct Counters {
    sent: AtomicU64,
    send_failed: AtomicU64,
    received: AtomicU64,
    dropped: [AtomicU64; 5],
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// What `/sys/class/net/<name>` says about an interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Link {
    ifindex: i32,
    mac: MacAddr,
    mtu: usize,
    up: bool,
}

/// An 802.11p OCB netdev (or any Ethernet-framed interface) as a [`Radio`], through AF_PACKET
/// raw sockets. Needs root or `CAP_NET_RAW` (older kernels also want `CAP_NET_ADMIN` for
/// `SO_PRIORITY` above 6; Linux 6.18 does not), and a tokio runtime with I/O enabled.
pub struct RawSocketRadio {
    interface: String,
    link: Link,
    channels: ChannelConfig,
    rx: AsyncFd<Socket>,
    /// Interface MTU + 14 + 1 bytes, reused by every receive: the spare byte shows a frame the
    /// buffer may have cut short.
    rx_buf: Mutex<Vec<u8>>,
    /// One socket per user priority, index = UP.
    tx: Vec<AsyncFd<Socket>>,
    counters: Counters,
}

impl fmt::Debug for RawSocketRadio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawSocketRadio")
            .field("interface", &self.interface)
            .field("ifindex", &self.link.ifindex)
            .field("mac", &self.link.mac)
            .field("mtu", &self.link.mtu)
            .field("channel", &self.channels.primary())
            .finish_non_exhaustive()
    }
}

impl RawSocketRadio {
    /// Opens raw sockets on `interface`, whose channel (set outside the process with
    /// `iw ... ocb join`) `channels` describes. Must be called inside a tokio runtime.
    ///
    /// The sockets register with that runtime's I/O driver: `send` and `recv` may be polled
    /// from any runtime, but a send that finds the socket not writable is woken only by that
    /// driver, so open it on a runtime whose thread is never blocked (`rsu run` opens it on
    /// its broadcast runtime).
    pub fn open(interface: &str, channels: ChannelConfig) -> Result<RawSocketRadio, RadioError> {
        Self::open_in(Path::new(SYSFS_NET), interface, channels)
    }

    fn open_in(
        sysfs_net: &Path,
        interface: &str,
        channels: ChannelConfig,
    ) -> Result<RawSocketRadio, RadioError> {
        let link = read_link(sysfs_net, interface)?;
        if let ChannelAccess::Alternating { cch, sch } = channels.access() {
            return Err(RadioError::Refused(format!(
                "{interface}: a Linux OCB netdev stays on the one frequency `iw dev {interface} \
                 ocb join` chose; alternating access between channels {cch} and {sch} needs a \
                 radio that switches channels"
            )));
        }
        if !link.up {
            return Err(RadioError::Closed(format!(
                "interface {interface} is down: bring it up (ip link set {interface} up; for \
                 802.11p also iw dev {interface} ocb join <MHz> 10MHZ)"
            )));
        }
        if let Err(e) = tokio::runtime::Handle::try_current() {
            return Err(RadioError::Io {
                context: format!("opening {interface}: the raw socket radio needs a tokio runtime"),
                source: io::Error::other(e),
            });
        }

        // Created with protocol 0 and bound with ETH_P_ALL, so that frames of other
        // interfaces never queue on it between socket() and bind().
        let rx =
            Socket::new(Domain::PACKET, Type::RAW, None).map_err(|e| open_error(interface, e))?;
        rx.bind(&packet_addr(link.ifindex, libc::ETH_P_ALL as u16))
            .map_err(|e| bind_error(interface, e))?;
        let rx = nonblocking(interface, rx)?;

        let mut tx = Vec::with_capacity(8);
        for up in 0..8u8 {
            let socket = Socket::new(Domain::PACKET, Type::RAW, None)
                .map_err(|e| open_error(interface, e))?;
            socket
                .bind(&packet_addr(link.ifindex, 0))
                .map_err(|e| bind_error(interface, e))?;
            socket
                .set_priority(so_priority(up))
                .map_err(|e| priority_error(interface, up, e))?;
            tx.push(nonblocking(interface, socket)?);
        }

        Ok(RawSocketRadio {
            interface: interface.to_owned(),
            rx_buf: Mutex::new(vec![0; link.mtu + HEADER_LEN + 1]),
            link,
            channels,
            rx,
            tx,
            counters: Counters::default(),
        })
    }

    /// The interface name.
    pub fn interface(&self) -> &str {
        &self.interface
    }

    /// The interface index the sockets are bound to.
    pub fn ifindex(&self) -> i32 {
        self.link.ifindex
    }

    /// The interface MTU read at open: the largest payload a frame may carry.
    pub fn mtu(&self) -> usize {
        self.link.mtu
    }

    /// The channel configuration the interface was tuned to outside the process.
    pub fn channels(&self) -> &ChannelConfig {
        &self.channels
    }

    /// The counters so far.
    pub fn counters(&self) -> RawSocketCounters {
        let c = &self.counters;
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        RawSocketCounters {
            sent: load(&c.sent),
            send_failed: load(&c.send_failed),
            received: load(&c.received),
            dropped: c.dropped.each_ref().map(load),
        }
    }

    /// The `SO_PRIORITY` the kernel holds on the socket that sends frames of user priority
    /// `up`, for diagnostics (it should be [`so_priority`]`(up)`).
    pub fn socket_priority(&self, up: u8) -> Result<u32, RadioError> {
        let socket = self.tx_socket(up)?;
        socket.get_ref().priority().map_err(|e| RadioError::Io {
            context: format!("reading SO_PRIORITY on {}", self.interface),
            source: e,
        })
    }

    fn tx_socket(&self, up: u8) -> Result<&AsyncFd<Socket>, RadioError> {
        self.tx.get(usize::from(up)).ok_or_else(|| {
            RadioError::Refused(format!("user priority {up} is not an 802.11 UP (0..=7)"))
        })
    }

    async fn transmit(&self, frame: TxFrame) -> Result<(), RadioError> {
        let result = self.try_transmit(frame).await;
        bump(match result {
            Ok(()) => &self.counters.sent,
            Err(_) => &self.counters.send_failed,
        });
        result
    }

    async fn try_transmit(&self, frame: TxFrame) -> Result<(), RadioError> {
        self.channels.check_tx(frame.meta.channel)?;
        if frame.meta.sps.is_some() {
            return Err(RadioError::Refused(format!(
                "{}: an 802.11p netdev has no C-V2X SPS flows",
                self.interface
            )));
        }
        let socket = self.tx_socket(frame.meta.user_priority)?;
        if frame.payload.len() > self.link.mtu {
            return Err(RadioError::Refused(format!(
                "payload of {} bytes exceeds the MTU {} of {}",
                frame.payload.len(),
                self.link.mtu,
                self.interface
            )));
        }
        let header = EthernetRepr {
            dst: frame.dst,
            src: self.link.mac,
            ethertype: frame.ethertype,
        }
        .header_bytes();
        let addr = packet_addr(self.link.ifindex, frame.ethertype.0);
        let bufs = [IoSlice::new(&header), IoSlice::new(&frame.payload)];
        let len = HEADER_LEN + frame.payload.len();
        let send = |s: &Socket| s.send_to_vectored(&bufs, &addr);

        // The socket is almost always writable, so the first attempt goes without waiting (and
        // without a timer, which an expiry would otherwise need).
        let sent = match socket.try_io(Interest::WRITABLE, send) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                let wait = async {
                    loop {
                        let mut guard = socket.writable().await.map_err(|e| RadioError::Io {
                            context: format!("waiting to send on {}", self.interface),
                            source: e,
                        })?;
                        if let Ok(result) = guard.try_io(|fd| send(fd.get_ref())) {
                            return Ok(result);
                        }
                    }
                };
                match frame.meta.expiry {
                    Some(expiry) => tokio::time::timeout(expiry, wait)
                        .await
                        .unwrap_or(Err(RadioError::Expired(expiry)))?,
                    None => wait.await?,
                }
            }
            other => other,
        };
        match sent {
            Ok(n) if n == len => Ok(()),
            Ok(n) => Err(RadioError::Io {
                context: format!("sending on {}: {n} of {len} bytes went out", self.interface),
                source: io::ErrorKind::WriteZero.into(),
            }),
            Err(e) => Err(send_error(&self.interface, len, self.link.mtu, e)),
        }
    }

    async fn receive(&self) -> Result<RxFrame, RadioError> {
        loop {
            // ERROR too: when the interface goes down the kernel flags the socket with
            // ENETDOWN without making it readable.
            let mut guard = self
                .rx
                .ready(Interest::READABLE | Interest::ERROR)
                .await
                .map_err(|e| RadioError::Io {
                    context: format!("waiting to receive on {}", self.interface),
                    source: e,
                })?;
            let read = guard.try_io(|fd| {
                let mut buf = self.rx_buf.lock().unwrap_or_else(|p| p.into_inner());
                let mut socket: &Socket = fd.get_ref();
                let n = socket.read(buf.as_mut_slice())?;
                Ok(self.accept(buf.get(..n).unwrap_or_default()))
            });
            match read {
                Err(_would_block) => continue,
                Ok(Err(e)) => return Err(recv_error(&self.interface, e)),
                Ok(Ok(Some(frame))) => return Ok(frame),
                Ok(Ok(None)) => continue,
            }
        }
    }

    /// The frame `recv` returns for these received bytes, or `None` (counted) if it drops them.
    fn accept(&self, bytes: &[u8]) -> Option<RxFrame> {
        match classify(bytes, self.link.mac, self.link.mtu) {
            Ok((repr, payload)) => {
                bump(&self.counters.received);
                Some(RxFrame {
                    src: repr.src,
                    dst: repr.dst,
                    ethertype: repr.ethertype,
                    payload: Bytes::copy_from_slice(payload),
                    meta: RxMeta {
                        channel: Some(self.channels.primary()),
                        rssi_dbm: None,
                        rate: None,
                        timestamp: tokio::time::Instant::now(),
                    },
                })
            }
            Err(reason) => {
                bump(&self.counters.dropped[reason as usize]);
                None
            }
        }
    }
}

impl Radio for RawSocketRadio {
    fn address(&self) -> MacAddr {
        self.link.mac
    }

    fn send(&self, frame: TxFrame) -> impl Future<Output = Result<(), RadioError>> + Send {
        self.transmit(frame)
    }

    fn recv(&self) -> impl Future<Output = Result<RxFrame, RadioError>> + Send {
        self.receive()
    }
}

/// Splits received bytes into header and payload, or says why `recv` drops them.
fn classify(
    bytes: &[u8],
    own: MacAddr,
    mtu: usize,
) -> Result<(EthernetRepr, &[u8]), RawDropReason> {
    if bytes.len() > HEADER_LEN + mtu {
        return Err(RawDropReason::Oversize);
    }
    let frame = EthernetFrame::new_checked(bytes).map_err(|_| RawDropReason::Truncated)?;
    let repr = EthernetRepr::parse(&frame);
    if repr.src == own {
        Err(RawDropReason::Own)
    } else if repr.dst != own && !repr.dst.is_group() {
        Err(RawDropReason::OtherHost)
    } else if !RX_ETHERTYPES.contains(&repr.ethertype) {
        Err(RawDropReason::OtherEtherType)
    } else {
        Ok((repr, bytes.get(HEADER_LEN..).unwrap_or_default()))
    }
}

// The project's only unsafe code: the two calls below, each with its proof. socket2 accepts a
// `sockaddr_ll` only as raw storage, and tokio 1.54 deprecated the safe `AsyncFd::new` for the
// unsafe `AsyncFd::register`, whose contract the caller must prove.

/// The link-layer address `bind(2)` and `sendto(2)` take on an AF_PACKET socket: interface
/// `ifindex`, EtherType `protocol` (host order; 0 = receive nothing, `ETH_P_ALL` = everything).
#[allow(unsafe_code)]
fn packet_addr(ifindex: i32, protocol: u16) -> SockAddr {
    let mut storage = SockAddrStorage::zeroed();
    // SAFETY: `view_as::<T>` requires `T` to be one of the platform's `sockaddr_*` types;
    // `sockaddr_ll` is Linux's (<linux/if_packet.h>). It is 20 bytes, smaller than the 128 of
    // `sockaddr_storage` (socket2 asserts this), and its alignment (4, from `c_int`) is no
    // more than that of `sockaddr_storage` (8), so the view is in bounds and aligned. Every
    // field is a plain integer or integer array, so the zeroed storage is a valid value.
    let ll = unsafe { storage.view_as::<libc::sockaddr_ll>() };
    ll.sll_family = libc::AF_PACKET as libc::sa_family_t;
    ll.sll_protocol = protocol.to_be();
    ll.sll_ifindex = ifindex;
    let len = size_of::<libc::sockaddr_ll>() as socklen_t;
    // SAFETY: `SockAddr::new` requires the family and length to match the type the storage was
    // initialised as: the family is AF_PACKET, the storage was written as a `sockaddr_ll`
    // just above, and `len` is exactly `size_of::<sockaddr_ll>()`.
    unsafe { SockAddr::new(storage, len) }
}

/// Hands a socket to tokio's reactor. Needs a runtime (checked by [`RawSocketRadio::open`]).
#[allow(unsafe_code)]
fn register(socket: Socket) -> io::Result<AsyncFd<Socket>> {
    // SAFETY: `register` requires the descriptor `as_raw_fd` returns to be open, and to stay
    // open and the same for the life of the `AsyncFd`. A `socket2::Socket` owns its descriptor
    // (it was just returned by socket(2)), always returns that one, and closes it only when
    // dropped, which happens when the `AsyncFd` is dropped. Replacing the socket would take
    // `AsyncFd::get_mut`, which this module never calls; the `AsyncFd`s are private fields.
    Ok(unsafe { AsyncFd::register(socket) }?)
}

fn nonblocking(interface: &str, socket: Socket) -> Result<AsyncFd<Socket>, RadioError> {
    socket
        .set_nonblocking(true)
        .and_then(|()| register(socket))
        .map_err(|e| RadioError::Io {
            context: format!("registering the raw socket on {interface} with tokio"),
            source: e,
        })
}

/// Checks `name` as Linux does (`dev_valid_name`), so it cannot leave `/sys/class/net`.
fn valid_ifname(name: &str) -> bool {
    !name.is_empty()
        && name.len() < libc::IFNAMSIZ
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c == '/' || c == ':' || c.is_whitespace())
}

fn read_link(sysfs_net: &Path, name: &str) -> Result<Link, RadioError> {
    if !valid_ifname(name) {
        return Err(RadioError::Io {
            context: format!(
                "{name:?} is not an interface name (1 to 15 bytes, no '/', ':' or spaces)"
            ),
            source: io::ErrorKind::InvalidInput.into(),
        });
    }
    let dir = sysfs_net.join(name);
    if let Err(e) = std::fs::metadata(&dir) {
        return Err(RadioError::Io {
            context: if e.kind() == io::ErrorKind::NotFound {
                format!("interface {name} not found (ls {})", sysfs_net.display())
            } else {
                format!("reading {}", dir.display())
            },
            source: e,
        });
    }
    let attr = |file: &str| {
        let path = dir.join(file);
        std::fs::read_to_string(&path)
            .map(|text| (text.trim().to_owned(), path.clone()))
            .map_err(|e| RadioError::Io {
                context: format!("reading {}", path.display()),
                source: e,
            })
    };
    let invalid = |path: &Path, text: &str, what: &str| RadioError::Io {
        context: format!("reading {}", path.display()),
        source: io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{text:?} is not {what}"),
        ),
    };

    let (text, path) = attr("type")?;
    let arp_type: u16 = text
        .parse()
        .map_err(|_| invalid(&path, &text, "a device type"))?;
    if !ETHERNET_FRAMED.contains(&arp_type) {
        return Err(RadioError::Refused(format!(
            "interface {name} does not carry Ethernet II frames (device type {arp_type}; a \
             radiotap monitor vif is 803): open the OCB netdev itself"
        )));
    }
    let (text, path) = attr("ifindex")?;
    let ifindex = text
        .parse::<i32>()
        .ok()
        .filter(|&i| i > 0)
        .ok_or_else(|| invalid(&path, &text, "an interface index"))?;
    let (text, path) = attr("address")?;
    let mac: MacAddr = text
        .parse()
        .map_err(|_| invalid(&path, &text, "a MAC address"))?;
    let (text, path) = attr("mtu")?;
    let mtu = text
        .parse::<usize>()
        .ok()
        .filter(|&m| m <= 65535)
        .ok_or_else(|| invalid(&path, &text, "an MTU"))?;
    let (text, path) = attr("flags")?;
    let flags = text
        .strip_prefix("0x")
        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        .ok_or_else(|| invalid(&path, &text, "interface flags"))?;
    Ok(Link {
        ifindex,
        mac,
        mtu,
        up: flags & libc::IFF_UP as u32 != 0,
    })
}

fn is_errno(e: &io::Error, codes: &[i32]) -> bool {
    e.raw_os_error().is_some_and(|c| codes.contains(&c))
}

fn open_error(interface: &str, e: io::Error) -> RadioError {
    let context = if is_errno(&e, &[libc::EPERM, libc::EACCES]) {
        format!("opening AF_PACKET on {interface} needs root or CAP_NET_RAW")
    } else if is_errno(&e, &[libc::EAFNOSUPPORT]) {
        format!(
            "opening AF_PACKET on {interface}: the kernel has no packet sockets (CONFIG_PACKET)"
        )
    } else {
        format!("opening AF_PACKET on {interface}")
    };
    RadioError::Io { context, source: e }
}

fn bind_error(interface: &str, e: io::Error) -> RadioError {
    let context = if is_errno(&e, &[libc::ENODEV, libc::ENXIO]) {
        format!("binding to {interface}: the interface vanished (ls {SYSFS_NET})")
    } else {
        format!("binding to {interface}")
    };
    RadioError::Io { context, source: e }
}

fn priority_error(interface: &str, up: u8, e: io::Error) -> RadioError {
    let prio = so_priority(up);
    let context = if is_errno(&e, &[libc::EPERM, libc::EACCES]) {
        format!(
            "setting SO_PRIORITY {prio} (802.11 UP {up}) on {interface} needs CAP_NET_ADMIN \
             (recent kernels also accept CAP_NET_RAW)"
        )
    } else {
        format!("setting SO_PRIORITY {prio} (802.11 UP {up}) on {interface}")
    };
    RadioError::Io { context, source: e }
}

fn send_error(interface: &str, len: usize, mtu: usize, e: io::Error) -> RadioError {
    if is_errno(&e, &[libc::ENETDOWN]) {
        RadioError::Closed(format!(
            "interface {interface} is down: bring it up (ip link set {interface} up; for \
             802.11p also iw dev {interface} ocb join <MHz> 10MHZ)"
        ))
    } else if is_errno(&e, &[libc::ENODEV, libc::ENXIO]) {
        RadioError::Closed(format!("interface {interface} is gone ({e})"))
    } else if is_errno(&e, &[libc::EMSGSIZE]) {
        RadioError::Refused(format!(
            "frame of {len} bytes does not fit {interface} (MTU {mtu} + {HEADER_LEN}-byte \
             header): {e}"
        ))
    } else if is_errno(&e, &[libc::ENOBUFS]) {
        RadioError::QueueFull
    } else {
        RadioError::Io {
            context: format!("sending on {interface}"),
            source: e,
        }
    }
}

fn recv_error(interface: &str, e: io::Error) -> RadioError {
    if is_errno(&e, &[libc::ENETDOWN]) {
        RadioError::Closed(format!(
            "interface {interface} went down; frames flow again once it is up (ip link set \
             {interface} up)"
        ))
    } else if is_errno(&e, &[libc::ENODEV, libc::ENXIO]) {
        RadioError::Closed(format!("interface {interface} is gone ({e})"))
    } else {
        RadioError::Io {
            context: format!("receiving on {interface}"),
            source: e,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;
    use crate::channels::{ChannelPlan, Region, Technology};

    const OWN: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x0b]);
    const PEER: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];

    fn frame(dst: [u8; 6], src: [u8; 6], ethertype: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = Vec::new();
        f.extend_from_slice(&dst);
        f.extend_from_slice(&src);
        f.extend_from_slice(&ethertype.to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    fn us_172() -> ChannelConfig {
        let us = ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap();
        ChannelConfig::new(us, ChannelAccess::Continuous { channel: 172 }).unwrap()
    }

    #[test]
    fn received_frames_are_sorted_on_hand_made_bytes() {
        // Broadcast WSMP from the peer: ff×6 | 02 00 00 00 00 0a | 88 dc | 03 (WSMP v3 octet).
        let bytes = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x88, 0xdc,
            0x03,
        ];
        let (repr, payload) = classify(&bytes, OWN, 1500).unwrap();
        assert_eq!(repr.dst, MacAddr::BROADCAST);
        assert_eq!(repr.src, MacAddr(PEER));
        assert_eq!(repr.ethertype, EtherType::WSMP);
        assert_eq!(payload, &[0x03]);

        // Unicast GeoNetworking to us, and IPv6 to the all-nodes group 33:33:00:00:00:01.
        let gn = frame(OWN.0, PEER, 0x8947, &[0x11, 0x00]);
        assert_eq!(classify(&gn, OWN, 1500).unwrap().1, &[0x11, 0x00]);
        let v6 = frame([0x33, 0x33, 0, 0, 0, 1], PEER, 0x86dd, &[0x60]);
        assert_eq!(
            classify(&v6, OWN, 1500).unwrap().0.ethertype,
            EtherType::IPV6
        );

        // A bare header is a frame with an empty payload; one byte less is not a frame.
        assert_eq!(classify(&bytes[..14], OWN, 1500).unwrap().1, &[] as &[u8]);
        assert_eq!(
            classify(&bytes[..13], OWN, 1500),
            Err(RawDropReason::Truncated)
        );
        assert_eq!(classify(&[], OWN, 1500), Err(RawDropReason::Truncated));

        // Our own frame, even of another EtherType, counts as ours.
        let own = frame([0xff; 6], OWN.0, 0x88dc, &[0x03]);
        assert_eq!(classify(&own, OWN, 1500), Err(RawDropReason::Own));
        let own_arp = frame([0xff; 6], OWN.0, 0x0806, &[]);
        assert_eq!(classify(&own_arp, OWN, 1500), Err(RawDropReason::Own));

        let elsewhere = frame([0x02, 0, 0, 0, 0, 0xee], PEER, 0x88dc, &[0x03]);
        assert_eq!(
            classify(&elsewhere, OWN, 1500),
            Err(RawDropReason::OtherHost)
        );
        for other in [0x0806, 0x0800, 0x88b5, 0x88cc] {
            let f = frame([0xff; 6], PEER, other, &[0x00]);
            assert_eq!(classify(&f, OWN, 1500), Err(RawDropReason::OtherEtherType));
        }

        // MTU 4: 14 + 4 bytes fit; 14 + 5 may have been cut by the MTU-sized buffer.
        let fits = frame([0xff; 6], PEER, 0x88dc, &[1, 2, 3, 4]);
        assert!(classify(&fits, OWN, 4).is_ok());
        let over = frame([0xff; 6], PEER, 0x88dc, &[1, 2, 3, 4, 5]);
        assert_eq!(classify(&over, OWN, 4), Err(RawDropReason::Oversize));
    }

    proptest! {
        #[test]
        fn classify_never_panics_and_returns_only_v2x_frames_for_us(
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
            own in any::<[u8; 6]>(),
            mtu in 0usize..64,
        ) {
            let own = MacAddr(own);
            if let Ok((repr, payload)) = classify(&bytes, own, mtu) {
                prop_assert!(RX_ETHERTYPES.contains(&repr.ethertype));
                prop_assert_ne!(repr.src, own);
                prop_assert!(repr.dst == own || repr.dst.is_group());
                prop_assert_eq!(payload.len() + HEADER_LEN, bytes.len());
                prop_assert!(payload.len() <= mtu);
            }
        }
    }

    #[test]
    fn user_priorities_map_to_mac80211_priorities() {
        let all: Vec<u32> = (0..8).map(so_priority).collect();
        assert_eq!(all, [256, 257, 258, 259, 260, 261, 262, 263]);
    }

    #[test]
    fn packet_addresses_are_sockaddr_ll() {
        let addr = packet_addr(7, 0x88dc);
        assert_eq!(addr.domain(), Domain::PACKET);
        assert_eq!(i32::from(addr.family()), libc::AF_PACKET);
        assert_eq!(addr.len() as usize, size_of::<libc::sockaddr_ll>());
        assert_eq!(addr.len(), 20);
    }

    /// A stand-in for /sys/class/net, removed on drop.
    struct FakeSysfs(PathBuf);

    impl FakeSysfs {
        fn new(tag: &str) -> FakeSysfs {
            let dir =
                std::env::temp_dir().join(format!("rsu-raw-sysfs-{}-{tag}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            FakeSysfs(dir)
        }

        fn add(&self, name: &str, files: &[(&str, &str)]) {
            let dir = self.0.join(name);
            std::fs::create_dir_all(&dir).unwrap();
            for (file, text) in files {
                std::fs::write(dir.join(file), format!("{text}\n")).unwrap();
            }
        }

        fn add_ethernet(&self, name: &str, flags: &str) {
            self.add(
                name,
                &[
                    ("type", "1"),
                    ("ifindex", "6"),
                    ("address", "02:00:00:00:00:0b"),
                    ("mtu", "1500"),
                    ("flags", flags),
                ],
            );
        }
    }

    impl Drop for FakeSysfs {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn io_context(e: RadioError) -> String {
        match e {
            RadioError::Io { context, .. } => context,
            other => panic!("expected an I/O error, got {other:?}"),
        }
    }

    #[test]
    fn links_are_read_from_sysfs() {
        let sys = FakeSysfs::new("links");
        sys.add_ethernet("wlan0", "0x1003");
        sys.add_ethernet("wlan1", "0x1002");
        assert_eq!(
            read_link(&sys.0, "wlan0").unwrap(),
            Link {
                ifindex: 6,
                mac: OWN,
                mtu: 1500,
                up: true
            }
        );
        assert!(!read_link(&sys.0, "wlan1").unwrap().up);

        let missing = read_link(&sys.0, "wlan9").unwrap_err();
        assert_eq!(
            missing.to_string(),
            format!(
                "interface wlan9 not found (ls {}): No such file or directory (os error 2)",
                sys.0.display()
            )
        );

        for bad in [
            "",
            ".",
            "..",
            "../etc",
            "a/b",
            "wlan0:1",
            "wl an",
            "sixteen-bytes-xx",
        ] {
            let context = io_context(read_link(&sys.0, bad).unwrap_err());
            assert!(
                context.contains("is not an interface name"),
                "{bad:?}: {context}"
            );
        }

        sys.add("mon0", &[("type", "803")]);
        let e = read_link(&sys.0, "mon0").unwrap_err();
        assert!(matches!(e, RadioError::Refused(ref m) if m.contains("device type 803")));

        sys.add_ethernet("bad0", "0x1003");
        sys.add("bad0", &[("address", "02:00:00:00:0b")]);
        let context = io_context(read_link(&sys.0, "bad0").unwrap_err());
        assert!(context.ends_with("bad0/address"), "{context}");
        sys.add_ethernet("bad1", "1003");
        assert!(io_context(read_link(&sys.0, "bad1").unwrap_err()).ends_with("bad1/flags"));
        sys.add_ethernet("bad2", "0x1003");
        sys.add("bad2", &[("ifindex", "0")]);
        assert!(io_context(read_link(&sys.0, "bad2").unwrap_err()).ends_with("bad2/ifindex"));
    }

    #[test]
    fn opening_checks_before_touching_sockets() {
        let sys = FakeSysfs::new("open");
        sys.add_ethernet("wlan0", "0x1003");
        sys.add_ethernet("wlan1", "0x1002");

        // No runtime: an error, not tokio's panic.
        let e = RawSocketRadio::open_in(&sys.0, "wlan0", us_172()).unwrap_err();
        assert!(io_context(e).contains("needs a tokio runtime"));

        let e = RawSocketRadio::open_in(&sys.0, "wlan1", us_172()).unwrap_err();
        assert!(matches!(e, RadioError::Closed(ref m) if m.contains("ip link set wlan1 up")));

        let us = ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap();
        let alternating =
            ChannelConfig::new(us, ChannelAccess::Alternating { cch: 178, sch: 172 }).unwrap();
        let e = RawSocketRadio::open_in(&sys.0, "wlan0", alternating).unwrap_err();
        assert!(matches!(e, RadioError::Refused(ref m) if m.contains("178 and 172")));
    }

    #[test]
    fn kernel_errors_become_clear_radio_errors() {
        let os = io::Error::from_raw_os_error;
        assert_eq!(
            open_error("wlan0", os(libc::EPERM)).to_string(),
            "opening AF_PACKET on wlan0 needs root or CAP_NET_RAW: Operation not permitted \
             (os error 1)"
        );
        assert!(io_context(open_error("wlan0", os(libc::EACCES))).contains("CAP_NET_RAW"));
        assert!(io_context(open_error("wlan0", os(libc::EAFNOSUPPORT))).contains("CONFIG_PACKET"));
        assert!(
            io_context(priority_error("wlan0", 7, os(libc::EPERM)))
                .starts_with("setting SO_PRIORITY 263 (802.11 UP 7) on wlan0 needs CAP_NET_ADMIN")
        );

        let down = send_error("wlan0", 100, 1500, os(libc::ENETDOWN));
        assert!(
            matches!(down, RadioError::Closed(ref m) if m.starts_with("interface wlan0 is down"))
        );
        assert!(matches!(
            send_error("wlan0", 100, 1500, os(libc::ENXIO)),
            RadioError::Closed(_)
        ));
        let big = send_error("wlan0", 1515, 1500, os(libc::EMSGSIZE));
        assert!(
            matches!(big, RadioError::Refused(ref m) if m.starts_with("frame of 1515 bytes does not fit wlan0 (MTU 1500"))
        );
        assert!(matches!(
            send_error("wlan0", 100, 1500, os(libc::ENOBUFS)),
            RadioError::QueueFull
        ));
        assert_eq!(
            io_context(send_error("wlan0", 100, 1500, os(libc::EINVAL))),
            "sending on wlan0"
        );

        assert!(matches!(
            recv_error("wlan0", os(libc::ENETDOWN)),
            RadioError::Closed(ref m) if m.starts_with("interface wlan0 went down")
        ));
        assert_eq!(
            io_context(recv_error("wlan0", os(libc::EIO))),
            "receiving on wlan0"
        );
    }

    #[test]
    fn drop_reasons_have_distinct_codes_in_counter_order() {
        let codes: Vec<&str> = RawDropReason::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(
            codes,
            [
                "own",
                "other_ethertype",
                "other_host",
                "truncated",
                "oversize"
            ]
        );
        for (i, r) in RawDropReason::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i);
        }
        let mut c = RawSocketCounters::default();
        c.dropped[RawDropReason::OtherHost as usize] = 3;
        assert_eq!(c.dropped(RawDropReason::OtherHost), 3);
        assert_eq!(c.dropped(RawDropReason::Own), 0);
    }
}
