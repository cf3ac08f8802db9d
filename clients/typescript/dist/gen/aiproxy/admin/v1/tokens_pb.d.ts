import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { BatchDeleteResponseSchema, Status } from "./common_pb.js";
import type { EmptySchema, FieldMask } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file aiproxy/admin/v1/tokens.proto.
 */
export declare const file_aiproxy_admin_v1_tokens: GenFile;
/**
 * @generated from message aiproxy.admin.v1.Token
 */
export type Token = Message<"aiproxy.admin.v1.Token"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: string group_id = 2;
     */
    groupId: string;
    /**
     * Unique within the group.
     *
     * @generated from field: string name = 3;
     */
    name: string;
    /**
     * The start of the key, for recognising it: at most 8 characters and a quarter of the key.
     *
     * @generated from field: string key_prefix = 4;
     */
    keyPrefix: string;
    /**
     * @generated from field: aiproxy.admin.v1.Status status = 5;
     */
    status: Status;
    /**
     * @generated from field: optional int64 expires_at_ms = 6;
     */
    expiresAtMs?: bigint | undefined;
    /**
     * CIDR ranges the key may be used from; empty means anywhere.
     *
     * @generated from field: repeated string subnets = 7;
     */
    subnets: string[];
    /**
     * Models the key may use; empty means every model of the group.
     *
     * @generated from field: repeated string models = 8;
     */
    models: string[];
    /**
     * MCP server ids the key may use; empty means every server of the group.
     *
     * @generated from field: repeated string mcp_servers = 9;
     */
    mcpServers: string[];
    /**
     * Lifetime spending limit (decimal string); absent means unlimited.
     *
     * @generated from field: optional string quota = 10;
     */
    quota?: string | undefined;
    /**
     * Spending limit per `period`; absent means unlimited.
     *
     * @generated from field: optional string period_quota = 11;
     */
    periodQuota?: string | undefined;
    /**
     * @generated from field: aiproxy.admin.v1.QuotaPeriod period = 12;
     */
    period: QuotaPeriod;
    /**
     * @generated from field: optional int64 period_start_ms = 13;
     */
    periodStartMs?: bigint | undefined;
    /**
     * @generated from field: string used_amount = 14;
     */
    usedAmount: string;
    /**
     * @generated from field: int64 request_count = 15;
     */
    requestCount: bigint;
    /**
     * @generated from field: int64 created_at_ms = 16;
     */
    createdAtMs: bigint;
    /**
     * @generated from field: optional int64 accessed_at_ms = 17;
     */
    accessedAtMs?: bigint | undefined;
    /**
     * Spent in the current period (decimal string); "0" when the stored period has ended or the
     * token has no period. Output only.
     *
     * @generated from field: string period_used = 18;
     */
    periodUsed: string;
    /**
     * quota - used_amount, never below 0; absent when the lifetime quota is unlimited. Output only.
     *
     * @generated from field: optional string remaining_quota = 19;
     */
    remainingQuota?: string | undefined;
    /**
     * period_quota - period_used, never below 0; absent when unlimited. Output only.
     *
     * @generated from field: optional string remaining_period_quota = 20;
     */
    remainingPeriodQuota?: string | undefined;
    /**
     * Requests and tokens per minute of this token alone; absent means unlimited.
     *
     * @generated from field: optional int64 rpm = 21;
     */
    rpm?: bigint | undefined;
    /**
     * @generated from field: optional int64 tpm = 22;
     */
    tpm?: bigint | undefined;
    /**
     * In-flight requests of this token; absent means unlimited.
     *
     * @generated from field: optional int64 max_concurrency = 23;
     */
    maxConcurrency?: bigint | undefined;
    /**
     * When the current period ends (the next reset, in QUOTA_TIME_ZONE); absent without a period.
     * Output only.
     *
     * @generated from field: optional int64 period_resets_at_ms = 24;
     */
    periodResetsAtMs?: bigint | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.Token.
 * Use `create(TokenSchema)` to create a new message.
 */
export declare const TokenSchema: GenMessage<Token>;
/**
 * @generated from message aiproxy.admin.v1.CreateTokenRequest
 */
export type CreateTokenRequest = Message<"aiproxy.admin.v1.CreateTokenRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.Token token = 1;
     */
    token?: Token | undefined;
    /**
     * A key chosen by the caller (at least 8 characters); generated when absent.
     *
     * @generated from field: optional string key = 2;
     */
    key?: string | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.CreateTokenRequest.
 * Use `create(CreateTokenRequestSchema)` to create a new message.
 */
export declare const CreateTokenRequestSchema: GenMessage<CreateTokenRequest>;
/**
 * @generated from message aiproxy.admin.v1.CreateTokenResponse
 */
export type CreateTokenResponse = Message<"aiproxy.admin.v1.CreateTokenResponse"> & {
    /**
     * @generated from field: aiproxy.admin.v1.Token token = 1;
     */
    token?: Token | undefined;
    /**
     * @generated from field: string key = 2;
     */
    key: string;
};
/**
 * Describes the message aiproxy.admin.v1.CreateTokenResponse.
 * Use `create(CreateTokenResponseSchema)` to create a new message.
 */
export declare const CreateTokenResponseSchema: GenMessage<CreateTokenResponse>;
/**
 * @generated from message aiproxy.admin.v1.GetTokenRequest
 */
export type GetTokenRequest = Message<"aiproxy.admin.v1.GetTokenRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.GetTokenRequest.
 * Use `create(GetTokenRequestSchema)` to create a new message.
 */
