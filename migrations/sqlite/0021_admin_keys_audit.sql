-- Admin keys beyond the bootstrap ADMIN_KEY (`AccessService`): stored as the SHA-256 of the
-- key, like token keys, with the start of the key to recognise it. `role` is admin, operator
-- or viewer; `group_ids` a JSON list, empty for a key that reaches every group. A revoked key
-- keeps its row (audit events name it) with `revoked_at` set.
CREATE TABLE admin_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    role TEXT NOT NULL,
    group_ids TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- One row per control-plane write: who (the admin key's id and name; 0 and "bootstrap" for
-- ADMIN_KEY, "config-file" for CONFIG_FILE_PATH), from where, through which RPC or route,
-- which object, and a field-level diff (JSON) with secrets masked. Deleted after
-- AUDIT_RETENTION_DAYS.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms BIGINT NOT NULL,
    key_id BIGINT NOT NULL,
    key_name TEXT NOT NULL,
    client_address TEXT NOT NULL,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    diff TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at_ms);
