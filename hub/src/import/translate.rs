//! Turns the seed's rows (or its YAML file's entries) into our declarative document, noting what does not carry over.
//!
//! Values arrive as text from the database and as numbers from YAML, so every field is read
//! leniently. What has no counterpart here is left out with a warning rather than failing
//! the import; what we cannot apply (an unknown channel type) is skipped with a warning too.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::str::FromStr;

use relay::host::ChannelKind;
use relay::provider::seed_types::SEED_TYPES;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::seed::{Record, SeedRows};
use crate::edges::declarative::{
    ChannelSpec, Document, GroupSpec, McpServerSpec, ModelSpec, OptionValue, OverrideSpec,
    PriceSpec, TokenSpec,
};
use crate::store::{
    GroupStatus, McpScope, McpServerKind, ModelType, OpenApiSource, QuotaPeriod, Status, Timeouts,
};

/// A group's parameters for a public MCP server (the seed's "reusing params").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupParams {
    pub server_id: String,
    pub group_id: String,
    pub params: BTreeMap<String, String>,
}

/// The translated configuration and what could not be carried over.
#[derive(Debug, Clone, Default)]
pub struct Translation {
    pub document: Document,
    pub group_params: Vec<GroupParams>,
    pub warnings: Vec<String>,
}

/// Our registry's channel type for the seed's type number or name.
pub fn channel_kind(number: Option<i64>, name: &str) -> Option<ChannelKind> {
    let name = match number.filter(|number| *number != 0) {
        Some(number) => SEED_TYPES
            .iter()
            .find(|(known, _)| *known == number)
            .map(|(_, name)| *name)?,
        None => name.trim(),
    };
    let aliases: &[(&str, &str)] = &[
        ("claude", "anthropic"),
        ("vertex", "vertexai"),
        ("aliyun", "ali"),
        ("360", "ai360"),
        ("azure2", "azure"),
        ("aicp", "sangforaicp"),
        ("ant ling", "antling"),
    ];
    let lower = name.to_lowercase();
    let lower = aliases
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map_or(lower.as_str(), |(_, ours)| ours);
    ChannelKind::parse(name).or_else(|| ChannelKind::parse(lower))
}

/// Our model type for the seed's mode number (`core/relay/mode`) or YAML type name.
fn model_type(number: Option<i64>, name: &str) -> Option<ModelType> {
    let by_number = |number: i64| match number {
        1 | 12 | 16 | 21 => Some(ModelType::Chat),
        2 => Some(ModelType::Completion),
        3 => Some(ModelType::Embedding),
        4 => Some(ModelType::Moderation),
        5 | 6 => Some(ModelType::Image),
        7..=9 => Some(ModelType::Audio),
        10 => Some(ModelType::Rerank),
        11 => Some(ModelType::Document),
        13..=15 | 22..=28 | 32..=38 => Some(ModelType::Video),
        _ => None,
    };
    match number.filter(|number| *number != 0) {
        Some(number) => by_number(number),
        None => match name.trim().to_lowercase().as_str() {
            "" | "chat" | "chatcompletion" | "chatcompletions" | "anthropic" | "responses"
            | "gemini" => Some(ModelType::Chat),
            "completion" | "completions" => Some(ModelType::Completion),
            "embedding" | "embeddings" => Some(ModelType::Embedding),
            "moderation" | "moderations" => Some(ModelType::Moderation),
            "video" | "videos" | "videogenerationsjobs" => Some(ModelType::Video),
            "image" | "imagegeneration" | "imagegenerations" | "imageedit" | "imageedits" => {
                Some(ModelType::Image)
            }
            "audio" | "audiospeech" | "speech" | "audiotranscription" | "transcription"
            | "audiotranslation" | "translation" => Some(ModelType::Audio),
            "rerank" => Some(ModelType::Rerank),
            "document" | "parsepdf" | "pdf" => Some(ModelType::Document),
            _ => None,
        },
    }
}

