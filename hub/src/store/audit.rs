//! The `audit_events` table: one row per control-plane write, recorded in the write's transaction with a masked diff.
//!
//! The diff compares the object as the control plane shows it (secrets masked); events are
//! listed with filters and deleted after `AUDIT_RETENTION_DAYS`.
//!
//! Writes note what they changed on their [`StoreTx`] ([`StoreTx::audit`]); the commit writes
//! the rows in the same transaction, so a change is never stored without its record. Who wrote
//! (the admin key, the address, the RPC, route or tool) comes from the operation the transport
//! made current (`access::run`); a write outside any operation is recorded as `system`.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;

use super::rows::{self, decimal_text};
use super::secret;
use super::sql::Sql;
use super::{
    Channel, Group, GroupMcpParams, GroupModelOverride, Listing, McpServer, ModelConfig, Page,
    Store, StoreError, StoreTx, Token, now_ms,
};
use crate::access;

/// Who an audit row names when no operation is current.
const SYSTEM_ACTOR: &str = "system";

/// Stored text fields of a row are cut to these many characters.
const MAX_TEXT: usize = 256;

/// One change a write noted, waiting for its transaction's commit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PendingAudit {
    pub kind: &'static str,
    pub id: String,
    pub diff: Value,
}

/// One audit row as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: i64,
    pub at_ms: i64,
    pub key_id: i64,
    pub key_name: String,
    pub client_address: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    /// JSON: `{"field": {"before": .., "after": ..}}`.
    pub diff: String,
}

/// Filters of [`Store::list_audit_events`]; `None` or empty matches everything.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub key_id: Option<i64>,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    /// `[start_ms, end_ms)`; 0 is unbounded.
    pub start_ms: i64,
    pub end_ms: i64,
}

impl StoreTx {
    /// Notes that this transaction changed one object: `before` and `after` are its views
    /// ([`view`]), `None` for a creation or a deletion. Written at commit, dropped on rollback.
    pub(crate) fn audit(
        &mut self,
        kind: &'static str,
        id: impl Into<String>,
        before: Option<Value>,
        after: Option<Value>,
    ) {
        self.audit.push(PendingAudit {
            kind,
            id: id.into(),
            diff: diff(before.as_ref(), after.as_ref()),
        });
    }

    /// Writes the noted changes as audit rows, named after the current operation.
    pub(super) async fn write_audit(&mut self) -> Result<(), StoreError> {
        if self.audit.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.audit);
        let operation = access::current();
        let actor = Actor::of(operation.as_deref());
        for change in &pending {
            insert(self.conn(), &actor, change.kind, &change.id, &change.diff).await?;
        }
        if let Some(operation) = operation {
            operation.note_audited(pending.len());
        }
        Ok(())
    }
}

impl Store {
    /// Records a write that changed no stored object (a channel test, cleared bans, deleted
    /// request logs): the operation's own row, with `object_kind` naming what it acted on.
    pub async fn record_audit_event(
        &self,
        operation: &access::Operation,
        object_kind: &str,
    ) -> Result<(), StoreError> {
        let actor = Actor::of(Some(operation));
        let mut connection = self.pool.acquire().await?;
        insert(&mut connection, &actor, object_kind, "", &json!({})).await?;
        operation.note_audited(1);
        Ok(())
    }

