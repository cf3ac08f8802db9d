//! The in-memory configuration snapshot the relay and MCP read on every request, rebuilt from the store and swapped atomically on change.
//!
//! Requests never wait on the database: they load the current `Arc<Snapshot>` (one atomic read)
//! and answer from it. A change made through the control plane reloads the snapshot before the
//! RPC answers (see `fresh_after_writes`); changes made by another replica arrive through Redis
//! or, at worst, the periodic revision poll.

pub mod changes;
pub mod replicas;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use ipnet::IpNet;
use relay::host::{
    Channel as RelayChannel, ChannelDirectory, ChannelTimeouts, Gatekeeper, ModelEntry,
    ModelSettings, Route,
};
use relay::plugin::PluginSettings;
use sha2::{Digest, Sha256};
use tenancy::{AuthError, Caller, McpAllowList, ToolFilter};
use tokio::sync::Mutex;
use tokio::sync::broadcast::error::RecvError;

use crate::access::AdminPrincipal;
use crate::process::options::RuntimeOptions;
use crate::snapshot::changes::ChangeFeed;
use crate::store::media_config::MediaConfig;
use crate::store::{
    Group, GroupModelOverride, GroupStatus, McpServer, ModelConfig, Status, Store, StoreDump,
    StoreError, Timeouts,
};

/// The channel set a group or channel belongs to when it names none.
pub const DEFAULT_SET: &str = "default";

/// One immutable view of the configuration.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub revision: i64,
    groups: HashMap<String, Group>,
    tokens_by_hash: HashMap<String, TokenEntry>,
    /// What governance needs of each token, by id (the relay's caller names the id).
    token_limits: HashMap<i64, TokenLimits>,
    /// Enabled channels serving each model, highest priority first.
    channels_by_model: HashMap<String, Vec<ServingChannel>>,
    /// The channels with an error-rate threshold of their own, by id.
    channel_error_rates: HashMap<i64, relay::ErrorRateThresholds>,
    model_configs: HashMap<String, ModelConfig>,
    group_overrides: HashMap<(String, String), GroupModelOverride>,
    /// Plugin settings parsed once per snapshot: per model, and per (group, model) where an
    /// override names plugins (`None` there: the merge left no plugin configured).
    model_plugins: HashMap<String, Arc<PluginSettings>>,
    override_plugins: HashMap<(String, String), Option<Arc<PluginSettings>>>,
    pub mcp_servers: Vec<McpServer>,
    /// Parameters each group set for a server, keyed by (server id, group id).
    pub group_mcp_params: HashMap<(String, String), std::collections::BTreeMap<String, String>>,
    pub options: std::collections::BTreeMap<String, String>,
    /// `options` parsed: what the relay, governance, logs and alerts read on every request.
    pub runtime: RuntimeOptions,
    /// What each group has consumed (the sum of its tokens' used amounts as of this snapshot):
    /// the level `GroupConsumeLevelRatio` is chosen by.
    group_consumed: HashMap<String, rust_decimal::Decimal>,
    /// The tool pins of each pinned remote MCP server (absent: not pinned yet).
    pub mcp_pins: HashMap<String, Arc<mcp::pinning::ServerPins>>,
    /// Admin keys not revoked, by the hash of the key and by id (`access::Access`).
    admin_keys_by_hash: HashMap<String, Arc<AdminPrincipal>>,
    admin_keys_by_id: HashMap<i64, Arc<AdminPrincipal>>,
}

/// A token as authentication needs it: the caller it becomes for the relay and MCP alike, and
/// the rules checked before.
#[derive(Debug)]
struct TokenEntry {
    caller: Caller,
    status: Status,
    expires_at: Option<i64>,
    subnets: Vec<IpNet>,
}

/// A token's own limits and quotas.
#[derive(Debug, Clone)]
pub struct TokenLimits {
    pub rpm: Option<i64>,
    pub tpm: Option<i64>,
    pub max_concurrency: Option<i64>,
    pub quota: Option<rust_decimal::Decimal>,
    pub period_quota: Option<rust_decimal::Decimal>,
    pub period: Option<crate::store::QuotaPeriod>,
    /// When the token stops working (unix ms); `None` never. Shown by the billing views.
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone)]
struct ServingChannel {
    channel: Arc<RelayChannel>,
    sets: Arc<[String]>,
}

/// Hex SHA-256 of an API key: how tokens are stored and looked up.
pub fn hash_api_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

