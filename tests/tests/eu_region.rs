//! The EU region end to end: the service in-process on the loopback radio, configured from
//! TOML like a deployed RSU, with the demo's simulated controller, watched by an EU OBU on
//! ITS-G5 channel 180 that demultiplexes GeoNetworking, verifies TS 103 097, checks the
//! profile and decodes every SPATEM and MAPEM. On tokio's paused clock with UTC following it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rsu::clock::{Clock, TokioClock};
use rsu::config::{self, ServiceConfig};
use rsu::runtime::ServiceHandle;
use rsu_codecs::etsi::{EtsiMessage, Redialect};
use rsu_codecs::j2735::{MapData, MessageFrame, SPAT};
use rsu_hw::demux::{Network, demux};
use rsu_hw::wire::{BtpPacket, BtpPort, Extended, GeoNetworkingRepr};
use rsu_hw::{LoopbackMedium, LoopbackRadio, MacAddr, Radio};
use rsu_security::cert::Certificate;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use tokio::sync::oneshot;
use tokio::time::Instant;

/// 2026-06-01 10:59:30 UTC.
const START_UNIX_S: i64 = 1_780_311_570;
const RSU: MacAddr = MacAddr::local([0x02, 0, 0, 0x52, 0x53, 0x55]);
const OBU: MacAddr = MacAddr::local([0x02, 0, 0, 0, 0, 0xe0]);

