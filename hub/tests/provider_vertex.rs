//! The `vertexai` family end to end on a mock Vertex AI: Gemini and Claude on a service account (one token, refreshed once expired) and on an API key.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::mock_vertex::{
    self, API_KEY, CLIENT_EMAIL, MockVertex, OTHER_PRIVATE_KEY, PRIVATE_KEY, PROJECT, REGION,
};
use crate::support::{TestHub, check_every_face, mock_anthropic, mock_gemini};

const TOKEN: &str = "sk-vertex-acme-0001";
const GEMINI: &str = "gemini-2.5-flash";
const CLAUDE: &str = "claude-sonnet-4@20250514";

/// A hub whose `channels` (name, key, models) all point at `mock`.
async fn hub(mock: &MockVertex, channels: &[(&str, String, &[&str])]) -> TestHub {
    let mut models = BTreeSet::new();
    let channels: Vec<Value> = channels
        .iter()
        .map(|(name, key, served)| {
            models.extend(served.iter().copied());
            json!({"name": name, "type": "vertexai", "base_url": mock.base_url(), "key": key,
                "models": served})
        })
        .collect();
    let models: Vec<Value> = models
        .into_iter()
        .map(|model| json!({"model": model, "type": "chat"}))
        .collect();
    // JSON is YAML, and spares quoting a key that holds a whole service account file.
    let config = json!({"groups": [{"id": "acme"}],
        "tokens": [{"group": "acme", "name": "ci", "key": TOKEN}],
        "channels": channels, "models": models});
    TestHub::start_with_config(&config.to_string()).await
}

async fn chat(hub: &TestHub, model: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": model, "max_tokens": 32,
            "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap()
}