impl Snapshot {
    pub fn build(dump: StoreDump) -> Snapshot {
        let runtime = RuntimeOptions::from_stored(&dump.options);
        let mut group_consumed: HashMap<String, rust_decimal::Decimal> = HashMap::new();
        for token in &dump.tokens {
            *group_consumed.entry(token.group_id.clone()).or_default() += token.used_amount;
        }
        let groups: HashMap<String, Group> = dump
            .groups
            .into_iter()
            .map(|group| (group.id.clone(), group))
            .collect();
        let token_limits = dump
            .tokens
            .iter()
            .map(|token| {
                let limits = TokenLimits {
                    rpm: token.rpm,
                    tpm: token.tpm,
                    max_concurrency: token.max_concurrency,
                    quota: token.quota,
                    period_quota: token.period_quota,
                    period: token.period,
                    expires_at: token.expires_at,
                };
                (token.id, limits)
            })
            .collect();
        let tokens_by_hash = dump
            .tokens
            .into_iter()
            .filter_map(|token| {
                let group = groups.get(&token.group_id)?;
                let caller = Caller {
                    group_id: token.group_id.clone(),
                    token_id: token.id,
                    token_name: token.name.clone(),
                    allowed_models: (!token.models.is_empty()).then(|| token.models.clone().into()),
                    sets: sets_or_default(&group.available_sets),
                    mcp_allow: mcp_allow_list(&token.mcp_servers).map(Arc::new),
                    ..Caller::default()
                };
                let entry = TokenEntry {
                    caller,
                    status: token.status,
                    expires_at: token.expires_at,
                    subnets: token.subnets,
                };
                Some((token.key_hash, entry))
            })
            .collect();
        let channel_error_rates = dump
            .channels
            .iter()
            .map(|channel| (channel.id, channel.error_rates()))
            .filter(|(_, rates)| *rates != relay::ErrorRateThresholds::default())
            .collect();
        let mut channels_by_model: HashMap<String, Vec<ServingChannel>> = HashMap::new();
        for channel in dump
            .channels
            .into_iter()
            .filter(|channel| channel.status == Status::Enabled)
        {
            let sets = sets_or_default(&channel.sets);
            let kind = channel.kind.as_str();
            let models = if channel.models.is_empty() {
                runtime
                    .default_channel_models
                    .get(kind)
                    .cloned()
                    .unwrap_or_default()
            } else {
                channel.models.clone()
            };
            let default_mapping = runtime.default_channel_model_mapping.get(kind);
            let serving = ServingChannel {
                channel: Arc::new(relay_channel(channel, default_mapping)),
                sets,
            };
            for model in models {
                channels_by_model
                    .entry(model)
                    .or_default()
                    .push(serving.clone());
            }
        }
        for candidates in channels_by_model.values_mut() {
            candidates.sort_by(|a, b| {
                b.channel
                    .priority
                    .cmp(&a.channel.priority)
                    .then(a.channel.id.cmp(&b.channel.id))
            });
        }
        let (model_plugins, override_plugins) =
            parse_plugins(&dump.model_configs, &dump.group_overrides);
        let mut admin_keys_by_hash = HashMap::new();
        let mut admin_keys_by_id = HashMap::new();
        for key in dump
            .admin_keys
            .into_iter()
            .filter(|key| key.revoked_at.is_none())
        {
            let principal = Arc::new(AdminPrincipal {
                key_id: key.id,
                name: key.name,
                role: key.role,
                groups: (!key.groups.is_empty())
                    .then(|| Arc::new(key.groups.into_iter().collect::<BTreeSet<_>>())),
            });
            admin_keys_by_id.insert(key.id, principal.clone());
            admin_keys_by_hash.insert(key.key_hash, principal);
        }
        Snapshot {
            revision: dump.revision,
            groups,
            tokens_by_hash,
            token_limits,
            channels_by_model,
            channel_error_rates,
            model_plugins,
            override_plugins,
            model_configs: dump
                .model_configs
                .into_iter()
                .map(|config| (config.model.clone(), config))
                .collect(),
            group_overrides: dump
                .group_overrides
                .into_iter()
                .map(|item| ((item.group_id.clone(), item.model.clone()), item))
                .collect(),
            mcp_pins: crate::mcp_host::pins::server_pins(&dump.mcp_servers, dump.mcp_pins),
            mcp_servers: dump.mcp_servers,
            group_mcp_params: dump
                .group_mcp_params
                .into_iter()
                .map(|item| ((item.server_id, item.group_id), item.params))
                .collect(),
            options: dump.options,
            runtime,
            group_consumed,
            admin_keys_by_hash,
            admin_keys_by_id,
        }
    }

