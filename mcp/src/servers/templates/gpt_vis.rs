//! The `gpt-vis` template: charts and diagrams rendered by AntV's GPT-Vis service (the service
//! behind `@antv/mcp-server-chart`): fifteen chart tools, one POST each, answered with the
//! rendered chart's image URL.
//!
//! The service takes the call's arguments as they are plus the chart `type`; it answers
//! `{"success": bool, "resultObj": url, "errorMessage": ...}` and says failure there.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, Tool};
use serde_json::{Value, json};

use super::vendor_http::VendorHttp;
use super::vendor_tools::{failure, seconds_param, text_result, url_param};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, tool};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "gpt-vis",
    description: "Charts and diagrams (line, column, pie, radar, mind map, flow and more) rendered by AntV GPT-Vis",
    params: &[
        TemplateParam {
            name: "vis_request_server",
            description: "The chart rendering endpoint (default https://antv-studio.alipay.com/api/gpt-vis, a free service)",
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
        display_name: "GPT-Vis Charts",
        display_name_zh: "可视化图表",
        description_zh: "使用蚂蚁 AntV GPT-Vis 生成图表：折线图、柱状图、饼图、雷达图、思维导图、流程图等",
        tags: &["chart", "visualization", "diagram"],
        readme: GPT_VIS_README,
        logo: "https://github.com/antvis.png",
        homepage: "https://github.com/antvis/mcp-server-chart",
        fixture: false,
    },
};

const GPT_VIS_README: &str = "\
# GPT-Vis charts (可视化图表)

Fifteen tools that render a chart from data and return the chart's image URL: \
`generate_line_chart`, `generate_column_chart`, `generate_area_chart`, `generate_pie_chart`, \
`generate_bar_chart`, `generate_histogram_chart`, `generate_scatter_chart`, \
`generate_word_cloud_chart`, `generate_radar_chart`, `generate_treemap_chart`, \
`generate_dual_axes_chart`, `generate_mind_map`, `generate_network_graph`, \
`generate_flow_diagram` and `generate_fishbone_diagram`. Each takes its `data` (and a title, \
size and theme) in the shape AntV's [mcp-server-chart](https://github.com/antvis/mcp-server-chart) documents.

## Parameters

- `vis_request_server` (admin): the rendering endpoint. The default, \
`https://antv-studio.alipay.com/api/gpt-vis`, is AntV's free public service and needs no key; \
point it at a private deployment of GPT-Vis SSR to keep chart data in house.
- `timeout` (admin): seconds per chart, default 30.
";

const DEFAULT_ENDPOINT: &str = "https://antv-studio.alipay.com/api/gpt-vis";

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let endpoint = url_param(params, "vis_request_server", DEFAULT_ENDPOINT)?;
    let timeout = seconds_param(params, "timeout", 30, (1, 120))?;
    let http = VendorHttp::new("gpt-vis", endpoint.clone(), timeout)?;
    Ok(Arc::new(GptVisServer { http, endpoint }))
}

struct GptVisServer {
    http: VendorHttp,
    endpoint: String,
}

/// What the `data` argument must be for a chart type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DataShape {
    /// A non-empty array.
    List,
    /// An object with `nodes` and `edges`.
    Graph,
    /// A tree: an object with `name` and `children`.
    Tree,
    /// No `data`: dual axes take `categories` and `series`.
    DualAxes,
}

/// One chart tool: its name, the service's chart type, a description and its own properties.
struct Chart {
    name: &'static str,
    chart_type: &'static str,
    description: &'static str,
    shape: DataShape,
    properties: fn() -> Value,
    axes: bool,
}

