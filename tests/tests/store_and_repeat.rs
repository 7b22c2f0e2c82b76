//! Store-and-Repeat end to end: the service in-process on the loopback radio, watching a real
//! directory of RSU 4.1 message files (v0.7), and an OBU that demultiplexes every frame and
//! verifies the signed ones against the test PKI's root.
//!
//! Tokio's clock is paused and the service's UTC follows it ([`TokioClock`]), so minutes of
//! repetition run in well under a second and every frame's UTC is known exactly: the OBU's
//! arrival instant minus the start, plus the start's UTC. Files are written with std::fs (the
//! scanner reads the real filesystem), always atomically: `name.tmp`, then a rename.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use rsu::clock::{Clock, TokioClock};
use rsu::config::ServiceConfig;
use rsu::runtime::ServiceHandle;
use rsu_hw::demux::{Network, demux};
use rsu_hw::wire::WsmpRepr;
use rsu_hw::{LoopbackMedium, LoopbackRadio, Psid, Radio};
use rsu_security::cert::Certificate;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use support::{OBU, RSU, metric};
use tokio::sync::oneshot;
use tokio::time::Instant;

/// 2026-06-01 10:59:30 UTC.
const START_UNIX_S: i64 = 1_780_311_570;
/// How late after its slot a frame may arrive: airtime, and a frame queued behind another
/// on the same channel.
const AIRTIME_SLACK: Duration = Duration::from_millis(20);
/// `scan_interval_ms` of every test here.
const SCAN: Duration = Duration::from_secs(1);
const SOURCE: (&str, &str) = ("source", "store_and_repeat");

/// One frame the OBU heard.
struct Heard {
    /// Arrival, since the service's clock started (10:59:30 UTC).
    at: Duration,
    /// The channel the OBU heard it on.
    rx_channel: Option<u8>,
    header: WsmpRepr,
    data: Bytes,
}

impl Heard {
    /// The arrival's UTC in µs.
    fn utc_us(&self) -> i64 {
        START_UNIX_S * 1_000_000 + i64::try_from(self.at.as_micros()).unwrap()
    }

    /// The whole second (since the start) whose slot this frame is, checking it arrived
    /// within its airtime after it.
    fn slot_s(&self) -> u64 {
        let s = self.at.as_secs();
        let late = self.at - Duration::from_secs(s);
        assert!(
            late < AIRTIME_SLACK,
            "frame at {:?} is not on a whole-second slot",
            self.at
        );
        s
    }
}

/// An OBU on the loopback medium that keeps every frame it hears (WSMP only).
fn obu(
    medium: &LoopbackMedium,
    config: &ServiceConfig,
    t0: Instant,
    stop: oneshot::Receiver<()>,
) -> tokio::task::JoinHandle<Vec<Heard>> {
    let radio: LoopbackRadio = medium.node(OBU, config.radio.channels);
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
            heard.push(Heard {
                at: frame.meta.timestamp - t0,
                rx_channel: frame.meta.channel,
                header,
                data,
            });
        }
    })
}

/// A verifier that trusts the test PKI's root in `dir`.
fn verifier(dir: &Path) -> Verifier {
    let mut store = TrustStore::new(TrustConfig::default());
    let root = std::fs::read(dir.join("root.oer")).unwrap();
    store.add(Certificate::from_coer(&root).unwrap()).unwrap();
    Verifier::new(store, VerifierConfig::default())
}

/// The payload of a signed frame, checked: it verifies at its arrival time and its PSID is
/// the WSMP header's. `None` if the frame's data is not a signed SPDU.
fn signed_payload(verifier: &mut Verifier, h: &Heard) -> Option<Vec<u8>> {
    let out = verifier.verify(&h.data, h.utc_us()).ok()?;
    let signed = out.signed()?;
    assert!(out.is_valid(), "at {:?}: {:?}", h.at, out.reason);
    assert_eq!(signed.header.psid, u64::from(h.header.psid.value()));
    Some(out.payload().unwrap().to_vec())
}

/// Every frame is a TIM registration's: WSMP PSID 0x83 (p-encoded 0x8003), on channel 172
/// (in the WSMP header and on the air).
fn check_tim_header(h: &Heard) {
    assert_eq!(h.header.psid, Psid::TRAVELLER_INFORMATION, "at {:?}", h.at);
    assert_eq!(h.header.psid.p_encoded(), 0x8003);
    assert_eq!(h.header.channel, Some(172), "at {:?}", h.at);
    assert_eq!(h.rx_channel, Some(172), "at {:?}", h.at);
    assert_eq!(h.header.payload_len, h.data.len());
}

