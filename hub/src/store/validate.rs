//! Validation of every object before it is written, shared by the gRPC services and the
//! configuration file so both reject the same input with the same field names.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;

use super::StoreError;
use super::types::{
    Channel, Group, GroupModelOverride, McpScope, McpServer, McpServerKind, ModelConfig, NewToken,
    Price, PriceTier, Timeouts, Token,
};

/// Longest id or name accepted; keeps keys readable in logs and URLs.
const MAX_NAME_LEN: usize = 128;
/// Shortest caller-supplied token key. Not raised: configuration files and integrations
/// already hold 8-character keys; what a short key must not suffer, a shown prefix that is most
/// of it, is `tokens::key_prefix`'s rule (a quarter of the key at most).
pub const MIN_KEY_LEN: usize = 8;

pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Ids and names: non-empty, no surrounding or control whitespace, bounded length.
pub fn name(field: &str, value: &str) -> Result<(), StoreError> {
    if value.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if value.len() > MAX_NAME_LEN {
        return Err(invalid(field, format!("longer than {MAX_NAME_LEN} bytes")));
    }
    if value.trim() != value || value.chars().any(char::is_control) {
        return Err(invalid(
            field,
            "must not contain control characters or surrounding spaces",
        ));
    }
    Ok(())
}

/// Ids that appear in URL paths (groups, MCP servers): letters, digits, `-`, `_`, `.`.
pub fn path_id(field: &str, value: &str) -> Result<(), StoreError> {
    name(field, value)?;
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(invalid(
            field,
            "may contain only ASCII letters, digits, '-', '_' and '.'",
        ));
    }
    Ok(())
}

pub fn http_url(field: &str, value: &str) -> Result<(), StoreError> {
    let parsed = url::Url::parse(value).map_err(|err| invalid(field, format!("bad url: {err}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(field, "scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid(field, "url has no host"));
    }
    Ok(())
}

fn proxy_url(field: &str, value: &str) -> Result<(), StoreError> {
    let parsed = url::Url::parse(value).map_err(|err| invalid(field, format!("bad url: {err}")))?;
    if !matches!(parsed.scheme(), "http" | "https" | "socks5" | "socks5h") {
        return Err(invalid(
            field,
            "scheme must be http, https, socks5 or socks5h",
        ));
    }
    Ok(())
}

pub fn non_negative(field: &str, value: i64) -> Result<(), StoreError> {
    if value < 0 {
        return Err(invalid(field, "must not be negative"));
    }
    Ok(())
}

fn non_negative_opt(field: &str, value: Option<i64>) -> Result<(), StoreError> {
    value.map_or(Ok(()), |value| non_negative(field, value))
}

fn decimal_non_negative(field: &str, value: Option<Decimal>) -> Result<(), StoreError> {
    if value.is_some_and(|value| value.is_sign_negative() && !value.is_zero()) {
        return Err(invalid(field, "must not be negative"));
    }
    Ok(())
}

fn ratio(field: &str, value: f64) -> Result<(), StoreError> {
    if !value.is_finite() || value < 0.0 {
        return Err(invalid(field, "must be a finite number not below 0"));
    }
    Ok(())
}

fn list(field: &str, values: &[String]) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    for (idx, value) in values.iter().enumerate() {
        name(&format!("{field}[{idx}]"), value)?;
        if !seen.insert(value) {
            return Err(invalid(
                format!("{field}[{idx}]"),
                format!("duplicate {value:?}"),
            ));
        }
    }
    Ok(())
}

fn map_keys(field: &str, map: &BTreeMap<String, String>) -> Result<(), StoreError> {
    for key in map.keys() {
        name(&format!("{field} key"), key)?;
    }
    Ok(())
}

pub fn timeouts(field: &str, timeouts: &Timeouts) -> Result<(), StoreError> {
    non_negative_opt(&format!("{field}.connect_ms"), timeouts.connect_ms)?;
    non_negative_opt(&format!("{field}.first_byte_ms"), timeouts.first_byte_ms)?;
    non_negative_opt(&format!("{field}.stream_idle_ms"), timeouts.stream_idle_ms)
}

