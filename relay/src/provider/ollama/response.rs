//! Ollama native answers read as the relay's: `/api/chat` (one JSON or JSON lines) as chat completions and chunks, `/api/embed` as an OpenAI embeddings list.

use serde_json::{Value, json};

use crate::convert::{EventConverter, ResponseMeta, StreamEvent, Usage};
use crate::error::{RelayError, prefix_within};

/// Ollama names no answer: the id is made from its timestamp (digits only, bounded), so the
/// same answer reads the same.
fn id(answer: &Value, meta: &ResponseMeta) -> String {
    let stamp: String = answer
        .get("created_at")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .take(32)
        .collect();
    if stamp.is_empty() {
        format!("chatcmpl-ollama-{}", meta.created)
    } else {
        format!("chatcmpl-ollama-{stamp}")
    }
}

fn usage(answer: &Value) -> Option<Usage> {
    let count = |name: &str| answer.get(name).and_then(Value::as_u64);
    let input = count("prompt_eval_count");
    let output = count("eval_count");
    (input.is_some() || output.is_some()).then(|| Usage {
        input: input.unwrap_or(0),
        output: output.unwrap_or(0),
        ..Usage::default()
    })
}

fn finish_reason(answer: &Value, has_calls: bool) -> &'static str {
    match answer.get("done_reason").and_then(Value::as_str) {
        Some("length") => "length",
        _ if has_calls => "tool_calls",
        _ => "stop",
    }
}

/// Ollama's calls (arguments as objects, ids only in recent versions) as chat tool calls;
/// `first` numbers the ones without an id.
fn calls(message: &Value, first: usize) -> Vec<Value> {
    message
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(offset, call)| {
            let id = call
                .get("id")
                .and_then(Value::as_str)
                .map(|id| prefix_within(id, 256).to_owned())
                .unwrap_or_else(|| format!("call_{}", first + offset));
            let arguments = match call.pointer("/function/arguments") {
                Some(Value::String(text)) => text.clone(),
                Some(value) => value.to_string(),
                None => "{}".to_owned(),
            };
            json!({"id": id, "type": "function", "function": {
                "name": call.pointer("/function/name").and_then(Value::as_str).unwrap_or_default(),
                "arguments": arguments}})
        })
        .collect()
}

fn upstream_error(answer: &Value) -> Option<String> {
    answer
        .get("error")
        .map(|error| {
            error
                .as_str()
                .map_or_else(|| error.to_string(), str::to_owned)
        })
        .map(|message| prefix_within(&message, 500).to_owned())
}

/// A whole `/api/chat` answer as a chat completion.
pub(super) fn chat(answer: &Value, meta: &ResponseMeta) -> Result<Value, RelayError> {
    if upstream_error(answer).is_some() {
        return Err(RelayError::UpstreamFailed);
    }
    let message = answer.get("message").ok_or(RelayError::UpstreamInvalid)?;
    let calls = calls(message, 0);
    let text = message.get("content").and_then(Value::as_str).unwrap_or("");
    let mut reply = json!({"role": "assistant",
        "content": if text.is_empty() && !calls.is_empty() { Value::Null } else { json!(text) }});
    if let Some(thinking) = message
        .get("thinking")
        .and_then(Value::as_str)
        .filter(|thinking| !thinking.is_empty())
    {
        reply["reasoning_content"] = json!(thinking);
    }
    let finish = finish_reason(answer, !calls.is_empty());
    if !calls.is_empty() {
        reply["tool_calls"] = Value::Array(calls);
    }
    let mut completion = json!({"id": id(answer, meta), "object": "chat.completion",
        "created": meta.created, "model": meta.model,
        "choices": [{"index": 0, "message": reply, "logprobs": null, "finish_reason": finish}]});
    if let Some(usage) = usage(answer) {
        completion["usage"] = usage.to_chat();
    }
    Ok(completion)
}

/// An `/api/embed` answer as an OpenAI embeddings list.
pub(super) fn embed(answer: &Value, meta: &ResponseMeta) -> Result<Value, RelayError> {
    if upstream_error(answer).is_some() {
        return Err(RelayError::UpstreamFailed);
    }
    let vectors = answer
        .get("embeddings")
        .and_then(Value::as_array)
        .ok_or(RelayError::UpstreamInvalid)?;
    let data: Vec<Value> = vectors
        .iter()
        .enumerate()
        .map(|(index, vector)| json!({"object": "embedding", "index": index, "embedding": vector}))
        .collect();
    let tokens = answer
        .get("prompt_eval_count")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    Ok(json!({"object": "list", "data": data, "model": meta.model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}))
}

