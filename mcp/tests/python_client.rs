//! The official Python MCP client against the hub: embedded, proxied Streamable and proxied SSE
//! servers, over Streamable HTTP and legacy SSE, in `auto` and `legacy` modes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use crate::common;

use common::{FakeDirectory, caller, embedded, python_client, remote, serve, server, upstream};
use mcp::{McpConfig, Scope, ServerKind};
use serde_json::{Value, json};

const CALLS: &str = r#"[
    {"tool": "echo", "args": {"message": "hi"}},
    {"tool": "add", "args": {"a": 2, "b": 3}},
    {"tool": "test_error_handling"},
    {"tool": "test_tool_with_progress", "progress": true},
    {"tool": "test_image_content"}
]"#;

/// The results every route must give for [`CALLS`], whatever sits behind it.
fn check_results(label: &str, out: &Value, prefix: &str) {
    assert!(out.get("error").is_none(), "{label}: client failed: {out}");
    let tools: Vec<&str> = out["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for expected in [
        "echo",
        "add",
        "test_error_handling",
        "test_tool_with_progress",
    ] {
        let name = format!("{prefix}{expected}");
        assert!(
            tools.contains(&name.as_str()),
            "{label}: {name} missing from {tools:?}"
        );
    }
    let results = out["results"].as_array().unwrap();
    assert_eq!(
        results[0]["content"][0]["text"], "Echo: hi",
        "{label}: {out}"
    );
    assert_eq!(
        results[1]["structured"],
        json!({"sum": 5.0}),
        "{label}: {out}"
    );
    assert_eq!(results[2]["is_error"], true, "{label}: {out}");
    assert!(
        results[2]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("intentionally"),
        "{label}"
    );
    // The Python client runs each progress callback in its own task, so a burst of
    // notifications (a proxy relays them back to back) may reach the callback out of order:
    // compare the values, not their order.
    let mut progress: Vec<f64> = results[3]["progress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|value| value.as_f64().unwrap())
        .collect();
    progress.sort_by(f64::total_cmp);
    assert_eq!(progress, [0.0, 50.0, 100.0], "{label}: {out}");
    assert_eq!(results[4]["content"][0]["type"], "image", "{label}: {out}");
    assert_eq!(
        results[4]["content"][0]["mimeType"], "image/png",
        "{label}: {out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_through_every_transport_and_backend() {
    if !common::external_clients("Python with the official mcp client") {
        return;
    }
    let upstream = upstream().await;
    let secret = [("Authorization", "Bearer upstream-secret")];
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![
            server("kitchen", Scope::Public, embedded("everything", &[])),
            server(
                "remote-stream",
                Scope::Group("ga".into()),
                ServerKind::ProxyStreamable(remote(upstream.url("/public/everything"), &secret)),
            ),
            server(
                "remote-sse",
                Scope::Group("ga".into()),
                ServerKind::ProxySse(remote(upstream.url("/public/everything/sse"), &secret)),
            ),
        ],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let calls: Value = serde_json::from_str(CALLS).unwrap();

    let mut cases = Vec::new();
    for mode in ["auto", "legacy"] {
        for path in [
            "/public/kitchen",
            "/group/remote-stream",
            "/group/remote-sse",
        ] {
            cases.push((
                format!("{mode} streamable {path}"),
                gateway.url(path),
                "streamable",
                mode,
                "",
            ));
        }
    }
    for path in [
        "/public/kitchen",
        "/group/remote-stream",
        "/group/remote-sse",
    ] {
        cases.push((
            format!("sse {path}"),
            gateway.url(&format!("{path}/sse")),
            "sse",
            "legacy",
            "",
        ));
    }
    cases.push((
        "auto aggregated".into(),
        gateway.url(""),
        "streamable",
        "auto",
        "kitchen__",
    ));
    cases.push((
        "legacy aggregated".into(),
        gateway.url(""),
        "streamable",
        "legacy",
        "remote-sse__",
    ));
    cases.push((
        "sse aggregated".into(),
        gateway.url("/sse"),
        "sse",
        "legacy",
        "remote-stream__",
    ));

    let specs = cases
        .iter()
        .map(|(_, url, transport, mode, prefix)| {
            let mut calls = calls.clone();
            for call in calls.as_array_mut().unwrap() {
                call["tool"] = json!(format!("{prefix}{}", call["tool"].as_str().unwrap()));
            }
            json!({"url": url, "token": "tok-a", "transport": transport, "mode": mode, "calls": calls})
        })
        .collect();
    let outputs = python_client(specs).await;
    for ((label, _, _, _, prefix), out) in cases.iter().zip(&outputs) {
        check_results(label, out, prefix);
        if label.starts_with("auto") {
            assert_eq!(
                out["protocol_version"], "2026-07-28",
                "{label}: auto mode should reach the stateless era"
            );
        }
        if label.starts_with("legacy") {
            assert_ne!(out["protocol_version"], "2026-07-28", "{label}");
        }
    }

    // Every call through the gateway was reported, under the server id the caller used.
    let records = gateway.sink.records();
    for server_id in ["kitchen", "remote-stream", "remote-sse"] {
        assert!(
            records.iter().filter(|r| r.server_id == server_id).count() >= 5,
            "too few records for {server_id}"
        );
    }
}

/// Starts the reference `server-everything` (npm, in tests/node) in `mode` on a free port;
/// returns the child (killed on drop) and its base URL.
async fn reference_server(mode: &str) -> (tokio::process::Child, String) {
    let node_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    let script =
        node_dir.join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(
        script.exists(),
        "server-everything missing: run `npm ci` in {}",
        node_dir.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = tokio::process::Command::new("node")
        .arg(script)
        .arg(mode)
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return (child, url);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("server-everything ({mode}) did not start on port {port}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_everything_server_behind_both_proxies() {
    if !common::external_clients(
        "Node, the npm packages of tests/node and Python with the official mcp client",
    ) {
        return;
    }
    let (_sse_child, sse_url) = reference_server("sse").await;
    let (_stream_child, stream_url) = reference_server("streamableHttp").await;
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![
            server(
                "ref-sse",
                Scope::Public,
                ServerKind::ProxySse(remote(format!("{sse_url}/sse"), &[])),
            ),
            server(
                "ref-stream",
                Scope::Public,
                ServerKind::ProxyStreamable(remote(format!("{stream_url}/mcp"), &[])),
            ),
        ],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let calls = json!([
        {"tool": "echo", "args": {"message": "through"}},
        {"tool": "get-sum", "args": {"a": 2, "b": 5}},
        {"tool": "get-structured-content", "args": {"location": "New York"}},
        {"tool": "trigger-long-running-operation", "args": {"duration": 0.3, "steps": 3}, "progress": true}
    ]);
    let cases = [
        ("auto", "streamable", gateway.url("/public/ref-sse")),
        ("legacy", "sse", gateway.url("/public/ref-sse/sse")),
        ("auto", "streamable", gateway.url("/public/ref-stream")),
        ("legacy", "sse", gateway.url("/public/ref-stream/sse")),
    ];
    let specs = cases
        .iter()
        .map(|(mode, transport, url)| json!({"url": url, "token": "tok-a", "transport": transport, "mode": mode, "calls": calls}))
        .collect();
    for ((mode, transport, url), out) in cases.iter().zip(python_client(specs).await) {
        let label = format!("{mode} {transport} {url}");
        assert!(out.get("error").is_none(), "{label}: {out}");
        let results = out["results"].as_array().unwrap();
        assert_eq!(
            results[0]["content"][0]["text"], "Echo: through",
            "{label}: {out}"
        );
        assert!(
            results[1]["content"][0]["text"]
                .as_str()
                .unwrap()
                .contains('7'),
            "{label}: {out}"
        );
        assert!(
            results[2]["structured"]["temperature"].is_number(),
            "{label}: {out}"
        );
        assert_eq!(
            results[3]["progress"].as_array().unwrap().len(),
            3,
            "{label}: {out}"
        );
    }
}

/// What a Python client that answers (see `answers` in tests/py/client_check.py) sees of tools
/// that ask it something: `expected` is a piece of each call's text.
fn check_answered(label: &str, out: &Value, expected: &[&str], asked: &[&str]) {
    assert!(out.get("error").is_none(), "{label}: client failed: {out}");
    let results = out["results"].as_array().unwrap();
    for (result, expected) in results.iter().zip(expected) {
        let text = result["content"][0]["text"].as_str().unwrap_or_default();
        assert!(
            text.contains(expected),
            "{label}: {expected:?} not in {result}"
        );
        assert_ne!(result["is_error"], true, "{label}: {result}");
    }
    assert_eq!(out["asked"], json!(asked), "{label}: {out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_answers_what_proxied_servers_ask() {
    if !common::external_clients(
        "Node, the npm packages of tests/node and Python with the official mcp client",
    ) {
        return;
    }
    let upstream = upstream().await;
    let secret = [("Authorization", "Bearer upstream-secret")];
    let (_reference_child, reference_url) = reference_server("streamableHttp").await;
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
            server(
                "ref-stream",
                Scope::Public,
                ServerKind::ProxyStreamable(remote(format!("{reference_url}/mcp"), &[])),
            ),
        ],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let ours = json!([
        {"tool": "test_sampling", "args": {"prompt": "hi"}},
        {"tool": "test_elicitation", "args": {"message": "who?"}},
        {"tool": "test_roots"}
    ]);
    let ours_expected = [
        "LLM response: sampled: hi",
        "User response: action=accept",
        "Roots: file:///work",
    ];
    // The reference server (npm server-everything) offers these tools only to a client that
    // declared sampling and elicitation: the gateway declared them upstream for this caller.
    let reference = json!([
        {"tool": "trigger-sampling-request", "args": {"prompt": "hi"}},
        {"tool": "trigger-elicitation-request", "args": {}}
    ]);
    let reference_expected = [
        "sampled: Resource trigger-sampling-request context: hi",
        "User provided",
    ];
    let mut cases = Vec::new();
    for (mode, transport, suffix) in [
        ("auto", "streamable", ""),
        ("legacy", "streamable", ""),
        ("legacy", "sse", "/sse"),
    ] {
        for path in ["/public/remote-stream", "/public/remote-sse"] {
            cases.push((
                format!("{mode} {transport} {path}"),
                gateway.url(&format!("{path}{suffix}")),
                transport,
                mode,
                &ours,
            ));
        }
        cases.push((
            format!("{mode} {transport} reference"),
            gateway.url(&format!("/public/ref-stream{suffix}")),
            transport,
            mode,
            &reference,
        ));
    }
    let specs = cases
        .iter()
        .map(|(_, url, transport, mode, calls)| {
            json!({"url": url, "token": "tok-a", "transport": transport, "mode": mode,
                "calls": calls, "answers": true})
        })
        .collect();
    let outputs = python_client(specs).await;
    for ((label, ..), out) in cases.iter().zip(&outputs) {
        // A 2026-07-28 caller (`auto`) of these session-era upstreams is asked with
        // input-required results the gateway makes of their mid-call requests; the others are
        // asked on the call's stream. The answers are the same.
        if label.ends_with("reference") {
            // The reference server asks for the client's roots on its own once a session that
            // declares them is initialized, not from a tool: whether that lands while one of
            // these calls is open (and so reaches this client) is a race, so it is not counted.
            let mut seen = out.clone();
            if let Some(asked) = seen["asked"].as_array_mut() {
                asked.retain(|kind| kind != "roots");
            }
            check_answered(
                label,
                &seen,
                &reference_expected,
                &["sampling", "elicitation"],
            );
        } else {
            check_answered(
                label,
                out,
                &ours_expected,
                &["sampling", "elicitation", "roots"],
            );
        }
    }
}
