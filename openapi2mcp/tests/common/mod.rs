//! Helpers shared by the integration tests: locating the OpenAPI corpus and loading specs.

#![allow(
    dead_code,
    reason = "each test module and the bench use a different subset"
)]
#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test on missing fixtures"
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use openapi2mcp::{Api, ConvertOptions};

/// `$OPENAPI_CORPUS_DIR` (to try other documents by hand), else the corpus vendored in `tests/corpus`.
pub fn corpus_dir() -> PathBuf {
    let dir = match std::env::var_os("OPENAPI_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus"),
    };
    assert!(
        dir.join("MANIFEST.md").is_file(),
        "OpenAPI corpus not found at {} (no MANIFEST.md): the vendored corpus is missing",
        dir.display()
    );
    dir
}

/// (file name, operation count) from the table in MANIFEST.md.
pub fn manifest_entries(dir: &Path) -> Vec<(String, usize)> {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.md")).expect("read MANIFEST.md");
    let mut entries = Vec::new();
    for line in manifest.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `file` | source | version | bytes | ops | license | exercises |
        if cells.len() < 8 || !cells[1].starts_with('`') {
            continue;
        }
        let name = cells[1]
            .trim_matches('`')
            .split('`')
            .next()
            .unwrap_or("")
            .to_owned();
        let ops: String = cells[5]
            .chars()
            .take_while(|character| character.is_ascii_digit())
            .collect();
        if let Ok(ops) = ops.parse() {
            entries.push((name, ops));
        }
    }
    entries
}

/// Options and root bytes for a corpus entry; a directory entry is the separate petstore,
/// whose fragment files become `external_files` relative to `spec/`.
pub fn load_entry(dir: &Path, name: &str) -> (Vec<u8>, ConvertOptions) {
    let path = dir.join(name.trim_end_matches('/'));
    if path.is_dir() {
        let root = path.join("spec/swagger.json");
        let mut external_files = HashMap::new();
        for (relative, file) in [
            ("Pet.json", "spec/Pet.json"),
            ("NewPet.json", "spec/NewPet.json"),
            ("parameters.json", "spec/parameters.json"),
            ("../common/Error.json", "common/Error.json"),
        ] {
            external_files.insert(
                relative.to_owned(),
                std::fs::read(path.join(file)).expect("read fragment"),
            );
        }
        let options = ConvertOptions {
            external_files,
            ..ConvertOptions::default()
        };
        return (std::fs::read(root).expect("read root"), options);
    }
    (
        std::fs::read(&path).unwrap_or_else(|error| panic!("read {}: {error}", path.display())),
        ConvertOptions::default(),
    )
}

pub fn convert_entry(dir: &Path, name: &str) -> Api {
    let (bytes, options) = load_entry(dir, name);
    Api::from_document(&bytes, &options).unwrap_or_else(|error| panic!("{name}: {error}"))
}
