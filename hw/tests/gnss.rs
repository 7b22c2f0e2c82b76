//! The GNSS sources end to end: a recorded mixed GPS + BeiDou NMEA session across midnight
//! (`data/mixed_bds.nmea`), the same session through a FIFO, and a fake gpsd on TCP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rsu_hw::gnss::gpsd::WATCH_COMMAND;
use rsu_hw::gnss::{
    Constellation, FixMode, FixQuality, FixTracker, GnssError, GnssState, GpsdClient, NmeaReader,
    PositionSource, RejectReason,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

const FIXTURE: &str = include_str!("data/mixed_bds.nmea");

/// 2024-12-31T00:00:00Z in seconds: 20 088 days after 1970-01-01 (54 years, 13 of them leap,
/// to 2024-01-01 = 19 723 days, then the 365 days before Dec 31 of leap-year 2024).
const DEC31: u64 = 20_088 * 86_400;

fn utc(secs: u64, millis: u64) -> Option<SystemTime> {
    Some(UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis))
}

/// The XOR checksum, computed independently of the crate, so a typo in the fixture cannot
/// hide behind a matching bug in the parser.
fn checksum_ok(line: &str) -> bool {
    let Some((body, hh)) = line
        .trim_end()
        .strip_prefix('$')
        .and_then(|l| l.split_once('*'))
    else {
        return false;
    };
    let x = body.bytes().fold(0u8, |a, b| a ^ b);
    u8::from_str_radix(hh, 16) == Ok(x)
}

/// The state after the whole session: epoch 3, 2025-01-01T00:00:00.00Z.
fn assert_final_epoch(s: &GnssState) {
    let p = s.position.expect("position");
    // 39° 54.52200' N = 39 + 54.522/60 = 39.9087°; 116° 23.85000' E = 116.3975°.
    assert!(
        (p.latitude_deg - 39.9087).abs() < 1e-7,
        "{}",
        p.latitude_deg
    );
    assert!(
        (p.longitude_deg - 116.3975).abs() < 1e-7,
        "{}",
        p.longitude_deg
    );
    assert_eq!(p.altitude_msl_m, Some(44.5));
    // 44.5 m above the geoid, geoid 8.0 m below the ellipsoid: 36.5 m above the ellipsoid.
    assert_eq!(p.altitude_hae_m, Some(36.5));
    assert_eq!(s.utc, utc(DEC31 + 86_400, 0));
    assert_eq!(s.fix_quality, Some(FixQuality::Autonomous));
    assert_eq!(s.fix_mode, Some(FixMode::ThreeDimensional));
    assert_eq!(s.satellites_in_use, Some(16));
    assert_eq!(s.used.get(Constellation::Gps), 7);
    assert_eq!(s.used.get(Constellation::BeiDou), 9);
    assert_eq!(s.used.total(), 16);
    assert_eq!(s.in_view.get(Constellation::Gps), 10);
    assert_eq!(s.in_view.get(Constellation::BeiDou), 12);
    assert_eq!(s.in_view.total(), 22);
    assert_eq!(
        (s.hdop, s.pdop, s.vdop),
        (Some(0.72), Some(1.21), Some(0.97))
    );
    // 0.012 kn * 1852 m / 3600 s.
    assert!((s.speed_mps.unwrap() - 0.012 * 1852.0 / 3600.0).abs() < 1e-12);
    assert_eq!(s.course_deg, None);
}

#[test]
fn fixture_checksums_are_right() {
    assert_eq!(FIXTURE.lines().count(), 37);
    for line in FIXTURE.lines() {
        assert!(checksum_ok(line), "{line}");
        assert!(line.len() <= 82 - 2, "longer than NMEA allows: {line}");
    }
    assert!(FIXTURE.lines().any(|l| l.starts_with("$GBGSV")));
    assert!(FIXTURE.lines().any(|l| l.starts_with("$BDGSV")));
}

