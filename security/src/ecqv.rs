//! ECQV implicit certificates on NIST P-256 (SEC 4 v1.0, as profiled by IEEE 1609.2 §5.3.2).
//!
//! An implicit certificate carries no signature, only the public-key reconstruction value
//! `P_U`. With `e` the integer derived from the certificate digest:
//!
//! - public key reconstruction (anyone, SEC 4 §3.5): `Q_U = e·P_U + Q_CA`;
//! - private key reconstruction (the requester, SEC 4 §3.6): `d_U = e·k_U + r (mod n)`;
//! - issuance (the CA, SEC 4 §3.4): `P_U = R_U + k·G`, then `r = e·k + d_CA (mod n)`.
//!
//! The digest itself (which bytes are hashed: 1609.2 hashes the ToBeSignedCertificate and
//! the issuer certificate) is the caller's business; this module starts from the 32-byte
//! digest and only fixes how it becomes `e`, see [`HashToInteger`].
//!
//! Everything here is deterministic: ephemeral scalars are arguments, callers draw them.

use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::point::AffineCoordinates;
use p256::{FieldBytes, NonZeroScalar, PublicKey, Scalar, SecretKey};
use rasn_its::ieee1609dot2::base_types::{EccP256CurvePoint, EccP256CurvePointUncompressedP256};
use thiserror::Error;

/// How a 256-bit certificate digest becomes the ECQV integer `e`.
///
/// The two rules differ for almost every digest, so issuer and verifier must agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashToInteger {
    /// The whole 256-bit digest read as a big-endian integer and reduced mod n, as done by
    /// 1609.2 implementations (c2c-common, ISS SCMS tooling).
    FullDigest,
    /// SEC 4 §2.3 `Hn`: the leftmost ⌊log2 n⌋ = 255 bits of the digest, i.e. the big-endian
    /// digest shifted right by one bit (always < n for P-256). Used by the CAMP test vectors.
    Sec4Leftmost,
}

/// Why an ECQV operation or point conversion failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EcqvError {
    /// `x-only` carries only an x-coordinate (a signature's `r`), not a point.
    #[error("x-only EccP256CurvePoint is not a curve point")]
    XOnlyNotAPoint,
    /// `fill` is a placeholder (NULL), not a point.
    #[error("fill EccP256CurvePoint is not a curve point")]
    FillNotAPoint,
    /// The coordinates do not describe a point on P-256 (or encode the identity).
    #[error("not a point on NIST P-256")]
    NotOnCurve,
    /// `e·P_U + Q_CA` is the point at infinity: no usable public key.
    #[error("reconstructed public key is the point at infinity")]
    IdentityPublicKey,
    /// `e·k_U + r ≡ 0 (mod n)`: no usable private key.
    #[error("reconstructed private key is zero")]
    ZeroPrivateKey,
    /// `R_U + k·G` is the point at infinity: the CA must draw another `k`.
    #[error("reconstruction value is the point at infinity; draw another ephemeral scalar")]
    IdentityReconstructionValue,
    /// The reconstructed private key does not match the reconstructed public key
    /// (SEC 4 §3.6 check): wrong `r`, `k_U`, digest or hash-to-integer rule.
    #[error("reconstructed private key does not match the reconstructed public key")]
    KeyMismatch,
}

/// Turns a 32-byte digest into the scalar `e` according to `rule`.
pub fn hash_to_scalar(rule: HashToInteger, digest: &[u8; 32]) -> Scalar {
    let bytes = match rule {
        HashToInteger::FullDigest => *digest,
        HashToInteger::Sec4Leftmost => shift_right_one_bit(digest),
    };
    <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(bytes))
}

/// Big-endian 256-bit value divided by two.
fn shift_right_one_bit(digest: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u8;
    for (o, d) in out.iter_mut().zip(digest.iter()) {
        *o = (d >> 1) | carry;
        carry = d << 7;
    }
    out
}

/// The digest a 1609.2 implicit certificate feeds into e: `SHA-256(H(tbs) || H(issuer))`,
/// with `tbs_coer` the COER of its `ToBeSignedCertificate` and `issuer_digest` the SHA-256 of
/// the issuing certificate (the same input an explicit certificate's signature covers).
pub fn certificate_digest(tbs_coer: &[u8], issuer_digest: &crate::hash::Digest) -> [u8; 32] {
    let alg = crate::hash::HashAlg::Sha256;
    let input = crate::hash::SigningInput::new(alg, tbs_coer, issuer_digest);
    let mut digest = [0u8; 32];
    digest.copy_from_slice(alg.digest(input.as_bytes()).as_bytes());
    digest
}

