//! `ChannelService`'s channel tests (`TestChannel`, `TestChannels`, `PreviewChannelTest`) and many-key creation (`CreateChannels`).
//!
//! A test is the relay's own tiny request ([`relay::Relay::test_channel`]) on the endpoint of the
//! model's configured type; results are stored per (channel, model) outside the configuration
//! (see `store/channel_tests.rs`) and read back by `GetChannel` and `ListChannels`.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use super::ControlPlane;
use super::channels::{channel_kind, channel_pb};
use super::convert::status_from;
use super::error::{invalid, required};
use super::pb;
use super::update::{UpdateMask, apply_update};
use crate::snapshot::SnapshotCell;
use crate::snapshot::changes::{ChangeAction, ChangeKind};
use crate::store::{Channel, ChannelFilter, ChannelTest, Page, Status as RowStatus, validate};

/// A test's timeout when the request names none: long enough for a slow model's first token.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const MAX_TIMEOUT: Duration = Duration::from_secs(120);
/// Tests at once: enough to test many channels quickly, few enough not to trip upstream rate
/// limits or starve the relay's own traffic.
const DEFAULT_CONCURRENCY: usize = 4;
const MAX_CONCURRENCY: usize = 16;
/// Most keys one `CreateChannels` call takes: a bounded transaction.
const MAX_KEYS: usize = 1000;
/// Results `TestChannels` holds for a slow reader before tests wait.
const STREAM_BUFFER: usize = 16;

/// What testing needs besides the store: the relay that sends the requests and the snapshot
/// that says each model's type and each channel's default models and mapping.
#[derive(Clone)]
pub struct ChannelTester {
    pub relay: relay::Relay,
    pub snapshot: Arc<SnapshotCell>,
}

impl std::fmt::Debug for ChannelTester {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ChannelTester")
            .finish_non_exhaustive()
    }
}

pub type TestStream = Pin<Box<dyn Stream<Item = Result<pb::ChannelTestResult, Status>> + Send>>;

fn tester(cp: &ControlPlane) -> Result<&ChannelTester, Status> {
    cp.channel_tester
        .as_ref()
        .ok_or_else(|| Status::unavailable("channel tests are not available on this server"))
}

fn timeout(timeout_ms: i64) -> Result<Duration, Status> {
    match u64::try_from(timeout_ms) {
        Ok(0) => Ok(DEFAULT_TIMEOUT),
        Ok(ms) => Ok(Duration::from_millis(ms).min(MAX_TIMEOUT)),
        Err(_) => Err(invalid("timeout_ms", "must not be negative")),
    }
}

/// The models to test: the one named, else every model the channel serves.
fn models(tester: &ChannelTester, channel: &Channel, model: String) -> Result<Vec<String>, Status> {
    if !model.trim().is_empty() {
        return Ok(vec![model.trim().to_owned()]);
    }
    let models = tester.snapshot.current().served_models(channel);
    if models.is_empty() {
        return Err(invalid(
            "model",
            "the channel serves no models; name the model to test",
        ));
    }
    Ok(models)
}

/// Runs one test; nothing stored.
async fn run(
    tester: &ChannelTester,
    channel: &relay::host::Channel,
    model: String,
    timeout: Duration,
) -> ChannelTest {
    let model_type = tester.snapshot.current().model_type(&model);
    let outcome = tester
        .relay
        .test_channel(channel, &model, model_type, timeout)
        .await;
    ChannelTest {
        channel_id: channel.id,
        model,
        success: outcome.success,
        status_code: outcome.status.map(i64::from),
        latency_ms: i64::try_from(outcome.latency.as_millis()).unwrap_or(i64::MAX),
        error: outcome.error,
        endpoint: outcome.endpoint.to_owned(),
        tested_at: crate::snapshot::now_ms(),
    }
}

