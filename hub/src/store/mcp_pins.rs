//! The `mcp_pin_baselines` and `mcp_tool_pins` tables: remote MCP servers' approved tool definitions and the changes their upstreams offer instead.
//!
//! Every write goes through a [`StoreTx`], so the configuration revision moves and every
//! replica reloads the pins. Definitions and findings are JSON text the store does not read.

use std::collections::BTreeMap;

use sqlx::any::AnyRow;

use super::{Store, StoreError, StoreTx, now_ms, rows};

macro_rules! select_tools {
    ($rest:literal) => {
        concat!(
            "SELECT server_id, tool_name, approved_hash, approved_definition, approved_at, \
             change_kind, change_hash, change_definition, change_findings, change_status, \
             detected_at FROM mcp_tool_pins",
            $rest
        )
    };
}

/// Every pin, for the snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct McpPins {
    /// Servers that are pinned, with when.
    pub baselines: BTreeMap<String, i64>,
    pub tools: Vec<McpToolPin>,
}

/// One tool of a pinned server.
#[derive(Debug, Clone, PartialEq)]
pub struct McpToolPin {
    pub server_id: String,
    pub tool_name: String,
    /// The approved definition (canonical JSON text) and its hash; `None` while never approved.
    pub approved: Option<(String, String)>,
    pub approved_at: Option<i64>,
    pub change: Option<McpToolChange>,
}

/// What the upstream offers instead of the approved definition.
#[derive(Debug, Clone, PartialEq)]
pub struct McpToolChange {
    pub kind: ToolChangeKind,
    /// The offered definition (canonical JSON text) and its hash; `None` for a removal.
    pub offered: Option<(String, String)>,
    /// The poisoning scan's findings on the offered definition (JSON array text).
    pub findings: String,
    pub rejected: bool,
    pub detected_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolChangeKind {
    Changed,
    New,
    Removed,
}

impl ToolChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ToolChangeKind::Changed => "changed",
            ToolChangeKind::New => "new",
            ToolChangeKind::Removed => "removed",
        }
    }

    fn parse(text: &str) -> Option<ToolChangeKind> {
        [
            ToolChangeKind::Changed,
            ToolChangeKind::New,
            ToolChangeKind::Removed,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// One tool as a listing offered it, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferedTool {
    pub name: String,
    pub hash: String,
    pub definition: String,
    pub findings: String,
    /// The scan flagged it: it needs an explicit approval.
    pub flagged: bool,
}

fn decode(row: &AnyRow) -> Result<McpToolPin, StoreError> {
    let pair = |text: &'static str, hash: &'static str| -> Result<_, StoreError> {
        Ok(rows::opt_text(row, text)?.zip(rows::opt_text(row, hash)?))
    };
    let change = match rows::opt_text(row, "change_kind")? {
        None => None,
        Some(kind) => Some(McpToolChange {
            kind: ToolChangeKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                column: "mcp_tool_pins.change_kind",
                reason: format!("unknown kind {kind:?}"),
            })?,
            offered: pair("change_definition", "change_hash")?,
            findings: rows::opt_text(row, "change_findings")?.unwrap_or_else(|| "[]".to_owned()),
            rejected: rows::opt_text(row, "change_status")?.as_deref() == Some("rejected"),
            detected_at: rows::opt_int(row, "detected_at")?.unwrap_or(0),
        }),
    };
    Ok(McpToolPin {
        server_id: rows::text(row, "server_id")?,
        tool_name: rows::text(row, "tool_name")?,
        approved: pair("approved_definition", "approved_hash")?,
        approved_at: rows::opt_int(row, "approved_at")?,
        change,
    })
}

/// Every pin, read on `exec` (the snapshot's transaction).
pub(super) async fn all(conn: &mut sqlx::AnyConnection) -> Result<McpPins, StoreError> {
    let baselines = sqlx::query("SELECT server_id, pinned_at FROM mcp_pin_baselines")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| Ok((rows::text(row, "server_id")?, rows::int(row, "pinned_at")?)))
        .collect::<Result<_, StoreError>>()?;
    let tools = sqlx::query(select_tools!(" ORDER BY server_id, tool_name"))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(decode)
        .collect::<Result<_, _>>()?;
    Ok(McpPins { baselines, tools })
}

impl Store {
    /// The changes waiting for review (and, when asked, those rejected), of one server or all.
    pub async fn mcp_tool_changes(
        &self,
        server_id: Option<&str>,
        include_rejected: bool,
    ) -> Result<Vec<McpToolPin>, StoreError> {
        let rows = sqlx::query(select_tools!(
            " WHERE change_kind IS NOT NULL \
             AND ($1 = '' OR server_id = $1) ORDER BY server_id, tool_name"
        ))
        .bind(server_id.unwrap_or_default().to_owned())
        .fetch_all(self.pool())
        .await?;
        let pins: Vec<McpToolPin> = rows.iter().map(decode).collect::<Result<_, _>>()?;
        Ok(pins
            .into_iter()
            .filter(|pin| {
                include_rejected || pin.change.as_ref().is_some_and(|change| !change.rejected)
            })
            .collect())
    }

