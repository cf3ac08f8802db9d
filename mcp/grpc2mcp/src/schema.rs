//! JSON Schema (2020-12) of protobuf messages in their proto3 JSON form.
//!
//! Each message type is defined once under `$defs` (recursion is a `$ref`), well-known
//! types are the JSON they map to, and comments become descriptions.

use std::collections::BTreeMap;

use prost_reflect::{Cardinality, FieldDescriptor, Kind, MessageDescriptor};
use serde_json::{Map, Value, json};

use crate::comments::comment_of;

/// Message types one tool's schema may define; beyond, a message is an open object with a note
/// (the call still takes and returns it whole).
const MAX_DEFINITIONS: usize = 128;

/// The schema of `message` as the root object, its nested message types under `$defs`.
pub(crate) fn message_schema(message: &MessageDescriptor) -> Value {
    let mut builder = SchemaBuilder::default();
    let mut root = builder.message_body(message);
    if !builder.definitions.is_empty() {
        let definitions: Map<String, Value> = builder.definitions.into_iter().collect();
        if let Some(object) = root.as_object_mut() {
            object.insert("$defs".into(), Value::Object(definitions));
        }
    }
    root
}

#[derive(Default)]
struct SchemaBuilder {
    /// By full message name; a placeholder while its body is built, so recursion ends.
    definitions: BTreeMap<String, Value>,
    cut: bool,
}

impl SchemaBuilder {
    /// The object schema of a message's fields (the root, or a definition's body).
    fn message_body(&mut self, message: &MessageDescriptor) -> Value {
        if let Some(schema) = well_known(message) {
            return schema;
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        for field in message.fields() {
            let mut schema = self.field_schema(&field);
            let mut notes = Vec::new();
            if let Some(comment) = comment_of(&field.parent_file(), field.path()) {
                notes.push(comment);
            }
            if let Some(oneof) = field
                .containing_oneof()
                .filter(|oneof| !oneof.is_synthetic())
            {
                let members: Vec<String> = oneof
                    .fields()
                    .map(|member| member.json_name().to_owned())
                    .collect();
                notes.push(format!(
                    "One of `{}`: set at most one of {}.",
                    oneof.name(),
                    members.join(", ")
                ));
            }
            if !notes.is_empty() {
                describe(&mut schema, notes.join("\n"));
            }
            if field.cardinality() == Cardinality::Required {
                required.push(Value::String(field.json_name().to_owned()));
            }
            properties.insert(field.json_name().to_owned(), schema);
        }
        let mut schema = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        if let Some(comment) = comment_of(&message.parent_file(), message.path()) {
            describe(&mut schema, comment);
        }
        schema
    }

    fn field_schema(&mut self, field: &FieldDescriptor) -> Value {
        if field.is_map() {
            let value_field = match field.kind() {
                Kind::Message(entry) => entry.map_entry_value_field(),
                _ => return json!({"type": "object"}),
            };
            let key_note = match field.kind() {
                Kind::Message(entry) => match entry.map_entry_key_field().kind() {
                    Kind::String => None,
                    Kind::Bool => Some("keys are \"true\" or \"false\""),
                    _ => Some("keys are integers written as strings"),
                },
                _ => None,
            };
            let mut schema = json!({
                "type": "object",
                "additionalProperties": self.kind_schema(&value_field.kind()),
            });
            if let Some(note) = key_note {
                schema["description"] = json!(note);
            }
            return schema;
        }
        let item = self.kind_schema(&field.kind());
        if field.is_list() {
            json!({"type": "array", "items": item})
        } else {
            item
        }
    }

    fn kind_schema(&mut self, kind: &Kind) -> Value {
        match kind {
            Kind::Double | Kind::Float => json!({"type": "number"}),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => json!({
                "type": "integer", "minimum": i32::MIN, "maximum": i32::MAX,
            }),
            Kind::Uint32 | Kind::Fixed32 => json!({
                "type": "integer", "minimum": 0, "maximum": u32::MAX,
            }),
            // proto3 JSON writes 64-bit integers as strings (JSON numbers lose precision).
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => json!({
                "type": "string", "pattern": "^-?[0-9]+$",
                "description": "64-bit integer as a decimal string",
            }),
            Kind::Uint64 | Kind::Fixed64 => json!({
                "type": "string", "pattern": "^[0-9]+$",
                "description": "unsigned 64-bit integer as a decimal string",
            }),
            Kind::Bool => json!({"type": "boolean"}),
            Kind::String => json!({"type": "string"}),
            Kind::Bytes => json!({"type": "string", "contentEncoding": "base64"}),
            Kind::Enum(enumeration) => {
                if enumeration.full_name() == "google.protobuf.NullValue" {
                    return json!({"type": "null"});
                }
                let names: Vec<String> = enumeration
                    .values()
                    .map(|value| value.name().to_owned())
                    .collect();
                let mut schema = json!({"type": "string", "enum": names});
                if let Some(comment) = comment_of(&enumeration.parent_file(), enumeration.path()) {
                    describe(&mut schema, comment);
                }
                schema
            }
            Kind::Message(message) => self.message_reference(message),
        }
    }

    fn message_reference(&mut self, message: &MessageDescriptor) -> Value {
        if let Some(schema) = well_known(message) {
            return schema;
        }
        let name = message.full_name().to_owned();
        if !self.definitions.contains_key(&name) {
            if self.definitions.len() >= MAX_DEFINITIONS {
                if !self.cut {
                    tracing::debug!(message = %name, "grpc schema cut at the definition limit");
                }
                self.cut = true;
                return json!({
                    "type": "object",
                    "description": format!(
                        "{name} (schema not shown: this method's messages have more than \
                         {MAX_DEFINITIONS} types)"
                    ),
                });
            }
            self.definitions.insert(name.clone(), Value::Null);
            let body = self.message_body(message);
            self.definitions.insert(name.clone(), body);
        }
        json!({"$ref": format!("#/$defs/{name}")})
    }
}

fn describe(schema: &mut Value, note: String) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let description = match object.get("description").and_then(Value::as_str) {
        Some(existing) if !existing.is_empty() => format!("{note}\n{existing}"),
        _ => note,
    };
    object.insert("description".into(), Value::String(description));
}

