//! Connect JSON for every admin RPC on its gRPC path: a call is transcoded to protobuf and handed to the tonic service a gRPC call reaches.
//!
//! `POST /aiproxy.admin.v1.GroupService/ListGroups` with `Content-Type: application/json` and the
//! request message in proto3 JSON answers the response message in proto3 JSON, or Connect's
//! `{"code": "not_found", "message": ...}` with the code's HTTP status. A server-streaming RPC
//! speaks Connect streaming (`application/connect+json`): one enveloped request message in,
//! enveloped response messages out, then an end-of-stream frame carrying the error if any.
//!
//! Nothing is re-implemented on this side: the transcoded call enters the admin service behind
//! the same admission gate (the key, the RPC's rule in `access::policy`, the audit trail) and
//! under the same outer layers (fresh-after-writes, the client address) as gRPC and gRPC-web.
//! The body is bounded by [`MAX_MESSAGE_BYTES`](super::MAX_MESSAGE_BYTES), decompressed or not,
//! and JSON that does not fit the request message is INVALID_ARGUMENT. gzip is read and written
//! (`compression.rs`), and reads also answer Connect's GET form (`get.rs`). Not served: the
//! binary `application/proto` codec, and client or bidirectional streaming (no admin RPC has
//! them).

mod compression;
mod envelope;
mod error;
mod get;
mod transcode;

use std::convert::Infallible;
use std::pin::Pin;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use prost_reflect::MessageDescriptor;
use tonic::{Code, Status};
use tower::{Service, ServiceExt};

use self::compression::Encoding;
use self::envelope::{Deframer, FLAG_COMPRESSED, FLAG_END_STREAM, PREFIX_BYTES};
use self::error::ConnectError;
pub use self::transcode::Methods;
use super::{MAX_MESSAGE_BYTES, Refusal, RpcFailed};

const UNARY_CONTENT_TYPE: &str = "application/json";
const STREAMING_CONTENT_TYPE: &str = "application/connect+json";

/// The route service of one admin service: a Connect JSON call is transcoded and sent to `grpc`
/// (the service behind its admission gate); any other request goes to `fallback` (gRPC and
/// gRPC-web) untouched.
pub fn or_else<G, GrpcBody, F, FallbackBody>(
    methods: Methods,
    grpc: G,
    fallback: F,
) -> impl Service<
    axum::extract::Request,
    Response = axum::response::Response,
    Error = Infallible,
    Future: Send + 'static,
> + Clone
+ Send
+ Sync
+ 'static
where
    G: Service<Request<tonic::body::Body>, Response = Response<GrpcBody>, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    G::Future: Send + 'static,
    GrpcBody: http_body::Body<Data = Bytes> + Send + 'static,
    GrpcBody::Error: std::fmt::Display,
    F: Service<axum::extract::Request, Response = Response<FallbackBody>, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    F::Future: Send + 'static,
    FallbackBody: http_body::Body<Data = Bytes> + Send + 'static,
    FallbackBody::Error: Into<axum::BoxError>,
{
    tower::service_fn(move |request: axum::extract::Request| {
        let methods = methods.clone();
        let grpc = grpc.clone();
        let fallback = fallback.clone();
        async move {
            let request = if get::is_get_form(request.method(), request.uri()) {
                match get::as_post(&methods, request) {
                    Ok(request) => request,
                    Err(refusal) => {
                        let mut refusal = *refusal;
                        // Nothing ran: the admission gate records no audit event for it.
                        refusal.extensions_mut().insert(RpcFailed);
                        return Ok(refusal);
                    }
                }
            } else {
                request
            };
            let Some(protocol) = Protocol::of(request.headers()) else {
                let response = fallback.oneshot(request).await?;
                return Ok(response.map(axum::body::Body::new));
            };
            Ok(serve(&methods, grpc, protocol, request).await)
        }
    })
}

/// Which of Connect's two protocols a request speaks, by its content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// `application/json`: the body is the message; errors are HTTP statuses.
    Unary,
    /// `application/connect+json`: enveloped messages and an end-of-stream frame.
    Streaming,
}

impl Protocol {
    fn of(headers: &HeaderMap) -> Option<Protocol> {
        let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
        // Parameters (`; charset=utf-8`) do not change the codec.
        let media_type = content_type.split(';').next()?.trim();
        if media_type.eq_ignore_ascii_case(UNARY_CONTENT_TYPE) {
            Some(Protocol::Unary)
        } else if media_type.eq_ignore_ascii_case(STREAMING_CONTENT_TYPE) {
            Some(Protocol::Streaming)
        } else {
            None
        }
    }

