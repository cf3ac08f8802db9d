//! Servers served unprefixed in the aggregated `/mcp`: which of their items keep their own names, and whose a name without a prefix is.
//!
//! # The rule
//! - A server whose definition sets `aggregate_unprefixed` shows its tools, prompts, resources,
//!   resource templates and task ids under their own names; every server, that one included,
//!   is still reached by its prefixed names (`{server}__{name}`, `aiproxy://{server}/{uri}`).
//! - A name that reads as a prefixed name of a server of the route (`{id}__...` for one of the
//!   route's ids, or an `aiproxy://{id}/...` URI) is always shown prefixed, so a prefixed name
//!   never means two things.
//! - Two unprefixed servers sharing a name: the one whose id sorts first keeps it, the other
//!   shows its item prefixed, and a warning is logged. Ids are stable, so a route answers the
//!   same way every time, and a call by the plain name goes where the listing said.
//! - Resources: a URI a server lists exactly comes before a template that matches it; among
//!   templates, the first server (by id) with one that matches.
//!
//! Which names collide is known only by listing (the servers of a route change per caller and
//! over time, so it cannot be refused on write), so a call, prompt get or read by a name
//! without a prefix lists the unprefixed servers' items, in id order until one holds it: a
//! proxied server pays an upstream listing for it. Prefixed names cost nothing extra.
//!
//! A tool call's answer is kept ([`ToolHolders`]): per caller and name, for [`HOLDER_TTL`], and
//! only while the route's unprefixed servers are the same ones at the same revision and none
//! of them said its tool list changed since; at most [`MAX_HOLDERS`] names. So a stream of
//! calls by a bare name lists each server once per span, not once per call.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::handler::{TOOL_NAME_SEPARATOR, View};
use crate::host::ServerDefinition;
use crate::offerings::split_aggregated_uri;

/// The route's unprefixed servers in the order that decides who keeps a shared name: by id,
/// whatever order the host listed them in.
pub(crate) fn in_claim_order(route: &[Arc<ServerDefinition>]) -> Vec<Arc<ServerDefinition>> {
    let mut unprefixed: Vec<_> = route
        .iter()
        .filter(|definition| definition.aggregate_unprefixed)
        .cloned()
        .collect();
    unprefixed.sort_by(|a, b| a.id.cmp(&b.id));
    unprefixed
}

/// The server of `route` a prefixed name (`{id}__{name}`) names, and the name without it.
pub(crate) fn split_prefixed<'n>(
    route: &[Arc<ServerDefinition>],
    name: &'n str,
) -> Option<(Arc<ServerDefinition>, &'n str)> {
    let (server_id, own) = name.split_once(TOOL_NAME_SEPARATOR)?;
    let definition = route.iter().find(|definition| definition.id == server_id)?;
    Some((definition.clone(), own))
}

/// The server of `route` a prefixed URI (`aiproxy://{id}/{uri}`) names, and its own URI.
pub(crate) fn split_prefixed_uri<'u>(
    route: &[Arc<ServerDefinition>],
    uri: &'u str,
) -> Option<(Arc<ServerDefinition>, &'u str)> {
    let (server_id, own) = split_aggregated_uri(uri)?;
    let definition = route.iter().find(|definition| definition.id == server_id)?;
    Some((definition.clone(), own))
}

/// Whether `name` reads as a prefixed name or URI of a server of `route`.
fn reads_as_prefixed(route: &[Arc<ServerDefinition>], name: &str) -> bool {
    split_prefixed(route, name).is_some() || split_prefixed_uri(route, name).is_some()
}

/// The items of one aggregated listing that keep their own names, as (server id, name).
#[derive(Default)]
pub(crate) struct KeptNames(HashSet<(String, String)>);

