//! Invariants of the workspace that fail the build: doc lines, forbidden dependencies, no ignored tests, the README's code map.
//!
//! These read the sources of every workspace member (the `members` of the root `Cargo.toml`),
//! not only hub's, so a new crate is held to them from its first commit.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The longest first line a source file may open with, in characters.
const DOC_LINE_LIMIT: usize = 160;

/// Dependencies only `hub` may name: the other crates know nothing of SQL, Redis or protobuf.
const HUB_ONLY_DEPENDENCIES: [&str; 4] = ["sqlx", "redis", "tonic", "prost"];

/// The one exception, by crate: `grpc2mcp` translates an upstream's protobuf into MCP tools, as
/// `openapi2mcp` translates HTTP APIs; protobuf is the protocol it speaks to that upstream, not
/// the control plane's, which stays hub's. SQL and Redis stay forbidden to it like to the rest.
const PROTOBUF_UPSTREAM_CLIENTS: [(&str, &[&str]); 1] = [(
    "mcp/grpc2mcp",
    &[
        "tonic",
        "tonic-reflection",
        "prost",
        "prost-reflect",
        "prost-types",
    ],
)];

/// The libraries a face is built from, which no face's crate may be built into: they name
/// neither `hub` nor `mcp` nor `relay` (see README's Invariants).
const LEAVES: [&str; 3] = ["relay", "openapi2mcp", "mcp/grpc2mcp"];

