//! Plain domain types for every stored object, independent of protobuf and SQL.

use std::collections::BTreeMap;

use ipnet::IpNet;
use relay::host::ChannelKind;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Enabled/disabled switch of tokens, channels and MCP servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Enabled,
    Disabled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Enabled => "enabled",
            Status::Disabled => "disabled",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        match text {
            "enabled" => Some(Status::Enabled),
            "disabled" => Some(Status::Disabled),
            _ => None,
        }
    }
}

/// A group's status; `Internal` groups are used by the system and hidden from self-service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    #[default]
    Enabled,
    Disabled,
    Internal,
}

impl GroupStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupStatus::Enabled => "enabled",
            GroupStatus::Disabled => "disabled",
            GroupStatus::Internal => "internal",
        }
    }

    pub fn parse(text: &str) -> Option<GroupStatus> {
        match text {
            "enabled" => Some(GroupStatus::Enabled),
            "disabled" => Some(GroupStatus::Disabled),
            "internal" => Some(GroupStatus::Internal),
            _ => None,
        }
    }
}

/// Upstream timeouts in milliseconds; `None` means the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_byte_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_idle_ms: Option<i64>,
}

impl Timeouts {
    pub fn is_empty(&self) -> bool {
        *self == Timeouts::default()
    }
}

/// Tokens per price unit when none is given.
pub const DEFAULT_PRICE_UNIT: i64 = 1_000_000;

/// Prices per `unit` tokens; `None` means free. A non-zero `per_request` is the whole token
/// price of a request. `tiers` replace some of these prices for the requests they match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_creation: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_input: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_output: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_input: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_output: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_request: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_output: Option<Decimal>,
    /// Charged per search the web search plugin made for a request (not per `unit` tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_search_per_call: Option<Decimal>,
    #[serde(default = "default_price_unit")]
    pub unit: i64,
    /// Conditional prices, as providers publish them (long-context, service tiers): sorted,
    /// the last one a request matches applies (see `governance::billing::tier`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<PriceTier>,
}

/// Token prices that replace the base price's, field by field, for the requests that match
/// every condition set: more than `above_input_tokens` input tokens, and the request ran at
/// `service_tier` (the upstream's answer when it reports one, else the request's field).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTier {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above_input_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_creation: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_input: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_output: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_input: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_output: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_output: Option<Decimal>,
}

