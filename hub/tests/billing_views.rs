//! The legacy billing views front-ends read with a relay key, from tokens of known quotas and spending; unrelayed OpenAI paths 501.
//!
//! The views are `/v1/dashboard/billing/*` and the same without `/v1`; the OpenAI paths the
//! gateway does not relay answer 501 in OpenAI's error shape, other faces unchanged.

use std::time::Duration;

use serde_json::Value;

use crate::support::TestHub;

const CAPPED: &str = "sk-billing-views-capped-0001";
const DAILY: &str = "sk-billing-views-daily-0002";
const OPEN: &str = "sk-billing-views-open-0003";
/// 2030-03-17T17:46:40Z, in ms.
const EXPIRES_AT_MS: i64 = 1_900_000_000_000;

/// Every chat request costs 0.25 (a per-request price on a fake channel).
fn config() -> String {
    format!(
        r#"
groups:
  - {{id: acme, balance: "100"}}
  - {{id: poor, balance: "1"}}
channels:
  - {{name: local, type: fake, models: [m1]}}
models:
  - {{model: m1, price: {{per_request_price: "0.25"}}}}
tokens:
  - {{group: acme, name: capped, key: {CAPPED}, quota: "10", expires_at_ms: {EXPIRES_AT_MS}}}
  - {{group: acme, name: daily, key: {DAILY}, period_quota: "2", period: daily}}
  - {{group: poor, name: open, key: {OPEN}}}
"#
    )
}

