//! A tool's definition as pinning sees it: the fields a model reads (name, title, description, schemas, annotations) in canonical JSON, and its SHA-256.

use std::fmt::Write as _;

use rmcp::model::Tool;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The fields of a tool that are pinned: everything a model reads or a client acts on. Icons
/// and `_meta` are left out (they change without changing what the tool does).
const PINNED_FIELDS: [&str; 6] = [
    "name",
    "title",
    "description",
    "inputSchema",
    "outputSchema",
    "annotations",
];

/// One tool's pinned fields and their hash.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolDefinition {
    pub name: String,
    /// The pinned fields only, as a JSON object.
    pub definition: Value,
    /// Hex SHA-256 of the canonical JSON text of `definition`.
    pub hash: String,
}

impl ToolDefinition {
    /// The pinned part of `tool`.
    pub fn of(tool: &Tool) -> ToolDefinition {
        let full = serde_json::to_value(tool).unwrap_or(Value::Null);
        let mut definition = Map::new();
        for field in PINNED_FIELDS {
            if let Some(value) = full.get(field).filter(|value| !value.is_null()) {
                definition.insert(field.to_owned(), value.clone());
            }
        }
        ToolDefinition::from_value(tool.name.to_string(), Value::Object(definition))
    }

    /// A stored definition, hashed again.
    pub fn from_value(name: String, definition: Value) -> ToolDefinition {
        let hash = hash_of(&definition);
        ToolDefinition {
            name,
            definition,
            hash,
        }
    }

    /// The tool to serve for this definition (the approved one, when a changed tool is served
    /// as it was approved).
    pub fn to_tool(&self) -> Option<Tool> {
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
