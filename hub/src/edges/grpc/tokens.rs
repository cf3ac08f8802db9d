//! `TokenService`.

use chrono_tz::Tz;
use tonic::{Request, Response, Status};

use super::convert::{decimal_text, opt_decimal, status_from, status_pb, subnets_from};
use super::error::{invalid, required};
use super::pb::{self, token_service_server::TokenService};
use super::update::{Patchable, UpdateMask, apply_update};
use super::{ControlPlane, next_page_token, page};
use crate::access;
use crate::governance::billing;
use crate::snapshot::changes::{ChangeAction, ChangeKind};
use crate::store::{NewToken, QuotaPeriod, Token, TokenFilter, now_ms};

pub struct Tokens(pub ControlPlane);

/// The token as the control plane shows it, with its usage in the period containing `now_ms`
/// (periods begin in `tz`) and the quota it has left.
pub fn token_pb(token: &Token, now_ms: i64, tz: Tz) -> pb::Token {
    pb::Token {
        id: token.id,
        group_id: token.group_id.clone(),
        name: token.name.clone(),
        key_prefix: token.key_prefix.clone(),
        status: status_pb(token.status),
        expires_at_ms: token.expires_at,
        subnets: token.subnets.iter().map(ToString::to_string).collect(),
        models: token.models.clone(),
        mcp_servers: token.mcp_servers.clone(),
        quota: token.quota.map(decimal_text),
        period_quota: token.period_quota.map(decimal_text),
        period: period_pb(token.period),
        period_start_ms: token.period_start,
        used_amount: decimal_text(token.used_amount),
        request_count: token.request_count,
        created_at_ms: token.created_at,
        accessed_at_ms: token.accessed_at,
        period_used: decimal_text(billing::current_period_used(token, now_ms, tz)),
        remaining_quota: billing::remaining_quota(token).map(decimal_text),
        remaining_period_quota: billing::remaining_period_quota(token, now_ms, tz)
            .map(decimal_text),
        rpm: token.rpm,
        tpm: token.tpm,
        max_concurrency: token.max_concurrency,
        period_resets_at_ms: token
            .period
            .map(|period| billing::next_reset(period, now_ms, tz)),
    }
}

fn period_pb(period: Option<QuotaPeriod>) -> i32 {
    match period {
        None => pb::QuotaPeriod::Unspecified as i32,
        Some(QuotaPeriod::Daily) => pb::QuotaPeriod::Daily as i32,
        Some(QuotaPeriod::Weekly) => pb::QuotaPeriod::Weekly as i32,
        Some(QuotaPeriod::Monthly) => pb::QuotaPeriod::Monthly as i32,
    }
}

fn period_from(value: i32) -> Result<Option<QuotaPeriod>, Status> {
    match pb::QuotaPeriod::try_from(value) {
        Ok(pb::QuotaPeriod::Unspecified) => Ok(None),
        Ok(pb::QuotaPeriod::Daily) => Ok(Some(QuotaPeriod::Daily)),
        Ok(pb::QuotaPeriod::Weekly) => Ok(Some(QuotaPeriod::Weekly)),
        Ok(pb::QuotaPeriod::Monthly) => Ok(Some(QuotaPeriod::Monthly)),
        Err(_) => Err(invalid("token.period", format!("unknown period {value}"))),
    }
}

impl Patchable for Token {
    type Message = pb::Token;

    const UPDATABLE: &'static [&'static str] = &[
        "name",
        "status",
        "expires_at_ms",
        "subnets",
        "models",
        "mcp_servers",
        "quota",
        "period_quota",
        "period",
        "rpm",
        "tpm",
        "max_concurrency",
    ];

    fn patch(&mut self, incoming: pb::Token, mask: &UpdateMask) -> Result<(), Status> {
        if mask.selects("name") {
            self.name = incoming.name;
        }
        if mask.selects("status") {
            self.status = status_from("token.status", incoming.status)?
                .ok_or_else(|| invalid("token.status", "must be set"))?;
        }
        if mask.selects("expires_at_ms") {
            self.expires_at = incoming.expires_at_ms;
        }
        if mask.selects("subnets") {
            self.subnets = subnets_from("token.subnets", &incoming.subnets)?;
        }
        if mask.selects("models") {
            self.models = incoming.models;
        }
        if mask.selects("mcp_servers") {
            self.mcp_servers = incoming.mcp_servers;
        }
        if mask.selects("quota") {
            self.quota = opt_decimal("token.quota", incoming.quota.as_deref())?;
        }
        if mask.selects("period_quota") {
            self.period_quota =
                opt_decimal("token.period_quota", incoming.period_quota.as_deref())?;
        }
        if mask.selects("period") {
            self.period = period_from(incoming.period)?;
        }
        if mask.selects("rpm") {
            self.rpm = incoming.rpm;
        }
        if mask.selects("tpm") {
            self.tpm = incoming.tpm;
        }
        if mask.selects("max_concurrency") {
            self.max_concurrency = incoming.max_concurrency;
        }
        Ok(())
    }
}

impl Tokens {
    fn show(&self, token: &Token) -> pb::Token {
        token_pb(token, now_ms(), self.0.quota_time_zone)
    }