    /// The header naming the body's compression: Connect streaming compresses messages, not the
    /// body, and says so in its own header.
    fn encoding_header(self) -> &'static str {
        match self {
            Protocol::Unary => "content-encoding",
            Protocol::Streaming => "connect-content-encoding",
        }
    }

    /// The header listing the compressions the client reads.
    fn accept_encoding_header(self) -> &'static str {
        match self {
            Protocol::Unary => "accept-encoding",
            Protocol::Streaming => "connect-accept-encoding",
        }
    }

    /// An error in this protocol's shape; marked so the admission gate records no audit event
    /// for a write that failed.
    fn error_response(self, error: &ConnectError) -> axum::response::Response {
        let mut response = match self {
            Protocol::Unary => error.unary_response(),
            Protocol::Streaming => {
                streaming_response(axum::body::Body::from(end_of_stream(Some(error))))
            }
        };
        response.extensions_mut().insert(RpcFailed);
        response
    }
}

/// One Connect call, answered in its protocol whatever happens.
async fn serve<G, GrpcBody>(
    methods: &Methods,
    grpc: G,
    protocol: Protocol,
    request: axum::extract::Request,
) -> axum::response::Response
where
    G: Service<Request<tonic::body::Body>, Response = Response<GrpcBody>, Error = Infallible>,
    GrpcBody: http_body::Body<Data = Bytes> + Send + 'static,
    GrpcBody::Error: std::fmt::Display,
{
    if request.method() != Method::POST {
        let error = ConnectError::new(Code::Unimplemented, "Connect calls are POST requests");
        let mut response = error.unary_response();
        *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        response.extensions_mut().insert(RpcFailed);
        return response;
    }
    // The key is checked before anything else is looked at, as for gRPC: a caller without a
    // valid key learns nothing about methods or messages.
    if let Some(Refusal(status)) = request.extensions().get::<Refusal>() {
        let error = ConnectError::from_status(status);
        // A client may still be writing the body (Node's http client sends it after the
        // headers): read out, bounded, it then gets the refusal instead of a broken pipe.
        let (parts, body) = request.into_parts();
        drain_body(body, &parts.headers, MAX_MESSAGE_BYTES).await;
        return protocol.error_response(&error);
    }
    let method = methods.find(request.uri().path());
    if let Some(method) = &method
        && method.is_server_streaming() != (protocol == Protocol::Streaming)
    {
        // The protocol's answer to a codec the procedure does not take: 415, naming the one it does.
        let expected = if method.is_server_streaming() {
            STREAMING_CONTENT_TYPE
        } else {
            UNARY_CONTENT_TYPE
        };
        let error = ConnectError::new(
            Code::Unimplemented,
            format!("{} takes Content-Type: {expected}", method.full_name()),
        );
        let mut response = error.unary_response();
        *response.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
        response
            .headers_mut()
            .insert("accept-post", HeaderValue::from_static(expected));
        response.extensions_mut().insert(RpcFailed);
        return response;
    }
    match call(method, grpc, protocol, request).await {
        Ok(response) => response,
        Err(error) => protocol.error_response(&error),
    }
}

async fn call<G, GrpcBody>(
    method: Option<prost_reflect::MethodDescriptor>,
    grpc: G,
    protocol: Protocol,
    request: axum::extract::Request,
) -> Result<axum::response::Response, ConnectError>
where
    G: Service<Request<tonic::body::Body>, Response = Response<GrpcBody>, Error = Infallible>,
    GrpcBody: http_body::Body<Data = Bytes> + Send + 'static,
    GrpcBody::Error: std::fmt::Display,
{
    let method = method.ok_or_else(|| {
        ConnectError::new(
            Code::Unimplemented,
            format!("no method {}", request.uri().path()),
        )
    })?;
    if method.is_client_streaming() {
        return Err(ConnectError::new(
            Code::Unimplemented,
            "client streaming is not served over Connect",
        ));
    }
    let encoding = Encoding::of_header(request.headers(), protocol.encoding_header())?;
    let accepted = Encoding::accepted(request.headers(), protocol.accept_encoding_header());
    let (parts, body) = request.into_parts();
    // A compressed body is bounded as it arrives and again as it expands.
    let json = match protocol {
        Protocol::Unary => encoding.decode(
            &read_body(body, &parts.headers, MAX_MESSAGE_BYTES).await?,
            MAX_MESSAGE_BYTES,
        )?,
        Protocol::Streaming => only_message(
            read_body(body, &parts.headers, MAX_MESSAGE_BYTES + PREFIX_BYTES).await?,
            encoding,
        )?,
    };
    let protobuf = transcode::json_to_protobuf(method.input(), &json)?;
    let response = grpc
        .oneshot(grpc_request(parts, &protobuf))
        .await
        .unwrap_or_else(|never| match never {});
    // A refusal before any message is a "trailers-only" answer: the status is in the headers.
    if let Some(status) = Status::from_header_map(response.headers())
        && status.code() != Code::Ok
    {
        return Err(ConnectError::from_status(&status));
    }
    match protocol {
        Protocol::Unary => unary_answer(method.output(), response.into_body(), accepted).await,
        Protocol::Streaming => Ok(streaming_answer(
            method.output(),
            response.into_body(),
            accepted,
        )),
    }
}

