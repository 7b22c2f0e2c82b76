#!/usr/bin/env bash
# Writes the seed corpora from the shared vectors (read at run time, never copied into the
# repository), one folder per target under fuzz/corpus/:
# - uper_frame: the bytes of every J2735 `.hex` vector that is a MessageFrame (first byte 00;
#   the 03 81 ... ones are 1609.2 SPDUs); etsi_message: the bytes of every ETSI `.hex` vector;
#   jer_frame: every `.jer.json`, plus
#   fuzz/corpus/jer_frame.dict, a libFuzzer dictionary of the JSON member names and
#   enumerated values seen in those files;
# - tscbm: the controller capture; message_file: message files whose payloads are the TIM,
#   SPaT and MAP vectors;
# - nmea_line: a few sentences and gpsd lines of our own (there is no GNSS vector);
# - gn_receive: the ETSI vectors as unsecured GeoNetworking SHB + BTP-B frames and the signed
#   SPDU vectors behind a secured-packet basic header (no binary needed);
# - with an `rsu` binary as second argument, rx_frame (EtherType + payload) and pcap_file: the
#   1609.2 SPDU vectors framed as WSMP, GeoNetworking + BTP-B and DSMP by `rsu frame`.
#
# Usage: fuzz/seed.sh [VECTORS_DIR [RSU_BINARY]]   (default: $RSU_VECTORS, else ../shared/vectors)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vectors=${1:-${RSU_VECTORS:-$here/../../shared/vectors}}
src="$vectors/j2735"
if [[ ! -d $src ]]; then
    echo "error: $src not found (pass the vectors folder, or set RSU_VECTORS)" >&2
    exit 1
fi

uper="$here/corpus/uper_frame"
jer="$here/corpus/jer_frame"
mkdir -p "$uper" "$jer"

