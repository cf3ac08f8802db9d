//! Connect's GET form of a unary call: `GET /<service>/<method>?connect=v1&encoding=json&message=...`, for RPCs without side effects.
//!
//! The query carries the request message (`message`, percent-encoded JSON, or URL-safe base64
//! with `base64=1`, compressed when `compression=gzip`). Such a request becomes the POST it
//! stands for before anything else reads it, so it is answered, bounded and checked exactly as
//! one. Only unary RPCs the proto marks `idempotency_level = NO_SIDE_EFFECTS` are served (the
//! reads the access policy lets viewer keys call): a cacheable URL must not change anything. A
//! write asked by GET is 405, naming POST.

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use http::{HeaderValue, Method, StatusCode, Uri, header};
use tonic::Code;

use super::compression::Encoding;
use super::error::ConnectError;
use super::transcode::has_no_side_effects;
use super::{Methods, UNARY_CONTENT_TYPE};
use crate::edges::grpc::{MAX_MESSAGE_BYTES, Refusal};

/// URL-safe base64, padded or not: the protocol allows both.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Whether a request is Connect's GET form (its query names the message's `encoding`); other
/// GETs on a service path are left to gRPC-web, which refuses them.
pub fn is_get_form(method: &Method, uri: &Uri) -> bool {
    method == Method::GET
        && url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .any(|(name, _)| name == "encoding")
}

/// The POST a GET form stands for (`Content-Type: application/json`, the decoded message as its
/// body, the caller's other headers and extensions kept), or the answer refusing it (boxed: an
/// answer is large beside a request).
pub fn as_post(
    methods: &Methods,
    request: axum::extract::Request,
) -> Result<axum::extract::Request, Box<axum::response::Response>> {
    post_of(methods, request).map_err(|refused| Box::new(refused.response()))
}

/// Why a GET form is refused, and so with which HTTP status.
enum Refused {
    /// The code's own status.
    Error(ConnectError),
    /// 405, naming POST: a write or a stream.
    PostOnly(ConnectError),
    /// 415: an encoding other than JSON.
    Codec(ConnectError),
}

impl Refused {
    fn response(self) -> axum::response::Response {
        match self {
            Refused::Error(error) => error.unary_response(),
            Refused::PostOnly(error) => {
                let mut response = error.unary_response();
                *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
                response
            }
            Refused::Codec(error) => {
                let mut response = error.unary_response();
                *response.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
                response
            }
        }
    }
}

fn post_of(
    methods: &Methods,
    request: axum::extract::Request,
) -> Result<axum::extract::Request, Refused> {
    // The key first, as for every call: a caller without one learns nothing about the method.
    if let Some(Refusal(status)) = request.extensions().get::<Refusal>() {
        return Err(Refused::Error(ConnectError::from_status(status)));
    }
    let (mut parts, _) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let method = methods.find(&path).ok_or_else(|| {
        Refused::Error(ConnectError::new(
            Code::Unimplemented,
            format!("no method {path}"),
        ))
    })?;
    let rpc = crate::access::policy::rpc_of_path(&path).unwrap_or_default();
    // The proto's mark is what clients go by; the policy is checked too, so a mark put on a
    // write by mistake cannot open it to cacheable URLs (a test keeps the two in agreement).
    if method.is_server_streaming()
        || method.is_client_streaming()
        || !has_no_side_effects(&method)
        || crate::access::policy::rule(rpc).write
    {
        return Err(Refused::PostOnly(ConnectError::new(
            Code::Unimplemented,
            format!(
                "{} is served by POST only: GET is for unary calls without side effects",
                method.full_name()
            ),
        )));
    }
    let query = parts.uri.query().unwrap_or_default();
    let message = message(query).map_err(|error| {
        // The protocol's answer to a codec the server does not speak, as for a POST.
        if names_json(query) {
            Refused::Error(error)
        } else {
            Refused::Codec(error)
        }
    })?;
    parts.method = Method::POST;
    parts.uri = Uri::builder()
        .path_and_query(path)
        .build()
        .map_err(|_| Refused::Error(ConnectError::new(Code::InvalidArgument, "bad path")))?;
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(UNARY_CONTENT_TYPE),
    );
    Ok(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(message),
    ))
}

