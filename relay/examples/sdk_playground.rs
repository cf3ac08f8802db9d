//! A relay on loopback in front of a scripted OpenAI-compatible upstream, for pointing real
//! client SDKs (Anthropic, Gemini, OpenAI) at the converted faces by hand:
//! `cargo run -p relay --example sdk_playground` prints the base URL; any key is accepted, every
//! model routes to the scripted upstream, and usage records are printed as they arrive.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::Json;
use axum::response::{IntoResponse, Response};
use relay::host::{UsageRecord, UsageSink};
use relay::test_util::{FakeDirectory, FakeGatekeeper, caller, channel, route};
use relay::{Relay, RelayConfig, RelayHost};
use serde_json::{Value, json};

struct PrintSink;

impl UsageSink for PrintSink {
    fn record(&self, record: UsageRecord) {
        println!(
            "usage: {} {} status {} {:?}",
            record.endpoint, record.stream, record.status, record.usage
        );
    }
}

/// Answers text, or a `get_weather` call when the request offers tools, streamed in small
/// pieces when asked.
async fn scripted_chat(Json(request): Json<Value>) -> Response {
    let model = request["model"].clone();
    let wants_tool = request["tools"].as_array().is_some_and(|t| !t.is_empty())
        && !request["messages"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["role"] == "tool"));
    let usage = json!({"prompt_tokens": 25, "completion_tokens": 9, "total_tokens": 34,
        "prompt_tokens_details": {"cached_tokens": 5}});
    if request["stream"] != true {
        let message = if wants_tool {
            json!({"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]})
        } else {
            json!({"role": "assistant", "content": "Hello from the playground."})
        };
        let finish = if wants_tool { "tool_calls" } else { "stop" };
        return Json(json!({"id": "chatcmpl-p", "object": "chat.completion", "created": 1, "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage}))
        .into_response();
    }
    let chunk = |delta: Value, finish: Value| {
        format!(
            "data: {}\n\n",
            json!({"id": "chatcmpl-p", "object": "chat.completion.chunk", "created": 1, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        )
    };
    let mut body = chunk(json!({"role": "assistant", "content": ""}), Value::Null);
    for piece in ["Hello ", "from the ", "playground."] {
        body.push_str(&chunk(json!({"content": piece}), Value::Null));
    }
    if wants_tool {
        body.push_str(&chunk(
            json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
            Value::Null,
        ));
        for piece in ["{\"ci", "ty\":", "\"Par", "is\"}"] {
            body.push_str(&chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}),
                Value::Null,
            ));
        }
    }
    let finish = if wants_tool { "tool_calls" } else { "stop" };
    body.push_str(&chunk(json!({}), json!(finish)));
    body.push_str(&format!(
        "data: {}\n\ndata: [DONE]\n\n",
        json!({"id": "chatcmpl-p", "object": "chat.completion.chunk", "created": 1, "model": model, "choices": [], "usage": usage})
    ));
    ([("content-type", "text/event-stream")], body).into_response()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let upstream_url = format!("http://{}", upstream.local_addr()?);
    let app = Router::new().route("/v1/chat/completions", axum::routing::post(scripted_chat));
    tokio::spawn(async move { axum::serve(upstream, app).await });

    // Any key is accepted and every model routes to the scripted upstream.
    let gatekeeper = FakeGatekeeper {
        any_key: Some(caller(1, None)),
        ..FakeGatekeeper::default()
    };
    let directory = FakeDirectory {
        any_model: Some(route(vec![channel(1, &upstream_url)])),
        ..FakeDirectory::default()
    };
    let host = RelayHost::new(
        Arc::new(gatekeeper),
        Arc::new(directory),
        Arc::new(PrintSink),
    );
    let relay = Relay::new(RelayConfig::default(), host)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("relay at http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        relay
            .router()
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await?;
    Ok(())
}
