//! End-to-end hardware-in-the-loop tests over the loopback radio live here.
