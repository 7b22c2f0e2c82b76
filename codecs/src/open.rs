//! Open types keyed by an id (X.681 information object sets), as typed Rust enums.
//!
//! J2735's MessageFrame (`messageId` + `value`) and BSM Part II (`partII-Id` +
//! `partII-Value`) carry a value whose type the id selects. In UPER the value is an open
//! type: a length and the value's own UPER octets. In JER it is the value's own JSON. An id
//! the set does not know is kept opaque, id and octets, so it re-encodes to the same bytes.
//!
//! [`open_type!`] writes the enum and its rasn `Encode`/`Decode` by hand: the derive cannot
//! express a field whose type depends on a sibling's value.

/// Defines an enum for one information object set; see the module documentation.
///
/// ```text
/// open_type! {
///     /// doc
///     pub enum PartIIcontent {
///         extensible: false,                // the SEQUENCE's extension marker
///         id: "partII-Id" => PartIIId,   // a Copy newtype with `.0`, derived with its range
///         value: "partII-Value",
///         VehicleSafety(VehicleSafetyExtensions) = 0,
///     }
/// }
/// ```
#[macro_export]
macro_rules! open_type {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            extensible: $extensible:literal,
            id: $id_ident:literal => $id_ty:ident,
            value: $value_ident:literal,
            $( $(#[$vmeta:meta])* $variant:ident ( $ty:ty ) = $id:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
            /// A value whose id this set does not know: its id and its encoded octets.
            Unknown {
                /// The id it came with.
                id: $id_ty,
                /// The open type's contents as received (UPER octets).
                bytes: Vec<u8>,
            },
        }

        impl $name {
            /// The id that selects this value's type.
            pub fn id(&self) -> $id_ty {
                match self {
                    $( Self::$variant(_) => $id_ty($id), )*
                    Self::Unknown { id, .. } => *id,
                }
            }

            /// The UPER octets of the value alone (the open type's contents).
            pub fn value_uper(&self) -> Result<Vec<u8>, rasn::error::EncodeError> {
                let mut buf = Vec::new();
                self.value_uper_into(&mut buf)?;
                Ok(buf)
            }

            /// Writes the UPER octets of the value alone into `buf` (cleared first).
            // Not inlined: one match over every message's rasn encoder, compiled once here
            // (see `MessageFrame`'s impl).
            #[inline(never)]
            pub fn value_uper_into(
                &self,
                buf: &mut Vec<u8>,
            ) -> Result<(), rasn::error::EncodeError> {
                match self {
                    $( Self::$variant(v) => rasn::uper::encode_buf(v, buf), )*
                    Self::Unknown { bytes, .. } => {
                        buf.clear();
                        buf.extend_from_slice(bytes);
                        Ok(())
                    }
                }
            }

            /// Decodes the value of type `id` from its UPER octets; unknown ids stay opaque.
            /// Every octet must belong to the value.
            #[inline(never)]
            pub fn from_value_uper(
                id: $id_ty,
                bytes: &[u8],
            ) -> Result<Self, rasn::error::DecodeError> {
                fn exact<T: rasn::Decode>(
                    bytes: &[u8],
                ) -> Result<T, rasn::error::DecodeError> {
                    let (value, rest) = rasn::uper::decode_with_remainder::<T>(bytes)?;
                    if rest.is_empty() {
                        Ok(value)
                    } else {
                        Err(rasn::error::DecodeError::from_kind(
                            rasn::error::DecodeErrorKind::Custom {
                                msg: format!(
                                    "{} octets left inside the open type after the value",
                                    rest.len()
                                ),
                            },
                            rasn::Codec::Uper,
                        ))
                    }
                }
                Ok(match id.0 {
                    $( $id => Self::$variant(exact::<$ty>(bytes)?), )*
                    _ => Self::Unknown { id, bytes: bytes.to_vec() },
                })
            }
        }

        impl rasn::AsnType for $name {
            const TAG: rasn::types::Tag = rasn::types::Tag::SEQUENCE;
            const IDENTIFIER: rasn::types::Identifier =
                rasn::types::Identifier(Some(stringify!($name)));
        }

        impl rasn::types::Constructed<2, 0> for $name {
            const IS_EXTENSIBLE: bool = $extensible;
            const FIELDS: rasn::types::fields::Fields<2> =
                rasn::types::fields::Fields::from_static([
                    rasn::types::fields::Field::new_required(
                        0,
                        rasn::types::Tag::new(rasn::types::Class::Context, 0),
                        rasn::types::TagTree::Leaf(rasn::types::Tag::new(
                            rasn::types::Class::Context,
                            0,
                        )),
                        $id_ident,
                    ),
                    rasn::types::fields::Field::new_required(
                        1,
                        rasn::types::Tag::new(rasn::types::Class::Context, 1),
                        rasn::types::TagTree::Leaf(rasn::types::Tag::new(
                            rasn::types::Class::Context,
                            1,
                        )),
                        $value_ident,
                    ),
                ]);
        }

        impl rasn::Encode for $name {
            fn encode_with_tag_and_constraints<'e, E: rasn::Encoder<'e>>(
                &self,
                encoder: &mut E,
                tag: rasn::types::Tag,
                _: &rasn::types::Constraints,
                identifier: rasn::types::Identifier,
            ) -> Result<(), E::Error> {
                use rasn::enc::Error as _;
                let id_tag = rasn::types::Tag::new(rasn::types::Class::Context, 0);
                let value_tag = rasn::types::Tag::new(rasn::types::Class::Context, 1);
                encoder.encode_sequence::<2, 0, Self, _>(
                    tag,
                    |enc| {
                        rasn::Encode::encode_with_tag(&self.id(), enc, id_tag)?;
                        match rasn::Encoder::codec(enc) {
                            rasn::Codec::Jer => match self {
                                $( Self::$variant(v) => {
                                    rasn::Encode::encode_with_tag(v, enc, value_tag)?
                                } )*
                                Self::Unknown { bytes, .. } => rasn::Encode::encode_with_tag(
                                    &rasn::types::Any::new(bytes.clone()),
                                    enc,
                                    value_tag,
                                )?,
                            },
                            rasn::Codec::Uper => {
                                let bytes = self.value_uper().map_err(E::Error::from)?;
                                rasn::Encode::encode_with_tag(
                                    &rasn::types::Any::new(bytes),
                                    enc,
                                    value_tag,
                                )?
                            }
                            other => {
                                return Err(E::Error::custom(
                                    concat!(stringify!($name), ": open type only in UPER and JER"),
                                    other,
                                ))
                            }
                        }
                        Ok(())
                    },
                    identifier,
                )?;
                Ok(())
            }
        }

        impl rasn::Decode for $name {
            fn decode_with_tag_and_constraints<D: rasn::Decoder>(
                decoder: &mut D,
                tag: rasn::types::Tag,
                _: &rasn::types::Constraints,
            ) -> Result<Self, D::Error> {
                use rasn::de::Error as _;
                let id_tag = rasn::types::Tag::new(rasn::types::Class::Context, 0);
                let value_tag = rasn::types::Tag::new(rasn::types::Class::Context, 1);
                decoder.decode_sequence::<2, 0, Self, _, _>(
                    tag,
                    None::<fn() -> Self>,
                    |d| {
                        let codec = rasn::Decoder::codec(d);
                        let id = <$id_ty as rasn::Decode>::decode_with_tag(d, id_tag)
                            .map_err(|e| D::Error::field_error($id_ident, e.into(), codec))?;
                        let value = match codec {
                            rasn::Codec::Jer => match id.0 {
                                $( $id => <$ty as rasn::Decode>::decode_with_tag(d, value_tag)
                                    .map(Self::$variant), )*
                                _ => <rasn::types::Any as rasn::Decode>::decode_with_tag(
                                    d, value_tag,
                                )
                                .map(|any| Self::Unknown { id, bytes: any.into_bytes() }),
                            },
                            rasn::Codec::Uper => {
                                <rasn::types::Any as rasn::Decode>::decode_with_tag(d, value_tag)
                                    .and_then(|any| {
                                        Self::from_value_uper(id, any.as_bytes())
                                            .map_err(D::Error::from)
                                    })
                            }
                            other => Err(D::Error::custom(
                                concat!(stringify!($name), ": open type only in UPER and JER"),
                                other,
                            )),
                        };
                        value.map_err(|e| D::Error::field_error($value_ident, e.into(), codec))
                    },
                )
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use rasn::prelude::*;

    #[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq)]
    #[rasn(delegate, value("0..=63"))]
    pub struct KindId(pub u8);

    #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
    #[rasn(automatic_tags)]
    pub struct Small {
        #[rasn(value("0..=1000"))]
        pub n: u16,
    }

    crate::open_type! {
        /// A two-member set for tests.
        pub enum Content {
            extensible: false,
            id: "kind-Id" => KindId,
            value: "kind-Value",
            Small(Small) = 3,
            Flag(bool) = 5,
        }
    }

    #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq)]
    #[rasn(automatic_tags)]
    pub struct Holder {
        #[rasn(size("1..=8"))]
        pub items: SequenceOf<Content>,
    }

    #[test]
    fn uper_is_id_then_length_prefixed_value() {
        let h = Holder {
            items: vec![Content::Small(Small { n: 1000 }), Content::Flag(true)],
        };
        let bytes = rasn::uper::encode(&h).unwrap();
        // count-1 = 1 (3 bits); id 3 (6 bits); length 2; 0x3e8 in 10 bits padded to 2 octets;
        // id 5; length 1; TRUE padded to one octet.
        assert_eq!(bytes, expected_bits());
        assert_eq!(rasn::uper::decode::<Holder>(&bytes).unwrap(), h);
    }

    /// The expected bits written out field by field.
    fn expected_bits() -> Vec<u8> {
        let mut bits = String::new();
        bits.push_str("001"); // 2 items
        bits.push_str("000011"); // kind-Id 3
        bits.push_str("00000010"); // open type length 2
        bits.push_str("1111101000000000"); // n = 1000 (10 bits), padded to 2 octets
        bits.push_str("000101"); // kind-Id 5
        bits.push_str("00000001"); // length 1
        bits.push_str("10000000"); // TRUE, padded
        bits_to_bytes(&bits)
    }

    fn bits_to_bytes(bits: &str) -> Vec<u8> {
        let mut bits = bits.to_owned();
        while !bits.len().is_multiple_of(8) {
            bits.push('0');
        }
        bits.as_bytes()
            .chunks(8)
            .map(|c| u8::from_str_radix(core::str::from_utf8(c).unwrap(), 2).unwrap())
            .collect()
    }

    #[test]
    fn unknown_ids_stay_opaque_and_round_trip() {
        let h = Holder {
            items: vec![Content::Unknown {
                id: KindId(9),
                bytes: vec![0xde, 0xad],
            }],
        };
        let bytes = rasn::uper::encode(&h).unwrap();
        assert_eq!(rasn::uper::decode::<Holder>(&bytes).unwrap(), h);
        let json = crate::jer::to_value(&h).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"items": [{"kind-Id": 9, "kind-Value": "dead"}]})
        );
        assert_eq!(rasn::jer::decode::<Holder>(&json.to_string()).unwrap(), h);
    }

    #[test]
    fn jer_holds_the_typed_value() {
        let h = Holder {
            items: vec![Content::Small(Small { n: 7 }), Content::Flag(false)],
        };
        let json = crate::jer::to_value(&h).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"items": [
                {"kind-Id": 3, "kind-Value": {"n": 7}},
                {"kind-Id": 5, "kind-Value": false}
            ]})
        );
        assert_eq!(rasn::jer::decode::<Holder>(&json.to_string()).unwrap(), h);
    }

    #[test]
    fn octets_left_inside_the_open_type_are_an_error() {
        // one item, id 3, length 3: one octet more than Small needs
        let bytes =
            bits_to_bytes(&["000", "000011", "00000011", "1111101000000000", "00000000"].concat());
        let err = rasn::uper::decode::<Holder>(&bytes).unwrap_err();
        assert!(
            err.to_string().contains("left inside the open type"),
            "{err}"
        );
    }

    #[test]
    fn out_of_range_inside_the_open_type_is_named() {
        let h = Holder {
            items: vec![Content::Flag(true), Content::Small(Small { n: 1001 })],
        };
        let err = crate::jer::check(&h).unwrap_err();
        assert_eq!(err.path, "items[1].kind-Value.n");
        assert!(rasn::uper::encode(&h).is_err());
    }
}
