//! The README's table of channel types has one row per registered type and no row for a type nobody registered.

use std::collections::BTreeSet;
use std::path::Path;

use relay::host::ChannelKind;

/// The type names of the first cells of the table under `### Channel types`.
fn readme_types() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("README.md is readable");
    let section = readme
        .split("\n### Channel types\n")
        .nth(1)
        .expect("README.md has a `### Channel types` section");
    let section = section.split("\n#").next().unwrap_or(section);
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`'))
        .map(|(name, _)| name.to_owned())
        .collect()
}

#[test]
fn the_readme_lists_every_registered_channel_type_once() {
    let listed = readme_types();
    let unique: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    assert_eq!(
        unique.len(),
        listed.len(),
        "a type has two rows: {listed:?}"
    );
    let registered: BTreeSet<&str> = ChannelKind::all().map(ChannelKind::as_str).collect();
    let missing: Vec<&&str> = registered.difference(&unique).collect();
    assert!(
        missing.is_empty(),
        "README.md's channel type table lacks {missing:?}"
    );
    // Config-key rows (`| `responses_api` | ...`) share the section: only the type table
    // counts, so every remaining name must be a config key, never an unknown type.
    let config_keys: BTreeSet<&str> = ChannelKind::all()
        .flat_map(|kind| kind.registration().config_keys.iter().map(|key| key.name))
        .collect();
    for name in unique.difference(&registered) {
        assert!(
            config_keys.contains(name),
            "README.md lists `{name}`, which is neither a registered type nor a config key"
        );
    }
}
