//! The `aiproxy-admin` MCP server's host side (mcp's `AdminHost`): the control plane's objects as list/get/put/delete
//! over the declarative document, so an MCP client with the admin key manages the gateway the way a
//! config file does.
//!
//! Reads come from `Export` (secrets masked, token keys never shown); writes go through
//! `Apply` (validated, one transaction, idempotent) and deletes through the store, each followed
//! by a change announcement and a snapshot refresh, exactly like a gRPC write.
//!
//! Each tool is checked as the RPC it stands for (`tokens_put` as `TokenService/UpdateToken`,
//! see [`rpc_of`]) against the key's role in `access::policy`, and a key scoped to groups sees
//! and changes only its groups' tokens and group MCP servers. Every call runs as the key's
//! operation, so its writes are audited under the key's name.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use mcp::{AdminCaller, AdminError, AdminHost, AdminIdentity, AdminResource};
use serde_json::{Map, Value, json};

use crate::access::{self, Access, AdminPrincipal, GroupScope, Operation};
use crate::edges::declarative::{self, ApplyError, Document};
use crate::snapshot::SnapshotCell;
use crate::snapshot::changes::{ChangeAction, ChangeFeed, ChangeKind};
use crate::store::{Store, StoreError};

pub struct AdminTools {
    pub store: Store,
    pub changes: ChangeFeed,
    pub snapshot: Arc<SnapshotCell>,
    pub group_max_tokens: u32,
    /// Who may call, and as what.
    pub access: Access,
}

/// The control-plane RPC a tool stands for: what its key must be allowed.
fn rpc_of(resource: &str, verb: &str) -> Option<&'static str> {
    Some(match (resource, verb) {
        ("groups", "list") => "GroupService/ListGroups",
        ("groups", "get") => "GroupService/GetGroup",
        ("groups", "put") => "GroupService/UpdateGroup",
        ("groups", "delete") => "GroupService/DeleteGroup",
        ("tokens", "list") => "TokenService/ListTokens",
        ("tokens", "get") => "TokenService/GetToken",
        ("tokens", "put") => "TokenService/UpdateToken",
        ("tokens", "delete") => "TokenService/DeleteToken",
        ("channels", "list") => "ChannelService/ListChannels",
        ("channels", "get") => "ChannelService/GetChannel",
        ("channels", "put") => "ChannelService/UpdateChannel",
        ("channels", "delete") => "ChannelService/DeleteChannel",
        ("models", "list") => "ModelService/ListModelConfigs",
        ("models", "get") => "ModelService/GetModelConfig",
        ("models", "put") => "ModelService/UpdateModelConfig",
        ("models", "delete") => "ModelService/DeleteModelConfig",
        ("mcp_servers", "list") => "McpService/ListMcpServers",
        ("mcp_servers", "get") => "McpService/GetMcpServer",
        ("mcp_servers", "put") => "McpService/UpdateMcpServer",
        ("mcp_servers", "delete") => "McpService/DeleteMcpServer",
        ("options", "list") => "OptionService/ListOptions",
        ("options", "get") => "OptionService/GetOption",
        ("options", "put") => "OptionService/SetOption",
        ("options", "delete") => "OptionService/DeleteOption",
        _ => return None,
    })
}

/// Whether a key of `scope` reaches `item` of `resource` (as the document shows it).
fn within(scope: &GroupScope, resource: &str, item: &Value) -> bool {
    if scope.is_all() {
        return true;
    }
    let text = |field: &str| item.get(field).and_then(Value::as_str).unwrap_or_default();
    match resource {
        "groups" => scope.allows(text("id")),
        "tokens" => scope.allows(text("group")),
        "mcp_servers" => text("scope") == "group" && scope.allows(text("group")),
        // Global resources: the policy refused scoped keys before.
        _ => false,
    }
}

fn denied(denied: access::Denied) -> AdminError {
    AdminError::Denied(denied.to_string())
}

/// Resource name, what identifies one item, what it is.
const RESOURCES: [(&str, &str, &str); 6] = [
    (
        "groups",
        "id",
        "Tenants: status, rpm/tpm ratios, channel sets, balance alerts",
    ),
    (
        "tokens",
        "group/name",
        "API keys of a group (keys are never shown; a put without key generates one)",
    ),
    (
        "channels",
        "name",
        "Upstream providers: type, base_url, key (masked), models, mapping, priority",
    ),
    (
        "models",
        "model",
        "Model configs: type, rpm/tpm limits, prices",
    ),
    (
        "mcp_servers",
        "id",
        "MCP servers: embedded, proxied or OpenAPI-backed, public or per group",
    ),
    ("options", "key", "Gateway options as key/value pairs"),
];

fn item_id(resource: &str, item: &Value) -> Option<String> {
    let text = |field: &str| item.get(field).and_then(Value::as_str).map(str::to_owned);
    match resource {
        "groups" | "mcp_servers" => text("id"),
        "tokens" => Some(format!("{}/{}", text("group")?, text("name")?)),
        "channels" => text("name"),
        "models" => text("model"),
        "options" => text("key"),
        _ => None,
    }
}

