//! Storage: the main database (SQLite or Postgres through sqlx), its migrations and typed access to every table.
//!
//! One SQL text serves both dialects: `$n` placeholders, BIGINT unix milliseconds for times,
//! BIGINT 0/1 for booleans, JSON TEXT for lists and maps, TEXT for decimals. Every write goes
//! through a [`StoreTx`], which bumps the configuration revision in the same transaction so
//! replicas polling [`Store::revision`] notice the change.

/// Runs `$work` (an expression using the transaction `$tx`) in a fresh [`StoreTx`] and commits
/// it, answering `Ok` with the work's value; an error (`?` inside `$work`) rolls back.
macro_rules! in_transaction {
    ($store:expr, |$tx:ident| $work:expr) => {{
        let mut $tx = $store.begin().await?;
        let value = $work;
        $tx.commit().await?;
        Ok(value)
    }};
}

pub mod admin_keys;
pub mod audit;
mod balances;
mod channel_tests;
mod channels;
mod groups;
mod mcp;
pub mod mcp_pins;
pub mod mcp_upstream_auth;
pub mod media_config;
pub mod media_tiers;
mod models;
mod options;
pub(crate) mod rows;
pub mod sealed;
pub mod secret;
pub(crate) mod sql;
mod table;
mod tokens;
mod types;
pub mod validate;
mod validate_virtual;

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Executor, Transaction};

pub use admin_keys::{NewAdminKey, StoredAdminKey};
pub use audit::{AuditEvent, AuditFilter};
pub use balances::ChannelBalance;
pub use channel_tests::ChannelTest;
pub use sealed::{SealError, Sealer};
pub use tokens::{generate_key, hash_key, key_prefix};
pub use types::{
    Channel, ChannelFilter, DEFAULT_PRICE_UNIT, Group, GroupFilter, GroupMcpParams,
    GroupModelOverride, GroupStatus, Listing, McpCatalogue, McpFilter, McpScope, McpServer,
    McpServerKind, ModelConfig, ModelFilter, ModelType, NewToken, OpenApiSource, Page, Price,
    PriceTier, QuotaPeriod, Status, StoreDump, Timeouts, Token, TokenFilter, UpstreamOAuthClient,
};

