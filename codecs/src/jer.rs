//! X.697 JSON Encoding Rules output, and constraint checking with field paths.
//!
//! rasn ships a JER encoder, but it writes hexadecimal in upper case (other tools, and the
//! reference decoder our tests compare with, write lower case), checks no constraints and
//! cannot say where in a message a value is wrong. This encoder walks the same derived
//! `Encode` implementations, builds the JSON value, and stops at the first value that breaks
//! its type's non-extensible range or size with the field path to it
//! (`intersections[0].states[2].state-time-speed[0].timing.minEndTime`).
//!
//! Decoding JER is left to `rasn::jer` ([`decode`] wraps it to also read the bare hex other
//! tools write for a BIT STRING of extensible size), followed by [`check`] for the constraints.

use core::fmt::Write as _;

use rasn::error::EncodeError;
use rasn::types::{
    self, Constraints, Constructed, Enumerated, Identifier, IntegerType, RealType, Tag,
};
use rasn::{Codec, Encode};
use serde_json::{Map, Value};

/// A value that breaks its type's constraints, or could not be written as JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct JerEncodeError {
    /// Field path from the value's root, e.g. `intersections[0].states[1].signalGroup`.
    pub path: String,
    /// What is wrong, e.g. `value 40000 outside 0..36111`.
    pub reason: String,
}

/// Encodes `value` as X.697 JER, refusing values outside their types' constraints.
pub fn to_value<T: Encode>(value: &T) -> Result<Value, JerEncodeError> {
    let mut encoder = JerEncoder::new(Vec::new());
    match value.encode(&mut encoder) {
        Ok(()) => encoder.root.take().ok_or_else(|| JerEncodeError {
            path: String::new(),
            reason: "the value produced no JSON".into(),
        }),
        Err(e) => Err(encoder.failure.take().unwrap_or_else(|| JerEncodeError {
            path: String::new(),
            reason: e.to_string(),
        })),
    }
}

/// Checks every value in `value` against its type's constraints (value ranges, sizes),
/// naming the first field that breaks one.
pub fn check<T: Encode>(value: &T) -> Result<(), JerEncodeError> {
    to_value(value).map(drop)
}

/// Reads X.697 JER text's value into `T`, like `rasn::jer::decode`, and also accepts the bare
/// hex string other tools write for a BIT STRING whose SIZE is one value with an extension
/// marker (`SIZE(8, ...)`).
///
/// X.697 leaves the length out of a BIT STRING only when its size is fixed, and a size with an
/// extension marker is not (the value may be of another length), so such a value is
/// `{"value": hex, "length": n}`; that is what [`to_value`] writes. pycrate (0.8.1) writes bare
/// hex whenever the root of the size constraint is a single value, extension marker or not,
/// and so do other tools. Bare hex for such a type is read as a value of the root size: it
/// must have exactly the hex digits that size needs, with zero padding bits; anything else is
/// refused, since its length cannot be known.
///
/// How: rasn refuses the bare string with an error naming its field; the strings at that
/// field become provisional `{value, length}` objects, one group of CHOICE alternatives at a
/// time in the order rasn meets them (a group rasn then wants back as a string was a
/// fixed-size BIT STRING and is put back), until the text decodes. The value is then walked with this module's encoder, which
/// knows each BIT STRING's constraint, so each provisional length is replaced by the type's
/// root size (or the input refused) before the final decode. Input in X.697's spelling
/// decodes once, as before.
///
/// An extension addition group's components are members of the enclosing object in X.697
/// (that is what [`to_value`] writes), where rasn looks for one member named after the group
/// field: each group's components present in the input are moved under that name, and the
/// text decoded again.
pub fn decode<T: rasn::Decode + Encode>(json: &Value) -> Result<T, rasn::error::DecodeError> {
    let mut value = decode_bits::<T>(json)?;
    let mut json = json.clone();
    for _ in 0..MAX_REPAIR_ROUNDS {
        let mut encoder = JerEncoder::new(Vec::new());
        if value.encode(&mut encoder).is_err() {
            // Its checks come after decoding, with the field path.
            return Ok(value);
        }
        let mut moved = false;
        for (path, field, members) in &encoder.groups {
            let Some(Value::Object(object)) = node_at(&mut json, path) else {
                continue;
            };
            if object.contains_key(*field) {
                continue;
            }
            let group: Map<String, Value> = members
                .iter()
                .filter_map(|m| object.remove(*m).map(|v| ((*m).to_owned(), v)))
                .collect();
            if !group.is_empty() {
                object.insert((*field).to_owned(), Value::Object(group));
                moved = true;
            }
        }
        if !moved {
            return Ok(value);
        }
        value = decode_bits::<T>(&json)?;
    }
    Ok(value)
}