/// The EU demo's configuration over a fresh EU test PKI in `dir`, with `etsi` replacing
/// its [etsi] section when given, and the ticket's SPATEM SSP when given.
fn eu_config(dir: &Path, etsi: Option<&str>, spatem_ssp: Option<Vec<u8>>) -> ServiceConfig {
    let opts = rsu_security::pki::EuInitOptions {
        spatem_ssp,
        ..Default::default()
    };
    rsu_security::pki::init_eu(dir, START_UNIX_S - 60, &opts).unwrap();
    // On a free port: tests run side by side.
    let mut text =
        rsu::app::demo_text(rsu::app::DemoRegion::Eu).replacen("127.0.0.1:1516", "127.0.0.1:0", 1);
    if let Some(etsi) = etsi {
        let at = text.find("[etsi]").unwrap();
        let end = text[at..].find("\n[log]").unwrap() + at;
        text.replace_range(at..end, etsi);
    }
    let loaded = config::parse(&text, "test config", dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    loaded.config
}

/// What the EU OBU heard: when, the BTP port (0 for a beacon), the ITS-AID it was signed
/// with (0 unsigned) and the message.
#[derive(Debug)]
struct Heard {
    at: Instant,
    port: u16,
    its_aid: u64,
    message: Option<EtsiMessage>,
    wsmp: Option<MessageFrame>,
}

/// A vehicle on channel `channels` that trusts the PKI's root (and knows its authorisation
/// authority, as an EU vehicle does from the trust list) and takes every frame apart.
fn obu(
    medium: &LoopbackMedium,
    config: &ServiceConfig,
    dir: &Path,
    clock: Arc<dyn Clock>,
    stop: oneshot::Receiver<()>,
) -> tokio::task::JoinHandle<Vec<Heard>> {
    let radio: LoopbackRadio = medium.node(OBU, config.radio.channels);
    let mut store = TrustStore::new(TrustConfig::default());
    for file in ["root.oer", "aa.oer", "rsu.oer"] {
        if let Ok(bytes) = std::fs::read(dir.join(file)) {
            store.add(Certificate::from_coer(&bytes).unwrap()).unwrap();
        }
    }
    let mut verifier = Verifier::new(store, VerifierConfig::default());
    tokio::spawn(async move {
        let mut heard = Vec::new();
        tokio::pin!(stop);
        loop {
            let frame = tokio::select! {
                f = radio.recv() => f.unwrap(),
                _ = &mut stop => return heard,
            };
            let (basic, inner, its_aid) = match demux(&frame).unwrap() {
                Network::GeoNetworkingSecured { basic, secured } => {
                    let out = verifier.verify(&secured, clock.now_micros()).unwrap();
                    assert!(out.is_valid(), "{:?}", out.reason);
                    let signed = out.signed().unwrap();
                    let aid = signed.header.psid;
                    rsu_security::etsi::check_received(signed, aid).unwrap();
                    (basic, out.payload().unwrap().to_vec(), aid)
                }
                Network::GeoNetworking {
                    header,
                    transport,
                    data,
                } => {
                    // Unsigned (the configuration turned signing off).
                    let port = transport.map_or(0, |t| t.dst_port().0);
                    let message = (port != 0).then(|| EtsiMessage::decode_uper(&data).unwrap());
                    assert_eq!(header.extended.source().address.station_type.0, 15);
                    heard.push(Heard {
                        at: frame.meta.timestamp,
                        port,
                        its_aid: 0,
                        message,
                        wsmp: None,
                    });
                    continue;
                }
                Network::Wsmp { data, .. } => {
                    // Unsigned US frames, when both regions share the radio.
                    let (m, _) = MessageFrame::decode(&data).unwrap();
                    heard.push(Heard {
                        at: frame.meta.timestamp,
                        port: 0,
                        its_aid: 0,
                        message: None,
                        wsmp: Some(m),
                    });
                    continue;
                }
                other => panic!("unexpected {}", other.kind()),
            };
            let (repr, rest) = GeoNetworkingRepr::parse_inner(basic, &inner).unwrap();
            assert_eq!(repr.extended.source().address.station_type.0, 15);
            if let Extended::Beacon { .. } = repr.extended {
                heard.push(Heard {
                    at: frame.meta.timestamp,
                    port: 0,
                    its_aid,
                    message: None,
                    wsmp: None,
                });
                continue;
            }
            let btp = BtpPacket::new_checked(rest).unwrap();
            let message = EtsiMessage::decode_uper(btp.payload()).unwrap();
            heard.push(Heard {
                at: frame.meta.timestamp,
                port: btp.destination_port().0,
                its_aid,
                message: Some(message),
                wsmp: None,
            });
        }
    })
}

/// Runs the service for `run` of paused time with the OBU listening.
async fn run_service(
    config: &ServiceConfig,
    dir: &Path,
    run: Duration,
) -> (Vec<Heard>, ServiceHandle) {
    let clock: Arc<dyn Clock> = Arc::new(TokioClock::starting_at(START_UNIX_S * 1_000_000));
    let medium = LoopbackMedium::new(Default::default());
    let radio = medium.node(RSU, config.radio.channels);
    let (stop_tx, stop_rx) = oneshot::channel();
    let listener = obu(&medium, config, dir, clock.clone(), stop_rx);
    let service = support::service(config, radio, clock).await;
    let handle = service.handle();
    service.run(tokio::time::sleep(run)).await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    stop_tx.send(()).unwrap();
    (listener.await.unwrap(), handle)
}

fn spatems(heard: &[Heard]) -> Vec<(&Heard, &SPAT)> {
    heard
        .iter()
        .filter_map(|h| match &h.message {
            Some(EtsiMessage::Spatem(m)) => Some((h, &m.spat)),
            _ => None,
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn an_eu_obu_verifies_and_decodes_every_spatem_and_mapem() {
    let dir = support::scratch("eu-obu");
    let config = eu_config(&dir, None, None);
    let (heard, handle) = run_service(&config, &dir, Duration::from_secs(60)).await;
    let text = handle.metrics.render();

    let spat = spatems(&heard);
    let maps: Vec<&Heard> = heard
        .iter()
        .filter(|h| matches!(h.message, Some(EtsiMessage::Mapem(_))))
        .collect();
    // 10 Hz and 1 Hz across the hour boundary, every one verified (the OBU asserts it).
    assert!((599..=601).contains(&spat.len()), "{} SPATEMs", spat.len());
    assert!((59..=61).contains(&maps.len()), "{} MAPEMs", maps.len());
    // And the RSU's CAM once a second (stationType 15, ITS-AID 36), nothing else.
    let cams: Vec<&Heard> = heard
        .iter()
        .filter(|h| matches!(h.message, Some(EtsiMessage::Cam(_))))
        .collect();
    assert!((59..=61).contains(&cams.len()), "{} CAMs", cams.len());
    for h in &cams {
        assert_eq!((h.port, h.its_aid), (BtpPort::CAM.0, 36));
    }
    assert_eq!(
        spat.len() + maps.len() + cams.len(),
        heard.len(),
        "something else on the air"
    );
    for (h, s) in &spat {
        assert_eq!((h.port, h.its_aid), (BtpPort::SPATEM.0, 137));
        let Some(EtsiMessage::Spatem(m)) = &h.message else {
            unreachable!()
        };
        assert_eq!(
            (m.header.protocol_version, m.header.station_id.0),
            (2, 1001)
        );
        assert_eq!(s.intersections.0.len(), 1);
        assert_eq!(s.intersections.0[0].id.id.0, 1001);
    }
    for h in &maps {
        assert_eq!((h.port, h.its_aid), (BtpPort::MAPEM.0, 138));
    }
    // On the 100 ms grid: consecutive SPATEMs 100 ms apart, to within the airtime of a CAM
    // that went out just before one (the OBU stamps arrival, after the medium's queue).
    for pair in spat.windows(2) {
        let gap = pair[1].0.at - pair[0].0.at;
        assert!(
            (Duration::from_millis(99)..=Duration::from_millis(101)).contains(&gap),
            "SPATEM gap {gap:?}"
        );
    }
    // SHB at 10 Hz: the beacon timer never ran out.
    assert!(heard.iter().all(|h| h.port != 0));
    let sent = support::metric_value(
        &text,
        "rsu_messages_sent_total",
        &[("intersection", "1001"), ("type", "spatem")],
    );
    assert_eq!(sent, spat.len() as f64);
}

#[tokio::test(start_paused = true)]
async fn the_same_controller_in_both_regions_gives_the_same_content() {
    let dir = support::scratch("eu-us");
    rsu_security::pki::init_eu(&dir, START_UNIX_S - 60, &Default::default()).unwrap();
    let text = format!(
        "[rsu]\nname = \"both\"\nregion = \"eu\"\nregions = [\"us\", \"eu\"]\n\
         [radio]\nbackend = \"loopback\"\nchannel = 180\n[security]\nsigning = false\n\
         [messages]\nspat_psid = \"0x8002\"\nmap_psid = \"0xE0000017\"\n{}",
        support::demo_intersection()
    );
    let config = config::parse(&text, "both", &dir).unwrap().config;
    let (heard, _) = run_service(&config, &dir, Duration::from_secs(5)).await;
    let us: Vec<(&Heard, &SPAT)> = heard
        .iter()
        .filter_map(|h| match &h.wsmp {
            Some(MessageFrame::SPAT(s)) => Some((h, s.as_ref())),
            _ => None,
        })
        .collect();
    let eu = spatems(&heard);
    assert!(
        us.len() >= 49 && us.len() == eu.len(),
        "{} US, {} EU",
        us.len(),
        eu.len()
    );
    // Slot by slot the same SPAT: signal groups, event states, every TimeMark.
    for ((u, us_spat), (e, eu_spat)) in us.iter().zip(&eu) {
        assert!(e.at.duration_since(u.at) < Duration::from_millis(5));
        assert_eq!(us_spat, eu_spat);
    }
    // And the same geometry in MAP and MAPEM.
    let us_map = heard.iter().find_map(|h| match &h.wsmp {
        Some(MessageFrame::MapData(m)) => Some(m.as_ref().clone()),
        _ => None,
    });
    let eu_map = heard.iter().find_map(|h| match &h.message {
        Some(EtsiMessage::Mapem(m)) => Some(m.map.clone().redialect()),
        _ => None,
    });
    let (us_map, eu_map): (MapData, MapData) = (us_map.unwrap(), eu_map.unwrap());
    assert_eq!(us_map, eu_map);
}

#[tokio::test(start_paused = true)]
async fn a_ticket_that_forbids_intersection_state_refuses_every_spatem() {
    let dir = support::scratch("eu-ssp");
    // TP_IS_TLM_SSP_SND_BV_07: SSP 01 78 has no IntersectionState permission.
    let config = eu_config(&dir, None, Some(vec![0x01, 0x78]));
    let (heard, handle) = run_service(&config, &dir, Duration::from_secs(5)).await;
    let text = handle.metrics.render();
    assert!(spatems(&heard).is_empty(), "a SPATEM went out");
    // MAPEM needs no TLM permission: it still goes.
    assert!(
        heard
            .iter()
            .any(|h| matches!(h.message, Some(EtsiMessage::Mapem(_))))
    );
    let refused = support::metric_value(
        &text,
        "rsu_signing_failures_total",
        &[("intersection", "1001"), ("type", "spatem")],
    );
    assert!((49.0..=51.0).contains(&refused), "{refused} refusals");
}

#[tokio::test(start_paused = true)]
async fn gbc_only_beacons_every_three_seconds_and_a_bit() {
    let dir = support::scratch("eu-gbc");
    let etsi = "[etsi]\nstation_id = 1001\nspatem_transport = \"gbc\"\nmapem_transport = \"gbc\"\ngbc_radius_m = 250\n";
    let config = eu_config(&dir, Some(etsi), None);
    let (heard, handle) = run_service(&config, &dir, Duration::from_secs(60)).await;
    let beacons: Vec<&Heard> = heard.iter().filter(|h| h.port == 0).collect();
    assert!(
        (16..=20).contains(&beacons.len()),
        "{} beacons",
        beacons.len()
    );
    for b in &beacons {
        assert_eq!(b.its_aid, 141);
    }
    let gaps: Vec<Duration> = beacons.windows(2).map(|w| w[1].at - w[0].at).collect();
    for g in &gaps {
        assert!(
            (Duration::from_millis(3000)..=Duration::from_millis(3750)).contains(g),
            "beacon gap {g:?}"
        );
    }
    assert!(
        gaps.iter().max().unwrap() > gaps.iter().min().unwrap(),
        "no jitter"
    );
    // Their SPATEMs still go out on the 100 ms grid.
    assert!(spatems(&heard).len() >= 599);
    let text = handle.metrics.render();
    let sent = support::metric_value(&text, "rsu_messages_sent_total", &[("type", "gn_beacon")]);
    assert_eq!(sent, beacons.len() as f64);
}
