//! `/api/channels/*` and `/api/channel/*`: the seed's channel routes over the control plane's ChannelService.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::channel_types::{self, name_of, number_of};
use super::spec::Operation;
use super::{ApiError, ApiResult, Body, Paging, Params, done, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::channels::Channels;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::channel_service_server::ChannelService;

pub fn operations() -> Vec<Operation> {
    let type_metas = Operation::get(
        "/api/channels/type_metas",
        "Channel types by the seed's number",
        type_metas,
    )
    .data::<BTreeMap<String, channel_types::TypeMeta>>();
    let all = Operation::get("/api/channels/all", "Every channel", all).data::<Vec<SeedChannel>>();
    let mut operations = vec![type_metas, all];
    for path in ["/api/channels/", "/api/channels", "/api/channels/search"] {
        operations.push(
            Operation::get(path, "A page of channels, by keyword or type", list)
                .query::<ListQuery>()
                .data::<ChannelPage>(),
        );
    }
    for path in ["/api/channels/", "/api/channels"] {
        operations.push(
            Operation::post(
                path,
                "Create channels, one per entry and key line",
                add_many,
            )
            .body::<Vec<ChannelBody>>()
            .data::<Vec<SeedChannel>>(),
        );
    }
    for path in ["/api/channel/", "/api/channel"] {
        operations.push(
            Operation::post(path, "Create a channel (one per key line)", add_one)
                .body::<ChannelBody>()
                .data::<Vec<SeedChannel>>(),
        );
    }
    operations.extend([
        Operation::get("/api/channel/{id}", "One channel", read).data::<SeedChannel>(),
        Operation::put(
            "/api/channel/{id}",
            "Update the fields the body names",
            update,
        )
        .body::<ChannelBody>()
        .data::<SeedChannel>(),
        Operation::delete("/api/channel/{id}", "Delete a channel", remove),
        Operation::post(
            "/api/channel/{id}/status",
            "Enable (1) or disable (2) a channel",
            set_status,
        )
        .body::<StatusBody>(),
        Operation::get(
            "/api/channel/{id}/test",
            "Test every model of a channel",
            test_all,
        )
        .data::<Vec<SeedTest>>(),
        Operation::get(
            "/api/channel/{id}/test/{*model}",
            "Test one model of a channel",
            test_one,
        )
        .data::<SeedTest>(),
    ]);
    operations
}

async fn type_metas() -> ApiResult {
    Ok(ok(channel_types::type_metas()))
}

/// A channel as the seed shows it. The key is the service's masked form, never the secret.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SeedChannel {
    id: i64,
    name: String,
    /// The seed's number for the type; `type_name` is ours.
    r#type: i64,
    type_name: String,
    key: String,
    base_url: String,
    proxy_url: String,
    models: Vec<String>,
    model_mapping: BTreeMap<String, String>,
    priority: i64,
    status: i32,
    sets: Vec<String>,
    configs: BTreeMap<String, String>,
    created_at: i64,
    updated_at: i64,
    balance: f64,
    balance_threshold: f64,
    balance_updated_at: i64,
    warn_error_rate: f64,
    max_error_rate: f64,
    channel_tests: Vec<SeedTest>,
}

fn seed_channel(channel: pb::Channel) -> SeedChannel {
    let balance = channel.balance.unwrap_or_default();
    SeedChannel {
        id: channel.id,
        r#type: number_of(&channel.r#type),
        type_name: channel.r#type,
        name: channel.name,
        key: channel.key,
        base_url: channel.base_url,
        proxy_url: channel.proxy_url,
        models: channel.models,
        model_mapping: channel.model_mapping.into_iter().collect(),
        priority: channel.priority,
        status: channel.status,
        sets: channel.sets,
        configs: channel.config.into_iter().collect(),
        created_at: channel.created_at_ms,
        updated_at: channel.updated_at_ms,
        balance: balance.balance.unwrap_or_default(),
        balance_threshold: balance.threshold.unwrap_or_default(),
        balance_updated_at: balance.updated_at_ms,
        warn_error_rate: channel.warn_error_rate.unwrap_or_default(),
        max_error_rate: channel.max_error_rate.unwrap_or_default(),
        channel_tests: channel.last_tests.into_iter().map(seed_test).collect(),
    }
}

/// One channel test as the seed reports it (`took` in seconds, `test_at` in ms).
#[derive(Debug, Serialize, JsonSchema)]
pub struct SeedTest {
    channel_id: i64,
    model: String,
    success: bool,
    code: i32,
    took: f64,
    response: String,
    test_at: i64,
    endpoint: String,
}

