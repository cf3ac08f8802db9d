//! Billing arithmetic: what a request costs, which price applies, and when quota periods begin
//! and end. Pure functions: no I/O, no clock (callers pass `now`).
//!
//! # How usage is priced ([`cost`])
//!
//! The relay's [`TokenUsage`](relay::host::TokenUsage) follows OpenAI's convention: cached,
//! cache-creation, image and audio input tokens are counted *inside* `input_tokens`, and
//! reasoning, image and audio output tokens *inside* `output_tokens`. The relay's protocol pivot
//! (`relay/src/convert/usage.rs`) brings the other protocols to the same shape: Anthropic's
//! `input_tokens` excludes cache reads and writes, so `Usage::from_messages` adds
//! `cache_read_input_tokens` and `cache_creation_input_tokens` back in; Gemini's
//! `promptTokenCount` already includes `cachedContentTokenCount` while its candidate count
//! excludes thoughts, so `from_gemini` adds `thoughtsTokenCount` to the output; Responses'
//! counts are taken as they are (already inclusive).
//!
//! So each special kind is taken out of its side and priced on its own:
//!
//! - input: `cached_input_tokens` at `cached_input`, `cache_creation_tokens` at
//!   `cache_creation`, `image_input_tokens` at `image_input`, `audio_input_tokens` at
//!   `audio_input`; what is left of `input_tokens` at `input`;
//! - output: `reasoning_tokens` at `reasoning_output`, `image_output_tokens` at `image_output`,
//!   `audio_output_tokens` at `audio_output`; what is left of `output_tokens` at `output`.
//!
//! A kind whose own price is unset is charged at its side's plain price (`input` or `output`),
//! and an unset plain price is free. When the kinds reported add up to more than their side's
//! total (an upstream that counts them outside it), each kind is still charged in full and
//! the plain remainder is zero: the usage reported is billed, never less. `total_tokens` is not
//! billed (it is the sum of the two sides). Prices are per `unit` tokens (`unit` 0 or
//! negative means 1,000,000). All of it is [`Decimal`] arithmetic, divided by `unit` once at
//! the end so no precision is lost per kind. A non-zero `per_request` replaces all of this (the
//! seed's meaning): the request costs `per_request` whatever its tokens; web searches and media
//! units are still charged beside it.
//!
//! Web searches the relay's web search plugin made for a request are not tokens:
//! [`web_search_cost`] charges each at `web_search_per_call`. A response-cache hit needs no rule
//! of its own: the relay already shaped its usage per the cache plugin's `billing` (no tokens
//! for `free`, every prompt token as cached input for `cached`, as stored for `full`).
//!
//! Media units are priced apart by [`media_cost`], at the model config's `config.media` prices
//! (`crate::store::media_config`): each image at the price of its size and quality, speech
//! input per 1,000,000 characters, transcribed or translated audio per minute (or second) to
//! the millisecond, a finished video per video and per second ([`video_charge`]), each at the
//! tier it matches (`crate::store::media_tiers`), whose cell each line names. A group
//! override's price does not replace them. Admission reserves them too
//! ([`reserved_media_cost`]: what the request asks for, a video job's creation its video).
//!
//! # Price tiers ([`charge`])
//!
//! A price's `tiers` hold the prices providers publish for some requests only: long-context
//! prices above a number of input tokens, and service tiers (`flex`, `priority`, `default`). The
//! last tier whose conditions all hold applies (`tier::matching`; tiers are sorted, unset
//! conditions first, so that is the most specific one); its prices replace the base price's
//! field by field. The service tier is the one the upstream answered with (OpenAI's
//! `service_tier` in the answer), else the request's `service_tier` field; the reservation uses
//! the request's. The tier's label is stored on the log row (`price_tier`), and every charged
//! line in `charge_detail`.
//!
//! # Which price applies ([`effective_price`])
//!
//! The model config's price, replaced as a whole by the group's override price when that
//! override sets one. A model with no config (served by a channel but never configured) and no
//! override price is free.
//!
//! # Quota periods ([`period_start`], [`next_reset`])
//!
//! Daily periods begin at local midnight, weekly ones on Monday at 00:00, monthly ones on the
//! 1st at 00:00, in the time zone `QUOTA_TIME_ZONE` (default UTC). Around daylight-saving
//! changes a period begins at the first instant of its local day: where midnight happens twice
//! the earlier one, where it does not exist (a zone that springs forward at midnight) the end
//! of the gap. A token's `period_used` counts only while its stored `period_start` is not older
//! than the current period's start ([`current_period_used`]).
//!
//! Money crosses into the counters engine as integer nano-units (1e-9 of the currency):
//! [`to_nanos`] rounds up so a reservation never undercharges, [`from_nanos`] is exact.

mod cost;
mod media;
mod period;
mod price;
mod quota;
mod tier;

pub use cost::{
    Charge, ChargeLine, NANOS_PER_UNIT, charge, cost, from_nanos, to_nanos, web_search_cost,
};
pub use media::{media_cost, media_lines, reserved_media_cost, video_charge};
pub use period::{next_reset, period_start};
pub use price::{FREE, effective_price};
pub use quota::{current_period_used, remaining, remaining_period_quota, remaining_quota};
