//! A full, read-only or damaged `state_dir` does not keep the RSU off the air (issue 13,
//! defect 4): `rsu run` broadcasts with MAP revisions in memory, leaves no temporary file,
//! and a damaged state file is moved aside.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DEMO: &str = include_str!("../../config/demo.toml");

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("state-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A test PKI and the demo configuration with `state_dir = "state"` in `dir`, without the
/// Immediate Forward listener (its fixed port would collide between parallel tests).
fn setup(dir: &Path) -> PathBuf {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    rsu_security::pki::init(dir, now, &Default::default()).unwrap();
    std::fs::create_dir_all(dir.join("state")).unwrap();
    let ifm = DEMO.find("[immediate_forward]").unwrap();
    let tmc = DEMO.find("[[tmc_message]]").unwrap();
    let text = format!("{}{}", &DEMO[..ifm], &DEMO[tmc..]).replacen(
        "region = \"us\"",
        "region = \"us\"\nstate_dir = \"state\"",
        1,
    );
    let file = dir.join("rsu.toml");
    std::fs::write(&file, text).unwrap();
    file
}

/// `rsu run` for 1.2 s through `sh -c` (so a test can set a file-size limit first).
fn run(dir: &Path, file: &Path, pcap: Option<&Path>, before: &str) -> Output {
    let mut cmd = format!(
        "{before} exec {} run --config '{}' --duration 1.2",
        common::rsu_shell(),
        file.display()
    );
    if let Some(p) = pcap {
        cmd.push_str(&format!(" --pcap '{}'", p.display()));
    }
    Command::new("sh")
        .args(["-c", &cmd])
        .current_dir(dir)
        .output()
        .unwrap()
}

/// How many frames went on the air (SPaT every 100 ms and MAP every second: nothing else
/// is configured).
fn frames_in(pcap: &Path) -> usize {
    let file = std::fs::File::open(pcap).unwrap();
    rsu_hw::PcapReader::new(file)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
        .len()
}

fn leftovers(state: &Path) -> Vec<String> {
    std::fs::read_dir(state)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn an_unwritable_state_file_still_broadcasts() {
    let dir = scratch("unwritable");
    let file = setup(&dir);
    // The temporary file's name taken by a folder: every save fails (a read-only folder
    // would do the same, but tests may run as root, which ignores permissions).
    std::fs::create_dir(dir.join("state/map-revisions.json.tmp")).unwrap();
    let pcap = dir.join("air.pcap");
    let o = run(&dir, &file, Some(&pcap), "");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("not persisted"), "{err}");
    assert!(frames_in(&pcap) >= 10, "on the air");
}

#[test]
fn a_full_disk_still_broadcasts_and_leaves_no_temporary_file() {
    let dir = scratch("full");
    let file = setup(&dir);
    // A zero file-size limit: every write of the state file fails as on a full disk (EFBIG
    // instead of SIGXFSZ, which the shell ignores for the child).
    let o = run(&dir, &file, None, "trap '' XFSZ; ulimit -f 0;");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("not persisted"), "{err}");
    assert_eq!(leftovers(&dir.join("state")), Vec::<String>::new());
    assert!(!dir.join("state/map-revisions.json").exists());
}

#[test]
fn a_damaged_state_file_is_moved_aside_and_the_rsu_broadcasts() {
    let dir = scratch("damaged");
    let file = setup(&dir);
    std::fs::write(dir.join("state/map-revisions.json"), "{\"intersec").unwrap();
    let pcap = dir.join("air.pcap");
    let o = run(&dir, &file, Some(&pcap), "");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(frames_in(&pcap) >= 10, "on the air");
    assert_eq!(
        std::fs::read_to_string(dir.join("state/map-revisions.json.damaged")).unwrap(),
        "{\"intersec"
    );
    // A new state in its place, with a revision other than the 0 of a fresh start.
    let state = std::fs::read_to_string(dir.join("state/map-revisions.json")).unwrap();
    assert!(state.contains("\"1001\""), "{state}");
    assert!(!state.contains("\"revision\": 0\n"), "{state}");
    assert_eq!(leftovers(&dir.join("state")), Vec::<String>::new());
}
