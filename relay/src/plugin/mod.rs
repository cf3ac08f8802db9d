//! The plugin pipeline around the relay's request path: per-model plugin settings parsed once, the
//! hooks each plugin gets (before upstream, on each stream chunk, on the final body, at the end),
//! and the seven built-in plugins.
//!
//! # Design
//!
//! - **Settings, parsed once.** A model's `plugins` JSON object (`{"cache": {...}, "patch":
//!   {...}}`), merged with a group override's, is parsed by [`PluginSettings::parse`] when the
//!   host builds its configuration snapshot; the result rides in
//!   [`crate::host::ModelSettings::plugins`] as an `Arc`. A request whose model has no plugins
//!   pays one `Option` check; a plugin that is not named (or has `"enable": false`) is not in the
//!   list at all. The same parser is [`validate`], which the control plane calls at write time.
//! - **One trait, one registry line.** Every plugin implements [`Plugin`]; [`REGISTRY`] maps a
//!   configuration name to its parser. A new plugin is a new file plus one registry line: the
//!   relay core only knows the [`Exchange`] the pipeline produces.
//! - **Before upstream.** [`PluginSettings::before`] runs each plugin's [`Plugin::before`] in
//!   registry order on the JSON request body. A plugin may rewrite the body (patch, web search),
//!   ask for a channel (cache-follow), change timeouts (timeout), send the request upstream as a
//!   stream (stream fake), or answer at once ([`Before::Answer`], a cache hit).
//! - **On the way back.** Plugins register [`ResponseHook`]s in the [`Exchange`]. The relay calls
//!   [`Exchange::on_chunk`] with each chat-form stream chunk (only when some hook asked for
//!   chunks: otherwise nothing is parsed), [`Exchange::on_json`] with a non-streamed chat body,
//!   [`Exchange::on_bytes`] with every byte sent to the client, and [`Exchange::end`] once.
//!   Chunk and body hooks see the chat form: they apply to chat-completions clients.
//! - **Services.** What outlives a request (the cache store, the channel-affinity table, the
//!   HTTP client for search engines) lives in [`PluginServices`], one per relay; the host may
//!   supply the cache store ([`crate::RelayHost::cache_store`]: in memory by default, Redis in
//!   `hub`).

mod cache;
mod follow;
mod patch;
mod stream_fake;
mod think;
mod timeout;
mod web_search;

use std::sync::Arc;

use axum::http::{HeaderName, HeaderValue};
use bytes::Bytes;
use serde_json::Value;
use tenancy::Caller;

use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::{ChannelTimeouts, Endpoint, TokenUsage};

pub use cache::{CacheStore, CachedResponse, MemoryCacheStore, StoredUsage, cache_key};
pub use follow::FollowTable;
pub use stream_fake::Assembler;
pub(crate) use stream_fake::collect as collect_stream;
pub use think::ThinkSplitter;

/// Why a plugin configuration was refused. The message names the plugin and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plugin {plugin}: {message}")]
pub struct PluginConfigError {
    pub plugin: String,
    pub message: String,
}

impl PluginConfigError {
    fn new(plugin: &str, message: impl Into<String>) -> PluginConfigError {
        PluginConfigError {
            plugin: plugin.to_owned(),
            message: message.into(),
        }
    }
}

/// Parses one plugin's JSON configuration.
type Parser = fn(&Value) -> Result<Arc<dyn Plugin>, String>;

/// Every plugin by its configuration name, in the order they run before upstream. Patch runs
/// first so the cache key and the search see the body as it will be sent; the cache runs after
/// web search so a hit skips nothing that was already paid for, but before cache-follow and
/// timeout, which only matter when the request really goes upstream.
pub(crate) const REGISTRY: &[(&str, Parser)] = &[
    ("patch", patch::parse),
    ("web_search", web_search::parse),
    ("cache", cache::parse),
    ("cache_follow", follow::parse),
    ("stream_fake", stream_fake::parse),
    ("think_split", think::parse),
    ("timeout", timeout::parse),
];

