//! Connect's error: a gRPC status under its Connect name (`"not_found"`) and HTTP status, as a unary JSON body or in a stream's end message.

use http::{HeaderValue, StatusCode, header};
use serde_json::{Map, Value, json};
use tonic::{Code, Status};

/// What a Connect client is told went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectError {
    pub code: Code,
    pub message: String,
}

impl ConnectError {
    pub fn new(code: Code, message: impl Into<String>) -> ConnectError {
        ConnectError {
            code,
            message: message.into(),
        }
    }

    /// The same refusal a gRPC client would get, renamed.
    pub fn from_status(status: &Status) -> ConnectError {
        ConnectError::new(status.code(), status.message())
    }

    /// `{"code": "not_found", "message": "..."}`; an empty message is left out, as Connect
    /// implementations do.
    pub fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), json!(code_name(self.code)));
        if !self.message.is_empty() {
            error.insert("message".into(), json!(self.message));
        }
        Value::Object(error)
    }

    /// The answer to a unary call: the HTTP status of the code and the error as JSON.
    pub fn unary_response(&self) -> axum::response::Response {
        let body = serde_json::to_vec(&self.to_json()).unwrap_or_default();
        let mut response = axum::response::Response::new(axum::body::Body::from(body));
        *response.status_mut() = http_status(self.code);
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

/// The Connect protocol's name of a code: gRPC's, in lower snake case (and "canceled" with one
/// "l"). OK is no error; an answer claiming one is reported as unknown.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok | Code::Unknown => "unknown",
        Code::Cancelled => "canceled",
        Code::InvalidArgument => "invalid_argument",
        Code::DeadlineExceeded => "deadline_exceeded",
        Code::NotFound => "not_found",
        Code::AlreadyExists => "already_exists",
        Code::PermissionDenied => "permission_denied",
        Code::ResourceExhausted => "resource_exhausted",
        Code::FailedPrecondition => "failed_precondition",
        Code::Aborted => "aborted",
        Code::OutOfRange => "out_of_range",
        Code::Unimplemented => "unimplemented",
        Code::Internal => "internal",
        Code::Unavailable => "unavailable",
        Code::DataLoss => "data_loss",
        Code::Unauthenticated => "unauthenticated",
    }
}

/// The HTTP status of a unary error, from the Connect protocol's table (the revision that moved
/// canceled to 499, deadline_exceeded to 504, failed_precondition to 400 and unimplemented to
/// 501).
pub fn http_status(code: Code) -> StatusCode {
    match code {
        // "Client Closed Request" has no constant; 499 is always a valid status code.
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            StatusCode::BAD_REQUEST
        }
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::Ok | Code::Unknown | Code::Internal | Code::DataLoss => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_the_protocols_name_and_status() {
        let cases = [
            (Code::Cancelled, "canceled", 499),
            (Code::Unknown, "unknown", 500),
            (Code::InvalidArgument, "invalid_argument", 400),
            (Code::DeadlineExceeded, "deadline_exceeded", 504),
            (Code::NotFound, "not_found", 404),
            (Code::AlreadyExists, "already_exists", 409),
            (Code::PermissionDenied, "permission_denied", 403),
            (Code::ResourceExhausted, "resource_exhausted", 429),
            (Code::FailedPrecondition, "failed_precondition", 400),
            (Code::Aborted, "aborted", 409),
            (Code::OutOfRange, "out_of_range", 400),
            (Code::Unimplemented, "unimplemented", 501),
            (Code::Internal, "internal", 500),
            (Code::Unavailable, "unavailable", 503),
            (Code::DataLoss, "data_loss", 500),
            (Code::Unauthenticated, "unauthenticated", 401),
        ];
        for (code, name, status) in cases {
            assert_eq!(
                (code_name(code), http_status(code).as_u16()),
                (name, status)
            );
        }
    }

    #[test]
    fn an_empty_message_is_left_out() {
        let error = ConnectError::new(Code::NotFound, "");
        assert_eq!(error.to_json(), json!({"code": "not_found"}));
        let error = ConnectError::from_status(&Status::permission_denied("viewer"));
        assert_eq!(
            error.to_json(),
            json!({"code": "permission_denied", "message": "viewer"})
        );
    }
}
