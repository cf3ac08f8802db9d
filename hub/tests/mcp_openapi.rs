//! OpenAPI documents uploaded through the control plane's `McpService`: converted (or refused with
//! a JSON pointer) at upload, `spec_url` fetched under the SSRF guard, the corpus petstore called
//! with the official mcp client against a local mock API, and `aiproxy mcp import-openapi`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use hub::edges::grpc::pb;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use support::{TestHub, admin};
use tonic::Code;

const TOKEN: &str = "sk-acme-openapi-0001";
const API_KEY: &str = "petstore-secret-4711";

fn petstore_spec() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi2mcp/tests/corpus/swagger-petstore-3.0.yaml"
    );
    std::fs::read_to_string(path).unwrap()
}

/// What the mock API saw of one request.
type Seen = Arc<Mutex<Vec<serde_json::Value>>>;

/// A petstore stand-in: every request under `/api/v3` is answered with a JSON echo of what
/// arrived (method, path, raw query, the headers that matter, body), and recorded; the
/// document itself is served at `/openapi.yaml` for `spec_url`.
async fn start_mock_petstore() -> (SocketAddr, Seen) {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, Uri};
    let seen: Seen = Arc::default();
    let recorder = seen.clone();
    let spec = petstore_spec();
    let app = axum::Router::new()
        .route(
            "/openapi.yaml",
            axum::routing::get(move || async move { spec }),
        )
        .fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let recorder = recorder.clone();
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|value| value.to_str().ok())
                            .map(str::to_owned)
                    };
                    // `name` and `photoUrls` make the echo a valid Pet, the output schema
                    // the client checks structured results against.
                    let echo = serde_json::json!({
                        "name": "Rex",
                        "photoUrls": [],
                        "method": method.as_str(),
                        "path": uri.path(),
                        "query": uri.query().unwrap_or(""),
                        "api_key": header("api_key"),
                        "authorization": header("authorization"),
                        "content_type": header("content-type"),
                        "body": String::from_utf8_lossy(&body),
                    });
                    recorder.lock().unwrap().push(echo.clone());
                    axum::Json(echo)
                }
            },
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, seen)
}

async fn hub_with_a_tenant() -> TestHub {
    TestHub::start_with_config(&format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: openapi\n    key: {TOKEN}\n"
    ))
    .await
}

async fn client(hub: &TestHub) -> McpServiceClient<tonic::transport::Channel> {
    McpServiceClient::new(support::control_channel(hub).await)
        .max_encoding_message_size(hub::edges::grpc::MAX_MESSAGE_BYTES)
}

