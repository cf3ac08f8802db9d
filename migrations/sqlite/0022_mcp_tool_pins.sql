-- Tool pinning of remote MCP servers (proxied and OpenAPI): what an admin approved, and what
-- the upstream offers instead until the admin reviews it. A server with a row in
-- `mcp_pin_baselines` is pinned: its tools are compared with `mcp_tool_pins` on every listing.
-- Written through the configuration transaction (revision bumped), so every replica reloads
-- the pins.
CREATE TABLE mcp_pin_baselines (
    server_id TEXT PRIMARY KEY,
    pinned_at BIGINT NOT NULL
);

-- One row per tool of a pinned server. `approved_*`: the approved definition (canonical JSON of
-- name, title, description, schemas and annotations) and its SHA-256; NULL for a tool that was
-- never approved. `change_*`: what the upstream offers instead: `change_kind` is `changed`,
-- `new` or `removed` (NULL: nothing), `change_definition` and `change_hash` the offered
-- definition, `change_findings` the poisoning scan's findings (JSON array), `change_status`
-- `pending` or `rejected`, `detected_at` when it was first seen (unix ms).
CREATE TABLE mcp_tool_pins (
    server_id TEXT NOT NULL,
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
    PRIMARY KEY (server_id, tool_name)
);
