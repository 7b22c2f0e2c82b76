//! The schema profiles and the seven types whose encoding depends on them.
//!
//! Each profile-dependent type is one public type with a hand-written `Encode`/`Decode` that
//! asks [`current`] which profile is active and hands the work to the derived code of a private
//! type carrying that profile's constraint (`NodeList63`/`NodeList32`, `LinkCsae`/`LinkYdt`,
//! ...). Everything else is derived once and shared.

use core::cell::Cell;

use rasn::prelude::*;
use rasn::types::Constraints;

use super::PositionOffsetLLV;

/// Which of the two public 2020-generation CSAE 53 schemas to speak (cn-csae.md §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// T/CSAE 53-2020 as OpenV2X documents it and the zyjohn0822 ASN.1 defines it; what the
    /// public captures use. The default.
    #[default]
    Csae53_2020,
    /// The variant labelled YD/T 3709-2020 (xuanxuanblingbling/cv2x): smaller NodeList and
    /// ConnectsToList, PathPointList from 2 points, mandatory linkWidth, one confidence in
    /// FullPositionVector, wider DHour and DTimeOffset.
    Ydt3709_2020,
}

impl Profile {
    /// The profile's name in configuration files (`csae53-2020`, `ydt3709-2020`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Csae53_2020 => "csae53-2020",
            Self::Ydt3709_2020 => "ydt3709-2020",
        }
    }

    /// The profile named `name` (as [`Profile::name`] writes it).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Csae53_2020, Self::Ydt3709_2020]
            .into_iter()
            .find(|p| p.name() == name)
    }
}

thread_local! {
    static ACTIVE: Cell<Profile> = const { Cell::new(Profile::Csae53_2020) };
}

/// The profile the encoders and decoders of this thread use now: the one an entry point
/// set, or [`Profile::Csae53_2020`] outside any.
pub fn current() -> Profile {
    ACTIVE.with(Cell::get)
}

/// Runs `f` with `profile` active on this thread, restoring the previous one afterwards
/// (also when `f` unwinds), so calls nest.
pub fn with_profile<R>(profile: Profile, f: impl FnOnce() -> R) -> R {
    struct Restore(Profile);
    impl Drop for Restore {
        fn drop(&mut self) {
            ACTIVE.with(|a| a.set(self.0));
        }
    }
    let _restore = Restore(ACTIVE.with(|a| a.replace(profile)));
    f()
}

