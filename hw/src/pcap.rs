//! Classic pcap files (the libpcap format, magic `a1b2c3d4`, version 2.4) of radio frames,
//! as Ethernet II (link type 1, what a Linux OCB netdev capture shows) or as radiotap +
//! 802.11 (link type 127, what a monitor interface shows, with channel, rate and power).
//!
//! The writer is what the capture wrapper and the tests use to hand frames to tshark; the
//! reader reads such files back (ours or anyone's) for tests and the `rsu frame` command.

use std::io::{self, Read, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::channels::centre_mhz;
use crate::radio::DataRate;
use crate::wire::{EtherType, EthernetRepr, MacAddr};

/// Magic number of a microsecond-resolution pcap file, as written in the file's byte order.
pub const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
/// Magic number of a nanosecond-resolution pcap file.
pub const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
/// Longest record we write; longer frames are cut and keep their original length.
pub const SNAPLEN: u32 = 65_535;
/// Global header: magic, version 2.4, thiszone, sigfigs, snaplen, link type.
pub const GLOBAL_HEADER_LEN: usize = 24;
/// Record header: seconds, sub-second, captured length, original length.
pub const RECORD_HEADER_LEN: usize = 16;
/// The longest record the reader accepts whatever the file's snaplen claims, so that a corrupt
/// length cannot make it allocate gigabytes (libpcap's own limit for most link types).
pub const MAX_RECORD_LEN: u32 = 262_144;

/// The link-layer header type of a pcap file (tcpdump.org LINKTYPE_ values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// LINKTYPE_ETHERNET (1): Ethernet II frames without FCS.
    Ethernet,
    /// LINKTYPE_IEEE802_11_RADIOTAP (127): a radiotap header, then an 802.11 frame.
    Radiotap,
}

impl LinkType {
    /// The number in the pcap global header.
    pub const fn dlt(self) -> u32 {
        match self {
            LinkType::Ethernet => 1,
            LinkType::Radiotap => 127,
        }
    }

    /// The link type of a pcap header number, if it is one we read.
    pub const fn from_dlt(dlt: u32) -> Option<LinkType> {
        match dlt {
            1 => Some(LinkType::Ethernet),
            127 => Some(LinkType::Radiotap),
            _ => None,
        }
    }
}

/// A frame as it went on or came off the air, with the PHY facts a radiotap header can carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedFrame {
    pub dst: MacAddr,
    pub src: MacAddr,
    pub ethertype: EtherType,
    pub payload: Bytes,
    /// 5 GHz channel number, if known.
    pub channel: Option<u8>,
    /// Channel width in MHz; `None` takes [`default_width_mhz`] of the channel.
    pub width_mhz: Option<u8>,
    pub rate: Option<DataRate>,
    /// Transmit power in dBm, if known (TX frames).
    pub power_dbm: Option<i8>,
    /// Received signal strength in dBm, if known (RX frames).
    pub signal_dbm: Option<i8>,
    /// 802.11 user priority 0..=7, carried as the QoS TID.
    pub user_priority: u8,
}

impl CapturedFrame {
    /// A frame with no PHY facts: only what an Ethernet capture shows.
    pub fn ethernet(dst: MacAddr, src: MacAddr, ethertype: EtherType, payload: Bytes) -> Self {
        CapturedFrame {
            dst,
            src,
            ethertype,
            payload,
            channel: None,
            width_mhz: None,
            rate: None,
            power_dbm: None,
            signal_dbm: None,
            user_priority: 0,
        }
    }

    /// The Ethernet II bytes: destination, source, EtherType, payload.
    pub fn to_ethernet(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(14 + self.payload.len());
        let header = EthernetRepr {
            dst: self.dst,
            src: self.src,
            ethertype: self.ethertype,
        };
        out.extend_from_slice(&header.header_bytes());
        out.extend_from_slice(&self.payload);
        out
    }

