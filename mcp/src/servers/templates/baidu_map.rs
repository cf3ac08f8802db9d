//! The `baidu-map` template: Baidu Maps (百度地图) web service API: geocoding, reverse
//! geocoding, place search and details, distance matrix, directions, weather, IP location,
//! road traffic and POI extraction from text, the ten tools of Baidu's own MCP server.
//!
//! Authentication is the `ak` query parameter, as in the seed (no SN signature). Baidu says
//! failure in the body with a non-zero `status` and a `message` (or `msg`); that text becomes
//! the tool error.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, Tool};
use serde_json::{Value, json};

use super::vendor_http::{VendorError, VendorHttp};
use super::vendor_tools::{
    failure, json_result, number_arg, required_param, seconds_param, strings_arg, text_arg,
    url_param,
};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, tool};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "baidu-map",
    description: "Baidu Maps: geocoding, place search, directions, distance matrix, weather, IP location and road traffic",
    params: &[
        TemplateParam {
            name: "baidu_map_api_key",
            description: "Baidu Maps server-side AK (lbsyun.baidu.com console, application type 服务端)",
            set_by: ParamOwner::Group,
            required: true,
        },
        TemplateParam {
            name: "base_url",
            description: "Baidu Maps API address (default https://api.map.baidu.com)",
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
        display_name: "Baidu Maps",
        display_name_zh: "百度地图",
        description_zh: "百度地图：地理编码、地点检索、路线规划、批量算路、天气、IP 定位与实时路况",
        tags: &["maps", "geocoding", "weather", "traffic", "china"],
        readme: BAIDU_README,
        logo: "https://lbsyun.baidu.com/favicon.ico",
        homepage: "https://lbsyun.baidu.com/",
        fixture: false,
    },
};

const BAIDU_README: &str = "\
# Baidu Maps (百度地图)

The ten tools of Baidu Maps' MCP server, on Baidu's web service API:

| tool | what it does |
|---|---|
| `map_geocode` | address → coordinates |
| `map_reverse_geocode` | coordinates → address, nearby places and roads |
| `map_search_places` | places by keyword in a region, a rectangle or around a point |
| `map_place_details` | details of a place by its uid |
| `map_distance_matrix` | distances and times between several origins and destinations |
| `map_directions` | a route by car, foot, bike or transit |
| `map_weather` | weather now and for the next days, by district code or coordinates |
| `map_ip_location` | IP address → city |
| `map_road_traffic` | live congestion of a road, a rectangle, a polygon or around a point |
| `map_poi_extract` | places mentioned in a text, as a marked map |

