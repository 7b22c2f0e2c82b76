//! A radio wrapper that writes every frame sent and received to a pcap file, as Ethernet or
//! as radiotap + 802.11 (see [`crate::pcap`]), around any other radio.
//!
//! - Several captures may share one writer (one file for all the nodes of a loopback
//!   medium); it sits behind a `std::sync::Mutex`, held only while one record is written.
//! - Each record is flushed at once, so tshark or a test can read the file while the radio
//!   runs and a crash loses nothing. At an RSU's rates (tens of frames a second) that is one
//!   small write per frame; wrap files in a `BufWriter` so a record is one write.
//! - A write error never fails a send or a receive: it is counted, and the first one is
//!   reported on stderr.
//! - Timestamps: received frames carry their radio's (tokio) timestamp; sent frames are
//!   stamped when the radio accepted them. Both are converted to wall-clock time through one
//!   reference taken when the shared writer is made, the same for every capture writing to
//!   it, so delays between records are tokio's exact delays (also under a paused test
//!   clock), not wall-clock readings.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use tokio::time::Instant;

use crate::channels::ChannelConfig;
use crate::pcap::{CapturedFrame, LinkType, PcapWriter};
use crate::radio::{Radio, RadioError, RxFrame, TxFrame};
use crate::wire::MacAddr;

/// A pcap writer that captures share, with the one clock reference that stamps its records.
#[derive(Clone)]
pub struct SharedPcap {
    writer: Arc<Mutex<PcapWriter<Box<dyn Write + Send>>>>,
    /// Wall-clock time at a tokio instant. One per file: were it taken per capture, records
    /// of two captures made a moment apart would be offset by that moment.
    epoch: (SystemTime, Instant),
}

impl SharedPcap {
    /// The writer, locked (a poisoned lock is taken over: a record is written whole or not).
    pub fn lock(&self) -> std::sync::MutexGuard<'_, PcapWriter<Box<dyn Write + Send>>> {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wall_clock(&self, at: Instant) -> SystemTime {
        let (wall, reference) = self.epoch;
        if at >= reference {
            wall + (at - reference)
        } else {
            wall.checked_sub(reference - at).unwrap_or(wall)
        }
    }
}

/// Makes a writer shareable between captures.
pub fn shared<W: Write + Send + 'static>(writer: PcapWriter<W>) -> SharedPcap {
    SharedPcap {
        writer: Arc::new(Mutex::new(writer.boxed())),
        epoch: (SystemTime::now(), Instant::now()),
    }
}

/// Counters of a capture.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaptureStats {
    /// Frames written.
    pub captured: u64,
    /// Frames that could not be written.
    pub write_errors: u64,
}

/// Any radio, with its traffic written to a pcap file.
pub struct Capture<R: Radio> {
    inner: R,
    pcap: SharedPcap,
    channels: Option<ChannelConfig>,
    captured: AtomicU64,
    write_errors: AtomicU64,
    warned: AtomicBool,
}

impl<R: Radio> Capture<R> {
    /// Captures `inner`'s frames into `pcap`, in the writer's link type.
    pub fn new(inner: R, pcap: SharedPcap) -> Capture<R> {
        Capture {
            inner,
            pcap,
            channels: None,
            captured: AtomicU64::new(0),
            write_errors: AtomicU64::new(0),
            warned: AtomicBool::new(false),
        }
    }

    /// Captures `inner`'s frames into a new file at `path`.
    pub fn create(inner: R, path: &Path, link: LinkType) -> io::Result<Capture<R>> {
        let file = BufWriter::new(File::create(path)?);
        Ok(Capture::new(inner, shared(PcapWriter::new(file, link)?)))
    }

    /// The radio's channel configuration, so records of frames that name no channel show the
    /// one they go on, and radiotap records show each channel's width from the plan.
    pub fn with_channels(mut self, channels: ChannelConfig) -> Capture<R> {
        self.channels = Some(channels);
        self
    }

    pub fn inner(&self) -> &R {
        &self.inner
    }

    pub fn into_inner(self) -> R {
        self.inner
    }

    pub fn pcap(&self) -> &SharedPcap {
        &self.pcap
    }

    pub fn stats(&self) -> CaptureStats {
        CaptureStats {
            captured: self.captured.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
        }
    }

    fn width(&self, channel: Option<u8>) -> Option<u8> {
        let plan = self.channels?.plan();
        plan.get(channel?).ok().map(|c| c.width_mhz)
    }

    fn tx_record(&self, src: MacAddr, frame: &TxFrame) -> CapturedFrame {
        let channel = match self.channels {
            Some(c) => c.check_tx(frame.meta.channel).ok(),
            None => frame.meta.channel,
        };
        CapturedFrame {
            dst: frame.dst,
            src,
            ethertype: frame.ethertype,
            payload: frame.payload.clone(),
            channel,
            width_mhz: self.width(channel),
            rate: frame.meta.rate,
            power_dbm: frame.meta.power_dbm,
            signal_dbm: None,
            user_priority: frame.meta.user_priority,
        }
    }

