-- Upstream OAuth revocation: the authorization server's RFC 7009 endpoint (RFC 8414
-- `revocation_endpoint`), kept with the tokens it can revoke and with the authorizations started
-- for them. NULL: the server offers none (or the row predates this column), so revoking forgets
-- the tokens locally only.
ALTER TABLE mcp_upstream_tokens ADD COLUMN revocation_endpoint TEXT;
ALTER TABLE mcp_upstream_auth_requests ADD COLUMN revocation_endpoint TEXT;
