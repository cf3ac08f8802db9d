-- Upstream account balances of channels, and each channel's balance alert settings. Kept apart
-- from `channels` because a refresh is not a configuration change: writing here neither bumps
-- the configuration revision nor reloads any replica. `balance` and `currency` are the last
-- successful reading (at `updated_at`, unix ms); `last_error` is why the latest attempt failed
-- (NULL after a success). `threshold`: alert when the balance is below it (NULL: no alert).
-- `disable_when_empty`: 1 disables the channel when its balance reaches 0.
CREATE TABLE channel_balances (
    channel_id BIGINT PRIMARY KEY,
    balance DOUBLE PRECISION,
    currency TEXT,
    updated_at BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    threshold DOUBLE PRECISION,
    disable_when_empty BIGINT NOT NULL DEFAULT 0
);
