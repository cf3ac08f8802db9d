//! A non-2xx upstream answer turned into the client's error, with the channel's secrets scrubbed.

use std::time::Duration;

use futures::StreamExt;
use serde::Deserialize;

use crate::error::{ErrorBody, RelayError};
use crate::host::Channel;
use crate::upstream::{ByteStream, read_body, retry_after};

/// Largest upstream error body read to pass on to the client.
pub(super) const MAX_ERROR_BODY: usize = 64 * 1024;

/// The client's error for a non-2xx upstream answer.
///
/// A refusal of the channel's own account is the channel's fault, not the client's: a bad or
/// revoked key (401, 403), an account without money (402, or a 4xx whose body says the quota
/// or balance is exhausted, as OpenAI's 429 `insufficient_quota` does). It becomes
/// [`RelayError::UpstreamCredentials`], which bans the pair at once and moves on to another
/// channel, instead of a rate limit to wait out or a rejection passed to the client.
pub(super) async fn upstream_error(
    response: reqwest::Response,
    channel: &Channel,
    idle: Duration,
) -> RelayError {
    let status = response.status().as_u16();
    match status {
        401..=403 => RelayError::UpstreamCredentials { status },
        400..=499 => {
            let retry_after = retry_after(response.headers());
            let mut body: ByteStream = response.bytes_stream().boxed();
            let body = read_body(&mut body, idle, MAX_ERROR_BODY).await.ok();
            if body.as_deref().is_some_and(account_exhausted) {
                return RelayError::UpstreamCredentials { status };
            }
            if status == 429 {
                return RelayError::RateLimited { retry_after };
            }
            RelayError::UpstreamRejected {
                status,
                body: body.and_then(|body| scrubbed_error(&body, channel)),
            }
        }
        _ => RelayError::UpstreamFailed,
    }
}

/// Markers of an upstream account that has run out of quota or money, as providers word them
/// (OpenAI `insufficient_quota`, DeepSeek "Insufficient Balance", Moonshot
/// `exceeded_current_quota_error`, Anthropic "credit balance is too low", DashScope
/// `Arrearage`). A per-minute quota ("Quota exceeded for metric") is a rate limit, not this.
const EXHAUSTED_MARKERS: [&str; 6] = [
    "insufficient_quota",
    "insufficient balance",
    "insufficient_balance",
    "exceeded_current_quota",
    "credit balance is too low",
    "arrearage",
];

/// Whether an upstream error body says the channel's account is out of quota or balance.
fn account_exhausted(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    EXHAUSTED_MARKERS.iter().any(|marker| text.contains(marker))
}

/// The upstream's OpenAI-shaped error, with the channel's key and address taken out.
pub(super) fn scrubbed_error(body: &[u8], channel: &Channel) -> Option<ErrorBody> {
    #[derive(Deserialize)]
    struct Envelope {
        error: Detail,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Detail {
        Object {
            message: Option<String>,
            #[serde(rename = "type")]
            kind: Option<String>,
            param: Option<serde_json::Value>,
            code: Option<serde_json::Value>,
        },
        Text(String),
    }
    let scrub = |text: &str| scrub_secrets(text, channel);
    let as_text = |value: Option<serde_json::Value>| match value? {
        serde_json::Value::String(text) => Some(scrub(&text)),
        serde_json::Value::Null => None,
        other => Some(scrub(&other.to_string())),
    };
    /// AWS, Cohere and others answer `{"message": "..."}` without an `error` envelope;
    /// DashScope adds its `code` beside it.
    #[derive(Deserialize)]
    struct Bare {
        message: String,
        code: Option<serde_json::Value>,
    }
    let envelope = match serde_json::from_slice::<Envelope>(body) {
        Ok(envelope) => envelope,
        Err(_) => {
            let bare = serde_json::from_slice::<Bare>(body).ok()?;
            return Some(ErrorBody {
                message: scrub(&bare.message),
                kind: "invalid_request_error".to_owned(),
                param: None,
                code: as_text(bare.code),
            });
        }
    };
    Some(match envelope.error {
        Detail::Object {
            message,
            kind,
            param,
            code,
        } => ErrorBody {
            message: scrub(
                message
                    .as_deref()
                    .unwrap_or("upstream rejected the request"),
            ),
            kind: kind.map_or_else(|| "invalid_request_error".to_owned(), |kind| scrub(&kind)),
            param: as_text(param),
            code: as_text(code),
        },
        Detail::Text(message) => ErrorBody {
            message: scrub(&message),
            kind: "invalid_request_error".to_owned(),
            param: None,
            code: None,
        },
    })
}

/// `text` with the channel's key and base URL replaced by `[redacted]` (values shorter than 4
/// characters are left: replacing them would mangle ordinary words).
pub(super) fn scrub_secrets(text: &str, channel: &Channel) -> String {
    let mut text = text.to_owned();
    for secret in [
        channel.key.trim(),
        channel.base_url.trim().trim_end_matches('/'),
    ] {
        if secret.len() >= 4 {
            text = text.replace(secret, "[redacted]");
        }
    }
    text
}
