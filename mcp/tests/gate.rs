//! The host's `ToolCallGate` decides before a tool runs: an admitted call's pass comes back in
//! its record, a refused call never reaches the tool, answers a JSON-RPC error naming the reason,
//! and is still reported.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{caller, embedded, server};
use mcp::{
    GateFuture, McpConfig, McpServiceOptions, Scope, ToolCallGate, ToolCallRequest, ToolCallStatus,
};
use serde_json::{Value, json};
use tenancy::{Refusal, RefusalKind, Reservation};

/// Admits token 1 with a reservation naming the call; refuses token 2 for its balance.
#[derive(Default)]
struct FakeGate {
    asked: AtomicUsize,
}

impl ToolCallGate for FakeGate {
    fn admit<'a>(&'a self, request: ToolCallRequest<'a>) -> GateFuture<'a> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let answer = match request.caller.token_id {
            1 => Ok(Some(Reservation(Arc::new(format!(
                "{}/{}",
                request.server_id, request.tool
            ))))),
            _ => Err(Refusal {
                kind: RefusalKind::InsufficientBalance,
                message: "the group's balance cannot cover this request".into(),
                retry_after: Some(Duration::from_secs(7)),
            }),
        };
        Box::pin(std::future::ready(answer))
    }
}

async fn call(url: &str, token: &str) -> Value {
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {
            "name": "get_current_time",
            "arguments": {"timezone": "UTC"},
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
                "io.modelcontextprotocol/clientCapabilities": {}
            }
        }
    });
    reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", "get_current_time")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gate_admits_with_a_pass_or_refuses_before_the_tool_runs() {
    let gate = Arc::new(FakeGate::default());
    let directory = common::FakeDirectory {
        tokens: [
            ("tok-rich".to_owned(), caller("ga", 1, None)),
            ("tok-broke".to_owned(), caller("ga", 2, None)),
        ]
        .into(),
        servers: vec![server("clock", Scope::Public, embedded("time", &[]))],
    };
    let options = McpServiceOptions {
        gate: Some(gate.clone()),
        ..McpServiceOptions::default()
    };
    let running = common::serve_with(directory, McpConfig::default(), options).await;
    let url = running.url("/public/clock");

    let admitted = call(&url, "tok-rich").await;
    assert_eq!(
        admitted["result"]["structuredContent"]["timezone"], "UTC",
        "{admitted}"
    );
    let refused = call(&url, "tok-broke").await;
    assert_eq!(refused["error"]["code"], mcp::REFUSED_CODE, "{refused}");
    assert_eq!(refused["error"]["data"]["type"], "insufficient_balance");
    assert_eq!(refused["error"]["data"]["retry_after_seconds"], 7);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("balance"),
        "{refused}"
    );
    assert_eq!(gate.asked.load(Ordering::SeqCst), 2);

    let records = running.sink.records();
    assert_eq!(records.len(), 2, "{records:?}");
    let reservation = records[0]
        .reservation
        .clone()
        .expect("the admitted call's reservation");
    assert_eq!(
        reservation.0.downcast_ref::<String>().map(String::as_str),
        Some("clock/get_current_time")
    );
    assert_eq!(records[0].status, ToolCallStatus::Ok);
    assert_eq!(
        records[1].status,
        ToolCallStatus::Refused {
            kind: RefusalKind::InsufficientBalance,
            message: "the group's balance cannot cover this request".into(),
        }
    );
    assert!(records[1].reservation.is_none());
    assert!(records[1].result.is_none(), "the tool never ran");
}
