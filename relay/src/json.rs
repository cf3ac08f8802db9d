//! A JSON object edited at the top level only: keys keep their order and every value stays the
//! exact bytes the client sent, so fields the relay does not know pass through untouched.
//! Values point into the original buffer, so cloning and re-sending an unedited body is cheap.

use std::fmt;
use std::ops::Range;

use bytes::{Bytes, BytesMut};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A JSON object as an ordered list of keys and raw values.
#[derive(Debug, Clone, Default)]
pub struct JsonObject {
    source: Bytes,
    entries: Vec<(String, Slot)>,
    modified: bool,
}

#[derive(Debug, Clone)]
enum Slot {
    /// A value still as it is in `source`.
    Source(Range<usize>),
    Owned(Box<RawValue>),
    /// JSON text that is valid by construction: a value cut from another parsed object, or
    /// text the relay wrote itself. Taken as it is, without a second parse.
    Trusted(Bytes),
}

impl JsonObject {
    /// Parses a document that must be a JSON object.
    pub fn parse(source: Bytes) -> Result<JsonObject, serde_json::Error> {
        let borrowed: Borrowed<'_> = serde_json::from_slice(&source)?;
        let base = source.as_ptr() as usize;
        let entries = borrowed
            .0
            .into_iter()
            .map(|(key, raw)| {
                // The raw value is a sub-slice of `source`, so its address gives its offset.
                let start = raw.get().as_ptr() as usize - base;
                (key, Slot::Source(start..start + raw.get().len()))
            })
            .collect();
        Ok(JsonObject {
            source,
            entries,
            modified: false,
        })
    }

    /// The object a JSON value holds, its keys in the value's order.
    pub fn from_value(value: &serde_json::Value) -> Result<JsonObject, serde_json::Error> {
        let serde_json::Value::Object(fields) = value else {
            // Not an object: the parser says so.
            return JsonObject::parse(Bytes::from(serde_json::to_vec(value)?));
        };
        // Each field written once, never parsed again.
        let entries = fields
            .iter()
            .map(|(key, value)| {
                let text = serde_json::to_vec(value)?;
                Ok((key.clone(), Slot::Trusted(Bytes::from(text))))
            })
            .collect::<Result<_, serde_json::Error>>()?;
        Ok(JsonObject {
            source: Bytes::new(),
            entries,
            modified: true,
        })
    }

    /// Whether some key appears twice. [`JsonObject::get`] reads the first of them while a
    /// `serde_json::Value` keeps the last, so callers that must agree with `Value` check this.
    /// One hash-set pass: a client controls how many keys there are, so the check must stay
    /// linear in them.
    pub fn has_duplicate_keys(&self) -> bool {
        let mut seen = std::collections::HashSet::with_capacity(self.entries.len());
        self.entries
            .iter()
            .any(|(key, _)| !seen.insert(key.as_str()))
    }

    /// The raw JSON text of a field.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, slot)| self.text(slot))
    }

    /// Deserializes one field; `Ok(None)` when it is absent or `null`.
    pub fn get_as<'a, T: Deserialize<'a>>(
        &'a self,
        key: &str,
    ) -> Result<Option<T>, serde_json::Error> {
        match self.get(key) {
            None => Ok(None),
            Some("null") => Ok(None),
            Some(raw) => serde_json::from_str(raw).map(Some),
        }
    }

    /// Sets a field from any serializable value, keeping its position when it already exists.
    pub fn set<T: Serialize + ?Sized>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let raw = serde_json::value::to_raw_value(value)?;
        self.put(key, Slot::Owned(raw));
        Ok(())
    }

    /// Puts `new` at `key`, keeping the key's position when it already exists.
    fn put(&mut self, key: &str, new: Slot) {
        let mut slot = Some(new);
        self.entries.retain_mut(|(name, value)| {
            if name != key {
                return true;
            }
            match slot.take() {
                Some(new) => {
                    *value = new;
                    true
                }
                // A later duplicate of a key already set: drop it so the value is unambiguous.
                None => false,
            }
        });
        if let Some(new) = slot {
            self.entries.push((key.to_owned(), new));
        }
        self.modified = true;
    }

    /// The raw JSON bytes of a field, shared with this object's buffer where possible.
    pub fn get_bytes(&self, key: &str) -> Option<Bytes> {
        let (_, slot) = self.entries.iter().find(|(name, _)| name == key)?;
        Some(match slot {
            Slot::Source(range) => self.source.slice(range.clone()),
            Slot::Owned(raw) => Bytes::copy_from_slice(raw.get().as_bytes()),
            Slot::Trusted(bytes) => bytes.clone(),
        })
    }

    /// Sets a field to JSON text that is known to be valid: bytes from
    /// [`JsonObject::get_bytes`], or text just written by a JSON serializer. Nothing checks it
    /// again.
    pub fn set_trusted(&mut self, key: &str, json: Bytes) {
        self.put(key, Slot::Trusted(json));
    }

    /// Moves a field to another key (replacing that key's value); nothing happens when the
    /// field is absent.
    pub fn rename(&mut self, from: &str, to: &str) {
        let Some(position) = self.entries.iter().position(|(name, _)| name == from) else {
            return;
        };
        let (_, slot) = self.entries.remove(position);
        self.entries.retain(|(name, _)| name != from);
        self.put(to, slot);
    }

    pub fn remove(&mut self, key: &str) {
        let before = self.entries.len();
        self.entries.retain(|(name, _)| name != key);
        self.modified |= self.entries.len() != before;
    }

    /// The serialized object: the original bytes when nothing was edited.
    pub fn to_bytes(&self) -> Bytes {
        if !self.modified {
            return self.source.clone();
        }
        let capacity = self
            .entries
            .iter()
            .map(|(key, slot)| key.len() + self.text(slot).len() + 4)
            .sum::<usize>()
            + 2;
        let mut out = BytesMut::with_capacity(capacity);
        out.extend_from_slice(b"{");
        for (index, (key, slot)) in self.entries.iter().enumerate() {
            if index > 0 {
                out.extend_from_slice(b",");
            }
            // A string always serializes.
            if let Ok(key) = serde_json::to_string(key) {
                out.extend_from_slice(key.as_bytes());
            }
            out.extend_from_slice(b":");
            out.extend_from_slice(self.text(slot).as_bytes());
        }
        out.extend_from_slice(b"}");
        out.freeze()
    }

    fn text<'a>(&'a self, slot: &'a Slot) -> &'a str {
        match slot {
            // The parser validated the whole source as UTF-8 JSON; the fallback is unreachable.
            Slot::Source(range) => {
                std::str::from_utf8(&self.source[range.clone()]).unwrap_or("null")
            }
            Slot::Owned(raw) => raw.get(),
            // Trusted text came from a parser or a serializer: the fallback is unreachable.
            Slot::Trusted(bytes) => std::str::from_utf8(bytes).unwrap_or("null"),
        }
    }
}

