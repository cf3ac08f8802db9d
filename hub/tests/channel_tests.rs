//! Channel tests and many-key creation through `ChannelService`: results per (channel, model) stored and listed, keys never in them.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::channel_service_client::ChannelServiceClient;
use serde_json::json;
use tonic::transport::Channel as GrpcChannel;

use crate::support::{self, TestHub};

const GOOD_KEY: &str = "sk-good-0123456789";
const REVOKED_KEY: &str = "sk-revoked-0123456789";
const BROKEN_KEY: &str = "sk-broken-0123456789";

/// Requests seen per path.
#[derive(Default)]
struct Hits {
    chat: AtomicUsize,
    embeddings: AtomicUsize,
}

/// An upstream that answers by key: the good key 200, the revoked one 401 and the broken one
/// 500, the errors echoing the key and the address, as careless upstreams do.
async fn start_upstream() -> (SocketAddr, Arc<Hits>) {
    async fn answer(State(hits): State<Arc<Hits>>, uri: Uri, headers: HeaderMap) -> Response {
        let counter = if uri.path().ends_with("/embeddings") {
            &hits.embeddings
        } else {
            &hits.chat
        };
        counter.fetch_add(1, Ordering::SeqCst);
        let key = headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_owned();
        let host = headers
            .get("host")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let status = match key.as_str() {
            GOOD_KEY => StatusCode::OK,
            REVOKED_KEY => StatusCode::UNAUTHORIZED,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::OK {
            let body = if uri.path().ends_with("/embeddings") {
                json!({"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.1]}], "model": "e", "usage": {"prompt_tokens": 1, "total_tokens": 1}})
            } else {
                json!({"id": "c", "object": "chat.completion", "model": "m", "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"}, "finish_reason": "length"}], "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
            };
            return Json(body).into_response();
        }
        let message = format!("Incorrect API key provided: {key} at http://{host}/v1");
        (
            status,
            Json(json!({"error": {"message": message, "type": "invalid_request_error"}})),
        )
            .into_response()
    }
    let hits = Arc::new(Hits::default());
    let app = Router::new()
        .route("/v1/chat/completions", post(answer))
        .route("/v1/embeddings", post(answer))
        .with_state(hits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, hits)
}

/// A hub with three channels on the upstream (good, revoked, broken) and one disabled; the
/// good one serves a chat model and an embedding model.
async fn start_hub(upstream: SocketAddr) -> TestHub {
    let base = format!("http://{upstream}/v1");
    let config = format!(
        "channels:\n  - name: good\n    type: openai\n    base_url: {base}\n    key: {GOOD_KEY}\n    models: [chat-model, embed-model]\n  - name: revoked\n    type: openai\n    base_url: {base}\n    key: {REVOKED_KEY}\n    models: [chat-model]\n  - name: broken\n    type: openai\n    base_url: {base}\n    key: {BROKEN_KEY}\n    models: [chat-model]\n  - name: parked\n    type: openai\n    base_url: {base}\n    key: {GOOD_KEY}\n    models: [chat-model]\n    status: disabled\nmodels:\n  - model: chat-model\n    type: chat\n  - model: embed-model\n    type: embedding\n"
    );
    TestHub::start_with_config(&config).await
}

async fn client(hub: &TestHub) -> ChannelServiceClient<GrpcChannel> {
    ChannelServiceClient::new(support::control_channel(hub).await)
}

/// Channel ids by name.
async fn ids(channels: &mut ChannelServiceClient<GrpcChannel>) -> BTreeMap<String, i64> {
    channels
        .list_channels(support::admin(pb::ListChannelsRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .channels
        .into_iter()
        .map(|channel| (channel.name, channel.id))
        .collect()
}

fn assert_no_secret(result: &pb::ChannelTestResult, upstream: SocketAddr) {
    for secret in [GOOD_KEY, REVOKED_KEY, BROKEN_KEY] {
        assert!(!result.error.contains(secret), "key leaked: {result:?}");
    }
    assert!(
        !result.error.contains(&upstream.to_string()),
        "address leaked: {result:?}"
    );
}

#[tokio::test]
async fn test_channel_tests_each_model_on_its_type_endpoint_and_stores_the_results() {
    let (upstream, hits) = start_upstream().await;
    let hub = start_hub(upstream).await;
    let mut channels = client(&hub).await;
    let ids = ids(&mut channels).await;

    let results = channels
        .test_channel(support::admin(pb::TestChannelRequest {
            id: ids["good"],
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .results;
    let summary: Vec<(&str, bool, i32, &str)> = results
        .iter()
        .map(|result| {
            (
                result.model.as_str(),
                result.success,
                result.status_code,
                result.endpoint.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("chat-model", true, 200, "/v1/chat/completions"),
            ("embed-model", true, 200, "/v1/embeddings"),
        ]
    );
    assert_eq!(hits.chat.load(Ordering::SeqCst), 1);
    assert_eq!(hits.embeddings.load(Ordering::SeqCst), 1);

    for (name, status) in [("revoked", 401), ("broken", 500)] {
        let results = channels
            .test_channel(support::admin(pb::TestChannelRequest {
                id: ids[name],
                model: "chat-model".into(),
                timeout_ms: 5000,
            }))
            .await
            .unwrap()
            .into_inner()
            .results;
        assert_eq!(results.len(), 1, "{name}");
        let result = &results[0];
        assert!(!result.success, "{result:?}");
        assert_eq!(result.status_code, status, "{result:?}");
        assert!(
            result
                .error
                .contains("Incorrect API key provided: [redacted]"),
            "{result:?}"
        );
        assert_no_secret(result, upstream);
    }

    // Stored: GetChannel and ListChannels show each pair's last test.
    let good = channels
        .get_channel(support::admin(pb::GetChannelRequest { id: ids["good"] }))
        .await
        .unwrap()
        .into_inner();
    let stored: Vec<(&str, bool)> = good
        .last_tests
        .iter()
        .map(|test| (test.model.as_str(), test.success))
        .collect();
    assert_eq!(stored, [("chat-model", true), ("embed-model", true)]);
    assert!(good.last_tests.iter().all(|test| test.tested_at_ms > 0));
    let listed = channels
        .list_channels(support::admin(pb::ListChannelsRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .channels;
    let revoked = listed
        .iter()
        .find(|channel| channel.name == "revoked")
        .unwrap();
    assert_eq!(revoked.last_tests.len(), 1);
    assert_eq!(revoked.last_tests[0].status_code, 401);
    assert_no_secret(&revoked.last_tests[0], upstream);
    let parked = listed
        .iter()
        .find(|channel| channel.name == "parked")
        .unwrap();
    assert!(parked.last_tests.is_empty());

    // A test of an unknown channel is NOT_FOUND; a negative timeout is refused.
    let missing = channels
        .test_channel(support::admin(pb::TestChannelRequest {
            id: 999_999,
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound, "{missing:?}");
    let negative = channels
        .test_channel(support::admin(pb::TestChannelRequest {
            id: ids["good"],
            timeout_ms: -1,
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(negative.code(), tonic::Code::InvalidArgument);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn test_channels_streams_one_result_per_enabled_pair_and_stores_them() {
    let (upstream, hits) = start_upstream().await;
    let hub = start_hub(upstream).await;
    let mut channels = client(&hub).await;
    let ids = ids(&mut channels).await;

    let mut stream = channels
        .test_channels(support::admin(pb::TestChannelsRequest {
            concurrency: 2,
            timeout_ms: 5000,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let mut results = Vec::new();
    while let Some(result) = stream.message().await.unwrap() {
        assert_no_secret(&result, upstream);
        results.push(result);
    }
    let mut seen: Vec<(i64, String, i32)> = results
        .iter()
        .map(|result| (result.channel_id, result.model.clone(), result.status_code))
        .collect();
    seen.sort();
    let mut expected = vec![
        (ids["good"], "chat-model".to_owned(), 200),
        (ids["good"], "embed-model".to_owned(), 200),
        (ids["revoked"], "chat-model".to_owned(), 401),
        (ids["broken"], "chat-model".to_owned(), 500),
    ];
    expected.sort();
    // The disabled channel is not tested.
    assert_eq!(seen, expected);
    assert_eq!(hits.chat.load(Ordering::SeqCst), 3);
    assert_eq!(hits.embeddings.load(Ordering::SeqCst), 1);

    let listed = channels
        .list_channels(support::admin(pb::ListChannelsRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .channels;
    let stored: usize = listed.iter().map(|channel| channel.last_tests.len()).sum();
    assert_eq!(stored, 4);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn preview_tests_an_unsaved_definition_without_storing_and_keeps_a_masked_key() {
    let (upstream, hits) = start_upstream().await;
    let hub = start_hub(upstream).await;
    let mut channels = client(&hub).await;
    let ids = ids(&mut channels).await;
    let base = format!("http://{upstream}/v1");

    let preview = |channel: pb::Channel| pb::PreviewChannelTestRequest {
        channel: Some(channel),
        model: String::new(),
        timeout_ms: 5000,
    };
    let unsaved = pb::Channel {
        name: "draft".into(),
        r#type: "openai".into(),
        base_url: base.clone(),
        key: REVOKED_KEY.into(),
        models: vec!["chat-model".into()],
        ..Default::default()
    };
    let results = channels
        .preview_channel_test(support::admin(preview(unsaved)))
        .await
        .unwrap()
        .into_inner()
        .results;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].status_code, 401);
    assert_eq!(results[0].channel_id, 0);
    assert_no_secret(&results[0], upstream);

    // Editing a stored channel: its masked key (as GetChannel shows it) stands for the real one.
    let good = channels
        .get_channel(support::admin(pb::GetChannelRequest { id: ids["good"] }))
        .await
        .unwrap()
        .into_inner();
    assert_ne!(good.key, GOOD_KEY);
    let edited = pb::Channel {
        models: vec!["embed-model".into()],
        ..good
    };
    let results = channels
        .preview_channel_test(support::admin(preview(edited)))
        .await
        .unwrap()
        .into_inner()
        .results;
    assert_eq!(results.len(), 1);
    assert!(results[0].success, "{:?}", results[0]);
    assert_eq!(results[0].endpoint, "/v1/embeddings");
    assert_eq!(hits.chat.load(Ordering::SeqCst), 1);
    assert_eq!(hits.embeddings.load(Ordering::SeqCst), 1);

    // Nothing stored, and the stored channel is unchanged.
    let listed = channels
        .list_channels(support::admin(pb::ListChannelsRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .channels;
    assert!(listed.iter().all(|channel| channel.last_tests.is_empty()));
    assert!(!listed.iter().any(|channel| channel.name == "draft"));
    let good = listed
        .iter()
        .find(|channel| channel.name == "good")
        .unwrap();
    assert_eq!(good.models, ["chat-model", "embed-model"]);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn create_channels_makes_one_channel_per_key_with_suffixed_names() {
    let (upstream, _hits) = start_upstream().await;
    let hub = start_hub(upstream).await;
    let mut channels = client(&hub).await;
    let template = pb::Channel {
        name: "pool".into(),
        r#type: "openai".into(),
        base_url: format!("http://{upstream}/v1"),
        models: vec!["chat-model".into()],
        priority: 3,
        ..Default::default()
    };
    let created = channels
        .create_channels(support::admin(pb::CreateChannelsRequest {
            channel: Some(template.clone()),
            keys: vec![
                format!("{GOOD_KEY}\n\n  {REVOKED_KEY}  \n"),
                BROKEN_KEY.into(),
            ],
        }))
        .await
        .unwrap()
        .into_inner()
        .channels;
    let names: Vec<&str> = created
        .iter()
        .map(|channel| channel.name.as_str())
        .collect();
    assert_eq!(names, ["pool-1", "pool-2", "pool-3"]);
    assert!(created.iter().all(|channel| channel.priority == 3
        && channel.status == pb::Status::Enabled as i32
        && channel.models == ["chat-model"]));

    // Each got its own key: the test of each answers as that key does.
    let mut statuses = Vec::new();
    for channel in &created {
        let results = channels
            .test_channel(support::admin(pb::TestChannelRequest {
                id: channel.id,
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner()
            .results;
        statuses.push(results[0].status_code);
    }
    assert_eq!(statuses, [200, 401, 500]);

    // All or none: a name already taken refuses the whole call.
    let refused = channels
        .create_channels(support::admin(pb::CreateChannelsRequest {
            channel: Some(pb::Channel {
                name: "pool-2".into(),
                ..template.clone()
            }),
            keys: vec![GOOD_KEY.into()],
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::AlreadyExists, "{refused:?}");
    let empty = channels
        .create_channels(support::admin(pb::CreateChannelsRequest {
            channel: Some(template),
            keys: vec![" \n ".into()],
        }))
        .await
        .unwrap_err();
    assert_eq!(empty.code(), tonic::Code::InvalidArgument);
    let total = channels
        .list_channels(support::admin(pb::ListChannelsRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .total_size;
    assert_eq!(total, 4 + 3);
    hub.stop().await.unwrap();
}
