import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file aiproxy/admin/v1/access.proto.
 */
export declare const file_aiproxy_admin_v1_access: GenFile;
/**
 * @generated from message aiproxy.admin.v1.AdminKey
 */
export type AdminKey = Message<"aiproxy.admin.v1.AdminKey"> & {
    /**
     * 0 is the bootstrap ADMIN_KEY.
     *
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * Unique; what audit events name.
     *
     * @generated from field: string name = 2;
     */
    name: string;
    /**
     * The start of the key, for recognising it: at most 8 characters and a quarter of the key.
     *
     * @generated from field: string key_prefix = 3;
     */
    keyPrefix: string;
    /**
     * @generated from field: aiproxy.admin.v1.AdminRole role = 4;
     */
    role: AdminRole;
    /**
     * The groups the key reaches (their tokens, logs, model overrides, group MCP servers and
     * parameters); empty: every group and everything global.
     *
     * @generated from field: repeated string groups = 5;
     */
    groups: string[];
    /**
     * @generated from field: int64 created_at_ms = 6;
     */
    createdAtMs: bigint;
    /**
     * @generated from field: optional int64 revoked_at_ms = 7;
     */
    revokedAtMs?: bigint | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.AdminKey.
 * Use `create(AdminKeySchema)` to create a new message.
 */
export declare const AdminKeySchema: GenMessage<AdminKey>;
/**
 * @generated from message aiproxy.admin.v1.CreateAdminKeyRequest
 */
export type CreateAdminKeyRequest = Message<"aiproxy.admin.v1.CreateAdminKeyRequest"> & {
    /**
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * @generated from field: aiproxy.admin.v1.AdminRole role = 2;
     */
    role: AdminRole;
    /**
     * @generated from field: repeated string groups = 3;
     */
    groups: string[];
};
/**
 * Describes the message aiproxy.admin.v1.CreateAdminKeyRequest.
 * Use `create(CreateAdminKeyRequestSchema)` to create a new message.
 */
export declare const CreateAdminKeyRequestSchema: GenMessage<CreateAdminKeyRequest>;
/**
 * @generated from message aiproxy.admin.v1.CreateAdminKeyResponse
 */
export type CreateAdminKeyResponse = Message<"aiproxy.admin.v1.CreateAdminKeyResponse"> & {
    /**
     * @generated from field: aiproxy.admin.v1.AdminKey admin_key = 1;
     */
    adminKey?: AdminKey | undefined;
    /**
     * The key itself, shown this once.
     *
     * @generated from field: string key = 2;
     */
    key: string;
};
/**
 * Describes the message aiproxy.admin.v1.CreateAdminKeyResponse.
 * Use `create(CreateAdminKeyResponseSchema)` to create a new message.
 */
export declare const CreateAdminKeyResponseSchema: GenMessage<CreateAdminKeyResponse>;
/**
 * @generated from message aiproxy.admin.v1.ListAdminKeysRequest
 */
export type ListAdminKeysRequest = Message<"aiproxy.admin.v1.ListAdminKeysRequest"> & {};
/**
 * Describes the message aiproxy.admin.v1.ListAdminKeysRequest.
 * Use `create(ListAdminKeysRequestSchema)` to create a new message.
 */
export declare const ListAdminKeysRequestSchema: GenMessage<ListAdminKeysRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListAdminKeysResponse
 */
export type ListAdminKeysResponse = Message<"aiproxy.admin.v1.ListAdminKeysResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.AdminKey admin_keys = 1;
     */
    adminKeys: AdminKey[];
};
/**
 * Describes the message aiproxy.admin.v1.ListAdminKeysResponse.
 * Use `create(ListAdminKeysResponseSchema)` to create a new message.
 */
export declare const ListAdminKeysResponseSchema: GenMessage<ListAdminKeysResponse>;
/**
 * @generated from message aiproxy.admin.v1.RevokeAdminKeyRequest
 */
export type RevokeAdminKeyRequest = Message<"aiproxy.admin.v1.RevokeAdminKeyRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.RevokeAdminKeyRequest.
 * Use `create(RevokeAdminKeyRequestSchema)` to create a new message.
 */
export declare const RevokeAdminKeyRequestSchema: GenMessage<RevokeAdminKeyRequest>;
/**
 * @generated from message aiproxy.admin.v1.WhoAmIRequest
 */
export type WhoAmIRequest = Message<"aiproxy.admin.v1.WhoAmIRequest"> & {};
/**
 * Describes the message aiproxy.admin.v1.WhoAmIRequest.
 * Use `create(WhoAmIRequestSchema)` to create a new message.
 */
export declare const WhoAmIRequestSchema: GenMessage<WhoAmIRequest>;
/**
 * @generated from message aiproxy.admin.v1.AuditEvent
 */