const CHARTS: &[Chart] = &[
    Chart {
        name: "generate_line_chart",
        chart_type: "line",
        description: "Generate a line chart to show trends over time, such as how the ratio of Apple computer sales to Apple's profits changed from 2000 to 2016",
        shape: DataShape::List,
        properties: || series_properties("time", "string", "[{ time: '2015', value: 23 }]", "line"),
        axes: true,
    },
    Chart {
        name: "generate_column_chart",
        chart_type: "column",
        description: "Generate a column chart, best for comparing categorical data: when values are close, heights are easier to judge than areas or angles",
        shape: DataShape::List,
        properties: || grouped_properties("[{ category: '北京', value: 825, group: '油车' }]"),
        axes: true,
    },
    Chart {
        name: "generate_area_chart",
        chart_type: "area",
        description: "Generate an area chart to show data trends under a continuous independent variable and the overall trend, such as velocity over time",
        shape: DataShape::List,
        properties: || {
            series_properties("time", "string", "[{ time: '2018', value: 99.9 }]", "area")
        },
        axes: true,
    },
    Chart {
        name: "generate_pie_chart",
        chart_type: "pie",
        description: "Generate a pie chart to show the proportion of parts, such as market share and budget allocation",
        shape: DataShape::List,
        properties: || {
            json!({
                "data": list("[{ category: '分类一', value: 27 }]", &[("category", "string"), ("value", "number")], &["category", "value"]),
                "innerRadius": {"type": "number", "default": 0, "description": "Inner radius between 0 and 1; 0.6 makes a donut chart"}
            })
        },
        axes: false,
    },
    Chart {
        name: "generate_bar_chart",
        chart_type: "bar",
        description: "Generate a bar chart to compare numbers among categories, horizontally",
        shape: DataShape::List,
        properties: || grouped_properties("[{ category: '分类一', value: 10 }]"),
        axes: true,
    },
    Chart {
        name: "generate_histogram_chart",
        chart_type: "histogram",
        description: "Generate a histogram to show how values are distributed over ranges: normal or skewed distributions, concentrations and extremes",
        shape: DataShape::List,
        properties: || {
            json!({
                "data": {"type": "array", "items": {"type": "number"}, "minItems": 1, "description": "The values, such as [78, 88, 60, 100, 95]"},
                "binNumber": {"type": "number", "description": "Number of intervals"}
            })
        },
        axes: true,
    },
    Chart {
        name: "generate_scatter_chart",
        chart_type: "scatter",
        description: "Generate a scatter chart to show the relationship between two variables: correlation and distribution patterns",
        shape: DataShape::List,
        properties: || json!({"data": list("[{ x: 10, y: 15 }]", &[("x", "number"), ("y", "number")], &["x", "y"])}),
        axes: true,
    },
    Chart {
        name: "generate_word_cloud_chart",
        chart_type: "word-cloud",
        description: "Generate a word cloud to show word frequency or weight through text size, such as common words in reviews",
        shape: DataShape::List,
        properties: || json!({"data": list("[{ value: 4.27, text: '形成' }]", &[("text", "string"), ("value", "number")], &["text", "value"])}),
        axes: false,
    },
    Chart {
        name: "generate_radar_chart",
        chart_type: "radar",
        description: "Generate a radar chart to compare several items on four or more dimensions, such as phones on ease of use, camera and battery life",
        shape: DataShape::List,
        properties: || json!({"data": list("[{ name: 'Design', value: 70 }]", &[("name", "string"), ("value", "number"), ("group", "string")], &["name", "value"])}),
        axes: false,
    },
    Chart {
        name: "generate_treemap_chart",
        chart_type: "treemap",
        description: "Generate a treemap to show hierarchical data and compare items on the same level, such as disk space usage",
        shape: DataShape::List,
        properties: || {
            json!({"data": {"type": "array", "minItems": 1, "items": {"type": "object"},
                "description": "Nodes with name, value and optional children, such as [{ name: 'Design', value: 70, children: [{ name: 'Tech', value: 20 }] }]"}})
        },
        axes: false,
    },
    Chart {
        name: "generate_dual_axes_chart",
        chart_type: "dual-axes",
        description: "Generate a dual axes chart combining two chart types, typically columns and a line, to show comparison and trend together, such as sales and profit over time",
        shape: DataShape::DualAxes,
        properties: || {
            json!({
                "categories": {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "The x-axis categories, such as ['2015', '2016', '2017']"},
                "series": {"type": "array", "minItems": 1, "items": {"type": "object", "properties": {
                    "type": {"type": "string", "enum": ["column", "line"]},
                    "data": {"type": "array", "items": {"type": "number"}},
                    "axisYTitle": {"type": "string"}
                }, "required": ["type", "data"]}, "description": "One column series and one line series, such as [{ type: 'column', data: [91.9, 99.1] }]"}
            })
        },
        axes: true,
    },
    Chart {
        name: "generate_mind_map",
        chart_type: "mind-map",
        description: "Generate a mind map: a central topic with branches of subtopics",
        shape: DataShape::Tree,
        properties: || json!({"data": tree("{ name: 'main topic', children: [{ name: 'topic 1', children: [{ name: 'subtopic 1-1' }] }] }")}),
        axes: false,
    },
    Chart {
        name: "generate_network_graph",
        chart_type: "network-graph",
        description: "Generate a network graph to show relationships (edges) between entities (nodes), such as people in a social network",
        shape: DataShape::Graph,
        properties: || json!({"data": graph()}),
        axes: false,
    },
    Chart {
        name: "generate_flow_diagram",
        chart_type: "flow-diagram",
        description: "Generate a flow diagram to show the steps and decisions of a process",
        shape: DataShape::Graph,
        properties: || json!({"data": graph()}),
        axes: false,
    },
    Chart {
        name: "generate_fishbone_diagram",
        chart_type: "fishbone-diagram",
        description: "Generate a fishbone diagram: a core problem as the head and its causes or effects as the bones",
        shape: DataShape::Tree,
        properties: || json!({"data": tree("{ name: 'problem', children: [{ name: 'cause 1', children: [{ name: 'sub-cause 1-1' }] }] }")}),
        axes: false,
    },
];