n_uper=0
for f in "$src"/*.hex; do
    hex=$(tr -d '[:space:]' <"$f" | tr '[:upper:]' '[:lower:]')
    [[ $hex == 00* ]] || continue
    xxd -r -p <<<"$hex" >"$uper/$(basename "$f" .hex)"
    n_uper=$((n_uper + 1))
done

etsi="$here/corpus/etsi_message"
mkdir -p "$etsi"
n_etsi=0
for f in "$vectors"/etsi/*.hex; do
    [[ -f $f ]] || continue
    tr -d '[:space:]' <"$f" | xxd -r -p >"$etsi/$(basename "$f" .hex)"
    n_etsi=$((n_etsi + 1))
done

n_jer=0
for f in "$src"/*.jer.json; do
    cp "$f" "$jer/$(basename "$f")"
    n_jer=$((n_jer + 1))
done

# Dictionary: the JSON member names of the vectors ("messageId", "state-time-speed") and
# their enumerated values ("stop-And-Remain": identifiers that are not hex strings), once
# each, and JSON's own literals. Names of the standard, not the vectors' data.
dict="$here/corpus/jer_frame.dict"
{
    cat "$src"/*.jer.json | grep -oE '"[A-Za-z][A-Za-z0-9-]*"[[:space:]]*:' | grep -oE '"[^"]*"'
    cat "$src"/*.jer.json | grep -oE ':[[:space:]]*"[a-z][A-Za-z0-9-]*"' | grep -oE '"[^"]*"' |
        grep -vE '^"[0-9a-f]*"$'
    printf '%s\n' true false null '{"messageId":' '"value":'
} | sort -u | sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' >"$dict"

# csae_frame: each CSAE 53 capture as UPER under both profiles (first octet 00 / 01) and
# its JSON as JER under csae53-2020 (first octet 02); see fuzz_targets/csae_frame.rs.
csae="$here/corpus/csae_frame"
mkdir -p "$csae"
n_csae=0
for f in "$vectors"/csae/*.hex; do
    [[ -f $f ]] || continue
    name=$(basename "$f" .hex)
    for mode in 00 01; do
        { printf '%s' "$mode"; tr -d '[:space:]' <"$f"; } | xxd -r -p >"$csae/${name}_$mode"
    done
    json="${f%.hex}.jer.json"
    [[ -f $json ]] && { printf '\x02'; cat "$json"; } >"$csae/${name}_02"
    n_csae=$((n_csae + 1))
done

n_tscbm=0
for f in "$vectors"/tscbm/*.bin; do
    mkdir -p "$here/corpus/tscbm"
    cp "$f" "$here/corpus/tscbm/$(basename "$f")"
    n_tscbm=$((n_tscbm + 1))
done

# Message files: RSU 4.1 Appendix C v0.7, one Immediate Forward and one Store-and-Repeat
# flavour per payload.
mf="$here/corpus/message_file"
mkdir -p "$mf"
n_mf=0
for pair in TIM:0x8003:ode_tim.mf.hex SPAT:0x8002:ode_spat.mf.hex MAP:0xE0000017:ode_map_0.mf.hex; do
    IFS=: read -r type psid file <<<"$pair"
    [[ -f $src/$file ]] || continue
    payload=$(tr -d '[:space:]' <"$src/$file")
    printf 'Version=0.7\nType=%s\nPSID=%s\nPriority=5\nTxMode=CONT\nTxChannel=172\nTxInterval=0\nDeliveryStart=\nDeliveryStop=\nSignature=True\nEncryption=False\nPayload=%s\n' \
        "$type" "$psid" "$payload" >"$mf/ifm_$type"
    printf '# store and repeat\r\nVersion=0.7\r\nType=%s\r\nPSID=%s\r\nPriority=7\r\nTxMode=ALT\r\nTxChannel=SCH\r\nTxInterval=5\r\nDeliveryStart=01/02/2026, 11:00\r\nDeliveryStop=12/31/2026, 23:59\r\nSignature=False\r\nEncryption=False\r\nPayload=%s\r\n' \
        "$type" "$psid" "$payload" >"$mf/sar_$type"
    n_mf=$((n_mf + 2))
done

nmea="$here/corpus/nmea_line"
mkdir -p "$nmea"
printf '$GPGGA,120000.00,4807.0380,N,01131.0000,E,1,08,0.9,545.4,M,46.9,M,,*4E\r\n' >"$nmea/gga"
printf '$GNRMC,120000.00,A,4807.0380,N,01131.0000,E,0.02,31.66,071226,,,A*6B\r\n' >"$nmea/rmc"
printf '$BDGSA,A,3,01,02,03,,,,,,,,,,1.8,0.9,1.5*1C\r\n' >"$nmea/bdgsa"
printf '{"class":"TPV","device":"/dev/ttyS0","mode":3,"time":"2026-12-07T12:00:00.000Z","lat":48.1173,"lon":11.5167,"altHAE":545.4}\n' >"$nmea/gpsd_tpv"

# gn_receive: GeoNetworking frames (the payload after EtherType 0x8947) around the EU
# vectors: each ETSI message unsecured behind a passenger car's SHB + BTP-B header on its
# port, and each signed SPDU of the security vectors (the real secured CAMs among them carry
# GN common header onward) behind a basic header announcing a secured packet.
gn="$here/corpus/gn_receive"
mkdir -p "$gn"
python3 - "$vectors" "$gn" <<'PY'
import json, pathlib, struct, sys
vec, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
ports = {"cam": 2001, "denm": 2002, "mapem": 2003, "spatem": 2004, "ivim": 2006,
         "srem": 2007, "cpm": 2009}
def shb(port, msg):
    # version 1, next header 1 (common); lifetime 60 s; RHL 1 | BTP-B, SHB, TC 2, mobile,
    # PL, MHL 1 | station type 5 (passenger car), MAC, TST, lat, lon, PAI/speed, heading,
    # 4 octets DCC | BTP-B port, port info 0.
    lpv = struct.pack(">HHIIiiHH", 5 << 10, 0x0200, 0x00000c01, 1234, 481234567, 116543210,
                      0x8000 | 1389, 900)
    inner = bytes([0x20, 0x50, 0x02, 0x80]) + struct.pack(">H", 4 + len(msg)) + bytes([1, 0])
    return bytes([0x11, 0, 0x1a, 1]) + inner + lpv + bytes(4) + struct.pack(">HH", port, 0) + msg
n = 0
for f in sorted((vec / "etsi").glob("*.hex")):
    kind = next((k for k in ports if k in f.stem), None)
    if kind is None:
        continue
    msg = bytes.fromhex("".join(f.read_text().split()))
    (dst / f"{f.stem}_shb").write_bytes(shb(ports[kind], msg))
    n += 1
sec = vec / "security" / "security-vectors.json"
if sec.is_file():
    for i, e in enumerate(json.loads(sec.read_text()).get("spdus", [])):
        h = e.get("hex", "")
        if h.startswith("03"):
            (dst / f"secured_{i}").write_bytes(bytes([0x12, 0, 0x1a, 1]) + bytes.fromhex(h))
            n += 1
print(f"seeded {n} GeoNetworking frames into {dst}")
PY

n_rx=0
rsu=${2:-}
if [[ -n $rsu ]]; then
    rx="$here/corpus/rx_frame"
    pcaps="$here/corpus/pcap_file"
    mkdir -p "$rx" "$pcaps"
    for f in "$src"/ode_*.hex; do
        hex=$(tr -d '[:space:]' <"$f")
        [[ $hex == 03* ]] || continue
        name=$(basename "$f" .hex)
        "$rsu" frame --net wsmp --psid 0x20 --channel 172 --rate 6 --power 20 --hex "$hex" --pcap "$pcaps/${name}_wsmp.pcap" >/dev/null
        "$rsu" frame --net gn-shb --btp-port 2001 --position 48.1,11.5 --hex "$hex" --pcap "$pcaps/${name}_gn.pcap" >/dev/null
        "$rsu" frame --net dsmp --aid 17 --hex "$hex" --pcap "$pcaps/${name}_dsmp.pcap" >/dev/null
    done
    # rx_frame's input is the frame's EtherType and payload: the Ethernet frame of each
    # capture's records without the two MAC addresses.
    python3 - "$pcaps" "$rx" <<'PY'
import pathlib, struct, sys
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for pcap in sorted(src.glob("*.pcap")):
    data = pcap.read_bytes()
    off, n = 24, 0
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frame = data[off + 16 : off + 16 + incl]
        off += 16 + incl
        if len(frame) > 14:
            (dst / f"{pcap.stem}_{n}").write_bytes(frame[12:])
            n += 1
PY
    n_rx=$(find "$rx" -type f | wc -l)
fi

echo "seeded $n_uper UPER frames into $uper, $n_etsi ETSI messages into $etsi, $n_jer JER files into $jer"
echo "seeded $n_csae CSAE 53 frames (x3 cases) into $csae"
echo "seeded $n_tscbm TSCBM, $n_mf message files, 4 GNSS lines, $n_rx received frames${rsu:+ and their pcap files}"
echo "dictionary: $(wc -l <"$dict") entries in $dict"
