//! Masking of stored secrets (channel keys, MCP headers and params, OpenAPI credentials) for
//! every read API, and recognising a masked value sent back so it keeps the stored secret.

use std::collections::BTreeMap;

/// Secrets shorter than this show nothing of themselves: 4 + 4 visible characters of a short
/// secret would reveal most of it.
const MIN_PARTIAL_LEN: usize = 12;
const HIDDEN: &str = "****";

/// `sk-a…f00d`: the first and last 4 characters of long secrets, `****` for short ones, empty
/// for empty.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    if chars.len() < MIN_PARTIAL_LEN {
        return HIDDEN.to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// The value to store when a client sends `incoming` for a secret currently `stored`: a value
/// equal to the mask of the stored secret means "unchanged" (a read-modify-write round trip).
pub fn keep_if_masked(incoming: &str, stored: &str) -> String {
    if !stored.is_empty() && incoming == mask(stored) {
        stored.to_owned()
    } else {
        incoming.to_owned()
    }
}

pub fn mask_map(map: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    map.iter()
        .map(|(key, value)| (key.clone(), mask(value)))
        .collect()
}

/// Entry by entry [`keep_if_masked`].
pub fn unmask_map(
    incoming: &BTreeMap<String, String>,
    stored: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    incoming
        .iter()
        .map(|(key, value)| {
            let value = match stored.get(key) {
                Some(old) => keep_if_masked(value, old),
                None => value.clone(),
            };
            (key.clone(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_recognises_masks() {
        let cases = [
            ("", ""),
            ("short", "****"),
            ("sk-upstream", "****"),
            ("sk-abcdefghf00d", "sk-a…f00d"),
        ];
        for (secret, masked) in cases {
            assert_eq!(mask(secret), masked, "{secret}");
        }
        assert_eq!(
            keep_if_masked("sk-a…f00d", "sk-abcdefghf00d"),
            "sk-abcdefghf00d"
        );
        assert_eq!(keep_if_masked("sk-new", "sk-abcdefghf00d"), "sk-new");
        assert_eq!(keep_if_masked("****", ""), "****");
    }
}
