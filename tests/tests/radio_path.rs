//! The RSU's radio path end to end, with the real crates together: a SPaT from the simulated
//! fixed-time controller, UPER-encoded (rsu-codecs), signed as an IEEE 1609.2 SPDU
//! (rsu-security), framed as WSMP and broadcast on channel 172 over the loopback medium
//! (rsu-hw), then demultiplexed, verified and decoded by simulated OBUs, with the RSU's
//! traffic captured to a pcap file that is read back.
//!
//! Time is tokio's paused clock: a minute of 10 Hz broadcasting runs in well under a second,
//! and every delay is exact, so delays are asserted to the nanosecond without wall-clock
//! timing. The medium's loss is seeded, so a run is reproducible.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use rasn_its::ieee1609dot2::base_types::Duration as CertDuration;
use rsu::clock::UnixMillis;
use rsu::controller::SignalSource;
use rsu::controller::sim::SimulatedController;
use rsu::intersection::{GreenKind, Intersection, SignalGroup};
use rsu_codecs::j2735::MessageFrame;
use rsu_hw::channels::{ChannelAccess, ChannelConfig, ChannelPlan, Region, Technology};
use rsu_hw::demux::{Network, demux};
use rsu_hw::radio::loopback::{Link, LoopbackConfig, airtime};
use rsu_hw::wire::{EthernetFrame, WsmpHeaderPrefix, WsmpRepr};
use rsu_hw::{
    Capture, DataRate, EtherType, LinkType, LoopbackMedium, LoopbackRadio, MacAddr, PcapReader,
    Psid, Radio, RxFrame, RxMeta, TxFrame, TxMeta,
};
use rsu_security::cert::Certificate;
use rsu_security::pki::{CertSpec, RSU_PSIDS, TestChain};
use rsu_security::sign::{self, Signer};
use rsu_security::spdu::SignerInfo;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use rsu_security::{Curve, HashedId8, time};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Unix time of the medium's origin on the simulated clock: 2026-06-01 12:00:00 UTC.
const BASE_UNIX_US: i64 = 1_780_315_200 * 1_000_000;
/// SPaT goes out at 10 Hz (SAE J2735 / J2945 practice for signalised intersections).
const SPAT_PERIOD: Duration = Duration::from_millis(100);
/// US DSRC channel 172: safety of life, where DSRC-era RSUs broadcast SPaT and MAP.
const SPAT_CHANNEL: u8 = 172;
/// US DSRC channel 178: the 1609.4 control channel, which carries no SPaT.
const CONTROL_CHANNEL: u8 = 178;
/// 6 Mb/s, in the WSMP Data Rate unit of 500 kb/s.
const RATE: DataRate = DataRate(12);
const TX_POWER_DBM: i8 = 20;
/// 802.11 user priority 5 (EDCA AC_VI), what RSUs commonly give SPaT.
const USER_PRIORITY: u8 = 5;

const RSU: MacAddr = MacAddr::local([0x02, 0, 0, 0, 0, 0x01]);
const OBU_A: MacAddr = MacAddr::local([0x02, 0, 0, 0, 0, 0xa0]);
const OBU_B: MacAddr = MacAddr::local([0x02, 0, 0, 0, 0, 0xb0]);
const OBU_C: MacAddr = MacAddr::local([0x02, 0, 0, 0, 0, 0xc0]);
const ROGUE: MacAddr = MacAddr::local([0x02, 0, 0, 0, 0, 0xee]);

/// The 1609.2 PSID of SPaT, the same number the WSMP header carries p-encoded (0x8002).
fn spat_psid() -> u64 {
    u64::from(Psid::INTERSECTION.value())
}

/// Continuous access to one channel of the US DSRC plan.
fn us_dsrc(channel: u8) -> ChannelConfig {
    let plan = ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap();
    ChannelConfig::new(plan, ChannelAccess::Continuous { channel }).unwrap()
}

/// Maps tokio instants to Unix time: the medium's origin is [`BASE_UNIX_US`], so generation
/// times advance with the paused clock, not with the machine's.
#[derive(Debug, Clone, Copy)]
struct SimClock {
    origin: Instant,
}

impl SimClock {
    fn unix_us(self, at: Instant) -> i64 {
        BASE_UNIX_US + i64::try_from((at - self.origin).as_micros()).unwrap()
    }
}