impl KeptNames {
    /// Decides for a listing of `route`: `listed` holds each server's item names (what the
    /// caller may see of it); `kind` names the items in the warning.
    pub(crate) fn decide<'a>(
        route: &[Arc<ServerDefinition>],
        listed: impl IntoIterator<Item = (&'a ServerDefinition, Vec<&'a str>)>,
        kind: &'static str,
    ) -> Self {
        let mut unprefixed: Vec<_> = listed
            .into_iter()
            .filter(|(definition, _)| definition.aggregate_unprefixed)
            .collect();
        unprefixed.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        let mut owner_of: HashMap<&str, &str> = HashMap::new();
        for (definition, names) in unprefixed {
            for name in names {
                if reads_as_prefixed(route, name) {
                    continue;
                }
                match owner_of.get(name) {
                    Some(owner) if *owner != definition.id => tracing::warn!(
                        kind,
                        name,
                        kept_by = owner,
                        prefixed_on = %definition.id,
                        "two unprefixed servers share a name in the aggregated view; \
                         the later one's is served prefixed"
                    ),
                    Some(_) => {}
                    None => {
                        owner_of.insert(name, &definition.id);
                    }
                }
            }
        }
        Self(
            owner_of
                .into_iter()
                .map(|(name, owner)| (owner.to_owned(), name.to_owned()))
                .collect(),
        )
    }

    /// Whether `server_id`'s item `name` is shown as it is.
    pub(crate) fn keeps(&self, server_id: &str, name: &str) -> bool {
        self.0.contains(&(server_id.to_owned(), name.to_owned()))
    }
}

/// A listing's items by server.
pub(crate) type Listed<T> = Vec<(Arc<ServerDefinition>, Vec<T>)>;

/// How a route shows one kind of listed item: its name (or URI), and the prefix the aggregated
/// view gives it unless a server served unprefixed keeps it ([`KeptNames`]).
pub(crate) struct Shown<T> {
    pub name: fn(&T) -> &str,
    pub rename: fn(&mut T, String),
    /// The shown name of an item of a server, from the server id and the item's name.
    pub prefix: fn(&str, &str) -> String,
    /// Names the items in the log's warning about a shared name.
    pub kind: &'static str,
}

impl<T> Shown<T> {
    /// `listed` as the route shows it, in one list.
    pub(crate) fn apply(&self, view: &View, listed: Listed<T>) -> Vec<T> {
        let View::Aggregated(definitions) = view else {
            return listed.into_iter().flat_map(|(_, items)| items).collect();
        };
        let names = listed.iter().map(|(definition, items)| {
            let names = items.iter().map(|item| (self.name)(item)).collect();
            (definition.as_ref(), names)
        });
        let kept = KeptNames::decide(definitions, names, self.kind);
        let mut shown = Vec::new();
        for (definition, items) in listed {
            for mut item in items {
                let own = (self.name)(&item);
                if !kept.keeps(&definition.id, own) {
                    let prefixed = (self.prefix)(&definition.id, own);
                    (self.rename)(&mut item, prefixed);
                }
                shown.push(item);
            }
        }
        shown
    }
}

/// The unprefixed server of `route` that keeps `name`: the first in claim order for which
/// `holds` (does its listing, as the caller sees it, hold the name?) says yes. `None` for a
/// name that reads as prefixed: those are never kept.
pub(crate) async fn holder<F, Fut>(
    route: &[Arc<ServerDefinition>],
    name: &str,
    mut holds: F,
) -> Option<Arc<ServerDefinition>>
where
    F: FnMut(Arc<ServerDefinition>) -> Fut,
    Fut: Future<Output = bool>,
{
    if reads_as_prefixed(route, name) {
        return None;
    }
    for definition in in_claim_order(route) {
        if holds(definition.clone()).await {
            return Some(definition);
        }
    }
    None
}

/// How long the server found to hold a bare tool name is trusted without listing again.
const HOLDER_TTL: Duration = Duration::from_secs(10);
/// Names kept at most: past it the expired go, then all (callers naming random tools cannot
/// grow it).
const MAX_HOLDERS: usize = 4096;

/// Who holds a bare name, per caller's group and token (its allow-list shapes what its
/// listings hold) and the name.
type HolderKey = (String, i64, String);

/// What a route's unprefixed servers were when a holder was found: in claim order, each
/// server's id, revision and count of tool-list changes ([`ToolServer::tool_list_changes`](crate::tool_server::ToolServer::tool_list_changes)).
type Catalogue = Vec<(String, String, u64)>;

