import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { BatchDeleteResponseSchema, Price, Timeouts } from "./common_pb.js";
import type { EmptySchema, FieldMask } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file aiproxy/admin/v1/models.proto.
 */
export declare const file_aiproxy_admin_v1_models: GenFile;
/**
 * @generated from message aiproxy.admin.v1.ModelConfig
 */
export type ModelConfig = Message<"aiproxy.admin.v1.ModelConfig"> & {
    /**
     * @generated from field: string model = 1;
     */
    model: string;
    /**
     * Defaults to CHAT on create.
     *
     * @generated from field: aiproxy.admin.v1.ModelType type = 2;
     */
    type: ModelType;
    /**
     * @generated from field: string owner = 3;
     */
    owner: string;
    /**
     * Requests and tokens per minute for one group at ratio 1; 0 means unlimited.
     *
     * @generated from field: int64 rpm = 4;
     */
    rpm: bigint;
    /**
     * @generated from field: int64 tpm = 5;
     */
    tpm: bigint;
    /**
     * @generated from field: optional int64 retry_times = 6;
     */
    retryTimes?: bigint | undefined;
    /**
     * @generated from field: aiproxy.admin.v1.Timeouts timeouts = 7;
     */
    timeouts?: Timeouts | undefined;
    /**
     * @generated from field: aiproxy.admin.v1.Price price = 8;
     */
    price?: Price | undefined;
    /**
     * JSON object of plugin settings (for example cache, web search); empty means {}.
     *
     * @generated from field: string plugins_json = 9;
     */
    pluginsJson: string;
    /**
     * JSON object of free-form settings; empty means {}.
     *
     * @generated from field: string config_json = 10;
     */
    configJson: string;
    /**
     * @generated from field: int64 created_at_ms = 11;
     */
    createdAtMs: bigint;
    /**
     * @generated from field: int64 updated_at_ms = 12;
     */
    updatedAtMs: bigint;
    /**
     * Output tokens assumed for TPM and quota reservations when a request sets no max_tokens;
     * absent leaves it to the server's default.
     *
     * @generated from field: optional int64 max_output_tokens = 13;
     */
    maxOutputTokens?: bigint | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.ModelConfig.
 * Use `create(ModelConfigSchema)` to create a new message.
 */
export declare const ModelConfigSchema: GenMessage<ModelConfig>;
/**
 * @generated from message aiproxy.admin.v1.CreateModelConfigRequest
 */
export type CreateModelConfigRequest = Message<"aiproxy.admin.v1.CreateModelConfigRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.ModelConfig model_config = 1;
     */
    modelConfig?: ModelConfig | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.CreateModelConfigRequest.
 * Use `create(CreateModelConfigRequestSchema)` to create a new message.
 */
export declare const CreateModelConfigRequestSchema: GenMessage<CreateModelConfigRequest>;
/**
 * @generated from message aiproxy.admin.v1.GetModelConfigRequest
 */
export type GetModelConfigRequest = Message<"aiproxy.admin.v1.GetModelConfigRequest"> & {
    /**
     * @generated from field: string model = 1;
     */
    model: string;
};
/**
 * Describes the message aiproxy.admin.v1.GetModelConfigRequest.
 * Use `create(GetModelConfigRequestSchema)` to create a new message.
 */
export declare const GetModelConfigRequestSchema: GenMessage<GetModelConfigRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListModelConfigsRequest
 */
export type ListModelConfigsRequest = Message<"aiproxy.admin.v1.ListModelConfigsRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * @generated from field: aiproxy.admin.v1.ModelType type = 3;
     */
    type: ModelType;
    /**
     * @generated from field: string keyword = 4;
     */
    keyword: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListModelConfigsRequest.
 * Use `create(ListModelConfigsRequestSchema)` to create a new message.
 */
export declare const ListModelConfigsRequestSchema: GenMessage<ListModelConfigsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListModelConfigsResponse
 */
export type ListModelConfigsResponse = Message<"aiproxy.admin.v1.ListModelConfigsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.ModelConfig model_configs = 1;
     */
    modelConfigs: ModelConfig[];
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
 * Describes the message aiproxy.admin.v1.ListModelConfigsResponse.
 * Use `create(ListModelConfigsResponseSchema)` to create a new message.
 */
export declare const ListModelConfigsResponseSchema: GenMessage<ListModelConfigsResponse>;
/**
 * @generated from message aiproxy.admin.v1.UpdateModelConfigRequest
 */
export type UpdateModelConfigRequest = Message<"aiproxy.admin.v1.UpdateModelConfigRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.ModelConfig model_config = 1;
     */
    modelConfig?: ModelConfig | undefined;
    /**
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.UpdateModelConfigRequest.
 * Use `create(UpdateModelConfigRequestSchema)` to create a new message.
 */
export declare const UpdateModelConfigRequestSchema: GenMessage<UpdateModelConfigRequest>;
/**
 * @generated from message aiproxy.admin.v1.DeleteModelConfigRequest
 */
export type DeleteModelConfigRequest = Message<"aiproxy.admin.v1.DeleteModelConfigRequest"> & {
    /**
     * @generated from field: string model = 1;
     */
    model: string;
};
/**
 * Describes the message aiproxy.admin.v1.DeleteModelConfigRequest.
 * Use `create(DeleteModelConfigRequestSchema)` to create a new message.
 */
export declare const DeleteModelConfigRequestSchema: GenMessage<DeleteModelConfigRequest>;
/**
 * @generated from message aiproxy.admin.v1.BatchDeleteModelConfigsRequest
 */
export type BatchDeleteModelConfigsRequest = Message<"aiproxy.admin.v1.BatchDeleteModelConfigsRequest"> & {
    /**
     * @generated from field: repeated string models = 1;
     */
    models: string[];
};
/**
 * Describes the message aiproxy.admin.v1.BatchDeleteModelConfigsRequest.
 * Use `create(BatchDeleteModelConfigsRequestSchema)` to create a new message.
 */
export declare const BatchDeleteModelConfigsRequestSchema: GenMessage<BatchDeleteModelConfigsRequest>;
/**
 * @generated from message aiproxy.admin.v1.GroupModelOverride
 */
export type GroupModelOverride = Message<"aiproxy.admin.v1.GroupModelOverride"> & {
    /**
     * @generated from field: string group_id = 1;
     */
    groupId: string;
    /**
     * @generated from field: string model = 2;
     */
    model: string;
    /**
     * @generated from field: optional int64 rpm = 3;
     */
    rpm?: bigint | undefined;
    /**
     * @generated from field: optional int64 tpm = 4;
     */
    tpm?: bigint | undefined;
    /**
     * Replaces the model's price for this group when present.
     *
     * @generated from field: optional aiproxy.admin.v1.Price price = 5;
     */
    price?: Price | undefined;
    /**
     * @generated from field: optional int64 retry_times = 6;
     */
    retryTimes?: bigint | undefined;
    /**
     * @generated from field: aiproxy.admin.v1.Timeouts timeouts = 7;
     */
    timeouts?: Timeouts | undefined;
    /**
     * Keep request and response bodies in the log detail table.
     *
     * @generated from field: bool save_detail = 8;
     */
    saveDetail: boolean;
    /**
     * @generated from field: int64 created_at_ms = 9;
     */
    createdAtMs: bigint;
    /**
     * @generated from field: int64 updated_at_ms = 10;
     */
    updatedAtMs: bigint;
    /**
     * JSON object of plugin settings laid over the model's plugins_json, field by field per
     * plugin name (`{"cache": {"enable": false}}` turns the cache off for this group). Absent
     * keeps the model's plugins as they are.
     *
     * @generated from field: optional string plugins_json = 11;
     */
    pluginsJson?: string | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.GroupModelOverride.
 * Use `create(GroupModelOverrideSchema)` to create a new message.
 */
export declare const GroupModelOverrideSchema: GenMessage<GroupModelOverride>;
/**
 * @generated from message aiproxy.admin.v1.PutGroupModelOverrideRequest
 */
export type PutGroupModelOverrideRequest = Message<"aiproxy.admin.v1.PutGroupModelOverrideRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.GroupModelOverride override = 1;
     */
    override?: GroupModelOverride | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.PutGroupModelOverrideRequest.
 * Use `create(PutGroupModelOverrideRequestSchema)` to create a new message.
 */
export declare const PutGroupModelOverrideRequestSchema: GenMessage<PutGroupModelOverrideRequest>;
/**
 * @generated from message aiproxy.admin.v1.GetGroupModelOverrideRequest
 */
export type GetGroupModelOverrideRequest = Message<"aiproxy.admin.v1.GetGroupModelOverrideRequest"> & {
    /**
     * @generated from field: string group_id = 1;
     */
    groupId: string;
    /**
     * @generated from field: string model = 2;
     */
    model: string;
};
/**
 * Describes the message aiproxy.admin.v1.GetGroupModelOverrideRequest.
 * Use `create(GetGroupModelOverrideRequestSchema)` to create a new message.
 */
export declare const GetGroupModelOverrideRequestSchema: GenMessage<GetGroupModelOverrideRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListGroupModelOverridesRequest
 */
export type ListGroupModelOverridesRequest = Message<"aiproxy.admin.v1.ListGroupModelOverridesRequest"> & {
    /**
     * Empty lists every group's overrides.
     *
     * @generated from field: string group_id = 1;
     */
    groupId: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListGroupModelOverridesRequest.
 * Use `create(ListGroupModelOverridesRequestSchema)` to create a new message.
 */
export declare const ListGroupModelOverridesRequestSchema: GenMessage<ListGroupModelOverridesRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListGroupModelOverridesResponse
 */
export type ListGroupModelOverridesResponse = Message<"aiproxy.admin.v1.ListGroupModelOverridesResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.GroupModelOverride overrides = 1;
     */
    overrides: GroupModelOverride[];
};
/**
 * Describes the message aiproxy.admin.v1.ListGroupModelOverridesResponse.
 * Use `create(ListGroupModelOverridesResponseSchema)` to create a new message.
 */
export declare const ListGroupModelOverridesResponseSchema: GenMessage<ListGroupModelOverridesResponse>;
/**
 * @generated from message aiproxy.admin.v1.DeleteGroupModelOverrideRequest
 */
export type DeleteGroupModelOverrideRequest = Message<"aiproxy.admin.v1.DeleteGroupModelOverrideRequest"> & {
    /**
     * @generated from field: string group_id = 1;
     */
    groupId: string;
    /**
     * @generated from field: string model = 2;
     */
    model: string;
};
/**
 * Describes the message aiproxy.admin.v1.DeleteGroupModelOverrideRequest.
 * Use `create(DeleteGroupModelOverrideRequestSchema)` to create a new message.
 */
export declare const DeleteGroupModelOverrideRequestSchema: GenMessage<DeleteGroupModelOverrideRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListServedModelsRequest
 */
export type ListServedModelsRequest = Message<"aiproxy.admin.v1.ListServedModelsRequest"> & {
    /**
     * Only channels this group may reach (its available sets); empty means every enabled channel.
     *
     * @generated from field: string group_id = 1;
     */
    groupId: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListServedModelsRequest.
 * Use `create(ListServedModelsRequestSchema)` to create a new message.
 */
export declare const ListServedModelsRequestSchema: GenMessage<ListServedModelsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ServedModel
 */
export type ServedModel = Message<"aiproxy.admin.v1.ServedModel"> & {
    /**
     * @generated from field: string model = 1;
     */
    model: string;
    /**
     * Whether a model config exists; false means no limits and a zero price.
     *
     * @generated from field: bool configured = 2;
     */
    configured: boolean;
    /**
     * Names of the enabled channels serving it, highest priority first.
     *
     * @generated from field: repeated string channels = 3;
     */
    channels: string[];
};
/**
 * Describes the message aiproxy.admin.v1.ServedModel.
 * Use `create(ServedModelSchema)` to create a new message.
 */
export declare const ServedModelSchema: GenMessage<ServedModel>;
/**
 * @generated from message aiproxy.admin.v1.ListServedModelsResponse
 */
export type ListServedModelsResponse = Message<"aiproxy.admin.v1.ListServedModelsResponse"> & {
    /**
     * Sorted by model name.
     *
     * @generated from field: repeated aiproxy.admin.v1.ServedModel models = 1;
     */
    models: ServedModel[];
};
/**
 * Describes the message aiproxy.admin.v1.ListServedModelsResponse.
 * Use `create(ListServedModelsResponseSchema)` to create a new message.
 */
export declare const ListServedModelsResponseSchema: GenMessage<ListServedModelsResponse>;
/**
 * @generated from message aiproxy.admin.v1.BuiltinModel
 */
export type BuiltinModel = Message<"aiproxy.admin.v1.BuiltinModel"> & {
    /**
     * @generated from field: string model = 1;
     */
    model: string;
    /**
     * The channel type (ListChannelTypes name) serving the model first hand.
     *
     * @generated from field: string provider = 2;
     */
    provider: string;
    /**
     * @generated from field: aiproxy.admin.v1.ModelType type = 3;
     */
    type: ModelType;
    /**
     * Token prices per `price.unit` tokens, in `currency`.
     *
     * @generated from field: aiproxy.admin.v1.Price price = 4;
     */
    price?: Price | undefined;
    /**
     * ISO 4217 code of every price of the entry (USD, CNY).
     *
     * @generated from field: string currency = 5;
     */
    currency: string;
    /**
     * Tokens the model reads at most; absent when the vendor publishes none (media models).
     *
     * @generated from field: optional int64 context_window = 6;
     */
    contextWindow?: bigint | undefined;
    /**
     * @generated from field: optional int64 max_output_tokens = 7;
     */
    maxOutputTokens?: bigint | undefined;
    /**
     * Image, audio or video prices, in the shape of a model config's `config_json` `media` key;
     * empty when the model is priced by tokens only.
     *
     * @generated from field: string media_json = 8;
     */
    mediaJson: string;
};
/**
 * Describes the message aiproxy.admin.v1.BuiltinModel.
 * Use `create(BuiltinModelSchema)` to create a new message.
 */
export declare const BuiltinModelSchema: GenMessage<BuiltinModel>;
/**
 * @generated from message aiproxy.admin.v1.ListBuiltinModelsRequest
 */
export type ListBuiltinModelsRequest = Message<"aiproxy.admin.v1.ListBuiltinModelsRequest"> & {
    /**
     * A channel type name (`openai`, `ali`, ...); empty lists every provider.
     *
     * @generated from field: string provider = 1;
     */
    provider: string;
    /**
     * @generated from field: aiproxy.admin.v1.ModelType type = 2;
     */
    type: ModelType;
    /**
     * @generated from field: int32 page_size = 3;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 4;
     */
    pageToken: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListBuiltinModelsRequest.
 * Use `create(ListBuiltinModelsRequestSchema)` to create a new message.
 */
export declare const ListBuiltinModelsRequestSchema: GenMessage<ListBuiltinModelsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListBuiltinModelsResponse
 */
export type ListBuiltinModelsResponse = Message<"aiproxy.admin.v1.ListBuiltinModelsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.BuiltinModel models = 1;
     */
    models: BuiltinModel[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
    /**
     * @generated from field: int64 total_size = 3;
     */
    totalSize: bigint;
    /**
     * The catalogue's version and the date (YYYY-MM-DD) its prices were last checked.
     *
     * @generated from field: uint32 catalogue_version = 4;
     */
    catalogueVersion: number;
    /**
     * @generated from field: string catalogue_updated = 5;
     */
    catalogueUpdated: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListBuiltinModelsResponse.
 * Use `create(ListBuiltinModelsResponseSchema)` to create a new message.
 */
export declare const ListBuiltinModelsResponseSchema: GenMessage<ListBuiltinModelsResponse>;
/**
 * @generated from message aiproxy.admin.v1.ImportBuiltinModelsRequest
 */
export type ImportBuiltinModelsRequest = Message<"aiproxy.admin.v1.ImportBuiltinModelsRequest"> & {
    /**
     * Channel type names; empty takes every provider. An unknown name is refused.
     *
     * @generated from field: repeated string providers = 1;
     */
    providers: string[];
    /**
     * Model names; empty takes every model of the providers. An unknown name is refused.
     *
     * @generated from field: repeated string models = 2;
     */
    models: string[];
    /**
     * Replace the catalogue's fields of configs that already exist.
     *
     * @generated from field: bool overwrite = 3;
     */
    overwrite: boolean;
    /**
     * Only entries priced in this currency (USD, CNY); empty takes every currency.
     *
     * @generated from field: string currency = 4;
     */
    currency: string;
};
/**
 * Describes the message aiproxy.admin.v1.ImportBuiltinModelsRequest.
 * Use `create(ImportBuiltinModelsRequestSchema)` to create a new message.
 */
export declare const ImportBuiltinModelsRequestSchema: GenMessage<ImportBuiltinModelsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ImportBuiltinModelsResponse
 */
export type ImportBuiltinModelsResponse = Message<"aiproxy.admin.v1.ImportBuiltinModelsResponse"> & {
    /**
     * @generated from field: int64 created = 1;
     */
    created: bigint;
    /**
     * @generated from field: int64 updated = 2;
     */
    updated: bigint;
    /**
     * Entries whose model already had a config (and `overwrite` was not set).
     *
     * @generated from field: int64 skipped = 3;
     */
    skipped: bigint;
    /**
     * @generated from field: repeated string created_models = 4;
     */
    createdModels: string[];
    /**
     * @generated from field: repeated string updated_models = 5;
     */
    updatedModels: string[];
    /**
     * @generated from field: repeated string skipped_models = 6;
     */
    skippedModels: string[];
    /**
     * @generated from field: uint32 catalogue_version = 7;
     */
    catalogueVersion: number;
};
/**
 * Describes the message aiproxy.admin.v1.ImportBuiltinModelsResponse.
 * Use `create(ImportBuiltinModelsResponseSchema)` to create a new message.
 */
export declare const ImportBuiltinModelsResponseSchema: GenMessage<ImportBuiltinModelsResponse>;
/**
 * @generated from enum aiproxy.admin.v1.ModelType
 */
export declare enum ModelType {
    /**
     * @generated from enum value: MODEL_TYPE_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: MODEL_TYPE_CHAT = 1;
     */
    CHAT = 1,
    /**
     * @generated from enum value: MODEL_TYPE_COMPLETION = 2;
     */
    COMPLETION = 2,
    /**
     * @generated from enum value: MODEL_TYPE_EMBEDDING = 3;
     */
    EMBEDDING = 3,
    /**
     * @generated from enum value: MODEL_TYPE_IMAGE = 4;
     */
    IMAGE = 4,
    /**
     * @generated from enum value: MODEL_TYPE_AUDIO = 5;
     */
    AUDIO = 5,
    /**
     * @generated from enum value: MODEL_TYPE_RERANK = 6;
     */
    RERANK = 6,
    /**
     * @generated from enum value: MODEL_TYPE_MODERATION = 7;
     */
    MODERATION = 7,
    /**
     * @generated from enum value: MODEL_TYPE_VIDEO = 8;
     */
    VIDEO = 8,
    /**
     * PDFs parsed into markdown (`/v1/parse/pdf`), billed per page.
     *
     * @generated from enum value: MODEL_TYPE_DOCUMENT = 9;
     */
    DOCUMENT = 9
}
/**
 * Describes the enum aiproxy.admin.v1.ModelType.
 */
export declare const ModelTypeSchema: GenEnum<ModelType>;
/**
 * @generated from service aiproxy.admin.v1.ModelService
 */
export declare const ModelService: GenService<{
    /**
     * @generated from rpc aiproxy.admin.v1.ModelService.CreateModelConfig
     */
    createModelConfig: {
        methodKind: "unary";
        input: typeof CreateModelConfigRequestSchema;
        output: typeof ModelConfigSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ModelService.GetModelConfig
     */
    getModelConfig: {
        methodKind: "unary";
        input: typeof GetModelConfigRequestSchema;
        output: typeof ModelConfigSchema;
    };
    /**
     * Lists model configs; `keyword` searches the model name and owner.
     *
     * @generated from rpc aiproxy.admin.v1.ModelService.ListModelConfigs
     */
    listModelConfigs: {
        methodKind: "unary";
        input: typeof ListModelConfigsRequestSchema;
        output: typeof ListModelConfigsResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ModelService.UpdateModelConfig
     */
    updateModelConfig: {
        methodKind: "unary";
        input: typeof UpdateModelConfigRequestSchema;
        output: typeof ModelConfigSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ModelService.DeleteModelConfig
     */
    deleteModelConfig: {
        methodKind: "unary";
        input: typeof DeleteModelConfigRequestSchema;
        output: typeof EmptySchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ModelService.BatchDeleteModelConfigs
     */
    batchDeleteModelConfigs: {
        methodKind: "unary";
        input: typeof BatchDeleteModelConfigsRequestSchema;
        output: typeof BatchDeleteResponseSchema;
    };
    /**
     * Creates or replaces the override of one model for one group.
     *
     * @generated from rpc aiproxy.admin.v1.ModelService.PutGroupModelOverride
     */
    putGroupModelOverride: {
        methodKind: "unary";
        input: typeof PutGroupModelOverrideRequestSchema;
        output: typeof GroupModelOverrideSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ModelService.GetGroupModelOverride
     */
    getGroupModelOverride: {
        methodKind: "unary";
        input: typeof GetGroupModelOverrideRequestSchema;
        output: typeof GroupModelOverrideSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ModelService.ListGroupModelOverrides
     */
    listGroupModelOverrides: {
        methodKind: "unary";
        input: typeof ListGroupModelOverridesRequestSchema;
        output: typeof ListGroupModelOverridesResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.ModelService.DeleteGroupModelOverride
     */
    deleteGroupModelOverride: {
        methodKind: "unary";
        input: typeof DeleteGroupModelOverrideRequestSchema;
        output: typeof EmptySchema;
    };
    /**
     * Every model some enabled channel serves, with whether it has a model config. A served model
     * without one is still usable (no limits, zero price): this listing flags it instead of
     * leaving it out, which ListModelConfigs cannot do.
     *
     * @generated from rpc aiproxy.admin.v1.ModelService.ListServedModels
     */
    listServedModels: {
        methodKind: "unary";
        input: typeof ListServedModelsRequestSchema;
        output: typeof ListServedModelsResponseSchema;
    };
    /**
     * The price catalogue shipped in the binary: public list prices (in each entry's currency)
     * and limits of well-known models of every provider family. Lists entries, filtered by
     * provider and type.
     *
     * @generated from rpc aiproxy.admin.v1.ModelService.ListBuiltinModels
     */
    listBuiltinModels: {
        methodKind: "unary";
        input: typeof ListBuiltinModelsRequestSchema;
        output: typeof ListBuiltinModelsResponseSchema;
    };
    /**
     * Creates model configs from catalogue entries (all, or those of some providers and/or
     * named models). An existing config is left alone unless `overwrite` is set; then its type,
     * owner, price, max output tokens and `config` keys `max_context_tokens` and `media` are
     * replaced and its limits, timeouts, plugins and other `config` keys kept.
     *
     * @generated from rpc aiproxy.admin.v1.ModelService.ImportBuiltinModels
     */
    importBuiltinModels: {
        methodKind: "unary";
        input: typeof ImportBuiltinModelsRequestSchema;
        output: typeof ImportBuiltinModelsResponseSchema;
    };
}>;