export declare const GetTokenRequestSchema: GenMessage<GetTokenRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListTokensRequest
 */
export type ListTokensRequest = Message<"aiproxy.admin.v1.ListTokensRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * @generated from field: string group_id = 3;
     */
    groupId: string;
    /**
     * @generated from field: aiproxy.admin.v1.Status status = 4;
     */
    status: Status;
    /**
     * @generated from field: string keyword = 5;
     */
    keyword: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListTokensRequest.
 * Use `create(ListTokensRequestSchema)` to create a new message.
 */
export declare const ListTokensRequestSchema: GenMessage<ListTokensRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListTokensResponse
 */
export type ListTokensResponse = Message<"aiproxy.admin.v1.ListTokensResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.Token tokens = 1;
     */
    tokens: Token[];
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
 * Describes the message aiproxy.admin.v1.ListTokensResponse.
 * Use `create(ListTokensResponseSchema)` to create a new message.
 */
export declare const ListTokensResponseSchema: GenMessage<ListTokensResponse>;
/**
 * @generated from message aiproxy.admin.v1.UpdateTokenRequest
 */
export type UpdateTokenRequest = Message<"aiproxy.admin.v1.UpdateTokenRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.Token token = 1;
     */
    token?: Token | undefined;
    /**
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.UpdateTokenRequest.
 * Use `create(UpdateTokenRequestSchema)` to create a new message.
 */
export declare const UpdateTokenRequestSchema: GenMessage<UpdateTokenRequest>;
/**
 * @generated from message aiproxy.admin.v1.DeleteTokenRequest
 */
export type DeleteTokenRequest = Message<"aiproxy.admin.v1.DeleteTokenRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.DeleteTokenRequest.
 * Use `create(DeleteTokenRequestSchema)` to create a new message.
 */
export declare const DeleteTokenRequestSchema: GenMessage<DeleteTokenRequest>;
/**
 * @generated from message aiproxy.admin.v1.BatchDeleteTokensRequest
 */
export type BatchDeleteTokensRequest = Message<"aiproxy.admin.v1.BatchDeleteTokensRequest"> & {
    /**
     * @generated from field: repeated int64 ids = 1;
     */
    ids: bigint[];
};
/**
 * Describes the message aiproxy.admin.v1.BatchDeleteTokensRequest.
 * Use `create(BatchDeleteTokensRequestSchema)` to create a new message.
 */
export declare const BatchDeleteTokensRequestSchema: GenMessage<BatchDeleteTokensRequest>;
/**
 * @generated from message aiproxy.admin.v1.SetTokenStatusRequest
 */
export type SetTokenStatusRequest = Message<"aiproxy.admin.v1.SetTokenStatusRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: aiproxy.admin.v1.Status status = 2;
     */
    status: Status;
};
/**
 * Describes the message aiproxy.admin.v1.SetTokenStatusRequest.
 * Use `create(SetTokenStatusRequestSchema)` to create a new message.
 */
export declare const SetTokenStatusRequestSchema: GenMessage<SetTokenStatusRequest>;
/**
 * @generated from enum aiproxy.admin.v1.QuotaPeriod
 */
export declare enum QuotaPeriod {
    /**
     * @generated from enum value: QUOTA_PERIOD_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: QUOTA_PERIOD_DAILY = 1;
     */
    DAILY = 1,
    /**
     * @generated from enum value: QUOTA_PERIOD_WEEKLY = 2;
     */
    WEEKLY = 2,
    /**
     * @generated from enum value: QUOTA_PERIOD_MONTHLY = 3;
     */
    MONTHLY = 3
}
/**
 * Describes the enum aiproxy.admin.v1.QuotaPeriod.
 */
export declare const QuotaPeriodSchema: GenEnum<QuotaPeriod>;
/**
 * @generated from service aiproxy.admin.v1.TokenService
 */
export declare const TokenService: GenService<{
    /**
     * Returns the plain key; it cannot be read again afterwards.
     *
     * @generated from rpc aiproxy.admin.v1.TokenService.CreateToken
     */
    createToken: {
        methodKind: "unary";
        input: typeof CreateTokenRequestSchema;
        output: typeof CreateTokenResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.TokenService.GetToken
     */
    getToken: {
        methodKind: "unary";
        input: typeof GetTokenRequestSchema;
        output: typeof TokenSchema;
    };
    /**
     * Lists tokens; `keyword` searches the name.
     *
     * @generated from rpc aiproxy.admin.v1.TokenService.ListTokens
     */
    listTokens: {
        methodKind: "unary";
        input: typeof ListTokensRequestSchema;
        output: typeof ListTokensResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.TokenService.UpdateToken
     */
    updateToken: {
        methodKind: "unary";
        input: typeof UpdateTokenRequestSchema;
        output: typeof TokenSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.TokenService.DeleteToken
     */
    deleteToken: {
        methodKind: "unary";
        input: typeof DeleteTokenRequestSchema;
        output: typeof EmptySchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.TokenService.BatchDeleteTokens
     */
    batchDeleteTokens: {
        methodKind: "unary";
        input: typeof BatchDeleteTokensRequestSchema;
        output: typeof BatchDeleteResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.TokenService.SetTokenStatus
     */
    setTokenStatus: {
        methodKind: "unary";
        input: typeof SetTokenStatusRequestSchema;
        output: typeof TokenSchema;
    };
}>;