/// A throw-away root CA and an RSU certificate for PSIDs 0x80/0x82/0x83, valid around
/// [`BASE_UNIX_US`], made in-process as `rsu pki init` makes them on disk.
fn test_pki() -> TestChain {
    let base_s = BASE_UNIX_US / 1_000_000;
    TestChain::new(
        &CertSpec::ca(
            "HIL test root CA - not for deployment",
            base_s - 86_400,
            CertDuration::Years(1),
            1,
        ),
        Curve::NistP256,
        &CertSpec::end_entity(
            "rsu.hil.test.invalid",
            base_s - 3_600,
            CertDuration::Hours(24),
            &RSU_PSIDS,
        ),
        Curve::NistP256,
    )
    .unwrap()
}

/// An OBU's verifier: it trusts the root only, and learns the RSU's certificate from the
/// SPDUs that carry it, as a vehicle meeting this RSU for the first time does.
fn obu_verifier(root: &Certificate) -> Verifier {
    let mut store = TrustStore::new(TrustConfig::default());
    store.add(root.clone()).unwrap();
    Verifier::new(store, VerifierConfig::default())
}

/// The RSU's transmit side: encode, sign, frame.
struct SpatSender {
    signer: Signer,
    /// Built once: only the WSM length changes from one SPaT to the next.
    wsmp: WsmpHeaderPrefix,
}

impl SpatSender {
    fn new(pki: &TestChain) -> SpatSender {
        // TestChain keeps its key; the signer gets its own backend from the same PEM.
        let key = sign::backend_from_pem(&pki.ee_pem, "RSU key").unwrap();
        SpatSender {
            signer: Signer::new(key, Arc::new(pki.ee.clone())).unwrap(),
            wsmp: spat_wsmp_header(0).header_prefix().unwrap(),
        }
    }

    /// The WSMP packet carrying `frame` signed at `unix_us`.
    fn packet(&mut self, frame: &MessageFrame, unix_us: i64) -> Bytes {
        let uper = frame.encode().unwrap();
        let spdu = self.signer.sign(spat_psid(), &uper, unix_us).unwrap();
        let mut packet = vec![0; self.wsmp.header_len(spdu.len()) + spdu.len()];
        let header_len = self.wsmp.emit(spdu.len(), &mut packet).unwrap();
        packet[header_len..].copy_from_slice(&spdu);
        Bytes::from(packet)
    }
}

/// The WSMP header of a SPaT with `payload_len` octets of data: PSID 0x82 and the channel,
/// rate and power it goes out with (1609.3 N-extensions).
fn spat_wsmp_header(payload_len: usize) -> WsmpRepr {
    WsmpRepr {
        channel: Some(SPAT_CHANNEL),
        rate: Some(RATE),
        tx_power_dbm: Some(TX_POWER_DBM),
        ..WsmpRepr::new(Psid::INTERSECTION, payload_len)
    }
}

/// The radio's metadata must agree with what the WSMP header says was used.
fn spat_tx_frame(packet: Bytes) -> TxFrame {
    TxFrame {
        meta: TxMeta {
            channel: Some(SPAT_CHANNEL),
            rate: Some(RATE),
            power_dbm: Some(TX_POWER_DBM),
            user_priority: USER_PRIORITY,
            ..TxMeta::default()
        },
        ..TxFrame::broadcast(EtherType::WSMP, packet)
    }
}

/// One SPaT as the RSU sent it.
struct Sent {
    at: Instant,
    /// 1609.2 `Time64`: what the SPDU header carries, so receptions can be matched to it.
    generation_time: u64,
    frame: MessageFrame,
    packet: Bytes,
}

/// Broadcasts `count` SPaTs at 10 Hz from `rsu`, each built by `make` for its Unix time and
/// signed afresh, and returns them in sending order.
async fn broadcast<R: Radio>(
    rsu: &R,
    sender: &mut SpatSender,
    clock: SimClock,
    count: usize,
    mut make: impl FnMut(i64) -> MessageFrame,
) -> Vec<Sent> {
    let mut ticks = tokio::time::interval(SPAT_PERIOD);
    let mut sent = Vec::with_capacity(count);
    for _ in 0..count {
        let at = ticks.tick().await;
        let unix_us = clock.unix_us(at);
        let frame = make(unix_us);
        let packet = sender.packet(&frame, unix_us);
        rsu.send(spat_tx_frame(packet.clone())).await.unwrap();
        sent.push(Sent {
            at,
            generation_time: time::time64_from_unix_micros(unix_us),
            frame,
            packet,
        });
    }
    sent
}

