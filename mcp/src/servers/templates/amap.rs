//! The `amap` template: AMap (高德地图) web service API: geocoding, reverse geocoding, IP
//! location, weather, place search and details, distance and directions by foot, bike, car and
//! transit, the tools AMap's own MCP server offers.
//!
//! Every tool is one GET whose query is the call's arguments renamed, so the tools are data
//! ([`TOOLS`]); the answer is the vendor's JSON without its status fields. AMap says failure in
//! the body: v3 with `status: "0"` and `info`, v4 (cycling) with a non-zero `errcode` and
//! `errmsg`.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, JsonObject, Tool};
use serde_json::{Value, json};

use super::vendor_http::VendorHttp;
use super::vendor_tools::{
    failure, json_result, missing_arg, required_param, seconds_param, text_arg, url_param,
};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, tool};
use crate::tool_server::{ToolCall, ToolServer};

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "amap",
    description: "AMap (AutoNavi) maps: geocoding, place search, weather, IP location, distance and route planning",
    params: &[
        TemplateParam {
            name: "key",
            description: "AMap web service key (console.amap.com, application type Web服务)",
            set_by: ParamOwner::Group,
            required: true,
        },
        TemplateParam {
            name: "base_url",
            description: "AMap web service API address (default https://restapi.amap.com)",
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
        display_name: "AMap",
        display_name_zh: "高德地图",
        description_zh: "高德地图：地理编码、地点搜索、天气、IP 定位、距离测量与路线规划",
        tags: &["maps", "geocoding", "weather", "navigation", "china"],
        readme: AMAP_README,
        logo: "https://lbs.amap.com/favicon.ico",
        homepage: "https://lbs.amap.com/",
        fixture: false,
    },
};

const AMAP_README: &str = "\
# AMap (高德地图)

Location services for China from AMap's web service API, the twelve tools of AMap's own MCP server:

| tool | what it does |
|---|---|
| `maps_geo` | address → coordinates |
| `maps_regeocode` | coordinates → address |
| `maps_ip_location` | IP address → province and city |
| `maps_weather` | weather now and forecast for a city |
| `maps_text_search` | places by keyword |
| `maps_around_search` | places around a point |
| `maps_search_detail` | details of a place by its POI id |
| `maps_distance` | distance between points (straight, driving or walking) |
| `maps_direction_walking`, `maps_bicycling`, `maps_direction_driving`, `maps_direction_transit_integrated` | routes |

Coordinates are `longitude,latitude` (GCJ-02).

## Parameters

- `key` (each group): a **Web服务** key. Create one at [console.amap.com](https://console.amap.com/dev/key/app) \
(应用管理 → 创建应用 → 添加 Key, service platform Web服务).
- `base_url` (admin): the API address, `https://restapi.amap.com` unless you route through a proxy.
- `timeout` (admin): seconds per request, default 30.

AMap's errors (an invalid key, an exhausted quota) come back as tool errors with AMap's `info` text.
";

const DEFAULT_BASE_URL: &str = "https://restapi.amap.com";

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let key = required_param(params, "key")?;
    let base_url = url_param(params, "base_url", DEFAULT_BASE_URL)?;
    let timeout = seconds_param(params, "timeout", 30, (1, 120))?;
    let http = VendorHttp::new("amap", base_url, timeout)?.with_secret(key.clone());
    Ok(Arc::new(AmapServer { http, key }))
}

/// One AMap tool: a GET of `path` whose query is the arguments renamed, plus fixed pairs.
struct AmapTool {
    name: &'static str,
    description: &'static str,
    path: &'static str,
    args: &'static [Arg],
    fixed: &'static [(&'static str, &'static str)],
}

/// An argument of a tool: its name, the query parameter it becomes, and whether it is needed.
struct Arg {
    name: &'static str,
    query: &'static str,
    description: &'static str,
    required: bool,
}

const fn required(name: &'static str, query: &'static str, description: &'static str) -> Arg {
    Arg {
        name,
        query,
        description,
        required: true,
    }
}

const fn optional(name: &'static str, query: &'static str, description: &'static str) -> Arg {
    Arg {
        name,
        query,
        description,
        required: false,
    }
}

const ORIGIN: Arg = required(
    "origin",
    "origin",
    "Start point as longitude,latitude, e.g. 116.434307,39.90909",
);
const DESTINATION: Arg = required(
    "destination",
    "destination",
    "End point as longitude,latitude, e.g. 116.434446,39.90816",
);

