//! The declarative configuration document (YAML or JSON): parse, apply as an idempotent upsert, export with secrets masked.
//!
//! Applying a document is one transaction: every object is validated and written, or nothing
//! is. Objects are matched by their natural key (group id, group + token name, channel name,
//! model name, MCP server id, option key); an object equal to the stored one is left alone, so
//! applying the same document twice writes nothing and announces nothing.

mod document;
mod openapi_servers;
mod spec_files;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

pub use document::{
    ChannelSpec, Document, GroupSpec, McpServerSpec, ModelSpec, OptionValue, OverrideSpec,
    PriceSpec, TokenSpec,
};
pub use spec_files::inline_spec_files;

use crate::snapshot::changes::{ChangeAction, ChangeFeed, ChangeKind};
use crate::store::{
    Channel, Group, GroupModelOverride, McpServer, McpServerKind, ModelConfig, Store, StoreError,
    StoreTx, Token, hash_key,
};

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The text is not a valid document; the message names the line and column.
    #[error("invalid document: {0}")]
    Parse(String),
    /// An object in the document is invalid or conflicts with stored data.
    #[error("{path}: {source}")]
    Invalid { path: String, source: StoreError },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// An OpenAPI-backed MCP server's document could not be fetched or does not convert.
    #[error("{path} (mcp server {id}): {source}")]
    OpenApi {
        path: String,
        id: String,
        source: crate::mcp_host::openapi::UploadError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one kind of object went through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
}

impl KindReport {
    fn record(&mut self, outcome: Outcome, name: String) {
        match outcome {
            Outcome::Created => self.created.push(name),
            Outcome::Updated => self.updated.push(name),
            Outcome::Unchanged => self.unchanged.push(name),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// The result of an apply, per kind, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub groups: KindReport,
    pub group_overrides: KindReport,
    pub tokens: KindReport,
    pub channels: KindReport,
    pub models: KindReport,
    pub mcp_servers: KindReport,
    pub options: KindReport,
    /// Plain keys of tokens created without a key in the document, by "group/name". Shown once.
    pub generated_keys: BTreeMap<String, String>,
    /// The configuration revision after the apply.
    pub revision: i64,
}

impl ApplyReport {
    /// Every kind with its report name.
    pub fn kinds(&self) -> [(&'static str, &KindReport); 7] {
        [
            ("groups", &self.groups),
            ("group_overrides", &self.group_overrides),
            ("tokens", &self.tokens),
            ("channels", &self.channels),
            ("models", &self.models),
            ("mcp_servers", &self.mcp_servers),
            ("options", &self.options),
        ]
    }

    /// True when nothing was created or updated.
    pub fn is_unchanged(&self) -> bool {
        self.kinds()
            .iter()
            .all(|(_, kind)| kind.created.is_empty() && kind.updated.is_empty())
    }
}

impl fmt::Display for ApplyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, kind) in self.kinds() {
            if kind.created.is_empty() && kind.updated.is_empty() && kind.unchanged.is_empty() {
                continue;
            }
            write!(f, "{name}:")?;
            for (label, names) in [
                ("created", &kind.created),
                ("updated", &kind.updated),
                ("unchanged", &kind.unchanged),
            ] {
                if !names.is_empty() {
                    write!(f, " {} {label} ({})", names.len(), names.join(", "))?;
                }
            }
            writeln!(f)?;
        }
        if self.is_unchanged() {
            writeln!(f, "no changes")?;
        }
        for (token, key) in &self.generated_keys {
            writeln!(f, "generated key for token {token}: {key}")?;
        }
        write!(f, "revision {}", self.revision)
    }
}

/// Parses YAML (JSON is valid YAML). Errors name the line and column.
pub fn parse(text: &str) -> Result<Document, ApplyError> {
    check_expansion(text)?;
    serde_norway::from_str::<Option<Document>>(text)
        .map(Option::unwrap_or_default)
        .map_err(|err| ApplyError::Parse(err.to_string()))
}

/// Refuses a document whose aliases expand it past the node budget, before the typed parse
/// (which would expand them without a bound) runs. The config reaches the server from the
/// `Apply` RPC and from files other people write, so it is read like any untrusted YAML.
pub(crate) fn check_expansion(text: &str) -> Result<(), ApplyError> {
    openapi2mcp::yaml::to_json(text, openapi2mcp::yaml::max_nodes(text.len()))
        .map(drop)
        .map_err(ApplyError::Parse)
}

