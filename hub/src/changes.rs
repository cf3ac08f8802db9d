//! Change notification: every write through the control plane announces what changed, so the in-memory snapshot reloads and `ConfigService.Watch` streams see it.

use tokio::sync::broadcast;

/// What kind of object changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Group,
    Token,
    Channel,
    Model,
    GroupModel,
    McpServer,
    Option,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Group => "group",
            ChangeKind::Token => "token",
            ChangeKind::Channel => "channel",
            ChangeKind::Model => "model",
            ChangeKind::GroupModel => "group_model",
            ChangeKind::McpServer => "mcp_server",
            ChangeKind::Option => "option",
        }
    }
}

/// What happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    Created,
    Updated,
    Deleted,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Created => "created",
            ChangeAction::Updated => "updated",
            ChangeAction::Deleted => "deleted",
        }
    }
}

/// One change, as `Watch` subscribers receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    pub kind: ChangeKind,
    pub action: ChangeAction,
    /// The object's id (group id, token id, channel id, model name, option key, ...).
    pub id: String,
}

/// Fan-out point for change events. Cheap to clone; sending never blocks.
#[derive(Debug, Clone)]
pub struct ChangeHub {
    sender: broadcast::Sender<ChangeEvent>,
}

impl Default for ChangeHub {
    fn default() -> Self {
        Self::new()
    }
}

impl ChangeHub {
    pub fn new() -> ChangeHub {
        // Slow watchers lag rather than hold memory; they are told how many events they missed.
        let (sender, _) = broadcast::channel(1024);
        ChangeHub { sender }
    }

    /// Announces a change. Having no subscribers is not an error.
    pub fn publish(&self, kind: ChangeKind, action: ChangeAction, id: impl Into<String>) {
        let _ = self.sender.send(ChangeEvent {
            kind,
            action,
            id: id.into(),
        });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ChangeEvent> {
        self.sender.subscribe()
    }
}
