//! What the operator sees: Prometheus metrics and tracing logs.

pub mod http;
pub mod logging;
pub mod metrics;
pub mod throttle;
pub mod udp_drops;
