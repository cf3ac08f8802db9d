-- Per-channel error-rate thresholds over the defaults (NULL keeps the default), each in (0, 1].
-- `warn_error_rate`: alert when a (channel, model) pair's error rate exceeds it (default: the
-- DefaultWarnNotifyErrorRate option). `max_error_rate`: ban a pair whose error rate reaches it
-- (default: no rate ban; consecutive failures still ban). Named as the seed names them.
ALTER TABLE channels ADD COLUMN warn_error_rate DOUBLE PRECISION;
ALTER TABLE channels ADD COLUMN max_error_rate DOUBLE PRECISION;
