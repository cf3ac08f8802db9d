//! Log lines the relay writes inside a model request carry the model request's span (named and attributed), not only the HTTP request's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use common::*;
use serde_json::json;
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

    let lines = capture.0.lock().unwrap().clone();
    let (_, scope) = lines
        .iter()
        .find(|(message, _)| message == "upstream attempt failed")
        .unwrap_or_else(|| panic!("no line for the failed attempt: {lines:?}"));
    let (_, fields) = scope
        .iter()
        .find(|(name, _)| name == "gen_ai")
        .unwrap_or_else(|| panic!("the line is outside the model span: {scope:?}"));
    assert_eq!(fields["otel.name"], "chat gpt-4o", "{fields:?}");
    assert_eq!(fields["gen_ai.request.model"], "gpt-4o", "{fields:?}");
    assert_eq!(fields["gen_ai.operation.name"], "chat", "{fields:?}");
}
