//! The roadside unit: its service and command-line tool.
//!
//! - [`config`]: the TOML configuration and `rsu check-config`.
//! - [`clock`]: UTC and the clocks the service reads it from.
//! - [`controller`]: what a signal controller reports (TSCBM, the fixed-time simulator).
//! - [`intersection`]: the intersection model (signal groups, lanes, connections).
//! - [`j2735`]: SPaT and MAP for the US message set.
//! - [`forward`]: Immediate Forward, Store-and-Repeat and received-message forwarding.
//! - [`scheduler`]: when each message goes out (sans-IO).
//! - [`tx`]: the hot path: encode, sign, frame.
//! - [`runtime`]: sockets, timers and tasks around the pure parts.
//! - [`app`]: `rsu run` as a process, with the embedded demo.
//! - [`telemetry`]: metrics and logs.

pub mod app;
pub mod clock;
pub mod config;
pub mod controller;
pub mod forward;
pub mod frame_cli;
pub mod input;
pub mod intersection;
pub mod j2735;
pub mod preflight;
pub mod region;
pub mod runtime;
pub mod scheduler;
pub mod security_cli;
pub mod telemetry;
pub mod tx;
