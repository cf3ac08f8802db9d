//! The document's serde types and their conversion to and from stored objects.

use std::collections::{BTreeMap, HashSet};

use ipnet::IpNet;
use relay::host::ChannelKind;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::ApplyError;
use crate::store::validate::invalid;
use crate::store::{
    Channel, ChannelBalance, Group, GroupModelOverride, GroupStatus, McpCatalogue, McpScope,
    McpServer, McpServerKind, ModelConfig, ModelType, NewToken, OpenApiSource, Price, QuotaPeriod,
    Status, StoreDump, StoreError, Timeouts, UpstreamOAuthClient, secret,
};

/// The whole declarative configuration. Every list is optional; objects not mentioned are left
/// alone (apply never deletes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<TokenSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<ModelSpec>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, OptionValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mcp_servers: Vec<McpServerSpec>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<GroupStatus>,
    #[serde(default = "one")]
    pub rpm_ratio: f64,
    #[serde(default = "one")]
    pub tpm_ratio: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub available_sets: Vec<String>,
    /// Absent keeps the stored balance (it changes with usage); 0 for a new group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_alert_threshold: Option<Decimal>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub balance_alert_enabled: bool,
    /// In-flight requests of the whole group; absent is unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_overrides: Vec<OverrideSpec>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideSpec {
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpm: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpm: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_times: Option<i64>,
    #[serde(default, skip_serializing_if = "Timeouts::is_empty")]
    pub timeouts: Timeouts,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub save_detail: bool,
    /// Laid over the model's `plugins` per plugin name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugins: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSpec {
    pub group: String,
    pub name: String,
    /// Optional; generated (and reported once) when absent. Never exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mcp_servers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_quota: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<QuotaPeriod>,
    /// This token's own requests and tokens per minute; absent is unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpm: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpm: Option<i64>,
    /// In-flight requests of this token; absent is unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub base_url: String,
    /// Exported masked; applying the masked value keeps the stored key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub model_mapping: BTreeMap<String, String>,
    #[serde(default)]
    pub priority: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_url: Option<String>,
    #[serde(default, skip_serializing_if = "Timeouts::is_empty")]
    pub timeouts: Timeouts,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, OptionValue>,
    /// Alert when a (channel, model) pair's error rate exceeds this, in (0, 1]; absent: the
    /// `DefaultWarnNotifyErrorRate` option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_error_rate: Option<f64>,
    /// Ban a pair whose error rate reaches this, in (0, 1]; absent: no rate ban.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_error_rate: Option<f64>,
    /// The low-balance alert fires when the upstream balance is below this; absent: no alert.
    /// (`SetChannelBalanceSettings` sets the same.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_threshold: Option<f64>,
    /// Disable the channel when its upstream balance reaches 0.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_when_empty: bool,
}

impl ChannelSpec {
    /// The balance settings to store: (threshold, disable when empty).
    pub(super) fn balance_settings(&self) -> Result<(Option<f64>, bool), StoreError> {
        if self
            .balance_threshold
            .is_some_and(|threshold| !threshold.is_finite())
        {
            return Err(invalid(
                "channel.balance_threshold",
                "must be a finite number",
            ));
        }
        Ok((self.balance_threshold, self.disable_when_empty))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    pub model: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub model_type: Option<ModelType>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    #[serde(default)]
    pub rpm: i64,
    #[serde(default)]
    pub tpm: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_times: Option<i64>,
    #[serde(default, skip_serializing_if = "Timeouts::is_empty")]
    pub timeouts: Timeouts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceSpec>,
    /// Output tokens assumed for TPM and quota reservations when a request sets no max_tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugins: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,
}

/// Prices per `unit` tokens (default 1,000,000), as numbers or decimal strings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_creation_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_input_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_output_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_input_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_output_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_request_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_output_price: Option<Decimal>,
    /// Per search the web search plugin made, not per `unit` tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_search_price_per_call: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<i64>,
    /// Conditional prices (long-context, service tiers); see `store::PriceTier`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<PriceTierSpec>,
}