    /// `Ok` when the caller's key reaches token `id`'s group. A token that does not exist is
    /// left to the write, which answers NOT_FOUND.
    async fn in_scope(&self, id: i64) -> Result<(), Status> {
        let scope = access::group_scope()?;
        if scope.is_all() {
            return Ok(());
        }
        match self.0.store.get_token(id).await {
            Ok(token) => Ok(scope.check(&token.group_id)?),
            Err(crate::store::StoreError::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

#[tonic::async_trait]
impl TokenService for Tokens {
    async fn create_token(
        &self,
        request: Request<pb::CreateTokenRequest>,
    ) -> Result<Response<pb::CreateTokenResponse>, Status> {
        let request = request.into_inner();
        let incoming = required("token", request.token)?;
        access::group_scope()?.check(&incoming.group_id)?;
        let new_token = NewToken {
            group_id: incoming.group_id,
            name: incoming.name,
            key: request.key.filter(|key| !key.is_empty()),
            status: status_from("token.status", incoming.status)?.unwrap_or_default(),
            expires_at: incoming.expires_at_ms,
            subnets: subnets_from("token.subnets", &incoming.subnets)?,
            models: incoming.models,
            mcp_servers: incoming.mcp_servers,
            quota: opt_decimal("token.quota", incoming.quota.as_deref())?,
            period_quota: opt_decimal("token.period_quota", incoming.period_quota.as_deref())?,
            period: period_from(incoming.period)?,
            rpm: incoming.rpm,
            tpm: incoming.tpm,
            max_concurrency: incoming.max_concurrency,
        };
        let (token, key) = self
            .0
            .store
            .create_token(&new_token, self.0.group_max_tokens)
            .await?;
        self.0.changes.publish(
            ChangeKind::Token,
            ChangeAction::Created,
            token.id.to_string(),
        );
        Ok(Response::new(pb::CreateTokenResponse {
            token: Some(self.show(&token)),
            key,
        }))
    }

    async fn get_token(
        &self,
        request: Request<pb::GetTokenRequest>,
    ) -> Result<Response<pb::Token>, Status> {
        let token = self.0.store.get_token(request.into_inner().id).await?;
        access::group_scope()?.check(&token.group_id)?;
        Ok(Response::new(self.show(&token)))
    }

    async fn list_tokens(
        &self,
        request: Request<pb::ListTokensRequest>,
    ) -> Result<Response<pb::ListTokensResponse>, Status> {
        let request = request.into_inner();
        let page = page(request.page_size, &request.page_token)?;
        let filter = TokenFilter {
            group_ids: access::group_scope()?.listing(&request.group_id)?,
            group_id: Some(request.group_id),
            status: status_from("status", request.status)?,
            keyword: Some(request.keyword),
        };
        let listing = self.0.store.list_tokens(&filter, page).await?;
        Ok(Response::new(pb::ListTokensResponse {
            next_page_token: next_page_token(page, listing.items.len(), listing.total),
            tokens: listing.items.iter().map(|token| self.show(token)).collect(),
            total_size: listing.total,
        }))
    }

    async fn update_token(
        &self,
        request: Request<pb::UpdateTokenRequest>,
    ) -> Result<Response<pb::Token>, Status> {
        let request = request.into_inner();
        let incoming = required("token", request.token)?;
        let mask = UpdateMask::from_request(request.update_mask);
        let scope = access::group_scope()?;
        let updated = self
            .0
            .store
            .update_token_with(incoming.id, |token| {
                scope.check(&token.group_id)?;
                apply_update(token, incoming, &mask)
            })
            .await?;
        self.0.changes.publish(
            ChangeKind::Token,
            ChangeAction::Updated,
            updated.id.to_string(),
        );
        Ok(Response::new(self.show(&updated)))
    }

    async fn delete_token(
        &self,
        request: Request<pb::DeleteTokenRequest>,
    ) -> Result<Response<()>, Status> {
        let id = request.into_inner().id;
        self.in_scope(id).await?;
        self.0.store.delete_token(id).await?;
        self.0
            .changes
            .publish(ChangeKind::Token, ChangeAction::Deleted, id.to_string());
        Ok(Response::new(()))
    }

    async fn batch_delete_tokens(
        &self,
        request: Request<pb::BatchDeleteTokensRequest>,
    ) -> Result<Response<pb::BatchDeleteResponse>, Status> {
        let ids = request.into_inner().ids;
        for id in &ids {
            self.in_scope(*id).await?;
        }
        let deleted = self.0.store.delete_tokens(&ids).await?;
        for id in ids {
            self.0
                .changes
                .publish(ChangeKind::Token, ChangeAction::Deleted, id.to_string());
        }
        Ok(Response::new(pb::BatchDeleteResponse {
            deleted: i64::try_from(deleted).unwrap_or(i64::MAX),
        }))
    }

    async fn set_token_status(
        &self,
        request: Request<pb::SetTokenStatusRequest>,
    ) -> Result<Response<pb::Token>, Status> {
        let request = request.into_inner();
        let scope = access::group_scope()?;
        let updated = self
            .0
            .store
            .update_token_with(request.id, |token| {
                scope.check(&token.group_id)?;
                token.status = status_from("status", request.status)?
                    .ok_or_else(|| invalid("status", "must be set"))?;
                Ok::<_, Status>(())
            })
            .await?;
        self.0.changes.publish(
            ChangeKind::Token,
            ChangeAction::Updated,
            updated.id.to_string(),
        );
        Ok(Response::new(self.show(&updated)))
    }
}
