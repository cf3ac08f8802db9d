//! A stable-Rust stand-in for the fuzz target: corpus documents with random subtrees
//! replaced (deterministic seed) must convert or fail with an error, never panic, and every
//! resulting tool must build a request from its own defaults without panicking.

#![allow(
    clippy::unwrap_used,
    reason = "helpers outside #[test] functions fail the test the same way"
)]

use crate::common;

use openapi2mcp::{Api, CallConfig, ConvertOptions};
use serde_json::{Map, Value, json};

/// xorshift64*: enough randomness for picking nodes, and reproducible.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

fn pointers(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(
                    child,
                    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(pointer);
}

fn replacement(random: &mut Random) -> Value {
    let choices = [
        Value::Null,
        json!(true),
        json!(-1),
        json!(1.5e300),
        json!(""),
        json!("{id}"),
        json!([]),
        json!({}),
        json!([{ "name": "q", "in": "query" }]),
        json!({ "$ref": "#/components/schemas/Nowhere" }),
        json!({ "$ref": "#" }),
        json!({ "$ref": "#/paths" }),
        json!({ "type": "object", "properties": { "a": { "$ref": "#/definitions/x" } } }),
        json!({ "type": ["array", "null"], "items": [{}, true], "nullable": true }),
        json!({ "in": "path", "name": "", "style": "deepObject", "explode": true }),
        json!({ "content": { "multipart/form-data": { "schema": { "type": "string", "format": "binary" } } } }),
        json!({ "200": { "content": { "*/*": { "schema": { "type": "object" } } } } }),
    ];
    choices[random.below(choices.len())].clone()
}

#[test]
fn mutated_documents_never_panic() {
    let dir = common::corpus_dir();
    let config = CallConfig::new(url::Url::parse("https://api.example.com/v1").unwrap());
    // `MUTATION_ROUNDS` and `MUTATION_SEED` widen a local hunt; CI uses the defaults.
    let rounds: usize = std::env::var("MUTATION_ROUNDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(150);
    let seed: u64 = std::env::var("MUTATION_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut random = Random(seed.max(1));
    let mut converted = 0;
    for name in [
        "swagger-petstore-3.0.yaml",
        "swagger-petstore-2.0.yaml",
        "swagger-petstore-3.1.yaml",
        "oai-uspto-3.0.yaml",
        "oai-petstore-expanded-2.0.json",
        "oai-link-example-3.0.yaml",
    ] {
        let (bytes, options) = common::load_entry(&dir, name);
        assert!(
            Api::from_document(&bytes, &options).is_ok(),
            "{name} converts unmutated"
        );
        let original: Value = serde_json::from_slice(&bytes)
            .ok()
            .or_else(|| serde_norway::from_slice(&bytes).ok())
            .unwrap();
        let mut all = Vec::new();
        pointers(&original, String::new(), &mut all);
        for _ in 0..rounds {
            let mut document = original.clone();
            for _ in 0..1 + random.below(3) {
                let pointer = &all[random.below(all.len())];
                if let Some(slot) = document.pointer_mut(pointer) {
                    *slot = replacement(&mut random);
                }
            }
            let bytes = serde_json::to_vec(&document).unwrap();
            let Ok(api) = Api::from_document(&bytes, &ConvertOptions::default()) else {
                continue;
            };
            converted += 1;
            for tool in api.tools() {
                let mut arguments = Map::new();
                if let Some(Value::Object(properties)) = tool.input_schema.get("properties") {
                    for (property, schema) in properties {
                        let value = schema
                            .get("default")
                            .cloned()
                            .unwrap_or_else(|| json!(property));
                        arguments.insert(property.clone(), value);
                    }
                }
                let _ = api.build_request(&tool.name, &arguments, &config);
            }
        }
    }
    // Most mutations leave a document that still converts; if none did, the test proves nothing.
    assert!(
        converted > 500,
        "only {converted} mutated documents converted"
    );
}