    /// One page of audit events, newest first, and how many match.
    pub async fn list_audit_events(
        &self,
        filter: &AuditFilter,
        page: Page,
    ) -> Result<Listing<AuditEvent>, StoreError> {
        let conditions = |sql: &mut Sql| {
            if let Some(key_id) = filter.key_id {
                sql.push(" AND key_id = ").bind_int(key_id);
            }
            if let Some(kind) = filter
                .object_kind
                .as_deref()
                .filter(|kind| !kind.is_empty())
            {
                sql.push(" AND object_kind = ").bind_text(kind);
            }
            if let Some(id) = filter.object_id.as_deref().filter(|id| !id.is_empty()) {
                sql.push(" AND object_id = ").bind_text(id);
            }
            if filter.start_ms > 0 {
                sql.push(" AND at_ms >= ").bind_int(filter.start_ms);
            }
            if filter.end_ms > 0 {
                sql.push(" AND at_ms < ").bind_int(filter.end_ms);
            }
        };
        let mut count = Sql::new("SELECT COUNT(*) AS n FROM audit_events WHERE 1 = 1");
        conditions(&mut count);
        let mut select = Sql::new(
            "SELECT id, at_ms, key_id, key_name, client_address, action, object_kind, \
             object_id, diff FROM audit_events WHERE 1 = 1",
        );
        conditions(&mut select);
        select
            .push(" ORDER BY id DESC LIMIT ")
            .bind_int(page.limit)
            .push(" OFFSET ")
            .bind_int(page.offset);
        let total = rows::int(&count.query().fetch_one(&self.pool).await?, "n")?;
        let items = select
            .query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(from_row)
            .collect::<Result<_, _>>()?;
        Ok(Listing { items, total })
    }

    /// Deletes audit events older than `before_ms`, `batch_size` rows per statement; returns
    /// how many went.
    pub async fn delete_audit_events_before(
        &self,
        before_ms: i64,
        batch_size: i64,
    ) -> Result<u64, StoreError> {
        let mut deleted = 0;
        loop {
            let result = sqlx::query(
                "DELETE FROM audit_events WHERE id IN \
                 (SELECT id FROM audit_events WHERE at_ms < $1 ORDER BY id LIMIT $2)",
            )
            .bind(before_ms)
            .bind(batch_size.max(1))
            .execute(&self.pool)
            .await?;
            deleted += result.rows_affected();
            if result.rows_affected() == 0 {
                return Ok(deleted);
            }
        }
    }
}

/// Who an audit row names.
struct Actor {
    key_id: i64,
    key_name: String,
    client_address: String,
    action: String,
}

impl Actor {
    fn of(operation: Option<&access::Operation>) -> Actor {
        match operation {
            Some(operation) => Actor {
                key_id: operation.principal.key_id,
                key_name: cut(&operation.principal.name),
                client_address: cut(&operation.client_address),
                action: cut(&operation.action),
            },
            None => Actor {
                key_id: access::BOOTSTRAP_KEY_ID,
                key_name: SYSTEM_ACTOR.to_owned(),
                client_address: String::new(),
                action: String::new(),
            },
        }
    }
}

fn cut(text: &str) -> String {
    text.chars().take(MAX_TEXT).collect()
}

async fn insert(
    connection: &mut sqlx::AnyConnection,
    actor: &Actor,
    object_kind: &str,
    object_id: &str,
    diff: &Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_events (at_ms, key_id, key_name, client_address, action, \
         object_kind, object_id, diff) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now_ms())
    .bind(actor.key_id)
    .bind(actor.key_name.clone())
    .bind(actor.client_address.clone())
    .bind(actor.action.clone())
    .bind(cut(object_kind))
    .bind(cut(object_id))
    .bind(diff.to_string())
    .execute(connection)
    .await?;
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        id: rows::int(row, "id")?,
        at_ms: rows::int(row, "at_ms")?,
        key_id: rows::int(row, "key_id")?,
        key_name: rows::text(row, "key_name")?,
        client_address: rows::text(row, "client_address")?,
        action: rows::text(row, "action")?,
        object_kind: rows::text(row, "object_kind")?,
        object_id: rows::text(row, "object_id")?,
        diff: rows::text(row, "diff")?,
    })
}

