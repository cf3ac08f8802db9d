//! Cohere v2 chat stream events (message-start, content-delta, tool-call-start, message-end, ...) read as chat completion chunks.

use serde_json::{Value, json};

use super::response::{bounded, finish_reason, usage};
use crate::convert::{EventConverter, ResponseMeta, StreamEvent, Usage};

/// Cohere's named v2 events in, chat chunks out. Tool calls arrive one after another (start,
/// argument deltas, end), so each start opens the next chat tool-call index.
pub struct CohereToChatStream {
    meta: ResponseMeta,
    id: String,
    started: bool,
    /// Chat index of the tool call being streamed; calls opened so far.
    call: Option<usize>,
    calls: usize,
    usage: Option<Usage>,
    finished: bool,
    done: bool,
}

impl CohereToChatStream {
    pub fn new(meta: ResponseMeta) -> CohereToChatStream {
        CohereToChatStream {
            meta,
            id: String::new(),
            started: false,
            call: None,
            calls: 0,
            usage: None,
            finished: false,
            done: false,
        }
    }

    fn chunk(&self, delta: Value, finish_reason: Value) -> StreamEvent {
        StreamEvent::Json {
            event: None,
            data: json!({"id": self.id, "object": "chat.completion.chunk",
                "created": self.meta.created, "model": self.meta.model,
                "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason}]}),
        }
    }

    fn start(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.started {
            self.started = true;
            out.push(self.chunk(json!({"role": "assistant", "content": ""}), Value::Null));
        }
    }

    fn fail(&mut self, message: &str, out: &mut Vec<StreamEvent>) {
        self.done = true;
        out.push(StreamEvent::Json {
            event: None,
            data: json!({"error": {"message": prefix(message), "type": "upstream_error", "param": null, "code": null}}),
        });
        out.push(StreamEvent::Done);
    }

    fn text(&mut self, field: &str, text: Option<&str>, out: &mut Vec<StreamEvent>) {
        if let Some(text) = text.filter(|text| !text.is_empty()) {
            self.start(out);
            out.push(self.chunk(json!({ field: text }), Value::Null));
        }
    }
}

fn prefix(message: &str) -> String {
    crate::error::prefix_within(message, 500).to_owned()
}

fn str_at<'a>(event: &'a Value, pointer: &str) -> Option<&'a str> {
    event.pointer(pointer).and_then(Value::as_str)
}

