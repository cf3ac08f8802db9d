//! `/api/tokens/*` and `/api/token/:group/*`: the seed's token routes over the control plane's TokenService.

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::{Code, Request};

use super::channels::StatusBody;
use super::spec::Operation;
use super::{ApiError, ApiResult, Body, Paging, Params, done, number, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::groups::Groups;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::group_service_server::GroupService;
use crate::edges::grpc::pb::token_service_server::TokenService;
use crate::edges::grpc::tokens::Tokens;

pub fn operations() -> Vec<Operation> {
    let mut operations: Vec<Operation> = ["/api/tokens/", "/api/tokens", "/api/tokens/search"]
        .into_iter()
        .map(|path| {
            Operation::get(path, "A page of tokens of every group", list_all)
                .query::<ListQuery>()
                .data::<TokenPage>()
        })
        .collect();
    operations.extend([
        Operation::get("/api/tokens/{id}", "One token", read_any).data::<SeedToken>(),
        Operation::put(
            "/api/tokens/{id}",
            "Update the fields the body names",
            update_any,
        )
        .body::<TokenBody>()
        .data::<SeedToken>(),
        Operation::delete("/api/tokens/{id}", "Delete a token", remove_any),
        Operation::post(
            "/api/tokens/{id}/status",
            "Enable (1) or disable (2) a token",
            status_any,
        )
        .body::<StatusBody>(),
        Operation::post("/api/tokens/{id}/name", "Rename a token", rename_any).body::<NameBody>(),
        Operation::get(
            "/api/token/{group}",
            "A page of the group's tokens",
            list_group,
        )
        .query::<ListQuery>()
        .data::<TokenPage>(),
        Operation::post(
            "/api/token/{group}",
            "Create a token; its key is shown only here",
            create,
        )
        .query::<CreateQuery>()
        .body::<TokenBody>()
        .data::<SeedToken>(),
        Operation::get(
            "/api/token/{group}/search",
            "A page of the group's tokens",
            list_group,
        )
        .query::<ListQuery>()
        .data::<TokenPage>(),
        Operation::get(
            "/api/token/{group}/{id}",
            "One token of the group",
            read_in_group,
        )
        .data::<SeedToken>(),
        Operation::put(
            "/api/token/{group}/{id}",
            "Update the fields the body names",
            update_in_group,
        )
        .body::<TokenBody>()
        .data::<SeedToken>(),
        Operation::delete(
            "/api/token/{group}/{id}",
            "Delete a token of the group",
            remove_in_group,
        ),
        Operation::post(
            "/api/token/{group}/{id}/status",
            "Enable (1) or disable (2) a token",
            status_in_group,
        )
        .body::<StatusBody>(),
        Operation::post(
            "/api/token/{group}/{id}/name",
            "Rename a token of the group",
            rename_in_group,
        )
        .body::<NameBody>(),
    ]);
    operations
}

/// A token as the seed shows it. `key` is only ever filled in the answer to its creation (only
/// a hash is stored); it is then the key without its `sk-` prefix, as the seed's keys are.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SeedToken {
    id: i64,
    name: String,
    group: String,
    key: String,
    /// The start of the key, to recognise it afterwards.
    key_prefix: String,
    status: i32,
    subnets: Vec<String>,
    models: Vec<String>,
    quota: f64,
    period_quota: f64,
    period_type: &'static str,
    used_amount: f64,
    period_used: f64,
    request_count: i64,
    created_at: i64,
    accessed_at: i64,
    expired_at: i64,
}