/// The fields that differ between two views: `{"field": {"before": .., "after": ..}}`, only
/// `after` for a creation, only `before` for a deletion.
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> Value {
    let empty = Map::new();
    let fields = |view: Option<&Value>| match view {
        Some(Value::Object(map)) => map.clone(),
        _ => empty.clone(),
    };
    let (before_fields, after_fields) = (fields(before), fields(after));
    let mut names: Vec<&String> = before_fields.keys().chain(after_fields.keys()).collect();
    names.sort();
    names.dedup();
    let mut changes = Map::new();
    for name in names {
        let old = before_fields.get(name).filter(|value| !value.is_null());
        let new = after_fields.get(name).filter(|value| !value.is_null());
        if old == new {
            continue;
        }
        let mut change = Map::new();
        if let Some(old) = old {
            change.insert("before".to_owned(), old.clone());
        }
        if let Some(new) = new {
            change.insert("after".to_owned(), new.clone());
        }
        changes.insert(name.clone(), Value::Object(change));
    }
    Value::Object(changes)
}

/// How each audited object is shown in a diff: the fields an admin sets, secrets masked as
/// every read API masks them, counters that requests move (usage, spending) left out.
pub(crate) trait AuditView {
    /// `object_kind` of its audit events (the change feed's kind names).
    const KIND: &'static str;
    fn view(&self) -> Value;
}