pub fn price(field: &str, price: &Price) -> Result<(), StoreError> {
    for (name, value) in price.fields() {
        decimal_non_negative(&format!("{field}.{name}"), value)?;
    }
    if price.unit <= 0 {
        return Err(invalid(format!("{field}.unit"), "must be positive"));
    }
    price_tiers(&format!("{field}.tiers"), &price.tiers)
}

/// The most tiers one price may have: providers publish a handful; more is a mistake.
pub const MAX_PRICE_TIERS: usize = 16;
const MAX_SERVICE_TIER_CHARS: usize = 32;

/// Tiers each with a condition and sorted strictly by (service tier, unset first; then input
/// threshold, unset first), so no two match the same requests and the last match is the most
/// specific one.
fn price_tiers(field: &str, tiers: &[PriceTier]) -> Result<(), StoreError> {
    if tiers.len() > MAX_PRICE_TIERS {
        return Err(invalid(
            field,
            format!(
                "has {} tiers, at most {MAX_PRICE_TIERS} are allowed",
                tiers.len()
            ),
        ));
    }
    for (index, tier) in tiers.iter().enumerate() {
        let at = format!("{field}[{index}]");
        if tier.service_tier.is_none() && tier.above_input_tokens.is_none() {
            return Err(invalid(
                &at,
                "needs a condition: service_tier or above_input_tokens",
            ));
        }
        if let Some(name) = &tier.service_tier {
            let valid = !name.is_empty()
                && name.len() <= MAX_SERVICE_TIER_CHARS
                && name.bytes().all(|byte| {
                    byte.is_ascii_lowercase()
                        || byte.is_ascii_digit()
                        || byte == b'_'
                        || byte == b'-'
                });
            if !valid {
                return Err(invalid(
                    format!("{at}.service_tier"),
                    format!(
                        "must be 1 to {MAX_SERVICE_TIER_CHARS} lowercase letters, digits, '_' or '-'"
                    ),
                ));
            }
        }
        for (name, value) in tier.fields() {
            decimal_non_negative(&format!("{at}.{name}"), value)?;
        }
        if index > 0 {
            let previous = tier_order(&tiers[index - 1]);
            let current = tier_order(tier);
            if previous == current {
                return Err(invalid(
                    &at,
                    format!("duplicates the tier {:?}", tier.label()),
                ));
            }
            if previous > current {
                return Err(invalid(
                    &at,
                    "tiers must be sorted by service_tier (unset first), then above_input_tokens (unset first)",
                ));
            }
        }
    }
    Ok(())
}

fn tier_order(tier: &PriceTier) -> (Option<&str>, Option<u64>) {
    (tier.service_tier.as_deref(), tier.above_input_tokens)
}

/// Parses a decimal text, naming the field when it is not one.
pub fn parse_decimal(field: &str, text: &str) -> Result<Decimal, StoreError> {
    text.trim()
        .parse::<Decimal>()
        .map_err(|_| invalid(field, format!("{text:?} is not a decimal number")))
}

pub fn group(group: &Group) -> Result<(), StoreError> {
    path_id("group.id", &group.id)?;
    ratio("group.rpm_ratio", group.rpm_ratio)?;
    ratio("group.tpm_ratio", group.tpm_ratio)?;
    list("group.available_sets", &group.available_sets)?;
    decimal_non_negative(
        "group.balance_alert_threshold",
        Some(group.balance_alert_threshold),
    )?;
    non_negative_opt("group.max_concurrency", group.max_concurrency)
}

/// A token's own limits: absent is unlimited, a present one must not be negative.
fn token_limits(
    rpm: Option<i64>,
    tpm: Option<i64>,
    max_concurrency: Option<i64>,
) -> Result<(), StoreError> {
    non_negative_opt("token.rpm", rpm)?;
    non_negative_opt("token.tpm", tpm)?;
    non_negative_opt("token.max_concurrency", max_concurrency)
}

