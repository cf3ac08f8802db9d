//! The gRPC edge's errors: every domain error a handler meets becomes a `tonic::Status` here, so handlers use `?`.
//!
//! A client's mistake (bad input, a missing or duplicate object, a limit reached) keeps its
//! message; anything else is logged and answered with a fixed INTERNAL message, so a storage
//! failure never shows its details to the client. The main and the log database share one error,
//! [`StoreError`].

use tonic::Status;

use crate::access::Denied;
use crate::edges::declarative::ApplyError;
use crate::store::StoreError;

impl From<StoreError> for Status {
    fn from(err: StoreError) -> Status {
        match err {
            StoreError::Invalid { .. } => Status::invalid_argument(err.to_string()),
            StoreError::NotFound { .. } => Status::not_found(err.to_string()),
            StoreError::AlreadyExists { .. } => Status::already_exists(err.to_string()),
            StoreError::TokenLimit { .. } => Status::failed_precondition(err.to_string()),
            StoreError::Corrupt { .. }
            | StoreError::Sealed(_)
            | StoreError::Io(_)
            | StoreError::Database(_)
            | StoreError::Migrate(_) => {
                tracing::error!(error = %err, "control plane storage error");
                Status::internal("internal storage error")
            }
        }
    }
}

impl From<ApplyError> for Status {
    fn from(err: ApplyError) -> Status {
        match err {
            ApplyError::Parse(_)
            | ApplyError::Invalid { .. }
            | ApplyError::Read { .. }
            | ApplyError::OpenApi { .. } => Status::invalid_argument(err.to_string()),
            ApplyError::Store(err) => Status::from(err),
        }
    }
}

impl From<Denied> for Status {
    fn from(denied: Denied) -> Status {
        Status::permission_denied(denied.to_string())
    }
}

/// A field the client set wrongly: INVALID_ARGUMENT naming the field.
pub fn invalid(field: &str, reason: impl std::fmt::Display) -> Status {
    Status::invalid_argument(format!("invalid {field}: {reason}"))
}

/// A required message field.
pub fn required<T>(field: &str, value: Option<T>) -> Result<T, Status> {
    value.ok_or_else(|| invalid(field, "is required"))
}

#[cfg(test)]
mod tests {
    use tonic::Code;

    use super::*;

    #[test]
    fn client_mistakes_keep_their_message_and_failures_hide_theirs() {
        let not_found = Status::from(StoreError::NotFound {
            kind: "group",
            id: "acme".into(),
        });
        assert_eq!(not_found.code(), Code::NotFound);
        assert!(not_found.message().contains("acme"), "{not_found:?}");
        let failure = Status::from(StoreError::Io(std::io::Error::other("disk /secret/path")));
        assert_eq!(failure.code(), Code::Internal);
        assert!(!failure.message().contains("secret"), "{failure:?}");
        let parse = Status::from(ApplyError::Parse("line 3".into()));
        assert_eq!(parse.code(), Code::InvalidArgument);
        let wrapped = Status::from(ApplyError::Store(StoreError::AlreadyExists {
            kind: "group",
            id: "acme".into(),
        }));
        assert_eq!(wrapped.code(), Code::AlreadyExists);
    }
}
