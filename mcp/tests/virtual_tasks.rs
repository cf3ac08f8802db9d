//! Tasks through a virtual server: its sources' tasks (embedded and forwarded) under its own ids, owned, bounded, prefixed in `/mcp`.

use std::sync::Arc;
use std::time::Duration;

use mcp::{
    McpConfig, Scope, ServerDefinition, ServerKind, TaskLimits, VirtualComposition, VirtualTool,
};
use serde_json::{Value, json};

use crate::common::{self, FakeDirectory, caller, embedded, remote_detected, server};
use crate::tasks::{TASKS, cancel, confirm_asked, get, rpc, start, unknown_to_other_tokens};

/// The virtual server `toolbox`: `everything`'s `slow_compute` and `confirm_delete` as
/// `local_compute` and `local_confirm`, and the proxied upstream's `slow_compute` as
/// `remote_compute`.
pub(crate) fn toolbox(upstream: &common::Running) -> Vec<Arc<ServerDefinition>> {
    let everything = server("everything", Scope::Public, embedded("everything", &[]));
    let proxied = server(
        "proxied",
        Scope::Public,
        ServerKind::ProxyStreamable(remote_detected(
            upstream.url("/public/everything"),
            &[("Authorization", "Bearer upstream-secret")],
        )),
    );
    let composed = |source: &str, tool: &str, name: &str| VirtualTool {
        server: source.into(),
        tool: tool.into(),
        name: Some(name.into()),
        description: None,
        defaults: serde_json::Map::new(),
    };
    let toolbox = server(
        "toolbox",
        Scope::Public,
        ServerKind::Virtual(VirtualComposition {
            tools: vec![
                composed("everything", "slow_compute", "local_compute"),
                composed("everything", "confirm_delete", "local_confirm"),
                composed("proxied", "slow_compute", "remote_compute"),
            ],
            sources: vec![(*everything).clone(), (*proxied).clone()],
            ..VirtualComposition::default()
        }),
    );
    vec![everything, proxied, toolbox]
}

/// A gateway serving `servers` to `tok-a` and `tok-a2` of one group and `tok-b` of another.
pub(crate) async fn gateway(
    servers: Vec<Arc<ServerDefinition>>,
    limits: TaskLimits,
) -> common::Running {
    let directory = FakeDirectory {
        tokens: [
            ("tok-a".to_owned(), caller("ga", 1, None)),
            ("tok-a2".to_owned(), caller("ga", 2, None)),
            ("tok-b".to_owned(), caller("gb", 3, None)),
        ]
        .into(),
        servers,
    };
    let config = McpConfig {
        tasks: limits,
        ..McpConfig::default()
    };
    common::serve(directory, config).await
}

