//! The relay's one edge error: every way a request can fail, whose fault it is, whether another
//! channel may help, and (in one place) the response the client sees, shaped for the protocol
//! the client speaks (OpenAI, Anthropic or Gemini).

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tenancy::{AuthError, RefusalKind};

use crate::vocabulary::{Face, Refusal};

/// Whose fault a failure is: decides retries, channel health and what the client is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The request itself is wrong; no channel can do better.
    Client,
    /// The channel failed; another channel may succeed.
    Upstream,
    /// The relay or its configuration failed.
    Internal,
}

/// An OpenAI-shaped error body as an upstream sent it, already scrubbed of secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    pub message: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub param: Option<String>,
    pub code: Option<String>,
}

/// Every way a relayed request ends in an error.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RelayError {
    #[error("{0}")]
    Auth(AuthError),
    #[error("the api key may not use model {0}")]
    ModelNotAllowed(String),
    #[error("the model {0} does not exist or you do not have access to it")]
    ModelNotFound(String),
    #[error("unknown endpoint {0}")]
    UnknownRoute(String),
    /// An OpenAI API path the gateway does not relay (files, fine-tuning, assistants, ...).
    #[error("{0} is not implemented by this gateway")]
    NotImplemented(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    #[error("request body is larger than the limit of {limit} bytes")]
    BodyTooLarge { limit: usize },
    #[error("{message}")]
    BadRequest {
        message: String,
        param: Option<&'static str>,
    },
    #[error("no channel is available for model {0}, try again later")]
    NoAvailableChannel(String),
    #[error("the upstream is rate limited, try again later")]
    RateLimited { retry_after: Option<Duration> },
    /// A 4xx that is the client's fault, passed on with the upstream's own (scrubbed) body.
    #[error("upstream rejected the request with status {status}")]
    UpstreamRejected {
        status: u16,
        body: Option<ErrorBody>,
    },
    #[error("the upstream failed to process the request")]
    UpstreamFailed,
    #[error("cannot reach the upstream")]
    UpstreamUnreachable,
    #[error("the upstream did not answer in time")]
    UpstreamTimeout,
    #[error("the upstream sent an invalid response")]
    UpstreamInvalid,
    /// The upstream refused the channel's own account (a bad or revoked key, no quota or
    /// balance left): our fault, not the client's.
    #[error("the upstream refused the channel's credentials or account")]
    UpstreamCredentials { status: u16 },
    /// The channel cannot serve this request (a kind or endpoint not supported yet).
    #[error("{0}")]
    Unsupported(String),
    /// The channel's configuration is unusable (no base url, bad key or proxy).
    #[error("{0}")]
    Misconfigured(String),
    /// The host's governor refused the request (a limit, quota, balance or blocked address).
    #[error("{}", .0.message)]
    Refused(Refusal),
    #[error("internal error")]
    Internal,
}

/// Longest error message a client or a log row is given. Messages can quote what a client
/// sent (a model name, a field a parser choked on); the quote is cut so an error is never an
/// amplifier of a client's own bytes.
pub const MAX_ERROR_MESSAGE_BYTES: usize = 1024;

/// `text` cut to at most `max` bytes on a character boundary, marked with an ellipsis when cut.
pub fn truncated(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    format!(
        "{}…",
        prefix_within(text, max.saturating_sub('…'.len_utf8()))
    )
}