fn names_json(query: &str) -> bool {
    url::form_urlencoded::parse(query.as_bytes())
        .any(|(name, value)| name == "encoding" && value == "json")
}

/// The request message's JSON from the GET form's query.
fn message(query: &str) -> Result<Vec<u8>, ConnectError> {
    let invalid = |message: String| ConnectError::new(Code::InvalidArgument, message);
    let mut encoding = None;
    let mut message = None;
    let mut base64 = false;
    let mut compression = String::new();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*name {
            "connect" if value != "v1" => {
                return Err(invalid(format!("unknown protocol version connect={value}")));
            }
            "encoding" => encoding = Some(value.into_owned()),
            "message" => message = Some(value.into_owned()),
            "base64" => base64 = value == "1",
            "compression" => compression = value.into_owned(),
            _ => {}
        }
    }
    match encoding.as_deref() {
        Some("json") => {}
        other => {
            return Err(ConnectError::new(
                Code::Unimplemented,
                format!(
                    "encoding {:?} is not served: use encoding=json",
                    other.unwrap_or_default()
                ),
            ));
        }
    }
    let message = message.ok_or_else(|| invalid("the query has no message".into()))?;
    let bytes = if base64 {
        BASE64
            .decode(message.trim_end_matches('='))
            .map_err(|error| invalid(format!("message is not URL-safe base64: {error}")))?
    } else {
        message.into_bytes()
    };
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(ConnectError::new(
            Code::ResourceExhausted,
            format!("the message is larger than {MAX_MESSAGE_BYTES} bytes"),
        ));
    }
    Encoding::named(&compression)?.decode(&bytes, MAX_MESSAGE_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_comes_plain_in_base64_and_gzipped() {
        assert_eq!(
            message("connect=v1&encoding=json&message=%7B%22id%22%3A%22acme%22%7D").unwrap(),
            br#"{"id":"acme"}"#
        );
        let encoded = BASE64.encode(br#"{"id":"acme"}"#);
        assert_eq!(
            message(&format!("encoding=json&base64=1&message={encoded}")).unwrap(),
            br#"{"id":"acme"}"#
        );
        let mut gzipped = Vec::new();
        {
            use std::io::Write;
            let mut encoder =
                flate2::write::GzEncoder::new(&mut gzipped, flate2::Compression::default());
            encoder.write_all(br#"{"id":"acme"}"#).unwrap();
            encoder.finish().unwrap();
        }
        let encoded = BASE64.encode(&gzipped);
        assert_eq!(
            message(&format!(
                "encoding=json&base64=1&compression=gzip&message={encoded}"
            ))
            .unwrap(),
            br#"{"id":"acme"}"#
        );
        let refused = |query: &str, code: Code| {
            let error = message(query).unwrap_err();
            assert_eq!(error.code, code, "{query}: {}", error.message);
        };
        refused("encoding=proto&message=", Code::Unimplemented);
        refused("encoding=json", Code::InvalidArgument);
        refused("connect=v2&encoding=json&message={}", Code::InvalidArgument);
        refused("encoding=json&base64=1&message=***", Code::InvalidArgument);
        refused(
            "encoding=json&compression=br&message={}",
            Code::Unimplemented,
        );
    }

    /// The proto's marks and the access policy's reads name the same unary RPCs: a read left
    /// unmarked would be POST-only for Connect clients, a marked write would be refused anyway.
    #[test]
    fn the_reads_and_only_they_are_marked_without_side_effects() {
        let pool =
            prost_reflect::DescriptorPool::decode(crate::edges::grpc::pb::FILE_DESCRIPTOR_SET)
                .unwrap();
        let methods: Vec<_> = pool
            .services()
            .flat_map(|service| service.methods().collect::<Vec<_>>())
            .collect();
        let mut marked = 0;
        for method in methods {
            let path = format!("/{}/{}", method.parent_service().full_name(), method.name());
            let rpc = crate::access::policy::rpc_of_path(&path).unwrap();
            let read_unary = !crate::access::policy::rule(rpc).write
                && !method.is_client_streaming()
                && !method.is_server_streaming();
            assert_eq!(has_no_side_effects(&method), read_unary, "{rpc}");
            marked += usize::from(read_unary);
        }
        assert!(marked > 30, "{marked}");
    }
}
