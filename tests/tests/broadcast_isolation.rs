//! The broadcast against everything else: its own bookkeeping stays bounded, and nothing on
//! the input side (a blocked thread, a configuration reload) delays a SPaT.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use rsu::clock::{Clock, SystemClock, TokioClock};
use rsu_codecs::j2735::MessageFrame;
use rsu_hw::demux::{Network, demux};
use rsu_hw::{LoopbackMedium, Radio};
use rsu_security::cert::Certificate;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use tokio::sync::oneshot;
use tokio::time::Instant;

/// 2026-06-01 10:59:30 UTC.
const START_UNIX_S: i64 = 1_780_311_570;

/// Defect 12: the status board's latency samples were pushed per send and only the status
/// line emptied them, so without one (`rsu run --config`) they grew for ever.
#[tokio::test(start_paused = true)]
async fn latency_samples_stay_bounded_without_a_status_line() {
    let dir = support::scratch("latency-window");
    let now = START_UNIX_S;
    let config = support::config(&dir, &support::demo_intersection(), now);
    let clock: Arc<dyn Clock> = Arc::new(TokioClock::starting_at(now * 1_000_000));
    let medium = LoopbackMedium::new(Default::default());
    let radio = medium.node(support::RSU, config.radio.channels);
    let service = support::service(&config, radio, clock).await;
    let handle = service.handle();
    // 120 s: 1,200 SPaT and 120 MAP, and nobody takes the window.
    service
        .run(tokio::time::sleep(Duration::from_secs(120)))
        .await;
    let status = handle.status.lock().unwrap();
    let sent = status.spat_sent + status.map_sent;
    assert!(sent >= 1_300, "only {sent} messages sent");
    assert!(
        status.latencies_us.len() <= 1_024,
        "{} latency samples kept after {sent} sends without a take",
        status.latencies_us.len()
    );
}

/// The broadcast cannot be stalled by the input side: with `rsu run`'s threaded launch, the
/// input runtime's only thread is blocked for 2 s (as a blocking file system call or a
/// FIFO opened without a writer would block it) and SPaT keeps going out at 10 Hz. On one
/// shared runtime (the old design) not a single SPaT goes out meanwhile.
#[tokio::test]
async fn a_blocked_input_runtime_does_not_stall_spat() {
    let dir = support::scratch("blocked-input");
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let now = clock.now_micros() / 1_000_000;
    let config = support::config(&dir, &support::demo_intersection(), now);
    let medium = LoopbackMedium::new(Default::default());
    let broadcast_rt = rsu::runtime::BroadcastRuntime::new().unwrap();
    let radio = {
        let _broadcast = broadcast_rt.enter();
        medium.node(support::RSU, config.radio.channels)
    };
    // Frames carry their arrival time, stamped when sent: read after the fact.
    let obu = medium.node(support::OBU, config.radio.channels);
    let service = support::service(&config, radio, clock).await;
    let (stop, stopped) = oneshot::channel::<()>();
    let running = tokio::spawn(service.run_threaded(broadcast_rt, async {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let from = Instant::now();
    // Blocks this runtime's only thread: every input task, the upkeep and this test wait.
    std::thread::sleep(Duration::from_secs(2));
    let to = Instant::now();
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();

    let spat: Vec<Instant> = std::iter::from_fn(|| obu.try_recv())
        .filter(|f| {
            matches!(demux(f), Ok(Network::Wsmp { header, .. })
                if header.psid == config.messages.spat_psid)
        })
        .map(|f| f.meta.timestamp)
        .filter(|at| (from..to).contains(at))
        .collect();
    // 2 s at 10 Hz: 20 slots, give or take the one at each edge.
    assert!(
        (19..=21).contains(&spat.len()),
        "{} SPaT while the input thread was blocked for {:?}",
        spat.len(),
        to - from
    );
    let worst = spat
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or_default();
    assert!(worst < Duration::from_millis(250), "a gap of {worst:?}");
}

/// A demo intersection with another id, name and offset.
fn intersection(id: u16, offset_s: f64) -> String {
    support::demo_intersection()
        .replacen("id = 1001", &format!("id = {id}"), 1)
        .replacen(
            "name = \"Demo Ave & Main St\"",
            &format!("name = \"HIL {id}\""),
            1,
        )
        .replacen("offset_s = 0.0", &format!("offset_s = {offset_s}"), 1)
}

/// What the OBU heard: per SPaT or MAP, arrival, intersection id and (MAP) revision.
#[derive(Debug)]
struct Heard {
    at: Instant,
    spat: bool,
    id: u16,
    revision: u8,
}

/// An OBU that verifies and decodes everything until `stop`.
fn listener(
    medium: &LoopbackMedium,
    config: &rsu::config::ServiceConfig,
    dir: &std::path::Path,
    clock: Arc<dyn Clock>,
    stop: oneshot::Receiver<()>,
) -> tokio::task::JoinHandle<Vec<Heard>> {
    let radio = medium.node(support::OBU, config.radio.channels);
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
            let Ok(Network::Wsmp { data, .. }) = demux(&frame) else {
                panic!("not WSMP: {frame:?}");
            };
            let out = verifier.verify(&data, clock.now_micros()).unwrap();
            assert!(out.is_valid(), "{:?}", out.reason);
            let (msg, _) = MessageFrame::decode(out.payload().unwrap()).unwrap();
            let (spat, id, revision) = match msg {
                MessageFrame::SPAT(s) => (true, s.intersections.0[0].id.id.0, 0),
                MessageFrame::MapData(m) => (
                    false,
                    m.intersections.unwrap().0[0].id.id.0,
                    m.msg_issue_revision.0,
                ),
                other => panic!("unexpected {other:?}"),
            };
            heard.push(Heard {
                at: frame.meta.timestamp,
                spat,
                id,
                revision,
            });
        }
    })
}

