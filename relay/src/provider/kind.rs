//! A registered channel type ([`Registration`]: name, default base URL, quirks, provider) and the [`ChannelKind`] handle channels carry.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde_json::json;

use super::registry::PROVIDERS;
use super::{Endpoint, Provider};
use crate::vocabulary::{Channel, Wire};

/// How an OpenAI-compatible type departs from plain OpenAI. Flags only: a vendor whose
/// differences need code is a provider of its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quirks {
    /// Serves `/v1/responses` next to chat, so Responses clients reach it unconverted (a
    /// channel's `responses_api` config overrides it either way).
    pub serves_responses: bool,
    /// Azure OpenAI: deployment URLs with an `api-version`, the key in `api-key`, no rerank or
    /// moderations.
    pub azure: bool,
    /// The base URL is the API root as written (`.../v3/openai`): no `/v1` is added to it.
    pub base_as_given: bool,
    /// The root of the vendor's Anthropic Messages API (`{root}/v1/messages`) beside its
    /// OpenAI surface, so Anthropic clients reach it unconverted (a channel's `anthropic_api`
    /// config turns it off). A root starting with `/` is a path on the base URL's host
    /// (`/anthropic` for DeepSeek); otherwise it goes below the base URL; `{model}` in it is
    /// the upstream model.
    pub anthropic_base: Option<&'static str>,
    /// The Anthropic endpoint takes the key as a Bearer token beside `x-api-key`.
    pub anthropic_bearer: bool,
    /// Doubao (Volcengine Ark): models named `bot-...` are applications served under
    /// `{base}/bots/chat/completions`.
    pub ark_bots: bool,
    /// Cloudflare Workers AI: the key is `account_id|api_token` and the account id goes into
    /// the URL (`{base}/client/v4/accounts/{account_id}/ai/v1`), unless the base URL is an AI
    /// Gateway's `.../workers-ai` endpoint, which names the account itself.
    pub cloudflare_account: bool,
    /// The Anthropic endpoint serves only models whose lowercased name contains every one of
    /// these words (StreamLake: KAT-Coder); others stay on chat. Empty: every model.
    pub anthropic_models: &'static [&'static str],
    /// MiniMax: the key is `api_key` or `api_key|group_id`; only the API key authenticates,
    /// and the group id goes into the embeddings URL's query as `GroupId`.
    pub minimax_group: bool,
    /// iFlytek Spark: catalogue model names (`SparkDesk-Max`) are sent as Spark's domains
    /// (`generalv3.5`).
    pub spark_domains: bool,
}

impl Quirks {
    /// Plain OpenAI-compatible: chat, no Responses API, Bearer key.
    pub const NONE: Quirks = Quirks {
        serves_responses: false,
        azure: false,
        base_as_given: false,
        anthropic_base: None,
        anthropic_bearer: false,
        ark_bots: false,
        cloudflare_account: false,
        anthropic_models: &[],
        minimax_group: false,
        spark_domains: false,
    };

    /// Plain, with a base URL whose last segment is not a version.
    pub const AS_GIVEN: Quirks = Quirks {
        base_as_given: true,
        ..Quirks::NONE
    };
}

/// The type of a channel `config` value (every value is stored as a string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigType {
    String,
    Bool,
    Integer,
    Number,
}

impl ConfigType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigType::String => "string",
            ConfigType::Bool => "bool",
            ConfigType::Integer => "integer",
            ConfigType::Number => "number",
        }
    }
}

/// One channel `config` key a type reads, as `ListChannelTypes` and the panel describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigKey {
    pub name: &'static str,
    pub kind: ConfigType,
    /// What the type does when the key is absent, as text; `None` when absence means "off".
    pub default: Option<&'static str>,
    pub help: &'static str,
}

/// Config keys every OpenAI-wire type reads.
pub const OPENAI_CONFIG: &[ConfigKey] = &[
    ConfigKey {
        name: "responses_api",
        kind: ConfigType::Bool,
        default: None,
        help: "Send Responses clients to the upstream's /v1/responses (default: only for types that serve it).",
    },
    ConfigKey {
        name: "responses_only",
        kind: ConfigType::Bool,
        default: Some("false"),
        help: "Send every generation request to /v1/responses (models served only there).",
    },
    ConfigKey {
        name: "include_usage",
        kind: ConfigType::Bool,
        default: Some("true"),
        help: "Ask streams for their usage chunk; set false for servers that reject stream_options.",
    },
];

/// The config key that turns a type's Anthropic endpoint ([`Quirks::anthropic_base`]) off.
pub const ANTHROPIC_API_KEY: ConfigKey = ConfigKey {
    name: "anthropic_api",
    kind: ConfigType::Bool,
    default: Some("true"),
    help: "Send Anthropic clients to the vendor's own Anthropic Messages endpoint unconverted; false converts them to chat.",
};

/// Config keys of an OpenAI-wire type that also serves an Anthropic Messages endpoint.
pub const ANTHROPIC_COMPATIBLE_CONFIG: &[ConfigKey] = &[
    OPENAI_CONFIG[0],
    OPENAI_CONFIG[1],
    OPENAI_CONFIG[2],
    ANTHROPIC_API_KEY,
];

/// The key help of a type whose key is one API key sent as it is.
pub const PLAIN_KEY: &str = "The provider's API key.";

