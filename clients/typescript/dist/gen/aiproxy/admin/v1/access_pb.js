// Access: admin keys beyond the bootstrap ADMIN_KEY, each with a role and an optional group
// scope, and the audit trail of every control-plane write.
import { enumDesc, fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
/**
 * Describes the file aiproxy/admin/v1/access.proto.
 */
export const file_aiproxy_admin_v1_access = /*@__PURE__*/ fileDesc("Ch1haXByb3h5L2FkbWluL3YxL2FjY2Vzcy5wcm90bxIQYWlwcm94eS5hZG1pbi52MSK4AQoIQWRtaW5LZXkSCgoCaWQYASABKAMSDAoEbmFtZRgCIAEoCRISCgprZXlfcHJlZml4GAMgASgJEikKBHJvbGUYBCABKA4yGy5haXByb3h5LmFkbWluLnYxLkFkbWluUm9sZRIOCgZncm91cHMYBSADKAkSFQoNY3JlYXRlZF9hdF9tcxgGIAEoAxIaCg1yZXZva2VkX2F0X21zGAcgASgDSACIAQFCEAoOX3Jldm9rZWRfYXRfbXMiYAoVQ3JlYXRlQWRtaW5LZXlSZXF1ZXN0EgwKBG5hbWUYASABKAkSKQoEcm9sZRgCIAEoDjIbLmFpcHJveHkuYWRtaW4udjEuQWRtaW5Sb2xlEg4KBmdyb3VwcxgDIAMoCSJUChZDcmVhdGVBZG1pbktleVJlc3BvbnNlEi0KCWFkbWluX2tleRgBIAEoCzIaLmFpcHJveHkuYWRtaW4udjEuQWRtaW5LZXkSCwoDa2V5GAIgASgJIhYKFExpc3RBZG1pbktleXNSZXF1ZXN0IkcKFUxpc3RBZG1pbktleXNSZXNwb25zZRIuCgphZG1pbl9rZXlzGAEgAygLMhouYWlwcm94eS5hZG1pbi52MS5BZG1pbktleSIjChVSZXZva2VBZG1pbktleVJlcXVlc3QSCgoCaWQYASABKAMiDwoNV2hvQW1JUmVxdWVzdCKsAQoKQXVkaXRFdmVudBIKCgJpZBgBIAEoAxINCgVhdF9tcxgCIAEoAxIOCgZrZXlfaWQYAyABKAMSEAoIa2V5X25hbWUYBCABKAkSFgoOY2xpZW50X2FkZHJlc3MYBSABKAkSDgoGYWN0aW9uGAYgASgJEhMKC29iamVjdF9raW5kGAcgASgJEhEKCW9iamVjdF9pZBgIIAEoCRIRCglkaWZmX2pzb24YCSABKAkiqQEKFkxpc3RBdWRpdEV2ZW50c1JlcXVlc3QSEQoJcGFnZV9zaXplGAEgASgFEhIKCnBhZ2VfdG9rZW4YAiABKAkSEwoGa2V5X2lkGAMgASgDSACIAQESEwoLb2JqZWN0X2tpbmQYBCABKAkSEQoJb2JqZWN0X2lkGAUgASgJEhAKCHN0YXJ0X21zGAYgASgDEg4KBmVuZF9tcxgHIAEoA0IJCgdfa2V5X2lkInQKF0xpc3RBdWRpdEV2ZW50c1Jlc3BvbnNlEiwKBmV2ZW50cxgBIAMoCzIcLmFpcHJveHkuYWRtaW4udjEuQXVkaXRFdmVudBIXCg9uZXh0X3BhZ2VfdG9rZW4YAiABKAkSEgoKdG90YWxfc2l6ZRgDIAEoAyptCglBZG1pblJvbGUSGgoWQURNSU5fUk9MRV9VTlNQRUNJRklFRBAAEhQKEEFETUlOX1JPTEVfQURNSU4QARIXChNBRE1JTl9ST0xFX09QRVJBVE9SEAISFQoRQURNSU5fUk9MRV9WSUVXRVIQAzLrAwoNQWNjZXNzU2VydmljZRJjCg5DcmVhdGVBZG1pbktleRInLmFpcHJveHkuYWRtaW4udjEuQ3JlYXRlQWRtaW5LZXlSZXF1ZXN0GiguYWlwcm94eS5hZG1pbi52MS5DcmVhdGVBZG1pbktleVJlc3BvbnNlEmUKDUxpc3RBZG1pbktleXMSJi5haXByb3h5LmFkbWluLnYxLkxpc3RBZG1pbktleXNSZXF1ZXN0GicuYWlwcm94eS5hZG1pbi52MS5MaXN0QWRtaW5LZXlzUmVzcG9uc2UiA5ACARJVCg5SZXZva2VBZG1pbktleRInLmFpcHJveHkuYWRtaW4udjEuUmV2b2tlQWRtaW5LZXlSZXF1ZXN0GhouYWlwcm94eS5hZG1pbi52MS5BZG1pbktleRJrCg9MaXN0QXVkaXRFdmVudHMSKC5haXByb3h5LmFkbWluLnYxLkxpc3RBdWRpdEV2ZW50c1JlcXVlc3QaKS5haXByb3h5LmFkbWluLnYxLkxpc3RBdWRpdEV2ZW50c1Jlc3BvbnNlIgOQAgESSgoGV2hvQW1JEh8uYWlwcm94eS5hZG1pbi52MS5XaG9BbUlSZXF1ZXN0GhouYWlwcm94eS5hZG1pbi52MS5BZG1pbktleSIDkAIBYgZwcm90bzM");
/**
 * Describes the message aiproxy.admin.v1.AdminKey.
 * Use `create(AdminKeySchema)` to create a new message.
 */
export const AdminKeySchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_access, 0);
/**
 * Describes the message aiproxy.admin.v1.CreateAdminKeyRequest.
 * Use `create(CreateAdminKeyRequestSchema)` to create a new message.
 */
