//! Tool, prompt and resource pins for the MCP service: the stored pins as the snapshot holds them, observations recorded in the background, alerts.
//!
//! A listing's observations apply on this replica at once (an overlay over the snapshot's
//! pins), are written by one background task through the configuration transaction (the
//! revision moves, so every replica reloads them) and raise the `mcp_tools_changed` alert when
//! the store took something new. The overlay is dropped once the snapshot holds the write (or
//! after [`OVERLAY_TTL`] when the write failed), so a request never waits on the database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mcp::ServerDefinition;
use mcp::pinning::{
    ChangedTools, ItemKind, ItemPin, Observation, ObservedItem, PinKey, PinnedDefinition,
    RecordedChange, ServerPins, ToolPins, canonical_json,
};
use tokio::sync::mpsc;

use crate::alerts::{AlertEvent, Alerts};
use crate::snapshot::SnapshotCell;
use crate::snapshot::changes::{ChangeAction, ChangeFeed, ChangeKind};
use crate::store::mcp_pins::{McpPins, OfferedTool, ToolChangeKind};
use crate::store::{McpServer, Store, StoreError};

/// The admin-set parameter (`params`) of a remote server choosing what a changed tool becomes
/// until reviewed: `hide` (the default) or `serve_approved`.
pub const CHANGED_TOOLS_PARAM: &str = "changed_tools";

/// Observations waiting for the writer; beyond it they are dropped (the next listing observes
/// them again).
const WRITE_QUEUE: usize = 256;
/// How long observations not yet in the snapshot apply on this replica when their write failed.
const OVERLAY_TTL: Duration = Duration::from_secs(60);

/// The setting's value as the pins read it; `None` for a value that is neither.
pub fn changed_tools(value: Option<&String>) -> Option<ChangedTools> {
    match value.map(|value| value.trim()) {
        None | Some("" | "hide") => Some(ChangedTools::Hide),
        Some("serve_approved") => Some(ChangedTools::ServeApproved),
        Some(_) => None,
    }
}

/// The stored pins of every pinned server, as the MCP service reads them.
pub fn server_pins(servers: &[McpServer], stored: McpPins) -> HashMap<String, Arc<ServerPins>> {
    let mut pins: HashMap<String, ServerPins> = stored
        .baselines
        .into_iter()
        .map(|(server_id, baselined)| {
            let policy = servers
                .iter()
                .find(|server| server.id == server_id)
                .and_then(|server| changed_tools(server.params.get(CHANGED_TOOLS_PARAM)))
                .unwrap_or_default();
            (
                server_id,
                ServerPins {
                    changed_tools: policy,
                    baselined,
                    items: Default::default(),
                },
            )
        })
        .collect();
    for tool in stored.tools {
        let Some(server) = pins.get_mut(&tool.server_id) else {
            continue;
        };
        let approved = tool.approved.and_then(|(definition, hash)| {
            let definition = serde_json::from_str(&definition).ok()?;
            Some(PinnedDefinition {
                kind: tool.item_kind,
                name: tool.tool_name.clone(),
                definition,
                hash,
            })
        });
        let change = tool
            .change
            .map(|change| match (change.kind, change.offered) {
                (ToolChangeKind::Removed, _) | (_, None) => RecordedChange::Removed,
                (_, Some((_, hash))) => RecordedChange::Definition { hash },
            });
        server.items.insert(
            PinKey::new(tool.item_kind, tool.tool_name),
            ItemPin { approved, change },
        );
    }
    pins.into_iter()
        .map(|(id, pins)| (id, Arc::new(pins)))
        .collect()
}

/// One listing's observations on their way to the store.
pub struct PinWrite {
    server_id: String,
    generation: u64,
    observations: Vec<Observation>,
}

/// Implements [`ToolPins`] on the snapshot, with this replica's observations not yet stored.
pub struct HubPins {
    snapshot: Arc<SnapshotCell>,
    overlay: Mutex<Overlay>,
    writes: mpsc::Sender<PinWrite>,
}

#[derive(Default)]
struct Overlay {
    next_generation: u64,
    servers: HashMap<String, OverlayEntry>,
}

struct OverlayEntry {
    pins: Arc<ServerPins>,
    generation: u64,
    /// The revision the write committed at; the snapshot holds it from then on.
    committed: Option<i64>,
    created: Instant,
}

impl HubPins {
    /// The pins and the receiver the writer ([`run_writer`]) reads.
    pub fn new(snapshot: Arc<SnapshotCell>) -> (Arc<HubPins>, mpsc::Receiver<PinWrite>) {
        let (writes, receiver) = mpsc::channel(WRITE_QUEUE);
        let pins = Arc::new(HubPins {
            snapshot,
            overlay: Mutex::default(),
            writes,
        });
        (pins, receiver)
    }

    fn committed(&self, server_id: &str, generation: u64, revision: i64) {
        if let Ok(mut overlay) = self.overlay.lock()
            && let Some(entry) = overlay.servers.get_mut(server_id)
            && entry.generation == generation
        {
            entry.committed = Some(revision);
        }
    }
}

impl ToolPins for HubPins {
    fn pins(&self, server: &ServerDefinition) -> Option<Arc<ServerPins>> {
        let snapshot = self.snapshot.current();
        if let Ok(mut overlay) = self.overlay.lock()
            && let Some(entry) = overlay.servers.get(&server.id)
        {
            let superseded = entry
                .committed
                .is_some_and(|revision| snapshot.revision >= revision)
                || entry.created.elapsed() > OVERLAY_TTL;
            if !superseded {
                return Some(entry.pins.clone());
            }
            overlay.servers.remove(&server.id);
        }
        snapshot.mcp_pins.get(&server.id).cloned()
    }

