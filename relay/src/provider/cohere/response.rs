//! Cohere v2 answers read as the relay's: chat replies as chat completions, `/v2/embed` as OpenAI embeddings, `/v2/rerank` as rerank results.

use serde_json::{Value, json};

use crate::convert::{ResponseMeta, Usage};
use crate::error::{RelayError, prefix_within};

/// Longest upstream id carried into an answer.
const MAX_ID: usize = 256;

pub(super) fn bounded(text: &str) -> String {
    prefix_within(text, MAX_ID).to_owned()
}

/// Tokens of a v2 `usage` (chat) or `meta` (embed, rerank): the billed units, which is what
/// the account pays, else the raw token counts; `None` when neither counts tokens (rerank
/// bills search units: the relay counts those requests itself).
pub(super) fn usage(usage: Option<&Value>) -> Option<Usage> {
    let usage = usage?;
    ["billed_units", "tokens"].into_iter().find_map(|group| {
        let group = usage.get(group)?;
        let count = |name: &str| group.get(name).and_then(Value::as_f64).map(|n| n as u64);
        let input = count("input_tokens");
        let output = count("output_tokens");
        (input.is_some() || output.is_some()).then(|| Usage {
            input: input.unwrap_or(0),
            output: output.unwrap_or(0),
            ..Usage::default()
        })
    })
}

/// The chat finish reason of a v2 one; `None` for a generation that failed upstream.
pub(super) fn finish_reason(reason: &str, has_calls: bool) -> Option<&'static str> {
    match reason {
        "MAX_TOKENS" => Some("length"),
        "TOOL_CALL" => Some("tool_calls"),
        "ERROR" | "TIMEOUT" => None,
        _ if has_calls => Some("tool_calls"),
        _ => Some("stop"),
    }
}

/// A v2 chat reply as a chat completion: text items joined, thinking items and the tool plan
/// as reasoning, tool calls as they are.
pub(super) fn chat(answer: &Value, meta: &ResponseMeta) -> Result<Value, RelayError> {
    let message = answer.get("message").ok_or(RelayError::UpstreamInvalid)?;
    let mut text = String::new();
    let mut reasoning = String::new();
    for item in message
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match item.get("type").and_then(Value::as_str) {
            Some("thinking") => {
                reasoning.push_str(item.get("thinking").and_then(Value::as_str).unwrap_or(""))
            }
            _ => text.push_str(item.get("text").and_then(Value::as_str).unwrap_or("")),
        }
    }
    if let Some(plan) = message.get("tool_plan").and_then(Value::as_str) {
        reasoning.push_str(plan);
    }
    let calls: Vec<Value> = message
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|call| {
            json!({"id": bounded(call.get("id").and_then(Value::as_str).unwrap_or("")), "type": "function",
                "function": {
                    "name": call.pointer("/function/name").and_then(Value::as_str).unwrap_or(""),
                    "arguments": call.pointer("/function/arguments").and_then(Value::as_str).unwrap_or("{}"),
                }})
        })
        .collect();
    let reason = answer
        .get("finish_reason")
        .and_then(Value::as_str)
        .unwrap_or("COMPLETE");
    let finish = finish_reason(reason, !calls.is_empty()).ok_or(RelayError::UpstreamFailed)?;
    let mut reply = json!({"role": "assistant",
        "content": if text.is_empty() && !calls.is_empty() { Value::Null } else { json!(text) }});
    if !reasoning.is_empty() {
        reply["reasoning_content"] = json!(reasoning);
    }
    if !calls.is_empty() {
        reply["tool_calls"] = Value::Array(calls);
    }
    let mut completion = json!({
        "id": bounded(answer.get("id").and_then(Value::as_str).unwrap_or("")),
        "object": "chat.completion", "created": meta.created, "model": meta.model,
        "choices": [{"index": 0, "message": reply, "logprobs": null, "finish_reason": finish}],
    });
    if let Some(usage) = usage(answer.get("usage")) {
        completion["usage"] = usage.to_chat();
    }
    Ok(completion)
}

/// A `/v2/embed` answer (embeddings by type) as an OpenAI embeddings list: float vectors as
/// arrays, base64 ones as their strings (the request asked for one type).
pub(super) fn embed(answer: &Value, meta: &ResponseMeta) -> Result<Value, RelayError> {
    let vectors = answer
        .pointer("/embeddings/float")
        .or_else(|| answer.pointer("/embeddings/base64"))
        .or_else(|| answer.get("embeddings").filter(|value| value.is_array()))
        .and_then(Value::as_array)
        .ok_or(RelayError::UpstreamInvalid)?;
    let data: Vec<Value> = vectors
        .iter()
        .enumerate()
        .map(|(index, vector)| json!({"object": "embedding", "index": index, "embedding": vector}))
        .collect();
    let mut list = json!({"object": "list", "data": data, "model": meta.model});
    if let Some(usage) = usage(answer.get("meta")) {
        list["usage"] = json!({"prompt_tokens": usage.input, "total_tokens": usage.input});
    }
    Ok(list)
}

