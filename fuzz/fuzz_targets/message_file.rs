//! One Immediate Forward datagram or Store-and-Repeat file (RSU 4.1 message file v0.7): it is
//! refused with an error or read, never a panic; and what is read survives the emitter:
//! emitting the file and parsing it again gives the same file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsu::forward::message_file::{ERROR_CODES, parse};

/// A valid Immediate Forward SPaT, one (key, value) per line.
const TEMPLATE: [(&[u8], &[u8]); 12] = [
    (b"Version", b"0.7"),
    (b"Type", b"SPAT"),
    (b"PSID", b"0x8002"),
    (b"Priority", b"7"),
    (b"TxMode", b"CONT"),
    (b"TxChannel", b"183"),
    (b"TxInterval", b"0"),
    (b"DeliveryStart", b""),
    (b"DeliveryStop", b""),
    (b"Signature", b"False"),
    (b"Encryption", b"False"),
    (b"Payload", b"00136D"),
];

fn check(bytes: &[u8]) {
    match parse(bytes) {
        Ok(file) => {
            let _ = (file.check_immediate(), file.check_repeat());
            let again = parse(file.emit().as_bytes());
            assert_eq!(again.ok().as_ref(), Some(&file));
        }
        Err(e) => {
            assert!(ERROR_CODES.contains(&e.code()));
            let _ = e.to_string();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check(data);
    // Whole inputs rarely get past the key checks, so also try the input as the value of one
    // key (chosen by the first byte) in an otherwise valid file.
    if let Some((&which, value)) = data.split_first() {
        let target = usize::from(which) % TEMPLATE.len();
        let mut file = Vec::with_capacity(128 + value.len());
        for (i, (key, default)) in TEMPLATE.iter().enumerate() {
            file.extend_from_slice(key);
            file.push(b'=');
            file.extend_from_slice(if i == target { value } else { default });
            file.push(b'\n');
        }
        check(&file);
    }
});
