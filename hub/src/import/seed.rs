//! Reads the seed's (labring/aiproxy) or OneAPI's tables from SQLite, Postgres or MySQL as JSON records, JSON text columns parsed.
//!
//! Columns are named in each query (never `SELECT *`): the seed's tables also hold timestamps
//! and counters we do not import, and the `Any` driver refuses some of their types.

use serde_json::{Map, Value};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Column, Row};

/// One row: column name to value.
pub type Record = Map<String, Value>;

/// Every table the importer reads, as rows.
#[derive(Debug, Clone, Default)]
pub struct SeedRows {
    pub channels: Vec<Record>,
    pub groups: Vec<Record>,
    pub tokens: Vec<Record>,
    pub model_configs: Vec<Record>,
    pub group_model_configs: Vec<Record>,
    pub options: Vec<Record>,
    pub public_mcps: Vec<Record>,
    pub public_mcp_reusing_params: Vec<Record>,
    pub group_mcps: Vec<Record>,
}

/// Why the seed's database could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot open the database: {0}")]
    Connect(sqlx::Error),
    #[error("cannot read table {table}: {source}")]
    Table {
        table: &'static str,
        source: sqlx::Error,
    },
}

/// The seed's price columns (its `Price` struct is embedded, one column per field).
pub const PRICE_COLUMNS: &[&str] = &[
    "per_request_price",
    "input_price",
    "input_price_unit",
    "image_input_price",
    "image_input_price_unit",
    "audio_input_price",
    "audio_input_price_unit",
    "output_price",
    "output_price_unit",
    "image_output_price",
    "image_output_price_unit",
    "audio_output_price",
    "audio_output_price_unit",
    "thinking_mode_output_price",
    "thinking_mode_output_price_unit",
    "cached_price",
    "cached_price_unit",
    "cache_creation_price",
    "cache_creation_price_unit",
    "web_search_price",
    "web_search_price_unit",
];

/// Columns whose text is JSON (GORM's `serializer:fastjson`).
const JSON_COLUMNS: &[&str] = &[
    "models",
    "model_mapping",
    "configs",
    "sets",
    "available_sets",
    "subnets",
    "config",
    "plugin",
    "params",
    "proxy_config",
    "openapi_config",
    "embed_config",
    "tools_call_prices",
];

/// Opens `dsn` (a `postgres://`, `mysql://` or `sqlite:` URL, or a SQLite file path) read-only
/// where the driver allows.
pub async fn connect(dsn: &str) -> Result<AnyPool, ReadError> {
    sqlx::any::install_default_drivers();
    let url = if dsn.starts_with("postgres://")
        || dsn.starts_with("postgresql://")
        || dsn.starts_with("sqlite:")
        || dsn.starts_with("mysql://")
        || dsn.starts_with("mariadb://")
    {
        dsn.to_owned()
    } else {
        format!("sqlite://{dsn}?mode=ro")
    };
    AnyPoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await
        .map_err(ReadError::Connect)
}

