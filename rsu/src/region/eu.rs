//! The EU region's carrier: SPATEM and MAPEM in BTP-B (ports 2004 and 2003) over
//! GeoNetworking (EN 302 636-4-1) on ITS-G5, signed per ETSI TS 103 097, with the
//! GeoNetworking beacons a station owes when it sends no single-hop broadcast.
//!
//! A secured packet is the basic header (next header 2) followed by the signed data, whose
//! payload is everything from the common header on: common header, extended header, BTP
//! header and message. The headers are finished (timestamp, sequence number, length) before
//! signing and never touched after (`reference/eu-etsi.md` §2.3); only the basic header,
//! which forwarders rewrite, stays outside the signature.

use bytes::BytesMut;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rsu_hw::wire::{
    BasicHeader, BasicNextHeader, BtpPort, BtpRepr, CommonHeader, CommonNextHeader, Extended,
    GeoNetworkingRepr, GnBtpHeaders, Lifetime, LongPositionVector, Timestamp, TrafficClass,
};
use rsu_hw::{EtherType, MacAddr, Psid, TxFrame, TxMeta, WireError};
use rsu_security::sign::Signer;

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use rsu_codecs::etsi::{self, Redialect};
use rsu_codecs::j2735::{MapData, StationID};
use rsu_hw::channels::Region;

use rsu_security::etsi::ssp::{self, SpatemContent, SspNeed};
use rsu_security::etsi::{
    EtsiPolicy, ITS_AID_CAM, ITS_AID_DENM, ITS_AID_GN_MGMT, ITS_AID_IVIM, ITS_AID_MAPEM,
    ITS_AID_SPATEM,
};
use rsu_security::sign::Profile;
use rsu_security::spdu::Location;

use super::{Carrier, Content, MessageSet, Output, Slot, Target};
use crate::config::{
    EtsiConfig, GnTransport, MapSource, PositionConfig, RadioConfig, ServiceConfig,
};
use crate::forward::MessageKind;
use crate::forward::tmc::Accepted;
use crate::j2735::spat;
use crate::runtime::StartError;
use crate::scheduler::Stream;
use crate::tx::TxError;

/// itsGnBeaconServiceRetransmitTimer (EN 302 636-4-1 Annex H), in µs.
const BEACON_INTERVAL_US: i64 = 3_000_000;
/// itsGnBeaconServiceMaxJitter: a quarter of the retransmit timer, in µs.
const BEACON_MAX_JITTER_US: i64 = 750_000;

/// The ITS-AIDs the EU region signs, with the setting that asks for each.
pub fn signed_psids(etsi: &EtsiConfig) -> Vec<(Psid, String)> {
    let mut asked = vec![
        (ITS_AID_SPATEM, "rsu.regions (eu: SPATEM, ITS-AID 137)"),
        (ITS_AID_MAPEM, "rsu.regions (eu: MAPEM, ITS-AID 138)"),
    ];
    if etsi.cam_interval.is_some() {
        asked.push((
            ITS_AID_CAM,
            "etsi.cam_interval_ms (the RSU's CAM, ITS-AID 36)",
        ));
    }
    if etsi.beacons {
        asked.push((
            ITS_AID_GN_MGMT,
            "etsi.beacons (GeoNetworking beacons, ITS-AID 141)",
        ));
    }
    asked
        .into_iter()
        .filter_map(|(aid, field)| {
            let psid = Psid::new(u32::try_from(aid).ok()?)?;
            Some((psid, field.to_owned()))
        })
        .collect()
}

/// A signer under the TS 103 097 profile: generationTime always, no generationLocation, and a
/// SPATEM or MAPEM names its signer by certificate (§7.1.3; only CAMs carry the P2PCD that
/// would let a vehicle learn the ticket from a digest), a CAM by digest with the ticket at
/// least once a second. The ticket's SSPs are read here, once.
fn etsi_profile(signer: Signer) -> Signer {
    signer.with_profile(Profile::Etsi103097(EtsiPolicy::default()))
}

/// TAI milliseconds since 2004-01-01 at `now_unix_us`, as the GeoNetworking timestamp
/// counts them (modulo 2^32).
fn gn_timestamp(now_unix_us: i64) -> Timestamp {
    Timestamp::from_tai_millis(rsu_security::time::time64_from_unix_micros(now_unix_us) / 1000)
}

/// One message stream: its headers, encoded once and patched per message.
#[derive(Debug)]
struct GnStream {
    headers: GnBtpHeaders,
    its_aid: u64,
    transport: GnTransport,
}

impl GnStream {
    fn new(
        transport: GnTransport,
        port: BtpPort,
        its_aid: u64,
        traffic_class: u8,
        etsi: &EtsiConfig,
        source: LongPositionVector,
    ) -> Result<GnStream, WireError> {
        let tc = TrafficClass {
            store_carry_forward: false,
            channel_offload: false,
            id: traffic_class,
        };
        let gn = match transport {
            GnTransport::Shb => GeoNetworkingRepr::shb(source, CommonNextHeader::BtpB, tc),
            // The area is moved to each intersection's reference point per message.
            GnTransport::Gbc => GeoNetworkingRepr::gbc_circle(
                0,
                source,
                source.latitude,
                source.longitude,
                etsi.gbc_radius_m,
                etsi.gbc_hop_limit,
                CommonNextHeader::BtpB,
                tc,
            ),
        }
        .with_lifetime(Lifetime::from_duration(etsi.lifetime)?);
        let btp = BtpRepr::B {
            dst_port: port,
            dst_port_info: 0,
        };
        let headers = GnBtpHeaders::new(&gn, &btp)?;
        Ok(GnStream {
            headers,
            its_aid,
            transport,
        })
    }
}

/// GeoNetworking + BTP framing and TS 103 097 signing for one radio.
#[derive(Debug)]
pub struct GeoNet {
    signer: Option<Signer>,
    spatem: GnStream,
    mapem: GnStream,
    /// The GBC sequence number: one counter for every GBC this station originates, shared
    /// with the TMC's DENMs and IVIMs ([`super::Shared`]).
    sequence_number: Arc<AtomicU16>,
    /// The beacon's repr, `None` when beacons are off.
    beacon: Option<GeoNetworkingRepr>,
    /// When the next beacon is due (Unix µs), counted from the last SHB or beacon.
    beacon_due_us: Option<i64>,
    /// The RSU's own CAM, when configured.
    cam: Option<RsuCam>,
    jitter: ChaCha8Rng,
    meta: TxMeta,
    inner: Vec<u8>,
    frames: BytesMut,
}

/// The RSU's CAM (EN 302 637-2 §6.1.3): stationType 15 and `rsuContainerHighFrequency`,
/// by SHB on BTP-B port 2001 at the configured interval, signed with ITS-AID 36 (by digest,
/// with the full ticket at least once a second: the P2PCD that lets vehicles learn it).
#[derive(Debug)]
struct RsuCam {
    headers: GnBtpHeaders,
    interval_us: i64,
    due_us: Option<i64>,
    station_id: u32,
    reference: etsi::ReferencePosition,
    encoded: Vec<u8>,
}

