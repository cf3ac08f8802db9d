//! Channel types as the seed numbers them (`core/model/chtype.go`), mapped onto our named registry, and `type_metas`.

use std::collections::BTreeMap;

use relay::provider::ChannelKind;
use relay::provider::seed_types::SEED_TYPES;
use serde::Serialize;

/// Types the seed does not have are numbered from here, in registry order.
const OWN_TYPES_FROM: i64 = 1000;

/// The number a type is shown with: the seed's (its first, for Azure's two) or ours.
pub fn number_of(name: &str) -> i64 {
    let Some(kind) = ChannelKind::parse(name) else {
        return 0;
    };
    SEED_TYPES
        .iter()
        .find(|(_, seed)| ChannelKind::parse(seed).is_some_and(|k| k.as_str() == kind.as_str()))
        .map(|(number, _)| *number)
        .or_else(|| {
            ChannelKind::all()
                .position(|k| k.as_str() == kind.as_str())
                .and_then(|index| i64::try_from(index).ok())
                .map(|index| OWN_TYPES_FROM + index)
        })
        .unwrap_or(0)
}

/// The type a number (or a name, which integrations written for us send) stands for.
pub fn name_of(value: &serde_json::Value) -> Option<&'static str> {
    match value {
        serde_json::Value::Number(number) => {
            let number = number.as_i64()?;
            SEED_TYPES
                .iter()
                .find(|(seed, _)| *seed == number)
                .and_then(|(_, name)| ChannelKind::parse(name))
                .or_else(|| {
                    let index = usize::try_from(number.checked_sub(OWN_TYPES_FROM)?).ok()?;
                    ChannelKind::all().nth(index)
                })
                .map(ChannelKind::as_str)
        }
        serde_json::Value::String(text) => match text.parse::<i64>() {
            Ok(number) => name_of(&serde_json::Value::from(number)),
            Err(_) => ChannelKind::parse(text).map(ChannelKind::as_str),
        },
        _ => None,
    }
}

/// One entry of `type_metas`, the seed's field names plus ours.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TypeMeta {
    name: &'static str,
    #[serde(rename = "keyHelp")]
    key_help: &'static str,
    #[serde(rename = "defaultBaseUrl")]
    default_base_url: &'static str,
    readme: &'static str,
    display_name: &'static str,
    /// The `configs` keys the type reads.
    config_keys: Vec<&'static str>,
}

/// Every registered type keyed by its number as a string, as the seed's map marshals.
pub fn type_metas() -> BTreeMap<String, TypeMeta> {
    ChannelKind::all()
        .map(|kind| {
            let registration = kind.registration();
            (
                number_of(kind.as_str()).to_string(),
                TypeMeta {
                    name: registration.name,
                    key_help: registration.key_help,
                    default_base_url: registration.default_base_url.unwrap_or_default(),
                    readme: "",
                    display_name: registration.display_name,
                    config_keys: registration
                        .config_keys
                        .iter()
                        .map(|key| key.name)
                        .collect(),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_numbers_round_trip() {
        for (number, name) in [
            (1, "openai"),
            (14, "anthropic"),
            (24, "gemini"),
            (36, "deepseek"),
        ] {
            assert_eq!(name_of(&serde_json::json!(number)), Some(name), "{number}");
            assert_eq!(number_of(name), number, "{name}");
        }
        assert_eq!(name_of(&serde_json::json!("anthropic")), Some("anthropic"));
        assert_eq!(name_of(&serde_json::json!("14")), Some("anthropic"));
        assert_eq!(name_of(&serde_json::json!(2)), None);
    }

    #[test]
    fn every_type_has_a_distinct_number() {
        let metas = type_metas();
        assert_eq!(metas.len(), ChannelKind::all().count());
        for (number, meta) in &metas {
            assert_eq!(
                name_of(&serde_json::Value::String(number.clone())),
                Some(meta.name)
            );
        }
    }
}
