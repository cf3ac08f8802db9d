//! Servers built into the hub: the registry of templates (what the admin UI lists, how each starts) and the helpers templates share.
//!
//! A new template is one file beside this one, with its [`TemplateInfo`] and a [`Start`]
//! function, plus one line in [`REGISTRY`]. Everything else (the catalogue the host shows,
//! instantiation by name, the registry's checks) iterates the registry.

mod amap;
mod baidu_map;
mod catalogue;
mod everything;
mod fetch;
mod firecrawl;
mod flomo;
mod gpt_vis;
mod hefeng_weather;
mod howtocook;
mod jina_reader;
mod notion;
mod screenshotone;
mod tavily;
mod time;
mod vendor_http;
mod vendor_rest;
mod vendor_tools;
mod web_search;

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use rmcp::model::{JsonObject, Tool};

use crate::tool_server::ToolServer;

pub use catalogue::Catalogue;

/// One embedded server template as the admin UI lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateInfo {
    pub name: &'static str,
    pub description: &'static str,
    pub params: &'static [TemplateParam],
    /// Display names, tags, readme, logo and homepage for the catalogue.
    pub catalogue: Catalogue,
}

/// A parameter of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateParam {
    pub name: &'static str,
    pub description: &'static str,
    pub set_by: ParamOwner,
    pub required: bool,
}

/// Who sets a template parameter: the gateway's admin once, or each group for itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamOwner {
    Admin,
    Group,
}

/// Why a template could not be instantiated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown template {0}")]
    Unknown(String),
    #[error("required parameter {0} is missing")]
    MissingParam(&'static str),
    #[error("parameter {name} is invalid: {reason}")]
    InvalidParam { name: &'static str, reason: String },
}

/// Starts a template's server from its parameters (admin-set and per-group, already merged).
pub(crate) type Start = fn(&BTreeMap<String, String>) -> Result<Arc<dyn ToolServer>, TemplateError>;

/// Every embedded template, in the order the catalogue lists them. The name a
/// `ServerKind::Embedded` definition gives is [`TemplateInfo::name`].
pub(crate) const REGISTRY: &[(TemplateInfo, Start)] = &[
    (time::INFO, time::start),
    (fetch::INFO, fetch::start),
    (everything::INFO, everything::start),
    (amap::INFO, amap::start),
    (baidu_map::INFO, baidu_map::start),
    (hefeng_weather::INFO, hefeng_weather::start),
    (screenshotone::INFO, screenshotone::start),
    (gpt_vis::INFO, gpt_vis::start),
    (howtocook::INFO, howtocook::start),
    (web_search::INFO, web_search::start),
    (tavily::INFO, tavily::start),
    (firecrawl::INFO, firecrawl::start),
    (jina_reader::INFO, jina_reader::start),
    (notion::INFO, notion::start),
    (flomo::INFO, flomo::start),
];

/// Every embedded template: what `ServerKind::Embedded { template, .. }` may name.
pub fn embedded_templates() -> &'static [TemplateInfo] {
    static CATALOGUE: LazyLock<Vec<TemplateInfo>> =
        LazyLock::new(|| REGISTRY.iter().map(|(info, _)| *info).collect());
    &CATALOGUE
}

pub(crate) fn instantiate(
    template: &str,
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let (_, start) = REGISTRY
        .iter()
        .find(|(info, _)| info.name == template)
        .ok_or_else(|| TemplateError::Unknown(template.to_owned()))?;
    start(params)
}

/// A tool definition from a name, a description and a JSON Schema written as a `json!` literal.
pub(crate) fn tool(
    name: &'static str,
    description: &'static str,
    schema: serde_json::Value,
) -> Tool {
    let schema: JsonObject = match schema {
        serde_json::Value::Object(object) => object,
        _ => JsonObject::new(),
    };
    Tool::new(name, description, Arc::new(schema))
}

/// A string argument, `None` when absent or not a string.
pub(crate) fn string_arg<'a>(arguments: &'a Option<JsonObject>, name: &str) -> Option<&'a str> {
    arguments
        .as_ref()
        .and_then(|arguments| arguments.get(name))
        .and_then(|value| value.as_str())
}

