//! Upstream OAuth held per group, through the whole gateway: discovery, registration, PKCE authorization, callback and refresh.
//!
//! Also refreshes refused or failing for now (the pause shared by replicas), the 401 retry,
//! revocation at the authorization server, inspection as a group, and both transports.
//!
//! The mock upstream and authorization server are `support/mock_upstream_oauth.rs`.

use axum::http::StatusCode;
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use serde_json::json;

use crate::support::mcp_calls::call_tool;
use crate::support::mock_upstream_oauth::{
    ACME, ADMIN_CLIENT, ADMIN_CLIENT_SECRET, Mock, OTHER, Revocation, assert_acme_forgotten,
    assert_needs_authorization, authorization, authorize, authorize_in_browser, callback, hub_for,
    hub_on, revoke, text_of, upstream_auth_message,
};
use crate::support::{self, TestDatabase, admin, control_channel};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_authorized_by_an_admin_calls_with_its_own_refreshed_token() {
    let mock = Mock::start().await;
    let hub = hub_for(&mock).await;
    let mut client = McpServiceClient::new(control_channel(&hub).await);

    // Nobody authorized yet: a clear error, not the upstream's 401 and not a hang.
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_needs_authorization(&reply);
    assert_eq!(
        authorization(&mut client, "secured", "acme").await.state,
        pb::McpUpstreamAuthorizationState::NotAuthorized as i32
    );

    // The first token expires within the refresh margin: the first call refreshes it.
    mock.with(|state| state.expires_in = 30);
    let callback_path = authorize_in_browser(&mut client, "secured", "acme").await;
    let (status, page) = callback(&hub, &callback_path).await;
    mock.with(|state| state.expires_in = 3600);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Authorized"), "{page}");
    assert!(!page.contains("upstream-access"), "{page}");

    // The state is single use, and a forged one stores nothing.
    let (status, page) = callback(&hub, &callback_path).await;
    assert_eq!(status, 400, "{page}");
    let forged = callback_path.replace("state=", "state=x");
    assert_eq!(callback(&hub, &forged).await.0, 400);
    assert_eq!(
        callback(&hub, "/mcp/oauth/callback?code=code-9&state=made-up")
            .await
            .0,
        400
    );

    let state = authorization(&mut client, "secured", "acme").await;
    assert_eq!(
        state.state,
        pb::McpUpstreamAuthorizationState::Authorized as i32
    );
    assert_eq!(state.scopes, ["tools"]);
    assert!(state.refreshable);

    // Expiry: refreshed before the call, which carries the new token.
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_eq!(text_of(&reply), "called with upstream-access-2", "{reply}");
    assert_eq!(mock.with(|state| state.refreshes), 1);
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_eq!(text_of(&reply), "called with upstream-access-2", "{reply}");
    assert_eq!(mock.with(|state| state.refreshes), 1, "no needless refresh");

    // Another group is not authorized by acme's tokens.
    let reply = call_tool(&hub, "/mcp/public/secured", OTHER, "whoami", json!({})).await;
    assert_needs_authorization(&reply);

    // The upstream refuses the token (revoked there): one refresh, the call retried.
    mock.with(|state| state.access_tokens.clear());
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_eq!(text_of(&reply), "called with upstream-access-3", "{reply}");
    assert_eq!(mock.with(|state| state.refreshes), 2);

    // No token anywhere it should not be: reads, lists, exports, request logs.
    let server = client
        .get_mcp_server(admin(pb::GetMcpServerRequest {
            id: "configured".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    let oauth = server.upstream_oauth.clone().unwrap();
    assert_eq!(oauth.client_id, "admin-client");
    assert_ne!(oauth.client_secret, "admin-client-secret-0123456789");
    let listed = client
        .list_mcp_servers(admin(pb::ListMcpServersRequest::default()))
        .await
        .unwrap()
        .into_inner();
    let listed_authorizations = client
        .list_mcp_upstream_authorizations(admin(pb::ListMcpUpstreamAuthorizationsRequest {
            server_id: "secured".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed_authorizations.authorizations.len(), 1);
    let mut config = hub::edges::grpc::pb::config_service_client::ConfigServiceClient::new(
        control_channel(&hub).await,
    );
    let exported = config
        .export(admin(pb::ExportRequest::default()))
        .await
        .unwrap()
        .into_inner();
    let logs = support::group_logs(&hub, "acme", 4).await;
    let everything =
        format!("{server:?} {listed:?} {listed_authorizations:?} {exported:?} {logs:?}");
    for secret in [
        "upstream-access",
        "upstream-refresh",
        "admin-client-secret-0123456789",
    ] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }

    // The refresh token stops working too: the admin must authorize again.
    mock.with(|state| {
        state.access_tokens.clear();
        state.refresh_tokens.clear();
    });
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_needs_authorization(&reply);
    let state = authorization(&mut client, "secured", "acme").await;
    assert_eq!(
        state.state,
        pb::McpUpstreamAuthorizationState::RefreshFailed as i32
    );
    assert!(state.refresh_error.contains("invalid_grant"), "{state:?}");

    // Authorized again, then revoked: the tokens are forgotten.
    let callback_path = authorize_in_browser(&mut client, "secured", "acme").await;
    assert_eq!(callback(&hub, &callback_path).await.0, 200);
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_eq!(text_of(&reply), "called with upstream-access-4", "{reply}");
    revoke(&mut client, "secured", "acme").await;
    assert_acme_forgotten(&hub, &mut client).await;
    assert_eq!(
        mock.with(|state| state.seen.clone()),
        [
            "upstream-access-2",
            "upstream-access-2",
            "upstream-access-3",
            "upstream-access-4"
        ]
    );
}

/// `status` is a FailedPrecondition whose message says `needle` (and quotes no token).
fn assert_precondition(status: &tonic::Status, needle: &str) {
    assert_eq!(status.code(), tonic::Code::FailedPrecondition, "{status:?}");
    assert!(status.message().contains(needle), "{status:?}");
    assert!(!status.message().contains("upstream-access"), "{status:?}");
}

async fn test_server(
    client: &mut McpServiceClient<tonic::transport::Channel>,
    server: &str,
    group: &str,
) -> Result<pb::TestMcpServerResponse, tonic::Status> {
    client
        .test_mcp_server(admin(pb::TestMcpServerRequest {
            id: server.into(),
            group_id: group.into(),
        }))
        .await
        .map(tonic::Response::into_inner)
}

async fn list_tools(
    client: &mut McpServiceClient<tonic::transport::Channel>,
    server: &str,
    group: &str,
) -> Result<Vec<String>, tonic::Status> {
    let listed = client
        .list_mcp_server_tools(admin(pb::ListMcpServerToolsRequest {
            id: server.into(),
            group_id: group.into(),
        }))
        .await?
        .into_inner();
    Ok(listed.tools.into_iter().map(|tool| tool.name).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_and_tools_of_a_server_with_upstream_oauth_run_as_the_named_group() {
    let mock = Mock::start().await;
    let hub = hub_for(&mock).await;
    let mut client = McpServiceClient::new(control_channel(&hub).await);

    // No group: refused up front, saying a group is needed (none holds tokens yet).
    for refused in [
        test_server(&mut client, "secured", "").await.unwrap_err(),
        list_tools(&mut client, "secured", "").await.unwrap_err(),
    ] {
        assert_precondition(&refused, "group_id");
        assert_precondition(&refused, "no group holds an authorization");
    }
    let offerings = client
        .list_mcp_server_offerings(admin(pb::ListMcpServerOfferingsRequest {
            id: "secured".into(),
            group_id: String::new(),
        }))
        .await
        .unwrap_err();
    assert_eq!(offerings.code(), tonic::Code::FailedPrecondition);

    authorize(&hub, &mut client, "secured", "acme").await;

    // Still no group: the refusal names the groups that hold an authorization, no token.
    let refused = test_server(&mut client, "secured", "").await.unwrap_err();
    assert_precondition(&refused, "groups holding an authorization: acme");

    // As acme: its token goes upstream.
    let tested = test_server(&mut client, "secured", "acme").await.unwrap();
    assert!(tested.ok, "{tested:?}");
    assert_eq!(tested.tool_count, 1);
    assert_eq!(
        list_tools(&mut client, "secured", "acme").await.unwrap(),
        ["whoami"]
    );
    let offered = client
        .list_mcp_server_offerings(admin(pb::ListMcpServerOfferingsRequest {
            id: "secured".into(),
            group_id: "acme".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(offered.prompts.is_empty(), "{offered:?}");

    // As a group without tokens: the "authorize first" sentence, not the upstream's 401.
    let tested = test_server(&mut client, "secured", "other").await.unwrap();
    assert!(!tested.ok);
    assert!(
        tested.error.contains("needs authorization by an admin") && tested.error.contains("other"),
        "{tested:?}"
    );
    let refused = list_tools(&mut client, "secured", "other")
        .await
        .unwrap_err();
    assert_precondition(&refused, "needs authorization by an admin");
    assert!(!refused.message().contains("401"), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_asks_the_authorization_server_to_revoke_refresh_then_access_token() {
    let mock = Mock::start().await;
    let hub = hub_for(&mock).await;
    let mut client = McpServiceClient::new(control_channel(&hub).await);
    authorize(&hub, &mut client, "secured", "acme").await;
    revoke(&mut client, "secured", "acme").await;
    let revoked = |token: &str, hint: &str| Revocation {
        token: token.into(),
        token_type_hint: hint.into(),
        client_id: "client-1".into(),
        authorization: String::new(),
    };
    assert_eq!(
        mock.with(|state| state.revocations.clone()),
        [
            revoked("upstream-refresh-1", "refresh_token"),
            revoked("upstream-access-1", "access_token"),
        ]
    );
    assert!(mock.with(|state| state.access_tokens.is_empty() && state.refresh_tokens.is_empty()));

    // The authorization server fails: the tokens are forgotten here all the same.
    authorize(&hub, &mut client, "secured", "acme").await;
    mock.with(|state| {
        state.revocations.clear();
        state.revocation_failure = Some(StatusCode::SERVICE_UNAVAILABLE);
    });
    revoke(&mut client, "secured", "acme").await;
    assert_eq!(mock.with(|state| state.revocations.len()), 2);
    assert_acme_forgotten(&hub, &mut client).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_failing_for_now_keeps_the_tokens_and_a_refused_one_does_not() {
    let mock = Mock::start().await;
    let hub = hub_for(&mock).await;
    let mut client = McpServiceClient::new(control_channel(&hub).await);
    let call = || call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({}));
    let state_of = |authorization: pb::McpUpstreamAuthorization| {
        pb::McpUpstreamAuthorizationState::try_from(authorization.state).unwrap()
    };

    // The token expires within the refresh margin, and the authorization server is down.
    mock.with(|state| {
        state.expires_in = 30;
        state.refresh_failure = Some((StatusCode::SERVICE_UNAVAILABLE, None));
    });
    authorize(&hub, &mut client, "secured", "acme").await;
    mock.with(|state| state.expires_in = 3600);
    let reply = call().await;
    assert_eq!(text_of(&reply), "called with upstream-access-1", "{reply}");
    assert_eq!(mock.with(|state| state.refresh_attempts), 1);
    // Not retried on every call: after a pause.
    let reply = call().await;
    assert_eq!(text_of(&reply), "called with upstream-access-1", "{reply}");
    assert_eq!(mock.with(|state| state.refresh_attempts), 1);
    let authorized = authorization(&mut client, "secured", "acme").await;
    assert_eq!(
        state_of(authorized.clone()),
        pb::McpUpstreamAuthorizationState::Authorized,
        "{authorized:?}"
    );

    // Back up: the next use after the pause refreshes.
    mock.with(|state| state.refresh_failure = None);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let reply = call().await;
    assert_eq!(text_of(&reply), "called with upstream-access-2", "{reply}");
    assert_eq!(
        mock.with(|state| (state.refresh_attempts, state.refreshes)),
        (2, 1)
    );

    // Refused upstream (401) while the authorization server answers 429: the call fails for
    // now, saying so; the authorization stays.
    mock.with(|state| {
        state.access_tokens.clear();
        state.refresh_failure = Some((StatusCode::TOO_MANY_REQUESTS, None));
    });
    let message = upstream_auth_message(&call().await);
    assert!(
        message.contains("could not be refreshed for now"),
        "{message}"
    );
    assert_eq!(
        state_of(authorization(&mut client, "secured", "acme").await),
        pb::McpUpstreamAuthorizationState::Authorized
    );
    mock.with(|state| state.refresh_failure = None);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let reply = call().await;
    assert_eq!(text_of(&reply), "called with upstream-access-3", "{reply}");

    // A definitive answer (401 invalid_client): the admin must authorize again, and no
    // further refresh is tried.
    mock.with(|state| {
        state.access_tokens.clear();
        state.refresh_failure = Some((StatusCode::UNAUTHORIZED, Some("invalid_client")));
    });
    let refused_for_good = |reply: serde_json::Value| {
        let message = upstream_auth_message(&reply);
        assert!(
            message.contains("needs authorization by an admin again")
                && message.contains("invalid_client"),
            "{message}"
        );
    };
    refused_for_good(call().await);
    let failed = authorization(&mut client, "secured", "acme").await;
    assert!(
        failed.refresh_error.contains("invalid_client"),
        "{failed:?}"
    );
    assert_eq!(
        state_of(failed),
        pb::McpUpstreamAuthorizationState::RefreshFailed
    );
    let attempts = mock.with(|state| state.refresh_attempts);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    refused_for_good(call().await);
    assert_eq!(mock.with(|state| state.refresh_attempts), attempts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_sse_upstream_gets_the_groups_bearer_on_the_stream_and_the_posts() {
    let mock = Mock::start().await;
    let hub = hub_for(&mock).await;
    let mut client = McpServiceClient::new(control_channel(&hub).await);
    let call = || call_tool(&hub, "/mcp/public/legacy", ACME, "whoami", json!({}));

    assert_needs_authorization(&call().await);
    authorize(&hub, &mut client, "legacy", "acme").await;
    mock.with(|state| state.sse_requests.clear());
    let reply = call().await;
    assert_eq!(text_of(&reply), "called with upstream-access-1", "{reply}");
    let requests = mock.with(|state| state.sse_requests.clone());
    assert!(
        requests.contains(&("GET /sse", "upstream-access-1".into())),
        "{requests:?}"
    );
    assert!(
        requests
            .iter()
            .all(|(_, token)| token == "upstream-access-1"),
        "{requests:?}"
    );
    assert!(
        requests
            .iter()
            .any(|(request, _)| *request == "POST /messages"),
        "{requests:?}"
    );

    // The upstream stops taking the token: a POST's 401 refreshes once and is sent again.
    mock.with(|state| {
        state.access_tokens.clear();
        state.sse_requests.clear();
    });
    let reply = call().await;
    assert_eq!(text_of(&reply), "called with upstream-access-2", "{reply}");
    assert_eq!(mock.with(|state| state.refreshes), 1);
    let requests = mock.with(|state| state.sse_requests.clone());
    assert!(
        requests.contains(&("POST /messages", "upstream-access-1".into()))
            && requests.contains(&("POST /messages", "upstream-access-2".into())),
        "{requests:?}"
    );

    // The stream ends and the token is refused: the new GET /sse gets a 401, refreshes once
    // and opens with the new token.
    mock.with(|state| {
        state.access_tokens.clear();
        state.sse_sessions.clear();
        state.sse_requests.clear();
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let reply = call().await;
    assert_eq!(text_of(&reply), "called with upstream-access-3", "{reply}");
    assert_eq!(mock.with(|state| state.refreshes), 2);
    let requests = mock.with(|state| state.sse_requests.clone());
    assert!(
        requests.contains(&("GET /sse", "upstream-access-3".into())),
        "{requests:?}"
    );
    assert!(
        !requests.iter().any(|(_, token)| token == "-"),
        "a request went without a token: {requests:?}"
    );
    // Other groups are not served with acme's tokens.
    let reply = call_tool(&hub, "/mcp/public/legacy", OTHER, "whoami", json!({})).await;
    assert_needs_authorization(&reply);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confidential_client_revokes_with_http_basic() {
    let mock = Mock::start().await;
    let hub = hub_for(&mock).await;
    let mut client = McpServiceClient::new(control_channel(&hub).await);
    authorize(&hub, &mut client, "configured", "acme").await;
    revoke(&mut client, "configured", "acme").await;

    // RFC 6749 2.3.1: id and secret form-encoded, joined by a colon, Base64 in the header;
    // neither in the form.
    use base64::Engine;
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{ADMIN_CLIENT}:{ADMIN_CLIENT_SECRET}"))
    );
    let revoked = |token: &str, hint: &str| Revocation {
        token: token.into(),
        token_type_hint: hint.into(),
        client_id: String::new(),
        authorization: basic.clone(),
    };
    assert_eq!(
        mock.with(|state| state.revocations.clone()),
        [
            revoked("upstream-refresh-1", "refresh_token"),
            revoked("upstream-access-1", "access_token"),
        ]
    );
    // The endpoint took the credentials: the tokens stopped working there.
    assert!(mock.with(|state| state.access_tokens.is_empty() && state.refresh_tokens.is_empty()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authorization_stored_without_its_revocation_endpoint_discovers_it_to_revoke() {
    let mock = Mock::start().await;
    let database = TestDatabase::create().await;
    let hub = hub_on(&mock, Some(&database.url()), true).await;
    let mut client = McpServiceClient::new(control_channel(&hub).await);
    authorize(&hub, &mut client, "secured", "acme").await;
    // As stored before the endpoint was kept with the tokens (migration 0034).
    {
        use sqlx::Connection;
        let mut connection = sqlx::PgConnection::connect(&database.url()).await.unwrap();
        let cleared = sqlx::query("UPDATE mcp_upstream_tokens SET revocation_endpoint = NULL")
            .execute(&mut connection)
            .await
            .unwrap();
        assert_eq!(cleared.rows_affected(), 1);
    }
    revoke(&mut client, "secured", "acme").await;
    let revoked: Vec<(String, String)> = mock.with(|state| {
        state
            .revocations
            .iter()
            .map(|revocation| (revocation.token.clone(), revocation.token_type_hint.clone()))
            .collect()
    });
    assert_eq!(
        revoked,
        [
            ("upstream-refresh-1".to_owned(), "refresh_token".to_owned()),
            ("upstream-access-1".to_owned(), "access_token".to_owned()),
        ]
    );
    assert_acme_forgotten(&hub, &mut client).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_on_one_database_honour_one_refresh_pause() {
    let mock = Mock::start().await;
    let database = TestDatabase::create().await;
    let first = hub_on(&mock, Some(&database.url()), true).await;
    let second = hub_on(&mock, Some(&database.url()), false).await;
    let mut first_client = McpServiceClient::new(control_channel(&first).await);
    let mut second_client = McpServiceClient::new(control_channel(&second).await);
    let call = |hub| call_tool(hub, "/mcp/public/secured", ACME, "whoami", json!({}));
    let attempts = || mock.with(|state| state.refresh_attempts);

    // The token expires within the refresh margin, and the authorization server is down.
    mock.with(|state| {
        state.expires_in = 30;
        state.refresh_failure = Some((StatusCode::SERVICE_UNAVAILABLE, None));
    });
    authorize(&first, &mut first_client, "secured", "acme").await;
    mock.with(|state| state.expires_in = 3600);
    let reply = call(&first).await;
    assert_eq!(text_of(&reply), "called with upstream-access-1", "{reply}");
    assert_eq!(attempts(), 1);

    // The second replica sees the first's pause and does not refresh during it.
    let paused = authorization(&mut second_client, "secured", "acme").await;
    assert_eq!(paused.refresh_failures, 1, "{paused:?}");
    assert_eq!(paused.refresh_failure_class, "HTTP 503", "{paused:?}");
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    assert!(
        paused.refresh_paused_until_ms > now_ms - 100
            && paused.refresh_paused_until_ms <= now_ms + 1000,
        "{paused:?}"
    );
    let reply = call(&second).await;
    assert_eq!(text_of(&reply), "called with upstream-access-1", "{reply}");
    assert_eq!(
        attempts(),
        1,
        "the second replica refreshed during the pause"
    );

    // After the pause the second tries, fails again: the pause doubles, for the first too.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    call(&second).await;
    assert_eq!(attempts(), 2);
    let doubled = authorization(&mut first_client, "secured", "acme").await;
    assert_eq!(doubled.refresh_failures, 2, "{doubled:?}");
    let reply = call(&first).await;
    assert_eq!(text_of(&reply), "called with upstream-access-1", "{reply}");
    assert_eq!(
        attempts(),
        2,
        "the first replica refreshed during the pause"
    );

    // Back up: after the pause one refresh succeeds and clears it everywhere.
    mock.with(|state| state.refresh_failure = None);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let reply = call(&first).await;
    assert_eq!(text_of(&reply), "called with upstream-access-2", "{reply}");
    let cleared = authorization(&mut second_client, "secured", "acme").await;
    assert_eq!(
        (
            cleared.refresh_failures,
            cleared.refresh_paused_until_ms,
            cleared.refresh_failure_class.as_str()
        ),
        (0, 0, ""),
        "{cleared:?}"
    );
    let reply = call(&second).await;
    assert_eq!(text_of(&reply), "called with upstream-access-2", "{reply}");
    assert_eq!(
        mock.with(|state| (state.refresh_attempts, state.refreshes)),
        (3, 1)
    );
}
