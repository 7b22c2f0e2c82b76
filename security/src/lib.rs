//! IEEE 1609.2 / ETSI TS 103 097 security: SPDUs, certificates, signing and verification.
//!
//! Everything is COER (canonical OER) through rasn-its types; the payload inside is opaque
//! (UPER from `rsu-codecs`). Time is always an argument, never read inside the checks.
//!
//! - [`spdu`]: parse and build `Ieee1609Dot2Data` (unsecured and signed).
//! - [`guard`]: a structure pre-check run before rasn decodes received bytes.
//! - [`cert`]: certificates with their canonical hash, HashedId8/3 and decompressed key.
//! - [`trust`]: trust anchors, known certificates, chain validation and its cache.
//! - [`verify`]: the verifier and its typed outcome.
//! - [`sign`]: the signer, its key backends and the certificate-inclusion policy.
//! - [`etsi`]: the ETSI TS 103 097 profile (signer form per ITS-AID, header rules, receive
//!   checks) and the ETSI SSPs of authorisation tickets.
//! - [`cn`]: China's profile (YD/T 3957 / GB/T 45112): the SM2 signature input (Z_A with the
//!   certificate hash as ID), the CN AIDs, the legacy YD/T 3594 marker.
//! - [`pki`]: a throw-away test PKI (root CA + RSU certificate; EU: root, AA, AT; China: SM2
//!   root, application CA, RSU certificate), for tests and demos only.

pub mod cert;
pub mod cn;
pub mod coer;
pub mod ecqv;
pub mod etsi;
pub mod guard;
pub mod hash;
pub mod keys;
pub mod pki;
pub mod region;
pub mod sign;
pub mod spdu;
pub mod time;
pub mod trust;
pub mod verify;

#[cfg(test)]
mod testutil;

pub use cert::Certificate;
pub use hash::{HashAlg, HashedId3, HashedId8};
pub use keys::{Curve, RawSignature, VerifyKey};
pub use spdu::{Header, Spdu};
