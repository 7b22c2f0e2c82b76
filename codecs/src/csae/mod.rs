//! T/CSAE 53 (China, 2020 generation, phase 1) message set: BSM, MapData, SPAT, RSI and RSM
//! in a CHOICE [`MessageFrame`], with the phase-2 `msgFrameExt` envelope; UPER and X.697 JER.
//!
//! Types are written by hand from the standard's structure (field names, order, ranges,
//! optionality) with rasn's derives, following the conventions of [`crate::j2735`]: Rust
//! names are the ASN.1 names without hyphens, fields carry the standard's identifiers for
//! JER, extensible SEQUENCEs are `#[non_exhaustive]` with a `new` for their mandatory
//! fields.
//!
//! # Profiles
//!
//! Two incompatible 2020-generation schemas are deployed (`reference/cn-csae.md` §1.2), so
//! every entry point takes a [`Profile`]: [`Profile::Csae53_2020`] (the default, what the
//! public captures use) or [`Profile::Ydt3709_2020`]. They differ in seven types only:
//!
//! | type | csae53-2020 | ydt3709-2020 |
//! |---|---|---|
//! | [`NodeList`] | 1..63 | 1..32 |
//! | [`ConnectsToList`] | 1..16 | 1..8 |
//! | [`PathPointList`] | 1..32 | 2..32 |
//! | [`Link`]`.linkWidth` | OPTIONAL | mandatory |
//! | [`FullPositionVector`] | `posAccuracy` ellipse + `posConficence` set | `posAccuracy` = the set |
//! | [`DHour`] | 0..24 | 0..31 |
//! | [`DTimeOffset`] | -720..721 | -840..840 |
//!
//! Design: one tree of value types for both profiles, so a decoded MAP is the same Rust type
//! whichever schema it came in, and the whole message set is compiled once (the J2735 and
//! ETSI codecs already dominate the binary). Only the seven types above have hand-written
//! `Encode`/`Decode`: they read the profile that the entry point made current on this thread
//! ([`with_profile`]) and pass the matching constraint to rasn (the three lists and two
//! integers), or convert to a private derived mirror of that profile's SEQUENCE (Link,
//! FullPositionVector). Their public types hold the union of both profiles' fields; a value a
//! profile cannot carry (a Link without width, an accuracy ellipse under ydt3709-2020, 40
//! nodes) is refused when encoded, with its field path. Outside an entry point (calling
//! `rasn::uper` directly) csae53-2020 applies.
#![allow(clippy::upper_case_acronyms, clippy::too_many_arguments)]

mod bsm;
mod common;
mod frame;
mod map;
pub mod profile;
mod rsi;
mod rsm;
mod spat;

pub use bsm::*;
pub use common::*;
pub use frame::*;
pub use map::*;
pub use profile::{
    ConnectsToList, DHour, DTimeOffset, NodeList, PathPointList, Profile, current, with_profile,
};
pub use rsi::*;
pub use rsm::*;
pub use spat::*;
