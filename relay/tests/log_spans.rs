//! Log lines written inside a model request, in the handler or while its answer streams, carry the model request's span (named and attributed).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use relay::RelayHost;
use relay::host::{UsageRecord, UsageSink};
use serde_json::json;
use tokio::sync::Notify;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

#[derive(Default, Clone)]
struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

/// One event: its message and the spans it happened in, outermost first, with their fields.
type Line = (String, Vec<(String, BTreeMap<String, String>)>);

/// Keeps every event with its span scope, as a log formatter would print it.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Line>>>);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attributes.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<Fields>()
        {
            values.record(fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let message = fields.0.remove("message").unwrap_or_default();
        let scope = ctx
            .event_scope(event)
            .map(|scope| {
                scope
                    .from_root()
                    .map(|span| {
                        let fields = span.extensions().get::<Fields>().cloned();
                        (span.name().to_owned(), fields.unwrap_or_default().0)
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.0.lock().unwrap().push((message, scope));
    }
}

impl Capture {
    /// The scope of the first line with `message`, or a failed test naming what was written.
    fn scope_of(&self, message: &str) -> Vec<(String, BTreeMap<String, String>)> {
        let lines = self.0.lock().unwrap().clone();
        lines
            .into_iter()
            .find(|(written, _)| written == message)
            .map(|(_, scope)| scope)
            .unwrap_or_else(|| panic!("no line {message:?} was written"))
    }
}

/// The fields of the model request's span in `scope`, or a failed test.
fn model_span(scope: &[(String, BTreeMap<String, String>)]) -> &BTreeMap<String, String> {
    scope
        .iter()
        .find(|(name, _)| name == "gen_ai")
        .map(|(_, fields)| fields)
        .unwrap_or_else(|| panic!("the line is outside the model span: {scope:?}"))
}

/// A host's sink that writes a line when a record arrives, as the hub's does (its charge, a
/// settle that fails), then keeps the record.
struct LoggingSink(Arc<dyn UsageSink>);

impl UsageSink for LoggingSink {
    fn record(&self, record: UsageRecord) {
        tracing::info!(status = record.status, "usage recorded");
        self.0.record(record);
    }
}

// A current-thread runtime: the server, the mocks and the client run on this thread, so the
// thread's default subscriber sees every event of the request.
#[tokio::test]
async fn a_failed_attempts_log_line_carries_the_model_span() {
    let capture = Capture::default();
    let _default =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    let bad = Mock::start(|_| Reply::status(500, json!({"error": {"message": "boom"}}))).await;
    let good = Mock::chat_ok("from good").await;
    let mut failing = channel(1, &bad.url());
    failing.priority = 10;
    let h = Harness::start(vec![(
        "gpt-4o",
        route(vec![failing, channel(2, &good.url())]),
    )])
    .await;
    let response = h
        .post_json(
            "/v1/chat/completions",
            json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap();
    assert_eq!(h.sink.wait_for(1).await[0].retries, 1);

    let scope = capture.scope_of("upstream attempt failed");
    let fields = model_span(&scope);
    assert_eq!(fields["otel.name"], "chat gpt-4o", "{fields:?}");
    assert_eq!(fields["gen_ai.request.model"], "gpt-4o", "{fields:?}");
    assert_eq!(fields["gen_ai.operation.name"], "chat", "{fields:?}");
}

#[tokio::test]
async fn a_line_written_while_the_answer_streams_carries_the_model_span() {
    let capture = Capture::default();
    let _default =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    let mock = Mock::start(|seen| sse_like_openai(seen, &["x"])).await;
    let gate = Arc::new(Notify::new());
    mock.push(Reply::Sse {
        events: chat_events("gpt-4o", &["Hel", "lo"], true),
        gate: Some((1, gate.clone())),
        end: StreamEnd::Close,
    });
    let h = Harness::with_host(
        test_config(),
        vec![("gpt-4o", route(vec![channel(1, &mock.url())]))],
        FakeGatekeeper::default(),
        |host| RelayHost {
            usage: Arc::new(LoggingSink(host.usage.clone())),
            ..host
        },
    )
    .await;
    let mut response = h
        .post_json(
            "/v1/chat/completions",
            json!({"model": "gpt-4o", "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    // The handler has returned (the client holds the answer's head and its first event) while
    // the upstream holds the rest: the record, and its line, can only come from the body.
    let first = tokio::time::timeout(Duration::from_secs(3), response.chunk())
        .await
        .expect("the first event arrives before the gate opens")
        .unwrap();
    assert!(first.is_some());
    assert!(
        h.sink.snapshot().is_empty(),
        "recorded before the stream ended"
    );
    gate.notify_one();
    while response.chunk().await.unwrap().is_some() {}
    assert_eq!(h.sink.wait_for(1).await[0].status, 200);

    let scope = capture.scope_of("usage recorded");
    let fields = model_span(&scope);
    assert_eq!(fields["otel.name"], "chat gpt-4o", "{fields:?}");
    assert_eq!(fields["gen_ai.request.model"], "gpt-4o", "{fields:?}");
    assert_eq!(fields["gen_ai.provider.name"], "openai", "{fields:?}");
}
