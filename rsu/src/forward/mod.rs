//! What the RSU sends for others and passes on (USDOT RSU 4.1 §3.3, NTCIP 1218 `rsuIFM`,
//! `rsuMsgRepeat`, `rsuReceivedMsg`).
//!
//! - [`message_file`]: the RSU 4.1 message file format v0.7 (`Key=Value` lines) that both
//!   Immediate Forward datagrams and Store-and-Repeat files use.
//! - [`backhaul`]: UDP and TCP destinations for received messages: bounded queues, reconnect
//!   with backoff, never blocking the caller.

pub mod backhaul;
pub mod message_file;