/// Checks a `plugins` JSON object the way the relay will read it.
pub fn validate(plugins: &Value) -> Result<(), PluginConfigError> {
    PluginSettings::parse(plugins).map(|_| ())
}

/// Checks the shape of a group override's plugins, which may name only the fields they change:
/// a JSON object of known plugin names, each an object whose `enable`, if given, is a boolean.
/// The merged result is checked with [`validate`].
pub fn validate_override(plugins: &Value) -> Result<(), PluginConfigError> {
    let Some(object) = plugins.as_object() else {
        return Err(PluginConfigError::new(
            "plugins",
            "must be a JSON object keyed by plugin name",
        ));
    };
    for (name, config) in object {
        if !REGISTRY.iter().any(|(known, _)| known == name) {
            return Err(PluginConfigError::new(name, "unknown plugin"));
        }
        let Some(config) = config.as_object() else {
            return Err(PluginConfigError::new(name, "must be a JSON object"));
        };
        if config
            .get("enable")
            .is_some_and(|enable| !enable.is_boolean())
        {
            return Err(PluginConfigError::new(name, "enable must be a boolean"));
        }
    }
    Ok(())
}

/// A group override's plugins laid over the model's: per plugin name, the override's fields
/// replace the model's (so `{"cache": {"enable": false}}` turns one plugin off for one group);
/// a name only one side has is kept as it is.
pub fn merge(model: &Value, group: &Value) -> Value {
    let mut merged = model.as_object().cloned().unwrap_or_default();
    for (name, overriding) in group.as_object().into_iter().flatten() {
        match (merged.get_mut(name), overriding) {
            (Some(Value::Object(base)), Value::Object(fields)) => {
                for (field, value) in fields {
                    base.insert(field.clone(), value.clone());
                }
            }
            _ => {
                merged.insert(name.clone(), overriding.clone());
            }
        }
    }
    Value::Object(merged)
}

/// The plugins configured for one model (and group), parsed and in running order.
#[derive(Clone, Default)]
pub struct PluginSettings {
    plugins: Vec<(&'static str, Arc<dyn Plugin>)>,
}

impl std::fmt::Debug for PluginSettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_list()
            .entries(self.plugins.iter().map(|(name, _)| name))
            .finish()
    }
}

impl PluginSettings {
    /// Parses a `plugins` object. `null` and `{}` give no plugins; unknown names, bad fields and
    /// bad values are errors.
    pub fn parse(plugins: &Value) -> Result<PluginSettings, PluginConfigError> {
        let object = match plugins {
            Value::Null => return Ok(PluginSettings::default()),
            Value::Object(object) => object,
            _ => {
                return Err(PluginConfigError::new(
                    "plugins",
                    "must be a JSON object keyed by plugin name",
                ));
            }
        };
        if let Some(unknown) = object
            .keys()
            .find(|name| !REGISTRY.iter().any(|(known, _)| known == name))
        {
            let known = REGISTRY
                .iter()
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(PluginConfigError::new(
                unknown,
                format!("unknown plugin (known: {known})"),
            ));
        }
        let mut parsed = Vec::new();
        for (name, parser) in REGISTRY {
            let Some(config) = object.get(*name) else {
                continue;
            };
            if !config.is_object() {
                return Err(PluginConfigError::new(name, "must be a JSON object"));
            }
            if config
                .get("enable")
                .is_some_and(|enable| !enable.is_boolean())
            {
                return Err(PluginConfigError::new(name, "enable must be a boolean"));
            }
            if config.get("enable") == Some(&Value::Bool(false)) {
                continue;
            }
            let plugin = parser(config).map_err(|message| PluginConfigError::new(name, message))?;
            parsed.push((*name, plugin));
        }
        Ok(PluginSettings { plugins: parsed })
    }

    /// True when no plugin is configured.
    pub fn is_empty(&self) -> bool {
        self.plugins.is_empty()
    }