impl RsuCam {
    /// This instant's CAM, encoded.
    fn encode(&mut self, now_unix_us: i64) -> Result<(), TxError> {
        let its_ms = rsu_security::time::time64_from_unix_micros(now_unix_us) / 1000;
        let body = etsi::CoopAwareness::rsu(
            etsi::GenerationDeltaTime::from_timestamp(etsi::TimestampIts(its_ms)),
            self.reference,
            None,
        );
        self.encoded = etsi::Cam::new(StationID(self.station_id), body).encode_uper()?;
        Ok(())
    }
}

/// The reference position of an RSU's CAM: its surveyed place, without a confidence the
/// configuration does not give (unavailable), at its elevation when known.
fn reference_position(position: (i32, i32), elevation_dm: Option<i32>) -> etsi::ReferencePosition {
    let mut reference = etsi::ReferencePosition::unknown_accuracy(
        rsu_codecs::j2735::Latitude(position.0),
        etsi::Longitude(position.1),
    );
    if let Some(dm) = elevation_dm {
        reference.altitude.altitude_value = etsi::AltitudeValue((dm * 10).clamp(-100_000, 800_000));
    }
    reference
}

impl GeoNet {
    /// The carrier for `etsi`'s settings, sending from `position` (latitude, longitude in
    /// 1e-7 degree) with the radio's MAC address as the GeoNetworking address.
    pub fn new(
        etsi: &EtsiConfig,
        radio: &RadioConfig,
        position: (i32, i32),
        signer: Option<Signer>,
    ) -> Result<GeoNet, WireError> {
        Self::with_cam(
            etsi,
            radio,
            position,
            None,
            0,
            signer,
            &super::Shared::default(),
        )
    }

    /// As [`GeoNet::new`], with the elevation (decimetres) and station id the RSU's CAM
    /// carries when `etsi` asks for one.
    pub fn with_cam(
        etsi: &EtsiConfig,
        radio: &RadioConfig,
        position: (i32, i32),
        elevation_dm: Option<i32>,
        station_id: u32,
        signer: Option<Signer>,
        shared: &super::Shared,
    ) -> Result<GeoNet, WireError> {
        let source = LongPositionVector::rsu(radio.mac, Timestamp(0), position.0, position.1);
        let spatem = GnStream::new(
            etsi.spatem,
            BtpPort::SPATEM,
            ITS_AID_SPATEM,
            etsi.spatem_traffic_class,
            etsi,
            source,
        )?;
        let mapem = GnStream::new(
            etsi.mapem,
            BtpPort::MAPEM,
            ITS_AID_MAPEM,
            etsi.mapem_traffic_class,
            etsi,
            source,
        )?;
        let beacon = etsi.beacons.then_some(GeoNetworkingRepr {
            basic: BasicHeader {
                version: BasicHeader::VERSION,
                next_header: BasicNextHeader::CommonHeader,
                lifetime: Lifetime::from_duration(etsi.lifetime)?,
                remaining_hop_limit: 1,
            },
            common: CommonHeader {
                next_header: CommonNextHeader::Any,
                // As the CAM's DP2; the beacon's class is not pinned by what could be read.
                traffic_class: TrafficClass {
                    store_carry_forward: false,
                    channel_offload: false,
                    id: 2,
                },
                mobile: false,
                maximum_hop_limit: 1,
            },
            extended: Extended::Beacon { source },
            payload_len: 0,
        });
        let cam = match etsi.cam_interval {
            None => None,
            Some(interval) => {
                let tc = TrafficClass {
                    store_carry_forward: false,
                    channel_offload: false,
                    id: 2,
                };
                // EN 302 637-2: a CAM lives no longer than a second.
                let gn = GeoNetworkingRepr::shb(source, CommonNextHeader::BtpB, tc)
                    .with_lifetime(Lifetime::from_duration(std::time::Duration::from_secs(1))?);
                let btp = BtpRepr::B {
                    dst_port: BtpPort::CAM,
                    dst_port_info: 0,
                };
                Some(RsuCam {
                    headers: GnBtpHeaders::new(&gn, &btp)?,
                    interval_us: i64::try_from(interval.as_micros()).unwrap_or(i64::MAX),
                    due_us: None,
                    station_id,
                    reference: reference_position(position, elevation_dm),
                    encoded: Vec::with_capacity(64),
                })
            }
        };
        let seed = u64::from_be_bytes({
            let mut b = [0u8; 8];
            b[2..].copy_from_slice(&radio.mac.0);
            b
        });
        Ok(GeoNet {
            signer: signer.map(etsi_profile),
            spatem,
            mapem,
            sequence_number: shared.gn_sequence.clone(),
            beacon,
            beacon_due_us: None,
            cam,
            jitter: ChaCha8Rng::seed_from_u64(seed),
            meta: TxMeta {
                channel: Some(radio.channel),
                rate: Some(radio.rate),
                power_dbm: Some(radio.power_dbm),
                user_priority: radio.user_priority,
                ..TxMeta::default()
            },
            inner: Vec::with_capacity(1024),
            frames: BytesMut::with_capacity(16 * 1024),
        })
    }

    /// The beacon timer restarts: the next beacon is due 3 s plus a jitter of up to 0.75 s
    /// after now (EN 302 636-4-1 §10.3.6.2).
    fn restart_beacon_timer(&mut self, now_unix_us: i64) {
        if self.beacon.is_some() {
            let jitter = self.jitter.random_range(0..=BEACON_MAX_JITTER_US);
            self.beacon_due_us = Some(now_unix_us + BEACON_INTERVAL_US + jitter);
        }
    }

    /// Signs `self.inner` (common header onward) and frames it behind `basic`.
    fn finish(
        &mut self,
        basic: BasicHeader,
        its_aid: u64,
        need: SspNeed,
        now_unix_us: i64,
    ) -> Result<TxFrame, TxError> {
        let payload = secure(
            self.signer.as_mut(),
            Sealing {
                basic,
                its_aid,
                need,
                location: None,
                now_unix_us,
            },
            &self.inner,
            &mut self.frames,
        )?;
        Ok(gn_frame(payload, self.meta))
    }
}

/// What a secured packet is signed for.
struct Sealing<'a> {
    basic: BasicHeader,
    its_aid: u64,
    need: SspNeed,
    location: Option<&'a Location>,
    now_unix_us: i64,
}

/// Signs `inner` (common header onward) and frames it behind `basic` with next header 2 (the
/// secured packet), or frames `basic` + `inner` unsecured without a signer; the packet is
/// split off `frames`.
fn secure(
    signer: Option<&mut Signer>,
    s: Sealing<'_>,
    inner: &[u8],
    frames: &mut BytesMut,
) -> Result<bytes::Bytes, TxError> {
    let mut head = [0u8; 4];
    match signer {
        Some(signer) => {
            // Refused, before signing, when the ticket's SSP does not allow the content.
            let spdu = signer.sign_etsi(s.its_aid, inner, s.need, s.location, s.now_unix_us)?;
            BasicHeader {
                next_header: BasicNextHeader::SecuredPacket,
                ..s.basic
            }
            .emit(&mut head)?;
            frames.reserve(head.len() + spdu.len());
            frames.extend_from_slice(&head);
            frames.extend_from_slice(&spdu);
        }
        None => {
            s.basic.emit(&mut head)?;
            frames.reserve(head.len() + inner.len());
            frames.extend_from_slice(&head);
            frames.extend_from_slice(inner);
        }
    }
    Ok(frames.split().freeze())
}

