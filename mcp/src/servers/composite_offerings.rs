//! A virtual server's prompts and resources: chosen ones of its sources, renamed, redescribed, prompt arguments fixed.
//!
//! As with its tools, a listing asks each source it draws from once, concurrently, and shows
//! what the source lists under the composed names; a source that cannot be reached hides only
//! its own items. A prompt is usable when its source lets the group use a tool of that name
//! (prompts share tools' allow-lists); a resource when the group may read the source's
//! resources at all (its `group_tools` does not narrow the source). Anything else is answered
//! like an item that does not exist: `-32602`.
//!
//! Resource templates may be renamed too (see `uri_template.rs`): a read, a subscription or a
//! completion of a URI the virtual server shows goes to the source under the source's URI, and
//! what comes back (read contents, `resources/updated`) carries the virtual server's URI again.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::{
    CompleteRequestParams, CompleteResult, CompletionContext, GetPromptRequestParams,
    GetPromptResponse, Prompt, PromptsCapability, ReadResourceRequestParams, ReadResourceResponse,
    Reference, Resource, ResourceContents, ResourceTemplate, ResourcesCapability,
    ServerCapabilities,
};
use serde_json::Value;

use super::composite::{CompositeServer, Source};
use super::uri_template;
use crate::host::{VirtualPrompt, VirtualResource};
use crate::tool_server::{Listener, PromptCaller, UriRename, resource_not_found, unknown_prompt};

impl CompositeServer {
    /// Tools always; prompts and resources only when the server composes some; resource
    /// subscriptions and completions when a source of them offers those.
    pub(super) async fn composed_capabilities(&self) -> ServerCapabilities {
        let mut offered = ServerCapabilities::builder().enable_tools().build();
        if !self.prompts.is_empty() {
            offered.prompts = Some(PromptsCapability::default());
        }
        let prompt_sources: BTreeSet<&str> = self
            .prompts
            .iter()
            .map(|prompt| prompt.server.as_str())
            .collect();
        let resource_sources: BTreeSet<&str> = self
            .resources
            .iter()
            .map(|resource| resource.server.as_str())
            .collect();
        let template_sources: BTreeSet<&str> = self
            .resources
            .iter()
            .filter(|resource| uri_template::is_template(&resource.uri))
            .map(|resource| resource.server.as_str())
            .collect();
        let declared: BTreeMap<&str, ServerCapabilities> = futures::future::join_all(
            prompt_sources
                .union(&resource_sources)
                .filter_map(|id| Some((*id, self.sources.get(*id)?)))
                .map(|(id, source)| async move { (id, source.server.capabilities().await) }),
        )
        .await
        .into_iter()
        .collect();
        if !self.resources.is_empty() {
            let mut resources = ResourcesCapability::default();
            let subscribable = resource_sources.iter().any(|id| {
                declared
                    .get(id)
                    .and_then(|declared| declared.resources.as_ref())
                    .is_some_and(|resources| resources.subscribe == Some(true))
            });
            resources.subscribe = subscribable.then_some(true);
            offered.resources = Some(resources);
        }
        let completes = prompt_sources
            .union(&template_sources)
            .any(|id| declared.get(id).is_some_and(|d| d.completions.is_some()));
        if completes {
            offered.completions = Some(Default::default());
        }
        offered
    }

    pub(super) async fn composed_prompts(&self) -> Vec<Prompt> {
        let listings = self
            .source_listings(
                self.prompts.iter().map(|prompt| prompt.server.as_str()),
                "prompts/list",
                |source| async move {
                    let listed = source.server.list_prompts().await?;
                    Ok(listed
                        .into_iter()
                        .map(|prompt| (prompt.name.clone(), prompt))
                        .collect())
                },
            )
            .await;
        self.prompts
            .iter()
            .filter(|composed| self.prompt_source(composed).is_some())
            .filter_map(|composed| {
                let prompt = listings.get(&composed.server)?.get(&composed.prompt)?;
                Some(exposed_prompt(composed, prompt))
            })
            .collect()
    }

