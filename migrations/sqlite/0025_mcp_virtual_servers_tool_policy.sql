-- Per-tool policy of an MCP server and virtual servers:
-- `tool_prices` a JSON object tool name -> decimal price per call, over `price_per_call`;
-- `group_tools` a JSON object group id -> array of the tool names that group may use (a group
-- not named uses every tool); `virtual_tools` a JSON array of the tools a `virtual` server
-- composes ({"server", "tool", "name"?, "description"?, "defaults"?}), empty for other types.
ALTER TABLE mcp_servers ADD COLUMN tool_prices TEXT NOT NULL DEFAULT '{}';
ALTER TABLE mcp_servers ADD COLUMN group_tools TEXT NOT NULL DEFAULT '{}';
ALTER TABLE mcp_servers ADD COLUMN virtual_tools TEXT NOT NULL DEFAULT '[]';