/// A GeoNetworking packet as a broadcast frame.
fn gn_frame(payload: bytes::Bytes, meta: TxMeta) -> TxFrame {
    TxFrame {
        dst: MacAddr::BROADCAST,
        ethertype: EtherType::GEONETWORKING,
        payload,
        meta,
    }
}

impl Carrier for GeoNet {
    fn seal(
        &mut self,
        stream: Stream,
        target: &Target,
        content: &Content,
        message: &[u8],
        now_unix_us: i64,
    ) -> Result<TxFrame, TxError> {
        let (s, need) = match stream {
            Stream::Spat => (
                &mut self.spatem,
                ssp::spatem_need(SpatemContent {
                    intersection_state: true,
                    advisory_speed: content.advisory_speed,
                    maneuver_assist: content.maneuver_assist,
                }),
            ),
            Stream::Map => (&mut self.mapem, ssp::mapem_need()),
        };
        s.headers.set_message_len(message.len())?;
        s.headers.set_timestamp(gn_timestamp(now_unix_us));
        if s.transport == GnTransport::Gbc {
            s.headers
                .set_sequence_number(self.sequence_number.fetch_add(1, Ordering::Relaxed))?;
            if let Some((lat, lon)) = target.reference {
                s.headers.set_area_centre(lat, lon)?;
            }
        }
        let basic = stage(&mut self.inner, &s.headers, message)?;
        let (its_aid, shb) = (s.its_aid, s.transport == GnTransport::Shb);
        let frame = self.finish(basic, its_aid, need, now_unix_us)?;
        if shb {
            self.restart_beacon_timer(now_unix_us);
        }
        Ok(frame)
    }

    fn signs(&self) -> bool {
        self.signer.is_some()
    }

    fn set_signer(&mut self, signer: Option<Signer>) {
        self.signer = signer.map(etsi_profile);
    }

    fn own_types(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.cam.is_some() {
            out.push("cam");
        }
        if self.beacon.is_some() {
            out.push("gn_beacon");
        }
        out
    }

    fn next_due_us(&mut self, now_unix_us: i64) -> Option<i64> {
        if self.beacon.is_some() && self.beacon_due_us.is_none() {
            self.restart_beacon_timer(now_unix_us);
        }
        let cam = self
            .cam
            .as_mut()
            .map(|c| *c.due_us.get_or_insert(now_unix_us));
        match (cam, self.beacon_due_us) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn due(&mut self, now_unix_us: i64) -> Option<(&'static str, Result<TxFrame, TxError>)> {
        // The CAM first: it is an SHB, so a CAM due now also restarts the beacon timer.
        if let Some(cam) = self.cam.as_mut()
            && let Some(due) = cam.due_us.filter(|due| now_unix_us >= *due)
        {
            // On its own grid, so a late wake-up does not shift every later CAM.
            let missed = (now_unix_us - due) / cam.interval_us.max(1);
            cam.due_us = Some(due + (missed + 1) * cam.interval_us);
            return self.send_cam(now_unix_us).map(|r| ("cam", r));
        }
        let due = self.beacon_due_us?;
        if now_unix_us < due {
            return None;
        }
        let mut beacon = self.beacon?;
        if let Extended::Beacon { source } = &mut beacon.extended {
            source.timestamp = gn_timestamp(now_unix_us);
        }
        self.restart_beacon_timer(now_unix_us);
        // A beacon is the common and beacon headers alone.
        self.inner.clear();
        self.inner.resize(beacon.inner_header_len(), 0);
        let result = beacon
            .emit_inner(&mut self.inner)
            .map_err(TxError::from)
            .and_then(|_| self.finish(beacon.basic, ITS_AID_GN_MGMT, SspNeed::NONE, now_unix_us));
        Some(("gn_beacon", result))
    }
}

impl GeoNet {
    /// Encodes, frames and signs this instant's CAM; `None` without a CAM configured.
    fn send_cam(&mut self, now_unix_us: i64) -> Option<Result<TxFrame, TxError>> {
        let cam = self.cam.as_mut()?;
        let staged = cam.encode(now_unix_us).and_then(|()| {
            cam.headers.set_message_len(cam.encoded.len())?;
            cam.headers.set_timestamp(gn_timestamp(now_unix_us));
            Ok(stage(&mut self.inner, &cam.headers, &cam.encoded)?)
        });
        Some(staged.and_then(|basic| self.sign_cam(basic, now_unix_us)))
    }

    /// Signs and frames the staged CAM.
    fn sign_cam(&mut self, basic: BasicHeader, now_unix_us: i64) -> Result<TxFrame, TxError> {
        // A bare RSU CAM (no protected zones, no special container) needs no CAM SSP bit.
        let need = ssp::cam_need(ssp::CamContent::default());
        let frame = self.finish(basic, ITS_AID_CAM, need, now_unix_us)?;
        self.restart_beacon_timer(now_unix_us);
        Ok(frame)
    }
}

/// Puts what a secured packet signs into `inner` (common, extended and BTP header, then the
/// message) and returns the basic header that goes in front.
fn stage(
    inner: &mut Vec<u8>,
    headers: &GnBtpHeaders,
    message: &[u8],
) -> Result<BasicHeader, WireError> {
    inner.clear();
    inner.extend_from_slice(headers.secured_inner_prefix());
    inner.extend_from_slice(message);
    headers.basic_header()
}

/// SPATEM and MAPEM (TS 103 301, protocolVersion 2): the ISO TS 19091 content the US SPaT
/// and MAP carry, in the ETSI dialect (Longitude's lower bound) behind an ItsPduHeader.
#[derive(Debug)]
pub struct EtsiDsrc {
    station_id: u32,
}

impl EtsiDsrc {
    /// The message set of the station `station_id` (the ItsPduHeader's stationId).
    pub fn new(station_id: u32) -> EtsiDsrc {
        EtsiDsrc { station_id }
    }
}

impl MessageSet for EtsiDsrc {
    fn region(&self) -> Region {
        Region::Eu
    }

    fn message_types(&self) -> [&'static str; 2] {
        ["spatem", "mapem"]
    }

    fn encode_spat(&self, slot: &Slot<'_>, out: &mut Vec<u8>) -> Result<Content, TxError> {
        let state =
            spat::intersection_state(slot.model, slot.state, slot.now, slot.count, slot.valid);
        let content = spat::content(&state);
        let spat = spat::spat([state], slot.now);
        // ISO's TimeMark stops at 36001 where J2735-2020's goes on to 36111.
        etsi::check_time_marks(&spat)?;
        // A SPATEM is the 6-octet header (no preamble: a SEQUENCE of two mandatory fields,
        // all of fixed size) followed by the SPAT value, which the J2735 hot path's encoder
        // writes (proven equal to the generic encoder in the tests below).
        out.clear();
        out.push(2);
        out.push(etsi::ItsPduHeader::SPATEM);
        out.extend_from_slice(&self.station_id.to_be_bytes());
        spat.encode_value_into(out)?;
        Ok(content)
    }

