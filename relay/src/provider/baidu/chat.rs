//! Chat to ERNIE and back: the chat pivot as a Wenxin Workshop request, `result` answers and `is_end` stream events as chat, `error_code`s as errors.

use serde_json::{Map, Value, json};

use crate::convert::{EventConverter, ResponseMeta, StreamEvent};
use crate::error::{ErrorBody, RelayError};

/// ERNIE's temperature range is (0, 1]; chat's 0 (greedy) becomes its smallest value.
const MIN_TEMPERATURE: f64 = 0.01;
/// ERNIE refuses `max_output_tokens` below 2.
const MIN_OUTPUT_TOKENS: u64 = 2;

/// Error codes that mean the access token is invalid (110) or expired (111): the token is
/// dropped and exchanged again.
pub(super) const TOKEN_ERRORS: [i64; 2] = [110, 111];

/// The text of a chat message's content: a string, or its text parts joined.
fn text_of(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}

/// A chat request body as ERNIE's: system messages joined into `system`, the others as
/// alternating `user`/`assistant` turns (tool results are the user's turn; consecutive turns
/// of one role are joined, as ERNIE refuses repeats), the sampling parameters in its ranges.
pub(super) fn chat_request(chat: &Value, stream: bool) -> Result<Value, RelayError> {
    let messages = chat
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| RelayError::BadRequest {
            message: "messages must be an array".to_owned(),
            param: Some("messages"),
        })?;
    let mut system = Vec::new();
    let mut turns: Vec<(&'static str, String)> = Vec::new();
    for message in messages {
        let text = text_of(message.get("content").unwrap_or(&Value::Null));
        let role = match message.get("role").and_then(Value::as_str) {
            Some("system" | "developer") => {
                system.push(text);
                continue;
            }
            Some("assistant") => "assistant",
            _ => "user",
        };
        match turns.last_mut() {
            Some((last, joined)) if *last == role => {
                joined.push_str("\n\n");
                joined.push_str(&text);
            }
            _ => turns.push((role, text)),
        }
    }
    let mut body = Map::new();
    body.insert(
        "messages".into(),
        Value::Array(
            turns
                .into_iter()
                .map(|(role, content)| json!({"role": role, "content": content}))
                .collect(),
        ),
    );
    if !system.is_empty() {
        body.insert("system".into(), Value::String(system.join("\n\n")));
    }
    if let Some(temperature) = chat.get("temperature").and_then(Value::as_f64) {
        body.insert(
            "temperature".into(),
            json!(temperature.clamp(MIN_TEMPERATURE, 1.0)),
        );
    }
    if let Some(top_p) = chat.get("top_p").and_then(Value::as_f64) {
        body.insert("top_p".into(), json!(top_p.clamp(0.0, 1.0)));
    }
    // Chat's frequency penalty [-2, 2] mapped onto ERNIE's penalty score [1, 2], as the seed.
    if let Some(penalty) = chat.get("frequency_penalty").and_then(Value::as_f64) {
        let penalty = penalty.clamp(-2.0, 2.0);
        body.insert("penalty_score".into(), json!((penalty + 2.0) / 4.0 + 1.0));
    }
    let max_tokens = chat
        .get("max_completion_tokens")
        .or_else(|| chat.get("max_tokens"))
        .and_then(Value::as_u64);
    if let Some(max_tokens) = max_tokens {
        body.insert(
            "max_output_tokens".into(),
            json!(max_tokens.max(MIN_OUTPUT_TOKENS)),
        );
    }
    match chat.get("stop") {
        Some(Value::String(stop)) => {
            body.insert("stop".into(), json!([stop]));
        }
        Some(stop @ Value::Array(_)) => {
            body.insert("stop".into(), stop.clone());
        }
        _ => {}
    }
    if let Some(user) = chat.get("user").and_then(Value::as_str) {
        body.insert("user_id".into(), json!(user));
    }
    if stream {
        body.insert("stream".into(), Value::Bool(true));
    }
    Ok(Value::Object(body))
}