    /// The configured plugins' names, in running order.
    pub fn names(&self) -> Vec<&'static str> {
        self.plugins.iter().map(|(name, _)| *name).collect()
    }

    /// The most web searches the plugins may run for this request (see
    /// [`Plugin::web_searches_at_most`]).
    pub(crate) fn web_searches_at_most(&self, endpoint: Endpoint, body: &JsonObject) -> u32 {
        self.plugins
            .iter()
            .map(|(_, plugin)| plugin.web_searches_at_most(endpoint, body))
            .fold(0, u32::saturating_add)
    }

    /// Runs every plugin's request hook. Multipart and local endpoints never get here.
    pub(crate) async fn before(
        &self,
        services: &PluginServices,
        request: &mut PluginRequest<'_>,
    ) -> Result<Before, RelayError> {
        let mut exchange = Exchange::default();
        for (_, plugin) in &self.plugins {
            if let Some(answer) = plugin.before(services, request, &mut exchange).await? {
                exchange.end_early();
                return Ok(Before::Answer(answer, exchange));
            }
        }
        Ok(Before::Continue(exchange))
    }
}

/// What a plugin sees of a request before it goes upstream.
pub(crate) struct PluginRequest<'a> {
    pub caller: &'a Caller,
    /// The client's address, for in-relay completions admitted on the caller's behalf.
    pub client_ip: std::net::IpAddr,
    /// The model the client asked for.
    pub model: &'a str,
    pub endpoint: Endpoint,
    /// Whether the client asked for a stream.
    pub stream: bool,
    pub body: &'a mut JsonObject,
}

/// The outcome of the request hooks.
pub(crate) enum Before {
    /// Send the (possibly rewritten) request upstream, with these response hooks.
    Continue(Exchange),
    /// Answer without going upstream.
    Answer(Answer, Exchange),
}

/// A complete answer a plugin gives instead of the upstream's.
#[derive(Debug, Clone)]
pub struct Answer {
    pub content_type: String,
    /// A streamed answer: each element is one write (whole SSE events).
    pub chunks: Vec<Bytes>,
    pub stream: bool,
    /// What the usage record says: already adjusted for how the answer is billed.
    pub usage: TokenUsage,
    /// The answer came from the response cache.
    pub cache_hit: bool,
}

/// How a request ended, as response hooks learn it.
#[derive(Debug, Clone)]
pub struct End<'a> {
    /// 200 for a complete answer; anything else (a cut stream is 499 or 5xx) is not one.
    pub status: u16,
    pub usage: &'a TokenUsage,
    pub channel_id: Option<i64>,
}

/// Everything a request's plugins decided: response hooks and the knobs the relay reads.
#[derive(Default)]
pub struct Exchange {
    hooks: Vec<Box<dyn ResponseHook>>,
    wants_chunks: bool,
    wants_json: bool,
    wants_bytes: bool,
    /// Try this channel first (cache-follow), if it is healthy.
    pub preferred_channel: Option<i64>,
    pub(crate) min_success_rate: f64,
    /// Send the request upstream as a stream although the client wants one JSON body.
    pub upstream_stream: bool,
    /// Timeouts that win over the model's and the channel's.
    pub timeouts: Option<ChannelTimeouts>,
    /// Headers added to the client's response.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Searches made for this request, billed with it.
    pub web_search_calls: u32,
    ended: bool,
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Exchange")
            .field("hooks", &self.hooks.len())
            .field("preferred_channel", &self.preferred_channel)
            .field("upstream_stream", &self.upstream_stream)
            .field("web_search_calls", &self.web_search_calls)
            .finish()
    }
}

impl Exchange {
    pub(crate) fn add_hook(&mut self, hook: Box<dyn ResponseHook>) {
        self.wants_chunks |= hook.wants_chunks();
        self.wants_json |= hook.wants_json();
        self.wants_bytes |= hook.wants_bytes();
        self.hooks.push(hook);
    }

    /// The channel cache-follow asked for, when it serves this model and is healthy enough.
    pub(crate) fn preferred(
        &self,
        candidates: &[Arc<crate::vocabulary::Channel>],
        model: &str,
        health: &dyn crate::health::ChannelHealth,
    ) -> Option<Arc<crate::vocabulary::Channel>> {
        let id = self.preferred_channel?;
        let channel = candidates.iter().find(|channel| channel.id == id)?;
        match health.availability(id, model) {
            crate::health::Availability::Available { success_rate }
                if success_rate >= self.min_success_rate =>
            {
                Some(Arc::clone(channel))
            }
            _ => None,
        }
    }

