//! A client of gpsd's JSON protocol (TCP, default `127.0.0.1:2947`): it sends
//! `?WATCH={"enable":true,"json":true};` and reads line-delimited reports. TPV gives time,
//! position, speed and error estimates; SKY gives DOPs and satellites per constellation;
//! every other class (VERSION, DEVICES, WATCH, PPS, ...) is counted and ignored. Missing
//! fields are tolerated; fields of the wrong type or out of range reject the report.
//!
//! One receiver is assumed: with several devices, their TPVs would interleave.

use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::{
    Constellation, FixMode, FixQuality, GnssError, GnssState, Line, LineReader, Position,
    SatelliteCounts, parse_iso8601_utc,
};

/// Where gpsd listens by default.
pub const DEFAULT_ADDR: &str = "127.0.0.1:2947";

/// The command that starts the JSON report stream.
pub const WATCH_COMMAND: &[u8] = b"?WATCH={\"enable\":true,\"json\":true};\n";

/// The longest report line accepted: a SKY report with every satellite of four
/// constellations in view is about 10 kB.
pub const MAX_LINE_LEN: usize = 64 * 1024;

/// Only the class, to choose the report's type before parsing the rest.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow)]
    class: std::borrow::Cow<'a, str>,
}

/// Time-position-velocity report.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Tpv {
    /// 0 unknown, 1 no fix, 2 2D, 3 3D.
    mode: u8,
    /// 0 unknown, 1 normal, 2 DGPS, 3 RTK fixed, 4 RTK float, 5 DR, 6 GNSS+DR, 7 time
    /// (surveyed), 8 simulated, 9 P(Y).
    status: Option<u8>,
    time: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    #[serde(rename = "altHAE")]
    alt_hae: Option<f64>,
    #[serde(rename = "altMSL")]
    alt_msl: Option<f64>,
    /// Deprecated MSL altitude of gpsd before 3.20.
    alt: Option<f64>,
    #[serde(rename = "geoidSep")]
    geoid_sep: Option<f64>,
    speed: Option<f64>,
    track: Option<f64>,
    epx: Option<f64>,
    epy: Option<f64>,
}

/// Sky view report.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Sky {
    satellites: Option<Vec<SkySatellite>>,
    #[serde(rename = "uSat")]
    u_sat: Option<u32>,
    hdop: Option<f64>,
    pdop: Option<f64>,
    vdop: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SkySatellite {
    gnssid: Option<u8>,
    used: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ErrorReport {
    message: String,
}

/// What a gpsd line turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpsdReport {
    Tpv,
    Sky,
    /// A class this client does not use.
    Ignored,
}

/// Folds gpsd reports into a [`GnssState`], without IO.
#[derive(Debug, Clone, Default)]
pub struct GpsdTracker {
    state: GnssState,
}

impl GpsdTracker {
    /// A tracker that has seen nothing.
    pub fn new() -> GpsdTracker {
        GpsdTracker::default()
    }

    /// The current snapshot.
    pub fn state(&self) -> GnssState {
        self.state
    }

    /// Counts a rejected line that [`GpsdTracker::feed_line`] did not see.
    pub fn reject(&mut self, e: &GnssError) {
        self.state.stats.rejected.add(e.reason());
    }

    /// The connection to gpsd is gone: the last position stays, no longer valid.
    pub fn lost(&mut self) {
        self.state.valid = false;
    }

    /// Parses one report line and folds it in, counting it; `now` is when it was received.
    pub fn feed_line(&mut self, line: &[u8], now: Instant) -> Result<GpsdReport, GnssError> {
        let r = self.apply(line, now);
        match &r {
            Ok(GpsdReport::Ignored) => self.state.stats.ignore(),
            _ => self.state.stats.count(&r),
        }
        r
    }

