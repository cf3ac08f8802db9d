//! The relay's video jobs in the hub: pinned to their channel and group (in memory or Redis), polled until they finish, billed once on completion.
//!
//! Each job is kept in memory, or in Redis shared by the replicas.
//!
//! **Exactly once.** A completed job's bill is one request-log entry whose row key is derived
//! from the job (`video-` and a hash of its channel and id), not chosen afresh: whoever sees
//! the job completed (a client's `GET`, any replica's poll, the same replica after a restart)
//! submits the same entry under the same key, and the log writer stores and charges a key
//! once (the unique `request_logs.request_id`, or `log_row_claims`), exactly as it does for a
//! journal replay. Then a settled mark (`SET NX`, or a set in memory) is claimed: its one
//! winner charges the live counters (quotas and balance) and the job leaves the poll; the
//! others stop there, and once the mark exists nobody submits again. The database is so
//! charged once whatever crashes where; the live counters may miss a charge when the winner
//! dies between its claim and its charge, and catch up when they are next seeded from the
//! database. A failed job is settled at no charge. The creation's reservation of the video is
//! held until then ([`VideoJob::hold`]): the winner ends it, with the charge on completion, with
//! nothing charged on a failure or a delete. Without `REDIS` the jobs live in this
//! process: a restart forgets them (their ids answer 404) and a job not yet billed then is
//! not billed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use relay::host::{
    ResponseOwner, UsageRecord, VideoApi, VideoJob, VideoJobs, VideoObservation, VideoPage,
    VideoStatus,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::governance::billing::video_charge;
use crate::governance::governor::HubGovernor;
use crate::logs::entry::LogEntry;
use crate::logs::writer::LogWriter;
use crate::snapshot::SnapshotCell;
use crate::store::media_config::MediaConfig;

/// Longest a Redis round trip may hold up a request before it counts as failed.
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// The relay's [`VideoJobs`] in the hub.
pub struct HubVideoJobs {
    store: JobStore,
    biller: VideoBiller,
}

/// What a completed job's bill needs.
pub struct VideoBiller {
    pub governor: Arc<HubGovernor>,
    pub log: LogWriter,
    pub snapshot: Arc<SnapshotCell>,
}

enum JobStore {
    Memory(MemoryJobs),
    Redis(RedisJobs),
}

impl HubVideoJobs {
    /// Jobs kept in this process.
    pub fn memory(biller: VideoBiller, max_jobs: usize) -> HubVideoJobs {
        HubVideoJobs {
            store: JobStore::Memory(MemoryJobs {
                jobs: relay::InMemoryVideoJobs::new(max_jobs),
                max_jobs: max_jobs.max(1),
                settled: Mutex::new(HashMap::new()),
            }),
            biller,
        }
    }

    /// Jobs in Redis under `<prefix>:videos:`, shared by every replica of the same Redis.
    pub fn redis(connection: ConnectionManager, prefix: &str, biller: VideoBiller) -> HubVideoJobs {
        HubVideoJobs {
            store: JobStore::Redis(RedisJobs {
                connection,
                prefix: format!("{prefix}:videos:"),
            }),
            biller,
        }
    }

    async fn settled(&self, job_id: &str) -> bool {
        match &self.store {
            JobStore::Memory(memory) => memory.lock_settled().contains_key(job_id),
            JobStore::Redis(redis) => redis.settled(job_id).await,
        }
    }

    /// Claims the settlement of a job; true for the one caller that does.
    async fn claim(&self, job_id: &str) -> bool {
        match &self.store {
            JobStore::Memory(memory) => {
                let mut settled = memory.lock_settled();
                if settled.len() >= memory.max_jobs.saturating_mul(2) {
                    settled.retain(|_, at| at.elapsed() < relay::VIDEO_JOB_TTL);
                    forget_oldest_marks(&mut settled, memory.max_jobs);
                }
                settled.insert(job_id.to_owned(), Instant::now()).is_none()
            }
            JobStore::Redis(redis) => redis.claim(job_id).await,
        }
    }
}

