//! A mock AWS Bedrock runtime: Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream, behind a SigV4 check recomputed as AWS does.
//!
//! Every request must carry either the mock's Bedrock API key as a Bearer token or a SigV4
//! signature made with [`ACCESS_KEY_ID`] and [`SECRET_ACCESS_KEY`]: the mock rebuilds the
//! canonical request from what it received (method, the path with each segment encoded once
//! more, the query, the signed headers, the body's SHA-256), derives the signing key and compares
//! signatures, answering 403 with AWS's error JSON and `x-amzn-ErrorType` otherwise. Streams are
//! event-stream frames written here with `crc32fast`, independently of the relay's decoder;
//! `corrupt_streams` makes the third frame's checksum wrong and then stalls the connection.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::recorded::{Recorded, SeenRequest};

pub const REGION: &str = "us-west-2";
pub const ACCESS_KEY_ID: &str = "AKIAMOCKBEDROCK00001";
pub const SECRET_ACCESS_KEY: &str = "mockSecretKey/For+BedrockTests0000000001";
pub const API_KEY: &str = "ABSKmockbedrockapikey0001";
pub const TEXT: &str = "Hello from Bedrock.";
pub const PROMPT_TOKENS: u64 = 12;
pub const CACHED_TOKENS: u64 = 5;
pub const OUTPUT_TOKENS: u64 = 7;

/// The Converse request fields the real API knows; anything else (a chat `model` left in) is a
/// ValidationException.
const CONVERSE_FIELDS: [&str; 9] = [
    "messages",
    "system",
    "inferenceConfig",
    "toolConfig",
    "guardrailConfig",
    "additionalModelRequestFields",
    "additionalModelResponseFieldPaths",
    "promptVariables",
    "performanceConfig",
];

/// The Anthropic body fields InvokeModel takes.
const INVOKE_FIELDS: [&str; 12] = [
    "anthropic_version",
    "anthropic_beta",
    "max_tokens",
    "system",
    "messages",
    "temperature",
    "top_p",
    "top_k",
    "stop_sequences",
    "tools",
    "tool_choice",
    "thinking",
];

#[derive(Default)]
pub struct MockState {
    pub seen: Recorded,
    /// Streams send two good frames, then one whose message CRC is wrong, then nothing.
    pub corrupt_streams: AtomicBool,
}

pub struct MockBedrock {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockBedrock {
    pub async fn start() -> MockBedrock {
        let state = Arc::new(MockState::default());
        let app = Router::new()
            .route("/model/{model}/{action}", post(model_action))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockBedrock { addr, state }
    }

    /// The channel base URL (a VPC-endpoint-style override of the regional endpoint).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }

    /// The channel key that signs with SigV4.
    pub fn signing_key() -> String {
        format!("{REGION}|{ACCESS_KEY_ID}|{SECRET_ACCESS_KEY}")
    }
}

/// AWS's JSON error with its type header.
fn aws_error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        [(
            "x-amzn-ErrorType",
            format!("{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
        )],
        axum::Json(json!({"message": message})),
    )
        .into_response()
}

async fn model_action(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 * 1024 * 1024).await.unwrap();
    state.seen.push(SeenRequest::new(
        &parts.method,
        &parts.uri,
        &parts.headers,
        &body,
    ));
    if let Some(refusal) = authenticate(parts.method.as_str(), &parts.uri, &parts.headers, &body) {
        return refusal;
    }
    // The raw path: `/model/{encoded id}/{action}`.
    let mut segments = parts.uri.path().trim_start_matches('/').split('/');
    let (Some("model"), Some(model), Some(action), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return aws_error(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            "not found",
        );
    };
    let model = percent_decode(model);
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(&body) else {
        return aws_error(
            StatusCode::BAD_REQUEST,
            "ValidationException",
            "Malformed input request, please reformat your input and try again.",
        );
    };
    let corrupt = state.corrupt_streams.load(Ordering::SeqCst);
    match action {
        "converse" | "converse-stream" => {
            if let Some(refusal) = check_converse(&request) {
                return refusal;
            }
            if action == "converse" {
                axum::Json(converse_answer()).into_response()
            } else {
                // The frame with the second piece of text.
                event_stream(converse_frames(), corrupt.then_some(2))
            }
        }
        "invoke" | "invoke-with-response-stream" => {
            if !model.contains("anthropic.") {
                return aws_error(
                    StatusCode::BAD_REQUEST,
                    "ValidationException",
                    "The mock serves InvokeModel for Anthropic models only.",
                );
            }
            if let Some(refusal) = check_invoke(&request) {
                return refusal;
            }
            if action == "invoke" {
                axum::Json(message_answer(&model)).into_response()
            } else {
                event_stream(invoke_frames(&model), corrupt.then_some(3))
            }
        }
        _ => aws_error(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            "not found",
        ),
    }
}

