//! `AccessService`: admin keys created (shown once), listed (their start only) and revoked, the audit trail listed, and the caller's own identity.

use tonic::{Request, Response, Status};

use super::error::invalid;
use super::pb::{self, access_service_server::AccessService};
use super::{ControlPlane, next_page_token, page};
use crate::access::{self, AdminPrincipal, Role};
use crate::snapshot::changes::{ChangeAction, ChangeKind};
use crate::store::{AuditEvent, AuditFilter, NewAdminKey, StoredAdminKey};

pub struct AccessRpcs(pub ControlPlane);

fn role_pb(role: Role) -> i32 {
    match role {
        Role::Admin => pb::AdminRole::Admin as i32,
        Role::Operator => pb::AdminRole::Operator as i32,
        Role::Viewer => pb::AdminRole::Viewer as i32,
    }
}

fn role_from(value: i32) -> Result<Role, Status> {
    match pb::AdminRole::try_from(value) {
        Ok(pb::AdminRole::Admin) => Ok(Role::Admin),
        Ok(pb::AdminRole::Operator) => Ok(Role::Operator),
        Ok(pb::AdminRole::Viewer) => Ok(Role::Viewer),
        Ok(pb::AdminRole::Unspecified) => Err(invalid("role", "must be set")),
        Err(_) => Err(invalid("role", format!("unknown role {value}"))),
    }
}

/// A stored key as answers show it: never its hash.
fn admin_key_pb(key: &StoredAdminKey) -> pb::AdminKey {
    pb::AdminKey {
        id: key.id,
        name: key.name.clone(),
        key_prefix: key.key_prefix.clone(),
        role: role_pb(key.role),
        groups: key.groups.clone(),
        created_at_ms: key.created_at,
        revoked_at_ms: key.revoked_at,
    }
}

fn principal_pb(principal: &AdminPrincipal) -> pb::AdminKey {
    pb::AdminKey {
        id: principal.key_id,
        name: principal.name.clone(),
        role: role_pb(principal.role),
        groups: principal
            .groups
            .as_ref()
            .map(|groups| groups.iter().cloned().collect())
            .unwrap_or_default(),
        ..Default::default()
    }
}

fn audit_event_pb(event: AuditEvent) -> pb::AuditEvent {
    pb::AuditEvent {
        id: event.id,
        at_ms: event.at_ms,
        key_id: event.key_id,
        key_name: event.key_name,
        client_address: event.client_address,
        action: event.action,
        object_kind: event.object_kind,
        object_id: event.object_id,
        diff_json: event.diff,
    }
}

#[tonic::async_trait]
impl AccessService for AccessRpcs {
    async fn create_admin_key(
        &self,
        request: Request<pb::CreateAdminKeyRequest>,
    ) -> Result<Response<pb::CreateAdminKeyResponse>, Status> {
        let request = request.into_inner();
        let new_key = NewAdminKey {
            name: request.name,
            role: role_from(request.role)?,
            groups: request.groups,
        };
        let (created, key) = self.0.store.create_admin_key(&new_key).await?;
        self.0.changes.publish(
            ChangeKind::AdminKey,
            ChangeAction::Created,
            created.id.to_string(),
        );
        Ok(Response::new(pb::CreateAdminKeyResponse {
            admin_key: Some(admin_key_pb(&created)),
            key,
        }))
    }

    async fn list_admin_keys(
        &self,
        _request: Request<pb::ListAdminKeysRequest>,
    ) -> Result<Response<pb::ListAdminKeysResponse>, Status> {
        let keys = self.0.store.list_admin_keys().await?;
        Ok(Response::new(pb::ListAdminKeysResponse {
            admin_keys: keys.iter().map(admin_key_pb).collect(),
        }))
    }

    async fn revoke_admin_key(
        &self,
        request: Request<pb::RevokeAdminKeyRequest>,
    ) -> Result<Response<pb::AdminKey>, Status> {
        let id = request.into_inner().id;
        let revoked = self.0.store.revoke_admin_key(id).await?;
        // Every replica reloads its snapshot and stops accepting the key.
        self.0
            .changes
            .publish(ChangeKind::AdminKey, ChangeAction::Updated, id.to_string());
        Ok(Response::new(admin_key_pb(&revoked)))
    }

    async fn list_audit_events(
        &self,
        request: Request<pb::ListAuditEventsRequest>,
    ) -> Result<Response<pb::ListAuditEventsResponse>, Status> {
        let request = request.into_inner();
        let page = page(request.page_size, &request.page_token)?;
        if request.start_ms < 0 || request.end_ms < 0 {
            return Err(invalid("start_ms/end_ms", "must not be negative"));
        }
        let filter = AuditFilter {
            key_id: request.key_id,
            object_kind: Some(request.object_kind),
            object_id: Some(request.object_id),
            start_ms: request.start_ms,
            end_ms: request.end_ms,
        };
        let listing = self.0.store.list_audit_events(&filter, page).await?;
        Ok(Response::new(pb::ListAuditEventsResponse {
            next_page_token: next_page_token(page, listing.items.len(), listing.total),
            events: listing.items.into_iter().map(audit_event_pb).collect(),
            total_size: listing.total,
        }))
    }

    async fn who_am_i(
        &self,
        _request: Request<pb::WhoAmIRequest>,
    ) -> Result<Response<pb::AdminKey>, Status> {
        let operation =
            access::current().ok_or_else(|| Status::unauthenticated("no admin key checked"))?;
        Ok(Response::new(principal_pb(&operation.principal)))
    }
}
