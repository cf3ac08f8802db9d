//! The seed's catalogue and metrics routes: built-in models by type, per-type defaults, bulk model configs, consumption errors, per-model rates, peaks.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builtin_models_and_defaults_are_listed_by_type_number() {
    let hub = TestHub::start().await;
    let http = reqwest::Client::new();

    // The catalogue by the seed's type numbers: Anthropic's models under 14, OpenAI's under 1.
    let by_type = send(http.get(hub.url("/api/models/builtin/channel"))).await;
    let anthropic = by_type["14"].as_array().unwrap();
    assert!(!anthropic.is_empty(), "{by_type}");
    assert!(
        anthropic
            .iter()
            .all(|config| config["model"].as_str().unwrap().starts_with("claude")),
        "{anthropic:?}"
    );
    assert!(by_type["1"].as_array().unwrap().len() > 5, "{by_type}");
    let every: usize = by_type
        .as_object()
        .unwrap()
        .values()
        .map(|configs| configs.as_array().unwrap().len())
        .sum();
    let builtin = send(http.get(hub.url("/api/models/builtin"))).await;
    assert_eq!(every, builtin.as_array().unwrap().len());
    // One type, by number or by our name; a type with no entries has none; an unknown one is
    // refused.
    let one = send(http.get(hub.url("/api/models/builtin/channel/14"))).await;
    assert_eq!(&one, &by_type["14"]);
    let named = send(http.get(hub.url("/api/models/builtin/channel/anthropic"))).await;
    assert_eq!(named, one);
    assert_eq!(
        send(http.get(hub.url("/api/models/builtin/channel/53"))).await,
        json!([])
    );
    let (status, body) = call(http.get(hub.url("/api/models/builtin/channel/nope"))).await;
    assert_eq!((status, &body["success"]), (400, &json!(false)), "{body}");

    // Defaults: empty until the options are set, then keyed by type number.
    assert_eq!(
        send(http.get(hub.url("/api/models/default"))).await,
        json!({"models": {}, "mapping": {}})
    );
    send(http.post(hub.url("/api/option/batch")).json(&json!({
        "DefaultChannelModels": {"openai": ["gpt-4o", "gpt-4o-mini"]},
        "DefaultChannelModelMapping": {"openai": {"gpt-4": "gpt-4o"}},
    })))
    .await;
    assert_eq!(
        send(http.get(hub.url("/api/models/default"))).await,
        json!({
            "models": {"1": ["gpt-4o", "gpt-4o-mini"]},
            "mapping": {"1": {"gpt-4": "gpt-4o"}},
        })
    );
    assert_eq!(
        send(http.get(hub.url("/api/models/default/1"))).await,
        json!({"models": ["gpt-4o", "gpt-4o-mini"], "mapping": {"gpt-4": "gpt-4o"}})
    );
    assert_eq!(
        send(http.get(hub.url("/api/models/default/14"))).await,
        json!({"models": [], "mapping": {}})
    );

    // Charges are written with their logs: there are never consumption errors to list.
    assert_eq!(
        send(http.get(hub.url("/api/logs/consume_error?group=acme&p=2"))).await,
        json!({"logs": [], "total": 0})
    );
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_groups_models_have_live_rates_and_dashboard_peaks() {
    let upstream = MockOpenAi::start().await;
    let hub = TestHub::start().await;
    let http = reqwest::Client::new();
    send(http.post(hub.url("/api/channel/")).json(&json!({
        "type": 1, "name": "up", "key": "sk-up", "base_url": upstream.base_url(),
        "models": ["gpt-4o", "gpt-4o-mini"],
    })))
    .await;
    for model in ["gpt-4o", "gpt-4o-mini"] {
        send(
            http.post(hub.url(&format!("/api/model_config/{model}")))
                .json(&json!({"owner": "openai", "type": 1})),
        )
        .await;
    }
    let mut keys = Vec::new();
    for name in ["web", "bot"] {
        let token = send(
            http.post(hub.url("/api/token/acme?auto_create_group=true"))
                .json(&json!({"name": name})),
        )
        .await;
        keys.push(format!("sk-{}", token["key"].as_str().unwrap()));
    }
    // web: gpt-4o twice and gpt-4o-mini once; bot: gpt-4o once.
    for (key, model) in [
        (&keys[0], "gpt-4o"),
        (&keys[0], "gpt-4o"),
        (&keys[0], "gpt-4o-mini"),
        (&keys[1], "gpt-4o"),
    ] {
        let answer = http
            .post(hub.url("/v1/chat/completions"))
            .bearer_auth(key)
            .json(&json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }

    // Rates count a request as it finishes, which may be just after its answer arrived.
    let mut models = json!({});
    for _ in 0..100 {
        models = send(http.get(hub.url("/api/monitor/group_model_metrics/acme"))).await;
        if models["models"]["gpt-4o"]["rpm"] == 3 && models["models"]["gpt-4o-mini"]["rpm"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(models["models"]["gpt-4o"]["rpm"], 3, "{models}");
    assert_eq!(models["models"]["gpt-4o-mini"]["rpm"], 1, "{models}");
    assert!(
        models["models"]["gpt-4o"]["tpm"].as_i64().unwrap() > 0,
        "{models}"
    );
    let pairs = send(http.get(hub.url("/api/monitor/group_tokenname_model_metrics/acme"))).await;
    let pairs: Vec<(String, String, i64)> = pairs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            assert_eq!(item["group"], "acme", "{item}");
            (
                item["token_name"].as_str().unwrap().to_owned(),
                item["model"].as_str().unwrap().to_owned(),
                item["rpm"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("bot".to_owned(), "gpt-4o".to_owned(), 1),
            ("web".to_owned(), "gpt-4o".to_owned(), 2),
            ("web".to_owned(), "gpt-4o-mini".to_owned(), 1),
        ]
    );
    // Another group's tokens are not this group's.
    assert_eq!(
        send(http.get(hub.url("/api/monitor/group_model_metrics/other"))).await,
        json!({"models": {}})
    );

    // Dashboard peaks: a minute bucket's busiest minute is itself; an hour's is its busiest
    // minute (the requests may straddle a minute boundary, so compare with the minute series).
    let mut minutes = json!([]);
    for _ in 0..100 {
        minutes = send(http.get(hub.url("/api/dashboardv2/acme?timespan=minute"))).await;
        let counted: i64 = minutes
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|bucket| bucket["summary"].as_array().unwrap().clone())
            .map(|summary| summary["request_count"].as_i64().unwrap())
            .sum();
        if counted == 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut busiest: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for bucket in minutes.as_array().unwrap() {
        for summary in bucket["summary"].as_array().unwrap() {
            assert_eq!(summary["max_rpm"], summary["request_count"], "{summary}");
            assert_eq!(summary["max_tpm"], summary["total_tokens"], "{summary}");
            let peak = busiest
                .entry(summary["model"].as_str().unwrap().to_owned())
                .or_default();
            peak.0 = peak.0.max(summary["request_count"].as_i64().unwrap());
            peak.1 = peak.1.max(summary["total_tokens"].as_i64().unwrap());
        }
    }
    assert_eq!(busiest.len(), 2, "{minutes}");
    let v3 = send(http.get(hub.url("/api/dashboardv3/acme?timespan=day"))).await;
    for bucket in v3["time_series"].as_array().unwrap() {
        for summary in bucket["summary"].as_array().unwrap() {
            let model = summary["model"].as_str().unwrap();
            let (rpm, tpm) = busiest[model];
            // One day bucket holds every request of this test (unless midnight passed).
            if summary["request_count"] == json!(if model == "gpt-4o" { 3 } else { 1 }) {
                assert_eq!(summary["max_rpm"], rpm, "{summary}");
                assert_eq!(summary["max_tpm"], tpm, "{summary}");
            }
        }
    }
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_model_configs_are_saved_at_once() {
    let hub = TestHub::start().await;
    let http = reqwest::Client::new();
    let (status, body) = call(http.post(hub.url("/api/model_configs/")).json(&json!([
        {"model": "bulk-a", "owner": "openai", "type": 1, "rpm": 5},
        {"model": "bulk-b", "owner": "openai", "type": 1},
    ])))
    .await;
    assert_eq!((status, &body["success"]), (200, &json!(true)), "{body}");
    assert_eq!(
        send(http.get(hub.url("/api/model_config/bulk-a"))).await["rpm"],
        5
    );
    // An existing config keeps the fields an entry leaves out.
    send(http.post(hub.url("/api/model_configs")).json(&json!([
        {"model": "bulk-a", "tpm": 900},
    ])))
    .await;
    let a = send(http.get(hub.url("/api/model_config/bulk-a"))).await;
    assert_eq!((&a["rpm"], &a["tpm"]), (&json!(5), &json!(900)), "{a}");
    // A nameless entry refuses the whole request before anything is written.
    let (status, body) = call(http.post(hub.url("/api/model_configs/")).json(&json!([
        {"model": "bulk-c", "owner": "openai", "type": 1},
        {"model": ""},
    ])))
    .await;
    assert_eq!((status, &body["success"]), (400, &json!(false)), "{body}");
    let (status, _) = call(http.get(hub.url("/api/model_config/bulk-c"))).await;
    assert_eq!(status, 404);
    hub.stop().await.unwrap();
}
