//! `/api/groups/*` and `/api/group/:group`: the seed's group routes over the control plane's GroupService.

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::channels::StatusBody;
use super::spec::Operation;
use super::{ApiError, ApiResult, Body, Paging, Params, done, number, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::groups::Groups;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::group_service_server::GroupService;

pub fn operations() -> Vec<Operation> {
    let mut operations: Vec<Operation> = ["/api/groups/", "/api/groups", "/api/groups/search"]
        .into_iter()
        .map(|path| {
            Operation::get(path, "A page of groups, by keyword", list)
                .query::<ListQuery>()
                .data::<GroupPage>()
        })
        .collect();
    operations.extend([
        Operation::get("/api/group/{group}", "One group", read).data::<SeedGroup>(),
        Operation::post(
            "/api/group/{group}",
            "Create a group (the body is optional)",
            create,
        )
        .body::<GroupBody>()
        .data::<SeedGroup>(),
        Operation::put(
            "/api/group/{group}",
            "Update the fields the body names",
            update,
        )
        .body::<GroupBody>()
        .data::<SeedGroup>(),
        Operation::delete(
            "/api/group/{group}",
            "Delete a group with its tokens",
            remove,
        ),
        Operation::post(
            "/api/group/{group}/status",
            "Enable (1) or disable (2) a group",
            set_status,
        )
        .body::<StatusBody>(),
        Operation::post(
            "/api/group/{group}/rpm_ratio",
            "Set the group's requests-per-minute ratio",
            set_rpm_ratio,
        )
        .body::<RpmRatio>()
        .data::<SeedGroup>(),
        Operation::post(
            "/api/group/{group}/tpm_ratio",
            "Set the group's tokens-per-minute ratio",
            set_tpm_ratio,
        )
        .body::<TpmRatio>()
        .data::<SeedGroup>(),
    ]);
    operations
}

/// A group as the seed shows it, with our `balance` besides.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SeedGroup {
    id: String,
    status: i32,
    rpm_ratio: f64,
    tpm_ratio: f64,
    available_sets: Vec<String>,
    balance: f64,
    balance_alert_enabled: bool,
    balance_alert_threshold: f64,
    created_at: i64,
    updated_at: i64,
}

fn seed_group(group: pb::Group) -> SeedGroup {
    SeedGroup {
        id: group.id,
        status: group.status,
        rpm_ratio: group.rpm_ratio,
        tpm_ratio: group.tpm_ratio,
        available_sets: group.available_sets,
        balance: number(&group.balance),
        balance_alert_enabled: group.balance_alert_enabled,
        balance_alert_threshold: number(&group.balance_alert_threshold),
        created_at: group.created_at_ms,
        updated_at: group.updated_at_ms,
    }
}

/// The seed's create and update body; absent fields are left as they are on update.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct GroupBody {
    rpm_ratio: Option<f64>,
    tpm_ratio: Option<f64>,
    available_sets: Option<Vec<String>>,
    balance_alert_enabled: Option<bool>,
    balance_alert_threshold: Option<f64>,
    /// Ours, not the seed's (its balances lived in an external billing service): what the
    /// group has left to spend.
    balance: Option<f64>,
}