/// [`decode`] without the group step: rasn's decode, repairing bare hex BIT STRINGs.
fn decode_bits<T: rasn::Decode + Encode>(json: &Value) -> Result<T, rasn::error::DecodeError> {
    let first = match rasn::jer::decode::<T>(&json.to_string()) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let mut json = json.clone();
    let mut repaired: Vec<String> = Vec::new();
    let mut provisional = None;
    let mut error = None;
    let mut rounds = 0;
    let mut fixed: Vec<(Vec<&'static str>, String)> = Vec::new();
    'rounds: while provisional.is_none() {
        let (names, reason) = crate::error::unwind_names(error.as_ref().unwrap_or(&first));
        // Only rasn's "wanted an object, found something else" is a bare-hex candidate.
        if !reason.contains("Expected type: object") {
            return Err(first);
        }
        let mut candidates = Vec::new();
        string_leaves(&json, &names, String::new(), String::new(), &mut candidates);
        // Grouped by the CHOICE alternatives on the way (`laneType.vehicle` and
        // `laneType.crosswalk` are different types): each group is tried on its own, and
        // given back if it was a fixed-size BIT STRING (rasn then wants the string back).
        // In the order rasn meets them (list order): the first group whose first string
        // rasn then wants back is fixed-size; the first that decodes past was the culprit.
        let mut groups: Vec<String> = Vec::new();
        for (_, g) in &candidates {
            if !groups.contains(g) && !fixed.contains(&(names.clone(), g.clone())) {
                groups.push(g.clone());
            }
        }
        for group in groups {
            rounds += 1;
            if rounds > MAX_REPAIR_ROUNDS {
                return Err(first);
            }
            let paths: Vec<&String> = candidates
                .iter()
                .filter(|(_, g)| *g == group)
                .map(|(p, _)| p)
                .collect();
            let originals: Vec<Value> = paths
                .iter()
                .filter_map(|p| node_at(&mut json, p).map(|n| n.clone()))
                .collect();
            for path in &paths {
                if let Some(node) = node_at(&mut json, path)
                    && let Value::String(hex) = node
                {
                    let bits = hex.len().saturating_mul(4);
                    *node = serde_json::json!({"value": hex.clone(), "length": bits});
                }
            }
            match rasn::jer::decode::<T>(&json.to_string()) {
                Ok(value) => {
                    repaired.extend(paths.into_iter().cloned());
                    provisional = Some(value);
                    continue 'rounds;
                }
                Err(e) => {
                    let (now_names, now_reason) = crate::error::unwind_names(&e);
                    if now_names == names && !now_reason.contains("Expected type: object") {
                        // This group was not ours to change: put it back.
                        for (path, original) in paths.iter().zip(originals) {
                            if let Some(node) = node_at(&mut json, path) {
                                *node = original;
                            }
                        }
                        fixed.push((names.clone(), group));
                        continue;
                    }
                    repaired.extend(paths.into_iter().cloned());
                    error = Some(e);
                    continue 'rounds;
                }
            }
        }
        // No group moved the error on.
        return Err(first);
    }
    let Some(provisional) = provisional else {
        return Err(first);
    };
    let mut encoder = JerEncoder::new(Vec::new());
    if provisional.encode(&mut encoder).is_err() {
        return Err(first);
    }
    for path in &repaired {
        let Some((_, size)) = encoder.extensible_bits.iter().find(|(p, _)| p == path) else {
            // Not a BIT STRING of extensible single-value size: the original error stands.
            return Err(first);
        };
        if let Err(reason) = settle_length(&mut json, path, *size) {
            return Err(<rasn::error::DecodeError as rasn::de::Error>::custom(
                format!("{path}: {reason}"),
                Codec::Jer,
            ));
        }
    }
    rasn::jer::decode::<T>(&json.to_string())
}