/// A price tier in the file: its conditions and the prices it replaces, named like
/// [`PriceSpec`]'s.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTierSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above_input_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_creation_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_input_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_output_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_input_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_output_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_output_price: Option<Decimal>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpServerSpec {
    pub id: String,
    pub scope: Option<McpScope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<McpServerKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Exported masked; applying a masked value keeps the stored one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openapi: Option<OpenApiSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Charged to the caller's group per tool call; absent is free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_call: Option<Decimal>,
    /// Parameters each group must supply before the server is offered to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_group_params: Vec<String>,
    /// Prices of single tools per call, over `price_per_call`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tool_prices: BTreeMap<String, Decimal>,
    /// Group id -> the tools that group may use; a group not named uses every tool.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub group_tools: BTreeMap<String, Vec<String>>,
    /// Type `virtual`: the tools it composes (`server`, `tool`, optional `name`,
    /// `description` and `defaults`).
    #[serde(default, rename = "tools", skip_serializing_if = "Vec::is_empty")]
    pub virtual_tools: Vec<mcp::VirtualTool>,
    /// Type `virtual`: the prompts it composes (`server`, `prompt`, optional `name`,
    /// `description` and `defaults`, string arguments set on every `prompts/get`).
    #[serde(default, rename = "prompts", skip_serializing_if = "Vec::is_empty")]
    pub virtual_prompts: Vec<mcp::VirtualPrompt>,
    /// Type `virtual`: the resources and resource templates it composes (`server`, `uri`,
    /// optional `exposed_uri`, `name` and `description`).
    #[serde(default, rename = "resources", skip_serializing_if = "Vec::is_empty")]
    pub virtual_resources: Vec<mcp::VirtualResource>,
    /// Display names, descriptions, tags, readme, logo, homepage (and a `docs` server's
    /// `install`).
    #[serde(default, skip_serializing_if = "is_empty_catalogue")]
    pub catalogue: McpCatalogue,
    /// A proxied server whose upstream wants OAuth: `client_id` (empty: dynamic
    /// registration), `client_secret` (exported masked; a masked value keeps the stored one),
    /// `scopes`. Each group's tokens are held by the gateway and never exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_oauth: Option<UpstreamOAuthClient>,
    /// The aggregated `/mcp` shows its tools, prompts, resources, templates and task ids under
    /// their own names (a name another unprefixed server keeps first stays prefixed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub aggregate_unprefixed: bool,
}

fn is_empty_catalogue(catalogue: &McpCatalogue) -> bool {
    *catalogue == McpCatalogue::default()
}

/// An option or config value: YAML numbers and booleans are accepted and stored as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OptionValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl OptionValue {
    pub fn as_text(&self) -> String {
        match self {
            OptionValue::Bool(value) => value.to_string(),
            OptionValue::Int(value) => value.to_string(),
            OptionValue::Float(value) => value.to_string(),
            OptionValue::Text(value) => value.clone(),
        }
    }
}

impl Document {
    /// Rejects two entries with the same natural key, naming the second.
    pub(super) fn check_duplicates(&self) -> Result<(), ApplyError> {
        fn check(
            kind: &str,
            field: &str,
            keys: impl Iterator<Item = String>,
        ) -> Result<(), ApplyError> {
            let mut seen = HashSet::new();
            for (idx, key) in keys.enumerate() {
                if !seen.insert(key.clone()) {
                    return Err(ApplyError::Invalid {
                        path: format!("{kind}[{idx}]"),
                        source: invalid(field, format!("duplicate {key:?}")),
                    });
                }
            }
            Ok(())
        }
        check("groups", "id", self.groups.iter().map(|g| g.id.clone()))?;
        check(
            "tokens",
            "name",
            self.tokens
                .iter()
                .map(|t| format!("{}/{}", t.group, t.name)),
        )?;
        check(
            "channels",
            "name",
            self.channels.iter().map(|c| c.name.clone()),
        )?;
        check(
            "models",
            "model",
            self.models.iter().map(|m| m.model.clone()),
        )?;
        check(
            "mcp_servers",
            "id",
            self.mcp_servers.iter().map(|m| m.id.clone()),
        )?;
        for (idx, group) in self.groups.iter().enumerate() {
            check(
                &format!("groups[{idx}].model_overrides"),
                "model",
                group.model_overrides.iter().map(|o| o.model.clone()),
            )?;
        }
        Ok(())
    }

