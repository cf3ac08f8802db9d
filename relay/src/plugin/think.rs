//! The think split plugin: a leading `<think>...</think>` block in a chat answer moves into
//! `reasoning_content`, in whole bodies and in streams whose tags arrive split across chunks.
//!
//! Only a block at the start of the answer (after optional whitespace) counts, as reasoning
//! models emit it; a `<think>` later in the text is the answer's own. Text that might be the
//! start of a tag is held back until the next chunk decides it, and released at the choice's
//! finish (or the stream's end) either way.

use std::collections::HashMap;

use serde_json::Value;

use super::{Answer, Exchange, Plugin, PluginRequest, PluginServices, ResponseHook, config};
use crate::error::RelayError;
use crate::vocabulary::Endpoint;

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ThinkConfig {}

pub(super) fn parse(value: &Value) -> Result<std::sync::Arc<dyn Plugin>, String> {
    let config: ThinkConfig = config(value)?;
    Ok(std::sync::Arc::new(config))
}

#[async_trait::async_trait]
impl Plugin for ThinkConfig {
    async fn before(
        &self,
        _services: &PluginServices,
        request: &mut PluginRequest<'_>,
        exchange: &mut Exchange,
    ) -> Result<Option<Answer>, RelayError> {
        if request.endpoint == Endpoint::ChatCompletions {
            exchange.add_hook(Box::new(ThinkHook::default()));
        }
        Ok(None)
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Nothing but whitespace seen yet.
    #[default]
    Start,
    Inside,
    /// After the block, or there was none: text passes.
    Passing,
}

/// Splits one text stream into reasoning and content.
#[derive(Debug, Default)]
pub struct ThinkSplitter {
    mode: Mode,
    held: String,
    /// Bytes at the start of `held` already known to be whitespace: an upstream sending
    /// whitespace one byte at a time is not trimmed again from the start for each byte.
    blank: usize,
}

impl ThinkSplitter {
    pub fn new() -> ThinkSplitter {
        ThinkSplitter::default()
    }

    /// Feeds the next piece of text; returns (reasoning, content) ready to emit.
    pub fn push(&mut self, text: &str) -> (String, String) {
        if self.mode == Mode::Passing {
            return (String::new(), text.to_owned());
        }
        self.held.push_str(text);
        let mut reasoning = String::new();
        let mut content = String::new();
        if self.mode == Mode::Start {
            let unseen = &self.held[self.blank..];
            let trimmed = unseen.trim_start();
            self.blank += unseen.len() - trimmed.len();
            if let Some(rest) = trimmed.strip_prefix(OPEN) {
                self.held = rest.to_owned();
                self.blank = 0;
                self.mode = Mode::Inside;
            } else if trimmed.is_empty() || OPEN.starts_with(trimmed) {
                return (reasoning, content);
            } else {
                self.mode = Mode::Passing;
                content = std::mem::take(&mut self.held);
                return (reasoning, content);
            }
        }
        // Inside the block.
        if let Some(at) = self.held.find(CLOSE) {
            reasoning.push_str(&self.held[..at]);
            let after = self.held[at + CLOSE.len()..].trim_start_matches(['\n', '\r']);
            content.push_str(after);
            self.held.clear();
            self.mode = Mode::Passing;
        } else {
            let keep = partial_suffix(&self.held, CLOSE);
            let split = self.held.len() - keep;
            reasoning.push_str(&self.held[..split]);
            self.held.drain(..split);
        }
        (reasoning, content)
    }

    /// The text ended: whatever was held back goes out as what it most likely was.
    pub fn finish(&mut self) -> (String, String) {
        let held = std::mem::take(&mut self.held);
        match std::mem::replace(&mut self.mode, Mode::Passing) {
            Mode::Inside => (held, String::new()),
            Mode::Start | Mode::Passing => (String::new(), held),
        }
    }
}

/// Length of the longest suffix of `text` that is a proper prefix of `tag`.
fn partial_suffix(text: &str, tag: &str) -> usize {
    (1..tag.len())
        .rev()
        .find(|&len| {
            text.len() >= len
                && text.is_char_boundary(text.len() - len)
                && tag.starts_with(&text[text.len() - len..])
        })
        .unwrap_or(0)
}

/// Splits a whole message.
pub fn split_message(text: &str) -> (String, String) {
    let mut splitter = ThinkSplitter::new();
    let (mut reasoning, mut content) = splitter.push(text);
    let (more_reasoning, more_content) = splitter.finish();
    reasoning.push_str(&more_reasoning);
    content.push_str(&more_content);
    (reasoning, content)
}

/// The response side: one splitter per choice index.
#[derive(Debug, Default)]
struct ThinkHook {
    choices: HashMap<u64, ThinkSplitter>,
}

fn put_text(target: &mut serde_json::Map<String, Value>, key: &str, text: String) {
    if text.is_empty() {
        return;
    }
    match target.get_mut(key) {
        Some(Value::String(existing)) => existing.push_str(&text),
        _ => {
            target.insert(key.to_owned(), Value::String(text));
        }
    }
}

impl ResponseHook for ThinkHook {
    /// Until every choice is past its leading block (or showed it has none): after that the
    /// chunks pass unparsed.
    fn wants_chunks(&self) -> bool {
        self.choices.is_empty()
            || self
                .choices
                .values()
                .any(|splitter| splitter.mode != Mode::Passing)
    }

