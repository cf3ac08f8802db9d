//! The AWS Bedrock family (`aws`, alias `bedrock`): Converse for any model, InvokeModel with the Messages body for Anthropic models, SigV4 or API-key auth.
//!
//! Generation requests on an Anthropic model (`anthropic.` in its id, inference profiles such
//! as `us.anthropic.` included) go to `POST /model/{id}/invoke` (or
//! `/invoke-with-response-stream`) as Anthropic Messages bodies: [`Provider::endpoint`]
//! answers [`Endpoint::Messages`], so the relay converts and the answer is read as Messages.
//! Every other model goes to `/model/{id}/converse` (or `/converse-stream`) with the chat body
//! converted here ([`converse`]), its answers converted back ([`converse_stream`]). Streams
//! are AWS event-stream frames ([`event_stream`]). The endpoint is
//! `https://bedrock-runtime.{region}.amazonaws.com` unless the channel names a base URL (VPC
//! endpoints, tests). Access keys sign the final request with SigV4 in
//! [`Provider::authorize`]; an API key is sent as a Bearer token ([`signing`]). A native
//! Anthropic client's `anthropic-beta` header, which the relay adds after `build`, is moved
//! into the InvokeModel body there too, before signing ([`betas`]).

mod betas;
mod converse;
mod converse_stream;
mod event_stream;
mod invoke;
mod signing;

use std::time::SystemTime;

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use futures::future::BoxFuture;
use serde_json::{Value, json};

use super::{
    Converted, Endpoint, Framing, Provider, Quirks, Registration, StreamDecoder, UpstreamRequest,
    unsupported,
};
use crate::convert::ResponseMeta;
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;
use converse_stream::{ConverseFrames, ConverseToChat};
use invoke::{InvokeStream, is_anthropic};
use signing::{Credentials, credentials};

pub struct BedrockWire;

/// The `aws` channel type (the seed's name), `bedrock` as its alias.
pub(super) const AWS: Registration = Registration {
    name: "aws",
    aliases: &["bedrock"],
    display_name: "AWS Bedrock",
    // The endpoint follows the key's region.
    default_base_url: None,
    key_help: "region|access_key_id|secret_access_key (SigV4 signing), or a Bedrock API key as \
        region|api_key (the key alone means us-east-1). The base URL defaults to \
        https://bedrock-runtime.{region}.amazonaws.com; set it for VPC endpoints.",
    config_keys: &[],
    quirks: Quirks::NONE,
    provider: &BedrockWire,
    video_tasks: None,
    media: None,
};

/// The content type of Bedrock's streamed answers.
const EVENT_STREAM: &str = "application/vnd.amazon.eventstream";

/// The runtime endpoint: the channel's base URL, or the region's public endpoint.
fn runtime_base(channel: &Channel) -> Result<String, RelayError> {
    let base = channel.base_url.trim().trim_end_matches('/');
    if !base.is_empty() {
        return Ok(base.to_owned());
    }
    let region = credentials(channel)?.region().to_owned();
    Ok(format!("https://bedrock-runtime.{region}.amazonaws.com"))
}

