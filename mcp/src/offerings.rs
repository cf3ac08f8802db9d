//! Resources, resource templates, prompts and completions on a route: listings merged across the
//! route's servers with the aggregated view's prefixes, reads and prompt gets allow-listed,
//! admitted and recorded, subscriptions passed to the server that owns the URI, and the
//! capabilities a route advertises.
//!
//! # Names in the aggregated view (`/mcp`)
//! - A server served unprefixed keeps its own names, as far as no other unprefixed server
//!   keeps them first ([`crate::unprefixed`]); the rest is prefixed as follows.
//! - A prompt is `{server}__{prompt}`, like a tool.
//! - A resource URI is `aiproxy://{server}/{uri}`: the server's own URI, unchanged, after the
//!   server id. It is a URI itself (the server id is its authority, the original URI its path)
//!   and round-trips: everything after the first `/` past the id is the server's URI. Resource
//!   templates get the same prefix, so a client that expands one gets a prefixed URI back, and
//!   the contents of a read carry prefixed URIs too.
//!
//! # Allow-lists
//! - A prompt is allowed like a tool of the same name: the token's `server/name` entries and
//!   the group's `group_tools` name prompts too.
//! - A server's resources are readable only by callers allowed the whole server: a token whose
//!   entry for it names single tools, or a group the server's `group_tools` narrows, gets none
//!   of them (a URI can stand for anything on the server, so a narrowed caller gets nothing).
//! - A virtual server's resources are the exception: each is composed by name, readable when
//!   its source's resources are readable by the group; a group the virtual server's own
//!   `group_tools` narrows gets none (the host leaves them out of its composition).
//! - A resource or prompt the caller may not use is answered like one that does not exist.
//!
//! # Pins
//! A remote server's prompts, resources and resource templates are pinned like its tools
//! ([`crate::pinning`]): each listing is reviewed against the pins before the caller's
//! allow-list narrows it, a changed item is hidden or served as approved, and a prompt get or
//! resource read of a quarantined one is refused with the quarantine error.
//!
//! # Governance
//! Listings, reads, prompt gets, completions and subscriptions each count as one request
//! against the token's rate limit (like `tools/list`; they are not charged). Reads and prompt
//! gets are recorded through the [`ToolCallSink`](crate::ToolCallSink) like tool calls, with no
//! reservation: `tool` is `prompt:{name}` for a prompt and `resources/read` for a read (the URI
//! only in the arguments, kept with the caller's `record_details`, because a URI can carry the
//! caller's data as template values).

#![expect(
    deprecated,
    reason = "logging is deprecated upstream (SEP-2577) but clients of the 2025 revisions still use it"
)]

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures::future::BoxFuture;
use rmcp::ErrorData;
use rmcp::model::{
    CompleteRequestParams, CompleteResult, GetPromptRequestParams, GetPromptResponse,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, Prompt,
    ReadResourceRequestParams, ReadResourceResponse, Reference, Resource, ResourceContents,
    ResourceTemplate, ResultType, ServerCapabilities,
};
use rmcp::service::{RequestContext, RoleServer, SubscriptionContext};
use tenancy::{Caller, ToolFilter};
use tokio_util::sync::CancellationToken;

use crate::handler::{McpHandler, RequestScope, View, call_record, prefixed, refused};
use crate::host::{ServerDefinition, ToolCallStatus};
use crate::pinning::{self, ItemKind, PinKey};
use crate::servers::uri_template;
use crate::tasks::TaskOwner;
use crate::tool_server::{
    CallerNotifier, Listener, NotificationSink, PromptCaller, ToolServer, resource_not_found,
    unknown_prompt,
};
use crate::unprefixed::{self, Listed, Shown};

/// The scheme of resource URIs in the aggregated view: `aiproxy://{server}/{uri}`.
pub const AGGREGATED_URI_SCHEME: &str = "aiproxy";

/// `uri` of server `server_id` as the aggregated view shows it.
pub(crate) fn aggregated_uri(server_id: &str, uri: &str) -> String {
    format!("{AGGREGATED_URI_SCHEME}://{server_id}/{uri}")
}

/// The server id and the server's own URI of an aggregated-view URI.
pub(crate) fn split_aggregated_uri(uri: &str) -> Option<(&str, &str)> {
    uri.strip_prefix(AGGREGATED_URI_SCHEME)?
        .strip_prefix("://")?
        .split_once('/')
}

