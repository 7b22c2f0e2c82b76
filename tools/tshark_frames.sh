#!/usr/bin/env bash
# Frames the project writes, judged by an independent dissector (Debian's tshark):
#  1. WSMP, PSID 0x82, all three N-header extensions, carrying a signed 1609.2 SPDU (our
#     own signer, test PKI) around a real J2735 SPaT;
#  2. GeoNetworking SHB + BTP-B 2004 carrying a real SPATEM;
#  3. GeoNetworking GBC (circle) + BTP-B 2004, same SPATEM;
#  4. the WSMP frame again as radiotap + 802.11 QoS Data (channel, rate, power in radiotap);
#  5. a DSMP frame (tshark has no DSMP dissector: it must see EtherType 0x88B5 and no error,
#     i.e. not mistake it for WSMP);
#  6. what the service itself put on the air: `rsu run` (the embedded demo) for 2.55 s with
#     --pcap: signed SPaTs (PSID 0x82) on the 100 ms grid and MAPs (PSID 0x204097, p-encoded
#     0xE0000017) on the 1 s grid (tools/air_slots.py: a busy machine may miss a slot, which
#     the service counts; it may never send one twice or off the grid);
#  7. the same for `rsu run --region eu`: secured GeoNetworking SPATEM and MAPEM, the RSU's
#     CAM and a DENM the TMC handed over, each also verified and decoded by independent
#     implementations (tools/eu_capture_check.py).
# Each pcap must pass ../shared/tools/tshark-check.sh (no malformed packet, no Error-level
# expert item), and the fields tshark reads must be the ones we asked for.
#
# Usage: tools/tshark_frames.sh RSU_BINARY VECTORS_DIR CHECK_SCRIPT
set -euo pipefail

rsu=$1
vectors=$2
check=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
hexfile() { tr -d '[:space:]' <"$1"; }
# One field of frame 1, as tshark prints it.
field() { tshark -r "$1" -T fields -e "$2" 2>/dev/null | head -1; }
expect() {  # FILE FIELD WANT
    local got
    got=$(field "$1" "$2")
    [[ $got == "$3" ]] || fail "$(basename "$1"): $2 is '$got', expected '$3'"
    echo "  $2 = $got"
}
expect_first() {  # FILE FIELD WANT: the first of a multi-valued field (e.g. the SPDU's, not the certificate's)
    local got
    got=$(field "$1" "$2" | cut -d, -f1)
    [[ $got == "$3" ]] || fail "$(basename "$1"): first $2 is '$got', expected '$3'"
    echo "  $2 (first) = $got"
}
judge() {  # FILE: the shared check (malformed / Error-level expert items)
    echo "== $(basename "$1")"
    bash "$check" "$1" >"$work/check.log" 2>&1 || { cat "$work/check.log"; fail "$(basename "$1") has malformed or error frames"; }
    grep -q "frames with errors: 0" "$work/check.log" || { cat "$work/check.log"; fail "tshark-check.sh gave no verdict"; }
}

spat=$(hexfile "$vectors/j2735/spat_asn1codec.hex")
spatem=$(hexfile "$vectors/etsi/cits_spatem.hex")
at=$(date +%s)   # the test PKI is made now, valid from now

"$rsu" pki init "$work/pki" >/dev/null
spdu=$("$rsu" sign --cert "$work/pki/rsu.oer" --key "$work/pki/rsu-key.pem" --psid 0x8002 --at "$at" --hex "$spat")

"$rsu" frame --net wsmp --psid 0x8002 --channel 172 --rate 6 --power 20 --at "$at" --hex "$spdu" --pcap "$work/wsmp.pcap" >/dev/null
judge "$work/wsmp.pcap"
expect "$work/wsmp.pcap" eth.type 0x88dc
expect "$work/wsmp.pcap" wsmp.psid 0x00000082
# Element IDs in our order: channel 15, data rate 16, transmit power 4 (then tshark 4.0 lists
# the TPID as a last "IE").
expect "$work/wsmp.pcap" wsmp.wave_ie "15,16,4,0"
expect "$work/wsmp.pcap" wsmp.wave_ie_data "ac,0c,94"   # 172, 12 x 500 kb/s, 20 dBm + 128
expect_first "$work/wsmp.pcap" ieee1609dot2.protocolVersion 3
expect_first "$work/wsmp.pcap" ieee1609dot2.psid 130