/// Reads every table the importer knows.
pub async fn read(pool: &AnyPool) -> Result<SeedRows, ReadError> {
    let model_columns: Vec<&str> = [
        "model",
        "owner",
        "type",
        "rpm",
        "tpm",
        "retry_times",
        "request_timeout",
        "stream_request_timeout",
        "force_save_detail",
        "config",
        "plugin",
    ]
    .into_iter()
    .chain(PRICE_COLUMNS.iter().copied())
    .collect();
    let override_columns: Vec<&str> = [
        "group_id",
        "model",
        "override_limit",
        "rpm",
        "tpm",
        "override_price",
        "override_retry_times",
        "retry_times",
        "override_timeout_config",
        "request_timeout",
        "stream_request_timeout",
        "override_force_save_detail",
        "force_save_detail",
    ]
    .into_iter()
    .chain(PRICE_COLUMNS.iter().copied())
    .collect();
    Ok(SeedRows {
        channels: table(
            pool,
            "channels",
            &[
                "id",
                "name",
                "type",
                "key",
                "base_url",
                "proxy_url",
                "models",
                "model_mapping",
                "status",
                "priority",
                "sets",
                "configs",
                "warn_error_rate",
                "max_error_rate",
                "balance_threshold",
            ],
            "WHERE deleted_at IS NULL ORDER BY id",
        )
        .await?,
        groups: table(
            pool,
            "groups",
            &[
                "id",
                "status",
                "rpm_ratio",
                "tpm_ratio",
                "available_sets",
                "balance_alert_enabled",
                "balance_alert_threshold",
            ],
            "ORDER BY id",
        )
        .await?,
        tokens: table(
            pool,
            "tokens",
            &[
                "id",
                "key",
                "name",
                "group_id",
                "subnets",
                "models",
                "status",
                "quota",
                "period_quota",
                "period_type",
            ],
            "ORDER BY id",
        )
        .await?,
        model_configs: table(pool, "model_configs", &model_columns, "ORDER BY model").await?,
        group_model_configs: table(
            pool,
            "group_model_configs",
            &override_columns,
            "ORDER BY group_id, model",
        )
        .await?,
        options: table(pool, "options", &["key", "value"], "ORDER BY key").await?,
        public_mcps: table(
            pool,
            "public_mcps",
            &[
                "id",
                "status",
                "type",
                "default_tools_call_price",
                "tools_call_prices",
                "proxy_config",
                "openapi_config",
                "embed_config",
            ],
            "ORDER BY id",
        )
        .await?,
        public_mcp_reusing_params: table(
            pool,
            "public_mcp_reusing_params",
            &["mcp_id", "group_id", "params"],
            "ORDER BY mcp_id, group_id",
        )
        .await?,
        group_mcps: table(
            pool,
            "group_mcps",
            &[
                "id",
                "group_id",
                "status",
                "type",
                "proxy_config",
                "openapi_config",
            ],
            "ORDER BY group_id, id",
        )
        .await?,
    })
}

/// Every column is read as text (`CAST(... AS TEXT)`, MySQL's `CAST(... AS CHAR)`): Postgres
/// gives GORM's floats the NUMERIC type, which the `Any` driver cannot decode, and the
/// translation reads numbers and booleans from text either way. Names are quoted: `key` and
/// `groups` are reserved words in MySQL.
pub(super) async fn table(
    pool: &AnyPool,
    table: &'static str,
    columns: &[&str],
    tail: &'static str,
) -> Result<Vec<Record>, ReadError> {
    let mysql = matches!(
        pool.connect_options().database_url.scheme(),
        "mysql" | "mariadb"
    );
    let (quote, text) = if mysql { ('`', "CHAR") } else { ('"', "TEXT") };
    let select: Vec<String> = columns
        .iter()
        .map(|column| format!("CAST({quote}{column}{quote} AS {text}) AS {quote}{column}{quote}"))
        .collect();
    // Table and column names are the constants of this file; no value is spliced in.
    let sql = format!(
        "SELECT {} FROM {quote}{table}{quote} {tail}",
        select.join(", ")
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await
        .map_err(|source| ReadError::Table { table, source })?;
    Ok(rows.iter().map(record).collect())
}

fn record(row: &AnyRow) -> Record {
    let mut record = Map::new();
    for column in row.columns() {
        let name = column.name();
        let value = value(row, column.ordinal());
        let value = match value {
            // Text that is not JSON stays text (OneAPI's comma-separated model lists).
            Value::String(text) if JSON_COLUMNS.contains(&name) => {
                serde_json::from_str(&text).unwrap_or(Value::String(text))
            }
            other => other,
        };
        record.insert(name.to_owned(), value);
    }
    record
}

/// The column's text, or null.
fn value(row: &AnyRow, idx: usize) -> Value {
    row.try_get::<Option<String>, _>(idx)
        .ok()
        .flatten()
        .map_or(Value::Null, Value::String)
}
