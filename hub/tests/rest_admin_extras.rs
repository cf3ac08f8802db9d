//! The seed's REST routes over many objects at once and renames: token names, model configs by name, channels' basic info, testing every channel.

use serde_json::{Value, json};

use crate::support::mock_openai::MockOpenAi;
use crate::support::{ADMIN_KEY, TestHub};

/// The status and the parsed answer.
async fn call(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.bearer_auth(ADMIN_KEY).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, body)
}

/// The envelope's `data` of a call that must succeed.
async fn send(request: reqwest::RequestBuilder) -> Value {
    let (status, body) = call(request).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true, "{body}");
    body["data"].clone()
}

/// A refusal in the envelope with `expected` status.
async fn refused(request: reqwest::RequestBuilder, expected: u16) -> String {
    let (status, body) = call(request).await;
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["success"], false, "{body}");
    body["message"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_renamed_by_id_and_within_their_group() {
    let hub = TestHub::start().await;
    let http = reqwest::Client::new();
    for group in ["acme", "other"] {
        send(
            http.post(hub.url(&format!("/api/group/{group}")))
                .json(&json!({})),
        )
        .await;
    }
    let token = send(
        http.post(hub.url("/api/token/acme"))
            .json(&json!({"name": "first"})),
    )
    .await;
    let id = token["id"].as_i64().unwrap();
    send(
        http.post(hub.url("/api/token/acme"))
            .json(&json!({"name": "taken"})),
    )
    .await;

    // By id: the seed answers without data; the name is read back.
    let (status, body) = call(
        http.post(hub.url(&format!("/api/tokens/{id}/name")))
            .json(&json!({"name": "renamed"})),
    )
    .await;
    assert_eq!((status, &body), (200, &json!({"success": true})));
    let read = send(http.get(hub.url(&format!("/api/tokens/{id}")))).await;
    assert_eq!(read["name"], "renamed", "{read}");
    assert_eq!(read["group"], "acme");

    // Within the group; another group does not find it, and nothing changes.
    send(
        http.post(hub.url(&format!("/api/token/acme/{id}/name")))
            .json(&json!({"name": "by-group"})),
    )
    .await;
    refused(
        http.post(hub.url(&format!("/api/token/other/{id}/name")))
            .json(&json!({"name": "stolen"})),
        404,
    )
    .await;
    let read = send(http.get(hub.url(&format!("/api/token/acme/{id}")))).await;
    assert_eq!(read["name"], "by-group", "{read}");

    // A name taken in the group, an empty name, a body without one, an unknown id.
    refused(
        http.post(hub.url(&format!("/api/tokens/{id}/name")))
            .json(&json!({"name": "taken"})),
        409,
    )
    .await;
    refused(
        http.post(hub.url(&format!("/api/tokens/{id}/name")))
            .json(&json!({"name": " "})),
        400,
    )
    .await;
    refused(
        http.post(hub.url(&format!("/api/tokens/{id}/name")))
            .json(&json!({})),
        400,
    )
    .await;
    refused(
        http.post(hub.url("/api/tokens/999999/name"))
            .json(&json!({"name": "ghost"})),
        404,
    )
    .await;
    let read = send(http.get(hub.url(&format!("/api/tokens/{id}")))).await;
    assert_eq!(read["name"], "by-group", "{read}");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_configs_and_channels_are_read_by_the_names_and_ids_given() {
    let hub = TestHub::start().await;
    let http = reqwest::Client::new();
    for (model, owner) in [("gpt-4o", "openai"), ("claude-x", "anthropic")] {
        send(
            http.post(hub.url(&format!("/api/model_config/{model}")))
                .json(&json!({"owner": owner, "type": 1})),
        )
        .await;
    }
    let configs = send(
        http.post(hub.url("/api/model_configs/contains"))
            .json(&json!({"models": ["claude-x", "missing", "gpt-4o", "claude-x"]})),
    )
    .await;
    let named: Vec<(&str, &str)> = configs
        .as_array()
        .unwrap()
        .iter()
        .map(|config| {
            (
                config["model"].as_str().unwrap(),
                config["owner"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(named, [("claude-x", "anthropic"), ("gpt-4o", "openai")]);
    assert_eq!(
        send(
            http.post(hub.url("/api/model_configs/contains"))
                .json(&json!({"models": []}))
        )
        .await,
        json!([])
    );
    let too_many: Vec<String> = (0..1001).map(|n| format!("m{n}")).collect();
    refused(
        http.post(hub.url("/api/model_configs/contains"))
            .json(&json!({ "models": too_many })),
        400,
    )
    .await;

    let mut ids = Vec::new();
    for (name, kind) in [("first", json!(1)), ("second", json!("anthropic"))] {
        let created = send(http.post(hub.url("/api/channel/")).json(&json!({
            "type": kind, "name": name, "key": "sk-secret-key-0123456789", "models": ["gpt-4o"],
        })))
        .await;
        ids.push(created[0]["id"].as_i64().unwrap());
    }
    let info = send(
        http.post(hub.url("/api/channels/batch_info"))
            .json(&json!([ids[1], 999_999, ids[0], ids[1]])),
    )
    .await;
    assert_eq!(
        info,
        json!([
            {"id": ids[1], "name": "second", "type": 14},
            {"id": ids[0], "name": "first", "type": 1},
        ])
    );
    refused(
        http.post(hub.url("/api/channels/batch_info"))
            .json(&json!({"ids": ids})),
        400,
    )
    .await;
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_enabled_channel_is_tested_and_failures_are_listed() {
    let upstream = MockOpenAi::start().await;
    let hub = TestHub::start().await;
    let http = reqwest::Client::new();
    let up = send(http.post(hub.url("/api/channel/")).json(&json!({
        "type": 1, "name": "up", "key": "sk-up", "base_url": upstream.base_url(),
        "models": ["gpt-4o"],
    })))
    .await[0]["id"]
        .as_i64()
        .unwrap();
    let down = send(http.post(hub.url("/api/channel/")).json(&json!({
        "type": 1, "name": "down", "key": "sk-down", "base_url": "http://127.0.0.1:9",
        "models": ["gpt-4o"],
    })))
    .await[0]["id"]
        .as_i64()
        .unwrap();
    let disabled = send(http.post(hub.url("/api/channel/")).json(&json!({
        "type": 1, "name": "off", "key": "sk-off", "base_url": upstream.base_url(),
        "models": ["gpt-4o"], "status": 2,
    })))
    .await[0]["id"]
        .as_i64()
        .unwrap();

    // By default only the failures: the closed port, not the mock nor the disabled channel.
    let hits = upstream.hits();
    let failures = send(http.get(hub.url("/api/channels/test"))).await;
    let failures = failures.as_array().unwrap();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0]["success"], true, "the test ran: {failures:?}");
    assert_eq!(failures[0]["data"]["channel_id"], down);
    assert_eq!(failures[0]["data"]["success"], false);
    assert!(
        !failures[0]["data"]["response"].as_str().unwrap().is_empty(),
        "{failures:?}"
    );
    assert_eq!(upstream.hits(), hits + 1);

    // Every result, and the tests recorded on their channels.
    let all = send(http.get(hub.url("/api/channels/test?return_success=true"))).await;
    let mut tested: Vec<(i64, bool)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            (
                result["data"]["channel_id"].as_i64().unwrap(),
                result["data"]["success"].as_bool().unwrap(),
            )
        })
        .collect();
    tested.sort();
    assert_eq!(tested, [(up, true), (down, false)]);
    let channel = send(http.get(hub.url(&format!("/api/channel/{up}")))).await;
    assert_eq!(channel["channel_tests"][0]["success"], true, "{channel}");
    let channel = send(http.get(hub.url(&format!("/api/channel/{disabled}")))).await;
    assert_eq!(channel["channel_tests"], json!([]), "{channel}");

    // As server-sent events, one per result.
    let response = http
        .get(hub.url("/api/channels/test?stream=true&return_success=true"))
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let text = response.text().await.unwrap();
    let events: Vec<Value> = text
        .split("\n\n")
        .filter(|event| !event.is_empty())
        .map(|event| serde_json::from_str(event.strip_prefix("data: ").unwrap()).unwrap())
        .collect();
    assert_eq!(events.len(), 2, "{text}");
    assert!(
        events.iter().all(|event| event["success"] == true),
        "{text}"
    );

    // `test_disabled`: the disabled channel too; it passes, is recorded, and stays disabled.
    let hits = upstream.hits();
    let all =
        send(http.get(hub.url("/api/channels/test?return_success=true&test_disabled=true"))).await;
    let mut tested: Vec<(i64, bool)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            (
                result["data"]["channel_id"].as_i64().unwrap(),
                result["data"]["success"].as_bool().unwrap(),
            )
        })
        .collect();
    tested.sort();
    assert_eq!(tested, [(up, true), (down, false), (disabled, true)]);
    assert_eq!(upstream.hits(), hits + 2);
    let channel = send(http.get(hub.url(&format!("/api/channel/{disabled}")))).await;
    assert_eq!(channel["channel_tests"][0]["success"], true, "{channel}");
    assert_eq!(channel["status"], 2, "{channel}");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addresses_shared_by_groups_come_from_the_request_logs() {
    let upstream = MockOpenAi::start().await;
    let hub = TestHub::start().await;
    let http = reqwest::Client::new();
    send(http.post(hub.url("/api/channel/")).json(&json!({
        "type": 1, "name": "up", "key": "sk-up", "base_url": upstream.base_url(),
        "models": ["gpt-4o"],
    })))
    .await;
    assert_eq!(
        send(http.get(hub.url("/api/groups/ip_groups"))).await,
        json!({})
    );
    // Two groups ask from this test's address (127.0.0.1).
    for group in ["acme", "other"] {
        let token = send(
            http.post(hub.url(&format!("/api/token/{group}?auto_create_group=true")))
                .json(&json!({"name": "t"})),
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
    }
    let mut shared = json!({});
    for _ in 0..100 {
        shared = send(http.get(hub.url("/api/groups/ip_groups?threshold=2"))).await;
        if shared != json!({}) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(shared, json!({"127.0.0.1": ["acme", "other"]}));
    assert_eq!(
        send(http.get(hub.url("/api/groups/ip_groups?threshold=3"))).await,
        json!({})
    );
    // A range that ended before the requests holds none of them.
    let an_hour_ago = hub::store::now_ms() / 1000 - 3600;
    assert_eq!(
        send(http.get(hub.url(&format!(
            "/api/groups/ip_groups?end_timestamp={an_hour_ago}"
        ))))
        .await,
        json!({})
    );

    // Day buckets start at the midnight of the zone asked for (UTC by default).
    let midnight = |zone: chrono_tz::Tz| {
        use chrono::TimeZone;
        let today = chrono::Utc::now().with_timezone(&zone).date_naive();
        zone.from_local_datetime(&today.and_hms_opt(0, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .timestamp()
    };
    for (query, zone) in [
        ("", chrono_tz::Tz::UTC),
        ("&timezone=Asia/Shanghai", chrono_tz::Tz::Asia__Shanghai),
        (
            "&timezone=America/New_York",
            chrono_tz::Tz::America__New_York,
        ),
    ] {
        let v1 = send(http.get(hub.url(&format!("/api/dashboard/?timespan=day{query}")))).await;
        let v2 =
            send(http.get(hub.url(&format!("/api/dashboardv2/acme?timespan=day{query}")))).await;
        // The requests were made just now: in today's bucket of the zone, unless the zone's
        // midnight passed between them and this read.
        let expected = midnight(zone);
        let last = |points: &Value| points.as_array().unwrap().last().unwrap()["timestamp"].clone();
        assert_eq!(last(&v1["chart_data"]), expected, "{query}: {v1}");
        assert_eq!(last(&v2), expected, "{query}: {v2}");
    }
    refused(
        http.get(hub.url("/api/dashboard/?timezone=Mars/Olympus")),
        400,
    )
    .await;
    let ranking = send(http.get(hub.url("/api/groups/ranking?timezone=Asia/Shanghai"))).await;
    assert_eq!(ranking["timezone"], "Asia/Shanghai", "{ranking}");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_groups_models_carry_its_overrides() {
    let hub = TestHub::start().await;
    let http = reqwest::Client::new();
    send(http.post(hub.url("/api/group/acme")).json(&json!({}))).await;
    send(http.post(hub.url("/api/channel/")).json(&json!({
        "type": 1, "name": "main", "key": "sk-main-0123456789",
        "models": ["gpt-4o", "gpt-4o-mini", "unconfigured"],
    })))
    .await;
    for (model, rpm) in [("gpt-4o", 10), ("gpt-4o-mini", 20), ("not-served", 30)] {
        send(
            http.post(hub.url(&format!("/api/model_config/{model}")))
                .json(&json!({"owner": "openai", "type": 1, "rpm": rpm,
                              "price": {"input_price": 1.0, "output_price": 2.0}})),
        )
        .await;
    }
    send(
        http.post(hub.url("/api/group/acme/model_config/gpt-4o"))
            .json(&json!({"override_limit": true, "rpm": 99, "tpm": 1000,
                          "override_price": true, "price": {"input_price": 0.5, "output_price": 0.75}})),
    )
    .await;

    let models = send(http.get(hub.url("/api/dashboard/acme/models"))).await;
    let models = models.as_array().unwrap();
    let names: Vec<&str> = models
        .iter()
        .map(|model| model["model"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["gpt-4o", "gpt-4o-mini"], "{models:?}");
    assert_eq!(models[0]["rpm"], 99);
    assert_eq!(models[0]["tpm"], 1000);
    assert_eq!(models[0]["price"]["input_price"], 0.5, "{models:?}");
    assert_eq!(models[0]["owner"], "openai");
    assert_eq!(models[1]["rpm"], 20);
    assert_eq!(models[1]["price"]["input_price"], 1.0, "{models:?}");
    refused(http.get(hub.url("/api/dashboard/nobody/models")), 404).await;
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_api_postgres_databases_channels_are_imported() {
    use sqlx::Connection;
    let database = crate::support::TestDatabase::create().await;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&database.url()).await.unwrap();
    // OneAPI's tables as its GORM models create them (models comma-separated).
    for statement in [
        "CREATE TABLE channels (id bigint PRIMARY KEY, type bigint DEFAULT 0, key text, open_ai_organization text, \
         test_model text, status bigint DEFAULT 1, name text, weight bigint, created_time bigint, \
         test_time bigint, response_time bigint, base_url text DEFAULT '', other text, balance decimal, \
         balance_updated_time bigint, models text, \"group\" varchar(64) DEFAULT 'default', used_quota bigint, \
         model_mapping varchar(1024), priority bigint DEFAULT 0, config text, system_prompt text)",
        "CREATE TABLE tokens (id bigint PRIMARY KEY, user_id bigint, key char(48), status bigint DEFAULT 1, \
         name text, created_time bigint, accessed_time bigint, expired_time bigint DEFAULT -1, \
         remain_quota bigint DEFAULT 0, unlimited_quota boolean DEFAULT false, used_quota bigint DEFAULT 0, \
         models text, subnet text DEFAULT '')",
        "INSERT INTO channels (id, type, key, status, name, base_url, models, model_mapping, priority) \
         VALUES (1, 14, 'sk-ant-upstream-0123456789', 1, 'claude', 'https://api.anthropic.com', \
         'claude-3-5-haiku,claude-3-opus', '{\"haiku\":\"claude-3-5-haiku\"}', 5)",
        "INSERT INTO channels (id, type, key, status, name, base_url, models) VALUES \
         (2, 50, 'sk-compatible-0123456789', 2, 'compatible', 'https://llm.example.com/v1', 'm1')",
    ] {
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let hub = TestHub::start().await;
    let http = reqwest::Client::new();
    let failures = send(
        http.post(hub.url("/api/channels/import/oneapi"))
            .json(&json!({"dsn": database.url()})),
    )
    .await;
    assert_eq!(failures, json!([]));
    let channels = send(http.get(hub.url("/api/channels/all"))).await;
    let channels = channels.as_array().unwrap();
    assert_eq!(channels.len(), 2, "{channels:?}");
    let claude = channels.iter().find(|c| c["name"] == "claude").unwrap();
    assert_eq!(claude["type"], 14);
    assert_eq!(
        claude["models"],
        json!(["claude-3-5-haiku", "claude-3-opus"])
    );
    assert_eq!(claude["model_mapping"]["haiku"], "claude-3-5-haiku");
    assert_eq!(claude["priority"], 5);
    assert_ne!(
        claude["key"], "sk-ant-upstream-0123456789",
        "answers mask keys"
    );
    let compatible = channels.iter().find(|c| c["name"] == "compatible").unwrap();
    assert_eq!(compatible["status"], 2, "{compatible}");

    // Refused: no DSN, a file of the server's machine, a database that does not answer (whose
    // password the message does not repeat).
    refused(
        http.post(hub.url("/api/channels/import/oneapi"))
            .json(&json!({})),
        400,
    )
    .await;
    refused(
        http.post(hub.url("/api/channels/import/oneapi"))
            .json(&json!({"dsn": "sqlite:///etc/passwd"})),
        400,
    )
    .await;
    let message = refused(
        http.post(hub.url("/api/channels/import/oneapi"))
            .json(&json!({"dsn": "postgres://someone:pw-do-not-show@127.0.0.1:9/none"})),
        400,
    )
    .await;
    assert!(!message.contains("pw-do-not-show"), "{message}");
    assert_eq!(
        send(http.get(hub.url("/api/channels/all")))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    hub.stop().await.unwrap();
}
