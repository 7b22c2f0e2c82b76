//! Random valid values of any message type, for property and differential tests.
//!
//! [`RandomDecoder`] is a `rasn::Decoder` that reads no input: where a decoder would read a
//! field it draws one that satisfies the field's constraints (value ranges, sizes,
//! alphabets, CHOICE alternatives, ENUMERATED items). Because it drives the same derived
//! `Decode` implementations as the real decoders, it covers every type without a
//! hand-written generator per type, and a new field is covered the day it is added.

use rasn::error::DecodeError;
use rasn::types::{self, Constraints, Constructed, DecodeChoice, Enumerated, IntegerType, Tag};
use rasn::{Codec, Decode};

/// How large and how full the generated values are.
#[derive(Debug, Clone, Copy)]
pub struct RandomOptions {
    /// Chance that an OPTIONAL or DEFAULT field is present, in percent.
    pub presence: u8,
    /// Most items beyond a SEQUENCE OF's minimum size.
    pub extra_items: usize,
    /// Generate `regional` extensions (opaque octets).
    pub regional: bool,
    /// Generate extension additions and extension alternatives.
    pub extensions: bool,
    /// Below this nesting depth optional fields are always left out, to bound the size.
    pub max_depth: usize,
}

impl Default for RandomOptions {
    fn default() -> Self {
        Self {
            presence: 60,
            extra_items: 3,
            regional: true,
            extensions: true,
            max_depth: 12,
        }
    }
}

/// Draws a random valid `T` from `seed`: the same seed gives the same value.
pub fn random_value<T: Decode>(seed: u64, options: RandomOptions) -> Result<T, DecodeError> {
    let mut decoder = RandomDecoder::new(seed, options);
    T::decode(&mut decoder)
}

/// SplitMix64: small, fast and good enough to pick test values.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u128) -> u128 {
        let wide = (u128::from(self.next()) << 64) | u128::from(self.next());
        wide % n.max(1)
    }

    fn percent(&mut self, p: u8) -> bool {
        self.below(100) < u128::from(p)
    }
}

/// The generator; see the module documentation.
pub struct RandomDecoder {
    rng: SplitMix64,
    options: RandomOptions,
    depth: usize,
}

impl RandomDecoder {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64, options: RandomOptions) -> Self {
        Self {
            rng: SplitMix64(seed),
            options,
            depth: 0,
        }
    }

    fn unsupported(&self, what: &str) -> DecodeError {
        <DecodeError as rasn::de::Error>::custom(
            format!("random values of {what} are not supported"),
            Codec::Jer,
        )
    }

    /// A value in `lo..=hi`, a bound one time in four (bounds are where codecs break).
    fn in_range(&mut self, lo: i128, hi: i128) -> i128 {
        match self.rng.below(8) {
            0 => lo,
            1 => hi,
            _ => {
                let span = (hi - lo) as u128 + 1;
                lo + self.rng.below(span) as i128
            }
        }
    }

    /// A size allowed by `constraints`, kept small.
    fn size(&mut self, constraints: &Constraints, default_max: usize) -> usize {
        let (lo, hi) = match constraints.size().map(|s| *s.constraint) {
            Some(types::constraints::Bounded::Single(n)) => (n, n),
            Some(types::constraints::Bounded::Range { start, end }) => {
                let lo = start.unwrap_or(0);
                (lo, end.unwrap_or(lo + default_max))
            }
            _ => (0, default_max),
        };
        let hi = hi.min(lo + self.options.extra_items.max(1)).max(lo);
        lo + self.rng.below((hi - lo) as u128 + 1) as usize
    }

    /// Whether an OPTIONAL field of type `D` is drawn present.
    fn present<D>(&mut self) -> bool {
        // The decoder sees types, not field names; `regional` fields are the ones whose type
        // is (a list of) RegionalExtension. Type names are a test aid's concern, not a wire one.
        if !self.options.regional && core::any::type_name::<D>().contains("RegionalExtension") {
            return false;
        }
        self.depth < self.options.max_depth && self.rng.percent(self.options.presence)
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn text(&mut self, constraints: &Constraints, alphabet: &[u8]) -> String {
        let n = self.size(constraints, 8);
        (0..n)
            .map(|_| char::from(alphabet[self.rng.below(alphabet.len() as u128) as usize]))
            .collect()
    }

    fn octets(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.rng.next() as u8).collect()
    }
}

const PRINTABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -_.";

impl rasn::Decoder for RandomDecoder {
    type Ok = ();
    type Error = DecodeError;
    type AnyDecoder<const R: usize, const E: usize> = RandomDecoder;

    fn codec(&self) -> Codec {
        // Open types (MessageFrame, Part II) decode their typed value under JER, which is
        // what a generator needs: the value itself rather than its octets.
        Codec::Jer
    }

    fn decode_any(&mut self, _: Tag) -> Result<types::Any, DecodeError> {
        let n = 1 + self.rng.below(6) as usize;
        Ok(types::Any::new(self.octets(n)))
    }

    fn decode_bit_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
    ) -> Result<types::BitString, DecodeError> {
        let n = self.size(constraints, 16);
        Ok((0..n).map(|_| self.rng.percent(50)).collect())
    }

    fn decode_bool(&mut self, _: Tag) -> Result<bool, DecodeError> {
        Ok(self.rng.percent(50))
    }

    fn decode_enumerated<E: Enumerated>(&mut self, _: Tag) -> Result<E, DecodeError> {
        let extended = if self.options.extensions {
            E::EXTENDED_VARIANTS.unwrap_or(&[])
        } else {
            &[]
        };
        let count = E::VARIANTS.len() + extended.len();
        let i = self.rng.below(count as u128) as usize;
        E::VARIANTS
            .get(i)
            .or_else(|| extended.get(i - E::VARIANTS.len()))
            .copied()
            .ok_or_else(|| self.unsupported("an ENUMERATED without items"))
    }

    fn decode_integer<I: IntegerType>(
        &mut self,
        _: Tag,
        constraints: &Constraints,
    ) -> Result<I, DecodeError> {
        let (lo, hi) = match constraints.value().map(|v| *v.constraint) {
            Some(types::constraints::Bounded::Single(v)) => (v, v),
            Some(types::constraints::Bounded::Range { start, end }) => {
                let lo: i128 = start.unwrap_or(-1000);
                (lo, end.unwrap_or(lo.saturating_add(100_000)))
            }
            _ => (0, 100_000),
        };
        let v = self.in_range(lo, hi);
        I::try_from(v)
            .or_else(|_| I::try_from(lo))
            .map_err(|_| self.unsupported("an integer outside its Rust type"))
    }

    fn decode_real<R: types::RealType>(
        &mut self,
        _: Tag,
        _: &Constraints,
    ) -> Result<R, DecodeError> {
        Err(self.unsupported("REAL"))
    }

    fn decode_null(&mut self, _: Tag) -> Result<(), DecodeError> {
        Ok(())
    }

    fn decode_object_identifier(&mut self, _: Tag) -> Result<types::ObjectIdentifier, DecodeError> {
        Err(self.unsupported("OBJECT IDENTIFIER"))
    }

    fn decode_sequence<const RC: usize, const EC: usize, D, DF, F>(
        &mut self,
        _: Tag,
        _: Option<DF>,
        decode_fn: F,
    ) -> Result<D, DecodeError>
    where
        D: Constructed<RC, EC>,
        DF: FnOnce() -> D,
        F: FnOnce(&mut Self) -> Result<D, DecodeError>,
    {
        self.nested(decode_fn)
    }

    fn decode_sequence_of<D: Decode>(
        &mut self,
        _: Tag,
        constraints: &Constraints,
    ) -> Result<Vec<D>, DecodeError> {
        let n = self.size(constraints, 4);
        self.nested(|me| (0..n).map(|_| D::decode(me)).collect())
    }

    fn decode_set_of<D: Decode + Eq + core::hash::Hash>(
        &mut self,
        tag: Tag,
        constraints: &Constraints,
    ) -> Result<types::SetOf<D>, DecodeError> {
        let items: Vec<D> = self.decode_sequence_of(tag, constraints)?;
        Ok(types::SetOf::from_vec(items))
    }

    fn decode_octet_string<'buf, T>(
        &'buf mut self,
        _: Tag,
        constraints: &Constraints,
    ) -> Result<T, DecodeError>
    where
        T: From<&'buf [u8]> + From<Vec<u8>>,
    {
        let n = self.size(constraints, 8);
        Ok(T::from(self.octets(n)))
    }

    fn decode_utf8_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
    ) -> Result<types::Utf8String, DecodeError> {
        Ok(self.text(constraints, PRINTABLE))
    }

    fn decode_visible_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
    ) -> Result<types::VisibleString, DecodeError> {
        let text = self.text(constraints, PRINTABLE);
        types::VisibleString::try_from(text).map_err(|_| self.unsupported("VisibleString"))
    }

    fn decode_general_string(
        &mut self,
        _: Tag,
        _: &Constraints,
    ) -> Result<types::GeneralString, DecodeError> {
        Err(self.unsupported("GeneralString"))
    }

    fn decode_graphic_string(
        &mut self,
        _: Tag,
        _: &Constraints,
    ) -> Result<types::GraphicString, DecodeError> {
        Err(self.unsupported("GraphicString"))
    }

    fn decode_ia5_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
    ) -> Result<types::Ia5String, DecodeError> {
        let text = self.text(constraints, PRINTABLE);
        types::Ia5String::try_from(text).map_err(|_| self.unsupported("IA5String"))
    }

    fn decode_printable_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
    ) -> Result<types::PrintableString, DecodeError> {
        let text = self.text(constraints, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ");
        types::PrintableString::try_from(text).map_err(|_| self.unsupported("PrintableString"))
    }

    fn decode_numeric_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
    ) -> Result<types::NumericString, DecodeError> {
        let text = self.text(constraints, b"0123456789");
        types::NumericString::try_from(text).map_err(|_| self.unsupported("NumericString"))
    }

    fn decode_teletex_string(
        &mut self,
        _: Tag,
        _: &Constraints,
    ) -> Result<types::TeletexString, DecodeError> {
        Err(self.unsupported("TeletexString"))
    }

    fn decode_bmp_string(
        &mut self,
        _: Tag,
        _: &Constraints,
    ) -> Result<types::BmpString, DecodeError> {
        Err(self.unsupported("BMPString"))
    }

    fn decode_explicit_prefix<D: Decode>(&mut self, _: Tag) -> Result<D, DecodeError> {
        D::decode(self)
    }

    fn decode_optional_with_explicit_prefix<D: Decode>(
        &mut self,
        _: Tag,
    ) -> Result<Option<D>, DecodeError> {
        self.decode_optional()
    }

    fn decode_utc_time(&mut self, _: Tag) -> Result<types::UtcTime, DecodeError> {
        Err(self.unsupported("UTCTime"))
    }

    fn decode_generalized_time(&mut self, _: Tag) -> Result<types::GeneralizedTime, DecodeError> {
        Err(self.unsupported("GeneralizedTime"))
    }

    fn decode_date(&mut self, _: Tag) -> Result<types::Date, DecodeError> {
        Err(self.unsupported("DATE"))
    }

    fn decode_set<const RC: usize, const EC: usize, FIELDS, SET, D, F>(
        &mut self,
        _: Tag,
        _: D,
        _: F,
    ) -> Result<SET, DecodeError>
    where
        SET: Decode + Constructed<RC, EC>,
        FIELDS: Decode,
        D: Fn(&mut Self, usize, Tag) -> Result<FIELDS, DecodeError>,
        F: FnOnce(Vec<FIELDS>) -> Result<SET, DecodeError>,
    {
        Err(self.unsupported("SET"))
    }

    fn decode_choice<D: DecodeChoice>(&mut self, _: &Constraints) -> Result<D, DecodeError> {
        let extended = if self.options.extensions {
            D::EXTENDED_VARIANTS.unwrap_or(&[])
        } else {
            &[]
        };
        let all = [D::VARIANTS, extended].concat();
        let tags = types::variants::Variants::from_slice(&all);
        let i = self.rng.below(tags.len() as u128) as usize;
        let tag = tags
            .get(i)
            .copied()
            .ok_or_else(|| self.unsupported("a CHOICE without alternatives"))?;
        self.nested(|me| D::from_tag(me, tag))
    }

    fn decode_optional<D: Decode>(&mut self) -> Result<Option<D>, DecodeError> {
        if self.present::<D>() {
            self.nested(|me| D::decode(me).map(Some))
        } else {
            Ok(None)
        }
    }

    fn decode_optional_with_tag<D: Decode>(&mut self, tag: Tag) -> Result<Option<D>, DecodeError> {
        if self.present::<D>() {
            self.nested(|me| D::decode_with_tag(me, tag).map(Some))
        } else {
            Ok(None)
        }
    }

    fn decode_optional_with_constraints<D: Decode>(
        &mut self,
        constraints: &Constraints,
    ) -> Result<Option<D>, DecodeError> {
        if self.present::<D>() {
            self.nested(|me| D::decode_with_constraints(me, constraints).map(Some))
        } else {
            Ok(None)
        }
    }

    fn decode_optional_with_tag_and_constraints<D: Decode>(
        &mut self,
        tag: Tag,
        constraints: &Constraints,
    ) -> Result<Option<D>, DecodeError> {
        if self.present::<D>() {
            self.nested(|me| D::decode_with_tag_and_constraints(me, tag, constraints).map(Some))
        } else {
            Ok(None)
        }
    }

    fn decode_extension_addition_with_explicit_tag_and_constraints<D: Decode>(
        &mut self,
        tag: Tag,
        constraints: &Constraints,
    ) -> Result<Option<D>, DecodeError> {
        self.decode_extension_addition_with_tag_and_constraints(tag, constraints)
    }

    fn decode_extension_addition_with_tag_and_constraints<D: Decode>(
        &mut self,
        tag: Tag,
        constraints: &Constraints,
    ) -> Result<Option<D>, DecodeError> {
        if self.options.extensions {
            self.decode_optional_with_tag_and_constraints(tag, constraints)
        } else {
            Ok(None)
        }
    }

    fn decode_extension_addition_group<
        const RC: usize,
        const EC: usize,
        D: Decode + Constructed<RC, EC>,
    >(
        &mut self,
    ) -> Result<Option<D>, DecodeError> {
        if self.options.extensions {
            self.decode_optional()
        } else {
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rasn::prelude::*;

    #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
    #[rasn(automatic_tags)]
    #[non_exhaustive]
    struct Sample {
        #[rasn(value("-5..=5"))]
        small: i8,
        #[rasn(size("2..=4"))]
        list: SequenceOf<bool>,
        #[rasn(size("3"))]
        bits: BitString,
        name: Option<Ia5String>,
        #[rasn(extension_addition, value("0..=8191"))]
        later: Option<u16>,
    }

    #[test]
    fn values_respect_constraints_and_round_trip() {
        for seed in 0..500 {
            let v: Sample = random_value(seed, RandomOptions::default()).unwrap();
            assert!((-5..=5).contains(&v.small));
            assert!((2..=4).contains(&v.list.len()));
            assert_eq!(v.bits.len(), 3);
            assert!(v.later.is_none_or(|l| l <= 8191));
            let bytes = rasn::uper::encode(&v).unwrap();
            assert_eq!(rasn::uper::decode::<Sample>(&bytes).unwrap(), v);
        }
    }

    #[test]
    fn same_seed_same_value() {
        let a: Sample = random_value(42, RandomOptions::default()).unwrap();
        let b: Sample = random_value(42, RandomOptions::default()).unwrap();
        assert_eq!(a, b);
    }
}