#[async_trait::async_trait]
impl VideoJobs for HubVideoJobs {
    async fn remember(&self, job_id: &str, job: VideoJob, object: Bytes) {
        match &self.store {
            JobStore::Memory(memory) => memory.jobs.remember(job_id, job, object).await,
            JobStore::Redis(redis) => redis.remember(job_id, job, object).await,
        }
    }

    async fn job(&self, job_id: &str) -> Option<VideoJob> {
        match &self.store {
            JobStore::Memory(memory) => memory.jobs.job(job_id).await,
            JobStore::Redis(redis) => redis.job(job_id).await.map(|(job, _)| job),
        }
    }

    async fn observe(&self, job_id: &str, job: &VideoJob, observation: VideoObservation) {
        let status = observation.status;
        let seconds = observation.seconds;
        let size = observation.size.clone();
        match &self.store {
            JobStore::Memory(memory) => memory.jobs.observe(job_id, job, observation).await,
            JobStore::Redis(redis) => redis.observe(job_id, &observation).await,
        }
        match status {
            VideoStatus::Pending => {}
            VideoStatus::Failed => {
                if self.claim(job_id).await {
                    self.biller.governor.release_hold(job.hold.as_deref()).await;
                }
            }
            VideoStatus::Completed => {
                if self.settled(job_id).await {
                    return;
                }
                let (key, checks) = self.biller.submit(job_id, job, seconds, size);
                if self.claim(job_id).await {
                    // The bill's charge and the end of the creation's hold, in one step.
                    self.biller
                        .governor
                        .apply_deferred_charge(checks, key, job.hold.as_deref())
                        .await;
                }
            }
        }
    }

    async fn forget(&self, job_id: &str, job: &VideoJob) {
        match &self.store {
            JobStore::Memory(memory) => memory.jobs.forget(job_id, job).await,
            JobStore::Redis(redis) => redis.forget(job_id, job).await,
        }
        // Deleted unbilled (a completed job was billed by the read before the delete, and
        // holds the settled mark): it will not be billed, and its hold ends now.
        if !job.api.pinned_only() && self.claim(job_id).await {
            self.biller.governor.release_hold(job.hold.as_deref()).await;
        }
    }

    async fn list(
        &self,
        group_id: &str,
        after: Option<&str>,
        limit: usize,
        ascending: bool,
    ) -> VideoPage {
        match &self.store {
            JobStore::Memory(memory) => memory.jobs.list(group_id, after, limit, ascending).await,
            JobStore::Redis(redis) => redis.list(group_id, after, limit, ascending).await,
        }
    }

    async fn due(&self, limit: usize) -> Vec<(String, VideoJob)> {
        match &self.store {
            JobStore::Memory(memory) => memory.jobs.due(limit).await,
            JobStore::Redis(redis) => redis.due(limit).await,
        }
    }
}

impl VideoBiller {
    /// Prices a completed job at its model's video prices (the seconds and size it reports,
    /// else those it was created with) and submits its bill under the job's own row key;
    /// returns that key and the live counters to charge.
    fn submit(
        &self,
        job_id: &str,
        job: &VideoJob,
        seconds: Option<u32>,
        size: Option<String>,
    ) -> (String, Vec<crate::governance::limits::Check>) {
        let snapshot = self.snapshot.current();
        let media = snapshot
            .model_config(&job.owner.model)
            .and_then(|config| MediaConfig::of(config).ok().flatten());
        let seconds = seconds.unwrap_or(job.seconds);
        let size = size.or_else(|| job.size.clone());
        let bill = media.as_ref().map_or_else(Default::default, |media| {
            video_charge(media, seconds, size.as_deref())
        });
        let cost = bill.total;
        let (checks, period_start) =
            self.governor
                .deferred_charge(&job.owner.group_id, job.token_id, cost);
        let key = bill_key(job_id, job);
        let record = UsageRecord {
            group_id: Some(job.owner.group_id.clone()),
            token_id: job.token_id,
            token_name: job.token_name.clone(),
            channel_id: Some(job.owner.channel_id),
            requested_model: Some(job.owner.model.clone()),
            upstream_model: Some(job.upstream_model.clone()),
            upstream_request_id: Some(job_id.to_owned()),
            ..UsageRecord::new(job_id, bill_endpoint(job.api), 200)
        };
        self.log.submit_with_key(
            key.clone(),
            LogEntry {
                record,
                cost,
                price_tier: bill.tier_label(),
                charge_detail: bill.detail_json(),
                charge: self.governor.billing_enabled(),
                period_start,
                save_detail: false,
            },
        );
        (key, checks)
    }
}