/// `/api/chat` JSON lines in, chat chunks out: each line's message as a delta, the `done`
/// line's reason and counts as the finish and usage chunks, an `error` line as an error chunk.
/// A whole `/api/generate` answer as an OpenAI `text_completion`.
pub(super) fn completion(answer: &Value, meta: &ResponseMeta) -> Result<Value, RelayError> {
    if let Some(message) = upstream_error(answer) {
        tracing::warn!(%message, "ollama answered with an error");
        return Err(RelayError::UpstreamFailed);
    }
    let text = answer
        .get("response")
        .and_then(Value::as_str)
        .ok_or(RelayError::UpstreamInvalid)?;
    let mut body = json!({"id": id(answer, meta).replacen("chatcmpl", "cmpl", 1),
        "object": "text_completion", "created": meta.created, "model": meta.model,
        "choices": [{"index": 0, "text": text, "logprobs": null,
            "finish_reason": finish_reason(answer, false)}]});
    if let Some(usage) = usage(answer) {
        body["usage"] = usage.to_chat();
    }
    Ok(body)
}

pub struct OllamaToChatStream {
    meta: ResponseMeta,
    /// `/api/generate` lines (`response` text) read as `text_completion` chunks instead of
    /// `/api/chat` lines as chat chunks.
    completion: bool,
    id: Option<String>,
    calls: usize,
    usage: Option<Usage>,
    finished: bool,
    done: bool,
}

impl OllamaToChatStream {
    pub fn new(meta: ResponseMeta) -> OllamaToChatStream {
        OllamaToChatStream {
            meta,
            completion: false,
            id: None,
            calls: 0,
            usage: None,
            finished: false,
            done: false,
        }
    }

    /// The converter for `/api/generate` streams (completions clients).
    pub fn completions(meta: ResponseMeta) -> OllamaToChatStream {
        OllamaToChatStream {
            completion: true,
            ..OllamaToChatStream::new(meta)
        }
    }

