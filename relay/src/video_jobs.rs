//! Video jobs: the default in-memory [`VideoJobs`] (billing nothing), the poll backoff, and reading a job's id, status, seconds and size.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use serde::Deserialize;

use crate::host::{VideoJob, VideoJobs, VideoObservation, VideoPage, VideoStatus};

/// How long a job is remembered (its pinning, its last object): a week, far beyond the
/// minutes a generation takes and the day an upstream keeps the file.
pub const VIDEO_JOB_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// Past this age an unfinished job is no longer polled: it is dropped from the poll unbilled
/// (an upstream that never finishes a job does not bill it either).
pub const VIDEO_POLL_GIVE_UP: Duration = Duration::from_secs(24 * 3600);

/// Most bytes of a job's last object kept for listings; a larger one is kept as its id alone.
pub const VIDEO_OBJECT_MAX_BYTES: usize = 16 * 1024;

/// The wait before the next poll of an unfinished job of this age: half its age, at least
/// 5 s and at most 5 minutes, so the gaps grow about 1.5 times a poll (a backoff that needs no
/// poll count, and so no write beside the job's next time).
pub fn video_poll_delay(age: Duration) -> Duration {
    (age / 2).clamp(Duration::from_secs(5), Duration::from_secs(300))
}

/// What a video object (`/v1/videos`) or a generation job (`/video/generations/jobs`) says
/// about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VideoFacts {
    pub id: Option<String>,
    pub status: Option<String>,
    /// Seconds of video billed: OpenAI's `seconds`, or Azure's `n_seconds` times its
    /// `n_variants`.
    pub seconds: Option<u32>,
    pub size: Option<String>,
    /// The ids of a Sora job's `generations`.
    pub generations: Vec<String>,
}

/// Reads `id`, `status`, `seconds` (a string or a number; Azure's `n_seconds`) and `size`
/// (Azure's `width` and `height`) from a JSON object; `None` when it is not one.
pub fn video_facts(body: &[u8]) -> Option<VideoFacts> {
    #[derive(Deserialize)]
    struct Object {
        id: Option<String>,
        status: Option<String>,
        seconds: Option<serde_json::Value>,
        n_seconds: Option<u32>,
        n_variants: Option<u32>,
        size: Option<String>,
        width: Option<u32>,
        height: Option<u32>,
        #[serde(default)]
        generations: Vec<Generation>,
    }
    #[derive(Deserialize)]
    struct Generation {
        id: Option<String>,
    }
    let object = serde_json::from_slice::<Object>(body).ok()?;
    let seconds = match object.seconds {
        Some(serde_json::Value::String(text)) => text.trim().parse::<u32>().ok(),
        Some(serde_json::Value::Number(number)) => {
            number.as_u64().and_then(|n| u32::try_from(n).ok())
        }
        _ => None,
    }
    .or(object
        .n_seconds
        .map(|seconds| seconds.saturating_mul(object.n_variants.unwrap_or(1).max(1))));
    let max = crate::vocabulary::MAX_CLIENT_NAME_BYTES;
    let generations = object
        .generations
        .into_iter()
        .filter_map(|generation| generation.id)
        .filter(|id| !id.is_empty() && id.len() <= max)
        .take(16)
        .collect();
    let size = object.size.or_else(|| match (object.width, object.height) {
        (Some(width), Some(height)) => Some(format!("{width}x{height}")),
        _ => None,
    });
    Some(VideoFacts {
        // An id no client may send back is not worth remembering.
        id: object
            .id
            .filter(|id| !id.is_empty() && id.len() <= crate::vocabulary::MAX_CLIENT_NAME_BYTES),
        status: object.status,
        seconds,
        size: size.filter(|size| size.len() <= 64),
        generations,
    })
}

/// The object kept for listings: the answer itself, or only its id when it is too large.
pub fn kept_object(job_id: &str, object: Bytes) -> Bytes {
    if object.len() <= VIDEO_OBJECT_MAX_BYTES {
        return object;
    }
    Bytes::from(serde_json::json!({"id": job_id, "object": "video"}).to_string())
}

