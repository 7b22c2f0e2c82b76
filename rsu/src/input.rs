//! Reading messages given on the command line: hex text or raw binary, detected.

/// Where the bytes came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// Hexadecimal text (whitespace and a leading `0x` ignored).
    Hex,
    /// Raw octets.
    Binary,
}

/// Input that is neither valid hex text nor usable binary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Text that looks like hex but is not (odd digit count, stray character).
    #[error("not hex: {0}")]
    BadHex(String),
    /// Nothing to decode.
    #[error("empty input")]
    Empty,
}

/// Parses hex text: whitespace anywhere and one leading `0x` are allowed.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, InputError> {
    let trimmed = text.trim();
    let body = trimmed
        .strip_prefix("0x")
        .or_else(|| trimmed.strip_prefix("0X"))
        .unwrap_or(trimmed);
    let digits: Vec<u8> = body.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.is_empty() {
        return Err(InputError::Empty);
    }
    if let Some(pos) = digits.iter().position(|b| !b.is_ascii_hexdigit()) {
        let shown = digits.get(pos).map_or('?', |b| char::from(*b));
        return Err(InputError::BadHex(format!(
            "character {shown:?} at hex digit {pos} is not a hex digit"
        )));
    }
    if !digits.len().is_multiple_of(2) {
        return Err(InputError::BadHex(format!(
            "{} hex digits: an odd count cannot be octets",
            digits.len()
        )));
    }
    let nibble = |b: u8| match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    };
    Ok(digits
        .chunks_exact(2)
        .map(|p| (nibble(p[0]) << 4) | nibble(p[1]))
        .collect())
}

/// Decides whether `raw` is hex text or binary and returns the octets.
///
/// Input made only of hex digits, whitespace and an optional `0x` is hex text; anything
/// else is taken as binary. (A binary message made only of the byte values of ASCII hex
/// digits and spaces is implausible for UPER, whose first octet of a J2735 frame is 0x00.)
pub fn detect(raw: &[u8]) -> Result<(Vec<u8>, Form), InputError> {
    if raw.is_empty() {
        return Err(InputError::Empty);
    }
    let texty = raw
        .iter()
        .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace() || *b == b'x' || *b == b'X');
    if texty {
        let text = String::from_utf8_lossy(raw);
        return parse_hex(&text).map(|b| (b, Form::Hex));
    }
    Ok((raw.to_vec(), Form::Binary))
}

/// Why a latitude/longitude pair given in degrees was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordError {
    /// Not a decimal number.
    Syntax,
    /// Latitude outside ±90 or longitude outside ±180 degrees.
    Range,
}

/// Latitude and longitude in decimal degrees → tenths of a microdegree, the unit of 1609.2
/// regions and GeoNetworking position vectors.
pub fn tenth_microdegrees(lat: &str, lon: &str) -> Result<(i32, i32), CoordError> {
    let lat: f64 = lat.trim().parse().map_err(|_| CoordError::Syntax)?;
    let lon: f64 = lon.trim().parse().map_err(|_| CoordError::Syntax)?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(CoordError::Range);
    }
    Ok(((lat * 1e7).round() as i32, (lon * 1e7).round() as i32))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn hex_text_with_whitespace_and_prefix() {
        assert_eq!(parse_hex(" 0x00 13\n2a ").unwrap(), vec![0x00, 0x13, 0x2a]);
        assert_eq!(
            detect(b"0013ff\n").unwrap(),
            (vec![0, 0x13, 0xff], Form::Hex)
        );
    }

    #[test]
    fn binary_is_detected() {
        assert_eq!(
            detect(&[0x00, 0x14, 0x25]).unwrap(),
            (vec![0x00, 0x14, 0x25], Form::Binary)
        );
    }

    #[test]
    fn bad_hex_is_named() {
        assert_eq!(
            parse_hex("00g1").unwrap_err().to_string(),
            "not hex: character 'g' at hex digit 2 is not a hex digit"
        );
        assert!(
            parse_hex("001")
                .unwrap_err()
                .to_string()
                .contains("odd count")
        );
        assert_eq!(parse_hex("  ").unwrap_err(), InputError::Empty);
    }
}
