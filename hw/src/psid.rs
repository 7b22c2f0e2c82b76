//! Provider Service Identifier (IEEE 1609.12), with its p-encoding (IEEE 1609.3 §8.1.3,
//! the `VarLengthNumber` of ISO 17419).
//!
//! RSU configurations and the USDOT RSU 4.1 interfaces write PSIDs p-encoded in hex: `0x8002`
//! is PSID 0x82 (130). The same octets go into the WSMP T-header. [`Psid`] holds the plain
//! number; the conversions to and from the p-encoded form are explicit.

use std::fmt;
use std::str::FromStr;

/// A PSID: a number in `0..=0x1020_407F`, the range the 1- to 4-octet p-encoding covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Psid(u32);

/// Why a PSID could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PsidError {
    #[error("PSID {0:?}: not a decimal number or 0x-prefixed p-encoded hex")]
    Syntax(String),
    #[error(
        "PSID {0:?}: not a valid p-encoding (its first octet does not fit its length; e.g. PSID 0x82 is written 0x8002 or 130)"
    )]
    BadPEncoding(String),
    #[error("PSID {0:#x} is above the largest PSID, 0x1020407f")]
    OutOfRange(u64),
    #[error("p-encoded PSID: first octet {0:#04x} starts with 1111, which no length uses")]
    BadFirstOctet(u8),
    #[error("p-encoded PSID: {needed} octets announced, {available} present")]
    Truncated { needed: usize, available: usize },
}

/// (first-octet prefix, number of octets, first PSID of the range) per p-encoding length.
const RANGES: [(u32, usize, u32); 4] = [
    (0x00, 1, 0),
    (0x8000, 2, 0x80),
    (0xC0_0000, 3, 0x4080),
    (0xE000_0000, 4, 0x20_4080),
];

impl Psid {
    /// The largest PSID: 4 octets `0xEFFFFFFF`.
    pub const MAX: u32 = 0x1020_407F;
    /// Vehicle-to-vehicle safety and awareness (BSM).
    pub const BSM: Psid = Psid(0x20);
    /// Intersection safety and awareness (SPaT, MAP, SSM).
    pub const INTERSECTION: Psid = Psid(0x82);
    /// Traveller information and roadside signage (TIM).
    pub const TRAVELLER_INFORMATION: Psid = Psid(0x83);

    /// A PSID from its number; `None` above [`Psid::MAX`].
    pub const fn new(value: u32) -> Option<Psid> {
        if value <= Self::MAX {
            Some(Psid(value))
        } else {
            None
        }
    }

    /// The PSID's number (what 1609.2 certificates and the registry list).
    pub const fn value(self) -> u32 {
        self.0
    }

    /// How many octets the p-encoding takes: 1 to 4.
    pub const fn encoded_len(self) -> usize {
        match self.0 {
            0..=0x7F => 1,
            0x80..=0x407F => 2,
            0x4080..=0x20_407F => 3,
            _ => 4,
        }
    }

    /// The p-encoding as a number (`0x8002` for PSID 0x82), as configurations write it.
    pub const fn p_encoded(self) -> u32 {
        let (prefix, _, base) = RANGES[self.encoded_len() - 1];
        prefix + (self.0 - base)
    }

    /// Writes the p-encoded octets into the start of `out`, returning how many were written.
    /// `out` must hold [`Psid::encoded_len`] octets.
    pub fn write_p_encoded(self, out: &mut [u8]) -> Option<usize> {
        let len = self.encoded_len();
        let bytes = self.p_encoded().to_be_bytes();
        out.get_mut(..len)?.copy_from_slice(&bytes[4 - len..]);
        Some(len)
    }

    /// Reads a p-encoded PSID from the start of `data`, returning it and the octets it took.
    /// A first octet `1111xxxx` is invalid (1609.3: no 5-octet form).
    pub fn read_p_encoded(data: &[u8]) -> Result<(Psid, usize), PsidError> {
        let first = *data.first().ok_or(PsidError::Truncated {
            needed: 1,
            available: 0,
        })?;
        let len = first.leading_ones() as usize + 1;
        if len > 4 {
            return Err(PsidError::BadFirstOctet(first));
        }
        let octets = data.get(..len).ok_or(PsidError::Truncated {
            needed: len,
            available: data.len(),
        })?;
        let raw = octets
            .iter()
            .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        let (prefix, _, base) = RANGES[len - 1];
        Ok((Psid(raw - prefix + base), len))
    }

