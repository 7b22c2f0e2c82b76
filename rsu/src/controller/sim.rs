//! A fixed-time signal controller simulator.
