//! Virtual servers: chosen tools of other servers under one id, renamed, redescribed and with arguments fixed by the admin.
//!
//! A virtual server owns no tools. Each listing asks the source servers it draws from (each
//! once, concurrently), reviews every source listing against that source's pins, as a direct
//! listing would, and shows the chosen tools under their new names with the fixed arguments
//! taken out of their schemas. A call is forwarded to the source tool with the fixed arguments
//! written over what the client sent. A source that cannot be reached hides only its own tools.
//! Prompts and resources are composed the same way (`composite_offerings.rs`).
//!
//! A composed tool that runs as a task runs as one here too. A task of an embedded source is
//! the gateway's own, kept under the virtual server's id (`crate::tasks` needs nothing from
//! here but the source tool's task support). A task a proxied source's upstream runs is shown
//! as `{source}__{upstream id}`, so that `tasks/get`, `tasks/update` and `tasks/cancel` find
//! their source again without any state here; its owner is kept by `crate::tasks`, under the
//! virtual server's id, like any forwarded task.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CompleteRequestParams, CompleteResult,
    GetPromptRequestParams, GetPromptResponse, GetTaskResult, InputResponses, JsonObject, Prompt,
    ReadResourceRequestParams, ReadResourceResponse, Resource, ResourceTemplate,
    ServerCapabilities, Tool,
};
use serde_json::Value;

use crate::handler::{TOOL_NAME_SEPARATOR, prefixed};
use crate::host::{
    ServerDefinition, VirtualComposition, VirtualPrompt, VirtualResource, VirtualTool,
};
use crate::pinning::{self, ToolPins};
use crate::tasks::{StatusFeed, TaskSupport, unknown_task};
use crate::tool_server::{Listener, PromptCaller, ToolCall, ToolServer};

/// One source server as the caller's group sees it, and its live tool server.
pub(crate) struct Source {
    pub definition: Arc<ServerDefinition>,
    pub server: Arc<dyn ToolServer>,
}

/// The tool server of one virtual server, for one group.
pub(crate) struct CompositeServer {
    tools: Vec<VirtualTool>,
    pub(super) prompts: Vec<VirtualPrompt>,
    pub(super) resources: Arc<Vec<VirtualResource>>,
    pub(super) sources: BTreeMap<String, Source>,
    pins: Option<Arc<dyn ToolPins>>,
}

impl CompositeServer {
    pub fn new(
        composition: &VirtualComposition,
        sources: BTreeMap<String, Source>,
        pins: Option<Arc<dyn ToolPins>>,
    ) -> CompositeServer {
        CompositeServer {
            tools: composition.tools.clone(),
            prompts: composition.prompts.clone(),
            resources: Arc::new(composition.resources.clone()),
            sources,
            pins,
        }
    }

    fn exposed(&self, name: &str) -> Option<(&VirtualTool, &Source)> {
        let tool = self.tools.iter().find(|tool| tool.exposed_name() == name)?;
        let source = self.sources.get(&tool.server)?;
        // The group's per-tool allow-list of the source holds here too: composing a tool does
        // not lend it to a group the source withholds it from.
        source
            .definition
            .allows_tool(&tool.tool)
            .then_some((tool, source))
    }

    /// The source of a forwarded task shown as `{source}__{upstream id}`, and the upstream's id.
    fn task_source<'i>(&self, shown_id: &'i str) -> Result<(&Source, &'i str), ErrorData> {
        shown_id
            .split_once(TOOL_NAME_SEPARATOR)
            .and_then(|(server_id, id)| Some((self.sources.get(server_id)?, id)))
            .ok_or_else(|| unknown_task(shown_id))
    }

    /// The source's tools as a direct listing would serve them (pins applied), by name.
    async fn source_tools(&self, server_id: &str, source: &Source) -> BTreeMap<String, Tool> {
        match source.server.list_tools().await {
            Ok(listed) => pinning::served(self.pins.as_ref(), &source.definition, listed)
                .into_iter()
                .map(|tool| (tool.name.to_string(), tool))
                .collect(),
            Err(error) => {
                tracing::warn!(
                    server = %server_id,
                    %error.message,
                    "skipping a virtual server's source in tools/list"
                );
                BTreeMap::new()
            }
        }
    }
}

