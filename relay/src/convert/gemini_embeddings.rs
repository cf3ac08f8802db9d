//! Gemini's embeddings (`:embedContent`, `:batchEmbedContents`) to and from OpenAI's `/v1/embeddings`, and the model named in a native batch.
//!
//! One Gemini `Content` is one input (its text parts joined by a newline: Gemini embeds a
//! content's parts as one text); `outputDimensionality` is OpenAI's `dimensions`. `taskType`
//! and `title` have no OpenAI counterpart and are dropped.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::RelayError;
use crate::json::JsonObject;

/// Whether the request is a batch (`:batchEmbedContents`) rather than one content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedShape {
    Single,
    Batch,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EmbedRequest {
    content: Option<Content>,
    output_dimensionality: Option<u32>,
}

#[derive(Deserialize)]
struct BatchRequest {
    #[serde(default)]
    requests: Vec<EmbedRequest>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    parts: Vec<Part>,
}

#[derive(Deserialize)]
struct Part {
    text: Option<String>,
}

fn bad(message: &str) -> RelayError {
    RelayError::BadRequest {
        message: message.to_owned(),
        param: None,
    }
}

fn content_text(content: &Content) -> String {
    content
        .parts
        .iter()
        .filter_map(|part| part.text.as_deref())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The texts a request embeds, one per content, and the dimensions it asks for.
fn read(object: &JsonObject, shape: EmbedShape) -> Result<(Vec<String>, Option<u32>), RelayError> {
    let requests = match shape {
        EmbedShape::Single => {
            let request = serde_json::from_slice::<EmbedRequest>(&object.to_bytes())
                .map_err(|_| bad("content must be a Content object with parts"))?;
            vec![request]
        }
        EmbedShape::Batch => {
            serde_json::from_slice::<BatchRequest>(&object.to_bytes())
                .map_err(|_| bad("requests must be a list of EmbedContentRequest objects"))?
                .requests
        }
    };
    if requests.is_empty() {
        return Err(bad("requests must not be empty"));
    }
    let dimensions = requests
        .iter()
        .find_map(|request| request.output_dimensionality);
    let texts = requests
        .iter()
        .map(|request| {
            request
                .content
                .as_ref()
                .map(content_text)
                .filter(|text| !text.is_empty())
                .ok_or_else(|| bad("every content needs a text part"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((texts, dimensions))
}

/// The texts of a Gemini embedding request, for counting its tokens; empty when unreadable.
pub fn embedding_texts(request: &Value, shape: EmbedShape) -> Vec<String> {
    JsonObject::from_value(request)
        .ok()
        .and_then(|object| read(&object, shape).ok())
        .map(|(texts, _)| texts)
        .unwrap_or_default()
}

/// An OpenAI `/v1/embeddings` body for a Gemini embedding request to `model`.
pub fn to_openai(
    object: &JsonObject,
    shape: EmbedShape,
    model: &str,
) -> Result<JsonObject, RelayError> {
    let (texts, dimensions) = read(object, shape)?;
    let mut body = json!({"model": model, "input": texts, "encoding_format": "float"});
    if let Some(dimensions) = dimensions {
        body["dimensions"] = json!(dimensions);
    }
    JsonObject::from_value(&body).map_err(|_| RelayError::Internal)
}

/// A Gemini answer (`{"embedding": ...}` or `{"embeddings": [...]}`) from an OpenAI one.
pub fn from_openai(answer: &Bytes, shape: EmbedShape) -> Result<Bytes, RelayError> {
    #[derive(Deserialize)]
    struct Answer {
        data: Vec<Item>,
    }
    #[derive(Deserialize)]
    struct Item {
        #[serde(default)]
        index: usize,
        embedding: Vec<f64>,
    }
    let mut answer =
        serde_json::from_slice::<Answer>(answer).map_err(|_| RelayError::UpstreamInvalid)?;
    answer.data.sort_by_key(|item| item.index);
    let mut values = answer
        .data
        .into_iter()
        .map(|item| json!({"values": item.embedding}));
    let document = match shape {
        EmbedShape::Single => {
            json!({"embedding": values.next().ok_or(RelayError::UpstreamInvalid)?})
        }
        EmbedShape::Batch => json!({"embeddings": values.collect::<Vec<_>>()}),
    };
    Ok(Bytes::from(document.to_string()))
}

/// A native request with the channel's model name: a batch names it in every request
/// (`models/{model}`, which Gemini checks against the URL's), a single request where it does.
pub fn name_model(object: &mut JsonObject, shape: EmbedShape, model: &str) {
    let name = format!("models/{}", model.strip_prefix("models/").unwrap_or(model));
    match shape {
        EmbedShape::Single => {
            if object.get("model").is_some() {
                let _ = object.set("model", &name);
            }
        }
        EmbedShape::Batch => {
            let Ok(Some(mut requests)) = object.get_as::<Vec<Value>>("requests") else {
                return;
            };
            for request in &mut requests {
                if let Some(request) = request.as_object_mut() {
                    request.insert("model".into(), json!(name));
                }
            }
            let _ = object.set("requests", &requests);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> JsonObject {
        JsonObject::from_value(&value).unwrap()
    }

    #[test]
    fn requests_and_answers_convert_both_ways() {
        let single = object(json!({"content": {"parts": [{"text": "a"}, {"text": "b"}]},
            "taskType": "RETRIEVAL_QUERY", "outputDimensionality": 8}));
        let openai: Value = serde_json::from_slice(
            &to_openai(&single, EmbedShape::Single, "text-embedding-3-small")
                .unwrap()
                .to_bytes(),
        )
        .unwrap();
        assert_eq!(openai["input"], json!(["a\nb"]));
        assert_eq!(openai["dimensions"], 8);
        let batch = object(json!({"requests": [
            {"model": "models/e", "content": {"parts": [{"text": "x"}]}},
            {"model": "models/e", "content": {"parts": [{"text": "y"}]}}]}));
        let openai: Value = serde_json::from_slice(
            &to_openai(&batch, EmbedShape::Batch, "m")
                .unwrap()
                .to_bytes(),
        )
        .unwrap();
        assert_eq!(openai["input"], json!(["x", "y"]));
        let answer = Bytes::from(
            json!({"object": "list", "data": [
                {"object": "embedding", "index": 1, "embedding": [0.2]},
                {"object": "embedding", "index": 0, "embedding": [0.1]}],
                "usage": {"prompt_tokens": 2, "total_tokens": 2}})
            .to_string(),
        );
        let gemini: Value =
            serde_json::from_slice(&from_openai(&answer, EmbedShape::Batch).unwrap()).unwrap();
        assert_eq!(
            gemini,
            json!({"embeddings": [{"values": [0.1]}, {"values": [0.2]}]})
        );
        for bad in [
            json!({"content": "text"}),
            json!({"content": {"parts": []}}),
        ] {
            assert!(to_openai(&object(bad), EmbedShape::Single, "m").is_err());
        }
        assert!(to_openai(&object(json!({"requests": []})), EmbedShape::Batch, "m").is_err());
    }

    #[test]
    fn a_native_batch_names_the_channels_model() {
        let mut batch = object(json!({"requests": [{"model": "models/mine",
            "content": {"parts": [{"text": "x"}]}}]}));
        name_model(&mut batch, EmbedShape::Batch, "gemini-embedding-001");
        let value: Value = serde_json::from_slice(&batch.to_bytes()).unwrap();
        assert_eq!(value["requests"][0]["model"], "models/gemini-embedding-001");
    }
}
