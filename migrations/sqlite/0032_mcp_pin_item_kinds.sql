-- Pins of prompts, resources and resource templates beside tools: every baseline and pin names
-- the kind of what it pins (`tool`, `prompt`, `resource` or `resource_template`), and each kind
-- of a server is pinned on its own first listing. `tool_name` holds a tool's or prompt's name, a
-- resource's URI or a template's URI template. Rows written before this migration pin tools.
-- SQLite cannot change a primary key in place: both tables are rebuilt.
CREATE TABLE mcp_pin_baselines_by_kind (
    server_id TEXT NOT NULL,
    item_kind TEXT NOT NULL DEFAULT 'tool',
    pinned_at BIGINT NOT NULL,
    PRIMARY KEY (server_id, item_kind)
);
INSERT INTO mcp_pin_baselines_by_kind (server_id, item_kind, pinned_at)
    SELECT server_id, 'tool', pinned_at FROM mcp_pin_baselines;
DROP TABLE mcp_pin_baselines;
ALTER TABLE mcp_pin_baselines_by_kind RENAME TO mcp_pin_baselines;

CREATE TABLE mcp_tool_pins_by_kind (
    server_id TEXT NOT NULL,
    item_kind TEXT NOT NULL DEFAULT 'tool',
    tool_name TEXT NOT NULL,
    approved_hash TEXT,
    approved_definition TEXT,
    approved_at BIGINT,
    change_kind TEXT,
    change_hash TEXT,
    change_definition TEXT,
    change_findings TEXT,
    change_status TEXT,
    detected_at BIGINT,
    PRIMARY KEY (server_id, item_kind, tool_name)
);
INSERT INTO mcp_tool_pins_by_kind (server_id, item_kind, tool_name, approved_hash,
    approved_definition, approved_at, change_kind, change_hash, change_definition,
    change_findings, change_status, detected_at)
    SELECT server_id, 'tool', tool_name, approved_hash, approved_definition, approved_at,
        change_kind, change_hash, change_definition, change_findings, change_status, detected_at
    FROM mcp_tool_pins;
DROP TABLE mcp_tool_pins;
ALTER TABLE mcp_tool_pins_by_kind RENAME TO mcp_tool_pins;
