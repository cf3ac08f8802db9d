//! Connect JSON on the control plane's gRPC paths over plain HTTP/1.1: unary calls, errors, keys and roles, server streams, Python.
//!
//! Driven with reqwest as curl would: reads and writes (read back over gRPC), refusals in
//! Connect's shape with their HTTP status, keys, roles and group scopes, a server stream read
//! frame by frame, and the same calls from Python with httpx.

use futures::StreamExt;
use serde_json::{Value, json};

use crate::support::{self, ADMIN_KEY, TestHub, admin, control_channel};
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::group_service_client::GroupServiceClient;

const PACKAGE: &str = "aiproxy.admin.v1";

/// Two groups, a channel with one model, and a token in `acme`.
const CONFIG: &str = r#"
groups:
  - id: acme
  - id: other
channels:
  - name: main
    type: fake
    key: sk-connect-channel-0123456789
    models: [m1]
models:
  - model: m1
tokens:
  - {group: acme, name: t-acme, key: sk-acme-connect-token-0001}
"#;

/// A unary Connect call: `rpc` is `Service/Method`, `body` the raw request bytes.
async fn call_raw(
    hub: &TestHub,
    key: Option<&str>,
    rpc: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(hub.url(&format!("/{PACKAGE}.{rpc}")))
        .header("content-type", content_type)
        .body(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    // Every answer, success or error, is Connect JSON.
    assert_eq!(
        content_type.as_deref(),
        Some("application/json"),
        "{rpc}: {status} {text}"
    );
    (status, serde_json::from_str(&text).unwrap())
}

async fn call(hub: &TestHub, key: &str, rpc: &str, message: Value) -> (u16, Value) {
    call_raw(hub, Some(key), rpc, "application/json", message.to_string()).await
}

/// The answer of a call that must succeed.
async fn ok(hub: &TestHub, key: &str, rpc: &str, message: Value) -> Value {
    let (status, body) = call(hub, key, rpc, message).await;
    assert_eq!(status, 200, "{rpc}: {body}");
    body
}

/// Asserts a Connect error: the HTTP status, the code and a fragment of the message.
fn assert_error((status, body): (u16, Value), expected: (u16, &str, &str)) {
    let (expected_status, code, fragment) = expected;
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains(fragment),
        "{body} lacks {fragment:?}"
    );
}

/// Creates an admin key over Connect (the bootstrap key's call); returns the key.
async fn create_key(hub: &TestHub, name: &str, role: &str, groups: &[&str]) -> String {
    let created = ok(
        hub,
        ADMIN_KEY,
        "AccessService/CreateAdminKey",
        json!({"name": name, "role": role, "groups": groups}),
    )
    .await;
    assert_eq!(created["adminKey"]["role"], role, "{created}");
    created["key"].as_str().unwrap().to_owned()
}

fn envelope(flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![flags];
    frame.extend_from_slice(&u32::try_from(payload.len()).unwrap().to_be_bytes());
    frame.extend_from_slice(payload);
    frame
}

/// A Connect server stream, read frame by frame as the bytes arrive.
struct ConnectStream {
    chunks: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffered: Vec<u8>,
}

/// One frame: a message, or the end of the stream with its JSON.
#[derive(Debug, PartialEq)]
enum StreamFrame {
    Message(Value),
    End(Value),
}

