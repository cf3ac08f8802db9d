//! Tool calls against a local mock API (axum on 127.0.0.1:0), and the SSRF guard: refused
//! addresses, redirects that are re-checked, credentials dropped across origins, limits.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test the same way"
)]

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use openapi2mcp::{
    Api, CallConfig, CallError, ConvertOptions, Credential, Credentials, Fault, GuardedClient,
    Secret, blocked_reason,
};
use serde_json::{Map, Value, json};
use url::Url;

const SPEC: &str = r#"
openapi: 3.0.3
info: { title: mock, version: "1" }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
security:
  - bearer: []
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /list:
    get:
      operationId: list
      responses: { "200": { description: ok, content: { application/json: { schema: { type: array } } } } }
  /text:
    get: { operationId: text, responses: { "200": { description: ok } } }
  /missing:
    get: { operationId: missing, responses: { "200": { description: ok } } }
  /big:
    get: { operationId: big, responses: { "200": { description: ok } } }
  /slow:
    get: { operationId: slow, responses: { "200": { description: ok } } }
  /redirect/{hops}:
    get:
      operationId: redirect
      parameters: [{ name: hops, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: ok } }
  /to:
    post:
      operationId: redirectTo
      parameters: [{ name: target, in: query, required: true, schema: { type: string } }]
      requestBody:
        content: { application/json: { schema: { type: object, properties: { note: { type: string } } } } }
      responses: { "200": { description: ok } }
  /echo:
    post:
      operationId: echo
      requestBody:
        content: { application/json: { schema: { type: object, properties: { note: { type: string } } } } }
      responses: { "200": { description: ok } }
"#;

async fn echo(
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: String,
) -> Response {
    let header = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let reply = json!({
        "method": method.as_str(),
        "authorization": header(header::AUTHORIZATION),
        "content_type": header(header::CONTENT_TYPE),
        "query": query,
        "body": body,
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        reply.to_string(),
    )
        .into_response()
}

fn app() -> Router {
    Router::new()
        .route(
            "/pets/{id}",
            get(|Path(id): Path<String>| async move {
                (
                    [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                    json!({ "id": id, "name": "Rex" }).to_string(),
                )
            }),
        )
        .route(
            "/list",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], "[1,2,3]") }),
        )
        .route("/text", get(|| async { "plain text" }))
        .route(
            "/missing",
            get(|| async { (StatusCode::NOT_FOUND, "x".repeat(10_000)) }),
        )
        .route("/big", get(|| async { "y".repeat(100_000) }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .route(
            "/redirect/{hops}",
            get(|Path(hops): Path<u32>| async move {
                if hops == 0 {
                    return (
                        [(header::CONTENT_TYPE, "application/json")],
                        r#"{"arrived":true}"#,
                    )
                        .into_response();
                }
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, format!("/redirect/{}", hops - 1))],
                )
                    .into_response()
            }),
        )
        .route(
            "/to",
            any(|RawQuery(query): RawQuery| async move {
                let query = query.unwrap_or_default();
                let target = url::form_urlencoded::parse(query.as_bytes())
                    .find(|(key, _)| key == "target")
                    .map(|(_, value)| value.into_owned())
                    .unwrap_or_default();
                (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, target)]).into_response()
            }),
        )
        .route("/echo", any(echo))
}

async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app()).await });
    address
}

fn api() -> Api {
    Api::from_document(SPEC.as_bytes(), &ConvertOptions::default()).unwrap()
}

fn config(base: &str, allow_private_network: bool) -> CallConfig {
    let mut config = CallConfig::new(Url::parse(base).unwrap());
    config.allow_private_network = allow_private_network;
    config.credentials =
        Credentials::new().with("bearer", Credential::Bearer(Secret::new("sekrit")));
    config.timeout = Duration::from_secs(5);
    config
}

