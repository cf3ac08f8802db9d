//! The gRPC control plane end to end: the router on a real socket (HTTP/2), tonic clients,
//! a SQLite store.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::support;

use std::time::Duration;

use hub::edges::admin_key::AdminKey;
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::channel_service_client::ChannelServiceClient;
use hub::edges::grpc::pb::config_service_client::ConfigServiceClient;
use hub::edges::grpc::pb::group_service_client::GroupServiceClient;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use hub::edges::grpc::pb::model_service_client::ModelServiceClient;
use hub::edges::grpc::pb::option_service_client::OptionServiceClient;
use hub::edges::grpc::pb::token_service_client::TokenServiceClient;
use hub::edges::grpc::{ControlPlane, router};
use hub::snapshot::changes::ChangeFeed;
use hub::store::{Store, hash_key};
use tonic::Code;
use tonic::metadata::MetadataValue;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

const ADMIN_KEY: &str = "test-admin-key-0123";

const EXAMPLE: &str = r#"
groups:
  - id: acme
    rpm_ratio: 1.0
    tpm_ratio: 1.0
tokens:
  - group: acme
    name: ci
    key: sk-acme-ci-0001          # optional; generated when absent
    subnets: [127.0.0.0/8]        # optional
    models: [gpt-4o-mini]         # optional allow-list
channels:
  - name: mock-openai
    type: openai
    base_url: http://127.0.0.1:9000/v1
    key: sk-upstream
    models: [gpt-4o-mini]
    model_mapping: {gpt-4: gpt-4o-mini}
    priority: 10
models:
  - model: gpt-4o-mini
    type: chat
    rpm: 600
    tpm: 100000
    price: {input_price: 0.15, output_price: 0.6, unit: 1000000}
options:
  RetryTimes: 2
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
  - id: remote-tools
    scope: group
    group: acme
    type: proxy_streamable
    url: http://127.0.0.1:9200/mcp
    headers: {X-Static: "1"}
"#;

#[derive(Clone)]
struct Bearer(Option<String>);

impl Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(key) = &self.0 {
            let value: MetadataValue<_> = format!("Bearer {key}").parse().unwrap();
            request.metadata_mut().insert("authorization", value);
        }
        Ok(request)
    }
}

type Authed = InterceptedService<Channel, Bearer>;

struct Harness {
    store: Store,
    changes: ChangeFeed,
    channel: Channel,
    _dir: tempfile::TempDir,
    _postgres: Option<support::TestDatabase>,
}

