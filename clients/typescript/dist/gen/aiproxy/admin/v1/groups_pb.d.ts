import type { GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { BatchDeleteResponseSchema, Status } from "./common_pb.js";
import type { EmptySchema, FieldMask } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file aiproxy/admin/v1/groups.proto.
 */
export declare const file_aiproxy_admin_v1_groups: GenFile;
/**
 * @generated from message aiproxy.admin.v1.Group
 */
export type Group = Message<"aiproxy.admin.v1.Group"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
    /**
     * Defaults to ENABLED on create.
     *
     * @generated from field: aiproxy.admin.v1.Status status = 2;
     */
    status: Status;
    /**
     * Multipliers of each model's rpm/tpm limits; 0 on create means 1.
     *
     * @generated from field: double rpm_ratio = 3;
     */
    rpmRatio: number;
    /**
     * @generated from field: double tpm_ratio = 4;
     */
    tpmRatio: number;
    /**
     * Channel sets this group may use; empty means the default set.
     *
     * @generated from field: repeated string available_sets = 5;
     */
    availableSets: string[];
    /**
     * Decimal strings. `balance` is what the group has left to spend: requests are charged
     * against it as they finish.
     *
     * @generated from field: string balance = 6;
     */
    balance: string;
    /**
     * @generated from field: string balance_alert_threshold = 7;
     */
    balanceAlertThreshold: string;
    /**
     * @generated from field: bool balance_alert_enabled = 8;
     */
    balanceAlertEnabled: boolean;
    /**
     * @generated from field: int64 created_at_ms = 9;
     */
    createdAtMs: bigint;
    /**
     * @generated from field: int64 updated_at_ms = 10;
     */
    updatedAtMs: bigint;
    /**
     * In-flight requests of the whole group; absent means unlimited.
     *
     * @generated from field: optional int64 max_concurrency = 11;
     */
    maxConcurrency?: bigint | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.Group.
 * Use `create(GroupSchema)` to create a new message.
 */
export declare const GroupSchema: GenMessage<Group>;
/**
 * @generated from message aiproxy.admin.v1.CreateGroupRequest
 */
export type CreateGroupRequest = Message<"aiproxy.admin.v1.CreateGroupRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.Group group = 1;
     */
    group?: Group | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.CreateGroupRequest.
 * Use `create(CreateGroupRequestSchema)` to create a new message.
 */
export declare const CreateGroupRequestSchema: GenMessage<CreateGroupRequest>;
/**
 * @generated from message aiproxy.admin.v1.GetGroupRequest
 */
export type GetGroupRequest = Message<"aiproxy.admin.v1.GetGroupRequest"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
};
/**
 * Describes the message aiproxy.admin.v1.GetGroupRequest.
 * Use `create(GetGroupRequestSchema)` to create a new message.
 */
export declare const GetGroupRequestSchema: GenMessage<GetGroupRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListGroupsRequest
 */
export type ListGroupsRequest = Message<"aiproxy.admin.v1.ListGroupsRequest"> & {
    /**
     * At most 1000; 0 means 100.
     *
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * @generated from field: aiproxy.admin.v1.Status status = 3;
     */
    status: Status;
    /**
     * @generated from field: string keyword = 4;
     */
    keyword: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListGroupsRequest.
 * Use `create(ListGroupsRequestSchema)` to create a new message.
 */
export declare const ListGroupsRequestSchema: GenMessage<ListGroupsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListGroupsResponse
 */
export type ListGroupsResponse = Message<"aiproxy.admin.v1.ListGroupsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.Group groups = 1;
     */
    groups: Group[];
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
 * Describes the message aiproxy.admin.v1.ListGroupsResponse.
 * Use `create(ListGroupsResponseSchema)` to create a new message.
 */
export declare const ListGroupsResponseSchema: GenMessage<ListGroupsResponse>;
/**
 * @generated from message aiproxy.admin.v1.UpdateGroupRequest
 */
export type UpdateGroupRequest = Message<"aiproxy.admin.v1.UpdateGroupRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.Group group = 1;
     */
    group?: Group | undefined;
    /**
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.UpdateGroupRequest.
 * Use `create(UpdateGroupRequestSchema)` to create a new message.
 */
export declare const UpdateGroupRequestSchema: GenMessage<UpdateGroupRequest>;
/**
 * @generated from message aiproxy.admin.v1.DeleteGroupRequest
 */
export type DeleteGroupRequest = Message<"aiproxy.admin.v1.DeleteGroupRequest"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
};
/**
 * Describes the message aiproxy.admin.v1.DeleteGroupRequest.
 * Use `create(DeleteGroupRequestSchema)` to create a new message.
 */
