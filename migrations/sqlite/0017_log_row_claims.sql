-- Which request-log entries a database has already applied, by the server's row key, so an
-- entry replayed from the request-log journal (after a restart, or a commit whose outcome was
-- unknown) is neither stored nor charged twice. `purpose` is `log` (rows and summaries, and the
-- charges when they share the log database) or `charge` (charges in the main database when the
-- logs live elsewhere): one database may hold both. Pruned after the journal can no longer
-- replay the entry.
CREATE TABLE log_row_claims (
    row_key TEXT NOT NULL,
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (row_key, purpose)
);
CREATE INDEX log_row_claims_created_at ON log_row_claims (created_at);