    /// The radiotap header followed by the 802.11 QoS Data frame (without FCS) that an OCB
    /// station sends for this frame, with `sequence` (12 bits) in its Sequence Control.
    pub fn to_radiotap(&self, sequence: u16) -> Vec<u8> {
        let mut out = radiotap_header(self);
        out.reserve(QOS_DATA_HEADER_LEN + LLC_SNAP_LEN + self.payload.len());
        // IEEE 802.11-2020 §9.3.2.1: Frame Control 0x0088 (type Data, subtype QoS Data, no
        // DS bits: OCB frames go neither to nor from a DS), little-endian on the air.
        out.extend_from_slice(&[0x88, 0x00]);
        // Duration: zero, as the capture of a group-addressed frame shows.
        out.extend_from_slice(&[0x00, 0x00]);
        out.extend_from_slice(&self.dst.0);
        out.extend_from_slice(&self.src.0);
        // Outside a BSS the BSSID is the wildcard (§11.19, dot11OCBActivated).
        out.extend_from_slice(&MacAddr::BROADCAST.0);
        // Sequence Control: fragment number 0 in bits 0-3, sequence number in bits 4-15.
        out.extend_from_slice(&((sequence & 0x0fff) << 4).to_le_bytes());
        // QoS Control: TID = user priority in bits 0-3; ack policy 0 and no A-MSDU.
        out.extend_from_slice(&[self.user_priority & 0x07, 0x00]);
        // RFC 1042 LLC/SNAP: DSAP aa, SSAP aa, UI 03, OUI 00-00-00, then the EtherType.
        out.extend_from_slice(&[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00]);
        out.extend_from_slice(&self.ethertype.0.to_be_bytes());
        out.extend_from_slice(&self.payload);
        out
    }
}

/// 802.11 QoS Data MAC header: FC 2, duration 2, three addresses 18, sequence 2, QoS 2.
pub const QOS_DATA_HEADER_LEN: usize = 26;
/// RFC 1042 LLC/SNAP header in front of the EtherType and payload.
pub const LLC_SNAP_LEN: usize = 8;

/// The width of a 5 GHz channel when nothing says otherwise: 10 MHz for the even ITS channels
/// 172–184 (802.11p), 20 MHz for the rest (C-V2X 183, and 175/181 where 20 MHz pairs exist).
pub const fn default_width_mhz(channel: u8) -> u8 {
    if channel >= 172 && channel <= 184 && channel.is_multiple_of(2) {
        10
    } else {
        20
    }
}

/// Radiotap present bits (radiotap.org "defined fields").
const RT_FLAGS: u32 = 1 << 1;
const RT_RATE: u32 = 1 << 2;
const RT_CHANNEL: u32 = 1 << 3;
const RT_DBM_ANTSIGNAL: u32 = 1 << 5;
const RT_DBM_TX_POWER: u32 = 1 << 10;
/// Channel flags: OFDM (0x0040) | 5 GHz spectrum (0x0100).
const RT_CHAN_OFDM_5GHZ: u16 = 0x0140;
/// Channel flag: half rate, i.e. a 10 MHz channel.
const RT_CHAN_HALF_RATE: u16 = 0x4000;

/// A radiotap header (version 0) with the fields the frame knows, in present-bit order, each
/// aligned to its natural size counted from the start of the header (radiotap's rule).
fn radiotap_header(frame: &CapturedFrame) -> Vec<u8> {
    let mut h = vec![0u8; 8];
    let mut present = RT_FLAGS;
    // Flags: 0x10 ("frame includes FCS") stays clear because we write no FCS.
    h.push(0x00);
    if let Some(rate) = frame.rate {
        present |= RT_RATE;
        h.push(rate.0);
    }
    if let Some(channel) = frame.channel {
        present |= RT_CHANNEL;
        if !h.len().is_multiple_of(2) {
            h.push(0);
        }
        let width = frame.width_mhz.unwrap_or(default_width_mhz(channel));
        let flags = if width == 10 {
            RT_CHAN_OFDM_5GHZ | RT_CHAN_HALF_RATE
        } else {
            RT_CHAN_OFDM_5GHZ
        };
        h.extend_from_slice(&centre_mhz(channel).to_le_bytes());
        h.extend_from_slice(&flags.to_le_bytes());
    }
    if let Some(signal) = frame.signal_dbm {
        present |= RT_DBM_ANTSIGNAL;
        h.extend_from_slice(&signal.to_le_bytes());
    }
    if let Some(power) = frame.power_dbm {
        present |= RT_DBM_TX_POWER;
        h.extend_from_slice(&power.to_le_bytes());
    }
    let len = h.len() as u16;
    h[2..4].copy_from_slice(&len.to_le_bytes());
    h[4..8].copy_from_slice(&present.to_le_bytes());
    h
}

