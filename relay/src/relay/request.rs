//! Reading and checking a client's request body: size and time bounds, JSON or multipart, model, stream, user, metadata.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use serde::Deserialize;

use super::routes::UrlFacts;
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::multipart::Multipart;
use crate::provider::Endpoint;
use crate::usage::PendingRecord;
use crate::vocabulary::MAX_CLIENT_NAME_BYTES;

/// A request body that passed the checks.
pub(super) struct ParsedRequest {
    pub(super) model: String,
    /// The client's `anthropic-beta` header, passed on to Anthropic channels.
    pub(super) anthropic_beta: Option<HeaderValue>,
    pub(super) stream: bool,
    pub(super) payload: Payload,
    /// The JSON body as the client sent it (for local counting); empty for multipart.
    pub(super) json_source: Bytes,
}

pub(super) enum Payload {
    Json(JsonObject),
    Multipart {
        form: Multipart,
        raw: Bytes,
        content_type: String,
    },
}

pub(super) async fn read_request_body(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, RelayError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(RelayError::BodyTooLarge { limit });
    }
    let mut stream = body.into_data_stream();
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut size = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| bad_request("cannot read the request body", None))?;
        size += chunk.len();
        if size > limit {
            return Err(RelayError::BodyTooLarge { limit });
        }
        chunks.push(chunk);
    }
    // One chunk (the usual case) is used without a copy.
    if chunks.len() == 1 {
        return Ok(chunks.remove(0));
    }
    let mut body = BytesMut::with_capacity(size);
    for chunk in chunks {
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Refuses a client string past [`MAX_CLIENT_NAME_BYTES`] without quoting it.
pub(super) fn check_name_length(value: &str, name: &'static str) -> Result<(), RelayError> {
    if value.len() > MAX_CLIENT_NAME_BYTES {
        return Err(bad_request(
            format!("{name} is longer than the limit of {MAX_CLIENT_NAME_BYTES} bytes"),
            Some(name),
        ));
    }
    Ok(())
}

pub(super) fn bad_request(message: impl Into<String>, param: Option<&'static str>) -> RelayError {
    RelayError::BadRequest {
        message: message.into(),
        param,
    }
}

/// What a JSON field must be.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    String,
    Array,
    StringOrArray,
    Object,
}

pub(super) fn check_field(
    object: &JsonObject,
    name: &'static str,
    shape: Shape,
    required: bool,
) -> Result<(), RelayError> {
    let Some(raw) = object.get(name).filter(|raw| *raw != "null") else {
        return match required {
            true => Err(bad_request(
                format!("you must provide the {name} parameter"),
                Some(name),
            )),
            false => Ok(()),
        };
    };
    let is_string = raw.starts_with('"');
    let is_array = raw.starts_with('[');
    let is_object = raw.starts_with('{');
    let ok = match shape {
        Shape::String => is_string,
        Shape::Array => is_array,
        Shape::StringOrArray => is_string || is_array,
        Shape::Object => is_object,
    };
    let expected = match shape {
        Shape::String => "a string",
        Shape::Array => "an array",
        Shape::StringOrArray => "a string or an array",
        Shape::Object => "an object",
    };
    if ok {
        Ok(())
    } else {
        Err(bad_request(
            format!("{name} must be {expected}"),
            Some(name),
        ))
    }
}