/// How long a refused body is read on and dropped (see [`read_body`]).
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(2);

/// The whole body, refused past `limit` bytes (RESOURCE_EXHAUSTED, as gRPC's decode limit is):
/// unread when Content-Length says it is over twice the limit, else once the bytes read pass
/// the limit. A body only somewhat over is read out and dropped first (up to twice the limit,
/// for at most [`DRAIN_TIME`]): a client still writing it then reads the answer instead of a
/// connection reset under its feet.
async fn read_body(
    mut body: axum::body::Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, ConnectError> {
    let too_large = || {
        ConnectError::new(
            Code::ResourceExhausted,
            format!("the request body is larger than {limit} bytes"),
        )
    };
    let unreadable = || ConnectError::new(Code::InvalidArgument, "cannot read the request body");
    let drain_limit = limit.saturating_mul(2);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > drain_limit as u64) {
        return Err(too_large());
    }
    let mut kept = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|_| unreadable())?.into_data() else {
            continue;
        };
        if kept.len() + data.len() > limit {
            drain_rest(body, kept.len() + data.len(), drain_limit).await;
            return Err(too_large());
        }
        kept.extend_from_slice(&data);
    }
    Ok(kept.freeze())
}

/// Reads out and drops a body that will not be used, unless Content-Length says it is over
/// `limit`: up to `limit` bytes, for at most [`DRAIN_TIME`].
async fn drain_body(body: axum::body::Body, headers: &HeaderMap, limit: usize) {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return;
    }
    drain_rest(body, 0, limit).await;
}

/// Reads `body` on past the `seen` bytes already read, up to `limit` bytes in all and for at
/// most [`DRAIN_TIME`], dropping them.
async fn drain_rest(mut body: axum::body::Body, mut seen: usize, limit: usize) {
    let drain = async {
        while seen <= limit
            && let Some(Ok(frame)) = body.frame().await
        {
            seen += frame.data_ref().map_or(0, Bytes::len);
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
}

/// The one enveloped message a server-streaming call sends, decompressed when its flag says so
/// (in the stream's `encoding`).
fn only_message(body: Bytes, encoding: Encoding) -> Result<Vec<u8>, ConnectError> {
    let invalid = |message: String| ConnectError::new(Code::InvalidArgument, message);
    let mut deframer = Deframer::new(MAX_MESSAGE_BYTES);
    deframer.push(&body);
    let frame = deframer
        .next_frame()
        .map_err(|error| invalid(error.to_string()))?
        .ok_or_else(|| invalid("expected one enveloped request message".into()))?;
    let compressed = frame.flags & FLAG_COMPRESSED != 0;
    if compressed && encoding == Encoding::Identity {
        return Err(invalid(
            "a compressed message without Connect-Content-Encoding".into(),
        ));
    }
    if frame.flags & !FLAG_COMPRESSED != 0 {
        return Err(invalid(format!(
            "unexpected envelope flags {:#04x}",
            frame.flags
        )));
    }
    if deframer
        .next_frame()
        .map_err(|error| invalid(error.to_string()))?
        .is_some()
        || deframer.finish().is_err()
    {
        return Err(invalid(
            "a server-streaming call sends exactly one request message".into(),
        ));
    }
    if compressed {
        encoding.decode(&frame.payload, MAX_MESSAGE_BYTES)
    } else {
        Ok(frame.payload.to_vec())
    }
}

/// The gRPC request the service expects: the caller's headers (its key, its metadata) and
/// extensions (what admission decided), a gRPC content type and one enveloped message.
fn grpc_request(mut parts: http::request::Parts, protobuf: &[u8]) -> Request<tonic::body::Body> {
    const NOT_METADATA: [&str; 8] = [
        "content-type",
        "content-length",
        "content-encoding",
        "accept-encoding",
        "transfer-encoding",
        "te",
        "connect-content-encoding",
        "connect-accept-encoding",
    ];
    let caller_headers = std::mem::take(&mut parts.headers);
    for (name, value) in &caller_headers {
        if !NOT_METADATA.contains(&name.as_str()) {
            parts.headers.append(name.clone(), value.clone());
        }
    }
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/grpc"),
    );
    parts
        .headers
        .insert(header::TE, HeaderValue::from_static("trailers"));
    let body = http_body_util::Full::new(envelope::encode(0, protobuf));
    Request::from_parts(parts, tonic::body::Body::new(body))
}

/// A unary call's answer: the one message the service sent, once its status says OK.
async fn unary_answer<GrpcBody>(
    output: MessageDescriptor,
    body: GrpcBody,
    accepted: Encoding,
) -> Result<axum::response::Response, ConnectError>
where
    GrpcBody: http_body::Body<Data = Bytes> + Send + 'static,
    GrpcBody::Error: std::fmt::Display,
{
    let mut body = std::pin::pin!(body);
    // The service's own encoding: its messages are not bounded again here.
    let mut deframer = Deframer::new(usize::MAX);
    let mut status = None;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| answer_failed(&error))?;
        match frame.into_data() {
            Ok(data) => deframer.push(&data),
            Err(frame) => {
                if let Ok(trailers) = frame.into_trailers() {
                    status = Status::from_header_map(&trailers);
                }
            }
        }
    }
    let status =
        status.ok_or_else(|| ConnectError::new(Code::Internal, "the answer carried no status"))?;
    if status.code() != Code::Ok {
        return Err(ConnectError::from_status(&status));
    }
    let message = deframer
        .next_frame()
        .ok()
        .flatten()
        .ok_or_else(|| ConnectError::new(Code::Internal, "the answer carried no message"))?;
    let json = transcode::protobuf_to_json(output, &message.payload)?;
    let compressed = accepted.encode(&json);
    let used = if compressed.is_some() {
        accepted
    } else {
        Encoding::Identity
    };
    let mut response =
        axum::response::Response::new(axum::body::Body::from(compressed.unwrap_or(json)));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(UNARY_CONTENT_TYPE),
    );
    if used != Encoding::Identity {
        response.headers_mut().insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(used.as_str()),
        );
    }
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    Ok(response)
}

