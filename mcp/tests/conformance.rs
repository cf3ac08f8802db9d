//! The MCP conformance suite (npm `@modelcontextprotocol/conformance`, in tests/node) against the
//! `everything` template through the router, for the 2025-11-25 and 2026-07-28 requirements:
//! served directly, through a Streamable HTTP proxy of that route pinned to the session era (its
//! mid-call requests reach a 2026-07-28 caller as input-required rounds of the gateway's bridge),
//! through a second proxy of it that detects the 2026-07-28 revision (its rounds and tasks pass
//! through), through the aggregated `/mcp`, and through aggregates in front of upstreams of both
//! eras.
//!
//! The aggregated `/mcp` serves `everything` unprefixed (its tools, prompts, resources and task
//! ids under the names the suite calls them by; the proxied copies' are prefixed there). The
//! aggregates in front of upstreams (`aggregate-proxied`, `aggregate-proxied-2026`: services of
//! their own on the same port) serve a proxy of that route unprefixed, pinned to the session
//! era or detecting 2026-07-28, beside an embedded `everything` prefixed there; the test checks
//! that the proxy served their calls.
//!
//! Every scenario of the suite must pass on every route: none is left out.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use crate::common;

use std::path::PathBuf;
use std::sync::Arc;

use common::{FakeDirectory, caller, embedded, server, unprefixed};
use mcp::{McpConfig, McpService, Scope, ServerKind, TaskLimits};

/// One route the suite runs against: its label (in the output and the report) and URL; for an
/// aggregate in front of a proxy, what its service recorded of the calls it served.
struct Route {
    label: &'static str,
    url: String,
    aggregate_sink: Option<Arc<common::RecordingSink>>,
}

/// Serves three services on one port behind a layer adding the tenant's bearer token (the
/// suite has no option to send one); the routes the suite runs against.
///
/// The service at `/mcp` serves `everything`, and two proxies of its own `everything` route
/// (the layer authenticates the proxies' requests too): `proxied`, pinned to the session era,
/// and `proxied-2026`, which detects the 2026-07-28 revision. Its aggregated `/mcp` serves
/// `everything` unprefixed. The services at `/aggregate-proxied/mcp` and
/// `/aggregate-proxied-2026/mcp` are aggregates in front of upstreams of both eras: each serves
/// a proxy of `/mcp/public/everything` (of the session era, or detecting 2026-07-28) unprefixed
/// in its aggregated view, beside an embedded `everything` prefixed there (its names being
/// taken), as a gateway in front of a remote fixture would.
async fn gateway() -> Vec<Route> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let direct = format!("http://{address}/mcp/public/everything");
    let session_era = || ServerKind::ProxyStreamable(common::remote(direct.clone(), &[]));
    let detected = || ServerKind::ProxyStreamable(common::remote_detected(direct.clone(), &[]));
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
            server("proxied", Scope::Public, session_era()),
            server("proxied-2026", Scope::Public, detected()),
        ],
    };
    // An aggregate whose unprefixed server is `proxy`, an embedded `everything` beside it.
    let aggregate_of = |proxy: ServerKind| FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![
            unprefixed(server("remote", Scope::Public, proxy)),
            server("local", Scope::Public, embedded("everything", &[])),
        ],
    };
    // Pinned hosts and origins, as a deployment would set them: the suite checks DNS-rebinding
    // protection with a foreign Host/Origin and expects local ones to pass.
    let config = McpConfig {
        allowed_hosts: vec!["127.0.0.1".into(), "localhost".into()],
        allowed_origins: vec!["http://127.0.0.1:*".into(), "http://localhost:*".into()],
        // One token for every route, the proxies' own upstream calls included: the task
        // scenarios of six routes (each about 20 tasks on `everything`, kept 10 minutes) would
        // pass the default 64 a token may hold, which is not what the suite tests.
        tasks: TaskLimits {
            max_per_owner: 1024,
            ..TaskLimits::default()
        },
        ..McpConfig::default()
    };
    let service = |directory: FakeDirectory| {
        let sink = Arc::new(common::RecordingSink::default());
        let router = McpService::new(config.clone(), Arc::new(directory), sink.clone()).router();
        (router, sink)
    };
    let (own, _) = service(directory);
    let (in_front_of_session_era, session_era_sink) = service(aggregate_of(session_era()));
    let (in_front_of_detected, detected_sink) = service(aggregate_of(detected()));
    let app = axum::Router::new()
        .nest("/mcp", own)
        .nest("/aggregate-proxied/mcp", in_front_of_session_era)
        .nest("/aggregate-proxied-2026/mcp", in_front_of_detected)
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
    let route = |label, path: &str, aggregate_sink| Route {
        label,
        url: format!("http://{address}{path}"),
        aggregate_sink,
    };
    vec![
        route("direct", "/mcp/public/everything", None),
        route("proxied", "/mcp/public/proxied", None),
        route("proxied-2026", "/mcp/public/proxied-2026", None),
        route("aggregate", "/mcp", None),
        route(
            "aggregate-proxied",
            "/aggregate-proxied/mcp",
            Some(session_era_sink),
        ),
        route(
            "aggregate-proxied-2026",
            "/aggregate-proxied-2026/mcp",
            Some(detected_sink),
        ),
    ]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_suite_through_the_router() {
    if !common::external_clients("Node and the npm packages of tests/node") {
        return;
    }
    let routes = gateway().await;
    let runs: Vec<(&str, &str, &str)> = routes
        .iter()
        .flat_map(|route| {
            ["2025-11-25", "2026-07-28"]
                .map(|requirements| (route.label, requirements, route.url.as_str()))
        })
        .collect();
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
    // Every scenario must pass on every route; all the failures are reported at once.
    let mut failures = Vec::new();
    for ((label, requirements, _), output) in runs.iter().zip(&outputs) {
        let (scenarios, total) = summary(output);
        let failed: Vec<&str> = scenarios
            .iter()
            .filter(|(passed, _)| !passed)
            .map(|(_, name)| name.as_str())
            .collect();
        // For the record (`cargo test -- --nocapture`): the totals the README summarises.
        println!("conformance {label} {requirements}: {total}; failed: {failed:?}");
        assert!(
            !scenarios.is_empty(),
            "{label} {requirements}: no summary from the suite:\n{output}"
        );
        if !failed.is_empty() {
            failures.push(format!(
                "{label} {requirements}: failed {failed:?}:\n{output}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The aggregates in front of proxies served the suite's calls from the proxied copy, their
    // unprefixed server, and none from the embedded one beside it.
    for route in &routes {
        let Some(sink) = &route.aggregate_sink else {
            continue;
        };
        let records = sink.records();
        let served_by = |server: &str| records.iter().filter(|r| r.server_id == server).count();
        assert!(served_by("remote") > 0, "{}: {records:?}", route.label);
        assert_eq!(served_by("local"), 0, "{}", route.label);
    }
}
