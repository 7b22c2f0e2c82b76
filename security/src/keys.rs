//! Public keys and signatures: conversion between the 1609.2 structures and the crypto
//! libraries, and signature verification under the 1609.2 hash rule.
//!
//! NIST P-256 verification uses ring (about 3x faster than pure Rust here), after the key has
//! been decompressed once with p256 (ring accepts only uncompressed points). Everything else
//! uses RustCrypto.

use crate::hash::{Digest, HashAlg};
use ecdsa::signature::hazmat::PrehashVerifier;
use rasn::types::FixedOctetString;
use rasn_its::ieee1609dot2::base_types::{
    EccP256CurvePoint, EccP256CurvePointUncompressedP256, EccP384CurvePoint, EcdsaP256Signature,
    EcdsaP384Signature, EcsigP256Signature, PublicVerificationKey, Signature,
};

/// A signature algorithm (curve plus its hash) of 1609.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    NistP256,
    BrainpoolP256r1,
    BrainpoolP384r1,
    NistP384,
    /// SM2 with SM3, China's profile (feature `china`).
    Sm2,
}

impl Curve {
    /// The hash that goes with keys on this curve (1609.2 §5.3.1, §6.4.3).
    pub fn hash(self) -> HashAlg {
        match self {
            Curve::NistP256 | Curve::BrainpoolP256r1 => HashAlg::Sha256,
            Curve::NistP384 | Curve::BrainpoolP384r1 => HashAlg::Sha384,
            Curve::Sm2 => HashAlg::Sm3,
        }
    }

    /// Octets in a field element or scalar.
    pub fn size(self) -> usize {
        match self {
            Curve::NistP384 | Curve::BrainpoolP384r1 => 48,
            _ => 32,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Curve::NistP256 => "nistP256",
            Curve::BrainpoolP256r1 => "brainpoolP256r1",
            Curve::BrainpoolP384r1 => "brainpoolP384r1",
            Curve::NistP384 => "nistP384",
            Curve::Sm2 => "sm2",
        }
    }

    /// The group order n, big-endian.
    fn order(self) -> &'static [u8] {
        match self {
            Curve::NistP256 => &P256_N,
            Curve::BrainpoolP256r1 => &BP256_N,
            Curve::NistP384 => &P384_N,
            Curve::BrainpoolP384r1 => &BP384_N,
            Curve::Sm2 => &SM2_N,
        }
    }
}

const P256_N: [u8; 32] =
    hexlit(b"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
const BP256_N: [u8; 32] =
    hexlit(b"a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7");
const SM2_N: [u8; 32] = hexlit(b"fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123");
const P384_N: [u8; 48] = hexlit(
    b"ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
);
const BP384_N: [u8; 48] = hexlit(
    b"8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b31f166e6cac0425a7cf3ab6af6b7fc3103b883202e9046565",
);

const fn hexlit<const N: usize>(s: &[u8]) -> [u8; N] {
    const fn nib(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not lower-case hex"),
        }
    }
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = nib(s[2 * i]) << 4 | nib(s[2 * i + 1]);
        i += 1;
    }
    out
}

