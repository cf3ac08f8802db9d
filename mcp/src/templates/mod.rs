//! Servers built into the hub, instantiated from a template name and parameters; the catalogue the admin UI shows.

mod everything;
mod fetch;
mod time;

use std::collections::BTreeMap;
use std::sync::Arc;

use rmcp::model::{JsonObject, Tool};

use crate::backend::ToolBackend;

/// One embedded server template as the admin UI lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateInfo {
    pub name: &'static str,
    pub description: &'static str,
    pub params: &'static [TemplateParam],
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

/// Every embedded template: what `ServerKind::Embedded { template, .. }` may name.
pub fn embedded_templates() -> &'static [TemplateInfo] {
    &TEMPLATES
}

static TEMPLATES: [TemplateInfo; 3] = [time::INFO, fetch::INFO, everything::INFO];

pub(crate) fn instantiate(
    template: &str,
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolBackend>, TemplateError> {
    match template {
        "time" => Ok(Arc::new(time::TimeServer::new(params)?)),
        "fetch" => Ok(Arc::new(fetch::FetchServer::new(params)?)),
        "everything" => Ok(Arc::new(everything::EverythingServer)),
        other => Err(TemplateError::Unknown(other.to_owned())),
    }
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
