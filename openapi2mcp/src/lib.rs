//! OpenAPI documents in, MCP tool definitions out; tool calls in, HTTP requests out. Knows nothing of MCP transports, tenants or storage.