/// Errors about keys and signatures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("{0} is not a point (x-only or fill)")]
    NotAPoint(&'static str),
    #[error("{0} is not on the curve")]
    OffCurve(&'static str),
    #[error("{0} is not supported by this build")]
    Unsupported(&'static str),
    #[error("signature value out of range")]
    BadSignatureValue,
}

/// A point as SEC 1 octets (0x02/0x03 compressed or 0x04 uncompressed).
fn p256_point_sec1(p: &EccP256CurvePoint) -> Result<Vec<u8>, KeyError> {
    Ok(match p {
        EccP256CurvePoint::CompressedY0(x) => [&[0x02][..], &x[..]].concat(),
        EccP256CurvePoint::CompressedY1(x) => [&[0x03][..], &x[..]].concat(),
        EccP256CurvePoint::Uncompressed(u) => [&[0x04][..], &u.x[..], &u.y[..]].concat(),
        EccP256CurvePoint::XOnly(_) | EccP256CurvePoint::Fill(()) => {
            return Err(KeyError::NotAPoint("EccP256CurvePoint"));
        }
    })
}

fn p384_point_sec1(p: &EccP384CurvePoint) -> Result<Vec<u8>, KeyError> {
    Ok(match p {
        EccP384CurvePoint::CompressedY0(x) => [&[0x02][..], &x[..]].concat(),
        EccP384CurvePoint::CompressedY1(x) => [&[0x03][..], &x[..]].concat(),
        EccP384CurvePoint::Uncompressed(u) => [&[0x04][..], &u.x[..], &u.y[..]].concat(),
        EccP384CurvePoint::XOnly(_) | EccP384CurvePoint::Fill(()) => {
            return Err(KeyError::NotAPoint("EccP384CurvePoint"));
        }
    })
}

/// SEC 1 compressed octets (0x02/0x03 || x) → the canonical 1609.2 form.
pub fn p256_point_from_compressed(sec1: &[u8]) -> Option<EccP256CurvePoint> {
    let x: [u8; 32] = sec1.get(1..33)?.try_into().ok()?;
    match sec1.first()? {
        0x02 => Some(EccP256CurvePoint::CompressedY0(x.into())),
        0x03 => Some(EccP256CurvePoint::CompressedY1(x.into())),
        _ => None,
    }
}

fn p384_point_from_compressed(sec1: &[u8]) -> Option<EccP384CurvePoint> {
    let x: [u8; 48] = sec1.get(1..49)?.try_into().ok()?;
    match sec1.first()? {
        0x02 => Some(EccP384CurvePoint::CompressedY0(x.into())),
        0x03 => Some(EccP384CurvePoint::CompressedY1(x.into())),
        _ => None,
    }
}

/// A public verification key, decompressed and ready to verify.
#[derive(Clone)]
pub enum VerifyKey {
    NistP256 {
        /// 0x04 || x || y, as ring wants it.
        uncompressed: [u8; 65],
    },
    BrainpoolP256r1(ecdsa::VerifyingKey<bp256::BrainpoolP256r1>),
    BrainpoolP384r1(ecdsa::VerifyingKey<bp384::BrainpoolP384r1>),
    NistP384(p384::ecdsa::VerifyingKey),
    #[cfg(feature = "china")]
    Sm2(sm2::dsa::VerifyingKey),
}

impl std::fmt::Debug for VerifyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "VerifyKey({}, {})",
            self.curve().name(),
            hex::encode(self.to_sec1(true))
        )
    }
}

/// The distinguishing identifier the `sm2` crate's keys are built with. It never reaches a
/// signature: SPDUs and certificates are signed and verified through the prehash interface on
/// an `e` whose Z_A [`crate::cn`] computes with the ID YD/T 3957 requires (a certificate hash,
/// or this same string for self-signed roots).
#[cfg(feature = "china")]
pub const SM2_DISTID: &str = "1234567812345678";

impl VerifyKey {
    /// From a certificate's `PublicVerificationKey`, decompressing the point.
    pub fn from_its(k: &PublicVerificationKey) -> Result<Self, KeyError> {
        match k {
            PublicVerificationKey::EcdsaNistP256(p) => {
                Self::from_sec1(Curve::NistP256, &p256_point_sec1(p)?)
            }
            PublicVerificationKey::EcdsaBrainpoolP256r1(p) => {
                Self::from_sec1(Curve::BrainpoolP256r1, &p256_point_sec1(p)?)
            }
            PublicVerificationKey::EcdsaBrainpoolP384r1(p) => {
                Self::from_sec1(Curve::BrainpoolP384r1, &p384_point_sec1(p)?)
            }
            PublicVerificationKey::EcdsaNistP384(p) => {
                Self::from_sec1(Curve::NistP384, &p384_point_sec1(p)?)
            }
            PublicVerificationKey::EcsigSm2(p) => Self::from_sec1(Curve::Sm2, &p256_point_sec1(p)?),
            #[allow(unreachable_patterns)]
            _ => Err(KeyError::Unsupported("PublicVerificationKey alternative")),
        }
    }