impl GroupBody {
    fn into_pb(self, id: String) -> (pb::Group, Vec<String>) {
        let mut mask = Vec::new();
        let mut mark = |present: bool, field: &str| {
            if present {
                mask.push(field.to_owned());
            }
        };
        mark(self.rpm_ratio.is_some(), "rpm_ratio");
        mark(self.tpm_ratio.is_some(), "tpm_ratio");
        mark(self.available_sets.is_some(), "available_sets");
        mark(
            self.balance_alert_enabled.is_some(),
            "balance_alert_enabled",
        );
        mark(
            self.balance_alert_threshold.is_some(),
            "balance_alert_threshold",
        );
        mark(self.balance.is_some(), "balance");
        let group = pb::Group {
            id,
            rpm_ratio: self.rpm_ratio.unwrap_or_default(),
            tpm_ratio: self.tpm_ratio.unwrap_or_default(),
            available_sets: self.available_sets.unwrap_or_default(),
            balance_alert_enabled: self.balance_alert_enabled.unwrap_or_default(),
            balance_alert_threshold: self.balance_alert_threshold.unwrap_or_default().to_string(),
            balance: self.balance.unwrap_or_default().to_string(),
            ..Default::default()
        };
        (group, mask)
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct ListQuery {
    #[serde(flatten)]
    paging: Paging,
    #[serde(default)]
    keyword: String,
}

async fn list(State(cp): State<ControlPlane>, Params(query): Params<ListQuery>) -> ApiResult {
    let (page_size, page_token) = query.paging.grpc();
    let answer = Groups(cp)
        .list_groups(Request::new(pb::ListGroupsRequest {
            page_size,
            page_token,
            keyword: query.keyword,
            ..Default::default()
        }))
        .await?
        .into_inner();
    Ok(ok(GroupPage {
        groups: answer.groups.into_iter().map(seed_group).collect(),
        total: answer.total_size,
    }))
}

/// A page of groups and how many match in all.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupPage {
    groups: Vec<SeedGroup>,
    total: i64,
}

async fn read(State(cp): State<ControlPlane>, Path(group): Path<String>) -> ApiResult {
    let group = Groups(cp)
        .get_group(Request::new(pb::GetGroupRequest { id: group }))
        .await?
        .into_inner();
    Ok(ok(seed_group(group)))
}

/// The body is optional, as the seed's is.
async fn create(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult {
    let body: GroupBody = if body.iter().all(u8::is_ascii_whitespace) {
        GroupBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| ApiError::bad_request(error.to_string()))?
    };
    let (group, _) = body.into_pb(group);
    let group = Groups(cp)
        .create_group(Request::new(pb::CreateGroupRequest { group: Some(group) }))
        .await?
        .into_inner();
    Ok(ok(seed_group(group)))
}

async fn update(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Body(body): Body<GroupBody>,
) -> ApiResult {
    let (group, paths) = body.into_pb(group);
    if paths.is_empty() {
        return Err(ApiError::bad_request("nothing to update"));
    }
    let group = Groups(cp)
        .update_group(Request::new(pb::UpdateGroupRequest {
            group: Some(group),
            update_mask: Some(prost_types::FieldMask { paths }),
        }))
        .await?
        .into_inner();
    Ok(ok(seed_group(group)))
}

async fn remove(State(cp): State<ControlPlane>, Path(group): Path<String>) -> ApiResult {
    Groups(cp)
        .delete_group(Request::new(pb::DeleteGroupRequest { id: group }))
        .await?;
    Ok(done())
}

async fn set_status(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Body(body): Body<StatusBody>,
) -> ApiResult {
    Groups(cp)
        .set_group_status(Request::new(pb::SetGroupStatusRequest {
            id: group,
            status: body.status,
        }))
        .await?;
    Ok(done())
}

/// The seed's `UpdateGroupRPMRatioRequest`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct RpmRatio {
    rpm_ratio: f64,
}

/// The seed's `UpdateGroupTPMRatioRequest`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct TpmRatio {
    tpm_ratio: f64,
}

/// An update naming only the ratio, so the service validates it as any update.
async fn set_rpm_ratio(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Body(body): Body<RpmRatio>,
) -> ApiResult {
    let body = GroupBody {
        rpm_ratio: Some(body.rpm_ratio),
        ..GroupBody::default()
    };
    update(State(cp), Path(group), Body(body)).await
}

async fn set_tpm_ratio(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Body(body): Body<TpmRatio>,
) -> ApiResult {
    let body = GroupBody {
        tpm_ratio: Some(body.tpm_ratio),
        ..GroupBody::default()
    };
    update(State(cp), Path(group), Body(body)).await
}
