//! The OpenAI wire family: OpenAI itself, Azure OpenAI (deployment URLs, `api-key` header) and
//! the OpenAI-compatible vendors, each with its default base URL.

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use serde_json::json;

use super::{Adaptor, Endpoint, Protocol, UpstreamRequest};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::{Channel, ChannelKind};

/// Azure's generally available API version at the time of writing; `api_version` in the
/// channel's config overrides it.
const AZURE_DEFAULT_API_VERSION: &str = "2024-10-21";

pub struct OpenAiFamily;

/// The base URL a kind uses when its channel names none.
pub fn default_base_url(kind: ChannelKind) -> Option<&'static str> {
    Some(match kind {
        ChannelKind::OpenAi => "https://api.openai.com/v1",
        ChannelKind::DeepSeek => "https://api.deepseek.com/v1",
        ChannelKind::Moonshot => "https://api.moonshot.cn/v1",
        ChannelKind::Mistral => "https://api.mistral.ai/v1",
        ChannelKind::Groq => "https://api.groq.com/openai/v1",
        ChannelKind::OpenRouter => "https://openrouter.ai/api/v1",
        ChannelKind::XAi => "https://api.x.ai/v1",
        ChannelKind::SiliconFlow => "https://api.siliconflow.cn/v1",
        ChannelKind::Zhipu => "https://open.bigmodel.cn/api/paas/v4",
        ChannelKind::Ali => "https://dashscope.aliyuncs.com/compatible-mode/v1",
        ChannelKind::Ollama => "http://localhost:11434/v1",
        ChannelKind::Anthropic => "https://api.anthropic.com/v1",
        ChannelKind::Gemini => "https://generativelanguage.googleapis.com/v1beta",
        // Azure resources and custom endpoints have no default.
        ChannelKind::Azure | ChannelKind::Custom => return None,
    })
}

/// The base URL ending in its API version: `https://host/v1` and `https://host` both give
/// `https://host/v1`, and a base that already ends in a version (`/v4`) keeps it.
pub fn versioned_base(base: &str) -> String {
    let base = base.trim_end_matches('/');
    let last = base.rsplit('/').next().unwrap_or_default();
    let is_version = last.len() >= 2
        && last.starts_with('v')
        && last[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
        && !base.ends_with("//") // not the scheme separator
        && base.matches('/').count() > 2;
    if is_version {
        base.to_owned()
    } else {
        format!("{base}/v1")
    }
}

fn base_url(channel: &Channel) -> Result<&str, RelayError> {
    let base = channel.base_url.trim();
    if !base.is_empty() {
        return Ok(base);
    }
    default_base_url(channel.kind).ok_or_else(|| {
        RelayError::Misconfigured(format!(
            "channel {} of type {} has no base url",
            channel.id,
            channel.kind.as_str()
        ))
    })
}

/// An Azure base URL down to the resource (`https://name.openai.azure.com`), whether it was
/// given as the resource, its `/openai` path or its v1 surface `/openai/v1`.
fn azure_resource(base: &str) -> &str {
    let base = base.trim_end_matches('/');
    base.strip_suffix("/openai/v1")
        .or_else(|| base.strip_suffix("/openai"))
        .unwrap_or(base)
}

fn url_for(
    channel: &Channel,
    endpoint_path: &str,
    upstream_model: &str,
) -> Result<String, RelayError> {
    let base = base_url(channel)?;
    if channel.kind == ChannelKind::Azure {
        let base = azure_resource(base);
        // Azure serves Responses only on its v1 surface, which names the deployment in the
        // body's `model` (the mapped model already is) and takes no dated api-version.
        if endpoint_path == Endpoint::Responses.path() {
            return Ok(format!("{base}/openai/v1/responses"));
        }
        let version = channel
            .config
            .get("api_version")
            .map_or(AZURE_DEFAULT_API_VERSION, String::as_str);
        if endpoint_path == "models" {
            return Ok(format!("{base}/openai/models?api-version={version}"));
        }
        // The deployment name is the upstream model name after mapping.
        let deployment = percent_encode_segment(upstream_model);
        return Ok(format!(
            "{base}/openai/deployments/{deployment}/{endpoint_path}?api-version={version}"
        ));
    }
    Ok(format!("{}/{endpoint_path}", versioned_base(base)))
}

/// `GET`/`DELETE {base}/responses/{id}` or `GET {base}/responses/{id}/input_items` on the
/// channel that stored a response. Of the client's query only the pagination parameters of
/// input items are passed on.
pub fn stored_response_request(
    channel: &Channel,
    method: Method,
    response_id: &str,
    input_items: bool,
    query: Option<&str>,
) -> Result<UpstreamRequest, RelayError> {
    let id = percent_encode_segment(response_id);
    let tail = if input_items { "/input_items" } else { "" };
    let base = base_url(channel)?;
    let mut url = if channel.kind == ChannelKind::Azure {
        format!("{}/openai/v1/responses/{id}{tail}", azure_resource(base))
    } else {
        format!("{}/responses/{id}{tail}", versioned_base(base))
    };
    if input_items {
        let kept = query
            .unwrap_or_default()
            .split('&')
            .filter(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                matches!(
                    name,
                    "limit"
                        | "order"
                        | "after"
                        | "before"
                        | "include"
                        | "include[]"
                        | "include%5B%5D"
                )
            })
            .collect::<Vec<_>>();
        if !kept.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&kept.join("&"));
        }
    }
    Ok(UpstreamRequest {
        method,
        url,
        headers: auth_headers(channel, None)?,
        body: Bytes::new(),
    })
}