/// The endpoint a job's bill is logged under: the creation's route.
fn bill_endpoint(api: VideoApi) -> &'static str {
    match api {
        VideoApi::Videos => "/v1/videos",
        VideoApi::GenerationJobs | VideoApi::Generation => "/v1/video/generations/jobs",
        VideoApi::DashScope => relay::provider::Endpoint::DashScopeVideo.route(),
        VideoApi::Ark => relay::provider::Endpoint::ArkVideo.route(),
        VideoApi::GeminiOperation | VideoApi::GeminiFile => {
            relay::provider::Endpoint::GeminiPredictLongRunning.route()
        }
    }
}

/// The row key of a job's bill: the same wherever and however often it is computed.
pub fn bill_key(job_id: &str, job: &VideoJob) -> String {
    let mut hash = Sha256::new();
    hash.update(job.owner.channel_id.to_be_bytes());
    hash.update(job.api.as_str().as_bytes());
    hash.update(job_id.as_bytes());
    let digest = hash.finalize();
    format!("video-{}", hex::encode(&digest[..16]))
}

struct MemoryJobs {
    jobs: relay::InMemoryVideoJobs,
    /// The bound of `jobs` (`MEMORY_VIDEO_JOBS`); the marks are kept to twice as many.
    max_jobs: usize,
    settled: Mutex<HashMap<String, Instant>>,
}

/// Keeps the `keep` newest settlement marks. `jobs` forgets its oldest jobs first and a job
/// is settled after it was created, so marks older than `keep` newer settlements belong to
/// jobs forgotten (no request reaches them again) in all but contrived orders; and even then
/// the database charges a job once (its bill's row key), only the live counters could see it
/// twice. Without a bound a week of marks would grow with traffic.
fn forget_oldest_marks(settled: &mut HashMap<String, Instant>, keep: usize) {
    if settled.len() <= keep {
        return;
    }
    let mut times: Vec<Instant> = settled.values().copied().collect();
    let cut = times.len() - keep;
    let (_, oldest_kept, _) = times.select_nth_unstable(cut);
    let oldest_kept = *oldest_kept;
    settled.retain(|_, at| *at >= oldest_kept);
}

