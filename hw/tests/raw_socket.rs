//! The raw-socket radio over a real kernel datapath: a veth pair between two network
//! namespaces, a sender in one and a receiver in the other.
//!
//! Each role runs in its namespace as a separate process: this test binary re-executed under
//! `ip netns exec <ns>` with `RSU_RAW_ROLE` saying which role (entering a namespace from a
//! thread would need `setns`, which is unsafe). Needs root; where namespaces cannot be made the
//! test fails and says why, unless `RSU_SKIP_NETNS=1` asks to skip it.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bytes::Bytes;
use rsu_hw::channels::{ChannelAccess, ChannelConfig, ChannelPlan, Region, Technology};
use rsu_hw::radio::RawSocketRadio;
use rsu_hw::radio::raw::{RawDropReason, so_priority};
use rsu_hw::{EtherType, MacAddr, Radio, RadioError, TxFrame, TxMeta};

/// This test's name, for re-executing the binary on it alone.
const TEST: &str = "frames_cross_a_veth_pair_between_namespaces";
const ROLE: &str = "RSU_RAW_ROLE";
const IFACE: &str = "RSU_RAW_IF";
const OWN_MAC: &str = "RSU_RAW_MAC";
const PEER_MAC: &str = "RSU_RAW_PEER";
const READY: &str = "RSU_RAW_READY";

const SENDER_MAC: MacAddr = MacAddr([0x02, 0x52, 0x53, 0x55, 0x00, 0x0a]);
const RECEIVER_MAC: MacAddr = MacAddr([0x02, 0x52, 0x53, 0x55, 0x00, 0x0b]);
/// A station that is not on the link: unicast to it must not reach the receiver.
const STRANGER_MAC: MacAddr = MacAddr([0x02, 0x52, 0x53, 0x55, 0x00, 0xee]);
/// IEEE 802 Local Experimental EtherType 1: neither WSMP, GeoNetworking nor IPv6.
const FOREIGN: EtherType = EtherType(0x88B5);
const CHANNEL: u8 = 172;
const MTU: usize = 1500;
/// Guards against a hung peer; nothing is asserted about how long anything takes.
const PATIENCE: Duration = Duration::from_secs(30);

fn channels() -> ChannelConfig {
    let us = ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap();
    ChannelConfig::new(us, ChannelAccess::Continuous { channel: CHANNEL }).unwrap()
}

/// A WSM carrying `data`: WSMP v3 with no extensions, PSID 0x83 (TIM, p-encoded 80 03).
fn wsmp(data: &[u8]) -> Vec<u8> {
    // 03: subtype 0 (null networking), no N-header extensions, version 3. 00: TPID 0.
    let mut wsm = vec![0x03, 0x00, 0x80, 0x03];
    // WSM length: one octet below 128, else two octets 0b10 followed by 14 bits.
    if data.len() < 128 {
        wsm.push(data.len() as u8);
    } else {
        wsm.extend_from_slice(&(0x8000 | data.len() as u16).to_be_bytes());
    }
    wsm.extend_from_slice(data);
    wsm
}

/// A GeoNetworking single-hop broadcast carrying a BTP-B packet to port 7000 with `data`.
fn geonetworking(data: &[u8]) -> Vec<u8> {
    let mut gn = vec![
        0x11, 0x00, 0x1a,
        0x01, // basic header: version 1, next header common; lifetime 60 s, RHL 1
        0x20, 0x50, 0x00,
        0x00, // common header: next header BTP-B; TSB single hop; TC 0; flags 0
    ];
    gn.extend_from_slice(&(4 + data.len() as u16).to_be_bytes()); // payload length: BTP-B + data
    gn.extend_from_slice(&[0x01, 0x00]); // maximum hop limit 1
    // Source position vector: GN address (manual, station type 15 = RSU, our MAC), then zero
    // timestamp, latitude, longitude, speed and heading; then 4 reserved octets of the SHB.
    gn.extend_from_slice(&[0xbc, 0x00]);
    gn.extend_from_slice(&SENDER_MAC.0);
    gn.extend_from_slice(&[0; 16 + 4]);
    gn.extend_from_slice(&[0x1b, 0x58, 0x00, 0x00]); // BTP-B: destination port 7000, info 0
    gn.extend_from_slice(data);
    gn
}