pub(super) fn parse_request(
    endpoint: Endpoint,
    facts: UrlFacts,
    headers: &HeaderMap,
    body: Bytes,
    pending: &mut PendingRecord,
) -> Result<ParsedRequest, RelayError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let multipart = endpoint.is_multipart()
        || (endpoint.may_be_multipart()
            && content_type
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data"));
    if multipart {
        let content_type = content_type.to_owned();
        let form = Multipart::parse(&content_type, &body)
            .map_err(|error| bad_request(error.to_string(), None))?;
        let model = form
            .text("model")
            .map_err(|error| bad_request(error.to_string(), Some("model")))?;
        let model = model.map(str::trim).filter(|model| !model.is_empty());
        let model = model
            .ok_or_else(|| bad_request("you must provide the model parameter", Some("model")))?
            .to_owned();
        check_name_length(&model, "model")?;
        pending.record().requested_model = Some(model.clone());
        // A video's reference image is optional; the other multipart endpoints need their file.
        if endpoint.is_multipart() && !form.has_file() {
            return Err(bad_request("the multipart body has no file", Some("file")));
        }
        if let Ok(Some(user)) = form.text("user") {
            check_name_length(user, "user")?;
            pending.record().user = Some(user.to_owned());
        }
        return Ok(ParsedRequest {
            model,
            anthropic_beta: None,
            stream: false,
            payload: Payload::Multipart {
                form,
                raw: body,
                content_type,
            },
            json_source: Bytes::new(),
        });
    }

    let mut object = JsonObject::parse(body.clone()).map_err(|error| {
        let message = match error.classify() {
            serde_json::error::Category::Data => {
                "the request body must be a JSON object".to_owned()
            }
            _ => format!("the request body is not valid JSON: {error}"),
        };
        bad_request(message, None)
    })?;
    let model = match facts.model {
        // The legacy `/v1/engines/{model}/embeddings` names the model in the path: the body
        // going upstream names it as the OpenAI API does today.
        Some(model) if endpoint == Endpoint::Embeddings => {
            object
                .set("model", &model)
                .map_err(|_| bad_request("the request body must be a JSON object", None))?;
            model
        }
        Some(model) => model,
        None => {
            check_field(&object, "model", Shape::String, true)?;
            object
                .get_as::<String>("model")
                .ok()
                .flatten()
                .unwrap_or_default()
        }
    };
    if model.trim().is_empty() {
        return Err(bad_request(
            "you must provide the model parameter",
            Some("model"),
        ));
    }
    check_name_length(&model, "model")?;
    pending.record().requested_model = Some(model.clone());
    let stream = object
        .get_as::<bool>("stream")
        .map_err(|_| bad_request("stream must be a boolean", Some("stream")))?;
    let stream = stream.unwrap_or(false) || facts.stream;
    if stream && !endpoint.can_stream() {
        // Other endpoints' streams are not relayed event by event; say so instead of guessing.
        return Err(bad_request(
            format!("streaming is not supported on {}", endpoint.route()),
            Some("stream"),
        ));
    }
    pending.record().stream = stream;
    check_field(&object, "user", Shape::String, false)?;
    if let Ok(Some(user)) = object.get_as::<String>("user") {
        check_name_length(&user, "user")?;
        pending.record().user = Some(user);
    }
    if let Some(tier) = crate::usage::service_tier(&object) {
        pending.record().service_tier = Some(tier);
    }
    // Only a well-formed object is recorded; the upstream judges anything else.
    if let Ok(Some(metadata)) =
        object.get_as::<serde_json::Map<String, serde_json::Value>>("metadata")
    {
        let anthropic = matches!(endpoint, Endpoint::Messages | Endpoint::MessagesCountTokens);
        let recorded = crate::request_metadata::record(&metadata, anthropic);
        let record = pending.record();
        record.metadata = recorded.json;
        if record.user.is_none() {
            record.user = recorded.user;
        }
    }
    match endpoint {
        Endpoint::ChatCompletions => check_field(&object, "messages", Shape::Array, true)?,
        Endpoint::Completions => check_field(&object, "prompt", Shape::StringOrArray, true)?,
        Endpoint::Embeddings | Endpoint::Moderations => {
            check_field(&object, "input", Shape::StringOrArray, true)?
        }
        Endpoint::ImagesGenerations => check_field(&object, "prompt", Shape::String, true)?,
        Endpoint::AudioSpeech => check_field(&object, "input", Shape::String, true)?,
        Endpoint::Rerank => {
            check_field(&object, "query", Shape::String, true)?;
            check_field(&object, "documents", Shape::Array, true)?;
        }
        Endpoint::Messages | Endpoint::MessagesCountTokens => {
            check_field(&object, "messages", Shape::Array, true)?
        }
        Endpoint::GenerateContent => check_field(&object, "contents", Shape::Array, true)?,
        Endpoint::GeminiEmbedContent => check_field(&object, "content", Shape::Object, true)?,
        Endpoint::GeminiBatchEmbedContents => check_field(&object, "requests", Shape::Array, true)?,
        Endpoint::GeminiPredictLongRunning => {
            check_field(&object, "instances", Shape::Array, true)?
        }
        Endpoint::Responses => check_field(&object, "input", Shape::StringOrArray, false)?,
        Endpoint::Videos | Endpoint::VideoGenerationJobs => {
            check_field(&object, "prompt", Shape::String, true)?
        }
        // The vendors' own bodies: what every one of their requests has; the rest is theirs
        // to judge.
        Endpoint::DashScopeVideo => check_field(&object, "input", Shape::Object, true)?,
        Endpoint::ArkVideo => check_field(&object, "content", Shape::Array, true)?,
        Endpoint::ImagesEdits
        | Endpoint::ImagesVariations
        | Endpoint::AudioTranscriptions
        | Endpoint::AudioTranslations
        | Endpoint::ParsePdf
        | Endpoint::GeminiCountTokens => {}
    }
    Ok(ParsedRequest {
        model,
        anthropic_beta: headers.get("anthropic-beta").cloned(),
        stream,
        payload: Payload::Json(object),
        json_source: body,
    })
}

/// The output bound a client set, under any protocol's name for it.
pub(super) fn max_output_tokens(payload: &Payload) -> Option<u64> {
    let Payload::Json(object) = payload else {
        return None;
    };
    ["max_completion_tokens", "max_tokens", "max_output_tokens"]
        .into_iter()
        .find_map(|name| object.get_as::<u64>(name).ok().flatten())
        .or_else(|| {
            #[derive(Deserialize)]
            struct GenerationConfig {
                #[serde(rename = "maxOutputTokens")]
                max_output_tokens: Option<u64>,
            }
            object
                .get_as::<GenerationConfig>("generationConfig")
                .ok()
                .flatten()
                .and_then(|config| config.max_output_tokens)
        })
}
