//! Which control-plane RPCs each REST admin route runs: a route is allowed exactly when its RPCs are (`access::policy`).
//!
//! A route missing here is admin-only.

/// `(method, route, RPCs)`: the route as registered (axum's matched path) and every RPC its
/// handler may call. A handler that calls a further RPC only on request (`auto_create_group`)
/// checks that one itself (`access::authorize_current`).
pub const ROUTE_RPCS: &[(&str, &str, &[&str])] = &[
    (
        "GET",
        "/api/channels/type_metas",
        &["ChannelService/ListChannelTypes"],
    ),
    ("GET", "/api/channels/all", &["ChannelService/ListChannels"]),
    ("GET", "/api/channels/", &["ChannelService/ListChannels"]),
    ("GET", "/api/channels", &["ChannelService/ListChannels"]),
    (
        "GET",
        "/api/channels/search",
        &["ChannelService/ListChannels"],
    ),
    ("POST", "/api/channels/", &["ChannelService/CreateChannels"]),
    ("POST", "/api/channels", &["ChannelService/CreateChannels"]),
    ("POST", "/api/channel/", &["ChannelService/CreateChannels"]),
    ("POST", "/api/channel", &["ChannelService/CreateChannels"]),
    ("GET", "/api/channel/{id}", &["ChannelService/GetChannel"]),
    (
        "PUT",
        "/api/channel/{id}",
        &["ChannelService/GetChannel", "ChannelService/UpdateChannel"],
    ),
    (
        "DELETE",
        "/api/channel/{id}",
        &["ChannelService/DeleteChannel"],
    ),
    (
        "POST",
        "/api/channel/{id}/status",
        &["ChannelService/SetChannelStatus"],
    ),
    ("GET", "/api/groups/ip_groups", &["LogService/ListLogs"]),
    (
        "GET",
        "/api/dashboard/{group}/models",
        &[
            "ModelService/ListServedModels",
            "ModelService/ListGroupModelOverrides",
            "ModelService/GetModelConfig",
        ],
    ),
    (
        "POST",
        "/api/channels/import/oneapi",
        &["ChannelService/CreateChannels"],
    ),
    (
        "POST",
        "/api/channels/batch_info",
        &["ChannelService/GetChannel"],
    ),
    (
        "GET",
        "/api/channels/test",
        &["ChannelService/TestChannels"],
    ),
    (
        "POST",
        "/api/tokens/{id}/name",
        &["TokenService/GetToken", "TokenService/UpdateToken"],
    ),
    (
        "POST",
        "/api/token/{group}/{id}/name",
        &["TokenService/GetToken", "TokenService/UpdateToken"],
    ),
    (
        "POST",
        "/api/model_configs/contains",
        &["ModelService/GetModelConfig"],
    ),
    (
        "GET",
        "/api/channel/{id}/test",
        &["ChannelService/TestChannel"],
    ),
    (
        "GET",
        "/api/channel/{id}/test/{*model}",
        &["ChannelService/TestChannel"],
    ),
    ("GET", "/api/groups/", &["GroupService/ListGroups"]),
    ("GET", "/api/groups", &["GroupService/ListGroups"]),
    ("GET", "/api/groups/search", &["GroupService/ListGroups"]),
    ("GET", "/api/group/{group}", &["GroupService/GetGroup"]),
    ("POST", "/api/group/{group}", &["GroupService/CreateGroup"]),
    ("PUT", "/api/group/{group}", &["GroupService/UpdateGroup"]),
    (
        "DELETE",
        "/api/group/{group}",
        &["GroupService/DeleteGroup"],
    ),
    (
        "POST",
        "/api/group/{group}/status",
        &["GroupService/SetGroupStatus"],
    ),
    (
        "GET",
        "/api/dashboard/",
        &["LogService/GetSummary", "LogService/GetCurrentRates"],
    ),
    (
        "GET",
        "/api/dashboard",
        &["LogService/GetSummary", "LogService/GetCurrentRates"],
    ),
    (
        "GET",
        "/api/dashboard/{group}",
        &["LogService/GetSummary", "LogService/GetCurrentRates"],
    ),
    ("GET", "/api/logs/", &["LogService/ListLogs"]),
    ("GET", "/api/logs", &["LogService/ListLogs"]),
    ("GET", "/api/logs/search", &["LogService/ListLogs"]),
    ("GET", "/api/log/{group}", &["LogService/ListLogs"]),
    ("GET", "/api/log/{group}/search", &["LogService/ListLogs"]),
    (
        "GET",
        "/api/model_configs/",
        &["ModelService/ListModelConfigs"],
    ),
    (
        "GET",
        "/api/model_configs",
        &["ModelService/ListModelConfigs"],
    ),
    (
        "GET",
        "/api/model_configs/search",
        &["ModelService/ListModelConfigs"],
    ),
    (
        "GET",
        "/api/model_configs/all",
        &["ModelService/ListModelConfigs"],
    ),
    (
        "GET",
        "/api/model_config/{*model}",
        &["ModelService/GetModelConfig"],
    ),
    (
        "POST",
        "/api/model_configs/",
        &[
            "ModelService/GetModelConfig",
            "ModelService/UpdateModelConfig",
            "ModelService/CreateModelConfig",
        ],
    ),
    (
        "POST",
        "/api/model_configs",
        &[
            "ModelService/GetModelConfig",
            "ModelService/UpdateModelConfig",
            "ModelService/CreateModelConfig",
        ],
    ),
    (
        "POST",
        "/api/model_config/{*model}",
        &[
            "ModelService/GetModelConfig",
            "ModelService/UpdateModelConfig",
            "ModelService/CreateModelConfig",
        ],
    ),
    (
        "DELETE",
        "/api/model_config/{*model}",
        &["ModelService/DeleteModelConfig"],
    ),
    ("GET", "/api/tokens/", &["TokenService/ListTokens"]),
    ("GET", "/api/tokens", &["TokenService/ListTokens"]),
    ("GET", "/api/tokens/search", &["TokenService/ListTokens"]),
    ("GET", "/api/tokens/{id}", &["TokenService/GetToken"]),
    (
        "PUT",
        "/api/tokens/{id}",
        &["TokenService/GetToken", "TokenService/UpdateToken"],
    ),
    (
        "DELETE",
        "/api/tokens/{id}",
        &["TokenService/GetToken", "TokenService/DeleteToken"],
    ),
    (
        "POST",
        "/api/tokens/{id}/status",
        &["TokenService/GetToken", "TokenService/SetTokenStatus"],
    ),
    ("GET", "/api/token/{group}", &["TokenService/ListTokens"]),
    (
        "POST",
        "/api/token/{group}",
        &["TokenService/CreateToken", "TokenService/ListTokens"],
    ),
    (
        "GET",
        "/api/token/{group}/search",
        &["TokenService/ListTokens"],
    ),
    ("GET", "/api/token/{group}/{id}", &["TokenService/GetToken"]),
    (
        "PUT",
        "/api/token/{group}/{id}",
        &["TokenService/GetToken", "TokenService/UpdateToken"],
    ),
    (
        "DELETE",
        "/api/token/{group}/{id}",
        &["TokenService/GetToken", "TokenService/DeleteToken"],
    ),
    (
        "POST",
        "/api/token/{group}/{id}/status",
        &["TokenService/GetToken", "TokenService/SetTokenStatus"],
    ),
    (
        "POST",
        "/api/group/{group}/rpm_ratio",
        &["GroupService/UpdateGroup"],
    ),
    (
        "POST",
        "/api/group/{group}/tpm_ratio",
        &["GroupService/UpdateGroup"],
    ),
    (
        "POST",
        "/api/channels/batch_delete",
        &["ChannelService/BatchDeleteChannels"],
    ),
    (
        "POST",
        "/api/groups/batch_delete",
        &["GroupService/BatchDeleteGroups"],
    ),
    (
        "POST",
        "/api/groups/batch_status",
        &["GroupService/SetGroupStatus"],
    ),
    (
        "POST",
        "/api/tokens/batch_delete",
        &["TokenService/BatchDeleteTokens"],
    ),
    (
        "POST",
        "/api/token/{group}/batch_delete",
        &["TokenService/GetToken", "TokenService/BatchDeleteTokens"],
    ),
    (
        "POST",
        "/api/model_configs/batch_delete",
        &["ModelService/BatchDeleteModelConfigs"],
    ),
    (
        "GET",
        "/api/group/{group}/model_configs/",
        &["ModelService/ListGroupModelOverrides"],
    ),
    (
        "POST",
        "/api/group/{group}/model_configs/",
        &["ModelService/PutGroupModelOverride"],
    ),
    (
        "PUT",
        "/api/group/{group}/model_configs/",
        &["ModelService/PutGroupModelOverride"],
    ),
    (
        "DELETE",
        "/api/group/{group}/model_configs/",
        &["ModelService/DeleteGroupModelOverride"],
    ),
    (
        "GET",
        "/api/group/{group}/model_configs",
        &["ModelService/ListGroupModelOverrides"],
    ),
    (
        "POST",
        "/api/group/{group}/model_configs",
        &["ModelService/PutGroupModelOverride"],
    ),
    (
        "PUT",
        "/api/group/{group}/model_configs",
        &["ModelService/PutGroupModelOverride"],
    ),
    (
        "DELETE",
        "/api/group/{group}/model_configs",
        &["ModelService/DeleteGroupModelOverride"],
    ),
    (
        "GET",
        "/api/group/{group}/model_config/{*model}",
        &["ModelService/GetGroupModelOverride"],
    ),
    (
        "POST",
        "/api/group/{group}/model_config/{*model}",
        &["ModelService/PutGroupModelOverride"],
    ),
    (
        "PUT",
        "/api/group/{group}/model_config/{*model}",
        &["ModelService/PutGroupModelOverride"],
    ),
    (
        "DELETE",
        "/api/group/{group}/model_config/{*model}",
        &["ModelService/DeleteGroupModelOverride"],
    ),
    (
        "GET",
        "/api/models/builtin",
        &["ModelService/ListBuiltinModels"],
    ),
    (
        "GET",
        "/api/models/builtin/channel",
        &["ModelService/ListBuiltinModels"],
    ),
    (
        "GET",
        "/api/models/builtin/channel/{type}",
        &["ModelService/ListBuiltinModels"],
    ),
    ("GET", "/api/models/default", &["OptionService/ListOptions"]),
    (
        "GET",
        "/api/models/default/{type}",
        &["OptionService/ListOptions"],
    ),
    ("GET", "/api/logs/consume_error", &["LogService/ListLogs"]),
    (
        "GET",
        "/api/monitor/group_model_metrics/{group}",
        &["LogService/GetCurrentRates", "TokenService/ListTokens"],
    ),
    (
        "GET",
        "/api/monitor/group_tokenname_model_metrics/{group}",
        &["LogService/GetCurrentRates", "TokenService/ListTokens"],
    ),
    (
        "GET",
        "/api/models/enabled",
        &[
            "ChannelService/ListChannels",
            "ModelService/ListServedModels",
        ],
    ),
    (
        "GET",
        "/api/models/enabled/{set}",
        &[
            "ChannelService/ListChannels",
            "ModelService/ListServedModels",
        ],
    ),
    ("GET", "/api/models/sets", &["ChannelService/ListChannels"]),
    ("GET", "/api/option/", &["OptionService/ListOptions"]),
    ("GET", "/api/option/{key}", &["OptionService/GetOption"]),
    ("PUT", "/api/option/{key}", &["OptionService/SetOption"]),
    ("PUT", "/api/option/", &["OptionService/SetOption"]),
    ("POST", "/api/option/", &["OptionService/SetOption"]),
    ("PUT", "/api/option", &["OptionService/SetOption"]),
    ("POST", "/api/option", &["OptionService/SetOption"]),
    ("POST", "/api/option/batch", &["OptionService/SetOptions"]),
    ("PUT", "/api/option/batch", &["OptionService/SetOptions"]),
    ("DELETE", "/api/logs/", &["LogService/DeleteLogs"]),
    ("DELETE", "/api/logs", &["LogService/DeleteLogs"]),
    ("GET", "/api/logs/export", &["LogService/ExportLogs"]),
    ("GET", "/api/log/{group}/export", &["LogService/ExportLogs"]),
    ("GET", "/api/logs/detail/{log_id}", &["LogService/GetLog"]),
    (
        "GET",
        "/api/log/{group}/detail/{log_id}",
        &["LogService/GetLog"],
    ),
    ("GET", "/api/monitor/", &["LogService/GetRanking"]),
    ("GET", "/api/monitor/models", &["LogService/GetRanking"]),
    (
        "GET",
        "/api/monitor/{id}",
        &["ChannelService/GetChannel", "LogService/GetSummary"],
    ),
    (
        "GET",
        "/api/monitor/banned_channels",
        &["ChannelService/ListChannelBans"],
    ),
    (
        "GET",
        "/api/monitor/bans",
        &["ChannelService/ListChannelBans"],
    ),
    (
        "GET",
        "/api/monitor/runtime_metrics",
        &["LogService/GetCurrentRates"],
    ),
    (
        "DELETE",
        "/api/monitor/",
        &["ChannelService/ClearChannelBans"],
    ),
    (
        "DELETE",
        "/api/monitor/{id}",
        &["ChannelService/ClearChannelBans"],
    ),
    (
        "DELETE",
        "/api/monitor/{id}/{*model}",
        &["ChannelService/ClearChannelBans"],
    ),
    // The MCP test routes call tools as the panel's try-it does.
    (
        "GET",
        "/api/test-embedmcp/{id}/sse",
        &["McpService/CallMcpTool"],
    ),
    (
        "GET",
        "/api/test-embedmcp/{id}",
        &["McpService/CallMcpTool"],
    ),
    (
        "POST",
        "/api/test-embedmcp/{id}",
        &["McpService/CallMcpTool"],
    ),
    (
        "DELETE",
        "/api/test-embedmcp/{id}",
        &["McpService/CallMcpTool"],
    ),
    (
        "GET",
        "/api/test-publicmcp/{group}/{id}/sse",
        &["McpService/CallMcpTool"],
    ),
    ("POST", "/api/test-mcp/message", &["McpService/CallMcpTool"]),
    (
        "GET",
        "/api/mcp/publics/",
        &["McpService/ListMcpServers", "McpService/ListTemplates"],
    ),
    (
        "GET",
        "/api/mcp/publics",
        &["McpService/ListMcpServers", "McpService/ListTemplates"],
    ),
    (
        "POST",
        "/api/mcp/publics/",
        &[
            "McpService/GetMcpServer",
            "McpService/UpdateMcpServer",
            "McpService/CreateMcpServer",
            "McpService/ListTemplates",
        ],
    ),
    (
        "POST",
        "/api/mcp/publics",
        &[
            "McpService/GetMcpServer",
            "McpService/UpdateMcpServer",
            "McpService/CreateMcpServer",
            "McpService/ListTemplates",
        ],
    ),
    (
        "GET",
        "/api/mcp/publics/all",
        &["McpService/ListMcpServers", "McpService/ListTemplates"],
    ),
    (
        "POST",
        "/api/mcp/public/",
        &["McpService/CreateMcpServer", "McpService/ListTemplates"],
    ),
    (
        "POST",
        "/api/mcp/public",
        &["McpService/CreateMcpServer", "McpService/ListTemplates"],
    ),
    (
        "GET",
        "/api/mcp/public/{id}",
        &["McpService/GetMcpServer", "McpService/ListTemplates"],
    ),
    (
        "POST",
        "/api/mcp/public/{id}",
        &[
            "McpService/GetMcpServer",
            "McpService/UpdateMcpServer",
            "McpService/ListTemplates",
        ],
    ),
    (
        "PUT",
        "/api/mcp/public/{id}",
        &[
            "McpService/GetMcpServer",
            "McpService/UpdateMcpServer",
            "McpService/CreateMcpServer",
            "McpService/ListTemplates",
        ],
    ),
    (
        "DELETE",
        "/api/mcp/public/{id}",
        &["McpService/GetMcpServer", "McpService/DeleteMcpServer"],
    ),
    (
        "POST",
        "/api/mcp/public/{id}/status",
        &["McpService/GetMcpServer", "McpService/SetMcpServerStatus"],
    ),
    (
        "GET",
        "/api/mcp/group/all",
        &["McpService/ListMcpServers", "McpService/ListTemplates"],
    ),
    (
        "GET",
        "/api/mcp/group/{group}",
        &["McpService/ListMcpServers", "McpService/ListTemplates"],
    ),
    (
        "POST",
        "/api/mcp/group/{group}",
        &["McpService/CreateMcpServer", "McpService/ListTemplates"],
    ),
    (
        "GET",
        "/api/mcp/group/{group}/{id}",
        &["McpService/GetMcpServer", "McpService/ListTemplates"],
    ),
    (
        "PUT",
        "/api/mcp/group/{group}/{id}",
        &[
            "McpService/GetMcpServer",
            "McpService/UpdateMcpServer",
            "McpService/ListTemplates",
        ],
    ),
    (
        "DELETE",
        "/api/mcp/group/{group}/{id}",
        &["McpService/GetMcpServer", "McpService/DeleteMcpServer"],
    ),
    (
        "POST",
        "/api/mcp/group/{group}/{id}/status",
        &["McpService/GetMcpServer", "McpService/SetMcpServerStatus"],
    ),
    (
        "GET",
        "/api/group/{group}/mcp/",
        &["McpService/ListMcpServers"],
    ),
    (
        "GET",
        "/api/group/{group}/mcp",
        &["McpService/ListMcpServers"],
    ),
    (
        "GET",
        "/api/group/{group}/mcp/{id}",
        &[
            "McpService/GetMcpServer",
            "McpService/GetGroupMcpParams",
            "McpService/ListTemplates",
            "McpService/ListMcpServerTools",
        ],
    ),
    (
        "GET",
        "/api/mcp/public/{id}/group/{group}/params",
        &["McpService/GetGroupMcpParams"],
    ),
    (
        "POST",
        "/api/mcp/public/{id}/group/{group}/params",
        &["McpService/SetGroupMcpParams"],
    ),
    (
        "GET",
        "/api/embedmcp/",
        &["McpService/ListTemplates", "McpService/GetMcpServer"],
    ),
    (
        "GET",
        "/api/embedmcp",
        &["McpService/ListTemplates", "McpService/GetMcpServer"],
    ),
    (
        "POST",
        "/api/embedmcp/",
        &[
            "McpService/ListTemplates",
            "McpService/GetMcpServer",
            "McpService/UpdateMcpServer",
            "McpService/CreateMcpServer",
        ],
    ),
    (
        "POST",
        "/api/embedmcp",
        &[
            "McpService/ListTemplates",
            "McpService/GetMcpServer",
            "McpService/UpdateMcpServer",
            "McpService/CreateMcpServer",
        ],
    ),
    (
        "GET",
        "/api/channel/{id}/update_balance",
        &["ChannelService/UpdateChannelBalance"],
    ),
    (
        "GET",
        "/api/channels/update_balance",
        &[
            "ChannelService/ListChannels",
            "ChannelService/UpdateChannelBalance",
        ],
    ),
    (
        "POST",
        "/api/channel/test-preview",
        &["ChannelService/PreviewChannelTest"],
    ),
    (
        "POST",
        "/api/channel/test-preview-all",
        &["ChannelService/PreviewChannelTest"],
    ),
    (
        "GET",
        "/api/monitor/group_summary_metrics",
        &["LogService/GetCurrentRates"],
    ),
    (
        "GET",
        "/api/monitor/group_token_metrics/{group}",
        &["LogService/GetCurrentRates", "TokenService/ListTokens"],
    ),
    (
        "POST",
        "/api/monitor/batch_group_token_metrics",
        &["LogService/GetCurrentRates", "TokenService/ListTokens"],
    ),
    (
        "GET",
        "/api/dashboardv2/",
        &["LogService/GetRanking", "LogService/GetSummary"],
    ),
    (
        "GET",
        "/api/dashboardv2",
        &["LogService/GetRanking", "LogService/GetSummary"],
    ),
    (
        "GET",
        "/api/dashboardv2/{group}",
        &["LogService/GetRanking", "LogService/GetSummary"],
    ),
    (
        "GET",
        "/api/dashboardv3/",
        &[
            "LogService/GetRanking",
            "LogService/GetSummary",
            "LogService/GetCurrentRates",
        ],
    ),
    (
        "GET",
        "/api/dashboardv3",
        &[
            "LogService/GetRanking",
            "LogService/GetSummary",
            "LogService/GetCurrentRates",
        ],
    ),
    (
        "GET",
        "/api/dashboardv3/{group}",
        &[
            "LogService/GetRanking",
            "LogService/GetSummary",
            "LogService/GetCurrentRates",
            "TokenService/ListTokens",
        ],
    ),
    ("GET", "/api/groups/ranking", &["LogService/GetRanking"]),
    (
        "GET",
        "/api/groups/consumption_ranking",
        &["LogService/GetRanking"],
    ),
];

/// The RPCs `method route` runs, `None` for a route missing from the table.
pub fn rpcs_of(method: &str, route: &str) -> Option<&'static [&'static str]> {
    ROUTE_RPCS
        .iter()
        .find(|(known_method, known_route, _)| *known_method == method && *known_route == route)
        .map(|(_, _, rpcs)| *rpcs)
}