fn seed_token(token: pb::Token, key: String) -> SeedToken {
    let period_type = match pb::QuotaPeriod::try_from(token.period) {
        Ok(pb::QuotaPeriod::Daily) => "daily",
        Ok(pb::QuotaPeriod::Weekly) => "weekly",
        Ok(pb::QuotaPeriod::Monthly) => "monthly",
        _ => "",
    };
    let amount = |value: Option<&str>| value.map(number).unwrap_or_default();
    SeedToken {
        id: token.id,
        name: token.name,
        group: token.group_id,
        key: key.strip_prefix("sk-").map(str::to_owned).unwrap_or(key),
        key_prefix: token.key_prefix,
        status: token.status,
        subnets: token.subnets,
        models: token.models,
        quota: amount(token.quota.as_deref()),
        period_quota: amount(token.period_quota.as_deref()),
        period_type,
        used_amount: number(&token.used_amount),
        period_used: number(&token.period_used),
        request_count: token.request_count,
        created_at: token.created_at_ms,
        accessed_at: token.accessed_at_ms.unwrap_or_default(),
        expired_at: token.expires_at_ms.unwrap_or(-1),
    }
}

/// The seed's add and update token bodies; absent fields are left as they are on update.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct TokenBody {
    name: Option<String>,
    subnets: Option<Vec<String>>,
    models: Option<Vec<String>>,
    /// 0 (the seed's "unlimited") clears the limit.
    quota: Option<f64>,
    period_quota: Option<f64>,
    period_type: Option<String>,
    status: Option<i32>,
    expired_at: Option<i64>,
}

impl TokenBody {
    /// `has_period`: the stored token already has a quota period (an update keeps it).
    fn into_pb(self, has_period: bool) -> Result<(pb::Token, Vec<String>), ApiError> {
        let mut mask = Vec::new();
        let mut mark = |present: bool, field: &str| {
            if present {
                mask.push(field.to_owned());
            }
        };
        mark(self.name.is_some(), "name");
        mark(self.subnets.is_some(), "subnets");
        mark(self.models.is_some(), "models");
        mark(self.quota.is_some(), "quota");
        mark(self.period_quota.is_some(), "period_quota");
        mark(self.period_type.is_some(), "period");
        mark(self.status.is_some_and(|status| status != 0), "status");
        mark(self.expired_at.is_some(), "expires_at_ms");
        let limit = |value: Option<f64>| {
            value
                .filter(|value| *value > 0.0)
                .map(|value| value.to_string())
        };
        let period = match self.period_type.as_deref().unwrap_or_default() {
            "" => pb::QuotaPeriod::Unspecified,
            "daily" => pb::QuotaPeriod::Daily,
            "weekly" => pb::QuotaPeriod::Weekly,
            "monthly" => pb::QuotaPeriod::Monthly,
            other => {
                return Err(ApiError::bad_request(format!(
                    "invalid period_type {other:?}: daily, weekly or monthly"
                )));
            }
        };
        // A period quota without a period is monthly, as in the seed.
        let period = match period {
            pb::QuotaPeriod::Unspecified if !has_period && limit(self.period_quota).is_some() => {
                mask.push("period".to_owned());
                pb::QuotaPeriod::Monthly
            }
            period => period,
        };
        let token = pb::Token {
            name: self.name.unwrap_or_default(),
            subnets: self.subnets.unwrap_or_default(),
            models: self.models.unwrap_or_default(),
            quota: limit(self.quota),
            period_quota: limit(self.period_quota),
            period: period as i32,
            status: self.status.unwrap_or_default(),
            // The seed's -1 and 0 mean "never".
            expires_at_ms: self
                .expired_at
                .filter(|at| *at > 0)
                .map(super::timestamp_ms),
            ..Default::default()
        };
        Ok((token, mask))
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
    group: String,
}

/// A page of tokens and how many match in all.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TokenPage {
    tokens: Vec<SeedToken>,
    total: i64,
}

async fn list(cp: ControlPlane, group_id: String, query: ListQuery) -> ApiResult {
    let (page_size, page_token) = query.paging.grpc();
    let answer = Tokens(cp)
        .list_tokens(Request::new(pb::ListTokensRequest {
            page_size,
            page_token,
            group_id,
            keyword: if query.keyword.is_empty() {
                query.name
            } else {
                query.keyword
            },
            ..Default::default()
        }))
        .await?
        .into_inner();
    Ok(ok(TokenPage {
        tokens: answer
            .tokens
            .into_iter()
            .map(|token| seed_token(token, String::new()))
            .collect(),
        total: answer.total_size,
    }))
}