/// Public key reconstruction, SEC 4 §3.5: `Q_U = e·P_U + Q_CA`.
///
/// `reconstruction_value` is `P_U` from the certificate's `verifyKeyIndicator`,
/// `issuer_public_key` is `Q_CA`. Fails if the result is the point at infinity.
pub fn reconstruct_public_key(
    rule: HashToInteger,
    digest: &[u8; 32],
    reconstruction_value: &PublicKey,
    issuer_public_key: &PublicKey,
) -> Result<PublicKey, EcqvError> {
    let e = hash_to_scalar(rule, digest);
    let q = reconstruction_value.to_projective() * e + issuer_public_key.to_projective();
    PublicKey::from_affine(q.to_affine()).map_err(|_| EcqvError::IdentityPublicKey)
}

/// Private key reconstruction, SEC 4 §3.6: `d_U = e·k_U + r (mod n)`.
///
/// `k_u` is the requester's ephemeral private key (the one behind `R_U` in the request),
/// `r` the CA's private-key reconstruction value. Fails if `d_U` is zero. This does not
/// check the result against the certificate; see [`reconstruct_private_key_checked`].
pub fn reconstruct_private_key(
    rule: HashToInteger,
    digest: &[u8; 32],
    k_u: &NonZeroScalar,
    r: &Scalar,
) -> Result<SecretKey, EcqvError> {
    let e = hash_to_scalar(rule, digest);
    let d = e * k_u.as_ref() + r;
    Option::<NonZeroScalar>::from(NonZeroScalar::new(d))
        .map(SecretKey::from)
        .ok_or(EcqvError::ZeroPrivateKey)
}

/// Private key reconstruction with the SEC 4 §3.6 consistency check: `d_U·G` must equal
/// the public key reconstructed from `P_U` and `Q_CA`. Returns the key pair.
pub fn reconstruct_private_key_checked(
    rule: HashToInteger,
    digest: &[u8; 32],
    k_u: &NonZeroScalar,
    r: &Scalar,
    reconstruction_value: &PublicKey,
    issuer_public_key: &PublicKey,
) -> Result<(SecretKey, PublicKey), EcqvError> {
    let secret = reconstruct_private_key(rule, digest, k_u, r)?;
    let public = reconstruct_public_key(rule, digest, reconstruction_value, issuer_public_key)?;
    if secret.public_key() == public {
        Ok((secret, public))
    } else {
        Err(EcqvError::KeyMismatch)
    }
}

/// CA issuance, first step (SEC 4 §3.4): the reconstruction value `P_U = R_U + k·G`.
///
/// `k` is the CA's fresh ephemeral scalar (secret, one per certificate), `request_point`
/// is the requester's `R_U = k_U·G`. Put the result in the certificate (see
/// [`point_to_its_compressed`]), hash it, then call [`ca_private_reconstruction`] with the
/// same `k`. Fails (draw another `k`) if `P_U` is the point at infinity.
pub fn ca_contribution(
    k: &NonZeroScalar,
    request_point: &PublicKey,
) -> Result<PublicKey, EcqvError> {
    let p = PublicKey::from_secret_scalar(k).to_projective() + request_point.to_projective();
    PublicKey::from_affine(p.to_affine()).map_err(|_| EcqvError::IdentityReconstructionValue)
}

/// CA issuance, second step (SEC 4 §3.4): the private-key reconstruction value
/// `r = e·k + d_CA (mod n)`, with `e` from the digest of the certificate containing `P_U`.
pub fn ca_private_reconstruction(
    rule: HashToInteger,
    digest: &[u8; 32],
    k: &NonZeroScalar,
    d_ca: &NonZeroScalar,
) -> Scalar {
    hash_to_scalar(rule, digest) * k.as_ref() + d_ca.as_ref()
}