    /// The document form of a dump, with secrets masked and token keys left out.
    /// `balances`: the channels' balance rows by channel id, for their settings.
    pub fn from_dump(
        dump: StoreDump,
        balances: &std::collections::HashMap<i64, ChannelBalance>,
    ) -> Document {
        let mut overrides: BTreeMap<String, Vec<OverrideSpec>> = BTreeMap::new();
        for item in dump.group_overrides {
            overrides
                .entry(item.group_id.clone())
                .or_default()
                .push(OverrideSpec {
                    model: item.model,
                    rpm: item.rpm,
                    tpm: item.tpm,
                    price: item.price.as_ref().map(PriceSpec::from_price),
                    retry_times: item.retry_times,
                    timeouts: item.timeouts,
                    save_detail: item.save_detail,
                    plugins: item.plugins.as_ref().map(secret::mask_settings),
                });
        }
        Document {
            groups: dump
                .groups
                .into_iter()
                .map(|group| GroupSpec {
                    model_overrides: overrides.remove(&group.id).unwrap_or_default(),
                    id: group.id,
                    status: Some(group.status),
                    rpm_ratio: group.rpm_ratio,
                    tpm_ratio: group.tpm_ratio,
                    available_sets: group.available_sets,
                    balance: Some(group.balance),
                    balance_alert_threshold: Some(group.balance_alert_threshold),
                    balance_alert_enabled: group.balance_alert_enabled,
                    max_concurrency: group.max_concurrency,
                })
                .collect(),
            tokens: dump
                .tokens
                .into_iter()
                .map(|token| TokenSpec {
                    group: token.group_id,
                    name: token.name,
                    key: None,
                    status: Some(token.status),
                    expires_at_ms: token.expires_at,
                    subnets: token.subnets.iter().map(ToString::to_string).collect(),
                    models: token.models,
                    mcp_servers: token.mcp_servers,
                    quota: token.quota,
                    period_quota: token.period_quota,
                    period: token.period,
                    rpm: token.rpm,
                    tpm: token.tpm,
                    max_concurrency: token.max_concurrency,
                })
                .collect(),
            channels: dump
                .channels
                .into_iter()
                .map(|channel| ChannelSpec {
                    warn_error_rate: channel.warn_error_rate,
                    max_error_rate: channel.max_error_rate,
                    balance_threshold: balances
                        .get(&channel.id)
                        .and_then(|balance| balance.threshold),
                    disable_when_empty: balances
                        .get(&channel.id)
                        .is_some_and(|balance| balance.disable_when_empty),
                    name: channel.name,
                    kind: channel.kind.as_str().to_owned(),
                    base_url: secret::mask_url(&channel.base_url),
                    key: secret::mask(&channel.key),
                    models: channel.models,
                    model_mapping: channel.model_mapping,
                    priority: channel.priority,
                    sets: channel.sets,
                    status: Some(channel.status),
                    proxy_url: channel.proxy_url.as_deref().map(secret::mask_url),
                    timeouts: channel.timeouts,
                    config: secret::mask_credential_entries(&channel.config)
                        .into_iter()
                        .map(|(key, value)| (key, OptionValue::Text(value)))
                        .collect(),
                })
                .collect(),
            models: dump
                .model_configs
                .into_iter()
                .map(|config| ModelSpec {
                    model: config.model,
                    model_type: Some(config.model_type),
                    owner: config.owner,
                    rpm: config.rpm,
                    tpm: config.tpm,
                    retry_times: config.retry_times,
                    timeouts: config.timeouts,
                    price: Some(PriceSpec::from_price(&config.price)),
                    max_output_tokens: config.max_output_tokens,
                    plugins: non_empty_object(secret::mask_settings(&config.plugins)),
                    config: non_empty_object(config.config),
                })
                .collect(),
            options: dump
                .options
                .into_iter()
                .map(|(key, value)| (key, OptionValue::Text(value)))
                .collect(),
            mcp_servers: dump
                .mcp_servers
                .into_iter()
                .map(|server| McpServerSpec {
                    id: server.id,
                    scope: Some(server.scope),
                    group: server.group_id,
                    kind: Some(server.kind),
                    template: server.template,
                    url: server.url.as_deref().map(secret::mask_url),
                    headers: secret::mask_map(&server.headers),
                    query: secret::mask_map(&server.query),
                    params: secret::mask_map(&server.params),
                    openapi: server.openapi.as_ref().map(secret::mask_openapi),
                    status: Some(server.status),
                    price_per_call: Some(server.price_per_call).filter(|price| !price.is_zero()),
                    required_group_params: server.required_group_params,
                    tool_prices: server.tool_prices,
                    group_tools: server.group_tools,
                    virtual_tools: server.virtual_tools,
                    virtual_prompts: server.virtual_prompts,
                    virtual_resources: server.virtual_resources,
                    catalogue: server.catalogue,
                    upstream_oauth: server.upstream_oauth.map(|client| UpstreamOAuthClient {
                        client_secret: secret::mask(&client.client_secret),
                        ..client
                    }),
                    aggregate_unprefixed: server.aggregate_unprefixed,
                })
                .collect(),
        }
    }
}

