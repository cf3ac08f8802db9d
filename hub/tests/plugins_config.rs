//! Plugin settings through the control plane and the config file: invalid settings refused at write
//! time with the plugin named, a group override laid over the model's, and the relay following both
//! without a restart.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::support;

use hub::edges::grpc::pb;
use hub::edges::grpc::pb::model_service_client::ModelServiceClient;
use support::mock_openai::MockOpenAi;
use support::{TestHub, admin, control_channel};
use tonic::Code;

const ACME: &str = "sk-plugins-acme-0001";
const OTHER: &str = "sk-plugins-other-0002";

async fn hub(upstream: &MockOpenAi) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    let config = format!(
        r#"
groups: [{{id: acme}}, {{id: other}}]
tokens:
  - {{group: acme, name: a, key: {ACME}}}
  - {{group: other, name: o, key: {OTHER}}}
channels:
  - {{name: up, type: openai, base_url: "{}", key: sk-up, models: [gpt-4o-mini, o3-mini]}}
models:
  - model: gpt-4o-mini
    plugins:
      cache: {{ttl_seconds: 60}}
"#,
        upstream.base_url()
    );
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config).unwrap();
    settings.config_file_path = Some(path);
    TestHub::start_with(settings, data_dir).await
}

/// The cache header of two identical requests in a row.
async fn cache_headers(hub: &TestHub, key: &str, text: &str) -> [Option<String>; 2] {
    let mut out = [None, None];
    for slot in &mut out {
        let response = reqwest::Client::new()
            .post(hub.url("/v1/chat/completions"))
            .bearer_auth(key)
            .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        *slot = response
            .headers()
            .get("x-aiproxy-cache")
            .map(|value| value.to_str().unwrap().to_owned());
        response.text().await.unwrap();
        // The entry is written just after the answer.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    out
}

fn refused(
    result: Result<tonic::Response<impl std::fmt::Debug>, tonic::Status>,
    field: &str,
    words: &str,
) {
    let status = result.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert!(
        status.message().contains(field) && status.message().contains(words),
        "{}",
        status.message()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugin_settings_are_checked_at_write_time_and_followed_per_group() {
    let upstream = MockOpenAi::start().await;
    let hub = hub(&upstream).await;
    let mut models = ModelServiceClient::new(control_channel(&hub).await);

    // The config file's plugins are in force for every group.
    assert_eq!(
        cache_headers(&hub, ACME, "one").await,
        [Some("miss".into()), Some("hit".into())]
    );
    assert_eq!(
        cache_headers(&hub, OTHER, "one").await,
        [Some("miss".into()), Some("hit".into())]
    );

    // Invalid settings never reach the relay.
    for (plugins, words) in [
        (
            r#"{"cache": {"ttl_seconds": 0}}"#,
            "plugin cache: ttl_seconds",
        ),
        (r#"{"telepathy": {}}"#, "plugin telepathy: unknown plugin"),
        (
            r#"{"web_search": {"engines": [{"type": "google", "api_key": "k"}]}}"#,
            "needs cx",
        ),
    ] {
        refused(
            models
                .create_model_config(admin(pb::CreateModelConfigRequest {
                    model_config: Some(pb::ModelConfig {
                        model: "o3-mini".into(),
                        plugins_json: plugins.into(),
                        ..pb::ModelConfig::default()
                    }),
                }))
                .await,
            "model_config.plugins",
            words,
        );
    }
    let put = |plugins: &str| {
        admin(pb::PutGroupModelOverrideRequest {
            r#override: Some(pb::GroupModelOverride {
                group_id: "other".into(),
                model: "gpt-4o-mini".into(),
                plugins_json: Some(plugins.into()),
                ..pb::GroupModelOverride::default()
            }),
        })
    };
    refused(
        models
            .put_group_model_override(put(r#"{"cache": {"enable": "no"}}"#))
            .await,
        "override.plugins",
        "enable must be a boolean",
    );
    refused(
        models
            .put_group_model_override(put(r#"{"cache": {"billing": "half"}}"#))
            .await,
        "override.plugins",
        "unknown variant `half`",
    );
    // A partial override that is only valid merged with the model's: accepted.
    let stored = models
        .put_group_model_override(put(r#"{"cache": {"enable": false}}"#))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        stored.plugins_json.as_deref(),
        Some(r#"{"cache":{"enable":false}}"#)
    );

    // The next requests see the override: group other has no cache, acme still has.
    assert_eq!(cache_headers(&hub, OTHER, "two").await, [None, None]);
    assert_eq!(
        cache_headers(&hub, ACME, "two").await,
        [Some("miss".into()), Some("hit".into())]
    );
    let listed = models
        .list_group_model_overrides(admin(pb::ListGroupModelOverridesRequest {
            group_id: "other".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.overrides[0].plugins_json, stored.plugins_json);
    hub.stop().await.unwrap();
}