pub fn seed_test(test: pb::ChannelTestResult) -> SeedTest {
    SeedTest {
        channel_id: test.channel_id,
        model: test.model,
        success: test.success,
        code: test.status_code,
        took: test.latency_ms as f64 / 1000.0,
        response: test.error,
        test_at: test.tested_at_ms,
        endpoint: test.endpoint,
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct ListQuery {
    #[serde(flatten)]
    paging: Paging,
    #[serde(default)]
    keyword: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    channel_type: String,
}

async fn list(State(cp): State<ControlPlane>, Params(query): Params<ListQuery>) -> ApiResult {
    let (page_size, page_token) = query.paging.grpc();
    let r#type = if query.channel_type.is_empty() || query.channel_type == "0" {
        String::new()
    } else {
        name_of(&serde_json::Value::String(query.channel_type.clone()))
            .ok_or_else(|| ApiError::bad_request("unknown channel_type"))?
            .to_owned()
    };
    let keyword = if query.keyword.is_empty() {
        query.name
    } else {
        query.keyword
    };
    let answer = Channels(cp)
        .list_channels(Request::new(pb::ListChannelsRequest {
            page_size,
            page_token,
            r#type,
            keyword,
            ..Default::default()
        }))
        .await?
        .into_inner();
    Ok(ok(ChannelPage {
        channels: answer.channels.into_iter().map(seed_channel).collect(),
        total: answer.total_size,
    }))
}

/// A page of channels and how many match in all.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ChannelPage {
    channels: Vec<SeedChannel>,
    total: i64,
}

async fn all(State(cp): State<ControlPlane>) -> ApiResult {
    let channels: Vec<SeedChannel> = every_channel(&Channels(cp))
        .await?
        .into_iter()
        .map(seed_channel)
        .collect();
    Ok(ok(channels))
}

/// Every channel, read from the control plane a page of 1000 at a time.
pub async fn every_channel(service: &Channels) -> Result<Vec<pb::Channel>, ApiError> {
    let mut channels = Vec::new();
    let mut page_token = String::new();
    loop {
        let answer = service
            .list_channels(Request::new(pb::ListChannelsRequest {
                page_size: 1000,
                page_token,
                ..Default::default()
            }))
            .await?
            .into_inner();
        channels.extend(answer.channels);
        if answer.next_page_token.is_empty() {
            return Ok(channels);
        }
        page_token = answer.next_page_token;
    }
}

/// The seed's `AddChannelRequest`; every field optional so an update writes only what it names.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ChannelBody {
    r#type: Option<serde_json::Value>,
    name: Option<String>,
    key: Option<String>,
    base_url: Option<String>,
    proxy_url: Option<String>,
    models: Option<Vec<String>>,
    model_mapping: Option<HashMap<String, String>>,
    priority: Option<i64>,
    status: Option<i32>,
    sets: Option<Vec<String>>,
    configs: Option<serde_json::Map<String, serde_json::Value>>,
    warn_error_rate: Option<f64>,
    max_error_rate: Option<f64>,
}

impl ChannelBody {
    /// The control plane's channel and the update mask naming the fields this body carries.
    pub fn into_pb(self) -> Result<(pb::Channel, Vec<String>), ApiError> {
        let mut mask = Vec::new();
        let mut mark = |present: bool, field: &str| {
            if present {
                mask.push(field.to_owned());
            }
        };
        mark(self.r#type.is_some(), "type");
        mark(self.name.is_some(), "name");
        mark(self.key.is_some(), "key");
        mark(self.base_url.is_some(), "base_url");
        mark(self.proxy_url.is_some(), "proxy_url");
        mark(self.models.is_some(), "models");
        mark(self.model_mapping.is_some(), "model_mapping");
        mark(self.priority.is_some(), "priority");
        mark(self.status.is_some_and(|s| s != 0), "status");
        mark(self.sets.is_some(), "sets");
        mark(self.configs.is_some(), "config");
        mark(self.warn_error_rate.is_some(), "warn_error_rate");
        mark(self.max_error_rate.is_some(), "max_error_rate");
        let r#type = match &self.r#type {
            Some(value) => name_of(value)
                .ok_or_else(|| ApiError::bad_request(format!("invalid channel type: {value}")))?
                .to_owned(),
            None => String::new(),
        };
        let config = self
            .configs
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(name, value)| match value {
                serde_json::Value::String(text) => (name, text),
                other => (name, other.to_string()),
            })
            .collect();
        // The seed's 0 means "not set" for both rates.
        let rate = |rate: Option<f64>| rate.filter(|rate| *rate > 0.0);
        let channel = pb::Channel {
            r#type,
            name: self.name.unwrap_or_default(),
            key: self.key.unwrap_or_default(),
            base_url: self.base_url.unwrap_or_default(),
            proxy_url: self.proxy_url.unwrap_or_default(),
            models: self.models.unwrap_or_default(),
            model_mapping: self.model_mapping.unwrap_or_default(),
            priority: self.priority.unwrap_or_default(),
            status: self.status.unwrap_or_default(),
            sets: self.sets.unwrap_or_default(),
            config,
            warn_error_rate: rate(self.warn_error_rate),
            max_error_rate: rate(self.max_error_rate),
            ..Default::default()
        };
        Ok((channel, mask))
    }
}