impl Harness {
    async fn start() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(dir.path().join("db.sqlite").to_str().unwrap())
            .await
            .unwrap();
        Harness::serve(store, dir, None).await
    }

    /// The same control plane on a Postgres database of its own.
    async fn start_postgres() -> Harness {
        let database = support::TestDatabase::create().await;
        let store = Store::connect(&database.url()).await.unwrap();
        Harness::serve(store, tempfile::tempdir().unwrap(), Some(database)).await
    }

    async fn serve(
        store: Store,
        dir: tempfile::TempDir,
        postgres: Option<support::TestDatabase>,
    ) -> Harness {
        let changes = ChangeFeed::new();
        let app = router(ControlPlane {
            log_store: store.clone(),
            store: store.clone(),
            changes: changes.clone(),
            access: hub::access::Access::new(AdminKey::new(ADMIN_KEY.to_owned()).unwrap(), None),
            group_max_tokens: 3,
            mcp_openapi_compact_above_bytes: None,
            mcp_templates: mcp::embedded_templates()
                .iter()
                .filter(|template| template.name == "time")
                .copied()
                .collect(),
            quota_time_zone: chrono_tz::Tz::UTC,
            clean_log_batch_size: 5_000,
            channel_health: hub::relay_host::shared_health::SharedHealth::local(
                relay::BanPolicy::default(),
            ),
            live_rates: hub::governance::rates::LiveRates::local(),
            channel_tester: None,
            mcp_calls: None,
            upstream_auth: None,
            balances: hub::balances::BalanceChecker::new(
                store.clone(),
                changes.clone(),
                hub::alerts::Alerts::start(Default::default()),
            ),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
            .unwrap()
            .connect()
            .await
            .unwrap();
        Harness {
            store,
            changes,
            channel,
            _dir: dir,
            _postgres: postgres,
        }
    }

    fn authed(&self) -> Authed {
        self.with_key(Some(ADMIN_KEY))
    }

    fn with_key(&self, key: Option<&str>) -> Authed {
        InterceptedService::new(self.channel.clone(), Bearer(key.map(str::to_owned)))
    }

    fn groups(&self) -> GroupServiceClient<Authed> {
        GroupServiceClient::new(self.authed())
    }
    fn tokens(&self) -> TokenServiceClient<Authed> {
        TokenServiceClient::new(self.authed())
    }
    fn channels(&self) -> ChannelServiceClient<Authed> {
        ChannelServiceClient::new(self.authed())
    }
    fn models(&self) -> ModelServiceClient<Authed> {
        ModelServiceClient::new(self.authed())
    }
    fn mcp(&self) -> McpServiceClient<Authed> {
        McpServiceClient::new(self.authed())
    }
    fn options(&self) -> OptionServiceClient<Authed> {
        OptionServiceClient::new(self.authed())
    }
    fn config(&self) -> ConfigServiceClient<Authed> {
        ConfigServiceClient::new(self.authed())
    }
}

fn mask(paths: &[&str]) -> Option<prost_types::FieldMask> {
    Some(prost_types::FieldMask {
        paths: paths.iter().map(|path| (*path).to_owned()).collect(),
    })
}

/// Asserts the call failed with `code` and a message containing `needle`.
fn check_err<T: std::fmt::Debug>(result: Result<T, tonic::Status>, code: Code, needle: &str) {
    let status = result.unwrap_err();
    assert_eq!(status.code(), code, "{status:?}");
    assert!(
        status.message().contains(needle),
        "message {:?} lacks {needle:?}",
        status.message()
    );
}

fn group(id: &str) -> pb::Group {
    pb::Group {
        id: id.into(),
        ..pb::Group::default()
    }
}

#[tokio::test]
async fn groups_crud_pagination_and_errors() {
    let harness = Harness::start().await;
    let mut groups = harness.groups();
    let created = groups
        .create_group(pb::CreateGroupRequest {
            group: Some(group("acme")),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.status, pb::Status::Enabled as i32);
    assert_eq!(created.rpm_ratio, 1.0);
    for id in ["beta", "gamma"] {
        groups
            .create_group(pb::CreateGroupRequest {
                group: Some(group(id)),
            })
            .await
            .unwrap();
    }
    check_err(
        groups
            .create_group(pb::CreateGroupRequest {
                group: Some(group("acme")),
            })
            .await,
        Code::AlreadyExists,
        "acme",
    );
    check_err(
        groups
            .create_group(pb::CreateGroupRequest {
                group: Some(group("")),
            })
            .await,
        Code::InvalidArgument,
        "group.id",
    );
    check_err(
        groups
            .create_group(pb::CreateGroupRequest { group: None })
            .await,
        Code::InvalidArgument,
        "group",
    );

    let first = groups
        .list_groups(pb::ListGroupsRequest {
            page_size: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.total_size, 3);
    assert_eq!(first.groups.len(), 2);
    let second = groups
        .list_groups(pb::ListGroupsRequest {
            page_size: 2,
            page_token: first.next_page_token.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(second.groups.len(), 1);
    assert_eq!(second.groups[0].id, "gamma");
    assert!(second.next_page_token.is_empty());
    let searched = groups
        .list_groups(pb::ListGroupsRequest {
            keyword: "amm".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(searched.groups.len(), 1);

    // Only the masked field changes.
    let updated = groups
        .update_group(pb::UpdateGroupRequest {
            group: Some(pb::Group {
                id: "acme".into(),
                rpm_ratio: 3.0,
                tpm_ratio: 99.0,
                balance: "12.5".into(),
                ..pb::Group::default()
            }),
            update_mask: mask(&["rpm_ratio", "balance"]),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.rpm_ratio, 3.0);
    assert_eq!(updated.tpm_ratio, 1.0);
    assert_eq!(updated.balance, "12.5");
    check_err(
        groups
            .update_group(pb::UpdateGroupRequest {
                group: Some(group("acme")),
                update_mask: mask(&["id"]),
            })
            .await,
        Code::InvalidArgument,
        "update_mask",
    );
    check_err(
        groups
            .update_group(pb::UpdateGroupRequest {
                group: Some(pb::Group {
                    id: "acme".into(),
                    balance: "ten".into(),
                    ..pb::Group::default()
                }),
                update_mask: mask(&["balance"]),
            })
            .await,
        Code::InvalidArgument,
        "group.balance",
    );
    let disabled = groups
        .set_group_status(pb::SetGroupStatusRequest {
            id: "acme".into(),
            status: pb::Status::Disabled as i32,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(disabled.status, pb::Status::Disabled as i32);

    groups
        .delete_group(pb::DeleteGroupRequest { id: "acme".into() })
        .await
        .unwrap();
    check_err(
        groups
            .get_group(pb::GetGroupRequest { id: "acme".into() })
            .await,
        Code::NotFound,
        "acme",
    );
    let batch = groups
        .batch_delete_groups(pb::BatchDeleteGroupsRequest {
            ids: vec!["beta".into(), "gamma".into(), "nope".into()],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(batch.deleted, 2);
}

#[tokio::test]
async fn tokens_return_the_key_once_and_validate() {
    let harness = Harness::start().await;
    harness
        .groups()
        .create_group(pb::CreateGroupRequest {
            group: Some(group("acme")),
        })
        .await
        .unwrap();
    let mut tokens = harness.tokens();
    let created = tokens
        .create_token(pb::CreateTokenRequest {
            token: Some(pb::Token {
                group_id: "acme".into(),
                name: "ci".into(),
                subnets: vec!["10.0.0.0/8".into()],
                quota: Some("5".into()),
                ..pb::Token::default()
            }),
            key: None,
        })
        .await
        .unwrap()
        .into_inner();
    let token = created.token.unwrap();
    assert!(created.key.starts_with("sk-"));
    assert_eq!(token.key_prefix, &created.key[..8]);
    let dump = harness.store.load_all().await.unwrap();
    assert_eq!(dump.tokens[0].key_hash, hash_key(&created.key));

    // The key never comes back.
    let fetched = tokens
        .get_token(pb::GetTokenRequest { id: token.id })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched.key_prefix, token.key_prefix);

    check_err(
        tokens
            .create_token(pb::CreateTokenRequest {
                token: Some(pb::Token {
                    group_id: "acme".into(),
                    name: "bad-cidr".into(),
                    subnets: vec!["10.0.0.0/33".into()],
                    ..pb::Token::default()
                }),
                key: None,
            })
            .await,
        Code::InvalidArgument,
        "token.subnets[0]",
    );
    check_err(
        tokens
            .create_token(pb::CreateTokenRequest {
                token: Some(pb::Token {
                    group_id: "acme".into(),
                    name: "ci".into(),
                    ..pb::Token::default()
                }),
                key: None,
            })
            .await,
        Code::AlreadyExists,
        "ci",
    );
    check_err(
        tokens
            .create_token(pb::CreateTokenRequest {
                token: Some(pb::Token {
                    group_id: "nope".into(),
                    name: "x".into(),
                    ..pb::Token::default()
                }),
                key: None,
            })
            .await,
        Code::NotFound,
        "nope",
    );
    for name in ["two", "three"] {
        tokens
            .create_token(pb::CreateTokenRequest {
                token: Some(pb::Token {
                    group_id: "acme".into(),
                    name: name.into(),
                    ..pb::Token::default()
                }),
                key: Some(format!("sk-chosen-{name}")),
            })
            .await
            .unwrap();
    }
    // GROUP_MAX_TOKEN_NUM is 3 in this harness.
    check_err(
        tokens
            .create_token(pb::CreateTokenRequest {
                token: Some(pb::Token {
                    group_id: "acme".into(),
                    name: "four".into(),
                    ..pb::Token::default()
                }),
                key: None,
            })
            .await,
        Code::FailedPrecondition,
        "maximum",
    );

    let updated = tokens
        .update_token(pb::UpdateTokenRequest {
            token: Some(pb::Token {
                id: token.id,
                subnets: vec!["127.0.0.1".into()],
                models: vec!["gpt-4o-mini".into()],
                name: "ignored".into(),
                ..pb::Token::default()
            }),
            update_mask: mask(&["subnets", "models"]),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.subnets, ["127.0.0.1/32"]);
    assert_eq!(updated.models, ["gpt-4o-mini"]);
    assert_eq!(updated.name, "ci");
    assert_eq!(updated.quota.as_deref(), Some("5"));

    let listed = tokens
        .list_tokens(pb::ListTokensRequest {
            group_id: "acme".into(),
            keyword: "th".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        listed
            .tokens
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["three"]
    );
    let disabled = tokens
        .set_token_status(pb::SetTokenStatusRequest {
            id: token.id,
            status: pb::Status::Disabled as i32,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(disabled.status, pb::Status::Disabled as i32);
    tokens
        .delete_token(pb::DeleteTokenRequest { id: token.id })
        .await
        .unwrap();
    check_err(
        tokens.get_token(pb::GetTokenRequest { id: token.id }).await,
        Code::NotFound,
        "token",
    );
}

#[tokio::test]
async fn channels_mask_keys_everywhere() {
    let harness = Harness::start().await;
    let mut channels = harness.channels();
    let secret = "sk-upstream-0123456789abcdef";
    let created = channels
        .create_channel(pb::CreateChannelRequest {
            channel: Some(pb::Channel {
                name: "main".into(),
                r#type: "openai".into(),
                base_url: "http://127.0.0.1:9000/v1".into(),
                key: secret.into(),
                models: vec!["gpt-4o-mini".into()],
                priority: 5,
                ..pb::Channel::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.key, "sk-u…cdef");
    let fetched = channels
        .get_channel(pb::GetChannelRequest { id: created.id })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched.key, "sk-u…cdef");
    let listed = channels
        .list_channels(pb::ListChannelsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(listed.channels.iter().all(|c| !c.key.contains(secret)));

    // A full update that sends back the masked key keeps the real one.
    let mut round_trip = fetched.clone();
    round_trip.priority = 7;
    let updated = channels
        .update_channel(pb::UpdateChannelRequest {
            channel: Some(round_trip),
            update_mask: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.priority, 7);
    assert_eq!(
        harness.store.get_channel(created.id).await.unwrap().key,
        secret
    );

    check_err(
        channels
            .create_channel(pb::CreateChannelRequest {
                channel: Some(pb::Channel {
                    name: "weird".into(),
                    r#type: "no-such-provider".into(),
                    ..pb::Channel::default()
                }),
            })
            .await,
        Code::InvalidArgument,
        "channel.type",
    );
    check_err(
        channels
            .create_channel(pb::CreateChannelRequest {
                channel: Some(pb::Channel {
                    name: "main".into(),
                    r#type: "openai".into(),
                    ..pb::Channel::default()
                }),
            })
            .await,
        Code::AlreadyExists,
        "main",
    );
    let types = channels
        .list_channel_types(pb::ListChannelTypesRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(types.types.iter().any(|t| t == "anthropic"));
    channels
        .set_channel_status(pb::SetChannelStatusRequest {
            id: created.id,
            status: pb::Status::Disabled as i32,
        })
        .await
        .unwrap();
    let batch = channels
        .batch_delete_channels(pb::BatchDeleteChannelsRequest {
            ids: vec![created.id],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(batch.deleted, 1);
}

#[tokio::test]
async fn models_overrides_options_and_mcp() {
    let harness = Harness::start().await;
    harness
        .groups()
        .create_group(pb::CreateGroupRequest {
            group: Some(group("acme")),
        })
        .await
        .unwrap();

    let mut models = harness.models();
    let created = models
        .create_model_config(pb::CreateModelConfigRequest {
            model_config: Some(pb::ModelConfig {
                model: "gpt-4o-mini".into(),
                rpm: 600,
                price: Some(pb::Price {
                    input: Some("0.150".into()),
                    output: Some("0.6".into()),
                    ..pb::Price::default()
                }),
                plugins_json: r#"{"cache":{"enable":true}}"#.into(),
                ..pb::ModelConfig::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.r#type, pb::ModelType::Chat as i32);
    let price = created.price.unwrap();
    assert_eq!(price.input.as_deref(), Some("0.15"));
    assert_eq!(price.unit, 1_000_000);
    check_err(
        models
            .create_model_config(pb::CreateModelConfigRequest {
                model_config: Some(pb::ModelConfig {
                    model: "bad".into(),
                    price: Some(pb::Price {
                        input: Some("cheap".into()),
                        ..pb::Price::default()
                    }),
                    ..pb::ModelConfig::default()
                }),
            })
            .await,
        Code::InvalidArgument,
        "model_config.price.input",
    );
    let updated = models
        .update_model_config(pb::UpdateModelConfigRequest {
            model_config: Some(pb::ModelConfig {
                model: "gpt-4o-mini".into(),
                tpm: 1000,
                ..pb::ModelConfig::default()
            }),
            update_mask: mask(&["tpm"]),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((updated.rpm, updated.tpm), (600, 1000));
    let listed = models
        .list_model_configs(pb::ListModelConfigsRequest {
            keyword: "4O".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.model_configs.len(), 1);

    let stored = models
        .put_group_model_override(pb::PutGroupModelOverrideRequest {
            r#override: Some(pb::GroupModelOverride {
                group_id: "acme".into(),
                model: "gpt-4o-mini".into(),
                rpm: Some(5),
                save_detail: true,
                ..pb::GroupModelOverride::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.rpm, Some(5));
    let listed = models
        .list_group_model_overrides(pb::ListGroupModelOverridesRequest {
            group_id: "acme".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.overrides.len(), 1);
    models
        .delete_group_model_override(pb::DeleteGroupModelOverrideRequest {
            group_id: "acme".into(),
            model: "gpt-4o-mini".into(),
        })
        .await
        .unwrap();
    check_err(
        models
            .get_group_model_override(pb::GetGroupModelOverrideRequest {
                group_id: "acme".into(),
                model: "gpt-4o-mini".into(),
            })
            .await,
        Code::NotFound,
        "acme/gpt-4o-mini",
    );
    models
        .delete_model_config(pb::DeleteModelConfigRequest {
            model: "gpt-4o-mini".into(),
        })
        .await
        .unwrap();

    let mut options = harness.options();
    options
        .set_option(pb::SetOptionRequest {
            option: Some(pb::Option {
                key: "RetryTimes".into(),
                value: "2".into(),
            }),
        })
        .await
        .unwrap();
    let all = options
        .set_options(pb::SetOptionsRequest {
            options: vec![pb::Option {
                key: "LogDetailStorageHours".into(),
                value: "24".into(),
            }],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.options.len(), 2);
    let got = options
        .get_option(pb::GetOptionRequest {
            key: "RetryTimes".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.value, "2");
    options
        .delete_option(pb::DeleteOptionRequest {
            key: "RetryTimes".into(),
        })
        .await
        .unwrap();
    check_err(
        options
            .get_option(pb::GetOptionRequest {
                key: "RetryTimes".into(),
            })
            .await,
        Code::NotFound,
        "RetryTimes",
    );

    let mut mcp = harness.mcp();
    let header_secret = "Bearer upstream-secret-token";
    let server = mcp
        .create_mcp_server(pb::CreateMcpServerRequest {
            server: Some(pb::McpServer {
                id: "remote-tools".into(),
                scope: pb::McpScope::Group as i32,
                group_id: "acme".into(),
                r#type: pb::McpServerType::ProxyStreamable as i32,
                url: "http://127.0.0.1:9200/mcp".into(),
                headers: [("Authorization".to_owned(), header_secret.to_owned())].into(),
                ..pb::McpServer::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(server.headers["Authorization"], "Bear…oken");
    check_err(
        mcp.create_mcp_server(pb::CreateMcpServerRequest {
            server: Some(pb::McpServer {
                id: "orphan".into(),
                scope: pb::McpScope::Group as i32,
                r#type: pb::McpServerType::Embedded as i32,
                template: "time".into(),
                ..pb::McpServer::default()
            }),
        })
        .await,
        Code::InvalidArgument,
        "mcp_server.group",
    );
    // Updating another field keeps the header secret.
    mcp.update_mcp_server(pb::UpdateMcpServerRequest {
        server: Some(pb::McpServer {
            id: "remote-tools".into(),
            status: pb::Status::Disabled as i32,
            ..pb::McpServer::default()
        }),
        update_mask: mask(&["status"]),
    })
    .await
    .unwrap();
    let stored = harness.store.get_mcp_server("remote-tools").await.unwrap();
    assert_eq!(stored.headers["Authorization"], header_secret);

    let params = mcp
        .set_group_mcp_params(pb::SetGroupMcpParamsRequest {
            params: Some(pb::GroupMcpParams {
                server_id: "remote-tools".into(),
                group_id: "acme".into(),
                params: [("api_key".to_owned(), "group-secret-value-1".to_owned())].into(),
                updated_at_ms: 0,
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(params.params["api_key"], "grou…ue-1");
    let fetched = mcp
        .get_group_mcp_params(pb::GetGroupMcpParamsRequest {
            server_id: "remote-tools".into(),
            group_id: "acme".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!fetched.params["api_key"].contains("secret"));
    let templates = mcp
        .list_templates(pb::ListTemplatesRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(templates.templates, ["time"]);
    let described: Vec<&str> = templates
        .template_details
        .iter()
        .map(|template| template.name.as_str())
        .collect();
    assert_eq!(described, ["time"]);
    let listed = mcp
        .list_mcp_servers(pb::ListMcpServersRequest {
            group_id: "acme".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.servers.len(), 1);
    mcp.delete_mcp_server(pb::DeleteMcpServerRequest {
        id: "remote-tools".into(),
    })
    .await
    .unwrap();
    check_err(
        mcp.get_group_mcp_params(pb::GetGroupMcpParamsRequest {
            server_id: "remote-tools".into(),
            group_id: "acme".into(),
        })
        .await,
        Code::NotFound,
        "remote-tools",
    );
}

#[tokio::test]
async fn apply_twice_changes_nothing_the_second_time() {
    let harness = Harness::start().await;
    let mut config = harness.config();
    let first = config
        .apply(pb::ApplyRequest {
            document: EXAMPLE.into(),
        })
        .await
        .unwrap()
        .into_inner();
    let created: Vec<(String, usize)> = first
        .kinds
        .iter()
        .map(|kind| (kind.kind.clone(), kind.created.len()))
        .collect();
    assert!(created.contains(&("groups".into(), 1)), "{created:?}");
    assert!(created.contains(&("tokens".into(), 1)), "{created:?}");
    assert!(created.contains(&("channels".into(), 1)), "{created:?}");
    assert!(created.contains(&("models".into(), 1)), "{created:?}");
    assert!(created.contains(&("options".into(), 1)), "{created:?}");
    assert!(created.contains(&("mcp_servers".into(), 2)), "{created:?}");
    assert!(first.generated_keys.is_empty());
    let revision = config
        .get_revision(pb::GetRevisionRequest {})
        .await
        .unwrap()
        .into_inner()
        .revision;

    let dump = harness.store.load_all().await.unwrap();
    assert_eq!(dump.tokens[0].key_hash, hash_key("sk-acme-ci-0001"));
    assert_eq!(dump.channels[0].key, "sk-upstream");
    assert_eq!(
        dump.model_configs[0].price.input,
        Some("0.15".parse().unwrap())
    );
    assert_eq!(dump.options["RetryTimes"], "2");

    let mut events = harness.changes.subscribe();
    let second = config
        .apply(pb::ApplyRequest {
            document: EXAMPLE.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        second
            .kinds
            .iter()
            .all(|kind| kind.created.is_empty() && kind.updated.is_empty()),
        "{second:?}"
    );
    assert!(second.report.contains("no changes"), "{}", second.report);
    assert!(
        events.try_recv().is_err(),
        "second apply announced a change"
    );
    let after = config
        .get_revision(pb::GetRevisionRequest {})
        .await
        .unwrap()
        .into_inner()
        .revision;
    assert_eq!(after, revision);

    // Exporting and re-applying the export is also a no-op: masked secrets keep the stored ones.
    let exported = config
        .export(pb::ExportRequest {})
        .await
        .unwrap()
        .into_inner()
        .document;
    assert!(!exported.contains("sk-upstream"), "{exported}");
    assert!(!exported.contains("sk-acme-ci-0001"), "{exported}");
    assert!(exported.contains("mock-openai"));
    let third = config
        .apply(pb::ApplyRequest { document: exported })
        .await
        .unwrap()
        .into_inner();
    assert!(third.report.contains("no changes"), "{}", third.report);
    assert_eq!(
        harness.store.load_all().await.unwrap().channels[0].key,
        "sk-upstream"
    );
}

#[tokio::test]
async fn apply_rejects_bad_documents_and_writes_nothing() {
    let harness = Harness::start().await;
    let mut config = harness.config();
    let cases = [
        ("groups:\n  - id: a\n    rpm_ratio: [oops\n", "line"),
        ("groups:\n  - id: a\n  - id: a\n", "groups[1]"),
        ("groups:\n  - id: ok\n  - id: ''\n", "groups[1]"),
        (
            "groups:\n  - id: ok\ntokens:\n  - group: ok\n    name: t\n    subnets: [300.0.0.0/8]\n",
            "token.subnets[0]",
        ),
        (
            "groups:\n  - id: ok\nchannels:\n  - name: c\n    type: nonsense\n",
            "channel.type",
        ),
        ("groups:\n  - id: ok\n    colour: blue\n", "colour"),
        (
            "groups:\n  - id: ok\nmodels:\n  - model: m\n    price: {input_price: -1}\n",
            "price.input",
        ),
    ];
    for (document, needle) in cases {
        let result = config
            .apply(pb::ApplyRequest {
                document: document.into(),
            })
            .await;
        check_err(result, Code::InvalidArgument, needle);
    }
    let dump = harness.store.load_all().await.unwrap();
    assert!(dump.groups.is_empty(), "half-applied: {:?}", dump.groups);
    assert_eq!(dump.revision, 0);
}

#[tokio::test]
async fn watch_streams_changes() {
    let harness = Harness::start().await;
    let mut stream = harness
        .config()
        .watch(pb::WatchRequest {
            kinds: vec!["group".into()],
        })
        .await
        .unwrap()
        .into_inner();
    harness
        .options()
        .set_option(pb::SetOptionRequest {
            option: Some(pb::Option {
                key: "RetryTimes".into(),
                value: "1".into(),
            }),
        })
        .await
        .unwrap();
    harness
        .groups()
        .create_group(pb::CreateGroupRequest {
            group: Some(group("watched")),
        })
        .await
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(5), stream.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            event.kind.as_str(),
            event.action.as_str(),
            event.id.as_str()
        ),
        ("group", "created", "watched")
    );
    check_err(
        harness
            .config()
            .watch(pb::WatchRequest {
                kinds: vec!["bogus".into()],
            })
            .await,
        Code::InvalidArgument,
        "kinds[0]",
    );
}

#[tokio::test]
async fn admin_key_is_required() {
    let harness = Harness::start().await;
    for key in [None, Some("wrong-key-123"), Some("")] {
        let mut groups = GroupServiceClient::new(harness.with_key(key));
        let status = groups
            .list_groups(pb::ListGroupsRequest::default())
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated, "{key:?}");
        assert!(!status.message().contains(ADMIN_KEY));
    }
    // Health needs no key: load balancers probe it.
    let mut health = tonic_health::pb::health_client::HealthClient::new(harness.channel.clone());
    let response = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        response.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
}

#[tokio::test]
async fn oversized_messages_are_refused() {
    let harness = Harness::start().await;
    let document = format!(
        "# {}\n",
        "x".repeat(hub::edges::grpc::MAX_MESSAGE_BYTES + 1024)
    );
    let result = harness.config().apply(pb::ApplyRequest { document }).await;
    check_err(result, Code::ResourceExhausted, "too large");
    assert!(harness.store.load_all().await.unwrap().groups.is_empty());
}

/// A codec that sends its bytes as the message, as they are: what a broken client sends.
#[derive(Clone, Default)]
struct RawBytes;

impl tonic::codec::Codec for RawBytes {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawBytes;
    type Decoder = RawBytes;

    fn encoder(&mut self) -> RawBytes {
        RawBytes
    }

    fn decoder(&mut self) -> RawBytes {
        RawBytes
    }
}

impl tonic::codec::Encoder for RawBytes {
    type Item = Vec<u8>;
    type Error = tonic::Status;

    fn encode(
        &mut self,
        item: Vec<u8>,
        buf: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), tonic::Status> {
        bytes::BufMut::put_slice(buf, &item);
        Ok(())
    }
}

impl tonic::codec::Decoder for RawBytes {
    type Item = Vec<u8>;
    type Error = tonic::Status;

    fn decode(
        &mut self,
        buf: &mut tonic::codec::DecodeBuf<'_>,
    ) -> Result<Option<Vec<u8>>, tonic::Status> {
        let remaining = bytes::Buf::remaining(buf);
        Ok(Some(bytes::Buf::copy_to_bytes(buf, remaining).to_vec()))
    }
}

#[tokio::test]
async fn undecodable_messages_are_invalid_arguments() {
    let harness = Harness::start().await;
    let mut grpc = tonic::client::Grpc::new(harness.authed());
    // A varint that never ends, and a string field longer than the bytes that follow.
    for garbage in [vec![0xff; 12], vec![0x0a, 0x40, b'x']] {
        grpc.ready().await.unwrap();
        let status = grpc
            .unary(
                tonic::Request::new(garbage),
                http::uri::PathAndQuery::from_static("/aiproxy.admin.v1.GroupService/GetGroup"),
                RawBytes,
            )
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(status.message().contains("decode"), "{status:?}");
    }
}

#[tokio::test]
async fn reflection_v1_lists_every_admin_service() {
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
    use tonic_reflection::pb::v1::{ServerReflectionRequest, ServerReflectionResponse};

    let harness = Harness::start().await;
    let mut client = ServerReflectionClient::new(harness.channel.clone());
    let request = |message| ServerReflectionRequest {
        host: String::new(),
        message_request: Some(message),
    };
    let mut responses = client
        .server_reflection_info(futures::stream::iter([
            request(MessageRequest::ListServices(String::new())),
            request(MessageRequest::FileContainingSymbol(
                "aiproxy.admin.v1.ConfigService".into(),
            )),
        ]))
        .await
        .unwrap()
        .into_inner();
    let listed: ServerReflectionResponse = responses.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(listed)) = listed.message_response else {
        panic!("expected a service list");
    };
    let names: Vec<String> = listed.service.into_iter().map(|s| s.name).collect();
    for service in [
        "GroupService",
        "TokenService",
        "ChannelService",
        "ModelService",
        "McpService",
        "OptionService",
        "ConfigService",
    ] {
        let full = format!("aiproxy.admin.v1.{service}");
        assert!(names.contains(&full), "{full} missing from {names:?}");
    }
    let file = responses.message().await.unwrap().unwrap();
    let Some(MessageResponse::FileDescriptorResponse(file)) = file.message_response else {
        panic!("expected a file descriptor");
    };
    assert!(!file.file_descriptor_proto.is_empty());
}

const TENANCY: &str = r#"
groups:
  - id: acme
  - id: vip
    available_sets: [premium]
    max_concurrency: 8
tokens:
  - group: acme
    name: metered
    key: sk-acme-metered-0001
    quota: 10
    period_quota: 2
    period: daily
    rpm: 60
    tpm: 1000
    max_concurrency: 2
  - group: acme
    name: unlimited
    key: sk-acme-unlimited-0001
channels:
  - name: plain
    type: openai
    key: sk-a
    models: [m1, m2]
    priority: 1
  - name: premium
    type: openai
    key: sk-b
    models: [m2, m3]
    sets: [premium]
    priority: 5
  - name: off
    type: openai
    key: sk-c
    models: [m4]
    status: disabled
models:
  - model: m1
    max_output_tokens: 4096
"#;

/// The start of today (UTC) in milliseconds.
fn today_start_ms() -> i64 {
    let now = hub::store::now_ms();
    now - now.rem_euclid(86_400_000)
}

/// Sets a token's stored usage as the log writer would after charging it.
async fn charge(store: &Store, token_id: i64, used: &str, period_used: &str, period_start: i64) {
    sqlx::query(
        "UPDATE tokens SET used_amount = $2, period_used = $3, period_start = $4 WHERE id = $1",
    )
    .bind(token_id)
    .bind(used.to_owned())
    .bind(period_used.to_owned())
    .bind(period_start)
    .execute(store.pool())
    .await
    .unwrap();
}

async fn tenancy_limits_and_quota_views(harness: Harness) {
    let applied = harness
        .config()
        .apply(pb::ApplyRequest {
            document: TENANCY.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(applied.report.contains("created"), "{}", applied.report);
    let mut tokens = harness.tokens();
    let listed = tokens
        .list_tokens(pb::ListTokensRequest {
            group_id: "acme".into(),
            ..pb::ListTokensRequest::default()
        })
        .await
        .unwrap()
        .into_inner()
        .tokens;
    let metered = listed.iter().find(|t| t.name == "metered").unwrap().clone();
    let unlimited = listed.iter().find(|t| t.name == "unlimited").unwrap();
    assert_eq!(
        (metered.rpm, metered.tpm, metered.max_concurrency),
        (Some(60), Some(1000), Some(2))
    );
    assert_eq!(metered.period_used, "0");
    assert_eq!(metered.remaining_quota.as_deref(), Some("10"));
    assert_eq!(metered.remaining_period_quota.as_deref(), Some("2"));
    assert_eq!(
        metered.period_resets_at_ms,
        Some(today_start_ms() + 86_400_000)
    );
    assert_eq!(
        (unlimited.rpm, unlimited.remaining_quota.as_deref()),
        (None, None)
    );
    assert_eq!(
        (
            unlimited.remaining_period_quota.as_deref(),
            unlimited.period_resets_at_ms
        ),
        (None, None)
    );

    // Charged in the current period: both quotas shrink.
    let id = metered.id;
    let get = |tokens: &mut TokenServiceClient<Authed>| {
        let mut tokens = tokens.clone();
        async move {
            tokens
                .get_token(pb::GetTokenRequest { id })
                .await
                .unwrap()
                .into_inner()
        }
    };
    charge(&harness.store, id, "3.25", "1.5", today_start_ms()).await;
    let token = get(&mut tokens).await;
    assert_eq!(token.used_amount, "3.25");
    assert_eq!(token.period_used, "1.5");
    assert_eq!(token.remaining_quota.as_deref(), Some("6.75"));
    assert_eq!(token.remaining_period_quota.as_deref(), Some("0.5"));
    // Charged last in yesterday's period: today nothing is spent yet.
    charge(&harness.store, id, "3.25", "1.5", today_start_ms() - 1).await;
    let token = get(&mut tokens).await;
    assert_eq!(token.period_used, "0");
    assert_eq!(token.remaining_period_quota.as_deref(), Some("2"));
    // Overspent (at most one request's estimate can do that): never below zero.
    charge(&harness.store, id, "12", "2.5", today_start_ms()).await;
    let token = get(&mut tokens).await;
    assert_eq!(token.remaining_quota.as_deref(), Some("0"));
    assert_eq!(token.remaining_period_quota.as_deref(), Some("0"));

    // A FieldMask update touches only the named limits.
    let updated = tokens
        .update_token(pb::UpdateTokenRequest {
            token: Some(pb::Token {
                id,
                rpm: Some(120),
                tpm: Some(5),
                ..pb::Token::default()
            }),
            update_mask: mask(&["rpm"]),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((updated.rpm, updated.tpm), (Some(120), Some(1000)));
    assert_eq!(updated.quota.as_deref(), Some("10"));
    let updated = tokens
        .update_token(pb::UpdateTokenRequest {
            token: Some(pb::Token {
                id,
                ..pb::Token::default()
            }),
            update_mask: mask(&["tpm", "max_concurrency"]),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (updated.rpm, updated.tpm, updated.max_concurrency),
        (Some(120), None, None)
    );
    // The same period keeps what was spent in it; a new period starts from nothing.
    assert_eq!(updated.period_used, "2.5");
    let updated = tokens
        .update_token(pb::UpdateTokenRequest {
            token: Some(pb::Token {
                id,
                period: pb::QuotaPeriod::Monthly as i32,
                ..pb::Token::default()
            }),
            update_mask: mask(&["period"]),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.period_used, "0");
    assert_eq!(updated.remaining_period_quota.as_deref(), Some("2"));
    assert_eq!(updated.used_amount, "12");
    check_err(
        tokens
            .update_token(pb::UpdateTokenRequest {
                token: Some(pb::Token {
                    id,
                    rpm: Some(-1),
                    ..pb::Token::default()
                }),
                update_mask: mask(&["rpm"]),
            })
            .await,
        Code::InvalidArgument,
        "token.rpm",
    );

    // Groups: the concurrency limit round-trips and a masked update leaves the rest alone.
    let mut groups = harness.groups();
    let vip = groups
        .get_group(pb::GetGroupRequest { id: "vip".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(vip.max_concurrency, Some(8));
    assert_eq!(vip.balance, "0");
    let vip = groups
        .update_group(pb::UpdateGroupRequest {
            group: Some(pb::Group {
                id: "vip".into(),
                max_concurrency: Some(3),
                rpm_ratio: 9.0,
                balance: "7.5".into(),
                ..pb::Group::default()
            }),
            update_mask: mask(&["max_concurrency", "balance"]),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (vip.max_concurrency, vip.rpm_ratio, vip.balance.as_str()),
        (Some(3), 1.0, "7.5")
    );
    check_err(
        groups
            .update_group(pb::UpdateGroupRequest {
                group: Some(pb::Group {
                    id: "vip".into(),
                    max_concurrency: Some(-2),
                    ..pb::Group::default()
                }),
                update_mask: mask(&["max_concurrency"]),
            })
            .await,
        Code::InvalidArgument,
        "group.max_concurrency",
    );

    // A settings update never writes back a balance read before a charge committed.
    let stale = harness.store.get_group("vip").await.unwrap();
    sqlx::query("UPDATE groups SET balance = '4.5' WHERE id = 'vip'")
        .execute(harness.store.pool())
        .await
        .unwrap();
    let settled = harness
        .store
        .update_group_settings(&hub::store::Group {
            max_concurrency: Some(5),
            ..stale
        })
        .await
        .unwrap();
    assert_eq!(
        (
            settled.max_concurrency,
            settled.balance.to_string().as_str()
        ),
        (Some(5), "4.5")
    );
    let vip = groups
        .set_group_status(pb::SetGroupStatusRequest {
            id: "vip".into(),
            status: pb::Status::Disabled as i32,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (vip.balance.as_str(), vip.max_concurrency),
        ("4.5", Some(5))
    );

    // Model configs: the default output estimate.
    let mut models = harness.models();
    let m1 = models
        .get_model_config(pb::GetModelConfigRequest { model: "m1".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(m1.max_output_tokens, Some(4096));
    let m1 = models
        .update_model_config(pb::UpdateModelConfigRequest {
            model_config: Some(pb::ModelConfig {
                model: "m1".into(),
                max_output_tokens: Some(512),
                owner: "ignored".into(),
                ..pb::ModelConfig::default()
            }),
            update_mask: mask(&["max_output_tokens"]),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((m1.max_output_tokens, m1.owner.as_str()), (Some(512), ""));
    check_err(
        models
            .update_model_config(pb::UpdateModelConfigRequest {
                model_config: Some(pb::ModelConfig {
                    model: "m1".into(),
                    max_output_tokens: Some(-1),
                    ..pb::ModelConfig::default()
                }),
                update_mask: mask(&["max_output_tokens"]),
            })
            .await,
        Code::InvalidArgument,
        "model_config.max_output_tokens",
    );

    // Served models: configured or not, none dropped; disabled channels serve nothing.
    let served = |group_id: &str| {
        let mut models = models.clone();
        let group_id = group_id.to_owned();
        async move {
            models
                .list_served_models(pb::ListServedModelsRequest { group_id })
                .await
                .map(|response| {
                    response
                        .into_inner()
                        .models
                        .into_iter()
                        .map(|model| (model.model, model.configured, model.channels.join(",")))
                        .collect::<Vec<_>>()
                })
        }
    };
    let row = |model: &str, configured: bool, channels: &str| {
        (model.to_owned(), configured, channels.to_owned())
    };
    assert_eq!(
        served("").await.unwrap(),
        vec![
            row("m1", true, "plain"),
            row("m2", false, "premium,plain"),
            row("m3", false, "premium"),
        ]
    );
    assert_eq!(
        served("acme").await.unwrap(),
        vec![row("m1", true, "plain"), row("m2", false, "plain")]
    );
    assert_eq!(
        served("vip").await.unwrap(),
        vec![row("m2", false, "premium"), row("m3", false, "premium")]
    );
    check_err(served("nope").await, Code::NotFound, "nope");

    // The config file carries the same fields: export shows them, re-applying changes nothing.
    let exported = harness
        .config()
        .export(pb::ExportRequest {})
        .await
        .unwrap()
        .into_inner()
        .document;
    for needle in ["max_concurrency: 5", "rpm: 120", "max_output_tokens: 512"] {
        assert!(exported.contains(needle), "{needle} not in {exported}");
    }
    let again = harness
        .config()
        .apply(pb::ApplyRequest { document: exported })
        .await
        .unwrap()
        .into_inner();
    assert!(again.report.contains("no changes"), "{}", again.report);
}

#[tokio::test]
async fn tenancy_limits_and_quota_views_on_sqlite() {
    tenancy_limits_and_quota_views(Harness::start().await).await;
}

#[tokio::test]
async fn tenancy_limits_and_quota_views_on_postgres() {
    tenancy_limits_and_quota_views(Harness::start_postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_types_describe_themselves_and_keep_the_plain_list() {
    let harness = Harness::start().await;
    let types = harness
        .channels()
        .list_channel_types(pb::ListChannelTypesRequest {})
        .await
        .unwrap()
        .into_inner();
    let names: Vec<&str> = types
        .descriptions
        .iter()
        .map(|description| description.name.as_str())
        .collect();
    assert_eq!(
        types.types, names,
        "the old list names the same types in order"
    );
    let registered: Vec<&str> = relay::host::ChannelKind::all()
        .map(|kind| kind.as_str())
        .collect();
    assert_eq!(names, registered);
    let describe = |name: &str| {
        types
            .descriptions
            .iter()
            .find(|description| description.name == name)
            .unwrap_or_else(|| panic!("{name} is not described"))
    };

    let deepseek = describe("deepseek");
    assert_eq!(deepseek.display_name, "DeepSeek");
    assert_eq!(deepseek.default_base_url, "https://api.deepseek.com/v1");
    let anthropic_api = deepseek
        .config_keys
        .iter()
        .find(|key| key.name == "anthropic_api")
        .unwrap();
    assert_eq!(
        (
            anthropic_api.r#type.as_str(),
            anthropic_api.default.as_str()
        ),
        ("bool", "true")
    );
    assert!(!anthropic_api.help.is_empty());
    for route in ["/v1/chat/completions", "/v1/messages", "/v1/responses"] {
        assert!(
            deepseek.endpoints.iter().any(|served| served == route),
            "{route}"
        );
    }
    assert!(
        deepseek
            .native_endpoints
            .iter()
            .any(|route| route == "/v1/messages")
    );
    assert!(
        !deepseek
            .native_endpoints
            .iter()
            .any(|route| route == "/v1/responses")
    );

    let cloudflare = describe("cloudflare");
    assert!(cloudflare.key_help.contains("account_id|api_token"));
    let azure = describe("azure");
    assert_eq!(
        azure.default_base_url, "",
        "every Azure resource has its own host"
    );
    assert!(
        azure
            .config_keys
            .iter()
            .any(|key| key.name == "api_version")
    );
    let anthropic = describe("anthropic");
    assert_eq!(anthropic.aliases, ["claude"]);
    assert_eq!(anthropic.native_endpoints, ["/v1/messages"]);
    let tei = describe("text-embeddings-inference");
    assert_eq!(tei.endpoints, ["/v1/embeddings", "/v1/rerank"]);
    assert!(
        tei.aliases
            .iter()
            .any(|alias| alias == "huggingface text-embeddings-inference")
    );
}