fn list(example: &str, fields: &[(&str, &str)], required: &[&str]) -> Value {
    let properties: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(name, kind)| ((*name).to_owned(), json!({"type": kind})))
        .collect();
    json!({"type": "array", "minItems": 1, "description": format!("The data, such as {example}"),
        "items": {"type": "object", "properties": properties, "required": required}})
}

fn tree(example: &str) -> Value {
    json!({"type": "object", "description": format!("The tree, such as {example}"),
        "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"type": "object"}}},
        "required": ["name"]})
}

fn graph() -> Value {
    json!({"type": "object", "description": "Nodes and edges, such as { nodes: [{ name: 'A' }, { name: 'B' }], edges: [{ source: 'A', target: 'B', name: 'knows' }] }",
        "properties": {
            "nodes": {"type": "array", "minItems": 1, "items": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}},
            "edges": {"type": "array", "items": {"type": "object", "properties": {
                "source": {"type": "string"}, "target": {"type": "string"}, "name": {"type": "string"}}, "required": ["source", "target"]}}
        },
        "required": ["nodes", "edges"]})
}

/// Line and area charts: a value over time, optionally stacked by group.
fn series_properties(x: &str, x_type: &str, example: &str, chart: &str) -> Value {
    json!({
        "data": list(example, &[(x, x_type), ("value", "number"), ("group", "string")], &[x, "value"]),
        "stack": {"type": "boolean", "default": false, "description": format!("Stack the series; {chart} charts then need a group field in the data")}
    })
}

/// Column and bar charts: a value per category, optionally grouped or stacked.
fn grouped_properties(example: &str) -> Value {
    json!({
        "data": list(example, &[("category", "string"), ("value", "number"), ("group", "string")], &["category", "value"]),
        "group": {"type": "boolean", "default": false, "description": "Group by the data's group field (then stack is false)"},
        "stack": {"type": "boolean", "default": false, "description": "Stack by the data's group field (then group is false)"}
    })
}