impl StoreTx {
    /// [`StoreTx::audit`] of an object from its views.
    pub(crate) fn audit_row<T: AuditView>(
        &mut self,
        id: String,
        before: Option<&T>,
        after: Option<&T>,
    ) {
        self.audit(T::KIND, id, before.map(T::view), after.map(T::view));
    }
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl AuditView for Group {
    const KIND: &'static str = "group";
    fn view(&self) -> Value {
        json!({
            "status": to_value(&self.status),
            "rpm_ratio": self.rpm_ratio,
            "tpm_ratio": self.tpm_ratio,
            "available_sets": self.available_sets,
            "balance": decimal_text(self.balance),
            "balance_alert_threshold": decimal_text(self.balance_alert_threshold),
            "balance_alert_enabled": self.balance_alert_enabled,
            "max_concurrency": self.max_concurrency,
        })
    }
}

impl AuditView for Token {
    const KIND: &'static str = "token";
    fn view(&self) -> Value {
        json!({
            "group": self.group_id,
            "name": self.name,
            "key_prefix": self.key_prefix,
            "status": to_value(&self.status),
            "expires_at_ms": self.expires_at,
            "subnets": self.subnets.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "models": self.models,
            "mcp_servers": self.mcp_servers,
            "quota": self.quota.map(decimal_text),
            "period_quota": self.period_quota.map(decimal_text),
            "period": self.period.map(|period| period.as_str()),
            "rpm": self.rpm,
            "tpm": self.tpm,
            "max_concurrency": self.max_concurrency,
        })
    }
}

impl AuditView for Channel {
    const KIND: &'static str = "channel";
    fn view(&self) -> Value {
        json!({
            "name": self.name,
            "type": self.kind.as_str(),
            "base_url": secret::mask_url(&self.base_url),
            "key": secret::mask(&self.key),
            "models": self.models,
            "model_mapping": self.model_mapping,
            "priority": self.priority,
            "sets": self.sets,
            "status": to_value(&self.status),
            "proxy_url": self.proxy_url.as_deref().map(secret::mask_url),
            "timeouts": to_value(&self.timeouts),
            "config": secret::mask_credential_entries(&self.config),
            "warn_error_rate": self.warn_error_rate,
            "max_error_rate": self.max_error_rate,
        })
    }
}

impl AuditView for ModelConfig {
    const KIND: &'static str = "model";
    fn view(&self) -> Value {
        json!({
            "type": to_value(&self.model_type),
            "owner": self.owner,
            "rpm": self.rpm,
            "tpm": self.tpm,
            "retry_times": self.retry_times,
            "timeouts": to_value(&self.timeouts),
            "price": to_value(&self.price),
            "max_output_tokens": self.max_output_tokens,
            "plugins": secret::mask_settings(&self.plugins),
            "config": self.config,
        })
    }
}

impl AuditView for GroupModelOverride {
    const KIND: &'static str = "group_model";
    fn view(&self) -> Value {
        json!({
            "rpm": self.rpm,
            "tpm": self.tpm,
            "price": self.price.as_ref().map(to_value),
            "retry_times": self.retry_times,
            "timeouts": to_value(&self.timeouts),
            "save_detail": self.save_detail,
            "plugins": self.plugins.as_ref().map(secret::mask_settings),
        })
    }
}

impl AuditView for McpServer {
    const KIND: &'static str = "mcp_server";
    fn view(&self) -> Value {
        // A document can be megabytes: its digest and size say that it changed.
        let openapi = self.openapi.as_ref().map(|source| {
            let masked = secret::mask_openapi(source);
            let mut value = to_value(&masked);
            if let (Some(object), Some(spec)) = (value.as_object_mut(), source.spec.as_deref()) {
                object.insert(
                    "spec".to_owned(),
                    json!(format!(
                        "sha256:{} ({} bytes)",
                        hex::encode(Sha256::digest(spec.as_bytes())),
                        spec.len()
                    )),
                );
            }
            value
        });
        json!({
            "scope": to_value(&self.scope),
            "group": self.group_id,
            "type": to_value(&self.kind),
            "template": self.template,
            "url": self.url.as_deref().map(secret::mask_url),
            "headers": secret::mask_map(&self.headers),
            "query": secret::mask_map(&self.query),
            "params": secret::mask_map(&self.params),
            "openapi": openapi,
            "status": to_value(&self.status),
            "price_per_call": decimal_text(self.price_per_call),
            "required_group_params": self.required_group_params,
            "tool_prices": self
                .tool_prices
                .iter()
                .map(|(tool, price)| (tool.clone(), decimal_text(*price)))
                .collect::<std::collections::BTreeMap<_, _>>(),
            "group_tools": self.group_tools,
            "virtual_tools": self.virtual_tools,
            "virtual_prompts": self.virtual_prompts,
            "virtual_resources": self.virtual_resources,
            "catalogue": self.catalogue,
            "aggregate_unprefixed": self.aggregate_unprefixed,
            "upstream_oauth": self.upstream_oauth.as_ref().map(|client| json!({
                "client_id": client.client_id,
                "client_secret": secret::mask(&client.client_secret),
                "scopes": client.scopes,
            })),
        })
    }
}

impl AuditView for GroupMcpParams {
    const KIND: &'static str = "group_mcp_params";
    fn view(&self) -> Value {
        json!({ "params": secret::mask_map(&self.params) })
    }
}

/// An option's view.
pub(crate) fn option_view(value: &str) -> Value {
    json!({ "value": value })
}

/// Channel balance settings' view.
pub(crate) fn balance_settings_view(threshold: Option<f64>, disable_when_empty: bool) -> Value {
    json!({ "balance_threshold": threshold, "disable_when_empty": disable_when_empty })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_name_changed_fields_only() {
        let before = json!({"a": 1, "b": "x", "c": null});
        let after = json!({"a": 2, "b": "x", "d": [1]});
        assert_eq!(
            diff(Some(&before), Some(&after)),
            json!({"a": {"before": 1, "after": 2}, "d": {"after": [1]}})
        );
        assert_eq!(
            diff(None, Some(&json!({"a": 1}))),
            json!({"a": {"after": 1}})
        );
        assert_eq!(
            diff(Some(&json!({"a": 1})), None),
            json!({"a": {"before": 1}})
        );
    }

    #[test]
    fn channel_keys_are_masked_in_views() {
        let mut channel = Channel::new("c", relay::host::ChannelKind::OPENAI);
        channel.key = "sk-very-secret-upstream-key-123456".to_owned();
        let shown = channel.view().to_string();
        assert!(!shown.contains("very-secret-upstream"), "{shown}");
    }
}
