//! `rsu frame`: one message framed for the air (WSMP, GeoNetworking SHB or GBC with BTP-B, or
//! DSMP), written to a pcap file so a receiver under test can be fed hand-made frames.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use rsu_hw::pcap::{CapturedFrame, LinkType, PcapWriter};
use rsu_hw::wire::{
    Aid, BtpPort, BtpRepr, CommonNextHeader, DsmpRepr, EtherType, GeoNetworkingRepr, Lifetime,
    LongPositionVector, MacAddr, Timestamp, TrafficClass, WsmpRepr,
};
use rsu_hw::{DataRate, Psid};

use crate::input::{CoordError, tenth_microdegrees};
use crate::security_cli::{Failure, bad};

/// The network layer to frame with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Net {
    /// IEEE 1609.3 WSMP (EtherType 0x88DC).
    Wsmp,
    /// ETSI GeoNetworking single-hop broadcast + BTP-B (EtherType 0x8947).
    GnShb,
    /// ETSI GeoNetworking geo-broadcast to a circle + BTP-B.
    GnGbc,
    /// China's DSMP (EtherType 0x88B5 on our Ethernet framing; see `EtherType::DSMP`).
    Dsmp,
}

/// What `rsu frame` was asked for, as typed on the command line.
#[derive(Debug, Clone)]
pub struct FrameRequest {
    pub net: Net,
    pub psid: Option<String>,
    pub aid: Option<String>,
    pub btp_port: Option<u16>,
    pub channel: Option<u8>,
    pub rate_mbps: Option<f64>,
    pub power_dbm: Option<i8>,
    pub src: Option<String>,
    pub dst: Option<String>,
    /// `LAT,LON` in degrees: the GeoNetworking source position (and the GBC area's centre).
    pub position: Option<String>,
    /// GBC circle radius in metres.
    pub radius_m: Option<u16>,
    pub radiotap: bool,
    /// Unix time in seconds for the pcap timestamp and the GeoNetworking TST (default: now).
    pub at: Option<i64>,
}

/// The source address when none is given: locally administered, recognisably ours.
pub const DEFAULT_SRC: MacAddr = MacAddr([0x02, 0x00, 0x00, 0x52, 0x53, 0x55]);

/// Frames `payload`, writes it to `out` as a one-frame pcap, and describes what it wrote.
pub fn frame(req: &FrameRequest, payload: &[u8], out: &Path) -> Result<String, Failure> {
    let rate = req
        .rate_mbps
        .map(|m| {
            DataRate::from_mbps(m).ok_or_else(|| {
                bad(format!(
                    "--rate {m}: not a multiple of 0.5 Mb/s in 0.5..=127.5"
                ))
            })
        })
        .transpose()?;
    let src = parse_mac("--src", req.src.as_deref())?.unwrap_or(DEFAULT_SRC);
    let dst = parse_mac("--dst", req.dst.as_deref())?.unwrap_or(MacAddr::BROADCAST);
    if src.is_group() {
        return Err(bad(format!(
            "--src {src}: a source address cannot be a group address"
        )));
    }
    let when = match req.at {
        Some(s) => UNIX_EPOCH
            .checked_add(Duration::from_secs(
                u64::try_from(s).map_err(|_| bad("--at: before 1970"))?,
            ))
            .ok_or_else(|| bad("--at: out of range"))?,
        None => SystemTime::now(),
    };
    refuse_unused(req)?;

    let (ethertype, header, layers) = match req.net {
        Net::Wsmp => {
            let psid = Psid::parse(required(
                &req.psid,
                "--psid",
                "wsmp",
                "0x8002 for SPaT/MAP",
            )?)
            .map_err(|e| bad(format!("--psid: {e}")))?;
            let mut repr = WsmpRepr::new(psid, payload.len());
            repr.channel = req.channel;
            repr.rate = rate;
            repr.tx_power_dbm = req.power_dbm;
            let mut h = vec![0u8; repr.header_len()];
            repr.emit(&mut h).map_err(bad)?;
            let what = format!("WSMP PSID {psid} ({})", psid.value());
            (EtherType::WSMP, h, what)
        }
        Net::Dsmp => {
            let text = required(&req.aid, "--aid", "dsmp", "the application's AID")?;
            let aid = parse_aid(text)?;
            let mut repr = DsmpRepr::new(aid, payload.len());
            repr.channel = req.channel;
            repr.rate = rate;
            repr.tx_power_dbm = req.power_dbm;
            let mut h = vec![0u8; repr.header_len()];
            repr.emit(&mut h).map_err(bad)?;
            (EtherType::DSMP, h, format!("DSMP AID {}", u16::from(aid)))
        }
        Net::GnShb | Net::GnGbc => {
            let port = req.btp_port.ok_or_else(|| {
                bad("gn-shb and gn-gbc need --btp-port (e.g. 2004 for SPATEM, 2003 MAPEM, 2001 CAM)")
            })?;
            let text = required(&req.position, "--position", "gn-shb and gn-gbc", "LAT,LON")?;
            let (lat, lon) = parse_position(text)?;
            let tst = Timestamp::from_tai_millis(tai_millis(when));
            let source = LongPositionVector::rsu(src, tst, lat, lon);
            let btp = BtpRepr::B {
                dst_port: BtpPort(port),
                dst_port_info: 0,
            };
            let next = CommonNextHeader::for_btp(btp.kind());
            // Traffic class 2 is what the ETSI facilities give SPATEM/MAPEM; SCF off.
            let tc = TrafficClass::from_raw(0x02);
            let gn = match req.net {
                Net::GnShb => GeoNetworkingRepr::shb(source, next, tc),
                _ => GeoNetworkingRepr::gbc_circle(
                    0,
                    source,
                    lat,
                    lon,
                    req.radius_m.unwrap_or(500),
                    10,
                    next,
                    tc,
                ),
            };
            let pl = u16::try_from(btp.buffer_len(payload.len()))
                .map_err(|_| bad("payload longer than GeoNetworking's 16-bit payload length"))?;
            let gn = gn
                .with_lifetime(Lifetime::from_duration(Duration::from_secs(1)).map_err(bad)?)
                .with_payload_len(pl);
            let mut h = vec![0u8; gn.header_len() + btp.header_len()];
            let n = gn.emit(&mut h).map_err(bad)?;
            btp.emit(&mut h[n..]).map_err(bad)?;
            let kind = if req.net == Net::GnShb {
                "SHB"
            } else {
                "GBC circle"
            };
            (
                EtherType::GEONETWORKING,
                h,
                format!("GeoNetworking {kind} + BTP-B port {port}"),
            )
        }
    };

    let mut network = header;
    let header_len = network.len();
    network.extend_from_slice(payload);
    let captured = CapturedFrame {
        channel: req.channel,
        rate,
        power_dbm: req.power_dbm,
        ..CapturedFrame::ethernet(dst, src, ethertype, Bytes::from(network))
    };
    let link = if req.radiotap {
        LinkType::Radiotap
    } else {
        LinkType::Ethernet
    };
    let file = std::fs::File::create(out).map_err(|e| bad(format!("{}: {e}", out.display())))?;
    let mut writer = PcapWriter::new(std::io::BufWriter::new(file), link)
        .map_err(|e| bad(format!("{}: {e}", out.display())))?;
    writer
        .write_frame(when, &captured)
        .and_then(|()| writer.flush())
        .map_err(|e| bad(format!("{}: {e}", out.display())))?;
    Ok(format!(
        "wrote 1 frame to {}: {layers}, {header_len}-octet header + {}-octet payload, {} link type\n{}",
        out.display(),
        payload.len(),
        if req.radiotap { "radiotap" } else { "Ethernet" },
        hex::encode(captured.to_ethernet()),
    ))
}

