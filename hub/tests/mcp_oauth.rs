//! OAuth 2.1 for MCP clients: the gateway as a protected resource (RFC 9728 metadata, the
//! challenge on 401) accepting JWT access tokens from a mock authorization server whose keys the
//! test generates: a good token is admitted as its mapped group, wrong audience, expiry, unknown
//! issuer, bad signature and missing scope are refused with the right challenge, scopes narrow
//! servers and tools, API keys keep working, unknown key ids refresh the JWKS, bounded, and a
//! server's host-based route (`<id>.<PUBLIC_MCP_HOST>`) is a resource of its own.

use serde_json::{Value, json};

use crate::support::mock_oauth::{MockAuthorizationServer, SigningKey};
use crate::support::{TestHub, mcp_calls};

const PUBLIC_URL: &str = "https://gateway.example";
const ACME_KEY: &str = "sk-acme-oauth-0000000001";

/// A hub trusting `issuers` (the `MCP_OAUTH_ISSUERS` JSON), with group `acme` (mapped from the
/// claim value `eng`), its server `tools` (the everything template) and the public `clock`.
async fn hub_trusting(issuers: Value) -> TestHub {
    hub_trusting_on(issuers, None).await
}

/// [`hub_trusting`], with the host-based routes on `public_mcp_host` when given.
async fn hub_trusting_on(issuers: Value, public_mcp_host: Option<&str>) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    settings.public_mcp_host = public_mcp_host.map(str::to_owned);
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(
        &config_path,
        format!(
            r#"
groups:
  - id: acme
  - id: idle
    status: disabled
tokens:
  - {{group: acme, name: a, key: {ACME_KEY}}}
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
  - id: tools
    scope: group
    group: acme
    type: embedded
    template: everything
"#
        ),
    )
    .unwrap();
    settings.config_file_path = Some(config_path);
    settings.mcp_oauth_public_url = Some(format!("{PUBLIC_URL}/"));
    settings.mcp_oauth_issuers = Some(issuers.to_string());
    TestHub::start_with(settings, data_dir).await
}

fn issuer_entry(server: &MockAuthorizationServer) -> Value {
    json!({"issuer": server.issuer, "groups": {"eng": "acme", "ops": "idle"}})
}

/// Claims of a token good for `resource` with `scope`, valid from a minute ago for an hour.
fn claims(server: &MockAuthorizationServer, resource: &str, scope: &str) -> Value {
    let now = jsonwebtoken::get_current_timestamp();
    json!({
        "iss": server.issuer,
        "sub": "alice",
        "aud": resource,
        "group": "eng",
        "scope": scope,
        "iat": now - 60,
        "nbf": now - 60,
        "exp": now + 3600,
    })
}

fn resource(path: &str) -> String {
    format!("{PUBLIC_URL}{path}")
}

async fn list_tools(hub: &TestHub, path: &str, token: &str) -> (u16, Value) {
    mcp_calls::stateless(hub, path, token, "tools/list", None, json!({})).await
}

fn tool_names(reply: &Value) -> Vec<String> {
    let mut names: Vec<String> = reply["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools: {reply}"))
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// The status and `WWW-Authenticate` of a `tools/list` on `path` with `token` (none: no header).
async fn challenge(hub: &TestHub, path: &str, token: Option<&str>) -> (u16, String) {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}});
    let mut request = reqwest::Client::new()
        .post(hub.url(path))
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25")
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let header = response
        .headers()
        .get("www-authenticate")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), header)
}