/// A SEQUENCE OF whose size range is the one thing that differs between the profiles.
macro_rules! profile_list {
    ($(#[$m:meta])* $name:ident($item:ty) csae: $csae:literal, ydt: $ydt:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(pub Vec<$item>);

        impl $name {
            fn constraints() -> Constraints {
                // Private derived types carry each profile's size; only their constraints are used.
                #[derive(AsnType)]
                #[rasn(delegate, size($csae))]
                struct Csae(#[allow(dead_code)] Vec<$item>);
                #[derive(AsnType)]
                #[rasn(delegate, size($ydt))]
                struct Ydt(#[allow(dead_code)] Vec<$item>);
                match current() {
                    Profile::Csae53_2020 => <Csae as AsnType>::CONSTRAINTS,
                    Profile::Ydt3709_2020 => <Ydt as AsnType>::CONSTRAINTS,
                }
            }
        }

        impl AsnType for $name {
            const TAG: Tag = Tag::SEQUENCE;
            const IDENTIFIER: rasn::types::Identifier =
                rasn::types::Identifier(Some(stringify!($name)));
        }

        impl Encode for $name {
            fn encode_with_tag_and_constraints<'e, E: rasn::Encoder<'e>>(
                &self,
                encoder: &mut E,
                tag: Tag,
                _: &Constraints,
                identifier: rasn::types::Identifier,
            ) -> Result<(), E::Error> {
                let tag = if tag == Tag::EOC { Tag::SEQUENCE } else { tag };
                encoder
                    .encode_sequence_of(tag, &self.0, &Self::constraints(), identifier.or(Self::IDENTIFIER))
                    .map(drop)
            }
        }

        impl Decode for $name {
            fn decode_with_tag_and_constraints<D: rasn::Decoder>(
                decoder: &mut D,
                tag: Tag,
                _: &Constraints,
            ) -> Result<Self, D::Error> {
                let tag = if tag == Tag::EOC { Tag::SEQUENCE } else { tag };
                decoder.decode_sequence_of(tag, &Self::constraints()).map(Self)
            }
        }
    };
}

/// An INTEGER whose value range is the one thing that differs between the profiles.
macro_rules! profile_integer {
    ($(#[$m:meta])* $name:ident($int:ty) csae: $csae:literal, ydt: $ydt:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub $int);

        impl $name {
            fn constraints() -> Constraints {
                #[derive(AsnType)]
                #[rasn(delegate, value($csae))]
                struct Csae(#[allow(dead_code)] $int);
                #[derive(AsnType)]
                #[rasn(delegate, value($ydt))]
                struct Ydt(#[allow(dead_code)] $int);
                match current() {
                    Profile::Csae53_2020 => <Csae as AsnType>::CONSTRAINTS,
                    Profile::Ydt3709_2020 => <Ydt as AsnType>::CONSTRAINTS,
                }
            }
        }

        impl AsnType for $name {
            const TAG: Tag = Tag::INTEGER;
            const IDENTIFIER: rasn::types::Identifier =
                rasn::types::Identifier(Some(stringify!($name)));
        }

        impl Encode for $name {
            fn encode_with_tag_and_constraints<'e, E: rasn::Encoder<'e>>(
                &self,
                encoder: &mut E,
                tag: Tag,
                _: &Constraints,
                identifier: rasn::types::Identifier,
            ) -> Result<(), E::Error> {
                let tag = if tag == Tag::EOC { Tag::INTEGER } else { tag };
                encoder
                    .encode_integer(tag, &Self::constraints(), &self.0, identifier.or(Self::IDENTIFIER))
                    .map(drop)
            }
        }

        impl Decode for $name {
            fn decode_with_tag_and_constraints<D: rasn::Decoder>(
                decoder: &mut D,
                tag: Tag,
                _: &Constraints,
            ) -> Result<Self, D::Error> {
                let tag = if tag == Tag::EOC { Tag::INTEGER } else { tag };
                decoder.decode_integer(tag, &Self::constraints()).map(Self)
            }
        }
    };
}

profile_integer! {
    /// Hour of the day: 0..23, 24 = unknown in csae53-2020 (0..24); 0..31 in ydt3709-2020.
    DHour(u8) csae: "0..=24", ydt: "0..=31"
}

profile_integer! {
    /// Time zone offset in minutes: -720..721 in csae53-2020, -840..840 in ydt3709-2020.
    DTimeOffset(i16) csae: "-720..=721", ydt: "-840..=840"
}

profile_list! {
    /// The nodes (intersections, road ends) of a MAP: 1..63 in csae53-2020, 1..32 in
    /// ydt3709-2020 (a 6- or 5-bit count).
    NodeList(super::Node) csae: "1..=63", ydt: "1..=32"
}

profile_list! {
    /// A lane's connections downstream: 1..16 in csae53-2020, 1..8 in ydt3709-2020.
    ConnectsToList(super::Connection) csae: "1..=16", ydt: "1..=8"
}

profile_list! {
    /// Points of a reference path, upstream to downstream (one point: a circle around it):
    /// 1..32 in csae53-2020, 2..32 in ydt3709-2020.
    PathPointList(PositionOffsetLLV) csae: "1..=32", ydt: "2..=32"
}

/// A SEQUENCE whose fields differ between the profiles: the public type has the union of
/// the fields, and two private derived mirrors the wire form of each profile. Encoding
/// converts (clones) into the active profile's mirror, refusing a value it cannot carry;
/// decoding moves the mirror's fields into the public type.
pub(crate) trait Mirrored: Sized {
    type Csae: Encode + Decode;
    type Ydt: Encode + Decode;
    fn to_csae(&self) -> Result<Self::Csae, &'static str>;
    fn to_ydt(&self) -> Result<Self::Ydt, &'static str>;
    fn from_csae(m: Self::Csae) -> Self;
    fn from_ydt(m: Self::Ydt) -> Self;
}

/// `Encode` and `Decode` of a [`Mirrored`] type through the active profile's mirror.
macro_rules! mirrored_codec {
    ($name:ident) => {
        impl rasn::AsnType for $name {
            const TAG: rasn::types::Tag = rasn::types::Tag::SEQUENCE;
            const IDENTIFIER: rasn::types::Identifier =
                rasn::types::Identifier(Some(stringify!($name)));
        }

        impl rasn::Encode for $name {
            fn encode_with_tag_and_constraints<'e, E: rasn::Encoder<'e>>(
                &self,
                encoder: &mut E,
                tag: rasn::types::Tag,
                constraints: &rasn::types::Constraints,
                identifier: rasn::types::Identifier,
            ) -> Result<(), E::Error> {
                use rasn::enc::Error as _;
                use $crate::csae::profile::{current, Mirrored, Profile};
                let tag = if tag == rasn::types::Tag::EOC { rasn::types::Tag::SEQUENCE } else { tag };
                let identifier = identifier.or(Self::IDENTIFIER);
                let refuse = |why: &str| {
                    E::Error::custom(
                        format!("{} in profile {}", why, current().name()),
                        rasn::Encoder::codec(encoder),
                    )
                };
                match current() {
                    Profile::Csae53_2020 => match self.to_csae() {
                        Ok(m) => m.encode_with_tag_and_constraints(encoder, tag, constraints, identifier),
                        Err(why) => Err(refuse(why)),
                    },
                    Profile::Ydt3709_2020 => match self.to_ydt() {
                        Ok(m) => m.encode_with_tag_and_constraints(encoder, tag, constraints, identifier),
                        Err(why) => Err(refuse(why)),
                    },
                }
            }
        }

        impl rasn::Decode for $name {
            fn decode_with_tag_and_constraints<D: rasn::Decoder>(
                decoder: &mut D,
                tag: rasn::types::Tag,
                constraints: &rasn::types::Constraints,
            ) -> Result<Self, D::Error> {
                use $crate::csae::profile::{current, Mirrored, Profile};
                let tag = if tag == rasn::types::Tag::EOC { rasn::types::Tag::SEQUENCE } else { tag };
                Ok(match current() {
                    Profile::Csae53_2020 => Self::from_csae(
                        <<Self as Mirrored>::Csae as rasn::Decode>::decode_with_tag_and_constraints(
                            decoder, tag, constraints,
                        )?,
                    ),
                    Profile::Ydt3709_2020 => Self::from_ydt(
                        <<Self as Mirrored>::Ydt as rasn::Decode>::decode_with_tag_and_constraints(
                            decoder, tag, constraints,
                        )?,
                    ),
                })
            }
        }
    };
}
pub(crate) use mirrored_codec;

#[cfg(test)]
mod tests {
    //! The wire differences of the two profiles, on hand-built values, bit by bit.
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::csae::*;

    const CSAE: Profile = Profile::Csae53_2020;
    const YDT: Profile = Profile::Ydt3709_2020;

    /// UPER of `value` alone under `profile`, as a string of '0'/'1' (whole octets).
    fn bits<T: Encode>(profile: Profile, value: &T) -> Result<String, String> {
        with_profile(profile, || rasn::uper::encode(value))
            .map(|bytes| bytes.iter().map(|b| format!("{b:08b}")).collect())
            .map_err(|e| e.to_string())
    }

    /// `expected` written field by field, zero-padded to whole octets as UPER pads.
    fn padded(fields: &[&str]) -> String {
        let mut s = fields.concat();
        while !s.len().is_multiple_of(8) {
            s.push('0');
        }
        s
    }

    fn node(id: u16) -> Node {
        Node::new(
            NodeReferenceID {
                region: None,
                id: NodeID(id),
            },
            Position3D {
                lat: Latitude(0),
                long: Longitude(0),
                elevation: None,
            },
        )
    }

    const LAT_0: &str = "0110101101001001110100100000000"; // 900000000 in 31 bits
    const LONG_0: &str = "01101011010010011101000111111111"; // 1799999999 in 32 bits

    #[test]
    fn node_list_count_is_6_bits_in_csae_and_5_in_ydt() {
        let map = MapData::new(MsgCount(3), NodeList(vec![node(5)]));
        let node_bits = ["0", "00", "0", "0000000000000101", "0", LAT_0, LONG_0];
        let head = ["0", "0", "0000011"];
        let csae = padded(&[&head[..], &["000000"], &node_bits[..]].concat());
        let ydt = padded(&[&head[..], &["00000"], &node_bits[..]].concat());
        assert_eq!(bits(CSAE, &map).unwrap(), csae);
        assert_eq!(bits(YDT, &map).unwrap(), ydt);
        // 33 nodes: csae53-2020 only.
        let big = MapData::new(MsgCount(3), NodeList((0..33).map(node).collect()));
        assert!(bits(CSAE, &big).is_ok());
        let frame = MessageFrame::Map(Box::new(big.clone()));
        assert!(frame.encode(CSAE).is_ok());
        let err = frame.encode(YDT).unwrap_err();
        assert_eq!(err.to_string(), "mapFrame.nodes: size 33 outside 1..32");
        // 64 in neither.
        let too_big = MapData::new(MsgCount(3), NodeList((0..64).map(node).collect()));
        assert!(bits(CSAE, &too_big).is_err());
    }

    fn connection(id: u16) -> Connection {
        Connection {
            remote_intersection: NodeReferenceID {
                region: None,
                id: NodeID(id),
            },
            connecting_lane: None,
            phase_id: None,
        }
    }

    #[test]
    fn connects_to_count_is_4_bits_in_csae_and_3_in_ydt() {
        let mut lane = Lane::new(LaneID(1));
        lane.connects_to = Some(ConnectsToList(vec![connection(2)]));
        let head = ["0", "000100", "00000001"];
        let conn = ["00", "0", "0000000000000010"];
        let csae = padded(&[&head[..], &["0000"], &conn[..]].concat());
        let ydt = padded(&[&head[..], &["000"], &conn[..]].concat());
        assert_eq!(bits(CSAE, &lane).unwrap(), csae);
        assert_eq!(bits(YDT, &lane).unwrap(), ydt);
        lane.connects_to = Some(ConnectsToList((0..9).map(connection).collect()));
        assert!(bits(CSAE, &lane).is_ok());
        assert!(bits(YDT, &lane).is_err());
        lane.connects_to = Some(ConnectsToList((0..17).map(connection).collect()));
        assert!(bits(CSAE, &lane).is_err());
    }

    fn point() -> PositionOffsetLLV {
        PositionOffsetLLV {
            offset_ll: PositionOffsetLL::PositionLL1(PositionLL24B {
                lon: OffsetLLB12(0),
                lat: OffsetLLB12(0),
            }),
            offset_v: None,
        }
    }

    #[test]
    fn path_point_count_starts_at_1_in_csae_and_2_in_ydt() {
        let path = ReferencePath {
            active_path: PathPointList(vec![point(), point()]),
            path_radius: Radius(10),
        };
        let p = ["0", "000", "100000000000", "100000000000"];
        let radius = ["0000000000001010"];
        // Two points: count - 1 = 1 in csae53-2020, count - 2 = 0 in ydt3709-2020 (5 bits).
        let csae = padded(&[&["00001"][..], &p[..], &p[..], &radius[..]].concat());
        let ydt = padded(&[&["00000"][..], &p[..], &p[..], &radius[..]].concat());
        assert_eq!(bits(CSAE, &path).unwrap(), csae);
        assert_eq!(bits(YDT, &path).unwrap(), ydt);
        let circle = ReferencePath {
            active_path: PathPointList(vec![point()]),
            path_radius: Radius(10),
        };
        assert!(bits(CSAE, &circle).is_ok());
        let err = bits(YDT, &circle).unwrap_err();
        assert!(err.contains("expected: 2..32; actual: 1"), "{err}");
    }

    #[test]
    fn link_width_is_optional_in_csae_and_mandatory_in_ydt() {
        let mut link = Link::new(
            NodeReferenceID {
                region: None,
                id: NodeID(1),
            },
            LaneList(vec![Lane::new(LaneID(1))]),
        );
        let upstream = ["0", "0000000000000001"];
        let lanes = ["00000", "0", "000000", "00000001"];
        // Without a width: csae53-2020 says so in a presence bit; ydt3709-2020 refuses.
        let csae = padded(&[&["0", "00000"][..], &upstream[..], &lanes[..]].concat());
        assert_eq!(bits(CSAE, &link).unwrap(), csae);
        let err = bits(YDT, &link).unwrap_err();
        assert!(
            err.contains("linkWidth is mandatory in profile ydt3709-2020"),
            "{err}"
        );
        // With 300 cm: csae53-2020 has the presence bit, ydt3709-2020 not.
        link.link_width = Some(LaneWidth(300));
        let width = ["000000100101100"];
        let csae = padded(&[&["0", "00100"][..], &upstream[..], &width[..], &lanes[..]].concat());
        let ydt = padded(&[&["0", "0000"][..], &upstream[..], &width[..], &lanes[..]].concat());
        assert_eq!(bits(CSAE, &link).unwrap(), csae);
        assert_eq!(bits(YDT, &link).unwrap(), ydt);
        // Decoding gives the width back in both.
        for (profile, text) in [(CSAE, csae), (YDT, ydt)] {
            let bytes: Vec<u8> = text
                .as_bytes()
                .chunks(8)
                .map(|c| u8::from_str_radix(core::str::from_utf8(c).unwrap(), 2).unwrap())
                .collect();
            let back: Link = with_profile(profile, || rasn::uper::decode(&bytes)).unwrap();
            assert_eq!(back, link);
        }
    }

    #[test]
    fn full_position_vector_carries_one_confidence_in_ydt() {
        let mut fpv = FullPositionVector::new(Position3D {
            lat: Latitude(0),
            long: Longitude(0),
            elevation: None,
        });
        fpv.pos_confidence = Some(PositionConfidenceSet {
            pos: PositionConfidence::A1m,
            elevation: None,
        });
        let pos = ["0", LAT_0, LONG_0];
        let set = ["0", "1001"];
        // csae53-2020: 8 presence bits, the set is the 6th optional (posConficence).
        let csae = padded(&[&["0", "00000100"][..], &pos[..], &set[..]].concat());
        // ydt3709-2020: 7 presence bits, the set is the 5th (posAccuracy).
        let ydt = padded(&[&["0", "0000100"][..], &pos[..], &set[..]].concat());
        assert_eq!(bits(CSAE, &fpv).unwrap(), csae);
        assert_eq!(bits(YDT, &fpv).unwrap(), ydt);
        let jer = |p| with_profile(p, || crate::jer::to_value(&fpv)).unwrap();
        assert_eq!(jer(CSAE)["posConficence"]["pos"], "a1m");
        assert_eq!(jer(YDT)["posAccuracy"]["pos"], "a1m");
        // The accuracy ellipse exists only in csae53-2020.
        fpv.pos_accuracy = Some(PositionalAccuracy {
            semi_major: SemiMajorAxisAccuracy(1),
            semi_minor: SemiMinorAxisAccuracy(1),
            orientation: SemiMajorAxisOrientation(0),
        });
        assert!(bits(CSAE, &fpv).is_ok());
        assert!(bits(YDT, &fpv).is_err());
    }

    #[test]
    fn hour_and_time_zone_ranges_differ() {
        let mut t = DDateTime {
            hour: Some(DHour(25)),
            ..DDateTime::default()
        };
        assert!(bits(CSAE, &t).is_err());
        // 7 presence bits, then hour 25 in 5 bits (0..31).
        assert_eq!(bits(YDT, &t).unwrap(), padded(&["0001000", "11001"]));
        t.hour = Some(DHour(24));
        assert_eq!(bits(CSAE, &t).unwrap(), padded(&["0001000", "11000"]));
        // Offset 0: 720 above -720 in csae53-2020, 840 above -840 in ydt3709-2020 (11 bits).
        let t = DDateTime {
            offset: Some(DTimeOffset(0)),
            ..DDateTime::default()
        };
        assert_eq!(bits(CSAE, &t).unwrap(), padded(&["0000001", "01011010000"]));
        assert_eq!(bits(YDT, &t).unwrap(), padded(&["0000001", "01101001000"]));
        let far = DDateTime {
            offset: Some(DTimeOffset(-800)),
            ..DDateTime::default()
        };
        assert!(bits(CSAE, &far).is_err());
        assert!(bits(YDT, &far).is_ok());
    }

    #[test]
    fn profiles_nest_and_default_to_csae() {
        assert_eq!(current(), CSAE);
        with_profile(YDT, || {
            assert_eq!(current(), YDT);
            with_profile(CSAE, || assert_eq!(current(), CSAE));
            assert_eq!(current(), YDT);
        });
        assert_eq!(current(), CSAE);
        assert_eq!(Profile::from_name("ydt3709-2020"), Some(YDT));
        assert_eq!(Profile::from_name(CSAE.name()), Some(CSAE));
        assert_eq!(Profile::from_name("csae53-2017"), None);
    }
}