/// An IPv6 packet from fe80::1 to ff02::1 with no next header, carrying `data`.
fn ipv6(data: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(data.len() as u16).to_be_bytes());
    p.extend_from_slice(&[59, 255]); // next header: none; hop limit 255
    p.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    p.extend_from_slice(&[0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    p.extend_from_slice(data);
    p
}

/// `len` bytes that differ from frame to frame.
fn data(seq: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (seq * 31 + i) as u8).collect()
}

/// What the sender sends, in order, and whether the receiver's `recv` returns each frame.
fn plan() -> Vec<(TxFrame, bool)> {
    let mut frames = Vec::new();
    let mut add = |dst: MacAddr, ethertype: EtherType, payload: Vec<u8>, deliver: bool| {
        let seq = frames.len();
        frames.push((
            TxFrame {
                dst,
                ethertype,
                payload: Bytes::from(payload),
                meta: TxMeta {
                    user_priority: (seq % 8) as u8,
                    channel: (seq % 2 == 0).then_some(CHANNEL),
                    ..TxMeta::default()
                },
            },
            deliver,
        ));
    };
    let all = MacAddr::BROADCAST;
    // First, so that it is counted before any frame the receiver waits for arrives.
    add(all, FOREIGN, data(0, 60), false);
    // WSM data sizes up to a payload of exactly the MTU (6 header octets with a 2-octet length).
    for (i, len) in [0, 1, 127, 128, 1000, MTU - 6].into_iter().enumerate() {
        add(all, EtherType::WSMP, wsmp(&data(i, len)), true);
    }
    // GN + BTP-B headers take 44 octets.
    for (i, len) in [0, 50, 500, MTU - 44].into_iter().enumerate() {
        add(
            all,
            EtherType::GEONETWORKING,
            geonetworking(&data(i, len)),
            true,
        );
    }
    add(all, EtherType::IPV6, ipv6(&data(1, 8)), true);
    add(all, EtherType::IPV6, ipv6(&[]), true);
    add(RECEIVER_MAC, EtherType::WSMP, wsmp(&data(2, 20)), true);
    add(STRANGER_MAC, EtherType::WSMP, wsmp(&data(3, 20)), false);
    add(all, EtherType::WSMP, wsmp(b"last"), true);
    frames
}

fn ack() -> TxFrame {
    TxFrame::broadcast(EtherType::WSMP, Bytes::from(wsmp(b"ack")))
}

#[test]
fn frames_cross_a_veth_pair_between_namespaces() {
    if let Ok(role) = std::env::var(ROLE) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        match role.as_str() {
            "sender" => runtime.block_on(sender()),
            "receiver" => runtime.block_on(receiver()),
            other => panic!("{ROLE}={other}: expected sender or receiver"),
        }
        return;
    }

    let Some(link) = VethPair::create() else {
        return;
    };
    let exe = std::env::current_exe().unwrap();
    let role = |name: &str, ns: &str, iface: &str, own: MacAddr, peer: MacAddr| {
        let mut cmd = Command::new("ip");
        // Through RSU_TEST_RUNNER when set (CI's qemu for the aarch64 build): the kernel
        // cannot start a foreign-architecture binary itself.
        let runner = std::env::var("RSU_TEST_RUNNER").unwrap_or_default();
        cmd.args(["netns", "exec", ns])
            .args(runner.split_whitespace())
            .arg(&exe)
            .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
            .env(ROLE, name)
            .env(IFACE, iface)
            .env(OWN_MAC, own.to_string())
            .env(PEER_MAC, peer.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        Running(cmd.spawn().unwrap())
    };

    let mut receiver = role("receiver", &link.ns_b, &link.if_b, RECEIVER_MAC, SENDER_MAC);
    let mut receiver_out = BufReader::new(receiver.0.stdout.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        if receiver_out.read_line(&mut line).unwrap() == 0 {
            let status = receiver.0.wait().unwrap();
            panic!("the receiver ended ({status}) before it was ready:\n{seen}");
        }
        seen.push_str(&line);
        // libtest's "test <name> ... " has no newline, so the marker ends that line.
        if line.trim_end().ends_with(READY) {
            break;
        }
    }

    let sender = role("sender", &link.ns_a, &link.if_a, SENDER_MAC, RECEIVER_MAC);
    let sent = sender.finish();
    receiver_out.read_to_string(&mut seen).unwrap();
    let received = receiver.0.wait().unwrap();
    assert!(
        sent.0.success() && received.success(),
        "sender: {}\n{}\nreceiver: {received}\n{seen}",
        sent.0,
        sent.1
    );
}

