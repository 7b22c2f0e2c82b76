//! The TMC's DENMs and IVIMs in the EU region, end to end: RSU 4.1 message files over a real
//! UDP socket (Immediate Forward) and in a Store-and-Repeat folder, out on the loopback radio
//! as signed GeoNetworking GBCs, heard by an EU OBU that verifies TS 103 097 and takes every
//! frame apart.
//!
//! Real time (real sockets); waits are bounded generously and checks are on content.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rsu::clock::{Clock, SystemClock};
use rsu::config::{self, ServiceConfig};
use rsu_codecs::etsi::{self, EtsiMessage};
use rsu_hw::demux::{Network, demux};
use rsu_hw::wire::{BtpPacket, BtpPort, Extended, GeoNetworkingRepr};
use rsu_hw::{LoopbackMedium, Radio};
use rsu_security::cert::Certificate;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::time::timeout;

use support::{OBU, RSU, message_file, metric_or_zero};

/// Added to the EU demo, whose Immediate Forward listener and DENM and IVIM registrations
/// are the ones under test.
const STORE_AND_REPEAT: &str = r#"
[store_and_repeat]
directory = "repeat"
scan_interval_ms = 100
"#;

/// The EU demo with Store-and-Repeat, listening on a free port, over a fresh EU test PKI in
/// `dir`.
fn eu_config(dir: &Path) -> ServiceConfig {
    let now_s = SystemClock.now_micros() / 1_000_000;
    rsu_security::pki::init_eu(dir, now_s - 60, &Default::default()).unwrap();
    std::fs::create_dir_all(dir.join("repeat")).unwrap();
    let text = rsu::app::demo_text(rsu::app::DemoRegion::Eu)
        .replacen("127.0.0.1:1516", "127.0.0.1:0", 1)
        .replacen("\n[log]", &format!("{STORE_AND_REPEAT}\n[log]"), 1);
    let loaded = config::parse(&text, "eu tmc", dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    loaded.config
}

/// What the OBU took from a TMC frame: the ITS-AID it was signed with, the GBC area's
/// centre and radius, the BTP port and the message.
#[derive(Debug)]
struct Heard {
    its_aid: u64,
    centre: (i32, i32),
    radius_m: u16,
    port: u16,
    message: Vec<u8>,
}

/// An EU vehicle on channel 180 that trusts the PKI's root and AA, verifies every secured
/// packet and passes on the GBCs (the TMC's messages; the broadcast is SHB).
fn obu(
    medium: &LoopbackMedium,
    config: &ServiceConfig,
    dir: &Path,
) -> mpsc::UnboundedReceiver<Heard> {
    let radio = medium.node(OBU, config.radio.channels);
    let mut store = TrustStore::new(TrustConfig::default());
    for file in ["root.oer", "aa.oer"] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        store.add(Certificate::from_coer(&bytes).unwrap()).unwrap();
    }
    let mut verifier = Verifier::new(store, VerifierConfig::default());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok(frame) = radio.recv().await {
            let Network::GeoNetworkingSecured { basic, secured } = demux(&frame).unwrap() else {
                panic!("an unsecured frame");
            };
            let out = verifier.verify(&secured, SystemClock.now_micros()).unwrap();
            assert!(out.is_valid(), "{:?}", out.reason);
            let signed = out.signed().unwrap();
            let its_aid = signed.header.psid;
            rsu_security::etsi::check_received(signed, its_aid).unwrap();
            let (repr, rest) =
                GeoNetworkingRepr::parse_inner(basic, out.payload().unwrap()).unwrap();
            let Extended::Gbc { area, source, .. } = repr.extended else {
                continue;
            };
            assert_eq!(source.address.station_type.0, 15);
            let btp = BtpPacket::new_checked(rest).unwrap();
            let heard = Heard {
                its_aid,
                centre: (area.latitude, area.longitude),
                radius_m: area.distance_a,
                port: btp.destination_port().0,
                message: btp.payload().to_vec(),
            };
            if tx.send(heard).is_err() {
                return;
            }
        }
    });
    rx
}

