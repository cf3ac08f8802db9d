//! Hugging Face Text Embeddings Inference: OpenAI embeddings, and its native `/rerank` (`texts` in, a bare array of scores out) read as a rerank answer.
//!
//! TEI has no `top_n`: it scores every text. The relay cuts any rerank answer to the client's
//! `top_n` ([`keep_top_n`]), so a TEI channel answers as a Jina or Cohere one would;
//! `return_documents` is TEI's `return_text`, its texts read back as `document`s.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::openai::OpenAiWire;
use super::{Endpoint, Provider, UpstreamRequest, base_url, unsupported};
use crate::convert::ResponseMeta;
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;

pub struct TeiWire;

/// One result of TEI's `/rerank` answer.
#[derive(Deserialize)]
struct TeiRank {
    index: u64,
    score: f64,
    #[serde(default)]
    text: Option<String>,
}

/// One result of the rerank answer clients read (Jina and Cohere's shape).
#[derive(Serialize)]
struct RerankResult {
    index: u64,
    relevance_score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<Value>,
}

/// A rerank body as TEI reads it: `documents` becomes `texts` (objects by their `text`),
/// `return_documents` becomes `return_text`; `top_n` has no TEI counterpart and is dropped
/// (the answer is cut instead, see [`keep_top_n`]).
fn tei_rerank_body(body: &[u8]) -> Result<Bytes, RelayError> {
    let bad = |message: &str| RelayError::BadRequest {
        message: message.to_owned(),
        param: Some("documents"),
    };
    let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(body) else {
        return Err(bad("a rerank body must be a JSON object"));
    };
    let documents = match object.remove("documents") {
        Some(Value::Array(documents)) => documents,
        _ => return Err(bad("documents must be an array")),
    };
    let texts = documents
        .into_iter()
        .map(|document| match document {
            Value::String(text) => Ok(Value::String(text)),
            Value::Object(mut fields) => match fields.remove("text") {
                Some(Value::String(text)) => Ok(Value::String(text)),
                _ => Err(bad("each document must be a string or have a text")),
            },
            _ => Err(bad("each document must be a string or have a text")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    object.insert("texts".into(), Value::Array(texts));
    object.remove("top_n");
    if let Some(return_documents) = object.remove("return_documents") {
        object.insert("return_text".into(), return_documents);
    }
    Ok(Bytes::from(Value::Object(object).to_string()))
}

/// TEI's bare array of `{index, score, text}` as `{"results": [...]}`, best first.
fn rerank_answer(body: &[u8]) -> Result<Bytes, RelayError> {
    let mut ranks: Vec<TeiRank> =
        serde_json::from_slice(body).map_err(|_| RelayError::UpstreamInvalid)?;
    // TEI sorts its answer already; sorting again costs nothing and does not depend on it.
    ranks.sort_by(|a, b| b.score.total_cmp(&a.score));
    let results: Vec<RerankResult> = ranks
        .into_iter()
        .map(|rank| RerankResult {
            index: rank.index,
            relevance_score: rank.score,
            document: rank.text.map(|text| json!({"text": text})),
        })
        .collect();
    Ok(Bytes::from(json!({"results": results}).to_string()))
}

/// A rerank answer (`{"results": [...]}`) with at most `top_n` results, the best kept: the
/// answer as it is when it has no more (an upstream that applied `top_n` itself, or one
/// that is not a rerank answer at all, which the client then reads as it came).
pub(crate) fn keep_top_n(body: Bytes, top_n: usize) -> Bytes {
    let Ok(Value::Object(mut answer)) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    let Some(Value::Array(results)) = answer.get_mut("results") else {
        return body;
    };
    if results.len() <= top_n {
        return body;
    }
    let score = |result: &Value| {
        result
            .get("relevance_score")
            .and_then(Value::as_f64)
            .unwrap_or(f64::NEG_INFINITY)
    };
    results.sort_by(|a, b| score(b).total_cmp(&score(a)));
    results.truncate(top_n);
    Bytes::from(Value::Object(answer).to_string())
}

impl Provider for TeiWire {
    fn endpoint(&self, endpoint: Endpoint, _channel: &Channel, _: &str) -> Endpoint {
        endpoint
    }

    fn prepare(&self, _: &Channel, _: Endpoint, _: &mut JsonObject, _: bool) {}

    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
        content_type: &str,
        body: Bytes,
        stream: bool,
    ) -> Result<UpstreamRequest, RelayError> {
        match endpoint {
            Endpoint::Embeddings => OpenAiWire.build(
                channel,
                endpoint,
                upstream_model,
                content_type,
                body,
                stream,
            ),
            Endpoint::Rerank => {
                // The OpenAI family's request carries the auth header; only URL and body differ.
                let mut request = OpenAiWire.build(
                    channel,
                    endpoint,
                    upstream_model,
                    content_type,
                    tei_rerank_body(&body)?,
                    stream,
                )?;
                request.url = format!("{}/rerank", base_url(channel)?);
                Ok(request)
            }
            _ => Err(unsupported(channel, endpoint)),
        }
    }

    fn decode_response(
        &self,
        _channel: &Channel,
        endpoint: Endpoint,
        body: Bytes,
        _meta: &ResponseMeta,
    ) -> Result<Bytes, RelayError> {
        if endpoint == Endpoint::Rerank {
            rerank_answer(&body)
        } else {
            Ok(body)
        }
    }

    fn probe(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        let (endpoint, body) = if endpoint == Endpoint::Rerank {
            (
                Endpoint::Rerank,
                json!({"model": upstream_model, "query": "ping", "documents": ["ping"]}),
            )
        } else {
            (
                Endpoint::Embeddings,
                json!({"model": upstream_model, "input": "ping"}),
            )
        };
        self.build(
            channel,
            endpoint,
            upstream_model,
            "application/json",
            Bytes::from(body.to_string()),
            false,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rerank_bodies_and_answers_are_translated_both_ways() {
        let body = tei_rerank_body(
            br#"{"model":"bge","query":"q","documents":["a",{"text":"b"}],"top_n":1,"return_documents":true}"#,
        )
        .unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body,
            json!({"model":"bge","query":"q","texts":["a","b"],"return_text":true})
        );
        assert!(tei_rerank_body(br#"{"query":"q","documents":[1]}"#).is_err());
        let answer =
            rerank_answer(br#"[{"index":1,"score":0.9,"text":"b"},{"index":0,"score":0.1}]"#)
                .unwrap();
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(
            answer,
            json!({"results":[{"index":1,"relevance_score":0.9,"document":{"text":"b"}},
                {"index":0,"relevance_score":0.1}]})
        );
        assert!(rerank_answer(br#"{"error":"x"}"#).is_err());
        let unsorted =
            rerank_answer(br#"[{"index":0,"score":0.2},{"index":1,"score":0.7}]"#).unwrap();
        let unsorted: Value = serde_json::from_slice(&unsorted).unwrap();
        assert_eq!(unsorted["results"][0]["index"], 1, "best first");
    }

    #[test]
    fn answers_are_cut_to_top_n_keeping_the_best() {
        let answer = Bytes::from_static(
            br#"{"results":[{"index":0,"relevance_score":0.1},{"index":2,"relevance_score":0.8},{"index":1,"relevance_score":0.5}],"id":"r"}"#,
        );
        let cut: Value = serde_json::from_slice(&keep_top_n(answer.clone(), 2)).unwrap();
        assert_eq!(
            cut,
            json!({"results":[{"index":2,"relevance_score":0.8},{"index":1,"relevance_score":0.5}],"id":"r"})
        );
        assert_eq!(keep_top_n(answer.clone(), 3), answer, "nothing to cut");
        let odd = Bytes::from_static(b"[1,2,3]");
        assert_eq!(keep_top_n(odd.clone(), 1), odd);
    }
}
