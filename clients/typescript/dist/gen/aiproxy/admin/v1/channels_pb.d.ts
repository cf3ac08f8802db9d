import type { GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { BatchDeleteResponseSchema, Status, Timeouts } from "./common_pb.js";
import type { EmptySchema, FieldMask } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file aiproxy/admin/v1/channels.proto.
 */
export declare const file_aiproxy_admin_v1_channels: GenFile;
/**
 * The last test of one (channel, model) pair.
 *
 * @generated from message aiproxy.admin.v1.ChannelTestResult
 */
export type ChannelTestResult = Message<"aiproxy.admin.v1.ChannelTestResult"> & {
    /**
     * @generated from field: int64 channel_id = 1;
     */
    channelId: bigint;
    /**
     * @generated from field: string model = 2;
     */
    model: string;
    /**
     * @generated from field: bool success = 3;
     */
    success: boolean;
    /**
     * The upstream's HTTP status; 0 when no answer came (unreachable, timed out).
     *
     * @generated from field: int32 status_code = 4;
     */
    statusCode: number;
    /**
     * @generated from field: int64 latency_ms = 5;
     */
    latencyMs: bigint;
    /**
     * Why it failed; the channel's key and base URL are never in it. Empty on success.
     *
     * @generated from field: string error = 6;
     */
    error: string;
    /**
     * The endpoint tested, for example "/v1/chat/completions" or "/v1/embeddings".
     *
     * @generated from field: string endpoint = 7;
     */
    endpoint: string;
    /**
     * @generated from field: int64 tested_at_ms = 8;
     */
    testedAtMs: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.ChannelTestResult.
 * Use `create(ChannelTestResultSchema)` to create a new message.
 */
export declare const ChannelTestResultSchema: GenMessage<ChannelTestResult>;
/**
 * @generated from message aiproxy.admin.v1.TestChannelRequest
 */
export type TestChannelRequest = Message<"aiproxy.admin.v1.TestChannelRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * One model; every model of the channel when empty.
     *
     * @generated from field: string model = 2;
     */
    model: string;
    /**
     * Per test; default 30000, at most 120000.
     *
     * @generated from field: int64 timeout_ms = 3;
     */
    timeoutMs: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.TestChannelRequest.
 * Use `create(TestChannelRequestSchema)` to create a new message.
 */
export declare const TestChannelRequestSchema: GenMessage<TestChannelRequest>;
/**
 * @generated from message aiproxy.admin.v1.TestChannelResponse
 */
export type TestChannelResponse = Message<"aiproxy.admin.v1.TestChannelResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.ChannelTestResult results = 1;
     */
    results: ChannelTestResult[];
};
/**
 * Describes the message aiproxy.admin.v1.TestChannelResponse.
 * Use `create(TestChannelResponseSchema)` to create a new message.
 */
export declare const TestChannelResponseSchema: GenMessage<TestChannelResponse>;
/**
 * @generated from message aiproxy.admin.v1.TestChannelsRequest
 */
export type TestChannelsRequest = Message<"aiproxy.admin.v1.TestChannelsRequest"> & {
    /**
     * Tests at once; default 4, at most 16.
     *
     * @generated from field: int32 concurrency = 1;
     */
    concurrency: number;
    /**
     * Per test; default 30000, at most 120000.
     *
     * @generated from field: int64 timeout_ms = 2;
     */
    timeoutMs: bigint;
    /**
     * Disabled channels too (the seed's `test_disabled`): their results are recorded as any
     * test's, and their status is left as it is (a passed test does not enable a channel).
     *
     * @generated from field: bool include_disabled = 3;
     */
    includeDisabled: boolean;
};
/**
 * Describes the message aiproxy.admin.v1.TestChannelsRequest.
 * Use `create(TestChannelsRequestSchema)` to create a new message.
 */
export declare const TestChannelsRequestSchema: GenMessage<TestChannelsRequest>;
/**
 * @generated from message aiproxy.admin.v1.PreviewChannelTestRequest
 */
export type PreviewChannelTestRequest = Message<"aiproxy.admin.v1.PreviewChannelTestRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.Channel channel = 1;
     */
    channel?: Channel | undefined;
    /**
     * One model; every model of the definition when empty.
     *
     * @generated from field: string model = 2;
     */
    model: string;
    /**
     * @generated from field: int64 timeout_ms = 3;
     */
    timeoutMs: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.PreviewChannelTestRequest.
 * Use `create(PreviewChannelTestRequestSchema)` to create a new message.
 */
export declare const PreviewChannelTestRequestSchema: GenMessage<PreviewChannelTestRequest>;
/**
 * @generated from message aiproxy.admin.v1.CreateChannelsRequest
 */
export type CreateChannelsRequest = Message<"aiproxy.admin.v1.CreateChannelsRequest"> & {
    /**
     * The template; its `key` is ignored.
     *
     * @generated from field: aiproxy.admin.v1.Channel channel = 1;
     */
    channel?: Channel | undefined;
    /**
     * One channel per key; an entry holding several lines counts one key per non-blank line.
     *
     * @generated from field: repeated string keys = 2;
     */
    keys: string[];
};
/**
 * Describes the message aiproxy.admin.v1.CreateChannelsRequest.
 * Use `create(CreateChannelsRequestSchema)` to create a new message.
 */
export declare const CreateChannelsRequestSchema: GenMessage<CreateChannelsRequest>;
/**
 * @generated from message aiproxy.admin.v1.CreateChannelsResponse
 */
export type CreateChannelsResponse = Message<"aiproxy.admin.v1.CreateChannelsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.Channel channels = 1;
     */
    channels: Channel[];
};
/**
 * Describes the message aiproxy.admin.v1.CreateChannelsResponse.
 * Use `create(CreateChannelsResponseSchema)` to create a new message.
 */
