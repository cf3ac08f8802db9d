//! `aiproxy import`: reads another gateway's database (the seed, labring/aiproxy) and applies it as a declarative document.
//!
//! The rows are translated into our configuration document and applied by the same code as
//! `aiproxy apply`, so validation, key hashing and change events are shared; an import run
//! twice changes nothing the second time. The groups' parameters for public MCP servers,
//! which the document does not carry, are written after it.

pub mod one_api;
pub mod seed;
pub mod seed_config;
pub mod translate;

use std::fmt;

use crate::edges::declarative::{self, ApplyError, ApplyReport};
use crate::snapshot::changes::{ChangeAction, ChangeFeed, ChangeKind};
use crate::store::{GroupMcpParams, Store, StoreError};
pub use translate::{GroupParams, Translation};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] seed::ReadError),
    #[error(transparent)]
    Apply(#[from] ApplyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub dry_run: bool,
    pub apply: ApplyReport,
    /// "server/group" of the group parameters written (or to write).
    pub group_params_changed: Vec<String>,
    pub group_params_unchanged: usize,
    pub warnings: Vec<String>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.dry_run {
            writeln!(f, "dry run: nothing was written; an import would do this:")?;
        }
        writeln!(f, "{}", self.apply)?;
        if !self.group_params_changed.is_empty() {
            writeln!(
                f,
                "mcp group params: {} written ({})",
                self.group_params_changed.len(),
                self.group_params_changed.join(", ")
            )?;
        }
        if self.group_params_unchanged > 0 {
            writeln!(
                f,
                "mcp group params: {} unchanged",
                self.group_params_unchanged
            )?;
        }
        for warning in &self.warnings {
            writeln!(f, "warning: {warning}")?;
        }
        Ok(())
    }
}

/// Reads the seed's database at `dsn` and translates it.
pub async fn read_seed(dsn: &str) -> Result<Translation, ImportError> {
    let pool = seed::connect(dsn).await?;
    let rows = seed::read(&pool).await;
    pool.close().await;
    Ok(translate::translate(&rows?))
}

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub group_max_tokens: u32,
    /// Report what would change; write nothing.
    pub dry_run: bool,
    /// The balance of groups the import creates. The seed charges an outside balance service
    /// (none at all when it has none); ours charges the group's own balance, so a new group at
    /// 0 is refused priced models until it is topped up. Groups that exist keep theirs.
    pub new_group_balance: Option<rust_decimal::Decimal>,
}

/// Reads a OneAPI / new-api database at `dsn` and translates its channels and tokens.
pub async fn read_one_api(dsn: &str) -> Result<Translation, ImportError> {
    let pool = seed::connect(dsn).await?;
    let translation = one_api::read(&pool).await;
    pool.close().await;
    Ok(translation?)
}

/// Applies a translation to `store` (or, with `dry_run`, reports what it would change).
pub async fn apply(
    store: &Store,
    changes: &ChangeFeed,
    mut translation: Translation,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let (group_max_tokens, dry_run) = (options.group_max_tokens, options.dry_run);
    let mut unfunded = Vec::new();
    for group in &mut translation.document.groups {
        match store.get_group(&group.id).await {
            Ok(_) => {}
            Err(StoreError::NotFound { .. }) => match options.new_group_balance {
                Some(balance) => group.balance = Some(balance),
                None => unfunded.push(group.id.clone()),
            },
            Err(error) => return Err(error.into()),
        }
    }
    if !unfunded.is_empty() {
        translation.warnings.push(format!(
            "new groups start with a balance of 0 and are refused priced models until topped up \
             (or import with --new-group-balance): {}",
            unfunded.join(", ")
        ));
    }
    let apply = if dry_run {
        declarative::plan(store, &translation.document, group_max_tokens).await?
    } else {
        declarative::apply(store, changes, &translation.document, group_max_tokens).await?
    };
    let mut report = ImportReport {
        dry_run,
        apply,
        warnings: translation.warnings,
        ..ImportReport::default()
    };
    for params in translation.group_params {
        let name = format!("{}/{}", params.server_id, params.group_id);
        let stored = match store
            .get_group_mcp_params(&params.server_id, &params.group_id)
            .await
        {
            Ok(stored) => Some(stored.params),
            Err(StoreError::NotFound { .. }) => None,
            Err(error) if dry_run => {
                // The server may not exist yet: a dry run created nothing.
                tracing::debug!(%error, "group params not readable in a dry run");
                None
            }
            Err(error) => return Err(error.into()),
        };
        if stored.as_ref() == Some(&params.params) {
            report.group_params_unchanged += 1;
            continue;
        }
        if !dry_run {
            store
                .set_group_mcp_params(&GroupMcpParams {
                    server_id: params.server_id.clone(),
                    group_id: params.group_id.clone(),
                    params: params.params,
                    updated_at: 0,
                })
                .await?;
            let action = if stored.is_some() {
                ChangeAction::Updated
            } else {
                ChangeAction::Created
            };
            changes.publish(ChangeKind::McpServer, action, params.server_id.clone());
        }
        report.group_params_changed.push(name);
    }
    Ok(report)
}