    /// The admin key `presented` is, unless unknown or revoked.
    pub fn admin_key(&self, presented: &str) -> Option<&AdminPrincipal> {
        self.admin_keys_by_hash
            .get(&hash_api_key(presented))
            .map(AsRef::as_ref)
    }

    /// Admin key `id`, unless unknown or revoked.
    pub fn admin_key_by_id(&self, id: i64) -> Option<&AdminPrincipal> {
        self.admin_keys_by_id.get(&id).map(AsRef::as_ref)
    }

    /// The error-rate thresholds a channel's pairs are judged by (the defaults when it has
    /// none of its own).
    pub fn channel_error_rates(&self, channel_id: i64) -> relay::ErrorRateThresholds {
        self.channel_error_rates
            .get(&channel_id)
            .copied()
            .unwrap_or_default()
    }

    /// What `group_id` has consumed, as of this snapshot.
    pub fn group_consumed(&self, group_id: &str) -> rust_decimal::Decimal {
        self.group_consumed
            .get(group_id)
            .copied()
            .unwrap_or_default()
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.get(id)
    }

    pub fn model_config(&self, model: &str) -> Option<&ModelConfig> {
        self.model_configs.get(model)
    }

    pub fn token_limits(&self, token_id: i64) -> Option<&TokenLimits> {
        self.token_limits.get(&token_id)
    }

    pub fn group_override(&self, group_id: &str, model: &str) -> Option<&GroupModelOverride> {
        self.group_overrides
            .get(&(group_id.to_owned(), model.to_owned()))
    }

    /// The caller behind `api_key`, after every check, for the relay and MCP alike (the MCP
    /// host lays its `record_details` setting over it).
    pub(crate) fn authenticate(
        &self,
        api_key: &str,
        client_ip: IpAddr,
        now_ms: i64,
    ) -> Result<Caller, AuthError> {
        let entry = self.authenticate_token(api_key, client_ip, now_ms)?;
        Ok(Caller {
            client_ip: Some(client_ip),
            ..entry.caller.clone()
        })
    }

    /// The token behind `api_key`, after every check.
    fn authenticate_token(
        &self,
        api_key: &str,
        client_ip: IpAddr,
        now_ms: i64,
    ) -> Result<&TokenEntry, AuthError> {
        if api_key.is_empty() {
            return Err(AuthError::Missing);
        }
        // Checked before the key so that no caller learns anything while serving is off.
        if self.runtime.disable_serve {
            return Err(AuthError::Maintenance);
        }
        let entry = self
            .tokens_by_hash
            .get(&hash_api_key(api_key))
            .ok_or(AuthError::InvalidKey)?;
        if entry.status != Status::Enabled {
            return Err(AuthError::TokenDisabled);
        }
        if entry
            .expires_at
            .is_some_and(|expires_at| expires_at <= now_ms)
        {
            return Err(AuthError::TokenExpired);
        }
        match self.groups.get(&entry.caller.group_id) {
            Some(group) if group.status != GroupStatus::Disabled => {}
            _ => return Err(AuthError::GroupDisabled),
        }
        let client_ip = canonical_ip(client_ip);
        if !entry.subnets.is_empty()
            && !entry
                .subnets
                .iter()
                .any(|subnet| subnet.contains(&client_ip))
        {
            return Err(AuthError::AddressNotAllowed);
        }
        Ok(entry)
    }

    fn reachable(&self, caller: &Caller, model: &str) -> Vec<Arc<RelayChannel>> {
        let Some(candidates) = self.channels_by_model.get(model) else {
            return Vec::new();
        };
        candidates
            .iter()
            .filter(|serving| serving.sets.iter().any(|set| caller.sets.contains(set)))
            .map(|serving| serving.channel.clone())
            .collect()
    }

    /// The configured type of `model`; `None` when it has no model config.
    pub fn model_type(&self, model: &str) -> Option<relay::model_type::ModelType> {
        self.model_configs
            .get(model)
            .map(|config| relay_model_type(config.model_type))
    }

