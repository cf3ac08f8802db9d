//! The one SQL builder of the main and log databases: static fragments and bound values only, `$n` (or bulk `?`) placeholders.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe};

/// A statement with some of its values bound, owning them: what a table's shared binding of
/// its fields (used by both its INSERT and its UPDATE) takes and returns.
pub(crate) type Statement = Query<'static, Any, AnyArguments>;

/// A bound value of a dynamically assembled statement (also a summary row's key part).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

/// A statement assembled from static SQL fragments and bound values. sqlx's `QueryBuilder`
/// writes `?` placeholders for the Any driver, which Postgres rejects; this numbers them `$n`,
/// which both dialects accept. Only `&'static str` fragments can be pushed, so caller data can
/// reach the database only as a bound value.
#[derive(Debug, Default, Clone)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
    /// Placeholders are `?`, bound in order (SQLite only), instead of `$n`.
    anonymous: bool,
}

impl Sql {
    pub(crate) fn new(text: &'static str) -> Sql {
        Sql {
            text: text.to_owned(),
            args: Vec::new(),
            anonymous: false,
        }
    }

    /// A statement for SQLite with anonymous `?` placeholders: for statements with thousands
    /// of values, where binding `$n` costs a linear search of the statement's parameter names
    /// per value (see `logs::write::values_statement`).
    pub(crate) fn new_sqlite_bulk(text: &'static str) -> Sql {
        Sql {
            anonymous: true,
            ..Sql::new(text)
        }
    }

    pub(crate) fn push(&mut self, text: &'static str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    pub(crate) fn bind(&mut self, value: Arg) -> &mut Sql {
        self.args.push(value);
        self.placeholder()
    }

    pub(crate) fn bind_int(&mut self, value: i64) -> &mut Sql {
        self.bind(Arg::Int(value))
    }

    pub(crate) fn bind_text(&mut self, value: impl Into<String>) -> &mut Sql {
        self.bind(Arg::Text(value.into()))
    }

    /// Binds a case-insensitive substring pattern for `LOWER(col) LIKE .. ESCAPE '\'`: the
    /// keyword in lowercase between `%`s, with LIKE's wildcards escaped so it matches literally.
    pub(crate) fn bind_like(&mut self, keyword: &str) -> &mut Sql {
        let mut pattern = String::from("%");
        for c in keyword.to_lowercase().chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        self.bind_text(pattern)
    }

    /// Appends ` AND <column> IN (<bound values>)`; no values match no row.
    pub(crate) fn and_in(&mut self, column: &'static str, values: &[String]) -> &mut Sql {
        if values.is_empty() {
            return self.push(" AND 1 = 0");
        }
        self.push(" AND ").push(column).push(" IN (");
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                self.push(", ");
            }
            self.bind_text(value.clone());
        }
        self.push(")")
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

    pub(crate) fn query(&self) -> Query<'static, Any, AnyArguments> {
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

/// Splits `items` into chunks of at most `max` items (a power of two) whose lengths are `max`
/// or a smaller power of two, largest first: a statement built per chunk then has at most
/// `log2(max) + 1` distinct texts. sqlx keeps every statement it prepared in a cache of 100
/// per connection, and a multi-row statement of a few hundred rows prepares into megabytes;
/// with one text per batch size, a writer whose batches vary in size filled that cache with
/// hundreds of megabytes that were never reused. With these shapes every chunk's statement is
/// one of a few, prepared once and reused.
pub(crate) fn shaped_chunks<T>(items: &[T], max: usize) -> impl Iterator<Item = &[T]> {
    let max = max.max(1);
    let mut rest = items;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let size = if rest.len() >= max {
            max
        } else {
            // The largest power of two not above what is left.
            1 << rest.len().ilog2()
        };
        let (chunk, after) = rest.split_at(size);
        rest = after;
        Some(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_or_anonymous_and_like_patterns_escape_wildcards() {
        let mut numbered = Sql::new("SELECT 1 WHERE a = ");
        numbered
            .bind_int(1)
            .push(" AND b LIKE ")
            .bind_like("50%_A\\");
        assert_eq!(numbered.text, "SELECT 1 WHERE a = $1 AND b LIKE $2");
        assert_eq!(
            numbered.args,
            vec![Arg::Int(1), Arg::Text("%50\\%\\_a\\\\%".to_owned())]
        );
        let mut bulk = Sql::new_sqlite_bulk("VALUES (");
        bulk.bind_int(1).push(", ").bind_text("x").push(")");
        assert_eq!(bulk.text, "VALUES (?, ?)");
    }

    #[test]
    fn shaped_chunks_cover_every_item_in_order_with_few_distinct_lengths() {
        let mut lengths = std::collections::BTreeSet::new();
        for total in 0..1100 {
            let items: Vec<usize> = (0..total).collect();
            let chunks: Vec<&[usize]> = super::shaped_chunks(&items, 512).collect();
            assert_eq!(chunks.concat(), items);
            for chunk in &chunks {
                assert!(chunk.len().is_power_of_two() && chunk.len() <= 512);
                lengths.insert(chunk.len());
            }
        }
        assert_eq!(lengths.len(), 10, "{lengths:?}");
    }
}
