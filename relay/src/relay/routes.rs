//! The relay's routes: every endpoint's path, the Gemini `{model}:{method}` paths, the fallbacks.

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};

use super::Relay;
use super::billing_views::BillingView;
use super::native_videos::NativeTaskCall;
use super::stored_responses::StoredAction;
use super::video_derivations::Derivation;
use super::videos::VideoAction;
use crate::error::RelayError;
use crate::provider::Endpoint;
use crate::request_id::assign_request_id;
use crate::vocabulary::Face;

/// Every POST endpoint the relay serves at a fixed path (Gemini's carry the model in the path).
const ENDPOINTS: [Endpoint; 18] = [
    Endpoint::ChatCompletions,
    Endpoint::Completions,
    Endpoint::Embeddings,
    Endpoint::ImagesGenerations,
    Endpoint::ImagesEdits,
    Endpoint::ImagesVariations,
    Endpoint::AudioSpeech,
    Endpoint::AudioTranscriptions,
    Endpoint::AudioTranslations,
    Endpoint::Moderations,
    Endpoint::Rerank,
    Endpoint::Messages,
    Endpoint::MessagesCountTokens,
    Endpoint::Responses,
    Endpoint::Videos,
    Endpoint::VideoGenerationJobs,
    Endpoint::DashScopeVideo,
    Endpoint::ArkVideo,
];

impl Relay {
    /// The OpenAI-compatible routes. Serve with `into_make_service_with_connect_info::<SocketAddr>`
    /// so the relay sees the socket peer.
    pub fn router(&self) -> Router {
        // The `/…/{id}` routes of stored responses and video jobs differ only in the action
        // they ask for.
        let stored = |action: StoredAction| {
            move |State(relay): State<Relay>, Path(id): Path<String>, request: Request| async move {
                relay.inner.stored_response(action, id, request).await
            }
        };
        let video = |action: VideoAction| {
            move |State(relay): State<Relay>, Path(id): Path<String>, request: Request| async move {
                relay.inner.video(action, id, request).await
            }
        };
        let native_task = |call: NativeTaskCall| {
            move |State(relay): State<Relay>, Path(id): Path<String>, request: Request| async move {
                relay.inner.native_task(call, id, request).await
            }
        };
        let billing = |view: BillingView| {
            move |State(relay): State<Relay>, request: Request| async move {
                relay.inner.billing_view(view, request).await
            }
        };
        let mut router = Router::new();
        // Chat front-ends call the legacy billing views with and without `/v1`.
        for prefix in ["/v1", ""] {
            for (path, view) in [
                ("/dashboard/billing/subscription", BillingView::Subscription),
                ("/dashboard/billing/usage", BillingView::Usage),
                ("/dashboard/billing/quota", BillingView::Quota),
            ] {
                router = router.route(&format!("{prefix}{path}"), get(billing(view)));
            }
        }
        for endpoint in ENDPOINTS {
            router = router.route(
                endpoint.route(),
                post(
                    move |State(relay): State<Relay>, request: Request| async move {
                        relay
                            .inner
                            .handle(endpoint, UrlFacts::default(), request)
                            .await
                    },
                ),
            );
        }
        router
            .route(
                "/v1beta/models",
                get(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.models(request).await
                }),
            )
            .route(
                "/v1beta/models/{target}",
                get(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.models(request).await
                })
                .post(
                    |State(relay): State<Relay>, Path(target): Path<String>, request: Request| {
                        gemini_by_path(relay, target, request)
                    },
                ),
            )
            .route(
                "/v1beta/models/{model}/operations/{*id}",
                get(operation),
            )
            .route("/v1beta/operations/{*id}", get(operation))
            .route("/v1/operations/{*id}", get(operation))
            .route(
                "/v1beta/files/{*file}",
                get(
                    |State(relay): State<Relay>, Path(file): Path<String>, request: Request| async move {
                        relay.inner.gemini_file(file, request).await
                    },
                ),
            )
            .route(
                "/v1/responses/{id}",
                get(stored(StoredAction::Get)).delete(stored(StoredAction::Delete)),
            )
            .route(
                "/v1/responses/{id}/cancel",
                post(stored(StoredAction::Cancel)),
            )
            .route(
                "/v1/responses/{id}/input_items",
                get(stored(StoredAction::InputItems)),
            )
            .route(
                Endpoint::ParsePdf.route(),
                post(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.parse_pdf(request).await
                }),
            )
            .route(
                "/v1/engines/{model}/embeddings",
                post(
                    |State(relay): State<Relay>,
                     Path(model): Path<String>,
                     request: Request| async move {
                        let facts = UrlFacts {
                            model: Some(model),
                            stream: false,
                        };
                        relay
                            .inner
                            .handle(Endpoint::Embeddings, facts, request)
                            .await
                    },
                ),
            )
            .route(
                "/v1/videos",
                get(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.list_videos(request).await
                }),
            )
            .route(
                "/v1/videos/{id}",
                get(video(VideoAction::Get)).delete(video(VideoAction::Delete)),
            )
            .route("/v1/videos/{id}/content", get(video(VideoAction::Content)))
            .route("/v1/videos/{id}/remix", post(video(VideoAction::Remix)))
            // Static segments win over `{id}`: these never reach a job's own routes.
            .route(
                "/v1/videos/edits",
                post(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.derive_video(Derivation::Edit, request).await
                }),
            )
            .route(
                "/v1/videos/extensions",
                post(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.derive_video(Derivation::Extension, request).await
                }),
            )
            .route(
                "/v1/video/generations/jobs/{id}",
                get(video(VideoAction::JobGet)),
            )
            .route(
                "/v1/video/generations/{id}/content/video",
                get(video(VideoAction::GenerationContent)),
            )
            // DashScope's and Ark's own task reads (their creations are among ENDPOINTS).
            .route(
                "/api/v1/tasks/{id}",
                get(native_task(NativeTaskCall::DashScopeRead)),
            )
            .route(
                "/api/v3/contents/generations/tasks/{id}",
                get(native_task(NativeTaskCall::ArkRead))
                    .delete(native_task(NativeTaskCall::ArkDelete)),
            )
            .route(
                "/v1/models",
                get(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.models(request).await
                }),
            )
            // OpenAI's model retrieval, and Gemini's face under `/v1`: its operations (read)
            // and its `{model}:{method}` calls (posted).
            .route(
                "/v1/models/{*model}",
                get(
                    |State(relay): State<Relay>, Path(model): Path<String>, request: Request| async move {
                        if model.contains("/operations/") {
                            relay.inner.operation(model, request).await
                        } else {
                            relay.inner.models(request).await
                        }
                    },
                )
                .post(
                    |State(relay): State<Relay>, Path(target): Path<String>, request: Request| async move {
                        if target.contains(':') {
                            gemini_by_path(relay, target, request).await
                        } else {
                            relay.inner.reject(request, RelayError::MethodNotAllowed, Face::OpenAi)
                        }
                    },
                ),
            )
            .fallback(|State(relay): State<Relay>, request: Request| async move {
                let error = unrouted(request.uri().path());
                relay.inner.reject(request, error, Face::OpenAi)
            })
            .method_not_allowed_fallback(
                |State(relay): State<Relay>, request: Request| async move {
                    let face = path_face(request.uri().path());
                    relay.inner.reject(request, RelayError::MethodNotAllowed, face)
                },
            )
            .layer(middleware::from_fn(assign_request_id))
            .with_state(self.clone())
    }
}