pub fn to_yaml(document: &Document) -> Result<String, ApplyError> {
    serde_norway::to_string(document).map_err(|err| ApplyError::Parse(err.to_string()))
}

/// Reads, parses and applies a file (the server's `CONFIG_FILE_PATH`): our document, or the
/// seed's `channels` / `modelconfigs` / `options` file.
pub async fn apply_file(
    store: &Store,
    changes: &ChangeFeed,
    path: &Path,
    group_max_tokens: u32,
) -> Result<ApplyReport, ApplyError> {
    let text = tokio::fs::read_to_string(path)
        .await
        .map_err(|source| ApplyError::Read {
            path: path.display().to_string(),
            source,
        })?;
    let base_dir = path.parent().unwrap_or(Path::new("."));
    let text = inline_spec_files(&text, base_dir)?;
    // The seed's configuration file format is recognised too, and translated.
    let document = crate::import::seed_config::parse_either(&text)?;
    apply(store, changes, &document, group_max_tokens).await
}

/// Applies the document in one transaction, then announces every change. OpenAPI-backed MCP
/// servers are fetched (`spec_url`) and converted first: one that fails stops the apply.
pub async fn apply(
    store: &Store,
    changes: &ChangeFeed,
    document: &Document,
    group_max_tokens: u32,
) -> Result<ApplyReport, ApplyError> {
    document.check_duplicates()?;
    let fetched = openapi_servers::prepare(document).await?;
    let document = fetched.as_ref().unwrap_or(document);
    let mut tx = store.begin().await?;
    let (mut report, events) = write_all(&mut tx, document, group_max_tokens).await?;
    report.revision = tx.commit().await?;
    // Announced only after the commit, so a watcher that reloads sees the new state.
    for (kind, action, id) in events {
        changes.publish(kind, action, id);
    }
    Ok(report)
}

/// What applying the document would change, found by applying it in a transaction that is
/// rolled back: the same validation and comparisons as [`apply`], nothing written or announced.
pub async fn plan(
    store: &Store,
    document: &Document,
    group_max_tokens: u32,
) -> Result<ApplyReport, ApplyError> {
    document.check_duplicates()?;
    let fetched = openapi_servers::prepare(document).await?;
    let document = fetched.as_ref().unwrap_or(document);
    let mut tx = store.begin().await?;
    let (report, _) = write_all(&mut tx, document, group_max_tokens).await?;
    tx.rollback().await?;
    Ok(report)
}

type Events = Vec<(ChangeKind, ChangeAction, String)>;

