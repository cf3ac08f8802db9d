//! Price rules through the running server, checked to the nano-unit on the log rows: token
//! prices, long-context and service tiers (the request's and the one the upstream answered
//! with), reasoning tokens at their own price, a per-request price replacing the token prices,
//! and the charge detail each row keeps; tier validation errors from the control plane.
//!
//! The mock upstream speaks OpenAI's chat wire format; the usage it reports is what the
//! request's first message asks for (a JSON object), so each case states its own usage.

use axum::Json;
use axum::Router;
use axum::routing::post;
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::model_service_client::ModelServiceClient;
use serde_json::{Value, json};

use crate::support;
use support::TestHub;

const TOKEN: &str = "sk-price-tiers-0001";

/// An OpenAI chat upstream whose usage is the first message's content parsed as
/// `{"in": .., "cached": .., "out": .., "reasoning": .., "answer_tier": ..}`; it answers with
/// `answer_tier` as its `service_tier`, else with the request's.
async fn start_upstream() -> String {
    async fn chat(Json(request): Json<Value>) -> axum::response::Response {
        use axum::response::IntoResponse;
        let answer = answer(&request);
        if request["stream"].as_bool() != Some(true) {
            return Json(answer).into_response();
        }
        // OpenAI's stream: every chunk names the service tier, the last one carries the usage.
        let chunk = json!({
            "id": "chatcmpl-tiers", "object": "chat.completion.chunk", "created": 1,
            "model": answer["model"], "service_tier": answer["service_tier"],
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]
        });
        let usage_chunk = json!({
            "id": "chatcmpl-tiers", "object": "chat.completion.chunk", "created": 1,
            "model": answer["model"], "service_tier": answer["service_tier"],
            "choices": [], "usage": answer["usage"]
        });
        let body = format!("data: {chunk}\n\ndata: {usage_chunk}\n\ndata: [DONE]\n\n");
        ([("content-type", "text/event-stream")], body).into_response()
    }
    fn answer(request: &Value) -> Value {
        let content = request["messages"][0]["content"].as_str().unwrap_or("{}");
        let spec: Value = serde_json::from_str(content).unwrap_or_default();
        let number = |name: &str| spec[name].as_u64().unwrap_or(0);
        let (input, output) = (number("in"), number("out"));
        let tier = spec
            .get("answer_tier")
            .or_else(|| request.get("service_tier"))
            .cloned()
            .unwrap_or(Value::Null);
        json!({
            "id": "chatcmpl-tiers", "object": "chat.completion", "created": 1,
            "model": request["model"], "service_tier": tier,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "ok"}}],
            "usage": {
                "prompt_tokens": input, "completion_tokens": output,
                "total_tokens": input + output,
                "prompt_tokens_details": {"cached_tokens": number("cached")},
                "completion_tokens_details": {"reasoning_tokens": number("reasoning")}
            }
        })
    }
    let app = Router::new().route("/v1/chat/completions", post(chat));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/v1")
}

