//! The seed-compatible REST admin API (`/api/*`): auth, error envelopes, masked secrets, one store with gRPC, FastGPT and Sealos flows in Python.

use serde_json::{Value, json};

use crate::support::mock_openai::MockOpenAi;
use crate::support::{self, ADMIN_KEY, TestHub, admin, control_channel};
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::channel_service_client::ChannelServiceClient;

const CHANNEL_SECRET: &str = "sk-upstream-secret-do-not-show-0123456789";

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// The status and the parsed envelope.
async fn call(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, body)
}

fn refused(status: u16, body: &Value, expected: u16) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["success"], false, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body.get("data").is_none(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_routes_refuse_missing_wrong_and_url_keys() {
    let hub = TestHub::start().await;
    let http = client();
    let url = hub.url("/api/channels/");

    let (status, body) = call(http.get(&url)).await;
    refused(status, &body, 401);
    let (status, body) = call(http.get(&url).bearer_auth("not-the-admin-key")).await;
    refused(status, &body, 401);
    // Keys in URLs end up in proxy logs: refused unless the operator turned them on.
    let (status, body) = call(http.get(format!("{url}?key={ADMIN_KEY}"))).await;
    refused(status, &body, 401);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("ADMIN_API_QUERY_KEY")
    );

    // The seed's three spellings of the header.
    for header in [
        format!("Bearer {ADMIN_KEY}"),
        format!("Bearer sk-{ADMIN_KEY}"),
        ADMIN_KEY.to_owned(),
    ] {
        let (status, body) = call(http.get(&url).header("authorization", &header)).await;
        assert_eq!(status, 200, "{header}: {body}");
        assert_eq!(body["success"], true);
        assert_eq!(body["data"]["total"], 0);
    }
    let (status, body) = call(http.get(hub.url("/api/channels")).bearer_auth(ADMIN_KEY)).await;
    assert_eq!(status, 200, "without the trailing slash too: {body}");
    // `/api/status` keeps answering without a key, with its own fields.
    let (status, body) = call(http.get(hub.url("/api/status"))).await;
    assert_eq!(status, 200);
    assert_eq!(body["storage"]["reachable"], true, "{body}");
    // And the seed's: `{success, data: {startTime}}` (unix ms, not after now).
    assert_eq!(body["success"], true, "{body}");
    let started = body["data"]["startTime"].as_i64().unwrap();
    assert!(started > 0 && started <= hub::store::now_ms(), "{body}");
    hub.stop().await.unwrap();

    let (mut settings, data_dir) = TestHub::settings();
    settings.admin_api_query_key = true;
    let hub = TestHub::start_with(settings, data_dir).await;
    let url = hub.url("/api/channels/");
    let (status, body) = call(http.get(format!("{url}?key={ADMIN_KEY}"))).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(http.get(format!("{url}?key=wrong"))).await;
    refused(status, &body, 401);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_come_in_the_envelope_with_the_right_status() {
    let hub = TestHub::start().await;
    let http = client();
    let get = |path: &str| http.get(hub.url(path)).bearer_auth(ADMIN_KEY);
    let post = |path: &str| http.post(hub.url(path)).bearer_auth(ADMIN_KEY);

    let (status, body) = call(get("/api/channel/4242")).await;
    refused(status, &body, 404);
    let (status, body) = call(get("/api/channel/not-a-number")).await;
    refused(status, &body, 400);
    let (status, body) = call(
        post("/api/channel/")
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    refused(status, &body, 400);
    let (status, body) = call(post("/api/channel/").json(&json!({"type": 2, "name": "x"}))).await;
    refused(status, &body, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("invalid channel type")
    );
    // The service's own validation, in the envelope.
    let (status, body) =
        call(post("/api/channel/").json(&json!({"type": 1, "name": "", "key": "k"}))).await;
    refused(status, &body, 400);
    let (status, body) = call(get("/api/token/nobody/1")).await;
    refused(status, &body, 404);
    let (status, body) = call(post("/api/token/nobody").json(&json!({"name": "t"}))).await;
    refused(status, &body, 404);
    let (status, body) = call(post("/api/group/acme/status").json(&json!({"status": 1}))).await;
    refused(status, &body, 404);
    hub.stop().await.unwrap();
}

/// Channels made over REST are the control plane's channels (one store), and no listing or
/// answer shows their key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_masked_and_rest_and_grpc_share_one_store() {
    let hub = TestHub::start().await;
    let http = client();
    let (status, body) = call(
        http.post(hub.url("/api/channels/"))
            .bearer_auth(ADMIN_KEY)
            .json(&json!([{
                "type": 14,
                "name": "two-keys",
                "key": format!("{CHANNEL_SECRET}\nsk-second-secret-abcdefghijklmnop"),
                "models": ["claude-x"],
                "configs": {"retries": 2},
            }])),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let created = body["data"].as_array().unwrap();
    assert_eq!(created.len(), 2, "one channel per key line: {body}");
    assert_eq!(created[0]["type"], 14);
    assert_eq!(created[0]["type_name"], "anthropic");
    assert_eq!(created[0]["configs"]["retries"], "2");
    let id = created[0]["id"].as_i64().unwrap();

    for path in [
        "/api/channels/".to_owned(),
        "/api/channels/all".to_owned(),
        "/api/channels/search?keyword=two".to_owned(),
        format!("/api/channel/{id}"),
    ] {
        let response = http
            .get(hub.url(&path))
            .bearer_auth(ADMIN_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let text = response.text().await.unwrap();
        assert!(text.contains("two-keys"), "{path}: {text}");
        assert!(
            !text.contains(CHANNEL_SECRET),
            "{path} shows the key: {text}"
        );
        assert!(
            !text.contains("second-secret"),
            "{path} shows the key: {text}"
        );
    }

    // gRPC sees the channel REST made, and REST sees what gRPC changes.
    let mut channels = ChannelServiceClient::new(control_channel(&hub).await);
    let seen = channels
        .get_channel(admin(pb::GetChannelRequest { id }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(seen.name, "two-keys-1");
    assert_eq!(seen.r#type, "anthropic");
    channels
        .set_channel_status(admin(pb::SetChannelStatusRequest {
            id,
            status: pb::Status::Disabled as i32,
        }))
        .await
        .unwrap();
    let (_, body) = call(
        http.get(hub.url(&format!("/api/channel/{id}")))
            .bearer_auth(ADMIN_KEY),
    )
    .await;
    assert_eq!(body["data"]["status"], 2);

    // Type metas cover every registered type, keyed by the seed's numbers.
    let (_, body) = call(
        http.get(hub.url("/api/channels/type_metas"))
            .bearer_auth(ADMIN_KEY),
    )
    .await;
    let metas = body["data"].as_object().unwrap();
    assert_eq!(metas.len(), relay::provider::ChannelKind::all().count());
    assert_eq!(metas["24"]["name"], "gemini");

    // A token's key shows once, in the answer to its creation.
    let (_, body) = call(
        http.post(hub.url("/api/token/acme?auto_create_group=true"))
            .bearer_auth(ADMIN_KEY)
            .json(&json!({"name": "ci"})),
    )
    .await;
    let key = body["data"]["key"].as_str().unwrap().to_owned();
    assert!(key.len() >= 40, "{body}");
    for path in ["/api/tokens/", "/api/token/acme", "/api/token/acme/search"] {
        let text = http
            .get(hub.url(path))
            .bearer_auth(ADMIN_KEY)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.contains("\"ci\""), "{path}: {text}");
        assert!(!text.contains(&key), "{path} shows the token key: {text}");
    }
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fastgpt_flow_in_python() {
    let upstream = MockOpenAi::start().await;
    let hub = TestHub::start().await;
    support::run_pytest(
        "hub/tests/python/test_rest_fastgpt.py",
        &[
            ("AIPROXY_BASE_URL", &hub.url("")),
            ("AIPROXY_ADMIN_KEY", ADMIN_KEY),
            ("AIPROXY_UPSTREAM", &upstream.base_url()),
        ],
    )
    .await;
    // Both channel tests and the request reached the upstream.
    assert_eq!(upstream.hits(), 3);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealos_flow_in_python() {
    let upstream = MockOpenAi::start().await;
    let hub = TestHub::start().await;
    let (status, body) = call(
        client()
            .post(hub.url("/api/channel/"))
            .bearer_auth(ADMIN_KEY)
            .json(&json!({
                "type": 1,
                "name": "sealos-upstream",
                "key": "sk-upstream",
                "base_url": upstream.base_url(),
                "models": ["sealos-chat"],
            })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    support::run_pytest(
        "hub/tests/python/test_rest_sealos.py",
        &[
            ("AIPROXY_BASE_URL", &hub.url("")),
            ("AIPROXY_ADMIN_KEY", ADMIN_KEY),
            ("AIPROXY_MODEL", "sealos-chat"),
        ],
    )
    .await;
    assert_eq!(upstream.hits(), 1);
    hub.stop().await.unwrap();
}