/// At most this many trial decodes in one input (J2735 has under ten types of extensible-size
/// BIT STRING, each at a few fields): a hostile input's cost stays a small multiple of one
/// decode.
const MAX_REPAIR_ROUNDS: usize = 64;

/// The strings at the field path `names` (Rust field names, as rasn's errors give them), with
/// their rendered paths and the CHOICE alternatives passed on the way (the group). Lists are
/// entered element by element; a one-member object is a CHOICE, whose alternative rasn's path
/// leaves out, and is entered without using up a name.
fn string_leaves(
    json: &Value,
    names: &[&str],
    path: String,
    group: String,
    out: &mut Vec<(String, String)>,
) {
    let join = |path: &str, key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match json {
        Value::String(_) if names.is_empty() => out.push((path, group)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_leaves(item, names, format!("{path}[{i}]"), group.clone(), out);
            }
        }
        Value::Object(members) => {
            let named = |key: &str, name: &str| {
                let name = name.trim_end_matches('_');
                crate::error::snake(key) == name || key == name
            };
            match names.split_first() {
                Some((name, rest)) if members.keys().any(|k| named(k, name)) => {
                    for (key, inner) in members {
                        if named(key, name) {
                            string_leaves(inner, rest, join(&path, key), group.clone(), out);
                        }
                    }
                }
                _ if members.len() == 1 => {
                    for (key, inner) in members {
                        let group = join(&group, key);
                        string_leaves(inner, names, join(&path, key), group, out);
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
}

/// Gives the provisional object at `path` its type's root size, checking that the hex has
/// exactly the digits that size needs and that the padding bits are zero.
fn settle_length(json: &mut Value, path: &str, size: usize) -> Result<(), String> {
    let node = node_at(json, path).ok_or_else(|| "lost track of the value".to_owned())?;
    let hex = node
        .get("value")
        .and_then(Value::as_str)
        .ok_or_else(|| "lost track of the value".to_owned())?
        .to_owned();
    let octets = size.div_ceil(8);
    if hex.len() != 2 * octets {
        return Err(format!(
            "bare hex {hex:?} for a BIT STRING of extensible size: it is read as the root size \
             {size} bits, which takes {} hex digits; write {{\"value\": .., \"length\": n}} for \
             another length",
            2 * octets
        ));
    }
    let pad = octets * 8 - size;
    let last = hex
        .get(hex.len().saturating_sub(2)..)
        .and_then(|d| u8::from_str_radix(d, 16).ok());
    match last {
        Some(byte) if pad == 0 || byte & ((1u8 << pad) - 1) == 0 => {}
        Some(_) => {
            return Err(format!(
                "bare hex {hex:?}: the {pad} padding bits after the {size} bits are not zero"
            ));
        }
        None if hex.is_empty() => {}
        None => return Err(format!("bare hex {hex:?} is not hexadecimal")),
    }
    if let Some(length) = node.get_mut("length") {
        *length = Value::from(size);
    }
    Ok(())
}

/// The JSON node at a path rendered as [`render`] does (`a.b[2].c`).
fn node_at<'a>(json: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut node = json;
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(at) => part.split_at(at),
            None => (part, ""),
        };
        if !key.is_empty() {
            node = node.get_mut(key)?;
        }
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            let i: usize = index.strip_suffix(']')?.parse().ok()?;
            node = node.get_mut(i)?;
        }
    }
    Some(node)
}

