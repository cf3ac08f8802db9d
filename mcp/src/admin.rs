//! The `aiproxy-admin` server: the control plane as MCP tools, served at `/admin` to admin keys only.
//!
//! `hub` implements [`AdminHost`] over its store and decides what each key may do.

use std::net::IpAddr;
use std::sync::Arc;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, JsonObject, Tool};
use serde_json::{Value, json};

use crate::tool_server::tool_error;
use crate::tool_server::{ToolCall, ToolServer};

/// One kind of object the control plane manages (groups, tokens, channels, MCP servers...).
#[derive(Debug, Clone, PartialEq)]
pub struct AdminResource {
    /// Plural, `[a-z_]+` (`tokens`); tools are named `{name}_list`, `{name}_get`, `{name}_put`,
    /// `{name}_delete`.
    pub name: String,
    pub description: String,
    /// JSON Schema of one item, as `put` accepts it and `get` returns it.
    pub item_schema: JsonObject,
}

/// Why a control-plane operation failed; the message is shown to the admin's model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    #[error("unknown resource {0}")]
    UnknownResource(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("{0}")]
    Denied(String),
}

/// An admin key as the host authenticated it: its id (0 for the host's bootstrap key) and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminIdentity {
    pub key_id: i64,
    pub name: String,
}

/// Who calls an admin tool: the key, and the client's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminCaller {
    pub identity: AdminIdentity,
    pub client_ip: Option<IpAddr>,
}

impl AdminIdentity {
    /// The token id the key's sessions bind to: tenant tokens are positive, admin keys are not
    /// (the bootstrap key 0, key `n` is `-n`), so no session crosses from one key to another.
    pub(crate) fn session_token_id(&self) -> i64 {
        self.key_id.saturating_neg()
    }

    /// The identity a session's caller was bound to (see [`AdminIdentity::session_token_id`]).
    pub(crate) fn of_session(token_id: i64, name: &str) -> AdminIdentity {
        AdminIdentity {
            key_id: token_id.saturating_neg(),
            name: name.to_owned(),
        }
    }
}

/// The control plane, as the admin server needs it. Writes go through the host's normal path
/// (store, then configuration snapshot), so they take effect like any other admin change. The
/// host decides what each key may do on every call.
#[async_trait]
pub trait AdminHost: Send + Sync + 'static {
    /// The admin key `presented` is, if any.
    fn authenticate(&self, presented: &str) -> Option<AdminIdentity>;
    fn resources(&self) -> Vec<AdminResource>;
    /// Items of `resource`; `filter` holds equality filters on item fields (for example
    /// `{"group_id": "g1"}`), which an implementation may ignore for fields it cannot filter.
    async fn list(
        &self,
        caller: &AdminCaller,
        resource: &str,
        filter: JsonObject,
    ) -> Result<Vec<Value>, AdminError>;
    async fn get(
        &self,
        caller: &AdminCaller,
        resource: &str,
        id: &str,
    ) -> Result<Value, AdminError>;
    /// Creates or replaces an item (its id is inside it); returns it as stored.
    async fn put(
        &self,
        caller: &AdminCaller,
        resource: &str,
        item: Value,
    ) -> Result<Value, AdminError>;
    async fn delete(
        &self,
        caller: &AdminCaller,
        resource: &str,
        id: &str,
    ) -> Result<(), AdminError>;
}

/// Server id under which admin tool calls are reported.
pub(crate) const ADMIN_SERVER_ID: &str = "aiproxy-admin";

/// The admin tools for one caller.
pub(crate) struct AdminServer {
    pub host: Arc<dyn AdminHost>,
    pub caller: AdminCaller,
}

fn tool(name: String, description: String, schema: Value) -> Option<Tool> {
    let Value::Object(schema) = schema else {
        return None;
    };
    Some(Tool::new(name, description, Arc::new(schema)))
}

fn id_schema() -> Value {
    json!({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]})
}

#[async_trait]
impl ToolServer for AdminServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        let mut tools = Vec::new();
        for resource in self.host.resources() {
            let name = &resource.name;
            let description = &resource.description;
            tools.extend(
                [
                    tool(
                        format!("{name}_list"),
                        format!("List {name} ({description}); optional equality filters"),
                        json!({"type": "object", "properties": {"filter": {"type": "object"}}}),
                    ),
                    tool(format!("{name}_get"), format!("Get one of {name} by id"), id_schema()),
                    tool(
                        format!("{name}_put"),
                        format!("Create or replace one of {name}"),
                        json!({"type": "object", "properties": {"item": resource.item_schema}, "required": ["item"]}),
                    ),
                    tool(format!("{name}_delete"), format!("Delete one of {name} by id"), id_schema()),
                ]
                .into_iter()
                .flatten(),
            );
        }
        Ok(tools)
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let Some((resource, verb)) = call.name.rsplit_once('_') else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        };
        if !self
            .host
            .resources()
            .iter()
            .any(|known| known.name == resource)
        {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        }
        let arguments = call.arguments.unwrap_or_default();
        let id = arguments
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let outcome = match verb {
            "list" => {
                let filter = arguments
                    .get("filter")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                self.host
                    .list(&self.caller, resource, filter)
                    .await
                    .map(Value::Array)
            }
            "get" => self.host.get(&self.caller, resource, id).await,
            "put" => match arguments.get("item") {
                Some(item) => self.host.put(&self.caller, resource, item.clone()).await,
                None => Err(AdminError::Invalid("item is required".to_owned())),
            },
            "delete" => self
                .host
                .delete(&self.caller, resource, id)
                .await
                .map(|()| json!({"deleted": id})),
            _ => {
                return Err(ErrorData::invalid_params(
                    format!("unknown tool: {}", call.name),
                    None,
                ));
            }
        };
        Ok(match outcome {
            Ok(value) => {
                let mut result =
                    CallToolResult::success(vec![ContentBlock::text(value.to_string())]);
                // Structured content must be an object; lists are wrapped.
                result.structured_content = Some(match value {
                    Value::Object(_) => value,
                    other => json!({"items": other}),
                });
                CallToolResponse::Complete(result)
            }
            Err(error) => tool_error(error.to_string()),
        })
    }
}