    /// From SEC 1 octets on the given curve.
    pub fn from_sec1(curve: Curve, sec1: &[u8]) -> Result<Self, KeyError> {
        let off = KeyError::OffCurve(curve.name());
        Ok(match curve {
            Curve::NistP256 => {
                let pk = p256::PublicKey::from_sec1_bytes(sec1).map_err(|_| off)?;
                Self::from_p256(&pk)
            }
            Curve::BrainpoolP256r1 => VerifyKey::BrainpoolP256r1(
                ecdsa::VerifyingKey::from_sec1_bytes(sec1).map_err(|_| off)?,
            ),
            Curve::BrainpoolP384r1 => VerifyKey::BrainpoolP384r1(
                ecdsa::VerifyingKey::from_sec1_bytes(sec1).map_err(|_| off)?,
            ),
            Curve::NistP384 => VerifyKey::NistP384(
                p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1).map_err(|_| off)?,
            ),
            #[cfg(feature = "china")]
            Curve::Sm2 => VerifyKey::Sm2(
                sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DISTID, sec1).map_err(|_| off)?,
            ),
            #[cfg(not(feature = "china"))]
            Curve::Sm2 => return Err(KeyError::Unsupported("SM2 (build without feature `china`)")),
        })
    }

    /// From a P-256 public key (for example one reconstructed from an implicit certificate).
    pub fn from_p256(pk: &p256::PublicKey) -> Self {
        let mut uncompressed = [0u8; 65];
        use elliptic_curve::sec1::ToSec1Point as _;
        uncompressed.copy_from_slice(pk.to_sec1_point(false).as_bytes());
        VerifyKey::NistP256 { uncompressed }
    }

    pub fn curve(&self) -> Curve {
        match self {
            VerifyKey::NistP256 { .. } => Curve::NistP256,
            VerifyKey::BrainpoolP256r1(_) => Curve::BrainpoolP256r1,
            VerifyKey::BrainpoolP384r1(_) => Curve::BrainpoolP384r1,
            VerifyKey::NistP384(_) => Curve::NistP384,
            #[cfg(feature = "china")]
            VerifyKey::Sm2(_) => Curve::Sm2,
        }
    }

    /// SEC 1 octets of the key.
    pub fn to_sec1(&self, compress: bool) -> Vec<u8> {
        match self {
            VerifyKey::NistP256 { uncompressed } => {
                if compress {
                    let mut out = vec![0x02 | (uncompressed[64] & 1)];
                    out.extend_from_slice(&uncompressed[1..33]);
                    out
                } else {
                    uncompressed.to_vec()
                }
            }
            VerifyKey::BrainpoolP256r1(k) => k.to_sec1_point(compress).as_bytes().to_vec(),
            VerifyKey::BrainpoolP384r1(k) => k.to_sec1_point(compress).as_bytes().to_vec(),
            VerifyKey::NistP384(k) => k.to_sec1_point(compress).as_bytes().to_vec(),
            #[cfg(feature = "china")]
            VerifyKey::Sm2(k) => {
                use elliptic_curve::sec1::ToSec1Point as _;
                k.to_sec1_point(compress).as_bytes().to_vec()
            }
        }
    }

    /// The canonical (compressed) `PublicVerificationKey` for a certificate.
    pub fn to_its(&self) -> Result<PublicVerificationKey, KeyError> {
        let c = self.to_sec1(true);
        let bad = KeyError::NotAPoint("compressed key");
        Ok(match self.curve() {
            Curve::NistP256 => {
                PublicVerificationKey::EcdsaNistP256(p256_point_from_compressed(&c).ok_or(bad)?)
            }
            Curve::BrainpoolP256r1 => PublicVerificationKey::EcdsaBrainpoolP256r1(
                p256_point_from_compressed(&c).ok_or(bad)?,
            ),
            Curve::BrainpoolP384r1 => PublicVerificationKey::EcdsaBrainpoolP384r1(
                p384_point_from_compressed(&c).ok_or(bad)?,
            ),
            Curve::NistP384 => {
                PublicVerificationKey::EcdsaNistP384(p384_point_from_compressed(&c).ok_or(bad)?)
            }
            Curve::Sm2 => {
                PublicVerificationKey::EcsigSm2(p256_point_from_compressed(&c).ok_or(bad)?)
            }
        })
    }

    /// Verifies `sig` over `message`, a [`crate::hash::SigningInput`]: for ECDSA the 1609.2
    /// concatenation `H(data) || H(signer)`, which the scheme hashes once more with the curve's
    /// hash; for SM2 the digest `e = SM3(Z_A || M)` itself (YD/T 3957, see [`crate::cn`]).
    pub fn verify(&self, message: &[u8], sig: &RawSignature) -> bool {
        if sig.curve != self.curve() {
            return false;
        }
        match self {
            VerifyKey::NistP256 { uncompressed } => {
                ring::signature::UnparsedPublicKey::new(
                    &ring::signature::ECDSA_P256_SHA256_FIXED,
                    &uncompressed[..],
                )
                .verify(message, sig.as_bytes())
                .is_ok()
                    && (sig.r_form == RForm::XOnly
                        || p256_r_point_matches(uncompressed, message, sig))
            }
            VerifyKey::BrainpoolP256r1(k) => {
                prehash_verify(k, HashAlg::Sha256.digest(message), sig)
            }
            VerifyKey::BrainpoolP384r1(k) => {
                prehash_verify(k, HashAlg::Sha384.digest(message), sig)
            }
            VerifyKey::NistP384(k) => prehash_verify(k, HashAlg::Sha384.digest(message), sig),
            #[cfg(feature = "china")]
            VerifyKey::Sm2(k) => {
                use sm2::dsa::signature::hazmat::PrehashVerifier as _;
                // from_slice refuses r or s outside [1, n-1] (GB/T 32918.2 §7.1 B1, B2).
                match sm2::dsa::Signature::from_slice(sig.as_bytes()) {
                    Ok(s) => message.len() == 32 && k.verify_prehash(message, &s).is_ok(),
                    Err(_) => false,
                }
            }
        }
    }
}

