//! The `aiproxy-admin` MCP server's host side (mcp's `AdminHost`): the control plane's objects as list/get/put/delete
//! over the declarative document, so an MCP client with the admin key manages the gateway the way a
//! config file does.
//!
//! Reads come from `Export` (secrets masked, token keys never shown); writes go through
//! `Apply` (validated, one transaction, idempotent) and deletes through the store, each followed
//! by a change announcement and a snapshot refresh, exactly like a gRPC write.

use std::sync::Arc;

use async_trait::async_trait;
use mcp::{AdminError, AdminHost, AdminResource};
use serde_json::{Map, Value, json};

use crate::edges::declarative::{self, ApplyError, Document};
use crate::snapshot::SnapshotCell;
use crate::snapshot::changes::{ChangeAction, ChangeFeed, ChangeKind};
use crate::store::{Store, StoreError};

pub struct AdminTools {
    pub store: Store,
    pub changes: ChangeFeed,
    pub snapshot: Arc<SnapshotCell>,
    pub group_max_tokens: u32,
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
        resource: &str,
        filter: Map<String, Value>,
    ) -> Result<Vec<Value>, AdminError> {
        check_resource(resource)?;
        let items = self.items(resource).await?;
        Ok(items
            .into_iter()
            .filter(|item| {
                filter
                    .iter()
                    .all(|(field, expected)| item.get(field) == Some(expected))
            })
            .collect())
    }

    async fn get(&self, resource: &str, id: &str) -> Result<Value, AdminError> {
        check_resource(resource)?;
        self.items(resource)
            .await?
            .into_iter()
            .find(|item| item_id(resource, item).as_deref() == Some(id))
            .ok_or_else(|| AdminError::NotFound(format!("{resource} {id}")))
    }

    async fn put(&self, resource: &str, item: Value) -> Result<Value, AdminError> {
        check_resource(resource)?;
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
        let mut stored = self.get(resource, &id).await?;
        if let (Some(key), Some(object)) = (
            report.generated_keys.values().next(),
            stored.as_object_mut(),
        ) {
            // Shown once, like CreateToken's answer.
            object.insert("generated_key".into(), json!(key));
        }
        Ok(stored)
    }

    async fn delete(&self, resource: &str, id: &str) -> Result<(), AdminError> {
        check_resource(resource)?;
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