/// A child process, killed if the test gives up on it.
struct Running(Child);

impl Running {
    fn finish(mut self) -> (std::process::ExitStatus, String) {
        let mut out = String::new();
        if let Some(mut stdout) = self.0.stdout.take() {
            stdout.read_to_string(&mut out).unwrap();
        }
        (self.0.wait().unwrap(), out)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Two namespaces joined by a veth pair, deleted on drop.
struct VethPair {
    ns_a: String,
    ns_b: String,
    if_a: String,
    if_b: String,
}

/// Runs `ip`, returning its complaint if it fails.
fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("running `ip`: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`ip {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The effective user id, from /proc (no unsafe `geteuid`).
fn euid() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(str::to_owned))
        })
        .unwrap_or_else(|| "unknown".into())
}

impl VethPair {
    /// The pair, or `None` when namespaces are unavailable and `RSU_SKIP_NETNS=1` allows
    /// skipping; without it, that is a failure saying what is missing.
    fn create() -> Option<VethPair> {
        let pid = std::process::id();
        let pair = VethPair {
            ns_a: format!("rsu-raw-a-{pid}"),
            ns_b: format!("rsu-raw-b-{pid}"),
            if_a: format!("rsua{pid}"),
            if_b: format!("rsub{pid}"),
        };
        let unavailable = |why: String| {
            let why = format!(
                "network namespaces with a veth pair are not available here: {why} \
                 (effective uid {}; this test needs root or CAP_SYS_ADMIN + CAP_NET_ADMIN + \
                 CAP_NET_RAW, and iproute2's `ip`)",
                euid()
            );
            if std::env::var("RSU_SKIP_NETNS").as_deref() == Ok("1") {
                eprintln!("skipped {TEST} because RSU_SKIP_NETNS=1: {why}");
                None
            } else {
                panic!("{why}. Set RSU_SKIP_NETNS=1 to skip this test explicitly.");
            }
        };
        if let Err(e) = Command::new("ip").arg("-V").output() {
            return unavailable(format!("the `ip` command (iproute2) cannot be run: {e}"));
        }
        if let Err(e) = ip(&["netns", "add", &pair.ns_a]) {
            return unavailable(e);
        }
        if let Err(e) = ip(&["netns", "add", &pair.ns_b]) {
            return unavailable(e);
        }
        let (sender, receiver) = (SENDER_MAC.to_string(), RECEIVER_MAC.to_string());
        let veth = [
            "link", "add", &pair.if_a, "address", &sender, "type", "veth", "peer", "name",
            &pair.if_b, "address", &receiver,
        ];
        if let Err(e) = ip(&veth) {
            return unavailable(e);
        }
        for (ns, iface) in [(&pair.ns_a, &pair.if_a), (&pair.ns_b, &pair.if_b)] {
            ip(&["link", "set", iface, "netns", ns]).unwrap();
            // No kernel IPv6 on the link: its neighbour discovery would be IPv6 frames the
            // receiver does not expect. Kernels without IPv6 refuse the setting and are quiet.
            let quiet = ip(&["-n", ns, "link", "set", iface, "addrgenmode", "none"]);
            if let Err(e) = quiet
                && std::path::Path::new("/proc/sys/net/ipv6").exists()
            {
                panic!("{e}");
            }
            ip(&[
                "-n",
                ns,
                "link",
                "set",
                iface,
                "mtu",
                &MTU.to_string(),
                "up",
            ])
            .unwrap();
        }
        Some(pair)
    }
}

