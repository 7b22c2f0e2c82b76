//! Everything below the security layer: radios, network framing (WSMP, GeoNetworking+BTP,
//! DSMP), pcap capture and GNSS.
//!
//! Empty until its issue is worked: the crate exists so the workspace has its final shape.
