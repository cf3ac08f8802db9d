//! Every document of the shared OpenAPI corpus converts: one tool per operation, valid
//! unique names, and input/output schemas that are valid JSON Schema 2020-12.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test the same way"
)]

use crate::common;

use std::collections::HashSet;

use serde_json::Value;

#[test]
fn every_corpus_document_converts_with_valid_tools() {
    let dir = common::corpus_dir();
    let entries = common::manifest_entries(&dir);
    assert!(
        entries.len() >= 18,
        "manifest lists only {} documents",
        entries.len()
    );
    let mut failures = Vec::new();
    for (name, expected_ops) in &entries {
        let api = common::convert_entry(&dir, name);
        if api.tools().len() != *expected_ops {
            failures.push(format!(
                "{name}: {} tools, manifest says {expected_ops}",
                api.tools().len()
            ));
        }
        let mut names = HashSet::new();
        for tool in api.tools() {
            if !names.insert(tool.name.clone()) {
                failures.push(format!("{name}: duplicate tool name {}", tool.name));
            }
            let valid_name = !tool.name.is_empty()
                && tool.name.len() <= 64
                && tool.name.chars().all(|character| {
                    character.is_ascii_alphanumeric() || "_.-".contains(character)
                });
            if !valid_name {
                failures.push(format!("{name}: invalid tool name {:?}", tool.name));
            }
            let mut schemas = vec![("input", &tool.input_schema)];
            if let Some(output) = &tool.output_schema {
                schemas.push(("output", output));
            }
            for (kind, schema) in schemas {
                let schema = Value::Object(schema.clone());
                if schema.get("type") != Some(&Value::String("object".to_owned())) {
                    failures.push(format!(
                        "{name}/{}: {kind} schema is not type object",
                        tool.name
                    ));
                }
                if let Err(error) = jsonschema::draft202012::meta::validate(&schema) {
                    failures.push(format!(
                        "{name}/{}: {kind} schema fails the meta-schema: {error} at {}",
                        tool.name,
                        error.instance_path()
                    ));
                }
                // Compiling resolves every `$ref`, so a dangling `#/$defs/...` fails here.
                if let Err(error) = jsonschema::draft202012::new(&schema) {
                    failures.push(format!(
                        "{name}/{}: {kind} schema does not compile: {error}",
                        tool.name
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
