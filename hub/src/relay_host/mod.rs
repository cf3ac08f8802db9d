//! The relay's state replicas share through Redis: the cache plugin's answers, the stored-responses index, video jobs and channel health.

pub mod plugin_cache;
pub mod responses_index;
pub mod shared_health;
pub mod video_jobs;
