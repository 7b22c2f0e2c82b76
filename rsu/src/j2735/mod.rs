//! SAE J2735 (US) messages built from the intersection model and controller state.

pub mod map;
pub mod spat;