/// Translates the rows of a seed database.
pub fn translate(rows: &SeedRows) -> Translation {
    let mut out = Translation::default();
    let mut groups: BTreeMap<String, GroupSpec> = BTreeMap::new();
    for record in &rows.groups {
        let id = text(record, "id");
        if id.is_empty() {
            continue;
        }
        groups.insert(id.clone(), group(record, id));
    }
    for record in &rows.group_model_configs {
        let group_id = text(record, "group_id");
        let model = text(record, "model");
        if group_id.is_empty() || model.is_empty() {
            continue;
        }
        let item = model_override(record, model, &mut out.warnings);
        ensure_group(&mut groups, &group_id)
            .model_overrides
            .push(item);
    }
    out.document.channels = channels(&rows.channels, &mut out.warnings);
    out.document.models = rows
        .model_configs
        .iter()
        .filter_map(|record| model(record, &mut out.warnings))
        .collect();
    out.document.tokens = tokens(&rows.tokens, &mut groups);
    out.document.options = options(&rows.options, &mut out.warnings);
    let (servers, params) = mcp_servers(rows, &mut groups, &mut out.warnings);
    out.document.mcp_servers = servers;
    out.group_params = params;
    out.document.groups = groups.into_values().collect();
    out
}

fn ensure_group<'a>(groups: &'a mut BTreeMap<String, GroupSpec>, id: &str) -> &'a mut GroupSpec {
    groups.entry(id.to_owned()).or_insert_with(|| GroupSpec {
        id: id.to_owned(),
        rpm_ratio: 1.0,
        tpm_ratio: 1.0,
        ..GroupSpec::default()
    })
}

fn group(record: &Record, id: String) -> GroupSpec {
    let ratio = |key: &str| {
        number(record, key)
            .filter(|ratio| *ratio > 0.0)
            .unwrap_or(1.0)
    };
    GroupSpec {
        id,
        status: Some(match int(record, "status") {
            Some(2) => GroupStatus::Disabled,
            Some(3) => GroupStatus::Internal,
            _ => GroupStatus::Enabled,
        }),
        rpm_ratio: ratio("rpm_ratio"),
        tpm_ratio: ratio("tpm_ratio"),
        available_sets: strings(record, "available_sets"),
        balance: None,
        balance_alert_threshold: decimal(record, "balance_alert_threshold")
            .filter(|threshold| !threshold.is_zero()),
        balance_alert_enabled: flag(record, "balance_alert_enabled"),
        max_concurrency: None,
        model_overrides: Vec::new(),
    }
}

/// Channels; names made unique (the seed allows repeats), unknown types skipped.
pub fn channels(records: &[Record], warnings: &mut Vec<String>) -> Vec<ChannelSpec> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (idx, record) in records.iter().enumerate() {
        let id = text(record, "id");
        let label = if id.is_empty() { idx.to_string() } else { id };
        let type_name = text(record, "type_name");
        let Some(kind) = channel_kind(int(record, "type"), &type_name) else {
            warnings.push(format!(
                "channel {label} ({}) skipped: type {} has no counterpart here",
                text(record, "name"),
                record
                    .get("type")
                    .map_or(type_name.clone(), Value::to_string)
            ));
            continue;
        };
        let mut name = text(record, "name");
        if name.is_empty() {
            name = format!("channel-{label}");
        }
        if !seen.insert(name.clone()) {
            name = format!("{name}-{label}");
            seen.insert(name.clone());
        }
        let configs = record
            .get("configs")
            .or_else(|| record.get("config"))
            .and_then(Value::as_object)
            .map(|configs| {
                configs
                    .iter()
                    .filter(|(_, value)| !value.is_null())
                    .map(|(key, value)| (key.clone(), option_value(value)))
                    .collect()
            })
            .unwrap_or_default();
        let positive = |key: &str| number(record, key).filter(|value| *value > 0.0);
        out.push(ChannelSpec {
            name,
            kind: kind.as_str().to_owned(),
            base_url: text(record, "base_url"),
            key: text(record, "key"),
            models: strings(record, "models"),
            model_mapping: string_map(record, "model_mapping"),
            // The seed treats 0 as its default priority, 10.
            priority: int(record, "priority").filter(|p| *p != 0).unwrap_or(10),
            sets: strings(record, "sets"),
            status: Some(status(record)),
            proxy_url: Some(text(record, "proxy_url")).filter(|url| !url.is_empty()),
            timeouts: Timeouts::default(),
            config: configs,
            warn_error_rate: positive("warn_error_rate").map(|rate| rate.min(1.0)),
            max_error_rate: positive("max_error_rate").map(|rate| rate.min(1.0)),
            balance_threshold: positive("balance_threshold"),
            disable_when_empty: false,
        });
    }
    out
}