fn percent_encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn auth_headers(channel: &Channel, content_type: Option<&str>) -> Result<HeaderMap, RelayError> {
    let mut headers = HeaderMap::new();
    if let Some(content_type) = content_type {
        let value = HeaderValue::from_str(content_type).map_err(|_| RelayError::BadRequest {
            message: "invalid content type".into(),
            param: None,
        })?;
        headers.insert(header::CONTENT_TYPE, value);
    }
    let key = channel.key.trim();
    if key.is_empty() {
        // Keyless upstreams (a local ollama) are fine; the rest will answer 401 themselves.
        return Ok(headers);
    }
    let secret = |value: String| {
        let mut value = HeaderValue::from_str(&value).map_err(|_| {
            RelayError::Misconfigured(format!("channel {} has an invalid key", channel.id))
        })?;
        value.set_sensitive(true);
        Ok::<_, RelayError>(value)
    };
    if channel.kind == ChannelKind::Azure {
        headers.insert("api-key", secret(key.to_owned())?);
    } else {
        headers.insert(header::AUTHORIZATION, secret(format!("Bearer {key}"))?);
    }
    Ok(headers)
}

impl Adaptor for OpenAiFamily {
    fn protocol(&self) -> Protocol {
        Protocol::OpenAi
    }

    fn prepare(&self, channel: &Channel, endpoint: Endpoint, body: &mut JsonObject, stream: bool) {
        #[derive(serde::Deserialize, serde::Serialize, Default)]
        struct StreamOptions {
            #[serde(default)]
            include_usage: Option<bool>,
            #[serde(flatten)]
            rest: serde_json::Map<String, serde_json::Value>,
        }
        // Some compatible servers reject `stream_options`; a channel can opt out with
        // `include_usage = "false"` and then relies on local counting. The Responses API
        // reports usage in its last event unasked.
        let opted_out = channel
            .config
            .get("include_usage")
            .is_some_and(|value| value == "false");
        let chat_like = matches!(endpoint, Endpoint::ChatCompletions | Endpoint::Completions);
        if !stream || !chat_like || opted_out || super::wants_stream_usage(body) {
            return;
        }
        let mut options = body
            .get_as::<StreamOptions>("stream_options")
            .ok()
            .flatten()
            .unwrap_or_default();
        options.include_usage = Some(true);
        // Serializing a map of JSON values cannot fail.
        let _ = body.set("stream_options", &options);
    }

    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
        content_type: &str,
        body: Bytes,
        _stream: bool,
    ) -> Result<UpstreamRequest, RelayError> {
        if matches!(
            endpoint,
            Endpoint::Messages
                | Endpoint::MessagesCountTokens
                | Endpoint::GenerateContent
                | Endpoint::GeminiCountTokens
        ) {
            return Err(super::unsupported(channel, endpoint));
        }
        if channel.kind == ChannelKind::Azure
            && matches!(endpoint, Endpoint::Rerank | Endpoint::Moderations)
        {
            return Err(RelayError::Unsupported(format!(
                "azure channels do not serve {}",
                endpoint.route()
            )));
        }
        Ok(UpstreamRequest {
            method: Method::POST,
            url: url_for(channel, endpoint.path(), upstream_model)?,
            headers: auth_headers(channel, Some(content_type))?,
            body,
        })
    }

    fn probe(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        let endpoint = super::upstream_endpoint(endpoint, channel);
        let body = match endpoint {
            Endpoint::Responses => {
                json!({"model": upstream_model, "input": "ping", "max_output_tokens": 16})
            }
            Endpoint::ChatCompletions => {
                json!({"model": upstream_model, "messages": [{"role": "user", "content": "ping"}], "max_tokens": 1})
            }
            Endpoint::Completions => {
                json!({"model": upstream_model, "prompt": "ping", "max_tokens": 1})
            }
            Endpoint::Embeddings | Endpoint::Moderations => {
                json!({"model": upstream_model, "input": "ping"})
            }
            Endpoint::Rerank => {
                json!({"model": upstream_model, "query": "ping", "documents": ["ping"]})
            }
            // Images and audio cost real money per call: listing models proves the key and the
            // upstream are alive, which is what a ban is usually about.
            _ => {
                return Ok(UpstreamRequest {
                    method: Method::GET,
                    url: url_for(channel, "models", upstream_model)?,
                    headers: auth_headers(channel, None)?,
                    body: Bytes::new(),
                });
            }
        };
        self.build(
            channel,
            endpoint,
            upstream_model,
            "application/json",
            Bytes::from(body.to_string()),
            false,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_base_accepts_both_spellings() {
        for (base, expected) in [
            ("https://api.example.com", "https://api.example.com/v1"),
            ("https://api.example.com/", "https://api.example.com/v1"),
            ("https://api.example.com/v1", "https://api.example.com/v1"),
            ("https://api.example.com/v1/", "https://api.example.com/v1"),
            (
                "https://open.bigmodel.cn/api/paas/v4",
                "https://open.bigmodel.cn/api/paas/v4",
            ),
            (
                "https://api.groq.com/openai",
                "https://api.groq.com/openai/v1",
            ),
            (
                "http://127.0.0.1:8080/vendor",
                "http://127.0.0.1:8080/vendor/v1",
            ),
        ] {
            assert_eq!(versioned_base(base), expected, "{base}");
        }
    }

    #[test]
    fn stored_responses_are_addressed_by_id_with_only_pagination_passed_on() {
        let channel = Channel {
            id: 1,
            name: "o".into(),
            kind: ChannelKind::OpenAi,
            base_url: "http://127.0.0.1:9/v1/".into(),
            key: "sk-up".into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        };
        let request = stored_response_request(
            &channel,
            Method::GET,
            "resp_1/x",
            true,
            Some("limit=5&key=k&order=asc"),
        )
        .unwrap();
        assert_eq!(
            request.url,
            "http://127.0.0.1:9/v1/responses/resp_1%2Fx/input_items?limit=5&order=asc"
        );
        assert_eq!(request.headers[header::AUTHORIZATION], "Bearer sk-up");
        let request =
            stored_response_request(&channel, Method::DELETE, "resp_1", false, Some("limit=5"))
                .unwrap();
        assert_eq!(request.url, "http://127.0.0.1:9/v1/responses/resp_1");
        assert_eq!(request.method, Method::DELETE);
    }

    #[test]
    fn azure_responses_use_the_v1_surface_and_chat_keeps_deployment_urls() {
        for base in [
            "https://res.openai.azure.com",
            "https://res.openai.azure.com/openai/",
            "https://res.openai.azure.com/openai/v1",
        ] {
            let channel = Channel {
                id: 2,
                name: "a".into(),
                kind: ChannelKind::Azure,
                base_url: base.into(),
                key: "az-key".into(),
                model_mapping: Default::default(),
                priority: 0,
                config: [("api_version".to_owned(), "2024-06-01".to_owned())].into(),
                proxy_url: None,
                timeouts: Default::default(),
            };
            let build = |endpoint: Endpoint| {
                OpenAiFamily
                    .build(
                        &channel,
                        endpoint,
                        "my deployment",
                        "application/json",
                        Bytes::new(),
                        false,
                    )
                    .unwrap()
            };
            let request = build(Endpoint::Responses);
            assert_eq!(
                request.url, "https://res.openai.azure.com/openai/v1/responses",
                "{base}"
            );
            assert_eq!(request.headers["api-key"], "az-key");
            assert_eq!(
                build(Endpoint::ChatCompletions).url,
                "https://res.openai.azure.com/openai/deployments/my%20deployment/chat/completions?api-version=2024-06-01"
            );
            let stored =
                stored_response_request(&channel, Method::GET, "resp_1", true, Some("limit=2"))
                    .unwrap();
            assert_eq!(
                stored.url,
                "https://res.openai.azure.com/openai/v1/responses/resp_1/input_items?limit=2"
            );
            assert_eq!(stored.headers["api-key"], "az-key");
        }
    }
}