/// The longest start of `text` that is at most `max_bytes` long and ends on a character
/// boundary: how every bound on client- or upstream-chosen text cuts it.
pub fn prefix_within(text: &str, max_bytes: usize) -> &str {
    let mut end = text.len().min(max_bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl RelayError {
    /// The client-facing message, bounded by [`MAX_ERROR_MESSAGE_BYTES`].
    pub fn message(&self) -> String {
        truncated(&self.to_string(), MAX_ERROR_MESSAGE_BYTES)
    }

    /// Whose fault the failure is.
    pub fn fault(&self) -> Fault {
        match self {
            RelayError::Auth(_)
            | RelayError::ModelNotAllowed(_)
            | RelayError::ModelNotFound(_)
            | RelayError::UnknownRoute(_)
            | RelayError::NotImplemented(_)
            | RelayError::MethodNotAllowed
            | RelayError::BodyTooLarge { .. }
            | RelayError::BodyTimeout
            | RelayError::BadRequest { .. }
            | RelayError::UpstreamRejected { .. } => Fault::Client,
            RelayError::Refused(refusal) if refusal.kind == RefusalKind::Unavailable => {
                Fault::Internal
            }
            RelayError::Refused(_) => Fault::Client,
            RelayError::RateLimited { .. }
            | RelayError::UpstreamFailed
            | RelayError::UpstreamUnreachable
            | RelayError::UpstreamTimeout
            | RelayError::UpstreamInvalid
            | RelayError::UpstreamCredentials { .. } => Fault::Upstream,
            RelayError::NoAvailableChannel(_)
            | RelayError::Unsupported(_)
            | RelayError::Misconfigured(_)
            | RelayError::Internal => Fault::Internal,
        }
    }

    /// Whether trying the request on another channel may help.
    pub fn retryable(&self) -> bool {
        match self {
            RelayError::RateLimited { .. }
            | RelayError::UpstreamFailed
            | RelayError::UpstreamUnreachable
            | RelayError::UpstreamTimeout
            | RelayError::UpstreamInvalid
            // The channel's key was refused: another channel's key may not be.
            | RelayError::UpstreamCredentials { .. }
            // A channel that cannot serve this request: another channel may.
            | RelayError::Unsupported(_)
            | RelayError::Misconfigured(_) => true,
            _ => false,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            RelayError::Auth(AuthError::AddressNotAllowed) => StatusCode::FORBIDDEN,
            RelayError::Auth(AuthError::Maintenance) => StatusCode::SERVICE_UNAVAILABLE,
            RelayError::Auth(_) => StatusCode::UNAUTHORIZED,
            RelayError::ModelNotAllowed(_) => StatusCode::FORBIDDEN,
            RelayError::ModelNotFound(_) | RelayError::UnknownRoute(_) => StatusCode::NOT_FOUND,
            RelayError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            RelayError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            RelayError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            RelayError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            RelayError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            RelayError::NoAvailableChannel(_) => StatusCode::SERVICE_UNAVAILABLE,
            RelayError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            RelayError::UpstreamRejected { status, .. } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST)
            }
            RelayError::UpstreamFailed
            | RelayError::UpstreamUnreachable
            | RelayError::UpstreamInvalid
            | RelayError::UpstreamCredentials { .. }
            | RelayError::Unsupported(_)
            | RelayError::Misconfigured(_) => StatusCode::BAD_GATEWAY,
            RelayError::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            // The statuses are the shared vocabulary's, so MCP logs a refused call the same way.
            RelayError::Refused(refusal) => StatusCode::from_u16(refusal.kind.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            RelayError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The OpenAI `error` object for this failure.
    pub fn body(&self) -> ErrorBody {
        if let RelayError::UpstreamRejected {
            body: Some(body), ..
        } = self
        {
            return body.clone();
        }
        let (kind, code, param): (&str, &str, Option<&str>) = match self {
            RelayError::Auth(AuthError::Missing) => {
                ("invalid_request_error", "missing_api_key", None)
            }
            RelayError::Auth(AuthError::InvalidKey) => {
                ("invalid_request_error", "invalid_api_key", None)
            }
            RelayError::Auth(AuthError::TokenDisabled) => {
                ("invalid_request_error", "token_disabled", None)
            }
            RelayError::Auth(AuthError::TokenExpired) => {
                ("invalid_request_error", "token_expired", None)
            }
            RelayError::Auth(AuthError::GroupDisabled) => {
                ("invalid_request_error", "group_disabled", None)
            }
            RelayError::Auth(AuthError::AddressNotAllowed) => {
                ("permission_error", "address_not_allowed", None)
            }
            RelayError::Auth(AuthError::Maintenance) => ("server_error", "maintenance", None),
            RelayError::ModelNotAllowed(_) => {
                ("permission_error", "model_not_allowed", Some("model"))
            }
            RelayError::ModelNotFound(_) => {
                ("invalid_request_error", "model_not_found", Some("model"))
            }
            RelayError::UnknownRoute(_) => ("invalid_request_error", "unknown_url", None),
            RelayError::NotImplemented(_) => ("invalid_request_error", "not_implemented", None),
            RelayError::MethodNotAllowed => ("invalid_request_error", "method_not_allowed", None),
            RelayError::BodyTooLarge { .. } => ("invalid_request_error", "request_too_large", None),
            RelayError::BodyTimeout => ("invalid_request_error", "request_timeout", None),
            RelayError::BadRequest { param, .. } => {
                ("invalid_request_error", "invalid_request", *param)
            }
            RelayError::NoAvailableChannel(_) => ("upstream_error", "no_available_channel", None),
            RelayError::RateLimited { .. } => ("rate_limit_error", "rate_limit_exceeded", None),
            RelayError::UpstreamRejected { .. } => {
                ("invalid_request_error", "upstream_rejected", None)
            }
            RelayError::UpstreamFailed => ("upstream_error", "upstream_error", None),
            RelayError::UpstreamUnreachable => ("upstream_error", "upstream_unreachable", None),
            RelayError::UpstreamTimeout => ("upstream_error", "upstream_timeout", None),
            RelayError::UpstreamInvalid => ("upstream_error", "upstream_invalid_response", None),
            RelayError::UpstreamCredentials { .. } => {
                ("upstream_error", "upstream_credentials", None)
            }
            RelayError::Unsupported(_) => ("upstream_error", "unsupported_channel", None),
            RelayError::Misconfigured(_) => ("upstream_error", "channel_misconfigured", None),
            RelayError::Refused(refusal) => {
                let kind = match refusal.kind {
                    RefusalKind::RateLimited | RefusalKind::TooManyInFlight => "rate_limit_error",
                    RefusalKind::QuotaExhausted | RefusalKind::InsufficientBalance => {
                        "insufficient_quota"
                    }
                    RefusalKind::AddressBlocked => "permission_error",
                    RefusalKind::Unavailable => "server_error",
                };
                // The code is the one MCP sends in its error's `data.type`.
                (kind, refusal.kind.as_str(), None)
            }
            RelayError::Internal => ("server_error", "internal_error", None),
        };
        ErrorBody {
            message: self.message(),
            kind: kind.to_owned(),
            param: param.map(str::to_owned),
            code: Some(code.to_owned()),
        }
    }

    /// The serialized `{"error": {...}}` document.
    pub fn to_json(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Envelope {
            error: ErrorBody,
        }
        serde_json::to_vec(&Envelope { error: self.body() }).unwrap_or_default()
    }
}

/// Anthropic's error types; an upstream Anthropic error keeps its own.
const ANTHROPIC_ERROR_TYPES: [&str; 10] = [
    "invalid_request_error",
    "authentication_error",
    "billing_error",
    "permission_error",
    "not_found_error",
    "request_too_large",
    "rate_limit_error",
    "api_error",
    "timeout_error",
    "overloaded_error",
];

impl RelayError {
    /// Anthropic's `error.type` for this failure.
    fn anthropic_type(&self) -> &'static str {
        if let RelayError::UpstreamRejected {
            body: Some(body), ..
        } = self
            && let Some(kind) = ANTHROPIC_ERROR_TYPES
                .iter()
                .find(|kind| **kind == body.kind)
        {
            return kind;
        }
        match self.status().as_u16() {
            401 => "authentication_error",
            402 => "billing_error",
            403 => "permission_error",
            404 => "not_found_error",
            408 | 504 => "timeout_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            503 | 529 => "overloaded_error",
            400..=499 => "invalid_request_error",
            _ => "api_error",
        }
    }

    /// Gemini's (Google RPC) `error.status` for this failure.
    fn gemini_status(&self) -> &'static str {
        match self.status().as_u16() {
            401 => "UNAUTHENTICATED",
            403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            405 | 501 => "UNIMPLEMENTED",
            408 | 504 => "DEADLINE_EXCEEDED",
            409 => "ABORTED",
            402 | 429 => "RESOURCE_EXHAUSTED",
            502 | 503 => "UNAVAILABLE",
            400..=499 => "INVALID_ARGUMENT",
            _ => "INTERNAL",
        }
    }

    /// The upstream's own code when it sent one (a vendor's error passed on), else `fallback`.
    fn upstream_code_or(&self, fallback: &'static str) -> String {
        match self {
            RelayError::UpstreamRejected {
                body: Some(ErrorBody {
                    code: Some(code), ..
                }),
                ..
            } => truncated(code, 64),
            _ => fallback.to_owned(),
        }
    }

    /// DashScope's `code` for this failure (its documented codes).
    fn dashscope_code(&self) -> String {
        let fallback = match self {
            RelayError::ModelNotFound(_) => "ModelNotFound",
            RelayError::Refused(refusal)
                if matches!(
                    refusal.kind,
                    RefusalKind::QuotaExhausted | RefusalKind::InsufficientBalance
                ) =>
            {
                "Arrearage"
            }
            _ => match self.status().as_u16() {
                401 => "InvalidApiKey",
                403 => "AccessDenied",
                404 => "NotFound",
                408 | 504 => "RequestTimeOut",
                413 => "BadRequest.TooLarge",
                429 => "Throttling.RateQuota",
                400..=499 => "InvalidParameter",
                _ => "InternalError",
            },
        };
        self.upstream_code_or(fallback)
    }

    /// Ark's `code` and `type` for this failure; an upstream Ark error keeps its own.
    fn ark_code_and_type(&self) -> (String, String) {
        let status = self.status().as_u16();
        let code = match self {
            RelayError::ModelNotFound(_) => "InvalidEndpointOrModel.NotFound",
            RelayError::Refused(refusal) if refusal.kind == RefusalKind::QuotaExhausted => {
                "QuotaExceeded"
            }
            RelayError::Refused(refusal) if refusal.kind == RefusalKind::InsufficientBalance => {
                "AccountOverdueError"
            }
            _ => match status {
                401 => "AuthenticationError",
                403 => "AccessDenied",
                404 => "ResourceNotFound",
                408 | 504 => "RequestTimeout",
                429 => "RateLimitExceeded",
                400..=499 => "InvalidParameter",
                503 => "ServiceUnavailable",
                _ => "InternalServiceError",
            },
        };
        let kind = match self {
            RelayError::UpstreamRejected {
                body: Some(body), ..
            } if body.kind != "invalid_request_error" => truncated(&body.kind, 64),
            _ => match status {
                401 => "Unauthorized",
                402 | 403 => "Forbidden",
                404 => "NotFound",
                429 => "TooManyRequests",
                400..=499 => "BadRequest",
                _ => "InternalServerError",
            }
            .to_owned(),
        };
        (self.upstream_code_or(code), kind)
    }

    /// The error document in the shape of the client's protocol: OpenAI's `{"error": {...}}`
    /// for chat, Responses and the other OpenAI endpoints, Anthropic's
    /// `{"type": "error", "error": {"type", "message"}}`, Gemini's
    /// `{"error": {"code", "message", "status"}}`, DashScope's `{"request_id", "code",
    /// "message"}`, Ark's `{"error": {"code", "message", "param", "type"}}`. Anthropic's and
    /// DashScope's also name the request.
    pub fn to_json_for(&self, face: Face, request_id: Option<&str>) -> Vec<u8> {
        let document = match face {
            Face::DashScope => serde_json::json!({"request_id": request_id.unwrap_or_default(),
                "code": self.dashscope_code(), "message": self.body().message}),
            Face::Ark => {
                let (code, kind) = self.ark_code_and_type();
                let body = self.body();
                serde_json::json!({"error": {"code": code, "message": body.message,
                    "param": body.param.unwrap_or_default(), "type": kind}})
            }
            Face::OpenAi | Face::Responses => return self.to_json(),
            Face::Anthropic => {
                let mut document = serde_json::json!({"type": "error", "error": {
                    "type": self.anthropic_type(), "message": self.body().message}});
                if let Some(id) = request_id {
                    document["request_id"] = serde_json::Value::from(id);
                }
                document
            }
            Face::Gemini => serde_json::json!({"error": {
                "code": self.status().as_u16(), "message": self.body().message,
                "status": self.gemini_status()}}),
        };
        serde_json::to_vec(&document).unwrap_or_default()
    }

    /// The event that ends a stream with this error, in the client's protocol: the status line
    /// is long gone, so an error event is the only way left to tell the client.
    pub fn stream_event_for(&self, face: Face) -> Vec<u8> {
        let mut out = match face {
            Face::Anthropic | Face::Responses => b"event: error\ndata: ".to_vec(),
            Face::OpenAi | Face::Gemini | Face::DashScope | Face::Ark => b"data: ".to_vec(),
        };
        if face == Face::Responses {
            // The Responses stream's own `error` event, not the `{"error": ...}` envelope.
            let body = self.body();
            let event = serde_json::json!({"type": "error", "code": body.code,
                "message": body.message, "param": body.param});
            out.extend_from_slice(event.to_string().as_bytes());
        } else {
            out.extend_from_slice(&self.to_json_for(face, None));
        }
        out.extend_from_slice(b"\n\n");
        out
    }

    /// The response for a client speaking `face`.
    pub fn response_for(self, face: Face, request_id: Option<&str>) -> Response {
        let mut response = (self.status(), self.to_json_for(face, request_id)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let retry_after = match &self {
            RelayError::RateLimited { retry_after } => *retry_after,
            RelayError::Refused(refusal) => {
                headers.extend(refusal.headers.iter().cloned());
                refusal.retry_after
            }
            _ => None,
        };
        if let Some(after) = retry_after {
            let seconds = after.as_secs_f64().ceil().max(1.0) as u64;
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                headers.insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

impl IntoResponse for RelayError {
    fn into_response(self) -> Response {
        self.response_for(Face::OpenAi, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_quoting_client_input_are_bounded() {
        let model = "m".repeat(5 * 1024 * 1024);
        for error in [
            RelayError::ModelNotFound(model.clone()),
            RelayError::BadRequest {
                message: format!("unknown variant `{model}`"),
                param: None,
            },
        ] {
            assert!(error.message().len() <= MAX_ERROR_MESSAGE_BYTES);
            for face in [
                Face::OpenAi,
                Face::Anthropic,
                Face::Gemini,
                Face::Responses,
                Face::DashScope,
                Face::Ark,
            ] {
                let body = error.to_json_for(face, Some("id"));
                assert!(body.len() < 2 * MAX_ERROR_MESSAGE_BYTES, "{face:?}");
                assert!(error.stream_event_for(face).len() < 2 * MAX_ERROR_MESSAGE_BYTES);
            }
        }
        assert_eq!(truncated("héllo", 4), "h…");
        assert_eq!(truncated("héllo", 6), "héllo");
        assert_eq!(truncated("héllo", 5), "h…");
    }

    #[test]
    fn the_vendors_faces_have_their_own_error_shapes() {
        let parse = |bytes: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&bytes).unwrap();
        let missing = RelayError::Auth(AuthError::Missing);
        assert_eq!(
            parse(missing.to_json_for(Face::DashScope, Some("r1"))),
            serde_json::json!({"request_id": "r1", "code": "InvalidApiKey",
                "message": missing.message()})
        );
        assert_eq!(
            parse(missing.to_json_for(Face::Ark, Some("r1")))["error"]["code"],
            "AuthenticationError"
        );
        let unknown = RelayError::ModelNotFound("m".into());
        assert_eq!(
            parse(unknown.to_json_for(Face::DashScope, None))["code"],
            "ModelNotFound"
        );
        let ark = parse(unknown.to_json_for(Face::Ark, None));
        assert_eq!(ark["error"]["code"], "InvalidEndpointOrModel.NotFound");
        assert_eq!(ark["error"]["type"], "NotFound");
        assert_eq!(ark["error"]["param"], "model");
        // A vendor's own refusal keeps its code (and Ark's its type).
        let refused = RelayError::UpstreamRejected {
            status: 400,
            body: Some(ErrorBody {
                message: "content must have a text part".into(),
                kind: "BadRequest".into(),
                param: Some("content".into()),
                code: Some("MissingParameter".into()),
            }),
        };
        assert_eq!(
            parse(refused.to_json_for(Face::Ark, None)),
            serde_json::json!({"error": {"code": "MissingParameter",
                "message": "content must have a text part", "param": "content", "type": "BadRequest"}})
        );
        assert_eq!(
            parse(refused.to_json_for(Face::DashScope, Some("r2")))["code"],
            "MissingParameter"
        );
    }
}