fn token_common(
    name_value: &str,
    models: &[String],
    mcp_servers: &[String],
    quota: Option<Decimal>,
    period_quota: Option<Decimal>,
    expires_at: Option<i64>,
) -> Result<(), StoreError> {
    name("token.name", name_value)?;
    list("token.models", models)?;
    list("token.mcp_servers", mcp_servers)?;
    decimal_non_negative("token.quota", quota)?;
    decimal_non_negative("token.period_quota", period_quota)?;
    non_negative_opt("token.expires_at", expires_at)
}

pub fn new_token(token: &NewToken) -> Result<(), StoreError> {
    path_id("token.group_id", &token.group_id)?;
    token_common(
        &token.name,
        &token.models,
        &token.mcp_servers,
        token.quota,
        token.period_quota,
        token.expires_at,
    )?;
    token_limits(token.rpm, token.tpm, token.max_concurrency)?;
    if token.period_quota.is_some() && token.period.is_none() {
        return Err(invalid("token.period", "required when period_quota is set"));
    }
    if let Some(key) = &token.key {
        if key.chars().count() < MIN_KEY_LEN {
            return Err(invalid(
                "token.key",
                format!("must be at least {MIN_KEY_LEN} characters"),
            ));
        }
        if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("token.key", "must not contain whitespace"));
        }
    }
    Ok(())
}

pub fn token(token: &Token) -> Result<(), StoreError> {
    token_common(
        &token.name,
        &token.models,
        &token.mcp_servers,
        token.quota,
        token.period_quota,
        token.expires_at,
    )?;
    token_limits(token.rpm, token.tpm, token.max_concurrency)?;
    if token.period_quota.is_some() && token.period.is_none() {
        return Err(invalid("token.period", "required when period_quota is set"));
    }
    Ok(())
}

/// Parses CIDR text (a bare address counts as a single-host network).
pub fn parse_subnet(field: &str, text: &str) -> Result<ipnet::IpNet, StoreError> {
    let text = text.trim();
    if let Ok(net) = text.parse::<ipnet::IpNet>() {
        return Ok(net);
    }
    text.parse::<std::net::IpAddr>()
        .map(ipnet::IpNet::from)
        .map_err(|_| invalid(field, format!("{text:?} is not a CIDR range")))
}

pub fn channel(channel: &Channel) -> Result<(), StoreError> {
    name("channel.name", &channel.name)?;
    if !channel.base_url.is_empty() {
        http_url("channel.base_url", &channel.base_url)?;
    }
    if channel.key.chars().any(char::is_control) {
        return Err(invalid(
            "channel.key",
            "must not contain control characters",
        ));
    }
    list("channel.models", &channel.models)?;
    list("channel.sets", &channel.sets)?;
    for (from, to) in &channel.model_mapping {
        name("channel.model_mapping key", from)?;
        name(&format!("channel.model_mapping[{from}]"), to)?;
    }
    if let Some(proxy) = &channel.proxy_url {
        proxy_url("channel.proxy_url", proxy)?;
    }
    timeouts("channel.timeouts", &channel.timeouts)?;
    error_rate("channel.warn_error_rate", channel.warn_error_rate)?;
    error_rate("channel.max_error_rate", channel.max_error_rate)?;
    map_keys("channel.config", &channel.config)
}

/// An error-rate threshold: a share of requests, so in (0, 1]; 0 would ban or warn on
/// anything, which is what "no threshold" (absent) must not mean.
fn error_rate(field: &str, rate: Option<f64>) -> Result<(), StoreError> {
    match rate {
        Some(rate) if !(rate > 0.0 && rate <= 1.0) => Err(invalid(
            field,
            format!("{rate} is not an error rate in (0, 1]"),
        )),
        _ => Ok(()),
    }
}

