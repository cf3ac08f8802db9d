//! Reads a chat completion chunk stream as a sequence of content blocks (thinking, text, one
//! per tool call) that open, grow and close one at a time, which is how Anthropic, Responses
//! and Gemini clients expect them, even when the upstream interleaves parallel tool calls.

use std::collections::{BTreeMap, VecDeque};

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{ObjectOnly, Usage, is_complete_json, str_field, upstream_name};

/// The fields of a chat chunk the sequencer reads, borrowed from the chunk's text. Reading
/// fails when a field has another type than these (a number for an id, say): such a chunk is
/// read as a `Value` instead, with the same outcome.
#[derive(Deserialize)]
struct ChunkView<'a> {
    #[serde(default, rename = "\u{0}")]
    _object: ObjectOnly,
    /// Present even when `null`: any `error` key makes the chunk an error.
    #[serde(default, deserialize_with = "present")]
    error: Option<Value>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    created: Option<i64>,
    usage: Option<UsageView>,
    #[serde(borrow)]
    choices: Option<Vec<ChoiceView<'a>>>,
}

#[derive(Deserialize)]
struct ChoiceView<'a> {
    #[serde(default, rename = "\u{0}")]
    _object: ObjectOnly,
    index: Option<u64>,
    #[serde(borrow)]
    delta: Option<DeltaView<'a>>,
    #[serde(borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct DeltaView<'a> {
    #[serde(default, rename = "\u{0}")]
    _object: ObjectOnly,
    #[serde(borrow)]
    reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow)]
    reasoning: Option<Cow<'a, str>>,
    #[serde(borrow)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow)]
    refusal: Option<Cow<'a, str>>,
    /// Parsed as it is: tool-call chunks are few.
    tool_calls: Option<Value>,
}

#[derive(Deserialize)]
struct UsageView {
    #[serde(default, rename = "\u{0}")]
    _object: ObjectOnly,
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    prompt_tokens_details: Option<PromptDetailsView>,
    completion_tokens_details: Option<CompletionDetailsView>,
}

#[derive(Deserialize)]
struct PromptDetailsView {
    #[serde(default, rename = "\u{0}")]
    _object: ObjectOnly,
    cached_tokens: Option<u64>,
    cache_creation_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct CompletionDetailsView {
    #[serde(default, rename = "\u{0}")]
    _object: ObjectOnly,
    reasoning_tokens: Option<u64>,
}

impl UsageView {
    /// As [`Usage::from_chat`] reads the same object.
    fn into_usage(self) -> Usage {
        let prompt = self.prompt_tokens_details;
        Usage {
            input: self.prompt_tokens.unwrap_or(0),
            output: self.completion_tokens.unwrap_or(0),
            cache_read: prompt.as_ref().and_then(|p| p.cached_tokens).unwrap_or(0),
            cache_creation: prompt.and_then(|p| p.cache_creation_tokens).unwrap_or(0),
            reasoning: self
                .completion_tokens_details
                .and_then(|c| c.reasoning_tokens)
                .unwrap_or(0),
        }
    }
}

fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum BlockKind {
    Thinking,
    Text,
    Tool { id: String, name: String },
}

/// One step of the block sequence; `Delta` and `Stop` apply to the block opened last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum BlockOp {
    Start(BlockKind),
    Delta(String),
    Stop,
}

#[derive(Debug, Default)]
struct ToolCall {
    id: String,
    name: String,
    arguments: String,
    /// Optional Gemini thought signature carried in `extra_content.google.thought_signature`.
    signature: Option<String>,
    state: ToolState,
    /// Where the arguments stand, kept as they arrive.
    progress: ArgumentsProgress,
}

impl ToolCall {
    fn append(&mut self, fragment: &str, work: &mut u64) {
        self.arguments.push_str(fragment);
        self.progress.feed(fragment, work);
    }
}

/// Whether streamed tool-call arguments are complete JSON, decided incrementally: each
/// appended byte is scanned once (brackets and strings), and the arguments are parsed in full
/// only once, when their outer object or array closes. An upstream that interleaves two calls
/// byte by byte would otherwise have the whole of the open call's arguments parsed again for
/// every fragment of the waiting one: quadratic in the stream.
#[derive(Debug, Default)]
struct ArgumentsProgress {
    /// The first non-whitespace byte.
    first: Option<u8>,
    depth: u64,
    in_string: bool,
    escaped: bool,
    /// The outer value ended; anything but whitespace after it makes the text invalid.
    closed: bool,
    trailing: bool,
    /// The full parse's answer once the outer value closed.
    verdict: Option<bool>,
}

