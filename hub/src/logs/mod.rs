//! Request logs beyond the writer: exact per-minute and per-hour summaries, retention, and the queries behind `LogService`.
//!
//! The writer (`crate::usage_log`) inserts raw rows; [`summaries::record_batch`] adds the same
//! batch to both summary tables inside the writer's transaction, so a summary never counts a
//! row that was not stored. Every statement here is assembled by [`Sql`], which numbers `$n`
//! placeholders itself (sqlx's `QueryBuilder<Any>` writes `?`, which Postgres rejects).

pub mod charges;
pub mod queries;
pub mod retention;
pub mod summaries;
pub mod write;

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe};

/// Errors of the log queries: the caller's (`Invalid`) or the database's.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("stored {column} is corrupt: {reason}")]
    Corrupt {
        column: &'static str,
        reason: String,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// A bound value of a dynamically assembled statement (also a summary row's key part).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Arg {
    Int(i64),
    Text(String),
}

/// A statement built from `&'static str` fragments and bound values only, so caller data can
/// reach the database only as a bound parameter.
#[derive(Debug, Default, Clone)]
struct Sql {
    text: String,
    args: Vec<Arg>,
    /// Placeholders are `?`, bound in order (SQLite only), instead of `$n`.
    anonymous: bool,
}

impl Sql {
    fn new(text: &'static str) -> Sql {
        Sql {
            text: text.to_owned(),
            args: Vec::new(),
            anonymous: false,
        }
    }

    /// A statement for SQLite with anonymous `?` placeholders: for statements with thousands
    /// of values, where binding `$n` costs a linear search of the statement's parameter names
    /// per value (see `write::values_statement`).
    fn new_sqlite_bulk(text: &'static str) -> Sql {
        Sql {
            anonymous: true,
            ..Sql::new(text)
        }
    }

    fn push(&mut self, text: &'static str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    fn bind_int(&mut self, value: i64) -> &mut Sql {
        self.args.push(Arg::Int(value));
        self.placeholder()
    }

    fn bind_text(&mut self, value: impl Into<String>) -> &mut Sql {
        self.args.push(Arg::Text(value.into()));
        self.placeholder()
    }

    fn bind(&mut self, value: Arg) -> &mut Sql {
        self.args.push(value);
        self.placeholder()
    }

    fn placeholder(&mut self) -> &mut Sql {
        if self.anonymous {
            self.text.push('?');
            return self;
        }
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    fn query(&self) -> Query<'static, Any, AnyArguments> {
        let mut query = sqlx::query(AssertSqlSafe(self.text.clone()));
        for arg in &self.args {
            query = match arg {
                Arg::Int(value) => query.bind(*value),
                Arg::Text(value) => query.bind(value.clone()),
            };
        }
        query
    }
}

fn saturating_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