    fn wants_json(&self) -> bool {
        true
    }

    fn chunk(&mut self, chunk: &mut Value) {
        let Some(choices) = chunk.get_mut("choices").and_then(Value::as_array_mut) else {
            return;
        };
        for choice in choices {
            let index = choice.get("index").and_then(Value::as_u64).unwrap_or(0);
            let finished = choice
                .get("finish_reason")
                .is_some_and(|reason| !reason.is_null());
            let Some(delta) = choice.get_mut("delta").and_then(Value::as_object_mut) else {
                continue;
            };
            let splitter = self.choices.entry(index).or_default();
            let text = match delta.get("content") {
                Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
                _ => None,
            };
            let (mut reasoning, mut content) = match &text {
                Some(text) => splitter.push(text),
                None => (String::new(), String::new()),
            };
            if finished {
                let (more_reasoning, more_content) = splitter.finish();
                reasoning.push_str(&more_reasoning);
                content.push_str(&more_content);
            }
            if text.is_none() && reasoning.is_empty() && content.is_empty() {
                continue;
            }
            if text.is_some() {
                delta.insert("content".to_owned(), Value::String(String::new()));
            }
            put_text(delta, "reasoning_content", reasoning);
            put_text(delta, "content", content);
        }
    }

    fn json(&mut self, body: &mut Value) {
        let Some(choices) = body.get_mut("choices").and_then(Value::as_array_mut) else {
            return;
        };
        for message in choices
            .iter_mut()
            .filter_map(|choice| choice.get_mut("message"))
        {
            let Some(Value::String(text)) = message.get("content") else {
                continue;
            };
            let (reasoning, content) = split_message(text);
            if reasoning.is_empty() && !text.trim_start().starts_with(OPEN) {
                continue;
            }
            if let Some(message) = message.as_object_mut() {
                message.insert("content".to_owned(), Value::String(content));
                put_text(message, "reasoning_content", reasoning);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn leading_whitespace_byte_by_byte_is_scanned_once() {
        // 300k one-byte pieces: trimming the whole held text again for each would be about
        // 4.5 * 10^10 byte checks, far beyond the test harness; once each is instant.
        let mut splitter = ThinkSplitter::new();
        for _ in 0..300_000 {
            assert_eq!(splitter.push(" "), (String::new(), String::new()));
        }
        let (reasoning, content) = splitter.push("<think>hm</think>ok");
        assert_eq!((reasoning.as_str(), content.as_str()), ("hm", "ok"));
        check(&[" ", "\n", " <th", "ink>", "a</think>b"], "a", "b");
        check(&[" ", " x"], "", "  x");
    }

    fn check(pieces: &[&str], reasoning: &str, content: &str) {
        let mut splitter = ThinkSplitter::new();
        let (mut got_reasoning, mut got_content) = (String::new(), String::new());
        for piece in pieces {
            let (r, c) = splitter.push(piece);
            got_reasoning.push_str(&r);
            got_content.push_str(&c);
        }
        let (r, c) = splitter.finish();
        got_reasoning.push_str(&r);
        got_content.push_str(&c);
        assert_eq!(
            (got_reasoning.as_str(), got_content.as_str()),
            (reasoning, content),
            "{pieces:?}"
        );
    }

    #[test]
    fn tags_split_anywhere() {
        check(&["<think>plan</think>answer"], "plan", "answer");
        check(
            &["<th", "ink>pl", "an</th", "ink>\n\nans", "wer"],
            "plan",
            "answer",
        );
        check(&["\n <", "think>", "a<b", "</think", ">", "c"], "a<b", "c");
        check(&["plain ", "text"], "", "plain text");
        check(&["<thi", "s is text"], "", "<this is text");
        check(&["<think>never closed"], "never closed", "");
        check(&["answer <think>x</think>"], "", "answer <think>x</think>");
        check(&["<", "t"], "", "<t");
        check(&["<think>é</", "think>ü"], "é", "ü");
    }

    #[test]
    fn stream_chunks_and_bodies() {
        let mut hook = ThinkHook::default();
        let mut out = Vec::new();
        for (content, finish) in [
            ("<thi", Value::Null),
            ("nk>why</thi", Value::Null),
            ("nk>so", Value::Null),
            ("", json!("stop")),
        ] {
            let mut chunk = json!({"choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}]});
            hook.chunk(&mut chunk);
            out.push(chunk["choices"][0]["delta"].clone());
        }
        let reasoning: String = out
            .iter()
            .filter_map(|d| d["reasoning_content"].as_str())
            .collect();
        let content: String = out.iter().filter_map(|d| d["content"].as_str()).collect();
        assert_eq!((reasoning.as_str(), content.as_str()), ("why", "so"));

        let mut body = json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": "<think>r</think>\nc"}}]});
        hook.json(&mut body);
        assert_eq!(
            body["choices"][0]["message"],
            json!({"role": "assistant", "content": "c", "reasoning_content": "r"})
        );
    }
}
