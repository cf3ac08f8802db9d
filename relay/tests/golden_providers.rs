//! Golden tests of every registered channel type: the upstream requests its provider builds (URL, method, auth headers) for generation and probes.
//!
//! One `tests/fixtures/providers/<type>.json` per registered type, iterated from the registry:
//! a type registered without a fixture fails here (write it with `UPDATE_GOLDEN=1` and review
//! it), and so does a fixture whose type is no longer registered. A fixture's `channel` object
//! (optional) gives the channel's `base_url` and `config` for types that have no default. A
//! family with a protocol of its own (its provider does not read a chat completion as it is)
//! must also give `answers.chat.response` (its whole answer) and `answers.chat.stream` (its
//! streamed answer: text, or `{"base64": ...}` for a binary framing), optionally
//! `answers.embeddings`; the fixture then records how they decode to chat. The channel object
//! may give a `key` (default `sk-test-key`) for types whose key has a format, and a `model`
//! (default `test-model`) for types whose model names matter; `extra_cases`
//! names further clients to render (`anthropic`, `rerank`), and a type with an Anthropic
//! endpoint of its own must list `anthropic`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use relay::convert::ResponseMeta;
use relay::host::{Channel, ChannelKind};
use relay::provider::{Endpoint, UpstreamRequest, request_for_json};
use serde_json::{Value, json};

use crate::common::golden::{check, read_json};

const MODEL: &str = "test-model";
const KEY: &str = "sk-test-key";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/providers")
}

fn channel(kind: ChannelKind, input: &Value) -> Channel {
    let config: HashMap<String, String> = input["config"]
        .as_object()
        .map(|config| {
            config
                .iter()
                .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    Channel {
        id: 1,
        name: kind.as_str().to_owned(),
        kind,
        base_url: input["base_url"].as_str().unwrap_or_default().to_owned(),
        // A fixture's `channel.key` stands in for types whose key has a format of its own.
        key: input["key"].as_str().unwrap_or(KEY).to_owned(),
        model_mapping: HashMap::new(),
        priority: 0,
        config,
        proxy_url: None,
        timeouts: Default::default(),
    }
}

fn render(result: Result<UpstreamRequest, relay::RelayError>) -> Value {
    match result {
        Ok(request) => {
            let headers: BTreeMap<String, String> = request
                .headers
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
                .collect();
            let body = if request.body.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&request.body).unwrap_or(Value::Null)
            };
            json!({"method": request.method.as_str(), "url": request.url,
                "headers": headers, "body": body})
        }
        Err(error) => json!({"error": error.to_string()}),
    }
}

/// The body a client of `endpoint` sends in the fixture cases.
fn client_body(endpoint: Endpoint, model: &str, stream: bool) -> Value {
    match endpoint {
        Endpoint::Responses => json!({"model": model, "input": "Hello", "stream": stream}),
        Endpoint::Embeddings => json!({"model": model, "input": "Hello"}),
        Endpoint::Rerank => json!({"model": model, "query": "Hello", "top_n": 1,
            "documents": ["Hello", "World"], "return_documents": true}),
        _ => json!({"model": model, "max_tokens": 16, "stream": stream,
            "messages": [{"role": "user", "content": "Hello"}]}),
    }
}

/// What the provider does with a chat client, a Responses client and an embeddings client,
/// the probes of a banned chat and embeddings pair, and (for a family with a protocol of its
/// own) how its whole and streamed answers read as chat.
fn render_kind(kind: ChannelKind, input: &Value) -> Value {
    let channel = channel(kind, &input["channel"]);
    let model = input["channel"]["model"].as_str().unwrap_or(MODEL);
    let provider = kind.provider();
    let mut cases = serde_json::Map::new();
    let extra: Vec<&str> = input["extra_cases"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        kind.quirks().anthropic_base.is_none() || extra.contains(&"anthropic"),
        "{kind}: a type with an Anthropic endpoint lists \"anthropic\" in extra_cases"
    );
    let extra_cases = [
        ("anthropic", Endpoint::Messages, false),
        ("anthropic_stream", Endpoint::Messages, true),
        ("rerank", Endpoint::Rerank, false),
    ]
    .into_iter()
    .filter(|(name, _, _)| extra.iter().any(|wanted| name.starts_with(wanted)));
    for (name, endpoint, stream) in [
        ("chat", Endpoint::ChatCompletions, false),
        ("chat_stream", Endpoint::ChatCompletions, true),
        ("responses", Endpoint::Responses, false),
        ("embeddings", Endpoint::Embeddings, false),
    ]
    .into_iter()
    .chain(extra_cases)
    {
        let upstream = provider.endpoint(endpoint, &channel, model);
        let request = request_for_json(
            &channel,
            endpoint,
            model,
            &client_body(endpoint, model, stream),
            stream,
        );
        cases.insert(
            name.to_owned(),
            json!({"endpoint": upstream.route(), "codec": format!("{:?}", provider.codec(upstream)),
                "request": render(request)}),
        );
    }
    for (name, endpoint) in [
        ("probe_chat", Endpoint::ChatCompletions),
        ("probe_embeddings", Endpoint::Embeddings),
    ] {
        cases.insert(
            name.to_owned(),
            render(provider.probe(&channel, endpoint, model)),
        );
    }
    let mut rendered =
        json!({"framing": format!("{:?}", provider.framing(&channel)), "cases": cases});
    let native = !reads_chat_as_is(&channel);
    for (name, endpoint) in [
        ("chat", Endpoint::ChatCompletions),
        ("embeddings", Endpoint::Embeddings),
    ] {
        let upstream = provider.endpoint(endpoint, &channel, model);
        let answers = &input["answers"][name];
        if let Some(response) = answers.get("response") {
            let decoded = provider.decode_response(
                &channel,
                upstream,
                Bytes::from(response.to_string()),
                &meta(),
            );
            let render = |decoded: Result<Bytes, relay::RelayError>| match decoded {
                Ok(body) => serde_json::from_slice(&body).unwrap_or(Value::Null),
                Err(error) => json!({"error": error.to_string()}),
            };
            let again = provider.decode_response(
                &channel,
                upstream,
                Bytes::from(response.to_string()),
                &meta(),
            );
            rendered["answers"][name]["response"] = response.clone();
            rendered["answers"][name]["decoded"] = steady_ids(render(decoded), &render(again));
        }
        if let Some(stream) = answers.get("stream") {
            let bytes = stream_bytes(stream);
            rendered["answers"][name]["stream"] = stream.clone();
            rendered["answers"][name]["decoded_stream"] = steady_ids(
                decode_stream(&channel, upstream, &bytes),
                &decode_stream(&channel, upstream, &bytes),
            );
        }
    }
    if native {
        assert!(
            input["answers"]["chat"].get("response").is_some()
                && input["answers"]["chat"].get("stream").is_some(),
            "{kind}: a family with its own protocol needs `answers.chat.response` and \
             `answers.chat.stream` inputs in its fixture"
        );
    }
    rendered
}