/// Whether `caller` may list and read the resources of `definition` (the whole server allowed).
pub(crate) fn may_read_resources(caller: &Caller, definition: &ServerDefinition) -> bool {
    let token_allows = caller
        .mcp_allow
        .as_ref()
        .is_none_or(|allow| matches!(allow.servers.get(&definition.id), Some(ToolFilter::All)));
    // A virtual server's resources are each composed by name and checked against their
    // sources by the composite; its host leaves them out for a group it narrows.
    let whole_server = definition.tool_allow.is_none()
        || matches!(definition.kind, crate::host::ServerKind::Virtual(_));
    token_allows && whole_server
}

/// Whether `caller` may list and get the prompt `name` of `definition`.
pub(crate) fn may_use_prompt(caller: &Caller, definition: &ServerDefinition, name: &str) -> bool {
    definition.allows_tool(name) && caller.may_use_tool(&definition.id, name)
}

/// The server a resource URI or prompt name of a route names, and its own URI or name.
struct Target {
    definition: Arc<ServerDefinition>,
    name: String,
    /// Named with the aggregated view's prefix: URIs going back to the caller get it too.
    aggregated: bool,
}

impl Target {
    /// Named as the server names it (one server's route, or a server served unprefixed).
    fn own(definition: &Arc<ServerDefinition>, name: &str) -> Self {
        Target {
            definition: definition.clone(),
            name: name.to_owned(),
            aggregated: false,
        }
    }

    /// Named with the aggregated view's prefix, `name` being what follows it.
    fn prefixed(definition: Arc<ServerDefinition>, name: &str) -> Self {
        Target {
            definition,
            name: name.to_owned(),
            aggregated: true,
        }
    }
}

/// Splits a prefixed name (or URI) into its server and the server's own name.
type SplitPrefixed =
    for<'n> fn(&[Arc<ServerDefinition>], &'n str) -> Option<(Arc<ServerDefinition>, &'n str)>;

/// What `name` names on `view` when that needs no listing (`Err`: one server's route names
/// its own items, the admin's none, a prefixed name its server's); else (`Ok`) the aggregated
/// view's servers, among whose unprefixed ones it is looked up.
fn unresolved<'v>(
    view: &'v View,
    name: &str,
    split: SplitPrefixed,
) -> Result<&'v [Arc<ServerDefinition>], Option<Target>> {
    match view {
        View::Single(definition) => Err(Some(Target::own(definition, name))),
        View::Admin(_) => Err(None),
        View::Aggregated(definitions) => match split(definitions, name) {
            Some((definition, own)) => Err(Some(Target::prefixed(definition, own))),
            None => Ok(definitions),
        },
    }
}

/// The server id a listener of `definition` prefixes its URIs with: none on one server's
/// route, nor for a server served unprefixed (a URI it keeps is the one the caller knows; a
/// subscription by a prefixed URI brings its own listener).
fn listed_as(aggregated: bool, definition: &ServerDefinition) -> Option<String> {
    (aggregated && !definition.aggregate_unprefixed).then(|| definition.id.clone())
}

/// How a read or prompt get ended, for its record.
enum Recorded {
    /// Never ran: the allow-list said no.
    Refused(ToolCallStatus),
    /// Ran: its arguments, and its result or error code and message.
    Ran {
        arguments: Option<serde_json::Value>,
        result: Result<Option<serde_json::Value>, (i32, String)>,
    },
}

impl McpHandler {
    /// What the route offers: tools and logging always; for one server, resources, prompts and
    /// completions as that server declares them; the aggregated view offers all of them (it
    /// answers empty lists when no server has any).
    pub(crate) async fn offered_capabilities(
        &self,
        scope: &RequestScope,
        context: &RequestContext<RoleServer>,
    ) -> ServerCapabilities {
        let mut offered = ServerCapabilities::builder()
            .enable_tools()
            .enable_logging()
            .build();
        match &scope.view {
            View::Admin(_) => {}
            View::Aggregated(definitions) => {
                offered = full_without_tasks();
                let offers_tasks = definitions.iter().any(|definition| {
                    self.core
                        .servers
                        .get(definition, &scope.caller.group_id)
                        .is_ok_and(|server| server.offers_tasks())
                });
                if offers_tasks {
                    offered = with_tasks(offered);
                }
            }
            View::Single(definition) => {
                if let Ok(server) = self.core.servers.get(definition, &scope.caller.group_id) {
                    server.listen(self.listener(context, None));
                    // A proxy connects its upstream to learn this; one that is slow to answer
                    // must not hold the client's handshake for the whole upstream timeout.
                    let declared = tokio::time::timeout(DECLARATION_WAIT, server.capabilities())
                        .await
                        .unwrap_or_else(|_| full_capabilities());
                    offered.resources = declared.resources;
                    offered.prompts = declared.prompts;
                    offered.completions = declared.completions;
                    if server.offers_tasks() {
                        offered = with_tasks(offered);
                    }
                    if let (Some(tools), Some(declared_tools)) =
                        (offered.tools.as_mut(), declared.tools)
                    {
                        tools.list_changed = declared_tools.list_changed;
                    }
                }
            }
        }
        offered
    }