/// The simulated controller's SPaT at `unix_us`.
fn demo_spat(unix_us: i64) -> MessageFrame {
    thread_local! {
        /// The demo's eight-phase plan and its four through movements.
        static DEMO: (SimulatedController, Intersection) = (
            SimulatedController::demo_four_leg(),
            Intersection {
                id: 1001,
                region: None,
                name: "Demo Ave & Main St".into(),
                signal_groups: [2, 4, 6, 8]
                    .map(|p| SignalGroup {
                        id: p,
                        source: SignalSource::Phase(p),
                        green: GreenKind::Protected,
                        name: None,
                    })
                    .to_vec(),
                geometry: None,
            },
        );
    }
    let now = UnixMillis(u64::try_from(unix_us / 1000).unwrap());
    DEMO.with(|(sim, ix)| {
        let state = rsu::j2735::spat::intersection_state(ix, &sim.state_at(now), now, 0, true);
        MessageFrame::SPAT(Box::new(rsu::j2735::spat::spat([state], now)))
    })
}

/// What the 1609.2 header of a signed SPDU said, valid or not.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SignedFacts {
    psid: u64,
    generation_time: Option<u64>,
    /// The signer field carried the certificate itself, not its digest.
    by_certificate: bool,
    signer: Option<HashedId8>,
}

/// What an OBU made of one received frame.
#[derive(Debug)]
struct Heard {
    src: MacAddr,
    at: Instant,
    meta: RxMeta,
    /// The WSMP header and data, if the frame demultiplexed as WSMP.
    wsmp: Option<(WsmpRepr, Bytes)>,
    /// The SPDU's header, if the data parsed as a signed SPDU.
    signed: Option<SignedFacts>,
    /// The MessageFrame, or the stable code of why the frame was dropped.
    outcome: Result<MessageFrame, &'static str>,
}

/// The OBU receive path: demultiplex, verify at the receiver's clock, and only then decode,
/// so that nothing parses a payload whose origin is unproven. Every failure is an outcome,
/// never a panic: this is the code that faces the air.
fn receive(verifier: &mut Verifier, frame: RxFrame, now_unix_us: i64) -> Heard {
    let mut heard = Heard {
        src: frame.src,
        at: frame.meta.timestamp,
        meta: frame.meta,
        wsmp: None,
        signed: None,
        outcome: Err("not_wsmp"),
    };
    let (header, data) = match demux(&frame) {
        Ok(Network::Wsmp { header, data }) => (header, data),
        Ok(_) => return heard,
        Err(e) => {
            heard.outcome = Err(e.code());
            return heard;
        }
    };
    heard.wsmp = Some((header, data.clone()));
    let verification = match verifier.verify(&data, now_unix_us) {
        Ok(v) => v,
        Err(_) => {
            heard.outcome = Err("not_an_spdu");
            return heard;
        }
    };
    heard.signed = verification.signed().map(|s| SignedFacts {
        psid: s.header.psid,
        generation_time: s.header.generation_time,
        by_certificate: matches!(s.signer, SignerInfo::Certificates(_)),
        signer: verification.signer_id(),
    });
    heard.outcome = match (&verification.reason, verification.payload()) {
        (Some(reason), _) => Err(reason.code()),
        (None, None) => Err("no_payload"),
        (None, Some(payload)) => match MessageFrame::decode(payload) {
            Ok((frame, used)) if used == payload.len() => Ok(frame),
            _ => Err("undecodable_payload"),
        },
    };
    heard
}

/// Runs an OBU's receive path on every frame it gets until `until`.
fn spawn_obu(
    radio: LoopbackRadio,
    mut verifier: Verifier,
    clock: SimClock,
    until: Instant,
) -> JoinHandle<Vec<Heard>> {
    tokio::spawn(async move {
        let mut heard = Vec::new();
        while let Ok(frame) = tokio::time::timeout_at(until, radio.recv()).await {
            let frame = frame.unwrap();
            let now = clock.unix_us(frame.meta.timestamp);
            heard.push(receive(&mut verifier, frame, now));
        }
        heard
    })
}