    /// The models a stored channel serves: its own list, else its type's default models
    /// (`DefaultChannelModels`), as routing reads them.
    pub fn served_models(&self, channel: &crate::store::Channel) -> Vec<String> {
        if channel.models.is_empty() {
            self.runtime
                .default_channel_models
                .get(channel.kind.as_str())
                .cloned()
                .unwrap_or_default()
        } else {
            channel.models.clone()
        }
    }

    /// The relay's view of a stored channel, with its type's default model mapping under its
    /// own, as routing builds it.
    pub fn relay_channel(&self, channel: crate::store::Channel) -> RelayChannel {
        let default_mapping = self
            .runtime
            .default_channel_model_mapping
            .get(channel.kind.as_str());
        relay_channel(channel, default_mapping)
    }

    fn settings(&self, group_id: &str, model: &str) -> ModelSettings {
        let config = self.model_configs.get(model);
        let group_override = self
            .group_overrides
            .get(&(group_id.to_owned(), model.to_owned()));
        let retry_times = group_override
            .and_then(|item| item.retry_times)
            .or_else(|| config.and_then(|config| config.retry_times))
            .and_then(|times| u32::try_from(times).ok())
            .or(self.runtime.retry_times);
        let model_timeouts = config.map(|config| config.timeouts).unwrap_or_default();
        let group_timeouts = group_override.map(|item| item.timeouts).unwrap_or_default();
        let plugins = match self
            .override_plugins
            .get(&(group_id.to_owned(), model.to_owned()))
        {
            Some(merged) => merged.clone(),
            None => self.model_plugins.get(model).cloned(),
        };
        let images = config
            .and_then(|config| MediaConfig::of(config).ok().flatten())
            .and_then(|media| media.image_limits());
        ModelSettings {
            model_type: config.map(|config| relay_model_type(config.model_type)),
            images,
            retry_times,
            plugins,
            timeouts: relay_timeouts(&Timeouts {
                connect_ms: group_timeouts.connect_ms.or(model_timeouts.connect_ms),
                first_byte_ms: group_timeouts
                    .first_byte_ms
                    .or(model_timeouts.first_byte_ms),
                stream_idle_ms: group_timeouts
                    .stream_idle_ms
                    .or(model_timeouts.stream_idle_ms),
            }),
        }
    }
}

type ParsedPlugins = (
    HashMap<String, Arc<PluginSettings>>,
    HashMap<(String, String), Option<Arc<PluginSettings>>>,
);

/// Parses every model's plugins, and every override's laid over its model's. The control plane
/// validated them at write time; a stored object that no longer parses (written by an older
/// version) is logged and runs without plugins rather than failing every request.
fn parse_plugins(configs: &[ModelConfig], overrides: &[GroupModelOverride]) -> ParsedPlugins {
    let parse = |plugins: &serde_json::Value, scope: &str| match PluginSettings::parse(plugins) {
        Ok(settings) if settings.is_empty() => None,
        Ok(settings) => Some(Arc::new(settings)),
        Err(error) => {
            tracing::warn!(scope, %error, "ignoring invalid plugin settings");
            None
        }
    };
    let model_plugins = configs
        .iter()
        .filter_map(|config| {
            parse(&config.plugins, &config.model).map(|settings| (config.model.clone(), settings))
        })
        .collect();
    let empty = serde_json::Value::Null;
    let override_plugins = overrides
        .iter()
        .filter_map(|item| {
            let group_plugins = item.plugins.as_ref()?;
            let model_plugins = configs
                .iter()
                .find(|config| config.model == item.model)
                .map_or(&empty, |config| &config.plugins);
            let merged = relay::plugin::merge(model_plugins, group_plugins);
            let scope = format!("{}/{}", item.group_id, item.model);
            Some((
                (item.group_id.clone(), item.model.clone()),
                parse(&merged, &scope),
            ))
        })
        .collect();
    (model_plugins, override_plugins)
}

/// A token's MCP allow-list entries: `server` allows every tool of it, `server/tool` only that
/// tool; no entries allow everything (`None`).
fn mcp_allow_list(entries: &[String]) -> Option<McpAllowList> {
    if entries.is_empty() {
        return None;
    }
    let mut servers: BTreeMap<String, ToolFilter> = BTreeMap::new();
    for entry in entries {
        match entry.split_once('/') {
            None => {
                servers.insert(entry.clone(), ToolFilter::All);
            }
            Some((server, tool)) => {
                let filter = servers
                    .entry(server.to_owned())
                    .or_insert_with(|| ToolFilter::Only(BTreeSet::new()));
                if let ToolFilter::Only(tools) = filter {
                    tools.insert(tool.to_owned());
                }
            }
        }
    }
    Some(McpAllowList { servers })
}