    fn rx_record(&self, frame: &RxFrame) -> CapturedFrame {
        CapturedFrame {
            dst: frame.dst,
            src: frame.src,
            ethertype: frame.ethertype,
            payload: frame.payload.clone(),
            channel: frame.meta.channel,
            width_mhz: self.width(frame.meta.channel),
            rate: frame.meta.rate,
            power_dbm: None,
            signal_dbm: frame.meta.rssi_dbm,
            // The receiver does not learn the sender's user priority from our RX metadata.
            user_priority: 0,
        }
    }

    fn write(&self, at: Instant, record: &CapturedFrame) {
        let result = {
            let mut pcap = self.pcap.lock();
            pcap.write_frame(self.pcap.wall_clock(at), record)
                .and_then(|()| pcap.flush())
        };
        match result {
            Ok(()) => {
                self.captured.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                self.write_errors.fetch_add(1, Ordering::Relaxed);
                if !self.warned.swap(true, Ordering::Relaxed) {
                    eprintln!(
                        "rsu-hw capture of {}: writing the pcap failed: {e}; later failures are only counted",
                        self.inner.address()
                    );
                }
            }
        }
    }
}

impl<R: Radio> Radio for Capture<R> {
    fn address(&self) -> MacAddr {
        self.inner.address()
    }

    async fn send(&self, frame: TxFrame) -> Result<(), RadioError> {
        let record = self.tx_record(self.inner.address(), &frame);
        self.inner.send(frame).await?;
        self.write(Instant::now(), &record);
        Ok(())
    }

    async fn recv(&self) -> Result<RxFrame, RadioError> {
        let frame = self.inner.recv().await?;
        self.write(frame.meta.timestamp, &self.rx_record(&frame));
        Ok(frame)
    }
}

