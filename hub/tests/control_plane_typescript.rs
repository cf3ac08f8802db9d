//! Runs the TypeScript client's Node tests (`clients/typescript/tests`) and its example against the whole server booted here, with real traffic logged.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;

use crate::support::{self, ADMIN_KEY, TestHub};

const TRAFFIC_GROUP: &str = "ts-traffic";
const TRAFFIC_KEY: &str = "sk-ts-traffic-token-0001";

/// A group whose token reaches one fake channel that answers and one that refuses (400), so
/// the logs hold both a success and an error.
const CONFIG: &str = r#"
groups: [{id: ts-traffic}]
tokens: [{group: ts-traffic, name: traffic, key: sk-ts-traffic-token-0001}]
channels:
  - {name: answers, type: fake, models: [ts-ok], config: {text: "a short answer", prompt_tokens: "10", completion_tokens: "3"}}
  - {name: refuses, type: fake, models: [ts-refused], config: {error_status: "400"}}
models: [{model: ts-ok, type: chat}, {model: ts-refused, type: chat}]
"#;

/// A limit on each Node run, so a hung client fails the test instead of the whole suite.
const NODE_RUN_LIMIT: Duration = Duration::from_secs(120);

/// Runs `node args...` in `clients/typescript` with `env`, failing with its output unless it
/// succeeds; returns its stdout.
async fn node(package: &PathBuf, args: &[&str], env: &[(&str, String)]) -> String {
    let run = tokio::process::Command::new("node")
        .args(args)
        .current_dir(package)
        .envs(env.iter().map(|(name, value)| (name, value)))
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(NODE_RUN_LIMIT, run)
        .await
        .expect("the node run hung")
        .expect("node runs (install Node 20 or newer)");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "node {args:?} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_client_suite_passes() {
    if !support::external_clients("Node and clients/typescript's npm packages") {
        return;
    }
    let package = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../clients/typescript");
    assert!(
        package
            .join("node_modules/@connectrpc/connect-node")
            .is_dir(),
        "clients/typescript has no node_modules: run npm ci there (.ci/test does)"
    );
    let hub = TestHub::start_with_config(CONFIG).await;

    // Two answered requests and one refused, through the gateway as any client sends them.
    for model in ["ts-ok", "ts-ok", "ts-refused"] {
        let status = hub
            .post_json(
                TRAFFIC_KEY,
                "/v1/chat/completions",
                json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}),
            )
            .await
            .status();
        assert_eq!(status == 200, model == "ts-ok", "{model}: {status}");
    }
    // The summaries are written in the rows' transaction: once the rows show, so do they.
    let logs = support::group_logs(&hub, TRAFFIC_GROUP, 3).await;
    let mut statuses: Vec<i64> = logs.iter().map(|log| log.status_code).collect();
    statuses.sort_unstable();
    assert_eq!(statuses.len(), 3, "{logs:?}");
    assert_eq!(statuses[..2], [200, 200], "{logs:?}");
    assert!(statuses[2] >= 400, "{logs:?}");
    // What the client must read back from the summary tables, from the raw rows.
    let expected = json!({
        "requests": logs.len(),
        "errors": statuses.iter().filter(|status| **status >= 400).count(),
        "inputTokens": logs.iter().map(|log| log.input_tokens).sum::<i64>(),
        "outputTokens": logs.iter().map(|log| log.output_tokens).sum::<i64>(),
        "statusCodes": statuses,
    });

    let env = [
        ("AIPROXY_BASE_URL", hub.url("")),
        ("AIPROXY_ADMIN_KEY", ADMIN_KEY.to_owned()),
        ("AIPROXY_SUMMARY_GROUP", TRAFFIC_GROUP.to_owned()),
        ("AIPROXY_SUMMARY_EXPECT", expected.to_string()),
    ];
    let report = node(&package, &["--test", "tests/"], &env).await;
    // Every test ran: none was skipped for want of a server (four transports, three tests
    // each, and the offline one).
    assert!(report.contains("# pass 13"), "{report}");
    assert!(report.contains("# skipped 0"), "{report}");

    let url = hub.url("");
    let example = node(&package, &["example.mjs", &url], &env).await;
    assert!(example.contains("token key (shown once): sk-"), "{example}");
    assert!(example.contains("demo-openai"), "{example}");

    hub.stop().await.unwrap();
}
