#!/usr/bin/env python3
"""Differential-test oracle for IEEE 1609.2 / ETSI TS 103 097 signed SPDUs.

An independent implementation of SPDU signing and verification, written only from the
standards' rules, so that CI can compare it with `rsu sign` / `rsu verify`; it must never share
code with the Rust side. Encoding: pycrate's compiled IEEE 1609.2-2016 ASN.1
(`pycrate_asn1dir.ITS_IEEE1609_2`, modules `Ieee1609Dot2` and `Ieee1609Dot2BaseTypes`) in COER.
ECDSA: the `cryptography` package.

Rules implemented (IEEE 1609.2 5.3.1, 6.3, 6.4):
  * signature input e = H( H(COER(tbsData)) || H(COER(signer certificate)) ), with H(b"")
    for a self-signed certificate; for a certificate tbsData is its toBeSigned;
  * H is SHA-256 for a 256-bit key (NIST P-256, brainpoolP256r1) and SHA-384 for a 384-bit
    key; a SignedData hashId or IssuerIdentifier naming another hash is refused;
  * HashedId8 (HashedId3) of a certificate = the last 8 (3) bytes of H(COER(certificate)),
    H chosen by the certificate's own verification key; an issuer is found by the hash its
    IssuerIdentifier names (sha256AndDigest / sha384AndDigest);
  * rSig: x-only, compressed-y-0/1 and uncompressed all carry x(R), taken as r; fill is refused;
  * Time64 = TAI microseconds since 2004-01-01, i.e. (unix - 1072915200 + 5 leap s) * 10^6.
Only cryptographic validity is checked: not the validity period, region, PSID permissions or
any other certificate policy. Every input must be canonical COER (it re-encodes identically).

verify-gn applies the same verification to a secured GeoNetworking packet (EN 302 636-4-1:
basic header version 1, next header 2, then EtsiTs103097Data whose unsecuredData is the GN
common header onward) and checks the TS 103 097 v2.1.1 profile on the way: generationTime
present, p2pcdLearningRequest / missingCrlIdentifier absent, no generationLocation for
SPATEM/MAPEM (137/138) and one for DENM (37), a certificate signer of exactly one
certificate, the GN payload length, and the psid against the BTP-B port's ITS-AID.

Commands (see tools/README.md): verify, verify-gn, sign, selftest. Exit 0 ok / 1 invalid / 2
usage or parse error.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

try:
    from pycrate_asn1dir import ITS_IEEE1609_2
    from pycrate_asn1rt.asnobj import ASN1Obj
    from pycrate_core.charpy import Charpy
except ImportError as err:  # pragma: no cover - depends on the machine
    sys.exit('its_sec_oracle: pycrate is not installed (pip install pycrate): %s' % err)


def _bounded_fullname(self: Any) -> str:
    """ASN1Obj.fullname without pycrate 0.8.1's endless walk.

    1609.2 is recursive (an Ieee1609Dot2Data inside SignedDataPayload), and pycrate's objects
    for it form a parent cycle. A CHOICE meeting an unknown extension tag logs its fullname()
    eagerly, and pycrate's walk up the parents never ends: it grew to 24 GB and was killed on
    a tampered packet (CI, 2026-12-07). This walk stops where a parent repeats.
    """
    name, seen, obj = [self._name], {id(self)}, self
    while obj._parent is not None and id(obj._parent) not in seen:
        obj = obj._parent
        seen.add(id(obj))
        name.append(obj._name)
    return '.'.join(reversed(name))


ASN1Obj.fullname = _bounded_fullname
try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, utils
except ImportError as err:  # pragma: no cover - depends on the machine
    sys.exit('its_sec_oracle: cryptography is not installed (pip install cryptography): %s' % err)

D = ITS_IEEE1609_2.Ieee1609Dot2
B = ITS_IEEE1609_2.Ieee1609Dot2BaseTypes

UNIX_AT_2004 = 1072915200        # 2004-01-01T00:00:00Z
LEAP_SECONDS_SINCE_2004 = 5      # TAI - UTC grew by 5 s between 2004 and 2017 (none since)
MAX_CHAIN = 8

# pycrate's module is 1609.2-2016: alternatives added later are kept as unknown extensions,
# named after their context tag; [3] is ecdsaNistP384 in both PublicVerificationKey and
# Signature.
EXT_NIST_P384 = '_ext_203'


class UsageError(Exception):
    """Bad command line or unreadable input file: exit 2."""


class ParseError(Exception):
    """An SPDU or certificate that is not canonical COER of the expected type: exit 2."""


@dataclass(frozen=True)
class Curve:
    name: str            # our label
    key_choice: str      # PublicVerificationKey alternative
    sig_choice: str      # Signature alternative
    curve: ec.EllipticCurve
    size: int            # field size in octets
    hash_name: str       # HashAlgorithm value / hashlib name

    def hash(self, data: bytes) -> bytes:
        return hashlib.new(self.hash_name, data).digest()

    def prehashed(self) -> ec.ECDSA:
        algo = hashes.SHA256() if self.hash_name == 'sha256' else hashes.SHA384()
        return ec.ECDSA(utils.Prehashed(algo))


CURVES = (
    Curve('nistP256', 'ecdsaNistP256', 'ecdsaNistP256Signature', ec.SECP256R1(), 32, 'sha256'),
    Curve('brainpoolP256r1', 'ecdsaBrainpoolP256r1', 'ecdsaBrainpoolP256r1Signature',
          ec.BrainpoolP256R1(), 32, 'sha256'),
    Curve('brainpoolP384r1', 'ecdsaBrainpoolP384r1', 'ecdsaBrainpoolP384r1Signature',
          ec.BrainpoolP384R1(), 48, 'sha384'),
    Curve('nistP384', EXT_NIST_P384, EXT_NIST_P384, ec.SECP384R1(), 48, 'sha384'),
)
CURVE_BY_KEY = {c.key_choice: c for c in CURVES}
CURVE_BY_SIG = {c.sig_choice: c for c in CURVES}


def curve_of_key(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> Curve:
    for c in CURVES:
        if c.curve.name == key.curve.name:
            return c
    raise UsageError('unsupported curve %s (only %s)'
                     % (key.curve.name, ', '.join(c.curve.name for c in CURVES)))


def hash_named(name: Any, data: bytes) -> bytes:
    if name not in ('sha256', 'sha384'):
        raise ValueError('hash algorithm %r is not supported' % (name,))
    return hashlib.new(name, data).digest()


# --- COER -------------------------------------------------------------------------------------

def decode_exact(typ: Any, data: bytes, what: str) -> Any:
    """Decodes one whole value; refuses trailing bytes and non-canonical encodings."""
    char = Charpy(data)
    try:
        typ.from_coer(char)
    except MemoryError:
        raise  # a fault of the oracle (see _bounded_fullname), never a verdict on the input
    except Exception as err:  # pycrate raises many types; all mean "cannot decode"
        raise ParseError('%s: COER decoding failed: %s' % (what, ' '.join(str(err).split())))
    rest = char.len_bit() // 8
    if rest:
        raise ParseError('%s: %d byte(s) after the encoding' % (what, rest))
    value = typ.get_val()
    again = typ.to_coer(value)
    if again != data:
        raise ParseError('%s: not canonical COER (re-encodes as %s)' % (what, again.hex()))
    return value


def encode(typ: Any, value: Any) -> bytes:
    return typ.to_coer(value)


TBS_DATA = D.SignedData._cont['tbsData']
TBS_CERT = D.CertificateBase._cont['toBeSigned']


# --- keys, points and signatures ---------------------------------------------------------------

def point_to_key(curve: Curve, point: tuple[str, Any]) -> ec.EllipticCurvePublicKey:
    kind, val = point
    if kind == 'compressed-y-0':
        enc = b'\x02' + val
    elif kind == 'compressed-y-1':
        enc = b'\x03' + val
    elif kind in ('uncompressedP256', 'uncompressedP384'):
        enc = b'\x04' + val['x'] + val['y']
    else:
        raise ValueError('a verification key cannot be a %s point' % kind)
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(curve.curve, enc)
    except ValueError as err:
        raise ValueError('%s key is not a point of the curve: %s' % (curve.name, err))


def key_to_point(key: ec.EllipticCurvePublicKey) -> tuple[str, bytes]:
    enc = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    return ('compressed-y-0' if enc[0] == 2 else 'compressed-y-1', enc[1:])


def parse_signature(sig: tuple[str, Any]) -> tuple[Curve, int, int]:
    """(curve, r, s) of a Signature value; r is the x coordinate carried by rSig."""
    choice, val = sig
    curve = CURVE_BY_SIG.get(choice)
    if curve is None:
        raise ValueError('signature type %s is not supported' % choice)
    if choice == EXT_NIST_P384:  # unknown to pycrate's 2016 module: decode the open type
        val = decode_exact(B.EcdsaP384Signature, val, 'ecdsaNistP384Signature')
    kind, point = val['rSig']
    if kind in ('x-only', 'compressed-y-0', 'compressed-y-1'):
        x = point
    elif kind in ('uncompressedP256', 'uncompressedP384'):
        x = point['x']
    else:
        raise ValueError('rSig is %s, which carries no r' % kind)
    if len(x) != curve.size or len(val['sSig']) != curve.size:
        raise ValueError('%s signature with %d/%d-octet r/s' % (curve.name, len(x), len(val['sSig'])))
    return curve, int.from_bytes(x, 'big'), int.from_bytes(val['sSig'], 'big')


def make_signature(curve: Curve, r: int, s: int) -> tuple[str, Any]:
    val = {'rSig': ('x-only', r.to_bytes(curve.size, 'big')), 'sSig': s.to_bytes(curve.size, 'big')}
    if curve.sig_choice == EXT_NIST_P384:
        return (EXT_NIST_P384, encode(B.EcdsaP384Signature, val))
    return (curve.sig_choice, val)


def digest_e(curve: Curve, tbs: bytes, signer: bytes) -> bytes:
    """1609.2 5.3.1: e = H(H(tbs) || H(signer certificate or empty string))."""
    return curve.hash(curve.hash(tbs) + curve.hash(signer))


def ecdsa_sign(key: ec.EllipticCurvePrivateKey, tbs: bytes, signer: bytes) -> tuple[str, Any]:
    curve = curve_of_key(key)
    der = key.sign(digest_e(curve, tbs, signer), curve.prehashed())
    r, s = utils.decode_dss_signature(der)
    return make_signature(curve, r, s)


def ecdsa_verify(key: ec.EllipticCurvePublicKey, key_curve: Curve, sig: tuple[str, Any],
                 tbs: bytes, signer: bytes) -> str | None:
    """None if the signature is good, else the reason it is not."""
    try:
        curve, r, s = parse_signature(sig)
    except (ValueError, ParseError) as err:
        return str(err)
    if curve is not key_curve:
        return '%s signature but the key is %s' % (curve.name, key_curve.name)
    try:
        key.verify(utils.encode_dss_signature(r, s), digest_e(curve, tbs, signer), curve.prehashed())
    except InvalidSignature:
        return 'bad %s signature' % curve.name
    return None


# --- certificates -----------------------------------------------------------------------------

@dataclass
class Cert:
    raw: bytes
    value: dict
    label: str
    curve: Curve | None                      # None: implicit certificate (no key to use)
    key: ec.EllipticCurvePublicKey | None

    @classmethod
    def parse(cls, raw: bytes, label: str) -> 'Cert':
        value = decode_exact(D.Certificate, raw, 'certificate %s' % label)
        if value['version'] != 3:
            raise ParseError('certificate %s: version %d, not 3' % (label, value['version']))
        indicator, ind_val = value['toBeSigned']['verifyKeyIndicator']
        curve = key = None
        if indicator == 'verificationKey':
            choice, point = ind_val
            curve = CURVE_BY_KEY.get(choice)
            if curve is None:
                raise ParseError('certificate %s: verification key %s is not supported'
                                 % (label, choice))
            if choice == EXT_NIST_P384:
                point = decode_exact(B.EccP384CurvePoint, point, 'ecdsaNistP384 key')
            try:
                key = point_to_key(curve, point)
            except ValueError as err:
                raise ParseError('certificate %s: %s' % (label, err))
        return cls(raw, value, label, curve, key)

    def whole_hash(self) -> bytes:
        return self.curve.hash(self.raw) if self.curve else hashlib.sha256(self.raw).digest()

    def hashed_id8(self) -> bytes:
        return self.whole_hash()[-8:]

    def issuer_digest(self) -> tuple[str, bytes] | None:
        """(hash name, HashedId8) the IssuerIdentifier names, None if self-signed."""
        kind, val = self.value['issuer']
        if kind == 'self':
            return None
        if kind == 'sha256AndDigest':
            return ('sha256', val)
        if kind == 'sha384AndDigest':
            return ('sha384', val)
        raise ValueError('issuer identifier %s is not supported' % kind)


def find_by_digest(pool: list[Cert], hash_name: str, digest: bytes) -> Cert | None:
    for c in pool:
        if hash_named(hash_name, c.raw)[-8:] == digest:
            return c
    return None


# Outcome of checking one certificate's signature against its issuer.
CERT_OK, CERT_BAD, CERT_NO_ISSUER = 'ok', 'bad', 'issuer-unknown'


def verify_cert(cert: Cert, pool: list[Cert]) -> tuple[str, str, Cert | None]:
    """(outcome, reason, issuer certificate) of the certificate's own signature."""
    try:
        named = cert.issuer_digest()
    except ValueError as err:
        return CERT_BAD, str(err), None
    if named is None:
        issuer, signer_bytes, hash_name = cert, b'', cert.value['issuer'][1]
    else:
        hash_name, digest = named
        issuer = find_by_digest(pool, hash_name, digest)
        if issuer is None:
            return CERT_NO_ISSUER, 'issuer %s (%s) not given' % (digest.hex(), hash_name), None
        signer_bytes = issuer.raw
    if issuer.key is None or issuer.curve is None:
        return CERT_BAD, 'issuer %s has no explicit verification key' % issuer.label, issuer
    if hash_name != issuer.curve.hash_name:
        return (CERT_BAD, 'issuer identifier names %s but the issuer key %s needs %s'
                % (hash_name, issuer.curve.name, issuer.curve.hash_name), issuer)
    sig = cert.value.get('signature')
    if sig is None:
        return CERT_BAD, 'certificate has no signature', issuer
    why = ecdsa_verify(issuer.key, issuer.curve, sig, encode(TBS_CERT, cert.value['toBeSigned']),
                       signer_bytes)
    if why:
        return CERT_BAD, 'certificate %s: %s' % (cert.label, why), issuer
    return CERT_OK, '', issuer


