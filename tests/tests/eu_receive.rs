//! The EU receive side end to end: the service in-process on the loopback radio, with
//! `[[forward]]` rules that select by ITS-AID, hears a simulated passenger car send a CAM and a
//! DENM as ETSI stations do (TS 103 097-signed with an authorisation ticket from an EU-shaped
//! test PKI, GeoNetworking single-hop broadcast, BTP-B ports 2001 and 2002) and passes each on,
//! verified, to a UDP server; a CAM with a broken signature is not forwarded as verified, and
//! bad GeoNetworking frames are counted by reason.
//!
//! The CAM and DENM bodies are the shared vectors (read at run time; see
//! ../shared/vectors/README.md). Real time and real sockets, as in forwarding.rs: each check
//! waits for what it expects with a generous deadline.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use rasn_its::ieee1609dot2::base_types::Duration as CertDuration;
use rsu::clock::{Clock, SystemClock};
use rsu::config::{self, ServiceConfig};
use rsu_hw::wire::{
    BtpPort, BtpRepr, CommonNextHeader, GeoNetworkingRepr, GnBtpHeaders, LongPositionVector,
    StationType, Timestamp, TrafficClass, secured_packet,
};
use rsu_hw::{EtherType, LoopbackMedium, LoopbackRadio, MacAddr, Radio, TxFrame};
use rsu_security::cert::Certificate;
use rsu_security::etsi::EtsiPolicy;
use rsu_security::etsi::ssp::SspNeed;
use rsu_security::pki::{self, CertSpec};
use rsu_security::sign::{self, Signer};
use rsu_security::spdu::Location;
use tokio::net::UdpSocket;
use tokio::time::Instant;

/// The simulated car's radio.
const CAR: MacAddr = MacAddr::local([0x02, 0, 0, 0, 0x0c, 0x01]);
const PATIENCE: Duration = Duration::from_secs(10);