/// A `/v2/rerank` answer as the relay's rerank clients read it: `results` of `index` and
/// `relevance_score`, best first, with usage when Cohere counted tokens.
pub(super) fn rerank(answer: &Value, meta: &ResponseMeta) -> Result<Value, RelayError> {
    let results: Vec<Value> = answer
        .get("results")
        .and_then(Value::as_array)
        .ok_or(RelayError::UpstreamInvalid)?
        .iter()
        .map(|result| {
            json!({"index": result.get("index").cloned().unwrap_or_default(),
                "relevance_score": result.get("relevance_score").cloned().unwrap_or_default()})
        })
        .collect();
    let mut out = json!({"id": bounded(answer.get("id").and_then(Value::as_str).unwrap_or("")),
        "model": meta.model, "results": results});
    if let Some(usage) = usage(answer.get("meta")) {
        out["usage"] = json!({"prompt_tokens": usage.input, "total_tokens": usage.input});
    }
    if let Some(units) = answer.pointer("/meta/billed_units/search_units") {
        out["meta"] = json!({"billed_units": {"search_units": units}});
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> ResponseMeta {
        ResponseMeta {
            model: "command-a".into(),
            created: 1_700_000_000,
            tools: Default::default(),
        }
    }

    #[test]
    fn a_reply_with_text_a_plan_and_a_call_reads_as_a_chat_completion() {
        let answer = json!({"id": "c-1", "finish_reason": "TOOL_CALL",
            "message": {"role": "assistant", "content": [{"type": "text", "text": "Checking."}],
                "tool_plan": "Look up Paris.",
                "tool_calls": [{"id": "weather_1", "type": "function",
                    "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]},
            "usage": {"billed_units": {"input_tokens": 5, "output_tokens": 7},
                "tokens": {"input_tokens": 70, "output_tokens": 7}}});
        let chat = chat(&answer, &meta()).unwrap();
        assert_eq!(chat["id"], "c-1");
        assert_eq!(chat["model"], "command-a");
        let choice = &chat["choices"][0];
        assert_eq!(choice["finish_reason"], "tool_calls");
        assert_eq!(choice["message"]["content"], "Checking.");
        assert_eq!(choice["message"]["reasoning_content"], "Look up Paris.");
        assert_eq!(
            choice["message"]["tool_calls"][0]["function"]["arguments"],
            "{\"city\":\"Paris\"}"
        );
        assert_eq!(chat["usage"]["prompt_tokens"], 5);
        assert_eq!(chat["usage"]["completion_tokens"], 7);
    }

    #[test]
    fn finish_reasons_map_and_a_failed_generation_is_an_upstream_failure() {
        let answer = |reason: &str| {
            json!({"finish_reason": reason, "message": {"content": [{"type": "text", "text": "x"}]},
                "usage": {"tokens": {"input_tokens": 3, "output_tokens": 1}}})
        };
        let reason =
            |r: &str| chat(&answer(r), &meta()).unwrap()["choices"][0]["finish_reason"].clone();
        assert_eq!(reason("COMPLETE"), "stop");
        assert_eq!(reason("STOP_SEQUENCE"), "stop");
        assert_eq!(reason("MAX_TOKENS"), "length");
        assert_eq!(
            chat(&answer("COMPLETE"), &meta()).unwrap()["usage"]["prompt_tokens"],
            3
        );
        assert!(matches!(
            chat(&answer("ERROR"), &meta()),
            Err(RelayError::UpstreamFailed)
        ));
        assert!(matches!(
            chat(&json!({"text": "v1 shape"}), &meta()),
            Err(RelayError::UpstreamInvalid)
        ));
    }

    #[test]
    fn embeddings_and_rerank_answers_take_openai_and_rerank_shapes() {
        let embedded = embed(
            &json!({"id": "e", "embeddings": {"float": [[0.1, 0.2], [0.3, 0.4]]},
                "texts": ["a", "b"], "meta": {"billed_units": {"input_tokens": 4}}}),
            &meta(),
        )
        .unwrap();
        assert_eq!(
            embedded["data"][1],
            json!({"object": "embedding", "index": 1, "embedding": [0.3, 0.4]})
        );
        assert_eq!(
            embedded["usage"],
            json!({"prompt_tokens": 4, "total_tokens": 4})
        );
        let ranked = rerank(
            &json!({"id": "r", "results": [{"index": 1, "relevance_score": 0.9}, {"index": 0, "relevance_score": 0.1}],
                "meta": {"billed_units": {"search_units": 1}}}),
            &meta(),
        )
        .unwrap();
        assert_eq!(
            ranked["results"][0],
            json!({"index": 1, "relevance_score": 0.9})
        );
        assert!(ranked.get("usage").is_none(), "search units are not tokens");
        assert!(embed(&json!({"embeddings": {"int8": [[1]]}}), &meta()).is_err());
        let encoded = embed(&json!({"embeddings": {"base64": ["AACAPw=="]}}), &meta()).unwrap();
        assert_eq!(encoded["data"][0]["embedding"], "AACAPw==");
    }
}
