//! Scoped admin keys and the audit trail: the RBAC matrix on every transport, revocation, audit events without secrets.
//!
//! Every role and a group scope against a representative RPC of every service over gRPC,
//! gRPC-web, Connect JSON, REST and `/mcp/admin`; revocation across replicas; audit events of every
//! transport, with diffs and without secrets.

use std::time::Duration;

use prost::Message;
use serde_json::{Value, json};
use tonic::Code;

use crate::support::mcp_calls::call_tool;
use crate::support::{self, ADMIN_KEY, TestDatabase, TestHub, control_channel};
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::access_service_client::AccessServiceClient;
use hub::edges::grpc::pb::channel_service_client::ChannelServiceClient;
use hub::edges::grpc::pb::config_service_client::ConfigServiceClient;
use hub::edges::grpc::pb::group_service_client::GroupServiceClient;
use hub::edges::grpc::pb::log_service_client::LogServiceClient;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use hub::edges::grpc::pb::model_service_client::ModelServiceClient;
use hub::edges::grpc::pb::option_service_client::OptionServiceClient;
use hub::edges::grpc::pb::token_service_client::TokenServiceClient;

const CONFIG_CHANNEL_SECRET: &str = "sk-config-channel-SECRET-0123456789";
const CONFIG_TOKEN_SECRET: &str = "sk-acme-config-token-SECRET-0001";
const CHANNEL_SECRET: &str = "sk-grpc-channel-SECRET-abcdefghij";
const CHANNEL_SECRET_2: &str = "sk-grpc-channel-SECRET-rotated-klmnop";
const MCP_TOKEN_SECRET: &str = "sk-mcp-made-token-SECRET-0042";

/// Two groups, a channel, a model, a token in each group, a group and a public MCP server.
fn config() -> String {
    format!(
        r#"
groups:
  - id: acme
  - id: other
channels:
  - name: main
    type: fake
    key: {CONFIG_CHANNEL_SECRET}
    models: [m1]
models:
  - model: m1
tokens:
  - {{group: acme, name: t-acme, key: {CONFIG_TOKEN_SECRET}}}
  - {{group: other, name: t-other, key: sk-other-config-token-0002}}
mcp_servers:
  - {{id: acme-clock, scope: group, group: acme, type: embedded, template: time}}
  - {{id: pub-clock, scope: public, type: embedded, template: time}}
"#
    )
}

fn keyed<T>(key: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {key}").parse().unwrap());
    request
}

