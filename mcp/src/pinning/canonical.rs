//! An item's definition as pinning sees it: the fields a model reads (schemas, arguments, URIs) in canonical JSON, and its SHA-256.

use std::fmt::Write as _;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::items::{ItemKind, PinKey, Pinnable};

/// One item's pinned fields and their hash.
#[derive(Debug, Clone, PartialEq)]
pub struct PinnedDefinition {
    pub kind: ItemKind,
    /// The name its pin is kept under (a resource's URI, a template's URI template).
    pub name: String,
    /// The pinned fields only, as a JSON object.
    pub definition: Value,
    /// Hex SHA-256 of the canonical JSON text of `definition`.
    pub hash: String,
}

impl PinnedDefinition {
    /// The pinned part of `item`.
    pub fn of<T: Pinnable>(item: &T) -> PinnedDefinition {
        let full = serde_json::to_value(item).unwrap_or(Value::Null);
        let mut definition = Map::new();
        for field in T::PINNED_FIELDS {
            if let Some(value) = full.get(*field).filter(|value| !value.is_null()) {
                definition.insert((*field).to_owned(), value.clone());
            }
        }
        PinnedDefinition::from_value(T::KIND, item.pin_name(), Value::Object(definition))
    }

    /// A stored definition, hashed again.
    pub fn from_value(kind: ItemKind, name: String, definition: Value) -> PinnedDefinition {
        let hash = hash_of(&definition);
        PinnedDefinition {
            kind,
            name,
            definition,
            hash,
        }
    }

    pub fn key(&self) -> PinKey {
        PinKey::new(self.kind, self.name.clone())
    }

    /// The item to serve for this definition (the approved one, when a changed item is served
    /// as it was approved).
    pub fn to_item<T: Pinnable>(&self) -> Option<T> {
        serde_json::from_value(self.definition.clone()).ok()
    }
}

/// Hex SHA-256 of the canonical JSON text of `value`.
pub fn hash_of(value: &Value) -> String {
    let digest = Sha256::digest(canonical_json(value).as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// JSON text with object keys sorted at every level and no whitespace, so two serializations
/// of one definition (whatever the key order an upstream sends) hash the same.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (index, key) in keys.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(inner) = map.get(key) {
                    write_canonical(inner, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_does_not_change_the_hash_and_content_does() {
        let a: Value =
            serde_json::from_str(r#"{"b": 1, "a": {"y": [1, {"q": 2, "p": 3}], "x": "s"}}"#)
                .unwrap();
        let b: Value =
            serde_json::from_str(r#"{"a": {"x": "s", "y": [1, {"p": 3, "q": 2}]}, "b": 1}"#)
                .unwrap();
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"x":"s","y":[1,{"p":3,"q":2}]},"b":1}"#
        );
        assert_eq!(hash_of(&a), hash_of(&b));
        let c: Value =
            serde_json::from_str(r#"{"a": {"x": "t", "y": [1, {"p": 3, "q": 2}]}, "b": 1}"#)
                .unwrap();
        assert_ne!(hash_of(&a), hash_of(&c));
    }
}
