// Model configurations (limits, prices) and per-group overrides of them.
import { enumDesc, fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_aiproxy_admin_v1_common } from "./common_pb.js";
import { file_google_protobuf_empty, file_google_protobuf_field_mask } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/models.proto.
 */
export const file_aiproxy_admin_v1_models = /*@__PURE__*/ fileDesc("Ch1haXByb3h5L2FkbWluL3YxL21vZGVscy5wcm90bxIQYWlwcm94eS5hZG1pbi52MSL/AgoLTW9kZWxDb25maWcSDQoFbW9kZWwYASABKAkSKQoEdHlwZRgCIAEoDjIbLmFpcHJveHkuYWRtaW4udjEuTW9kZWxUeXBlEg0KBW93bmVyGAMgASgJEgsKA3JwbRgEIAEoAxILCgN0cG0YBSABKAMSGAoLcmV0cnlfdGltZXMYBiABKANIAIgBARIsCgh0aW1lb3V0cxgHIAEoCzIaLmFpcHJveHkuYWRtaW4udjEuVGltZW91dHMSJgoFcHJpY2UYCCABKAsyFy5haXByb3h5LmFkbWluLnYxLlByaWNlEhQKDHBsdWdpbnNfanNvbhgJIAEoCRITCgtjb25maWdfanNvbhgKIAEoCRIVCg1jcmVhdGVkX2F0X21zGAsgASgDEhUKDXVwZGF0ZWRfYXRfbXMYDCABKAMSHgoRbWF4X291dHB1dF90b2tlbnMYDSABKANIAYgBAUIOCgxfcmV0cnlfdGltZXNCFAoSX21heF9vdXRwdXRfdG9rZW5zIk8KGENyZWF0ZU1vZGVsQ29uZmlnUmVxdWVzdBIzCgxtb2RlbF9jb25maWcYASABKAsyHS5haXByb3h5LmFkbWluLnYxLk1vZGVsQ29uZmlnIiYKFUdldE1vZGVsQ29uZmlnUmVxdWVzdBINCgVtb2RlbBgBIAEoCSJ8ChdMaXN0TW9kZWxDb25maWdzUmVxdWVzdBIRCglwYWdlX3NpemUYASABKAUSEgoKcGFnZV90b2tlbhgCIAEoCRIpCgR0eXBlGAMgASgOMhsuYWlwcm94eS5hZG1pbi52MS5Nb2RlbFR5cGUSDwoHa2V5d29yZBgEIAEoCSJ9ChhMaXN0TW9kZWxDb25maWdzUmVzcG9uc2USNAoNbW9kZWxfY29uZmlncxgBIAMoCzIdLmFpcHJveHkuYWRtaW4udjEuTW9kZWxDb25maWcSFwoPbmV4dF9wYWdlX3Rva2VuGAIgASgJEhIKCnRvdGFsX3NpemUYAyABKAMigAEKGFVwZGF0ZU1vZGVsQ29uZmlnUmVxdWVzdBIzCgxtb2RlbF9jb25maWcYASABKAsyHS5haXByb3h5LmFkbWluLnYxLk1vZGVsQ29uZmlnEi8KC3VwZGF0ZV9tYXNrGAIgASgLMhouZ29vZ2xlLnByb3RvYnVmLkZpZWxkTWFzayIpChhEZWxldGVNb2RlbENvbmZpZ1JlcXVlc3QSDQoFbW9kZWwYASABKAkiMAoeQmF0Y2hEZWxldGVNb2RlbENvbmZpZ3NSZXF1ZXN0Eg4KBm1vZGVscxgBIAMoCSLnAgoSR3JvdXBNb2RlbE92ZXJyaWRlEhAKCGdyb3VwX2lkGAEgASgJEg0KBW1vZGVsGAIgASgJEhAKA3JwbRgDIAEoA0gAiAEBEhAKA3RwbRgEIAEoA0gBiAEBEisKBXByaWNlGAUgASgLMhcuYWlwcm94eS5hZG1pbi52MS5QcmljZUgCiAEBEhgKC3JldHJ5X3RpbWVzGAYgASgDSAOIAQESLAoIdGltZW91dHMYByABKAsyGi5haXByb3h5LmFkbWluLnYxLlRpbWVvdXRzEhMKC3NhdmVfZGV0YWlsGAggASgIEhUKDWNyZWF0ZWRfYXRfbXMYCSABKAMSFQoNdXBkYXRlZF9hdF9tcxgKIAEoAxIZCgxwbHVnaW5zX2pzb24YCyABKAlIBIgBAUIGCgRfcnBtQgYKBF90cG1CCAoGX3ByaWNlQg4KDF9yZXRyeV90aW1lc0IPCg1fcGx1Z2luc19qc29uIlYKHFB1dEdyb3VwTW9kZWxPdmVycmlkZVJlcXVlc3QSNgoIb3ZlcnJpZGUYASABKAsyJC5haXByb3h5LmFkbWluLnYxLkdyb3VwTW9kZWxPdmVycmlkZSI/ChxHZXRHcm91cE1vZGVsT3ZlcnJpZGVSZXF1ZXN0EhAKCGdyb3VwX2lkGAEgASgJEg0KBW1vZGVsGAIgASgJIjIKHkxpc3RHcm91cE1vZGVsT3ZlcnJpZGVzUmVxdWVzdBIQCghncm91cF9pZBgBIAEoCSJaCh9MaXN0R3JvdXBNb2RlbE92ZXJyaWRlc1Jlc3BvbnNlEjcKCW92ZXJyaWRlcxgBIAMoCzIkLmFpcHJveHkuYWRtaW4udjEuR3JvdXBNb2RlbE92ZXJyaWRlIkIKH0RlbGV0ZUdyb3VwTW9kZWxPdmVycmlkZVJlcXVlc3QSEAoIZ3JvdXBfaWQYASABKAkSDQoFbW9kZWwYAiABKAkiKwoXTGlzdFNlcnZlZE1vZGVsc1JlcXVlc3QSEAoIZ3JvdXBfaWQYASABKAkiQgoLU2VydmVkTW9kZWwSDQoFbW9kZWwYASABKAkSEgoKY29uZmlndXJlZBgCIAEoCBIQCghjaGFubmVscxgDIAMoCSJJChhMaXN0U2VydmVkTW9kZWxzUmVzcG9uc2USLQoGbW9kZWxzGAEgAygLMh0uYWlwcm94eS5hZG1pbi52MS5TZXJ2ZWRNb2RlbCKOAgoMQnVpbHRpbk1vZGVsEg0KBW1vZGVsGAEgASgJEhAKCHByb3ZpZGVyGAIgASgJEikKBHR5cGUYAyABKA4yGy5haXByb3h5LmFkbWluLnYxLk1vZGVsVHlwZRImCgVwcmljZRgEIAEoCzIXLmFpcHJveHkuYWRtaW4udjEuUHJpY2USEAoIY3VycmVuY3kYBSABKAkSGwoOY29udGV4dF93aW5kb3cYBiABKANIAIgBARIeChFtYXhfb3V0cHV0X3Rva2VucxgHIAEoA0gBiAEBEhIKCm1lZGlhX2pzb24YCCABKAlCEQoPX2NvbnRleHRfd2luZG93QhQKEl9tYXhfb3V0cHV0X3Rva2VucyJ+ChhMaXN0QnVpbHRpbk1vZGVsc1JlcXVlc3QSEAoIcHJvdmlkZXIYASABKAkSKQoEdHlwZRgCIAEoDjIbLmFpcHJveHkuYWRtaW4udjEuTW9kZWxUeXBlEhEKCXBhZ2Vfc2l6ZRgDIAEoBRISCgpwYWdlX3Rva2VuGAQgASgJIq4BChlMaXN0QnVpbHRpbk1vZGVsc1Jlc3BvbnNlEi4KBm1vZGVscxgBIAMoCzIeLmFpcHJveHkuYWRtaW4udjEuQnVpbHRpbk1vZGVsEhcKD25leHRfcGFnZV90b2tlbhgCIAEoCRISCgp0b3RhbF9zaXplGAMgASgDEhkKEWNhdGFsb2d1ZV92ZXJzaW9uGAQgASgNEhkKEWNhdGFsb2d1ZV91cGRhdGVkGAUgASgJImQKGkltcG9ydEJ1aWx0aW5Nb2RlbHNSZXF1ZXN0EhEKCXByb3ZpZGVycxgBIAMoCRIOCgZtb2RlbHMYAiADKAkSEQoJb3ZlcndyaXRlGAMgASgIEhAKCGN1cnJlbmN5GAQgASgJIrMBChtJbXBvcnRCdWlsdGluTW9kZWxzUmVzcG9uc2USDwoHY3JlYXRlZBgBIAEoAxIPCgd1cGRhdGVkGAIgASgDEg8KB3NraXBwZWQYAyABKAMSFgoOY3JlYXRlZF9tb2RlbHMYBCADKAkSFgoOdXBkYXRlZF9tb2RlbHMYBSADKAkSFgoOc2tpcHBlZF9tb2RlbHMYBiADKAkSGQoRY2F0YWxvZ3VlX3ZlcnNpb24YByABKA0q/gEKCU1vZGVsVHlwZRIaChZNT0RFTF9UWVBFX1VOU1BFQ0lGSUVEEAASEwoPTU9ERUxfVFlQRV9DSEFUEAESGQoVTU9ERUxfVFlQRV9DT01QTEVUSU9OEAISGAoUTU9ERUxfVFlQRV9FTUJFRERJTkcQAxIUChBNT0RFTF9UWVBFX0lNQUdFEAQSFAoQTU9ERUxfVFlQRV9BVURJTxAFEhUKEU1PREVMX1RZUEVfUkVSQU5LEAYSGQoVTU9ERUxfVFlQRV9NT0RFUkFUSU9OEAcSFAoQTU9ERUxfVFlQRV9WSURFTxAIEhcKE01PREVMX1RZUEVfRE9DVU1FTlQQCTKRCwoMTW9kZWxTZXJ2aWNlEl4KEUNyZWF0ZU1vZGVsQ29uZmlnEiouYWlwcm94eS5hZG1pbi52MS5DcmVhdGVNb2RlbENvbmZpZ1JlcXVlc3QaHS5haXByb3h5LmFkbWluLnYxLk1vZGVsQ29uZmlnEl0KDkdldE1vZGVsQ29uZmlnEicuYWlwcm94eS5hZG1pbi52MS5HZXRNb2RlbENvbmZpZ1JlcXVlc3QaHS5haXByb3h5LmFkbWluLnYxLk1vZGVsQ29uZmlnIgOQAgESbgoQTGlzdE1vZGVsQ29uZmlncxIpLmFpcHJveHkuYWRtaW4udjEuTGlzdE1vZGVsQ29uZmlnc1JlcXVlc3QaKi5haXByb3h5LmFkbWluLnYxLkxpc3RNb2RlbENvbmZpZ3NSZXNwb25zZSIDkAIBEl4KEVVwZGF0ZU1vZGVsQ29uZmlnEiouYWlwcm94eS5hZG1pbi52MS5VcGRhdGVNb2RlbENvbmZpZ1JlcXVlc3QaHS5haXByb3h5LmFkbWluLnYxLk1vZGVsQ29uZmlnElcKEURlbGV0ZU1vZGVsQ29uZmlnEiouYWlwcm94eS5hZG1pbi52MS5EZWxldGVNb2RlbENvbmZpZ1JlcXVlc3QaFi5nb29nbGUucHJvdG9idWYuRW1wdHkScgoXQmF0Y2hEZWxldGVNb2RlbENvbmZpZ3MSMC5haXByb3h5LmFkbWluLnYxLkJhdGNoRGVsZXRlTW9kZWxDb25maWdzUmVxdWVzdBolLmFpcHJveHkuYWRtaW4udjEuQmF0Y2hEZWxldGVSZXNwb25zZRJtChVQdXRHcm91cE1vZGVsT3ZlcnJpZGUSLi5haXByb3h5LmFkbWluLnYxLlB1dEdyb3VwTW9kZWxPdmVycmlkZVJlcXVlc3QaJC5haXByb3h5LmFkbWluLnYxLkdyb3VwTW9kZWxPdmVycmlkZRJyChVHZXRHcm91cE1vZGVsT3ZlcnJpZGUSLi5haXByb3h5LmFkbWluLnYxLkdldEdyb3VwTW9kZWxPdmVycmlkZVJlcXVlc3QaJC5haXByb3h5LmFkbWluLnYxLkdyb3VwTW9kZWxPdmVycmlkZSIDkAIBEoMBChdMaXN0R3JvdXBNb2RlbE92ZXJyaWRlcxIwLmFpcHJveHkuYWRtaW4udjEuTGlzdEdyb3VwTW9kZWxPdmVycmlkZXNSZXF1ZXN0GjEuYWlwcm94eS5hZG1pbi52MS5MaXN0R3JvdXBNb2RlbE92ZXJyaWRlc1Jlc3BvbnNlIgOQAgESZQoYRGVsZXRlR3JvdXBNb2RlbE92ZXJyaWRlEjEuYWlwcm94eS5hZG1pbi52MS5EZWxldGVHcm91cE1vZGVsT3ZlcnJpZGVSZXF1ZXN0GhYuZ29vZ2xlLnByb3RvYnVmLkVtcHR5Em4KEExpc3RTZXJ2ZWRNb2RlbHMSKS5haXByb3h5LmFkbWluLnYxLkxpc3RTZXJ2ZWRNb2RlbHNSZXF1ZXN0GiouYWlwcm94eS5hZG1pbi52MS5MaXN0U2VydmVkTW9kZWxzUmVzcG9uc2UiA5ACARJxChFMaXN0QnVpbHRpbk1vZGVscxIqLmFpcHJveHkuYWRtaW4udjEuTGlzdEJ1aWx0aW5Nb2RlbHNSZXF1ZXN0GisuYWlwcm94eS5hZG1pbi52MS5MaXN0QnVpbHRpbk1vZGVsc1Jlc3BvbnNlIgOQAgEScgoTSW1wb3J0QnVpbHRpbk1vZGVscxIsLmFpcHJveHkuYWRtaW4udjEuSW1wb3J0QnVpbHRpbk1vZGVsc1JlcXVlc3QaLS5haXByb3h5LmFkbWluLnYxLkltcG9ydEJ1aWx0aW5Nb2RlbHNSZXNwb25zZWIGcHJvdG8z", [file_aiproxy_admin_v1_common, file_google_protobuf_empty, file_google_protobuf_field_mask]);
/**
 * Describes the message aiproxy.admin.v1.ModelConfig.
 * Use `create(ModelConfigSchema)` to create a new message.
 */