export type AuditEvent = Message<"aiproxy.admin.v1.AuditEvent"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: int64 at_ms = 2;
     */
    atMs: bigint;
    /**
     * The admin key's id and name: 0 and "bootstrap" for ADMIN_KEY, 0 and "config-file" for
     * CONFIG_FILE_PATH applied at startup.
     *
     * @generated from field: int64 key_id = 3;
     */
    keyId: bigint;
    /**
     * @generated from field: string key_name = 4;
     */
    keyName: string;
    /**
     * @generated from field: string client_address = 5;
     */
    clientAddress: string;
    /**
     * The RPC (`TokenService/CreateToken`), REST route (`POST /api/token/{group}`) or MCP tool
     * (`mcp/tokens_put`) that wrote.
     *
     * @generated from field: string action = 6;
     */
    action: string;
    /**
     * What changed (`token`, `channel`, ...) and its id; empty for writes that change no stored
     * object (a channel test, cleared bans).
     *
     * @generated from field: string object_kind = 7;
     */
    objectKind: string;
    /**
     * @generated from field: string object_id = 8;
     */
    objectId: string;
    /**
     * JSON: {"field": {"before": ..., "after": ...}, ...} with secrets masked; a created object
     * has no "before", a deleted one no "after".
     *
     * @generated from field: string diff_json = 9;
     */
    diffJson: string;
};
/**
 * Describes the message aiproxy.admin.v1.AuditEvent.
 * Use `create(AuditEventSchema)` to create a new message.
 */
export declare const AuditEventSchema: GenMessage<AuditEvent>;
/**
 * @generated from message aiproxy.admin.v1.ListAuditEventsRequest
 */
export type ListAuditEventsRequest = Message<"aiproxy.admin.v1.ListAuditEventsRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * Filters; an unset one matches everything.
     *
     * @generated from field: optional int64 key_id = 3;
     */
    keyId?: bigint | undefined;
    /**
     * @generated from field: string object_kind = 4;
     */
    objectKind: string;
    /**
     * @generated from field: string object_id = 5;
     */
    objectId: string;
    /**
     * [start_ms, end_ms); 0: unbounded.
     *
     * @generated from field: int64 start_ms = 6;
     */
    startMs: bigint;
    /**
     * @generated from field: int64 end_ms = 7;
     */
    endMs: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.ListAuditEventsRequest.
 * Use `create(ListAuditEventsRequestSchema)` to create a new message.
 */
export declare const ListAuditEventsRequestSchema: GenMessage<ListAuditEventsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListAuditEventsResponse
 */
export type ListAuditEventsResponse = Message<"aiproxy.admin.v1.ListAuditEventsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.AuditEvent events = 1;
     */
    events: AuditEvent[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
    /**
     * @generated from field: int64 total_size = 3;
     */
    totalSize: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.ListAuditEventsResponse.
 * Use `create(ListAuditEventsResponseSchema)` to create a new message.
 */
export declare const ListAuditEventsResponseSchema: GenMessage<ListAuditEventsResponse>;
/**
 * @generated from enum aiproxy.admin.v1.AdminRole
 */
export declare enum AdminRole {
    /**
     * @generated from enum value: ADMIN_ROLE_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * Everything.
     *
     * @generated from enum value: ADMIN_ROLE_ADMIN = 1;
     */
    ADMIN = 1,
    /**
     * Everything but admin keys and option writes.
     *
     * @generated from enum value: ADMIN_ROLE_OPERATOR = 2;
     */
    OPERATOR = 2,
    /**
     * Reads only.
     *
     * @generated from enum value: ADMIN_ROLE_VIEWER = 3;
     */
    VIEWER = 3
}
/**
 * Describes the enum aiproxy.admin.v1.AdminRole.
 */
export declare const AdminRoleSchema: GenEnum<AdminRole>;
/**
 * @generated from service aiproxy.admin.v1.AccessService
 */
export declare const AccessService: GenService<{
    /**
     * Creates a key; the answer carries the key itself, which cannot be read again (only its
     * SHA-256 is stored). Admin role only.
     *
     * @generated from rpc aiproxy.admin.v1.AccessService.CreateAdminKey
     */
    createAdminKey: {
        methodKind: "unary";
        input: typeof CreateAdminKeyRequestSchema;
        output: typeof CreateAdminKeyResponseSchema;
    };
    /**
     * Every admin key, revoked ones included, with the start of the key only. Admin role only.
     *
     * @generated from rpc aiproxy.admin.v1.AccessService.ListAdminKeys
     */
    listAdminKeys: {
        methodKind: "unary";
        input: typeof ListAdminKeysRequestSchema;
        output: typeof ListAdminKeysResponseSchema;
    };
    /**
     * Revokes a key on every replica; its audit events keep naming it. Admin role only.
     *
     * @generated from rpc aiproxy.admin.v1.AccessService.RevokeAdminKey
     */
    revokeAdminKey: {
        methodKind: "unary";
        input: typeof RevokeAdminKeyRequestSchema;
        output: typeof AdminKeySchema;
    };
    /**
     * Audit events, newest first. Any role without a group scope.
     *
     * @generated from rpc aiproxy.admin.v1.AccessService.ListAuditEvents
     */
    listAuditEvents: {
        methodKind: "unary";
        input: typeof ListAuditEventsRequestSchema;
        output: typeof ListAuditEventsResponseSchema;
    };
    /**
     * Who the presented key is: what the panel shows and hides by. Any key.
     *
     * @generated from rpc aiproxy.admin.v1.AccessService.WhoAmI
     */
    whoAmI: {
        methodKind: "unary";
        input: typeof WhoAmIRequestSchema;
        output: typeof AdminKeySchema;
    };
}>;