pub fn model_config(config: &ModelConfig) -> Result<(), StoreError> {
    name("model_config.model", &config.model)?;
    non_negative("model_config.rpm", config.rpm)?;
    non_negative("model_config.tpm", config.tpm)?;
    non_negative_opt("model_config.retry_times", config.retry_times)?;
    timeouts("model_config.timeouts", &config.timeouts)?;
    price("model_config.price", &config.price)?;
    non_negative_opt("model_config.max_output_tokens", config.max_output_tokens)?;
    if !config.plugins.is_object() {
        return Err(invalid("model_config.plugins", "must be a JSON object"));
    }
    relay::plugin::validate(&config.plugins)
        .map_err(|error| invalid("model_config.plugins", error.to_string()))?;
    if !config.config.is_object() {
        return Err(invalid("model_config.config", "must be a JSON object"));
    }
    super::media_config::MediaConfig::of(config)
        .map_err(|error| invalid("model_config.config.media", error))?;
    Ok(())
}

pub fn group_override(item: &GroupModelOverride) -> Result<(), StoreError> {
    path_id("override.group_id", &item.group_id)?;
    name("override.model", &item.model)?;
    non_negative_opt("override.rpm", item.rpm)?;
    non_negative_opt("override.tpm", item.tpm)?;
    non_negative_opt("override.retry_times", item.retry_times)?;
    timeouts("override.timeouts", &item.timeouts)?;
    if let Some(item_price) = &item.price {
        price("override.price", item_price)?;
    }
    if let Some(plugins) = &item.plugins {
        // An override may name only the fields it changes: its shape is checked here, the
        // merge with the model's plugins by `group_plugins` where the model is at hand.
        relay::plugin::validate_override(plugins)
            .map_err(|error| invalid("override.plugins", error.to_string()))?;
    }
    Ok(())
}

/// A group override's plugins laid over its model's must be a valid configuration.
pub fn group_plugins(
    model_plugins: &serde_json::Value,
    item: &GroupModelOverride,
) -> Result<(), StoreError> {
    match &item.plugins {
        Some(plugins) => relay::plugin::validate(&relay::plugin::merge(model_plugins, plugins))
            .map_err(|error| invalid("override.plugins", error.to_string())),
        None => Ok(()),
    }
}

/// The most tools one virtual server composes, and the longest description it may give one.
const MAX_VIRTUAL_TOOLS: usize = 1000;
pub(super) const MAX_TOOL_DESCRIPTION_BYTES: usize = 16 * 1024;

/// An MCP tool name as clients accept it: 1 to 128 characters of `[A-Za-z0-9_.-]`.
pub(super) fn mcp_tool_name(field: &str, value: &str) -> Result<(), StoreError> {
    let valid = !value.is_empty()
        && value.len() <= 128
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if valid {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("{value:?} is not a tool name (1 to 128 of A-Z a-z 0-9 _ . -)"),
        ))
    }
}

/// Per-tool prices and per-group tool allow-lists.
fn mcp_tool_policy(server: &McpServer) -> Result<(), StoreError> {
    for (tool, price) in &server.tool_prices {
        mcp_tool_name("mcp_server.tool_prices", tool)?;
        decimal_non_negative(&format!("mcp_server.tool_prices[{tool}]"), Some(*price))?;
    }
    for (group, tools) in &server.group_tools {
        path_id("mcp_server.group_tools", group)?;
        for tool in tools {
            mcp_tool_name(&format!("mcp_server.group_tools[{group}]"), tool)?;
        }
    }
    Ok(())
}

