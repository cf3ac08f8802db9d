//! A mock OAuth authorization server for the MCP OAuth tests: RFC 8414 metadata, a JWKS of test-generated ES256 keys, signed tokens.
//!
//! It counts JWKS fetches.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// One signing key: its id, the private half and the JWK the server publishes.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    encoding: EncodingKey,
    pub jwk: Jwk,
}

impl SigningKey {
    /// A fresh P-256 key named `kid`.
    pub fn generate(kid: &str) -> SigningKey {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .unwrap();
        let encoding = EncodingKey::from_ec_der(pkcs8.as_ref());
        let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::ES256).unwrap();
        jwk.common.key_id = Some(kid.to_owned());
        SigningKey {
            kid: kid.to_owned(),
            encoding,
            jwk,
        }
    }

    /// `claims` signed with this key (ES256, this key's `kid` in the header).
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}

/// The running server.
pub struct MockAuthorizationServer {
    pub issuer: String,
    state: Arc<Shared>,
}

struct Shared {
    issuer: String,
    published: Mutex<Vec<Jwk>>,
    jwks_fetches: AtomicUsize,
}

impl MockAuthorizationServer {
    /// Serves metadata at `/.well-known/oauth-authorization-server` and `keys` at `/jwks`.
    pub async fn start(keys: &[&SigningKey]) -> MockAuthorizationServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Shared {
            issuer: issuer.clone(),
            published: Mutex::new(keys.iter().map(|key| key.jwk.clone()).collect()),
            jwks_fetches: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/.well-known/oauth-authorization-server", get(metadata))
            .route("/jwks", get(jwks))
            .with_state(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        MockAuthorizationServer { issuer, state }
    }

    /// Publishes `keys` instead of the current ones (a key rotation).
    pub fn publish(&self, keys: &[&SigningKey]) {
        *self.state.published.lock().unwrap() = keys.iter().map(|key| key.jwk.clone()).collect();
    }

    pub fn jwks_fetches(&self) -> usize {
        self.state.jwks_fetches.load(Ordering::SeqCst)
    }
}

async fn metadata(State(state): State<Arc<Shared>>) -> axum::Json<Value> {
    axum::Json(json!({
        "issuer": state.issuer,
        "jwks_uri": format!("{}/jwks", state.issuer),
        "authorization_endpoint": format!("{}/authorize", state.issuer),
        "token_endpoint": format!("{}/token", state.issuer),
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(state): State<Arc<Shared>>) -> axum::Json<JwkSet> {
    state.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    let keys = state.published.lock().unwrap().clone();
    axum::Json(JwkSet { keys })
}
