//! `GroupService`.

use tonic::{Request, Response, Status};

use super::convert::{decimal, decimal_text, group_status_from, group_status_pb};
use super::error::{invalid, required};
use super::pb::{self, group_service_server::GroupService};
use super::update::{Patchable, UpdateMask, apply_update};
use super::{ControlPlane, next_page_token, page};
use crate::access;
use crate::snapshot::changes::{ChangeAction, ChangeKind};
use crate::store::{Group, GroupFilter};

pub struct Groups(pub ControlPlane);

pub fn group_pb(group: &Group) -> pb::Group {
    pb::Group {
        id: group.id.clone(),
        status: group_status_pb(group.status),
        rpm_ratio: group.rpm_ratio,
        tpm_ratio: group.tpm_ratio,
        available_sets: group.available_sets.clone(),
        balance: decimal_text(group.balance),
        balance_alert_threshold: decimal_text(group.balance_alert_threshold),
        balance_alert_enabled: group.balance_alert_enabled,
        max_concurrency: group.max_concurrency,
        created_at_ms: group.created_at,
        updated_at_ms: group.updated_at,
    }
}

impl Patchable for Group {
    type Message = pb::Group;

    const UPDATABLE: &'static [&'static str] = &[
        "status",
        "rpm_ratio",
        "tpm_ratio",
        "available_sets",
        "balance",
        "balance_alert_threshold",
        "balance_alert_enabled",
        "max_concurrency",
    ];

    fn patch(&mut self, incoming: pb::Group, mask: &UpdateMask) -> Result<(), Status> {
        if mask.selects("status") {
            self.status = group_status_from("group.status", incoming.status)?
                .ok_or_else(|| invalid("group.status", "must be set"))?;
        }
        if mask.selects("rpm_ratio") {
            self.rpm_ratio = incoming.rpm_ratio;
        }
        if mask.selects("tpm_ratio") {
            self.tpm_ratio = incoming.tpm_ratio;
        }
        if mask.selects("available_sets") {
            self.available_sets = incoming.available_sets;
        }
        if mask.selects("balance") {
            self.balance = decimal("group.balance", &incoming.balance)?;
        }
        if mask.selects("balance_alert_threshold") {
            self.balance_alert_threshold = decimal(
                "group.balance_alert_threshold",
                &incoming.balance_alert_threshold,
            )?;
        }
        if mask.selects("balance_alert_enabled") {
            self.balance_alert_enabled = incoming.balance_alert_enabled;
        }
        if mask.selects("max_concurrency") {
            self.max_concurrency = incoming.max_concurrency;
        }
        Ok(())
    }
}

#[tonic::async_trait]
impl GroupService for Groups {
    async fn create_group(
        &self,
        request: Request<pb::CreateGroupRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        let incoming = required("group", request.into_inner().group)?;
        let mut group = Group::new(incoming.id.clone());
        // Unset status and zero ratios on create mean the defaults (enabled, 1).
        let initial_status =
            group_status_from("group.status", incoming.status)?.unwrap_or_default();
        let rpm_ratio = if incoming.rpm_ratio == 0.0 {
            1.0
        } else {
            incoming.rpm_ratio
        };
        let tpm_ratio = if incoming.tpm_ratio == 0.0 {
            1.0
        } else {
            incoming.tpm_ratio
        };
        let mut incoming = incoming;
        incoming.status = group_status_pb(initial_status);
        incoming.rpm_ratio = rpm_ratio;
        incoming.tpm_ratio = tpm_ratio;
        apply_update(&mut group, incoming, &UpdateMask::everything())?;
        let created = self.0.store.create_group(&group).await?;
        self.0
            .changes
            .publish(ChangeKind::Group, ChangeAction::Created, &created.id);
        Ok(Response::new(group_pb(&created)))
    }

    async fn get_group(
        &self,
        request: Request<pb::GetGroupRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        let id = request.into_inner().id;
        access::group_scope()?.check(&id)?;
        let group = self.0.store.get_group(&id).await?;
        Ok(Response::new(group_pb(&group)))
    }

    async fn list_groups(
        &self,
        request: Request<pb::ListGroupsRequest>,
    ) -> Result<Response<pb::ListGroupsResponse>, Status> {
        let request = request.into_inner();
        let page = page(request.page_size, &request.page_token)?;
        let filter = GroupFilter {
            status: group_status_from("status", request.status)?,
            keyword: Some(request.keyword),
            ids: access::group_scope()?.listing("")?,
        };
        let listing = self.0.store.list_groups(&filter, page).await?;
        Ok(Response::new(pb::ListGroupsResponse {
            next_page_token: next_page_token(page, listing.items.len(), listing.total),
            groups: listing.items.iter().map(group_pb).collect(),
            total_size: listing.total,
        }))
    }

    async fn update_group(
        &self,
        request: Request<pb::UpdateGroupRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        let request = request.into_inner();
        let incoming = required("group", request.group)?;
        let mask = UpdateMask::from_request(request.update_mask);
        let id = incoming.id.clone();
        // Only an update that changes the balance writes it (see `Store::update_group_with`).
        let updated = self
            .0
            .store
            .update_group_with(&id, |group| apply_update(group, incoming, &mask))
            .await?;
        self.0
            .changes
            .publish(ChangeKind::Group, ChangeAction::Updated, &updated.id);
        Ok(Response::new(group_pb(&updated)))
    }

    async fn delete_group(
        &self,
        request: Request<pb::DeleteGroupRequest>,
    ) -> Result<Response<()>, Status> {
        let id = request.into_inner().id;
        self.0.store.delete_group(&id).await?;
        self.0
            .changes
            .publish(ChangeKind::Group, ChangeAction::Deleted, id);
        Ok(Response::new(()))
    }

    async fn batch_delete_groups(
        &self,
        request: Request<pb::BatchDeleteGroupsRequest>,
    ) -> Result<Response<pb::BatchDeleteResponse>, Status> {
        let ids = request.into_inner().ids;
        let deleted = self.0.store.delete_groups(&ids).await?;
        for id in ids {
            self.0
                .changes
                .publish(ChangeKind::Group, ChangeAction::Deleted, id);
        }
        Ok(Response::new(pb::BatchDeleteResponse {
            deleted: i64::try_from(deleted).unwrap_or(i64::MAX),
        }))
    }

    async fn set_group_status(
        &self,
        request: Request<pb::SetGroupStatusRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        let request = request.into_inner();
        let updated = self
            .0
            .store
            .update_group_with(&request.id, |group| {
                group.status = group_status_from("status", request.status)?
                    .ok_or_else(|| invalid("status", "must be set"))?;
                Ok::<_, Status>(())
            })
            .await?;
        self.0
            .changes
            .publish(ChangeKind::Group, ChangeAction::Updated, &updated.id);
        Ok(Response::new(group_pb(&updated)))
    }
}