    fn encode_map(&self, map: &MapData) -> Result<Vec<u8>, TxError> {
        let map: MapData<etsi::Etsi> = map.clone().redialect();
        Ok(etsi::Mapem::new(StationID(self.station_id), map).encode_uper()?)
    }
}

/// The RSU's position for the GeoNetworking position vector: the surveyed one, else the
/// reference point of the first intersection that has one (an RSU stands at its crossing).
pub fn position(config: &ServiceConfig) -> Option<(i32, i32)> {
    if let PositionConfig::Static {
        latitude,
        longitude,
        ..
    } = &config.position
    {
        return Some((to_1e7(*latitude)?, to_1e7(*longitude)?));
    }
    config.intersections.iter().find_map(|ix| {
        if let Some(g) = &ix.model.geometry {
            return Some((g.reference.lat_1e7, g.reference.lon_1e7));
        }
        match &ix.map {
            MapSource::File { map, .. } => crate::j2735::map::reference_point_of(map),
            MapSource::Model => None,
        }
    })
}

fn to_1e7(degrees: f64) -> Option<i32> {
    let v = (degrees * 1e7).round();
    // The configuration checked the range; this only keeps the cast honest.
    (v.abs() <= 1.8e9).then_some(v as i32)
}

/// The RSU's position for the GeoNetworking headers, or why there is none.
fn required_position(config: &ServiceConfig) -> Result<(i32, i32), StartError> {
    position(config).ok_or_else(|| StartError::Region {
        field: "position",
        message: "the EU region's GeoNetworking headers need the RSU's position: set \
                  [position] source = \"static\", or give an intersection a geometry or a \
                  MAP file"
            .into(),
    })
}

/// The RSU's surveyed elevation in decimetres, when the configuration gives one.
fn elevation_dm(config: &ServiceConfig) -> Option<i32> {
    match &config.position {
        PositionConfig::Static { elevation_m, .. } => {
            elevation_m.map(|m| (m * 10.0).round().clamp(-1e6, 1e7) as i32)
        }
        _ => None,
    }
}

/// The EU output of a configuration.
pub fn output(
    config: &ServiceConfig,
    signer: Option<Signer>,
    shared: &super::Shared,
) -> Result<Output, StartError> {
    let etsi = &config.etsi;
    let position = required_position(config)?;
    let mac = config.radio.mac.0;
    let station_id = etsi
        .station_id
        .unwrap_or(u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]));
    let carrier = GeoNet::with_cam(
        etsi,
        &config.radio,
        position,
        elevation_dm(config),
        station_id,
        signer,
        shared,
    )
    .map_err(|e| StartError::Region {
        field: "etsi",
        message: format!("GeoNetworking headers: {e}"),
    })?;
    Ok(Output::new(
        Arc::new(EtsiDsrc::new(station_id)),
        Box::new(carrier),
    ))
}

/// The EU TMC carrier of a configuration.
pub fn tmc(
    config: &ServiceConfig,
    signer: Option<Signer>,
    shared: &super::Shared,
) -> Result<GnTmc, StartError> {
    Ok(GnTmc::new(
        &config.etsi,
        &config.radio,
        required_position(config)?,
        elevation_dm(config),
        signer,
        shared,
    ))
}

/// An elevation in decimetres as IEEE 1609.2's `Elevation` (ISO 21218 `ElevInt`): 0..=61439
/// above the datum, 61441..=65535 below it (two's complement of 16 bits), 61440 unknown.
fn elevation_1609(dm: Option<i32>) -> u16 {
    match dm {
        Some(dm) if (0..=61_439).contains(&dm) => dm as u16,
        Some(dm) if (-4_095..0).contains(&dm) => (65_536 + dm) as u16,
        _ => 61_440,
    }
}

/// The radius a DENM's relevanceDistance asks for: the upper end of its class, and the
/// largest circle a GeoNetworking area can describe for `over10km`.
fn relevance_radius_m(distance: etsi::RelevanceDistance) -> u16 {
    use etsi::RelevanceDistance as R;
    match distance {
        R::LessThan50m => 50,
        R::LessThan100m => 100,
        R::LessThan200m => 200,
        R::LessThan500m => 500,
        R::LessThan1000m => 1_000,
        R::LessThan5km => 5_000,
        R::LessThan10km => 10_000,
        R::Over10km => u16::MAX,
    }
}

/// The TMC's DENMs and IVIMs (EN 302 637-3, TS 103 301): a GBC with the ITS-AID's BTP port,
/// signed per TS 103 097 with the authorisation ticket's SSPs checked first.
///
/// A DENM goes to the circle its management container describes (eventPosition and
/// relevanceDistance; `etsi.gbc_radius_m` without one), lives as long as its
/// validityDuration, and is signed with the RSU's position as generationLocation (TS 103 097
/// §7.1.2) and the SSP bit of its cause code. An IVIM goes to the circle of
/// `etsi.gbc_radius_m` around the RSU, living `etsi.lifetime_ms`.
#[derive(Debug)]
pub struct GnTmc {
    signer: Option<Signer>,
    source: LongPositionVector,
    location: Location,
    sequence_number: Arc<AtomicU16>,
    radius_m: u16,
    hop_limit: u8,
    lifetime: std::time::Duration,
    denm_traffic_class: u8,
    ivim_traffic_class: u8,
    inner: Vec<u8>,
    frames: BytesMut,
}

/// Where and how one TMC message goes out.
struct TmcRoute {
    port: BtpPort,
    its_aid: u64,
    traffic_class: u8,
    centre: (i32, i32),
    radius_m: u16,
    lifetime: std::time::Duration,
    need: SspNeed,
    location: bool,
}

impl GnTmc {
    /// The carrier for `etsi`'s settings, sending from `position` (latitude, longitude in
    /// 1e-7 degree, elevation in decimetres when known) with the radio's MAC address, and
    /// numbering its packets on `shared`'s sequence.
    pub fn new(
        etsi: &EtsiConfig,
        radio: &RadioConfig,
        position: (i32, i32),
        elevation_dm: Option<i32>,
        signer: Option<Signer>,
        shared: &super::Shared,
    ) -> GnTmc {
        GnTmc {
            signer: signer.map(etsi_profile),
            source: LongPositionVector::rsu(radio.mac, Timestamp(0), position.0, position.1),
            location: Location {
                lat_e7: position.0,
                lon_e7: position.1,
                elevation: elevation_1609(elevation_dm),
            },
            sequence_number: shared.gn_sequence.clone(),
            radius_m: etsi.gbc_radius_m,
            hop_limit: etsi.gbc_hop_limit,
            lifetime: etsi.lifetime,
            denm_traffic_class: etsi.denm_traffic_class,
            ivim_traffic_class: etsi.ivim_traffic_class,
            inner: Vec::with_capacity(2048),
            frames: BytesMut::with_capacity(4096),
        }
    }

