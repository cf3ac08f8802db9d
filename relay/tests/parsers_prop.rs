//! Property tests of the parsers that read client and upstream bytes: the SSE parser and the
//! protocol converters (every request, response and stream direction). Arbitrary input must
//! never panic, the output stays bounded by the input, and the SSE parser's work counter
//! proves it examines each byte once however the bytes are chunked.
//!
//! Cases: proptest's default of 256 per property, fast enough for every CI run; set
//! `PROPTEST_CASES` (read by proptest itself) for a longer search, e.g. `PROPTEST_CASES=20000`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use proptest::prelude::*;
use relay::SseParser;
use relay::convert::{ResponseMeta, Wire, convert_request, convert_response, stream_converter};
use serde_json::{Map, Value};

const WIRES: [Wire; 4] = [Wire::Chat, Wire::Messages, Wire::Gemini, Wire::Responses];

/// Field names the converters look at, so arbitrary documents reach deep into them.
const KEYS: &[&str] = &[
    "model",
    "messages",
    "role",
    "content",
    "type",
    "text",
    "tools",
    "tool_calls",
    "function",
    "name",
    "arguments",
    "input",
    "contents",
    "parts",
    "system",
    "choices",
    "delta",
    "message",
    "candidates",
    "usage",
    "id",
    "tool_use_id",
    "functionCall",
    "functionResponse",
    "args",
    "response",
    "output",
    "item",
    "index",
    "stop_reason",
    "finish_reason",
    "thinking",
    "max_tokens",
    "stream",
    "instructions",
    "source",
    "image_url",
    "url",
    "data",
    "inlineData",
    "systemInstruction",
    "generationConfig",
    "tool_choice",
    "content_block",
    "output_text",
    "reasoning",
    "call_id",
    "status",
    "prompt_tokens",
    "input_tokens",
    "usageMetadata",
];

/// Type values the converters branch on.
const TYPES: &[&str] = &[
    "text",
    "image",
    "image_url",
    "tool_use",
    "tool_result",
    "thinking",
    "redacted_thinking",
    "function",
    "function_call",
    "function_call_output",
    "message",
    "input_text",
    "input_image",
    "output_text",
    "reasoning",
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "text_delta",
    "input_json_delta",
    "thinking_delta",
    "response.created",
    "response.output_text.delta",
    "response.output_item.added",
    "response.completed",
    "user",
    "assistant",
    "system",
    "tool",
    "model",
    "developer",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        proptest::sample::select(TYPES).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        proptest::sample::select(KEYS).prop_map(str::to_owned),
                        "[a-z]{1,6}"
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn wire() -> impl Strategy<Value = Wire> {
    proptest::sample::select(&WIRES[..])
}

fn size(value: &Value) -> usize {
    serde_json::to_vec(value).unwrap().len()
}

/// What a conversion may add: wrappers, ids and defaults of a fixed size per input value.
fn bound(input: usize) -> usize {
    16 * input + 4096
}

proptest! {
    #[test]
    fn request_conversion_never_panics_and_stays_bounded(
        body in json_value(), client in wire(), channel in wire(), stream in any::<bool>()
    ) {
        if let Ok(converted) = convert_request(client, channel, &body, "m", stream) {
            prop_assert!(size(&converted) <= bound(size(&body)));
        }
    }

    #[test]
    fn response_conversion_never_panics_and_stays_bounded(
        body in json_value(), channel in wire(), client in wire()
    ) {
        let meta = ResponseMeta { model: "m".into(), created: 1, ..ResponseMeta::default() };
        if let Ok(converted) = convert_response(channel, client, &body, &meta) {
            prop_assert!(size(&converted) <= bound(size(&body)));
        }
    }

    #[test]
    fn stream_conversion_never_panics_and_stays_bounded(
        events in proptest::collection::vec(json_value(), 0..12),
        texts in proptest::collection::vec(".{0,24}", 0..4),
        channel in wire(), client in wire()
    ) {
        let meta = ResponseMeta { model: "m".into(), created: 1, ..ResponseMeta::default() };
        let Some(mut converter) = stream_converter(channel, client, meta) else {
            return Ok(());
        };
        let mut out = Vec::new();
        let mut input = 0;
        for event in &events {
            input += size(event);
            converter.push(event, &mut out);
        }
        for text in &texts {
            input += text.len();
            converter.push_text(text, &mut out);
        }
        converter.finish(&mut out);
        let output: usize = out.iter().map(|event| event.to_bytes().len()).sum();
        prop_assert!(output <= bound(input), "{output} bytes out of {input}");
    }

    #[test]
    fn sse_parser_examines_each_byte_once(
        bytes in proptest::collection::vec(
            prop_oneof![Just(b'\n'), Just(b'\r'), Just(b':'), any::<u8>(), Just(b'd')],
            0..2048
        ),
        cuts in proptest::collection::vec(1usize..64, 1..64)
    ) {
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        let mut fed = 0;
        let mut cut = cuts.iter().cycle();
        while fed < bytes.len() {
            let end = (fed + cut.next().copied().unwrap_or(1)).min(bytes.len());
            parser.push(&bytes[fed..end], &mut events).unwrap();
            fed = end;
            prop_assert!(parser.bytes_examined() <= fed as u64);
        }
        events.extend(parser.finish());
        // Events are the input cut into pieces: at most the blank line `finish` adds.
        let output: usize = events.iter().map(|event| event.raw.len()).sum();
        prop_assert!(output <= bytes.len() + 2);
        for event in &events {
            prop_assert!(event.data.as_ref().is_none_or(|data| data.len() <= event.raw.len()));
        }
        // The same bytes in one chunk frame the same events.
        let mut whole = SseParser::new();
        let mut at_once = Vec::new();
        whole.push(&bytes, &mut at_once).unwrap();
        at_once.extend(whole.finish());
        prop_assert_eq!(at_once, events);
    }
}
