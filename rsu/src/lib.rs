//! The roadside unit: its service and command-line tool.
//!
//! Today: the command-line codec and 1609.2 security tools and a demonstration of the SPaT
//! path. The broadcast service (controller input, scheduler, radio) arrives with its issue.

pub mod demo;
pub mod frame_cli;
pub mod input;
pub mod security_cli;
