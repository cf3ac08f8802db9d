//! The built-in price catalogue through the real server: listing it filtered and paged (gRPC and
//! `/api/models/builtin`), importing it as model configs whose prices then bill relayed
//! requests, overwrite semantics, group overrides winning over imported prices, and the access
//! rules (a viewer key lists but cannot import).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::time::Duration;

use hub::edges::grpc::pb;
use pb::access_service_client::AccessServiceClient;
use pb::group_service_client::GroupServiceClient;
use pb::model_service_client::ModelServiceClient;
use serde_json::{Value, json};
use support::mock_openai::MockOpenAi;
use support::{ADMIN_KEY, TestHub, admin, control_channel};
use tonic::Code;

const KEY: &str = "sk-catalogue-0001";

/// One group with a balance, one token, one OpenAI channel serving two catalogue models, and
/// no model configs at all: the import is what prices them.
fn config(upstream: &MockOpenAi) -> String {
    format!(
        r#"
groups:
  - id: acme
    balance: 1000
tokens:
  - group: acme
    name: main
    key: {KEY}
channels:
  - name: mock
    type: openai
    base_url: {base}
    key: sk-upstream
    models: [gpt-4o-mini, gpt-4o]
"#,
        base = upstream.base_url()
    )
}

async fn start(upstream: &MockOpenAi) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config(upstream)).unwrap();
    settings.config_file_path = Some(path);
    TestHub::start_with(settings, data_dir).await
}

async fn models(hub: &TestHub) -> ModelServiceClient<tonic::transport::Channel> {
    ModelServiceClient::new(control_channel(hub).await)
}

fn keyed<T>(key: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {key}").parse().unwrap());
    request
}

async fn import(
    hub: &TestHub,
    request: pb::ImportBuiltinModelsRequest,
) -> pb::ImportBuiltinModelsResponse {
    models(hub)
        .await
        .import_builtin_models(admin(request))
        .await
        .unwrap()
        .into_inner()
}

async fn model_config(hub: &TestHub, model: &str) -> pb::ModelConfig {
    models(hub)
        .await
        .get_model_config(admin(pb::GetModelConfigRequest {
            model: model.to_owned(),
        }))
        .await
        .unwrap()
        .into_inner()
}

async fn balance(hub: &TestHub) -> String {
    GroupServiceClient::new(control_channel(hub).await)
        .get_group(admin(pb::GetGroupRequest { id: "acme".into() }))
        .await
        .unwrap()
        .into_inner()
        .balance
}

