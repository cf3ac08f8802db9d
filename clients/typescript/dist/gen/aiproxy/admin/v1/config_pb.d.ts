import type { GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file aiproxy/admin/v1/config.proto.
 */
export declare const file_aiproxy_admin_v1_config: GenFile;
/**
 * @generated from message aiproxy.admin.v1.ApplyRequest
 */
export type ApplyRequest = Message<"aiproxy.admin.v1.ApplyRequest"> & {
    /**
     * @generated from field: string document = 1;
     */
    document: string;
};
/**
 * Describes the message aiproxy.admin.v1.ApplyRequest.
 * Use `create(ApplyRequestSchema)` to create a new message.
 */
export declare const ApplyRequestSchema: GenMessage<ApplyRequest>;
/**
 * @generated from message aiproxy.admin.v1.KindReport
 */
export type KindReport = Message<"aiproxy.admin.v1.KindReport"> & {
    /**
     * "groups", "tokens", "channels", "models", "options", "mcp_servers".
     *
     * @generated from field: string kind = 1;
     */
    kind: string;
    /**
     * @generated from field: repeated string created = 2;
     */
    created: string[];
    /**
     * @generated from field: repeated string updated = 3;
     */
    updated: string[];
    /**
     * @generated from field: repeated string unchanged = 4;
     */
    unchanged: string[];
};
/**
 * Describes the message aiproxy.admin.v1.KindReport.
 * Use `create(KindReportSchema)` to create a new message.
 */
export declare const KindReportSchema: GenMessage<KindReport>;
/**
 * @generated from message aiproxy.admin.v1.ApplyResponse
 */
export type ApplyResponse = Message<"aiproxy.admin.v1.ApplyResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.KindReport kinds = 1;
     */
    kinds: KindReport[];
    /**
     * Human-readable summary.
     *
     * @generated from field: string report = 2;
     */
    report: string;
    /**
     * Plain keys of tokens created without a key in the document, "group/name" -> key.
     *
     * @generated from field: map<string, string> generated_keys = 3;
     */
    generatedKeys: {
        [key: string]: string;
    };
};
/**
 * Describes the message aiproxy.admin.v1.ApplyResponse.
 * Use `create(ApplyResponseSchema)` to create a new message.
 */
export declare const ApplyResponseSchema: GenMessage<ApplyResponse>;
/**
 * @generated from message aiproxy.admin.v1.ExportRequest
 */
export type ExportRequest = Message<"aiproxy.admin.v1.ExportRequest"> & {};
/**
 * Describes the message aiproxy.admin.v1.ExportRequest.
 * Use `create(ExportRequestSchema)` to create a new message.
 */
export declare const ExportRequestSchema: GenMessage<ExportRequest>;
/**
 * @generated from message aiproxy.admin.v1.ExportResponse
 */
export type ExportResponse = Message<"aiproxy.admin.v1.ExportResponse"> & {
    /**
     * @generated from field: string document = 1;
     */
    document: string;
};
/**
 * Describes the message aiproxy.admin.v1.ExportResponse.
 * Use `create(ExportResponseSchema)` to create a new message.
 */
export declare const ExportResponseSchema: GenMessage<ExportResponse>;
/**
 * @generated from message aiproxy.admin.v1.WatchRequest
 */
export type WatchRequest = Message<"aiproxy.admin.v1.WatchRequest"> & {
    /**
     * Kinds to receive ("group", "token", "channel", "model", "group_model", "mcp_server",
     * "option"); empty means all.
     *
     * @generated from field: repeated string kinds = 1;
     */
    kinds: string[];
};
/**
 * Describes the message aiproxy.admin.v1.WatchRequest.
 * Use `create(WatchRequestSchema)` to create a new message.
 */
export declare const WatchRequestSchema: GenMessage<WatchRequest>;
/**
 * @generated from message aiproxy.admin.v1.ChangeEvent
 */
export type ChangeEvent = Message<"aiproxy.admin.v1.ChangeEvent"> & {
    /**
     * @generated from field: string kind = 1;
     */
    kind: string;
    /**
     * "created", "updated" or "deleted".
     *
     * @generated from field: string action = 2;
     */
    action: string;
    /**
     * @generated from field: string id = 3;
     */
    id: string;
    /**
     * Events this watcher missed because it was too slow; reload everything when non-zero.
     *
     * @generated from field: int64 missed = 4;
     */
    missed: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.ChangeEvent.
 * Use `create(ChangeEventSchema)` to create a new message.
 */
export declare const ChangeEventSchema: GenMessage<ChangeEvent>;
/**
 * @generated from message aiproxy.admin.v1.GetRevisionRequest
 */
export type GetRevisionRequest = Message<"aiproxy.admin.v1.GetRevisionRequest"> & {};
/**
 * Describes the message aiproxy.admin.v1.GetRevisionRequest.
 * Use `create(GetRevisionRequestSchema)` to create a new message.
 */
export declare const GetRevisionRequestSchema: GenMessage<GetRevisionRequest>;
/**
 * @generated from message aiproxy.admin.v1.GetRevisionResponse
 */
export type GetRevisionResponse = Message<"aiproxy.admin.v1.GetRevisionResponse"> & {
    /**
     * @generated from field: int64 revision = 1;
     */
    revision: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.GetRevisionResponse.
 * Use `create(GetRevisionResponseSchema)` to create a new message.
 */
export declare const GetRevisionResponseSchema: GenMessage<GetRevisionResponse>;
/**
 * @generated from service aiproxy.admin.v1.ConfigService
 */
export declare const ConfigService: GenService<{
    /**
     * Applies a YAML or JSON document as an idempotent upsert in one transaction.
     *
     * @generated from rpc aiproxy.admin.v1.ConfigService.Apply
     */
    apply: {
        methodKind: "unary";
        input: typeof ApplyRequestSchema;
        output: typeof ApplyResponseSchema;
    };
    /**
     * Exports the whole configuration as YAML with secrets masked.
     *
     * @generated from rpc aiproxy.admin.v1.ConfigService.Export
     */
    export: {
        methodKind: "unary";
        input: typeof ExportRequestSchema;
        output: typeof ExportResponseSchema;
    };
    /**
     * Streams change events as they happen, starting now.
     *
     * @generated from rpc aiproxy.admin.v1.ConfigService.Watch
     */
    watch: {
        methodKind: "server_streaming";
        input: typeof WatchRequestSchema;
        output: typeof ChangeEventSchema;
    };
    /**
     * The configuration revision, bumped by every write.
     *
     * @generated from rpc aiproxy.admin.v1.ConfigService.GetRevision
     */
    getRevision: {
        methodKind: "unary";
        input: typeof GetRevisionRequestSchema;
        output: typeof GetRevisionResponseSchema;
    };
}>;