    fn apply(&mut self, line: &[u8], now: Instant) -> Result<GpsdReport, GnssError> {
        let json = |class: &'static str| {
            move |e: serde_json::Error| GnssError::Gpsd {
                class,
                reason: e.to_string(),
            }
        };
        let head: Head<'_> = serde_json::from_slice(line).map_err(json("report"))?;
        match &*head.class {
            "TPV" => {
                let tpv: Tpv = serde_json::from_slice(line).map_err(json("TPV"))?;
                self.apply_tpv(&tpv, now)?;
                Ok(GpsdReport::Tpv)
            }
            "SKY" => {
                let sky: Sky = serde_json::from_slice(line).map_err(json("SKY"))?;
                self.apply_sky(&sky);
                Ok(GpsdReport::Sky)
            }
            "ERROR" => {
                let e: ErrorReport = serde_json::from_slice(line).map_err(json("ERROR"))?;
                Err(GnssError::Gpsd {
                    class: "ERROR",
                    reason: e.message,
                })
            }
            _ => Ok(GpsdReport::Ignored),
        }
    }

    fn apply_tpv(&mut self, t: &Tpv, now: Instant) -> Result<(), GnssError> {
        let bad = |reason: &str| GnssError::Gpsd {
            class: "TPV",
            reason: reason.into(),
        };
        let fix_mode = match t.mode {
            0 => None,
            1 => Some(FixMode::NoFix),
            2 => Some(FixMode::TwoDimensional),
            3 => Some(FixMode::ThreeDimensional),
            _ => return Err(bad("mode is not 0..=3")),
        };
        let utc = match &t.time {
            None => None,
            Some(s) => Some(parse_iso8601_utc(s).ok_or(bad("time is not ISO 8601 UTC"))?),
        };
        let position = match (t.lat, t.lon) {
            (Some(lat), Some(lon)) => {
                let mut p = Position::new(lat, lon).ok_or(bad("lat/lon out of range"))?;
                p.altitude_msl_m = t.alt_msl.or(t.alt);
                p.altitude_hae_m = t
                    .alt_hae
                    .or(p.altitude_msl_m.zip(t.geoid_sep).map(|(h, n)| h + n));
                Some(p)
            }
            (None, None) => None,
            _ => return Err(bad("lat without lon or lon without lat")),
        };
        let nonneg = |v: Option<f64>, what: &str| match v {
            // JSON has no NaN, so `< 0` catches every bad value.
            Some(x) if x < 0.0 => Err(bad(what)),
            _ => Ok(v),
        };
        let speed = nonneg(t.speed, "speed is negative")?;
        let track = nonneg(t.track, "track is negative")?;
        let epx = nonneg(t.epx, "epx is negative")?;
        let epy = nonneg(t.epy, "epy is negative")?;

        let valid = matches!(
            fix_mode,
            Some(FixMode::TwoDimensional | FixMode::ThreeDimensional)
        );
        let s = &mut self.state;
        s.valid = valid;
        s.fix_mode = fix_mode;
        s.fix_quality = Some(if !valid {
            FixQuality::Invalid
        } else {
            match t.status {
                Some(2) => FixQuality::Differential,
                Some(3) => FixQuality::RtkFixed,
                Some(4) => FixQuality::RtkFloat,
                Some(5 | 6) => FixQuality::Estimated,
                Some(7) => FixQuality::Manual,
                Some(8) => FixQuality::Simulation,
                _ => FixQuality::Autonomous,
            }
        });
        if utc.is_some() {
            s.utc = utc;
        }
        if position.is_some() {
            s.position = position;
        }
        s.speed_mps = speed;
        s.course_deg = track;
        s.longitude_error_m = epx;
        s.latitude_error_m = epy;
        s.received_at = Some(now);
        Ok(())
    }

    fn apply_sky(&mut self, k: &Sky) {
        let s = &mut self.state;
        // gpsd may split a cycle into a SKY with DOPs and one with satellites.
        for (dst, v) in [
            (&mut s.hdop, k.hdop),
            (&mut s.pdop, k.pdop),
            (&mut s.vdop, k.vdop),
        ] {
            if v.is_some() {
                *dst = v;
            }
        }
        if let Some(sats) = &k.satellites {
            let mut used = [0u32; 6];
            let mut seen = [0u32; 6];
            let mut used_total = 0u32;
            for sat in sats {
                used_total += u32::from(sat.used);
                if let Some(c) = sat.gnssid.and_then(Constellation::from_gpsd_gnssid) {
                    if let Some(n) = seen.get_mut(c as usize) {
                        *n += 1;
                    }
                    if let (true, Some(n)) = (sat.used, used.get_mut(c as usize)) {
                        *n += 1;
                    }
                }
            }
            let sat = |n: u32| u8::try_from(n).unwrap_or(u8::MAX);
            s.used = SatelliteCounts::default();
            s.in_view = SatelliteCounts::default();
            for c in Constellation::ALL {
                s.used.set(c, used.get(c as usize).copied().map_or(0, sat));
                s.in_view
                    .set(c, seen.get(c as usize).copied().map_or(0, sat));
            }
            s.satellites_in_use = Some(sat(k.u_sat.unwrap_or(used_total)));
        } else if let Some(u) = k.u_sat {
            s.satellites_in_use = Some(u8::try_from(u).unwrap_or(u8::MAX));
        }
    }
}

