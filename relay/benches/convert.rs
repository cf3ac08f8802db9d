//! CPU cost of protocol conversion for a ~2 KB conversation (request and response), next to a
//! plain JSON parse and serialize of the same bytes. Prints ns/op; run with
//! `cargo bench -p relay --bench convert`.

use std::hint::black_box;
use std::time::Instant;

use relay::convert::{ResponseMeta, Wire, convert_request, convert_response};
use serde_json::Value;

const ITERATIONS: u32 = 20_000;

fn anthropic_request() -> String {
    let mut messages = Vec::new();
    for turn in 0..6 {
        messages.push(serde_json::json!({"role": "user", "content": format!(
            "Turn {turn}: what is the weather like in the city we talked about, and should I pack an umbrella?")}));
        messages.push(serde_json::json!({"role": "assistant", "content": [
            {"type": "text", "text": "Let me look that up for you."},
            {"type": "tool_use", "id": format!("toolu_{turn}"), "name": "get_weather", "input": {"city": "Paris", "unit": "celsius"}}]}));
        messages.push(serde_json::json!({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": format!("toolu_{turn}"), "content": "14 degrees, light rain"}]}));
    }
    serde_json::json!({
        "model": "claude-sonnet-4-5", "max_tokens": 1024, "system": "You are a helpful travel assistant.",
        "messages": messages, "temperature": 0.5, "metadata": {"user_id": "user-1"},
        "tools": [{"name": "get_weather", "description": "Current weather for a city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string"}}, "required": ["city"]}}],
    })
    .to_string()
}

fn chat_response() -> String {
    serde_json::json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1741570000, "model": "gpt-4o",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "logprobs": null, "message": {
            "role": "assistant", "content": "Light rain is expected in Paris all afternoon, so yes: pack an umbrella and a light jacket. I can also check tomorrow's forecast.",
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\",\"unit\":\"celsius\",\"day\":\"tomorrow\"}"}}]}}],
        "usage": {"prompt_tokens": 640, "completion_tokens": 52, "total_tokens": 692, "prompt_tokens_details": {"cached_tokens": 512}},
    })
    .to_string()
}

fn measure(name: &str, bytes: usize, mut op: impl FnMut() -> usize) {
    // Warm caches and the allocator before timing.
    for _ in 0..ITERATIONS / 10 {
        black_box(op());
    }
    let started = Instant::now();
    for _ in 0..ITERATIONS {
        black_box(op());
    }
    let per_op = started.elapsed().as_nanos() / u128::from(ITERATIONS);
    println!("{name:<48} {bytes:>6} B in {per_op:>8} ns/op");
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_default()
}

fn main() {
    let meta = ResponseMeta {
        model: "m".into(),
        created: 0,
        ..ResponseMeta::default()
    };
    let messages_request = anthropic_request();
    let chat_response = chat_response();
    let chat_request = match convert_request(
        Wire::Messages,
        Wire::Chat,
        &parse(&messages_request),
        "m",
        false,
    ) {
        Ok(chat) => chat.to_string(),
        Err(error) => return eprintln!("fixture does not convert: {error}"),
    };
    let messages_response =
        match convert_response(Wire::Chat, Wire::Messages, &parse(&chat_response), &meta) {
            Ok(message) => message.to_string(),
            Err(error) => return eprintln!("fixture does not convert: {error}"),
        };
    let pair = messages_request.len() + chat_response.len();
    println!("{ITERATIONS} iterations each; request + response of one conversation\n");
    measure(
        "passthrough: parse + serialize (anthropic pair)",
        pair,
        || {
            serde_json::to_vec(&parse(black_box(&messages_request))).map_or(0, |v| v.len())
                + serde_json::to_vec(&parse(black_box(&chat_response))).map_or(0, |v| v.len())
        },
    );
    measure(
        "anthropic in -> chat channel -> anthropic out",
        pair,
        || {
            let request = convert_request(
                Wire::Messages,
                Wire::Chat,
                &parse(black_box(&messages_request)),
                "m",
                false,
            );
            let response = convert_response(
                Wire::Chat,
                Wire::Messages,
                &parse(black_box(&chat_response)),
                &meta,
            );
            request.map_or(0, |r| r.to_string().len()) + response.map_or(0, |r| r.to_string().len())
        },
    );
    let pair = chat_request.len() + messages_response.len();
    measure("passthrough: parse + serialize (chat pair)", pair, || {
        serde_json::to_vec(&parse(black_box(&chat_request))).map_or(0, |v| v.len())
            + serde_json::to_vec(&parse(black_box(&messages_response))).map_or(0, |v| v.len())
    });
    measure("chat in -> anthropic channel -> chat out", pair, || {
        let request = convert_request(
            Wire::Chat,
            Wire::Messages,
            &parse(black_box(&chat_request)),
            "m",
            false,
        );
        let response = convert_response(
            Wire::Messages,
            Wire::Chat,
            &parse(black_box(&messages_response)),
            &meta,
        );
        request.map_or(0, |r| r.to_string().len()) + response.map_or(0, |r| r.to_string().len())
    });
}