impl ConnectStream {
    async fn open(hub: &TestHub, key: Option<&str>, rpc: &str, message: Value) -> ConnectStream {
        let mut request = reqwest::Client::new()
            .post(hub.url(&format!("/{PACKAGE}.{rpc}")))
            .header("content-type", "application/connect+json")
            .header("connect-protocol-version", "1")
            .body(envelope(0, message.to_string().as_bytes()));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.unwrap();
        // Streams answer 200 whatever happens; the end frame says how it went.
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/connect+json"
        );
        ConnectStream {
            chunks: response.bytes_stream().boxed(),
            buffered: Vec::new(),
        }
    }

    async fn next(&mut self) -> StreamFrame {
        loop {
            if self.buffered.len() >= 5 {
                let length = u32::from_be_bytes(self.buffered[1..5].try_into().unwrap()) as usize;
                if self.buffered.len() >= 5 + length {
                    let flags = self.buffered[0];
                    let payload: Value =
                        serde_json::from_slice(&self.buffered[5..5 + length]).unwrap();
                    self.buffered.drain(..5 + length);
                    return match flags {
                        0 => StreamFrame::Message(payload),
                        2 => StreamFrame::End(payload),
                        other => panic!("unexpected flags {other}: {payload}"),
                    };
                }
            }
            let chunk = self
                .chunks
                .next()
                .await
                .expect("the stream ended inside a frame or without an end frame")
                .unwrap();
            self.buffered.extend_from_slice(&chunk);
        }
    }

    /// After the end frame nothing follows.
    async fn assert_closed(mut self) {
        assert!(self.buffered.is_empty(), "{:?}", self.buffered);
        assert!(self.chunks.next().await.is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unary_reads_and_writes_reach_the_same_services_as_grpc() {
    let hub = TestHub::start_with_config(CONFIG).await;

    let listed = ok(&hub, ADMIN_KEY, "GroupService/ListGroups", json!({})).await;
    let ids: Vec<&str> = listed["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["acme", "other"], "{listed}");
    // proto3 JSON: 64-bit integers are strings, enums their names.
    assert_eq!(listed["totalSize"], "2", "{listed}");
    assert_eq!(listed["groups"][0]["status"], "STATUS_ENABLED", "{listed}");
    // Request fields by their JSON or proto names; the service's paging applies.
    let paged = ok(
        &hub,
        ADMIN_KEY,
        "GroupService/ListGroups",
        json!({"page_size": 1}),
    )
    .await;
    assert_eq!(paged["groups"].as_array().unwrap().len(), 1, "{paged}");
    assert_eq!(paged["nextPageToken"], "1", "{paged}");

    // A write, read back over Connect and over gRPC.
    let created = ok(
        &hub,
        ADMIN_KEY,
        "GroupService/CreateGroup",
        json!({"group": {"id": "beta", "rpmRatio": 2.5, "maxConcurrency": "4"}}),
    )
    .await;
    assert_eq!(created["id"], "beta", "{created}");
    let read = ok(
        &hub,
        ADMIN_KEY,
        "GroupService/GetGroup",
        json!({"id": "beta"}),
    )
    .await;
    assert_eq!(
        (&read["rpmRatio"], &read["maxConcurrency"]),
        (&json!(2.5), &json!("4")),
        "{read}"
    );
    let over_grpc = GroupServiceClient::new(control_channel(&hub).await)
        .get_group(admin(pb::GetGroupRequest { id: "beta".into() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (over_grpc.rpm_ratio, over_grpc.max_concurrency),
        (2.5, Some(4))
    );
    // An update with a field mask (a well-known type, "a,b" in JSON), then an Empty answer.
    let updated = ok(
        &hub,
        ADMIN_KEY,
        "GroupService/UpdateGroup",
        json!({"group": {"id": "beta", "rpmRatio": 3, "tpmRatio": 9}, "updateMask": "rpmRatio"}),
    )
    .await;
    assert_eq!(
        (&updated["rpmRatio"], &updated["tpmRatio"]),
        (&json!(3.0), &json!(1.0))
    );

    // The service's own refusals keep their code and message.
    assert_error(
        call(
            &hub,
            ADMIN_KEY,
            "GroupService/GetGroup",
            json!({"id": "nope"}),
        )
        .await,
        (404, "not_found", "nope"),
    );
    assert_error(
        call(
            &hub,
            ADMIN_KEY,
            "GroupService/CreateGroup",
            json!({"group": {"id": "acme"}}),
        )
        .await,
        (409, "already_exists", "acme"),
    );
    assert_error(
        call(
            &hub,
            ADMIN_KEY,
            "GroupService/ListGroups",
            json!({"pageSize": -1}),
        )
        .await,
        (400, "invalid_argument", "page_size"),
    );

    // Fresh after writes: a token made over Connect works on the relay at once.
    let token = ok(
        &hub,
        ADMIN_KEY,
        "TokenService/CreateToken",
        json!({"token": {"groupId": "acme", "name": "via-connect"}}),
    )
    .await;
    let token_key = token["key"].as_str().unwrap();
    let models = reqwest::Client::new()
        .get(hub.url("/v1/models"))
        .bearer_auth(token_key)
        .send()
        .await
        .unwrap();
    assert_eq!(models.status(), 200);
    assert_eq!(
        ok(
            &hub,
            ADMIN_KEY,
            "TokenService/DeleteToken",
            json!({"id": token["token"]["id"]})
        )
        .await,
        json!({})
    );

    // Writes are audited by the key that made them, as on gRPC; a write that stores no object
    // leaves its event too, and a refused one none.
    let operator = create_key(&hub, "connect-operator", "ADMIN_ROLE_OPERATOR", &[]).await;
    ok(
        &hub,
        &operator,
        "ChannelService/ClearChannelBans",
        json!({}),
    )
    .await;
    assert_error(
        call(
            &hub,
            &operator,
            "GroupService/CreateGroup",
            json!({"group": {"id": "other"}}),
        )
        .await,
        (409, "already_exists", "other"),
    );
    ok(
        &hub,
        &operator,
        "GroupService/CreateGroup",
        json!({"group": {"id": "by-operator"}}),
    )
    .await;
    let audit = ok(
        &hub,
        ADMIN_KEY,
        "AccessService/ListAuditEvents",
        json!({"pageSize": 1000}),
    )
    .await;
    let events = audit["events"].as_array().unwrap();
    let by_operator = |action: &str| {
        events
            .iter()
            .filter(|event| event["keyName"] == "connect-operator" && event["action"] == action)
            .map(|event| event["objectId"].as_str().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        by_operator("ChannelService/ClearChannelBans"),
        [""],
        "{audit}"
    );
    assert_eq!(
        by_operator("GroupService/CreateGroup"),
        ["by-operator"],
        "{audit}"
    );
    let beta = events
        .iter()
        .find(|event| event["objectId"] == "beta" && event["action"] == "GroupService/CreateGroup")
        .unwrap_or_else(|| panic!("{audit}"));
    assert_eq!(
        (&beta["keyName"], &beta["clientAddress"]),
        (&json!("bootstrap"), &json!("127.0.0.1"))
    );
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_connect_errors_never_a_crash() {
    let hub = TestHub::start_with_config(CONFIG).await;
    let list = "GroupService/ListGroups";
    let json = "application/json";
    let cases: &[(&str, (u16, &str, &str))] = &[
        (r#"{"nope": 1}"#, (400, "invalid_argument", "nope")),
        (
            r#"{"pageSize": "many"}"#,
            (400, "invalid_argument", "ListGroupsRequest"),
        ),
        (
            r#"{"pageSize": 1.5}"#,
            (400, "invalid_argument", "ListGroupsRequest"),
        ),
        (
            r#"{"status": "STATUS_MAYBE"}"#,
            (400, "invalid_argument", "STATUS_MAYBE"),
        ),
        (
            r#"{"pageSize": 1"#,
            (400, "invalid_argument", "ListGroupsRequest"),
        ),
        (
            r#"{"pageSize": 1} x"#,
            (400, "invalid_argument", "trailing"),
        ),
        (
            "not json at all",
            (400, "invalid_argument", "ListGroupsRequest"),
        ),
        ("[]", (400, "invalid_argument", "ListGroupsRequest")),
    ];
    for (body, expected) in cases {
        assert_error(
            call_raw(&hub, Some(ADMIN_KEY), list, json, *body).await,
            *expected,
        );
    }
    // Not UTF-8, and nested past any sensible depth.
    assert_error(
        call_raw(&hub, Some(ADMIN_KEY), list, json, vec![0xff, 0xfe, 0x00]).await,
        (400, "invalid_argument", ""),
    );
    let deep = format!(
        r#"{{"keyword": {}{}}}"#,
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    assert_error(
        call_raw(&hub, Some(ADMIN_KEY), list, json, deep).await,
        (400, "invalid_argument", ""),
    );
    // An empty body is the empty message, as `curl -d ''` sends.
    let (status, body) = call_raw(&hub, Some(ADMIN_KEY), list, json, "").await;
    assert_eq!((status, &body["totalSize"]), (200, &json!("2")), "{body}");

    // Bodies past gRPC's limit are refused, announced or not.
    let limit = hub::edges::grpc::MAX_MESSAGE_BYTES;
    let oversized = format!(r#"{{"keyword": "{}"}}"#, "k".repeat(limit));
    assert_error(
        call_raw(&hub, Some(ADMIN_KEY), list, json, oversized.clone()).await,
        (429, "resource_exhausted", "larger than"),
    );
    let chunks = futures::stream::iter(
        oversized
            .into_bytes()
            .chunks(64 * 1024)
            .map(|chunk| Ok::<_, std::io::Error>(chunk.to_vec()))
            .collect::<Vec<_>>(),
    );
    assert_error(
        call_raw(
            &hub,
            Some(ADMIN_KEY),
            list,
            json,
            reqwest::Body::wrap_stream(chunks),
        )
        .await,
        (429, "resource_exhausted", "larger than"),
    );

    // Calls the protocol does not allow.
    assert_error(
        call_raw(&hub, Some(ADMIN_KEY), "GroupService/Nope", json, "{}").await,
        (501, "unimplemented", "GroupService/Nope"),
    );
    assert_error(
        call_raw(&hub, Some(ADMIN_KEY), "ConfigService/Watch", json, "{}").await,
        (415, "unimplemented", "application/connect+json"),
    );
    let brotli = reqwest::Client::new()
        .post(hub.url(&format!("/{PACKAGE}.{list}")))
        .header("content-type", json)
        .header("content-encoding", "br")
        .bearer_auth(ADMIN_KEY)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(brotli.status(), 501);
    let brotli: Value = brotli.json().await.unwrap();
    assert_eq!(brotli["code"], "unimplemented", "{brotli}");
    assert!(
        brotli["message"].as_str().unwrap().contains("gzip"),
        "{brotli}"
    );
    let get = reqwest::Client::new()
        .get(hub.url(&format!("/{PACKAGE}.{list}")))
        .header("content-type", json)
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(get.headers()["allow"], "POST");

    // Other content types are left to gRPC and gRPC-web, as before.
    let plain = reqwest::Client::new()
        .post(hub.url(&format!("/{PACKAGE}.{list}")))
        .header("content-type", "text/plain")
        .bearer_auth(ADMIN_KEY)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 400);

    // The server still answers after all of that.
    ok(&hub, ADMIN_KEY, list, json!({})).await;
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_roles_and_group_scopes_apply_as_on_grpc() {
    let hub = TestHub::start_with_config(CONFIG).await;
    let list = "GroupService/ListGroups";
    // Checked before the body is even read: the wrong key with bad JSON is still 401.
    assert_error(
        call_raw(&hub, None, list, "application/json", "{}").await,
        (401, "unauthenticated", "missing authorization"),
    );
    assert_error(
        call_raw(
            &hub,
            Some("ak-not-a-key"),
            list,
            "application/json",
            "{nope",
        )
        .await,
        (401, "unauthenticated", "wrong admin key"),
    );

    let viewer = create_key(&hub, "connect-viewer", "ADMIN_ROLE_VIEWER", &[]).await;
    ok(&hub, &viewer, list, json!({})).await;
    assert_error(
        call(
            &hub,
            &viewer,
            "GroupService/CreateGroup",
            json!({"group": {"id": "v"}}),
        )
        .await,
        (403, "permission_denied", ""),
    );
    assert_error(
        call(&hub, &viewer, "GroupService/GetGroup", json!({"id": "v"})).await,
        (404, "not_found", ""),
    );
    let me = ok(&hub, &viewer, "AccessService/WhoAmI", json!({})).await;
    assert_eq!(
        (&me["name"], &me["role"]),
        (&json!("connect-viewer"), &json!("ADMIN_ROLE_VIEWER"))
    );

    // A key scoped to acme sees acme only and nothing global.
    let scoped = create_key(&hub, "connect-scoped", "ADMIN_ROLE_OPERATOR", &["acme"]).await;
    let groups = ok(&hub, &scoped, list, json!({})).await;
    assert_eq!(groups["groups"].as_array().unwrap().len(), 1, "{groups}");
    assert_eq!(groups["groups"][0]["id"], "acme", "{groups}");
    ok(
        &hub,
        &scoped,
        "GroupService/GetGroup",
        json!({"id": "acme"}),
    )
    .await;
    assert_error(
        call(
            &hub,
            &scoped,
            "GroupService/GetGroup",
            json!({"id": "other"}),
        )
        .await,
        (403, "permission_denied", ""),
    );
    assert_error(
        call(&hub, &scoped, "ChannelService/ListChannels", json!({})).await,
        (403, "permission_denied", ""),
    );
    let tokens = ok(&hub, &scoped, "TokenService/ListTokens", json!({})).await;
    assert!(
        tokens["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .all(|token| token["groupId"] == "acme"),
        "{tokens}"
    );
    ok(
        &hub,
        &scoped,
        "TokenService/CreateToken",
        json!({"token": {"groupId": "acme", "name": "scoped-made"}}),
    )
    .await;
    assert_error(
        call(
            &hub,
            &scoped,
            "TokenService/CreateToken",
            json!({"token": {"groupId": "other", "name": "scoped-made"}}),
        )
        .await,
        (403, "permission_denied", ""),
    );
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_streams_arrive_frame_by_frame_and_end_with_their_status() {
    let hub = TestHub::start_with_config(CONFIG).await;

    // Watch: a change made after the stream opened arrives as a frame while it stays open.
    let mut watch = ConnectStream::open(
        &hub,
        Some(ADMIN_KEY),
        "ConfigService/Watch",
        json!({"kinds": ["group"]}),
    )
    .await;
    for id in ["w1", "w2"] {
        ok(
            &hub,
            ADMIN_KEY,
            "GroupService/CreateGroup",
            json!({"group": {"id": id}}),
        )
        .await;
        assert_eq!(
            watch.next().await,
            StreamFrame::Message(json!({"kind": "group", "action": "created", "id": id}))
        );
    }
    drop(watch);

    // ExportLogs: CSV chunks (bytes are base64 in JSON), then a clean end.
    let mut export =
        ConnectStream::open(&hub, Some(ADMIN_KEY), "LogService/ExportLogs", json!({})).await;
    let mut csv = Vec::new();
    let end = loop {
        match export.next().await {
            StreamFrame::Message(chunk) => {
                use base64::Engine;
                csv.extend(
                    base64::engine::general_purpose::STANDARD
                        .decode(chunk["data"].as_str().unwrap())
                        .unwrap(),
                );
            }
            StreamFrame::End(end) => break end,
        }
    };
    assert_eq!(end, json!({}));
    assert!(
        String::from_utf8(csv).unwrap().starts_with("id,"),
        "a CSV header"
    );
    export.assert_closed().await;

    // Refusals and bad requests end the stream at once, with the error in the end frame.
    let viewer = create_key(&hub, "stream-viewer", "ADMIN_ROLE_VIEWER", &[]).await;
    let scoped = create_key(&hub, "stream-scoped", "ADMIN_ROLE_OPERATOR", &["acme"]).await;
    let refusals = [
        (None, "ConfigService/Watch", json!({}), "unauthenticated"),
        (
            Some(viewer.as_str()),
            "ChannelService/TestChannels",
            json!({}),
            "permission_denied",
        ),
        (
            Some(scoped.as_str()),
            "ConfigService/Watch",
            json!({}),
            "permission_denied",
        ),
        (
            Some(ADMIN_KEY),
            "ConfigService/Watch",
            json!({"kinds": ["nope"]}),
            "invalid_argument",
        ),
        (
            Some(ADMIN_KEY),
            "ConfigService/Watch",
            json!({"kinds": 1}),
            "invalid_argument",
        ),
    ];
    for (key, rpc, message, code) in refusals {
        let mut stream = ConnectStream::open(&hub, key, rpc, message.clone()).await;
        match stream.next().await {
            StreamFrame::End(end) => {
                assert_eq!(end["error"]["code"], code, "{rpc} {message}: {end}")
            }
            other => panic!("{rpc} {message}: {other:?}"),
        }
        stream.assert_closed().await;
    }
    // Not exactly one enveloped message: refused the same way.
    let two_messages = [envelope(0, b"{}"), envelope(0, b"{}")].concat();
    let response = reqwest::Client::new()
        .post(hub.url(&format!("/{PACKAGE}.ConfigService/Watch")))
        .header("content-type", "application/connect+json")
        .bearer_auth(ADMIN_KEY)
        .body(two_messages)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.unwrap();
    assert_eq!(body[0], 2, "{body:?}");
    let end: Value = serde_json::from_slice(&body[5..]).unwrap();
    assert_eq!(end["error"]["code"], "invalid_argument", "{end}");
    // A unary method does not take the streaming protocol.
    let response = reqwest::Client::new()
        .post(hub.url(&format!("/{PACKAGE}.GroupService/ListGroups")))
        .header("content-type", "application/connect+json")
        .bearer_auth(ADMIN_KEY)
        .body(envelope(0, b"{}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    assert_eq!(response.headers()["accept-post"], "application/json");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_json_from_python_with_plain_httpx() {
    if !support::external_clients("Python with httpx") {
        return;
    }
    let hub = TestHub::start_with_config(CONFIG).await;
    support::run_pytest(
        "hub/tests/python/test_connect_json.py",
        &[
            ("AIPROXY_BASE_URL", &hub.url("")),
            ("AIPROXY_ADMIN_KEY", ADMIN_KEY),
        ],
    )
    .await;
    // What Python wrote is in the store, as gRPC reads it.
    let group = GroupServiceClient::new(control_channel(&hub).await)
        .get_group(admin(pb::GetGroupRequest {
            id: "from-python".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(group.rpm_ratio, 2.0);
    hub.stop().await.unwrap();
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut decoded)
        .unwrap();
    decoded
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_both_ways_with_the_expansion_bounded() {
    let hub = TestHub::start_with_config(CONFIG).await;
    let http = reqwest::Client::new();
    let url = |rpc: &str| hub.url(&format!("/{PACKAGE}.{rpc}"));

    // A gzipped request, and a gzipped answer when asked for one: the same message as plain.
    let plain = ok(
        &hub,
        ADMIN_KEY,
        "GroupService/ListGroups",
        json!({"pageSize": 1}),
    )
    .await;
    let response = http
        .post(url("GroupService/ListGroups"))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .header("accept-encoding", "br, gzip")
        .bearer_auth(ADMIN_KEY)
        .body(gzip(br#"{"pageSize": 1}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let body = response.bytes().await.unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&gunzip(&body)).unwrap(),
        plain
    );
    // Without Accept-Encoding the answer is plain.
    let response = http
        .post(url("GroupService/ListGroups"))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .bearer_auth(ADMIN_KEY)
        .body(gzip(br#"{"pageSize": 1}"#))
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(response.json::<Value>().await.unwrap(), plain);

    // A zip bomb: 16 MiB of JSON whitespace in about 16 KiB is refused once it passes the
    // 8 MiB limit, and the server goes on answering.
    let bomb = gzip(&vec![b' '; 16 << 20]);
    assert!(bomb.len() < 256 << 10, "{}", bomb.len());
    let answer = http
        .post(url("GroupService/ListGroups"))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .bearer_auth(ADMIN_KEY)
        .body(bomb)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    assert_error(
        (status, answer.json().await.unwrap()),
        (429, "resource_exhausted", "decompresses to more than"),
    );
    assert_error(
        {
            let answer = http
                .post(url("GroupService/ListGroups"))
                .header("content-type", "application/json")
                .header("content-encoding", "gzip")
                .bearer_auth(ADMIN_KEY)
                .body("{}")
                .send()
                .await
                .unwrap();
            (answer.status().as_u16(), answer.json().await.unwrap())
        },
        (400, "invalid_argument", "does not decompress"),
    );

    // A stream: the request message compressed (flag 1), the answer's messages too.
    let response = http
        .post(url("LogService/ExportLogs"))
        .header("content-type", "application/connect+json")
        .header("connect-content-encoding", "gzip")
        .header("connect-accept-encoding", "gzip")
        .bearer_auth(ADMIN_KEY)
        .body(envelope(1, &gzip(b"{}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["connect-content-encoding"], "gzip");
    let mut body = &response.bytes().await.unwrap()[..];
    let mut csv = Vec::new();
    let mut flags_seen = Vec::new();
    while !body.is_empty() {
        let length = u32::from_be_bytes(body[1..5].try_into().unwrap()) as usize;
        let (flags, payload) = (body[0], &body[5..5 + length]);
        flags_seen.push(flags);
        if flags == 1 {
            let chunk: Value = serde_json::from_slice(&gunzip(payload)).unwrap();
            use base64::Engine;
            csv.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(chunk["data"].as_str().unwrap())
                    .unwrap(),
            );
        } else {
            assert_eq!(flags, 2, "{payload:?}");
            assert_eq!(serde_json::from_slice::<Value>(payload).unwrap(), json!({}));
        }
        body = &body[5 + length..];
    }
    assert_eq!(flags_seen.last(), Some(&2), "{flags_seen:?}");
    assert!(flags_seen.contains(&1), "{flags_seen:?}");
    assert!(String::from_utf8(csv).unwrap().starts_with("id,"));
    // A compressed frame in a stream that names no compression is a protocol error.
    let response = http
        .post(url("LogService/ExportLogs"))
        .header("content-type", "application/connect+json")
        .bearer_auth(ADMIN_KEY)
        .body(envelope(1, &gzip(b"{}")))
        .send()
        .await
        .unwrap();
    let body = response.bytes().await.unwrap();
    assert_eq!(body[0], 2, "{body:?}");
    let end: Value = serde_json::from_slice(&body[5..]).unwrap();
    assert_eq!(end["error"]["code"], "invalid_argument", "{end}");
    hub.stop().await.unwrap();
}

/// Every read the protos mark `NO_SIDE_EFFECTS` answers a plain GET, as a generated Connect
/// client with `useHttpGet` sends it (here by hand, as curl would); each answer is the POST's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_marked_without_side_effects_answer_a_plain_get() {
    let hub = TestHub::start_with_config(CONFIG).await;
    let http = reqwest::Client::new();
    for (rpc, message) in [
        ("TokenService/ListTokens", json!({"groupId": "acme"})),
        (
            "ModelService/ListBuiltinModels",
            json!({"provider": "anthropic"}),
        ),
        (
            "LogService/GetCurrentRates",
            json!({"dimension": "token_model"}),
        ),
        ("OptionService/ListOptions", json!({})),
        ("AccessService/WhoAmI", json!({})),
    ] {
        let expected = ok(&hub, ADMIN_KEY, rpc, message.clone()).await;
        let encoded: String =
            url::form_urlencoded::byte_serialize(message.to_string().as_bytes()).collect();
        let response = http
            .get(hub.url(&format!(
                "/{PACKAGE}.{rpc}?connect=v1&encoding=json&message={encoded}"
            )))
            .header("authorization", format!("Bearer {ADMIN_KEY}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{rpc}");
        assert_eq!(response.json::<Value>().await.unwrap(), expected, "{rpc}");
    }
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_answer_the_get_form_and_writes_refuse_it() {
    use base64::Engine;
    let hub = TestHub::start_with_config(CONFIG).await;
    let http = reqwest::Client::new();
    let get = |rpc: &str, query: String, key: Option<&str>| {
        let mut request = http.get(hub.url(&format!("/{PACKAGE}.{rpc}?{query}")));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        request.send()
    };
    let expected = ok(
        &hub,
        ADMIN_KEY,
        "GroupService/GetGroup",
        json!({"id": "acme"}),
    )
    .await;

    // Percent-encoded JSON, with a viewer's key (a read is what viewers may call).
    let viewer = create_key(&hub, "get-viewer", "ADMIN_ROLE_VIEWER", &[]).await;
    let message: String = url::form_urlencoded::byte_serialize(br#"{"id": "acme"}"#).collect();
    let response = get(
        "GroupService/GetGroup",
        format!("connect=v1&encoding=json&message={message}"),
        Some(&viewer),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap(), expected);

    // URL-safe base64 without padding, gzipped, and a gzipped answer.
    let encoded =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(gzip(br#"{"id": "acme"}"#));
    let response = http
        .get(hub.url(&format!(
            "/{PACKAGE}.GroupService/GetGroup?connect=v1&encoding=json&base64=1&compression=gzip&message={encoded}"
        )))
        .header("accept-encoding", "gzip")
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let body = response.bytes().await.unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&gunzip(&body)).unwrap(),
        expected
    );

    // Refusals: no key (before anything about the method is said), a write, a stream, a codec
    // not served, a missing message, and a message the method does not take.
    let refusals = [
        (
            "GroupService/GetGroup",
            "encoding=json&message={}",
            None,
            401,
            "unauthenticated",
        ),
        (
            "GroupService/CreateGroup",
            "encoding=json&message=%7B%22group%22%3A%7B%22id%22%3A%22via-get%22%7D%7D",
            Some(ADMIN_KEY),
            405,
            "unimplemented",
        ),
        (
            "ConfigService/Watch",
            "encoding=json&message={}",
            Some(ADMIN_KEY),
            405,
            "unimplemented",
        ),
        (
            "GroupService/GetGroup",
            "encoding=proto&message=",
            Some(ADMIN_KEY),
            415,
            "unimplemented",
        ),
        (
            "GroupService/GetGroup",
            "encoding=json",
            Some(ADMIN_KEY),
            400,
            "invalid_argument",
        ),
        (
            "GroupService/GetGroup",
            "encoding=json&message=%7B%22nope%22%3A1%7D",
            Some(ADMIN_KEY),
            400,
            "invalid_argument",
        ),
        (
            "GroupService/Nope",
            "encoding=json&message={}",
            Some(ADMIN_KEY),
            501,
            "unimplemented",
        ),
    ];
    for (rpc, query, key, status, code) in refusals {
        let response = get(rpc, query.to_owned(), key).await.unwrap();
        assert_eq!(response.status(), status, "{rpc}?{query}");
        if status == 405 {
            assert_eq!(response.headers()["allow"], "POST", "{rpc}");
        }
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], code, "{rpc}?{query}: {body}");
    }
    // The write asked by GET changed nothing and left no audit event.
    assert_error(
        call(
            &hub,
            ADMIN_KEY,
            "GroupService/GetGroup",
            json!({"id": "via-get"}),
        )
        .await,
        (404, "not_found", "via-get"),
    );
    let audit = ok(
        &hub,
        ADMIN_KEY,
        "AccessService/ListAuditEvents",
        json!({"pageSize": 1000}),
    )
    .await;
    let creations = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "GroupService/CreateGroup")
        .count();
    assert_eq!(creations, 0, "{audit}");
    hub.stop().await.unwrap();
}
