-- Upstream OAuth refresh pause, shared by every replica: after a refresh that failed for now
-- (unreachable, timeout, 5xx, 429) no replica tries again before `refresh_paused_until`
-- (unix ms). `refresh_failures` counts such failures in a row (the pause doubles with each);
-- `refresh_failure_class` says what kind of failure the last one was (an HTTP status or "no
-- usable answer", never a token); `refresh_rejected` is 1 once the upstream refused the stored
-- access token during the pause, so it is not sent again before the pause ends. A successful
-- refresh or a new authorization clears all four.
ALTER TABLE mcp_upstream_tokens ADD COLUMN refresh_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mcp_upstream_tokens ADD COLUMN refresh_paused_until BIGINT;
ALTER TABLE mcp_upstream_tokens ADD COLUMN refresh_failure_class TEXT;
ALTER TABLE mcp_upstream_tokens ADD COLUMN refresh_rejected BIGINT NOT NULL DEFAULT 0;
