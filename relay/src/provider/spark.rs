//! iFlytek Spark's domains: the catalogue's model names (`SparkDesk-Max`) as the `model` its OpenAI-compatible API reads (`generalv3.5`).
//!
//! Spark's HTTP API names a model by its domain. Operators and clients use the catalogue
//! names (the seed's model list: `SparkDesk-Lite`, `SparkDesk-Pro-128K`, ...) or the older
//! version names (`SparkDesk-v3.5`); a name this table does not know is sent as it is, so a
//! domain written directly (`4.0Ultra`) keeps working.

use crate::json::JsonObject;

/// The part of a model name after its first `-`, lowercased, and the domain it stands for.
const DOMAINS: [(&str, &str); 10] = [
    ("lite", "lite"),
    ("pro", "generalv3"),
    ("pro-128k", "pro-128k"),
    ("max", "generalv3.5"),
    ("max-32k", "max-32k"),
    ("4.0-ultra", "4.0Ultra"),
    // Older version names of the same models.
    ("v1.5", "lite"),
    ("v3.1", "generalv3"),
    ("v3.5", "generalv3.5"),
    ("v4.0", "4.0Ultra"),
];

/// The domain of `model`, or `model` itself when it names none.
pub fn domain(model: &str) -> &str {
    let Some((_, variant)) = model.split_once('-') else {
        return model;
    };
    DOMAINS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(variant))
        .map_or(model, |(_, domain)| domain)
}

/// Replaces a chat body's `model` by its domain.
pub fn send_domain(body: &mut JsonObject) {
    let Ok(Some(model)) = body.get_as::<String>("model") else {
        return;
    };
    let domain = domain(&model);
    if domain != model {
        // Serializing a string cannot fail.
        let _ = body.set("model", domain);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_and_version_names_become_domains_and_others_pass() {
        for (model, expected) in [
            ("SparkDesk-Lite", "lite"),
            ("SparkDesk-Pro", "generalv3"),
            ("SparkDesk-Pro-128K", "pro-128k"),
            ("SparkDesk-Max", "generalv3.5"),
            ("SparkDesk-Max-32k", "max-32k"),
            ("SparkDesk-4.0-Ultra", "4.0Ultra"),
            ("SparkDesk-v3.5", "generalv3.5"),
            ("generalv3.5", "generalv3.5"),
            ("4.0Ultra", "4.0Ultra"),
            ("SparkDesk-Unknown", "SparkDesk-Unknown"),
        ] {
            assert_eq!(domain(model), expected, "{model}");
        }
    }

    #[test]
    fn a_chat_body_carries_the_domain() {
        let mut body = JsonObject::from_value(&serde_json::json!({
            "model": "SparkDesk-Max", "messages": []
        }))
        .unwrap();
        send_domain(&mut body);
        assert_eq!(
            body.get_as::<String>("model").unwrap().as_deref(),
            Some("generalv3.5")
        );
    }
}