async fn hub_on(base_url: &str) -> TestHub {
    TestHub::start_with_config(&format!(
        r#"
groups: [{{id: acme, balance: "100"}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - {{name: up, type: openai, base_url: "{base_url}", key: sk-up, models: [tiered, per-call]}}
models:
  - model: tiered
    price:
      input_price: "2"
      cached_input_price: "0.5"
      output_price: "8"
      reasoning_output_price: "12"
      tiers:
        - {{above_input_tokens: 1000, input_price: "4", cached_input_price: "1", output_price: "16"}}
        - {{service_tier: flex, input_price: "1", output_price: "4"}}
        - {{service_tier: priority, input_price: "3.5", output_price: "14"}}
        - {{service_tier: priority, above_input_tokens: 1000, input_price: "7", output_price: "28"}}
  - model: per-call
    price: {{per_request_price: "0.01", input_price: "2", output_price: "8"}}
"#
    ))
    .await
}

struct Case {
    name: &'static str,
    stream: bool,
    model: &'static str,
    usage: Value,
    service_tier: Option<&'static str>,
    cost: &'static str,
    tier: &'static str,
    detail: Value,
}

fn line(units: u64, price: &str, amount: &str) -> Value {
    json!({"units": units, "price": price, "amount": amount})
}

fn cases() -> Vec<Case> {
    vec![
        // 100 * 2 + 50 * 8 per million.
        Case {
            stream: false,
            name: "base",
            model: "tiered",
            usage: json!({"in": 100, "out": 50}),
            service_tier: None,
            cost: "0.0006",
            tier: "",
            detail: json!({"input_tokens": line(100, "2", "0.0002"),
                           "output_tokens": line(50, "8", "0.0004"), "unit": 1_000_000}),
        },
        // Above 1000 input tokens: 1500 * 4 + 500 cached * 1 + 100 * 16.
        Case {
            stream: false,
            name: "long-context",
            model: "tiered",
            usage: json!({"in": 2000, "cached": 500, "out": 100}),
            service_tier: None,
            cost: "0.0081",
            tier: "input>1000",
            detail: json!({"input_tokens": line(1500, "4", "0.006"),
                           "cached_input_tokens": line(500, "1", "0.0005"),
                           "output_tokens": line(100, "16", "0.0016"), "unit": 1_000_000}),
        },
        // The request's tier: 100 * 1 + 50 * 4.
        Case {
            stream: false,
            name: "flex",
            model: "tiered",
            usage: json!({"in": 100, "out": 50}),
            service_tier: Some("flex"),
            cost: "0.0003",
            tier: "flex",
            detail: json!({"input_tokens": line(100, "1", "0.0001"),
                           "output_tokens": line(50, "4", "0.0002"), "unit": 1_000_000}),
        },
        // `auto` asked, `priority` answered: the upstream's word. 100 * 3.5 + 50 * 14.
        Case {
            stream: false,
            name: "answered-priority",
            model: "tiered",
            usage: json!({"in": 100, "out": 50, "answer_tier": "priority"}),
            service_tier: Some("auto"),
            cost: "0.00105",
            tier: "priority",
            detail: json!({"input_tokens": line(100, "3.5", "0.00035"),
                           "output_tokens": line(50, "14", "0.0007"), "unit": 1_000_000}),
        },
        // Both conditions: the most specific tier. 2000 * 7 + 100 * 28.
        Case {
            stream: false,
            name: "priority-long",
            model: "tiered",
            usage: json!({"in": 2000, "out": 100}),
            service_tier: Some("priority"),
            cost: "0.0168",
            tier: "priority,input>1000",
            detail: json!({"input_tokens": line(2000, "7", "0.014"),
                           "output_tokens": line(100, "28", "0.0028"), "unit": 1_000_000}),
        },
        // Reasoning tokens are output tokens at the reasoning price instead of the output
        // price: 100 * 2 + 400 * 8 + 600 * 12.
        Case {
            stream: false,
            name: "reasoning",
            model: "tiered",
            usage: json!({"in": 100, "out": 1000, "reasoning": 600}),
            service_tier: None,
            cost: "0.0106",
            tier: "",
            detail: json!({"input_tokens": line(100, "2", "0.0002"),
                           "reasoning_tokens": line(600, "12", "0.0072"),
                           "output_tokens": line(400, "8", "0.0032"), "unit": 1_000_000}),
        },
        // Streamed: the chunks' service tier (flex, though the request asked for auto).
        Case {
            stream: true,
            name: "streamed-flex",
            model: "tiered",
            usage: json!({"in": 100, "out": 50, "answer_tier": "flex"}),
            service_tier: Some("auto"),
            cost: "0.0003",
            tier: "flex",
            detail: json!({"input_tokens": line(100, "1", "0.0001"),
                           "output_tokens": line(50, "4", "0.0002"), "unit": 1_000_000}),
        },
        // The per-request price is the whole token price.
        Case {
            stream: false,
            name: "per-request",
            model: "per-call",
            usage: json!({"in": 100000, "out": 50000}),
            service_tier: None,
            cost: "0.01",
            tier: "",
            detail: json!({"per_request": line(1, "0.01", "0.01")}),
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_price_rule_is_charged_to_the_nano_unit_with_its_lines() {
    let upstream = start_upstream().await;
    let hub = hub_on(&upstream).await;
    let cases = cases();
    for case in &cases {
        let mut body = json!({
            "model": case.model,
            "user": case.name,
            "messages": [{"role": "user", "content": case.usage.to_string()}],
        });
        if let Some(tier) = case.service_tier {
            body["service_tier"] = json!(tier);
        }
        if case.stream {
            body["stream"] = json!(true);
            body["stream_options"] = json!({"include_usage": true});
        }
        let response = hub.post_json(TOKEN, "/v1/chat/completions", body).await;
        assert_eq!(response.status(), 200, "{}", case.name);
        // Read to the end: a streamed request is logged when its stream ends.
        response.bytes().await.unwrap();
    }
    let rows = support::group_logs(&hub, "acme", cases.len()).await;
    assert_eq!(rows.len(), cases.len());
    for case in &cases {
        let row = rows
            .iter()
            .find(|row| row.user == case.name)
            .unwrap_or_else(|| panic!("no row for {}", case.name));
        assert_eq!(row.cost, case.cost, "{}: cost", case.name);
        assert_eq!(row.price_tier, case.tier, "{}: tier", case.name);
        let detail: Value = serde_json::from_str(&row.charge_detail).unwrap();
        assert_eq!(detail, case.detail, "{}: detail", case.name);
    }
    // The same rows through GetLog.
    let mut logs =
        pb::log_service_client::LogServiceClient::new(support::control_channel(&hub).await);
    let flex = rows.iter().find(|row| row.user == "flex").unwrap();
    let one = logs
        .get_log(support::admin(pb::GetLogRequest {
            request_id: flex.request_id.clone(),
        }))
        .await
        .unwrap()
        .into_inner();
    let log = one.log.unwrap();
    assert_eq!(
        (log.price_tier.as_str(), log.cost.as_str()),
        ("flex", "0.0003")
    );
    assert_eq!(log.charge_detail, flex.charge_detail);
    hub.stop().await.unwrap();
}

fn tier(service_tier: Option<&str>, above: Option<i64>) -> pb::PriceTier {
    pb::PriceTier {
        service_tier: service_tier.map(str::to_owned),
        above_input_tokens: above,
        input: Some("1".into()),
        ..pb::PriceTier::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_tiers_are_refused_with_the_field_named() {
    let upstream = start_upstream().await;
    let hub = hub_on(&upstream).await;
    let mut models = ModelServiceClient::new(support::control_channel(&hub).await);
    let too_many = (0..17).map(|n| tier(None, Some(n * 10))).collect();
    let cases: Vec<(&str, Vec<pb::PriceTier>, &str)> = vec![
        (
            "unsorted",
            vec![tier(Some("priority"), None), tier(Some("flex"), None)],
            "price.tiers[1]: tiers must be sorted",
        ),
        (
            "duplicate",
            vec![tier(None, Some(1000)), tier(None, Some(1000))],
            "price.tiers[1]: duplicates the tier \"input>1000\"",
        ),
        (
            "no condition",
            vec![tier(None, None)],
            "price.tiers[0]: needs a condition",
        ),
        ("too many", too_many, "has 17 tiers, at most 16"),
        (
            "negative threshold",
            vec![tier(None, Some(-1))],
            "price.tiers[0].above_input_tokens",
        ),
        (
            "bad service tier",
            vec![tier(Some("Priority Tier"), None)],
            "price.tiers[0].service_tier",
        ),
        (
            "negative price",
            vec![pb::PriceTier {
                output: Some("-1".into()),
                ..tier(Some("flex"), None)
            }],
            "price.tiers[0].output",
        ),
    ];
    for (name, tiers, expected) in cases {
        let status = models
            .create_model_config(support::admin(pb::CreateModelConfigRequest {
                model_config: Some(pb::ModelConfig {
                    model: format!("bad-{}", name.replace(' ', "-")),
                    price: Some(pb::Price {
                        tiers,
                        ..pb::Price::default()
                    }),
                    ..pb::ModelConfig::default()
                }),
            }))
            .await
            .unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument, "{name}");
        assert!(
            status.message().contains(expected),
            "{name}: {}",
            status.message()
        );
    }
    // A valid list is stored and read back as written.
    let tiers = vec![tier(None, Some(200_000)), tier(Some("flex"), None)];
    let created = models
        .create_model_config(support::admin(pb::CreateModelConfigRequest {
            model_config: Some(pb::ModelConfig {
                model: "good".into(),
                price: Some(pb::Price {
                    input: Some("2".into()),
                    tiers: tiers.clone(),
                    ..pb::Price::default()
                }),
                ..pb::ModelConfig::default()
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.price.unwrap().tiers, tiers);
    let read = models
        .get_model_config(support::admin(pb::GetModelConfigRequest {
            model: "good".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.price.unwrap().tiers, tiers);
    hub.stop().await.unwrap();
}

#[test]
fn tiers_survive_the_config_file_and_its_export() {
    let document = hub::edges::declarative::parse(
        r#"
models:
  - model: gemini-2.5-pro
    price:
      input_price: "1.25"
      tiers:
        - {above_input_tokens: 200000, input_price: "2.5", output_price: "15"}
        - {service_tier: flex, above_input_tokens: 200000, reasoning_output_price: "7"}
"#,
    )
    .unwrap();
    let spec = document.models[0].price.clone().unwrap();
    let price = spec.to_price();
    assert_eq!(price.tiers.len(), 2);
    assert_eq!(price.tiers[0].above_input_tokens, Some(200_000));
    assert_eq!(price.tiers[1].label(), "flex,input>200000");
    assert_eq!(price.tiers[1].reasoning_output, Some("7".parse().unwrap()));
    let exported = hub::edges::declarative::PriceSpec::from_price(&price);
    assert_eq!(exported.tiers, spec.tiers);
    assert_eq!(exported.to_price(), price);
}