/// One channel type as the configuration names it.
pub struct Registration {
    /// The type's name in configuration files and the control plane.
    pub name: &'static str,
    /// Other names that configure the same type (the seed's spellings, `bedrock` for `aws`).
    pub aliases: &'static [&'static str],
    /// The name people know the provider by, for the panel.
    pub display_name: &'static str,
    /// Used when a channel names no base URL; `None` where every account has its own (Azure,
    /// custom), so a channel without one is refused as misconfigured.
    pub default_base_url: Option<&'static str>,
    /// The key's format as an operator pastes it, with help (`region|access_key_id|secret`).
    pub key_help: &'static str,
    /// The channel `config` keys the type reads.
    pub config_keys: &'static [ConfigKey],
    pub quirks: Quirks,
    pub provider: &'static dyn Provider,
    /// The vendor's own video task API, served behind OpenAI's Videos face (`POST
    /// /v1/videos` and the calls on a job); `None` where videos, if any, are OpenAI's own.
    pub video_tasks: Option<&'static dyn super::VideoTaskApi>,
    /// The vendor's own speech, transcription or image API behind OpenAI's media faces;
    /// `None` where the media endpoints, if any, are OpenAI's own.
    pub media: Option<&'static dyn super::MediaApi>,
}

/// The channel type of a channel: a handle to its [`Registration`]. Equal when the names are.
#[derive(Clone, Copy)]
pub struct ChannelKind(&'static Registration);

impl ChannelKind {
    /// The type named `name`; `None` for one nobody registered.
    pub fn parse(name: &str) -> Option<ChannelKind> {
        PROVIDERS
            .iter()
            .find(|registration| registration.name == name || registration.aliases.contains(&name))
            .map(ChannelKind)
    }

    /// Every registered type, in the order the control plane lists them.
    pub fn all() -> impl Iterator<Item = ChannelKind> {
        PROVIDERS.iter().map(ChannelKind)
    }

    /// The name used in configuration files and the control plane.
    pub fn as_str(self) -> &'static str {
        self.0.name
    }

    pub fn default_base_url(self) -> Option<&'static str> {
        self.0.default_base_url
    }

    /// The whole registration: display name, key help, config keys, aliases.
    pub fn registration(self) -> &'static Registration {
        self.0
    }

    pub fn quirks(self) -> Quirks {
        self.0.quirks
    }

    /// The type's video task API, if videos go through one.
    pub fn video_tasks(self) -> Option<&'static dyn super::VideoTaskApi> {
        self.0.video_tasks
    }

    /// The type's media API for `endpoint`, if that endpoint goes through one.
    pub fn media(self, endpoint: Endpoint) -> Option<&'static dyn super::MediaApi> {
        self.0.media.filter(|media| media.serves(endpoint))
    }

    /// The wire family that talks to channels of this type.
    pub fn provider(self) -> &'static dyn Provider {
        self.0.provider
    }
}

/// A client endpoint a channel type serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServedEndpoint {
    pub endpoint: Endpoint,
    /// Its clients reach the upstream in their own protocol, unconverted.
    pub native: bool,
}

/// The client endpoints a channel can be asked for (the locally answered ones aside).
const CLIENT_ENDPOINTS: [Endpoint; 15] = [
    Endpoint::ChatCompletions,
    Endpoint::Completions,
    Endpoint::Responses,
    Endpoint::Messages,
    Endpoint::GenerateContent,
    Endpoint::Embeddings,
    Endpoint::Rerank,
    Endpoint::Moderations,
    Endpoint::ImagesGenerations,
    Endpoint::ImagesEdits,
    Endpoint::ImagesVariations,
    Endpoint::AudioSpeech,
    Endpoint::AudioTranscriptions,
    Endpoint::AudioTranslations,
    Endpoint::ParsePdf,
];

impl ChannelKind {
    /// The client endpoints a channel of this type with its defaults serves, read off its
    /// provider: an endpoint is served when the provider builds a request for a minimal body
    /// of it, and native when no conversion happens on the way.
    pub fn served_endpoints(self) -> Vec<ServedEndpoint> {
        let channel = Channel {
            id: 0,
            name: String::new(),
            kind: self,
            base_url: if self.default_base_url().is_some() {
                String::new()
            } else {
                "http://upstream.invalid".to_owned()
            },
            // A key of the `part|part` shape satisfies every key format checked at build time.
            key: "account|key".to_owned(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        };
        let provider = self.provider();
        CLIENT_ENDPOINTS
            .into_iter()
            .filter(|&endpoint| {
                // Documents are served by a family's document API, not by a JSON request.
                if endpoint == Endpoint::ParsePdf {
                    return provider.documents().is_some();
                }
                // A media API's endpoints are built from its own request, not the client's.
                if self.media(endpoint).is_some() {
                    return true;
                }
                let body = match endpoint.wire() {
                    Some(Wire::Messages) => json!({"model": "m", "max_tokens": 1,
                        "messages": [{"role": "user", "content": "hi"}]}),
                    Some(Wire::Gemini) => {
                        json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]})
                    }
                    Some(Wire::Responses) => json!({"model": "m", "input": "hi"}),
                    _ => json!({"model": "m", "input": "hi", "prompt": "hi", "query": "hi",
                        "documents": ["hi"], "messages": [{"role": "user", "content": "hi"}]}),
                };
                super::request_for_json(&channel, endpoint, "m", &body, false).is_ok()
            })
            .map(|endpoint| {
                let upstream = provider.endpoint(endpoint, &channel, "m");
                let native = self.media(endpoint).is_none()
                    && endpoint
                        .wire()
                        .is_none_or(|wire| provider.codec(upstream) == wire);
                ServedEndpoint { endpoint, native }
            })
            .collect()
    }
}

impl PartialEq for ChannelKind {
    fn eq(&self, other: &ChannelKind) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for ChannelKind {}

impl Hash for ChannelKind {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl fmt::Debug for ChannelKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.0.name)
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.0.name)
    }
}

impl ChannelKind {
    /// The handle of a registration of [`PROVIDERS`], for the registry's named constants.
    pub(super) const fn of(registration: &'static Registration) -> ChannelKind {
        ChannelKind(registration)
    }
}