    pub(crate) async fn route_list_resources(
        &self,
        context: &RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let scope = Self::scope(context)?;
        let listed = self
            .per_server(&scope, context, may_read_resources, |server| {
                Box::pin(async move { server.list_resources().await })
            })
            .await?;
        let listed = self.served(listed);
        let uri = Shown {
            name: |resource: &Resource| resource.uri.as_str(),
            rename: |resource: &mut Resource, uri| resource.uri = uri,
            prefix: aggregated_uri,
            kind: "resource",
        };
        let resources = uri.apply(&scope.view, listed);
        Ok(ListResourcesResult::with_all_items(resources))
    }

    pub(crate) async fn route_list_resource_templates(
        &self,
        context: &RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let scope = Self::scope(context)?;
        let listed = self
            .per_server(&scope, context, may_read_resources, |server| {
                Box::pin(async move { server.list_resource_templates().await })
            })
            .await?;
        let listed = self.served(listed);
        let uri_template = Shown {
            name: |template: &ResourceTemplate| template.uri_template.as_str(),
            rename: |template: &mut ResourceTemplate, uri| template.uri_template = uri,
            prefix: aggregated_uri,
            kind: "resource template",
        };
        let templates = uri_template.apply(&scope.view, listed);
        Ok(ListResourceTemplatesResult::with_all_items(templates))
    }

    pub(crate) async fn route_list_prompts(
        &self,
        context: &RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let scope = Self::scope(context)?;
        let listed = self
            .per_server(
                &scope,
                context,
                |_, _| true,
                |server| Box::pin(async move { server.list_prompts().await }),
            )
            .await?;
        let listed: Listed<_> = listed
            .into_iter()
            .map(|(definition, listed)| {
                let usable = self.usable_prompts(&scope.caller, &definition, listed);
                (definition, usable)
            })
            .collect();
        let name = Shown {
            name: |prompt: &Prompt| prompt.name.as_str(),
            rename: |prompt: &mut Prompt, name| prompt.name = name,
            prefix: prefixed,
            kind: "prompt",
        };
        let prompts = name.apply(&scope.view, listed);
        Ok(ListPromptsResult::with_all_items(prompts))
    }

    pub(crate) async fn route_read_resource(
        &self,
        mut read: ReadResourceRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let started = (Instant::now(), SystemTime::now());
        let scope = Self::scope(context)?;
        self.admit(&scope).await?;
        let requested = read.uri.clone();
        let Some(target) = self.resource_target(&scope, &requested).await else {
            return Err(resource_not_found(&requested));
        };
        let arguments = serde_json::json!({ "uri": requested });
        let record = (target.definition.id.as_str(), "resources/read");
        if !may_read_resources(&scope.caller, &target.definition) {
            self.record(
                &scope.caller,
                record,
                Recorded::Refused(ToolCallStatus::Denied),
                started,
            );
            return Err(resource_not_found(&requested));
        }
        let pin = PinKey::new(ItemKind::Resource, target.name.clone());
        if let Some(error) = pinning::refusal(self.core.pins.as_ref(), &target.definition, &pin) {
            let status = ToolCallStatus::Quarantined {
                message: error.message.to_string(),
            };
            self.record(&scope.caller, record, Recorded::Refused(status), started);
            return Err(error);
        }
        read.uri = target.name.clone();
        let server = self.server_for(&scope, context, &target)?;
        let outcome = server
            .read_resource(read)
            .await
            .map(|response| match response {
                ReadResourceResponse::Complete(mut result) => {
                    result.result_type.get_or_insert(ResultType::COMPLETE);
                    if target.aggregated {
                        for contents in &mut result.contents {
                            if let ResourceContents::TextResourceContents { uri, .. }
                            | ResourceContents::BlobResourceContents { uri, .. } = contents
                            {
                                *uri = aggregated_uri(&target.definition.id, uri);
                            }
                        }
                    }
                    ReadResourceResponse::Complete(result)
                }
                other => other,
            });
        let result = outcome
            .as_ref()
            .map(|response| match response {
                ReadResourceResponse::Complete(result) => serde_json::to_value(result).ok(),
                ReadResourceResponse::InputRequired(result) => serde_json::to_value(result).ok(),
                _ => None,
            })
            .map_err(|error| (error.code.0, error.message.to_string()));
        self.record(
            &scope.caller,
            record,
            Recorded::Ran {
                arguments: Some(arguments),
                result,
            },
            started,
        );
        outcome
    }