async fn refused(url: &str, token: &str, tool: &str) -> Value {
    rpc(
        url,
        token,
        "tools/call",
        json!({"name": tool, "arguments": {"seconds": 30}}),
        true,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_virtual_server_runs_an_embedded_source_s_tasks_as_its_own() {
    let upstream = common::upstream().await;
    let running = gateway(
        toolbox(&upstream),
        TaskLimits {
            ttl: Duration::from_secs(60),
            max_per_owner: 2,
        },
    )
    .await;
    let url = running.url("/public/toolbox");
    let discovered = rpc(&url, "tok-a", "server/discover", json!({}), true).await;
    assert!(
        discovered["result"]["capabilities"]["extensions"][TASKS].is_object(),
        "{discovered}"
    );
    // Without the extension the tool answers in the request, as its source does.
    let sync = rpc(
        &url,
        "tok-a",
        "tools/call",
        json!({"name": "local_compute", "arguments": {"seconds": 0}}),
        false,
    )
    .await;
    assert_eq!(sync["result"]["resultType"], "complete", "{sync}");

    let task_id = start(&url, "tok-a", "local_compute", json!({"seconds": 30})).await;
    assert_eq!(
        get(&url, "tok-a", &task_id).await["result"]["status"],
        "working"
    );
    unknown_to_other_tokens(&url, &task_id).await;
    // The task is the virtual server's: its source's route does not know it.
    let direct = get(&running.url("/public/everything"), "tok-a", &task_id).await;
    assert_eq!(direct["error"]["code"], -32602, "{direct}");
    // Bounded per owner on the virtual server.
    start(&url, "tok-a", "local_compute", json!({"seconds": 30})).await;
    let third = refused(&url, "tok-a", "local_compute").await;
    assert_eq!(third["error"]["data"]["type"], "too_many_tasks", "{third}");
    assert_eq!(
        cancel(&url, "tok-a", &task_id).await["result"]["resultType"],
        "complete"
    );
    assert_eq!(
        get(&url, "tok-a", &task_id).await["result"]["status"],
        "cancelled"
    );

    // A task that asks: answered with tasks/update on the virtual server's route.
    let asking = start(
        &url,
        "tok-a2",
        "local_confirm",
        json!({"filename": "v.txt"}),
    )
    .await;
    let done = confirm_asked(&url, "tok-a2", &asking).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["result"]["content"][0]["text"], "Deleted v.txt");
    let records = running.sink.records();
    let record = records
        .iter()
        .find(|record| record.tool == "local_confirm")
        .unwrap();
    assert_eq!(record.server_id, "toolbox");
    assert_eq!(
        record.source_tool.as_deref(),
        Some("everything/confirm_delete")
    );

    // The removed methods stay removed here too.
    let result = rpc(
        &url,
        "tok-a",
        "tasks/result",
        json!({"taskId": task_id}),
        true,
    )
    .await;
    assert_eq!(result["error"]["code"], -32601, "{result}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_virtual_server_forwards_a_proxied_source_s_tasks_under_its_own_ids() {
    let upstream = common::upstream().await;
    let running = gateway(
        toolbox(&upstream),
        TaskLimits {
            ttl: Duration::from_secs(60),
            max_per_owner: 2,
        },
    )
    .await;
    let url = running.url("/public/toolbox");
    let task_id = start(&url, "tok-a", "remote_compute", json!({"seconds": 30})).await;
    assert!(task_id.starts_with("proxied__"), "{task_id}");
    let seen = get(&url, "tok-a", &task_id).await;
    assert_eq!(seen["result"]["taskId"], task_id.as_str(), "{seen}");
    assert_eq!(seen["result"]["status"], "working", "{seen}");
    unknown_to_other_tokens(&url, &task_id).await;
    // Neither the source's route nor the upstream's id lead to it.
    let upstream_id = task_id.trim_start_matches("proxied__");
    for (path, id) in [
        ("/public/proxied", upstream_id),
        ("/public/toolbox", upstream_id),
    ] {
        let reply = get(&running.url(path), "tok-a", id).await;
        assert_eq!(reply["error"]["code"], -32602, "{path}: {reply}");
    }
    start(&url, "tok-a", "remote_compute", json!({"seconds": 30})).await;
    let third = refused(&url, "tok-a", "remote_compute").await;
    assert_eq!(third["error"]["data"]["type"], "too_many_tasks", "{third}");

    // The aggregated view prefixes the virtual server's id like its tools.
    let aggregate = running.url("");
    let shown = start(
        &aggregate,
        "tok-b",
        "toolbox__remote_compute",
        json!({"seconds": 30}),
    )
    .await;
    assert!(shown.starts_with("toolbox__proxied__"), "{shown}");
    assert_eq!(
        get(&aggregate, "tok-b", &shown).await["result"]["status"],
        "working"
    );
    assert_eq!(
        get(&aggregate, "tok-a", &shown).await["error"]["code"],
        -32602
    );
    assert_eq!(
        cancel(&aggregate, "tok-b", &shown).await["result"]["resultType"],
        "complete"
    );
    assert_eq!(
        get(&aggregate, "tok-b", &shown).await["result"]["status"],
        "cancelled"
    );

    let cancelled = cancel(&url, "tok-a", &task_id).await;
    assert_eq!(cancelled["result"]["resultType"], "complete", "{cancelled}");
    assert_eq!(
        get(&url, "tok-a", &task_id).await["result"]["status"],
        "cancelled"
    );
}