Coordinates are BD-09 (`latitude,longitude` for routes, as Baidu's API documents each field).

## Parameters

- `baidu_map_api_key` (each group): a **服务端** AK. Create one at \
[lbsyun.baidu.com → 控制台 → 应用管理](https://lbsyun.baidu.com/apiconsole/key) with the IP whitelist \
or `0.0.0.0/0`; requests are authenticated by `ak` only (no SN signature).
- `base_url` (admin): the API address, `https://api.map.baidu.com` unless you route through a proxy.
- `timeout` (admin): seconds per request, default 30.

Baidu's errors (an invalid AK, an exhausted quota) come back as tool errors with Baidu's message.
";

const DEFAULT_BASE_URL: &str = "https://api.map.baidu.com";
/// The device id Baidu's own MCP server sends with POI extraction requests.
const POI_EXTRACT_DEVICE_ID: &str = "75274677";
/// POI extraction is asynchronous: the result is polled this often, this many times.
const POI_POLL_INTERVAL: Duration = Duration::from_secs(1);
const POI_POLLS: usize = 20;

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let key = required_param(params, "baidu_map_api_key")?;
    let base_url = url_param(params, "base_url", DEFAULT_BASE_URL)?;
    let timeout = seconds_param(params, "timeout", 30, (1, 120))?;
    let http = VendorHttp::new("baidu", base_url, timeout)?.with_secret(key.clone());
    Ok(Arc::new(BaiduMapServer { http, key }))
}

struct BaiduMapServer {
    http: VendorHttp,
    key: String,
}

/// A call turned into a request (path and query), or why it ends before any request.
type Planned = Result<(String, Vec<(&'static str, String)>), String>;

impl BaiduMapServer {
    /// GETs `path` and unwraps Baidu's envelope.
    async fn get(
        &self,
        path: &str,
        mut query: Vec<(&'static str, String)>,
    ) -> Result<Value, String> {
        query.push(("ak", self.key.clone()));
        let answer = self.http.get_json(path, &query).await;
        self.unwrap_envelope(answer)
    }

    async fn post(
        &self,
        path: &str,
        mut form: Vec<(&'static str, String)>,
    ) -> Result<Value, String> {
        form.push(("ak", self.key.clone()));
        let answer = self.http.post_form(path, &form).await;
        self.unwrap_envelope(answer)
    }

    fn unwrap_envelope(&self, answer: Result<Value, VendorError>) -> Result<Value, String> {
        let answer = answer.map_err(|error| error.to_string())?;
        match vendor_failure(&answer) {
            Some(message) => Err(format!("baidu: {}", self.http.redact(&message))),
            None => Ok(payload(answer)),
        }
    }

    /// POI extraction: submit the text, then poll for the marked map.
    async fn poi_extract(&self, call: &ToolCall) -> Result<Value, String> {
        let Some(text) = text_arg(&call.arguments, "textContent") else {
            return Err("textContent is required".to_owned());
        };
        let submitted = self
            .post(
                "/api_mark/v1/submit",
                vec![
                    ("text_content", text.to_owned()),
                    ("id", POI_EXTRACT_DEVICE_ID.to_owned()),
                    ("msg_type", "text".to_owned()),
                ],
            )
            .await?;
        let Some(map_id) = submitted.get("map_id").and_then(Value::as_str) else {
            return Err("baidu: the submission returned no map_id".to_owned());
        };
        for poll in 0..POI_POLLS {
            if poll > 0 {
                tokio::select! {
                    () = call.cancel.cancelled() => return Err("cancelled".to_owned()),
                    () = tokio::time::sleep(POI_POLL_INTERVAL) => {}
                }
            }
            let result = self
                .post("/api_mark/v1/result", vec![("map_id", map_id.to_owned())])
                .await?;
            if let Some(first) = result
                .get("data")
                .and_then(Value::as_array)
                .and_then(|data| data.first())
            {
                let link = first.get("link").cloned().unwrap_or(Value::Null);
                return Ok(json!({
                    "jumpUrl": link.get("jump_url"),
                    "title": link.get("title"),
                    "desc": link.get("desc"),
                    "image": link.get("image"),
                    "poi": link.get("poi"),
                }));
            }
        }
        Err("baidu: no POI result yet; try again later".to_owned())
    }
}

fn plan(call: &ToolCall) -> Planned {
    let arguments = &call.arguments;
    let text =
        |name: &'static str| text_arg(arguments, name).ok_or_else(|| format!("{name} is required"));
    let json_output = ("output", "json".to_owned());
    match call.name.as_str() {
        "map_geocode" => Ok((
            "/geocoding/v3/".to_owned(),
            vec![("address", text("address")?.to_owned()), json_output],
        )),
        "map_reverse_geocode" => {
            let (Some(latitude), Some(longitude)) = (
                number_arg(arguments, "latitude"),
                number_arg(arguments, "longitude"),
            ) else {
                return Err("latitude and longitude are required".to_owned());
            };
            Ok((
                "/reverse_geocoding/v3/".to_owned(),
                vec![
                    ("location", format!("{latitude},{longitude}")),
                    ("extensions_poi", "1".to_owned()),
                    json_output,
                ],
            ))
        }
        "map_search_places" => {
            let mut query = vec![("query", text("query")?.to_owned()), json_output];
            for name in ["region", "bounds", "location", "radius", "tag"] {
                if let Some(value) = text_arg(arguments, name) {
                    query.push((name, value.to_owned()));
                } else if let Some(value) = number_arg(arguments, name) {
                    query.push((name, value.to_string()));
                }
            }
            Ok(("/place/v2/search".to_owned(), query))
        }
        "map_place_details" => {
            let mut query = vec![("uid", text("uid")?.to_owned()), json_output];
            if let Some(scope) = text_arg(arguments, "scope") {
                query.push(("scope", scope.to_owned()));
            }
            Ok(("/place/v2/detail".to_owned(), query))
        }
        "map_distance_matrix" => {
            let mode = mode_arg(call, &["driving", "walking", "riding", "motorcycle"])?;
            let origins = strings_arg(arguments, "origins");
            let destinations = strings_arg(arguments, "destinations");
            if origins.is_empty() || destinations.is_empty() {
                return Err("origins and destinations are required".to_owned());
            }
            Ok((
                format!("/routematrix/v2/{mode}"),
                vec![
                    ("origins", origins.join("|")),
                    ("destinations", destinations.join("|")),
                    json_output,
                ],
            ))
        }
        "map_directions" => {
            let mode = mode_arg(call, &["driving", "walking", "riding", "transit"])?;
            Ok((
                format!("/directionlite/v1/{mode}"),
                vec![
                    ("origin", text("origin")?.to_owned()),
                    ("destination", text("destination")?.to_owned()),
                ],
            ))
        }
        "map_weather" => {
            let mut query = vec![
                ("data_type", "all".to_owned()),
                ("coordtype", "bd09ll".to_owned()),
            ];
            match (
                text_arg(arguments, "districtId"),
                text_arg(arguments, "location"),
            ) {
                (Some(district), _) => query.push(("district_id", district.to_owned())),
                (None, Some(location)) => query.push(("location", location.to_owned())),
                (None, None) => return Err("districtId or location is required".to_owned()),
            }
            Ok(("/weather/v1/".to_owned(), query))
        }
        "map_ip_location" => Ok((
            "/location/ip".to_owned(),
            vec![
                ("ip", text("ip")?.to_owned()),
                ("coor", "bd09ll".to_owned()),
            ],
        )),
        "map_road_traffic" => traffic_plan(call),
        other => Err(format!("unknown tool: {other}")),
    }
}

/// Road traffic has four endpoints; which one depends on the arguments given.
fn traffic_plan(call: &ToolCall) -> Planned {
    let arguments = &call.arguments;
    let text = |name: &str| text_arg(arguments, name).map(str::to_owned);
    if let (Some(road), Some(city)) = (text("roadName"), text("city")) {
        return Ok((
            "/traffic/v1/road".to_owned(),
            vec![("road_name", road), ("city", city)],
        ));
    }
    if let Some(bounds) = text("bounds") {
        return Ok(("/traffic/v1/bound".to_owned(), vec![("bounds", bounds)]));
    }
    if let Some(vertexes) = text("vertexes") {
        return Ok((
            "/traffic/v1/polygon".to_owned(),
            vec![("vertexes", vertexes)],
        ));
    }
    if let (Some(center), Some(radius)) = (text("center"), number_arg(arguments, "radius")) {
        return Ok((
            "/traffic/v1/around".to_owned(),
            vec![("center", center), ("radius", radius.to_string())],
        ));
    }
    Err("give roadName and city, bounds, vertexes, or center and radius".to_owned())
}

/// The `mode` argument, one of `allowed` (it becomes a path segment, so nothing else passes).
fn mode_arg(call: &ToolCall, allowed: &[&'static str]) -> Result<&'static str, String> {
    match text_arg(&call.arguments, "mode") {
        None => Ok(allowed[0]),
        Some(mode) => allowed
            .iter()
            .find(|allowed| **allowed == mode)
            .copied()
            .ok_or_else(|| format!("mode must be one of {}", allowed.join(", "))),
    }
}

/// Baidu's failure in a 200 answer: a non-zero `status` (a number, or a digit string in some
/// services) with `message` or `msg`.
fn vendor_failure(answer: &Value) -> Option<String> {
    let status = match answer.get("status")? {
        Value::Number(number) => number.as_i64()?,
        Value::String(text) => text.trim().parse().ok()?,
        _ => return None,
    };
    if status == 0 {
        return None;
    }
    let message = ["message", "msg"]
        .into_iter()
        .find_map(|field| answer.get(field).and_then(Value::as_str))
        .unwrap_or("unknown error");
    Some(format!("{message} (status {status})"))
}

/// The answer without its envelope: `result` alone when that is all there is.
fn payload(mut answer: Value) -> Value {
    if let Some(object) = answer.as_object_mut() {
        for field in ["status", "message", "msg"] {
            object.remove(field);
        }
        if object.len() == 1
            && let Some(result) = object.remove("result")
        {
            return result;
        }
    }
    answer
}

fn tools() -> Vec<Tool> {
    let coordinate = |description: &str| json!({"type": "string", "description": description});
    vec![
        tool(
            "map_geocode",
            "Geocoding: turn an address into coordinates",
            json!({"type": "object", "properties": {
                "address": {"type": "string", "description": "The address, at most 84 bytes; a structured address such as 北京市海淀区上地十街十号 resolves best"}
            }, "required": ["address"]}),
        ),
        tool(
            "map_reverse_geocode",
            "Reverse geocoding: the address, nearby places and roads at a point",
            json!({"type": "object", "properties": {
                "latitude": {"type": "number", "description": "Latitude (BD-09)"},
                "longitude": {"type": "number", "description": "Longitude (BD-09)"}
            }, "required": ["latitude", "longitude"]}),
        ),
        tool(
            "map_search_places",
            "Place search in a city or region, in a rectangle, or around a point",
            json!({"type": "object", "properties": {
                "query": {"type": "string", "description": "What to search for, e.g. 天安门 or 美食"},
                "tag": {"type": "string", "description": "Category filter, e.g. 美食 or 酒店"},
                "region": {"type": "string", "description": "City or region name or code"},
                "bounds": {"type": "string", "description": "Rectangle as lat,lng(south-west),lat,lng(north-east)"},
                "location": {"type": "string", "description": "Centre as latitude,longitude, for a search around a point"},
                "radius": {"type": "number", "description": "Radius in metres around location"}
            }, "required": ["query"]}),
        ),
        tool(
            "map_place_details",
            "Details of a place by the uid a search returned",
            json!({"type": "object", "properties": {
                "uid": {"type": "string", "description": "The place's uid"},
                "scope": {"type": "string", "description": "1 (or empty) for basic information, 2 for details such as ratings and opening hours"}
            }, "required": ["uid"]}),
        ),
        tool(
            "map_distance_matrix",
            "Distances and travel times between several origins and destinations",
            json!({"type": "object", "properties": {
                "origins": {"type": "array", "items": {"type": "string"}, "description": "Start points, each latitude,longitude"},
                "destinations": {"type": "array", "items": {"type": "string"}, "description": "End points, each latitude,longitude"},
                "mode": {"type": "string", "enum": ["driving", "walking", "riding", "motorcycle"], "default": "driving"}
            }, "required": ["origins", "destinations"]}),
        ),
        tool(
            "map_directions",
            "Route planning: distance, time and steps from an origin to a destination",
            json!({"type": "object", "properties": {
                "origin": coordinate("Start as latitude,longitude, at most 6 decimals, e.g. 40.056878,116.30815"),
                "destination": coordinate("End as latitude,longitude, at most 6 decimals"),
                "mode": {"type": "string", "enum": ["driving", "walking", "riding", "transit"], "default": "driving"}
            }, "required": ["origin", "destination"]}),
        ),
        tool(
            "map_weather",
            "Weather now and the forecast for the next five days, by district code or coordinates",
            json!({"type": "object", "properties": {
                "districtId": {"type": "string", "description": "Administrative district code (district or county level)"},
                "location": coordinate("Longitude,latitude (longitude first), e.g. 116.404,39.915")
            }}),
        ),
        tool(
            "map_ip_location",
            "Locate an IP address: city and coordinates",
            json!({"type": "object", "properties": {
                "ip": {"type": "string", "description": "IP address"}
            }, "required": ["ip"]}),
        ),
        tool(
            "map_road_traffic",
            "Live road traffic: congestion, congested sections and trends for a road in a city, a rectangle, a polygon, or around a point",
            json!({"type": "object", "properties": {
                "roadName": {"type": "string", "description": "Road name (with city)"},
                "city": {"type": "string", "description": "City name (with roadName)"},
                "bounds": coordinate("Rectangle as lat,lng;lat,lng (south-west;north-east)"),
                "vertexes": coordinate("Polygon corners, counter-clockwise, as lat,lng;lat,lng;..."),
                "center": coordinate("Centre as latitude,longitude (with radius)"),
                "radius": {"type": "number", "description": "Radius in metres (with center)"}
            }}),
        ),
        tool(
            "map_poi_extract",
            "Find the places a text mentions and return them as a marked map",
            json!({"type": "object", "properties": {
                "textContent": {"type": "string", "description": "Text describing places"}
            }, "required": ["textContent"]}),
        ),
    ]
}

#[async_trait]
impl ToolServer for BaiduMapServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(tools())
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        if !tools().iter().any(|tool| tool.name == call.name) {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        }
        let answer = if call.name == "map_poi_extract" {
            self.poi_extract(&call).await
        } else {
            let (path, query) = match plan(&call) {
                Ok(planned) => planned,
                Err(refusal) => return Ok(tool_error(refusal)),
            };
            self.get(&path, query).await
        };
        Ok(match answer {
            Ok(answer) => json_result(&answer),
            Err(message) => failure(&call.name, message),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_read_from_number_and_string_status() {
        assert_eq!(
            vendor_failure(&json!({"status": 200, "message": "APP不存在，AK有误请检查再重试"})),
            Some("APP不存在，AK有误请检查再重试 (status 200)".to_owned())
        );
        assert_eq!(
            vendor_failure(&json!({"status": "302", "msg": "天配额超限"})),
            Some("天配额超限 (status 302)".to_owned())
        );
        assert_eq!(vendor_failure(&json!({"status": 0, "result": {}})), None);
        assert_eq!(
            payload(json!({"status": 0, "result": {"a": 1}})),
            json!({"a": 1})
        );
    }
}