export declare const CreateChannelsResponseSchema: GenMessage<CreateChannelsResponse>;
/**
 * @generated from message aiproxy.admin.v1.ChannelBan
 */
export type ChannelBan = Message<"aiproxy.admin.v1.ChannelBan"> & {
    /**
     * @generated from field: int64 channel_id = 1;
     */
    channelId: bigint;
    /**
     * The model as clients ask for it.
     *
     * @generated from field: string model = 2;
     */
    model: string;
    /**
     * For example "5 consecutive failures" or "the upstream refused the channel's key (HTTP 401)".
     *
     * @generated from field: string reason = 3;
     */
    reason: string;
    /**
     * @generated from field: int64 since_ms = 4;
     */
    sinceMs: bigint;
    /**
     * The ban ends by then at the latest; a successful probe ends it sooner.
     *
     * @generated from field: int64 until_ms = 5;
     */
    untilMs: bigint;
    /**
     * @generated from field: int64 next_probe_ms = 6;
     */
    nextProbeMs: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.ChannelBan.
 * Use `create(ChannelBanSchema)` to create a new message.
 */
export declare const ChannelBanSchema: GenMessage<ChannelBan>;
/**
 * @generated from message aiproxy.admin.v1.ListChannelBansRequest
 */
export type ListChannelBansRequest = Message<"aiproxy.admin.v1.ListChannelBansRequest"> & {
    /**
     * Only this channel's bans.
     *
     * @generated from field: optional int64 channel_id = 1;
     */
    channelId?: bigint | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.ListChannelBansRequest.
 * Use `create(ListChannelBansRequestSchema)` to create a new message.
 */
export declare const ListChannelBansRequestSchema: GenMessage<ListChannelBansRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListChannelBansResponse
 */
export type ListChannelBansResponse = Message<"aiproxy.admin.v1.ListChannelBansResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.ChannelBan bans = 1;
     */
    bans: ChannelBan[];
};
/**
 * Describes the message aiproxy.admin.v1.ListChannelBansResponse.
 * Use `create(ListChannelBansResponseSchema)` to create a new message.
 */
export declare const ListChannelBansResponseSchema: GenMessage<ListChannelBansResponse>;
/**
 * @generated from message aiproxy.admin.v1.ClearChannelBansRequest
 */
export type ClearChannelBansRequest = Message<"aiproxy.admin.v1.ClearChannelBansRequest"> & {
    /**
     * Only this channel's bans; every channel's when absent.
     *
     * @generated from field: optional int64 channel_id = 1;
     */
    channelId?: bigint | undefined;
    /**
     * Only this model's bans.
     *
     * @generated from field: optional string model = 2;
     */
    model?: string | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.ClearChannelBansRequest.
 * Use `create(ClearChannelBansRequestSchema)` to create a new message.
 */
export declare const ClearChannelBansRequestSchema: GenMessage<ClearChannelBansRequest>;
/**
 * @generated from message aiproxy.admin.v1.ClearChannelBansResponse
 */
export type ClearChannelBansResponse = Message<"aiproxy.admin.v1.ClearChannelBansResponse"> & {
    /**
     * Pairs whose ban was lifted.
     *
     * @generated from field: int64 cleared = 1;
     */
    cleared: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.ClearChannelBansResponse.
 * Use `create(ClearChannelBansResponseSchema)` to create a new message.
 */
export declare const ClearChannelBansResponseSchema: GenMessage<ClearChannelBansResponse>;
/**
 * @generated from message aiproxy.admin.v1.Channel
 */
export type Channel = Message<"aiproxy.admin.v1.Channel"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * Unique.
     *
     * @generated from field: string name = 2;
     */
    name: string;
    /**
     * One of ListChannelTypes, for example "openai", "azure", "anthropic".
     *
     * @generated from field: string type = 3;
     */
    type: string;
    /**
     * Empty means the type's default.
     *
     * @generated from field: string base_url = 4;
     */
    baseUrl: string;
    /**
     * The upstream credential. Always masked ("sk-a…f00d") in responses; sending back the masked
     * value keeps the stored key.
     *
     * @generated from field: string key = 5;
     */
    key: string;
    /**
     * @generated from field: repeated string models = 6;
     */
    models: string[];
    /**
     * Requested model name -> upstream model name.
     *
     * @generated from field: map<string, string> model_mapping = 7;
     */
    modelMapping: {
        [key: string]: string;
    };
    /**
     * @generated from field: int64 priority = 8;
     */
    priority: bigint;
    /**
     * Sets this channel belongs to; empty means the default set.
     *
     * @generated from field: repeated string sets = 9;
     */
    sets: string[];
    /**
     * @generated from field: aiproxy.admin.v1.Status status = 10;
     */
    status: Status;
    /**
     * @generated from field: string proxy_url = 11;
     */
    proxyUrl: string;
    /**
     * @generated from field: aiproxy.admin.v1.Timeouts timeouts = 12;
     */
    timeouts?: Timeouts | undefined;
    /**
     * Per-type settings, for example azure `api_version`.
     *
     * @generated from field: map<string, string> config = 13;
     */
    config: {
        [key: string]: string;
    };
    /**
     * @generated from field: int64 created_at_ms = 14;
     */
    createdAtMs: bigint;
    /**
     * @generated from field: int64 updated_at_ms = 15;
     */
    updatedAtMs: bigint;
    /**
     * The last test of each model (TestChannel, TestChannels), by model; read-only.
     *
     * @generated from field: repeated aiproxy.admin.v1.ChannelTestResult last_tests = 16;
     */
    lastTests: ChannelTestResult[];
    /**
     * The upstream account balance and its alert settings (read only here: set them with
     * SetChannelBalanceSettings).
     *
     * @generated from field: aiproxy.admin.v1.ChannelBalance balance = 17;
     */
    balance?: ChannelBalance | undefined;
    /**
     * Alert when a (channel, model) pair's error rate (its share of failed requests within the
     * ban window) exceeds this, in (0, 1]; absent: the DefaultWarnNotifyErrorRate option.
     *
     * @generated from field: optional double warn_error_rate = 18;
     */
    warnErrorRate?: number | undefined;
    /**
     * Ban a pair whose error rate reaches this once the window holds at least 10 requests, in
     * (0, 1]; absent: no rate ban. Consecutive failures ban a pair in any case.
     *
     * @generated from field: optional double max_error_rate = 19;
     */
    maxErrorRate?: number | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.Channel.
 * Use `create(ChannelSchema)` to create a new message.
 */
export declare const ChannelSchema: GenMessage<Channel>;
/**
 * @generated from message aiproxy.admin.v1.CreateChannelRequest
 */
export type CreateChannelRequest = Message<"aiproxy.admin.v1.CreateChannelRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.Channel channel = 1;
     */
    channel?: Channel | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.CreateChannelRequest.
 * Use `create(CreateChannelRequestSchema)` to create a new message.
 */
export declare const CreateChannelRequestSchema: GenMessage<CreateChannelRequest>;
/**
 * @generated from message aiproxy.admin.v1.GetChannelRequest
 */
export type GetChannelRequest = Message<"aiproxy.admin.v1.GetChannelRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.GetChannelRequest.
 * Use `create(GetChannelRequestSchema)` to create a new message.
 */
export declare const GetChannelRequestSchema: GenMessage<GetChannelRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListChannelsRequest
 */
export type ListChannelsRequest = Message<"aiproxy.admin.v1.ListChannelsRequest"> & {
    /**
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
     * @generated from field: string type = 4;
     */
    type: string;
    /**
     * @generated from field: string keyword = 5;
     */
    keyword: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListChannelsRequest.
 * Use `create(ListChannelsRequestSchema)` to create a new message.
 */
export declare const ListChannelsRequestSchema: GenMessage<ListChannelsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListChannelsResponse
 */
export type ListChannelsResponse = Message<"aiproxy.admin.v1.ListChannelsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.Channel channels = 1;
     */
    channels: Channel[];
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
 * Describes the message aiproxy.admin.v1.ListChannelsResponse.
 * Use `create(ListChannelsResponseSchema)` to create a new message.
 */
export declare const ListChannelsResponseSchema: GenMessage<ListChannelsResponse>;
/**
 * @generated from message aiproxy.admin.v1.UpdateChannelRequest
 */
export type UpdateChannelRequest = Message<"aiproxy.admin.v1.UpdateChannelRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.Channel channel = 1;
     */
    channel?: Channel | undefined;
    /**
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.UpdateChannelRequest.
 * Use `create(UpdateChannelRequestSchema)` to create a new message.
 */
export declare const UpdateChannelRequestSchema: GenMessage<UpdateChannelRequest>;
/**
 * @generated from message aiproxy.admin.v1.DeleteChannelRequest
 */
export type DeleteChannelRequest = Message<"aiproxy.admin.v1.DeleteChannelRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.DeleteChannelRequest.
 * Use `create(DeleteChannelRequestSchema)` to create a new message.
 */
export declare const DeleteChannelRequestSchema: GenMessage<DeleteChannelRequest>;
/**
 * @generated from message aiproxy.admin.v1.BatchDeleteChannelsRequest
 */
export type BatchDeleteChannelsRequest = Message<"aiproxy.admin.v1.BatchDeleteChannelsRequest"> & {
    /**
     * @generated from field: repeated int64 ids = 1;
     */
    ids: bigint[];
};
/**
 * Describes the message aiproxy.admin.v1.BatchDeleteChannelsRequest.
 * Use `create(BatchDeleteChannelsRequestSchema)` to create a new message.
 */
export declare const BatchDeleteChannelsRequestSchema: GenMessage<BatchDeleteChannelsRequest>;
/**
 * @generated from message aiproxy.admin.v1.SetChannelStatusRequest
 */
export type SetChannelStatusRequest = Message<"aiproxy.admin.v1.SetChannelStatusRequest"> & {
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
 * Describes the message aiproxy.admin.v1.SetChannelStatusRequest.
 * Use `create(SetChannelStatusRequestSchema)` to create a new message.
 */
export declare const SetChannelStatusRequestSchema: GenMessage<SetChannelStatusRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListChannelTypesRequest
 */
export type ListChannelTypesRequest = Message<"aiproxy.admin.v1.ListChannelTypesRequest"> & {};
/**
 * Describes the message aiproxy.admin.v1.ListChannelTypesRequest.
 * Use `create(ListChannelTypesRequestSchema)` to create a new message.
 */
export declare const ListChannelTypesRequestSchema: GenMessage<ListChannelTypesRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListChannelTypesResponse
 */
export type ListChannelTypesResponse = Message<"aiproxy.admin.v1.ListChannelTypesResponse"> & {
    /**
     * Every type's name, in the order `descriptions` lists them (kept for older clients).
     *
     * @generated from field: repeated string types = 1;
     */
    types: string[];
    /**
     * Every type as it describes itself, for forms that configure a channel.
     *
     * @generated from field: repeated aiproxy.admin.v1.ChannelTypeDescription descriptions = 2;
     */
    descriptions: ChannelTypeDescription[];
};
/**
 * Describes the message aiproxy.admin.v1.ListChannelTypesResponse.
 * Use `create(ListChannelTypesResponseSchema)` to create a new message.
 */
export declare const ListChannelTypesResponseSchema: GenMessage<ListChannelTypesResponse>;
/**
 * One channel type: what to call it, what it needs and what it serves.
 *
 * @generated from message aiproxy.admin.v1.ChannelTypeDescription
 */
export type ChannelTypeDescription = Message<"aiproxy.admin.v1.ChannelTypeDescription"> & {
    /**
     * The name channels are configured with ("deepseek").
     *
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * Other names that configure the same type (the seed's spellings, "bedrock" for "aws").
     *
     * @generated from field: repeated string aliases = 2;
     */
    aliases: string[];
    /**
     * The provider's name as people know it ("DeepSeek").
     *
     * @generated from field: string display_name = 3;
     */
    displayName: string;
    /**
     * Used when a channel names no base URL; empty when every account has its own (required).
     *
     * @generated from field: string default_base_url = 4;
     */
    defaultBaseUrl: string;
    /**
     * The key's format as an operator pastes it ("account_id|api_token").
     *
     * @generated from field: string key_help = 5;
     */
    keyHelp: string;
    /**
     * The `config` keys the type reads.
     *
     * @generated from field: repeated aiproxy.admin.v1.ChannelTypeConfigKey config_keys = 6;
     */
    configKeys: ChannelTypeConfigKey[];
    /**
     * The client routes the type serves ("/v1/chat/completions", "/v1/messages", ...): each
     * with the upstream's own protocol or converted, see `native_endpoints`.
     *
     * @generated from field: repeated string endpoints = 7;
     */
    endpoints: string[];
    /**
     * Of `endpoints`, those whose clients reach the upstream in their own protocol, unconverted.
     *
     * @generated from field: repeated string native_endpoints = 8;
     */
    nativeEndpoints: string[];
};
/**
 * Describes the message aiproxy.admin.v1.ChannelTypeDescription.
 * Use `create(ChannelTypeDescriptionSchema)` to create a new message.
 */
export declare const ChannelTypeDescriptionSchema: GenMessage<ChannelTypeDescription>;
/**
 * @generated from message aiproxy.admin.v1.ChannelTypeConfigKey
 */
export type ChannelTypeConfigKey = Message<"aiproxy.admin.v1.ChannelTypeConfigKey"> & {
    /**
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * "string", "bool", "integer" or "number"; every value is stored as a string.
     *
     * @generated from field: string type = 2;
     */
    type: string;
    /**
     * What the type does when the key is absent; empty when absence means off.
     *
     * @generated from field: string default = 3;
     */
    default: string;
    /**
     * @generated from field: string help = 4;
     */
    help: string;
};
/**
 * Describes the message aiproxy.admin.v1.ChannelTypeConfigKey.
 * Use `create(ChannelTypeConfigKeySchema)` to create a new message.
 */
export declare const ChannelTypeConfigKeySchema: GenMessage<ChannelTypeConfigKey>;
/**
 * @generated from message aiproxy.admin.v1.ChannelBalance
 */
export type ChannelBalance = Message<"aiproxy.admin.v1.ChannelBalance"> & {
    /**
     * Whether the channel's type has a balance API the gateway reads.
     *
     * @generated from field: bool supported = 1;
     */
    supported: boolean;
    /**
     * The last balance read successfully; absent when never read.
     *
     * @generated from field: optional double balance = 2;
     */
    balance?: number | undefined;
    /**
     * ISO code ("USD", "CNY") when the upstream says it or has one currency; empty when unknown.
     *
     * @generated from field: string currency = 3;
     */
    currency: string;
    /**
     * When `balance` was read; 0 when never.
     *
     * @generated from field: int64 updated_at_ms = 4;
     */
    updatedAtMs: bigint;
    /**
     * Why the latest attempt failed (never containing the key); empty after a success.
     *
     * @generated from field: string last_error = 5;
     */
    lastError: string;
    /**
     * The low-balance alert fires when the balance is below this; absent: no alert.
     *
     * @generated from field: optional double threshold = 6;
     */
    threshold?: number | undefined;
    /**
     * When the balance reaches 0 the channel is disabled (with a log line and an alert).
     *
     * @generated from field: bool disable_when_empty = 7;
     */
    disableWhenEmpty: boolean;
};
/**
 * Describes the message aiproxy.admin.v1.ChannelBalance.
 * Use `create(ChannelBalanceSchema)` to create a new message.
 */
export declare const ChannelBalanceSchema: GenMessage<ChannelBalance>;
/**
 * @generated from message aiproxy.admin.v1.UpdateChannelBalanceRequest
 */
export type UpdateChannelBalanceRequest = Message<"aiproxy.admin.v1.UpdateChannelBalanceRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.UpdateChannelBalanceRequest.
 * Use `create(UpdateChannelBalanceRequestSchema)` to create a new message.
 */
export declare const UpdateChannelBalanceRequestSchema: GenMessage<UpdateChannelBalanceRequest>;
/**
 * @generated from message aiproxy.admin.v1.SetChannelBalanceSettingsRequest
 */
export type SetChannelBalanceSettingsRequest = Message<"aiproxy.admin.v1.SetChannelBalanceSettingsRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * Absent clears the threshold.
     *
     * @generated from field: optional double threshold = 2;
     */
    threshold?: number | undefined;
    /**
     * @generated from field: bool disable_when_empty = 3;
     */
    disableWhenEmpty: boolean;
};
/**
 * Describes the message aiproxy.admin.v1.SetChannelBalanceSettingsRequest.
 * Use `create(SetChannelBalanceSettingsRequestSchema)` to create a new message.
 */
export declare const SetChannelBalanceSettingsRequestSchema: GenMessage<SetChannelBalanceSettingsRequest>;
/**
 * @generated from service aiproxy.admin.v1.ChannelService
 */
export declare const ChannelService: GenService<{
    /**
     * @generated from rpc aiproxy.admin.v1.ChannelService.CreateChannel
     */
    createChannel: {
        methodKind: "unary";
        input: typeof CreateChannelRequestSchema;
        output: typeof ChannelSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ChannelService.GetChannel
     */
    getChannel: {
        methodKind: "unary";
        input: typeof GetChannelRequestSchema;
        output: typeof ChannelSchema;
    };
    /**
     * Lists channels; `keyword` searches the name and base URL.
     *
     * @generated from rpc aiproxy.admin.v1.ChannelService.ListChannels
     */
    listChannels: {
        methodKind: "unary";
        input: typeof ListChannelsRequestSchema;
        output: typeof ListChannelsResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ChannelService.UpdateChannel
     */
    updateChannel: {
        methodKind: "unary";
        input: typeof UpdateChannelRequestSchema;
        output: typeof ChannelSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ChannelService.DeleteChannel
     */
    deleteChannel: {
        methodKind: "unary";
        input: typeof DeleteChannelRequestSchema;
        output: typeof EmptySchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ChannelService.BatchDeleteChannels
     */
    batchDeleteChannels: {
        methodKind: "unary";
        input: typeof BatchDeleteChannelsRequestSchema;
        output: typeof BatchDeleteResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ChannelService.SetChannelStatus
     */
    setChannelStatus: {
        methodKind: "unary";
        input: typeof SetChannelStatusRequestSchema;
        output: typeof ChannelSchema;
    };
    /**
     * The channel types this server knows.
     *
     * @generated from rpc aiproxy.admin.v1.ChannelService.ListChannelTypes
     */
    listChannelTypes: {
        methodKind: "unary";
        input: typeof ListChannelTypesRequestSchema;
        output: typeof ListChannelTypesResponseSchema;
    };
    /**
     * (channel, model) pairs out of rotation: why, since when, until when at the latest and when
     * the next probe is due. With REDIS every replica holds the same bans.
     *
     * @generated from rpc aiproxy.admin.v1.ChannelService.ListChannelBans
     */
    listChannelBans: {
        methodKind: "unary";
        input: typeof ListChannelBansRequestSchema;
        output: typeof ListChannelBansResponseSchema;
    };
    /**
     * Lifts bans (every one, one channel's, or one pair's), on every replica with REDIS; for
     * after a key was fixed. A pair that fails again is banned again.
     *
     * @generated from rpc aiproxy.admin.v1.ChannelService.ClearChannelBans
     */
    clearChannelBans: {
        methodKind: "unary";
        input: typeof ClearChannelBansRequestSchema;
        output: typeof ClearChannelBansResponseSchema;
    };
    /**
     * Channel tests and many-key creation.
     * Tests one channel: one model, or every model it serves. Each test is a tiny real request
     * (max_tokens 1) on the endpoint of the model's configured type (chat when unconfigured),
     * bounded by a timeout; the result is stored as the pair's last test and returned.
     *
     * @generated from rpc aiproxy.admin.v1.ChannelService.TestChannel
     */
    testChannel: {
        methodKind: "unary";
        input: typeof TestChannelRequestSchema;
        output: typeof TestChannelResponseSchema;
    };
    /**
     * Tests every model of every enabled channel, a few at a time, streaming one result per
     * (channel, model) as it finishes; each is stored as TestChannel's are.
     *
     * @generated from rpc aiproxy.admin.v1.ChannelService.TestChannels
     */
    testChannels: {
        methodKind: "server_streaming";
        input: typeof TestChannelsRequestSchema;
        output: typeof ChannelTestResultSchema;
    };
    /**
     * Tests a channel definition that is not saved (a form before Create); nothing is stored.
     * `channel.id` names a stored channel whose masked key, base URL and proxy URL are kept.
     *
     * @generated from rpc aiproxy.admin.v1.ChannelService.PreviewChannelTest
     */
    previewChannelTest: {
        methodKind: "unary";
        input: typeof PreviewChannelTestRequestSchema;
        output: typeof TestChannelResponseSchema;
    };
    /**
     * Creates one channel per key (as the seed does for a multi-line key): every other field is
     * `channel`'s; names are suffixed "-1", "-2", ... when there is more than one key. All are
     * created or none.
     *
     * @generated from rpc aiproxy.admin.v1.ChannelService.CreateChannels
     */
    createChannels: {
        methodKind: "unary";
        input: typeof CreateChannelsRequestSchema;
        output: typeof CreateChannelsResponseSchema;
    };
    /**
     * Upstream balances. Reads the channel's account balance from its upstream now and stores
     * it (or why it failed, keeping the last good value); raises the low-balance alert and
     * disables the channel when empty, as the periodic refresh does. An upstream that fails is
     * not an RPC error: the answer carries it in `last_error`. FAILED_PRECONDITION for a channel
     * type without a balance API (see ChannelBalance.supported).
     *
     * @generated from rpc aiproxy.admin.v1.ChannelService.UpdateChannelBalance
     */
    updateChannelBalance: {
        methodKind: "unary";
        input: typeof UpdateChannelBalanceRequestSchema;
        output: typeof ChannelBalanceSchema;
    };
    /**
     * Sets a channel's low-balance alert threshold and disable-when-empty switch.
     *
     * @generated from rpc aiproxy.admin.v1.ChannelService.SetChannelBalanceSettings
     */
    setChannelBalanceSettings: {
        methodKind: "unary";
        input: typeof SetChannelBalanceSettingsRequestSchema;
        output: typeof ChannelBalanceSchema;
    };
}>;