fn admin_error(error: ApplyError) -> AdminError {
    match error {
        ApplyError::Parse(message) => AdminError::Invalid(message),
        other => AdminError::Invalid(other.to_string()),
    }
}

fn store_error(error: StoreError) -> AdminError {
    match error {
        StoreError::NotFound { .. } => AdminError::NotFound(error.to_string()),
        StoreError::AlreadyExists { .. } => AdminError::Conflict(error.to_string()),
        StoreError::Invalid { .. } => AdminError::Invalid(error.to_string()),
        other => {
            tracing::error!(error = %other, "admin tool storage error");
            AdminError::Internal("storage error".into())
        }
    }
}

impl AdminTools {
    /// The key behind `caller` as the configuration says now (a revoked key is refused even
    /// inside a session it opened), allowed the tool's RPC; the operation to run it as.
    fn admit(
        &self,
        caller: &AdminCaller,
        resource: &str,
        verb: &str,
    ) -> Result<(Arc<Operation>, GroupScope), AdminError> {
        let principal: AdminPrincipal = self
            .access
            .principal(caller.identity.key_id)
            .ok_or_else(|| denied(access::Denied("this admin key was revoked".to_owned())))?;
        let rpc = rpc_of(resource, verb)
            .ok_or_else(|| AdminError::UnknownResource(resource.to_owned()))?;
        principal.authorize(rpc).map_err(denied)?;
        let scope = principal.scope();
        let operation = Operation::new(
            principal,
            format!("mcp/{resource}_{verb}"),
            caller
                .client_ip
                .map(|ip| ip.to_string())
                .unwrap_or_default(),
        );
        Ok((Arc::new(operation), scope))
    }

    /// Runs `work` as `operation`; a write that stored nothing still leaves its audit event.
    async fn run<T>(
        &self,
        operation: Arc<Operation>,
        write: bool,
        object_kind: &str,
        work: impl Future<Output = Result<T, AdminError>>,
    ) -> Result<T, AdminError> {
        let outcome = access::run(operation.clone(), work).await;
        if write && outcome.is_ok() && operation.audited() == 0 {
            // An apply that changed nothing: the attempt is recorded all the same.
            if let Err(error) = self.store.record_audit_event(&operation, object_kind).await {
                tracing::error!(%error, "cannot record the audit event of an admin tool write");
            }
        }
        outcome
    }

    async fn items(&self, resource: &str) -> Result<Vec<Value>, AdminError> {
        let document = declarative::export(&self.store)
            .await
            .map_err(admin_error)?;
        let document = serde_json::to_value(document)
            .map_err(|error| AdminError::Internal(error.to_string()))?;
        if resource == "options" {
            let options = document
                .get("options")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            return Ok(options
                .into_iter()
                .map(|(key, value)| json!({"key": key, "value": value}))
                .collect());
        }
        Ok(document
            .get(resource)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    async fn after_write(&self, kind: ChangeKind, action: ChangeAction, id: &str) {
        self.changes.publish(kind, action, id);
        if let Err(error) = self.snapshot.refresh_if_stale().await {
            tracing::warn!(%error, "cannot refresh the configuration after an admin tool write");
        }
    }
}

fn check_resource(resource: &str) -> Result<(), AdminError> {
    if RESOURCES.iter().any(|(name, _, _)| *name == resource) {
        Ok(())
    } else {
        Err(AdminError::UnknownResource(resource.to_owned()))
    }
}

#[async_trait]
impl AdminHost for AdminTools {
    fn authenticate(&self, presented: &str) -> Option<AdminIdentity> {
        self.access
            .authenticate(presented)
            .map(|principal| AdminIdentity {
                key_id: principal.key_id,
                name: principal.name,
            })
    }

    fn resources(&self) -> Vec<AdminResource> {
        RESOURCES
            .iter()
            .map(|(name, id, description)| {
                let mut schema = Map::new();
                schema.insert("type".into(), json!("object"));
                schema.insert(
                    "description".into(),
                    json!(format!("One item as in the configuration file's `{name}` section; identified by {id}")),
                );
                AdminResource {
                    name: (*name).to_owned(),
                    description: (*description).to_owned(),
                    item_schema: schema,
                }
            })
            .collect()
    }

    async fn list(
        &self,
        caller: &AdminCaller,
        resource: &str,
        filter: Map<String, Value>,
    ) -> Result<Vec<Value>, AdminError> {
        check_resource(resource)?;
        let (_, scope) = self.admit(caller, resource, "list")?;
        let items = self.items(resource).await?;
        Ok(items
            .into_iter()
            .filter(|item| within(&scope, resource, item))
            .filter(|item| {
                filter
                    .iter()
                    .all(|(field, expected)| item.get(field) == Some(expected))
            })
            .collect())
    }

    async fn get(
        &self,
        caller: &AdminCaller,
        resource: &str,
        id: &str,
    ) -> Result<Value, AdminError> {
        check_resource(resource)?;
        let (_, scope) = self.admit(caller, resource, "get")?;
        self.find(resource, id)
            .await?
            .filter(|item| within(&scope, resource, item))
            .ok_or_else(|| AdminError::NotFound(format!("{resource} {id}")))
    }

    async fn put(
        &self,
        caller: &AdminCaller,
        resource: &str,
        item: Value,
    ) -> Result<Value, AdminError> {
        check_resource(resource)?;
        let (operation, scope) = self.admit(caller, resource, "put")?;
        if !within(&scope, resource, &item) {
            return Err(denied(access::Denied(format!(
                "this admin key's groups do not include this item of {resource}"
            ))));
        }
        if let Some(id) = item_id(resource, &item)
            && let Some(existing) = self.find(resource, &id).await?
            && !within(&scope, resource, &existing)
        {
            return Err(denied(access::Denied(format!(
                "{resource} {id} is outside this admin key's groups"
            ))));
        }
        let kind = audit_kind(resource);
        self.run(operation, true, kind, self.put_item(resource, item))
            .await
    }

    async fn delete(
        &self,
        caller: &AdminCaller,
        resource: &str,
        id: &str,
    ) -> Result<(), AdminError> {
        check_resource(resource)?;
        let (operation, scope) = self.admit(caller, resource, "delete")?;
        if !scope.is_all() {
            let existing = self
                .find(resource, id)
                .await?
                .ok_or_else(|| AdminError::NotFound(format!("{resource} {id}")))?;
            if !within(&scope, resource, &existing) {
                return Err(denied(access::Denied(format!(
                    "{resource} {id} is outside this admin key's groups"
                ))));
            }
        }
        let kind = audit_kind(resource);
        self.run(operation, true, kind, self.delete_item(resource, id))
            .await
    }
}

/// `object_kind` of a resource's audit events.
fn audit_kind(resource: &str) -> &'static str {
    match resource {
        "groups" => "group",
        "tokens" => "token",
        "channels" => "channel",
        "models" => "model",
        "mcp_servers" => "mcp_server",
        "options" => "option",
        _ => "",
    }
}

impl AdminTools {
    async fn find(&self, resource: &str, id: &str) -> Result<Option<Value>, AdminError> {
        Ok(self
            .items(resource)
            .await?
            .into_iter()
            .find(|item| item_id(resource, item).as_deref() == Some(id)))
    }

