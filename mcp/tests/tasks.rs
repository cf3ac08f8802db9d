//! Tasks (SEP-2663) through the router: owned by their creating token, bounded by TTL and count, cancellable, prefixed in `/mcp`, logged once.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::{FakeDirectory, caller, embedded, server, unprefixed};
use mcp::{McpConfig, Scope, ServerDefinition, TaskLimits, ToolCallStatus};
use serde_json::{Value, json};

pub(crate) const TASKS: &str = "io.modelcontextprotocol/tasks";

async fn gateway(limits: TaskLimits) -> common::Running {
    let everything = server("everything", Scope::Public, embedded("everything", &[]));
    gateway_serving(everything, limits).await
}

/// A gateway serving `served` to three tokens (`tok-a` and `tok-a2` of one group, `tok-b` of
/// another), its tasks bounded by `limits`.
pub(crate) async fn gateway_serving(
    served: Arc<ServerDefinition>,
    limits: TaskLimits,
) -> common::Running {
    let directory = FakeDirectory {
        tokens: [
            ("tok-a".to_owned(), caller("ga", 1, None)),
            ("tok-a2".to_owned(), caller("ga", 2, None)),
            ("tok-b".to_owned(), caller("gb", 3, None)),
        ]
        .into(),
        servers: vec![served],
    };
    let config = McpConfig {
        tasks: limits,
        ..McpConfig::default()
    };
    common::serve(directory, config).await
}

