//! TSCBM: the signal controller's 10 Hz broadcast message over UDP.