struct FoundHolder {
    at: Instant,
    catalogue: Catalogue,
    /// The server's id; `None`: no unprefixed server holds the name.
    holder: Option<String>,
}

/// The holders of bare tool names found recently (see the module doc).
#[derive(Default)]
pub(crate) struct ToolHolders {
    found: Mutex<HashMap<HolderKey, FoundHolder>>,
}

impl ToolHolders {
    /// [`holder`] for the tool `name` called by `caller` (group and token id), from what was
    /// found before while it holds. `list_changes` counts a server's tool-list changes.
    pub(crate) async fn holder<F, Fut>(
        &self,
        route: &[Arc<ServerDefinition>],
        (group, token): (&str, i64),
        name: &str,
        list_changes: impl Fn(&ServerDefinition) -> u64,
        holds: F,
    ) -> Option<Arc<ServerDefinition>>
    where
        F: FnMut(Arc<ServerDefinition>) -> Fut,
        Fut: Future<Output = bool>,
    {
        if reads_as_prefixed(route, name) {
            return None;
        }
        // Taken before listing: a change announced meanwhile makes the next call look again.
        let catalogue: Catalogue = in_claim_order(route)
            .iter()
            .map(|definition| {
                (
                    definition.id.clone(),
                    definition.revision.clone(),
                    list_changes(definition),
                )
            })
            .collect();
        let key = (group.to_owned(), token, name.to_owned());
        if let Some(known) = self.known(&key, &catalogue) {
            return known
                .and_then(|id| route.iter().find(|definition| definition.id == id).cloned());
        }
        let found = holder(route, name, holds).await;
        self.keep(
            key,
            catalogue,
            found.as_ref().map(|definition| definition.id.clone()),
        );
        found
    }

    fn known(&self, key: &HolderKey, catalogue: &Catalogue) -> Option<Option<String>> {
        let found = self.found.lock().ok()?;
        let known = found.get(key)?;
        (known.at.elapsed() < HOLDER_TTL && known.catalogue == *catalogue)
            .then(|| known.holder.clone())
    }