/// One stateless (2026-07-28) request; `tasks` says whether it declares the tasks extension.
pub(crate) async fn rpc(
    url: &str,
    token: &str,
    method: &str,
    mut params: Value,
    tasks: bool,
) -> Value {
    let capabilities = if tasks {
        json!({"elicitation": {}, "extensions": {TASKS: {}}})
    } else {
        json!({})
    };
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": capabilities
    });
    let name = params
        .get("name")
        .or_else(|| params.get("taskId"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut request = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", method);
    if let Some(name) = name {
        request = request.header("mcp-name", name);
    }
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    request
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub(crate) async fn start(url: &str, token: &str, tool: &str, arguments: Value) -> String {
    let reply = rpc(
        url,
        token,
        "tools/call",
        json!({"name": tool, "arguments": arguments}),
        true,
    )
    .await;
    assert_eq!(reply["result"]["resultType"], "task", "{reply}");
    reply["result"]["taskId"].as_str().unwrap().to_owned()
}

/// Asserts that `tok-a`'s task `task_id` is unknown to another token of its group and to
/// another group's: `tasks/get`, `tasks/cancel` and `tasks/update` answer exactly as for an id
/// that never existed.
pub(crate) async fn unknown_to_other_tokens(url: &str, task_id: &str) {
    for other in ["tok-a2", "tok-b"] {
        for (method, params) in [
            ("tasks/get", json!({"taskId": task_id})),
            ("tasks/cancel", json!({"taskId": task_id})),
            (
                "tasks/update",
                json!({"taskId": task_id, "inputResponses": {}}),
            ),
        ] {
            let reply = rpc(url, other, method, params, true).await;
            assert_eq!(reply["error"]["code"], -32602, "{other} {method}: {reply}");
            assert_eq!(
                reply["error"]["message"],
                format!("unknown task: {task_id}")
            );
        }
    }
}

/// Asserts that `token` may start no more `slow_compute` tasks on `url`.
pub(crate) async fn refused_as_too_many(url: &str, token: &str) {
    let refused = rpc(
        url,
        token,
        "tools/call",
        json!({"name": "slow_compute", "arguments": {"seconds": 30}}),
        true,
    )
    .await;
    assert_eq!(
        refused["error"]["data"]["type"], "too_many_tasks",
        "{refused}"
    );
}

pub(crate) async fn cancel(url: &str, token: &str, task_id: &str) -> Value {
    rpc(url, token, "tasks/cancel", json!({"taskId": task_id}), true).await
}

pub(crate) async fn get(url: &str, token: &str, task_id: &str) -> Value {
    rpc(url, token, "tasks/get", json!({"taskId": task_id}), true).await
}

/// Polls until the task is no longer working; its last `tasks/get` result.
/// Polls until the task leaves `working`; its last `tasks/get` result.
pub(crate) async fn settled(url: &str, token: &str, task_id: &str) -> Value {
    for _ in 0..100 {
        let reply = get(url, token, task_id).await;
        if reply["result"]["status"] != "working" {
            return reply["result"].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("task {task_id} never settled");
}

/// Waits for `task_id` (a tool that asks for a confirmation) to ask, accepts with
/// `tasks/update`, and returns the task's settled result.
pub(crate) async fn confirm_asked(url: &str, token: &str, task_id: &str) -> Value {
    let asked = settled(url, token, task_id).await;
    assert_eq!(asked["status"], "input_required", "{asked}");
    let key = asked["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    let ack = rpc(
        url,
        token,
        "tasks/update",
        json!({"taskId": task_id, "inputResponses": {key: {"action": "accept", "content": {"confirm": true}}}}),
        true,
    )
    .await;
    assert_eq!(ack["result"], json!({"resultType": "complete"}), "{ack}");
    settled(url, token, task_id).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_creating_token_reads_answers_or_cancels_a_task() {
    let running = gateway(TaskLimits::default()).await;
    let url = running.url("/public/everything");
    let task_id = start(&url, "tok-a", "slow_compute", json!({"seconds": 30})).await;
    assert_eq!(
        get(&url, "tok-a", &task_id).await["result"]["status"],
        "working"
    );
    unknown_to_other_tokens(&url, &task_id).await;
    assert_eq!(
        get(&url, "tok-a", &task_id).await["result"]["status"],
        "working"
    );
    let cancelled = cancel(&url, "tok-a", &task_id).await;
    assert_eq!(
        cancelled["result"],
        json!({"resultType": "complete"}),
        "{cancelled}"
    );
    assert_eq!(
        get(&url, "tok-a", &task_id).await["result"]["status"],
        "cancelled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_expires_with_its_ttl_and_the_count_is_bounded() {
    let running = gateway(TaskLimits {
        ttl: Duration::from_millis(1500),
        max_per_owner: 2,
    })
    .await;
    let url = running.url("/public/everything");
    let first = start(&url, "tok-a", "slow_compute", json!({"seconds": 30})).await;
    let created = get(&url, "tok-a", &first).await;
    assert_eq!(created["result"]["ttlMs"], 1500, "{created}");
    start(&url, "tok-a", "slow_compute", json!({"seconds": 30})).await;
    refused_as_too_many(&url, "tok-a").await;
    // Another group's token has its own room.
    start(&url, "tok-b", "slow_compute", json!({"seconds": 0})).await;
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let expired = get(&url, "tok-a", &first).await;
    assert_eq!(expired["error"]["code"], -32602, "{expired}");
    // Expired tasks free their places.
    start(&url, "tok-a", "slow_compute", json!({"seconds": 0})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_is_billed_and_logged_once_with_its_final_result() {
    let running = gateway(TaskLimits::default()).await;
    let url = running.url("/public/everything");
    let task_id = start(
        &url,
        "tok-a",
        "confirm_delete",
        json!({"filename": "a.txt"}),
    )
    .await;
    let done = confirm_asked(&url, "tok-a", &task_id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["result"]["content"][0]["text"], "Deleted a.txt");
    let records = running.sink.records();
    assert_eq!(records.len(), 1, "one record for the whole task");
    assert_eq!(records[0].tool, "confirm_delete");
    assert!(matches!(records[0].status, ToolCallStatus::Ok));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capabilities_and_the_aggregated_view_name_tasks_as_they_do_tools() {
    let running = gateway(TaskLimits::default()).await;
    let direct = running.url("/public/everything");
    // Without the extension: no task, and a task-only tool is refused as the spec says.
    let sync = rpc(
        &direct,
        "tok-a",
        "tools/call",
        json!({"name": "slow_compute", "arguments": {"seconds": 0}}),
        false,
    )
    .await;
    assert_eq!(sync["result"]["resultType"], "complete", "{sync}");
    let required = rpc(
        &direct,
        "tok-a",
        "tools/call",
        json!({"name": "failing_job", "arguments": {}}),
        false,
    )
    .await;
    assert_eq!(required["error"]["code"], -32021, "{required}");
    assert!(required["error"]["data"]["requiredCapabilities"]["extensions"][TASKS].is_object());

    let aggregated = running.url("");
    let discovered = rpc(&aggregated, "tok-a", "server/discover", json!({}), true).await;
    assert!(
        discovered["result"]["capabilities"]["extensions"][TASKS].is_object(),
        "{discovered}"
    );
    let task_id = start(&aggregated, "tok-a", "everything__failing_job", json!({})).await;
    assert!(task_id.starts_with("everything__"), "{task_id}");
    let done = settled(&aggregated, "tok-a", &task_id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["result"]["isError"], true);
    // The same task under its route's own name is not this route's.
    let own = task_id.trim_start_matches("everything__");
    assert_eq!(
        get(&aggregated, "tok-a", own).await["error"]["code"],
        -32602
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_served_unprefixed_shows_its_task_ids_as_they_are() {
    let everything = server("everything", Scope::Public, embedded("everything", &[]));
    let running = gateway_serving(unprefixed(everything), TaskLimits::default()).await;
    let aggregated = running.url("");
    let plain = start(&aggregated, "tok-a", "failing_job", json!({})).await;
    assert!(!plain.contains("__"), "{plain}");
    let done = settled(&aggregated, "tok-a", &plain).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["taskId"], plain.as_str(), "{done}");
    // Called by its prefixed name, the task is shown (and found) prefixed, as before.
    let prefixed = start(&aggregated, "tok-a", "everything__failing_job", json!({})).await;
    assert!(prefixed.starts_with("everything__"), "{prefixed}");
    assert_eq!(
        settled(&aggregated, "tok-a", &prefixed).await["status"],
        "completed"
    );
    // Another token does not find it by either name.
    assert_eq!(
        get(&aggregated, "tok-a2", &plain).await["error"]["code"],
        -32602
    );
}
