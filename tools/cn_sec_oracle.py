#!/usr/bin/env python3
"""Independent oracle for China's V2X security profile (YD/T 3957 / GB/T 45112).

Judges SPDUs signed by the Rust code (`rsu_security`) without sharing anything with it: the
COER bytes are walked by hand, SM3 comes from the `gmssl` package (PyPI, 3.2.2), and SM2
verification is written here from GB/T 32918.2 (section 7.1: B1..B7) on the curve of
GB/T 32918.5, in Jacobian coordinates.

Rules checked (YD/T 3957 as reported in shared/reference/cn-csae.md section 4.3):
  * SPDU: Ieee1609Dot2Data{protocolVersion 3, signedData{hashId sm3 (2), tbsData, signer,
    signature sm2Signature [4] (open type of 64 octets: r, s)}}; the signature is SM2 over
    M = COER(tbsData) as received, with Z_A computed from ID = SM3(signer certificate) (32 raw
    octets, ENTL 256) and the signer's public key;
  * certificate issued by a CA (issuer sm3AndDigest [3]): SM2 over COER(toBeSigned) with
    ID = SM3(issuer certificate), the issuer's key;
  * self-signed root (issuer self(sm3)): SM2 over COER(toBeSigned), ID "1234567812345678";
  * HashedId8 = the last 8 octets of SM3(COER(certificate)); an issuer and a digest signer are
    found by it among the certificates given.
Only signatures and the chain's issuer links are judged, not validity periods, regions or
permissions. Structures outside what the walker knows are reported as unsupported.

Commands:
  selftest                       checks SM3 and SM2 arithmetic on known answers; exit 0 / 2
  batch                          stdin: {"certs": [hex...], "spdus": [hex...]}; stdout: one
                                 JSON list of verdicts {valid, reason, psid, payload, signer,
                                 chain}; runs selftest first (exit 2 if it fails)
Exit 0 ok, 2 usage error, missing gmssl or failed self-test.
"""

from __future__ import annotations

import json
import secrets
import sys

try:
    from gmssl import sm3 as _gm_sm3
except ImportError as err:  # pragma: no cover - depends on the machine
    sys.stderr.write("cn_sec_oracle: gmssl is not installed (pip install gmssl==3.2.2): %s\n" % err)
    sys.exit(2)


def sm3(data: bytes) -> bytes:
    return bytes.fromhex(_gm_sm3.sm3_hash(list(data)))


# ---- SM2 on the recommended curve (GB/T 32918.5) ------------------------------------------------

P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = P - 3
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

INF = (1, 1, 0)  # Jacobian point at infinity: Z = 0


def be32(x: int) -> bytes:
    return x.to_bytes(32, "big")


def on_curve(x: int, y: int) -> bool:
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def jdouble(p1):
    x, y, z = p1
    if z == 0 or y == 0:
        return INF
    # a = -3: M = 3(X - Z^2)(X + Z^2)
    zz = z * z % P
    m = 3 * (x - zz) * (x + zz) % P
    yy = y * y % P
    s = 4 * x * yy % P
    x3 = (m * m - 2 * s) % P
    y3 = (m * (s - x3) - 8 * yy * yy) % P
    z3 = 2 * y * z % P
    return (x3, y3, z3)


def jadd(p1, p2):
    if p1[2] == 0:
        return p2
    if p2[2] == 0:
        return p1
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    z1z1 = z1 * z1 % P
    z2z2 = z2 * z2 % P
    u1 = x1 * z2z2 % P
    u2 = x2 * z1z1 % P
    s1 = y1 * z2 * z2z2 % P
    s2 = y2 * z1 * z1z1 % P
    if u1 == u2:
        return jdouble(p1) if s1 == s2 else INF
    h = (u2 - u1) % P
    r = (s2 - s1) % P
    hh = h * h % P
    hhh = h * hh % P
    v = u1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    y3 = (r * (v - x3) - s1 * hhh) % P
    z3 = h * z1 * z2 % P
    return (x3, y3, z3)


def to_affine(p1):
    x, y, z = p1
    if z == 0:
        return None
    zi = pow(z, -1, P)
    zi2 = zi * zi % P
    return (x * zi2 % P, y * zi2 * zi % P)