/// A virtual server's composition: sources named, exposed names valid and distinct, defaults
/// and descriptions bounded. Whether the sources exist is the store's check, in the transaction.
fn virtual_tools(server: &McpServer) -> Result<(), StoreError> {
    let tools = &server.virtual_tools;
    if tools.is_empty() && server.virtual_prompts.is_empty() && server.virtual_resources.is_empty()
    {
        return Err(invalid(
            "mcp_server.virtual_tools",
            "required for type virtual (at least one tool, prompt or resource)",
        ));
    }
    if tools.len() > MAX_VIRTUAL_TOOLS {
        return Err(invalid(
            "mcp_server.virtual_tools",
            format!("at most {MAX_VIRTUAL_TOOLS} tools"),
        ));
    }
    let mut exposed = std::collections::BTreeSet::new();
    for (index, tool) in tools.iter().enumerate() {
        let field = |name: &str| format!("mcp_server.virtual_tools[{index}].{name}");
        path_id(&field("server"), &tool.server)?;
        if tool.tool.is_empty() {
            return Err(invalid(field("tool"), "must be set"));
        }
        mcp_tool_name(&field("name"), tool.exposed_name())?;
        if !exposed.insert(tool.exposed_name()) {
            return Err(invalid(
                field("name"),
                format!("{:?} is exposed twice", tool.exposed_name()),
            ));
        }
        if tool
            .description
            .as_ref()
            .is_some_and(|description| description.len() > MAX_TOOL_DESCRIPTION_BYTES)
        {
            return Err(invalid(
                field("description"),
                format!("at most {MAX_TOOL_DESCRIPTION_BYTES} bytes"),
            ));
        }
        if tool.defaults.keys().any(String::is_empty) {
            return Err(invalid(
                field("defaults"),
                "argument names must not be empty",
            ));
        }
    }
    Ok(())
}

/// Longest catalogue text field (names, descriptions, a homepage), in bytes.
const MAX_CATALOGUE_LINE: usize = 1024;
/// Longest readme, install text or logo (a `data:` URI holds the image), in bytes.
const MAX_CATALOGUE_TEXT: usize = 64 * 1024;
/// Most tags, and the longest tag.
const MAX_TAGS: usize = 20;
const MAX_TAG_LEN: usize = 40;

/// A catalogue entry is shown to every admin and rendered by the panel: bounded text, tags
/// without spaces, a homepage that is a web URL and a logo that is an https URL or an image
/// `data:` URI (no `javascript:` or other scheme a browser would run).
fn mcp_catalogue(catalogue: &super::McpCatalogue) -> Result<(), StoreError> {
    let lines = [
        ("display_name", &catalogue.display_name),
        ("display_name_zh", &catalogue.display_name_zh),
        ("description", &catalogue.description),
        ("description_zh", &catalogue.description_zh),
        ("homepage", &catalogue.homepage),
    ];
    for (field, value) in lines {
        if value.len() > MAX_CATALOGUE_LINE {
            return Err(invalid(
                format!("mcp_server.catalogue.{field}"),
                format!("longer than {MAX_CATALOGUE_LINE} bytes"),
            ));
        }
    }
    let texts = [
        ("readme", &catalogue.readme),
        ("install", &catalogue.install),
        ("logo", &catalogue.logo),
    ];
    for (field, value) in texts {
        if value.len() > MAX_CATALOGUE_TEXT {
            return Err(invalid(
                format!("mcp_server.catalogue.{field}"),
                format!("longer than {MAX_CATALOGUE_TEXT} bytes"),
            ));
        }
    }
    if catalogue.tags.len() > MAX_TAGS {
        return Err(invalid(
            "mcp_server.catalogue.tags",
            format!("more than {MAX_TAGS} tags"),
        ));
    }
    for tag in &catalogue.tags {
        if tag.is_empty()
            || tag.len() > MAX_TAG_LEN
            || tag.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid(
                "mcp_server.catalogue.tags",
                format!("a tag is 1 to {MAX_TAG_LEN} bytes without spaces"),
            ));
        }
    }
    if !catalogue.homepage.is_empty() {
        http_url("mcp_server.catalogue.homepage", &catalogue.homepage)?;
    }
    let logo = &catalogue.logo;
    if !logo.is_empty() && !logo.starts_with("data:image/") {
        let parsed = url::Url::parse(logo).map_err(|_| {
            invalid(
                "mcp_server.catalogue.logo",
                "must be an https URL or a data:image/ URI",
            )
        })?;
        if parsed.scheme() != "https" {
            return Err(invalid(
                "mcp_server.catalogue.logo",
                "must be an https URL or a data:image/ URI",
            ));
        }
    }
    Ok(())
}