fn non_empty_object(value: serde_json::Value) -> Option<serde_json::Value> {
    match &value {
        serde_json::Value::Object(map) if map.is_empty() => None,
        _ => Some(value),
    }
}

impl GroupSpec {
    pub(super) fn to_group(&self, existing: Option<&Group>) -> Result<Group, StoreError> {
        let mut group = Group::new(self.id.clone());
        group.status = self.status.unwrap_or_default();
        group.rpm_ratio = self.rpm_ratio;
        group.tpm_ratio = self.tpm_ratio;
        group.available_sets = self.available_sets.clone();
        group.balance = self
            .balance
            .or_else(|| existing.map(|group| group.balance))
            .unwrap_or_default();
        group.balance_alert_threshold = self.balance_alert_threshold.unwrap_or_default();
        group.balance_alert_enabled = self.balance_alert_enabled;
        group.max_concurrency = self.max_concurrency;
        Ok(group)
    }
}

impl OverrideSpec {
    /// The override to store; plugin API keys sent back masked keep those of `existing`.
    pub(super) fn to_override(
        &self,
        group_id: &str,
        existing: Option<&GroupModelOverride>,
    ) -> GroupModelOverride {
        let stored = existing.and_then(|existing| existing.plugins.as_ref());
        GroupModelOverride {
            group_id: group_id.to_owned(),
            model: self.model.clone(),
            rpm: self.rpm,
            tpm: self.tpm,
            price: self.price.as_ref().map(PriceSpec::to_price),
            retry_times: self.retry_times,
            timeouts: self.timeouts,
            save_detail: self.save_detail,
            plugins: match (self.plugins.clone(), stored) {
                (Some(plugins), Some(stored)) => Some(secret::unmask_settings(plugins, stored)),
                (plugins, _) => plugins,
            },
            created_at: 0,
            updated_at: 0,
        }
    }
}

impl TokenSpec {
    pub(super) fn to_new_token(&self) -> Result<NewToken, StoreError> {
        let subnets = self
            .subnets
            .iter()
            .enumerate()
            .map(|(idx, text)| {
                crate::store::validate::parse_subnet(&format!("token.subnets[{idx}]"), text)
            })
            .collect::<Result<Vec<IpNet>, _>>()?;
        Ok(NewToken {
            group_id: self.group.clone(),
            name: self.name.clone(),
            key: self.key.clone(),
            status: self.status.unwrap_or_default(),
            expires_at: self.expires_at_ms,
            subnets,
            models: self.models.clone(),
            mcp_servers: self.mcp_servers.clone(),
            quota: self.quota,
            period_quota: self.period_quota,
            period: self.period,
            rpm: self.rpm,
            tpm: self.tpm,
            max_concurrency: self.max_concurrency,
        })
    }
}