async fn next(heard: &mut mpsc::UnboundedReceiver<Heard>) -> Heard {
    timeout(Duration::from_secs(5), heard.recv())
        .await
        .expect("nothing on the air within 5 s")
        .unwrap()
}

#[tokio::test]
async fn tmc_denms_and_ivims_go_out_as_signed_gbcs() {
    let dir = support::scratch("eu-tmc");
    let config = eu_config(&dir);
    let medium = LoopbackMedium::new(Default::default());
    let radio = medium.node(RSU, config.radio.channels);
    let mut heard = obu(&medium, &config, &dir);
    let service = support::service(&config, radio, Arc::new(SystemClock)).await;
    let handle = service.handle();
    let ifm = handle.immediate_forward_addr.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(service.run(async {
        let _ = stopped.await;
    }));
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();

    // Immediate Forward: the shared vector, a road-works DENM relevant within 1 km (the demo
    // ticket permits cause 3).
    let Some(roadworks) = support::read_hex_vector("etsi/cits_denm.hex") else {
        return;
    };
    let EtsiMessage::Denm(mut denm) = EtsiMessage::decode_uper(&roadworks).unwrap() else {
        panic!("the vector is not a DENM");
    };
    let event = &denm.denm.management.event_position;
    let event = (event.latitude.0, event.longitude.0);
    let file = message_file("0x25", "DENM", "180", 0, ("", ""), true, &roadworks);
    socket.send_to(file.as_bytes(), ifm).await.unwrap();
    let got = next(&mut heard).await;
    assert_eq!((got.its_aid, got.port), (37, BtpPort::DENM.0));
    assert_eq!((got.centre, got.radius_m), (event, 1_000));
    assert_eq!(got.message, roadworks);

    // An accident DENM: the ticket's SSP does not permit it, so it is counted, never sent.
    let situation = denm.denm.situation.as_mut().unwrap();
    situation.event_type.cause_code = etsi::CauseCodeType(2);
    let accident = denm.encode_uper().unwrap();
    let file = message_file("0x25", "DENM", "180", 0, ("", ""), true, &accident);
    socket.send_to(file.as_bytes(), ifm).await.unwrap();
    // A TIM under the DENM registration is refused as a payload.
    let file = message_file("0x25", "DENM", "180", 0, ("", ""), true, &support::tim(3));
    socket.send_to(file.as_bytes(), ifm).await.unwrap();

    // Store-and-Repeat: an IVIM every second around the RSU. The vector is a real IVIM
    // (shared/vectors/etsi, read at run time).
    let ivim = support::read_hex_vector("etsi/cits_ivim.hex").unwrap();
    let window = (
        support::message_file_time(-120),
        support::message_file_time(600),
    );
    let file = message_file(
        "0x800B",
        "IVIM",
        "180",
        1,
        (&window.0, &window.1),
        true,
        &ivim,
    );
    std::fs::write(dir.join("repeat/ivim.txt"), file).unwrap();
    let mut ivims = 0;
    while ivims < 2 {
        let got = next(&mut heard).await;
        assert_ne!(got.message, accident, "a DENM the ticket forbids went out");
        assert_eq!((got.its_aid, got.port), (139, BtpPort::IVIM.0));
        assert_eq!(got.radius_m, 300);
        assert_eq!(got.message, ivim);
        ivims += 1;
    }
    let text = handle.metrics.render();
    let labels = [
        ("source", "immediate_forward"),
        ("reason", "ssp_forbids_content"),
    ];
    assert_eq!(
        metric_or_zero(&text, "rsu_tmc_send_failures_total", &labels),
        1.0
    );
    let labels = [("source", "immediate_forward"), ("reason", "bad_payload")];
    assert_eq!(
        metric_or_zero(&text, "rsu_tmc_messages_rejected_total", &labels),
        1.0
    );
    stop.send(()).unwrap();
    task.await.unwrap();
}