/// Checks every reception of the RSU's SPaTs: WSMP header and radio metadata as sent, a
/// signed SPDU for PSID 0x82 whose generation time names a sent SPaT, heard at most once and
/// in order, the MessageFrame equal to the one sent, and (with `delay`) arrival exactly the
/// frame's airtime plus the link's delay after sending.
///
/// An OBU that has not yet heard the RSU's certificate cannot resolve a digest signer: the
/// signer attaches its certificate once a second (1609.2 §6.3.9 leaves the rate to the
/// profile), so frames before the first certificate-bearing one an OBU got may, and may
/// only, be dropped as `unknown_signer`. Returns the number of SPaTs accepted.
fn check_spats(heard: &[Heard], sent: &[Sent], delay: Option<Duration>) -> usize {
    let index: HashMap<u64, usize> = sent
        .iter()
        .enumerate()
        .map(|(i, s)| (s.generation_time, i))
        .collect();
    let mut last = None;
    let mut knows_certificate = false;
    let mut accepted = 0;
    for h in heard {
        assert_eq!(h.src, RSU);
        assert_eq!(h.meta.channel, Some(SPAT_CHANNEL));
        assert_eq!(h.meta.rate, Some(RATE));
        let (header, data) = h.wsmp.as_ref().expect("a WSMP frame");
        assert_eq!(*header, spat_wsmp_header(data.len()));
        let signed = h.signed.as_ref().expect("a signed SPDU");
        assert_eq!(signed.psid, spat_psid());
        let generated = signed.generation_time.expect("a generation time");
        let i = *index
            .get(&generated)
            .unwrap_or_else(|| panic!("generation time {generated} was never sent"));
        assert!(last < Some(i), "SPaT {i} heard twice or out of order");
        last = Some(i);
        let s = &sent[i];
        assert_eq!(data.as_ref(), &s.packet[s.packet.len() - data.len()..]);
        if let Some(delay) = delay {
            let air = airtime(s.packet.len(), RATE).unwrap();
            assert_eq!(h.at - s.at, air + delay, "SPaT {i}'s delay");
        }
        knows_certificate |= signed.by_certificate;
        match &h.outcome {
            Ok(frame) => {
                assert_eq!(*frame, s.frame, "SPaT {i} decoded differently");
                accepted += 1;
            }
            Err("unknown_signer") if !knows_certificate => {}
            Err(code) => panic!("SPaT {i} rejected: {code}"),
        }
    }
    accepted
}

/// A pcap file in the temporary directory, removed when the test passes and kept (with its
/// path printed) when it fails, for tshark.
struct TempPcap(PathBuf);