/// Decodes a 1609.2 `EccP256CurvePoint` (compressed-y-0/1 or uncompressed) into a P-256
/// point, checking it is on the curve. `x-only` and `fill` are not points and are rejected.
pub fn point_from_its(point: &EccP256CurvePoint) -> Result<PublicKey, EcqvError> {
    let mut sec1 = [0u8; 65];
    let len = match point {
        EccP256CurvePoint::XOnly(_) => return Err(EcqvError::XOnlyNotAPoint),
        EccP256CurvePoint::Fill(()) => return Err(EcqvError::FillNotAPoint),
        EccP256CurvePoint::CompressedY0(x) => {
            sec1[0] = 0x02;
            sec1[1..33].copy_from_slice(x.as_ref());
            33
        }
        EccP256CurvePoint::CompressedY1(x) => {
            sec1[0] = 0x03;
            sec1[1..33].copy_from_slice(x.as_ref());
            33
        }
        EccP256CurvePoint::Uncompressed(EccP256CurvePointUncompressedP256 { x, y }) => {
            sec1[0] = 0x04;
            sec1[1..33].copy_from_slice(x.as_ref());
            sec1[33..65].copy_from_slice(y.as_ref());
            65
        }
    };
    let encoded = sec1.get(..len).ok_or(EcqvError::NotOnCurve)?;
    PublicKey::from_sec1_bytes(encoded).map_err(|_| EcqvError::NotOnCurve)
}

