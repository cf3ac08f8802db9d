//! Fuzz target: arbitrary bytes as an OpenAPI document must convert or fail cleanly, and
//! every converted tool must build a request from arbitrary-ish arguments without panicking.
//!
//! Run with `cargo +nightly fuzz run convert` from `openapi2mcp/`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use openapi2mcp::{Api, CallConfig, ConvertOptions};
use serde_json::{Map, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(api) = Api::from_document(data, &ConvertOptions::default()) else { return };
    let Ok(base) = url::Url::parse("https://api.example.com/v1") else { return };
    let config = CallConfig::new(base);
    for tool in api.tools() {
        // Arguments made of each property's default or a string, so every serialiser runs.
        let mut arguments = Map::new();
        if let Some(Value::Object(properties)) = tool.input_schema.get("properties") {
            for (name, schema) in properties {
                let value = schema.get("default").cloned().unwrap_or_else(|| Value::String(name.clone()));
                arguments.insert(name.clone(), value);
            }
        }
        let _ = api.build_request(&tool.name, &arguments, &config);
    }
});