export const ModelConfigSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 0);
/**
 * Describes the message aiproxy.admin.v1.CreateModelConfigRequest.
 * Use `create(CreateModelConfigRequestSchema)` to create a new message.
 */
export const CreateModelConfigRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 1);
/**
 * Describes the message aiproxy.admin.v1.GetModelConfigRequest.
 * Use `create(GetModelConfigRequestSchema)` to create a new message.
 */
export const GetModelConfigRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 2);
/**
 * Describes the message aiproxy.admin.v1.ListModelConfigsRequest.
 * Use `create(ListModelConfigsRequestSchema)` to create a new message.
 */
export const ListModelConfigsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 3);
/**
 * Describes the message aiproxy.admin.v1.ListModelConfigsResponse.
 * Use `create(ListModelConfigsResponseSchema)` to create a new message.
 */
export const ListModelConfigsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 4);
/**
 * Describes the message aiproxy.admin.v1.UpdateModelConfigRequest.
 * Use `create(UpdateModelConfigRequestSchema)` to create a new message.
 */
export const UpdateModelConfigRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 5);
/**
 * Describes the message aiproxy.admin.v1.DeleteModelConfigRequest.
 * Use `create(DeleteModelConfigRequestSchema)` to create a new message.
 */
export const DeleteModelConfigRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 6);
/**
 * Describes the message aiproxy.admin.v1.BatchDeleteModelConfigsRequest.
 * Use `create(BatchDeleteModelConfigsRequestSchema)` to create a new message.
 */
export const BatchDeleteModelConfigsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 7);
/**
 * Describes the message aiproxy.admin.v1.GroupModelOverride.
 * Use `create(GroupModelOverrideSchema)` to create a new message.
 */
export const GroupModelOverrideSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 8);
/**
 * Describes the message aiproxy.admin.v1.PutGroupModelOverrideRequest.
 * Use `create(PutGroupModelOverrideRequestSchema)` to create a new message.
 */
export const PutGroupModelOverrideRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 9);
/**
 * Describes the message aiproxy.admin.v1.GetGroupModelOverrideRequest.
 * Use `create(GetGroupModelOverrideRequestSchema)` to create a new message.
 */
export const GetGroupModelOverrideRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 10);
/**
 * Describes the message aiproxy.admin.v1.ListGroupModelOverridesRequest.
 * Use `create(ListGroupModelOverridesRequestSchema)` to create a new message.
 */
export const ListGroupModelOverridesRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 11);
/**
 * Describes the message aiproxy.admin.v1.ListGroupModelOverridesResponse.
 * Use `create(ListGroupModelOverridesResponseSchema)` to create a new message.
 */
export const ListGroupModelOverridesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 12);
/**
 * Describes the message aiproxy.admin.v1.DeleteGroupModelOverrideRequest.
 * Use `create(DeleteGroupModelOverrideRequestSchema)` to create a new message.
 */
export const DeleteGroupModelOverrideRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 13);
/**
 * Describes the message aiproxy.admin.v1.ListServedModelsRequest.
 * Use `create(ListServedModelsRequestSchema)` to create a new message.
 */
export const ListServedModelsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 14);
/**
 * Describes the message aiproxy.admin.v1.ServedModel.
 * Use `create(ServedModelSchema)` to create a new message.
 */
export const ServedModelSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 15);
/**
 * Describes the message aiproxy.admin.v1.ListServedModelsResponse.
 * Use `create(ListServedModelsResponseSchema)` to create a new message.
 */
export const ListServedModelsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 16);
/**
 * Describes the message aiproxy.admin.v1.BuiltinModel.
 * Use `create(BuiltinModelSchema)` to create a new message.
 */
export const BuiltinModelSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 17);
/**
 * Describes the message aiproxy.admin.v1.ListBuiltinModelsRequest.
 * Use `create(ListBuiltinModelsRequestSchema)` to create a new message.
 */
export const ListBuiltinModelsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 18);
/**
 * Describes the message aiproxy.admin.v1.ListBuiltinModelsResponse.
 * Use `create(ListBuiltinModelsResponseSchema)` to create a new message.
 */
export const ListBuiltinModelsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 19);
/**
 * Describes the message aiproxy.admin.v1.ImportBuiltinModelsRequest.
 * Use `create(ImportBuiltinModelsRequestSchema)` to create a new message.
 */