impl ChannelSpec {
    pub(super) fn to_channel(&self, existing: Option<&Channel>) -> Result<Channel, StoreError> {
        let kind = ChannelKind::parse(&self.kind).ok_or_else(|| {
            let known: Vec<&str> = ChannelKind::all().map(ChannelKind::as_str).collect();
            invalid(
                "channel.type",
                format!(
                    "unknown channel type {:?}; known: {}",
                    self.kind,
                    known.join(", ")
                ),
            )
        })?;
        let mut channel = Channel::new(self.name.clone(), kind);
        channel.id = existing.map_or(0, |channel| channel.id);
        channel.base_url = match existing {
            Some(existing) => secret::keep_url_if_masked(&self.base_url, &existing.base_url),
            None => self.base_url.clone(),
        };
        channel.key = match existing {
            Some(existing) => secret::keep_if_masked(&self.key, &existing.key),
            None => self.key.clone(),
        };
        channel.models = self.models.clone();
        channel.model_mapping = self.model_mapping.clone();
        channel.priority = self.priority;
        channel.sets = self.sets.clone();
        channel.status = self.status.unwrap_or_default();
        channel.proxy_url = self.proxy_url.clone().filter(|url| !url.is_empty());
        if let (Some(url), Some(stored)) = (
            &channel.proxy_url,
            existing.and_then(|existing| existing.proxy_url.as_deref()),
        ) {
            channel.proxy_url = Some(secret::keep_url_if_masked(url, stored));
        }
        channel.timeouts = self.timeouts;
        channel.warn_error_rate = self.warn_error_rate;
        channel.max_error_rate = self.max_error_rate;
        channel.config = self
            .config
            .iter()
            .map(|(key, value)| (key.clone(), value.as_text()))
            .collect();
        if let Some(existing) = existing {
            channel.config = secret::unmask_credential_entries(&channel.config, &existing.config);
        }
        Ok(channel)
    }
}

impl ModelSpec {
    /// The model config to store; plugin API keys sent back masked keep those of `existing`.
    pub(super) fn to_model_config(
        &self,
        existing: Option<&ModelConfig>,
    ) -> Result<ModelConfig, StoreError> {
        let mut config = ModelConfig::new(self.model.clone());
        config.model_type = self.model_type.unwrap_or_default();
        config.owner = self.owner.clone();
        config.rpm = self.rpm;
        config.tpm = self.tpm;
        config.retry_times = self.retry_times;
        config.timeouts = self.timeouts;
        config.price = self
            .price
            .as_ref()
            .map(PriceSpec::to_price)
            .unwrap_or_default();
        config.max_output_tokens = self.max_output_tokens;
        if let Some(plugins) = &self.plugins {
            config.plugins = match existing {
                Some(existing) => secret::unmask_settings(plugins.clone(), &existing.plugins),
                None => plugins.clone(),
            };
        }
        if let Some(extra) = &self.config {
            config.config = extra.clone();
        }
        Ok(config)
    }
}

impl PriceSpec {
    pub fn to_price(&self) -> Price {
        Price {
            input: self.input_price,
            output: self.output_price,
            cached_input: self.cached_input_price,
            cache_creation: self.cache_creation_price,
            image_input: self.image_input_price,
            image_output: self.image_output_price,
            audio_input: self.audio_input_price,
            audio_output: self.audio_output_price,
            per_request: self.per_request_price,
            reasoning_output: self.reasoning_output_price,
            web_search_per_call: self.web_search_price_per_call,
            unit: self.unit.unwrap_or(crate::store::DEFAULT_PRICE_UNIT),
            tiers: self
                .tiers
                .iter()
                .map(|tier| crate::store::PriceTier {
                    above_input_tokens: tier.above_input_tokens,
                    service_tier: tier.service_tier.clone(),
                    input: tier.input_price,
                    output: tier.output_price,
                    cached_input: tier.cached_input_price,
                    cache_creation: tier.cache_creation_price,
                    image_input: tier.image_input_price,
                    image_output: tier.image_output_price,
                    audio_input: tier.audio_input_price,
                    audio_output: tier.audio_output_price,
                    reasoning_output: tier.reasoning_output_price,
                })
                .collect(),
        }
    }

