//! ASN.1 UPER codecs for the V2X messages an RSU sends and receives, with X.697 JER (JSON).
//!
//! One module per standard: [`j2735`] (SAE J2735, US) and [`etsi`] (ETSI ITS, EU), which share
//! the ISO TS 19091 intersection structure through [`dialect`]; and [`csae`] (T/CSAE 53,
//! China: BSM, MapData, SPAT, RSI and RSM of the 2020 generation in a CHOICE MessageFrame),
//! a structure of its own. Its entry points, like those of [`j2735::MessageFrame`], are
//! `decode` (returning the bytes used), `encode`, `to_jer` and `from_jer` on
//! [`csae::MessageFrame`], each taking the schema [`csae::Profile`] (`csae53-2020` or
//! `ydt3709-2020`; the seven types that differ are listed in [`csae`]). Errors are [`Error`]
//! throughout, and no input makes a decoder panic (fuzzed: `fuzz/`).

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