/// Options that mean nothing for the chosen network layer are refused, not silently ignored.
fn refuse_unused(req: &FrameRequest) -> Result<(), Failure> {
    let gn = matches!(req.net, Net::GnShb | Net::GnGbc);
    let unused: [(bool, &str); 5] = [
        (
            req.psid.is_some() && req.net != Net::Wsmp,
            "--psid is for --net wsmp",
        ),
        (
            req.aid.is_some() && req.net != Net::Dsmp,
            "--aid is for --net dsmp",
        ),
        (
            req.btp_port.is_some() && !gn,
            "--btp-port is for --net gn-shb and gn-gbc",
        ),
        (
            req.position.is_some() && !gn,
            "--position is for --net gn-shb and gn-gbc",
        ),
        (
            req.radius_m.is_some() && req.net != Net::GnGbc,
            "--radius is for --net gn-gbc",
        ),
    ];
    match unused.iter().find(|(is, _)| *is) {
        Some((_, msg)) => Err(bad(msg)),
        None => Ok(()),
    }
}

fn required<'a>(
    value: &'a Option<String>,
    flag: &str,
    net: &str,
    example: &str,
) -> Result<&'a str, Failure> {
    value
        .as_deref()
        .ok_or_else(|| bad(format!("{net} needs {flag} ({example})")))
}

fn parse_mac(flag: &str, text: Option<&str>) -> Result<Option<MacAddr>, Failure> {
    text.map(|t| t.parse().map_err(|e| bad(format!("{flag}: {e}"))))
        .transpose()
}

/// An AID in decimal or `0x` hex (its value, not its 2-octet on-air form).
fn parse_aid(text: &str) -> Result<Aid, Failure> {
    let t = text.trim();
    let value = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => t.parse::<u32>(),
    }
    .map_err(|_| bad(format!("--aid {t:?}: not a decimal or 0x-hex number")))?;
    u16::try_from(value)
        .ok()
        .and_then(Aid::new)
        .ok_or_else(|| bad(format!("--aid {t}: DSMP AIDs are 0..=16511 (0x407f)")))
}

/// `LAT,LON` in degrees → tenths of a microdegree.
fn parse_position(text: &str) -> Result<(i32, i32), Failure> {
    let err = || bad(format!("--position {text:?}: expected LAT,LON in degrees"));
    let (lat, lon) = text.split_once(',').ok_or_else(err)?;
    tenth_microdegrees(lat, lon).map_err(|e| match e {
        CoordError::Syntax => err(),
        CoordError::Range => bad(format!(
            "--position {text}: latitude must be within ±90 and longitude within ±180 degrees"
        )),
    })
}

/// TAI milliseconds since 2004-01-01, the GeoNetworking timestamp's clock.
fn tai_millis(when: SystemTime) -> u64 {
    let unix_us = when
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    rsu_security::time::time64_from_unix_micros(unix_us) / 1000
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_aids() {
        assert_eq!(
            parse_position("47.6957100,8.5413").unwrap(),
            (476_957_100, 85_413_000)
        );
        assert_eq!(
            parse_position("-90,180").unwrap(),
            (-900_000_000, 1_800_000_000)
        );
        assert!(parse_position("91,0").is_err());
        assert!(parse_position("1;2").is_err());
        assert_eq!(u16::from(parse_aid("0x407f").unwrap()), 0x407F);
        assert_eq!(u16::from(parse_aid("17").unwrap()), 17);
        assert!(parse_aid("0x4080").is_err());
        assert!(parse_aid("x").is_err());
    }
}
