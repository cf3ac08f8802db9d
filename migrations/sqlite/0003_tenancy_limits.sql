-- Tenancy limits and period usage.
-- tokens.period_used: spent in the period that began at tokens.period_start (TEXT decimal, like
-- used_amount); a reader treats it as 0 once that start is older than the current period's.
-- rpm, tpm, max_concurrency: per-token limits; NULL is unlimited.
-- groups.max_concurrency: in-flight requests of the whole group; NULL is unlimited.
-- model_configs.max_output_tokens: output tokens assumed for TPM and quota reservations when a
-- request sets no max_tokens; NULL leaves the estimate to the caller's default.
ALTER TABLE tokens ADD COLUMN period_used TEXT NOT NULL DEFAULT '0';
ALTER TABLE tokens ADD COLUMN rpm BIGINT;
ALTER TABLE tokens ADD COLUMN tpm BIGINT;
ALTER TABLE tokens ADD COLUMN max_concurrency BIGINT;
ALTER TABLE groups ADD COLUMN max_concurrency BIGINT;
ALTER TABLE model_configs ADD COLUMN max_output_tokens BIGINT;