/// A model id (or inference profile id or ARN) as one path segment: everything but unreserved
/// characters percent-encoded (`:` and `/` included), as AWS's SDKs send it.
fn model_segment(model: &str) -> String {
    model
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// `{base}/model/{id}/{action}` for the endpoint and stream choice.
fn model_url(
    channel: &Channel,
    endpoint: Endpoint,
    model: &str,
    stream: bool,
) -> Result<String, RelayError> {
    let action = match (endpoint, stream) {
        (Endpoint::Messages, false) => "invoke",
        (Endpoint::Messages, true) => "invoke-with-response-stream",
        (_, false) => "converse",
        (_, true) => "converse-stream",
    };
    Ok(format!(
        "{}/model/{}/{action}",
        runtime_base(channel)?,
        model_segment(model)
    ))
}

impl Provider for BedrockWire {
    /// Generation goes to InvokeModel (Messages) for Anthropic models and to Converse (read as
    /// chat) for the rest.
    fn endpoint(&self, endpoint: Endpoint, _: &Channel, model: &str) -> Endpoint {
        if endpoint.wire().is_none() {
            endpoint
        } else if is_anthropic(model) {
            Endpoint::Messages
        } else {
            Endpoint::ChatCompletions
        }
    }

    fn framing(&self, _: &Channel) -> Framing {
        Framing::AwsEventStream
    }

    fn stream_decoder(
        &self,
        _: &Channel,
        endpoint: Endpoint,
        meta: &ResponseMeta,
    ) -> Box<dyn StreamDecoder> {
        if endpoint == Endpoint::Messages {
            Box::new(InvokeStream::new())
        } else {
            Box::new(Converted::new(
                ConverseFrames::new(),
                Box::new(ConverseToChat::new(meta)),
            ))
        }
    }

    fn decode_response(
        &self,
        _: &Channel,
        endpoint: Endpoint,
        body: Bytes,
        meta: &ResponseMeta,
    ) -> Result<Bytes, RelayError> {
        if endpoint == Endpoint::Messages {
            return Ok(body);
        }
        let answer: Value =
            serde_json::from_slice(&body).map_err(|_| RelayError::UpstreamInvalid)?;
        let chat = converse::response_to_chat(&answer, meta)?;
        Ok(Bytes::from(chat.to_string()))
    }

    fn authorize<'a>(
        &'a self,
        channel: &'a Channel,
        _http: &'a reqwest::Client,
        request: &'a mut UpstreamRequest,
    ) -> Option<BoxFuture<'a, Result<(), RelayError>>> {
        let has_betas = betas::present(request);
        if has_betas && let Err(error) = betas::move_into_body(request) {
            return Some(Box::pin(std::future::ready(Err(error))));
        }
        let signed = match credentials(channel) {
            Ok(Credentials::AccessKey {
                region,
                access_key_id,
                secret_access_key,
            }) => signing::sign_request(
                channel,
                region,
                access_key_id,
                secret_access_key,
                request,
                SystemTime::now(),
            ),
            Ok(Credentials::ApiKey { .. }) if !has_betas => return None,
            Ok(Credentials::ApiKey { .. }) => Ok(()),
            Err(error) => Err(error),
        };
        Some(Box::pin(std::future::ready(signed)))
    }

    fn prepare(&self, _: &Channel, endpoint: Endpoint, body: &mut JsonObject, _: bool) {
        if endpoint == Endpoint::Messages {
            invoke::prepare(body);
        }
    }

    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
        _content_type: &str,
        body: Bytes,
        stream: bool,
    ) -> Result<UpstreamRequest, RelayError> {
        let body = match endpoint {
            Endpoint::Messages => body,
            Endpoint::ChatCompletions => {
                let chat: Value =
                    serde_json::from_slice(&body).map_err(|error| RelayError::BadRequest {
                        message: error.to_string(),
                        param: None,
                    })?;
                Bytes::from(converse::request_from_chat(&chat)?.to_string())
            }
            _ => return Err(unsupported(channel, endpoint)),
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static(if stream {
                EVENT_STREAM
            } else {
                "application/json"
            }),
        );
        if let Credentials::ApiKey { key, .. } = credentials(channel)? {
            headers.insert(header::AUTHORIZATION, signing::bearer(channel, key)?);
        }
        Ok(UpstreamRequest {
            method: Method::POST,
            url: model_url(channel, endpoint, upstream_model, stream)?,
            headers,
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
        let body = if endpoint == Endpoint::Messages {
            json!({"anthropic_version": invoke::ANTHROPIC_VERSION, "max_tokens": 1,
                "messages": [{"role": "user", "content": "ping"}]})
        } else {
            json!({"model": upstream_model, "max_tokens": 1,
                "messages": [{"role": "user", "content": "ping"}]})
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

    fn channel(key: &str, base_url: &str) -> Channel {
        Channel {
            id: 3,
            name: "aws".into(),
            kind: crate::host::ChannelKind::parse("bedrock").unwrap(),
            base_url: base_url.into(),
            key: key.into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        }
    }

    #[test]
    fn urls_carry_the_region_and_the_encoded_model() {
        let aws = channel("eu-west-1|AKID|secret", "");
        assert_eq!(
            model_url(
                &aws,
                Endpoint::Messages,
                "us.anthropic.claude-sonnet-4-20250514-v1:0",
                true
            )
            .unwrap(),
            "https://bedrock-runtime.eu-west-1.amazonaws.com/model/\
             us.anthropic.claude-sonnet-4-20250514-v1%3A0/invoke-with-response-stream"
        );
        let vpc = channel("ABSKkey", "http://127.0.0.1:9/");
        assert_eq!(
            model_url(
                &vpc,
                Endpoint::ChatCompletions,
                "amazon.nova-pro-v1:0",
                false
            )
            .unwrap(),
            "http://127.0.0.1:9/model/amazon.nova-pro-v1%3A0/converse"
        );
    }

    #[test]
    fn anthropic_models_go_to_messages_and_others_to_converse() {
        let aws = channel("us-east-1|AKID|secret", "");
        let model = "anthropic.claude-3-haiku-20240307-v1:0";
        for endpoint in [
            Endpoint::ChatCompletions,
            Endpoint::Messages,
            Endpoint::Responses,
            Endpoint::GenerateContent,
        ] {
            assert_eq!(
                BedrockWire.endpoint(endpoint, &aws, model),
                Endpoint::Messages
            );
            assert_eq!(
                BedrockWire.endpoint(endpoint, &aws, "amazon.nova-lite-v1:0"),
                Endpoint::ChatCompletions
            );
        }
        assert_eq!(
            BedrockWire.endpoint(Endpoint::Embeddings, &aws, model),
            Endpoint::Embeddings
        );
    }

    #[test]
    fn an_api_key_is_a_bearer_token_and_access_keys_wait_for_signing() {
        let body = Bytes::from_static(br#"{"messages":[{"role":"user","content":"hi"}]}"#);
        let keyed = channel("us-west-2|ABSKkey", "");
        let request = BedrockWire
            .build(
                &keyed,
                Endpoint::ChatCompletions,
                "m",
                "application/json",
                body.clone(),
                false,
            )
            .unwrap();
        assert_eq!(request.headers[header::AUTHORIZATION], "Bearer ABSKkey");
        assert!(request.headers[header::AUTHORIZATION].is_sensitive());
        let signed = channel("us-west-2|AKID|secret", "");
        let request = BedrockWire
            .build(
                &signed,
                Endpoint::ChatCompletions,
                "m",
                "application/json",
                body,
                true,
            )
            .unwrap();
        assert!(request.headers.get(header::AUTHORIZATION).is_none());
        assert_eq!(request.headers[header::ACCEPT], EVENT_STREAM);
    }
}
