#!/usr/bin/env python3
"""Differential-test oracle for the ETSI codec: pycrate's ETSI ITS modules, as published.

Unlike pycrate_oracle.py (which corrects ISO TS 19091 to J2735), nothing here changes a range:
ETSI's SPATEM/MAPEM/SREM/SSEM carry ISO TS 19091 ed. 2 with the ETSI CDD types, which is what
`pycrate_asn1dir.ITS_IS` compiles (Longitude -1800000000..1800000001, Iso3833VehicleType
0..255, TimeMark 0..36001). CAM is EN 302 637-2 v1.4.1 (`ITS_CAM_2`), DENM EN 302 637-3
(`ITS_DENM_3`). The self-check at start-up proves those ranges are the ETSI ones.

Four run-time changes make the oracle's JER comparable with the codec's, none the wire:
  * a BIT STRING of extensible size is written {"value", "length"} as X.697 requires, and
    hex for a BIT STRING is checked strictly (shared with pycrate_oracle.py, imported from it);
  * a component equal to its DEFAULT is left out of the decoded JER, as UPER leaves it out and
    the codec writes it (pycrate fills the default in; X.697 allows both; DENM's
    validityDuration DEFAULT 600 is the one case in these modules);
  * `decode` decodes each message twice: first with pycrate's REGION tables, so every
    Addgrp-C (regionId 3) extension must be a valid value of the type its host's table names
    (a failure is the answer), then with the open types opaque, `{"regionId": N,
    "regExtValue": "<hex>"}`, which is the JER returned (the codec keeps regional data opaque
    and types it through views). The reply's "typed" counts the extensions pycrate typed.
  * pycrate 0.8.1's completeness check of a value with an extension addition group removes
    items from the list it iterates, so a group with its mandatory component and two more
    (IVI TcPart: iviType, laneStatus, vehicleCharacteristics) is refused as missing
    iviType; the same check runs on a copy of the list (`_fixed_valcompl`).

Interface: one JSON object per line on stdin, one per line on stdout (see tools/README.md).
  decode:  {"pdu": NAME, "uper": "<hex>"}  -> {"pdu": NAME, "value": JER, "typed": N}
  encode:  {"pdu": NAME, "value": JER}     -> {"pdu": NAME, "uper": "<hex>"}
Any failure gives {"error": "..."} on that line. NAME: SPATEM, MAPEM, IVIM, SREM, SSEM, CAM,
DENM.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    from pycrate_asn1dir import ITS_CAM_2, ITS_DENM_3, ITS_IS
    from pycrate_core.charpy import Charpy
    from pycrate_asn1rt.asnobj_construct import _CONSTRUCT
    from pycrate_asn1rt.err import ASN1ObjErr
    # Importing it installs the JER BIT STRING spelling (X.697 {"value", "length"}) and the
    # strict hex check; its J2735 range corrections run only in its own main().
    import pycrate_oracle  # noqa: F401
except ImportError as err:  # pragma: no cover - depends on the machine
    sys.exit("pycrate_etsi_oracle: pycrate is not installed (pip install pycrate): %s" % err)

def _fixed_valcompl(self, val):
    """pycrate's _CONSTRUCT._safechk_valcompl, iterating over a copy of the group names."""
    missing = set(self._root_mand) - set(val)
    if missing:
        raise ASN1ObjErr('%s: missing mandatory value(s): %s' % (self.fullname(), missing))
    if self._ext and self._ext_group:
        ext = [k for k in val if k in self._ext]
        for e in list(ext):
            if e not in self._ext_ident:
                continue
            grp_id = self._ext_ident[e]
            for ident, comp in self._ext_group_obj[grp_id]._cont.items():
                if not comp._opt and ident not in ext:
                    raise ASN1ObjErr('%s: missing extended value %s of group %d'
                                     % (self.fullname(), ident, grp_id))


_CONSTRUCT._safechk_valcompl = _fixed_valcompl

PDUS = {
    'SPATEM': ITS_IS.SPATEM_PDU_Descriptions.SPATEM,
    'MAPEM': ITS_IS.MAPEM_PDU_Descriptions.MAPEM,
    'IVIM': ITS_IS.IVIM_PDU_Descriptions.IVIM,
    'SREM': ITS_IS.SREM_PDU_Descriptions.SREM,
    'SSEM': ITS_IS.SSEM_PDU_Descriptions.SSEM,
    'CAM': ITS_CAM_2.CAM_PDU_Descriptions.CAM,
    'DENM': ITS_DENM_3.DENM_PDU_Descriptions.DENM,
}


def _walk(obj, path, seen):
    yield path, obj
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if obj.TYPE in ('SEQUENCE', 'SET', 'CHOICE'):
        for name, comp in obj._cont.items():
            yield from _walk(comp, path + '.' + name, seen)
    elif obj.TYPE in ('SEQUENCE OF', 'SET OF'):
        yield from _walk(obj._cont, path + '[]', seen)