/// Connects to gpsd and keeps a [`GpsdTracker`] fed.
#[derive(Debug, Clone)]
pub struct GpsdClient {
    /// `host:port` of gpsd.
    pub addr: String,
    /// Wait between a lost connection and the next attempt.
    pub reconnect_delay: Duration,
    tracker: GpsdTracker,
}

impl Default for GpsdClient {
    fn default() -> Self {
        GpsdClient::new(DEFAULT_ADDR)
    }
}

impl GpsdClient {
    /// A client of gpsd at `addr` (`host:port`), retrying every second.
    pub fn new(addr: impl Into<String>) -> GpsdClient {
        GpsdClient {
            addr: addr.into(),
            reconnect_delay: Duration::from_secs(1),
            tracker: GpsdTracker::new(),
        }
    }

    /// The current snapshot.
    pub fn state(&self) -> GnssState {
        self.tracker.state()
    }

    /// One session: connect, start watching, publish after every report until gpsd closes
    /// the connection (`Ok`) or an IO error (`Err`). `Ok` also when no receiver is left.
    pub async fn run_once(&mut self, tx: &watch::Sender<GnssState>) -> Result<(), GnssError> {
        let r = self.session(tx).await;
        if let Err(e) = &r {
            self.tracker.reject(e);
        }
        self.tracker.lost();
        tx.send_replace(self.tracker.state());
        r
    }

    async fn session(&mut self, tx: &watch::Sender<GnssState>) -> Result<(), GnssError> {
        let mut stream = TcpStream::connect(&self.addr)
            .await
            .map_err(|e| GnssError::io("connecting to gpsd", &e))?;
        stream
            .write_all(WATCH_COMMAND)
            .await
            .map_err(|e| GnssError::io("sending WATCH to gpsd", &e))?;
        let mut lines = LineReader::new(BufReader::new(stream), MAX_LINE_LEN);
        loop {
            let now = Instant::now();
            match lines
                .next_line()
                .await
                .map_err(|e| GnssError::io("reading from gpsd", &e))?
            {
                None => return Ok(()),
                Some(Line::Complete(line)) => {
                    let _ = self.tracker.feed_line(line, now);
                }
                Some(Line::TooLong(len)) => self.tracker.reject(&GnssError::Gpsd {
                    class: "report",
                    reason: format!("line of {len} bytes is longer than {MAX_LINE_LEN}"),
                }),
            }
            if tx.send(self.tracker.state()).is_err() {
                return Ok(());
            }
        }
    }