fn openapi_server(id: &str, openapi: pb::OpenApiSource) -> pb::CreateMcpServerRequest {
    pb::CreateMcpServerRequest {
        server: Some(pb::McpServer {
            id: id.to_owned(),
            scope: pb::McpScope::Public as i32,
            r#type: pb::McpServerType::Openapi as i32,
            openapi: Some(openapi),
            ..pb::McpServer::default()
        }),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_corpus_petstore_uploaded_through_the_control_plane_is_called_by_the_mcp_client() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let (api, seen) = start_mock_petstore().await;
    let hub = hub_with_a_tenant().await;
    let mut mcp = client(&hub).await;
    let base_url = format!("http://{api}/api/v3");
    let mut credentials = std::collections::HashMap::new();
    credentials.insert("api_key".to_owned(), API_KEY.to_owned());
    let created = mcp
        .create_mcp_server(admin(openapi_server(
            "petstore",
            pb::OpenApiSource {
                spec: petstore_spec(),
                base_url: base_url.clone(),
                allow_private_network: true,
                credentials,
                ..pb::OpenApiSource::default()
            },
        )))
        .await
        .unwrap()
        .into_inner();
    assert_ne!(
        created.openapi.unwrap().credentials["api_key"],
        API_KEY,
        "masked"
    );
    // The same document without leave to reach loopback: uploaded fine, refused at call time.
    mcp.create_mcp_server(admin(openapi_server(
        "petstore-guarded",
        pb::OpenApiSource {
            spec: petstore_spec(),
            base_url,
            ..pb::OpenApiSource::default()
        },
    )))
    .await
    .unwrap();

    let tools = mcp
        .list_mcp_server_tools(admin(pb::ListMcpServerToolsRequest {
            id: "petstore".into(),
            group_id: String::new(),
        }))
        .await
        .unwrap()
        .into_inner()
        .tools;
    assert_eq!(tools.len(), 19, "one tool per operation");
    let get_pet = tools.iter().find(|tool| tool.name == "getPetById").unwrap();
    let schema: serde_json::Value = serde_json::from_str(&get_pet.input_schema_json).unwrap();
    assert_eq!(schema["required"], serde_json::json!(["petId"]));
    assert!(!format!("{tools:?}").contains(API_KEY));

    let report = support::run_pytest(
        "hub/tests/python/test_mcp_openapi.py",
        &[
            ("AIPROXY_BASE_URL", &hub.url("")),
            ("AIPROXY_TOKEN", TOKEN),
            ("PETSTORE_API_KEY", API_KEY),
        ],
    )
    .await;
    assert!(report.contains("passed"), "{report}");
    let seen = seen.lock().unwrap().clone();
    let get = seen
        .iter()
        .find(|request| request["path"] == "/api/v3/pet/7")
        .expect("getPetById reached the API");
    assert_eq!(get["method"], "GET");
    assert_eq!(get["api_key"], API_KEY, "the api_key scheme's credential");
    // The guarded server never reached the API: every request seen came from `petstore`.
    assert!(
        seen.iter()
            .all(|request| request["path"] != "/api/v3/pet/8")
    );
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_bad_document_is_refused_at_upload_with_the_place_it_fails() {
    let hub = hub_with_a_tenant().await;
    let mut mcp = client(&hub).await;
    for (spec, expected) in [
        (
            "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: [1, 2]\n",
            "invalid document at /paths: not a mapping",
        ),
        ("{ not json: [", "neither JSON nor YAML"),
        ("just: a mapping\n", "not an OpenAPI document"),
    ] {
        let refused = mcp
            .create_mcp_server(admin(openapi_server(
                "broken",
                pb::OpenApiSource {
                    spec: spec.to_owned(),
                    base_url: "http://127.0.0.1:9/api".into(),
                    ..pb::OpenApiSource::default()
                },
            )))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{spec}");
        assert!(
            refused.message().contains("mcp_server.openapi.spec")
                && refused.message().contains(expected),
            "{spec}: {}",
            refused.message()
        );
    }
    let missing = mcp
        .get_mcp_server(admin(pb::GetMcpServerRequest {
            id: "broken".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound, "nothing was stored");

    // A `$ref` to nothing degrades to an unconstrained schema and is reported, not refused.
    let dangling = "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Missing'}\n      responses: {'200': {description: ok}}\n";
    let created = mcp
        .create_mcp_server(admin(openapi_server(
            "dangling",
            pb::OpenApiSource {
                spec: dangling.to_owned(),
                base_url: "http://127.0.0.1:9/api".into(),
                ..pb::OpenApiSource::default()
            },
        )))
        .await
        .unwrap()
        .into_inner();
    assert!(
        created
            .warnings
            .iter()
            .any(|warning| warning.contains("/components/schemas/Missing")),
        "{:?}",
        created.warnings
    );

    // An update with a bad document changes nothing either.
    let refused = mcp
        .update_mcp_server(admin(pb::UpdateMcpServerRequest {
            server: Some(pb::McpServer {
                id: "dangling".into(),
                openapi: Some(pb::OpenApiSource {
                    spec: "openapi: 3.0.3\npaths: 7\n".into(),
                    ..pb::OpenApiSource::default()
                }),
                ..pb::McpServer::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["openapi".into()],
            }),
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    let kept = mcp
        .get_mcp_server(admin(pb::GetMcpServerRequest {
            id: "dangling".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(kept.openapi.unwrap().spec, dangling);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_spec_url_is_fetched_once_under_the_ssrf_guard() {
    let (api, _) = start_mock_petstore().await;
    let hub = hub_with_a_tenant().await;
    let mut mcp = client(&hub).await;
    let spec_url = format!("http://{api}/openapi.yaml");
    let refused = mcp
        .create_mcp_server(admin(openapi_server(
            "by-url-guarded",
            pb::OpenApiSource {
                spec_url: spec_url.clone(),
                ..pb::OpenApiSource::default()
            },
        )))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert!(
        refused.message().contains("mcp_server.openapi.spec_url")
            && refused.message().contains("refused"),
        "{}",
        refused.message()
    );

    let created = mcp
        .create_mcp_server(admin(openapi_server(
            "by-url",
            pb::OpenApiSource {
                spec_url: spec_url.clone(),
                base_url: format!("http://{api}/api/v3"),
                allow_private_network: true,
                ..pb::OpenApiSource::default()
            },
        )))
        .await
        .unwrap()
        .into_inner();
    let openapi = created.openapi.unwrap();
    assert_eq!(openapi.spec_url, spec_url);
    assert_eq!(
        openapi.spec,
        petstore_spec(),
        "the fetched document is held"
    );
    let tested = mcp
        .test_mcp_server(admin(pb::TestMcpServerRequest {
            id: "by-url".into(),
            group_id: String::new(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(tested.ok, "{}", tested.error);
    assert_eq!(tested.tool_count, 19);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn the_cli_imports_a_document_and_replaces_it_on_a_second_import() {
    let hub = hub_with_a_tenant().await;
    let import = |spec: &str| hub::process::cli::OpenApiImport {
        id: "cli-pets".into(),
        group: Some("acme".into()),
        base_url: Some("http://127.0.0.1:9/api/v3".into()),
        allow_private_network: true,
        compact: false,
        spec: spec.to_owned(),
    };
    let report = hub::process::cli::import_openapi(
        &hub.url(""),
        support::ADMIN_KEY,
        import(&petstore_spec()),
    )
    .await
    .unwrap();
    assert!(
        report.starts_with("imported cli-pets: 19 tools"),
        "{report}"
    );
    let smaller = "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /ping:\n    get:\n      operationId: ping\n      responses: {'200': {description: ok}}\n";
    let report =
        hub::process::cli::import_openapi(&hub.url(""), support::ADMIN_KEY, import(smaller))
            .await
            .unwrap();
    assert!(
        report.starts_with("imported cli-pets: 1 tools (ping)"),
        "{report}"
    );
    let refused = hub::process::cli::import_openapi(
        &hub.url(""),
        support::ADMIN_KEY,
        import("openapi: 3.0.3\npaths: 7\n"),
    )
    .await
    .unwrap_err();
    assert!(
        refused.to_string().contains("/paths"),
        "{refused}: the message names where the document fails"
    );
    let mut mcp = client(&hub).await;
    let stored = mcp
        .get_mcp_server(admin(pb::GetMcpServerRequest {
            id: "cli-pets".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.scope, pb::McpScope::Group as i32);
    assert_eq!(stored.group_id, "acme");
    assert_eq!(stored.openapi.unwrap().spec, smaller);
    hub.stop().await.unwrap();
}

/// The config file's OpenAPI servers, applied at startup: `spec_url` fetched once under the
/// SSRF guard, the document converted before anything is written.
mod config_file {
    use hub::edges::declarative::{self, ApplyError};
    use hub::snapshot::changes::ChangeFeed;
    use hub::store::{Store, StoreError};

    use super::*;

    fn config(server: &str) -> String {
        format!(
            "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: openapi\n    key: {TOKEN}\nmcp_servers:\n{server}"
        )
    }

    /// Applies `text` as the config file to a fresh SQLite database (kept while the returned
    /// directory lives).
    async fn apply_config(
        text: &str,
    ) -> (
        Result<declarative::ApplyReport, ApplyError>,
        Store,
        tempfile::TempDir,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(dir.path().join("db.sqlite").to_str().unwrap())
            .await
            .unwrap();
        let path = dir.path().join("aiproxy.yaml");
        std::fs::write(&path, text).unwrap();
        std::fs::write(
            dir.path().join("broken.yaml"),
            "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: [1, 2]\n",
        )
        .unwrap();
        let result = declarative::apply_file(&store, &ChangeFeed::new(), &path, 0).await;
        (result, store, dir)
    }

    fn assert_nothing_applied(store_group: Result<hub::store::Group, StoreError>) {
        assert!(
            matches!(store_group, Err(StoreError::NotFound { .. })),
            "the document's group was not written: {store_group:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_spec_url_in_the_config_file_is_fetched_at_startup() {
        let (api, _) = start_mock_petstore().await;
        let server = format!(
            "  - id: petstore\n    scope: public\n    type: openapi\n    openapi:\n      spec_url: http://{api}/openapi.yaml\n      base_url: http://{api}/api/v3\n      allow_private_network: true\n"
        );
        let hub = TestHub::start_with_config(&config(&server)).await;
        let mut mcp = client(&hub).await;
        let stored = mcp
            .get_mcp_server(admin(pb::GetMcpServerRequest {
                id: "petstore".into(),
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            stored.openapi.unwrap().spec,
            petstore_spec(),
            "the fetched document is held"
        );
        let tools = mcp
            .list_mcp_server_tools(admin(pb::ListMcpServerToolsRequest {
                id: "petstore".into(),
                group_id: String::new(),
            }))
            .await
            .unwrap()
            .into_inner()
            .tools;
        assert_eq!(tools.len(), 19, "one tool per operation");
        assert!(tools.iter().any(|tool| tool.name == "getPetById"));
        hub.stop().await.unwrap();
    }

    #[tokio::test]
    async fn a_bad_document_fails_the_apply_naming_the_server_and_the_pointer() {
        let server = "  - id: broken\n    scope: public\n    type: openapi\n    openapi: {spec_file: broken.yaml, base_url: \"http://127.0.0.1:9/api\"}\n";
        let (result, store, _dir) = apply_config(&config(server)).await;
        let error = result.unwrap_err();
        assert!(matches!(error, ApplyError::OpenApi { .. }), "{error}");
        let message = error.to_string();
        assert!(
            message.contains("mcp_servers[0]")
                && message.contains("broken")
                && message.contains("/paths"),
            "{message}"
        );
        assert_nothing_applied(store.get_group("acme").await);
    }

    #[tokio::test]
    async fn a_private_spec_url_is_refused_without_allow_private_network() {
        let (api, _) = start_mock_petstore().await;
        let server = format!(
            "  - id: guarded\n    scope: public\n    type: openapi\n    openapi: {{spec_url: \"http://{api}/openapi.yaml\", base_url: \"http://{api}/api/v3\"}}\n"
        );
        let (result, store, _dir) = apply_config(&config(&server)).await;
        let message = result.unwrap_err().to_string();
        assert!(
            message.contains("guarded")
                && message.contains("spec_url")
                && message.contains("refused"),
            "{message}"
        );
        assert_nothing_applied(store.get_group("acme").await);
    }
}