#[test]
fn recorded_session_across_midnight() {
    let mut t = FixTracker::new();
    let mut times = Vec::new();
    for line in FIXTURE.lines() {
        t.feed_line(line.as_bytes(), Instant::now()).unwrap();
        let s = t.state();
        if line.starts_with("$GNGGA") || line.starts_with("$GNRMC") {
            times.push((&line[3..6], s.utc, s.valid));
        }
        if line.starts_with("$BDGSV,3,3") {
            assert_eq!(s.in_view.get(Constellation::BeiDou), 12);
            assert_eq!(s.used.get(Constellation::BeiDou), 9);
        }
    }
    assert_eq!(
        times,
        vec![
            // First GGA: no date has been seen yet.
            ("GGA", None, true),
            ("RMC", utc(DEC31 + 86_398, 0), true),
            ("GGA", utc(DEC31 + 86_399, 0), true),
            ("RMC", utc(DEC31 + 86_399, 0), true),
            // GGA at 00:00:00 comes before the RMC with the new date: still 2025-01-01.
            ("GGA", utc(DEC31 + 86_400, 0), true),
            ("RMC", utc(DEC31 + 86_400, 0), true),
        ]
    );
    let s = t.state();
    assert!(s.valid);
    assert_final_epoch(&s);
    // Per epoch: GGA, RMC, 2 GSA, 3 + 3 GSV used; VTG and GLL ignored; plus one TXT.
    assert_eq!(s.stats.accepted, 30);
    assert_eq!(s.stats.ignored, 7);
    assert_eq!(s.stats.rejected.total(), 0);
}

#[test]
fn damaged_session_keeps_its_good_lines() {
    let mut damaged = String::new();
    for (i, line) in FIXTURE.lines().enumerate() {
        match i {
            // Second epoch's RMC with one digit changed: checksum no longer matches.
            14 => damaged.push_str(&line.replace("311224", "311225")),
            // A GPGSV cut short in the middle of a satellite block (and re-checksummed by
            // the receiver, so only the field count betrays it).
            7 => {
                let body = "GPGSV,3,2,10,20,20,100,30,24,35,010,41,29,70";
                let x = body.bytes().fold(0u8, |a, b| a ^ b);
                damaged.push_str(&format!("${body}*{x:02X}"));
            }
            _ => damaged.push_str(line),
        }
        damaged.push_str("\r\n");
        if i == 20 {
            damaged.push_str("\u{0}\u{0}garbage after a line-noise burst\n");
            damaged.push_str(&"$GPGSV,".repeat(40));
            damaged.push('\n');
            damaged
                .push_str("$GPGGA,235959.00,3960.0000,N,11623.8500,E,1,16,0.72,44.4,M,-8.0,M,,*");
            let body = "GPGGA,235959.00,3960.0000,N,11623.8500,E,1,16,0.72,44.4,M,-8.0,M,,";
            damaged.push_str(&format!("{:02X}\n", body.bytes().fold(0u8, |a, b| a ^ b)));
        }
    }
    let mut t = FixTracker::new();
    let mut errors = Vec::new();
    for line in damaged.lines() {
        if let Err(e) = t.feed_line(line.as_bytes(), Instant::now()) {
            errors.push(e);
        }
    }
    assert_eq!(errors.len(), 5, "{errors:?}");
    assert!(matches!(
        errors[0],
        GnssError::InvalidField {
            field: "satellite ID",
            ..
        }
    ));
    assert!(matches!(errors[1], GnssError::ChecksumMismatch { .. }));
    assert_eq!(errors[2], GnssError::NotAscii { offset: 0, byte: 0 });
    assert!(matches!(
        errors[3],
        GnssError::TooLong { len: 280, max: 256 }
    ));
    assert!(matches!(
        errors[4],
        GnssError::InvalidField {
            field: "latitude",
            reason: "minutes ≥ 60",
            ..
        }
    ));
    let s = t.state();
    assert_final_epoch(&s);
    let r = s.stats.rejected;
    assert_eq!(r.get(RejectReason::InvalidField), 2);
    assert_eq!(r.get(RejectReason::Checksum), 1);
    assert_eq!(r.get(RejectReason::NotAscii), 1);
    assert_eq!(r.get(RejectReason::TooLong), 1);
    assert_eq!(s.stats.accepted, 28);
}

#[tokio::test]
async fn recorded_session_through_a_reader_task() {
    // LF-only line ends, as a file copied through some tools ends up.
    let lf = FIXTURE.replace("\r\n", "\n");
    let (src, task) = PositionSource::spawn_nmea(std::io::Cursor::new(lf.into_bytes()));
    task.await.unwrap().unwrap();
    let s = src.current();
    assert_final_epoch(&s);
    // The task has ended, so the source no longer vouches for the fix.
    assert!(!s.valid);
}