/// Writes a classic pcap file: microsecond timestamps, snaplen 65535, little-endian.
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    link: LinkType,
    /// 802.11 sequence number of the next radiotap frame: we are not the station that
    /// numbered the frame on the air, so the capture numbers them in its own order.
    sequence: u16,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the global header and returns the writer.
    pub fn new(mut out: W, link: LinkType) -> io::Result<Self> {
        let mut header = [0u8; GLOBAL_HEADER_LEN];
        header[0..4].copy_from_slice(&MAGIC_MICROS.to_le_bytes());
        header[4..6].copy_from_slice(&2u16.to_le_bytes());
        header[6..8].copy_from_slice(&4u16.to_le_bytes());
        // thiszone and sigfigs stay 0: timestamps are UTC.
        header[16..20].copy_from_slice(&SNAPLEN.to_le_bytes());
        header[20..24].copy_from_slice(&link.dlt().to_le_bytes());
        out.write_all(&header)?;
        Ok(PcapWriter {
            out,
            link,
            sequence: 0,
        })
    }

    pub fn link_type(&self) -> LinkType {
        self.link
    }

    /// Appends one frame in the file's link type, in a single `write_all` so that a buffered
    /// or shared writer never holds half a record.
    pub fn write_frame(&mut self, timestamp: SystemTime, frame: &CapturedFrame) -> io::Result<()> {
        let data = match self.link {
            LinkType::Ethernet => frame.to_ethernet(),
            LinkType::Radiotap => {
                let bytes = frame.to_radiotap(self.sequence);
                self.sequence = (self.sequence + 1) & 0x0fff;
                bytes
            }
        };
        self.write_record(timestamp, &data)
    }

    /// Appends one record of link-layer bytes as they are, cut to the snaplen.
    pub fn write_record(&mut self, timestamp: SystemTime, data: &[u8]) -> io::Result<()> {
        // Before 1970 (a clock not yet set) is written as the epoch; after 2106 wraps: the
        // format has 32-bit seconds.
        let since = timestamp
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        let orig_len = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let incl_len = orig_len.min(SNAPLEN);
        let kept = data.get(..incl_len as usize).unwrap_or(data);
        let mut record = Vec::with_capacity(RECORD_HEADER_LEN + kept.len());
        record.extend_from_slice(&(since.as_secs() as u32).to_le_bytes());
        record.extend_from_slice(&since.subsec_micros().to_le_bytes());
        record.extend_from_slice(&incl_len.to_le_bytes());
        record.extend_from_slice(&orig_len.to_le_bytes());
        record.extend_from_slice(kept);
        self.out.write_all(&record)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    pub fn get_ref(&self) -> &W {
        &self.out
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write + Send + 'static> PcapWriter<W> {
    /// The same writer with its output type erased, so captures of different kinds of
    /// output can share one type.
    pub fn boxed(self) -> PcapWriter<Box<dyn Write + Send>> {
        PcapWriter {
            out: Box::new(self.out),
            link: self.link,
            sequence: self.sequence,
        }
    }
}

/// Why a pcap file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PcapError {
    #[error("pcap: read failed: {0}")]
    Io(#[from] io::Error),
    /// The first four bytes are not a classic pcap magic number in either byte order
    /// (a pcapng file starts with 0a 0d 0d 0a).
    #[error("pcap: bad magic number {0:#010x}: not a classic pcap file (pcapng is not read)")]
    BadMagic(u32),
    #[error("pcap: version {major}.{minor} is not supported (only 2.4)")]
    UnsupportedVersion { major: u16, minor: u16 },
    #[error("pcap: link type {0} is not supported (1 = Ethernet, 127 = radiotap)")]
    UnsupportedLinkType(u32),
    /// The file ends inside a header or a record.
    #[error("pcap: truncated: {what} at byte {offset} needs {needed} bytes, {available} left")]
    Truncated {
        what: &'static str,
        offset: u64,
        needed: usize,
        available: usize,
    },
    /// A record claims more bytes than any sane capture holds.
    #[error(
        "pcap: record at byte {offset} claims {incl_len} bytes (snaplen {snaplen}, limit {MAX_RECORD_LEN})"
    )]
    RecordTooLong {
        offset: u64,
        incl_len: u32,
        snaplen: u32,
    },
    /// A record claims to hold more bytes than the original frame had.
    #[error("pcap: record at byte {offset} holds {incl_len} bytes of a {orig_len}-byte frame")]
    LengthMismatch {
        offset: u64,
        incl_len: u32,
        orig_len: u32,
    },
}