/// An embeddings request as ERNIE's: `input` always a list of strings.
pub(super) fn embeddings_request(body: &Value) -> Result<Value, RelayError> {
    let input = match body.get("input") {
        Some(Value::String(text)) => vec![Value::String(text.clone())],
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items.clone(),
        _ => {
            return Err(RelayError::BadRequest {
                message: "baidu embeddings take input as a string or a list of strings".to_owned(),
                param: Some("input"),
            });
        }
    };
    let mut native = json!({"input": input});
    if let Some(user) = body.get("user").and_then(Value::as_str) {
        native["user_id"] = json!(user);
    }
    Ok(native)
}

/// Baidu's error in an answer: `error_code` and `error_msg` at the top level (or, as the seed
/// also reads them, under `error`).
pub(super) fn native_error(answer: &Value) -> Option<(i64, String)> {
    let holder = match answer.get("error") {
        Some(error @ Value::Object(_)) => error,
        _ => answer,
    };
    let code = holder.get("error_code").and_then(Value::as_i64)?;
    if code == 0 {
        return None;
    }
    let message = holder
        .get("error_msg")
        .and_then(Value::as_str)
        .unwrap_or("baidu upstream error")
        .to_owned();
    Some((code, message))
}

/// The relay error for Baidu's `code` (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/tlmyncueh);
/// `message` is already scrubbed.
pub(super) fn error_for(code: i64, message: String) -> RelayError {
    match code {
        // Token invalid or expired, unknown client, no permission for the API or model.
        13 | 14 | 100 | 110 | 111 | 6 | 19 => RelayError::UpstreamCredentials { status: 401 },
        // Request rate and daily quota limits.
        4 | 17 | 18 | 336117 | 336501..=336507 => RelayError::RateLimited { retry_after: None },
        // The request itself: invalid arguments, bad messages, too long a prompt.
        336000..=336499 | 337000..=337999 => RelayError::UpstreamRejected {
            status: 400,
            body: Some(ErrorBody {
                message,
                kind: "invalid_request_error".to_owned(),
                param: None,
                code: Some(format!("upstream_{code}")),
            }),
        },
        _ => RelayError::UpstreamFailed,
    }
}

/// ERNIE's finish reason as chat's; a truncated answer is cut for length.
fn finish_reason(answer: &Value) -> &'static str {
    if answer.get("is_truncated").and_then(Value::as_bool) == Some(true) {
        return "length";
    }
    match answer.get("finish_reason").and_then(Value::as_str) {
        Some("length") => "length",
        Some("content_filter") => "content_filter",
        Some("function_call") => "tool_calls",
        _ => "stop",
    }
}