#[test]
fn every_source_file_opens_with_one_short_doc_line() {
    let mut offenders = Vec::new();
    for file in workspace_rust_files() {
        let text = read(&file);
        let first = text.lines().next().unwrap_or_default();
        let length = first.chars().count();
        if !first.starts_with("//!") {
            offenders.push(format!("{}: opens without a `//!` line", shown(&file)));
        } else if length > DOC_LINE_LIMIT {
            offenders.push(format!(
                "{}: its first line has {length} characters (at most {DOC_LINE_LIMIT})",
                shown(&file)
            ));
        }
    }
    assert!(
        offenders.is_empty(),
        "every .rs file opens with one `//!` line of at most {DOC_LINE_LIMIT} characters saying \
         what it owns (details go on the following `//!` lines):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn only_hub_depends_on_sql_redis_or_protobuf() {
    let mut offenders = Vec::new();
    for member in members() {
        if member == "hub" {
            continue;
        }
        let manifest = root().join(&member).join("Cargo.toml");
        let allowed: &[&str] = PROTOBUF_UPSTREAM_CLIENTS
            .iter()
            .find(|(crate_name, _)| *crate_name == member)
            .map_or(&[], |(_, allowed)| allowed);
        for dependency in dependency_names(&read(&manifest)) {
            if allowed.contains(&dependency.as_str()) {
                continue;
            }
            let forbidden = HUB_ONLY_DEPENDENCIES
                .iter()
                .any(|name| dependency == *name || dependency.starts_with(&format!("{name}-")));
            if forbidden {
                offenders.push(format!("{}: {dependency}", shown(&manifest)));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "only hub may depend on {HUB_ONLY_DEPENDENCIES:?}:\n{}",
        offenders.join("\n")
    );
}

/// The gRPC upstreams' protobuf lives in `grpc2mcp` alone: it is a member, it names no SQL or
/// Redis crate, and `mcp` names no protobuf, gRPC or HTTP/2 client crate of its own (it reaches
/// gRPC upstreams through the host's `GrpcUpstreams`).
#[test]
fn protobuf_reaches_mcp_only_through_grpc2mcp() {
    assert!(
        members().iter().any(|member| member == "mcp/grpc2mcp"),
        "mcp/grpc2mcp is a workspace member"
    );
    let grpc2mcp = dependency_names(&read(&root().join("mcp/grpc2mcp/Cargo.toml")));
    let storage: Vec<&String> = grpc2mcp
        .iter()
        .filter(|name| {
            ["sqlx", "redis"]
                .iter()
                .any(|forbidden| name.starts_with(forbidden))
        })
        .collect();
    assert!(
        storage.is_empty(),
        "grpc2mcp speaks protobuf to upstreams and knows nothing of storage: {storage:?}"
    );
    let mcp = dependency_names(&read(&root().join("mcp/Cargo.toml")));
    let protobuf: Vec<&String> = mcp
        .iter()
        .filter(|name| {
            ["tonic", "prost", "tower", "hyper-util"]
                .iter()
                .any(|forbidden| name.starts_with(forbidden))
        })
        .collect();
    assert!(
        protobuf.is_empty(),
        "mcp reaches gRPC upstreams through grpc2mcp in hub, never itself: {protobuf:?}"
    );
}

#[test]
fn the_leaves_name_no_face() {
    const FACES: [&str; 3] = ["hub", "mcp", "relay"];
    let mut offenders = Vec::new();
    for leaf in LEAVES {
        assert!(
            members().iter().any(|member| member == leaf),
            "{leaf} is a workspace member"
        );
        let manifest = root().join(leaf).join("Cargo.toml");
        // A crate may name itself (relay's tests turn on its own `test-util` feature).
        let own_name = leaf.rsplit('/').next().unwrap_or(leaf);
        for dependency in dependency_names(&read(&manifest)) {
            if dependency != own_name && FACES.contains(&dependency.as_str()) {
                offenders.push(format!("{}: {dependency}", shown(&manifest)));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "{LEAVES:?} are leaves: they name none of {FACES:?}:\n{}",
        offenders.join("\n")
    );
}

/// The vocabulary relay, mcp and hub share stays plain data, so depending on it costs neither
/// crate a network, HTTP or database stack.
#[test]
fn the_tenancy_crate_depends_on_plain_data_crates_only() {
    const PLAIN: [&str; 3] = ["serde", "thiserror", "serde_json"];
    assert!(
        members().iter().any(|member| member == "relay/tenancy"),
        "relay/tenancy is a workspace member"
    );
    let manifest = root().join("relay/tenancy/Cargo.toml");
    let others: Vec<String> = dependency_names(&read(&manifest))
        .into_iter()
        .filter(|name| !PLAIN.contains(&name.as_str()))
        .collect();
    assert!(
        others.is_empty(),
        "relay/tenancy may depend on {PLAIN:?} only (serde_json for its tests): {others:?}"
    );
}

#[test]
fn no_test_is_ignored() {
    // Spelled in two pieces so this file does not find itself.
    let attribute = concat!("#[", "ignore");
    let offenders: Vec<String> = workspace_rust_files()
        .into_iter()
        .filter(|file| read(file).contains(attribute))
        .map(|file| shown(&file))
        .collect();
    assert!(
        offenders.is_empty(),
        "a test that cannot run is deleted or fixed, never ignored:\n{}",
        offenders.join("\n")
    );
}

/// Every `.rs` file and `mod.rs` directory directly under a crate's `tests/` is a module of its
/// one test binary, `tests/it.rs` (`autotests = false`: a file not named there would never run).
#[test]
fn every_test_file_is_a_module_of_the_test_binary() {
    let mut offenders = Vec::new();
    for member in members() {
        let tests = root().join(&member).join("tests");
        let Ok(entries) = std::fs::read_dir(&tests) else {
            continue;
        };
        let binary = read(&tests.join("it.rs"));
        let declared: BTreeSet<&str> = binary
            .lines()
            .filter_map(|line| line.trim().strip_prefix("mod ")?.strip_suffix(';'))
            .collect();
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let module = if path.is_dir() {
                path.join("mod.rs").exists().then_some(name)
            } else {
                name.strip_suffix(".rs").map(str::to_owned)
            };
            if let Some(module) = module.filter(|module| module != "it")
                && !declared.contains(module.as_str())
            {
                offenders.push(format!("{}: `mod {module};` is missing", shown(&path)));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "declare each integration test file in its crate's tests/it.rs:\n{}",
        offenders.join("\n")
    );
}

/// The README's `## Code map` has a `### `crate/`` section per workspace member. In it, every
/// backticked relative path ending in `.rs` or `/` (`store/`, `store/sealed.rs`, also with a
/// `src/` or `crate/src/` prefix) names a module of the crate when it exists under the crate's
/// `src/`; any other such path must exist from the crate's or the repository's root. Each
/// module file of `src/` (`lib.rs` and `main.rs` aside) must be named, itself or through a
/// named parent (`store/` or `store.rs` names everything under `store/`).
#[test]
fn the_readme_code_map_names_every_module_and_only_modules_that_exist() {
    let readme = read(&root().join("README.md"));
    let code_map =
        section(&readme, "## ", "## Code map").expect("README.md has a `## Code map` section");
    let mut problems = Vec::new();
    for member in members() {
        let heading = format!("### `{member}/`");
        let Some(text) = section(&code_map, "### ", &heading) else {
            problems.push(format!("{member}: no `{heading}` section in the code map"));
            continue;
        };
        let crate_dir = root().join(&member);
        let src = crate_dir.join("src");
        let mut named = BTreeSet::new();
        for path in backticked_paths(&text) {
            let relative = path
                .strip_prefix(&format!("{member}/src/"))
                .or_else(|| path.strip_prefix("src/"))
                .unwrap_or(&path);
            if src.join(relative).exists() {
                let relative = relative.strip_suffix("mod.rs").unwrap_or(relative);
                named.insert(relative.to_owned());
            } else if !crate_dir.join(&path).exists() && !root().join(&path).exists() {
                problems.push(format!("{member}: `{path}` is named but does not exist"));
            }
        }
        for module in modules(&src) {
            let covered = ancestors_and_self(&module).any(|name| named.contains(&name));
            if !covered {
                problems.push(format!("{member}: `{module}` is not named"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "README.md's code map and the crates' modules disagree:\n{}",
        problems.join("\n")
    );
}

// ---------------------------------------------------------------- helpers

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The workspace members, from the `members = [...]` line of the root manifest.
fn members() -> Vec<String> {
    let manifest = read(&root().join("Cargo.toml"));
    let line = manifest
        .lines()
        .find(|line| line.trim_start().starts_with("members"))
        .expect("the root Cargo.toml lists its members on one line");
    let members: Vec<String> = line
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(!members.is_empty(), "no members in {line}");
    members
}

/// Every `.rs` file of every member (sources, tests, benches, examples, build scripts).
fn workspace_rust_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for member in members() {
        collect_rust_files(&root().join(member), &mut files);
    }
    files.sort();
    files
}

fn collect_rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() {
            if name != "target" && name != "node_modules" && !name.starts_with('.') {
                collect_rust_files(&path, files);
            }
        } else if name.ends_with(".rs") {
            files.push(path);
        }
    }
}

/// The names in every `[...dependencies...]` table of a manifest, renamed packages included.
fn dependency_names(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_matches(|c| c == '[' || c == ']');
            in_dependencies = header.contains("dependencies");
            // `[dependencies.sqlx]` names its dependency in the header.
            if let Some((_, name)) = header.split_once("dependencies.") {
                names.push(name.to_owned());
            }
            continue;
        }
        if !in_dependencies || line.starts_with('#') {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            let key = key.trim();
            names.push(key.split('.').next().unwrap_or(key).to_owned());
            if key == "package" {
                names.push(value.trim().trim_matches('"').to_owned());
            }
            // `name = { package = "sqlx", ... }`
            if let Some((_, rest)) = value.split_once("package") {
                let package = rest.split('"').nth(1).unwrap_or_default();
                names.push(package.to_owned());
            }
        }
    }
    names
}

/// The text under the line starting with `heading`, up to the next line starting with `level`.
fn section(text: &str, level: &str, heading: &str) -> Option<String> {
    let mut lines = text.lines().skip_while(|line| !line.starts_with(heading));
    lines.next()?;
    let body: Vec<&str> = lines.take_while(|line| !line.starts_with(level)).collect();
    Some(body.join("\n"))
}

/// The backticked spans of `text` that are relative paths: only path characters, ending in
/// `.rs` or `/` (`/panel/` is a URL).
fn backticked_paths(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| {
            (span.ends_with(".rs") || span.ends_with('/'))
                && !span.starts_with('/')
                && span
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
        })
        .map(str::to_owned)
        .collect()
}

/// The module files of a `src/` directory, relative to it: `store/` for `store/mod.rs`,
/// `store/sealed.rs`, `settings.rs`; the crate roots `lib.rs` and `main.rs` left out.
fn modules(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    collect_rust_files(src, &mut files);
    let mut modules: Vec<String> = files
        .iter()
        .map(|file| {
            file.strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|relative| relative != "lib.rs" && relative != "main.rs")
        .map(|relative| match relative.strip_suffix("mod.rs") {
            Some(directory) => directory.to_owned(),
            None => relative,
        })
        .collect();
    modules.sort();
    modules
}

/// `a/b/c.rs` with the names that cover it: itself, then `a/b/`, `a/b.rs`, `a/`, `a.rs`.
fn ancestors_and_self(module: &str) -> impl Iterator<Item = String> {
    let mut names = vec![module.to_owned()];
    let mut rest = module.trim_end_matches('/');
    while let Some((parent, _)) = rest.rsplit_once('/') {
        names.push(format!("{parent}/"));
        names.push(format!("{parent}.rs"));
        rest = parent;
    }
    names.into_iter()
}