/// Longest scalar arguments checked by a full parse (tool arguments are objects: a scalar is
/// a number or a literal, never long).
const MAX_SCALAR_ARGUMENTS: usize = 64;

impl ArgumentsProgress {
    fn feed(&mut self, fragment: &str, work: &mut u64) {
        *work += fragment.len() as u64;
        for &byte in fragment.as_bytes() {
            if self.closed {
                self.trailing |= !byte.is_ascii_whitespace();
                continue;
            }
            if self.first.is_none() {
                if byte.is_ascii_whitespace() {
                    continue;
                }
                self.first = Some(byte);
            }
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if byte == b'\\' {
                    self.escaped = true;
                } else if byte == b'"' {
                    self.in_string = false;
                    self.closed = self.depth == 0;
                }
                continue;
            }
            match byte {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.closed = self.depth == 0;
                }
                _ => {}
            }
        }
    }

    fn is_complete(&mut self, text: &str, work: &mut u64) -> bool {
        match self.first {
            None => false,
            Some(b'{' | b'[' | b'"') => {
                if !self.closed || self.trailing {
                    return false;
                }
                *self.verdict.get_or_insert_with(|| {
                    *work += text.len() as u64;
                    is_complete_json(text)
                })
            }
            Some(_) => {
                if text.len() > MAX_SCALAR_ARGUMENTS {
                    return false;
                }
                *work += text.len() as u64;
                is_complete_json(text)
            }
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum ToolState {
    /// Seen but not started: its arguments are buffered until the open call completes.
    #[default]
    Waiting,
    Open,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Thinking,
    Text,
    Tool(u64),
}

/// Sequencer state for one chat stream.
#[derive(Debug, Default)]
pub(super) struct ChatBlocks {
    pub id: String,
    pub model: String,
    pub created: i64,
    pub started: bool,
    /// `finish_reason` of choice 0, once seen.
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    /// The upstream sent an `error` object instead of a chunk.
    pub error: Option<Value>,
    open: Option<Open>,
    tools: BTreeMap<u64, ToolCall>,
    waiting: VecDeque<u64>,
    /// Bytes scanned to decide whether arguments are complete: a work counter tests hold
    /// against the stream's size.
    argument_work: u64,
}

impl ChatBlocks {
    /// Reads one chunk; appends the block steps it completes.
    pub fn push(&mut self, chunk: &Value, ops: &mut Vec<BlockOp>) {
        match ChunkView::deserialize(chunk) {
            Ok(view) => self.push_view(view, ops),
            Err(_) => self.push_value(chunk, ops),
        }
    }

    /// [`ChatBlocks::push`] for a chunk's `data:` text, read in place; false (and nothing
    /// read) when the text is not JSON.
    pub fn push_text(&mut self, data: &str, ops: &mut Vec<BlockOp>) -> bool {
        if let Ok(view) = serde_json::from_str::<ChunkView<'_>>(data) {
            self.push_view(view, ops);
        } else if let Ok(chunk) = serde_json::from_str::<Value>(data) {
            self.push_value(&chunk, ops);
        } else {
            return false;
        }
        true
    }

    /// The common chunk, its fields of the expected types.
    fn push_view(&mut self, chunk: ChunkView<'_>, ops: &mut Vec<BlockOp>) {
        if let Some(error) = chunk.error {
            self.error = Some(error);
            return;
        }
        if !self.started {
            self.started = true;
            self.id = upstream_name(&chunk.id.unwrap_or_default());
            self.model = upstream_name(&chunk.model.unwrap_or_default());
            self.created = chunk.created.unwrap_or(0);
        }
        if let Some(usage) = chunk.usage {
            self.usage = Some(usage.into_usage());
        }
        let Some(choice) = chunk
            .choices
            .iter()
            .flatten()
            .find(|choice| choice.index.unwrap_or(0) == 0)
        else {
            return;
        };
        if let Some(delta) = &choice.delta {
            let reasoning = delta
                .reasoning_content
                .as_deref()
                .or(delta.reasoning.as_deref());
            if let Some(text) = reasoning.filter(|t| !t.is_empty()) {
                self.open_plain(Open::Thinking, ops);
                ops.push(BlockOp::Delta(text.to_owned()));
            }
            for text in [delta.content.as_deref(), delta.refusal.as_deref()] {
                if let Some(text) = text.filter(|t| !t.is_empty()) {
                    self.open_plain(Open::Text, ops);
                    ops.push(BlockOp::Delta(text.to_owned()));
                }
            }
            if let Some(Value::Array(calls)) = &delta.tool_calls {
                for (position, call) in calls.iter().enumerate() {
                    self.tool_delta(call, position as u64, ops);
                }
            }
        }
        if let Some(reason) = &choice.finish_reason {
            self.finish_reason = Some(reason.as_ref().to_owned());
            self.flush(ops);
        }
    }

    /// Any other chunk (fields of unexpected types are read leniently).
    fn push_value(&mut self, chunk: &Value, ops: &mut Vec<BlockOp>) {
        if let Some(error) = chunk.get("error") {
            self.error = Some(error.clone());
            return;
        }
        if !self.started {
            self.started = true;
            self.id = upstream_name(str_field(chunk, "id").unwrap_or_default());
            self.model = upstream_name(str_field(chunk, "model").unwrap_or_default());
            self.created = chunk.get("created").and_then(Value::as_i64).unwrap_or(0);
        }
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            self.usage = Some(Usage::from_chat(usage));
        }
        let Some(choice) = chunk
            .get("choices")
            .and_then(Value::as_array)
            .and_then(|choices| {
                choices
                    .iter()
                    .find(|c| c.get("index").and_then(Value::as_u64).unwrap_or(0) == 0)
            })
        else {
            return;
        };
        if let Some(delta) = choice.get("delta") {
            // `reasoning` is what several OpenAI-compatible servers name the same field.
            let reasoning =
                str_field(delta, "reasoning_content").or_else(|| str_field(delta, "reasoning"));
            if let Some(text) = reasoning.filter(|t| !t.is_empty()) {
                self.open_plain(Open::Thinking, ops);
                ops.push(BlockOp::Delta(text.to_owned()));
            }
            // A refusal is what the client reads instead of an answer: it streams as text.
            for key in ["content", "refusal"] {
                if let Some(text) = str_field(delta, key).filter(|t| !t.is_empty()) {
                    self.open_plain(Open::Text, ops);
                    ops.push(BlockOp::Delta(text.to_owned()));
                }
            }
            if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
                for (position, call) in calls.iter().enumerate() {
                    self.tool_delta(call, position as u64, ops);
                }
            }
        }
        if let Some(reason) = str_field(choice, "finish_reason") {
            self.finish_reason = Some(reason.to_owned());
            self.flush(ops);
        }
    }

    /// Closes the open block and emits every buffered tool call whole.
    pub fn flush(&mut self, ops: &mut Vec<BlockOp>) {
        self.close(ops);
        while let Some(index) = self.waiting.pop_front() {
            self.start_tool(index, ops);
            self.close(ops);
        }
    }

    /// The thought signature of the tool call with this id, if the upstream sent one.
    pub fn signature_of(&self, id: &str) -> Option<&str> {
        self.tools
            .values()
            .find(|call| call.id == id)
            .and_then(|call| call.signature.as_deref())
    }

    fn open_plain(&mut self, kind: Open, ops: &mut Vec<BlockOp>) {
        if self.open == Some(kind) {
            return;
        }
        self.close(ops);
        self.open = Some(kind);
        ops.push(BlockOp::Start(match kind {
            Open::Thinking => BlockKind::Thinking,
            _ => BlockKind::Text,
        }));
    }

    fn tool_delta(&mut self, call: &Value, position: u64, ops: &mut Vec<BlockOp>) {
        let index = call
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(position);
        let fragment = call
            .get("function")
            .and_then(|f| str_field(f, "arguments"))
            .unwrap_or_default();
        let is_new = !self.tools.contains_key(&index);
        let tool = self.tools.entry(index).or_default();
        if let Some(id) = str_field(call, "id").filter(|id| !id.is_empty()) {
            tool.id = id.to_owned();
        }
        if let Some(name) = call
            .get("function")
            .and_then(|f| str_field(f, "name"))
            .filter(|n| !n.is_empty())
        {
            tool.name = name.to_owned();
        }
        if let Some(signature) = call
            .pointer("/extra_content/google/thought_signature")
            .and_then(Value::as_str)
        {
            tool.signature = Some(signature.to_owned());
        }
        match tool.state {
            ToolState::Open => {
                tool.append(fragment, &mut self.argument_work);
                if !fragment.is_empty() {
                    ops.push(BlockOp::Delta(fragment.to_owned()));
                }
            }
            // Arguments after a call looked complete can only be whitespace: nothing to add.
            ToolState::Closed => {}
            ToolState::Waiting => {
                tool.append(fragment, &mut self.argument_work);
                if is_new {
                    self.waiting.push_back(index);
                }
                self.advance(ops);
            }
        }
    }

    /// Starts waiting calls while the open block allows: a text or thinking block always
    /// yields, an open call only once its arguments are complete JSON.
    fn advance(&mut self, ops: &mut Vec<BlockOp>) {
        while let Some(&next) = self.waiting.front() {
            if let Some(Open::Tool(open)) = self.open {
                let work = &mut self.argument_work;
                let complete = self
                    .tools
                    .get_mut(&open)
                    .is_some_and(|t| t.progress.is_complete(&t.arguments, work));
                if !complete {
                    return;
                }
            }
            self.waiting.pop_front();
            self.close(ops);
            self.start_tool(next, ops);
        }
    }

    fn start_tool(&mut self, index: u64, ops: &mut Vec<BlockOp>) {
        let Some(tool) = self.tools.get_mut(&index) else {
            return;
        };
        tool.state = ToolState::Open;
        self.open = Some(Open::Tool(index));
        ops.push(BlockOp::Start(BlockKind::Tool {
            id: tool.id.clone(),
            name: tool.name.clone(),
        }));
        if !tool.arguments.is_empty() {
            ops.push(BlockOp::Delta(tool.arguments.clone()));
        }
    }

    fn close(&mut self, ops: &mut Vec<BlockOp>) {
        let Some(open) = self.open.take() else {
            return;
        };
        if let Open::Tool(index) = open
            && let Some(tool) = self.tools.get_mut(&index)
        {
            tool.state = ToolState::Closed;
        }
        ops.push(BlockOp::Stop);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool_chunk(index: u64, id: Option<&str>, arguments: &str) -> Value {
        let mut call = json!({"index": index, "function": {"arguments": arguments}});
        if let Some(id) = id {
            call["id"] = json!(id);
            call["type"] = json!("function");
            call["function"]["name"] = json!(format!("f{index}"));
        }
        json!({"id": "c", "choices": [{"index": 0, "delta": {"tool_calls": [call]}}]})
    }

    #[test]
    fn interleaved_fragments_cost_linear_work() {
        let mut blocks = ChatBlocks::default();
        let mut ops = Vec::new();
        blocks.push(&tool_chunk(0, Some("a"), "{\"x\":\""), &mut ops);
        blocks.push(&tool_chunk(1, Some("b"), "{"), &mut ops);
        let rounds = 20_000u64;
        for _ in 0..rounds {
            blocks.push(&tool_chunk(0, None, "x"), &mut ops);
            blocks.push(&tool_chunk(1, None, " "), &mut ops);
        }
        blocks.push(&tool_chunk(0, None, "\"}"), &mut ops);
        blocks.push(&tool_chunk(1, None, "}"), &mut ops);
        // Every fragment scanned once plus one parse of each call: about 4 * rounds, where a
        // parse of the open call per waiting fragment would be about rounds^2 / 2.
        assert!(
            blocks.argument_work <= 8 * rounds + 64,
            "{} bytes of work",
            blocks.argument_work
        );
        let starts = ops
            .iter()
            .filter(|op| matches!(op, BlockOp::Start(_)))
            .count();
        assert_eq!(
            starts, 2,
            "the waiting call started once the open one completed"
        );
        for (text, complete) in [
            ("{\"a\":[1,{\"b\":\"}\"}]}", true),
            ("{\"a\":\"\\\"}\"", false),
            ("{} x", false),
            ("{]", false),
            ("  ", false),
            ("12", true),
            ("\"s\"", true),
        ] {
            let mut progress = ArgumentsProgress::default();
            let mut work = 0;
            progress.feed(text, &mut work);
            assert_eq!(progress.is_complete(text, &mut work), complete, "{text}");
            assert_eq!(is_complete_json(text), complete, "{text}");
        }
    }

    #[test]
    fn interleaved_calls_come_out_one_after_the_other_and_whole() {
        let mut blocks = ChatBlocks::default();
        let mut ops = Vec::new();
        for chunk in [
            tool_chunk(0, Some("a"), ""),
            tool_chunk(1, Some("b"), "{\"y\":"),
            tool_chunk(0, None, "{\"x\":"),
            tool_chunk(1, None, "2}"),
            tool_chunk(0, None, "1}"),
        ] {
            blocks.push(&chunk, &mut ops);
        }
        blocks.push(
            &json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}),
            &mut ops,
        );
        let start = |id: &str, name: &str| {
            BlockOp::Start(BlockKind::Tool {
                id: id.into(),
                name: name.into(),
            })
        };
        assert_eq!(
            ops,
            vec![
                start("a", "f0"),
                BlockOp::Delta("{\"x\":".into()),
                BlockOp::Delta("1}".into()),
                BlockOp::Stop,
                start("b", "f1"),
                BlockOp::Delta("{\"y\":2}".into()),
                BlockOp::Stop,
            ]
        );
    }
}
