//! The relay's stores that replicas share through Redis: the cache plugin's answers and the stored-responses index.

pub mod plugin_cache;
pub mod responses_index;