OPEN_TYPES = []
for _name, _typ in PDUS.items():
    for _path, _obj in _walk(_typ, _name, set()):
        if _obj.TYPE == 'OPEN_TYPE':
            if _obj._name != 'regExtValue':
                raise RuntimeError('unexpected open type %s' % _path)
            OPEN_TYPES.append(_obj)


def _tables(on):
    for obj in OPEN_TYPES:
        obj._TAB_LUT = on


def _count_typed(val):
    """Regional entries whose regExtValue pycrate decoded to a typed value."""
    if isinstance(val, dict):
        n = 1 if 'regExtValue' in val and not isinstance(val['regExtValue'], str) else 0
        return n + sum(_count_typed(v) for v in val.values())
    if isinstance(val, list):
        return sum(_count_typed(v) for v in val)
    return 0


def _strip_defaults(typ, val):
    """`val` (pycrate JER of `typ`) without the SEQUENCE components equal to their DEFAULT."""
    t = typ.TYPE
    if t in ('SEQUENCE', 'SET') and isinstance(val, dict):
        for name in list(val):
            comp = typ._cont[name]
            if comp._def is not None and val[name] == comp._def:
                del val[name]
            else:
                _strip_defaults(comp, val[name])
    elif t in ('SEQUENCE OF', 'SET OF') and isinstance(val, list):
        for item in val:
            _strip_defaults(typ._cont, item)
    elif t == 'CHOICE' and isinstance(val, dict) and len(val) == 1:
        (name, inner), = val.items()
        if name in typ._cont:
            _strip_defaults(typ._cont[name], inner)
    return val


def _self_check():
    """Proves the ETSI ranges (not J2735's) and the header layout before judging anything."""
    c = ITS_IS.ITS_Container
    assert c.Longitude.to_uper(-1800000000) == b'\x00\x00\x00\x00', 'Longitude lower bound'
    assert c.Longitude.to_uper(1800000001) == (3600000001).to_bytes(4, 'big'), 'Longitude top'
    tm = ITS_IS.DSRC.TimeMark
    assert tm.to_uper(36001) == (36001).to_bytes(2, 'big'), 'TimeMark upper bound'
    iso = ITS_IS.ElectronicRegistrationIdentificationVehicleDataModule.Iso3833VehicleType
    assert iso.to_uper(255) == b'\xff', 'Iso3833VehicleType is 8 bits'
    for typ, bad in ((tm, 36002), (iso, 256)):
        try:
            typ.to_uper(bad)
        except Exception:
            continue
        raise AssertionError('%s accepted %d' % (typ._name, bad))
    hdr = c.ItsPduHeader
    hdr.set_val({'protocolVersion': 2, 'messageID': 4, 'stationID': 1001})
    assert hdr.to_uper() == bytes.fromhex('0204000003e9'), 'ItsPduHeader layout'
    assert ITS_IS.IVI._oid_ == [1, 0, 19321, 2], 'IVI is ISO TS 19321 v2'
    # GDD Code-Units for a distance is (2..4 | 6..8): PER encodes it over 2..8 in 3 bits.
    dist = ITS_IS.GDD.Distance
    dist.set_val({'value': 1, 'unit': 8})
    assert dist.to_uper() == bytes.fromhex('000300'), 'Distance unit range'
    cam_lon = ITS_CAM_2.ITS_Container.Longitude
    assert cam_lon.to_uper(-1800000000) == b'\x00\x00\x00\x00', 'CAM Longitude lower bound'


def _pdu(req):
    name = req.get('pdu')
    if name not in PDUS:
        raise ValueError('pdu %r is not supported (only %s)' % (name, ', '.join(sorted(PDUS))))
    return name, PDUS[name]


def _from_uper(typ, data):
    char = Charpy(data)
    typ.from_uper(char)  # consumes the value and its padding to the octet
    rest = char.len_bit() // 8
    if rest:
        raise ValueError('%d byte(s) after the %s encoding' % (rest, typ._name))


def decode(req):
    name, typ = _pdu(req)
    if not isinstance(req.get('uper'), str):
        raise ValueError('missing "uper" hex string')
    data = bytes.fromhex(req['uper'])
    _tables(True)
    try:
        _from_uper(typ, data)
        typed = _count_typed(typ._to_jval())
    finally:
        _tables(False)
    _from_uper(typ, data)
    return {'pdu': name, 'value': _strip_defaults(typ, typ._to_jval()), 'typed': typed}


def encode(req):
    name, typ = _pdu(req)
    if 'value' not in req:
        raise ValueError('missing "value"')
    _tables(False)
    typ.from_jer(json.dumps(req['value']))
    return {'pdu': name, 'uper': typ.to_uper().hex()}


def main(argv):
    if len(argv) != 2 or argv[1] not in ('decode', 'encode'):
        sys.stderr.write('usage: pycrate_etsi_oracle.py decode|encode  (JSON lines on stdin)\n')
        return 2
    _self_check()
    return pycrate_oracle.serve(encode if argv[1] == 'encode' else decode)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
