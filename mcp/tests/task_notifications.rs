//! `notifications/tasks` through the router: to the owner's listen stream on the task's route (own, virtual, forwarded tasks), and to nobody else.
//!
//! Forwarded tasks come from upstreams of both eras; a task that expires is told its last status.

use std::time::Duration;

use futures::StreamExt;
use mcp::{Scope, ServerKind, TaskLimits};
use serde_json::{Value, json};

use crate::common::{self, embedded, remote, remote_detected, server};
use crate::tasks::{TASKS, cancel, get, rpc, start};
use crate::virtual_tasks::{gateway, toolbox};

/// An open 2026-07-28 `subscriptions/listen` stream, read by hand.
struct Listening {
    events: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffered: String,
}

impl Listening {
    /// Opens a stream on `url` as `token`, declaring the tasks extension, and waits for its
    /// acknowledgment.
    async fn open(url: &str, token: &str) -> Listening {
        let response = reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", "subscriptions/listen")
            .json(
                &json!({"jsonrpc": "2.0", "id": "listen-1", "method": "subscriptions/listen",
                "params": {"notifications": {}, "_meta": {
                    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                    "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
                    "io.modelcontextprotocol/clientCapabilities": {"extensions": {TASKS: {}}}
                }}}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let mut listening = Listening {
            events: response.bytes_stream().boxed(),
            buffered: String::new(),
        };
        let acknowledged = listening.next(Duration::from_secs(10)).await.unwrap();
        assert_eq!(
            acknowledged["method"], "notifications/subscriptions/acknowledged",
            "{acknowledged}"
        );
        // The acknowledgment goes out before the route registers the stream.
        tokio::time::sleep(Duration::from_millis(300)).await;
        listening
    }

    /// The next message within `wait`, or `None`.
    async fn next(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffered.find("\n\n") {
                let event: String = self.buffered.drain(..end + 2).collect();
                if let Some(data) = event.lines().find_map(|line| line.strip_prefix("data: "))
                    && !data.is_empty()
                {
                    return Some(serde_json::from_str(data).unwrap());
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.events.next())
                .await
                .ok()??
                .unwrap();
            self.buffered.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The task notifications heard within `wait`.
    async fn task_notifications(&mut self, wait: Duration) -> Vec<Value> {
        let mut heard = Vec::new();
        while let Some(message) = self.next(wait).await {
            if message["method"] == "notifications/tasks" {
                heard.push(message["params"].clone());
            }
        }
        heard
    }

    /// Waits for the notification of task `id` reaching `status`.
    async fn until(&mut self, id: &str, status: &str) -> Value {
        loop {
            let message = self
                .next(Duration::from_secs(10))
                .await
                .unwrap_or_else(|| panic!("no {status} notification for {id}"));
            if message["method"] == "notifications/tasks"
                && message["params"]["taskId"] == id
                && message["params"]["status"] == status
            {
                return message["params"].clone();
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_s_stream_on_the_task_s_route_hears_its_status_changes() {
    let upstream = common::upstream().await;
    let running = gateway(toolbox(&upstream), TaskLimits::default()).await;
    for path in ["/public/everything", "/public/toolbox"] {
        let url = running.url(path);
        let tool = if path.ends_with("toolbox") {
            "local_confirm"
        } else {
            "confirm_delete"
        };
        let mut mine = Listening::open(&url, "tok-a").await;
        let mut same_group = Listening::open(&url, "tok-a2").await;
        let mut elsewhere = Listening::open(&running.url(""), "tok-a").await;
        let task_id = start(&url, "tok-a", tool, json!({"filename": "n.txt"})).await;
        let asked = mine.until(&task_id, "input_required").await;
        assert!(asked["inputRequests"].is_object(), "{path}: {asked}");
        cancel(&url, "tok-a", &task_id).await;
        let cancelled = mine.until(&task_id, "cancelled").await;
        assert_eq!(
            cancelled["_meta"]["io.modelcontextprotocol/subscriptionId"], "listen-1",
            "{path}: {cancelled}"
        );
        // Another token of the group, and the owner on another route, hear nothing of it.
        let quiet = Duration::from_millis(300);
        assert_eq!(
            same_group.task_notifications(quiet).await,
            Vec::<Value>::new(),
            "{path}"
        );
        assert_eq!(
            elsewhere.task_notifications(quiet).await,
            Vec::<Value>::new(),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_s_task_notifications_reach_the_owner_only() {
    // A session-era proxy: the upstream tells the session that started the task, and the
    // gateway relays it to the caller that owns the task.
    let upstream = common::upstream().await;
    let proxied = server(
        "proxied",
        Scope::Public,
        ServerKind::ProxyStreamable(remote(
            upstream.url("/public/everything"),
            &[("Authorization", "Bearer upstream-secret")],
        )),
    );
    let running = gateway(vec![proxied], TaskLimits::default()).await;
    let url = running.url("/public/proxied");
    let mut mine = Listening::open(&url, "tok-a").await;
    let mut other = Listening::open(&url, "tok-b").await;
    let task_id = start(&url, "tok-a", "slow_compute", json!({"seconds": 30})).await;
    cancel(&url, "tok-a", &task_id).await;
    let cancelled = mine.until(&task_id, "cancelled").await;
    assert_eq!(cancelled["taskId"], task_id.as_str());
    assert_eq!(
        other.task_notifications(Duration::from_millis(300)).await,
        Vec::<Value>::new()
    );
    // In `/mcp` the relayed notification names the task as that route shows it.
    let aggregate = running.url("");
    let mut aggregated = Listening::open(&aggregate, "tok-b").await;
    let shown = start(
        &aggregate,
        "tok-b",
        "proxied__slow_compute",
        json!({"seconds": 30}),
    )
    .await;
    assert!(shown.starts_with("proxied__"), "{shown}");
    cancel(&aggregate, "tok-b", &shown).await;
    aggregated.until(&shown, "cancelled").await;
    assert_eq!(
        mine.task_notifications(Duration::from_millis(300)).await,
        Vec::<Value>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2026_upstream_s_task_notifications_reach_the_owner_only() {
    // The upstream speaks 2026-07-28: it sends task statuses only on a listen stream that
    // names the task and declares the extension, which the proxy opens while it watches one.
    let upstream = common::upstream().await;
    let proxied = server(
        "proxied",
        Scope::Public,
        ServerKind::ProxyStreamable(remote_detected(
            upstream.url("/public/everything"),
            &[("Authorization", "Bearer upstream-secret")],
        )),
    );
    let running = gateway(vec![proxied], TaskLimits::default()).await;
    let url = running.url("/public/proxied");
    // The proxy connects on first use.
    let listed = rpc(&url, "tok-a", "tools/list", json!({}), true).await;
    assert!(listed["result"]["tools"].is_array(), "{listed}");
    let mut mine = Listening::open(&url, "tok-a").await;
    let mut other = Listening::open(&url, "tok-b").await;
    let task_id = start(&url, "tok-a", "slow_compute", json!({"seconds": 30})).await;
    // The upstream's stream is reopened naming the new task; then the task changes.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    cancel(&url, "tok-a", &task_id).await;
    let cancelled = mine.until(&task_id, "cancelled").await;
    assert_eq!(cancelled["taskId"], task_id.as_str());
    assert_eq!(
        cancelled["_meta"]["io.modelcontextprotocol/subscriptionId"], "listen-1",
        "{cancelled}"
    );
    assert_eq!(
        other.task_notifications(Duration::from_millis(300)).await,
        Vec::<Value>::new()
    );
    // The task ended: heard once, never again.
    assert_eq!(
        mine.task_notifications(Duration::from_millis(300)).await,
        Vec::<Value>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_that_reaches_its_ttl_ends_failed_and_its_owner_hears_it() {
    let everything = server("everything", Scope::Public, embedded("everything", &[]));
    let limits = TaskLimits {
        ttl: Duration::from_millis(1500),
        max_per_owner: 8,
    };
    let running = gateway(vec![everything], limits).await;
    let url = running.url("/public/everything");
    let mut mine = Listening::open(&url, "tok-a").await;
    let task_id = start(
        &url,
        "tok-a",
        "confirm_delete",
        json!({"filename": "n.txt"}),
    )
    .await;
    // It waits for an answer that never comes.
    mine.until(&task_id, "input_required").await;
    let expired = mine.until(&task_id, "failed").await;
    assert_eq!(expired["error"]["code"], -32029, "{expired}");
    assert_eq!(
        expired["error"]["data"]["type"], "task_expired",
        "{expired}"
    );
    let said = expired["statusMessage"].as_str().unwrap_or_default();
    assert!(said.contains("ttl of 1500 ms"), "{expired}");
    // Then it is gone, like a task that never existed.
    let gone = get(&url, "tok-a", &task_id).await;
    assert_eq!(gone["error"]["code"], -32602, "{gone}");
}