    /// True while some hook reads stream chunks: only then are chunks parsed for it. A hook
    /// may lose interest half-way (think split once the answer has no leading block).
    pub fn wants_chunks(&mut self) -> bool {
        if self.wants_chunks {
            self.wants_chunks = self.hooks.iter().any(|hook| hook.wants_chunks());
        }
        self.wants_chunks
    }

    pub fn wants_json(&self) -> bool {
        self.wants_json
    }

    /// True when some hook reads the bytes sent to the client: only then are they copied.
    pub fn wants_bytes(&self) -> bool {
        self.wants_bytes
    }

    /// True when no hook watches the response.
    pub fn is_passive(&self) -> bool {
        self.hooks.is_empty()
    }

    /// One chat-form stream chunk on its way to the client.
    pub fn on_chunk(&mut self, chunk: &mut Value) {
        for hook in &mut self.hooks {
            hook.chunk(chunk);
        }
    }

    /// A whole non-streamed chat-form body on its way to the client.
    pub fn on_json(&mut self, body: &mut Value) {
        for hook in &mut self.hooks {
            hook.json(body);
        }
    }

    /// Bytes as they are written to the client.
    pub fn on_bytes(&mut self, bytes: &Bytes) {
        if !self.wants_bytes {
            return;
        }
        for hook in &mut self.hooks {
            hook.bytes(bytes);
        }
    }

    /// The response ended (once; later calls do nothing).
    pub fn end(&mut self, end: &End<'_>) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        for hook in &mut self.hooks {
            hook.end(end);
        }
    }

    /// A plugin answered: hooks registered so far never see a response.
    fn end_early(&mut self) {
        self.hooks.clear();
        self.wants_chunks = false;
        self.wants_json = false;
        self.wants_bytes = false;
    }
}

impl Drop for Exchange {
    fn drop(&mut self) {
        // A response that was never finished (the client went away, the attempt failed).
        let usage = TokenUsage::default();
        self.end(&End {
            status: crate::vocabulary::CLIENT_CLOSED,
            usage: &usage,
            channel_id: None,
        });
    }
}

/// One plugin, configured for one model.
#[async_trait::async_trait]
pub(crate) trait Plugin: Send + Sync {
    /// Runs before the request goes upstream; `Some` answers the request without an upstream.
    async fn before(
        &self,
        services: &PluginServices,
        request: &mut PluginRequest<'_>,
        exchange: &mut Exchange,
    ) -> Result<Option<Answer>, RelayError>;

    /// The most web searches [`Plugin::before`] may run for this request, known before it
    /// runs so admission can reserve their price.
    fn web_searches_at_most(&self, _endpoint: Endpoint, _body: &JsonObject) -> u32 {
        0
    }
}

/// Watches (and may rewrite) one response.
pub(crate) trait ResponseHook: Send {
    /// Asked again before each chunk: a hook that returns false once is not asked again.
    fn wants_chunks(&self) -> bool {
        false
    }
    fn wants_json(&self) -> bool {
        false
    }
    /// Asked once, when the hook is added: whether [`ResponseHook::bytes`] should be called.
    fn wants_bytes(&self) -> bool {
        false
    }
    fn chunk(&mut self, _chunk: &mut Value) {}
    fn json(&mut self, _body: &mut Value) {}
    fn bytes(&mut self, _bytes: &Bytes) {}
    fn end(&mut self, _end: &End<'_>) {}
}

/// Answers a completion request on the plugins' behalf (web search's query rewrite through the
/// relay itself). The relay implements it; tests may supply their own.
#[async_trait::async_trait]
pub trait Completer: Send + Sync {
    /// A non-streamed chat completion for `caller` (calling from `client_ip`), admitted and
    /// billed as the caller's own request; the answer's text.
    async fn complete(
        &self,
        caller: &Caller,
        client_ip: std::net::IpAddr,
        model: &str,
        body: Value,
    ) -> Result<String, String>;
}

/// What plugins keep between requests. One per relay, built with it.
pub struct PluginServices {
    /// The response cache: in memory unless the host shares one (Redis in `hub`).
    cache: Arc<dyn CacheStore>,
    pub follow: FollowTable,
    /// For search engines and direct rewrite calls.
    pub http: reqwest::Client,
    /// Who answers in-relay completions; held weakly, since the relay owns these services.
    completer: std::sync::Weak<dyn Completer>,
}

impl std::fmt::Debug for PluginServices {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PluginServices")
            .finish_non_exhaustive()
    }
}