impl Drop for VethPair {
    fn drop(&mut self) {
        // Deleting a namespace deletes the veth end in it, and with it the peer.
        let _ = ip(&["netns", "del", &self.ns_a]);
        let _ = ip(&["netns", "del", &self.ns_b]);
        let _ = ip(&["link", "del", &self.if_a]);
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

fn env_mac(name: &str) -> MacAddr {
    env(name).parse().unwrap()
}

async fn open_from_env() -> (RawSocketRadio, MacAddr) {
    let radio = RawSocketRadio::open(&env(IFACE), channels()).unwrap();
    assert_eq!(radio.address(), env_mac(OWN_MAC), "MAC read from sysfs");
    assert_eq!(radio.mtu(), MTU, "MTU read from sysfs");
    (radio, env_mac(PEER_MAC))
}

async fn recv_within(radio: &RawSocketRadio, what: &str) -> Result<rsu_hw::RxFrame, RadioError> {
    tokio::time::timeout(PATIENCE, radio.recv())
        .await
        .unwrap_or_else(|_| panic!("{what}: nothing after {PATIENCE:?}; {:?}", radio.counters()))
}

async fn sender() {
    let (radio, peer) = open_from_env().await;
    let iface = radio.interface().to_owned();
    for up in 0..8 {
        assert_eq!(radio.socket_priority(up).unwrap(), so_priority(up));
    }

    // Refused before reaching the kernel.
    let mut too_big = TxFrame::broadcast(EtherType::WSMP, Bytes::from(vec![0; MTU + 1]));
    let e = radio.send(too_big.clone()).await.unwrap_err();
    assert!(
        matches!(e, RadioError::Refused(ref m) if m.contains(&iface) && m.contains("MTU 1500")),
        "{e}"
    );
    too_big.payload = Bytes::from(vec![0; MTU]);
    too_big.meta.user_priority = 8;
    assert!(matches!(
        radio.send(too_big.clone()).await,
        Err(RadioError::Refused(_))
    ));
    too_big.meta.user_priority = 0;
    too_big.meta.channel = Some(178);
    assert!(matches!(
        radio.send(too_big).await,
        Err(RadioError::Channel(_))
    ));
    assert_eq!(radio.counters().send_failed, 3);
    assert_eq!(radio.counters().sent, 0);

    let plan = plan();
    for (frame, _) in &plan {
        radio.send(frame.clone()).await.unwrap();
    }

    // The receiver answers once it has every frame; by then the kernel has shown all our own
    // frames to our receive socket, ahead of the answer.
    let answer = recv_within(&radio, "the receiver's answer").await.unwrap();
    assert_eq!(answer.src, peer);
    assert_eq!(answer.payload, ack().payload);
    let c = radio.counters();
    assert_eq!(c.sent, plan.len() as u64);
    assert_eq!(c.received, 1);
    assert_eq!(c.dropped(RawDropReason::Own), plan.len() as u64, "{c:?}");

    ip(&["link", "set", &iface, "down"]).unwrap();
    let e = radio.send(ack()).await.unwrap_err();
    assert!(
        matches!(e, RadioError::Closed(ref m) if m.starts_with(&format!("interface {iface} is down"))),
        "{e}"
    );
    let e = recv_within(&radio, "recv on a downed link")
        .await
        .unwrap_err();
    assert!(
        matches!(e, RadioError::Closed(ref m) if m.contains(&iface)),
        "{e}"
    );
    println!("sender: {:?}", radio.counters());
}

async fn receiver() {
    let (radio, peer) = open_from_env().await;
    println!("{READY}");
    let expected: Vec<TxFrame> = plan()
        .into_iter()
        .filter_map(|(frame, deliver)| deliver.then_some(frame))
        .collect();
    for (i, want) in expected.iter().enumerate() {
        let got = recv_within(&radio, &format!("frame {i} of {}", expected.len()))
            .await
            .unwrap();
        assert_eq!(
            (got.src, got.dst, got.ethertype),
            (peer, want.dst, want.ethertype),
            "frame {i}"
        );
        assert_eq!(got.payload, want.payload, "frame {i}");
        assert_eq!(got.meta.channel, Some(CHANNEL));
        assert_eq!(got.meta.rssi_dbm, None);
    }
    let c = radio.counters();
    assert_eq!(c.received, expected.len() as u64, "{c:?}");
    assert_eq!(c.dropped(RawDropReason::OtherEtherType), 1, "{c:?}");
    assert_eq!(c.dropped(RawDropReason::OtherHost), 1, "{c:?}");
    assert_eq!(c.dropped(RawDropReason::Own), 0, "{c:?}");
    assert_eq!(c.dropped(RawDropReason::Truncated), 0, "{c:?}");
    radio.send(ack()).await.unwrap();
    println!("receiver: {c:?}");
}

#[tokio::test]
async fn a_missing_interface_is_named() {
    let e = RawSocketRadio::open("rsu-no-such0", channels()).unwrap_err();
    assert!(matches!(e, RadioError::Io { .. }));
    assert_eq!(
        e.to_string(),
        "interface rsu-no-such0 not found (ls /sys/class/net): No such file or directory (os \
         error 2)"
    );
}