/// Upstream OAuth is for proxied servers: the gateway sends the group's token upstream. A
/// client secret needs the client id it belongs to; scopes are bounded OAuth scope tokens.
fn upstream_oauth(server: &McpServer) -> Result<(), StoreError> {
    let Some(client) = &server.upstream_oauth else {
        return Ok(());
    };
    if !matches!(
        server.kind,
        McpServerKind::ProxyStreamable | McpServerKind::ProxySse
    ) {
        return Err(invalid(
            "mcp_server.upstream_oauth",
            "only a proxied server (proxy_streamable or proxy_sse) holds upstream tokens",
        ));
    }
    if client.client_id.trim().is_empty() && !client.client_secret.is_empty() {
        return Err(invalid(
            "mcp_server.upstream_oauth.client_secret",
            "needs the client_id it belongs to",
        ));
    }
    if client.client_id.len() > 512 || client.client_secret.len() > 1024 {
        return Err(invalid(
            "mcp_server.upstream_oauth",
            "client_id is at most 512 bytes and client_secret 1024",
        ));
    }
    let valid_scope = |scope: &String| {
        !scope.is_empty()
            && scope.len() <= 256
            && scope
                .bytes()
                .all(|byte| byte.is_ascii_graphic() && byte != b'"' && byte != b'\\')
    };
    if client.scopes.len() > 64 || !client.scopes.iter().all(valid_scope) {
        return Err(invalid(
            "mcp_server.upstream_oauth.scopes",
            "at most 64 scopes, each printable ASCII without spaces, quotes or backslashes",
        ));
    }
    Ok(())
}