/// A Gemini `{model}:{method}` call (under `/v1beta/models/` or `/v1/models/`).
async fn gemini_by_path(relay: Relay, target: String, request: Request) -> Response {
    match gemini_target(&target) {
        Some((endpoint, facts)) => relay.inner.handle(endpoint, facts, request).await,
        None => {
            let error = RelayError::UnknownRoute(request.uri().path().chars().take(200).collect());
            error.response_for(Face::Gemini, None)
        }
    }
}

/// A Gemini operation read, whichever of its paths named it.
async fn operation(State(relay): State<Relay>, request: Request) -> Response {
    let name = request
        .uri()
        .path()
        .split_once("/operations/")
        .map_or_else(String::new, |(_, id)| id.to_owned());
    relay.inner.operation(name, request).await
}

/// Whether `path` is one of Gemini's (under `/v1beta`, or its `/v1` alias), where a key may
/// come as `?key=` as Google's clients send it.
pub(super) fn is_gemini_path(path: &str) -> bool {
    path.starts_with("/v1beta/")
        || path.starts_with("/v1/operations/")
        || path
            .strip_prefix("/v1/models/")
            .is_some_and(|rest| rest.contains(':') || rest.contains("/operations/"))
}

/// The error for a path no route matched: an OpenAI API path under `/v1` the gateway does not
/// relay (files, fine-tuning, assistants, threads, batches, vector stores, uploads, the
/// organization API, ...) is 501 naming it, so a client learns the gateway lacks it rather than
/// that it mistyped a URL; any other path is the plain unknown route (404).
fn unrouted(path: &str) -> RelayError {
    // The path is the client's: it is quoted cut.
    let quoted = path.chars().take(200).collect();
    if path == "/v1" || path.starts_with("/v1/") {
        RelayError::NotImplemented(quoted)
    } else {
        RelayError::UnknownRoute(quoted)
    }
}

