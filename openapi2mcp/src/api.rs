//! The public model: conversion options, the converted [`Api`], tool definitions and outcomes, servers and security schemes.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::budget::ToolBudget;
use crate::error::ConvertWarning;

/// How to convert a document.
#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    /// Which operations become tools.
    pub filter: OperationFilter,
    /// Three generic tools (`search_operations`, `describe_operation`, `call_operation`)
    /// instead of one tool per operation; for documents too large to list to a model.
    pub compact: bool,
    /// Above this many bytes of tool definitions (JSON), the compact tools are served
    /// instead of one tool per operation, as if `compact` were set. `None`: never.
    pub compact_above_bytes: Option<usize>,
    /// How large one tool may be; see [`ToolBudget`].
    pub budget: ToolBudget,
    /// Files that external `$ref`s may name, by path relative to the root document's
    /// directory (`Pet.json`, `../common/Error.json`). Nothing else is ever read or fetched.
    pub external_files: HashMap<String, Vec<u8>>,
}

/// Include and exclude rules for operations.
///
/// An operation is kept when no include rule is set or at least one include rule matches,
/// and no exclude rule matches. Path patterns are globs on the path template:
/// `*` matches within one segment, `**` across segments, `?` one character.
#[derive(Debug, Clone, Default)]
pub struct OperationFilter {
    pub include_tags: Vec<String>,
    pub exclude_tags: Vec<String>,
    /// Matched against the document's `operationId` and against the tool name.
    pub include_operation_ids: Vec<String>,
    pub exclude_operation_ids: Vec<String>,
    pub include_paths: Vec<String>,
    pub exclude_paths: Vec<String>,
}

/// One MCP tool, transport-neutral: the `mcp` crate turns it into its SDK's type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolDefinition {
    /// Unique within the [`Api`], `[A-Za-z0-9_.-]{1,64}`.
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// JSON Schema 2020-12 of the arguments; always `"type": "object"`.
    pub input_schema: Map<String, Value>,
    /// JSON Schema of the structured result, when the success response is a JSON object.
    pub output_schema: Option<Map<String, Value>>,
    pub annotations: ToolAnnotations,
}

/// MCP tool annotations derived from the HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ToolAnnotations {
    /// GET, HEAD, OPTIONS (and TRACE).
    pub read_only: bool,
    /// DELETE.
    pub destructive: bool,
    /// GET, HEAD, OPTIONS, TRACE, PUT, DELETE.
    pub idempotent: bool,
    /// Always true: the tool talks to an outside API.
    pub open_world: bool,
}

/// A server named by the document, variables replaced by their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerCandidate {
    /// Absolute (`https://api.example.com/v1`) or relative to the document's own URL (`/api/v3`).
    pub url: String,
    pub description: Option<String>,
}

impl ServerCandidate {
    /// The server as an absolute URL: relative ones are resolved against the URL the
    /// document was fetched from, when known.
    pub fn resolve(&self, document_url: Option<&url::Url>) -> Option<url::Url> {
        match url::Url::parse(&self.url) {
            Ok(url) => Some(url),
            Err(url::ParseError::RelativeUrlWithoutBase) => document_url?.join(&self.url).ok(),
            Err(_) => None,
        }
    }
}

/// A security scheme declared by the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityScheme {
    /// The key under `components.securitySchemes` (or `securityDefinitions`); credentials
    /// in [`crate::Credentials`] are keyed by it.
    pub name: String,
    pub kind: SecuritySchemeKind,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SecuritySchemeKind {
    ApiKey {
        parameter: String,
        location: ApiKeyLocation,
    },
    HttpBearer,
    HttpBasic,
    /// Takes an access token ([`crate::Credential::Bearer`]).
    #[serde(rename = "oauth2")]
    OAuth2,
    /// Takes an access token ([`crate::Credential::Bearer`]).
    #[serde(rename = "openid_connect")]
    OpenIdConnect,
    /// Client certificates are configured on the transport, not per call; never applied here.
    MutualTls,
    /// A scheme this crate cannot apply (for example `http` `digest`).
    Unsupported {
        scheme: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

/// An operation of the document that became a tool (directly, or behind the compact tools).
#[derive(Debug, Clone)]
pub struct Operation {
    /// The tool name.
    pub name: String,
    /// Upper-case HTTP method.
    pub method: reqwest::Method,
    /// Path template as written in the document (`/pets/{petId}`).
    pub path: String,
    pub operation_id: Option<String>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    /// Servers declared on the operation or its path item; empty means the document's.
    pub servers: Vec<ServerCandidate>,
    pub(crate) plan: crate::plan::RequestPlan,
}

/// A converted document: its tools, and everything needed to build their requests.
///
/// Conversion happens once, in [`Api::from_document`]; the value is immutable and cheap to
/// share (`Arc<Api>`).
#[derive(Debug)]
pub struct Api {
    pub(crate) operations: Vec<Operation>,
    pub(crate) operation_tools: Vec<ToolDefinition>,
    pub(crate) by_name: HashMap<String, usize>,
    pub(crate) compact_tools: Option<Vec<ToolDefinition>>,
    pub(crate) warnings: Vec<ConvertWarning>,
    pub(crate) servers: Vec<ServerCandidate>,
    pub(crate) security_schemes: Vec<SecurityScheme>,
    pub(crate) title: Option<String>,
}

impl Api {
    /// The tools to list: one per operation, or the three compact tools.
    pub fn tools(&self) -> &[ToolDefinition] {
        self.compact_tools
            .as_deref()
            .unwrap_or(&self.operation_tools)
    }

    /// Every converted operation, in tool order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation behind a tool name (not the compact tools).
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.by_name
            .get(name)
            .and_then(|index| self.operations.get(*index))
    }

    /// The per-operation tool definition, also in compact mode (what `describe_operation` shows).
    pub fn operation_tool(&self, name: &str) -> Option<&ToolDefinition> {
        self.by_name
            .get(name)
            .and_then(|index| self.operation_tools.get(*index))
    }

    pub fn is_compact(&self) -> bool {
        self.compact_tools.is_some()
    }

    /// What the converter worked around (broken refs, skipped operations, renamed tools).
    pub fn warnings(&self) -> &[ConvertWarning] {
        &self.warnings
    }

    /// The document's servers, variables resolved to their defaults, in document order.
    pub fn servers(&self) -> &[ServerCandidate] {
        &self.servers
    }

    pub fn security_schemes(&self) -> &[SecurityScheme] {
        &self.security_schemes
    }

    /// `info.title` of the document.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
}

/// The result of a tool call in MCP terms.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutcome {
    /// The API answered with a non-2xx status.
    pub is_error: bool,
    /// Text content: the JSON or text body, or `HTTP <status>: <trimmed body>` on errors.
    pub text: String,
    /// The parsed body when it is a JSON object (MCP structured content must be an object).
    pub structured: Option<Value>,
    /// HTTP status; `None` for compact-mode tools answered locally.
    pub status: Option<u16>,
}
