//! Network headers below the security layer, each as a zero-copy view over a buffer
//! (`Packet<T: AsRef<[u8]>>` with `new_checked` and field accessors) plus a `Repr` with
//! `parse` and `emit`, in the manner of smoltcp's `wire` module.
//!
//! Every parser takes bytes from outside the process: it never panics, and it rejects
//! truncated or inconsistent input with a [`WireError`] that says which layer and field.

pub mod btp;
pub mod dsmp;
pub mod ethernet;
mod ext;
pub mod geonet;
pub mod wsmp;

pub use btp::{BtpKind, BtpPacket, BtpPort, BtpRepr};
pub use dsmp::{Aid, DsmpHeaderPrefix, DsmpPacket, DsmpRepr, is_dsmp};
pub use ethernet::{EtherType, EthernetFrame, EthernetRepr, MacAddr};
pub use geonet::{
    AreaShape, BasicHeader, BasicNextHeader, CommonHeader, CommonNextHeader, Extended, GeoArea,
    GeoNetworkingPacket, GeoNetworkingRepr, GnAddress, GnBtpHeaders, Lifetime, LifetimeBase,
    LongPositionVector, StationType, Timestamp, TrafficClass, secured_packet,
};
pub use wsmp::{ExtensionElement, WsmpHeaderPrefix, WsmpPacket, WsmpRepr};

use std::fmt;

/// The protocol layer a [`WireError`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    Ethernet,
    /// IEEE 1609.3 WAVE Short Message Protocol.
    Wsmp,
    /// ETSI EN 302 636-4-1 GeoNetworking.
    GeoNetworking,
    /// ETSI EN 302 636-5-1 Basic Transport Protocol.
    Btp,
    /// YD/T 3707 DSMP (China).
    Dsmp,
    Radiotap,
}

impl Layer {
    /// A stable lower-case name, for metric labels.
    pub const fn name(self) -> &'static str {
        match self {
            Layer::Ethernet => "ethernet",
            Layer::Wsmp => "wsmp",
            Layer::GeoNetworking => "geonetworking",
            Layer::Btp => "btp",
            Layer::Dsmp => "dsmp",
            Layer::Radiotap => "radiotap",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a header could not be parsed or emitted. Offsets count from the start of the
/// layer's own header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The buffer ends before a field does.
    #[error("{layer}: truncated: {field} at byte {offset} needs {needed} bytes, {available} left")]
    Truncated {
        layer: Layer,
        field: &'static str,
        offset: usize,
        needed: usize,
        available: usize,
    },
    /// A field holds a value the standard does not allow.
    #[error("{layer}: {field} at byte {offset} is {value:#x}: {expected}")]
    Invalid {
        layer: Layer,
        field: &'static str,
        offset: usize,
        value: u64,
        expected: &'static str,
    },
    /// A length field disagrees with the data that follows it.
    #[error("{layer}: {field} says {declared} bytes but {actual} follow")]
    LengthMismatch {
        layer: Layer,
        field: &'static str,
        declared: usize,
        actual: usize,
    },
    /// A well-formed value this implementation does not handle (another version, a header
    /// type it does not build).
    #[error("{layer}: {field} {value:#x} is not supported: {supported}")]
    Unsupported {
        layer: Layer,
        field: &'static str,
        value: u64,
        supported: &'static str,
    },
    /// `emit` was given a buffer too small or a representation that cannot be encoded.
    #[error("{layer}: cannot emit {field}: {reason}")]
    Emit {
        layer: Layer,
        field: &'static str,
        reason: &'static str,
    },
}

impl WireError {
    /// The layer the error comes from.
    pub const fn layer(&self) -> Layer {
        match self {
            WireError::Truncated { layer, .. }
            | WireError::Invalid { layer, .. }
            | WireError::LengthMismatch { layer, .. }
            | WireError::Unsupported { layer, .. }
            | WireError::Emit { layer, .. } => *layer,
        }
    }

    /// A stable reason code, for the counter of rejected frames.
    pub const fn code(&self) -> &'static str {
        match self {
            WireError::Truncated { .. } => "truncated",
            WireError::Invalid { .. } => "invalid",
            WireError::LengthMismatch { .. } => "length_mismatch",
            WireError::Unsupported { .. } => "unsupported",
            WireError::Emit { .. } => "emit",
        }
    }
}

/// Returns `data[offset..offset + len]`, or a [`WireError::Truncated`] naming the field.
pub(crate) fn field<'a>(
    layer: Layer,
    field: &'static str,
    data: &'a [u8],
    offset: usize,
    len: usize,
) -> Result<&'a [u8], WireError> {
    offset
        .checked_add(len)
        .and_then(|end| data.get(offset..end))
        .ok_or(WireError::Truncated {
            layer,
            field,
            offset,
            needed: len,
            available: data.len().saturating_sub(offset),
        })
}
