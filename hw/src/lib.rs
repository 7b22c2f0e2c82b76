//! Everything below the security layer: the radio interface and its backends, network
//! framing (IEEE 1609.3 WSMP, ETSI GeoNetworking + BTP, China's DSMP), channels, pcap
//! capture, and the RSU's position and time (GNSS).

pub mod channels;
pub mod demux;
pub mod gnss;
pub mod ip;
pub mod pcap;
pub mod psid;
pub mod radio;
pub mod wire;

pub use gnss::{GnssError, GnssState, PositionSource};
pub use pcap::{CapturedFrame, LinkType, PcapError, PcapReader, PcapRecord, PcapWriter};
pub use psid::{Psid, PsidError};
pub use radio::any::{AnyRadio, Backend};
pub use radio::capture::Capture;
pub use radio::loopback::{LoopbackMedium, LoopbackRadio};
pub use radio::udp::UdpMedium;
pub use radio::{DataRate, Radio, RadioError, RxFrame, RxMeta, SpsFlow, TxFrame, TxMeta};
pub use wire::{EtherType, Layer, MacAddr, WireError};