export const ImportBuiltinModelsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 20);
/**
 * Describes the message aiproxy.admin.v1.ImportBuiltinModelsResponse.
 * Use `create(ImportBuiltinModelsResponseSchema)` to create a new message.
 */
export const ImportBuiltinModelsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_models, 21);
/**
 * @generated from enum aiproxy.admin.v1.ModelType
 */
export var ModelType;
(function (ModelType) {
    /**
     * @generated from enum value: MODEL_TYPE_UNSPECIFIED = 0;
     */
    ModelType[ModelType["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * @generated from enum value: MODEL_TYPE_CHAT = 1;
     */
    ModelType[ModelType["CHAT"] = 1] = "CHAT";
    /**
     * @generated from enum value: MODEL_TYPE_COMPLETION = 2;
     */
    ModelType[ModelType["COMPLETION"] = 2] = "COMPLETION";
    /**
     * @generated from enum value: MODEL_TYPE_EMBEDDING = 3;
     */
    ModelType[ModelType["EMBEDDING"] = 3] = "EMBEDDING";
    /**
     * @generated from enum value: MODEL_TYPE_IMAGE = 4;
     */
    ModelType[ModelType["IMAGE"] = 4] = "IMAGE";
    /**
     * @generated from enum value: MODEL_TYPE_AUDIO = 5;
     */
    ModelType[ModelType["AUDIO"] = 5] = "AUDIO";
    /**
     * @generated from enum value: MODEL_TYPE_RERANK = 6;
     */
    ModelType[ModelType["RERANK"] = 6] = "RERANK";
    /**
     * @generated from enum value: MODEL_TYPE_MODERATION = 7;
     */
    ModelType[ModelType["MODERATION"] = 7] = "MODERATION";
    /**
     * @generated from enum value: MODEL_TYPE_VIDEO = 8;
     */
    ModelType[ModelType["VIDEO"] = 8] = "VIDEO";
    /**
     * PDFs parsed into markdown (`/v1/parse/pdf`), billed per page.
     *
     * @generated from enum value: MODEL_TYPE_DOCUMENT = 9;
     */
    ModelType[ModelType["DOCUMENT"] = 9] = "DOCUMENT";
})(ModelType || (ModelType = {}));
/**
 * Describes the enum aiproxy.admin.v1.ModelType.
 */
export const ModelTypeSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_models, 0);
/**
 * @generated from service aiproxy.admin.v1.ModelService
 */
export const ModelService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_models, 0);