    pub(crate) async fn route_get_prompt(
        &self,
        mut get: GetPromptRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let started = (Instant::now(), SystemTime::now());
        let scope = Self::scope(context)?;
        self.admit(&scope).await?;
        let requested = get.name.clone();
        let Some(target) = self.prompt_target(&scope, &requested).await else {
            return Err(unknown_prompt(&requested));
        };
        let tool = format!("prompt:{}", target.name);
        let record = (target.definition.id.as_str(), tool.as_str());
        if !may_use_prompt(&scope.caller, &target.definition, &target.name) {
            self.record(
                &scope.caller,
                record,
                Recorded::Refused(ToolCallStatus::Denied),
                started,
            );
            return Err(unknown_prompt(&requested));
        }
        let pin = PinKey::new(ItemKind::Prompt, target.name.clone());
        if let Some(error) = pinning::refusal(self.core.pins.as_ref(), &target.definition, &pin) {
            let status = ToolCallStatus::Quarantined {
                message: error.message.to_string(),
            };
            self.record(&scope.caller, record, Recorded::Refused(status), started);
            return Err(error);
        }
        get.name = target.name.clone();
        let arguments = get.arguments.clone().map(serde_json::Value::Object);
        let server = self.server_for(&scope, context, &target)?;
        // rmcp moved the params' `_meta` into the context.
        let meta = get.meta.clone().unwrap_or_else(|| context.meta.clone());
        let caller = PromptCaller {
            notifier: CallerNotifier::Session(
                context.peer.clone(),
                crate::log_level::LogFilter::of_request(&meta, scope.log_level),
            ),
            cancel: context.ct.clone(),
            meta: Some(meta),
        };
        let outcome = server
            .get_prompt_for(get, caller)
            .await
            .map(|response| match response {
                GetPromptResponse::Complete(mut result) => {
                    result.result_type.get_or_insert(ResultType::COMPLETE);
                    GetPromptResponse::Complete(result)
                }
                other => other,
            });
        let result = outcome
            .as_ref()
            .map(|response| match response {
                GetPromptResponse::Complete(result) => serde_json::to_value(result).ok(),
                GetPromptResponse::InputRequired(result) => serde_json::to_value(result).ok(),
                _ => None,
            })
            .map_err(|error| (error.code.0, error.message.to_string()));
        self.record(
            &scope.caller,
            record,
            Recorded::Ran { arguments, result },
            started,
        );
        outcome
    }

