//! Requests a tool server makes of the calling client mid-call (sampling, elicitation, roots): what a caller can be asked, and asking it.
//!
//! A caller is asked only what it declared, and only over a transport that carries a request
//! during a call: rmcp's session-era stream (the request rides the call's own SSE stream, since it
//! is sent from the call's task). A 2026-07-28 caller is asked through input-required results
//! instead (`CallToolResponse::InputRequired`), a direct reply or a legacy SSE stream not at all;
//! whoever asks then gets a JSON-RPC error saying why, never a wait.
#![expect(
    deprecated,
    reason = "sampling and roots are deprecated upstream (SEP-2577) but clients of the 2025 revisions still use them"
)]

use std::time::Duration;

use rmcp::ErrorData;
use rmcp::model::{
    ClientCapabilities, ClientResult, ElicitRequestParams, ElicitationCapability, ErrorCode,
    FormElicitationCapability, GetExtensions, JsonObject, ProtocolVersion, RequestMetaObject,
    RootsCapabilities, SamplingCapability, ServerRequest, UrlElicitationCapability,
};
use rmcp::service::{PeerRequestOptions, ServiceError};

use crate::tool_server::{CallerNotifier, ToolCall};

/// What of sampling, elicitation and roots a caller declared, reduced to the flags that decide
/// which requests it can take. Small and hashable: a proxy keeps one upstream connection per
/// value (see `servers/proxy`), so an upstream only ever asks what the caller can answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct AskableCapabilities {
    sampling: bool,
    sampling_tools: bool,
    elicitation_form: bool,
    elicitation_url: bool,
    roots: bool,
    /// Takes task handles (the tasks extension): declared upstream too, so an upstream only
    /// answers with a task a caller that polls it.
    tasks: bool,
}

impl AskableCapabilities {
    /// What the caller of `call` declared: at `initialize` for a session, or in the request's
    /// `_meta` (2026-07-28, which has no session).
    pub fn of_call(call: &ToolCall) -> Self {
        let session = match &call.notifier {
            CallerNotifier::Session(peer, _) => peer
                .peer_info()
                .filter(|info| is_session_era(&info.protocol_version))
                .map(|info| Self::declared_in(&info.capabilities)),
            CallerNotifier::Reply(_) | CallerNotifier::Nobody => None,
        };
        session
            .or_else(|| {
                call.meta
                    .as_ref()
                    .and_then(|meta| meta.client_capabilities())
                    .map(|declared| Self::declared_in(&declared))
            })
            .unwrap_or_default()
    }

    pub fn declared_in(capabilities: &ClientCapabilities) -> Self {
        let elicitation = capabilities.elicitation.as_ref();
        // An elicitation capability naming no mode means form mode (the 2025-06-18 shape).
        let form = elicitation.is_some_and(|declared| {
            declared.form.is_some() || (declared.form.is_none() && declared.url.is_none())
        });
        Self {
            sampling: capabilities.sampling.is_some(),
            sampling_tools: capabilities
                .sampling
                .as_ref()
                .is_some_and(|sampling| sampling.tools.is_some()),
            elicitation_form: form,
            elicitation_url: elicitation.is_some_and(|declared| declared.url.is_some()),
            roots: capabilities.roots.is_some(),
            tasks: capabilities.supports_tasks(),
        }
    }

    /// The same caller when it cannot be asked anything: only whether it takes task handles.
    pub fn unaskable(self) -> Self {
        Self {
            tasks: self.tasks,
            ..Self::default()
        }
    }

    /// A caller that takes task handles and can be asked nothing (what a proxy declares for
    /// `tasks/get`, `tasks/update` and `tasks/cancel`).
    pub fn tasks_only() -> Self {
        Self {
            tasks: true,
            ..Self::default()
        }
    }

    /// Whether the caller can be asked for a sampling (`sampling/createMessage`).
    pub fn samples(&self) -> bool {
        self.sampling
    }