    async fn put_item(&self, resource: &str, item: Value) -> Result<Value, AdminError> {
        let id = item_id(resource, &item).ok_or_else(|| {
            AdminError::Invalid(format!(
                "the item lacks its identifying fields for {resource}"
            ))
        })?;
        let document = if resource == "options" {
            json!({"options": {id.clone(): item.get("value").cloned().unwrap_or(Value::Null)}})
        } else {
            json!({ resource: [item] })
        };
        let document: Document = serde_json::from_value(document)
            .map_err(|error| AdminError::Invalid(error.to_string()))?;
        let report =
            declarative::apply(&self.store, &self.changes, &document, self.group_max_tokens)
                .await
                .map_err(admin_error)?;
        if let Err(error) = self.snapshot.refresh_if_stale().await {
            tracing::warn!(%error, "cannot refresh the configuration after an admin tool write");
        }
        let mut stored = self
            .find(resource, &id)
            .await?
            .ok_or_else(|| AdminError::NotFound(format!("{resource} {id}")))?;
        if let (Some(key), Some(object)) = (
            report.generated_keys.values().next(),
            stored.as_object_mut(),
        ) {
            // Shown once, like CreateToken's answer.
            object.insert("generated_key".into(), json!(key));
        }
        Ok(stored)
    }

    async fn delete_item(&self, resource: &str, id: &str) -> Result<(), AdminError> {
        let (kind, outcome) = match resource {
            "groups" => (ChangeKind::Group, self.store.delete_group(id).await),
            "channels" => {
                let dump = self.store.load_all().await.map_err(store_error)?;
                let channel = dump
                    .channels
                    .iter()
                    .find(|channel| channel.name == id)
                    .ok_or_else(|| AdminError::NotFound(format!("channels {id}")))?;
                (
                    ChangeKind::Channel,
                    self.store.delete_channel(channel.id).await,
                )
            }
            "tokens" => {
                let (group, name) = id
                    .split_once('/')
                    .ok_or_else(|| AdminError::Invalid("a token is named group/name".into()))?;
                let dump = self.store.load_all().await.map_err(store_error)?;
                let token = dump
                    .tokens
                    .iter()
                    .find(|token| token.group_id == group && token.name == name)
                    .ok_or_else(|| AdminError::NotFound(format!("tokens {id}")))?;
                (ChangeKind::Token, self.store.delete_token(token.id).await)
            }
            "models" => (ChangeKind::Model, self.store.delete_model_config(id).await),
            "mcp_servers" => (
                ChangeKind::McpServer,
                self.store.delete_mcp_server(id).await,
            ),
            "options" => (ChangeKind::Option, self.store.delete_option(id).await),
            other => return Err(AdminError::UnknownResource(other.to_owned())),
        };
        outcome.map_err(store_error)?;
        self.after_write(kind, ChangeAction::Deleted, id).await;
        Ok(())
    }
}