    pub(crate) async fn route_complete(
        &self,
        mut request: CompleteRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let scope = Self::scope(context)?;
        self.admit(&scope).await?;
        let target = match &mut request.r#ref {
            Reference::Prompt(prompt) => {
                let target = self
                    .prompt_target(&scope, &prompt.name)
                    .await
                    .filter(|target| {
                        may_use_prompt(&scope.caller, &target.definition, &target.name)
                    })
                    .ok_or_else(|| unknown_prompt(&prompt.name))?;
                prompt.name = target.name.clone();
                target
            }
            Reference::Resource(resource) => {
                let target = self
                    .resource_target(&scope, &resource.uri)
                    .await
                    .filter(|target| may_read_resources(&scope.caller, &target.definition))
                    .ok_or_else(|| resource_not_found(&resource.uri))?;
                resource.uri = target.name.clone();
                target
            }
            _ => {
                return Err(ErrorData::invalid_params(
                    "unsupported completion reference",
                    None,
                ));
            }
        };
        let server = self.server_for(&scope, context, &target)?;
        let mut result = server.complete(request).await?;
        result.result_type.get_or_insert(ResultType::COMPLETE);
        Ok(result)
    }

    pub(crate) async fn route_subscribe(
        &self,
        uri: &str,
        context: &RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let scope = Self::scope(context)?;
        self.admit(&scope).await?;
        let target = self
            .resource_target(&scope, uri)
            .await
            .filter(|target| may_read_resources(&scope.caller, &target.definition))
            .ok_or_else(|| resource_not_found(uri))?;
        let server = self.server_for(&scope, context, &target)?;
        let listener = self.listener(
            context,
            target.aggregated.then(|| target.definition.id.clone()),
        );
        server.subscribe(&target.name, listener).await
    }

    pub(crate) async fn route_unsubscribe(
        &self,
        uri: &str,
        context: &RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let scope = Self::scope(context)?;
        let Some(target) = self.resource_target(&scope, uri).await else {
            return Ok(());
        };
        let server = self
            .core
            .servers
            .get(&target.definition, &scope.caller.group_id)?;
        server.unsubscribe(&target.name, self.session).await
    }

    /// A 2026-07-28 `subscriptions/listen` stream: the route's servers send it their list
    /// changes, and the servers of its accepted URIs their updates, until the stream ends.
    /// URIs the caller may not read, or that no server of the route owns, stay silent. A
    /// stream that declared the tasks extension also hears its caller's tasks on the route
    /// (`notifications/tasks`, see `crate::tasks`).
    pub(crate) async fn route_listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        let scope = Self::scope(context.request_context())?;
        self.admit(&scope).await?;
        let closed = CancellationToken::new();
        let listener = |aggregated_as: Option<String>| Listener {
            session: self.session,
            sink: NotificationSink::Subscription {
                sink: context.sink().clone(),
                closed: closed.clone(),
            },
            aggregated_as,
            renamed: None,
        };
        let (definitions, aggregated) = match &scope.view {
            View::Single(definition) => (vec![definition.clone()], false),
            View::Aggregated(definitions) => (definitions.to_vec(), true),
            View::Admin(_) => (Vec::new(), false),
        };
        for definition in &definitions {
            if let Ok(server) = self.core.servers.get(definition, &scope.caller.group_id) {
                server.listen(listener(listed_as(aggregated, definition)));
            }
        }
        let mut subscribed = Vec::new();
        let uris = context
            .accepted()
            .resource_subscriptions
            .clone()
            .unwrap_or_default();
        for uri in uris {
            let Some(target) = self
                .resource_target(&scope, &uri)
                .await
                .filter(|target| may_read_resources(&scope.caller, &target.definition))
            else {
                continue;
            };
            let Ok(server) = self
                .core
                .servers
                .get(&target.definition, &scope.caller.group_id)
            else {
                continue;
            };
            let as_listener = listener(target.aggregated.then(|| target.definition.id.clone()));
            match server.subscribe(&target.name, as_listener).await {
                Ok(()) => subscribed.push((server, target.name)),
                Err(error) => tracing::debug!(%error.message, "resource subscription refused"),
            }
        }
        let declared_tasks = context
            .request_context()
            .client_capabilities()
            .is_some_and(|capabilities| capabilities.supports_tasks());
        let task_statuses = declared_tasks
            .then(|| {
                self.core
                    .tasks
                    .streams
                    .open(TaskOwner::of(&scope.caller), scope.view.route_key())
            })
            .flatten();
        match task_statuses {
            Some(statuses) => {
                let peer = context.request_context().peer.clone();
                let subscription = context.sink().id().clone();
                tokio::select! {
                    () = context.cancelled() => {}
                    () = crate::tasks::stream(statuses, peer, subscription) => {
                        context.cancelled().await;
                    }
                }
            }
            None => context.cancelled().await,
        }
        closed.cancel();
        for (server, uri) in subscribed {
            if let Err(error) = server.unsubscribe(&uri, self.session).await {
                tracing::debug!(%error.message, "resource subscription not ended upstream");
            }
        }
        Ok(())
    }

    /// This session as a listener of a server's notifications.
    fn listener(
        &self,
        context: &RequestContext<RoleServer>,
        aggregated_as: Option<String>,
    ) -> Listener {
        Listener {
            session: self.session,
            sink: NotificationSink::Session(context.peer.clone()),
            aggregated_as,
            renamed: None,
        }
    }

    /// Counts the request against the caller's rate limit (the admin's tools have none).
    async fn admit(&self, scope: &RequestScope) -> Result<(), ErrorData> {
        if matches!(scope.view, View::Admin(_)) {
            return Ok(());
        }
        self.core
            .gate
            .admit_listing(&scope.caller)
            .await
            .map_err(|refusal| refused(&refusal))
    }

    /// The live server of `target`, with this session listening to it.
    fn server_for(
        &self,
        scope: &RequestScope,
        context: &RequestContext<RoleServer>,
        target: &Target,
    ) -> Result<Arc<dyn ToolServer>, ErrorData> {
        let server = self
            .core
            .servers
            .get(&target.definition, &scope.caller.group_id)?;
        server.listen(self.listener(
            context,
            target.aggregated.then(|| target.definition.id.clone()),
        ));
        Ok(server)
    }

    /// One listing from each server of the route that `allowed` lets the caller see. On one
    /// server's route its error is the answer; in the aggregated view a server that fails is
    /// skipped (one unreachable upstream must not hide every other server's items).
    async fn per_server<T, F>(
        &self,
        scope: &RequestScope,
        context: &RequestContext<RoleServer>,
        allowed: fn(&Caller, &ServerDefinition) -> bool,
        list: F,
    ) -> Result<Listed<T>, ErrorData>
    where
        T: Send,
        F: Fn(Arc<dyn ToolServer>) -> BoxFuture<'static, Result<Vec<T>, ErrorData>>,
    {
        self.admit(scope).await?;
        let (definitions, aggregated) = match &scope.view {
            View::Single(definition) => (vec![definition.clone()], false),
            View::Aggregated(definitions) => (definitions.to_vec(), true),
            View::Admin(_) => return Ok(Vec::new()),
        };
        let list = &list;
        let listings = futures::future::join_all(
            definitions
                .into_iter()
                .filter(|definition| allowed(&scope.caller, definition))
                .map(|definition| {
                    let server = self.core.servers.get(&definition, &scope.caller.group_id);
                    let listener = self.listener(context, listed_as(aggregated, &definition));
                    async move {
                        let server = server?;
                        server.listen(listener);
                        let listed = list(server).await?;
                        Ok::<_, ErrorData>((definition, listed))
                    }
                }),
        )
        .await;
        let mut listed = Vec::new();
        for listing in listings {
            match listing {
                Ok(items) => listed.push(items),
                Err(error) if !aggregated => return Err(error),
                Err(error) => tracing::warn!(
                    %error.message,
                    "skipping a server in an aggregated listing"
                ),
            }
        }
        Ok(listed)
    }

    /// Each server's listing as its pins serve it.
    fn served<T: pinning::Pinnable>(&self, listed: Listed<T>) -> Listed<T> {
        let pins = self.core.pins.as_ref();
        listed
            .into_iter()
            .map(|(definition, items)| {
                let served = pinning::served(pins, &definition, items);
                (definition, served)
            })
            .collect()
    }

    /// The prompts of `listed` the caller may get: reviewed whole against the pins before the
    /// caller's allow-list narrows them (a narrowed caller's listing must not read as prompts
    /// the upstream removed).
    fn usable_prompts(
        &self,
        caller: &Caller,
        definition: &ServerDefinition,
        listed: Vec<Prompt>,
    ) -> Vec<Prompt> {
        pinning::served(self.core.pins.as_ref(), definition, listed)
            .into_iter()
            .filter(|prompt| may_use_prompt(caller, definition, &prompt.name))
            .collect()
    }

    /// The server and its own URI that `uri` names on the route.
    async fn resource_target(&self, scope: &RequestScope, uri: &str) -> Option<Target> {
        let definitions = match unresolved(&scope.view, uri, unprefixed::split_prefixed_uri) {
            Ok(definitions) => definitions,
            Err(known) => return known,
        };
        let caller = &scope.caller;
        let pins = self.core.pins.as_ref();
        // A URI a server lists as it is comes before a template of another that matches it.
        let listed = unprefixed::holder(definitions, uri, |definition| async move {
            let Some(server) = self.readable(caller, &definition) else {
                return false;
            };
            server.list_resources().await.is_ok_and(|listed| {
                pinning::served(pins, &definition, listed)
                    .iter()
                    .any(|resource| resource.uri == uri)
            })
        })
        .await;
        let holder = match listed {
            Some(definition) => Some(definition),
            None => {
                unprefixed::holder(definitions, uri, |definition| async move {
                    let Some(server) = self.readable(caller, &definition) else {
                        return false;
                    };
                    server.list_resource_templates().await.is_ok_and(|listed| {
                        pinning::served(pins, &definition, listed)
                            .iter()
                            .any(|template| {
                                // A completion names the template itself.
                                template.uri_template == uri
                                    || uri_template::match_uri(&template.uri_template, uri)
                                        .is_some()
                            })
                    })
                })
                .await
            }
        };
        holder.map(|definition| Target::own(&definition, uri))
    }

    /// The server and its own prompt name that `name` names on the route.
    async fn prompt_target(&self, scope: &RequestScope, name: &str) -> Option<Target> {
        let definitions = match unresolved(&scope.view, name, unprefixed::split_prefixed) {
            Ok(definitions) => definitions,
            Err(known) => return known,
        };
        let caller = &scope.caller;
        let holder = unprefixed::holder(definitions, name, |definition| async move {
            let Ok(server) = self.core.servers.get(&definition, &caller.group_id) else {
                return false;
            };
            server.list_prompts().await.is_ok_and(|listed| {
                self.usable_prompts(caller, &definition, listed)
                    .iter()
                    .any(|prompt| prompt.name == name)
            })
        })
        .await;
        holder.map(|definition| Target::own(&definition, name))
    }

    /// The live server of `definition` when the caller may read its resources.
    fn readable(
        &self,
        caller: &Caller,
        definition: &ServerDefinition,
    ) -> Option<Arc<dyn ToolServer>> {
        if !may_read_resources(caller, definition) {
            return None;
        }
        self.core.servers.get(definition, &caller.group_id).ok()
    }

    /// Records a read or prompt get.
    fn record(
        &self,
        caller: &Caller,
        (server_id, tool): (&str, &str),
        outcome: Recorded,
        started: (Instant, SystemTime),
    ) {
        let name = (server_id, tool, None);
        let record = match outcome {
            Recorded::Refused(status) => call_record(caller, name, status, started),
            Recorded::Ran { arguments, result } => {
                let status = match &result {
                    Ok(_) => ToolCallStatus::Ok,
                    Err((code, message)) => ToolCallStatus::Failed {
                        code: *code,
                        message: message.clone(),
                    },
                };
                let mut record = call_record(caller, name, status, started);
                if caller.record_details {
                    record.arguments = arguments;
                    record.result = result.ok().flatten();
                }
                record
            }
        };
        self.core.sink.record(record);
    }
}