    fn route(&self, msg: &Accepted) -> Result<TmcRoute, TxError> {
        let around_rsu = (self.source.latitude, self.source.longitude);
        match msg.kind {
            Some(MessageKind::Denm) => {
                let denm = etsi::Denm::decode_uper(&msg.payload)?;
                let m = &denm.denm.management;
                let need = match &denm.denm.situation {
                    Some(situation) => ssp::denm_need(situation.event_type.cause_code.0)
                        .map_err(|e| TxError::Sign(e.into()))?,
                    // A cancellation or negation names no cause.
                    None => SspNeed::NONE,
                };
                let validity = m.validity_duration;
                Ok(TmcRoute {
                    port: BtpPort::DENM,
                    its_aid: ITS_AID_DENM,
                    traffic_class: self.denm_traffic_class,
                    centre: (m.event_position.latitude.0, m.event_position.longitude.0),
                    radius_m: m
                        .relevance_distance
                        .map_or(self.radius_m, relevance_radius_m),
                    // The field's longest, 6300 s, is beyond any validity a DENM can give.
                    lifetime: std::time::Duration::from_secs(u64::from(validity.0).clamp(1, 6_300)),
                    need,
                    location: true,
                })
            }
            Some(MessageKind::Ivim) => Ok(TmcRoute {
                port: BtpPort::IVIM,
                its_aid: ITS_AID_IVIM,
                traffic_class: self.ivim_traffic_class,
                centre: around_rsu,
                radius_m: self.radius_m,
                lifetime: self.lifetime,
                need: SspNeed::NONE,
                location: false,
            }),
            _ => Err(TxError::NoRegion),
        }
    }
}

impl super::TmcCarrier for GnTmc {
    fn region(&self) -> Region {
        Region::Eu
    }

    fn signs(&self) -> bool {
        self.signer.is_some()
    }

    fn set_signer(&mut self, signer: Option<Signer>) {
        self.signer = signer.map(etsi_profile);
    }