    /// Sessions one after another, [`GpsdClient::reconnect_delay`] apart, until no receiver
    /// is left. Errors are counted in the snapshot's stats, not returned.
    pub async fn run(mut self, tx: &watch::Sender<GnssState>) -> Result<(), GnssError> {
        loop {
            tokio::select! {
                _ = self.run_once(tx) => {}
                () = tx.closed() => return Ok(()),
            }
            tokio::select! {
                () = tokio::time::sleep(self.reconnect_delay) => {}
                () = tx.closed() => return Ok(()),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::gnss::RejectReason;
    use proptest::prelude::*;
    use std::time::UNIX_EPOCH;

    const TPV: &str = r#"{"class":"TPV","device":"/dev/ttyUSB0","status":2,"mode":3,"time":"2024-12-31T23:59:59.500Z","ept":0.005,"lat":39.908700000,"lon":116.397500000,"altHAE":36.500,"altMSL":44.500,"alt":44.500,"epx":1.523,"epy":1.871,"epv":3.2,"track":271.5,"speed":0.012,"climb":0.0,"eps":3.05,"geoidSep":-8.000}"#;

    const SKY: &str = r#"{"class":"SKY","device":"/dev/ttyUSB0","xdop":0.5,"ydop":0.6,"vdop":1.00,"tdop":0.8,"hdop":0.70,"gdop":1.6,"pdop":1.20,"nSat":5,"uSat":3,"satellites":[{"PRN":5,"gnssid":0,"svid":5,"el":45.0,"az":123.0,"ss":42.0,"used":true},{"PRN":13,"gnssid":0,"svid":13,"el":60.0,"az":45.0,"ss":44.0,"used":false},{"PRN":401,"gnssid":3,"svid":1,"el":45.0,"az":123.0,"ss":42.0,"used":true},{"PRN":403,"gnssid":3,"svid":3,"el":30.0,"az":300.0,"ss":38.0,"used":true},{"PRN":65,"gnssid":6,"svid":1,"el":10.0,"az":10.0,"ss":0.0}]}"#;

    #[test]
    fn tpv_and_sky() {
        let mut t = GpsdTracker::new();
        let now = Instant::now();
        assert_eq!(t.feed_line(TPV.as_bytes(), now), Ok(GpsdReport::Tpv));
        let s = t.state();
        assert!(s.valid);
        assert_eq!(s.fix_mode, Some(FixMode::ThreeDimensional));
        assert_eq!(s.fix_quality, Some(FixQuality::Differential));
        // 2024-12-31T23:59:59.5Z: 20 088 days * 86 400 + 86 399.5 s.
        assert_eq!(
            s.utc,
            Some(UNIX_EPOCH + Duration::from_millis(20_088 * 86_400_000 + 86_399_500))
        );
        let p = s.position.unwrap();
        assert_eq!((p.latitude_deg, p.longitude_deg), (39.9087, 116.3975));
        assert_eq!(
            (p.altitude_hae_m, p.altitude_msl_m),
            (Some(36.5), Some(44.5))
        );
        assert_eq!(
            (s.longitude_error_m, s.latitude_error_m),
            (Some(1.523), Some(1.871))
        );
        assert_eq!((s.speed_mps, s.course_deg), (Some(0.012), Some(271.5)));
        assert_eq!(s.received_at, Some(now));

        assert_eq!(t.feed_line(SKY.as_bytes(), now), Ok(GpsdReport::Sky));
        let s = t.state();
        assert_eq!(s.satellites_in_use, Some(3));
        assert_eq!(s.used.get(Constellation::Gps), 1);
        assert_eq!(s.used.get(Constellation::BeiDou), 2);
        assert_eq!(s.in_view.get(Constellation::Gps), 2);
        assert_eq!(s.in_view.get(Constellation::BeiDou), 2);
        assert_eq!(s.in_view.get(Constellation::Glonass), 1);
        assert_eq!(s.used.get(Constellation::Glonass), 0);
        assert_eq!((s.hdop, s.pdop, s.vdop), (Some(0.7), Some(1.2), Some(1.0)));

        // A SKY with only DOPs keeps the satellite counts.
        let dops = r#"{"class":"SKY","hdop":0.9}"#;
        assert_eq!(t.feed_line(dops.as_bytes(), now), Ok(GpsdReport::Sky));
        assert_eq!(t.state().hdop, Some(0.9));
        assert_eq!(t.state().used.get(Constellation::BeiDou), 2);
        assert_eq!(t.state().stats.accepted, 3);
    }

    #[test]
    fn tolerant_of_missing_fields_and_other_classes() {
        let mut t = GpsdTracker::new();
        let now = Instant::now();
        for line in [
            r#"{"class":"VERSION","release":"3.22","rev":"3.22","proto_major":3,"proto_minor":14}"#,
            r#"{"class":"DEVICES","devices":[{"class":"DEVICE","path":"/dev/ttyUSB0"}]}"#,
            r#"{"class":"WATCH","enable":true,"json":true}"#,
            r#"{"class":"PPS","device":"/dev/pps0"}"#,
        ] {
            assert_eq!(t.feed_line(line.as_bytes(), now), Ok(GpsdReport::Ignored));
        }
        assert_eq!(t.state().stats.ignored, 4);
        // No fix yet: mode 1 and nothing else.
        assert_eq!(
            t.feed_line(br#"{"class":"TPV","mode":1}"#, now),
            Ok(GpsdReport::Tpv)
        );
        let s = t.state();
        assert!(!s.valid);
        assert_eq!(s.fix_quality, Some(FixQuality::Invalid));
        assert_eq!((s.position, s.utc), (None, None));
        // Older gpsd: "alt" only, no "status"; HAE from MSL + geoid separation.
        let old =
            br#"{"class":"TPV","mode":2,"lat":-33.5,"lon":-70.25,"alt":100.0,"geoidSep":25.0}"#;
        assert_eq!(t.feed_line(old, now), Ok(GpsdReport::Tpv));
        let s = t.state();
        assert!(s.valid);
        assert_eq!(s.fix_quality, Some(FixQuality::Autonomous));
        let p = s.position.unwrap();
        assert_eq!(
            (p.altitude_msl_m, p.altitude_hae_m),
            (Some(100.0), Some(125.0))
        );
        assert_eq!(
            t.feed_line(br#"{"class":"SKY","satellites":[{"used":true},{}]}"#, now),
            Ok(GpsdReport::Sky)
        );
        assert_eq!(t.state().satellites_in_use, Some(1));
        assert_eq!(t.state().in_view.total(), 0);
        t.lost();
        assert!(!t.state().valid);
        assert!(t.state().position.is_some());
    }

    #[test]
    fn rejections() {
        let mut t = GpsdTracker::new();
        let now = Instant::now();
        let gpsd = |class, reason: &str| {
            Err(GnssError::Gpsd {
                class,
                reason: reason.into(),
            })
        };
        assert_eq!(
            t.feed_line(
                br#"{"class":"TPV","mode":3,"time":"2024-12-31 23:59:59"}"#,
                now
            ),
            gpsd("TPV", "time is not ISO 8601 UTC")
        );
        assert_eq!(
            t.feed_line(br#"{"class":"TPV","mode":3,"lat":91.0,"lon":0.0}"#, now),
            gpsd("TPV", "lat/lon out of range")
        );
        assert_eq!(
            t.feed_line(br#"{"class":"TPV","mode":3,"lat":9.0}"#, now),
            gpsd("TPV", "lat without lon or lon without lat")
        );
        assert_eq!(
            t.feed_line(br#"{"class":"TPV","mode":4}"#, now),
            gpsd("TPV", "mode is not 0..=3")
        );
        assert_eq!(
            t.feed_line(br#"{"class":"TPV","mode":3,"speed":-1.0}"#, now),
            gpsd("TPV", "speed is negative")
        );
        assert_eq!(
            t.feed_line(
                br#"{"class":"ERROR","message":"Unrecognized request"}"#,
                now
            ),
            gpsd("ERROR", "Unrecognized request")
        );
        for bad in [
            &br#"{"class":"TPV","lat":"39.9"}"#[..],
            br#"{"class":"SKY","satellites":{}}"#,
            br#"{"mode":3}"#,
            br#"not json"#,
            br#"[1,2]"#,
            b"\xff\xfe",
            br#"{"class":"TPV","mode":3"#,
        ] {
            assert!(
                matches!(t.feed_line(bad, now), Err(GnssError::Gpsd { .. })),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let s = t.state();
        assert_eq!(s.stats.rejected.get(RejectReason::Gpsd), 13);
        assert_eq!(s.stats.accepted, 0);
        assert_eq!(s.position, None);
        assert!(!s.valid);
    }

    proptest! {
        #[test]
        fn arbitrary_lines_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut t = GpsdTracker::new();
            let _ = t.feed_line(&data, Instant::now());
        }

        #[test]
        fn arbitrary_tpv_values_never_panic(
            mode in any::<u8>(),
            status in any::<u8>(),
            lat in any::<f64>(),
            lon in any::<f64>(),
            speed in any::<f64>(),
            time in "\\PC{0,30}",
        ) {
            let v = serde_json::json!({
                "class": "TPV", "mode": mode, "status": status, "lat": lat, "lon": lon,
                "speed": speed, "time": time,
            });
            let line = serde_json::to_vec(&v).unwrap();
            let mut t = GpsdTracker::new();
            if t.feed_line(&line, Instant::now()).is_ok() && let Some(p) = t.state().position {
                prop_assert!((-90.0..=90.0).contains(&p.latitude_deg));
                prop_assert!((-180.0..=180.0).contains(&p.longitude_deg));
            }
        }
    }
}