#[derive(Debug, Clone)]
enum Segment {
    Name(&'static str),
    Index(usize),
}

/// The encoder behind [`to_value`]: a `rasn::Encoder` building a `serde_json::Value`.
pub struct JerEncoder {
    /// Names of the fields still to come in the open SEQUENCEs, innermost last.
    names: Vec<&'static str>,
    /// The objects being filled, innermost last.
    objects: Vec<Map<String, Value>>,
    root: Option<Value>,
    /// Where this encoder's root sits in the whole value (for nested SEQUENCE OF items).
    path: Vec<Segment>,
    failure: Option<JerEncodeError>,
    /// Every BIT STRING whose size is one value plus an extension marker: its path and that
    /// root size (what [`decode`] needs to read the bare-hex spelling).
    extensible_bits: Vec<(String, usize)>,
    /// Every extension addition group met: the path of the SEQUENCE holding it, the group's
    /// field name there, and the names of its components (what [`decode`] needs to read the
    /// components X.697 writes among the enclosing SEQUENCE's own).
    groups: Vec<(String, &'static str, Vec<&'static str>)>,
    /// The next SEQUENCE is an extension addition group: its components go into the
    /// enclosing object.
    flatten: bool,
}

impl JerEncoder {
    fn new(path: Vec<Segment>) -> Self {
        Self {
            names: Vec::new(),
            objects: Vec::new(),
            root: None,
            path,
            failure: None,
            extensible_bits: Vec::new(),
            groups: Vec::new(),
            flatten: false,
        }
    }

    /// The path of the value being encoded now: the enclosing path plus the pending field.
    fn current_path(&self) -> Vec<Segment> {
        let mut path = self.path.clone();
        if let Some(name) = self.names.last() {
            path.push(Segment::Name(name));
        }
        path
    }

    fn fail(&mut self, reason: String) -> EncodeError {
        let path = render(&self.current_path());
        let err =
            <EncodeError as rasn::enc::Error>::custom(format!("{path}: {reason}"), Codec::Jer);
        self.failure.get_or_insert(JerEncodeError { path, reason });
        err
    }

    fn put(&mut self, value: Value) -> Result<(), EncodeError> {
        match self.names.pop() {
            Some(name) => match self.objects.last_mut() {
                Some(object) => {
                    object.insert(name.to_owned(), value);
                    Ok(())
                }
                None => Err(self.fail("field outside any SEQUENCE".into())),
            },
            None => {
                self.root = Some(value);
                Ok(())
            }
        }
    }

    fn check_size(&mut self, constraints: &Constraints, len: usize) -> Result<(), EncodeError> {
        if let Some(size) = constraints.size()
            && size.extensible.is_none()
            && !size.constraint.contains(&len)
        {
            return Err(self.fail(format!("size {len} outside {}", *size.constraint)));
        }
        Ok(())
    }

    fn string(&mut self, constraints: &Constraints, text: String) -> Result<(), EncodeError> {
        self.check_size(constraints, text.chars().count())?;
        self.put(Value::String(text))
    }

    /// Encodes each item of a SEQUENCE OF with its own encoder, so that errors name `[i]`.
    fn items<'a, E: Encode + 'a>(
        &mut self,
        items: impl Iterator<Item = &'a E>,
    ) -> Result<Vec<Value>, EncodeError> {
        let base = self.current_path();
        let mut out = Vec::new();
        for (i, item) in items.enumerate() {
            let mut path = base.clone();
            path.push(Segment::Index(i));
            let mut inner = JerEncoder::new(path);
            if let Err(e) = item.encode(&mut inner) {
                if let Some(failure) = inner.failure.take() {
                    self.failure.get_or_insert(failure);
                }
                return Err(e);
            }
            self.extensible_bits.append(&mut inner.extensible_bits);
            self.groups.append(&mut inner.groups);
            out.push(inner.root.take().unwrap_or(Value::Null));
        }
        Ok(out)
    }

