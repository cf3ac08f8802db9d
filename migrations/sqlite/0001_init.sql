-- Main configuration tables and the log tables, SQLite dialect.
-- Conventions shared with the Postgres dialect: times are BIGINT unix milliseconds,
-- booleans BIGINT 0/1, lists and maps JSON TEXT, money TEXT decimals.

CREATE TABLE config_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO config_revision (id, revision) VALUES (1, 0);

CREATE TABLE groups (
    id TEXT PRIMARY KEY NOT NULL,
    status TEXT NOT NULL,
    rpm_ratio DOUBLE PRECISION NOT NULL,
    tpm_ratio DOUBLE PRECISION NOT NULL,
    available_sets TEXT NOT NULL,
    balance TEXT NOT NULL,
    balance_alert_threshold TEXT NOT NULL,
    balance_alert_enabled BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT NOT NULL,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_at BIGINT,
    subnets TEXT NOT NULL,
    models TEXT NOT NULL,
    mcp_servers TEXT NOT NULL,
    quota TEXT,
    period_quota TEXT,
    period TEXT,
    period_start BIGINT,
    used_amount TEXT NOT NULL,
    request_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    accessed_at BIGINT,
    UNIQUE (group_id, name)
);

CREATE TABLE channels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    base_url TEXT NOT NULL,
    key TEXT NOT NULL,
    models TEXT NOT NULL,
    model_mapping TEXT NOT NULL,
    priority BIGINT NOT NULL,
    sets TEXT NOT NULL,
    status TEXT NOT NULL,
    proxy_url TEXT,
    connect_timeout_ms BIGINT,
    first_byte_timeout_ms BIGINT,
    stream_idle_timeout_ms BIGINT,
    config TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE model_configs (
    model TEXT PRIMARY KEY NOT NULL,
    type TEXT NOT NULL,
    owner TEXT NOT NULL,
    rpm BIGINT NOT NULL,
    tpm BIGINT NOT NULL,
    retry_times BIGINT,
    connect_timeout_ms BIGINT,
    first_byte_timeout_ms BIGINT,
    stream_idle_timeout_ms BIGINT,
    input_price TEXT,
    output_price TEXT,
    cached_input_price TEXT,
    cache_creation_price TEXT,
    image_input_price TEXT,
    image_output_price TEXT,
    audio_input_price TEXT,
    audio_output_price TEXT,
    per_request_price TEXT,
    reasoning_output_price TEXT,
    price_unit BIGINT NOT NULL,
    plugins TEXT NOT NULL,
    config TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE group_model_overrides (
    group_id TEXT NOT NULL,
    model TEXT NOT NULL,
    rpm BIGINT,
    tpm BIGINT,
    price TEXT,
    retry_times BIGINT,
    connect_timeout_ms BIGINT,
    first_byte_timeout_ms BIGINT,
    stream_idle_timeout_ms BIGINT,
    save_detail BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, model)
);

CREATE TABLE mcp_servers (
    id TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL,
    group_id TEXT,
    type TEXT NOT NULL,
    template TEXT,
    url TEXT,
    headers TEXT NOT NULL,
    query TEXT NOT NULL,
    params TEXT NOT NULL,
    openapi TEXT,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE group_mcp_params (
    server_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    params TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (server_id, group_id)
);

CREATE TABLE options (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Logs. Kept in the same migration set so a single database works; `connect_logs`
-- may point at a separate database that runs the same migrations.
CREATE TABLE request_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at BIGINT NOT NULL,
    request_id TEXT NOT NULL,
    upstream_request_id TEXT,
    group_id TEXT NOT NULL,
    token_id BIGINT,
    token_name TEXT NOT NULL,
    requested_model TEXT NOT NULL,
    actual_model TEXT NOT NULL,
    channel_id BIGINT,
    endpoint TEXT NOT NULL,
    status_code BIGINT NOT NULL,
    error TEXT,
    input_tokens BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    cached_tokens BIGINT NOT NULL DEFAULT 0,
    cache_creation_tokens BIGINT NOT NULL DEFAULT 0,
    reasoning_tokens BIGINT NOT NULL DEFAULT 0,
    image_input_tokens BIGINT NOT NULL DEFAULT 0,
    image_output_tokens BIGINT NOT NULL DEFAULT 0,
    audio_input_tokens BIGINT NOT NULL DEFAULT 0,
    audio_output_tokens BIGINT NOT NULL DEFAULT 0,
    total_tokens BIGINT NOT NULL DEFAULT 0,
    cost TEXT NOT NULL DEFAULT '0',
    ttfb_ms BIGINT,
    total_ms BIGINT NOT NULL DEFAULT 0,
    retries BIGINT NOT NULL DEFAULT 0,
    client_ip TEXT,
    user_field TEXT,
    metadata TEXT
);
CREATE UNIQUE INDEX request_logs_request_id ON request_logs (request_id);
CREATE INDEX request_logs_created_at ON request_logs (created_at);
CREATE INDEX request_logs_group_time ON request_logs (group_id, created_at);
CREATE INDEX request_logs_channel_time ON request_logs (channel_id, created_at);
CREATE INDEX request_logs_model_time ON request_logs (requested_model, created_at);

CREATE TABLE request_log_details (
    request_id TEXT PRIMARY KEY NOT NULL,
    created_at BIGINT NOT NULL,
    request_body TEXT,
    response_body TEXT,
    request_body_truncated BIGINT NOT NULL DEFAULT 0,
    response_body_truncated BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX request_log_details_created_at ON request_log_details (created_at);

-- Summaries: `bucket` is the start of the minute or hour in unix milliseconds.
CREATE TABLE channel_model_summaries (
    granularity TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    model TEXT NOT NULL,
    request_count BIGINT NOT NULL DEFAULT 0,
    error_count BIGINT NOT NULL DEFAULT 0,
    input_tokens BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    cached_tokens BIGINT NOT NULL DEFAULT 0,
    cache_creation_tokens BIGINT NOT NULL DEFAULT 0,
    reasoning_tokens BIGINT NOT NULL DEFAULT 0,
    total_tokens BIGINT NOT NULL DEFAULT 0,
    cost TEXT NOT NULL DEFAULT '0',
    total_ms BIGINT NOT NULL DEFAULT 0,
    ttfb_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (granularity, bucket, channel_id, model)
);

CREATE TABLE group_token_model_summaries (
    granularity TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    group_id TEXT NOT NULL,
    token_name TEXT NOT NULL,
    model TEXT NOT NULL,
    request_count BIGINT NOT NULL DEFAULT 0,
    error_count BIGINT NOT NULL DEFAULT 0,
    input_tokens BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    cached_tokens BIGINT NOT NULL DEFAULT 0,
    cache_creation_tokens BIGINT NOT NULL DEFAULT 0,
    reasoning_tokens BIGINT NOT NULL DEFAULT 0,
    total_tokens BIGINT NOT NULL DEFAULT 0,
    cost TEXT NOT NULL DEFAULT '0',
    total_ms BIGINT NOT NULL DEFAULT 0,
    ttfb_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (granularity, bucket, group_id, token_name, model)
);
CREATE INDEX group_token_model_summaries_group ON group_token_model_summaries (group_id, bucket);
