//! The relay data plane: OpenAI-compatible endpoints plus Anthropic (`/v1/messages`) and Gemini
//! (`/v1beta/models/{model}:generateContent`) faces that authenticate a caller, pick a channel of
//! any protocol, convert through the chat pivot in [`convert`] where client and channel differ,
//! relay (and stream) the request upstream with retries, and report usage. Knows nothing of SQL,
//! Redis, protobuf or listeners: `hub` supplies callers, channels, the usage sink and the optional
//! shared services as a [`RelayHost`] of the traits in [`host`].

mod client_ip;
mod config;
pub mod convert;
mod error;
mod gen_ai_span;
pub mod health;
pub mod host;
mod json;
pub mod media;
pub mod model_type;
mod multipart;
pub mod plugin;
pub mod provider;
mod relay;
mod request_id;
mod request_metadata;
mod responses_index;
mod select;
mod span_body;
mod sse;
mod stream;
#[cfg(feature = "test-util")]
pub mod test_util;
mod token_memo;
mod tokens;
pub mod trace_context;
pub mod trace_state;
mod upstream;
mod usage;
mod video_jobs;
mod vocabulary;
pub mod websocket;

pub use client_ip::client_ip;
pub use config::{BanPolicy, MemoryBounds, RelayBuildError, RelayConfig, Timeouts};
pub use error::{ErrorBody, Fault, RelayError, prefix_within};
pub use health::{
    Availability, BanInfo, ChannelHealth, ErrorRateThresholds, InMemoryHealth, Outcome, PairKey,
};
pub use relay::{ChannelTestOutcome, Relay, RelayHost};
pub use request_id::assign_request_id;
pub use responses_index::{InMemoryResponseIndex, ResponseIndexLimits};
pub use sse::{SseEvent, SseParser};
pub use tokens::{count_chat_messages, count_input, count_text, preload_for as preload_tokenizers};
pub use video_jobs::{
    InMemoryVideoJobs, VIDEO_JOB_TTL, VIDEO_OBJECT_MAX_BYTES, VIDEO_POLL_GIVE_UP, VideoFacts,
    kept_object, video_facts, video_poll_delay,
};
