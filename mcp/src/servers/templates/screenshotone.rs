//! The `screenshotone` template: website screenshots from the ScreenshotOne API, returned as
//! MCP image content (or, with `response_type: json`, the vendor's JSON with the cache URL).
//!
//! The page is fetched by ScreenshotOne, not by us, so the URL argument needs no address
//! guard here; the image we read back is bounded by `max_image_bytes`.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine as _;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, Tool};
use serde_json::{Value, json};

use super::vendor_http::VendorHttp;
use super::vendor_tools::{
    bool_arg, failure, json_result, number_arg, required_param, seconds_param, text_arg, url_param,
};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, tool};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "screenshotone",
    description: "Website screenshots through the ScreenshotOne API, returned as images",
    params: &[
        TemplateParam {
            name: "screenshotone-api-key",
            description: "ScreenshotOne access key (dash.screenshotone.com → Access)",
            set_by: ParamOwner::Group,
            required: true,
        },
        TemplateParam {
            name: "base_url",
            description: "ScreenshotOne API address (default https://api.screenshotone.com)",
            set_by: ParamOwner::Admin,
            required: false,
        },
        TemplateParam {
            name: "timeout",
            description: "Request timeout in seconds, 5 to 300 (default 60)",
            set_by: ParamOwner::Admin,
            required: false,
        },
        TemplateParam {
            name: "max_image_bytes",
            description: "Largest screenshot returned, in bytes (default 5242880)",
            set_by: ParamOwner::Admin,
            required: false,
        },
    ],
    catalogue: Catalogue {
        display_name: "ScreenshotOne",
        display_name_zh: "网页截图",
        description_zh: "使用 ScreenshotOne API 截取网页，并以图片返回",
        tags: &["screenshot", "web", "image"],
        readme: SCREENSHOTONE_README,
        logo: "https://screenshotone.com/favicon.ico",
        homepage: "https://screenshotone.com/",
        fixture: false,
    },
};

const SCREENSHOTONE_README: &str = "\
# ScreenshotOne (网页截图)

One tool, `render-website-screenshot`: renders a web page in ScreenshotOne's browsers and \
returns the screenshot as a JPEG image. Cookie banners and ads are blocked unless the call \
says otherwise; `full_page` captures the whole page. With `response_type: json` (and \
`cache: true`) the answer is ScreenshotOne's JSON with a cache URL instead of the image, \
which suits very long pages.

## Parameters

- `screenshotone-api-key` (each group): the **access key** from \
[dash.screenshotone.com](https://dash.screenshotone.com/access) (a free plan exists).
- `base_url` (admin): the API address, `https://api.screenshotone.com` by default.
- `timeout` (admin): seconds per screenshot, default 60.
- `max_image_bytes` (admin): the largest image passed on, default 5 MiB; larger ones are refused \
(ask for `response_type: json` then).
";

const DEFAULT_BASE_URL: &str = "https://api.screenshotone.com";
const DEFAULT_MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
const DEFAULT_IMAGE_QUALITY: u64 = 80;
const TOOL_NAME: &str = "render-website-screenshot";

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let key = required_param(params, "screenshotone-api-key")?;
    let base_url = url_param(params, "base_url", DEFAULT_BASE_URL)?;
    let timeout = seconds_param(params, "timeout", 60, (5, 300))?;
    let max_image_bytes = match params.get("max_image_bytes").map(|value| value.trim()) {
        None | Some("") => DEFAULT_MAX_IMAGE_BYTES,
        Some(value) => value.parse().map_err(|_| TemplateError::InvalidParam {
            name: "max_image_bytes",
            reason: format!("expected a byte count, got {value}"),
        })?,
    };
    let http = VendorHttp::new("screenshotone", base_url, timeout)?.with_secret(key.clone());
    Ok(Arc::new(ScreenshotOneServer {
        http,
        key,
        max_image_bytes,
    }))
}

struct ScreenshotOneServer {
    http: VendorHttp,
    key: String,
    max_image_bytes: usize,
}

