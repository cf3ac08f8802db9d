//! Stored responses through the relay: `GET`/`DELETE /v1/responses/{id}`, `input_items` and `cancel` go
//! to the channel that created the response (JSON or streamed), only for the group that created
//! it; converted or unstored responses are not found; a continuation (`previous_response_id`)
//! goes to the channel that stored its response; a host-supplied index is used instead of the
//! in-memory one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use common::*;
use relay::host::{ResponseIndex, ResponseOwner};
use relay::{InMemoryResponseIndex, ResponseIndexLimits};
use serde_json::{Value, json};
use tenancy::Caller;

const OTHER_KEY: &str = "sk-client-other-group";

/// An upstream that stores the responses it creates, as OpenAI does.
async fn responses_upstream(name: &'static str) -> Arc<Mock> {
    let stored: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
    let counter = Arc::new(AtomicUsize::new(0));
    Mock::start(move |seen| {
        let not_found = |id: &str| {
            Reply::status(
                404,
                json!({"error": {"message": format!("Response with id '{id}' not found."),
                "type": "invalid_request_error", "param": null, "code": null}}),
            )
        };
        let id = seen.path.strip_prefix("/v1/responses/").map(str::to_owned);
        match (seen.method.as_str(), id) {
            ("POST", None) => {
                let request = seen.json();
                let id = format!("resp_{name}_{}", counter.fetch_add(1, Ordering::SeqCst));
                let response = json!({"id": id, "object": "response", "status": "completed",
                    "model": request["model"], "output": [{"type": "message", "id": "msg_1",
                    "role": "assistant", "status": "completed",
                    "content": [{"type": "output_text", "text": name, "annotations": []}]}],
                    "usage": {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7}});
                if request["store"] != false {
                    stored.lock().unwrap().insert(id.clone(), response.clone());
                }
                if request["stream"] != true {
                    return Reply::json(response);
                }
                let mut created = response.clone();
                created["status"] = json!("in_progress");
                created["output"] = json!([]);
                let body = format!(
                    "event: response.created\ndata: {}\n\nevent: response.output_text.delta\ndata: {}\n\nevent: response.completed\ndata: {}\n\n",
                    json!({"type": "response.created", "sequence_number": 0, "response": created}),
                    json!({"type": "response.output_text.delta", "sequence_number": 1,
                        "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": name}),
                    json!({"type": "response.completed", "sequence_number": 2, "response": response}),
                );
                Reply::Raw {
                    status: 200,
                    content_type: "text/event-stream",
                    body: Bytes::from(body),
                }
            }
            ("GET", Some(path)) => {
                let (id, items) = match path.strip_suffix("/input_items") {
                    Some(id) => (id.to_owned(), true),
                    None => (path, false),
                };
                match stored.lock().unwrap().get(&id) {
                    Some(_) if items => Reply::json(json!({"object": "list", "data": [
                        {"id": "in_1", "type": "message", "role": "user",
                         "content": [{"type": "input_text", "text": "hi"}]}],
                        "first_id": "in_1", "last_id": "in_1", "has_more": false})),
                    Some(response) => Reply::json(response.clone()),
                    None => not_found(&id),
                }
            }
            ("POST", Some(path)) if path.ends_with("/cancel") => {
                let id = path.trim_end_matches("/cancel").to_owned();
                match stored.lock().unwrap().get_mut(&id) {
                    Some(response) => {
                        response["status"] = json!("cancelled");
                        Reply::json(response.clone())
                    }
                    None => not_found(&id),
                }
            }
            ("DELETE", Some(id)) => match stored.lock().unwrap().remove(&id) {
                Some(_) => Reply::json(json!({"id": id, "object": "response", "deleted": true})),
                None => not_found(&id),
            },
            _ => Reply::status(404, json!({"error": {"message": "no such route"}})),
        }
    })
    .await
}

/// An `openai` channel: it serves Responses natively without being marked.
fn responses_channel(id: i64, url: &str) -> relay::host::Channel {
    let mut channel = channel(id, url);
    channel.key = format!("sk-upstream-{id}");
    channel
}

/// A `custom` channel, whose Responses requests are converted to chat.
fn custom_channel(id: i64, url: &str) -> relay::host::Channel {
    let mut channel = channel(id, url);
    channel.kind = relay::host::ChannelKind::CUSTOM;
    channel
}

async fn harness(routes: Vec<(&str, relay::host::Route)>) -> Harness {
    harness_with_host(routes, |host| host).await
}

async fn harness_with_host(
    routes: Vec<(&str, relay::host::Route)>,
    customize: impl FnOnce(relay::RelayHost) -> relay::RelayHost,
) -> Harness {
    let mut gatekeeper = FakeGatekeeper::default();
    gatekeeper.tokens.insert(
        OTHER_KEY.into(),
        Token {
            caller: Caller {
                group_id: "group-b".into(),
                ..caller(2, None)
            },
            subnets: Vec::new(),
        },
    );
    Harness::with_host(test_config(), routes, gatekeeper, customize).await
}