/// For a signature that gives r as the point R: recomputes R = (z·G + r·Q)/s and checks the
/// y the sender claimed, so the y of a received R cannot be altered without failing (only the
/// x enters ECDSA's own equation). P-256 only, where point-form r is met in the field.
fn p256_r_point_matches(q_uncompressed: &[u8; 65], message: &[u8], sig: &RawSignature) -> bool {
    use elliptic_curve::PrimeField as _;
    use elliptic_curve::point::AffineCoordinates as _;
    let Ok(q) = p256::PublicKey::from_sec1_bytes(q_uncompressed) else {
        return false;
    };
    let mut zb = [0u8; 32];
    zb.copy_from_slice(HashAlg::Sha256.digest(message).as_bytes());
    let z = <p256::Scalar as elliptic_curve::ops::Reduce<p256::FieldBytes>>::reduce(
        &p256::FieldBytes::from(zb),
    );
    let mut rb = [0u8; 32];
    rb.copy_from_slice(sig.r());
    let mut sb = [0u8; 32];
    sb.copy_from_slice(sig.s());
    let (Some(r), Some(s)) = (
        Option::<p256::Scalar>::from(p256::Scalar::from_repr(rb.into())),
        Option::<p256::Scalar>::from(p256::Scalar::from_repr(sb.into())),
    ) else {
        return false;
    };
    let Some(s_inv) = Option::<p256::Scalar>::from(s.invert()) else {
        return false;
    };
    let point = (p256::ProjectivePoint::GENERATOR * (z * s_inv) + q.to_projective() * (r * s_inv))
        .to_affine();
    let y_odd = bool::from(point.y_is_odd());
    match sig.r_form {
        RForm::XOnly => true,
        RForm::Compressed { y_odd: claimed } => claimed == y_odd,
        RForm::Uncompressed { y_last } => (y_last & 1 == 1) == y_odd,
    }
}

fn prehash_verify<C>(k: &ecdsa::VerifyingKey<C>, digest: Digest, sig: &RawSignature) -> bool
where
    C: ecdsa::EcdsaCurve + elliptic_curve::CurveArithmetic,
    ecdsa::VerifyingKey<C>: PrehashVerifier<ecdsa::Signature<C>>,
{
    match ecdsa::Signature::<C>::from_slice(sig.as_bytes()) {
        Ok(s) => k.verify_prehash(digest.as_bytes(), &s).is_ok(),
        Err(_) => false,
    }
}

/// A signature as fixed-size `r || s`, with its algorithm.
#[derive(Clone, PartialEq, Eq)]
pub struct RawSignature {
    pub curve: Curve,
    bytes: [u8; 96],
    /// How `rSig` was given: x-only, or the point R (compressed: y parity; uncompressed: y).
    r_form: RForm,
}

/// The form of `rSig` as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RForm {
    XOnly,
    Compressed { y_odd: bool },
    Uncompressed { y_last: u8 },
}

impl std::fmt::Debug for RawSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RawSignature({}, {})",
            self.curve.name(),
            hex::encode(self.as_bytes())
        )
    }
}

impl RawSignature {
    /// From `r || s` (each `curve.size()` octets).
    pub fn new(curve: Curve, rs: &[u8]) -> Result<Self, KeyError> {
        if rs.len() != 2 * curve.size() {
            return Err(KeyError::BadSignatureValue);
        }
        let mut bytes = [0u8; 96];
        bytes[..rs.len()].copy_from_slice(rs);
        Ok(RawSignature {
            curve,
            bytes,
            r_form: RForm::XOnly,
        })
    }