def check_chain(cert: Cert, pool: list[Cert], require_root: bool) -> str | None:
    """Walks issuers as far as the pool goes; None if no link is bad."""
    cur = cert
    for _ in range(MAX_CHAIN):
        outcome, why, issuer = verify_cert(cur, pool)
        if outcome == CERT_BAD:
            return 'chain: %s' % why
        if outcome == CERT_NO_ISSUER:
            return 'chain: %s' % why if require_root else None
        if issuer is cur:
            return None  # self-signed root reached and its own signature checks
        cur = issuer
    return 'chain: longer than %d certificates' % MAX_CHAIN


def build_cert(tbs: dict, subject_key: ec.EllipticCurvePrivateKey,
               issuer: Cert | None, issuer_key: ec.EllipticCurvePrivateKey | None,
               label: str) -> Cert:
    """An explicit certificate for subject_key; self-signed when issuer is None."""
    curve = curve_of_key(subject_key)
    point: Any = key_to_point(subject_key.public_key())
    if curve.key_choice == EXT_NIST_P384:  # unknown to pycrate's 2016 module: an open type
        point = encode(B.EccP384CurvePoint, point)
    tbs = dict(tbs, verifyKeyIndicator=('verificationKey', (curve.key_choice, point)))
    if issuer is None:
        signing_key, signer_bytes = subject_key, b''
        issuer_id = ('self', curve_of_key(subject_key).hash_name)
    else:
        assert issuer_key is not None and issuer.curve is not None
        signing_key, signer_bytes = issuer_key, issuer.raw
        alg = issuer.curve.hash_name
        issuer_id = ('%sAndDigest' % alg, issuer.hashed_id8())
    sig = ecdsa_sign(signing_key, encode(TBS_CERT, tbs), signer_bytes)
    value = {'version': 3, 'type': 'explicit', 'issuer': issuer_id, 'toBeSigned': tbs,
             'signature': sig}
    return Cert.parse(encode(D.Certificate, value), label)


