#!/usr/bin/env python3
"""Differential-test oracle for the J2735 codec: pycrate's ISO TS 19091 DSRC, corrected to J2735.

pycrate (PyPI `pycrate`) ships `pycrate_asn1dir.ITS_IS`, whose module `DSRC` has MapData, SPAT,
SignalRequestMessage and SignalStatusMessage with the same structure as SAE J2735-2020. Where
ISO and J2735 differ, this script changes pycrate's constraint objects in place at start-up so
that the oracle speaks J2735 (never the other way round):

  Longitude            J2735 -1799999999..1800000001   ISO -1800000000..1800000001
  Iso3833VehicleType   J2735 0..100                    ISO 0..255
  TimeMark             J2735-2020 0..36111              ISO 0..36001

Three more run-time corrections make the oracle's JER comparable with the codec's:
  * `regional` entries stay opaque, `{"regionId": N, "regExtValue": "<hex>"}`: the ISO REGION
    sets type other region ids (and other add-on groups) than J2735's, so pycrate's table
    look-up of the open type is switched off for every open type of the four messages;
  * a BIT STRING whose size constraint has an extension marker (`SIZE(8, ...)`) is written
    `{"value": hex, "length": n}` as X.697 requires (a size that is not fixed); pycrate writes
    bare hex, and loses the length of an extension-size value. Bare hex is still read;
  * a hex string given for a BIT STRING must have exactly the digits its length needs and zero
    padding bits (pycrate would silently mis-align or overflow it).

Interface: one JSON object per line on stdin, one per line on stdout (see tools/README.md).
  decode:  {"messageId": N, "uper": "<hex of the inner message>"} -> {"messageId": N, "value": JER}
  decode-native: the same, in pycrate's own JER (bare hex for a BIT STRING of SIZE(n, ...))
  encode:  {"messageId": N, "value": JER}                           -> {"messageId": N, "uper": hex}
Any failure gives {"error": "..."} on that line. messageIds: 18 MapData, 19 SPAT, 29 SRM, 30 SSM.
"""

import json
import sys

try:
    from pycrate_asn1dir import ITS_IS
    from pycrate_asn1rt.asnobj_str import BIT_STR
    from pycrate_asn1rt.setobj import ASN1RangeInt
    from pycrate_core.charpy import Charpy
except ImportError as err:  # pragma: no cover - depends on the machine
    sys.exit("pycrate_oracle: pycrate is not installed (pip install pycrate): %s" % err)

DSRC = ITS_IS.DSRC

# J2735 MessageFrame messageId -> the DSRC type of the open type's contents.
MESSAGES = {
    18: DSRC.MapData,
    19: DSRC.SPAT,
    29: DSRC.SignalRequestMessage,
    30: DSRC.SignalStatusMessage,
}

# (type object, J2735 lower bound, J2735 upper bound)
J2735_RANGES = [
    (ITS_IS.ITS_Container.Longitude, -1799999999, 1800000001),
    (ITS_IS.ElectronicRegistrationIdentificationVehicleDataModule.Iso3833VehicleType, 0, 100),
    (DSRC.TimeMark, 0, 36111),
]


def _walk(obj, path):
    """Yields (path, object) for obj and every component type below it."""
    yield path, obj
    if obj.TYPE in ('SEQUENCE', 'SET', 'CHOICE'):
        for name, comp in obj._cont.items():
            yield from _walk(comp, path + '.' + name)
    elif obj.TYPE in ('SEQUENCE OF', 'SET OF'):
        yield from _walk(obj._cont, path + '[]')


def _all_components():
    for typ in MESSAGES.values():
        yield from _walk(typ, typ._name)


def _derives_from(obj, typ):
    t = obj
    while t is not None:
        if t is typ:
            return True
        t = t._tr
    return False


def _patch_ranges():
    """Replaces the root range of each ISO integer type by J2735's, in place.

    pycrate binds every field that refers to a type (`long Longitude`) to that type's own
    ASN1Set object at module load, so re-initialising that one object changes the field
    everywhere; the walk below proves that no field holds a copy."""
    for typ, lb, ub in J2735_RANGES:
        const = typ._const_val
        const.__init__(rv=[], rr=[ASN1RangeInt(lb=lb, ub=ub)], ev=None, er=[])
        const._set_root_bnd()
        users = 0
        for path, obj in _all_components():
            if obj is not typ and _derives_from(obj, typ):
                if obj._const_val is not const:
                    raise RuntimeError('%s has its own copy of the %s constraint' % (path, typ._name))
                users += 1
        if users == 0:
            raise RuntimeError('no field of the four messages uses %s' % typ._name)


def _make_open_types_opaque():
    """Every open type of the four messages is a RegionalExtension's regExtValue: keep its
    contents as bytes (JER: hex string) instead of decoding it with ISO's REGION table."""
    for path, obj in _all_components():
        if obj.TYPE == 'OPEN_TYPE':
            if obj._name != 'regExtValue':
                raise RuntimeError('unexpected open type %s' % path)
            obj._TAB_LUT = False


def _fixed_size(obj):
    """The single root size of a BIT STRING (with or without `...`), else None."""
    sz = obj._const_sz
    if sz is not None and sz.ra == 1 and len(sz._rv) == 1:
        return sz._rv[0]
    return None