async fn chat(hub: &TestHub, key: &str) {
    let answer = hub
        .post_json(
            key,
            "/v1/chat/completions",
            serde_json::json!({"model": "m1", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(answer.status(), 200);
}

async fn get(hub: &TestHub, key: Option<&str>, path: &str) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(hub.url(path));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap())
}

/// `field` of the view at `path`, once it reads `expected`: a request's charge is settled just
/// after its answer, so the view may lag it briefly. Returns what it last read.
async fn settled(hub: &TestHub, key: &str, path: &str, field: &str, expected: f64) -> Value {
    let mut last = Value::Null;
    for _ in 0..200 {
        let (status, view) = get(hub, Some(key), path).await;
        assert_eq!(status, 200, "{path}: {view}");
        if view[field].as_f64() == Some(expected) {
            return view;
        }
        last = view;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn billing_views_show_what_each_token_spent_and_may_still_spend() {
    let hub = TestHub::start_with_config(&config()).await;
    for key in [CAPPED, CAPPED, DAILY, OPEN] {
        chat(&hub, key).await;
    }

    // A lifetime quota of 10 with 0.5 spent: the limit is the quota, 50 cents used.
    let usage = settled(
        &hub,
        CAPPED,
        "/v1/dashboard/billing/usage?start_date=2026-01-01&end_date=2026-02-01",
        "total_usage",
        50.0,
    )
    .await;
    assert_eq!(usage["total_usage"], 50.0, "{usage}");
    assert_eq!(usage["object"], "list");
    for prefix in ["/v1", ""] {
        let (status, subscription) = get(
            &hub,
            Some(CAPPED),
            &format!("{prefix}/dashboard/billing/subscription"),
        )
        .await;
        assert_eq!(status, 200, "{subscription}");
        assert_eq!(subscription["hard_limit_usd"], 10.0, "{subscription}");
        assert_eq!(subscription["soft_limit_usd"], 10.0, "{subscription}");
        assert_eq!(
            subscription["system_hard_limit_usd"], 10.0,
            "{subscription}"
        );
        assert_eq!(subscription["has_payment_method"], true);
        assert_eq!(subscription["access_until"], EXPIRES_AT_MS / 1000);
    }
    let (_, quota) = get(&hub, Some(CAPPED), "/dashboard/billing/quota").await;
    assert_eq!(
        (quota["total"].as_f64(), quota["remain"].as_f64()),
        (Some(10.0), Some(9.5))
    );

    // A daily quota of 2 with 0.25 spent today: today's spending against the daily quota.
    let usage = settled(&hub, DAILY, "/dashboard/billing/usage", "total_usage", 25.0).await;
    assert_eq!(usage["total_usage"], 25.0, "{usage}");
    let (_, subscription) = get(&hub, Some(DAILY), "/v1/dashboard/billing/subscription").await;
    assert_eq!(subscription["hard_limit_usd"], 2.0, "{subscription}");
    assert_eq!(subscription["access_until"], 0);

    // No quota of its own: its group's balance (1, now 0.75) is what bounds it.
    let subscription = settled(
        &hub,
        OPEN,
        "/v1/dashboard/billing/subscription",
        "hard_limit_usd",
        1.0,
    )
    .await;
    assert_eq!(subscription["hard_limit_usd"], 1.0, "{subscription}");
    let usage = settled(
        &hub,
        OPEN,
        "/v1/dashboard/billing/usage",
        "total_usage",
        25.0,
    )
    .await;
    assert_eq!(usage["total_usage"], 25.0, "{usage}");

    // Without a key, with a bad one, with bad dates: OpenAI-shaped refusals.
    let (status, error) = get(&hub, None, "/v1/dashboard/billing/subscription").await;
    assert_eq!(status, 401, "{error}");
    assert_eq!(error["error"]["code"], "missing_api_key");
    let (status, _) = get(&hub, Some("sk-nobody"), "/dashboard/billing/usage").await;
    assert_eq!(status, 401);
    let (status, error) = get(
        &hub,
        Some(CAPPED),
        "/v1/dashboard/billing/usage?start_date=2026-02-30",
    )
    .await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["param"], "start_date");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_paths_the_gateway_does_not_relay_answer_501_and_other_faces_are_untouched() {
    let hub = TestHub::start_with_config(&config()).await;
    let client = reqwest::Client::new();
    let unserved = [
        ("GET", "/v1/files"),
        ("POST", "/v1/files"),
        ("GET", "/v1/files/file-abc123"),
        ("DELETE", "/v1/files/file-abc123"),
        ("POST", "/v1/fine_tuning/jobs"),
        ("GET", "/v1/fine_tuning/jobs/ftjob-1/events"),
        ("POST", "/v1/fine-tunes"),
        ("POST", "/v1/assistants"),
        ("GET", "/v1/assistants/asst_1"),
        ("POST", "/v1/threads/thread_1/runs"),
        ("POST", "/v1/batches"),
        ("GET", "/v1/vector_stores/vs_1/files"),
        ("POST", "/v1/uploads"),
        ("GET", "/v1/organization/usage/completions"),
        ("POST", "/v1/realtime/sessions"),
        ("POST", "/v1/messages/batches"),
    ];
    for (method, path) in unserved {
        let answer = client
            .request(method.parse().unwrap(), hub.url(path))
            .bearer_auth(CAPPED)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 501, "{method} {path}");
        let error: Value = answer.json().await.unwrap();
        assert_eq!(
            error["error"]["message"],
            format!("{path} is not implemented by this gateway"),
            "{error}"
        );
        assert_eq!(error["error"]["type"], "invalid_request_error");
        assert_eq!(error["error"]["code"], "not_implemented");
    }

    // Served routes and other faces keep their behaviour.
    let messages = hub
        .post_json(
            CAPPED,
            "/v1/messages",
            serde_json::json!({"model": "m1", "max_tokens": 8,
                "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(messages.status(), 200);
    let gemini = hub
        .post_json(CAPPED, "/v1beta/models/m1:predict", serde_json::json!({}))
        .await;
    assert_eq!(gemini.status(), 404);
    let gemini: Value = gemini.json().await.unwrap();
    assert_eq!(gemini["error"]["status"], "NOT_FOUND", "{gemini}");
    let (status, error) = get(&hub, Some(CAPPED), "/v2/files").await;
    assert_eq!(status, 404);
    assert_eq!(error["error"]["code"], "unknown_url");
    let (status, _) = get(&hub, None, "/api/status").await;
    assert_eq!(status, 200);
    let wrong_method = client
        .get(hub.url("/v1/chat/completions"))
        .bearer_auth(CAPPED)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 405);
    let mcp = client
        .post(hub.url("/mcp"))
        .bearer_auth(CAPPED)
        .header("accept", "application/json, text/event-stream")
        .json(
            &serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"}}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(mcp.status(), 200);
    hub.stop().await.unwrap();
}