# --- SPDUs ------------------------------------------------------------------------------------

def now_time64() -> int:
    return int((time.time() - UNIX_AT_2004 + LEAP_SECONDS_SINCE_2004) * 1_000_000)


def sign_spdu(cert: Cert, key: ec.EllipticCurvePrivateKey, psid: int, time64: int | None,
              payload: bytes, signer_mode: str = 'digest', header_extra: dict | None = None,
              extra_certs: list[Cert] | None = None) -> bytes:
    """A signed SPDU. header_extra adds headerInfo fields (the verify-gn self-test uses it to
    build what the TS 103 097 profile forbids); extra_certs follow the signer certificate in a
    `certificate` signer."""
    curve = curve_of_key(key)
    if cert.key is None or cert.key.public_numbers() != key.public_key().public_numbers():
        raise UsageError('the private key does not belong to certificate %s' % cert.label)
    header: dict[str, Any] = {'psid': psid}
    if time64 is not None:
        header['generationTime'] = time64
    header.update(header_extra or {})
    tbs = {
        'payload': {'data': {'protocolVersion': 3, 'content': ('unsecuredData', payload)}},
        'headerInfo': header,
    }
    signer = ('digest', cert.hashed_id8()) if signer_mode == 'digest' else \
        ('certificate', [cert.value] + [c.value for c in extra_certs or []])
    spdu = {'protocolVersion': 3, 'content': ('signedData', {
        'hashId': curve.hash_name,
        'tbsData': tbs,
        'signer': signer,
        'signature': ecdsa_sign(key, encode(TBS_DATA, tbs), cert.raw),
    })}
    return encode(D.Ieee1609Dot2Data, spdu)