/// Creates one channel per key line, as the seed does, through `CreateChannels`.
async fn create(cp: ControlPlane, body: ChannelBody) -> Result<Vec<SeedChannel>, ApiError> {
    let (channel, _) = body.into_pb()?;
    if channel.r#type.is_empty() {
        return Err(ApiError::bad_request("type is required"));
    }
    let keys = vec![channel.key.clone()];
    let answer = Channels(cp)
        .create_channels(Request::new(pb::CreateChannelsRequest {
            channel: Some(channel),
            keys,
        }))
        .await?
        .into_inner();
    Ok(answer.channels.into_iter().map(seed_channel).collect())
}

async fn add_one(State(cp): State<ControlPlane>, Body(body): Body<ChannelBody>) -> ApiResult {
    Ok(ok(create(cp, body).await?))
}

/// Each entry is created in turn; the seed inserts them in one batch, we stop at the first
/// refusal and report which entry it was (the earlier ones stay created).
async fn add_many(
    State(cp): State<ControlPlane>,
    Body(bodies): Body<Vec<ChannelBody>>,
) -> ApiResult {
    let mut created = Vec::new();
    for (index, body) in bodies.into_iter().enumerate() {
        let channels = create(cp.clone(), body).await.map_err(|error| ApiError {
            message: format!("channel {index}: {}", error.message),
            ..error
        })?;
        created.extend(channels);
    }
    Ok(ok(created))
}

fn channel_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_request(format!("invalid channel id: {id}")))
}

async fn read(State(cp): State<ControlPlane>, Path(id): Path<String>) -> ApiResult {
    let channel = Channels(cp)
        .get_channel(Request::new(pb::GetChannelRequest {
            id: channel_id(&id)?,
        }))
        .await?
        .into_inner();
    Ok(ok(seed_channel(channel)))
}

async fn update(
    State(cp): State<ControlPlane>,
    Path(id): Path<String>,
    Body(body): Body<ChannelBody>,
) -> ApiResult {
    let (mut channel, paths) = body.into_pb()?;
    if paths.is_empty() {
        return Err(ApiError::bad_request("nothing to update"));
    }
    channel.id = channel_id(&id)?;
    let channel = Channels(cp)
        .update_channel(Request::new(pb::UpdateChannelRequest {
            channel: Some(channel),
            update_mask: Some(prost_types::FieldMask { paths }),
        }))
        .await?
        .into_inner();
    Ok(ok(seed_channel(channel)))
}

async fn remove(State(cp): State<ControlPlane>, Path(id): Path<String>) -> ApiResult {
    Channels(cp)
        .delete_channel(Request::new(pb::DeleteChannelRequest {
            id: channel_id(&id)?,
        }))
        .await?;
    Ok(done())
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct StatusBody {
    pub status: i32,
}

async fn set_status(
    State(cp): State<ControlPlane>,
    Path(id): Path<String>,
    Body(body): Body<StatusBody>,
) -> ApiResult {
    Channels(cp)
        .set_channel_status(Request::new(pb::SetChannelStatusRequest {
            id: channel_id(&id)?,
            status: body.status,
        }))
        .await?;
    Ok(done())
}

async fn test(cp: ControlPlane, id: &str, model: String) -> Result<Vec<SeedTest>, ApiError> {
    let answer = Channels(cp)
        .test_channel(Request::new(pb::TestChannelRequest {
            id: channel_id(id)?,
            model,
            timeout_ms: 0,
        }))
        .await?
        .into_inner();
    Ok(answer.results.into_iter().map(seed_test).collect())
}

async fn test_all(State(cp): State<ControlPlane>, Path(id): Path<String>) -> ApiResult {
    Ok(ok(test(cp, &id, String::new()).await?))
}

async fn test_one(
    State(cp): State<ControlPlane>,
    Path((id, model)): Path<(String, String)>,
) -> ApiResult {
    let model = model.trim_start_matches('/').to_owned();
    if model.is_empty() {
        return Err(ApiError::bad_request("model is required"));
    }
    let result = test(cp, &id, model)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found("the channel does not serve that model"))?;
    Ok(ok(result))
}