struct Borrowed<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Borrowed<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Borrowed<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Borrowed<'de>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(Borrowed(entries))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &'static str) -> Result<JsonObject, serde_json::Error> {
        JsonObject::parse(Bytes::from_static(text.as_bytes()))
    }

    #[test]
    fn edits_keep_order_and_raw_values() {
        let source = r#" {"b": 1.000000000000000000001, "model":"x","z":{"k":[1, 2]}} "#;
        let mut object = parse(source).unwrap();
        assert_eq!(object.get("z"), Some(r#"{"k":[1, 2]}"#));
        assert_eq!(
            &object.to_bytes()[..],
            source.as_bytes(),
            "untouched object is the source"
        );
        object.set("model", "y").unwrap();
        object.set("added", &true).unwrap();
        assert_eq!(
            String::from_utf8(object.to_bytes().to_vec()).unwrap(),
            r#"{"b":1.000000000000000000001,"model":"y","z":{"k":[1, 2]},"added":true}"#
        );
        assert_eq!(
            object.get_as::<String>("model").unwrap(),
            Some("y".to_owned())
        );
        assert!(object.get_as::<bool>("model").is_err());
        for bad in ["[1]", "{\"a\":", "", "\"x\"", "{\"a\":1}{"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(JsonObject::parse(Bytes::from_static(b"{\"a\":\"\xff\"}")).is_err());
        let value = serde_json::json!({"b": [1, {"c": "\u{e9}"}], "a": null});
        let built = JsonObject::from_value(&value).unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&built.to_bytes()).unwrap(),
            value
        );
        assert_eq!(built.get("a"), Some("null"));
        assert!(JsonObject::from_value(&serde_json::json!([1])).is_err());
    }

    #[test]
    fn duplicate_keys_are_found_in_linear_time() {
        assert!(!parse(r#"{"a":1,"b":2}"#).unwrap().has_duplicate_keys());
        assert!(
            parse(r#"{"a":1,"b":2,"a":3}"#)
                .unwrap()
                .has_duplicate_keys()
        );
        // 300k distinct keys: about 4.5e10 key comparisons for a pairwise scan (minutes even in
        // a release build), a few milliseconds for one hashed pass.
        let mut body = String::from("{");
        for index in 0..300_000 {
            if index > 0 {
                body.push(',');
            }
            body.push_str(&format!("\"k{index}\":0"));
        }
        body.push('}');
        let object = JsonObject::parse(Bytes::from(body)).unwrap();
        assert!(!object.has_duplicate_keys());
    }

    // Cases: proptest's default of 256, or `PROPTEST_CASES` (read by proptest itself).
    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_parse_or_fail_without_panic(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just(b'{'), proptest::strategy::Just(b'}'),
                proptest::strategy::Just(b'"'), proptest::strategy::Just(b':'),
                proptest::strategy::Just(b','), proptest::arbitrary::any::<u8>(),
            ],
            0..256,
        )) {
            if let Ok(object) = JsonObject::parse(Bytes::from(bytes.clone())) {
                // Untouched, the object is its source; edited, it is valid JSON.
                proptest::prop_assert_eq!(&object.to_bytes()[..], &bytes[..]);
                let mut edited = object.clone();
                edited.set("model", "x").unwrap();
                let value: serde_json::Value = serde_json::from_slice(&edited.to_bytes()).unwrap();
                proptest::prop_assert_eq!(&value["model"], "x");
            }
        }

        #[test]
        fn duplicate_keys_match_a_pairwise_check(
            keys in proptest::collection::vec("[a-c]{1,2}", 0..12)
        ) {
            let body = format!(
                "{{{}}}",
                keys.iter().map(|key| format!("\"{key}\":0")).collect::<Vec<_>>().join(",")
            );
            let object = JsonObject::parse(Bytes::from(body)).unwrap();
            let pairwise = (0..keys.len()).any(|i| keys[..i].contains(&keys[i]));
            proptest::prop_assert_eq!(object.has_duplicate_keys(), pairwise);
        }
    }
}