async fn chat_text(hub: &TestHub, model: &str) -> String {
    let response = chat(hub, model).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_face_reaches_gemini_and_claude_models_on_a_service_account() {
    let mock = MockVertex::start().await;
    let hub = hub(
        &mock,
        &[("vertex", mock.service_account_key(), &[GEMINI, CLAUDE])],
    )
    .await;
    check_every_face(&hub, TOKEN, GEMINI, mock_gemini::TEXT).await;
    check_every_face(&hub, TOKEN, CLAUDE, mock_anthropic::TEXT).await;

    let requests = mock.requests();
    assert!(requests.len() >= 16, "{} requests", requests.len());
    assert_eq!(mock.exchanges(), 1, "one token serves every request");
    let scope = format!("/v1/projects/{PROJECT}/locations/{REGION}/publishers");
    let gemini = |request: &&crate::support::recorded::SeenRequest| {
        request
            .target
            .starts_with(&format!("{scope}/google/models/{GEMINI}:"))
    };
    let claude = |request: &&crate::support::recorded::SeenRequest| {
        request
            .target
            .starts_with(&format!("{scope}/anthropic/models/{CLAUDE}:"))
    };
    for request in &requests {
        assert!(gemini(&request) || claude(&request), "{}", request.target);
        assert_eq!(
            request.header("authorization"),
            Some("Bearer ya29.mock-token-1")
        );
        assert!(request.header("x-goog-api-key").is_none());
    }
    let targets: BTreeSet<&str> = requests
        .iter()
        .map(|request| request.target.rsplit_once(':').unwrap().1)
        .collect();
    assert_eq!(
        targets,
        BTreeSet::from([
            "generateContent",
            "rawPredict",
            "streamGenerateContent?alt=sse",
            "streamRawPredict"
        ])
    );
    assert!(requests.iter().filter(|r| gemini(r)).count() >= 8);
    assert!(requests.iter().filter(|r| claude(r)).count() >= 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_face_reaches_an_express_mode_api_key_channel() {
    let mock = MockVertex::start().await;
    let hub = hub(
        &mock,
        &[("express", format!("global|{API_KEY}"), &[GEMINI])],
    )
    .await;
    check_every_face(&hub, TOKEN, GEMINI, mock_gemini::TEXT).await;

    let requests = mock.requests();
    assert!(requests.len() >= 8, "{} requests", requests.len());
    for request in &requests {
        assert!(
            request
                .target
                .starts_with(&format!("/v1/publishers/google/models/{GEMINI}:")),
            "{}",
            request.target
        );
        assert_eq!(request.header("x-goog-api-key"), Some(API_KEY));
        assert!(request.header("authorization").is_none());
    }
    assert_eq!(mock.exchanges(), 0, "an API key needs no token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_shared_by_concurrent_requests_and_refreshed_once_expired() {
    let mock = MockVertex::start().await;
    let hub = hub(
        &mock,
        &[("vertex", mock.service_account_key(), &[GEMINI, CLAUDE])],
    )
    .await;
    // A token that lives one second: the next requests find it expired.
    mock.set_token_lifetime(1);
    assert_eq!(chat_text(&hub, GEMINI).await, mock_gemini::TEXT);
    assert_eq!(mock.exchanges(), 1);
    // Waiting past an expiry, not measuring anything: the mock refuses expired tokens.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    mock.set_token_lifetime(3600);
    // A slow exchange: every concurrent request arrives while the refresh is under way.
    mock.set_exchange_delay(Duration::from_millis(500));
    let concurrent: Vec<_> = (0..8)
        .map(|index| {
            let model = if index % 2 == 0 { GEMINI } else { CLAUDE };
            chat_text(&hub, model)
        })
        .collect();
    let texts = futures::future::join_all(concurrent).await;
    assert_eq!(texts.len(), 8);
    assert_eq!(
        mock.exchanges(),
        2,
        "one refresh for all concurrent requests"
    );
    for _ in 0..4 {
        chat_text(&hub, CLAUDE).await;
    }
    assert_eq!(mock.exchanges(), 2, "the refreshed token is reused");

    let tokens: Vec<String> = mock
        .requests()
        .iter()
        .map(|request| request.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(tokens.len(), 13);
    assert_eq!(tokens[0], "Bearer ya29.mock-token-1");
    assert!(
        tokens[1..]
            .iter()
            .all(|token| token == "Bearer ya29.mock-token-2"),
        "{tokens:?}"
    );
}

/// Checks the error a client gets from a channel whose key cannot be used: a clean gateway
/// error that quotes nothing of the key.
async fn assert_clean_error(hub: &TestHub, model: &str) -> Value {
    let response = chat(hub, model).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_server_error(), "{status}: {text}");
    for secret in [
        "PRIVATE KEY",
        "BEGIN",
        "eyJ",
        "ya29",
        CLIENT_EMAIL,
        "invalid_grant",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_or_malformed_service_account_answers_a_clean_error() {
    let mock = MockVertex::start().await;
    let wrong_key = format!(
        "{REGION}|{}",
        mock.service_account_json(OTHER_PRIVATE_KEY, CLIENT_EMAIL)
    );
    let wrong_account = format!(
        "{REGION}|{}",
        mock.service_account_json(PRIVATE_KEY, "someone@else.iam.gserviceaccount.com")
    );
    let not_a_key = format!(
        "{REGION}|{}",
        mock.service_account_json(
            "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
            CLIENT_EMAIL
        )
    );
    let hub = hub(
        &mock,
        &[
            ("wrong-key", wrong_key, &["gemini-wrong-key"]),
            ("wrong-account", wrong_account, &["claude-wrong-account"]),
            ("not-a-key", not_a_key, &["gemini-not-a-key"]),
            (
                "not-json",
                format!("{REGION}|{{\"private_key\": "),
                &["gemini-not-json"],
            ),
        ],
    )
    .await;

    for (model, code) in [
        ("gemini-wrong-key", "upstream_credentials"),
        ("claude-wrong-account", "upstream_credentials"),
    ] {
        let body = assert_clean_error(&hub, model).await;
        assert_eq!(body["error"]["code"], code, "{model}: {body}");
    }
    assert_eq!(
        mock.refused(),
        2,
        "both assertions reached the token endpoint"
    );
    for model in ["gemini-not-a-key", "gemini-not-json"] {
        let body = assert_clean_error(&hub, model).await;
        assert_eq!(
            body["error"]["code"], "channel_misconfigured",
            "{model}: {body}"
        );
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("invalid vertexai key"), "{message}");
    }
    assert_eq!(mock.exchanges(), 0);
    assert_eq!(mock.refused(), 2, "a key that cannot sign is not sent");
    assert!(
        mock.requests().is_empty(),
        "no model request without a token"
    );
}

/// The mock's token endpoint is no rubber stamp: an assertion signed by another key, or with
/// the wrong audience, is refused; the right one is accepted.
#[tokio::test]
async fn the_mock_token_endpoint_verifies_signature_and_claims() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    let mock = MockVertex::start().await;
    let now = jsonwebtoken::get_current_timestamp();
    let assertion = |pem: &str, aud: &str| {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(mock_vertex::KEY_ID.into());
        let claims = json!({"iss": CLIENT_EMAIL, "aud": aud, "iat": now, "exp": now + 3600,
            "scope": "https://www.googleapis.com/auth/cloud-platform"});
        encode(
            &header,
            &claims,
            &EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    let exchange = |assertion: String| {
        let url = mock.token_url();
        async move {
            reqwest::Client::new()
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={assertion}"
                ))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let token_url = mock.token_url();
    assert_eq!(
        exchange(assertion(OTHER_PRIVATE_KEY, &token_url)).await,
        400
    );
    assert_eq!(
        exchange(assertion(PRIVATE_KEY, "https://elsewhere/token")).await,
        400
    );
    assert_eq!(exchange(assertion(PRIVATE_KEY, &token_url)).await, 200);
    assert_eq!((mock.refused(), mock.exchanges()), (2, 1));
}