    fn chunk(&self, delta: Value, finish_reason: Value) -> StreamEvent {
        if self.completion {
            let text = delta.get("content").cloned().unwrap_or(json!(""));
            return StreamEvent::Json {
                event: None,
                data: json!({"id": self.id, "object": "text_completion",
                    "created": self.meta.created, "model": self.meta.model,
                    "choices": [{"index": 0, "text": text, "logprobs": null, "finish_reason": finish_reason}]}),
            };
        }
        StreamEvent::Json {
            event: None,
            data: json!({"id": self.id, "object": "chat.completion.chunk",
                "created": self.meta.created, "model": self.meta.model,
                "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason}]}),
        }
    }

    fn fail(&mut self, message: &str, out: &mut Vec<StreamEvent>) {
        self.done = true;
        out.push(StreamEvent::Json {
            event: None,
            data: json!({"error": {"message": message, "type": "upstream_error", "param": null, "code": null}}),
        });
        out.push(StreamEvent::Done);
    }
}

impl EventConverter for OllamaToChatStream {
    fn push(&mut self, line: &Value, out: &mut Vec<StreamEvent>) {
        if self.done || self.finished {
            return;
        }
        if let Some(message) = upstream_error(line) {
            return self.fail(&message, out);
        }
        if self.id.is_none() {
            self.id = Some(id(line, &self.meta));
            if !self.completion {
                out.push(self.chunk(json!({"role": "assistant", "content": ""}), Value::Null));
            }
        }
        // A generate line carries its text in `response`: read it as a message's content.
        let generated;
        let message = if self.completion {
            generated = json!({"content": line.get("response").cloned().unwrap_or(Value::Null)});
            &generated
        } else {
            line.get("message").unwrap_or(&Value::Null)
        };
        for (field, name) in [("thinking", "reasoning_content"), ("content", "content")] {
            if let Some(text) = message
                .get(field)
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
            {
                out.push(self.chunk(json!({ name: text }), Value::Null));
            }
        }
        let mut calls = calls(message, self.calls);
        if !calls.is_empty() {
            for (offset, call) in calls.iter_mut().enumerate() {
                call["index"] = json!(self.calls + offset);
            }
            self.calls += calls.len();
            out.push(self.chunk(json!({"tool_calls": calls}), Value::Null));
        }
        if line.get("done").and_then(Value::as_bool) == Some(true) {
            self.finished = true;
            self.usage = usage(line);
            let finish = finish_reason(line, self.calls > 0);
            out.push(self.chunk(json!({}), json!(finish)));
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        if !self.finished {
            return self.fail(
                "upstream stream ended before the response was complete",
                out,
            );
        }
        self.done = true;
        if let Some(usage) = self.usage {
            let object = if self.completion {
                "text_completion"
            } else {
                "chat.completion.chunk"
            };
            out.push(StreamEvent::Json {
                event: None,
                data: json!({"id": self.id, "object": object,
                    "created": self.meta.created, "model": self.meta.model,
                    "choices": [], "usage": usage.to_chat()}),
            });
        }
        out.push(StreamEvent::Done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> ResponseMeta {
        ResponseMeta {
            model: "llama3.2".into(),
            created: 5,
            tools: Default::default(),
        }
    }

    fn run(lines: &[Value]) -> Vec<Value> {
        let mut converter = OllamaToChatStream::new(meta());
        let mut out = Vec::new();
        for line in lines {
            converter.push(line, &mut out);
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
    fn a_whole_answer_with_a_call_and_counts_reads_as_a_chat_completion() {
        let answer = json!({"model": "llama3.2", "created_at": "2025-01-02T03:04:05.6Z",
            "message": {"role": "assistant", "content": "", "thinking": "Hmm.",
                "tool_calls": [{"function": {"name": "weather", "arguments": {"city": "Paris"}}}]},
            "done": true, "done_reason": "stop", "prompt_eval_count": 26, "eval_count": 12});
        let chat = chat(&answer, &meta()).unwrap();
        assert_eq!(chat["id"], "chatcmpl-ollama-202501020304056");
        let choice = &chat["choices"][0];
        assert_eq!(choice["finish_reason"], "tool_calls");
        assert_eq!(choice["message"]["content"], Value::Null);
        assert_eq!(choice["message"]["reasoning_content"], "Hmm.");
        assert_eq!(choice["message"]["tool_calls"][0]["id"], "call_0");
        assert_eq!(
            choice["message"]["tool_calls"][0]["function"]["arguments"],
            "{\"city\":\"Paris\"}"
        );
        assert_eq!(chat["usage"]["prompt_tokens"], 26);
        assert_eq!(chat["usage"]["completion_tokens"], 12);
        let cut = json!({"message": {"content": "x"}, "done": true, "done_reason": "length"});
        assert_eq!(
            super::chat(&cut, &meta()).unwrap()["choices"][0]["finish_reason"],
            "length"
        );
        assert!(super::chat(&json!({"error": "model not found"}), &meta()).is_err());
    }

    #[test]
    fn json_lines_stream_as_chunks_with_the_done_line_as_finish_and_usage() {
        let chunks = run(&[
            json!({"message": {"role": "assistant", "content": "Hel"}, "done": false}),
            json!({"message": {"role": "assistant", "content": "lo"}, "done": false}),
            json!({"message": {"role": "assistant", "content": ""}, "done": true,
                "done_reason": "stop", "prompt_eval_count": 3, "eval_count": 2}),
        ]);
        assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
        assert_eq!(chunks[1]["choices"][0]["delta"]["content"], "Hel");
        assert_eq!(chunks[2]["choices"][0]["delta"]["content"], "lo");
        assert_eq!(chunks[3]["choices"][0]["finish_reason"], "stop");
        assert_eq!(chunks[4]["usage"]["total_tokens"], 5);
        assert_eq!(chunks[5], "[DONE]");
    }

    #[test]
    fn an_error_line_or_a_cut_stream_ends_with_an_error_chunk() {
        let failed = run(&[
            json!({"message": {"content": "a"}, "done": false}),
            json!({"error": "an error was encountered while running the model"}),
        ]);
        assert_eq!(
            failed[2]["error"]["message"],
            "an error was encountered while running the model"
        );
        assert_eq!(failed.len(), 4);
        let cut = run(&[json!({"message": {"content": "a"}, "done": false})]);
        assert!(
            cut[2]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("ended before")
        );
    }

    #[test]
    fn embeddings_read_as_an_openai_list_with_prompt_counts() {
        let list = embed(
            &json!({"model": "m", "embeddings": [[0.1], [0.2]], "prompt_eval_count": 4}),
            &meta(),
        )
        .unwrap();
        assert_eq!(list["data"][1]["embedding"], json!([0.2]));
        assert_eq!(list["usage"]["prompt_tokens"], 4);
    }
}
