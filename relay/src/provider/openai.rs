//! The OpenAI wire family: OpenAI itself, Azure OpenAI (deployment URLs, `api-key` header) and
//! the OpenAI-compatible vendors, which differ only by the registry's data (base URL, quirks).
//!
//! Quirks with a little code live here: a vendor's Anthropic Messages endpoint beside its
//! OpenAI one (for some of its models), Ark bot models under `/bots`, Cloudflare's account id
//! and MiniMax's group id taken from the key, and Spark's model names sent as its domains.

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use serde_json::json;

use super::{Endpoint, Provider, StoredCall, UpstreamRequest, VideoCall, base_url};
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

/// The URL root of an OpenAI request on `channel` for `upstream_model`: the API root, with a
/// Cloudflare account's path, or `/bots` for an Ark bot's chat.
fn openai_root(
    channel: &Channel,
    base: &str,
    endpoint_path: &str,
    upstream_model: &str,
) -> Result<String, RelayError> {
    let quirks = channel.kind.quirks();
    let root = if quirks.cloudflare_account {
        cloudflare_root(channel, base)?
    } else {
        api_root(channel, base)
    };
    let bot = quirks.ark_bots
        && endpoint_path == Endpoint::ChatCompletions.path()
        && upstream_model
            .get(..4)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("bot-"));
    Ok(if bot { format!("{root}/bots") } else { root })
}

/// Workers AI's OpenAI root: an AI Gateway endpoint (`.../workers-ai`) as it is, else the
/// account-scoped REST API with the account id from the key (`account_id|api_token`).
fn cloudflare_root(channel: &Channel, base: &str) -> Result<String, RelayError> {
    let base = base.trim_end_matches('/');
    if base.ends_with("/workers-ai") {
        return Ok(format!("{base}/v1"));
    }
    match channel.key.trim().split_once('|') {
        Some((account, _)) if !account.trim().is_empty() => Ok(format!(
            "{base}/client/v4/accounts/{}/ai/v1",
            percent_encode_segment(account.trim())
        )),
        _ => Err(RelayError::Misconfigured(format!(
            "channel {} needs its key as account_id|api_token",
            channel.id
        ))),
    }
}

/// The token sent as `Bearer` (or `x-api-key`): the key, a Cloudflare key's part after
/// `account_id|`, or a MiniMax key's part before `|group_id`.
fn bearer_token(channel: &Channel) -> &str {
    let key = channel.key.trim();
    let quirks = channel.kind.quirks();
    if quirks.cloudflare_account {
        return key.split_once('|').map_or(key, |(_, token)| token.trim());
    }
    if quirks.minimax_group {
        return key.split_once('|').map_or(key, |(token, _)| token.trim());
    }
    key
}

/// The group id of a MiniMax key `api_key|group_id`, if it names one.
fn minimax_group_id(channel: &Channel) -> Option<&str> {
    if !channel.kind.quirks().minimax_group {
        return None;
    }
    let (_, group) = channel.key.trim().split_once('|')?;
    Some(group.trim()).filter(|group| !group.is_empty())
}

/// The vendor's Anthropic API root for `channel` and `upstream_model`, when its type has one
/// for that model and the channel's `anthropic_api` config does not turn it off.
fn anthropic_path(channel: &Channel, upstream_model: &str) -> Option<&'static str> {
    let off = channel
        .config
        .get("anthropic_api")
        .is_some_and(|value| value == "false");
    let quirks = channel.kind.quirks();
    let model = upstream_model.to_ascii_lowercase();
    let serves_model = quirks
        .anthropic_models
        .iter()
        .all(|word| model.contains(word));
    quirks.anthropic_base.filter(|_| !off && serves_model)
}

