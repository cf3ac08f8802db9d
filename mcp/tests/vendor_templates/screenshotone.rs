//! `screenshotone` against a mock of ScreenshotOne's `/take` endpoint.

use axum::response::IntoResponse;
use base64::Engine as _;
use serde_json::json;

use super::{Mock, call, call_err, call_ok, gateway, vendor_json, vendor_status};

const KEY: &str = "so-access-key-123";
/// A few bytes that start like a JPEG; the template passes bytes through, it does not decode.
const IMAGE: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0xFF, 0xD9,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshotone_returns_the_screenshot_as_image_content() {
    let mock = Mock::start(|seen| match seen.query("response_type") {
        Some("json") => {
            vendor_json(json!({"cache_url": "https://cache.screenshotone.com/abc.jpeg"}))
        }
        _ => ([("content-type", "image/jpeg")], IMAGE).into_response(),
    })
    .await;
    let gateway = gateway(
        "screenshotone",
        &[("screenshotone-api-key", KEY), ("base_url", &mock.base_url)],
    )
    .await;

    let result = call(
        &gateway,
        "render-website-screenshot",
        json!({"url": "https://example.com/", "full_page": true, "image_quality": 60}),
    )
    .await;
    assert_ne!(result["isError"], true, "{result}");
    let image = &result["content"][0];
    assert_eq!(image["type"], "image");
    assert_eq!(image["mimeType"], "image/jpeg");
    assert_eq!(
        image["data"],
        base64::engine::general_purpose::STANDARD.encode(IMAGE)
    );
    let seen = mock.only_request();
    assert_eq!(seen.path, "/take");
    assert_eq!(seen.query("access_key"), Some(KEY));
    assert_eq!(seen.query("url"), Some("https://example.com/"));
    assert_eq!(seen.query("format"), Some("jpeg"));
    assert_eq!(seen.query("image_quality"), Some("60"));
    assert_eq!(seen.query("full_page"), Some("true"));
    assert_eq!(seen.query("block_ads"), Some("true"));
    assert_eq!(seen.query("block_cookie_banners"), Some("true"));

    let text = call_ok(
        &gateway,
        "render-website-screenshot",
        json!({"url": "https://example.com/", "response_type": "json", "cache": true, "cache_key": "k1"}),
    )
    .await;
    let seen = mock.only_request();
    assert_eq!(seen.query("cache"), Some("true"));
    assert_eq!(seen.query("cache_key"), Some("k1"));
    assert!(
        text.contains("https://cache.screenshotone.com/abc.jpeg"),
        "{text}"
    );

    let text = call_err(
        &gateway,
        "render-website-screenshot",
        json!({"url": "file:///etc/passwd"}),
    )
    .await;
    assert!(text.contains("http or https"), "{text}");
    assert!(mock.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshotone_errors_and_oversized_images_become_tool_errors() {
    let mock = Mock::start(|seen| match seen.query("url") {
        Some("https://big.example/") => {
            ([("content-type", "image/jpeg")], vec![0u8; 4096]).into_response()
        }
        _ => vendor_status(
            400,
            json!({"is_successful": false, "error_code": "access_key_invalid",
                "error_message": "Access key is invalid, make sure you passed the right key"}),
        ),
    })
    .await;
    let gateway = gateway(
        "screenshotone",
        &[
            ("screenshotone-api-key", KEY),
            ("base_url", &mock.base_url),
            ("max_image_bytes", "1024"),
        ],
    )
    .await;

    let text = call_err(
        &gateway,
        "render-website-screenshot",
        json!({"url": "https://example.com/"}),
    )
    .await;
    assert!(
        text.contains("400") && text.contains("Access key is invalid"),
        "{text}"
    );
    assert!(!text.contains(KEY), "{text}");

    let text = call_err(
        &gateway,
        "render-website-screenshot",
        json!({"url": "https://big.example/"}),
    )
    .await;
    assert!(text.contains("larger than 1024 bytes"), "{text}");
}
