//! ITIS (SAE J2540) helper types used by J2735 messages: mixed lists of ITIS codes and free text.
//!
//! `ITIScodes` itself is shared and lives in `common.rs`; the enumerations of ITIS phrase
//! categories (`GenericLocations` and friends) are written elsewhere.

use super::*;
use rasn::prelude::*;

/// Free text that stands in for an ITIS phrase when no code fits (1 to 500 characters).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=500"))]
pub struct ITIStext(pub Ia5String);

/// A list of 1 to 100 entries, each an ITIS code or a piece of free text.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=100"))]
pub struct ITIScodesAndText(pub SequenceOf<ITIScodesAndTextMember>);

/// One entry of [`ITIScodesAndText`] (unnamed element type in the standard).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ITIScodesAndTextMember {
    pub item: ITIScodesAndTextMemberItem,
}

impl ITIScodesAndTextMember {
    /// An entry holding an ITIS code.
    pub fn itis(code: ITIScodes) -> Self {
        Self {
            item: ITIScodesAndTextMemberItem::Itis(code),
        }
    }

    /// An entry holding free text.
    pub fn text(text: ITIStext) -> Self {
        Self {
            item: ITIScodesAndTextMemberItem::Text(text),
        }
    }
}

/// The `item` of an [`ITIScodesAndTextMember`]: a code or text (unnamed CHOICE in the standard).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum ITIScodesAndTextMemberItem {
    #[rasn(identifier = "itis")]
    Itis(ITIScodes),
    #[rasn(identifier = "text")]
    Text(ITIStext),
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn text(n: usize) -> ITIStext {
        ITIStext(Ia5String::from_iso646_bytes(&vec![b'a'; n]).unwrap())
    }

    #[test]
    fn codes_and_text_round_trip() {
        let list = ITIScodesAndText(vec![
            ITIScodesAndTextMember::itis(ITIScodes(0)),
            ITIScodesAndTextMember::text(text(500)),
            ITIScodesAndTextMember::itis(ITIScodes(65_535)),
        ]);
        let bytes = rasn::uper::encode(&list).unwrap();
        assert_eq!(
            rasn::uper::decode::<ITIScodesAndText>(&bytes).unwrap(),
            list
        );
        let json = rasn::jer::encode(&list).unwrap();
        assert_eq!(rasn::jer::decode::<ITIScodesAndText>(&json).unwrap(), list);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value[0], serde_json::json!({"item": {"itis": 0}}));
    }

    #[test]
    fn one_code_bytes_by_hand() {
        // length 1 as 7 bits (0 = one entry), choice index 0 in 1 bit, code 0x1315 in 16 bits.
        let list = ITIScodesAndText(vec![ITIScodesAndTextMember::itis(ITIScodes(0x1315))]);
        assert_eq!(rasn::uper::encode(&list).unwrap(), [0x00, 0x13, 0x15]);
    }

    #[test]
    fn out_of_range_refused() {
        assert!(rasn::uper::encode(&ITIScodesAndText(vec![])).is_err());
        let many = vec![ITIScodesAndTextMember::itis(ITIScodes(1)); 101];
        assert!(rasn::uper::encode(&ITIScodesAndText(many)).is_err());
        let too_long = ITIScodesAndText(vec![ITIScodesAndTextMember::text(text(501))]);
        assert!(rasn::uper::encode(&too_long).is_err());
    }
}