impl PluginServices {
    /// `follow_conversations` bounds cache-follow's table ([`crate::MemoryBounds`]).
    pub fn new(
        cache: Arc<dyn CacheStore>,
        follow_conversations: usize,
        completer: std::sync::Weak<dyn Completer>,
    ) -> Self {
        PluginServices {
            cache,
            follow: FollowTable::new(follow_conversations),
            http: third_party_client(),
            completer,
        }
    }

    /// The response cache in use.
    pub fn cache(&self) -> &Arc<dyn CacheStore> {
        &self.cache
    }

    pub(crate) fn completer(&self) -> Option<Arc<dyn Completer>> {
        self.completer.upgrade()
    }
}

/// The HTTP client for search engines and direct rewrite calls: no redirects, no ambient proxy
/// (both would show our keys to a third party); the engines' crate owns it.
pub(crate) fn third_party_client() -> reqwest::Client {
    search_engines::third_party_client()
}

/// Reads a plugin's configuration into its typed form, naming the bad field. `enable` is the
/// pipeline's, common to every plugin, so the typed forms never see it.
fn config<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, String> {
    let mut value = value.clone();
    if let Some(object) = value.as_object_mut() {
        object.remove("enable");
    }
    serde_json::from_value(value).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_known_plugins_in_registry_order() {
        let settings = PluginSettings::parse(&json!({
            "timeout": {"first_byte_ms": 1000},
            "think_split": {},
            "cache": {"ttl_seconds": 60},
            "patch": {"enable": false},
        }))
        .unwrap();
        assert_eq!(settings.names(), ["cache", "think_split", "timeout"]);
        assert!(PluginSettings::parse(&json!({})).unwrap().is_empty());
        assert!(PluginSettings::parse(&Value::Null).unwrap().is_empty());
    }

    #[test]
    fn refuses_bad_configurations_with_their_names() {
        for (plugins, expected) in [
            (json!([]), "plugin plugins: must be a JSON object"),
            (json!({"cachee": {}}), "plugin cachee: unknown plugin"),
            (json!({"cache": 1}), "plugin cache: must be a JSON object"),
            (
                json!({"cache": {"ttl_secs": 1}}),
                "plugin cache: unknown field `ttl_secs`",
            ),
            (
                json!({"cache": {"billing": "half"}}),
                "plugin cache: unknown variant `half`",
            ),
            (
                json!({"cache": {"enable": "no"}}),
                "plugin cache: enable must be a boolean",
            ),
        ] {
            let error = validate(&plugins).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{plugins}: {error}");
        }
        // An override names only what it changes; the merge is what must be whole.
        let partial = json!({"web_search": {"force": true}});
        assert!(validate_override(&partial).is_ok());
        assert!(validate(&partial).is_err(), "engines come from the model");
        for bad in [
            json!([]),
            json!({"nope": {}}),
            json!({"cache": true}),
            json!({"cache": {"enable": 1}}),
        ] {
            assert!(validate_override(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn group_overrides_replace_fields_per_plugin() {
        let model = json!({"cache": {"ttl_seconds": 60, "billing": "free"}, "think_split": {}});
        let group = json!({"cache": {"ttl_seconds": 5}, "timeout": {"first_byte_ms": 9}});
        assert_eq!(
            merge(&model, &group),
            json!({"cache": {"ttl_seconds": 5, "billing": "free"}, "think_split": {}, "timeout": {"first_byte_ms": 9}})
        );
        assert_eq!(merge(&Value::Null, &json!({"a": 1})), json!({"a": 1}));
    }
}