    /// Runs `scope` for a SEQUENCE, SET or CHOICE whose JSON object is opened here.
    fn object(
        &mut self,
        names: impl Iterator<Item = &'static str>,
        scope: impl FnOnce(&mut Self) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        let entered = match self.names.last() {
            Some(name) => {
                self.path.push(Segment::Name(name));
                true
            }
            None => false,
        };
        let before = self.names.len();
        self.names.extend(names);
        self.names[before..].reverse();
        self.objects.push(Map::new());
        scope(self)?;
        let object = self.objects.pop().unwrap_or_default();
        self.names.truncate(before);
        if entered {
            self.path.pop();
        }
        self.put(Value::Object(object))
    }
}

fn render(path: &[Segment]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Segment::Name(n) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(n);
            }
            Segment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    if out.is_empty() {
        out.push_str(crate::error::ROOT);
    }
    out
}

/// Lower-case hexadecimal, the form other JER tools write.
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

impl<'e> rasn::Encoder<'e> for JerEncoder {
    type Ok = ();
    type Error = EncodeError;
    type AnyEncoder<'other, const R: usize, const E: usize> = JerEncoder;

    fn codec(&self) -> Codec {
        Codec::Jer
    }

    fn encode_any(&mut self, _: Tag, value: &types::Any, _: Identifier) -> Result<(), EncodeError> {
        self.put(Value::String(hex_lower(value.as_bytes())))
    }

    fn encode_bool(&mut self, _: Tag, value: bool, _: Identifier) -> Result<(), EncodeError> {
        self.put(Value::Bool(value))
    }