fn check_converse(request: &serde_json::Map<String, Value>) -> Option<Response> {
    if let Some(unknown) = request
        .keys()
        .find(|key| !CONVERSE_FIELDS.contains(&key.as_str()))
    {
        return Some(aws_error(
            StatusCode::BAD_REQUEST,
            "ValidationException",
            &format!("Malformed input request: extraneous key [{unknown}] is not permitted"),
        ));
    }
    let turns = request.get("messages").and_then(Value::as_array)?;
    let alternating = turns
        .windows(2)
        .all(|pair| pair[0]["role"] != pair[1]["role"]);
    let blocks_ok = turns.iter().all(|turn| {
        turn["content"]
            .as_array()
            .is_some_and(|blocks| !blocks.is_empty())
    });
    if turns.is_empty() || turns[0]["role"] != "user" || !alternating || !blocks_ok {
        return Some(aws_error(
            StatusCode::BAD_REQUEST,
            "ValidationException",
            "A conversation must start with a user message and alternate user and assistant turns.",
        ));
    }
    None
}

fn check_invoke(request: &serde_json::Map<String, Value>) -> Option<Response> {
    if let Some(unknown) = request
        .keys()
        .find(|key| !INVOKE_FIELDS.contains(&key.as_str()))
    {
        return Some(aws_error(
            StatusCode::BAD_REQUEST,
            "ValidationException",
            &format!("Malformed input request: extraneous key [{unknown}] is not permitted"),
        ));
    }
    if request.get("anthropic_version").and_then(Value::as_str) != Some("bedrock-2023-05-31")
        || !request.get("max_tokens").is_some_and(Value::is_u64)
    {
        return Some(aws_error(
            StatusCode::BAD_REQUEST,
            "ValidationException",
            "Malformed input request: anthropic_version and max_tokens are required",
        ));
    }
    // Betas Anthropic's API has and Bedrock does not are refused, as Bedrock does.
    let betas = request.get("anthropic_beta").map(|betas| betas.as_array());
    if let Some(betas) = betas {
        let refused = betas.is_none_or(|betas| {
            betas.iter().any(|beta| {
                beta.as_str()
                    .is_none_or(|beta| beta == "advanced-tool-use-2025-11-20")
            })
        });
        if refused {
            return Some(aws_error(
                StatusCode::BAD_REQUEST,
                "ValidationException",
                "invalid beta flag",
            ));
        }
    }
    None
}

fn converse_answer() -> Value {
    json!({
        "output": {"message": {"role": "assistant", "content": [{"text": TEXT}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": PROMPT_TOKENS - CACHED_TOKENS, "outputTokens": OUTPUT_TOKENS,
            "totalTokens": PROMPT_TOKENS + OUTPUT_TOKENS, "cacheReadInputTokens": CACHED_TOKENS},
        "metrics": {"latencyMs": 42},
    })
}

fn message_answer(model: &str) -> Value {
    json!({
        "id": "msg_bdrk_01", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": TEXT}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": PROMPT_TOKENS - CACHED_TOKENS,
            "cache_read_input_tokens": CACHED_TOKENS, "cache_creation_input_tokens": 0,
            "output_tokens": OUTPUT_TOKENS},
    })
}

/// The answer text in three pieces, as a stream delivers it.
fn pieces() -> Vec<&'static str> {
    vec!["Hello ", "from ", "Bedrock."]
}

