//! The `mcp_pin_baselines` and `mcp_tool_pins` tables: remote MCP servers' approved tool, prompt and resource definitions and the changes offered instead.
//!
//! Every write goes through a [`StoreTx`], so the configuration revision moves and every
//! replica reloads the pins. Definitions and findings are JSON text the store does not read.
//! Each row names the kind of what it pins (`item_kind`); `tool_name` is the item's name
//! within its kind (a resource's URI).

use std::collections::{BTreeMap, BTreeSet};

use mcp::pinning::{ItemKind, PinKey};
use sqlx::any::AnyRow;

use super::{Store, StoreError, StoreTx, now_ms, rows};

macro_rules! select_tools {
    ($rest:literal) => {
        concat!(
            "SELECT server_id, item_kind, tool_name, approved_hash, approved_definition, approved_at, \
             change_kind, change_hash, change_definition, change_findings, change_status, \
             detected_at FROM mcp_tool_pins",
            $rest
        )
    };
}

/// Every pin, for the snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct McpPins {
    /// Servers that are pinned, with the kinds pinned.
    pub baselines: BTreeMap<String, BTreeSet<ItemKind>>,
    pub tools: Vec<McpToolPin>,
}

/// One tool, prompt, resource or resource template of a pinned server.
#[derive(Debug, Clone, PartialEq)]
pub struct McpToolPin {
    pub server_id: String,
    pub item_kind: ItemKind,
    /// The item's name within its kind (a resource's URI, a template's URI template).
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

/// One item as a listing offered it, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferedTool {
    pub kind: ItemKind,
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
    let item_kind = rows::text(row, "item_kind")?;
    Ok(McpToolPin {
        server_id: rows::text(row, "server_id")?,
        item_kind: ItemKind::parse(&item_kind).ok_or_else(|| StoreError::Corrupt {
            column: "mcp_tool_pins.item_kind",
            reason: format!("unknown kind {item_kind:?}"),
        })?,
        tool_name: rows::text(row, "tool_name")?,
        approved: pair("approved_definition", "approved_hash")?,
        approved_at: rows::opt_int(row, "approved_at")?,
        change,
    })
}

/// Every pin, read on `exec` (the snapshot's transaction).
pub(super) async fn all(conn: &mut sqlx::AnyConnection) -> Result<McpPins, StoreError> {
    let mut baselines: BTreeMap<String, BTreeSet<ItemKind>> = BTreeMap::new();
    for row in sqlx::query("SELECT server_id, item_kind FROM mcp_pin_baselines")
        .fetch_all(&mut *conn)
        .await?
    {
        let kind = rows::text(&row, "item_kind")?;
        let kind = ItemKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
            column: "mcp_pin_baselines.item_kind",
            reason: format!("unknown kind {kind:?}"),
        })?;
        baselines
            .entry(rows::text(&row, "server_id")?)
            .or_default()
            .insert(kind);
    }
    let tools = sqlx::query(select_tools!(" ORDER BY server_id, item_kind, tool_name"))
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
             AND ($1 = '' OR server_id = $1) ORDER BY server_id, item_kind, tool_name"
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

    /// Whether the server's tools are pinned.
    pub async fn mcp_server_pinned(&self, server_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT pinned_at FROM mcp_pin_baselines WHERE server_id = $1 AND item_kind = $2",
        )
        .bind(server_id.to_owned())
        .bind(ItemKind::Tool.as_str())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }
}