/// One record of a pcap file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcapRecord {
    pub timestamp: SystemTime,
    /// The link-layer bytes (an Ethernet II frame in an Ethernet file), perhaps cut short.
    pub data: Vec<u8>,
    /// The frame's length on the wire; more than `data.len()` if the capture cut it.
    pub orig_len: u32,
}

/// Reads a classic pcap file of either byte order and either timestamp resolution.
#[derive(Debug)]
pub struct PcapReader<R: Read> {
    input: R,
    big_endian: bool,
    nanos: bool,
    link: LinkType,
    snaplen: u32,
    offset: u64,
    done: bool,
}

impl<R: Read> PcapReader<R> {
    /// Reads and checks the global header.
    pub fn new(mut input: R) -> Result<Self, PcapError> {
        let mut header = [0u8; GLOBAL_HEADER_LEN];
        let got = read_full(&mut input, &mut header)?;
        // Check the magic first, so a short non-pcap file says "bad magic", not "truncated".
        if got >= 4 {
            let magic = [header[0], header[1], header[2], header[3]];
            magic_order(magic).ok_or(PcapError::BadMagic(u32::from_be_bytes(magic)))?;
        }
        if got < GLOBAL_HEADER_LEN {
            return Err(PcapError::Truncated {
                what: "global header",
                offset: 0,
                needed: GLOBAL_HEADER_LEN,
                available: got,
            });
        }
        let magic = [header[0], header[1], header[2], header[3]];
        let (big_endian, nanos) =
            magic_order(magic).ok_or(PcapError::BadMagic(u32::from_be_bytes(magic)))?;
        let u16_at = |i: usize| {
            let b = [header[i], header[i + 1]];
            if big_endian {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            }
        };
        let u32_at = |i: usize| read_u32(&header[i..i + 4], big_endian);
        let (major, minor) = (u16_at(4), u16_at(6));
        if (major, minor) != (2, 4) {
            return Err(PcapError::UnsupportedVersion { major, minor });
        }
        let snaplen = u32_at(16);
        // The upper bits of the link-type word carry FCS length and class flags
        // (draft-ietf-opsawg-pcap); the type itself is the low 16 bits.
        let dlt = u32_at(20) & 0xffff;
        let link = LinkType::from_dlt(dlt).ok_or(PcapError::UnsupportedLinkType(dlt))?;
        Ok(PcapReader {
            input,
            big_endian,
            nanos,
            link,
            snaplen,
            offset: GLOBAL_HEADER_LEN as u64,
            done: false,
        })
    }

    pub fn link_type(&self) -> LinkType {
        self.link
    }

    pub fn snaplen(&self) -> u32 {
        self.snaplen
    }

    /// The next record, `None` at a clean end of file. After an error it returns `None`.
    pub fn next_record(&mut self) -> Result<Option<PcapRecord>, PcapError> {
        if self.done {
            return Ok(None);
        }
        let result = self.read_record();
        if !matches!(result, Ok(Some(_))) {
            self.done = true;
        }
        result
    }

