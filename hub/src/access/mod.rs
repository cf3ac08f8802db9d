//! Who may do what on the control plane: admin keys, their roles and group scopes, and the operation a call runs as.
//!
//! Admin keys are the bootstrap `ADMIN_KEY` and those created through `AccessService`.
//!
//! Every transport (gRPC and gRPC-web in `edges::grpc`, the REST admin API in `edges::rest`,
//! `/mcp/admin` in `mcp_host::admin`) authenticates the presented key with [`Access`] into an
//! [`AdminPrincipal`], checks it against the one table of [`policy`] for the RPC it is about
//! to run, and runs that RPC inside [`run`], which makes the [`Operation`] current for the task.
//! The services read the caller's group scope from there ([`group_scope`]) to check the
//! objects they touch and filter what they list, and the store reads it to name the actor of
//! the audit events a write records (`store::audit`).

pub mod policy;

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::edges::admin_key::AdminKey;
use crate::snapshot::SnapshotCell;

/// What a key may do, whatever its group scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything.
    Admin,
    /// Everything but admin keys and option writes.
    Operator,
    /// Reads only.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Operator, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }
}

/// Key id of the bootstrap `ADMIN_KEY` (stored keys start at 1).
pub const BOOTSTRAP_KEY_ID: i64 = 0;
/// Name the bootstrap key's audit events carry.
pub const BOOTSTRAP_KEY_NAME: &str = "bootstrap";
/// Actor of the configuration file applied at startup (`CONFIG_FILE_PATH`).
pub const CONFIG_FILE_ACTOR: &str = "config-file";

/// An authenticated admin key. Never holds the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminPrincipal {
    pub key_id: i64,
    pub name: String,
    pub role: Role,
    /// The groups the key reaches; `None`: every group and everything global.
    pub groups: Option<Arc<BTreeSet<String>>>,
}

impl AdminPrincipal {
    /// The bootstrap `ADMIN_KEY`: admin, every group.
    pub fn bootstrap() -> AdminPrincipal {
        AdminPrincipal {
            key_id: BOOTSTRAP_KEY_ID,
            name: BOOTSTRAP_KEY_NAME.to_owned(),
            role: Role::Admin,
            groups: None,
        }
    }

    /// The server itself applying `CONFIG_FILE_PATH` at startup.
    pub fn config_file() -> AdminPrincipal {
        AdminPrincipal {
            name: CONFIG_FILE_ACTOR.to_owned(),
            ..AdminPrincipal::bootstrap()
        }
    }

    pub fn scope(&self) -> GroupScope {
        match &self.groups {
            None => GroupScope::All,
            Some(groups) => GroupScope::Only(groups.clone()),
        }
    }
}

/// Why a key may not do something: PERMISSION_DENIED on gRPC, 403 on REST, a tool error on MCP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("permission denied: {0}")]
pub struct Denied(pub String);

/// The groups a key reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupScope {
    All,
    Only(Arc<BTreeSet<String>>),
}

impl GroupScope {
    /// Whether `group` is within reach.
    pub fn allows(&self, group: &str) -> bool {
        match self {
            GroupScope::All => true,
            GroupScope::Only(groups) => groups.contains(group),
        }
    }

    /// `Ok` when `group` is within reach.
    pub fn check(&self, group: &str) -> Result<(), Denied> {
        if self.allows(group) {
            Ok(())
        } else {
            Err(Denied(format!(
                "group {:?} is outside this admin key's groups",
                cut(group)
            )))
        }
    }

    /// What a listing that asked for `requested` (empty: every group) may show: `None` when
    /// nothing beyond the request's own filter applies, else the groups it is restricted to
    /// (the requested one, checked, or every group of the scope).
    pub fn listing(&self, requested: &str) -> Result<Option<Vec<String>>, Denied> {
        match self {
            GroupScope::All => Ok(None),
            GroupScope::Only(_) if !requested.is_empty() => {
                self.check(requested)?;
                Ok(Some(vec![requested.to_owned()]))
            }
            GroupScope::Only(groups) => Ok(Some(groups.iter().cloned().collect())),
        }
    }

    /// The one group a query that cannot span several groups (summaries) reads: the requested
    /// one (`None` when empty and unscoped: every group), or a scoped key's only group.
    pub fn single(&self, requested: Option<&str>) -> Result<Option<String>, Denied> {
        let requested = requested.filter(|group| !group.is_empty());
        match (self, requested) {
            (GroupScope::All, requested) => Ok(requested.map(str::to_owned)),
            (GroupScope::Only(_), Some(group)) => {
                self.check(group)?;
                Ok(Some(group.to_owned()))
            }
            (GroupScope::Only(groups), None) if groups.len() == 1 => {
                Ok(groups.iter().next().cloned())
            }
            (GroupScope::Only(_), None) => Err(Denied(
                "name one of this admin key's groups (group_id)".to_owned(),
            )),
        }
    }

    /// Whether the key reaches everything (no group scope).
    pub fn is_all(&self) -> bool {
        matches!(self, GroupScope::All)
    }
}

/// Texts a client chose are cut before they are repeated.
fn cut(text: &str) -> String {
    text.chars().take(128).collect()
}

