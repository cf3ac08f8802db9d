//! Golden tests: small documents converted and compared with expected JSON under
//! `tests/golden/`. `UPDATE_GOLDEN=1 cargo test -p openapi2mcp --test golden` rewrites them.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test the same way"
)]

use std::path::Path;

use openapi2mcp::{Api, ConvertOptions};
use serde_json::{Value, json};

/// Converts `tests/golden/<input>` and compares tools, warnings, servers and security
/// schemes with `tests/golden/<expected>`.
fn check(input: &str, expected: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bytes = std::fs::read(dir.join(input)).unwrap();
    let api = Api::from_document(&bytes, &ConvertOptions::default()).unwrap();
    let actual = json!({
        "tools": api.tools(),
        "warnings": api.warnings(),
        "servers": api.servers(),
        "security_schemes": api.security_schemes(),
    });
    let expected_path = dir.join(expected);
    let rendered = serde_json::to_string_pretty(&actual).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, rendered).unwrap();
        return;
    }
    let expected_text = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run with UPDATE_GOLDEN=1",
            expected_path.display()
        )
    });
    let expected: Value = serde_json::from_str(&expected_text).unwrap();
    assert!(
        actual == expected,
        "{input} differs from {expected}; run with UPDATE_GOLDEN=1 and review the diff\n{rendered}"
    );
}

#[test]
fn openapi_3_0_features() {
    check("features-3.0.yaml", "features-3.0.json");
}

#[test]
fn swagger_2_0_features() {
    check("features-2.0.yaml", "features-2.0.json");
}

#[test]
fn openapi_3_1_features() {
    check("features-3.1.yaml", "features-3.1.json");
}