fn converse_frames() -> Vec<Vec<u8>> {
    let mut frames = vec![event_frame(
        "messageStart",
        &json!({"p": "abcdef", "role": "assistant"}),
    )];
    for piece in pieces() {
        frames.push(event_frame(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 0, "delta": {"text": piece}, "p": "abc"}),
        ));
    }
    frames.push(event_frame(
        "contentBlockStop",
        &json!({"contentBlockIndex": 0, "p": "ab"}),
    ));
    frames.push(event_frame(
        "messageStop",
        &json!({"stopReason": "end_turn", "p": "a"}),
    ));
    frames.push(event_frame(
        "metadata",
        &json!({"usage": converse_answer()["usage"], "metrics": {"latencyMs": 42}, "p": "abcd"}),
    ));
    frames
}

fn invoke_frames(model: &str) -> Vec<Vec<u8>> {
    let mut events = vec![
        json!({"type": "message_start", "message": {"id": "msg_bdrk_02", "type": "message",
            "role": "assistant", "model": model, "content": [], "stop_reason": null,
            "stop_sequence": null, "usage": {"input_tokens": PROMPT_TOKENS - CACHED_TOKENS,
                "cache_read_input_tokens": CACHED_TOKENS, "cache_creation_input_tokens": 0,
                "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0,
            "content_block": {"type": "text", "text": ""}}),
    ];
    for piece in pieces() {
        events.push(json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "text_delta", "text": piece}}));
    }
    events.push(json!({"type": "content_block_stop", "index": 0}));
    events.push(json!({"type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": null},
        "usage": {"output_tokens": OUTPUT_TOKENS}}));
    events.push(
        json!({"type": "message_stop", "amazon-bedrock-invocationMetrics": {
        "inputTokenCount": PROMPT_TOKENS, "outputTokenCount": OUTPUT_TOKENS,
        "invocationLatency": 40, "firstByteLatency": 10}}),
    );
    events
        .iter()
        .map(|event| {
            let bytes = base64::engine::general_purpose::STANDARD.encode(event.to_string());
            event_frame("chunk", &json!({"bytes": bytes, "p": "abcdefgh"}))
        })
        .collect()
}

/// One event-stream frame with string headers: prelude (lengths and their CRC-32), headers,
/// payload, CRC-32 of all that.
pub fn encode_frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut header_bytes = Vec::new();
    for (name, value) in headers {
        header_bytes.push(u8::try_from(name.len()).unwrap());
        header_bytes.extend_from_slice(name.as_bytes());
        header_bytes.push(7);
        header_bytes.extend_from_slice(&u16::try_from(value.len()).unwrap().to_be_bytes());
        header_bytes.extend_from_slice(value.as_bytes());
    }
    let total = u32::try_from(16 + header_bytes.len() + payload.len()).unwrap();
    let mut frame = Vec::new();
    frame.extend_from_slice(&total.to_be_bytes());
    frame.extend_from_slice(&u32::try_from(header_bytes.len()).unwrap().to_be_bytes());
    let prelude_crc = crc32fast::hash(&frame);
    frame.extend_from_slice(&prelude_crc.to_be_bytes());
    frame.extend_from_slice(&header_bytes);
    frame.extend_from_slice(payload);
    let message_crc = crc32fast::hash(&frame);
    frame.extend_from_slice(&message_crc.to_be_bytes());
    frame
}