/// The face of a routed path whose method is wrong: a vendor's own video task route answers
/// in the vendor's shape, every other in OpenAI's.
fn path_face(path: &str) -> Face {
    if path == Endpoint::DashScopeVideo.route() || path.starts_with("/api/v1/tasks/") {
        Face::DashScope
    } else if path.starts_with(Endpoint::ArkVideo.route()) {
        Face::Ark
    } else {
        Face::OpenAi
    }
}

/// What a Gemini URL says that other protocols put in the body.
#[derive(Debug, Clone, Default)]
pub(super) struct UrlFacts {
    pub(super) model: Option<String>,
    pub(super) stream: bool,
}

/// The endpoint and facts of a Gemini `{model}:{method}` path segment.
pub(super) fn gemini_target(target: &str) -> Option<(Endpoint, UrlFacts)> {
    let (model, method) = target.rsplit_once(':')?;
    let (endpoint, stream) = match method {
        "generateContent" => (Endpoint::GenerateContent, false),
        "streamGenerateContent" => (Endpoint::GenerateContent, true),
        "countTokens" => (Endpoint::GeminiCountTokens, false),
        "embedContent" => (Endpoint::GeminiEmbedContent, false),
        "batchEmbedContents" => (Endpoint::GeminiBatchEmbedContents, false),
        "predictLongRunning" => (Endpoint::GeminiPredictLongRunning, false),
        _ => return None,
    };
    (!model.is_empty()).then(|| {
        (
            endpoint,
            UrlFacts {
                model: Some(model.to_owned()),
                stream,
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_paths_without_a_route_are_not_implemented_and_others_unknown() {
        for path in [
            "/v1/files",
            "/v1/fine_tuning/jobs/x/events",
            "/v1",
            "/v1/organization/users",
        ] {
            let error = unrouted(path);
            assert_eq!(
                error.status(),
                axum::http::StatusCode::NOT_IMPLEMENTED,
                "{path}"
            );
            assert_eq!(
                error.message(),
                format!("{path} is not implemented by this gateway")
            );
        }
        for path in ["/v1beta/files", "/v1files", "/nothing", "/"] {
            assert_eq!(
                unrouted(path).status(),
                axum::http::StatusCode::NOT_FOUND,
                "{path}"
            );
        }
    }

    #[test]
    fn the_vendors_task_routes_answer_a_wrong_method_in_their_shape() {
        assert_eq!(path_face("/api/v1/tasks/t-1"), Face::DashScope);
        assert_eq!(path_face(Endpoint::DashScopeVideo.route()), Face::DashScope);
        assert_eq!(
            path_face("/api/v3/contents/generations/tasks/cgt-1"),
            Face::Ark
        );
        assert_eq!(path_face("/v1/videos/video_1"), Face::OpenAi);
    }

    #[test]
    fn gemini_paths_name_the_model_and_the_method() {
        let (endpoint, facts) = gemini_target("gemini-2.5-pro:streamGenerateContent").unwrap();
        assert_eq!(endpoint, Endpoint::GenerateContent);
        assert_eq!(facts.model.as_deref(), Some("gemini-2.5-pro"));
        assert!(facts.stream);
        assert_eq!(
            gemini_target("m:countTokens").unwrap().0,
            Endpoint::GeminiCountTokens
        );
        assert_eq!(
            gemini_target("gemini-embedding-001:batchEmbedContents")
                .unwrap()
                .0,
            Endpoint::GeminiBatchEmbedContents
        );
        assert_eq!(
            gemini_target("veo-3.0-generate-001:predictLongRunning")
                .unwrap()
                .0,
            Endpoint::GeminiPredictLongRunning
        );
        for bad in ["gemini", ":generateContent", "m:predict"] {
            assert!(gemini_target(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn gemini_paths_under_v1_are_those_with_a_method_or_an_operation() {
        for path in [
            "/v1beta/models/m:generateContent",
            "/v1beta/files/f:download",
            "/v1/models/m:generateContent",
            "/v1/models/veo/operations/op_1",
            "/v1/operations/op_1",
        ] {
            assert!(is_gemini_path(path), "{path}");
        }
        for path in ["/v1/models", "/v1/models/gpt-4o", "/v1/chat/completions"] {
            assert!(!is_gemini_path(path), "{path}");
        }
    }
}
