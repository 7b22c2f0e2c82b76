#!/usr/bin/env python3
"""Differential-test oracle for the CSAE 53 codec: PyPI `asn1tools` compiling the public ASN.1.

Usage: csae_oracle.py ASN_DIR MODE

ASN_DIR holds the 2020-generation T/CSAE 53 modules (the 23 `*.asn` files of
zyjohn0822/asn1-uper-v2x, kept outside the repository, e.g. ../shared/oracles/csae53-2020).
They are compiled unmodified, once for UPER and once for JER. The type is always the whole
`MessageFrame` CHOICE.

Interface: one JSON object per line on stdin, one per line on stdout (see tools/README.md).
  decode:  {"uper": "<hex of a MessageFrame>"}
        -> {"value": <the decoded value as JSON>, "uper": "<hex asn1tools re-encodes from it>"}
  encode:  {"value": <X.697 JER of a MessageFrame>} -> {"uper": "<hex>"}
Any failure gives {"error": "..."} on that line.

JSON as `decode` writes it is built from asn1tools' Python value, not by its JER encoder
(which writes OCTET STRINGs in upper case and drops the length of a BIT STRING):
SEQUENCE -> object, CHOICE -> {"alternative": value}, INTEGER -> number, ENUMERATED and
IA5String -> string, OCTET STRING -> lower-case hex, BIT STRING -> {"value": hex, "length": n}
whatever its constraint (the caller knows which are fixed-size). `encode` reads X.697 JER with
asn1tools' JER decoder, after turning each {"value": hex, "length": n} into the bare hex
asn1tools expects (refused unless the hex has exactly the digits n bits need).

Before answering anything it checks itself: the five root alternatives are in the order the
codec assumes (a minimal RSM frame starts with the bits 0 010), and the modules are the
csae53-2020 variant (a MapData of 33 nodes encodes; ydt3709-2020 allows 32).
"""

import binascii
import glob
import json
import os
import sys

try:
    import asn1tools
except ImportError as err:  # pragma: no cover - depends on the machine
    sys.exit("csae_oracle: asn1tools is not installed (pip install asn1tools): %s" % err)


def compile_specs(asn_dir):
    files = sorted(glob.glob(os.path.join(asn_dir, '*.asn')))
    if not files:
        sys.exit("csae_oracle: no .asn files in %s" % asn_dir)
    return asn1tools.compile_files(files, 'uper'), asn1tools.compile_files(files, 'jer')


def to_json(value):
    """asn1tools' Python value -> JSON as documented above."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, tuple):
        first, second = value
        if isinstance(first, str):
            return {first: to_json(second)}
        if isinstance(first, (bytes, bytearray)) and isinstance(second, int):
            return {"value": binascii.hexlify(first).decode(), "length": second}
        raise ValueError("unexpected tuple %r" % (value,))
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return binascii.hexlify(value).decode()
    if isinstance(value, bool) or value is None:
        raise ValueError("unexpected %r" % (value,))
    if isinstance(value, (int, str)):
        return value
    raise ValueError("unexpected %r" % (value,))


def bare_bit_strings(value):
    """Our JER -> the JER asn1tools reads: {"value", "length"} objects become bare hex."""
    if isinstance(value, dict):
        if set(value) == {"value", "length"} and isinstance(value["value"], str):
            hexs, n = value["value"], value["length"]
            if len(hexs) != 2 * ((n + 7) // 8):
                raise ValueError("bit string %r: wrong number of hex digits" % (value,))
            return hexs
        return {k: bare_bit_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [bare_bit_strings(v) for v in value]
    return value


def self_check(uper):
    rsm = ('rsmFrame', {
        'msgCnt': 1, 'id': b'12345678', 'refPos': {'lat': 0, 'long': 0},
        'participants': [{
            'ptcType': 'unknown', 'ptcId': 0, 'source': 'unknown', 'secMark': 0,
            'pos': {'offsetLL': ('position-LL1', {'lon': 0, 'lat': 0})},
            'posConfidence': {'pos': 'unavailable'}, 'speed': 0, 'heading': 0,
            'size': {'width': 0, 'length': 0}}]})
    first = uper.encode('MessageFrame', rsm)[0]
    if first >> 4 != 0b0010:
        sys.exit("csae_oracle: self-check failed: rsmFrame is not root alternative 2")
    node = {'id': {'id': 1}, 'refPos': {'lat': 0, 'long': 0}}
    try:
        uper.encode('MessageFrame', ('mapFrame', {'msgCnt': 0, 'nodes': [node] * 33}))
    except Exception as err:  # noqa: BLE001 - any refusal means the wrong variant
        sys.exit("csae_oracle: self-check failed: 33 nodes refused, not csae53-2020: %s" % err)


def decode(uper, req):
    data = binascii.unhexlify(req["uper"])
    value = uper.decode('MessageFrame', data)
    if value[0] is None:
        # An extension alternative asn1tools does not know: it says so instead of failing.
        return {"value": None, "uper": None}
    again = uper.encode('MessageFrame', value)
    return {"value": to_json(value), "uper": binascii.hexlify(again).decode()}


def encode(uper, jer, req):
    text = json.dumps(bare_bit_strings(req["value"])).encode()
    value = jer.decode('MessageFrame', text)
    return {"uper": binascii.hexlify(uper.encode('MessageFrame', value)).decode()}


def main(argv):
    if len(argv) != 3 or argv[2] not in ("decode", "encode"):
        sys.exit("usage: csae_oracle.py ASN_DIR decode|encode")
    uper, jer = compile_specs(argv[1])
    self_check(uper)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            answer = decode(uper, req) if argv[2] == "decode" else encode(uper, jer, req)
        except Exception as err:  # noqa: BLE001 - every failure is an answer
            answer = {"error": "%s: %s" % (type(err).__name__, err)}
        sys.stdout.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
