#!/usr/bin/env python3
"""Judges the EU demo's capture with implementations that share no code with ours.

For every GeoNetworking frame (EtherType 0x8947) of a pcap written by `rsu run --region eu
--pcap`:
  1. its_sec_oracle.py verify-gn (pycrate's 1609.2 module and `cryptography`) verifies the
     TS 103 097 secured packet against the test PKI given (root, authorisation authority),
     with the ITS-AID the BTP port calls for (SPATEM 137, MAPEM 138, CAM 36, DENM 37,
     beacons 141);
  2. the facilities message inside (after the common, extended and BTP headers) is decoded by
     pycrate's ETSI modules (pycrate_etsi_oracle.py) to the same JER as `rsu decode --std
     etsi` gives, and pycrate re-encodes that JER to the same octets.
A flipped octet in one SPATEM must make step 1 fail, so a verifier that says yes to anything
fails this check too.

Usage: tools/eu_capture_check.py RSU_BINARY PCAP PKI_DIR
Prints what it checked; exit 0 if every frame passes, 1 otherwise.
"""
import json
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GN = 0x8947
# BTP-B destination port -> (facilities PDU name, ITS-AID)
PORTS = {2004: ("SPATEM", 137), 2003: ("MAPEM", 138), 2001: ("CAM", 36), 2002: ("DENM", 37)}
COMMON_LEN = 8
# Extended header length by header type (HT << 4 | HST): SHB, GBC circle, beacon.
EXTENDED_LEN = {0x50: 28, 0x40: 44, 0x10: 24}
BTP_LEN = 4


def frames(path):
    """The Ethernet payloads of the GeoNetworking frames of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    at = 24
    out = []
    while at + 16 <= len(data):
        incl = struct.unpack_from(endian + "I", data, at + 8)[0]
        packet = data[at + 16 : at + 16 + incl]
        at += 16 + incl
        if len(packet) >= 14 and struct.unpack_from(">H", packet, 12)[0] == GN:
            out.append(packet[14:])
    return out


def verify_gn(gn, certs):
    args = [sys.executable, os.path.join(HERE, "its_sec_oracle.py"), "verify-gn"]
    for c in certs:
        args += ["--cert", c]
    args += ["--require-root", "--hex", gn.hex()]
    run = subprocess.run(args, capture_output=True, text=True)
    try:
        return run.returncode, json.loads(run.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return run.returncode, {"reason": run.stderr.strip()}


def etsi_oracle(mode, lines):
    run = subprocess.run(
        [sys.executable, os.path.join(HERE, "pycrate_etsi_oracle.py"), mode],
        input="".join(json.dumps(x) + "\n" for x in lines),
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        sys.exit("pycrate_etsi_oracle.py failed: " + run.stderr)
    return [json.loads(x) for x in run.stdout.splitlines() if x.strip()]


def main():
    rsu, pcap, pki = sys.argv[1:4]
    certs = [os.path.join(pki, "root.oer"), os.path.join(pki, "aa.oer")]
    gns = frames(pcap)
    if not gns:
        print("FAIL: no GeoNetworking frame in " + pcap, file=sys.stderr)
        return 1
    failures = 0
    messages = []  # (frame number, pdu name, octets)
    counts = {}
    for n, gn in enumerate(gns, 1):
        if len(gn) < 4 or gn[0] & 0x0F != 2:
            print(f"FAIL: frame {n}: not a secured packet (basic next header {gn[0] & 0x0F})")
            failures += 1
            continue
        rc, verdict = verify_gn(gn, certs)
        inner = bytes.fromhex(verdict.get("inner") or "")
        if len(inner) < COMMON_LEN:
            print(f"FAIL: frame {n}: the oracle found no payload: {verdict}")
            failures += 1
            continue
        ext = EXTENDED_LEN.get(inner[1])
        if ext is None:
            print(f"FAIL: frame {n}: header type {inner[1]:#x}")
            failures += 1
            continue
        if inner[1] == 0x10:
            name, aid, message = "beacon", 141, b""
        else:
            port = struct.unpack_from(">H", inner, COMMON_LEN + ext)[0]
            if port not in PORTS:
                print(f"FAIL: frame {n}: BTP port {port}")
                failures += 1
                continue
            name, aid = PORTS[port]
            message = inner[COMMON_LEN + ext + BTP_LEN :]
        # The ITS-AID must be the one the BTP port calls for.
        if rc != 0 or not verdict.get("valid") or verdict.get("psid") != aid:
            print(f"FAIL: frame {n} ({name}): independent verification: {verdict}")
            failures += 1
            continue
        counts[name] = counts.get(name, 0) + 1
        if message:
            messages.append((n, name, message))
    print(f"verified independently (TS 103 097, chain to the root): {counts}")

    # A tampered SPATEM must not verify: one flipped bit in its last octet (the signature's s).
    spatem = next((gns[n - 1] for n, name, _ in messages if name == "SPATEM"), None)
    if spatem is not None:
        bad = bytearray(spatem)
        bad[-1] ^= 0x01
        rc, verdict = verify_gn(bytes(bad), certs)
        if rc == 0 or verdict.get("valid"):
            print("FAIL: a SPATEM with a flipped octet verified")
            failures += 1
        else:
            print(f"a flipped octet is refused: {verdict.get('reason')}")

    # The same values in pycrate's ETSI modules and in ours, and the same octets back.
    decoded = etsi_oracle("decode", [{"pdu": name, "uper": m.hex()} for _, name, m in messages])
    ours = []
    for _, _, m in messages:
        run = subprocess.run(
            [rsu, "decode", "--std", "etsi", "--hex", m.hex()], capture_output=True, text=True
        )
        ours.append(json.loads(run.stdout) if run.returncode == 0 else {"error": run.stderr})
    back = etsi_oracle(
        "encode",
        [{"pdu": name, "value": d.get("value")} for (_, name, _), d in zip(messages, decoded)],
    )
    for (n, name, m), theirs, mine, again in zip(messages, decoded, ours, back):
        if "error" in theirs or theirs.get("value") != mine:
            print(f"FAIL: frame {n} ({name}): pycrate {theirs} vs ours {mine}")
            failures += 1
        elif again.get("uper") != m.hex():
            print(f"FAIL: frame {n} ({name}): pycrate re-encodes {again} instead of {m.hex()}")
            failures += 1
    print(f"{len(messages)} messages decode alike in pycrate and rsu and re-encode to the same octets")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