pub fn mcp_server(server: &McpServer) -> Result<(), StoreError> {
    path_id("mcp_server.id", &server.id)?;
    // `/mcp` names tools `{server}__{tool}` and splits at the first `__`: a server id holding
    // one would be split wrongly (and could shadow another server's tools).
    if server.id.contains(mcp::TOOL_NAME_SEPARATOR) {
        return Err(invalid(
            "mcp_server.id",
            "must not contain '__' (it separates server and tool in /mcp tool names)",
        ));
    }
    // `/mcp/public/..` is a path a client or proxy rewrites, never the server's route.
    if server.id.chars().all(|c| c == '.') {
        return Err(invalid("mcp_server.id", "must not be only dots"));
    }
    decimal_non_negative("mcp_server.price_per_call", Some(server.price_per_call))?;
    if server
        .required_group_params
        .iter()
        .any(|name| name.trim().is_empty())
    {
        return Err(invalid(
            "mcp_server.required_group_params",
            "names must not be empty",
        ));
    }
    match (server.scope, &server.group_id) {
        (McpScope::Group, None) => {
            return Err(invalid("mcp_server.group", "required when scope is group"));
        }
        (McpScope::Public, Some(_)) => {
            return Err(invalid(
                "mcp_server.group",
                "must be empty when scope is public",
            ));
        }
        _ => {}
    }
    mcp_tool_policy(server)?;
    match server.kind {
        McpServerKind::Virtual => virtual_tools(server)?,
        _ if !server.virtual_tools.is_empty() => {
            return Err(invalid(
                "mcp_server.virtual_tools",
                "only a server of type virtual composes tools",
            ));
        }
        _ => {}
    }
    super::validate_virtual::virtual_offerings(server)?;
    mcp_catalogue(&server.catalogue)?;
    upstream_oauth(server)?;
    match server.kind {
        McpServerKind::Virtual => {}
        McpServerKind::Docs => {
            let catalogue = &server.catalogue;
            if catalogue.readme.trim().is_empty() && catalogue.homepage.trim().is_empty() {
                return Err(invalid(
                    "mcp_server.catalogue",
                    "a docs server needs a readme or a homepage: it is all the entry shows",
                ));
            }
        }
        McpServerKind::Embedded => {
            let template = server.template.as_deref().unwrap_or_default();
            name("mcp_server.template", template)?;
        }
        McpServerKind::ProxyStreamable | McpServerKind::ProxySse => {
            http_url("mcp_server.url", server.url.as_deref().unwrap_or_default())?;
        }
        McpServerKind::Grpc => {
            http_url("mcp_server.url", server.url.as_deref().unwrap_or_default())?;
            // The URL, metadata names and an uploaded descriptor set are checked here, so a
            // bad one is refused at write instead of failing every listing.
            let source = crate::mcp_host::bridge::grpc_source(server, BTreeMap::new());
            if let Some(source) = source
                && let Err(error) =
                    grpc2mcp::check(&crate::mcp_host::grpc::upstream_source(&source))
            {
                let field = match error {
                    grpc2mcp::CheckError::Url(_) => "mcp_server.url".to_owned(),
                    grpc2mcp::CheckError::Metadata(_) => "mcp_server.headers".to_owned(),
                    grpc2mcp::CheckError::DescriptorSet(_) => format!(
                        "mcp_server.params[{}]",
                        crate::mcp_host::bridge::DESCRIPTOR_SET_PARAM
                    ),
                };
                return Err(invalid(field, error.to_string()));
            }
        }
        McpServerKind::Openapi => {
            let Some(source) = &server.openapi else {
                return Err(invalid("mcp_server.openapi", "required for type openapi"));
            };
            let has_spec = source.spec.as_deref().is_some_and(|spec| !spec.is_empty());
            // With spec_url set, spec holds the document fetched from it at upload.
            match (has_spec, &source.spec_url) {
                (_, Some(spec_url)) => http_url("mcp_server.openapi.spec_url", spec_url)?,
                (false, None) => {
                    return Err(invalid(
                        "mcp_server.openapi",
                        "spec or spec_url is required",
                    ));
                }
                (true, None) => {}
            }
            if let Some(base_url) = &source.base_url {
                http_url("mcp_server.openapi.base_url", base_url)?;
            }
            map_keys("mcp_server.openapi.credentials", &source.credentials)?;
            list(
                "mcp_server.openapi.include_operations",
                &source.include_operations,
            )?;
            list(
                "mcp_server.openapi.exclude_operations",
                &source.exclude_operations,
            )?;
        }
    }
    map_keys("mcp_server.headers", &server.headers)?;
    for (header, value) in &server.headers {
        if http::HeaderName::from_bytes(header.as_bytes()).is_err()
            || http::HeaderValue::from_str(value).is_err()
        {
            return Err(invalid(
                format!("mcp_server.headers[{header}]"),
                "not a valid HTTP header",
            ));
        }
    }
    map_keys("mcp_server.query", &server.query)?;
    if let Some(value) = server
        .params
        .get(crate::mcp_host::pins::CHANGED_TOOLS_PARAM)
        && crate::mcp_host::pins::changed_tools(Some(value)).is_none()
    {
        return Err(invalid(
            format!(
                "mcp_server.params[{}]",
                crate::mcp_host::pins::CHANGED_TOOLS_PARAM
            ),
            "must be hide or serve_approved",
        ));
    }
    map_keys("mcp_server.params", &server.params)
}

/// An option must be one the gateway reads, with a value it can read (see
/// [`crate::process::options`]): a stored option never sits unread.
pub fn option(key: &str, value: &str) -> Result<(), StoreError> {
    name("option.key", key)?;
    crate::process::options::validate(key, value).map_err(|error| match error {
        crate::process::options::OptionError::Unknown(_) => {
            invalid("option.key", error.to_string())
        }
        crate::process::options::OptionError::Invalid { .. } => {
            invalid("option.value", error.to_string())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcp_server_ids_that_break_routes_or_tool_names_are_refused() {
        for (id, ok) in [
            ("clock", true),
            ("my_clock.v2", true),
            ("a__b", false),
            ("__", false),
            (".", false),
            ("..", false),
            ("a.b", true),
        ] {
            let mut server = McpServer::new(id, McpScope::Public, McpServerKind::Embedded);
            server.template = Some("time".into());
            assert_eq!(mcp_server(&server).is_ok(), ok, "{id}");
        }
    }
}
