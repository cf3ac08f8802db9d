//! The panel's serving (redirects, content types, cache and security headers, 404s) and gRPC-web on
//! the control-plane port, exercised over real HTTP/1.1 as a browser would.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failure here is a failed test"
)]

use crate::support;

use hub::edges::grpc::pb;
use prost::Message;
use reqwest::header::{HeaderMap, LOCATION};
use support::{ADMIN_KEY, TestHub, admin, control_channel};

const CSP: &str = "content-security-policy";

fn client() -> reqwest::Client {
    // Redirects are what is under test, so they are not followed.
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map(|value| value.to_str().unwrap())
        .unwrap_or_default()
}

/// The assets `index.html` loads, as absolute paths.
fn referenced_assets(index: &str) -> Vec<String> {
    index
        .split(['"', '\''])
        .filter(|part| part.starts_with("/panel/assets/"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn root_and_bare_panel_path_redirect_to_the_panel() {
    let hub = TestHub::start().await;
    for path in ["/", "/panel"] {
        let response = client().get(hub.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 307, "{path}");
        assert_eq!(header(response.headers(), LOCATION.as_str()), "/panel/");
    }
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn index_and_assets_have_types_cache_rules_and_a_strict_policy() {
    let hub = TestHub::start().await;
    let response = client().get(hub.url("/panel/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(header(&headers, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&headers, "cache-control"), "no-cache");
    let policy = header(&headers, CSP);
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    let index = response.text().await.unwrap();
    // No inline script: every <script> names its source (the policy would block the rest).
    assert_eq!(
        index.matches("<script").count(),
        index
            .matches("<script type=\"module\" crossorigin src=")
            .count(),
        "{index}"
    );

    let assets = referenced_assets(&index);
    assert!(
        assets.iter().any(|asset| asset.ends_with(".js")),
        "{assets:?}"
    );
    assert!(
        assets.iter().any(|asset| asset.ends_with(".css")),
        "{assets:?}"
    );
    for asset in &assets {
        let response = client().get(hub.url(asset)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{asset}");
        let expected_type = if asset.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else {
            "text/css; charset=utf-8"
        };
        assert_eq!(header(response.headers(), "content-type"), expected_type);
        assert_eq!(
            header(response.headers(), "cache-control"),
            "public, max-age=31536000, immutable",
            "{asset}"
        );
        assert!(!header(response.headers(), CSP).is_empty(), "{asset}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{asset}");
    }

    // HEAD answers like GET, without a body.
    let head = client().head(hub.url("/panel/")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        header(head.headers(), "content-type"),
        "text/html; charset=utf-8"
    );
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn unknown_panel_files_are_404_not_the_index() {
    let hub = TestHub::start().await;
    for path in [
        "/panel/nope.js",
        "/panel/assets/index-00000000.js",
        "/panel/groups",
        "/panel/assets/",
    ] {
        let response = client().get(hub.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert!(!header(response.headers(), CSP).is_empty(), "{path}");
    }
    hub.stop().await.unwrap();
}

/// One unary gRPC-web call framed by hand: `0x00`, big-endian length, the message; the answer
/// is data frames and a trailer frame (`0x80`), or a trailers-only answer in the headers.
struct GrpcWebAnswer {
    http_status: u16,
    headers: HeaderMap,
    messages: Vec<Vec<u8>>,
    trailers: String,
}

impl GrpcWebAnswer {
    /// `grpc-status`, from the headers (trailers-only answer) or the trailer frame.
    fn grpc_status(&self) -> String {
        let in_headers = header(&self.headers, "grpc-status");
        if !in_headers.is_empty() {
            return in_headers.to_owned();
        }
        self.trailers
            .lines()
            .find_map(|line| line.trim().strip_prefix("grpc-status:"))
            .map(|status| status.trim().to_owned())
            .unwrap_or_default()
    }
}

async fn grpc_web(
    hub: &TestHub,
    method: &str,
    message: &impl Message,
    key: Option<&str>,
) -> GrpcWebAnswer {
    let payload = message.encode_to_vec();
    let mut body = vec![0u8];
    body.extend_from_slice(&u32::try_from(payload.len()).unwrap().to_be_bytes());
    body.extend_from_slice(&payload);
    let mut request = client()
        .post(hub.url(&format!("/aiproxy.admin.v1.{method}")))
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .body(body);
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    let response = request.send().await.unwrap();
    let http_status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let mut messages = Vec::new();
    let mut trailers = String::new();
    let mut rest = &bytes[..];
    while rest.len() >= 5 {
        let flag = rest[0];
        let length = u32::from_be_bytes(rest[1..5].try_into().unwrap()) as usize;
        let frame = &rest[5..5 + length];
        if flag & 0x80 != 0 {
            trailers.push_str(&String::from_utf8_lossy(frame));
        } else {
            messages.push(frame.to_vec());
        }
        rest = &rest[5 + length..];
    }
    assert!(rest.is_empty(), "a partial gRPC-web frame: {bytes:?}");
    GrpcWebAnswer {
        http_status,
        headers,
        messages,
        trailers,
    }
}

#[tokio::test]
async fn grpc_web_reaches_the_control_plane_behind_the_admin_key() {
    let hub = TestHub::start().await;
    // Written through native gRPC, read back through gRPC-web: the same services.
    pb::group_service_client::GroupServiceClient::new(control_channel(&hub).await)
        .create_group(admin(pb::CreateGroupRequest {
            group: Some(pb::Group {
                id: "web-acme".into(),
                ..Default::default()
            }),
        }))
        .await
        .unwrap();

    let listed = grpc_web(
        &hub,
        "GroupService/ListGroups",
        &pb::ListGroupsRequest::default(),
        Some(ADMIN_KEY),
    )
    .await;
    assert_eq!(listed.http_status, 200);
    assert!(
        header(&listed.headers, "content-type").starts_with("application/grpc-web"),
        "{:?}",
        listed.headers
    );
    assert_eq!(listed.grpc_status(), "0", "{}", listed.trailers);
    assert_eq!(listed.messages.len(), 1);
    let groups = pb::ListGroupsResponse::decode(&listed.messages[0][..]).unwrap();
    assert_eq!(
        groups
            .groups
            .iter()
            .map(|group| group.id.as_str())
            .collect::<Vec<_>>(),
        ["web-acme"]
    );

    // A write through gRPC-web is a write like any other.
    let created = grpc_web(
        &hub,
        "GroupService/CreateGroup",
        &pb::CreateGroupRequest {
            group: Some(pb::Group {
                id: "web-beta".into(),
                ..Default::default()
            }),
        },
        Some(ADMIN_KEY),
    )
    .await;
    assert_eq!(created.grpc_status(), "0", "{}", created.trailers);
    let fetched = pb::group_service_client::GroupServiceClient::new(control_channel(&hub).await)
        .get_group(admin(pb::GetGroupRequest {
            id: "web-beta".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched.id, "web-beta");

    // Without the key, or with a wrong one: unauthenticated (16), and no data.
    for key in [None, Some("not-the-admin-key")] {
        let refused = grpc_web(
            &hub,
            "GroupService/ListGroups",
            &pb::ListGroupsRequest::default(),
            key,
        )
        .await;
        assert_eq!(refused.grpc_status(), "16", "{key:?}");
        assert!(refused.messages.is_empty(), "{key:?}");
    }
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn grpc_web_grants_no_cross_origin_access() {
    let hub = TestHub::start().await;
    // A browser's preflight for a cross-origin gRPC-web call: nothing may allow it.
    let preflight = client()
        .request(
            reqwest::Method::OPTIONS,
            hub.url("/aiproxy.admin.v1.GroupService/ListGroups"),
        )
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type,x-grpc-web",
        )
        .send()
        .await
        .unwrap();
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "{:?}",
        preflight.headers()
    );
    let call = grpc_web(
        &hub,
        "GroupService/ListGroups",
        &pb::ListGroupsRequest::default(),
        Some(ADMIN_KEY),
    )
    .await;
    assert!(call.headers.get("access-control-allow-origin").is_none());
    hub.stop().await.unwrap();
}
