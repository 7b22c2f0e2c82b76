//! China's security profile: YD/T 3957-2021 (elevated as GB/T 45112-2024), IEEE 1609.2-2022
//! structures in COER with SM2/SM3 (`sm3` hash, `sm3AndDigest` issuer, `ecsigSm2` keys,
//! `sm2Signature` with integer r and s).
//!
//! What differs from 1609.2 is the SM2 signature input: SM2 (GB/T 32918.2 §6.1) signs
//! `e = SM3(Z_A ‖ M)` with `Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A)`, and YD/T 3957
//! puts the signer binding into the ID instead of 1609.2's `H(H(data) ‖ H(signer))`:
//!
//! - an SPDU signed by a certificate: ID = SM3(signer certificate), the 32 raw octets
//!   (ENTL = 256), M = COER(ToBeSignedData) as it stands (no inner hash);
//! - a self-signed root certificate: ID = "1234567812345678" (GM/T 0009's default),
//!   M = COER(toBeSigned);
//! - a certificate issued by a CA: ID = SM3(issuer certificate), M = COER(toBeSigned).
//!
//! The first two were reproduced on the YD/T 3957 known answer and on the CAICT TRCLA root
//! (`shared/reference/cn-csae.md` §4.3); the third is what const.net.cn states, not checked
//! against a real issued certificate (none is public).
//!
//! RustCrypto's `sm2` takes the ID only as `&str`, so Z_A is computed here and the key signs
//! and verifies `e` through its prehash interface.
//!
//! Received SPDUs whose first octet is 2 are the older YD/T 3594-2019 `SecuredMessage`
//! (version 2): [`crate::spdu::parse`] reports them as
//! [`crate::spdu::SpduError::LegacySecuredMessage`] instead of misreading them.

use crate::hash::{Digest, HashAlg};
use crate::keys::{Curve, KeyError, VerifyKey};

/// The SM2 ID of self-signed root certificates (GM/T 0009 default, YD/T 3957).
pub const SM2_ROOT_ID: &[u8; 16] = b"1234567812345678";

/// `protocolVersion` (first octet) of the legacy YD/T 3594-2019 `SecuredMessage`.
pub const LEGACY_SECURED_MESSAGE_VERSION: u8 = 2;

/// AID of MAP (IMT-2020(5G) C-V2X WG AID table, 2020; `cn-csae.md` §3.3).
pub const AID_MAP: u64 = 3618;
/// AID of SPAT.
pub const AID_SPAT: u64 = 3619;
/// AID of RSI, static road information.
pub const AID_RSI_STATIC: u64 = 3620;
/// AID of RSI, semi-static road information.
pub const AID_RSI_SEMI_STATIC: u64 = 3621;
/// AID of RSI, dynamic road information.
pub const AID_RSI_DYNAMIC: u64 = 3622;
/// AID of RSM (road safety message).
pub const AID_RSM: u64 = 3623;
/// The AIDs an intersection RSU signs with in the China region.
pub const RSU_AIDS: [u64; 6] = [
    AID_MAP,
    AID_SPAT,
    AID_RSI_STATIC,
    AID_RSI_SEMI_STATIC,
    AID_RSI_DYNAMIC,
    AID_RSM,
];
/// UN M.49 country code of China, for `countryOnly` regions.
pub const COUNTRY_CHINA: u16 = 156;

/// The distinguishing identifier SM2 mixes into Z_A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sm2Id {
    /// "1234567812345678": self-signed root certificates.
    Root,
    /// SM3 of a certificate (the signer's for SPDUs, the issuer's for certificates).
    Certificate([u8; 32]),
}

impl Sm2Id {
    /// The ID of the certificate whose SM3 hash is `digest`.
    pub fn of_certificate(digest: &Digest) -> Result<Self, KeyError> {
        let b: [u8; 32] = digest
            .as_bytes()
            .try_into()
            .map_err(|_| KeyError::Unsupported("SM2 ID from a hash that is not 32 octets"))?;
        Ok(Sm2Id::Certificate(b))
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Sm2Id::Root => SM2_ROOT_ID,
            Sm2Id::Certificate(h) => h,
        }
    }
}

/// The SM2 curve parameters a, b, x_G, y_G (GB/T 32918.5), in Z_A order.
const CURVE_ABG: [u8; 128] = {
    const fn nib(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not lower-case hex"),
        }
    }
    const HEX: &[u8; 256] = b"fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc\
28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93\
32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7\
bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0";
    let mut out = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        out[i] = (nib(HEX[2 * i]) << 4) | nib(HEX[2 * i + 1]);
        i += 1;
    }
    out
};

/// `Z_A` of GB/T 32918.2 §5.5 for `id` and the SM2 public `key`.
pub fn za(id: &Sm2Id, key: &VerifyKey) -> Result<[u8; 32], KeyError> {
    if key.curve() != Curve::Sm2 {
        return Err(KeyError::Unsupported("Z_A of a key that is not SM2"));
    }
    let point = key.to_sec1(false);
    let xy = point
        .get(1..65)
        .ok_or(KeyError::NotAPoint("SM2 public key"))?;
    Ok(za_of_xy(id.as_bytes(), xy))
}

/// `Z_A` for an ID of any length (at most 8191 octets: ENTL is 16 bits) and the affine
/// coordinates `x_A ‖ y_A` (64 octets). The KAT tests use it directly.
pub fn za_of_xy(id: &[u8], xy: &[u8]) -> [u8; 32] {
    let entl = u16::try_from(id.len() * 8)
        .unwrap_or(u16::MAX)
        .to_be_bytes();
    let d = HashAlg::Sm3.digest_parts(&[&entl, id, &CURVE_ABG, xy]);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_bytes());
    out
}

/// `e = SM3(Z_A ‖ M)`: what the SM2 key signs.
pub fn e(za: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let d = HashAlg::Sm3.digest_parts(&[za, message]);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_bytes());
    out
}

#[cfg(all(test, feature = "china"))]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn curve_constants_are_the_library_curve() {
        // Z_A must hash the curve the sm2 crate computes on: G from the library equals ours.
        let one = sm2::SecretKey::from_slice(&{
            let mut b = [0u8; 32];
            b[31] = 1;
            b
        })
        .unwrap();
        let g = VerifyKey::from_sec1(Curve::Sm2, &{
            use elliptic_curve::sec1::ToSec1Point as _;
            one.public_key().to_sec1_point(false).as_bytes().to_vec()
        })
        .unwrap();
        assert_eq!(&g.to_sec1(false)[1..], &CURVE_ABG[64..]);
    }

    #[test]
    fn za_depends_on_id_and_key() {
        let k = |s: u8| {
            let sk = sm2::SecretKey::from_slice(&[s; 32]).unwrap();
            use elliptic_curve::sec1::ToSec1Point as _;
            VerifyKey::from_sec1(Curve::Sm2, sk.public_key().to_sec1_point(true).as_bytes())
                .unwrap()
        };
        let (a, b) = (k(1), k(2));
        let h = Sm2Id::Certificate([9; 32]);
        assert_ne!(za(&Sm2Id::Root, &a).unwrap(), za(&h, &a).unwrap());
        assert_ne!(za(&h, &a).unwrap(), za(&h, &b).unwrap());
        let p = VerifyKey::from_sec1(Curve::NistP256, &{
            use elliptic_curve::sec1::ToSec1Point as _;
            p256::SecretKey::from_slice(&[1; 32])
                .unwrap()
                .public_key()
                .to_sec1_point(true)
                .as_bytes()
                .to_vec()
        })
        .unwrap();
        assert!(za(&h, &p).is_err());
    }
}