    /// Whether the server is pinned.
    pub async fn mcp_server_pinned(&self, server_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT pinned_at FROM mcp_pin_baselines WHERE server_id = $1")
            .bind(server_id.to_owned())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }
}

impl StoreTx {
    /// Pins a server on its first listing: clean tools approved, flagged ones waiting as new.
    /// Another replica that pinned it first wins: answers whether this call pinned it.
    pub async fn pin_mcp_baseline(
        &mut self,
        server_id: &str,
        tools: &[OfferedTool],
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let conn = self.write();
        let inserted = sqlx::query(
            "INSERT INTO mcp_pin_baselines (server_id, pinned_at) VALUES ($1, $2) \
             ON CONFLICT (server_id) DO NOTHING",
        )
        .bind(server_id.to_owned())
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM mcp_tool_pins WHERE server_id = $1")
            .bind(server_id.to_owned())
            .execute(&mut *conn)
            .await?;
        for tool in tools {
            if tool.flagged {
                insert_change(conn, server_id, tool, ToolChangeKind::New, now).await?;
            } else {
                sqlx::query(
                    "INSERT INTO mcp_tool_pins (server_id, tool_name, approved_hash, \
                     approved_definition, approved_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(server_id.to_owned())
                .bind(tool.name.clone())
                .bind(tool.hash.clone())
                .bind(tool.definition.clone())
                .bind(now)
                .execute(&mut *conn)
                .await?;
            }
        }
        Ok(true)
    }

    /// Records that the upstream offers `tool` instead of its approved definition (or offers a
    /// tool that has none). Nothing changes when the offer is the approved definition or the
    /// change already recorded; a new offer is pending again, even after a rejection.
    /// Answers whether anything was recorded.
    pub async fn record_mcp_tool_offer(
        &mut self,
        server_id: &str,
        tool: &OfferedTool,
    ) -> Result<bool, StoreError> {
        let existing = self.mcp_tool_pin(server_id, &tool.name).await?;
        let now = now_ms();
        let conn = self.write();
        match existing {
            None => {
                insert_change(conn, server_id, tool, ToolChangeKind::New, now).await?;
                Ok(true)
            }
            Some(pin) => {
                let approved_hash = pin.approved.as_ref().map(|(_, hash)| hash.as_str());
                let recorded = pin
                    .change
                    .as_ref()
                    .and_then(|change| change.offered.as_ref())
                    .map(|(_, hash)| hash.as_str());
                if approved_hash == Some(tool.hash.as_str()) || recorded == Some(tool.hash.as_str())
                {
                    return Ok(false);
                }
                let kind = if pin.approved.is_some() {
                    ToolChangeKind::Changed
                } else {
                    ToolChangeKind::New
                };
                sqlx::query(
                    "UPDATE mcp_tool_pins SET change_kind = $3, change_hash = $4, \
                     change_definition = $5, change_findings = $6, change_status = 'pending', \
                     detected_at = $7 WHERE server_id = $1 AND tool_name = $2",
                )
                .bind(server_id.to_owned())
                .bind(tool.name.clone())
                .bind(kind.as_str())
                .bind(tool.hash.clone())
                .bind(tool.definition.clone())
                .bind(tool.findings.clone())
                .bind(now)
                .execute(&mut *conn)
                .await?;
                Ok(true)
            }
        }
    }

    /// Records that an approved tool is no longer listed; answers whether that is news.
    pub async fn record_mcp_tool_removed(
        &mut self,
        server_id: &str,
        name: &str,
    ) -> Result<bool, StoreError> {
        let conn = self.write();
        let updated = sqlx::query(
            "UPDATE mcp_tool_pins SET change_kind = 'removed', change_hash = NULL, \
             change_definition = NULL, change_findings = '[]', change_status = 'pending', \
             detected_at = $3 WHERE server_id = $1 AND tool_name = $2 \
             AND approved_hash IS NOT NULL AND (change_kind IS NULL OR change_kind <> 'removed')",
        )
        .bind(server_id.to_owned())
        .bind(name.to_owned())
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
        Ok(updated.rows_affected() > 0)
    }

    /// Forgets a recorded change that is gone: the upstream offers the approved definition
    /// again, or no longer offers a tool that waited for approval.
    pub async fn settle_mcp_tool(&mut self, server_id: &str, name: &str) -> Result<(), StoreError> {
        let conn = self.write();
        sqlx::query(
            "DELETE FROM mcp_tool_pins WHERE server_id = $1 AND tool_name = $2 \
             AND approved_hash IS NULL",
        )
        .bind(server_id.to_owned())
        .bind(name.to_owned())
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE mcp_tool_pins SET change_kind = NULL, change_hash = NULL, \
             change_definition = NULL, change_findings = NULL, change_status = NULL, \
             detected_at = NULL WHERE server_id = $1 AND tool_name = $2",
        )
        .bind(server_id.to_owned())
        .bind(name.to_owned())
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Approves the recorded changes of `server_id` (those named, or all when `names` is
    /// empty): an offered definition becomes the approved one, a removal drops the pin.
    /// Answers the tools approved.
    pub async fn approve_mcp_tool_changes(
        &mut self,
        server_id: &str,
        names: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let changes = self.selected_changes(server_id, names).await?;
        let now = now_ms();
        let conn = self.write();
        let mut approved = Vec::new();
        for pin in changes {
            let Some(change) = pin.change else { continue };
            match change.offered {
                Some((definition, hash)) if change.kind != ToolChangeKind::Removed => {
                    sqlx::query(
                        "UPDATE mcp_tool_pins SET approved_hash = $3, approved_definition = $4, \
                         approved_at = $5, change_kind = NULL, change_hash = NULL, \
                         change_definition = NULL, change_findings = NULL, change_status = NULL, \
                         detected_at = NULL WHERE server_id = $1 AND tool_name = $2",
                    )
                    .bind(server_id.to_owned())
                    .bind(pin.tool_name.clone())
                    .bind(hash)
                    .bind(definition)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                }
                _ => {
                    sqlx::query(
                        "DELETE FROM mcp_tool_pins WHERE server_id = $1 AND tool_name = $2",
                    )
                    .bind(server_id.to_owned())
                    .bind(pin.tool_name.clone())
                    .execute(&mut *conn)
                    .await?;
                }
            }
            approved.push(pin.tool_name);
        }
        Ok(approved)
    }

    /// Rejects the recorded changes (named, or all): they stay quarantined and are not
    /// reported again until the upstream offers something else. Answers the tools rejected.
    pub async fn reject_mcp_tool_changes(
        &mut self,
        server_id: &str,
        names: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let changes = self.selected_changes(server_id, names).await?;
        let conn = self.write();
        let mut rejected = Vec::new();
        for pin in changes {
            sqlx::query(
                "UPDATE mcp_tool_pins SET change_status = 'rejected' \
                 WHERE server_id = $1 AND tool_name = $2",
            )
            .bind(server_id.to_owned())
            .bind(pin.tool_name.clone())
            .execute(&mut *conn)
            .await?;
            rejected.push(pin.tool_name);
        }
        Ok(rejected)
    }

    /// Pins what a fresh listing offers, as an admin approved it (every tool, flagged ones
    /// included): the server's pins become exactly `tools`.
    pub async fn pin_mcp_tools(
        &mut self,
        server_id: &str,
        tools: &[OfferedTool],
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let conn = self.write();
        sqlx::query(
            "INSERT INTO mcp_pin_baselines (server_id, pinned_at) VALUES ($1, $2) \
             ON CONFLICT (server_id) DO UPDATE SET pinned_at = $2",
        )
        .bind(server_id.to_owned())
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM mcp_tool_pins WHERE server_id = $1")
            .bind(server_id.to_owned())
            .execute(&mut *conn)
            .await?;
        for tool in tools {
            sqlx::query(
                "INSERT INTO mcp_tool_pins (server_id, tool_name, approved_hash, \
                 approved_definition, approved_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(server_id.to_owned())
            .bind(tool.name.clone())
            .bind(tool.hash.clone())
            .bind(tool.definition.clone())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// Drops a server's pins (the server is deleted).
    pub(super) async fn delete_mcp_pins(&mut self, server_id: &str) -> Result<(), StoreError> {
        let conn = self.write();
        for statement in [
            "DELETE FROM mcp_tool_pins WHERE server_id = $1",
            "DELETE FROM mcp_pin_baselines WHERE server_id = $1",
        ] {
            sqlx::query(statement)
                .bind(server_id.to_owned())
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    async fn mcp_tool_pin(
        &mut self,
        server_id: &str,
        name: &str,
    ) -> Result<Option<McpToolPin>, StoreError> {
        let row = sqlx::query(select_tools!(" WHERE server_id = $1 AND tool_name = $2"))
            .bind(server_id.to_owned())
            .bind(name.to_owned())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(decode).transpose()
    }

    async fn selected_changes(
        &mut self,
        server_id: &str,
        names: &[String],
    ) -> Result<Vec<McpToolPin>, StoreError> {
        let rows = sqlx::query(select_tools!(
            " WHERE server_id = $1 \
             AND change_kind IS NOT NULL ORDER BY tool_name"
        ))
        .bind(server_id.to_owned())
        .fetch_all(self.conn())
        .await?;
        let pins: Vec<McpToolPin> = rows.iter().map(decode).collect::<Result<_, _>>()?;
        Ok(pins
            .into_iter()
            .filter(|pin| names.is_empty() || names.contains(&pin.tool_name))
            .collect())
    }
}

async fn insert_change(
    conn: &mut sqlx::AnyConnection,
    server_id: &str,
    tool: &OfferedTool,
    kind: ToolChangeKind,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO mcp_tool_pins (server_id, tool_name, change_kind, change_hash, \
         change_definition, change_findings, change_status, detected_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
    )
    .bind(server_id.to_owned())
    .bind(tool.name.clone())
    .bind(kind.as_str())
    .bind(tool.hash.clone())
    .bind(tool.definition.clone())
    .bind(tool.findings.clone())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