async fn list_all(State(cp): State<ControlPlane>, Params(query): Params<ListQuery>) -> ApiResult {
    let group = query.group.clone();
    list(cp, group, query).await
}

async fn list_group(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Params(query): Params<ListQuery>,
) -> ApiResult {
    list(cp, group, query).await
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct CreateQuery {
    #[serde(default)]
    auto_create_group: String,
    #[serde(default)]
    ignore_exist: String,
}

/// `POST /api/token/:group`: `auto_create_group=true` creates a missing group first;
/// `ignore_exist=true` answers the existing token of that name instead of a conflict (without
/// its key, which only its creation could show).
async fn create(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Params(query): Params<CreateQuery>,
    Body(body): Body<TokenBody>,
) -> ApiResult {
    if query.auto_create_group == "true" {
        ensure_group(&cp, &group).await?;
    }
    let (mut token, _) = body.into_pb(false)?;
    token.group_id = group.clone();
    let name = token.name.clone();
    let created = Tokens(cp.clone())
        .create_token(Request::new(pb::CreateTokenRequest {
            token: Some(token),
            key: None,
        }))
        .await;
    match created {
        Ok(answer) => {
            let answer = answer.into_inner();
            let token = answer
                .token
                .ok_or_else(|| ApiError::from(tonic::Status::internal("no token returned")))?;
            Ok(ok(seed_token(token, answer.key)))
        }
        Err(status) if status.code() == Code::AlreadyExists && query.ignore_exist == "true" => {
            let existing = find_by_name(&cp, &group, &name)
                .await?
                .ok_or_else(|| ApiError::from(status))?;
            Ok(ok(seed_token(existing, String::new())))
        }
        Err(status) => Err(status.into()),
    }
}

async fn ensure_group(cp: &ControlPlane, group: &str) -> Result<(), ApiError> {
    let groups = Groups(cp.clone());
    match groups
        .get_group(Request::new(pb::GetGroupRequest {
            id: group.to_owned(),
        }))
        .await
    {
        Ok(_) => Ok(()),
        Err(status) if status.code() == Code::NotFound => {
            // Creating the group is a write of its own, which the route's rule does not cover.
            crate::access::authorize_current("GroupService/CreateGroup")?;
            let created = groups
                .create_group(Request::new(pb::CreateGroupRequest {
                    group: Some(pb::Group {
                        id: group.to_owned(),
                        ..Default::default()
                    }),
                }))
                .await;
            match created {
                // Another request created it meanwhile: as good.
                Err(status) if status.code() != Code::AlreadyExists => Err(status.into()),
                _ => Ok(()),
            }
        }
        Err(status) => Err(status.into()),
    }
}

async fn find_by_name(
    cp: &ControlPlane,
    group: &str,
    name: &str,
) -> Result<Option<pb::Token>, ApiError> {
    let answer = Tokens(cp.clone())
        .list_tokens(Request::new(pb::ListTokensRequest {
            page_size: 1000,
            group_id: group.to_owned(),
            keyword: name.to_owned(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    Ok(answer.tokens.into_iter().find(|token| token.name == name))
}

fn token_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_request(format!("invalid token id: {id}")))
}

/// The token, refused as not found when `group` is given and it belongs to another group.
async fn fetch(cp: &ControlPlane, id: &str, group: Option<&str>) -> Result<pb::Token, ApiError> {
    let id = token_id(id)?;
    let token = Tokens(cp.clone())
        .get_token(Request::new(pb::GetTokenRequest { id }))
        .await?
        .into_inner();
    match group {
        Some(group) if group != token.group_id => Err(ApiError::not_found(format!(
            "token {id} not found in group {group}"
        ))),
        _ => Ok(token),
    }
}

async fn read(cp: ControlPlane, id: String, group: Option<String>) -> ApiResult {
    let token = fetch(&cp, &id, group.as_deref()).await?;
    Ok(ok(seed_token(token, String::new())))
}

async fn update(cp: ControlPlane, id: String, group: Option<String>, body: TokenBody) -> ApiResult {
    let current = fetch(&cp, &id, group.as_deref()).await?;
    let has_period = current.period != pb::QuotaPeriod::Unspecified as i32;
    let (mut token, paths) = body.into_pb(has_period)?;
    if paths.is_empty() {
        return Err(ApiError::bad_request("nothing to update"));
    }
    token.id = current.id;
    let updated = Tokens(cp)
        .update_token(Request::new(pb::UpdateTokenRequest {
            token: Some(token),
            update_mask: Some(prost_types::FieldMask { paths }),
        }))
        .await?
        .into_inner();
    Ok(ok(seed_token(updated, String::new())))
}

async fn remove(cp: ControlPlane, id: String, group: Option<String>) -> ApiResult {
    let current = fetch(&cp, &id, group.as_deref()).await?;
    Tokens(cp)
        .delete_token(Request::new(pb::DeleteTokenRequest { id: current.id }))
        .await?;
    Ok(done())
}

async fn set_status(cp: ControlPlane, id: String, group: Option<String>, status: i32) -> ApiResult {
    let current = fetch(&cp, &id, group.as_deref()).await?;
    Tokens(cp)
        .set_token_status(Request::new(pb::SetTokenStatusRequest {
            id: current.id,
            status,
        }))
        .await?;
    Ok(done())
}

/// The seed's rename body; names stay unique within a group (the service refuses a taken one).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NameBody {
    name: String,
}

/// A rename is an update naming only `name`; the seed answers it without data.
async fn rename(cp: ControlPlane, id: String, group: Option<String>, name: String) -> ApiResult {
    if name.trim().is_empty() {
        return Err(ApiError::bad_request("name is required"));
    }
    let body = TokenBody {
        name: Some(name),
        ..TokenBody::default()
    };
    update(cp, id, group, body).await?;
    Ok(done())
}

async fn read_any(State(cp): State<ControlPlane>, Path(id): Path<String>) -> ApiResult {
    read(cp, id, None).await
}

async fn update_any(
    State(cp): State<ControlPlane>,
    Path(id): Path<String>,
    Body(body): Body<TokenBody>,
) -> ApiResult {
    update(cp, id, None, body).await
}

async fn remove_any(State(cp): State<ControlPlane>, Path(id): Path<String>) -> ApiResult {
    remove(cp, id, None).await
}

async fn status_any(
    State(cp): State<ControlPlane>,
    Path(id): Path<String>,
    Body(body): Body<StatusBody>,
) -> ApiResult {
    set_status(cp, id, None, body.status).await
}

async fn read_in_group(
    State(cp): State<ControlPlane>,
    Path((group, id)): Path<(String, String)>,
) -> ApiResult {
    read(cp, id, Some(group)).await
}

async fn update_in_group(
    State(cp): State<ControlPlane>,
    Path((group, id)): Path<(String, String)>,
    Body(body): Body<TokenBody>,
) -> ApiResult {
    update(cp, id, Some(group), body).await
}

async fn remove_in_group(
    State(cp): State<ControlPlane>,
    Path((group, id)): Path<(String, String)>,
) -> ApiResult {
    remove(cp, id, Some(group)).await
}

async fn status_in_group(
    State(cp): State<ControlPlane>,
    Path((group, id)): Path<(String, String)>,
    Body(body): Body<StatusBody>,
) -> ApiResult {
    set_status(cp, id, Some(group), body.status).await
}

async fn rename_any(
    State(cp): State<ControlPlane>,
    Path(id): Path<String>,
    Body(body): Body<NameBody>,
) -> ApiResult {
    rename(cp, id, None, body.name).await
}

async fn rename_in_group(
    State(cp): State<ControlPlane>,
    Path((group, id)): Path<(String, String)>,
    Body(body): Body<NameBody>,
) -> ApiResult {
    rename(cp, id, Some(group), body.name).await
}