    fn observe(&self, server: &ServerDefinition, observations: Vec<Observation>) {
        let current = self.pins(server);
        let mut applied = current.as_deref().cloned().unwrap_or_default();
        if current.is_none() {
            // A server pinned by this listing keeps its setting from the snapshot's definition.
            applied.changed_tools = self
                .snapshot
                .current()
                .mcp_servers
                .iter()
                .find(|stored| stored.id == server.id)
                .and_then(|stored| changed_tools(stored.params.get(CHANGED_TOOLS_PARAM)))
                .unwrap_or_default();
        }
        let applied = applied.apply(&observations);
        let Ok(mut overlay) = self.overlay.lock() else {
            return;
        };
        overlay.next_generation += 1;
        let generation = overlay.next_generation;
        overlay.servers.insert(
            server.id.clone(),
            OverlayEntry {
                pins: Arc::new(applied),
                generation,
                committed: None,
                created: Instant::now(),
            },
        );
        drop(overlay);
        let write = PinWrite {
            server_id: server.id.clone(),
            generation,
            observations,
        };
        if self.writes.try_send(write).is_err() {
            tracing::warn!(server = %server.id, "mcp tool pins: the write queue is full; the next listing observes again");
        }
    }
}

/// Where the writer records observations and tells others.
pub struct PinWriter {
    pub store: Store,
    pub changes: ChangeFeed,
    pub alerts: Alerts,
    pub pins: Arc<HubPins>,
}

/// Records observations until the pins (their sender) are dropped.
pub async fn run_writer(writer: PinWriter, mut receiver: mpsc::Receiver<PinWrite>) {
    while let Some(write) = receiver.recv().await {
        match record(&writer.store, &write).await {
            Ok(Some((revision, changes))) => {
                writer
                    .pins
                    .committed(&write.server_id, write.generation, revision);
                writer.changes.publish(
                    ChangeKind::McpServer,
                    ChangeAction::Updated,
                    &write.server_id,
                );
                if !changes.is_empty() {
                    let mut changes = changes;
                    if changes.len() > MAX_ALERT_LINES {
                        let more = changes.len() - MAX_ALERT_LINES;
                        changes.truncate(MAX_ALERT_LINES);
                        changes.push(format!("and {more} more"));
                    }
                    writer.alerts.raise(AlertEvent::McpToolsChanged {
                        server_id: write.server_id.clone(),
                        changes,
                    });
                }
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(server = %write.server_id, %error, "cannot record mcp tool changes");
            }
        }
    }
}

/// Writes one listing's observations in one transaction; answers the revision and a line per
/// change the store had not seen, or `None` when the server is gone.
async fn record(store: &Store, write: &PinWrite) -> Result<Option<(i64, Vec<String>)>, StoreError> {
    let server_id = write.server_id.as_str();
    let mut tx = store.begin().await?;
    if tx.get_mcp_server(server_id).await?.is_none() {
        tx.rollback().await?;
        return Ok(None);
    }
    let mut lines = Vec::new();
    for observation in &write.observations {
        match observation {
            Observation::Baseline { kind, items } => {
                let offered: Vec<OfferedTool> = items.iter().map(offered).collect();
                if tx.pin_mcp_baseline(server_id, *kind, &offered).await? {
                    lines.extend(
                        items
                            .iter()
                            .filter(|tool| !tool.findings.is_empty())
                            .map(|tool| change_line("new", tool)),
                    );
                }
            }
            Observation::Changed(tool) | Observation::New(tool) => {
                if tx.record_mcp_tool_offer(server_id, &offered(tool)).await? {
                    let word = if matches!(observation, Observation::Changed(_)) {
                        "changed"
                    } else {
                        "new"
                    };
                    lines.push(change_line(word, tool));
                }
            }
            Observation::Removed(key) => {
                if tx.record_mcp_tool_removed(server_id, key).await? {
                    lines.push(format!("removed {}", alert_name(key.kind, &key.name)));
                }
            }
            Observation::Settled(key) => tx.settle_mcp_tool(server_id, key).await?,
        }
    }
    let revision = tx.commit().await?;
    Ok(Some((revision, lines)))
}

/// An item as the store keeps an offer: canonical JSON, hash, findings.
pub fn offered(tool: &ObservedItem) -> OfferedTool {
    OfferedTool {
        kind: tool.definition.kind,
        name: tool.definition.name.clone(),
        hash: tool.definition.hash.clone(),
        definition: canonical_json(&tool.definition.definition),
        findings: serde_json::to_string(&tool.findings).unwrap_or_else(|_| "[]".to_owned()),
        flagged: !tool.findings.is_empty(),
    }
}

/// Lines one alert carries at most; the rest are counted.
const MAX_ALERT_LINES: usize = 20;
/// Characters of an upstream's tool name repeated in an alert.
const MAX_ALERT_NAME_CHARS: usize = 128;

/// An item's name as an alert line shows it: bounded, and after its kind unless a tool.
fn alert_name(kind: ItemKind, name: &str) -> String {
    let name: String = name.chars().take(MAX_ALERT_NAME_CHARS).collect();
    match kind {
        ItemKind::Tool => name,
        other => format!("{} {name}", other.noun()),
    }
}

fn change_line(word: &str, tool: &ObservedItem) -> String {
    let name = alert_name(tool.definition.kind, &tool.definition.name);
    let mut line = format!("{word} {name}");
    if !tool.findings.is_empty() {
        let mut kinds: Vec<&str> = tool
            .findings
            .iter()
            .map(|finding| finding.kind.as_str())
            .collect();
        kinds.dedup();
        line.push_str(&format!(" (flagged: {})", kinds.join(", ")));
    }
    line
}
