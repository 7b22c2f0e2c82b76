//! What the forwarding tests share: scratch folders, a configuration over a fresh test PKI,
//! random valid J2735 messages, metric lookups and an OBU that collects frames.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use std::sync::Arc;

use rsu::clock::Clock;
use rsu::config::{self, ServiceConfig};
use rsu::runtime::{self, Service};
use rsu::telemetry::metrics::Metrics;
use rsu_codecs::j2735::{BasicSafetyMessage, MessageFrame, TravelerInformation};
use rsu_codecs::random::{RandomOptions, random_value};
use rsu_hw::{MacAddr, Radio};

pub const RSU: MacAddr = MacAddr::local([0x02, 0, 0, 0x52, 0x53, 0x55]);
pub const OBU: MacAddr = MacAddr::local([0x02, 0, 0, 0, 0, 0xa0]);

/// A unique, empty scratch folder under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The head of every HIL configuration: the loopback radio on channel 172, signing with the
/// test PKI in the configuration's folder, which is also the trust store.
pub const HEADER: &str = r#"
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
"#;

/// A configuration with no intersection over a fresh test PKI in `dir` (signing on, trust
/// store = the PKI folder); `rest` is more TOML (forwarding sections).
pub fn config(dir: &Path, rest: &str, now_unix: i64) -> ServiceConfig {
    rsu_security::pki::init(dir, now_unix, &Default::default()).unwrap();
    let text = format!("{HEADER}{rest}\n");
    let loaded = config::parse(&text, "test config", dir).unwrap_or_else(|e| panic!("{e}"));
    loaded.config
}

fn options() -> RandomOptions {
    RandomOptions {
        presence: 30,
        extra_items: 0,
        regional: false,
        extensions: false,
        max_depth: 8,
    }
}

/// A random valid TIM as UPER MessageFrame bytes; the same seed gives the same bytes.
pub fn tim(seed: u64) -> Vec<u8> {
    let t: TravelerInformation = random_value(seed, options()).unwrap();
    MessageFrame::TravelerInformation(Box::new(t))
        .encode()
        .unwrap()
}

/// A random valid BSM as UPER MessageFrame bytes.
pub fn bsm(seed: u64) -> Vec<u8> {
    let b: BasicSafetyMessage = random_value(seed, options()).unwrap();
    MessageFrame::BasicSafetyMessage(Box::new(b))
        .encode()
        .unwrap()
}

/// An RSU 4.1 message file (v0.7) as a TMC writes it.
pub fn message_file(
    psid: &str,
    kind: &str,
    channel: &str,
    interval_s: u32,
    window: (&str, &str),
    sign: bool,
    payload: &[u8],
) -> String {
    format!(
        "# Message File Format v0.7\r\nVersion=0.7\r\nType={kind}\r\nPSID={psid}\r\nPriority=5\r\nTxMode=CONT\r\nTxChannel={channel}\r\nTxInterval={interval_s}\r\nDeliveryStart={}\r\nDeliveryStop={}\r\nSignature={}\r\nEncryption=False\r\nPayload={}\r\n",
        window.0,
        window.1,
        if sign { "True" } else { "False" },
        hex::encode_upper(payload)
    )
}

/// The value of the sample of `name` whose labels include `labels`; the test fails naming
/// the series when it is not exported (a missing metric is never read as 0).
pub fn metric_value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    metric(text, name, labels)
        .unwrap_or_else(|| panic!("metric {name} {labels:?} is not exported\n{text}"))
}

/// Like [`metric_value`], for a labelled series that legitimately does not exist until its
/// first event (label caches register on first use): 0 when absent, but only for a family
/// the service describes, so a renamed or misspelt metric fails instead of reading as 0.
pub fn metric_or_zero(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    assert!(
        rsu::telemetry::metrics::is_described(name),
        "{name} is not a metric the service describes"
    );
    metric(text, name, labels).unwrap_or(0.0)
}

/// The value of the sample of `name` whose labels include `labels`.
pub fn metric(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| {
            l.strip_prefix(name).is_some_and(|rest| {
                (rest.starts_with('{') || rest.starts_with(' '))
                    && labels
                        .iter()
                        .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
            })
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// The embedded demo's intersection (config/demo.toml, from `[[intersection]]` on): a
/// four-leg intersection on the simulated fixed-time controller.
pub fn demo_intersection() -> String {
    let demo = include_str!("../../../config/demo.toml");
    let at = demo.find("[[intersection]]").unwrap();
    demo[at..].to_owned()
}

/// The service as `rsu run` builds it: signers loaded (and self-tested) from the
/// configuration, then everything bound and ready to run.
pub async fn service<R: Radio + 'static>(
    config: &ServiceConfig,
    radio: R,
    clock: Arc<dyn Clock>,
) -> Service<R> {
    let signers = runtime::load_signer(config, clock.now_micros()).unwrap();
    runtime::prepare(config, radio, clock, Metrics::new(), signers)
        .await
        .unwrap()
}

/// The shared vectors folder: `$RSU_VECTORS` or `<workspace>/../shared/vectors`. Absent,
/// the test says it skipped (`None`), unless `RSU_VECTORS_REQUIRED=1` (CI) makes that a
/// failure.
pub fn vectors_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("RSU_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    if !dir.is_dir() {
        assert!(
            std::env::var("RSU_VECTORS_REQUIRED").as_deref() != Ok("1"),
            "RSU_VECTORS_REQUIRED=1 but the vectors folder {} is missing",
            dir.display()
        );
        eprintln!(
            "skipped: vectors folder {} not found (set RSU_VECTORS)",
            dir.display()
        );
        return None;
    }
    Some(dir)
}

/// A binary vector's octets (see [`vectors_dir`]).
pub fn read_vector(rel: &str) -> Option<Vec<u8>> {
    let path = vectors_dir()?.join(rel);
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// A hex vector's octets, whitespace ignored (see [`vectors_dir`]).
pub fn read_hex_vector(rel: &str) -> Option<Vec<u8>> {
    let path = vectors_dir()?.join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    Some(hex::decode(digits).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// A UTC instant `offset_s` from now as a message file's `DeliveryStart=`/`DeliveryStop=`
/// writes it (`MM/DD/YYYY, HH:MM`).
pub fn message_file_time(offset_s: i64) -> String {
    let us = rsu::clock::SystemClock.now_micros() + offset_s * 1_000_000;
    let c = rsu::clock::UnixMillis(u64::try_from(us / 1000).unwrap())
        .civil()
        .unwrap();
    format!(
        "{:02}/{:02}/{:04}, {:02}:{:02}",
        c.date.month, c.date.day, c.date.year, c.hour, c.minute
    )
}