fn sets_or_default(sets: &[String]) -> Arc<[String]> {
    if sets.is_empty() {
        Arc::from([DEFAULT_SET.to_owned()])
    } else {
        Arc::from(sets)
    }
}

/// IPv4 clients reaching a dual-stack socket appear as `::ffff:a.b.c.d`; subnets are written in IPv4.
fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

fn millis(value: Option<i64>) -> Option<Duration> {
    value
        .and_then(|ms| u64::try_from(ms).ok())
        .map(Duration::from_millis)
}

fn relay_timeouts(timeouts: &Timeouts) -> ChannelTimeouts {
    ChannelTimeouts {
        connect: millis(timeouts.connect_ms),
        first_byte: millis(timeouts.first_byte_ms),
        stream_idle: millis(timeouts.stream_idle_ms),
    }
}

fn relay_model_type(model_type: crate::store::ModelType) -> relay::model_type::ModelType {
    use crate::store::ModelType as Stored;
    use relay::model_type::ModelType as Relay;
    match model_type {
        Stored::Chat => Relay::Chat,
        Stored::Completion => Relay::Completion,
        Stored::Embedding => Relay::Embedding,
        Stored::Image => Relay::Image,
        Stored::Audio => Relay::Audio,
        Stored::Rerank => Relay::Rerank,
        Stored::Moderation => Relay::Moderation,
        Stored::Video => Relay::Video,
        Stored::Document => Relay::Document,
    }
}

