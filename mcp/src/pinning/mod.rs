//! Tool pinning against rug pulls: approved tool definitions pinned by hash, later listings checked against them.
//!
//! Each approved tool definition of a remote server is pinned by hash, and what an upstream
//! lists later is compared with the pins before anyone sees it.
//!
//! The host stores the pins (shared by replicas) and is told what changed; this module decides,
//! from the pins and a fresh listing, which tools are served (as listed, as approved, or not at
//! all), which calls are refused, and what to report. A server without pins yet is pinned on
//! its first listing (the admin who configured it approved it), except the tools the
//! poisoning scan flags, which wait for an explicit approval. Embedded servers are the
//! gateway's own code and are never pinned.
//!
//! - `canonical.rs`: the pinned fields of a tool in canonical JSON and their hash.
//! - `scan.rs`: the poisoning scan of descriptions and schema descriptions.

mod canonical;
mod scan;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rmcp::model::Tool;

use crate::host::{ServerDefinition, ServerKind};

pub use canonical::{ToolDefinition, canonical_json, hash_of};
pub use scan::{Finding, FindingKind, scan_definition};

/// What a changed tool becomes until an admin reviews it (a server's setting).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ChangedTools {
    /// Not listed, and calls are refused (the default).
    #[default]
    Hide,
    /// Listed with its approved definition, and calls go through: the model keeps reading
    /// what was approved.
    ServeApproved,
}

/// The pins of one server.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerPins {
    pub changed_tools: ChangedTools,
    /// By tool name. A tool without an entry was never approved.
    pub tools: BTreeMap<String, ToolPin>,
}

/// One tool's approved definition and the change recorded against it, if any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolPin {
    /// `None` for a tool that appeared after the server was approved (or was flagged when it
    /// was pinned) and waits for approval.
    pub approved: Option<ToolDefinition>,
    /// What the upstream offers instead, already recorded (pending or rejected): not
    /// reported again until it changes once more.
    pub change: Option<RecordedChange>,
}

/// A difference between the upstream and the pins that is waiting for (or was refused) an
/// admin's approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordedChange {
    /// The upstream lists this definition (its hash) instead of the approved one, or lists a
    /// tool that has no approved definition.
    Definition { hash: String },
    /// The upstream no longer lists an approved tool.
    Removed,
}

/// One tool as the upstream listed it, with what the scan found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedTool {
    pub definition: ToolDefinition,
    pub findings: Vec<Finding>,
}

impl ObservedTool {
    pub fn of(tool: &Tool) -> ObservedTool {
        let definition = ToolDefinition::of(tool);
        let findings = scan_definition(&definition.definition);
        ObservedTool {
            definition,
            findings,
        }
    }
}

/// What a listing showed that the pins do not hold yet; the host records it.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// The first listing of a server without pins: clean tools become approved pins, flagged
    /// ones wait for approval.
    Baseline(Vec<ObservedTool>),
    /// An approved tool is listed with another definition.
    Changed(ObservedTool),
    /// A tool without an approved definition is listed.
    New(ObservedTool),
    /// An approved tool is no longer listed.
    Removed { name: String },
    /// A recorded change is gone (the upstream lists the approved definition again, or no
    /// longer lists a tool that waited for approval).
    Settled { name: String },
}

/// Where the pins live: the host stores them, shares them between replicas and records what
/// listings observe. Called on the request path: both methods answer from memory.
pub trait ToolPins: Send + Sync + 'static {
    /// The pins of `server`; `None` while it has none (its first listing pins it).
    fn pins(&self, server: &ServerDefinition) -> Option<Arc<ServerPins>>;
    /// Records what a listing of `server` observed (in the background: must not block), and
    /// alerts the operator about changes.
    fn observe(&self, server: &ServerDefinition, observations: Vec<Observation>);
}

/// JSON-RPC error code of a call to a quarantined tool (implementation-defined server error).
pub const QUARANTINED_CODE: i32 = -32031;

/// The pin store that applies to `definition`: remote servers only. Embedded ones are the
/// gateway's own code, and a virtual server's tools are pinned on the servers they come from.
pub(crate) fn store_for<'a>(
    pins: Option<&'a Arc<dyn ToolPins>>,
    definition: &ServerDefinition,
) -> Option<&'a Arc<dyn ToolPins>> {
    match definition.kind {
        ServerKind::Embedded { .. } | ServerKind::Virtual(_) => None,
        ServerKind::ProxyStreamable(_)
        | ServerKind::ProxySse(_)
        | ServerKind::OpenApi(_)
        | ServerKind::Grpc(_) => pins,
    }
}

