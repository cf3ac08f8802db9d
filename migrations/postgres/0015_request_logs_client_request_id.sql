-- The request id a client sent (or was answered with) gets a column of its own: the row key
-- `request_id` is now always made by the server, so a client reusing an id gets one row per
-- request (each charge has its row) instead of the later rows being dropped as duplicates.
ALTER TABLE request_logs ADD COLUMN client_request_id TEXT;
CREATE INDEX request_logs_client_request_id ON request_logs (client_request_id);