export const CreateAdminKeyRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_access, 1);
/**
 * Describes the message aiproxy.admin.v1.CreateAdminKeyResponse.
 * Use `create(CreateAdminKeyResponseSchema)` to create a new message.
 */
export const CreateAdminKeyResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_access, 2);
/**
 * Describes the message aiproxy.admin.v1.ListAdminKeysRequest.
 * Use `create(ListAdminKeysRequestSchema)` to create a new message.
 */
export const ListAdminKeysRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_access, 3);
/**
 * Describes the message aiproxy.admin.v1.ListAdminKeysResponse.
 * Use `create(ListAdminKeysResponseSchema)` to create a new message.
 */
export const ListAdminKeysResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_access, 4);
/**
 * Describes the message aiproxy.admin.v1.RevokeAdminKeyRequest.
 * Use `create(RevokeAdminKeyRequestSchema)` to create a new message.
 */
export const RevokeAdminKeyRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_access, 5);
/**
 * Describes the message aiproxy.admin.v1.WhoAmIRequest.
 * Use `create(WhoAmIRequestSchema)` to create a new message.
 */
export const WhoAmIRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_access, 6);
/**
 * Describes the message aiproxy.admin.v1.AuditEvent.
 * Use `create(AuditEventSchema)` to create a new message.
 */
export const AuditEventSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_access, 7);
/**
 * Describes the message aiproxy.admin.v1.ListAuditEventsRequest.
 * Use `create(ListAuditEventsRequestSchema)` to create a new message.
 */
export const ListAuditEventsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_access, 8);
/**
 * Describes the message aiproxy.admin.v1.ListAuditEventsResponse.
 * Use `create(ListAuditEventsResponseSchema)` to create a new message.
 */
export const ListAuditEventsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_access, 9);
/**
 * @generated from enum aiproxy.admin.v1.AdminRole
 */
export var AdminRole;
(function (AdminRole) {
    /**
     * @generated from enum value: ADMIN_ROLE_UNSPECIFIED = 0;
     */
    AdminRole[AdminRole["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * Everything.
     *
     * @generated from enum value: ADMIN_ROLE_ADMIN = 1;
     */
    AdminRole[AdminRole["ADMIN"] = 1] = "ADMIN";
    /**
     * Everything but admin keys and option writes.
     *
     * @generated from enum value: ADMIN_ROLE_OPERATOR = 2;
     */
    AdminRole[AdminRole["OPERATOR"] = 2] = "OPERATOR";
    /**
     * Reads only.
     *
     * @generated from enum value: ADMIN_ROLE_VIEWER = 3;
     */
    AdminRole[AdminRole["VIEWER"] = 3] = "VIEWER";
})(AdminRole || (AdminRole = {}));
/**
 * Describes the enum aiproxy.admin.v1.AdminRole.
 */
export const AdminRoleSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_access, 0);
/**
 * @generated from service aiproxy.admin.v1.AccessService
 */
export const AccessService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_access, 0);
