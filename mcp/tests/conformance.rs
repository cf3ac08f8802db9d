//! The MCP conformance suite (npm `@modelcontextprotocol/conformance`, in tests/node) against the
//! `everything` template through the router, for the 2025-11-25 and 2026-07-28 requirements:
//! served directly, through a Streamable HTTP proxy of that route pinned to the session era (its
//! mid-call requests reach a 2026-07-28 caller as input-required rounds of the gateway's bridge),
//! through a second proxy of it that detects the 2026-07-28 revision (its rounds and tasks pass
//! through), and through the aggregated `/mcp`.
//!
//! The aggregated `/mcp` serves `everything` unprefixed (its tools, prompts, resources and task
//! ids under the names the suite calls them by; the proxied copy's are prefixed there), so the
//! same scenarios must pass through it as directly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use crate::common;

use std::path::PathBuf;

use common::{FakeDirectory, caller, embedded, server, unprefixed};
use mcp::{McpConfig, McpService, Scope, ServerKind, TaskLimits};

/// Serves the service at `/mcp` behind a layer adding the tenant's bearer token: the suite has no
/// option to send one. It serves `everything`, and two proxies of its own `everything` route
/// (the layer authenticates the proxies' requests too): `proxied`, pinned to the session era,
/// and `proxied-2026` (its URL is `proxied`'s with `-2026`), which detects the 2026-07-28
/// revision; the URL of each route but the second proxy's, and of the aggregated `/mcp`.
async fn gateway() -> (String, String, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let direct = format!("http://{address}/mcp/public/everything");
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![
            // Served unprefixed in the aggregated `/mcp`, so the suite finds its fixtures there
            // under the names it calls them by.
            unprefixed(server(
                "everything",
                Scope::Public,
                embedded("everything", &[]),
            )),
            server(
                "proxied",
                Scope::Public,
                ServerKind::ProxyStreamable(common::remote(direct.clone(), &[])),
            ),
            server(
                "proxied-2026",
                Scope::Public,
                ServerKind::ProxyStreamable(common::remote_detected(direct.clone(), &[])),
            ),
        ],
    };
    let sink = std::sync::Arc::new(common::RecordingSink::default());
    // Pinned hosts and origins, as a deployment would set them: the suite checks DNS-rebinding
    // protection with a foreign Host/Origin and expects local ones to pass.
    let config = McpConfig {
        allowed_hosts: vec!["127.0.0.1".into(), "localhost".into()],
        allowed_origins: vec!["http://127.0.0.1:*".into(), "http://localhost:*".into()],
        // One token for every route, the proxies' own upstream calls included: the task
        // scenarios of four routes (each about 20 tasks on `everything`, kept 10 minutes) would
        // pass the default 64 a token may hold, which is not what the suite tests.
        tasks: TaskLimits {
            max_per_owner: 1024,
            ..TaskLimits::default()
        },
        ..McpConfig::default()
    };
    let service = McpService::new(config, std::sync::Arc::new(directory), sink);
    let app =
        axum::Router::new()
            .nest("/mcp", service.router())
            .layer(axum::middleware::map_request(
                |mut request: axum::extract::Request| async move {
                    request
                        .headers_mut()
                        .insert("authorization", "Bearer tok-a".parse().unwrap());
                    request
                },
            ));
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (
        direct,
        format!("http://{address}/mcp/public/proxied"),
        format!("http://{address}/mcp"),
    )
}

