//! The OpenAI wire family: OpenAI itself, Azure OpenAI (deployment URLs, `api-key` header) and
//! the OpenAI-compatible vendors, which differ only by the registry's data (base URL, quirks).

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use serde_json::json;

use super::{Endpoint, Provider, UpstreamRequest, base_url};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;

/// Azure's generally available API version at the time of writing; `api_version` in the
/// channel's config overrides it.
pub(super) const AZURE_DEFAULT_API_VERSION: &str = "2024-10-21";

pub struct OpenAiWire;

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

/// The base URL requests' paths go below: versioned (see [`versioned_base`]) unless the type's
/// quirks say its base is the root as written.
fn api_root(channel: &Channel, base: &str) -> String {
    if channel.kind.quirks().base_as_given {
        base.trim_end_matches('/').to_owned()
    } else {
        versioned_base(base)
    }
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
    if channel.kind.quirks().azure {
        let base = azure_resource(&base);
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
    Ok(format!("{}/{endpoint_path}", api_root(channel, &base)))
}

/// `GET`/`DELETE {base}/responses/{id}` or `GET {base}/responses/{id}/input_items` on the
/// channel that stored a response. Of the client's query only the pagination parameters of
/// input items are passed on.
fn stored_response_request(
    channel: &Channel,
    method: Method,
    response_id: &str,
    input_items: bool,
    query: Option<&str>,
) -> Result<UpstreamRequest, RelayError> {
    let id = percent_encode_segment(response_id);
    let tail = if input_items { "/input_items" } else { "" };
    let base = base_url(channel)?;
    let mut url = if channel.kind.quirks().azure {
        format!("{}/openai/v1/responses/{id}{tail}", azure_resource(&base))
    } else {
        format!("{}/responses/{id}{tail}", api_root(channel, &base))
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
    if channel.kind.quirks().azure {
        headers.insert("api-key", secret(key.to_owned())?);
    } else {
        headers.insert(header::AUTHORIZATION, secret(format!("Bearer {key}"))?);
    }
    Ok(headers)
}

/// Whether Responses clients reach `channel` without conversion, so that stored responses,
/// `previous_response_id` and built-in tools work and their ids can be looked up later.
/// Types whose quirks say they serve `/v1/responses` (OpenAI, Azure) do unless their config
/// says `responses_api = "false"`; other OpenAI-compatible types may not have the endpoint:
/// they get converted requests unless marked `responses_api = "true"`.
fn serves_responses(channel: &Channel) -> bool {
    match channel.config.get("responses_api").map(String::as_str) {
        Some("true") => true,
        Some("false") => false,
        _ => channel.kind.quirks().serves_responses,
    }
}

/// A channel that serves generation only through `/v1/responses` (some OpenAI models do).
fn responses_only(channel: &Channel) -> bool {
    channel
        .config
        .get("responses_only")
        .is_some_and(|value| value == "true")
}

impl Provider for OpenAiWire {
    /// Generation goes to chat completions, or to Responses for a channel marked
    /// `responses_only` and for Responses clients on a channel that serves Responses.
    fn endpoint(&self, endpoint: Endpoint, channel: &Channel, _: &str) -> Endpoint {
        if endpoint.wire().is_none() {
            return endpoint;
        }
        if responses_only(channel) || (endpoint == Endpoint::Responses && serves_responses(channel))
        {
            Endpoint::Responses
        } else {
            Endpoint::ChatCompletions
        }
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
        if channel.kind.quirks().azure
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
        let endpoint = self.endpoint(endpoint, channel, upstream_model);
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

    fn stored_response(
        &self,
        channel: &Channel,
        method: Method,
        response_id: &str,
        input_items: bool,
        query: Option<&str>,
    ) -> Result<UpstreamRequest, RelayError> {
        stored_response_request(channel, method, response_id, input_items, query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::ChannelKind;

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
            kind: ChannelKind::OPENAI,
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
                kind: ChannelKind::AZURE,
                base_url: base.into(),
                key: "az-key".into(),
                model_mapping: Default::default(),
                priority: 0,
                config: [("api_version".to_owned(), "2024-06-01".to_owned())].into(),
                proxy_url: None,
                timeouts: Default::default(),
            };
            let build = |endpoint: Endpoint| {
                OpenAiWire
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