fn event_frame(event_type: &str, payload: &Value) -> Vec<u8> {
    encode_frame(
        &[
            (":event-type", event_type),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        payload.to_string().as_bytes(),
    )
}

/// The frames as an event-stream answer, each frame its own chunk. Corrupted at `index`: the
/// frames before it, that frame with a wrong message CRC, then a connection that stays open and
/// silent.
fn event_stream(frames: Vec<Vec<u8>>, corrupt: Option<usize>) -> Response {
    let body = if let Some(index) = corrupt {
        let mut frames: Vec<Vec<u8>> = frames.into_iter().take(index + 1).collect();
        let last = frames[index].len() - 1;
        frames[index][last] ^= 0xff;
        let good = futures::stream::iter(
            frames
                .into_iter()
                .map(|frame| Ok::<_, std::io::Error>(Bytes::from(frame))),
        );
        Body::from_stream(futures::StreamExt::chain(good, futures::stream::pending()))
    } else {
        Body::from_stream(futures::stream::iter(
            frames
                .into_iter()
                .map(|frame| Ok::<_, std::io::Error>(Bytes::from(frame))),
        ))
    };
    (
        [(header::CONTENT_TYPE, "application/vnd.amazon.eventstream")],
        body,
    )
        .into_response()
}

// ------------------------------------------------------------------ authentication

/// The refusal of a request without the Bearer API key or a SigV4 signature that checks out
/// when recomputed; `None` for an authenticated one.
fn authenticate(
    method: &str,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Response> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if let Some(token) = authorization.strip_prefix("Bearer ") {
        return if token == API_KEY {
            None
        } else {
            Some(aws_error(
                StatusCode::FORBIDDEN,
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            ))
        };
    }
    let Some(signed) = authorization.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return Some(aws_error(
            StatusCode::FORBIDDEN,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ));
    };
    let field = |name: &str| {
        signed
            .split(',')
            .map(str::trim)
            .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or_default()
    };
    let credential: Vec<&str> = field("Credential").split('/').collect();
    let signed_headers = field("SignedHeaders");
    let signature = field("Signature");
    let [access_key, date, region, service, "aws4_request"] = credential[..] else {
        return Some(aws_error(
            StatusCode::FORBIDDEN,
            "IncompleteSignatureException",
            "Authorization header requires a valid Credential.",
        ));
    };
    if access_key != ACCESS_KEY_ID {
        return Some(aws_error(
            StatusCode::FORBIDDEN,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    }
    let amz_date = headers
        .get("x-amz-date")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let names: Vec<&str> = signed_headers.split(';').collect();
    if region != REGION
        || service != "bedrock"
        || !amz_date.starts_with(date)
        || !names.contains(&"host")
        || !names.contains(&"x-amz-date")
        || !recent(amz_date)
    {
        return Some(aws_error(
            StatusCode::FORBIDDEN,
            "InvalidSignatureException",
            "Credential should be scoped to a valid region, service bedrock, and the request date.",
        ));
    }
    let canonical_headers: String = names
        .iter()
        .map(|name| {
            let value = headers
                .get(*name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            format!("{name}:{}\n", value.trim())
        })
        .collect();
    let canonical_request = format!(
        "{method}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{}",
        canonical_uri(uri.path()),
        canonical_query(uri.query().unwrap_or_default()),
        hex::encode(Sha256::digest(body)),
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{date}/{region}/{service}/aws4_request\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let mut key = hmac(
        format!("AWS4{SECRET_ACCESS_KEY}").as_bytes(),
        date.as_bytes(),
    );
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let expected = hex::encode(hmac(&key, string_to_sign.as_bytes()));
    if expected != signature {
        return Some(aws_error(
            StatusCode::FORBIDDEN,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details.",
        ));
    }
    None
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// Whether `20231114T221320Z` is within AWS's 15 minutes of now.
fn recent(amz_date: &str) -> bool {
    let Ok(then) = chrono::NaiveDateTime::parse_from_str(amz_date, "%Y%m%dT%H%M%SZ") else {
        return false;
    };
    (chrono::Utc::now().naive_utc() - then).num_minutes().abs() <= 15
}

/// Every byte but the unreserved ones as `%XX`.
fn uri_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// The path as received with each segment encoded once more (services other than S3).
fn canonical_uri(path: &str) -> String {
    path.split('/')
        .map(uri_encode)
        .collect::<Vec<_>>()
        .join("/")
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&percent_decode(name)),
                uri_encode(&percent_decode(value)),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(hex) = text.get(index + 1..index + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
