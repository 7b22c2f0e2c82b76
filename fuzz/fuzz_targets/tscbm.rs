//! One UDP datagram from a signal controller, read as a TSCBM under every profile and status
//! bit order: it is refused with an error or converted, never a panic; and what converts
//! survives the emitter: emitting the state and parsing it again gives the same state.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsu::clock::UnixMillis;
use rsu::controller::tscbm::{HEADER, Profile, StatusBitOrder, TscbmPacket, emit_vec, parse};

const ORDERS: [StatusBitOrder; 2] = [StatusBitOrder::LsbFirst, StatusBitOrder::MsbFirst];
const RECEIVED_AT: UnixMillis = UnixMillis(1_721_238_398_773);

fn check(bytes: &[u8], profile: Profile, order: StatusBitOrder) {
    if let Ok(packet) = TscbmPacket::new_checked(bytes, profile) {
        let _ = (
            packet.controller_time(),
            packet.timebase_asc_action_status(),
            packet.pedestrian_call_status(),
            packet.message_version(),
        );
    }
    if let Ok(state) = parse(bytes, profile, order, RECEIVED_AT) {
        let again = emit_vec(&state, profile, order, 0);
        assert_eq!(parse(&again, profile, order, RECEIVED_AT), Ok(state));
    }
}

fuzz_target!(|data: &[u8]| {
    for profile in Profile::ALL {
        for order in ORDERS {
            check(data, profile, order);
            // Only exact lengths with a 0xCD header get past the first checks, so also try
            // the input as the body of a well-formed one: header set, count kept in range.
            if let Some((&count, body)) = data.split_first() {
                let mut packet = vec![0u8; profile.len()];
                packet[0] = HEADER;
                packet[1] = count % 17;
                let n = body.len().min(profile.len() - 2);
                packet[2..2 + n].copy_from_slice(&body[..n]);
                check(&packet, profile, order);
            }
        }
    }
});
