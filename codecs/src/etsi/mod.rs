//! ETSI ITS (EU): the ItsPduHeader envelopes of TS 103 301 (SPATEM, MAPEM, SREM, SSEM, IVIM)
//! and EN 302 637 (CAM, DENM), with the ETSI-ITS-DSRC content (ISO TS 19091 ed. 2) shared
//! with [`crate::j2735`] through the [`Etsi`] dialect, and the Addgrp-C regional extensions.
#![allow(clippy::upper_case_acronyms, clippy::too_many_arguments)]

mod cdd;

pub use crate::dialect::{Dialect, Etsi};
pub use cdd::*;
