-- Pins of prompts, resources and resource templates beside tools: every baseline and pin names
-- the kind of what it pins (`tool`, `prompt`, `resource` or `resource_template`), and each kind
-- of a server is pinned on its own first listing. `tool_name` holds a tool's or prompt's name, a
-- resource's URI or a template's URI template. Rows written before this migration pin tools.
ALTER TABLE mcp_pin_baselines ADD COLUMN item_kind TEXT NOT NULL DEFAULT 'tool';
ALTER TABLE mcp_pin_baselines DROP CONSTRAINT mcp_pin_baselines_pkey;
ALTER TABLE mcp_pin_baselines ADD PRIMARY KEY (server_id, item_kind);

ALTER TABLE mcp_tool_pins ADD COLUMN item_kind TEXT NOT NULL DEFAULT 'tool';
ALTER TABLE mcp_tool_pins DROP CONSTRAINT mcp_tool_pins_pkey;
ALTER TABLE mcp_tool_pins ADD PRIMARY KEY (server_id, item_kind, tool_name);
