-- mcp_servers.required_group_params: names of the parameters every group must supply (its own
-- API key for a public server, say) before the server is offered to it; a JSON array of names.
ALTER TABLE mcp_servers ADD COLUMN required_group_params TEXT NOT NULL DEFAULT '[]';