/// Writes every object of the document in `tx`; returns the report (without a revision) and
/// the changes to announce once committed.
async fn write_all(
    tx: &mut StoreTx,
    document: &Document,
    group_max_tokens: u32,
) -> Result<(ApplyReport, Events), ApplyError> {
    let mut report = ApplyReport::default();
    let mut events = Vec::new();

    for (idx, spec) in document.groups.iter().enumerate() {
        let path = format!("groups[{idx}]");
        let existing = tx.get_group(&spec.id).await?;
        let desired = spec.to_group(existing.as_ref()).map_err(at(&path))?;
        let outcome = match existing {
            None => {
                tx.create_group(&desired).await.map_err(at(&path))?;
                Outcome::Created
            }
            Some(existing) if same_group(&existing, &desired) => Outcome::Unchanged,
            // A document without a balance keeps the stored one, which charges move.
            Some(_) if spec.balance.is_none() => {
                tx.update_group_settings(&desired)
                    .await
                    .map_err(at(&path))?;
                Outcome::Updated
            }
            Some(_) => {
                tx.update_group(&desired).await.map_err(at(&path))?;
                Outcome::Updated
            }
        };
        note(&mut events, ChangeKind::Group, outcome, &spec.id);
        report.groups.record(outcome, spec.id.clone());
    }

    for (idx, spec) in document.models.iter().enumerate() {
        let path = format!("models[{idx}]");
        let existing = tx.get_model_config(&spec.model).await?;
        let desired = spec.to_model_config(existing.as_ref()).map_err(at(&path))?;
        let outcome = match existing {
            None => {
                tx.create_model_config(&desired).await.map_err(at(&path))?;
                Outcome::Created
            }
            Some(existing) if same_model(&existing, &desired) => Outcome::Unchanged,
            Some(_) => {
                tx.update_model_config(&desired).await.map_err(at(&path))?;
                Outcome::Updated
            }
        };
        note(&mut events, ChangeKind::Model, outcome, &spec.model);
        report.models.record(outcome, spec.model.clone());
    }

    for (idx, spec) in document.groups.iter().enumerate() {
        for (override_idx, item) in spec.model_overrides.iter().enumerate() {
            let path = format!("groups[{idx}].model_overrides[{override_idx}]");
            let existing = tx.get_group_override(&spec.id, &item.model).await?;
            let desired = item.to_override(&spec.id, existing.as_ref());
            let outcome = match existing {
                Some(existing) if same_override(&existing, &desired) => Outcome::Unchanged,
                existing => {
                    tx.put_group_override(&desired).await.map_err(at(&path))?;
                    if existing.is_some() {
                        Outcome::Updated
                    } else {
                        Outcome::Created
                    }
                }
            };
            let name = format!("{}/{}", spec.id, item.model);
            note(&mut events, ChangeKind::GroupModel, outcome, &name);
            report.group_overrides.record(outcome, name);
        }
    }

    for (idx, spec) in document.channels.iter().enumerate() {
        let path = format!("channels[{idx}]");
        let existing = tx.find_channel_by_name(&spec.name).await?;
        let desired = spec.to_channel(existing.as_ref()).map_err(at(&path))?;
        let (threshold, disable_when_empty) = spec.balance_settings().map_err(at(&path))?;
        let (mut outcome, id) = match existing {
            None => {
                let created = tx.create_channel(&desired).await.map_err(at(&path))?;
                (Outcome::Created, created.id)
            }
            Some(existing) if same_channel(&existing, &desired) => {
                (Outcome::Unchanged, existing.id)
            }
            Some(existing) => {
                tx.update_channel(&desired).await.map_err(at(&path))?;
                (Outcome::Updated, existing.id)
            }
        };
        // Balance settings live beside the channel (a refresh must not bump its revision).
        if tx.channel_balance_settings(id).await? != (threshold, disable_when_empty) {
            tx.set_channel_balance_settings(id, threshold, disable_when_empty)
                .await
                .map_err(at(&path))?;
            if outcome == Outcome::Unchanged {
                outcome = Outcome::Updated;
            }
        }
        note(&mut events, ChangeKind::Channel, outcome, &id.to_string());
        report.channels.record(outcome, spec.name.clone());
    }

    // Virtual servers after the servers they draw from, wherever the document lists them.
    let mut mcp_servers: Vec<(usize, &McpServerSpec)> =
        document.mcp_servers.iter().enumerate().collect();
    mcp_servers.sort_by_key(|(_, spec)| spec.kind == Some(McpServerKind::Virtual));
    for (idx, spec) in mcp_servers {
        let path = format!("mcp_servers[{idx}]");
        let existing = tx.get_mcp_server(&spec.id).await?;
        let desired = spec.to_mcp_server(existing.as_ref()).map_err(at(&path))?;
        let outcome = match existing {
            None => {
                tx.create_mcp_server(&desired).await.map_err(at(&path))?;
                Outcome::Created
            }
            Some(existing) if same_mcp_server(&existing, &desired) => Outcome::Unchanged,
            Some(_) => {
                tx.update_mcp_server(&desired).await.map_err(at(&path))?;
                Outcome::Updated
            }
        };
        note(&mut events, ChangeKind::McpServer, outcome, &spec.id);
        report.mcp_servers.record(outcome, spec.id.clone());
    }

    for (idx, spec) in document.tokens.iter().enumerate() {
        let path = format!("tokens[{idx}]");
        let name = format!("{}/{}", spec.group, spec.name);
        let (outcome, id) = apply_token(tx, spec, group_max_tokens, &mut report)
            .await
            .map_err(at(&path))?;
        note(&mut events, ChangeKind::Token, outcome, &id.to_string());
        report.tokens.record(outcome, name);
    }

    for (key, value) in &document.options {
        let value = value.as_text();
        let outcome = match tx.get_option(key).await? {
            Some(existing) if existing == value => Outcome::Unchanged,
            existing => {
                tx.set_option(key, &value)
                    .await
                    .map_err(at(&format!("options.{key}")))?;
                if existing.is_some() {
                    Outcome::Updated
                } else {
                    Outcome::Created
                }
            }
        };
        note(&mut events, ChangeKind::Option, outcome, key);
        report.options.record(outcome, key.clone());
    }

    Ok((report, events))
}

/// Parses and applies document text (the `Apply` RPC).
pub async fn apply_text(
    store: &Store,
    changes: &ChangeFeed,
    text: &str,
    group_max_tokens: u32,
) -> Result<ApplyReport, ApplyError> {
    apply(store, changes, &parse(text)?, group_max_tokens).await
}

