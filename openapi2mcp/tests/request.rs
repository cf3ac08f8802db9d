//! Request building, table-driven: path encoding, every query style, headers, cookies,
//! JSON/form/multipart bodies and where credentials go.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test the same way"
)]

use openapi2mcp::{
    Api, CallConfig, CallError, ConvertOptions, Credential, Credentials, HttpRequest, Secret,
};
use serde_json::{Map, Value, json};
use url::Url;

const SPEC: &str = r#"
openapi: 3.0.3
info: { title: requests, version: "1" }
components:
  securitySchemes:
    headerKey: { type: apiKey, in: header, name: X-Key }
    queryKey: { type: apiKey, in: query, name: key }
    cookieKey: { type: apiKey, in: cookie, name: token }
    bearer: { type: http, scheme: bearer }
    basic: { type: http, scheme: basic }
    oauth: { type: oauth2, flows: {} }
paths:
  /files/{name}/{label}/{matrix}:
    get:
      operationId: path
      parameters:
        - { name: name, in: path, required: true, schema: { type: string } }
        - { name: label, in: path, required: true, style: label, schema: { type: array, items: { type: string } } }
        - { name: matrix, in: path, required: true, style: matrix, explode: true, schema: { type: array, items: { type: string } } }
      responses: { "200": { description: ok } }
  /api/{a}/{b}:
    get:
      operationId: nested
      parameters:
        - { name: a, in: path, required: true, schema: { type: string } }
        - { name: b, in: path, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
  /joined/{a}{b}:
    get:
      operationId: joined
      parameters:
        - { name: a, in: path, required: true, schema: { type: string } }
        - { name: b, in: path, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
  /query:
    get:
      operationId: query
      parameters:
        - { name: plain, in: query, schema: { type: string } }
        - { name: formExploded, in: query, schema: { type: array, items: { type: integer } } }
        - { name: formFlat, in: query, explode: false, schema: { type: array, items: { type: integer } } }
        - { name: objectExploded, in: query, schema: { type: object } }
        - { name: objectFlat, in: query, explode: false, schema: { type: object } }
        - { name: spaced, in: query, style: spaceDelimited, explode: false, schema: { type: array, items: { type: string } } }
        - { name: piped, in: query, style: pipeDelimited, explode: false, schema: { type: array, items: { type: string } } }
        - { name: deep, in: query, style: deepObject, schema: { type: object } }
        - { name: json, in: query, content: { application/json: { schema: { type: object } } } }
        - { name: flag, in: query, schema: { type: boolean } }
      responses: { "200": { description: ok } }
  /headers:
    get:
      operationId: headers
      parameters:
        - { name: X-One, in: header, schema: { type: string } }
        - { name: X-List, in: header, schema: { type: array, items: { type: string } } }
        - { name: X-Map, in: header, explode: true, schema: { type: object } }
        - { name: a, in: cookie, schema: { type: string } }
        - { name: b, in: cookie, schema: { type: integer } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /json:
    post:
      operationId: json
      parameters:
        - { name: dryRun, in: query, schema: { type: boolean } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, required: [name], properties: { name: { type: string }, size: { type: integer } } }
      responses: { "200": { description: ok } }
  /array:
    post:
      operationId: arrayBody
      requestBody:
        content: { application/json: { schema: { type: array, items: { type: integer } } } }
      responses: { "200": { description: ok } }
  /form:
    post:
      operationId: form
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: { type: object, properties: { name: { type: string }, tags: { type: array, items: { type: string } }, meta: { type: object } } }
      responses: { "200": { description: ok } }
  /upload:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema: { type: object, properties: { file: { type: string, format: binary }, note: { type: string }, meta: { type: object } } }
      responses: { "200": { description: ok } }
  /text:
    post:
      operationId: text
      requestBody:
        required: true
        content: { text/plain: { schema: { type: string } } }
      responses: { "200": { description: ok } }
  /secured:
    get:
      operationId: secured
      security:
        - headerKey: []
          queryKey: []
        - bearer: []
        - basic: []
        - cookieKey: []
        - oauth: []
      parameters:
        - { name: c, in: cookie, schema: { type: string } }
      responses: { "200": { description: ok } }
"#;

fn api() -> Api {
    Api::from_document(SPEC.as_bytes(), &ConvertOptions::default()).unwrap()
}

fn config() -> CallConfig {
    CallConfig::new(Url::parse("https://api.example.com/base/").unwrap())
}

fn arguments(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("arguments are objects"),
    }
}

fn build(tool: &str, args: Value) -> HttpRequest {
    api()
        .build_request(tool, &arguments(args), &config())
        .unwrap()
}

/// Builds `tool` with `args` and compares path-and-query with `expected`.
fn check_url(tool: &str, args: Value, expected: &str) {
    let request = build(tool, args.clone());
    let mut actual = request.url.path().to_owned();
    if let Some(query) = request.url.query() {
        actual.push('?');
        actual.push_str(query);
    }
    assert_eq!(actual, expected, "{tool} {args}");
}

#[test]
fn path_parameters_are_encoded_per_style() {
    let cases = [
        (
            json!({"name": "a b/c?d", "label": ["x", "y"], "matrix": ["1", "2"]}),
            "/base/files/a%20b%2Fc%3Fd/.x,y/;matrix=1;matrix=2",
        ),
        (
            json!({"name": "ü", "label": ["é"], "matrix": ["%"]}),
            "/base/files/%C3%BC/.%C3%A9/;matrix=%25",
        ),
        (
            json!({"name": 7, "label": ["z"], "matrix": ["a"]}),
            "/base/files/7/.z/;matrix=a",
        ),
    ];
    for (args, expected) in cases {
        check_url("path", args, expected);
    }
}

/// A `.` or `..` path value would be resolved as a dot segment by URL parsing (in any of its
/// percent-encoded spellings too), moving the call to another operation or out of the base
/// path with the configured credential attached; such values are refused.
#[test]
fn dot_segment_path_values_are_refused() {
    let cases = [
        ("nested", json!({"a": "..", "b": "admin"})),
        ("nested", json!({"a": "..", "b": ".."})),
        ("nested", json!({"a": ".", "b": "x"})),
        ("joined", json!({"a": ".", "b": "."})),
        ("path", json!({"name": "x", "label": [""], "matrix": ["a"]})),
        (
            "path",
            json!({"name": "..", "label": ["z"], "matrix": ["a"]}),
        ),
    ];
    for (tool, args) in cases {
        let result = api().build_request(tool, &arguments(args.clone()), &config());
        match result {
            Err(CallError::InvalidArgument { reason, .. }) => {
                assert!(reason.contains("dot segment"), "{tool} {args}: {reason}")
            }
            other => panic!("{tool} {args}: expected a refusal, got {other:?}"),
        }
    }
    // Dots inside a segment are ordinary characters.
    check_url(
        "nested",
        json!({"a": "...", "b": "v1.2"}),
        "/base/api/.../v1.2",
    );
    check_url("joined", json!({"a": ".", "b": "x"}), "/base/joined/.x");
    // Percent signs are encoded, so an encoded dot in a value stays text for the server.
    check_url(
        "nested",
        json!({"a": "%2e%2E", "b": ".%2e"}),
        "/base/api/%252e%252E/.%252e",
    );
}

#[test]
fn query_parameters_follow_style_and_explode() {
    let cases = [
        (json!({"plain": "a&b=c"}), "/base/query?plain=a%26b%3Dc"),
        (
            json!({"formExploded": [1, 2]}),
            "/base/query?formExploded=1&formExploded=2",
        ),
        (json!({"formFlat": [1, 2]}), "/base/query?formFlat=1,2"),
        (
            json!({"objectExploded": {"r": 1, "g": "x y"}}),
            "/base/query?g=x%20y&r=1",
        ),
        (
            json!({"objectFlat": {"r": 1, "g": 2}}),
            "/base/query?objectFlat=g,2,r,1",
        ),
        (json!({"spaced": ["a", "b"]}), "/base/query?spaced=a%20b"),
        (json!({"piped": ["a", "b"]}), "/base/query?piped=a|b"),
        (
            json!({"deep": {"color": "red", "size": 2}}),
            "/base/query?deep[color]=red&deep[size]=2",
        ),
        (
            json!({"json": {"a": [1]}}),
            "/base/query?json=%7B%22a%22%3A%5B1%5D%7D",
        ),
        (
            json!({"flag": false, "plain": null}),
            "/base/query?flag=false",
        ),
        (json!({}), "/base/query"),
    ];
    for (args, expected) in cases {
        check_url("query", args, expected);
    }
}

#[test]
fn base_url_query_and_path_are_kept() {
    let api = api();
    let mut config = config();
    config.base_url = Url::parse("http://h.example:8080/v1?tenant=t").unwrap();
    let request = api
        .build_request("query", &arguments(json!({"plain": "x"})), &config)
        .unwrap();
    assert_eq!(
        request.url.as_str(),
        "http://h.example:8080/v1/query?tenant=t&plain=x"
    );
    config.base_url = Url::parse("ftp://h.example/").unwrap();
    let error = api
        .build_request("query", &Map::new(), &config)
        .unwrap_err();
    assert!(matches!(error, CallError::InvalidBaseUrl { .. }), "{error}");
}

#[test]
fn headers_and_cookies() {
    let request = build(
        "headers",
        json!({"X-One": "1", "X-List": ["a", "b"], "X-Map": {"k": "v"}, "a": "x", "b": 2}),
    );
    assert_eq!(request.header("x-one"), Some("1"));
    assert_eq!(request.header("x-list"), Some("a,b"));
    assert_eq!(request.header("x-map"), Some("k=v"));
    assert_eq!(request.header("cookie"), Some("a=x; b=2"));
    assert_eq!(request.header("accept"), Some("application/json"));
    let error = api()
        .build_request(
            "headers",
            &arguments(json!({"X-One": "a\r\nInjected: 1"})),
            &config(),
        )
        .unwrap_err();
    assert!(
        matches!(error, CallError::InvalidArgument { .. }),
        "{error}"
    );
}

#[test]
fn bodies_by_media_type() {
    let request = build("json", json!({"name": "n", "size": 3, "dryRun": true}));
    let body = request.body.unwrap();
    assert_eq!(body.content_type, "application/json");
    assert_eq!(
        serde_json::from_slice::<Value>(&body.bytes).unwrap(),
        json!({"name": "n", "size": 3})
    );
    assert_eq!(request.url.query(), Some("dryRun=true"));

    let request = build("arrayBody", json!({"body": [1, 2]}));
    assert_eq!(request.body.unwrap().bytes, b"[1,2]");
    assert!(
        build("arrayBody", json!({})).body.is_none(),
        "optional body left out"
    );

    let request = build(
        "form",
        json!({"name": "a b&c", "tags": ["x", "y"], "meta": {"k": 1}}),
    );
    let body = request.body.unwrap();
    assert_eq!(body.content_type, "application/x-www-form-urlencoded");
    assert_eq!(
        String::from_utf8(body.bytes).unwrap(),
        "meta=%7B%22k%22%3A1%7D&name=a+b%26c&tags=x&tags=y"
    );

    let request = build("text", json!({"body": "plain words"}));
    let body = request.body.unwrap();
    assert_eq!(
        (body.content_type.as_str(), body.bytes.as_slice()),
        ("text/plain", b"plain words".as_slice())
    );
}

#[test]
fn multipart_body_has_file_and_field_parts() {
    let request = build(
        "upload",
        json!({"file": "file bytes", "note": "hi", "meta": {"a": 1}}),
    );
    let body = request.body.unwrap();
    let boundary = body
        .content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap()
        .to_owned();
    let text = String::from_utf8(body.bytes).unwrap();
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\nfile bytes\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"a\":1}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--{boundary}--\r\n"
    );
    assert_eq!(text, expected);
}

#[test]
fn missing_required_arguments_are_named() {
    let cases = [
        ("json", json!({"size": 1}), "name"),
        ("path", json!({"label": [], "matrix": []}), "name"),
        ("text", json!({}), "body"),
    ];
    for (tool, args, missing) in cases {
        match api().build_request(tool, &arguments(args), &config()) {
            Err(CallError::MissingArgument { name }) => assert_eq!(name, missing, "{tool}"),
            other => panic!("{tool}: expected a missing argument, got {other:?}"),
        }
    }
    assert!(matches!(
        api().build_request("nope", &Map::new(), &config()),
        Err(CallError::UnknownTool(_))
    ));
}

/// Credentials, then the expected header (name, value), query and cookie.
type CredentialCase = (
    Credentials,
    Option<(&'static str, &'static str)>,
    Option<&'static str>,
    Option<&'static str>,
);

#[test]
fn credentials_follow_the_first_satisfied_requirement() {
    let cases: Vec<CredentialCase> = vec![
        (
            Credentials::new()
                .with("headerKey", Credential::ApiKey(Secret::new("hkey123")))
                .with("queryKey", Credential::ApiKey(Secret::new("qkey 456"))),
            Some(("X-Key", "hkey123")),
            Some("key=qkey%20456"),
            Some("c=1"),
        ),
        // Only half of the first alternative: it is skipped, the bearer one is used.
        (
            Credentials::new()
                .with("headerKey", Credential::ApiKey(Secret::new("hkey123")))
                .with("bearer", Credential::Bearer(Secret::new("tok789"))),
            Some(("Authorization", "Bearer tok789")),
            None,
            Some("c=1"),
        ),
        (
            Credentials::new().with(
                "basic",
                Credential::Basic {
                    username: "u".to_owned(),
                    password: Secret::new("p"),
                },
            ),
            Some(("Authorization", "Basic dTpw")),
            None,
            Some("c=1"),
        ),
        (
            Credentials::new().with("cookieKey", Credential::ApiKey(Secret::new("ckey000"))),
            None,
            None,
            Some("c=1; token=ckey000"),
        ),
        (
            Credentials::new().with("oauth", Credential::Bearer(Secret::new("oauth555"))),
            Some(("Authorization", "Bearer oauth555")),
            None,
            Some("c=1"),
        ),
        (Credentials::new(), None, None, Some("c=1")),
    ];
    let api = api();
    for (credentials, header, query, cookie) in cases {
        let mut config = config();
        config.credentials = credentials.clone();
        let request = api
            .build_request("secured", &arguments(json!({"c": "1"})), &config)
            .unwrap();
        if let Some((name, value)) = header {
            assert_eq!(request.header(name), Some(value), "{credentials:?}");
        } else {
            assert!(
                request.header("authorization").is_none() && request.header("x-key").is_none(),
                "{credentials:?}"
            );
        }
        assert_eq!(request.url.query(), query, "{credentials:?}");
        assert_eq!(request.header("cookie"), cookie, "{credentials:?}");
        let debug = format!("{request:?} {config:?}");
        for secret in ["hkey123", "qkey", "tok789", "dTpw", "ckey000", "oauth555"] {
            assert!(!debug.contains(secret), "{secret} leaked in {debug}");
        }
    }
}

#[test]
fn extra_headers_are_sent_and_not_printed() {
    let mut config = config();
    config
        .extra_headers
        .push(("X-Tenant-Secret".to_owned(), "s3cr3t".to_owned()));
    let request = api()
        .build_request("headers", &Map::new(), &config)
        .unwrap();
    assert_eq!(request.header("x-tenant-secret"), Some("s3cr3t"));
    assert!(!format!("{request:?}{config:?}").contains("s3cr3t"));
}