impl Chart {
    fn definition(&self) -> Tool {
        let mut properties = match (self.properties)() {
            Value::Object(properties) => properties,
            _ => serde_json::Map::new(),
        };
        let common = json!({
            "theme": {"type": "string", "enum": ["default", "academy"], "default": "default", "description": "The chart's theme"},
            "width": {"type": "number", "default": 600, "description": "Width in pixels"},
            "height": {"type": "number", "default": 400, "description": "Height in pixels"},
            "title": {"type": "string", "default": "", "description": "The chart's title"}
        });
        if let Value::Object(common) = common {
            properties.extend(common);
        }
        if self.axes {
            properties.insert(
                "axisXTitle".to_owned(),
                json!({"type": "string", "default": "", "description": "The x-axis title"}),
            );
            properties.insert(
                "axisYTitle".to_owned(),
                json!({"type": "string", "default": "", "description": "The y-axis title"}),
            );
        }
        let required = match self.shape {
            DataShape::DualAxes => json!(["categories", "series"]),
            _ => json!(["data"]),
        };
        tool(
            self.name,
            self.description,
            json!({"type": "object", "properties": properties, "required": required}),
        )
    }

    /// Why the call's arguments cannot make this chart, if they cannot.
    fn refusal(&self, arguments: &serde_json::Map<String, Value>) -> Option<&'static str> {
        let non_empty_list = |name: &str| {
            arguments
                .get(name)
                .and_then(Value::as_array)
                .is_some_and(|items| !items.is_empty())
        };
        let data = arguments.get("data");
        let (acceptable, refusal) = match self.shape {
            DataShape::List => (non_empty_list("data"), "data must be a non-empty array"),
            DataShape::Graph => (
                data.and_then(|data| data.get("nodes"))
                    .and_then(Value::as_array)
                    .is_some_and(|nodes| !nodes.is_empty()),
                "data must be an object with nodes and edges",
            ),
            DataShape::Tree => (
                data.and_then(|data| data.get("name"))
                    .is_some_and(Value::is_string),
                "data must be a tree: an object with a name and children",
            ),
            DataShape::DualAxes => (
                non_empty_list("categories") && non_empty_list("series"),
                "categories and series must be non-empty arrays",
            ),
        };
        (!acceptable).then_some(refusal)
    }
}

#[async_trait]
impl ToolServer for GptVisServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(CHARTS.iter().map(Chart::definition).collect())
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let Some(chart) = CHARTS.iter().find(|chart| chart.name == call.name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        };
        let mut request = call.arguments.unwrap_or_default();
        if let Some(refusal) = chart.refusal(&request) {
            return Ok(tool_error(format!("invalid parameters: {refusal}")));
        }
        request.insert("type".to_owned(), json!(chart.chart_type));
        request.insert("source".to_owned(), json!("mcp-server-chart"));
        let answer = match self
            .http
            .post_json_to(&self.endpoint, &Value::Object(request))
            .await
        {
            Ok(answer) => answer,
            Err(error) => return Ok(failure(chart.name, error)),
        };
        let text = |name: &str| answer.get(name).and_then(Value::as_str).unwrap_or("");
        if answer.get("success").and_then(Value::as_bool) != Some(true) {
            let message = match text("errorMessage") {
                "" => "the service gave no reason",
                message => message,
            };
            let mut detail = format!("gpt-vis: {}", self.http.redact(message));
            if !text("errorCode").is_empty() {
                detail.push_str(&format!(" (errorCode {})", text("errorCode")));
            }
            return Ok(failure(chart.name, detail));
        }
        match text("resultObj") {
            "" => Ok(failure(chart.name, "gpt-vis: the answer has no chart URL")),
            url => Ok(text_result(url)),
        }
    }
}