/// What a listing of `definition` serves once reviewed against its pins (see [`review`]); what
/// the review observed goes to the store.
pub(crate) fn served_tools(
    pins: Option<&Arc<dyn ToolPins>>,
    definition: &ServerDefinition,
    listed: Vec<Tool>,
) -> Vec<Tool> {
    let Some(pins) = store_for(pins, definition) else {
        return listed;
    };
    let current = pins.pins(definition);
    let review = review(current.as_deref(), listed);
    if !review.observations.is_empty() {
        pins.observe(definition, review.observations);
    }
    review.served
}

/// Why a call of `tool` on `definition` is refused by its pins, as the JSON-RPC error.
pub(crate) fn call_refusal(
    pins: Option<&Arc<dyn ToolPins>>,
    definition: &ServerDefinition,
    tool: &str,
) -> Option<rmcp::ErrorData> {
    let pins = store_for(pins, definition)?.pins(definition)?;
    let reason = pins.call_refusal(&definition.id, tool)?;
    let data = serde_json::json!({
        "type": "tool_quarantined",
        "server": definition.id,
        "tool": tool,
    });
    Some(rmcp::ErrorData::new(
        rmcp::model::ErrorCode(QUARANTINED_CODE),
        reason,
        Some(data),
    ))
}

/// What a listing becomes once checked against the pins.
#[derive(Debug, Default)]
pub struct Review {
    /// The tools to list: unchanged ones as listed, changed ones as approved when the server
    /// says so.
    pub served: Vec<Tool>,
    pub observations: Vec<Observation>,
}

/// Checks a fresh listing against the pins.
pub fn review(pins: Option<&ServerPins>, listed: Vec<Tool>) -> Review {
    let Some(pins) = pins else {
        let observed: Vec<ObservedTool> = listed.iter().map(ObservedTool::of).collect();
        let served = listed
            .into_iter()
            .zip(&observed)
            .filter(|(_, observed)| observed.findings.is_empty())
            .map(|(tool, _)| tool)
            .collect();
        return Review {
            served,
            observations: vec![Observation::Baseline(observed)],
        };
    };
    let mut review = Review::default();
    let mut seen = BTreeSet::new();
    for tool in listed {
        let name = tool.name.to_string();
        if !seen.insert(name.clone()) {
            // A second tool of one name is no tool a client could call apart: dropped.
            continue;
        }
        let pin = pins.tools.get(&name);
        let approved = pin.and_then(|pin| pin.approved.as_ref());
        let recorded = pin.and_then(|pin| pin.change.as_ref());
        let definition = ToolDefinition::of(&tool);
        if approved.is_some_and(|approved| approved.hash == definition.hash) {
            if recorded.is_some() {
                review.observations.push(Observation::Settled { name });
            }
            review.served.push(tool);
            continue;
        }
        let already_recorded = matches!(recorded, Some(RecordedChange::Definition { hash }) if *hash == definition.hash);
        if !already_recorded {
            let findings = scan_definition(&definition.definition);
            let observed = ObservedTool {
                definition,
                findings,
            };
            review.observations.push(match approved {
                Some(_) => Observation::Changed(observed),
                None => Observation::New(observed),
            });
        }
        if let Some(approved) = approved
            && pins.changed_tools == ChangedTools::ServeApproved
            && let Some(approved_tool) = approved.to_tool()
        {
            review.served.push(approved_tool);
        }
    }
    for (name, pin) in &pins.tools {
        if seen.contains(name) {
            continue;
        }
        match (&pin.approved, &pin.change) {
            (Some(_), Some(RecordedChange::Removed)) => {}
            (Some(_), _) => review
                .observations
                .push(Observation::Removed { name: name.clone() }),
            (None, Some(_)) => review
                .observations
                .push(Observation::Settled { name: name.clone() }),
            (None, None) => {}
        }
    }
    review
}

impl ServerPins {
    /// Why a call of `tool` is refused now, or `None` when it may run.
    pub fn call_refusal(&self, server_id: &str, tool: &str) -> Option<String> {
        let Some(pin) = self.tools.get(tool) else {
            return Some(format!(
                "tool {tool} of server {server_id} is quarantined: it was not offered when an administrator approved the server's tools and waits for approval"
            ));
        };
        match (&pin.approved, &pin.change) {
            (None, _) => Some(format!(
                "tool {tool} of server {server_id} is quarantined: it waits for an administrator's approval"
            )),
            (Some(_), Some(RecordedChange::Definition { .. }))
                if self.changed_tools == ChangedTools::Hide =>
            {
                Some(format!(
                    "tool {tool} of server {server_id} is quarantined: its definition changed since an administrator approved it, and the change waits for review"
                ))
            }
            (Some(_), _) => None,
        }
    }

