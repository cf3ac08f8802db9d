-- The last test of each (channel, model) pair (`TestChannel`, `TestChannels`): whether it
-- answered, its HTTP status, how long it took and why it failed (the error text has the
-- channel's key and base URL taken out before it is stored). Rows go with their channel.
CREATE TABLE channel_tests (
    channel_id BIGINT NOT NULL,
    model TEXT NOT NULL,
    success BIGINT NOT NULL,
    status_code BIGINT,
    latency_ms BIGINT NOT NULL,
    error TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    tested_at BIGINT NOT NULL,
    PRIMARY KEY (channel_id, model)
);
