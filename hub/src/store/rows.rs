//! The one row reader of the main and log databases: columns read by name into domain types, and the encoding of JSON columns.

use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{StoreError, Timeouts};

pub fn int(row: &AnyRow, column: &'static str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(column)?)
}

pub fn opt_int(row: &AnyRow, column: &'static str) -> Result<Option<i64>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(column)?)
}

pub fn text(row: &AnyRow, column: &'static str) -> Result<String, StoreError> {
    Ok(row.try_get::<String, _>(column)?)
}

pub fn opt_text(row: &AnyRow, column: &'static str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(column)?)
}

pub fn float(row: &AnyRow, column: &'static str) -> Result<f64, StoreError> {
    Ok(row.try_get::<f64, _>(column)?)
}

pub fn opt_float(row: &AnyRow, column: &'static str) -> Result<Option<f64>, StoreError> {
    Ok(row.try_get::<Option<f64>, _>(column)?)
}

pub fn boolean(row: &AnyRow, column: &'static str) -> Result<bool, StoreError> {
    Ok(int(row, column)? != 0)
}

pub fn decimal(row: &AnyRow, column: &'static str) -> Result<Decimal, StoreError> {
    parse_decimal(column, &text(row, column)?)
}

pub fn opt_decimal(row: &AnyRow, column: &'static str) -> Result<Option<Decimal>, StoreError> {
    opt_text(row, column)?
        .map(|value| parse_decimal(column, &value))
        .transpose()
}

fn parse_decimal(column: &'static str, value: &str) -> Result<Decimal, StoreError> {
    value.parse::<Decimal>().map_err(|err| StoreError::Corrupt {
        column,
        reason: err.to_string(),
    })
}

pub fn json<T: DeserializeOwned>(row: &AnyRow, column: &'static str) -> Result<T, StoreError> {
    parse_json(column, &text(row, column)?)
}

/// A JSON column's value already read (and opened, for sealed columns).
pub fn parse_json<T: DeserializeOwned>(column: &'static str, value: &str) -> Result<T, StoreError> {
    serde_json::from_str(value).map_err(|err| StoreError::Corrupt {
        column,
        reason: err.to_string(),
    })
}

pub fn opt_json<T: DeserializeOwned>(
    row: &AnyRow,
    column: &'static str,
) -> Result<Option<T>, StoreError> {
    opt_text(row, column)?
        .map(|value| {
            serde_json::from_str(&value).map_err(|err| StoreError::Corrupt {
                column,
                reason: err.to_string(),
            })
        })
        .transpose()
}

/// Parses an enum column with its `parse` function.
pub fn enumeration<T>(
    row: &AnyRow,
    column: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let value = text(row, column)?;
    parse(&value).ok_or_else(|| StoreError::Corrupt {
        column,
        reason: format!("unknown value {value:?}"),
    })
}

/// Serialises a list or map column. These types cannot fail to serialise; an error would be a
/// bug, reported rather than hidden.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|err| StoreError::Corrupt {
        column: "json",
        reason: err.to_string(),
    })
}

/// The three timeout columns channels, model configs and overrides share.
pub fn timeouts(row: &AnyRow) -> Result<Timeouts, StoreError> {
    Ok(Timeouts {
        connect_ms: opt_int(row, "connect_timeout_ms")?,
        first_byte_ms: opt_int(row, "first_byte_timeout_ms")?,
        stream_idle_ms: opt_int(row, "stream_idle_timeout_ms")?,
    })
}

pub fn bool_int(value: bool) -> i64 {
    i64::from(value)
}

pub fn opt_decimal_text(value: Option<Decimal>) -> Option<String> {
    value.map(|value| value.normalize().to_string())
}

pub fn decimal_text(value: Decimal) -> String {
    value.normalize().to_string()
}