/// A stateless (2026-07-28) `tools/list` on `path` sent to `host` (none: the hub's own
/// address) with `token`: its status, `WWW-Authenticate` and body.
async fn tools_list_on(
    hub: &TestHub,
    host: Option<&str>,
    path: &str,
    token: Option<&str>,
) -> (u16, String, Value) {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "hub-test", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}}}});
    let mut request = reqwest::Client::new()
        .post(hub.url(path))
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/list")
        .json(&body);
    if let Some(host) = host {
        request = request.header("host", host);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let header = response
        .headers()
        .get("www-authenticate")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let status = response.status().as_u16();
    (status, header, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_documents_describe_each_endpoint_as_a_protected_resource() {
    let key = SigningKey::generate("k1");
    let server = MockAuthorizationServer::start(&[&key]).await;
    let hub = hub_trusting(json!([issuer_entry(&server)])).await;
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(hub.url(path)).send();

    let endpoint = get("/.well-known/oauth-protected-resource/mcp/public/clock")
        .await
        .unwrap();
    assert_eq!(endpoint.status(), 200);
    let endpoint: Value = endpoint.json().await.unwrap();
    assert_eq!(endpoint["resource"], resource("/mcp/public/clock"));
    assert_eq!(endpoint["authorization_servers"], json!([server.issuer]));
    assert_eq!(endpoint["scopes_supported"], json!(["mcp", "mcp:clock"]));
    assert_eq!(endpoint["bearer_methods_supported"], json!(["header"]));

    let aggregated: Value = get("/.well-known/oauth-protected-resource/mcp")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(aggregated["resource"], resource("/mcp"));
    assert_eq!(aggregated["scopes_supported"], json!(["mcp"]));

    let root: Value = get("/.well-known/oauth-protected-resource")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(root["resource"], PUBLIC_URL);
    assert_eq!(root["authorization_servers"], json!([server.issuer]));

    let unknown = get("/.well-known/oauth-protected-resource/v1/models")
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    // A client that knows nothing yet learns where to look from the 401.
    let (status, header) = challenge(&hub, "/mcp/public/clock", None).await;
    assert_eq!(status, 401);
    assert!(
        header.contains(
            "resource_metadata=\"https://gateway.example/.well-known/oauth-protected-resource/mcp/public/clock\""
        ),
        "{header}"
    );
    assert!(header.contains("scope=\"mcp:clock\""), "{header}");
    let (status, header) = challenge(&hub, "/mcp", Some("sk-no-such-key")).await;
    assert_eq!(status, 401);
    assert!(
        header.contains("oauth-protected-resource/mcp\"") && header.contains("scope=\"mcp\""),
        "{header}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_servers_host_based_route_is_a_protected_resource_of_its_own() {
    let key = SigningKey::generate("k1");
    let server = MockAuthorizationServer::start(&[&key]).await;
    let hub = hub_trusting_on(json!([issuer_entry(&server)]), Some("mcp.example.test")).await;
    let host = "clock.mcp.example.test";
    let host_resource = "https://clock.mcp.example.test/mcp";
    let metadata_url = "https://clock.mcp.example.test/.well-known/oauth-protected-resource/mcp";
    let client = reqwest::Client::new();
    let metadata = |path: &str, host: &str| client.get(hub.url(path)).header("host", host).send();

    // The metadata at that host's well-known path describes that host's `/mcp`.
    let document: Value = metadata("/.well-known/oauth-protected-resource/mcp", host)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(document["resource"], host_resource);
    assert_eq!(document["scopes_supported"], json!(["mcp", "mcp:clock"]));
    assert_eq!(document["authorization_servers"], json!([server.issuer]));
    let root: Value = metadata("/.well-known/oauth-protected-resource", host)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(root["resource"], "https://clock.mcp.example.test");
    // The gateway's own host still describes the gateway's route.
    let gateway: Value = metadata(
        "/.well-known/oauth-protected-resource/mcp",
        "gateway.example",
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(gateway["resource"], resource("/mcp"));

    // The 401s of `/mcp` and `/sse` on that host name it.
    let (status, header, _) = tools_list_on(&hub, Some(host), "/mcp", None).await;
    assert_eq!(status, 401);
    assert!(
        header.contains(&format!("resource_metadata=\"{metadata_url}\"")),
        "{header}"
    );
    assert!(header.contains("scope=\"mcp:clock\""), "{header}");
    let sse = client
        .get(hub.url("/sse"))
        .header("host", host)
        .bearer_auth("sk-no-such-key")
        .send()
        .await
        .unwrap();
    assert_eq!(sse.status(), 401);
    let header = sse.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(header.contains(metadata_url), "{header}");

    // A token for that host's resource (or the host as a whole) is admitted there.
    for audience in [host_resource, "https://clock.mcp.example.test"] {
        let token = key.sign(&claims(&server, audience, "mcp:clock"));
        let (status, _, reply) = tools_list_on(&hub, Some(host), "/mcp", Some(&token)).await;
        assert_eq!(status, 200, "{audience}: {reply}");
        assert_eq!(tool_names(&reply), ["convert_time", "get_current_time"]);
    }
    // The path route's audience is another resource's; the host route's is not the path route's.
    let token = key.sign(&claims(&server, &resource("/mcp/public/clock"), "mcp"));
    let (status, header, _) = tools_list_on(&hub, Some(host), "/mcp", Some(&token)).await;
    assert_eq!(status, 401);
    assert!(header.contains("error=\"invalid_token\""), "{header}");
    let token = key.sign(&claims(&server, host_resource, "mcp"));
    let (status, _, _) = tools_list_on(&hub, None, "/mcp/public/clock", Some(&token)).await;
    assert_eq!(status, 401);
    // Scopes map as on the path routes: a token for another server gets nothing here.
    let token = key.sign(&claims(&server, host_resource, "mcp:tools"));
    let (status, _, _) = tools_list_on(&hub, Some(host), "/mcp", Some(&token)).await;
    assert_eq!(status, 404);
    let token = key.sign(&claims(&server, host_resource, "openid"));
    let (status, header, _) = tools_list_on(&hub, Some(host), "/mcp", Some(&token)).await;
    assert_eq!(status, 403);
    assert!(
        header.contains("error=\"insufficient_scope\"") && header.contains("scope=\"mcp:clock\""),
        "{header}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_token_is_admitted_as_its_group_and_api_keys_keep_working() {
    let key = SigningKey::generate("k1");
    let server = MockAuthorizationServer::start(&[&key]).await;
    let hub = hub_trusting(json!([issuer_entry(&server)])).await;

    // `eng` maps to acme: its group server is there, as for acme's API key.
    let token = key.sign(&claims(&server, &resource("/mcp/group/tools"), "mcp"));
    let (status, reply) = list_tools(&hub, "/mcp/group/tools", &token).await;
    assert_eq!(status, 200, "{reply}");
    assert!(tool_names(&reply).contains(&"echo".to_owned()));
    let answer = mcp_calls::call_tool(
        &hub,
        "/mcp/group/tools",
        &token,
        "echo",
        json!({"message": "hi"}),
    )
    .await;
    assert_eq!(answer["result"]["isError"], json!(false), "{answer}");

    // A token for the aggregated endpoint covers every server behind it.
    let token = key.sign(&claims(&server, &resource("/mcp"), "openid mcp"));
    let (status, reply) = list_tools(&hub, "/mcp", &token).await;
    assert_eq!(status, 200, "{reply}");
    let names = tool_names(&reply);
    assert!(names.contains(&"tools__echo".to_owned()), "{names:?}");
    assert!(
        names.iter().any(|name| name.starts_with("clock__")),
        "{names:?}"
    );

    let (status, reply) = list_tools(&hub, "/mcp", ACME_KEY).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(tool_names(&reply), names);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_are_refused_with_the_challenge() {
    let key = SigningKey::generate("k1");
    let server = MockAuthorizationServer::start(&[&key]).await;
    let hub = hub_trusting(json!([issuer_entry(&server)])).await;
    let path = "/mcp/public/clock";
    let good = claims(&server, &resource(path), "mcp");
    let with = |field: &str, value: Value| {
        let mut claims = good.clone();
        claims[field] = value;
        claims
    };
    let now = jsonwebtoken::get_current_timestamp();
    // Same key id, another key: the signature does not verify.
    let impostor = SigningKey::generate("k1");
    let invalid_token = [
        (
            "wrong audience",
            key.sign(&with("aud", json!("https://elsewhere.example/mcp"))),
        ),
        (
            "another endpoint's audience",
            key.sign(&with("aud", json!(resource("/mcp/group/tools")))),
        ),
        ("expired", key.sign(&with("exp", json!(now - 3600)))),
        ("not yet valid", key.sign(&with("nbf", json!(now + 3600)))),
        (
            "unknown issuer",
            key.sign(&with("iss", json!("https://idp.invalid"))),
        ),
        ("bad signature", impostor.sign(&good)),
        ("unmapped group", key.sign(&with("group", json!("sales")))),
        ("no group", key.sign(&with("group", Value::Null))),
    ];
    for (case, token) in invalid_token {
        let (status, header) = challenge(&hub, path, Some(&token)).await;
        assert_eq!(status, 401, "{case}");
        assert!(
            header.contains("error=\"invalid_token\""),
            "{case}: {header}"
        );
        assert!(
            header.contains("resource_metadata=\"https://gateway.example/.well-known/oauth-protected-resource/mcp/public/clock\""),
            "{case}: {header}"
        );
    }
    let (status, header) =
        challenge(&hub, path, Some(&key.sign(&with("scope", json!("openid"))))).await;
    assert_eq!(status, 403);
    assert!(header.contains("error=\"insufficient_scope\""), "{header}");
    assert!(header.contains("scope=\"mcp:clock\""), "{header}");
    // A disabled group is refused like a disabled group's key.
    let (status, _) = challenge(&hub, path, Some(&key.sign(&with("group", json!("ops"))))).await;
    assert_eq!(status, 403);
    // And the good one passes, so the refusals above are the claims' doing.
    let (status, reply) = list_tools(&hub, path, &key.sign(&good)).await;
    assert_eq!(status, 200, "{reply}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scopes_narrow_servers_and_tools() {
    let key = SigningKey::generate("k1");
    let server = MockAuthorizationServer::start(&[&key]).await;
    let hub = hub_trusting(json!([issuer_entry(&server)])).await;
    let token = key.sign(&claims(
        &server,
        &resource("/mcp"),
        "mcp:tools:echo mcp:tools:add",
    ));
    let (status, reply) = list_tools(&hub, "/mcp", &token).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(tool_names(&reply), ["tools__add", "tools__echo"]);
    let refused = mcp_calls::call_tool(
        &hub,
        "/mcp",
        &token,
        "tools__test_error_handling",
        json!({}),
    )
    .await;
    assert_eq!(refused["error"]["code"], json!(-32602), "{refused}");
    let allowed =
        mcp_calls::call_tool(&hub, "/mcp", &token, "tools__add", json!({"a": 1, "b": 2})).await;
    assert_eq!(allowed["result"]["isError"], json!(false), "{allowed}");

    // A server outside the scopes is answered like one that does not exist.
    let token = key.sign(&claims(
        &server,
        &resource("/mcp/public/clock"),
        "mcp:tools",
    ));
    let (status, _) = list_tools(&hub, "/mcp/public/clock", &token).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_key_id_refreshes_the_keys_at_most_once_per_pause() {
    let first = SigningKey::generate("k1");
    let rotated = SigningKey::generate("k2");
    let eager = MockAuthorizationServer::start(&[&first]).await;
    let patient = MockAuthorizationServer::start(&[&first]).await;
    let hub = hub_trusting(json!([
        {"issuer": eager.issuer, "groups": {"eng": "acme"}, "jwks_min_refresh_seconds": 0},
        {"issuer": patient.issuer, "groups": {"eng": "acme"}, "jwks_url": format!("{}/jwks", patient.issuer)},
    ]))
    .await;
    let path = "/mcp/public/clock";

    // A rotation at the issuer is picked up on the first token signed with the new key.
    let (status, _) = list_tools(
        &hub,
        path,
        &first.sign(&claims(&eager, &resource(path), "mcp")),
    )
    .await;
    assert_eq!(status, 200);
    eager.publish(&[&first, &rotated]);
    let (status, reply) = list_tools(
        &hub,
        path,
        &rotated.sign(&claims(&eager, &resource(path), "mcp")),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(eager.jwks_fetches(), 2);

    // With the default pause, forged key ids cost the issuer no more than the first fetch.
    let (status, _) = list_tools(
        &hub,
        path,
        &first.sign(&claims(&patient, &resource(path), "mcp")),
    )
    .await;
    assert_eq!(status, 200);
    patient.publish(&[&first, &rotated]);
    for _ in 0..5 {
        let (status, header) = challenge(
            &hub,
            path,
            Some(&rotated.sign(&claims(&patient, &resource(path), "mcp"))),
        )
        .await;
        assert_eq!(status, 401);
        assert!(header.contains("invalid_token"), "{header}");
    }
    assert_eq!(patient.jwks_fetches(), 1);
}