/// Charges land after the answer: wait until the balance moves off `before`.
async fn balance_after(hub: &TestHub, before: &str) -> String {
    for _ in 0..200 {
        let now = balance(hub).await;
        if now != before {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the balance never moved from {before}");
}

/// The mock answers with 9 prompt and 4 completion tokens.
async fn chat(hub: &TestHub, model: &str) {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .json(&json!({"model": model, "max_tokens": 10,
            "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
}

#[tokio::test]
async fn the_catalogue_lists_filtered_and_paged_over_grpc_and_rest() {
    let upstream = MockOpenAi::start().await;
    let hub = start(&upstream).await;
    let mut client = models(&hub).await;
    let everything = client
        .list_builtin_models(admin(pb::ListBuiltinModelsRequest {
            page_size: 1000,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(everything.total_size >= 100, "{}", everything.total_size);
    assert_eq!(everything.models.len() as i64, everything.total_size);
    assert!(everything.catalogue_version >= 1);
    assert_eq!(everything.catalogue_updated.len(), "2026-11-30".len());

    // Filtered by provider and type, then walked two at a time.
    let filter = |page_token: String| pb::ListBuiltinModelsRequest {
        provider: "openai".into(),
        r#type: pb::ModelType::Embedding as i32,
        page_size: 2,
        page_token,
    };
    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_builtin_models(admin(filter(page_token)))
            .await
            .unwrap()
            .into_inner();
        assert!(page.models.len() <= 2);
        seen.extend(page.models);
        if page.next_page_token.is_empty() {
            assert_eq!(seen.len() as i64, page.total_size);
            break;
        }
        page_token = page.next_page_token;
    }
    assert!(seen.len() >= 3, "{seen:?}");
    for model in &seen {
        assert_eq!(model.provider, "openai");
        assert_eq!(model.r#type, pb::ModelType::Embedding as i32);
        assert_eq!(model.currency, "USD");
    }
    let small = seen
        .iter()
        .find(|model| model.model == "text-embedding-3-small")
        .unwrap();
    assert_eq!(small.price.as_ref().unwrap().input.as_deref(), Some("0.02"));

    // A media model carries its media prices; a CNY family says so.
    let dalle = everything
        .models
        .iter()
        .find(|model| model.model == "dall-e-3")
        .unwrap();
    let media: Value = serde_json::from_str(&dalle.media_json).unwrap();
    assert_eq!(media["images"]["prices"]["1024x1024"]["standard"], "0.04");
    assert!(
        everything
            .models
            .iter()
            .any(|model| model.provider == "zhipu" && model.currency == "CNY")
    );

    // The seed's route answers the same entries as the model configs an import creates.
    let body: Value = reqwest::Client::new()
        .get(hub.url("/api/models/builtin"))
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let configs = body["data"].as_array().unwrap();
    assert_eq!(configs.len() as i64, everything.total_size);
    let gpt = configs
        .iter()
        .find(|config| config["model"] == "gpt-4o")
        .unwrap();
    assert_eq!(gpt["owner"], "openai");
    assert_eq!(gpt["config"]["max_context_tokens"], 128000);
    assert!(gpt["price"]["input_price"].is_number(), "{gpt}");
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn imported_prices_bill_requests_and_overrides_still_win() {
    let upstream = MockOpenAi::start().await;
    let hub = start(&upstream).await;
    let answer = import(
        &hub,
        pb::ImportBuiltinModelsRequest {
            providers: vec!["openai".into()],
            ..Default::default()
        },
    )
    .await;
    assert!(answer.created >= 20, "{answer:?}");
    assert_eq!(answer.created as usize, answer.created_models.len());
    assert_eq!((answer.updated, answer.skipped), (0, 0));
    assert!(answer.created_models.contains(&"gpt-4o-mini".to_owned()));
    assert!(
        !answer
            .created_models
            .iter()
            .any(|model| model.starts_with("claude"))
    );
    let config = model_config(&hub, "gpt-4o-mini").await;
    assert_eq!(config.owner, "openai");
    assert_eq!(config.max_output_tokens, Some(16384));
    let config_json: Value = serde_json::from_str(&config.config_json).unwrap();
    assert_eq!(config_json["max_context_tokens"], 128000);

    // 9 prompt tokens at 0.15 and 4 completion tokens at 0.6 per million: 0.00000375, which
    // only nano-unit money keeps exact.
    assert_eq!(balance(&hub).await, "1000");
    chat(&hub, "gpt-4o-mini").await;
    assert_eq!(balance_after(&hub, "1000").await, "999.99999625");

    // A group override's price still wins over the imported one: 9 + 4 at 1 per token.
    models(&hub)
        .await
        .put_group_model_override(admin(pb::PutGroupModelOverrideRequest {
            r#override: Some(pb::GroupModelOverride {
                group_id: "acme".into(),
                model: "gpt-4o-mini".into(),
                price: Some(pb::Price {
                    input: Some("1".into()),
                    output: Some("1".into()),
                    unit: 1,
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }))
        .await
        .unwrap();
    chat(&hub, "gpt-4o-mini").await;
    assert_eq!(balance_after(&hub, "999.99999625").await, "986.99999625");
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn existing_configs_are_kept_unless_overwrite_is_set() {
    let upstream = MockOpenAi::start().await;
    let hub = start(&upstream).await;
    let gpt = vec!["gpt-4o".to_owned()];
    let first = import(
        &hub,
        pb::ImportBuiltinModelsRequest {
            models: gpt.clone(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!((first.created, first.updated, first.skipped), (1, 0, 0));
    // The operator's own price and limit.
    models(&hub)
        .await
        .update_model_config(admin(pb::UpdateModelConfigRequest {
            model_config: Some(pb::ModelConfig {
                model: "gpt-4o".into(),
                rpm: 7,
                price: Some(pb::Price {
                    input: Some("99".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["rpm".into(), "price".into()],
            }),
        }))
        .await
        .unwrap();

    let kept = import(
        &hub,
        pb::ImportBuiltinModelsRequest {
            models: gpt.clone(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!((kept.created, kept.updated, kept.skipped), (0, 0, 1));
    assert_eq!(kept.skipped_models, gpt);
    let config = model_config(&hub, "gpt-4o").await;
    assert_eq!(config.price.unwrap().input.as_deref(), Some("99"));

    let replaced = import(
        &hub,
        pb::ImportBuiltinModelsRequest {
            models: gpt.clone(),
            overwrite: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        (replaced.created, replaced.updated, replaced.skipped),
        (0, 1, 0)
    );
    let config = model_config(&hub, "gpt-4o").await;
    let price = config.price.unwrap();
    assert_eq!(price.input.as_deref(), Some("2.5"));
    assert_eq!(price.output.as_deref(), Some("10"));
    assert_eq!(price.cached_input.as_deref(), Some("1.25"));
    assert_eq!(config.rpm, 7, "the operator's limit survives an overwrite");

    // A currency filter takes only that currency's entries; unknown names are refused.
    let cny = import(
        &hub,
        pb::ImportBuiltinModelsRequest {
            providers: vec!["openai".into(), "zhipu".into()],
            currency: "CNY".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(cny.created > 0);
    assert!(
        cny.created_models
            .iter()
            .all(|model| !model.starts_with("gpt"))
    );
    for (providers, names) in [
        (vec!["nobody".to_owned()], vec![]),
        (vec![], vec!["gpt-9".to_owned()]),
    ] {
        let refused = models(&hub)
            .await
            .import_builtin_models(admin(pb::ImportBuiltinModelsRequest {
                providers,
                models: names,
                ..Default::default()
            }))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
    }
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_viewer_key_lists_the_catalogue_but_cannot_import_it() {
    let upstream = MockOpenAi::start().await;
    let hub = start(&upstream).await;
    let viewer = AccessServiceClient::new(control_channel(&hub).await)
        .create_admin_key(admin(pb::CreateAdminKeyRequest {
            name: "viewer".into(),
            role: pb::AdminRole::Viewer as i32,
            groups: vec![],
        }))
        .await
        .unwrap()
        .into_inner()
        .key;
    let mut client = models(&hub).await;
    let listed = client
        .list_builtin_models(keyed(&viewer, pb::ListBuiltinModelsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert!(!listed.models.is_empty());
    let refused = client
        .import_builtin_models(keyed(&viewer, pb::ImportBuiltinModelsRequest::default()))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    let configs = client
        .list_model_configs(admin(pb::ListModelConfigsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(configs.total_size, 0, "a refused import writes nothing");
    hub.stop().await.unwrap();
}
