-- What a `virtual` MCP server composes besides tools, each a JSON array (empty for other types):
-- `virtual_prompts` ({"server", "prompt", "name"?, "description"?, "defaults"?}, defaults being
-- string arguments set on every prompts/get) and `virtual_resources` ({"server", "uri",
-- "exposed_uri"?, "name"?, "description"?}, `uri` a resource's URI or a URI template).
ALTER TABLE mcp_servers ADD COLUMN virtual_prompts TEXT NOT NULL DEFAULT '[]';
ALTER TABLE mcp_servers ADD COLUMN virtual_resources TEXT NOT NULL DEFAULT '[]';