/// A model config, or `None` (with a warning) for a type we do not serve.
pub fn model(record: &Record, warnings: &mut Vec<String>) -> Option<ModelSpec> {
    let name = text(record, "model");
    if name.is_empty() {
        return None;
    }
    let Some(model_type) = model_type(int(record, "type"), &text(record, "type_name")) else {
        warnings.push(format!(
            "model {name} skipped: its type ({}) has no counterpart here",
            record.get("type").map_or(String::new(), Value::to_string)
        ));
        return None;
    };
    let mut config = record
        .get("config")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    config.retain(|_, value| !value.is_null());
    let max_output_tokens = config.get("max_output_tokens").and_then(as_int);
    let plugins = record
        .get("plugin")
        .and_then(Value::as_object)
        .map(|plugin| plugins(&name, plugin, warnings))
        .filter(|plugins| !plugins.is_empty());
    Some(ModelSpec {
        model_type: Some(model_type),
        owner: text(record, "owner"),
        rpm: int(record, "rpm").unwrap_or(0).max(0),
        tpm: int(record, "tpm").unwrap_or(0).max(0),
        retry_times: int(record, "retry_times").filter(|times| *times > 0),
        timeouts: timeouts(record),
        price: price(record, &name, warnings),
        max_output_tokens: max_output_tokens.filter(|tokens| *tokens > 0),
        plugins: plugins.map(Value::Object),
        config: Some(Value::Object(config)).filter(|config| config != &json!({})),
        model: name,
    })
}

fn model_override(record: &Record, model: String, warnings: &mut Vec<String>) -> OverrideSpec {
    let limit = flag(record, "override_limit");
    OverrideSpec {
        rpm: int(record, "rpm").filter(|_| limit),
        tpm: int(record, "tpm").filter(|_| limit),
        price: price(record, &model, warnings).filter(|_| flag(record, "override_price")),
        retry_times: int(record, "retry_times").filter(|_| flag(record, "override_retry_times")),
        timeouts: if flag(record, "override_timeout_config") {
            timeouts(record)
        } else {
            Timeouts::default()
        },
        save_detail: flag(record, "override_force_save_detail")
            && flag(record, "force_save_detail"),
        plugins: None,
        model,
    }
}

/// The seed's whole-request timeout bounds the wait for the answer (for a whole answer, its
/// first byte); its stream timeout bounds a stream, approximated by the idle time between events.
fn timeouts(record: &Record) -> Timeouts {
    let nested = record.get("timeout_config").and_then(Value::as_object);
    let seconds = |key: &str| {
        int(record, key)
            .or_else(|| nested.and_then(|nested| nested.get(key)).and_then(as_int))
            .filter(|seconds| *seconds > 0)
            .map(|seconds| seconds.saturating_mul(1000))
    };
    Timeouts {
        connect_ms: None,
        first_byte_ms: seconds("request_timeout"),
        stream_idle_ms: seconds("stream_request_timeout"),
    }
}