#[async_trait]
impl ToolServer for CompositeServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        let listings =
            futures::future::join_all(self.sources.iter().map(|(server_id, source)| async move {
                (
                    server_id.as_str(),
                    self.source_tools(server_id, source).await,
                )
            }))
            .await;
        let listings: BTreeMap<&str, BTreeMap<String, Tool>> = listings.into_iter().collect();
        Ok(self
            .tools
            .iter()
            .filter_map(|composed| {
                let source = self.sources.get(&composed.server)?;
                if !source.definition.allows_tool(&composed.tool) {
                    return None;
                }
                let tool = listings
                    .get(composed.server.as_str())?
                    .get(&composed.tool)?;
                Some(exposed_tool(composed, tool))
            })
            .collect())
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let Some((composed, source)) = self.exposed(&call.name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        };
        // The source's pins decide as they would on a direct call: a quarantined tool runs
        // nothing, whichever server exposes it.
        if let Some(error) =
            pinning::call_refusal(self.pins.as_ref(), &source.definition, &composed.tool)
        {
            return Err(error);
        }
        let mut arguments = call.arguments.unwrap_or_default();
        for (name, value) in &composed.defaults {
            arguments.insert(name.clone(), value.clone());
        }
        let forwarded = ToolCall {
            name: composed.tool.clone(),
            arguments: Some(arguments),
            ..call
        };
        match source.server.call_tool(forwarded).await? {
            CallToolResponse::Task(mut created) => {
                created.task.task_id = prefixed(&composed.server, &created.task.task_id);
                Ok(CallToolResponse::Task(created))
            }
            other => Ok(other),
        }
    }

    fn task_support(&self, tool: &str) -> TaskSupport {
        self.exposed(tool)
            .map_or(TaskSupport::Forbidden, |(composed, source)| {
                source.server.task_support(&composed.tool)
            })
    }

    fn starts_task(&self, tool: &str, input_responses: Option<&InputResponses>) -> bool {
        self.exposed(tool).is_some_and(|(composed, source)| {
            source.server.starts_task(&composed.tool, input_responses)
        })
    }

    fn continues_as_task(&self, tool: &str, request: &CallToolRequestParams) -> bool {
        self.exposed(tool).is_some_and(|(composed, source)| {
            source.server.continues_as_task(&composed.tool, request)
        })
    }

    /// When a source a composed tool comes from offers tasks (a source offering tasks only
    /// for tools left out has none to run here).
    fn offers_tasks(&self) -> bool {
        self.tools.iter().any(|composed| {
            self.sources
                .get(&composed.server)
                .is_some_and(|source| source.server.offers_tasks())
        })
    }

    async fn get_task(&self, id: &str) -> Result<GetTaskResult, ErrorData> {
        let (source, upstream_id) = self.task_source(id)?;
        let mut result = source.server.get_task(upstream_id).await?;
        id.clone_into(&mut result.task.task.task_id);
        Ok(result)
    }

    async fn update_task(&self, id: &str, responses: InputResponses) -> Result<(), ErrorData> {
        let (source, upstream_id) = self.task_source(id)?;
        source.server.update_task(upstream_id, responses).await
    }

    async fn cancel_task(&self, id: &str) -> Result<(), ErrorData> {
        let (source, upstream_id) = self.task_source(id)?;
        source.server.cancel_task(upstream_id).await
    }

    fn watch_task(&self, id: &str, feed: StatusFeed) {
        if let Ok((source, upstream_id)) = self.task_source(id) {
            source.server.watch_task(upstream_id, feed);
        }
    }

    fn notifies_caller(&self, tool: &str) -> bool {
        self.exposed(tool)
            .is_some_and(|(composed, source)| source.server.notifies_caller(&composed.tool))
    }

    fn asks_caller(&self, tool: &str) -> bool {
        self.exposed(tool)
            .is_some_and(|(composed, source)| source.server.asks_caller(&composed.tool))
    }

    fn source_of(&self, tool: &str) -> Option<String> {
        let composed = self.tools.iter().find(|t| t.exposed_name() == tool)?;
        Some(format!("{}/{}", composed.server, composed.tool))
    }

    // Prompts and resources: see `composite_offerings.rs`.

    async fn capabilities(&self) -> ServerCapabilities {
        self.composed_capabilities().await
    }

    async fn list_prompts(&self) -> Result<Vec<Prompt>, ErrorData> {
        Ok(self.composed_prompts().await)
    }

    async fn get_prompt(
        &self,
        get: GetPromptRequestParams,
    ) -> Result<GetPromptResponse, ErrorData> {
        self.get_composed_prompt(get, None).await
    }

    async fn get_prompt_for(
        &self,
        get: GetPromptRequestParams,
        caller: PromptCaller,
    ) -> Result<GetPromptResponse, ErrorData> {
        self.get_composed_prompt(get, Some(caller)).await
    }

    async fn complete(&self, request: CompleteRequestParams) -> Result<CompleteResult, ErrorData> {
        self.complete_composed(request).await
    }

    async fn list_resources(&self) -> Result<Vec<Resource>, ErrorData> {
        Ok(self.composed_resources().await)
    }

    async fn list_resource_templates(&self) -> Result<Vec<ResourceTemplate>, ErrorData> {
        Ok(self.composed_resource_templates().await)
    }

    async fn read_resource(
        &self,
        read: ReadResourceRequestParams,
    ) -> Result<ReadResourceResponse, ErrorData> {
        self.read_composed_resource(read).await
    }

    async fn subscribe(&self, uri: &str, listener: Listener) -> Result<(), ErrorData> {
        self.subscribe_composed(uri, listener).await
    }

    async fn unsubscribe(&self, uri: &str, session: u64) -> Result<(), ErrorData> {
        self.unsubscribe_composed(uri, session).await
    }
}

