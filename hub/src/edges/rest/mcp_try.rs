//! The seed's MCP test routes (`/api/test-embedmcp/*`, `/api/test-publicmcp/*`): an admin key trying a server over MCP itself, both transports.
//!
//! The MCP service serves them as a [`ResolvedServer`]: this module authorizes the key (scope
//! included) and names the caller, the service does the rest exactly as on `/mcp` (sessions,
//! pins, the governor's gate, the call's log row and charge). Calls run as the panel's try-it
//! does (`CallMcpTool`): a public server as the group (its parameters, billed to it), and an
//! embedded template before it is enabled as no group (nothing to bill); both logged as
//! `admin:<key name>`. The template's parameters come from the query (`config[name]`,
//! `reusing[name]`) and are never logged or stored.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use mcp::{ClientIp, ResolvedServer};
use schemars::JsonSchema;
use serde::Deserialize;
use tenancy::Caller;

use super::spec::Operation;
use super::{ApiError, Params};
use crate::access::{self, Operation as KeyOperation};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::mcp_calls::McpCalls;

/// Where a test stream's `endpoint` event sends the client's messages.
const MESSAGE_PATH: &str = "/api/test-mcp/message";

pub fn operations() -> Vec<Operation> {
    const SSE: &str = "An embedded MCP server over legacy SSE, before it is enabled; its \
                       parameters as `config[name]=value` (admin) and `reusing[name]=value` \
                       (group) query parameters";
    const STREAMABLE: &str = "An embedded MCP server over Streamable HTTP, before it is \
                              enabled; its parameters as `config[name]=value` (admin) and \
                              `reusing[name]=value` (group) query parameters";
    vec![
        Operation::get("/api/test-embedmcp/{id}/sse", SSE, embedded_sse).mcp_stream(),
        Operation::get("/api/test-embedmcp/{id}", STREAMABLE, embedded_streamable).mcp(),
        Operation::post("/api/test-embedmcp/{id}", STREAMABLE, embedded_streamable).mcp(),
        Operation::delete("/api/test-embedmcp/{id}", STREAMABLE, embedded_streamable).mcp(),
        Operation::get(
            "/api/test-publicmcp/{group}/{id}/sse",
            "A public MCP server over legacy SSE as the group sees it (its parameters, billed \
             to it)",
            public_sse,
        )
        .mcp_stream(),
        Operation::post(
            MESSAGE_PATH,
            "A message for a test stream (the address its `endpoint` event names)",
            message,
        )
        .query::<MessageQuery>()
        .mcp(),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct MessageQuery {
    /// The session the stream's `endpoint` event named.
    session_id: String,
}

async fn embedded_sse(
    State(cp): State<ControlPlane>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let found = embedded(&cp, &id, &request);
    open_sse(found, request).await
}

async fn embedded_streamable(
    State(cp): State<ControlPlane>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    match embedded(&cp, &id, &request) {
        Ok((calls, server)) => {
            calls
                .service
                .serve_streamable_resolved(server, with_client_ip(request))
                .await
        }
        Err(error) => error.into_response(),
    }
}

async fn public_sse(
    State(cp): State<ControlPlane>,
    Path((group, id)): Path<(String, String)>,
    request: Request,
) -> Response {
    open_sse(public(&cp, &group, &id), request).await
}

/// A test SSE stream on the server `found` resolved (its messages posted to `MESSAGE_PATH`),
/// or the refusal.
async fn open_sse(
    found: Result<(&McpCalls, ResolvedServer), ApiError>,
    request: Request,
) -> Response {
    match found {
        Ok((calls, server)) => {
            calls
                .service
                .open_sse_resolved(server, MESSAGE_PATH, with_client_ip(request))
                .await
        }
        Err(error) => error.into_response(),
    }
}

async fn message(
    State(cp): State<ControlPlane>,
    Params(query): Params<MessageQuery>,
    request: Request,
) -> Response {
    let (calls, operation) = match service_and_key(&cp) {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    calls
        .service
        .post_message_resolved(
            owner(&operation),
            &query.session_id,
            with_client_ip(request),
        )
        .await
}

/// The embedded template `id` started from the query's parameters, called as no group.
/// Templates are global: a key scoped to groups cannot try them.
fn embedded<'a>(
    cp: &'a ControlPlane,
    id: &str,
    request: &Request,
) -> Result<(&'a McpCalls, ResolvedServer), ApiError> {
    let (calls, operation) = service_and_key(cp)?;
    if !access::group_scope()?.is_all() {
        return Err(access::Denied(
            "permission denied: embedded templates are global; this admin key reaches its \
             groups' servers only"
                .to_owned(),
        )
        .into());
    }
    let definition =
        mcp::embedded_definition(id, template_params(request.uri().query())).map_err(|error| {
            match error {
                // The template's reason may repeat the value, and a parameter can be a secret.
                mcp::TemplateError::InvalidParam { name, .. } => {
                    ApiError::bad_request(format!("parameter {name} is invalid"))
                }
                other => ApiError::bad_request(other.to_string()),
            }
        })?;
    let caller = Caller {
        token_name: token_name(&operation),
        client_ip: client_ip(&operation),
        ..Caller::default()
    };
    Ok((
        calls,
        ResolvedServer {
            caller,
            definition: Arc::new(definition),
            owner: owner(&operation),
        },
    ))
}

/// The public server `id` as `group` is served it on /mcp; refused when it is not enabled,
/// or not offered to the group (a required parameter of the group's missing).
fn public<'a>(
    cp: &'a ControlPlane,
    group: &str,
    id: &str,
) -> Result<(&'a McpCalls, ResolvedServer), ApiError> {
    let (calls, operation) = service_and_key(cp)?;
    access::group_scope()?.check(group)?;
    match calls.bridge.public_server_enabled(id) {
        None => {
            return Err(ApiError::not_found(format!(
                "public mcp server {id} not found"
            )));
        }
        Some(false) => {
            return Err(ApiError::bad_request(format!(
                "mcp server {id} is not enabled"
            )));
        }
        Some(true) => {}
    }
    let caller = calls
        .bridge
        .group_caller(group, token_name(&operation), client_ip(&operation))
        .map_err(ApiError::bad_request)?;
    let definition = calls.bridge.definition_of(&caller, id).ok_or_else(|| {
        ApiError::bad_request(format!(
            "server {id} is not offered to group {group} (a required parameter missing)"
        ))
    })?;
    Ok((
        calls,
        ResolvedServer {
            caller,
            definition,
            owner: owner(&operation),
        },
    ))
}

fn service_and_key(cp: &ControlPlane) -> Result<(&McpCalls, Arc<KeyOperation>), ApiError> {
    let calls = cp
        .mcp_calls
        .as_ref()
        .ok_or_else(|| ApiError::from(tonic::Status::unavailable("the MCP service is off")))?;
    let operation = access::current()
        .ok_or_else(|| access::Denied("no admin key behind this call".to_owned()))?;
    Ok((calls, operation))
}

/// The calls' name in the log, as the panel's try-it names them.
fn token_name(operation: &KeyOperation) -> String {
    format!("admin:{}", operation.principal.name)
}

fn client_ip(operation: &KeyOperation) -> Option<IpAddr> {
    operation.client_address.parse().ok()
}

/// The id test sessions bind to: the key's, as its `/mcp/admin` sessions (the bootstrap key 0,
/// key `n` is `-n`), never a tenant token's; another key cannot continue them.
fn owner(operation: &KeyOperation) -> i64 {
    operation.principal.key_id.saturating_neg()
}

/// The address the key's operation was decided to come from (trusted proxies applied), for
/// the MCP service's own checks.
fn with_client_ip(mut request: Request) -> Request {
    let address = access::current().and_then(|operation| client_ip(&operation));
    if let Some(address) = address {
        request.extensions_mut().insert(ClientIp(address));
    }
    request
}

/// `config[name]=value` and `reusing[name]=value` from the query (the seed's shape), merged:
/// an embedded server takes admin and group parameters in one map.
fn template_params(query: Option<&str>) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter_map(|(name, value)| {
            let inner = name
                .strip_prefix("config[")
                .or_else(|| name.strip_prefix("reusing["))?
                .strip_suffix(']')?;
            (!inner.is_empty()).then(|| (inner.to_owned(), value.into_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_params_come_from_config_and_reusing() {
        let params = template_params(Some(
            "key=admin&config[host]=http%3A%2F%2Fa&reusing[token]=t&config[]=x&other=y",
        ));
        assert_eq!(
            params,
            BTreeMap::from([
                ("host".to_owned(), "http://a".to_owned()),
                ("token".to_owned(), "t".to_owned()),
            ])
        );
    }
}