/// How long a handshake waits for a server to declare what it offers; past it the route
/// offers everything (and answers empty lists where the server has nothing).
const DECLARATION_WAIT: Duration = Duration::from_secs(3);

/// Everything a route can offer: the aggregated view's capabilities, and a server's when it
/// has not declared its own in time.
/// `capabilities` with the tasks extension declared (SEP-2663 puts it under `extensions`).
fn with_tasks(mut capabilities: ServerCapabilities) -> ServerCapabilities {
    capabilities
        .extensions
        .get_or_insert_with(Default::default)
        .insert(
            rmcp::model::TASKS_EXTENSION_ID.to_owned(),
            Default::default(),
        );
    capabilities
}

pub(crate) fn full_capabilities() -> ServerCapabilities {
    with_tasks(full_without_tasks())
}

/// Everything but tasks, which a route declares only when a server of it offers them.
fn full_without_tasks() -> ServerCapabilities {
    ServerCapabilities::builder()
        .enable_tools()
        .enable_tool_list_changed()
        .enable_logging()
        .enable_resources()
        .enable_resources_subscribe()
        .enable_resources_list_changed()
        .enable_prompts()
        .enable_prompts_list_changed()
        .enable_completions()
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregated_uris_round_trip() {
        for (server, uri) in [
            ("everything", "test://static-text"),
            ("docs", "file:///srv/a b/c.txt"),
            ("x-1", "test://template/{id}/data"),
            ("s", "urn:isbn:0451450523"),
        ] {
            let aggregated = aggregated_uri(server, uri);
            assert_eq!(split_aggregated_uri(&aggregated), Some((server, uri)));
        }
        assert_eq!(split_aggregated_uri("test://static-text"), None);
        assert_eq!(split_aggregated_uri("aiproxy://no-slash"), None);
    }
}
