//! The broadcast path's accounting: what a failing radio does to the log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use rsu_hw::{EtherType, MacAddr, Radio, RadioError, RxFrame, TxFrame};

use super::{Status, send};
use crate::telemetry::metrics::Metrics;

/// A radio whose transmit queue is always full.
struct Full;

impl Radio for Full {
    fn address(&self) -> MacAddr {
        MacAddr::local([2, 0, 0, 0, 0, 1])
    }

    async fn send(&self, _frame: TxFrame) -> Result<(), RadioError> {
        Err(RadioError::QueueFull)
    }

    async fn recv(&self) -> Result<RxFrame, RadioError> {
        std::future::pending().await
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The hostile test's flood: the radio refused 3,580 frames in 0.5 s and each was a
/// warning. Now: a few lines, and they account for every refusal; the counter has all.
#[tokio::test(start_paused = true)]
async fn a_full_radio_queue_writes_a_few_lines_that_carry_the_count() {
    let out = Captured::default();
    let writer = out.clone();
    let dispatch = crate::telemetry::logging::dispatch(
        crate::telemetry::logging::LogFormat::Text,
        "info",
        move || writer.clone(),
    )
    .unwrap();
    let _guard = tracing::dispatcher::set_default(&dispatch);
    let radio = Arc::new(Full);
    let metrics = Metrics::new();
    let m = metrics.intersection(1001);
    let status = Mutex::new(Status::default());
    let mut log = crate::telemetry::throttle::LogLimiter::default();
    let frame = || {
        Ok(TxFrame::broadcast(
            EtherType::WSMP,
            Bytes::from_static(b"x"),
        ))
    };
    for _ in 0..3580 {
        let ok = send(
            &radio,
            frame(),
            &m.spat,
            Some(1001),
            "spat",
            std::time::Instant::now(),
            &status,
            &mut log,
        )
        .await;
        assert!(!ok);
        tokio::time::advance(Duration::from_micros(140)).await;
    }
    // Long after: one more, whose line says how many were left out.
    tokio::time::advance(Duration::from_secs(60)).await;
    send(
        &radio,
        frame(),
        &m.spat,
        Some(1001),
        "spat",
        std::time::Instant::now(),
        &status,
        &mut log,
    )
    .await;
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("radio refused the frame"))
        .collect();
    assert!(lines.len() <= 3, "{} lines:\n{text}", lines.len());
    let told: u64 = lines
        .iter()
        .map(|l| {
            let n: u64 = l
                .split_whitespace()
                .find_map(|w| w.strip_prefix("suppressed="))
                .unwrap_or_else(|| panic!("no count in {l}"))
                .parse()
                .unwrap();
            n + 1
        })
        .sum();
    assert_eq!(told, 3581, "{text}");
    let rendered = metrics.render();
    let failures = rendered
        .lines()
        .find(|l| l.starts_with("rsu_send_failures_total{") && l.contains("type=\"spat\""))
        .unwrap();
    assert!(failures.ends_with(" 3581"), "{failures}");
}
