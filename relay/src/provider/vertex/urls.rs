//! Vertex AI model URLs: `{root}/v1/projects/{project}/locations/{region}/publishers/{publisher}/models/{model}:{method}`.
//!
//! The root is `https://{region}-aiplatform.googleapis.com`, `https://aiplatform.googleapis.com`
//! for the `global` region (or none), or the channel's base URL (private endpoints, tests). An
//! express-mode API key has no project: its URLs are `{root}/v1/publishers/...`.

use super::key::VertexKey;
use crate::vocabulary::Channel;

/// Who publishes a model on Vertex, which decides its protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Publisher {
    /// Gemini: `generateContent`, `streamGenerateContent?alt=sse`.
    Google,
    /// Claude: Anthropic Messages over `rawPredict`, `streamRawPredict`.
    Anthropic,
}

impl Publisher {
    /// Claude models are Anthropic's (as the seed decides: the name contains `claude`); every
    /// other model is Google's.
    pub fn of(model: &str) -> Publisher {
        if model.to_ascii_lowercase().contains("claude") {
            Publisher::Anthropic
        } else {
            Publisher::Google
        }
    }

    fn path(self) -> &'static str {
        match self {
            Publisher::Google => "google",
            Publisher::Anthropic => "anthropic",
        }
    }

    /// The model method that generates, whole or streamed.
    fn method(self, stream: bool) -> &'static str {
        match (self, stream) {
            (Publisher::Google, false) => "generateContent",
            (Publisher::Google, true) => "streamGenerateContent?alt=sse",
            (Publisher::Anthropic, false) => "rawPredict",
            (Publisher::Anthropic, true) => "streamRawPredict",
        }
    }
}

/// The scheme and host requests go to, without a trailing slash or `/v1`.
fn root(channel: &Channel, key: &VertexKey) -> String {
    let base = channel.base_url.trim().trim_end_matches('/');
    if !base.is_empty() {
        return base.strip_suffix("/v1").unwrap_or(base).to_owned();
    }
    match key.region.as_str() {
        "" | "global" => "https://aiplatform.googleapis.com".to_owned(),
        region => format!("https://{region}-aiplatform.googleapis.com"),
    }
}

/// The URL that generates with `model` of `publisher`.
pub(super) fn generate_url(
    channel: &Channel,
    key: &VertexKey,
    publisher: Publisher,
    model: &str,
    stream: bool,
) -> String {
    model_url(channel, key, publisher, model, publisher.method(stream))
}

/// The URL of `method` (`generateContent`, `predictLongRunning`, ...) on `model` of `publisher`.
pub(super) fn model_url(
    channel: &Channel,
    key: &VertexKey,
    publisher: Publisher,
    model: &str,
    method: &str,
) -> String {
    let root = root(channel, key);
    let model = path_segment(model.strip_prefix("models/").unwrap_or(model));
    let scope = if key.project.is_empty() {
        String::new()
    } else {
        let region = if key.region.is_empty() {
            "global"
        } else {
            &key.region
        };
        format!(
            "/projects/{}/locations/{region}",
            path_segment(&key.project)
        )
    };
    format!(
        "{root}/v1{scope}/publishers/{}/models/{model}:{method}",
        publisher.path(),
    )
}

/// `text` as one path segment: unreserved characters and `@` (Claude versions,
/// `claude-sonnet-4@20250514`) as they are, anything else percent-encoded.
fn path_segment(text: &str) -> String {
    let mut segment = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'@') {
            segment.push(byte as char);
        } else {
            segment.push_str(&format!("%{byte:02X}"));
        }
    }
    segment
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(base_url: &str) -> Channel {
        Channel {
            id: 1,
            name: "v".into(),
            kind: crate::host::ChannelKind::parse("vertexai").unwrap(),
            base_url: base_url.into(),
            key: String::new(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        }
    }

    fn url(base_url: &str, key: &str, model: &str, stream: bool) -> String {
        let key = VertexKey::parse(key).unwrap();
        generate_url(
            &channel(base_url),
            &key,
            Publisher::of(model),
            model,
            stream,
        )
    }

    #[test]
    fn gemini_models_generate_under_the_google_publisher_of_the_regional_host() {
        assert_eq!(
            url("", "us-central1|proj|k", "gemini-2.5-flash", false),
            "https://us-central1-aiplatform.googleapis.com/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent"
        );
        assert_eq!(
            url("", "us-central1|proj|k", "models/gemini-2.5-flash", true),
            "https://us-central1-aiplatform.googleapis.com/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
        );
    }

    #[test]
    fn claude_models_use_raw_predict_under_the_anthropic_publisher() {
        assert_eq!(
            url("", "us-east5|proj|k", "claude-sonnet-4@20250514", false),
            "https://us-east5-aiplatform.googleapis.com/v1/projects/proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict"
        );
        assert_eq!(
            url("", "us-east5|proj|k", "Claude-Opus-4", true),
            "https://us-east5-aiplatform.googleapis.com/v1/projects/proj/locations/us-east5/publishers/anthropic/models/Claude-Opus-4:streamRawPredict"
        );
    }

    #[test]
    fn the_global_region_has_no_regional_host_and_express_keys_no_project() {
        assert_eq!(
            url("", "global|proj|k", "gemini-2.5-pro", false),
            "https://aiplatform.googleapis.com/v1/projects/proj/locations/global/publishers/google/models/gemini-2.5-pro:generateContent"
        );
        assert_eq!(
            url("", "|proj|k", "gemini-2.5-pro", false),
            "https://aiplatform.googleapis.com/v1/projects/proj/locations/global/publishers/google/models/gemini-2.5-pro:generateContent"
        );
        assert_eq!(
            url("", "global|AQ.key", "gemini-2.5-pro", true),
            "https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
        );
        assert_eq!(
            url("", "europe-west4|AQ.key", "gemini-2.5-pro", false),
            "https://europe-west4-aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-pro:generateContent"
        );
    }

    #[test]
    fn a_base_url_replaces_the_root_and_names_are_one_segment_each() {
        assert_eq!(
            url(
                "http://127.0.0.1:9/v1/",
                "us-central1|p r|k",
                "a/b c",
                false
            ),
            "http://127.0.0.1:9/v1/projects/p%20r/locations/us-central1/publishers/google/models/a%2Fb%20c:generateContent"
        );
        assert_eq!(
            url(
                "https://vertex.internal",
                "us-central1|k",
                "claude-x",
                false
            ),
            "https://vertex.internal/v1/publishers/anthropic/models/claude-x:rawPredict"
        );
    }
}