/// The seed prices per 1,000 tokens unless a field's own `_unit` says otherwise; ours has one
/// unit, so each price is scaled to per-1,000. Web search is per call in ours.
fn price(record: &Record, model: &str, warnings: &mut Vec<String>) -> Option<PriceSpec> {
    let nested = record.get("price").and_then(Value::as_object);
    let field = |names: &[&str]| -> Option<Decimal> {
        names.iter().find_map(|name| {
            decimal(record, name).or_else(|| nested.and_then(|nested| decimal(nested, name)))
        })
    };
    let unit_of = |name: &str| {
        let unit_name = format!("{name}_unit");
        int(record, &unit_name)
            .or_else(|| nested.and_then(|nested| int(nested, &unit_name)))
            .filter(|unit| *unit > 0)
            .unwrap_or(1000)
    };
    let per_thousand = |names: &[&str]| -> Option<Decimal> {
        let value = field(names).filter(|value| !value.is_zero())?;
        let unit = unit_of(names[0]);
        Some(value * Decimal::from(1000) / Decimal::from(unit))
    };
    if field(&["video_input_price"]).is_some_and(|price| !price.is_zero()) {
        warnings.push(format!(
            "model {model}: its video input price is not carried over"
        ));
    }
    let spec = PriceSpec {
        input_price: per_thousand(&["input_price", "input", "inputprice"]),
        output_price: per_thousand(&["output_price", "output", "outputprice"]),
        cached_input_price: per_thousand(&["cached_price", "cached", "cachedprice"]),
        cache_creation_price: per_thousand(&["cache_creation_price", "cachecreationprice"]),
        image_input_price: per_thousand(&["image_input_price", "imageinputprice"]),
        image_output_price: per_thousand(&["image_output_price", "imageoutputprice"]),
        audio_input_price: per_thousand(&["audio_input_price", "audioinputprice"]),
        audio_output_price: per_thousand(&["audio_output_price", "audiooutputprice"]),
        per_request_price: field(&["per_request_price", "perrequestprice"])
            .filter(|price| !price.is_zero()),
        reasoning_output_price: per_thousand(&[
            "thinking_mode_output_price",
            "thinkingmodeoutputprice",
        ]),
        web_search_price_per_call: field(&["web_search_price", "websearchprice"])
            .filter(|price| !price.is_zero())
            .map(|price| price / Decimal::from(unit_of("web_search_price"))),
        unit: Some(1000),
        tiers: Vec::new(),
    };
    let empty = PriceSpec {
        unit: Some(1000),
        ..PriceSpec::default()
    };
    (spec != empty).then_some(spec)
}

/// The seed's plugin settings as ours: plugin names mapped, fields it has and we do not
/// dropped with a warning, and a plugin whose settings we cannot read left out.
pub fn plugins(
    model: &str,
    seed: &Map<String, Value>,
    warnings: &mut Vec<String>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, settings) in seed {
        let ours = match name.as_str() {
            "cache" => "cache",
            "cachefollow" | "cache-follow" | "cache_follow" => "cache_follow",
            "stream-fake" | "streamfake" | "stream_fake" => "stream_fake",
            "think-split" | "thinksplit" | "think_split" => "think_split",
            "web-search" | "websearch" | "web_search" => "web_search",
            "patch" => "patch",
            "timeout" => "timeout",
            other => {
                warnings.push(format!(
                    "model {model}: plugin {other} has no counterpart here"
                ));
                continue;
            }
        };
        let Some(settings) = settings.as_object() else {
            continue;
        };
        let mut settings = settings.clone();
        if ours == "cache" {
            for dropped in ["add_cache_hit_header", "cache_hit_header"] {
                if settings.remove(dropped).is_some() {
                    warnings.push(format!(
                        "model {model}: cache setting {dropped} is not carried over"
                    ));
                }
            }
        }
        let candidate = json!({ ours: Value::Object(settings.clone()) });
        match relay::plugin::validate(&candidate) {
            Ok(()) => {
                out.insert(ours.to_owned(), Value::Object(settings));
            }
            Err(error) => warnings.push(format!(
                "model {model}: plugin {name} left out, its settings do not translate: {error}"
            )),
        }
    }
    out
}