    /// Whether the caller can be asked to fill in a form (`elicitation/create`, form mode).
    pub fn elicits_form(&self) -> bool {
        self.elicitation_form
    }

    /// Whether any request could be put to the caller.
    pub fn any(&self) -> bool {
        self.sampling || self.elicitation_form || self.elicitation_url || self.roots
    }

    /// The capabilities to declare to an upstream on this caller's behalf.
    pub fn to_capabilities(self) -> ClientCapabilities {
        let mut capabilities = ClientCapabilities::default();
        if self.sampling {
            let mut sampling = SamplingCapability::default();
            sampling.tools = self.sampling_tools.then(JsonObject::new);
            capabilities.sampling = Some(sampling);
        }
        if self.elicitation_form || self.elicitation_url {
            let mut elicitation = ElicitationCapability::default();
            elicitation.form = self
                .elicitation_form
                .then(FormElicitationCapability::default);
            elicitation.url = self.elicitation_url.then(UrlElicitationCapability::default);
            capabilities.elicitation = Some(elicitation);
        }
        if self.roots {
            // The gateway does not pass `notifications/roots/list_changed` on, so it does not
            // promise them.
            capabilities.roots = Some(RootsCapabilities::default());
        }
        if self.tasks {
            // The only extension declared here.
            capabilities.extensions = ClientCapabilities::builder()
                .enable_tasks()
                .build()
                .extensions;
        }
        capabilities
    }

    /// Why the caller cannot take `request`, if it cannot.
    pub fn refusal(&self, request: &ServerRequest) -> Option<&'static str> {
        match request {
            ServerRequest::CreateMessageRequest(create) => {
                let wants_tools =
                    create.params.tools.is_some() || create.params.tool_choice.is_some();
                if !self.sampling {
                    Some("the calling client did not declare the sampling capability")
                } else if wants_tools && !self.sampling_tools {
                    Some("the calling client did not declare sampling with tools")
                } else {
                    None
                }
            }
            ServerRequest::ElicitRequest(elicit) => match &elicit.params {
                ElicitRequestParams::UrlElicitationParams { .. } if !self.elicitation_url => {
                    Some("the calling client did not declare URL elicitation")
                }
                ElicitRequestParams::FormElicitationParams { .. } if !self.elicitation_form => {
                    Some("the calling client did not declare form elicitation")
                }
                _ => None,
            },
            ServerRequest::ListRootsRequest(_) => {
                (!self.roots).then_some("the calling client did not declare the roots capability")
            }
            ServerRequest::PingRequest(_) => None,
            _ => {
                Some("requests other than sampling, elicitation, roots and ping are not passed on")
            }
        }
    }
}

/// The `_meta` key under which a session-era server may name its request to a gateway: a
/// 2026-07-28 caller is then asked it under that key of `inputRequests` (see
/// `servers/proxy/bridge.rs`), as the server would have named it in an input-required result.
pub(crate) const INPUT_KEY_META: &str = "aiproxy/inputKey";

/// Whether the caller `notifier` reaches can be asked during the call (a session-era rmcp
/// session); a 2026-07-28 caller is asked with an input-required result instead.
pub(crate) fn answers_mid_call(notifier: &CallerNotifier) -> bool {
    match notifier {
        CallerNotifier::Session(peer, _) => peer
            .peer_info()
            .is_some_and(|info| is_session_era(&info.protocol_version)),
        CallerNotifier::Reply(_) | CallerNotifier::Nobody => false,
    }
}

/// Whether the caller of `call` speaks 2026-07-28 or later, where a server asks by answering
/// with an input-required result and the client retries with its answers.
pub(crate) fn asks_by_input_required(call: &ToolCall) -> bool {
    let named = call
        .meta
        .as_ref()
        .and_then(|meta| meta.protocol_version())
        .is_some_and(|version| !is_session_era(&version));
    named && !answers_mid_call(&call.notifier)
}