/// ERNIE's usage (chat's field names already) with only the counts kept.
fn usage_of(answer: &Value) -> Option<Value> {
    let usage = answer.get("usage")?;
    let count = |name: &str| usage.get(name).and_then(Value::as_u64).unwrap_or(0);
    let prompt = count("prompt_tokens");
    let completion = count("completion_tokens");
    let total = usage
        .get("total_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(prompt + completion);
    Some(json!({"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": total}))
}

fn chat_id(answer: &Value) -> String {
    match answer.get("id").and_then(Value::as_str) {
        Some(id) if !id.is_empty() => id.chars().take(128).collect(),
        _ => format!("chatcmpl-{}", uuid::Uuid::now_v7().simple()),
    }
}

/// A whole ERNIE answer (`result`, `usage`) as a chat completion.
pub(super) fn chat_response(answer: &Value, meta: &ResponseMeta) -> Value {
    let mut chat = json!({
        "id": chat_id(answer),
        "object": "chat.completion",
        "created": answer.get("created").and_then(Value::as_i64).unwrap_or(meta.created),
        "model": meta.model,
        "choices": [{"index": 0,
            "message": {"role": "assistant",
                "content": answer.get("result").and_then(Value::as_str).unwrap_or_default()},
            "finish_reason": finish_reason(answer)}],
    });
    if let Some(usage) = usage_of(answer) {
        chat["usage"] = usage;
    }
    chat
}

/// An ERNIE embeddings answer as OpenAI's list.
pub(super) fn embeddings_response(answer: &Value, meta: &ResponseMeta) -> Value {
    let mut list = json!({
        "object": "list",
        "model": meta.model,
        "data": answer.get("data").cloned().unwrap_or_else(|| json!([])),
    });
    if let Some(usage) = answer.get("usage") {
        let prompt = usage
            .get("prompt_tokens")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let total = usage
            .get("total_tokens")
            .and_then(Value::as_u64)
            .unwrap_or(prompt);
        list["usage"] = json!({"prompt_tokens": prompt, "total_tokens": total});
    }
    list
}

/// ERNIE stream events (`result` pieces, `is_end` on the last, usage so far on each) in,
/// chat completion chunks out.
pub(super) struct ErnieToChatStream {
    meta: ResponseMeta,
    id: Option<String>,
    created: i64,
    usage: Option<Value>,
    done: bool,
}

impl ErnieToChatStream {
    pub(super) fn new(meta: ResponseMeta) -> ErnieToChatStream {
        ErnieToChatStream {
            created: meta.created,
            meta,
            id: None,
            usage: None,
            done: false,
        }
    }

    fn chunk(&self, choices: Value) -> Value {
        json!({"id": self.id.as_deref().unwrap_or_default(), "object": "chat.completion.chunk",
            "created": self.created, "model": self.meta.model, "choices": choices})
    }

    fn delta(&self, delta: Value, finish_reason: Value) -> StreamEvent {
        StreamEvent::Json {
            event: None,
            data: self.chunk(json!([{"index": 0, "delta": delta, "finish_reason": finish_reason}])),
        }
    }

    /// The usage chunk (when ERNIE reported usage) and `[DONE]`.
    fn close(&mut self, out: &mut Vec<StreamEvent>) {
        self.done = true;
        if let Some(usage) = self.usage.take() {
            let mut chunk = self.chunk(json!([]));
            chunk["usage"] = usage;
            out.push(StreamEvent::Json {
                event: None,
                data: chunk,
            });
        }
        out.push(StreamEvent::Done);
    }

    fn fail(&mut self, message: &str, out: &mut Vec<StreamEvent>) {
        out.push(StreamEvent::Json {
            event: None,
            data: json!({"error": {"message": message, "type": "upstream_error", "param": null, "code": null}}),
        });
        self.close(out);
    }
}

impl EventConverter for ErnieToChatStream {
    fn push(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
        if self.done || !event.is_object() {
            return;
        }
        if let Some((code, _)) = native_error(event) {
            // The message is not passed on: it is Baidu's, unscrubbed.
            self.fail(&format!("baidu error {code} mid-stream"), out);
            return;
        }
        if self.id.is_none() {
            self.id = Some(chat_id(event));
            if let Some(created) = event.get("created").and_then(Value::as_i64) {
                self.created = created;
            }
            out.push(self.delta(json!({"role": "assistant", "content": ""}), Value::Null));
        }
        if let Some(usage) = usage_of(event) {
            self.usage = Some(usage);
        }
        if let Some(text) = event.get("result").and_then(Value::as_str)
            && !text.is_empty()
        {
            out.push(self.delta(json!({"content": text}), Value::Null));
        }
        if event.get("is_end").and_then(Value::as_bool) == Some(true) {
            out.push(self.delta(json!({}), json!(finish_reason(event))));
            self.close(out);
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.done {
            self.fail("baidu stream ended before its last event", out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> ResponseMeta {
        ResponseMeta {
            model: "ERNIE-4.0-8K".into(),
            created: 7,
            tools: Default::default(),
        }
    }

    #[test]
    fn a_chat_request_becomes_ernie_turns_with_system_and_ranges() {
        let chat = json!({"model": "m", "stream": true, "temperature": 0, "top_p": 0.5,
            "frequency_penalty": 2.0, "max_tokens": 1, "stop": "END", "user": "u1",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "!"}]},
                {"role": "assistant", "content": "Hello"},
                {"role": "user", "content": "one"},
                {"role": "tool", "tool_call_id": "c", "content": "two"}]});
        let native = chat_request(&chat, true).unwrap();
        assert_eq!(
            native,
            json!({"system": "Be brief.", "temperature": 0.01, "top_p": 0.5, "penalty_score": 2.0,
                "max_output_tokens": 2, "stop": ["END"], "user_id": "u1", "stream": true,
                "messages": [{"role": "user", "content": "Hi!"},
                    {"role": "assistant", "content": "Hello"},
                    {"role": "user", "content": "one\n\ntwo"}]})
        );
        let plain = chat_request(
            &json!({"messages": [{"role": "user", "content": "x"}]}),
            false,
        )
        .unwrap();
        assert_eq!(
            plain,
            json!({"messages": [{"role": "user", "content": "x"}]})
        );
        assert!(chat_request(&json!({}), false).is_err());
    }

    #[test]
    fn a_whole_answer_reads_as_a_chat_completion() {
        let answer = json!({"id": "as-1", "object": "chat.completion", "created": 99,
            "result": "Hello", "is_truncated": true, "need_clear_history": false,
            "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}});
        assert_eq!(
            chat_response(&answer, &meta()),
            json!({"id": "as-1", "object": "chat.completion", "created": 99, "model": "ERNIE-4.0-8K",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello"},
                    "finish_reason": "length"}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}})
        );
    }

    #[test]
    fn errors_are_read_at_the_top_and_nested_and_mapped_by_code() {
        assert_eq!(
            native_error(&json!({"error_code": 111, "error_msg": "Access token expired"})),
            Some((111, "Access token expired".to_owned()))
        );
        assert_eq!(
            native_error(&json!({"error": {"error_code": 17, "error_msg": "limit"}})),
            Some((17, "limit".to_owned()))
        );
        assert_eq!(native_error(&json!({"result": "ok"})), None);
        assert!(matches!(
            error_for(111, String::new()),
            RelayError::UpstreamCredentials { .. }
        ));
        assert!(matches!(
            error_for(18, String::new()),
            RelayError::RateLimited { .. }
        ));
        let RelayError::UpstreamRejected { status: 400, body } = error_for(336003, "bad".into())
        else {
            panic!("336003 is the request's fault");
        };
        assert_eq!(body.unwrap().code.as_deref(), Some("upstream_336003"));
        assert!(matches!(
            error_for(336100, String::new()),
            RelayError::UpstreamRejected { .. }
        ));
        assert!(matches!(
            error_for(1, String::new()),
            RelayError::UpstreamFailed
        ));
    }

    fn run(events: &[Value]) -> Vec<Value> {
        let mut converter = ErnieToChatStream::new(meta());
        let mut out = Vec::new();
        for event in events {
            converter.push(event, &mut out);
        }
        converter.finish(&mut out);
        out.into_iter()
            .map(|event| match event {
                StreamEvent::Json { data, .. } => data,
                StreamEvent::Done => json!("[DONE]"),
            })
            .collect()
    }

    #[test]
    fn stream_events_become_chunks_with_one_usage_chunk_at_the_end() {
        let usage = json!({"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5});
        let chunks = run(&[
            json!({"id": "as-2", "created": 5, "sentence_id": 0, "is_end": false, "result": "Hel",
                "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}),
            json!({"id": "as-2", "created": 5, "sentence_id": 1, "is_end": true, "result": "lo",
                "usage": usage}),
        ]);
        let contents: Vec<&Value> = chunks
            .iter()
            .filter_map(|chunk| chunk.pointer("/choices/0/delta/content"))
            .collect();
        assert_eq!(contents, [&json!(""), &json!("Hel"), &json!("lo")]);
        assert_eq!(chunks[3]["choices"][0]["finish_reason"], "stop");
        assert_eq!(chunks[4]["usage"], usage);
        assert_eq!(chunks[4]["id"], "as-2");
        assert_eq!(chunks[5], "[DONE]");
        assert_eq!(chunks.len(), 6);
    }

    #[test]
    fn a_stream_cut_short_or_failing_ends_with_an_error_chunk() {
        let cut = run(&[json!({"id": "a", "result": "Hel", "is_end": false})]);
        assert!(cut[2]["error"]["message"].is_string(), "{cut:?}");
        assert_eq!(cut.last(), Some(&json!("[DONE]")));
        let failed = run(&[json!({"error_code": 336100, "error_msg": "secret 24.abc"})]);
        assert_eq!(
            failed[0]["error"]["message"],
            "baidu error 336100 mid-stream"
        );
        assert_eq!(failed.len(), 2);
    }
}