def lincomb(k1: int, q1, k2: int, q2):
    """k1*q1 + k2*q2 (affine inputs), Shamir's trick, left to right."""
    j1 = (q1[0], q1[1], 1)
    j2 = (q2[0], q2[1], 1)
    j12 = jadd(j1, j2)
    acc = INF
    for i in range(max(k1.bit_length(), k2.bit_length()) - 1, -1, -1):
        acc = jdouble(acc)
        b1, b2 = (k1 >> i) & 1, (k2 >> i) & 1
        if b1 and b2:
            acc = jadd(acc, j12)
        elif b1:
            acc = jadd(acc, j1)
        elif b2:
            acc = jadd(acc, j2)
    return acc


def mul(k: int, q):
    return lincomb(k, q, 0, q)


def decompress(prefix: int, x: int):
    """A compressed point: y with the parity `prefix & 1`; P = 3 mod 4, so sqrt = ^((P+1)/4)."""
    if not 0 <= x < P:
        raise ValueError("x out of range")
    rhs = (x * x * x + A * x + B) % P
    y = pow(rhs, (P + 1) // 4, P)
    if y * y % P != rhs:
        raise ValueError("x is not on the curve")
    if y & 1 != prefix & 1:
        y = P - y
    return (x, y)


def za(ident: bytes, q) -> bytes:
    """GB/T 32918.2 section 5.5: SM3(ENTL || ID || a || b || xG || yG || xA || yA)."""
    entl = (len(ident) * 8).to_bytes(2, "big")
    return sm3(entl + ident + be32(A) + be32(B) + be32(GX) + be32(GY) + be32(q[0]) + be32(q[1]))


def sm2_verify(q, ident: bytes, message: bytes, r: int, s: int) -> bool:
    """GB/T 32918.2 section 7.1, steps B1..B7."""
    if not (1 <= r < N and 1 <= s < N):  # B1, B2
        return False
    e = int.from_bytes(sm3(za(ident, q) + message), "big")  # B3, B4
    t = (r + s) % N  # B5
    if t == 0:
        return False
    pt = to_affine(lincomb(s, (GX, GY), t, q))  # B6
    if pt is None:
        return False
    return (e + pt[0]) % N == r  # B7


def sm2_sign(d: int, ident: bytes, message: bytes) -> tuple[int, int]:
    """GB/T 32918.2 section 6.1 (for the self-test only; random k)."""
    q = to_affine(mul(d, (GX, GY)))
    e = int.from_bytes(sm3(za(ident, q) + message), "big")
    while True:
        k = secrets.randbelow(N - 1) + 1
        x1 = to_affine(mul(k, (GX, GY)))[0]
        r = (e + x1) % N
        if r == 0 or r + k == N:
            continue
        s = pow(1 + d, -1, N) * (k - r * d) % N
        if s:
            return r, s


ROOT_ID = b"1234567812345678"


def selftest() -> list[str]:
    """Failures of the oracle's own known answers (empty: all good)."""
    bad = []
    # GB/T 32905-2016 appendix A, examples 1 and 2.
    if sm3(b"abc").hex() != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0":
        bad.append("SM3('abc')")
    if sm3(b"abcd" * 16).hex() != "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732":
        bad.append("SM3('abcd' x 16)")
    if not on_curve(GX, GY):
        bad.append("G not on the curve")
    if mul(N, (GX, GY))[2] != 0:
        bad.append("n*G is not the point at infinity")
    g2 = to_affine(mul(2, (GX, GY)))
    if g2 is None or not on_curve(*g2) or to_affine(jadd((GX, GY, 1), (GX, GY, 1))) != g2:
        bad.append("doubling")
    if decompress(2 | (GY & 1), GX) != (GX, GY):
        bad.append("decompression of G")
    d = secrets.randbelow(N - 2) + 1
    q = to_affine(mul(d, (GX, GY)))
    r, s = sm2_sign(d, b"\x07" * 32, b"message")
    if not sm2_verify(q, b"\x07" * 32, b"message", r, s):
        bad.append("own signature does not verify")
    if sm2_verify(q, ROOT_ID, b"message", r, s):
        bad.append("a signature verified under another ID")
    if sm2_verify(q, b"\x07" * 32, b"messagf", r, s):
        bad.append("a signature verified over another message")
    return bad


# ---- a COER walker for the structures judged --------------------------------------------------


class Unsupported(Exception):
    pass


class Reader:
    def __init__(self, data: bytes, pos: int = 0, end: int | None = None):
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > self.end:
            raise Unsupported("%s: truncated at %d" % (what, self.pos))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u8(self, what: str) -> int:
        return self.take(1, what)[0]

    def length(self, what: str) -> int:
        """X.696 length determinant, canonical."""
        first = self.u8(what)
        if first < 0x80:
            return first
        n = first & 0x7F
        if n == 0 or n > 4:
            raise Unsupported("%s: length form %#x" % (what, first))
        v = int.from_bytes(self.take(n, what), "big")
        if v < 0x80 or v >> (8 * (n - 1)) == 0:
            raise Unsupported("%s: non-canonical length" % what)
        return v

    def octets(self, what: str) -> bytes:
        return self.take(self.length(what), what)

    def unsigned(self, what: str) -> int:
        """An unconstrained non-negative INTEGER: length then the value."""
        return int.from_bytes(self.octets(what), "big")


class Cert:
    def __init__(self, raw: bytes):
        self.raw = raw
        self.hash = sm3(raw)
        self.hashed_id8 = self.hash[-8:]
        rd = Reader(raw)
        if rd.u8("CertificateBase preamble") != 0x80:
            raise Unsupported("certificate without signature (implicit?)")
        if rd.u8("version") != 3:
            raise Unsupported("certificate version")
        if rd.u8("type") != 0:
            raise Unsupported("certificate type is not explicit")
        tag = rd.u8("issuer")
        if tag == 0x81:  # self HashAlgorithm
            if rd.u8("issuer.self") != 2:
                raise Unsupported("self-signed with a hash other than sm3")
            self.issuer = None
        elif tag == 0x83:  # sm3AndDigest, an extension alternative: open type of 8 octets
            if rd.length("sm3AndDigest") != 8:
                raise Unsupported("sm3AndDigest length")
            self.issuer = rd.take(8, "sm3AndDigest")
        else:
            raise Unsupported("issuer alternative %#x" % tag)
        self.tbs_start = rd.pos
        # The signature closes the certificate: sm2Signature [4], open type of r || s.
        if len(raw) < rd.pos + 66 or raw[-66:-64] != b"\x84\x40":
            raise Unsupported("signature is not sm2Signature")
        self.tbs = raw[self.tbs_start:-66]
        self.r = int.from_bytes(raw[-64:-32], "big")
        self.s = int.from_bytes(raw[-32:], "big")
        t = Reader(raw, self.tbs_start, len(raw) - 66)
        pre = t.u8("ToBeSignedCertificate preamble")
        if pre & 0x80:
            raise Unsupported("ToBeSignedCertificate extensions")
        idtag = t.u8("id")
        self.name = None
        if idtag == 0x81:
            self.name = t.octets("id.name").decode("utf-8", "replace")
        elif idtag != 0x83:
            raise Unsupported("id alternative %#x" % idtag)
        t.take(3, "cracaId")
        t.take(2, "crlSeries")
        self.start = int.from_bytes(t.take(4, "validityPeriod.start"), "big")
        # Without extensions, verifyKeyIndicator is the last field: verificationKey [0],
        # ecsigSm2 [4] as an open type of 33 octets: compressed-y-0/1 [2]/[3] and x.
        vk = self.tbs[-36:]
        if len(vk) != 36 or vk[:3] != b"\x80\x84\x21" or vk[3] not in (0x82, 0x83):
            raise Unsupported("verification key is not a compressed ecsigSm2 point")
        self.key = decompress(vk[3] & 1, int.from_bytes(vk[4:], "big"))


def find(pool: list[Cert], hid: bytes) -> Cert | None:
    for c in pool:
        if c.hashed_id8 == hid:
            return c
    return None


def check_chain(cert: Cert, pool: list[Cert]) -> tuple[str | None, list[str]]:
    chain = [cert.hashed_id8.hex()]
    cur = cert
    for _ in range(8):
        if cur.issuer is None:
            ok = sm2_verify(cur.key, ROOT_ID, cur.tbs, cur.r, cur.s)
            return (None if ok else "root %s self-signature" % cur.hashed_id8.hex()), chain
        issuer = find(pool, cur.issuer)
        if issuer is None:
            return "unknown issuer %s" % cur.issuer.hex(), chain
        if not sm2_verify(issuer.key, issuer.hash, cur.tbs, cur.r, cur.s):
            return "certificate %s signature" % cur.hashed_id8.hex(), chain
        chain.append(issuer.hashed_id8.hex())
        cur = issuer
    return "chain too long", chain


def judge(spdu: bytes, pool: list[Cert]) -> dict:
    out = {"valid": False, "reason": None, "psid": None, "payload": None, "signer": None,
           "chain": []}
    try:
        rd = Reader(spdu)
        if rd.u8("protocolVersion") != 3:
            raise Unsupported("protocolVersion")
        if rd.u8("content") != 0x81:
            raise Unsupported("content is not signedData")
        if rd.u8("hashId") != 2:
            raise Unsupported("hashId is not sm3")
        tbs_start = rd.pos
        # ToBeSignedData { payload SignedDataPayload, headerInfo HeaderInfo }
        if rd.u8("SignedDataPayload preamble") != 0x40:
            raise Unsupported("SignedDataPayload other than data alone")
        if rd.u8("data.protocolVersion") != 3 or rd.u8("data.content") != 0x80:
            raise Unsupported("payload is not unsecuredData")
        out["payload"] = rd.octets("unsecuredData").hex()
        hpre = rd.u8("HeaderInfo preamble")
        if hpre & ~0x60:
            raise Unsupported("HeaderInfo fields beyond generationTime and expiryTime")
        out["psid"] = rd.unsigned("psid")
        if hpre & 0x40:
            out["generationTime"] = int.from_bytes(rd.take(8, "generationTime"), "big")
        if hpre & 0x20:
            out["expiryTime"] = int.from_bytes(rd.take(8, "expiryTime"), "big")
        tbs = spdu[tbs_start:rd.pos]
        stag = rd.u8("signer")
        if stag == 0x80:
            hid = rd.take(8, "signer.digest")
            signer = find(pool, hid)
            if signer is None:
                raise Unsupported("unknown signer %s" % hid.hex())
        elif stag == 0x81:
            if rd.take(2, "certificate quantity") != b"\x01\x01":
                raise Unsupported("a certificate chain longer than one")
            signer = Cert(spdu[rd.pos:len(spdu) - 66])
            rd.pos = len(spdu) - 66
        else:
            raise Unsupported("signer alternative %#x" % stag)
        if rd.take(2, "signature") != b"\x84\x40":
            raise Unsupported("signature is not sm2Signature")
        r = int.from_bytes(rd.take(32, "r"), "big")
        s = int.from_bytes(rd.take(32, "s"), "big")
        if rd.pos != len(spdu):
            raise Unsupported("trailing bytes")
        out["signer"] = signer.hashed_id8.hex()
        bad, out["chain"] = check_chain(signer, pool)
        if bad:
            out["reason"] = bad
        elif not sm2_verify(signer.key, signer.hash, tbs, r, s):
            out["reason"] = "SPDU signature"
        else:
            out["valid"] = True
    except (Unsupported, ValueError) as err:
        out["reason"] = "unsupported: %s" % err
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in ("selftest", "batch"):
        sys.stderr.write(__doc__)
        return 2
    bad = selftest()
    if bad:
        sys.stderr.write("cn_sec_oracle: self-test failed: %s\n" % ", ".join(bad))
        return 2
    if argv[1] == "selftest":
        print("cn_sec_oracle: self-test passed")
        return 0
    req = json.load(sys.stdin)
    pool = [Cert(bytes.fromhex(h)) for h in req["certs"]]
    print(json.dumps([judge(bytes.fromhex(h), pool) for h in req["spdus"]]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
