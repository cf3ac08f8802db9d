//! Anthropic betas on InvokeModel: the client's `anthropic-beta` header becomes the body's `anthropic_beta` array, without the betas Bedrock refuses.
//!
//! Bedrock reads betas from the body, not from a header, and refuses a request naming a beta it
//! does not know or that the model does not have. Following the seed, the betas Bedrock does
//! not offer are dropped, and so are the model-bound ones the model lacks; every other beta is
//! passed on. Dropped names are logged (they are Anthropic's public names, no secret).

use bytes::Bytes;
use serde_json::Value;

use super::super::UpstreamRequest;
use crate::error::RelayError;

/// The client header the relay puts on native Anthropic requests.
const HEADER: &str = "anthropic-beta";

/// Betas of Anthropic's API that Bedrock does not offer.
const NOT_ON_BEDROCK: [&str; 3] = [
    "tool-examples-2025-10-29",
    "prompt-caching-scope-2026-01-05",
    "advanced-tool-use-2025-11-20",
];

/// Whether `model` (a Bedrock model id, lowercased) is a Claude 4 or later model.
fn claude_4(model: &str) -> bool {
    model.contains("4-") || model.contains("-4")
}

/// Whether Bedrock's `model` (lowercased) has `beta`: betas bound to models are checked, any
/// other passes.
fn model_has(model: &str, beta: &str) -> bool {
    match beta {
        "computer-use-2025-01-24" | "output-128k-2025-02-19" => model.contains("3-7-sonnet"),
        "token-efficient-tools-2025-02-19" => model.contains("3-7-sonnet") || claude_4(model),
        "interleaved-thinking-2025-05-14" | "dev-full-thinking-2025-05-14" => claude_4(model),
        "context-1m-2025-08-07" => claude_4(model) && model.contains("sonnet"),
        "context-management-2025-06-27" => model.contains("4-5"),
        _ => true,
    }
}

/// The betas of a comma-separated header value Bedrock takes for `model`, and those dropped.
pub fn accepted(model: &str, header: &str) -> (Vec<String>, Vec<String>) {
    let model = model.to_ascii_lowercase();
    header
        .split(',')
        .map(str::trim)
        .filter(|beta| !beta.is_empty())
        .map(str::to_owned)
        .partition(|beta| !NOT_ON_BEDROCK.contains(&beta.as_str()) && model_has(&model, beta))
}

/// The model id of an InvokeModel URL (`.../model/{id}/invoke...`), percent-decoded; `None`
/// for any other URL.
fn invoked_model(url: &str) -> Option<String> {
    let path = url.split('?').next()?;
    let mut segments = path.rsplit('/');
    let action = segments.next()?;
    if action != "invoke" && action != "invoke-with-response-stream" {
        return None;
    }
    let model = segments.next()?;
    (segments.next()? == "model").then(|| percent_decode(model))
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `request` carries a client's betas to move into its body.
pub fn present(request: &UpstreamRequest) -> bool {
    request.headers.contains_key(HEADER)
}

/// Moves the `anthropic-beta` header of an InvokeModel request into its body's
/// `anthropic_beta` (merged with any the body names), keeping the betas Bedrock takes for the
/// model. The header goes in every case: Bedrock does not read it.
pub fn move_into_body(request: &mut UpstreamRequest) -> Result<(), RelayError> {
    let Some(header) = request.headers.remove(HEADER) else {
        return Ok(());
    };
    let Some(model) = invoked_model(&request.url) else {
        return Ok(());
    };
    let (kept, dropped) = accepted(&model, header.to_str().unwrap_or_default());
    if !dropped.is_empty() {
        tracing::info!(
            model = %model,
            dropped = %dropped.join(","),
            "anthropic betas Bedrock does not take for this model were dropped"
        );
    }
    if kept.is_empty() {
        return Ok(());
    }
    let mut body: serde_json::Map<String, Value> =
        serde_json::from_slice(&request.body).map_err(|_| RelayError::Internal)?;
    let betas = body
        .entry("anthropic_beta")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(betas) = betas else {
        return Err(RelayError::BadRequest {
            message: "anthropic_beta must be an array".to_owned(),
            param: Some("anthropic_beta"),
        });
    };
    for beta in kept {
        if !betas
            .iter()
            .any(|named| named.as_str() == Some(beta.as_str()))
        {
            betas.push(Value::String(beta));
        }
    }
    request.body = Bytes::from(Value::Object(body).to_string());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue, Method};

    #[test]
    fn betas_bedrock_lacks_or_the_model_lacks_are_dropped() {
        let (kept, dropped) = accepted(
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "interleaved-thinking-2025-05-14, advanced-tool-use-2025-11-20,context-1m-2025-08-07,\
             computer-use-2025-01-24,,fine-grained-tool-streaming-2025-05-14",
        );
        assert_eq!(
            kept,
            [
                "interleaved-thinking-2025-05-14",
                "context-1m-2025-08-07",
                "fine-grained-tool-streaming-2025-05-14"
            ]
        );
        assert_eq!(
            dropped,
            ["advanced-tool-use-2025-11-20", "computer-use-2025-01-24"]
        );
        let (kept, dropped) = accepted(
            "anthropic.claude-3-5-haiku-20241022-v1:0",
            "interleaved-thinking-2025-05-14,context-1m-2025-08-07",
        );
        assert!(kept.is_empty());
        assert_eq!(dropped.len(), 2);
    }

    fn request(url: &str, beta: Option<&str>) -> UpstreamRequest {
        let mut headers = HeaderMap::new();
        if let Some(beta) = beta {
            headers.insert(HEADER, HeaderValue::from_str(beta).unwrap());
        }
        UpstreamRequest {
            method: Method::POST,
            url: url.to_owned(),
            headers,
            body: Bytes::from_static(
                br#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":8}"#,
            ),
        }
    }

    #[test]
    fn the_header_becomes_the_body_array_on_invoke_model() {
        let mut invoke = request(
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/\
             us.anthropic.claude-sonnet-4-20250514-v1%3A0/invoke-with-response-stream",
            Some("interleaved-thinking-2025-05-14,tool-examples-2025-10-29"),
        );
        assert!(present(&invoke));
        move_into_body(&mut invoke).unwrap();
        assert!(!present(&invoke), "Bedrock does not read the header");
        let body: Value = serde_json::from_slice(&invoke.body).unwrap();
        assert_eq!(
            body["anthropic_beta"],
            serde_json::json!(["interleaved-thinking-2025-05-14"])
        );
        assert_eq!(body["max_tokens"], 8);

        // Only dropped betas: the body stays as it was.
        let mut only_dropped = request(
            "http://127.0.0.1:9/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke",
            Some("context-1m-2025-08-07"),
        );
        let before = only_dropped.body.clone();
        move_into_body(&mut only_dropped).unwrap();
        assert_eq!(only_dropped.body, before);
        assert!(!present(&only_dropped));

        assert_eq!(
            invoked_model("http://h/model/a%3Ab%2Fc/invoke").as_deref(),
            Some("a:b/c")
        );
        assert_eq!(invoked_model("http://h/model/a/converse"), None);
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