async fn run_suite(url: &str, requirements: &str, label: &str) -> String {
    let node_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    let suite = node_dir.join("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    assert!(
        suite.exists(),
        "conformance suite missing: run `npm ci` in {}",
        node_dir.display()
    );
    let mut command = tokio::process::Command::new("node");
    command
        .current_dir(&node_dir)
        .args(["--import", "./node20-shim.mjs"])
        .arg(&suite)
        .args([
            "server",
            "--url",
            url,
            "--requirements",
            requirements,
            "--timeout",
            "10000",
        ]);
    // Per-check details (JSON) for a failing scenario: set CONFORMANCE_OUTPUT_DIR.
    if let Ok(directory) = std::env::var("CONFORMANCE_OUTPUT_DIR") {
        command.args([
            "--output-dir",
            &format!("{directory}/{label}/{requirements}"),
        ]);
    }
    let output = command.output().await.unwrap();
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The summary lines (`✓ name: 2 passed, 0 failed`) and the `Total:` line of one run.
fn summary(output: &str) -> (Vec<(bool, String)>, String) {
    let after = output.split("=== SUMMARY ===").nth(1).unwrap_or_default();
    let scenarios = after
        .lines()
        .filter_map(|line| {
            let passed = line.starts_with('✓');
            let rest = line.strip_prefix('✓').or_else(|| line.strip_prefix('✗'))?;
            Some((passed, rest.trim().split(':').next()?.to_owned()))
        })
        .collect();
    let total = after
        .lines()
        .find(|line| line.starts_with("Total:"))
        .unwrap_or_default()
        .to_owned();
    (scenarios, total)
}

/// Scenarios whose tools ask the client something, mid-call or (2026-07-28) with an
/// input-required result (besides `tools-call-sampling` and `tools-call-elicitation`, in scope
/// as `tools-` ones).
const CALLER_REQUEST_SCENARIOS: [&str; 16] = [
    "elicitation-sep1034-defaults",
    "elicitation-sep1330-enums",
    "input-required-result-basic-sampling",
    "input-required-result-basic-elicitation",
    "input-required-result-basic-list-roots",
    "input-required-result-request-state",
    "input-required-result-multiple-input-requests",
    "input-required-result-multi-round",
    "input-required-result-missing-input-response",
    "input-required-result-non-tool-request",
    "input-required-result-result-type",
    "input-required-result-unsupported-methods",
    "input-required-result-tampered-state",
    "input-required-result-capability-check",
    "input-required-result-ignore-extra-params",
    "input-required-result-validate-input",
];

/// Whether scenario `name` must pass, on every route (`direct`, `proxied`, `proxied-2026` and
/// `aggregate`).
fn in_scope(name: &str) -> bool {
    // Tasks (SEP-2663, 2026-07-28 only) are served for the servers the gateway runs itself (the
    // aggregated `/mcp` serves the fixture unprefixed, its task ids too), and forwarded by a
    // proxy of an upstream that offers them (of either era: the session-era proxy declares the
    // extension at `initialize`).
    let tasks = name.starts_with("tasks-");
    let tools = name.starts_with("tools-") || tasks || CALLER_REQUEST_SCENARIOS.contains(&name);
    let offerings = ["resources-", "prompts-", "completion-"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || name == "sep-2164-resource-not-found";
    // Through the proxy the upstream speaks the session era: it asks mid-call (several requests
    // at once where the fixture's 2026-07-28 round has several, a prompt too, each naming its
    // key), and the gateway's bridge asks the caller in input-required rounds of its own (its
    // own `requestState`, refused when tampered with, and only what the caller declared); a
    // caller that takes tasks gets the round that brings its answers as a task of the
    // gateway's own (`tasks-mrtr-composition`).
    (tools || offerings)
        || [
            "server-initialize",
            "ping",
            "server-session-lifecycle",
            "dns-rebinding-protection",
            "http-header-validation",
            "server-sse-multiple-streams",
            "logging-set-level",
            // The gateway's stateless handling (per-request `_meta`, versions, removed methods,
            // `-32021`, no log message unasked, listen streams) and the fixture's diagnostic
            // tools; through a proxy the upstream's refusals and rounds pass through.
            "server-stateless",
            // Keywords passed through unchanged, through proxies too.
            "json-schema-2020-12",
            // `Mcp-Param-*` headers checked against the route's listing of the tool.
            "http-custom-header-server-validation",
        ]
        .contains(&name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_suite_through_the_router() {
    if !common::external_clients("Node and the npm packages of tests/node") {
        return;
    }
    let (direct, proxied, aggregate) = gateway().await;
    let proxied_2026 = format!("{proxied}-2026");
    let runs = [
        ("direct", "2025-11-25", &direct),
        ("direct", "2026-07-28", &direct),
        ("proxied", "2025-11-25", &proxied),
        ("proxied", "2026-07-28", &proxied),
        ("proxied-2026", "2025-11-25", &proxied_2026),
        ("proxied-2026", "2026-07-28", &proxied_2026),
        ("aggregate", "2025-11-25", &aggregate),
        ("aggregate", "2026-07-28", &aggregate),
    ];
    // Two at a time: four suites at once starve a 2-core machine into timeouts.
    let mut outputs = Vec::new();
    for pair in runs.chunks(2) {
        let (first, second) = tokio::join!(
            run_suite(pair[0].2, pair[0].1, pair[0].0),
            run_suite(pair[1].2, pair[1].1, pair[1].0)
        );
        outputs.push(first);
        outputs.push(second);
    }
    for ((label, requirements, _), output) in runs.iter().zip(&outputs) {
        let (scenarios, total) = summary(output);
        // Printed for the record (`cargo test -- --nocapture`): what `in_scope` leaves out
        // may fail.
        let failed: Vec<&str> = scenarios
            .iter()
            .filter(|(passed, _)| !passed)
            .map(|(_, name)| name.as_str())
            .collect();
        println!("conformance {label} {requirements}: {total}; failed: {failed:?}");
        assert!(
            !scenarios.is_empty(),
            "no summary from the suite:\n{output}"
        );
        for (passed, name) in &scenarios {
            assert!(
                !in_scope(name) || *passed,
                "{label} {requirements}: scenario {name} failed:\n{output}"
            );
        }
    }
}