    fn seal(&mut self, msg: &Accepted, now_unix_us: i64) -> Result<TxFrame, TxError> {
        let route = self.route(msg)?;
        let source = LongPositionVector {
            timestamp: gn_timestamp(now_unix_us),
            ..self.source
        };
        let tc = TrafficClass {
            store_carry_forward: false,
            channel_offload: false,
            id: route.traffic_class,
        };
        let gn = GeoNetworkingRepr::gbc_circle(
            self.sequence_number.fetch_add(1, Ordering::Relaxed),
            source,
            route.centre.0,
            route.centre.1,
            route.radius_m,
            self.hop_limit,
            CommonNextHeader::BtpB,
            tc,
        )
        .with_lifetime(Lifetime::from_duration(route.lifetime)?);
        let btp = BtpRepr::B {
            dst_port: route.port,
            dst_port_info: 0,
        };
        let mut headers = GnBtpHeaders::new(&gn, &btp)?;
        headers.set_message_len(msg.payload.len())?;
        let basic = stage(&mut self.inner, &headers, &msg.payload)?;
        let signer = match (msg.sign, self.signer.as_mut()) {
            (false, _) => None,
            (true, Some(signer)) => Some(signer),
            (true, None) => return Err(TxError::NoSigner),
        };
        let location = route.location.then_some(&self.location);
        let payload = secure(
            signer,
            Sealing {
                basic,
                its_aid: route.its_aid,
                need: route.need,
                location,
                now_unix_us,
            },
            &self.inner,
            &mut self.frames,
        )?;
        Ok(gn_frame(payload, msg.meta))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {

    use rasn_its::ieee1609dot2::base_types::Duration as CertDuration;
    use rsu_hw::DataRate;
    use rsu_hw::channels::{ChannelAccess, ChannelConfig, ChannelPlan, Technology};
    use rsu_hw::wire::{BtpPacket, GeoNetworkingPacket};
    use rsu_security::pki::{CertSpec, EuChain};
    use rsu_security::trust::{TrustConfig, TrustStore};
    use rsu_security::verify::{Verifier, VerifierConfig};

    use super::*;
    use crate::config::RadioBackend;

    /// 2026-12-07T12:00:00Z.
    const NOW_S: i64 = 1_796_644_800;
    const NOW_US: i64 = NOW_S * 1_000_000;
    const RSU: (i32, i32) = (521_234_567, 51_234_567);
    const CROSSING: (i32, i32) = (521_235_000, 51_236_000);

    fn radio() -> RadioConfig {
        let plan = ChannelPlan::new(Region::Eu, Technology::Ofdm80211p).unwrap();
        RadioConfig {
            backend: RadioBackend::Loopback,
            channels: ChannelConfig::new(plan, ChannelAccess::Continuous { channel: 180 }).unwrap(),
            channel: 180,
            rate: DataRate(12),
            power_dbm: 20,
            user_priority: 5,
            mac: MacAddr([0x02, 0, 0, 0x52, 0x53, 0x55]),
            service_channels: Vec::new(),
        }
    }

    fn target() -> Target {
        Target {
            reference: Some(CROSSING),
        }
    }

    fn carrier(etsi: &EtsiConfig, signer: Option<Signer>) -> GeoNet {
        GeoNet::new(etsi, &radio(), RSU, signer).unwrap()
    }

    const MESSAGE: &[u8] = &[0x02, 0x04, 0x00, 0x00, 0x03, 0xe9, 0xaa, 0xbb];

    /// Seals [`MESSAGE`] about the crossing as `stream`.
    fn seal(gn: &mut GeoNet, stream: Stream, now_us: i64) -> Result<TxFrame, TxError> {
        gn.seal(stream, &target(), &Content::default(), MESSAGE, now_us)
    }

    #[test]
    fn spatem_over_shb_has_the_etsi_headers() {
        let mut gn = carrier(&EtsiConfig::default(), None);
        let frame = seal(&mut gn, Stream::Spat, NOW_US).unwrap();
        assert_eq!(frame.ethertype, EtherType::GEONETWORKING);
        assert_eq!(frame.meta.channel, Some(180));
        let packet = GeoNetworkingPacket::new_checked(&frame.payload[..]).unwrap();
        let repr = GeoNetworkingRepr::parse(&packet).unwrap();
        assert_eq!(repr.basic.version, 1);
        assert_eq!(repr.basic.next_header, BasicNextHeader::CommonHeader);
        assert_eq!(repr.basic.remaining_hop_limit, 1);
        assert_eq!(
            repr.basic.lifetime.duration(),
            std::time::Duration::from_secs(1)
        );
        assert_eq!(repr.common.next_header, CommonNextHeader::BtpB);
        assert_eq!(repr.common.maximum_hop_limit, 1);
        assert_eq!(repr.common.traffic_class.id, 2);
        assert!(!repr.common.mobile);
        let Extended::Shb { source, .. } = repr.extended else {
            panic!("not SHB: {:?}", repr.extended);
        };
        assert_eq!(source.address.station_type.0, 15);
        assert_eq!((source.latitude, source.longitude), RSU);
        // TAI: 37 s ahead of UTC since 2017, 5 of them since 2004.
        let tai_ms = (NOW_S - 1_072_915_200 + 5) as u64 * 1000;
        assert_eq!(source.timestamp, Timestamp::from_tai_millis(tai_ms));
        let btp = BtpPacket::new_checked(packet.payload()).unwrap();
        assert_eq!(btp.destination_port(), BtpPort::SPATEM);
        assert_eq!(btp.payload(), MESSAGE);
        assert_eq!(usize::from(repr.payload_len), 4 + MESSAGE.len());
        // MAPEM on its own port and class.
        let frame = seal(&mut gn, Stream::Map, NOW_US).unwrap();
        let packet = GeoNetworkingPacket::new_checked(&frame.payload[..]).unwrap();
        assert_eq!(packet.traffic_class().id, 3);
        let btp = BtpPacket::new_checked(packet.payload()).unwrap();
        assert_eq!(btp.destination_port(), BtpPort::MAPEM);
    }

    #[test]
    fn gbc_circles_the_intersection_and_numbers_its_packets() {
        let etsi = EtsiConfig {
            spatem: GnTransport::Gbc,
            gbc_radius_m: 250,
            ..EtsiConfig::default()
        };
        let mut gn = carrier(&etsi, None);
        let mut numbers = Vec::new();
        for _ in 0..3 {
            let frame = seal(&mut gn, Stream::Spat, NOW_US).unwrap();
            let packet = GeoNetworkingPacket::new_checked(&frame.payload[..]).unwrap();
            let repr = GeoNetworkingRepr::parse(&packet).unwrap();
            assert_eq!(packet.header_type(), 0x40);
            assert_eq!(repr.basic.remaining_hop_limit, 10);
            assert_eq!(repr.common.maximum_hop_limit, 10);
            let Extended::Gbc {
                sequence_number,
                area,
                source,
            } = repr.extended
            else {
                panic!("not GBC");
            };
            assert_eq!((area.latitude, area.longitude), CROSSING);
            assert_eq!((area.distance_a, area.distance_b, area.angle), (250, 0, 0));
            assert_eq!((source.latitude, source.longitude), RSU);
            numbers.push(sequence_number);
        }
        assert_eq!(numbers, [0, 1, 2]);
    }

    /// An EU-shaped chain (root, AA, ticket with the demo's ITS-AIDs and SSPs).
    fn eu_chain() -> EuChain {
        EuChain::demo(NOW_S - 60, CertDuration::Hours(1), None).unwrap()
    }

    /// The ticket's signer, as the EU output makes it.
    fn ticket_signer(chain: EuChain) -> Signer {
        Signer::new(chain.at_key, Arc::new(chain.at)).unwrap()
    }

    /// A vehicle's verifier that trusts the chain's root and knows its AA.
    fn eu_verifier(chain: &EuChain) -> Verifier {
        let mut store = TrustStore::new(TrustConfig::default());
        store.add(chain.root.clone()).unwrap();
        store.add(chain.aa.clone()).unwrap();
        Verifier::new(store, VerifierConfig::default())
    }

    #[test]
    fn a_secured_packet_signs_everything_after_the_basic_header() {
        let chain = eu_chain();
        let mut verifier = eu_verifier(&chain);
        let signer = ticket_signer(chain);
        let unsecured = carrier(&EtsiConfig::default(), None)
            .seal(
                Stream::Spat,
                &target(),
                &Content::default(),
                MESSAGE,
                NOW_US,
            )
            .unwrap();
        let mut gn = carrier(&EtsiConfig::default(), Some(signer));
        let frame = seal(&mut gn, Stream::Spat, NOW_US).unwrap();
        let basic = BasicHeader::parse(&frame.payload).unwrap();
        assert_eq!(basic.next_header, BasicNextHeader::SecuredPacket);
        assert_eq!(basic.remaining_hop_limit, 1);
        let verified = verifier.verify(&frame.payload[4..], NOW_US).unwrap();
        assert!(verified.is_valid(), "{:?}", verified.reason);
        let signed = verified.signed().unwrap();
        assert_eq!(signed.header.psid, 137);
        // The signed payload is the unsecured packet from the common header on.
        let inner = verified.payload().unwrap();
        assert_eq!(inner, &unsecured.payload[4..]);
        let (repr, message) = GeoNetworkingRepr::parse_inner(basic, inner).unwrap();
        assert_eq!(repr.common.next_header, CommonNextHeader::BtpB);
        assert_eq!(&message[4..], MESSAGE);
        // A flipped bit anywhere after the basic header breaks the signature.
        let mut tampered = frame.payload.to_vec();
        tampered[4 + 20] ^= 1;
        assert!(
            !verifier
                .verify(&tampered[4..], NOW_US)
                .is_ok_and(|v| v.is_valid())
        );
    }

    #[test]
    fn a_ticket_without_the_its_aid_refuses_to_sign() {
        // A ticket for CAMs only.
        let spec = CertSpec::end_entity("at", NOW_S - 60, CertDuration::Hours(1), &[36]);
        let chain = EuChain::new(NOW_S - 60, &spec).unwrap();
        let signer = ticket_signer(chain);
        let mut gn = carrier(&EtsiConfig::default(), Some(signer));
        let err = seal(&mut gn, Stream::Spat, NOW_US).unwrap_err();
        assert_eq!(err.code(), "ssp_missing_psid");
    }

    #[test]
    fn beacons_only_when_no_shb_went_out_for_three_seconds() {
        // SPATEM by SHB every 100 ms: the timer never runs out.
        let mut gn = carrier(&EtsiConfig::default(), None);
        let mut now = NOW_US;
        assert!(gn.next_due_us(now).is_some());
        for _ in 0..100 {
            seal(&mut gn, Stream::Spat, now).unwrap();
            now += 100_000;
            assert!(gn.due(now).is_none(), "a beacon despite SHB traffic");
        }
        // GBC only: a beacon every 3 to 3.75 s.
        let etsi = EtsiConfig {
            spatem: GnTransport::Gbc,
            mapem: GnTransport::Gbc,
            ..EtsiConfig::default()
        };
        let mut gn = carrier(&etsi, None);
        let mut last = NOW_US;
        let mut gaps = Vec::new();
        gn.next_due_us(last);
        let mut now = NOW_US;
        while gaps.len() < 50 {
            seal(&mut gn, Stream::Spat, now).unwrap();
            let due = gn.next_due_us(now).unwrap();
            if let Some(frame) = gn.due(now) {
                assert_eq!(frame.0, "gn_beacon");
                let frame = frame.1.unwrap();
                let packet = GeoNetworkingPacket::new_checked(&frame.payload[..]).unwrap();
                assert_eq!(packet.header_type(), 0x10, "not a beacon");
                assert_eq!(packet.payload_length(), 0);
                assert_eq!(packet.remaining_hop_limit(), 1);
                gaps.push(now - last);
                last = now;
            } else {
                assert!(due > now);
            }
            now += 10_000;
        }
        let (min, max) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
        assert!(
            *min >= 3_000_000 && *max <= 3_760_000,
            "gaps {min}..{max} µs"
        );
        // The jitter spreads them (not all at 3 s).
        assert!(max - min > 100_000, "no jitter: {gaps:?}");
        // Beacons off: none.
        let mut gn = carrier(
            &EtsiConfig {
                beacons: false,
                ..etsi
            },
            None,
        );
        assert_eq!(gn.next_due_us(NOW_US), None);
        assert!(gn.due(NOW_US + 10_000_000).is_none());
    }

    /// A MAP and its MAPEM carry the same geometry: the ETSI MapData, brought back to the
    /// J2735 dialect, is the J2735 one (every longitude the same degrees, though encoded from
    /// another lower bound), over 300 random MapData (most of which must encode, so the check
    /// cannot pass empty).
    #[test]
    fn map_and_mapem_agree_on_the_geometry() {
        use rsu_codecs::j2735::MessageFrame;
        use rsu_codecs::random::{RandomOptions, random_value};
        let options = RandomOptions {
            presence: 50,
            extra_items: 2,
            regional: false,
            extensions: false,
            max_depth: 12,
        };
        let mut compared = 0;
        for seed in 0..300u64 {
            let Ok(map) = random_value::<MapData>(seed, options) else {
                continue;
            };
            let Ok(us) = super::super::us::J2735.encode_map(&map) else {
                continue;
            };
            let eu = EtsiDsrc::new(7).encode_map(&map).unwrap();
            let (MessageFrame::MapData(us_map), _) = MessageFrame::decode(&us).unwrap() else {
                panic!("not a MAP");
            };
            let mapem = etsi::Mapem::decode_uper(&eu).unwrap();
            assert_eq!(
                (mapem.header.protocol_version, mapem.header.message_id),
                (2, 5)
            );
            let back: MapData = mapem.map.redialect();
            assert_eq!(&back, us_map.as_ref(), "seed {seed}");
            compared += 1;
        }
        assert!(
            compared >= 200,
            "only {compared} of 300 random MAPs encoded"
        );
    }

    #[test]
    fn an_rsu_cam_every_second_on_its_grid_with_the_ticket_at_least_once_a_second() {
        let chain = eu_chain();
        let mut verifier = eu_verifier(&chain);
        let signer = ticket_signer(chain);
        let etsi = EtsiConfig {
            cam_interval: Some(std::time::Duration::from_secs(1)),
            spatem: GnTransport::Gbc,
            mapem: GnTransport::Gbc,
            ..EtsiConfig::default()
        };
        let mut gn = GeoNet::with_cam(
            &etsi,
            &radio(),
            RSU,
            Some(2560),
            1001,
            Some(signer),
            &Default::default(),
        )
        .unwrap();
        let mut now = NOW_US;
        let (mut cams, mut beacons, mut full) = (Vec::new(), 0, 0);
        // Ten seconds in 10 ms steps, with a late wake-up of 250 ms in the middle.
        while now < NOW_US + 10_000_000 {
            gn.next_due_us(now);
            while let Some((kind, frame)) = gn.due(now) {
                let frame = frame.unwrap();
                match kind {
                    "cam" => {
                        let out = verifier.verify(&frame.payload[4..], now).unwrap();
                        assert!(out.is_valid(), "{:?}", out.reason);
                        let signed = out.signed().unwrap();
                        assert_eq!(signed.header.psid, 36);
                        full += usize::from(matches!(
                            signed.signer,
                            rsu_security::spdu::SignerInfo::Certificates(_)
                        ));
                        let basic = BasicHeader::parse(&frame.payload).unwrap();
                        let (repr, rest) =
                            GeoNetworkingRepr::parse_inner(basic, out.payload().unwrap()).unwrap();
                        assert_eq!(repr.extended.header_type(), 0x50);
                        let btp = BtpPacket::new_checked(rest).unwrap();
                        assert_eq!(btp.destination_port(), BtpPort::CAM);
                        let cam = etsi::Cam::decode_uper(btp.payload()).unwrap();
                        assert_eq!(cam.header.station_id.0, 1001);
                        let basic = &cam.cam.cam_parameters.basic_container;
                        assert_eq!(basic.station_type, etsi::StationType::ROAD_SIDE_UNIT);
                        assert_eq!(basic.reference_position.altitude.altitude_value.0, 25_600);
                        cams.push(now);
                    }
                    "gn_beacon" => beacons += 1,
                    other => panic!("{other}"),
                }
            }
            now += if now == NOW_US + 5_000_000 {
                250_000
            } else {
                10_000
            };
        }
        // On the 1 s grid from the first: the late wake-up sends one late, not a shifted grid.
        assert_eq!(cams.len(), 10, "{cams:?}");
        for (k, at) in cams.iter().enumerate() {
            let slot = NOW_US + k as i64 * 1_000_000;
            assert!(
                *at >= slot && *at - slot <= 250_000,
                "CAM {k} at {at}, slot {slot}"
            );
        }
        // A CAM is a single-hop broadcast: no beacon is owed while they go out every second.
        assert_eq!(beacons, 0);
        // The ticket in full at least once a second: with CAMs every second, every one.
        assert!(full >= 9, "{full} of 10 with the full ticket");
    }

    #[test]
    fn a_signed_beacon_uses_the_gn_management_aid() {
        let signer = ticket_signer(eu_chain());
        let mut gn = carrier(&EtsiConfig::default(), Some(signer));
        let due = gn.next_due_us(NOW_US).unwrap();
        let (kind, frame) = gn.due(due).unwrap();
        assert_eq!(kind, "gn_beacon");
        let frame = frame.unwrap();
        let basic = BasicHeader::parse(&frame.payload).unwrap();
        assert_eq!(basic.next_header, BasicNextHeader::SecuredPacket);
        let spdu = rsu_security::spdu::parse(&frame.payload[4..]).unwrap();
        let rsu_security::spdu::Spdu::Signed(signed) = spdu else {
            panic!("not signed");
        };
        assert_eq!(signed.header.psid, 141);
        let (repr, rest) =
            GeoNetworkingRepr::parse_inner(basic, signed.payload().unwrap()).unwrap();
        assert!(matches!(repr.extended, Extended::Beacon { .. }));
        assert!(rest.is_empty());
    }

    /// A DENM of `cause` about the crossing, valid 120 s.
    fn denm(cause: u8, relevance: Option<etsi::RelevanceDistance>) -> Vec<u8> {
        let its_ms = rsu_security::time::time64_from_unix_micros(NOW_US) / 1000;
        let mut management = etsi::ManagementContainer::new(
            etsi::ActionID {
                originating_station_id: StationID(4_242),
                sequence_number: etsi::SequenceNumber(7),
            },
            etsi::TimestampIts(its_ms),
            etsi::TimestampIts(its_ms),
            reference_position(CROSSING, None),
            etsi::StationType(15),
        );
        management.relevance_distance = relevance;
        management.validity_duration = etsi::ValidityDuration(120);
        let body = etsi::DecentralizedEnvironmentalNotificationMessage {
            management,
            situation: Some(etsi::SituationContainer::new(
                etsi::InformationQuality(1),
                etsi::CauseCode::new(etsi::CauseCodeType(cause), etsi::SubCauseCodeType(0)),
            )),
            location: None,
            alacarte: None,
        };
        etsi::Denm::new(StationID(4_242), body)
            .encode_uper()
            .unwrap()
    }

    fn accepted(kind: MessageKind, its_aid: u32, payload: Vec<u8>, sign: bool) -> Accepted {
        Accepted {
            psid: Psid::new(its_aid).unwrap(),
            kind: Some(kind),
            region: Region::Eu,
            sign,
            meta: TxMeta {
                channel: Some(180),
                user_priority: 3,
                ..TxMeta::default()
            },
            digest: rsu_security::HashAlg::Sha256.digest(&payload),
            payload,
        }
    }

    fn tmc_carrier(signer: Option<Signer>, shared: &super::super::Shared) -> GnTmc {
        GnTmc::new(&EtsiConfig::default(), &radio(), RSU, None, signer, shared)
    }

    /// A DENM from the TMC goes to the circle its management container describes, on port
    /// 2002, living its validity, signed with generationLocation; it counts on the same GBC
    /// sequence numbers as the broadcast.
    #[test]
    fn a_tmc_denm_is_a_signed_gbc_around_its_event() {
        use super::super::TmcCarrier;
        let chain = eu_chain();
        let mut verifier = eu_verifier(&chain);
        let shared = super::super::Shared::default();
        let etsi = EtsiConfig {
            spatem: GnTransport::Gbc,
            ..EtsiConfig::default()
        };
        let mut broadcast = GeoNet::with_cam(&etsi, &radio(), RSU, None, 0, None, &shared).unwrap();
        let mut tmc = tmc_carrier(Some(ticket_signer(chain)), &shared);
        assert!(tmc.signs());
        // Roadworks (3): the demo ticket's DENM SSP allows it.
        let message = denm(3, Some(etsi::RelevanceDistance::LessThan500m));
        let mut sequence = |frame: &TxFrame| {
            let basic = BasicHeader::parse(&frame.payload).unwrap();
            let inner = match basic.next_header {
                BasicNextHeader::SecuredPacket => verifier
                    .verify(&frame.payload[4..], NOW_US)
                    .unwrap()
                    .payload()
                    .unwrap()
                    .to_vec(),
                _ => frame.payload[4..].to_vec(),
            };
            let (repr, _) = GeoNetworkingRepr::parse_inner(basic, &inner).unwrap();
            match repr.extended {
                Extended::Gbc {
                    sequence_number, ..
                } => sequence_number,
                other => panic!("not GBC: {other:?}"),
            }
        };
        let first = seal(&mut broadcast, Stream::Spat, NOW_US).unwrap();
        let frame = tmc
            .seal(
                &accepted(MessageKind::Denm, 37, message.clone(), true),
                NOW_US,
            )
            .unwrap();
        let last = seal(&mut broadcast, Stream::Spat, NOW_US).unwrap();
        assert_eq!(
            [sequence(&first), sequence(&frame), sequence(&last)],
            [0, 1, 2]
        );
        assert_eq!(frame.meta.user_priority, 3, "the message file's priority");
        let basic = BasicHeader::parse(&frame.payload).unwrap();
        assert_eq!(basic.next_header, BasicNextHeader::SecuredPacket);
        assert_eq!(
            basic.lifetime.duration(),
            std::time::Duration::from_secs(120)
        );
        let verified = verifier.verify(&frame.payload[4..], NOW_US).unwrap();
        assert!(verified.is_valid(), "{:?}", verified.reason);
        let signed = verified.signed().unwrap();
        assert_eq!(signed.header.psid, 37);
        let location = signed
            .header
            .generation_location
            .expect("generationLocation");
        assert_eq!(
            (location.lat_e7, location.lon_e7),
            (521_234_567, 51_234_567)
        );
        let (repr, rest) =
            GeoNetworkingRepr::parse_inner(basic, verified.payload().unwrap()).unwrap();
        assert_eq!(repr.common.traffic_class.id, 1);
        let Extended::Gbc { area, source, .. } = repr.extended else {
            panic!("not GBC");
        };
        assert_eq!((area.latitude, area.longitude), CROSSING);
        assert_eq!(area.distance_a, 500);
        assert_eq!(source.address.station_type.0, 15);
        let btp = BtpPacket::new_checked(rest).unwrap();
        assert_eq!(btp.destination_port(), BtpPort::DENM);
        assert_eq!(btp.payload(), &message[..]);
    }

    /// A DENM whose cause the ticket's SSP does not allow is refused before signing, with the
    /// signer's reason; unsigned, it goes out.
    #[test]
    fn a_denm_the_ticket_does_not_permit_is_refused() {
        use super::super::TmcCarrier;
        let shared = super::super::Shared::default();
        let mut tmc = tmc_carrier(Some(ticket_signer(eu_chain())), &shared);
        // Accident (2): not in the demo ticket's DENM SSP (roadworks only).
        let message = denm(2, None);
        let refused = tmc
            .seal(
                &accepted(MessageKind::Denm, 37, message.clone(), true),
                NOW_US,
            )
            .unwrap_err();
        assert_eq!(refused.code(), "ssp_forbids_content", "{refused}");
        let mut plain = tmc_carrier(None, &shared);
        assert!(matches!(
            plain.seal(
                &accepted(MessageKind::Denm, 37, message.clone(), true),
                NOW_US
            ),
            Err(TxError::NoSigner)
        ));
        let frame = plain
            .seal(&accepted(MessageKind::Denm, 37, message, false), NOW_US)
            .unwrap();
        let packet = GeoNetworkingPacket::new_checked(&frame.payload[..]).unwrap();
        let repr = GeoNetworkingRepr::parse(&packet).unwrap();
        let Extended::Gbc { area, .. } = repr.extended else {
            panic!("not GBC");
        };
        // No relevanceDistance: the configured radius.
        assert_eq!(area.distance_a, EtsiConfig::default().gbc_radius_m);
    }

    /// An IVIM goes to the configured circle around the RSU on port 2006, ITS-AID 139, with
    /// no generationLocation.
    #[test]
    fn a_tmc_ivim_is_a_gbc_around_the_rsu() {
        use super::super::TmcCarrier;
        let chain = eu_chain();
        let mut verifier = eu_verifier(&chain);
        let mut tmc = tmc_carrier(Some(ticket_signer(chain)), &Default::default());
        let message = vec![0x02, 0x06, 0x00, 0x00, 0x10, 0x92, 0x00];
        let frame = tmc
            .seal(
                &accepted(MessageKind::Ivim, 139, message.clone(), true),
                NOW_US,
            )
            .unwrap();
        let verified = verifier.verify(&frame.payload[4..], NOW_US).unwrap();
        assert!(verified.is_valid(), "{:?}", verified.reason);
        let signed = verified.signed().unwrap();
        assert_eq!(signed.header.psid, 139);
        assert!(signed.header.generation_location.is_none());
        let basic = BasicHeader::parse(&frame.payload).unwrap();
        let (repr, rest) =
            GeoNetworkingRepr::parse_inner(basic, verified.payload().unwrap()).unwrap();
        let Extended::Gbc { area, .. } = repr.extended else {
            panic!("not GBC");
        };
        assert_eq!((area.latitude, area.longitude), (521_234_567, 51_234_567));
        assert_eq!(repr.common.traffic_class.id, 3);
        let btp = BtpPacket::new_checked(rest).unwrap();
        assert_eq!(btp.destination_port(), BtpPort::IVIM);
        assert_eq!(btp.payload(), &message[..]);
    }

    #[test]
    fn elevations_in_1609_units() {
        assert_eq!(elevation_1609(Some(0)), 0);
        assert_eq!(elevation_1609(Some(25)), 25);
        assert_eq!(elevation_1609(Some(-1)), 65_535);
        assert_eq!(elevation_1609(None), 61_440);
        assert_eq!(elevation_1609(Some(70_000)), 61_440);
    }
}
