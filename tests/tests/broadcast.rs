//! The intersection broadcast service end to end: the service in-process on the loopback
//! radio, configured from TOML like a deployed RSU, with simulated controllers (or TSCBM over
//! real UDP sockets), watched by an OBU that demultiplexes, verifies and decodes every frame.
//!
//! The simulated runs use tokio's paused clock with UTC following it ([`TokioClock`]), so a
//! minute across an hour boundary runs in well under a second and every SPaT can be predicted
//! exactly from the signal plan.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rsu::clock::{Clock, TokioClock, UnixMillis};
use rsu::config::{self, ControllerInput, ServiceConfig};
use rsu::controller::{EndTime, Light};
use rsu::runtime::ServiceHandle;
use rsu_codecs::j2735::{MapData, MessageFrame, MovementPhaseState, SPAT};
use rsu_hw::demux::{Network, demux};
use rsu_hw::{LoopbackMedium, LoopbackRadio, MacAddr, Psid, Radio};
use rsu_security::cert::Certificate;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use tokio::sync::oneshot;
use tokio::time::Instant;

/// 2026-06-01 10:59:30 UTC: the minute under test crosses 11:00.
const START_UNIX_S: i64 = 1_780_311_570;
const RSU: MacAddr = MacAddr::local([0x02, 0, 0, 0x52, 0x53, 0x55]);
const OBU: MacAddr = MacAddr::local([0x02, 0, 0, 0, 0, 0xa0]);

/// A configuration over a fresh test PKI in `dir`; `intersections` is TOML for
/// `[[intersection]]` tables.
fn service_config(dir: &Path, intersections: &str, now_unix: i64) -> ServiceConfig {
    rsu_security::pki::init(dir, now_unix, &Default::default()).unwrap();
    let text = format!(
        r#"
[rsu]
name = "hil"
region = "us"
[radio]
backend = "loopback"
channel = 172
[security]
certificate = "rsu.oer"
key = "rsu-key.pem"
trust_store = "."
[messages]
spat_psid = "0x8002"
map_psid = "0xE0000017"
{intersections}
"#
    );
    let loaded = config::parse(&text, "test config", dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    loaded.config
}

/// The demo's intersection (config/demo.toml) with another id, name and offset.
fn demo_intersection(id: u16, offset_s: f64) -> String {
    let demo = rsu::app::DEMO_CONFIG;
    let at = demo.find("[[intersection]]").unwrap();
    demo[at..]
        .replacen("id = 1001", &format!("id = {id}"), 1)
        .replacen(
            "name = \"Demo Ave & Main St\"",
            &format!("name = \"HIL {id}\""),
            1,
        )
        .replacen("offset_s = 0.0", &format!("offset_s = {offset_s}"), 1)
}

/// What the OBU got: per frame, arrival and the verified, decoded message.
struct Heard {
    at: Instant,
    psid: Psid,
    frame: MessageFrame,
}

/// An OBU that verifies every frame against the PKI in `dir` at the frame's arrival time.
fn obu(
    medium: &LoopbackMedium,
    config: &ServiceConfig,
    dir: &Path,
    clock: Arc<dyn Clock>,
    stop: oneshot::Receiver<()>,
) -> tokio::task::JoinHandle<Vec<Heard>> {
    let radio: LoopbackRadio = medium.node(OBU, config.radio.channels);
    let mut store = TrustStore::new(TrustConfig::default());
    let root = std::fs::read(dir.join("root.oer")).unwrap();
    store.add(Certificate::from_coer(&root).unwrap()).unwrap();
    let mut verifier = Verifier::new(store, VerifierConfig::default());
    tokio::spawn(async move {
        let mut heard = Vec::new();
        tokio::pin!(stop);
        loop {
            let frame = tokio::select! {
                f = radio.recv() => f.unwrap(),
                _ = &mut stop => return heard,
            };
            let Ok(Network::Wsmp { header, data }) = demux(&frame) else {
                panic!("not WSMP: {frame:?}");
            };
            let out = verifier.verify(&data, clock.now_micros()).unwrap();
            assert!(out.is_valid(), "{:?}", out.reason);
            let signed = out.signed().unwrap();
            assert_eq!(signed.header.psid, u64::from(header.psid.value()));
            let payload = out.payload().unwrap();
            let (msg, used) = MessageFrame::decode(payload).unwrap();
            assert_eq!(used, payload.len());
            heard.push(Heard {
                at: frame.meta.timestamp,
                psid: header.psid,
                frame: msg,
            });
        }
    })
}

/// Runs the service for `run` of (paused) time; `during` may act on it meanwhile.
async fn run_service<F, Fut>(
    config: &ServiceConfig,
    dir: &Path,
    run: Duration,
    during: F,
) -> (Vec<Heard>, ServiceHandle, Instant)
where
    F: FnOnce(ServiceHandle) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let clock: Arc<dyn Clock> = Arc::new(TokioClock::starting_at(START_UNIX_S * 1_000_000));
    let medium = LoopbackMedium::new(Default::default());
    let radio = medium.node(RSU, config.radio.channels);
    let (stop_tx, stop_rx) = oneshot::channel();
    let listener = obu(&medium, config, dir, clock.clone(), stop_rx);
    let service = support::service(config, radio, clock).await;
    let handle = service.handle();
    let started = Instant::now();
    tokio::spawn(during(handle.clone()));
    service.run(tokio::time::sleep(run)).await;
    // Let the last frame's airtime pass.
    tokio::time::sleep(Duration::from_millis(10)).await;
    stop_tx.send(()).unwrap();
    (listener.await.unwrap(), handle, started)
}

