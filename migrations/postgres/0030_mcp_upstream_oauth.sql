-- Upstream OAuth of proxied MCP servers: the gateway holds each group's access and refresh
-- tokens for an upstream that wants OAuth, instead of passing client tokens through.

-- The server's OAuth client settings as sealed JSON (`client_id`, `client_secret`, `scopes`);
-- NULL: the upstream wants no OAuth. An empty `client_id` registers the gateway dynamically.
ALTER TABLE mcp_servers ADD COLUMN upstream_oauth TEXT;

-- One row per (server, group) an admin authorized. The tokens and the client secret are sealed.
-- `generation` grows by one on every write: a refresh writes only over the generation it read
-- (compare-and-set), so replicas refreshing at once never replace a newer token with an older
-- one. `refresh_error` says why the last refresh failed (NULL: it did not).
CREATE TABLE mcp_upstream_tokens (
    server_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    access_token TEXT NOT NULL,
    refresh_token TEXT,
    expires_at BIGINT,
    scopes TEXT NOT NULL,
    token_endpoint TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT,
    client_auth TEXT NOT NULL,
    resource TEXT NOT NULL,
    refresh_error TEXT,
    generation BIGINT NOT NULL,
    authorized_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (server_id, group_id)
);

-- Authorizations started and not yet completed, keyed by the SHA-256 of their `state` (the
-- state itself is never stored). Taken once by the callback; past `expires_at` refused.
CREATE TABLE mcp_upstream_auth_requests (
    state_hash TEXT PRIMARY KEY,
    server_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    token_endpoint TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT,
    client_auth TEXT NOT NULL,
    resource TEXT NOT NULL,
    scopes TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