    /// Parses a PSID as configurations write it: `0x…` is p-encoded hex (`0x8002`, whose
    /// number of hex digits must match its length), anything else a decimal number (`130`).
    pub fn parse(text: &str) -> Result<Psid, PsidError> {
        let t = text.trim();
        let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) else {
            let v = t.parse::<u64>().map_err(|_| PsidError::Syntax(t.into()))?;
            return u32::try_from(v)
                .ok()
                .and_then(Psid::new)
                .ok_or(PsidError::OutOfRange(v));
        };
        if hex.is_empty()
            || !hex.len().is_multiple_of(2)
            || hex.len() > 8
            || !hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(PsidError::Syntax(t.into()));
        }
        let v = u32::from_str_radix(hex, 16).map_err(|_| PsidError::Syntax(t.into()))?;
        let octets = v.to_be_bytes();
        let n = hex.len() / 2;
        match Psid::read_p_encoded(&octets[4 - n..]) {
            Ok((psid, used)) if used == n => Ok(psid),
            _ => Err(PsidError::BadPEncoding(t.into())),
        }
    }
}

impl fmt::Display for Psid {
    /// The p-encoded hex form (`0x8002`), the way RSU configurations write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.encoded_len() * 2;
        write!(f, "0x{:0width$x}", self.p_encoded())
    }
}

impl FromStr for Psid {
    type Err = PsidError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Psid::parse(s)
    }
}

impl From<Psid> for u32 {
    fn from(p: Psid) -> u32 {
        p.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn p_encoded_and_decimal_forms() {
        let p = |s| Psid::parse(s).map(Psid::value);
        assert_eq!(p("0x8002"), Ok(0x82));
        assert_eq!(p("130"), Ok(130));
        assert_eq!(p("0x20"), Ok(0x20));
        assert_eq!(p("0x8003"), Ok(0x83));
        assert_eq!(p("0xC00000"), Ok(0x4080));
        assert_eq!(p("0xE0000017"), Ok(0x20_4097));
        assert_eq!(p("0x82"), Err(PsidError::BadPEncoding("0x82".into())));
        assert_eq!(
            p("0xF0000000"),
            Err(PsidError::BadPEncoding("0xF0000000".into()))
        );
        assert!(matches!(p("0x8"), Err(PsidError::Syntax(_))));
        assert!(matches!(p("spat"), Err(PsidError::Syntax(_))));
        assert_eq!(p("270549120"), Err(PsidError::OutOfRange(0x1020_4080)));
        assert_eq!(Psid::INTERSECTION.to_string(), "0x8002");
        assert_eq!(Psid::BSM.to_string(), "0x20");
        assert_eq!(Psid::new(0x20_4097).unwrap().to_string(), "0xe0000017");
    }

    #[test]
    fn range_boundaries_on_the_wire() {
        // (PSID, octets) at each end of each length, checked by hand against 1609.3 Table 2.
        let cases: [(u32, &[u8]); 8] = [
            (0, &[0x00]),
            (0x7F, &[0x7F]),
            (0x80, &[0x80, 0x00]),
            (0x407F, &[0xBF, 0xFF]),
            (0x4080, &[0xC0, 0x00, 0x00]),
            (0x20_407F, &[0xDF, 0xFF, 0xFF]),
            (0x20_4080, &[0xE0, 0x00, 0x00, 0x00]),
            (0x1020_407F, &[0xEF, 0xFF, 0xFF, 0xFF]),
        ];
        for (value, wire) in cases {
            let psid = Psid::new(value).unwrap();
            let mut buf = [0u8; 4];
            let n = psid.write_p_encoded(&mut buf).unwrap();
            assert_eq!(&buf[..n], wire, "{value:#x}");
            assert_eq!(Psid::read_p_encoded(wire), Ok((psid, n)));
        }
        assert_eq!(Psid::new(Psid::MAX + 1), None);
        assert_eq!(
            Psid::read_p_encoded(&[0xF0, 0, 0, 0, 0]),
            Err(PsidError::BadFirstOctet(0xF0))
        );
        assert_eq!(
            Psid::read_p_encoded(&[0xE0, 0, 0]),
            Err(PsidError::Truncated {
                needed: 4,
                available: 3
            })
        );
        assert_eq!(
            Psid::read_p_encoded(&[]),
            Err(PsidError::Truncated {
                needed: 1,
                available: 0
            })
        );
        assert_eq!(Psid::INTERSECTION.write_p_encoded(&mut [0u8; 1]), None);
    }

    proptest! {
        #[test]
        fn every_psid_round_trips(value in 0..=Psid::MAX) {
            let psid = Psid::new(value).unwrap();
            let mut buf = [0u8; 4];
            let n = psid.write_p_encoded(&mut buf).unwrap();
            prop_assert_eq!(n, psid.encoded_len());
            prop_assert_eq!(Psid::read_p_encoded(&buf[..n]), Ok((psid, n)));
            prop_assert_eq!(Psid::parse(&psid.to_string()), Ok(psid));
            prop_assert_eq!(Psid::parse(&value.to_string()), Ok(psid));
        }
    }
}
