//! The `hefeng-weather` template: weather in China from Hefeng (QWeather, 和风天气): now,
//! hourly for 24 to 168 hours, daily for 3 to 30 days, one tool as in the seed.
//!
//! QWeather answers gzip-compressed whatever the request asks (the shared client inflates
//! it) and says failure either in the body (`code` other than `"200"`) or, on the newer API
//! hosts, with an HTTP error whose body is `{"error": {"title", "detail"}}`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, Tool};
use serde_json::{Value, json};

use super::vendor_http::VendorHttp;
use super::vendor_tools::{
    failure, missing_arg, required_param, seconds_param, text_arg, text_result, url_param,
};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, bool_param, tool};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "hefeng-weather",
    description: "Weather forecasts for China from Hefeng (QWeather): now, hourly and daily",
    params: &[
        TemplateParam {
            name: "hefeng_api_key",
            description: "QWeather API key (console.qweather.com → 项目管理)",
            set_by: ParamOwner::Group,
            required: true,
        },
        TemplateParam {
            name: "hefeng_api_base",
            description: "The account's API host, e.g. https://abc1234xyz.re.qweatherapi.com (default https://devapi.qweather.com); /v7 is added when missing",
            set_by: ParamOwner::Group,
            required: false,
        },
        TemplateParam {
            name: "allow_private_networks",
            description: "true lets hefeng_api_base name loopback and private addresses (cloud metadata addresses stay refused); for a QWeather proxy inside the network",
            set_by: ParamOwner::Admin,
            required: false,
        },
        TemplateParam {
            name: "timeout",
            description: "Request timeout in seconds, 1 to 120 (default 30)",
            set_by: ParamOwner::Admin,
            required: false,
        },
    ],
    catalogue: Catalogue {
        display_name: "Hefeng Weather",
        display_name_zh: "和风天气",
        description_zh: "和风天气：中国各地的实时天气、逐小时预报与逐日预报",
        tags: &["weather", "forecast", "china"],
        readme: HEFENG_README,
        logo: "https://www.qweather.com/favicon.ico",
        homepage: "https://www.qweather.com/",
        fixture: false,
    },
};

const HEFENG_README: &str = "\
# Hefeng Weather (和风天气)

One tool, `get-weather`: the weather at a point in China (`location` as `longitude,latitude`, \
e.g. `116.40,39.90`, or a QWeather location id), for `days` one of `now` (default), `24h`, `72h`, \
`168h` (hourly) or `3d`, `7d`, `10d`, `15d`, `30d` (daily). Longer forecasts need a paid plan.

## Parameters

- `hefeng_api_key` (each group): create a project and an API KEY credential at \
[console.qweather.com](https://console.qweather.com/) (项目管理 → 创建项目 → API KEY).
- `hefeng_api_base` (each group): the account's **API Host**, shown under 设置 in the console, \
e.g. `https://abc1234xyz.re.qweatherapi.com`. Older keys work with the default \
`https://devapi.qweather.com`; `/v7` is appended when missing.
- `allow_private_networks` (admin): lets `hefeng_api_base` point inside the network (a proxy); off \
by default because groups set the host.
- `timeout` (admin): seconds per request, default 30.

QWeather's errors (401 bad key, 402 quota exceeded, 403 no access to this API) come back as tool errors.
";

const DEFAULT_BASE_URL: &str = "https://devapi.qweather.com";
const HOURLY: &[&str] = &["24h", "72h", "168h"];
const DAILY: &[&str] = &["3d", "7d", "10d", "15d", "30d"];

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let key = required_param(params, "hefeng_api_key")?;
    let mut base_url = url_param(params, "hefeng_api_base", DEFAULT_BASE_URL)?
        .trim_end_matches('/')
        .to_owned();
    if !base_url.ends_with("/v7") {
        base_url.push_str("/v7");
    }
    let timeout = seconds_param(params, "timeout", 30, (1, 120))?;
    // Groups choose the host, so it is held to the address policy like any tenant's URL.
    let http = VendorHttp::guarded(
        "hefeng",
        base_url,
        "hefeng_api_base",
        timeout,
        bool_param(params, "allow_private_networks")?,
    )?
    .with_secret(key.clone());
    Ok(Arc::new(HefengServer { http, key }))
}

struct HefengServer {
    http: VendorHttp,
    key: String,
}