/// A per-process store: the oldest job leaves first when full; jobs older than
/// [`VIDEO_JOB_TTL`] are forgotten. It settles nothing: a host that bills supplies its own.
pub struct InMemoryVideoJobs {
    max_entries: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    jobs: HashMap<String, Entry>,
    order: VecDeque<(String, Instant)>,
}

struct Entry {
    job: VideoJob,
    object: Bytes,
    inserted: Instant,
    /// `None` once finished (or given up): no more polls.
    next_poll: Option<Instant>,
}

impl InMemoryVideoJobs {
    pub fn new(max_entries: usize) -> InMemoryVideoJobs {
        InMemoryVideoJobs {
            max_entries: max_entries.max(1),
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for InMemoryVideoJobs {
    fn default() -> InMemoryVideoJobs {
        InMemoryVideoJobs::new(100_000)
    }
}

impl State {
    fn pop_front(&mut self) {
        if let Some((id, inserted)) = self.order.pop_front()
            && self
                .jobs
                .get(&id)
                .is_some_and(|entry| entry.inserted == inserted)
        {
            self.jobs.remove(&id);
        }
    }

    fn live(&self, job_id: &str) -> Option<&Entry> {
        self.jobs
            .get(job_id)
            .filter(|entry| entry.inserted.elapsed() < VIDEO_JOB_TTL)
    }
}

#[async_trait]
impl VideoJobs for InMemoryVideoJobs {
    async fn remember(&self, job_id: &str, job: VideoJob, object: Bytes) {
        let now = Instant::now();
        let mut state = self.lock();
        while let Some((_, inserted)) = state.order.front() {
            if now.duration_since(*inserted) < VIDEO_JOB_TTL {
                break;
            }
            state.pop_front();
        }
        while state.jobs.len() >= self.max_entries && !state.order.is_empty() {
            state.pop_front();
        }
        while state.order.len() >= self.max_entries.saturating_mul(2) {
            state.pop_front();
        }
        let next_poll = (!job.api.pinned_only()).then(|| now + video_poll_delay(Duration::ZERO));
        state.jobs.insert(
            job_id.to_owned(),
            Entry {
                job,
                object: kept_object(job_id, object),
                inserted: now,
                next_poll,
            },
        );
        state.order.push_back((job_id.to_owned(), now));
    }

    async fn job(&self, job_id: &str) -> Option<VideoJob> {
        self.lock().live(job_id).map(|entry| entry.job.clone())
    }

    async fn observe(&self, job_id: &str, _job: &VideoJob, observation: VideoObservation) {
        let mut state = self.lock();
        if let Some(entry) = state.jobs.get_mut(job_id) {
            entry.object = kept_object(job_id, observation.object);
            if observation.status != VideoStatus::Pending {
                entry.next_poll = None;
            }
        }
    }

    async fn forget(&self, job_id: &str, _job: &VideoJob) {
        self.lock().jobs.remove(job_id);
    }

    async fn list(
        &self,
        group_id: &str,
        after: Option<&str>,
        limit: usize,
        ascending: bool,
    ) -> VideoPage {
        let state = self.lock();
        // Ordered by creation, ties by id, as a shared store's sorted set orders them.
        let mut mine: BTreeMap<(i64, &str), &Bytes> = BTreeMap::new();
        for (id, entry) in &state.jobs {
            if entry.job.owner.group_id == group_id
                && entry.job.api.listed()
                && entry.inserted.elapsed() < VIDEO_JOB_TTL
            {
                mine.insert((entry.job.created_at_ms, id.as_str()), &entry.object);
            }
        }
        let mut ordered: Vec<(&str, &Bytes)> = mine
            .into_iter()
            .map(|((_, id), object)| (id, object))
            .collect();
        if !ascending {
            ordered.reverse();
        }
        let start = match after {
            Some(after) => ordered
                .iter()
                .position(|(id, _)| *id == after)
                .map_or(ordered.len(), |index| index + 1),
            None => 0,
        };
        let rest = &ordered[start.min(ordered.len())..];
        VideoPage {
            items: rest
                .iter()
                .take(limit)
                .map(|(id, object)| ((*id).to_owned(), (*object).clone()))
                .collect(),
            has_more: rest.len() > limit,
        }
    }

    async fn due(&self, limit: usize) -> Vec<(String, VideoJob)> {
        let now = Instant::now();
        let mut state = self.lock();
        let mut due = Vec::new();
        for (id, entry) in state.jobs.iter_mut() {
            if due.len() >= limit {
                break;
            }
            let Some(next) = entry.next_poll else {
                continue;
            };
            if next > now {
                continue;
            }
            if entry.inserted.elapsed() >= VIDEO_POLL_GIVE_UP {
                entry.next_poll = None;
                continue;
            }
            entry.next_poll = Some(now + video_poll_delay(entry.inserted.elapsed()));
            due.push((id.clone(), entry.job.clone()));
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{ResponseOwner, VideoApi};

    fn job(group: &str, created_at_ms: i64) -> VideoJob {
        VideoJob {
            owner: ResponseOwner {
                group_id: group.into(),
                channel_id: 1,
                model: "sora-2".into(),
            },
            token_id: Some(1),
            token_name: None,
            upstream_model: "sora-2".into(),
            request_id: "r".into(),
            seconds: 4,
            size: None,
            created_at_ms,
            api: VideoApi::Videos,
            upstream_id: None,
            hold: None,
        }
    }

    #[test]
    fn facts_come_from_video_objects_and_generation_jobs() {
        let video = video_facts(
            br#"{"id":"video_1","object":"video","status":"completed","seconds":"8","size":"720x1280"}"#,
        )
        .unwrap();
        assert_eq!(video.id.as_deref(), Some("video_1"));
        assert_eq!(video.seconds, Some(8));
        assert_eq!(video.size.as_deref(), Some("720x1280"));
        let job = video_facts(
            br#"{"id":"task_1","object":"video.generation.job","status":"succeeded","n_seconds":5,"n_variants":2,"width":480,"height":480,"generations":[{"id":"gen_1"},{"id":"gen_2"}]}"#,
        )
        .unwrap();
        assert_eq!(job.seconds, Some(10), "5 s of each of 2 variants");
        assert_eq!(job.generations, ["gen_1", "gen_2"]);
        assert_eq!(job.size.as_deref(), Some("480x480"));
        assert_eq!(
            VideoStatus::parse(job.status.as_deref().unwrap()),
            VideoStatus::Completed
        );
        assert!(video_facts(b"[1]").is_none());
        let long = format!(r#"{{"id":"{}"}}"#, "v".repeat(1000));
        assert_eq!(video_facts(long.as_bytes()).unwrap().id, None);
    }

    #[test]
    fn the_backoff_grows_with_the_age_up_to_five_minutes() {
        let secs = Duration::from_secs;
        assert_eq!(video_poll_delay(Duration::ZERO), secs(5));
        assert_eq!(video_poll_delay(secs(30)), secs(15));
        assert_eq!(video_poll_delay(secs(400)), secs(200));
        assert_eq!(video_poll_delay(secs(86_400)), secs(300));
    }

    #[tokio::test]
    async fn listings_show_one_groups_jobs_in_pages() {
        let jobs = InMemoryVideoJobs::new(10);
        for (id, group, at) in [
            ("a", "g", 1),
            ("b", "other", 2),
            ("c", "g", 3),
            ("d", "g", 4),
        ] {
            jobs.remember(
                id,
                job(group, at),
                Bytes::from(format!(r#"{{"id":"{id}"}}"#)),
            )
            .await;
        }
        let page = jobs.list("g", None, 2, false).await;
        let ids: Vec<&str> = page.items.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["d", "c"]);
        assert!(page.has_more);
        let page = jobs.list("g", Some("c"), 2, false).await;
        let ids: Vec<&str> = page.items.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["a"]);
        assert!(!page.has_more);
        let ascending = jobs.list("g", None, 10, true).await;
        assert_eq!(ascending.items[0].0, "a");
    }
}