/// What a call asks of `/take`: the query (without the key) and whether the answer is JSON.
struct Take {
    query: Vec<(&'static str, String)>,
    json_answer: bool,
}

/// The `/take` request for a call, or why its arguments are refused.
fn take_query(call: &ToolCall) -> Result<Take, String> {
    let arguments = &call.arguments;
    let Some(page) = text_arg(arguments, "url") else {
        return Err("url is required".to_owned());
    };
    match url::Url::parse(page) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {}
        _ => return Err("url must be an http or https URL".to_owned()),
    }
    let quality = number_arg(arguments, "image_quality")
        .map_or(Some(DEFAULT_IMAGE_QUALITY), |quality| {
            (1.0..=100.0)
                .contains(&quality)
                .then_some(quality.round() as u64)
        })
        .ok_or("image_quality must be between 1 and 100")?;
    let json_answer = match text_arg(arguments, "response_type").unwrap_or("by_format") {
        "by_format" => false,
        "json" => true,
        _ => return Err("response_type must be json or by_format".to_owned()),
    };
    let cache = bool_arg(arguments, "cache").unwrap_or(false);
    let block_banners = bool_arg(arguments, "block_banners").unwrap_or(true);
    let flag = |value: bool| value.to_string();
    let mut query = vec![
        ("url", page.to_owned()),
        (
            "response_type",
            if json_answer { "json" } else { "by_format" }.to_owned(),
        ),
        ("format", "jpeg".to_owned()),
        ("image_quality", quality.to_string()),
        ("block_cookie_banners", flag(block_banners)),
        ("block_banners_by_heuristics", flag(block_banners)),
        (
            "block_ads",
            flag(bool_arg(arguments, "block_ads").unwrap_or(true)),
        ),
        (
            "full_page",
            flag(bool_arg(arguments, "full_page").unwrap_or(false)),
        ),
        ("cache", flag(cache)),
    ];
    if let Some(cache_key) = text_arg(arguments, "cache_key") {
        if !cache_key.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err("cache_key must be letters and digits only".to_owned());
        }
        if cache {
            query.push(("cache_key", cache_key.to_owned()));
        }
    }
    Ok(Take { query, json_answer })
}

#[async_trait]
impl ToolServer for ScreenshotOneServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(vec![tool(
            TOOL_NAME,
            "Renders a screenshot of a website and returns it as an image or a JSON with the cache URL (preferred for full-page screenshots)",
            json!({"type": "object", "properties": {
                "url": {"type": "string", "format": "uri", "description": "URL of the website to screenshot"},
                "block_banners": {"type": "boolean", "default": true, "description": "Block cookie, GDPR and other banners and popups"},
                "block_ads": {"type": "boolean", "default": true, "description": "Block ads"},
                "image_quality": {"type": "integer", "minimum": 1, "maximum": 100, "default": DEFAULT_IMAGE_QUALITY, "description": "JPEG quality"},
                "full_page": {"type": "boolean", "default": false, "description": "Render the full page, not only the first screen"},
                "response_type": {"type": "string", "enum": ["json", "by_format"], "default": "by_format",
                    "description": "json for ScreenshotOne's JSON (with the cache URL), by_format for the image itself"},
                "cache": {"type": "boolean", "default": false, "description": "Cache the screenshot to get a cache URL"},
                "cache_key": {"type": "string", "pattern": "^[a-zA-Z0-9]+$", "description": "Cache key, to get a new cache URL per screenshot (e.g. a timestamp)"}
            }, "required": ["url"]}),
        )])
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        if call.name != TOOL_NAME {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        }
        let Take {
            mut query,
            json_answer,
        } = match take_query(&call) {
            Ok(take) => take,
            Err(refusal) => return Ok(tool_error(refusal)),
        };
        query.push(("access_key", self.key.clone()));
        let body = match self
            .http
            .get_bytes("/take", &query, self.max_image_bytes)
            .await
        {
            Ok(body) => body,
            Err(error) => return Ok(failure(TOOL_NAME, error)),
        };
        if json_answer {
            return Ok(match serde_json::from_slice::<Value>(&body.bytes) {
                Ok(answer) => json_result(&answer),
                Err(error) => failure(TOOL_NAME, format!("unreadable JSON ({error})")),
            });
        }
        let mime_type = match body.content_type.split(';').next().map(str::trim) {
            Some(mime) if mime.starts_with("image/") => mime.to_owned(),
            _ => "image/jpeg".to_owned(),
        };
        let data = base64::engine::general_purpose::STANDARD.encode(&body.bytes);
        Ok(CallToolResponse::Complete(CallToolResult::success(vec![
            ContentBlock::image(data, mime_type),
        ])))
    }
}
