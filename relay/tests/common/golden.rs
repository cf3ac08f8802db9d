//! The golden-file helpers of the conversion tests: the fixtures' place, the four wires and the one `check` against an expected file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use relay::convert::{ClientTools, Wire, convert_request_noting_tools};
use serde_json::Value;

/// Every protocol a fixture can be written in, with the name its files use.
pub const WIRES: [(Wire, &str); 4] = [
    (Wire::Chat, "chat"),
    (Wire::Messages, "messages"),
    (Wire::Gemini, "gemini"),
    (Wire::Responses, "responses"),
];

/// `tests/fixtures/convert`: one directory per scenario.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/convert")
}

/// What converting the scenario's `request.<client>.json` did to its tools (none without that
/// file), so that the scenario's answers render as that client gets them: calls of renamed
/// tools in the client's own form.
pub fn request_tools(scenario: &Path, client: Wire, client_name: &str) -> Arc<ClientTools> {
    let path = scenario.join(format!("request.{client_name}.json"));
    if client == Wire::Chat || !path.exists() {
        return Arc::default();
    }
    let (_, tools) =
        convert_request_noting_tools(client, Wire::Chat, &read_json(&path), "m", false)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Arc::new(tools)
}

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compares `actual`, rendered from `input`, with the expected file, or rewrites the file
/// under `UPDATE_GOLDEN=1` (review the diff before committing it).
pub fn check(input: &Path, expected: &Path, actual: Value) {
    let rendered = serde_json::to_string_pretty(&actual).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(expected, rendered).unwrap();
        return;
    }
    let want = std::fs::read_to_string(expected).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run with UPDATE_GOLDEN=1 and review it",
            expected.display()
        )
    });
    assert!(
        want == rendered,
        "{} rendered differently than {}:\n{rendered}",
        input.display(),
        expected.display()
    );
}
