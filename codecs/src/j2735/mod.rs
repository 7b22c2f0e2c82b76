//! SAE J2735 (2020 message set, reading 2016 data too): typed messages with UPER and JER.
//!
//! Types are written by hand from the standard's structure with rasn's derives. Conventions:
//! - a type's Rust name is its ASN.1 name without hyphens (`Node-XY-20b` is [`NodeXY20b`]);
//! - fields are snake_case and carry the standard's identifier for JER (`state-time-speed`);
//! - extensible SEQUENCEs are `#[non_exhaustive]`, so each has a `new` taking its mandatory
//!   fields (OPTIONAL fields start as `None`, DEFAULT fields at their default);
//! - named bits of a BIT STRING are associated `usize` constants giving the bit's number.
#![allow(clippy::upper_case_acronyms, clippy::too_many_arguments)]

mod bsm;
mod common;
pub(crate) mod fast_spat;
mod frame;
mod itis;
mod map;
mod part2;
mod psm;
mod rsa;
mod spat;
mod srm;
mod tim;

pub use crate::dialect::{Dialect, J2735};
pub use bsm::*;
pub use common::*;
pub use frame::*;
pub use itis::*;
pub use map::*;
pub use part2::*;
pub use psm::*;
pub use rsa::*;
pub use spat::*;
pub use srm::*;
pub use tim::*;
