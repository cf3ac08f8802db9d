//! `GET /v1/models` (and the Anthropic and Gemini listings): the caller's models in each face's shape.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::Inner;
use super::auth::check_model_allowed;
use super::request::check_name_length;
use crate::error::RelayError;
use crate::request_id::request_id;
use crate::usage::PendingRecord;
use crate::vocabulary::Face;

impl Inner {
    pub(super) async fn models(&self, request: Request) -> Response {
        let started = Instant::now();
        let (parts, _) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            "/v1/models",
            started,
        );
        let path = parts.uri.path();
        // Each face lists models in its own protocol's shape; Anthropic's SDKs always send
        // `anthropic-version`.
        let face = if path.starts_with("/v1beta/") {
            Face::Gemini
        } else if parts.headers.contains_key("anthropic-version") {
            Face::Anthropic
        } else {
            Face::OpenAi
        };
        let wanted = path
            .strip_prefix("/v1/models/")
            .or_else(|| path.strip_prefix("/v1beta/models/"))
            .map(|name| name.strip_prefix("models/").unwrap_or(name).to_owned());
        let result = match self.authenticate(&parts, &mut pending) {
            Ok(caller) => self.check_address(&mut pending).await.map(|()| caller),
            Err(error) => Err(error),
        };
        let result = result.and_then(|caller| {
            let models = self
                .directory
                .models(&caller)
                .into_iter()
                .filter(|model| check_model_allowed(&caller, &model.id).is_ok())
                .map(|model| model_entry(face, &model));
            match &wanted {
                None => Ok(model_list(face, models.collect())),
                Some(name) => {
                    check_name_length(name, "model")?;
                    pending.record().requested_model = Some(name.clone());
                    models
                        .into_iter()
                        .find(|model| model_id(face, model) == name.as_str())
                        .ok_or_else(|| RelayError::ModelNotFound(name.clone()))
                }
            }
        });
        match result {
            Ok(document) => {
                pending.set_outcome(200, None);
                pending.first_byte_now();
                pending.finish();
                (StatusCode::OK, axum::Json(document)).into_response()
            }
            Err(error) => self.fail(pending, error, face),
        }
    }
}

/// One model as a face's model listing shows it.
pub(super) fn model_entry(face: Face, model: &crate::host::ModelEntry) -> serde_json::Value {
    match face {
        Face::Anthropic => serde_json::json!({"type": "model", "id": model.id,
            "display_name": model.id, "created_at": rfc3339(model.created)}),
        Face::Gemini => serde_json::json!({"name": format!("models/{}", model.id),
            "baseModelId": model.id, "displayName": model.id,
            "supportedGenerationMethods": ["generateContent", "streamGenerateContent", "countTokens"]}),
        Face::OpenAi | Face::Responses | Face::DashScope | Face::Ark => {
            serde_json::json!({"id": model.id, "object": "model",
            "created": model.created, "owned_by": model.owned_by})
        }
    }
}

pub(super) fn model_id(face: Face, entry: &serde_json::Value) -> &str {
    let id = match face {
        Face::Gemini => &entry["baseModelId"],
        _ => &entry["id"],
    };
    id.as_str().unwrap_or_default()
}

pub(super) fn model_list(face: Face, entries: Vec<serde_json::Value>) -> serde_json::Value {
    match face {
        Face::Anthropic => {
            let first = entries.first().map(|entry| entry["id"].clone());
            let last = entries.last().map(|entry| entry["id"].clone());
            serde_json::json!({"data": entries, "has_more": false, "first_id": first, "last_id": last})
        }
        Face::Gemini => serde_json::json!({"models": entries}),
        Face::OpenAi | Face::Responses | Face::DashScope | Face::Ark => {
            serde_json::json!({"object": "list", "data": entries})
        }
    }
}

/// Unix seconds as an RFC 3339 UTC timestamp (Anthropic's `created_at`).
pub(super) fn rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3_600,
        seconds % 3_600 / 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        for (unix, expected) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
            (4_102_444_799, "2099-12-31T23:59:59Z"),
        ] {
            assert_eq!(rfc3339(unix), expected, "{unix}");
        }
    }
}
