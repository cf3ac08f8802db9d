-- Summaries keep 4xx and 5xx apart, and count the requests that had a first byte so the mean
-- time to first byte is not diluted by requests that never got one.
ALTER TABLE channel_model_summaries ADD COLUMN client_error_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE channel_model_summaries ADD COLUMN server_error_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE channel_model_summaries ADD COLUMN ttfb_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE group_token_model_summaries ADD COLUMN client_error_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE group_token_model_summaries ADD COLUMN server_error_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE group_token_model_summaries ADD COLUMN ttfb_count BIGINT NOT NULL DEFAULT 0;
CREATE INDEX channel_model_summaries_channel ON channel_model_summaries (channel_id, bucket);