async fn send(harness: &Harness, method: reqwest::Method, path: &str, key: &str) -> (u16, Value) {
    let response = harness
        .client
        .request(method, harness.url(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn create(harness: &Harness, model: &str, extra: Value) -> String {
    let mut body = json!({"model": model, "input": "hi"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let response = harness.post_json("/v1/responses", body).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    if let Ok(body) = serde_json::from_str::<Value>(&text) {
        return body["id"].as_str().unwrap().to_owned();
    }
    // A stream: the id is in the first event.
    let data = sse_data(&text);
    let first: Value = serde_json::from_str(&data[0]).unwrap();
    first["response"]["id"].as_str().unwrap().to_owned()
}

/// Waits until the index knows `id` (a streamed id is recorded off the response path).
async fn until_known(harness: &Harness, id: &str) {
    for _ in 0..200 {
        let (status, _) = send(
            harness,
            reqwest::Method::GET,
            &format!("/v1/responses/{id}"),
            KEY,
        )
        .await;
        if status == 200 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{id} never became readable");
}

#[tokio::test]
async fn stored_responses_go_back_to_the_channel_that_created_them() {
    let a = responses_upstream("a").await;
    let b = responses_upstream("b").await;
    let harness = harness(vec![
        ("gpt-a", route(vec![responses_channel(1, &a.url())])),
        ("gpt-b", route(vec![responses_channel(2, &b.url())])),
    ])
    .await;
    let from_a = create(&harness, "gpt-a", json!({})).await;
    let from_b = create(&harness, "gpt-b", json!({"stream": true})).await;
    assert_eq!(a.last().path, "/v1/responses", "not converted to chat");
    until_known(&harness, &from_b).await;

    let (status, body) = send(
        &harness,
        reqwest::Method::GET,
        &format!("/v1/responses/{from_a}"),
        KEY,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], from_a.as_str());
    let seen = a.last();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("GET", format!("/v1/responses/{from_a}").as_str())
    );
    assert_eq!(seen.headers["authorization"], "Bearer sk-upstream-1");

    let (status, body) = send(
        &harness,
        reqwest::Method::GET,
        &format!("/v1/responses/{from_b}/input_items?limit=5&order=asc&api_key=leak"),
        KEY,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"][0]["id"], "in_1");
    let seen = b.last();
    assert_eq!(seen.path, format!("/v1/responses/{from_b}/input_items"));
    assert_eq!(seen.query.as_deref(), Some("limit=5&order=asc"));
    assert_eq!(seen.headers["authorization"], "Bearer sk-upstream-2");

    // Cancel goes to the creating channel as OpenAI's `POST /v1/responses/{id}/cancel`.
    let (status, body) = send(
        &harness,
        reqwest::Method::POST,
        &format!("/v1/responses/{from_b}/cancel"),
        KEY,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "cancelled");
    let seen = b.last();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", format!("/v1/responses/{from_b}/cancel").as_str())
    );
    assert_eq!(seen.headers["authorization"], "Bearer sk-upstream-2");

    let (status, body) = send(
        &harness,
        reqwest::Method::DELETE,
        &format!("/v1/responses/{from_a}"),
        KEY,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["deleted"], true);
    assert_eq!(a.last().method, "DELETE");
    let hits = a.hits();
    let (status, body) = send(
        &harness,
        reqwest::Method::GET,
        &format!("/v1/responses/{from_a}"),
        KEY,
    )
    .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(
        a.hits(),
        hits,
        "a deleted id is forgotten, not asked for again"
    );

    let records = harness.sink.snapshot();
    let reads: Vec<_> = records
        .iter()
        .filter(|r| r.endpoint.starts_with("/v1/responses/{id}"))
        .collect();
    assert!(reads.len() >= 3);
    assert!(
        reads
            .iter()
            .any(|r| r.channel_id == Some(2) && r.status == 200)
    );
}

#[tokio::test]
async fn other_groups_converted_and_unstored_responses_are_not_found() {
    let a = responses_upstream("a").await;
    let chat = Mock::chat_ok("converted").await;
    let harness = harness(vec![
        ("gpt-a", route(vec![responses_channel(1, &a.url())])),
        ("gpt-chat", route(vec![custom_channel(3, &chat.url())])),
    ])
    .await;
    let stored = create(&harness, "gpt-a", json!({})).await;
    let hits = a.hits();
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let (status, body) = send(
            &harness,
            method,
            &format!("/v1/responses/{stored}"),
            OTHER_KEY,
        )
        .await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert!(body["error"]["message"].as_str().unwrap().contains(&stored));
    }
    assert_eq!(
        a.hits(),
        hits,
        "another group's lookups never reach the upstream"
    );

    let unstored = create(&harness, "gpt-a", json!({"store": false})).await;
    let converted = create(&harness, "gpt-chat", json!({})).await;
    assert_eq!(chat.last().path, "/v1/chat/completions");
    let hits = a.hits();
    for id in [unstored, converted, "resp_never_seen".to_owned()] {
        let (status, body) = send(
            &harness,
            reqwest::Method::GET,
            &format!("/v1/responses/{id}"),
            KEY,
        )
        .await;
        assert_eq!(status, 404, "{id}: {body}");
    }
    assert_eq!(a.hits(), hits);
    let (status, _) = send(
        &harness,
        reqwest::Method::GET,
        &format!("/v1/responses/{stored}"),
        "sk-bad",
    )
    .await;
    assert_eq!(status, 401);
}

/// The in-memory index, counting what the relay asks of it.
struct CountingIndex {
    inner: InMemoryResponseIndex,
    remembered: AtomicUsize,
}

#[async_trait]
impl ResponseIndex for CountingIndex {
    async fn remember(&self, response_id: &str, owner: ResponseOwner) {
        self.remembered.fetch_add(1, Ordering::SeqCst);
        self.inner.remember(response_id, owner).await;
    }
    async fn owner(&self, response_id: &str) -> Option<ResponseOwner> {
        self.inner.owner(response_id).await
    }
    async fn forget(&self, response_id: &str) {
        self.inner.forget(response_id).await;
    }
}

#[tokio::test]
async fn a_host_index_replaces_the_in_memory_one() {
    let a = responses_upstream("a").await;
    let index = Arc::new(CountingIndex {
        inner: InMemoryResponseIndex::new(ResponseIndexLimits {
            max_entries: 10,
            ttl: std::time::Duration::from_secs(60),
        }),
        remembered: AtomicUsize::new(0),
    });
    let shared: Arc<dyn relay::host::ResponseIndex> = index.clone();
    let harness = harness_with_host(
        vec![("gpt-a", route(vec![responses_channel(1, &a.url())]))],
        |host| relay::RelayHost {
            response_index: Some(shared),
            ..host
        },
    )
    .await;
    let id = create(&harness, "gpt-a", json!({})).await;
    assert_eq!(index.remembered.load(Ordering::SeqCst), 1);
    assert_eq!(
        index.owner(&id).await,
        Some(ResponseOwner {
            group_id: "group-a".into(),
            channel_id: 1,
            model: "gpt-a".into()
        })
    );
}

#[tokio::test]
async fn a_continuation_goes_to_the_channel_that_stored_the_response() {
    let a = responses_upstream("a").await;
    let b = responses_upstream("b").await;
    // Two accounts serve the model equally: only the one that stored a response can continue it.
    let harness = harness(vec![(
        "gpt-ab",
        route(vec![
            responses_channel(1, &a.url()),
            responses_channel(2, &b.url()),
        ]),
    )])
    .await;
    let first = create(&harness, "gpt-ab", json!({})).await;
    let (owner, other) = if first.starts_with("resp_a_") {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let (owner_hits, other_hits) = (owner.hits(), other.hits());
    for turn in 0..10 {
        let id = create(
            &harness,
            "gpt-ab",
            json!({"previous_response_id": first, "input": format!("turn {turn}")}),
        )
        .await;
        assert_eq!(owner.last().json()["previous_response_id"], first.as_str());
        assert_eq!(id.starts_with("resp_a_"), first.starts_with("resp_a_"));
    }
    assert_eq!(owner.hits(), owner_hits + 10);
    assert_eq!(
        other.hits(),
        other_hits,
        "no continuation went to the other account"
    );
}

#[tokio::test]
async fn another_groups_response_cannot_be_continued() {
    let a = responses_upstream("a").await;
    let harness = harness(vec![("gpt-a", route(vec![responses_channel(1, &a.url())]))]).await;
    let stored = create(&harness, "gpt-a", json!({})).await;
    let hits = a.hits();
    for id in [stored.clone(), "r".repeat(100_000)] {
        let response = harness
            .client
            .post(harness.url("/v1/responses"))
            .bearer_auth(OTHER_KEY)
            .json(&json!({"model": "gpt-a", "input": "and then?", "previous_response_id": id}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["param"], "previous_response_id", "{body}");
        assert_eq!(body["error"]["code"], "previous_response_not_found");
        assert!(body.to_string().len() < 1024);
    }
    assert_eq!(a.hits(), hits, "the foreign id never reached the channel");
    // The owner still continues it.
    create(&harness, "gpt-a", json!({"previous_response_id": stored})).await;
    assert_eq!(a.hits(), hits + 1);
}
