//! What the tests that start the `rsu` binary share.
// Each test file uses its part of this module.
#![allow(dead_code)]

use std::process::Command;

/// The program and arguments that run the `rsu` binary built for these tests. Where it is
/// built for another architecture (CI's aarch64 run under qemu), `RSU_TEST_RUNNER` names the
/// emulator and its arguments, as cargo's target runner does for the test binaries
/// themselves: without binfmt handlers the kernel cannot start an arm64 binary.
pub fn rsu_argv() -> Vec<String> {
    let mut argv: Vec<String> = std::env::var("RSU_TEST_RUNNER")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    argv.push(env!("CARGO_BIN_EXE_rsu").to_owned());
    argv
}

/// A command that runs the `rsu` binary (through `RSU_TEST_RUNNER` when set).
pub fn rsu_command() -> Command {
    let argv = rsu_argv();
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]);
    cmd
}

/// The same as a `sh` command line, each word quoted.
pub fn rsu_shell() -> String {
    rsu_argv()
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ")
}