/// Creates an admin key with the bootstrap key; returns its id and the key itself.
async fn create_key(
    hub: &TestHub,
    name: &str,
    role: pb::AdminRole,
    groups: &[&str],
) -> (i64, String) {
    let created = AccessServiceClient::new(control_channel(hub).await)
        .create_admin_key(keyed(
            ADMIN_KEY,
            pb::CreateAdminKeyRequest {
                name: name.to_owned(),
                role: role as i32,
                groups: groups.iter().map(|group| (*group).to_owned()).collect(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(created.key.starts_with("ak-"), "{}", created.key);
    (created.admin_key.unwrap().id, created.key)
}

/// What one attempt came to: done, refused for want of permission, or anything else (a test
/// mistake, never a pass).
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Allowed,
    Denied,
    Other(String),
}

fn grpc<T: std::fmt::Debug>(result: Result<tonic::Response<T>, tonic::Status>) -> Outcome {
    match result {
        Ok(_) => Outcome::Allowed,
        Err(status) if status.code() == Code::PermissionDenied => Outcome::Denied,
        Err(status) => Outcome::Other(format!("{status:?}")),
    }
}

async fn rest(
    hub: &TestHub,
    method: &str,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client
        .request(method.parse().unwrap(), hub.url(path))
        .bearer_auth(key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn rest_outcome((status, body): (u16, Value)) -> Outcome {
    match status {
        200..=299 => Outcome::Allowed,
        403 => Outcome::Denied,
        _ => Outcome::Other(format!("{status} {body}")),
    }
}

/// An `/mcp/admin` tool call: the structured result, or the tool error's text.
async fn mcp_tool(hub: &TestHub, key: &str, tool: &str, arguments: Value) -> Result<Value, String> {
    let reply = call_tool(hub, "/mcp/admin", key, tool, arguments).await;
    if let Some(error) = reply.get("error") {
        return Err(error.to_string());
    }
    let result = &reply["result"];
    if result["isError"] == true {
        return Err(result["content"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned());
    }
    Ok(result["structuredContent"].clone())
}

fn mcp_outcome(result: Result<Value, String>) -> Outcome {
    match result {
        Ok(_) => Outcome::Allowed,
        Err(text) if text.contains("permission denied") => Outcome::Denied,
        Err(text) => Outcome::Other(text),
    }
}

/// A gRPC-web call (what the panel sends): the `grpc-status` of the answer.
async fn grpc_web_status(hub: &TestHub, method: &str, message: &impl Message, key: &str) -> String {
    let payload = message.encode_to_vec();
    let mut body = vec![0u8];
    body.extend_from_slice(&u32::try_from(payload.len()).unwrap().to_be_bytes());
    body.extend_from_slice(&payload);
    let response = reqwest::Client::new()
        .post(hub.url(&format!("/aiproxy.admin.v1.{method}")))
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .header("authorization", format!("Bearer {key}"))
        .body(body)
        .send()
        .await
        .unwrap();
    if let Some(status) = response.headers().get("grpc-status") {
        return status.to_str().unwrap().to_owned();
    }
    let bytes = response.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    text.lines()
        .find_map(|line| line.split("grpc-status:").nth(1))
        .map(|status| {
            status
                .trim()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect()
        })
        .unwrap_or_default()
}

/// A Connect JSON call (what curl sends): the HTTP status and the Connect error code.
async fn connect_outcome(hub: &TestHub, method: &str, message: Value, key: &str) -> Outcome {
    let response = reqwest::Client::new()
        .post(hub.url(&format!("/aiproxy.admin.v1.{method}")))
        .bearer_auth(key)
        .json(&message)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    match (status, body["code"].as_str()) {
        (200, None) => Outcome::Allowed,
        (403, Some("permission_denied")) => Outcome::Denied,
        _ => Outcome::Other(format!("{status} {body}")),
    }
}

fn grpc_web_outcome(status: String) -> Outcome {
    match status.as_str() {
        "0" => Outcome::Allowed,
        "7" => Outcome::Denied,
        other => Outcome::Other(format!("grpc-status {other}")),
    }
}

/// One representative operation of a service on one transport.
#[derive(Debug, Clone, Copy)]
enum Op {
    GrpcListGroups,
    GrpcCreateGroup,
    GrpcCreateTokenAcme,
    GrpcCreateTokenOther,
    GrpcListChannels,
    GrpcListModelConfigs,
    GrpcPutOverrideAcme,
    GrpcGetPublicMcpServer,
    GrpcGetAcmeMcpServer,
    GrpcSetGroupParamsAcme,
    GrpcSetOption,
    GrpcListOptions,
    GrpcListLogsAcme,
    GrpcListLogsOther,
    GrpcExport,
    GrpcListAdminKeys,
    GrpcListAuditEvents,
    GrpcWebListChannels,
    GrpcWebCreateGroup,
    ConnectListChannels,
    ConnectCreateGroup,
    ConnectCreateTokenAcme,
    ConnectCreateTokenOther,
    ConnectSetOption,
    RestListChannels,
    RestCreateGroup,
    RestCreateTokenAcme,
    RestCreateTokenOther,
    RestAutoCreateGroup,
    RestDashboard,
    RestListLogsAcme,
    McpListTokens,
    McpListChannels,
    McpPutTokenAcme,
    McpPutTokenOther,
    McpPutOption,
}

async fn run(hub: &TestHub, op: Op, key: &str, label: &str) -> Outcome {
    let channel = control_channel(hub).await;
    match op {
        Op::GrpcListGroups => grpc(
            GroupServiceClient::new(channel)
                .list_groups(keyed(key, pb::ListGroupsRequest::default()))
                .await,
        ),
        Op::GrpcCreateGroup => grpc(
            GroupServiceClient::new(channel)
                .create_group(keyed(
                    key,
                    pb::CreateGroupRequest {
                        group: Some(pb::Group {
                            id: format!("g-{label}"),
                            ..Default::default()
                        }),
                    },
                ))
                .await,
        ),
        Op::GrpcCreateTokenAcme | Op::GrpcCreateTokenOther => {
            let group = if matches!(op, Op::GrpcCreateTokenAcme) {
                "acme"
            } else {
                "other"
            };
            grpc(
                TokenServiceClient::new(channel)
                    .create_token(keyed(
                        key,
                        pb::CreateTokenRequest {
                            token: Some(pb::Token {
                                group_id: group.to_owned(),
                                name: format!("grpc-{label}"),
                                ..Default::default()
                            }),
                            key: None,
                        },
                    ))
                    .await,
            )
        }
        Op::GrpcListChannels => grpc(
            ChannelServiceClient::new(channel)
                .list_channels(keyed(key, pb::ListChannelsRequest::default()))
                .await,
        ),
        Op::GrpcListModelConfigs => grpc(
            ModelServiceClient::new(channel)
                .list_model_configs(keyed(key, pb::ListModelConfigsRequest::default()))
                .await,
        ),
        Op::GrpcPutOverrideAcme => grpc(
            ModelServiceClient::new(channel)
                .put_group_model_override(keyed(
                    key,
                    pb::PutGroupModelOverrideRequest {
                        r#override: Some(pb::GroupModelOverride {
                            group_id: "acme".into(),
                            model: "m1".into(),
                            rpm: Some(60),
                            ..Default::default()
                        }),
                    },
                ))
                .await,
        ),
        Op::GrpcGetPublicMcpServer | Op::GrpcGetAcmeMcpServer => {
            let id = if matches!(op, Op::GrpcGetPublicMcpServer) {
                "pub-clock"
            } else {
                "acme-clock"
            };
            grpc(
                McpServiceClient::new(channel)
                    .get_mcp_server(keyed(key, pb::GetMcpServerRequest { id: id.into() }))
                    .await,
            )
        }
        Op::GrpcSetGroupParamsAcme => grpc(
            McpServiceClient::new(channel)
                .set_group_mcp_params(keyed(
                    key,
                    pb::SetGroupMcpParamsRequest {
                        params: Some(pb::GroupMcpParams {
                            server_id: "pub-clock".into(),
                            group_id: "acme".into(),
                            params: [("tz".to_owned(), label.to_owned())].into(),
                            ..Default::default()
                        }),
                    },
                ))
                .await,
        ),
        Op::GrpcSetOption => grpc(
            OptionServiceClient::new(channel)
                .set_option(keyed(
                    key,
                    pb::SetOptionRequest {
                        option: Some(pb::Option {
                            key: "RetryTimes".into(),
                            value: "3".into(),
                        }),
                    },
                ))
                .await,
        ),
        Op::GrpcListOptions => grpc(
            OptionServiceClient::new(channel)
                .list_options(keyed(key, pb::ListOptionsRequest {}))
                .await,
        ),
        Op::GrpcListLogsAcme | Op::GrpcListLogsOther => {
            let group = if matches!(op, Op::GrpcListLogsAcme) {
                "acme"
            } else {
                "other"
            };
            grpc(
                LogServiceClient::new(channel)
                    .list_logs(keyed(
                        key,
                        pb::ListLogsRequest {
                            filter: Some(pb::LogFilter {
                                group_id: Some(group.into()),
                                ..Default::default()
                            }),
                            page_size: 10,
                            page_token: String::new(),
                        },
                    ))
                    .await,
            )
        }
        Op::GrpcExport => grpc(
            ConfigServiceClient::new(channel)
                .export(keyed(key, pb::ExportRequest::default()))
                .await,
        ),
        Op::GrpcListAdminKeys => grpc(
            AccessServiceClient::new(channel)
                .list_admin_keys(keyed(key, pb::ListAdminKeysRequest {}))
                .await,
        ),
        Op::GrpcListAuditEvents => grpc(
            AccessServiceClient::new(channel)
                .list_audit_events(keyed(key, pb::ListAuditEventsRequest::default()))
                .await,
        ),
        Op::GrpcWebListChannels => grpc_web_outcome(
            grpc_web_status(
                hub,
                "ChannelService/ListChannels",
                &pb::ListChannelsRequest::default(),
                key,
            )
            .await,
        ),
        Op::GrpcWebCreateGroup => grpc_web_outcome(
            grpc_web_status(
                hub,
                "GroupService/CreateGroup",
                &pb::CreateGroupRequest {
                    group: Some(pb::Group {
                        id: format!("web-{label}"),
                        ..Default::default()
                    }),
                },
                key,
            )
            .await,
        ),
        Op::ConnectListChannels => {
            connect_outcome(hub, "ChannelService/ListChannels", json!({}), key).await
        }
        Op::ConnectCreateGroup => {
            connect_outcome(
                hub,
                "GroupService/CreateGroup",
                json!({"group": {"id": format!("connect-{label}")}}),
                key,
            )
            .await
        }
        Op::ConnectCreateTokenAcme | Op::ConnectCreateTokenOther => {
            let group = if matches!(op, Op::ConnectCreateTokenAcme) {
                "acme"
            } else {
                "other"
            };
            connect_outcome(
                hub,
                "TokenService/CreateToken",
                json!({"token": {"groupId": group, "name": format!("connect-{label}")}}),
                key,
            )
            .await
        }
        Op::ConnectSetOption => {
            connect_outcome(
                hub,
                "OptionService/SetOption",
                json!({"option": {"key": "RetryTimes", "value": "2"}}),
                key,
            )
            .await
        }
        Op::RestListChannels => rest_outcome(rest(hub, "GET", "/api/channels/", key, None).await),
        Op::RestCreateGroup => rest_outcome(
            rest(
                hub,
                "POST",
                &format!("/api/group/rest-{label}"),
                key,
                Some(json!({})),
            )
            .await,
        ),
        Op::RestCreateTokenAcme | Op::RestCreateTokenOther => {
            let group = if matches!(op, Op::RestCreateTokenAcme) {
                "acme"
            } else {
                "other"
            };
            rest_outcome(
                rest(
                    hub,
                    "POST",
                    &format!("/api/token/{group}"),
                    key,
                    Some(json!({"name": format!("rest-{label}")})),
                )
                .await,
            )
        }
        Op::RestAutoCreateGroup => rest_outcome(
            rest(
                hub,
                "POST",
                &format!("/api/token/auto-{label}?auto_create_group=true"),
                key,
                Some(json!({"name": "first"})),
            )
            .await,
        ),
        Op::RestDashboard => rest_outcome(rest(hub, "GET", "/api/dashboard/", key, None).await),
        Op::RestListLogsAcme => rest_outcome(rest(hub, "GET", "/api/log/acme", key, None).await),
        Op::McpListTokens => mcp_outcome(mcp_tool(hub, key, "tokens_list", json!({})).await),
        Op::McpListChannels => mcp_outcome(mcp_tool(hub, key, "channels_list", json!({})).await),
        Op::McpPutTokenAcme | Op::McpPutTokenOther => {
            let group = if matches!(op, Op::McpPutTokenAcme) {
                "acme"
            } else {
                "other"
            };
            mcp_outcome(
                mcp_tool(
                    hub,
                    key,
                    "tokens_put",
                    json!({"item": {"group": group, "name": format!("mcp-{label}")}}),
                )
                .await,
            )
        }
        Op::McpPutOption => mcp_outcome(
            mcp_tool(
                hub,
                key,
                "options_put",
                json!({"item": {"key": "RetryTimes", "value": "4"}}),
            )
            .await,
        ),
    }
}

const A: bool = true;
const D: bool = false;

/// Each operation and whether it is allowed to: admin, operator, viewer, an operator scoped
/// to `acme`.
const MATRIX: &[(Op, [bool; 4])] = &[
    (Op::GrpcListGroups, [A, A, A, A]),
    (Op::GrpcCreateGroup, [A, A, D, D]),
    (Op::GrpcCreateTokenAcme, [A, A, D, A]),
    (Op::GrpcCreateTokenOther, [A, A, D, D]),
    (Op::GrpcListChannels, [A, A, A, D]),
    (Op::GrpcListModelConfigs, [A, A, A, D]),
    (Op::GrpcPutOverrideAcme, [A, A, D, A]),
    (Op::GrpcGetPublicMcpServer, [A, A, A, D]),
    (Op::GrpcGetAcmeMcpServer, [A, A, A, A]),
    (Op::GrpcSetGroupParamsAcme, [A, A, D, A]),
    (Op::GrpcSetOption, [A, D, D, D]),
    (Op::GrpcListOptions, [A, A, A, D]),
    (Op::GrpcListLogsAcme, [A, A, A, A]),
    (Op::GrpcListLogsOther, [A, A, A, D]),
    (Op::GrpcExport, [A, A, A, D]),
    (Op::GrpcListAdminKeys, [A, D, D, D]),
    (Op::GrpcListAuditEvents, [A, A, A, D]),
    (Op::GrpcWebListChannels, [A, A, A, D]),
    (Op::GrpcWebCreateGroup, [A, A, D, D]),
    (Op::ConnectListChannels, [A, A, A, D]),
    (Op::ConnectCreateGroup, [A, A, D, D]),
    (Op::ConnectCreateTokenAcme, [A, A, D, A]),
    (Op::ConnectCreateTokenOther, [A, A, D, D]),
    (Op::ConnectSetOption, [A, D, D, D]),
    (Op::RestListChannels, [A, A, A, D]),
    (Op::RestCreateGroup, [A, A, D, D]),
    (Op::RestCreateTokenAcme, [A, A, D, A]),
    (Op::RestCreateTokenOther, [A, A, D, D]),
    (Op::RestAutoCreateGroup, [A, A, D, D]),
    (Op::RestDashboard, [A, A, A, D]),
    (Op::RestListLogsAcme, [A, A, A, A]),
    (Op::McpListTokens, [A, A, A, A]),
    (Op::McpListChannels, [A, A, A, D]),
    (Op::McpPutTokenAcme, [A, A, D, A]),
    (Op::McpPutTokenOther, [A, A, D, D]),
    (Op::McpPutOption, [A, D, D, D]),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_and_a_group_scope_against_every_service_and_transport() {
    let hub = TestHub::start_with_config(&config()).await;
    let keys = [
        (
            "admin",
            create_key(&hub, "k-admin", pb::AdminRole::Admin, &[])
                .await
                .1,
        ),
        (
            "operator",
            create_key(&hub, "k-operator", pb::AdminRole::Operator, &[])
                .await
                .1,
        ),
        (
            "viewer",
            create_key(&hub, "k-viewer", pb::AdminRole::Viewer, &[])
                .await
                .1,
        ),
        (
            "scoped",
            create_key(&hub, "k-scoped", pb::AdminRole::Operator, &["acme"])
                .await
                .1,
        ),
    ];
    let mut failures = Vec::new();
    for (op, expected) in MATRIX {
        for ((label, key), allowed) in keys.iter().zip(expected) {
            let outcome = run(&hub, *op, key, label).await;
            let wanted = if *allowed {
                Outcome::Allowed
            } else {
                Outcome::Denied
            };
            if outcome != wanted {
                failures.push(format!(
                    "{op:?} as {label}: {outcome:?}, expected {wanted:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Lists of group objects are filtered to the scope, on every transport.
    let scoped = &keys[3].1;
    let channel = control_channel(&hub).await;
    let tokens = TokenServiceClient::new(channel.clone())
        .list_tokens(keyed(scoped, pb::ListTokensRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .tokens;
    assert!(
        !tokens.is_empty() && tokens.iter().all(|token| token.group_id == "acme"),
        "{tokens:?}"
    );
    let groups = GroupServiceClient::new(channel.clone())
        .list_groups(keyed(scoped, pb::ListGroupsRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .groups;
    assert_eq!(
        groups
            .iter()
            .map(|group| group.id.as_str())
            .collect::<Vec<_>>(),
        ["acme"]
    );
    let servers = McpServiceClient::new(channel.clone())
        .list_mcp_servers(keyed(scoped, pb::ListMcpServersRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .servers;
    assert_eq!(
        servers
            .iter()
            .map(|server| server.id.as_str())
            .collect::<Vec<_>>(),
        ["acme-clock"]
    );
    let (status, body) = rest(&hub, "GET", "/api/tokens/?per_page=100", scoped, None).await;
    assert_eq!(status, 200, "{body}");
    let groups_seen: Vec<&str> = body["data"]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|token| token["group"].as_str().unwrap())
        .collect();
    assert!(
        !groups_seen.is_empty() && groups_seen.iter().all(|group| *group == "acme"),
        "{body}"
    );
    let listed = mcp_tool(&hub, scoped, "tokens_list", json!({}))
        .await
        .unwrap();
    let items = listed["items"].as_array().unwrap();
    assert!(
        !items.is_empty() && items.iter().all(|item| item["group"] == "acme"),
        "{listed}"
    );
    // Another group's token is out of reach by id too.
    let other_token = TokenServiceClient::new(channel.clone())
        .list_tokens(keyed(
            ADMIN_KEY,
            pb::ListTokensRequest {
                group_id: "other".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .tokens[0]
        .id;
    let fetched = TokenServiceClient::new(channel.clone())
        .get_token(keyed(scoped, pb::GetTokenRequest { id: other_token }))
        .await;
    assert_eq!(grpc(fetched), Outcome::Denied);
    let (status, _) = rest(
        &hub,
        "DELETE",
        &format!("/api/tokens/{other_token}"),
        scoped,
        None,
    )
    .await;
    assert_eq!(status, 403);
    // Who each key is, for the panel.
    let me = AccessServiceClient::new(channel)
        .who_am_i(keyed(scoped, pb::WhoAmIRequest {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (me.name.as_str(), me.groups.as_slice()),
        ("k-scoped", &["acme".to_owned()][..])
    );
    hub.stop().await.unwrap();
}

/// Polls `check` until it holds (the other replica hears of the change through Redis).
async fn eventually(mut check: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..400 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

async fn replica(database: &TestDatabase, prefix: &str, config: Option<&str>) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    settings.sql_dsn = Some(database.url());
    settings.redis = Some("redis://127.0.0.1:6379".into());
    settings.redis_key_prefix = prefix.to_owned();
    // No revision poll worth waiting for: the change feed is what must carry the keys.
    settings.config_poll_seconds = 3600;
    if let Some(config) = config {
        let path = data_dir.path().join("aiproxy.yaml");
        std::fs::write(&path, config).unwrap();
        settings.config_file_path = Some(path);
    }
    TestHub::start_with(settings, data_dir).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_key_stops_working_on_every_replica() {
    let database = TestDatabase::create().await;
    let prefix = support::unique_redis_prefix();
    let first = replica(&database, &prefix, Some(&config())).await;
    let second = replica(&database, &prefix, None).await;
    let (id, key) = create_key(&first, "ops-team", pb::AdminRole::Operator, &[]).await;
    let list_groups = async |hub: &TestHub, key: &str| {
        GroupServiceClient::new(control_channel(hub).await)
            .list_groups(keyed(key, pb::ListGroupsRequest::default()))
            .await
            .map(|_| ())
            .map_err(|status| status.code())
    };
    assert!(list_groups(&first, &key).await.is_ok());
    assert!(
        eventually(async || list_groups(&second, &key).await.is_ok()).await,
        "the other replica never accepted the new key"
    );
    // Listed with the start of the key only.
    let listed = AccessServiceClient::new(control_channel(&first).await)
        .list_admin_keys(keyed(ADMIN_KEY, pb::ListAdminKeysRequest {}))
        .await
        .unwrap()
        .into_inner()
        .admin_keys;
    let shown = listed.iter().find(|item| item.id == id).unwrap();
    assert!(
        key.starts_with(&shown.key_prefix) && shown.key_prefix.len() <= 8,
        "{shown:?}"
    );
    assert!(!format!("{listed:?}").contains(&key));

    let revoked = AccessServiceClient::new(control_channel(&first).await)
        .revoke_admin_key(keyed(ADMIN_KEY, pb::RevokeAdminKeyRequest { id }))
        .await
        .unwrap()
        .into_inner();
    assert!(revoked.revoked_at_ms.is_some());
    assert_eq!(list_groups(&first, &key).await, Err(Code::Unauthenticated));
    assert!(
        eventually(async || list_groups(&second, &key).await == Err(Code::Unauthenticated)).await,
        "the other replica still accepts the revoked key"
    );
    let (status, _) = rest(&second, "GET", "/api/groups/", &key, None).await;
    assert_eq!(status, 401);
    let (status, _) = crate::support::mcp_calls::stateless(
        &second,
        "/mcp/admin",
        &key,
        "tools/list",
        None,
        json!({}),
    )
    .await;
    assert_eq!(status, 401);
    // The bootstrap key is unaffected, and a key cannot be made an admin key by name reuse.
    assert!(list_groups(&second, ADMIN_KEY).await.is_ok());
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

async fn audit_events(
    hub: &TestHub,
    request: pb::ListAuditEventsRequest,
) -> pb::ListAuditEventsResponse {
    AccessServiceClient::new(control_channel(hub).await)
        .list_audit_events(keyed(ADMIN_KEY, request))
        .await
        .unwrap()
        .into_inner()
}

async fn check_audit_trail(hub: TestHub) {
    let (operator_id, operator) = create_key(&hub, "auditee", pb::AdminRole::Operator, &[]).await;
    let channel = control_channel(&hub).await;
    // gRPC: a channel created and its key rotated.
    let created = ChannelServiceClient::new(channel.clone())
        .create_channel(keyed(
            &operator,
            pb::CreateChannelRequest {
                channel: Some(pb::Channel {
                    name: "audited".into(),
                    r#type: "openai".into(),
                    key: CHANNEL_SECRET.into(),
                    models: vec!["m1".into()],
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    ChannelServiceClient::new(channel.clone())
        .update_channel(keyed(
            &operator,
            pb::UpdateChannelRequest {
                channel: Some(pb::Channel {
                    id: created.id,
                    key: CHANNEL_SECRET_2.into(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["key".into()],
                }),
            },
        ))
        .await
        .unwrap();
    // A write that stores no object still leaves its event; a refused one leaves none.
    ChannelServiceClient::new(channel.clone())
        .clear_channel_bans(keyed(&operator, pb::ClearChannelBansRequest::default()))
        .await
        .unwrap();
    let duplicate = GroupServiceClient::new(channel.clone())
        .create_group(keyed(
            &operator,
            pb::CreateGroupRequest {
                group: Some(pb::Group {
                    id: "acme".into(),
                    ..Default::default()
                }),
            },
        ))
        .await;
    assert_eq!(duplicate.unwrap_err().code(), Code::AlreadyExists);
    // gRPC-web, REST and MCP.
    let status = grpc_web_status(
        &hub,
        "GroupService/CreateGroup",
        &pb::CreateGroupRequest {
            group: Some(pb::Group {
                id: "web-made".into(),
                ..Default::default()
            }),
        },
        &operator,
    )
    .await;
    assert_eq!(status, "0");
    let (status, body) = rest(
        &hub,
        "POST",
        "/api/token/acme",
        &operator,
        Some(json!({"name": "rest-made"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let rest_key = body["data"]["key"].as_str().unwrap().to_owned();
    assert!(!rest_key.is_empty());
    mcp_tool(
        &hub,
        &operator,
        "tokens_put",
        json!({"item": {"group": "acme", "name": "mcp-made", "key": MCP_TOKEN_SECRET}}),
    )
    .await
    .unwrap();

    let all = audit_events(
        &hub,
        pb::ListAuditEventsRequest {
            page_size: 1000,
            ..Default::default()
        },
    )
    .await;
    let events = &all.events;
    let find = |action: &str, kind: &str| {
        events
            .iter()
            .find(|event| event.action == action && event.object_kind == kind)
            .unwrap_or_else(|| panic!("no {kind} event of {action}: {events:#?}"))
    };
    // The startup apply, as the configuration file.
    let from_file = find("config-file", "channel");
    assert_eq!(
        (from_file.key_id, from_file.key_name.as_str()),
        (0, "config-file")
    );
    assert!(from_file.diff_json.contains("\"after\""), "{from_file:?}");
    // The key's creation, by the bootstrap key.
    let key_made = find("AccessService/CreateAdminKey", "admin_key");
    assert_eq!(key_made.key_name, "bootstrap");
    // gRPC writes name the key, its address and the field that changed.
    let rotated = find("ChannelService/UpdateChannel", "channel");
    assert_eq!(
        (rotated.key_id, rotated.key_name.as_str()),
        (operator_id, "auditee")
    );
    assert_eq!(rotated.client_address, "127.0.0.1");
    assert_eq!(rotated.object_id, created.id.to_string());
    let diff: Value = serde_json::from_str(&rotated.diff_json).unwrap();
    assert_eq!(
        diff.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["key"],
        "{diff}"
    );
    assert_ne!(diff["key"]["before"], diff["key"]["after"], "{diff}");
    find("ChannelService/CreateChannel", "channel");
    let cleared = find("ChannelService/ClearChannelBans", "channel");
    assert_eq!(cleared.diff_json, "{}");
    assert!(
        !events
            .iter()
            .any(|event| event.action == "GroupService/CreateGroup" && event.object_id == "acme"),
        "a refused write left an event"
    );
    let web = find("GroupService/CreateGroup", "group");
    assert_eq!(web.object_id, "web-made");
    let from_rest = find("POST /api/token/{group}", "token");
    assert_eq!(from_rest.key_name, "auditee");
    assert!(from_rest.diff_json.contains("rest-made"), "{from_rest:?}");
    let from_mcp = find("mcp/tokens_put", "token");
    assert_eq!(from_mcp.key_name, "auditee");
    assert!(from_mcp.diff_json.contains("mcp-made"), "{from_mcp:?}");
    // No event holds a secret.
    let everything = format!("{events:?}");
    for secret in [
        CONFIG_CHANNEL_SECRET,
        CONFIG_TOKEN_SECRET,
        CHANNEL_SECRET,
        CHANNEL_SECRET_2,
        MCP_TOKEN_SECRET,
        rest_key.as_str(),
        operator.as_str(),
        ADMIN_KEY,
    ] {
        assert!(
            !everything.contains(secret),
            "an audit event shows {secret}"
        );
    }

    // Filters and paging.
    let by_key = audit_events(
        &hub,
        pb::ListAuditEventsRequest {
            key_id: Some(operator_id),
            page_size: 1000,
            ..Default::default()
        },
    )
    .await;
    assert!(
        by_key.events.len() >= 5
            && by_key
                .events
                .iter()
                .all(|event| event.key_id == operator_id)
    );
    let tokens = audit_events(
        &hub,
        pb::ListAuditEventsRequest {
            object_kind: "token".into(),
            page_size: 1000,
            ..Default::default()
        },
    )
    .await;
    assert!(
        tokens
            .events
            .iter()
            .all(|event| event.object_kind == "token")
    );
    let one = audit_events(
        &hub,
        pb::ListAuditEventsRequest {
            object_kind: "channel".into(),
            object_id: created.id.to_string(),
            page_size: 1,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(one.total_size, 2, "{one:?}");
    assert_eq!(
        one.events[0].action, "ChannelService/UpdateChannel",
        "newest first"
    );
    assert!(!one.next_page_token.is_empty());
    let ancient = audit_events(
        &hub,
        pb::ListAuditEventsRequest {
            end_ms: 1,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(ancient.total_size, 0);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_on_every_transport_are_audited_without_secrets_sqlite() {
    check_audit_trail(TestHub::start_with_config(&config()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_on_every_transport_are_audited_without_secrets_postgres() {
    let database = TestDatabase::create().await;
    let (mut settings, data_dir) = TestHub::settings();
    settings.sql_dsn = Some(database.url());
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config()).unwrap();
    settings.config_file_path = Some(path);
    check_audit_trail(TestHub::start_with(settings, data_dir).await).await;
}

#[tokio::test]
async fn old_audit_events_are_deleted_by_retention() {
    let db = support::store_db::sqlite().await;
    let operation =
        hub::access::Operation::new(hub::access::AdminPrincipal::bootstrap(), "test", "");
    db.store
        .record_audit_event(&operation, "channel")
        .await
        .unwrap();
    let now = hub::store::now_ms();
    assert_eq!(
        db.store
            .delete_audit_events_before(now - 86_400_000, 10)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        db.store
            .delete_audit_events_before(now + 1000, 10)
            .await
            .unwrap(),
        1
    );
}

/// Every RPC of every admin service has a rule, and every REST route names the RPCs it runs
/// (an RPC or route without one is admin-only: safe, but surely not meant).
#[test]
fn rules_cover_every_rpc_and_route() {
    let descriptors = prost_types::FileDescriptorSet::decode(pb::FILE_DESCRIPTOR_SET).unwrap();
    let mut missing = Vec::new();
    for file in descriptors
        .file
        .iter()
        .filter(|file| file.package() == "aiproxy.admin.v1")
    {
        for service in &file.service {
            for method in &service.method {
                let rpc = format!("{}/{}", service.name(), method.name());
                if !hub::access::policy::RULES
                    .iter()
                    .any(|(name, _)| *name == rpc)
                {
                    missing.push(rpc);
                }
            }
        }
    }
    // The route table the REST router is built from: a route without a rule would be admin-only.
    for operation in hub::edges::rest::operations() {
        let method = operation.verb.as_str();
        if hub::edges::rest::access::rpcs_of(method, operation.path).is_none() {
            missing.push(format!("{method} {}", operation.path));
        }
    }
    assert!(missing.is_empty(), "no rule for: {missing:?}");
}
