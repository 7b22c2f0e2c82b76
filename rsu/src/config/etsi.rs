//! `[etsi]`: how the EU region (SPATEM and MAPEM over GeoNetworking and BTP, ETSI ITS-G5)
//! puts the intersection on the air. Every field has a default; the section is needed only
//! to change them.
//!
//! The C-Roads profile that would pin SHB or GBC, lifetimes and traffic classes could not be
//! read (`reference/eu-etsi.md` §1.3): the defaults are the ETSI ones (SHB, RHL = MHL = 1;
//! GBC with itsGnDefaultHopLimit 10) and a deploying authority sets its own here.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::Checker;

/// The section as serde reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EtsiSection {
    /// ItsPduHeader stationId of the SPATEM and MAPEM (default: the low 32 bits of the
    /// radio's MAC address, unique per box).
    pub station_id: Option<Spanned<u32>>,
    /// How SPATEM goes out: `shb` (single-hop broadcast, the default) or `gbc`.
    pub spatem_transport: Option<Spanned<String>>,
    /// How MAPEM goes out: `shb` (default) or `gbc`.
    pub mapem_transport: Option<Spanned<String>>,
    /// GBC: the radius of the circle around the intersection's reference point, in metres
    /// (default 300).
    pub gbc_radius_m: Option<Spanned<u32>>,
    /// GBC: the maximum hop limit (default itsGnDefaultHopLimit, 10).
    pub gbc_hop_limit: Option<Spanned<u8>>,
    /// GeoNetworking packet lifetime in ms (default 1000): how long a forwarder may keep a
    /// SPATEM or MAPEM; a stale signal state is worse than none.
    pub lifetime_ms: Option<Spanned<u64>>,
    /// GeoNetworking traffic class ID (DCC profile) of SPATEM, 0..=63 (default 2).
    pub spatem_traffic_class: Option<Spanned<u8>>,
    /// Traffic class ID of MAPEM, 0..=63 (default 3).
    pub mapem_traffic_class: Option<Spanned<u8>>,
    /// Traffic class ID of the DENMs the TMC hands over, 0..=63 (default 1: a hazard warning
    /// goes before signal state).
    pub denm_traffic_class: Option<Spanned<u8>>,
    /// Traffic class ID of the IVIMs the TMC hands over, 0..=63 (default 3, as MAPEM).
    pub ivim_traffic_class: Option<Spanned<u8>>,
    /// GeoNetworking beacons when no SHB went out for 3 s (default true, as EN 302 636-4-1
    /// requires of a station that sends nothing else single-hop).
    pub beacons: Option<bool>,
    /// The RSU's own CAM (stationType 15) every this many ms, 100..=10000 (default: none).
    /// It carries the ticket in full at least once a second, so vehicles can verify
    /// digest-signed messages of this RSU.
    pub cam_interval_ms: Option<Spanned<u64>>,
}

/// Single-hop or geo-broadcast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GnTransport {
    /// Single-hop broadcast (HT 5, HST 0).
    Shb,
    /// Geo-broadcast to a circle around the intersection's reference point (HT 4, HST 0).
    Gbc,
}

/// The EU region's settings, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EtsiConfig {
    /// ItsPduHeader stationId; `None`: from the radio's MAC address.
    pub station_id: Option<u32>,
    pub spatem: GnTransport,
    pub mapem: GnTransport,
    pub gbc_radius_m: u16,
    pub gbc_hop_limit: u8,
    pub lifetime: Duration,
    pub spatem_traffic_class: u8,
    pub mapem_traffic_class: u8,
    pub denm_traffic_class: u8,
    pub ivim_traffic_class: u8,
    pub beacons: bool,
    /// The RSU CAM's interval; `None`: no CAM.
    pub cam_interval: Option<Duration>,
}

impl Default for EtsiConfig {
    fn default() -> Self {
        EtsiConfig {
            station_id: None,
            spatem: GnTransport::Shb,
            mapem: GnTransport::Shb,
            gbc_radius_m: 300,
            gbc_hop_limit: 10,
            lifetime: Duration::from_secs(1),
            spatem_traffic_class: 2,
            mapem_traffic_class: 3,
            denm_traffic_class: 1,
            ivim_traffic_class: 3,
            beacons: true,
            cam_interval: None,
        }
    }
}

/// Checks `[etsi]`; every problem is reported with its field and line.
pub(super) fn check_etsi(c: &mut Checker<'_>, s: &EtsiSection) -> Option<EtsiConfig> {
    let d = EtsiConfig::default();
    let transports = [("shb", GnTransport::Shb), ("gbc", GnTransport::Gbc)];
    let spatem = match &s.spatem_transport {
        None => Some(d.spatem),
        Some(t) => c.choice("etsi.spatem_transport", t, &transports),
    };
    let mapem = match &s.mapem_transport {
        None => Some(d.mapem),
        Some(t) => c.choice("etsi.mapem_transport", t, &transports),
    };
    // A GeoArea's distances are 16-bit metres.
    let radius = match &s.gbc_radius_m {
        None => Some(d.gbc_radius_m),
        Some(r) => c
            .ranged("etsi.gbc_radius_m", r, 1..=65_535, "metres")
            .and_then(|r| u16::try_from(r).ok()),
    };
    let hops = match &s.gbc_hop_limit {
        None => Some(d.gbc_hop_limit),
        Some(h) => c.ranged("etsi.gbc_hop_limit", h, 1..=255, "hops"),
    };
    // The lifetime field's largest value is 63 × 100 s.
    let lifetime = match &s.lifetime_ms {
        None => Some(d.lifetime),
        Some(l) => c
            .ranged("etsi.lifetime_ms", l, 50..=6_300_000, "ms")
            .map(Duration::from_millis),
    };
    let class = |c: &mut Checker<'_>, field: &str, v: &Option<Spanned<u8>>, default: u8| match v {
        None => Some(default),
        Some(v) => c.ranged(field, v, 0..=63, "traffic class ID"),
    };
    let spatem_tc = class(
        c,
        "etsi.spatem_traffic_class",
        &s.spatem_traffic_class,
        d.spatem_traffic_class,
    );
    let mapem_tc = class(
        c,
        "etsi.mapem_traffic_class",
        &s.mapem_traffic_class,
        d.mapem_traffic_class,
    );
    let denm_tc = class(
        c,
        "etsi.denm_traffic_class",
        &s.denm_traffic_class,
        d.denm_traffic_class,
    );
    let ivim_tc = class(
        c,
        "etsi.ivim_traffic_class",
        &s.ivim_traffic_class,
        d.ivim_traffic_class,
    );
    let cam_interval = match &s.cam_interval_ms {
        None => Some(None),
        Some(v) => c
            .ranged("etsi.cam_interval_ms", v, 100..=10_000, "ms")
            .map(|ms| Some(Duration::from_millis(ms))),
    };
    Some(EtsiConfig {
        station_id: s.station_id.as_ref().map(|v| *v.get_ref()),
        spatem: spatem?,
        mapem: mapem?,
        gbc_radius_m: radius?,
        gbc_hop_limit: hops?,
        lifetime: lifetime?,
        spatem_traffic_class: spatem_tc?,
        mapem_traffic_class: mapem_tc?,
        denm_traffic_class: denm_tc?,
        ivim_traffic_class: ivim_tc?,
        beacons: s.beacons.unwrap_or(d.beacons),
        cam_interval: cam_interval?,
    })
}
