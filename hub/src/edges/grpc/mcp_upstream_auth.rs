//! `McpService`'s upstream OAuth RPCs: start, read (never the tokens), list and revoke a group's authorization on a proxied server.
//!
//! Also the refusal of an inspection that names no group.

use tonic::Status;

use super::error::invalid;
use super::pb;
use crate::access;
use crate::mcp_host::upstream_oauth::{UpstreamAuthError, UpstreamAuthorizations};
use crate::store::mcp_upstream_auth::UpstreamTokens;
use crate::store::{McpScope, Store};

/// The upstream OAuth RPCs on this server's authorizations: `McpService`'s handlers are each
/// one call of these.
pub struct UpstreamAuthRpcs<'a> {
    authorizations: &'a UpstreamAuthorizations,
    store: &'a Store,
}

impl<'a> UpstreamAuthRpcs<'a> {
    pub fn new(
        upstream_auth: Option<&'a UpstreamAuthorizations>,
        store: &'a Store,
    ) -> Result<Self, Status> {
        let authorizations = upstream_auth
            .ok_or_else(|| Status::unavailable("this server holds no upstream tokens"))?;
        Ok(Self {
            authorizations,
            store,
        })
    }

    pub async fn start(
        &self,
        request: pb::StartMcpUpstreamAuthorizationRequest,
    ) -> Result<pb::StartMcpUpstreamAuthorizationResponse, Status> {
        self.check_reach(&request.server_id, &request.group_id)
            .await?;
        let started =
            self.authorizations
                .start(&request.server_id, &request.group_id)
                .await
                .map_err(|error| match error {
                    UpstreamAuthError::Invalid(reason) => Status::invalid_argument(reason),
                    UpstreamAuthError::NotConfigured(reason)
                    | UpstreamAuthError::Upstream(reason) => Status::failed_precondition(reason),
                    UpstreamAuthError::Store(error) => error.into(),
                })?;
        Ok(pb::StartMcpUpstreamAuthorizationResponse {
            authorization_url: started.authorization_url,
            expires_at_ms: started.expires_at_ms,
            redirect_uri: started.redirect_uri,
        })
    }

    pub async fn get(
        &self,
        request: pb::GetMcpUpstreamAuthorizationRequest,
    ) -> Result<pb::McpUpstreamAuthorization, Status> {
        self.check_reach(&request.server_id, &request.group_id)
            .await?;
        let tokens = self
            .authorizations
            .tokens(&request.server_id, &request.group_id)
            .await?;
        Ok(match tokens {
            Some(tokens) => authorization_pb(&tokens),
            None => pb::McpUpstreamAuthorization {
                server_id: request.server_id,
                group_id: request.group_id,
                state: pb::McpUpstreamAuthorizationState::NotAuthorized as i32,
                ..Default::default()
            },
        })
    }

    pub async fn list(
        &self,
        request: pb::ListMcpUpstreamAuthorizationsRequest,
    ) -> Result<pb::ListMcpUpstreamAuthorizationsResponse, Status> {
        self.store.get_mcp_server(&request.server_id).await?;
        let scope = access::group_scope()?;
        let tokens = self
            .authorizations
            .tokens_of_server(&request.server_id)
            .await?;
        Ok(pb::ListMcpUpstreamAuthorizationsResponse {
            authorizations: tokens
                .iter()
                .filter(|tokens| scope.allows(&tokens.group_id))
                .map(authorization_pb)
                .collect(),
        })
    }

    /// Forgets the group's tokens; the authorization server's answer to revoking them there
    /// is logged (the RPC answers nothing more).
    pub async fn revoke(
        &self,
        request: pb::RevokeMcpUpstreamAuthorizationRequest,
    ) -> Result<(), Status> {
        self.check_reach(&request.server_id, &request.group_id)
            .await?;
        self.authorizations
            .revoke(&request.server_id, &request.group_id)
            .await?;
        Ok(())
    }

    /// The key must reach the group, and the server must exist and be one the group may use.
    async fn check_reach(&self, server_id: &str, group_id: &str) -> Result<(), Status> {
        if group_id.is_empty() {
            return Err(invalid("group_id", "name the group whose tokens these are"));
        }
        access::group_scope()?.check(group_id)?;
        let server = self.store.get_mcp_server(server_id).await?;
        if server.scope == McpScope::Group && server.group_id.as_deref() != Some(group_id) {
            return Err(invalid(
                "group_id",
                format!("mcp server {server_id} belongs to another group"),
            ));
        }
        Ok(())
    }
}

/// Refuses inspecting a server whose upstream wants OAuth without a group: it has no tokens
/// of its own. Names the groups (those the caller's key reaches) that hold an authorization,
/// never a token.
pub async fn group_needed(
    upstream_auth: Option<&UpstreamAuthorizations>,
    server_id: &str,
) -> Status {
    let scope = match access::group_scope() {
        Ok(scope) => scope,
        Err(denied) => return denied.into(),
    };
    let held = match upstream_auth {
        Some(authorizations) => match authorizations.tokens_of_server(server_id).await {
            Ok(held) => held,
            Err(error) => return error.into(),
        },
        None => Vec::new(),
    };
    let groups: Vec<&str> = held
        .iter()
        .filter(|tokens| scope.allows(&tokens.group_id))
        .map(|tokens| tokens.group_id.as_str())
        .collect();
    let which = if groups.is_empty() {
        "no group holds an authorization yet: authorize one first \
         (McpService.StartMcpUpstreamAuthorization, or Authorize in the panel)"
            .to_owned()
    } else {
        format!("groups holding an authorization: {}", groups.join(", "))
    };
    Status::failed_precondition(format!(
        "mcp server {server_id} sends each group's own upstream OAuth token: name the group to \
         inspect it as (group_id); {which}"
    ))
}

/// The state of stored tokens and of the refresh pause, without the tokens.
fn authorization_pb(tokens: &UpstreamTokens) -> pb::McpUpstreamAuthorization {
    let state = if tokens.refresh_error.is_some() {
        pb::McpUpstreamAuthorizationState::RefreshFailed
    } else {
        pb::McpUpstreamAuthorizationState::Authorized
    };
    let pause = tokens.refresh_pause.as_ref();
    pb::McpUpstreamAuthorization {
        server_id: tokens.server_id.clone(),
        group_id: tokens.group_id.clone(),
        state: state as i32,
        expires_at_ms: tokens.expires_at.unwrap_or_default(),
        scopes: tokens
            .scopes
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        refresh_error: tokens.refresh_error.clone().unwrap_or_default(),
        refreshable: tokens.refresh_token.is_some(),
        authorized_at_ms: tokens.authorized_at,
        updated_at_ms: tokens.updated_at,
        refresh_failures: pause
            .map_or(0, |pause| u32::try_from(pause.failures).unwrap_or(u32::MAX)),
        refresh_paused_until_ms: pause.map_or(0, |pause| pause.until),
        refresh_failure_class: pause
            .map(|pause| pause.failure_class.clone())
            .unwrap_or_default(),
    }
}