const TOOLS: &[AmapTool] = &[
    AmapTool {
        name: "maps_regeocode",
        description: "Turn AMap coordinates (longitude,latitude) into an administrative address",
        path: "/v3/geocode/regeo",
        args: &[required(
            "location",
            "location",
            "Longitude,latitude, e.g. 116.481488,39.990464",
        )],
        fixed: &[],
    },
    AmapTool {
        name: "maps_geo",
        description: "Turn a structured address into coordinates; also resolves landmarks and scenic spots",
        path: "/v3/geocode/geo",
        args: &[
            required(
                "address",
                "address",
                "The address to look up, e.g. 北京市朝阳区阜通东大街6号",
            ),
            optional(
                "city",
                "city",
                "City to search in (name, citycode or adcode)",
            ),
        ],
        fixed: &[],
    },
    AmapTool {
        name: "maps_ip_location",
        description: "Locate an IP address: province, city and adcode",
        path: "/v3/ip",
        args: &[required("ip", "ip", "IPv4 address")],
        fixed: &[],
    },
    AmapTool {
        name: "maps_weather",
        description: "Weather now and the forecast for the next days, by city name or adcode",
        path: "/v3/weather/weatherInfo",
        args: &[required("city", "city", "City name or adcode, e.g. 110000")],
        fixed: &[("extensions", "all")],
    },
    AmapTool {
        name: "maps_search_detail",
        description: "Details of a place by the POI id a keyword or around search returned",
        path: "/v3/place/detail",
        args: &[required("id", "id", "POI id")],
        fixed: &[],
    },
    AmapTool {
        name: "maps_bicycling",
        description: "Cycling route between two points (up to 500 km), with distance, time and steps",
        path: "/v4/direction/bicycling",
        args: &[ORIGIN, DESTINATION],
        fixed: &[],
    },
    AmapTool {
        name: "maps_direction_walking",
        description: "Walking route between two points (up to 100 km), with distance, time and steps",
        path: "/v3/direction/walking",
        args: &[ORIGIN, DESTINATION],
        fixed: &[],
    },
    AmapTool {
        name: "maps_direction_driving",
        description: "Driving route between two points, with distance, time, tolls and steps",
        path: "/v3/direction/driving",
        args: &[ORIGIN, DESTINATION],
        fixed: &[],
    },
    AmapTool {
        name: "maps_direction_transit_integrated",
        description: "Public transit (bus, subway, train) routes between two points; cross-city trips need both cities",
        path: "/v3/direction/transit/integrated",
        args: &[
            ORIGIN,
            DESTINATION,
            required("city", "city", "City of the start point (name or citycode)"),
            required("cityd", "cityd", "City of the end point (name or citycode)"),
        ],
        fixed: &[],
    },
    AmapTool {
        name: "maps_distance",
        description: "Distance and travel time from one or more origins to a destination",
        path: "/v3/distance",
        args: &[
            required(
                "origins",
                "origins",
                "Start points as longitude,latitude, several separated by |",
            ),
            required(
                "destination",
                "destination",
                "End point as longitude,latitude",
            ),
            optional(
                "type",
                "type",
                "0 straight line, 1 driving (default), 3 walking",
            ),
        ],
        fixed: &[],
    },
    AmapTool {
        name: "maps_text_search",
        description: "Search places by keyword, optionally within a city",
        path: "/v3/place/text",
        args: &[
            required("keywords", "keywords", "What to search for, e.g. 北京大学"),
            optional("city", "city", "City to search in"),
            optional(
                "citylimit",
                "citylimit",
                "true to return only places inside the city",
            ),
            optional(
                "types",
                "types",
                "POI type codes or names, several separated by |",
            ),
        ],
        fixed: &[],
    },
    AmapTool {
        name: "maps_around_search",
        description: "Search places around a point within a radius",
        path: "/v3/place/around",
        args: &[
            required("location", "location", "Centre as longitude,latitude"),
            optional(
                "radius",
                "radius",
                "Radius in metres (default 3000, at most 50000)",
            ),
            optional("keywords", "keywords", "What to search for"),
        ],
        fixed: &[],
    },
];

struct AmapServer {
    http: VendorHttp,
    key: String,
}

