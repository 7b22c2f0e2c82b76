//! IEEE 1609.2 / ETSI TS 103 097 security: SPDUs, certificates, signing and verification.
//!
//! Empty until its issue is worked: the crate exists so the workspace has its final shape.

pub mod ecqv;
pub mod region;