/// The whole configuration as a document, with secrets masked and token keys left out.
pub async fn export(store: &Store) -> Result<Document, ApplyError> {
    let balances = store.channel_balances().await?;
    Ok(Document::from_dump(store.load_all().await?, &balances))
}

async fn apply_token(
    tx: &mut StoreTx,
    spec: &TokenSpec,
    group_max_tokens: u32,
    report: &mut ApplyReport,
) -> Result<(Outcome, i64), StoreError> {
    let desired = spec.to_new_token()?;
    let Some(existing) = tx.find_token_by_name(&spec.group, &spec.name).await? else {
        let (token, key) = tx.create_token(&desired, group_max_tokens).await?;
        if spec.key.is_none() {
            report
                .generated_keys
                .insert(format!("{}/{}", spec.group, spec.name), key);
        }
        return Ok((Outcome::Created, token.id));
    };
    let mut updated = Token {
        status: desired.status,
        expires_at: desired.expires_at,
        subnets: desired.subnets.clone(),
        models: desired.models.clone(),
        mcp_servers: desired.mcp_servers.clone(),
        quota: desired.quota,
        period_quota: desired.period_quota,
        period: desired.period,
        rpm: desired.rpm,
        tpm: desired.tpm,
        max_concurrency: desired.max_concurrency,
        ..existing.clone()
    };
    let key_changed = desired
        .key
        .as_deref()
        .is_some_and(|key| hash_key(key) != existing.key_hash);
    if updated == existing && !key_changed {
        return Ok((Outcome::Unchanged, existing.id));
    }
    if updated != existing {
        updated = tx.update_token(&updated).await?;
    }
    if let (true, Some(key)) = (key_changed, desired.key.as_deref()) {
        tx.replace_token_key(updated.id, key).await?;
    }
    Ok((Outcome::Updated, existing.id))
}

fn at(path: &str) -> impl Fn(StoreError) -> ApplyError + '_ {
    move |source| match source {
        StoreError::Invalid { .. }
        | StoreError::NotFound { .. }
        | StoreError::AlreadyExists { .. }
        | StoreError::TokenLimit { .. } => ApplyError::Invalid {
            path: path.to_owned(),
            source,
        },
        other => ApplyError::Store(other),
    }
}

fn note(
    events: &mut Vec<(ChangeKind, ChangeAction, String)>,
    kind: ChangeKind,
    outcome: Outcome,
    id: &str,
) {
    let action = match outcome {
        Outcome::Created => ChangeAction::Created,
        Outcome::Updated => ChangeAction::Updated,
        Outcome::Unchanged => return,
    };
    events.push((kind, action, id.to_owned()));
}

fn same_group(existing: &Group, desired: &Group) -> bool {
    existing.status == desired.status
        && existing.rpm_ratio == desired.rpm_ratio
        && existing.tpm_ratio == desired.tpm_ratio
        && existing.available_sets == desired.available_sets
        && existing.balance == desired.balance
        && existing.balance_alert_threshold == desired.balance_alert_threshold
        && existing.balance_alert_enabled == desired.balance_alert_enabled
        && existing.max_concurrency == desired.max_concurrency
}

fn same_model(existing: &ModelConfig, desired: &ModelConfig) -> bool {
    ModelConfig {
        created_at: 0,
        updated_at: 0,
        ..existing.clone()
    } == ModelConfig {
        created_at: 0,
        updated_at: 0,
        ..desired.clone()
    }
}

fn same_override(existing: &GroupModelOverride, desired: &GroupModelOverride) -> bool {
    GroupModelOverride {
        created_at: 0,
        updated_at: 0,
        ..existing.clone()
    } == GroupModelOverride {
        created_at: 0,
        updated_at: 0,
        ..desired.clone()
    }
}

fn same_channel(existing: &Channel, desired: &Channel) -> bool {
    Channel {
        created_at: 0,
        updated_at: 0,
        ..existing.clone()
    } == Channel {
        id: existing.id,
        created_at: 0,
        updated_at: 0,
        ..desired.clone()
    }
}

fn same_mcp_server(existing: &McpServer, desired: &McpServer) -> bool {
    McpServer {
        created_at: 0,
        updated_at: 0,
        ..existing.clone()
    } == McpServer {
        created_at: 0,
        updated_at: 0,
        ..desired.clone()
    }
}
