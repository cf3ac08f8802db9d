//! W3C trace context through the relay: the client's `traceparent` goes upstream under a gateway span id, its `tracestate` beside it.
//!
//! No `traceparent`, or a malformed one, sends none; a malformed `tracestate` is not sent.

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

/// Sends one Anthropic request with `headers` and returns the `traceparent` and `tracestate`
/// the upstream received.
async fn upstream_trace_headers(
    hub: &support::TestHub,
    upstream: &MockAnthropic,
    headers: &[(&str, &str)],
) -> (Option<String>, Option<String>) {
    let before = upstream.requests().len();
    let mut request = reqwest::Client::new()
        .post(hub.url("/v1/messages"))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .json(&json!({"model": "claude-trace", "max_tokens": 16,
            "messages": [{"role": "user", "content": "hi"}]}));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let requests = upstream.requests();
    assert_eq!(requests.len(), before + 1);
    let header = |name: &str| requests[before].header(name).map(str::to_owned);
    (header("traceparent"), header("tracestate"))
}

/// Sends one Anthropic request with `traceparent` (if any) and returns the `traceparent` the
/// upstream received.
async fn upstream_traceparent(
    hub: &support::TestHub,
    upstream: &MockAnthropic,
    traceparent: Option<&str>,
) -> Option<String> {
    let headers: Vec<(&str, &str)> = traceparent
        .map(|value| ("traceparent", value))
        .into_iter()
        .collect();
    upstream_trace_headers(hub, upstream, &headers).await.0
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

    // The client's tracestate goes with its trace, checked: entries in the order sent, several
    // headers as one list; one that breaks the grammar, or comes without a traceparent, does not.
    let (parent, state) = upstream_trace_headers(
        &hub,
        &upstream,
        &[
            ("traceparent", &client),
            ("tracestate", "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE"),
            ("tracestate", "tenant@vendor=x"),
        ],
    )
    .await;
    assert!(parent.unwrap().contains(CLIENT_TRACE_ID));
    assert_eq!(
        state.as_deref(),
        Some("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,tenant@vendor=x")
    );
    let (_, state) = upstream_trace_headers(
        &hub,
        &upstream,
        &[("traceparent", &client), ("tracestate", "rojo=1,rojo=2")],
    )
    .await;
    assert_eq!(state, None, "a key twice breaks the list");
    let (parent, state) =
        upstream_trace_headers(&hub, &upstream, &[("tracestate", "rojo=1")]).await;
    assert_eq!((parent, state), (None, None));
    hub.stop().await.unwrap();
}