    /// The pins once `observations` are recorded: what the host holds until its store says the
    /// same.
    pub fn apply(&self, observations: &[Observation]) -> ServerPins {
        let mut pins = self.clone();
        for observation in observations {
            match observation {
                Observation::Baseline(tools) => {
                    pins.tools = tools
                        .iter()
                        .map(|tool| {
                            let pin = if tool.findings.is_empty() {
                                ToolPin {
                                    approved: Some(tool.definition.clone()),
                                    change: None,
                                }
                            } else {
                                ToolPin {
                                    approved: None,
                                    change: Some(RecordedChange::Definition {
                                        hash: tool.definition.hash.clone(),
                                    }),
                                }
                            };
                            (tool.definition.name.clone(), pin)
                        })
                        .collect();
                }
                Observation::Changed(tool) | Observation::New(tool) => {
                    pins.tools
                        .entry(tool.definition.name.clone())
                        .or_default()
                        .change = Some(RecordedChange::Definition {
                        hash: tool.definition.hash.clone(),
                    });
                }
                Observation::Removed { name } => {
                    if let Some(pin) = pins.tools.get_mut(name) {
                        pin.change = Some(RecordedChange::Removed);
                    }
                }
                Observation::Settled { name } => {
                    let waiting = pins
                        .tools
                        .get(name)
                        .is_some_and(|pin| pin.approved.is_none());
                    if waiting {
                        pins.tools.remove(name);
                    } else if let Some(pin) = pins.tools.get_mut(name) {
                        pin.change = None;
                    }
                }
            }
        }
        pins
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool(name: &str, description: &str) -> Tool {
        serde_json::from_value(
            json!({"name": name, "description": description, "inputSchema": {"type": "object"}}),
        )
        .unwrap()
    }

    fn names(tools: &[Tool]) -> Vec<String> {
        tools.iter().map(|tool| tool.name.to_string()).collect()
    }

    #[test]
    fn a_rug_pull_is_quarantined_and_an_approval_serves_it_again() {
        let first = review(
            None,
            vec![
                tool("add", "Adds."),
                tool("evil", "<IMPORTANT>x</IMPORTANT>"),
            ],
        );
        assert_eq!(
            names(&first.served),
            ["add"],
            "a flagged tool waits from the start"
        );
        let pins = ServerPins::default().apply(&first.observations);
        assert!(pins.call_refusal("s", "add").is_none());
        assert!(pins.call_refusal("s", "evil").is_some());

        let changed = review(
            Some(&pins),
            vec![
                tool("add", "Adds. Also reads your files."),
                tool("new", "New."),
            ],
        );
        assert!(changed.served.is_empty(), "{:?}", names(&changed.served));
        assert!(
            matches!(
                &changed.observations[..],
                [
                    Observation::Changed(_),
                    Observation::New(_),
                    Observation::Settled { .. }
                ]
            ),
            "{:?}",
            changed.observations
        );
        let pins = pins.apply(&changed.observations);
        assert!(pins.call_refusal("s", "add").is_some());
        assert!(pins.call_refusal("s", "new").is_some());
        // Reported once: the same listing again observes nothing new.
        let again = review(
            Some(&pins),
            vec![
                tool("add", "Adds. Also reads your files."),
                tool("new", "New."),
            ],
        );
        assert!(again.observations.is_empty(), "{:?}", again.observations);

        let serve_approved = ServerPins {
            changed_tools: ChangedTools::ServeApproved,
            ..pins.clone()
        };
        let served = review(
            Some(&serve_approved),
            vec![tool("add", "Adds. Also reads your files.")],
        );
        assert_eq!(served.served[0].description.as_deref(), Some("Adds."));
        assert!(serve_approved.call_refusal("s", "add").is_none());

        let reverted = review(Some(&pins), vec![tool("add", "Adds.")]);
        assert_eq!(names(&reverted.served), ["add"]);
        assert!(
            reverted.observations.len() == 2
                && reverted
                    .observations
                    .iter()
                    .all(|seen| matches!(seen, Observation::Settled { .. })),
            "{:?}",
            reverted.observations
        );

        let removed = review(
            Some(&ServerPins::default().apply(&first.observations)),
            vec![],
        );
        assert!(
            matches!(
                &removed.observations[..],
                [Observation::Removed { .. }, Observation::Settled { .. }]
            ),
            "{:?}",
            removed.observations
        );
    }
}