fn tokens(records: &[Record], groups: &mut BTreeMap<String, GroupSpec>) -> Vec<TokenSpec> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for record in records {
        let group_id = text(record, "group_id");
        let key = text(record, "key");
        if group_id.is_empty() || key.is_empty() {
            continue;
        }
        ensure_group(groups, &group_id);
        let id = text(record, "id");
        let mut name = text(record, "name");
        if name.is_empty() {
            name = format!("token-{id}");
        }
        if !seen.insert((group_id.clone(), name.clone())) {
            name = format!("{name}-{id}");
        }
        let period_quota = decimal(record, "period_quota").filter(|quota| !quota.is_zero());
        out.push(TokenSpec {
            group: group_id,
            name,
            // The seed stores keys without the `sk-` its callers send (it strips it); ours
            // compares the whole key, so the key callers send is the one stored.
            key: Some(if key.starts_with("sk-") {
                key
            } else {
                format!("sk-{key}")
            }),
            status: Some(status(record)),
            expires_at_ms: None,
            subnets: strings(record, "subnets"),
            models: strings(record, "models"),
            mcp_servers: Vec::new(),
            quota: decimal(record, "quota").filter(|quota| !quota.is_zero()),
            period: period_quota.map(|_| {
                QuotaPeriod::parse(&text(record, "period_type")).unwrap_or(QuotaPeriod::Monthly)
            }),
            period_quota,
            rpm: None,
            tpm: None,
            max_concurrency: None,
        });
    }
    out
}

/// Options we know, as stored; the others are reported, not imported.
pub fn options(records: &[Record], warnings: &mut Vec<String>) -> BTreeMap<String, OptionValue> {
    let mut out = BTreeMap::new();
    for record in records {
        let key = text(record, "key");
        let value = text(record, "value");
        match crate::process::options::validate(&key, &value) {
            Ok(()) => {
                out.insert(key, OptionValue::Text(value));
            }
            Err(error) => warnings.push(format!("option {key} not imported: {error}")),
        }
    }
    out
}

/// Public and group MCP servers, and the groups' parameters for the public ones.
fn mcp_servers(
    rows: &SeedRows,
    groups: &mut BTreeMap<String, GroupSpec>,
    warnings: &mut Vec<String>,
) -> (Vec<McpServerSpec>, Vec<GroupParams>) {
    let mut servers = Vec::new();
    let mut ids = HashSet::new();
    // Each public server's group parameters, by the seed's name, with our name for them.
    let mut reusing: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for record in &rows.public_mcps {
        let id = text(record, "id");
        let Some(mut server) = mcp_server(record, &id, warnings) else {
            continue;
        };
        server.scope = Some(McpScope::Public);
        server.price_per_call =
            decimal(record, "default_tools_call_price").filter(|price| !price.is_zero());
        server.tool_prices = tool_prices(record, &id, warnings);
        let mut names = BTreeMap::new();
        if let Some(params) = record
            .get("proxy_config")
            .and_then(|config| config.get("reusing"))
            .and_then(Value::as_object)
        {
            for (param, spec) in params {
                let ours = match spec.get("type").and_then(Value::as_str) {
                    Some("query") => format!("query:{param}"),
                    Some("header") | None => format!("header:{param}"),
                    Some(other) => {
                        warnings.push(format!(
                            "mcp server {id}: group parameter {param} of type {other} is not carried over"
                        ));
                        continue;
                    }
                };
                if spec.get("required").and_then(Value::as_bool) == Some(true) {
                    server.required_group_params.push(ours.clone());
                }
                names.insert(param.clone(), ours);
            }
        }
        reusing.insert(id.clone(), names);
        ids.insert(id);
        servers.push(server);
    }
    for record in &rows.group_mcps {
        let group_id = text(record, "group_id");
        let seed_id = text(record, "id");
        if group_id.is_empty() {
            continue;
        }
        // Our ids are global; the seed's are per group.
        let id = if ids.contains(&seed_id) {
            format!("{group_id}-{seed_id}")
        } else {
            seed_id.clone()
        };
        let Some(mut server) = mcp_server(record, &id, warnings) else {
            continue;
        };
        ensure_group(groups, &group_id);
        server.scope = Some(McpScope::Group);
        server.group = Some(group_id);
        ids.insert(id);
        servers.push(server);
    }
    let mut params = Vec::new();
    for record in &rows.public_mcp_reusing_params {
        let server_id = text(record, "mcp_id");
        let group_id = text(record, "group_id");
        let Some(names) = reusing.get(&server_id) else {
            continue;
        };
        ensure_group(groups, &group_id);
        let values: BTreeMap<String, String> = string_map(record, "params")
            .into_iter()
            .map(|(name, value)| {
                let ours = names
                    .get(&name)
                    .cloned()
                    .unwrap_or_else(|| format!("header:{name}"));
                (ours, value)
            })
            .collect();
        if !values.is_empty() {
            params.push(GroupParams {
                server_id,
                group_id,
                params: values,
            });
        }
    }
    (servers, params)
}

