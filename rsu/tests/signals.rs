//! `rsu run` and signals, as an operator's tooling sends them: SIGQUIT and SIGUSR1 stop it
//! cleanly (exit 0, the stop logged), SIGHUP reloads the configuration file and keeps the
//! running one when the new file is invalid. Signals are sent with the `kill` command.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Generous: only a hung or dead process takes this long.
const PATIENCE: Duration = Duration::from_secs(60);

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("signals-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A folder with a test PKI and the demo configuration in it (Immediate Forward on a port
/// the system picks, so that runs in parallel do not collide).
fn configured(name: &str) -> (PathBuf, String) {
    let dir = scratch(name);
    let pki = common::rsu_command()
        .args(["pki", "init", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(pki.status.success());
    let demo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../config/demo.toml"))
        .unwrap()
        .replacen("listen = \"127.0.0.1:1516\"", "listen = \"127.0.0.1:0\"", 1);
    let file = dir.join("rsu.toml");
    std::fs::write(&file, &demo).unwrap();
    (file, demo)
}

/// A running `rsu run --config` whose JSON log messages arrive on a channel.
struct Running {
    child: Child,
    messages: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(file: &Path) -> Running {
        let mut child = common::rsu_command()
            .args(["run", "--config", file.to_str().unwrap(), "--json-logs"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stderr.lines() {
                let Ok(line) = line else { return };
                let event: serde_json::Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
                let message = event["fields"]["message"].as_str().unwrap_or("").to_owned();
                let rest = event["fields"].to_string();
                if tx.send(format!("{message} {rest}")).is_err() {
                    return;
                }
            }
        });
        let mut running = Running {
            child,
            messages,
            seen: Vec::new(),
        };
        running.wait_for("broadcasting");
        running
    }

    /// Waits for a log message that starts with `start`; returns the whole line.
    fn wait_for(&mut self, start: &str) -> String {
        loop {
            match self.messages.recv_timeout(PATIENCE) {
                Ok(m) => {
                    self.seen.push(m.clone());
                    if m.starts_with(start) {
                        return m;
                    }
                }
                Err(e) => panic!("no {start:?} ({e}); seen: {:#?}", self.seen),
            }
        }
    }

    fn signal(&self, name: &str) {
        let kill = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
    }

    /// Waits for the process to exit; asserts exit code 0 and the clean stop in the log.
    fn stops_cleanly(mut self, signal: &str) {
        let status = self.child.wait().unwrap();
        while let Ok(m) = self.messages.recv_timeout(PATIENCE) {
            self.seen.push(m);
        }
        assert_eq!(status.code(), Some(0), "{status:?}; log: {:#?}", self.seen);
        let stopping = format!("{signal}: stopping");
        assert!(
            self.seen.iter().any(|m| m.starts_with(&stopping)),
            "{:#?}",
            self.seen
        );
        assert!(
            self.seen
                .iter()
                .any(|m| m.starts_with("stopped broadcasting")),
            "{:#?}",
            self.seen
        );
    }
}

#[test]
fn sigquit_and_sigusr1_stop_cleanly() {
    for signal in ["QUIT", "USR1", "INT", "TERM"] {
        let (file, _) = configured(&format!("stop-{signal}"));
        let running = Running::start(&file);
        running.signal(signal);
        running.stops_cleanly(&format!("SIG{signal}"));
    }
}

#[test]
fn sighup_reloads_and_an_invalid_file_keeps_the_running_configuration() {
    let (file, demo) = configured("reload");
    let mut running = Running::start(&file);

    // A changed intersection and a changed radio channel: the first takes effect, the second
    // needs a restart and is said so.
    let changed = demo
        .replacen("name = \"Demo Ave & Main St\"", "name = \"Renamed Ave\"", 1)
        .replacen("channel = 172", "channel = 178", 1);
    std::fs::write(&file, changed).unwrap();
    running.signal("HUP");
    let reloaded = running.wait_for("configuration reloaded");
    assert!(reloaded.contains("\"changed\":\"[1001]\""), "{reloaded}");
    let restart = running.wait_for("configuration reload: this section changed");
    assert!(restart.contains("\"section\":\"radio\""), "{restart}");
    // The changed intersection's MAP was encoded again, with a new revision.
    let maps: Vec<&String> = running
        .seen
        .iter()
        .filter(|m| m.starts_with("MAP ready"))
        .collect();
    assert_eq!(maps.len(), 2, "{maps:?}");
    assert_ne!(maps[0], maps[1], "same revision");

    // An invalid file: refused, logged once, and the service goes on.
    std::fs::write(&file, "[rsu\nname = ").unwrap();
    running.signal("HUP");
    let refused = running.wait_for("configuration reload refused");
    assert!(refused.contains("rsu.toml"), "{refused}");

    running.signal("TERM");
    running.stops_cleanly("SIGTERM");
}