fn meta() -> ResponseMeta {
    ResponseMeta {
        model: MODEL.to_owned(),
        created: 1_700_000_000,
        tools: Default::default(),
    }
}

/// Whether the provider's chat answers are read as they come (one of the relay's codecs), so
/// no `answers` fixture is required: a chat completion decodes to itself.
fn reads_chat_as_is(channel: &Channel) -> bool {
    let provider = channel.kind.provider();
    let endpoint = provider.endpoint(Endpoint::ChatCompletions, channel, MODEL);
    let sample = Bytes::from_static(br#"{"id":"x","object":"chat.completion","choices":[]}"#);
    provider
        .decode_response(channel, endpoint, sample.clone(), &meta())
        .is_ok_and(|body| body == sample)
}

/// `first` with the ids a family makes up per answer (they differ from `second`, the same
/// answer decoded again: the upstream sent none) written as `(generated)`.
fn steady_ids(mut first: Value, second: &Value) -> Value {
    fn mark(first: &mut Value, second: &Value) {
        match (first, second) {
            (Value::Array(items), Value::Array(others)) => {
                for (item, other) in items.iter_mut().zip(others) {
                    mark(item, other);
                }
            }
            (Value::Object(object), Value::Object(other)) => {
                if let Some(id) = object.get_mut("id")
                    && id.is_string()
                    && Some(&*id) != other.get("id")
                {
                    *id = json!("(generated)");
                }
            }
            _ => {}
        }
    }
    mark(&mut first, second);
    first
}

/// A fixture's stream: a string as it is, or `{"base64": "..."}` for a binary framing.
fn stream_bytes(stream: &Value) -> Vec<u8> {
    use base64::Engine as _;
    match stream {
        Value::String(text) => text.as_bytes().to_vec(),
        other => base64::engine::general_purpose::STANDARD
            .decode(
                other["base64"]
                    .as_str()
                    .expect("stream is a string or {base64}"),
            )
            .expect("stream base64"),
    }
}

/// The stream's bytes fed in 7-byte chunks (frames cut anywhere), as events of the codec.
fn decode_stream(channel: &Channel, endpoint: Endpoint, bytes: &[u8]) -> Value {
    let mut decoder = channel
        .kind
        .provider()
        .stream_decoder(channel, endpoint, &meta());
    let mut events = Vec::new();
    let mut result = Ok(());
    for chunk in bytes.chunks(7) {
        result = decoder.push(chunk, &mut events);
        if result.is_err() {
            break;
        }
    }
    if result.is_ok() {
        result = decoder.finish(&mut events);
    }
    let mut rendered: Vec<Value> = events
        .iter()
        .map(|event| {
            let data = event.data.as_deref().unwrap_or_default();
            serde_json::from_str(data).unwrap_or_else(|_| Value::String(data.to_owned()))
        })
        .collect();
    if let Err(error) = result {
        rendered.push(json!({"error": error.to_string()}));
    }
    Value::Array(rendered)
}

#[test]
fn every_registered_type_builds_its_fixture_requests() {
    for kind in ChannelKind::all() {
        let path = fixtures().join(format!("{}.json", kind.as_str()));
        let input = if path.exists() {
            read_json(&path)
        } else {
            json!({})
        };
        let mut actual = render_kind(kind, &input);
        if let Some(channel) = input.get("channel") {
            actual["channel"] = channel.clone();
        }
        if let Some(extra) = input.get("extra_cases") {
            actual["extra_cases"] = extra.clone();
        }

        check(&path, &path, actual);
    }
}

#[test]
fn every_fixture_names_a_registered_type() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap();
        assert!(
            ChannelKind::parse(name).is_some(),
            "{} names no registered channel type",
            path.display()
        );
    }
}