    /// The source's prompt under its own name, with the fixed arguments; got on behalf of
    /// `caller` when there is one (a proxied source may then ask it mid-request, bridged for a
    /// 2026-07-28 caller).
    pub(super) async fn get_composed_prompt(
        &self,
        mut get: GetPromptRequestParams,
        caller: Option<PromptCaller>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let (composed, source) = self
            .exposed_prompt(&get.name)
            .ok_or_else(|| unknown_prompt(&get.name))?;
        let mut arguments = get.arguments.take().unwrap_or_default();
        for (name, value) in &composed.defaults {
            arguments.insert(name.clone(), Value::String(value.clone()));
        }
        get.arguments = Some(arguments);
        get.name = composed.prompt.clone();
        let response = match caller {
            Some(caller) => source.server.get_prompt_for(get, caller).await?,
            None => source.server.get_prompt(get).await?,
        };
        Ok(match (response, &composed.description) {
            (GetPromptResponse::Complete(mut result), Some(description)) => {
                result.description = Some(description.clone());
                GetPromptResponse::Complete(result)
            }
            (response, _) => response,
        })
    }

    /// A prompt argument's or a resource template's completion, from the source under its own
    /// names. A fixed argument has nothing to complete: the client never sends it.
    pub(super) async fn complete_composed(
        &self,
        mut request: CompleteRequestParams,
    ) -> Result<CompleteResult, ErrorData> {
        let source = match &mut request.r#ref {
            Reference::Prompt(prompt) => {
                let (composed, source) = self
                    .exposed_prompt(&prompt.name)
                    .ok_or_else(|| unknown_prompt(&prompt.name))?;
                if composed.defaults.contains_key(&request.argument.name) {
                    return Ok(CompleteResult::default());
                }
                prompt.name = composed.prompt.clone();
                if !composed.defaults.is_empty() {
                    let context = request.context.get_or_insert_with(CompletionContext::new);
                    let arguments = context.arguments.get_or_insert_with(Default::default);
                    for (name, value) in &composed.defaults {
                        arguments.insert(name.clone(), value.clone());
                    }
                }
                source
            }
            Reference::Resource(template) => {
                let (composed, source) = self
                    .resources
                    .iter()
                    .filter(|composed| composed.exposed() == template.uri)
                    .find_map(|composed| Some((composed, self.resource_source(composed)?)))
                    .ok_or_else(|| resource_not_found(&template.uri))?;
                template.uri = composed.uri.clone();
                source
            }
            _ => {
                return Err(ErrorData::invalid_params(
                    "unsupported completion reference",
                    None,
                ));
            }
        };
        source.server.complete(request).await
    }

    pub(super) async fn composed_resources(&self) -> Vec<Resource> {
        let composed = self.composed_uris(false);
        let listings = self
            .source_listings(
                composed.iter().map(|resource| resource.server.as_str()),
                "resources/list",
                |source| async move { Ok(by_uri(source.server.list_resources().await?)) },
            )
            .await;
        self.renamed(composed, &listings)
    }

    pub(super) async fn composed_resource_templates(&self) -> Vec<ResourceTemplate> {
        let composed = self.composed_uris(true);
        let listings = self
            .source_listings(
                composed.iter().map(|resource| resource.server.as_str()),
                "resources/templates/list",
                |source| async move { Ok(by_uri(source.server.list_resource_templates().await?)) },
            )
            .await;
        self.renamed(composed, &listings)
    }

    /// The composed resources that are URI templates (`templates`), or those that are not.
    fn composed_uris(&self, templates: bool) -> Vec<&VirtualResource> {
        self.resources
            .iter()
            .filter(|resource| uri_template::is_template(&resource.uri) == templates)
            .collect()
    }

    /// Each composed item its source still lists, under the composed URI, name and description.
    fn renamed<T: ListedUri>(
        &self,
        composed: Vec<&VirtualResource>,
        listings: &BTreeMap<String, BTreeMap<String, T>>,
    ) -> Vec<T> {
        composed
            .into_iter()
            .filter(|composed| self.resource_source(composed).is_some())
            .filter_map(|composed| {
                let mut item = listings.get(&composed.server)?.get(&composed.uri)?.clone();
                item.rename(
                    composed.exposed(),
                    composed.name.as_deref(),
                    composed.description.as_deref(),
                );
                Some(item)
            })
            .collect()
    }

    pub(super) async fn read_composed_resource(
        &self,
        mut read: ReadResourceRequestParams,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let (composed, source, source_uri) = self
            .resource_target(&read.uri)
            .ok_or_else(|| resource_not_found(&read.uri))?;
        read.uri = source_uri;
        let response = source.server.read_resource(read).await?;
        Ok(match response {
            ReadResourceResponse::Complete(mut result) => {
                for contents in &mut result.contents {
                    if let ResourceContents::TextResourceContents { uri, .. }
                    | ResourceContents::BlobResourceContents { uri, .. } = contents
                        && let Some(shown) =
                            uri_template::translate(&composed.uri, composed.exposed(), uri)
                    {
                        *uri = shown;
                    }
                }
                ReadResourceResponse::Complete(result)
            }
            other => other,
        })
    }

    pub(super) async fn subscribe_composed(
        &self,
        uri: &str,
        mut listener: Listener,
    ) -> Result<(), ErrorData> {
        let (composed, source, source_uri) = self
            .resource_target(uri)
            .ok_or_else(|| resource_not_found(uri))?;
        listener.renamed = Some(self.renaming(&composed.server));
        source.server.subscribe(&source_uri, listener).await
    }

    pub(super) async fn unsubscribe_composed(
        &self,
        uri: &str,
        session: u64,
    ) -> Result<(), ErrorData> {
        match self.resource_target(uri) {
            Some((_, source, source_uri)) => source.server.unsubscribe(&source_uri, session).await,
            None => Ok(()),
        }
    }

    /// The composed prompt clients call `name`, and its source, when the group may use it.
    fn exposed_prompt(&self, name: &str) -> Option<(&VirtualPrompt, &Source)> {
        self.prompts
            .iter()
            .filter(|composed| composed.exposed_name() == name)
            .find_map(|composed| Some((composed, self.prompt_source(composed)?)))
    }

    /// The source of `composed` when the group may use it there (a prompt is allowed like a
    /// tool of the same name).
    fn prompt_source(&self, composed: &VirtualPrompt) -> Option<&Source> {
        self.sources
            .get(&composed.server)
            .filter(|source| source.definition.allows_tool(&composed.prompt))
    }

    /// The source of `composed` when the group may read its resources (the whole source).
    fn resource_source(&self, composed: &VirtualResource) -> Option<&Source> {
        self.sources
            .get(&composed.server)
            .filter(|source| source.definition.tool_allow.is_none())
    }

    /// The composed resource a URI the virtual server shows stands for, its source, and the
    /// source's URI for it.
    fn resource_target(&self, uri: &str) -> Option<(&VirtualResource, &Source, String)> {
        self.resources.iter().find_map(|composed| {
            let source = self.resource_source(composed)?;
            let source_uri = uri_template::translate(composed.exposed(), &composed.uri, uri)?;
            Some((composed, source, source_uri))
        })
    }

    /// A URI of source `server_id` as this virtual server shows it, for its notifications.
    fn renaming(&self, server_id: &str) -> UriRename {
        let resources = self.resources.clone();
        let server_id = server_id.to_owned();
        Arc::new(move |uri: &str| {
            resources
                .iter()
                .filter(|composed| composed.server == server_id)
                .find_map(|composed| {
                    uri_template::translate(&composed.uri, composed.exposed(), uri)
                })
        })
    }

    /// One listing from each of `server_ids` (each once, concurrently) that the group has, by
    /// item key; a source that fails is logged and lists nothing.
    async fn source_listings<'a, T, F, Fut>(
        &'a self,
        server_ids: impl Iterator<Item = &'a str>,
        what: &str,
        list: F,
    ) -> BTreeMap<String, BTreeMap<String, T>>
    where
        F: Fn(&'a Source) -> Fut,
        Fut: Future<Output = Result<BTreeMap<String, T>, ErrorData>>,
    {
        let wanted: BTreeSet<&str> = server_ids.collect();
        let list = &list;
        let listings = futures::future::join_all(
            wanted
                .into_iter()
                .filter_map(|id| Some((id, self.sources.get(id)?)))
                .map(|(id, source)| async move { (id, list(source).await) }),
        )
        .await;
        listings
            .into_iter()
            .map(|(id, listed)| {
                let listed = listed.unwrap_or_else(|error| {
                    tracing::warn!(
                        server = %id,
                        %error.message,
                        "skipping a virtual server's source in {what}"
                    );
                    BTreeMap::new()
                });
                (id.to_owned(), listed)
            })
            .collect()
    }
}