/// A server-streaming call's answer: each message re-enveloped as JSON as the service sends it,
/// then the end-of-stream frame with the service's final status.
fn streaming_answer<GrpcBody>(
    output: MessageDescriptor,
    body: GrpcBody,
    accepted: Encoding,
) -> axum::response::Response
where
    GrpcBody: http_body::Body<Data = Bytes> + Send + 'static,
    GrpcBody::Error: std::fmt::Display,
{
    let relay = StreamRelay {
        body: Box::pin(body),
        deframer: Deframer::new(usize::MAX),
        output,
        encoding: accepted,
        finished: false,
    };
    let frames = futures::stream::unfold(relay, |mut relay| async move {
        if relay.finished {
            return None;
        }
        let chunk = relay.next_chunk().await;
        Some((Ok::<_, Infallible>(chunk), relay))
    });
    let mut response = streaming_response(axum::body::Body::from_stream(frames));
    if accepted != Encoding::Identity {
        response.headers_mut().insert(
            "connect-content-encoding",
            HeaderValue::from_static(accepted.as_str()),
        );
    }
    response
}

/// Reads the service's gRPC stream and writes Connect frames.
struct StreamRelay<GrpcBody> {
    body: Pin<Box<GrpcBody>>,
    deframer: Deframer,
    output: MessageDescriptor,
    /// What the client accepts: each message is sent so, its envelope flagged compressed.
    encoding: Encoding,
    finished: bool,
}