def verify_spdu(data: bytes, pool: list[Cert], require_root: bool = False) -> dict:
    """The verdict as the JSON object of the interface; ParseError if data cannot be read."""
    value = decode_exact(D.Ieee1609Dot2Data, data, 'SPDU')
    res: dict[str, Any] = {'valid': False, 'psid': None, 'signer': None, 'generationTime': None,
                           'payload': None, 'reason': ''}

    def invalid(reason: str) -> dict:
        res['reason'] = reason
        return res

    if value['protocolVersion'] != 3:
        return invalid('protocolVersion %d, not 3' % value['protocolVersion'])
    kind, sd = value['content']
    if kind != 'signedData':
        return invalid('content is %s, not signedData' % kind)
    tbs = sd['tbsData']
    header = tbs['headerInfo']
    res['psid'] = header['psid']
    res['generationTime'] = header.get('generationTime')
    inner = tbs['payload'].get('data')
    if inner is not None and inner['protocolVersion'] == 3 and inner['content'][0] == 'unsecuredData':
        res['payload'] = inner['content'][1].hex()

    signer_kind, signer_val = sd['signer']
    extra: list[Cert] = []
    if signer_kind == 'digest':
        res['signer'] = signer_val.hex()
        cert = next((c for c in pool if c.hashed_id8() == signer_val), None)
        if cert is None:
            return invalid('signer certificate %s not found' % signer_val.hex())
    elif signer_kind == 'certificate':
        try:
            chain = [Cert.parse(encode(D.Certificate, c), 'in SPDU #%d' % i)
                     for i, c in enumerate(signer_val)]
        except ParseError as err:
            return invalid(str(err))
        cert, extra = chain[0], chain[1:]
        res['signer'] = cert.hashed_id8().hex()
    else:
        return invalid('signer is %s: no certificate to verify with' % signer_kind)

    if cert.key is None or cert.curve is None:
        return invalid('signer certificate has no explicit verification key')
    if sd['hashId'] != cert.curve.hash_name:
        return invalid('hashId %s but the signer key %s needs %s'
                       % (sd['hashId'], cert.curve.name, cert.curve.hash_name))
    if inner is not None and inner['protocolVersion'] != 3:
        return invalid('payload data protocolVersion %d, not 3' % inner['protocolVersion'])
    why = ecdsa_verify(cert.key, cert.curve, sd['signature'], encode(TBS_DATA, tbs), cert.raw)
    if why:
        return invalid(why)
    why = check_chain(cert, pool + extra, require_root)
    if why:
        return invalid(why)
    res['valid'] = True
    res['reason'] = 'ok'
    return res


# --- GeoNetworking secured packets (ETSI EN 302 636-4-1, TS 103 097) -------------------------

GN_BASIC_LEN = 4
GN_COMMON_LEN = 8
# Extended header length by HT<<4|HST: beacon, GBC circle/rectangle/ellipse, SHB.
GN_EXTENDED_LEN = {0x10: 24, 0x40: 44, 0x41: 44, 0x42: 44, 0x50: 28}
# BTP-B well-known destination ports (TS 103 248) and the ITS-AID that signs what they carry
# (TS 102 965).
PORT_ITS_AID = {2001: 36, 2002: 37, 2003: 138, 2004: 137, 2006: 139, 2007: 140, 2008: 637}
ITS_AID_DENM = 37
NO_LOCATION_AIDS = (137, 138)


def check_gn_inner(inner: bytes) -> tuple[str | None, int | None]:
    """(reason or None, BTP-B destination port or None) for the unsecured part of a secured
    GN packet: common header, extended header, then the payload the common header counts."""
    if len(inner) < GN_COMMON_LEN:
        return 'inner payload of %d bytes is shorter than the GN common header' % len(inner), None
    nh, ht, pl = inner[0] >> 4, inner[1], int.from_bytes(inner[4:6], 'big')
    ext = GN_EXTENDED_LEN.get(ht)
    if ext is None:
        return 'GN header type 0x%02x is not beacon, GBC or SHB' % ht, None
    after = len(inner) - GN_COMMON_LEN - ext
    if after < 0 or pl != after:
        return ('GN common header payload length %d, but %d bytes follow the extended header'
                % (pl, after)), None
    if nh == 2 and after >= 4:  # BTP-B: destination port first
        start = GN_COMMON_LEN + ext
        return None, int.from_bytes(inner[start:start + 2], 'big')
    return None, None


def verify_gn(frame: bytes, pool: list[Cert], require_root: bool = False,
              expect_psid: int | None = None) -> dict:
    """The verdict on a whole GN packet (basic header onward) as the JSON object of the
    interface; ParseError when the secured part is not canonical COER."""
    res: dict[str, Any] = {'valid': False, 'psid': None, 'signer': None, 'signerForm': None,
                           'generationTime': None, 'inner': None, 'reason': ''}

    def invalid(reason: str) -> dict:
        res['reason'] = reason
        return res

    if len(frame) < GN_BASIC_LEN:
        raise ParseError('%d bytes: shorter than the GN basic header' % len(frame))
    version, nh = frame[0] >> 4, frame[0] & 0x0F
    if version != 1:
        return invalid('GN basic header version %d, not 1' % version)
    if nh != 2:
        return invalid('GN basic header next header %d, not 2 (secured packet)' % nh)
    secured = frame[GN_BASIC_LEN:]
    # Nothing may follow the EtsiTs103097Data: decode_exact refuses trailing bytes.
    value = decode_exact(D.Ieee1609Dot2Data, secured, 'EtsiTs103097Data')
    kind, sd = value['content']
    if kind != 'signedData':
        return invalid('EtsiTs103097Data content is %s, not signedData' % kind)
    header = sd['tbsData']['headerInfo']
    res['psid'] = header['psid']
    res['generationTime'] = header.get('generationTime')
    signer_kind, signer_val = sd['signer']
    res['signerForm'] = signer_kind
    inner = sd['tbsData']['payload'].get('data')
    if inner is not None and inner['content'][0] == 'unsecuredData':
        res['inner'] = inner['content'][1].hex()
    # TS 103 097 v2.1.1 profile, before the signature: what an ETSI receiver refuses anyway.
    if 'generationTime' not in header:
        return invalid('profile: generationTime absent')
    for forbidden in ('p2pcdLearningRequest', 'missingCrlIdentifier'):
        if forbidden in header:
            return invalid('profile: %s present' % forbidden)
    if header['psid'] in NO_LOCATION_AIDS and 'generationLocation' in header:
        return invalid('profile: generationLocation present for psid %d' % header['psid'])
    if header['psid'] == ITS_AID_DENM and 'generationLocation' not in header:
        return invalid('profile: generationLocation absent for a DENM')
    if signer_kind == 'certificate' and len(signer_val) != 1:
        return invalid('profile: signer is %d certificates, not exactly one' % len(signer_val))
    if signer_kind not in ('certificate', 'digest'):
        return invalid('profile: signer is %s' % signer_kind)
    if res['inner'] is None:
        return invalid('profile: payload is not unsecuredData')
    if expect_psid is not None and header['psid'] != expect_psid:
        return invalid('psid %d, expected %d' % (header['psid'], expect_psid))
    why, port = check_gn_inner(bytes.fromhex(res['inner']))
    if why:
        return invalid(why)
    if port in PORT_ITS_AID and PORT_ITS_AID[port] != header['psid']:
        return invalid('psid %d does not sign what BTP port %d carries (ITS-AID %d)'
                       % (header['psid'], port, PORT_ITS_AID[port]))
    verdict = verify_spdu(secured, pool, require_root)
    res['signer'] = verdict['signer']
    if not verdict['valid']:
        return invalid(verdict['reason'])
    res['valid'] = True
    res['reason'] = 'ok'
    return res