    fn read_record(&mut self) -> Result<Option<PcapRecord>, PcapError> {
        let at = self.offset;
        let mut header = [0u8; RECORD_HEADER_LEN];
        let got = read_full(&mut self.input, &mut header)?;
        if got == 0 {
            return Ok(None);
        }
        if got < RECORD_HEADER_LEN {
            return Err(PcapError::Truncated {
                what: "record header",
                offset: at,
                needed: RECORD_HEADER_LEN,
                available: got,
            });
        }
        let be = self.big_endian;
        let secs = read_u32(&header[0..4], be);
        let frac = read_u32(&header[4..8], be);
        let incl_len = read_u32(&header[8..12], be);
        let orig_len = read_u32(&header[12..16], be);
        // Records longer than the file's snaplen are tolerated (some writers get it wrong),
        // up to the fixed limit.
        if incl_len > MAX_RECORD_LEN {
            return Err(PcapError::RecordTooLong {
                offset: at,
                incl_len,
                snaplen: self.snaplen,
            });
        }
        if incl_len > orig_len {
            return Err(PcapError::LengthMismatch {
                offset: at,
                incl_len,
                orig_len,
            });
        }
        let mut data = vec![0u8; incl_len as usize];
        let got = read_full(&mut self.input, &mut data)?;
        if got < data.len() {
            return Err(PcapError::Truncated {
                what: "record data",
                offset: at + RECORD_HEADER_LEN as u64,
                needed: data.len(),
                available: got,
            });
        }
        self.offset = at + (RECORD_HEADER_LEN + data.len()) as u64;
        // A sub-second field past one second is out of spec; carrying it over keeps the
        // timestamp monotonic with its neighbours instead of refusing the record.
        let sub = if self.nanos {
            Duration::from_nanos(u64::from(frac))
        } else {
            Duration::from_micros(u64::from(frac))
        };
        let timestamp = UNIX_EPOCH + Duration::from_secs(u64::from(secs)) + sub;
        Ok(Some(PcapRecord {
            timestamp,
            data,
            orig_len,
        }))
    }
}

impl<R: Read> Iterator for PcapReader<R> {
    type Item = Result<PcapRecord, PcapError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}

/// (big-endian, nanosecond) for a magic number as it appears in the file.
fn magic_order(magic: [u8; 4]) -> Option<(bool, bool)> {
    match (u32::from_le_bytes(magic), u32::from_be_bytes(magic)) {
        (MAGIC_MICROS, _) => Some((false, false)),
        (MAGIC_NANOS, _) => Some((false, true)),
        (_, MAGIC_MICROS) => Some((true, false)),
        (_, MAGIC_NANOS) => Some((true, true)),
        _ => None,
    }
}

fn read_u32(b: &[u8], big_endian: bool) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(b);
    if big_endian {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    }
}

