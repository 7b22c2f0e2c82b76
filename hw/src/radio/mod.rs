//! One radio interface for every backend: frames are Ethernet II (destination, source,
//! EtherType, payload) plus out-of-band TX and RX metadata, the form every real V2X radio
//! interface converts to and from (a Linux OCB netdev, Cohda LLC, Autotalks, a Qualcomm PC5
//! flow; see `reference/radio.md` §0).
//!
//! Payloads are [`Bytes`], so a message encoded and signed once reaches the radio, a capture
//! file and any number of simulated receivers without being copied.

pub mod any;
pub mod capture;
pub mod loopback;
pub mod udp;

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;

#[cfg(target_os = "linux")]
pub mod raw;

#[cfg(target_os = "linux")]
pub use raw::{RawDropReason, RawSocketCounters, RawSocketRadio};

use crate::channels::ChannelError;
use crate::wire::{EtherType, MacAddr};

/// An 802.11p data rate in units of 500 kb/s, as the WSMP Data Rate extension carries it
/// (12 = 6 Mb/s, the usual rate for safety messages on 10 MHz channels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataRate(pub u8);

impl DataRate {
    /// 3, 4.5, 6, 9, 12, 18, 24 and 27 Mb/s: the OFDM rates of a 10 MHz channel.
    pub const OFDM_10MHZ: [DataRate; 8] = [
        DataRate(6),
        DataRate(9),
        DataRate(12),
        DataRate(18),
        DataRate(24),
        DataRate(36),
        DataRate(48),
        DataRate(54),
    ];
    /// 6 Mb/s.
    pub const DEFAULT: DataRate = DataRate(12);

    /// The rate in kb/s.
    pub const fn kbps(self) -> u32 {
        self.0 as u32 * 500
    }

    /// A rate given in Mb/s (`6`, `4.5`), if it is a multiple of 0.5 Mb/s in 0.5..=127.5.
    pub fn from_mbps(mbps: f64) -> Option<DataRate> {
        let units = mbps * 2.0;
        if units.fract() == 0.0 && (1.0..=255.0).contains(&units) {
            Some(DataRate(units as u8))
        } else {
            None
        }
    }
}

/// An LTE-V2X semi-persistent scheduling flow: a periodic reservation on the sidelink
/// (3GPP TS 36.213 §14.1.1.6), as Qualcomm's `createTxSpsFlow` and Autotalks' SPS sockets
/// expose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpsFlow {
    /// Identifies the flow among the radio's flows (one per periodic message stream).
    pub id: u16,
    /// Reservation period; 100 ms for 10 Hz SPaT.
    pub period: Duration,
    /// Bytes reserved per period.
    pub reserved_bytes: u16,
}

/// How a frame is to be sent. `None` fields take the radio's configured default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TxMeta {
    /// 5 GHz channel number; the radio must be tuned to it.
    pub channel: Option<u8>,
    /// 802.11p data rate.
    pub rate: Option<DataRate>,
    /// LTE-V2X modulation and coding scheme, where the radio lets the application choose.
    pub mcs: Option<u8>,
    /// Transmit power in dBm.
    pub power_dbm: Option<i8>,
    /// 802.11 user priority 0..=7 (EDCA access category: 6–7 voice, 4–5 video, 0 and 3 best
    /// effort, 1–2 background); for C-V2X the PPPP derives from it.
    pub user_priority: u8,
    /// Discard the frame if it has not gone out within this time of being handed over.
    pub expiry: Option<Duration>,
    /// Send in this SPS flow (C-V2X) instead of as an event.
    pub sps: Option<SpsFlow>,
}

/// A frame to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxFrame {
    pub dst: MacAddr,
    pub ethertype: EtherType,
    /// The network-layer bytes: a WSMP, GeoNetworking or DSMP packet, or IPv6.
    pub payload: Bytes,
    pub meta: TxMeta,
}

impl TxFrame {
    /// A broadcast frame with default metadata.
    pub fn broadcast(ethertype: EtherType, payload: Bytes) -> TxFrame {
        TxFrame {
            dst: MacAddr::BROADCAST,
            ethertype,
            payload,
            meta: TxMeta::default(),
        }
    }
}

/// What the radio reports about a received frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RxMeta {
    /// Channel it was received on, if the radio reports it.
    pub channel: Option<u8>,
    /// Received signal strength in dBm, if the radio reports it.
    pub rssi_dbm: Option<i8>,
    /// Data rate it was sent at, if the radio reports it.
    pub rate: Option<DataRate>,
    /// When it was received (tokio's clock, so paused-time tests measure exact delays).
    pub timestamp: tokio::time::Instant,
}

/// A received frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RxFrame {
    pub src: MacAddr,
    pub dst: MacAddr,
    pub ethertype: EtherType,
    pub payload: Bytes,
    pub meta: RxMeta,
}

/// Why a radio could not send or receive.
#[derive(Debug, thiserror::Error)]
pub enum RadioError {
    /// The frame asks for a channel the radio is not on.
    #[error(transparent)]
    Channel(#[from] ChannelError),
    /// The frame does not fit the medium (payload over the MTU, an EtherType it does not carry).
    #[error("frame refused: {0}")]
    Refused(String),
    /// The transmit queue is full; the frame was dropped.
    #[error("transmit queue full: frame dropped")]
    QueueFull,
    /// The frame expired before it could be sent.
    #[error("frame expired after {0:?} in the queue")]
    Expired(Duration),
    /// The device or medium is gone (interface down, medium dropped).
    #[error("radio closed: {0}")]
    Closed(String),
    /// Opening or using the device failed: names the device and what to do.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl RadioError {
    /// A stable reason code, for counters.
    pub const fn code(&self) -> &'static str {
        match self {
            RadioError::Channel(_) => "channel",
            RadioError::Refused(_) => "refused",
            RadioError::QueueFull => "queue_full",
            RadioError::Expired(_) => "expired",
            RadioError::Closed(_) => "closed",
            RadioError::Io { .. } => "io",
        }
    }
}

/// A V2X radio: sends and receives Ethernet II frames with metadata.
///
/// Both methods take `&self` so that one task can send while another receives (share the
/// radio in an `Arc`). Wrappers such as the pcap capture implement it around any radio.
pub trait Radio: Send + Sync {
    /// The station's MAC address: the source of frames it sends.
    fn address(&self) -> MacAddr;

    /// Sends one frame. Returns once the frame is handed to the medium or device queue.
    fn send(&self, frame: TxFrame) -> impl Future<Output = Result<(), RadioError>> + Send;

    /// Receives the next frame addressed to this station (its address or a group address).
    fn recv(&self) -> impl Future<Output = Result<RxFrame, RadioError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_rates() {
        assert_eq!(DataRate::from_mbps(6.0), Some(DataRate(12)));
        assert_eq!(DataRate::from_mbps(4.5), Some(DataRate(9)));
        assert_eq!(DataRate::from_mbps(4.2), None);
        assert_eq!(DataRate::from_mbps(0.0), None);
        assert_eq!(DataRate::from_mbps(200.0), None);
        assert_eq!(DataRate::DEFAULT.kbps(), 6000);
    }
}