fn mcp_server(record: &Record, id: &str, warnings: &mut Vec<String>) -> Option<McpServerSpec> {
    let kind_text = text(record, "type");
    let kind = match kind_text.as_str() {
        "mcp_proxy_sse" => McpServerKind::ProxySse,
        "mcp_proxy_streamable" => McpServerKind::ProxyStreamable,
        "mcp_openapi" => McpServerKind::Openapi,
        other => {
            warnings.push(format!(
                "mcp server {id} skipped: type {other:?} has no counterpart here"
            ));
            return None;
        }
    };
    let mut server = McpServerSpec {
        id: id.to_owned(),
        kind: Some(kind),
        status: Some(status(record)),
        ..McpServerSpec::default()
    };
    if let Some(proxy) = record.get("proxy_config").filter(|value| value.is_object()) {
        let proxy = proxy.as_object().cloned().unwrap_or_default();
        server.url = Some(text(&proxy, "url")).filter(|url| !url.is_empty());
        server.headers = string_map(&proxy, "headers");
        server.query = string_map(&proxy, "querys");
    }
    if let Some(openapi) = record
        .get("openapi_config")
        .and_then(Value::as_object)
        .filter(|_| kind == McpServerKind::Openapi)
    {
        let spec_url = text(openapi, "openapi_spec");
        let spec = text(openapi, "openapi_content");
        if !text(openapi, "authorization").is_empty() {
            warnings.push(format!(
                "mcp server {id}: its OpenAPI authorization is not carried over; set the credentials of its security scheme"
            ));
        }
        server.openapi = Some(OpenApiSource {
            spec: Some(spec.clone()).filter(|spec| !spec.is_empty()),
            spec_url: Some(spec_url).filter(|url| !url.is_empty() && spec.is_empty()),
            base_url: Some(text(openapi, "server_addr")).filter(|url| !url.is_empty()),
            ..OpenApiSource::default()
        });
    }
    Some(server)
}

fn status(record: &Record) -> Status {
    match int(record, "status") {
        Some(2) => Status::Disabled,
        _ => Status::Enabled,
    }
}

fn option_value(value: &Value) -> OptionValue {
    match value {
        Value::Bool(flag) => OptionValue::Bool(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(int) => OptionValue::Int(int),
            None => OptionValue::Float(number.as_f64().unwrap_or_default()),
        },
        Value::String(text) => OptionValue::Text(text.clone()),
        other => OptionValue::Text(other.to_string()),
    }
}