#[tokio::test]
async fn recorded_session_through_a_fifo() {
    let dir = std::env::temp_dir().join(format!("rsu-gnss-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ttyFAKE");
    let _ = std::fs::remove_file(&path);
    match std::process::Command::new("mkfifo").arg(&path).status() {
        Ok(st) if st.success() => {}
        _ => {
            eprintln!("mkfifo not available; skipping");
            return;
        }
    }
    let mut reader = NmeaReader::open_serial(&path).unwrap();
    // Opening the write end only succeeds once the read end is open, which it now is.
    let writer_path = path.clone();
    let writer = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut w = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        for chunk in FIXTURE.as_bytes().chunks(50) {
            w.write_all(chunk).unwrap();
        }
    });
    let (tx, rx) = watch::channel(GnssState::default());
    reader.run(&tx).await.unwrap();
    writer.await.unwrap();
    assert!(reader.state().valid);
    assert_final_epoch(&reader.state());
    assert_final_epoch(&rx.borrow());
    let _ = std::fs::remove_dir_all(&dir);
}

const TPV: &str = r#"{"class":"TPV","device":"/dev/ttyUSB0","mode":3,"time":"2025-01-01T00:00:00.250Z","ept":0.005,"lat":39.908700000,"lon":116.397500000,"altHAE":36.5000,"altMSL":44.5000,"alt":44.5000,"epx":10.437,"epy":11.598,"epv":22.310,"magvar":-6.9,"speed":0.006,"climb":0.100,"eps":23.20,"epc":44.62,"geoidSep":-8.000,"eph":13.680,"sep":22.990}"#;

/// A SKY as gpsd writes it for 3 GPS and 4 BeiDou satellites (gnssid 0 and 3), one of each
/// unused, plus a GLONASS one (gnssid 6) and an SBAS one (gnssid 1, not counted).
const SKY: &str = r#"{"class":"SKY","device":"/dev/ttyUSB0","xdop":0.70,"ydop":0.77,"vdop":0.97,"tdop":1.02,"hdop":0.72,"gdop":2.18,"pdop":1.21,"nSat":9,"uSat":5,"satellites":[{"PRN":5,"el":45.0,"az":123.0,"ss":42.0,"used":true,"gnssid":0,"svid":5},{"PRN":13,"el":60.0,"az":45.0,"ss":44.0,"used":true,"gnssid":0,"svid":13},{"PRN":31,"el":5.0,"az":330.0,"ss":0.0,"used":false,"gnssid":0,"svid":31},{"PRN":401,"el":37.0,"az":147.0,"ss":40.0,"used":true,"gnssid":3,"svid":1},{"PRN":403,"el":51.0,"az":194.0,"ss":43.0,"used":true,"gnssid":3,"svid":3},{"PRN":406,"el":62.0,"az":30.0,"ss":45.0,"used":true,"gnssid":3,"svid":6},{"PRN":402,"el":45.0,"az":226.0,"ss":41.0,"used":false,"gnssid":3,"svid":2},{"PRN":65,"el":10.0,"az":10.0,"ss":20.0,"used":false,"gnssid":6,"svid":1},{"PRN":131,"el":30.0,"az":160.0,"ss":38.0,"used":false,"gnssid":1,"svid":131}]}"#;

/// Plays gpsd for one connection: VERSION on connect, then after the WATCH command the
/// DEVICES/WATCH acknowledgements and `reports`; closes when `close` fires.
async fn fake_gpsd_session(
    listener: &TcpListener,
    reports: &[&str],
    close: Option<oneshot::Receiver<()>>,
) -> String {
    let (sock, _) = listener.accept().await.unwrap();
    let (rd, mut wr) = sock.into_split();
    wr.write_all(
        b"{\"class\":\"VERSION\",\"release\":\"3.22\",\"rev\":\"3.22\",\"proto_major\":3,\"proto_minor\":14}\n",
    )
    .await
    .unwrap();
    let mut command = String::new();
    BufReader::new(rd).read_line(&mut command).await.unwrap();
    wr.write_all(b"{\"class\":\"DEVICES\",\"devices\":[{\"class\":\"DEVICE\",\"path\":\"/dev/ttyUSB0\",\"driver\":\"NMEA0183\",\"activated\":\"2025-01-01T00:00:00.000Z\",\"native\":0,\"bps\":115200,\"parity\":\"N\",\"stopbits\":1,\"cycle\":1.00}]}\n").await.unwrap();
    wr.write_all(b"{\"class\":\"WATCH\",\"enable\":true,\"json\":true,\"nmea\":false,\"raw\":0,\"scaled\":false,\"timing\":false,\"split24\":false,\"pps\":false}\n").await.unwrap();
    for r in reports {
        wr.write_all(r.as_bytes()).await.unwrap();
        wr.write_all(b"\r\n").await.unwrap();
    }
    if let Some(close) = close {
        let _ = close.await;
    }
    command
}