"$rsu" frame --net gn-shb --btp-port 2004 --position 47.6957100,8.5413000 --at "$at" --hex "$spatem" --pcap "$work/gn-shb.pcap" >/dev/null
judge "$work/gn-shb.pcap"
expect "$work/gn-shb.pcap" eth.type 0x8947
expect "$work/gn-shb.pcap" geonw.ch.htype 0x50
expect "$work/gn-shb.pcap" geonw.src_pos.addr.type 15
expect "$work/gn-shb.pcap" geonw.src_pos.lat 476957100
expect "$work/gn-shb.pcap" geonw.src_pos.long 85413000
expect "$work/gn-shb.pcap" btpb.dstport 2004
expect "$work/gn-shb.pcap" its.messageID 4

"$rsu" frame --net gn-gbc --btp-port 2004 --position 47.6957100,8.5413000 --radius 300 --at "$at" --hex "$spatem" --pcap "$work/gn-gbc.pcap" >/dev/null
judge "$work/gn-gbc.pcap"
expect "$work/gn-gbc.pcap" geonw.ch.htype 0x40
expect "$work/gn-gbc.pcap" geonw.gxc.latitude 476957100
expect "$work/gn-gbc.pcap" geonw.gxc.radius 300
expect "$work/gn-gbc.pcap" btpb.dstport 2004
expect "$work/gn-gbc.pcap" its.messageID 4

"$rsu" frame --net wsmp --psid 0x8002 --channel 172 --rate 6 --power 20 --radiotap --at "$at" --hex "$spdu" --pcap "$work/wsmp-radiotap.pcap" >/dev/null
judge "$work/wsmp-radiotap.pcap"
expect "$work/wsmp-radiotap.pcap" wlan_radio.frequency 5860
expect "$work/wsmp-radiotap.pcap" wlan_radio.data_rate 6
expect "$work/wsmp-radiotap.pcap" wlan.bssid ff:ff:ff:ff:ff:ff
expect "$work/wsmp-radiotap.pcap" wsmp.psid 0x00000082

"$rsu" frame --net dsmp --aid 17 --channel 183 --at "$at" --hex "$spat" --pcap "$work/dsmp.pcap" >/dev/null
judge "$work/dsmp.pcap"
expect "$work/dsmp.pcap" eth.type 0x88b5

"$rsu" run --duration 2.55 --no-status --pki "$work/demo-pki" --pcap "$work/demo.pcap" 2>"$work/demo.log" \
    || { cat "$work/demo.log"; fail "rsu run failed"; }
judge "$work/demo.pcap"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tshark -r "$work/demo.pcap" -T fields -e frame.time_epoch -e wsmp.psid >"$work/times" 2>/dev/null
python3 "$here/air_slots.py" 0x00000082 100 20 <"$work/times" || fail "demo.pcap: SPaT timing"
python3 "$here/air_slots.py" 0x00204097 1000 2 <"$work/times" || fail "demo.pcap: MAP timing"
n_spat=$(awk '$2 == "0x00000082"' "$work/times" | wc -l)
n_map=$(awk '$2 == "0x00204097"' "$work/times" | wc -l)
counts=$(tshark -r "$work/demo.pcap" -T fields -e wsmp.psid -e wsmp.wave_ie_data 2>/dev/null | sort | uniq -c | awk '{$1=$1; print}' | paste -sd';')
[[ $counts == "$n_spat 0x00000082 ac,0c,94;$n_map 0x00204097 ac,0c,94" ]] || fail "demo.pcap: WSMP PSIDs and extensions per frame: '$counts'"
echo "  wsmp.psid, wave_ie_data per frame: $counts"
# tshark hands WSMP data to its 1609.2 dissector for the PSIDs it knows (0x82, not 0x204097).
spdus=$(tshark -r "$work/demo.pcap" -Y 'wsmp.psid == 0x82' -T fields -e ieee1609dot2.psid 2>/dev/null | cut -d, -f1 | sort | uniq -c | awk '{$1=$1; print}')
[[ $spdus == "$n_spat 130" ]] || fail "demo.pcap: 1609.2 PSIDs of the SPaTs: '$spdus'"
echo "  ieee1609dot2.psid of the SPaT SPDUs: $spdus"

