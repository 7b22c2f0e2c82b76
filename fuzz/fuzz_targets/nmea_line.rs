//! One line from a GNSS receiver or gpsd: neither parser may panic, whatever the bytes, and
//! the trackers must stay usable after a refused line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsu_hw::gnss::gpsd::GpsdTracker;
use rsu_hw::gnss::nmea::{FixTracker, parse};

fuzz_target!(|data: &[u8]| {
    let _ = parse(data);
    let now = std::time::Instant::now();
    let mut fix = FixTracker::new();
    let _ = fix.feed_line(data, now);
    let _ = fix.state();
    let mut gpsd = GpsdTracker::new();
    let _ = gpsd.feed_line(data, now);
});
