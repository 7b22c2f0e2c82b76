//! ASN.1 UPER codecs for the V2X messages an RSU sends and receives, with X.697 JER (JSON).
//!
//! One module per standard: [`j2735`] (SAE J2735, US) and [`etsi`] (ETSI ITS, EU), which share
//! the ISO TS 19091 intersection structure through [`dialect`]. T/CSAE 53 follows.

pub mod csae;
pub mod dialect;
pub mod error;
pub mod etsi;
pub mod j2735;
pub mod jer;
mod open;
pub mod random;

pub use error::Error;

#[cfg(test)]
pub(crate) mod testutil;