impl StoreTx {
    /// Pins one kind of a server on its first listing: clean items approved, flagged ones
    /// waiting as new. Another replica that pinned it first wins: answers whether this call
    /// pinned it.
    pub async fn pin_mcp_baseline(
        &mut self,
        server_id: &str,
        kind: ItemKind,
        tools: &[OfferedTool],
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let conn = self.write();
        let inserted = sqlx::query(
            "INSERT INTO mcp_pin_baselines (server_id, item_kind, pinned_at) VALUES ($1, $2, $3) \
             ON CONFLICT (server_id, item_kind) DO NOTHING",
        )
        .bind(server_id.to_owned())
        .bind(kind.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM mcp_tool_pins WHERE server_id = $1 AND item_kind = $2")
            .bind(server_id.to_owned())
            .bind(kind.as_str())
            .execute(&mut *conn)
            .await?;
        for tool in tools.iter().filter(|tool| tool.kind == kind) {
            if tool.flagged {
                insert_change(conn, server_id, tool, ToolChangeKind::New, now).await?;
            } else {
                sqlx::query(
                    "INSERT INTO mcp_tool_pins (server_id, item_kind, tool_name, approved_hash, \
                     approved_definition, approved_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(server_id.to_owned())
                .bind(kind.as_str())
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
        let existing = self
            .mcp_tool_pin(server_id, &PinKey::new(tool.kind, tool.name.clone()))
            .await?;
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
                     detected_at = $7 WHERE server_id = $1 AND tool_name = $2 AND item_kind = $8",
                )
                .bind(server_id.to_owned())
                .bind(tool.name.clone())
                .bind(kind.as_str())
                .bind(tool.hash.clone())
                .bind(tool.definition.clone())
                .bind(tool.findings.clone())
                .bind(now)
                .bind(tool.kind.as_str())
                .execute(&mut *conn)
                .await?;
                Ok(true)
            }
        }
    }

    /// Records that an approved item is no longer listed; answers whether that is news.
    pub async fn record_mcp_tool_removed(
        &mut self,
        server_id: &str,
        key: &PinKey,
    ) -> Result<bool, StoreError> {
        let conn = self.write();
        let updated = sqlx::query(
            "UPDATE mcp_tool_pins SET change_kind = 'removed', change_hash = NULL, \
             change_definition = NULL, change_findings = '[]', change_status = 'pending', \
             detected_at = $3 WHERE server_id = $1 AND tool_name = $2 AND item_kind = $4 \
             AND approved_hash IS NOT NULL AND (change_kind IS NULL OR change_kind <> 'removed')",
        )
        .bind(server_id.to_owned())
        .bind(key.name.clone())
        .bind(now_ms())
        .bind(key.kind.as_str())
        .execute(&mut *conn)
        .await?;
        Ok(updated.rows_affected() > 0)
    }

    /// Forgets a recorded change that is gone: the upstream offers the approved definition
    /// again, or no longer offers a tool that waited for approval.
    pub async fn settle_mcp_tool(
        &mut self,
        server_id: &str,
        key: &PinKey,
    ) -> Result<(), StoreError> {
        let conn = self.write();
        sqlx::query(
            "DELETE FROM mcp_tool_pins WHERE server_id = $1 AND tool_name = $2 \
             AND item_kind = $3 AND approved_hash IS NULL",
        )
        .bind(server_id.to_owned())
        .bind(key.name.clone())
        .bind(key.kind.as_str())
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE mcp_tool_pins SET change_kind = NULL, change_hash = NULL, \
             change_definition = NULL, change_findings = NULL, change_status = NULL, \
             detected_at = NULL WHERE server_id = $1 AND tool_name = $2 AND item_kind = $3",
        )
        .bind(server_id.to_owned())
        .bind(key.name.clone())
        .bind(key.kind.as_str())
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Approves the recorded changes of `server_id` (the items of `kind` named, or every
    /// change when `names` is empty): an offered definition becomes the approved one, a
    /// removal drops the pin. Answers the items approved.
    pub async fn approve_mcp_tool_changes(
        &mut self,
        server_id: &str,
        kind: ItemKind,
        names: &[String],
    ) -> Result<Vec<PinKey>, StoreError> {
        let changes = self.selected_changes(server_id, kind, names).await?;
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
                         detected_at = NULL WHERE server_id = $1 AND tool_name = $2 \
                         AND item_kind = $6",
                    )
                    .bind(server_id.to_owned())
                    .bind(pin.tool_name.clone())
                    .bind(hash)
                    .bind(definition)
                    .bind(now)
                    .bind(pin.item_kind.as_str())
                    .execute(&mut *conn)
                    .await?;
                }
                _ => {
                    sqlx::query(
                        "DELETE FROM mcp_tool_pins WHERE server_id = $1 AND tool_name = $2 \
                         AND item_kind = $3",
                    )
                    .bind(server_id.to_owned())
                    .bind(pin.tool_name.clone())
                    .bind(pin.item_kind.as_str())
                    .execute(&mut *conn)
                    .await?;
                }
            }
            approved.push(PinKey::new(pin.item_kind, pin.tool_name));
        }
        Ok(approved)
    }

    /// Rejects the recorded changes (the items of `kind` named, or all): they stay
    /// quarantined and are not reported again until the upstream offers something else.
    /// Answers the items rejected.
    pub async fn reject_mcp_tool_changes(
        &mut self,
        server_id: &str,
        kind: ItemKind,
        names: &[String],
    ) -> Result<Vec<PinKey>, StoreError> {
        let changes = self.selected_changes(server_id, kind, names).await?;
        let conn = self.write();
        let mut rejected = Vec::new();
        for pin in changes {
            sqlx::query(
                "UPDATE mcp_tool_pins SET change_status = 'rejected' \
                 WHERE server_id = $1 AND tool_name = $2 AND item_kind = $3",
            )
            .bind(server_id.to_owned())
            .bind(pin.tool_name.clone())
            .bind(pin.item_kind.as_str())
            .execute(&mut *conn)
            .await?;
            rejected.push(PinKey::new(pin.item_kind, pin.tool_name));
        }
        Ok(rejected)
    }

    /// Pins the tools a fresh listing offers, as an admin approved them (flagged ones
    /// included): the server's tool pins become exactly `tools`; other kinds are kept.
    pub async fn pin_mcp_tools(
        &mut self,
        server_id: &str,
        tools: &[OfferedTool],
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let conn = self.write();
        let kind = ItemKind::Tool.as_str();
        sqlx::query(
            "INSERT INTO mcp_pin_baselines (server_id, item_kind, pinned_at) VALUES ($1, $2, $3) \
             ON CONFLICT (server_id, item_kind) DO UPDATE SET pinned_at = $3",
        )
        .bind(server_id.to_owned())
        .bind(kind)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM mcp_tool_pins WHERE server_id = $1 AND item_kind = $2")
            .bind(server_id.to_owned())
            .bind(kind)
            .execute(&mut *conn)
            .await?;
        for tool in tools.iter().filter(|tool| tool.kind == ItemKind::Tool) {
            sqlx::query(
                "INSERT INTO mcp_tool_pins (server_id, item_kind, tool_name, approved_hash, \
                 approved_definition, approved_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(server_id.to_owned())
            .bind(kind)
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
        key: &PinKey,
    ) -> Result<Option<McpToolPin>, StoreError> {
        let row = sqlx::query(select_tools!(
            " WHERE server_id = $1 AND tool_name = $2 AND item_kind = $3"
        ))
        .bind(server_id.to_owned())
        .bind(key.name.clone())
        .bind(key.kind.as_str())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(decode).transpose()
    }

    /// The recorded changes of `server_id`: every one when `names` is empty, else those of
    /// the items of `kind` named.
    async fn selected_changes(
        &mut self,
        server_id: &str,
        kind: ItemKind,
        names: &[String],
    ) -> Result<Vec<McpToolPin>, StoreError> {
        let rows = sqlx::query(select_tools!(
            " WHERE server_id = $1 \
             AND change_kind IS NOT NULL ORDER BY item_kind, tool_name"
        ))
        .bind(server_id.to_owned())
        .fetch_all(self.conn())
        .await?;
        let pins: Vec<McpToolPin> = rows.iter().map(decode).collect::<Result<_, _>>()?;
        Ok(pins
            .into_iter()
            .filter(|pin| {
                names.is_empty() || (pin.item_kind == kind && names.contains(&pin.tool_name))
            })
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
        "INSERT INTO mcp_tool_pins (server_id, item_kind, tool_name, change_kind, change_hash, \
         change_definition, change_findings, change_status, detected_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)",
    )
    .bind(server_id.to_owned())
    .bind(tool.kind.as_str())
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