/// Whether `version` is a session-era revision (one whose streams carry server requests).
fn is_session_era(version: &ProtocolVersion) -> bool {
    version.has_initialize() && *version < ProtocolVersion::V_2026_07_28
}

/// Puts `request` to the client that made the call `notifier` reaches, and returns its answer;
/// waits at most `timeout`. A ping is answered here: the gateway is the upstream's client.
///
/// Call it from the call's own task: rmcp then sends the request on the call's SSE stream
/// (SEP-2260), where the client expects it.
pub(crate) async fn ask(
    notifier: &CallerNotifier,
    mut request: ServerRequest,
    timeout: Duration,
) -> Result<ClientResult, ErrorData> {
    if matches!(request, ServerRequest::PingRequest(_)) {
        return Ok(ClientResult::empty(()));
    }
    let CallerNotifier::Session(peer, _) = notifier else {
        return Err(cannot_ask(
            "the calling client's transport carries no requests during a call",
        ));
    };
    let Some(info) = peer.peer_info() else {
        return Err(cannot_ask(
            "the calling client speaks the 2026-07-28 revision, which carries no requests \
             during a call (a server asks with an input-required result)",
        ));
    };
    if !is_session_era(&info.protocol_version) {
        return Err(cannot_ask(
            "the calling client speaks the 2026-07-28 revision, which carries no requests \
             during a call (a server asks with an input-required result)",
        ));
    }
    if let Some(reason) = AskableCapabilities::declared_in(&info.capabilities).refusal(&request) {
        return Err(cannot_ask(reason));
    }
    // Whatever rmcp noted about where the request came from belongs to the upstream's link;
    // the request's own `_meta` (kept among them when it has no params) goes on.
    let meta = request.extensions().get::<RequestMetaObject>().cloned();
    *request.extensions_mut() = Default::default();
    if let Some(meta) = meta {
        request.extensions_mut().insert(meta);
    }
    let mut options = PeerRequestOptions::default();
    options.timeout = Some(timeout);
    let handle = peer
        .send_request_with_option(request, options)
        .await
        .map_err(caller_failed)?;
    handle.await_response().await.map_err(caller_failed)
}

/// The JSON-RPC error for a request the caller cannot be asked: "method not found" is what a
/// client that does not offer a feature answers.
pub(crate) fn cannot_ask(reason: &str) -> ErrorData {
    ErrorData::new(ErrorCode::METHOD_NOT_FOUND, reason.to_owned(), None)
}

fn caller_failed(error: ServiceError) -> ErrorData {
    match error {
        // The client's own refusal (a declined sampling, say) goes back as it said it.
        ServiceError::McpError(error) => error,
        ServiceError::Timeout { timeout } => ErrorData::internal_error(
            format!(
                "the calling client did not answer within {} s",
                timeout.as_secs()
            ),
            None,
        ),
        _ => ErrorData::internal_error("the calling client went away", None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(json: serde_json::Value) -> AskableCapabilities {
        AskableCapabilities::declared_in(&serde_json::from_value(json).unwrap())
    }

    #[test]
    fn an_empty_elicitation_capability_means_form_mode() {
        let caps = declared(serde_json::json!({"elicitation": {}}));
        assert!(caps.elicitation_form && !caps.elicitation_url);
        let both = declared(serde_json::json!({"elicitation": {"url": {}}}));
        assert!(!both.elicitation_form && both.elicitation_url);
    }

    #[test]
    fn what_is_declared_upstream_is_what_the_caller_declared() {
        let caps = declared(serde_json::json!({
            "sampling": {"tools": {}}, "roots": {"listChanged": true}, "elicitation": {"form": {}}
        }));
        assert_eq!(
            AskableCapabilities::declared_in(&caps.to_capabilities()),
            caps
        );
        let none = declared(serde_json::json!({}));
        assert!(!none.any());
        assert_eq!(none.to_capabilities(), ClientCapabilities::default());
    }
}