/// One control-plane operation on a key's behalf: who, from where, through which RPC, route or
/// tool, and how many audit events its writes recorded so far.
#[derive(Debug)]
pub struct Operation {
    pub principal: AdminPrincipal,
    /// `TokenService/CreateToken`, `POST /api/token/{group}`, `mcp/tokens_put`, `config-file`.
    pub action: String,
    pub client_address: String,
    audited: AtomicUsize,
}

impl Operation {
    pub fn new(
        principal: AdminPrincipal,
        action: impl Into<String>,
        client_address: impl Into<String>,
    ) -> Operation {
        Operation {
            principal,
            action: action.into(),
            client_address: client_address.into(),
            audited: AtomicUsize::new(0),
        }
    }

    /// Counts audit events recorded by this operation's writes.
    pub fn note_audited(&self, events: usize) {
        self.audited.fetch_add(events, Ordering::Relaxed);
    }

    pub fn audited(&self) -> usize {
        self.audited.load(Ordering::Relaxed)
    }
}

tokio::task_local! {
    static CURRENT: Arc<Operation>;
}

/// Runs `work` with `operation` current, so the services see its scope and the store names its
/// actor in the audit events the writes record.
pub async fn run<F: Future>(operation: Arc<Operation>, work: F) -> F::Output {
    CURRENT.scope(operation, work).await
}

/// The operation running on this task, if a transport started one.
pub fn current() -> Option<Arc<Operation>> {
    CURRENT.try_with(Clone::clone).ok()
}

/// The group scope of the current operation. No operation is refused: every transport starts
/// one, so a service reached without one is a wiring mistake, and reaching everything would be
/// the wrong way to fail.
pub fn group_scope() -> Result<GroupScope, Denied> {
    current()
        .map(|operation| operation.principal.scope())
        .ok_or_else(|| Denied("no admin key behind this call".to_owned()))
}

/// Whether the current operation's key may also run `rpc` (a handler that calls a further RPC
/// only on request checks it with this).
pub fn authorize_current(rpc: &str) -> Result<(), Denied> {
    let operation = current().ok_or_else(|| Denied("no admin key behind this call".to_owned()))?;
    operation.principal.authorize(rpc).map(|_| ())
}

/// Authenticates admin keys: the bootstrap key, else a stored key that is not revoked (read from
/// the configuration snapshot, so a revocation reaches every replica with the snapshot reload).
#[derive(Clone)]
pub struct Access {
    bootstrap: AdminKey,
    snapshot: Option<Arc<SnapshotCell>>,
}

impl fmt::Debug for Access {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Access")
            .field("stored_keys", &self.snapshot.is_some())
            .finish_non_exhaustive()
    }
}

impl Access {
    /// `snapshot`: where the stored keys are read; `None` accepts the bootstrap key only.
    pub fn new(bootstrap: AdminKey, snapshot: Option<Arc<SnapshotCell>>) -> Access {
        Access {
            bootstrap,
            snapshot,
        }
    }

    /// The principal behind `presented` (the key without `Bearer `), if any.
    pub fn authenticate(&self, presented: &str) -> Option<AdminPrincipal> {
        if self.bootstrap.matches(presented) {
            return Some(AdminPrincipal::bootstrap());
        }
        let snapshot = self.snapshot.as_ref()?.current();
        snapshot.admin_key(presented).cloned()
    }

    /// The principal of key `key_id` as the configuration now says (`None` once revoked): what
    /// a long-lived session re-checks on each call.
    pub fn principal(&self, key_id: i64) -> Option<AdminPrincipal> {
        if key_id == BOOTSTRAP_KEY_ID {
            return Some(AdminPrincipal::bootstrap());
        }
        let snapshot = self.snapshot.as_ref()?.current();
        snapshot.admin_key_by_id(key_id).cloned()
    }

    /// The bootstrap key, for the server's own clients.
    pub fn bootstrap_key(&self) -> &AdminKey {
        &self.bootstrap
    }
}

/// `Authorization: Bearer <key>` (any case of `bearer`), trimmed; `None` without one.
pub fn bearer(value: &str) -> Option<&str> {
    let (scheme, key) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| key.trim())
        .filter(|key| !key.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_check_and_restrict_listings() {
        let only = GroupScope::Only(Arc::new(BTreeSet::from(["a".to_owned(), "b".to_owned()])));
        assert!(only.check("a").is_ok());
        assert!(only.check("c").is_err());
        assert_eq!(
            only.listing("").ok(),
            Some(Some(vec!["a".to_owned(), "b".to_owned()]))
        );
        assert_eq!(only.listing("b").ok(), Some(Some(vec!["b".to_owned()])));
        assert!(only.listing("c").is_err());
        assert_eq!(GroupScope::All.listing("").ok(), Some(None));
    }

    #[tokio::test]
    async fn no_operation_reaches_nothing() {
        assert!(group_scope().is_err());
        let operation = Arc::new(Operation::new(AdminPrincipal::bootstrap(), "test", ""));
        let scope = run(operation, async { group_scope() }).await;
        assert_eq!(scope, Ok(GroupScope::All));
    }
}