/// `{root}/v1/messages`, the root being the channel's base URL with the path of the type's
/// default base URL (`/v1`, `/api/paas/v4`) replaced by the Anthropic path, so a base on
/// another host or below a proxy's prefix keeps its host and prefix.
fn anthropic_url(
    channel: &Channel,
    anthropic_path: &str,
    upstream_model: &str,
) -> Result<String, RelayError> {
    let base = base_url(channel)?;
    let default_path = channel
        .kind
        .default_base_url()
        .and_then(|default| {
            let rest = &default[default.find("://")? + 3..];
            Some(rest.find('/').map_or("", |slash| &rest[slash..]))
        })
        .unwrap_or_default()
        .trim_end_matches('/');
    let prefix = if default_path.is_empty() {
        base.as_str()
    } else {
        base.strip_suffix(default_path).unwrap_or(&base)
    };
    let path = anthropic_path.replace("{model}", &percent_encode_segment(upstream_model));
    Ok(format!("{prefix}{path}/v1/messages"))
}

/// A request to the vendor's Anthropic endpoint: the body is an Anthropic Messages body.
fn anthropic_request(
    channel: &Channel,
    anthropic_path: &str,
    upstream_model: &str,
    content_type: &str,
    body: Bytes,
) -> Result<UpstreamRequest, RelayError> {
    let mut headers = auth_headers(channel, Some(content_type))?;
    if !channel.kind.quirks().anthropic_bearer {
        headers.remove(header::AUTHORIZATION);
    }
    headers.insert(
        "anthropic-version",
        HeaderValue::from_static(super::anthropic::API_VERSION),
    );
    let key = bearer_token(channel);
    if !key.is_empty() {
        headers.insert("x-api-key", secret_header(channel, key.to_owned())?);
    }
    Ok(UpstreamRequest {
        method: Method::POST,
        url: anthropic_url(channel, anthropic_path, upstream_model)?,
        headers,
        body,
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
    if channel.kind.quirks().azure {
        let base = azure_resource(&base);
        // Azure serves Responses only on its v1 surface, which names the deployment in the
        // body's `model` (the mapped model already is) and takes no dated api-version.
        if endpoint_path == Endpoint::Responses.path() {
            return Ok(format!("{base}/openai/v1/responses"));
        }
        // Sora on Azure: the v1 surface too (`/openai/v1/videos`, and the older
        // `/openai/v1/video/generations/jobs`), the deployment in `model`.
        if endpoint_path == Endpoint::Videos.path()
            || endpoint_path == Endpoint::VideoGenerationJobs.path()
        {
            return Ok(format!("{base}/openai/v1/{endpoint_path}"));
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
    let url = format!(
        "{}/{endpoint_path}",
        openai_root(channel, &base, endpoint_path, upstream_model)?
    );
    // MiniMax bills embeddings to the key's group when it names one (as its own SDK does).
    match minimax_group_id(channel) {
        Some(group) if endpoint_path == Endpoint::Embeddings.path() => {
            Ok(format!("{url}?GroupId={}", percent_encode_segment(group)))
        }
        _ => Ok(url),
    }
}

/// `{base}/videos/{id}...` (or `{base}/video/generations/...`) on the channel that runs a
/// video job (Azure: its v1 surface). Of the client's query only a download's `variant` is
/// passed on.
fn video_call_request(
    channel: &Channel,
    call: VideoCall,
    video_id: &str,
    query: Option<&str>,
) -> Result<UpstreamRequest, RelayError> {
    let path = call
        .path()
        .replace("{id}", &percent_encode_segment(video_id));
    let base = base_url(channel)?;
    let mut url = if channel.kind.quirks().azure {
        format!("{}/openai/v1/{path}", azure_resource(&base))
    } else {
        format!("{}/{path}", openai_root(channel, &base, "videos", "")?)
    };
    if call == VideoCall::Content
        && let Some(variant) = query
            .unwrap_or_default()
            .split('&')
            .find(|pair| pair.split('=').next() == Some("variant"))
    {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(variant);
    }
    let content_type = (call.method() == Method::POST).then_some("application/json");
    Ok(UpstreamRequest {
        method: call.method(),
        url,
        headers: auth_headers(channel, content_type)?,
        body: Bytes::new(),
    })
}

/// `GET`/`DELETE {base}/responses/{id}` or `GET {base}/responses/{id}/input_items` on the
/// channel that stored a response. Of the client's query only the pagination parameters of
/// input items are passed on.
fn stored_response_request(
    channel: &Channel,
    call: StoredCall,
    response_id: &str,
    query: Option<&str>,
) -> Result<UpstreamRequest, RelayError> {
    let id = percent_encode_segment(response_id);
    let tail = call.suffix();
    let input_items = call == StoredCall::InputItems;
    let base = base_url(channel)?;
    let mut url = if channel.kind.quirks().azure {
        format!("{}/openai/v1/responses/{id}{tail}", azure_resource(&base))
    } else {
        format!(
            "{}/responses/{id}{tail}",
            openai_root(channel, &base, "responses", "")?
        )
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
        method: call.method(),
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
    let key = bearer_token(channel);
    if key.is_empty() {
        // Keyless upstreams (a local ollama) are fine; the rest will answer 401 themselves.
        return Ok(headers);
    }
    if channel.kind.quirks().azure {
        headers.insert("api-key", secret_header(channel, key.to_owned())?);
    } else {
        headers.insert(
            header::AUTHORIZATION,
            secret_header(channel, format!("Bearer {key}"))?,
        );
    }
    Ok(headers)
}

/// `value` (made of the channel's key) as a sensitive header value; the error names the
/// channel, never the key.
fn secret_header(channel: &Channel, value: String) -> Result<HeaderValue, RelayError> {
    let mut value = HeaderValue::from_str(&value).map_err(|_| {
        RelayError::Misconfigured(format!("channel {} has an invalid key", channel.id))
    })?;
    value.set_sensitive(true);
    Ok(value)
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
    /// `responses_only` and for Responses clients on a channel that serves Responses;
    /// Anthropic clients go to the vendor's Anthropic endpoint where it has one.
    fn endpoint(&self, endpoint: Endpoint, channel: &Channel, upstream_model: &str) -> Endpoint {
        if endpoint.wire().is_none() {
            return endpoint;
        }
        if endpoint == Endpoint::Messages && anthropic_path(channel, upstream_model).is_some() {
            return Endpoint::Messages;
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
        if chat_like && channel.kind.quirks().spark_domains {
            super::spark::send_domain(body);
        }
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
        if endpoint == Endpoint::Messages
            && let Some(path) = anthropic_path(channel, upstream_model)
        {
            return anthropic_request(channel, path, upstream_model, content_type, body);
        }
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
                let model = if channel.kind.quirks().spark_domains {
                    super::spark::domain(upstream_model)
                } else {
                    upstream_model
                };
                json!({"model": model, "messages": [{"role": "user", "content": "ping"}], "max_tokens": 1})
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
        call: StoredCall,
        response_id: &str,
        query: Option<&str>,
    ) -> Result<UpstreamRequest, RelayError> {
        stored_response_request(channel, call, response_id, query)
    }

    fn video_call(
        &self,
        channel: &Channel,
        call: VideoCall,
        video_id: &str,
        query: Option<&str>,
    ) -> Result<UpstreamRequest, RelayError> {
        video_call_request(channel, call, video_id, query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::{ChannelKind, Wire};

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
            StoredCall::InputItems,
            "resp_1/x",
            Some("limit=5&key=k&order=asc"),
        )
        .unwrap();
        assert_eq!(
            request.url,
            "http://127.0.0.1:9/v1/responses/resp_1%2Fx/input_items?limit=5&order=asc"
        );
        assert_eq!(request.headers[header::AUTHORIZATION], "Bearer sk-up");
        let request =
            stored_response_request(&channel, StoredCall::Delete, "resp_1", Some("limit=5"))
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
            let stored = stored_response_request(
                &channel,
                StoredCall::InputItems,
                "resp_1",
                Some("limit=2"),
            )
            .unwrap();
            assert_eq!(
                stored.url,
                "https://res.openai.azure.com/openai/v1/responses/resp_1/input_items?limit=2"
            );
            assert_eq!(stored.headers["api-key"], "az-key");
        }
    }

    fn vendor_channel(kind: &str, base_url: &str, key: &str) -> Channel {
        Channel {
            id: 3,
            name: kind.into(),
            kind: ChannelKind::parse(kind).unwrap(),
            base_url: base_url.into(),
            key: key.into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        }
    }

    fn build(channel: &Channel, endpoint: Endpoint, model: &str) -> UpstreamRequest {
        OpenAiWire
            .build(
                channel,
                endpoint,
                model,
                "application/json",
                Bytes::new(),
                false,
            )
            .unwrap()
    }

    #[test]
    fn cloudflare_takes_the_account_from_the_key_and_sends_only_the_token() {
        let channel = vendor_channel("cloudflare", "", "acc123|cf-token");
        let request = build(&channel, Endpoint::ChatCompletions, "@cf/meta/llama");
        assert_eq!(
            request.url,
            "https://api.cloudflare.com/client/v4/accounts/acc123/ai/v1/chat/completions"
        );
        assert_eq!(request.headers[header::AUTHORIZATION], "Bearer cf-token");
        let gateway = vendor_channel(
            "cloudflare",
            "https://gateway.ai.cloudflare.com/v1/acc/gw/workers-ai/",
            "cf-token",
        );
        let request = build(&gateway, Endpoint::Embeddings, "@cf/baai/bge");
        assert_eq!(
            request.url,
            "https://gateway.ai.cloudflare.com/v1/acc/gw/workers-ai/v1/embeddings"
        );
        assert_eq!(request.headers[header::AUTHORIZATION], "Bearer cf-token");
        let keyless = vendor_channel("cloudflare", "", "cf-token");
        let error = OpenAiWire
            .build(
                &keyless,
                Endpoint::ChatCompletions,
                "m",
                "application/json",
                Bytes::new(),
                false,
            )
            .unwrap_err();
        assert!(
            matches!(&error, RelayError::Misconfigured(message) if !message.contains("cf-token")),
            "{error:?}"
        );
    }

    #[test]
    fn ark_bot_models_go_to_the_bots_path_and_others_stay() {
        let channel = vendor_channel("doubao", "", "k");
        assert_eq!(
            build(&channel, Endpoint::ChatCompletions, "bot-2024-abc").url,
            "https://ark.cn-beijing.volces.com/api/v3/bots/chat/completions"
        );
        assert_eq!(
            build(&channel, Endpoint::ChatCompletions, "doubao-pro").url,
            "https://ark.cn-beijing.volces.com/api/v3/chat/completions"
        );
        assert_eq!(
            build(&channel, Endpoint::Embeddings, "bot-x").url,
            "https://ark.cn-beijing.volces.com/api/v3/embeddings"
        );
    }

    #[test]
    fn anthropic_clients_reach_the_vendors_messages_endpoint_unless_turned_off() {
        for (kind, base, url, bearer) in [
            (
                "deepseek",
                "",
                "https://api.deepseek.com/anthropic/v1/messages",
                false,
            ),
            (
                "deepseek",
                "https://proxy.example/ds/v1/",
                "https://proxy.example/ds/anthropic/v1/messages",
                false,
            ),
            (
                "minimax",
                "",
                "https://api.minimaxi.com/anthropic/v1/messages",
                false,
            ),
            (
                "zhipu",
                "",
                "https://open.bigmodel.cn/api/anthropic/v1/messages",
                true,
            ),
            (
                "ali",
                "",
                "https://dashscope.aliyuncs.com/apps/anthropic/v1/messages",
                true,
            ),
            (
                "zhipucoding",
                "",
                "https://open.bigmodel.cn/api/anthropic/v1/messages",
                true,
            ),
            (
                "antling",
                "",
                "https://api.tbox.cn/api/anthropic/v1/messages",
                true,
            ),
            (
                "streamlake",
                "",
                "https://wanqing.streamlakeapi.com/api/gateway/v1/endpoints/KAT-Coder%2F1/claude-code-proxy/v1/messages",
                true,
            ),
        ] {
            let mut channel = vendor_channel(kind, base, "vendor-key");
            assert_eq!(
                OpenAiWire.endpoint(Endpoint::Messages, &channel, "KAT-Coder/1"),
                Endpoint::Messages,
                "{kind}"
            );
            assert_eq!(OpenAiWire.codec(Endpoint::Messages), Wire::Messages);
            let request = build(&channel, Endpoint::Messages, "KAT-Coder/1");
            assert_eq!(request.url, url, "{kind} {base}");
            assert_eq!(request.headers["x-api-key"], "vendor-key");
            assert_eq!(request.headers["anthropic-version"], "2023-06-01");
            assert_eq!(
                request
                    .headers
                    .get(header::AUTHORIZATION)
                    .map(|value| value.to_str().unwrap()),
                bearer.then_some("Bearer vendor-key"),
                "{kind}"
            );
            channel
                .config
                .insert("anthropic_api".into(), "false".into());
            assert_eq!(
                OpenAiWire.endpoint(Endpoint::Messages, &channel, "KAT-Coder/1"),
                Endpoint::ChatCompletions,
                "{kind} turned off"
            );
        }
        let plain = vendor_channel("moonshot", "", "k");
        assert_eq!(
            OpenAiWire.endpoint(Endpoint::Messages, &plain, "m"),
            Endpoint::ChatCompletions
        );
    }

    #[test]
    fn streamlake_sends_only_kat_coder_models_to_its_anthropic_proxy() {
        let channel = vendor_channel("streamlake", "", "k");
        for (model, expected) in [
            ("KAT-Coder", Endpoint::Messages),
            ("kat-coder-pro-v1", Endpoint::Messages),
            ("ep-abc123", Endpoint::ChatCompletions),
            ("KAT-V1", Endpoint::ChatCompletions),
        ] {
            assert_eq!(
                OpenAiWire.endpoint(Endpoint::Messages, &channel, model),
                expected,
                "{model}"
            );
        }
        let error = OpenAiWire
            .build(
                &channel,
                Endpoint::Messages,
                "ep-abc123",
                "application/json",
                Bytes::new(),
                false,
            )
            .unwrap_err();
        assert!(matches!(error, RelayError::Unsupported(_)), "{error:?}");
    }

    #[test]
    fn minimax_sends_only_the_api_key_and_the_group_id_with_embeddings() {
        let channel = vendor_channel("minimax", "", "mm-key|group-7");
        let chat = build(&channel, Endpoint::ChatCompletions, "MiniMax-M1");
        assert_eq!(chat.url, "https://api.minimaxi.com/v1/chat/completions");
        assert_eq!(chat.headers[header::AUTHORIZATION], "Bearer mm-key");
        let embeddings = build(&channel, Endpoint::Embeddings, "embo-01");
        assert_eq!(
            embeddings.url,
            "https://api.minimaxi.com/v1/embeddings?GroupId=group-7"
        );
        assert_eq!(embeddings.headers[header::AUTHORIZATION], "Bearer mm-key");
        let messages = build(&channel, Endpoint::Messages, "MiniMax-M2");
        assert_eq!(messages.headers["x-api-key"], "mm-key");
        assert!(messages.headers.get(header::AUTHORIZATION).is_none());
        let probe = OpenAiWire
            .probe(&channel, Endpoint::Embeddings, "embo-01")
            .unwrap();
        assert_eq!(probe.headers[header::AUTHORIZATION], "Bearer mm-key");

        let plain = vendor_channel("minimax", "", "mm-key");
        let embeddings = build(&plain, Endpoint::Embeddings, "embo-01");
        assert_eq!(embeddings.url, "https://api.minimaxi.com/v1/embeddings");
        assert_eq!(embeddings.headers[header::AUTHORIZATION], "Bearer mm-key");
        // Other vendors keep a key with a bar as it is.
        let other = vendor_channel("moonshot", "", "a|b");
        let request = build(&other, Endpoint::Embeddings, "m");
        assert_eq!(request.headers[header::AUTHORIZATION], "Bearer a|b");
        assert_eq!(request.url, "https://api.moonshot.cn/v1/embeddings");
    }

    #[test]
    fn spark_chat_bodies_name_the_domain_and_other_vendors_keep_the_model() {
        let prepared = |kind: &str| {
            let channel = vendor_channel(kind, "", "k:s");
            let mut body = JsonObject::from_value(&json!({
                "model": "SparkDesk-Max", "messages": []
            }))
            .unwrap();
            OpenAiWire.prepare(&channel, Endpoint::ChatCompletions, &mut body, false);
            body.get_as::<String>("model").unwrap().unwrap()
        };
        assert_eq!(prepared("xunfei"), "generalv3.5");
        assert_eq!(prepared("moonshot"), "SparkDesk-Max");
    }
}
