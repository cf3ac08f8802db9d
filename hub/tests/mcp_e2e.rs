//! The MCP service wired into the whole server: servers from the config file, the official mcp Python
//! client over Streamable HTTP and legacy SSE, aggregation and group isolation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use support::TestHub;

const TOKEN: &str = "sk-acme-mcp-0001";
const OTHER_TOKEN: &str = "sk-other-mcp-0001";

const PETS_SPEC: &str = r#"
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {type: object}}
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: one pet
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}, name: {type: string}}}
"#;

/// A small pets API that insists on the API key the gateway's configuration holds.
async fn start_pets_api() -> std::net::SocketAddr {
    use axum::extract::{Path, Query};
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::get;
    fn authorized(headers: &HeaderMap) -> bool {
        headers
            .get("x-api-key")
            .and_then(|value| value.to_str().ok())
            == Some("pets-secret")
    }
    let app = axum::Router::new()
        .route(
            "/api/pets",
            get(
                |headers: HeaderMap,
                 Query(query): Query<std::collections::HashMap<String, String>>| async move {
                    if !authorized(&headers) {
                        return Err(StatusCode::UNAUTHORIZED);
                    }
                    let limit: usize = query
                        .get("limit")
                        .and_then(|limit| limit.parse().ok())
                        .unwrap_or(10);
                    let pets: Vec<_> = ["Rex", "Tom", "Kit"]
                        .iter()
                        .take(limit)
                        .map(|name| serde_json::json!({"name": name}))
                        .collect();
                    Ok(axum::Json(serde_json::Value::Array(pets)))
                },
            ),
        )
        .route(
            "/api/pets/{pet_id}",
            get(
                |headers: HeaderMap, Path(pet_id): Path<String>| async move {
                    if !authorized(&headers) {
                        return Err(StatusCode::UNAUTHORIZED);
                    }
                    Ok(axum::Json(serde_json::json!({"id": pet_id, "name": "Rex"})))
                },
            ),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

async fn hub_with_mcp_servers() -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    let pets_api = start_pets_api().await;
    std::fs::write(data_dir.path().join("pets.yaml"), PETS_SPEC).unwrap();
    let config = format!(
        r#"
groups:
  - id: acme
  - id: other
tokens:
  - group: acme
    name: mcp
    key: {TOKEN}
  - group: other
    name: mcp
    key: {OTHER_TOKEN}
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
  - id: acme-clock
    scope: group
    group: acme
    type: embedded
    template: time
  - id: pets
    scope: public
    type: openapi
    openapi:
      spec_file: pets.yaml
      base_url: "http://{pets_api}/api"
      allow_private_network: true
      credentials: {{"X-Api-Key": pets-secret}}
"#
    );
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, config).unwrap();
    settings.config_file_path = Some(config_path);
    TestHub::start_with(settings, data_dir).await
}

#[tokio::test]
async fn mcp_requests_without_a_token_are_refused() {
    let hub = hub_with_mcp_servers().await;
    let response = reqwest::Client::new()
        .post(hub.url("/mcp/public/clock"))
        .header("accept", "application/json, text/event-stream")
        .json(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_mcp_client_works_through_the_gateway() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let hub = hub_with_mcp_servers().await;
    let base_url = hub.url("");
    support::run_pytest(
        "hub/tests/python/test_mcp_sdk.py",
        &[
            ("AIPROXY_BASE_URL", &base_url),
            ("AIPROXY_TOKEN", TOKEN),
            ("AIPROXY_OTHER_TOKEN", OTHER_TOKEN),
            ("AIPROXY_ADMIN_KEY", support::ADMIN_KEY),
        ],
    )
    .await;
    hub.stop().await.unwrap();
}