/// Errors of the storage boundary, the main and the log database alike. `Invalid`, `NotFound`,
/// `AlreadyExists` and `TokenLimit` are the caller's fault; the rest are the server's.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("{kind} {id:?} not found")]
    NotFound { kind: &'static str, id: String },
    #[error("{kind} {id:?} already exists")]
    AlreadyExists { kind: &'static str, id: String },
    #[error("group {group:?} already has the maximum of {max} tokens")]
    TokenLimit { group: String, max: u32 },
    #[error("stored {column} is corrupt: {reason}")]
    Corrupt {
        column: &'static str,
        reason: String,
    },
    #[error(transparent)]
    Sealed(#[from] SealError),
    #[error("cannot create the database directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Which SQL dialect the pool speaks; only migrations and connection setup differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The main database. Cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    /// Seals the columns holding secrets on the way in and opens them on the way out, so
    /// everything above the store sees plain text.
    sealer: Arc<Sealer>,
}

impl Store {
    /// [`Store::connect`] for the main database: secrets are sealed with `sealer`'s current key.
    /// Rows still in plain text are sealed by [`Store::seal_secrets`], which startup runs.
    pub async fn open(dsn: &str, sealer: Sealer) -> Result<Store, StoreError> {
        let mut store = Store::connect(dsn).await?;
        store.sealer = Arc::new(sealer);
        Ok(store)
    }

    /// Connects and applies migrations, without a secret key: secrets are stored as given (the
    /// log database holds none). A `postgres://` (or `postgresql://`) DSN selects
    /// Postgres; anything else is a SQLite file path (or `sqlite:` URL), created with its
    /// parent directories when missing and switched to WAL.
    pub async fn connect(dsn: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, dialect) = if dsn.starts_with("postgres://") || dsn.starts_with("postgresql://") {
            (dsn.to_owned(), Dialect::Postgres)
        } else {
            (sqlite_url(dsn)?, Dialect::Sqlite)
        };
        let pool = AnyPoolOptions::new()
            .max_connections(match dialect {
                // SQLite has one writer; a few readers are enough and keep lock waits short.
                Dialect::Sqlite => 4,
                Dialect::Postgres => 10,
            })
            .after_connect(|conn, _| {
                Box::pin(async move {
                    // In WAL mode NORMAL syncs at checkpoints instead of at every commit: a
                    // commit survives the process crashing, only a power loss may take the
                    // last ones. Per connection, so set on each.
                    if conn.backend_name() == "SQLite" {
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        if dialect == Dialect::Sqlite {
            // WAL lets readers proceed during a write; the setting is stored in the file.
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        match dialect {
            Dialect::Sqlite => sqlx::migrate!("../migrations/sqlite").run(&pool).await?,
            Dialect::Postgres => sqlx::migrate!("../migrations/postgres").run(&pool).await?,
        }
        Ok(Store {
            pool,
            dialect,
            sealer: Arc::new(Sealer::plaintext()),
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The pool, for the log writer and health checks that share the connection.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The configuration revision: bumped by every committed write.
    pub async fn revision(&self) -> Result<i64, StoreError> {
        revision(&self.pool).await
    }

    /// Starts a transaction for several writes that must land together.
    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        // A deferred SQLite transaction that reads and then writes cannot wait for the write
        // lock: it fails at once with "database is locked" when another connection (the request
        // log writer, say) wrote meanwhile. IMMEDIATE takes the lock up front, waiting politely.
        let tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        };
        Ok(StoreTx {
            tx,
            dirty: false,
            audit: Vec::new(),
            dialect: self.dialect,
            sealer: self.sealer.clone(),
        })
    }

    /// Every stored object, for building the in-memory snapshot. Read in one transaction so
    /// the dump is consistent.
    pub async fn load_all(&self) -> Result<StoreDump, StoreError> {
        // Read-only, so no write lock: a deferred SQLite transaction reads one WAL snapshot;
        // Postgres needs REPEATABLE READ for the statements to share a snapshot.
        let mut tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin().await?,
            Dialect::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        };
        let dump = StoreDump {
            revision: revision(&mut *tx).await?,
            groups: table::all(&mut *tx, &self.sealer).await?,
            tokens: table::all(&mut *tx, &self.sealer).await?,
            channels: table::all(&mut *tx, &self.sealer).await?,
            model_configs: table::all(&mut *tx, &self.sealer).await?,
            group_overrides: table::all(&mut *tx, &self.sealer).await?,
            mcp_servers: table::all(&mut *tx, &self.sealer).await?,
            group_mcp_params: table::all(&mut *tx, &self.sealer).await?,
            options: options::all(&mut *tx).await?,
            mcp_pins: mcp_pins::all(&mut tx).await?,
            admin_keys: admin_keys::all(&mut *tx).await?,
        };
        tx.rollback().await?;
        Ok(dump)
    }
}

/// A write transaction. Dropping it without [`StoreTx::commit`] rolls everything back.
pub struct StoreTx {
    tx: Transaction<'static, Any>,
    dirty: bool,
    /// Changes noted for the audit trail, written by [`StoreTx::commit`].
    audit: Vec<audit::PendingAudit>,
    dialect: Dialect,
    sealer: Arc<Sealer>,
}

impl std::fmt::Debug for StoreTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreTx")
            .field("dirty", &self.dirty)
            .finish()
    }
}

impl StoreTx {
    /// Commits, bumping the revision when anything was written, with the audit rows of the
    /// changes noted on the way. Returns the revision.
    pub async fn commit(mut self) -> Result<i64, StoreError> {
        self.write_audit().await?;
        if self.dirty {
            sqlx::query("UPDATE config_revision SET revision = revision + 1 WHERE id = 1")
                .execute(&mut *self.tx)
                .await?;
        }
        let revision = revision(&mut *self.tx).await?;
        self.tx.commit().await?;
        Ok(revision)
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }

    fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Marks the transaction as writing and hands out the connection.
    fn write(&mut self) -> &mut sqlx::AnyConnection {
        self.dirty = true;
        &mut self.tx
    }
}

async fn revision<'e>(exec: impl Executor<'e, Database = Any>) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT revision FROM config_revision WHERE id = 1")
        .fetch_one(exec)
        .await?;
    rows::int(&row, "revision")
}

fn sqlite_url(dsn: &str) -> Result<String, StoreError> {
    let path = dsn
        .strip_prefix("sqlite://")
        .or_else(|| dsn.strip_prefix("sqlite:"))
        .unwrap_or(dsn);
    let path = std::path::absolute(Path::new(path))?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    Ok(format!("sqlite://{}?mode=rwc", path.display()))
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// Maps a unique-constraint violation to `AlreadyExists`, anything else to `Database`.
fn conflict(kind: &'static str, id: impl Into<String>) -> impl FnOnce(sqlx::Error) -> StoreError {
    let id = id.into();
    move |err| match err.as_database_error() {
        Some(db_err) if db_err.is_unique_violation() => StoreError::AlreadyExists { kind, id },
        _ => StoreError::Database(err),
    }
}

fn not_found(kind: &'static str, id: impl Into<String>) -> StoreError {
    StoreError::NotFound {
        kind,
        id: id.into(),
    }
}