/// The source tool as the virtual server shows it: its new name and description, and its input
/// schema without the arguments the gateway sets.
fn exposed_tool(composed: &VirtualTool, source: &Tool) -> Tool {
    let mut tool = source.clone();
    tool.name = composed.exposed_name().to_owned().into();
    if let Some(description) = &composed.description {
        tool.description = Some(description.clone().into());
    }
    if !composed.defaults.is_empty() {
        tool.input_schema = Arc::new(without_arguments(&tool.input_schema, &composed.defaults));
    }
    tool
}

/// `schema` with the named arguments taken out of its `properties` and `required`.
fn without_arguments(schema: &JsonObject, fixed: &serde_json::Map<String, Value>) -> JsonObject {
    let mut schema = schema.clone();
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.retain(|name, _| !fixed.contains_key(name));
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|name| name.as_str().is_none_or(|name| !fixed.contains_key(name)));
        if required.is_empty() {
            schema.remove("required");
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fixed_arguments_leave_the_schema_and_its_required_list() {
        let schema = json!({
            "type": "object",
            "properties": {"city": {"type": "string"}, "units": {"type": "string"}},
            "required": ["city", "units"],
        });
        let Value::Object(schema) = schema else {
            unreachable!()
        };
        let fixed = json!({"units": "metric"});
        let Value::Object(fixed) = fixed else {
            unreachable!()
        };
        let exposed = without_arguments(&schema, &fixed);
        assert_eq!(
            Value::Object(exposed),
            json!({
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            })
        );
        let all = json!({"units": "metric", "city": "Oslo"});
        let Value::Object(all) = all else {
            unreachable!()
        };
        let exposed = without_arguments(&schema, &all);
        assert_eq!(
            Value::Object(exposed),
            json!({"type": "object", "properties": {}})
        );
    }
}
