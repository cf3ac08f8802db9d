//! The official TypeScript MCP client (tests/node/answering_client.mjs) through proxies.
//!
//! It answers sampling, elicitation and roots, reads resources and templates, and gets prompts
//! and completions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use crate::common;

use common::{FakeDirectory, caller, remote, serve, server, upstream};
use mcp::{McpConfig, Scope, ServerKind};
use serde_json::{Value, json};

/// Runs tests/node/answering_client.mjs (the official TypeScript client, answering sampling,
/// elicitation and roots) once against `url` with `spec` (what to call, read and get; see the
/// script).
async fn typescript_client(url: &str, spec: &Value) -> Value {
    let node_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    let output = tokio::process::Command::new("node")
        .current_dir(&node_dir)
        .arg("answering_client.mjs")
        .arg(url)
        .arg("tok-a")
        .arg(spec.to_string())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|error| {
        panic!(
            "node client printed no json ({error}):\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_client_answers_what_proxied_servers_ask() {
    if !common::external_clients("Node and the npm packages of tests/node") {
        return;
    }
    let upstream = upstream().await;
    let secret = [("Authorization", "Bearer upstream-secret")];
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![
            server(
                "remote-stream",
                Scope::Public,
                ServerKind::ProxyStreamable(remote(upstream.url("/public/everything"), &secret)),
            ),
            server(
                "remote-sse",
                Scope::Public,
                ServerKind::ProxySse(remote(upstream.url("/public/everything/sse"), &secret)),
            ),
        ],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let spec = json!({"calls": [
        {"tool": "test_sampling", "args": {"prompt": "hi"}},
        {"tool": "test_elicitation", "args": {"message": "who?"}},
        {"tool": "test_roots"}
    ]});
    for path in ["/public/remote-stream", "/public/remote-sse"] {
        let out = typescript_client(&gateway.url(path), &spec).await;
        assert!(out.get("error").is_none(), "{path}: {out}");
        let texts: Vec<&str> = out["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| result["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts[0], "LLM response: sampled: hi", "{path}: {out}");
        assert!(
            texts[1].starts_with("User response: action=accept"),
            "{path}: {out}"
        );
        assert_eq!(texts[2], "Roots: file:///work", "{path}: {out}");
        assert_eq!(
            out["asked"],
            json!(["sampling", "elicitation", "roots"]),
            "{path}: {out}"
        );
    }
}

/// `everything`'s URI or URI template `uri` as a route names it: as is on a server's own route,
/// under `aiproxy://<server>/` in the aggregate.
fn uri_on(server: Option<&str>, uri: &str) -> String {
    server.map_or_else(
        || uri.to_owned(),
        |server| format!("aiproxy://{server}/{uri}"),
    )
}

/// `everything`'s prompt `name` as a route names it: as is on a server's own route, prefixed
/// `<server>__` in the aggregate.
fn prompt_on(server: Option<&str>, name: &str) -> String {
    server.map_or_else(|| name.to_owned(), |server| format!("{server}__{name}"))
}

/// What a route serving `everything` once under each of `servers` (`None`: its own route)
/// lists: the resources, the resource templates and the prompts, sorted.
fn everything_offerings(servers: &[Option<&str>]) -> [Vec<String>; 3] {
    let resources = [
        "test://static-binary",
        "test://static-text",
        "test://watched-resource",
    ];
    let prompts = [
        "test_input_required_result_prompt",
        "test_prompt_with_arguments",
        "test_prompt_with_embedded_resource",
        "test_prompt_with_image",
        "test_simple_prompt",
    ];
    let named = |items: &[&str], name: fn(Option<&str>, &str) -> String| {
        let mut names: Vec<String> = servers
            .iter()
            .flat_map(|server| items.iter().map(move |item| name(*server, item)))
            .collect();
        names.sort();
        names
    };
    [
        named(&resources, uri_on),
        named(&["test://template/{id}/data"], uri_on),
        named(&prompts, prompt_on),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_client_reads_resources_and_gets_prompts_through_proxies() {
    if !common::external_clients("Node and the npm packages of tests/node") {
        return;
    }
    let upstream = upstream().await;
    let secret = [("Authorization", "Bearer upstream-secret")];
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![
            server(
                "stream",
                Scope::Public,
                ServerKind::ProxyStreamable(remote(upstream.url("/public/everything"), &secret)),
            ),
            server(
                "sse",
                Scope::Public,
                ServerKind::ProxySse(remote(upstream.url("/public/everything/sse"), &secret)),
            ),
        ],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let own_route = everything_offerings(&[None]);
    // The aggregate lists both proxies' offerings, each under its server's prefix.
    let aggregated = everything_offerings(&[Some("sse"), Some("stream")]);
    // (label, path, transport, the server the route names the fixture's offerings under (none:
    // its own route), what the route lists)
    let cases = [
        ("stream", "/public/stream", "streamable", None, &own_route),
        (
            "sse upstream",
            "/public/sse",
            "streamable",
            None,
            &own_route,
        ),
        ("sse to sse", "/public/sse/sse", "sse", None, &own_route),
        ("aggregated sse", "", "streamable", Some("sse"), &aggregated),
        (
            "aggregated stream",
            "",
            "streamable",
            Some("stream"),
            &aggregated,
        ),
    ];
    for (label, path, transport, named_under, [resources, templates, prompts]) in cases {
        let uri = |uri: &str| uri_on(named_under, uri);
        let prompt = prompt_on(named_under, "test_prompt_with_arguments");
        // What a client does with a template: expand it, then read the result.
        let expanded = uri("test://template/{id}/data").replace("{id}", "123");
        let spec = json!({
            "transport": transport,
            "reads": [uri("test://static-text"), expanded],
            "prompts": [{"name": prompt, "args": {"arg1": "a", "arg2": "b"}}],
            "complete": {"prompt": prompt, "argument": "arg1", "value": "par"}
        });
        let out = typescript_client(&gateway.url(path), &spec).await;
        assert!(out.get("error").is_none(), "{label}: {out}");
        assert_eq!(out["resources"], json!(resources), "{label}: {out}");
        assert_eq!(out["templates"], json!(templates), "{label}: {out}");
        assert_eq!(out["prompt_names"], json!(prompts), "{label}: {out}");
        assert_eq!(
            out["read"][0],
            json!([{
                "uri": uri("test://static-text"),
                "mimeType": "text/plain",
                "text": "This is the content of the static text resource."
            }]),
            "{label}: {out}"
        );
        let data = &out["read"][1][0];
        assert_eq!(data["uri"], json!(expanded), "{label}: {out}");
        assert_eq!(data["mimeType"], "application/json", "{label}: {out}");
        let text: Value = serde_json::from_str(data["text"].as_str().unwrap()).unwrap();
        assert_eq!(
            text,
            json!({"id": "123", "templateTest": true, "data": "Data for ID: 123"}),
            "{label}: {out}"
        );
        assert_eq!(
            out["got"][0],
            json!([{
                "role": "user",
                "content": {"type": "text", "text": "Prompt with arguments: arg1='a', arg2='b'"}
            }]),
            "{label}: {out}"
        );
        assert_eq!(
            out["completion"],
            json!(["paris", "park", "party"]),
            "{label}: {out}"
        );
    }
}
