//! ASN.1 UPER codecs for the V2X messages an RSU sends and receives, with X.697 JER (JSON).
//!
//! One module per standard: [`j2735`] (SAE J2735, US). ETSI ITS and T/CSAE 53 follow.

pub mod error;
pub mod j2735;
pub mod jer;
mod open;
pub mod random;

pub use error::Error;

#[cfg(test)]
pub(crate) mod testutil;