    /// `r || s`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..2 * self.curve.size()]
    }

    pub fn r(&self) -> &[u8] {
        &self.bytes[..self.curve.size()]
    }

    pub fn s(&self) -> &[u8] {
        &self.bytes[self.curve.size()..2 * self.curve.size()]
    }

    /// From the 1609.2 `Signature`. `rSig` may be x-only or a point (compressed or
    /// uncompressed): a point's x is reduced mod n to give r (1609.2 §5.3.1, "fast verification"
    /// form; the production CAM in the vectors uses compressed-y-0).
    pub fn from_its(sig: &Signature) -> Result<Self, KeyError> {
        match sig {
            Signature::EcdsaNistP256(s) => Self::from_p256(Curve::NistP256, s),
            Signature::EcdsaBrainpoolP256r1(s) => Self::from_p256(Curve::BrainpoolP256r1, s),
            Signature::EcdsaBrainpoolP384r1(s) => Self::from_p384(Curve::BrainpoolP384r1, s),
            Signature::EcdsaNistP384(s) => Self::from_p384(Curve::NistP384, s),
            Signature::Sm2(s) => Self::new(Curve::Sm2, &[&s.r_sig[..], &s.s_sig[..]].concat()),
            #[allow(unreachable_patterns)]
            _ => Err(KeyError::Unsupported("Signature alternative")),
        }
    }

    fn from_p256(curve: Curve, s: &EcdsaP256Signature) -> Result<Self, KeyError> {
        let (x, form) = match &s.r_sig {
            EccP256CurvePoint::XOnly(x) => (&x[..], RForm::XOnly),
            EccP256CurvePoint::CompressedY0(x) => (&x[..], RForm::Compressed { y_odd: false }),
            EccP256CurvePoint::CompressedY1(x) => (&x[..], RForm::Compressed { y_odd: true }),
            EccP256CurvePoint::Uncompressed(u) => {
                (&u.x[..], RForm::Uncompressed { y_last: u.y[31] })
            }
            EccP256CurvePoint::Fill(()) => return Err(KeyError::NotAPoint("rSig")),
        };
        Self::from_parts(curve, x, form, &s.s_sig[..])
    }

    fn from_p384(curve: Curve, s: &EcdsaP384Signature) -> Result<Self, KeyError> {
        let (x, form) = match &s.r_sig {
            EccP384CurvePoint::XOnly(x) => (&x[..], RForm::XOnly),
            EccP384CurvePoint::CompressedY0(x) => (&x[..], RForm::Compressed { y_odd: false }),
            EccP384CurvePoint::CompressedY1(x) => (&x[..], RForm::Compressed { y_odd: true }),
            EccP384CurvePoint::Uncompressed(u) => {
                (&u.x[..], RForm::Uncompressed { y_last: u.y[47] })
            }
            EccP384CurvePoint::Fill(()) => return Err(KeyError::NotAPoint("rSig")),
        };
        Self::from_parts(curve, x, form, &s.s_sig[..])
    }

    fn from_parts(curve: Curve, x: &[u8], form: RForm, s: &[u8]) -> Result<Self, KeyError> {
        let mut rs = [x, s].concat();
        if form != RForm::XOnly {
            reduce_once(&mut rs[..curve.size()], curve.order());
        }
        let mut sig = Self::new(curve, &rs)?;
        sig.r_form = form;
        Ok(sig)
    }

    /// The canonical 1609.2 `Signature` (x-only r).
    pub fn to_its(&self) -> Signature {
        let (r, s) = (self.r(), self.s());
        match self.curve {
            Curve::NistP256 | Curve::BrainpoolP256r1 => {
                let v = EcdsaP256Signature {
                    r_sig: EccP256CurvePoint::XOnly(fixed32(r)),
                    s_sig: fixed32(s),
                };
                if self.curve == Curve::NistP256 {
                    Signature::EcdsaNistP256(v)
                } else {
                    Signature::EcdsaBrainpoolP256r1(v)
                }
            }
            Curve::NistP384 | Curve::BrainpoolP384r1 => {
                let v = EcdsaP384Signature {
                    r_sig: EccP384CurvePoint::XOnly(fixed48(r)),
                    s_sig: fixed48(s),
                };
                if self.curve == Curve::NistP384 {
                    Signature::EcdsaNistP384(v)
                } else {
                    Signature::EcdsaBrainpoolP384r1(v)
                }
            }
            Curve::Sm2 => Signature::Sm2(EcsigP256Signature {
                r_sig: fixed32(r),
                s_sig: fixed32(s),
            }),
        }
    }
}