    fn keep(&self, key: HolderKey, catalogue: Catalogue, holder: Option<String>) {
        let Ok(mut found) = self.found.lock() else {
            return;
        };
        if found.len() >= MAX_HOLDERS {
            found.retain(|_, known| known.at.elapsed() < HOLDER_TTL);
            if found.len() >= MAX_HOLDERS {
                found.clear();
            }
        }
        found.insert(
            key,
            FoundHolder {
                at: Instant::now(),
                catalogue,
                holder,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{Scope, ServerKind};

    fn server(id: &str, unprefixed: bool) -> Arc<ServerDefinition> {
        Arc::new(ServerDefinition {
            id: id.to_owned(),
            scope: Scope::Public,
            description: String::new(),
            kind: ServerKind::Embedded {
                template: "time".to_owned(),
                params: Default::default(),
            },
            revision: String::new(),
            tool_allow: None,
            aggregate_unprefixed: unprefixed,
        })
    }

    /// (server, names it lists) -> the names each keeps, as `server:name`.
    fn check(route: &[Arc<ServerDefinition>], listed: &[(&str, &[&str])], expected: &[&str]) {
        let by_id = |id: &str| route.iter().find(|d| d.id == id).cloned();
        let listed: Vec<(Arc<ServerDefinition>, Vec<&str>)> = listed
            .iter()
            .filter_map(|(id, names)| Some((by_id(id)?, names.to_vec())))
            .collect();
        let kept = KeptNames::decide(
            route,
            listed.iter().map(|(d, names)| (d.as_ref(), names.clone())),
            "tool",
        );
        let mut shown: Vec<String> = listed
            .iter()
            .flat_map(|(d, names)| {
                names
                    .iter()
                    .filter(|name| kept.keeps(&d.id, name))
                    .map(|name| format!("{}:{name}", d.id))
                    .collect::<Vec<_>>()
            })
            .collect();
        shown.sort();
        assert_eq!(shown, expected);
    }

    #[test]
    fn the_first_unprefixed_server_by_id_keeps_a_shared_name() {
        // Listed in an order other than the ids': the ids decide.
        let route = [
            server("zeta", true),
            server("alpha", true),
            server("plain", false),
        ];
        check(
            &route,
            &[
                ("zeta", &["echo", "only_zeta"]),
                ("alpha", &["echo"]),
                ("plain", &["echo", "other"]),
            ],
            &["alpha:echo", "zeta:only_zeta"],
        );
    }

    #[test]
    fn names_that_read_as_prefixed_stay_prefixed() {
        let route = [server("alpha", true), server("plain", false)];
        check(
            &route,
            &[(
                "alpha",
                &[
                    "plain__other",
                    "nobody__x",
                    "aiproxy://plain/x",
                    "aiproxy://nobody/x",
                ],
            )],
            &["alpha:aiproxy://nobody/x", "alpha:nobody__x"],
        );
    }

    #[tokio::test]
    async fn the_holder_is_the_first_by_id_that_holds_the_name() {
        let route = [
            server("zeta", true),
            server("alpha", true),
            server("plain", false),
        ];
        let holds = |names: &'static [(&'static str, &'static str)]| {
            move |definition: Arc<ServerDefinition>| async move {
                names
                    .iter()
                    .any(|(id, name)| *id == definition.id && *name == "echo")
            }
        };
        let both = holder(
            &route,
            "echo",
            holds(&[("zeta", "echo"), ("alpha", "echo")]),
        )
        .await;
        assert_eq!(both.map(|d| d.id.clone()).as_deref(), Some("alpha"));
        let zeta = holder(&route, "echo", holds(&[("zeta", "echo")])).await;
        assert_eq!(zeta.map(|d| d.id.clone()).as_deref(), Some("zeta"));
        // A prefixed server's names are never held without the prefix.
        let plain = holder(&route, "echo", holds(&[("plain", "echo")])).await;
        assert!(plain.is_none());
        let prefixed = holder(&route, "plain__echo", |_| async { true }).await;
        assert!(prefixed.is_none());
    }

    #[tokio::test]
    async fn a_holder_found_is_kept_until_the_catalogue_moves() {
        let route = vec![server("alpha", true), server("beta", true)];
        let holders = ToolHolders::default();
        let listings = std::sync::atomic::AtomicUsize::new(0);
        let changes = std::sync::atomic::AtomicU64::new(0);
        let resolve = |route: Vec<Arc<ServerDefinition>>| {
            let (listings, changes, holders) = (&listings, &changes, &holders);
            async move {
                holders
                    .holder(
                        &route,
                        ("ga", 1),
                        "echo",
                        |definition| {
                            if definition.id == "alpha" {
                                changes.load(std::sync::atomic::Ordering::Relaxed)
                            } else {
                                0
                            }
                        },
                        |definition| async move {
                            listings.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            definition.id == "beta"
                        },
                    )
                    .await
                    .map(|definition| definition.id.clone())
            }
        };
        let listed = || listings.load(std::sync::atomic::Ordering::Relaxed);
        assert_eq!(resolve(route.clone()).await.as_deref(), Some("beta"));
        assert_eq!(listed(), 2, "alpha, then beta");
        assert_eq!(resolve(route.clone()).await.as_deref(), Some("beta"));
        assert_eq!(listed(), 2, "kept");
        // alpha's tool list changed: looked up again.
        changes.store(1, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(resolve(route.clone()).await.as_deref(), Some("beta"));
        assert_eq!(listed(), 4);
        // A new revision of a server (the snapshot changed): looked up again.
        let mut revised = (*route[1]).clone();
        revised.revision = "2".to_owned();
        let route = vec![route[0].clone(), Arc::new(revised)];
        assert_eq!(resolve(route.clone()).await.as_deref(), Some("beta"));
        assert_eq!(listed(), 6);
        assert_eq!(resolve(route).await.as_deref(), Some("beta"));
        assert_eq!(listed(), 6);
    }
}