impl MemoryJobs {
    fn lock_settled(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.settled
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Keys under `<prefix>:videos:`: `job:<id>` (the job and its last object, JSON, expiring
/// after [`relay::VIDEO_JOB_TTL`]), `group:<group>` (a sorted set of the group's ids by
/// creation time), `due` (a sorted set of unfinished ids by next poll time) and
/// `settled:<id>` (the settlement mark).
struct RedisJobs {
    connection: ConnectionManager,
    prefix: String,
}

/// A job as stored: JSON, so that a field added later does not break older replicas.
#[derive(Serialize, Deserialize)]
struct StoredJob {
    group_id: String,
    channel_id: i64,
    model: String,
    token_id: Option<i64>,
    token_name: Option<String>,
    upstream_model: String,
    request_id: String,
    seconds: u32,
    size: Option<String>,
    created_at_ms: i64,
    api: String,
    /// The last object seen, as text (JSON).
    object: String,
    /// A task API's own id of the job (absent in jobs stored before there were any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upstream_id: Option<String>,
    /// The governor's hold on the job's bill (absent in jobs stored before there were any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hold: Option<String>,
}

impl StoredJob {
    fn new(job: &VideoJob, object: &Bytes) -> StoredJob {
        StoredJob {
            group_id: job.owner.group_id.clone(),
            channel_id: job.owner.channel_id,
            model: job.owner.model.clone(),
            token_id: job.token_id,
            token_name: job.token_name.clone(),
            upstream_model: job.upstream_model.clone(),
            request_id: job.request_id.clone(),
            seconds: job.seconds,
            size: job.size.clone(),
            created_at_ms: job.created_at_ms,
            api: job.api.as_str().to_owned(),
            object: String::from_utf8_lossy(object).into_owned(),
            upstream_id: job.upstream_id.clone(),
            hold: job.hold.clone(),
        }
    }

    fn job(&self) -> Option<VideoJob> {
        Some(VideoJob {
            owner: ResponseOwner {
                group_id: self.group_id.clone(),
                channel_id: self.channel_id,
                model: self.model.clone(),
            },
            token_id: self.token_id,
            token_name: self.token_name.clone(),
            upstream_model: self.upstream_model.clone(),
            request_id: self.request_id.clone(),
            seconds: self.seconds,
            size: self.size.clone(),
            created_at_ms: self.created_at_ms,
            api: VideoApi::parse(&self.api)?,
            upstream_id: self.upstream_id.clone(),
            hold: self.hold.clone(),
        })
    }
}

fn now_ms() -> i64 {
    crate::snapshot::now_ms()
}

fn ttl_ms() -> u64 {
    u64::try_from(relay::VIDEO_JOB_TTL.as_millis()).unwrap_or(u64::MAX)
}

/// Runs one Redis command under [`REDIS_TIMEOUT`]; an error or a timeout is logged and `None`.
async fn bounded<T>(
    what: &str,
    command: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> Option<T> {
    match tokio::time::timeout(REDIS_TIMEOUT, command).await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(error)) => {
            tracing::warn!(%error, "video jobs: {what} failed");
            None
        }
        Err(_) => {
            tracing::warn!("video jobs: {what} timed out");
            None
        }
    }
}

impl RedisJobs {
    fn job_key(&self, job_id: &str) -> String {
        format!("{}job:{job_id}", self.prefix)
    }

    fn group_key(&self, group_id: &str) -> String {
        format!("{}group:{group_id}", self.prefix)
    }

    fn due_key(&self) -> String {
        format!("{}due", self.prefix)
    }

    fn settled_key(&self, job_id: &str) -> String {
        format!("{}settled:{job_id}", self.prefix)
    }

    async fn remember(&self, job_id: &str, job: VideoJob, object: Bytes) {
        let object = relay::kept_object(job_id, object);
        let Ok(value) = serde_json::to_string(&StoredJob::new(&job, &object)) else {
            return;
        };
        let first_poll = now_ms().saturating_add(
            i64::try_from(relay::video_poll_delay(Duration::ZERO).as_millis()).unwrap_or(0),
        );
        let mut pipe = redis::pipe();
        pipe.atomic()
            .pset_ex(self.job_key(job_id), value, ttl_ms())
            .ignore();
        // A job's file (a Sora generation, a Gemini file) is only pinned: never listed,
        // polled or billed itself.
        if job.api.pinned_only() {
            let mut connection = self.connection.clone();
            bounded("remember", pipe.query_async::<()>(&mut connection)).await;
            return;
        }
        if job.api.listed() {
            pipe.zadd(
                self.group_key(&job.owner.group_id),
                job_id,
                job.created_at_ms,
            )
            .ignore()
            .pexpire(
                self.group_key(&job.owner.group_id),
                i64::try_from(ttl_ms()).unwrap_or(i64::MAX),
            )
            .ignore();
        }
        pipe.zadd(self.due_key(), job_id, first_poll).ignore();
        let mut connection = self.connection.clone();
        bounded("remember", pipe.query_async::<()>(&mut connection)).await;
    }

    async fn job(&self, job_id: &str) -> Option<(VideoJob, StoredJob)> {
        let mut connection = self.connection.clone();
        let value = bounded(
            "read",
            connection.get::<_, Option<String>>(self.job_key(job_id)),
        )
        .await??;
        let stored = serde_json::from_str::<StoredJob>(&value).ok()?;
        Some((stored.job()?, stored))
    }

    async fn observe(&self, job_id: &str, observation: &VideoObservation) {
        if let Some((job, _)) = self.job(job_id).await {
            let object = relay::kept_object(job_id, observation.object.clone());
            if let Ok(value) = serde_json::to_string(&StoredJob::new(&job, &object)) {
                let mut connection = self.connection.clone();
                let mut command = redis::cmd("SET");
                command
                    .arg(self.job_key(job_id))
                    .arg(value)
                    .arg("XX")
                    .arg("KEEPTTL");
                bounded("update", command.query_async::<()>(&mut connection)).await;
            }
        }
        if observation.status != VideoStatus::Pending {
            let mut connection = self.connection.clone();
            bounded(
                "unschedule",
                connection.zrem::<_, _, ()>(self.due_key(), job_id),
            )
            .await;
        }
    }

    async fn settled(&self, job_id: &str) -> bool {
        let mut connection = self.connection.clone();
        bounded(
            "settled",
            connection.exists::<_, bool>(self.settled_key(job_id)),
        )
        .await
        .unwrap_or(false)
    }

    async fn claim(&self, job_id: &str) -> bool {
        let mut connection = self.connection.clone();
        let mut command = redis::cmd("SET");
        command
            .arg(self.settled_key(job_id))
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms().saturating_mul(2));
        let claimed = bounded(
            "claim",
            command.query_async::<Option<String>>(&mut connection),
        )
        .await
        .flatten()
        .is_some();
        if claimed {
            bounded(
                "unschedule",
                connection.zrem::<_, _, ()>(self.due_key(), job_id),
            )
            .await;
        }
        claimed
    }

    async fn forget(&self, job_id: &str, job: &VideoJob) {
        let mut pipe = redis::pipe();
        pipe.del(self.job_key(job_id))
            .ignore()
            .zrem(self.group_key(&job.owner.group_id), job_id)
            .ignore()
            .zrem(self.due_key(), job_id)
            .ignore();
        let mut connection = self.connection.clone();
        bounded("forget", pipe.query_async::<()>(&mut connection)).await;
    }

    async fn list(
        &self,
        group_id: &str,
        after: Option<&str>,
        limit: usize,
        ascending: bool,
    ) -> VideoPage {
        let mut connection = self.connection.clone();
        let key = self.group_key(group_id);
        // The page starts at the cursor's score (inclusive, so ids created in the same
        // millisecond are not skipped) and walks past the cursor itself.
        let start = match after {
            Some(after) => {
                match bounded(
                    "cursor",
                    connection.zscore::<_, _, Option<i64>>(&key, after),
                )
                .await
                .flatten()
                {
                    Some(score) => score.to_string(),
                    None => return VideoPage::default(),
                }
            }
            None => (if ascending { "-inf" } else { "+inf" }).to_owned(),
        };
        let window = isize::try_from(limit.saturating_add(64)).unwrap_or(isize::MAX);
        let ids: Vec<String> = if ascending {
            bounded(
                "list",
                connection.zrangebyscore_limit(&key, start, "+inf", 0, window),
            )
            .await
        } else {
            bounded(
                "list",
                connection.zrevrangebyscore_limit(&key, start, "-inf", 0, window),
            )
            .await
        }
        .unwrap_or_default();
        let ids: Vec<String> = match after {
            Some(after) => ids
                .into_iter()
                .skip_while(|id| id != after)
                .skip(1)
                .collect(),
            None => ids,
        };
        let wanted: Vec<&String> = ids.iter().take(limit.saturating_add(1)).collect();
        if wanted.is_empty() {
            return VideoPage::default();
        }
        let keys: Vec<String> = wanted.iter().map(|id| self.job_key(id)).collect();
        let values: Vec<Option<String>> = bounded("objects", connection.mget(&keys))
            .await
            .unwrap_or_default();
        let mut items = Vec::new();
        let mut expired = Vec::new();
        for (id, value) in wanted.into_iter().zip(values) {
            match value.and_then(|value| serde_json::from_str::<StoredJob>(&value).ok()) {
                Some(stored) => items.push((id.clone(), Bytes::from(stored.object))),
                None => expired.push(id.clone()),
            }
        }
        if !expired.is_empty() {
            bounded("prune", connection.zrem::<_, _, ()>(&key, expired)).await;
        }
        let has_more = items.len() > limit;
        items.truncate(limit);
        VideoPage { items, has_more }
    }

    async fn due(&self, limit: usize) -> Vec<(String, VideoJob)> {
        let mut connection = self.connection.clone();
        let now = now_ms();
        let ids: Vec<String> = bounded(
            "due",
            connection.zrangebyscore_limit(
                self.due_key(),
                "-inf",
                now,
                0,
                isize::try_from(limit).unwrap_or(isize::MAX),
            ),
        )
        .await
        .unwrap_or_default();
        let mut due = Vec::new();
        for id in ids {
            let Some((job, _)) = self.job(&id).await else {
                bounded("drop", connection.zrem::<_, _, ()>(self.due_key(), &id)).await;
                continue;
            };
            let age = Duration::from_millis(
                u64::try_from(now.saturating_sub(job.created_at_ms)).unwrap_or(0),
            );
            if age >= relay::VIDEO_POLL_GIVE_UP {
                tracing::warn!(
                    job = id,
                    "video job still unfinished after a day: no longer polled, not billed"
                );
                bounded("give up", connection.zrem::<_, _, ()>(self.due_key(), &id)).await;
                continue;
            }
            let next = now.saturating_add(
                i64::try_from(relay::video_poll_delay(age).as_millis()).unwrap_or(i64::MAX),
            );
            let mut command = redis::cmd("ZADD");
            command.arg(self.due_key()).arg("XX").arg(next).arg(&id);
            bounded("reschedule", command.query_async::<i64>(&mut connection)).await;
            due.push((id, job));
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_newest_marks_are_kept() {
        let start = std::time::Instant::now();
        let mut settled: std::collections::HashMap<String, std::time::Instant> = (0..10_u64)
            .map(|n| {
                (
                    format!("job-{n}"),
                    start + std::time::Duration::from_secs(n),
                )
            })
            .collect();
        super::forget_oldest_marks(&mut settled, 4);
        let mut kept: Vec<&str> = settled.keys().map(String::as_str).collect();
        kept.sort_unstable();
        assert_eq!(kept, ["job-6", "job-7", "job-8", "job-9"]);
        super::forget_oldest_marks(&mut settled, 8);
        assert_eq!(settled.len(), 4);
    }

    #[test]
    fn a_bill_key_is_the_jobs_own_and_fits_a_row_key() {
        let job = VideoJob {
            owner: ResponseOwner {
                group_id: "g".into(),
                channel_id: 7,
                model: "sora-2".into(),
            },
            token_id: Some(1),
            token_name: None,
            upstream_model: "sora-2".into(),
            request_id: "r".into(),
            seconds: 4,
            size: None,
            created_at_ms: 0,
            api: VideoApi::Videos,
            upstream_id: None,
            hold: None,
        };
        let key = bill_key("video_1", &job);
        assert_eq!(key, bill_key("video_1", &job));
        assert_ne!(key, bill_key("video_2", &job));
        let other_channel = VideoJob {
            owner: ResponseOwner {
                channel_id: 8,
                ..job.owner.clone()
            },
            ..job.clone()
        };
        assert_ne!(key, bill_key("video_1", &other_channel));
        assert!(key.len() <= 128);
    }
}
