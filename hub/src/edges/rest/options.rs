//! `/api/option/*`: the seed's option routes over the control plane's OptionService.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::spec::Operation;
use super::{ApiError, ApiResult, Body, done, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::options::Options;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::option_service_server::OptionService;

pub fn operations() -> Vec<Operation> {
    let mut operations = vec![
        Operation::get("/api/option/", "Every option, key to value", list)
            .data::<BTreeMap<String, String>>(),
        Operation::get("/api/option/{key}", "One option", read).data::<SeedOption>(),
        Operation::put(
            "/api/option/{key}",
            "Set one option; the body is its value",
            set_by_key,
        )
        .body::<OptionValue>(),
    ];
    for path in ["/api/option/", "/api/option"] {
        operations.push(Operation::put(path, "Set one option", set).body::<SeedOption>());
        operations.push(Operation::post(path, "Set one option", set).body::<SeedOption>());
    }
    // The seed registers POST; PUT is accepted too, as for the single option.
    operations.push(
        Operation::post("/api/option/batch", "Set several options at once", set_many)
            .body::<BTreeMap<String, OptionValue>>(),
    );
    operations.push(
        Operation::put("/api/option/batch", "Set several options at once", set_many)
            .body::<BTreeMap<String, OptionValue>>(),
    );
    operations
}

/// `{key, value}`, as the seed's `model.Option`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct SeedOption {
    key: String,
    value: OptionValue,
}

/// The seed stores every value as a string; a JSON number, boolean or object is taken in its
/// JSON text, as the seed's clients send them.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OptionValue {
    Text(String),
    Other(serde_json::Value),
}

impl OptionValue {
    fn into_text(self) -> String {
        match self {
            OptionValue::Text(text) => text,
            OptionValue::Other(value) => value.to_string(),
        }
    }
}

async fn list(State(cp): State<ControlPlane>) -> ApiResult {
    let options = Options(cp)
        .list_options(Request::new(pb::ListOptionsRequest {}))
        .await?
        .into_inner()
        .options;
    let map: BTreeMap<String, String> = options
        .into_iter()
        .map(|option| (option.key, option.value))
        .collect();
    Ok(ok(map))
}

async fn read(State(cp): State<ControlPlane>, Path(key): Path<String>) -> ApiResult {
    let option = Options(cp)
        .get_option(Request::new(pb::GetOptionRequest { key }))
        .await?
        .into_inner();
    Ok(ok(SeedOption {
        key: option.key,
        value: OptionValue::Text(option.value),
    }))
}

async fn store(cp: ControlPlane, key: String, value: OptionValue) -> ApiResult {
    if key.is_empty() {
        return Err(ApiError::bad_request("key is required"));
    }
    Options(cp)
        .set_option(Request::new(pb::SetOptionRequest {
            option: Some(pb::Option {
                key,
                value: value.into_text(),
            }),
        }))
        .await?;
    Ok(done())
}

async fn set(State(cp): State<ControlPlane>, Body(option): Body<SeedOption>) -> ApiResult {
    store(cp, option.key, option.value).await
}

async fn set_by_key(
    State(cp): State<ControlPlane>,
    Path(key): Path<String>,
    Body(value): Body<OptionValue>,
) -> ApiResult {
    store(cp, key, value).await
}

/// All or nothing: the service validates every option before storing any.
async fn set_many(
    State(cp): State<ControlPlane>,
    Body(options): Body<BTreeMap<String, OptionValue>>,
) -> ApiResult {
    let options = options
        .into_iter()
        .map(|(key, value)| pb::Option {
            key,
            value: value.into_text(),
        })
        .collect();
    Options(cp)
        .set_options(Request::new(pb::SetOptionsRequest { options }))
        .await?;
    Ok(done())
}