# --- input ------------------------------------------------------------------------------------

def read_bytes(path: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if path == '-' else Path(path).read_bytes()
    except OSError as err:
        raise UsageError('cannot read %s: %s' % (path, err.strerror))


def parse_hex(text: str, what: str) -> bytes:
    try:
        return bytes.fromhex(''.join(text.split()))
    except ValueError:
        raise UsageError('%s is not hexadecimal' % what)


def spdu_input(args: argparse.Namespace) -> bytes:
    """--hex, or a FILE/stdin holding either binary COER or hex text. Binary is told apart by
    its first byte: an Ieee1609Dot2Data starts with protocolVersion 3, never a hex digit."""
    if args.hex is not None:
        return parse_hex(args.hex, '--hex')
    raw = read_bytes(args.file)
    text = raw.strip()
    if text and all(chr(b) in '0123456789abcdefABCDEF \t\r\n' for b in text):
        return parse_hex(text.decode('ascii'), args.file)
    return raw


def load_certs(paths: list[str]) -> list[Cert]:
    certs = []
    for p in paths:
        try:
            certs.append(Cert.parse(read_bytes(p), p))
        except ParseError as err:
            raise UsageError(str(err))
    return certs


def load_key(path: str) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(read_bytes(path), password=None)
    except (ValueError, TypeError) as err:
        raise UsageError('%s: not an unencrypted PEM private key: %s' % (path, err))
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise UsageError('%s: not an EC private key' % path)
    curve_of_key(key)
    return key


# --- commands ---------------------------------------------------------------------------------

def cmd_verify(args: argparse.Namespace) -> int:
    pool = load_certs(args.cert)
    data = spdu_input(args)
    try:
        res = verify_spdu(data, pool, args.require_root)
    except ParseError as err:
        res = {'valid': False, 'psid': None, 'signer': None, 'generationTime': None,
               'payload': None, 'reason': str(err)}
        print(json.dumps(res))
        return 2
    print(json.dumps(res))
    return 0 if res['valid'] else 1


def cmd_verify_gn(args: argparse.Namespace) -> int:
    pool = load_certs(args.cert)
    try:
        res = verify_gn(spdu_input(args), pool, args.require_root, args.psid)
    except ParseError as err:
        print(json.dumps({'valid': False, 'psid': None, 'signer': None, 'signerForm': None,
                          'generationTime': None, 'inner': None, 'reason': str(err)}))
        return 2
    print(json.dumps(res))
    return 0 if res['valid'] else 1


def cmd_sign(args: argparse.Namespace) -> int:
    (cert,) = load_certs([args.cert])
    key = load_key(args.key)
    payload = parse_hex(args.hex, '--hex') if args.hex is not None else read_bytes(args.file)
    if args.psid < 0:
        raise UsageError('--psid must not be negative')
    time64 = now_time64() if args.time64 is None else args.time64
    if not 0 <= time64 < 1 << 64:
        raise UsageError('--time64 must fit in 64 unsigned bits')
    print(sign_spdu(cert, key, args.psid, time64, payload, args.signer).hex())
    return 0


class SelfTest:
    def __init__(self) -> None:
        self.groups: dict[str, list[int]] = {}
        self.failures: list[str] = []

    def check(self, group: str, ok: bool, what: str) -> None:
        g = self.groups.setdefault(group, [0, 0])
        g[0] += 1
        if not ok:
            g[1] += 1
            self.failures.append('%s: %s' % (group, what))


def vectors_file() -> Path:
    env = os.environ.get('RSU_VECTORS')
    base = Path(env) if env else Path(__file__).resolve().parent.parent.parent / 'shared' / 'vectors'
    return base / 'security' / 'security-vectors.json'


def selftest_vectors(t: SelfTest, vectors: dict) -> None:
    pool: dict[str, Cert] = {}
    for v in vectors['certificates']:
        name = v['name']
        raw = bytes.fromhex(v['hex'])
        try:
            cert = Cert.parse(raw, name)  # includes the identical re-encoding check
        except ParseError as err:
            t.check('certificate COER round trip', False, str(err))
            continue
        t.check('certificate COER round trip', True, name)
        t.check('certificate HashedId8', cert.hashed_id8().hex() == v['hashedId8'].lower(),
                '%s: %s, vectors say %s' % (name, cert.hashed_id8().hex(), v['hashedId8']))
        pool[name] = cert
        if 'vkey' in v and cert.key is not None and cert.curve is not None:
            priv = ec.derive_private_key(int(v['vkey'], 16), cert.curve.curve)
            match = priv.public_key().public_numbers() == cert.key.public_numbers()
            expect = 'does NOT match' not in v.get('note', '')
            t.check('private key matches certificate', match == expect,
                    '%s: match %s, expected %s' % (name, match, expect))
    certs = list(pool.values())
    for v in vectors['certificates']:
        cert = pool.get(v['name'])
        if cert is None:
            continue
        named = cert.issuer_digest()
        anomalous = 'ANOMALOUS' in v.get('note', '')
        if named is not None:
            # "in the pool" under either hash: the anomaly of CERT_IUT_A_B33_AT is a SHA-384
            # digest labelled sha256AndDigest, which must fail, not be skipped
            in_pool = any(find_by_digest(certs, h, named[1]) for h in ('sha256', 'sha384'))
            if not in_pool:
                continue
        outcome, why, _ = verify_cert(cert, certs)
        group = 'self-signed certificate verifies' if named is None else (
            'anomalous certificate fails' if anomalous else 'certificate verifies')
        ok = (outcome != CERT_OK) if anomalous else (outcome == CERT_OK)
        t.check(group, ok, '%s: %s %s' % (v['name'], outcome, why))

    by_name = {s['name']: s for s in vectors['spdus']}

    def spdu(prefix: str) -> dict:
        for name, s in by_name.items():
            if name.startswith(prefix):
                return s
        raise KeyError('no SPDU named %s... in the vectors' % prefix)

    cases = [
        (spdu('vanetza VW Golf 8 CAM'), [], True),
        (spdu('synthetic SPDU'), [pool['CERT_IUT_A_AT']], True),
        (spdu('EU ECTL'), [], True),
        (spdu('vanetza CAM (signer=digest)'), certs, False),  # its signer is not published
    ]
    for s, given, expect_valid in cases:
        name = s['name']
        data = bytes.fromhex(s['hex'])
        try:
            res = verify_spdu(data, given)
        except ParseError as err:
            t.check('SPDU verdict', False, '%s: %s' % (name, err))
            continue
        t.check('SPDU verdict', res['valid'] == expect_valid, '%s: %s' % (name, res))
        exp = s.get('expected', {})
        facts_ok = res['psid'] == exp.get('psid') and \
            res['generationTime'] == exp.get('generationTime_Time64')
        if 'signer_HashedId8' in exp:
            facts_ok = facts_ok and res['signer'] == exp['signer_HashedId8']
        t.check('SPDU psid/generationTime/signer', facts_ok, '%s: %s vs %s' % (name, res, exp))
        if not expect_valid:
            continue
        for label, mutate in tamperings(data):
            try:
                bad = verify_spdu(mutate(), given)
                failed = not bad['valid']
            except ParseError:
                failed = True
            t.check('tampered SPDU fails', failed, '%s: %s still verifies' % (name, label))
    if 'E7A4B2B045E7ACF9' in pool:
        ectl = verify_spdu(bytes.fromhex(spdu('EU ECTL')['hex']), [])
        t.check('SPDU psid/generationTime/signer', ectl['signer'] == 'e7a4b2b045e7acf9',
                'ECTL signer %s' % ectl['signer'])


def tamperings(data: bytes) -> list[tuple[str, Callable[[], bytes]]]:
    """Copies of a signed SPDU with one octet of its tbsData changed, built value-wise so that
    each stays decodable and canonical."""
    value = decode_exact(D.Ieee1609Dot2Data, data, 'SPDU')

    def with_tbs(change: Callable[[dict], None]) -> Callable[[], bytes]:
        def build() -> bytes:
            v = decode_exact(D.Ieee1609Dot2Data, data, 'SPDU')
            change(v['content'][1]['tbsData'])
            return encode(D.Ieee1609Dot2Data, v)
        return build

    def flip_payload(tbs: dict) -> None:
        inner = tbs['payload']['data']
        body = bytearray(inner['content'][1])
        body[len(body) // 2] ^= 0x01
        inner['content'] = ('unsecuredData', bytes(body))

    def flip_time(tbs: dict) -> None:
        tbs['headerInfo']['generationTime'] ^= 0x01

    def flip_psid(tbs: dict) -> None:
        tbs['headerInfo']['psid'] ^= 0x01

    out = [('payload octet', with_tbs(flip_payload)), ('psid', with_tbs(flip_psid))]
    if 'generationTime' in value['content'][1]['tbsData']['headerInfo']:
        out.append(('generationTime octet', with_tbs(flip_time)))
    return out


def selftest_roundtrip(t: SelfTest) -> None:
    """Sign -> verify with fresh keys and certificates built here."""
    start = int(time.time()) - UNIX_AT_2004 + LEAP_SECONDS_SINCE_2004
    base = {'id': ('none', 0), 'cracaId': b'\x00\x00\x00', 'crlSeries': 0,
            'validityPeriod': {'start': start, 'duration': ('hours', 24)}}
    psid = 130
    t.check('PSID COER', encode(B.Psid, psid) == b'\x01\x82', 'PSID 130 is not 01 82')
    for root_curve in (ec.SECP256R1(), ec.BrainpoolP384R1()):
        for leaf_curve in (ec.SECP256R1(), ec.BrainpoolP256R1(), ec.BrainpoolP384R1(), ec.SECP384R1()):
            root_key = ec.generate_private_key(root_curve)
            leaf_key = ec.generate_private_key(leaf_curve)
            tag = '%s root, %s leaf' % (root_curve.name, leaf_curve.name)
            root = build_cert(dict(base, id=('name', 'oracle-root'),
                                   certIssuePermissions=[{'subjectPermissions': ('all', 0)}]),
                              root_key, None, None, 'root')
            leaf = build_cert(dict(base, appPermissions=[{'psid': psid}]),
                              leaf_key, root, root_key, 'leaf')
            t.check('built certificate verifies', verify_cert(root, [root])[0] == CERT_OK, tag)
            t.check('built certificate verifies', verify_cert(leaf, [root])[0] == CERT_OK, tag)
            for mode in ('digest', 'certificate'):
                data = sign_spdu(leaf, leaf_key, psid, 693000000000000, b'oracle', mode)
                res = verify_spdu(data, [leaf, root] if mode == 'digest' else [root], True)
                ok = res['valid'] and res['payload'] == b'oracle'.hex() and res['psid'] == psid \
                    and res['signer'] == leaf.hashed_id8().hex()
                t.check('sign -> verify', ok, '%s, %s: %s' % (tag, mode, res))
                for label, mutate in tamperings(data):
                    bad = verify_spdu(mutate(), [leaf, root], True)
                    t.check('tampered SPDU fails', not bad['valid'], '%s: %s' % (tag, label))
            if root_curve.name != leaf_curve.name:
                # the IssuerIdentifier and hashId are outside what is signed: naming the other
                # hash (digest still matching under it) must be refused, not followed
                wrong = 'sha256' if root.curve.hash_name == 'sha384' else 'sha384'
                relabel = dict(leaf.value, issuer=('%sAndDigest' % wrong,
                                                   hash_named(wrong, root.raw)[-8:]))
                relabelled = Cert.parse(encode(D.Certificate, relabel), 'relabelled')
                t.check('hash named against the key fails',
                        verify_cert(relabelled, [root])[0] == CERT_BAD, tag)
                spdu = decode_exact(D.Ieee1609Dot2Data, sign_spdu(leaf, leaf_key, psid, 1, b'x'),
                                    'SPDU')
                wrong = 'sha256' if leaf.curve.hash_name == 'sha384' else 'sha384'
                spdu['content'][1]['hashId'] = wrong
                res = verify_spdu(encode(D.Ieee1609Dot2Data, spdu), [leaf, root])
                t.check('hash named against the key fails', not res['valid'], '%s: %s' % (tag, res))
            other = ec.generate_private_key(root_curve)
            stranger = build_cert(dict(base, id=('name', 'oracle-root')), other, None, None, 'other')
            res = verify_spdu(sign_spdu(leaf, leaf_key, psid, 1, b'x', 'certificate'), [stranger],
                              True)
            t.check('chain to a wrong root fails', not res['valid'], '%s: %s' % (tag, res))
    # COER canonical check: PSID 130 with a redundant length octet must be refused
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = build_cert(dict(base, id=('name', 'r')), root_key, None, None, 'root')
    good = sign_spdu(root, root_key, psid, 1, b'x', 'digest')
    loose = good.replace(b'\x01\x82', b'\x02\x00\x82', 1)
    try:
        verify_spdu(loose, [root])
        t.check('non-canonical COER refused', False, 'PSID 02 00 82 accepted')
    except ParseError:
        t.check('non-canonical COER refused', True, '')
    selftest_cli(t, root, root_key)


def selftest_cli(t: SelfTest, cert: Cert, key: ec.EllipticCurvePrivateKey) -> None:
    """The command-line interface itself, in a subprocess, with files as CI will use it."""
    with tempfile.TemporaryDirectory() as tmp:
        cert_path = Path(tmp, 'cert.oer')
        key_path = Path(tmp, 'key.pem')
        cert_path.write_bytes(cert.raw)
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        me = [sys.executable, str(Path(__file__).resolve())]
        signed = subprocess.run(me + ['sign', '--cert', str(cert_path), '--key', str(key_path),
                                      '--psid', '130', '--hex', '00ff'],
                                capture_output=True, text=True, check=False)
        t.check('CLI sign | verify', signed.returncode == 0, 'sign: %s' % signed.stderr.strip())
        checked = subprocess.run(me + ['verify', '--cert', str(cert_path), '-'],
                                 input=signed.stdout, capture_output=True, text=True, check=False)
        try:
            res = json.loads(checked.stdout)
        except json.JSONDecodeError:
            res = {}
        t.check('CLI sign | verify', checked.returncode == 0 and res.get('valid') is True
                and res.get('payload') == '00ff', 'verify: %s %s' % (checked.stdout, checked.stderr))
        bad = subprocess.run(me + ['verify', '--cert', str(cert_path), '--hex', '0381'],
                             capture_output=True, text=True, check=False)
        t.check('CLI sign | verify', bad.returncode == 2, 'truncated SPDU gave exit %d' % bad.returncode)


def gn_frame(inner: bytes, spdu: bytes, first_octet: int = 0x12) -> bytes:
    """Basic header (version 1, NH 2 unless first_octet says otherwise, lifetime 60 s as
    itsGnDefaultPacketLifetime, RHL 1) + the secured structure."""
    return bytes([first_octet, 0, 0x1A, 1]) + spdu


def gn_inner(port: int, message: bytes) -> bytes:
    """Common header (BTP-B, SHB, DP2, not mobile, MHL 1) + SHB extended header (an RSU's
    long position vector, station type 15) + BTP-B header + message."""
    pl = 4 + len(message)
    common = bytes([0x20, 0x50, 0x02, 0x00]) + pl.to_bytes(2, 'big') + bytes([1, 0])
    lpv = bytes([0x3C, 0x00]) + bytes(6) + (123456).to_bytes(4, 'big') + \
        (507000000).to_bytes(4, 'big') + (43000000).to_bytes(4, 'big') + bytes(4)
    return common + lpv + bytes(4) + port.to_bytes(2, 'big') + bytes(2) + message


def selftest_gn(t: SelfTest) -> None:
    """verify-gn on frames built here: a valid SPATEM-like packet, then one broken thing at a
    time."""
    start = int(time.time()) - UNIX_AT_2004 + LEAP_SECONDS_SINCE_2004
    base = {'id': ('none', 0), 'cracaId': b'\x00\x00\x00', 'crlSeries': 0,
            'validityPeriod': {'start': start, 'duration': ('hours', 24)}}
    root_key = ec.generate_private_key(ec.BrainpoolP384R1())
    root = build_cert(dict(base, id=('name', 'gn-root'),
                           certIssuePermissions=[{'subjectPermissions': ('all', 0)}]),
                      root_key, None, None, 'root')
    at_key = ec.generate_private_key(ec.SECP256R1())
    at = build_cert(dict(base, appPermissions=[{'psid': 137}, {'psid': 138}, {'psid': 37}]),
                    at_key, root, root_key, 'at')
    t64 = 693000000000000
    inner = gn_inner(2004, bytes.fromhex('0204000003e9') + b'spat')

    def frame(psid: int = 137, mode: str = 'certificate', extra: dict | None = None,
              body: bytes = inner, extra_certs: list[Cert] | None = None,
              time64: int | None = t64, first: int = 0x12) -> bytes:
        return gn_frame(body, sign_spdu(at, at_key, psid, time64, body, mode, extra,
                                        extra_certs), first)

    def verdict(data: bytes, pool: list[Cert], psid: int | None = None) -> dict:
        try:
            return verify_gn(data, pool, True, psid)
        except ParseError as err:
            return {'valid': False, 'reason': 'parse: %s' % err}

    good = frame()
    res = verdict(good, [root], 137)
    t.check('verify-gn valid packet', res['valid'] and res['inner'] == inner.hex()
            and res['psid'] == 137 and res['signerForm'] == 'certificate'
            and res['generationTime'] == t64, str(res))
    res = verdict(frame(mode='digest'), [at, root])
    t.check('verify-gn valid packet', res['valid'], 'digest with --cert: %s' % res)
    location = {'generationLocation': {'latitude': 507000000, 'longitude': 43000000,
                                       'elevation': 0}}
    denm = gn_inner(2002, b'denm')
    res = verdict(frame(37, extra=location, body=denm), [root])
    t.check('verify-gn valid packet', res['valid'], 'DENM with location: %s' % res)
    # Every single-octet change after the basic header must fail (or fail to parse).
    flips = 0
    for i in range(GN_BASIC_LEN, len(good)):
        bad = bytearray(good)
        bad[i] ^= 0x01
        flips += not verdict(bytes(bad), [root])['valid']
    t.check('verify-gn tampered byte fails', flips == len(good) - GN_BASIC_LEN,
            '%d of %d flipped octets still verify' % (len(good) - GN_BASIC_LEN - flips,
                                                       len(good) - GN_BASIC_LEN))
    # RHL is outside the signature: forwarders change it.
    rhl = bytearray(good)
    rhl[3] = 9
    t.check('verify-gn valid packet', verdict(bytes(rhl), [root])['valid'], 'RHL changed')
    cases = [
        ('wrong psid for the BTP port', frame(138), [root], None),
        ('psid other than expected', good, [root], 138),
        ('basic header NH 1', frame(first=0x11), [root], None),
        ('basic header version 0', frame(first=0x02), [root], None),
        ('no generationTime', frame(time64=None), [root], None),
        ('generationLocation in a SPATEM', frame(extra=location), [root], None),
        ('DENM without generationLocation', frame(37, body=denm), [root], None),
        ('p2pcdLearningRequest', frame(extra={'p2pcdLearningRequest': b'\x01\x02\x03'}),
         [root], None),
        ('two certificates', frame(extra_certs=[root]), [root], None),
        ('digest without the certificate', frame(mode='digest'), [root], None),
        ('chain to an unknown root', good, [], None),
        ('trailing byte', good + b'\x00', [root], None),
        ('GN payload length wrong', frame(body=inner + b'x'), [root], None),
    ]
    for label, data, pool, psid in cases:
        res = verdict(data, pool, psid)
        t.check('verify-gn refuses', not res['valid'], '%s: %s' % (label, res))
    # The command line, as the Rust test calls it.
    with tempfile.TemporaryDirectory() as tmp:
        root_path = Path(tmp, 'root.oer')
        root_path.write_bytes(root.raw)
        me = [sys.executable, str(Path(__file__).resolve()), 'verify-gn', '--cert',
              str(root_path), '--require-root']
        ok = subprocess.run(me + ['--psid', '137', '--hex', good.hex()], capture_output=True,
                            text=True, check=False)
        t.check('verify-gn CLI', ok.returncode == 0 and json.loads(ok.stdout)['valid'],
                ok.stdout + ok.stderr)
        bad = bytearray(good)
        bad[-1] ^= 0x80
        no = subprocess.run(me + ['-'], input=bytes(bad).hex(), capture_output=True, text=True,
                            check=False)
        t.check('verify-gn CLI', no.returncode == 1, no.stdout + no.stderr)
        short = subprocess.run(me + ['--hex', '1200'], capture_output=True, text=True,
                               check=False)
        t.check('verify-gn CLI', short.returncode == 2, short.stdout + short.stderr)


def cmd_selftest(args: argparse.Namespace) -> int:
    path = vectors_file()
    try:
        vectors = json.loads(path.read_text())
    except OSError as err:
        raise UsageError('cannot read the vectors %s: %s (set RSU_VECTORS)' % (path, err.strerror))
    t = SelfTest()
    selftest_vectors(t, vectors)
    selftest_roundtrip(t)
    selftest_gn(t)
    total = sum(g[0] for g in t.groups.values())
    failed = sum(g[1] for g in t.groups.values())
    for name, (n, bad) in t.groups.items():
        print('%-40s %3d checks%s' % (name, n, ', %d FAILED' % bad if bad else ''))
    for f in t.failures:
        print('FAIL ' + f)
    print('selftest: %d checks, %d failed (vectors %s)' % (total, failed, path))
    return 1 if failed else 0


# The oracle needs some 40 MB; a runaway inside pycrate must fail here fast, not take the
# CI machine's memory until the kernel kills the whole run.
ADDRESS_SPACE_LIMIT = 2 << 30


def main(argv: list[str]) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > ADDRESS_SPACE_LIMIT:
        cap = ADDRESS_SPACE_LIMIT
        if hard != resource.RLIM_INFINITY:
            cap = min(hard, cap)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    parser = argparse.ArgumentParser(prog='its_sec_oracle.py',
                                     description='Independent IEEE 1609.2 SPDU sign/verify oracle.')
    sub = parser.add_subparsers(dest='command', required=True)
    v = sub.add_parser('verify', help='verify a signed SPDU, print one JSON line')
    v.add_argument('--cert', action='append', default=[], metavar='CERT.oer',
                   help='a COER certificate: the signer (for signer=digest) or an issuer')
    v.add_argument('--require-root', action='store_true',
                   help='the signer chain must end at a self-signed certificate given or embedded')
    src = v.add_mutually_exclusive_group(required=True)
    src.add_argument('--hex', metavar='SPDU_HEX')
    src.add_argument('file', nargs='?', metavar='FILE', help='binary COER or hex text; - is stdin')
    s = sub.add_parser('sign', help='sign a payload, print the SPDU hex')
    s.add_argument('--cert', required=True, metavar='CERT.oer')
    s.add_argument('--key', required=True, metavar='KEY.pem', help='PKCS#8 PEM private key')
    s.add_argument('--psid', required=True, type=int)
    s.add_argument('--time64', type=int, help='generationTime (default: now)')
    s.add_argument('--signer', choices=('digest', 'certificate'), default='digest')
    src = s.add_mutually_exclusive_group(required=True)
    src.add_argument('--hex', metavar='PAYLOAD_HEX')
    src.add_argument('file', nargs='?', metavar='FILE', help='raw payload bytes; - is stdin')
    g = sub.add_parser('verify-gn', help='verify a secured GeoNetworking packet (basic header '
                       'onward) under the TS 103 097 profile, print one JSON line')
    g.add_argument('--cert', action='append', default=[], metavar='CERT.oer',
                   help='a COER certificate: the signer (for signer=digest) or an issuer')
    g.add_argument('--require-root', action='store_true',
                   help='the signer chain must end at a self-signed certificate given or embedded')
    g.add_argument('--psid', type=int, help='the ITS-AID the packet must be signed for')
    src = g.add_mutually_exclusive_group(required=True)
    src.add_argument('--hex', metavar='GN_HEX')
    src.add_argument('file', nargs='?', metavar='FILE', help='binary or hex text; - is stdin')
    sub.add_parser('selftest', help='check the oracle against the vectors file')
    args = parser.parse_args(argv)
    handlers = {'verify': cmd_verify, 'verify-gn': cmd_verify_gn, 'sign': cmd_sign,
                'selftest': cmd_selftest}
    try:
        return handlers[args.command](args)
    except UsageError as err:
        sys.stderr.write('its_sec_oracle: %s\n' % err)
        return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