/// Writes `name` in `dir` atomically: `name.tmp` (which the scanner ignores), then a rename.
fn put(dir: &Path, name: &str, text: &str) {
    let tmp = dir.join(format!("{name}.tmp"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

/// A scratch folder with the PKI and an empty `srm` directory, and the configuration with
/// Store-and-Repeat on it and `tmc` (`[[tmc_message]]` tables).
fn setup(name: &str, tmc: &str) -> (PathBuf, PathBuf, ServiceConfig) {
    let dir = support::scratch(&format!("store-and-repeat-{name}"));
    let srm = dir.join("srm");
    std::fs::create_dir_all(&srm).unwrap();
    let rest = format!(
        "[store_and_repeat]\ndirectory = \"srm\"\nscan_interval_ms = {}\n{tmc}",
        SCAN.as_millis()
    );
    let config = support::config(&dir, &rest, START_UNIX_S);
    let s = config.store_and_repeat.as_ref().unwrap();
    assert_eq!(s.scan_interval, SCAN);
    (dir, srm, config)
}

/// Runs the service for `run` of paused time from 10:59:30 UTC; `during` gets the handle and
/// the start instant and may act meanwhile (its result is returned).
async fn run_service<F, Fut, T>(
    config: &ServiceConfig,
    run: Duration,
    during: F,
) -> (Vec<Heard>, ServiceHandle, T)
where
    F: FnOnce(ServiceHandle, Instant) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let t0 = Instant::now();
    let clock: Arc<dyn Clock> = Arc::new(TokioClock::starting_at(START_UNIX_S * 1_000_000));
    let medium = LoopbackMedium::new(Default::default());
    let radio = medium.node(RSU, config.radio.channels);
    let (stop_tx, stop_rx) = oneshot::channel();
    let listener = obu(&medium, config, t0, stop_rx);
    let service = support::service(config, radio, clock).await;
    // Nothing above sleeps: the service starts at 10:59:30 exactly.
    assert_eq!(Instant::now(), t0);
    let handle = service.handle();
    let side = tokio::spawn(during(handle.clone(), t0));
    service.run(tokio::time::sleep_until(t0 + run)).await;
    // Let the last frame's airtime pass.
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop_tx.send(()).unwrap();
    let heard = listener.await.unwrap();
    (heard, handle, side.await.unwrap())
}

/// Sleeps until `s` seconds after `t0`.
async fn at(t0: Instant, s: f64) {
    tokio::time::sleep_until(t0 + Duration::from_secs_f64(s)).await;
}

#[tokio::test(start_paused = true)]
async fn sends_at_its_interval_only_inside_its_window() {
    let (dir, srm, config) = setup(
        "window",
        "[[tmc_message]]\npsid = \"0x8003\"\ntype = \"TIM\"\nsign = \"request\"\n",
    );
    let payload = support::tim(11);
    put(
        &srm,
        "work-zone.txt",
        &support::message_file(
            "0x8003",
            "TIM",
            "172",
            5,
            ("06/01/2026, 11:00", "06/01/2026, 11:02"),
            true,
            &payload,
        ),
    );
    // Metrics before the window (10:59:40) and inside it (11:00:40), just after a scan.
    let (heard, handle, snapshots) =
        run_service(&config, Duration::from_secs(240), |h, t0| async move {
            at(t0, 10.2).await;
            let before = h.metrics.render();
            at(t0, 70.2).await;
            (before, h.metrics.render())
        })
        .await;

    // 11:00:00 is 30 s after the start; 11:02:00 is 150 s.
    let expected: Vec<u64> = (0..24).map(|k| 30 + 5 * k).collect();
    let slots: Vec<u64> = heard.iter().map(Heard::slot_s).collect();
    assert_eq!(slots, expected, "frames at (s after 10:59:30)");
    let mut verifier = verifier(&dir);
    for h in &heard {
        check_tim_header(h);
        let got = signed_payload(&mut verifier, h)
            .unwrap_or_else(|| panic!("frame at {:?} is not a signed SPDU", h.at));
        assert_eq!(got, payload, "payload at {:?}", h.at);
    }

    let (before, during) = snapshots;
    let after = handle.metrics.render();
    let stored = [("state", "stored")];
    let active = [("state", "active")];
    assert_eq!(
        metric(&before, "rsu_store_and_repeat_messages", &stored),
        Some(1.0),
        "{before}"
    );
    assert_eq!(
        metric(&before, "rsu_store_and_repeat_messages", &active),
        Some(0.0),
        "{before}"
    );
    assert_eq!(
        metric(&during, "rsu_store_and_repeat_messages", &active),
        Some(1.0),
        "{during}"
    );
    // Past its window it stays stored (until its file goes) but is not active.
    assert_eq!(
        metric(&after, "rsu_store_and_repeat_messages", &stored),
        Some(1.0),
        "{after}"
    );
    assert_eq!(
        metric(&after, "rsu_store_and_repeat_messages", &active),
        Some(0.0),
        "{after}"
    );
    assert_eq!(
        metric(&after, "rsu_tmc_messages_sent_total", &[SOURCE]),
        Some(24.0),
        "{after}"
    );
    // Read once, although it was looked at every second for four minutes.
    assert_eq!(
        metric(&after, "rsu_tmc_messages_accepted_total", &[SOURCE]),
        Some(1.0),
        "{after}"
    );
    assert_eq!(
        metric(&after, "rsu_store_and_repeat_skipped_total", &[]),
        Some(0.0),
        "{after}"
    );
}

/// What a frame of the second test is, by its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    AOld,
    ANew,
    B,
    C,
}

#[tokio::test(start_paused = true)]
async fn edits_additions_and_removals_take_effect_and_a_corrupt_file_does_not_stop_the_others() {
    let (dir, srm, config) = setup(
        "edits",
        "[[tmc_message]]\npsid = \"0x8003\"\ntype = \"TIM\"\nsign = \"request\"\n",
    );
    let (a_old, a_new, b, c) = (
        support::tim(21),
        support::tim(22),
        support::tim(23),
        support::tim(24),
    );
    let payloads = [&a_old, &a_new, &b, &c];
    for (i, p) in payloads.iter().enumerate() {
        for q in &payloads[i + 1..] {
            assert_ne!(p, q, "the test needs four different payloads");
        }
    }
    // Every window: 10:59 to 11:10, so slots are whole seconds since 10:59:00 (the start,
    // 10:59:30, is one of them).
    let window = ("06/01/2026, 10:59", "06/01/2026, 11:10");
    let file = move |psid: &str, interval: u32, sign: bool, payload: &[u8]| {
        support::message_file(psid, "TIM", "172", interval, window, sign, payload)
    };
    put(&srm, "a.msg", &file("0x8003", 1, true, &a_old));

    // Times in seconds after the start; files change half-way between scans.
    const ADD: f64 = 10.5;
    const EDIT_PAYLOAD: f64 = 20.5;
    const EDIT_INTERVAL: f64 = 30.5;
    const DELETE_B: f64 = 40.5;
    const FIX_C: f64 = 50.5;
    const END: f64 = 60.5;
    let (bad_hex, valid_c) = {
        let valid = file("0x8003", 1, true, &c);
        // One non-hex digit in the payload.
        let at = valid.find("Payload=").unwrap() + "Payload=".len() + 6;
        let mut bad = valid.clone();
        bad.replace_range(at..at + 1, "G");
        (bad, valid)
    };
    let dir_in = srm.clone();
    let (b_in, c_in, a_new_in) = (b.clone(), c.clone(), a_new.clone());
    let (heard, handle, snapshots) = run_service(
        &config,
        Duration::from_secs_f64(END),
        move |h, t0| async move {
            let srm = dir_in;
            let mut snaps = Vec::new();
            at(t0, ADD).await;
            // B is not asked to be signed; C's payload is not hex; D's PSID (0x84) is not
            // registered.
            put(&srm, "b.msg", &file("0x8003", 2, false, &b_in));
            put(&srm, "c.msg", &bad_hex);
            put(&srm, "d.msg", &file("0x8004", 1, true, &c_in));
            at(t0, 15.2).await;
            snaps.push(h.metrics.render());
            at(t0, EDIT_PAYLOAD).await;
            put(&srm, "a.msg", &file("0x8003", 1, true, &a_new_in));
            at(t0, EDIT_INTERVAL).await;
            put(&srm, "a.msg", &file("0x8003", 3, true, &a_new_in));
            at(t0, DELETE_B).await;
            std::fs::remove_file(srm.join("b.msg")).unwrap();
            at(t0, 45.2).await;
            snaps.push(h.metrics.render());
            at(t0, FIX_C).await;
            put(&srm, "c.msg", &valid_c);
            snaps
        },
    )
    .await;

    let mut verifier = verifier(&dir);
    let mut frames: Vec<(Which, f64)> = Vec::new();
    for h in &heard {
        check_tim_header(h);
        let slot = h.slot_s();
        let (payload, signed) = match signed_payload(&mut verifier, h) {
            Some(p) => (p, true),
            None => (h.data.to_vec(), false),
        };
        let which = if payload == a_old {
            Which::AOld
        } else if payload == a_new {
            Which::ANew
        } else if payload == b {
            Which::B
        } else if payload == c {
            Which::C
        } else {
            panic!("frame at {:?}: unknown payload", h.at)
        };
        // B asked for no signature; the others for one.
        assert_eq!(signed, which != Which::B, "{which:?} at {:?}", h.at);
        frames.push((which, slot as f64));
    }
    let times = |w: &[Which]| -> Vec<f64> {
        frames
            .iter()
            .filter(|(x, _)| w.contains(x))
            .map(|f| f.1)
            .collect()
    };
    let interval_of = |t: f64| if t < EDIT_INTERVAL { 1.0 } else { 3.0 };
    let scan = SCAN.as_secs_f64();

    // A: every second from the start until its interval changes, then every 3 s on slots
    // that keep the window's phase (multiples of 3 s since 10:59:00, so since the start);
    // never a gap longer than its interval, never twice in a slot.
    let a = times(&[Which::AOld, Which::ANew]);
    assert_eq!(a.first(), Some(&0.0), "A: {a:?}");
    assert_eq!(a.last(), Some(&60.0), "A: {a:?}");
    for w in a.windows(2) {
        assert!(w[1] > w[0], "A sent twice in a slot: {a:?}");
        assert!(
            w[1] - w[0] <= interval_of(w[1]),
            "A gap {} → {}: {a:?}",
            w[0],
            w[1]
        );
    }
    let a_before: Vec<f64> = a.iter().copied().filter(|&t| t < EDIT_INTERVAL).collect();
    assert_eq!(a_before, (0..=30).map(f64::from).collect::<Vec<_>>());
    let a_after: Vec<f64> = a.iter().copied().filter(|&t| t > EDIT_INTERVAL).collect();
    assert!(
        a_after
            .first()
            .is_some_and(|&t| t <= EDIT_INTERVAL + scan + 3.0),
        "A after its interval change: {a_after:?}"
    );
    for t in &a_after {
        assert_eq!(t % 3.0, 0.0, "A off its 3 s phase: {a_after:?}");
    }
    // The payload edit: old before it, new once it has been seen (a scan) and sent (an
    // interval), and never the old one again.
    let old = times(&[Which::AOld]);
    let new = times(&[Which::ANew]);
    let last_old = *old.last().unwrap();
    let first_new = *new.first().unwrap();
    assert!(last_old < first_new, "A old {old:?} new {new:?}");
    assert!(last_old >= EDIT_PAYLOAD - 1.0, "A old {old:?}");
    assert!(
        first_new > EDIT_PAYLOAD && first_new <= EDIT_PAYLOAD + scan + 1.0,
        "A's new payload from {first_new} (edited at {EDIT_PAYLOAD})"
    );

    // B: from its first slot after it was seen until it was deleted, every 2 s on even
    // seconds since 10:59:00 (the start is one).
    let bt = times(&[Which::B]);
    assert!(
        bt.first()
            .is_some_and(|&t| t > ADD && t <= ADD + scan + 2.0),
        "B: {bt:?}"
    );
    for w in bt.windows(2) {
        assert_eq!(w[1] - w[0], 2.0, "B: {bt:?}");
    }
    assert!(bt.iter().all(|t| t % 2.0 == 0.0), "B: {bt:?}");
    // Its last slot before the deletion went out; none after the next scan.
    assert_eq!(bt.last(), Some(&40.0), "B: {bt:?}");

    // C: nothing while corrupt, then every second once fixed.
    let ct = times(&[Which::C]);
    assert!(
        ct.first()
            .is_some_and(|&t| t > FIX_C && t <= FIX_C + scan + 1.0),
        "C: {ct:?}"
    );
    for w in ct.windows(2) {
        assert_eq!(w[1] - w[0], 1.0, "C: {ct:?}");
    }
    assert_eq!(ct.last(), Some(&60.0), "C: {ct:?}");

    // Counters: each bad file counted once, however many scans saw it.
    let [added, b_deleted] = &snapshots[..] else {
        panic!("{} snapshots", snapshots.len())
    };
    let end = handle.metrics.render();
    let stored = |text: &str| {
        metric(
            text,
            "rsu_store_and_repeat_messages",
            &[("state", "stored")],
        )
    };
    let rejected = |text: &str, reason: &str| {
        metric(
            text,
            "rsu_tmc_messages_rejected_total",
            &[SOURCE, ("reason", reason)],
        )
    };
    let accepted = |text: &str| metric(text, "rsu_tmc_messages_accepted_total", &[SOURCE]);
    // A and B stored; C and D refused.
    assert_eq!(stored(added), Some(2.0), "{added}");
    assert_eq!(rejected(added, "bad_hex"), Some(1.0), "{added}");
    assert_eq!(rejected(added, "unregistered_psid"), Some(1.0), "{added}");
    assert_eq!(accepted(added), Some(2.0), "{added}");
    // B withdrawn.
    assert_eq!(stored(b_deleted), Some(1.0), "{b_deleted}");
    // C fixed: A and C.
    assert_eq!(stored(&end), Some(2.0), "{end}");
    assert_eq!(rejected(&end, "bad_hex"), Some(1.0), "{end}");
    assert_eq!(rejected(&end, "unregistered_psid"), Some(1.0), "{end}");
    // A, B, A's payload, A's interval, C.
    assert_eq!(accepted(&end), Some(5.0), "{end}");
    assert_eq!(
        metric(&end, "rsu_tmc_messages_sent_total", &[SOURCE]),
        Some(frames.len() as f64),
        "{end}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_unsigned_registration_sends_the_bare_payload() {
    // The file asks for a signature; the registration says never.
    let (_dir, srm, config) = setup(
        "unsigned",
        "[[tmc_message]]\npsid = \"0x8003\"\ntype = \"TIM\"\nsign = \"never\"\n",
    );
    let payload = support::tim(31);
    put(
        &srm,
        "tim.txt",
        &support::message_file(
            "0x8003",
            "TIM",
            "172",
            2,
            ("06/01/2026, 10:59", "06/01/2026, 11:00"),
            true,
            &payload,
        ),
    );
    let (heard, handle, ()) = run_service(&config, Duration::from_secs(40), |_, _| async {}).await;
    // Slots 10:59:30, :32, …, :58: 15; none from 11:00.
    let slots: Vec<u64> = heard.iter().map(Heard::slot_s).collect();
    assert_eq!(slots, (0..15).map(|k| 2 * k).collect::<Vec<u64>>());
    for h in &heard {
        check_tim_header(h);
        assert_eq!(h.data[..], payload[..], "at {:?}", h.at);
    }
    let text = handle.metrics.render();
    assert_eq!(
        metric(&text, "rsu_tmc_messages_sent_total", &[SOURCE]),
        Some(15.0),
        "{text}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_stored_message_whose_file_goes_bad_is_withdrawn_until_it_is_fixed() {
    let (_dir, srm, config) = setup(
        "goes-bad",
        "[[tmc_message]]\npsid = \"0x8003\"\ntype = \"TIM\"\nsign = \"never\"\n",
    );
    let payload = support::tim(41);
    let good = support::message_file(
        "0x8003",
        "TIM",
        "172",
        1,
        ("06/01/2026, 10:59", "06/01/2026, 11:10"),
        false,
        &payload,
    );
    // DeliveryStop before DeliveryStart.
    let bad = support::message_file(
        "0x8003",
        "TIM",
        "172",
        1,
        ("06/01/2026, 11:10", "06/01/2026, 10:59"),
        false,
        &payload,
    );
    put(&srm, "tim.txt", &good);
    let (heard, handle, broken) = run_service(
        &config,
        Duration::from_secs_f64(20.5),
        move |h, t0| async move {
            at(t0, 5.5).await;
            put(&srm, "tim.txt", &bad);
            at(t0, 8.2).await;
            let broken = h.metrics.render();
            at(t0, 10.5).await;
            put(&srm, "tim.txt", &good);
            broken
        },
    )
    .await;
    // 0..=5 s, then nothing from the scan at 6 s until the scan at 11 s.
    let slots: Vec<u64> = heard.iter().map(Heard::slot_s).collect();
    let expected: Vec<u64> = (0..=5).chain(11..=20).collect();
    assert_eq!(slots, expected);
    let end = handle.metrics.render();
    let stored = |t: &str| metric(t, "rsu_store_and_repeat_messages", &[("state", "stored")]);
    let bad_window = |t: &str| {
        metric(
            t,
            "rsu_tmc_messages_rejected_total",
            &[SOURCE, ("reason", "bad_window")],
        )
    };
    assert_eq!(stored(&broken), Some(0.0), "{broken}");
    assert_eq!(bad_window(&broken), Some(1.0), "{broken}");
    assert_eq!(stored(&end), Some(1.0), "{end}");
    assert_eq!(bad_window(&end), Some(1.0), "{end}");
}

/// A file refused only because the store was full (`too_many_messages`) depends on the other
/// files, not on itself: it is read again as soon as a stored message leaves.
#[tokio::test(start_paused = true)]
async fn a_file_refused_for_lack_of_room_is_stored_once_there_is_room() {
    let (_dir, srm, config) = setup(
        "full",
        "[[tmc_message]]\npsid = \"0x8003\"\ntype = \"TIM\"\nsign = \"never\"\n",
    );
    let config = ServiceConfig {
        store_and_repeat: config.store_and_repeat.clone().map(|mut s| {
            s.max_messages = 1;
            s
        }),
        ..config
    };
    let (a, b) = (support::tim(51), support::tim(52));
    assert_ne!(a, b);
    let file = |payload: &[u8]| {
        support::message_file(
            "0x8003",
            "TIM",
            "172",
            1,
            ("06/01/2026, 10:59", "06/01/2026, 11:10"),
            false,
            payload,
        )
    };
    put(&srm, "a.txt", &file(&a));
    let b_text = file(&b);
    let (heard, handle, ()) = run_service(
        &config,
        Duration::from_secs_f64(20.5),
        move |_, t0| async move {
            at(t0, 2.5).await;
            put(&srm, "b.txt", &b_text);
            at(t0, 10.5).await;
            std::fs::remove_file(srm.join("a.txt")).unwrap();
        },
    )
    .await;
    let text = handle.metrics.render();
    let a_at: Vec<u64> = heard
        .iter()
        .filter(|h| h.data[..] == a[..])
        .map(Heard::slot_s)
        .collect();
    let b_at: Vec<u64> = heard
        .iter()
        .filter(|h| h.data[..] == b[..])
        .map(Heard::slot_s)
        .collect();
    assert_eq!(a_at, (0..=10).collect::<Vec<_>>());
    assert_eq!(
        metric(
            &text,
            "rsu_tmc_messages_rejected_total",
            &[SOURCE, ("reason", "too_many_messages")]
        ),
        Some(1.0),
        "{text}"
    );
    // Once a.txt is gone there is room: b.txt goes out from the next scan.
    assert_eq!(b_at, (11..=20).collect::<Vec<_>>(), "{text}");
}

/// Everything the service logs while a [`LogCapture`] is installed on this thread (the
/// paused-clock tests run every task on it).
#[derive(Clone, Default)]
struct LogCapture(Arc<std::sync::Mutex<Vec<u8>>>);

impl LogCapture {
    /// Installs a capture of `filter` (`RUST_LOG` syntax) until the guard drops.
    fn install(filter: &str) -> (LogCapture, tracing::dispatcher::DefaultGuard) {
        let log = LogCapture::default();
        let writer = log.clone();
        let dispatch = rsu::telemetry::logging::dispatch(
            rsu::telemetry::logging::LogFormat::Text,
            filter,
            move || writer.clone(),
        )
        .unwrap();
        (log, tracing::dispatcher::set_default(&dispatch))
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A FIFO at `path`, made by mkfifo(1) (the tests have no unsafe code).
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

const TIM_NEVER_SIGNED: &str =
    "[[tmc_message]]\npsid = \"0x8003\"\ntype = \"TIM\"\nsign = \"never\"\n";

/// A valid file sent every second from 10:59 to 11:10.
fn every_second(payload: &[u8]) -> String {
    support::message_file(
        "0x8003",
        "TIM",
        "172",
        1,
        ("06/01/2026, 10:59", "06/01/2026, 11:10"),
        false,
        payload,
    )
}

/// FIFOs, symlinks (one to /dev/zero), sockets and folders are not message files: each is
/// refused without being read (a FIFO's open would block, /dev/zero never ends), counted
/// once as `not_a_regular_file` however many scans see it, and logged once; a file over the
/// size limit is refused unread. The good file beside them goes out every second.
#[tokio::test(start_paused = true)]
async fn entries_that_are_not_regular_files_are_counted_once_and_never_read() {
    let (dir, srm, config) = setup("irregular", TIM_NEVER_SIGNED);
    let payload = support::tim(61);
    put(&srm, "good.txt", &every_second(&payload));
    mkfifo(&srm.join("pipe.txt"));
    std::os::unix::fs::symlink("/dev/zero", srm.join("zero.txt")).unwrap();
    std::os::unix::fs::symlink(dir.join("rsu.oer"), srm.join("link.txt")).unwrap();
    std::fs::create_dir(srm.join("folder.txt")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(srm.join("socket.txt")).unwrap();
    let big = format!("{}#{}\n", every_second(&payload), "x".repeat(8192));
    put(&srm, "big.txt", &big);
    let (log, _guard) = LogCapture::install("warn,rsu=debug");
    let (heard, handle, ()) =
        run_service(&config, Duration::from_secs_f64(10.5), |_, _| async {}).await;
    let slots: Vec<u64> = heard.iter().map(Heard::slot_s).collect();
    assert_eq!(slots, (0..=10).collect::<Vec<_>>());
    assert!(heard.iter().all(|h| h.data[..] == payload[..]));
    let text = handle.metrics.render();
    let rejected = |reason: &str| {
        metric(
            &text,
            "rsu_tmc_messages_rejected_total",
            &[SOURCE, ("reason", reason)],
        )
    };
    assert_eq!(rejected("not_a_regular_file"), Some(5.0), "{text}");
    assert_eq!(rejected("oversized"), Some(1.0), "{text}");
    let log = log.text();
    for name in [
        "pipe.txt",
        "zero.txt",
        "link.txt",
        "folder.txt",
        "socket.txt",
    ] {
        assert_eq!(
            log.lines().filter(|l| l.contains(name)).count(),
            1,
            "{name} in\n{log}"
        );
    }
}

/// An entry that keeps turning into a FIFO (between the scan's look at it and its open, in
/// the old scanner) never blocks the service: the other file goes out at every slot, and
/// the intersection's SPaT every 100 ms.
#[tokio::test(start_paused = true)]
async fn an_entry_swapped_for_a_fifo_does_not_freeze_the_service() {
    let (_dir, srm, config) = setup(
        "fifo-swap",
        &format!("{TIM_NEVER_SIGNED}\n{}", support::demo_intersection()),
    );
    let (good, other) = (support::tim(71), support::tim(72));
    put(&srm, "good.txt", &every_second(&good));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let (srm, stop, text) = (srm.clone(), stop.clone(), every_second(&other));
        std::thread::spawn(move || {
            let (reg, fifo, swap) = (
                srm.join(".reg.tmp"),
                srm.join(".fifo.tmp"),
                srm.join("swap.txt"),
            );
            mkfifo(&fifo);
            let mut swaps = 0u64;
            // A regular file, replaced by the FIFO, which then leaves again: tens of
            // microseconds a round, so scans keep catching it in every state.
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::fs::write(&reg, &text).unwrap();
                std::fs::rename(&reg, &swap).unwrap();
                std::fs::rename(&fifo, &swap).unwrap();
                std::fs::rename(&swap, &fifo).unwrap();
                swaps += 1;
            }
            swaps
        })
    };
    let (heard, handle, ()) =
        run_service(&config, Duration::from_secs_f64(300.5), |_, _| async {}).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    let good_at: Vec<u64> = heard
        .iter()
        .filter(|h| h.data[..] == good[..])
        .map(Heard::slot_s)
        .collect();
    assert_eq!(good_at, (0..=300).collect::<Vec<_>>(), "{swaps} swaps");
    // SPaT (and MAP) on PSID 0x82: never a gap of more than a SPaT interval and airtime.
    let spat_map: Vec<Duration> = heard
        .iter()
        .filter(|h| h.header.psid == Psid::INTERSECTION)
        .map(|h| h.at)
        .collect();
    assert!(spat_map.len() >= 3000, "{} SPaT/MAP", spat_map.len());
    assert!(spat_map[0] < AIRTIME_SLACK, "{:?}", spat_map[0]);
    for w in spat_map.windows(2) {
        assert!(
            w[1] - w[0] <= Duration::from_millis(100) + AIRTIME_SLACK,
            "SPaT gap {:?} → {:?}",
            w[0],
            w[1]
        );
    }
    let text = handle.metrics.render();
    assert!(
        metric(
            &text,
            "rsu_tmc_messages_rejected_total",
            &[SOURCE, ("reason", "not_a_regular_file")]
        )
        .is_some_and(|n| n >= 1.0),
        "{swaps} swaps: {text}"
    );
}

/// A file the RSU can read and the TMC cannot (here: a hard link to a "shadow" file) is
/// refused, and not one character of it reaches the log, at any level.
#[tokio::test(start_paused = true)]
async fn a_linked_secret_file_is_refused_without_its_text_in_the_log() {
    let (dir, srm, config) = setup("secret", TIM_NEVER_SIGNED);
    const HASH: &str = "$6$Zq7Xw9Kp$S3cr3tHashValue";
    let secret = dir.join("shadow");
    std::fs::write(&secret, format!("root:{HASH}:19000:0:99999:7:::\n")).unwrap();
    std::fs::hard_link(&secret, srm.join("shadow.txt")).unwrap();
    // And one whose secret sits where a value is expected.
    put(
        &srm,
        "keyed.txt",
        &format!("Version={HASH}\nPassword={HASH}\n"),
    );
    let (log, _guard) = LogCapture::install("trace");
    let (_heard, handle, ()) =
        run_service(&config, Duration::from_secs_f64(3.5), |_, _| async {}).await;
    let text = handle.metrics.render();
    let rejected = |reason: &str| {
        metric(
            &text,
            "rsu_tmc_messages_rejected_total",
            &[SOURCE, ("reason", reason)],
        )
    };
    assert_eq!(rejected("malformed_line"), Some(1.0), "{text}");
    assert_eq!(rejected("bad_version"), Some(1.0), "{text}");
    let log = log.text();
    assert!(
        log.contains("shadow.txt"),
        "the rejection is not logged:\n{log}"
    );
    for part in ["Zq7Xw9Kp", "S3cr3t", "root:", "Password"] {
        assert!(!log.contains(part), "{part:?} in the log:\n{log}");
    }
}

/// A thousand bad files are each counted, but the log gets a bounded number of lines that
/// say how many were left out.
#[tokio::test(start_paused = true)]
async fn a_thousand_bad_files_write_a_bounded_number_of_lines() {
    let (_dir, srm, config) = setup("thousand", TIM_NEVER_SIGNED);
    for i in 0..1000 {
        let mut text = every_second(&support::tim(1000 + i));
        let at = text.find("Payload=").unwrap() + "Payload=".len();
        text.replace_range(at..at + 1, "G");
        put(&srm, &format!("bad-{i:04}.txt"), &text);
    }
    let (log, _guard) = LogCapture::install("info");
    let (_heard, handle, ()) =
        run_service(&config, Duration::from_secs_f64(40.5), |_, _| async {}).await;
    let text = handle.metrics.render();
    assert_eq!(
        metric(
            &text,
            "rsu_tmc_messages_rejected_total",
            &[SOURCE, ("reason", "bad_hex")]
        ),
        Some(1000.0),
        "{text}"
    );
    let log = log.text();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("bad_hex")).collect();
    assert!(
        !lines.is_empty() && lines.len() <= 3,
        "{} lines:\n{log}",
        lines.len()
    );
    // Every refusal is accounted for in the lines: each line for one, plus the count of
    // those it says were left out since the previous (a summary line is for none itself).
    let told: u64 = lines
        .iter()
        .map(|l| {
            let suppressed: u64 = l
                .split_whitespace()
                .find_map(|w| w.strip_prefix("suppressed="))
                .unwrap()
                .parse()
                .unwrap();
            let itself = u64::from(!l.contains("more of the same"));
            itself + suppressed
        })
        .sum();
    // The summary is due 30 s after the first line. On a loaded machine the paused clock can
    // run ahead while the folder is read on a blocking thread, so that the first line comes
    // so late that the run ends before its summary: then the one line stands for itself and
    // the metric above for all. Either way no line claims more than there were.
    let summarised = lines.iter().any(|l| l.contains("more of the same"));
    if summarised {
        assert_eq!(told, 1000, "{log}");
    } else {
        assert_eq!((lines.len(), told), (1, 1), "{log}");
    }
}