/// The RSU signs with the US test PKI in `dir` (as every HIL configuration does) and trusts
/// the EU-shaped PKI in `dir/eu`: its root as anchor, its AA to chain tickets through (and
/// the US root, for its own signing self-test).
fn eu_config(dir: &Path, rules: &str, now_unix: i64) -> ServiceConfig {
    pki::init(dir, now_unix, &Default::default()).unwrap();
    pki::init_eu(&dir.join("eu"), now_unix, &Default::default()).unwrap();
    // The service checks at start that what it signs verifies against its own trust store.
    std::fs::copy(dir.join("root.oer"), dir.join("eu/us-root.oer")).unwrap();
    let header = support::HEADER.replace("trust_store = \".\"", "trust_store = \"eu\"");
    let text = format!("{header}{rules}\n");
    config::parse(&text, "eu receive test", dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .config
}

/// A passenger car with its own authorisation ticket for CAM and DENM, issued by the test AA
/// (kept in memory: the RSU learns it from the air).
struct Car {
    radio: LoopbackRadio,
    signer: Signer,
    channel: u8,
}

impl Car {
    fn new(medium: &LoopbackMedium, config: &ServiceConfig, eu_dir: &Path, now_s: i64) -> Car {
        let aa = Certificate::from_coer(&std::fs::read(eu_dir.join("aa.oer")).unwrap()).unwrap();
        let aa_key = sign::load_key_file(&eu_dir.join("aa-key.pem")).unwrap();
        let key = sign::backend_from_pem(
            &sign::generate_pem(rsu_security::Curve::NistP256).unwrap(),
            "car key",
        )
        .unwrap();
        let spec = CertSpec {
            name: None,
            start_unix: now_s - 60,
            duration: CertDuration::Hours(1),
            region: None,
            app_permissions: pki::eu_app_permissions(None),
            issue_permissions: None,
        };
        let at = pki::issue_explicit(&spec, &key.public_key(), Some((&aa, aa_key.as_ref())), None)
            .unwrap();
        Car {
            radio: medium.node(CAR, config.radio.channels),
            signer: Signer::etsi(key, Arc::new(at), EtsiPolicy::default()).unwrap(),
            channel: config.radio.channel,
        }
    }

    /// The car's SHB header and BTP-B to `port`, for a message of `len` octets.
    fn headers(port: BtpPort, len: usize) -> GnBtpHeaders {
        let mut source = LongPositionVector::rsu(CAR, Timestamp(0), 481_234_567, 116_543_210);
        source.address.station_type = StationType::PASSENGER_CAR;
        source.speed = 1389; // 50 km/h
        source.heading = 900;
        let gn = GeoNetworkingRepr::shb(source, CommonNextHeader::BtpB, TrafficClass::from_raw(2));
        let btp = BtpRepr::B {
            dst_port: port,
            dst_port_info: 0,
        };
        let mut h = GnBtpHeaders::new(&gn, &btp).unwrap();
        h.set_message_len(len).unwrap();
        h
    }

    /// `message` signed for `its_aid` (DENM with its generationLocation) and framed as a
    /// secured GeoNetworking packet on `port`.
    fn secured(&mut self, its_aid: u64, port: BtpPort, message: &[u8]) -> Vec<u8> {
        let h = Self::headers(port, message.len());
        let mut inner = h.secured_inner_prefix().to_vec();
        inner.extend_from_slice(message);
        let here = Location {
            lat_e7: 481_234_567,
            lon_e7: 116_543_210,
            elevation: 5000,
        };
        let location = (its_aid == 37).then_some(&here);
        let spdu = self
            .signer
            .sign_etsi(
                its_aid,
                &inner,
                SspNeed::NONE,
                location,
                SystemClock.now_micros(),
            )
            .unwrap();
        let mut out = Vec::new();
        secured_packet(h.basic_header().unwrap(), &spdu, &mut out).unwrap();
        out
    }

    async fn send(&self, packet: Vec<u8>) {
        let mut frame = TxFrame::broadcast(EtherType::GEONETWORKING, Bytes::from(packet));
        frame.meta.channel = Some(self.channel);
        self.radio.send(frame).await.unwrap();
    }
}

/// The next datagram on `socket` as JSON.
async fn next_json(socket: &UdpSocket, what: &str) -> serde_json::Value {
    let mut buf = vec![0u8; 65_536];
    let len = tokio::time::timeout(PATIENCE, socket.recv(&mut buf))
        .await
        .unwrap_or_else(|_| panic!("no {what} within {PATIENCE:?}"))
        .unwrap();
    serde_json::from_slice(&buf[..len]).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Waits until `done` holds for the service's metrics; fails naming `what`.
async fn until(handle: &rsu::runtime::ServiceHandle, what: &str, done: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let text = handle.metrics.render();
        if done(&text) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "waited {PATIENCE:?} for {what}; metrics:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn dropped(text: &str, reason: &str) -> f64 {
    support::metric_or_zero(text, "rsu_received_dropped_total", &[("reason", reason)])
}

#[tokio::test]
async fn a_cam_and_a_denm_are_verified_and_forwarded_by_its_aid() {
    let (Some(cam), Some(denm)) = (
        support::read_hex_vector("etsi/cits_cam.hex"),
        support::read_hex_vector("etsi/cits_denm.hex"),
    ) else {
        return;
    };
    let dir = support::scratch("eu-receive");
    let cam_server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let denm_server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (cam_addr, denm_addr) = (
        cam_server.local_addr().unwrap(),
        denm_server.local_addr().unwrap(),
    );
    // The CAM rule forwards unverified ones too, labelled, so the bad signature shows up as
    // such; the DENM rule forwards verified ones only.
    let rules = format!(
        r#"
[[forward]]
its_aid = 36
destination = "{cam_addr}"
protocol = "udp"
format = "json"
content = "payload"
unverified = "forward"

[[forward]]
its_aid = 37
destination = "{denm_addr}"
protocol = "udp"
format = "json"
content = "wsmp"
"#
    );
    let now_s = SystemClock.now_micros() / 1_000_000;
    let config = eu_config(&dir, &rules, now_s);

    let medium = LoopbackMedium::new(Default::default());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let service = support::service(
        &config,
        medium.node(support::RSU, config.radio.channels),
        clock,
    )
    .await;
    let handle = service.handle();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(service.run(async {
        let _ = stopped.await;
    }));
    let mut car = Car::new(&medium, &config, &dir.join("eu"), now_s);

    // A CAM and a DENM, each verified and forwarded by its ITS-AID rule.
    let cam_packet = car.secured(36, BtpPort::CAM, &cam);
    car.send(cam_packet.clone()).await;
    let got = next_json(&cam_server, "the CAM").await;
    assert_eq!(got["its_aid"], 36, "{got}");
    assert_eq!(got["verification"], "verified", "{got}");
    assert_eq!(got["content"], "payload", "{got}");
    assert_eq!(got["data"], hex::encode_upper(&cam), "{got}");

    let denm_packet = car.secured(37, BtpPort::DENM, &denm);
    car.send(denm_packet.clone()).await;
    let got = next_json(&denm_server, "the DENM").await;
    assert_eq!(got["its_aid"], 37, "{got}");
    assert_eq!(got["verification"], "verified", "{got}");
    assert_eq!(got["content"], "geonetworking", "{got}");
    assert_eq!(got["data"], hex::encode_upper(&denm_packet), "{got}");

    // A CAM whose signature is broken (the last octet of s): forwarded by the lax rule, but
    // not as verified.
    let mut forged = car.secured(36, BtpPort::CAM, &cam);
    if let Some(b) = forged.last_mut() {
        *b ^= 0x01;
    }
    car.send(forged).await;
    let got = next_json(&cam_server, "the forged CAM").await;
    assert_eq!(got["its_aid"], 36, "{got}");
    assert_ne!(got["verification"], "verified", "{got}");
    // A forged DENM is not forwarded by the strict rule: it is skipped as unverified.
    let mut forged = car.secured(37, BtpPort::DENM, &denm);
    if let Some(b) = forged.last_mut() {
        *b ^= 0x01;
    }
    car.send(forged).await;
    until(&handle, "the forged DENM skipped", |t| {
        support::metric_or_zero(
            t,
            "rsu_forward_skipped_total",
            &[("rule", "1"), ("reason", "unverified")],
        ) == 1.0
    })
    .await;

    // Bad input, each counted by its reason: a wrong GN version, a truncated secured packet,
    // a packet signed for ITS-AID 37 sent on the CAM port, a CAM body signed as a DENM on the
    // DENM port (messageID 2 on a port that carries 1), an ITS-AID no rule selects (SPATEM,
    // unsecured).
    let mut v2 = cam_packet.clone();
    v2[0] = (v2[0] & 0x0f) | 0x20;
    car.send(v2).await;
    car.send(cam_packet[..cam_packet.len() / 2].to_vec()).await;
    let wrong_port = car.secured(37, BtpPort::CAM, &cam);
    car.send(wrong_port).await;
    let wrong_message = car.secured(37, BtpPort::DENM, &cam);
    car.send(wrong_message).await;
    let spatem_headers = Car::headers(BtpPort::SPATEM, 6);
    let mut spatem = spatem_headers.as_bytes().to_vec();
    spatem.extend_from_slice(&[2, 4, 0, 0, 0, 1]);
    car.send(spatem).await;
    until(&handle, "every bad frame counted", |t| {
        dropped(t, "gn_version") == 1.0
            && dropped(t, "gn_secured_malformed") == 1.0
            && dropped(t, "its_aid_port_mismatch") == 1.0
            && dropped(t, "message_id_port_mismatch") == 1.0
            && dropped(t, "no_rule") == 1.0
    })
    .await;
    let text = handle.metrics.render();
    assert_eq!(
        support::metric_value(
            &text,
            "rsu_received_verification_total",
            &[("outcome", "verified")]
        ),
        2.0,
        "{text}"
    );
    // Nothing more reached the servers.
    let mut buf = [0u8; 2048];
    assert!(cam_server.try_recv(&mut buf).is_err());
    assert!(denm_server.try_recv(&mut buf).is_err());

    let _ = stop.send(());
    task.await.unwrap();
}
