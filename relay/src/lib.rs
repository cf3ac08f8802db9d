//! The relay data plane: OpenAI-compatible endpoints that authenticate a caller, pick a channel, relay (and stream) the request upstream with retries, and report usage. Knows nothing of SQL, Redis, protobuf or listeners: `hub` supplies callers, channels and the usage sink through the traits in [`backend`].

pub mod backend;