/// The source prompt as the virtual server shows it: its new name and description, and its
/// arguments without those the gateway sets.
fn exposed_prompt(composed: &VirtualPrompt, source: &Prompt) -> Prompt {
    let mut prompt = source.clone();
    prompt.name = composed.exposed_name().to_owned();
    if let Some(description) = &composed.description {
        prompt.description = Some(description.clone());
    }
    if let Some(arguments) = &mut prompt.arguments {
        arguments.retain(|argument| !composed.defaults.contains_key(&argument.name));
        if arguments.is_empty() {
            prompt.arguments = None;
        }
    }
    prompt
}

/// A resource or a resource template as a source lists it: found by its URI (or URI
/// template), renamed as a virtual server composes it.
trait ListedUri: Clone {
    fn uri(&self) -> &str;
    fn rename(&mut self, uri: &str, name: Option<&str>, description: Option<&str>);
}

impl ListedUri for Resource {
    fn uri(&self) -> &str {
        &self.uri
    }

    fn rename(&mut self, uri: &str, name: Option<&str>, description: Option<&str>) {
        uri.clone_into(&mut self.uri);
        if let Some(name) = name {
            name.clone_into(&mut self.name);
        }
        if let Some(description) = description {
            self.description = Some(description.to_owned());
        }
    }
}