/// Tests `models` on `channel` a few at a time, storing each result when `store` is set.
async fn test_models(
    cp: &ControlPlane,
    tester: &ChannelTester,
    channel: Channel,
    models: Vec<String>,
    timeout: Duration,
    store: bool,
) -> Result<Vec<ChannelTest>, Status> {
    let relay_channel = tester.snapshot.current().relay_channel(channel);
    let mut results: Vec<ChannelTest> = futures::stream::iter(models)
        .map(|model| run(tester, &relay_channel, model, timeout))
        .buffer_unordered(DEFAULT_CONCURRENCY)
        .collect()
        .await;
    results.sort_by(|a, b| a.model.cmp(&b.model));
    if store {
        for result in &results {
            cp.store.record_channel_test(result).await?;
        }
    }
    Ok(results)
}

pub fn result_pb(test: &ChannelTest) -> pb::ChannelTestResult {
    pb::ChannelTestResult {
        channel_id: test.channel_id,
        model: test.model.clone(),
        success: test.success,
        status_code: test
            .status_code
            .and_then(|code| i32::try_from(code).ok())
            .unwrap_or(0),
        latency_ms: test.latency_ms,
        error: test.error.clone(),
        endpoint: test.endpoint.clone(),
        tested_at_ms: test.tested_at,
    }
}

/// `channels` as the control plane answers them, each with its last tests.
pub async fn channels_with_tests(
    cp: &ControlPlane,
    channels: &[Channel],
) -> Result<Vec<pb::Channel>, Status> {
    let ids: Vec<i64> = channels.iter().map(|channel| channel.id).collect();
    let mut tests: HashMap<i64, Vec<ChannelTest>> = cp.store.channel_tests(&ids).await?;
    let balances = cp.store.channel_balances().await?;
    Ok(channels
        .iter()
        .map(|channel| pb::Channel {
            last_tests: tests
                .remove(&channel.id)
                .unwrap_or_default()
                .iter()
                .map(result_pb)
                .collect(),
            ..channel_pb(channel, balances.get(&channel.id))
        })
        .collect())
}

pub async fn test_channel(
    cp: &ControlPlane,
    request: pb::TestChannelRequest,
) -> Result<pb::TestChannelResponse, Status> {
    let tester = tester(cp)?;
    let timeout = timeout(request.timeout_ms)?;
    let channel = cp.store.get_channel(request.id).await?;
    let models = models(tester, &channel, request.model)?;
    let results = test_models(cp, tester, channel, models, timeout, true).await?;
    Ok(pb::TestChannelResponse {
        results: results.iter().map(result_pb).collect(),
    })
}