/// SIGHUP's reload, driven directly on the paused clock: valid files add, change (its MAP
/// encoded again with a new revision) and remove an intersection without disturbing the
/// running one's SPaT; an invalid one is refused, counted, and everything goes on.
#[tokio::test(start_paused = true)]
async fn reload_adds_changes_and_removes_and_an_invalid_file_changes_nothing() {
    let dir = support::scratch("reload");
    let now = START_UNIX_S;
    // The PKI, and the header of the file the service reads.
    rsu_security::pki::init(&dir, now, &Default::default()).unwrap();
    let header = support::HEADER;
    let file = dir.join("rsu.toml");
    std::fs::write(&file, format!("{header}{}", intersection(1001, 0.0))).unwrap();
    let config = rsu::config::load(&file).unwrap().config;
    let clock: Arc<dyn Clock> = Arc::new(TokioClock::starting_at(now * 1_000_000));
    let medium = LoopbackMedium::new(Default::default());
    let radio = medium.node(support::RSU, config.radio.channels);
    let (stop_obu, obu_stopped) = oneshot::channel();
    let heard = listener(&medium, &config, &dir, clock.clone(), obu_stopped);
    let mut service = support::service(&config, radio, clock).await;
    let handle = service.handle();
    let reloader = service.reloader();
    let start = Instant::now();
    let at = move |ms: u64| start + Duration::from_millis(ms);
    let script = tokio::spawn({
        let file = file.clone();
        async move {
            let mut applied = Vec::new();
            let steps = [
                (5_050, Some(intersection(1002, 7.0))),
                (
                    8_050,
                    Some(intersection(1002, 7.0).replacen("HIL 1002", "HIL 1002 renamed", 1)),
                ),
                (10_050, None),
                (12_050, Some(String::new())),
            ];
            for (when, second) in steps {
                tokio::time::sleep_until(at(when)).await;
                let Some(second) = second else {
                    std::fs::write(
                        &file,
                        "[rsu]\nname = \"hil\"\n[[intersection]]\nid = \"x\"\n",
                    )
                    .unwrap();
                    let refused = reloader.reload(&file).await;
                    assert!(
                        matches!(refused, Err(rsu::runtime::ReloadError::Config(_))),
                        "{refused:?}"
                    );
                    continue;
                };
                let text = format!("{header}{}{second}", intersection(1001, 0.0));
                std::fs::write(&file, text).unwrap();
                let report = reloader.reload(&file).await.unwrap();
                assert_eq!(report.kept, [1001]);
                assert!(report.needs_restart.is_empty(), "{report:?}");
                applied.push((report, Instant::now()));
            }
            applied
        }
    });
    service
        .run(tokio::time::sleep(Duration::from_secs(15)))
        .await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    let applied = script.await.unwrap();
    stop_obu.send(()).unwrap();
    let heard = heard.await.unwrap();

    let (added, changed, removed) = (&applied[0], &applied[1], &applied[2]);
    assert_eq!(
        (added.0.added.as_slice(), added.0.changed.len()),
        (&[1002][..], 0)
    );
    assert_eq!(changed.0.changed, [1002]);
    assert_eq!(removed.0.removed, [1002]);

    let spat_of = |id: u16| -> Vec<Instant> {
        heard
            .iter()
            .filter(|h| h.spat && h.id == id)
            .map(|h| h.at)
            .collect()
    };
    // The running intersection: every 100 ms for 15 s, through all four reloads.
    let first = spat_of(1001);
    assert_eq!(first.len(), 150);
    let worst = first.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    assert!(worst <= Duration::from_millis(101), "a gap of {worst:?}");
    // The added one: from its reload until its removal, on through the change (its SPaT
    // goes on) and the refused file.
    let second = spat_of(1002);
    assert!(
        second[0] >= added.1 - Duration::from_millis(1),
        "{second:?}"
    );
    assert!(*second.last().unwrap() <= removed.1 + Duration::from_millis(1));
    assert!(*second.last().unwrap() >= removed.1 - Duration::from_millis(101));
    let worst = second.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    assert!(worst <= Duration::from_millis(101), "a gap of {worst:?}");
    // Its MAP got a new revision with the change.
    let revisions = |from: Instant, to: Instant| -> Vec<u8> {
        heard
            .iter()
            .filter(|h| !h.spat && h.id == 1002 && (from..to).contains(&h.at))
            .map(|h| h.revision)
            .collect()
    };
    let before = revisions(added.1, changed.1);
    let after = revisions(changed.1, removed.1);
    assert!(!before.is_empty() && !after.is_empty());
    assert!(before.iter().all(|r| *r == before[0]), "{before:?}");
    assert!(
        after.iter().all(|r| *r == (before[0] + 1) % 128),
        "{before:?} {after:?}"
    );

    let text = handle.metrics.render();
    for (result, n) in [("ok", 3.0), ("refused", 1.0)] {
        assert_eq!(
            support::metric(&text, "rsu_config_reloads_total", &[("result", result)]),
            Some(n),
            "{text}"
        );
    }
}