fn fixed32(b: &[u8]) -> FixedOctetString<32> {
    let mut a = [0u8; 32];
    a.copy_from_slice(&b[..32]);
    a.into()
}

fn fixed48(b: &[u8]) -> FixedOctetString<48> {
    let mut a = [0u8; 48];
    a.copy_from_slice(&b[..48]);
    a.into()
}

/// If `x >= n`, replaces it by `x - n` (a field element is below 2n for these curves).
fn reduce_once(x: &mut [u8], n: &[u8]) {
    if x.len() != n.len() || &*x < n {
        return;
    }
    let mut borrow = 0i16;
    for i in (0..x.len()).rev() {
        let d = i16::from(x[i]) - i16::from(n[i]) - borrow;
        borrow = i16::from(d < 0);
        x[i] = (d + (borrow << 8)) as u8;
    }
}

/// The canonical form of a point for hashing (1609.2 §6.4.3): compressed. Returns `None` if the
/// point is already canonical or is not a point.
pub fn canonical_p256_point(p: &EccP256CurvePoint) -> Option<EccP256CurvePoint> {
    match p {
        EccP256CurvePoint::Uncompressed(EccP256CurvePointUncompressedP256 { x, y }) => {
            Some(if y[31] & 1 == 0 {
                EccP256CurvePoint::CompressedY0(*x)
            } else {
                EccP256CurvePoint::CompressedY1(*x)
            })
        }
        _ => None,
    }
}

/// As [`canonical_p256_point`] for 384-bit curves.
pub fn canonical_p384_point(p: &EccP384CurvePoint) -> Option<EccP384CurvePoint> {
    match p {
        EccP384CurvePoint::Uncompressed(u) => Some(if u.y[47] & 1 == 0 {
            EccP384CurvePoint::CompressedY0(u.x)
        } else {
            EccP384CurvePoint::CompressedY1(u.x)
        }),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn reduce_once_subtracts_the_order() {
        let mut x = P256_N;
        x[31] += 5;
        reduce_once(&mut x, &P256_N);
        let mut five = [0u8; 32];
        five[31] = 5;
        assert_eq!(x, five);
        let mut y = five;
        reduce_once(&mut y, &P256_N);
        assert_eq!(y, five);
    }

    #[test]
    fn orders_match_the_libraries() {
        use elliptic_curve::PrimeField as _;
        // n - 1 is a valid scalar and n is not, for every curve we hard-code.
        fn check<C: elliptic_curve::CurveArithmetic>(n: &[u8]) {
            let mut m = n.to_vec();
            *m.last_mut().unwrap() -= 1;
            let mut repr = <C::Scalar as elliptic_curve::PrimeField>::Repr::default();
            AsMut::<[u8]>::as_mut(&mut repr).copy_from_slice(&m);
            assert!(bool::from(C::Scalar::from_repr(repr).is_some()));
            AsMut::<[u8]>::as_mut(&mut repr).copy_from_slice(n);
            assert!(bool::from(C::Scalar::from_repr(repr).is_none()));
        }
        check::<p256::NistP256>(&P256_N);
        check::<p384::NistP384>(&P384_N);
        check::<bp256::BrainpoolP256r1>(&BP256_N);
        check::<bp384::BrainpoolP384r1>(&BP384_N);
        #[cfg(feature = "china")]
        check::<sm2::Sm2>(&SM2_N);
        let _ = <p256::Scalar as elliptic_curve::PrimeField>::NUM_BITS;
    }

    #[test]
    fn vanetza_point_decompression_known_answers() {
        // reference: vectors/security (vanetza ecc_point_decompression); read at run time.
        let Some(v) = crate::testutil::vectors() else {
            return;
        };
        for kat in v["other"]["vanetza_ecc_point_decompression (NIST P-256)"]["vectors"]
            .as_array()
            .unwrap()
        {
            let c = hex::decode(kat["compressed"].as_str().unwrap()).unwrap();
            let y = hex::decode(kat["y"].as_str().unwrap()).unwrap();
            let k = VerifyKey::from_sec1(Curve::NistP256, &c).unwrap();
            let u = k.to_sec1(false);
            assert_eq!(&u[33..], &y[..]);
            assert_eq!(k.to_sec1(true), c);
        }
    }
}