impl AmapTool {
    fn definition(&self) -> Tool {
        let properties: serde_json::Map<String, Value> = self
            .args
            .iter()
            .map(|arg| {
                (
                    arg.name.to_owned(),
                    json!({"type": "string", "description": arg.description}),
                )
            })
            .collect();
        let required: Vec<&str> = self
            .args
            .iter()
            .filter(|arg| arg.required)
            .map(|arg| arg.name)
            .collect();
        tool(
            self.name,
            self.description,
            json!({"type": "object", "properties": properties, "required": required}),
        )
    }

    /// The query for a call, or the name of a required argument it lacks. Numbers are
    /// accepted where strings are expected: models send `radius: 1000` as often as `"1000"`.
    fn query(
        &self,
        arguments: &Option<JsonObject>,
    ) -> Result<Vec<(&'static str, String)>, &'static str> {
        let mut query = Vec::with_capacity(self.args.len() + self.fixed.len() + 1);
        for arg in self.args {
            let value = text_arg(arguments, arg.name)
                .map(str::to_owned)
                .or_else(|| {
                    let value = arguments.as_ref()?.get(arg.name)?;
                    (value.is_number() || value.is_boolean()).then(|| value.to_string())
                });
            match value {
                Some(value) => query.push((arg.query, value)),
                None if arg.required => return Err(arg.name),
                None => {}
            }
        }
        query.extend(
            self.fixed
                .iter()
                .map(|(name, value)| (*name, (*value).to_owned())),
        );
        Ok(query)
    }
}

/// AMap's failure in a 200 answer: v3's `status: "0"` with `info`, v4's `errcode` with `errmsg`.
fn vendor_failure(answer: &Value) -> Option<String> {
    if answer.get("status").and_then(Value::as_str) == Some("0") {
        let info = answer
            .get("info")
            .and_then(Value::as_str)
            .unwrap_or("unknown error");
        let code = answer.get("infocode").and_then(Value::as_str).unwrap_or("");
        return Some(if code.is_empty() {
            info.to_owned()
        } else {
            format!("{info} (infocode {code})")
        });
    }
    match answer.get("errcode").and_then(Value::as_i64) {
        Some(code) if code != 0 => {
            let message = answer
                .get("errmsg")
                .and_then(Value::as_str)
                .unwrap_or("unknown error");
            Some(format!("{message} (errcode {code})"))
        }
        _ => None,
    }
}

/// The answer without the envelope's status fields (v4 wraps its payload in `data`).
fn payload(mut answer: Value) -> Value {
    if let Some(object) = answer.as_object_mut() {
        for field in [
            "status",
            "info",
            "infocode",
            "errcode",
            "errmsg",
            "errdetail",
        ] {
            object.remove(field);
        }
        if object.len() == 1
            && let Some(data) = object.remove("data")
        {
            return data;
        }
    }
    answer
}

#[async_trait]
impl ToolServer for AmapServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(TOOLS.iter().map(AmapTool::definition).collect())
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let Some(spec) = TOOLS.iter().find(|spec| spec.name == call.name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        };
        let mut query = match spec.query(&call.arguments) {
            Ok(query) => query,
            Err(missing) => return Ok(missing_arg(missing)),
        };
        query.push(("key", self.key.clone()));
        let answer = match self.http.get_json(spec.path, &query).await {
            Ok(answer) => answer,
            Err(error) => return Ok(failure(spec.name, error)),
        };
        if let Some(message) = vendor_failure(&answer) {
            return Ok(failure(
                spec.name,
                format!("amap: {}", self.http.redact(&message)),
            ));
        }
        Ok(json_result(&payload(answer)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_failure_shapes_are_read() {
        assert_eq!(
            vendor_failure(
                &json!({"status": "0", "info": "INVALID_USER_KEY", "infocode": "10001"})
            ),
            Some("INVALID_USER_KEY (infocode 10001)".to_owned())
        );
        assert_eq!(
            vendor_failure(&json!({"errcode": 10001, "errmsg": "INVALID_USER_KEY", "data": ""})),
            Some("INVALID_USER_KEY (errcode 10001)".to_owned())
        );
        assert_eq!(vendor_failure(&json!({"status": "1", "info": "OK"})), None);
        assert_eq!(vendor_failure(&json!({"errcode": 0, "data": {}})), None);
        assert_eq!(
            payload(json!({"errcode": 0, "errmsg": "OK", "data": {"paths": []}})),
            json!({"paths": []})
        );
    }
}