fn bool_param(
    params: &BTreeMap<String, String>,
    name: &'static str,
) -> Result<bool, TemplateError> {
    match params.get(name).map(|value| value.trim()) {
        None | Some("") => Ok(false),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(other) => Err(TemplateError::InvalidParam {
            name,
            reason: format!("expected true or false, got {other}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// A template name is what an admin types and a URL-safe id: lowercase ASCII, digits, `_`, `-`.
    fn is_plain_name(name: &str) -> bool {
        !name.is_empty()
            && name.chars().all(|character| {
                character.is_ascii_lowercase()
                    || character.is_ascii_digit()
                    || character == '_'
                    || character == '-'
            })
    }

    #[test]
    fn every_registered_template_is_well_formed() {
        let mut names = BTreeSet::new();
        for (info, _) in REGISTRY {
            assert!(
                names.insert(info.name),
                "template {} is registered twice",
                info.name
            );
            assert!(is_plain_name(info.name), "template name {:?}", info.name);
            assert!(
                !info.description.trim().is_empty(),
                "template {} has no description",
                info.name
            );
            let mut params = BTreeSet::new();
            for param in info.params {
                assert!(
                    params.insert(param.name),
                    "template {}: parameter {} twice",
                    info.name,
                    param.name
                );
                assert!(
                    is_plain_name(param.name),
                    "template {}: parameter name {:?}",
                    info.name,
                    param.name
                );
                assert!(
                    !param.description.trim().is_empty(),
                    "template {}: parameter {} has no description",
                    info.name,
                    param.name
                );
            }
        }
    }

    /// What the panel shows of an offered template is there in both languages, with a readme
    /// and a homepage; logos are https or `data:` (the panel puts them in an `<img>`).
    #[test]
    fn every_offered_template_has_a_full_catalogue_entry() {
        for (info, _) in REGISTRY {
            let catalogue = &info.catalogue;
            let logo_ok = catalogue.logo.is_empty()
                || catalogue.logo.starts_with("https://")
                || catalogue.logo.starts_with("data:image/");
            assert!(logo_ok, "template {}: logo {:?}", info.name, catalogue.logo);
            if catalogue.fixture {
                continue;
            }
            let missing: Vec<&str> = [
                ("display_name", catalogue.display_name),
                ("display_name_zh", catalogue.display_name_zh),
                ("description_zh", catalogue.description_zh),
                ("readme", catalogue.readme),
                ("homepage", catalogue.homepage),
            ]
            .into_iter()
            .filter(|(_, value)| value.trim().is_empty())
            .map(|(field, _)| field)
            .collect();
            assert!(missing.is_empty(), "template {}: no {missing:?}", info.name);
            assert!(
                !catalogue.tags.is_empty(),
                "template {}: no tags",
                info.name
            );
            assert!(
                catalogue.homepage.starts_with("https://"),
                "template {}: homepage {:?}",
                info.name,
                catalogue.homepage
            );
        }
    }

    #[test]
    fn the_catalogue_is_the_registry_and_each_template_starts_by_its_name() {
        let catalogue: Vec<&str> = embedded_templates().iter().map(|info| info.name).collect();
        let registered: Vec<&str> = REGISTRY.iter().map(|(info, _)| info.name).collect();
        assert_eq!(catalogue, registered);
        for (info, _) in REGISTRY {
            // Without parameters a template starts, or names the required parameter it lacks.
            match instantiate(info.name, &BTreeMap::new()) {
                Ok(_) => {}
                Err(TemplateError::MissingParam(name)) => assert!(
                    info.params
                        .iter()
                        .any(|param| param.name == name && param.required),
                    "template {}: missing {name}, which it does not declare as required",
                    info.name
                ),
                Err(error) => panic!("template {} does not start: {error}", info.name),
            }
        }
        assert_eq!(
            instantiate("no-such-template", &BTreeMap::new()).err(),
            Some(TemplateError::Unknown("no-such-template".to_owned()))
        );
    }
}
