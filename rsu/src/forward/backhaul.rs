//! Backhaul destinations for received messages: UDP datagrams or a TCP stream with a bounded
//! queue and reconnection, so that a slow or dead server never blocks the radio path.