impl<R: Radio + std::fmt::Debug> std::fmt::Debug for Capture<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture")
            .field("inner", &self.inner)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::channels::{ChannelAccess, ChannelPlan, Region, Technology};
    use crate::pcap::{PcapReader, PcapRecord};
    use crate::radio::loopback::{LoopbackConfig, LoopbackMedium, airtime};
    use crate::radio::{DataRate, TxMeta};
    use crate::wire::EtherType;
    use bytes::Bytes;
    use std::time::Duration;

    /// A `Write` whose bytes the test can still read after handing it to a capture.
    #[derive(Clone, Default)]
    struct SharedBuf(Arc<Mutex<Vec<u8>>>);

    impl Write for SharedBuf {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl SharedBuf {
        fn records(&self) -> (LinkType, Vec<PcapRecord>) {
            let bytes = self.0.lock().unwrap().clone();
            let reader = PcapReader::new(&bytes[..]).unwrap();
            let link = reader.link_type();
            (link, reader.collect::<Result<_, _>>().unwrap())
        }
    }

    fn on_172() -> ChannelConfig {
        let us = ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap();
        ChannelConfig::new(us, ChannelAccess::Continuous { channel: 172 }).unwrap()
    }

    fn mac(n: u8) -> MacAddr {
        MacAddr::local([0, 0, 0, 0, 0xca, n])
    }

    fn ethernet(dst: MacAddr, src: MacAddr, ethertype: EtherType, payload: &[u8]) -> Vec<u8> {
        [&dst.0[..], &src.0, &ethertype.0.to_be_bytes(), payload].concat()
    }

    fn micros(d: Duration) -> i128 {
        d.as_micros() as i128
    }

    fn gap(later: SystemTime, earlier: SystemTime) -> i128 {
        micros(later.duration_since(earlier).unwrap())
    }

    #[tokio::test(start_paused = true)]
    async fn sent_and_received_frames_read_back_from_an_ethernet_capture() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let buf = SharedBuf::default();
        let pcap = shared(PcapWriter::new(buf.clone(), LinkType::Ethernet).unwrap());
        let a = Capture::new(medium.node(mac(1), on_172()), pcap.clone());
        let b = Capture::new(medium.node(mac(2), on_172()), pcap);

        a.send(TxFrame::broadcast(
            EtherType::WSMP,
            Bytes::from_static(b"\x0b\x03spat"),
        ))
        .await
        .unwrap();
        let got = b.recv().await.unwrap();
        assert_eq!(got.payload, Bytes::from_static(b"\x0b\x03spat"));
        let mut reply = TxFrame::broadcast(EtherType::GEONETWORKING, Bytes::from_static(b"gn"));
        reply.dst = mac(1);
        b.send(reply).await.unwrap();
        a.recv().await.unwrap();

        let (link, records) = buf.records();
        assert_eq!(link, LinkType::Ethernet);
        let data: Vec<Vec<u8>> = records.iter().map(|r| r.data.clone()).collect();
        let spat = ethernet(MacAddr::BROADCAST, mac(1), EtherType::WSMP, b"\x0b\x03spat");
        let gn = ethernet(mac(1), mac(2), EtherType::GEONETWORKING, b"gn");
        // a's send, b's receive, b's send, a's receive, in that order, in one file.
        assert_eq!(data, [spat.clone(), spat, gn.clone(), gn]);
        // The receive is stamped one airtime after the send (µs resolution).
        let air = micros(airtime(6, DataRate::DEFAULT).unwrap());
        assert!((gap(records[1].timestamp, records[0].timestamp) - air).abs() <= 1);
        assert_eq!(a.stats().captured, 2);
        assert_eq!(b.stats().captured, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn radiotap_capture_shows_channel_rate_power_and_signal() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let buf = SharedBuf::default();
        let pcap = shared(PcapWriter::new(buf.clone(), LinkType::Radiotap).unwrap());
        let a = Capture::new(medium.node(mac(1), on_172()), pcap.clone()).with_channels(on_172());
        let b = Capture::new(medium.node(mac(2), on_172()), pcap).with_channels(on_172());
        let meta = TxMeta {
            rate: Some(DataRate(12)),
            power_dbm: Some(20),
            user_priority: 6,
            ..TxMeta::default()
        };
        a.send(TxFrame {
            meta,
            ..TxFrame::broadcast(EtherType::WSMP, Bytes::from_static(b"\x0b"))
        })
        .await
        .unwrap();
        b.recv().await.unwrap();

        let (link, records) = buf.records();
        assert_eq!(link, LinkType::Radiotap);
        assert_eq!(records.len(), 2);
        // TX: flags, rate 12, channel 172 (no channel named, filled in from the config),
        // TX power 20: present 0x40e, length 15.
        #[rustfmt::skip]
        let tx_radiotap = [
            0x00, 0x00, 0x0f, 0x00, 0x0e, 0x04, 0x00, 0x00,
            0x00, 0x0c, 0xe4, 0x16, 0x40, 0x41, 0x14,
        ];
        assert_eq!(records[0].data[..15], tx_radiotap);
        // RX: flags, rate 12, channel 172, antenna signal -60 dBm (0xc4): present 0x2e.
        #[rustfmt::skip]
        let rx_radiotap = [
            0x00, 0x00, 0x0f, 0x00, 0x2e, 0x00, 0x00, 0x00,
            0x00, 0x0c, 0xe4, 0x16, 0x40, 0x41, 0xc4,
        ];
        assert_eq!(records[1].data[..15], rx_radiotap);
        for (n, rec) in records.iter().enumerate() {
            let mac_frame = &rec.data[15..];
            assert_eq!(mac_frame[..2], [0x88, 0x00]);
            assert_eq!(mac_frame[4..10], MacAddr::BROADCAST.0);
            assert_eq!(mac_frame[10..16], mac(1).0);
            // The writer numbers its frames: 0 then 1.
            assert_eq!(mac_frame[22..24], ((n as u16) << 4).to_le_bytes());
            assert_eq!(
                mac_frame[26..],
                [0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0xdc, 0x0b]
            );
        }
        // QoS TID: the sender's user priority on TX; unknown (0) on RX.
        assert_eq!(records[0].data[15 + 24], 6);
        assert_eq!(records[1].data[15 + 24], 0);
    }

    /// Takes the global header, then fails every write, like a disk that fills up.
    struct FailAfterHeader(bool);

    impl Write for FailAfterHeader {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if std::mem::replace(&mut self.0, true) {
                Err(io::Error::other("disk full"))
            } else {
                Ok(buf.len())
            }
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn write_errors_are_counted_and_never_fail_the_radio() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let pcap = shared(PcapWriter::new(FailAfterHeader(false), LinkType::Ethernet).unwrap());
        let a = Capture::new(medium.node(mac(1), on_172()), pcap);
        let b = medium.node(mac(2), on_172());
        for _ in 0..2 {
            a.send(TxFrame::broadcast(
                EtherType::WSMP,
                Bytes::from_static(b"x"),
            ))
            .await
            .unwrap();
        }
        assert_eq!(b.recv().await.unwrap().payload, Bytes::from_static(b"x"));
        assert_eq!(
            a.stats(),
            CaptureStats {
                captured: 0,
                write_errors: 2
            }
        );
        // A refused send is neither captured nor an error of the capture.
        let mut wrong = TxFrame::broadcast(EtherType::WSMP, Bytes::from_static(b"x"));
        wrong.meta.channel = Some(178);
        assert!(a.send(wrong).await.is_err());
        assert_eq!(a.stats().write_errors, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_capture_file_is_complete_after_every_frame() {
        let medium = LoopbackMedium::new(LoopbackConfig::default());
        let path =
            std::env::temp_dir().join(format!("rsu-hw-capture-test-{}.pcap", std::process::id()));
        let a = Capture::create(medium.node(mac(1), on_172()), &path, LinkType::Ethernet).unwrap();
        let _b = medium.node(mac(2), on_172());
        a.send(TxFrame::broadcast(
            EtherType::WSMP,
            Bytes::from_static(b"one"),
        ))
        .await
        .unwrap();
        // Read while the capture (and its BufWriter) is still open.
        let records: Vec<PcapRecord> = PcapReader::new(File::open(&path).unwrap())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            records[0].data,
            ethernet(MacAddr::BROADCAST, mac(1), EtherType::WSMP, b"one")
        );
        assert_eq!(records.len(), 1);
        drop(a);
        std::fs::remove_file(&path).unwrap();
    }
}
