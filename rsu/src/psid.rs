//! PSIDs as RSU configurations write them (IEEE 1609.12 p-encoding in hex, `0x8002`) or as
//! plain decimal numbers (`130`).

/// Why a PSID could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PsidError {
    #[error("PSID {0:?}: not a decimal number or 0x-prefixed p-encoded hex")]
    Syntax(String),
    #[error(
        "PSID {0:?}: not a valid p-encoding (its first octet does not fit its length; e.g. PSID 0x82 is written 0x8002 or 130)"
    )]
    BadPEncoding(String),
}

/// Parses `0x…` as a p-encoded PSID, anything else as a decimal PSID.
pub fn parse(text: &str) -> Result<u64, PsidError> {
    let t = text.trim();
    let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) else {
        return t.parse::<u64>().map_err(|_| PsidError::Syntax(t.into()));
    };
    if hex.is_empty()
        || hex.len() % 2 != 0
        || hex.len() > 8
        || !hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(PsidError::Syntax(t.into()));
    }
    let v = u64::from_str_radix(hex, 16).map_err(|_| PsidError::Syntax(t.into()))?;
    // p-encoding: the number of leading 1 bits of the first octet gives the length.
    let (lo, hi, base) = match hex.len() / 2 {
        1 => (0x00, 0x7F, 0),
        2 => (0x8000, 0xBFFF, 0x80),
        3 => (0xC0_0000, 0xDF_FFFF, 0x4080),
        _ => (0xE000_0000, 0xEFFF_FFFF, 0x20_4080),
    };
    if !(lo..=hi).contains(&v) {
        return Err(PsidError::BadPEncoding(t.into()));
    }
    Ok(v - lo + base)
}

/// The p-encoded form, for messages.
pub fn p_encode(psid: u64) -> String {
    match psid {
        0..=0x7F => format!("0x{psid:02x}"),
        0x80..=0x407F => format!("0x{:04x}", psid - 0x80 + 0x8000),
        0x4080..=0x20_407F => format!("0x{:06x}", psid - 0x4080 + 0xC0_0000),
        _ => format!("0x{:08x}", psid - 0x20_4080 + 0xE000_0000),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn p_encoded_and_decimal_forms() {
        assert_eq!(parse("0x8002").unwrap(), 0x82);
        assert_eq!(parse("130").unwrap(), 130);
        assert_eq!(parse("0x20").unwrap(), 0x20);
        assert_eq!(parse("0x8003").unwrap(), 0x83);
        assert_eq!(parse("0xC00000").unwrap(), 0x4080);
        assert_eq!(parse("0xE0000017").unwrap(), 0x20_4097);
        assert_eq!(parse("0x82"), Err(PsidError::BadPEncoding("0x82".into())));
        assert!(matches!(parse("0x8"), Err(PsidError::Syntax(_))));
        assert!(matches!(parse("spat"), Err(PsidError::Syntax(_))));
        for p in [
            0,
            0x20,
            0x7F,
            0x80,
            0x82,
            0x407F,
            0x4080,
            0x20_407F,
            0x20_4080,
            0x1020_407F,
        ] {
            assert_eq!(parse(&p_encode(p)).unwrap(), p, "{p:#x}");
        }
    }
}
