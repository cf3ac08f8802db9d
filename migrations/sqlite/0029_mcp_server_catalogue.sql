-- Catalogue metadata of an MCP server, as a JSON object: display names (`display_name`,
-- `display_name_zh`), descriptions (`description`, `description_zh`), `tags` (array), `readme`
-- (Markdown), `logo`, `homepage` and, for a `docs` server (an entry describing a server users
-- run elsewhere, listed and never served), `install`. Absent keys are empty; rows written
-- before this migration have an empty entry.
ALTER TABLE mcp_servers ADD COLUMN catalogue TEXT NOT NULL DEFAULT '{}';