/// UTC of a SPaT's intersection state: moy and ms in the minute, within the test's year.
fn spat_utc(spat: &SPAT) -> UnixMillis {
    let state = &spat.intersections.0[0];
    let moy = u64::from(state.moy.unwrap().0);
    let ms = u64::from(state.time_stamp.unwrap().0);
    // 2026-01-01T00:00:00Z.
    UnixMillis(1_767_225_600_000 + moy * 60_000 + ms)
}

/// TimeMark of an exact end: tenths of a second in the UTC hour; > 1 h ahead is 36000.
fn expected_mark(end: EndTime, now: UnixMillis) -> u16 {
    match end {
        EndTime::Unknown => 36001,
        EndTime::At(t) if t.0 >= now.0 + 3_600_000 => 36000,
        EndTime::At(t) => ((t.0 % 3_600_000) / 100) as u16,
    }
}

/// Checks one SPaT against what the simulated controller reports at its instant.
fn check_spat(spat: &SPAT, config: &ServiceConfig) -> (u16, UnixMillis) {
    let state = &spat.intersections.0[0];
    let id = state.id.id.0;
    let ix = config
        .intersections
        .iter()
        .find(|i| i.model.id == id)
        .unwrap();
    let ControllerInput::Simulated(sim) = &ix.controller else {
        panic!("simulated controller expected")
    };
    let now = spat_utc(spat);
    let report = sim.state_at(now);
    assert_eq!(state.states.0.len(), ix.model.signal_groups.len());
    for (movement, group) in state.states.0.iter().zip(&ix.model.signal_groups) {
        assert_eq!(movement.signal_group.0, group.id);
        let ind = report.indication(group.source).unwrap();
        let event = &movement.state_time_speed.0[0];
        let expected = match (ind.light, group.green, group.source) {
            (Light::Red, _, _) => MovementPhaseState::StopAndRemain,
            (Light::Green, rsu::intersection::GreenKind::Protected, _) => {
                MovementPhaseState::ProtectedMovementAllowed
            }
            (Light::Green, _, _) => MovementPhaseState::PermissiveMovementAllowed,
            (Light::Yellow, rsu::intersection::GreenKind::Protected, _) => {
                MovementPhaseState::ProtectedClearance
            }
            (Light::Yellow, _, _) => MovementPhaseState::PermissiveClearance,
            (Light::Dark, _, _) => MovementPhaseState::Dark,
        };
        assert_eq!(event.event_state, expected, "group {} at {now:?}", group.id);
        let timing = event.timing.as_ref().unwrap();
        let mark = expected_mark(ind.timing.min_end, now);
        assert_eq!(
            timing.min_end_time.0, mark,
            "group {} min at {now:?}",
            group.id
        );
        assert_eq!(timing.max_end_time.unwrap().0, mark);
        assert_eq!(timing.likely_time.unwrap().0, mark);
    }
    (id, now)
}

