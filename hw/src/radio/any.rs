//! A radio whose backend is chosen at run time, from the configuration.
//!
//! The service is generic over [`Radio`] so tests and benchmarks can drive it with any
//! medium, but a binary that picks its backend from a file would otherwise instantiate the
//! whole service once per backend and once more per backend wrapped in a [`Capture`]: six
//! copies of the runtime, about 0.9 MB of a 10 MB binary. [`AnyRadio`] is one concrete type
//! for all of them; a `match` per frame is all it costs.

use std::path::Path;

use super::capture::Capture;
use super::loopback::LoopbackRadio;
use super::udp::UdpMedium;
use super::{Radio, RadioError, RxFrame, TxFrame};
use crate::pcap::LinkType;
use crate::wire::MacAddr;

/// One of the backends, without a capture.
#[derive(Debug)]
pub enum Backend {
    /// The in-process loopback medium (demo, tests).
    Loopback(LoopbackRadio),
    /// Frames over UDP (hardware-in-the-loop with a separate process).
    Udp(UdpMedium),
    /// An AF_PACKET socket on a Linux network interface (a real radio).
    #[cfg(target_os = "linux")]
    Raw(super::raw::RawSocketRadio),
}

impl Radio for Backend {
    fn address(&self) -> MacAddr {
        match self {
            Backend::Loopback(r) => r.address(),
            Backend::Udp(r) => r.address(),
            #[cfg(target_os = "linux")]
            Backend::Raw(r) => r.address(),
        }
    }

    async fn send(&self, frame: TxFrame) -> Result<(), RadioError> {
        match self {
            Backend::Loopback(r) => r.send(frame).await,
            Backend::Udp(r) => r.send(frame).await,
            #[cfg(target_os = "linux")]
            Backend::Raw(r) => r.send(frame).await,
        }
    }

    async fn recv(&self) -> Result<RxFrame, RadioError> {
        match self {
            Backend::Loopback(r) => r.recv().await,
            Backend::Udp(r) => r.recv().await,
            #[cfg(target_os = "linux")]
            Backend::Raw(r) => r.recv().await,
        }
    }
}

/// A backend, with or without a pcap capture of what it sends and receives.
#[derive(Debug)]
pub enum AnyRadio {
    /// Frames go to the backend only.
    Plain(Backend),
    /// Every frame is also written to a pcap file.
    Captured(Capture<Backend>),
}

impl AnyRadio {
    /// The backend as it is.
    pub fn new(backend: Backend) -> AnyRadio {
        AnyRadio::Plain(backend)
    }

    /// The backend with every frame also written to a new pcap file at `path`.
    pub fn captured(backend: Backend, path: &Path, link: LinkType) -> std::io::Result<AnyRadio> {
        Capture::create(backend, path, link).map(AnyRadio::Captured)
    }
}

impl Radio for AnyRadio {
    fn address(&self) -> MacAddr {
        match self {
            AnyRadio::Plain(r) => r.address(),
            AnyRadio::Captured(r) => r.address(),
        }
    }

    async fn send(&self, frame: TxFrame) -> Result<(), RadioError> {
        match self {
            AnyRadio::Plain(r) => r.send(frame).await,
            AnyRadio::Captured(r) => r.send(frame).await,
        }
    }

    async fn recv(&self) -> Result<RxFrame, RadioError> {
        match self {
            AnyRadio::Plain(r) => r.recv().await,
            AnyRadio::Captured(r) => r.recv().await,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::channels::{ChannelAccess, ChannelConfig, ChannelPlan, Region, Technology};
    use crate::pcap::PcapReader;
    use crate::radio::loopback::{LoopbackConfig, LoopbackMedium};
    use crate::wire::EtherType;
    use bytes::Bytes;

    fn frame(n: u8) -> TxFrame {
        TxFrame::broadcast(EtherType::WSMP, Bytes::from(vec![n; 20]))
    }

    #[tokio::test]
    async fn each_form_delivers_and_a_capture_records() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let us = ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap();
        let channels = ChannelConfig::new(us, ChannelAccess::Continuous { channel: 172 }).unwrap();
        let listener = medium.node(MacAddr::local([2, 0, 0, 0, 0, 9]), channels);
        let plain = AnyRadio::new(Backend::Loopback(
            medium.node(MacAddr::local([2, 0, 0, 0, 0, 1]), channels),
        ));
        let path = std::env::temp_dir().join(format!("rsu-hw-any-{}.pcap", std::process::id()));
        let captured = AnyRadio::captured(
            Backend::Loopback(medium.node(MacAddr::local([2, 0, 0, 0, 0, 2]), channels)),
            &path,
            LinkType::Ethernet,
        )
        .unwrap();
        assert_eq!(captured.address(), MacAddr::local([2, 0, 0, 0, 0, 2]));
        plain.send(frame(1)).await.unwrap();
        captured.send(frame(2)).await.unwrap();
        let first = listener.recv().await.unwrap();
        let second = listener.recv().await.unwrap();
        assert_eq!(
            (first.src, second.src),
            (plain.address(), captured.address())
        );
        assert_eq!(second.payload[..], [2; 20]);
        drop(captured);
        let records = PcapReader::new(std::fs::File::open(&path).unwrap())
            .unwrap()
            .count();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(records, 1, "the captured radio wrote its one frame");
    }
}
