//! `hefeng-weather` against a mock of QWeather's v7 API, which answers gzip-compressed.

use std::io::Write;

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Mock, call_err, call_ok, gateway, list_error, vendor_status};

const KEY: &str = "qweather-key-xyz";

/// A JSON body gzip-compressed, as QWeather sends every answer.
fn gzipped(body: Value) -> Response {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body.to_string().as_bytes()).unwrap();
    (
        [
            ("content-type", "application/json"),
            ("content-encoding", "gzip"),
        ],
        encoder.finish().unwrap(),
    )
        .into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hefeng_weather_reads_now_hourly_and_daily_forecasts() {
    let mock = Mock::start(|seen| match seen.path.as_str() {
        "/v7/weather/now" => gzipped(json!({"code": "200", "updateTime": "2026-12-07T12:00+08:00",
            "now": {"obsTime": "2026-12-07T11:50+08:00", "temp": "3", "feelsLike": "-1", "text": "晴",
                "windDir": "西北风", "windScale": "3", "humidity": "20"}})),
        "/v7/weather/24h" => gzipped(json!({"code": "200", "hourly": [
            {"fxTime": "2026-12-07T13:00+08:00", "temp": "4", "text": "晴", "windDir": "北风", "windScale": "2", "humidity": "18"}]})),
        "/v7/weather/3d" => gzipped(json!({"code": "200", "daily": [
            {"fxDate": "2026-12-07", "tempMax": "5", "tempMin": "-6", "textDay": "晴", "textNight": "多云",
             "windDirDay": "北风", "windScaleDay": "1-3", "windDirNight": "南风", "windScaleNight": "1-3"}]})),
        _ => vendor_status(404, json!({})),
    })
    .await;
    // The API host without /v7: the template appends it.
    let gateway = gateway(
        "hefeng-weather",
        &[
            ("hefeng_api_key", KEY),
            ("hefeng_api_base", &mock.base_url),
            ("allow_private_networks", "true"),
        ],
    )
    .await;

    let text = call_ok(&gateway, "get-weather", json!({"location": "116.40,39.90"})).await;
    let seen = mock.only_request();
    assert_eq!(seen.path, "/v7/weather/now");
    assert_eq!(seen.query("key"), Some(KEY));
    assert_eq!(seen.query("location"), Some("116.40,39.90"));
    assert!(
        text.contains("天气: 晴") && text.contains("温度: 3°C"),
        "{text}"
    );

    let text = call_ok(
        &gateway,
        "get-weather",
        json!({"location": "101010100", "days": "24h"}),
    )
    .await;
    assert_eq!(mock.only_request().path, "/v7/weather/24h");
    assert!(
        text.contains("24h小时预报") && text.contains("时间: 2026-12-07T13:00+08:00"),
        "{text}"
    );

    let text = call_ok(
        &gateway,
        "get-weather",
        json!({"location": "116.40,39.90", "days": "3d"}),
    )
    .await;
    assert_eq!(mock.only_request().path, "/v7/weather/3d");
    assert!(
        text.contains("3天预报") && text.contains("最低温度: -6°C"),
        "{text}"
    );

    let text = call_err(
        &gateway,
        "get-weather",
        json!({"location": "116.40,39.90", "days": "2d"}),
    )
    .await;
    assert!(text.contains("days must be"), "{text}");
    assert!(mock.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hefeng_weather_errors_in_the_body_and_in_the_status() {
    let mock = Mock::start(|seen| match seen.query("location") {
        Some("quota") => gzipped(json!({"code": "402"})),
        _ => vendor_status(
            401,
            json!({"error": {"status": 401, "type": "https://dev.qweather.com/docs/resource/error-code/#unauthorized",
                "title": "Unauthorized", "detail": "Invalid Authentication"}}),
        ),
    })
    .await;
    let gateway = gateway(
        "hefeng-weather",
        &[
            ("hefeng_api_key", KEY),
            ("hefeng_api_base", &format!("{}/v7", mock.base_url)),
            ("allow_private_networks", "true"),
        ],
    )
    .await;

    let text = call_err(&gateway, "get-weather", json!({"location": "quota"})).await;
    assert!(
        text.contains("code 402") && text.contains("quota"),
        "{text}"
    );
    assert_eq!(mock.only_request().path, "/v7/weather/now");

    let text = call_err(&gateway, "get-weather", json!({"location": "116.40,39.90"})).await;
    assert!(
        text.contains("401") && text.contains("Invalid Authentication"),
        "{text}"
    );
    assert!(!text.contains(KEY), "{text}");
}

/// Groups set the API host, so it is held to the address policy: loopback and private
/// addresses (by literal or by name) only with the admin's `allow_private_networks`, cloud
/// metadata never.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hefeng_weather_api_host_follows_the_address_policy() {
    let mock = Mock::start(|_| gzipped(json!({"code": "200", "now": {}}))).await;
    let port = mock.base_url.rsplit(':').next().unwrap().to_owned();

    let literal = gateway(
        "hefeng-weather",
        &[("hefeng_api_key", KEY), ("hefeng_api_base", &mock.base_url)],
    )
    .await;
    let message = list_error(&literal).await;
    assert!(
        message.contains("hefeng_api_base") && message.contains("refused"),
        "{message}"
    );

    let by_name = gateway(
        "hefeng-weather",
        &[
            ("hefeng_api_key", KEY),
            ("hefeng_api_base", &format!("http://localhost:{port}")),
        ],
    )
    .await;
    let text = call_err(&by_name, "get-weather", json!({"location": "1,2"})).await;
    assert!(text.contains("refused"), "{text}");
    assert!(!text.contains(KEY), "{text}");

    let metadata = gateway(
        "hefeng-weather",
        &[
            ("hefeng_api_key", KEY),
            ("hefeng_api_base", "http://169.254.169.254"),
            ("allow_private_networks", "true"),
        ],
    )
    .await;
    let message = list_error(&metadata).await;
    assert!(message.contains("refused"), "{message}");
    assert!(mock.requests().is_empty());
}
