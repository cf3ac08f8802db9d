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
    // The Sealos flow's request and the MCP flow's.
    assert_eq!(upstream.hits(), 2);
    hub.stop().await.unwrap();
}

async fn send(request: reqwest::RequestBuilder) -> Value {
    let (status, body) = call(request.bearer_auth(ADMIN_KEY)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true, "{body}");
    body["data"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_ratios_group_models_and_batches_round_trip() {
    let hub = TestHub::start().await;
    let http = client();

    // Options: one, by key (a JSON number is stored as its text), and a batch.
    send(
        http.put(hub.url("/api/option/"))
            .json(&json!({"key": "LogStorageHours", "value": "72"})),
    )
    .await;
    send(
        http.put(hub.url("/api/option/LogDetailStorageHours"))
            .json(&json!(6)),
    )
    .await;
    let option = send(http.get(hub.url("/api/option/LogDetailStorageHours"))).await;
    assert_eq!(
        option,
        json!({"key": "LogDetailStorageHours", "value": "6"})
    );
    send(
        http.post(hub.url("/api/option/batch"))
            .json(&json!({"CleanLogBatchSize": "500", "GroupMaxTokenNum": 3})),
    )
    .await;
    let options = send(http.get(hub.url("/api/option/"))).await;
    assert_eq!(options["LogStorageHours"], "72", "{options}");
    assert_eq!(options["CleanLogBatchSize"], "500", "{options}");
    assert_eq!(options["GroupMaxTokenNum"], "3", "{options}");
    // A bad batch stores nothing of it.
    let (status, body) = call(
        http.post(hub.url("/api/option/batch"))
            .bearer_auth(ADMIN_KEY)
            .json(&json!({"CleanLogBatchSize": "9", "LogStorageHours": "not a number"})),
    )
    .await;
    refused(status, &body, 400);
    let options = send(http.get(hub.url("/api/option/"))).await;
    assert_eq!(options["CleanLogBatchSize"], "500", "{options}");

    // Ratios and the group's model settings.
    for group in ["ga", "gb", "gc"] {
        send(
            http.post(hub.url(&format!("/api/group/{group}")))
                .json(&json!({})),
        )
        .await;
    }
    send(
        http.post(hub.url("/api/group/ga/rpm_ratio"))
            .json(&json!({"rpm_ratio": 2.5})),
    )
    .await;
    send(
        http.post(hub.url("/api/group/ga/tpm_ratio"))
            .json(&json!({"tpm_ratio": 0.5})),
    )
    .await;
    let group = send(http.get(hub.url("/api/group/ga"))).await;
    assert_eq!(
        (group["rpm_ratio"].as_f64(), group["tpm_ratio"].as_f64()),
        (Some(2.5), Some(0.5))
    );
    send(
        http.post(hub.url("/api/model_config/gpt-4o"))
            .json(&json!({"owner": "openai", "type": 1})),
    )
    .await;
    send(
        http.post(hub.url("/api/model_config/gpt-4o-mini"))
            .json(&json!({"owner": "openai", "type": 1})),
    )
    .await;
    let saved = send(
        http.post(hub.url("/api/group/ga/model_configs/"))
            .json(&json!([
                {"model": "gpt-4o", "override_limit": true, "rpm": 7, "tpm": 700},
                {"model": "gpt-4o-mini", "override_price": true,
                 "price": {"input_price": 0.5, "output_price": 1.5}},
            ])),
    )
    .await;
    assert_eq!(saved.as_array().unwrap().len(), 2, "{saved}");
    let one = send(http.get(hub.url("/api/group/ga/model_config/gpt-4o"))).await;
    assert_eq!(
        (one["rpm"].as_i64(), one["tpm"].as_i64()),
        (Some(7), Some(700)),
        "{one}"
    );
    assert_eq!(one["override_limit"], true);
    assert_eq!(one["override_price"], false);
    let listed = send(http.get(hub.url("/api/group/ga/model_configs/"))).await;
    let mini = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|config| config["model"] == "gpt-4o-mini")
        .unwrap();
    assert_eq!(mini["price"]["input_price"].as_f64(), Some(0.5), "{mini}");
    assert_eq!(mini["override_limit"], false);
    send(http.delete(hub.url("/api/group/ga/model_config/gpt-4o"))).await;
    let (status, body) = call(
        http.get(hub.url("/api/group/ga/model_config/gpt-4o"))
            .bearer_auth(ADMIN_KEY),
    )
    .await;
    refused(status, &body, 404);
    send(
        http.delete(hub.url("/api/group/ga/model_configs/"))
            .json(&json!(["gpt-4o-mini"])),
    )
    .await;
    assert_eq!(
        send(http.get(hub.url("/api/group/ga/model_configs/"))).await,
        json!([])
    );

    // Batch status and deletes.
    let updated = send(
        http.post(hub.url("/api/groups/batch_status"))
            .json(&json!({"groups": ["gb", "gc"], "status": 2})),
    )
    .await;
    assert_eq!(updated["updated"], 2);
    assert_eq!(send(http.get(hub.url("/api/group/gb"))).await["status"], 2);
    assert_eq!(send(http.get(hub.url("/api/group/ga"))).await["status"], 1);
    let channels = send(http.post(hub.url("/api/channels/")).json(&json!([
        {"type": 1, "name": "one", "key": "sk-one", "models": ["gpt-4o"]},
        {"type": 1, "name": "two", "key": "sk-two", "models": ["gpt-4o"], "sets": ["vip"]},
    ])))
    .await;
    let ids: Vec<i64> = channels
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    let sets = send(http.get(hub.url("/api/models/sets"))).await;
    assert_eq!(sets, json!(["default", "vip"]));
    let enabled = send(http.get(hub.url("/api/models/enabled/vip"))).await;
    assert_eq!(
        enabled,
        json!([{"model": "gpt-4o", "configured": true, "channels": [ids[1]]}])
    );
    let deleted = send(
        http.post(hub.url("/api/channels/batch_delete"))
            .json(&json!(ids)),
    )
    .await;
    assert_eq!(deleted["deleted"], 2);
    assert_eq!(send(http.get(hub.url("/api/channels/"))).await["total"], 0);
    let first = send(
        http.post(hub.url("/api/token/ga"))
            .json(&json!({"name": "first"})),
    )
    .await;
    let other = send(
        http.post(hub.url("/api/token/gb"))
            .json(&json!({"name": "other"})),
    )
    .await;
    // A group's batch refuses another group's token before deleting any.
    let (status, body) = call(
        http.post(hub.url("/api/token/ga/batch_delete"))
            .bearer_auth(ADMIN_KEY)
            .json(&json!([first["id"], other["id"]])),
    )
    .await;
    refused(status, &body, 404);
    assert_eq!(send(http.get(hub.url("/api/tokens/"))).await["total"], 2);
    let deleted = send(
        http.post(hub.url("/api/token/ga/batch_delete"))
            .json(&json!([first["id"]])),
    )
    .await;
    assert_eq!(deleted["deleted"], 1);
    let deleted = send(
        http.post(hub.url("/api/groups/batch_delete"))
            .json(&json!(["gb", "gc"])),
    )
    .await;
    assert_eq!(deleted["deleted"], 2);
    assert_eq!(send(http.get(hub.url("/api/groups/"))).await["total"], 1);
    assert_eq!(
        send(http.get(hub.url("/api/tokens/"))).await["total"],
        0,
        "gb's token went with it"
    );
    let deleted = send(
        http.post(hub.url("/api/model_configs/batch_delete"))
            .json(&json!(["gpt-4o", "gpt-4o-mini"])),
    )
    .await;
    assert_eq!(deleted["deleted"], 2);

    // Logs: deleting needs a time; the export is CSV; bans are none, and lifting none clears 0.
    let (status, body) = call(http.delete(hub.url("/api/logs/")).bearer_auth(ADMIN_KEY)).await;
    refused(status, &body, 400);
    let deleted =
        send(http.delete(hub.url(&format!("/api/logs/?timestamp={}", hub::store::now_ms())))).await;
    assert_eq!(deleted["deleted"], 0);
    let export = http
        .get(hub.url("/api/logs/export?group=ga"))
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 200);
    assert!(
        export.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = export.text().await.unwrap();
    assert!(
        csv.lines()
            .next()
            .is_some_and(|header| header.contains("request_id")),
        "{csv}"
    );
    assert_eq!(
        send(http.get(hub.url("/api/monitor/banned_channels"))).await,
        json!({})
    );
    assert_eq!(
        send(http.delete(hub.url("/api/monitor/"))).await["cleared"],
        0
    );
    hub.stop().await.unwrap();
}

async fn create_key(hub: &TestHub, role: pb::AdminRole, groups: &[&str]) -> String {
    use hub::edges::grpc::pb::access_service_client::AccessServiceClient;
    AccessServiceClient::new(control_channel(hub).await)
        .create_admin_key(admin(pb::CreateAdminKeyRequest {
            name: format!("{role:?}"),
            role: role as i32,
            groups: groups.iter().map(|group| (*group).to_owned()).collect(),
        }))
        .await
        .unwrap()
        .into_inner()
        .key
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewer_and_group_scoped_keys_are_refused_new_writes() {
    let hub = TestHub::start().await;
    let http = client();
    for group in ["mine", "theirs"] {
        send(
            http.post(hub.url(&format!("/api/group/{group}")))
                .json(&json!({})),
        )
        .await;
    }
    send(
        http.post(hub.url("/api/model_config/gpt-4o"))
            .json(&json!({"owner": "openai"})),
    )
    .await;
    let viewer = create_key(&hub, pb::AdminRole::Viewer, &[]).await;
    let scoped = create_key(&hub, pb::AdminRole::Operator, &["mine"]).await;

    let as_key = |request: reqwest::RequestBuilder, key: &str| call(request.bearer_auth(key));
    // A viewer reads options but sets none, and lifts no bans.
    let (status, body) = as_key(http.get(hub.url("/api/option/")), &viewer).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = as_key(
        http.put(hub.url("/api/option/"))
            .json(&json!({"key": "LogStorageHours", "value": "1"})),
        &viewer,
    )
    .await;
    refused(status, &body, 403);
    let (status, body) = as_key(http.delete(hub.url("/api/monitor/")), &viewer).await;
    refused(status, &body, 403);
    let (status, body) = as_key(
        http.post(hub.url("/api/groups/batch_status"))
            .json(&json!({"groups": ["mine"], "status": 2})),
        &viewer,
    )
    .await;
    refused(status, &body, 403);

    // A key scoped to `mine` manages mine's model settings, not theirs, and no global objects.
    let setting = json!([{"model": "gpt-4o", "override_limit": true, "rpm": 1, "tpm": 1}]);
    let (status, body) = as_key(
        http.post(hub.url("/api/group/mine/model_configs/"))
            .json(&setting),
        &scoped,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = as_key(
        http.post(hub.url("/api/group/theirs/model_configs/"))
            .json(&setting),
        &scoped,
    )
    .await;
    refused(status, &body, 403);
    let (status, body) = as_key(
        http.post(hub.url("/api/groups/batch_delete"))
            .json(&json!(["theirs"])),
        &scoped,
    )
    .await;
    refused(status, &body, 403);
    let (status, body) = as_key(
        http.delete(hub.url("/api/logs/?timestamp=1700000000")),
        &scoped,
    )
    .await;
    refused(status, &body, 403);
    let (status, body) = as_key(
        http.post(hub.url("/api/option/batch"))
            .json(&json!({"LogStorageHours": "1"})),
        &scoped,
    )
    .await;
    refused(status, &body, 403);
    // Nothing of it happened.
    assert_eq!(send(http.get(hub.url("/api/groups/"))).await["total"], 2);
    assert_eq!(
        send(http.get(hub.url("/api/group/theirs/model_configs/"))).await,
        json!([])
    );
    hub.stop().await.unwrap();
}

/// A DeepSeek-shaped account answering `/user/balance` with 12.5 CNY.
async fn deepseek_account() -> String {
    let app = axum::Router::new().route(
        "/user/balance",
        axum::routing::get(|| async {
            axum::Json(json!({"is_available": true, "balance_infos": [
                {"currency": "CNY", "total_balance": "12.50",
                 "granted_balance": "0.00", "topped_up_balance": "12.50"}]}))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_servers_params_and_embedded_templates_round_trip() {
    let hub = TestHub::start().await;
    let http = client();
    send(http.post(hub.url("/api/group/acme")).json(&json!({}))).await;

    // A public proxy whose key each group supplies as a header.
    let created = send(http.post(hub.url("/api/mcp/public/")).json(&json!({
        "id": "search",
        "type": "mcp_proxy_streamable",
        "name": "Search",
        "price": {"default_tools_call_price": 0.5},
        "proxy_config": {
            "url": "http://127.0.0.1:9/mcp",
            "headers": {"X-Static": "static-secret-value-0123456789"},
            "reusing": {"X-Api-Key": {"name": "X-Api-Key", "required": true, "type": "header"}},
        },
    })))
    .await;
    assert_eq!(created["type"], "mcp_proxy_streamable", "{created}");
    assert_eq!(created["status"], 1);
    assert_eq!(created["price"]["default_tools_call_price"], 0.5);
    assert_eq!(
        created["required_group_params"],
        json!(["header:X-Api-Key"])
    );
    assert_eq!(
        created["proxy_config"]["reusing"]["X-Api-Key"]["type"],
        "header"
    );
    assert_eq!(
        created["endpoints"]["streamable_http"],
        "/mcp/public/search"
    );
    let read = send(http.get(hub.url("/api/mcp/public/search"))).await;
    assert!(
        !read.to_string().contains("static-secret-value-0123456789"),
        "{read}"
    );
    // The seed's per-tool prices are stored as the server's tool_prices and read back.
    let priced = send(http.post(hub.url("/api/mcp/public/search")).json(
        &json!({"price": {"default_tools_call_price": 0.5, "tools_call_prices": {"q": 0.25}}}),
    ))
    .await;
    assert_eq!(priced["price"]["tools_call_prices"]["q"], 0.25, "{priced}");
    assert_eq!(priced["price"]["default_tools_call_price"], 0.5, "{priced}");
    assert_eq!(
        send(http.get(hub.url("/api/mcp/publics/"))).await["total"],
        1
    );
    let disabled = send(
        http.post(hub.url("/api/mcp/public/search"))
            .json(&json!({"status": 2})),
    )
    .await;
    assert_eq!(disabled["status"], 2);
    assert_eq!(
        send(http.get(hub.url("/api/mcp/publics/?status=1"))).await["total"],
        0
    );
    send(
        http.post(hub.url("/api/mcp/public/search/status"))
            .json(&json!({"status": 1})),
    )
    .await;
    assert_eq!(
        send(http.get(hub.url("/api/mcp/publics/all?status=1")))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The group's view: no endpoints until the group has set its key, which reads back masked.
    let view = send(http.get(hub.url("/api/group/acme/mcp/"))).await;
    assert_eq!(view["mcps"][0]["id"], "search", "{view}");
    assert_eq!(view["mcps"][0]["hosted"], true);
    assert!(view["mcps"][0].get("proxy_config").is_none(), "{view}");
    let detail = send(http.get(hub.url("/api/group/acme/mcp/search"))).await;
    assert_eq!(detail["endpoints"]["streamable_http"], "", "{detail}");
    assert_eq!(detail["reusing"]["X-Api-Key"]["required"], true);
    let (status, body) = call(
        http.get(hub.url("/api/mcp/public/search/group/acme/params"))
            .bearer_auth(ADMIN_KEY),
    )
    .await;
    refused(status, &body, 404);
    let saved = send(
        http.post(hub.url("/api/mcp/public/search/group/acme/params"))
            .json(&json!({"params": {"header:X-Api-Key": "group-secret-key-0123456789"}})),
    )
    .await;
    assert_eq!(
        (&saved["mcp_id"], &saved["group_id"]),
        (&json!("search"), &json!("acme"))
    );
    let detail = send(http.get(hub.url("/api/group/acme/mcp/search"))).await;
    assert_eq!(detail["endpoints"]["streamable_http"], "/mcp/public/search");
    assert!(
        !detail.to_string().contains("group-secret-key-0123456789"),
        "{detail}"
    );
    assert!(detail["params"]["header:X-Api-Key"].is_string(), "{detail}");

    // A group's own server is found under its group only.
    send(http.post(hub.url("/api/mcp/group/acme")).json(&json!({
        "id": "acme-tools",
        "type": "mcp_proxy_sse",
        "proxy_config": {"url": "http://127.0.0.1:9/sse"},
    })))
    .await;
    let listed = send(http.get(hub.url("/api/mcp/group/acme"))).await;
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["mcps"][0]["group_id"], "acme");
    let (status, body) = call(
        http.get(hub.url("/api/mcp/group/other/acme-tools"))
            .bearer_auth(ADMIN_KEY),
    )
    .await;
    refused(status, &body, 404);
    assert_eq!(
        send(http.get(hub.url("/api/mcp/group/all")))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        send(http.get(hub.url("/api/mcp/publics/"))).await["total"],
        1
    );
    send(http.delete(hub.url("/api/mcp/group/acme/acme-tools"))).await;
    assert_eq!(
        send(http.get(hub.url("/api/mcp/group/acme"))).await["total"],
        0
    );

    // Embedded templates: enabled with their init config; a group's parameter is refused there.
    let embeds = send(http.get(hub.url("/api/embedmcp/"))).await;
    let time = embeds
        .as_array()
        .unwrap()
        .iter()
        .find(|embed| embed["id"] == "time")
        .unwrap()
        .clone();
    assert_eq!(time["enabled"], false, "{time}");
    assert_eq!(
        time["config_templates"]["local_timezone"]["set_by"],
        "group"
    );
    let (status, body) = call(
        http.post(hub.url("/api/embedmcp/"))
            .bearer_auth(ADMIN_KEY)
            .json(&json!({"id": "time", "enabled": true,
                          "init_config": {"local_timezone": "UTC"}})),
    )
    .await;
    refused(status, &body, 400);
    send(
        http.post(hub.url("/api/embedmcp/"))
            .json(&json!({"id": "time", "enabled": true})),
    )
    .await;
    let embeds = send(http.get(hub.url("/api/embedmcp/"))).await;
    let time = embeds
        .as_array()
        .unwrap()
        .iter()
        .find(|embed| embed["id"] == "time")
        .unwrap();
    assert_eq!(time["enabled"], true, "{time}");
    let server = send(http.get(hub.url("/api/mcp/public/time"))).await;
    assert_eq!(server["type"], "mcp_embed");
    // An embedded server lists its tools for the group.
    let detail = send(http.get(hub.url("/api/group/acme/mcp/time"))).await;
    assert!(
        detail["tools"]
            .as_array()
            .is_some_and(|tools| !tools.is_empty()),
        "{detail}"
    );
    send(
        http.post(hub.url("/api/embedmcp/"))
            .json(&json!({"id": "time", "enabled": false})),
    )
    .await;
    assert_eq!(
        send(http.get(hub.url("/api/mcp/public/time"))).await["status"],
        2
    );
    send(http.delete(hub.url("/api/mcp/public/search"))).await;
    let (status, body) = call(
        http.get(hub.url("/api/mcp/public/search"))
            .bearer_auth(ADMIN_KEY),
    )
    .await;
    refused(status, &body, 404);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboards_rates_balances_and_previews_round_trip() {
    let upstream = MockOpenAi::start().await;
    let hub = TestHub::start().await;
    let http = client();
    send(http.post(hub.url("/api/group/acme")).json(&json!({}))).await;

    // No traffic yet: empty series and rankings, named groups at zero.
    assert_eq!(
        send(http.get(hub.url("/api/dashboardv2/"))).await,
        json!([])
    );
    let v3 = send(http.get(hub.url("/api/dashboardv3/acme"))).await;
    assert_eq!(v3["time_series"], json!([]), "{v3}");
    let ranking = send(http.get(hub.url("/api/groups/ranking?type=model"))).await;
    assert_eq!(
        (&ranking["total"], &ranking["type"]),
        (&json!(0), &json!("model"))
    );
    let rates = send(http.get(hub.url("/api/monitor/group_summary_metrics?groups=acme"))).await;
    assert_eq!(rates["groups"]["acme"]["rpm"], 0, "{rates}");

    // One relayed request shows in the series, the ranking and the current rates.
    send(http.post(hub.url("/api/channel/")).json(&json!({
        "type": 1, "name": "up", "key": "sk-up", "base_url": upstream.base_url(),
        "models": ["gpt-4o"],
    })))
    .await;
    let token = send(
        http.post(hub.url("/api/token/acme"))
            .json(&json!({"name": "dash"})),
    )
    .await;
    let answer = http
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(format!("sk-{}", token["key"].as_str().unwrap()))
        .json(&json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let mut series = json!([]);
    for _ in 0..100 {
        series = send(http.get(hub.url("/api/dashboardv2/acme?timespan=minute"))).await;
        if series.as_array().is_some_and(|buckets| !buckets.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let point = &series[0]["summary"][0];
    assert_eq!(point["model"], "gpt-4o", "{series}");
    assert_eq!(point["request_count"], 1, "{series}");
    assert!(point["total_tokens"].as_i64().unwrap() > 0, "{series}");
    let v3 = send(http.get(hub.url("/api/dashboardv3/acme?timespan=minute"))).await;
    assert_eq!(v3["models"], json!(["gpt-4o"]), "{v3}");
    assert_eq!(v3["token_names"], json!(["dash"]), "{v3}");
    assert_eq!(v3["rpm"], 1, "{v3}");
    let ranking = send(http.get(hub.url("/api/groups/ranking?order=request_count_desc"))).await;
    assert_eq!(ranking["items"][0]["group_id"], "acme", "{ranking}");
    assert_eq!(ranking["items"][0]["rank"], 1);
    let tokens = send(http.get(hub.url("/api/monitor/group_token_metrics/acme"))).await;
    assert_eq!(tokens["tokens"]["dash"]["rpm"], 1, "{tokens}");
    let batch = send(
        http.post(hub.url("/api/monitor/batch_group_token_metrics"))
            .json(&json!({"items": [{"group": "acme", "token_name": "dash"},
                                    {"group": "acme", "token_name": "none"}]})),
    )
    .await;
    assert_eq!(batch["items"][0]["rpm"], 1, "{batch}");
    assert_eq!(batch["items"][1]["rpm"], 0, "{batch}");

    // Balances read from a DeepSeek-shaped upstream; a type without a balance API is refused.
    let account = deepseek_account().await;
    let channel = send(http.post(hub.url("/api/channel/")).json(&json!({
        "type": "deepseek", "name": "ds", "key": "sk-ds", "base_url": account,
        "models": ["deepseek-chat"],
    })))
    .await;
    let id = channel[0]["id"].as_i64().unwrap();
    let balance = send(http.get(hub.url(&format!("/api/channel/{id}/update_balance")))).await;
    assert_eq!(balance, json!(12.5));
    assert_eq!(
        send(http.get(hub.url(&format!("/api/channel/{id}")))).await["balance"],
        12.5
    );
    let all = send(http.get(hub.url("/api/channels/update_balance"))).await;
    assert_eq!(
        all["updated"].as_i64().unwrap() + all["failed"].as_i64().unwrap(),
        2,
        "{all}"
    );

    // An unsaved channel is tested against the mock without being stored.
    let hits = upstream.hits();
    let result = send(
        http.post(hub.url("/api/channel/test-preview"))
            .json(&json!({
                "type": 1, "key": "sk-preview", "base_url": upstream.base_url(), "model": "gpt-4o",
            })),
    )
    .await;
    assert_eq!(result["success"], true, "{result}");
    assert_eq!(result["model"], "gpt-4o");
    assert_eq!(upstream.hits(), hits + 1);
    let (status, body) = call(
        http.post(hub.url("/api/channel/test-preview"))
            .bearer_auth(ADMIN_KEY)
            .json(&json!({"type": 1, "key": "sk-preview", "base_url": upstream.base_url()})),
    )
    .await;
    refused(status, &body, 400);
    assert_eq!(send(http.get(hub.url("/api/channels/"))).await["total"], 2);
    hub.stop().await.unwrap();
}