impl TempPcap {
    fn new(test: &str) -> TempPcap {
        let name = format!("rsu-hil-{}-{test}.pcap", std::process::id());
        TempPcap(std::env::temp_dir().join(name))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempPcap {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("capture kept at {}", self.0.display());
        } else {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// Reads the RSU's capture back: exactly the frames sent, in order, each as it went out
/// (source, broadcast, WSMP) and demultiplexing to the same WSMP header and data, stamped
/// at the simulated instants it was sent.
fn check_capture(path: &Path, sent: &[Sent]) {
    let reader = PcapReader::new(File::open(path).unwrap()).unwrap();
    assert_eq!(reader.link_type(), LinkType::Ethernet);
    let records: Vec<_> = reader.collect::<Result<_, _>>().unwrap();
    assert_eq!(
        records.len(),
        sent.len(),
        "one record per frame sent, no others"
    );
    for (i, (record, s)) in records.iter().zip(sent).enumerate() {
        assert_eq!(
            record.orig_len as usize,
            record.data.len(),
            "record {i} cut"
        );
        let ethernet = EthernetFrame::new_checked(record.data.as_slice()).unwrap();
        assert_eq!(
            ethernet.src(),
            RSU,
            "record {i}: only the RSU's TX is captured"
        );
        assert_eq!(ethernet.dst(), MacAddr::BROADCAST);
        let as_received = |payload: Bytes| RxFrame {
            src: RSU,
            dst: MacAddr::BROADCAST,
            ethertype: ethernet.ethertype(),
            payload,
            meta: RxMeta {
                channel: Some(SPAT_CHANNEL),
                rssi_dbm: None,
                rate: Some(RATE),
                timestamp: s.at,
            },
        };
        let captured = demux(&as_received(Bytes::copy_from_slice(ethernet.payload()))).unwrap();
        let original = demux(&as_received(s.packet.clone())).unwrap();
        assert_eq!(captured, original, "record {i}");
        let offset = record
            .timestamp
            .duration_since(records[0].timestamp)
            .unwrap();
        assert_eq!(offset, s.at - sent[0].at, "record {i}'s timestamp");
    }
}

/// A minute of 10 Hz SPaT from the RSU on channel 172: a close OBU on a clean link hears all
/// 600, 2 ms after each airtime; one on a 20 %-loss link hears its share; one tuned to the
/// control channel hears nothing; and the capture holds exactly what went out.
#[tokio::test(start_paused = true)]
async fn spat_broadcast_reaches_the_obus_on_its_channel_signed_and_intact() {
    const COUNT: usize = 600;
    const LOSS: f64 = 0.2;
    const DELAY_A: Duration = Duration::from_millis(2);

    let pki = test_pki();
    let medium = LoopbackMedium::new(LoopbackConfig {
        seed: 0x5BA7,
        ..LoopbackConfig::default()
    });
    let clock = SimClock {
        origin: medium.origin(),
    };
    let pcap = TempPcap::new("broadcast");
    let rsu = Arc::new(
        Capture::create(
            medium.node(RSU, us_dsrc(SPAT_CHANNEL)),
            pcap.path(),
            LinkType::Ethernet,
        )
        .unwrap()
        .with_channels(us_dsrc(SPAT_CHANNEL)),
    );
    medium.set_link(
        RSU,
        OBU_A,
        Link {
            delay: DELAY_A,
            ..Link::default()
        },
    );
    medium.set_link(
        RSU,
        OBU_B,
        Link {
            loss: LOSS,
            ..Link::default()
        },
    );
    // Listen for a second past the last SPaT: anything later would be a bug anyway.
    let until = clock.origin + SPAT_PERIOD * COUNT as u32 + Duration::from_secs(1);
    let obus = [
        (OBU_A, SPAT_CHANNEL),
        (OBU_B, SPAT_CHANNEL),
        (OBU_C, CONTROL_CHANNEL),
    ]
    .map(|(mac, channel)| {
        let radio = medium.node(mac, us_dsrc(channel));
        spawn_obu(radio, obu_verifier(&pki.root), clock, until)
    });
    // The RSU listens too, through its capture: any frame it heard would be an RX record.
    let rsu_heard = tokio::spawn({
        let rsu = rsu.clone();
        async move {
            let mut n = 0;
            while let Ok(frame) = tokio::time::timeout_at(until, rsu.recv()).await {
                frame.unwrap();
                n += 1;
            }
            n
        }
    });

    let mut sender = SpatSender::new(&pki);
    let sent = broadcast(rsu.as_ref(), &mut sender, clock, COUNT, demo_spat).await;
    let [a, b, c] = obus;
    let (a, b, c) = (a.await.unwrap(), b.await.unwrap(), c.await.unwrap());
    assert_eq!(rsu_heard.await.unwrap(), 0);

    // The simulated clock advanced by exactly the broadcast's length.
    assert_eq!(
        sent[COUNT - 1].at - sent[0].at,
        SPAT_PERIOD * (COUNT as u32 - 1)
    );

    // OBU A: every SPaT, each exactly airtime + 2 ms after it went out, all verified (the
    // first carries the certificate), and the certificate once a second.
    assert_eq!(a.len(), COUNT);
    assert_eq!(check_spats(&a, &sent, Some(DELAY_A)), COUNT);
    for (i, h) in a.iter().enumerate() {
        let by_certificate = h.signed.as_ref().unwrap().by_certificate;
        assert_eq!(by_certificate, i % 10 == 0, "SPaT {i}'s signer form");
    }

    // OBU B: a binomial share of the SPaTs; within 4 sigma of the mean, so the check fails
    // only for a broken loss model, not by chance (and the seed makes it reproducible).
    let mean = COUNT as f64 * (1.0 - LOSS);
    let sigma = (COUNT as f64 * LOSS * (1.0 - LOSS)).sqrt();
    assert!(
        (b.len() as f64 - mean).abs() <= 4.0 * sigma,
        "OBU B heard {} of {COUNT}; expected {mean} ± {:.1}",
        b.len(),
        4.0 * sigma
    );
    // Every SPaT B heard verifies except the digest-signed ones before it first heard the
    // certificate: B starts knowing only the root, so exactly those cannot be resolved. (With
    // this seed B loses the first SPaT, so it has some.)
    let accepted_b = check_spats(&b, &sent, Some(Duration::ZERO));
    let first_certificate = b
        .iter()
        .position(|h| h.signed.as_ref().unwrap().by_certificate)
        .unwrap();
    assert!(
        first_certificate > 0,
        "the seed no longer makes B miss the first SPaT"
    );
    assert_eq!(b.len() - accepted_b, first_certificate);
    let link_b = medium.link_stats(RSU, OBU_B);
    assert_eq!(link_b.offered, COUNT as u64);
    assert_eq!(link_b.delivered, b.len() as u64);
    assert_eq!(link_b.lost, (COUNT - b.len()) as u64);

    // OBU C, on the control channel: nothing, and the medium never offered it anything.
    assert!(
        c.is_empty(),
        "OBU C on channel 178 heard {} frames",
        c.len()
    );
    assert_eq!(medium.link_stats(RSU, OBU_C).offered, 0);

    assert_eq!(medium.stats().sent, COUNT as u64);
    let capture = rsu.stats();
    assert_eq!((capture.captured, capture.write_errors), (COUNT as u64, 0));
    check_capture(pcap.path(), &sent);
}

/// Which signed octet the rogue flips.
#[derive(Debug, Clone, Copy)]
enum Tamper {
    /// One octet in the middle of the SPaT (the signed payload).
    Payload,
    /// The last octet of the generation time (the signed header): 1 µs off, still fresh.
    GenerationTime,
}

/// The WSMP packet with one octet of its SPDU's `tbsData` flipped, leaving the WSMP header
/// and the SPDU's structure intact, as an attacker altering a message in flight would.
fn tampered(packet: &[u8], what: Tamper) -> Vec<u8> {
    let (header, data) = match demux(&RxFrame {
        src: RSU,
        dst: MacAddr::BROADCAST,
        ethertype: EtherType::WSMP,
        payload: Bytes::copy_from_slice(packet),
        meta: RxMeta {
            channel: None,
            rssi_dbm: None,
            rate: None,
            timestamp: Instant::now(),
        },
    }) {
        Ok(Network::Wsmp { header, data }) => (header, data),
        other => panic!("the rogue heard a non-WSMP frame: {other:?}"),
    };
    let Ok(rsu_security::Spdu::Signed(spdu)) = rsu_security::spdu::parse(&data) else {
        panic!("the rogue heard an unsigned SPDU");
    };
    let (needle, offset_in_needle) = match what {
        Tamper::Payload => {
            let payload = spdu.payload().unwrap().to_vec();
            let middle = payload.len() / 2;
            (payload, middle)
        }
        Tamper::GenerationTime => {
            let t = spdu.header.generation_time.unwrap().to_be_bytes().to_vec();
            (t, 7)
        }
    };
    let at = data
        .windows(needle.len())
        .position(|w| w == needle.as_slice())
        .unwrap();
    let mut out = packet.to_vec();
    out[header.header_len() + at + offset_in_needle] ^= 0x01;
    out
}

/// A rogue station on channel 172 replays each SPaT it hears with one signed octet flipped.
/// The OBU's verifier must reject every altered copy as `bad_signature`, before decoding it,
/// without panicking, while every genuine SPaT around them still verifies.
#[tokio::test(start_paused = true)]
async fn altered_spats_are_rejected_while_genuine_ones_verify() {
    const COUNT: usize = 20;

    let pki = test_pki();
    let medium = LoopbackMedium::new(LoopbackConfig::default());
    let clock = SimClock {
        origin: medium.origin(),
    };
    let rsu = medium.node(RSU, us_dsrc(SPAT_CHANNEL));
    let rogue = medium.node(ROGUE, us_dsrc(SPAT_CHANNEL));
    let until = clock.origin + SPAT_PERIOD * COUNT as u32 + Duration::from_secs(1);
    let obu = spawn_obu(
        medium.node(OBU_A, us_dsrc(SPAT_CHANNEL)),
        obu_verifier(&pki.root),
        clock,
        until,
    );
    let rogue = tokio::spawn(async move {
        let mut n = 0;
        while let Ok(frame) = tokio::time::timeout_at(until, rogue.recv()).await {
            let frame = frame.unwrap();
            let what = if n % 2 == 0 {
                Tamper::Payload
            } else {
                Tamper::GenerationTime
            };
            let forged = Bytes::from(tampered(&frame.payload, what));
            rogue.send(spat_tx_frame(forged)).await.unwrap();
            n += 1;
        }
        n
    });

    let mut sender = SpatSender::new(&pki);
    let sent = broadcast(&rsu, &mut sender, clock, COUNT, demo_spat).await;
    assert_eq!(rogue.await.unwrap(), COUNT);
    let heard = obu.await.unwrap();

    let (genuine, forged): (Vec<Heard>, Vec<Heard>) = heard.into_iter().partition(|h| h.src == RSU);
    assert_eq!(check_spats(&genuine, &sent, None), COUNT);
    assert_eq!(forged.len(), COUNT);
    let rsu_id = pki.ee.hashed_id8();
    for (i, (f, s)) in forged.iter().zip(&sent).enumerate() {
        assert_eq!(f.src, ROGUE);
        assert_eq!(
            f.outcome.as_ref().err(),
            Some(&"bad_signature"),
            "forgery {i}"
        );
        // It claims the RSU's identity and PSID: only the signature gives it away.
        let signed = f.signed.as_ref().unwrap();
        assert_eq!(signed.signer, Some(rsu_id));
        assert_eq!(signed.psid, spat_psid());
        let shift = if i % 2 == 0 { 0 } else { 1 };
        assert_eq!(
            signed.generation_time.unwrap() ^ shift,
            s.generation_time,
            "forgery {i}'s generation time"
        );
        let (header, data) = f.wsmp.as_ref().unwrap();
        assert_eq!(*header, spat_wsmp_header(data.len()));
        assert_eq!(data.len(), s.packet.len() - header.header_len());
    }
    // Each forgery reached the OBU after its genuine SPaT and before the next one, so the
    // genuine SPaTs verified with rejections interleaved.
    for (i, (f, s)) in forged.iter().zip(&sent).enumerate() {
        assert!(f.at > s.at && sent.get(i + 1).is_none_or(|next| f.at < next.at));
    }
}

/// A SPaT recorded from another implementation crosses the same path bit-exact: the octets
/// the OBU verifies and decodes are the recording's.
#[tokio::test(start_paused = true)]
async fn a_recorded_spat_crosses_the_radio_path_bit_exact() {
    const COUNT: usize = 10;
    let Some(recorded) = support::read_hex_vector("j2735/spat_asn1codec.hex") else {
        return;
    };
    let (frame, used) = MessageFrame::decode(&recorded).unwrap();
    assert!(matches!(frame, MessageFrame::SPAT(_)));
    assert_eq!(frame.encode().unwrap(), recorded[..used]);

    let pki = test_pki();
    let medium = LoopbackMedium::new(LoopbackConfig::default());
    let clock = SimClock {
        origin: medium.origin(),
    };
    let rsu = medium.node(RSU, us_dsrc(SPAT_CHANNEL));
    let until = clock.origin + SPAT_PERIOD * COUNT as u32 + Duration::from_secs(1);
    let obu = spawn_obu(
        medium.node(OBU_A, us_dsrc(SPAT_CHANNEL)),
        obu_verifier(&pki.root),
        clock,
        until,
    );
    let mut sender = SpatSender::new(&pki);
    let sent = broadcast(&rsu, &mut sender, clock, COUNT, |_| frame.clone()).await;
    let heard = obu.await.unwrap();

    assert_eq!(check_spats(&heard, &sent, Some(Duration::ZERO)), COUNT);
    let mut verifier = obu_verifier(&pki.root);
    for h in &heard {
        let (_, data) = h.wsmp.as_ref().unwrap();
        let v = verifier.verify(data, clock.unix_us(h.at)).unwrap();
        assert!(v.is_valid(), "{:?}", v.reason);
        assert_eq!(v.payload().unwrap(), &recorded[..used]);
    }
}
