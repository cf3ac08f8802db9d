//! Golden tests of every registered channel type: the upstream requests its provider builds (URL, method, auth headers) for generation and probes.
//!
//! One `tests/fixtures/providers/<type>.json` per registered type, iterated from the registry:
//! a type registered without a fixture fails here (write it with `UPDATE_GOLDEN=1` and review
//! it), and so does a fixture whose type is no longer registered. A fixture's `channel` object
//! (optional) gives the channel's `base_url` and `config` for types that have no default.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use relay::host::{Channel, ChannelKind};
use relay::provider::{Endpoint, UpstreamRequest};
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
        key: KEY.to_owned(),
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

/// What the provider does with a chat client, a Responses client and an embeddings client,
/// and the probes of a banned chat and embeddings pair.
fn render_kind(kind: ChannelKind, input: &Value) -> Value {
    let channel = channel(kind, &input["channel"]);
    let provider = kind.provider();
    let mut cases = serde_json::Map::new();
    for (name, endpoint, stream) in [
        ("chat", Endpoint::ChatCompletions, false),
        ("chat_stream", Endpoint::ChatCompletions, true),
        ("responses", Endpoint::Responses, false),
        ("embeddings", Endpoint::Embeddings, false),
    ] {
        let upstream = provider.endpoint(endpoint, &channel);
        let request = provider.build(
            &channel,
            upstream,
            MODEL,
            "application/json",
            Bytes::new(),
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
            render(provider.probe(&channel, endpoint, MODEL)),
        );
    }
    json!({"framing": format!("{:?}", provider.framing()), "cases": cases})
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
