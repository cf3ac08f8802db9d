//! The official TypeScript MCP client (node, tests/node/answering_client.mjs) answering the sampling, elicitation and roots requests of proxied servers.
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
/// elicitation and roots) once against `url`.
async fn typescript_client(url: &str, calls: &Value) -> Value {
    let node_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    let output = tokio::process::Command::new("node")
        .current_dir(&node_dir)
        .arg("answering_client.mjs")
        .arg(url)
        .arg("tok-a")
        .arg(calls.to_string())
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
    let calls = json!([
        {"tool": "test_sampling", "args": {"prompt": "hi"}},
        {"tool": "test_elicitation", "args": {"message": "who?"}},
        {"tool": "test_roots"}
    ]);
    for path in ["/public/remote-stream", "/public/remote-sse"] {
        let out = typescript_client(&gateway.url(path), &calls).await;
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