pub async fn preview_channel_test(
    cp: &ControlPlane,
    request: pb::PreviewChannelTestRequest,
) -> Result<pb::TestChannelResponse, Status> {
    let tester = tester(cp)?;
    let timeout = timeout(request.timeout_ms)?;
    let incoming = required("channel", request.channel)?;
    // An edit of a stored channel starts from it, so its masked secrets stand for the stored
    // ones exactly as UpdateChannel reads them.
    let mut channel = if incoming.id > 0 {
        cp.store.get_channel(incoming.id).await?
    } else {
        Channel::new(
            incoming.name.clone(),
            channel_kind("channel.type", &incoming.r#type)?,
        )
    };
    let mut incoming = incoming;
    if status_from("channel.status", incoming.status)?.is_none() {
        incoming.status = pb::Status::Enabled as i32;
    }
    apply_update(&mut channel, incoming, &UpdateMask::everything())?;
    validate::channel(&channel)?;
    let models = models(tester, &channel, request.model)?;
    let results = test_models(cp, tester, channel, models, timeout, false).await?;
    Ok(pb::TestChannelResponse {
        results: results.iter().map(result_pb).collect(),
    })
}

pub async fn test_channels(
    cp: &ControlPlane,
    request: pb::TestChannelsRequest,
) -> Result<TestStream, Status> {
    let tester = tester(cp)?.clone();
    let timeout = timeout(request.timeout_ms)?;
    let concurrency = match usize::try_from(request.concurrency) {
        Ok(0) => DEFAULT_CONCURRENCY,
        Ok(n) => n.min(MAX_CONCURRENCY),
        Err(_) => return Err(invalid("concurrency", "must not be negative")),
    };
    let channels = channels_to_test(cp, request.include_disabled).await?;
    let snapshot = tester.snapshot.current();
    let pairs: Vec<(Arc<relay::host::Channel>, String)> = channels
        .into_iter()
        .flat_map(|channel| {
            let models = snapshot.served_models(&channel);
            let relay_channel = Arc::new(snapshot.relay_channel(channel));
            models
                .into_iter()
                .map(move |model| (relay_channel.clone(), model))
        })
        .collect();
    let (sender, receiver) = mpsc::channel(STREAM_BUFFER);
    let store = cp.store.clone();
    tokio::spawn(async move {
        let mut results = futures::stream::iter(pairs)
            .map(|(channel, model)| {
                let tester = &tester;
                async move { run(tester, &channel, model, timeout).await }
            })
            .buffer_unordered(concurrency);
        while let Some(result) = results.next().await {
            let sent = match store.record_channel_test(&result).await {
                Ok(()) => sender.send(Ok(result_pb(&result))).await,
                Err(error) => sender.send(Err(Status::from(error))).await,
            };
            // The caller went away: the tests not yet run are dropped with the stream.
            if sent.is_err() {
                break;
            }
        }
    });
    Ok(Box::pin(ReceiverStream::new(receiver)))
}

/// Every enabled channel (every channel with `include_disabled`), read page by page.
async fn channels_to_test(
    cp: &ControlPlane,
    include_disabled: bool,
) -> Result<Vec<Channel>, Status> {
    let filter = ChannelFilter {
        status: (!include_disabled).then_some(RowStatus::Enabled),
        kind: None,
        keyword: None,
    };
    let mut channels = Vec::new();
    let limit = 500;
    loop {
        let page = Page {
            offset: i64::try_from(channels.len()).unwrap_or(i64::MAX),
            limit,
        };
        let listing = cp.store.list_channels(&filter, page).await?;
        let done = listing.items.len() < usize::try_from(limit).unwrap_or(usize::MAX);
        channels.extend(listing.items);
        if done {
            return Ok(channels);
        }
    }
}

pub async fn create_channels(
    cp: &ControlPlane,
    request: pb::CreateChannelsRequest,
) -> Result<pb::CreateChannelsResponse, Status> {
    let mut template = required("channel", request.channel)?;
    let keys: Vec<String> = request
        .keys
        .iter()
        .flat_map(|entry| entry.lines())
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
        .collect();
    if keys.is_empty() {
        return Err(invalid("keys", "name at least one key"));
    }
    if keys.len() > MAX_KEYS {
        return Err(invalid(
            "keys",
            format!("at most {MAX_KEYS} keys per call, got {}", keys.len()),
        ));
    }
    let kind = channel_kind("channel.type", &template.r#type)?;
    if status_from("channel.status", template.status)?.is_none() {
        template.status = pb::Status::Enabled as i32;
    }
    let several = keys.len() > 1;
    let mut channels = Vec::with_capacity(keys.len());
    for (index, key) in keys.into_iter().enumerate() {
        let name = if several {
            format!("{}-{}", template.name, index + 1)
        } else {
            template.name.clone()
        };
        let incoming = pb::Channel {
            name: name.clone(),
            key,
            ..template.clone()
        };
        let mut channel = Channel::new(name, kind);
        apply_update(&mut channel, incoming, &UpdateMask::everything())?;
        channels.push(channel);
    }
    let created = cp.store.create_channels(&channels).await?;
    for channel in &created {
        cp.changes.publish(
            ChangeKind::Channel,
            ChangeAction::Created,
            channel.id.to_string(),
        );
    }
    Ok(pb::CreateChannelsResponse {
        channels: created
            .iter()
            .map(|channel| channel_pb(channel, None))
            .collect(),
    })
}
