//! One server the host resolved for a caller it vouches for, served without a token: the admin's MCP test routes, both transports.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use tenancy::Caller;

use crate::handler::{RequestScope, View};
use crate::host::{Scope, ServerDefinition, ServerKind};
use crate::servers::templates::{TemplateError, instantiate};
use crate::service::{McpService, client_ip};

/// A caller and a server the host authorized itself (an admin trying a server for a group, or
/// an embedded template before it is enabled). Calls run the path every `tools/call` takes
/// (pins, the host's gate, the call's record and billing) as `caller`.
#[derive(Debug, Clone)]
pub struct ResolvedServer {
    /// Who the calls run as: admitted, billed and logged as this caller.
    pub caller: Caller,
    /// Served as it is here for the session's life (a legacy SSE stream does not look it up
    /// again per message: the host built it from the request that opened the stream).
    pub definition: Arc<ServerDefinition>,
    /// What the sessions bind to instead of a token id: the host's own id for whoever may
    /// continue them, never a tenant token's (those are positive).
    pub owner: i64,
}

/// The embedded server `template` started from `params` (admin and group parameters merged),
/// for trying it before it is enabled: refused as the template refuses them (unknown template,
/// a required parameter missing, a bad value). Its revision stays empty, so it never shares a
/// live server with a configured one of the same id.
pub fn embedded_definition(
    template: &str,
    params: BTreeMap<String, String>,
) -> Result<ServerDefinition, TemplateError> {
    instantiate(template, &params)?;
    Ok(ServerDefinition {
        id: template.to_owned(),
        scope: Scope::Public,
        description: String::new(),
        kind: ServerKind::Embedded {
            template: template.to_owned(),
            params,
        },
        revision: String::new(),
        tool_allow: None,
        aggregate_unprefixed: false,
    })
}

impl McpService {
    /// Streamable HTTP (`GET`, `POST`, `DELETE`, both eras) to `server`.
    pub async fn serve_streamable_resolved(
        &self,
        server: ResolvedServer,
        request: Request,
    ) -> Response {
        if let Err(error) = self
            .admit_request(&server.caller, client_ip(&request))
            .await
        {
            return error.into_response();
        }
        let scope = RequestScope {
            caller: Arc::new(server.caller),
            view: View::Single(server.definition),
            log_level: None,
        };
        self.serve_scoped(scope, server.owner, request).await
    }

    /// Opens a legacy SSE stream to `server`; its `endpoint` event names
    /// `message_path?sessionId=…`, a host route passing the POSTs to
    /// [`McpService::post_message_resolved`].
    pub async fn open_sse_resolved(
        &self,
        server: ResolvedServer,
        message_path: &str,
        request: Request,
    ) -> Response {
        crate::sse_server::open_resolved(self.clone(), server, message_path, request).await
    }

    /// Feeds the stream `session_id` opened by [`McpService::open_sse_resolved`]: 202, or the
    /// JSON-RPC error (404 when no such stream belongs to `owner`).
    pub async fn post_message_resolved(
        &self,
        owner: i64,
        session_id: &str,
        request: Request,
    ) -> Response {
        crate::sse_server::post_resolved(self, owner, session_id, request).await
    }
}