/// What QWeather's `code` means, from its error code table.
fn code_meaning(code: &str) -> &'static str {
    match code {
        "204" => "no data for this location",
        "400" => "bad request (check location)",
        "401" => "authentication failed (check the key and API host)",
        "402" => "quota exceeded or account overdue",
        "403" => "no access (check the key's permissions and the plan)",
        "404" => "location or data not found",
        "429" => "too many requests",
        "500" => "QWeather server error",
        _ => "unexpected answer",
    }
}

fn field<'a>(item: &'a Value, name: &str) -> &'a str {
    item.get(name).and_then(Value::as_str).unwrap_or("-")
}

/// The seed's text layout: one block per hour or day, labelled in Chinese.
fn render(location: &str, days: &str, answer: &Value) -> Result<String, String> {
    let mut text = format!("地点: {location}\n");
    if days == "now" {
        let now = answer
            .get("now")
            .ok_or("the answer has no current weather")?;
        let _ = write!(
            text,
            "观测时间: {}\n天气: {}\n温度: {}°C\n体感温度: {}°C\n湿度: {}%\n风向: {}\n风力: {}级",
            field(now, "obsTime"),
            field(now, "text"),
            field(now, "temp"),
            field(now, "feelsLike"),
            field(now, "humidity"),
            field(now, "windDir"),
            field(now, "windScale"),
        );
        return Ok(text);
    }
    let (list, hourly) = if HOURLY.contains(&days) {
        ("hourly", true)
    } else {
        ("daily", false)
    };
    let items = answer
        .get(list)
        .and_then(Value::as_array)
        .filter(|items| !items.is_empty())
        .ok_or_else(|| format!("no forecast for {location}"))?;
    let _ = writeln!(
        text,
        "{}预报:",
        if hourly {
            format!("{days}小时")
        } else {
            format!("{}天", days.trim_end_matches('d'))
        }
    );
    for item in items {
        if hourly {
            let _ = writeln!(
                text,
                "时间: {}\n天气: {}\n温度: {}°C\n湿度: {}%\n风向: {} {}级\n------------------------",
                field(item, "fxTime"),
                field(item, "text"),
                field(item, "temp"),
                field(item, "humidity"),
                field(item, "windDir"),
                field(item, "windScale"),
            );
        } else {
            let _ = writeln!(
                text,
                "日期: {}\n白天天气: {}\n夜间天气: {}\n最高温度: {}°C\n最低温度: {}°C\n白天风向: {} {}级\n夜间风向: {} {}级\n------------------------",
                field(item, "fxDate"),
                field(item, "textDay"),
                field(item, "textNight"),
                field(item, "tempMax"),
                field(item, "tempMin"),
                field(item, "windDirDay"),
                field(item, "windScaleDay"),
                field(item, "windDirNight"),
                field(item, "windScaleNight"),
            );
        }
    }
    Ok(text)
}

#[async_trait]
impl ToolServer for HefengServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        let mut periods = vec!["now"];
        periods.extend_from_slice(HOURLY);
        periods.extend_from_slice(DAILY);
        Ok(vec![tool(
            "get-weather",
            "Weather forecast for a place in China (获取中国国内的天气预报): now, hourly or daily",
            json!({"type": "object", "properties": {
                "location": {"type": "string", "description": "Longitude,latitude, e.g. 116.40,39.90, or a QWeather location id"},
                "days": {"type": "string", "enum": periods, "default": "now",
                    "description": "now for the current weather, 24h/72h/168h for hourly, 3d/7d/10d/15d/30d for daily forecasts"}
            }, "required": ["location"]}),
        )])
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        if call.name != "get-weather" {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        }
        let Some(location) = text_arg(&call.arguments, "location") else {
            return Ok(missing_arg("location"));
        };
        let days = text_arg(&call.arguments, "days").unwrap_or("now");
        if days != "now" && !HOURLY.contains(&days) && !DAILY.contains(&days) {
            return Ok(tool_error(format!(
                "days must be now, {} or {}",
                HOURLY.join(", "),
                DAILY.join(", ")
            )));
        }
        let query = [("location", location.to_owned()), ("key", self.key.clone())];
        let answer = match self
            .http
            .get_json(&format!("/weather/{days}"), &query)
            .await
        {
            Ok(answer) => answer,
            Err(error) => return Ok(failure("get-weather", error)),
        };
        let code = answer.get("code").and_then(Value::as_str).unwrap_or("");
        if code != "200" {
            return Ok(failure(
                "get-weather",
                format!("qweather code {code}: {}", code_meaning(code)),
            ));
        }
        Ok(match render(location, days, &answer) {
            Ok(text) => text_result(text),
            Err(message) => failure("get-weather", message),
        })
    }
}