/// The proto3 JSON form of the well-known types that are not plain objects.
fn well_known(message: &MessageDescriptor) -> Option<Value> {
    let schema = match message.full_name() {
        "google.protobuf.Timestamp" => json!({
            "type": "string", "format": "date-time",
            "description": "RFC 3339 timestamp, e.g. 2026-01-02T15:04:05Z",
        }),
        "google.protobuf.Duration" => json!({
            "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,9})?s$",
            "description": "duration in seconds with an `s` suffix, e.g. 1.5s",
        }),
        "google.protobuf.Struct" => json!({"type": "object"}),
        "google.protobuf.Value" => json!({"description": "any JSON value"}),
        "google.protobuf.ListValue" => json!({"type": "array"}),
        "google.protobuf.Empty" => json!({"type": "object", "properties": {}}),
        "google.protobuf.FieldMask" => json!({
            "type": "string",
            "description": "comma-separated field paths in lowerCamelCase",
        }),
        "google.protobuf.Any" => json!({
            "type": "object",
            "properties": {"@type": {"type": "string"}},
            "required": ["@type"],
            "description": "a message with its type URL in `@type`",
        }),
        "google.protobuf.DoubleValue" | "google.protobuf.FloatValue" => {
            json!({"type": ["number", "null"]})
        }
        "google.protobuf.Int32Value" | "google.protobuf.UInt32Value" => {
            json!({"type": ["integer", "null"]})
        }
        "google.protobuf.Int64Value" | "google.protobuf.UInt64Value" => json!({
            "type": ["string", "null"], "pattern": "^-?[0-9]+$",
            "description": "64-bit integer as a decimal string",
        }),
        "google.protobuf.BoolValue" => json!({"type": ["boolean", "null"]}),
        "google.protobuf.StringValue" => json!({"type": ["string", "null"]}),
        "google.protobuf.BytesValue" => {
            json!({"type": ["string", "null"], "contentEncoding": "base64"})
        }
        _ => return None,
    };
    Some(schema)
}