# 7. The EU demo: SPATEM (BTP-B 2004), MAPEM (2003) and the RSU's CAM (2001), protocolVersion 2,
# messageID 4/5/2, in TS 103 097 secured GeoNetworking SHB (basic next header 2, header type
# 0x50, ITS-S type 15), signed with ITS-AIDs 137/138/36, SPATEM on the 100 ms grid, MAPEM and
# CAM on the 1 s grid; SHB at 10 Hz leaves no room for a beacon.
# A second in, the traffic management centre hands the demo a road-works DENM (the shared
# vector) by Immediate Forward: it goes out once, as a secured GBC (0x40) on BTP-B 2002 with
# ITS-AID 37.
"$rsu" run --region eu --duration 2.55 --no-status --pki "$work/eu-pki" --pcap "$work/eu.pcap" 2>"$work/eu.log" &
demo=$!
sleep 1
denm=$(hexfile "$vectors/etsi/cits_denm.hex")
printf 'Version=0.7\nType=DENM\nPSID=0x25\nPriority=5\nTxMode=CONT\nTxChannel=180\nTxInterval=0\nDeliveryStart=\nDeliveryStop=\nSignature=True\nEncryption=False\nPayload=%s\n' "$denm" \
    | python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.stdin.buffer.read(), ("127.0.0.1", 1516))'
wait "$demo" || { cat "$work/eu.log"; fail "rsu run --region eu failed"; }
judge "$work/eu.pcap"
tshark -r "$work/eu.pcap" -T fields -e frame.time_epoch -e btpb.dstport >"$work/eu-times" 2>/dev/null
python3 "$here/air_slots.py" 2004 100 20 <"$work/eu-times" || fail "eu.pcap: SPATEM timing"
python3 "$here/air_slots.py" 2003 1000 2 <"$work/eu-times" || fail "eu.pcap: MAPEM timing"
python3 "$here/air_slots.py" 2001 1000 2 <"$work/eu-times" || fail "eu.pcap: CAM timing"
n_spatem=$(awk '$2 == "2004"' "$work/eu-times" | wc -l)
n_mapem=$(awk '$2 == "2003"' "$work/eu-times" | wc -l)
n_cam=$(awk '$2 == "2001"' "$work/eu-times" | wc -l)
eu=$(tshark -r "$work/eu.pcap" -T fields -e eth.type -e geonw.bh.nh -e geonw.ch.htype -e geonw.src_pos.addr.type \
        -e btpb.dstport -e its.protocolVersion -e its.messageID -e its.stationID 2>/dev/null \
    | sort | uniq -c | awk '{$1=$1; print}' | paste -sd';')
denm_station=$((16#${denm:4:8}))
want="1 0x8947 2 0x40 15 2002 2 1 $denm_station;$n_cam 0x8947 2 0x50 15 2001 2 2 1001;$n_mapem 0x8947 2 0x50 15 2003 2 5 1001;$n_spatem 0x8947 2 0x50 15 2004 2 4 1001"
[[ $eu == "$want" ]] || fail "eu.pcap: GN/BTP/ITS fields per frame: '$eu', expected '$want'"
echo "  eth.type, geonw.bh.nh, geonw.ch.htype, ITS-S type, btpb.dstport, pv, messageID, stationID: $eu"
aids=$(tshark -r "$work/eu.pcap" -T fields -e btpb.dstport -e ieee1609dot2.psid 2>/dev/null | cut -d, -f1 | sort | uniq -c | awk '{$1=$1; print}' | paste -sd';')
[[ $aids == "$n_cam 2001 36;1 2002 37;$n_mapem 2003 138;$n_spatem 2004 137" ]] || fail "eu.pcap: TS 103 097 ITS-AIDs: '$aids'"
echo "  ITS-AID per port: $aids"
# The same capture, judged by implementations that share no code with ours: every secured
# packet verified by tools/its_sec_oracle.py, every SPATEM/MAPEM decoded by pycrate's ETSI
# modules to our JER and re-encoded to the same octets.
python3 "$here/eu_capture_check.py" "$rsu" "$work/eu.pcap" "$work/eu-pki" || fail "eu.pcap: independent oracles"

echo "tshark $(tshark --version 2>/dev/null | head -1 | awk '{print $3}'): all frames decode as written"
