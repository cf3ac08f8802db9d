//! Hostile tool arguments and hostile documents: dot segments through a real call against a
//! local API that records every path it is asked for, and property tests of the request
//! builder (never a path outside the base or the template) and of the document reader
//! (arbitrary and mutated text: an answer or an error, never a panic, never more nodes than
//! the budget).
//!
//! Property tests run proptest's default number of cases (256); set `PROPTEST_CASES` for a
//! longer run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failure here is a failed test"
)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::Uri;

use openapi2mcp::{
    Api, CallConfig, CallError, ConvertOptions, Credential, Credentials, GuardedClient,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use url::Url;

const SPEC: &str = r#"
openapi: 3.0.3
info: { title: abuse, version: "1" }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
security: [{ key: [] }]
paths:
  /api/{a}/{b}:
    get:
      operationId: nested
      parameters:
        - { name: a, in: path, required: true, schema: { type: string } }
        - { name: b, in: path, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
  /files/{name}{ext}/{label}/{matrix}:
    get:
      operationId: styled
      parameters:
        - { name: name, in: path, required: true, schema: { type: string } }
        - { name: ext, in: path, required: true, schema: { type: string } }
        - { name: label, in: path, required: true, style: label, schema: { type: array, items: { type: string } } }
        - { name: matrix, in: path, required: true, style: matrix, explode: true, schema: { type: array, items: { type: string } } }
      responses: { "200": { description: ok } }
  /api/admin:
    get:
      operationId: admin
      responses: { "200": { description: ok } }
"#;

fn api() -> Api {
    let mut options = ConvertOptions::default();
    options.filter.exclude_operation_ids = vec!["admin".to_owned()];
    Api::from_document(SPEC.as_bytes(), &options).unwrap()
}

fn arguments(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("arguments are objects"),
    }
}

/// `{a: "..", b: "admin"}` used to reach `GET /base/api/admin`, an excluded operation, and
/// `{a: "..", b: ".."}` the API root, both with the configured key attached. Through a real
/// call, the API sees no request at all.
#[tokio::test]
async fn dot_segments_never_reach_the_api() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let app = Router::new()
        .fallback(axum::routing::any(
            |State(seen): State<Arc<Mutex<Vec<String>>>>, uri: Uri| async move {
                seen.lock().unwrap().push(uri.path().to_owned());
                "ok"
            },
        ))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let api = api();
    assert!(api.operation("admin").is_none());
    let client = GuardedClient::new().unwrap();
    let mut config = CallConfig::new(Url::parse(&format!("http://{addr}/base")).unwrap());
    config.allow_private_network = true;
    config.credentials = Credentials::new().with("key", Credential::ApiKey("secret-key".into()));
    for args in [
        json!({"a": "..", "b": "admin"}),
        json!({"a": "..", "b": ".."}),
        json!({"a": ".", "b": "..."}),
    ] {
        let error = api
            .call(&client, "nested", &arguments(args.clone()), &config)
            .await
            .unwrap_err();
        assert!(
            matches!(error, CallError::InvalidArgument { .. }),
            "{args}: {error}"
        );
    }
    let outcome = api
        .call(
            &client,
            "nested",
            &arguments(json!({"a": "..x", "b": "admin"})),
            &config,
        )
        .await
        .unwrap();
    assert_eq!(outcome.text, "ok");
    assert_eq!(*seen.lock().unwrap(), ["/base/api/..x/admin"]);
}

/// A path argument: any text, leaning on the characters that matter to paths.
fn path_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            ".", "..", "...", "%2e", "%2E%2e", ".%2e", "/", "\\", "?", "#", ";", "", "a/../b"
        ])
        .prop_map(str::to_owned),
        "[./%\\\\a-z2eE?#;=]{0,8}",
        any::<String>(),
    ]
}

fn path_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        path_text().prop_map(Value::String),
        prop::collection::vec(path_text(), 0..3)
            .prop_map(|items| Value::Array(items.into_iter().map(Value::String).collect())),
        any::<i64>().prop_map(Value::from),
        Just(Value::Null),
        Just(json!({".": ".."})),
    ]
}

proptest! {
    /// Whatever the arguments, a built request stays on the base's origin, under its path,
    /// with the template's segment count; or it is refused with an error.
    #[test]
    fn built_paths_never_leave_the_base(
        tool in prop::sample::select(vec!["nested", "styled"]),
        values in prop::collection::vec(path_value(), 4),
    ) {
        let api = api();
        let base = Url::parse("https://api.example.com/v1/base/").unwrap();
        let config = CallConfig::new(base.clone());
        let names = ["a", "b", "name", "ext", "label", "matrix"];
        let args: Map<String, Value> = names
            .iter()
            .zip(values.iter().cycle())
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect();
        let template_segments = if tool == "nested" { 6 } else { 7 };
        if let Ok(request) = api.build_request(tool, &args, &config) {
            prop_assert_eq!(request.url.origin(), base.origin());
            let path = request.url.path();
            let prefix = if tool == "nested" { "/v1/base/api/" } else { "/v1/base/files/" };
            prop_assert!(path.starts_with(prefix), "{}", path);
            prop_assert_eq!(path.split('/').count(), template_segments, "{}", path);
            prop_assert!(
                !path.split('/').any(|segment| segment == "." || segment == ".."),
                "{}",
                path
            );
        }
    }

    /// Arbitrary text, JSON-ish or YAML-ish: an API or an error, never a panic.
    #[test]
    fn arbitrary_documents_never_panic(
        text in prop_oneof![
            any::<String>(),
            "[{}\\[\\]:,\"'&*!|>#\\- \\n a-z0-9<]{0,200}",
        ],
    ) {
        let _ = Api::from_document(text.as_bytes(), &ConvertOptions::default());
    }

    /// A real document with bytes replaced, inserted or deleted at random places: an API or an
    /// error, never a panic; and whatever the YAML reader returns fits its node budget.
    #[test]
    fn mutated_documents_never_panic(
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), 0u8..3, prop::sample::select(b"{}[]:,\"'&*!|>- \n\tax0<%.".to_vec())),
            1..8,
        ),
    ) {
        let mut bytes = SPEC.as_bytes().to_vec();
        for (at, kind, byte) in edits {
            let position = at.index(bytes.len() + 1);
            match kind {
                0 if position < bytes.len() => bytes[position] = byte,
                1 => bytes.insert(position, byte),
                _ if position < bytes.len() => {
                    bytes.remove(position);
                }
                _ => {}
            }
        }
        let _ = Api::from_document(&bytes, &ConvertOptions::default());
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let budget = 5_000;
            if let Ok(value) = openapi2mcp::yaml::to_json(text, budget) {
                prop_assert!(nodes(&value) <= budget);
            }
        }
    }
}

/// Nodes of a JSON value as the YAML reader counts them (keys included).
fn nodes(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(nodes).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(|value| 1 + nodes(value)).sum::<usize>(),
        _ => 1,
    }
}