    pub fn from_price(price: &Price) -> PriceSpec {
        PriceSpec {
            input_price: price.input,
            output_price: price.output,
            cached_input_price: price.cached_input,
            cache_creation_price: price.cache_creation,
            image_input_price: price.image_input,
            image_output_price: price.image_output,
            audio_input_price: price.audio_input,
            audio_output_price: price.audio_output,
            per_request_price: price.per_request,
            reasoning_output_price: price.reasoning_output,
            web_search_price_per_call: price.web_search_per_call,
            unit: Some(price.unit),
            tiers: price
                .tiers
                .iter()
                .map(|tier| PriceTierSpec {
                    above_input_tokens: tier.above_input_tokens,
                    service_tier: tier.service_tier.clone(),
                    input_price: tier.input,
                    output_price: tier.output,
                    cached_input_price: tier.cached_input,
                    cache_creation_price: tier.cache_creation,
                    image_input_price: tier.image_input,
                    image_output_price: tier.image_output,
                    audio_input_price: tier.audio_input,
                    audio_output_price: tier.audio_output,
                    reasoning_output_price: tier.reasoning_output,
                })
                .collect(),
        }
    }
}

impl McpServerSpec {
    pub(super) fn to_mcp_server(
        &self,
        existing: Option<&McpServer>,
    ) -> Result<McpServer, StoreError> {
        let scope = self
            .scope
            .ok_or_else(|| invalid("mcp_server.scope", "is required (public or group)"))?;
        let kind = self.kind.ok_or_else(|| {
            invalid(
                "mcp_server.type",
                "is required (embedded, proxy_streamable, proxy_sse, openapi, virtual or docs)",
            )
        })?;
        let mut server = McpServer::new(self.id.clone(), scope, kind);
        server.group_id = self.group.clone().filter(|group| !group.is_empty());
        server.template = self.template.clone().filter(|t| !t.is_empty());
        server.url = self.url.clone().filter(|url| !url.is_empty());
        server.status = self.status.unwrap_or_default();
        server.price_per_call = self.price_per_call.unwrap_or_default();
        server.required_group_params = self.required_group_params.clone();
        server.tool_prices = self.tool_prices.clone();
        server.group_tools = self.group_tools.clone();
        server.virtual_tools = self.virtual_tools.clone();
        server.virtual_prompts = self.virtual_prompts.clone();
        server.virtual_resources = self.virtual_resources.clone();
        server.catalogue = self.catalogue.clone();
        server.aggregate_unprefixed = self.aggregate_unprefixed;
        server.upstream_oauth = self.upstream_oauth.clone().map(|client| {
            let stored = existing
                .and_then(|existing| existing.upstream_oauth.as_ref())
                .map(|stored| stored.client_secret.as_str())
                .unwrap_or_default();
            UpstreamOAuthClient {
                client_secret: secret::keep_if_masked(&client.client_secret, stored),
                ..client
            }
        });
        match existing {
            Some(existing) => {
                if let (Some(url), Some(stored)) = (&server.url, &existing.url) {
                    server.url = Some(secret::keep_url_if_masked(url, stored));
                }
                server.headers = secret::unmask_map(&self.headers, &existing.headers);
                server.query = secret::unmask_map(&self.query, &existing.query);
                server.params = secret::unmask_map(&self.params, &existing.params);
                server.openapi = self
                    .openapi
                    .clone()
                    .map(|source| secret::unmask_openapi(source, existing.openapi.as_ref()));
            }
            None => {
                server.headers = self.headers.clone();
                server.query = self.query.clone();
                server.params = self.params.clone();
                server.openapi = self.openapi.clone();
            }
        }
        Ok(server)
    }
}
