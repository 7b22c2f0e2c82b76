//! `rsu check-config` refuses everything `rsu run` would refuse before going on air (issue
//! 13, defect 5): both run the same preflight, so each refusal below is checked on both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

fn rsu(args: &[&str]) -> Output {
    common::rsu_command().args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("preflight-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

const DEMO: &str = include_str!("../../config/demo.toml");

/// A test PKI made `days_ago` days ago in `dir`.
fn pki(dir: &Path, days_ago: i64) {
    rsu_security::pki::init(dir, now_unix() - days_ago * 86_400, &Default::default()).unwrap();
}

/// The 1-based line of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

/// check-config exits 2 naming `field` (on `line` when given), and `run` refuses the same
/// file before going on air, naming the field too.
fn refused_by_both(dir: &Path, text: &str, field: &str, line: Option<usize>) {
    let file = dir.join("rsu.toml");
    std::fs::write(&file, text).unwrap();
    let o = rsu(&["check-config", file.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "check-config: {err}");
    assert!(o.stdout.is_empty(), "check-config said OK: {err}");
    assert!(err.contains(&format!("`{field}`")), "{field}: {err}");
    if let Some(line) = line {
        assert!(
            err.contains(&format!("line {line}: `{field}`")),
            "{field} on line {line}: {err}"
        );
    }
    // With a duration, a run that got on the air would stop by itself with success.
    let o = rsu(&[
        "run",
        "--config",
        file.to_str().unwrap(),
        "--duration",
        "0.5",
    ]);
    let run_err = stderr(&o);
    assert!(!o.status.success(), "run went on the air: {run_err}");
    assert!(
        run_err.contains(&format!("`{field}`")),
        "run should name {field}: {run_err}"
    );
}

/// The demo over a fresh PKI passes both, so each case below fails for its own reason.
#[test]
fn the_demo_over_a_fresh_pki_passes_check_config() {
    let dir = scratch("ok");
    pki(&dir, 0);
    let file = dir.join("rsu.toml");
    std::fs::write(&file, DEMO).unwrap();
    let o = rsu(&["check-config", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn an_expired_certificate() {
    let dir = scratch("expired");
    // The RSU certificate lives 365 days.
    pki(&dir, 400);
    let line = line_of(DEMO, "certificate = ");
    refused_by_both(&dir, DEMO, "security.certificate", Some(line));
}

#[test]
fn a_certificate_without_the_spat_psid() {
    let dir = scratch("psid");
    pki(&dir, 0);
    // PSID 0x20 (BSM) is not in the test RSU certificate.
    let text = DEMO.replacen("spat_psid = \"0x8002\"", "spat_psid = \"0x20\"", 1);
    let line = line_of(&text, "certificate = ");
    refused_by_both(&dir, &text, "security.certificate", Some(line));
}

#[test]
fn a_certificate_without_a_tmc_psid() {
    let dir = scratch("tmc-psid");
    pki(&dir, 0);
    // A signed registration for PSID 0x8007, which the test RSU certificate lacks.
    let text = DEMO.replacen(
        "psid = \"0x8003\"        # TIM\ntype = \"TIM\"",
        "psid = \"0x8007\"",
        1,
    );
    assert_ne!(text, DEMO);
    let line = line_of(&text, "certificate = ");
    refused_by_both(&dir, &text, "security.certificate", Some(line));
    let file = dir.join("rsu.toml");
    let err = stderr(&rsu(&["check-config", file.to_str().unwrap()]));
    assert!(err.contains("`tmc_message[0].psid`"), "{err}");
}

#[test]
fn a_key_readable_by_others() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = scratch("world-readable");
    pki(&dir, 0);
    std::fs::set_permissions(
        dir.join("rsu-key.pem"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let line = line_of(DEMO, "key = ");
    refused_by_both(&dir, DEMO, "security.key", Some(line));
}

#[test]
fn a_key_that_is_not_the_certificates() {
    let dir = scratch("wrong-key");
    pki(&dir, 0);
    let text = DEMO.replacen("key = \"rsu-key.pem\"", "key = \"root-key.pem\"", 1);
    let line = line_of(&text, "key = ");
    refused_by_both(&dir, &text, "security.key", Some(line));
}

#[test]
fn a_certificate_that_does_not_chain_to_the_trust_store() {
    let dir = scratch("foreign-root");
    pki(&dir, 0);
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    pki(&other, 0);
    let text = DEMO.replacen("trust_store = \".\"", "trust_store = \"other\"", 1);
    let line = line_of(&text, "certificate = ");
    refused_by_both(&dir, &text, "security.certificate", Some(line));
}

#[test]
fn a_state_dir_that_is_a_file() {
    let dir = scratch("state-file");
    pki(&dir, 0);
    std::fs::write(dir.join("state"), b"not a folder").unwrap();
    let text = DEMO.replacen(
        "region = \"us\"",
        "region = \"us\"\nstate_dir = \"state\"",
        1,
    );
    let line = line_of(&text, "state_dir = ");
    refused_by_both(&dir, &text, "rsu.state_dir", Some(line));
}

/// The EU demo (`rsu run --region eu`): its head and the US demo's intersection.
fn eu_demo() -> String {
    rsu::app::demo_text(rsu::app::DemoRegion::Eu).into_owned()
}

/// An EU-shaped test PKI made now in `dir`.
fn eu_pki(dir: &Path) {
    rsu_security::pki::init_eu(dir, now_unix(), &Default::default()).unwrap();
}

#[test]
fn the_eu_demo_and_both_regions_at_once_pass_check_config() {
    let dir = scratch("eu-ok");
    eu_pki(&dir);
    let file = dir.join("rsu.toml");
    std::fs::write(&file, eu_demo()).unwrap();
    let o = rsu(&["check-config", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // US and EU from one controller on one radio: the test ticket lists 137 and 138 but not
    // the US PSIDs, so the US demo's certificate cannot sign both; unsigned, both go.
    let both = DEMO
        .replacen(
            "region = \"us\"",
            "region = \"us\"\nregions = [\"us\", \"eu\"]",
            1,
        )
        .replacen("signing = true", "signing = false", 1)
        .replacen("sign = \"always\"", "sign = \"never\"", 1)
        .replacen("certificate = \"rsu.oer\"\n", "", 1)
        .replacen("key = \"rsu-key.pem\"\n", "", 1);
    std::fs::write(&file, &both).unwrap();
    let o = rsu(&["check-config", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn an_eu_ticket_without_the_spatem_its_aid_is_refused() {
    let dir = scratch("eu-us-cert");
    // The US test PKI: its RSU certificate has no ITS-AID 137.
    pki(&dir, 0);
    let text = eu_demo();
    let line = line_of(&text, "certificate = ");
    refused_by_both(&dir, &text, "security.certificate", Some(line));
    let file = dir.join("rsu.toml");
    let err = stderr(&rsu(&["check-config", file.to_str().unwrap()]));
    assert!(err.contains("137"), "{err}");
}

#[test]
fn an_eu_region_without_a_position_is_refused() {
    let dir = scratch("eu-position");
    eu_pki(&dir);
    // No [position] and no intersection (a forwarding-only RSU): the GeoNetworking headers
    // have no position to carry.
    let text = "[rsu]\nname = \"fwd\"\nregion = \"eu\"\n\
                [radio]\nbackend = \"loopback\"\nchannel = 180\n[security]\nsigning = false\n\
                [[forward]]\npsid = \"0x20\"\ndestination = \"127.0.0.1:9\"\nprotocol = \"udp\"\n\
                unverified = \"forward\"\n";
    refused_by_both(&dir, text, "position", None);
}

#[test]
fn region_lists_are_checked_with_field_and_line() {
    let dir = scratch("regions");
    pki(&dir, 0);
    let file = dir.join("rsu.toml");
    let cases = [
        (
            DEMO.replacen(
                "region = \"us\"",
                "region = \"us\"\nregions = [\"us\", \"us\"]",
                1,
            ),
            "rsu.regions[1]",
            "named twice",
        ),
        (
            DEMO.replacen("region = \"us\"", "region = \"cn\"", 1),
            "rsu.region",
            "not supported yet",
        ),
        (
            DEMO.replacen(
                "[[intersection]]\n",
                "[[intersection]]\nbroadcast_regions = [\"eu\"]\n",
                1,
            ),
            "intersection[0].broadcast_regions",
            "not one of the RSU's regions",
        ),
        (
            format!("{DEMO}\n[etsi]\nstation_id = 7\n"),
            "etsi",
            "does not broadcast",
        ),
        (
            DEMO.replacen(
                "region = \"us\"",
                "region = \"us\"\nregions = [\"us\", \"eu\"]\n[etsi]\ngbc_radius_m = 70000",
                1,
            ),
            "etsi.gbc_radius_m",
            "outside",
        ),
    ];
    for (text, field, why) in cases {
        std::fs::write(&file, &text).unwrap();
        let o = rsu(&["check-config", file.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{field}: {err}");
        assert!(
            err.contains(&format!("`{field}`")) && err.contains(why),
            "{field}: {err}"
        );
        assert!(err.contains("line "), "{field} without a line: {err}");
    }
}