impl PriceTier {
    /// Every price field with its name, for validation.
    pub fn fields(&self) -> [(&'static str, Option<Decimal>); 9] {
        [
            ("input", self.input),
            ("output", self.output),
            ("cached_input", self.cached_input),
            ("cache_creation", self.cache_creation),
            ("image_input", self.image_input),
            ("image_output", self.image_output),
            ("audio_input", self.audio_input),
            ("audio_output", self.audio_output),
            ("reasoning_output", self.reasoning_output),
        ]
    }

    /// The tier's name on log rows: its conditions, `priority`, `input>200000` or both
    /// (`priority,input>200000`); unique in a valid price.
    pub fn label(&self) -> String {
        let threshold = self.above_input_tokens.map(|n| format!("input>{n}"));
        [self.service_tier.clone(), threshold]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn default_price_unit() -> i64 {
    DEFAULT_PRICE_UNIT
}

impl Default for Price {
    fn default() -> Self {
        Price {
            input: None,
            output: None,
            cached_input: None,
            cache_creation: None,
            image_input: None,
            image_output: None,
            audio_input: None,
            audio_output: None,
            per_request: None,
            reasoning_output: None,
            web_search_per_call: None,
            unit: DEFAULT_PRICE_UNIT,
            tiers: Vec::new(),
        }
    }
}

impl Price {
    /// Every price field with its name, for validation and display.
    pub fn fields(&self) -> [(&'static str, Option<Decimal>); 11] {
        [
            ("input", self.input),
            ("output", self.output),
            ("cached_input", self.cached_input),
            ("cache_creation", self.cache_creation),
            ("image_input", self.image_input),
            ("image_output", self.image_output),
            ("audio_input", self.audio_input),
            ("audio_output", self.audio_output),
            ("per_request", self.per_request),
            ("reasoning_output", self.reasoning_output),
            ("web_search_per_call", self.web_search_per_call),
        ]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub status: GroupStatus,
    pub rpm_ratio: f64,
    pub tpm_ratio: f64,
    pub available_sets: Vec<String>,
    pub balance: Decimal,
    pub balance_alert_threshold: Decimal,
    pub balance_alert_enabled: bool,
    /// In-flight requests of the whole group; `None` is unlimited.
    pub max_concurrency: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Group {
    /// A new enabled group with ratio 1 and no balance.
    pub fn new(id: impl Into<String>) -> Group {
        Group {
            id: id.into(),
            status: GroupStatus::Enabled,
            rpm_ratio: 1.0,
            tpm_ratio: 1.0,
            available_sets: Vec::new(),
            balance: Decimal::ZERO,
            balance_alert_threshold: Decimal::ZERO,
            balance_alert_enabled: false,
            max_concurrency: None,
            created_at: 0,
            updated_at: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaPeriod {
    Daily,
    Weekly,
    Monthly,
}

impl QuotaPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            QuotaPeriod::Daily => "daily",
            QuotaPeriod::Weekly => "weekly",
            QuotaPeriod::Monthly => "monthly",
        }
    }

    pub fn parse(text: &str) -> Option<QuotaPeriod> {
        match text {
            "daily" => Some(QuotaPeriod::Daily),
            "weekly" => Some(QuotaPeriod::Weekly),
            "monthly" => Some(QuotaPeriod::Monthly),
            _ => None,
        }
    }
}

/// A caller's API key. Only `key_hash` (hex SHA-256 of the key) is stored, never the key.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub id: i64,
    pub group_id: String,
    pub name: String,
    pub key_hash: String,
    /// The start of the key, for display (at most 8 characters and a quarter of the key).
    pub key_prefix: String,
    pub status: Status,
    pub expires_at: Option<i64>,
    /// Empty means any source address.
    pub subnets: Vec<IpNet>,
    /// Empty means every model.
    pub models: Vec<String>,
    /// Empty means every MCP server the group may use.
    pub mcp_servers: Vec<String>,
    /// Lifetime spending limit; `None` is unlimited.
    pub quota: Option<Decimal>,
    /// Spending limit per `period`; `None` is unlimited.
    pub period_quota: Option<Decimal>,
    pub period: Option<QuotaPeriod>,
    pub period_start: Option<i64>,
    /// Spent in the period that began at `period_start`; counts as 0 once a newer period began
    /// (see `billing::current_period_used`).
    pub period_used: Decimal,
    pub used_amount: Decimal,
    pub request_count: i64,
    /// Requests and tokens per minute of this token alone; `None` is unlimited.
    pub rpm: Option<i64>,
    pub tpm: Option<i64>,
    /// In-flight requests of this token; `None` is unlimited.
    pub max_concurrency: Option<i64>,
    pub created_at: i64,
    pub accessed_at: Option<i64>,
}

/// What a caller supplies to create a token.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewToken {
    pub group_id: String,
    pub name: String,
    /// A caller-chosen key (at least `validate::MIN_KEY_LEN` characters); generated when `None`.
    pub key: Option<String>,
    pub status: Status,
    pub expires_at: Option<i64>,
    pub subnets: Vec<IpNet>,
    pub models: Vec<String>,
    pub mcp_servers: Vec<String>,
    pub quota: Option<Decimal>,
    pub period_quota: Option<Decimal>,
    pub period: Option<QuotaPeriod>,
    pub rpm: Option<i64>,
    pub tpm: Option<i64>,
    pub max_concurrency: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub id: i64,
    pub name: String,
    pub kind: ChannelKind,
    /// Empty means the kind's default.
    pub base_url: String,
    /// The upstream credential in plain text; never returned unmasked by any API.
    pub key: String,
    pub models: Vec<String>,
    pub model_mapping: BTreeMap<String, String>,
    pub priority: i64,
    pub sets: Vec<String>,
    pub status: Status,
    pub proxy_url: Option<String>,
    pub timeouts: Timeouts,
    pub config: BTreeMap<String, String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Alert when a (channel, model) pair's error rate exceeds this, in (0, 1]; `None`: the
    /// `DefaultWarnNotifyErrorRate` option.
    pub warn_error_rate: Option<f64>,
    /// Ban a pair whose error rate reaches this, in (0, 1]; `None`: no rate ban (consecutive
    /// failures still ban).
    pub max_error_rate: Option<f64>,
}

impl Channel {
    /// The thresholds the channel health judges this channel's pairs by.
    pub fn error_rates(&self) -> relay::ErrorRateThresholds {
        relay::ErrorRateThresholds {
            warn: self.warn_error_rate,
            ban: self.max_error_rate,
        }
    }

    /// A new enabled channel with no models, for filling in.
    pub fn new(name: impl Into<String>, kind: ChannelKind) -> Channel {
        Channel {
            id: 0,
            name: name.into(),
            kind,
            base_url: String::new(),
            key: String::new(),
            models: Vec::new(),
            model_mapping: BTreeMap::new(),
            priority: 0,
            sets: Vec::new(),
            status: Status::Enabled,
            proxy_url: None,
            timeouts: Timeouts::default(),
            config: BTreeMap::new(),
            created_at: 0,
            updated_at: 0,
            warn_error_rate: None,
            max_error_rate: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelType {
    #[default]
    Chat,
    Completion,
    Embedding,
    Image,
    Audio,
    Rerank,
    Moderation,
    Video,
    /// PDFs parsed into markdown (`/v1/parse/pdf`).
    Document,
}

impl ModelType {
    pub const ALL: [ModelType; 9] = [
        ModelType::Chat,
        ModelType::Completion,
        ModelType::Embedding,
        ModelType::Image,
        ModelType::Audio,
        ModelType::Rerank,
        ModelType::Moderation,
        ModelType::Video,
        ModelType::Document,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ModelType::Chat => "chat",
            ModelType::Completion => "completion",
            ModelType::Embedding => "embedding",
            ModelType::Image => "image",
            ModelType::Audio => "audio",
            ModelType::Rerank => "rerank",
            ModelType::Moderation => "moderation",
            ModelType::Video => "video",
            ModelType::Document => "document",
        }
    }

    pub fn parse(text: &str) -> Option<ModelType> {
        ModelType::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelConfig {
    pub model: String,
    pub model_type: ModelType,
    pub owner: String,
    /// Per group at ratio 1; 0 means unlimited.
    pub rpm: i64,
    pub tpm: i64,
    pub retry_times: Option<i64>,
    pub timeouts: Timeouts,
    pub price: Price,
    /// Output tokens assumed for TPM and quota reservations when a request sets no
    /// `max_tokens`; `None` leaves it to the caller's default.
    pub max_output_tokens: Option<i64>,
    /// JSON object.
    pub plugins: serde_json::Value,
    /// JSON object.
    pub config: serde_json::Value,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ModelConfig {
    pub fn new(model: impl Into<String>) -> ModelConfig {
        ModelConfig {
            model: model.into(),
            model_type: ModelType::Chat,
            owner: String::new(),
            rpm: 0,
            tpm: 0,
            retry_times: None,
            timeouts: Timeouts::default(),
            price: Price::default(),
            max_output_tokens: None,
            plugins: serde_json::Value::Object(serde_json::Map::new()),
            config: serde_json::Value::Object(serde_json::Map::new()),
            created_at: 0,
            updated_at: 0,
        }
    }
}

/// One group's replacement of some of a model's settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupModelOverride {
    pub group_id: String,
    pub model: String,
    pub rpm: Option<i64>,
    pub tpm: Option<i64>,
    pub price: Option<Price>,
    pub retry_times: Option<i64>,
    pub timeouts: Timeouts,
    pub save_detail: bool,
    /// JSON object laid over the model's plugins per plugin name; `None` keeps the model's.
    pub plugins: Option<serde_json::Value>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum McpScope {
    Public,
    Group,
}

impl McpScope {
    pub fn as_str(self) -> &'static str {
        match self {
            McpScope::Public => "public",
            McpScope::Group => "group",
        }
    }

    pub fn parse(text: &str) -> Option<McpScope> {
        match text {
            "public" => Some(McpScope::Public),
            "group" => Some(McpScope::Group),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum McpServerKind {
    Embedded,
    ProxyStreamable,
    ProxySse,
    Openapi,
    /// Chosen tools, prompts and resources of other servers (`virtual_tools`,
    /// `virtual_prompts`, `virtual_resources`), served under this server's id.
    Virtual,
    /// A gRPC service at `url`: its unary and server-streaming methods as tools, described
    /// through server reflection or the descriptor set in `params` (see `mcp_host::bridge`).
    Grpc,
    /// A catalogue entry only: a server users run elsewhere, described by its `catalogue`
    /// (readme, homepage, install). Listed, never served.
    Docs,
}

impl McpServerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            McpServerKind::Embedded => "embedded",
            McpServerKind::ProxyStreamable => "proxy_streamable",
            McpServerKind::ProxySse => "proxy_sse",
            McpServerKind::Openapi => "openapi",
            McpServerKind::Virtual => "virtual",
            McpServerKind::Grpc => "grpc",
            McpServerKind::Docs => "docs",
        }
    }

    pub fn parse(text: &str) -> Option<McpServerKind> {
        match text {
            "embedded" => Some(McpServerKind::Embedded),
            "proxy_streamable" => Some(McpServerKind::ProxyStreamable),
            "proxy_sse" => Some(McpServerKind::ProxySse),
            "openapi" => Some(McpServerKind::Openapi),
            "virtual" => Some(McpServerKind::Virtual),
            "grpc" => Some(McpServerKind::Grpc),
            "docs" => Some(McpServerKind::Docs),
            _ => None,
        }
    }
}

/// Where an OpenAPI-backed MCP server gets its document and how it calls the API.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenApiSource {
    /// The document text (YAML or JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default)]
    pub allow_private_network: bool,
    /// Secrets for the API's security schemes, by scheme name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub credentials: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include_operations: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_operations: Vec<String>,
    /// Expose three tools (search, describe, call an operation) instead of one per operation:
    /// for APIs with hundreds of operations, whose tool list would flood a model's context.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub compact: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct McpServer {
    pub id: String,
    pub scope: McpScope,
    /// Set exactly when `scope` is `Group`.
    pub group_id: Option<String>,
    pub kind: McpServerKind,
    pub template: Option<String>,
    pub url: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub query: BTreeMap<String, String>,
    /// Admin-set template parameters (may hold secrets).
    pub params: BTreeMap<String, String>,
    pub openapi: Option<OpenApiSource>,
    pub status: Status,
    /// Charged to the caller's group for every tool call; zero is free.
    pub price_per_call: Decimal,
    /// Parameters every group must supply (`SetGroupMcpParams`) before the server is offered
    /// to it, named as the parameters are (`header:X-Api-Key`, `query:key`, a security
    /// scheme's name, a template parameter).
    pub required_group_params: Vec<String>,
    /// Prices of single tools, charged per call instead of `price_per_call` (a virtual
    /// server's tools by the names it exposes).
    pub tool_prices: BTreeMap<String, Decimal>,
    /// The tools each named group may use (the group's per-tool allow-list); a group not named
    /// uses every tool.
    pub group_tools: BTreeMap<String, Vec<String>>,
    /// The tools a virtual server composes; empty for every other type.
    pub virtual_tools: Vec<mcp::VirtualTool>,
    /// The prompts a virtual server composes; empty for every other type.
    pub virtual_prompts: Vec<mcp::VirtualPrompt>,
    /// The resources and resource templates a virtual server composes; empty for every other
    /// type.
    pub virtual_resources: Vec<mcp::VirtualResource>,
    /// What the catalogue shows (display names, readme, ...); the whole of a `Docs` server.
    pub catalogue: McpCatalogue,
    /// A proxied server whose upstream wants OAuth: the gateway's client there. The tokens
    /// themselves are per group, in `mcp_upstream_tokens` (see `store/mcp_upstream_auth.rs`).
    pub upstream_oauth: Option<UpstreamOAuthClient>,
    /// The aggregated `/mcp` shows this server's tools, prompts, resources, templates and task
    /// ids under their own names (a name another unprefixed server keeps first stays prefixed).
    pub aggregate_unprefixed: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl McpServer {
    /// What one call of `tool` costs: its own price, else the server's.
    pub fn price_of(&self, tool: &str) -> Decimal {
        self.tool_prices
            .get(tool)
            .copied()
            .unwrap_or(self.price_per_call)
    }

    pub fn new(id: impl Into<String>, scope: McpScope, kind: McpServerKind) -> McpServer {
        McpServer {
            id: id.into(),
            scope,
            group_id: None,
            kind,
            template: None,
            url: None,
            headers: BTreeMap::new(),
            query: BTreeMap::new(),
            params: BTreeMap::new(),
            openapi: None,
            status: Status::Enabled,
            price_per_call: Decimal::ZERO,
            required_group_params: Vec::new(),
            tool_prices: BTreeMap::new(),
            group_tools: BTreeMap::new(),
            virtual_tools: Vec::new(),
            virtual_prompts: Vec::new(),
            virtual_resources: Vec::new(),
            catalogue: McpCatalogue::default(),
            upstream_oauth: None,
            aggregate_unprefixed: false,
            created_at: 0,
            updated_at: 0,
        }
    }
}

/// How the gateway is a client of a proxied server's authorization server. Sealed at rest; the
/// secret is masked on every read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpstreamOAuthClient {
    /// A client the admin registered; empty: the gateway registers itself (RFC 7591).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_secret: String,
    /// Scopes asked for; empty: those the upstream's resource metadata names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

/// An MCP server's catalogue entry, admin-edited; every field may be empty. Not secret.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct McpCatalogue {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub display_name_zh: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description_zh: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Markdown.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub readme: String,
    /// An https URL or a `data:image/...` URI.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub logo: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub homepage: String,
    /// For a docs server: how to install and run it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub install: String,
}

/// Parameters (usually credentials) one group supplies to one MCP server.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupMcpParams {
    pub server_id: String,
    pub group_id: String,
    pub params: BTreeMap<String, String>,
    pub updated_at: i64,
}

/// Everything the relay's in-memory snapshot is built from.
#[derive(Debug, Clone, Default)]
pub struct StoreDump {
    pub revision: i64,
    pub groups: Vec<Group>,
    pub tokens: Vec<Token>,
    pub channels: Vec<Channel>,
    pub model_configs: Vec<ModelConfig>,
    pub group_overrides: Vec<GroupModelOverride>,
    pub mcp_servers: Vec<McpServer>,
    pub group_mcp_params: Vec<GroupMcpParams>,
    pub options: BTreeMap<String, String>,
    /// Remote MCP servers' tool pins.
    pub mcp_pins: super::mcp_pins::McpPins,
    /// Every admin key, revoked ones included.
    pub admin_keys: Vec<super::StoredAdminKey>,
}

/// One page of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            offset: 0,
            limit: 100,
        }
    }
}

/// A page of results and the total number of matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
}

#[derive(Debug, Clone, Default)]
pub struct GroupFilter {
    pub status: Option<GroupStatus>,
    pub keyword: Option<String>,
    /// Only these groups (an admin key's group scope); `None`: any.
    pub ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct TokenFilter {
    pub group_id: Option<String>,
    pub status: Option<Status>,
    pub keyword: Option<String>,
    /// Only tokens of these groups (an admin key's group scope); `None`: any.
    pub group_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct ChannelFilter {
    pub status: Option<Status>,
    pub kind: Option<ChannelKind>,
    pub keyword: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ModelFilter {
    pub model_type: Option<ModelType>,
    pub keyword: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct McpFilter {
    pub scope: Option<McpScope>,
    pub group_id: Option<String>,
    /// Only group servers of these groups (an admin key's group scope); `None`: any.
    pub group_ids: Option<Vec<String>>,
    pub status: Option<Status>,
    pub keyword: Option<String>,
}
