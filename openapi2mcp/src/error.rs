//! Error and warning types of the two boundaries: converting a document and calling a tool.

use std::fmt;

/// Why a document could not be converted at all.
///
/// Problems confined to one operation or one schema are not errors: they become
/// [`ConvertWarning`]s and the rest of the document still converts.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// The bytes are neither JSON nor YAML.
    #[error("document is neither JSON nor YAML: {reason}")]
    Parse { reason: String },
    /// The document parsed but is not an OpenAPI or Swagger document.
    #[error("not an OpenAPI document: {reason}")]
    NotOpenApi { reason: String },
    /// The `openapi` or `swagger` field names a version this crate does not read.
    #[error("unsupported OpenAPI version {version:?}: expected 2.0, 3.0.x, 3.1.x or 3.2.x")]
    UnsupportedVersion { version: String },
    /// A structural part of the document has the wrong shape.
    #[error("invalid document at {pointer}: {reason}")]
    Invalid { pointer: String, reason: String },
}

/// Something the converter worked around; the document still converted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConvertWarning {
    /// JSON pointer into the document (or `file#pointer` for an external file) where the problem is.
    pub pointer: String,
    /// What was wrong and what the converter did about it.
    pub message: String,
}

impl fmt::Display for ConvertWarning {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.pointer, self.message)
    }
}

/// Whose fault a [`CallError`] is, so callers can decide on retries and status codes
/// without matching messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The tool call itself is wrong (unknown tool, bad arguments); retrying the same call fails again.
    Caller,
    /// The call was refused by policy (SSRF guard) or configuration.
    Policy,
    /// The upstream API or the network failed; a retry may help.
    Upstream,
}

/// Why a tool call could not be turned into a request or did not produce a response.
///
/// Messages never contain credentials or full URLs (a query string may carry an API key).
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("unknown tool {0:?}")]
    UnknownTool(String),
    #[error("missing required argument {name:?}")]
    MissingArgument { name: String },
    #[error("invalid argument {name:?}: {reason}")]
    InvalidArgument { name: String, reason: String },
    #[error("invalid base url: {reason}")]
    InvalidBaseUrl { reason: String },
    #[error("refused to connect to {host}: {reason}")]
    Blocked { host: String, reason: String },
    #[error("could not resolve host {host}")]
    Resolve { host: String },
    #[error("too many redirects (limit {limit})")]
    TooManyRedirects { limit: usize },
    #[error("invalid redirect: {reason}")]
    InvalidRedirect { reason: String },
    #[error("request timed out after {seconds:.1} s")]
    Timeout { seconds: f64 },
    #[error("response body exceeds the limit of {limit} bytes")]
    ResponseTooLarge { limit: usize },
    #[error("http request failed: {reason}")]
    Transport { reason: String },
}

impl CallError {
    /// Whose fault the error is.
    pub fn fault(&self) -> Fault {
        match self {
            CallError::UnknownTool(_)
            | CallError::MissingArgument { .. }
            | CallError::InvalidArgument { .. } => Fault::Caller,
            CallError::InvalidBaseUrl { .. } | CallError::Blocked { .. } => Fault::Policy,
            CallError::Resolve { .. }
            | CallError::TooManyRedirects { .. }
            | CallError::InvalidRedirect { .. }
            | CallError::Timeout { .. }
            | CallError::ResponseTooLarge { .. }
            | CallError::Transport { .. } => Fault::Upstream,
        }
    }
}