#[tokio::test]
async fn gpsd_session() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (close_tx, close_rx) = oneshot::channel();
    let server = tokio::spawn(async move {
        fake_gpsd_session(
            &listener,
            &[TPV, r#"{"class":"NEWFANGLED","x":1}"#, SKY],
            Some(close_rx),
        )
        .await
    });

    let (tx, mut rx) = watch::channel(GnssState::default());
    let mut client = GpsdClient::new(addr.to_string());
    let session = tokio::spawn(async move {
        let r = client.run_once(&tx).await;
        (r, client.state())
    });

    // While connected: everything from TPV and SKY, and valid.
    let s = *rx
        .wait_for(|s| s.stats.accepted == 2)
        .await
        .expect("client ended early");
    assert!(s.valid);
    let p = s.position.unwrap();
    assert!((p.latitude_deg - 39.9087).abs() < 1e-9);
    assert!((p.longitude_deg - 116.3975).abs() < 1e-9);
    assert_eq!(
        (p.altitude_hae_m, p.altitude_msl_m),
        (Some(36.5), Some(44.5))
    );
    assert_eq!(s.utc, utc(DEC31 + 86_400, 250));
    assert_eq!(s.fix_mode, Some(FixMode::ThreeDimensional));
    assert_eq!(s.fix_quality, Some(FixQuality::Autonomous));
    assert_eq!(
        (s.longitude_error_m, s.latitude_error_m),
        (Some(10.437), Some(11.598))
    );
    assert_eq!(s.satellites_in_use, Some(5));
    assert_eq!(s.used.get(Constellation::Gps), 2);
    assert_eq!(s.used.get(Constellation::BeiDou), 3);
    assert_eq!(s.in_view.get(Constellation::Gps), 3);
    assert_eq!(s.in_view.get(Constellation::BeiDou), 4);
    assert_eq!(s.in_view.get(Constellation::Glonass), 1);
    assert_eq!(s.in_view.total(), 8);
    assert_eq!(s.hdop, Some(0.72));
    // VERSION, DEVICES, WATCH and the unknown class.
    assert_eq!(s.stats.ignored, 4);

    close_tx.send(()).unwrap();
    let command = server.await.unwrap();
    assert_eq!(command.as_bytes(), WATCH_COMMAND);
    let (r, end) = session.await.unwrap();
    r.unwrap();
    // gpsd gone: the position stays, no longer valid.
    assert!(!end.valid);
    assert_eq!(end.position, s.position);
    assert!(!rx.borrow().valid);
}

#[tokio::test]
async fn gpsd_reconnects_and_stops_with_its_readers() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        // First connection: gpsd restarts right after the handshake.
        fake_gpsd_session(&listener, &[], None).await;
        // Second: a fix, then held open.
        let (_hold_tx, hold_rx) = oneshot::channel::<()>();
        fake_gpsd_session(&listener, &[TPV], Some(hold_rx)).await;
    });
    let mut client = GpsdClient::new(addr.to_string());
    client.reconnect_delay = Duration::from_millis(10);
    let (src, task) = PositionSource::spawn_gpsd(client);
    let PositionSource::Live(mut rx) = src.clone() else {
        panic!("not a live source");
    };
    rx.wait_for(|s| s.valid).await.unwrap();
    assert_eq!(src.current().utc, utc(DEC31 + 86_400, 250));
    drop(rx);
    drop(src);
    // With no reader left, the client task ends by itself.
    task.await.unwrap().unwrap();
    server.abort();
}

#[tokio::test]
async fn gpsd_not_running_is_an_io_error() {
    // Bind then drop to find a port nothing listens on.
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let (tx, _rx) = watch::channel(GnssState::default());
    let mut client = GpsdClient::new(addr.to_string());
    let e = client.run_once(&tx).await.unwrap_err();
    assert!(matches!(
        e,
        GnssError::Io {
            kind: std::io::ErrorKind::ConnectionRefused,
            ..
        }
    ));
    assert_eq!(client.state().stats.rejected.get(RejectReason::Io), 1);
}
