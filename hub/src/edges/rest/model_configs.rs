//! `/api/model_configs/*` and `/api/model_config/*model`: the seed's model config routes over the control plane's ModelService.

use std::collections::HashSet;

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::{Code, Request};

use super::spec::Operation;
use super::{ApiError, ApiResult, Body, Paging, Params, done, number, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::models::Models;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::model_service_server::ModelService;

pub fn operations() -> Vec<Operation> {
    let mut operations: Vec<Operation> = [
        "/api/model_configs/",
        "/api/model_configs",
        "/api/model_configs/search",
    ]
    .into_iter()
    .map(|path| {
        Operation::get(path, "A page of model configs, by keyword", list)
            .query::<ListQuery>()
            .data::<ModelConfigPage>()
    })
    .collect();
    for path in ["/api/model_configs/", "/api/model_configs"] {
        operations.push(
            Operation::post(path, "Create or update many model configs", save_many)
                .body::<Vec<NamedConfigBody>>(),
        );
    }
    operations.extend([
        Operation::get("/api/model_configs/all", "Every model config", all)
            .data::<Vec<SeedModelConfig>>(),
        Operation::post(
            "/api/model_configs/contains",
            "The configs of the models named (those that have one)",
            contains,
        )
        .body::<ContainsBody>()
        .data::<Vec<SeedModelConfig>>(),
        Operation::get("/api/model_config/{*model}", "One model config", read)
            .data::<SeedModelConfig>(),
        Operation::post(
            "/api/model_config/{*model}",
            "Create or update a model config",
            save,
        )
        .body::<ConfigBody>()
        .data::<SeedModelConfig>(),
        Operation::delete(
            "/api/model_config/{*model}",
            "Delete a model config",
            remove,
        ),
    ]);
    operations
}

/// The seed prices per 1000 tokens unless a unit says otherwise.
const SEED_PRICE_UNIT: i64 = 1000;

/// The seed's mode numbers (`core/relay/mode`) for our model types, and back.
fn seed_mode(model_type: i32) -> i64 {
    match pb::ModelType::try_from(model_type) {
        Ok(pb::ModelType::Completion) => 2,
        Ok(pb::ModelType::Embedding) => 3,
        Ok(pb::ModelType::Moderation) => 4,
        Ok(pb::ModelType::Image) => 5,
        Ok(pb::ModelType::Audio) => 7,
        Ok(pb::ModelType::Rerank) => 10,
        Ok(pb::ModelType::Video) => 22,
        Ok(pb::ModelType::Document) => 11,
        _ => 1,
    }
}

fn model_type(mode: i64) -> pb::ModelType {
    match mode {
        2 => pb::ModelType::Completion,
        3 => pb::ModelType::Embedding,
        4 => pb::ModelType::Moderation,
        5 | 6 => pb::ModelType::Image,
        7..=9 => pb::ModelType::Audio,
        10 => pb::ModelType::Rerank,
        11 => pb::ModelType::Document,
        13..=15 | 22..=28 | 32..=38 => pb::ModelType::Video,
        _ => pb::ModelType::Chat,
    }
}

/// The seed's price fields (floats per `*_unit` tokens).
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct SeedPrice {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    per_request_price: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input_price: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input_price_unit: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output_price: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output_price_unit: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cached_price: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cache_creation_price: Option<f64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SeedModelConfig {
    model: String,
    owner: String,
    r#type: i64,
    #[serde(skip_serializing_if = "is_zero")]
    rpm: i64,
    #[serde(skip_serializing_if = "is_zero")]
    tpm: i64,
    #[serde(skip_serializing_if = "is_zero")]
    retry_times: i64,
    price: SeedPrice,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plugin: Option<serde_json::Value>,
    created_at: i64,
    updated_at: i64,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

fn json_object(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .filter(|value| value.as_object().is_some_and(|object| !object.is_empty()))
}

/// The service's price in the seed's fields.
pub fn seed_price(price: pb::Price) -> SeedPrice {
    let unit = match price.unit {
        0 => 1_000_000,
        unit => unit,
    };
    let amount = |value: &Option<String>| value.as_deref().map(number);
    let priced = price.input.is_some() || price.output.is_some();
    SeedPrice {
        per_request_price: amount(&price.per_request),
        input_price: amount(&price.input),
        input_price_unit: priced.then_some(unit),
        output_price: amount(&price.output),
        output_price_unit: priced.then_some(unit),
        cached_price: amount(&price.cached_input),
        cache_creation_price: amount(&price.cache_creation),
    }
}

/// The seed's price as the service's (per 1000 tokens unless a unit says otherwise).
pub fn price_pb(price: SeedPrice) -> pb::Price {
    let decimal = |value: Option<f64>| {
        value
            .filter(|value| *value != 0.0)
            .map(|value| value.to_string())
    };
    pb::Price {
        input: decimal(price.input_price),
        output: decimal(price.output_price),
        cached_input: decimal(price.cached_price),
        cache_creation: decimal(price.cache_creation_price),
        per_request: decimal(price.per_request_price),
        unit: price
            .input_price_unit
            .or(price.output_price_unit)
            .filter(|unit| *unit > 0)
            .unwrap_or(SEED_PRICE_UNIT),
        ..Default::default()
    }
}

pub fn seed_config(config: pb::ModelConfig) -> SeedModelConfig {
    SeedModelConfig {
        model: config.model,
        owner: config.owner,
        r#type: seed_mode(config.r#type),
        rpm: config.rpm,
        tpm: config.tpm,
        retry_times: config.retry_times.unwrap_or_default(),
        price: seed_price(config.price.unwrap_or_default()),
        config: json_object(&config.config_json),
        plugin: json_object(&config.plugins_json),
        created_at: config.created_at_ms,
        updated_at: config.updated_at_ms,
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct ListQuery {
    #[serde(flatten)]
    paging: Paging,
    #[serde(default)]
    keyword: String,
    #[serde(default)]
    model: String,
}

async fn list(State(cp): State<ControlPlane>, Params(query): Params<ListQuery>) -> ApiResult {
    let (page_size, page_token) = query.paging.grpc();
    let answer = Models(cp)
        .list_model_configs(Request::new(pb::ListModelConfigsRequest {
            page_size,
            page_token,
            keyword: if query.keyword.is_empty() {
                query.model
            } else {
                query.keyword
            },
            ..Default::default()
        }))
        .await?
        .into_inner();
    Ok(ok(ModelConfigPage {
        configs: answer.model_configs.into_iter().map(seed_config).collect(),
        total: answer.total_size,
    }))
}

/// A page of model configs and how many match in all.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ModelConfigPage {
    configs: Vec<SeedModelConfig>,
    total: i64,
}

pub async fn all(State(cp): State<ControlPlane>) -> ApiResult {
    let service = Models(cp);
    let mut configs = Vec::new();
    let mut page_token = String::new();
    loop {
        let answer = service
            .list_model_configs(Request::new(pb::ListModelConfigsRequest {
                page_size: 1000,
                page_token,
                ..Default::default()
            }))
            .await?
            .into_inner();
        configs.extend(answer.model_configs.into_iter().map(seed_config));
        if answer.next_page_token.is_empty() {
            break;
        }
        page_token = answer.next_page_token;
    }
    Ok(ok(configs))
}

/// Models one `contains` call may name: each is one read.
const MAX_CONTAINS_MODELS: usize = 1000;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ContainsBody {
    #[serde(default)]
    models: Vec<String>,
}

/// The configs of the models named, in the order named; a model without a config is left out,
/// as the seed's `IN` query leaves it out.
async fn contains(State(cp): State<ControlPlane>, Body(body): Body<ContainsBody>) -> ApiResult {
    if body.models.len() > MAX_CONTAINS_MODELS {
        return Err(ApiError::bad_request(format!(
            "at most {MAX_CONTAINS_MODELS} models per call"
        )));
    }
    let service = Models(cp);
    let mut configs = Vec::new();
    let mut seen = HashSet::new();
    for model in body.models {
        if model.is_empty() || !seen.insert(model.clone()) {
            continue;
        }
        match service
            .get_model_config(Request::new(pb::GetModelConfigRequest { model }))
            .await
        {
            Ok(config) => configs.push(seed_config(config.into_inner())),
            Err(status) if status.code() == Code::NotFound => {}
            Err(status) => return Err(status.into()),
        }
    }
    Ok(ok(configs))
}

fn model_name(model: &str) -> Result<String, ApiError> {
    let model = model.trim_start_matches('/');
    if model.is_empty() {
        return Err(ApiError::bad_request("model is required"));
    }
    Ok(model.to_owned())
}

async fn read(State(cp): State<ControlPlane>, Path(model): Path<String>) -> ApiResult {
    let config = Models(cp)
        .get_model_config(Request::new(pb::GetModelConfigRequest {
            model: model_name(&model)?,
        }))
        .await?
        .into_inner();
    Ok(ok(seed_config(config)))
}

/// The seed's save body; absent fields keep their stored values when the config exists.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ConfigBody {
    owner: Option<String>,
    r#type: Option<i64>,
    rpm: Option<i64>,
    tpm: Option<i64>,
    retry_times: Option<i64>,
    price: Option<SeedPrice>,
    config: Option<serde_json::Map<String, serde_json::Value>>,
    plugin: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ConfigBody {
    fn into_pb(self, model: String) -> (pb::ModelConfig, Vec<String>) {
        let mut mask = Vec::new();
        let mut mark = |present: bool, field: &str| {
            if present {
                mask.push(field.to_owned());
            }
        };
        mark(self.owner.is_some(), "owner");
        mark(self.r#type.is_some(), "type");
        mark(self.rpm.is_some(), "rpm");
        mark(self.tpm.is_some(), "tpm");
        mark(self.retry_times.is_some(), "retry_times");
        mark(self.price.is_some(), "price");
        mark(self.config.is_some(), "config_json");
        mark(self.plugin.is_some(), "plugins_json");
        let price = self.price.map(price_pb);
        let object = |map: Option<serde_json::Map<String, serde_json::Value>>| {
            map.map(|map| serde_json::Value::Object(map).to_string())
                .unwrap_or_default()
        };
        let config = pb::ModelConfig {
            model,
            owner: self.owner.unwrap_or_default(),
            r#type: self.r#type.map(model_type).unwrap_or(pb::ModelType::Chat) as i32,
            rpm: self.rpm.unwrap_or_default(),
            tpm: self.tpm.unwrap_or_default(),
            retry_times: self.retry_times.filter(|times| *times > 0),
            price,
            config_json: object(self.config),
            plugins_json: object(self.plugin),
            ..Default::default()
        };
        (config, mask)
    }
}

/// Saves (creates or updates) one model config, as the seed's `POST /api/model_config/*model`.
async fn save(
    State(cp): State<ControlPlane>,
    Path(model): Path<String>,
    Body(body): Body<ConfigBody>,
) -> ApiResult {
    Ok(ok(seed_config(
        save_one(cp, model_name(&model)?, body).await?,
    )))
}

/// One entry of the seed's bulk save: the model named in the body.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NamedConfigBody {
    model: String,
    #[serde(flatten)]
    config: ConfigBody,
}

/// Most configs one bulk save takes.
const MOST_SAVED: usize = 1000;

/// The seed's `POST /api/model_configs/`: each entry saved as `POST /api/model_config/*model`
/// saves it, in order. The seed saves them in one transaction; here every name is checked
/// before anything is written, and a refusal by the service stops the run (the entries before
/// it stay saved; the message names the model).
async fn save_many(
    State(cp): State<ControlPlane>,
    Body(entries): Body<Vec<NamedConfigBody>>,
) -> ApiResult {
    if entries.len() > MOST_SAVED {
        return Err(ApiError::bad_request(format!(
            "at most {MOST_SAVED} model configs per request"
        )));
    }
    let mut named = Vec::with_capacity(entries.len());
    for entry in entries {
        named.push((model_name(&entry.model)?, entry.config));
    }
    for (model, config) in named {
        if let Err(mut error) = save_one(cp.clone(), model.clone(), config).await {
            error.message = format!("model config {model:?}: {}", error.message);
            return Err(error);
        }
    }
    Ok(done())
}

async fn save_one(
    cp: ControlPlane,
    model: String,
    body: ConfigBody,
) -> Result<pb::ModelConfig, ApiError> {
    let (config, paths) = body.into_pb(model);
    let service = Models(cp);
    let updated = if paths.is_empty() {
        service
            .get_model_config(Request::new(pb::GetModelConfigRequest {
                model: config.model.clone(),
            }))
            .await
    } else {
        service
            .update_model_config(Request::new(pb::UpdateModelConfigRequest {
                model_config: Some(config.clone()),
                update_mask: Some(prost_types::FieldMask { paths }),
            }))
            .await
    };
    let saved = match updated {
        Ok(answer) => answer.into_inner(),
        Err(status) if status.code() == Code::NotFound => service
            .create_model_config(Request::new(pb::CreateModelConfigRequest {
                model_config: Some(config),
            }))
            .await?
            .into_inner(),
        Err(status) => return Err(status.into()),
    };
    Ok(saved)
}

async fn remove(State(cp): State<ControlPlane>, Path(model): Path<String>) -> ApiResult {
    Models(cp)
        .delete_model_config(Request::new(pb::DeleteModelConfigRequest {
            model: model_name(&model)?,
        }))
        .await?;
    Ok(done())
}