/// The relay's view of a stored channel; `default_mapping` (the `DefaultChannelModelMapping`
/// option for its type) lies under the channel's own mapping.
pub(crate) fn relay_channel(
    channel: crate::store::Channel,
    default_mapping: Option<&BTreeMap<String, String>>,
) -> RelayChannel {
    let mut model_mapping: HashMap<String, String> = default_mapping
        .map(|mapping| mapping.clone().into_iter().collect())
        .unwrap_or_default();
    model_mapping.extend(channel.model_mapping);
    RelayChannel {
        id: channel.id,
        name: channel.name,
        kind: channel.kind,
        base_url: channel.base_url,
        key: channel.key,
        model_mapping,
        priority: i32::try_from(channel.priority).unwrap_or(if channel.priority < 0 {
            i32::MIN
        } else {
            i32::MAX
        }),
        config: channel.config.into_iter().collect(),
        proxy_url: channel.proxy_url,
        timeouts: relay_timeouts(&channel.timeouts),
    }
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// Builds, in the background, the token-counting tables of the served models' encodings that
/// are not built yet (see `relay::preload_tokenizers`; a no-op once they are).
fn preload_tokenizers(snapshot: &Snapshot) {
    let models: Vec<String> = snapshot.channels_by_model.keys().cloned().collect();
    tokio::task::spawn_blocking(move || {
        relay::preload_tokenizers(models.iter().map(String::as_str))
    });
}

/// The current snapshot, shared by every request handler.
#[derive(Debug)]
pub struct SnapshotCell {
    current: ArcSwap<Snapshot>,
    store: Store,
    /// Serializes reloads so two concurrent writers never swap in an older view last.
    reload_lock: Mutex<()>,
}

impl SnapshotCell {
    /// Loads the first snapshot from the store.
    pub async fn load(store: Store) -> Result<Arc<SnapshotCell>, StoreError> {
        let snapshot = Snapshot::build(store.load_all().await?);
        preload_tokenizers(&snapshot);
        Ok(Arc::new(SnapshotCell {
            current: ArcSwap::from_pointee(snapshot),
            store,
            reload_lock: Mutex::new(()),
        }))
    }

    pub fn current(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Rebuilds from the store unconditionally.
    pub async fn reload(&self) -> Result<(), StoreError> {
        let _serialized = self.reload_lock.lock().await;
        let snapshot = Snapshot::build(self.store.load_all().await?);
        tracing::debug!(
            revision = snapshot.revision,
            "configuration snapshot reloaded"
        );
        preload_tokenizers(&snapshot);
        self.current.store(Arc::new(snapshot));
        Ok(())
    }

    /// Rebuilds only when the store's revision moved past the snapshot's.
    pub async fn refresh_if_stale(&self) -> Result<(), StoreError> {
        let stored = self.store.revision().await?;
        if stored != self.current.load().revision {
            self.reload().await?;
        }
        Ok(())
    }

    /// Keeps the snapshot fresh until `shutdown`: reloads on every change event (bursts
    /// coalesced) and polls the store's revision every `poll_interval` for changes whose events
    /// never reached this replica.
    pub async fn keep_fresh(
        self: Arc<Self>,
        changes: ChangeFeed,
        poll_interval: Duration,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let mut events = changes.subscribe();
        let mut poll = tokio::time::interval(poll_interval);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            let outcome = tokio::select! {
                () = &mut shutdown => return,
                event = events.recv() => {
                    if matches!(event, Err(RecvError::Closed)) {
                        return;
                    }
                    // Drain what queued up meanwhile: one reload covers them all.
                    while events.try_recv().is_ok() {}
                    self.reload().await
                }
                _ = poll.tick() => self.refresh_if_stale().await,
            };
            if let Err(error) = outcome {
                tracing::warn!(%error, "cannot refresh the configuration snapshot");
            }
        }
    }
}

impl Gatekeeper for SnapshotCell {
    fn authenticate(&self, api_key: &str, client_ip: IpAddr) -> Result<Caller, AuthError> {
        self.current
            .load()
            .authenticate(api_key, client_ip, now_ms())
    }
}

impl ChannelDirectory for SnapshotCell {
    fn route(&self, caller: &Caller, model: &str) -> Option<Route> {
        let snapshot = self.current.load();
        let channels = snapshot.reachable(caller, model);
        if channels.is_empty() {
            return None;
        }
        Some(Route {
            channels,
            settings: snapshot.settings(&caller.group_id, model),
        })
    }

    fn channel(&self, channel_id: i64) -> Option<Arc<relay::host::Channel>> {
        let snapshot = self.current.load();
        snapshot
            .channels_by_model
            .values()
            .flatten()
            .find(|serving| serving.channel.id == channel_id)
            .map(|serving| Arc::clone(&serving.channel))
    }

    fn models(&self, caller: &Caller) -> Vec<ModelEntry> {
        let snapshot = self.current.load();
        let allowed: Option<HashSet<&str>> = caller
            .allowed_models
            .as_ref()
            .map(|models| models.iter().map(String::as_str).collect());
        let mut entries: Vec<ModelEntry> = snapshot
            .channels_by_model
            .iter()
            .filter(|(model, _)| {
                allowed
                    .as_ref()
                    .is_none_or(|allowed| allowed.contains(model.as_str()))
            })
            .filter_map(|(model, candidates)| {
                let first = candidates
                    .iter()
                    .find(|serving| serving.sets.iter().any(|set| caller.sets.contains(set)))?;
                let config = snapshot.model_configs.get(model);
                Some(ModelEntry {
                    id: model.clone(),
                    owned_by: config
                        .map(|config| config.owner.clone())
                        .filter(|owner| !owner.is_empty())
                        .unwrap_or_else(|| first.channel.kind.as_str().to_owned()),
                    created: config.map_or(0, |config| config.created_at / 1000),
                })
            })
            .collect();
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        entries
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use relay::host::ChannelKind;

    use super::*;
    use crate::store::{Channel, Token};

    #[test]
    fn mcp_allow_list_entries() {
        assert_eq!(mcp_allow_list(&[]), None);
        let allow =
            mcp_allow_list(&["clock".into(), "files/read".into(), "files/list".into()]).unwrap();
        assert_eq!(allow.servers["clock"], ToolFilter::All);
        assert_eq!(
            allow.servers["files"],
            ToolFilter::Only(["list".to_owned(), "read".to_owned()].into_iter().collect())
        );
    }

    fn token(id: i64, group: &str, key: &str) -> Token {
        Token {
            id,
            group_id: group.into(),
            name: format!("token-{id}"),
            key_hash: hash_api_key(key),
            key_prefix: key.chars().take(8).collect(),
            status: Status::Enabled,
            expires_at: None,
            subnets: Vec::new(),
            models: Vec::new(),
            mcp_servers: Vec::new(),
            quota: None,
            period_quota: None,
            period: None,
            period_start: None,
            period_used: Default::default(),
            used_amount: Default::default(),
            request_count: 0,
            rpm: None,
            tpm: None,
            max_concurrency: None,
            created_at: 0,
            accessed_at: None,
        }
    }

    fn channel(id: i64, name: &str, models: &[&str], sets: &[&str], priority: i64) -> Channel {
        let mut channel = Channel::new(name, ChannelKind::OPENAI);
        channel.id = id;
        channel.key = format!("sk-{name}");
        channel.models = models.iter().map(|model| model.to_string()).collect();
        channel.sets = sets.iter().map(|set| set.to_string()).collect();
        channel.priority = priority;
        channel
    }

    fn snapshot() -> Snapshot {
        let mut vip = Group::new("vip");
        vip.available_sets = vec!["default".into(), "premium".into()];
        let mut off = Group::new("off");
        off.status = GroupStatus::Disabled;
        let mut limited = token(3, "acme", "sk-limited");
        limited.models = vec!["gpt-4o-mini".into()];
        limited.subnets = vec!["10.0.0.0/8".parse().unwrap()];
        let mut expired = token(4, "acme", "sk-expired");
        expired.expires_at = Some(1);
        let mut disabled = token(5, "acme", "sk-disabled");
        disabled.status = Status::Disabled;
        let mut off_channel = channel(12, "off", &["gpt-4o"], &[], 100);
        off_channel.status = Status::Disabled;
        Snapshot::build(StoreDump {
            revision: 7,
            groups: vec![Group::new("acme"), vip, off],
            tokens: vec![
                token(1, "acme", "sk-acme"),
                token(2, "vip", "sk-vip"),
                limited,
                expired,
                disabled,
                token(6, "off", "sk-off"),
                token(7, "ghost", "sk-ghost"),
            ],
            channels: vec![
                channel(10, "low", &["gpt-4o", "gpt-4o-mini"], &[], 1),
                channel(11, "premium", &["gpt-4o"], &["premium"], 5),
                off_channel,
            ],
            ..StoreDump::default()
        })
    }

    fn check_auth(key: &str, ip: [u8; 4], expected: Result<&str, AuthError>) {
        let result = snapshot().authenticate(key, IpAddr::V4(Ipv4Addr::from(ip)), 1_000);
        assert_eq!(
            result.map(|caller| caller.token_name),
            expected.map(str::to_owned),
            "key {key}"
        );
    }

    #[test]
    fn authentication_rules() {
        check_auth("sk-acme", [127, 0, 0, 1], Ok("token-1"));
        check_auth("", [127, 0, 0, 1], Err(AuthError::Missing));
        check_auth("sk-unknown", [127, 0, 0, 1], Err(AuthError::InvalidKey));
        check_auth("sk-limited", [10, 1, 2, 3], Ok("token-3"));
        check_auth(
            "sk-limited",
            [192, 168, 1, 1],
            Err(AuthError::AddressNotAllowed),
        );
        check_auth("sk-expired", [127, 0, 0, 1], Err(AuthError::TokenExpired));
        check_auth("sk-disabled", [127, 0, 0, 1], Err(AuthError::TokenDisabled));
        check_auth("sk-off", [127, 0, 0, 1], Err(AuthError::GroupDisabled));
        check_auth("sk-ghost", [127, 0, 0, 1], Err(AuthError::InvalidKey));
    }

    #[test]
    fn mapped_ipv4_addresses_match_ipv4_subnets() {
        let ip: IpAddr = "::ffff:10.0.0.9".parse().unwrap();
        assert_eq!(
            snapshot()
                .authenticate("sk-limited", ip, 0)
                .unwrap()
                .token_id,
            3
        );
    }

    #[test]
    fn routes_respect_sets_status_and_priority() {
        let snapshot = snapshot();
        let acme = snapshot
            .authenticate("sk-acme", IpAddr::V4(Ipv4Addr::LOCALHOST), 0)
            .unwrap();
        let vip = snapshot
            .authenticate("sk-vip", IpAddr::V4(Ipv4Addr::LOCALHOST), 0)
            .unwrap();
        let names = |caller: &Caller, model| {
            snapshot
                .reachable(caller, model)
                .iter()
                .map(|channel| channel.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&acme, "gpt-4o"), ["low"]);
        assert_eq!(names(&vip, "gpt-4o"), ["premium", "low"]);
        assert!(names(&acme, "unknown").is_empty());
        assert_eq!(snapshot.revision, 7);
    }
}