impl<GrpcBody> StreamRelay<GrpcBody>
where
    GrpcBody: http_body::Body<Data = Bytes>,
    GrpcBody::Error: std::fmt::Display,
{
    /// The Connect frames of the next gRPC body frame that yields any; the end-of-stream frame
    /// (and `finished`) once the service's stream ends, well or not.
    async fn next_chunk(&mut self) -> Bytes {
        let mut chunk = BytesMut::new();
        loop {
            let ended = match self.body.frame().await {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => {
                        self.deframer.push(&data);
                        match self.transcode_complete_messages(&mut chunk) {
                            Ok(()) if chunk.is_empty() => continue,
                            Ok(()) => return chunk.freeze(),
                            Err(error) => Some(error),
                        }
                    }
                    Err(frame) => match frame.into_trailers() {
                        Ok(trailers) => match Status::from_header_map(&trailers) {
                            Some(status) if status.code() == Code::Ok => None,
                            Some(status) => Some(ConnectError::from_status(&status)),
                            None => Some(ConnectError::new(
                                Code::Internal,
                                "the answer carried no status",
                            )),
                        },
                        // Another kind of frame: nothing a gRPC service sends; skipped.
                        Err(_) => continue,
                    },
                },
                Some(Err(error)) => Some(answer_failed(&error)),
                None => Some(ConnectError::new(
                    Code::Internal,
                    "the answer ended without a status",
                )),
            };
            self.finished = true;
            chunk.extend_from_slice(&end_of_stream(ended.as_ref()));
            return chunk.freeze();
        }
    }

    fn transcode_complete_messages(&mut self, chunk: &mut BytesMut) -> Result<(), ConnectError> {
        while let Some(message) = self
            .deframer
            .next_frame()
            .map_err(|error| ConnectError::new(Code::Internal, error.to_string()))?
        {
            let json = transcode::protobuf_to_json(self.output.clone(), &message.payload)?;
            match self.encoding.encode(&json) {
                Some(compressed) => {
                    chunk.extend_from_slice(&envelope::encode(FLAG_COMPRESSED, &compressed));
                }
                None => chunk.extend_from_slice(&envelope::encode(0, &json)),
            }
        }
        Ok(())
    }
}

/// Connect's last frame: `{}`, or `{"error": {...}}` when the call failed.
fn end_of_stream(error: Option<&ConnectError>) -> Bytes {
    let end = match error {
        Some(error) => serde_json::json!({ "error": error.to_json() }),
        None => serde_json::json!({}),
    };
    envelope::encode(
        FLAG_END_STREAM,
        &serde_json::to_vec(&end).unwrap_or_default(),
    )
}

/// Streams always answer 200; how they ended is in the end-of-stream frame.
fn streaming_response(body: axum::body::Body) -> axum::response::Response {
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(STREAMING_CONTENT_TYPE),
    );
    response
}

/// The service's body failed mid-answer (its stream broke): logged, and answered without the
/// details.
fn answer_failed(error: &impl std::fmt::Display) -> ConnectError {
    tracing::warn!(%error, "a control-plane answer failed while transcoding it to Connect");
    ConnectError::new(Code::Internal, "the answer failed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_connect_json_content_types_are_taken() {
        let cases = [
            ("application/json", Some(Protocol::Unary)),
            ("Application/JSON; charset=utf-8", Some(Protocol::Unary)),
            ("application/connect+json", Some(Protocol::Streaming)),
            ("application/grpc", None),
            ("application/grpc-web+proto", None),
            ("application/proto", None),
            ("application/jsonx", None),
            ("text/plain", None),
        ];
        for (content_type, expected) in cases {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            assert_eq!(Protocol::of(&headers), expected, "{content_type}");
        }
        assert_eq!(Protocol::of(&HeaderMap::new()), None);
    }

    #[test]
    fn a_streaming_request_is_exactly_one_plain_message() {
        let message = envelope::encode(0, b"{}");
        assert_eq!(
            only_message(message.clone(), Encoding::Identity).unwrap(),
            b"{}"
        );
        let check_refused = |body: Vec<u8>, code: Code| {
            let error = only_message(Bytes::from(body), Encoding::Identity).unwrap_err();
            assert_eq!(error.code, code, "{}", error.message);
        };
        check_refused(Vec::new(), Code::InvalidArgument);
        check_refused(message[..4].to_vec(), Code::InvalidArgument);
        check_refused([&message[..], &message[..]].concat(), Code::InvalidArgument);
        check_refused([&message[..], b"x"].concat(), Code::InvalidArgument);
        check_refused(
            envelope::encode(FLAG_END_STREAM, b"{}").to_vec(),
            Code::InvalidArgument,
        );
        // Flagged compressed while the stream names no compression.
        check_refused(
            envelope::encode(FLAG_COMPRESSED, b"{}").to_vec(),
            Code::InvalidArgument,
        );
        check_refused(vec![0, 0xff, 0xff, 0xff, 0xff], Code::InvalidArgument);
    }

    #[test]
    fn the_end_of_stream_frame_carries_the_error() {
        let mut deframer = Deframer::new(1024);
        deframer.push(&end_of_stream(Some(&ConnectError::new(
            Code::PermissionDenied,
            "viewer",
        ))));
        deframer.push(&end_of_stream(None));
        let failed = deframer.next_frame().unwrap().unwrap();
        assert_eq!(failed.flags, FLAG_END_STREAM);
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&failed.payload).unwrap(),
            serde_json::json!({"error": {"code": "permission_denied", "message": "viewer"}})
        );
        let ok = deframer.next_frame().unwrap().unwrap();
        assert_eq!(&ok.payload[..], b"{}");
    }
}