/// Encodes a P-256 point as the canonical compressed 1609.2 `EccP256CurvePoint`:
/// `compressed-y-0` for even y, `compressed-y-1` for odd y (SEC 1 §2.3.3).
pub fn point_to_its_compressed(key: &PublicKey) -> EccP256CurvePoint {
    let affine = key.as_affine();
    let x: [u8; 32] = affine.x().into();
    if bool::from(affine.y_is_odd()) {
        EccP256CurvePoint::CompressedY1(x.into())
    } else {
        EccP256CurvePoint::CompressedY0(x.into())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use p256::elliptic_curve::PrimeField;

    fn bytes32(hex_str: &str) -> [u8; 32] {
        hex::decode(hex_str).unwrap().try_into().unwrap()
    }

    fn scalar(hex_str: &str) -> Scalar {
        Option::from(Scalar::from_repr(FieldBytes::from(bytes32(hex_str)))).unwrap()
    }

    fn nonzero(hex_str: &str) -> NonZeroScalar {
        Option::from(NonZeroScalar::new(scalar(hex_str))).unwrap()
    }

    fn one() -> NonZeroScalar {
        Option::from(NonZeroScalar::new(Scalar::ONE)).unwrap()
    }

    fn point(x: &str, y: &str) -> PublicKey {
        let its = EccP256CurvePoint::Uncompressed(EccP256CurvePointUncompressedP256 {
            x: bytes32(x).into(),
            y: bytes32(y).into(),
        });
        point_from_its(&its).unwrap()
    }

    fn sha256(data: &[u8]) -> [u8; 32] {
        crate::hash::HashAlg::Sha256
            .digest(data)
            .as_bytes()
            .try_into()
            .unwrap()
    }

    fn compressed_sec1(key: &PublicKey) -> Vec<u8> {
        match point_to_its_compressed(key) {
            EccP256CurvePoint::CompressedY0(x) => [&[0x02u8][..], x.as_ref()].concat(),
            EccP256CurvePoint::CompressedY1(x) => [&[0x03u8][..], x.as_ref()].concat(),
            other => panic!("not compressed: {other:?}"),
        }
    }

    /// One ECQV known-answer case from the CAMP/SCMS crypto test vectors:
    /// repository conz27/crypto-test-vectors, file implicit.txt (generated by implicit.py).
    /// There `CertU = tbsCert || compressed(P_U)` (a toy certificate, not 1609.2 COER) and
    /// `e` is SEC 4 `Hn`: SHA-256(CertU) shifted right by one bit.
    struct Kat {
        tbs: &'static str,
        k_u: &'static str,
        r_u: (&'static str, &'static str),
        d_ca: &'static str,
        q_ca: (&'static str, &'static str),
        k: &'static str,
        p_u: (&'static str, &'static str),
        cert_u: &'static str,
        r: &'static str,
        d_u: &'static str,
        q_u: (&'static str, &'static str),
    }

    const TBS: &str = "54686973206973206120746573742100"; // "This is a test!\0"
    const K_U: &str = "1384C31D6982D52BCA3BED8A7E60F52FECDAB44E5C0EA166815A8159E09FFB42";
    const R_U: (&str, &str) = (
        "F45A99137B1BB2C150D6D8CF7292CA07DA68C003DAA766A9AF7F67F5EE916828",
        "F6A25216F44CB64A96C229AE00B479857B3B81C1319FB2ADF0E8DB2681769729",
    );
    const D_CA: &str = "97D1368E8C07A54F66C9DCE284BA76CAF4178206614F809A4EB43CB3106AA60E";
    const Q_CA: (&str, &str) = (
        "3BB8FFD19B25EE1BB939CD4935FBFA8FBAADBA64843338A95595A70ED7479B70",
        "EB60DDC790E3CB05E85225F636D8A7C20DF3A8135C4B2AE5396367B4E86077F8",
    );

    const CAMP_VECTORS: [Kat; 2] = [
        // Test Vector #1
        Kat {
            tbs: TBS,
            k_u: K_U,
            r_u: R_U,
            d_ca: D_CA,
            q_ca: Q_CA,
            k: "E2F9CBCEC3F28F7DFBEF044732C41119816C62909FB720B091FB8F380F1B70DC",
            p_u: (
                "4A1890E30A584208DAD3838D0C5CECB1ED6B01D48893C684C59908F5B38E3D82",
                "BAE8FB2EF2DC080F248F44FCEC458B1B35ECDC80F00C959292CBE21BE2FF2EA2",
            ),
            cert_u: "54686973206973206120746573742100\
                     024a1890e30a584208dad3838d0c5cecb1ed6b01d48893c684c59908f5b38e3d82",
            r: "1FA86893A1AABE8A79F63360F4B6D5617380B4D84B8C260DD8D3D64163C874FD",
            d_u: "C8599ECA52B58D691B2BB609CDB53DDD9F49C0D635AB652EC79C546914590274",
            q_u: (
                "6E89D7C0F910AAA4AD3137EBE01EF781C0BAB6748318D66FE714471F7F860EB2",
                "1EFE06E2ACC3A2343D2E4445F2083BFA4379672DFBFE0B2575002082407FFDDC",
            ),
        },
        // Test Vector #2
        Kat {
            tbs: TBS,
            k_u: K_U,
            r_u: R_U,
            d_ca: D_CA,
            q_ca: Q_CA,
            k: "3396DA2ECBFC6E5F231E2C80EB27AB84F09DD5E724F8652ADE86E60BC800EAD7",
            p_u: (
                "6694D1F99A18CBE8035E053B2E56C12EECB94E9D5DBA88E07E5B50CBE309103E",
                "74A698788B8F35B3A86E553228D592FCB7C85611637690A85EEACA02EB178887",
            ),
            cert_u: "54686973206973206120746573742100\
                     036694d1f99a18cbe8035e053b2e56c12eecb94e9d5dba88e07e5b50cbe309103e",
            r: "001CF7456A157A90FCEA0634699E7A3644FEBFB86C119E6A9686928B8E3F7EF0",
            d_u: "C9CCC8E83AB985C436A8BC09C0CAA8A5AC627DD7BC9336A5E8AB81B77D3A031D",
            q_u: (
                "8ED40E9601BEEB146A4A0AB96D20EE0FE4CA1E389397F2B1CC67AD9F5B0F579E",
                "73E589E8A9A135306F4AA324F17B66906153BD333961F9BE530F20EB8D3339C7",
            ),
        },
    ];

    #[test]
    fn camp_known_answers_reproduce_with_sec4_rule() {
        let rule = HashToInteger::Sec4Leftmost;
        for kat in &CAMP_VECTORS {
            let k_u = nonzero(kat.k_u);
            let r_u = point(kat.r_u.0, kat.r_u.1);
            let d_ca = nonzero(kat.d_ca);
            let q_ca = point(kat.q_ca.0, kat.q_ca.1);
            assert_eq!(PublicKey::from_secret_scalar(&k_u), r_u);
            assert_eq!(PublicKey::from_secret_scalar(&d_ca), q_ca);

            // CA side: P_U, then the toy CertU = tbs || compressed(P_U), then r.
            let p_u = ca_contribution(&nonzero(kat.k), &r_u).unwrap();
            assert_eq!(p_u, point(kat.p_u.0, kat.p_u.1));
            let cert_u = [hex::decode(kat.tbs).unwrap(), compressed_sec1(&p_u)].concat();
            assert_eq!(cert_u, hex::decode(kat.cert_u).unwrap());
            let digest = sha256(&cert_u);
            let r = ca_private_reconstruction(rule, &digest, &nonzero(kat.k), &d_ca);
            assert_eq!(r, scalar(kat.r));

            // Requester and relying party.
            let d_u = reconstruct_private_key(rule, &digest, &k_u, &r).unwrap();
            assert_eq!(d_u.to_bytes(), FieldBytes::from(bytes32(kat.d_u)));
            let q_u = reconstruct_public_key(rule, &digest, &p_u, &q_ca).unwrap();
            assert_eq!(q_u, point(kat.q_u.0, kat.q_u.1));
            assert_eq!(d_u.public_key(), q_u);
            let (d_checked, q_checked) =
                reconstruct_private_key_checked(rule, &digest, &k_u, &r, &p_u, &q_ca).unwrap();
            assert_eq!((d_checked, q_checked), (d_u, q_u));
        }
    }

    #[test]
    fn full_digest_rule_gives_another_but_consistent_key_for_the_camp_inputs() {
        let sec4 = HashToInteger::Sec4Leftmost;
        let full = HashToInteger::FullDigest;
        for kat in &CAMP_VECTORS {
            let k_u = nonzero(kat.k_u);
            let k = nonzero(kat.k);
            let d_ca = nonzero(kat.d_ca);
            let q_ca = point(kat.q_ca.0, kat.q_ca.1);
            let p_u = point(kat.p_u.0, kat.p_u.1);
            let digest = sha256(&hex::decode(kat.cert_u).unwrap());
            assert_ne!(hash_to_scalar(full, &digest), hash_to_scalar(sec4, &digest));

            let r_full = ca_private_reconstruction(full, &digest, &k, &d_ca);
            assert_ne!(r_full, scalar(kat.r));
            let (d_u, q_u) =
                reconstruct_private_key_checked(full, &digest, &k_u, &r_full, &p_u, &q_ca).unwrap();
            assert_ne!(d_u.to_bytes(), FieldBytes::from(bytes32(kat.d_u)));
            assert_ne!(q_u, point(kat.q_u.0, kat.q_u.1));
            assert_eq!(d_u.public_key(), q_u);

            // Mixing the rules is caught by the SEC 4 §3.6 check.
            let mixed =
                reconstruct_private_key_checked(full, &digest, &k_u, &scalar(kat.r), &p_u, &q_ca);
            assert_eq!(mixed.unwrap_err(), EcqvError::KeyMismatch);
        }
    }

    #[test]
    fn hash_to_integer_rules() {
        let mut two = [0u8; 32];
        two[31] = 2;
        assert_eq!(
            hash_to_scalar(HashToInteger::FullDigest, &two),
            Scalar::from(2u64)
        );
        assert_eq!(
            hash_to_scalar(HashToInteger::Sec4Leftmost, &two),
            Scalar::from(1u64)
        );

        // A carry crosses the byte boundary: 0x01_00 >> 1 == 0x80.
        let mut carry = [0u8; 32];
        carry[30] = 1;
        assert_eq!(
            hash_to_scalar(HashToInteger::Sec4Leftmost, &carry),
            Scalar::from(0x80u64)
        );

        // n itself: the full digest reduces to zero, the SEC 4 rule never needs reducing.
        let n = bytes32("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
        assert_eq!(hash_to_scalar(HashToInteger::FullDigest, &n), Scalar::ZERO);
        let half_n = scalar("7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8");
        assert_eq!(hash_to_scalar(HashToInteger::Sec4Leftmost, &n), half_n);

        // All ones: 2^256 - 1 mod n versus 2^255 - 1.
        let ones = [0xFFu8; 32];
        assert_eq!(
            hash_to_scalar(HashToInteger::FullDigest, &ones),
            scalar("00000000FFFFFFFF00000000000000004319055258E8617B0C46353D039CDAAE")
        );
        assert_eq!(
            hash_to_scalar(HashToInteger::Sec4Leftmost, &ones),
            scalar("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")
        );
    }

    /// Fixed "random" scalars for the round trip: hashes of labels, so they are arbitrary
    /// but reproducible.
    fn fixed_scalar(label: &str) -> NonZeroScalar {
        Option::from(NonZeroScalar::new(hash_to_scalar(
            HashToInteger::FullDigest,
            &sha256(label.as_bytes()),
        )))
        .unwrap()
    }

    #[test]
    fn issue_and_reconstruct_round_trip_for_both_rules() {
        for rule in [HashToInteger::FullDigest, HashToInteger::Sec4Leftmost] {
            for round in 0..8 {
                let d_ca = fixed_scalar(&format!("ca key {round}"));
                let q_ca = PublicKey::from_secret_scalar(&d_ca);
                let k_u = fixed_scalar(&format!("requester key {round}"));
                let r_u = PublicKey::from_secret_scalar(&k_u);
                let k = fixed_scalar(&format!("ca ephemeral {round}"));

                let p_u = ca_contribution(&k, &r_u).unwrap();
                // The caller builds its certificate around P_U, then hashes it.
                let its_p_u = point_to_its_compressed(&p_u);
                let cert = format!("toy tbs {round} {its_p_u:?}");
                let digest = sha256(cert.as_bytes());
                let r = ca_private_reconstruction(rule, &digest, &k, &d_ca);

                let p_u_received = point_from_its(&its_p_u).unwrap();
                assert_eq!(p_u_received, p_u);
                let d_u = reconstruct_private_key(rule, &digest, &k_u, &r).unwrap();
                let q_u = reconstruct_public_key(rule, &digest, &p_u_received, &q_ca).unwrap();
                assert_eq!(d_u.public_key(), q_u, "{rule:?} round {round}");
            }
        }
    }

    #[test]
    fn its_point_conversions() {
        let generator = PublicKey::from_secret_scalar(&one());
        let gx = bytes32("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296");
        let gy = bytes32("4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5");
        // G has an odd y (…F5): compressed-y-1.
        assert_eq!(
            point_to_its_compressed(&generator),
            EccP256CurvePoint::CompressedY1(gx.into())
        );
        let uncompressed = EccP256CurvePoint::Uncompressed(EccP256CurvePointUncompressedP256 {
            x: gx.into(),
            y: gy.into(),
        });
        assert_eq!(point_from_its(&uncompressed).unwrap(), generator);
        assert_eq!(
            point_from_its(&EccP256CurvePoint::CompressedY1(gx.into())).unwrap(),
            generator
        );
        // The same x with the other parity is -G.
        let minus_g = point_from_its(&EccP256CurvePoint::CompressedY0(gx.into())).unwrap();
        assert_eq!(minus_g.to_projective(), -generator.to_projective());
        assert!(matches!(
            point_to_its_compressed(&minus_g),
            EccP256CurvePoint::CompressedY0(_)
        ));
    }

    #[test]
    fn invalid_its_points_are_errors() {
        let gx = bytes32("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296");
        assert_eq!(
            point_from_its(&EccP256CurvePoint::XOnly(gx.into())),
            Err(EcqvError::XOnlyNotAPoint)
        );
        assert_eq!(
            point_from_its(&EccP256CurvePoint::Fill(())),
            Err(EcqvError::FillNotAPoint)
        );
        // x ≥ p is not a field element.
        assert_eq!(
            point_from_its(&EccP256CurvePoint::CompressedY0([0xFF; 32].into())),
            Err(EcqvError::NotOnCurve)
        );
        // (0, 0) would be the identity's conventional encoding, and is not on the curve.
        let zero = EccP256CurvePoint::Uncompressed(EccP256CurvePointUncompressedP256 {
            x: [0; 32].into(),
            y: [0; 32].into(),
        });
        assert_eq!(point_from_its(&zero), Err(EcqvError::NotOnCurve));
        // G's x with y + 1: off the curve.
        let mut bad_y = bytes32("4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5");
        bad_y[31] ^= 1;
        let off_curve = EccP256CurvePoint::Uncompressed(EccP256CurvePointUncompressedP256 {
            x: gx.into(),
            y: bad_y.into(),
        });
        assert_eq!(point_from_its(&off_curve), Err(EcqvError::NotOnCurve));
    }

    #[test]
    fn identity_and_zero_results_are_errors() {
        let rule = HashToInteger::FullDigest;
        let digest = sha256(b"identity");
        let e = hash_to_scalar(rule, &digest);
        let generator = PublicKey::from_secret_scalar(&one());

        // Q_CA = -e·G with P_U = G: e·P_U + Q_CA is the point at infinity.
        let minus_e = Option::from(NonZeroScalar::new(-e)).unwrap();
        let q_ca = PublicKey::from_secret_scalar(&minus_e);
        assert_eq!(
            reconstruct_public_key(rule, &digest, &generator, &q_ca),
            Err(EcqvError::IdentityPublicKey)
        );

        // k_U = 1, r = -e: d_U = 0.
        assert_eq!(
            reconstruct_private_key(rule, &digest, &one(), &-e).unwrap_err(),
            EcqvError::ZeroPrivateKey
        );

        // k = -k_U: R_U + k·G is the point at infinity.
        let k_u = fixed_scalar("requester");
        let r_u = PublicKey::from_secret_scalar(&k_u);
        assert_eq!(
            ca_contribution(&-k_u, &r_u),
            Err(EcqvError::IdentityReconstructionValue)
        );
    }
}