impl EventConverter for CohereToChatStream {
    fn push(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
        if self.done || self.finished {
            return;
        }
        let kind = event
            .get("type")
            .or_else(|| event.get("event"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        match kind {
            "message-start" => {
                self.id = bounded(str_at(event, "/id").unwrap_or_default());
                self.start(out);
            }
            "content-start" | "content-delta" => {
                self.text("content", str_at(event, "/delta/message/content/text"), out);
                self.text(
                    "reasoning_content",
                    str_at(event, "/delta/message/content/thinking"),
                    out,
                );
            }
            "tool-plan-delta" => {
                self.text(
                    "reasoning_content",
                    str_at(event, "/delta/message/tool_plan"),
                    out,
                );
            }
            "tool-call-start" => {
                self.start(out);
                let index = self.calls;
                self.calls += 1;
                self.call = Some(index);
                let call = event
                    .pointer("/delta/message/tool_calls")
                    .unwrap_or(&Value::Null);
                out.push(self.chunk(
                    json!({"tool_calls": [{"index": index,
                        "id": bounded(str_at(call, "/id").unwrap_or_default()), "type": "function",
                        "function": {"name": str_at(call, "/function/name").unwrap_or_default(),
                            "arguments": str_at(call, "/function/arguments").unwrap_or_default()}}]}),
                    Value::Null,
                ));
            }
            "tool-call-delta" => {
                let arguments = str_at(event, "/delta/message/tool_calls/function/arguments");
                if let (Some(index), Some(arguments)) = (self.call, arguments) {
                    out.push(self.chunk(
                        json!({"tool_calls": [{"index": index, "function": {"arguments": arguments}}]}),
                        Value::Null,
                    ));
                }
            }
            "tool-call-end" => self.call = None,
            "message-end" => {
                self.start(out);
                self.usage = usage(event.pointer("/delta/usage"));
                let reason = str_at(event, "/delta/finish_reason").unwrap_or("COMPLETE");
                match finish_reason(reason, self.calls > 0) {
                    Some(finish) => {
                        self.finished = true;
                        out.push(self.chunk(json!({}), json!(finish)));
                    }
                    None => {
                        let message = str_at(event, "/delta/error")
                            .unwrap_or("the upstream failed to finish the response");
                        self.fail(message, out);
                    }
                }
            }
            // A stream-level error, however it is named.
            "error" | "" if event.get("message").is_some() => {
                let message = str_at(event, "/message").unwrap_or("upstream error");
                self.fail(message, out);
            }
            // content-end, citation-start/end, debug: nothing for chat.
            _ => {}
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
            out.push(StreamEvent::Json {
                event: None,
                data: json!({"id": self.id, "object": "chat.completion.chunk",
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

    fn run(events: &[Value]) -> Vec<Value> {
        let mut converter = CohereToChatStream::new(ResponseMeta {
            model: "command-a".into(),
            created: 1,
            tools: Default::default(),
        });
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
    fn text_plan_and_a_call_stream_as_chat_chunks_with_usage_last() {
        let chunks = run(&[
            json!({"type": "message-start", "id": "m-1", "delta": {"message": {"role": "assistant"}}}),
            json!({"type": "content-start", "index": 0, "delta": {"message": {"content": {"type": "text", "text": ""}}}}),
            json!({"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": "Hi"}}}}),
            json!({"type": "content-end", "index": 0}),
            json!({"event": "tool-plan-delta", "delta": {"message": {"tool_plan": "Plan."}}}),
            json!({"type": "tool-call-start", "index": 0, "delta": {"message": {"tool_calls": {"id": "t1", "type": "function", "function": {"name": "weather", "arguments": ""}}}}}),
            json!({"type": "tool-call-delta", "index": 0, "delta": {"message": {"tool_calls": {"function": {"arguments": "{\"city\":"}}}}}),
            json!({"type": "tool-call-delta", "index": 0, "delta": {"message": {"tool_calls": {"function": {"arguments": "\"Paris\"}"}}}}}),
            json!({"type": "tool-call-end", "index": 0}),
            json!({"type": "message-end", "delta": {"finish_reason": "TOOL_CALL", "usage": {"billed_units": {"input_tokens": 4, "output_tokens": 9}}}}),
        ]);
        let deltas: Vec<&Value> = chunks.iter().map(|c| &c["choices"][0]["delta"]).collect();
        assert_eq!(chunks[0]["id"], "m-1");
        assert_eq!(deltas[0]["role"], "assistant");
        assert_eq!(deltas[1]["content"], "Hi");
        assert_eq!(deltas[2]["reasoning_content"], "Plan.");
        assert_eq!(deltas[3]["tool_calls"][0]["function"]["name"], "weather");
        assert_eq!(deltas[3]["tool_calls"][0]["id"], "t1");
        assert_eq!(
            deltas[5]["tool_calls"][0]["function"]["arguments"],
            "\"Paris\"}"
        );
        assert_eq!(chunks[6]["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(chunks[7]["usage"]["completion_tokens"], 9);
        assert_eq!(chunks[8], "[DONE]");
        assert_eq!(chunks.len(), 9);
    }

    #[test]
    fn a_cut_stream_and_an_error_finish_end_with_an_error_chunk() {
        let cut = run(&[
            json!({"type": "content-delta", "delta": {"message": {"content": {"text": "Hi"}}}}),
        ]);
        assert!(
            cut[cut.len() - 2]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("ended before")
        );
        assert_eq!(cut[cut.len() - 1], "[DONE]");
        let failed = run(&[
            json!({"type": "message-end", "delta": {"finish_reason": "ERROR", "error": "overloaded"}}),
        ]);
        assert_eq!(failed[1]["error"]["message"], "overloaded");
        assert_eq!(failed.len(), 3);
    }
}
