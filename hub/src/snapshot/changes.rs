//! Change notification: every write through the control plane announces what changed, so the
//! in-memory snapshot reloads and `ConfigService.Watch` streams see it.

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
    AdminKey,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 8] = [
        ChangeKind::Group,
        ChangeKind::Token,
        ChangeKind::Channel,
        ChangeKind::Model,
        ChangeKind::GroupModel,
        ChangeKind::McpServer,
        ChangeKind::Option,
        ChangeKind::AdminKey,
    ];

    pub fn parse(name: &str) -> Option<ChangeKind> {
        ChangeKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Group => "group",
            ChangeKind::Token => "token",
            ChangeKind::Channel => "channel",
            ChangeKind::Model => "model",
            ChangeKind::GroupModel => "group_model",
            ChangeKind::McpServer => "mcp_server",
            ChangeKind::Option => "option",
            ChangeKind::AdminKey => "admin_key",
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
    pub fn parse(name: &str) -> Option<ChangeAction> {
        [
            ChangeAction::Created,
            ChangeAction::Updated,
            ChangeAction::Deleted,
        ]
        .into_iter()
        .find(|action| action.as_str() == name)
    }

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
    /// True when another replica made the change and it arrived through Redis.
    pub remote: bool,
}

/// Fan-out point for change events. Cheap to clone; sending never blocks.
#[derive(Debug, Clone)]
pub struct ChangeFeed {
    sender: broadcast::Sender<ChangeEvent>,
}

impl Default for ChangeFeed {
    fn default() -> Self {
        Self::new()
    }
}

impl ChangeFeed {
    pub fn new() -> ChangeFeed {
        // Slow watchers lag rather than hold memory; they are told how many events they missed.
        let (sender, _) = broadcast::channel(1024);
        ChangeFeed { sender }
    }

    /// Announces a change. Having no subscribers is not an error.
    pub fn publish(&self, kind: ChangeKind, action: ChangeAction, id: impl Into<String>) {
        let _ = self.sender.send(ChangeEvent {
            kind,
            action,
            id: id.into(),
            remote: false,
        });
    }

    /// Re-announces a change another replica made, so local watchers and the snapshot see it.
    pub fn publish_remote(&self, mut event: ChangeEvent) {
        event.remote = true;
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ChangeEvent> {
        self.sender.subscribe()
    }
}
