//! What a request's `metadata` object (OpenAI chat and Responses, Anthropic Messages) leaves in its
//! usage record: a bounded JSON object with credential-like entries redacted, and Anthropic's
//! `metadata.user_id` as the record's user.

use serde_json::{Map, Value};

/// Entries kept at most (OpenAI's own limit on `metadata`).
const MAX_ENTRIES: usize = 16;
/// Characters kept of a key (OpenAI's limit) and of a string value (OpenAI's limit).
const MAX_KEY_CHARS: usize = 64;
const MAX_VALUE_CHARS: usize = 512;
/// Bytes of the stored JSON at most: entries that would pass it are left out.
const MAX_JSON_BYTES: usize = 4096;
/// Characters kept of a user id, as for the `user` field.
const MAX_USER_CHARS: usize = 256;
/// Stands for a value that looked like a credential.
const REDACTED: &str = "[redacted]";
/// Key fragments (lowercase) that name a credential: such values are never stored.
const SECRET_KEY_PARTS: [&str; 9] = [
    "key",
    "secret",
    "token",
    "password",
    "passwd",
    "authorization",
    "cookie",
    "credential",
    "signature",
];

/// What the usage record keeps of a request's `metadata`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct RecordedMetadata {
    /// The kept entries as compact JSON, `None` when nothing was kept.
    pub json: Option<String>,
    /// Anthropic's `metadata.user_id` (the end user), when asked for and present.
    pub user: Option<String>,
}

/// Reads `metadata`: scalar entries in key order, keys and strings cut to OpenAI's
/// limits, values of credential-like keys (`api_key`, `session_token`, ...) or that look like
/// keys (`sk-...`, `Bearer ...`) replaced by `[redacted]`, nested values left out, at most
/// [`MAX_ENTRIES`] entries and [`MAX_JSON_BYTES`] bytes. With `user_id_is_user` (Anthropic
/// Messages) a string `user_id` becomes the user instead of an entry.
pub(crate) fn record(metadata: &Map<String, Value>, user_id_is_user: bool) -> RecordedMetadata {
    let mut recorded = RecordedMetadata::default();
    let mut kept = Map::new();
    let mut size = 2;
    for (key, value) in metadata {
        if user_id_is_user
            && key == "user_id"
            && let Value::String(user) = value
        {
            recorded.user = Some(user.chars().take(MAX_USER_CHARS).collect());
            continue;
        }
        if kept.len() == MAX_ENTRIES {
            break;
        }
        let key: String = key.chars().take(MAX_KEY_CHARS).collect();
        let value = match value {
            _ if names_secret(&key) => Value::String(REDACTED.to_owned()),
            Value::String(text) if looks_like_credential(text) => {
                Value::String(REDACTED.to_owned())
            }
            Value::String(text) => Value::String(text.chars().take(MAX_VALUE_CHARS).collect()),
            Value::Number(_) | Value::Bool(_) => value.clone(),
            Value::Null | Value::Array(_) | Value::Object(_) => continue,
        };
        // Key and value as JSON, plus the colon and a comma.
        let entry_size = Value::String(key.clone()).to_string().len() + value.to_string().len() + 2;
        if size + entry_size > MAX_JSON_BYTES {
            continue;
        }
        size += entry_size;
        kept.insert(key, value);
    }
    if !kept.is_empty() {
        recorded.json = Some(Value::Object(kept).to_string());
    }
    recorded
}

fn names_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEY_PARTS.iter().any(|part| key.contains(part))
}

fn looks_like_credential(value: &str) -> bool {
    let value = value.trim_start();
    value.starts_with("sk-")
        || value
            .get(..7)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("bearer "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(metadata: Value, user_id_is_user: bool, json: Option<Value>, user: Option<&str>) {
        let Value::Object(metadata) = metadata else {
            unreachable!("cases are objects")
        };
        let recorded = record(&metadata, user_id_is_user);
        let stored = recorded
            .json
            .as_deref()
            .map(|text| serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(stored, json);
        assert_eq!(recorded.user.as_deref(), user);
    }

    #[test]
    fn keeps_scalars_and_redacts_credentials() {
        check(
            json!({"customer": "acme", "attempt": 2, "beta": true, "nested": {"a": 1},
                   "api_key": "abc", "Session_Token": "xyz", "note": "sk-live-123",
                   "auth": "Bearer abc"}),
            false,
            Some(json!({"customer": "acme", "attempt": 2, "beta": true,
                        "api_key": "[redacted]", "Session_Token": "[redacted]",
                        "note": "[redacted]", "auth": "[redacted]"})),
            None,
        );
        check(json!({"nested": [1]}), false, None, None);
    }

    #[test]
    fn anthropic_user_id_becomes_the_user() {
        check(
            json!({"user_id": "u-42", "team": "red"}),
            true,
            Some(json!({"team": "red"})),
            Some("u-42"),
        );
        check(json!({"user_id": "u-42"}), true, None, Some("u-42"));
        check(
            json!({"user_id": "u-42"}),
            false,
            Some(json!({"user_id": "u-42"})),
            None,
        );
    }

    #[test]
    fn stays_within_its_bounds() {
        let many: Map<String, Value> = (0..40)
            .map(|index| {
                (
                    format!("k{index:02}{}", "x".repeat(100)),
                    json!("v".repeat(2000)),
                )
            })
            .collect();
        let recorded = record(&many, false);
        let stored: Map<String, Value> =
            serde_json::from_str(recorded.json.as_deref().unwrap()).unwrap();
        assert!(recorded.json.unwrap().len() <= MAX_JSON_BYTES);
        assert!(!stored.is_empty() && stored.len() <= MAX_ENTRIES);
        for (key, value) in &stored {
            assert_eq!(key.chars().count(), MAX_KEY_CHARS);
            assert_eq!(value.as_str().unwrap().chars().count(), MAX_VALUE_CHARS);
        }
    }
}