#[tokio::test(start_paused = true)]
async fn two_intersections_for_a_minute_across_the_hour() {
    let dir = support::scratch("minute");
    let text = format!(
        "{}\n{}",
        demo_intersection(1001, 0.0),
        demo_intersection(1002, 17.3)
    );
    let config = service_config(&dir, &text, START_UNIX_S);
    let (heard, handle, started) =
        run_service(&config, &dir, Duration::from_secs(60), |_| async {}).await;

    let mut spats: BTreeMap<u16, Vec<(Instant, UnixMillis)>> = BTreeMap::new();
    let mut maps: BTreeMap<u16, Vec<Instant>> = BTreeMap::new();
    let mut wrapped = 0;
    for h in &heard {
        match &h.frame {
            MessageFrame::SPAT(spat) => {
                assert_eq!(h.psid, Psid::INTERSECTION);
                let (id, now) = check_spat(spat, &config);
                // Some end times are past 11:00 while the SPaT is before it.
                let state = &spat.intersections.0[0];
                if now.0 % 3_600_000 > 3_500_000
                    && state.states.0.iter().any(|m| {
                        m.state_time_speed.0[0]
                            .timing
                            .as_ref()
                            .is_some_and(|t| t.min_end_time.0 < 1000)
                    })
                {
                    wrapped += 1;
                }
                spats.entry(id).or_default().push((h.at, now));
            }
            MessageFrame::MapData(map) => {
                assert_eq!(h.psid, Psid::new(0x20_40_97).unwrap());
                let map: &MapData = map;
                let ix = &map.intersections.as_ref().unwrap().0[0];
                maps.entry(ix.id.id.0).or_default().push(h.at);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(wrapped > 0, "no SPaT carried an end time past the hour");
    assert_eq!(spats.len(), 2);
    for (id, list) in &spats {
        // Slots 0, 100, …, 59 900 ms (the second intersection 50 ms later): 600 each.
        assert_eq!(list.len(), 600, "intersection {id}");
        let offset = if *id == 1001 { 0 } else { 50 };
        for (k, (arrived, utc)) in list.iter().enumerate() {
            // Generated exactly on its slot: 100 ms apart, the second intersection 50 ms
            // after the first; on the air within its airtime (the SPDU that carries the
            // certificate, once a second, takes longer).
            let slot = Duration::from_millis(offset + 100 * k as u64);
            assert_eq!(utc.0, START_UNIX_S as u64 * 1000 + slot.as_millis() as u64);
            let late = *arrived - started - slot;
            assert!(late < Duration::from_millis(2), "{id} #{k}: {late:?}");
        }
    }
    // The minute crossed 11:00: SPaT generation times on both sides.
    let all: Vec<_> = spats
        .values()
        .flatten()
        .map(|x| x.1.0 % 3_600_000)
        .collect();
    assert!(all.iter().any(|&t| t > 3_590_000) && all.iter().any(|&t| t < 10_000));
    for (id, list) in &maps {
        assert_eq!(list.len(), 60, "intersection {id}");
        for pair in list.windows(2) {
            assert_eq!(pair[1] - pair[0], Duration::from_secs(1));
        }
    }
    assert_eq!(maps.len(), 2);
    let text = handle.metrics.render();
    for id in [1001, 1002] {
        for (kind, n) in [("spat", 600), ("map", 60)] {
            let line = support::metric(
                &text,
                "rsu_messages_sent_total",
                &[("intersection", &id.to_string()), ("type", kind)],
            );
            assert_eq!(line, Some(n as f64), "{kind} {id}\n{text}");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn controller_silence_stops_spat_and_it_resumes() {
    let dir = support::scratch("silence");
    let text = format!(
        "{}\n{}",
        demo_intersection(1001, 0.0),
        demo_intersection(1002, 0.0)
    );
    let config = service_config(&dir, &text, START_UNIX_S);
    // The first intersection's controller goes quiet from 10.0 s to 15.0 s.
    let (heard, handle, started) =
        run_service(&config, &dir, Duration::from_secs(20), |h| async move {
            tokio::time::sleep(Duration::from_millis(10_001)).await;
            h.silence[0].send(true).unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
            h.silence[0].send(false).unwrap();
        })
        .await;
    let times: Vec<Duration> = heard
        .iter()
        .filter_map(|h| match &h.frame {
            MessageFrame::SPAT(s) if s.intersections.0[0].id.id.0 == 1001 => Some(h.at - started),
            _ => None,
        })
        .collect();
    // The last report was at the 10.0 s slot; SPaT continues while it is at most 300 ms
    // old (10.1, 10.2, 10.3 s), then stops until reports return at the 15.1 s slot.
    let gap: Vec<_> = times
        .windows(2)
        .filter(|w| w[1] - w[0] > Duration::from_millis(150))
        .collect();
    assert_eq!(gap.len(), 1, "{gap:?}");
    let (before, after) = (gap[0][0], gap[0][1]);
    assert!(
        before >= Duration::from_millis(10_300) && before < Duration::from_millis(10_310),
        "{before:?}"
    );
    assert!(
        after >= Duration::from_millis(15_100) && after < Duration::from_millis(15_110),
        "{after:?}"
    );
    // The other intersection never paused.
    let other = heard
        .iter()
        .filter(
            |h| matches!(&h.frame, MessageFrame::SPAT(s) if s.intersections.0[0].id.id.0 == 1002),
        )
        .count();
    assert_eq!(other, 200);
    let text = handle.metrics.render();
    let id = [("intersection", "1001")];
    assert_eq!(
        support::metric(&text, "rsu_controller_timeouts_total", &id),
        Some(1.0),
        "{text}"
    );
    // Slots 10.4 … 15.0 s: 47 SPaTs not sent.
    assert_eq!(
        support::metric(&text, "rsu_spat_suppressed_total", &id),
        Some(47.0),
        "{text}"
    );
    assert_eq!(
        support::metric(&text, "rsu_controller_silent", &id),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        support::metric(
            &text,
            "rsu_controller_timeouts_total",
            &[("intersection", "1002")]
        ),
        Some(0.0)
    );
}

#[tokio::test(start_paused = true)]
async fn mark_invalid_keeps_sending_with_nothing_claimed() {
    let dir = support::scratch("invalid");
    let text = demo_intersection(1001, 0.0).replacen(
        "on_silence = \"stop\"",
        "on_silence = \"mark-invalid\"",
        1,
    );
    let config = service_config(&dir, &text, START_UNIX_S);
    let (heard, handle, started) =
        run_service(&config, &dir, Duration::from_secs(3), |h| async move {
            tokio::time::sleep(Duration::from_millis(1_001)).await;
            h.silence[0].send(true).unwrap();
        })
        .await;
    let spats: Vec<(Duration, &SPAT)> = heard
        .iter()
        .filter_map(|h| match &h.frame {
            MessageFrame::SPAT(s) => Some((h.at - started, &**s)),
            _ => None,
        })
        .collect();
    // Nothing is suppressed: slots 0, 100, …, 2900 ms all go out.
    assert_eq!(spats.len(), 30);
    let mut invalid = 0;
    for (at, spat) in spats {
        let state = &spat.intersections.0[0];
        let flagged = state.status.0
            [rsu_codecs::j2735::IntersectionStatusObject::NO_VALID_SPAT_IS_AVAILABLE_AT_THIS_TIME];
        // Fresh until 1.3 s (the 1.0 s report is 300 ms old), invalid from the 1.4 s slot.
        assert_eq!(flagged, at >= Duration::from_millis(1_400), "{at:?}");
        if flagged {
            invalid += 1;
            for m in &state.states.0 {
                let e = &m.state_time_speed.0[0];
                assert_eq!(e.event_state, MovementPhaseState::Unavailable);
                assert!(e.timing.is_none());
            }
        }
    }
    assert_eq!(invalid, 16);
    let text = handle.metrics.render();
    let id = [("intersection", "1001")];
    assert_eq!(
        support::metric(&text, "rsu_controller_timeouts_total", &id),
        Some(1.0)
    );
    assert_eq!(
        support::metric(&text, "rsu_spat_suppressed_total", &id),
        Some(0.0)
    );
}

/// A TSCBM intersection listening on an ephemeral port of 127.0.0.1.
fn tscbm_intersection(id: u16, allowed: &str) -> String {
    let demo = demo_intersection(id, 0.0);
    let sim_start = demo.find("[intersection.simulated]").unwrap();
    let groups = demo.find("# Signal groups").unwrap();
    format!(
        "{}[intersection.tscbm]\nlisten = \"127.0.0.1:0\"\nprofile = \"econolite-241\"\nallowed_sources = [{allowed}]\n\n{}",
        &demo[..sim_start],
        &demo[groups..]
    )
}

/// Runs the service on real time with one TSCBM intersection; returns the OBU's SPaTs.
async fn with_tscbm_service<F, Fut>(allowed: &str, act: F) -> (Vec<(UnixMillis, SPAT)>, String)
where
    F: FnOnce(std::net::SocketAddr) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = support::scratch(&format!("tscbm-{}", allowed.len()));
    let now_s = rsu::clock::SystemClock.now_micros() / 1_000_000;
    let config = service_config(&dir, &tscbm_intersection(2001, allowed), now_s);
    let clock: Arc<dyn Clock> = Arc::new(rsu::clock::SystemClock);
    let medium = LoopbackMedium::new(Default::default());
    let radio = medium.node(RSU, config.radio.channels);
    let (stop_tx, stop_rx) = oneshot::channel();
    let listener = obu(&medium, &config, &dir, clock.clone(), stop_rx);
    let service = support::service(&config, radio, clock).await;
    let handle = service.handle();
    let addr = handle.tscbm_addrs[0].unwrap();
    let (done_tx, done_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(service.run(async {
        let _ = done_rx.await;
    }));
    act(addr).await;
    done_tx.send(()).unwrap();
    task.await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    stop_tx.send(()).unwrap();
    let spats = listener
        .await
        .unwrap()
        .into_iter()
        .filter_map(|h| match h.frame {
            MessageFrame::SPAT(s) => Some((spat_utc(&s), *s)),
            _ => None,
        })
        .collect();
    (spats, handle.metrics.render())
}

#[tokio::test]
async fn replayed_v2xhub_capture_gives_main_street_green() {
    let Some(blob) = support::read_vector("tscbm/v2xhub-capture-241.bin") else {
        return;
    };
    assert_eq!(blob.len(), 241);
    let sent = std::sync::Mutex::new(Vec::new());
    let (blob, sent_ref) = (&blob, &sent);
    let (spats, metrics) = with_tscbm_service("\"127.0.0.1\"", |addr| async move {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        for _ in 0..10 {
            let at = rsu::clock::SystemClock.now();
            socket.send_to(blob, addr).await.unwrap();
            sent_ref.lock().unwrap().push(at);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let sent = sent.into_inner().unwrap();
    assert!(spats.len() >= 5, "{} SPaTs", spats.len());
    for (now, spat) in &spats {
        // The packet this SPaT was built from was sent before the SPaT's own instant and
        // received between its sending and that instant: bounds the run itself records, so
        // a slow machine widens nothing it could break (no assumed delivery delay).
        let candidates: Vec<UnixMillis> = sent.iter().filter(|s| s.0 <= now.0).copied().collect();
        if candidates.is_empty() {
            continue;
        }
        let state = &spat.intersections.0[0];
        assert_eq!(state.id.id.0, 2001);
        for m in &state.states.0 {
            let group = m.signal_group.0;
            let e = &m.state_time_speed.0[0];
            let t = e.timing.as_ref().unwrap();
            // max: 0xFFFF is "unknown", never 6553.5 s wrapped into the hour.
            if group == 9 {
                // Overlap A: the capture's overlap words are not part of what §2 documents.
                continue;
            }
            assert_eq!(t.max_end_time.map(|x| x.0), Some(36001), "group {group}");
            let (state_expected, after_ms) = match group {
                2 | 6 => (MovementPhaseState::ProtectedMovementAllowed, 0),
                1 | 3 | 4 | 5 | 7 | 8 => (MovementPhaseState::StopAndRemain, 4000),
                22..=28 => (MovementPhaseState::StopAndRemain, u64::MAX),
                _ => panic!("group {group}"),
            };
            assert_eq!(e.event_state, state_expected, "group {group}");
            if after_ms == u64::MAX {
                continue;
            }
            // minEndTime = receipt + VehMin (4.0 s for the reds), in tenths of the hour,
            // rounded down, and never before the SPaT's own instant (the greens' VehMin is
            // 0, so theirs is exactly that instant); receipt lies in [sending, SPaT].
            let got = u64::from(t.min_end_time.0);
            let fits = candidates.iter().any(|sent| {
                let lo = (sent.0 + after_ms).max(now.0);
                let hi = (now.0 + after_ms).max(now.0);
                (lo / 100..=hi / 100).any(|tenth| tenth % 36_000 == got)
            });
            assert!(
                fits,
                "group {group}: minEndTime {got} at {now:?} after sends {candidates:?}"
            );
        }
    }
    assert!(
        support::metric(
            &metrics,
            "rsu_controller_packets_total",
            &[("intersection", "2001")]
        ) == Some(10.0),
        "{metrics}"
    );
}

#[tokio::test]
async fn malformed_controller_packets_are_counted_and_the_service_keeps_going() {
    let Some(blob) = support::read_vector("tscbm/v2xhub-capture-241.bin") else {
        return;
    };
    let blob = &blob;
    let (spats, metrics) = with_tscbm_service("\"127.0.0.1\"", |addr| async move {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let mut short = blob.clone();
        short.pop();
        let mut bad_header = blob.clone();
        bad_header[0] = 0xCC;
        let oversized = vec![0xCDu8; 3000];
        for packet in [&short[..], &bad_header[..], &oversized[..], &[][..]] {
            socket.send_to(packet, addr).await.unwrap();
        }
        // From an address that is not allowed (any 127/8 address is local on Linux).
        let stranger = tokio::net::UdpSocket::bind("127.0.0.2:0").await.unwrap();
        stranger.send_to(blob, addr).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        for _ in 0..5 {
            socket.send_to(blob, addr).await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    assert!(
        spats.len() >= 3,
        "the service kept going: {} SPaTs",
        spats.len()
    );
    let id = "2001";
    for (reason, n) in [
        ("wrong_length", 3.0),
        ("bad_header", 1.0),
        ("source_not_allowed", 1.0),
    ] {
        assert_eq!(
            support::metric(
                &metrics,
                "rsu_controller_rejected_total",
                &[("intersection", id), ("reason", reason)]
            ),
            Some(n),
            "{reason}\n{metrics}"
        );
    }
    assert_eq!(
        support::metric(
            &metrics,
            "rsu_controller_packets_total",
            &[("intersection", id)]
        ),
        Some(5.0)
    );
}

/// Issue 13, defect 7: a controller claiming a minimum end after its maximum for the green
/// main street. The SPaT never carries the inverted window (both ends go out unknown), the
/// other groups keep their times, and each such packet is counted with its reason.
#[tokio::test]
async fn a_minimum_after_the_maximum_goes_out_unknown_and_is_counted() {
    let Some(mut blob) = support::read_vector("tscbm/v2xhub-capture-241.bin") else {
        return;
    };
    // Phase 2's block: vehicle minimum 5.0 s, maximum 3.0 s.
    let count = usize::from(blob[1]);
    let at = (0..count)
        .map(|k| 2 + 13 * k)
        .find(|&at| blob[at] == 2)
        .expect("phase 2 in the capture");
    blob[at + 1..at + 3].copy_from_slice(&50u16.to_be_bytes());
    blob[at + 3..at + 5].copy_from_slice(&30u16.to_be_bytes());
    let blob = &blob;
    let (spats, metrics) = with_tscbm_service("\"127.0.0.1\"", |addr| async move {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        for _ in 0..5 {
            socket.send_to(blob, addr).await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    assert!(!spats.is_empty(), "no SPaT");
    for (now, spat) in &spats {
        for m in &spat.intersections.0[0].states.0 {
            let t = m.state_time_speed.0[0].timing.as_ref().unwrap();
            let group = m.signal_group.0;
            if group == 2 {
                assert_eq!(
                    (t.min_end_time.0, t.max_end_time.map(|x| x.0)),
                    (36001, Some(36001)),
                    "at {now:?}"
                );
            } else if (1..=8).contains(&group) && group != 6 {
                // The reds keep their 4.0 s minimum: a known time, not unknown.
                assert!(t.min_end_time.0 < 36000, "group {group}: {t:?}");
            }
        }
    }
    assert_eq!(
        support::metric(
            &metrics,
            "rsu_controller_rejected_total",
            &[
                ("intersection", "2001"),
                ("reason", "min_end_after_max_end")
            ]
        ),
        Some(5.0),
        "{metrics}"
    );
    assert_eq!(
        support::metric(
            &metrics,
            "rsu_controller_packets_total",
            &[("intersection", "2001")]
        ),
        Some(5.0),
        "the packets themselves are accepted"
    );
}