def _check_hex_bits(obj, text, nbits):
    if not isinstance(nbits, int) or nbits < 0:
        raise ValueError('%s: invalid BIT STRING length %r' % (obj.fullname(), nbits))
    if not isinstance(text, str):
        raise ValueError('%s: BIT STRING value must be a hex string' % obj.fullname())
    if len(text) != 2 * ((nbits + 7) // 8):
        raise ValueError('%s: %d bits need %d hex digits, got %r'
                         % (obj.fullname(), nbits, 2 * ((nbits + 7) // 8), text))
    try:
        val = int(text, 16) if text else 0
    except ValueError:
        raise ValueError('%s: not hexadecimal, %r' % (obj.fullname(), text))
    pad = -nbits % 8
    if pad and val & ((1 << pad) - 1):
        raise ValueError('%s: padding bits after the %d bits are not zero, %r'
                         % (obj.fullname(), nbits, text))
    return val >> pad


_orig_bits_to_jval = BIT_STR._to_jval
_orig_bits_from_jval = BIT_STR._from_jval


# `decode-native` leaves pycrate's own spelling (bare hex for an extensible single-value size),
# to check that the codec reads what pycrate writes.
NATIVE_JER = False


def _bits_to_jval(self):
    out = _orig_bits_to_jval(self)
    sz = self._const_sz
    if NATIVE_JER:
        return out
    if isinstance(out, str) and sz is not None and sz.ext is not None:
        # X.697: an extensible size is not a fixed size, so the length is written
        return {'value': out, 'length': self._val[1]}
    return out


def _bits_from_jval(self, val):
    if isinstance(val, str):
        size = _fixed_size(self)
        if size is None:
            raise ValueError('%s: a BIT STRING without a fixed size takes {"value", "length"}'
                             % self.fullname())
        self._val = (_check_hex_bits(self, val, size), size)
    elif isinstance(val, dict) and set(val) == {'value', 'length'}:
        nbits = val['length']
        self._val = (_check_hex_bits(self, val['value'], nbits), nbits)
    else:
        _orig_bits_from_jval(self, val)


BIT_STR._to_jval = _bits_to_jval
BIT_STR._from_jval = _bits_from_jval


def _self_check():
    """Proves the corrections took effect before answering anything."""
    lon = ITS_IS.ITS_Container.Longitude
    assert lon.to_uper(-1799999999) == b'\x00\x00\x00\x00', 'Longitude lower bound'
    assert lon.to_uper(1800000001) == (3600000000).to_bytes(4, 'big'), 'Longitude upper bound'
    tm = DSRC.TimeMark
    assert tm.to_uper(36111) == (36111).to_bytes(2, 'big'), 'TimeMark upper bound'
    iso = ITS_IS.ElectronicRegistrationIdentificationVehicleDataModule.Iso3833VehicleType
    assert iso.to_uper(100) == bytes([100 << 1]), 'Iso3833VehicleType is 7 bits'
    for typ, bad in ((lon, -1800000000), (tm, 36112), (iso, 101)):
        try:
            typ.to_uper(bad)
        except Exception:
            continue
        raise AssertionError('%s accepted %d' % (typ._name, bad))


def _message_type(req):
    msg_id = req.get('messageId')
    if not isinstance(msg_id, int) or isinstance(msg_id, bool):
        raise ValueError('messageId must be an integer')
    if msg_id not in MESSAGES:
        raise ValueError('messageId %d is not supported (only %s)'
                         % (msg_id, ', '.join(str(k) for k in sorted(MESSAGES))))
    return msg_id, MESSAGES[msg_id]


def decode(req):
    msg_id, typ = _message_type(req)
    if not isinstance(req.get('uper'), str):
        raise ValueError('missing "uper" hex string')
    data = bytes.fromhex(req['uper'])
    char = Charpy(data)
    typ.from_uper(char)  # consumes the value and its padding to the octet
    rest = char.len_bit() // 8
    if rest:
        raise ValueError('%d byte(s) after the %s encoding' % (rest, typ._name))
    # to_jer() is json.dumps of _to_jval(); skipping the text round trip halves a MAP's time
    return {'messageId': msg_id, 'value': typ._to_jval()}


def encode(req):
    msg_id, typ = _message_type(req)
    if 'value' not in req:
        raise ValueError('missing "value"')
    typ.from_jer(json.dumps(req['value']))
    return {'messageId': msg_id, 'uper': typ.to_uper().hex()}


def main(argv):
    global NATIVE_JER
    if len(argv) != 2 or argv[1] not in ('decode', 'decode-native', 'encode'):
        sys.stderr.write('usage: pycrate_oracle.py decode|decode-native|encode  '
                         '(JSON lines on stdin)\n')
        return 2
    NATIVE_JER = argv[1] == 'decode-native'
    _patch_ranges()
    _make_open_types_opaque()
    _self_check()
    return serve(encode if argv[1] == 'encode' else decode)


def serve(work):
    """Answers each JSON object line of stdin with work(request) as one line on stdout; any
    failure is an {"error"} answer on that line, never the end of the run. Shared with
    pycrate_etsi_oracle.py."""
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ValueError('each line must be a JSON object')
            res = work(req)
        except Exception as err:  # any failure is an answer, never the end of the run
            msg = ' '.join(str(err).split()) or type(err).__name__
            res = {'error': '%s: %s' % (type(err).__name__, msg)}
        out.write(json.dumps(res, separators=(',', ':')) + '\n')
        out.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
