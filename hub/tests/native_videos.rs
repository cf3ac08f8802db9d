//! DashScope's and Ark's own video task APIs through the gateway: relayed as sent, pinned to the group, polled, billed once to the nano-unit, native errors.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support;
use crate::video_holds::token_used;
use crate::video_tasks::{ACME, OTHER, call, config, settled_bills};
use support::TestHub;
use support::mock_ark_video::{self, MockArkVideo};
use support::mock_dashscope_video::{self, MockDashScopeVideo};

const DASHSCOPE_CREATE: &str = "/api/v1/services/aigc/video-generation/video-synthesis";
const ARK_TASKS: &str = "/api/v3/contents/generations/tasks";

/// One nano-unit over 0.1 a second: a bill exact to the nano-unit shows it.
const PRICE: &str = "0.100000001";

/// A token of `acme` with a quota of 0.4 (in the bad-request hub).
const CAPPED: &str = "sk-native-video-capped-0001";

/// An `openai` channel of `model` at a higher priority than the vendor's: it speaks neither
/// vendor's task API, so it is never chosen (its address answers nothing).
fn openai_first(model: &str) -> String {
    format!(
        "  - name: sora\n    type: openai\n    base_url: \"http://127.0.0.1:9/v1\"\n    key: sk-up\n    priority: 100\n    models: [{model}]\n"
    )
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// Reads the task at `path` until `done` says it finished; every status seen and the last answer.
async fn until_done(
    hub: &TestHub,
    path: &str,
    status_of: fn(&Value) -> &Value,
    done: &[&str],
) -> (Vec<String>, Value) {
    let mut seen = Vec::new();
    for _ in 0..20 {
        let (status, task) = call(reqwest::Method::GET, hub.url(path), ACME, None).await;
        assert_eq!(status, 200, "{task}");
        let state = status_of(&task).as_str().unwrap().to_owned();
        seen.push(state.clone());
        if done.contains(&state.as_str()) {
            return (seen, task);
        }
    }
    panic!("the task at {path} never finished");
}

/// Another group's key gets the vendor's 404 on every `(method, path)`.
async fn hidden_from_other_group(
    hub: &TestHub,
    calls: &[(reqwest::Method, String)],
    code: fn(&Value) -> &Value,
    expected: &str,
) {
    for (method, path) in calls {
        let (status, error) = call(method.clone(), hub.url(path), OTHER, None).await;
        assert_eq!(status, 404, "{method} {path}: {error}");
        assert_eq!(code(&error), expected, "{error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashscope_native_tasks_are_relayed_pinned_polled_and_billed_once() {
    let upstream = MockDashScopeVideo::start().await;
    let channels = format!(
        "{}  - name: wan\n    type: ali\n    base_url: \"{}\"\n    key: {}\n    model_mapping: {{wan: wan2.2-t2v-plus}}",
        openai_first("wan"),
        upstream.base_url(),
        mock_dashscope_video::KEY
    );
    let hub = TestHub::start_with_config(&config(&channels, "wan", PRICE)).await;
    let body = json!({"model": "wan", "input": {"prompt": "a kitten on grass"},
        "parameters": {"size": "1280*720", "duration": 5, "prompt_extend": true}});
    let response = reqwest::Client::new()
        .post(hub.url(DASHSCOPE_CREATE))
        .bearer_auth(ACME)
        .header("X-DashScope-Async", "enable")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let created: Value = response.json().await.unwrap();
    // DashScope's own answer, its task id the client's.
    assert_eq!(created["output"]["task_status"], "PENDING", "{created}");
    assert_eq!(created["request_id"], "req-create", "{created}");
    let task_id = created["output"]["task_id"].as_str().unwrap().to_owned();
    // The body went upstream as sent, the model as the channel names it.
    let sent = upstream.state.created.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    let mut expected = body.clone();
    expected["model"] = json!("wan2.2-t2v-plus");
    assert_eq!(sent[0], expected);

    let task_path = format!("/api/v1/tasks/{task_id}");
    hidden_from_other_group(
        &hub,
        &[(reqwest::Method::GET, task_path.clone())],
        |error| &error["code"],
        "NotFound",
    )
    .await;
    // Nor is it an OpenAI video job of the group's.
    let (status, _) = call(
        reqwest::Method::GET,
        hub.url(&format!("/v1/videos/{task_id}")),
        ACME,
        None,
    )
    .await;
    assert_eq!(status, 404);

    let (seen, done) = until_done(
        &hub,
        &task_path,
        |task| &task["output"]["task_status"],
        &["SUCCEEDED", "FAILED"],
    )
    .await;
    assert!(seen.contains(&"RUNNING".to_owned()), "{seen:?}");
    assert_eq!(seen.last().unwrap(), "SUCCEEDED");
    assert!(
        done["output"]["video_url"]
            .as_str()
            .unwrap()
            .contains("/oss/"),
        "{done}"
    );
    assert_eq!(done["usage"]["video_duration"], 5, "{done}");
    // 5 s at 0.100000001, once however often it is read.
    for _ in 0..2 {
        let (status, _) = call(reqwest::Method::GET, hub.url(&task_path), ACME, None).await;
        assert_eq!(status, 200);
    }
    assert_eq!(settled_bills(&hub, &task_id, 1).await, [dec("0.500000005")]);
    token_used(&hub, "acme", dec("0.500000005")).await;
    hub.stop().await.unwrap();
}

/// Ark's tasks on two replicas sharing Redis: created on one, read, billed and deleted through
/// the other; hidden from another group on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ark_native_tasks_are_shared_by_replicas_billed_once_and_deleted() {
    let upstream = MockArkVideo::start().await;
    let model = "doubao-seedance-1-0-pro-250528";
    let channels = format!(
        "{}  - name: seedance\n    type: doubao\n    base_url: \"{}\"\n    key: {}",
        openai_first(model),
        upstream.base_url(),
        mock_ark_video::KEY
    );
    let database = support::TestDatabase::create().await;
    let prefix = support::unique_redis_prefix();
    let first = TestHub::replica(&database, &prefix, Some(&config(&channels, model, PRICE))).await;
    let second = TestHub::replica(&database, &prefix, None).await;

    let body = json!({"model": model, "content": [{"type": "text", "text": "waves at dusk"},
        {"type": "image_url", "image_url": {"url": "https://example.com/first.png"}}],
        "duration": 10, "ratio": "16:9", "resolution": "720p", "watermark": false});
    let (status, created) = call(
        reqwest::Method::POST,
        first.url(ARK_TASKS),
        ACME,
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let task_id = created["id"].as_str().unwrap().to_owned();
    assert!(task_id.starts_with("cgt-"), "{created}");
    assert_eq!(upstream.state.created.lock().unwrap().clone(), [body]);

    let task_path = format!("{ARK_TASKS}/{task_id}");
    for hub in [&first, &second] {
        hidden_from_other_group(
            hub,
            &[
                (reqwest::Method::GET, task_path.clone()),
                (reqwest::Method::DELETE, task_path.clone()),
            ],
            |error| &error["error"]["code"],
            "ResourceNotFound",
        )
        .await;
    }
    assert!(upstream.state.deleted.lock().unwrap().is_empty());

    let (seen, done) = until_done(
        &second,
        &task_path,
        |task| &task["status"],
        &["succeeded", "failed"],
    )
    .await;
    assert_eq!(seen.last().unwrap(), "succeeded", "{seen:?}");
    assert_eq!(done["model"], model, "{done}");
    assert_eq!(done["duration"], 10, "{done}");
    // 10 s at 0.100000001.
    assert_eq!(
        settled_bills(&first, &task_id, 1).await,
        [dec("1.00000001")]
    );
    token_used(&second, "acme", dec("1.00000001")).await;

    let (status, deleted) = call(reqwest::Method::DELETE, second.url(&task_path), ACME, None).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(*upstream.state.deleted.lock().unwrap(), [task_id.as_str()]);
    let (status, gone) = call(reqwest::Method::GET, first.url(&task_path), ACME, None).await;
    assert_eq!(status, 404, "{gone}");
    assert_eq!(gone["error"]["code"], "ResourceNotFound", "{gone}");
    // Deleting a billed task charges nothing more.
    assert_eq!(
        settled_bills(&first, &task_id, 1).await,
        [dec("1.00000001")]
    );
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

/// Sends raw `body` bytes to `path` as JSON; the status and the answer's bytes.
async fn send_raw(hub: &TestHub, path: &str, key: Option<&str>, body: &str) -> (u16, Vec<u8>) {
    let mut request = reqwest::Client::new()
        .post(hub.url(path))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_native_requests_get_bounded_errors_in_each_vendors_shape() {
    let dashscope = MockDashScopeVideo::start().await;
    let ark = MockArkVideo::start().await;
    // `wan` on a DashScope channel, `seedance` on an Ark one, `sora` on neither.
    let channels = format!(
        "  - name: wan\n    type: ali\n    base_url: \"{}\"\n    key: {}\n    models: [wan]\n  - name: seedance\n    type: doubao\n    base_url: \"{}\"\n    key: {}\n    models: [seedance]\n  - name: sora\n    type: openai\n    base_url: \"http://127.0.0.1:9/v1\"\n    key: sk-up",
        dashscope.base_url(),
        mock_dashscope_video::KEY,
        ark.base_url(),
        mock_ark_video::KEY
    );
    // `wan` and `seedance` priced like `sora`, and a token of `acme` whose quota is 0.4: 4 s
    // (0.400000004) is one nano-unit too many.
    let priced = |model: &str| {
        format!(
            "  - {{model: {model}, type: video, config: {{media: {{video: {{price_per_second: \"{PRICE}\"}}}}}}}}\n"
        )
    };
    let with_capped = config(&channels, "sora", PRICE)
        .replacen(
            "tokens:\n",
            &format!("tokens:\n  - {{group: acme, name: capped, key: {CAPPED}, quota: \"0.4\"}}\n"),
            1,
        )
        .replacen(
            "models:\n",
            &format!("models:\n{}{}", priced("wan"), priced("seedance")),
            1,
        );
    let hub = TestHub::start_with_config(&with_capped).await;
    let long_model = "m".repeat(300_000);
    let cases: Vec<(&str, Option<&str>, String, u16, &str)> = vec![
        (
            DASHSCOPE_CREATE,
            Some(ACME),
            r#"{"input":{"prompt":"p"}}"#.into(),
            400,
            "InvalidParameter",
        ),
        (
            DASHSCOPE_CREATE,
            Some(ACME),
            r#"{"model":"nope","input":{"prompt":"p"}}"#.into(),
            404,
            "ModelNotFound",
        ),
        (
            DASHSCOPE_CREATE,
            Some(ACME),
            r#"{"model":"seedance","input":{"prompt":"p"}}"#.into(),
            400,
            "InvalidParameter",
        ),
        (
            DASHSCOPE_CREATE,
            Some(ACME),
            r#"{"model":"sora","input":{"prompt":"p"}}"#.into(),
            400,
            "InvalidParameter",
        ),
        (
            DASHSCOPE_CREATE,
            Some(ACME),
            r#"{"model":"wan","input":"#.into(),
            400,
            "InvalidParameter",
        ),
        (
            DASHSCOPE_CREATE,
            Some(ACME),
            r#"{"model":"wan","prompt":"p"}"#.into(),
            400,
            "InvalidParameter",
        ),
        (
            DASHSCOPE_CREATE,
            Some(ACME),
            format!(r#"{{"model":"{long_model}","input":{{}}}}"#),
            400,
            "InvalidParameter",
        ),
        (
            DASHSCOPE_CREATE,
            None,
            r#"{"model":"wan","input":{"prompt":"p"}}"#.into(),
            401,
            "InvalidApiKey",
        ),
        (
            ARK_TASKS,
            Some(ACME),
            r#"{"content":[{"type":"text","text":"p"}]}"#.into(),
            400,
            "InvalidParameter",
        ),
        (
            ARK_TASKS,
            Some(ACME),
            r#"{"model":"nope","content":[]}"#.into(),
            404,
            "InvalidEndpointOrModel.NotFound",
        ),
        (
            ARK_TASKS,
            Some(ACME),
            r#"{"model":"wan","content":[]}"#.into(),
            400,
            "InvalidParameter",
        ),
        (
            ARK_TASKS,
            Some(ACME),
            "not json".into(),
            400,
            "InvalidParameter",
        ),
        (
            ARK_TASKS,
            Some(ACME),
            r#"{"model":"seedance","content":"p"}"#.into(),
            400,
            "InvalidParameter",
        ),
        (
            ARK_TASKS,
            Some(ACME),
            format!(r#"{{"model":"{long_model}","content":[]}}"#),
            400,
            "InvalidParameter",
        ),
        (
            ARK_TASKS,
            None,
            r#"{"model":"seedance","content":[]}"#.into(),
            401,
            "AuthenticationError",
        ),
    ];
    for (path, key, body, status, code) in cases {
        let (got, answer) = send_raw(&hub, path, key, &body).await;
        let text = String::from_utf8_lossy(&answer);
        assert_eq!(
            got,
            status,
            "{path} {}: {text}",
            &body[..body.len().min(80)]
        );
        assert!(
            answer.len() < 2048,
            "{path}: an error of {} bytes",
            answer.len()
        );
        let error: Value = serde_json::from_slice(&answer).unwrap();
        if path == DASHSCOPE_CREATE {
            assert_eq!(error["code"], code, "{error}");
            assert!(
                error["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{error}"
            );
            assert!(
                error["request_id"]
                    .as_str()
                    .is_some_and(|id| !id.is_empty()),
                "{error}"
            );
        } else {
            assert_eq!(error["error"]["code"], code, "{error}");
            assert!(
                error["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{error}"
            );
            assert!(error["error"]["type"].is_string(), "{error}");
        }
    }
    // Nothing reached a vendor, and an unknown task is the vendor's 404.
    assert!(dashscope.state.created.lock().unwrap().is_empty());
    assert!(ark.state.created.lock().unwrap().is_empty());
    let (status, error) = call(
        reqwest::Method::GET,
        hub.url("/api/v1/tasks/task-404"),
        ACME,
        None,
    )
    .await;
    assert_eq!(
        (status, &error["code"]),
        (404, &json!("NotFound")),
        "{error}"
    );
    // A video the token's quota cannot cover is refused before any vendor sees it (its
    // seconds reserved at the model's price, to the nano-unit), in the vendor's shape.
    for (path, body) in [
        (
            DASHSCOPE_CREATE,
            json!({"model": "wan", "input": {"prompt": "p"}, "parameters": {"duration": 4}}),
        ),
        (
            ARK_TASKS,
            json!({"model": "seedance", "content": [{"type": "text", "text": "p"}], "duration": "4"}),
        ),
    ] {
        let (status, error) = call(reqwest::Method::POST, hub.url(path), CAPPED, Some(body)).await;
        assert_eq!(status, 403, "{path}: {error}");
        let code = if path == DASHSCOPE_CREATE {
            &error["code"]
        } else {
            &error["error"]["code"]
        };
        assert!(
            ["Arrearage", "QuotaExceeded"].contains(&code.as_str().unwrap()),
            "{error}"
        );
    }
    assert!(dashscope.state.created.lock().unwrap().is_empty());
    assert!(ark.state.created.lock().unwrap().is_empty());
    let (status, created) = call(
        reqwest::Method::POST,
        hub.url(ARK_TASKS),
        CAPPED,
        Some(
            json!({"model": "seedance", "content": [{"type": "text", "text": "p"}], "duration": 3}),
        ),
    )
    .await;
    assert_eq!(status, 200, "3 s (0.300000003) fits: {created}");
    // A method the route does not take is refused in the vendor's shape too.
    let (status, error) = call(
        reqwest::Method::DELETE,
        hub.url("/api/v1/tasks/task-1"),
        ACME,
        None,
    )
    .await;
    assert_eq!((status, error["code"].is_string()), (405, true), "{error}");
    let (status, error) = call(
        reqwest::Method::PUT,
        hub.url(&format!("{ARK_TASKS}/cgt-1")),
        ACME,
        None,
    )
    .await;
    assert_eq!(
        (status, error["error"]["type"].is_string()),
        (405, true),
        "{error}"
    );
    // An upstream's own refusal comes back in its own shape and code.
    let (status, error) = call(
        reqwest::Method::POST,
        hub.url(DASHSCOPE_CREATE),
        ACME,
        Some(json!({"model": "wan", "input": {"negative_prompt": "no prompt"}})),
    )
    .await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["code"], "InvalidParameter", "{error}");
    assert_eq!(error["message"], "input.prompt is required", "{error}");
    let (status, error) = call(
        reqwest::Method::POST,
        hub.url(ARK_TASKS),
        ACME,
        Some(json!({"model": "seedance", "content": [{"type": "image_url"}]})),
    )
    .await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["code"], "MissingParameter", "{error}");
    assert_eq!(error["error"]["type"], "BadRequest", "{error}");
    hub.stop().await.unwrap();
}