/// Fills `buf` as far as the input goes; returns how many bytes were read (less than
/// `buf.len()` only at end of input).
fn read_full<R: Read>(input: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let Some(rest) = buf.get_mut(filled..) else {
            break;
        };
        match input.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(secs: u64, micros: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_micros(micros)
    }

    fn spat_like() -> CapturedFrame {
        CapturedFrame {
            channel: Some(172),
            rate: Some(DataRate(12)),
            power_dbm: Some(20),
            user_priority: 5,
            ..CapturedFrame::ethernet(
                MacAddr::BROADCAST,
                MacAddr([0x02, 0x00, 0x00, 0xc0, 0xff, 0xee]),
                EtherType::WSMP,
                Bytes::from_static(&[0x0b]),
            )
        }
    }

    #[test]
    fn ethernet_file_bytes_by_hand() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::Ethernet).unwrap();
        w.write_frame(at(1_700_000_000, 123_456), &spat_like())
            .unwrap();
        let out = w.into_inner();
        #[rustfmt::skip]
        let expected = [
            // Global header, little-endian: magic a1b2c3d4, version 2.4, thiszone 0,
            // sigfigs 0, snaplen 65535 = 0x0000ffff, link type 1.
            0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0xff, 0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
            // Record: 1_700_000_000 s = 0x6553f100, 123456 µs = 0x0001e240, 15 bytes kept
            // of 15.
            0x00, 0xf1, 0x53, 0x65, 0x40, 0xe2, 0x01, 0x00,
            0x0f, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00,
            // Ethernet II: broadcast, 02:00:00:c0:ff:ee, 0x88dc, payload 0b.
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0xc0, 0xff, 0xee,
            0x88, 0xdc, 0x0b,
        ];
        assert_eq!(out, expected);
    }

    #[test]
    fn radiotap_frame_bytes_by_hand() {
        let bytes = spat_like().to_radiotap(0x123);
        #[rustfmt::skip]
        let expected = [
            // Radiotap version 0, pad 0, length 15 (8 + flags 1 + rate 1 + channel 4 +
            // tx power 1), present = flags 0x2 | rate 0x4 | channel 0x8 | dBm tx power 0x400.
            0x00, 0x00, 0x0f, 0x00, 0x0e, 0x04, 0x00, 0x00,
            // Flags 0 (no FCS), rate 12 x 500 kb/s.
            0x00, 0x0c,
            // Channel at offset 10 (2-aligned): 5860 MHz = 0x16e4, flags 0x4140 =
            // OFDM 0x40 | 5 GHz 0x100 | half rate 0x4000.
            0xe4, 0x16, 0x40, 0x41,
            // TX power 20 dBm.
            0x14,
            // QoS Data: FC 88 00, duration 0, DA, SA, BSSID wildcard.
            0x88, 0x00, 0x00, 0x00,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0x02, 0x00, 0x00, 0xc0, 0xff, 0xee,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            // Sequence control 0x123 << 4 = 0x1230, little-endian; QoS control TID 5.
            0x30, 0x12, 0x05, 0x00,
            // LLC/SNAP + EtherType 0x88dc, payload 0b.
            0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x88, 0xdc, 0x0b,
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn radiotap_aligns_the_channel_field_and_marks_20_mhz_channels() {
        let frame = CapturedFrame {
            channel: Some(183),
            signal_dbm: Some(-60),
            user_priority: 0x0f,
            ..CapturedFrame::ethernet(
                MacAddr([0x02, 1, 2, 3, 4, 5]),
                MacAddr([0x02, 6, 7, 8, 9, 10]),
                EtherType::GEONETWORKING,
                Bytes::new(),
            )
        };
        let bytes = frame.to_radiotap(0x1fff);
        #[rustfmt::skip]
        let header = [
            // Length 15: 8 + flags 1 + one pad byte so the channel starts at offset 10 +
            // channel 4 + antenna signal 1; present = 0x2 | 0x8 | 0x20 = 0x2a.
            0x00, 0x00, 0x0f, 0x00, 0x2a, 0x00, 0x00, 0x00,
            0x00, 0x00,
            // 5915 MHz = 0x171b; flags 0x0140 only (20 MHz, not half rate).
            0x1b, 0x17, 0x40, 0x01,
            // -60 dBm = 0xc4.
            0xc4,
        ];
        assert_eq!(bytes[..15], header);
        // Sequence number keeps 12 bits (0x1fff -> 0xfff -> 0xfff0); TID keeps 3 bits.
        assert_eq!(bytes[15 + 22..15 + 26], [0xf0, 0xff, 0x07, 0x00]);
        assert_eq!(bytes.len(), 15 + QOS_DATA_HEADER_LEN + LLC_SNAP_LEN);
        assert_eq!(default_width_mhz(172), 10);
        assert_eq!(default_width_mhz(184), 10);
        assert_eq!(default_width_mhz(175), 20);
        assert_eq!(default_width_mhz(170), 20);
    }

    #[test]
    fn radiotap_writer_numbers_frames() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::Radiotap).unwrap();
        for _ in 0..3 {
            w.write_frame(at(1, 0), &spat_like()).unwrap();
        }
        let out = w.into_inner();
        assert_eq!(out[20..24], [127, 0, 0, 0]);
        let mut r = PcapReader::new(&out[..]).unwrap();
        assert_eq!(r.link_type(), LinkType::Radiotap);
        for n in 0u16..3 {
            let rec = r.next_record().unwrap().unwrap();
            // Sequence control sits 22 bytes into the 802.11 header after the 15-byte radiotap.
            assert_eq!(rec.data[37..39], (n << 4).to_le_bytes());
        }
        assert!(r.next_record().unwrap().is_none());
    }

    #[test]
    fn written_files_read_back() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::Ethernet).unwrap();
        let frames: Vec<CapturedFrame> = (0..5u8)
            .map(|i| {
                CapturedFrame::ethernet(
                    MacAddr([2, 0, 0, 0, 0, i]),
                    MacAddr::local([i; 6]),
                    EtherType::GEONETWORKING,
                    Bytes::from(vec![i; usize::from(i) * 100]),
                )
            })
            .collect();
        for (i, f) in frames.iter().enumerate() {
            w.write_frame(at(1_000 + i as u64, 999_999), f).unwrap();
        }
        let out = w.into_inner();
        let records: Vec<PcapRecord> = PcapReader::new(&out[..])
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(records.len(), 5);
        for (i, (rec, f)) in records.iter().zip(&frames).enumerate() {
            assert_eq!(rec.timestamp, at(1_000 + i as u64, 999_999));
            assert_eq!(rec.data, f.to_ethernet());
            assert_eq!(rec.orig_len as usize, rec.data.len());
        }
    }

    #[test]
    fn oversized_frames_are_cut_to_the_snaplen() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::Ethernet).unwrap();
        w.write_record(at(0, 0), &vec![7u8; 70_000]).unwrap();
        let out = w.into_inner();
        let rec = PcapReader::new(&out[..])
            .unwrap()
            .next_record()
            .unwrap()
            .unwrap();
        assert_eq!(rec.data.len(), 65_535);
        assert_eq!(rec.orig_len, 70_000);
    }

    #[test]
    fn big_endian_and_nanosecond_files_are_read() {
        #[rustfmt::skip]
        let file = [
            // Big-endian nanosecond magic a1b23c4d, version 2.4, snaplen 65535, link 1.
            0xa1, 0xb2, 0x3c, 0x4d, 0x00, 0x02, 0x00, 0x04,
            0, 0, 0, 0, 0, 0, 0, 0,
            0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
            // 2 s + 500_000_001 ns = 0x1dcd6501; 14 of 20 bytes kept.
            0x00, 0x00, 0x00, 0x02, 0x1d, 0xcd, 0x65, 0x01,
            0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x14,
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x86, 0xdd,
        ];
        let mut r = PcapReader::new(&file[..]).unwrap();
        assert_eq!(r.link_type(), LinkType::Ethernet);
        assert_eq!(r.snaplen(), 65_535);
        let rec = r.next_record().unwrap().unwrap();
        assert_eq!(
            rec.timestamp,
            UNIX_EPOCH + Duration::from_secs(2) + Duration::from_nanos(500_000_001)
        );
        assert_eq!(rec.data, file[40..]);
        assert_eq!(rec.orig_len, 20);
        assert!(r.next_record().unwrap().is_none());
    }

    fn header(link: u32) -> Vec<u8> {
        let mut h = PcapWriter::new(Vec::new(), LinkType::Ethernet)
            .unwrap()
            .into_inner();
        h[20..24].copy_from_slice(&link.to_le_bytes());
        h
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        // A pcapng section header block starts 0a 0d 0d 0a.
        assert!(matches!(
            PcapReader::new(&[0x0a, 0x0d, 0x0d, 0x0a, 0, 0][..]),
            Err(PcapError::BadMagic(0x0a0d_0d0a))
        ));
        assert!(matches!(
            PcapReader::new(&header(1)[..10]),
            Err(PcapError::Truncated {
                what: "global header",
                offset: 0,
                needed: 24,
                available: 10
            })
        ));
        assert!(matches!(
            PcapReader::new(&[][..]),
            Err(PcapError::Truncated { available: 0, .. })
        ));
        let mut v = header(1);
        v[4] = 1;
        assert!(matches!(
            PcapReader::new(&v[..]),
            Err(PcapError::UnsupportedVersion { major: 1, minor: 4 })
        ));
        assert!(matches!(
            PcapReader::new(&header(105)[..]),
            Err(PcapError::UnsupportedLinkType(105))
        ));
        // Upper bits of the link-type word (FCS length) do not change the type.
        assert_eq!(
            PcapReader::new(&header(0x1000_0001)[..])
                .unwrap()
                .link_type(),
            LinkType::Ethernet
        );

        let mut w = PcapWriter::new(Vec::new(), LinkType::Ethernet).unwrap();
        w.write_record(at(5, 0), &[1, 2, 3, 4]).unwrap();
        let good = w.into_inner();
        // Cut inside the record header.
        let mut r = PcapReader::new(&good[..30]).unwrap();
        assert!(matches!(
            r.next_record(),
            Err(PcapError::Truncated {
                what: "record header",
                offset: 24,
                needed: 16,
                available: 6
            })
        ));
        assert!(r.next_record().unwrap().is_none());
        // Cut inside the data.
        let mut r = PcapReader::new(&good[..42]).unwrap();
        assert!(matches!(
            r.next_record(),
            Err(PcapError::Truncated {
                what: "record data",
                offset: 40,
                needed: 4,
                available: 2
            })
        ));
        // A record claiming 1 GiB.
        let mut huge = good.clone();
        huge[32..36].copy_from_slice(&0x4000_0000u32.to_le_bytes());
        huge[36..40].copy_from_slice(&0x4000_0000u32.to_le_bytes());
        assert!(matches!(
            PcapReader::new(&huge[..]).unwrap().next_record(),
            Err(PcapError::RecordTooLong {
                offset: 24,
                incl_len: 0x4000_0000,
                ..
            })
        ));
        // More kept than the frame had.
        let mut inconsistent = good.clone();
        inconsistent[36..40].copy_from_slice(&3u32.to_le_bytes());
        assert!(matches!(
            PcapReader::new(&inconsistent[..]).unwrap().next_record(),
            Err(PcapError::LengthMismatch {
                incl_len: 4,
                orig_len: 3,
                ..
            })
        ));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(r) = PcapReader::new(&bytes[..]) {
                for rec in r.take(100) {
                    let _ = rec;
                }
            }
        }

        #[test]
        fn arbitrary_bytes_after_a_valid_header_never_panic(
            tail in proptest::collection::vec(any::<u8>(), 0..200),
            big_endian in any::<bool>(),
        ) {
            let mut file = header(1);
            if big_endian {
                file[0..4].reverse();
                file[4..6].reverse();
                file[6..8].reverse();
                file[16..20].reverse();
                file[20..24].reverse();
            }
            file.extend_from_slice(&tail);
            let r = PcapReader::new(&file[..]).unwrap();
            prop_assert_eq!(r.link_type(), LinkType::Ethernet);
            for rec in r.take(100) {
                let _ = rec;
            }
        }

        #[test]
        fn ethernet_frames_round_trip(
            dst in any::<[u8; 6]>(),
            src in any::<[u8; 6]>(),
            ethertype in any::<u16>(),
            payload in proptest::collection::vec(any::<u8>(), 0..1500),
            secs in 0u32..u32::MAX,
            micros in 0u64..1_000_000,
        ) {
            let frame = CapturedFrame::ethernet(
                MacAddr(dst), MacAddr(src), EtherType(ethertype), Bytes::from(payload));
            let ts = at(u64::from(secs), micros);
            let mut w = PcapWriter::new(Vec::new(), LinkType::Ethernet).unwrap();
            w.write_frame(ts, &frame).unwrap();
            let out = w.into_inner();
            let mut r = PcapReader::new(&out[..]).unwrap();
            let rec = r.next_record().unwrap().unwrap();
            prop_assert_eq!(rec.timestamp, ts);
            prop_assert_eq!(&rec.data[..6], &dst[..]);
            prop_assert_eq!(&rec.data[6..12], &src[..]);
            prop_assert_eq!(&rec.data[12..14], &ethertype.to_be_bytes()[..]);
            prop_assert_eq!(&rec.data[14..], &frame.payload[..]);
            prop_assert!(r.next_record().unwrap().is_none());
        }
    }
}