/// The field as text: strings as they are, numbers and booleans written out, null empty.
pub fn text(record: &Record, key: &str) -> String {
    match record.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn as_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().map(|float| float as i64)),
        Value::String(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .or_else(|| text.trim().parse::<f64>().ok().map(|float| float as i64)),
        Value::Bool(flag) => Some(i64::from(*flag)),
        _ => None,
    }
}

fn int(record: &Record, key: &str) -> Option<i64> {
    record.get(key).and_then(as_int)
}

fn number(record: &Record, key: &str) -> Option<f64> {
    match record.get(key)? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|number: &f64| number.is_finite())
}

fn decimal(record: &Record, key: &str) -> Option<Decimal> {
    let text = match record.get(key)? {
        Value::Number(number) => number.to_string(),
        Value::String(text) => text.trim().to_owned(),
        _ => return None,
    };
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
        .map(|value| value.normalize())
}

/// The seed's `tools_call_prices` (a JSON object of tool name to price per call; the seed stores
/// them without charging by them) as our `tool_prices`, which the MCP hub charges per call over
/// the server's price. A price that is not a non-negative number is left out with a warning, so
/// the tool falls back to the server's price instead of becoming free by accident; a listed zero
/// stays, since an operator who wrote it meant that tool to be free.
fn tool_prices(record: &Record, id: &str, warnings: &mut Vec<String>) -> BTreeMap<String, Decimal> {
    let mut prices = BTreeMap::new();
    let Some(listed) = record.get("tools_call_prices").and_then(Value::as_object) else {
        return prices;
    };
    for (tool, price) in listed {
        let parsed = match price {
            Value::Number(number) => Decimal::from_str(&number.to_string())
                .or_else(|_| Decimal::from_scientific(&number.to_string()))
                .ok(),
            _ => None,
        };
        match parsed {
            Some(price) if !price.is_sign_negative() => {
                prices.insert(tool.clone(), price.normalize());
            }
            _ => warnings.push(format!(
                "mcp server {id}: the price of tool {tool} is not a price ({price}); the server's price applies"
            )),
        }
    }
    prices
}

fn flag(record: &Record, key: &str) -> bool {
    match record.get(key) {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::Number(number)) => number.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(text)) => matches!(text.trim(), "1" | "t" | "true" | "TRUE" | "True"),
        _ => false,
    }
}

fn strings(record: &Record, key: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    record
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .filter(|item| !item.is_empty() && seen.insert(item.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn string_map(record: &Record, key: &str) -> BTreeMap<String, String> {
    record
        .get(key)
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(name, value)| {
                    let value = match value {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    (name.clone(), value)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_type_numbers_and_names_map_to_our_registry() {
        assert_eq!(
            channel_kind(Some(1), "").map(ChannelKind::as_str),
            Some("openai")
        );
        assert_eq!(
            channel_kind(Some(14), "").map(ChannelKind::as_str),
            Some("anthropic")
        );
        assert_eq!(
            channel_kind(Some(53), "").map(ChannelKind::as_str),
            Some("fake")
        );
        assert_eq!(
            channel_kind(None, "claude").map(ChannelKind::as_str),
            Some("anthropic")
        );
        assert_eq!(channel_kind(Some(999), ""), None);
    }

    #[test]
    fn prices_are_scaled_to_one_unit_and_web_search_is_per_call() {
        let record: Record = serde_json::from_value(json!({
            "input_price": "0.002", "output_price": "8", "output_price_unit": "1000000",
            "web_search_price": "10", "web_search_price_unit": "1000"
        }))
        .unwrap();
        let spec = price(&record, "m", &mut Vec::new()).unwrap();
        assert_eq!(spec.input_price, Some(Decimal::from_str("0.002").unwrap()));
        assert_eq!(spec.output_price, Some(Decimal::from_str("0.008").unwrap()));
        assert_eq!(
            spec.web_search_price_per_call,
            Some(Decimal::from_str("0.01").unwrap())
        );
        assert_eq!(spec.unit, Some(1000));
    }
}
