//! The gRPC control plane (`aiproxy.admin.v1`): admin auth, every management service, reflection and health.
