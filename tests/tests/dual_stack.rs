//! Dual-stack listeners: an input bound to `[::]` hears IPv4 senders as `::ffff:a.b.c.d`, and
//! an IPv4 `allowed_sources` entry must still admit them (issue 13, defect 3).
//!
//! Real sockets on loopback; the waits are generous bounds on exact counts, never timing
//! assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use rsu::clock::{Clock, SystemClock};
use rsu::controller::ControllerState;
use rsu::controller::tscbm::{self, Profile, StatusBitOrder};
use rsu::runtime::ServiceHandle;
use rsu_hw::LoopbackMedium;
use tokio::net::UdpSocket;
use tokio::sync::oneshot;

use support::{RSU, message_file, metric, tim};

/// Polls the metrics until `name{labels}` reaches `want` or 10 s pass; returns the last value.
async fn wait_for(
    handle: &ServiceHandle,
    name: &str,
    labels: &[(&str, &str)],
    want: f64,
) -> Option<f64> {
    let mut last = None;
    for _ in 0..200 {
        last = metric(&handle.metrics.render(), name, labels);
        if last == Some(want) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

/// Runs a service from `rest` (TOML after `[security]`), hands its handle to `act`, stops it.
async fn with_service<F, Fut>(name: &str, rest: &str, act: F)
where
    F: FnOnce(ServiceHandle) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = support::scratch(name);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let config = support::config(&dir, rest, clock.now_micros() / 1_000_000);
    let medium = LoopbackMedium::new(Default::default());
    let radio = medium.node(RSU, config.radio.channels);
    let service = support::service(&config, radio, clock).await;
    let handle = service.handle();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(service.run(async {
        let _ = stopped.await;
    }));
    act(handle).await;
    stop.send(()).unwrap();
    task.await.unwrap();
}

#[tokio::test]
async fn tscbm_on_a_dual_stack_listener_admits_an_allowed_ipv4_controller() {
    let demo = support::demo_intersection();
    let sim = demo.find("[intersection.simulated]").unwrap();
    let groups = demo.find("# Signal groups").unwrap();
    let rest = format!(
        "{}[intersection.tscbm]\nlisten = \"[::]:0\"\nprofile = \"econolite-241\"\nallowed_sources = [\"127.0.0.1\"]\n\n{}",
        &demo[..sim],
        &demo[groups..]
    );
    with_service("dual-stack-tscbm", &rest, |handle| async move {
        let port = handle.tscbm_addrs[0].unwrap().port();
        assert!(handle.tscbm_addrs[0].unwrap().ip().is_unspecified());
        let controller = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let packet = tscbm::emit_vec(
            &ControllerState::empty(SystemClock.now()),
            Profile::Econolite241,
            StatusBitOrder::default(),
            1,
        );
        controller
            .send_to(&packet, ("127.0.0.1", port))
            .await
            .unwrap();
        let id = [("intersection", "1001")];
        assert_eq!(
            wait_for(&handle, "rsu_controller_packets_total", &id, 1.0).await,
            Some(1.0),
            "{}",
            handle.metrics.render()
        );
        let text = handle.metrics.render();
        assert_eq!(
            metric(
                &text,
                "rsu_controller_rejected_total",
                &[("reason", "source_not_allowed")]
            ),
            None,
            "{text}"
        );
    })
    .await;
}

#[tokio::test]
async fn immediate_forward_on_a_dual_stack_listener_admits_an_allowed_ipv4_tmc() {
    let rest = r#"
[immediate_forward]
listen = "[::]:0"
allowed_sources = ["127.0.0.1"]
[[tmc_message]]
psid = "0x8003"
type = "TIM"
"#;
    with_service("dual-stack-ifm", rest, |handle| async move {
        let port = handle.immediate_forward_addr.unwrap().port();
        let tmc = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let file = message_file("0x8003", "TIM", "172", 0, ("", ""), true, &tim(1));
        tmc.send_to(file.as_bytes(), ("127.0.0.1", port))
            .await
            .unwrap();
        let source = [("source", "immediate_forward")];
        assert_eq!(
            wait_for(&handle, "rsu_tmc_messages_accepted_total", &source, 1.0).await,
            Some(1.0),
            "{}",
            handle.metrics.render()
        );
    })
    .await;
}
