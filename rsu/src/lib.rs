//! The roadside unit: its service and command-line tool.
//!
//! - [`clock`]: UTC and the clocks the service reads it from.
//! - [`controller`]: what a signal controller reports (TSCBM, the fixed-time simulator).
//! - [`intersection`]: the intersection model (signal groups, lanes, connections).
//! - [`j2735`]: SPaT and MAP for the US message set.
//! - [`telemetry`]: metrics and logs.

pub mod clock;
pub mod controller;
pub mod demo;
pub mod frame_cli;
pub mod input;
pub mod intersection;
pub mod j2735;
pub mod scheduler;
pub mod security_cli;
pub mod telemetry;