impl ListedUri for ResourceTemplate {
    fn uri(&self) -> &str {
        &self.uri_template
    }

    fn rename(&mut self, uri: &str, name: Option<&str>, description: Option<&str>) {
        uri.clone_into(&mut self.uri_template);
        if let Some(name) = name {
            name.clone_into(&mut self.name);
        }
        if let Some(description) = description {
            self.description = Some(description.to_owned());
        }
    }
}

/// A source's listing keyed by URI.
fn by_uri<T: ListedUri>(listed: Vec<T>) -> BTreeMap<String, T> {
    listed
        .into_iter()
        .map(|item| (item.uri().to_owned(), item))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::PromptArgument;

    #[test]
    fn fixed_prompt_arguments_leave_the_listing() {
        let source = Prompt::new(
            "greet",
            Some("Greets"),
            Some(vec![
                PromptArgument::new("name"),
                PromptArgument::new("tone"),
            ]),
        );
        let composed = VirtualPrompt {
            server: "s".into(),
            prompt: "greet".into(),
            name: Some("hello".into()),
            description: Some("Says hello".into()),
            defaults: [("tone".to_owned(), "warm".to_owned())].into(),
        };
        let shown = exposed_prompt(&composed, &source);
        assert_eq!(shown.name, "hello");
        assert_eq!(shown.description.as_deref(), Some("Says hello"));
        let names: Vec<&str> = shown
            .arguments
            .iter()
            .flatten()
            .map(|argument| argument.name.as_str())
            .collect();
        assert_eq!(names, ["name"]);
        let all = VirtualPrompt {
            defaults: [
                ("tone".to_owned(), "warm".to_owned()),
                ("name".to_owned(), "Ada".to_owned()),
            ]
            .into(),
            ..composed
        };
        assert_eq!(exposed_prompt(&all, &source).arguments, None);
    }
}
