//! A pcap file handed to `rsu` or the tests: the reader must refuse bad input with an error,
//! never panic, and never allocate more than a record's cap on a lying length field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsu_hw::PcapReader;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = PcapReader::new(data) else {
        return;
    };
    while let Ok(Some(_record)) = reader.next_record() {}
});
