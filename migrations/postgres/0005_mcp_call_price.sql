-- mcp_servers.price_per_call: charged to the caller's group for every tool call of the server
-- (TEXT decimal like the other money columns; '0' is free).
ALTER TABLE mcp_servers ADD COLUMN price_per_call TEXT NOT NULL DEFAULT '0';
