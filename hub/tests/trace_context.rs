//! W3C trace context through the relay: a client's `traceparent` goes upstream under a span id of the gateway's; none, or a malformed one, sends none.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is a failed test"
)]

use crate::support;

use serde_json::json;
use support::mock_anthropic::MockAnthropic;

const TOKEN: &str = "sk-trace-context-0001";
const CLIENT_TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN_ID: &str = "00f067aa0ba902b7";

/// Sends one Anthropic request with `traceparent` (if any) and returns the `traceparent` the
/// upstream received.
async fn upstream_traceparent(
    hub: &support::TestHub,
    upstream: &MockAnthropic,
    traceparent: Option<&str>,
) -> Option<String> {
    let before = upstream.requests().len();
    let mut request = reqwest::Client::new()
        .post(hub.url("/v1/messages"))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .json(&json!({"model": "claude-trace", "max_tokens": 16,
            "messages": [{"role": "user", "content": "hi"}]}));
    if let Some(traceparent) = traceparent {
        request = request.header("traceparent", traceparent);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let requests = upstream.requests();
    assert_eq!(requests.len(), before + 1);
    requests[before].header("traceparent").map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_trace_continues_upstream_under_the_gateway_span() {
    let upstream = MockAnthropic::start().await;
    let hub = support::TestHub::start_with_config(&format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {TOKEN}\n\
         channels:\n  - name: claude\n    type: anthropic\n    base_url: {}\n    key: sk-ant-upstream\n    models: [claude-trace]\n",
        upstream.base_url()
    ))
    .await;

    let client = format!("00-{CLIENT_TRACE_ID}-{CLIENT_SPAN_ID}-01");
    let sent = upstream_traceparent(&hub, &upstream, Some(&client))
        .await
        .expect("the upstream received a traceparent");
    let fields: Vec<&str> = sent.split('-').collect();
    assert_eq!(fields.len(), 4, "{sent}");
    assert_eq!(fields[0], "00", "{sent}");
    assert_eq!(
        fields[1], CLIENT_TRACE_ID,
        "the client's trace goes on: {sent}"
    );
    assert_eq!(fields[3], "01", "the sampling decision is kept: {sent}");
    let span_id = fields[2];
    assert_eq!(span_id.len(), 16, "{sent}");
    assert!(
        span_id.bytes().all(|byte| byte.is_ascii_hexdigit()),
        "{sent}"
    );
    assert_ne!(
        span_id, CLIENT_SPAN_ID,
        "the parent is the gateway's span: {sent}"
    );
    assert_ne!(span_id, "0000000000000000", "{sent}");

    // Each request is its own span.
    let again = upstream_traceparent(&hub, &upstream, Some(&client))
        .await
        .unwrap();
    assert_ne!(again, sent);

    // Without a trace (spans are not exported here) there is nothing to continue, and a
    // malformed header starts none.
    assert_eq!(upstream_traceparent(&hub, &upstream, None).await, None);
    let upper = format!("00-{}-{CLIENT_SPAN_ID}-01", CLIENT_TRACE_ID.to_uppercase());
    for malformed in [
        "garbage",
        upper.as_str(),
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
    ] {
        assert_eq!(
            upstream_traceparent(&hub, &upstream, Some(malformed)).await,
            None,
            "{malformed}"
        );
    }
    hub.stop().await.unwrap();
}
