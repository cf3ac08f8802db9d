//! The seed's YAML configuration file (`channels`, `modelconfigs`, `options`) recognised beside our document and translated into it.

use serde_json::Value;

use super::seed::Record;
use super::translate;
use crate::edges::declarative::{self, ApplyError, Document};

/// Parses our document; a file in the seed's format instead is translated (what does not
/// carry over is logged). A file that is neither gets our parser's error.
pub fn parse_either(text: &str) -> Result<Document, ApplyError> {
    let ours = declarative::parse(text);
    if ours.is_ok() || !looks_like_seed(text) {
        return ours;
    }
    let (document, warnings) = parse_seed(text)?;
    for warning in &warnings {
        tracing::warn!("seed configuration file: {warning}");
    }
    Ok(document)
}

/// True for a mapping with the seed's top-level keys only, `modelconfigs` or a channel typed
/// the seed's way among them.
fn looks_like_seed(text: &str) -> bool {
    let Ok(Value::Object(top)) = serde_norway::from_str::<Value>(text) else {
        return false;
    };
    let known = top
        .keys()
        .all(|key| matches!(key.as_str(), "channels" | "modelconfigs" | "options"));
    let seed_channel = top
        .get("channels")
        .and_then(Value::as_array)
        .is_some_and(|channels| {
            channels.iter().any(|channel| {
                channel.get("type_name").is_some()
                    || channel.get("type").is_some_and(Value::is_number)
            })
        });
    known && (top.contains_key("modelconfigs") || seed_channel)
}

/// Translates the seed's file into our document, with what did not carry over.
pub fn parse_seed(text: &str) -> Result<(Document, Vec<String>), ApplyError> {
    declarative::check_expansion(text)?;
    let top: Value =
        serde_norway::from_str(text).map_err(|err| ApplyError::Parse(err.to_string()))?;
    let records = |key: &str| -> Vec<Record> {
        top.get(key)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_object().cloned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut warnings = Vec::new();
    let channels = translate::channels(&records("channels"), &mut warnings);
    let models = records("modelconfigs")
        .iter()
        .filter_map(|record| translate::model(record, &mut warnings))
        .collect();
    let options: Vec<Record> = top
        .get("options")
        .and_then(Value::as_object)
        .map(|options| {
            options
                .iter()
                .map(|(key, value)| {
                    let value = match value {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    let mut record = Record::new();
                    record.insert("key".to_owned(), Value::String(key.clone()));
                    record.insert("value".to_owned(), Value::String(value));
                    record
                })
                .collect()
        })
        .unwrap_or_default();
    let options = translate::options(&options, &mut warnings);
    Ok((
        Document {
            channels,
            models,
            options,
            ..Document::default()
        },
        warnings,
    ))
}
