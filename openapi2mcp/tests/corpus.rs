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

/// The largest corpus documents fitted to the default budget: no tool over 16 KiB of schemas
/// (plus its description, at most 4 KiB, and the note saying what was cut), so the whole
/// catalogue stays well under the 4 MB gRPC message limit; and above a catalogue limit the
/// compact tools are served instead.
#[test]
fn large_documents_fit_the_tool_budget() {
    let dir = common::corpus_dir();
    for (name, max_catalogue) in [
        ("github-rest-3.0.json", 2_200_000),
        ("kubernetes-api-v1-3.0.json", 3_000_000),
        ("kubernetes-apiextensions-v1-3.0.json", 250_000),
    ] {
        let api = common::convert_entry(&dir, name);
        let mut catalogue = 0;
        let mut shortened = 0;
        for tool in api.tools() {
            let schemas = serde_json::to_vec(&tool.input_schema).unwrap().len()
                + tool
                    .output_schema
                    .as_ref()
                    .map_or(0, |schema| serde_json::to_vec(schema).unwrap().len());
            assert!(
                schemas <= 16 * 1024,
                "{name}/{}: {schemas} bytes of schema",
                tool.name
            );
            let whole = serde_json::to_vec(tool).unwrap().len();
            assert!(whole <= 21 * 1024, "{name}/{}: {whole} bytes", tool.name);
            catalogue += whole;
            let description = tool.description.as_deref().unwrap_or("");
            if description.contains("[Schema shortened to fit 16 KiB") {
                shortened += 1;
            }
        }
        assert!(catalogue <= max_catalogue, "{name}: {catalogue} bytes");
        // Kubernetes' schemas reach hundreds of definitions: most of its tools are cut, and say so.
        if name.starts_with("kubernetes") {
            assert!(
                shortened * 2 > api.tools().len(),
                "{name}: {shortened} shortened"
            );
        }

        // Above the operator's limit, three small tools; every operation stays reachable.
        let (bytes, mut options) = common::load_entry(&dir, name);
        options.compact_above_bytes = Some(catalogue - 1);
        let compact = openapi2mcp::Api::from_document(&bytes, &options).unwrap();
        assert!(compact.is_compact());
        assert_eq!(compact.operations().len(), api.tools().len());
        assert!(serde_json::to_vec(compact.tools()).unwrap().len() < 4096);
        assert!(
            compact
                .warnings()
                .iter()
                .any(|warning| warning.message.contains("catalogue limit")),
            "{name}"
        );
        options.compact_above_bytes = Some(catalogue);
        assert!(
            !openapi2mcp::Api::from_document(&bytes, &options)
                .unwrap()
                .is_compact()
        );
    }
}
