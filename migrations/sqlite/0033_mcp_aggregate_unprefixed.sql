-- An MCP server whose tools, prompts, resources, resource templates and task ids the
-- aggregated `/mcp` shows under their own names instead of `{id}__name` (1), or prefixed (0).
ALTER TABLE mcp_servers ADD COLUMN aggregate_unprefixed BIGINT NOT NULL DEFAULT 0;
