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