export declare const DeleteGroupRequestSchema: GenMessage<DeleteGroupRequest>;
/**
 * @generated from message aiproxy.admin.v1.BatchDeleteGroupsRequest
 */
export type BatchDeleteGroupsRequest = Message<"aiproxy.admin.v1.BatchDeleteGroupsRequest"> & {
    /**
     * @generated from field: repeated string ids = 1;
     */
    ids: string[];
};
/**
 * Describes the message aiproxy.admin.v1.BatchDeleteGroupsRequest.
 * Use `create(BatchDeleteGroupsRequestSchema)` to create a new message.
 */
export declare const BatchDeleteGroupsRequestSchema: GenMessage<BatchDeleteGroupsRequest>;
/**
 * @generated from message aiproxy.admin.v1.SetGroupStatusRequest
 */
export type SetGroupStatusRequest = Message<"aiproxy.admin.v1.SetGroupStatusRequest"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
    /**
     * @generated from field: aiproxy.admin.v1.Status status = 2;
     */
    status: Status;
};
/**
 * Describes the message aiproxy.admin.v1.SetGroupStatusRequest.
 * Use `create(SetGroupStatusRequestSchema)` to create a new message.
 */
export declare const SetGroupStatusRequestSchema: GenMessage<SetGroupStatusRequest>;
/**
 * @generated from service aiproxy.admin.v1.GroupService
 */
export declare const GroupService: GenService<{
    /**
     * @generated from rpc aiproxy.admin.v1.GroupService.CreateGroup
     */
    createGroup: {
        methodKind: "unary";
        input: typeof CreateGroupRequestSchema;
        output: typeof GroupSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.GroupService.GetGroup
     */
    getGroup: {
        methodKind: "unary";
        input: typeof GetGroupRequestSchema;
        output: typeof GroupSchema;
    };
    /**
     * Lists groups; `keyword` searches the id.
     *
     * @generated from rpc aiproxy.admin.v1.GroupService.ListGroups
     */
    listGroups: {
        methodKind: "unary";
        input: typeof ListGroupsRequestSchema;
        output: typeof ListGroupsResponseSchema;
    };
    /**
     * Updates the fields named in `update_mask` (all updatable fields when it is empty).
     *
     * @generated from rpc aiproxy.admin.v1.GroupService.UpdateGroup
     */
    updateGroup: {
        methodKind: "unary";
        input: typeof UpdateGroupRequestSchema;
        output: typeof GroupSchema;
    };
    /**
     * Deletes the group with its tokens, model overrides, group MCP servers and MCP params.
     *
     * @generated from rpc aiproxy.admin.v1.GroupService.DeleteGroup
     */
    deleteGroup: {
        methodKind: "unary";
        input: typeof DeleteGroupRequestSchema;
        output: typeof EmptySchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.GroupService.BatchDeleteGroups
     */
    batchDeleteGroups: {
        methodKind: "unary";
        input: typeof BatchDeleteGroupsRequestSchema;
        output: typeof BatchDeleteResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.GroupService.SetGroupStatus
     */
    setGroupStatus: {
        methodKind: "unary";
        input: typeof SetGroupStatusRequestSchema;
        output: typeof GroupSchema;
    };
}>;