    fn encode_bit_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &types::BitStr,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        self.check_size(constraints, value.len())?;
        let mut bits = value.to_bitvec();
        bits.force_align();
        let hex = hex_lower(bits.as_raw_slice());
        // X.697 7.2.1: only a size constraint without an extension marker fixes the length,
        // and only a fixed length is left out of the JSON.
        let fixed = !constraints.extensible()
            && constraints
                .size()
                .is_some_and(|s| s.extensible.is_none() && s.constraint.is_fixed());
        if fixed {
            self.put(Value::String(hex))
        } else {
            if let Some(size) = constraints.size()
                && size.extensible.is_some()
                && let Some(root) = size
                    .constraint
                    .as_start()
                    .filter(|_| size.constraint.is_fixed())
            {
                let path = render(&self.current_path());
                self.extensible_bits.push((path, *root));
            }
            let mut object = Map::new();
            object.insert("value".into(), Value::String(hex));
            object.insert("length".into(), Value::from(value.len()));
            self.put(Value::Object(object))
        }
    }

    fn encode_enumerated<E: Enumerated>(
        &mut self,
        _: Tag,
        value: &E,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        self.put(Value::String(value.identifier().to_owned()))
    }

    fn encode_object_identifier(
        &mut self,
        _: Tag,
        value: &[u32],
        _: Identifier,
    ) -> Result<(), EncodeError> {
        let text: Vec<String> = value.iter().map(u32::to_string).collect();
        self.put(Value::String(text.join(".")))
    }

    fn encode_integer<I: IntegerType>(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &I,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        if let Some(range) = constraints.value()
            && range.extensible.is_none()
            && !range.constraint.in_bound(value)
        {
            let shown = value
                .to_i128()
                .map_or_else(|| "(too large)".to_owned(), |v| v.to_string());
            return Err(self.fail(format!("value {shown} outside {}", *range.constraint)));
        }
        if let Some(v) = value.to_i64() {
            self.put(Value::from(v))
        } else if let Some(v) = value.to_u64() {
            self.put(Value::from(v))
        } else {
            Err(self.fail("integer too large for JSON".into()))
        }
    }

    fn encode_real<R: RealType>(
        &mut self,
        _: Tag,
        _: &Constraints,
        _: &R,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        // No V2X message set this crate serves uses REAL.
        Err(self.fail("REAL is not supported".into()))
    }

    fn encode_null(&mut self, _: Tag, _: Identifier) -> Result<(), EncodeError> {
        self.put(Value::Null)
    }

    fn encode_octet_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &[u8],
        _: Identifier,
    ) -> Result<(), EncodeError> {
        self.check_size(constraints, value.len())?;
        self.put(Value::String(hex_lower(value)))
    }

    fn encode_general_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &types::GeneralString,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        let text = String::from_utf8_lossy(value).into_owned();
        self.string(constraints, text)
    }

    fn encode_graphic_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &types::GraphicString,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        let text = String::from_utf8_lossy(value).into_owned();
        self.string(constraints, text)
    }

    fn encode_utf8_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &str,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        self.string(constraints, value.to_owned())
    }

    fn encode_visible_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &types::VisibleString,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        let text = String::from_utf8_lossy(value.as_iso646_bytes()).into_owned();
        self.string(constraints, text)
    }

    fn encode_ia5_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &types::Ia5String,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        let text = String::from_utf8_lossy(value.as_iso646_bytes()).into_owned();
        self.string(constraints, text)
    }

    fn encode_printable_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &types::PrintableString,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        self.string(constraints, text)
    }

    fn encode_numeric_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &types::NumericString,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        self.string(constraints, text)
    }

    fn encode_teletex_string(
        &mut self,
        _: Tag,
        _: &Constraints,
        _: &types::TeletexString,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        Err(self.fail("TeletexString has no JER form here".into()))
    }

    fn encode_bmp_string(
        &mut self,
        _: Tag,
        constraints: &Constraints,
        value: &types::BmpString,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        let text = String::from_utf8_lossy(&value.to_bytes()).into_owned();
        self.string(constraints, text)
    }

    fn encode_generalized_time(
        &mut self,
        _: Tag,
        value: &types::GeneralizedTime,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        self.put(Value::String(value.to_rfc3339()))
    }

    fn encode_utc_time(
        &mut self,
        _: Tag,
        value: &types::UtcTime,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        self.put(Value::String(value.to_rfc3339()))
    }

    fn encode_date(
        &mut self,
        _: Tag,
        value: &types::Date,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        self.put(Value::String(value.to_string()))
    }

    fn encode_explicit_prefix<V: Encode>(
        &mut self,
        _: Tag,
        value: &V,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        value.encode(self)
    }

    fn encode_sequence<'b, const RC: usize, const EC: usize, C, F>(
        &'b mut self,
        _: Tag,
        scope: F,
        _: Identifier,
    ) -> Result<(), EncodeError>
    where
        C: Constructed<RC, EC>,
        F: FnOnce(&mut Self::AnyEncoder<'b, RC, EC>) -> Result<(), EncodeError>,
    {
        let names = C::FIELDS
            .iter()
            .map(|f| f.name)
            .chain(
                C::EXTENDED_FIELDS
                    .iter()
                    .flat_map(|e| e.iter().map(|f| f.name)),
            )
            .collect::<Vec<_>>();
        if core::mem::take(&mut self.flatten) {
            let before = self.names.len();
            self.names.extend(names);
            self.names[before..].reverse();
            scope(self)?;
            self.names.truncate(before);
            return Ok(());
        }
        self.object(names.into_iter(), scope)
    }

    fn encode_sequence_of<E: Encode>(
        &mut self,
        _: Tag,
        value: &[E],
        constraints: &Constraints,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        self.check_size(constraints, value.len())?;
        let items = self.items(value.iter())?;
        self.put(Value::Array(items))
    }

    fn encode_set<'b, const RC: usize, const EC: usize, C, F>(
        &'b mut self,
        tag: Tag,
        scope: F,
        identifier: Identifier,
    ) -> Result<(), EncodeError>
    where
        C: Constructed<RC, EC>,
        F: FnOnce(&mut Self::AnyEncoder<'b, RC, EC>) -> Result<(), EncodeError>,
    {
        self.encode_sequence::<RC, EC, C, F>(tag, scope, identifier)
    }

    fn encode_set_of<E: Encode + Eq + core::hash::Hash>(
        &mut self,
        _: Tag,
        value: &types::SetOf<E>,
        constraints: &Constraints,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        let members = value.to_vec();
        self.check_size(constraints, members.len())?;
        let items = self.items(members.into_iter())?;
        self.put(Value::Array(items))
    }

    fn encode_some<E: Encode>(&mut self, value: &E, _: Identifier) -> Result<(), EncodeError> {
        value.encode(self)
    }

    fn encode_some_with_tag_and_constraints<E: Encode>(
        &mut self,
        tag: Tag,
        constraints: &Constraints,
        value: &E,
        identifier: Identifier,
    ) -> Result<(), EncodeError> {
        value.encode_with_tag_and_constraints(self, tag, constraints, identifier)
    }

    fn encode_none<E: Encode>(&mut self, _: Identifier) -> Result<(), EncodeError> {
        self.names.pop();
        Ok(())
    }

    fn encode_none_with_tag(&mut self, _: Tag, _: Identifier) -> Result<(), EncodeError> {
        self.names.pop();
        Ok(())
    }

    fn encode_choice<E: Encode + types::Choice>(
        &mut self,
        _: &Constraints,
        tag: Tag,
        encode_fn: impl FnOnce(&mut Self) -> Result<Tag, EncodeError>,
        _: Identifier,
    ) -> Result<(), EncodeError> {
        let tags = [E::VARIANTS, E::EXTENDED_VARIANTS.unwrap_or(&[])].concat();
        let variants = types::variants::Variants::from_slice(&tags);
        let Some(name) = variants
            .iter()
            .position(|t| *t == tag)
            .and_then(|i| E::IDENTIFIERS.get(i).copied())
        else {
            return Err(self.fail("CHOICE alternative not in the type".into()));
        };
        self.object(core::iter::once(name), |enc| encode_fn(enc).map(drop))
    }

    fn encode_extension_addition<E: Encode>(
        &mut self,
        tag: Tag,
        constraints: &Constraints,
        value: E,
        identifier: Identifier,
    ) -> Result<(), EncodeError> {
        value.encode_with_tag_and_constraints(self, tag, constraints, identifier)
    }

    fn encode_extension_addition_group<const RC: usize, const EC: usize, E>(
        &mut self,
        value: Option<&E>,
        _: Identifier,
    ) -> Result<(), EncodeError>
    where
        E: Encode + Constructed<RC, EC>,
    {
        // X.697: a group's components are written as components of the enclosing SEQUENCE.
        let field = self.names.pop().unwrap_or_default();
        let members = E::FIELDS.iter().map(|f| f.name).collect();
        // The root's own path is "" here (render names it for messages).
        let at = if self.path.is_empty() {
            String::new()
        } else {
            render(&self.path)
        };
        self.groups.push((at, field, members));
        match value {
            Some(v) => {
                self.flatten = true;
                let result = v.encode(self);
                self.flatten = false;
                result
            }
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rasn::prelude::*;

    #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
    #[rasn(delegate, value("0..=36111"))]
    struct Mark(u16);

    #[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq)]
    #[rasn(enumerated)]
    enum Phase {
        #[rasn(identifier = "stop-And-Remain")]
        StopAndRemain = 3,
    }

    #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
    #[rasn(automatic_tags)]
    #[non_exhaustive]
    struct Event {
        #[rasn(identifier = "eventState")]
        event_state: Phase,
        #[rasn(identifier = "minEndTime")]
        min_end_time: Option<Mark>,
        #[rasn(size("5"))]
        fixed: BitString,
        #[rasn(size("9", extensible))]
        ext: BitString,
        id: FixedOctetString<2>,
    }

    #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
    #[rasn(choice, automatic_tags)]
    enum Pick {
        #[rasn(identifier = "the-event")]
        Event(Event),
        Flag(bool),
    }

    #[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
    #[rasn(automatic_tags)]
    struct Top {
        #[rasn(size("1..=4"))]
        picks: SequenceOf<Pick>,
    }

    fn event(mark: u16) -> Event {
        let mut fixed = BitString::repeat(false, 5);
        fixed.set(0, true);
        Event {
            event_state: Phase::StopAndRemain,
            min_end_time: Some(Mark(mark)),
            fixed,
            ext: BitString::repeat(true, 9),
            id: FixedOctetString::from([0xBE, 0xA1]),
        }
    }

    #[test]
    fn writes_x697_forms_in_lower_case() {
        let top = Top {
            picks: vec![Pick::Flag(true), Pick::Event(event(5))],
        };
        let json = to_value(&top).unwrap();
        let expected = serde_json::json!({"picks": [
            {"Flag": true},
            {"the-event": {"eventState": "stop-And-Remain", "minEndTime": 5, "fixed": "80",
                           "ext": {"value": "ff80", "length": 9}, "id": "bea1"}}
        ]});
        assert_eq!(json, expected);
        // and rasn's JER decoder reads it back to the same value
        let back: Top = rasn::jer::decode(&json.to_string()).unwrap();
        assert_eq!(back, top);
    }

    #[test]
    fn reads_bare_hex_for_an_extensible_size_bit_string() {
        let top = Top {
            picks: vec![
                Pick::Event(event(5)),
                Pick::Flag(false),
                Pick::Event(event(6)),
            ],
        };
        let canonical = to_value(&top).unwrap();
        assert_eq!(decode::<Top>(&canonical).unwrap(), top);
        // As pycrate writes it: `SIZE(9, ...)` with the 9-bit root value as bare hex.
        let mut bare = canonical.clone();
        for i in [0, 2] {
            bare["picks"][i]["the-event"]["ext"] = Value::from("ff80");
        }
        assert!(rasn::jer::decode::<Top>(&bare.to_string()).is_err());
        assert_eq!(decode::<Top>(&bare).unwrap(), top);
        // Only one of the two in bare form.
        let mut mixed = canonical.clone();
        mixed["picks"][2]["the-event"]["ext"] = Value::from("ff80");
        assert_eq!(decode::<Top>(&mixed).unwrap(), top);
    }

    #[test]
    fn refuses_bare_hex_it_cannot_read_exactly() {
        let top = Top {
            picks: vec![Pick::Event(event(5))],
        };
        let canonical = to_value(&top).unwrap();
        for (hex, why) in [
            ("ff", "4 hex digits"),
            ("ffc0", "padding bits"),
            ("ff8000", "4 hex digits"),
            // Not hex at all: rasn's own error for the field.
            ("zz80", "Event.ext"),
        ] {
            let mut bad = canonical.clone();
            bad["picks"][0]["the-event"]["ext"] = Value::from(hex);
            let err = decode::<Top>(&bad).unwrap_err().to_string();
            assert!(err.contains(why), "{hex}: {err}");
        }
        // A string where a SEQUENCE belongs is still refused with rasn's own error.
        let mut bad = canonical.clone();
        bad["picks"][0]["the-event"] = Value::from("ff80");
        assert!(decode::<Top>(&bad).is_err());
        // A fixed-size BIT STRING given as an object is not X.697 and stays refused.
        let mut bad = canonical;
        bad["picks"][0]["the-event"]["fixed"] = serde_json::json!({"value": "80", "length": 5});
        assert!(decode::<Top>(&bad).is_err());
    }

    #[test]
    fn names_the_path_of_an_out_of_range_value() {
        let top = Top {
            picks: vec![Pick::Flag(true), Pick::Event(event(40000))],
        };
        let err = check(&top).unwrap_err();
        assert_eq!(err.path, "picks[1].the-event.minEndTime");
        assert_eq!(err.reason, "value 40000 outside 0..36111");
    }

    #[test]
    fn names_the_path_of_a_wrong_size() {
        let mut e = event(1);
        e.fixed = BitString::repeat(false, 4);
        let err = check(&Pick::Event(e)).unwrap_err();
        assert_eq!(err.path, "the-event.fixed");
        assert_eq!(err.reason, "size 4 outside 5");
        let err = check(&Top { picks: vec![] }).unwrap_err();
        assert_eq!(err.path, "picks");
        assert_eq!(err.reason, "size 0 outside 1..4");
    }
}