fn args(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[tokio::test]
async fn json_text_and_error_responses() {
    let address = serve().await;
    let api = api();
    let client = GuardedClient::new().unwrap();
    let config = config(&format!("http://{address}"), true);

    let outcome = api
        .call(&client, "getPet", &args(json!({"id": "a/b"})), &config)
        .await
        .unwrap();
    assert!(!outcome.is_error);
    assert_eq!(outcome.status, Some(200));
    assert_eq!(
        outcome.structured,
        Some(json!({"id": "a/b", "name": "Rex"}))
    );
    assert_eq!(
        serde_json::from_str::<Value>(&outcome.text).unwrap(),
        json!({"id": "a/b", "name": "Rex"})
    );

    // A JSON array is text only: MCP structured content must be an object.
    let outcome = api
        .call(&client, "list", &Map::new(), &config)
        .await
        .unwrap();
    assert_eq!(
        (outcome.text.as_str(), outcome.structured),
        ("[1,2,3]", None)
    );

    let outcome = api
        .call(&client, "text", &Map::new(), &config)
        .await
        .unwrap();
    assert_eq!(
        (outcome.text.as_str(), outcome.is_error),
        ("plain text", false)
    );

    let outcome = api
        .call(&client, "missing", &Map::new(), &config)
        .await
        .unwrap();
    assert!(outcome.is_error);
    assert_eq!(outcome.status, Some(404));
    assert!(
        outcome.text.starts_with("HTTP 404 Not Found: xxx"),
        "{}",
        &outcome.text[..40]
    );
    assert!(outcome.text.len() < 2200);
}

#[tokio::test]
async fn credentials_and_body_reach_the_api() {
    let address = serve().await;
    let config = config(&format!("http://{address}"), true);
    let outcome = api()
        .call(
            &GuardedClient::new().unwrap(),
            "echo",
            &args(json!({"note": "hi"})),
            &config,
        )
        .await
        .unwrap();
    let echoed = outcome.structured.unwrap();
    assert_eq!(echoed["authorization"], "Bearer sekrit");
    assert_eq!(echoed["content_type"], "application/json");
    assert_eq!(echoed["body"], r#"{"note":"hi"}"#);
}

#[tokio::test]
async fn limits_on_size_and_time() {
    let address = serve().await;
    let api = api();
    let client = GuardedClient::new().unwrap();
    let mut config = config(&format!("http://{address}"), true);
    config.max_response_bytes = 10_000;
    let error = api
        .call(&client, "big", &Map::new(), &config)
        .await
        .unwrap_err();
    assert!(
        matches!(error, CallError::ResponseTooLarge { limit: 10_000 }),
        "{error}"
    );

    config.timeout = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let error = api
        .call(&client, "slow", &Map::new(), &config)
        .await
        .unwrap_err();
    assert!(matches!(error, CallError::Timeout { .. }), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(error.fault(), Fault::Upstream);
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_limit() {
    let address = serve().await;
    let api = api();
    let client = GuardedClient::new().unwrap();
    let config = config(&format!("http://{address}"), true);
    let outcome = api
        .call(&client, "redirect", &args(json!({"hops": 5})), &config)
        .await
        .unwrap();
    assert_eq!(outcome.structured, Some(json!({"arrived": true})));
    let error = api
        .call(&client, "redirect", &args(json!({"hops": 6})), &config)
        .await
        .unwrap_err();
    assert!(
        matches!(error, CallError::TooManyRedirects { limit: 5 }),
        "{error}"
    );
}

#[tokio::test]
async fn redirect_targets_are_checked_again() {
    let address = serve().await;
    let api = api();
    let client = GuardedClient::new().unwrap();
    let config = config(&format!("http://{address}"), true);
    // Metadata addresses are refused even when private networks are allowed, and the
    // refusal happens before any connection attempt.
    for target in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:169.254.169.254]/",
    ] {
        let error = api
            .call(
                &client,
                "redirectTo",
                &args(json!({"target": target})),
                &config,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(error, CallError::Blocked { .. }),
            "{target}: {error}"
        );
        assert_eq!(error.fault(), Fault::Policy);
    }
    let error = api
        .call(
            &client,
            "redirectTo",
            &args(json!({"target": "file:///etc/passwd"})),
            &config,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, CallError::InvalidRedirect { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn credentials_are_dropped_on_a_cross_origin_redirect() {
    let address = serve().await;
    let other = serve().await;
    let api = api();
    let client = GuardedClient::new().unwrap();
    let config = config(&format!("http://{address}"), true);
    // Same origin: the 307 keeps method, body and credentials.
    let same = format!("http://{address}/echo");
    let outcome = api
        .call(
            &client,
            "redirectTo",
            &args(json!({"target": same, "note": "n"})),
            &config,
        )
        .await
        .unwrap();
    let echoed = outcome.structured.unwrap();
    assert_eq!(
        (echoed["method"].as_str(), echoed["authorization"].as_str()),
        (Some("POST"), Some("Bearer sekrit"))
    );
    assert_eq!(echoed["body"], r#"{"note":"n"}"#);
    // Another origin (other port): no credentials.
    let cross = format!("http://localhost:{}/echo", other.port());
    let outcome = api
        .call(
            &client,
            "redirectTo",
            &args(json!({"target": cross, "note": "n"})),
            &config,
        )
        .await
        .unwrap();
    let echoed = outcome.structured.unwrap();
    assert_eq!(echoed["method"], "POST");
    assert_eq!(echoed["authorization"], Value::Null);
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let address = serve().await;
    let api = api();
    let client = GuardedClient::new().unwrap();
    let port = address.port();
    // Literal addresses and a name that resolves to loopback; nothing is sent to any of them.
    for base in [
        format!("http://127.0.0.1:{port}"),
        format!("http://[::1]:{port}"),
        format!("http://localhost:{port}"),
        "http://0.0.0.0:9/".to_owned(),
    ] {
        let error = api
            .call(&client, "text", &Map::new(), &config(&base, false))
            .await
            .unwrap_err();
        assert!(
            matches!(error, CallError::Blocked { .. }),
            "{base}: {error}"
        );
        assert!(!error.to_string().contains("sekrit"));
    }
    let outcome = api
        .call(
            &client,
            "text",
            &Map::new(),
            &config(&format!("http://localhost:{port}"), true),
        )
        .await
        .unwrap();
    assert_eq!(outcome.text, "plain text");
}

#[test]
fn address_classification() {
    const META: Option<&str> = Some("cloud metadata address");
    let cases = [
        ("127.0.0.1", Some("loopback address"), None),
        ("127.255.0.9", Some("loopback address"), None),
        ("10.1.2.3", Some("private address"), None),
        ("172.16.0.1", Some("private address"), None),
        ("172.31.255.255", Some("private address"), None),
        ("192.168.1.1", Some("private address"), None),
        ("169.254.1.1", Some("link-local address"), None),
        ("100.64.0.1", Some("shared (CGNAT) address"), None),
        ("0.0.0.0", Some("unspecified address"), None),
        ("224.0.0.1", Some("multicast address"), None),
        ("255.255.255.255", Some("broadcast address"), None),
        (
            "169.254.169.254",
            Some("cloud metadata address"),
            Some("cloud metadata address"),
        ),
        (
            "fd00:ec2::254",
            Some("cloud metadata address"),
            Some("cloud metadata address"),
        ),
        ("::1", Some("loopback address"), None),
        ("::", Some("unspecified address"), None),
        ("fc00::1", Some("unique local (private) address"), None),
        ("fe80::1", Some("link-local address"), None),
        ("ff02::1", Some("multicast address"), None),
        ("::ffff:10.0.0.1", Some("private address"), None),
        (
            "::ffff:169.254.169.254",
            Some("cloud metadata address"),
            Some("cloud metadata address"),
        ),
        ("64:ff9b::7f00:1", Some("loopback address"), None),
        // Every form that embeds or reaches an IPv4 host, and the metadata addresses of
        // each cloud, in all of those forms.
        ("::10.0.0.1", Some("private address"), None),
        ("::169.254.169.254", META, META),
        ("64:ff9b::a9fe:a9fe", META, META),
        ("2002:a9fe:a9fe::", META, META),
        ("2002:0a00:0001::1", Some("private address"), None),
        ("2002:0808:0808::1", None, None),
        ("64:ff9b:1::a00:1", Some("NAT64 local-use address"), None),
        (
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            Some("Teredo tunnel address"),
            None,
        ),
        ("192.0.0.192", META, META),
        ("192.0.0.8", Some("IETF protocol assignment"), None),
        ("100.100.100.200", META, META),
        ("169.254.170.2", META, META),
        ("169.254.170.23", META, META),
        ("fd00:ec2::23", META, META),
        ("::ffff:192.0.0.192", META, META),
        ("240.0.0.1", Some("reserved address"), None),
        ("198.18.0.1", Some("benchmarking address"), None),
        ("203.0.113.9", Some("documentation address"), None),
        ("2001:db8::1", Some("documentation address"), None),
        ("fec0::1", Some("site-local address"), None),
        ("172.32.0.1", None, None),
        ("8.8.8.8", None, None),
        ("2606:4700::1111", None, None),
    ];
    for (address, strict, permissive) in cases {
        let ip: IpAddr = address.parse().unwrap();
        assert_eq!(blocked_reason(ip, false), strict, "{address} strict");
        assert_eq!(blocked_reason(ip, true), permissive, "{address} permissive");
    }
}

/// The `mcp` crate shares one `Api` and one `GuardedClient` across tasks and spawns calls.
#[test]
fn api_and_call_futures_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    fn assert_send<T: Send>(_: &T) {}
    let api = api();
    let client = GuardedClient::new().unwrap();
    let config = config("https://api.example.com", false);
    let arguments = Map::new();
    assert_send_sync(&api);
    assert_send_sync(&client);
    let future = api.call(&client, "text", &arguments, &config);
    assert_send(&future);
}
